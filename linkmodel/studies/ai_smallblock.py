"""GPU-initiated small-block reads: how many 512 B-4 KiB IOPS a drive design serves, and what would close a target.

GPU-initiated I/O (BaM, NVIDIA SCADA) keeps thousands of reads in flight, so
the drive's ceilings decide (ai_workloads.md §5): the PCIe link with its
NVMe command traffic (at 512 B the 64 B SQE fetch, 16 B CQE, doorbells and
TLP headers are a large share of every I/O), the controller's command rate,
the dies (a 512 B read still senses a whole page on one plane) and the power
cap. :func:`ceilings` gives each one over I/O size; :func:`closing` says,
for a target (e.g. NVIDIA's ~100 M IOPS per SSD), what link, die count,
controller rate and power would reach it, and how many reads must be in
flight (Little's law). GPU-initiated I/O is NVMe over PCIe: a UFS part
(``link_family`` 1, a phone's storage) is refused with a one-line error.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from linkmodel import parts
from linkmodel._array import check_range
from linkmodel.parts.draws import draw_params
from linkmodel.pcie import link, nvme
from linkmodel.ssd import drive, latency
from linkmodel.studies import drawn

__all__ = ["GPU_BATCHING", "ceilings", "closing", "iops_draws"]

#: NVMe batching a GPU-side driver can use (SQ doorbell per 8, CQ entries and interrupts coalesced by 8):
#: ASSUMPTION. Basis: BaM runs 128 queues x 1024 entries from 262,144 GPU threads (ai_workloads.md §5.2), so
#: doorbells and completions can be batched; no batch size is published, 8 is illustrative.
#: linkmodel.pcie.nvme's defaults are per I/O; :func:`closing` reports links both ways.
GPU_BATCHING = nvme.LinkOptions(sqe_batch=8, cqe_batch=8, irq_coalesce=8, doorbell_batch=8)


def _pcie_only(params, part) -> None:
    """Raise a one-line ValueError for a part whose host link is not PCIe (GPU-initiated I/O is NVMe over PCIe)."""
    if float(params.get("link_family", 0.0)) != 0.0:
        raise ValueError(
            f"part: {part.id}'s host link is UFS; ai smallblock models GPU-initiated NVMe reads over PCIe (BaM, "
            "SCADA: SQEs, doorbells, TLPs, PCIe generations), which a UFS device has no counterpart of; use "
            "'linkmodel latency PART' or linkmodel.studies.edge_read for a UFS part's small reads"
        )


def ceilings(part, sizes=(512.0, 1024.0, 2048.0, 4096.0), capacity=None, batching=None):
    """Random-read IOPS of a part's design at small I/O sizes, each ceiling and what binds.

    Parameters
    ----------
    part : Part or str
    sizes : sequence of float
        I/O sizes [B].
    capacity : float, optional
        SKU [B] (default headline).
    batching : linkmodel.pcie.LinkOptions, optional
        NVMe batching for the link ceiling (default :data:`GPU_BATCHING`).

    Returns
    -------
    xarray.Dataset
        Over ``size``: ``iops`` (the drive model, NVMe per-I/O traffic), its ``binding`` stage and
        every ``ceiling_*`` [1/s]; ``link_batched`` [1/s] (the link with the GPU-side batching),
        ``link_data_only`` [1/s] (payload TLPs alone), ``bandwidth`` [B/s] (``iops x size``).
    """
    import xarray as xr

    part = parts.part(part)
    s = np.asarray(sizes, dtype=float)
    if s.ndim != 1 or s.size == 0:
        raise ValueError("sizes: a non-empty 1-D list of I/O sizes in bytes")
    check_range("sizes", s, lo=0, lo_open=True, hi=16384, unit="B")
    size = xr.DataArray(s, dims="size", coords={"size": s}, attrs={"units": "B"})
    with parts.about(part, capacity):
        params, _ = parts.params_from_part(part, capacity)
        _pcie_only(params, part)
        ds = drive.evaluate(params, drive.Workload("small_read", size, 1.0, True))
    kw = GPU_BATCHING if batching is None else batching
    g, lanes, mps, mrrs = (params[k] for k in ("gen", "lanes", "mps", "mrrs"))
    ds["link_batched"] = nvme.io_link_ceiling(g, lanes, size, mps, io="read", mrrs=mrrs, options=kw).transfer_rate
    ds["link_data_only"] = link(g, lanes, size, mps=mps, transfer="write", mrrs=mrrs).transfer_rate
    ds["bandwidth"] = ds.iops * size
    for k, u, long in (
        ("link_batched", "1/s", "link ceiling with GPU-side NVMe batching"),
        ("link_data_only", "1/s", "link ceiling of the data TLPs alone"),
        ("bandwidth", "B/s", "payload bytes per second"),
    ):
        ds[k].attrs = {"units": u, "long_name": long}
    ds.attrs.update(part=part.id, gen=g, lanes=lanes, mps=mps)
    return ds


def closing(
    part, target_iops, size=512.0, capacity=None, batching=None, gens=(5, 6, 7, 8), lanes=(4, 8, 16)
) -> dict[str, Any]:
    """What a design would need to serve ``target_iops`` random reads of ``size`` bytes.

    Parameters
    ----------
    part : Part or str
    target_iops : float
        [1/s], e.g. 100e6.
    size : float
        [B].
    capacity : float, optional
    batching : linkmodel.pcie.LinkOptions, optional
        NVMe batching for the link options (default :data:`GPU_BATCHING`).
    gens, lanes : sequences
        Link options to search.

    Returns
    -------
    dict
        ``iops`` (the design today) and ``gap`` (target / iops); ``links``: every (gen, lanes) whose
        ceiling with NVMe traffic and GPU-side batching meets the target, with its ceiling, its
        per-I/O (unbatched) ceiling and ``needs_batching``; ``channels_needed`` (at the part's channel
        rate) vs ``channels`` and ``channel_ceiling`` [1/s]; ``mps_ceilings`` (the link
        ceiling at MPS 128, 256, 512, 4096 B: a larger MPS stops helping once it holds one I/O);
        ``dies_needed`` (at the part's
        tR and independent plane reads: target x tR / planes read at once) vs ``dies``;
        ``power_needed`` [W] (static + target x energy per read) vs ``power_cap``;
        ``controller_iops_needed``; ``outstanding_ios`` (Little's law at the QD1 read latency);
        ``qd1_latency`` [s].
    """
    import xarray as xr

    part = parts.part(part)
    check_range("target_iops", np.asarray(target_iops, dtype=float), lo=0, lo_open=True, unit="1/s")
    check_range("size", np.asarray(size, dtype=float), lo=0, lo_open=True, hi=16384, unit="B")
    kw = GPU_BATCHING if batching is None else batching
    with parts.about(part, capacity):
        params, _ = parts.params_from_part(part, capacity)
        _pcie_only(params, part)
        ds = drive.evaluate(params, drive.Workload("small_read", float(size), 1.0, True))
        qd1 = float(latency.qd1(params, "read", float(size), parts.host_path(part)).total)
    # every link option in one broadcast call, batched and per I/O
    g_ = xr.DataArray(list(gens), dims="gen", coords={"gen": list(gens)})
    n_ = xr.DataArray(list(lanes), dims="lanes", coords={"lanes": list(lanes)})
    batched = nvme.io_link_ceiling(
        g_, n_, float(size), params["mps"], io="read", mrrs=params["mrrs"], options=kw
    ).transfer_rate
    per_io = nvme.io_link_ceiling(g_, n_, float(size), params["mps"], io="read", mrrs=params["mrrs"]).transfer_rate
    options = [
        {
            "gen": int(g),
            "lanes": int(n),
            "ceiling": float(batched.sel(gen=g, lanes=n)),
            "ceiling_per_io": float(per_io.sel(gen=g, lanes=n)),
            "needs_batching": float(per_io.sel(gen=g, lanes=n)) < target_iops,
        }
        for g in gens
        for n in lanes
        if float(batched.sel(gen=g, lanes=n)) >= target_iops
    ]
    # MPS: a read's data is split into TLPs of at most MPS bytes; once MPS >= size, a larger one changes nothing
    m_ = xr.DataArray([128, 256, 512, 4096], dims="mps")
    by_mps = nvme.io_link_ceiling(
        params["gen"], params["lanes"], float(size), m_, io="read", mrrs=params["mrrs"], options=kw
    ).transfer_rate
    mps = {int(m): float(v) for m, v in zip(m_.values, by_mps.values, strict=True)}
    iops = float(ds.iops)
    channel_iops = float(ds.ceiling_channels)  # [1/s]: the reads per second the channels allow
    return {
        "part": part.id,
        "size": float(size),
        "target_iops": float(target_iops),
        "iops": iops,
        "binding": str(ds.binding.values),
        "gap": float(target_iops) / iops,
        "link": {"gen": params["gen"], "lanes": params["lanes"], "ceiling": float(ds.ceiling_link)},
        "links": options,
        "mps_ceilings": mps,
        "mps": params["mps"],
        "dies": params["dies"],
        "dies_needed": float(target_iops) * float(ds.die_time),  # die-seconds per read
        "channels": params["channels"],
        "channel_ceiling": channel_iops,
        "channels_needed": params["channels"] * float(target_iops) / channel_iops,
        "power_cap": params["power_cap"],
        "power_needed": float(ds.static_power) + float(target_iops) * float(ds.energy_per_io),
        "controller_iops": params["controller_iops"],
        "controller_iops_needed": float(target_iops),
        "qd1_latency": qd1,
        "outstanding_ios": float(target_iops) * qd1,
    }


def iops_draws(part, sizes, target_iops, size, n: int, seed: int = 0, capacity=None, scale: float = 1.0) -> dict:
    """The drive model's random-read IOPS at small sizes over ``n`` draws of the part's priors, in one broadcast
    call (:func:`linkmodel.parts.draws.draw_params`, plain Monte Carlo; ``scale`` 0: the point).

    Parameters
    ----------
    part : Part or str
    sizes : sequence of float
        I/O sizes [B], as :func:`ceilings`.
    target_iops : float
        [1/s], as :func:`closing`.
    size : float
        The target's I/O size [B] (one of ``sizes``).
    n, seed, capacity, scale
        As :func:`linkmodel.parts.draws.draw_params`.

    Returns
    -------
    dict
        ``draws``, ``seed``; ``iops``: per size ``{"size", "median", "interval": [10th, 90th percentile]}``
        [B, 1/s]; ``gap``: target / IOPS at ``size`` over the draws, as a median and interval [1].
    """
    import xarray as xr

    part = parts.part(part)
    s = np.asarray(sizes, dtype=float)
    sz = xr.DataArray(s, dims="size", coords={"size": s})
    d = draw_params(part, n, seed, capacity, None, "mc", scale)
    with parts.about(part, capacity):
        _pcie_only(d.point, part)
        ds = drive.evaluate(d.params, drive.Workload("small_read", sz, 1.0, True))
    per = {float(v): drawn.per_draw(ds.iops.sel(size=v).values, n) for v in s}
    rows = [{"size": v, **drawn.stats(x)} for v, x in per.items()]
    gap = drawn.stats(float(target_iops) / per[float(size)])
    return {"draws": int(n), "seed": int(seed), "iops": rows, "gap": gap}
