"""Shared defaults and provenance: what every part gets where it says nothing itself.

A shared default is an assumption applied to every part alike, with its
basis; there are no per-part tuning knobs. :class:`Provenance` records where
one drive parameter came from.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SHARED", "WARRANTY_YEARS_DEFAULT", "Provenance", "Shared"]


@dataclass(frozen=True)
class Shared:
    """A shared default: its value (SI) and basis."""

    value: float
    basis: str


@dataclass(frozen=True)
class Provenance:
    """Where one drive parameter came from.

    ``source`` is one of "fact", "fact (secondary source)", "assumed", "catalogue", "part file" (the file's
    own ``[[nand]]`` or ``[[controller]]``), "shared", "derived", "calibrated"; ``detail`` says which and why.
    """

    source: str
    detail: str


#: Shared defaults, applied to every part that does not give the value itself.
SHARED = {
    "mps_gen5_plus": Shared(
        512.0,
        "ASSUMPTION: vendors' benchmark hosts run MPS >= 512 B on Gen5/Gen6 (published "
        "Gen5 x4 figures of 14.5-14.8 GB/s and Gen6 x4 figures of 28-28.4 GB/s exceed the "
        "MPS-256 ceilings of 14.36 and 27.66 GB/s; flit-capable ports support >= 512 B). "
        "Inferred from published sequential-read figures, so agreement on those figures "
        "is not independent evidence for the link model",
    ),
    "mps_older": Shared(256.0, "ASSUMPTION: common server setting below Gen5"),
    "mrrs": Shared(512.0, "PCIe Device Control reset value [SPEC62 ch7]"),
    "reserve_fraction": Shared(
        0.02,
        "ASSUMPTION: NAND held back from the FTL (bad-block spares, parity, metadata, "
        "GC free blocks); basis: the Micron 9550 MAX 3.2 TB sequential/random TBW "
        "ratio 2.12 implies uniform-random WAF at alpha_eff = 1.352 vs alpha = 1.374 "
        "(1.6 % held back), rounded up. One SKU's ratio only: uncertain by about its "
        "own size",
    ),
    "dram_per_nand_byte": Shared(
        1 / 1000,
        "~1 B of DRAM per 1 KB of NAND at a 4 KiB indirection unit (4-byte "
        "entry per 4 KiB; Micron IU blog, reference ssd_modeling.md §3.4)",
    ),
    "dram_power_per_byte": Shared(
        0.054 / 2**30,
        "ASSUMPTION: 0.054 W per GiB of DRAM: SimpleSSD's DDR IDD0 of 40 mA "
        "at 1.35 V per 8 Gb (1 GiB) device (ssd_modeling.md §6.1); an SSD's "
        "mapping-table traffic keeps DRAM near activate/precharge current",
    ),
    "phy_energy_per_bit": Shared(
        5e-12,
        "ASSUMPTION: 5 pJ/bit for a complete PCIe Gen5/Gen6 PHY lane-direction "
        "(TX+RX+CDR+PLL), mid of the 4-8 pJ/b budget range in ssd_modeling.md §6.3; "
        "an L0 link burns it at full rate whatever the traffic",
    ),
    "indirection_unit_tlc": Shared(
        4096.0,
        "ASSUMPTION: 4 KiB mapping unit on TLC enterprise drives (4 KiB random "
        "write figures without read-modify-write)",
    ),
    "slc_fraction": Shared(
        0.0,
        "no SLC write cache: enterprise drives publish steady-state write figures with "
        "none, and a part with one says so in its spec file (slc_cache)",
    ),
    "indirection_unit_qlc": Shared(
        16384.0,
        "large QLC drives map 16 KiB or more to bound DRAM (Micron IU blog; QLC random-write figures quoted at 16 KiB)",
    ),
}

#: warranty period when a part does not state one (the DWPD rating convention of every bundled part that does)
WARRANTY_YEARS_DEFAULT = Shared(
    5.0,
    "ASSUMPTION: 5-year warranty, the enterprise DWPD convention (every bundled part "
    "that states its period states 5 years)",
)
