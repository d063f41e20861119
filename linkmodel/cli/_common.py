"""What every command shares: the usage error, the one-line parser, number and part arguments, JSON."""

from __future__ import annotations

import argparse
import math
from collections.abc import Mapping

import numpy as np

from linkmodel import parts as _parts
from linkmodel.units import parse_quantity

__all__ = [
    "Parser",
    "UsageError",
    "capacity_arg",
    "flag_message",
    "int_arg",
    "jsonable",
    "number_arg",
    "part_arg",
]


class UsageError(Exception):
    """A bad command-line value; printed as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage block
        if "expected one argument" in message:
            message += (
                " (a value starting with '-' must be attached: --round-trip=-1us; negative values are "
                "not allowed anyway)"
            )
        raise UsageError(f"{self.prog}: error: {message}")


def flag_message(exc: ValueError, flags: dict[str, str]) -> str:
    """Rename the library parameter(s) at the start of a message (``name:`` or ``a, b:``) to their flags."""
    msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    head, sep, rest = msg.partition(":")
    names = head.split(", ")
    if sep and all(n in flags for n in names):
        return ", ".join(dict.fromkeys(flags[n] for n in names)) + f":{rest}"
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


def jsonable(x):
    """`x` with numpy scalars as Python numbers, reports and mappings as dicts, inf and NaN as null."""
    if isinstance(x, Mapping):
        return {k: jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if isinstance(x, (np.generic,)):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None  # JSON has no infinity: null means "no limit"
    return x


def capacity_arg(text: str) -> float:
    try:
        float(text)
    except ValueError:
        return parse_quantity(text, "size", "--capacity")
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


def part_arg(text: str):
    """A Part from a bundled id or a spec-file path given on the command line."""
    try:
        return _parts.part(text)
    except _parts.SpecError:
        raise
    except ValueError as exc:
        raise UsageError(str(exc).removeprefix("part: ")) from None
