"""Physical layer: generations, signalling, line encoding, raw bandwidth.

All rates are per lane and per direction (PCIe links are dual simplex).

Sources (see ``docs/sources.md`` for the full key):

* [SPEC62] PCI Express Base Specification 6.2: Table 4-1 (valid encoding and
  data stream mode per rate), ch8 introduction (PAM4 at 64 GT/s, 2 bits per
  unit interval, Nyquist 16 GHz; FBER 1e-6 at 64 GT/s vs BER 1e-12 at
  2.5-32 GT/s).
* [SN-7] PCI-SIG press release of 2025-06-16: PCIe 7.0 at 128.0 GT/s, PAM4,
  flit-based encoding.
* [SR-8] PCIe 8.0 announcement (2025-08): 256.0 GT/s. Modulation and flit
  format are not published: Gen8 is **provisional** here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from linkmodel._array import PLAIN_NUMBERS, check_in, pack, unpack
from linkmodel.pcie._jit import elementwise, jitable

__all__ = [
    "ALLOWED_GENS",
    "ALLOWED_LANES",
    "ENCODINGS",
    "GENERATIONS",
    "GEN_DESCRIPTION",
    "LANES_DESCRIPTION",
    "Generation",
    "check_gen",
    "check_lanes",
    "encoding_efficiency",
    "is_provisional",
    "line_rate",
    "nyquist_frequency",
    "rate",
    "raw_bandwidth",
    "symbol_rate",
    "symbol_time",
]


@dataclass(frozen=True)
class Generation:
    """Physical-layer facts of one PCIe generation.

    Attributes
    ----------
    gen : int
        Generation number.
    rate : float
        Signalling rate per lane [T/s] (bits on the wire per second).
    modulation : str
        ``"NRZ"`` (1 bit per unit interval) or ``"PAM4"`` (2 bits).
    bits_per_symbol : int
        Bits carried per unit interval.
    encoding : str
        Line encoding: ``"8b/10b"``, ``"128b/130b"`` or ``"1b/1b"``.
    encoding_efficiency : float
        Payload-capable bits per line bit [1].
    flit_mode : str
        ``"optional"`` (flit mode only if both ports are 6.x and negotiate it;
        the line encoding stays underneath) or ``"mandatory"``.
    bit_error_rate : float
        Bit-error-rate target of the electrical spec [1]: BER 1e-12 for
        2.5-32 GT/s, first-bit error rate (FBER) 1e-6 for PAM4 rates.
    provisional : bool
        True where the facts are not published (Gen8).
    source : str
        Where the facts come from.
    """

    gen: int
    rate: float
    modulation: str
    bits_per_symbol: int
    encoding: str
    encoding_efficiency: float
    flit_mode: str
    bit_error_rate: float
    provisional: bool
    source: str


GENERATIONS: dict[int, Generation] = {
    1: Generation(1, 2.5e9, "NRZ", 1, "8b/10b", 8 / 10, "optional", 1e-12, False, "SPEC62 Table 4-1; ch8"),
    2: Generation(2, 5.0e9, "NRZ", 1, "8b/10b", 8 / 10, "optional", 1e-12, False, "SPEC62 Table 4-1; ch8"),
    3: Generation(3, 8.0e9, "NRZ", 1, "128b/130b", 128 / 130, "optional", 1e-12, False, "SPEC62 Table 4-1; ch8"),
    4: Generation(4, 16.0e9, "NRZ", 1, "128b/130b", 128 / 130, "optional", 1e-12, False, "SPEC62 Table 4-1; ch8"),
    5: Generation(5, 32.0e9, "NRZ", 1, "128b/130b", 128 / 130, "optional", 1e-12, False, "SPEC62 Table 4-1; ch8"),
    6: Generation(6, 64.0e9, "PAM4", 2, "1b/1b", 1.0, "mandatory", 1e-6, False, "SPEC62 Table 4-1; ch8 (FBER 1e-6)"),
    # Gen7: rate, PAM4 and flit-based encoding from PCI-SIG's release [SN-7]. That
    # it reuses the 6.x flit (and its FBER target) is an ASSUMPTION (no 7.0 text seen).
    7: Generation(
        7,
        128.0e9,
        "PAM4",
        2,
        "1b/1b",
        1.0,
        "mandatory",
        1e-6,
        False,
        "SN-7 (rate, PAM4, flit); 6.x flit layout and FBER assumed",
    ),
    # Gen8: only the 256 GT/s target is announced [SR-8]. PAM4, 1b/1b and the 6.x
    # flit are ASSUMPTIONS; results for gen 8 carry provisional=True.
    8: Generation(
        8,
        256.0e9,
        "PAM4",
        2,
        "1b/1b",
        1.0,
        "mandatory",
        1e-6,
        True,
        "SR-8 (rate only); modulation, encoding and flit assumed = Gen7 (PROVISIONAL)",
    ),
}

ALLOWED_GENS = tuple(GENERATIONS)
ALLOWED_LANES = (1, 2, 4, 8, 16)
GEN_DESCRIPTION = "1, 2, 3, 4, 5, 6, 7 (8 is provisional)"
LANES_DESCRIPTION = "1, 2, 4, 8, 16"


def _table(attr: str) -> np.ndarray:
    out = np.full(max(GENERATIONS) + 1, np.nan)
    for g, info in GENERATIONS.items():
        out[g] = float(getattr(info, attr))
    return out


_RATE = _table("rate")
_BPS = _table("bits_per_symbol")
_ENC = _table("encoding_efficiency")
_BER = _table("bit_error_rate")
_FLIT_MANDATORY = np.array([False] + [GENERATIONS[g].flit_mode == "mandatory" for g in sorted(GENERATIONS)])
_PROVISIONAL = np.array([False] + [GENERATIONS[g].provisional for g in sorted(GENERATIONS)])
#: 0 = 8b/10b, 1 = 128b/130b, 2 = 1b/1b (index used by per-encoding tables)
ENCODINGS = ("8b/10b", "128b/130b", "1b/1b")
_ENC_INDEX = np.array([-1] + [ENCODINGS.index(GENERATIONS[g].encoding) for g in sorted(GENERATIONS)])
# the same tables as tuples, for the scalar kernels (plain Python and numba read them as constants)
_RATE_T = tuple(float(x) for x in _RATE)
_ENC_T = tuple(float(x) for x in _ENC)
_ENC_INDEX_T = tuple(int(x) for x in _ENC_INDEX)


def check_gen(gen) -> Any:
    """Validate generation numbers; return them as an integer array (a Python int for a Python number).

    Raises
    ------
    ValueError
        If any value is not one of 1..8.
    """
    check_in("gen", gen, ALLOWED_GENS, GEN_DESCRIPTION)
    return int(gen) if type(gen) in PLAIN_NUMBERS else np.asarray(gen).astype(np.int64)


def check_lanes(lanes) -> Any:
    """Validate link widths; return them as an integer array (a Python int for a Python number).

    Raises
    ------
    ValueError
        If any value is not 1, 2, 4, 8 or 16.
    """
    check_in("lanes", lanes, ALLOWED_LANES, LANES_DESCRIPTION)
    return int(lanes) if type(lanes) in PLAIN_NUMBERS else np.asarray(lanes).astype(np.int64)


# -- public, broadcasting ------------------------------------------------------


def rate(gen):
    """Signalling rate per lane.

    Parameters
    ----------
    gen : int or array-like or xarray.DataArray
        PCIe generation, 1..8 (8 provisional).

    Returns
    -------
    rate : same kind as `gen`
        Transfers per second per lane [T/s], e.g. 32e9 for Gen5.
    """
    a, k = unpack(gen=gen)
    return pack(_RATE[check_gen(a["gen"])], k, "rate", "T/s", "signalling rate per lane")


def symbol_rate(gen):
    """Unit intervals per second per lane [Bd].

    PAM4 carries two bits per unit interval, so Gen6 (64 GT/s) signals at
    32 GBd, like Gen5's NRZ, with a 16 GHz Nyquist frequency [SPEC62 ch8].

    Parameters
    ----------
    gen : int or array-like or xarray.DataArray
        PCIe generation.

    Returns
    -------
    symbol_rate : same kind as `gen`
        [Bd].
    """
    a, k = unpack(gen=gen)
    g = check_gen(a["gen"])
    return pack(_RATE[g] / _BPS[g], k, "symbol_rate", "Bd", "unit intervals per second per lane")


def nyquist_frequency(gen):
    """Nyquist frequency of the lane signal [Hz]: symbol_rate / 2.

    Parameters
    ----------
    gen : int or array-like or xarray.DataArray
        PCIe generation.

    Returns
    -------
    nyquist_frequency : same kind as `gen`
        [Hz].
    """
    a, k = unpack(gen=gen)
    g = check_gen(a["gen"])
    return pack(_RATE[g] / _BPS[g] / 2, k, "nyquist_frequency", "Hz", "Nyquist frequency")


def encoding_efficiency(gen):
    """Line-encoding efficiency [1]: 8/10, 128/130 or 1 (1b/1b).

    In flit mode at 2.5-32 GT/s the same line encoding stays underneath the
    flits [SPEC62 Table 4-1], so the value depends only on the generation.

    Parameters
    ----------
    gen : int or array-like or xarray.DataArray
        PCIe generation.

    Returns
    -------
    encoding_efficiency : same kind as `gen`
        [1].
    """
    a, k = unpack(gen=gen)
    return pack(_ENC[check_gen(a["gen"])], k, "encoding_efficiency", "1", "line-encoding efficiency")


def line_rate(gen, lanes):
    """Bytes per second on the wire, per direction, before line encoding.

    ``rate x lanes / 8``. Gen6 x16: 128 GB/s per direction, the PCI-SIG
    headline 256 GB/s counting both directions.

    Parameters
    ----------
    gen : int or array-like or xarray.DataArray
        PCIe generation.
    lanes : int or array-like or xarray.DataArray
        Link width: 1, 2, 4, 8 or 16.

    Returns
    -------
    line_rate : broadcast kind of the inputs
        [B/s], per direction.
    """
    a, k = unpack(gen=gen, lanes=lanes)
    g, n = check_gen(a["gen"]), check_lanes(a["lanes"])
    return pack(line_rate_kernel(g, n), k, "line_rate", "B/s", "line rate per direction")


def raw_bandwidth(gen, lanes):
    """Raw bandwidth per direction after line encoding.

    ``rate x lanes x encoding_efficiency / 8``: Gen3 x8 7.877 GB/s, Gen5 x4
    15.754 GB/s, Gen6 x4 32 GB/s (1b/1b; the flit's own overhead is counted
    separately by :mod:`linkmodel.pcie.flit`).

    Parameters
    ----------
    gen : int or array-like or xarray.DataArray
        PCIe generation.
    lanes : int or array-like or xarray.DataArray
        Link width: 1, 2, 4, 8 or 16.

    Returns
    -------
    raw_bandwidth : broadcast kind of the inputs
        [B/s], per direction.
    """
    raw, k = raw_bandwidth_and_kind(gen, lanes)
    return pack(raw, k, "raw_bandwidth", "B/s", "raw bandwidth per direction after line encoding")


def symbol_time(gen):
    """Symbol time: the time to place one symbol on one lane [s].

    The unit of the spec's Ack/UpdateFC latency tables. The spec defines it as
    10 UI for 8b/10b and 8 UI (8 bits) for 128b/130b and 1b/1b: 4 ns at
    2.5 GT/s, 2 ns at 5 GT/s, 1 ns at 8 GT/s (MindShare p.240), 0.125 ns at
    64 GT/s.

    Parameters
    ----------
    gen : int or array-like or xarray.DataArray
        PCIe generation.

    Returns
    -------
    symbol_time : same kind as `gen`
        [s].
    """
    a, k = unpack(gen=gen)
    g = check_gen(a["gen"])
    return pack(symbol_time_kernel(g), k, "symbol_time", "s", "time of one symbol on one lane")


def is_provisional(gen):
    """True where the generation's figures rest on assumptions (Gen8).

    Parameters
    ----------
    gen : int or array-like or xarray.DataArray
        PCIe generation.

    Returns
    -------
    provisional : same kind as `gen`
        bool.
    """
    a, k = unpack(gen=gen)
    return pack(_PROVISIONAL[check_gen(a["gen"])], k, "provisional", None, "figures rest on assumptions")


# -- For linkmodel.pcie's own use (checked) -------------------------------------------
def raw_bandwidth_and_kind(gen, lanes):
    """Validate `gen` and `lanes`; return the raw bandwidth [B/s] as numpy and the inputs' Kind.

    For the public functions of linkmodel.pcie modules that return a value of
    the callers' kind (:func:`linkmodel._array.pack`).
    """
    a, k = unpack(gen=gen, lanes=lanes)
    g, n = check_gen(a["gen"]), check_lanes(a["lanes"])
    return raw_bandwidth_kernel(g, n), k


# -- Kernels (validated inputs, no checks; for linkmodel.pcie's own use) ---------------
# Element-wise lookups on integer arrays that check_gen has validated. They are not in
# __all__: the public functions above validate and broadcast; the link budget, which has
# validated everything once, calls these.


def rate_kernel(g):
    """Signalling rate per lane [T/s] of validated generations `g`."""
    return _RATE[g]


def encoding_efficiency_kernel(g):
    """Line-encoding efficiency [1] of validated generations `g`."""
    return _ENC[g]


def encoding_index_kernel(g):
    """Index into :data:`ENCODINGS` (0 8b/10b, 1 128b/130b, 2 1b/1b) of validated generations `g`."""
    return _ENC_INDEX[g]


def flit_mandatory_kernel(g):
    """True where flit mode is mandatory (64 GT/s and above), for validated generations `g`."""
    return _FLIT_MANDATORY[g]


def provisional_kernel(g):
    """True where the figures of validated generations `g` are provisional (Gen8)."""
    return _PROVISIONAL[g]


def bit_error_rate_kernel(g):
    """(First-)bit error rate target [1] of validated generations `g`."""
    return _BER[g]


# Scalar kernels (one element: plain floats in, a float out; see linkmodel.pcie._jit)


@jitable
def rate_scalar_kernel(g):
    """Signalling rate per lane [T/s] of one validated generation `g` (a float or int)."""
    return _RATE_T[int(g)]


@jitable
def encoding_efficiency_scalar_kernel(g):
    """Line-encoding efficiency [1] of one validated generation `g`."""
    return _ENC_T[int(g)]


@jitable
def encoding_index_scalar_kernel(g):
    """Index into :data:`ENCODINGS` (0 8b/10b, 1 128b/130b, 2 1b/1b) of one validated generation `g`."""
    return _ENC_INDEX_T[int(g)]


@jitable
def symbol_time_scalar_kernel(g):
    """Symbol time [s] of one validated generation `g`: 10 UI (8b/10b) or 8 UI per symbol."""
    return (10.0 if _ENC_INDEX_T[int(g)] == 0 else 8.0) / _RATE_T[int(g)]


@jitable
def line_rate_scalar_kernel(g, lanes):
    """Line rate per direction [B/s] of one validated element: rate x lanes / 8."""
    return _RATE_T[int(g)] * lanes / 8.0


@jitable
def raw_bandwidth_scalar_kernel(g, lanes):
    """Raw bandwidth per direction [B/s] of one validated element: line rate x encoding efficiency."""
    return line_rate_scalar_kernel(g, lanes) * _ENC_T[int(g)]


#: Symbol time [s] of validated generations `g` (arrays): :func:`symbol_time_scalar_kernel` per element.
symbol_time_kernel = elementwise(symbol_time_scalar_kernel)
#: :func:`line_rate_scalar_kernel` on validated arrays [B/s].
line_rate_kernel = elementwise(line_rate_scalar_kernel)
#: :func:`raw_bandwidth_scalar_kernel` on validated arrays [B/s].
raw_bandwidth_kernel = elementwise(raw_bandwidth_scalar_kernel)
