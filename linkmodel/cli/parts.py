"""``linkmodel validate``, ``check`` and ``whatif``: parse, call a study, render."""

from __future__ import annotations

import math

from linkmodel import parts as _parts
from linkmodel.cli._common import (
    UsageError,
    add_draw_flags,
    draws_arg,
    flag_message,
    part_arg,
    parts_arg,
    print_json,
    quantity_arg,
    seed_arg,
)
from linkmodel.studies import check, uncertain, validate, whatif

__all__ = ["POWER_CAP_RANGE", "add_check_parser", "add_validate_parser", "add_whatif_parser"]

#: "learn first" shows at most this many inputs, those whose first-order index is at least the floor [1]
LEARN_FIRST_SHOWN, LEARN_FIRST_FLOOR = 3, 0.05

#: ``whatif --power-cap`` [W]: NVMe drives' power states span ~3-70 W (PCIe CEM slot 75 W, EDSFF E3.L 70 W;
#: bundled parts 18-30 W); 1-100 W around that. A cap below a part's static power is refused by the library.
POWER_CAP_RANGE = (1.0, 100.0)

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


def add_validate_parser(sub) -> None:
    """Register ``linkmodel validate``."""
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
    p.add_argument(
        "--part",
        action="append",
        default=None,
        help="only this part: a bundled id or a spec file (repeat it or separate with commas; "
        "default every bundled part)",
    )
    add_draw_flags(
        p,
        "also draw every unpublished input N times per SKU (a whole number, e.g. 200) and show each "
        "drive-model figure's median, 80 %% interval and the published figure's quantile (default: no draws)",
    )
    p.set_defaults(func=_cmd_validate)


def _draw_args(args, default: int | None) -> tuple[int, int]:
    """(draws, seed) from --draws and --seed (draws 0: none)."""
    seed = seed_arg(args.seed)
    if args.draws is None:
        return (default or 0), seed
    return draws_arg(args.draws), seed


def _print_draws(n: int, seed: int) -> None:
    print(
        f"Over {n} draws of every unpublished input per SKU (seed {seed}): the model's median, its 80 % interval "
        "(10th-90th percentile), the quantile at which the published figure falls, and what to learn first "
        "(first-order Sobol' index of the figure's spread)"
    )


def _print_interval(f, indent: int = 36) -> None:
    """The sub-lines of a drawn figure: median, interval, quantile; the inputs to learn first."""
    unit, scale = _UNIT_OF.get(f.metric, ("", 1.0))
    print(
        f"{'':{indent}}over draws: median {f.median / scale:.4g}, 80 % {f.low / scale:.4g}-{f.high / scale:.4g}"
        f"{' ' + unit if unit else ''}; published at quantile {f.quantile:.2f}"
    )
    top = [(k, v) for k, v in f.sensitivity.items() if v >= LEARN_FIRST_FLOOR][:LEARN_FIRST_SHOWN]
    if top:
        cells = [f"{k} (S1 {v:.2f})" if i == 0 else f"{k} ({v:.2f})" for i, (k, v) in enumerate(top)]
        print(f"{'':{indent}}learn first: " + ", ".join(cells))


def _print_records(records, drawn=None):
    """The records table; ``drawn(record)`` gives a record's drawn interval (or None) for its sub-lines."""
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
        f = drawn(r) if drawn is not None else None
        if f is not None:
            _print_interval(f)


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
    n, seed = _draw_args(args, None)
    parts = _parts.bundled_parts() if not args.part else parts_arg(args.part)
    records = validate.validate(parts)
    drawn = {}
    if n and not args.markdown:
        for p in parts:
            for f in uncertain.intervals(p, n, seed).figures:
                drawn[(p.id, *check.figure_key(f))] = f

    def interval_of(r):
        return drawn.get((r.part, *check.figure_key(r)))

    if args.json:
        print_json([_with_interval(r.as_dict(), interval_of(r), n, seed) for r in records])
        return 0
    if args.markdown:
        print(validate.summary_markdown(records), end="")
        return 0
    if n:
        _print_draws(n, seed)
    _print_records(records, interval_of)
    _print_summary(validate.summary(records))
    _print_causes(validate.miss_causes(records))
    return 0


def _with_interval(d: dict, f, n: int, seed: int) -> dict:
    """A record's JSON with its drawn median, ``interval`` [low, high], ``quantile``, ``sensitivity``, draws
    and seed (unchanged when not drawn)."""
    if f is None:
        return d
    return d | {
        "median": f.median,
        "interval": [f.low, f.high],
        "quantile": f.quantile,
        "sensitivity": f.sensitivity,
        "draws": n,
        "seed": seed,
    }


def add_check_parser(sub) -> None:
    """Register ``linkmodel check``."""
    p = sub.add_parser(
        "check",
        help="validate and sanity-check one part (a bundled id or any spec file)",
        description="Predict a part's published figures, summarise the errors per metric class as validate "
        "does, and check each figure against the link's ceiling: what must be true to reach it.",
    )
    p.add_argument("path", metavar="part", help="a bundled part id or a part spec file (.toml)")
    p.add_argument("--json", action="store_true", help="print JSON (SI units) instead of a table")
    add_draw_flags(
        p,
        f"draws of every unpublished input per SKU for the intervals, sensitivities and verdicts, a whole "
        f"number >= 1 (default {check.DEFAULT_DRAWS})",
    )
    p.set_defaults(func=_cmd_check)


#: units of the power-state table
_STATE_UNITS = {
    "seq_read": ("GB/s", 1e9),
    "seq_write": ("GB/s", 1e9),
    "rand_read": ("kIOPS", 1e3),
    "rand_write": ("kIOPS", 1e3),
}


def _cmd_check(args) -> int:
    n, seed = _draw_args(args, check.DEFAULT_DRAWS)
    rep = check.report(part_arg(args.path, "path"), n, seed)
    if args.json:
        print_json(rep.to_dict())
        return 0
    part = rep.part
    print(f"{part.vendor} {part.model} ({part.id}), {args.path}")
    _print_draws(n, seed)
    _print_records(rep.records, rep.interval_of)
    _print_summary(validate.summary(rep.records))
    print()
    if rep.power_states:
        _print_power_states(rep.power_states)
    print(
        f"Model inputs at the headline capacity ({part.get('capacity') / 1e12:g} TB): value [SI unit], where it "
        "comes from (--json has every basis in full)"
    )
    for row in rep.inputs:
        basis = row["basis"] if len(row["basis"]) <= 70 else row["basis"][:67] + "..."
        value = f"{row['value']:>11.4g}" if math.isfinite(row["value"]) else f"{'no limit':>11}"  # inf: no limit
        print(f"  {row['parameter']:24} {value} {row['unit']:5} {row['source']:24} {basis}")
    print()
    _print_checks(rep.checks)
    return 0


def _print_power_states(states: list[dict]) -> None:
    print("NVMe power states (headline capacity): predicted throughput and power per state")
    for row in states:
        if row["error"]:
            print(f"  {row['state']:4} {row['power_cap']:5.1f} W  not reachable in the model: {row['error']}")
            continue
        cells = "  ".join(
            f"{wl} {row[wl]['value'] / s_:.4g} {u} ({row[wl]['binding']}, {row[wl]['power']:.1f} W)"
            for wl, (u, s_) in _STATE_UNITS.items()
        )
        print(f"  {row['state']:4} {row['power_cap']:5.1f} W  {cells}")
    print()


def _print_checks(checks) -> None:
    print(
        "Sanity check: each published figure against the link's ceiling, then what else must be true to reach it "
        "(the requirements the model's stages set)"
    )
    for c in checks:
        unit, scale = _UNIT_OF.get(c.metric, ("", 1.0))
        at = c.link or f"at MPS {c.mps:g} B"
        verdict = (
            "within the link's ceiling"
            if c.possible
            else "ABOVE the link's ceiling" + ("" if c.link else " at every MPS")
        )
        print(
            f"- {c.metric} {c.published / scale:.4g} {unit} at {c.capacity / 1e12:g} TB: {verdict} "
            f"({c.link_ceiling / scale:.4g} {unit} {at})"
        )
        if c.verdict is not None:
            print(f"    verdict: {_verdict_text(c, unit, scale)}")
        if c.verdict == "impossible":
            print(f"    needs: more than {c.hard_ceiling_at}: {c.hard_ceiling / scale:.4g} {unit}")
        for req in c.requirements:
            print(f"    needs: {req}")


def _verdict_text(c, unit: str, scale: float) -> str:
    """``consistent``/``optimistic``/``pessimistic``/``impossible`` with the numbers that decide it."""
    ceiling = f"hard ceiling {c.hard_ceiling / scale:.4g} {unit} ({c.hard_ceiling_at})"
    if c.interval is None:
        return f"{c.verdict}: above the {ceiling}"
    lo, hi = c.interval
    inside = (
        f"the model's 80 % interval {lo / scale:.4g}-{hi / scale:.4g} {unit}, published at quantile {c.quantile:.2f}"
    )
    where = {"consistent": "inside", "optimistic": "above", "pessimistic": "below", "impossible": "beyond"}[c.verdict]
    if c.verdict == "impossible":
        return f"impossible: above the {ceiling}; {inside}"
    return f"{c.verdict}: {where} {inside}; {ceiling}"


def add_whatif_parser(sub) -> None:
    """Register ``linkmodel whatif``."""
    p = sub.add_parser(
        "whatif",
        help="compare two parts and attribute the difference to design changes",
        description="Predict two parts under one power cap, their ratios per workload, and the "
        "ratio after swapping the older design's link, NAND, controller and capacity "
        "for the newer one's, one at a time.",
    )
    p.add_argument("new", help="part id or spec file of the newer design")
    p.add_argument("old", help="part id or spec file of the older design")
    p.add_argument(
        "--power-cap",
        default=None,
        help=f"hold both to this power, {POWER_CAP_RANGE[0]:g}-{POWER_CAP_RANGE[1]:g} W, e.g. 25W "
        "(default: each its own)",
    )
    p.add_argument("--json", action="store_true", help="print JSON (SI units) instead of a table")
    add_draw_flags(
        p,
        "also draw both parts' unpublished inputs N times (a whole number, e.g. 1000; inputs they share drawn "
        "once for both) and show each figure's and each ratio's median and 80 %% interval (default: no draws)",
    )
    p.set_defaults(func=_cmd_whatif)


def _cmd_whatif(args) -> int:
    new, old = part_arg(args.new, "new"), part_arg(args.old, "old")
    cap = None
    if args.power_cap is not None:
        cap = quantity_arg("--power-cap", args.power_cap, "power", *POWER_CAP_RANGE, "W", "25 W")
    n, seed = _draw_args(args, None)
    try:
        cmp = whatif.compare(new, old, cap)
        steps = whatif.attribute(new, old, cap)
        drawn = whatif.compare_draws(new, old, cap, n, seed) if n else None
    except ValueError as exc:  # e.g. a cap below a part's static power
        raise UsageError(flag_message(exc, {"power_cap": "--power-cap"})) from None
    if args.json:
        extra = {} if drawn is None else {"draws": n, "seed": seed, "intervals": drawn.to_dict()}
        print_json({"new_part": new.id, "old_part": old.id, "power_cap": cap, **cmp, "steps": steps, **extra})
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
    if drawn is not None:
        _print_whatif_draws(drawn)
    return 0


def _print_whatif_draws(d) -> None:
    """The what-if over draws: per workload, each part's median and 80 % interval and the ratios'."""
    print(
        f"\nOver {d.draws} draws of both parts' unpublished inputs (seed {d.seed}; {len(d.shared)} inputs they share "
        "drawn once for both): median [80 % interval, 10th-90th percentile]"
    )
    print(f"{'workload':14}{'new':>26}{'old':>26}{'perf x':>20}{'eff x':>20}")

    def cell(s, scale, fmt):
        lo, hi = s["interval"]
        return f"{s['median'] / scale:{fmt}} [{lo / scale:{fmt}}-{hi / scale:{fmt}}]"

    for wl, r in d.ratio.items():
        q, scale, unit = ("throughput", 1e9, "GB/s") if wl.startswith("seq") else ("iops", 1e3, "kIOPS")
        a, b = cell(d.new[wl][q], scale, ".4g") + f" {unit[:4]}", cell(d.old[wl][q], scale, ".4g")
        print(f"{wl:14}{a:>26}{b:>26}{cell(r['performance'], 1, '.2f'):>20}{cell(r['efficiency'], 1, '.2f'):>20}")
