"""``linkmodel ai edge MODEL --device DEVICE``: tokens per second with weights streamed from flash.

Runs linkmodel.studies.edge.tokens and prints the bytes read per token,
the read size and count, the time per token split into memory, flash and
compute, what binds, and with --target the DRAM a rate needs.
Comma-separated values of a knob become a named axis of the result.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from linkmodel import parts as _parts
from linkmodel.cli._common import (
    UsageError,
    add_draw_flags,
    count_arg,
    draws_arg,
    flag_message,
    part_arg,
    print_json,
    seed_arg,
    share_arg,
)
from linkmodel.parts import devices as _devices
from linkmodel.studies import edge

__all__ = ["add_edge_parser"]

_FLAGS = {
    "sparsity": "--sparsity",
    "predictor": "--predictor-overhead",
    "window": "--window",
    "bits": "--bits",
    "hot": "--hot",
    "hit_rate": "--hit-rate",
    "depth": "--depth",
    "experts": "--experts",
    "target": "--target",
    "model": "MODEL",
    "device": "--device",
    "bundle": "--bundle",
    "active": "--sparsity",
}


def add_edge_parser(s) -> None:
    """Register ``linkmodel ai edge`` under the ``ai`` subcommands ``s``."""
    e = s.add_parser(
        "edge",
        help="tokens per second on a phone or laptop with weights streamed from flash",
        description=" ".join(__doc__.split("\n\n")[1].split()),
    )
    e.add_argument("model", metavar="MODEL", help="a catalogue model: a dense one with an FFN width or an MoE one")
    e.add_argument("--device", required=True, help="a catalogue device (data/ai/devices.toml), e.g. oneplus-12")
    e.add_argument("--storage", default=None, help="a storage part id or spec file instead of the device's own")
    e.add_argument(
        "--sparsity",
        default="0",
        help="share of FFN (dense) or of each expert's (MoE) neurons a token leaves unused, 0 up to below 1, "
        "e.g. 0.9 or 90%%; comma-separated for an axis (default 0)",
    )
    e.add_argument(
        "--predictor-overhead",
        default="0",
        help="activation predictor's weights as a share of the model's, 0-0.5, resident in DRAM (default 0)",
    )
    e.add_argument(
        "--window", default=None, help="tokens whose neurons stay in DRAM, a whole number >= 1 (default: no window)"
    )
    e.add_argument(
        "--bundle",
        default="on",
        choices=("on", "off"),
        help="on: a neuron's row and column in one read; off: one read per matrix (default on)",
    )
    e.add_argument("--bits", default="16", help="bits per weight with scales, 1-32, e.g. 4.5 (default 16)")
    e.add_argument(
        "--resident",
        "--hot",
        dest="hot",
        default="0",
        help="share of the streamable weights (FFN or experts) kept resident in DRAM as hot weights, 0-1 "
        "(attention, embeddings and norms are always resident; default 0)",
    )
    e.add_argument(
        "--hit-rate", default=None, help="share of reads the resident hot weights or a cache serve, 0-1 (default --hot)"
    )
    e.add_argument(
        "--overlap",
        default=None,
        choices=("on", "off"),
        help="flash reads overlap compute (on) or run serially (off) (default: the device's)",
    )
    e.add_argument("--depth", default="32", help="reads in flight (threads or queue depth), 1-65536 (default 32)")
    e.add_argument("--experts", default=None, help="MoE experts read per token and layer (default the model's top-k)")
    e.add_argument("--target", default=None, help="a target rate in tokens/s: report the DRAM it needs")
    add_draw_flags(
        e,
        "also draw the storage part's unpublished inputs and its controller's firmware times N times (a whole "
        "number, e.g. 1000): tokens/s, flash time per token and the DRAM a --target needs as median and 80 %% "
        "interval, one per combination of comma-separated knob values (default: no draws)",
    )
    e.add_argument("--json", action="store_true", help="one JSON document in SI units")
    e.set_defaults(func=_cmd_edge)


def _axis(flag, text, parse, dim):
    """One value, or a named axis from comma-separated values."""
    items = [t.strip() for t in str(text).split(",")]
    if not all(items):
        raise UsageError(f"{flag}: one value or comma-separated values expected, got {text!r}")
    vals = [parse(flag, t) for t in items]
    return vals[0] if len(vals) == 1 else xr.DataArray(vals, dims=dim, coords={dim: vals})


def _num(lo, hi, integer=False, allow_zero=True):
    def parse(flag, t):
        return count_arg(flag, t, lo=lo, hi=hi, integer=integer, example=f"{max(lo, 1):g}", allow_zero=allow_zero)

    return parse


def _share(flag, t):
    return share_arg(flag, t)


def _knobs(args) -> dict:
    if args.window is not None and args.window.strip() in ("0", "0.0"):
        raise UsageError("--window: a whole number of tokens >= 1 expected (omit it for no window), got '0'")
    k = {
        "sparsity": _axis("--sparsity", args.sparsity, _share, "sparsity"),
        "predictor": _axis("--predictor-overhead", args.predictor_overhead, _share, "predictor"),
        "bits": _axis("--bits", args.bits, _num(1, 32), "bits"),
        "hot": _axis("--hot", args.hot, _share, "hot"),
        "depth": _axis("--depth", args.depth, _num(1, 65536, True), "depth"),
        "bundle": args.bundle == "on",
    }
    if args.window is not None:
        k["window"] = _axis("--window", args.window, _num(1, 1e6, True), "window")
    if args.hit_rate is not None:
        k["hit_rate"] = _axis("--hit-rate", args.hit_rate, _share, "hit_rate")
    if args.experts is not None:
        k["experts"] = _axis("--experts", args.experts, _num(1, 1e4, True, False), "experts")
    if args.target is not None:
        k["target"] = _axis("--target", args.target, _num(0, 1e6, allow_zero=False), "target")
    if args.overlap is not None:
        k["overlap"] = args.overlap == "on"
    return k


def _cmd_edge(args) -> int:
    try:
        m = _parts.model(args.model)
    except ValueError as e:
        raise UsageError(f"MODEL: {str(e).removeprefix('model: ')}") from None
    try:
        dev = _devices.device(args.device)
    except ValueError as e:
        raise UsageError(f"--device: {str(e).removeprefix('device: ')}") from None
    storage = None if args.storage is None else part_arg(args.storage, "--storage")
    k = _knobs(args)
    seed = seed_arg(args.seed)
    n = None if args.draws is None else draws_arg(args.draws)
    try:
        rep = edge.tokens(m, dev, storage, **k)
        drawn = None if n is None else edge.tokens(m, dev, storage, draws=n, seed=seed, **k)
    except ValueError as e:
        raise UsageError(flag_message(e, _FLAGS)) from None
    stats = None if drawn is None else edge.draw_stats(drawn)
    if args.json:
        doc = rep.to_dict()
        if drawn is not None and stats is not None:
            doc |= {"draws": n, "seed": seed, "drawn": drawn.inputs["drawn"], "intervals": stats}
        print_json(doc)
        return 0
    _print(rep, m, dev)
    if drawn is not None and stats is not None:
        _print_draws(drawn, stats)
    return 0


def _print_draws(rep, stats: dict) -> None:
    """The drawn outputs: median [80 % interval] (tokens/s, ms, GB), or why there is nothing to draw."""
    n, seed = rep.inputs["draws"], rep.inputs["seed"]
    if not rep.inputs["drawn"]:
        print("  --draws: the device's storage is measured (no storage part), so it has no drive priors to draw")
        return
    print(
        f"Over {n} draws of {rep.inputs['storage']}'s unpublished inputs and its controller's firmware times "
        f"(seed {seed}): median [80 % interval, 10th-90th percentile]"
    )
    scales = {"tokens_per_second": (1.0, "tokens/s"), "flash_time": (1e3, "ms"), "dram_needed": (1e-9, "GB")}
    labels = {"tokens_per_second": "tokens/s", "flash_time": "flash per token", "dram_needed": "DRAM for the target"}
    for name, st in stats.items():
        f, unit = scales[name]
        if "dims" not in st:
            lo, hi = st["interval"]
            print(f"  {labels[name]}: {_v(st['median'] * f)} [{_v(lo * f)}-{_v(hi * f)}] {unit}")
            continue
        print(f"  {labels[name]} [{unit}], by {', '.join(st['dims'])}:")
        med, lo, hi = (np.asarray(a, dtype=float) for a in (st["median"], *st["interval"]))
        for idx in np.ndindex(med.shape):
            where = ", ".join(f"{d} {st['coords'][d][i]:g}" for d, i in zip(st["dims"], idx, strict=True))
            m_, l_, h_ = (float(a[idx]) * f for a in (med, lo, hi))
            print(f"    {where}: {_v(m_)} [{_v(l_)}-{_v(h_)}]")


def _v(x: float) -> str:
    return "out of reach" if x == float("inf") else f"{x:.3g}"


def _print(rep, m, dev) -> None:
    ds = rep.result
    print(f"{m.name} on {dev.name} (storage {rep.inputs['storage'] or 'measured'}, overlap {rep.inputs['overlap']})")
    if ds.tokens_per_second.ndim:
        print(ds[["tokens_per_second", "binding"]].to_dataframe().to_string())
        return
    f = {k: float(ds[k]) for k in ds.data_vars if k != "binding"}
    print(
        f"  flash per token: {f['streamed_bytes'] / 1e6:.1f} MB in {f['reads']:.0f} reads of "
        f"{f['read_size'] / 1024:.1f} KiB at {f['read_bandwidth'] / 1e9:.2f} GB/s"
    )
    print(f"  memory per token: {f['memory_bytes'] / 1e9:.2f} GB; DRAM used {f['dram_used'] / 1e9:.1f} GB")
    if f["dram_used"] > dev.dram:  # the token's working set held at once exceeds the device: say so, never hide it
        print(
            f"  does not fit: the token's weights held at once take {f['dram_used'] / 1e9:.1f} GB but the device "
            f"has {dev.dram / 1e9:.1f} GB of DRAM (fewer bits, more sparsity or a smaller model)"
        )
    print(
        f"  time per token: memory {f['memory_time'] * 1e3:.1f} ms, flash {f['flash_time'] * 1e3:.1f} ms, "
        f"compute {f['compute_time'] * 1e3:.1f} ms -> {f['token_time'] * 1e3:.1f} ms"
    )
    print(f"  {f['tokens_per_second']:.2f} tokens/s, bound by {ds.binding.values}")
    if "dram_needed" in f:
        need = f["dram_needed"]
        msg = "out of reach" if need == float("inf") else f"{need / 1e9:.1f} GB (hit rate {f['hit_needed']:.2f})"
        print(f"  DRAM for the target rate: {msg}; the device has {dev.dram / 1e9:.1f} GB")
