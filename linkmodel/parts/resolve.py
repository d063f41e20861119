"""From a part spec file (+ the shared catalogue) to drive-model parameters, each with its provenance.

Every parameter comes from exactly one place, and :func:`params_from_part`
says which. :data:`linkmodel.parts.rules.RULES` lists, per parameter and in
resolution order, a tuple of small resolvers tried in turn: a mode or what-if
override, a fact or assumption of the part, a catalogue value (shared by every
part using that NAND or controller), a shared default (an assumption applied
to every part alike, with its basis), a calibrated constant, or a value
derived from the others. The first resolver that answers gives the value and
its :class:`~linkmodel.parts.shared.Provenance`. There are no per-part tuning
knobs.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, get_args

import numpy as np

from linkmodel._typing import CellMode
from linkmodel.parts.calibration import stored
from linkmodel.parts.files import CatalogueEntry, Part, SpecError, Value, same_capacity
from linkmodel.parts.shared import SHARED, Provenance
from linkmodel.ssd.nand import BITS_PER_CELL

__all__ = [
    "CELL_MODES",
    "Context",
    "Resolved",
    "Resolver",
    "about",
    "context",
    "from_entry",
    "g",
    "lookup",
    "nand_id",
    "number",
    "power_states",
    "resolve",
    "shared",
    "value_kind",
]

CELL_MODES: tuple[str, ...] = get_args(CellMode)

#: what a resolver gives: the value (SI; a float, or an array/DataArray for calibration grids) and where it came from
Resolved = tuple[Any, Provenance]


@dataclass(frozen=True)
class Context:
    """Everything a resolver may read: the part, the SKU, its NAND and controller, the overrides.

    ``values`` holds the parameters resolved so far (in rule order), so a derived
    resolver reads what it rests on from there.
    """

    part: Part
    capacity: float | None
    nand: CatalogueEntry
    ctrl: CatalogueEntry
    chosen_assumed: Mapping[str, bool]
    whatif: Mapping[str, Any]
    calibrated: Mapping[str, Any]
    cell_mode: CellMode
    power_state: int | None
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def bits(self) -> int:
        """Native bits per cell of the SKU's NAND [1]."""
        return BITS_PER_CELL[self.nand.get("cell")]

    def entry(self, kind: str) -> CatalogueEntry:
        """The SKU's ``"nand"`` or ``"controller"`` entry."""
        return self.nand if kind == "nand" else self.ctrl

    def entry_assumed(self, entry: CatalogueEntry, key: str) -> bool:
        """A catalogue value is an assumption when the entry says so or the part's choice of the entry is one."""
        return self.chosen_assumed[entry.kind] or entry.fields[key].assumed

    def entry_source(self, entry: CatalogueEntry) -> str:
        """``"part file"`` for the file's own ``[[nand]]``/``[[controller]]``, else ``"catalogue"``."""
        return "part file" if entry.path == self.part.path else "catalogue"


#: a resolver: (context, parameter name) -> (value, provenance), or None when it has nothing to give
Resolver = Callable[[Context, str], "Resolved | None"]


def number(x):
    """A file value as a number: a float, or a float array where a draw put an array of values (each
    element resolved as that value alone would be) [SI]."""
    return np.asarray(x, dtype=float) if isinstance(x, np.ndarray) else float(x)


def g(x) -> str:
    """A value for a provenance text, as ``f"{x:g}"``; an array of draws as ``"lo-hi"`` (its least and
    greatest element) [units of ``x``]."""
    if isinstance(x, np.ndarray):
        return f"{float(np.min(x)):g}-{float(np.max(x)):g}"
    return f"{x:g}"


def value_kind(v: Value) -> str:
    """Provenance source of a part's own value: assumed, fact, or fact (secondary source)."""
    return "assumed" if v.assumed else ("fact (secondary source)" if v.secondary else "fact")


def from_entry(ctx: Context, entry: CatalogueEntry, key: str) -> Resolved:
    """A catalogue (or part-file entry) value with its provenance, marked ASSUMPTION where it is one."""
    v = entry.fields[key]
    assumed_basis = "ASSUMPTION" in v.basis.upper()
    if ctx.chosen_assumed[entry.kind] and not assumed_basis:
        why = f"ASSUMPTION: the part's {entry.kind} is assumed; "
    elif ctx.entry_assumed(entry, key) and not assumed_basis:
        why = "ASSUMPTION: "
    else:
        why = ""
    return number(v.value), Provenance(ctx.entry_source(entry), f"{entry.kind} {entry.id}: " + why + v.basis)


def lookup(table: dict[str, CatalogueEntry], key: str, part: Part, kind: str) -> CatalogueEntry:
    """The part file's own ``[[nand]]``/``[[controller]]`` entry of that id, else the catalogue's."""
    own = part.inline.get(kind, {})
    if key in own:
        if key in table:
            raise SpecError(
                f"{part.path}: {kind}: the file's own entry {key!r} has a catalogue id; give it another "
                f"id, or drop it to use the catalogue's"
            )
        return own[key]
    if key not in table:
        extra = f"; the file's own: {', '.join(sorted(own))}" if own else ""
        raise SpecError(f"{part.path}: {kind}: unknown catalogue id {key!r}; known: {', '.join(sorted(table))}" + extra)
    return table[key]


def nand_id(part: Part, capacity: float | None = None) -> str:
    """The NAND catalogue id of one SKU: ``nand_by_capacity`` where it lists the SKU, else ``nand``."""
    cap = part.get("capacity") if capacity is None else float(capacity)
    by_cap = part.get("nand_by_capacity") if "nand_by_capacity" in part.fields else {}
    for c, nid in by_cap.items():
        if same_capacity(c, cap):
            return nid
    return part.get("nand")


def power_states(part: Part):
    """The part's NVMe operational power states as a ``power_state`` DataArray [W].

    Pass it as ``power_cap`` to :func:`linkmodel.ssd.drive.predict` to get every
    prediction per power state. Without a ``power_states`` field, the part's
    ``power_cap`` is its only state (PS0).

    Returns
    -------
    xarray.DataArray
        Dimension ``power_state`` with coordinates ``"PS0"``, ``"PS1"``, ... [W].
    """
    import xarray as xr

    caps = part.get("power_states") or (part.get("power_cap"),)
    return xr.DataArray(
        list(caps),
        dims="power_state",
        coords={"power_state": [f"PS{i}" for i in range(len(caps))]},
        attrs={"units": "W", "long_name": "maximum power of the NVMe power state"},
    )


def _check_nand_by_capacity(part: Part, cat) -> None:
    """Every id in ``nand_by_capacity`` names a NAND entry, whether or not a figure uses its SKU."""
    own = part.inline.get("nand", {})
    for c, nid in (part.get("nand_by_capacity") or {}).items():
        if nid not in cat["nand"] and nid not in own:
            known = ", ".join(sorted(set(cat["nand"]) | set(own)))
            raise SpecError(
                f"{part.path}: nand_by_capacity: unknown NAND id {nid!r} (the {c / 1e12:g} TB SKU); known: {known}"
            )


def context(part, capacity, cat, constants, cell_mode, power_state, whatif) -> Context:
    """The resolution context of one SKU (checks ``cell_mode``; looks up its NAND and controller)."""
    if cell_mode not in CELL_MODES:
        raise ValueError(f"cell_mode: {cell_mode!r} not allowed; allowed: {', '.join(CELL_MODES)}")
    nand_key = nand_id(part, capacity) if whatif.get("nand") is None else whatif["nand"]
    ctrl_key = part.get("controller") if whatif.get("controller") is None else whatif["controller"]
    # the part's choice of NAND or controller may itself be an assumption (or a what-if): then so is every
    # value it brings, whatever the catalogue says of the entry
    f = part.fields
    _check_nand_by_capacity(part, cat)
    chosen_assumed = {
        "nand": whatif.get("nand") is not None
        or f["nand"].assumed
        or ("nand_by_capacity" in f and f["nand_by_capacity"].assumed),
        "controller": whatif.get("controller") is not None or f["controller"].assumed,
    }
    return Context(
        part=part,
        capacity=capacity,
        nand=lookup(cat["nand"], nand_key, part, "nand"),
        ctrl=lookup(cat["controller"], ctrl_key, part, "controller"),
        chosen_assumed=chosen_assumed,
        whatif={k: v for k, v in whatif.items() if v is not None},
        calibrated=dict(stored(), **(constants or {})),
        cell_mode=cell_mode,
        power_state=power_state,
    )


def resolve(ctx: Context, rules) -> Iterator[tuple[str, Resolved]]:
    """Apply the rules in order; each parameter takes the first resolver that answers."""
    for name, resolvers in rules:
        for resolver in resolvers:
            got = resolver(ctx, name)
            if got is not None:
                ctx.values[name] = got[0]
                yield name, got
                break
        else:
            raise SpecError(f"{ctx.part.path}: {name}: no rule gives a value")


def shared(key: str) -> Resolved:
    """A shared default's value and provenance."""
    return SHARED[key].value, Provenance("shared", SHARED[key].basis)


@contextlib.contextmanager
def about(part: Part, capacity: float | None = None):
    """Re-raise a model's ValueError as a SpecError naming the part's file and SKU.

    A spec file can hold values that load fine one by one but make no drive
    together (a power cap below the static power, say); the user then needs to
    know which file and capacity it was.
    """
    try:
        yield
    except SpecError:
        raise
    except ValueError as exc:
        sku = f" ({capacity / 1e12:g} TB SKU)" if capacity is not None else ""
        raise SpecError(f"{part.path}{sku}: {exc}") from None
