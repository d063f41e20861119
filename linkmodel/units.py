"""Units: multiplier constants, the parameter glossary, and edge parsing.

The core of linkmodel works in plain SI floats: bytes [B], seconds [s],
bytes per second [B/s], transfers per second [T/s], watts [W], joules [J].
Use the multiplier constants at call sites so that decimal and binary
prefixes are always explicit::

    >>> from linkmodel.units import KiB, GB, us
    >>> 128 * KiB
    131072
    >>> 14 * GB
    14000000000
    >>> round(50 * us, 9)
    5e-05

Human-readable strings ("128KiB", "14 GB/s", "50 us") are parsed only at the
edges (command line, spec files) by :func:`parse_quantity`, which uses a
small, closed pint registry: only the units listed in :data:`UNIT_DEFINITIONS`
exist, ``bit``/``byte`` carry their own dimension, and a bare number means the
canonical unit of the quantity.
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

__all__ = [
    "GB",
    "GLOSSARY",
    "MAX_MAGNITUDE",
    "MB",
    "MIN_MAGNITUDE",
    "PB",
    "QUANTITY_KINDS",
    "TB",
    "UNIT_DEFINITIONS",
    "B",
    "GBps",
    "GTps",
    "Gbit",
    "Gbps",
    "GiB",
    "J",
    "KiB",
    "MBps",
    "MTps",
    "MiB",
    "TiB",
    "W",
    "bit",
    "day",
    "format_bytes",
    "format_si",
    "hour",
    "inch",
    "kB",
    "m",
    "mW",
    "minute",
    "mm",
    "ms",
    "nJ",
    "ns",
    "pJ",
    "parse_quantity",
    "ps",
    "s",
    "us",
    "year",
]

# --- decimal (SI) byte multiples [B] ---------------------------------------
B = 1
kB = 10**3
MB = 10**6
GB = 10**9
TB = 10**12
PB = 10**15
# --- binary (IEC 80000-13) byte multiples [B] -------------------------------
KiB = 2**10
MiB = 2**20
GiB = 2**30
TiB = 2**40
# --- bits [B] ----------------------------------------------------------------
bit = 1 / 8
Gbit = 10**9 / 8
# --- time [s] ----------------------------------------------------------------
s = 1.0
ms = 1e-3
us = 1e-6
ns = 1e-9
ps = 1e-12
minute = 60.0
hour = 3600.0
day = 86400.0
year = 365 * 86400.0  # a 365-day year, as used in TBW = C x DWPD x 365 x years
# --- rates --------------------------------------------------------------------
GTps = 1e9  # 1 GT/s = 1e9 transfers (unit intervals' worth of bits per lane) per s
MTps = 1e6  # NAND channel rate: 1 MT/s on an 8-bit bus = 1 MB/s
GBps = 1e9  # [B/s]
MBps = 1e6  # [B/s]
Gbps = 1e9 / 8  # [B/s]
# --- power and energy -----------------------------------------------------------
W = 1.0
mW = 1e-3
J = 1.0
nJ = 1e-9
pJ = 1e-12
# --- length ---------------------------------------------------------------------
m = 1.0
mm = 1e-3
inch = 0.0254

#: Canonical parameter names and their SI units. Every public model function
#: uses these names; the unit in the docstring matches the one here.
GLOSSARY: dict[str, tuple[str, str]] = {
    "gen": ("1", "PCIe generation number: 1..7 (8 provisional)"),
    "lanes": ("1", "negotiated link width: 1, 2, 4, 8 or 16 lanes"),
    "rate": ("T/s", "signalling rate per lane, transfers (bits on the wire) per second"),
    "symbol_rate": ("Bd", "symbols (unit intervals) per second per lane; rate / bits per symbol"),
    "line_rate": ("B/s", "rate x lanes / 8: bytes per second on the wire, per direction, before line encoding"),
    "raw_bandwidth": ("B/s", "line_rate after line encoding (8b/10b, 128b/130b, 1b/1b), per direction"),
    "effective_bandwidth": ("B/s", "payload bytes per second delivered for the requested transfer, per direction"),
    "efficiency": ("1", "effective_bandwidth / raw_bandwidth"),
    "mps": ("B", "Max_Payload_Size: 128, 256, 512, 1024, 2048 or 4096"),
    "mrrs": ("B", "Max_Read_Request_Size: 128 ... 4096"),
    "rcb": ("B", "Read Completion Boundary: 64 or 128"),
    "size": ("B", "bytes moved by one transfer (one DMA / one I/O)"),
    "offset": ("B", "start address of a transfer modulo 4 KiB"),
    "write_fraction": ("1", "fraction of transferred payload bytes that are posted memory writes"),
    "round_trip": ("s", "non-posted request round trip: request sent to last completion received"),
    "tag_bits": ("1", "tag field width used by the requester: 5, 8, 10 or 14"),
    "flit_error_rate": ("1", "probability that a flit fails its CRC after FEC and is replayed"),
    "bit_error_rate": ("1", "probability that a bit is received in error (non-flit links)"),
    "replay_round_trip": ("s", "time from sending a flit/TLP to learning that it must be replayed"),
    "latency": ("s", "time"),
    "power": ("W", "power"),
    "energy": ("J", "energy"),
}

#: Definitions of the closed pint registry used by :func:`parse_quantity`.
#: ``bit`` is a base dimension of its own ([information]) so that a bare
#: number is never silently read as bits or bytes.
UNIT_DEFINITIONS = """
yotta- = 1e24 = Y-
zetta- = 1e21 = Z-
exa- = 1e18 = E-
peta- = 1e15 = P-
tera- = 1e12 = T-
giga- = 1e9 = G-
mega- = 1e6 = M-
kilo- = 1e3 = k-
milli- = 1e-3 = m-
micro- = 1e-6 = u- = µ- = μ-
nano- = 1e-9 = n-
pico- = 1e-12 = p-
femto- = 1e-15 = f-
kibi- = 2**10 = Ki-
mebi- = 2**20 = Mi-
gibi- = 2**30 = Gi-
tebi- = 2**40 = Ti-
pebi- = 2**50 = Pi-
bit = [information] = b
byte = 8 * bit = B = octet
second = [time] = s = sec
minute = 60 * second = min
hour = 60 * minute = h = hr
day = 24 * hour = d
transfer = [transfer] = T
symbol = [symbol]
baud = symbol / second = Bd
hertz = 1 / second = Hz
IOPS = 1 / second
meter = [length] = m
inch = 0.0254 * meter = in
kilogram = [mass] = kg
joule = kilogram * meter ** 2 / second ** 2 = J
watt = joule / second = W
percent = 0.01 = %
"""

#: The plain prefixed units, read without pint: ``prefix + symbol`` -> (factor to the canonical unit, that
#: canonical unit of :data:`QUANTITY_KINDS`), for every prefix of :data:`UNIT_DEFINITIONS` and the symbols of
#: :data:`_SYMBOLS` (``128KiB``, ``100ns``, ``25W``, ``14GB/s``, ``540kIOPS``, ``32GT/s``, ``1Tibit``,
#: ``5pJ/bit``...), and ``%``: the registry's own definitions, restated as numbers (a bit is 1/8 byte).
#: ``tests/test_units.py`` checks every entry against pint, to the last bit. Anything else (``GB / s``,
#: ``Gbit/s``, ``in``, ``min``, an unknown unit, a unit of the wrong kind) goes to pint.
_PREFIXES = {
    "": 1,
    **{p: 10.0**e for p, e in zip("YZEPTGMk", (24, 21, 18, 15, 12, 9, 6, 3), strict=True)},
    **{p: 10.0**-e for p, e in (("m", 3), ("u", 6), ("µ", 6), ("μ", 6), ("n", 9), ("p", 12), ("f", 15))},
    **{p: 2**e for p, e in (("Ki", 10), ("Mi", 20), ("Gi", 30), ("Ti", 40), ("Pi", 50))},
}
#: symbol -> (its size in the canonical unit, the canonical unit)
_SYMBOLS = {
    "B": (1, "byte"),
    "bit": (1 / 8, "byte"),
    "s": (1, "second"),
    "W": (1, "watt"),
    "J": (1, "joule"),
    "m": (1, "meter"),
    "B/s": (1, "byte / second"),
    "T/s": (1, "transfer / second"),
    "IOPS": (1, "1 / second"),
    "Hz": (1, "1 / second"),
    "B/s/W": (1, "byte / second / watt"),
    "J/B": (1, "joule / byte"),
    "J/bit": (8, "joule / byte"),
}
_PLAIN: dict[str, tuple[float, str]] = {
    **{p + sym: (f * g, unit) for sym, (g, unit) in _SYMBOLS.items() for p, f in _PREFIXES.items()},
    "%": (0.01, "dimensionless"),
}

#: Canonical SI unit for each kind of quantity parsed at the edges, with an
#: example shown in error messages.
QUANTITY_KINDS: dict[str, tuple[str, str]] = {
    "size": ("byte", "4096, 128KiB, 2MB, 1 Tibit"),
    "bytes": ("byte", "4096, 128KiB, 2MB"),  # a size given in bytes only (command-line transfer sizes)
    "bandwidth": ("byte / second", "14 GB/s, 28400 MB/s"),
    "time": ("second", "50 us, 1.2 ms"),
    "rate": ("transfer / second", "32 GT/s"),
    "frequency": ("1 / second", "3.4M IOPS, 540 kIOPS, 100 kHz"),
    "power": ("watt", "25 W, 800 mW"),
    "energy": ("joule", "5 pJ, 1 nJ"),
    "length": ("meter", "0.3 m, 10 in"),
    "energy_per_byte": ("joule / byte", "5 pJ/bit, 1 nJ/B"),
    "efficiency": ("byte / second / watt", "608 MB/s/W"),
    "iops_per_watt": ("1 / second / watt", "150 kIOPS/W"),
    "power_per_byte": ("watt / byte", "0.15 W/GiB"),
    "ratio": ("dimensionless", "0.28, 28%"),
}


@functools.lru_cache(maxsize=1)
def _registry():
    import pint  # imported lazily: the core never needs it

    ureg: Any = pint.UnitRegistry(None, autoconvert_offset_to_baseunit=False)
    for line in UNIT_DEFINITIONS.strip().splitlines():
        ureg.define(line)
    return ureg


#: The one accepted form: a decimal number with an optional exponent, then an
#: optional unit. Nothing is evaluated: no arithmetic, no ``**``.
_FORM = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*)$")
#: A unit: names joined by ``/`` (``GB/s``, ``MB/s/W``, ``pJ/bit``), or ``%``.
_UNIT = re.compile(r"^(?:%|[A-Za-zµμ]+(?:\s*/\s*[A-Za-zµμ]+)*)$")
#: Vendor sheets write ``2.0M IOPS`` and ``540K IOPS``: a scale letter, a space, IOPS.
_SCALED_IOPS = re.compile(r"^([kKMGT])\s+(IOPS\b.*)$")
#: Longest text read [characters]: the longest bundled value is about 10; 100 is ample
#: and keeps a pasted megabyte of digits from being parsed at all.
_MAX_TEXT = 100
#: Largest magnitude accepted, in the canonical SI unit. Basis: the largest
#: physical quantity anywhere in the models is below 1e21 (a 1e6-drive fleet
#: writing 1e15 B a day for years); 1e30 is far beyond any, yet finite in every
#: product the models form. Below this, a non-zero value is at least 1e-30
#: (5 fJ/bit, the smallest energy an input could plausibly carry, is 6e-16 J/B).
MAX_MAGNITUDE = 1e30
MIN_MAGNITUDE = 1e-30


def _form(label: str, example: str) -> str:
    return f"expected a number (optionally with an exponent, e.g. 1.5e3) and a unit, a {label} such as {example}"


def _read_text(raw: str, kind: str, name: str, label: str, example: str) -> float:
    """The magnitude of `raw` in the canonical unit of `kind`; ValueError naming `name` otherwise."""
    if not raw:
        raise ValueError(f"{name}: empty value; expected a {label} such as {example}")
    if raw.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        raise ValueError(f"{name}: {raw!r} is not a finite number")
    if len(raw) > _MAX_TEXT:
        raise ValueError(f"{name}: value too long ({len(raw)} characters); {_form(label, example)}")
    m = _FORM.match(raw)
    if m is None:
        if not re.match(r"^[+-]?(\d|\.\d)", raw):
            raise ValueError(f"{name}: {raw!r} has no number; expected a {label} such as {example}")
        raise ValueError(f"{name}: cannot read {raw!r}; {_form(label, example)}")
    number, unit = float(m.group(1)), m.group(2).strip()
    if not unit:
        return number
    scaled = _SCALED_IOPS.match(unit)
    if scaled:
        unit = scaled.group(1).replace("K", "k") + scaled.group(2)
    if not _UNIT.match(unit):
        raise ValueError(f"{name}: cannot read {raw!r}; {_form(label, example)}")
    plain = _PLAIN.get(unit)
    if plain is not None and plain[1] == QUANTITY_KINDS[kind][0] and not (kind == "bytes" and "bit" in unit):
        return number * plain[0]
    return _convert(number, unit, raw, kind, name, label, example)


def _convert(number: float, unit: str, raw: str, kind: str, name: str, label: str, example: str) -> float:
    import pint  # imported lazily: the core never needs it

    ureg = _registry()
    try:
        units = ureg.parse_units(unit)
    except pint.errors.UndefinedUnitError as exc:
        names = getattr(exc, "unit_names", None) or unit
        if isinstance(names, (tuple, list)):
            names = ", ".join(map(str, names))
        raise ValueError(
            f"{name}: cannot read {raw!r}: unknown unit {str(names)!r}; expected a {label} such as {example}"
        ) from None
    except Exception:  # tokenizer errors of many kinds
        raise ValueError(f"{name}: cannot read {raw!r}; {_form(label, example)}") from None
    if kind == "bytes" and "bit" in str(units):
        raise ValueError(f"{name}: {raw!r} is in bits; sizes are in bytes: B, kB, MB, KiB, MiB (e.g. {example})")
    try:
        return float(ureg.Quantity(number, units).to(QUANTITY_KINDS[kind][0]).magnitude)
    except pint.errors.DimensionalityError:
        raise ValueError(
            f"{name}: {raw!r} is not a {label} (it has units of {units:~}); expected e.g. {example}"
        ) from None
    except OverflowError:
        return math.inf


def parse_quantity(text, kind: str, name: str) -> float:
    """Parse a human-readable quantity into a plain SI float.

    Only one form is read: a decimal number with an optional exponent and an
    optional unit (``"128KiB"``, ``"14 GB/s"``, ``"1.5e3 us"``, ``"28%"``,
    ``"2.0M IOPS"``). Nothing is evaluated (``"2*3"`` and ``"9**9**9 B"`` are
    refused at once), and magnitudes beyond :data:`MAX_MAGNITUDE` (or non-zero
    ones below :data:`MIN_MAGNITUDE`) of the canonical SI unit are refused.

    Parameters
    ----------
    text : str or float or int
        For example ``"128KiB"``, ``"14 GB/s"``, ``"50 us"``. A bare number
        (or a Python number) is taken to be in the canonical unit of `kind`.
    kind : str
        One of the keys of :data:`QUANTITY_KINDS` (``"size"``, ``"time"``, ...).
    name : str
        The parameter or field name, used in error messages.

    Returns
    -------
    float
        The value in the canonical SI unit of `kind` (B, s, B/s, T/s, 1/s, W,
        J, m, or 1).

    Raises
    ------
    ValueError
        One line naming `name`, the offending text and the form accepted, if
        the text does not parse, has the wrong dimension, is not finite or is
        of an absurd magnitude.
    """
    if kind not in QUANTITY_KINDS:
        raise ValueError(f"parse_quantity: unknown kind {kind!r}; allowed: {', '.join(QUANTITY_KINDS)}")
    example = QUANTITY_KINDS[kind][1]
    label = "size" if kind == "bytes" else kind
    if isinstance(text, bool):
        raise ValueError(f"{name}: expected a {label} such as {example}, got {text!r}")
    if isinstance(text, (int, float)):
        try:
            value = float(text)
        except OverflowError:  # a Python int beyond the float range
            value = math.inf
    else:
        value = _read_text(str(text).strip(), kind, name, label, example)
    if not math.isfinite(value) and not isinstance(text, str):
        shown = text if isinstance(text, float) else "a huge number"
        raise ValueError(f"{name}: {shown!r} is not a finite number")
    if not abs(value) <= MAX_MAGNITUDE or 0 < abs(value) < MIN_MAGNITUDE:  # inf from a finite text too
        raise ValueError(
            f"{name}: {str(text)[:40]!r} is out of range: its magnitude must be 0 or between {MIN_MAGNITUDE:g} and "
            f"{MAX_MAGNITUDE:g} {_SI_SYMBOL[kind]}; expected e.g. {example}"
        )
    return value


#: The SI unit symbol of each kind, for messages.
_SI_SYMBOL = {
    "size": "B",
    "bytes": "B",
    "bandwidth": "B/s",
    "time": "s",
    "rate": "T/s",
    "frequency": "1/s",
    "power": "W",
    "energy": "J",
    "length": "m",
    "energy_per_byte": "J/B",
    "efficiency": "B/s/W",
    "iops_per_watt": "1/s/W",
    "power_per_byte": "W/B",
    "ratio": "(unitless)",
}


def format_si(value: float, unit: str, digits: int = 4) -> str:
    """Format an SI float with a decimal prefix, e.g. ``15.75 GB/s``.

    Parameters
    ----------
    value : float
        Value in the base unit.
    unit : str
        Unit symbol appended after the prefix (``"B/s"``, ``"s"``, ``"W"``).
    digits : int
        Significant digits.

    Returns
    -------
    str
    """
    if value == 0 or not math.isfinite(value):
        return f"{value:g} {unit}"
    prefixes = [
        (1e12, "T"),
        (1e9, "G"),
        (1e6, "M"),
        (1e3, "k"),
        (1.0, ""),
        (1e-3, "m"),
        (1e-6, "u"),
        (1e-9, "n"),
        (1e-12, "p"),
    ]
    mag = abs(value)
    for factor, prefix in prefixes:
        if mag >= factor:
            return f"{value / factor:.{digits}g} {prefix}{unit}"
    return f"{value:.{digits}g} {unit}"


def format_bytes(value: float) -> str:
    """Format a byte count with a binary prefix when exact (``128 KiB``), else decimal.

    Parameters
    ----------
    value : float
        Bytes [B].

    Returns
    -------
    str
    """
    for factor, prefix in ((TiB, "TiB"), (GiB, "GiB"), (MiB, "MiB"), (KiB, "KiB")):
        if value >= factor and value % factor == 0:
            return f"{int(value // factor)} {prefix}"
    if value == int(value) and value < 10**6:
        return f"{int(value)} B"
    return format_si(value, "B")
