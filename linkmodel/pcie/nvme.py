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

import numpy as np

from linkmodel._array import check_bool, check_choice, check_range, pack, unpack
from linkmodel.pcie import framing as _framing

SQE_BYTES = 64
CQE_BYTES = 16
DOORBELL_BYTES = 4
MSIX_BYTES = 4
PRP_ENTRY_BYTES = 8
SGL_DESCRIPTOR_BYTES = 16
MEMORY_PAGE = 4096  # CC.MPS = 0: 4 KiB host memory pages (the common setting)
DATA_POINTERS = ("prp", "sgl")


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
    size,
    *,
    sqe_batch=1,
    cqe_batch=1,
    irq_coalesce=1,
    doorbell_batch=1,
    addressing=64,
    data_pointer="prp",
    completion_unit=256,
    mrrs=512,
    ecrc=False,
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
    from linkmodel.pcie import transactions as _tx

    mrrs_ = _tx.check_mrrs(a["mrrs"])
    ecrc_bytes = _framing.ECRC * check_bool("ecrc", a["ecrc"])
    h_req = np.where(a["addressing"] == 64, _framing.HEADER_MEM_64, _framing.HEADER_MEM_32) + ecrc_bytes
    out = _command_traffic(
        a["size"],
        a["sqe_batch"],
        a["cqe_batch"],
        a["irq_coalesce"],
        a["doorbell_batch"],
        h_req,
        _framing.HEADER_CPL + ecrc_bytes,
        data_pointer,
        MEMORY_PAGE,
        a["completion_unit"],
        mrrs_,
    )
    names = ("up_tlps", "up_bytes", "down_tlps", "down_bytes")
    units = ("1", "B", "1", "B")
    return tuple(pack(x, k, n, u) for x, n, u in zip(out, names, units))


def io_link_ceiling(
    gen,
    lanes,
    size,
    mps=256,
    *,
    io="read",
    read_fraction=None,
    sqe_batch=1,
    cqe_batch=1,
    irq_coalesce=1,
    doorbell_batch=1,
    data_pointer="prp",
    **link_kw,
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
        Share of I/Os that are reads [1] (overrides `io`).
    sqe_batch, cqe_batch, irq_coalesce, doorbell_batch, data_pointer
        See :func:`command_traffic`.
    **link_kw
        Passed to :func:`linkmodel.pcie.link` (e.g. ``mrrs``, ``tag_bits``,
        ``round_trip``, ``dllp_policy``).

    Returns
    -------
    xarray.Dataset
        The link budget (see :func:`linkmodel.pcie.link`); ``transfer_rate``
        is the IOPS ceiling [1/s].
    """
    from linkmodel.pcie import link

    if read_fraction is None:
        check_choice("io", io, ("read", "write"))
        read_fraction = 1.0 if io == "read" else 0.0
    unit = link_kw.get("rcb", 64) if link_kw.get("completion_split", "mps") == "rcb" else mps
    up_t, up_b, down_t, down_b = command_traffic(
        size,
        sqe_batch=sqe_batch,
        cqe_batch=cqe_batch,
        irq_coalesce=irq_coalesce,
        doorbell_batch=doorbell_batch,
        addressing=link_kw.get("addressing", 64),
        data_pointer=data_pointer,
        completion_unit=unit,
        mrrs=link_kw.get("mrrs", 512),
        ecrc=link_kw.get("ecrc", False),
    )
    return link(
        gen,
        lanes,
        size,
        mps,
        write_fraction=read_fraction,
        command_upstream_tlps=up_t,
        command_upstream_bytes=up_b,
        command_downstream_tlps=down_t,
        command_downstream_bytes=down_b,
        **link_kw,
    )
