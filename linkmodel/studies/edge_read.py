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
from linkmodel.ssd import closedloop, hostpath

__all__ = ["MAX_PIECES_IN_FLIGHT", "read_curve", "storage_params"]

#: Pieces in flight above which the closed loop is not solved further [1].
#: ASSUMPTION: 8192. Basis: the largest bundled design has 512 dies of at most 6 planes (3072 plane reads at
#: once), so 8192 pieces in flight hold every die busy and the curve sits at the drive's ceiling; beyond it
#: more depth changes nothing but the MVA's run time. Plausible range 4096-65536.
MAX_PIECES_IN_FLIGHT = 8192


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
    params, own, pid = storage_params(part, capacity)
    check_range("span", span, lo=0, lo_open=True, unit="B", allow_inf=True)
    params = replace(params, read_span=float(span))  # the mapping cache's misses depend on the span read
    p = own if path is None else path
    chunk = float(params["planes"]) * float(params["page_size"])
    out = {k: np.empty((s.size, q.size)) for k in ("throughput", "pieces")}
    qd1, ceiling = np.empty(s.size), np.empty(s.size)
    for i, size in enumerate(s):
        n = float(np.ceil(size / chunk))
        piece = size / n
        need = np.minimum(q * n, MAX_PIECES_IN_FLIGHT).astype(int)
        curve = closedloop.queue_depth_curve(params, "read", sorted(set(need.tolist())), piece, p)
        iops = curve.iops.sel(queue_depth=need).values
        out["throughput"][i] = iops * piece
        out["pieces"][i] = n
        qd1[i] = float(hostpath.qd1(params, "read", piece, p).total)
        ceiling[i] = float(curve.ceiling) * piece
    coords = {"size": ("size", s, {"units": "B"}), "depth": ("depth", q, {"units": "1"})}
    dims = ("size", "depth")
    thr = out["throughput"]
    ds = xr.Dataset(
        {
            "throughput": (dims, thr, {"units": "B/s", "long_name": "random-read throughput"}),
            "iops": (dims, thr / s[:, None], {"units": "1/s", "long_name": "reads per second"}),
            "latency": (dims, q[None, :] * s[:, None] / thr, {"units": "s", "long_name": "mean latency per read"}),
            "pieces": (dims, out["pieces"], {"units": "1", "long_name": "die-sized pieces per read"}),
            "qd1_latency": ("size", qd1, {"units": "s", "long_name": "QD1 latency of one piece"}),
            "ceiling": ("size", ceiling, {"units": "B/s", "long_name": "drive ceiling for these reads"}),
        },
        coords=coords,
        attrs={"part": pid or "", "model": "linkmodel.studies.edge_read.read_curve"},
    )
    return ds
