"""Write amplification of uniform random writes (greedy / FIFO garbage collection).

For large GC units, greedy and FIFO cleaning converge to the closed form of
Desnoyers (SYSTOR'12, TOS'14) and Xiang & Kurkoski (arXiv 1110.4245)::

    A = alpha / (alpha + W0(-alpha exp(-alpha)))

with ``alpha = T / U`` physical over user capacity and W0 the principal
branch of the Lambert W function. At 30 % OP (alpha = 1.30) it gives 2.364;
Xiang & Kurkoski report 2.36 (simulation 2.35).

Over-provisioning conventions (both appear in the wild; they are not
interchangeable): ``op_user = (T - U) / U`` (papers, marketing "28 %") and
``op_physical = (T - U) / T`` (MQSim's Overprovisioning_Ratio). Use
:func:`alpha_from_op` to convert.
"""

from __future__ import annotations

from typing import get_args

import numpy as np

from linkmodel._array import check_choice, check_range, pack, unpack
from linkmodel._typing import OpConvention

__all__ = [
    "OP_CONVENTIONS",
    "alpha_effective",
    "alpha_from_op",
    "victim_valid_fraction",
    "waf_agarwal",
    "waf_uniform",
]

OP_CONVENTIONS: tuple[str, ...] = get_args(OpConvention)


def alpha_from_op(op, convention: OpConvention = "user"):
    """Physical / user capacity ratio alpha from an over-provisioning figure [1].

    Parameters
    ----------
    op : float or array-like or xarray.DataArray
        Over-provisioning [1].
    convention : {"user", "physical"}
        ``"user"``: op = (T - U) / U, alpha = 1 + op.
        ``"physical"``: op = (T - U) / T, alpha = 1 / (1 - op).

    Returns
    -------
    alpha : same kind as `op`
        [1].
    """
    check_choice("convention", convention, OP_CONVENTIONS)
    a, k = unpack(op=op)
    if convention == "user":
        check_range("op", a["op"], lo=0, lo_open=True)
        alpha = 1.0 + a["op"]
    else:
        check_range("op", a["op"], lo=0, lo_open=True, hi=1, hi_open=True)
        alpha = 1.0 / (1.0 - a["op"])
    return pack(alpha, k, "alpha", "1")


def lambertw_kernel(alpha):
    """Lambert-W WAF without cancellation near alpha = 1.

    With ``x = 1 - 1/A`` the victim's valid share, the closed form is the
    non-trivial root of ``x = exp(-alpha (1 - x))``, i.e. ``u = 1/A`` solves
    ``alpha = -log1p(-u) / u`` (increasing in u on (0, 1)); in Lambert-W terms
    ``u = (alpha + W0(-alpha e^-alpha)) / alpha``. W0 near its branch point loses
    half the digits as alpha -> 1 (``alpha + W`` cancels), so no W0 is evaluated:
    Newton on ``f(u) = log1p(-u) + alpha u = 0`` converges to machine precision
    for every alpha > 1. ``f`` is concave (``f'' = -1/(1-u)^2``) and the root lies
    below ``1 - exp(-alpha)`` (``u = 1 - exp(-alpha u)`` with ``u < 1``), so Newton
    started there moves down onto the root without overshooting; near alpha = 1
    the series ``u = 2e - 8e^2/3`` (``e = alpha - 1``) starts it instead (e.g.
    A = 5.0e8 at alpha = 1 + 1e-9). No scipy import (its ~0.2 s is most of a
    command's start beyond numpy and xarray); checked against scipy's W0 in the tests.
    """
    alpha = np.asarray(alpha, dtype=float)
    e = alpha - 1.0
    with np.errstate(over="ignore", invalid="ignore", under="ignore", divide="ignore"):
        u = np.where(e < 1e-3, 2.0 * e - 8.0 / 3.0 * e * e, -np.expm1(-alpha))
        # one fixed-point step u <- 1 - exp(-alpha u): g is increasing and below the identity above the root,
        # so the start stays above the root and moves toward it
        u = np.where(e < 1e-3, u, -np.expm1(-alpha * u))
        u = np.clip(np.nan_to_num(u, nan=0.5), 1e-300, 1.0 - 1e-16)
        near = alpha <= 30.0  # beyond, the result is set below (the iterate sits at the clip)
        for _ in range(60):
            f = np.log1p(-u) + alpha * u
            fp = alpha - 1.0 / (1.0 - u)
            step = np.where(fp != 0, f / np.where(fp != 0, fp, 1.0), 0.0)
            new = u - step
            # keep the iterate inside (0, 1): fall back to bisection-like halving toward the bound
            new = np.where(new <= 0, 0.5 * u, np.where(new >= 1, 0.5 * (u + 1.0), new))
            done = np.all((np.abs(new - u) <= 1e-13 * np.abs(u)) | ~near)  # rounding floor near u -> 1
            u = new
            if done:
                break
    # beyond alpha ~ 37 the victim holds essentially nothing valid: u = 1 - exp(-alpha u) = 1 - exp(-alpha) to
    # double precision (Newton from a clipped start fails there)
    with np.errstate(over="ignore", under="ignore"):
        u = np.where(alpha > 30.0, -np.expm1(-alpha), u)
    return 1.0 / u


def waf_uniform(alpha):
    """Write amplification of uniform random single-unit writes, large GC units [1].

    Parameters
    ----------
    alpha : float or array-like or xarray.DataArray
        Physical / user capacity available to the FTL [1], > 1.

    Returns
    -------
    waf : same kind as `alpha`
        [1]; 7.817 at alpha 1.07, 2.481 at 1.28, 1.716 at 1.5.
    """
    a, k = unpack(alpha=alpha)
    check_range("alpha", a["alpha"], lo=1, lo_open=True)
    return pack(lambertw_kernel(a["alpha"]), k, "waf", "1", "write amplification, uniform random writes")


def victim_valid_fraction(alpha):
    """Share of still-valid units in the block chosen for cleaning [1]: 1 - 1/A.

    Parameters
    ----------
    alpha : float or array-like or xarray.DataArray
        Physical / user capacity [1], > 1.

    Returns
    -------
    x : same kind as `alpha`
        [1]; 0.597 at alpha 1.28.
    """
    a, k = unpack(alpha=alpha)
    check_range("alpha", a["alpha"], lo=1, lo_open=True)
    return pack(1.0 - 1.0 / lambertw_kernel(a["alpha"]), k, "victim_valid_fraction", "1")


def waf_agarwal(alpha):
    """Agarwal & Marrow's (GLOBECOM 2010) uniform-random WAF (1 + rho) / (2 rho) [1].

    ``rho = alpha - 1``. Too optimistic at low over-provisioning: 2.17 at
    rho = 0.3 against the simulated 2.35 (Xiang & Kurkoski); kept for
    comparison with tools that use it.

    Parameters
    ----------
    alpha : float or array-like or xarray.DataArray
        Physical / user capacity [1], > 1.

    Returns
    -------
    waf : same kind as `alpha`
        [1].
    """
    a, k = unpack(alpha=alpha)
    check_range("alpha", a["alpha"], lo=1, lo_open=True)
    rho = a["alpha"] - 1.0
    return pack((1.0 + rho) / (2.0 * rho), k, "waf", "1", "write amplification (Agarwal-Marrow)")


def alpha_effective(alpha, reserve_fraction=0.0):
    """Alpha left for host data once the GC free-block reserve is set aside [1].

    ``alpha_eff = alpha x (1 - reserve_fraction)``: the FTL keeps free blocks
    (GC threshold), open blocks, bad-block spares, parity and metadata out of
    the pool that garbage collection works on. E.g. 3 of 512 blocks at
    alpha 1.07 leave 1.0637, and FIFO then measures the Lambert-W WAF there,
    8.52 rather than 7.82 (reference dossier ssd_modeling.md §2, §9 #13).

    Parameters
    ----------
    alpha : float or array-like or xarray.DataArray
        Physical / user capacity [1], > 1.
    reserve_fraction : float or array-like or xarray.DataArray
        Share of the physical capacity held back [1], 0 <= r < 1.

    Returns
    -------
    alpha_eff : broadcast kind of the inputs
        [1]; must still exceed 1.
    """
    a, k = unpack(alpha=alpha, reserve_fraction=reserve_fraction)
    check_range("alpha", a["alpha"], lo=1, lo_open=True)
    check_range("reserve_fraction", a["reserve_fraction"], lo=0, hi=1, hi_open=True)
    eff = a["alpha"] * (1.0 - a["reserve_fraction"])
    if np.any(eff <= 1.0):
        raise ValueError("reserve_fraction: leaves no over-provisioning (alpha x (1 - reserve_fraction) <= 1)")
    return pack(eff, k, "alpha_effective", "1")
