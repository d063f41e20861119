"""Write-path and endurance views of a part: what ``linkmodel endurance`` prints.

For one part: its endurance under the default write path (rated vs predicted
DWPD, the P/E cycles the rating needs, the over-provisioning 1 and 3 DWPD
need on the same NAND), and a comparison of write placements (conventional,
FDP, ZNS) for 4 KiB random writes: capacity exposed, device WAF, random-write
IOPS and the stage that binds, DWPD. For two parts on the same NAND (a 1/3
DWPD pair): predicted vs published random-write and DWPD ratios.

All values SI (B, 1/s, W, 1/day).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from linkmodel import parts as _parts
from linkmodel.parts import Part, catalogue
from linkmodel.parts.files import PUBLISHED_KINDS
from linkmodel.ssd import drive, slc_cache, traffic, writepath
from linkmodel.ssd import endurance as _endurance_model
from linkmodel.studies.report import Report

__all__ = [
    "WARRANTY_YEARS_DEFAULT",
    "Endurance",
    "PairReport",
    "PartReport",
    "SlcCache",
    "endurance",
    "figures",
    "pair_report",
    "part_report",
    "slc_cache_report",
]


@dataclass(frozen=True, eq=False)
class Endurance(Report):
    """Endurance of one SKU (:func:`endurance`): over-provisioning [1], P/E cycles, warranty [years], WAF [1],
    DWPD [1/day] and TBW [B] under uniform random, sequential and JESD219 writes; the rating and the P/E cycles
    it needs where the part states one; where P/E cycles and years come from."""

    alpha: float
    alpha_effective: float
    pe_cycles: float
    years: float
    waf_random: float
    waf_sequential: float
    dwpd_random: float
    dwpd_sequential: float
    waf_jesd219: float
    dwpd_jesd219: float
    tbw_random: float
    tbw_sequential: float
    capacity: float
    dwpd_rated: float | None = None
    pe_needed: float | None = None
    provenance: dict = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class SlcCache(Report):
    """A SKU's (dynamic or declared) SLC cache: burst capacity by fill [B], rates [B/s], burst length [s]."""

    declared: bool
    slc_fraction: float
    burst_capacity: dict
    burst_rate: float
    burst_binding: str
    native_rate: float
    folded_rate: float
    burst_seconds_half_full: float


@dataclass(frozen=True, eq=False)
class PartReport(Report):
    """What ``linkmodel endurance PART`` shows (:func:`part_report`): capacities [B], endurance, the
    over-provisioning 1 and 3 DWPD need, 4 KiB random writes per placement, the SLC cache (multi-bit NAND)."""

    part: str
    capacity: float
    raw_capacity: float
    endurance: dict
    provenance: dict
    op_for_dwpd: dict
    placements: dict
    slc_cache: SlcCache | None = None


@dataclass(frozen=True, eq=False)
class PairReport(Report):
    """Two parts on the same NAND (:func:`pair_report`): each part's figures and the published vs predicted
    ratios a / b of random writes and DWPD (None where a figure is not published)."""

    parts: list
    a: dict
    b: dict
    rand_write: dict
    dwpd: dict


def _rand_write(params, wp, size=4096.0):
    wl = drive.Workload("rand_write", size, 0.0, True)
    ds = drive.evaluate(params, wl, wp)
    return {
        "iops": float(ds.iops),
        "throughput": float(ds.throughput),
        "power": float(ds.power),
        "waf": float(ds.waf),
        "binding": str(ds.binding.values),
    }


def part_report(
    part: Part,
    capacity: float | None = None,
    hot: tuple | None = None,
    host_waf: float = 1.0,
    cat=None,
    base: writepath.WritePath | None = None,
) -> PartReport:
    """Endurance and write placements of one SKU.

    Parameters
    ----------
    part : Part
    capacity : float, optional
        SKU user capacity [B] (default headline).
    hot : (float, float), optional
        ``(r, f)``: share r of the writes to share f of the space (two classes);
        FDP then gets one reclaim-unit handle per class. Default uniform.
    host_waf : float
        ZNS host-side writes per application write [1]; the drive carries the
        host's relocation reads and writes, IOPS are per application write.
    cat : dict, optional
    base : WritePath, optional
        GC model, pages per block, d-choices, parity and metadata applied to
        every placement (default Lambert-W, no parity).

    Returns
    -------
    PartReport
    """
    cat = catalogue() if cat is None else cat
    rates, fractions = ((1.0,), (1.0,)) if hot is None else ((hot[0], 1.0 - hot[0]), (hot[1], 1.0 - hot[1]))
    with _parts.about(part, capacity):
        params, _ = _parts.params_from_part(part, capacity, cat)
        base_wp = base or writepath.UNIFORM
        # the endurance lines use the same GC model, parity and metadata as the placement table (uniform traffic)
        end = endurance(part, capacity, cat, write_path=replace(base_wp, rates=(1.0,), fractions=(1.0,)))
        out = {
            "part": part.id,
            "capacity": params["user_capacity"],
            "raw_capacity": params["raw_capacity"],
            "endurance": {k: v for k, v in end.items() if k != "provenance"},
            "provenance": end["provenance"],
        }
        need = {}
        for target in (1.0, 3.0):
            alpha = float(
                _endurance_model.alpha_for_dwpd(
                    target,
                    end["pe_cycles"],
                    end["years"],
                    params["reserve_fraction"],
                    multiplier=writepath.multiplier(base_wp),
                    slc_fraction=params["slc_fraction"],
                )
            )
            need[f"{target:g}"] = {"alpha": alpha, "user_capacity": params["raw_capacity"] / alpha}
        out["op_for_dwpd"] = need
        placements = {}
        conventional = replace(base_wp, rates=rates, fractions=fractions)
        paths = [("conventional", conventional)]
        if hot is not None:
            paths.append(("fdp", replace(conventional, placement="fdp")))
            paths.append(("fdp, no OP moved", replace(conventional, placement="fdp", op_split="proportional")))
        paths.append(("fdp, handle-aligned", replace(conventional, placement="fdp", aligned=True)))
        paths.append(("zns", replace(conventional, placement="zns", host_waf=host_waf)))
        for name, wp in paths:
            rw = _rand_write(params, wp)  # under ZNS the device WAF does not depend on the OP
            if name == "zns":  # the over-provisioning comes back as capacity
                cap = float(writepath.zns_capacity(params["raw_capacity"], params["reserve_fraction"], wp))
            else:
                cap = params["user_capacity"]
            dwpd_dev = float(
                _endurance_model.dwpd(end["pe_cycles"], params["raw_capacity"] / cap, rw["waf"], end["years"])
            )
            # under ZNS the drive also carries the host's relocation I/O: evaluate's IOPS are per application
            # write, and the NAND takes host_waf device writes per application write
            placements[name] = {
                "capacity": cap,
                "waf": rw["waf"],
                "host_waf": wp.host_waf,
                "rand_write_iops": rw["iops"],
                "rand_write_power": rw["power"],
                "binding": rw["binding"],
                "dwpd": dwpd_dev / wp.host_waf,
            }
        out["placements"] = placements
        if params["bits_per_cell"] > 1:
            out["slc_cache"] = slc_cache_report(part, params, capacity, cat)
    return PartReport(**out)


def _internal(ds) -> float:
    """Bytes/s the drive's own resources allow (channels, dies, power), the host link aside."""
    return float(min(ds.ceiling_channels, ds.ceiling_dies, ds.ceiling_power)) * float(ds.attrs["size"])


def slc_cache_report(part: Part, params: Mapping[str, Any], capacity, cat) -> SlcCache:
    """Dynamic SLC cache of one SKU: burst capacity and rates (see :mod:`linkmodel.ssd.slc_cache`)."""
    slc, _ = _parts.params_from_part(part, capacity, cat, cell_mode="slc")
    native_w = drive.evaluate(dict(params, slc_fraction=0.0), drive.WORKLOADS["seq_write"])  # native: no cache
    slc_w = drive.evaluate(slc, drive.WORKLOADS["seq_write"])
    slc_r = drive.evaluate(slc, drive.WORKLOADS["seq_read"])
    fold = float(slc_cache.folded_rate(_internal(slc_w), _internal(slc_r), _internal(native_w)))
    burst = float(slc_w.throughput)
    caps = {
        f"{fill:g}": float(
            slc_cache.burst_capacity(
                params["raw_capacity"],
                params["bits_per_cell"],
                fill * params["user_capacity"],
                params["reserve_fraction"],
            )
        )
        for fill in (0.0, 0.5, 0.9)
    }
    return SlcCache(
        declared=params["slc_fraction"] > 0,
        slc_fraction=params["slc_fraction"],
        burst_capacity=caps,
        burst_rate=burst,
        burst_binding=str(slc_w.binding.values),
        native_rate=float(native_w.throughput),
        folded_rate=fold,
        burst_seconds_half_full=float(slc_cache.burst_duration(caps["0.5"], burst)),
    )


def pair_report(a: Part, b: Part, cat=None) -> PairReport:
    """Two parts (a 1/3 DWPD pair on the same NAND): published vs predicted ratios a / b.

    Returns
    -------
    PairReport
        ``rand_write`` and ``dwpd``: ``{"published", "predicted"}`` ratios (None
        where a part publishes no figure), plus each part's alpha and WAF.
    """
    cat = catalogue() if cat is None else cat

    def figures(part):
        with _parts.about(part):
            params, _ = _parts.params_from_part(part, None, cat)
            end = endurance(part, None, cat)
            rw = _rand_write(params, writepath.UNIFORM)
        pub = _headline_4k_figures(part)
        pub_rw = pub.get("rand_write")
        return {
            "alpha": end["alpha"],
            "waf": rw["waf"],
            "rand_write": rw["iops"],
            "dwpd": end["dwpd_random"],
            "published_rand_write": pub_rw,
            "rated_dwpd": end.get("dwpd_rated"),
        }

    fa, fb = figures(a), figures(b)

    def ratio(x, y):
        return None if x is None or y is None else x / y

    return PairReport(
        parts=[a.id, b.id],
        a=fa,
        b=fb,
        rand_write={
            "published": ratio(fa["published_rand_write"], fb["published_rand_write"]),
            "predicted": ratio(fa["rand_write"], fb["rand_write"]),
        },
        dwpd={"published": ratio(fa["rated_dwpd"], fb["rated_dwpd"]), "predicted": ratio(fa["dwpd"], fb["dwpd"])},
    )


WARRANTY_YEARS_DEFAULT = _parts.WARRANTY_YEARS_DEFAULT


def endurance(part: Part, capacity: float | None = None, cat=None, write_path=None) -> Endurance:
    """Endurance of one SKU from its NAND's P/E cycles, over-provisioning and write path.

    Two workloads, as vendors rate them (reference dossier ssd_modeling.md
    §3.6): random writes of one mapping unit (IU-aligned, uniform over the
    user space: GC write amplification only) and sequential writes (WAF 1).
    Parity and metadata of `write_path` apply to both (as program bytes and as
    NAND taken from the spare space); under ZNS there is no device GC, the
    over-provisioning is capacity and DWPD counts application writes
    (``host_waf`` NAND writes each).

    Parameters
    ----------
    part : Part
    capacity : float, optional
        SKU user capacity [B].
    cat : dict, optional
        The catalogue.
    write_path : WritePath, optional
        Default conventional, uniform, Lambert-W.

    Returns
    -------
    Endurance
        ``alpha`` (raw / user), ``alpha_effective``, ``pe_cycles``, ``years``,
        ``waf_random``, ``waf_sequential``, ``dwpd_random``, ``dwpd_sequential``
        [1/day], ``waf_jesd219``, ``dwpd_jesd219`` (the JEDEC enterprise mix,
        skewed traffic in one stream, its sizes over the mapping unit),
        ``tbw_random``, ``tbw_sequential`` [B], and when the part
        states a DWPD rating, ``pe_needed`` (P/E cycles the rating needs under
        random writes) and ``dwpd_rated``; ``provenance`` of pe_cycles and years.
    """
    part = _parts.part(part)  # an id, a spec-file path or a Part; anything else: one line naming part
    cat = catalogue() if cat is None else cat
    wp = writepath.UNIFORM if write_path is None else write_path
    with _parts.about(part, capacity):
        params, _ = _parts.params_from_part(part, capacity, cat)
        nand = _parts.lookup(cat["nand"], _parts.nand_id(part, capacity), part, "nand")
        if "pe_cycles" not in nand.fields:
            raise _parts.SpecError(f"{part.path}: nand {nand.id}: no pe_cycles in the catalogue")
        pe = float(nand.get("pe_cycles"))
        years = float(part.get("warranty_years", WARRANTY_YEARS_DEFAULT.value))
        out = figures(params, pe, years, wp)
        alpha, waf_r = out["alpha"], out["waf_random"]
        out = {k: float(v) for k, v in out.items()}
        out["capacity"] = params["user_capacity"] if wp.placement != "zns" else out.pop("zns_capacity")
        out.pop("zns_capacity", None)
        if "dwpd" in part.fields:
            out["dwpd_rated"] = float(part.get("dwpd"))
            out["pe_needed"] = float(_endurance_model.pe_cycles_needed(out["dwpd_rated"], alpha, waf_r, years))
        v = nand.fields["pe_cycles"]
        out["provenance"] = {
            "pe_cycles": f"nand {nand.id}: " + v.basis,
            "years": (
                part.fields["warranty_years"].basis if "warranty_years" in part.fields else WARRANTY_YEARS_DEFAULT.basis
            ),
        }
    return Endurance(**out)


def figures(params: Mapping[str, Any], pe, years, wp) -> dict:
    """The endurance figures of :func:`endurance` from resolved drive parameters; every input broadcasts.

    Parameters
    ----------
    params : mapping
        Drive parameters (:func:`linkmodel.parts.params_from_part`; a field may be an array along ``draw``).
    pe : float or array
        P/E cycles [1].
    years : float or array
        Warranty [years].
    wp : WritePath

    Returns
    -------
    dict
        ``alpha``, ``alpha_effective`` [1], ``pe_cycles``, ``years``, ``waf_random``, ``waf_sequential``,
        ``dwpd_random``, ``dwpd_sequential``, ``waf_jesd219``, ``dwpd_jesd219`` [1/day], ``tbw_random``,
        ``tbw_sequential`` [B], and under ZNS ``zns_capacity`` [B] (the capacity DWPD counts).
    """
    params = dict(params)
    alpha = params["raw_capacity"] / params["user_capacity"]
    alpha_eff = alpha * (1.0 - params["reserve_fraction"])
    extra = writepath.multiplier(wp)
    slc = params["slc_fraction"]  # host bytes through an SLC cache are programmed twice (writepath docs)
    if wp.placement == "zns":
        # no device GC; the over-provisioning is capacity: DWPD of that capacity, per application write
        zcap = writepath.zns_capacity(params["raw_capacity"], params["reserve_fraction"], wp)
        params["user_capacity"] = zcap
        alpha = params["raw_capacity"] / zcap
        alpha_eff = alpha * (1.0 - params["reserve_fraction"])
    elif np.any(alpha_eff / extra <= 1.0):
        raise ValueError("parity, metadata: with them the NAND no longer exceeds the user capacity")
    # parity and metadata take NAND from the spare space as well as adding program bytes (no GC under ZNS)
    gc = 1.0 if wp.placement == "zns" else writepath.waf_gc(alpha_eff / extra, wp)
    waf_r = (gc + slc) * extra * wp.host_waf
    waf_s = (1.0 + slc) * extra * wp.host_waf
    out = {
        "alpha": alpha,
        "alpha_effective": alpha_eff,
        "pe_cycles": pe,
        "years": years,
        "waf_random": waf_r,
        "waf_sequential": waf_s,
        "dwpd_random": _endurance_model.dwpd(pe, alpha, waf_r, years),
        "dwpd_sequential": _endurance_model.dwpd(pe, alpha, waf_s, years),
    }
    j = traffic.JESD219  # the JEDEC enterprise workload: skewed, mixed in one stream, its size mix over the IU
    if wp.placement == "zns":  # zone appends: no device GC, no mapping-unit read-modify-write
        out["waf_jesd219"] = waf_s
    else:
        out["waf_jesd219"] = (
            (traffic.waf_mixed(alpha_eff / extra, j["rates"], j["fractions"]) + slc)
            * traffic.iu_factor(j["sizes"], params["indirection_unit"])
            * extra
        )
    out["dwpd_jesd219"] = _endurance_model.dwpd(pe, alpha, out["waf_jesd219"], years)
    out["tbw_random"] = _endurance_model.tbw(params["user_capacity"], out["dwpd_random"], years)
    out["tbw_sequential"] = _endurance_model.tbw(params["user_capacity"], out["dwpd_sequential"], years)
    if wp.placement == "zns":
        out["zns_capacity"] = params["user_capacity"]
    return out


def _headline_4k_figures(part: Part) -> dict[str, float]:
    """Metric -> value of the part's 4 KiB figures at its headline capacity (D9: no silent last-wins).

    Where several figures share a metric, the vendor's own "up to" figure is taken before a typical, max,
    measured or derived one (the order of :data:`linkmodel.parts.files.PUBLISHED_KINDS`), and the first of
    those in the file.
    """
    head = part.get("capacity")
    rank = {k: i for i, k in enumerate(PUBLISHED_KINDS)}
    figs = [p for p in part.published if _parts.same_capacity(p.capacity, head) and p.block_size == 4096]
    out: dict[str, float] = {}
    for p in sorted(figs, key=lambda p: rank[p.kind]):  # stable: file order within a kind
        out.setdefault(p.metric, p.value)
    return out
