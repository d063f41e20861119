"""The oracle rows the tests cite, vendored from the reference dossiers into ``tests/data/oracles.toml``, and
the references the tests make to them.

A test cites a dossier row as ``#N`` (several rows as ``#N-#M``), in a comment, a docstring or a label. Which
dossier: a reference written ``pcie#21``, ``ssd_modeling #8``, ``ai_workloads.md #27`` or
``ssd_modeling.md §9 #17`` names its own; a bare ``#N`` refers to the one dossier the file's module docstring
names as ``<dossier>.md §9``. ``#N`` right after "issue" or "PR" is an issue number, not a row.
"""

import ast
import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

__all__ = [
    "DATA",
    "DOSSIERS",
    "OPTIONAL",
    "REQUIRED",
    "Reference",
    "declared",
    "load",
    "problems",
    "references",
    "row",
    "uncited",
    "unresolved",
]

DATA = Path(__file__).resolve().parent / "data" / "oracles.toml"
#: the reference dossiers a test may cite (the ``<name>.md`` files of the project's reference collection)
DOSSIERS = ("pcie", "ssd_modeling", "ai_workloads", "edge_inference", "queueing_blocking", "uncertainty", "nand_dies")
#: the fields every vendored row has, and the ones a row may add
REQUIRED = ("statement", "value", "source")
OPTIONAL = ("tolerance", "tag")

_NAMES = "|".join(DOSSIERS)
# a dossier-qualified reference, or a bare one (not glued to a word, not an HTML entity); a range as #N-#M
_REF = re.compile(
    rf"(?:\b(?P<name>{_NAMES})(?:\.md)?(?:[ \t]*§9)?[ \t]*|(?<![&\w]))#(?P<first>\d+)\b(?:-#(?P<last>\d+)\b)?"
)
_NOT_A_ROW = re.compile(r"\b(?:issues?|PR|pull request)[ \t]*$", re.IGNORECASE)
_DECLARED = re.compile(rf"\b({_NAMES})\.md[ \t]*§9")


class Reference(NamedTuple):
    """One cited row: its dossier (``None`` when the file does not say), its number and its line (1-based)."""

    dossier: str | None
    number: int
    line: int


@cache
def load() -> dict[str, dict[str, dict[str, str]]]:
    """The vendored rows: ``{dossier: {"N": {field: text}}}``, read once from ``tests/data/oracles.toml``."""
    with DATA.open("rb") as f:
        return tomllib.load(f)


def row(dossier: str, number: int) -> dict[str, str]:
    """The vendored row ``number`` of ``dossier`` (a KeyError names a row that is not vendored)."""
    return load()[dossier][str(number)]


def declared(text: str) -> str | None:
    """The dossier a Python source's module docstring names as ``<dossier>.md §9``, if it names exactly one."""
    try:
        doc = ast.get_docstring(ast.parse(text)) or ""
    except SyntaxError:
        doc = ""
    names = set(_DECLARED.findall(doc))
    return names.pop() if len(names) == 1 else None


def references(text: str) -> list[Reference]:
    """Every row a Python source cites, ranges expanded, in the order written."""
    default = declared(text)
    out: list[Reference] = []
    for m in _REF.finditer(text):
        if not m["name"] and _NOT_A_ROW.search(text[max(0, m.start() - 20) : m.start()]):
            continue
        first = int(m["first"])
        last = int(m["last"]) if m["last"] else first
        line = text.count("\n", 0, m.start()) + 1
        out.extend(Reference(m["name"] or default, n, line) for n in range(first, max(first, last) + 1))
    return out


def unresolved(refs: list[Reference], rows: dict[str, dict[str, Any]]) -> list[str]:
    """One message for each reference that names no dossier or cites a row ``rows`` does not hold."""
    out = []
    for r in refs:
        if r.dossier is None:
            out.append(
                f"line {r.line}: #{r.number} names no dossier: write it as <dossier>#{r.number} or name one "
                "dossier as '<dossier>.md §9' in the module docstring"
            )
        elif str(r.number) not in rows.get(r.dossier, {}):
            out.append(f"line {r.line}: {r.dossier}#{r.number} is not vendored in tests/data/oracles.toml")
    return out


def uncited(rows: dict[str, dict[str, Any]], refs: list[Reference]) -> list[str]:
    """The rows of ``rows`` that no reference cites, as ``dossier#N``."""
    cited = {(r.dossier, r.number) for r in refs}
    return [f"{d}#{n}" for d, table in rows.items() for n in table if (d, int(n)) not in cited]


def problems(rows: dict[str, Any]) -> list[str]:
    """What is wrong with a table of vendored rows: unknown dossiers, keys that are not row numbers, rows
    without a statement, a value or a source, unknown fields, fields that are not text."""
    out = []
    for dossier, table in rows.items():
        if dossier not in DOSSIERS:
            out.append(f"[{dossier}]: not a reference dossier; known: {', '.join(DOSSIERS)}")
        for key, entry in table.items():
            where = f"[{dossier}.{key!r}]"
            if not (key.isdigit() and int(key) > 0):
                out.append(f"{where}: the key must be the dossier's row number")
            if not isinstance(entry, dict):
                out.append(f"{where}: a row is a table of {', '.join(REQUIRED + OPTIONAL)}")
                continue
            out += [f"{where}: no {f}" for f in REQUIRED if not str(entry.get(f, "")).strip()]
            out += [f"{where}: unknown field {f!r}" for f in entry if f not in REQUIRED + OPTIONAL]
            out += [f"{where}: {f} is not text" for f, v in entry.items() if not isinstance(v, str)]
    return out
