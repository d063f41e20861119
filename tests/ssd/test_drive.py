"""The drive model on a synthetic design, checked against hand derivations; invariants."""

import numpy as np
import pytest
import reference_drive
import xarray as xr
from hypothesis import given
from hypothesis import strategies as st

from linkmodel.ssd import drive

BASE = reference_drive.BASE


def run(name, **changes):
    p = dict(BASE, **changes)
    return drive.evaluate(p, drive.WORKLOADS[name])


def test_seq_write_die_bound():
    # 32 dies x (4 planes x 16 KiB x 3 bits per 1 ms program), plus one 4 ms erase per 4 x 1536 pages
    per_byte = 1e-3 / (4 * 16384 * 3) + 4e-3 / (4 * 1536 * 16384)
    ds = run("seq_write")
    assert str(ds.binding.values) == "dies"
    assert float(ds.throughput) == pytest.approx(32 / per_byte, rel=1e-12)
    assert float(ds.throughput) == pytest.approx(6.24e9, rel=1e-3)


def test_one_shot_data_in_the_cache_latches_cannot_hide():
    # BASE caches all 3 pages of the next wordline (no data-in on the die's clock). With one cache page per plane,
    # the other 2 pages x 4 planes x 16 KiB x 1.1 (spare) cross the 1.6 GB/s channel after each program:
    # 90.1 us added to the 1 ms one-shot: the 32 dies' ceiling falls from 6.24 GB/s to 5.73 GB/s
    data_in = 2 * 4 * 16384 * 1.1 / 1.6e9
    per_byte = (1e-3 + data_in) / (4 * 16384 * 3) + 4e-3 / (4 * 1536 * 16384)
    ds = run("seq_write", program_cache_pages=1)
    assert str(ds.binding.values) == "dies"
    assert float(ds.throughput) == pytest.approx(32 / per_byte, rel=1e-12)
    assert data_in == pytest.approx(90.1e-6, rel=1e-3) and float(ds.throughput) == pytest.approx(5.73e9, rel=1e-3)
    # SLC mode (one page per plane) and a die caching a whole wordline have nothing left to load
    assert float(run("seq_write", program_cache_pages=1, bits_per_cell=1).throughput) == pytest.approx(
        float(run("seq_write", bits_per_cell=1).throughput), rel=1e-12
    )
    # reads and power are untouched: the data-in waits on the die's latches, not its array or supply
    assert float(run("seq_read", program_cache_pages=0).throughput) == float(run("seq_read").throughput)


def test_seq_read_channel_bound():
    # 8 channels x 1.6 GB/s, each data byte with 10 % spare: 11.64 GB/s (dies could do 41.9 GB/s)
    ds = run("seq_read")
    assert str(ds.binding.values) == "channels"
    assert float(ds.throughput) == pytest.approx(8 * 1.6e9 / 1.1, rel=1e-12)
    assert float(ds.ceiling_dies) * 131072 == pytest.approx(32 * 4 * 16384 / 50e-6, rel=1e-12)


def test_rand_read_die_bound_with_independent_planes():
    # 32 dies x 4 independent plane reads / 50 us = 2.56 M; channels 8 x 1.6e9 / (4096 x 1.1) = 2.84 M
    ds = run("rand_read")
    assert float(ds.iops) == pytest.approx(2.56e6, rel=1e-12)
    assert float(ds.ceiling_channels) == pytest.approx(8 * 1.6e9 / (4096 * 1.1), rel=1e-12)
    assert float(run("rand_read", independent_plane_reads=1).iops) == pytest.approx(0.64e6, rel=1e-12)


def test_rand_write_with_lambert_w_waf():
    # alpha = 1.28 -> WAF 2.4814 (ssd_modeling.md §3.1); per host 4 KiB write the dies program 4096 x WAF bytes,
    # relocate (WAF - 1)/WAF of that for GC and erase what they program. The victim holds x = 1 - 1/WAF
    # = 0.597 valid units (ssd_modeling #8); a 16 KiB page of four 4 KiB units is read if any is valid and yields
    # x / (1 - (1 - x)^4) of its bytes; each page read is one single-plane tR, 4 at a time per die
    waf = 2.481361
    x = 1 - 1 / waf
    written = 4096 * waf
    relocated = written * (waf - 1) / waf
    page_reads = relocated / (16384 * x / (1 - (1 - x) ** 4))
    die_time = written / (4 * 16384 * 3) * 1e-3 + page_reads * 50e-6 / 4 + written / (4 * 1536 * 16384) * 4e-3
    ds = run("rand_write")
    assert float(ds.waf) == pytest.approx(waf, rel=1e-6)
    assert float(ds.iops) == pytest.approx(32 / die_time, rel=1e-6)
    assert str(ds.binding.values) == "dies"


def test_power_cap_throttles_and_is_met_exactly():
    # program energy 0.2 W x 1 ms / 196,608 B per byte; 1 W above the 5 W static floor
    e = 0.2 * 1e-3 / (4 * 16384 * 3)
    ds = run("seq_write", program_power=0.2, power_cap=6.0)
    assert str(ds.binding.values) == "power"
    assert float(ds.throughput) == pytest.approx(1.0 / e, rel=1e-9)
    assert float(ds.power) == pytest.approx(6.0, rel=1e-12)
    assert float(ds.active_dies) < 32


def test_energy_per_random_write_by_hand():
    # Every energy term of one 4 KiB random write at alpha = 1.28 (WAF 2.4814), derived term by term:
    # programs and erases of the WAF x 4096 B written, single-plane senses of the GC victim's pages,
    # bus I/O (with 10 % ECC spare) and controller data-path energy on every byte crossing the NAND
    # interface: the programmed bytes plus the relocated bytes read back (no copyback).
    waf = 2.481361
    x = 1 - 1 / waf
    written = 4096 * waf
    relocated = written * (waf - 1) / waf
    page_reads = relocated / (16384 * x / (1 - (1 - x) ** 4))
    e_prog = 0.2 * 1e-3 / (4 * 16384 * 3)  # J/B: 0.2 W for 1 ms over a 4-plane TLC one-shot program
    e_erase = 0.1 * 4e-3 / (4 * 1536 * 16384)  # J/B: 0.1 W for 4 ms over a 4-plane block
    e_sense = 0.15 * 50e-6 / 4  # J: 0.15 W for 50 us, one plane of four
    nand_bytes = written + relocated
    expected = written * (e_prog + e_erase) + page_reads * e_sense + nand_bytes * 1.1 * 2e-11 + nand_bytes * 3e-10
    ds = run(
        "rand_write", program_power=0.2, erase_power=0.1, read_power=0.15, io_energy=2e-11, controller_energy=3e-10
    )
    assert float(ds.energy_per_io) == pytest.approx(expected, rel=1e-6)
    # and a 4 KiB random read: one single-plane sense, 4096 x 1.1 bytes on the bus, 4096 through the controller
    rd = run("rand_read", read_power=0.15, io_energy=2e-11, controller_energy=3e-10)
    assert float(rd.energy_per_io) == pytest.approx(e_sense + 4096 * 1.1 * 2e-11 + 4096 * 3e-10, rel=1e-12)
    # a per-command energy is charged once per I/O whatever its size: 1 uJ on a 4 KiB read, 1 uJ on a 128 KiB one
    # (so 32 x less per byte), and a write pays it once too, not once per programmed or relocated page
    for name, before in (("rand_read", rd), ("rand_write", ds)):
        more = run(
            name,
            program_power=0.2,
            erase_power=0.1,
            read_power=0.15,
            io_energy=2e-11,
            controller_energy=3e-10,
            command_energy=1e-6,
        )
        assert float(more.energy_per_io) == pytest.approx(float(before.energy_per_io) + 1e-6, rel=1e-12)
    # a (large) 50 uJ per command alone within 1 W above the 5 W controller floor: 20,000 commands/s
    seq = run("seq_read", command_energy=50e-6, power_cap=6.0)
    assert str(seq.binding.values) == "power"
    assert float(seq.iops) == pytest.approx(1.0 / 50e-6, rel=1e-12)


def test_power_cap_at_or_below_static_power_is_an_error():
    # 5 W controller + 1 W DRAM: a 6 W cap leaves nothing for I/O; the error names the cap and the parts
    with pytest.raises(ValueError, match=r"power_cap: 6 W does not exceed the drive's static power 6 W"):
        run("seq_read", dram_power=1.0, power_cap=6.0)
    assert float(run("seq_read", dram_power=1.0, power_cap=6.5).power) <= 6.5


def test_small_writes_read_modify_write_the_indirection_unit():
    ds4 = run("rand_write", indirection_unit=4096)
    ds16 = run("rand_write", indirection_unit=16384)
    assert float(ds16.waf) == pytest.approx(4 * float(ds4.waf), rel=1e-9)
    assert float(ds16.iops) < float(ds4.iops)


def test_unaligned_writes_rewrite_whole_mapping_units():
    # a 6 KiB write covers two 4 KiB units (8 KiB rewritten): factor 8/6 on top of GC's WAF; 8 KiB: none
    wl = drive.Workload("w6k", 6144, 0.0, True)
    ds6 = drive.evaluate(dict(BASE), wl)
    ds8 = drive.evaluate(dict(BASE), drive.Workload("w8k", 8192, 0.0, True))
    assert float(ds6.waf) == pytest.approx(2.481361 * 8 / 6, rel=1e-6)
    assert float(ds8.waf) == pytest.approx(2.481361, rel=1e-6)


def test_large_random_reads_use_multi_plane_reads():
    # 64 KiB = four 16 KiB pages on a 4-plane die: one multi-plane tR (50 us), not four single-plane reads
    # even when the die can run only one independent plane read at a time
    wl = drive.Workload("r64k", 65536, 1.0, True)
    ds = drive.evaluate(dict(BASE, independent_plane_reads=1), wl)
    assert float(ds.die_time) == pytest.approx(50e-6, rel=1e-12)
    assert float(ds.waf) == 1.0  # no writes, no amplification


def test_busy_dies_do_not_also_draw_standby():
    # 1 mW standby per die: a read's 50 us of die time replaces 50 nJ of standby with its sensing energy
    rd = run("rand_read", read_power=0.15, standby_power=1e-3)
    assert float(rd.energy_per_io) == pytest.approx(0.15 * 50e-6 / 4 - 1e-3 * 50e-6 / 4, rel=1e-12)
    assert float(rd.static_power) == pytest.approx(5.0 + 32e-3, rel=1e-12)


def test_sweep_over_named_axes():
    dies = xr.DataArray([16, 32, 64], dims="dies", coords={"dies": [16, 32, 64]})
    cap = xr.DataArray([10.0, 25.0], dims="power_cap", coords={"power_cap": [10.0, 25.0]})
    ds = drive.evaluate(dict(BASE, dies=dies, power_cap=cap, program_power=0.2), drive.WORKLOADS["seq_write"])
    assert ds.throughput.dims == ("dies", "power_cap")
    assert ds.binding.sel(dies=64, power_cap=10.0) == "power"
    assert ds.binding.sel(dies=16, power_cap=25.0) == "dies"


def test_predict_all_workloads():
    ds = drive.predict(BASE)
    assert list(ds.workload.values) == ["seq_read", "seq_write", "rand_read", "rand_write", "mixed_70_30"]
    assert ds.throughput.attrs["units"] == "B/s"


@pytest.mark.parametrize(
    "change, msg",
    [
        (dict(dies=0), "dies: 0 out of range"),
        (dict(raw_capacity=0.9e12), "raw_capacity: usable NAND"),
        (dict(independent_plane_reads=8), "independent_plane_reads: cannot exceed planes"),
        (dict(t_read=np.nan), "t_read: NaN is not a value"),
        (dict(gen=9), "gen: 9 not allowed"),
    ],
)
def test_bad_parameters(change, msg):
    with pytest.raises(ValueError, match=msg):
        drive.evaluate(dict(BASE, **change), drive.WORKLOADS["seq_read"])


WORKLOAD_NAMES = st.sampled_from(list(drive.WORKLOADS))
# Idle dies draw standby power, so under a binding power cap more dies can cost a hair of throughput
# (0.1 mW per die): the monotonicity property is stated for standby_power = 0, and the standby effect
# is bounded separately below.
POWERED = dict(
    BASE,
    program_power=0.2,
    read_power=0.15,
    erase_power=0.15,
    io_energy=3e-12 * 8,
    dram_power=1.0,
    phy_power=2.0,
    standby_power=0.0,
)


def test_standby_power_of_extra_dies_is_the_only_cost():
    wl = drive.WORKLOADS["seq_write"]
    cfg = dict(POWERED, standby_power=1e-4, power_cap=9.0)
    a = drive.evaluate(dict(cfg, dies=64), wl)
    b = drive.evaluate(dict(cfg, dies=128), wl)
    assert str(a.binding.values) == str(b.binding.values) == "power"
    # throughput lost = 64 extra dies x 0.1 mW / energy per byte
    e_byte = float(a.energy_per_io) / 131072
    assert float(a.throughput - b.throughput) == pytest.approx(64 * 1e-4 / e_byte, rel=1e-9)


@given(
    WORKLOAD_NAMES,
    st.sampled_from([8, 16, 32, 64, 128]),
    st.sampled_from([4, 8, 16]),
    st.sampled_from([1, 2, 4, 8, 16]),
    st.floats(9.0, 40.0),
)
def test_more_resources_never_lower_throughput(name, dies, channels, lanes, cap):
    wl = drive.WORKLOADS[name]
    cfg = dict(POWERED, dies=dies, channels=channels, lanes=lanes, power_cap=cap)
    base = drive.evaluate(cfg, wl)
    for key, more in (
        ("dies", dies * 2),
        ("channels", channels * 2),
        ("lanes", min(lanes * 2, 16)),
        ("power_cap", cap + 5.0),
    ):
        bigger = drive.evaluate(dict(cfg, **{key: more}), wl)
        assert float(bigger.throughput) >= float(base.throughput) * (1 - 1e-12), key
    assert float(base.power) <= cap * (1 + 1e-12)
    assert np.isfinite(float(base.throughput)) and float(base.throughput) > 0


@given(WORKLOAD_NAMES, st.floats(1e-3, 30.0), st.floats(0.0, 1e-3), st.floats(0.0, 1.0), st.sampled_from([4096, 16384]))
def test_average_power_never_exceeds_the_cap(name, headroom, standby, ctrl_nj, iu):
    # caps from just above the static power (8 W + standby) upward, so the power stage really binds
    cfg = dict(POWERED, standby_power=standby, controller_energy=ctrl_nj * 1e-9, indirection_unit=iu)
    static = 5.0 + 1.0 + 2.0 + standby * 32
    ds = drive.evaluate(dict(cfg, power_cap=static + headroom), drive.WORKLOADS[name])
    assert float(ds.power) <= (static + headroom) * (1 + 1e-12)
    assert float(ds.static_power) == pytest.approx(static, rel=1e-12)
    assert np.isfinite(float(ds.iops)) and float(ds.iops) > 0
