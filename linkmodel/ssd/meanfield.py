"""Write amplification with finite GC units: Van Houdt's mean-field model.

With ``b`` mapping units per GC unit (block or superblock) and d-choices
garbage collection (sample ``d`` blocks, clean the one with fewest valid
units; d of about 100 behaves like greedy), Van Houdt (SIGMETRICS'13,
QUESTA'14) describes the fraction ``x_i`` of blocks holding at least ``i``
valid units (``x_0 = 1``, ``x_{b+1} = 0``) by

    dx_i/dt = 1 - x_i^d - (b - sum_j x_j^d) * i * (x_i - x_{i+1}) / (b * rho)

with load ``rho = U / T = 1 / alpha``. At the fixed point the victim holds
``sum_j x_j^d`` valid units on average, so

    A = b / (b - sum_j x_j^d).

As ``b`` grows, greedy and FIFO both approach the Lambert-W closed form of
:func:`linkmodel.ssd.waf.waf_uniform`; for small ``b`` greedy does better
(reference dossier ssd_modeling.md §3.2: b = 32, alpha = 1.07 gives 6.40
against 7.82).

The fixed point is found by integrating the ODE (LSODA) until the largest
derivative is below 1e-12; ``alpha`` should be the *effective* alpha (after
the GC free-block reserve, :func:`linkmodel.ssd.waf.alpha_effective`).
"""

from __future__ import annotations

import functools

import numpy as np

from linkmodel._array import check_range, pack, unpack

#: largest GC unit the ODE is solved for; beyond it the Lambert-W limit is within 0.1 % (dossier §3.2)
MAX_PAGES_PER_BLOCK = 4096


@functools.lru_cache(maxsize=4096)
def _solve(alpha: float, b: int, d: float) -> float:
    from scipy.integrate import solve_ivp

    rho = 1.0 / alpha
    i = np.arange(1, b + 1, dtype=float)

    def rhs(_t, x):
        xd = x**d
        nxt = np.append(x[1:], 0.0)
        return 1.0 - xd - (b - xd.sum()) * i * (x - nxt) / (b * rho)

    x = (i <= rho * b).astype(float)  # every block holds rho * b valid units
    t_end = 100.0
    for _ in range(12):
        sol = solve_ivp(rhs, (0.0, t_end), x, method="LSODA", rtol=1e-10, atol=1e-12)
        if not sol.success:  # pragma: no cover - LSODA reports its own trouble
            raise RuntimeError(f"mean-field WAF: the ODE solver failed at alpha={alpha}, b={b}, d={d}: {sol.message}")
        x = np.clip(sol.y[:, -1], 0.0, 1.0)  # fractions; removes solver round-off of order atol only
        if np.max(np.abs(rhs(0.0, x))) < 1e-12:
            break
        t_end *= 4.0
    else:  # pragma: no cover
        raise RuntimeError(f"mean-field WAF: no fixed point at alpha={alpha}, b={b}, d={d}")
    return float(b / (b - np.sum(x**d)))


def waf_meanfield(alpha, pages_per_block, choices=100):
    """Write amplification of uniform random writes with finite GC units [1].

    Parameters
    ----------
    alpha : float or array-like or xarray.DataArray
        Effective physical / user capacity ratio [1], > 1.
    pages_per_block : int or array-like or xarray.DataArray
        Mapping units per GC unit ``b`` [1], 2 to :data:`MAX_PAGES_PER_BLOCK`.
    choices : float or array-like or xarray.DataArray
        Blocks sampled per GC decision ``d`` [1], >= 1 (1 = random victim,
        about 100 = greedy).

    Returns
    -------
    waf : broadcast kind of the inputs
        [1]; 6.40 at alpha 1.07, b 32, d 100 (greedy simulation 6.41).
    """
    a, k = unpack(alpha=alpha, pages_per_block=pages_per_block, choices=choices)
    check_range("alpha", a["alpha"], lo=1, lo_open=True)
    check_range("pages_per_block", a["pages_per_block"], lo=2, hi=MAX_PAGES_PER_BLOCK)
    check_range("choices", a["choices"], lo=1)
    b = np.asarray(a["pages_per_block"])
    if np.any(b != np.round(b)):
        raise ValueError("pages_per_block: must be a whole number of mapping units")
    al, bb, dd = np.broadcast_arrays(np.asarray(a["alpha"], dtype=float), b.astype(float),
                                     np.asarray(a["choices"], dtype=float))
    out = np.empty(al.shape)
    for idx in np.ndindex(al.shape):
        out[idx] = _solve(float(al[idx]), int(bb[idx]), float(dd[idx]))
    return pack(out if out.ndim else float(out), k, "waf", "1", "write amplification, finite GC units (mean field)")
