"""A prefix-cache (KV) tier on SSD: what it asks of storage, and when loading beats recomputing.

Demand (ai_workloads.md §2.4), per node or per serving group, for a request
rate ``lambda`` [1/s], ``n_in`` input and ``n_out`` output tokens per request,
prefix-hit share ``h`` of the input, admission share ``alpha`` of new KV that
is saved, and ``B_tok`` stored bytes per token (:func:`~linkmodel.ai.models.kv_bytes_per_token`
in the chosen format)::

    read bandwidth   = lambda h n_in B_tok                           (cached prefixes loaded)
    write bandwidth  = alpha lambda ((1 - h) n_in + sigma n_out) B_tok  (new KV saved; sigma = 1 if decode KV is)
    capacity         = N_keep B_tok                                  (tokens retained)
    I/O size         = T_blk B_tok / (L if layer-separate) / min(TP, H_kv) / (2 if K and V apart)
    IOPS             = bandwidth / I/O size

Engines' units (§2.5): a vLLM block is 16 tokens, an SGLang HiCache page 64,
an LMCache chunk 256, a Mooncake trace block 512. Layer-separate layouts send
one layer's slice of a block per I/O; tensor parallelism splits a block over
``min(TP, H_kv)`` ranks (MLA's single latent is replicated, so it does not
split).

Break-even (Mooncake, FAST'25 §2.2): prefilling ``n`` tokens costs
``flops(n) = l (a n^2 d + b n d^2)``; loading a cached ``p``-token prefix
instead pays off when the loading bandwidth exceeds
``B_min = G p B_tok / flops(p)`` for compute throughput ``G``.
"""

from __future__ import annotations

import numpy as np

from linkmodel._array import check_choice, check_count, check_range, dataset, pack, unpack
from linkmodel.ai.models import Model, check_model, kv_bytes_per_token

__all__ = [
    "ENGINE_BLOCKS",
    "LAYOUTS",
    "MOONCAKE_A",
    "MOONCAKE_B",
    "breakeven_bandwidth",
    "demand",
    "dense_flops_constant",
    "io_size",
    "prefill_flops",
]

LAYOUTS = ("contiguous", "layer_separate")
#: Tokens per storage unit of common engines (ai_workloads.md §2.1, §2.5).
ENGINE_BLOCKS = {"vllm": 16, "sglang-hicache": 64, "lmcache": 256, "mooncake": 512}
#: Mooncake's attention and dense-matmul FLOP constants for Llama3-70B (FAST'25 §2.2).
MOONCAKE_A, MOONCAKE_B = 4.0, 22.0


def prefill_flops(tokens, layers, hidden, a=MOONCAKE_A, b=MOONCAKE_B, attention_width=None):
    """Prefill FLOPs of ``tokens`` tokens, Mooncake's Eq. 1: ``l (a n^2 d_attn + b n d^2)`` [FLOP].

    Parameters
    ----------
    tokens : float or array-like or xarray.DataArray
        Tokens prefilled ``n`` [1].
    layers, hidden : float
        Layers ``l`` and model width ``d`` [1].
    a, b : float
        Attention and dense-matmul constants [1] (Mooncake's 4 and 22 for Llama3-70B).
    attention_width : float, optional
        Width of the attention products ``d_attn`` [1] (:meth:`Model.attention_width`); default ``hidden``
        (Mooncake's form, right when ``H_q d_h = d``).

    Returns
    -------
    float or array or DataArray
        [FLOP]; 1.1435e15 for Llama3-70B at n = 8192.
    """
    x, kind = unpack(
        tokens=tokens,
        layers=layers,
        hidden=hidden,
        a=a,
        b=b,
        attention_width=hidden if attention_width is None else attention_width,
    )
    check_range("tokens", x["tokens"], lo=0, hi=1e9)  # a prefix of a billion tokens is beyond any context
    check_count("layers", x["layers"], hi=1e4)
    check_count("hidden", x["hidden"], hi=1e7)
    check_range("attention_width", x["attention_width"], lo=0, lo_open=True, hi=1e7)
    for k in ("a", "b"):
        check_range(k, x[k], lo=0, lo_open=True)
    n, d = x["tokens"], x["hidden"]
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below, by name
        f = x["layers"] * (x["a"] * n * n * x["attention_width"] + x["b"] * n * d * d)
    _finite("prefill_flops", f, "tokens")
    return pack(f, kind, "prefill_flops", "FLOP")


def _finite(name, value, inputs):
    if not np.all(np.isfinite(value)):
        raise ValueError(f"{inputs}: too large: {name} overflows (not a finite number)")


def dense_flops_constant(m: Model):
    """Mooncake's ``b`` for another model: ``2 x active parameters / (layers x hidden^2)`` [1].

    ASSUMPTION: two FLOPs per active parameter per token (embeddings included,
    attention's ``a n^2 d`` term apart); for Llama 3.1 70B it gives 26.3
    against Mooncake's 22, so break-even bandwidths from it are about 15 %
    lower than with Mooncake's constant.
    """
    mod = check_model(m)
    return 2.0 * mod.active_params / (mod.layers * mod.hidden**2)


def breakeven_bandwidth(m: Model, prefix_tokens, compute_flops, fmt="bf16", a=MOONCAKE_A, b=None):
    """Loading bandwidth above which reusing a cached prefix beats recomputing it [B/s].

    ``B_min = G p B_tok / flops(p)`` (Mooncake's Eq. 2 generalised; the attention term over the model's
    attention width, :meth:`Model.attention_width`, which is Mooncake's ``d`` for Llama).

    Parameters
    ----------
    m : Model
    prefix_tokens : float or array-like or xarray.DataArray
        Cached prefix length ``p`` [1], > 0.
    compute_flops : float or array-like or xarray.DataArray
        Compute throughput ``G`` [FLOP/s] (peak, as Mooncake; an achieved figure is more realistic).
    fmt : str or KVFormat
        KV storage format (what is loaded).
    a, b : float, optional
        FLOP constants; ``b`` defaults to :func:`dense_flops_constant` of the model.

    Returns
    -------
    float or array or DataArray
        [B/s]; 5.86 GB/s for Llama3-70B, p = 8192 on 8 x A800 (Mooncake: "6 GB/s").
    """
    mod = check_model(m)
    b = dense_flops_constant(mod) if b is None else b
    x, kind = unpack(prefix_tokens=prefix_tokens, compute_flops=compute_flops)
    check_range("prefix_tokens", x["prefix_tokens"], lo=0, lo_open=True, hi=1e9)
    check_range("compute_flops", x["compute_flops"], lo=0, lo_open=True, unit="FLOP/s")
    p = x["prefix_tokens"]
    flops = np.asarray(prefill_flops(p, mod.layers, mod.hidden, a, b, mod.attention_width()))
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        bw = x["compute_flops"] * p * kv_bytes_per_token(mod, fmt) / flops
    _finite("breakeven_bandwidth", bw, "prefix_tokens, compute_flops")
    if np.any(bw <= 0):
        raise ValueError("prefix_tokens, compute_flops: too large: the break-even bandwidth underflows to 0")
    return pack(bw, kind, "breakeven_bandwidth", "B/s")


def io_size(m: Model, tokens_per_block=16, layout="contiguous", tp=1, split_kv=False, fmt="bf16"):
    """Bytes per storage I/O of a KV block [B].

    Parameters
    ----------
    m : Model
    tokens_per_block : float or array-like
        Tokens per engine block [1], >= 1 (:data:`ENGINE_BLOCKS`).
    layout : {"contiguous", "layer_separate"}
        One I/O per block (all layers) or per layer.
    tp : int or array-like
        Tensor-parallel degree; a block splits over ``min(tp, kv_heads)`` ranks.
    split_kv : bool
        K and V stored (and read) apart.
    fmt : str or KVFormat

    Returns
    -------
    float or array or DataArray
        [B]; 65,536 for a 16-token vLLM block of Llama 3.1 70B, one layer, K+V.
    """
    mod = check_model(m)
    check_choice("layout", layout, LAYOUTS)
    x, kind = unpack(tokens_per_block=tokens_per_block, tp=tp)
    check_count("tokens_per_block", x["tokens_per_block"], hi=2**20)  # engines use 16-512
    check_range("tp", x["tp"], lo=1, hi=1e6)
    if np.any(x["tp"] != np.round(x["tp"])):
        raise ValueError("tp: whole numbers >= 1")
    if not isinstance(split_kv, bool):
        raise ValueError(f"split_kv: {split_kv!r} not allowed; True or False")
    if split_kv and mod.attention == "mla":
        raise ValueError("split_kv: an MLA latent holds K and V together; use split_kv=False")
    size = x["tokens_per_block"] * kv_bytes_per_token(mod, fmt)
    if layout == "layer_separate":
        size = size / mod.layers
    size = size / np.minimum(x["tp"], mod.kv_heads)
    if split_kv:
        size = size / 2.0
    return pack(size, kind, "io_size", "B")


def demand(
    m: Model,
    request_rate,
    input_tokens,
    prefix_hit,
    output_tokens=0.0,
    admit=1.0,
    save_decode=False,
    retention_tokens=None,
    tokens_per_block=16,
    layout="contiguous",
    tp=1,
    split_kv=False,
    fmt="bf16",
):
    """What a prefix-cache tier asks of storage.

    Parameters
    ----------
    m : Model
    request_rate : float or array-like or xarray.DataArray
        Requests per second ``lambda`` [1/s].
    input_tokens, output_tokens : float or array-like or xarray.DataArray
        Mean tokens in and out per request [1].
    prefix_hit : float or array-like or xarray.DataArray
        Share of input tokens found in the tier ``h`` [1], 0-1.
    admit : float or array-like or xarray.DataArray
        Share of newly computed KV written to the tier ``alpha`` [1], 0-1.
    save_decode : bool
        Decode-phase KV saved too (LMCache's ``save_decode_cache``, default off).
    retention_tokens : float or array-like, optional
        Tokens the tier keeps ``N_keep`` [1] (capacity); None: no capacity figure (0).
    tokens_per_block, layout, tp, split_kv, fmt
        See :func:`io_size`.

    Returns
    -------
    xarray.Dataset
        ``read_bandwidth``, ``write_bandwidth`` [B/s], ``io_size`` [B],
        ``read_iops``, ``write_iops`` [1/s], ``capacity`` [B],
        ``bytes_written_per_day`` [B/day], ``kv_bytes_per_token`` [B].
    """
    mod = check_model(m)
    if not isinstance(save_decode, bool):
        raise ValueError(f"save_decode: {save_decode!r} not allowed; True or False")
    x, kind = unpack(
        request_rate=request_rate,
        input_tokens=input_tokens,
        prefix_hit=prefix_hit,
        output_tokens=output_tokens,
        admit=admit,
        retention_tokens=0.0 if retention_tokens is None else retention_tokens,
        tokens_per_block=tokens_per_block,
        tp=tp,
    )
    check_range("request_rate", x["request_rate"], lo=0, unit="1/s")
    check_range("input_tokens", x["input_tokens"], lo=0)
    check_range("output_tokens", x["output_tokens"], lo=0, hi=1e9)
    check_range("prefix_hit", x["prefix_hit"], lo=0, hi=1)
    check_range("admit", x["admit"], lo=0, hi=1)
    # 0 (or None): the tier's capacity is not sized; 1e15 tokens is petabytes of KV per byte per token
    check_range("retention_tokens", x["retention_tokens"], lo=0, hi=1e15)
    check_count("tokens_per_block", x["tokens_per_block"], hi=2**20)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported below, by name
        b_tok = kv_bytes_per_token(mod, fmt)
        lam, n_in, h = x["request_rate"], x["input_tokens"], x["prefix_hit"]
        read = lam * h * n_in * b_tok
        new_tokens = (1.0 - h) * n_in + (x["output_tokens"] if save_decode else 0.0)
        write = x["admit"] * lam * new_tokens * b_tok
        # the unpacked (aligned) block size and TP degree, so their dims pair with the others' by name
        io = np.asarray(io_size(mod, x["tokens_per_block"], layout, x["tp"], split_kv, fmt))
        out = {
            "read": read,
            "write": write,
            "io": io,
            "read_iops": read / io,
            "write_iops": write / io,
            "capacity": x["retention_tokens"] * b_tok,
            "per_day": write * 86400.0,
        }
    for k, v in out.items():
        _finite(k, v, "request_rate, input_tokens, output_tokens, retention_tokens")
    shape = np.broadcast_shapes(*(np.shape(v) for v in out.values()))

    def full(v):
        return np.broadcast_to(np.asarray(v, dtype=float), shape)

    variables = {
        "read_bandwidth": (full(read), "B/s", "prefix loads", False),
        "write_bandwidth": (full(write), "B/s", "new KV saved", False),
        "io_size": (full(io), "B", "bytes per storage I/O", False),
        "read_iops": (full(out["read_iops"]), "1/s", "read I/Os per second", False),
        "write_iops": (full(out["write_iops"]), "1/s", "write I/Os per second", False),
        "capacity": (full(out["capacity"]), "B", "KV bytes retained", False),
        "bytes_written_per_day": (full(out["per_day"]), "B/day", "bytes written per day", False),
        "kv_bytes_per_token": (full(b_tok), "B", "stored KV bytes per token", False),
    }
    attrs = {
        "model": mod.id,
        "format": fmt if isinstance(fmt, str) else fmt.name,
        "layout": layout,
        "save_decode": int(save_decode),
        "split_kv": int(split_kv),
    }
    return dataset(variables, kind, attrs=attrs)
