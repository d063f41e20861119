"""Tokens per second on a phone or a computer whose DRAM cannot hold the model: weights streamed from flash.

:func:`tokens` puts a model (``data/ai/models.toml``), a device
(``data/ai/devices.toml``) and its storage (a part, read through the drive
and closed-loop models of :mod:`linkmodel.studies.edge_read`, or the
device's measured figures) together with the method's knobs (LLM in a
Flash, PowerInfer-2, flash-moe; edge_inference.md §4-§5):

* what streams: a dense model's FFN neurons (``2 d_model`` weights each, up
  column and down row) or an MoE model's experts (``3 d_model e`` weights);
  ``S_all`` bytes in all. A token uses the share ``alpha`` of them: ``1 -
  sparsity`` of the FFN, or ``K / E`` of the experts times ``1 - sparsity``
  of each expert's neurons;
* windowing over the last ``k`` tokens keeps what they used in DRAM, so a
  token loads only the share ``fresh`` (:func:`linkmodel.ai.edge.window`);
  without a window it loads ``alpha``;
* hot weights pinned in DRAM (``hot``, a share of ``S_all``) serve the
  share ``hit_rate`` of the reads (default ``hot``: uniform popularity;
  a skewed set serves more);
* flash bytes per token ``S_all x fresh x (1 - hit_rate)`` in reads of a
  bundle (a neuron's weights in every matrix, ``bundle=True``), a single row
  (``False``: one read per matrix) or a whole expert (a dense MoE read);
* memory bytes per token: the resident weights (attention, embeddings,
  norms, shared experts, the predictor) plus the token's active share;
  compute ``2`` FLOP per weight used;
* time per token from :func:`linkmodel.ai.edge.token_time`, overlapped or
  serial, and the DRAM a target rate needs (the hit rate the flash time
  allows, held as hot weights).

Every knob broadcasts (scalars, arrays or xarray DataArrays with named
dims). SI units: B, B/s, s, FLOP, FLOP/s, 1/s; bits per weight [bit].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import xarray as xr

from linkmodel import parts
from linkmodel._array import check_range
from linkmodel.ai import edge as _edge
from linkmodel.ai.models import Model
from linkmodel.parts import devices as _devices
from linkmodel.studies import drawn, edge_read

__all__ = ["DRAWN", "EdgeReport", "draw_stats", "geometry", "read_bandwidth", "tokens"]

#: the outputs summarized over draws (median and 80 % interval): tokens/s [1/s], flash time per token [s],
#: DRAM a target rate needs [B]
DRAWN = ("tokens_per_second", "flash_time", "dram_needed")

_GB = 1e9


@dataclass(frozen=True)
class EdgeReport:
    """One :func:`tokens` evaluation: ``result`` (an xarray Dataset) and the ``inputs`` that made it."""

    inputs: dict
    result: Any

    def to_dict(self) -> dict:
        """JSON-ready dict in SI units: scalars as numbers, broadcast results as nested lists with their dims."""
        out: dict[str, Any] = dict(self.inputs)
        for k, v in self.result.data_vars.items():
            val = v.values.tolist()
            out[k] = val if v.ndim == 0 else {"dims": list(v.dims), "values": val}
        out["coords"] = {k: c.values.tolist() for k, c in self.result.coords.items()}
        out["units"] = {k: v.attrs.get("units", "") for k, v in self.result.data_vars.items()}
        return out


def geometry(m: Model):
    """What streams in a model: (all streamable weights [1], resident weights [1], matrices per neuron [1],
    neurons per streamed unit [1], units a token picks out of all [1]).

    Dense: the FFN, ``blocks x 2 d_model d_ff`` (an up/down FFN, as OPT). MoE: every routed expert,
    ``moe_layers x experts x 3 d_model e`` (SwiGLU); per token ``top_k / experts`` of them.
    """
    if m.moe is not None:
        per_expert = 3.0 * m.hidden * m.moe.expert_ffn
        streamable = m.moe.moe_layers * m.moe.experts * per_expert
        return streamable, m.params - streamable, 3.0, m.moe.expert_ffn, m.moe.top_k / m.moe.experts
    if m.ffn <= 0:
        raise ValueError(f"model: {m.id!r} gives no FFN width (ffn) in the catalogue; edge inference needs it")
    streamable = (m.blocks or m.layers) * 2.0 * m.hidden * m.ffn
    return streamable, m.params - streamable, 2.0, m.ffn, 1.0


def read_bandwidth(device, size, depth, storage=None, capacity=None, span=np.inf, draws=None, seed=0, scale=1.0):
    """Effective read throughput of a device's storage at read size ``size`` [B] and ``depth`` reads in
    flight [1] [B/s] (broadcasting DataArrays): a storage part through :func:`edge_read.read_curve` with
    reads spread over ``span`` bytes [B] (default the whole drive), else the device's measured bandwidth and
    first-byte latency (:func:`linkmodel.ai.edge.read_throughput`). With ``draws`` (a storage part only), over
    that many draws of the part's priors (``seed``, ``scale``): a ``draw`` dimension where they move it."""
    dev = _devices.device(device)
    size, depth = xr.broadcast(xr.DataArray(size), xr.DataArray(depth))
    part = storage if storage is not None else (dev.storage or None)
    if part is None:
        return _edge.read_throughput(size, dev.storage_latency, dev.storage_bandwidth, depth)
    curve = edge_read.read_curve(
        part, size.values.ravel(), depth.values.ravel(), capacity, span=span, draws=draws, seed=seed, scale=scale
    )
    si = np.searchsorted(curve["size"].values, size.values)
    di = np.searchsorted(curve["depth"].values, depth.values)
    thr = curve.throughput
    if "draw" not in thr.dims:
        return size.copy(data=thr.values[si, di]).assign_attrs(units="B/s")
    vals = thr.transpose("size", "depth", "draw").values[si, di]
    coords = {**dict(size.coords), "draw": thr["draw"].values}
    return xr.DataArray(vals, dims=(*size.dims, "draw"), coords=coords, attrs={"units": "B/s"})


def _da(x):
    return x if isinstance(x, xr.DataArray) else xr.DataArray(np.asarray(x, dtype=float))


def _checks(k):
    check_range("sparsity", k["sparsity"].values, lo=0, hi=1, hi_open=True)
    check_range("predictor", k["predictor"].values, lo=0, hi=0.5)
    check_range("bits", k["bits"].values, lo=1, hi=32, unit="bit")
    check_range("hot", k["hot"].values, lo=0, hi=1)
    check_range("hit_rate", k["hit_rate"].values, lo=0, hi=1)
    check_range("depth", k["depth"].values, lo=1, hi=65536)
    check_range("experts", k["experts"].values, lo=1, hi=1e4)
    if k["window"] is not None:
        check_range("window", k["window"].values, lo=1, hi=1e6)
    if k["target"] is not None:
        check_range("target", k["target"].values, lo=0, lo_open=True, hi=1e6, unit="1/s")


def _streams(m, knobs, bundle):
    """Bytes and read size of what streams, and the shares of it: (S_all, resident params, alpha, fresh,
    held, unit size) with SI bytes."""
    streamable, resident, matrices, _neurons, pick = geometry(m)
    b = knobs["bits"]
    a = 1.0 - knobs["sparsity"]
    pick = knobs["experts"] / m.moe.experts if m.moe is not None else pick
    alpha = pick * a
    if knobs["window"] is None:
        fresh, held = alpha, alpha
    else:
        fresh, held = _edge.window(alpha, knobs["window"])
    row = m.hidden * b / 8.0
    unit = row * xr.where(bool(bundle), _edge.bundle_bytes(1.0, 8.0, matrices), 1.0)
    if m.moe is not None:  # a dense expert is read whole; a sparse one neuron by neuron
        whole = streamable / (m.moe.moe_layers * m.moe.experts) * b / 8.0
        unit = xr.where(knobs["sparsity"] > 0, unit, whole)
    return streamable * b / 8.0, resident, alpha, fresh, held, unit


def tokens(
    model,
    device,
    storage=None,
    sparsity=0.0,
    predictor=0.0,
    window=None,
    bundle=True,
    bits=16.0,
    hot=0.0,
    hit_rate=None,
    overlap=None,
    depth=32,
    experts=None,
    target=None,
    capacity=None,
    draws=None,
    seed=0,
    scale=1.0,
) -> EdgeReport:
    """Tokens per second of a model on a device with its weights streamed from flash.

    Parameters
    ----------
    model : Model or str
        A catalogue model (dense with ``ffn``, or MoE).
    device : Device or str
        A catalogue device.
    storage : Part or str, optional
        A storage part instead of the device's own.
    sparsity : float or DataArray
        Share of FFN (dense) or of each expert's (MoE) neurons a token leaves unused [1], 0 <= s < 1.
    predictor : float or DataArray
        Activation predictor's weights, a share of the model's [1] (resident, read every token).
    window : float or DataArray, optional
        Tokens whose neurons stay in DRAM [1], >= 1 (None: no window).
    bundle : bool
        Store a neuron's row and column together and read them in one read.
    bits : float or DataArray
        Bits per weight [bit], scales included (4-bit with a 16-bit scale and bias per 64: 4.5).
    hot : float or DataArray
        Share of the streamable weights pinned in DRAM [1].
    hit_rate : float or DataArray, optional
        Share of reads those hot weights (or a cache) serve [1] (default ``hot``).
    overlap : bool, optional
        Reads overlap compute (default the device's).
    depth : float or DataArray
        Reads in flight (threads or queue depth) [1].
    experts : float or DataArray, optional
        Experts read per token and MoE layer [1] (default the model's top-k).
    target : float or DataArray, optional
        A target rate [1/s] for ``dram_needed``.
    capacity : float, optional
        Storage SKU [B].
    draws : int, optional
        Evaluate the storage part's read cost over this many draws of its priors (its unpublished inputs
        and its controller's firmware times, as ``linkmodel latency --draws``; ``seed`` >= 0, ``scale`` the
        spread multiplier, 0: every input at its value): the outputs it moves gain a ``draw`` dimension
        (:func:`draw_stats` summarizes them). A device without a storage part has no priors to draw
        (``inputs["drawn"]`` False).

    Returns
    -------
    EdgeReport
        ``result``: ``streamed_bytes`` [B], ``reads`` [1], ``read_size`` [B], ``read_bandwidth`` [B/s],
        ``memory_bytes`` [B], ``flops`` [FLOP], ``memory_time``, ``flash_time``, ``compute_time``,
        ``token_time`` [s], ``tokens_per_second`` [1/s], ``binding``, ``dram_used`` [B] and, with a
        target, ``hit_needed`` [1] and ``dram_needed`` [B] (inf: the target is out of reach).

    Raises
    ------
    ValueError
        One line naming the knob; ``model`` when even its resident weights exceed the device's DRAM.
    """
    m = model if isinstance(model, Model) else parts.model(model)
    dev = _devices.device(device)
    k = {"sparsity": sparsity, "predictor": predictor, "bits": bits, "hot": hot, "depth": depth}
    k = {n: _da(v) for n, v in k.items()}
    k["hit_rate"] = k["hot"] if hit_rate is None else _da(hit_rate)
    k["experts"] = _da(m.moe.top_k if m.moe is not None and experts is None else (experts or 1))
    k["window"] = None if window is None else _da(window)
    k["target"] = None if target is None else _da(target)
    if not isinstance(bundle, bool):
        raise ValueError(f"bundle: {bundle!r} not allowed; True or False")
    _checks(k)
    s_all, resident, alpha, fresh, held, unit = _streams(m, k, bundle)
    b = k["bits"] / 8.0
    res_bytes = (resident + k["predictor"] * m.params) * b
    if float(res_bytes.min()) > dev.dram:
        raise ValueError(
            f"model: {m.id} keeps {float(res_bytes.min()) / _GB:.1f} GB resident (weights that never stream, "
            f"predictor) but {dev.id} has {dev.dram / _GB:.1f} GB of DRAM"
        )
    streamed = s_all * fresh * (1.0 - k["hit_rate"])
    # the streamed weights are the span the reads cover (a DRAM-less drive's mapping cache misses beyond what it
    # covers); one span per call: the largest weight file of the sweep (e.g. of a bits axis), the conservative one
    dk = {"draws": draws, "seed": seed, "scale": scale}
    bw = read_bandwidth(dev, unit, k["depth"], storage, capacity, float(np.max(s_all)), **dk)
    memory = res_bytes + s_all * alpha
    flops = 2.0 * (resident + k["predictor"] * m.params + s_all / b * alpha)
    ov = dev.overlap if overlap is None else overlap
    t = _edge.token_time(memory, dev.memory_bandwidth, streamed, bw, flops, dev.compute, ov)
    ds = t.assign(
        streamed_bytes=streamed,
        reads=streamed / unit,
        read_size=unit,
        read_bandwidth=bw,
        memory_bytes=memory,
        flops=flops,
        dram_used=res_bytes + s_all * np.minimum(1.0, held + k["hot"]),
    )
    if k["target"] is not None:
        ds = _needed(ds, k["target"], s_all, fresh, held, res_bytes, bw, ov)
    units = {"streamed_bytes": "B", "reads": "1", "read_size": "B", "read_bandwidth": "B/s"}
    units |= {"memory_bytes": "B", "flops": "FLOP", "dram_used": "B", "hit_needed": "1", "dram_needed": "B"}
    for n, u in units.items():
        if n in ds:
            ds[n].attrs["units"] = u
    inputs: dict[str, Any] = {
        "model": m.id,
        "device": dev.id,
        "storage": str(getattr(storage, "id", storage or dev.storage)),
    }
    inputs |= {"overlap": bool(ov), "bundle": bundle, "device_dram": dev.dram}
    if draws is not None:
        inputs |= {"draws": int(draws), "seed": int(seed), "drawn": bool(storage or dev.storage)}
    return EdgeReport(inputs, ds)


def draw_stats(rep: EdgeReport) -> dict:
    """Per output of :data:`DRAWN` in the result, its median and 80 % interval over the draws of a
    :func:`tokens` call with ``draws`` (:func:`linkmodel.studies.drawn.stats`; an output no draw moves is its
    point value) [units of the output].

    With no knob axes: ``{"median": m, "interval": [low, high]}`` of floats. With knob axes (comma-separated
    values in the command line, DataArrays here), the same keys hold nested lists over the knob axes, in the
    order of ``"dims"``, with ``"coords"`` giving each axis's values: one interval per knob combination, each
    over the same draws. ``dram_needed`` is ``inf`` in a draw whose target is out of reach; a percentile that
    falls at or beyond such a draw is ``inf``."""
    n = rep.inputs["draws"]
    out = {}
    for name in DRAWN:
        if name not in rep.result:
            continue
        da = rep.result[name]
        axes = [d for d in da.dims if d != "draw"]
        if not axes:
            out[name] = drawn.stats_ranked(drawn.per_draw(da.values, n))
            continue
        cells = da.transpose(*axes, ...).values.reshape(-1, *(da.sizes["draw"],) if "draw" in da.dims else ())
        each = [drawn.stats_ranked(drawn.per_draw(c, n)) for c in cells]
        shape = tuple(da.sizes[d] for d in axes)
        med = np.array([e["median"] for e in each]).reshape(shape)
        lo = np.array([e["interval"][0] for e in each]).reshape(shape)
        hi = np.array([e["interval"][1] for e in each]).reshape(shape)
        coords = {str(d): (da[d].values.tolist() if d in da.coords else list(range(da.sizes[d]))) for d in axes}
        out[name] = {
            "dims": [str(d) for d in axes],
            "coords": coords,
            "median": med.tolist(),
            "interval": [lo.tolist(), hi.tolist()],
        }
    return out


def _needed(ds, target, s_all, fresh, held, res_bytes, bw, overlap):
    """The hit rate (hot weights, uniform popularity) that reaches ``target`` [1/s], and the DRAM it takes [B]."""
    budget = 1.0 / target - ds.memory_time
    io0 = s_all * fresh / bw  # flash time with nothing pinned [s]
    room = xr.where(ds.compute_time <= budget, budget, -1.0) if overlap else budget - ds.compute_time
    hit = xr.where(io0 > 0, 1.0 - room / io0.where(io0 > 0, 1.0), 0.0).clip(min=0.0)
    ok = (room >= 0) & (hit <= 1.0)
    hit = hit.where(ok, np.inf)
    dram = xr.where(ok, res_bytes + s_all * np.minimum(1.0, held + hit.where(ok, 0.0)), np.inf)
    return ds.assign(hit_needed=hit, dram_needed=dram)
