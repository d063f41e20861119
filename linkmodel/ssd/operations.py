"""What one host I/O costs the back end: bytes and pages per I/O, after write amplification.

:func:`demand` turns a workload (size, read share, access pattern) and a
write path (placement, GC model, parity, metadata, host GC under ZNS) into
the NAND work one drive I/O causes: pages sensed (with the mapping reads of reads
whose entry the controller does not hold, :mod:`linkmodel.ssd.mapping`), bytes programmed natively
and through the SLC cache, garbage-collection relocation and its page reads,
read-modify-write of mapping units. The drive model's stages
(:mod:`linkmodel.ssd.stages`) turn that work into busy time and energy.

Writes carry their write amplification (WAF): the dies program
``WAF x size`` bytes and relocate ``(WAF - 1) x size`` bytes of valid data for
garbage collection, read as scattered units with single-plane page reads and
crossing the channels twice (no copyback). Sequential writes have WAF 1.
Random writes smaller than the indirection unit (IU) read-modify-write a
whole IU. A drive with an SLC cache (``slc_fraction`` of host writes pass
through it) programs that share once in SLC mode, reads it back and programs
it again natively (folding). Under ZNS with host-side garbage collection
(``host_waf`` h > 1) each application write costs the drive h writes and
h - 1 reads of the same size.

All quantities are plain numpy arrays (kernels: the inputs were checked by
the caller). Units: bytes [B], pages [1], shares [1].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from linkmodel.ssd import mapping, nand, writepath

__all__ = ["Demand", "demand"]


@dataclass(frozen=True)
class Demand:
    """The back-end work of one drive I/O (numpy arrays; SI).

    Attributes
    ----------
    size : [B] host bytes per I/O.
    read_share, write_share : [1] shares of drive I/Os that are reads / writes
        (after ZNS host GC: ``r = (r_app + w_app (h - 1)) / n_io``).
    app_write_share : [1] the application's own write share.
    io_per_app_io : [1] drive I/Os per application I/O (``n_io``, 1 without host GC).
    random : bool
    waf : [1] NAND bytes programmed per host byte written.
    read_die : [s] die time of one read (with its data out without cache read; with its expected mapping reads);
        read_senses : [1] pages it senses.
    read_ch : [s] channel time of one read (command cycles and data out with spare bytes; expected mapping reads).
    written : [B] bytes programmed natively per write; slc_bytes : [B] through the SLC cache.
    relocated : [B] valid bytes relocated by GC per write; gc_senses : [1] pages GC reads for them.
    rmw_bytes : [B] bytes read back for read-modify-write; rmw_senses : [1] pages read for them.
    write_bytes_ch : [B] bytes a write moves over the channels (data in, GC and RMW out, SLC twice).
    """

    size: Any
    read_share: Any
    write_share: Any
    app_write_share: Any
    io_per_app_io: Any
    random: bool
    waf: Any
    read_die: Any
    read_senses: Any
    read_ch: Any
    written: Any
    slc_bytes: Any
    relocated: Any
    gc_senses: Any
    rmw_bytes: Any
    rmw_senses: Any
    write_bytes_ch: Any


def _write_amplification(a: Mapping[str, np.ndarray], s, random: bool, wp: writepath.WritePath):
    """IU factor, parity/metadata multiplier and GC write amplification of the workload's writes."""
    usable = a["raw_capacity"] * (1.0 - a["reserve_fraction"])
    alpha = usable / a["user_capacity"]
    # ZNS: the host appends to zones sequentially, whatever its own access pattern: no device mapping units
    iu_factor = writepath.iu_factor(s, a["indirection_unit"]) if random and wp.placement != "zns" else 1.0
    extra = writepath.multiplier(wp)  # parity and metadata bytes per data byte
    # parity and metadata given in the write path also occupy NAND: garbage collection works on what is left
    # for data (the shared reserve_fraction already stands for a drive's unpublished parity and metadata)
    alpha_data = alpha / extra
    if np.any(alpha_data <= 1.0):
        raise ValueError("parity, metadata: with them the NAND no longer exceeds the user capacity")
    if random:
        waf_gc = np.asarray(writepath.waf_gc(alpha_data, wp), dtype=float)
    else:
        waf_gc = np.ones_like(np.asarray(alpha, dtype=float))
    return iu_factor, extra, waf_gc


def demand(a: Mapping[str, np.ndarray], random: bool, wp: writepath.WritePath = writepath.UNIFORM) -> Demand:
    """The back-end work of one drive I/O.

    Parameters
    ----------
    a : mapping of numpy arrays
        The drive parameters (:class:`linkmodel.ssd.params.DriveParams` fields)
        plus ``size`` [B] and ``read_fraction`` [1], unpacked and checked.
    random : bool
        Random (True) or sequential access.
    wp : WritePath
        Placement, GC model, traffic, parity, metadata, host GC.

    Returns
    -------
    Demand
    """
    s = a["size"]  # the workload's size and read share broadcast like every other input
    r_app = a["read_fraction"]
    w_app = 1.0 - r_app
    # ZNS host GC: per application I/O the drive serves the application's own I/O plus, per write, h - 1
    # relocation reads and h - 1 relocation writes of the same size (h = 1: nothing extra)
    h = float(wp.host_waf)
    n_io = r_app + w_app * (2.0 * h - 1.0)  # drive I/Os per application I/O
    r = (r_app + w_app * (h - 1.0)) / n_io
    w = 1.0 - r
    iu_factor, extra, waf_gc = _write_amplification(a, s, random, wp)
    slc = a["slc_fraction"]
    waf = iu_factor * extra * (waf_gc + slc)  # NAND bytes programmed per host byte (writepath.waf_total)
    page = a["page_size"]
    read_ch = nand.channel_time(s, a["channel_rate"], a["spare_fraction"], a["command_time"], np.ceil(s / page))
    read_die, read_senses = nand.read_die_time(
        s, page, a["planes"], a["independent_plane_reads"], a["t_read"], random, read_ch, a["cache_read"]
    )
    # reads whose mapping entry is not cached first read its mapping page (nil where the table is held)
    map_die, map_ch, map_senses = mapping.miss_read(a, random)
    read_die, read_ch, read_senses = read_die + map_die, read_ch + map_ch, read_senses + map_senses
    written = s * iu_factor * extra * waf_gc  # bytes programmed natively per host write
    slc_bytes = s * iu_factor * extra * slc  # bytes through the SLC cache: programmed in SLC mode, read back
    # garbage collection relocates the victim's valid units, scattered over its pages
    # (data only: parity is recomputed for the new stripe, not relocated)
    relocated = s * iu_factor * (1.0 + wp.metadata) * (waf_gc - 1.0)
    gc_senses = writepath.gc_page_reads(relocated, waf_gc, page, a["indirection_unit"])
    rmw_bytes = s * (iu_factor - 1.0)  # rest of the IU(s) read back for a read-modify-write
    rmw_senses = np.ceil(rmw_bytes / page - 1e-12) if random else 0.0
    # data in, GC and RMW data out (no copyback); SLC-cached data in twice (SLC, then native) and out once
    write_bytes_ch = written + relocated + rmw_bytes + 2.0 * slc_bytes
    return Demand(
        size=s,
        read_share=r,
        write_share=w,
        app_write_share=w_app,
        io_per_app_io=n_io,
        random=random,
        waf=waf,
        read_die=read_die,
        read_senses=read_senses,
        read_ch=read_ch,
        written=written,
        slc_bytes=slc_bytes,
        relocated=relocated,
        gc_senses=gc_senses,
        rmw_bytes=rmw_bytes,
        rmw_senses=rmw_senses,
        write_bytes_ch=write_bytes_ch,
    )
