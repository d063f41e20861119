"""SLC write cache: burst capacity, burst vs steady-state write throughput, folding cost.

A dynamic SLC cache programs free native (TLC/QLC) blocks one bit per cell:
fast programs, a third (TLC) or a quarter (QLC) of the capacity. Later the
drive *folds* the data into native blocks: it reads it back and programs it
again. So

* burst capacity (host bytes the cache absorbs) = free NAND / bits per cell,
  free NAND = raw x (1 - reserve) - the bytes of user data already stored;
* a byte that passes through the cache is programmed twice: once in SLC mode,
  once native (NAND bytes programmed per host byte: 1 + 1 = 2 on top of any
  GC write amplification), and read once in SLC mode in between;
* steady state once the cache is full: either writes bypass it (the native
  write rate) or every byte is folded, whose rate is the harmonic combination
  of the SLC program, SLC read and native program rates when they share the
  same binding resource (dies, channels or the power budget).

Rates here are the drive's *internal* ceilings (channels, dies, power); the
host link can bind the burst on top of them. All functions broadcast.

:func:`burst_params` is the one home of the *burst* drive: the drive's own
parameters with every die run in SLC mode on a fresh drive, which the drive
model (:func:`linkmodel.ssd.drive.evaluate`) predicts a figure measured in the
SLC cache with (a published figure's ``state = "slc_burst"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from linkmodel._array import check_range, pack, unpack
from linkmodel.ssd.params import DriveParams

__all__ = [
    "BURST_CHANGES",
    "SLC_TIMES",
    "burst_capacity",
    "burst_duration",
    "burst_params",
    "folded_rate",
]

#: the die times of a burst: native time -> the SLC-mode time that replaces it (:func:`burst_params`)
SLC_TIMES = {"t_prog": "t_prog_slc", "t_read": "t_read_slc"}

#: what :func:`burst_params` changes: parameter -> its value in the burst (every other parameter is kept)
BURST_CHANGES = {
    "t_prog": "t_prog_slc: a die programs one page per plane in SLC mode",
    "t_read": "t_read_slc: a page written in SLC mode is sensed in SLC mode",
    "bits_per_cell": "1: one bit per cell, so a program writes planes x page_size bytes",
    "block_pages": "block_pages / bits_per_cell: an SLC-mode block holds one page per wordline",
    "slc_fraction": "0: the burst itself is the SLC program; no folding runs during it",
}


def burst_params(params: Mapping) -> DriveParams:
    """The drive writing a burst into its SLC cache: the same drive with every die in SLC mode, fresh.

    A figure measured in the SLC cache (a client drive's "up to" sequential write, a UFS WriteBooster
    figure) is predicted by the drive model with these parameters. The dies program one page per plane in
    ``t_prog_slc`` [s] instead of ``bits_per_cell`` pages per plane in ``t_prog`` [s] (``bits_per_cell``
    1), read in ``t_read_slc`` [s], erase an SLC-mode block of ``block_pages / bits_per_cell`` pages per
    plane [1] per ``t_erase`` [s] (as the SLC share of :func:`linkmodel.ssd.stages.die_stage` counts it),
    and nothing is folded during the burst (``slc_fraction`` 0 [1]): a die's SLC-mode write rate is
    ``planes x page_size / t_prog_slc`` [B/s], e.g. 4 x 16 KiB / 250 us = 262 MB/s. Everything else is
    the drive's own: link, channels (a byte crosses once, at ``channel_rate`` [T/s]), controller, capacity
    (no GC on a sequential burst: its write amplification is 1, as for any sequential write), and power
    (the die draws ``program_power`` [W] for the shorter ``t_prog_slc``). The capacity the burst fills
    is :func:`burst_capacity`.

    Parameters
    ----------
    params : DriveParams or mapping of its fields
        SI; floats, arrays or DataArrays (a ``draw`` dimension broadcasts through).

    Returns
    -------
    DriveParams
        SI, the fields of :data:`BURST_CHANGES` replaced.
    """
    p = DriveParams.from_mapping(params)
    bits = p.bits_per_cell
    check_range("bits_per_cell", bits, lo=1)
    return replace(
        p,
        **{native: p[slc] for native, slc in SLC_TIMES.items()},
        bits_per_cell=1.0,
        block_pages=p.block_pages / bits,
        slc_fraction=0.0,
    )


def burst_capacity(raw_capacity, bits_per_cell, stored=0.0, reserve_fraction=0.0):
    """Host bytes a dynamic SLC cache can absorb before it must fold [B].

    Parameters
    ----------
    raw_capacity : float or array-like or xarray.DataArray
        NAND capacity [B].
    bits_per_cell : float or array-like or xarray.DataArray
        Native bits per cell [1] (3 TLC, 4 QLC).
    stored : float or array-like or xarray.DataArray
        User data already on the drive [B].
    reserve_fraction : float or array-like or xarray.DataArray
        NAND held back (spares, GC reserve) [1].

    Returns
    -------
    capacity : broadcast kind of the inputs
        [B]; e.g. 64 TiB of QLC holding 30 TB with a 2 % reserve: (70.37 x 0.98 - 30) / 4 = 9.74 TB.
    """
    a, k = unpack(
        raw_capacity=raw_capacity, bits_per_cell=bits_per_cell, stored=stored, reserve_fraction=reserve_fraction
    )
    check_range("raw_capacity", a["raw_capacity"], lo=0, lo_open=True, unit="B")
    check_range("bits_per_cell", a["bits_per_cell"], lo=1)
    check_range("stored", a["stored"], lo=0, unit="B")
    check_range("reserve_fraction", a["reserve_fraction"], lo=0, hi=1, hi_open=True)
    free = a["raw_capacity"] * (1.0 - a["reserve_fraction"]) - a["stored"]
    if np.any(free < 0):
        raise ValueError("stored: more user data than the NAND (after the reserve) can hold")
    return pack(free / a["bits_per_cell"], k, "slc_burst_capacity", "B")


def folded_rate(slc_program_rate, slc_read_rate, native_program_rate):
    """Steady-state write rate when every byte passes through the SLC cache [B/s].

    ``1 / (1/slc_program + 1/slc_read + 1/native_program)``: each host byte
    costs one SLC program, one SLC read and one native program of the same
    binding resource.

    Parameters
    ----------
    slc_program_rate, slc_read_rate, native_program_rate : float or array-like or xarray.DataArray
        Internal ceilings of each operation alone [B/s].

    Returns
    -------
    rate : broadcast kind of the inputs
        [B/s].
    """
    a, k = unpack(
        slc_program_rate=slc_program_rate, slc_read_rate=slc_read_rate, native_program_rate=native_program_rate
    )
    for n in a:
        check_range(n, a[n], lo=0, lo_open=True, unit="B/s")
    rate = 1.0 / (1.0 / a["slc_program_rate"] + 1.0 / a["slc_read_rate"] + 1.0 / a["native_program_rate"])
    return pack(rate, k, "folded_rate", "B/s")


def burst_duration(capacity, burst_rate, fold_rate=0.0):
    """How long a write burst runs at the cache's rate [s].

    ``capacity / (burst_rate - fold_rate)``: the cache fills at the burst
    rate while background folding drains it at `fold_rate` (0: no folding
    during the burst, the conservative case).

    Parameters
    ----------
    capacity : float or array-like or xarray.DataArray
        Burst capacity [B].
    burst_rate : float or array-like or xarray.DataArray
        Host write rate into the cache [B/s].
    fold_rate : float or array-like or xarray.DataArray
        Background folding rate [B/s], below `burst_rate`.

    Returns
    -------
    duration : broadcast kind of the inputs
        [s].
    """
    a, k = unpack(capacity=capacity, burst_rate=burst_rate, fold_rate=fold_rate)
    check_range("capacity", a["capacity"], lo=0, unit="B")
    check_range("burst_rate", a["burst_rate"], lo=0, lo_open=True, unit="B/s")
    check_range("fold_rate", a["fold_rate"], lo=0, unit="B/s")
    if np.any(a["fold_rate"] >= a["burst_rate"]):
        raise ValueError("fold_rate: must be below burst_rate (else the cache never fills)")
    return pack(a["capacity"] / (a["burst_rate"] - a["fold_rate"]), k, "burst_duration", "s")
