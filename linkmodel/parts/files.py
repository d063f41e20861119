"""Spec files: published SSD parts and the shared catalogue, with provenance.

A part file (``data/specs/<id>.toml``) holds *facts* about one published SSD
(each with its source), clearly separated *assumptions* (each with its basis)
where facts are missing, and the *published figures* to validate against.
Catalogue files (``data/catalogue/nand.toml``, ``controllers.toml``) hold values
shared by every part that uses them, with the same facts/assumed split.
The schema is documented in ``data/specs/README.md``.

Every value is converted to SI at load time (``"14.8 GB/s"`` -> 1.48e10
B/s). Errors name the file and the field and say what is allowed::

    data/specs/x.toml: facts.gen: 9 not allowed; allowed: 1, 2, 3, 4, 5, 6, 7 (8 is provisional)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from linkmodel.parts.catalogue import CatalogueEntry, inline_entries, load_catalogue_file
from linkmodel.parts.fields import (
    BURST_METRICS,
    ENDURANCE_METRICS,
    METRICS,
    PART_FIELDS,
    PUBLISHED_KEYS,
    PUBLISHED_STATES,
)
from linkmodel.parts.locations import data_dir, specs_dir
from linkmodel.parts.schema import (
    SCHEMA,
    FieldType,
    SpecError,
    Value,
    check_keys,
    convert,
    facts_and_assumptions,
    read_toml,
)
from linkmodel.units import KiB

__all__ = [
    "PART_FIELDS",
    "PUBLISHED_KINDS",
    "PUBLISHED_STATES",
    "SEQUENTIAL_METRICS",
    "CatalogueEntry",
    "Part",
    "Published",
    "SpecError",
    "Value",
    "bundled_parts",
    "catalogue",
    "data_dir",
    "load",
    "load_catalogue_file",
    "load_part",
    "part",
    "same_capacity",
    "specs_dir",
]

# ---------------------------------------------------------------------------
# parts
# ---------------------------------------------------------------------------

PUBLISHED_KINDS = ("up_to", "typical", "max", "measured", "derived")


@dataclass(frozen=True)
class Published:
    """One published figure of a part.

    Attributes
    ----------
    metric : str
        A key of :data:`METRICS`.
    value : float
        SI value (B/s, 1/s, W, B/s/W, s, 1, B).
    kind : str
        ``up_to`` (vendor "up to"), ``typical``, ``max``, ``measured`` (third-party
        test), ``derived`` (arithmetic on published figures).
    capacity : float
        User capacity of the SKU [B].
    block_size : float
        I/O size [B] (128 KiB sequential, 4 KiB random unless stated).
    queue_depth : float or None
        Queue depth if stated.
    source : str
    confirmed : bool
        False for figures seen only in secondary sources.
    note : str
    sets : str
        Non-empty when a shared catalogue value is inferred from this figure
        (named here): validation then does not score it, being circular.
    state : str
        The drive state the figure was measured in, a key of :data:`PUBLISHED_STATES`: ``steady`` (the
        default) or ``slc_burst`` (a burst into the SLC write cache of a fresh drive; sequential writes
        only, :data:`~linkmodel.parts.fields.BURST_METRICS`).
    """

    metric: str
    value: float
    kind: str
    capacity: float
    block_size: float
    queue_depth: float | None
    source: str
    confirmed: bool
    note: str = ""
    sets: str = ""
    state: str = "steady"


@dataclass(frozen=True)
class Part:
    """A published SSD part: facts, assumptions and published figures."""

    id: str
    vendor: str
    model: str
    path: str
    fields: dict = field(repr=False)
    published: tuple = ()
    segment: str = ""
    notes: str = ""
    #: the file's own NAND and controller entries (``[[nand]]``, ``[[controller]]``): kind -> id -> CatalogueEntry
    inline: dict = field(default_factory=dict, repr=False)

    def get(self, key: str, default=None):
        """The SI value of a field, or `default`."""
        v = self.fields.get(key)
        return default if v is None else v.value

    def assumptions(self) -> dict[str, Value]:
        """Fields that are assumptions, with their bases."""
        return {k: v for k, v in self.fields.items() if v.assumed}

    def capacities(self) -> list[float]:
        """Capacities [B] that published figures refer to (headline first)."""
        caps = [self.get("capacity")]
        for p in self.published:
            if p.capacity not in caps:
                caps.append(p.capacity)
        return caps


PART_KEYS = {
    "schema",
    "id",
    "vendor",
    "model",
    "segment",
    "notes",
    "source",
    "facts",
    "assumed",
    "published",
    "nand",
    "controller",
}


#: metrics of a sequential workload (128 KiB unless a figure says otherwise); the rest default to 4 KiB
SEQUENTIAL_METRICS = ("seq_read", "seq_write", "seq_read_power", "seq_write_power", "read_efficiency")


def _default_block(metric: str) -> float:
    return 128.0 * KiB if metric in SEQUENTIAL_METRICS else 4.0 * KiB


def _published(ps: str, data: dict, headline: float) -> tuple[Published, ...]:
    """The ``[[published]]`` figures of part file ``ps``; a figure without a source takes the file-wide one."""
    entries = data.get("published", [])
    if not isinstance(entries, list):
        raise SpecError(f"{ps}: published: expected an array of tables ([[published]])")
    out = []
    for i, e in enumerate(entries):
        where = f"published[{i}]"
        if not isinstance(e, dict):
            raise SpecError(f"{ps}: {where}: expected a table")
        check_keys(ps, f"{where}.", e, PUBLISHED_KEYS)
        if "source" not in e and "source" in data:
            e = dict(e, source=data["source"])
        for req in ("metric", "value", "kind", "source"):
            if req not in e:
                extra = " (or give a file-wide `source`)" if req == "source" else ""
                raise SpecError(f"{ps}: {where}.{req}: required field missing{extra}")
        metric = e["metric"]
        if metric not in METRICS:
            raise SpecError(f"{ps}: {where}.metric: {metric!r} not allowed; allowed: {', '.join(METRICS)}")
        for key in ("block_size", "queue_depth"):
            if key in e and metric in ENDURANCE_METRICS:
                raise SpecError(f"{ps}: {where}.{key}: an endurance rating ({metric}) has no {key.replace('_', ' ')}")
        got = {k: convert(ps, f"{where}.{k}", v, ft) for k, v in e.items() if (ft := PUBLISHED_KEYS[k]) is not None}
        if got.get("state", "steady") == "slc_burst" and metric not in BURST_METRICS:
            raise SpecError(
                f"{ps}: {where}.state: an SLC-cache burst is modelled for {', '.join(BURST_METRICS)} only, not {metric}"
            )
        mkind, span, _ = METRICS[metric]
        out.append(
            Published(
                metric,
                convert(ps, f"{where}.value", e["value"], FieldType(mkind, span=span)),
                convert(ps, f"{where}.kind", e["kind"], FieldType("choice", choices=PUBLISHED_KINDS)),
                got.get("capacity", headline),
                got.get("block_size", _default_block(metric)),
                got.get("queue_depth"),
                got["source"],
                got.get("confirmed", True),
                got.get("note", ""),
                got.get("sets", ""),
                got.get("state", "steady"),
            )
        )
    return tuple(out)


def _check_power(ps: str, fields: dict[str, Value], published: tuple[Published, ...]) -> None:
    """Idle power cannot exceed the power cap, nor a published active power of the same SKU [W].

    (A power state above ``power_cap`` is not a contradiction: the Solidigm D7-PS1030 publishes a 23 W
    average beside a 25 W top configurable state.)"""
    cap = fields["power_cap"].value
    for i, p in enumerate(published):
        if p.metric != "idle_power":
            continue
        if p.value > cap:
            raise SpecError(f"{ps}: published[{i}].value: idle_power {p.value:g} W above facts.power_cap {cap:g} W")
        for j, q in enumerate(published):
            if q.metric == "active_power" and same_capacity(q.capacity, p.capacity) and p.value > q.value:
                raise SpecError(
                    f"{ps}: published[{i}].value: idle_power {p.value:g} W above the active power "
                    f"{q.value:g} W of published[{j}] (same capacity)"
                )


def _check_dram(ps: str, fields: dict[str, Value]) -> None:
    """A DRAM-less part (``dramless = true``) gives no ``dram``; an ``hmb`` belongs to a DRAM-less part only."""
    where = {k: f"{'assumed' if v.assumed else 'facts'}.{k}" for k, v in fields.items()}
    dramless = bool(fields["dramless"].value) if "dramless" in fields else False
    if dramless and "dram" in fields:
        raise SpecError(f"{ps}: {where['dram']}: a DRAM-less part (dramless = true) has no DRAM")
    if "hmb" in fields and not dramless:
        raise SpecError(
            f"{ps}: {where['hmb']}: a host memory buffer replaces the drive's DRAM; set dramless = true with it"
        )


def load_part(path) -> Part:
    """Load and validate one part spec file.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.toml`` file (anywhere on disk).

    Returns
    -------
    Part

    Raises
    ------
    SpecError
        One line naming the file and field: bad TOML, unknown keys, missing
        required fields, wrong types, negative values, unknown units, a
        capacity in bits, a value outside its plausible range
        (:mod:`~linkmodel.parts.fields`), link fields of the other link family
        (a ``gear`` on PCIe, a ``gen`` on UFS), ``dram`` on a DRAM-less part or
        ``hmb`` on one with DRAM, idle power above the power cap or
        the active power, an endurance figure with a block size, a figure's
        ``state`` not in :data:`PUBLISHED_STATES` (or ``slc_burst`` on a
        metric other than a sequential write), an ``id`` that is not the file name.
    """
    if not isinstance(path, str | Path) or not str(path).strip():
        raise SpecError(f"path: expected a spec file's path (a .toml file), got {path!r}")
    p = Path(path)
    data = read_toml(p)
    ps = str(p)
    check_keys(ps, "", data, PART_KEYS)
    if data.get("schema") != SCHEMA:
        raise SpecError(f'{ps}: schema: expected "{SCHEMA}", got {data.get("schema")!r}')
    for key in ("id", "vendor", "model"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise SpecError(f"{ps}: {key}: required string missing")
    fields = facts_and_assumptions(ps, data, PART_FIELDS)
    published = _published(ps, data, fields["capacity"].value)
    _check_power(ps, fields, published)
    _check_dram(ps, fields)
    inline = {kind: inline_entries(ps, data, kind) for kind in ("nand", "controller")}
    if data["id"] != p.stem:
        raise SpecError(
            f"{ps}: id: {data['id']!r} is not the file name {p.stem!r}; a part's id is its file name "
            f"(rename the file {data['id']}.toml or set id = {p.stem!r})"
        )
    return Part(
        id=data["id"],
        vendor=data["vendor"],
        model=data["model"],
        path=ps,
        fields=fields,
        published=published,
        segment=str(data.get("segment", "")),
        notes=str(data.get("notes", "")),
        inline=inline,
    )


# ---------------------------------------------------------------------------
# locations
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _bundled() -> tuple[Part, ...]:
    parts = [load_part(p) for p in sorted(specs_dir().glob("*.toml"))]
    ids = [p.id for p in parts]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise SpecError(f"{specs_dir()}: duplicate part id {sorted(dup)[0]!r}")
    return tuple(parts)


def bundled_parts() -> list[Part]:
    """Every bundled part, sorted by id (the files are read once per process)."""
    return list(_bundled())


def load(part_id: str) -> Part:
    """A bundled part by id.

    Raises
    ------
    KeyError
        Listing the known ids.
    """
    known = _bundled_ids()
    if part_id not in known:
        raise KeyError(f"unknown part {part_id!r}; known: {', '.join(known)}")
    if _bundled.cache_info().currsize:  # every part is read already
        return next(p for p in _bundled() if p.id == part_id)
    return _load_one(part_id)  # a part's id is its file's name: read that file alone


@functools.lru_cache(maxsize=1)
def _bundled_ids() -> tuple[str, ...]:
    """The bundled parts' ids: their files' names (``load_part`` refuses an id that is not), sorted."""
    return tuple(sorted(p.stem for p in specs_dir().glob("*.toml")))


@functools.cache
def _load_one(part_id: str) -> Part:
    return load_part(specs_dir() / f"{part_id}.toml")


@functools.lru_cache(maxsize=1)
def _catalogue() -> tuple[dict[str, CatalogueEntry], dict[str, CatalogueEntry]]:
    d = data_dir() / "catalogue"
    return load_catalogue_file(d / "nand.toml", "nand"), load_catalogue_file(d / "controllers.toml", "controller")


def catalogue() -> dict[str, dict[str, CatalogueEntry]]:
    """The shared catalogue: ``{"nand": {...}, "controller": {...}}`` (read once per process)."""
    nand, ctrl = _catalogue()
    return {"nand": dict(nand), "controller": dict(ctrl)}


def part(ref) -> Part:
    """A Part from a bundled id, a spec-file path (str or Path) or a Part.

    Raises
    ------
    ValueError
        ``part: ...`` naming what was given and what is allowed (a SpecError for a bad file).
    """
    if isinstance(ref, Part):
        return ref
    if isinstance(ref, str) and not ref.strip():
        raise ValueError("part: an empty name; give a part id (e.g. kioxia-cm9-r) or a spec-file path")
    if isinstance(ref, Path) or (isinstance(ref, str) and (ref.endswith(".toml") or Path(ref).exists())):
        return load_part(ref)
    if isinstance(ref, str):
        try:
            return load(ref)
        except KeyError as e:
            raise ValueError(f"part: {e.args[0]}") from None
    raise ValueError(f"part: {ref!r} is not a part id, a spec-file path or a Part")


def same_capacity(a: float, b: float) -> bool:
    """Whether two capacities [B] name the same SKU: equal within 1e-9 relative (the one rule, D7)."""
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b))
