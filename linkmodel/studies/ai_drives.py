"""How many drives meet a storage demand, and which constraint binds.

For a demand (read and write bandwidth at an I/O size, capacity, bytes
written per day) and a drive (sequential read and write bandwidth, IOPS at
that I/O size, capacity, rated DWPD), ai_workloads.md §2.6::

    N = max( ceil(read BW / drive seq read BW),   ceil(read IOPS / drive read IOPS at the I/O size),
             ceil(write BW x WAF / drive seq write BW), ceil(write IOPS x WAF / drive write IOPS at the I/O size),
             ceil(read IOPS / drive read IOPS + write IOPS x WAF / drive write IOPS),   (one drive does both)
             ceil(capacity / (drive capacity x utilization)),
             ceil(bytes per day x WAF / (drive capacity x DWPD)) )

The shared-time term keeps each drive within its ceilings when it serves
reads and writes at once (and so within its power cap, where that binds).

:func:`count` does the arithmetic for given drive figures; :func:`capability`
gets a part's figures from the SSD model (its binding stage included, so a
drive held back by its power cap says so), and :func:`for_parts` sizes a
demand on every bundled part.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from linkmodel import parts as _parts
from linkmodel._array import check_range, dataset, pack, unpack
from linkmodel.ssd import drive
from linkmodel.studies import endurance_view
from linkmodel.studies.report import Report

__all__ = [
    "CONSTRAINTS",
    "Capability",
    "capability",
    "count",
    "for_parts",
    "iops_for_bandwidth",
    "outstanding_ios",
    "published_read_iops",
    "rated_dwpd",
]

CONSTRAINTS = ("read bandwidth", "read IOPS", "write bandwidth", "write IOPS", "read+write", "capacity", "endurance")
_KEYS = (
    "n_read_bandwidth",
    "n_read_iops",
    "n_write_bandwidth",
    "n_write_iops",
    "n_read_write",
    "n_capacity",
    "n_endurance",
)


def iops_for_bandwidth(bandwidth, size):
    """I/Os per second that carry ``bandwidth`` [B/s] in I/Os of ``size`` [B] [1/s]."""
    x, kind = unpack(bandwidth=bandwidth, size=size)
    check_range("bandwidth", x["bandwidth"], lo=0, unit="B/s")
    check_range("size", x["size"], lo=0, lo_open=True, unit="B")
    return pack(x["bandwidth"] / x["size"], kind, "iops", "1/s")


def outstanding_ios(iops, latency):
    """I/Os in flight to sustain ``iops`` [1/s] at a mean ``latency`` [s] (Little's law) [1]."""
    x, kind = unpack(iops=iops, latency=latency)
    check_range("iops", x["iops"], lo=0, unit="1/s")
    check_range("latency", x["latency"], lo=0, unit="s")
    return pack(x["iops"] * x["latency"], kind, "outstanding_ios", "1")


def count(
    read_bandwidth,
    write_bandwidth,
    io_size,
    capacity,
    bytes_written_per_day,
    drive_read_bandwidth,
    drive_write_bandwidth,
    drive_read_iops,
    drive_write_iops,
    drive_capacity,
    drive_dwpd,
    waf=1.0,
    utilization=1.0,
):
    """Drives needed for a demand, per constraint, and the binding one.

    Parameters
    ----------
    read_bandwidth, write_bandwidth : float or array-like or xarray.DataArray
        Demand [B/s].
    io_size : float or array-like
        Bytes per I/O [B].
    capacity : float or array-like
        Bytes to hold [B].
    bytes_written_per_day : float or array-like
        Host bytes written per day [B/day].
    drive_read_bandwidth, drive_write_bandwidth : float or array-like
        A drive's sequential read and write bandwidth [B/s].
    drive_read_iops, drive_write_iops : float or array-like
        A drive's read and write I/Os per second at ``io_size`` [1/s].
    drive_capacity : float or array-like
        [B].
    drive_dwpd : float or array-like
        Rated drive writes per day [1/day].
    waf : float or array-like
        Write amplification of the tier's writes relative to the drive's
        ratings [1] (1: the ratings' own; appends of large chunks are gentler
        than the random writes a DWPD rating assumes, so 1 is conservative).
    utilization : float or array-like
        Usable share of each drive's capacity [1], 0-1.

    Returns
    -------
    xarray.Dataset
        ``n_read_bandwidth`` ... ``n_endurance`` [1] (whole drives), ``drives`` [1]
        (their maximum) and ``binding`` (the constraint needing the most; among equal whole counts the
        one with the largest unrounded need; ``"none"`` for a zero demand).
    """
    x, kind = unpack(
        read_bandwidth=read_bandwidth,
        write_bandwidth=write_bandwidth,
        io_size=io_size,
        capacity=capacity,
        bytes_written_per_day=bytes_written_per_day,
        drive_read_bandwidth=drive_read_bandwidth,
        drive_write_bandwidth=drive_write_bandwidth,
        drive_read_iops=drive_read_iops,
        drive_write_iops=drive_write_iops,
        drive_capacity=drive_capacity,
        drive_dwpd=drive_dwpd,
        waf=waf,
        utilization=utilization,
    )
    for k in ("read_bandwidth", "write_bandwidth", "capacity", "bytes_written_per_day"):
        check_range(k, x[k], lo=0)
    for k in (
        "io_size",
        "drive_read_bandwidth",
        "drive_write_bandwidth",
        "drive_read_iops",
        "drive_write_iops",
        "drive_capacity",
        "drive_dwpd",
    ):
        check_range(k, x[k], lo=0, lo_open=True)
    # ASSUMPTION: 100 is far above any drive's WAF (uniform random writes at 7 % spare: 7.8, Lambert-W)
    check_range("waf", x["waf"], lo=1, hi=100)
    check_range("utilization", x["utilization"], lo=0, lo_open=True, hi=1)
    io = x["io_size"]
    need = {
        "n_read_bandwidth": x["read_bandwidth"] / x["drive_read_bandwidth"],
        "n_read_iops": x["read_bandwidth"] / io / x["drive_read_iops"],
        "n_write_bandwidth": x["write_bandwidth"] * x["waf"] / x["drive_write_bandwidth"],
        "n_write_iops": x["write_bandwidth"] * x["waf"] / io / x["drive_write_iops"],
        "n_read_write": (
            x["read_bandwidth"] / io / x["drive_read_iops"]
            + x["write_bandwidth"] * x["waf"] / io / x["drive_write_iops"]
        ),
        "n_capacity": x["capacity"] / (x["drive_capacity"] * x["utilization"]),
        "n_endurance": x["bytes_written_per_day"] * x["waf"] / (x["drive_capacity"] * x["drive_dwpd"]),
    }
    for k, v in need.items():
        if not np.all(np.isfinite(v)):
            raise ValueError(f"read_bandwidth, write_bandwidth, capacity: out of any plausible range: {k} overflows")
    # whole drives; a ratio a relative hair above an integer (float rounding) is that integer
    whole = {k: np.ceil(v * (1.0 - 1e-12)) for k, v in need.items()}
    stack = np.stack(np.broadcast_arrays(*[np.asarray(whole[k], dtype=float) for k in _KEYS]))
    raw = np.stack(np.broadcast_arrays(*[np.asarray(need[k], dtype=float) for k in _KEYS]))
    drives = stack.max(axis=0)
    # the binding constraint: the most drives; among equal counts the largest unrounded need
    masked = np.where(stack == drives, raw, -np.inf)
    binding = np.where(drives > 0, np.asarray(CONSTRAINTS)[np.argmax(masked, axis=0)], "none")
    variables = {
        k: (whole[k] + 0.0 * drives, "1", f"drives for {c}", False) for k, c in zip(_KEYS, CONSTRAINTS, strict=True)
    }
    variables["drives"] = (drives, "1", "drives needed", False)
    variables["binding"] = (binding, "", "constraint that needs the most drives", False)
    return dataset(variables, kind)


def rated_dwpd(part, capacity=None):
    """A part's rated DWPD for one SKU: its published ``dwpd`` figure for that capacity, else for any SKU.

    Returns
    -------
    (float, str)
        DWPD [1/day] and where it came from; (nan, reason) if the part publishes none.
    """
    cap = part.get("capacity") if capacity is None else float(capacity)
    figs = [p for p in part.published if p.metric == "dwpd"]
    same = [p for p in figs if abs(p.capacity - cap) <= 1e-9 * cap]
    if same:
        return float(same[0].value), f"published ({same[0].source})"
    if figs:
        return float(figs[0].value), f"published for the {figs[0].capacity / 1e12:g} TB SKU ({figs[0].source})"
    return float("nan"), "not published"


def published_read_iops(part, capacity=None):
    """The part's published 4 KiB random-read IOPS for a SKU (that SKU's, else the largest published), or None."""
    cap = part.get("capacity") if capacity is None else float(capacity)
    figs = [p for p in part.published if p.metric == "rand_read" and p.kind != "measured"]
    same = [p for p in figs if abs(p.capacity - cap) <= 1e-9 * cap]
    pick = same or figs
    return max(float(p.value) for p in pick) if pick else None


@dataclass(frozen=True, eq=False)
class Capability(Report):
    """A part's figures for sizing at one I/O size (:func:`capability`): bandwidths [B/s], IOPS [1/s] and
    the stage binding each, energies per I/O [J], static power and cap [W], capacity [B], DWPD [1/day]."""

    read_bandwidth: float
    read_bandwidth_stage: str
    write_bandwidth: float
    write_bandwidth_stage: str
    read_iops: float
    read_iops_stage: str
    read_energy: float
    static_power: float
    write_iops: float
    write_iops_stage: str
    write_energy: float
    capacity: float
    dwpd: float
    dwpd_source: str
    power_cap: float


def capability(part, io_size, capacity=None, power_cap=None, dwpd=None, published_bound=True) -> Capability:
    """A part's figures for sizing, from the SSD model, at one I/O size.

    Reads of ``io_size`` are random (a prefix load gathers blocks from
    anywhere); writes are appends (sequential) of ``io_size``. Sequential
    bandwidths are the standard 128 KiB workloads.

    ``published_bound``: reads of 4 KiB or less are held to the part's own
    published 4 KiB random-read IOPS (ASSUMPTION: a controller's command rate
    is unpublished for in-house controllers, and small reads are no faster
    than its published 4 KiB figure: the model alone gives e.g. 9 M at 512 B
    for a Gen6 x4 design where real Gen5 drives stop at 2-3 M). The stage is
    then ``"published 4 KiB IOPS"``.

    Parameters
    ----------
    part : Part or str
    io_size : float
        [B].
    capacity : float, optional
        SKU capacity [B] (default headline).
    power_cap : float, optional
        Hold the drive to this power [W] (default the part's cap).
    dwpd : float, optional
        Rated DWPD [1/day] (default the part's published figure, else the
        model's uniform-random DWPD).

    Returns
    -------
    Capability
        ``read_bandwidth``, ``write_bandwidth`` [B/s], ``read_iops``, ``write_iops`` [1/s],
        ``capacity`` [B], ``dwpd`` [1/day], ``dwpd_source``, stage bindings ``read_bandwidth_stage`` ...,
        ``static_power`` [W], energies per I/O ``read_energy``, ``write_energy`` [J] at ``io_size``.
    """
    part = _parts.part(part)
    check_range("io_size", np.asarray(io_size, dtype=float), lo=0, lo_open=True, unit="B")
    with _parts.about(part, capacity):
        params, _ = _parts.params_from_part(part, capacity)
        if power_cap is not None:
            check_range("power_cap", np.asarray(power_cap, dtype=float), lo=0, lo_open=True, unit="W")
            params = replace(params, power_cap=float(power_cap))
        runs = {
            "read_bandwidth": drive.WORKLOADS["seq_read"],
            "write_bandwidth": drive.WORKLOADS["seq_write"],
            "read_iops": drive.Workload("io_read", float(io_size), 1.0, True),
            "write_iops": drive.Workload("io_append", float(io_size), 0.0, False),
        }
        out: dict[str, Any] = {}
        for k, w in runs.items():
            ds = drive.evaluate(params, w)
            out[k] = float(ds.throughput if "bandwidth" in k else ds.iops)
            out[f"{k}_stage"] = str(ds.binding.values)
            if k == "read_iops":
                out["read_energy"] = float(ds.energy_per_io)
                out["static_power"] = float(ds.static_power)
            if k == "write_iops":
                out["write_energy"] = float(ds.energy_per_io)
        out["capacity"] = float(params["user_capacity"])
    bound = published_read_iops(part, out["capacity"]) if published_bound and float(io_size) <= 4096 else None
    if bound is not None and bound < out["read_iops"]:
        out["read_iops"] = bound
        out["read_iops_stage"] = "published 4 KiB IOPS"
    if dwpd is None:
        d, src = rated_dwpd(part, out["capacity"])
        if not np.isfinite(d):
            d = float(endurance_view.endurance(part, out["capacity"])["dwpd_random"])
            src = "model (uniform random writes; the part publishes no DWPD)"
        out["dwpd"], out["dwpd_source"] = d, src
    else:
        check_range("dwpd", np.asarray(dwpd, dtype=float), lo=0, lo_open=True)
        out["dwpd"], out["dwpd_source"] = float(dwpd), "given"
    out["power_cap"] = float(params["power_cap"])
    return Capability(**out)


def for_parts(demand, parts=None, power_cap=None, waf=1.0, utilization=1.0, published_bound=True):
    """Drives of each part needed for a demand (one scalar demand, e.g. from :func:`linkmodel.ai.kvtier.demand`).

    Parameters
    ----------
    demand : xarray.Dataset or dict
        ``read_bandwidth``, ``write_bandwidth`` [B/s], ``io_size`` [B], ``capacity`` [B],
        ``bytes_written_per_day`` [B/day] (scalars).
    parts : iterable of Part or str, optional
        Default every bundled part (headline SKU).
    power_cap : float, optional
        Hold every drive to this power [W].
    waf, utilization : float
        See :func:`count`.
    published_bound : bool
        See :func:`capability`.

    Returns
    -------
    xarray.Dataset
        Over ``part``: per-constraint counts, ``drives``, ``constraint`` (the one needing the most),
        ``binding`` (the same, or ``"power"`` when that bandwidth or IOPS figure of the drive is itself
        held by its power cap), ``power_held``, ``drive_stage`` (what binds inside the drive for that
        figure), ``fleet_power`` [W] (the drives sharing the load) and the drive figures used.
    """
    import xarray as xr

    keys = ("read_bandwidth", "write_bandwidth", "io_size", "capacity", "bytes_written_per_day")
    missing = [k for k in keys if k not in demand]
    if missing:
        raise ValueError(f"demand: missing {missing[0]!r} (use linkmodel.ai.kvtier.demand)")
    if any(np.ndim(demand[k]) for k in keys):
        raise ValueError("demand: one scalar demand per call (select one point of a swept demand first)")
    d = {k: float(np.asarray(demand[k])) for k in keys}
    if parts is not None and (isinstance(parts, str) or not hasattr(parts, "__iter__")):
        parts = [parts]  # one part given alone
    parts = _parts.bundled_parts() if parts is None else [_parts.part(p) for p in parts]
    if not parts:
        raise ValueError("parts: empty; give at least one part (an id, a spec-file path or a Part), or None for all")
    rows = []
    for p in parts:
        cap = capability(p, d["io_size"], power_cap=power_cap, published_bound=published_bound)
        n = count(
            **d,
            drive_read_bandwidth=cap["read_bandwidth"],
            drive_write_bandwidth=cap["write_bandwidth"],
            drive_read_iops=cap["read_iops"],
            drive_write_iops=cap["write_iops"],
            drive_capacity=cap["capacity"],
            drive_dwpd=cap["dwpd"],
            waf=waf,
            utilization=utilization,
        )
        constraint = str(n.binding.values)
        key = {
            "read bandwidth": "read_bandwidth",
            "read IOPS": "read_iops",
            "write bandwidth": "write_bandwidth",
            "write IOPS": "write_iops",
            "read+write": "read_iops",
        }.get(constraint)
        stage = cap[f"{key}_stage"] if key else ""
        if constraint == "read+write" and cap["write_iops_stage"] == "power":
            stage = "power"
        binding = "power" if stage == "power" else constraint
        drives = float(n.drives)
        rate_r, rate_w = d["read_bandwidth"] / d["io_size"], d["write_bandwidth"] / d["io_size"]
        fleet_power = drives * cap["static_power"] + rate_r * cap["read_energy"] + rate_w * waf * cap["write_energy"]
        rows.append(
            {
                **{k: float(n[k]) for k in _KEYS},
                "drives": drives,
                "constraint": constraint,
                "binding": binding,
                "power_held": stage == "power",
                "drive_stage": stage,
                "fleet_power": fleet_power,
                "capacity": cap["capacity"],
                "dwpd": cap["dwpd"],
                "read_iops": cap["read_iops"],
                "read_bandwidth": cap["read_bandwidth"],
                "write_bandwidth": cap["write_bandwidth"],
                "write_iops": cap["write_iops"],
                "power_cap": cap["power_cap"],
                "dwpd_source": cap["dwpd_source"],
            }
        )
    units = {
        "drives": "1",
        "fleet_power": "W",
        "capacity": "B",
        "dwpd": "1/day",
        "read_iops": "1/s",
        "write_iops": "1/s",
        "read_bandwidth": "B/s",
        "write_bandwidth": "B/s",
        "power_cap": "W",
        **{k: "1" for k in _KEYS},
    }
    ds = xr.Dataset({k: ("part", [r[k] for r in rows]) for k in rows[0]}, coords={"part": [p.id for p in parts]})
    for k, u in units.items():
        ds[k].attrs["units"] = u
    ds.attrs.update({f"demand_{k}": v for k, v in d.items()}, waf=waf, utilization=utilization)
    return ds
