"""An LLM's geometry (:class:`Model`) and its KV-cache bytes per token (MHA/GQA/MQA and MLA), with storage formats.

The functions take :class:`Model` objects; the bundled catalogue
(``data/ai/models.toml``) is read by :mod:`linkmodel.parts.ai_models`
(``linkmodel.parts.model("llama-3.1-70b")``).

Bytes per token of KV cache (ai_workloads.md §1.1):

* MHA / GQA / MQA: ``2 L H_kv d_h`` elements (K and V of every KV head in
  every layer); MHA has ``H_kv = H_q``, MQA ``H_kv = 1``;
* MLA (DeepSeek-V2/V3): ``L (d_c + d_rope)`` elements, the compressed latent
  and the decoupled RoPE key.

A :class:`KVFormat` says how the elements are stored: bits per element, an
optional overhead per group of elements (a scale, a norm: e.g. one FP32 norm
per 128-value vector for TurboQuant-style quantizers), and for MLA the bits of
the RoPE part (DeepSeek-V3.2 keeps it in BF16 while the latent is FP8). The
compression factor ``c`` is BF16 bytes over stored bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkmodel._array import check_range, is_choice, pack, unpack

__all__ = [
    "ATTENTION",
    "FORMATS",
    "KVFormat",
    "MoE",
    "Model",
    "check_model",
    "compression",
    "kv_bytes",
    "kv_bytes_per_token",
    "kv_format",
    "weight_bytes",
]

#: Attention kinds: ``"gqa"`` (MHA, GQA and MQA) and ``"mla"`` (multi-head latent attention).
ATTENTION = ("gqa", "mla")


@dataclass(frozen=True)
class MoE:
    """Mixture-of-experts geometry: expert FFN width ``expert_ffn`` (a SwiGLU expert is three
    ``hidden x expert_ffn`` matrices), routed ``experts`` per MoE layer, ``top_k`` per token, ``moe_layers``."""

    expert_ffn: int
    experts: int
    top_k: int
    moe_layers: int


@dataclass(frozen=True)
class Model:
    """One LLM: attention geometry, parameter counts, MoE layout, source.

    Attributes
    ----------
    id, name : str
    attention : {"gqa", "mla"}
        ``"gqa"`` covers MHA, GQA and MQA (only ``kv_heads`` differs).
    layers : int
        Layers keeping a full KV cache.
    hidden : int
        Model width ``d`` [1].
    q_heads, kv_heads : int
    head_dim : int
        [1]; for MLA unused (0).
    kv_lora_rank, qk_rope_head_dim : int
        MLA latent and RoPE-key widths [1] (0 for GQA).
    qk_nope_head_dim, v_head_dim : int
        MLA per-head query/key (without RoPE) and value widths [1] (0 for GQA).
    params : float
        Total parameters [1].
    active_params : float
        Parameters used per token [1] (= params for dense models).
    moe : MoE or None
    source : str
    ffn : int
        Dense FFN width ``d_ff`` [1] (0: not given; edge inference streams dense FFN neurons).
    blocks : int
        Transformer blocks [1] (0: as ``layers``); more than ``layers`` when some blocks keep no full KV cache
        (linear-attention layers of a hybrid model).
    """

    id: str
    name: str
    attention: str
    layers: int
    hidden: int
    q_heads: int
    kv_heads: int
    head_dim: int
    kv_lora_rank: int
    qk_rope_head_dim: int
    qk_nope_head_dim: int
    v_head_dim: int
    params: float
    active_params: float
    moe: MoE | None
    source: str
    ffn: int = 0
    blocks: int = 0

    def attention_width(self):
        """Width of the attention products per token [1]: ``(d_qk + d_v) / 2`` over all query heads.

        Mooncake's prefill FLOPs take the attention term as ``a n^2 d`` with ``d`` the model width, true
        when ``H_q d_h = d`` (Llama). Query-key and attention-value products are ``H_q d_qk`` and ``H_q d_v``
        wide; their mean replaces ``d``: ``H_q d_h`` for GQA, ``H_q (d_nope + d_rope + d_v) / 2`` for MLA.
        """
        if self.attention == "mla":
            return self.q_heads * (self.qk_nope_head_dim + self.qk_rope_head_dim + self.v_head_dim) / 2.0
        return float(self.q_heads * self.head_dim)

    def kv_elements(self):
        """(main, rope) elements of KV cache per token per layer [1]."""
        if self.attention == "mla":
            return float(self.kv_lora_rank), float(self.qk_rope_head_dim)
        return 2.0 * self.kv_heads * self.head_dim, 0.0


@dataclass(frozen=True)
class KVFormat:
    """How KV elements are stored.

    Attributes
    ----------
    name : str
    bits : float
        Bits per element [bit] (BF16 16, FP8 8, TurboQuant 2.5-4).
    group : int
        Elements per group carrying ``group_overhead_bits`` (a vector's norm or a block's scale) [1].
    group_overhead_bits : float
        [bit] per group (0: none).
    rope_bits : float or None
        Bits per MLA RoPE-key element [bit]; None: as ``bits``.
    source : str
    """

    name: str
    bits: float
    group: int = 128
    group_overhead_bits: float = 0.0
    rope_bits: float | None = None
    source: str = ""

    def __post_init__(self):
        if not (np.isfinite(self.bits) and 0 < self.bits <= 32):
            raise ValueError(f"bits: {self.bits!r} not allowed; allowed: 0 < bits <= 32 (bits per stored element)")
        if isinstance(self.group, bool) or not isinstance(self.group, int | np.integer) or self.group < 1:
            raise ValueError(f"group: {self.group!r} not allowed; a whole number of elements >= 1")
        if not (np.isfinite(self.group_overhead_bits) and self.group_overhead_bits >= 0):
            raise ValueError(f"group_overhead_bits: {self.group_overhead_bits!r} not allowed; >= 0 bits per group")
        if self.rope_bits is not None and not (np.isfinite(self.rope_bits) and 0 < self.rope_bits <= 32):
            raise ValueError(f"rope_bits: {self.rope_bits!r} not allowed; 0 < rope_bits <= 32, or None")


#: Named KV storage formats (sources: ai_workloads.md §3).
FORMATS = {
    "bf16": KVFormat("bf16", 16.0, source="BF16/FP16: 2 bytes per element"),
    "fp8": KVFormat("fp8", 8.0, source="FP8 E4M3 KV cache (vLLM/SGLang); per-tensor scale negligible"),
    "fp8-mla": KVFormat(
        "fp8-mla",
        8.0,
        group=128,
        group_overhead_bits=32.0,
        rope_bits=16.0,
        source="DeepSeek-V3.2 FlashMLA record: FP8 latent, one FP32 scale per 128 values, BF16 "
        "RoPE part: 656 B per layer-token (FlashMLA README)",
    ),
    "turboquant-4": KVFormat("turboquant-4", 4.0, source="TurboQuant at 4 bits per channel (arXiv 2504.19874)"),
    "turboquant-3.5": KVFormat(
        "turboquant-3.5", 3.5, source="TurboQuant at 3.5 bits per channel: quality-neutral (arXiv 2504.19874)"
    ),
    "turboquant-3": KVFormat("turboquant-3", 3.0, source="TurboQuant at 3 bits per channel"),
    "turboquant-2.5": KVFormat(
        "turboquant-2.5", 2.5, source="TurboQuant at 2.5 bits: marginal degradation (arXiv 2504.19874)"
    ),
    "turboquant-3.5-norm": KVFormat(
        "turboquant-3.5-norm",
        3.5,
        group=128,
        group_overhead_bits=32.0,
        source="TurboQuant 3.5 bits with one FP32 norm per 128-value vector "
        "(implementations keep a norm per vector; ai_workloads.md §3)",
    ),
    "kivi-2": KVFormat(
        "kivi-2",
        2.0,
        group=32,
        group_overhead_bits=32.0,
        source="KIVI 2-bit keys and values, FP16 scale and zero point per 32-value group "
        "(arXiv 2402.02750; the full-precision residual window is not counted)",
    ),
}


def kv_format(fmt) -> KVFormat:
    """A KVFormat from a name in :data:`FORMATS` or a KVFormat."""
    if isinstance(fmt, KVFormat):
        return fmt
    if is_choice(fmt, FORMATS):
        return FORMATS[fmt]
    shown = repr(fmt) if len(repr(fmt)) <= 60 else repr(fmt)[:57] + "..."
    raise ValueError(f"fmt: unknown kv format {shown}; allowed: {', '.join(FORMATS)} or a KVFormat")


def check_model(m: object) -> Model:
    """``m`` itself if it is a :class:`Model`; the models layer takes Model objects, never catalogue ids.

    Raises
    ------
    ValueError
        One line, for anything else (a catalogue id: ``linkmodel.parts.model(id)`` reads its Model).
    """
    if isinstance(m, Model):
        return m
    what = f"the id {m!r}" if isinstance(m, str) else f"a {type(m).__name__}"
    hint = repr(m) if isinstance(m, str) else "'...'"
    raise ValueError(f"m: pass a Model, not {what} (linkmodel.parts.model({hint}) reads one from the catalogue)")


def kv_bytes_per_token(m: Model, fmt="bf16"):
    """KV-cache bytes per token of a model in a storage format [B].

    ``layers x (main x bits + main / group x overhead + rope x rope_bits) / 8``
    with (main, rope) = (2 H_kv d_h, 0) for GQA or (d_c, d_rope) for MLA.

    Parameters
    ----------
    m : Model
    fmt : str or KVFormat
        Storage format (default BF16).

    Returns
    -------
    float
        [B]; e.g. 327,680 for Llama 3.1 70B in BF16, 70,272 for DeepSeek-V3's MLA latent.
    """
    mod, f = check_model(m), kv_format(fmt)
    main, rope = mod.kv_elements()
    rope_bits = f.bits if f.rope_bits is None else f.rope_bits
    bits = main * f.bits + main / f.group * f.group_overhead_bits + rope * rope_bits
    return mod.layers * bits / 8.0


def compression(m: Model, fmt):
    """Compression factor of a format against BF16 for a model [1] (BF16 bytes / stored bytes)."""
    return kv_bytes_per_token(m, "bf16") / kv_bytes_per_token(m, fmt)


def kv_bytes(m: Model, tokens, fmt="bf16"):
    """KV-cache bytes of ``tokens`` tokens [B] (broadcasts over ``tokens``).

    Parameters
    ----------
    m : Model
    tokens : float or array-like or xarray.DataArray
        Tokens held [1], >= 0.
    fmt : str or KVFormat
    """
    a, kind = unpack(tokens=tokens)
    check_range("tokens", a["tokens"], lo=0)
    return pack(a["tokens"] * kv_bytes_per_token(m, fmt), kind, "kv_bytes", "B")


def weight_bytes(m: Model, bits_per_param=16.0):
    """Bytes of a model's weights at ``bits_per_param`` [bit] [B] (all parameters; MoE experts included).

    Broadcasts over ``bits_per_param`` (scalar, array or DataArray).
    """
    a, kind = unpack(bits_per_param=bits_per_param)
    check_range("bits_per_param", a["bits_per_param"], lo=0, lo_open=True, hi=32)
    return pack(check_model(m).params * a["bits_per_param"] / 8.0, kind, "weight_bytes", "B")
