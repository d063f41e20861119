"""Transactions: how a transfer becomes TLPs in each direction.

Rules [SPEC62 ch2, ch7; reference dossier pcie.md §5]:

* MPS (Max_Payload_Size) 128..4096 B, default 128 B; flit-capable functions
  support >= 512 B. No TLP payload, request or completion, exceeds MPS.
* MRRS (Max_Read_Request_Size) 128..4096 B, default 512 B.
* RCB (Read Completion Boundary) 64 or 128 B for a root complex, 128 B for
  other elements; a read may be answered by several completions split at
  RCB-aligned addresses.
* No request crosses a 4 KiB address boundary.
* Memory writes are posted (MWr, one direction). Memory reads are non-posted:
  MRd requests go one way, CplD with the data come back.

The requester here is the endpoint's DMA engine (an NVMe SSD, a NIC), so
"upstream" is requester -> completer (device -> host) and "downstream" the
reverse. For an SSD: a host *read* command becomes device memory **writes**
(MWr upstream); a host *write* command becomes device memory **reads** (MRd
upstream, CplD downstream).

Splitting model: a transfer of ``size`` bytes starting ``offset`` bytes past
a 4 KiB boundary is cut at every multiple of the chunk size (MPS for writes,
MRRS for read requests, min(MPS, MRRS) or RCB for completions). Because all
of these are powers of two that divide 4096, the 4 KiB rule is met
automatically. Completions as large as MPS (``completion_split="mps"``) are
what current root complexes return; ``"rcb"`` models completers that return
one completion per RCB (some older chipsets; pcie-bench's ``rcb_chunks``).
"""

from __future__ import annotations

import math

import numpy as np

from linkmodel._array import PLAIN_NUMBERS, check_choice, check_in, check_range, number, pack, unpack
from linkmodel._typing import ArrayLike, CompletionSplit, Transfer
from linkmodel.pcie._jit import elementwise, jitable

__all__ = [
    "ALLOWED_MPS",
    "ALLOWED_MRRS",
    "ALLOWED_RCB",
    "COMPLETION_SPLITS",
    "FC_DATA_CREDIT_BYTES",
    "FLIT_MIN_MPS_SUPPORTED",
    "MAX_SIZE",
    "SPEC_DEFAULT_MPS",
    "SPEC_DEFAULT_MRRS",
    "TAGS",
    "TRANSFERS",
    "check_mps",
    "check_mrrs",
    "check_offset",
    "check_rcb",
    "check_size",
    "check_tag_bits",
    "n_chunks",
    "tag_limited_bandwidth",
    "tlp_counts",
    "transfer_write_fraction",
]

ALLOWED_MPS = (128, 256, 512, 1024, 2048, 4096)
SPEC_DEFAULT_MPS = 128  # Device Control reset value [SPEC62 ch7]
SPEC_DEFAULT_MRRS = 512  # Device Control reset value [SPEC62 ch7]
FLIT_MIN_MPS_SUPPORTED = 512  # flit-capable functions advertise MPS Supported >= 512 B [SPEC62 ch7]
FC_DATA_CREDIT_BYTES = 16  # one data credit = 4 DW [SPEC62 §2.6.1]; credit stalls are not modelled
ALLOWED_MRRS = ALLOWED_MPS
ALLOWED_RCB = (64, 128)
COMPLETION_SPLITS = ("mps", "rcb")
#: tag_bits -> usable tags: 5-bit 32, 8-bit 256, 10-bit 768 (Tag[9:8] != 00b),
#: 14-bit 15,360 (Tag[13:10] != 0) [SPEC62 §2.2.6.2; SNPS-1]
TAGS = {5: 32, 8: 256, 10: 768, 14: 15360}
TRANSFERS = {"write": 1.0, "read": 0.0, "both": 0.5}
MAX_SIZE = 2.0**40  # 1 TiB: beyond any single DMA transfer


def check_mps(mps):
    """Validate Max_Payload_Size values [B]; return a float array (a float for a Python number)."""
    check_in("mps", mps, ALLOWED_MPS)
    return float(mps) if type(mps) in PLAIN_NUMBERS else np.asarray(mps, dtype=float)


def check_mrrs(mrrs):
    """Validate Max_Read_Request_Size values [B]; return a float array (a float for a Python number)."""
    check_in("mrrs", mrrs, ALLOWED_MRRS)
    return float(mrrs) if type(mrrs) in PLAIN_NUMBERS else np.asarray(mrrs, dtype=float)


def check_rcb(rcb):
    """Validate Read Completion Boundary values [B]; return a float array (a float for a Python number)."""
    check_in("rcb", rcb, ALLOWED_RCB)
    return float(rcb) if type(rcb) in PLAIN_NUMBERS else np.asarray(rcb, dtype=float)


def check_size(size, name="size"):
    """Validate transfer sizes [B]: whole bytes, 1 B .. 1 TiB; return a float array (a float for a Python number)."""
    x = number(size)
    if x is not None:  # one number: the checks below in plain Python, in the same order (a bool counts as 0 / 1)
        xf = float(x)
        check_range(name, xf, lo=1, unit="B")
        if xf > MAX_SIZE:
            raise ValueError(f"{name}: larger than 1 TiB; one transfer must be 1 B to 1 TiB")
        if xf != round(xf):
            raise ValueError(f"{name}: must be a whole number of bytes")
        return xf if type(size) in PLAIN_NUMBERS else np.asarray(xf)
    a = np.asarray(size)
    a = a.astype(float) if a.dtype.kind in "biuf" else a
    check_range(name, a, lo=1, unit="B")
    if (a > MAX_SIZE).any():
        raise ValueError(f"{name}: larger than 1 TiB; one transfer must be 1 B to 1 TiB")
    a = np.asarray(size, dtype=float)
    if (a != np.round(a)).any():
        raise ValueError(f"{name}: must be a whole number of bytes")
    return a


def check_offset(offset):
    """Validate start offsets [B]: whole bytes in [0, 4096); return a float array (a float for a Python number)."""
    check_range("offset", offset, lo=0, hi=4096, hi_open=True, unit="B")
    x = number(offset)
    if x is not None:  # one number (checked above): whole?
        if float(x) != round(float(x)):
            raise ValueError("offset: must be a whole number of bytes")
        return float(x) if type(offset) in PLAIN_NUMBERS else np.asarray(float(x))
    a = np.asarray(offset, dtype=float)
    if (a != np.round(a)).any():
        raise ValueError("offset: must be a whole number of bytes")
    return a


def check_tag_bits(tag_bits):
    """Validate tag field widths; return the usable tag counts [1] (a float for a Python number)."""
    check_in("tag_bits", tag_bits, tuple(TAGS), ", ".join(map(str, TAGS)))
    if type(tag_bits) in PLAIN_NUMBERS:
        return float(TAGS[int(tag_bits)])
    t = np.asarray(tag_bits)
    if t.ndim == 0:  # one width (whole, in TAGS: checked above): a look-up, not np.select's set-up
        return np.asarray(float(TAGS[int(t)]))
    return np.select([t == bits for bits in TAGS], [float(n) for n in TAGS.values()])


def transfer_write_fraction(transfer: Transfer) -> float:
    """Map ``"write"``/``"read"``/``"both"`` to the posted share of bytes [1].

    Raises
    ------
    ValueError
        Naming ``transfer`` (the parameter of :func:`linkmodel.pcie.link`) if
        the value is not one of :data:`TRANSFERS`.
    """
    check_choice("transfer", transfer, tuple(TRANSFERS))
    return TRANSFERS[transfer]


def n_chunks(size: ArrayLike, chunk: ArrayLike, offset: ArrayLike = 0):
    """Number of pieces a transfer is cut into at multiples of `chunk`.

    ``floor((offset + size - 1) / chunk) - floor(offset / chunk) + 1``.

    Parameters
    ----------
    size : float or array-like or xarray.DataArray
        Transfer size [B], >= 1.
    chunk : float or array-like or xarray.DataArray
        Split granularity [B] (MPS, MRRS or RCB).
    offset : float or array-like or xarray.DataArray
        Start address modulo 4 KiB [B].

    Returns
    -------
    count : broadcast kind of the inputs
        [1].
    """
    a, k = unpack(size=size, chunk=chunk, offset=offset)
    check_size(a["size"])
    check_range("chunk", a["chunk"], lo=0, lo_open=True, unit="B")
    check_offset(a["offset"])
    return pack(n_chunks_kernel(a["size"], a["chunk"], a["offset"]), k, "n_chunks", "1")


def tlp_counts(
    size: ArrayLike,
    mps: ArrayLike = 256,
    mrrs: ArrayLike = 512,
    rcb: ArrayLike = 64,
    offset: ArrayLike = 0,
    completion_split: CompletionSplit = "mps",
):
    """TLPs per transfer: posted writes, read requests, read completions.

    Parameters
    ----------
    size : float or array-like or xarray.DataArray
        Transfer size [B].
    mps, mrrs : int or array-like or xarray.DataArray
        Max_Payload_Size and Max_Read_Request_Size [B].
    rcb : int or array-like or xarray.DataArray
        Read Completion Boundary [B] (used with ``completion_split="rcb"``).
    offset : float or array-like or xarray.DataArray
        Start address modulo 4 KiB [B].
    completion_split : {"mps", "rcb"}
        Completion size policy of the completer.

    Returns
    -------
    (writes, requests, completions) : tuple, broadcast kind of the inputs
        TLPs per transfer [1] for a write transfer (MWr) and for a read
        transfer (MRd, CplD).
    """
    check_choice("completion_split", completion_split, COMPLETION_SPLITS)
    a, k = unpack(size=size, mps=mps, mrrs=mrrs, rcb=rcb, offset=offset)
    s, o = check_size(a["size"]), check_offset(a["offset"])
    m, r, b = check_mps(a["mps"]), check_mrrs(a["mrrs"]), check_rcb(a["rcb"])
    unit = completion_unit_kernel(m, r, b, completion_split)
    return (
        pack(n_chunks_kernel(s, m, o), k, "writes", "1"),
        pack(n_chunks_kernel(s, r, o), k, "requests", "1"),
        pack(n_chunks_kernel(s, unit, o), k, "completions", "1"),
    )


def tag_limited_bandwidth(
    request_bytes: ArrayLike,
    tag_bits: ArrayLike = 10,
    round_trip: ArrayLike = 1e-6,
    outstanding: ArrayLike | None = None,
):
    """Read bandwidth the outstanding-request limit allows [B/s].

    ``BW = S x N / RTT`` [SPEC62 §2.2.6.2 Implementation Note]: S bytes per
    request, N requests outstanding (at most the usable tags), RTT the time
    from request to last completion.

    Parameters
    ----------
    request_bytes : float or array-like or xarray.DataArray
        Bytes per read request [B].
    tag_bits : {5, 8, 10, 14} or array-like
        Tag width; usable tags 32, 256, 768, 15,360.
    round_trip : float or array-like or xarray.DataArray
        Request round trip [s], >= 0 (0 disables the limit).
    outstanding : float or array-like or None
        A device's own limit on outstanding reads [1]; None for the tag count.

    Returns
    -------
    bandwidth : broadcast kind of the inputs
        [B/s]; e.g. Gen5 x16 needs 123 reads of 512 B outstanding at 1 us to
        carry 63 GB/s.
    """
    a, k = unpack(
        request_bytes=request_bytes,
        tag_bits=tag_bits,
        round_trip=round_trip,
        outstanding=np.inf if outstanding is None else outstanding,
    )
    check_range("request_bytes", a["request_bytes"], lo=0, lo_open=True, unit="B")
    check_range("round_trip", a["round_trip"], lo=0, unit="s")
    tags = check_tag_bits(a["tag_bits"])
    if outstanding is not None:
        check_range("outstanding", a["outstanding"], lo=1)
    n = np.minimum(tags, a["outstanding"]) if outstanding is not None else tags
    with np.errstate(divide="ignore"):
        bw = np.where(
            a["round_trip"] > 0, a["request_bytes"] * n / np.where(a["round_trip"] > 0, a["round_trip"], 1.0), np.inf
        )
    return pack(bw, k, "tag_limited_bandwidth", "B/s", "read bandwidth allowed by outstanding requests")


# -- Kernels (validated inputs, no checks; for linkmodel.pcie's own use) ---------------


@jitable
def n_chunks_scalar_kernel(size, chunk, offset):
    """:func:`n_chunks` of one validated element [1].

    ``floor((offset + size - 1) / chunk) - floor(offset / chunk) + 1``.
    """
    return float(math.floor((offset + size - 1) / chunk) - math.floor(offset / chunk) + 1)


@jitable
def completion_unit_scalar_kernel(mps, mrrs, rcb, split_rcb):
    """Completion size [B] of one element: RCB if `split_rcb` (``completion_split="rcb"``), else min(MPS, MRRS)."""
    return rcb if split_rcb else min(mps, mrrs)


#: :func:`n_chunks` on validated arrays [1]: :func:`n_chunks_scalar_kernel` per element.
n_chunks_kernel = elementwise(n_chunks_scalar_kernel)
_completion_unit = elementwise(completion_unit_scalar_kernel)


def completion_unit_kernel(mps, mrrs, rcb, split: CompletionSplit):
    """Completion size [B] on validated arrays: RCB with ``split="rcb"``, else min(MPS, MRRS)."""
    return _completion_unit(mps, mrrs, rcb, float(split == "rcb"))
