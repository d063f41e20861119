"""Model weights from flash: cold-start load time and MoE expert streaming.

Cold start (ai_workloads.md §6.3): ``T = W / (eta min(N x drive read BW, host link, network))``
with ``eta`` the loader's software efficiency (about 0.2-0.3 for naive
loaders, near 1 for parallel streamers: measured ratios in §6.3).

Expert streaming (§6.1): a SwiGLU expert holds ``3 h m`` parameters; a token
reads ``top_k`` experts in each MoE layer, of which a share ``hit`` is
already cached; with a batch of ``B`` tokens per step a layer touches about
``E (1 - (1 - k/E)^B)`` distinct experts (uniform routing: an ASSUMPTION;
real routing is skewed, so caches hit more often). Expert reads are
multi-megabyte contiguous reads: bandwidth-bound, not IOPS-bound.
"""

from __future__ import annotations

import numpy as np

from linkmodel._array import check_count, check_range, dataset, pack, unpack
from linkmodel.ai.models import Model, check_model

__all__ = ["cold_start_time", "distinct_experts", "expert_bytes", "expert_stream"]


def cold_start_time(
    weight_bytes, drives, drive_read_bandwidth, host_bandwidth=np.inf, network_bandwidth=np.inf, efficiency=1.0
):
    """Seconds to load ``weight_bytes`` from ``drives`` drives [s].

    Parameters
    ----------
    weight_bytes : float or array-like or xarray.DataArray
        [B].
    drives : float or array-like
        Drives read in parallel [1], >= 1.
    drive_read_bandwidth : float or array-like
        One drive's sequential read bandwidth [B/s].
    host_bandwidth, network_bandwidth : float or array-like
        Other caps on the path [B/s] (default none).
    efficiency : float or array-like
        Loader's share of the hardware bandwidth [1], 0-1.

    Returns
    -------
    float or array or DataArray
        [s]; 5.04 s for Llama 3.1 70B in BF16 (141.2 GB) from one 28 GB/s drive.
    """
    x, kind = unpack(
        weight_bytes=weight_bytes,
        drives=drives,
        drive_read_bandwidth=drive_read_bandwidth,
        host_bandwidth=host_bandwidth,
        network_bandwidth=network_bandwidth,
        efficiency=efficiency,
    )
    # plausible ranges: 10 PB of weights is 5,000x today's largest BF16 models; a drive's read bandwidth
    # stays below 1 TB/s (PCIe Gen7 x16 carries about 240 GB/s); a million drives; links below 10 TB/s or none
    check_range("weight_bytes", x["weight_bytes"], lo=0, lo_open=True, hi=1e16, unit="B")
    check_count("drives", x["drives"], hi=1e6)
    for k in ("drive_read_bandwidth", "host_bandwidth", "network_bandwidth"):
        finite = np.asarray(x[k])[np.isfinite(np.asarray(x[k], dtype=float))]
        check_range(k, x[k], lo=0, lo_open=True, unit="B/s", allow_inf=k != "drive_read_bandwidth")
        check_range(k, finite, hi=1e12 if k == "drive_read_bandwidth" else 1e13, unit="B/s")
    check_range("efficiency", x["efficiency"], lo=0, lo_open=True, hi=1)
    bw = np.minimum(np.minimum(x["drives"] * x["drive_read_bandwidth"], x["host_bandwidth"]), x["network_bandwidth"])
    with np.errstate(over="ignore", invalid="ignore"):
        t = x["weight_bytes"] / (x["efficiency"] * bw)
    _finite_result(t, "weight_bytes, drives, drive_read_bandwidth", "cold_start_time")
    return pack(t, kind, "cold_start_time", "s")


def _finite_result(value, inputs: str, what: str) -> None:
    """A one-line ValueError naming the inputs when a result overflows to inf or NaN (never handed back)."""
    if not np.all(np.isfinite(value)):
        raise ValueError(f"{inputs}: out of any plausible range: {what} is not a finite number")


def expert_bytes(hidden, expert_ffn, bits_per_param=16.0, group=None, group_overhead_bits=0.0):
    """Bytes of one SwiGLU expert: ``3 h m`` parameters at ``bits_per_param`` plus per-group overhead [B].

    Parameters
    ----------
    hidden, expert_ffn : float or array-like
        ``h`` and ``m`` [1].
    bits_per_param : float or array-like
        [bit].
    group : float, optional
        Parameters per quantization group (None: no group overhead).
    group_overhead_bits : float
        Scale/bias bits per group [bit] (e.g. MLX 4-bit: an FP16 scale and an FP16 bias per 64 = 32).

    Returns
    -------
    float or array or DataArray
        [B]; 7,077,888 B (6.75 MiB) for h 4096, m 1024 at MLX 4-bit, group 64.
    """
    x, kind = unpack(
        hidden=hidden, expert_ffn=expert_ffn, bits_per_param=bits_per_param, group_overhead_bits=group_overhead_bits
    )
    check_count("hidden", x["hidden"], hi=1e7)  # model widths are 1e3-1e4
    check_count("expert_ffn", x["expert_ffn"], hi=1e7)
    check_range("bits_per_param", x["bits_per_param"], lo=1, hi=64, unit="bit")
    check_range("group_overhead_bits", x["group_overhead_bits"], lo=0, hi=64)  # at most a 64-bit scale per group
    params = 3.0 * x["hidden"] * x["expert_ffn"]
    bits = params * x["bits_per_param"]
    if group is not None:
        g, _ = unpack(group=group)
        check_count("group", g["group"], hi=1e7)  # values sharing a scale
        bits = bits + params / g["group"] * x["group_overhead_bits"]
    return pack(bits / 8.0, kind, "expert_bytes", "B")


def distinct_experts(experts, top_k, batch):
    """Distinct experts a layer touches for ``batch`` tokens under uniform routing [1]: ``E (1 - (1 - k/E)^B)``."""
    x, kind = unpack(experts=experts, top_k=top_k, batch=batch)
    check_count("experts", x["experts"], hi=1e6)  # routed experts per layer (512 in the largest published MoE)
    check_count("top_k", x["top_k"], hi=1e6)
    check_range("batch", x["batch"], lo=1, hi=1e9)  # tokens per step
    if np.any(x["top_k"] > x["experts"]):
        raise ValueError("top_k: cannot exceed experts")
    e = x["experts"]
    return pack(e * -np.expm1(x["batch"] * np.log1p(-x["top_k"] / e)), kind, "distinct_experts", "1")


def expert_stream(m: Model, steps_per_second, batch=1.0, cache_hit=0.0, bits_per_param=16.0):
    """Storage demand of streaming a MoE model's routed experts from flash.

    Parameters
    ----------
    m : Model
        A MoE model of the catalogue.
    steps_per_second : float or array-like or xarray.DataArray
        Decode steps per second [1/s] (tokens per second per sequence).
    batch : float or array-like
        Sequences decoded together [1].
    cache_hit : float or array-like
        Share of expert reads served from memory [1], 0-1.
    bits_per_param : float or array-like
        Storage precision of the experts [bit].

    Returns
    -------
    xarray.Dataset
        ``read_bandwidth`` [B/s], ``read_iops`` [1/s], ``io_size`` [B] (one expert),
        ``experts_per_step`` [1] (distinct, all MoE layers, before the cache).
    """
    mod = check_model(m)
    if mod.moe is None:
        raise ValueError(f"model: {mod.id} is not a mixture-of-experts model")
    x, kind = unpack(steps_per_second=steps_per_second, batch=batch, cache_hit=cache_hit, bits_per_param=bits_per_param)
    check_range("steps_per_second", x["steps_per_second"], lo=0, unit="1/s")
    check_range("cache_hit", x["cache_hit"], lo=0, hi=1)
    check_range("batch", x["batch"], lo=0, lo_open=True, hi=1e9)  # tokens per step
    # ASSUMPTION: storage precisions run from 1 bit (binary/ternary quantization) to 64 (FP64)
    check_range("bits_per_param", x["bits_per_param"], lo=1, hi=64, unit="bit")
    io = np.asarray(expert_bytes(mod.hidden, mod.moe.expert_ffn, x["bits_per_param"]))
    per_layer = np.asarray(distinct_experts(mod.moe.experts, mod.moe.top_k, x["batch"]))
    per_step = mod.moe.moe_layers * per_layer
    with np.errstate(over="ignore", invalid="ignore"):
        reads = x["steps_per_second"] * per_step * (1.0 - x["cache_hit"])
        _finite_result(reads * io, "steps_per_second, batch", "the expert read bandwidth")
    variables = {
        "read_bandwidth": (reads * io, "B/s", "expert bytes read per second", False),
        "read_iops": (reads + 0.0 * io, "1/s", "expert reads per second", False),
        "io_size": (io + 0.0 * reads, "B", "bytes of one expert", False),
        "experts_per_step": (per_step + 0.0 * reads, "1", "distinct experts per decode step", False),
    }
    return dataset(variables, kind, attrs={"model": mod.id})
