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
    traffic class: classes in separate pools (device GC remains); with one
    class it is the conventional uniform case.
  - ``"zns"``: zoned namespaces: the host writes zones sequentially and
    resets them whole, so the device relocates nothing (WAF_GC = 1); the
    host's own garbage collection or compaction (``host_waf``) moves to the
    host, and the over-provisioning comes back as capacity (dossier §3.5).

* ``WAF_IU``: read-modify-write of mapping units larger than the write.
* ``parity``: RAIN/die-parity bytes per data byte (e.g. 1/15 for 15+1).
* ``metadata``: mapping-table and journal bytes per data byte.

Every function broadcasts over ``alpha`` and the sizes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from linkmodel._array import check_choice, check_range, pack, unpack
from linkmodel.ssd import meanfield, traffic, waf

PLACEMENTS = ("conventional", "fdp", "zns")
GC_MODELS = ("lambertw", "meanfield")


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
        Mapping units per GC unit ``b`` for the mean field [1].
    choices : float
        d-choices of the GC victim selection [1] (about 100 = greedy).
    rates, fractions : tuple of float
        Share of writes and of the logical space per traffic class [1];
        ``(1.0,), (1.0,)`` is uniform.
    parity, metadata : float
        Extra NAND bytes per data byte [1].
    host_waf : float
        ZNS: host-side writes per application write (compaction, host GC) [1].
    """

    placement: str = "conventional"
    gc_model: str = "lambertw"
    pages_per_block: float = 1024.0
    choices: float = 100.0
    rates: tuple = field(default=(1.0,))
    fractions: tuple = field(default=(1.0,))
    parity: float = 0.0
    metadata: float = 0.0
    host_waf: float = 1.0

    def __post_init__(self):
        check_choice("placement", self.placement, PLACEMENTS)
        check_choice("gc_model", self.gc_model, GC_MODELS)
        traffic._classes(self.rates, self.fractions)
        if self.gc_model == "meanfield" and len(self.rates) > 1:
            raise ValueError("gc_model: 'meanfield' is for uniform traffic; use 'lambertw' with traffic classes")
        for name in ("parity", "metadata"):
            check_range(name, getattr(self, name), lo=0)
        check_range("host_waf", self.host_waf, lo=1)
        if self.placement != "zns" and self.host_waf != 1.0:
            raise ValueError("host_waf: only a ZNS host does its own garbage collection; leave it 1")


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
        [1]; 1 under ZNS.
    """
    wp = write_path
    a, k = unpack(alpha=alpha)
    check_range("alpha", a["alpha"], lo=1, lo_open=True)
    al = np.asarray(a["alpha"], dtype=float)
    uniform = len(wp.rates) == 1
    if wp.placement == "zns":
        out = np.ones_like(al)
    elif wp.gc_model == "meanfield":
        out = np.asarray(meanfield.waf_meanfield(al, wp.pages_per_block, wp.choices), dtype=float)
    elif uniform:
        out = waf._waf_lambertw(al)
    elif wp.placement == "fdp":
        out = np.asarray(traffic.waf_separated(al, wp.rates, wp.fractions)[0], dtype=float)
    else:
        out = np.asarray(traffic.waf_mixed(al, wp.rates, wp.fractions), dtype=float)
    return pack(out if out.ndim else float(out), k, "waf_gc", "1", "garbage-collection write amplification")


def waf_total(alpha, size, indirection_unit, write_path: WritePath = UNIFORM):
    """Total device write amplification of random writes of one size [1].

    ``WAF_GC x WAF_IU x (1 + parity) x (1 + metadata)``, ``WAF_IU = ceil(size
    / IU) IU / size`` (1 under ZNS: zone appends are sequential).

    Parameters
    ----------
    alpha : float or array-like or xarray.DataArray
        Effective physical / user capacity [1], > 1.
    size : float or array-like or xarray.DataArray
        Host write size [B].
    indirection_unit : float or array-like or xarray.DataArray
        Mapping unit [B].
    write_path : WritePath

    Returns
    -------
    waf : broadcast kind of the inputs
        NAND bytes per host byte [1] (the host's own ``host_waf`` not included).
    """
    a, k = unpack(alpha=alpha, size=size, indirection_unit=indirection_unit)
    check_range("size", a["size"], lo=0, lo_open=True, unit="B")
    check_range("indirection_unit", a["indirection_unit"], lo=0, lo_open=True, unit="B")
    gc = np.asarray(waf_gc(a["alpha"], write_path), dtype=float)
    iu = np.ceil(a["size"] / a["indirection_unit"] - 1e-12) * a["indirection_unit"] / a["size"]
    if write_path.placement == "zns":  # zone appends are sequential: no read-modify-write of mapping units
        iu = np.ones_like(iu)
    out = gc * iu * (1.0 + write_path.parity) * (1.0 + write_path.metadata)
    return pack(out, k, "waf", "1", "total device write amplification")


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
