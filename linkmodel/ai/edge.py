"""On-device inference with weights in flash: bytes read per token, read throughput, time per token.

The cost model of ``../shared/reference/edge_inference.md`` §5 (the project's
dossier), one function per phenomenon, all broadcasting:

* :func:`streamed_bytes_dense` - a sparse dense-FFN model (LLM in a Flash,
  PowerInfer-2): per token, each layer reads the active share ``a = 1 - s``
  of its ``d_ff`` neurons that the window does not already hold (reuse
  ``r``), each neuron a bundle of its up-projection column and
  down-projection row, ``u = 2 d_model b`` bytes.
* :func:`streamed_bytes_moe` - experts streamed from flash (flash-moe):
  ``L K u (1 - h)`` with ``K`` experts per token and layer, ``u`` bytes per
  expert and a cache hit rate ``h``.
* :func:`read_throughput` - the storage's effective read throughput at read
  size ``s`` with ``Q`` reads in flight: ``min(BW_link, Q s / (t0 + s /
  BW_peak))`` (one read costs a first-byte latency ``t0`` plus its transfer).
* :func:`token_time` - time per token: resident weights read from DRAM, the
  streamed bytes from flash and the compute, overlapped
  (``t_res + max(t_io, t_comp)``) or serial (``t_res + t_io + t_comp``, as
  on Apple unified memory where overlapping slowed the GPU); which of the
  three binds.

SI units: bytes [B], seconds [s], B/s, FLOP/s; bits per weight [bit].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkmodel._array import check_range, dataset, pack, unpack

__all__ = [
    "DEVICE_KINDS",
    "TIME_PARTS",
    "WINDOW_GROWTH",
    "Device",
    "bundle_bytes",
    "read_throughput",
    "streamed_bytes_dense",
    "streamed_bytes_moe",
    "token_time",
    "window",
]

#: Device kinds of the catalogue (``data/ai/devices.toml``).
DEVICE_KINDS = ("phone", "laptop", "desktop")

#: Growth of the neurons the last ``k`` tokens used: ``s_agg(k) = a k^g`` with ``a`` the share one token
#: uses [1]. DERIVED from LLM in a Flash v2 (OPT-6.7B, edge_inference.md §4.1 [P]): the predictor selects
#: about 10 % of the FFN for a token and a window of k = 5 tokens holds 24 %, so g = ln(2.4) / ln(5) =
#: 0.5440. ASSUMPTION that the power law carries to other k and models; its check is the paper's third
#: figure, 2.4 % loaded per token, which the law gives as 0.10 (6^g - 5^g) = 2.50 %. Plausible range
#: 0.3 (strongly repeating activations) to 1 (independent tokens, no reuse beyond the current one).
WINDOW_GROWTH = float(np.log(2.4) / np.log(5.0))


@dataclass(frozen=True)
class Device:
    """A phone or a computer running inference with weights in flash (``data/ai/devices.toml``).

    Attributes
    ----------
    id, name : str
    kind : {"phone", "laptop", "desktop"}
    dram : float
        Memory the model may use [B] (unified memory, or the accelerator's memory).
    memory_bandwidth : float
        Memory bandwidth [B/s].
    compute : float
        Compute the inference can use [FLOP/s].
    storage : str
        Storage part id (``data/specs``), or "" when the storage has no part file.
    storage_bandwidth, storage_latency : float
        Without a part: the storage's measured read bandwidth [B/s] and first-byte latency of one read [s].
    overlap : bool
        Flash reads overlap compute on this device (False: serial, as on Apple unified memory).
    source : str
    """

    id: str
    name: str
    kind: str
    dram: float
    memory_bandwidth: float
    compute: float
    storage: str
    storage_bandwidth: float
    storage_latency: float
    overlap: bool
    source: str


def window(active, k, growth=WINDOW_GROWTH):
    """Windowing over the last ``k`` tokens: the FFN share loaded per token and the share the window holds [1].

    ``held = min(1, a k^g)``, ``fresh = min(1, a (k+1)^g) - held`` (:data:`WINDOW_GROWTH`); the reuse of the
    active neurons is ``1 - fresh / a``. OPT-6.7B (a = 0.10, k = 5): held 0.24, fresh 0.0250.

    Parameters
    ----------
    active : float or array-like
        Share of FFN neurons one token uses [1], above 0 up to 1.
    k : float or array-like
        Tokens the window spans [1], >= 1.
    growth : float or array-like
        Exponent ``g`` [1], above 0 up to 1.

    Returns
    -------
    (fresh, held)
        Shares of the FFN [1], each the kind of the inputs.
    """
    x, kind = unpack(a=active, k=k, g=growth)
    check_range("active", x["a"], lo=0, lo_open=True, hi=1)
    check_range("window", x["k"], lo=1, hi=1e6)
    check_range("growth", x["g"], lo=0, lo_open=True, hi=1)
    held = np.minimum(1.0, x["a"] * x["k"] ** x["g"])
    fresh = np.minimum(1.0, x["a"] * (x["k"] + 1.0) ** x["g"]) - held
    return (
        pack(fresh, kind, "fresh_share", "1", "FFN share loaded per token"),
        pack(held, kind, "window_share", "1", "FFN share the window holds"),
    )


#: the parts of a token's time, in :func:`token_time`'s ``binding`` order
TIME_PARTS = ("memory", "flash", "compute")


def bundle_bytes(d_model, bits, matrices=2):
    """Bytes of one row-column bundle: an FFN neuron's row or column in each matrix, ``m d_model bits / 8`` [B].

    ``matrices`` m = 2 for an up/down FFN (OPT), 3 for a gated one (SwiGLU: gate, up, down).
    OPT-6.7B (d_model 4096): 16,384 B in FP16, 32,768 B in FP32 (edge_inference.md oracle E23).
    """
    x, kind = unpack(d_model=d_model, bits=bits, m=matrices)
    check_range("d_model", x["d_model"], lo=1, hi=1e6)
    check_range("bits", x["bits"], lo=1, hi=64, unit="bit")
    check_range("matrices", x["m"], lo=1, hi=3)
    return pack(_bundle(x["d_model"], x["bits"], x["m"]), kind, "bundle_bytes", "B")


def _bundle(d_model, bits, matrices=2.0):
    """The one home of the bundle size: ``m d_model bits / 8`` [B]."""
    return matrices * d_model * bits / 8.0


def streamed_bytes_dense(layers, d_model, d_ff, bits, sparsity, reuse=0.0):
    """Bytes a sparse dense-FFN model reads from flash per token [B], and the bundle reads it takes [1].

    ``L x d_ff x (1 - sparsity) x (1 - reuse) x 2 d_model bits / 8``. OPT-6.7B (32 layers, d_model 4096,
    d_ff 16384) in FP16 at sparsity 0.97 and no reuse: 257,698,037.76 B in 15,728.64 bundle reads; with
    half reused, 128,849,018.88 B (oracles E24, E25).

    Parameters
    ----------
    layers, d_model, d_ff : float or array-like
        Layers whose FFN streams [1], model width and FFN width [1].
    bits : float or array-like
        Bits per weight [bit].
    sparsity : float or array-like
        Share of FFN neurons inactive for a token [1], 0 <= s < 1.
    reuse : float or array-like
        Share of the active neurons already in DRAM (the window over the last tokens) [1], 0-1.

    Returns
    -------
    (bytes, reads)
        [B] and [1], each the kind of the inputs.
    """
    x, kind = unpack(layers=layers, d_model=d_model, d_ff=d_ff, bits=bits, sparsity=sparsity, reuse=reuse)
    for k in ("layers", "d_model", "d_ff"):
        check_range(k, x[k], lo=1, hi=1e7)
    check_range("bits", x["bits"], lo=1, hi=64, unit="bit")
    check_range("sparsity", x["sparsity"], lo=0, hi=1, hi_open=True)
    check_range("reuse", x["reuse"], lo=0, hi=1)
    reads = x["layers"] * x["d_ff"] * (1.0 - x["sparsity"]) * (1.0 - x["reuse"])
    size = _bundle(x["d_model"], x["bits"])
    return (
        pack(reads * size, kind, "streamed_bytes", "B", "bytes read from flash per token"),
        pack(reads, kind, "reads", "1", "flash reads per token"),
    )


def streamed_bytes_moe(layers, experts_per_token, expert_bytes, hit_rate=0.0):
    """Bytes an MoE model reads from flash per token [B]: ``L x K x expert_bytes x (1 - hit_rate)``.

    flash-moe (Qwen3.5-397B-A17B: 60 layers, K = 4 experts of 7,077,888 B at 4 bits): 1,698,693,120 B
    uncached, 492,621,004.8 B at a 71 % page-cache hit rate (oracles E37, E38).

    Parameters
    ----------
    layers, experts_per_token : float or array-like
        MoE layers [1] and experts read per token in each [1].
    expert_bytes : float or array-like
        One expert's weights [B].
    hit_rate : float or array-like
        Share of expert reads served from DRAM (a cache) [1], 0-1.
    """
    x, kind = unpack(layers=layers, k=experts_per_token, u=expert_bytes, h=hit_rate)
    check_range("layers", x["layers"], lo=1, hi=1e4)
    check_range("experts_per_token", x["k"], lo=0, hi=1e4)
    check_range("expert_bytes", x["u"], lo=0, lo_open=True, hi=1e12, unit="B")
    check_range("hit_rate", x["h"], lo=0, hi=1)
    return pack(x["layers"] * x["k"] * x["u"] * (1.0 - x["h"]), kind, "streamed_bytes", "B")


def read_throughput(size, first_byte_latency, peak_bandwidth, in_flight=1.0, link_bandwidth=np.inf):
    """Effective read throughput at one read size and depth [B/s]: ``min(BW_link, BW_peak, Q s / (t0 + s / BW_peak))``.

    With a lumped ``t0 / Q`` fitted to one measurement (UFS 4.0: 4 KiB at 1.0 GB/s with a 4.0 GB/s peak gives
    3.072 us), 512 KiB reads come out at 3.908 GB/s (oracle E39).

    Parameters
    ----------
    size : float or array-like
        Bytes per read [B].
    first_byte_latency : float or array-like
        Time before a read's data flows: host stack, driver, controller, NAND sense [s].
    peak_bandwidth : float or array-like
        The device's streaming read bandwidth [B/s].
    in_flight : float or array-like
        Reads outstanding at once (queue depth or threads) [1], >= 1.
    link_bandwidth : float or array-like
        The host link's payload ceiling [B/s] (e.g. :func:`linkmodel.ufs.link`'s); default none.
    """
    x, kind = unpack(s=size, t0=first_byte_latency, bw=peak_bandwidth, q=in_flight, link=link_bandwidth)
    check_range("size", x["s"], lo=0, lo_open=True, hi=2**40, unit="B")
    check_range("first_byte_latency", x["t0"], lo=0, hi=1.0, unit="s")
    check_range("peak_bandwidth", x["bw"], lo=0, lo_open=True, hi=1e13, unit="B/s")
    check_range("in_flight", x["q"], lo=1, hi=65536)
    check_range("link_bandwidth", x["link"], lo=0, lo_open=True, unit="B/s", allow_inf=True)
    one = x["s"] / (x["t0"] + x["s"] / x["bw"])
    # more reads in flight hide the first-byte latency, never the device's streaming peak or the link
    return pack(np.minimum(np.minimum(x["link"], x["bw"]), x["q"] * one), kind, "read_throughput", "B/s")


def token_time(
    resident_bytes, memory_bandwidth, streamed_bytes, read_bandwidth, flops_per_token, compute_flops, overlap=True
):
    """Time per generated token and what binds it.

    Parameters
    ----------
    resident_bytes : float or array-like
        Weights kept in DRAM and read every token (attention, embeddings, predictor, hot neurons) [B].
    memory_bandwidth : float or array-like
        DRAM bandwidth the inference reaches [B/s].
    streamed_bytes : float or array-like
        Bytes read from flash per token [B] (:func:`streamed_bytes_dense`, :func:`streamed_bytes_moe`).
    read_bandwidth : float or array-like
        Effective flash read throughput at the read size and depth used [B/s] (:func:`read_throughput`).
    flops_per_token : float or array-like
        Compute per token [FLOP] (about 2 x the active parameters).
    compute_flops : float or array-like
        Compute the device sustains [FLOP/s].
    overlap : bool
        Flash reads overlap compute (a pipeline; discrete GPUs) or run serially (Apple unified memory).

    Returns
    -------
    xarray.Dataset
        ``memory_time``, ``flash_time``, ``compute_time``, ``token_time`` [s], ``tokens_per_second``
        [1/s], ``binding`` (``"memory"``, ``"flash"`` or ``"compute"``: the largest part).
    """
    x, kind = unpack(
        res=resident_bytes,
        mem=memory_bandwidth,
        strm=streamed_bytes,
        rd=read_bandwidth,
        f=flops_per_token,
        c=compute_flops,
    )
    check_range("resident_bytes", x["res"], lo=0, hi=1e15, unit="B")
    check_range("memory_bandwidth", x["mem"], lo=0, lo_open=True, hi=1e14, unit="B/s")
    check_range("streamed_bytes", x["strm"], lo=0, hi=1e15, unit="B")
    check_range("read_bandwidth", x["rd"], lo=0, lo_open=True, hi=1e13, unit="B/s")
    check_range("flops_per_token", x["f"], lo=0, hi=1e18)
    check_range("compute_flops", x["c"], lo=0, lo_open=True, hi=1e18)
    if not isinstance(overlap, bool):
        raise ValueError(f"overlap: {overlap!r} not allowed; True (reads overlap compute) or False (serial)")
    t_mem = x["res"] / x["mem"]
    t_io = x["strm"] / x["rd"]
    t_comp = x["f"] / x["c"]
    t = t_mem + (np.maximum(t_io, t_comp) if overlap else t_io + t_comp)
    if np.any(t <= 0):
        raise ValueError("resident_bytes, streamed_bytes, flops_per_token: all zero; a token costs nothing to make")
    parts = np.stack(np.broadcast_arrays(t_mem, t_io, t_comp))
    variables = {
        "memory_time": (t_mem, "s", "resident weights read from DRAM per token", False),
        "flash_time": (t_io, "s", "streamed weights read from flash per token", False),
        "compute_time": (t_comp, "s", "compute per token", False),
        "token_time": (t, "s", "time per generated token", False),
        "tokens_per_second": (1.0 / t, "1/s", "generated tokens per second", False),
        "binding": (np.array(TIME_PARTS)[np.argmax(parts, axis=0)], "", "the largest part of the time", False),
    }
    return dataset(variables, kind, attrs={"overlap": int(bool(overlap))})
