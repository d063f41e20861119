"""I/O latency of a drive: the QD1 breakdown, and latency and IOPS vs queue depth.

QD1 read (4 KiB random, reference dossier ssd_modeling.md §5.1)::

    host submit -> SQ doorbell (MWr) -> SQE fetch (MRd + host memory + CplD)
    -> firmware / FTL lookup (+ a mapping-table read on a cache miss)
    -> NAND command + tR + channel transfer (+ ECC spare bytes) -> ECC decode
    -> data to the host (MWr TLPs) -> CQE (MWr) -> MSI-X (MWr) -> host completion

QD1 write acknowledged from a power-loss-protected buffer (``write_ack="buffer"``)::

    host submit -> doorbell -> SQE fetch -> firmware -> data fetch (MRd + host memory + CplD)
    -> buffer write -> CQE -> MSI-X -> host completion

``write_ack="through"`` (no power-loss protection) adds the NAND program of
the data: command, channel transfer and ``t_prog`` before the CQE.

Link crossings come from :func:`linkmodel.pcie.latency.breakdown` (flit
alignment, serialization, accumulation) plus a per-crossing port latency
(PHY and controller pipelines at both ends). The host and controller terms
are shared defaults, labelled assumptions with their bases
(:data:`DEFAULTS`); a part or a study overrides them through
:class:`HostPath`.

Latency vs queue depth: :func:`queue_depth_curve` turns the drive model's
per-I/O service times (dies with independent plane reads, channels, link,
controller) into the closed network of :mod:`linkmodel.ssd.queueing`,
whose delay is the rest of the QD1 latency, and caps throughput at the
power ceiling. Tail latency (:func:`tail`) convolves, per station class, an
M/D/1 waiting-time shape whose mean matches the network's.

All SI (s, B, 1/s); every function broadcasts over the drive parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from linkmodel._array import check_choice, check_range, dataset, unpack


@dataclass(frozen=True)
class HostPath:
    """Host and controller latency terms (SI seconds, probabilities) and the write acknowledgement.

    Attributes
    ----------
    host_submit : float
        Host software from the application's call to the SQ doorbell write [s].
    host_complete : float
        Host from the interrupt (or poll) to the application [s].
    port_latency : float
        PHY + link-controller pipelines of one link crossing, both ends [s].
    host_memory : float
        Host memory's answer to a device read (root complex + DRAM) [s].
    firmware_read, firmware_write : float
        Controller command handling and FTL work on the critical path [s].
    ecc_decode : float
        LDPC decode of the read data [s].
    buffer_write : float
        Writing the data into the protected buffer [s].
    mapping_miss : float
        Share of reads whose mapping entry is not cached [1] (each then reads a
        mapping page first: tR + transfer).
    interrupts : bool
        MSI-X per completion (False: the host polls the CQ).
    write_ack : {"buffer", "through"}
        Acknowledge writes from the power-loss-protected buffer or after the program.
    """

    host_submit: float = 1.0e-6
    host_complete: float = 1.5e-6
    port_latency: float = 0.15e-6
    host_memory: float = 0.5e-6
    firmware_read: float = 5.0e-6
    firmware_write: float = 5.0e-6
    ecc_decode: float = 1.0e-6
    buffer_write: float = 0.5e-6
    mapping_miss: float = 0.0
    interrupts: bool = True
    write_ack: str = "buffer"

    def __post_init__(self):
        for f in fields(self):
            if f.name in ("interrupts", "write_ack"):
                continue
            v = getattr(self, f.name)
            if f.name == "mapping_miss":
                check_range(f.name, v, lo=0, hi=1)
            else:
                check_range(f.name, v, lo=0, hi=1e-2, unit="s")
        if not isinstance(self.interrupts, bool):
            raise ValueError(f"interrupts: must be True or False, got {self.interrupts!r}")
        check_choice("write_ack", self.write_ack, ("buffer", "through"))


#: Basis of each default of :class:`HostPath` (all ASSUMPTIONS: no drive vendor publishes its breakdown).
DEFAULTS = {
    "host_submit": "ASSUMPTION: 1 us of host software to the doorbell (Linux io_uring/libaio class); the Intel "
    "Optane P4800X's 10 us QD1 read and write (ssd_modeling.md §5.4), media time nearly nil, bounds "
    "host + link + controller together at about 10 us",
    "host_complete": "ASSUMPTION: 1.5 us from the MSI-X to the application (interrupt, CQ processing, wake-up); "
    "within the same 10 us Optane bound",
    "port_latency": "ASSUMPTION: 150 ns per link crossing for the PHY and link-controller pipelines at both ends "
    "(on top of the serialization and flit terms of linkmodel.pcie.latency)",
    "host_memory": "ASSUMPTION: 0.5 us for host memory to answer a device read (root complex + DRAM); small DMA "
    "reads on Xeon hosts take several hundred ns (pcie-bench, Neugebauer et al., SIGCOMM 2018)",
    "firmware_read": "ASSUMPTION: 5 us of controller firmware and FTL lookup per read; the Optane bound above "
    "leaves about 5 us for the controller, and NVMeVirt's fitted 13-37 us 'firmware' times of "
    "older drives (ssd_modeling.md §5.1) include work a modern controller does in hardware",
    "firmware_write": "ASSUMPTION: 5 us, as firmware_read (Optane P4800X writes also 10 us at QD1)",
    "ecc_decode": "ASSUMPTION: 1 us of LDPC hard-decision decode for a 4 KiB codeword (no figure published)",
    "buffer_write": "ASSUMPTION: 0.5 us to write 4 KiB into the controller's protected DRAM/SRAM buffer",
    "mapping_miss": "default 0: enterprise drives keep the whole mapping table in DRAM (1 B per 1 KB of NAND, "
    "ssd_modeling.md §3.4)",
    "interrupts": "default MSI-X per completion (the NVMe default: coalescing off)",
    "write_ack": "default: acknowledged from the power-loss-protected buffer (enterprise drives have PLP; "
    "datasheet write latencies of 10-25 us are far below any tPROG)",
}

DEFAULT_PATH = HostPath()
IOS = ("read", "write")


def _link(gen, lanes, mps, mrrs, nbytes, transfer, completer=0.0):
    from linkmodel.pcie import latency as _pl

    return np.asarray(
        _pl.breakdown(gen, lanes, nbytes, mps, transfer=transfer, mrrs=mrrs, completer_latency=completer).total.values,
        dtype=float,
    )


def _check_one_die(size, params):
    limit = np.asarray(params["planes"], dtype=float) * np.asarray(params["page_size"], dtype=float)
    if np.any(np.asarray(size, dtype=float) > limit):
        raise ValueError(
            f"size: {float(np.max(size)):g} B is more than one die's multi-plane page "
            f"({float(np.min(limit)):g} B); the latency model covers I/Os served by one die (larger "
            "ones are striped over dies and channels, which it does not model)"
        )


def _page_types(page_types):
    if page_types is None:
        return None
    f = np.asarray(page_types, dtype=float)
    if f.ndim != 1 or f.size < 1 or not np.all(np.isfinite(f)) or np.any(f <= 0):
        raise ValueError(
            "page_types: a 1-D sequence of positive tR multipliers, one per page type "
            "(e.g. (0.6, 1.0, 1.4) for LSB, CSB, MSB)"
        )
    return f


def qd1(params: dict, io="read", size=4096.0, path: HostPath = DEFAULT_PATH, page_types=None):
    """QD1 latency of one random I/O and its breakdown [s].

    Parameters
    ----------
    params : dict
        Drive parameters (:data:`linkmodel.ssd.drive.PARAMETERS`, SI), e.g.
        from :func:`linkmodel.parts.params_from_part`.
    io : {"read", "write"}
    size : float
        I/O size [B], at most one die's multi-plane page (planes x page size).
    path : HostPath
        Host and controller terms, write acknowledgement.
    page_types : sequence of float, optional
        tR of each page type as a multiple of ``t_read`` (a random read hits each
        type equally often), e.g. LSB/CSB/MSB of TLC; ``media`` is then their mean.
        Default: every page reads in ``t_read`` (no per-page figure is published
        for the catalogue's dies; MQSim's defaults also use one tR).

    Returns
    -------
    xarray.Dataset
        One variable per step (``host_submit``, ``doorbell``, ``sqe_fetch``,
        ``firmware``, ``mapping``, ``nand_command``, ``media``, ``channel``,
        ``ecc``, ``data_transfer``, ``buffer``, ``cqe``, ``interrupt``,
        ``host_complete``) and ``total`` [s]; steps that do not apply are 0.
    """
    check_choice("io", io, IOS)
    a, kind = unpack(
        **{
            k: params[k]
            for k in (
                "gen",
                "lanes",
                "mps",
                "mrrs",
                "channel_rate",
                "spare_fraction",
                "page_size",
                "t_read",
                "t_prog",
                "command_time",
            )
        },
        size=size,
    )
    check_range("size", a["size"], lo=0, lo_open=True, unit="B")
    _check_one_die(a["size"], params)
    p = path
    gen, lanes, mps, mrrs, s = a["gen"], a["lanes"], a["mps"], a["mrrs"], a["size"]
    port = p.port_latency
    z = np.zeros(kind.shape)
    steps = {
        k: z
        for k in (
            "host_submit",
            "doorbell",
            "sqe_fetch",
            "firmware",
            "mapping",
            "nand_command",
            "media",
            "channel",
            "ecc",
            "data_transfer",
            "buffer",
            "cqe",
            "interrupt",
            "host_complete",
        )
    }
    steps["host_submit"] = z + p.host_submit
    steps["doorbell"] = _link(gen, lanes, mps, mrrs, 4, "write") + port
    steps["sqe_fetch"] = _link(gen, lanes, mps, mrrs, 64, "read", p.host_memory) + 2 * port
    ch_rate = a["channel_rate"] * 1.0
    pages = np.ceil(s / a["page_size"])
    xfer = s * (1.0 + a["spare_fraction"]) / ch_rate
    if io == "read":
        steps["firmware"] = z + p.firmware_read
        page_xfer = np.minimum(a["page_size"], 4096.0) * (1.0 + a["spare_fraction"]) / ch_rate
        steps["mapping"] = z + p.mapping_miss * (a["command_time"] + a["t_read"] + page_xfer + p.ecc_decode)
        steps["nand_command"] = pages * a["command_time"] + z
        f = _page_types(page_types)
        steps["media"] = a["t_read"] * (1.0 if f is None else float(f.mean())) + z
        steps["channel"] = xfer + z
        steps["ecc"] = z + p.ecc_decode
        steps["data_transfer"] = _link(gen, lanes, mps, mrrs, s, "write") + port
    else:
        steps["firmware"] = z + p.firmware_write
        steps["data_transfer"] = _link(gen, lanes, mps, mrrs, s, "read", p.host_memory) + 2 * port
        steps["buffer"] = z + p.buffer_write
        if p.write_ack == "through":
            steps["nand_command"] = pages * a["command_time"] + z
            steps["channel"] = xfer + z
            steps["media"] = a["t_prog"] + z
    steps["cqe"] = _link(gen, lanes, mps, mrrs, 16, "write") + port
    steps["interrupt"] = (_link(gen, lanes, mps, mrrs, 4, "write") + port) if p.interrupts else z
    steps["host_complete"] = z + p.host_complete
    total = sum(steps.values())
    long = {
        "host_submit": "host software to the doorbell",
        "doorbell": "SQ tail doorbell (MWr)",
        "sqe_fetch": "SQE fetch (MRd, host memory, CplD)",
        "firmware": "controller firmware / FTL",
        "mapping": "mapping-table read on a cache miss (expected)",
        "nand_command": "NAND command cycles",
        "media": "array time (tR, or tPROG when written through)",
        "channel": "NAND channel transfer",
        "ecc": "ECC decode",
        "data_transfer": "data over PCIe",
        "buffer": "write into the protected buffer",
        "cqe": "completion entry (MWr)",
        "interrupt": "MSI-X (MWr)",
        "host_complete": "host completion path",
    }
    variables = {k: (v, "s", long[k], False) for k, v in steps.items()}
    variables["total"] = (total, "s", f"QD1 {io} latency", False)
    return dataset(
        variables,
        kind,
        attrs={"model": "linkmodel.ssd.latency.qd1", "io": io, "write_ack": p.write_ack if io == "write" else ""},
    )


def sustained_qd1(params: dict, io="read", size=4096.0, path: HostPath = DEFAULT_PATH, page_types=None):
    """QD1 latency at steady state [s]: the breakdown's total, or for writes the buffer drain if slower.

    A QD1 write loop at steady state cannot complete writes faster than the
    buffer drains: ``max(L1, 1 / write ceiling)``. Vendors measure QD1
    latency at steady state (after preconditioning), so this is what
    :mod:`linkmodel.studies.validate` compares with.

    Returns
    -------
    (latency, drain_bound) : (array [s], bool array)
    """
    from linkmodel.ssd import drive

    l1 = np.asarray(qd1(params, io, size, path, page_types).total, dtype=float)
    if io == "read":
        return l1, np.zeros(l1.shape, dtype=bool)
    ceiling = np.asarray(drive.evaluate(params, drive.Workload("rand_write", float(size), 0.0, True)).iops, dtype=float)
    return np.maximum(l1, 1.0 / ceiling), 1.0 / ceiling > l1


def stations(params: dict, io="read", size=4096.0, path: HostPath = DEFAULT_PATH):
    """The closed network of one random-I/O workload: delay and station classes (see :mod:`queueing`).

    Reads: ``dies`` (dies x independent plane reads servers, service tR +
    command), ``channels`` (per-I/O channel time), ``link`` (1 / link IOPS
    ceiling with NVMe traffic), ``controller`` (1 / its IOPS limit); the delay
    is the rest of the QD1 latency. Buffered writes: the whole QD1 latency is
    delay (the write waits for no NAND operation); sustained, the buffer drains
    at the drive's write ceiling (programs, GC, power), the cap of
    :func:`queue_depth_curve`, so a closed loop of writes runs at
    ``min(QD / L1, ceiling)`` and even QD1 is drain-bound when ``1 / ceiling``
    exceeds ``L1`` (:func:`sustained_qd1`).

    Returns
    -------
    delay : array [s]
    stations : dict of name -> (count, service [s])
    ceiling : array [1/s]
        The drive model's throughput ceiling for the workload (power included).
    """
    from linkmodel.ssd import drive

    check_choice("io", io, IOS)
    wl = drive.Workload(f"rand_{io}", float(size), 1.0 if io == "read" else 0.0, True)
    ds = drive.evaluate(params, wl)
    l1 = np.asarray(qd1(params, io, size, path).total, dtype=float)
    ceiling = np.asarray(ds.iops, dtype=float)
    with np.errstate(divide="ignore"):
        inv = {
            k: np.where(
                np.isfinite(np.asarray(ds[f"ceiling_{k}"], dtype=float)),
                1.0 / np.asarray(ds[f"ceiling_{k}"], dtype=float),
                0.0,
            )
            for k in ("link", "controller_iops")
        }
    if io == "read":
        a, _ = unpack(
            **{
                k: params[k]
                for k in ("dies", "independent_plane_reads", "t_read", "command_time", "channels", "page_size")
            },
            size=size,
        )
        pages = np.ceil(a["size"] / a["page_size"])
        die_s = a["t_read"] + pages * a["command_time"]
        ch_s = np.asarray(a["channels"] / np.asarray(ds.ceiling_channels, dtype=float), dtype=float)
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
    from linkmodel._array import pack

    _, kind = unpack(**{k: params[k] for k in params}, size=size)
    st = {
        k: (pack(np.asarray(m, dtype=float), kind), pack(np.asarray(v, dtype=float), kind)) for k, (m, v) in st.items()
    }
    return pack(delay, kind), st, pack(ceiling, kind)


def queue_depth_curve(
    params: dict,
    io="read",
    queue_depths=(1, 2, 4, 8, 16, 32, 64, 128, 256),
    size=4096.0,
    path: HostPath = DEFAULT_PATH,
    service="deterministic",
    interference=None,
    page_types=None,
    writes_yield=False,
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

    Returns
    -------
    xarray.Dataset
        ``latency`` [s] and ``iops`` [1/s] over ``queue_depth`` (throughput
        capped at the drive model's ceiling, latency then QD / IOPS), the MVA's
        per-station ``utilization_*`` and ``residence_*``, and ``ceiling``.
    """
    from linkmodel.ssd import queueing

    delay, st, ceiling = stations(params, io, size, path)
    f = _page_types(page_types)
    if f is not None:
        if io != "read":
            raise ValueError("page_types: apply to reads; use io='read'")
        count, die_s = st["dies"]
        st = dict(st, dies=(count, die_s + (float(f.mean()) - 1.0) * params["t_read"]))  # QD1 = qd1(page_types)
    background = None
    if interference is not None:
        if io != "read":
            raise ValueError("interference: describes reads waiting behind writes; use io='read'")
        if any(np.ndim(interference[k]) for k in ("mean_wait", "program_busy", "channel_busy", "write_power")):
            raise ValueError("interference: one write load (scalar read_interference) per curve")
        free = (
            1.0
            - np.asarray(interference.program_busy, dtype=float)
            - np.asarray(interference.erase_busy, dtype=float)
            - np.asarray(interference.gc_read_busy, dtype=float)
        )
        from linkmodel.ssd import drive

        # a read's transfer may also wait for a program's data on its channel: share channel_busy, residual
        # uniform over one program transfer
        background = {
            "dies": float(interference.mean_wait),
            "channels": float(interference.channel_busy) * float(interference.channel_transfer) / 2,
        }
        count, die_s = st["dies"]
        ch_free = 1.0 - float(interference.channel_busy)
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
    ds = queueing.mva(queue_depths, delay, st, service, background=background)
    capped = np.minimum(ds.iops.values, np.asarray(ceiling, dtype=float))
    qd = ds.queue_depth.values.reshape((-1,) + (1,) * (ds.iops.ndim - 1))
    ds["iops"] = (ds.iops.dims, capped, ds.iops.attrs)
    ds["latency"] = (ds.latency.dims, qd / capped, ds.latency.attrs)
    ds["ceiling"] = (
        ds.iops.dims[1:],
        np.broadcast_to(np.asarray(ceiling, dtype=float), ds.iops.shape[1:]),
        {"units": "1/s", "long_name": "drive throughput ceiling (power included)"},
    )
    ds.attrs.update(io=io, size=float(size))
    if interference is not None and np.ndim(interference.mean_wait) == 0:
        ds.attrs["interference_mean_wait"] = float(interference.mean_wait)  # in the dies' residence (for tail())
        ds.attrs["interference_channel_wait"] = background["channels"]  # in the channels' residence
    return ds


def _closed_wait_cf(phi_residual, service_bins, population, servers, n_fft):
    """CF of the wait at one of `servers` symmetric FIFO servers sharing `population` I/Os (closed network).

    By the arrival theorem an arriving I/O sees the other ``population - 1``
    spread over the servers as in the product-form network: every split
    equally likely (Bose-Einstein), so it finds ``j`` at its server with
    probability proportional to ``C(N - 1 - j + m - 2, m - 2)``; it then
    waits for ``j - 1`` full services and the residual of the one in service.
    """
    from scipy.special import gammaln

    n_other = max(population - 1, 0)
    j = np.arange(n_other + 1)
    if servers > 1:
        logp = gammaln(n_other - j + servers - 1) - gammaln(n_other - j + 1) - gammaln(servers - 1)
        p = np.exp(logp - logp.max())
    else:
        p = np.zeros(n_other + 1)
        p[-1] = 1.0
    p /= p.sum()
    delta = np.zeros(n_fft)
    delta[min(service_bins, n_fft - 1)] = 1.0
    phi_s = np.fft.rfft(delta)
    cf = np.full(phi_residual.shape, p[0], dtype=complex)
    term = phi_residual.astype(complex)
    for pj in p[1:]:
        if pj > 1e-12:
            cf += pj * term
        term = term * phi_s
    return cf


def tail(curve, stations_: dict, quantiles=(0.99, 0.999), grid=2**15, interference=None, page_types=None, t_read=None):
    """Latency percentiles at each queue depth of a :func:`queue_depth_curve` [s].

    Each station class adds its service and a waiting time: the waiting time
    of an M/D/1 queue (a geometric number of residual services, uniform on
    ``[0, S]``) whose utilization is set so its mean equals the MVA's mean
    wait there; the classes are taken as independent and convolved (FFT).
    Near saturation (utilization 0.85 to 0.95, blended to stay continuous)
    a class of several servers takes the closed network's shape instead: its
    ``N`` I/Os (Little's law on its residence) spread over its servers as in
    the product-form network (:func:`_closed_wait_cf`), since a closed
    population bounds every queue. A single server (link, controller) holds
    the I/Os in flight in one FIFO cycle: its wait is taken at its mean.
    Checked against a discrete-event simulation (tests/qsim.py) on four
    configurations over QD 1-256: p99 within 15 % at every point (at QD 256
    the simulation pools eight replications: the die queues' imbalance
    decorrelates so slowly that one run's p99 wanders by +-15 %).

    Parameters
    ----------
    curve : xarray.Dataset
        From :func:`queue_depth_curve` (scalar drive parameters).
    stations_ : dict
        The station classes used for it (:func:`stations`).
    quantiles : sequence of float
    grid : int
        FFT grid points (at least; raised so the shortest service spans 4 points).
    interference : xarray.Dataset, optional
        From :func:`read_interference` (scalar): reads also wait behind
        programs and erases, convolved in as an independent term.
    page_types, t_read : optional
        tR multipliers per page type (equal shares, relative to ``t_read``, as
        in :func:`qd1`) and the die's ``t_read`` [s]; the curve must have been
        built with the same ``page_types`` (its dies at the mean tR); each
        type's difference from the mean is convolved in.

    Returns
    -------
    numpy.ndarray
        Shape ``(queue_depth, quantile)`` [s].
    """
    q = np.asarray(quantiles, dtype=float)
    check_range("quantiles", q, lo=0, lo_open=True, hi=1, hi_open=True)
    out = np.empty((curve.sizes["queue_depth"], q.size))
    extra = None
    if interference is not None:
        ia = interference.attrs
        extra = [
            (float(interference.program_busy), float(ia["t_prog"]), ia.get("suspend_program")),
            (float(interference.erase_busy), float(ia["t_erase"]), ia.get("suspend_erase")),
            (float(interference.gc_read_busy), float(ia["t_read"]), None),
        ]
        ch_extra = (float(interference.channel_busy), float(interference.channel_transfer))
    # a curve built with the interference holds its mean wait in the dies' residence: the distribution below
    # replaces it (the reads queued behind a program stay in the dies' queueing wait)
    in_dies = float(curve.attrs.get("interference_mean_wait", 0.0)) if extra is not None else 0.0
    in_channels = float(curve.attrs.get("interference_channel_wait", 0.0)) if extra is not None else 0.0
    in_delay = 0.0
    # a read that finds a program (erase) in progress, with residual R, also waits for the reads that reached
    # its server during the elapsed part t - R: about rho (t - R), rho the server's read utilization; so its
    # wait R + rho (t - R) is uniform on [rho t, t] (the residual and the backlog are not independent)
    rho_die = (
        np.clip(curve["utilization_dies"].values, 0.0, 0.999)
        if in_dies > 0 and "dies" in stations_
        else np.zeros(curve.sizes["queue_depth"])
    )
    f = _page_types(page_types)
    offsets = None
    if f is not None:
        if t_read is None:
            raise ValueError("t_read: needed with page_types")
        # the curve's reads take t_read; each page type takes f t_read: the fixed part drops to the fastest
        # type and the non-negative offsets from it are convolved in
        offsets = (f - f.min()) * float(t_read)
        in_delay += (float(f.mean()) - float(f.min())) * float(t_read)
    for i in range(curve.sizes["queue_depth"]):
        waits = []
        span = 0.0
        if extra is not None:
            span = max((t if s_ is None else s_) * 1.05 for _, t, s_ in extra)
        fixed = float(curve.latency[i]) - sum(float(curve[f"residence_{k}"][i]) for k in stations_) - in_delay
        for k, (m_k, s_k) in stations_.items():
            s_k = float(np.asarray(s_k))
            if k == "dies" and f is not None:  # a curve with page types runs its dies at the mean tR
                s_k += (float(f.mean()) - 1.0) * float(t_read)
            fixed += s_k
            w = float(curve[f"residence_{k}"][i]) - s_k
            if k == "dies" and extra is not None:
                # the mean program/erase wait and the reads that queued during the operation's elapsed part
                # (see below) are held by the operation's distribution; the rest of the queue keeps its shape
                w -= in_dies + sum(u * t * rho_die[i] / 2 for u, t, s_ in extra if s_ is None and in_dies > 0)
                w = max(w, 0.0)
            if k == "channels" and extra is not None:
                w = max(w - in_channels, 0.0)  # held by the program-transfer distribution below
            if s_k <= 0 or w <= 1e-15 * s_k:
                continue
            if float(np.asarray(m_k)) == 1:
                # one server (link, controller): the I/Os in flight pass it in turn (a closed FIFO cycle); its
                # wait is taken at its mean (small below saturation, nearly fixed at it)
                fixed += w
                continue
            rho = 2 * w / (s_k + 2 * w)
            span = max(span, 30 * w, np.log(1e-7) / np.log(rho) * s_k / 2)
            util = float(curve[f"utilization_{k}"][i])
            n_k = int(round(float(curve.iops[i]) * float(curve[f"residence_{k}"][i])))
            m_int = int(round(float(np.asarray(m_k))))
            # near saturation the class holds a bounded population: blend toward the closed-network shape
            blend = min(max((util - 0.85) / 0.10, 0.0), 1.0) if m_int > 1 and n_k > 1 else 0.0
            if blend > 0:
                span = max(span, 1.2 * n_k * s_k)
            waits.append((s_k, rho, blend, n_k, m_int))
        if offsets is not None:
            span = max(span, float(offsets.max()) * 1.05)
        if not waits and extra is None and offsets is None:
            out[i] = fixed
            continue
        services = [w_[0] for w_ in waits]
        n = grid
        if services:
            n = max(grid, int(2 ** np.ceil(np.log2(4 * span / min(services)))))
        n = min(n, 2**22)
        dt = span / n
        total = np.ones(n + 1, dtype=complex)
        if extra is not None:
            v = np.zeros(2 * n)
            v[0] += 1.0 - sum(u for u, _, _ in extra)
            for u, t_op, t_sus in extra:
                if t_sus is None:  # residual of the operation in progress (and the backlog behind it)
                    lo_ = int(round(rho_die[i] * t_op / dt))
                    m = max(1, int(round(t_op / dt)) - lo_)
                    v[lo_ : lo_ + m] += u / m
                else:  # suspended after t_sus
                    v[min(int(round(t_sus / dt)), 2 * n - 1)] += u
            total *= np.fft.rfft(v)
            u_ch, t_ch = ch_extra
            if u_ch > 0 and t_ch > 0:  # a program's data on the read's channel: residual uniform on [0, t_ch]
                v = np.zeros(2 * n)
                v[0] += 1.0 - u_ch
                m = max(1, int(round(t_ch / dt)))
                v[:m] += u_ch / m
                total *= np.fft.rfft(v)
        if offsets is not None:
            v = np.zeros(2 * n)
            np.add.at(v, np.minimum(np.round(offsets / dt).astype(int), 2 * n - 1), 1.0 / offsets.size)
            total *= np.fft.rfft(v)
        grid_ = n
        for s_k, rho, blend, n_k, m_int in waits:
            m = max(1, int(round(s_k / dt)))
            u = np.zeros(2 * grid_)
            u[:m] = 1.0 / m
            phi = np.fft.rfft(u)
            cf = (1 - rho) / (1 - rho * phi)
            if blend > 0:
                cf = (1 - blend) * cf + blend * _closed_wait_cf(phi, m, n_k, m_int, 2 * grid_)
            total *= cf
        cdf = np.cumsum(np.fft.irfft(total, 2 * grid_))
        out[i] = fixed + np.searchsorted(cdf, q) * dt
    return out


def read_interference(params: dict, write_iops, write_size=4096.0, quantiles=(0.99, 0.999), suspend=None, waf=None):
    """Extra read latency from programs and erases on the same die, with and without suspend [s].

    Host writes of ``write_size`` bytes at ``write_iops`` (random, so each
    programs ``write_size x WAF`` bytes, garbage collection included) keep
    each die programming a share ``U_p = rate x WAF x size / (dies x one-shot
    program bytes) x tPROG`` of the time and erasing ``U_e`` (same with the
    block bytes and tBERS), and reads for garbage collection (relocation,
    read-modify-write, SLC folding: the rest of the drive model's die time per
    write, page reads of tR each) a share ``U_r``. Reads go ahead of queued programs (read-priority
    scheduling) but not of the operation in progress, so a read arriving at a
    random moment (Poisson arrivals see time averages) waits

    * without suspend: the residual of the program (uniform on [0, tPROG])
      with probability U_p, of the erase with probability U_e:
      mean ``U_p tPROG / 2 + U_e tBERS / 2 + U_r tR / 2``,
      ``P(wait > t) = U_p (1 - t/tPROG)+ + U_e (1 - t/tBERS)+ + U_r (1 - t/tR)+``;
    * with suspend: the time to suspend instead, ``suspend = (program,
      erase)`` seconds (MQSim's defaults: 100 us and 700 us, ssd_modeling.md
      §1.1): mean ``U_p t_sp + U_e t_se + U_r tR / 2`` (a background read is
      not suspended).

    Parameters
    ----------
    params : dict
        Drive parameters.
    write_iops : float or array-like or xarray.DataArray
        Host write rate [1/s].
    write_size : float
        Host write size [B].
    quantiles : sequence of float
        Percentiles of the added wait to report.
    suspend : (float, float), optional
        Program and erase suspend latency [s]; None: no suspend.
    waf : float or array-like, optional
        Write amplification of the writes [1]; default the drive model's for
        uniform random writes of `write_size` (1 for writes of a whole IU or more
        that are sequential is the caller's to pass).

    Returns
    -------
    xarray.Dataset
        ``program_busy``, ``erase_busy``, ``gc_read_busy`` [1] (per read server), ``channel_busy`` [1],
        ``channel_transfer`` [s] (one page on a channel: the unit write data moves in),
        ``write_power`` [W] (the writes' power over idle), ``mean_wait`` [s]
        (at the die) and ``wait_q<percent>`` [s] for each quantile (at the die).
    """
    from linkmodel.ssd import drive

    wds = drive.evaluate(params, drive.Workload("w", float(write_size), 0.0, True))
    waf_given = waf is not None
    if not waf_given:
        waf = np.asarray(wds.waf, dtype=float)
    a, kind = unpack(
        write_iops=write_iops,
        waf=waf,
        **{
            k: params[k]
            for k in (
                "dies",
                "planes",
                "page_size",
                "bits_per_cell",
                "t_prog",
                "t_erase",
                "block_pages",
                "channel_rate",
                "spare_fraction",
            )
        },
    )
    check_range("write_iops", a["write_iops"], lo=0, unit="1/s")
    check_range("waf", a["waf"], lo=1)
    q = np.asarray(quantiles, dtype=float)
    check_range("quantiles", q, lo=0, lo_open=True, hi=1, hi_open=True)
    if suspend is not None:
        if len(suspend) != 2:
            raise ValueError("suspend: (program suspend latency, erase suspend latency) in seconds")
        check_range("suspend", np.asarray(suspend, dtype=float), lo=0, hi=1.0, unit="s")
    # die-seconds of programs and erases per host write, then the share of a die's time at the write rate
    written = float(write_size) * a["waf"]  # bytes programmed per host write
    prog_die = written / (a["planes"] * a["page_size"] * a["bits_per_cell"]) * a["t_prog"]
    erase_die = written / (a["planes"] * a["page_size"] * a["block_pages"]) * a["t_erase"]
    u_p = a["write_iops"] * prog_die / a["dies"]
    u_e = a["write_iops"] * erase_die / a["dies"]
    # background reads: with the drive's own WAF, the rest of a write's die time in the drive model (GC
    # relocation reads, read-modify-write reads, SLC folding); with a WAF given, GC relocation reads for it;
    # page reads of tR each on one read server (a die reads k planes at once, so die time is senses tR / k)
    if waf_given:
        senses = drive.gc_page_reads(
            float(write_size) * (a["waf"] - 1.0),
            a["waf"],
            a["page_size"],
            np.asarray(params["indirection_unit"], dtype=float),
        )
        bg_die = (
            senses
            * np.asarray(params["t_read"], dtype=float)
            / np.asarray(params["independent_plane_reads"], dtype=float)
        )
    else:
        # (less the one-shot data-in the cache latches cannot hide: the die waits on its channel then, and a
        # read can be sensed in the meantime)
        bg_die = np.maximum(
            np.asarray(wds.die_time, dtype=float) - np.asarray(wds.die_data_in, dtype=float) - prog_die - erase_die, 0.0
        )
    u_r = bg_die * a["write_iops"] / a["dies"]
    if np.any(u_p + u_e + u_r >= 1.0):
        raise ValueError(
            "write_iops: the dies would be busy programming and erasing all the time (program + "
            "erase share >= 1); lower the write rate"
        )
    t_p, t_e = a["t_prog"], a["t_erase"]
    # the writes' channel share (program data in, GC relocation data out, commands), moved a page at a time
    # (the controller interleaves reads' transfers between pages): a read's transfer may wait for one page
    ch_busy = a["write_iops"] / np.asarray(wds.ceiling_channels, dtype=float)
    page_transfer = a["page_size"] * (1.0 + a["spare_fraction"]) / a["channel_rate"]
    t_r = np.asarray(params["t_read"], dtype=float)
    if suspend is None:
        mean = u_p * t_p / 2 + u_e * t_e / 2
    else:
        mean = u_p * suspend[0] + u_e * suspend[1]
    mean = mean + u_r * t_r / 2  # a background read is short and not suspended
    # P(wait > t) = sum over the operations of share x (1 - t / T)+ for a residual uniform on [0, T], or
    # share x [t < t_suspend] for a suspended one: decreasing in t; each quantile by bisection
    ops = [(u_r, t_r, False)]
    if suspend is None:
        ops += [(u_p, t_p, False), (u_e, t_e, False)]
    else:
        ops += [(u_p, float(suspend[0]), True), (u_e, float(suspend[1]), True)]
    shape = np.broadcast_shapes(*(np.shape(u) for u, _, _ in ops), *(np.shape(t) for _, t, _ in ops))
    ops = [
        (np.broadcast_to(np.asarray(u, dtype=float), shape), np.broadcast_to(np.asarray(t, dtype=float), shape), point)
        for u, t, point in ops
    ]

    def exceed(t):
        return sum(u * ((t < t_op) if point else np.clip(1.0 - t / t_op, 0.0, None)) for u, t_op, point in ops)

    out = {}
    for qq in q:
        lo_t = np.zeros(shape)
        hi_t = np.max([t_op for _, t_op, _ in ops], axis=0) * np.ones(shape)
        for _ in range(60):
            mid = 0.5 * (lo_t + hi_t)
            above = exceed(mid) > 1.0 - qq
            lo_t, hi_t = np.where(above, mid, lo_t), np.where(above, hi_t, mid)
        out[qq] = np.where(exceed(np.zeros(shape)) <= 1.0 - qq, 0.0, hi_t)
    variables = {
        "write_power": (
            a["write_iops"] * np.asarray(wds.energy_per_io, dtype=float),
            "W",
            "power the writes add over the idle drive",
            False,
        ),
        "channel_busy": (ch_busy, "1", "share of channel time the writes take", False),
        "program_busy": (u_p, "1", "share of time a die programs", False),
        "erase_busy": (u_e, "1", "share of time a die erases", False),
        "gc_read_busy": (
            u_r,
            "1",
            "share of time a read server senses for garbage collection, read-modify-write or SLC folding",
            False,
        ),
        "mean_wait": (mean, "s", "mean added read wait", False),
        "channel_transfer": (
            page_transfer,
            "s",
            "one page's transfer on a channel, the unit the writes' data moves in (a read's transfer may wait for one)",
            False,
        ),
    }
    for qq, t in out.items():
        variables[f"wait_q{qq * 100:g}"] = (t, "s", f"{qq:.4g} quantile of the added read wait", False)
    attrs = {
        "model": "linkmodel.ssd.latency.read_interference",
        "suspend": "none" if suspend is None else f"{suspend[0]:g} s, {suspend[1]:g} s",
    }
    if (
        np.ndim(t_p) == 0 and np.ndim(t_e) == 0 and np.ndim(t_r) == 0
    ):  # for tail(): the operation times of a scalar drive
        attrs.update(t_prog=float(t_p), t_erase=float(t_e), t_read=float(t_r))
        if suspend is not None:
            attrs.update(suspend_program=float(suspend[0]), suspend_erase=float(suspend[1]))
    return dataset(variables, kind, attrs=attrs)


def mixed_curve(
    params: dict,
    read_fraction,
    queue_depths=(1, 2, 4, 8, 16, 32, 64, 128, 256),
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

    from linkmodel.ssd import drive

    r = float(read_fraction)
    check_range("read_fraction", r, lo=0, lo_open=True, hi=1)
    bad = [k for k, v in params.items() if np.ndim(v)]
    if bad:
        raise ValueError(
            f"params: mixed_curve takes one drive (scalar parameters); {bad[0]} is an array (loop over the sweep)"
        )
    qds = np.asarray(queue_depths, dtype=int)
    if qds.ndim != 1 or qds.size == 0 or np.any(qds < 1):
        raise ValueError("queue_depths: a 1-D sequence of whole numbers >= 1")
    l_w = float(qd1(params, "write", size, path).total)
    ceiling = float(drive.evaluate(params, drive.Workload("mixed", float(size), r, True)).iops)
    w_ceiling = float(drive.evaluate(params, drive.Workload("w", float(size), 0.0, True)).iops)

    def reads(q_r, x_w):
        """Read throughput and latency at a (real) read population with writes at x_w alongside."""
        if q_r <= 0:
            return 0.0, float(qd1(params, "read", size, path).total)
        inter = read_interference(params, min(x_w, 0.999 * w_ceiling), size, suspend=suspend) if x_w > 0 else None
        lo, hi = max(1, int(np.floor(q_r))), max(1, int(np.ceil(q_r)))
        c = queue_depth_curve(params, "read", sorted({lo, hi}), size, path, interference=inter, writes_yield=True)
        lat = np.interp(q_r, c.queue_depth.values.astype(float), c.latency.values)
        return q_r / lat, float(lat)

    out = {k: np.empty(qds.size) for k in ("iops", "latency", "read_latency", "write_latency", "reads_in_flight")}
    for i, q in enumerate(qds):
        if r == 1.0:
            q_r = float(q)
            x_r, l_r = reads(q_r, 0.0)
            x_w = 0.0
        else:
            lo, hi = 0.0, float(q)
            for _ in range(30):
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
            for _ in range(40):
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
            "model": "linkmodel.ssd.latency.mixed_curve",
            "read_fraction": r,
            "size": float(size),
            "ceiling": ceiling,
        },
    )
