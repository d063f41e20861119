"""The host side of a QD1 I/O on a UFS device (phones): driver, host controller, UPIUs on the link.

QD1 read (UTP over UniPro, edge_inference.md §1.4-1.5)::

    host driver submit (UTRD + command UPIU + PRDT built, doorbell or MCQ SQ tail written)
    -> host controller fetches the UTRD and the command UPIU from DRAM
    -> COMMAND UPIU host to device -> [device: firmware, NAND, ECC: linkmodel.ssd.hostpath]
    -> DATA IN UPIUs device to host -> RESPONSE UPIU -> completion interrupt + host driver

QD1 write: the command, the device's firmware, one READY_XFER (RTT) UPIU
device to host, the host controller's fetch of the data from DRAM, the DATA
OUT UPIUs, the buffer write (or the program), the RESPONSE and the completion.

The link terms are byte-exact serialization times from
:mod:`linkmodel.ufs.latency` (M-PHY gear and lanes, 8b/10b, UniPro frames,
UPIU headers) plus a per-crossing pipeline term; the host terms are
ASSUMPTIONS with their bases in :data:`linkmodel.ssd.hostpath.DEFAULTS`
(``ufs_*`` fields of :class:`~linkmodel.ssd.hostpath.HostPath`). The device
terms (firmware, mapping, NAND, ECC, buffer) are the PCIe path's own, called
by :func:`linkmodel.ssd.hostpath.qd1`, which dispatches on ``link_family``.

All SI (s, B); every function broadcasts (numpy arrays).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from linkmodel.ufs import latency as _ufs_latency
from linkmodel.ufs import utp

__all__ = ["QUEUE_DEPTH", "QUEUE_DEPTH_BASIS", "STEPS", "link_steps"]

#: Commands a UFS device holds in flight (the host's queue depth is capped there) [1].
#: ASSUMPTION: 32 for every bundled UFS part. Basis: the legacy single doorbell has 32 slots [P]
#: (:data:`linkmodel.ufs.utp.LEGACY_SLOTS`); UFS 4.0 hosts may run MCQ (UFSHCI 4.0, up to 256 active commands,
#: :data:`linkmodel.ufs.utp.MCQ_MAX_ACTIVE`) but Linux then uses min(host MAC, the device's bQueueDepth), and
#: neither Samsung nor Micron publishes bQueueDepth; mobile UFS devices are described as single-queue with a
#: depth "often quoted as 32" (edge_inference.md §1.5, UNCONFIRMED). Plausible range 32-256.
QUEUE_DEPTH = 32
QUEUE_DEPTH_BASIS = (
    "ASSUMPTION: a UFS device holds 32 commands (legacy doorbell, 32 slots [P]; with MCQ Linux uses min(host, "
    "device bQueueDepth), unpublished for these parts, commonly 32: edge_inference.md §1.5); plausible 32-256. "
    "Deeper host queues wait in the host's block layer"
)

#: The steps only the UFS path has (the rest are :data:`linkmodel.ssd.hostpath.STEPS`), with long names.
STEPS = {
    "command": "COMMAND UPIU over the link (UFS)",
    "ready_to_transfer": "READY_XFER (RTT) UPIU over the link (UFS writes)",
    "response": "RESPONSE UPIU over the link (UFS)",
}


def link_steps(io: str, gear, lanes, size, path: Any, zero) -> dict[str, np.ndarray]:
    """The host and link steps of one QD1 UFS I/O [s], keyed as :data:`linkmodel.ssd.hostpath.STEPS`.

    Parameters
    ----------
    io : {"read", "write"}
    gear, lanes : numpy.ndarray
        M-PHY high-speed gear (1-5) and lanes per direction (1-4).
    size : numpy.ndarray
        I/O size [B].
    path : HostPath
        Its ``ufs_host_submit``, ``ufs_host_complete``, ``ufs_port_latency`` and ``host_memory`` [s].
    zero : numpy.ndarray
        Zeros of the broadcast shape.

    Returns
    -------
    dict
        ``host_submit``, ``sqe_fetch`` (the host controller's two dependent DRAM reads: the UTRD, then the
        command UPIU it points to), ``command``, ``data_transfer`` (DATA IN/OUT UPIUs; writes add the host
        controller's DRAM read of the data), ``ready_to_transfer`` (writes), ``response``, ``host_complete``
        (interrupt delivery included: the host controller's interrupt line is on the SoC) [s].
    """
    port = path.ufs_port_latency
    data = _ufs_latency.data_time(gear, lanes, size) + port
    steps = {
        "host_submit": zero + path.ufs_host_submit,
        "sqe_fetch": zero + 2.0 * path.host_memory,
        "command": _ufs_latency.upiu_time(gear, lanes, utp.COMMAND_UPIU) + port + zero,
        "response": _ufs_latency.upiu_time(gear, lanes, utp.RESPONSE_UPIU) + port + zero,
        "host_complete": zero + path.ufs_host_complete,
    }
    if io == "read":
        steps["data_transfer"] = data + zero
    else:
        # ASSUMPTION: the device grants the transfer's RTTs at once (up to the host's outstanding-RTT limit,
        # ufs.h MASK_NUMBER_OUTSTANDING_RTT), so only the first RTT is on the critical path; the data's DRAM
        # read by the host controller streams after one host-memory latency
        steps["ready_to_transfer"] = _ufs_latency.upiu_time(gear, lanes, utp.RTT_UPIU) + port + zero
        steps["data_transfer"] = data + path.host_memory + zero
    return steps
