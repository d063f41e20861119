"""``linkmodel ai``: AI-inference storage what-ifs on the command line (see :mod:`linkmodel.ai`).

Subcommands: ``models`` (catalogue and KV bytes per token), ``kv`` (a
prefix-cache tier: demand and drives of every bundled part), ``breakeven``
(Mooncake's load-vs-recompute bandwidth), ``smallblock`` (GPU-initiated
small-block IOPS of a part and what closes a target), ``coldstart`` (weight
load time) and ``experts`` (MoE expert streaming).
"""

from __future__ import annotations

import json
import math
from typing import Any

from linkmodel import parts as _parts
from linkmodel.ai import kvtier, models, weights
from linkmodel.cli._common import UsageError, flag_message, jsonable, part_arg
from linkmodel.ssd import drive
from linkmodel.studies import ai_drives, ai_smallblock
from linkmodel.units import format_si, parse_quantity

__all__ = ["add_parser"]

_SCALE = {"k": 1e3, "m": 1e6, "g": 1e9, "t": 1e12, "p": 1e15}


def _usage(msg):
    return UsageError(msg)


def _scaled(
    flag: str,
    text: str,
    lo: float = 0.0,
    allow_zero: bool = True,
    hi: float = math.inf,
    integer: bool = False,
    example: str = "2, 50M or 8x312T",
) -> float:
    """A number with an optional k/M/G/T/P suffix and an optional 'N x' multiplier: '8x312T', '2.5e15', '100M'."""
    t = text.strip().lower().replace(" ", "")
    mult = 1.0
    if "x" in t:
        n, _, t = t.partition("x")
        try:
            mult = float(n)
        except ValueError:
            raise _usage(f"{flag}: expected a number such as {example}, got {text!r}") from None
    if t and t[-1] in _SCALE:
        mult *= _SCALE[t[-1]]
        t = t[:-1]
    try:
        v = float(t) * mult
    except ValueError:
        raise _usage(f"{flag}: expected a number such as {example}, got {text!r}") from None
    what = "a whole number" if integer else "a finite number"
    if not math.isfinite(v) or v < lo or v > hi or (not allow_zero and v == 0) or (integer and v != int(v)):
        rng = f"{'>' if not allow_zero else '>='} {lo:g}" + (f" and <= {hi:g}" if math.isfinite(hi) else "")
        raise _usage(f"{flag}: expected {what} {rng}, got {text!r}")
    return v


def _share(flag: str, text: str) -> float:
    try:
        v = parse_quantity(text, "ratio", flag)
    except ValueError as e:
        raise _usage(str(e)) from None
    if not 0.0 <= v <= 1.0:
        raise _usage(f"{flag}: expected a share between 0 and 1 (or 0-100 %), got {text!r}")
    return v


def _qty(flag: str, text: str, kind: str) -> float:
    try:
        v = parse_quantity(text, kind, flag)
    except ValueError as e:
        raise _usage(str(e)) from None
    if not v > 0:
        raise _usage(f"{flag}: must be > 0, got {text!r}")
    return v


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
        raise _usage(flag_message(e, {"kv format": "--format"})) from None


def add_parser(sub):
    """Register ``linkmodel ai`` and its subcommands."""

    p = sub.add_parser(
        "ai",
        help="AI inference storage: KV-cache tiers, break-even, small-block IOPS, cold start",
        description=__doc__.splitlines()[0],
    )
    s = p.add_subparsers(dest="ai_command", metavar="AI_COMMAND", parser_class=type(p))
    p.set_defaults(func=lambda args: _missing(args))

    m = s.add_parser("models", help="the model catalogue: KV bytes per token, weights")
    m.add_argument("--format", default="bf16", help="KV storage format (default bf16)")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=_cmd_models)

    k = s.add_parser("kv", help="a prefix-cache tier: bandwidth, I/O size, IOPS, capacity, writes; drives per part")
    k.add_argument("--model", required=True)
    k.add_argument("--rate", required=True, help="requests per second, e.g. 2")
    k.add_argument("--input", required=True, help="mean input tokens per request")
    k.add_argument("--hit", required=True, help="prefix-hit share of input tokens, e.g. 0.4 or 40%%")
    k.add_argument("--output", default="0", help="mean output tokens per request (default 0)")
    k.add_argument("--admit", default="1", help="share of new KV written to the tier (default 1)")
    k.add_argument("--save-decode", action="store_true", help="decode-phase KV saved too")
    k.add_argument("--retention", default="0", help="tokens the tier keeps (capacity), e.g. 50M")
    k.add_argument(
        "--block", default="16", help=f"tokens per I/O block or an engine: {', '.join(kvtier.ENGINE_BLOCKS)}"
    )
    k.add_argument("--layout", default="contiguous", choices=kvtier.LAYOUTS)
    k.add_argument("--tp", default="1", help="tensor-parallel degree (splits a block over min(tp, KV heads))")
    k.add_argument("--split-kv", action="store_true", help="K and V stored apart")
    k.add_argument("--format", default="bf16", help="KV storage format (default bf16)")
    k.add_argument("--waf", default="1", help="write amplification vs the drives' ratings (default 1)")
    k.add_argument("--utilization", default="1", help="usable share of each drive's capacity (default 1)")
    k.add_argument("--power-cap", default=None, help="hold every drive to this power, e.g. '15 W'")
    k.add_argument("--parts", default=None, help="comma-separated part ids (default every bundled part)")
    k.add_argument("--json", action="store_true")
    k.set_defaults(func=_cmd_kv)

    b = s.add_parser("breakeven", help="loading bandwidth above which a cached prefix beats recomputing it")
    b.add_argument("--model", required=True)
    b.add_argument("--prefix", required=True, help="prefix tokens, comma-separated, e.g. 1024,8192,32768")
    b.add_argument("--gpu-flops", required=True, help="compute throughput, e.g. 8x312T (FLOP/s)")
    b.add_argument("--format", default="bf16")
    b.add_argument(
        "--b",
        default=None,
        help="dense FLOP constant (Mooncake's 22 for Llama3-70B; default 2 x active params / (layers x hidden^2))",
    )
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=_cmd_breakeven)

    g = s.add_parser("smallblock", help="GPU-initiated small-block random reads of a part, and what closes a target")
    g.add_argument("part")
    g.add_argument("--target", default="100M", help="target IOPS per drive (default 100M)")
    g.add_argument("--size", default="512", help="I/O size for the target (default 512 B)")
    g.add_argument("--json", action="store_true")
    g.set_defaults(func=_cmd_smallblock)

    c = s.add_parser("coldstart", help="time to load a model's weights from drives")
    c.add_argument("--model", required=True)
    c.add_argument("--bits", default="16", help="bits per parameter (default 16)")
    c.add_argument("--drives", default="1,2,4,8", help="drive counts, comma-separated")
    c.add_argument("--part", default=None, help="a part (its modelled sequential read); or --drive-bw")
    c.add_argument("--drive-bw", default=None, help="one drive's read bandwidth, e.g. '28 GB/s'")
    c.add_argument("--host-bw", default=None, help="host-side cap, e.g. '64 GB/s'")
    c.add_argument("--efficiency", default="1", help="loader's share of the hardware bandwidth (default 1)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(func=_cmd_coldstart)

    e = s.add_parser("experts", help="MoE expert streaming from flash")
    e.add_argument("--model", required=True)
    e.add_argument("--steps", required=True, help="decode steps per second")
    e.add_argument("--batch", default="1", help="sequences per step (default 1)")
    e.add_argument("--hit", default="0", help="share of expert reads served from memory (default 0)")
    e.add_argument("--bits", default="16", help="bits per parameter (default 16)")
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=_cmd_experts)


def _missing(args):
    raise _usage("linkmodel ai: error: a subcommand is required: models, kv, breakeven, smallblock, coldstart, experts")


def _dump(obj):
    print(json.dumps(jsonable(obj)))


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
    rate = _scaled("--rate", args.rate)
    n_in = _scaled("--input", args.input)
    n_out = _scaled("--output", args.output)
    hit, admit = _share("--hit", args.hit), _share("--admit", args.admit)
    keep = _scaled("--retention", args.retention)
    block = kvtier.ENGINE_BLOCKS.get(args.block.lower()) or _scaled("--block", args.block, lo=1, example="16 or vllm")
    tp = _scaled("--tp", args.tp, lo=1, hi=1e6, integer=True, example="8")
    waf = _scaled("--waf", args.waf, lo=1)
    util = _share("--utilization", args.utilization)
    if util == 0:
        raise _usage("--utilization: must be > 0")
    cap = None if args.power_cap is None else _qty("--power-cap", args.power_cap, "power")

    parts = None
    if args.parts is not None:
        parts = [part_arg(p.strip()) for p in args.parts.split(",") if p.strip()]
        if not parts:
            raise _usage("--parts: give comma-separated part ids or spec-file paths (or leave --parts out: all)")
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
    sized = ai_drives.for_parts(d, parts or _parts.bundled_parts(), power_cap=cap, waf=waf, utilization=util)
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
    _print_kv_parts(rows)
    return 0


def _print_kv_parts(rows: list[dict]) -> None:
    """The per-part table of ``linkmodel ai kv``: drives each constraint needs, the binding one, fleet power [W]."""

    def stage(r):
        return f" ({r['drive_stage']})" if r["drive_stage"] and r["binding"] != "power" else ""

    print(
        f"{'part':26} {'TB':>6} {'DWPD':>5} {'drives':>6}  {'binding':30} {'rd BW':>5} {'rd IO':>5} {'wr BW':>5} "
        f"{'wr IO':>5} {'r+w':>4} {'cap':>4} {'endur':>5} {'fleet W':>8}"
    )
    for r in rows:
        print(
            f"{r['part']:26} {r['capacity'] / 1e12:6.2f} {r['dwpd']:5.2f} {r['drives']:6.0f}  "
            f"{r['binding'] + stage(r):30} "
            f"{r['n_read_bandwidth']:5.0f} {r['n_read_iops']:5.0f} {r['n_write_bandwidth']:5.0f} "
            f"{r['n_write_iops']:5.0f} {r['n_read_write']:4.0f} {r['n_capacity']:4.0f} {r['n_endurance']:5.0f} "
            f"{r['fleet_power']:8.0f}"
        )
    print("(columns: drives each constraint needs; DWPD as published for the SKU, else modelled: --json says which)")


def _cmd_breakeven(args) -> int:
    m, fmt = _model(args.model), _fmt(args.format)
    prefixes = [_scaled("--prefix", x, allow_zero=False, example="8192 or 32k") for x in args.prefix.split(",")]
    g = _scaled("--gpu-flops", args.gpu_flops, allow_zero=False, example="2.5e15, 989T or 8x989T")
    b = None if args.b is None else _scaled("--b", args.b, allow_zero=False, example="22")
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
    part = part_arg(args.part)
    target = _scaled("--target", args.target, allow_zero=False, example="100M")
    size = _qty("--size", args.size, "size")
    if size > 16384:
        raise _usage(f"--size: small blocks are up to 16 KiB, got {args.size!r}")
    ds = ai_smallblock.ceilings(part, sorted({512.0, 1024.0, 2048.0, 4096.0, size}))
    c = ai_smallblock.closing(part, target, size)
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
        _dump({"part": part.id, "sizes": rows, "closing": c})
        return 0
    print(f"{part.id}: random reads at small sizes (PCIe Gen{c['link']['gen']:g} x{c['link']['lanes']:g})")
    print(
        f"{'size':>6} {'IOPS':>10}  {'binding':10} {'link (NVMe)':>12} {'link (GPU batching)':>20} "
        f"{'channels':>9} {'dies':>9} {'power':>9}"
    )
    for r in rows:
        print(
            f"{r['size']:6.0f} {r['iops'] / 1e6:9.2f}M  {r['binding']:10} {r['ceiling_link'] / 1e6:11.1f}M "
            f"{r['link_batched'] / 1e6:19.1f}M {r['ceiling_channels'] / 1e6:8.1f}M {r['ceiling_dies'] / 1e6:8.1f}M "
            f"{r['ceiling_power'] / 1e6:8.1f}M"
        )
    print("(the model's ceilings; the controller's command rate is unpublished, so not among them)")
    print()
    if c["gap"] <= 1:
        print(
            f"target {target / 1e6:g} M IOPS at {size:g} B: already met by the modelled design "
            f"({c['iops'] / 1e6:.2f} M, {c['binding']} binds), controller permitting"
        )
    else:
        print(
            f"target {target / 1e6:g} M IOPS at {size:g} B: {c['gap']:.1f}x the design's {c['iops'] / 1e6:.2f} M "
            f"({c['binding']} binds)"
        )
    links = ", ".join(f"Gen{o['gen']} x{o['lanes']}" + ("*" if o["needs_batching"] else "") for o in c["links"])
    print(
        f"  link: Gen{c['link']['gen']:g} x{c['link']['lanes']:g} carries {c['link']['ceiling'] / 1e6:.1f} M; "
        f"enough: {links or 'none of those searched'} (* only with GPU-side batching by 8, an assumption)"
    )
    m = c["mps_ceilings"]
    print(
        f"  MPS (now {c['mps']:g} B), link with batching: "
        + ", ".join(f"{k} B {v / 1e6:.1f} M" for k, v in m.items())
        + " (no help once MPS holds a whole I/O)"
    )
    print(f"  channels: {c['channels_needed']:.0f} needed at its channel rate (it has {c['channels']:.0f})")
    print(f"  dies: {c['dies_needed']:.0f} needed at its tR (it has {c['dies']:.0f})")
    print(f"  power: {c['power_needed']:.0f} W needed (cap {c['power_cap']:g} W)")
    ctrl = "not published (not modelled)" if math.isinf(c["controller_iops"]) else f"{c['controller_iops'] / 1e6:g} M"
    print(f"  controller: {target / 1e6:g} M commands/s needed (its limit: {ctrl})")
    print(
        f"  in flight: {c['outstanding_ios']:.0f} reads (Little's law at the QD1 latency "
        f"{c['qd1_latency'] * 1e6:.1f} us)"
    )
    return 0


def _drive_bw(args):
    if (args.part is None) == (args.drive_bw is None):
        raise _usage("--part / --drive-bw: give exactly one")
    if args.drive_bw is not None:
        return _qty("--drive-bw", args.drive_bw, "bandwidth"), "given"

    part = part_arg(args.part)
    with _parts.about(part):
        params, _ = _parts.params_from_part(part)
        return float(drive.evaluate(params, drive.WORKLOADS["seq_read"]).throughput), f"{part.id} (model)"


def _cmd_coldstart(args) -> int:
    m = _model(args.model)
    bits = _scaled("--bits", args.bits, allow_zero=False, hi=32, example="16")
    counts = []
    for x in args.drives.split(","):
        v = _scaled("--drives", x, lo=1)
        if v != int(v):
            raise _usage(f"--drives: whole numbers >= 1, got {args.drives!r}")
        counts.append(int(v))
    bw, src = _drive_bw(args)
    host = math.inf if args.host_bw is None else _qty("--host-bw", args.host_bw, "bandwidth")
    eff = _share("--efficiency", args.efficiency)
    if eff == 0:
        raise _usage("--efficiency: must be > 0")
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
    steps = _scaled("--steps", args.steps, example="20")
    batch = _scaled("--batch", args.batch, lo=1, integer=True, example="8")
    hit = _share("--hit", args.hit)
    bits = _scaled("--bits", args.bits, allow_zero=False, hi=32, example="8")
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
