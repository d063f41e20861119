"""The ``linkmodel`` command line.

Every subcommand prints a readable table by default and, with ``--json``,
one JSON document with values in SI units (bytes, seconds, B/s). Bad input
gives one line on stderr naming the option and what is allowed, and exit
code 2; no traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import numpy as np

from linkmodel import __version__
from linkmodel.cli import latency as latency_command
from linkmodel.cli._common import (
    Parser,
    UsageError,
    capacity_arg,
    flag_message,
    int_arg,
    jsonable,
    number_arg,
    part_arg,
)
from linkmodel.units import format_bytes, format_si, parse_quantity

# ---------------------------------------------------------------------------
# linkmodel link
# ---------------------------------------------------------------------------

_LINK_FLAGS = {
    "gen": "--gen",
    "lanes": "--lanes",
    "mps": "--mps",
    "mrrs": "--mrrs",
    "rcb": "--rcb",
    "size": "--size",
    "offset": "--offset",
    "direction": "--direction",
    "addressing": "--addressing",
    "flit": "--flit",
    "clocking": "--clocking",
    "dllp_policy": "--dllp-policy",
    "tag_bits": "--tag-bits",
    "round_trip": "--round-trip",
    "replay": "--replay",
    "flit_error_rate": "--flit-error-rate",
    "completion_split": "--completion-split",
    "packing": "--packing",
    "replay_round_trip": "--replay-round-trip",
    "write_fraction": "--write-fraction",
}

_ROWS = (
    ("encoding_overhead", "line encoding"),
    ("flit_overhead", "flit DLP + CRC + FEC"),
    ("skp_overhead", "SKP ordered sets"),
    ("replay_overhead", "replay"),
    ("dllp_overhead", "DLLPs (Ack, UpdateFC)"),
    ("framing_overhead", "TLP framing"),
    ("header_overhead", "TLP headers"),
    ("command_overhead", "command TLPs (NVMe)"),
    ("padding_overhead", "DW padding, NOP fill"),
    ("idle", "idle"),
    ("payload", "payload"),
)


def _add_link_parser(sub):
    p = sub.add_parser(
        "link",
        help="per-direction bandwidth budget of a PCIe link",
        description="Per-direction bandwidth budget of a PCIe link carrying back-to-back transfers.",
    )
    p.add_argument("--gen", required=True, help="PCIe generation: 1-7 (8 provisional)")
    p.add_argument("--lanes", required=True, help="link width: 1, 2, 4, 8, 16")
    p.add_argument("--size", default="128KiB", help="bytes per transfer, e.g. 4096, 4KiB, 128KiB (default 128KiB)")
    p.add_argument(
        "--mps", default="256", help="Max_Payload_Size in bytes: 128-4096 (default 256, an assumed common setting)"
    )
    p.add_argument("--mrrs", default="512", help="Max_Read_Request_Size in bytes (default 512, the spec default)")
    p.add_argument("--rcb", default="64", help="Read Completion Boundary in bytes: 64 or 128 (default 64)")
    p.add_argument("--offset", default="0", help="start address modulo 4 KiB in bytes (default 0)")
    p.add_argument(
        "--direction", default=None, help="write (posted MWr upstream), read (MRd up, CplD down), both (default write)"
    )
    p.add_argument(
        "--write-fraction", default=None, help="share of transfers that are writes, 0-1 (overrides --direction)"
    )
    p.add_argument("--addressing", default="64", help="address width of requests: 32 or 64 (default 64)")
    p.add_argument("--ecrc", action="store_true", help="attach ECRC to every TLP")
    p.add_argument("--flit", default="auto", help="flit mode: auto (the generation's rule), on, off")
    p.add_argument("--clocking", default="common", help="common, srns or sris (sets the SKP cadence)")
    p.add_argument("--dllp-policy", default="spec", help="spec, per_tlp, none, pcie_bench (default spec)")
    p.add_argument("--completion-split", default="mps", help="mps or rcb (default mps)")
    p.add_argument("--packing", default="continuous", help="flit packing: continuous or per_transfer")
    p.add_argument("--replay", default="go_back_n", help="go_back_n or selective (default go_back_n)")
    p.add_argument(
        "--flit-error-rate",
        default=None,
        help="probability a flit is replayed (default: independent-error estimate, 6.9e-7 at Gen6+; spec bound 3e-5)",
    )
    p.add_argument(
        "--replay-round-trip", default="100ns", help="time to learn of a failed flit (default 100ns, assumed)"
    )
    p.add_argument("--tag-bits", default="10", help="requester tag width: 5, 8, 10, 14 (default 10)")
    p.add_argument(
        "--round-trip", default="1us", help="read request round trip, e.g. 1us (default 1us, assumed); 0 disables"
    )
    p.add_argument("--json", action="store_true", help="print JSON (SI units) instead of a table")
    p.set_defaults(func=_cmd_link)


def _link_inputs(args) -> dict:
    flags = {"on": True, "off": False, "auto": None}
    if args.flit not in flags:
        raise UsageError(f"--flit: {args.flit!r} not allowed; allowed: auto, on, off")
    if args.direction is not None and args.write_fraction is not None:
        raise UsageError("--write-fraction: give either --direction or --write-fraction, not both")
    if args.direction is None:
        args.direction = "write"
    if args.direction not in ("write", "read", "both"):
        raise UsageError(f"--direction: {args.direction!r} not allowed; allowed: 'write', 'read', 'both'")
    kw = dict(
        gen=int_arg(args.gen, "--gen"),
        lanes=int_arg(args.lanes, "--lanes"),
        size=parse_quantity(args.size, "bytes", "--size"),
        mps=parse_quantity(args.mps, "bytes", "--mps"),
        mrrs=parse_quantity(args.mrrs, "bytes", "--mrrs"),
        rcb=parse_quantity(args.rcb, "bytes", "--rcb"),
        offset=parse_quantity(args.offset, "bytes", "--offset"),
        transfer=args.direction,
        addressing=int_arg(args.addressing, "--addressing"),
        ecrc=bool(args.ecrc),
        flit=flags[args.flit],
        clocking=args.clocking,
        dllp_policy=args.dllp_policy,
        completion_split=args.completion_split,
        packing=args.packing,
        replay=args.replay,
        replay_round_trip=parse_quantity(args.replay_round_trip, "time", "--replay-round-trip"),
        tag_bits=int_arg(args.tag_bits, "--tag-bits"),
        round_trip=parse_quantity(args.round_trip, "time", "--round-trip"),
    )
    if args.write_fraction is not None:
        kw["write_fraction"] = parse_quantity(args.write_fraction, "ratio", "--write-fraction")
    if args.flit_error_rate is not None:
        kw["flit_error_rate"] = parse_quantity(args.flit_error_rate, "ratio", "--flit-error-rate")
    return kw


def _cmd_link(args) -> int:
    from linkmodel.pcie import latency, link, phy

    kw = _link_inputs(args)
    try:
        ds = link(**kw)
        reads_only = kw.get("write_fraction", 0.0 if kw["transfer"] == "read" else 1.0) == 0.0
        lat_kw = dict(
            gen=kw["gen"],
            lanes=kw["lanes"],
            size=kw["size"],
            mps=kw["mps"],
            mrrs=kw["mrrs"],
            flit=kw["flit"],
            addressing=kw["addressing"],
            transfer="read" if reads_only else "write",
        )
        lat = latency.breakdown(**lat_kw)
    except ValueError as exc:
        raise UsageError(flag_message(exc, _LINK_FLAGS)) from None
    gen = phy.GENERATIONS[kw["gen"]]
    per_dir = {}
    for d in ds.direction.values:
        sel = ds.sel(direction=d)
        per_dir[str(d)] = {
            "line_rate": float(sel.line_rate),
            "raw_bandwidth": float(sel.raw_bandwidth),
            "efficiency": float(sel.payload / sel.raw_bandwidth),
            **{name: float(sel[name]) for name, _ in _ROWS},
            "tlps_per_transfer": float(sel.tlps_per_transfer),
            "bytes_per_transfer": float(sel.bytes_per_transfer),
        }
    doc = {
        "gen": kw["gen"],
        "lanes": kw["lanes"],
        "rate": gen.rate,
        "modulation": gen.modulation,
        "encoding": gen.encoding,
        "flit": bool(ds.flit),
        "provisional": bool(ds.provisional),
        "mps": kw["mps"],
        "mrrs": kw["mrrs"],
        "size": kw["size"],
        "direction": kw["transfer"],
        "write_fraction": kw.get("write_fraction"),
        "line_rate": float(ds.line_rate),
        "raw_bandwidth": float(ds.raw_bandwidth),
        "effective_bandwidth": float(ds.effective_bandwidth),
        "efficiency": float(ds.efficiency),
        "transfer_rate": float(ds.transfer_rate),
        "binding": str(ds.binding.values),
        "ceilings": {
            "link_upstream": float(ds.ceiling_link_upstream),
            "link_downstream": float(ds.ceiling_link_downstream),
            "tags": float(ds.ceiling_tags),
        },
        "per_direction": per_dir,
        "latency": {k: float(lat[k]) for k in lat.data_vars},
        "assumptions": {k: ds.attrs[k] for k in ("clocking", "dllp_policy", "completion_split", "packing", "replay")},
        "units": {
            "bandwidth": "B/s",
            "size": "B",
            "rate": "T/s",
            "time": "s",
            "transfer_rate": "1/s",
            "null": "no limit",
        },
    }
    if args.json:
        print(json.dumps(jsonable(doc), indent=2))
        return 0
    mode = "flit mode" if doc["flit"] else "non-flit"
    sym = gen.rate / gen.bits_per_symbol
    what = {"write": "posted writes (MWr)", "read": "reads (MRd + CplD)", "both": "reads and writes"}[kw["transfer"]]
    print(
        f"PCIe Gen{kw['gen']} x{kw['lanes']}: {gen.rate / 1e9:g} GT/s {gen.modulation} ({sym / 1e9:g} GBd), "
        f"{gen.encoding}, {mode}" + ("  [PROVISIONAL: Gen8 figures rest on assumptions]" if doc["provisional"] else "")
    )
    print(f"{format_bytes(kw['size'])} {what}, MPS {kw['mps']:g} B, MRRS {kw['mrrs']:g} B; per direction:")
    print(f"{'':26}{'upstream':>22}{'downstream':>22}")

    def row(label, key):
        cells = []
        for d in ("upstream", "downstream"):
            v = per_dir[d][key]
            v = 0.0 if abs(v) < 1e-9 * doc["line_rate"] else v  # float rounding shows as -0.000
            cells.append(f"{v / 1e9:10.3f} GB/s {100 * v / doc['line_rate']:6.2f}%")
        print(f"{label:26}" + "".join(f"{c:>22}" for c in cells))

    row("line rate", "line_rate")
    for key, label in _ROWS:
        row(("  " if key != "payload" else "") + label, key)
    print(f"raw bandwidth        {doc['raw_bandwidth'] / 1e9:10.3f} GB/s per direction")
    print(
        f"effective bandwidth  {doc['effective_bandwidth'] / 1e9:10.3f} GB/s "
        f"({100 * doc['efficiency']:.2f} % of raw), {doc['transfer_rate']:.4g} transfers/s"
    )
    ceil = ", ".join(
        f"{k} {'no limit' if not math.isfinite(v) else format_si(v, 'B/s')}" for k, v in doc["ceilings"].items()
    )
    print(f"ceilings             {ceil}")
    print(f"binding              {doc['binding']}")
    print(
        f"latency (idle link)  {format_si(doc['latency']['total'], 's')} one {'round trip' if lat.attrs['transfer'] == 'read' else 'way'} "
        f"(serialization {format_si(doc['latency']['serialization'], 's')}, "
        f"flit wait+accumulation {format_si(doc['latency']['flit_alignment'] + doc['latency']['flit_accumulation'], 's')})"
    )
    return 0


# ---------------------------------------------------------------------------
# linkmodel generations
# ---------------------------------------------------------------------------


def _add_generations_parser(sub):
    p = sub.add_parser(
        "generations",
        help="table of PCIe generations and raw bandwidths",
        description="PCIe Gen1-Gen8: rates, signalling, encoding and per-direction bandwidths.",
    )
    p.add_argument("--json", action="store_true", help="print JSON (SI units) instead of a table")
    p.set_defaults(func=_cmd_generations)


def _cmd_generations(args) -> int:
    from linkmodel.pcie import flit, link, phy

    lanes = np.array(phy.ALLOWED_LANES)
    rows = []
    for g, info in phy.GENERATIONS.items():
        raw = phy.raw_bandwidth(g, lanes)
        tlp = flit.tlp_bandwidth(g, lanes) if info.flit_mode == "mandatory" else None
        eff = link(g, 4, 128 * 1024, 512)
        rows.append(
            {
                "gen": g,
                "rate": info.rate,
                "modulation": info.modulation,
                "symbol_rate": info.rate / info.bits_per_symbol,
                "encoding": info.encoding,
                "flit_mode": info.flit_mode,
                "provisional": info.provisional,
                "raw_bandwidth": {f"x{n}": float(r) for n, r in zip(lanes, raw)},
                "flit_tlp_bandwidth": None if tlp is None else {f"x{n}": float(t) for n, t in zip(lanes, tlp)},
                "x4_128KiB_write_mps512": float(eff.effective_bandwidth),
                "source": info.source,
            }
        )
    if args.json:
        print(json.dumps(jsonable({"generations": rows, "units": {"rate": "T/s", "bandwidth": "B/s"}}), indent=2))
        return 0
    print("Per-direction raw bandwidth after line encoding (GB/s); last column: 128 KiB writes, x4, MPS 512")
    print(
        f"{'gen':>4} {'GT/s':>6} {'mod':>5} {'GBd':>5} {'encoding':>10} {'flit':>10}"
        + "".join(f"{'x' + str(n):>9}" for n in lanes)
        + f"{'x4 eff':>9}"
    )
    for r in rows:
        flag = "*" if r["provisional"] else ""
        print(
            f"{str(r['gen']) + flag:>4} {r['rate'] / 1e9:6g} {r['modulation']:>5} {r['symbol_rate'] / 1e9:5g} "
            f"{r['encoding']:>10} {r['flit_mode']:>10}"
            + "".join(f"{v / 1e9:9.3f}" for v in r["raw_bandwidth"].values())
            + f"{r['x4_128KiB_write_mps512'] / 1e9:9.3f}"
        )
    print("* provisional: only the 256 GT/s rate is published; PAM4 and the 6.x flit are assumed.")
    print("Flit mode (Gen6+) carries at most 236/256 of raw as TLP bytes, e.g. Gen6 x16 118.0 GB/s.")
    return 0


# ---------------------------------------------------------------------------
# linkmodel validate / check
# ---------------------------------------------------------------------------

_UNIT_OF = {
    "seq_read": ("GB/s", 1e9),
    "seq_write": ("GB/s", 1e9),
    "rand_read": ("kIOPS", 1e3),
    "rand_write": ("kIOPS", 1e3),
    "mixed_70_30": ("kIOPS", 1e3),
    "active_power": ("W", 1.0),
    "seq_read_power": ("W", 1.0),
    "seq_write_power": ("W", 1.0),
    "read_efficiency": ("MB/s/W", 1e6),
    "idle_power": ("W", 1.0),
    "read_latency": ("us", 1e-6),
    "write_latency": ("us", 1e-6),
    "dwpd": ("", 1.0),
    "tbw_random": ("TB", 1e12),
    "tbw_seq": ("TB", 1e12),
}


def _add_validate_parser(sub):
    p = sub.add_parser(
        "validate",
        help="every bundled part: published vs predicted, error, binding stage",
        description="Compare the model with every published figure of every bundled part.",
    )
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print JSON records (SI units) instead of a table")
    out.add_argument(
        "--markdown",
        action="store_true",
        help="print only the accuracy summary per metric class and the misses by cause, as Markdown tables "
        "(the table in docs/validation.md)",
    )
    p.add_argument("--part", action="append", default=None, help="only this part id (repeatable)")
    p.set_defaults(func=_cmd_validate)


def _print_records(records):
    print(f"{'part':28}{'TB':>7} {'metric':16}{'published':>12}{'predicted':>12}{'error':>9}  binding")
    for r in records:
        unit, scale = _UNIT_OF.get(r.metric, ("", 1.0))
        pub = f"{r.published / scale:.4g}"
        pred = "-" if r.predicted is None else f"{r.predicted / scale:.4g}"
        err = "-" if r.error is None else f"{100 * r.error:+.1f}%"
        flag = "" if r.confirmed else " (unconfirmed)"
        print(
            f"{r.part:28}{r.capacity / 1e12:7.2f} {r.metric:16}{pub:>12}{pred:>12}{err:>9}  {r.binding}{flag}"
            + (f"  [{unit}]" if unit else "")
        )
        if r.why:
            print(f"{'':36}why: {r.why}")


def _print_summary(summ):
    print()
    print(f"{'metric class':24}{'n':>4}{'median |err|':>14}{'worst |err|':>13}  {'target':>7}  worst case")
    for name, s in summ.items():
        target = "" if s["target"] is None else f"+-{100 * s['target']:.0f}%"
        within = "" if s["within_target"] is None else f" ({s['within_target']}/{s['n']} within)"
        print(
            f"{name:24}{s['n']:4d}{100 * s['median_abs_error']:13.1f}%{100 * s['worst_abs_error']:12.1f}%  "
            f"{target:>7}  {s['worst']}{within}"
        )


def _print_causes(causes):
    total = sum(c["n"] for c in causes.values())
    if not total:
        return
    print()
    print(f"vendor figures outside their class target: {total}, by what they rest on")
    for name, c in causes.items():
        sec = f" ({c['unconfirmed']} from secondary sources)" if c["unconfirmed"] else ""
        print(f"  {c['n']:3d}  {name}{sec}: {c['meaning']}")


def _cmd_validate(args) -> int:
    from linkmodel import parts as _parts
    from linkmodel.studies import validate

    parts = _parts.bundled_parts()
    if args.part:
        known = {p.id: p for p in parts}
        for pid in args.part:
            if pid not in known:
                raise UsageError(f"--part: unknown part {pid!r}; known: {', '.join(sorted(known))}")
        parts = [known[pid] for pid in args.part]
    records = validate.validate(parts)
    if args.json:
        print(json.dumps(jsonable([r.as_dict() for r in records]), indent=2))
        return 0
    if args.markdown:
        print(validate.summary_markdown(records), end="")
        return 0
    _print_records(records)
    _print_summary(validate.summary(records))
    _print_causes(validate.miss_causes(records))
    return 0


def _add_check_parser(sub):
    p = sub.add_parser(
        "check",
        help="validate and sanity-check one spec file (any path)",
        description="Predict a spec file's published figures and check each against the physical "
        "ceilings: what must be true to reach it.",
    )
    p.add_argument("path", help="a part spec file (.toml)")
    p.add_argument("--json", action="store_true", help="print JSON (SI units) instead of a table")
    p.set_defaults(func=_cmd_check)


_STATE_COLS = {
    "seq_read": ("GB/s", 1e9),
    "seq_write": ("GB/s", 1e9),
    "rand_read": ("kIOPS", 1e3),
    "rand_write": ("kIOPS", 1e3),
}


def _power_state_rows(part) -> list[dict]:
    """Predictions at each NVMe power state of a part (SI units)."""
    from linkmodel import parts as _parts
    from linkmodel.ssd import drive

    rows = []
    for i, cap in enumerate(part.get("power_states")):
        row = {"state": f"PS{i}", "power_cap": cap, "error": None}
        try:
            params, _ = _parts.params_from_part(part, power_state=i)
            ds = drive.predict(params, [drive.WORKLOADS[w] for w in _STATE_COLS])
        except ValueError as exc:
            row["error"] = str(exc)
            rows.append(row)
            continue
        for wl in _STATE_COLS:
            sel = ds.sel(workload=wl)
            value = float(sel.throughput) if wl.startswith("seq") else float(sel.iops)
            row[wl] = {"value": value, "power": float(sel.power), "binding": str(sel.binding.values)}
        rows.append(row)
    return rows


def _cmd_check(args) -> int:
    from linkmodel import parts as _parts
    from linkmodel.ssd import drive
    from linkmodel.studies import sanity, validate

    part = _parts.load_part(args.path)
    records = validate.validate_part(part)
    checks = sanity.check_part(part)
    with _parts.about(part):
        params, prov = _parts.params_from_part(part)
    states = _power_state_rows(part) if part.get("power_states") else []  # evaluated once (D8)
    inputs = [
        {
            "parameter": k,
            "value": params[k],
            "unit": drive.PARAMETERS[k],
            "source": prov[k].source,
            "basis": prov[k].detail,
        }
        for k in drive.PARAMETERS
    ]
    if args.json:
        print(
            json.dumps(
                jsonable(
                    {
                        "part": part.id,
                        "records": [r.as_dict() for r in records],
                        "checks": [c.as_dict() for c in checks],
                        "inputs": inputs,
                        "power_states": states,
                    }
                ),
                indent=2,
            )
        )
        return 0
    print(f"{part.vendor} {part.model} ({part.id}), {args.path}")
    _print_records(records)
    print()
    if part.get("power_states"):
        print("NVMe power states (headline capacity): predicted throughput and power per state")
        for row in states:
            if row["error"]:
                print(f"  {row['state']:4} {row['power_cap']:5.1f} W  not reachable in the model: {row['error']}")
                continue
            cells = "  ".join(
                f"{wl} {row[wl]['value'] / s_:.4g} {u} ({row[wl]['binding']}, {row[wl]['power']:.1f} W)"
                for wl, (u, s_) in _STATE_COLS.items()
            )
            print(f"  {row['state']:4} {row['power_cap']:5.1f} W  {cells}")
        print()
    print(
        f"Model inputs at the headline capacity ({part.get('capacity') / 1e12:g} TB): value [SI unit], where it "
        "comes from (--json has every basis in full)"
    )
    for row in inputs:
        basis = row["basis"] if len(row["basis"]) <= 70 else row["basis"][:67] + "..."
        print(f"  {row['parameter']:24} {row['value']:>11.4g} {row['unit']:5} {row['source']:24} {basis}")
    print()
    print("Sanity check: the physical ceiling of each published figure and what must be true to reach it")
    for c in checks:
        unit, scale = _UNIT_OF.get(c.metric, ("", 1.0))
        verdict = "possible" if c.possible else "NOT POSSIBLE as specified"
        print(
            f"- {c.metric} {c.published / scale:.4g} {unit} at {c.capacity / 1e12:g} TB: {verdict}; "
            f"link ceiling {c.link_ceiling / scale:.4g} {unit} at MPS {c.mps:g} B"
        )
        for req in c.requirements:
            print(f"    needs: {req}")
    return 0


# ---------------------------------------------------------------------------
# linkmodel whatif
# ---------------------------------------------------------------------------


def _add_endurance_parser(sub):
    p = sub.add_parser(
        "endurance",
        help="endurance and write placement (conventional, FDP, ZNS) of one or two parts",
        description="For each part: rated vs predicted DWPD, the P/E cycles the rating needs, the "
        "over-provisioning 1 and 3 DWPD need on its NAND, and 4 KiB random writes under "
        "conventional, FDP (with --hot) and ZNS placement. With two parts (a 1/3 DWPD "
        "pair): predicted vs published random-write and DWPD ratios.",
    )
    p.add_argument("parts", nargs="+", help="one or two part ids or spec files")
    p.add_argument(
        "--hot",
        default=None,
        help="two traffic classes: share of writes to share of space, e.g. 0.8:0.2 (default uniform)",
    )
    p.add_argument(
        "--host-waf",
        default="1",
        help="ZNS host-side writes per application write (default 1): the "
        "drive also serves the host's relocation reads and writes",
    )
    p.add_argument("--capacity", default=None, help="SKU user capacity, e.g. '7.68 TB' (default: the headline SKU)")
    p.add_argument(
        "--gc-model",
        default="lambertw",
        choices=("lambertw", "meanfield"),
        help="large GC units (Lambert-W closed form) or finite ones (Van Houdt mean field)",
    )
    p.add_argument(
        "--pages-per-block", default=None, help="mapping units per GC unit for --gc-model meanfield (default 1024)"
    )
    p.add_argument(
        "--choices",
        default=None,
        help="d-choices of the GC victim selection for --gc-model meanfield (default 100: greedy)",
    )
    p.add_argument(
        "--parity",
        default="0",
        help="RAIN parity bytes per data byte, e.g. 0.0667 for 15+1 (default 0; "
        "on top of the shared reserve, which stands for unpublished parity)",
    )
    p.add_argument("--metadata", default="0", help="mapping/journal bytes per data byte (default 0)")
    p.add_argument("--json", action="store_true", help="print JSON (SI units) instead of a table")
    p.set_defaults(func=_cmd_endurance)


def _cmd_endurance(args) -> int:
    from linkmodel.studies import endurance_view

    if len(args.parts) > 2:
        raise UsageError("parts: give one part, or two for a pair comparison")
    parts = [part_arg(x) for x in args.parts]
    hot = None
    if args.hot is not None:
        try:
            r, f = (float(x) for x in args.hot.split(":"))
        except ValueError:
            raise UsageError(
                f"--hot: cannot read {args.hot!r}; expected write-share:space-share, e.g. 0.8:0.2"
            ) from None
        if not (0 < r < 1 and 0 < f < 1):
            raise UsageError(f"--hot: both shares must be between 0 and 1, got {args.hot!r}")
        hot = (r, f)
    from linkmodel.ssd.writepath import WritePath

    host_waf = number_arg("--host-waf", args.host_waf, 1.0)
    if args.gc_model != "meanfield":
        for flag, v in (("--pages-per-block", args.pages_per_block), ("--choices", args.choices)):
            if v is not None:
                raise UsageError(f"{flag}: applies to --gc-model meanfield only")
    if args.gc_model == "meanfield" and hot is not None:
        raise UsageError("--gc-model: the mean field is for uniform traffic; leave out --hot or use lambertw")
    parity = number_arg("--parity", args.parity, 0.0)
    metadata = number_arg("--metadata", args.metadata, 0.0)
    for flag, v in (("--parity", parity), ("--metadata", metadata)):
        if v > 1.0:
            raise UsageError(f"{flag}: expected at most 1 byte per data byte (1 = mirroring), got {v:g}")
    base = WritePath(
        gc_model=args.gc_model,
        pages_per_block=number_arg("--pages-per-block", args.pages_per_block or "1024", 2.0, integer=True),
        choices=number_arg("--choices", args.choices or "100", 1.0),
        parity=parity,
        metadata=metadata,
    )
    capacity = None
    if args.capacity is not None:
        if len(parts) > 1:
            raise UsageError("--capacity: applies to one part; give one part with it")
        capacity = capacity_arg(args.capacity)
    reports = [endurance_view.part_report(p, capacity=capacity, hot=hot, host_waf=host_waf, base=base) for p in parts]
    pair = endurance_view.pair_report(parts[0], parts[1]) if len(parts) == 2 else None
    if args.json:
        print(json.dumps(jsonable({"parts": reports, "pair": pair}), indent=2))
        return 0
    for r in reports:
        e = r["endurance"]
        print(
            f"{r['part']}: {r['capacity'] / 1e12:g} TB on {r['raw_capacity'] / 1e12:.4g} TB of NAND "
            f"(alpha {e['alpha']:.3f}, {e['alpha_effective']:.3f} after the GC reserve), P/E {e['pe_cycles']:.0f}, "
            f"{e['years']:g} years"
        )
        rated = f"rated {e['dwpd_rated']:g}, " if "dwpd_rated" in e else ""
        print(
            f"  DWPD: {rated}predicted {e['dwpd_random']:.3g} under uniform random writes (WAF "
            f"{e['waf_random']:.2f}), {e['dwpd_jesd219']:.3g} under the JESD219 mix (WAF {e['waf_jesd219']:.2f}), "
            f"{e['dwpd_sequential']:.3g} sequential"
        )
        if "pe_needed" in e:
            print(f"  the rating needs {e['pe_needed']:.0f} P/E cycles under uniform random writes")
        for t, v in r["op_for_dwpd"].items():
            print(
                f"  {t} DWPD on this NAND needs alpha {v['alpha']:.3f}: {v['user_capacity'] / 1e12:.4g} TB of user "
                "capacity"
            )
        print(f"  {'4 KiB random writes':22}{'capacity':>12}{'device WAF':>12}{'IOPS':>12}{'binding':>10}{'DWPD':>8}")
        for name, v in r["placements"].items():
            print(
                f"  {name:22}{v['capacity'] / 1e12:9.4g} TB{v['waf']:12.2f}{v['rand_write_iops'] / 1e3:10.1f} k"
                f"{v['binding']:>10}{v['dwpd']:8.3g}"
            )
        c = r.get("slc_cache")
        if c:
            caps = ", ".join(f"{v / 1e12:.3g} TB at {float(k):.0%} full" for k, v in c["burst_capacity"].items())
            head = (
                "  SLC cache (declared: {:.0%} of writes pass through it)".format(c["slc_fraction"])
                if c["declared"]
                else "  SLC cache (the part declares none; what a dynamic one would do)"
            )
            print(
                f"{head}: absorbs {caps}; sequential writes {c['burst_rate'] / 1e9:.3g} GB/s into it "
                f"({c['burst_binding']}), {c['native_rate'] / 1e9:.3g} GB/s native, {c['folded_rate'] / 1e9:.3g} GB/s "
                f"when every byte is folded; a burst lasts {c['burst_seconds_half_full']:.0f} s half full"
            )
        print()
    if pair:
        a, b = pair["parts"]
        print(f"{a} / {b}:")
        for key, label in (("rand_write", "random-write IOPS"), ("dwpd", "DWPD")):
            pub = pair[key]["published"]
            pub_s = "-" if pub is None else f"{pub:.3f}"
            print(f"  {label:18} published {pub_s:>6}  predicted {pair[key]['predicted']:.3f}")
    return 0


def _add_whatif_parser(sub):
    p = sub.add_parser(
        "whatif",
        help="compare two parts and attribute the difference to design changes",
        description="Predict two parts under one power cap, their ratios per workload, and the "
        "ratio after swapping the older design's link, NAND, controller and capacity "
        "for the newer one's, one at a time.",
    )
    p.add_argument("new", help="part id or spec file of the newer design")
    p.add_argument("old", help="part id or spec file of the older design")
    p.add_argument("--power-cap", default=None, help="hold both to this power, e.g. 25W (default: each its own)")
    p.add_argument("--json", action="store_true", help="print JSON (SI units) instead of a table")
    p.set_defaults(func=_cmd_whatif)


def _cmd_whatif(args) -> int:
    from linkmodel.studies import whatif

    new, old = part_arg(args.new), part_arg(args.old)
    cap = None if args.power_cap is None else parse_quantity(args.power_cap, "power", "--power-cap")
    if cap is not None and cap <= 0:
        raise UsageError("--power-cap: must be positive")
    cmp = whatif.compare(new, old, cap)
    steps = whatif.attribute(new, old, cap)
    if args.json:
        print(
            json.dumps(
                jsonable({"new_part": new.id, "old_part": old.id, "power_cap": cap, **cmp, "steps": steps}), indent=2
            )
        )
        return 0
    held = f"both held to {cap:g} W" if cap is not None else "each at its own power cap"
    print(f"{new.id} vs {old.id}, {held}")
    print(
        f"{'workload':14}{'new':>12}{'old':>12}{'perf x':>9}{'W new':>8}{'W old':>8}{'eff x':>8}  binding (new / old)"
    )
    for wl, r in cmp["ratio"].items():
        a, b = cmp["new"][wl], cmp["old"][wl]
        unit, scale = ("GB/s", 1e9) if wl.startswith("seq") else ("kIOPS", 1e3)
        va = a["throughput"] / scale if unit == "GB/s" else a["iops"] / scale
        vb = b["throughput"] / scale if unit == "GB/s" else b["iops"] / scale
        print(
            f"{wl:14}{va:>8.4g} {unit[:4]:<4}{vb:>7.4g}{r['performance']:>9.2f}{a['power']:>8.1f}{b['power']:>8.1f}"
            f"{r['efficiency']:>8.2f}  {a['binding']} / {b['binding']}"
        )
    print("\nSwapping the old design toward the new one, a step at a time (cumulative ratio vs the old design):")
    wls = list(cmp["ratio"])
    print(f"{'step':14}" + "".join(f"{w:>22}" for w in wls))
    for row in steps:
        cells = [f"{row['ratio'][w]['performance']:.2f}x perf {row['ratio'][w]['efficiency']:.2f}x eff" for w in wls]
        print(f"+ {row['step']:12}" + "".join(f"{c:>22}" for c in cells))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = Parser(prog="linkmodel", description="Analytical performance models for PCIe links and SSDs.")
    parser.add_argument("--version", action="version", version=f"linkmodel {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    _add_validate_parser(sub)
    _add_check_parser(sub)
    _add_whatif_parser(sub)
    _add_generations_parser(sub)
    _add_endurance_parser(sub)
    latency_command.add_parser(sub)
    _add_link_parser(sub)
    from linkmodel.cli import ai

    ai.add_parser(sub)
    return parser


def main(argv=None) -> int:
    """Entry point of the ``linkmodel`` console script; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            print(
                "linkmodel: error: a command is required: validate, check, whatif, endurance, latency, ai, generations, link",
                file=sys.stderr,
            )
            return 2
        return int(args.func(args) or 0)
    except UsageError as exc:
        msg = str(exc)
        print(msg if msg.startswith("linkmodel") else f"linkmodel: error: {msg}", file=sys.stderr)
        return 2
    except KeyError as exc:  # unknown catalogue/part ids
        print(f"linkmodel: error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # a library error not mapped to a flag (SpecError included)
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"linkmodel: error: {msg}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
