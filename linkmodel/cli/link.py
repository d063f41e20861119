"""``linkmodel link`` and ``linkmodel generations``: parse, call :mod:`linkmodel.studies.linkbudget`, render."""

from __future__ import annotations

import math

from linkmodel.cli._common import UsageError, flag_message, int_arg, print_json, quantity_arg
from linkmodel.pcie import phy
from linkmodel.studies import linkbudget
from linkmodel.units import format_bytes, format_si, parse_quantity

__all__ = ["add_generations_parser", "add_link_parser"]

#: library parameter -> flag, for error messages
_FLAGS = {
    "gen": "--gen",
    "lanes": "--lanes",
    "mps": "--mps",
    "mrrs": "--mrrs",
    "rcb": "--rcb",
    "size": "--size",
    "offset": "--offset",
    "transfer": "--transfer",
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


def add_link_parser(sub) -> None:
    """Register ``linkmodel link``."""
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
        "--transfer",
        "--direction",
        dest="transfer",
        default=None,
        help="what the device does on the link: write = posted memory writes upstream, device to host (how an "
        "SSD read delivers its data); read = memory reads upstream with completions downstream (how an SSD "
        "write fetches its data); both (default write). --direction is the older name",
    )
    p.add_argument(
        "--write-fraction",
        default=None,
        help="share of transferred bytes that are writes, e.g. 0.7 or 70%% (instead of --transfer)",
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
        "--replay-round-trip",
        default="100ns",
        help="time to learn of a failed flit, with its unit, e.g. 100ns (default 100ns, assumed)",
    )
    p.add_argument("--tag-bits", default="10", help="requester tag width: 5, 8, 10, 14 (default 10)")
    p.add_argument(
        "--round-trip",
        default="1us",
        help="read request round trip with its unit, e.g. 1us (default 1us, assumed); 0 disables",
    )
    p.add_argument("--json", action="store_true", help="print JSON (SI units) instead of a table")
    p.set_defaults(func=_cmd_link)


def _inputs(args) -> dict:
    flags = {"on": True, "off": False, "auto": None}
    if args.flit not in flags:
        raise UsageError(f"--flit: {args.flit!r} not allowed; allowed: auto, on, off")
    if args.transfer is not None and args.write_fraction is not None:
        raise UsageError("--write-fraction: give either --transfer or --write-fraction, not both")
    transfer = "write" if args.transfer is None else args.transfer
    if transfer not in ("write", "read", "both"):
        raise UsageError(f"--transfer: {transfer!r} not allowed; allowed: 'write', 'read', 'both'")
    kw = dict(
        gen=int_arg(args.gen, "--gen"),
        lanes=int_arg(args.lanes, "--lanes"),
        size=parse_quantity(args.size, "bytes", "--size"),
        mps=parse_quantity(args.mps, "bytes", "--mps"),
        mrrs=parse_quantity(args.mrrs, "bytes", "--mrrs"),
        rcb=parse_quantity(args.rcb, "bytes", "--rcb"),
        offset=parse_quantity(args.offset, "bytes", "--offset"),
        transfer=transfer,
        addressing=int_arg(args.addressing, "--addressing"),
        ecrc=bool(args.ecrc),
        flit=flags[args.flit],
        clocking=args.clocking,
        dllp_policy=args.dllp_policy,
        completion_split=args.completion_split,
        packing=args.packing,
        replay=args.replay,
        replay_round_trip=_time("--replay-round-trip", args.replay_round_trip),
        tag_bits=int_arg(args.tag_bits, "--tag-bits"),
        round_trip=_time("--round-trip", args.round_trip),
    )
    if args.write_fraction is not None:
        kw["write_fraction"] = parse_quantity(args.write_fraction, "ratio", "--write-fraction")
    if args.flit_error_rate is not None:
        kw["flit_error_rate"] = parse_quantity(args.flit_error_rate, "ratio", "--flit-error-rate")
    return kw


def _time(flag: str, text: str) -> float:
    """A time with its unit ('1us'; a bare 0 is allowed) [s]; the library checks its range and names the flag."""
    return quantity_arg(flag, text, "time", -math.inf, math.inf, "s", "1us")


def _cmd_link(args) -> int:
    kw = _inputs(args)
    try:
        rep = linkbudget.report(**kw)
    except ValueError as exc:
        raise UsageError(flag_message(exc, _FLAGS)) from None
    doc = rep.to_dict()
    if args.json:
        print_json(doc)
        return 0
    _print_budget(doc, kw)
    _print_summary(doc, str(rep.latency_transfer))
    return 0


def _print_budget(doc: dict, kw: dict) -> None:
    gen = phy.GENERATIONS[kw["gen"]]
    mode = "flit mode" if doc["flit"] else "non-flit"
    sym = gen.rate / gen.bits_per_symbol
    what = {"write": "posted writes (MWr)", "read": "reads (MRd + CplD)", "both": "reads and writes"}[kw["transfer"]]
    print(
        f"PCIe Gen{kw['gen']} x{kw['lanes']}: {gen.rate / 1e9:g} GT/s {gen.modulation} ({sym / 1e9:g} GBd), "
        f"{gen.encoding}, {mode}" + ("  [PROVISIONAL: Gen8 figures rest on assumptions]" if doc["provisional"] else "")
    )
    print(f"{format_bytes(kw['size'])} {what}, MPS {kw['mps']:g} B, MRRS {kw['mrrs']:g} B; per direction:")
    print(f"{'':26}{'upstream':>22}{'downstream':>22}")
    per_dir = doc["per_direction"]

    def row(label, key):
        cells = []
        for d in ("upstream", "downstream"):
            v = per_dir[d][key]
            v = 0.0 if abs(v) < 1e-9 * doc["line_rate"] else v  # float rounding shows as -0.000
            cells.append(f"{v / 1e9:10.3f} GB/s {100 * v / doc['line_rate']:6.2f}%")
        print(f"{label:26}" + "".join(f"{c:>22}" for c in cells))

    row("line rate", "line_rate")
    for key, label in linkbudget.BREAKDOWN:
        row(("  " if key != "payload" else "") + label, key)


def _print_summary(doc: dict, latency_transfer: str) -> None:
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
    lat = doc["latency"]
    one = "round trip" if latency_transfer == "read" else "way"
    print(
        f"latency (idle link)  {format_si(lat['total'], 's')} one {one} "
        f"(serialization {format_si(lat['serialization'], 's')}, "
        f"flit wait+accumulation {format_si(lat['flit_alignment'] + lat['flit_accumulation'], 's')})"
    )


def add_generations_parser(sub) -> None:
    """Register ``linkmodel generations``."""
    p = sub.add_parser(
        "generations",
        help="table of PCIe generations and raw bandwidths",
        description="PCIe Gen1-Gen8: rates, signalling, encoding and per-direction bandwidths.",
    )
    p.add_argument("--json", action="store_true", help="print JSON (SI units) instead of a table")
    p.set_defaults(func=_cmd_generations)


def _cmd_generations(args) -> int:
    rows = linkbudget.generations()
    if args.json:
        print_json({"generations": rows, "units": {"rate": "T/s", "bandwidth": "B/s"}})
        return 0
    lanes = phy.ALLOWED_LANES
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
