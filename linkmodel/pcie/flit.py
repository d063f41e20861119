"""Flit mode: the 256-byte flit, TLP packing, flit errors and replay.

Flit layout [SPEC62 §4.2.3.3]: bytes 0-235 carry TLPs (236 B), 236-241 the
data-link payload (DLP, 6 B: flit header with the 10-bit flit sequence number
and Ack/Nak, plus one DLLP payload such as an Optimized_Update_FC), 242-249 an
8-byte CRC over the 242 TLP+DLP bytes, 250-255 the FEC (3 interleaved groups
of 2 B). The ECC bytes are present at every rate in flit mode.

Consequences modelled here:

* TLP-byte ceiling = raw bandwidth x 236/256 (Gen6 x16: 118.0 GB/s/direction);
  Acks and credit updates ride in the DLP, so there are no separate DLLPs.
* No per-TLP framing; TLPs are packed back to back and may span flits.
* At most 8 TLPs (including partial ones) may start in each flit half
  (bytes 0-127 and 128-235) [SPEC62 §4.2.3.4.1]: TLPs shorter than 16 B
  cannot fill a flit.
* Idle TLP bytes are filled with NOP TLPs [SPEC62 §4.2.3.4.1]; with
  ``packing="per_transfer"`` each transfer starts in a fresh flit and its
  last flit is NOP-padded.
* Flit errors: after FEC a flit fails with probability below 3e-5 at the
  64 GT/s FBER target of 1e-6 [SPEC62 §4.2.3.1.1; ch8]; failed flits are
  replayed, either only the failed flit (selective Nak) or every flit sent
  since (standard Nak, go-back-N) [SPEC62 §4.2.3.4.2.1].
"""

from __future__ import annotations

import functools
import math
from typing import get_args

import numpy as np

from linkmodel._array import check_bool, check_choice, check_range, pack, unpack
from linkmodel._typing import ArrayLike, Packing, Replay
from linkmodel.pcie import phy
from linkmodel.pcie._jit import elementwise, jitable

__all__ = [
    "CRC_BYTES",
    "DLP_BYTES",
    "FEC_BYTES",
    "FEC_GROUPS",
    "FLIT_BYTES",
    "FLIT_ERROR_BOUND_PAM4",
    "FLIT_SEQUENCE_BITS",
    "HALF_BYTES",
    "MAX_TLPS_PER_HALF",
    "PACKINGS",
    "REPLAY_MODES",
    "TLP_BYTES",
    "data_link_bandwidth",
    "default_flit_error_rate",
    "flit_error_probability",
    "packing_efficiency",
    "replay_efficiency",
    "tlp_bandwidth",
]

FLIT_BYTES = 256
TLP_BYTES = 236
DLP_BYTES = 6
CRC_BYTES = 8
FEC_BYTES = 6
FEC_GROUPS = 3  # 3-way interleaved single-symbol-correcting codes [SPEC62 §4.2.3.4.3]
FLIT_SEQUENCE_BITS = 10  # flit sequence number width [SPEC62 §4.2.3.4.2.1]
HALF_BYTES = (128, 108)  # TLP bytes in flit halves 0-127 and 128-235
MAX_TLPS_PER_HALF = 8  # [SPEC62 §4.2.3.4.1]
#: Post-FEC flit error probability bound at FBER 1e-6 [SPEC62 §4.2.3.1.1]
FLIT_ERROR_BOUND_PAM4 = 3e-5
REPLAY_MODES: tuple[Replay, ...] = get_args(Replay)
PACKINGS: tuple[Packing, ...] = get_args(Packing)


def tlp_bandwidth(gen, lanes):
    """Ceiling on TLP bytes per second in flit mode, before SKP [B/s].

    raw_bandwidth x 236/256: Gen6 x16 118.0 GB/s, Gen6 x4 29.5 GB/s per
    direction.

    Parameters
    ----------
    gen : int or array-like or xarray.DataArray
        PCIe generation.
    lanes : int or array-like or xarray.DataArray
        Link width.

    Returns
    -------
    tlp_bandwidth : broadcast kind of the inputs
        [B/s].
    """
    raw, k = phy.raw_bandwidth_and_kind(gen, lanes)
    return pack(raw * TLP_BYTES / FLIT_BYTES, k, "tlp_bandwidth", "B/s", "flit-mode TLP byte ceiling")


def data_link_bandwidth(gen, lanes):
    """TLP + DLP bytes per second in flit mode, before SKP [B/s].

    raw_bandwidth x 242/256: the "242B/256B" figure that many tables quote as
    Gen6 bandwidth (Gen6 x1 7.5625 GB/s, x16 121.0 GB/s). The 6 DLP bytes carry
    Acks and credits, not TLPs; use :func:`tlp_bandwidth` for TLP capacity.

    Parameters
    ----------
    gen : int or array-like or xarray.DataArray
        PCIe generation.
    lanes : int or array-like or xarray.DataArray
        Link width.

    Returns
    -------
    data_link_bandwidth : broadcast kind of the inputs
        [B/s].
    """
    raw, k = phy.raw_bandwidth_and_kind(gen, lanes)
    return pack(raw * (TLP_BYTES + DLP_BYTES) / FLIT_BYTES, k, "data_link_bandwidth", "B/s", "flit TLP + DLP bytes")


def packing_efficiency(mean_tlp_bytes):
    """Share of a flit's 236 TLP bytes that TLPs of a given size can fill [1].

    At most 8 TLPs may start in each flit half [SPEC62 §4.2.3.4.1], so a
    stream of TLPs shorter than 16 B (e.g. 12-byte 3DW MRd) leaves NOP fill:
    12-byte TLPs fill (96 + 96)/236 = 81 %.

    Parameters
    ----------
    mean_tlp_bytes : float or array-like or xarray.DataArray
        Mean TLP size in the stream [B], > 0.

    Returns
    -------
    efficiency : same kind as the input
        [1].
    """
    a, k = unpack(mean_tlp_bytes=mean_tlp_bytes)
    check_range("mean_tlp_bytes", a["mean_tlp_bytes"], lo=0, lo_open=True, unit="B")
    return pack(packing_efficiency_kernel(a["mean_tlp_bytes"]), k, "packing_efficiency", "1")


def default_flit_error_rate(gen):
    """Flit replay probability assumed when none is given [1].

    :func:`flit_error_probability` at the generation's error-rate target:
    FBER 1e-6 at 64 GT/s and above (about 6.9e-7), BER 1e-12 at 2.5-32 GT/s
    in flit mode (about 7e-19). This independent-error estimate is a best
    case; the spec's guaranteed bound, :data:`FLIT_ERROR_BOUND_PAM4` = 3e-5,
    is the pessimistic choice (pass it as ``flit_error_rate``).

    Parameters
    ----------
    gen : int or array-like or xarray.DataArray
        PCIe generation.

    Returns
    -------
    flit_error_rate : same kind as `gen`
        [1].
    """
    a, k = unpack(gen=gen)
    return pack(default_flit_error_rate_kernel(phy.check_gen(a["gen"])), k, "flit_error_rate", "1")


def flit_error_probability(fber):
    """Probability that a flit is uncorrectable by FEC and must be replayed.

    An **independent-error** estimate: each lane byte is hit by an error
    event with probability ``q = 1 - (1 - FBER)^8``; the 3-way interleave puts
    the symbols of a burst of up to 16 bits on one lane into different
    codewords [SPEC62 §4.2.3.4.4], so each event costs each codeword at most
    one symbol. A codeword (one of 3 groups of
    86/85/85 bytes) fails when it holds two or more symbol errors; the flit
    fails when any codeword fails (the CRC then detects it).

    Correlated errors across lanes (common-mode noise, DFE error propagation)
    are what the spec's bound of 3e-5 at FBER 1e-6 covers; this estimate is
    far lower (about 7e-7) and should be read as a best case.

    Parameters
    ----------
    fber : float or array-like or xarray.DataArray
        First-bit error rate per lane [1], 0 <= fber < 1.

    Returns
    -------
    probability : same kind as `fber`
        [1].
    """
    a, k = unpack(fber=fber)
    check_range("fber", a["fber"], lo=0, hi=1, hi_open=True)
    return pack(flit_error_probability_kernel(a["fber"]), k, "flit_error_probability", "1")


def replay_efficiency(error_rate: ArrayLike, window: ArrayLike = 1.0, mode: Replay = "go_back_n"):
    """Goodput share left by replays [1].

    Selective replay re-sends only the failed unit: efficiency ``1 - p``.
    Go-back-N re-sends the whole window of W units sent before the Nak
    arrives: efficiency ``(1 - p) / (1 - p + p W)``.

    Parameters
    ----------
    error_rate : float or array-like or xarray.DataArray
        Probability p that a unit (flit or TLP) must be replayed [1].
    window : float or array-like or xarray.DataArray
        Units in flight during one replay round trip [1] (>= 1).
    mode : {"go_back_n", "selective"}
        Replay policy.

    Returns
    -------
    efficiency : broadcast kind of the inputs
        [1].
    """
    check_choice("replay", mode, REPLAY_MODES)
    a, k = unpack(error_rate=error_rate, window=window)
    check_range("error_rate", a["error_rate"], lo=0, hi=1, hi_open=True)
    check_range("window", a["window"], lo=1)
    return pack(replay_efficiency_kernel(a["error_rate"], a["window"], mode), k, "replay_efficiency", "1")


# -- For linkmodel.pcie's own use (checked) -------------------------------------------


def resolve_flit(g, flit):
    """Flit mode per element: the generation's rule, or the user's choice (checked here).

    Parameters
    ----------
    g : ndarray of int
        Validated generations.
    flit : None or ndarray of bool
        None: flit mode where mandatory (64 GT/s and above), else non-flit.

    Returns
    -------
    ndarray of bool

    Raises
    ------
    ValueError
        If non-flit mode is requested at a rate where flit mode is mandatory.
    """
    mandatory = phy.flit_mandatory_kernel(g)
    if flit is None:
        return mandatory
    f = check_bool("flit", flit)
    if np.any(mandatory & ~f):
        raise ValueError(
            "flit: non-flit mode is not allowed at 64 GT/s and above (gen >= 6); flit mode is mandatory there"
        )
    return np.broadcast_to(f, np.broadcast(g, f).shape)


# -- Kernels (validated inputs, no checks; for linkmodel.pcie's own use) ---------------


@jitable
def packing_efficiency_scalar_kernel(mean_tlp_bytes):
    """:func:`packing_efficiency` of one validated element [1]: usable share of the 236 TLP bytes."""
    s = 1.0 * mean_tlp_bytes
    used = min(float(HALF_BYTES[0]), MAX_TLPS_PER_HALF * s) + min(float(HALF_BYTES[1]), MAX_TLPS_PER_HALF * s)
    return used / TLP_BYTES


@jitable
def flit_error_probability_scalar_kernel(fber):
    """:func:`flit_error_probability` of one validated element [1]."""
    q = -math.expm1(8 * math.log1p(-fber))  # a lane byte hit by an error event
    log_ok = 0.0
    for n in (86, 85, 85):  # the three interleaved codewords of a flit
        tail = _two_or_more(q, n)
        if tail >= 1.0:  # a codeword that surely fails: the flit fails
            return 1.0
        log_ok = log_ok + math.log1p(-tail)
    return -math.expm1(log_ok)


@jitable
def _two_or_more(q, n):
    """P(two or more of `n` independent symbols hit), each with probability `q` [1]: a binomial tail.

    The same value as the regularized incomplete beta ``I_q(2, n - 1)``. Where
    ``n q <= 1`` (the tail is small) it is summed term by term,
    ``C(n, k) q^k (1-q)^(n-k)`` for k = 2, 3, ... (all positive: no
    cancellation at the tiny q of PCIe links; the terms fall by ``n q / k`` or
    faster, and the sum stops once they are below 1e-17 of it); elsewhere
    (the tail is above 0.26) it is ``1 - (1-q)^n - n q (1-q)^(n-1)``.
    """
    if n * q <= 1.0:
        ratio = q / (1.0 - q)
        term = n * (n - 1) / 2.0 * q * q * math.exp((n - 2) * math.log1p(-q))
        total = term
        for k in range(2, n):
            term = term * ((n - k) / (k + 1.0)) * ratio
            total = total + term
            if not term > 1e-17 * total:
                break
        return total
    ok = (1.0 - q) ** (n - 1)
    return 1.0 - ok * (1.0 - q) - n * q * ok


@jitable
def replay_efficiency_scalar_kernel(p, window, selective):
    """:func:`replay_efficiency` of one validated element [1]; `selective` true for selective replay, else
    go-back-N."""
    if selective:
        return 1.0 - p
    w = max(window, 1.0)
    return (1.0 - p) / (1.0 - p + p * w)


#: :func:`packing_efficiency_scalar_kernel` on validated arrays [1].
packing_efficiency_kernel = elementwise(packing_efficiency_scalar_kernel)
#: :func:`flit_error_probability_scalar_kernel` on validated arrays [1].
flit_error_probability_kernel = elementwise(flit_error_probability_scalar_kernel)
_replay_efficiency = elementwise(replay_efficiency_scalar_kernel)


def replay_efficiency_kernel(p, window, mode: Replay):
    """:func:`replay_efficiency` on validated arrays [1]."""
    return _replay_efficiency(p, window, float(mode == "selective"))


def default_flit_error_rate_kernel(g):
    """Flit replay probability used when the caller gives none [1], for validated generations `g`.

    The probability of each generation's bit error rate target, looked up in
    a table of :func:`flit_error_probability_kernel` per generation (the same
    values, without the per-element error sum).
    """
    return _default_fer_table()[g]


@functools.lru_cache(maxsize=1)
def _default_fer_table() -> np.ndarray:
    """:func:`flit_error_probability_kernel` of each generation's bit error rate target [1], indexed by generation."""
    gens = np.array(sorted(phy.GENERATIONS))
    table = np.full(gens.max() + 1, np.nan)
    table[gens] = flit_error_probability_kernel(phy.bit_error_rate_kernel(gens))
    table.flags.writeable = False
    return table
