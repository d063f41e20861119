"""What every command shares: the usage error, the one-line parser, number and part arguments, JSON, cells."""

from __future__ import annotations

import argparse
import importlib
import json
import math
import re
from collections.abc import Mapping

import numpy as np

from linkmodel.units import parse_quantity

__all__ = [
    "DRAWS_MAX",
    "SEED_MAX",
    "Parser",
    "UsageError",
    "add_draw_flags",
    "capacity_arg",
    "cell",
    "count_arg",
    "draws_arg",
    "flag_message",
    "int_arg",
    "jsonable",
    "number_arg",
    "part_arg",
    "parts_arg",
    "print_json",
    "quantity_arg",
    "rate_arg",
    "seed_arg",
    "share_arg",
]

#: ``--draws``: at most 20,000 draws per SKU (the 10th percentile of a figure with log-sd 0.5 to 0.6 %,
#: uncertainty.md §4; each draw resolves the SKU once, about 0.5 ms, so 10 s per SKU)
DRAWS_MAX = 20000
#: ``--seed``: numpy seeds any whole number >= 0; up to 10^9 (a round bound that fits one 32-bit word)
SEED_MAX = 10**9


class UsageError(Exception):
    """A bad command-line value; printed as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage block, the one prefix every error has
        if "expected one argument" in message:
            message += (
                " (a value starting with '-' must be attached: --round-trip=-1us; negative values are "
                "not allowed anyway)"
            )
        m = re.match(r"argument (\S+?)(?:/\S+)?: (.*)", message)
        if m:  # argparse's "argument --x: invalid choice: 'y' (choose from ...)" in the house form
            rest = re.sub(r"^invalid choice: (.*) \(choose from (.*)\)$", r"\1 not allowed; allowed: \2", m.group(2))
            message = f"{m.group(1)}: {rest}"
        raise UsageError(f"linkmodel: error: {message}")


#: ``/path/to/part.toml: `` at the start of a library message about a part's file
_FILE_PREFIX = re.compile(r"^(\S*?([^/\\\s]+)\.toml): ")


def flag_message(exc: ValueError, flags: dict[str, str]) -> str:
    """Rename the library parameter(s) at the start of a message (``name:`` or ``a, b:``) to their flags.

    A message about a part's spec file (``/path/x.toml: name: ...``) whose
    parameter is a flag is blamed on the flag, naming the part (``x``), not
    the file.
    """
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    m = _FILE_PREFIX.match(msg)
    body = msg[m.end() :] if m else msg
    head, sep, rest = body.partition(":")
    names = head.split(", ")
    if sep and all(n in flags for n in names):
        return ", ".join(dict.fromkeys(flags[n] for n in names)) + f":{rest}" + (f" (part {m.group(2)})" if m else "")
    return msg


def int_arg(text: str, flag: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise UsageError(f"{flag}: {text!r} is not a number") from None
    if not math.isfinite(value) or value != int(value):
        raise UsageError(f"{flag}: {text!r} is not a whole number")
    if abs(value) > 2**31:
        raise UsageError(f"{flag}: {text!r} is out of range")
    return int(value)


def print_json(doc) -> None:
    """Print one JSON document the way every ``--json`` does: indent 2, inf and NaN as null (:func:`jsonable`)."""
    print(json.dumps(jsonable(doc), indent=2))


def jsonable(x, where: str = "$"):
    """`x` with numpy scalars as Python numbers, reports and mappings as dicts, +inf as null ("no limit").

    NaN or -inf is never printed as a number (nor as null, which means "no limit"): it is an error naming
    where in the document it sits, so a silent NaN cannot reach a user.
    """
    if isinstance(x, Mapping):
        return {k: jsonable(v, f"{where}.{k}") for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v, f"{where}[{i}]") for i, v in enumerate(x)]
    if isinstance(x, (np.generic,)):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        if x == math.inf:
            return None  # JSON has no infinity: null means "no limit"
        raise ValueError(f"{where}: the model gave {x} here, which is not a value; please report the input")
    return x


def capacity_arg(text: str) -> float:
    """A SKU capacity [B] given with its unit; above 0 and at most 1 EB (100x the largest drives: 245 TB)."""
    try:
        float(text)
    except ValueError:
        v = parse_quantity(text, "size", "--capacity")
        if not 0 < v <= 1e18:
            raise UsageError(
                f"--capacity: {text!r} is out of range; give a SKU's capacity above 0 and up to 1 EB"
            ) from None
        return v
    raise UsageError(f"--capacity: give a unit, e.g. '7.68 TB' (got {text!r})")


def number_arg(flag: str, text: str, lo: float, integer: bool = False) -> float:
    try:
        v = float(text)
    except ValueError:
        raise UsageError(f"{flag}: expected a number >= {lo:g}, got {text!r}") from None
    if not (math.isfinite(v) and v >= lo) or (integer and v != int(v)):
        kind = "a whole number" if integer else "a finite number"
        raise UsageError(f"{flag}: expected {kind} >= {lo:g}, got {text!r}")
    return v


def part_arg(text: str, flag: str | None = None):
    """A Part from a bundled id or a spec-file path given on the command line (`flag` names it in errors)."""
    parts = importlib.import_module("linkmodel.parts")  # on use: commands without a part never load the catalogue
    try:
        return parts.part(text)
    except parts.SpecError:
        raise
    except ValueError as exc:
        msg = str(exc).removeprefix("part: ")
        raise UsageError(f"{flag}: {msg}" if flag else msg) from None


def parts_arg(values, flag: str = "--part") -> list:
    """Parts from repeated and/or comma-separated ids or spec-file paths (``--part a --part b,c``)."""
    texts = [t.strip() for v in values for t in v.split(",") if t.strip()]
    if not texts:
        raise UsageError(f"{flag}: give part ids or spec-file paths, comma-separated or repeated")
    return [part_arg(t, flag) for t in texts]


def _between(lo: float, hi: float, unit: str = "") -> str:
    u = f" {unit}" if unit else ""
    return f"between {lo:g}{u} and {hi:g}{u}" if math.isfinite(hi) else f">= {lo:g}{u}"


def quantity_arg(
    flag: str, text: str, kind: str, lo: float, hi: float, unit: str, example: str, bare: bool = False
) -> float:
    """A quantity with its unit (``'28 GB/s'``) in ``[lo, hi]`` of its SI unit `unit`, else a UsageError.

    A bare number other than 0 is refused unless `bare` (as in spec files: "28"
    could be B/s or GB/s). `lo`, `hi` are the plausible range; the caller
    states its basis.
    """
    t = str(text).strip()
    if not bare and _BARE.match(t) and float(t) != 0:
        raise UsageError(f"{flag}: give a unit, e.g. '{example}' (a bare number is ambiguous); got {text!r}")
    try:
        v = parse_quantity(t, kind, flag)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not lo <= v <= hi:
        raise UsageError(f"{flag}: expected a {kind} {_between(lo, hi, unit)}, got {text!r}")
    return v


_BARE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def share_arg(flag: str, text: str, positive: bool = False) -> float:
    """A share of a whole: 0.7 or 70 % (or, with `positive`, above 0), else a UsageError naming `flag`."""
    try:
        v = parse_quantity(text, "ratio", flag)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if not (0 < v <= 1 if positive else 0 <= v <= 1):
        lo = "above 0" if positive else "from 0"
        raise UsageError(f"{flag}: expected a share {lo} up to 1, e.g. 0.7 or 70%, got {text!r}")
    return v


_SCALE = {"k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "p": 1e15}


def count_arg(
    flag: str,
    text: str,
    lo: float = 0.0,
    hi: float = math.inf,
    integer: bool = False,
    example: str = "2, 50M or 8x312T",
    allow_zero: bool = True,
) -> float:
    """A count: a number with an optional k/M/G/T/P suffix and an optional 'N x' multiplier (N >= 1).

    '8x312T', '2.5e15', '100M', '50k'; the result in ``[lo, hi]`` (above 0
    unless `allow_zero`), else a UsageError naming `flag`.
    """
    t = text.strip().lower().replace(" ", "")
    if t.lstrip("+-") in ("inf", "infinity", "nan"):
        raise UsageError(f"{flag}: expected a finite number {_between(lo, hi)}, got {text!r}")
    bad = UsageError(f"{flag}: expected a number such as {example}, got {text!r}")
    mult = 1.0
    if "x" in t:
        n, _, t = t.partition("x")
        if not _BARE.match(n):
            raise bad
        mult = float(n)
        if not (math.isfinite(mult) and mult >= 1 and mult == int(mult)):
            raise UsageError(f"{flag}: the N in NxM must be a whole number >= 1, got {text!r}")
    if t and t[-1] in _SCALE:
        mult *= _SCALE[t[-1]]
        t = t[:-1]
    if not _BARE.match(t):
        raise bad
    v = float(t) * mult
    what = "a whole number" if integer else "a number"
    if not math.isfinite(v) or not lo <= v <= hi or (not allow_zero and v == 0) or (integer and v != int(v)):
        rng = _between(lo, hi) + (" (not 0)" if not allow_zero and lo <= 0 else "")
        raise UsageError(f"{flag}: expected {what} {rng}, got {text!r}")
    return v


def add_draw_flags(parser, draws_help: str, default=None) -> None:
    """``--draws N`` (help ``draws_help``: what is drawn and shown) and ``--seed S`` on a command's parser.

    Read them with :func:`draws_arg` and :func:`seed_arg`.
    """
    parser.add_argument("--draws", default=default, help=draws_help)
    parser.add_argument("--seed", default="0", help="seed of the draws, a whole number >= 0 (default 0)")


def draws_arg(text: str, flag: str = "--draws") -> int:
    """A number of draws: a whole number from 1 to :data:`DRAWS_MAX` (``1000``, ``1k``), else a UsageError."""
    return int(count_arg(flag, text, 1, DRAWS_MAX, integer=True, example="1000 or 1k", allow_zero=False))


def seed_arg(text: str, flag: str = "--seed") -> int:
    """A random seed: a whole number from 0 to :data:`SEED_MAX`, else a UsageError."""
    return int(count_arg(flag, text, 0, SEED_MAX, integer=True, example="0 or 42"))


def rate_arg(flag: str, text: str, hi: float) -> float:
    """Operations per second [1/s]: 100000, 100k, 2.0M, 540K IOPS, 3.4 MIOPS or 100 kIOPS, from 0 to `hi`."""
    t = text.strip()
    if t and t[-1].lower() in "km" and _BARE.match(t[:-1].strip()):  # 100k, 2.0M: a count per second
        v = float(t[:-1]) * (1e3 if t[-1].lower() == "k" else 1e6)
    else:
        try:
            v = parse_quantity(t, "frequency", flag)
        except ValueError:
            raise UsageError(
                f"{flag}: expected a rate such as 100000, 100k, 2.0M IOPS, 540K IOPS or 100 kIOPS, got {text!r}"
            ) from None
    if not 0 <= v <= hi:
        raise UsageError(f"{flag}: expected a rate {_between(0, hi, 'IOPS')}, got {text!r}")
    return v


def cell(value: float, width: int, decimals: int = 1) -> str:
    """`value` right-aligned in `width` characters: fixed-point if it fits, else with a k/M/G/T/P/E prefix
    (``1.5G``), else in e-notation (only magnitudes beyond 1e21 in cells narrower than 6 can overflow)."""
    text = f"{value:{width}.{decimals}f}"
    if len(text) <= width:
        return text
    for factor, prefix in _PREFIXES:
        if abs(value) >= factor:
            for digits in range(max(width - 2, 1), 0, -1):
                text = f"{value / factor:.{digits}g}{prefix}"
                if len(text) <= width and "e" not in text:
                    return text.rjust(width)
            break
    for digits in range(max(width - 5, 1), 0, -1):
        text = f"{value:{width}.{digits}g}"
        if len(text) <= width:
            return text
    return f"{value:{width}.0e}"


_PREFIXES = ((1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))
