"""Endurance: rated TBW from DWPD, and DWPD from P/E cycles, over-provisioning and WAF.

Rated endurance (vendors' definition)::

    TBW = C_user x DWPD x 365 x years                         [B written by the host]

Physical endurance: the NAND takes ``PE`` program/erase cycles per cell, so
over ``years`` the host can write ``PE x C_raw x eta / WAF`` bytes, i.e.::

    DWPD = PE x (C_raw / C_user) x eta / (WAF x 365 x years)

with ``eta <= 1`` the wear-levelling efficiency (reference dossier
ssd_modeling.md §3.6: PE 3000, alpha 1.28, uniform 4 KiB random writes,
5 years -> 0.848 DWPD; sequential 2.104). ``WAF`` is the total write
amplification (GC x mapping-unit read-modify-write x parity ...).

All functions broadcast over scalars, numpy arrays and xarray DataArrays.
"""

from __future__ import annotations

from linkmodel._array import check_range, pack, unpack
from linkmodel.ssd.waf import lambertw_kernel

__all__ = [
    "DAYS_PER_YEAR",
    "alpha_for_dwpd",
    "dwpd",
    "pe_cycles_needed",
    "tbw",
]

DAYS_PER_YEAR = 365.0  # the rating convention (no leap days) [JESD218; vendor TBW tables]


def tbw(capacity, dwpd, years=5.0):
    """Rated total bytes written from a DWPD rating [B].

    Parameters
    ----------
    capacity : float or array-like or xarray.DataArray
        User capacity [B].
    dwpd : float or array-like or xarray.DataArray
        Drive writes per day [1/day].
    years : float or array-like or xarray.DataArray
        Warranty period [year].

    Returns
    -------
    tbw : broadcast kind of the inputs
        [B]; 3.2 TB at 3 DWPD over 5 years: 17,520 TB (Micron 9550 MAX spec).
    """
    a, k = unpack(capacity=capacity, dwpd=dwpd, years=years)
    check_range("capacity", a["capacity"], lo=0, lo_open=True, unit="B")
    check_range("dwpd", a["dwpd"], lo=0)
    check_range("years", a["years"], lo=0, lo_open=True)
    return pack(a["capacity"] * a["dwpd"] * DAYS_PER_YEAR * a["years"], k, "tbw", "B", "rated bytes written")


def dwpd(pe_cycles, alpha, waf, years=5.0, wear_leveling=1.0):
    """Drive writes per day the NAND's P/E cycles allow [1/day].

    Parameters
    ----------
    pe_cycles : float or array-like or xarray.DataArray
        Program/erase cycles per cell the NAND is rated for [1].
    alpha : float or array-like or xarray.DataArray
        Raw NAND / user capacity [1] (the physical ratio, parity and spares included).
    waf : float or array-like or xarray.DataArray
        Total write amplification of the workload [1], >= 1.
    years : float or array-like or xarray.DataArray
        Warranty period [year].
    wear_leveling : float or array-like or xarray.DataArray
        Wear-levelling efficiency eta [1], 0 < eta <= 1.

    Returns
    -------
    dwpd : broadcast kind of the inputs
        [1/day]; 0.848 at PE 3000, alpha 1.28, WAF 2.481, 5 years.
    """
    a, k = unpack(pe_cycles=pe_cycles, alpha=alpha, waf=waf, years=years, wear_leveling=wear_leveling)
    check_range("pe_cycles", a["pe_cycles"], lo=0, lo_open=True)
    check_range("alpha", a["alpha"], lo=1)
    check_range("waf", a["waf"], lo=1)
    check_range("years", a["years"], lo=0, lo_open=True)
    check_range("wear_leveling", a["wear_leveling"], lo=0, lo_open=True, hi=1)
    value = a["pe_cycles"] * a["alpha"] * a["wear_leveling"] / (a["waf"] * DAYS_PER_YEAR * a["years"])
    return pack(value, k, "dwpd", "1/day", "drive writes per day the NAND endures")


def pe_cycles_needed(dwpd_rating, alpha, waf, years=5.0, wear_leveling=1.0):
    """P/E cycles a DWPD rating needs from the NAND [1] (the inverse of :func:`dwpd`).

    Parameters
    ----------
    dwpd_rating : float or array-like or xarray.DataArray
        Rated drive writes per day [1/day].
    alpha, waf, years, wear_leveling
        As :func:`dwpd`.

    Returns
    -------
    pe_cycles : broadcast kind of the inputs
        [1].
    """
    a, k = unpack(dwpd=dwpd_rating, alpha=alpha, waf=waf, years=years, wear_leveling=wear_leveling)
    check_range("dwpd_rating", a["dwpd"], lo=0)
    check_range("alpha", a["alpha"], lo=1)
    check_range("waf", a["waf"], lo=1)
    check_range("years", a["years"], lo=0, lo_open=True)
    check_range("wear_leveling", a["wear_leveling"], lo=0, lo_open=True, hi=1)
    value = a["dwpd"] * a["waf"] * DAYS_PER_YEAR * a["years"] / (a["alpha"] * a["wear_leveling"])
    return pack(value, k, "pe_cycles", "1", "P/E cycles the rating needs")


def alpha_for_dwpd(
    dwpd_target, pe_cycles, years=5.0, reserve_fraction=0.0, wear_leveling=1.0, multiplier=1.0, slc_fraction=0.0
):
    """Raw / user capacity ratio a DWPD rating needs under uniform random writes [1].

    Solves ``PE x alpha x eta / (WAF x 365 x years) = DWPD`` for alpha with
    ``WAF = m x (A(alpha (1 - reserve) / m) + slc)``: A the Lambert-W WAF
    (IU-aligned writes, large GC units), ``m`` the parity and metadata
    multiplier (those bytes also take NAND from the spare space) and ``slc``
    the share of writes through an SLC cache. The left side grows with alpha,
    so the root is unique (bisection).

    Parameters
    ----------
    dwpd_target : float or array-like or xarray.DataArray
        Drive writes per day to reach [1/day].
    pe_cycles : float or array-like or xarray.DataArray
        NAND P/E cycles [1].
    years, wear_leveling
        As :func:`dwpd`.
    reserve_fraction : float or array-like or xarray.DataArray
        NAND held back from garbage collection [1].
    multiplier : float
        ``(1 + parity) x (1 + metadata)`` [1] (:func:`linkmodel.ssd.writepath.multiplier`).
    slc_fraction : float
        Share of host writes through an SLC cache [1].

    Returns
    -------
    alpha : broadcast kind of the inputs
        [1]. Any target is reachable with enough NAND; the bracket grows
        until it holds the root.
    """
    import numpy as np

    a, k = unpack(
        dwpd=dwpd_target,
        pe_cycles=pe_cycles,
        years=years,
        reserve_fraction=reserve_fraction,
        wear_leveling=wear_leveling,
    )
    check_range("dwpd_target", a["dwpd"], lo=0, lo_open=True)
    check_range("multiplier", multiplier, lo=1)
    check_range("slc_fraction", slc_fraction, lo=0, hi=1)
    check_range("pe_cycles", a["pe_cycles"], lo=0, lo_open=True)
    check_range("years", a["years"], lo=0, lo_open=True)
    check_range("reserve_fraction", a["reserve_fraction"], lo=0, hi=1, hi_open=True)
    check_range("wear_leveling", a["wear_leveling"], lo=0, lo_open=True, hi=1)
    shape = np.broadcast_shapes(*(np.shape(v) for v in a.values()))
    target, pe, yr, res, eta = (
        np.broadcast_to(np.asarray(a[n], dtype=float), shape)
        for n in ("dwpd", "pe_cycles", "years", "reserve_fraction", "wear_leveling")
    )

    def achieved(alpha):
        eff = np.maximum(alpha * (1.0 - res) / multiplier, 1.0 + 1e-12)
        return pe * alpha * eta / ((lambertw_kernel(eff) + slc_fraction) * multiplier * DAYS_PER_YEAR * yr)

    lo = np.full(shape, multiplier / (1.0 - res))  # alpha_eff = 1: no spare space, achieved -> 0
    hi = 2.0 * lo
    # achieved() grows without bound (WAF -> 1, alpha x PE): double the bracket until it holds the target
    for _ in range(64):
        short = achieved(hi) < target
        if not np.any(short):
            break
        hi = np.where(short, 2.0 * hi, hi)
    else:
        raise ValueError("dwpd: unreachable with these P/E cycles below alpha 1e19 (raw / user capacity)")
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        ok = achieved(mid) >= target
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    out = 0.5 * (lo + hi)
    return pack(out if out.ndim else float(out), k, "alpha", "1", "raw / user capacity for the DWPD rating")
