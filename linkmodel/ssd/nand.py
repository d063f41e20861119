"""NAND dies and channels: per-die and per-channel throughput and timing.

Conventions (SI): sizes in bytes, times in seconds, rates in B/s or 1/s.

* A die has ``planes`` planes of ``page_size``-byte pages. A multi-plane read
  senses one page in every plane in ``t_read``; a one-shot program writes
  ``bits_per_cell`` pages per plane (one wordline, all planes) in ``t_prog``.
* Cache read/program lets the channel transfer of one operation overlap the
  array time of the next, so array time and channel time are separate
  resources (dies and channels), each with its own ceiling. A die without
  cache read (``cache_read`` 0) keeps each page in its data register until
  the page has crossed the channel: it is held for the sense *and* the data
  out (:func:`read_hold`).
* The channel is an 8-bit bus: ``rate`` transfers per second move ``rate``
  bytes per second. Every page moves with its spare (ECC) bytes:
  ``(1 + spare_fraction)`` bytes per data byte. Each command costs
  ``command_time`` of bus time (command/address cycles and turnarounds).
"""

from __future__ import annotations

import numpy as np

from linkmodel._array import check_range, pack, unpack

__all__ = [
    "BITS_PER_CELL",
    "RAW_CAPACITY_RULE_BASIS",
    "channel_time",
    "channel_transfer_time",
    "dies",
    "program_data_in",
    "raw_capacity_rule",
    "read_die_time",
    "read_hold",
]

#: bits stored per cell by cell type
BITS_PER_CELL = {"SLC": 1, "MLC": 2, "TLC": 3, "QLC": 4}


def channel_transfer_time(nbytes, rate, spare_fraction=0.0, command_time=0.0, commands=1.0):
    """Bus time to move data on one NAND channel [s].

    ``nbytes x (1 + spare_fraction) / rate + commands x command_time``. At
    2400 MT/s a 16 KiB page takes 6.83 us, a 4 KiB unit 1.71 us (data only).

    Parameters
    ----------
    nbytes : float or array-like or xarray.DataArray
        Data bytes [B].
    rate : float or array-like or xarray.DataArray
        Channel rate [T/s] (= B/s on an 8-bit bus).
    spare_fraction : float or array-like
        ECC/spare bytes per data byte [1].
    command_time : float or array-like
        Bus time per command [s].
    commands : float or array-like
        Commands issued [1].

    Returns
    -------
    time : broadcast kind of the inputs
        [s].
    """
    a, k = unpack(nbytes=nbytes, rate=rate, spare_fraction=spare_fraction, command_time=command_time, commands=commands)
    check_range("nbytes", a["nbytes"], lo=0, unit="B")
    check_range("rate", a["rate"], lo=0, lo_open=True, unit="T/s")
    for n in ("spare_fraction", "command_time", "commands"):
        check_range(n, a[n], lo=0)
    t = channel_time(a["nbytes"], a["rate"], a["spare_fraction"], a["command_time"], a["commands"])
    return pack(t, k, "channel_transfer_time", "s")


def dies(raw_capacity, die_capacity):
    """Number of NAND dies for a raw capacity [1].

    Parameters
    ----------
    raw_capacity : float or array-like or xarray.DataArray
        NAND capacity [B].
    die_capacity : float or array-like or xarray.DataArray
        Capacity of one die [B] (1 Tbit = 2**40 / 8 B).

    Returns
    -------
    dies : broadcast kind of the inputs
        [1], rounded up to whole dies.
    """
    a, k = unpack(raw_capacity=raw_capacity, die_capacity=die_capacity)
    check_range("raw_capacity", a["raw_capacity"], lo=0, lo_open=True, unit="B")
    check_range("die_capacity", a["die_capacity"], lo=0, lo_open=True, unit="B")
    return pack(np.ceil(a["raw_capacity"] / a["die_capacity"] - 1e-9), k, "dies", "1")


#: basis of :func:`raw_capacity_rule` (an ASSUMPTION), as provenance reads it
RAW_CAPACITY_RULE_BASIS = (
    "enterprise capacity points are 0.96 TB (1 DWPD class, e.g. 3.84, 7.68, 15.36, 30.72, 61.44 TB) "
    "or 0.8 TB (3 DWPD class, e.g. 3.2, 6.4, 12.8, 25.6 TB) of user space per TiB of flash (reference "
    'dossier ssd_modeling.md §2: "0 %" OP is ~7 % physical; 3 DWPD drives expose 800 GB per 1024 GB). '
    "Both map to ``2**ceil(log2(user / 1 TB))`` TiB."
)


def raw_capacity_rule(user_capacity):
    """Default NAND capacity for a user capacity: the next power-of-two TiB [B].

    ASSUMPTION, basis: :data:`RAW_CAPACITY_RULE_BASIS`.

    Parameters
    ----------
    user_capacity : float or array-like
        User capacity [B].

    Returns
    -------
    raw_capacity : same kind as the input
        [B].
    """
    a, k = unpack(user_capacity=user_capacity)
    check_range("user_capacity", a["user_capacity"], lo=0, lo_open=True, unit="B")
    tib = 2.0 ** np.ceil(np.log2(a["user_capacity"] / 1e12) - 1e-9)
    return pack(tib * 2**40, k, "raw_capacity", "B")


# ---------------------------------------------------------------------------
# Kernels: plain numpy on validated, unpacked inputs (no checks); the drive model's stages call them
# ---------------------------------------------------------------------------


def channel_time(nbytes, rate, spare_fraction, command_time, commands):
    """Channel busy time: ``nbytes x (1 + spare_fraction) / rate + commands x command_time`` [s].

    ``nbytes`` [B], ``rate`` [T/s], ``spare_fraction`` [1], ``command_time`` [s], ``commands`` [1].
    """
    return nbytes * (1.0 + spare_fraction) / rate + commands * command_time


def read_hold(t_sense, t_out, cache_read):
    """How long a read holds its die (or read server): ``t_sense + (1 - cache_read) x t_out`` [s].

    The one home of the die's read occupancy. With cache read (``cache_read``
    1) the sensed page moves to the cache register and the die senses its
    next page while this one crosses the channel: the die is held for the
    sense alone. Without it (0) the page stays in the data register until the
    controller has clocked it out, so the die is held through its data out
    ``t_out`` (and, at depth, through its wait for the channel:
    :func:`linkmodel.ssd.blocking.hold_wait`). queueing_blocking.md §1 (read
    path steps 2-4; ONFI Read Cache 31h) and §3: pipelined over ``D`` dies on
    one channel a page of ``P`` bytes then reads at ``P D / max(tR + tX, D tX)``
    without cache read, ``min(D P / tR, P / tX)`` with it (``tX >= tR`` adds
    nothing the channel ceiling does not already hold) -- the die ceiling
    ``D / read_hold`` against the channel ceiling ``1 / tX``.

    ``t_sense`` [s] (array time), ``t_out`` [s] (channel time of the data out, with its command cycles),
    ``cache_read`` [1] (0 or 1; between them a share of reads issued as cache reads).
    """
    return t_sense + (1.0 - cache_read) * t_out


def read_die_time(size, page_size, planes, independent_plane_reads, t_read, random: bool, t_out=0.0, cache_read=1.0):
    """Die time of one host read and the pages it senses: ``(die-seconds [s], pages sensed [1])``.

    Random: ``ceil(size / page)`` pages, read ``k`` single-plane at a time or
    as multi-plane reads of ``planes`` pages, whichever is quicker:
    ``min(pages / k, ceil(pages / planes)) x t_read``. Sequential: whole
    multi-plane reads, ``size / (planes x page) x t_read``. Each sense holds
    its die for :func:`read_hold`: without cache read the read's data out
    ``t_out`` is added (over ``k`` read servers when read single-plane).

    ``size``, ``page_size`` [B]; ``planes``, ``independent_plane_reads`` [1]; ``t_read``, ``t_out`` [s]
    (the channel time of the whole read); ``cache_read`` [1].
    """
    if random:
        pages = np.ceil(size / page_size)
        single = read_hold(pages * t_read, t_out, cache_read) / independent_plane_reads
        multi = read_hold(np.ceil(pages / planes) * t_read, t_out, cache_read)
        return np.minimum(single, multi), pages
    return read_hold(size / (planes * page_size) * t_read, t_out, cache_read), size / page_size


def program_data_in(bits_per_cell, program_cache_pages, planes, page_size, spare_fraction, channel_rate):
    """Die time per one-shot program spent loading data the cache latches could not take early [s].

    A one-shot program needs all ``bits_per_cell`` pages of every plane in
    the die's data latches before it starts. While the previous program runs,
    only ``program_cache_pages`` pages per plane can wait in the cache
    latches; the rest cross the channel after it ends, so their transfer
    adds to the die's busy time: ``max(bits - cached, 0) x planes x page x
    (1 + spare) / channel_rate``. E.g. TLC, 1 cached page, 4 x 16 KiB planes,
    11 % spare, 1.6 GT/s: 90.9 us.

    Parameters
    ----------
    bits_per_cell, program_cache_pages, planes : float or array-like
        [1].
    page_size : float or array-like
        [B].
    spare_fraction : float or array-like
        ECC/spare bytes per data byte [1].
    channel_rate : float or array-like
        [T/s] (one byte per transfer).
    """
    left = np.maximum(np.asarray(bits_per_cell, dtype=float) - program_cache_pages, 0.0)
    return left * planes * page_size * (1.0 + spare_fraction) / channel_rate
