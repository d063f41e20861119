"""Spec-sheet sanity checks: is a published figure physically possible, and what must be true?

For every published performance figure of a part:

* the **link ceiling** at the part's MPS, with and without NVMe command
  traffic, and the smallest MPS at which the link could carry the figure (the
  hard physical bound: no design behind the link can beat it);
* what the back end must provide to reach it under the model's catalogue
  values: dies (array time), channel bandwidth, energy per I/O within the power
  cap, and controller IOPS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from linkmodel import parts, ufs
from linkmodel.parts import Part, catalogue
from linkmodel.pcie import link, nvme
from linkmodel.pcie.transactions import ALLOWED_MPS
from linkmodel.ssd import drive, waf, writepath
from linkmodel.ssd.params import LINK_FAMILIES
from linkmodel.studies.figures import params_for

__all__ = [
    "PERF_METRICS",
    "Check",
    "as_metric",
    "check_part",
    "describe_waf_bound",
    "link_ceilings",
    "random_write_waf_bound",
]

PERF_METRICS = {"seq_read", "seq_write", "rand_read", "rand_write", "mixed_70_30"}


@dataclass(frozen=True)
class Check:
    """The sanity check of one published figure (SI units)."""

    part: str
    metric: str
    capacity: float
    published: float
    mps: float
    link_ceiling: float
    link_ceiling_data_only: float
    min_mps: float | None
    min_mps_data_only: float | None
    possible: bool
    requirements: list = field(default_factory=list)
    #: the host link the ceiling is of, e.g. "UFS HS-G5B x2" ("" for PCIe: the ceiling is at ``mps``)
    link: str = ""
    #: over draws of the priors (linkmodel.studies.check): consistent, optimistic, pessimistic or impossible
    #: (linkmodel.studies.verdict), None when not drawn (and not impossible)
    verdict: str | None = None
    #: the model's median and 80 % interval [low, high] over draws, and the published figure's quantile among them
    median: float | None = None
    interval: tuple | None = None
    quantile: float | None = None
    #: the lowest ceiling no allowed value of the unknown inputs reaches (metric units), and which one it is
    hard_ceiling: float | None = None
    hard_ceiling_at: str = ""

    def as_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)


def _per_io(metric: str, value: float, size: float) -> float:
    """Published figure as I/Os per second."""
    return value / size if metric.startswith("seq") else value


def as_metric(metric: str, iops: float, size: float) -> float:
    """An I/O rate [1/s] as the figure's metric: bytes per second [B/s] for a sequential one, else IOPS."""
    return iops * size if metric.startswith("seq") else iops


def link_ceilings(gen: int, lanes: int, size: float, read_fraction: float, mps_values=ALLOWED_MPS, mrrs=512.0):
    """IOPS ceilings of the link over MPS values, with and without NVMe traffic.

    Returns
    -------
    (with_nvme, data_only) : two numpy arrays over `mps_values` [1/s]
    """
    mps = np.asarray(mps_values, dtype=float)
    with_nvme = nvme.io_link_ceiling(gen, lanes, size, mps, read_fraction=read_fraction, mrrs=mrrs).transfer_rate
    data_only = link(gen, lanes, size, mps, write_fraction=read_fraction, mrrs=mrrs).transfer_rate
    return np.asarray(with_nvme, dtype=float), np.asarray(data_only, dtype=float)


def random_write_waf_bound(
    part: Part, capacity: float, rand_write: float, block_size: float, params: Mapping[str, Any]
):
    """What a published random-write figure implies about write amplification, from the part's own figures.

    The same NAND, controller and power budget that write sequentially at the
    part's published ``seq_write`` must, for random writes, program ``WAF``
    bytes per host byte (and read back the relocated ones on top). So, even
    if garbage-collection reads cost nothing,

        rand_write x size x WAF_IU x WAF <= seq_write     =>     WAF <= WAF_max,

    and under uniform random writes (Lambert-W, ``1/A = u`` with
    ``alpha = -log(1 - u) / u``) that needs ``alpha_eff >= -WAF_max log(1 -
    1/WAF_max)``. Not applied when the sequential figure is within 10 % of the
    link ceiling (the NAND could then program faster than the figure shows).

    Parameters
    ----------
    part : Part
    capacity : float
        SKU user capacity [B].
    rand_write : float
        Published random-write IOPS [1/s].
    block_size : float
        Its I/O size [B].
    params : dict
        The SKU's drive parameters (:func:`linkmodel.parts.params_from_part`).

    Returns
    -------
    dict or None
        ``seq_write`` [B/s], ``waf_max``, ``waf_model`` (uniform random at the
        model's alpha_eff), ``alpha_eff_model``, ``alpha_eff_min`` and
        ``raw_min`` [B] (NAND the figure needs with the model's reserve), or
        None when the part publishes no sequential write for that capacity.
    """
    # a burst into the SLC cache is not the rate at which the drive programs its native NAND: left out
    seq = [
        p.value
        for p in part.published
        if p.metric == "seq_write" and p.state != "slc_burst" and parts.same_capacity(p.capacity, capacity)
    ]
    if not seq or rand_write <= 0:
        return None
    seq_write = max(seq)
    if params["link_family"] == LINK_FAMILIES["ufs"]:
        size = drive.WORKLOADS["seq_write"].size
        ds_ufs = ufs.io_link_ceiling(int(params["gen"]), int(params["lanes"]), size, 0.0)
        link_seq = float(ds_ufs.transfer_rate) * size
    else:
        link_seq = _pcie_seq_write(params)
    if seq_write >= 0.9 * link_seq:
        return None
    return _waf_bound(params, seq_write, rand_write, block_size)


def _pcie_seq_write(params) -> float:
    """The PCIe link's sequential-write ceiling [B/s] of a drive's parameters."""
    return (
        float(
            nvme.io_link_ceiling(
                int(params["gen"]),
                int(params["lanes"]),
                drive.WORKLOADS["seq_write"].size,
                params["mps"],
                read_fraction=0.0,
                mrrs=params["mrrs"],
            ).transfer_rate
        )
        * drive.WORKLOADS["seq_write"].size
    )


def _waf_bound(params, seq_write: float, rand_write: float, block_size: float) -> dict:
    """The WAF a random-write figure allows at the part's sequential write, and the NAND that needs [B]."""
    iu = params["indirection_unit"]
    iu_factor = writepath.iu_factor(block_size, iu)
    waf_max = seq_write / (rand_write * block_size * iu_factor)
    alpha_model = params["raw_capacity"] * (1.0 - params["reserve_fraction"]) / params["user_capacity"]
    out = {
        "seq_write": seq_write,
        "waf_max": waf_max,
        "waf_model": float(waf.waf_uniform(alpha_model)),
        "alpha_eff_model": alpha_model,
    }
    if waf_max > 1.0:
        a_min = -waf_max * np.log1p(-1.0 / waf_max)
        out["alpha_eff_min"] = float(a_min)
        out["raw_min"] = float(a_min * params["user_capacity"] / (1.0 - params["reserve_fraction"]))
    else:
        out["alpha_eff_min"] = None
        out["raw_min"] = None
    return out


def describe_waf_bound(b: dict, raw_model: float) -> str:
    """One sentence: what a random-write figure needs, from :func:`random_write_waf_bound`."""
    head = (
        f"at {b['seq_write'] / 1e9:.3g} GB/s of NAND writes (the part's own sequential write) this figure allows "
        f"WAF <= {b['waf_max']:.2f} even with free GC reads"
    )
    if b["alpha_eff_min"] is None:
        return head + ": below 1, so it cannot be steady-state random writes over the full span"
    return (
        head + f"; uniform random writes reach that only at alpha_eff >= {b['alpha_eff_min']:.3f}, i.e. >= "
        f"{b['raw_min'] / 1e12:.4g} TB of NAND (model: {raw_model / 1e12:.4g} TB, alpha_eff "
        f"{b['alpha_eff_model']:.3f}, WAF {b['waf_model']:.2f}); otherwise the test is not uniform full-span "
        "steady state"
    )


class _Fmt:
    """Formats an I/O rate as the figure's metric (GB/s or M IOPS)."""

    def __init__(self, metric: str, size: float):
        self.metric, self.size = metric, size
        self.unit = "GB/s" if metric.startswith("seq") else "M IOPS"
        self.scale = 1e9 if metric.startswith("seq") else 1e6

    def __call__(self, iops) -> str:
        return f"{as_metric(self.metric, iops, self.size) / self.scale:.3f} {self.unit}"


def _link_requirements(gen, lanes, mps, min_mps, min_mps_d, with_nvme, data_only, fmt: _Fmt) -> list[str]:
    """What the link must do for the figure: MPS for the data alone, then with NVMe command traffic."""
    mps_list = np.asarray(ALLOWED_MPS, dtype=float)
    if min_mps_d is None:
        return [
            f"more than PCIe Gen{gen} x{lanes} can carry at any MPS (data-only ceiling "
            f"{fmt(data_only[-1])} at MPS 4096)"
        ]
    reqs = []
    if min_mps_d > mps or min_mps_d > 128:
        below = mps_list[mps_list < min_mps_d]
        detail = (
            f" (data-only ceiling at MPS {below[-1]:g} B is {fmt(data_only[len(below) - 1])})" if below.size else ""
        )
        reqs.append(f"MPS >= {min_mps_d:g} B on the link for the data alone{detail}")
    if min_mps is None:
        reqs.append(
            f"less NVMe command traffic than the defaults (one doorbell, SQE fetch, CQE and "
            f"interrupt per I/O): with it the link tops out at {fmt(with_nvme[-1])}"
        )
    elif min_mps != min_mps_d:
        reqs.append(
            f"MPS >= {min_mps:g} B once NVMe command traffic is counted (or batched doorbells / coalesced completions)"
        )
    return reqs


def _backend_requirements(part: Part, pub, params, ds, need: float, size: float) -> list[str]:
    """What the dies, channels, power budget, write amplification and controller must do for the figure."""
    reqs = []
    dies_needed = need * float(ds.die_time)
    if dies_needed > params["dies"]:
        reqs.append(
            f"{dies_needed:.0f} NAND dies busy at once with {parts.nand_id(part, pub.capacity)} timing"
            f"{' in SLC mode' if pub.state == 'slc_burst' else ''} "
            f"(the SKU has {params['dies']:.0f})"
        )
    ch_ceiling = float(ds.ceiling_channels)
    if ch_ceiling < need:
        reqs.append(
            f"{need / ch_ceiling * params['channel_rate'] / 1e6:.0f} MT/s NAND channels "
            f"(has {params['channels']:.0f} x {params['channel_rate'] / 1e6:.0f} MT/s)"
        )
    e_max = (params["power_cap"] - float(ds.static_power)) / need
    if float(ds.energy_per_io) > e_max:
        per, div, unit_e = ("byte", size / 1e9, "nJ") if pub.metric.startswith("seq") else ("I/O", 1e-6, "uJ")
        reqs.append(
            f"<= {e_max / div:.3g} {unit_e} of dynamic energy per {per} (NAND, bus, controller) to "
            f"stay within {params['power_cap']:g} W above {float(ds.static_power):.1f} W static "
            f"(model: {float(ds.energy_per_io) / div:.3g} {unit_e})"
        )
    if pub.metric == "rand_write":
        b = random_write_waf_bound(part, pub.capacity, pub.value, size, params)
        if b is not None and b["waf_max"] < b["waf_model"]:
            reqs.append(describe_waf_bound(b, params["raw_capacity"]))
    if params["controller_iops"] < need:
        reqs.append(f"a controller doing {need / 1e6:.2f} M IOPS (catalogue: {params['controller_iops'] / 1e6:.2f} M)")
    return reqs


def _check_figure(part: Part, pub, cat) -> Check:
    base = drive.WORKLOADS[pub.metric]
    wl = drive.Workload(pub.metric, pub.block_size, base.read_fraction, base.random)
    with parts.about(part, pub.capacity):
        params = params_for(parts.params_from_part(part, pub.capacity, cat)[0], pub.state)
        ds = drive.evaluate(params, wl)
    need = _per_io(pub.metric, pub.value, wl.size)
    gen, lanes, mps = int(params["gen"]), int(params["lanes"]), params["mps"]
    if params["link_family"] == LINK_FAMILIES["ufs"]:
        return _check_ufs_figure(part, pub, params, ds, need, wl)
    with_nvme, data_only = link_ceilings(gen, lanes, wl.size, wl.read_fraction, mrrs=params["mrrs"])
    mps_list = np.asarray(ALLOWED_MPS, dtype=float)
    i = list(mps_list).index(mps)
    ok_n, ok_d = np.nonzero(with_nvme >= need)[0], np.nonzero(data_only >= need)[0]
    min_mps = float(mps_list[ok_n[0]]) if ok_n.size else None
    min_mps_d = float(mps_list[ok_d[0]]) if ok_d.size else None
    fmt = _Fmt(pub.metric, wl.size)
    reqs = _link_requirements(gen, lanes, mps, min_mps, min_mps_d, with_nvme, data_only, fmt)
    reqs += _backend_requirements(part, pub, params, ds, need, wl.size)
    return Check(
        part.id,
        pub.metric,
        pub.capacity,
        pub.value,
        mps,
        as_metric(pub.metric, float(with_nvme[i]), wl.size),
        as_metric(pub.metric, float(data_only[i]), wl.size),
        min_mps,
        min_mps_d,
        min_mps_d is not None,
        reqs,
    )


def _check_ufs_figure(part: Part, pub, params, ds, need: float, wl) -> Check:
    """A figure of a UFS part: against the UFS link's ceiling (UPIUs and UniPro frames; no MPS to choose)."""
    gear, lanes = int(params["gen"]), int(params["lanes"])
    ceiling = float(ufs.io_link_ceiling(gear, lanes, wl.size, wl.read_fraction).transfer_rate)
    fmt = _Fmt(pub.metric, wl.size)
    reqs = [] if ceiling >= need else [f"more than UFS HS-G{gear}B x{lanes} can carry ({fmt(ceiling)})"]
    reqs += _backend_requirements(part, pub, params, ds, need, wl.size)
    value = as_metric(pub.metric, ceiling, wl.size)
    return Check(
        part.id,
        pub.metric,
        pub.capacity,
        pub.value,
        params["mps"],
        value,
        value,
        None,
        None,
        ceiling >= need,
        reqs,
        link=f"UFS HS-G{gear}B x{lanes}",
    )


def check_part(part: Part, cat=None) -> list[Check]:
    """Sanity-check every published performance figure of a part.

    Returns
    -------
    list of Check
    """
    part = parts.part(part)  # an id, a spec-file path or a Part; anything else: one line naming part
    cat = catalogue() if cat is None else cat
    return [_check_figure(part, pub, cat) for pub in part.published if pub.metric in PERF_METRICS]
