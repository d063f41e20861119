"""Which designs of a sweep can run at all: a power cap above the static power.

Checked on the static power over its own dims and the power cap over its own,
never on the whole grid, so a lazy sweep of 10^9 designs is checked without
building it.
"""

from __future__ import annotations

import numpy as np

from linkmodel._array import check_memory
from linkmodel.ssd import power

__all__ = ["SWEEP_BYTES_PER_ELEMENT", "check", "check_memory_for", "feasible", "static_power"]

#: Peak working memory of an eager sweep per design and workload [B]: measured once with tracemalloc,
#: ``run("micron-9550-max", {dies: 800, t_read: 50, channel_rate: 10 values})`` (4e5 designs x 4 workloads,
#: numpy 2): 307 B, of which the result keeps 137 (the drive model's intermediates are the rest).
SWEEP_BYTES_PER_ELEMENT = 320


def static_power(params: dict):
    """Static power [W] of every design (controller + DRAM + PHY + NAND standby), over the dims it varies on."""
    return power.static_power(
        params["controller_power"], params["dram_power"], params["phy_power"], params["standby_power"], params["dies"]
    )


def feasible(params: dict):
    """True where the power cap exceeds the static power (some I/O can run), and the static power."""
    import xarray as xr

    static = static_power(params)
    ok = params["power_cap"] - static > 0.0
    return (ok if isinstance(ok, xr.DataArray) else bool(ok)), static


def check(params: dict, axes: dict):
    """Raise naming the first design whose power cap is at or below its static power, and how many are.

    Works on the static power over its own dims and the power cap over its own (never the whole grid, so a
    lazy sweep of 10^9 designs is checked without building it).
    """
    import xarray as xr

    static = static_power(params)
    cap = params["power_cap"]
    st = static if isinstance(static, xr.DataArray) else xr.DataArray(float(static))
    cp = cap if isinstance(cap, xr.DataArray) else xr.DataArray(float(cap))
    total = int(np.prod([len(v) for v in axes.values()]))
    if set(st.dims) & set(cp.dims):  # not from run() (the cap is its own axis or one value): broadcast them
        st, cp = xr.broadcast(st, cp)
        bad = (cp - st <= 0.0).values
        n_bad = int(bad.sum()) * total // max(bad.size, 1)
        i = np.unravel_index(int(np.argmax(bad)), bad.shape) if n_bad else None
        at_st = at_cp = i
    else:
        caps = np.sort(cp.values.ravel())
        counts = np.searchsorted(caps, st.values.ravel(), side="right")  # caps at or below each static power
        n_bad = int(counts.sum()) * (total // max(st.size * cp.size, 1))
        at_st = np.unravel_index(int(np.argmax(st.values)), st.shape) if n_bad else None
        at_cp = np.unravel_index(int(np.argmin(cp.values)), cp.shape) if n_bad else None
    if not n_bad or at_st is None or at_cp is None:
        return
    where = {d: st[d].values[i] for d, i in zip(st.dims, at_st, strict=True) if d in st.coords}
    where |= {d: cp[d].values[i] for d, i in zip(cp.dims, at_cp, strict=True) if d in cp.coords}
    where = {d: where[d] for d in axes if d in where}
    cap_v, st_v = float(cp.values[at_cp]), float(st.values[at_st])
    at = ", ".join(f"{k}={v}" if isinstance(v, str) else f"{k}={v:g}" for k, v in where.items())
    raise ValueError(
        f"axes: {n_bad} of {total} designs have a power_cap at or below their static power, so no "
        f"I/O could run (e.g. {at or 'the base design'}: {cap_v:.4g} W vs {st_v:.4g} W); drop "
        "those axis values, or pass infeasible='mask' to mark them (outputs NaN, binding "
        "'infeasible', a 'feasible' variable)"
    )


def check_memory_for(axes, chunks, n_workloads) -> None:
    """Refuse, in one line, an eager sweep (or a chunk of a lazy one) needing more than the memory limit."""
    if not isinstance(axes, dict):
        return  # parameters() names a wrong axes argument
    try:
        sizes = {k: len(v) for k, v in axes.items()}
    except TypeError:
        return  # parameters() names an axis that is not a sequence
    if chunks is None:
        designs = float(np.prod(list(sizes.values()), dtype=float))
        first = next(iter(axes), "axis")
        hint = f"pass chunks= (e.g. chunks={{{first!r}: ...}}) for a lazy, Dask-backed result, or fewer values"
        what = f"{designs:.3g} designs x {n_workloads} workloads"
        check_memory("axes", designs * n_workloads, SWEEP_BYTES_PER_ELEMENT, hint, what)
    elif isinstance(chunks, dict):
        per = [
            min(int(n), sizes[k]) if isinstance(n, int | np.integer) and k in sizes else 1 for k, n in chunks.items()
        ]
        block = float(np.prod([sizes[k] for k in sizes if k not in chunks] + per, dtype=float))
        what = f"blocks of {block:.3g} designs x {n_workloads} workloads"
        check_memory("chunks", block * n_workloads, SWEEP_BYTES_PER_ELEMENT, "give smaller chunks", what)
