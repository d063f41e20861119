"""A small TOML writer for the mutated spec files (tomllib reads only; no writer is a dependency).

Writes what the spec files use: strings, ints, floats (nan and inf as TOML's own ``nan``/``inf``),
booleans, arrays, tables, arrays of tables. Keys that are not bare words are quoted.
"""

from __future__ import annotations

import json
import math
import re

__all__ = ["dumps"]

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(k: str) -> str:
    return k if _BARE.match(k) else json.dumps(k)


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)  # a JSON string is a TOML basic string for what we write
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {type(v).__name__} as TOML")


def _is_table_array(v) -> bool:
    return isinstance(v, list) and bool(v) and all(isinstance(x, dict) for x in v)


def _emit(d: dict, prefix: str, lines: list[str]) -> None:
    tables, arrays = [], []
    for k, v in d.items():
        if isinstance(v, dict) and not _inline(v):
            tables.append((k, v))
        elif _is_table_array(v):
            arrays.append((k, v))
        else:
            lines.append(f"{_key(k)} = {_value(v)}")
    for k, v in tables:
        name = f"{prefix}{_key(k)}"
        lines.append(f"\n[{name}]")
        _emit(v, name + ".", lines)
    for k, items in arrays:
        name = f"{prefix}{_key(k)}"
        for item in items:
            lines.append(f"\n[[{name}]]")
            _emit(item, name + ".", lines)


def _inline(v: dict) -> bool:
    # {value = ..., basis = ...} assumptions and small maps read better inline; tables holding
    # tables (facts with its source) must be real tables
    return all(not isinstance(x, dict) and not _is_table_array(x) for x in v.values()) and len(v) <= 3


def dumps(d: dict) -> str:
    """`d` as TOML text."""
    lines: list[str] = []
    _emit(d, "", lines)
    return "\n".join(lines) + "\n"
