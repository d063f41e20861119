"""Calibration of the two shared power constants no vendor publishes.

Die program power (W per die while programming) and the controller's
data-path energy (J per data byte: ECC decoding, buffering, DMA) are not
published for any current part, yet they set every power-capped figure. They
are calibrated *once, for all parts*, by least squares of the log errors over
the power-sensitive vendor figures of the bundled parts (sequential write,
read efficiency, read and write power), on a grid. The same two numbers then
serve every part; nothing is per part.

Run ``python -m linkmodel.calibrate`` to re-derive them and print the
leave-one-out check: for each part, the constants re-derived without that
part's figures, and its errors under them. The stored values live in
``data/catalogue/calibration.toml``; ``tests/test_calibration.py`` checks
that they are what the procedure gives.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

import numpy as np

from linkmodel.specs import bundled_parts, catalogue, data_dir
from linkmodel.ssd import design, drive

#: vendor figures the power constants move
METRICS = ("seq_write", "read_efficiency", "seq_read_power", "seq_write_power")
VENDOR_KINDS = ("up_to", "typical", "max", "derived")
GRID_PROGRAM_POWER = np.round(np.arange(0.02, 0.5001, 0.01), 4)  # W per die
GRID_CONTROLLER_ENERGY = np.round(np.arange(0.0, 1.0001e-9, 0.02e-9), 13)  # J per byte


@dataclass(frozen=True)
class Sample:
    """One vendor figure and the model's predictions over the constants' grid."""

    part: str
    metric: str
    capacity: float
    published: float
    grid: np.ndarray  # predictions, shape (program_power, controller_energy)


def samples(parts=None, cat=None) -> list[Sample]:
    """Predictions of every power-sensitive vendor figure over the grid."""
    import xarray as xr

    cat = catalogue() if cat is None else cat
    parts = bundled_parts() if parts is None else parts
    pp = xr.DataArray(GRID_PROGRAM_POWER, dims="program_power")
    ce = xr.DataArray(GRID_CONTROLLER_ENERGY, dims="controller_energy")
    out = []
    for part in parts:
        for pub in part.published:
            if pub.metric not in METRICS or pub.kind not in VENDOR_KINDS or not pub.confirmed:
                continue  # unconfirmed (secondary-source) figures do not set shared constants
            if pub.metric.endswith("_power") and np.isclose(pub.value, part.get("power_cap")):
                continue  # a power figure equal to the cap: a power-bound prediction equals it by construction
            params, _ = design.params_from_part(part, pub.capacity, cat)
            params = dict(params, program_power=pp, controller_energy=ce)
            wl_name = {"seq_write": "seq_write", "read_efficiency": "seq_read", "seq_read_power": "seq_read",
                       "seq_write_power": "seq_write"}[pub.metric]
            base = drive.WORKLOADS[wl_name]
            ds = drive.evaluate(params, drive.Workload(wl_name, pub.block_size, base.read_fraction, base.random))
            q = {"seq_write": "throughput", "read_efficiency": "efficiency", "seq_read_power": "power",
                 "seq_write_power": "power"}[pub.metric]
            grid = ds[q].transpose("program_power", "controller_energy").values
            out.append(Sample(part.id, pub.metric, pub.capacity, pub.value, np.asarray(grid, dtype=float)))
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
    (program_power [W], controller_energy [J/B], rms log error)
    """
    used = [s for s in samples_ if s.part != exclude]
    cost = sum(np.log(s.grid / s.published) ** 2 for s in used)
    i, j = np.unravel_index(int(np.argmin(cost)), cost.shape)
    return float(GRID_PROGRAM_POWER[i]), float(GRID_CONTROLLER_ENERGY[j]), float(np.sqrt(cost[i, j] / len(used)))


def leave_one_out(samples_) -> list[dict]:
    """For each part: constants fitted without it, and its errors under them."""
    rows = []
    for pid in sorted({s.part for s in samples_}):
        pp, ce, _ = fit(samples_, exclude=pid)
        i = int(np.argmin(np.abs(GRID_PROGRAM_POWER - pp)))
        j = int(np.argmin(np.abs(GRID_CONTROLLER_ENERGY - ce)))
        for s in samples_:
            if s.part == pid:
                rows.append({"part": pid, "metric": s.metric, "capacity": s.capacity, "published": s.published,
                             "predicted": float(s.grid[i, j]), "error": float(s.grid[i, j] / s.published - 1),
                             "program_power": pp, "controller_energy": ce})
    return rows


def stored() -> dict:
    """The calibrated values in ``data/catalogue/calibration.toml`` (SI floats)."""
    path = data_dir() / "catalogue" / "calibration.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {"program_power": float(data["program_power"]["value_w"]),
            "controller_energy": float(data["controller_energy"]["value_j_per_byte"])}


def main() -> None:  # pragma: no cover - a reporting script
    """Re-derive the constants and print the leave-one-out check."""
    s = samples()
    pp, ce, rms = fit(s)
    print(f"{len(s)} vendor figures from {len({x.part for x in s})} parts")
    print(f"program_power = {pp:.2f} W per die, controller_energy = {ce * 1e9:.2f} nJ/B ({ce * 1e12 / 8:.1f} pJ/bit); "
          f"rms log error {rms:.3f}")
    print(f"stored: {stored()}")
    print("leave-one-out (constants re-derived without the part):")
    for r in leave_one_out(s):
        print(f"  {r['part']:26} {r['capacity'] / 1e12:7.2f} TB {r['metric']:16} {100 * r['error']:+6.1f}%  "
              f"(pp {r['program_power']:.2f} W, ce {r['controller_energy'] * 1e9:.2f} nJ/B)")


if __name__ == "__main__":  # pragma: no cover
    main()
