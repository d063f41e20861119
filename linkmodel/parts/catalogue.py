"""The shared catalogue: NAND dies and controllers, values shared by every part that uses them.

Catalogue files (``data/catalogue/nand.toml``, ``controllers.toml``) hold each
entry's facts (with sources) and assumptions (with bases); a part file may add
entries of its own (``[[nand]]``, ``[[controller]]``), completed by the
catalogue's shared values. The schema is documented in ``data/specs/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from linkmodel.parts.locations import data_dir
from linkmodel.parts.schema import (
    CATALOGUE_SCHEMA,
    FieldType,
    SpecError,
    Value,
    check_keys,
    facts_and_assumptions,
    read_toml,
)
from linkmodel.pcie import phy

__all__ = ["CONTROLLER_FIELDS", "NAND_FIELDS", "CatalogueEntry", "inline_entries", "load_catalogue_file"]

# ---------------------------------------------------------------------------
# catalogue
# ---------------------------------------------------------------------------

NAND_FIELDS: dict[str, FieldType] = {
    "vendor": FieldType("str", True),
    "generation": FieldType("str", True),
    "cell": FieldType("choice", True, ("SLC", "MLC", "TLC", "QLC")),
    "layers": FieldType("int"),
    "die_capacity": FieldType("size", True),
    "planes": FieldType("int", True),
    "page_size": FieldType("size", True),
    "spare_fraction": FieldType("ratio", True, positive=False),
    "interface_rate": FieldType("rate", True),
    "t_read": FieldType("time", True),
    "t_prog": FieldType("time", True),
    "t_erase": FieldType("time", True),
    "t_read_slc": FieldType("time", True),  # the die run in SLC mode (one bit per cell)
    "t_prog_slc": FieldType("time", True),
    "block_pages": FieldType("int", True),
    "independent_plane_reads": FieldType("int", True),
    "program_cache_pages": FieldType("int", True, positive=False),
    "read_power": FieldType("power", True),
    "program_power": FieldType("power"),  # default: the calibrated shared value
    "erase_power": FieldType("power", True),
    "standby_power": FieldType("power", True, positive=False),
    "io_energy": FieldType("energy_per_byte", True),
    "command_time": FieldType("time", True, positive=False),
    "pe_cycles": FieldType("number"),
}

CONTROLLER_FIELDS: dict[str, FieldType] = {
    "vendor": FieldType("str", True),
    "name": FieldType("str", True),
    "gen": FieldType("int", True, tuple(phy.GENERATIONS)),
    "lanes": FieldType("int", choices=tuple(phy.ALLOWED_LANES)),
    "channels": FieldType("int", True),
    "max_channel_rate": FieldType("rate", True),
    "iops_limit": FieldType("frequency"),
    "bandwidth_limit": FieldType("bandwidth"),
    "active_power": FieldType("power", True),
    "idle_power": FieldType("power", positive=False),
    "process_nm": FieldType("number"),
}

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
        loose = {k: FieldType(v.kind, False, v.choices, v.positive) for k, v in fields.items()}
        shared[group] = facts_and_assumptions(ps, table, loose, prefix=f"shared.{group}.")
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
        loose = {k: FieldType(v.kind, False, v.choices, v.positive) for k, v in fields.items()}
        vals = facts_and_assumptions(ps, e, loose, prefix=f"{where}.")
        group = vals["cell"].value if "cell" in vals else "all"
        for g in (group, "all"):
            for k, v in shared.get(g, {}).items():
                vals.setdefault(k, Value(v.value, v.assumed, f"shared {g} value{shared_where}: {v.basis}"))
        for key, ft in fields.items():
            if ft.required and key not in vals:
                raise SpecError(
                    f"{ps}: {where}.facts.{key}: required field missing "
                    f"(give it as a fact, an assumption, or a [shared] value)"
                )
        out[e["id"]] = CatalogueEntry(e["id"], kind, ps, vals, str(e.get("notes", "")))
    return out


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
