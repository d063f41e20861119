"""QD1 latency of one random I/O: the host path, the controller and one NAND access, step by step.

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

A UFS device (``link_family`` 1: phones) has its own host side
(:mod:`linkmodel.ssd.ufspath`: driver, host controller, COMMAND / DATA /
RESPONSE UPIUs on the M-PHY link) around the same device steps; :func:`qd1`
computes each family where a sweep has it and picks per drive.

Link crossings come from :func:`linkmodel.pcie.latency.breakdown` (flit
alignment, serialization, accumulation) plus a per-crossing port latency
(PHY and controller pipelines at both ends). The host and controller terms
are shared defaults, labelled assumptions with their bases
(:data:`DEFAULTS`); a part or a study overrides them through
:class:`HostPath`. The named constants below (:data:`POLLING_HOST_COMPLETE`,
:data:`DEFAULT_SUSPEND`, :data:`MAPPING_READ_BYTES`) carry their bases too.

All SI (s, B, 1/s); every function broadcasts over the drive parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, get_args

import numpy as np

from linkmodel._array import check_choice, check_range, dataset, unpack
from linkmodel._typing import StorageIo, WriteAck
from linkmodel.pcie import latency as _pcie_latency
from linkmodel.ssd import drive, mapping, nand, ufspath
from linkmodel.ssd.mapping import MAPPING_READ_BYTES
from linkmodel.ssd.params import check_link_family
from linkmodel.ssd.queueing import check_page_types
from linkmodel.ssd.stages import _PCIE_STANDIN, _UFS_STANDIN
from linkmodel.units import us

__all__ = [
    "DEFAULTS",
    "DEFAULT_PATH",
    "DEFAULT_SUSPEND",
    "IOS",
    "MAPPING_READ_BYTES",
    "MQSIM_SUSPEND",
    "POLLING_HOST_COMPLETE",
    "STEPS",
    "HostPath",
    "qd1",
    "sustained_qd1",
]


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
    mapping_miss : float or None
        Share of reads whose mapping entry is not cached [1] (each then reads a
        mapping page first: tR + transfer). None (the default): the drive's own,
        from its ``mapping_cache`` and the reads' ``read_span``
        (:func:`linkmodel.ssd.mapping.miss_probability`: 0 for a drive holding its
        whole table).
    interrupts : bool
        MSI-X per completion (False: the host polls the CQ). PCIe only: a UFS
        completion is ``ufs_host_complete`` (set it for a polled MCQ queue).
    write_ack : {"buffer", "through"}
        Acknowledge writes from the power-loss-protected buffer or after the program.
    ufs_host_submit, ufs_host_complete : float
        A UFS host's driver from the call to the doorbell (or MCQ SQ tail), and
        from the completion interrupt to the application [s].
    ufs_port_latency : float
        M-PHY burst entry + UniPro and UTP pipelines of one UFS link crossing, both ends [s].
    """

    host_submit: float = 1.0e-6
    host_complete: float = 1.5e-6
    port_latency: float = 0.15e-6
    host_memory: float = 0.5e-6
    firmware_read: float = 5.0e-6
    firmware_write: float = 5.0e-6
    ecc_decode: float = 1.0e-6
    buffer_write: float = 0.5e-6
    mapping_miss: float | None = None
    interrupts: bool = True
    write_ack: WriteAck = "buffer"
    ufs_host_submit: float = 2.0e-6
    ufs_host_complete: float = 2.0e-6
    ufs_port_latency: float = 0.5e-6

    def __post_init__(self):
        for f in fields(self):
            if f.name in ("interrupts", "write_ack"):
                continue
            v = getattr(self, f.name)
            if f.name == "mapping_miss" and v is None:
                continue
            if f.name == "mapping_miss":
                check_range(f.name, v, lo=0, hi=1)
            else:
                check_range(f.name, v, lo=0, hi=1e-2, unit="s")
        if not isinstance(self.interrupts, bool):
            raise ValueError(f"interrupts: must be True or False, got {self.interrupts!r}")
        check_choice("write_ack", self.write_ack, get_args(WriteAck))


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
    "mapping_miss": "default: the drive's own, from its mapping cache and the reads' span (linkmodel.ssd.mapping; "
    "ASSUMPTION: uniform random reads, LRU): 0 where the whole table is held (drives with DRAM: 1 B per 1 KB of "
    "NAND, ssd_modeling.md §3.4); a DRAM-less drive misses where the span exceeds what its HMB or SRAM maps",
    "interrupts": "default MSI-X per completion (the NVMe default: coalescing off)",
    "write_ack": "default: acknowledged from the power-loss-protected buffer (enterprise drives have PLP; "
    "datasheet write latencies of 10-25 us are far below any tPROG)",
    "ufs_host_submit": "ASSUMPTION: 2 us on a phone from the call through the block layer, SCSI midlayer and "
    "ufshcd (UTRD, command UPIU and PRDT built, doorbell written); no per-term figure is published. Bound: 4 KiB "
    "random reads reach ~1 GB/s from one 3.3 GHz big core and ~760 MB/s from a 2.2 GHz little core "
    "(edge_inference.md §2.1 [S]): if that core binds, submit + complete take 4096 B / 1 GB/s = 4.1 us of it "
    "(5.4 us on the little core); split evenly. Plausible 1-4 us (NVMe's 1 us on a server core at the low end)",
    "ufs_host_complete": "ASSUMPTION: 2 us from the host controller's interrupt (on the SoC: delivery included) "
    "through ufshcd's completion and the block layer to the application; the other half of the 4.1 us bound of "
    "ufs_host_submit. Plausible 1-4 us",
    "ufs_port_latency": "ASSUMPTION: 0.5 us per UFS link crossing: M-PHY burst entry from STALL (PREPARE + SYNC), "
    "the UniPro layers at both ends (a frame is checked by its CRC before delivery) and the UTP engines; on top "
    "of the byte-exact serialization of linkmodel.ufs.latency. No figure published (M-PHY timing attributes are "
    "per device). Plausible 0.2-1.5 us. Exit from HIBERN8 (after an idle timer of milliseconds) is not modelled",
}

DEFAULT_PATH = HostPath()
IOS: tuple[str, ...] = get_args(StorageIo)

#: Host completion path when the host polls the CQ instead of taking an MSI-X [s].
#: ASSUMPTION: 0.3 us. Basis: a polling thread (SPDK, io_uring IOPOLL) sees the CQE within one pass of its
#: poll loop and returns to the caller on the same core, with no interrupt entry, CQ handler or wake-up,
#: which are most of the 1.5 us of DEFAULTS["host_complete"]; a poll-loop pass and a cache-line miss on the
#: CQE are each of order 0.1 us. Plausible range 0.1-1 us. (The YMTC PE522's "as low as 5 us" write fits
#: only with such a path: tests/ssd/test_hostpath.py.)
POLLING_HOST_COMPLETE = 0.3e-6

#: MQSim's default program and erase suspend latencies [s] (ssd_modeling.md §1.1 ssdconfig.xml, §9 #21):
#: an MLC-era simulator configuration, the upper end of what a suspend takes.
MQSIM_SUSPEND = (100 * us, 700 * us)

#: Program and erase suspend latency the CLI and the notebook show beside no suspend [s].
#: ASSUMPTION: 20 us and 100 us. Basis: a suspend takes effect at the end of the program pulse / verify
#: step or the erase pulse in progress, which a modern die keeps short so reads can get in; no 3D NAND
#: datasheet in the reference corpus gives the figure (nand_dies.md lists program suspend/resume without
#: one), and MQSim's 100 us / 700 us (:data:`MQSIM_SUSPEND`, ssd_modeling.md §4.2 "~100 us / ~0.7 ms")
#: is the upper end. Plausible range: program 10-100 us, erase 50-700 us.
DEFAULT_SUSPEND = (20 * us, 100 * us)  # as the CLI parses '20us,100us'


#: The steps of :func:`qd1`, in order, with their long names.
STEPS = {
    "host_submit": "host software to the doorbell",
    "doorbell": "SQ tail doorbell (MWr)",
    "sqe_fetch": "command fetch (NVMe: SQE MRd, host memory, CplD; UFS: UTRD and command UPIU from DRAM)",
    "command": ufspath.STEPS["command"],
    "firmware": "controller firmware / FTL",
    "mapping": "mapping-table read on a cache miss (expected)",
    "nand_command": "NAND command cycles",
    "media": "array time (tR, or tPROG when written through)",
    "channel": "NAND channel transfer",
    "ecc": "ECC decode",
    "ready_to_transfer": ufspath.STEPS["ready_to_transfer"],
    "data_transfer": "data over the link (PCIe TLPs or UFS DATA IN/OUT UPIUs)",
    "buffer": "write into the protected buffer",
    "response": ufspath.STEPS["response"],
    "cqe": "completion entry (MWr)",
    "interrupt": "MSI-X (MWr)",
    "host_complete": "host completion path",
}

_QD1_INPUTS = (
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

#: inputs :func:`qd1` takes with a default where a parameter set lacks them (the DriveParams defaults; the user
#: capacity and mapping unit matter only with a finite mapping cache)
_QD1_OPTIONAL = {
    "link_family": 0.0,
    "mapping_cache": np.inf,
    "read_span": np.inf,
    "user_capacity": np.inf,
    "indirection_unit": 4096.0,
}


def _link(gen, lanes, mps, mrrs, nbytes, transfer, completer=0.0):
    """One link crossing of `nbytes` [B] (:func:`linkmodel.pcie.latency.breakdown`'s total) [s]."""
    return np.asarray(
        _pcie_latency.breakdown(
            gen, lanes, nbytes, mps, transfer=transfer, mrrs=mrrs, completer_latency=completer
        ).total.values,
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


def _miss(a):
    """The drive's own share of reads missing its mapping cache [1] (:func:`linkmodel.ssd.mapping.miss_share`)."""
    return mapping.miss_share(a["mapping_cache"], a["read_span"], a["user_capacity"], a["indirection_unit"])


def _media_steps(steps, io, a, p, z, page_types):
    """The device's steps of :func:`qd1`, either link family: firmware, mapping, NAND, ECC, buffer (in place) [s]."""
    s = a["size"]
    ch_rate = a["channel_rate"] * 1.0
    pages = np.ceil(s / a["page_size"])
    xfer = nand.channel_time(s, ch_rate, a["spare_fraction"], 0.0, 0.0)  # data out; commands are their own step
    if io == "read":
        steps["firmware"] = z + p.firmware_read
        page_xfer = nand.channel_time(
            np.minimum(a["page_size"], MAPPING_READ_BYTES), ch_rate, a["spare_fraction"], 0.0, 0.0
        )
        miss = _miss(a) if p.mapping_miss is None else p.mapping_miss
        steps["mapping"] = z + miss * (a["command_time"] + a["t_read"] + page_xfer + p.ecc_decode)
        steps["nand_command"] = pages * a["command_time"] + z
        f = check_page_types(page_types)
        steps["media"] = a["t_read"] * (1.0 if f is None else float(f.mean())) + z
        steps["channel"] = xfer + z
        steps["ecc"] = z + p.ecc_decode
    else:
        steps["firmware"] = z + p.firmware_write
        steps["buffer"] = z + p.buffer_write
        if p.write_ack == "through":
            steps["nand_command"] = pages * a["command_time"] + z
            steps["channel"] = xfer + z
            steps["media"] = a["t_prog"] + z


def _pcie_steps(io, gen, lanes, a, p, z):
    """The NVMe host and PCIe link steps of :func:`qd1` [s]: doorbell, SQE, data TLPs, CQE, MSI-X, host."""
    mps, mrrs, port = a["mps"], a["mrrs"], p.port_latency
    steps = {
        "host_submit": z + p.host_submit,
        "doorbell": _link(gen, lanes, mps, mrrs, 4, "write") + port,
        "sqe_fetch": _link(gen, lanes, mps, mrrs, 64, "read", p.host_memory) + 2 * port,
        "cqe": _link(gen, lanes, mps, mrrs, 16, "write") + port,
        "interrupt": (_link(gen, lanes, mps, mrrs, 4, "write") + port) if p.interrupts else z,
        "host_complete": z + p.host_complete,
    }
    if io == "read":
        steps["data_transfer"] = _link(gen, lanes, mps, mrrs, a["size"], "write") + port
    else:
        steps["data_transfer"] = _link(gen, lanes, mps, mrrs, a["size"], "read", p.host_memory) + 2 * port
    return steps


def qd1(params: Mapping[str, Any], io: StorageIo = "read", size=4096.0, path: HostPath = DEFAULT_PATH, page_types=None):
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
        ``command``, ``firmware``, ``mapping``, ``nand_command``, ``media``,
        ``channel``, ``ecc``, ``ready_to_transfer``, ``data_transfer``,
        ``buffer``, ``response``, ``cqe``, ``interrupt``, ``host_complete``;
        :data:`STEPS`) and ``total`` [s]; steps that do not apply are 0 (a
        UFS drive, ``link_family`` 1, has no doorbell, CQE or MSI-X step, a
        PCIe drive no command, RTT or response UPIU: :mod:`linkmodel.ssd.ufspath`).
    """
    check_choice("io", io, IOS)
    optional = {k: params.get(k, v) for k, v in _QD1_OPTIONAL.items()}  # parameter sets written before these
    # host-path terms may vary too (e.g. a controller's firmware times over draws): they join the same frame
    varying = {f.name: v for f in fields(path) if np.ndim(v := getattr(path, f.name)) > 0}
    a, kind = unpack(
        **{k: params[k] for k in _QD1_INPUTS}, **optional, size=size, **{f"path:{k}": varying[k] for k in varying}
    )
    path = replace(path, **{k: a.pop(f"path:{k}") for k in varying})
    check_range("size", a["size"], lo=0, lo_open=True, unit="B")
    check_link_family(a["link_family"])
    _check_one_die(a["size"], params)
    z = np.zeros(kind.shape)
    steps = dict.fromkeys(STEPS, z)
    _media_steps(steps, io, a, path, z, page_types)
    ufs = np.asarray(a["link_family"]) == 1.0
    families = []  # (where, the family's host and link steps)
    if not np.all(ufs):
        g, n = (np.where(ufs, _PCIE_STANDIN[k], a[k]) if np.any(ufs) else a[k] for k in ("gen", "lanes"))
        families.append((~ufs, _pcie_steps(io, g, n, a, path, z)))
    if np.any(ufs):
        g, n = (np.where(ufs, a[k], _UFS_STANDIN[k]) for k in ("gen", "lanes"))
        families.append((ufs, ufspath.link_steps(io, g, n, a["size"], path, z)))
    for k in {k for _, fam in families for k in fam}:
        if len(families) == 1:
            steps[k] = families[0][1][k] + z
        else:
            (m0, f0), (_, f1) = families
            steps[k] = np.where(m0, f0.get(k, z), f1.get(k, z)) + z
    total = sum(steps.values())
    variables: dict[str, tuple] = {k: (v, "s", STEPS[k], False) for k, v in steps.items()}
    variables["total"] = (total, "s", f"QD1 {io} latency", False)
    return dataset(
        variables,
        kind,
        attrs={"model": "linkmodel.ssd.hostpath.qd1", "io": io, "write_ack": path.write_ack if io == "write" else ""},
    )


def sustained_qd1(
    params: Mapping[str, Any], io: StorageIo = "read", size=4096.0, path: HostPath = DEFAULT_PATH, page_types=None
):
    """QD1 latency at steady state [s]: the breakdown's total, or for writes the buffer drain if slower.

    A QD1 write loop at steady state cannot complete writes faster than the
    buffer drains: ``max(L1, 1 / write ceiling)``. Vendors measure QD1
    latency at steady state (after preconditioning), so this is what
    :mod:`linkmodel.studies.validate` compares with.

    Returns
    -------
    (latency, drain_bound) : (array [s], bool array)
    """
    l1 = np.asarray(qd1(params, io, size, path, page_types).total, dtype=float)
    if io == "read":
        return l1, np.zeros(l1.shape, dtype=bool)
    ceiling = np.asarray(drive.evaluate(params, drive.Workload("rand_write", float(size), 0.0, True)).iops, dtype=float)
    return np.maximum(l1, 1.0 / ceiling), 1.0 / ceiling > l1
