"""NVMe command traffic on the PCIe link, per I/O.

Besides the data, every NVMe I/O moves command traffic over the link
(NVMe over PCIe, device-initiated DMA):

====================  =========  ==============================================
traffic               direction  TLPs
====================  =========  ==============================================
SQ tail doorbell      down       host MWr, 4 B, once per ``doorbell_batch`` commands
SQE fetch             up / down  device MRd, host CplD with 64 B per command,
                                 ``sqe_batch`` SQEs fetched together (one MRd
                                 per MRRS bytes)
PRP list fetch        up / down  for transfers spanning more than two memory
                                 pages: 8 B per further page, read with one
                                 MRd per MRRS bytes (and per 4 KiB list page)
CQE post              up         device MWr, 16 B per command,
                                 ``cqe_batch`` CQEs coalesced per TLP
MSI-X interrupt       up         device MWr, 4 B, once per ``irq_coalesce`` completions
                                 (0 = polled, no interrupts)
CQ head doorbell      down       host MWr, 4 B, once per ``doorbell_batch`` completions
====================  =========  ==============================================

Sizes: submission queue entry 64 B, completion queue entry 16 B, doorbells
are 32-bit registers [NVMe Base Specification §4.2, §4.6; Microsoft nvme.h
documentation]; PRP entries are 8 B, PRP1/PRP2 in the SQE cover up to two
memory pages, beyond that PRP2 points to a PRP list [NVMe §4.1.1; nvme.h
NVME_PRP_ENTRY]; an MSI-X message is a 1-DW memory write [PCIe MSI-X
capability]. SGL data blocks are 16-byte descriptors [NVMe §4.1.2].

Defaults (each a parameter): one doorbell, one SQE fetch, one CQE TLP and one
interrupt per command - the NVMe defaults (interrupt coalescing off,
aggregation threshold 0) and the conservative end; batched submission
(io_uring, SPDK) and polling lower the overhead.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import get_args

import numpy as np

from linkmodel._array import check_bool, check_choice, check_range, pack, unpack
from linkmodel._typing import (
    ArrayLike,
    Clocking,
    CompletionCredits,
    CompletionSplit,
    DataPointer,
    DllpPolicy,
    NvmeIo,
    Packing,
    Replay,
)
from linkmodel.pcie import framing as _framing
from linkmodel.pcie import transactions as _tx
from linkmodel.pcie.budget import DEFAULT_REPLAY_ROUND_TRIP, DEFAULT_ROUND_TRIP, link

__all__ = [
    "CQE_BYTES",
    "DATA_POINTERS",
    "DOORBELL_BYTES",
    "IOS",
    "MEMORY_PAGE",
    "MSIX_BYTES",
    "PRP_ENTRY_BYTES",
    "SGL_DESCRIPTOR_BYTES",
    "SQE_BYTES",
    "LinkOptions",
    "command_traffic",
    "io_link_ceiling",
]

SQE_BYTES = 64
CQE_BYTES = 16
DOORBELL_BYTES = 4
MSIX_BYTES = 4
PRP_ENTRY_BYTES = 8
SGL_DESCRIPTOR_BYTES = 16
MEMORY_PAGE = 4096  # CC.MPS = 0: 4 KiB host memory pages (the common setting)
DATA_POINTERS: tuple[DataPointer, ...] = get_args(DataPointer)
IOS: tuple[NvmeIo, ...] = get_args(NvmeIo)


def _command_traffic(size, sqe_batch, cqe_batch, irq_coalesce, doorbell_batch, h_req, h_cpl, pointer, page, rcb, mrrs):
    """Per-command side-band (tlps, bytes) upstream and downstream."""
    pages = np.ceil(size / page)
    if pointer == "prp":
        list_bytes = np.where(pages > 2, (pages - 1) * PRP_ENTRY_BYTES, 0.0)
    else:  # one SGL segment of data-block descriptors beyond the one in the SQE
        list_bytes = np.where(pages > 1, pages * SGL_DESCRIPTOR_BYTES, 0.0)
    # a read request carries at most MRRS bytes and may not cross a 4 KiB boundary (lists and queues are
    # page-aligned, so a page-sized chunk never straddles one) [PCIe §2.2.7, §7.5.3.4]
    req = np.minimum(mrrs, MEMORY_PAGE)
    list_reads = np.ceil(list_bytes / req)
    list_cpls = np.ceil(list_bytes / np.minimum(rcb, req))
    sqe_reads = np.ceil(sqe_batch * SQE_BYTES / req) / sqe_batch
    sqe_cpls = np.ceil(sqe_batch * SQE_BYTES / np.minimum(rcb, req)) / sqe_batch
    irq = np.where(irq_coalesce > 0, 1.0 / np.where(irq_coalesce > 0, irq_coalesce, 1.0), 0.0)
    up_tlps = sqe_reads + list_reads + 1.0 / cqe_batch + irq
    up_bytes = sqe_reads * h_req + list_reads * h_req + CQE_BYTES + h_req / cqe_batch + irq * (MSIX_BYTES + h_req)
    down_tlps = sqe_cpls + list_cpls + 2.0 / doorbell_batch
    down_bytes = (
        SQE_BYTES + sqe_cpls * h_cpl + list_bytes + list_cpls * h_cpl + 2.0 * (DOORBELL_BYTES + h_req) / doorbell_batch
    )
    return up_tlps, up_bytes, down_tlps, down_bytes


def command_traffic(
    size: ArrayLike,
    *,
    sqe_batch: ArrayLike = 1,
    cqe_batch: ArrayLike = 1,
    irq_coalesce: ArrayLike = 1,
    doorbell_batch: ArrayLike = 1,
    addressing: ArrayLike = 64,
    data_pointer: DataPointer = "prp",
    completion_unit: ArrayLike = 256,
    mrrs: ArrayLike = 512,
    ecrc: ArrayLike = False,
):
    """Side-band TLPs and bytes per NVMe I/O, per link direction.

    Parameters
    ----------
    size : float or array-like or xarray.DataArray
        Data bytes per I/O [B].
    sqe_batch : float or array-like
        SQEs fetched per read request [1] (>= 1).
    cqe_batch : float or array-like
        CQEs written per memory-write TLP [1] (>= 1).
    irq_coalesce : float or array-like
        Completions per MSI-X interrupt [1]: 0 = polled completion queues,
        else >= 1.
    doorbell_batch : float or array-like
        Commands per SQ-tail doorbell, and completions per CQ-head doorbell [1].
    addressing : {32, 64}
        Address width of the TLPs [bit] (4DW headers for 64).
    data_pointer : {"prp", "sgl"}
        How the command describes its data buffer.
    completion_unit : float or array-like
        Largest completion the host returns for SQE and PRP-list reads [B]
        (its MPS, or its RCB if it splits at every RCB).
    mrrs : float or array-like
        The device's Max_Read_Request_Size [B]: SQE batches and PRP lists
        longer than this take several read requests.
    ecrc : bool or array-like
        End-to-end CRC: 4 more bytes on every TLP.

    Returns
    -------
    (up_tlps, up_bytes, down_tlps, down_bytes) : tuple, broadcast kind of the inputs
        TLPs [1] and header + payload bytes [B] per I/O; add per-TLP framing
        for the link mode (the link model does).

    Raises
    ------
    ValueError
        One line naming the parameter and what is allowed.
    """
    check_choice("data_pointer", data_pointer, DATA_POINTERS)
    a, k = unpack(
        size=size,
        sqe_batch=sqe_batch,
        cqe_batch=cqe_batch,
        irq_coalesce=irq_coalesce,
        doorbell_batch=doorbell_batch,
        addressing=addressing,
        completion_unit=completion_unit,
        mrrs=mrrs,
        ecrc=ecrc,
    )
    check_range("size", a["size"], lo=1, unit="B")
    for name in ("sqe_batch", "cqe_batch", "doorbell_batch"):
        check_range(name, a[name], lo=1)
    check_range("irq_coalesce", a["irq_coalesce"], lo=0)
    irq = np.asarray(a["irq_coalesce"])
    if np.any((irq > 0) & (irq < 1)):
        bad = irq[(irq > 0) & (irq < 1)].flat[0]
        raise ValueError(f"irq_coalesce: {bad:g} not allowed; allowed: 0 (polled) or >= 1 completions per interrupt")
    check_range("completion_unit", a["completion_unit"], lo=64, unit="B")
    _framing.check_addressing(a["addressing"])
    mrrs_ = _tx.check_mrrs(a["mrrs"])
    ecrc = check_bool("ecrc", a["ecrc"])
    h_req = _framing.request_header_kernel(a["addressing"], ecrc)
    out = _command_traffic(
        a["size"],
        a["sqe_batch"],
        a["cqe_batch"],
        a["irq_coalesce"],
        a["doorbell_batch"],
        h_req,
        _framing.completion_header_kernel(ecrc),
        data_pointer,
        MEMORY_PAGE,
        a["completion_unit"],
        mrrs_,
    )
    names = ("up_tlps", "up_bytes", "down_tlps", "down_bytes")
    units = ("1", "B", "1", "B")
    return tuple(pack(x, k, n, u) for x, n, u in zip(out, names, units, strict=True))


@dataclass(frozen=True)
class LinkOptions:
    """How the NVMe driver and the PCIe link run, for :func:`io_link_ceiling`.

    Every field has the default of :func:`command_traffic` or
    :func:`linkmodel.pcie.link`; numeric fields broadcast like any model input
    (a number, a numpy array or an xarray DataArray). Change a few with
    ``LinkOptions(tag_bits=14)`` or ``dataclasses.replace(options, ...)``.

    Attributes
    ----------
    sqe_batch, cqe_batch, irq_coalesce, doorbell_batch : float or array-like
        NVMe batching [1]: SQEs per fetch, CQEs per TLP, completions per
        MSI-X interrupt (0 = polled), commands per doorbell. Default 1 each
        (the NVMe defaults; see :func:`command_traffic`).
    data_pointer : {"prp", "sgl"}
        How the command describes its data buffer.
    rcb : {64, 128} or array-like
        Read Completion Boundary [B].
    offset : float or array-like
        Start address of the data modulo 4 KiB [B].
    addressing : {32, 64} or array-like
        Address width of the TLPs [bit].
    ecrc : bool or array-like
        ECRC digest on every TLP.
    flit : bool or array-like, optional
        Flit mode; default the generation's rule.
    clocking, dllp_policy, completion_split, completion_credits, packing, replay : str
        As in :func:`linkmodel.pcie.link`.
    flit_error_rate, bit_error_rate : float or array-like, optional
        Flit replay probability [1] and (first-)bit error rate [1]; default
        the generation's targets (see :func:`linkmodel.pcie.link`).
    replay_round_trip : float or array-like
        Time to learn of a failed flit or TLP [s].
    tag_bits : {5, 8, 10, 14} or array-like
        Requester tag width.
    round_trip : float or array-like
        Read request round trip [s]; 0 disables the tag ceiling.
    outstanding : float or array-like, optional
        The device's own limit on outstanding reads [1].
    """

    sqe_batch: ArrayLike = 1
    cqe_batch: ArrayLike = 1
    irq_coalesce: ArrayLike = 1
    doorbell_batch: ArrayLike = 1
    data_pointer: DataPointer = "prp"
    rcb: ArrayLike = 64
    offset: ArrayLike = 0
    addressing: ArrayLike = 64
    ecrc: ArrayLike = False
    flit: ArrayLike | None = None
    clocking: Clocking = "common"
    dllp_policy: DllpPolicy = "spec"
    completion_split: CompletionSplit = "mps"
    completion_credits: CompletionCredits = "infinite"
    packing: Packing = "continuous"
    replay: Replay = "go_back_n"
    flit_error_rate: ArrayLike | None = None
    bit_error_rate: ArrayLike | None = None
    replay_round_trip: ArrayLike = DEFAULT_REPLAY_ROUND_TRIP
    tag_bits: ArrayLike = 10
    round_trip: ArrayLike = DEFAULT_ROUND_TRIP
    outstanding: ArrayLike | None = None

    def command_kwargs(self) -> dict:
        """The fields :func:`command_traffic` takes (the NVMe batching and data pointer)."""
        return {name: getattr(self, name) for name in _COMMAND_FIELDS}

    def link_kwargs(self) -> dict:
        """The fields :func:`linkmodel.pcie.link` takes (every other field)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in _COMMAND_FIELDS}


_COMMAND_FIELDS = ("sqe_batch", "cqe_batch", "irq_coalesce", "doorbell_batch", "data_pointer")
_OPTION_NAMES = tuple(f.name for f in dataclasses.fields(LinkOptions))


def io_link_ceiling(
    gen: ArrayLike,
    lanes: ArrayLike,
    size: ArrayLike,
    mps: ArrayLike = 256,
    *,
    io: NvmeIo = "read",
    read_fraction: ArrayLike | None = None,
    mrrs: ArrayLike = 512,
    options: LinkOptions | None = None,
):
    """IOPS ceiling the PCIe link sets for NVMe I/Os of a given size and direction.

    An SSD *read* moves its data upstream as device memory writes (MWr); an SSD
    *write* makes the device read host memory (MRd upstream, CplD downstream).
    The command traffic of :func:`command_traffic` rides along.

    Parameters
    ----------
    gen, lanes : int or array-like or xarray.DataArray
        PCIe generation and width.
    size : float or array-like or xarray.DataArray
        Bytes per I/O [B].
    mps : int or array-like
        Max_Payload_Size [B].
    io : {"read", "write", "mixed"}
        SSD I/O direction; ``"mixed"`` needs `read_fraction`.
    read_fraction : float or array-like, optional
        Share of I/Os that are reads [1], 0..1; given, it sets the mix
        whatever `io` says.
    mrrs : int or array-like
        The device's Max_Read_Request_Size [B] (data reads, SQE and PRP-list
        fetches).
    options : LinkOptions, optional
        NVMe batching and link options; default ``LinkOptions()``.

    Returns
    -------
    xarray.Dataset
        The link budget (see :func:`linkmodel.pcie.link`); ``transfer_rate``
        is the IOPS ceiling [1/s].

    Raises
    ------
    ValueError
        One line naming the parameter and what is allowed.
    """
    if options is not None and not isinstance(options, LinkOptions):
        raise ValueError(f"options: expected a LinkOptions (linkmodel.pcie.LinkOptions(...)), got {options!r}")
    opts = LinkOptions() if options is None else options
    _tx.check_mps(unpack(mps=mps)[0]["mps"])  # named here: it also becomes the completion unit below
    check_choice("io", io, IOS)
    if read_fraction is None:
        if io == "mixed":
            raise ValueError("read_fraction: required with io='mixed' (the share of I/Os that are reads, 0..1)")
        read_fraction = 1.0 if io == "read" else 0.0
    rf, _ = unpack(read_fraction=read_fraction)  # named in its own errors, before it becomes a write share
    check_range("read_fraction", rf["read_fraction"], lo=0, hi=1)
    unit = opts.rcb if opts.completion_split == "rcb" else mps
    up_t, up_b, down_t, down_b = command_traffic(
        size,
        **opts.command_kwargs(),
        addressing=opts.addressing,
        completion_unit=unit,
        mrrs=mrrs,
        ecrc=opts.ecrc,
    )
    return link(
        gen,
        lanes,
        size,
        mps,
        write_fraction=read_fraction,
        mrrs=mrrs,
        command_upstream_tlps=up_t,
        command_upstream_bytes=up_b,
        command_downstream_tlps=down_t,
        command_downstream_bytes=down_b,
        **opts.link_kwargs(),
    )
