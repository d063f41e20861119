"""NAND dies and channels: per-die and per-channel throughput and timing.

Conventions (SI): sizes in bytes, times in seconds, rates in B/s or 1/s.

* A die has ``planes`` planes of ``page_size``-byte pages. A multi-plane read
  senses one page in every plane in ``t_read``; a one-shot program writes
  ``bits_per_cell`` pages per plane (one wordline, all planes) in ``t_prog``.
* Cache read/program lets the channel transfer of one operation overlap the
  array time of the next, so array time and channel time are separate
  resources (dies and channels), each with its own ceiling.
* The channel is an 8-bit bus: ``rate`` transfers per second move ``rate``
  bytes per second. Every page moves with its spare (ECC) bytes:
  ``(1 + spare_fraction)`` bytes per data byte. Each command costs
  ``command_time`` of bus time (command/address cycles and turnarounds).
"""

from __future__ import annotations

import numpy as np

from linkmodel._array import check_range, pack, unpack

BITS_PER_CELL = {"SLC": 1, "MLC": 2, "TLC": 3, "QLC": 4}


def die_read_bandwidth(planes, page_size, t_read):
    """Array read bandwidth of one die with multi-plane reads [B/s].

    ``planes x page_size / t_read``. E.g. 6 x 16 KiB / 50 us = 1.97 GB/s
    (reference dossier ssd_modeling.md §4.2).

    Parameters
    ----------
    planes : int or array-like or xarray.DataArray
        Planes per die [1].
    page_size : float or array-like or xarray.DataArray
        Page size [B].
    t_read : float or array-like or xarray.DataArray
        Page read (array sense) time [s].

    Returns
    -------
    bandwidth : broadcast kind of the inputs
        [B/s].
    """
    a, k = unpack(planes=planes, page_size=page_size, t_read=t_read)
    for n, u in (("planes", ""), ("page_size", "B"), ("t_read", "s")):
        check_range(n, a[n], lo=0, lo_open=True, unit=u)
    return pack(a["planes"] * a["page_size"] / a["t_read"], k, "die_read_bandwidth", "B/s")


def die_program_bandwidth(planes, page_size, bits_per_cell, t_prog):
    """Program bandwidth of one die with multi-plane one-shot programs [B/s].

    ``planes x page_size x bits_per_cell / t_prog``: a TLC one-shot program
    writes three pages per plane.

    Parameters
    ----------
    planes : int or array-like or xarray.DataArray
        Planes per die [1].
    page_size : float or array-like or xarray.DataArray
        Page size [B].
    bits_per_cell : int or array-like or xarray.DataArray
        1 (SLC) ... 4 (QLC).
    t_prog : float or array-like or xarray.DataArray
        One-shot program time of a wordline [s].

    Returns
    -------
    bandwidth : broadcast kind of the inputs
        [B/s].
    """
    a, k = unpack(planes=planes, page_size=page_size, bits_per_cell=bits_per_cell, t_prog=t_prog)
    for n in a:
        check_range(n, a[n], lo=0, lo_open=True)
    return pack(a["planes"] * a["page_size"] * a["bits_per_cell"] / a["t_prog"], k, "die_program_bandwidth", "B/s")


def t_prog_from_bandwidth(bandwidth, planes, page_size, bits_per_cell):
    """One-shot program time that gives a per-die program bandwidth [s].

    Inverts :func:`die_program_bandwidth`. E.g. the ISSCC 2023 >300-layer
    1 Tb TLC die's 194 MB/s with 4 planes x 16 KiB x 3 bits gives ~1.0 ms.

    Parameters
    ----------
    bandwidth : float or array-like
        Per-die program bandwidth [B/s].
    planes, page_size, bits_per_cell : float or array-like
        Die organisation ([1], [B], [1]).

    Returns
    -------
    t_prog : broadcast kind of the inputs
        [s].
    """
    a, k = unpack(bandwidth=bandwidth, planes=planes, page_size=page_size, bits_per_cell=bits_per_cell)
    for n in a:
        check_range(n, a[n], lo=0, lo_open=True)
    return pack(a["planes"] * a["page_size"] * a["bits_per_cell"] / a["bandwidth"], k, "t_prog", "s")


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
    t = a["nbytes"] * (1 + a["spare_fraction"]) / a["rate"] + a["commands"] * a["command_time"]
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


def raw_capacity_rule(user_capacity):
    """Default NAND capacity for a user capacity: the next power-of-two TiB [B].

    ASSUMPTION, basis: enterprise capacity points are 0.96 TB (1 DWPD class,
    e.g. 3.84, 7.68, 15.36, 30.72, 61.44 TB) or 0.8 TB (3 DWPD class, e.g. 3.2,
    6.4, 12.8, 25.6 TB) of user space per TiB of flash (reference dossier
    ssd_modeling.md §2: "0 %" OP is ~7 % physical; 3 DWPD drives expose
    800 GB per 1024 GB). Both map to ``2**ceil(log2(user / 1 TB))`` TiB.

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
