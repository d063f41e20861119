"""Bad calls of the public functions: each parameter set to each bad value of its kind.

Each function has a valid base call (checked by the ``lib:ok:`` cases) and a kind per parameter;
the drive model's parameters and their domains come from ``DriveParams`` itself, so a new field is
mutated without editing this file. Expected: a ValueError (or subclass) whose message is one line and
names the parameter.
"""

from __future__ import annotations

import dataclasses
import inspect
import math

import numpy as np
from reference_drive import BASE
from robustness.cases import Case

from linkmodel import parts
from linkmodel.ai import kvtier, weights
from linkmodel.pcie import link, nvme
from linkmodel.ssd import drive, meanfield
from linkmodel.ssd.params import DriveParams
from linkmodel.studies import sweep

__all__ = ["FUNCTIONS", "cases"]

NAN, INF = math.nan, math.inf
_NUMBER = [NAN, INF, -INF, -1.0, 1e300, "abc", {"a": 1}, [1.0, [2.0, 3.0]], 1j, np.array([1.0, NAN])]
_BAD = {
    "pos": [*_NUMBER, 0.0, None],
    "nonneg": [*_NUMBER, None],
    "share": [*_NUMBER, 1.5, None],
    "int": [*_NUMBER, 0, 2.5, None],
    "opt": [*_NUMBER, 0.0],  # None means "default" here
    "opt_share": [*_NUMBER, 1.5],
    "opt_nonneg": list(_NUMBER),  # None is the default and 0 means "not sized": neither is bad
    "word": ["bogus", 5, ["x"], None, ""],
    "bool": ["abc", NAN],  # a list of booleans is a broadcastable array, not a bad input
    # a cap whose default is no cap: infinity means "no limit" and is allowed
    "cap": [NAN, -INF, -1.0, 1e300, "abc", {"a": 1}, [1.0, [2.0, 3.0]], 1j, np.array([1.0, NAN]), 0.0, None],
    "model": [None, 5, "nosuch-model", {"layers": 1}],
}


def _model(mid: str):
    return parts.model(mid)


#: name -> (function, base args (a zero-argument function: parts load lazily), parameter kinds)
FUNCTIONS = {
    "pcie.link": (
        link,
        lambda: {"gen": 5, "lanes": 4, "size": 131072.0},
        {
            **dict.fromkeys(["gen", "lanes", "mps", "mrrs", "rcb", "addressing", "tag_bits"], "int"),
            "size": "pos",
            "offset": "nonneg",
            **dict.fromkeys(["transfer", "clocking", "dllp_policy", "completion_split"], "word"),
            **dict.fromkeys(["completion_credits", "packing", "replay"], "word"),
            "write_fraction": "opt_share",
            "flit_error_rate": "opt_share",
            "bit_error_rate": "opt_share",
            "ecrc": "bool",
            "flit": "bool",
            "replay_round_trip": "nonneg",
            "round_trip": "nonneg",
            "outstanding": "opt",
            **dict.fromkeys(["command_upstream_tlps", "command_upstream_bytes"], "nonneg"),
            **dict.fromkeys(["command_downstream_tlps", "command_downstream_bytes"], "nonneg"),
        },
    ),
    "pcie.nvme.io_link_ceiling": (
        nvme.io_link_ceiling,
        lambda: {"gen": 5, "lanes": 4, "size": 4096.0},
        {"gen": "int", "lanes": "int", "size": "pos", "mps": "int", "mrrs": "int", "io": "word"}
        | {"read_fraction": "opt_share", "options": "word"},
    ),
    "ai.kvtier.demand": (
        kvtier.demand,
        lambda: {"m": _model("llama-3.1-70b"), "request_rate": 2.0, "input_tokens": 12035.0, "prefix_hit": 0.4},
        {"m": "model", "request_rate": "nonneg", "input_tokens": "nonneg", "prefix_hit": "share"}
        | {"output_tokens": "nonneg", "admit": "share", "save_decode": "bool", "retention_tokens": "opt_nonneg"}
        | {"tokens_per_block": "int", "layout": "word", "tp": "int", "split_kv": "bool", "fmt": "word"},
    ),
    "ai.kvtier.breakeven_bandwidth": (
        kvtier.breakeven_bandwidth,
        lambda: {"m": _model("llama-3.1-70b"), "prefix_tokens": 8192.0, "compute_flops": 8 * 312e12},
        {"m": "model", "prefix_tokens": "pos", "compute_flops": "pos", "fmt": "word", "a": "pos", "b": "opt"},
    ),
    "ai.kvtier.io_size": (
        kvtier.io_size,
        lambda: {"m": _model("llama-3.1-70b")},
        {"m": "model", "tokens_per_block": "int", "layout": "word", "tp": "int", "split_kv": "bool", "fmt": "word"},
    ),
    "ai.kvtier.prefill_flops": (
        kvtier.prefill_flops,
        lambda: {"tokens": 8192.0, "layers": 80, "hidden": 8192},
        {"tokens": "nonneg", "layers": "int", "hidden": "int", "a": "pos", "b": "pos", "attention_width": "opt"},
    ),
    "ai.kvtier.dense_flops_constant": (
        kvtier.dense_flops_constant,
        lambda: {"m": _model("llama-3.1-70b")},
        {"m": "model"},
    ),
    "ai.weights.cold_start_time": (
        weights.cold_start_time,
        lambda: {"weight_bytes": 140e9, "drives": 4, "drive_read_bandwidth": 14e9},
        {"weight_bytes": "pos", "drives": "int", "drive_read_bandwidth": "pos", "host_bandwidth": "cap"}
        | {"network_bandwidth": "cap", "efficiency": "share"},
    ),
    "ai.weights.distinct_experts": (
        weights.distinct_experts,
        lambda: {"experts": 256, "top_k": 8, "batch": 16},
        {"experts": "int", "top_k": "int", "batch": "pos"},
    ),
    "ai.weights.expert_bytes": (
        weights.expert_bytes,
        lambda: {"hidden": 7168, "expert_ffn": 2048},
        {
            "hidden": "int",
            "expert_ffn": "int",
            "bits_per_param": "pos",
            "group": "opt",
            "group_overhead_bits": "nonneg",
        },
    ),
    "ai.weights.expert_stream": (
        weights.expert_stream,
        lambda: {"m": _model("deepseek-v3"), "steps_per_second": 1.0},
        {"m": "model", "steps_per_second": "nonneg", "batch": "pos", "cache_hit": "share", "bits_per_param": "pos"},
    ),
}


def _show(v) -> str:
    if isinstance(v, np.ndarray):
        return f"array{v.tolist()}"
    r = repr(v)
    return r if len(r) <= 20 else r[:17] + "..."


def _call(func, make_kwargs, name=None, value=None, drop=None):
    def build():
        kw = make_kwargs()
        if name is not None:
            kw[name] = value
        if drop is not None:
            kw.pop(drop)
        return func, (), kw

    return build


def _function_cases() -> list[Case]:
    out = []
    for fname, (func, make, kinds) in FUNCTIONS.items():
        out.append(Case(f"lib:ok:{fname}", "lib", call=_call(func, make), expect="ok"))
        params = inspect.signature(func).parameters
        for pname, p in params.items():
            kind = kinds.get(pname, "nonneg")  # a new parameter: at least the numeric bad values
            for v in _BAD[kind]:
                if v is None and p.default is None:
                    continue
                cid = f"lib:{fname}:{pname}={_show(v)}"
                out.append(Case(cid, "lib", call=_call(func, make, pname, v), names=((pname,),)))
    return out


def _drive_cases() -> list[Case]:
    """drive.evaluate with the reference drive, each DriveParams field mutated by its domain."""

    def make():
        return {"params": dict(BASE), "workload": drive.WORKLOADS["rand_read"]}

    out = [Case("lib:ok:ssd.drive.evaluate", "lib", call=_call(drive.evaluate, make), expect="ok")]
    for f in dataclasses.fields(DriveParams):
        domain = f.metadata["domain"]
        values = [NAN, -1.0, 1e300, "abc", None, [1.0, [2.0]], np.array([1.0, NAN])]
        values += [0.0] if domain in ("positive", "positive_or_inf") else []  # link_family 0 is PCIe: valid
        values += [INF] if domain != "positive_or_inf" else []
        values += [1.5] if domain.startswith("fraction") else []
        values += [1.0] if domain == "fraction_below_one" else []
        for v in values:

            def mk(name=f.name, value=v):
                return {"params": dict(BASE, **{name: value}), "workload": drive.WORKLOADS["rand_read"]}

            out.append(
                Case(
                    f"lib:ssd.drive.evaluate:{f.name}={_show(v)}",
                    "lib",
                    call=_call(drive.evaluate, mk),
                    names=((f.name,),),
                )
            )

        def mk_missing(name=f.name):
            p = dict(BASE)
            del p[name]
            return {"params": p, "workload": drive.WORKLOADS["rand_read"]}

        # a field with a default (link_family, cache_read, mapping_cache, read_span) may be left out: it is then
        # its default, and the call runs
        defaulted = f.default is not dataclasses.MISSING
        out.append(
            Case(
                f"lib:ssd.drive.evaluate:{f.name}:missing",
                "lib",
                call=_call(drive.evaluate, mk_missing),
                names=((f.name,),),
                **({"expect": "ok"} if defaulted else {}),
            )
        )
    workloads = [
        ("size=-1", drive.Workload("w", -1.0, 1.0, True), "size"),
        ("size=0", drive.Workload("w", 0.0, 1.0, True), "size"),
        ("size=nan", drive.Workload("w", NAN, 1.0, True), "size"),
        ("size=1e300", drive.Workload("w", 1e300, 1.0, True), "size"),
        ("read_fraction=1.5", drive.Workload("w", 4096.0, 1.5, True), "read_fraction"),
        ("read_fraction=-0.1", drive.Workload("w", 4096.0, -0.1, True), "read_fraction"),
        ("read_fraction=nan", drive.Workload("w", 4096.0, NAN, True), "read_fraction"),
        ("workload=str", "rand_read", "workload"),
        ("params=unknown-key", None, "bogus"),
    ]
    for name, wl, pname in workloads:

        def mk(wl=wl):
            if wl is None:
                return {"params": dict(BASE, bogus=1.0), "workload": drive.WORKLOADS["rand_read"]}
            return {"params": dict(BASE), "workload": wl}

        out.append(Case(f"lib:ssd.drive.evaluate:{name}", "lib", call=_call(drive.evaluate, mk), names=((pname,),)))
    return out


def _sweep_cases() -> list[Case]:
    part = "samsung-pm1763"
    ok = {"part": part, "axes": {"power_cap": [25.0], "dies": [128.0]}, "workloads": ["seq_read"]}
    rows = [
        ("part", "nosuch"),
        ("part", ""),
        ("part", 5),
        ("part", None),
        ("axes", {"bogus": [1.0]}),
        ("axes", {"dies": []}),
        ("axes", {"dies": [-1.0]}),
        ("axes", {"dies": [NAN]}),
        ("axes", {"dies": [1e300]}),
        ("axes", {"dies": "abc"}),
        ("axes", {"power_cap": [0.0]}),
        ("axes", [1.0]),
        ("workloads", ["bogus"]),
        ("workloads", []),
        ("workloads", [5]),
        ("capacity", -1.0),
        ("capacity", NAN),
        ("capacity", 0.0),
        ("capacity", "abc"),
        ("chunks", {"bogus": 1}),
        ("chunks", {"dies": 0}),
        ("chunks", {"dies": -1}),
        ("infeasible", "bogus"),
    ]
    out = [Case("lib:ok:studies.sweep.run", "lib", call=_call(sweep.run, lambda: dict(ok)), expect="ok")]
    for pname, v in rows:

        def mk(pname=pname, v=v):
            return {**ok, pname: v}

        out.append(
            Case(f"lib:studies.sweep.run:{pname}={_show(v)}", "lib", call=_call(sweep.run, mk), names=((pname,),))
        )
    return out


def _parts_cases() -> list[Case]:
    rows = [
        (parts.load_part, "path", "/nonexistent/x.toml"),
        (parts.load_part, "path", "/tmp"),
        (parts.load_part, "path", "/dev/null"),
        (parts.load_part, "path", 5),
        (parts.load_part, "path", None),
        (parts.load_part, "path", ""),
        (parts.part, "ref", "nosuch-part"),
        (parts.part, "ref", ""),
        (parts.part, "ref", 5),
        (parts.part, "ref", None),
        (parts.part, "ref", ["kioxia-cm9-r"]),
        (parts.part, "ref", "/nonexistent/x.toml"),
        (parts.model, "mid", "nosuch-model"),
        (parts.model, "mid", None),
        (parts.model, "mid", ["llama-3.1-70b"]),
    ]
    out = []
    for func, pname, v in rows:
        names = (pname, "part", "model", str(v)) if isinstance(v, str) and v else (pname, "part", "model")
        out.append(
            Case(
                f"lib:parts.{func.__name__}:{pname}={_show(v)}",
                "lib",
                call=lambda func=func, v=v: (func, (v,), {}),
                names=(names,),
            )
        )
    return out


def _heavy_cases() -> list[Case]:
    """Calls that exhaust memory unless refused up front (issue 15): run isolated only."""

    def big_link():
        return link, (), {"gen": 5, "lanes": 4, "size": np.full(20_000_000, 4096.0)}

    def big_sweep():
        axes = {"power_cap": np.linspace(5.0, 40.0, 10_000).tolist(), "dies": np.arange(1.0, 10_001.0).tolist()}
        return sweep.run, ("samsung-pm1763", axes), {"workloads": ["seq_read"]}

    def pages_1e7():
        return meanfield.waf_meanfield, (1.2, 1e7), {}

    return [
        Case(
            "lib:heavy:link-2e7-elements",
            "lib",
            call=big_link,
            names=(("size", "chunks", "element", "memory"),),
            heavy=True,
        ),
        Case("lib:heavy:sweep-1e8-designs", "lib", call=big_sweep, names=(("chunks", "axes", "designs"),), heavy=True),
        Case("lib:heavy:meanfield-1e7-pages", "lib", call=pages_1e7, names=(("pages_per_block",),), heavy=True),
    ]


def cases() -> list[Case]:
    return [*_function_cases(), *_drive_cases(), *_sweep_cases(), *_parts_cases(), *_heavy_cases()]
