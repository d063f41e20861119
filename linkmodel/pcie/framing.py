"""Transaction-layer packet sizes and non-flit per-TLP framing.

Sources:

* Header sizes: [SPEC62] Table 2-5 (base header sizes, the same in flit and
  non-flit mode): MRd/MWr with 32-bit address 3 DW, with 64-bit address 4 DW;
  Cpl/CplD 3 DW. ECRC (TLP digest) adds 1 DW [SPEC62 §2.2.1; MS3 ch5].
* Non-flit framing: 8 bytes per TLP at every rate [MS3 pp.414-416]:
  2.5/5 GT/s: STP symbol 1 B + sequence number 2 B + LCRC 4 B + END 1 B;
  8-32 GT/s: 4-byte STP token (carrying the 12-bit sequence number and the
  TLP length) + LCRC 4 B, no END. Intel quotes the same 5-7 DW per-TLP
  overhead (3DW header, 4DW header, 4DW + ECRC) [INTEL-683390].
* Flit mode has no STP tokens, no per-TLP sequence number and no LCRC
  [SPEC62 §4.2.3.4.1]: per-TLP framing is zero.
* TLP length is counted in DW: a payload that does not fill whole DWs is
  padded (byte enables mark the valid bytes) [SPEC62 §2.2.5].
"""

from __future__ import annotations

import math

from linkmodel._array import check_bool, check_in, check_integer, check_range, pack, unpack
from linkmodel._typing import ArrayLike
from linkmodel.pcie._jit import elementwise, jitable
from linkmodel.pcie.transactions import check_offset, check_size

__all__ = [
    "ALLOWED_ADDRESSING",
    "DW",
    "ECRC",
    "HEADER_CPL",
    "HEADER_MEM_32",
    "HEADER_MEM_64",
    "NONFLIT_FRAMING",
    "check_addressing",
    "completion_header_bytes",
    "dw_padded",
    "framing_bytes",
    "request_header_bytes",
]

DW = 4  # bytes per double word
#: Non-flit per-TLP framing bytes (STP/SDP + sequence + LCRC [+ END]) [MS3 pp.414-416]
NONFLIT_FRAMING = 8
#: TLP digest (ECRC) bytes [SPEC62 §2.2.1]
ECRC = 4
#: Base header sizes in bytes [SPEC62 Table 2-5]
HEADER_MEM_32 = 3 * DW
HEADER_MEM_64 = 4 * DW
HEADER_CPL = 3 * DW
ALLOWED_ADDRESSING = (32, 64)


def check_addressing(addressing) -> None:
    """Validate address widths [bit]: 32 or 64."""
    check_in("addressing", addressing, ALLOWED_ADDRESSING, ", ".join(map(str, ALLOWED_ADDRESSING)))


def request_header_bytes(addressing: ArrayLike = 64, ecrc: ArrayLike = False, ohc_dw: ArrayLike = 0):
    """Header (+digest) bytes of a memory request TLP (MRd or MWr).

    Parameters
    ----------
    addressing : {32, 64} or array-like
        Address width [bit]: 3 DW header for 32-bit, 4 DW for 64-bit.
    ecrc : bool or array-like
        Whether a 1-DW ECRC digest (flit mode: TS=001b trailer) is attached.
    ohc_dw : int or array-like
        Flit-mode Orthogonal Header Content DWs (0 for aligned, whole-DW
        transfers without PASID [SPEC62 §2.2.1.2]).

    Returns
    -------
    bytes : broadcast kind of the inputs
        [B].
    """
    a, k = unpack(addressing=addressing, ecrc=ecrc, ohc_dw=ohc_dw)
    check_addressing(a["addressing"])
    e = check_bool("ecrc", a["ecrc"])
    _check_ohc(a["ohc_dw"])
    return pack(request_header_kernel(a["addressing"], e) + DW * a["ohc_dw"], k, "request_header_bytes", "B")


def _check_ohc(ohc_dw):
    check_range("ohc_dw", ohc_dw, lo=0, hi=7)
    check_integer("ohc_dw", ohc_dw)


def completion_header_bytes(ecrc: ArrayLike = False, ohc_dw: ArrayLike = 0):
    """Header (+digest) bytes of a completion TLP (Cpl/CplD): 3 DW base.

    Parameters
    ----------
    ecrc : bool or array-like
        Whether a 1-DW ECRC digest is attached.
    ohc_dw : int or array-like
        Flit-mode OHC DWs (OHC-A5 only "when required" [SPEC62 §2.2.9.2]).

    Returns
    -------
    bytes : broadcast kind of the inputs
        [B].
    """
    a, k = unpack(ecrc=ecrc, ohc_dw=ohc_dw)
    e = check_bool("ecrc", a["ecrc"])
    _check_ohc(a["ohc_dw"])
    return pack(completion_header_kernel(e) + DW * a["ohc_dw"], k, "completion_header_bytes", "B")


def framing_bytes(flit: ArrayLike):
    """Per-TLP data-link framing bytes: 8 in non-flit mode, 0 in flit mode.

    Parameters
    ----------
    flit : bool or array-like
        Whether the link runs in flit mode.

    Returns
    -------
    bytes : same kind as `flit`
        [B].
    """
    a, k = unpack(flit=flit)
    return pack(framing_kernel(check_bool("flit", a["flit"])), k, "framing_bytes", "B")


def dw_padded(size: ArrayLike, offset: ArrayLike = 0):
    """Bytes a transfer occupies in TLP payloads once padded to whole DWs.

    ``4 * (ceil((offset + size) / 4) - floor(offset / 4))``: padding only at
    the first and last DW of the transfer, wherever it is split into TLPs
    (split points are multiples of MPS/MRRS/RCB, all DW multiples).

    Parameters
    ----------
    size : float or array-like
        Transfer size [B].
    offset : float or array-like
        Start address modulo 4 KiB [B].

    Returns
    -------
    bytes : broadcast kind of the inputs
        [B].
    """
    a, k = unpack(size=size, offset=offset)
    s, o = check_size(a["size"]), check_offset(a["offset"])
    return pack(dw_padded_kernel(s, o), k, "dw_padded", "B")


# -- Kernels (validated inputs, no checks; for linkmodel.pcie's own use) ---------------


@jitable
def request_header_scalar_kernel(addressing, ecrc):
    """Memory request header + digest bytes [B] of one element: 3 or 4 DW (`addressing` 32 or 64 [bit]), + 1 DW if
    `ecrc`."""
    return float((HEADER_MEM_64 if addressing == 64 else HEADER_MEM_32) + ECRC * ecrc)


@jitable
def dw_padded_scalar_kernel(size, offset):
    """:func:`dw_padded` of one validated element [B]: ``4 * (ceil((offset + size) / 4) - floor(offset / 4))``."""
    return float(DW * (math.ceil((offset + size) / DW) - math.floor(offset / DW)))


@jitable
def completion_header_scalar_kernel(ecrc):
    """Completion header + digest bytes [B] of one element: 3 DW, + 1 DW if `ecrc`."""
    return float(HEADER_CPL + ECRC * ecrc)


@jitable
def framing_scalar_kernel(flit):
    """Per-TLP data-link framing bytes [B] of one element: 0 in flit mode, else 8."""
    return 0.0 if flit else float(NONFLIT_FRAMING)


#: :func:`completion_header_scalar_kernel` on validated arrays [B].
completion_header_kernel = elementwise(completion_header_scalar_kernel)
#: :func:`framing_scalar_kernel` on validated arrays [B].
framing_kernel = elementwise(framing_scalar_kernel)
#: :func:`request_header_scalar_kernel` on validated arrays [B].
request_header_kernel = elementwise(request_header_scalar_kernel)
#: :func:`dw_padded_scalar_kernel` on validated arrays [B].
dw_padded_kernel = elementwise(dw_padded_scalar_kernel)
