"""The UFS link budget: bytes on the wire per transfer in each direction, and the transfers per second.

Each direction has its own lanes (full duplex). For one transfer of ``size``
bytes, each UPIU (:mod:`linkmodel.ufs.utp`) is one UniPro message cut into
frames (:mod:`linkmodel.ufs.unipro`); the wire bytes of a direction, over its
byte rate after line coding (:mod:`linkmodel.ufs.mphy`), is its time per
transfer. The slower direction binds. Byte-exact against the dossier's worked
example (edge_inference.md §1.6): a 512 KiB read in 32 KiB DATA IN UPIUs is
539,560 wire bytes on UFS 3.1 (HS-G4B x2, 288 B frames) and 528,552 on UFS 4.0
(HS-G5B x2, 1144 B frames): payload ceilings 2.26615 and 4.62669 GB/s.

What the link does not capture (burst entry, markers, device internals) is
left to the drive: vendors' sequential figures sit at 0.908-0.93 of these
ceilings. All inputs broadcast; SI units (B, B/s, s, 1/s).
"""

from __future__ import annotations

import numpy as np

from linkmodel._array import check_choice, check_count, check_range, dataset, unpack
from linkmodel.ufs import mphy, unipro, utp

__all__ = ["DIRECTIONS", "TRANSFERS", "data_wire", "io_link_ceiling", "link"]

#: the two directions of the link
DIRECTIONS = ("device_to_host", "host_to_device")
#: a read (data device to host) or a write (data host to device), as the host sees it
TRANSFERS = ("read", "write")

_OUT = {
    "byte_rate": ("B/s", "bytes per second after line coding", True),
    "wire_bytes": ("B", "bytes on the wire per transfer (UPIUs, padding, frame overhead)", True),
    "frames": ("1", "UniPro frames per transfer", True),
    "payload": ("B", "data bytes per transfer", True),
    "time_per_transfer": ("s", "link time of one transfer", True),
    "transfer_rate": ("1/s", "transfers per second the link allows", False),
    "effective_bandwidth": ("B/s", "data bytes per second the link allows", False),
    "efficiency": ("1", "data bytes per byte of the data direction's byte rate", False),
    "binding": ("", "the direction that binds", False),
}


def data_wire(size, data_upiu, frame_payload):
    """Wire bytes [B] and UniPro frames [1] of the DATA IN/OUT UPIUs that carry ``size`` bytes.

    ``size`` [B] in UPIUs of ``data_upiu`` data bytes [B] (the last holds the
    rest), each a 32 B header plus its data, one UniPro message of frames of
    ``frame_payload`` bytes [B] (:func:`linkmodel.ufs.unipro.wire_bytes`).
    """
    full, last = utp.data_upius(size, data_upiu)
    wire = full * unipro.wire_bytes(utp.DATA_UPIU_HEADER + data_upiu, frame_payload) + unipro.wire_bytes(
        utp.DATA_UPIU_HEADER + last, frame_payload
    )
    frames = full * unipro.frames(utp.DATA_UPIU_HEADER + data_upiu, frame_payload) + unipro.frames(
        utp.DATA_UPIU_HEADER + last, frame_payload
    )
    return wire, frames


def _direction_bytes(size, data_upiu, frame_payload, transfer):
    """Wire bytes and frames per transfer in (data direction, other direction)."""
    full, _ = utp.data_upius(size, data_upiu)
    data_wire_, data_frames = data_wire(size, data_upiu, frame_payload)
    cmd_w, cmd_f = unipro.wire_bytes(utp.COMMAND_UPIU, frame_payload), unipro.frames(utp.COMMAND_UPIU, frame_payload)
    rsp_w, rsp_f = unipro.wire_bytes(utp.RESPONSE_UPIU, frame_payload), unipro.frames(utp.RESPONSE_UPIU, frame_payload)
    rtt_w, rtt_f = unipro.wire_bytes(utp.RTT_UPIU, frame_payload), unipro.frames(utp.RTT_UPIU, frame_payload)
    n = full + 1.0  # data UPIUs
    if transfer == "read":  # data + response device to host; the command host to device
        return (data_wire_ + rsp_w, data_frames + rsp_f), (cmd_w, cmd_f)
    # write: command + data host to device; an RTT per data UPIU + the response device to host
    return (data_wire_ + cmd_w, data_frames + cmd_f), (n * rtt_w + rsp_w, n * rtt_f + rsp_f)


def _checked(a, series, own_frame_payload):
    """Check the unpacked inputs; the byte rate [B/s] and frame payload [B] (the gear's default unless given)."""
    rate = np.asarray(mphy.byte_rate(a["gear"], a["lanes"], series), dtype=float)
    check_count("size", a["size"], hi=2**40, unit="B")  # whole bytes
    check_count("data_upiu", a["data_upiu"], lo=4, hi=utp.MAX_DATA_SEGMENT, unit="B")
    fp = a["frame_payload"] if own_frame_payload else unipro.default_frame_payload(a["gear"])
    if own_frame_payload:
        check_count("frame_payload", fp, lo=16, hi=unipro.FRAME_PAYLOAD["2.0"], unit="B")
    return rate, fp


def _wire(a, fp, transfer):
    """Wire bytes [B] and frames per transfer, stacked as (device_to_host, host_to_device)."""
    (dw, df), (ow, of) = _direction_bytes(a["size"], a["data_upiu"], fp, transfer)
    wire = np.stack(np.broadcast_arrays(dw, ow)) if transfer == "read" else np.stack(np.broadcast_arrays(ow, dw))
    frm = np.stack(np.broadcast_arrays(df, of)) if transfer == "read" else np.stack(np.broadcast_arrays(of, df))
    return wire, frm


def link(gear, lanes, size, series="B", transfer="read", data_upiu=utp.DEFAULT_DATA_UPIU, frame_payload=None):
    """Per-direction budget of a UFS link carrying back-to-back reads or writes of one size.

    Parameters
    ----------
    gear : int or array-like or xarray.DataArray
        M-PHY high-speed gear, 1-5 (UFS 3.x: 4; UFS 4.x: 5).
    lanes : int or array-like or xarray.DataArray
        Lanes per direction, 1-4 (UFS 3.x/4.x: 2).
    size : float or array-like or xarray.DataArray
        Bytes per transfer [B].
    series : {"A", "B"}
        M-PHY rate series (devices run B).
    transfer : {"read", "write"}
        Data device to host (a read) or host to device (a write).
    data_upiu : float or array-like
        Data bytes per DATA IN/OUT UPIU [B], 4 to 65,535 (device-specific; default 32 KiB).
    frame_payload : float or array-like, optional
        UniPro frame payload [B], 16 to 1144; default the gear's UniPro version (288 B up to HS-G4,
        1144 B on HS-G5).

    Returns
    -------
    xarray.Dataset
        Per direction: ``byte_rate`` [B/s], ``wire_bytes`` [B], ``frames``, ``payload`` [B],
        ``time_per_transfer`` [s]; and ``transfer_rate`` [1/s], ``effective_bandwidth`` [B/s],
        ``efficiency``, ``binding``.
    """
    check_choice("transfer", transfer, TRANSFERS)
    a, kind = unpack(
        gear=gear,
        lanes=lanes,
        size=size,
        data_upiu=data_upiu,
        frame_payload=0.0 if frame_payload is None else frame_payload,
    )
    rate, fp = _checked(a, series, frame_payload is not None)
    wire, frm = _wire(a, fp, transfer)
    zero = np.zeros_like(np.asarray(a["size"], dtype=float))
    payload = np.stack(np.broadcast_arrays(a["size"] + zero, zero) if transfer == "read" else (zero, a["size"] + zero))
    t = wire / rate
    x = 1.0 / np.max(t, axis=0)
    data_dir = 0 if transfer == "read" else 1
    res = {
        "byte_rate": np.stack(np.broadcast_arrays(rate, rate)),
        "wire_bytes": wire,
        "frames": frm,
        "payload": payload,
        "time_per_transfer": t,
        "transfer_rate": x,
        "effective_bandwidth": x * a["size"],
        "efficiency": x * a["size"] / rate,
        "binding": np.array(DIRECTIONS)[np.argmax(t, axis=0)],
    }
    variables = {k: (res[k], u, long, lead) for k, (u, long, lead) in _OUT.items()}
    attrs = {
        "model": "linkmodel.ufs.link",
        "transfer": transfer,
        "series": series,
        "data_direction": DIRECTIONS[data_dir],
    }
    return dataset(variables, kind, leading=("direction", DIRECTIONS), attrs=attrs)


def io_link_ceiling(
    gear, lanes, size, read_fraction=1.0, series="B", data_upiu=utp.DEFAULT_DATA_UPIU, frame_payload=None
):
    """I/Os per second a UFS link allows for a mix of reads and writes of one size [1/s].

    The UFS counterpart of :func:`linkmodel.pcie.nvme.io_link_ceiling`: each
    direction's busy time per I/O is the read share times a read's wire time
    plus the write share times a write's (:func:`link`, byte-exact UPIUs and
    UniPro frames); the busier direction sets the ceiling ``1 / max(t)``. E.g.
    512 KiB reads on HS-G5B x2 (UFS 4.0): 4.62669e9 / 524,288 = 8,824.7 I/Os
    per second (edge_inference.md §1.6, E18).

    Parameters
    ----------
    gear, lanes : int or array-like or xarray.DataArray
        M-PHY high-speed gear 1-5 and lanes per direction 1-4.
    size : float or array-like or xarray.DataArray
        Bytes per I/O [B], whole bytes.
    read_fraction : float or array-like or xarray.DataArray
        Share of I/Os that are reads [1], 0..1.
    series, data_upiu, frame_payload
        As :func:`link`.

    Returns
    -------
    xarray.Dataset
        ``transfer_rate`` [1/s] (the I/O ceiling), ``effective_bandwidth``
        [B/s], ``time_per_io`` [s] per direction, ``binding`` (the busier
        direction).
    """
    check_choice("series", series, mphy.SERIES)
    a, kind = unpack(
        gear=gear,
        lanes=lanes,
        size=size,
        read_fraction=read_fraction,
        data_upiu=data_upiu,
        frame_payload=0.0 if frame_payload is None else frame_payload,
    )
    check_range("read_fraction", a["read_fraction"], lo=0, hi=1)
    rate, fp = _checked(a, series, frame_payload is not None)
    t = {tr: _wire(a, fp, tr)[0] / rate for tr in TRANSFERS}
    rf = np.asarray(a["read_fraction"], dtype=float)
    per_io = rf * t["read"] + (1.0 - rf) * t["write"]
    x = 1.0 / np.max(per_io, axis=0)
    variables = {
        "time_per_io": (per_io, "s", "link time of one I/O of the mix", True),
        "transfer_rate": (x, "1/s", "I/Os per second the link allows", False),
        "effective_bandwidth": (x * a["size"], "B/s", "data bytes per second the link allows", False),
        "binding": (np.array(DIRECTIONS)[np.argmax(per_io, axis=0)], "", "the direction that binds", False),
    }
    attrs = {"model": "linkmodel.ufs.io_link_ceiling", "series": series}
    return dataset(variables, kind, leading=("direction", DIRECTIONS), attrs=attrs)
