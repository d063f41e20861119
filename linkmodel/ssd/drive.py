"""End-to-end SSD model: a chain of named stages over one workload.

Each stage (:mod:`linkmodel.ssd.stages`) has a *capacity* and a *demand per
I/O*; its ceiling is ``capacity / demand`` I/Os per second, and the drive runs
at the lowest ceiling (the binding stage). The demand of one I/O on the back
end (pages sensed, bytes programmed after write amplification, GC and
read-modify-write reads) comes from :mod:`linkmodel.ssd.operations`; power by
component from :mod:`linkmodel.ssd.power`. Average power at the operating
point never exceeds the cap.

Under ZNS with host-side garbage collection (``host_waf`` h > 1) each
application write costs the drive h writes and h - 1 reads of the same size;
IOPS, throughput and efficiency are then per *application* I/O.

All inputs broadcast (scalars, numpy arrays, xarray DataArrays).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from linkmodel._array import check_range, dataset, unpack
from linkmodel.pcie import nvme
from linkmodel.ssd import operations, stages, writepath
from linkmodel.ssd.nand import program_data_in
from linkmodel.ssd.params import PARAMETERS, DriveParams, check_arrays
from linkmodel.ssd.writepath import gc_page_reads
from linkmodel.units import KiB

__all__ = [
    "OUTPUTS",
    "PARAMETERS",
    "STAGES",
    "WORKLOADS",
    "DriveParams",
    "Workload",
    "evaluate",
    "gc_page_reads",
    "predict",
    "program_data_in",
]

#: stage names in registry order (the binding codes of a sweep index this tuple)
STAGES = tuple(stages.STAGES)


@dataclass(frozen=True)
class Workload:
    """A workload: I/O size, read share, access pattern.

    Attributes
    ----------
    name : str
    size : float or array-like or xarray.DataArray
        Bytes per I/O [B]; broadcasts with the drive parameters.
    read_fraction : float or array-like or xarray.DataArray
        Share of I/Os that are reads [1]; broadcasts likewise.
    random : bool
        Random (True) or sequential access.
    """

    name: str
    size: Any
    read_fraction: Any
    random: bool


WORKLOADS = {
    "seq_read": Workload("seq_read", 128 * KiB, 1.0, False),
    "seq_write": Workload("seq_write", 128 * KiB, 0.0, False),
    "rand_read": Workload("rand_read", 4 * KiB, 1.0, True),
    "rand_write": Workload("rand_write", 4 * KiB, 0.0, True),
    "mixed_70_30": Workload("mixed_70_30", 4 * KiB, 0.7, True),
}

#: output -> (units, long name): the model's output glossary
OUTPUTS = {
    "iops": ("1/s", "I/Os per second at the binding stage"),
    "throughput": ("B/s", "data bytes per second"),
    "power": ("W", "average power at the operating point"),
    "efficiency": ("B/s/W", "throughput per watt"),
    "iops_per_watt": ("1/s/W", "I/Os per second per watt"),
    "binding": ("", "stage whose ceiling binds"),
    "waf": ("1", "write amplification of the workload's writes (1 for read-only workloads)"),
    "active_dies": ("1", "dies busy on average (Little's law)"),
    "die_time": ("s", "die busy time per I/O (array reads, programs, GC reads, erases, one-shot data-in)"),
    "die_data_in": ("s", "part of die_time spent loading one-shot program data the cache latches could not take early"),
    "static_power": ("W", "controller + DRAM + PHY + NAND standby"),
    "energy_per_io": ("J", "energy an I/O adds over the idle drive (operations less the standby they replace)"),
    **{f"ceiling_{name}": ("1/s", st.description) for name, st in stages.STAGES.items()},
    "link_binding": ("", "what binds inside the link model"),
}


def evaluate(params: Mapping[str, Any], workload: Workload, write_path=None, link: nvme.LinkOptions | None = None):
    """Predict one workload for drives described by broadcastable parameters.

    Parameters
    ----------
    params : DriveParams or mapping
        Every field of :class:`~linkmodel.ssd.params.DriveParams` (SI units),
        scalars or arrays or DataArrays. :func:`linkmodel.parts.params_from_part`
        builds it from a spec file.
    workload : Workload
        The workload.
    write_path : linkmodel.ssd.writepath.WritePath, optional
        Placement (conventional, FDP, ZNS), GC model, traffic classes, parity
        and metadata of random writes; default conventional, uniform traffic,
        Lambert-W, no parity.
    link : linkmodel.pcie.LinkOptions, optional
        NVMe batching and link options (``round_trip``, ``tag_bits`` ...) for
        :func:`linkmodel.pcie.nvme.io_link_ceiling`; default ``LinkOptions()``.

    Returns
    -------
    xarray.Dataset
        ``iops`` [1/s], ``throughput`` [B/s], ``power`` [W], ``efficiency``
        [B/s/W], ``iops_per_watt``, ``binding``, every stage's
        ``ceiling_*`` [1/s], ``waf``, ``active_dies``, ``static_power``,
        ``energy_per_io``. Units in attrs (:data:`OUTPUTS`).
    """
    if not isinstance(workload, Workload):
        raise ValueError(f"workload: {workload!r:.60} is not a Workload (WORKLOADS holds the standard ones)")
    p = DriveParams.from_mapping(params)
    a, kind = unpack(**p, size=workload.size, read_fraction=workload.read_fraction)
    check_arrays(a)
    check_range("size", a["size"], lo=0, lo_open=True, unit="B")
    check_range("read_fraction", a["read_fraction"], lo=0, hi=1)
    wp = writepath.UNIFORM if write_path is None else write_path
    d = operations.demand(a, workload.random, wp)
    results: dict[str, stages.StageResult] = {}
    for name, stage in stages.STAGES.items():
        results[name] = stage.func(a, d, results, link)
    ceilings = {k: np.asarray(r.ceiling, dtype=float) for k, r in results.items()}
    energy = results["power"].energy_per_io
    die_time = results["dies"].busy_per_io
    die_data_in = results["dies"].outputs["die_data_in"]
    n_io = d.io_per_app_io
    if np.any(n_io != 1.0):  # drive I/Os -> application I/Os (ZNS host GC)
        ceilings = {key: v / n_io for key, v in ceilings.items()}
        energy, die_time, die_data_in = energy * n_io, die_time * n_io, die_data_in * n_io
    stack = np.stack(np.broadcast_arrays(*ceilings.values()))
    iops = np.min(stack, axis=0)
    static = results["power"].outputs["static_power"]
    s = a["size"]
    pw = static + iops * energy
    res = {
        "iops": iops,
        "throughput": iops * s,
        "power": pw,
        "efficiency": iops * s / pw,
        "iops_per_watt": iops / pw,
        "binding": np.array(tuple(ceilings))[np.argmin(stack, axis=0)],
        "waf": np.where(d.app_write_share > 0, d.waf, 1.0),
        "active_dies": iops * die_time,
        "die_time": die_time,
        "die_data_in": die_data_in,
        "static_power": static,
        "energy_per_io": energy,
        "link_binding": results["link"].outputs["link_binding"],
        **{f"ceiling_{k}": v for k, v in ceilings.items()},
    }
    attrs = {
        "model": "linkmodel.ssd.drive",
        "workload": workload.name,
        "random": int(workload.random),
        "placement": wp.placement,
        "host_waf": float(wp.host_waf),
    }
    for k, v in (("size", s), ("read_fraction", a["read_fraction"])):
        if np.ndim(v) == 0:
            attrs[k] = float(v)
    glossary = {**OUTPUTS, **{f"ceiling_{n}": ("1/s", st.description) for n, st in stages.STAGES.items()}}
    return dataset({k: (v, *glossary[k], False) for k, v in res.items()}, kind, attrs=attrs)


def predict(params: Mapping[str, Any], workloads=None, write_path=None, link: nvme.LinkOptions | None = None):
    """Every workload for one set of drive parameters, stacked on a ``workload`` axis.

    Parameters
    ----------
    params : dict
        See :func:`evaluate`.
    workloads : iterable of Workload, optional
        Default: :data:`WORKLOADS` (seq read/write 128 KiB, random read/write
        4 KiB, 70/30 mix).
    write_path : WritePath, optional
        See :func:`evaluate`.
    link : linkmodel.pcie.LinkOptions, optional
        See :func:`evaluate`.

    Returns
    -------
    xarray.Dataset
        As :func:`evaluate`, with a ``workload`` dimension.
    """
    import xarray as xr

    wls = list(WORKLOADS.values()) if workloads is None else list(workloads)
    if any(np.ndim(wl.size) or np.ndim(wl.read_fraction) for wl in wls):
        raise ValueError(
            "workloads: predict() stacks scalar workloads; for a size or read-share axis call "
            "evaluate() with that Workload (or linkmodel.studies.sweep.run)"
        )
    parts = [evaluate(params, wl, write_path, link) for wl in wls]
    ds = xr.concat(parts, dim="workload", combine_attrs="drop_conflicts")
    ds = ds.assign_coords(workload=[wl.name for wl in wls])
    ds = ds.assign_coords(
        size=("workload", [wl.size for wl in wls]), read_fraction=("workload", [wl.read_fraction for wl in wls])
    )
    ds.attrs["model"] = "linkmodel.ssd.drive"
    return ds
