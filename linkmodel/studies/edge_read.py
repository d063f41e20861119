"""Read cost at small sizes: a storage part's random-read throughput vs read size and reads in flight.

Flash-offloaded inference reads weights in small pieces (a 16 KiB neuron
bundle, a 6 KiB cluster, a 7 MB expert) from many threads at once. What one
read costs comes from the drive and latency models, not a fitted curve:

* one read at a time: the QD1 latency of :func:`linkmodel.ssd.hostpath.qd1`
  (host stack to the doorbell, command fetch, firmware, NAND command and
  tR, channel transfer, ECC, data over the link, completion and interrupt),
  so ``throughput = size / qd1``;
* ``Q`` reads in flight: the closed loop of
  :func:`linkmodel.ssd.closedloop.queue_depth_curve` (dies, channels, link
  and controller as queueing stations, capped at the drive model's ceiling);
* a read larger than one die's multi-plane page is split into ``n =
  ceil(size / (planes x page))`` equal pieces that the controller serves
  on different dies, so ``Q`` reads keep ``Q n`` pieces in flight:
  ``throughput = IOPS_piece(Q n) x size / n``. ASSUMPTION: each piece pays
  the whole per-command path (host submit and completion included), which
  overstates a large read's cost by at most the few microseconds of that
  path per piece; a read's latency is then ``Q size / throughput`` (Little's law).

SI units: bytes [B], seconds [s], B/s, 1/s.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import xarray as xr

from linkmodel import parts
from linkmodel._array import check_range
from linkmodel.parts.draws import draw_params
from linkmodel.ssd import closedloop, hostpath
from linkmodel.ssd.params import DriveParams
from linkmodel.studies import latency_draws

__all__ = ["MAX_PIECES_IN_FLIGHT", "drawn_params", "read_curve", "storage_params"]

#: Pieces in flight above which the closed loop is not solved further [1].
#: ASSUMPTION: 8192. Basis: the largest bundled design has 512 dies of at most 6 planes (3072 plane reads at
#: once), so 8192 pieces in flight hold every die busy and the curve sits at the drive's ceiling; beyond it
#: more depth changes nothing but the MVA's run time. Plausible range 4096-65536.
MAX_PIECES_IN_FLIGHT = 8192


def _with_span(params, span: float):
    """Drive parameters (a DriveParams or a dict) with ``read_span`` = ``span`` [B]."""
    if isinstance(params, DriveParams):
        return replace(params, read_span=span)
    return {**params, "read_span": span}


def storage_params(part, capacity=None):
    """The drive parameters [SI] and QD1 host path of a storage part (a Part, a bundled id or a spec file).

    The path is the part's (:func:`linkmodel.parts.host_path`: its controller's firmware terms); drive
    parameters given as a dict pass through with :data:`linkmodel.ssd.hostpath.DEFAULT_PATH`.

    Returns
    -------
    (params, path, part id or None)
    """
    if isinstance(part, dict):
        return part, hostpath.DEFAULT_PATH, None
    p = parts.part(part)
    with parts.about(p, capacity):
        params, _ = parts.params_from_part(p, capacity)
        path = parts.host_path(p)
    return params, path, p.id


def drawn_params(part, n: int, seed: int = 0, capacity=None, scale: float = 1.0):
    """A storage part's drive parameters [SI] and host path over ``n`` draws of its priors (varying fields
    DataArrays along ``draw``), as ``linkmodel latency --draws`` draws them: the drive's inputs
    (:func:`linkmodel.parts.draws.draw_params`) and its controller's firmware times
    (:func:`linkmodel.studies.latency_draws.path_draws`), same seed, plain Monte Carlo.

    Returns
    -------
    (params, path, part id)

    Raises
    ------
    ValueError
        Drive parameters given as a dict (they carry no priors), a bad number of draws, seed or scale.
    """
    if isinstance(part, dict):
        raise ValueError("draws: drive parameters given as numbers carry no priors; give a storage part")
    p = parts.part(part)
    cat = parts.catalogue()
    d = draw_params(p, n, seed, capacity, cat, "mc", scale)
    path, _ = latency_draws.path_draws(p, n, seed, cat, "mc", scale)
    return d.params, path, p.id


def _sizes(values, name):
    a = np.unique(np.asarray(values, dtype=float).ravel())
    if a.size == 0:
        raise ValueError(f"{name}: at least one value expected")
    return a


def read_curve(
    part,
    sizes=(4096.0, 16384.0, 65536.0, 524288.0),
    depths=(1, 4, 16, 32, 64),
    capacity=None,
    path=None,
    span=np.inf,
    draws=None,
    seed=0,
    scale=1.0,
):
    """Effective random-read throughput of a storage part over read size and reads in flight.

    Parameters
    ----------
    part : Part, str or dict
        A storage part (bundled id or spec file) or drive parameters (SI, as
        :func:`linkmodel.parts.params_from_part` gives).
    sizes : sequence of float
        Bytes per read [B], 512 B to 1 GiB.
    depths : sequence of int
        Reads in flight (queue depth, or threads each with one read) [1], 1 to 65536.
    capacity : float, optional
        SKU [B] (default the part's headline).
    path : linkmodel.ssd.HostPath, optional
        Host and controller terms (default the part's, :func:`linkmodel.parts.host_path`).
    span : float
        Bytes the reads are spread over, uniformly [B] (default: the whole drive, as vendors test); a
        DRAM-less drive's mapping cache misses on a span larger than it covers
        (:mod:`linkmodel.ssd.mapping`).
    draws : int, optional
        Evaluate over this many draws of the part's priors (:func:`drawn_params`, ``seed`` and ``scale``
        as :func:`linkmodel.parts.draws.draw_params`): every output gains a ``draw`` dimension where the
        draws move it, from one broadcast call of the closed loop per read size. ``path`` is then ignored.

    Returns
    -------
    xarray.Dataset
        Over ``size`` [B] and ``depth`` [1]: ``throughput`` [B/s], ``iops`` [1/s] (reads of ``size``),
        ``latency`` [s] (mean per read at that depth), ``pieces`` [1] (die-sized pieces per read);
        over ``size``: ``qd1_latency`` [s] (one piece alone) and ``ceiling`` [B/s] (the drive model's
        ceiling for these reads). attrs ``part``.
    """
    s = _sizes(sizes, "sizes")
    q = _sizes(depths, "depths")
    check_range("sizes", s, lo=512, hi=2**30, unit="B")
    check_range("depths", q, lo=1, hi=65536)
    if np.any(q != np.round(q)):
        raise ValueError(f"depths: whole numbers of reads in flight expected, got {q[q != np.round(q)][0]:g}")
    if draws is None:
        params, own, pid = storage_params(part, capacity)
    else:
        params, own, pid = drawn_params(part, draws, seed, capacity, scale)
        path = None
    check_range("span", span, lo=0, lo_open=True, unit="B", allow_inf=True)
    # the mapping cache's misses depend on the span read (drive parameters may come as a DriveParams or a dict)
    params = _with_span(params, float(span))
    p = own if path is None else path
    chunks = np.unique(np.asarray(params["planes"], dtype=float) * np.asarray(params["page_size"], dtype=float))
    if chunks.size != 1:
        raise ValueError(
            "draws: the part's priors move its die geometry (planes x page), which sets the pieces a read is "
            "split into; such a part's read cost is not drawn"
        )
    chunk = float(chunks[0])
    thr, qd1, ceiling, pieces = [], [], [], np.empty((s.size, q.size))
    for i, size in enumerate(s):
        n = float(np.ceil(size / chunk))
        piece = size / n
        need = np.minimum(q * n, MAX_PIECES_IN_FLIGHT).astype(int)
        curve = closedloop.queue_depth_curve(params, "read", sorted(set(need.tolist())), piece, p)
        iops = curve.iops.sel(queue_depth=xr.DataArray(need, dims="depth")).drop_vars("queue_depth")
        thr.append(iops * piece)
        pieces[i] = n
        qd1.append(xr.DataArray(hostpath.qd1(params, "read", piece, p).total))
        ceiling.append(xr.DataArray(curve.ceiling) * piece)
    coords = {"size": ("size", s, {"units": "B"}), "depth": ("depth", q, {"units": "1"})}
    dims = ("size", "depth")
    t = (
        xr.concat(thr, "size", coords="minimal")
        .transpose("size", "depth", ...)
        .drop_vars(("size", "depth"), errors="ignore")
    )
    sz = xr.DataArray(s, dims="size")
    ds = xr.Dataset(
        {
            "throughput": t.assign_attrs(units="B/s", long_name="random-read throughput"),
            "iops": (t / sz).assign_attrs(units="1/s", long_name="reads per second"),
            "latency": (xr.DataArray(q, dims="depth") * sz / t).assign_attrs(
                units="s", long_name="mean latency per read"
            ),
            "pieces": (dims, pieces, {"units": "1", "long_name": "die-sized pieces per read"}),
            "qd1_latency": _stacked(qd1).assign_attrs(units="s", long_name="QD1 latency of one piece"),
            "ceiling": _stacked(ceiling).assign_attrs(units="B/s", long_name="drive ceiling for these reads"),
        },
        coords=coords,
        attrs={"part": pid or "", "model": "linkmodel.studies.edge_read.read_curve"},
    )
    return ds


def _stacked(per_size: list) -> xr.DataArray:
    """Per-size values (scalars or DataArrays along ``draw``) along ``size``."""
    return xr.concat(per_size, "size", coords="minimal").transpose("size", ...).drop_vars("size", errors="ignore")
