"""The spec-file schema: field types, SI conversion, facts and assumptions, one-line errors.

Shared by the part files (:mod:`~linkmodel.parts.files`) and the catalogue
(:mod:`~linkmodel.parts.catalogue`). Every value is converted to SI at load
time (``"14.8 GB/s"`` -> 1.48e10 B/s). Errors name the file and the field and
say what is allowed::

    data/specs/x.toml: facts.gen: 9 not allowed; allowed: 1, 2, 3, 4, 5, 6, 7 (8 is provisional)
"""

from __future__ import annotations

import math
import re
import stat
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from linkmodel.parts.priorspec import PRIOR_KEYS, Prior, read_prior
from linkmodel.units import QUANTITY_KINDS, format_si, parse_quantity

__all__ = [
    "CATALOGUE_SCHEMA",
    "MAX_FILE_BYTES",
    "SCHEMA",
    "FieldType",
    "SpecError",
    "Value",
    "check_keys",
    "check_link_fields",
    "facts_and_assumptions",
    "read_toml",
]

SCHEMA = "linkmodel-spec/1"
CATALOGUE_SCHEMA = "linkmodel-catalogue/1"


class SpecError(ValueError):
    """A spec or catalogue file that cannot be used; the message is one line."""


# ---------------------------------------------------------------------------
# field types
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldType:
    """How one field is read: its kind and constraints.

    Attributes
    ----------
    kind : str
        A :data:`~linkmodel.units.QUANTITY_KINDS` kind (converted to SI), or ``"int"``, ``"number"``,
        ``"str"``, ``"bool"``, ``"choice"``, ``"nand_map"``; ``"<kind>_list"`` for a non-empty array.
    span : tuple of float, optional
        Plausible range ``(lo, hi)`` in SI units (B, s, T/s, B/s, 1/s, W, J/B, B/s/W, 1), both ends allowed;
        its basis is in `doc`. A value outside is refused.
    bits : bool
        A size that may be given in bits (a die's capacity, "1 Tibit"); every other size is bytes only.
    pow2 : bool
        The value must be a power of two (an indirection unit) [B].
    """

    kind: str  # a parse_quantity kind, or "int", "str", "number", "choice"
    required: bool = False
    choices: tuple = ()
    positive: bool = True
    doc: str = ""
    span: tuple[float, float] | None = None
    bits: bool = False
    pow2: bool = False


#: the SI unit shown with a kind's plausible range
_UNITS = {
    "size": "B",
    "time": "s",
    "rate": "T/s",
    "bandwidth": "B/s",
    "frequency": "IOPS",
    "power": "W",
    "energy_per_byte": "J/B",
    "efficiency": "B/s/W",
}


def _shown(x: float, kind: str) -> str:
    """A range end with its unit, e.g. ``1 GB``, ``10 PB``, ``100 ns``."""
    if kind not in _UNITS:
        return f"{x:g}"
    if abs(x) >= 1e15:  # format_si stops at T
        return f"{x / 1e15:.4g} P{_UNITS[kind]}"
    return format_si(x, _UNITS[kind])


def _quantity(where: str, key: str, raw: Any, ft: FieldType) -> float:
    """A quantity string read to SI; a size in bits is refused unless the field takes bits."""
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise SpecError(f'{where}: expected a {ft.kind} such as "{_example(ft.kind)}", got {raw!r}')
    if ft.kind != "ratio" and (not isinstance(raw, str) or _NUMBER_ONLY.match(raw.strip())):
        # a bare number in a spec file is a unit left out: "25" could be W or mW, "15.36" TB or bytes
        raise SpecError(f'{where}: a {ft.kind} needs a unit, e.g. "{_example(ft.kind)}"; got {raw!r}')
    bytes_only = ft.kind == "size" and not ft.bits
    try:
        return parse_quantity(raw, "bytes" if bytes_only else ft.kind, key)
    except ValueError as exc:
        msg = str(exc)
        if bytes_only and "is in bits" in msg:  # a capacity in bits was silently divided by 8
            raise SpecError(f'{where}: {raw!r} is in bits; give bytes, e.g. "15.36 TB" or "16 TiB"') from None
        if msg.startswith(f"{key}: "):
            msg = msg[len(key) + 2 :]
        raise SpecError(f"{where}: {msg}") from None


def convert(path: str, key: str, raw: Any, ft: FieldType):
    """One field's raw TOML value, checked and converted to SI; a one-line SpecError naming file and field."""
    where = f"{path}: {key}"
    if ft.kind.endswith("_list"):  # a non-empty array of quantities, e.g. power states
        if not isinstance(raw, list) or not raw:
            raise SpecError(f'{where}: expected a non-empty array such as ["25 W", "15 W"], got {raw!r}')
        item = replace(ft, kind=ft.kind[: -len("_list")])
        return tuple(convert(path, f"{key}[{i}]", x, item) for i, x in enumerate(raw))
    if ft.kind == "nand_map":  # SKU capacity -> catalogue id, e.g. { "1.92 TB" = "kioxia-bics5-tlc" }
        if not isinstance(raw, dict) or not raw:
            raise SpecError(
                f"{where}: expected a table of capacity = catalogue id, e.g. "
                f'{{ "1.92 TB" = "kioxia-bics5-tlc" }}, got {raw!r}'
            )
        out = {}
        for cap, nid in raw.items():
            c = convert(path, f"{key}.{cap!r}", cap, FieldType("size", span=ft.span))
            out[c] = convert(path, f"{key}.{cap!r}", nid, FieldType("str"))
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
        value = _quantity(where, key, raw, ft)
    if not math.isfinite(value):
        raise SpecError(f"{where}: must be finite")
    if ft.positive and value <= 0:
        raise SpecError(f"{where}: must be positive, got {raw!r}")
    if not ft.positive and value < 0:
        raise SpecError(f"{where}: must not be negative, got {raw!r}")
    if ft.choices and value not in ft.choices:
        raise SpecError(f"{where}: {raw!r} not allowed; allowed: {', '.join(map(str, ft.choices))}")
    if ft.span is not None and not ft.span[0] <= value <= ft.span[1]:
        lo, hi = (_shown(x, ft.kind) for x in ft.span)
        raise SpecError(f"{where}: {raw!r} is outside the plausible range {lo} to {hi}")
    if ft.pow2 and (value != int(value) or int(value) & (int(value) - 1)):
        raise SpecError(f'{where}: {raw!r} is not a power of two (e.g. "4 KiB", "16 KiB")')
    return value


_NUMBER_ONLY = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _example(kind: str) -> str:
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
    span : (lower, upper) or None
        An assumption's plausible range (SI, as ``value``) where its entry gives one
        (``range = [lo, hi]``); None otherwise.
    """

    value: Any
    assumed: bool
    basis: str
    #: the distribution an [assumed] entry writes (range, shape or alternatives); None: the default spread
    #: of its kind applies (linkmodel.parts.priors)
    prior: Prior | None = None

    @property
    def span(self) -> tuple[float, float] | None:
        """The range [SI] its author wrote (the prior's ends), or None (none written, or a categorical prior)."""
        p = self.prior
        if p is None or p.lo is None or p.hi is None:
            return None
        return float(p.lo), float(p.hi)

    @property
    def secondary(self) -> bool:
        """A fact whose source is marked ``"secondary: ..."`` (seen only in secondary sources)."""
        return not self.assumed and self.basis.strip().lower().startswith("secondary")


#: the largest data file read [B]. ASSUMPTION: the largest bundled file (data/catalogue/nand.toml) is ~37 kB; a
#: file 28x that is no longer hand-written, and a bound keeps /dev/zero or a huge file from filling memory
MAX_FILE_BYTES = 1 << 20


def read_toml(path: Path) -> dict:
    """A data file's TOML tables; a one-line SpecError naming the file for anything that is not a small,
    regular, UTF-8 TOML file (a FIFO or device is refused before it is opened: reading it could block or
    never end)."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise SpecError(f"{path}: no such file") from None
    except OSError as exc:
        raise SpecError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        what = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise SpecError(f"{path}: {what}; expected a .toml file")
    too_big = f"{path}: larger than {MAX_FILE_BYTES // 1024} KiB; a spec or catalogue file is a few kB of TOML"
    if st.st_size > MAX_FILE_BYTES:
        raise SpecError(too_big)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat
        if len(data) > MAX_FILE_BYTES:
            raise SpecError(too_big)
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: cannot read: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise SpecError(f"{path}: not valid TOML: nested too deeply") from None


def check_keys(path: str, where: str, table: dict, allowed) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise SpecError(f"{path}: {where}{unknown[0]}: unknown key; allowed: {', '.join(sorted(allowed))}")


def facts_and_assumptions(
    path: str, data: dict, fields: dict[str, FieldType], prefix: str = "", links: bool = True
) -> dict[str, Value]:
    """Read ``[facts]`` (+ ``[facts.source]``) and ``[assumed]`` into Values.

    ``links``: check the host-link fields against the ``link`` family (False for a catalogue's ``[shared]``
    table, which holds defaults, not a part or a controller).
    """
    facts = data.get("facts", {})
    assumed = data.get("assumed", {})
    if not isinstance(facts, dict):
        raise SpecError(f"{path}: {prefix}facts: expected a table")
    if not isinstance(assumed, dict):
        raise SpecError(f"{path}: {prefix}assumed: expected a table")
    sources = facts.get("source", {})
    if not isinstance(sources, dict):
        raise SpecError(f'{path}: {prefix}facts.source: expected a table of field = "source"')
    check_keys(path, f"{prefix}facts.", {k: v for k, v in facts.items() if k != "source"}, fields)
    check_keys(path, f"{prefix}facts.source.", sources, fields)
    check_keys(path, f"{prefix}assumed.", assumed, fields)
    out: dict[str, Value] = {}
    for key, raw in facts.items():
        if key == "source":
            continue
        if isinstance(raw, dict) and "value" in raw:  # a fact written like an assumption, perhaps with a range
            extra = [k for k in PRIOR_KEYS if k in raw]
            what = f"has no {extra[0]}" if extra else "is a plain value"
            raise SpecError(f"{path}: {prefix}facts.{key}: a fact {what}; move it to [assumed] to give it a prior")
        src = sources.get(key, data.get("source"))
        if not isinstance(src, str) or not src.strip():
            raise SpecError(
                f"{path}: {prefix}facts.source.{key}: missing; every fact needs a source (or give a file-wide `source`)"
            )
        out[key] = Value(convert(path, f"{prefix}facts.{key}", raw, fields[key]), False, src)
    for key, entry in assumed.items():
        if key in out:
            raise SpecError(f"{path}: {prefix}assumed.{key}: also given as a fact; a field is one or the other")
        if not isinstance(entry, dict) or not {"value", "basis"} <= set(entry) <= {"value", "basis", *PRIOR_KEYS}:
            raise SpecError(
                f'{path}: {prefix}assumed.{key}: expected {{ value = ..., basis = "..." }} '
                f"(optionally with {', '.join(PRIOR_KEYS)})"
            )
        if not isinstance(entry["basis"], str) or not entry["basis"].strip():
            raise SpecError(f"{path}: {prefix}assumed.{key}.basis: expected a non-empty string")
        value = convert(path, f"{prefix}assumed.{key}.value", entry["value"], fields[key])
        out[key] = Value(value, True, entry["basis"], _prior(path, f"{prefix}assumed.{key}", entry, value, fields[key]))
    for key, ft in fields.items():
        if ft.required and key not in out:
            raise SpecError(f"{path}: {prefix}facts.{key}: required field missing (give it as a fact or an assumption)")
    if links and "link" in fields:
        check_link_fields(path, prefix, out, needs_lanes="capacity" in fields)
    return out


def _prior(path: str, where: str, entry: dict, value, ft: FieldType) -> Prior | None:
    """The prior an [assumed] entry writes (linkmodel.parts.priorspec), its errors as one-line SpecErrors."""
    try:
        return read_prior(f"{path}: {where}", entry, value, lambda w, raw: convert(path, w[len(path) + 2 :], raw, ft))
    except SpecError:
        raise
    except ValueError as exc:
        raise SpecError(str(exc)) from None


#: lanes each host-link family allows: PCIe widths; UFS (M-PHY) lanes per direction (UniPro PA_MAXDATALANES 4)
LINK_LANES = {"pcie": (1, 2, 4, 8, 16), "ufs": (1, 2, 3, 4)}
#: fields that belong to one family only: the other refuses them
_ONLY = {"pcie": ("gen", "mps", "mrrs", "hmb"), "ufs": ("gear",)}


def check_link_fields(path: str, prefix: str, out: dict[str, Value], needs_lanes: bool) -> None:
    """The host-link fields of a part or controller agree with its ``link`` family (PCIe unless given).

    A PCIe part or controller needs ``gen`` and refuses ``gear``; a UFS one
    needs ``gear`` and refuses ``gen``, ``mps``, ``mrrs`` and ``hmb`` (PCIe
    and NVMe notions); ``lanes`` must be one its family allows.

    Raises
    ------
    SpecError
        One line naming the file and the field.
    """
    fam = str(out["link"].value) if "link" in out else "pcie"
    other = "ufs" if fam == "pcie" else "pcie"
    where = {k: f"{prefix}{'assumed' if v.assumed else 'facts'}.{k}" for k, v in out.items()}
    need = "gen" if fam == "pcie" else "gear"
    if need not in out:
        how = 'link = "pcie", the default' if fam == "pcie" else 'link = "ufs"'
        alt = '; a UFS part sets link = "ufs" and gear' if fam == "pcie" else ""
        raise SpecError(f"{path}: {prefix}facts.{need}: required field missing ({how}){alt}")
    for key in _ONLY[other]:
        if key in out:
            raise SpecError(
                f"{path}: {where[key]}: not allowed on a {fam.upper()} link (link = {fam!r}); "
                f"{key} belongs to {other.upper()} links"
            )
    if needs_lanes and "lanes" not in out:
        raise SpecError(f"{path}: {prefix}facts.lanes: required field missing (give it as a fact or an assumption)")
    if "lanes" in out and int(out["lanes"].value) not in LINK_LANES[fam]:
        allowed = ", ".join(str(n) for n in LINK_LANES[fam])
        raise SpecError(
            f"{path}: {where['lanes']}: {out['lanes'].value:g} not allowed on a {fam.upper()} link; allowed: {allowed}"
        )
