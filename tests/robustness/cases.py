"""The bad-input generator (issue 15): every CLI command and flag, every spec-file field, public functions.

Deterministic: table-driven (a value list per kind of input) plus systematic mutation (each flag of each
subcommand found by walking ``linkmodel.cli.main.build_parser()``; each field of the part schema and the
NAND/controller schemas; each parameter of the public functions). ``all_cases()`` returns them all;
``counts()`` tallies them by area. What a case expects:

- ``expect="error"``: exit code 2, nothing on stdout, exactly one line on stderr that starts with
  ``linkmodel: error:`` and names the input (any string of each group in ``names``), no traceback;
  a library case raises a ValueError (or subclass) with a one-line message naming the parameter.
- ``expect="ok"``: exit code 0, and the ``--json`` output holds no NaN, no infinity and no negative
  physical quantity.

Every case runs within 10 s and 1 GiB (see ``runner.py``).
"""

from __future__ import annotations

import collections
import functools
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Case", "all_cases", "by_id", "counts", "fast_sample"]


@dataclass(frozen=True)
class Case:
    """One input and what it must produce.

    id : unique, stable, readable (pytest shows it)
    area : "cli", "spec" or "lib"
    argv : the command line (cli/spec); ``{dir}`` stands for the case's own scratch folder
    files : (name, content) written into that folder first; content is text, bytes, or "FIFO"
    call : lib cases: a zero-argument function that makes (function, args, kwargs) (built lazily)
    names : groups of strings; the error line must hold one string of each group
    expect : "error" or "ok"
    heavy : may hang or exhaust memory on broken code: run only in an isolated child process
    """

    id: str
    area: str
    argv: tuple[str, ...] = ()
    files: tuple[tuple[str, Any], ...] = ()
    call: Any = field(default=None, compare=False, repr=False)
    names: tuple[tuple[str, ...], ...] = ()
    expect: str = "error"
    heavy: bool = False


@functools.cache
def all_cases() -> tuple[Case, ...]:
    """Every case, in a fixed order, ids unique."""
    from robustness import cli_cases, lib_cases, spec_cases

    out = (*cli_cases.cases(), *spec_cases.cases(), *lib_cases.cases())
    dup = [k for k, n in collections.Counter(c.id for c in out).items() if n > 1]
    assert not dup, f"duplicate case ids: {dup[:5]}"
    return out


@functools.cache
def by_id() -> dict[str, Case]:
    return {c.id: c for c in all_cases()}


def counts() -> dict[str, int]:
    """Cases per area (and error vs ok)."""
    c = collections.Counter(f"{x.area}/{x.expect}" for x in all_cases())
    return dict(sorted(c.items()))


def fast_sample(n: int = 100) -> tuple[Case, ...]:
    """About `n` cases spread evenly over all areas, none heavy: the inner loop's in-process sample."""
    pool = [c for c in all_cases() if not c.heavy]
    step = max(1, len(pool) // n)
    return tuple(pool[::step])
