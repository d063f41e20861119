"""The SLC-cache burst drive (linkmodel.ssd.slc_cache.burst_params), checked against hand derivations.

The reference drive (tests/reference_drive.py): 32 dies of 4 planes x 16 KiB TLC, tPROG 1 ms, SLC-mode
tPROG 250 us and tR 25 us, tBERS 4 ms on blocks of 1536 pages per plane, 8 channels at 1.6 GT/s with 10 %
spare bytes, no command cycles, a Gen6 x16 link (far above every back-end ceiling here).
"""

import numpy as np
import pytest
import reference_drive
import xarray as xr

from linkmodel.ssd import drive, slc_cache
from linkmodel.ssd.params import DriveParams

BASE = reference_drive.BASE
SEQ_WRITE = drive.WORKLOADS["seq_write"]  # 128 KiB sequential writes


def test_burst_params_change_only_the_die_mode():
    b = slc_cache.burst_params(dict(BASE, slc_fraction=0.4))
    assert isinstance(b, DriveParams)
    assert (b.t_prog, b.t_read, b.bits_per_cell, b.slc_fraction) == (250e-6, 25e-6, 1.0, 0.0)
    assert b.block_pages == 512  # 1536 TLC pages per plane = 512 wordlines, one SLC page each
    kept = set(BASE) - set(slc_cache.BURST_CHANGES)
    assert {k: b[k] for k in kept} == {k: BASE[k] for k in kept}


def test_burst_die_ceiling_by_hand():
    # one die in SLC mode: 4 planes x 16 KiB per 250 us program = 262.1 MB/s; plus one 4 ms erase per
    # SLC-mode block of 4 planes x 512 pages x 16 KiB (32 MiB): per byte 250e-6 / 65536 + 4e-3 / 33554432 s
    die_rate = 4 * 16384 / 250e-6
    assert die_rate == pytest.approx(262.144e6, rel=1e-12)
    per_byte = 250e-6 / (4 * 16384) + 4e-3 / (4 * 512 * 16384)
    ds = drive.evaluate(slc_cache.burst_params(BASE), SEQ_WRITE)
    assert str(ds.binding.values) == "dies"
    assert float(ds.ceiling_dies) * 131072 == pytest.approx(32 / per_byte, rel=1e-12)
    assert float(ds.throughput) == pytest.approx(8.134e9, rel=1e-3)  # 32 x 254.2 MB/s
    # the native drive: 4 x 16 KiB x 3 bits per 1 ms, 6.24 GB/s (test_drive.test_seq_write_die_bound)
    assert float(drive.evaluate(BASE, SEQ_WRITE).throughput) == pytest.approx(6.24e9, rel=1e-3)
    # no folding during the burst: write amplification 1, each byte crosses its channel once
    assert float(ds.waf) == 1.0


def test_burst_channels_as_the_native_drive():
    # 4 channels at 1.6 GT/s, each data byte with 10 % spare: 4 x 1.6e9 / 1.1 = 5.818 GB/s, below the
    # 8.134 GB/s of the SLC-mode dies: the channels bind, as they would for the native drive's data
    ds = drive.evaluate(slc_cache.burst_params(dict(BASE, channels=4)), SEQ_WRITE)
    assert str(ds.binding.values) == "channels"
    assert float(ds.throughput) == pytest.approx(4 * 1.6e9 / 1.1, rel=1e-12)


def test_burst_energy_same_program_power_for_the_shorter_time():
    # program power 0.2 W, every other energy 0: a 128 KiB write is 2 multi-plane SLC programs of 250 us,
    # 2 x 0.2 W x 250 us = 100 uJ; natively 128 KiB / 192 KiB of one 1 ms one-shot program: 133.3 uJ
    p = dict(BASE, program_power=0.2)
    burst = drive.evaluate(slc_cache.burst_params(p), SEQ_WRITE)
    native = drive.evaluate(p, SEQ_WRITE)
    assert float(burst.energy_per_io) == pytest.approx(2 * 0.2 * 250e-6, rel=1e-12)
    assert float(native.energy_per_io) == pytest.approx(131072 / (4 * 16384 * 3) * 0.2 * 1e-3, rel=1e-12)


def test_burst_params_broadcast_over_draws():
    # t_prog_slc drawn at 100 and 300 us (the catalogue's range ends): the die ceiling per draw by hand
    t = xr.DataArray([100e-6, 300e-6], dims="draw")
    ds = drive.evaluate(slc_cache.burst_params(dict(BASE, t_prog_slc=t)), SEQ_WRITE)
    per_byte = np.array([100e-6, 300e-6]) / (4 * 16384) + 4e-3 / (4 * 512 * 16384)
    np.testing.assert_allclose(ds.ceiling_dies.values * 131072, 32 / per_byte, rtol=1e-12)
    assert ds.ceiling_dies.dims == ("draw",)


def test_burst_params_refuses_what_drive_params_refuses():
    with pytest.raises(ValueError, match="params: missing"):
        slc_cache.burst_params({"t_prog": 1e-3})
