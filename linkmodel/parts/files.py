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
from linkmodel.pcie import phy, transactions
from linkmodel.units import KiB

__all__ = [
    "PART_FIELDS",
    "PUBLISHED_KINDS",
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

#: the link values a part may state: the PCIe model's own lists (one home: linkmodel.pcie)
_GENS = tuple(phy.GENERATIONS)
_LANES = tuple(phy.ALLOWED_LANES)
_SIZES = tuple(float(m) for m in transactions.ALLOWED_MPS)  # MPS and MRRS take the same sizes

PART_FIELDS: dict[str, FieldType] = {
    "gen": FieldType("int", True, _GENS, doc="PCIe generation"),
    "lanes": FieldType("int", True, _LANES, doc="PCIe link width"),
    "mps": FieldType("size", choices=_SIZES, doc="Max_Payload_Size"),
    "mrrs": FieldType("size", choices=_SIZES, doc="Max_Read_Request_Size"),
    "controller": FieldType("str", True, doc="controller catalogue id, or the id of the file's own [[controller]]"),
    "nand": FieldType("str", True, doc="NAND catalogue id, or the id of the file's own [[nand]]"),
    "nand_by_capacity": FieldType(
        "nand_map", doc="NAND catalogue id per SKU capacity where SKUs differ (the others use `nand`)"
    ),
    "channels": FieldType("int", doc="NAND channels used (default: the controller's)"),
    "channel_rate": FieldType("rate", doc="NAND bus rate (default: min of controller and NAND)"),
    "capacity": FieldType("size", True, doc="user capacity of the SKU the figures refer to"),
    "raw_capacity": FieldType("size", doc="NAND capacity (default: next power-of-two TiB count)"),
    "power_cap": FieldType("power", True, doc="maximum average active power the drive is held to"),
    "power_states": FieldType("power_list", doc="maximum power of each operational NVMe power state, PS0 first"),
    "dram": FieldType(
        "size", doc="DRAM capacity (default 1 GB per TB of NAND at a 4 KiB mapping unit, scaled by 4 KiB / unit)"
    ),
    "indirection_unit": FieldType("size", doc="mapping granularity (default 4 KiB; 16 KiB for QLC)"),
    "dwpd": FieldType("number", doc="rated drive writes per day"),
    "slc_cache": FieldType(
        "number",
        positive=False,
        doc="share of host writes that pass through an SLC write cache and are folded later, 0-1 (default 0: no cache)",
    ),
    "warranty_years": FieldType("number", doc="warranty period for the endurance rating"),
    "form_factor": FieldType("str"),
    "dual_port": FieldType("bool"),
}

METRICS: dict[str, tuple[str, str]] = {
    # metric -> (quantity kind, description)
    "seq_read": ("bandwidth", "sequential read, 128 KiB unless stated [B/s]"),
    "seq_write": ("bandwidth", "sequential write, 128 KiB unless stated [B/s]"),
    "rand_read": ("frequency", "random read IOPS, 4 KiB unless stated [1/s]"),
    "rand_write": ("frequency", "random write IOPS (steady state), 4 KiB unless stated [1/s]"),
    "mixed_70_30": ("frequency", "random 70 % read / 30 % write IOPS, 4 KiB [1/s]"),
    "active_power": ("power", "maximum average active power [W]"),
    "seq_read_power": ("power", "average power during sequential reads [W]"),
    "seq_write_power": ("power", "average power during sequential writes [W]"),
    "read_efficiency": ("efficiency", "sequential read bandwidth per watt [B/s/W]"),
    "idle_power": ("power", "idle power [W]"),
    "read_latency": ("time", "QD1 4 KiB random read latency [s]"),
    "write_latency": ("time", "QD1 4 KiB random write latency [s]"),
    "dwpd": ("ratio", "drive writes per day"),
    "tbw_random": ("size", "rated terabytes written, random workload [B]"),
    "tbw_seq": ("size", "rated terabytes written, sequential workload [B]"),
}
PUBLISHED_KINDS = ("up_to", "typical", "max", "measured", "derived")
PUBLISHED_KEYS = {
    "metric",
    "value",
    "kind",
    "capacity",
    "block_size",
    "queue_depth",
    "source",
    "confirmed",
    "note",
    "sets",
}


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
        required fields, wrong types, negative values, unknown units.
    """
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
    headline = fields["capacity"].value
    published = []
    entries = data.get("published", [])
    if not isinstance(entries, list):
        raise SpecError(f"{ps}: published: expected an array of tables ([[published]])")
    for i, e in enumerate(entries):
        where = f"published[{i}]"
        if not isinstance(e, dict):
            raise SpecError(f"{ps}: {where}: expected a table")
        check_keys(ps, f"{where}.", e, PUBLISHED_KEYS)
        for req in ("metric", "value", "kind", "source"):
            if req not in e:
                raise SpecError(f"{ps}: {where}.{req}: required field missing")
        metric = e["metric"]
        if metric not in METRICS:
            raise SpecError(f"{ps}: {where}.metric: {metric!r} not allowed; allowed: {', '.join(METRICS)}")
        kind = convert(ps, f"{where}.kind", e["kind"], FieldType("choice", choices=PUBLISHED_KINDS))
        value = convert(ps, f"{where}.value", e["value"], FieldType(METRICS[metric][0]))
        cap = convert(ps, f"{where}.capacity", e["capacity"], FieldType("size")) if "capacity" in e else headline
        block = (
            convert(ps, f"{where}.block_size", e["block_size"], FieldType("size"))
            if "block_size" in e
            else _default_block(metric)
        )
        qd = convert(ps, f"{where}.queue_depth", e["queue_depth"], FieldType("number")) if "queue_depth" in e else None
        source = convert(ps, f"{where}.source", e["source"], FieldType("str"))
        confirmed = convert(ps, f"{where}.confirmed", e.get("confirmed", True), FieldType("bool"))
        note = convert(ps, f"{where}.note", e["note"], FieldType("str")) if "note" in e else ""
        sets = convert(ps, f"{where}.sets", e["sets"], FieldType("str")) if "sets" in e else ""
        published.append(Published(metric, value, kind, cap, block, qd, source, confirmed, note, sets))
    inline = {kind: inline_entries(ps, data, kind) for kind in ("nand", "controller")}
    return Part(
        id=data["id"],
        vendor=data["vendor"],
        model=data["model"],
        path=ps,
        fields=fields,
        published=tuple(published),
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
    parts = {p.id: p for p in bundled_parts()}
    if part_id not in parts:
        raise KeyError(f"unknown part {part_id!r}; known: {', '.join(sorted(parts))}")
    return parts[part_id]


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
