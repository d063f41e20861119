"""The latency report of a part: QD1 breakdown, queue-depth curve with tails, reads behind writes, a mix.

:func:`report` is what ``linkmodel latency`` prints (and what the notebook
``notebooks/latency_queue_depth.py`` shows): it resolves the part, takes its
host path (:func:`linkmodel.parts.host_path`: the controller's firmware terms),
and calls the models (:mod:`linkmodel.ssd.hostpath`,
:mod:`linkmodel.ssd.closedloop`, :mod:`linkmodel.ssd.interference`,
:func:`linkmodel.ssd.queueing.tail`). All SI (s, B, 1/s).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from linkmodel import parts as _parts
from linkmodel.parts.draws import draw_params
from linkmodel.ssd import closedloop, hostpath, interference, queueing
from linkmodel.studies import drawn, latency_draws
from linkmodel.studies.report import Report
from linkmodel.studies.uncertain import INTERVAL

__all__ = ["QUANTILES", "TAIL_DRAWS", "LatencyDraws", "LatencyReport", "report", "report_draws"]

#: draws whose p99 and p99.9 are computed [1]: the tail (:func:`linkmodel.ssd.queueing.tail`) takes one curve
#: of scalar parameters, an FFT per depth (measured ~25 ms a draw over the 9 default depths), so it runs draw by
#: draw on the first ``TAIL_DRAWS`` draws (independent draws: a random subsample); the 10th and 90th
#: percentiles of 64 draws sit within about 0.04 in quantile (one standard error, sqrt(0.1 x 0.9 / 64)) of
#: where they would over every draw
TAIL_DRAWS = 64

#: The percentiles the report gives at each queue depth (p99, p99.9) [1].
QUANTILES = (0.99, 0.999)
_WAIT_KEYS = ("mean_wait", "wait_q99", "wait_q99.9")


@dataclass(frozen=True)
class LatencyReport:
    """The latency report of one part (SI units; the Datasets' variables carry theirs).

    Attributes
    ----------
    part : str
        Part id.
    capacity : float
        SKU user capacity [B].
    io : {"read", "write"}
    size : float
        I/O size [B].
    write_ack : {"buffer", "through"}
    breakdown : xarray.Dataset
        :func:`linkmodel.ssd.hostpath.qd1` (steps and ``total`` [s]).
    sustained : float
        QD1 latency at steady state [s] (:func:`linkmodel.ssd.hostpath.sustained_qd1`).
    drain_bound : bool
        Whether the buffer drain bounds it.
    curve : xarray.Dataset
        :func:`linkmodel.ssd.closedloop.queue_depth_curve` with ``p99`` and ``p999`` [s].
    suspend : (float, float)
        Program and erase suspend latency shown beside no suspend [s].
    write_iops : float or None
        Host writes alongside the reads [1/s].
    writes, writes_suspend : xarray.Dataset or None
        :func:`linkmodel.ssd.interference.read_interference` at ``write_iops``, without and with suspend.
    curve_writes, curve_writes_suspend : xarray.Dataset or None
        The read curve with those writes alongside (with ``p99``, ``p999`` [s]).
    mix : float or None
        Read share of the closed-loop mix [1].
    mix_suspend : bool
        Whether the mix ran with suspend.
    mixed : xarray.Dataset or None
        :func:`linkmodel.ssd.closedloop.mixed_curve`.
    assumptions : dict
        Basis of each host-path default (:data:`linkmodel.ssd.hostpath.DEFAULTS`).
    """

    part: str
    capacity: float
    io: str
    size: float
    write_ack: str
    breakdown: Any
    sustained: float
    drain_bound: bool
    curve: Any
    suspend: tuple
    write_iops: float | None = None
    writes: Any = None
    writes_suspend: Any = None
    curve_writes: Any = None
    curve_writes_suspend: Any = None
    mix: float | None = None
    mix_suspend: bool = False
    mixed: Any = None
    assumptions: Any = None

    def to_dict(self) -> dict:
        """The report as plain numbers (SI), as ``linkmodel latency --json`` prints it."""
        c = self.curve
        rows = [
            {
                "queue_depth": int(q),
                "latency": float(c.latency[i]),
                "p99": float(c.p99[i]),
                "p999": float(c.p999[i]),
                "iops": float(c.iops[i]),
            }
            for i, q in enumerate(c.queue_depth.values)
        ]
        return {
            "part": self.part,
            "capacity": self.capacity,
            "io": self.io,
            "size": self.size,
            "breakdown": {k: float(self.breakdown[k]) for k in self.breakdown.data_vars},
            "curve": rows,
            "interference": self._interference_dict(),
            "mixed": self._mixed_rows(),
            "assumptions": self.assumptions,
        }

    def _interference_dict(self):
        if self.writes is None:
            return None
        plain, susp, c_plain, c_sus = self.writes, self.writes_suspend, self.curve_writes, self.curve_writes_suspend
        return {
            "write_iops": self.write_iops,
            "program_busy": float(plain.program_busy),
            "mean_no_suspend": c_plain.latency.values.tolist(),
            "mean_suspend": c_sus.latency.values.tolist(),
            "iops_no_suspend": c_plain.iops.values.tolist(),
            "p99_no_suspend": c_plain.p99.values.tolist(),
            "p999_no_suspend": c_plain.p999.values.tolist(),
            "p99_suspend": c_sus.p99.values.tolist(),
            "p999_suspend": c_sus.p999.values.tolist(),
            "erase_busy": float(plain.erase_busy),
            "gc_read_busy": float(plain.gc_read_busy),
            "channel_busy": float(plain.channel_busy),
            "suspend": list(self.suspend),
            "no_suspend": {k: float(plain[k]) for k in _WAIT_KEYS},
            "with_suspend": {k: float(susp[k]) for k in _WAIT_KEYS},
        }

    def _mixed_rows(self):
        if self.mixed is None:
            return None
        m = self.mixed
        return [
            {
                "queue_depth": int(q),
                "iops": float(m.iops[j]),
                "latency": float(m.latency[j]),
                "read_latency": float(m.read_latency[j]),
                "write_latency": float(m.write_latency[j]),
                "reads_in_flight": float(m.reads_in_flight[j]),
            }
            for j, q in enumerate(m.queue_depth.values)
        ]


def _with_tails(curve, inter=None):
    """The curve with its ``p99`` and ``p999`` [s] (:func:`linkmodel.ssd.queueing.tail`)."""
    t = queueing.tail(curve, quantiles=QUANTILES, interference=inter)
    out = curve.copy()
    for j, name in enumerate(("p99", "p999")):
        out[name] = ("queue_depth", t[:, j], {"units": "s", "long_name": f"{QUANTILES[j]:g} quantile of the latency"})
    return out


def _polled(polling: bool, write_ack: str, mapping_miss: float) -> dict[str, Any]:
    """The host-path overrides of the command's flags (times in s)."""
    polled: dict[str, Any] = {"interrupts": not polling, "write_ack": write_ack, "mapping_miss": mapping_miss}
    if polling:
        polled.update(host_complete=hostpath.POLLING_HOST_COMPLETE, ufs_host_complete=hostpath.POLLING_HOST_COMPLETE)
    return polled


def _check_reads_only(io, write_iops, mix, page_types):
    if io != "read":
        for name, v in (("page_types", page_types), ("mix", mix), ("write_iops", write_iops)):
            if v is not None:
                raise ValueError(f"{name}: applies to reads; use io='read'")


def report(
    part,
    capacity=None,
    io="read",
    size=4096.0,
    qds=closedloop.QUEUE_DEPTHS,
    write_iops=None,
    mix=None,
    suspend=None,
    polling=False,
    page_types=None,
    write_ack="buffer",
    mapping_miss=None,
    span=None,
) -> LatencyReport:
    """Everything ``linkmodel latency`` prints for one part.

    Parameters
    ----------
    part : Part or str
        A part (:func:`linkmodel.parts.load`) or its id.
    capacity : float, optional
        SKU user capacity [B]; default the headline SKU.
    io : {"read", "write"}
    size : float
        I/O size [B].
    qds : sequence of int
        Queue depths (sorted, duplicates dropped).
    write_iops : float, optional
        Reads only: random 4 KiB host writes per second alongside [1/s].
    mix : float, optional
        Reads only: read share of a closed-loop random read / buffered write mix [1].
    suspend : (float, float), optional
        Program and erase suspend latency [s]: shown beside no suspend with
        `write_iops` (default :data:`linkmodel.ssd.hostpath.DEFAULT_SUSPEND`); the
        mix runs with it when given (default: no suspend).
    polling : bool
        The host polls completions: no MSI-X, host completion (NVMe, or a UFS MCQ poll queue)
        :data:`linkmodel.ssd.hostpath.POLLING_HOST_COMPLETE` [s].
    page_types : sequence of float, optional
        Reads only: tR multipliers per page type (see :func:`linkmodel.ssd.hostpath.qd1`).
    write_ack : {"buffer", "through"}
    mapping_miss : float, optional
        Share of reads whose mapping entry is not cached [1]; default the drive's own at `span`
        (:mod:`linkmodel.ssd.mapping`: 0 with DRAM).
    span : float, optional
        Bytes the random reads spread over [B] (the drive's ``read_span``); default the whole drive.

    Returns
    -------
    LatencyReport
        ``to_dict()`` gives the command's JSON document.
    """
    part = _parts.part(part)
    polled = _polled(polling, write_ack, mapping_miss)
    with _parts.about(part, capacity):
        params, _ = _parts.params_from_part(part, capacity)
        params = params if span is None else replace(params, read_span=float(span))
        path = _parts.host_path(part, **polled)
    _check_reads_only(io, write_iops, mix, page_types)
    sus = hostpath.DEFAULT_SUSPEND if suspend is None else tuple(suspend)
    qds = sorted(set(qds))
    br = hostpath.qd1(params, io, size, path, page_types=page_types)
    sustained, drain_bound = hostpath.sustained_qd1(params, io, size, path, page_types)
    curve = _with_tails(closedloop.queue_depth_curve(params, io, qds, size, path, page_types=page_types))
    kw: dict[str, Any] = {}
    if write_iops is not None:
        plain = interference.read_interference(params, write_iops)
        susp = interference.read_interference(params, write_iops, suspend=sus)
        curves = [
            _with_tails(
                closedloop.queue_depth_curve(params, "read", qds, size, path, interference=w, page_types=page_types), w
            )
            for w in (plain, susp)
        ]
        kw.update(write_iops=write_iops, writes=plain, writes_suspend=susp)
        kw.update(curve_writes=curves[0], curve_writes_suspend=curves[1])
    if mix is not None:
        m = closedloop.mixed_curve(params, mix, qds, size, path, suspend=sus if suspend is not None else None)
        kw.update(mix=mix, mix_suspend=suspend is not None, mixed=m)
    return LatencyReport(
        part=part.id,
        capacity=params["user_capacity"],
        io=io,
        size=size,
        write_ack=write_ack,
        breakdown=br,
        sustained=float(sustained),
        drain_bound=bool(drain_bound),
        curve=curve,
        suspend=sus,
        assumptions=hostpath.DEFAULTS,
        **kw,
    )


@dataclass(frozen=True, eq=False)
class LatencyDraws(Report):
    """The QD1 latency and the queue-depth curve over draws of a part's priors (SI: s, 1/s).

    ``qd1``: the sustained QD1 latency's ``{"median", "interval": [low, high]}`` and, where the part publishes
    a QD1 figure for this I/O (direction, size, SKU), ``"quantile"`` (of ``published``); ``curve``: per queue
    depth ``{"queue_depth", "latency", "iops", "p99", "p999"}``, each a median and interval (the tails over
    the first ``tail_draws`` draws). With writes alongside, ``writes``: per queue depth ``{"queue_depth",
    "latency", "p99", "latency_suspend", "p99_suspend"}`` of the read curve with those writes, without and with
    program/erase suspend, over the same first ``tail_draws`` draws (a draw whose dies or ceilings cannot carry
    the writes counts as out of reach, ``inf``; ``writes_refused`` counts them).
    """

    seed: int
    draws: int
    method: str
    interval: tuple
    qd1: dict
    curve: list
    tail_draws: int
    published: float | None = None
    write_iops: float | None = None
    writes: list | None = None
    writes_refused: int | None = None


def _published_qd1(part, io: str, size: float, capacity: float) -> float | None:
    """The part's published QD1 latency for this I/O direction, size [B] and SKU [B] (None: not published) [s]."""
    for pub in part.published:
        same = pub.metric == f"{io}_latency" and not pub.sets and pub.block_size == size
        if same and _parts.same_capacity(pub.capacity, capacity):
            return float(pub.value)
    return None


def _tails(curve, k: int) -> np.ndarray:
    """p99 and p99.9 of the first ``k`` draws of a curve along ``draw``: shape (k, depths, 2) [s]."""
    out = []
    for i in range(k):
        t = _with_tails(curve.isel(draw=i) if "draw" in curve.dims else curve)
        out.append(np.stack([t.p99.values, t.p999.values], axis=-1))
    return np.array(out)


def report_draws(
    part,
    n: int = 1000,
    seed: int = 0,
    capacity=None,
    io="read",
    size=4096.0,
    qds=closedloop.QUEUE_DEPTHS,
    polling=False,
    write_ack="buffer",
    mapping_miss=None,
    page_types=None,
    cat=None,
    tail_draws: int = TAIL_DRAWS,
    span=None,
    method: str = "mc",
    scale: float = 1.0,
    write_iops=None,
    suspend=None,
    mix=None,
) -> LatencyDraws:
    """The QD1 latency and queue-depth curve over ``n`` draws of the part's priors, in one broadcast call each.

    The drive parameters come from :func:`linkmodel.parts.draws.draw_params`, the controller's firmware times
    from :func:`linkmodel.studies.latency_draws.path_draws` (same seed); the other arguments as
    :func:`report`. The mean latency and IOPS per depth are one call of
    :func:`linkmodel.ssd.closedloop.queue_depth_curve` over every draw; the tails, draw by draw, over the
    first ``tail_draws`` (:data:`TAIL_DRAWS`). With ``write_iops`` [1/s] (and ``suspend`` as :func:`report`),
    the read curve with those writes alongside, draw by draw over the same first ``tail_draws`` draws (one
    write load per curve: :func:`linkmodel.ssd.closedloop.queue_depth_curve`). ``mix`` is refused: one mixed
    curve is a bisection of seconds per draw.

    Returns
    -------
    LatencyDraws
    """
    part = _parts.part(part)
    cat = _parts.catalogue() if cat is None else cat
    d = draw_params(part, n, seed, capacity, cat, method, scale)
    if span is not None:  # the span the reads cover, as report() takes it
        d = replace(d, params=replace(d.params, read_span=float(span)), point=replace(d.point, read_span=float(span)))
    path, _ = latency_draws.path_draws(part, n, seed, cat, method, scale, **_polled(polling, write_ack, mapping_miss))
    qds = sorted(set(qds))
    _check_reads_only(io, write_iops, mix, page_types)
    if mix is not None:
        raise ValueError("mix: not drawn (one mixed curve is seconds of bisection per draw); draw the reads alone")
    x = latency_draws.qd1_draws(part, d.params, io, size, path, page_types)
    with _parts.about(part, capacity):
        curve = closedloop.queue_depth_curve(d.params, io, qds, size, path, page_types=page_types)
        tails = _tails(curve, min(int(tail_draws), n))
        sus = hostpath.DEFAULT_SUSPEND if suspend is None else tuple(suspend)
        writes = None if write_iops is None else _writes_draws(d.params, path, write_iops, sus, qds, size, tails)
    pub = _published_qd1(part, io, size, d.point["user_capacity"])
    rows = []
    for j, q in enumerate(qds):
        c = curve.isel(queue_depth=j)
        rows.append(
            {
                "queue_depth": int(q),
                "latency": drawn.stats(drawn.per_draw(c.latency.values, n)),
                "iops": drawn.stats(drawn.per_draw(c.iops.values, n)),
                "p99": drawn.stats(tails[:, j, 0]),
                "p999": drawn.stats(tails[:, j, 1]),
            }
        )
    out = LatencyDraws(d.seed, d.n, d.method, INTERVAL, drawn.stats(x, pub), rows, tails.shape[0], pub)
    if writes is not None:
        out = replace(out, write_iops=float(write_iops), writes=writes[0], writes_refused=writes[1])
    return out


def _at_draw(obj, i: int):
    """Drive parameters or a host path with every field along ``draw`` taken at draw ``i`` (floats)."""
    moved = {f.name: getattr(obj, f.name) for f in fields(obj)}
    return replace(obj, **{k: float(v.values[i]) for k, v in moved.items() if getattr(v, "dims", ()) == ("draw",)})


def _writes_draws(params, path, write_iops, sus, qds, size, tails) -> tuple[list, int]:
    """Per queue depth, the read curve's mean and p99 with ``write_iops`` writes alongside (without, with
    suspend) over the draws ``tails`` covers, and the number of draws that cannot carry the writes [s]."""
    k = tails.shape[0]
    out = np.full((k, len(qds), 4), np.inf)
    refused = 0
    for i in range(k):
        p_i, path_i = _at_draw(params, i), _at_draw(path, i)
        try:
            loads = [interference.read_interference(p_i, write_iops, suspend=s_) for s_ in (None, sus)]
        except ValueError:  # this draw's dies or ceilings cannot carry the writes: out of reach
            refused += 1
            continue
        for j, w in enumerate(loads):
            c = _with_tails(closedloop.queue_depth_curve(p_i, "read", qds, size, path_i, interference=w), w)
            out[i, :, 2 * j], out[i, :, 2 * j + 1] = c.latency.values, c.p99.values
    keys = ("latency", "p99", "latency_suspend", "p99_suspend")
    rows = [
        {"queue_depth": int(q)} | {key: drawn.stats_ranked(out[:, j, m]) for m, key in enumerate(keys)}
        for j, q in enumerate(qds)
    ]
    return rows, refused
