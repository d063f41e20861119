"""``linkmodel latency``: parse, call :func:`linkmodel.studies.latency.report`, render (tables or JSON, SI)."""

from __future__ import annotations

from linkmodel.cli._common import (
    UsageError,
    add_draw_flags,
    capacity_arg,
    cell,
    count_arg,
    draws_arg,
    part_arg,
    print_json,
    quantity_arg,
    rate_arg,
    seed_arg,
    share_arg,
)
from linkmodel.ssd.closedloop import QUEUE_DEPTHS
from linkmodel.ssd.hostpath import DEFAULT_SUSPEND
from linkmodel.ssd.limits import MAX_PAGE_TYPES, MAX_QUEUE_DEPTH, MAX_QUEUE_DEPTHS, PAGE_TYPE_RANGE
from linkmodel.studies import latency as _study
from linkmodel.units import format_bytes, parse_quantity

__all__ = ["MAX_WRITE_IOPS", "add_parser", "run"]

#: Writes per second alongside reads [1/s]: the fastest published drives write ~1e6 random IOPS; 1e8 is 100x.
MAX_WRITE_IOPS = 1e8

_DEFAULT_SUSPEND_TEXT = f"{DEFAULT_SUSPEND[0] * 1e6:g}us,{DEFAULT_SUSPEND[1] * 1e6:g}us"
_FLAGS = {"size": "--size", "page_types": "--page-types", "write_iops": "--write-iops"}


def add_parser(sub):
    """Register ``linkmodel latency`` on the subparsers `sub`."""
    p = sub.add_parser(
        "latency",
        help="QD1 latency breakdown and latency/IOPS vs queue depth of a part",
        description="The QD1 latency of a random I/O step by step (host, doorbell, SQE fetch, "
        "firmware, NAND, ECC, PCIe, completion), then mean latency, p99/p99.9 and IOPS "
        "vs queue depth (mean-value analysis of dies, channels, link and controller).",
    )
    p.add_argument("part", help="a part id or spec file")
    p.add_argument("--io", default="read", choices=("read", "write"), help="random reads or writes (default read)")
    p.add_argument("--size", default="4KiB", help="I/O size, e.g. 4KiB or 4096 (bytes) (default 4KiB)")
    p.add_argument("--capacity", default=None, help="SKU user capacity, e.g. '7.68 TB' (default: the headline SKU)")
    p.add_argument(
        "--qd",
        default=",".join(str(q) for q in QUEUE_DEPTHS),
        help=f"queue depths, comma-separated, 1-{MAX_QUEUE_DEPTH} (default {','.join(str(q) for q in QUEUE_DEPTHS)})",
    )
    p.add_argument(
        "--write-ack",
        default="buffer",
        choices=("buffer", "through"),
        help="acknowledge writes from the protected buffer (default) or after the program",
    )
    p.add_argument("--polling", action="store_true", help="the host polls completions (no MSI-X)")
    p.add_argument(
        "--mapping-miss",
        default=None,
        help="share of reads whose mapping entry is not cached, e.g. 0.1 or 10%% (each reads a mapping page "
        "first; default the drive's own at --span: 0 with DRAM, HMB or SRAM coverage / span without)",
    )
    p.add_argument(
        "--span", default=None, help="bytes the random reads spread over, e.g. '64 GiB' (default the whole drive)"
    )
    p.add_argument(
        "--write-iops",
        default=None,
        help="reads only: random 4 KiB host writes per second running alongside (e.g. 100k or 100 kIOPS): the read "
        "wait behind programs and erases, with and without suspend",
    )
    p.add_argument(
        "--suspend",
        default=None,
        help="program and erase suspend latency: shown beside no suspend with --write-iops (default "
        f"{_DEFAULT_SUSPEND_TEXT}); with --mix, the mix runs with it (default: no suspend)",
    )
    p.add_argument(
        "--page-types",
        default=None,
        help=f"tR of each page type as multiples of the die's tR, e.g. 0.6,1,1.4 (LSB, CSB, MSB), at most "
        f"{MAX_PAGE_TYPES} types, each {PAGE_TYPE_RANGE[0]:g}-{PAGE_TYPE_RANGE[1]:g} (default: one tR)",
    )
    p.add_argument(
        "--mix",
        default=None,
        help="read share of a closed-loop random read/write mix, e.g. 0.7 or 70%%: IOPS and read/write latency vs "
        "queue depth, reads waiting behind the writes' programs",
    )
    add_draw_flags(
        p,
        "also draw the part's unpublished inputs N times (a whole number, e.g. 1000): the QD1 latency's and "
        "each depth's mean, p99 and IOPS median and 80 %% interval, and a published QD1 figure's quantile; "
        "with --write-iops also the curve with the writes (tails and writes over the first 64 draws); not "
        "with --mix (default: no draws)",
    )
    p.add_argument("--json", action="store_true", help="print JSON (SI units) instead of tables")
    p.set_defaults(func=run)


def _parse(args) -> dict:
    """The keyword arguments of :func:`linkmodel.studies.latency.report` from the command line."""
    part = part_arg(args.part, "part")
    texts = args.qd.split(",")
    if len(texts) > MAX_QUEUE_DEPTHS:
        raise UsageError(f"--qd: at most {MAX_QUEUE_DEPTHS} queue depths, got {len(texts)}")
    qds = [int(count_arg("--qd", x, lo=1, hi=MAX_QUEUE_DEPTH, integer=True, example="1,4,32")) for x in texts]
    # 1 B up to 1 GiB: ASSUMPTION: a random I/O above 1 GiB is a typo (NVMe MDTS is at most a few MiB)
    size = quantity_arg("--size", args.size, "size", 1.0, 2.0**30, "B", "4KiB", bare=True)
    capacity = None if args.capacity is None else capacity_arg(args.capacity)
    miss = None if args.mapping_miss is None else share_arg("--mapping-miss", args.mapping_miss)
    # one 4 KiB mapping unit up to 1 EB (the drive parameter read_span's bound); beyond the drive is the whole drive
    span = None if args.span is None else quantity_arg("--span", args.span, "size", 4096.0, 1e18, "B", "64GiB")
    if args.io != "read":
        for flag, v in (("--page-types", args.page_types), ("--mix", args.mix), ("--write-iops", args.write_iops)):
            if v is not None:
                raise UsageError(f"{flag}: applies to reads; leave out --io write")
    suspend = None
    if args.suspend is not None:
        parts_ = args.suspend.split(",")
        if len(parts_) != 2:
            raise UsageError(f"--suspend: expected program,erase latencies such as 20us,100us, got {args.suspend!r}")
        suspend = tuple(parse_quantity(x, "time", "--suspend") for x in parts_)
        if not all(0 <= x <= 0.01 for x in suspend):
            raise UsageError(f"--suspend: each latency must be between 0 and 10 ms, got {args.suspend!r}")
    page_types = None
    if args.page_types is not None:
        page_types = _page_types(args.page_types)
    write_iops = None if args.write_iops is None else rate_arg("--write-iops", args.write_iops, hi=MAX_WRITE_IOPS)
    mix = None if args.mix is None else share_arg("--mix", args.mix, positive=True)
    return dict(
        part=part,
        capacity=capacity,
        io=args.io,
        size=size,
        qds=qds,
        write_iops=write_iops,
        mix=mix,
        suspend=suspend,
        polling=args.polling,
        page_types=page_types,
        write_ack=args.write_ack,
        mapping_miss=miss,
        span=span,
    )


def _page_types(text: str) -> tuple:
    """``--page-types``: at most MAX_PAGE_TYPES multipliers [1] in PAGE_TYPE_RANGE."""
    items = text.split(",")
    bad = UsageError(
        f"--page-types: expected up to {MAX_PAGE_TYPES} comma-separated multipliers, each {PAGE_TYPE_RANGE[0]:g} to "
        f"{PAGE_TYPE_RANGE[1]:g}, such as 0.6,1,1.4, got {text!r}"
    )
    if len(items) > MAX_PAGE_TYPES:
        raise bad
    try:
        values = tuple(parse_quantity(x, "ratio", "--page-types") for x in items)
    except ValueError:
        raise bad from None
    if not all(PAGE_TYPE_RANGE[0] <= v <= PAGE_TYPE_RANGE[1] for v in values):
        raise bad
    return values


def _flag_error(exc: ValueError) -> UsageError | None:
    """A library error about one input, named by its flag (None: not about a flag)."""
    msg = str(exc)
    name, _, rest = msg.partition(": ")
    if name not in _FLAGS:
        return None
    return UsageError(f"{_FLAGS[name]}: {rest}")


def run(args) -> int:
    """``linkmodel latency``: returns the exit code (0)."""
    kw = _parse(args)
    seed = seed_arg(args.seed)
    n = None if args.draws is None else draws_arg(args.draws)
    if n is not None and kw["mix"] is not None:
        raise UsageError("--draws: not with --mix (one mixed curve is seconds of bisection per draw); leave one out")
    try:
        rep = _study.report(**kw)
        drawn = None if n is None else _study.report_draws(n=n, seed=seed, **_draw_kw(kw))
    except ValueError as exc:
        err = _flag_error(exc)
        if err is None:
            raise
        raise err from None
    if args.json:
        doc = rep.to_dict()
        if drawn is not None:
            doc |= {"draws": n, "seed": seed, "intervals": drawn.to_dict()}
        print_json(doc)
        return 0
    _render(rep.to_dict(), rep)
    if drawn is not None:
        _render_draws(drawn, rep)
    return 0


def _draw_kw(kw: dict) -> dict:
    """The keyword arguments of :func:`linkmodel.studies.latency.report_draws` (the mix is not drawn)."""
    return {k: v for k, v in kw.items() if k != "mix"}


def _render_draws(d, rep) -> None:
    """The QD1 latency and the curve over draws: median [80 % interval] (us, thousands of IOPS)."""
    print()
    print(
        f"Over {d.draws} draws of the part's unpublished inputs and its controller's firmware times (seed {d.seed}): "
        f"median [80 % interval, 10th-90th percentile]; tails over the first {d.tail_draws} draws"
    )
    q = d.qd1
    pub = "" if d.published is None else f"; published {d.published * 1e6:.4g} us at quantile {q['quantile']:.2f}"
    print(f"  QD1 {rep.io} latency (sustained): {_span(q, 1e6, 'us')}{pub}")
    print(f"{'queue depth':>12}{'mean':>24}{'p99':>24}{'IOPS':>26}")
    for r in d.curve:
        print(
            f"{r['queue_depth']:12d}{_span(r['latency'], 1e6, 'us'):>24}{_span(r['p99'], 1e6, 'us'):>24}"
            f"{_span(r['iops'], 1e-3, 'k'):>26}"
        )
    if d.writes is None:
        return
    refused = f"; {d.writes_refused} cannot carry them (out of reach)" if d.writes_refused else ""
    print(f"  with {d.write_iops / 1e3:.4g} k writes/s alongside, over the first {d.tail_draws} draws{refused}:")
    print(f"{'queue depth':>12}{'mean':>24}{'p99':>24}{'p99, suspend':>24}")
    for r in d.writes:
        print(
            f"{r['queue_depth']:12d}{_span(r['latency'], 1e6, 'us'):>24}{_span(r['p99'], 1e6, 'us'):>24}"
            f"{_span(r['p99_suspend'], 1e6, 'us'):>24}"
        )


def _span(s: dict, scale: float, unit: str) -> str:
    """``median [low-high] unit`` of a stats dict, in ``unit`` (the SI value times ``scale``)."""
    lo, hi = s["interval"]
    return f"{s['median'] * scale:.4g} [{lo * scale:.4g}-{hi * scale:.4g}] {unit}"


def _render(doc: dict, rep) -> None:
    """The tables of ``linkmodel latency`` (microseconds, thousands of IOPS)."""
    steps, rows = doc["breakdown"], doc["curve"]
    print(
        f"{doc['part']} ({doc['capacity'] / 1e12:g} TB): QD1 random {doc['io']}, {format_bytes(doc['size'])}"
        + (", written through" if doc["io"] == "write" and rep.write_ack == "through" else "")
    )
    for k, v in steps.items():
        if k != "total" and v > 0:
            print(f"  {k:15}{cell(v * 1e6, 9, 3)} us")
    print(f"  {'total':15}{cell(steps['total'] * 1e6, 9, 3)} us")
    if rep.drain_bound:
        print(
            f"  sustained (steady state): {rep.sustained * 1e6:.3f} us, bound by the buffer drain "
            "(1 / sustained random-write IOPS), as the QD1 row below"
        )
    print("  (host and controller terms are shared assumptions: linkmodel.ssd.latency.DEFAULTS)")
    print()
    print(f"{'queue depth':>12}{'mean':>11}{'p99':>11}{'p99.9':>11}{'IOPS':>12}")
    for r in rows:
        print(f"{r['queue_depth']:12d}{_us(r['latency'])}{_us(r['p99'])}{_us(r['p999'])}{cell(r['iops'] / 1e3, 10)} k")
    if doc["mixed"]:
        _render_mixed(doc, rep)
    if doc["interference"]:
        _render_interference(doc["interference"], rows)


def _render_mixed(doc, rep):
    print()
    how = "with suspend" if rep.mix_suspend else "no suspend"
    print(
        f"closed-loop mix, {float(rep.mix):.0%} random reads / buffered random writes, {format_bytes(doc['size'])} "
        f"({how}):"
    )
    print(f"{'queue depth':>12}{'IOPS':>12}{'mean':>11}{'read':>11}{'write':>11}")
    for r in doc["mixed"]:
        print(
            f"{r['queue_depth']:12d}{cell(r['iops'] / 1e3, 10)} k{_us(r['latency'])}"
            f"{_us(r['read_latency'])}{_us(r['write_latency'])}"
        )


def _render_interference(i, rows):
    print()
    print(
        f"with {i['write_iops'] / 1e3:g} k random 4 KiB writes/s alongside: each die programs "
        f"{i['program_busy']:.1%}, erases {i['erase_busy']:.2%} and reads for GC {i['gc_read_busy']:.2%} of "
        f"the time, each channel carries write data {i['channel_busy']:.1%}; a read waits in addition"
    )
    for label, key in (
        ("no suspend", "no_suspend"),
        (f"suspend {i['suspend'][0] * 1e6:g}/{i['suspend'][1] * 1e6:g} us", "with_suspend"),
    ):
        w = i[key]
        print(
            f"  {label:22} mean {cell(w['mean_wait'] * 1e6, 8, 2)} us   p99 {cell(w['wait_q99'] * 1e6, 8)} us   "
            f"p99.9 {cell(w['wait_q99.9'] * 1e6, 8)} us"
        )
    print(
        f"{'queue depth':>12}{'mean':>11}{'p99':>11}{'p99.9':>11}{'read IOPS':>12}{'p99 susp.':>11}"
        f"{'p99.9 susp.':>13}   (reads, writes alongside)"
    )
    for j, r in enumerate(rows):
        print(
            f"{r['queue_depth']:12d}{_us(i['mean_no_suspend'][j])}{_us(i['p99_no_suspend'][j])}"
            f"{_us(i['p999_no_suspend'][j])}{cell(i['iops_no_suspend'][j] / 1e3, 10)} k"
            f"{_us(i['p99_suspend'][j])}{cell(i['p999_suspend'][j] * 1e6, 10)} us"
        )


def _us(seconds: float) -> str:
    """A latency cell of the tables: microseconds in 8 characters, then ' us' [s in, text out]."""
    return f"{cell(seconds * 1e6, 8)} us"
