"""Time on a UFS link of one UPIU and of a transfer's data UPIUs: the link's share of a QD1 latency.

A UPIU crosses the link as one UniPro message: its bytes, padded to 16-bit
symbols, in data-link frames of 8 B overhead each (:mod:`linkmodel.ufs.unipro`),
at the byte rate of the gear and lanes after 8b/10b (:mod:`linkmodel.ufs.mphy`).
The time here is that serialization, byte-exact like :mod:`linkmodel.ufs.budget`
(which charges the same wire bytes to throughput); the pipelines of the PHY
and UniPro layers at both ends are a per-crossing term of the caller
(:mod:`linkmodel.ssd.ufspath`). E.g. a 4 KiB read on UFS 4.0 (HS-G5B x2,
1144 B frames): one DATA IN UPIU of 32 + 4096 B in 4 frames, 4,160 wire bytes,
0.891878 us at 4,664,320,000 B/s; the 32 B COMMAND or RESPONSE UPIU, one frame
of 40 wire bytes, 8.576 ns. All inputs broadcast (numpy arrays); SI (B, s).
"""

from __future__ import annotations

import numpy as np

from linkmodel.ufs import mphy, unipro, utp
from linkmodel.ufs.budget import data_wire

__all__ = ["data_time", "upiu_time"]


def _frame_payload(gear, frame_payload):
    return unipro.default_frame_payload(gear) if frame_payload is None else np.asarray(frame_payload, dtype=float)


def upiu_time(gear, lanes, message_bytes, series="B", frame_payload=None):
    """Serialization time of one UPIU of ``message_bytes`` [B] on ``lanes`` lanes of M-PHY ``gear`` [s].

    ``unipro.wire_bytes(message, frame payload) / mphy.byte_rate(gear, lanes, series)``;
    the frame payload defaults to the gear's UniPro version (1144 B on HS-G5, else 288 B).
    """
    rate = np.asarray(mphy.byte_rate(gear, lanes, series), dtype=float)
    return unipro.wire_bytes(message_bytes, _frame_payload(gear, frame_payload)) / rate


def data_time(gear, lanes, size, data_upiu=utp.DEFAULT_DATA_UPIU, series="B", frame_payload=None):
    """Serialization time of the DATA IN/OUT UPIUs carrying ``size`` bytes [s].

    ``size`` [B] in UPIUs of ``data_upiu`` data bytes [B] (:func:`linkmodel.ufs.budget.data_wire`),
    over the byte rate of ``gear`` on ``lanes`` lanes [B/s].
    """
    rate = np.asarray(mphy.byte_rate(gear, lanes, series), dtype=float)
    wire, _ = data_wire(size, data_upiu, _frame_payload(gear, frame_payload))
    return wire / rate
