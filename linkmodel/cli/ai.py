"""``linkmodel ai``: AI-inference storage what-ifs on the command line (the library: linkmodel.ai).

Subcommands: models (catalogue and KV bytes per token), kv (a prefix-cache
tier: demand and drives of every bundled part), breakeven (Mooncake's
load-vs-recompute bandwidth), smallblock (GPU-initiated small-block IOPS of
a part and what closes a target), coldstart (weight load time) and experts
(MoE expert streaming); edge (tokens per second with weights in a phone's or
laptop's flash: linkmodel.cli.edge).
"""

from __future__ import annotations

import math
from typing import Any

from linkmodel import parts as _parts
from linkmodel.ai import kvtier, models, weights
from linkmodel.cli import ai_tables
from linkmodel.cli._common import (
    UsageError,
    add_draw_flags,
    count_arg,
    draws_arg,
    flag_message,
    part_arg,
    parts_arg,
    print_json,
    quantity_arg,
    rate_arg,
    seed_arg,
    share_arg,
)
from linkmodel.cli.edge import add_edge_parser
from linkmodel.ssd import drive
from linkmodel.studies import ai_drives, ai_smallblock
from linkmodel.units import format_si

__all__ = ["add_parser"]

# Plausible ranges of the flags (the library's own checks stay behind them).
#: Tokens per request [1]: published context windows reach 1e7 tokens (Llama 4 Scout, 10 M); 1e8 is 10x that.
MAX_TOKENS = 1e8
#: Requests per second [1/s]: ASSUMPTION: 1e7/s is beyond any single prefix-cache tier (a large fleet serves
#: of order 1e5/s), so larger is a typo.
MAX_RATE = 1e7
#: Tokens a tier keeps [1]: 1e12 tokens of Llama 3.1 70B's 320 KiB each is 330 PB, beyond any storage tier.
MAX_RETENTION = 1e12
#: Tokens per I/O block [1]: engines use 16-512 (kvtier.ENGINE_BLOCKS); 65536 is 128x the largest, and at
#: the largest KV per token in the catalogue (~0.5 MB) still one I/O well below the library's 1 TiB limit.
MAX_BLOCK = 65536
#: Write amplification [1]: at least 1; greedy GC at 1 % spare stays below ~50, so 100 is generous.
MAX_WAF = 100.0
#: Drive power cap [W]: NVMe drives' power states span ~3-70 W (PCIe CEM slot 75 W, EDSFF E3.L 70 W;
#: bundled parts 18-30 W); 1-100 W around that. Below a part's static power the library refuses it.
POWER_CAP_RANGE = (1.0, 100.0)
#: Mooncake's dense FLOP constant b [1]: 22 (Llama3-70B); the catalogue's models give 24-42; ASSUMPTION:
#: 1000 (25x) bounds any transformer; above that is a typo.
MAX_B = 1e3
#: Compute [FLOP/s]: a GB200 NVL72 rack is ~2e17 dense BF16; 1e20 (500x) bounds any one serving group.
MAX_FLOPS = 1e20
#: Target IOPS per drive [1/s]: 1e10 is 100x the 100 M IOPS that GPU-initiated storage asks for.
MAX_TARGET_IOPS = 1e10
#: Drive read bandwidth [B/s]: a Gen7 x16 link carries 256 GB/s per direction; 1 TB/s is 4x that.
MAX_DRIVE_BW = 1e12
#: Host-side bandwidth [B/s]: ASSUMPTION: 1e15 B/s (1 PB/s) bounds any host or cluster fabric.
MAX_HOST_BW = 1e15
#: Drives read in parallel [1]: ASSUMPTION: 1e6 drives bounds any cluster.
MAX_DRIVES = 1e6
#: Decode steps per second [1/s]: 1e6 is 1 us per step, below one GPU kernel launch.
MAX_STEPS = 1e6
#: Sequences per step [1]: ASSUMPTION: 1e6 bounds any decode batch.
MAX_BATCH = 1e6


def _usage(msg):
    return UsageError(msg)


def _model(text: str) -> models.Model:
    """The catalogue's Model for ``--model``."""
    try:
        return _parts.model(text)
    except ValueError as e:
        raise _usage(flag_message(e, {"model": "--model"})) from None


def _fmt(text):
    try:
        return models.kv_format(text)
    except ValueError as e:
        raise _usage(flag_message(e, {"fmt": "--format"})) from None


_JSON_HELP = "print JSON (SI units) instead of a table"
_MODEL_HELP = "a model id of the catalogue (linkmodel ai models lists them), e.g. llama-3.1-70b"
_FORMAT_HELP = "KV storage format, e.g. bf16, fp8 (default bf16)"


def add_parser(sub):
    """Register ``linkmodel ai`` and its subcommands."""

    p = sub.add_parser(
        "ai",
        help="AI inference storage: KV-cache tiers, break-even, small-block IOPS, cold start",
        description="AI-inference storage what-ifs (the library: linkmodel.ai). "
        + " ".join(__doc__.split("\n\n")[1].split()),
    )
    s = p.add_subparsers(dest="ai_command", metavar="AI_COMMAND", parser_class=type(p))
    p.set_defaults(func=lambda args: _missing(args))

    m = s.add_parser("models", help="the model catalogue: KV bytes per token, weights")
    m.add_argument("--format", default="bf16", help=_FORMAT_HELP)
    m.add_argument("--json", action="store_true", help=_JSON_HELP)
    m.set_defaults(func=_cmd_models)
    _add_kv_parser(s)

    b = s.add_parser("breakeven", help="loading bandwidth above which a cached prefix beats recomputing it")
    b.add_argument("--model", required=True, help=_MODEL_HELP)
    b.add_argument("--prefix", required=True, help="prefix tokens, comma-separated, e.g. 1024,8192,32k")
    b.add_argument("--gpu-flops", required=True, help="compute throughput [FLOP/s], e.g. 2.5e15, 989T or 8x312T")
    b.add_argument("--format", default="bf16", help=_FORMAT_HELP)
    b.add_argument(
        "--b",
        default=None,
        help="dense FLOP constant, above 0 up to 1000 (Mooncake's 22 for Llama3-70B; default 2 x active "
        "params / (layers x hidden^2))",
    )
    b.add_argument("--json", action="store_true", help=_JSON_HELP)
    b.set_defaults(func=_cmd_breakeven)

    g = s.add_parser("smallblock", help="GPU-initiated small-block random reads of a part, and what closes a target")
    g.add_argument("part", help="a part id or spec file")
    g.add_argument("--target", default="100M", help="target IOPS per drive, e.g. 100M or 2.0M IOPS (default 100M)")
    g.add_argument("--size", default="512", help="I/O size for the target, up to 16 KiB (default 512 B)")
    add_draw_flags(
        g,
        "also draw the part's unpublished inputs N times (a whole number, e.g. 1000): IOPS per size and the "
        "target's gap as median and 80 %% interval (default: no draws)",
    )
    g.add_argument("--json", action="store_true", help=_JSON_HELP)
    g.set_defaults(func=_cmd_smallblock)

    c = s.add_parser("coldstart", help="time to load a model's weights from drives")
    c.add_argument("--model", required=True, help=_MODEL_HELP)
    c.add_argument("--bits", default="16", help="bits per parameter, 1-32 (default 16)")
    c.add_argument("--drives", default="1,2,4,8", help="drive counts, comma-separated (default 1,2,4,8)")
    c.add_argument("--part", default=None, help="a part id or spec file (its modelled sequential read); or --drive-bw")
    c.add_argument("--drive-bw", default=None, help="one drive's read bandwidth with its unit, e.g. '28 GB/s'")
    c.add_argument("--host-bw", default=None, help="host-side cap with its unit, e.g. '64 GB/s' (default none)")
    c.add_argument(
        "--efficiency", default="1", help="loader's share of the hardware bandwidth, e.g. 0.8 or 80%% (default 1)"
    )
    c.add_argument("--json", action="store_true", help=_JSON_HELP)
    c.set_defaults(func=_cmd_coldstart)

    e = s.add_parser("experts", help="MoE expert streaming from flash")
    e.add_argument("--model", required=True, help=_MODEL_HELP + " (a mixture-of-experts model)")
    e.add_argument("--steps", required=True, help="decode steps per second, e.g. 20")
    e.add_argument("--batch", default="1", help="sequences per step (default 1)")
    e.add_argument("--hit", default="0", help="share of expert reads served from memory, e.g. 0.5 or 50%% (default 0)")
    e.add_argument("--bits", default="16", help="bits per parameter, 1-32 (default 16)")
    e.add_argument("--json", action="store_true", help=_JSON_HELP)
    e.set_defaults(func=_cmd_experts)
    add_edge_parser(s)


def _add_kv_parser(s) -> None:
    k = s.add_parser("kv", help="a prefix-cache tier: bandwidth, I/O size, IOPS, capacity, writes; drives per part")
    k.add_argument("--model", required=True, help=_MODEL_HELP)
    k.add_argument("--rate", required=True, help="requests per second, e.g. 2")
    k.add_argument("--input", required=True, help="mean input tokens per request, e.g. 12035 or 12k")
    k.add_argument("--hit", required=True, help="prefix-hit share of input tokens, e.g. 0.4 or 40%%")
    k.add_argument("--output", default="0", help="mean output tokens per request (default 0)")
    k.add_argument("--admit", default="1", help="share of new KV written to the tier, e.g. 0.5 or 50%% (default 1)")
    k.add_argument("--save-decode", action="store_true", help="decode-phase KV saved too")
    k.add_argument("--retention", default="0", help="tokens the tier keeps (capacity), e.g. 50M (default 0: not sized)")
    k.add_argument(
        "--block",
        default="16",
        help=f"tokens per I/O block, 1-{MAX_BLOCK}, or an engine: {', '.join(kvtier.ENGINE_BLOCKS)} (default 16)",
    )
    k.add_argument(
        "--layout",
        default="contiguous",
        choices=kvtier.LAYOUTS,
        help="how a block's KV lies on the drive (default contiguous)",
    )
    k.add_argument(
        "--tp", default="1", help="tensor-parallel degree (splits a block over min(tp, KV heads); default 1)"
    )
    k.add_argument("--split-kv", action="store_true", help="K and V stored apart")
    k.add_argument("--format", default="bf16", help=_FORMAT_HELP)
    k.add_argument("--waf", default="1", help=f"write amplification vs the drives' ratings, 1-{MAX_WAF:g} (default 1)")
    k.add_argument(
        "--utilization", default="1", help="usable share of each drive's capacity, e.g. 0.9 or 90%% (default 1)"
    )
    k.add_argument("--power-cap", default=None, help="hold every drive to this power, e.g. '15 W' (default: its own)")
    k.add_argument(
        "--part",
        "--parts",
        dest="parts",
        action="append",
        default=None,
        help="a part id or spec file; repeat it or separate with commas (default every bundled part); "
        "--parts is the older name",
    )
    k.add_argument("--json", action="store_true", help=_JSON_HELP)
    k.set_defaults(func=_cmd_kv)


def _missing(args):
    raise _usage(
        "linkmodel: error: ai: a subcommand is required: models, kv, breakeven, smallblock, coldstart, experts"
    )


def _dump(obj):
    print_json(obj)


def _cmd_models(args) -> int:
    fmt = _fmt(args.format)
    rows = []
    for mid, m in _parts.models().items():
        rows.append(
            {
                "id": mid,
                "name": m.name,
                "attention": m.attention,
                "layers": m.layers,
                "kv_heads": m.kv_heads,
                "kv_bytes_per_token": models.kv_bytes_per_token(m, fmt),
                "compression": models.compression(m, fmt),
                "params": m.params,
                "weight_bytes_bf16": models.weight_bytes(m),
                "moe": m.moe is not None,
                "source": m.source,
            }
        )
    if args.json:
        _dump({"format": fmt.name, "models": rows})
        return 0
    print(f"KV cache per token in {fmt.name} ({fmt.source})")
    print(f"{'model':18} {'attn':5} {'layers':>6} {'KV heads':>8} {'KV/token':>12} {'vs BF16':>8} {'weights BF16':>13}")
    for r in rows:
        print(
            f"{r['id']:18} {r['attention']:5} {r['layers']:6d} {r['kv_heads']:8d} "
            f"{r['kv_bytes_per_token'] / 1024:9.2f} KiB {r['compression']:7.3f}x "
            f"{r['weight_bytes_bf16'] / 1e9:10.1f} GB"
        )
    return 0


def _cmd_kv(args) -> int:
    m, fmt = _model(args.model), _fmt(args.format)
    rate = count_arg("--rate", args.rate, hi=MAX_RATE, example="2 or 1.5k")
    n_in = count_arg("--input", args.input, hi=MAX_TOKENS, example="12035 or 12k")
    n_out = count_arg("--output", args.output, hi=MAX_TOKENS, example="500")
    hit, admit = share_arg("--hit", args.hit), share_arg("--admit", args.admit)
    keep = count_arg("--retention", args.retention, hi=MAX_RETENTION, example="50M")
    block = kvtier.ENGINE_BLOCKS.get(args.block.lower()) or count_arg(
        "--block", args.block, lo=1, hi=MAX_BLOCK, integer=True, example="16 or vllm"
    )
    tp = count_arg("--tp", args.tp, lo=1, hi=1e6, integer=True, example="8")
    waf = count_arg("--waf", args.waf, lo=1, hi=MAX_WAF, example="1.5")
    util = share_arg("--utilization", args.utilization, positive=True)
    cap = None if args.power_cap is None else _power_cap(args.power_cap)
    parts = None if args.parts is None else parts_arg(args.parts)
    try:
        d = kvtier.demand(
            m, rate, n_in, hit, n_out, admit, args.save_decode, keep, block, args.layout, int(tp), args.split_kv, fmt
        )
    except ValueError as e:
        flags = {
            "request_rate": "--rate",
            "input_tokens": "--input",
            "output_tokens": "--output",
            "prefix_hit": "--hit",
            "admit": "--admit",
            "retention_tokens": "--retention",
            "tokens_per_block": "--block",
            "tp": "--tp",
            "split_kv": "--split-kv",
        }
        raise _usage(flag_message(e, flags)) from None
    try:
        sized = ai_drives.for_parts(d, parts or _parts.bundled_parts(), power_cap=cap, waf=waf, utilization=util)
    except ValueError as e:
        flags = {"power_cap": "--power-cap", "waf": "--waf", "utilization": "--utilization"}
        raise _usage(flag_message(e, flags)) from None

    demand = {k: float(d[k]) for k in d.data_vars}
    rows = sized.to_dataframe().reset_index().to_dict("records")
    if args.json:
        _dump(
            {
                "model": m.id,
                "format": fmt.name,
                "demand": demand,
                "waf": waf,
                "utilization": util,
                "power_cap": cap,
                "parts": rows,
            }
        )
        return 0
    print(
        f"{m.name}, KV {fmt.name}: {demand['kv_bytes_per_token'] / 1024:.2f} KiB per token; "
        f"{rate:g} requests/s x {n_in:g} tokens, {hit:.0%} prefix hits, admit {admit:.0%}"
    )
    print(
        f"  read  {format_si(demand['read_bandwidth'], 'B/s')}  {format_si(demand['read_iops'], 'IOPS')} "
        f"at {demand['io_size'] / 1024:.6g} KiB per I/O ({args.layout}, {block:g} tokens per block, TP {tp:g})"
    )
    print(
        f"  write {format_si(demand['write_bandwidth'], 'B/s')}  {format_si(demand['write_iops'], 'IOPS')}; "
        f"{demand['bytes_written_per_day'] / 1e12:.1f} TB written per day"
    )
    if keep > 0:
        print(f"  capacity {demand['capacity'] / 1e12:.3f} TB ({keep:,.0f} tokens kept)")
    else:
        print("  capacity not sized (give --retention, the tokens the tier keeps)")
    print()
    ai_tables.print_kv_parts(rows)
    return 0


def _cmd_breakeven(args) -> int:
    m, fmt = _model(args.model), _fmt(args.format)
    prefixes = [
        count_arg("--prefix", x, hi=MAX_TOKENS, allow_zero=False, example="8192 or 32k") for x in args.prefix.split(",")
    ]
    g = count_arg("--gpu-flops", args.gpu_flops, hi=MAX_FLOPS, allow_zero=False, example="2.5e15, 989T or 8x989T")
    b = None if args.b is None else count_arg("--b", args.b, hi=MAX_B, allow_zero=False, example="22")
    rows = []
    bb = b if b is not None else kvtier.dense_flops_constant(m)
    for p in prefixes:
        try:
            bw = float(kvtier.breakeven_bandwidth(m, p, g, fmt, b=b))
            flops = float(kvtier.prefill_flops(p, m.layers, m.hidden, b=bb, attention_width=m.attention_width()))
        except ValueError as e:
            flags = {"tokens": "--prefix", "prefix_tokens": "--prefix", "compute_flops": "--gpu-flops"}
            raise _usage(flag_message(e, flags)) from None
        rows.append({"prefix_tokens": p, "breakeven_bandwidth": bw, "prefill_seconds": flops / g})
    if args.json:
        _dump({"model": m.id, "format": fmt.name, "compute_flops": g, "a": kvtier.MOONCAKE_A, "b": bb, "rows": rows})
        return 0
    print(
        f"{m.name}, KV {fmt.name}, compute {g:.4g} FLOP/s, FLOPs l (a n^2 d_attn + b n d^2) with a 4, "
        f"b {bb:.3g}, d_attn {m.attention_width():g}"
    )
    for r in rows:
        print(
            f"  prefix {r['prefix_tokens']:>9.0f} tokens: recompute {r['prefill_seconds'] * 1e3:8.1f} ms; "
            f"loading beats it above {format_si(r['breakeven_bandwidth'], 'B/s')}"
        )
    return 0


def _cmd_smallblock(args) -> int:
    part = part_arg(args.part, "part")
    target = rate_arg("--target", args.target, hi=MAX_TARGET_IOPS)
    if target == 0:
        raise _usage(f"--target: expected a rate above 0, got {args.target!r}")
    # 1 B up to 16 KiB: "small blocks" are below the 4 KiB-16 KiB pages; a bare number is bytes here
    size = quantity_arg("--size", args.size, "size", 1.0, 16384.0, "B", "512 B", bare=True)
    seed = seed_arg(args.seed)
    n = None if args.draws is None else draws_arg(args.draws)
    sizes = sorted({512.0, 1024.0, 2048.0, 4096.0, size})
    ds = ai_smallblock.ceilings(part, sizes)
    c = ai_smallblock.closing(part, target, size)
    drawn = None if n is None else ai_smallblock.iops_draws(part, sizes, target, size, n, seed)
    rows: list[dict[str, Any]] = [
        {
            "size": float(s),
            "iops": float(ds.iops.sel(size=s)),
            "binding": str(ds.binding.sel(size=s).values),
            **{
                k: float(ds[k].sel(size=s))
                for k in ds.data_vars
                if k.startswith("ceiling_") or k in ("link_batched", "link_data_only")
            },
        }
        for s in ds["size"].values
    ]
    if args.json:
        extra = {} if drawn is None else {"draws": n, "seed": seed, "intervals": drawn}
        _dump({"part": part.id, "sizes": rows, "closing": c, **extra})
        return 0
    ai_tables.print_smallblock(part.id, rows, c, target, size)
    if drawn is not None:
        ai_tables.print_smallblock_draws(drawn)
    return 0


def _power_cap(text: str) -> float:
    """``--power-cap`` [W] within :data:`POWER_CAP_RANGE`."""
    return quantity_arg("--power-cap", text, "power", *POWER_CAP_RANGE, "W", "15 W")


def _drive_bw(args):
    if (args.part is None) == (args.drive_bw is None):
        raise _usage("--part / --drive-bw: give exactly one")
    if args.drive_bw is not None:
        return quantity_arg("--drive-bw", args.drive_bw, "bandwidth", 1.0, MAX_DRIVE_BW, "B/s", "28 GB/s"), "given"

    part = part_arg(args.part, "--part")
    with _parts.about(part):
        params, _ = _parts.params_from_part(part)
        return float(drive.evaluate(params, drive.WORKLOADS["seq_read"]).throughput), f"{part.id} (model)"


def _cmd_coldstart(args) -> int:
    m = _model(args.model)
    bits = count_arg("--bits", args.bits, lo=1, hi=32, example="16")
    counts = [
        int(count_arg("--drives", x, lo=1, hi=MAX_DRIVES, integer=True, example="1,2,4,8"))
        for x in args.drives.split(",")
    ]
    bw, src = _drive_bw(args)
    host = (
        math.inf
        if args.host_bw is None
        else quantity_arg("--host-bw", args.host_bw, "bandwidth", 1.0, MAX_HOST_BW, "B/s", "64 GB/s")
    )
    eff = share_arg("--efficiency", args.efficiency, positive=True)
    w = float(models.weight_bytes(m, bits))
    rows = [{"drives": n, "seconds": float(weights.cold_start_time(w, n, bw, host, efficiency=eff))} for n in counts]
    if args.json:
        _dump(
            {
                "model": m.id,
                "weight_bytes": w,
                "drive_read_bandwidth": bw,
                "source": src,
                "host_bandwidth": host,
                "efficiency": eff,
                "rows": rows,
            }
        )
        return 0
    print(
        f"{m.name}: {w / 1e9:.1f} GB at {bits:g} bits/parameter; one drive reads {format_si(bw, 'B/s')} ({src}); "
        f"loader efficiency {eff:.0%}"
    )
    for r in rows:
        print(f"  {r['drives']:4d} drives: {r['seconds']:8.2f} s")
    return 0


def _cmd_experts(args) -> int:
    m = _model(args.model)
    steps = count_arg("--steps", args.steps, hi=MAX_STEPS, example="20")
    batch = count_arg("--batch", args.batch, lo=1, hi=MAX_BATCH, integer=True, example="8")
    hit = share_arg("--hit", args.hit)
    bits = count_arg("--bits", args.bits, lo=1, hi=32, example="8")
    try:
        ds = weights.expert_stream(m, steps, batch, hit, bits)
    except ValueError as e:
        raise _usage(flag_message(e, {"model": "--model"})) from None
    out = {k: float(ds[k]) for k in ds.data_vars}
    if args.json:
        _dump({"model": m.id, **out})
        return 0
    print(
        f"{m.name}: {out['experts_per_step']:.0f} distinct expert reads per step of {batch:g} sequences, "
        f"{out['io_size'] / 2**20:.2f} MiB each at {bits:g} bits"
    )
    print(
        f"  at {steps:g} steps/s and {hit:.0%} cache hits: {format_si(out['read_bandwidth'], 'B/s')}, "
        f"{out['read_iops']:.0f} reads/s"
    )
    return 0
