"""Latency and IOPS vs queue depth of a drive: the closed loop of a benchmark (fio with a fixed ``iodepth``).

:func:`stations` turns the drive model's per-I/O service times (dies with
independent plane reads, channels, link, controller) into the closed network
of :mod:`linkmodel.ssd.queueing`, whose delay is the rest of the QD1 latency
(:func:`linkmodel.ssd.hostpath.qd1`); :func:`queue_depth_curve` solves it and
caps throughput at the drive model's ceiling (power included), optionally with
writes running alongside (:func:`linkmodel.ssd.interference.read_interference`);
:func:`mixed_curve` is one closed loop of reads and buffered writes. The curve
carries its station table, so :func:`linkmodel.ssd.queueing.tail` needs only
the curve. A UFS device (``link_family`` 1) holds at most
:data:`linkmodel.ssd.ufspath.QUEUE_DEPTH` commands: a deeper host queue waits in
the host (:func:`queue_depth_curve`). All SI (s, B, 1/s).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from linkmodel._array import check_choice, check_range, pack, unpack
from linkmodel._typing import Service, StorageIo
from linkmodel.ssd import drive, nand, queueing, ufspath
from linkmodel.ssd.hostpath import DEFAULT_PATH, IOS, HostPath, qd1
from linkmodel.ssd.interference import read_interference

__all__ = ["QUEUE_DEPTHS", "mixed_curve", "queue_depth_curve", "stations"]

QUEUE_DEPTHS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
_MIX_BISECTIONS = 30  # halvings of the read population per queue depth (below the ceiling)
_SATURATED_BISECTIONS = 40  # the same at the ceiling
_BELOW_WRITE_CEILING = 0.999  # writes alongside the reads are held this far below their own ceiling


def stations(params: Mapping[str, Any], io: StorageIo = "read", size=4096.0, path: HostPath = DEFAULT_PATH):
    """The closed network of one random-I/O workload: delay and station classes (see :mod:`queueing`).

    Reads: ``dies`` (dies x independent plane reads servers, service
    :func:`linkmodel.ssd.nand.read_hold`: tR, and without cache read the
    channel time too), ``channels`` (per-I/O channel time: command cycles and
    data out, as the drive model's channel ceiling; without cache read it is
    in the die's service instead, and :func:`queue_depth_curve` adds the die's
    wait for its channel, :mod:`linkmodel.ssd.blocking`), ``link`` (1 / link IOPS
    ceiling with NVMe traffic), ``controller`` (1 / its IOPS limit); the delay
    is the rest of the QD1 latency. Buffered writes: the whole QD1 latency is
    delay (the write waits for no NAND operation); sustained, the buffer drains
    at the drive's write ceiling (programs, GC, power), the cap of
    :func:`queue_depth_curve`, so a closed loop of writes runs at
    ``min(QD / L1, ceiling)`` and even QD1 is drain-bound when ``1 / ceiling``
    exceeds ``L1`` (:func:`linkmodel.ssd.hostpath.sustained_qd1`).

    Returns
    -------
    delay : array [s]
    stations : dict of name -> (count, service [s])
    ceiling : array [1/s]
        The drive model's throughput ceiling for the workload (power included).
    """
    check_choice("io", io, IOS)
    wl = drive.Workload(f"rand_{io}", float(size), 1.0 if io == "read" else 0.0, True)
    ds = drive.evaluate(params, wl)
    # every input on the same axes (a sweep's QD1 latency or ceiling may lack some of the parameters' dims)
    got = {f"{k}_": ds[k] for k in ("iops", "ceiling_channels", "ceiling_link", "ceiling_controller_iops")}
    a, kind = unpack(**{k: params[k] for k in params}, size=size, l1_=qd1(params, io, size, path).total, **got)
    l1, ceiling = np.asarray(a["l1_"], dtype=float), np.asarray(a["iops_"], dtype=float)
    with np.errstate(divide="ignore"):
        inv = {
            k: np.where(np.isfinite(a[f"ceiling_{k}_"]), 1.0 / np.asarray(a[f"ceiling_{k}_"], dtype=float), 0.0)
            for k in ("link", "controller_iops")
        }
    if io == "read":
        # the die senses (tR, the drive model's die time of one random read); the command cycles occupy the
        # channel, whose per-I/O time (the drive model's) holds them with the data out: counted once, as in the
        # QD1 latency (issue 19 item 4: they were in both stations, so with no host or firmware time the QD1
        # latency came out shorter than the station services). Without cache read the die holds that channel
        # time too: it moves into the die's service (the channel station keeps the cache reads' share)
        ch = np.asarray(a["channels"] / a["ceiling_channels_"], dtype=float)
        die_s = nand.read_hold(a["t_read"], ch, a["cache_read"]) + 0.0 * a["size"]
        ch_s = a["cache_read"] * ch
        st = {
            "dies": (a["dies"] * a["independent_plane_reads"], die_s),
            "channels": (a["channels"], ch_s),
            "link": (1.0, inv["link"]),
            "controller": (1.0, inv["controller_iops"]),
        }
        inside = die_s + ch_s + inv["link"] + inv["controller_iops"]
    else:
        # buffered writes queue behind nothing on the way in; sustained, they complete no faster than the buffer
        # drains (the drive's write ceiling), which queue_depth_curve applies as its cap
        st = {"backend": (1.0, np.zeros_like(ceiling))}
        inside = 0.0
    delay = l1 - inside
    if np.any(delay < 0):  # pragma: no cover - the QD1 breakdown contains every station's service
        raise ValueError("stations: the QD1 latency is shorter than the station services it contains")
    st = {
        k: (pack(np.asarray(m, dtype=float), kind), pack(np.asarray(v, dtype=float), kind)) for k, (m, v) in st.items()
    }
    return pack(delay, kind), st, pack(ceiling, kind)


def _holding(params, st, size, service):
    """The dies' holding through their channel wait (:mod:`linkmodel.ssd.blocking`) and the same network with
    the dies free after their sense (the channel time back at the channels); (None, None) with cache read.

    The repairman model of one channel: the dies busy on it alternate between their sense (the dies'
    service less the channel time they hold) and one FCFS transfer of the read's channel time; its channel
    residence at every whole population up to the read servers per channel (at most
    :data:`queueing.MAX_QUEUE_DEPTHS`).
    """
    if "channels" not in st or "dies" not in st:
        return None, None
    a, kind = unpack(**{k: params[k] for k in params}, size=size)
    share = 1.0 - np.asarray(a["cache_read"], dtype=float)
    if not np.any(share > 0):
        return None, None
    n_die, s_die = (np.asarray(v, dtype=float) for v in st["dies"])
    n_ch = np.asarray(st["channels"][0], dtype=float)
    pages = np.ceil(a["size"] / a["page_size"])
    transfer = nand.channel_time(a["size"], a["channel_rate"], a["spare_fraction"], a["command_time"], pages)
    transfer = transfer + 0.0 * s_die
    sense = s_die - share * transfer
    top = int(min(np.ceil(np.max(n_die / n_ch)), queueing.MAX_QUEUE_DEPTHS))
    pops = np.arange(1, max(top, 1) + 1).reshape((-1,) + (1,) * transfer.ndim)
    rep = queueing.mva(pops.ravel(), sense, {"channel": (1.0, transfer)}, service)
    # the channel passes at most 1 / transfer reads per second (n / (sense + R) <= 1 / transfer): the residual
    # correction of approximate MVA overshoots that bound near saturation (asymptotic bound, Denning & Buzen 1978)
    residence = np.maximum(np.asarray(rep.residence_channel.values), pops * transfer - sense)
    table = np.concatenate([transfer[None, ...], residence], axis=0)
    free = dict(st, dies=(st["dies"][0], pack(sense, kind)), channels=(st["channels"][0], pack(transfer, kind)))
    return {"dies": (share + 0.0 * s_die, transfer, n_ch + 0.0 * s_die, table)}, free


def _no_faster_than_free(held, free):
    """The held network's curve, no faster than the die-free one at any queue depth (the free one where it is slower).

    Holding a die through its channel wait never raises throughput (hold <= cache <= free at every population:
    queueing_blocking.md §4). The holding-time fixed point takes the channel's population at its mean: right when
    few dies share a channel (they cap its queue) but short of the channel's wait when many do, whose arrivals
    then fluctuate as in the product-form network; there holding rarely matters and the die-free network is the
    better estimate (within 1 % of the holding simulation at 96 read servers per channel, tests/ssd/test_blocking.py).
    Where it is taken, its channel residence moves into the dies' (whose service holds the channel time), so
    that :func:`queueing.tail` sees the same total [s].
    """
    faster = held.iops <= free.iops  # where the held network stands
    out = held.copy()
    for k in ("latency", "iops"):
        out[k] = held[k].where(faster, free[k])
    moved = free.residence_dies + free.residence_channels - held.residence_channels
    out["residence_dies"] = held.residence_dies.where(faster, moved)
    out["utilization_dies"] = held.utilization_dies.where(faster, free.iops * held.service_dies / held.servers_dies)
    out["hold_wait_dies"] = held.hold_wait_dies.where(faster, free.residence_channels - free.service_channels)
    for k in held.data_vars:
        out[k].attrs = held[k].attrs
    return out


def _device_depths(params, queue_depths):
    """The populations to solve: the queue depths, and the UFS device's queue where a UFS drive is deeper."""
    qds = np.atleast_1d(np.asarray(queue_depths))
    ufs = np.asarray(params.get("link_family", 0.0)) == 1.0
    if np.any(ufs) and np.any(qds > ufspath.QUEUE_DEPTH):
        return sorted({int(q) for q in qds} | {ufspath.QUEUE_DEPTH}), True
    return queue_depths, False


def _host_queue(ds, params, queue_depths):
    """The curve at ``queue_depths`` with a UFS drive's depth above its device queue held in the host.

    A UFS drive takes at most :data:`linkmodel.ssd.ufspath.QUEUE_DEPTH` commands; the rest of a host
    queue depth ``Q`` waits in the host's block layer, so the device runs at that depth: IOPS and the
    station figures as there, the mean latency ``Q / IOPS`` (Little's law; the host wait is taken at its
    mean by :func:`linkmodel.ssd.queueing.tail`, as the rest of the delay) [s].
    """
    a, kind = unpack(**{k: params[k] for k in params})
    ufs = pack(np.asarray(a.get("link_family", 0.0)) == 1.0, kind)
    at_cap = ds.sel(queue_depth=ufspath.QUEUE_DEPTH)
    out = ds.sel(queue_depth=list(np.atleast_1d(queue_depths)))
    over = ufs & (out.queue_depth > ufspath.QUEUE_DEPTH)
    for k in out.data_vars:
        if "queue_depth" in out[k].dims and k != "latency":
            out[k] = out[k].where(~over, at_cap[k]).transpose(*out[k].dims).assign_attrs(out[k].attrs)
    out["latency"] = (out.queue_depth / out.iops).transpose(*out.latency.dims).assign_attrs(out.latency.attrs)
    return out


def _with_writes(params, size, st, interference, writes_yield):
    """The reads' background waits [s] and ceiling [1/s] with a write load alongside (see queue_depth_curve)."""
    if any(np.ndim(interference[k]) for k in ("mean_wait", "program_busy", "channel_busy", "write_power")):
        raise ValueError("interference: one write load (scalar read_interference) per curve")
    free = (
        1.0
        - np.asarray(interference.program_busy, dtype=float)
        - np.asarray(interference.erase_busy, dtype=float)
        - np.asarray(interference.gc_read_busy, dtype=float)
    )
    # a read's transfer may also wait for a program's data on its channel: share channel_busy, residual
    # uniform over one program transfer
    background = {
        "dies": float(interference.mean_wait),
        "channels": float(interference.channel_busy) * float(interference.channel_transfer) / 2,
    }
    count, die_s = st["dies"]
    ch_free = 1.0 - float(interference.channel_busy)
    if not writes_yield and (np.any(free <= 0) or ch_free <= 0):
        # read_interference refuses such a load; a hand-made Dataset would give a zero or negative ceiling
        raise ValueError(
            "interference: the writes alongside take all the die or channel time (program, erase, GC-read or "
            "channel share >= 1); no reads could run"
        )
    rd = drive.evaluate(params, drive.Workload("rand_read", float(size), 1.0, True))
    budget = (
        np.asarray(params["power_cap"], dtype=float)
        - np.asarray(rd.static_power, dtype=float)
        - np.asarray(interference.write_power, dtype=float)
    )
    if np.any(budget <= 0):
        raise ValueError("interference: the writes alongside take the whole power budget; no reads could run")
    power_ceiling = budget / np.asarray(rd.energy_per_io, dtype=float)
    if writes_yield:
        free, ch_free, power_ceiling = 1.0, 1.0, np.asarray(rd.ceiling_power, dtype=float)
    ceiling = np.minimum.reduce(
        [
            np.asarray(rd.ceiling_link, dtype=float),
            np.asarray(rd.ceiling_controller_iops, dtype=float),
            np.asarray(rd.ceiling_controller_bandwidth, dtype=float),
            np.asarray(rd.ceiling_channels, dtype=float) * ch_free,
            np.asarray(count, dtype=float) * free / np.asarray(die_s, dtype=float),
            power_ceiling,
        ]
    )
    return background, ceiling


def queue_depth_curve(
    params: Mapping[str, Any],
    io: StorageIo = "read",
    queue_depths=QUEUE_DEPTHS,
    size=4096.0,
    path: HostPath = DEFAULT_PATH,
    service: Service = "deterministic",
    interference=None,
    page_types=None,
    writes_yield=False,
    network=None,
):
    """Mean latency and IOPS vs queue depth for random I/O of one size.

    With ``interference`` (reads only; :func:`read_interference` of a write
    load running alongside, e.g. another tenant's writes) each read also
    waits the mean program/erase residual (added to the delay: a read is not
    slowed once it runs), and the reads' ceiling loses the die time the
    programs and erases take (``1 - program_busy - erase_busy`` of the dies'
    read capacity), the writes' channel share and their power (the reads get
    what the cap leaves after the static power and the writes' power).
    ``page_types`` (reads): tR multipliers per page type, as :func:`qd1`; the
    die service is their mean. ``writes_yield=True``: the writes are throttled
    to what the reads leave (reads first at the dies, a write buffer that
    fills), so only their waits come off the reads, not their die time,
    channel share or power; the caller bounds the total (:func:`mixed_curve`).

    Parameters
    ----------
    params : dict
        Drive parameters.
    io : {"read", "write"}
    queue_depths : sequence of int
    size : float
        I/O size [B].
    path : HostPath
    service : {"deterministic", "exponential"}
        See :func:`linkmodel.ssd.queueing.mva`.
    network : tuple, optional
        ``stations(params, io, size, path)`` computed already (a caller evaluating many curves of one
        drive passes it once; it depends on nothing else).

    Returns
    -------
    xarray.Dataset
        ``latency`` [s] and ``iops`` [1/s] over ``queue_depth`` (throughput
        capped at the drive model's ceiling, latency then QD / IOPS; a UFS drive
        deeper than its device queue, :data:`linkmodel.ssd.ufspath.QUEUE_DEPTH`,
        runs at that depth with the rest waiting in the host: its IOPS there,
        latency QD / IOPS), the MVA's
        per-station ``utilization_*`` and ``residence_*``, the station table
        ``servers_*`` [1] and ``service_*`` [s] (as run: dies at the mean tR of
        the page types), and ``ceiling`` [1/s]; attrs ``io``, ``size`` [B], and
        with page types ``page_types`` and ``t_read`` [s], so that
        :func:`linkmodel.ssd.queueing.tail` needs only the curve.
    """
    delay, st, ceiling = stations(params, io, size, path) if network is None else network
    f = queueing.check_page_types(page_types)
    if f is not None:
        if io != "read":
            raise ValueError("page_types: apply to reads; use io='read'")
        count, die_s = st["dies"]
        st = dict(st, dies=(count, die_s + (float(f.mean()) - 1.0) * params["t_read"]))  # QD1 = qd1(page_types)
    background = None
    if interference is not None:
        if io != "read":
            raise ValueError("interference: describes reads waiting behind writes; use io='read'")
        background, ceiling = _with_writes(params, size, st, interference, writes_yield)
    holding, free = _holding(params, st, size, service)
    solve, held_in_host = _device_depths(params, queue_depths)
    ds = queueing.mva(solve, delay, st, service, background=background, holding=holding)
    if holding is not None:
        ds = _no_faster_than_free(ds, queueing.mva(solve, delay, free, service, background=background))
    capped = np.minimum(ds.iops.values, np.asarray(ceiling, dtype=float))
    qd = ds.queue_depth.values.reshape((-1,) + (1,) * (ds.iops.ndim - 1))
    ds["iops"] = (ds.iops.dims, capped, ds.iops.attrs)
    ds["latency"] = (ds.latency.dims, qd / capped, ds.latency.attrs)
    if held_in_host:
        ds = _host_queue(ds, params, queue_depths)
    ds["ceiling"] = (
        ds.iops.dims[1:],
        np.broadcast_to(np.asarray(ceiling, dtype=float), ds.iops.shape[1:]),
        {"units": "1/s", "long_name": "drive throughput ceiling (power included)"},
    )
    ds.attrs.update(model="linkmodel.ssd.closedloop.queue_depth_curve", io=io, size=float(size))
    if f is not None:
        ds.attrs["page_types"] = [float(x) for x in f]
        if np.ndim(params["t_read"]) == 0:
            ds.attrs["t_read"] = float(params["t_read"])
    if background is not None and np.ndim(interference.mean_wait) == 0:
        ds.attrs["interference_mean_wait"] = float(interference.mean_wait)  # in the dies' residence (for tail())
        ds.attrs["interference_channel_wait"] = background["channels"]  # in the channels' residence
    return ds


def _check_mix(params, read_fraction, queue_depths):
    r = float(read_fraction)
    check_range("read_fraction", r, lo=0, lo_open=True, hi=1)
    bad = [k for k, v in params.items() if np.ndim(v)]
    if bad:
        raise ValueError(
            f"params: mixed_curve takes one drive (scalar parameters); {bad[0]} is an array (loop over the sweep)"
        )
    try:
        qds = np.asarray(queue_depths, dtype=float)
    except (TypeError, ValueError):
        qds = np.asarray([np.nan])
    if (
        qds.ndim != 1
        or not 1 <= qds.size <= queueing.MAX_QUEUE_DEPTHS
        or not np.all(np.isfinite(qds))
        or np.any((qds < 1) | (qds > queueing.MAX_QUEUE_DEPTH) | (qds != np.round(qds)))
    ):
        raise ValueError(
            f"queue_depths: 1 to {queueing.MAX_QUEUE_DEPTHS} whole numbers, each 1 to {queueing.MAX_QUEUE_DEPTH}"
        )
    qds = qds.astype(int)
    return r, qds


def _mixed_point(q, r, reads, l_w, w_ceiling, ceiling):
    """One queue depth of :func:`mixed_curve`: (IOPS [1/s], read latency [s], write latency [s], reads in flight)."""
    if r == 1.0:
        q_r = float(q)
        x_r, l_r = reads(q_r, 0.0)
        x_w = 0.0
    else:
        lo, hi = 0.0, float(q)
        for _ in range(_MIX_BISECTIONS):
            q_r = 0.5 * (lo + hi)
            x_w = min((q - q_r) / l_w, w_ceiling)
            x_r, l_r = reads(q_r, x_w)
            if x_r < r * (x_r + x_w):
                lo = q_r
            else:
                hi = q_r
        q_r = 0.5 * (lo + hi)
        x_w = min((q - q_r) / l_w, w_ceiling)
        x_r, l_r = reads(q_r, x_w)
    total = x_r + x_w
    if total > ceiling and r < 1.0:
        # the back end is saturated: the buffer fills and the writes wait for its drain, while the reads
        # keep their priority at the dies; so the reads hold the population that carries their share of
        # the ceiling (on their curve, with the writes alongside) and the writes hold the rest
        x = ceiling
        x_w = (1.0 - r) * x
        lo, hi = 0.0, float(q)
        for _ in range(_SATURATED_BISECTIONS):
            q_r = 0.5 * (lo + hi)
            if reads(q_r, x_w)[0] < r * x:
                lo = q_r
            else:
                hi = q_r
        q_r = hi
        l_r = q_r / (r * x)
        w_lat = (q - q_r) / x_w
    else:
        scale = max(1.0, total / ceiling)  # reads only: above the ceiling every read waits in proportion
        x = total / scale
        l_r = l_r * scale
        w_lat = (q - q_r) / x_w if x_w > 0 else 0.0
    return x, l_r, w_lat, q_r


def mixed_curve(
    params: Mapping[str, Any],
    read_fraction,
    queue_depths=QUEUE_DEPTHS,
    size=4096.0,
    path: HostPath = DEFAULT_PATH,
    suspend=None,
):
    """A closed loop of random reads and buffered writes sharing one queue depth (e.g. fio 70/30).

    At queue depth ``Q`` the I/Os in flight split into ``Q_r`` reads and
    ``Q - Q_r`` writes such that reads are the share ``r`` of completions:
    reads follow the read network of :func:`queue_depth_curve` with the
    writes alongside (:func:`read_interference` at the write rate), writes
    complete at their QD1 buffered latency until the buffer drains no faster
    than they arrive (``X_w <= `` the drive's write ceiling, then the writes in
    flight wait for the drain); by Little's law ``X_r = Q_r / L_r(Q_r)`` and
    ``X_w = min((Q - Q_r) / L_w, ceiling_w)``, and ``Q_r`` solves
    ``X_r = r (X_r + X_w)`` (bisection; populations between integers
    interpolated). Above the drive model's ceiling for the mix the back end
    is saturated: throughput is the ceiling, the reads (first at the dies)
    hold the population their share of it needs on their curve, and the
    buffered writes, waiting for the drain, hold the rest. Writes at their
    full ceiling leave the reads no die time, so the write rate the reads see
    stays 0.1 % below it (an approximation, not a limit of the drive).

    Parameters
    ----------
    params : dict
        Drive parameters (scalars).
    read_fraction : float
        Share of I/Os that are reads [1], 0 < r <= 1.
    queue_depths : sequence of int
    size : float
        I/O size [B].
    path : HostPath
    suspend : (float, float), optional
        Program and erase suspend latency [s] (see :func:`read_interference`).

    Returns
    -------
    xarray.Dataset
        Over ``queue_depth``: ``iops`` [1/s], ``latency`` (mean) [s],
        ``read_latency``, ``write_latency`` [s] (0 with no writes),
        ``reads_in_flight`` [1].
    """
    import xarray as xr

    r, qds = _check_mix(params, read_fraction, queue_depths)
    l_w = float(qd1(params, "write", size, path).total)
    ceiling = float(drive.evaluate(params, drive.Workload("mixed", float(size), r, True)).iops)
    w_ceiling = float(drive.evaluate(params, drive.Workload("w", float(size), 0.0, True)).iops)
    network = stations(params, "read", size, path)  # the same read network at every point: built once

    def reads(q_r, x_w):
        """Read throughput [1/s] and latency [s] at a (real) read population with writes at x_w alongside."""
        if q_r <= 0:
            return 0.0, float(qd1(params, "read", size, path).total)
        inter = (
            read_interference(params, min(x_w, _BELOW_WRITE_CEILING * w_ceiling), size, suspend=suspend)
            if x_w > 0
            else None
        )
        lo, hi = max(1, int(np.floor(q_r))), max(1, int(np.ceil(q_r)))
        qds_ = sorted({lo, hi})
        c = queue_depth_curve(params, "read", qds_, size, path, interference=inter, writes_yield=True, network=network)
        lat = np.interp(q_r, c.queue_depth.values.astype(float), c.latency.values)
        return q_r / lat, float(lat)

    out = {k: np.empty(qds.size) for k in ("iops", "latency", "read_latency", "write_latency", "reads_in_flight")}
    for i, q in enumerate(qds):
        x, l_r, w_lat, q_r = _mixed_point(q, r, reads, l_w, w_ceiling, ceiling)
        out["iops"][i] = x
        out["latency"][i] = q / x
        out["read_latency"][i] = l_r
        out["write_latency"][i] = w_lat
        out["reads_in_flight"][i] = q_r
    units = {
        "iops": ("1/s", "I/Os per second"),
        "latency": ("s", "mean latency"),
        "read_latency": ("s", "mean read latency"),
        "write_latency": ("s", "mean write latency"),
        "reads_in_flight": ("1", "reads among the I/Os in flight"),
    }
    return xr.Dataset(
        {k: ("queue_depth", v, {"units": units[k][0], "long_name": units[k][1]}) for k, v in out.items()},
        coords={"queue_depth": qds},
        attrs={
            "model": "linkmodel.ssd.closedloop.mixed_curve",
            "read_fraction": r,
            "size": float(size),
            "ceiling": ceiling,
        },
    )
