"""UniPro framing: data-link frames and what each costs on the wire.

A UniPro data-link (L2) frame carries at most ``frame_payload`` bytes, of
which 2 are the network (L3) and transport (L4) short headers (1 B each,
UNCONFIRMED sizes), between a start-of-frame, an end-of-frame and a CRC
symbol of 2 bytes each: 6 B of data-link overhead per frame (Wikipedia
"UniPro protocol stack" §L2 data frames [S]; edge_inference.md §1.3). The
frame payload is 288 B (144 symbols) in UniPro v1.x [S] and 1144 B in v2.0
(MIPI: "L2 packet payload length from 272 to 1144" [P]; unit UNCONFIRMED).
Frame efficiency ``(P - 2) / (P + 6)``: 286/294 = 0.972789 (v1.x),
1142/1150 = 0.993043 (v2.0) (oracles E8, E9). Odd byte counts are padded to
whole 16-bit symbols. Flow-control (AFC) and error (NAC) frames travel the
other way and are not charged to the data direction. Sizes in bytes.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "DL_OVERHEAD",
    "FRAME_PAYLOAD",
    "HEADERS",
    "default_frame_payload",
    "frame_efficiency",
    "frame_overhead",
    "frames",
    "padded",
    "wire_bytes",
]

#: data-link overhead per frame: SOF, EOF and CRC symbols of 2 B each [B]
DL_OVERHEAD = 6
#: network + transport short headers per frame, 1 B each (UNCONFIRMED sizes) [B]
HEADERS = 2
#: largest data-link frame payload by UniPro version [B]
FRAME_PAYLOAD = {"1.8": 288, "2.0": 1144}


def default_frame_payload(gear) -> np.ndarray:
    """The frame payload of the UniPro version that comes with a gear [B]: 1144 (v2.0, HS-G5), else 288."""
    return np.where(np.asarray(gear) >= 5, FRAME_PAYLOAD["2.0"], FRAME_PAYLOAD["1.8"])


def frame_efficiency(frame_payload):
    """User bytes per wire byte of a full frame [1]: ``(P - 2) / (P + 6)``."""
    p = np.asarray(frame_payload, dtype=float)
    return (p - HEADERS) / (p + DL_OVERHEAD)


def padded(message_bytes):
    """A message's bytes padded to whole 16-bit symbols [B]."""
    return 2.0 * np.ceil(np.asarray(message_bytes, dtype=float) / 2.0)


def frames(message_bytes, frame_payload):
    """Frames that carry one UniPro message (one UPIU) [1]: ``ceil(padded(bytes) / (P - 2))``."""
    return np.ceil(padded(message_bytes) / (np.asarray(frame_payload, dtype=float) - HEADERS))


def frame_overhead(frames_):
    """Bytes the frames add: network/transport headers and data-link overhead, 8 B per frame [B]."""
    return np.asarray(frames_, dtype=float) * (HEADERS + DL_OVERHEAD)


def wire_bytes(message_bytes, frame_payload):
    """Bytes on the wire (before line coding) for one message: padded bytes + 8 B per frame [B]."""
    return padded(message_bytes) + frame_overhead(frames(message_bytes, frame_payload))
