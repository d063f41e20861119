"""Write amplification of non-uniform (hot/cold) write traffic.

Traffic classes ``i`` receive a share ``r_i`` of the writes and span a share
``f_i`` of the logical space (uniform within a class). Two placements:

*Mixed* (one write stream, LRW/FIFO cleaning; derived following Desnoyers'
LRW reasoning, reference dossier ssd_modeling.md §3.3): a unit of class i
survives one trip through the log with probability
``p_i = exp(-(r_i / f_i) alpha / A)`` and the cleaner rewrites
``r_i / (1 - p_i)`` per host write, so

    A = sum_i r_i / (1 - exp(-(r_i / f_i) alpha / A)),

solved for A by bisection. Uniform traffic gives the Lambert-W closed form.
Greedy cleaning of mixed traffic measures about the same (dossier §3.3).

*Separated* (each class in its own pool, e.g. ZNS zones or FDP reclaim units
per class): ``A = sum_i r_i A_LRW(alpha_i)`` with ``sum_i f_i alpha_i = alpha``;
:func:`waf_separated` finds the split of the spare space that minimises A.

Class shares are 1-D sequences along the last axis (they must each sum to 1);
``alpha`` broadcasts.
"""

from __future__ import annotations

import numpy as np

from linkmodel._array import check_range, pack, unpack
from linkmodel.ssd.waf import lambertw_kernel

__all__ = [
    "JESD219",
    "iu_factor",
    "unit_bytes_written",
    "waf_mixed",
    "waf_separated",
]

#: JEDEC JESD219 enterprise endurance workload: access skew over the LBA space
#: (50 % of accesses to the first 5 % of LBAs, 30 % to the next 15 %, 20 % to the rest)
#: and its transfer-size mix (share of writes by size in bytes); source: Seagate on
#: Tom's Hardware, reference dossier ssd_modeling.md §3.3.
JESD219 = {
    "rates": (0.50, 0.30, 0.20),
    "fractions": (0.05, 0.15, 0.80),
    "sizes": {
        512: 0.04,
        1024: 0.01,
        1536: 0.01,
        2048: 0.01,
        2560: 0.01,
        3072: 0.01,
        3584: 0.01,
        4096: 0.67,
        8192: 0.10,
        16384: 0.07,
        32768: 0.03,
        65536: 0.03,
    },
}


def _classes(rates, fractions):
    try:
        r = np.asarray(rates, dtype=float)
        f = np.asarray(fractions, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"rates, fractions: sequences of numbers, got {rates!r} and {fractions!r}") from None
    if r.ndim != 1 or f.shape != r.shape or r.size < 1:
        raise ValueError("rates, fractions: two 1-D sequences of the same length (one entry per traffic class)")
    for name, v in (("rates", r), ("fractions", f)):
        if np.any(~np.isfinite(v)) or np.any(v <= 0):
            raise ValueError(f"{name}: every class share must be positive and finite")
        if abs(v.sum() - 1.0) > 1e-9:
            raise ValueError(f"{name}: class shares must sum to 1, got {v.sum():g}")
    return r, f


def _mixed(alpha, r, f):
    """Bisection on log A for every alpha (broadcast array)."""
    alpha = np.asarray(alpha, dtype=float)
    lo = np.zeros_like(alpha)  # log A; g > 0 at A = 1
    # upper bracket: 1 / (1 - exp(-y)) <= 1 + 1/y makes the right side <= 1 + A / alpha, which is below A
    # once A > alpha / (alpha - 1): the root lies below that bound (finite for every alpha > 1)
    hi = np.log(alpha / (alpha - 1.0)) + 1e-9
    heat = (r / f)[..., :]

    def g(log_a):
        a = np.exp(log_a)[..., None]
        return np.sum(r / -np.expm1(-heat * alpha[..., None] / a), axis=-1) - a[..., 0]

    for _ in range(120):
        mid = 0.5 * (lo + hi)
        pos = g(mid) > 0
        lo = np.where(pos, mid, lo)
        hi = np.where(pos, hi, mid)
    return np.exp(0.5 * (lo + hi))


def waf_mixed(alpha, rates, fractions):
    """WAF of hot/cold classes mixed in one write stream (LRW/FIFO cleaning) [1].

    Parameters
    ----------
    alpha : float or array-like or xarray.DataArray
        Effective physical / user capacity [1], > 1.
    rates : sequence of float
        Share of writes per class [1], summing to 1.
    fractions : sequence of float
        Share of the logical space per class [1], summing to 1.

    Returns
    -------
    waf : same kind as `alpha`
        [1]; 2.820 for 80/20 at alpha 1.28 (uniform: 2.481).
    """
    r, f = _classes(rates, fractions)
    a, k = unpack(alpha=alpha)
    check_range("alpha", a["alpha"], lo=1, lo_open=True)
    return pack(_mixed(a["alpha"], r, f), k, "waf", "1", "write amplification, classes mixed in one stream")


def _separated_one(alpha: float, r, f):
    from scipy.optimize import minimize, minimize_scalar

    spare = alpha - 1.0

    def cost_from_shares(s):  # s: share of the spare space per class
        a_i = 1.0 + spare * s / f
        return float(np.sum(r * lambertw_kernel(a_i)))

    if r.size == 1:
        return cost_from_shares(np.array([1.0])), np.array([alpha])
    if r.size == 2:
        res = minimize_scalar(
            lambda s0: cost_from_shares(np.array([s0, 1.0 - s0])),
            bounds=(1e-9, 1 - 1e-9),
            method="bounded",
            options={"xatol": 1e-12},
        )
        s = np.array([res.x, 1.0 - res.x])
    else:
        # softmax parametrisation keeps every pool's spare share positive and the shares summing to 1
        def obj(z):
            e = np.exp(z - z.max())
            return cost_from_shares(e / e.sum())

        res = minimize(obj, np.log(f), method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
        e = np.exp(res.x - res.x.max())
        s = e / e.sum()
    return cost_from_shares(s), 1.0 + spare * s / f


def waf_separated(alpha, rates, fractions):
    """WAF of hot/cold classes written to separate pools, spare space split optimally [1].

    Each class gets its own pool (ZNS zones, FDP reclaim units, a stream per
    class); the spare space ``alpha - 1`` is shared out to minimise
    ``sum_i r_i A_LRW(alpha_i)`` subject to ``sum_i f_i alpha_i = alpha``.

    Parameters
    ----------
    alpha : float or array-like or xarray.DataArray
        Effective physical / user capacity [1], > 1.
    rates, fractions : sequence of float
        As :func:`waf_mixed`.

    Returns
    -------
    waf : same kind as `alpha`
        [1]; 1.866 for 80/20 at alpha 1.28.
    pool_alpha : numpy.ndarray or xarray.DataArray
        ``alpha_i`` of each pool at the optimum, shape ``alpha.shape + (classes,)``
        (a DataArray with a trailing ``traffic_class`` dim for DataArray input;
        1.69 and 1.18 for 80/20 at 1.28).
    """
    r, f = _classes(rates, fractions)
    a, k = unpack(alpha=alpha)
    check_range("alpha", a["alpha"], lo=1, lo_open=True)
    al = np.asarray(a["alpha"], dtype=float)
    out = np.empty(al.shape)
    pools = np.empty((*al.shape, r.size))
    for idx in np.ndindex(al.shape):
        out[idx], pools[idx] = _separated_one(float(al[idx]), r, f)
    waf_out = pack(out if out.ndim else float(out), k, "waf", "1", "write amplification, classes in separate pools")
    if k.kind == "xarray":
        import xarray as xr

        return waf_out, xr.DataArray(
            pools.reshape((*k.shape, r.size)),
            dims=(*k.dims, "traffic_class"),
            coords=k.coords,
            name="pool_alpha",
            attrs={"units": "1", "long_name": "physical / user capacity per pool"},
        )
    return waf_out, pools


def iu_factor(sizes, indirection_unit):
    """Mean write amplification from mapping-unit read-modify-write over a size mix [1].

    A write of ``s`` bytes rewrites ``ceil(s / IU)`` whole units (aligned
    start): factor ``ceil(s / IU) IU / s``, averaged by bytes written.

    Parameters
    ----------
    sizes : dict of {float: float}
        Transfer size [B] -> share of writes [1] (shares sum to 1).
    indirection_unit : float or array-like or xarray.DataArray
        Mapping unit [B].

    Returns
    -------
    factor : same kind as `indirection_unit`
        NAND bytes per host byte from read-modify-write alone [1]; 4 for 4 KiB
        writes on a 16 KiB unit.
    """
    s = np.asarray(list(sizes), dtype=float)
    w = np.asarray(list(sizes.values()), dtype=float)
    if (
        s.size == 0
        or not np.all(np.isfinite(s))
        or not np.all(np.isfinite(w))
        or np.any(s <= 0)
        or np.any(w < 0)
        or abs(w.sum() - 1.0) > 1e-9
    ):
        raise ValueError("sizes: positive sizes [B] mapped to shares summing to 1")
    a, k = unpack(indirection_unit=indirection_unit)
    check_range("indirection_unit", a["indirection_unit"], lo=0, lo_open=True, unit="B")
    iu = np.asarray(a["indirection_unit"], dtype=float)[..., None]
    written = unit_bytes_written(s, iu)
    factor = np.sum(w * written, axis=-1) / np.sum(w * s)
    return pack(factor if factor.ndim else float(factor), k, "iu_factor", "1")


def unit_bytes_written(size, indirection_unit):
    """Bytes a write of ``size`` [B] rewrites: every mapping unit it touches, whole [B].

    ``ceil(size / IU) x IU`` (aligned start; the 1e-12 keeps an exact multiple
    from rounding up). A kernel: plain numpy, no checks.
    """
    return np.ceil(size / indirection_unit - 1e-12) * indirection_unit
