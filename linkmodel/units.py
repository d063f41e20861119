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
    "MB",
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

#: Canonical SI unit for each kind of quantity parsed at the edges, with an
#: example shown in error messages.
QUANTITY_KINDS: dict[str, tuple[str, str]] = {
    "size": ("byte", "4096, 128KiB, 2MB, 1 Tibit"),
    "bytes": ("byte", "4096, 128KiB, 2MB"),  # a size given in bytes only (command-line transfer sizes)
    "bandwidth": ("byte / second", "14 GB/s, 28400 MB/s"),
    "time": ("second", "50 us, 1.2 ms"),
    "rate": ("transfer / second", "32 GT/s"),
    "frequency": ("1 / second", "3.4M IOPS, 100 kHz"),
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


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_LEADING_NUMBER = re.compile(r"^[+-]?(\d|\.\d)")


def parse_quantity(text, kind: str, name: str) -> float:
    """Parse a human-readable quantity into a plain SI float.

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
        One line naming `name`, the offending text and an example of what is
        accepted, if the text does not parse, has the wrong dimension, or is
        not finite.
    """
    if kind not in QUANTITY_KINDS:
        raise ValueError(f"parse_quantity: unknown kind {kind!r}; allowed: {', '.join(QUANTITY_KINDS)}")
    target, example = QUANTITY_KINDS[kind]
    label = "size" if kind == "bytes" else kind
    if isinstance(text, bool):
        raise ValueError(f"{name}: expected a {label} such as {example}, got {text!r}")
    if isinstance(text, (int, float)):
        value = float(text)
    else:
        raw = str(text).strip()
        if not raw:
            raise ValueError(f"{name}: empty value; expected a {label} such as {example}")
        if _NUMBER.match(raw):
            value = float(raw)
        elif raw.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise ValueError(f"{name}: {raw!r} is not a finite number")
        elif not _LEADING_NUMBER.match(raw):
            raise ValueError(f"{name}: {raw!r} has no number; expected a {label} such as {example}")
        else:
            import pint

            ureg = _registry()
            try:
                q = ureg.Quantity(raw)
            except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError) as exc:
                unit = getattr(exc, "unit_names", None) or exc
                if isinstance(unit, (tuple, list)):
                    unit = ", ".join(map(str, unit))
                raise ValueError(
                    f"{name}: cannot read {raw!r}: unknown unit {str(unit)!r}; expected a {label} such as {example}"
                ) from None
            except Exception:  # tokenizer errors of many kinds
                raise ValueError(f"{name}: cannot read {raw!r}; expected a {label} such as {example}") from None
            if not isinstance(q, ureg.Quantity):  # e.g. "2*3" parses to a plain number
                value = float(q)
            else:
                if kind == "bytes" and "bit" in str(q.units):
                    raise ValueError(
                        f"{name}: {raw!r} is in bits; sizes are in bytes: B, kB, MB, KiB, MiB (e.g. {example})"
                    )
                try:
                    value = float(q.to(target).magnitude)
                except pint.errors.DimensionalityError:
                    raise ValueError(
                        f"{name}: {raw!r} is not a {label} (it has units of {q.units:~}); expected e.g. {example}"
                    ) from None
    if not math.isfinite(value):
        raise ValueError(f"{name}: {text!r} is not a finite number")
    return value


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
