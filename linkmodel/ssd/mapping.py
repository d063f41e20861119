"""The mapping cache: how much of the logical-to-physical (L2P) table a controller holds, and what a miss costs.

A page-mapping FTL keeps one entry of :data:`ENTRY_BYTES` per mapping unit
(``indirection_unit``, 4 KiB on TLC drives): the table of a drive of user
capacity ``C`` is ``C / IU x 4 B`` (:func:`table_bytes`; 1 B per 1 KiB of user
data at 4 KiB, the "1 GB of DRAM per TB" design rule). Where the table is held:

* a drive with DRAM holds the whole table (``mapping_cache`` inf: no miss);
* a DRAM-less NVMe drive caches entries in its host memory buffer (HMB, NVMe
  1.2), tens of MB (a 64 MiB HMB holds 16 Mi entries: 64 GiB of 4 KiB units);
* a UFS device keeps a few hundred KiB of entries in its controller's SRAM,
  unless the host caches entries for it (Host Performance Booster, UFS 3.1).

A read whose entry is not cached first reads the mapping page holding it
(DFTL-style demand loading, ssd_modeling.md §1.1, §5.1): one more NAND read of
:data:`MAPPING_READ_BYTES` (command, tR, its channel transfer) before the data
read. The cost is counted where each model counts a read: the QD1 latency's
``mapping`` step (:func:`linkmodel.ssd.hostpath.qd1`), and the die and channel
work of a read in the drive's ceilings (:func:`miss_read`, called by
:func:`linkmodel.ssd.operations.demand`; the stages turn it into busy time).

Miss probability (:func:`miss_probability`). ASSUMPTION: the workload reads
uniformly at random over a span ``S`` (no locality) and the cache is managed
LRU (or any policy that keeps what it holds): at steady state under uniform
access an LRU cache of ``E`` entries holds ``E`` of the ``S / IU`` entries the
span touches, each equally likely to be read next, so a read misses with
probability ``1 - min(1, E / (S / IU))``. The span is the workload's
(``read_span``: the files read, e.g. a model's weights), by default the whole
user capacity, as vendors test (full-span, SNIA PTS). Workloads with locality
miss less; a cache that also holds other metadata (write buffer, GC tables)
holds fewer entries.

Sequential reads walk consecutive entries: one mapping read per
``MAPPING_READ_BYTES / ENTRY_BYTES`` units (4 MiB of data at 4 KiB), a miss share
``size / 4 MiB`` of a read per I/O (:func:`mapping_reads_per_io`).

Not modelled: the HMB hit itself (a PCIe read of host memory, ~1 us: the
DRAM-less drive's QD1 latency is short by about that much), mapping writes
(dirty entries flushed on writes), and the cache warming up.

All SI (B, s, shares [1]); functions broadcast.
"""

from __future__ import annotations

import numpy as np

from linkmodel._array import check_range, pack, unpack
from linkmodel.ssd import nand

__all__ = [
    "ENTRY_BYTES",
    "MAPPING_READ_BYTES",
    "SRAM_MAPPING_CACHE",
    "coverage",
    "mapping_reads_per_io",
    "miss_probability",
    "miss_read",
    "miss_share",
    "table_bytes",
]

#: Bytes of one L2P entry [B]: 4 B per mapping unit (a 32-bit physical address covers 2^32 x 4 KiB = 16 TiB).
#: Source: Micron's indirection-unit blog, "1 B of DRAM per 1 KB of NAND at a 4 KiB unit" (ssd_modeling.md §3.4);
#: AnandTech (RC100 review): "typically in a ratio of 1GB RAM per 1TB of NAND flash memory", the table's size.
ENTRY_BYTES = 4.0

#: Bytes read from the NAND on a mapping-table miss [B].
#: ASSUMPTION: 4096 B, one 4 KiB ECC codeword of the mapping page, which holds 1024 entries of 4 B (the
#: 1 B per 1 KB of NAND of ssd_modeling.md §3.4 is 4 B per 4 KiB unit); the controller transfers that
#: codeword rather than the whole NAND page (DFTL/MQSim read a whole translation page, ssd_modeling.md
#: §1.1, §5.1). A page smaller than 4 KiB is read whole. Plausible range: one codeword (2-4 KiB) to one
#: page (16 KiB).
MAPPING_READ_BYTES = 4096.0

#: Mapping entries a UFS (or other DRAM-less) controller keeps in its own SRAM [B], where its part gives none.
#: ASSUMPTION: 256 KiB (64 Ki entries: 256 MiB of 4 KiB units). Basis: mobile controllers "keep only a limited
#: subset of mapping information in a small-sized SRAM" (Kim et al., map-cache management for mobile storage;
#: Jeong et al., HotStorage 2017, HPB); no size is published. Bracketed by a UFS 4.0 phone's measured 4 KiB
#: random reads (edge_inference.md §2.1 [S]): ~1 GB/s over 128 MiB (no misses: at least 128 KiB of entries)
#: and below 850 MB/s over 512 MiB (misses: fewer than 512 KiB). Plausible range 128 KiB - 2 MiB.
SRAM_MAPPING_CACHE = 256.0 * 1024.0


def table_bytes(capacity, indirection_unit=4096.0):
    """Size of the whole L2P table of ``capacity`` bytes of user data [B]: ``capacity / IU x ENTRY_BYTES``.

    E.g. 4 TB at 4 KiB: 4e12 / 4096 x 4 = 3.906e9 B (3.64 GiB).

    Parameters
    ----------
    capacity : float or array-like or xarray.DataArray
        User bytes mapped [B].
    indirection_unit : float or array-like
        Mapping unit [B].
    """
    a, k = unpack(capacity=capacity, indirection_unit=indirection_unit)
    check_range("capacity", a["capacity"], lo=0, unit="B")
    check_range("indirection_unit", a["indirection_unit"], lo=0, lo_open=True, unit="B")
    return pack(a["capacity"] / a["indirection_unit"] * ENTRY_BYTES, k, "table_bytes", "B")


def coverage(mapping_cache, indirection_unit=4096.0):
    """User bytes whose entries a cache of ``mapping_cache`` bytes holds [B]: ``cache / ENTRY_BYTES x IU``.

    E.g. a 64 MiB HMB at 4 KiB: 16 Mi entries x 4 KiB = 64 GiB. ``inf`` (the whole table) gives inf.
    """
    a, k = unpack(mapping_cache=mapping_cache, indirection_unit=indirection_unit)
    check_range("mapping_cache", a["mapping_cache"], lo=0, lo_open=True, unit="B", allow_inf=True)
    check_range("indirection_unit", a["indirection_unit"], lo=0, lo_open=True, unit="B")
    return pack(a["mapping_cache"] / ENTRY_BYTES * a["indirection_unit"], k, "coverage", "B")


def miss_share(mapping_cache, read_span, user_capacity, indirection_unit):
    """Kernel: share of uniform random reads whose entry is not cached [1] (numpy in, numpy out; no checks).

    ``1 - min(1, (mapping_cache / ENTRY_BYTES) / (S / IU))`` with ``S = min(read_span, user_capacity)``;
    ``mapping_cache`` inf (the whole table) gives 0. Inputs [B].
    """
    span = np.minimum(read_span, user_capacity)
    with np.errstate(invalid="ignore", divide="ignore"):
        held = np.where(np.isinf(mapping_cache), 1.0, mapping_cache / ENTRY_BYTES * indirection_unit / span)
    return 1.0 - np.minimum(1.0, held)


def miss_probability(mapping_cache, read_span, user_capacity=np.inf, indirection_unit=4096.0):
    """Probability that a uniform random read over ``read_span`` misses the mapping cache [1].

    ``1 - min(1, cached entries / entries of the span)``: see the module's
    ASSUMPTION (uniform access, no locality, LRU). E.g. a 64 MiB HMB at
    4 KiB covers 64 GiB: a 1 GiB span misses 0, 64 GiB 0, 4 TB
    ``1 - 64 GiB / 4 TB = 0.98282``.

    Parameters
    ----------
    mapping_cache : float or array-like or xarray.DataArray
        Bytes of L2P entries the controller holds [B]; inf: the whole table (DRAM).
    read_span : float or array-like
        Bytes the reads spread over [B]; inf: the whole user capacity.
    user_capacity : float or array-like
        The drive's user capacity [B] (a span beyond it is the whole drive).
    indirection_unit : float or array-like
        Mapping unit [B].

    Returns
    -------
    share : broadcast kind of the inputs
        [1].
    """
    a, k = unpack(
        mapping_cache=mapping_cache,
        read_span=read_span,
        user_capacity=user_capacity,
        indirection_unit=indirection_unit,
    )
    for name in ("mapping_cache", "read_span", "user_capacity"):
        check_range(name, a[name], lo=0, lo_open=True, unit="B", allow_inf=True)
    if np.any(np.isinf(a["read_span"]) & np.isinf(a["user_capacity"])):
        raise ValueError("read_span: inf (the whole drive) needs a finite user_capacity")
    check_range("indirection_unit", a["indirection_unit"], lo=0, lo_open=True, unit="B")
    share = miss_share(a["mapping_cache"], a["read_span"], a["user_capacity"], a["indirection_unit"])
    return pack(share, k, "miss_probability", "1", "share of reads whose mapping entry is not cached")


def mapping_reads_per_io(size, indirection_unit, random: bool):
    """Kernel: mapping reads one host read of ``size`` [B] needs where its entries are not cached [1].

    One mapping read holds ``MAPPING_READ_BYTES / ENTRY_BYTES`` consecutive entries (1024), mapping
    ``1024 x IU`` user bytes (4 MiB at a 4 KiB ``indirection_unit`` [B]): a random read needs
    ``ceil(size / (1024 x IU))`` of them (one for any read up to 4 MiB), a sequential stream one per
    4 MiB it passes, ``size / (1024 x IU)`` per I/O.
    """
    per = MAPPING_READ_BYTES / ENTRY_BYTES * indirection_unit
    return np.ceil(size / per - 1e-12) if random else size / per


def miss_read(a, random: bool):
    """Kernel: die time [s], channel time [s] and pages sensed [1] of the mapping reads one host read misses.

    The mapping reads a read needs (:func:`mapping_reads_per_io`: one per random read up to
    1024 units, a sequential stream's share per I/O) times the read's miss share (:func:`miss_share`),
    each a single-page random read of ``min(page, MAPPING_READ_BYTES)`` bytes costed by the
    NAND's own terms: :func:`linkmodel.ssd.nand.channel_time` (data out with spare bytes, one
    command) and :func:`linkmodel.ssd.nand.read_die_time` (tR, held through the data out
    without cache read).

    ``a``: the drive parameters unpacked and checked, with ``size`` [B].
    """
    miss = miss_share(a["mapping_cache"], a["read_span"], a["user_capacity"], a["indirection_unit"])
    reads = miss * mapping_reads_per_io(a["size"], a["indirection_unit"], random)
    nbytes = np.minimum(a["page_size"], MAPPING_READ_BYTES)
    ch = nand.channel_time(nbytes, a["channel_rate"], a["spare_fraction"], a["command_time"], 1.0)
    die, senses = nand.read_die_time(
        nbytes, a["page_size"], a["planes"], a["independent_plane_reads"], a["t_read"], True, ch, a["cache_read"]
    )
    return reads * die, reads * ch, reads * senses
