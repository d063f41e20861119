"""Bad spec files: the bundled CM9-R, each field mutated, written to a scratch folder, then ``check PATH``.

Fields come from the schema itself (``PART_FIELDS``, ``NAND_FIELDS``, ``CONTROLLER_FIELDS``,
``PUBLISHED_KEYS``), so a new field is mutated without editing this file. Mutations by kind: removed
(required fields), wrong type, negative, zero (where positive), 1e300, NaN, infinity, an expression, a
unit of the wrong kind, an unknown unit, a bare number; then unknown keys, contradictions (the ones
issue 15 lists) and broken files. The NAND and controller fields are mutated on a complete copy of
the CM9-R's die and controller written into the file as its own ``[[nand]]`` / ``[[controller]]``.
"""

from __future__ import annotations

import copy
import tomllib

from robustness.cases import Case
from robustness.runner import ROOT
from robustness.toml_out import dumps

from linkmodel.parts.catalogue import CONTROLLER_FIELDS, NAND_FIELDS
from linkmodel.parts.files import PART_FIELDS, PUBLISHED_KEYS

__all__ = ["NAME", "base_spec", "cases"]

NAME = "kioxia-cm9-r.toml"
SPEC = ROOT / "data" / "specs" / NAME

#: a unit of each quantity kind, and one of the wrong kind
UNIT = {
    "size": "TB",
    "rate": "MT/s",
    "power": "W",
    "time": "us",
    "bandwidth": "GB/s",
    "frequency": "IOPS",
    "energy_per_byte": "pJ/bit",
    "efficiency": "MB/s/W",
}
WRONG = {"size": "25 W", "power": "3 GB", "time": "3 GB", "energy_per_byte": "25 W"}

#: a complete die and controller (the CM9-R's, every field stated) for the inline mutations
NAND = {
    "vendor": "Test",
    "generation": "T1",
    "cell": "TLC",
    "layers": 218,
    "die_capacity": "1 Tibit",
    "planes": 4,
    "page_size": "16 KiB",
    "spare_fraction": 0.11,
    "interface_rate": "3200 MT/s",
    "t_read": "50 us",
    "t_prog": "1.23 ms",
    "t_erase": "4 ms",
    "t_read_slc": "25 us",
    "t_prog_slc": "250 us",
    "block_pages": 1536,
    "independent_plane_reads": 4,
    "program_cache_pages": 1,
    "cache_read": True,
    "read_power": "0.15 W",
    "program_power": "0.15 W",
    "erase_power": "0.15 W",
    "standby_power": "0.1 mW",
    "io_energy": "3 pJ/bit",
    "command_time": "0.3 us",
    "pe_cycles": 8500,
}
CONTROLLER = {
    "vendor": "Test",
    "name": "Test Gen5 16-channel",
    "gen": 5,
    "lanes": 4,
    "channels": 16,
    "max_channel_rate": "3200 MT/s",
    "iops_limit": "5 MIOPS",
    "bandwidth_limit": "16 GB/s",
    "active_power": "9.8 W",
    "idle_power": "3 W",
    "process_nm": 7,
}


def _shared_nand_keys() -> set[str]:
    """NAND fields the catalogue's shared values supply (all dies, and TLC): leaving them out is allowed."""
    with open(ROOT / "data" / "catalogue" / "nand.toml", "rb") as f:
        shared = tomllib.load(f)["shared"]
    return set(shared["all"].get("assumed", {})) | set(shared["TLC"].get("assumed", {}))


def base_spec() -> dict:
    with open(SPEC, "rb") as f:
        return tomllib.load(f)


def _with_inline(spec: dict) -> dict:
    """The CM9-R with its die and controller as its own entries (ids not in the catalogue)."""
    s = copy.deepcopy(spec)
    s["facts"]["nand"] = "test-nand-tlc"
    s["facts"]["source"]["nand"] = "test"
    del s["assumed"]["controller"]
    s["facts"]["controller"] = "test-ctrl-16ch"
    s["facts"]["source"]["controller"] = "test"
    s["nand"] = [{"id": "test-nand-tlc", "facts": dict(NAND)}]
    s["controller"] = [{"id": "test-ctrl-16ch", "facts": dict(CONTROLLER)}]
    return s


def _bad_values(kind: str, positive: bool, choices=()) -> list:
    """Bad TOML values for a field of this kind."""
    if kind in ("int", "number", "ratio"):
        out = [-1, 1e300, float("nan"), float("inf"), "abc", True, [4], {"x": 1}, 2**63 - 1]
        out += [1.5] if kind == "int" else []
        out += [9] if choices else []
        return out + ([0] if positive else [])
    if kind == "str":
        return [5, True, ["x"], {"x": 1}]
    if kind == "bool":
        return ["yes", 1]
    if kind == "choice":
        return ["XLC", 3, ""]
    if kind == "nand_map":
        return [
            {"1.92 TB": "nosuch-nand"},
            {"abc": "kioxia-bics5-tlc"},
            "kioxia-bics5-tlc",
            {},
            {"-1 TB": "kioxia-bics5-tlc"},
        ]
    if kind.endswith("_list"):
        u = UNIT.get(kind[: -len("_list")], "W")
        return [[], [f"-1 {u}"], [f"nan {u}"], f"25 {u}", [f"25 {u}", "3 GB"], [f"1e300 {u}"]]
    u = UNIT.get(kind, "")
    out = [f"-1 {u}", f"1e300 {u}", f"nan {u}", f"inf {u}", f"9**9**9 {u}", f"12 X{u}", 5, True, [f"1 {u}"]]
    out += [WRONG.get(kind, "25 W")]
    return out + ([f"0 {u}"] if positive else [])


def _short(v) -> str:
    r = repr(v)
    return r if len(r) <= 20 else r[:17] + "..."


def _case(cid: str, spec: dict | str | bytes, names, argv_head=("check",)) -> Case:
    text = dumps(spec) if isinstance(spec, dict) else spec
    argv = (*argv_head, f"{{dir}}/{NAME}")
    heavy = isinstance(text, str) and "**" in text  # a C-level power: SIGALRM cannot stop it in-process
    return Case(f"spec:{cid}", "spec", argv, ((NAME, text),), names=((NAME,), *names), heavy=heavy)


def _field_cases(base: dict, table: str, fields: dict, locate, defaulted=frozenset()) -> list[Case]:
    """Each field of `fields` removed (if required and not `defaulted`) and set to each bad value."""
    out = []
    for key, ft in fields.items():
        values = _bad_values(ft.kind, ft.positive, ft.choices)
        if ft.required and key not in defaulted:
            s = copy.deepcopy(base)
            where = locate(s)
            if key in where:
                del where[key]
                out.append(_case(f"{table}.{key}:removed", s, [(key,)]))
        for v in values:
            s = copy.deepcopy(base)
            where = locate(s)
            where[key] = (
                {"value": v, "basis": "test"} if isinstance(where.get(key), dict) and "value" in where[key] else v
            )
            out.append(_case(f"{table}.{key}={_short(v)}", s, [(key,)]))
    return out


def _part_fields(base: dict) -> list[Case]:
    out = []
    for key, ft in PART_FIELDS.items():
        in_assumed = key in base["assumed"]
        if ft.required:
            s = copy.deepcopy(base)
            (s["assumed"] if in_assumed else s["facts"]).pop(key, None)
            s["facts"]["source"].pop(key, None)
            out.append(_case(f"facts.{key}:removed", s, [(key,)]))
        for v in _bad_values(ft.kind, ft.positive, ft.choices):
            s = copy.deepcopy(base)
            if in_assumed:
                s["assumed"][key] = {"value": v, "basis": "test"}
            else:
                s["facts"][key] = v
            out.append(_case(f"facts.{key}={_short(v)}", s, [(key,)]))
    return out


def _published(base: dict) -> list[Case]:
    """Each key of a [[published]] entry (the first, a seq_read) mutated; unknown and missing keys."""
    bad = {
        "metric": ["bogus", 5, ""],
        "value": ["-1 GB/s", "0 GB/s", "nan GB/s", "inf GB/s", "1e300 GB/s", "14.8 W", 14.8, "9**9**9 GB/s", True],
        "kind": ["bogus", 5],
        "capacity": ["-1 TB", "0 TB", "nan TB", "1e300 TB", "3 W", 5],
        "block_size": ["-1 KiB", "0 B", "3 W", "1e300 B", "nan B", 5],
        "queue_depth": [-1, 0, 1.5, 1e300, float("nan"), "x"],
        "source": [5, ""],
        "confirmed": ["yes", 1],
        "note": [5],
        "sets": [5, True],
    }
    out = []
    for key in sorted(PUBLISHED_KEYS):
        for v in bad.get(key, [5, float("nan")]):
            s = copy.deepcopy(base)
            s["published"][0][key] = v
            out.append(_case(f"published.{key}={_short(v)}", s, [(key,)]))
    for key in ("metric", "value", "kind"):
        s = copy.deepcopy(base)
        del s["published"][0][key]
        out.append(_case(f"published.{key}:removed", s, [(key,)]))
    return out


def _set(base: dict, path: str, value) -> dict:
    s = copy.deepcopy(base)
    *head, last = path.split(".")
    d = s
    for k in head:
        d = d[int(k)] if isinstance(d, list) else d[k]
    d[last] = value
    return s


def _contradictions(base: dict, inline: dict) -> list[Case]:
    """Values each fine alone that contradict another (issue 15), and unknown keys."""
    rows = [
        ("id-not-file-name", base, "id", "other-id", ("id",)),
        ("capacity-in-bits", base, "facts.capacity", "15.36 Tbit", ("capacity",)),
        ("indirection-unit-3KiB", base, "facts.indirection_unit", "3 KiB", ("indirection_unit",)),
        ("indirection-unit-5000B", base, "facts.indirection_unit", "5000 B", ("indirection_unit",)),
        ("channels-above-controller", base, "facts.channels", 32, ("channels",)),
        ("raw-below-user-capacity", base, "facts.raw_capacity", "1 TB", ("raw_capacity", "capacity")),
        ("slc-cache-150%", base, "facts.slc_cache", 1.5, ("slc_cache",)),
        # (a power state above power_cap is published data, not a contradiction: the D7-PS1030 lists a 25 W
        # top state beside its 23 W average; the case was dropped)
        ("nand-by-capacity-unknown", base, "facts.nand_by_capacity", {"1.92 TB": "nosuch-nand"}, ("nosuch-nand",)),
        ("idle-above-active-published", base, "published.7.value", "50 W", ("idle_power",)),
        ("block-size-on-dwpd", base, "published.8.block_size", "4 KiB", ("block_size",)),
        ("queue-depth-on-dwpd", base, "published.8.queue_depth", 32, ("queue_depth",)),
        ("dwpd-1e30", base, "facts.dwpd", 1e30, ("dwpd",)),
        ("warranty-1e30", base, "facts.warranty_years", 1e30, ("warranty_years",)),
        ("unknown-top-key", base, "bogus_key", 1, ("bogus_key",)),
        ("unknown-fact", base, "facts.bogus_fact", 1, ("bogus_fact",)),
        ("unknown-published-key", base, "published.0.bogus", 1, ("bogus",)),
        ("unknown-source-key", base, "facts.source.bogus_fact", "x", ("bogus_fact",)),
        ("fact-and-assumed", base, "facts.controller", "kioxia-gen5-16ch", ("controller",)),
        ("assumed-no-basis", base, "assumed.controller", {"value": "kioxia-gen5-16ch"}, ("controller", "basis")),
        ("assumed-bare", base, "assumed.controller", "kioxia-gen5-16ch", ("controller",)),
        ("schema-unknown", base, "schema", "linkmodel-spec/9", ("schema",)),
        ("facts-not-table", base, "facts", 5, ("facts",)),
        ("published-not-array", base, "published", {"metric": "seq_read"}, ("published",)),
        ("spare-500%", inline, "nand.0.facts.spare_fraction", 5.0, ("spare_fraction",)),
        ("t-read-slc-above-t-read", inline, "nand.0.facts.t_read_slc", "80 us", ("t_read_slc", "t_read")),
        ("t-prog-slc-above-t-prog", inline, "nand.0.facts.t_prog_slc", "2 ms", ("t_prog_slc", "t_prog")),
        ("plane-reads-above-planes", inline, "nand.0.facts.independent_plane_reads", 8, ("independent_plane_reads",)),
        ("page-size-3KiB", inline, "nand.0.facts.page_size", "3 KiB", ("page_size",)),
        ("planes-3", inline, "nand.0.facts.planes", 3, ("planes",)),
        ("pe-cycles-1e300", inline, "nand.0.facts.pe_cycles", 1e300, ("pe_cycles",)),
        ("t-erase-1e300", inline, "nand.0.facts.t_erase", "1e300 s", ("t_erase",)),
        ("t-read-1e30", inline, "nand.0.facts.t_read", "1e30 us", ("t_read",)),
        ("idle-above-active-controller", inline, "controller.0.facts.idle_power", "20 W", ("idle_power",)),
        ("inline-nand-catalogue-id", inline, "nand.0.id", "kioxia-bics8-tlc", ("kioxia-bics8-tlc",)),
        ("inline-nand-unknown-key", inline, "nand.0.facts.bogus", 1, ("bogus",)),
        ("inline-ctrl-unknown-key", inline, "controller.0.facts.bogus", 1, ("bogus",)),
    ]
    out = []
    for name, spec, path, value, names in rows:
        s = _set(spec, path, value)
        if path == "facts.controller":
            s["facts"]["source"]["controller"] = "x"
        out.append(_case(f"contradiction:{name}", s, [names]))
    return out


def _priors(base: dict) -> list[Case]:
    """Bad priors (issue 16): each a one-line error naming the file and the field."""

    def assumed_cap(**prior) -> dict:
        s = copy.deepcopy(base)
        s["facts"].pop("power_cap", None)
        s["facts"]["source"].pop("power_cap", None)
        s["assumed"]["power_cap"] = {"value": "25 W", "basis": "test", **prior}
        return s

    rows = [
        ("range-not-containing-value", assumed_cap(range=["26 W", "30 W"]), ("power_cap", "contain")),
        ("negative-bound", assumed_cap(range=["-5 W", "30 W"], shape="uniform"), ("power_cap", "positive")),
        ("unknown-shape", assumed_cap(range=["20 W", "30 W"], shape="gauss"), ("power_cap", "shape")),
        ("weights-not-summing-to-1", assumed_cap(alternatives=[["25 W", 0.5], ["20 W", 0.4]]), ("power_cap", "sum")),
    ]
    on_fact = _set(base, "facts.power_cap", {"value": "25 W", "range": ["20 W", "30 W"]})
    rows.append(("range-on-a-fact", on_fact, ("facts.power_cap", "fact")))
    return [_case(f"prior:{name}", s, [names]) for name, s, names in rows]


def _drop(base: dict, path: str) -> dict:
    s = copy.deepcopy(base)
    *head, last = path.split(".")
    d = s
    for k in head:
        d = d[int(k)] if isinstance(d, list) else d[k]
    d.pop(last)
    return s


def _link_family(base: dict, inline: dict) -> list[Case]:
    """Host-link fields of the wrong family, or missing for the family (gen and gear are each required by one)."""
    ufs = _set(_drop(_drop(base, "facts.gen"), "facts.source.gen"), "facts.link", "ufs")
    ufs["facts"]["gear"] = 5
    ufs["facts"]["lanes"] = 2
    rows = [
        ("pcie-without-gen", _drop(_drop(base, "facts.gen"), "facts.source.gen"), ("facts.gen",)),
        ("gear-on-pcie", _set(base, "facts.gear", 5), ("facts.gear", "PCIE")),
        ("ufs-without-gear", _set(base, "facts.link", "ufs"), ("facts.gear",)),
        ("gen-on-ufs", _set(ufs, "facts.gen", 5), ("facts.gen", "UFS")),
        ("mps-on-ufs", _set(ufs, "facts.mps", "512 B"), ("facts.mps", "UFS")),
        ("ufs-lanes-8", _set(ufs, "facts.lanes", 8), ("facts.lanes", "UFS")),
        ("pcie-lanes-3", _set(base, "facts.lanes", 3), ("facts.lanes", "PCIE")),
        ("ufs-gear-6", _set(ufs, "facts.gear", 6), ("facts.gear",)),
        ("ufs-part-pcie-controller", ufs, ("controller", "PCIE")),
        ("dram-on-dramless", _set(_set(base, "facts.dramless", True), "facts.dram", "16 GB"), ("facts.dram",)),
        ("hmb-with-dram", _set(base, "facts.hmb", "64 MiB"), ("facts.hmb", "dramless")),
        ("controller-without-gen", _drop(inline, "controller.0.facts.gen"), ("gen",)),
        ("controller-gear-on-pcie", _set(inline, "controller.0.facts.gear", 5), ("gear",)),
    ]
    return [_case(f"link-family:{name}", s, [names]) for name, s, names in rows]


def _broken_files() -> list[Case]:
    text = SPEC.read_text()
    deep = "x = " + "[" * 50_000 + "]" * 50_000 + "\n"
    return [
        _case("broken:empty", "", []),
        _case("broken:syntax", text.replace("gen = 5", "gen = = 5"), []),
        _case("broken:binary", bytes(range(256)) * 64, []),
        _case("broken:utf16", text.encode("utf-16"), []),
        _case("broken:deeply-nested", text + deep, []),
        _case("broken:deep-tables", text + "\n[" + ".".join(["a"] * 5000) + "]\n", []),
        _case("broken:huge-string", text + 'bogus = "' + "x" * 5_000_000 + '"\n', []),
        _case("broken:no-schema", text.replace('schema = "linkmodel-spec/1"', ""), [("schema",)]),
        _case("broken:json", '{"schema": "linkmodel-spec/1"}', []),
    ]


def _other_commands(base: dict) -> list[Case]:
    """Bad files through the other commands that take a part: the same one-line error naming the file."""
    s = _set(base, "facts.power_cap", "-1 W")
    heads = [
        ("latency",),
        ("endurance",),
        ("ai", "smallblock"),
        ("whatif", "micron-9550-max"),
        ("validate", "--part"),
        ("ai", "coldstart", "--model", "llama-3.1-70b", "--part"),
    ]
    out = [
        Case(
            f"spec:via:{'-'.join(h[:2])}:power_cap=-1W",
            "spec",
            (*h, f"{{dir}}/{NAME}"),
            ((NAME, dumps(s)),),
            names=((NAME,), ("power_cap",)),
        )
        for h in heads
    ]
    slow = _set(base, "facts.channel_rate", "200 MT/s")
    out.append(
        Case(
            "spec:issue:channel-rate-200MT-write-iops-100k",
            "spec",
            ("latency", f"{{dir}}/{NAME}", "--write-iops", "100k"),
            ((NAME, dumps(slow)),),
            names=(("--write-iops", "channel"),),
        )
    )
    return out


def cases() -> list[Case]:
    """Baselines (the CM9-R as written, and with its own die and controller: expect ok) and mutations."""
    base = base_spec()
    inline = _with_inline(base)
    out = [
        Case("spec:ok:copy", "spec", ("check", f"{{dir}}/{NAME}", "--json"), ((NAME, dumps(base)),), expect="ok"),
        Case("spec:ok:inline", "spec", ("check", f"{{dir}}/{NAME}", "--json"), ((NAME, dumps(inline)),), expect="ok"),
    ]
    out += _part_fields(base)
    out += _field_cases(inline, "nand", NAND_FIELDS, lambda s: s["nand"][0]["facts"], _shared_nand_keys())
    out += _field_cases(inline, "controller", CONTROLLER_FIELDS, lambda s: s["controller"][0]["facts"])
    out += _published(base)
    out += _contradictions(base, inline)
    out += _priors(base)

    out += _link_family(base, inline)
    out += _broken_files()
    out += _other_commands(base)
    return out
