"""Calibration of the four shared power constants no vendor publishes.

Die program power (W per die while programming), the fixed share of a
controller's full-load power (drawn at idle too), the data-path energy per
byte the model does not itemise (DRAM buffer traffic, NAND I/O beyond the bus
energy) and the controller's energy per NVMe command (command fetch, FTL
lookup, completion, interrupt) are not published for any current part, yet
they set every power-capped figure. They are calibrated *once, for all
parts*, by least squares of the log errors over the power-sensitive vendor
figures of the bundled parts (sequential write, random read, read
efficiency, read and write power, idle power), on a grid. The same four
numbers then serve every part; nothing is per part.

Only confirmed vendor figures take part, no power figure equal to the
part's power cap (a power-bound prediction equals it by construction), and
no figure whose prediction none of the constants moves (bound by dies,
channels or the link at every grid point).

Run ``python -m linkmodel.studies.calibrate`` to re-derive them and print the
leave-one-out check: for each part, the constants re-derived without that
part's figures, and its errors under them. The stored values live in
``data/catalogue/calibration.toml``; ``tests/test_calibration.py`` checks
that they are what the procedure gives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkmodel import parts as _parts
from linkmodel.parts import bundled_parts, catalogue, stored
from linkmodel.ssd import drive

__all__ = [
    "GRID",
    "METRICS",
    "VENDOR_KINDS",
    "Sample",
    "fit",
    "leave_one_out",
    "main",
    "samples",
]

#: vendor figures the power constants move: metric -> (workload, predicted quantity)
METRICS = {
    "seq_write": ("seq_write", "throughput"),
    "read_efficiency": ("seq_read", "efficiency"),
    "seq_read_power": ("seq_read", "power"),
    "seq_write_power": ("seq_write", "power"),
    "idle_power": ("seq_read", "static_power"),
    "rand_read": ("rand_read", "iops"),
}
VENDOR_KINDS = ("up_to", "typical", "max", "derived")
#: the grid: constant -> values (SI)
GRID = {
    "program_power": np.round(np.arange(0.02, 0.5001, 0.01), 4),  # W per die
    "controller_fixed_fraction": np.round(np.arange(0.0, 1.0001, 0.02), 4),  # 1
    "controller_energy": np.round(np.arange(0.0, 1.0001e-9, 0.02e-9), 13),  # J per byte
    "command_energy": np.round(np.arange(0.0, 3.0001e-6, 0.25e-6), 12),  # J per NVMe command
}


@dataclass(frozen=True)
class Sample:
    """One vendor figure and the model's predictions over the constants' grid."""

    part: str
    metric: str
    capacity: float
    published: float
    grid: np.ndarray  # predictions, one axis per constant in GRID order


def samples(parts=None, cat=None) -> list[Sample]:
    """Predictions of every power-sensitive confirmed vendor figure over the grid."""
    import xarray as xr

    cat = catalogue() if cat is None else cat
    parts = bundled_parts() if parts is None else parts
    axes = {k: xr.DataArray(v, dims=k) for k, v in GRID.items()}
    out = []
    for part in parts:
        for pub in part.published:
            if pub.metric not in METRICS or pub.kind not in VENDOR_KINDS or not pub.confirmed:
                continue  # unconfirmed (secondary-source) figures do not set shared constants
            if (
                pub.metric != "idle_power"
                and pub.metric.endswith("_power")
                and np.isclose(pub.value, part.get("power_cap"))
            ):
                continue  # a power figure equal to the cap: a power-bound prediction equals it by construction
            params, _ = _parts.params_from_part(part, pub.capacity, cat, constants=axes)
            wl_name, q = METRICS[pub.metric]
            base = drive.WORKLOADS[wl_name]
            ds = drive.evaluate(params, drive.Workload(wl_name, pub.block_size, base.read_fraction, base.random))
            da = ds[q].broadcast_like(ds["power"]).transpose(*GRID)
            grid = np.asarray(da.values, dtype=np.float32)
            if grid.min() == grid.max():
                continue  # bound by a stage no constant moves (dies, channels, link): it cannot inform the fit
            out.append(Sample(part.id, pub.metric, pub.capacity, pub.value, grid))
    return out


def fit(samples_, exclude: str | None = None):
    """Grid point minimising the summed squared log error.

    Parameters
    ----------
    samples_ : list of Sample
    exclude : str, optional
        A part id whose figures are left out (leave-one-out).

    Returns
    -------
    (dict of constant -> value (SI), rms log error)
    """
    used = [s for s in samples_ if s.part != exclude]
    cost = sum(np.log(s.grid / s.published) ** 2 for s in used)
    idx = np.unravel_index(int(np.argmin(cost)), cost.shape)
    best = {k: float(GRID[k][i]) for k, i in zip(GRID, idx, strict=True)}
    return best, float(np.sqrt(cost[idx] / len(used)))


def _index(constants: dict) -> tuple:
    return tuple(int(np.argmin(np.abs(GRID[k] - constants[k]))) for k in GRID)


def leave_one_out(samples_) -> list[dict]:
    """For each part: constants fitted without it, and its errors under them."""
    rows = []
    for pid in sorted({s.part for s in samples_}):
        best, _ = fit(samples_, exclude=pid)
        idx = _index(best)
        for s in samples_:
            if s.part == pid:
                rows.append(
                    {
                        "part": pid,
                        "metric": s.metric,
                        "capacity": s.capacity,
                        "published": s.published,
                        "predicted": float(s.grid[idx]),
                        "error": float(s.grid[idx] / s.published - 1),
                        **best,
                    }
                )
    return rows


def _fmt(c: dict) -> str:
    return (
        f"pp {c['program_power']:.2f} W, f {c['controller_fixed_fraction']:.2f}, "
        f"e {c['controller_energy'] * 1e9:.2f} nJ/B, c {c['command_energy'] * 1e6:.2f} uJ/command"
    )


def main() -> None:  # pragma: no cover - a reporting script
    """Re-derive the constants and print the leave-one-out check."""
    s = samples()
    best, rms = fit(s)
    print(f"{len(s)} vendor figures from {len({x.part for x in s})} parts")
    print(f"fit: {_fmt(best)}; rms log error {rms:.3f}")
    print(f"stored: {_fmt(stored())}")
    idx = _index(best)
    print("in-sample errors:")
    for x in s:
        print(f"  {x.part:26} {x.capacity / 1e12:7.2f} TB {x.metric:16} {100 * (x.grid[idx] / x.published - 1):+6.1f}%")
    print("leave-one-out (constants re-derived without the part):")
    for r in leave_one_out(s):
        print(
            f"  {r['part']:26} {r['capacity'] / 1e12:7.2f} TB {r['metric']:16} {100 * r['error']:+6.1f}%  ({_fmt(r)})"
        )


if __name__ == "__main__":  # pragma: no cover
    main()
