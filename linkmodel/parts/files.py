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
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linkmodel.units import KiB, parse_quantity

SCHEMA = "linkmodel-spec/1"
CATALOGUE_SCHEMA = "linkmodel-catalogue/1"


class SpecError(ValueError):
    """A spec or catalogue file that cannot be used; the message is one line."""


# ---------------------------------------------------------------------------
# field types
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldType:
    """How one field is read: its kind and constraints."""

    kind: str  # a parse_quantity kind, or "int", "str", "number", "choice"
    required: bool = False
    choices: tuple = ()
    positive: bool = True
    doc: str = ""


def _convert(path: str, key: str, raw: Any, ft: FieldType):
    where = f"{path}: {key}"
    if ft.kind.endswith("_list"):  # a non-empty array of quantities, e.g. power states
        if not isinstance(raw, list) or not raw:
            raise SpecError(f'{where}: expected a non-empty array such as ["25 W", "15 W"], got {raw!r}')
        item = FieldType(ft.kind[: -len("_list")], positive=ft.positive)
        return tuple(_convert(path, f"{key}[{i}]", x, item) for i, x in enumerate(raw))
    if ft.kind == "nand_map":  # SKU capacity -> catalogue id, e.g. { "1.92 TB" = "kioxia-bics5-tlc" }
        if not isinstance(raw, dict) or not raw:
            raise SpecError(
                f"{where}: expected a table of capacity = catalogue id, e.g. "
                f'{{ "1.92 TB" = "kioxia-bics5-tlc" }}, got {raw!r}'
            )
        out = {}
        for cap, nid in raw.items():
            c = _convert(path, f"{key}.{cap!r}", cap, FieldType("size"))
            out[c] = _convert(path, f"{key}.{cap!r}", nid, FieldType("str"))
        return out
    if ft.kind == "str":
        if not isinstance(raw, str) or not raw.strip():
            raise SpecError(f"{where}: expected a non-empty string, got {raw!r}")
        return raw
    if ft.kind == "choice":
        if raw not in ft.choices:
            raise SpecError(f"{where}: {raw!r} not allowed; allowed: {', '.join(map(str, ft.choices))}")
        return raw
    if ft.kind == "bool":
        if not isinstance(raw, bool):
            raise SpecError(f"{where}: expected true or false, got {raw!r}")
        return raw
    value: Any
    if ft.kind == "int":
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise SpecError(f"{where}: expected a whole number, got {raw!r}")
        value = raw
    elif ft.kind == "number":
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise SpecError(f"{where}: expected a number, got {raw!r}")
        value = float(raw)
    else:
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            raise SpecError(f'{where}: expected a {ft.kind} such as "{_example(ft.kind)}", got {raw!r}')
        if ft.kind != "ratio" and (not isinstance(raw, str) or _NUMBER_ONLY.match(raw.strip())):
            # a bare number in a spec file is a unit left out: "25" could be W or mW, "15.36" TB or bytes
            raise SpecError(f'{where}: a {ft.kind} needs a unit, e.g. "{_example(ft.kind)}"; got {raw!r}')
        try:
            value = parse_quantity(raw, ft.kind, key)
        except ValueError as exc:
            msg = str(exc)
            if msg.startswith(f"{key}: "):
                msg = msg[len(key) + 2 :]
            raise SpecError(f"{where}: {msg}") from None
    if not math.isfinite(value):
        raise SpecError(f"{where}: must be finite")
    if ft.positive and value <= 0:
        raise SpecError(f"{where}: must be positive, got {raw!r}")
    if not ft.positive and value < 0:
        raise SpecError(f"{where}: must not be negative, got {raw!r}")
    if ft.choices and value not in ft.choices:
        raise SpecError(f"{where}: {raw!r} not allowed; allowed: {', '.join(map(str, ft.choices))}")
    return value


_NUMBER_ONLY = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _example(kind: str) -> str:
    from linkmodel.units import QUANTITY_KINDS

    examples = [e.strip() for e in QUANTITY_KINDS.get(kind, ("", "?"))[1].split(",")]
    return next((e for e in examples if any(c.isalpha() for c in e)), examples[0])


# ---------------------------------------------------------------------------
# values with provenance
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """A field's value and where it comes from.

    Attributes
    ----------
    value : Any
        SI value (or string/int for identifiers and counts).
    assumed : bool
        True for an assumption, False for a fact.
    basis : str
        The source of a fact, or the basis of an assumption.
    """

    value: Any
    assumed: bool
    basis: str

    @property
    def secondary(self) -> bool:
        """A fact whose source is marked ``"secondary: ..."`` (seen only in secondary sources)."""
        return not self.assumed and self.basis.strip().lower().startswith("secondary")


def _read_toml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: not valid TOML: {exc}") from None


def _check_keys(path: str, where: str, table: dict, allowed) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise SpecError(f"{path}: {where}{unknown[0]}: unknown key; allowed: {', '.join(sorted(allowed))}")


def _facts_and_assumptions(path: str, data: dict, fields: dict[str, FieldType], prefix: str = "") -> dict[str, Value]:
    """Read ``[facts]`` (+ ``[facts.source]``) and ``[assumed]`` into Values."""
    facts = data.get("facts", {})
    assumed = data.get("assumed", {})
    if not isinstance(facts, dict):
        raise SpecError(f"{path}: {prefix}facts: expected a table")
    if not isinstance(assumed, dict):
        raise SpecError(f"{path}: {prefix}assumed: expected a table")
    sources = facts.get("source", {})
    if not isinstance(sources, dict):
        raise SpecError(f'{path}: {prefix}facts.source: expected a table of field = "source"')
    _check_keys(path, f"{prefix}facts.", {k: v for k, v in facts.items() if k != "source"}, fields)
    _check_keys(path, f"{prefix}facts.source.", sources, fields)
    _check_keys(path, f"{prefix}assumed.", assumed, fields)
    out: dict[str, Value] = {}
    for key, raw in facts.items():
        if key == "source":
            continue
        src = sources.get(key, data.get("source"))
        if not isinstance(src, str) or not src.strip():
            raise SpecError(
                f"{path}: {prefix}facts.source.{key}: missing; every fact needs a source (or give a file-wide `source`)"
            )
        out[key] = Value(_convert(path, f"{prefix}facts.{key}", raw, fields[key]), False, src)
    for key, entry in assumed.items():
        if key in out:
            raise SpecError(f"{path}: {prefix}assumed.{key}: also given as a fact; a field is one or the other")
        if not isinstance(entry, dict) or set(entry) != {"value", "basis"}:
            raise SpecError(f'{path}: {prefix}assumed.{key}: expected {{ value = ..., basis = "..." }}')
        if not isinstance(entry["basis"], str) or not entry["basis"].strip():
            raise SpecError(f"{path}: {prefix}assumed.{key}.basis: expected a non-empty string")
        out[key] = Value(
            _convert(path, f"{prefix}assumed.{key}.value", entry["value"], fields[key]), True, entry["basis"]
        )
    for key, ft in fields.items():
        if ft.required and key not in out:
            raise SpecError(f"{path}: {prefix}facts.{key}: required field missing (give it as a fact or an assumption)")
    return out


# ---------------------------------------------------------------------------
# parts
# ---------------------------------------------------------------------------

PART_FIELDS: dict[str, FieldType] = {
    "gen": FieldType("int", True, (1, 2, 3, 4, 5, 6, 7, 8), doc="PCIe generation"),
    "lanes": FieldType("int", True, (1, 2, 4, 8, 16), doc="PCIe link width"),
    "mps": FieldType("size", choices=(128.0, 256.0, 512.0, 1024.0, 2048.0, 4096.0), doc="Max_Payload_Size"),
    "mrrs": FieldType("size", choices=(128.0, 256.0, 512.0, 1024.0, 2048.0, 4096.0), doc="Max_Read_Request_Size"),
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
    data = _read_toml(p)
    ps = str(p)
    _check_keys(ps, "", data, PART_KEYS)
    if data.get("schema") != SCHEMA:
        raise SpecError(f'{ps}: schema: expected "{SCHEMA}", got {data.get("schema")!r}')
    for key in ("id", "vendor", "model"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise SpecError(f"{ps}: {key}: required string missing")
    fields = _facts_and_assumptions(ps, data, PART_FIELDS)
    headline = fields["capacity"].value
    published = []
    entries = data.get("published", [])
    if not isinstance(entries, list):
        raise SpecError(f"{ps}: published: expected an array of tables ([[published]])")
    for i, e in enumerate(entries):
        where = f"published[{i}]"
        if not isinstance(e, dict):
            raise SpecError(f"{ps}: {where}: expected a table")
        _check_keys(ps, f"{where}.", e, PUBLISHED_KEYS)
        for req in ("metric", "value", "kind", "source"):
            if req not in e:
                raise SpecError(f"{ps}: {where}.{req}: required field missing")
        metric = e["metric"]
        if metric not in METRICS:
            raise SpecError(f"{ps}: {where}.metric: {metric!r} not allowed; allowed: {', '.join(METRICS)}")
        kind = _convert(ps, f"{where}.kind", e["kind"], FieldType("choice", choices=PUBLISHED_KINDS))
        value = _convert(ps, f"{where}.value", e["value"], FieldType(METRICS[metric][0]))
        cap = _convert(ps, f"{where}.capacity", e["capacity"], FieldType("size")) if "capacity" in e else headline
        block = (
            _convert(ps, f"{where}.block_size", e["block_size"], FieldType("size"))
            if "block_size" in e
            else _default_block(metric)
        )
        qd = _convert(ps, f"{where}.queue_depth", e["queue_depth"], FieldType("number")) if "queue_depth" in e else None
        source = _convert(ps, f"{where}.source", e["source"], FieldType("str"))
        confirmed = _convert(ps, f"{where}.confirmed", e.get("confirmed", True), FieldType("bool"))
        note = _convert(ps, f"{where}.note", e["note"], FieldType("str")) if "note" in e else ""
        sets = _convert(ps, f"{where}.sets", e["sets"], FieldType("str")) if "sets" in e else ""
        published.append(Published(metric, value, kind, cap, block, qd, source, confirmed, note, sets))
    inline = {kind: _inline_entries(ps, data, kind) for kind in ("nand", "controller")}
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
    "gen": FieldType("int", True, (1, 2, 3, 4, 5, 6, 7, 8)),
    "lanes": FieldType("int", choices=(1, 2, 4, 8, 16)),
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
        _check_keys(ps, f"shared.{group}.", table, {"facts", "assumed", "source"})
        loose = {k: FieldType(v.kind, False, v.choices, v.positive) for k, v in fields.items()}
        shared[group] = _facts_and_assumptions(ps, table, loose, prefix=f"shared.{group}.")
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
        _check_keys(ps, f"{where}.", e, CATALOGUE_ENTRY_KEYS)
        if not isinstance(e.get("id"), str) or not e["id"].strip():
            raise SpecError(f"{ps}: {where}.id: required string missing")
        if e["id"] in out:
            raise SpecError(f"{ps}: {where}.id: duplicate id {e['id']!r}")
        loose = {k: FieldType(v.kind, False, v.choices, v.positive) for k, v in fields.items()}
        vals = _facts_and_assumptions(ps, e, loose, prefix=f"{where}.")
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
    data = _read_toml(p)
    _check_keys(ps, "", data, {"schema", kind, "shared"})
    if data.get("schema") != CATALOGUE_SCHEMA:
        raise SpecError(f'{ps}: schema: expected "{CATALOGUE_SCHEMA}", got {data.get("schema")!r}')
    # shared values, merged into every entry of their group; an entry's own value wins
    shared = _catalogue_shared(ps, data, kind)
    return _catalogue_entries(ps, data.get(kind, []), kind, shared)


def _inline_entries(ps: str, data: dict, kind: str) -> dict[str, CatalogueEntry]:
    """A part file's own ``[[nand]]`` / ``[[controller]]`` entries, completed by the catalogue's shared values."""
    if kind not in data:
        return {}
    cat_path = data_dir() / "catalogue" / ("nand.toml" if kind == "nand" else "controllers.toml")
    shared = _catalogue_shared(str(cat_path), _read_toml(cat_path), kind)
    entries = data[kind]
    if isinstance(entries, list) and isinstance(data.get("source"), str):  # the file-wide source covers them too
        entries = [dict(e, source=e.get("source", data["source"])) if isinstance(e, dict) else e for e in entries]
    return _catalogue_entries(ps, entries, kind, shared, shared_where=f" ({cat_path.name})")


# ---------------------------------------------------------------------------
# locations
# ---------------------------------------------------------------------------


def data_dir() -> Path:
    """The bundled data folder: ``linkmodel/_data`` in a wheel, ``<repo>/data`` in a checkout."""
    here = Path(__file__).resolve().parent.parent  # linkmodel/
    for candidate in (here / "_data", here.parent / "data"):
        if (candidate / "specs").is_dir():
            return candidate
    raise SpecError(f"bundled data not found (looked in {here / '_data'} and {here.parent / 'data'})")


def specs_dir() -> Path:
    """Folder of the bundled part spec files."""
    return data_dir() / "specs"


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
