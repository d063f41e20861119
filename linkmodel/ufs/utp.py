"""UFS Transport Protocol: the UPIUs one read or write puts on the link.

A read: a COMMAND UPIU host to device; the data in DATA IN UPIUs of at most
``data_upiu`` bytes each, then a RESPONSE UPIU, device to host. A write: the
COMMAND UPIU and the data in DATA OUT UPIUs host to device, each paced by a
READY_TO_TRANSFER (RTT) UPIU device to host, then the RESPONSE. Sizes
(edge_inference.md §1.4): basic UPIU header 12 B, COMMAND UPIU 32 B (12 B
header + 4 B expected length + 16 B CDB) [P] (Linux scsi_bsg_ufs.h);
DATA IN/OUT header 32 B (DERIVED from the 32-byte UPIU frame convention;
UNCONFIRMED); RESPONSE 32 B without sense data; RTT 32 B (ASSUMPTION: the same
convention, one RTT per DATA OUT UPIU). The data-segment length field is 16
bits, so a data UPIU carries at most 65,535 B [P] (ufs.h); the segment size a
device uses is device-specific (UNCONFIRMED; 32 KiB in the dossier's example:
:data:`DEFAULT_DATA_UPIU`). Queueing (edge_inference.md §1.5): the legacy
single doorbell has at most 32 outstanding requests (5-bit zero-based slot
field) [P]; MCQ (UFSHCI 4.0) at most 256 active commands (8-bit field) [P].
Sizes in bytes.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "COMMAND_UPIU",
    "DATA_UPIU_HEADER",
    "DEFAULT_DATA_UPIU",
    "LEGACY_SLOTS",
    "MAX_DATA_SEGMENT",
    "MCQ_MAX_ACTIVE",
    "RESPONSE_UPIU",
    "RTT_UPIU",
    "UPIU_HEADER",
    "data_upius",
]

UPIU_HEADER = 12
COMMAND_UPIU = 32
DATA_UPIU_HEADER = 32
RESPONSE_UPIU = 32
RTT_UPIU = 32
MAX_DATA_SEGMENT = 65535
#: data bytes per DATA IN/OUT UPIU where a device's is not known: 32 KiB, the dossier's worked example
#: (edge_inference.md §1.6; device-specific, UNCONFIRMED) [B]
DEFAULT_DATA_UPIU = 32768.0
#: outstanding requests of the legacy single doorbell: ufshci.h MASK_TRANSFER_REQUESTS_SLOTS 0x1F + 1 [P] (E14)
LEGACY_SLOTS = 32
#: active commands MCQ allows a host: 8-bit zero-based field, MASK_TRANSFER_REQUESTS_SLOTS_MCQ 0xFF + 1 [P] (E15)
MCQ_MAX_ACTIVE = 256


def data_upius(size, data_upiu):
    """DATA IN/OUT UPIUs of a transfer: ``(full UPIUs, bytes in the last one)`` [1], [B].

    ``size`` [B] is cut into segments of ``data_upiu`` [B]; the last one holds
    the remainder (a whole segment when ``size`` is a multiple).
    """
    s = np.asarray(size, dtype=float)
    d = np.asarray(data_upiu, dtype=float)
    n = np.ceil(s / d)
    return n - 1.0, s - (n - 1.0) * d
