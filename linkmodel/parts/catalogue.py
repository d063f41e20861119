"""The shared catalogue: NAND dies and controllers, values shared by every part that uses them.

Catalogue files (``data/catalogue/nand.toml``, ``controllers.toml``) hold each
entry's facts (with sources) and assumptions (with bases); a part file may add
entries of its own (``[[nand]]``, ``[[controller]]``), completed by the
catalogue's shared values. The schema is documented in ``data/specs/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from linkmodel.parts.fields import CONTROLLER_FIELDS, NAND_FIELDS
from linkmodel.parts.locations import data_dir
from linkmodel.parts.schema import (
    CATALOGUE_SCHEMA,
    SpecError,
    Value,
    check_keys,
    facts_and_assumptions,
    read_toml,
)
from linkmodel.units import format_si

__all__ = ["CONTROLLER_FIELDS", "NAND_FIELDS", "CatalogueEntry", "inline_entries", "load_catalogue_file"]

# ---------------------------------------------------------------------------
# catalogue
# ---------------------------------------------------------------------------

CATALOGUE_ENTRY_KEYS = {"id", "source", "facts", "assumed", "notes"}


@dataclass(frozen=True)
class CatalogueEntry:
    """A NAND die or controller in the shared catalogue."""

    id: str
    kind: str
    path: str
    fields: dict = field(repr=False)
    notes: str = ""

    def get(self, key: str, default=None):
        """The SI value of a field, or `default`."""
        v = self.fields.get(key)
        return default if v is None else v.value


def _catalogue_shared(ps: str, data: dict, kind: str) -> dict[str, dict[str, Value]]:
    """The ``[shared.<group>]`` tables of a catalogue file (group = a NAND cell type, or "all")."""
    fields = NAND_FIELDS if kind == "nand" else CONTROLLER_FIELDS
    shared_raw = data.get("shared", {})
    if not isinstance(shared_raw, dict):
        raise SpecError(f"{ps}: shared: expected a table of groups")
    shared: dict[str, dict[str, Value]] = {}
    for group, table in shared_raw.items():
        if not isinstance(table, dict):
            raise SpecError(f"{ps}: shared.{group}: expected a table")
        check_keys(ps, f"shared.{group}.", table, {"facts", "assumed", "source"})
        loose = {k: replace(v, required=False) for k, v in fields.items()}
        shared[group] = facts_and_assumptions(ps, table, loose, prefix=f"shared.{group}.", links=False)
    return shared


def _catalogue_entries(ps: str, entries, kind: str, shared: dict, shared_where: str = "") -> dict[str, CatalogueEntry]:
    """``[[nand]]`` or ``[[controller]]`` tables of file ``ps``, each completed by the ``shared`` values."""
    fields = NAND_FIELDS if kind == "nand" else CONTROLLER_FIELDS
    if not isinstance(entries, list):
        raise SpecError(f"{ps}: {kind}: expected an array of tables ([[{kind}]])")
    out = {}
    for i, e in enumerate(entries):
        where = f"{kind}[{i}]"
        if not isinstance(e, dict):
            raise SpecError(f"{ps}: {where}: expected a table")
        check_keys(ps, f"{where}.", e, CATALOGUE_ENTRY_KEYS)
        if not isinstance(e.get("id"), str) or not e["id"].strip():
            raise SpecError(f"{ps}: {where}.id: required string missing")
        if e["id"] in out:
            raise SpecError(f"{ps}: {where}.id: duplicate id {e['id']!r}")
        loose = {k: replace(v, required=False) for k, v in fields.items()}
        vals = facts_and_assumptions(ps, e, loose, prefix=f"{where}.")
        group = vals["cell"].value if "cell" in vals else "all"
        for g in (group, "all"):
            for k, v in shared.get(g, {}).items():
                vals.setdefault(k, Value(v.value, v.assumed, f"shared {g} value{shared_where}: {v.basis}", v.prior))
        for key, ft in fields.items():
            if ft.required and key not in vals:
                raise SpecError(
                    f"{ps}: {where}.facts.{key}: required field missing "
                    f"(give it as a fact, an assumption, or a [shared] value)"
                )
        _check_entry(ps, where, vals)
        out[e["id"]] = CatalogueEntry(e["id"], kind, ps, vals, str(e.get("notes", "")))
    return out


#: (lower, higher, unit): pairs of an entry's values where the first may not exceed the second
_ORDERED = (
    ("t_read_slc", "t_read", "s"),  # a die reads one bit per cell at least as fast as several
    ("t_prog_slc", "t_prog", "s"),  # and programs one bit per cell at least as fast
    ("independent_plane_reads", "planes", ""),  # a die reads at most all its planes at once
    ("idle_power", "active_power", "W"),  # a controller draws no more idle than active
)


def _check_entry(ps: str, where: str, vals: dict[str, Value]) -> None:
    """Contradictions between an entry's values (its own, or shared values it takes), one line naming both."""
    for lo, hi, unit in _ORDERED:
        if lo in vals and hi in vals and vals[lo].value > vals[hi].value:
            shown = [f"{k} {format_si(vals[k].value, unit).strip()}" + _shared(vals[k]) for k in (lo, hi)]
            raise SpecError(f"{ps}: {where}.{lo}: {shown[0]} is above {shown[1]}")


def _shared(v: Value) -> str:
    return " (a [shared] value)" if v.basis.startswith("shared ") else ""


def load_catalogue_file(path, kind: str) -> dict[str, CatalogueEntry]:
    """Load ``nand.toml`` (kind ``"nand"``) or ``controllers.toml`` (``"controller"``).

    Returns
    -------
    dict of id -> CatalogueEntry

    Raises
    ------
    SpecError
    """
    p = Path(path)
    ps = str(p)
    data = read_toml(p)
    check_keys(ps, "", data, {"schema", kind, "shared"})
    if data.get("schema") != CATALOGUE_SCHEMA:
        raise SpecError(f'{ps}: schema: expected "{CATALOGUE_SCHEMA}", got {data.get("schema")!r}')
    # shared values, merged into every entry of their group; an entry's own value wins
    shared = _catalogue_shared(ps, data, kind)
    return _catalogue_entries(ps, data.get(kind, []), kind, shared)


def inline_entries(ps: str, data: dict, kind: str) -> dict[str, CatalogueEntry]:
    """A part file's own ``[[nand]]`` / ``[[controller]]`` entries, completed by the catalogue's shared values."""
    if kind not in data:
        return {}
    cat_path = data_dir() / "catalogue" / ("nand.toml" if kind == "nand" else "controllers.toml")
    shared = _catalogue_shared(str(cat_path), read_toml(cat_path), kind)
    entries = data[kind]
    if isinstance(entries, list) and isinstance(data.get("source"), str):  # the file-wide source covers them too
        entries = [dict(e, source=e.get("source", data["source"])) if isinstance(e, dict) else e for e in entries]
    return _catalogue_entries(ps, entries, kind, shared, shared_where=f" ({cat_path.name})")
