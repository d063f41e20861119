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

How a call is evaluated (results do not depend on it; see docs/performance.md for the measurements): a
broadcast of more than :data:`BLOCK` elements runs the stage chain block by block along the flattened
broadcast shape (:func:`_blocks`), so that its temporaries stay in cache and every output is written once;
within a block the link stage runs its budget once per distinct link configuration
(:func:`linkmodel.ssd.stages.on_distinct`). :func:`predict` checks the parameters once and evaluates the
workloads of each access pattern in one broadcast along a leading ``workload`` axis.
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


#: Elements evaluated per block of a large broadcast: the stage chain's temporaries of 64 Ki float64
#: (512 KiB each) are reused from the allocator instead of faulting in fresh full-size pages; the block's fixed
#: cost (the link budget's validation and Dataset, ~1.5 ms) stays small against its ~5 ms of arithmetic. 2^15 to
#: 2^18 measured within the noise of the shared 2-core machine (docs/performance.md).
BLOCK = 1 << 16


def _blocks(shape: tuple, block: int):
    """Index tuples (slices only) that cover `shape` in C order, each selecting at most about `block` elements.

    The trailing axes that fit in `block` are taken whole; the axis before them is cut into runs; the axes
    before that one are stepped one index at a time.
    """
    inner, j = 1, len(shape) - 1
    while j >= 0 and inner * shape[j] <= block:
        inner *= shape[j]
        j -= 1
    if j < 0:
        yield tuple(slice(None) for _ in shape)
        return
    step = max(1, block // inner)
    rest = tuple(slice(None) for _ in shape[j + 1 :])
    for outer in np.ndindex(*shape[:j]):
        head = tuple(slice(i, i + 1) for i in outer)
        for start in range(0, shape[j], step):
            yield (*head, slice(start, min(shape[j], start + step)), *rest)


def _take(v, index: tuple):
    """Block `index` of an input that broadcasts to the full shape (axes of length 1 stay whole)."""
    v = np.asarray(v)
    if v.ndim == 0:
        return v
    v = v.reshape((1,) * (len(index) - v.ndim) + v.shape)
    return v[tuple(sl if n > 1 else slice(None) for sl, n in zip(index, v.shape, strict=True))]


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
    _check_workload_type(workload)
    p = DriveParams.from_mapping(params)
    a, kind = unpack(**p, size=workload.size, read_fraction=workload.read_fraction)
    check_arrays(a)
    _check_workload(a)
    wp = writepath.UNIFORM if write_path is None else write_path
    res = _values(a, kind.shape, workload.random, wp, link)
    attrs = _attrs(workload, wp, a["size"], a["read_fraction"])
    glossary = _glossary()
    return dataset({k: (v, *glossary[k], False) for k, v in res.items()}, kind, attrs=attrs)


def _check_workload_type(workload) -> None:
    if not isinstance(workload, Workload):
        raise ValueError(f"workload: {workload!r:.60} is not a Workload (WORKLOADS holds the standard ones)")


def _check_workload(a: Mapping[str, np.ndarray]) -> None:
    """The workload's own inputs (``size`` [B], ``read_fraction`` [1]) among the unpacked arrays."""
    check_range("size", a["size"], lo=0, lo_open=True, unit="B")
    check_range("read_fraction", a["read_fraction"], lo=0, hi=1)


def _glossary() -> dict:
    """Output name -> (units, long name), with the stages registered now."""
    return {**OUTPUTS, **{f"ceiling_{n}": ("1/s", st.description) for n, st in stages.STAGES.items()}}


def _attrs(workload: Workload, wp, size, read_fraction) -> dict:
    """The Dataset attributes of one workload's evaluation (size [B] and read share [1] when scalar)."""
    attrs: dict[str, Any] = {
        "model": "linkmodel.ssd.drive",
        "workload": workload.name,
        "random": int(workload.random),
        "placement": wp.placement,
        "host_waf": float(wp.host_waf),
    }
    for k, v in (("size", size), ("read_fraction", read_fraction)):
        if np.ndim(v) == 0:
            attrs[k] = float(v)
    return attrs


def _chain(a: Mapping[str, np.ndarray], random: bool, wp, link) -> dict[str, np.ndarray]:
    """The stage chain on checked, unpacked inputs (one block): every output of :data:`OUTPUTS` as numpy."""
    d = operations.demand(a, random, wp)
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
    iops, first = _lowest(list(ceilings.values()))
    static = results["power"].outputs["static_power"]
    s = a["size"]
    pw = static + iops * energy
    throughput = iops * s
    return {
        "iops": iops,
        "throughput": throughput,
        "power": pw,
        "efficiency": throughput / pw,  # = iops * s / pw, evaluated left to right
        "iops_per_watt": iops / pw,
        "binding": first,  # index into the stage names (strings: _values)
        "waf": np.where(d.app_write_share > 0, d.waf, 1.0),
        "active_dies": iops * die_time,
        "die_time": die_time,
        "die_data_in": die_data_in,
        "static_power": static,
        "energy_per_io": energy,
        "link_binding": results["link"].outputs["link_binding"],
        **{f"ceiling_{k}": v for k, v in ceilings.items()},
    }


def _lowest(ceilings: list) -> tuple:
    """The lowest ceiling [1/s] and the index of the first stage at it: what ``np.min`` and ``np.argmin`` over
    the stacked ceilings give (NaN first), without the stack and numpy's slow arg-reduction across it."""
    low = ceilings[0]
    for c in ceilings[1:]:
        low = np.minimum(low, c)
    first = np.zeros(np.shape(low), dtype=np.intp)
    at = np.empty(first.shape, dtype=bool)
    nan = bool(np.isnan(low).any())
    for i in range(len(ceilings) - 1, -1, -1):  # the last write wins: the first stage at the minimum
        np.equal(ceilings[i], low, out=at)
        if nan:
            at |= np.isnan(ceilings[i])
        np.copyto(first, i, where=at)
    return np.asarray(low), first[()]


def _values(a: Mapping[str, np.ndarray], shape: tuple, random: bool, wp, link) -> dict[str, np.ndarray]:
    """:func:`_chain` over inputs that broadcast to `shape`, in blocks of :data:`BLOCK` elements when larger.

    Every output of a blocked evaluation has the full shape and is written once: the blocks' binding indices
    become the stage names at the end, and a string output takes the widest dtype of its blocks (as one call
    over all elements gives).
    """
    if int(np.prod(shape)) <= BLOCK:
        res = _chain(a, random, wp, link)
        res["binding"] = _names(res["binding"])
        return res
    out: dict[str, np.ndarray] = {}
    for index in _blocks(shape, BLOCK):
        res = _chain({k: _take(v, index) for k, v in a.items()}, random, wp, link)
        for k, v in res.items():
            v = np.asarray(v)
            if k not in out:
                out[k] = np.empty(shape, dtype=np.int8 if k == "binding" else v.dtype)
            elif v.dtype.kind == "U" and v.dtype.itemsize > out[k].dtype.itemsize:
                out[k] = out[k].astype(v.dtype)  # a wider string in this block
            out[k][index] = v
    out["binding"] = _names(out["binding"])
    return {k: out[k] for k in res}


def _names(codes: np.ndarray) -> np.ndarray:
    """The stage names of binding codes (indices into :data:`stages.STAGES`), as strings as wide as the longest
    name present (``<U8`` when only ``power`` and ``dies`` bind, not the ``<U20`` of every stage: the strings
    are most of the bytes a large call writes). Names of absent codes may be cut short: none is taken."""
    codes = np.asarray(codes)
    every = tuple(stages.STAGES)
    present = np.flatnonzero(np.bincount(codes.ravel().astype(np.intp), minlength=len(every)))
    width = max((len(every[i]) for i in present), default=1)
    return np.take(np.array(every, dtype=f"<U{width}"), codes)  # np.take: faster than fancy indexing


def predict(params: Mapping[str, Any], workloads=None, write_path=None, link: nvme.LinkOptions | None = None):
    """Every workload for one set of drive parameters, stacked on a ``workload`` axis.

    The parameters are checked once; the workloads of one access pattern
    (random, sequential) are evaluated in one broadcast along a leading
    ``workload`` axis, each element as :func:`evaluate` computes it.

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
        As :func:`evaluate`, with a ``workload`` dimension (first) and its
        ``size`` [B] and ``read_fraction`` [1] coordinates.
    """
    wls = list(WORKLOADS.values()) if workloads is None else list(workloads)
    if not wls:
        raise ValueError("workloads: none given; pass at least one Workload (WORKLOADS holds the standard ones)")
    for wl in wls:
        _check_workload_type(wl)
    if any(np.ndim(wl.size) or np.ndim(wl.read_fraction) for wl in wls):
        raise ValueError(
            "workloads: predict() stacks scalar workloads; for a size or read-share axis call "
            "evaluate() with that Workload (or linkmodel.studies.sweep.run)"
        )
    p = DriveParams.from_mapping(params)
    a, kind = unpack(**p)
    check_arrays(a)
    wp = writepath.UNIFORM if write_path is None else write_path
    shape = (len(wls), *kind.shape)
    groups = []  # (positions in wls, outputs with a leading axis over those workloads)
    for random in dict.fromkeys(wl.random for wl in wls):  # in order of first appearance
        at = [i for i, wl in enumerate(wls) if wl.random == random]
        lead = (len(at),) + (1,) * len(kind.shape)
        g = dict(a)
        g["size"] = np.array([float(wls[i].size) for i in at]).reshape(lead)
        g["read_fraction"] = np.array([float(wls[i].read_fraction) for i in at]).reshape(lead)
        _check_workload(g)
        groups.append((at, _values(g, (len(at), *kind.shape), random, wp, link)))
    glossary = _glossary()
    variables = {}
    for k in groups[0][1]:
        arr = np.empty(shape, dtype=np.result_type(*(np.asarray(res[k]).dtype for _, res in groups)))
        for at, res in groups:
            arr[at] = np.broadcast_to(res[k], (len(at), *kind.shape))
        if arr.dtype.kind == "U" and not kind.shape:  # as one workload's scalar strings stack: the longest held
            arr = np.array(arr.tolist())
        variables[k] = (arr, *glossary[k], True)
    attrs = _drop_conflicts([_attrs(wl, wp, wl.size, wl.read_fraction) for wl in wls])
    attrs["model"] = "linkmodel.ssd.drive"
    ds = dataset(variables, kind, leading=("workload", [wl.name for wl in wls]), attrs=attrs)
    return ds.assign_coords(
        size=("workload", [wl.size for wl in wls]), read_fraction=("workload", [wl.read_fraction for wl in wls])
    )


def _drop_conflicts(dicts: list[dict]) -> dict:
    """Attributes common to the workloads: a key whose values differ is dropped (xarray's ``drop_conflicts``)."""
    out: dict = {}
    dropped: set = set()
    for d in dicts:
        out.update({k: v for k, v in d.items() if k not in out and k not in dropped})
        keep = {k: v for k, v in out.items() if k not in d or d[k] == v}
        dropped |= set(out) - set(keep)
        out = keep
    return out
