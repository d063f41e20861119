"""``linkmodel endurance``: parse, call :mod:`linkmodel.studies.endurance_view`, render."""

from __future__ import annotations

from collections.abc import Mapping

from linkmodel.cli._common import (
    UsageError,
    add_draw_flags,
    capacity_arg,
    cell,
    count_arg,
    draws_arg,
    number_arg,
    part_arg,
    print_json,
    seed_arg,
)
from linkmodel.ssd.writepath import WritePath
from linkmodel.studies import endurance_draws, endurance_view
from linkmodel.units import parse_quantity

__all__ = ["MAX_CHOICES", "MAX_HOST_WAF", "MAX_PAGES_PER_BLOCK", "add_endurance_parser"]

#: Mapping units per GC unit [1]: a 3D NAND block of ~1,000-3,000 16 KiB pages holds ~4k-12k 4 KiB units;
#: 65536 is 5x that, and the mean field runs in seconds there (1e7 ran for minutes); larger units are the
#: Lambert-W limit (--gc-model lambertw).
MAX_PAGES_PER_BLOCK = 65536
#: d-choices of the victim selection [1]: 100 is already greedy; 10^4 is ample.
MAX_CHOICES = 1e4
#: Host-side writes per application write [1]: at least 1; ASSUMPTION: host GC above 100x is a typo.
MAX_HOST_WAF = 100.0


def add_endurance_parser(sub) -> None:
    """Register ``linkmodel endurance``."""
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
        help="two traffic classes: share of writes to share of space, e.g. 0.8:0.2 or 80%%:20%% (default uniform)",
    )
    p.add_argument(
        "--host-waf",
        default="1",
        help=f"ZNS host-side writes per application write, 1-{MAX_HOST_WAF:g} (default 1): the "
        "drive also serves the host's relocation reads and writes",
    )
    p.add_argument("--capacity", default=None, help="SKU user capacity, e.g. '7.68 TB' (default: the headline SKU)")
    p.add_argument(
        "--gc-model",
        default="lambertw",
        choices=("lambertw", "meanfield"),
        help="large GC units (Lambert-W closed form) or finite ones (Van Houdt mean field) (default lambertw)",
    )
    p.add_argument(
        "--pages-per-block",
        default=None,
        help=f"mapping units per GC unit for --gc-model meanfield, 2-{MAX_PAGES_PER_BLOCK} (default 1024)",
    )
    p.add_argument(
        "--choices",
        default=None,
        help=f"d-choices of the GC victim selection for --gc-model meanfield, 1-{MAX_CHOICES:g} (default 100: greedy)",
    )
    p.add_argument(
        "--parity",
        default="0",
        help="RAIN parity bytes per data byte, 0-1, e.g. 0.0667 for 15+1 (default 0; "
        "on top of the shared reserve, which stands for unpublished parity)",
    )
    p.add_argument("--metadata", default="0", help="mapping/journal bytes per data byte, 0-1 (default 0)")
    add_draw_flags(
        p,
        "also draw each part's unpublished inputs (P/E cycles, GC reserve, ...) N times (a whole number, e.g. "
        "1000): the WAF's, DWPD's and TBW's median and 80 %% interval, a published rating's quantile "
        "(default: no draws)",
    )
    p.add_argument("--json", action="store_true", help="print JSON (SI units) instead of a table")
    p.set_defaults(func=_cmd_endurance)


def _inputs(args):
    """(parts, capacity, hot, host_waf, base write path) from the flags."""
    if len(args.parts) > 2:
        raise UsageError("parts: give one part, or two for a pair comparison")
    parts = [part_arg(x, "parts") for x in args.parts]
    hot = None
    if args.hot is not None:
        halves = args.hot.split(":")
        if len(halves) != 2:
            raise UsageError(f"--hot: cannot read {args.hot!r}; expected write-share:space-share, e.g. 0.8:0.2")
        try:
            r, f = (parse_quantity(x, "ratio", "--hot") for x in halves)
        except ValueError:
            raise UsageError(
                f"--hot: cannot read {args.hot!r}; expected write-share:space-share, e.g. 0.8:0.2 or 80%:20%"
            ) from None
        if not (0 < r < 1 and 0 < f < 1):
            raise UsageError(f"--hot: both shares must be between 0 and 1, got {args.hot!r}")
        hot = (r, f)
    host_waf = count_arg("--host-waf", args.host_waf, lo=1.0, hi=MAX_HOST_WAF, example="1.2")
    base = _write_path(args, hot)
    return parts, _capacity(args, parts), hot, host_waf, base


def _write_path(args, hot) -> WritePath:
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
    return WritePath(
        gc_model=args.gc_model,
        pages_per_block=count_arg(
            "--pages-per-block",
            "1024" if args.pages_per_block is None else args.pages_per_block,
            2.0,
            MAX_PAGES_PER_BLOCK,
            integer=True,
            example="1024",
        ),
        choices=count_arg(
            "--choices", "100" if args.choices is None else args.choices, 1.0, MAX_CHOICES, integer=True, example="100"
        ),
        parity=parity,
        metadata=metadata,
    )


def _capacity(args, parts):
    if args.capacity is None:
        return None
    if len(parts) > 1:
        raise UsageError("--capacity: applies to one part; give one part with it")
    return capacity_arg(args.capacity)


def _cmd_endurance(args) -> int:
    parts, capacity, hot, host_waf, base = _inputs(args)
    seed = seed_arg(args.seed)
    n = None if args.draws is None else draws_arg(args.draws)
    reports = [endurance_view.part_report(p, capacity=capacity, hot=hot, host_waf=host_waf, base=base) for p in parts]
    pair = endurance_view.pair_report(parts[0], parts[1]) if len(parts) == 2 else None
    drawn = [] if n is None else [endurance_draws.endurance_draws(p, n, seed, capacity, write_path=base) for p in parts]
    if args.json:
        extra = {"draws": n, "seed": seed, "intervals": drawn} if n is not None else {}
        print_json({"parts": reports, "pair": pair, **extra})
        return 0
    for i, r in enumerate(reports):
        _print_part(r)
        if drawn:
            _print_draws(drawn[i])
    if pair:
        _print_pair(pair)
    return 0


def _print_part(r: Mapping) -> None:
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
            f"  {t} DWPD on this NAND needs alpha {v['alpha']:.3f}: {v['user_capacity'] / 1e12:.4g} TB of user capacity"
        )
    print(f"  {'4 KiB random writes':22}{'capacity':>12}{'device WAF':>12}{'IOPS':>12}{'binding':>10}{'DWPD':>8}")
    for name, v in r["placements"].items():
        print(
            f"  {name:22}{v['capacity'] / 1e12:9.4g} TB{cell(v['waf'], 12, 2)}{cell(v['rand_write_iops'] / 1e3, 10)} k"
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


def _print_pair(pair: Mapping) -> None:
    a, b = pair["parts"]
    print(f"{a} / {b}:")
    for key, label in (("rand_write", "random-write IOPS"), ("dwpd", "DWPD")):
        pub = pair[key]["published"]
        pub_s = "-" if pub is None else f"{pub:.3f}"
        print(f"  {label:18} published {pub_s:>6}  predicted {pair[key]['predicted']:.3f}")


#: the drawn figures shown, with their label, unit and scale to it
_DRAWN_ROWS = (
    ("dwpd_random", "DWPD, uniform random writes", "", 1.0),
    ("dwpd_jesd219", "DWPD, JESD219 mix", "", 1.0),
    ("dwpd_sequential", "DWPD, sequential", "", 1.0),
    ("tbw_random", "TBW, uniform random writes", "TB", 1e12),
    ("tbw_sequential", "TBW, sequential", "TB", 1e12),
    ("waf_random", "WAF, uniform random writes", "", 1.0),
)


def _print_draws(d) -> None:
    """One part's endurance over draws: median [80 % interval], a published figure's quantile, what to learn."""
    print(
        f"  over {d.draws} draws of its unpublished inputs (seed {d.seed}): median [80 % interval, 10th-90th "
        "percentile]"
    )
    for key, label, unit, scale in _DRAWN_ROWS:
        f = d.figures[key]
        lo, hi = f["interval"]
        pub = f"; published {f['published'] / scale:.4g} at quantile {f['quantile']:.2f}" if "published" in f else ""
        top = list(f.get("sensitivity", {}).items())[:2]
        learn = "; learn first: " + ", ".join(f"{k} ({v:.2f})" for k, v in top) if top else ""
        u = f" {unit}" if unit else ""
        print(f"    {label:28} {f['median'] / scale:.4g} [{lo / scale:.4g}-{hi / scale:.4g}]{u}{pub}{learn}")
    print()
