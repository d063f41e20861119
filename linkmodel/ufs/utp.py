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
device uses is device-specific (UNCONFIRMED; 32 KiB in the dossier's example).
Sizes in bytes.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "COMMAND_UPIU",
    "DATA_UPIU_HEADER",
    "MAX_DATA_SEGMENT",
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


def data_upius(size, data_upiu):
    """DATA IN/OUT UPIUs of a transfer: ``(full UPIUs, bytes in the last one)`` [1], [B].

    ``size`` [B] is cut into segments of ``data_upiu`` [B]; the last one holds
    the remainder (a whole segment when ``size`` is a multiple).
    """
    s = np.asarray(size, dtype=float)
    d = np.asarray(data_upiu, dtype=float)
    n = np.ceil(s / d)
    return n - 1.0, s - (n - 1.0) * d
