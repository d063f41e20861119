"""The write path: how host writes become NAND writes.

Total write amplification is a product of factors (reference dossier
ssd_modeling.md §3.4; Micron's indirection-unit note)::

    WAF_total = WAF_GC x WAF_IU x (1 + parity) x (1 + metadata)

* ``WAF_GC``, garbage collection, by placement:

  - ``"conventional"``: one write stream; uniform traffic gives the
    Lambert-W closed form (large GC units) or Van Houdt's mean field (finite
    GC units, d-choices); hot/cold classes mixed in the stream give the
    mixed LRW fixed point (:mod:`linkmodel.ssd.traffic`).
  - ``"fdp"``: NVMe Flexible Data Placement with one reclaim-unit handle per
    traffic class: classes in separate pools (device GC remains). How the
    spare space is shared between the pools is the device's choice
    (``op_split``): ``"optimal"`` moves it where it saves most (dossier §3.3
    separated optimum; 1.866 for 80/20 at alpha 1.28), ``"proportional"``
    gives each pool spare space in proportion to its data, so every pool runs
    at the drive's alpha and the WAF is the uniform one (2.481 there; the
    dossier's "without optimal OP redistribution", §3.5). ``aligned=True``:
    the host writes and deallocates each handle's reclaim units whole
    (FIFO-like, e.g. CacheLib): nothing is relocated, WAF_GC = 1 (dossier
    §3.5 and §9 #45: 1.02 measured on a dedicated stream). With one class and
    not aligned it is the conventional uniform case. FDP keeps the block
    interface and its mapping units, so writes smaller than the unit still
    read-modify-write it (x4 for 4 KiB on 16 KiB); ZNS zone appends fill
    each unit whole.
  - ``"zns"``: zoned namespaces: the host writes zones sequentially and
    resets them whole, so the device relocates nothing (WAF_GC = 1) and the
    over-provisioning comes back as capacity (dossier §3.5). The relocation
    work moves to the host: with ``host_waf`` = h host writes per
    application write, the host reads back h - 1 bytes of still-valid data
    and writes them again (its compaction or GC), so the drive, its link and
    its dies carry h writes and h - 1 reads per application write
    (:func:`linkmodel.ssd.drive.evaluate` charges them). h = 1 is the best
    case (an application that only appends and deletes whole zones).

* ``WAF_IU``: read-modify-write of mapping units larger than the write.
* ``parity``: RAIN/die-parity bytes per data byte (e.g. 1/15 for 15+1).
* ``metadata``: mapping-table and journal bytes per data byte.
* SLC cache: a share ``slc_fraction`` of the host writes lands in an SLC
  cache first and is folded into native cells later, so it is programmed
  twice. Only host data passes through the cache (GC relocates native to
  native), so it *adds* ``slc_fraction`` to WAF_GC rather than multiplying
  the total as the dossier's product form (§3.4) would:
  ``WAF = WAF_IU x (1 + parity) x (1 + metadata) x (WAF_GC + slc_fraction)``.
  These are NAND bytes programmed, as the drive's NAND-write counters count
  them. ASSUMPTION for endurance: an SLC-mode program wears a cell like a
  native one per byte (it cycles b times the cells for the same data but
  stresses each less; how vendors weigh this is not published). The cache
  is a property of the drive (``slc_fraction`` in the drive parameters, the
  ``slc_cache`` field of a spec file), not of the placement.

Every function broadcasts over ``alpha`` and the sizes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import get_args

import numpy as np

from linkmodel._array import check_choice, check_range, pack, unpack
from linkmodel._typing import GcModel, OpSplit, Placement
from linkmodel.ssd import meanfield, traffic, waf

__all__ = [
    "GC_MODELS",
    "OP_SPLITS",
    "PLACEMENTS",
    "UNIFORM",
    "WritePath",
    "gc_page_reads",
    "iu_factor",
    "multiplier",
    "waf_gc",
    "waf_total",
    "zns_capacity",
]

PLACEMENTS: tuple[str, ...] = get_args(Placement)
GC_MODELS: tuple[str, ...] = get_args(GcModel)
OP_SPLITS: tuple[str, ...] = get_args(OpSplit)


@dataclass(frozen=True)
class WritePath:
    """How a drive places and cleans host writes (a configuration, SI/dimensionless).

    Attributes
    ----------
    placement : {"conventional", "fdp", "zns"}
    gc_model : {"lambertw", "meanfield"}
        Large GC units (closed form) or finite ones (mean field; uniform
        traffic only).
    pages_per_block : float
        Mapping units per GC unit ``b`` for the mean field [1], a whole number 2 to
        :data:`linkmodel.ssd.meanfield.MAX_PAGES_PER_BLOCK` (65,536; basis there).
    choices : float
        d-choices of the GC victim selection [1], 1 to :data:`linkmodel.ssd.meanfield.MAX_CHOICES` (about
        100 = greedy).
    rates, fractions : tuple of float
        Share of writes and of the logical space per traffic class [1];
        ``(1.0,), (1.0,)`` is uniform.
    parity, metadata : float
        Extra NAND bytes per data byte [1].
    host_waf : float
        ZNS: host-side writes per application write (compaction, host GC) [1].
    op_split : {"optimal", "proportional"}
        FDP: how the device shares spare space between reclaim-unit pools.
    aligned : bool
        FDP: handles written and deallocated in whole reclaim units (device WAF_GC 1).
    """

    placement: Placement = "conventional"
    gc_model: GcModel = "lambertw"
    pages_per_block: float = 1024.0
    choices: float = 100.0
    rates: tuple = field(default=(1.0,))
    fractions: tuple = field(default=(1.0,))
    parity: float = 0.0
    metadata: float = 0.0
    host_waf: float = 1.0
    op_split: OpSplit = "optimal"
    aligned: bool = False

    def __post_init__(self):
        check_choice("placement", self.placement, PLACEMENTS)
        check_choice("gc_model", self.gc_model, GC_MODELS)
        check_choice("op_split", self.op_split, OP_SPLITS)
        traffic._classes(self.rates, self.fractions)
        if self.gc_model == "meanfield" and len(self.rates) > 1:
            raise ValueError("gc_model: 'meanfield' is for uniform traffic; use 'lambertw' with traffic classes")
        check_range("pages_per_block", self.pages_per_block, lo=2, hi=meanfield.MAX_PAGES_PER_BLOCK)
        if float(self.pages_per_block) != round(float(self.pages_per_block)):
            raise ValueError(f"pages_per_block: must be a whole number of mapping units, got {self.pages_per_block!r}")
        check_range("choices", self.choices, lo=1, hi=meanfield.MAX_CHOICES)
        for name in ("parity", "metadata", "pages_per_block", "choices", "host_waf"):
            if not isinstance(getattr(self, name), (int, float)) or isinstance(getattr(self, name), bool):
                raise ValueError(f"{name}: must be a number, got {getattr(self, name)!r}")
        for name in ("parity", "metadata"):
            check_range(name, getattr(self, name), lo=0, hi=1)
        check_range("host_waf", self.host_waf, lo=1)
        if not isinstance(self.aligned, bool):
            raise ValueError(f"aligned: must be True or False, got {self.aligned!r}")
        if self.placement != "zns" and self.host_waf != 1.0:
            raise ValueError("host_waf: only a ZNS host does its own garbage collection; leave it 1")
        if self.placement != "fdp" and (self.aligned or self.op_split != "optimal"):
            raise ValueError("aligned, op_split: FDP options; use placement='fdp'")


UNIFORM = WritePath()


def waf_gc(alpha, write_path: WritePath = UNIFORM):
    """Garbage-collection write amplification of random writes [1].

    Parameters
    ----------
    alpha : float or array-like or xarray.DataArray
        Effective physical / user capacity (after the GC reserve) [1], > 1.
    write_path : WritePath

    Returns
    -------
    waf_gc : same kind as `alpha`
        [1]; 1 under ZNS and aligned FDP.
    """
    wp = write_path
    a, k = unpack(alpha=alpha)
    check_range("alpha", a["alpha"], lo=1, lo_open=True)
    al = np.asarray(a["alpha"], dtype=float)
    uniform = len(wp.rates) == 1
    if wp.placement == "zns" or (wp.placement == "fdp" and wp.aligned):
        out = np.ones_like(al)
    elif wp.gc_model == "meanfield":
        out = np.asarray(meanfield.waf_meanfield(al, wp.pages_per_block, wp.choices), dtype=float)
    elif uniform or (wp.placement == "fdp" and wp.op_split == "proportional"):
        out = waf.lambertw_kernel(al)
    elif wp.placement == "fdp":
        out = np.asarray(traffic.waf_separated(al, wp.rates, wp.fractions)[0], dtype=float)
    else:
        out = np.asarray(traffic.waf_mixed(al, wp.rates, wp.fractions), dtype=float)
    return pack(out if out.ndim else float(out), k, "waf_gc", "1", "garbage-collection write amplification")


def waf_total(alpha, size, indirection_unit, write_path: WritePath = UNIFORM, slc_fraction=0.0):
    """Total device write amplification of random writes of one size [1].

    ``WAF_IU x (1 + parity) x (1 + metadata) x (WAF_GC + slc_fraction)``,
    ``WAF_IU = ceil(size / IU) IU / size`` (1 under ZNS: zone appends are
    sequential).

    Parameters
    ----------
    alpha : float or array-like or xarray.DataArray
        Effective physical / user capacity [1], > 1.
    size : float or array-like or xarray.DataArray
        Host write size [B].
    indirection_unit : float or array-like or xarray.DataArray
        Mapping unit [B].
    write_path : WritePath
    slc_fraction : float or array-like or xarray.DataArray
        Share of host writes that pass through an SLC cache [1], 0-1.

    Returns
    -------
    waf : broadcast kind of the inputs
        NAND bytes per host byte [1] (the host's own ``host_waf`` not included).
    """
    a, k = unpack(alpha=alpha, size=size, indirection_unit=indirection_unit, slc_fraction=slc_fraction)
    check_range("size", a["size"], lo=0, lo_open=True, unit="B")
    check_range("indirection_unit", a["indirection_unit"], lo=0, lo_open=True, unit="B")
    check_range("slc_fraction", a["slc_fraction"], lo=0, hi=1)
    gc = np.asarray(waf_gc(a["alpha"], write_path), dtype=float)
    iu = iu_factor(a["size"], a["indirection_unit"])
    if write_path.placement == "zns":  # zone appends are sequential: no read-modify-write of mapping units
        iu = np.ones_like(iu)
    out = iu * multiplier(write_path) * (gc + a["slc_fraction"])
    return pack(out, k, "waf", "1", "total device write amplification")


def multiplier(write_path: WritePath = UNIFORM) -> float:
    """Parity and metadata bytes on top of each data byte: ``(1 + parity) x (1 + metadata)`` [1]."""
    return (1.0 + write_path.parity) * (1.0 + write_path.metadata)


def zns_capacity(raw_capacity, reserve_fraction=0.0, write_path: WritePath = UNIFORM):
    """User capacity a ZNS drive exposes: its over-provisioning returned as capacity [B].

    ``raw x (1 - reserve) / ((1 + parity) (1 + metadata))``: with no device
    GC, only the NAND held back for bad blocks, parity and metadata is lost.

    Parameters
    ----------
    raw_capacity : float or array-like or xarray.DataArray
        NAND capacity [B].
    reserve_fraction : float or array-like or xarray.DataArray
        Share held back (bad-block spares, open zones) [1].
    write_path : WritePath

    Returns
    -------
    capacity : broadcast kind of the inputs
        [B].
    """
    a, k = unpack(raw_capacity=raw_capacity, reserve_fraction=reserve_fraction)
    check_range("raw_capacity", a["raw_capacity"], lo=0, lo_open=True, unit="B")
    check_range("reserve_fraction", a["reserve_fraction"], lo=0, hi=1, hi_open=True)
    cap = a["raw_capacity"] * (1.0 - a["reserve_fraction"]) / ((1.0 + write_path.parity) * (1.0 + write_path.metadata))
    return pack(cap, k, "zns_capacity", "B")


# ---------------------------------------------------------------------------
# Kernels: plain numpy on validated inputs (no checks); the drive model's stages call them
# ---------------------------------------------------------------------------


def iu_factor(size, indirection_unit):
    """Read-modify-write factor of a write: ``ceil(size / IU) x IU / size`` [1].

    A write of ``size`` bytes [B] rewrites every mapping unit it touches
    (aligned start) whole: 4 for a 4 KiB write on a 16 KiB unit, 1 for a
    write that is a whole number of units. The single home of this factor.
    """
    return traffic.unit_bytes_written(size, indirection_unit) / size


def gc_page_reads(relocated, waf_gc, page, iu):
    """Pages sensed to relocate ``relocated`` bytes of valid data [1].

    A victim block holds a share ``x = 1 - 1/WAF_GC`` of valid mapping units,
    scattered; a page of ``u = page / iu`` units is read if any is valid and
    yields ``x u / (1 - (1 - x)^u)`` units' worth of them.

    Parameters
    ----------
    relocated : float or array-like
        Valid bytes relocated [B].
    waf_gc : float or array-like
        Garbage-collection write amplification [1], >= 1.
    page, iu : float or array-like
        Page size and mapping unit [B].
    """
    x = 1.0 - 1.0 / waf_gc
    u = np.maximum(1.0, page / iu)
    with np.errstate(divide="ignore", invalid="ignore"):
        yield_frac = np.where(x > 0, x / -np.expm1(u * np.log1p(-np.minimum(x, 1 - 1e-12))), 1.0)
    return relocated / (page * yield_frac)
