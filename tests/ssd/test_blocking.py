"""Dies held through their data out and their channel wait (issue 19 items 1-3): nand.read_hold, the
holding-time fixed point of linkmodel.ssd.blocking inside queueing.mva, and the sequential ceiling, against
the hand derivations of queueing_blocking.md (§3, §5) and the discrete-event simulation of tests/qsim.py."""

import dataclasses

import numpy as np
import pytest
import reference_drive
from qsim import simulate

from linkmodel.ssd import blocking, closedloop, drive, hostpath, nand, queueing

US = 1e-6
T_X = 16.384 * US  # 16 KiB at 1000 MB/s (BLK-01)
PAGE = 16384.0


def test_read_hold_by_hand():
    # without cache read the die is held for tR + its data out; with it, for tR alone (queueing_blocking.md §1)
    assert nand.read_hold(50 * US, T_X, 0.0) == pytest.approx(66.384 * US, rel=1e-12)
    assert nand.read_hold(50 * US, T_X, 1.0) == pytest.approx(50 * US, rel=1e-12)


def test_hold_wait_by_hand():
    # §5.2 step 1: repairman (delay 50 us, queue 16.384 us) at 1, 2, 3 dies: R = 16.384, 20.4277, 25.8884 us;
    # at K = 32/11 = 2.9091 busy dies, R = 25.392 us, so W_ch = 9.008 us (BLK-10)
    table = np.array([16.384, 16.384, 20.4277, 25.8884]) * US
    w = blocking.hold_wait(table, np.array(32 / 11), np.array(T_X))
    assert float(w) == pytest.approx(9.008 * US, rel=1e-4)
    assert float(blocking.hold_wait(table, np.array(0.7), np.array(T_X))) == 0.0  # one die never waits


@pytest.mark.parametrize("z,mb_s", [(0.0, 632.2), (20 * US, 616.8)])
def test_holding_time_fixed_point_by_hand(z, mb_s):
    """BLK-11 / BLK-20: exponential times, 4 dies on one channel, N = 8: the fixed point S = 75.392 us,
    X = 0.038586 /us (632.2 MB/s) at Z = 0; 616.8 MB/s at Z = 20 us. The repairman table is the dossier's
    exact MVA of the channel (§5.2) continued to 4 dies by the same recursion, written out here."""
    r = [T_X]
    x = q = 0.0
    for n in range(1, 5):  # exact MVA of one queue (16.384 us) behind a 50 us delay
        rr = T_X * (1 + q)
        x = n / (50 * US + rr)
        q = x * rr
        r.append(rr)
    assert r[1:4] == pytest.approx(np.array([16.384, 20.4277, 25.8884]) * US, rel=1e-5)
    hold = {"dies": (np.array(1.0), np.array(T_X), np.array(1.0), np.array(r))}
    ds = queueing.mva([1, 8], z, {"dies": (4, 50 * US + T_X)}, "exponential", holding=hold)
    # the dossier solves MVA 1..N at the fixed point's S(N); queueing.mva updates S at every population of one
    # recursion (Q(n - 1) taken at S(n - 1)): identical at Z = 0, +0.05 % at Z = 20 us
    assert float(ds.iops[1]) * PAGE / 1e6 == pytest.approx(mb_s, rel=1e-3)
    assert float(ds.iops[0]) == pytest.approx(1 / (z + 66.384 * US), rel=1e-12)  # QD1: no wait (BLK-16)
    if z == 0.0:
        assert float(ds.hold_wait_dies[1]) == pytest.approx(9.008 * US, rel=1e-3)


def _one_channel(dies, cache):
    return dataclasses.replace(
        drive.DriveParams.from_mapping(reference_drive.BASE),
        channels=1,
        dies=dies,
        planes=1,
        independent_plane_reads=1,
        page_size=PAGE,
        spare_fraction=0.0,
        command_time=0.0,
        channel_rate=1e9,
        t_read=50 * US,
        cache_read=cache,
        power_cap=1000.0,
    )


@pytest.mark.parametrize(
    "dies,hold_mb_s,cache_mb_s", [(1, 246.81, 327.68), (2, 493.61, 655.36), (3, 740.42, 983.04), (4, 987.23, 1000.0)]
)
def test_sequential_ceiling_with_coupled_dies_and_channel(dies, hold_mb_s, cache_mb_s):
    """§5.1 / BLK-02..06: pages striped over D dies on one 1000 MB/s channel, tR 50 us: without cache read
    P D / max(tR + tX, D tX), with it min(D P / tR, P / tX); the drive's sequential ceiling and the
    simulation (deterministic, striped, hold and cache dies) give the same."""
    seq = drive.Workload("seq", PAGE, 1.0, False)
    for cache, want, mode in ((0.0, hold_mb_s, "hold"), (1.0, cache_mb_s, "cache")):
        ds = drive.evaluate(_one_channel(dies, cache), seq)
        assert float(ds.throughput) / 1e6 == pytest.approx(want, abs=0.01), cache
        sim = simulate(32, 0.0, dies, 50 * US, 1, T_X, 0.0, ios=4000, warmup=1000, mode=mode, stripe=True)
        # a periodic schedule measured over a window that is not whole periods: within 0.02 %
        assert sim["iops"] * PAGE / 1e6 == pytest.approx(want, rel=2e-4), mode
    # the naive min(dies, channel) the die-free model gave: D = 3 is 24.7 % above the held dies (BLK-05)
    if dies == 3:
        assert cache_mb_s / hold_mb_s - 1 == pytest.approx(0.3277, abs=1e-3)


def test_blocking_simulation_matches_the_dossier():
    """DES self-test (§4, BLK-23/24): 4 dies, one channel, N = 8, Z = 0: hold 772.8 +- 1.1 MB/s deterministic,
    653.6 +- 1.2 (CTMC 652.9) exponential; cache 965.6 +- 0.8 deterministic; ordering hold <= cache <= free."""

    def mb_s(mode, service):
        return simulate(8, 0.0, 4, 50 * US, 1, T_X, 0.0, 30_000, 3_000, service, mode=mode)["iops"] * PAGE / 1e6

    assert mb_s("hold", "deterministic") == pytest.approx(772.8, rel=0.01)
    assert mb_s("hold", "exponential") == pytest.approx(652.9, rel=0.02)
    assert mb_s("cache", "deterministic") == pytest.approx(965.6, rel=0.01)
    assert mb_s("hold", "deterministic") < mb_s("cache", "deterministic") <= mb_s("free", "deterministic") * 1.001


ZERO_HOST = dataclasses.replace(
    hostpath.DEFAULT_PATH,
    host_submit=0.0,
    host_complete=0.0,
    port_latency=0.0,
    host_memory=0.0,
    firmware_read=0.0,
    firmware_write=0.0,
    ecc_decode=0.0,
    interrupts=False,
)

# (channels, dies per channel, tR [us], channel rate [T/s]): 4 KiB random reads on 16 KiB pages; channel
# utilization at the die-bound saturation of the die-free model, dies per channel x tX / tR, 30-80 %
BACK_ENDS = [(8, 4, 50, 1000e6), (8, 4, 75, 333e6), (16, 8, 75, 1000e6), (16, 4, 50, 533e6), (8, 8, 75, 667e6)]
QDS = (1, 2, 4, 8, 16, 32, 64, 128, 256)


def _back_end(channels, per_channel, t_read, rate, cache):
    return dataclasses.replace(
        _one_channel(channels * per_channel, cache),
        channels=channels,
        channel_rate=rate,
        t_read=t_read * US,
        spare_fraction=0.11,
        command_time=0.3 * US,
        gen=5,
        lanes=4,
    )


@pytest.mark.parametrize("back_end", BACK_ENDS)
def test_held_dies_match_simulation(back_end):
    """Issue 19 item 2: mean latency and IOPS over QD 1-256 within 5 % of a simulation whose dies hold their
    page through the channel wait and transfer (no cache read), no host or firmware delay; the die-free
    product-form model is 6-20 % optimistic at depth on the same back ends."""
    channels, per_channel, t_read, rate = back_end
    params = _back_end(*back_end, cache=0.0)
    util = per_channel * nand.channel_time(4096, rate, 0.11, 0.3 * US, 1) / (t_read * US)
    assert 0.3 <= util <= 0.8
    curve = closedloop.queue_depth_curve(params, "read", QDS, path=ZERO_HOST)
    delay, st, _ = closedloop.stations(params, "read", path=ZERO_HOST)
    t_ch = nand.channel_time(4096, rate, 0.11, 0.3 * US, 1)
    assert float(st["dies"][1]) == pytest.approx(t_read * US + t_ch, rel=1e-12)  # the die holds its data out
    for i, qd in enumerate(QDS):
        ios = 20_000 if qd < 64 else 40_000
        sim = simulate(
            qd,
            float(delay),
            channels * per_channel,
            t_read * US,
            channels,
            t_ch,
            float(st["link"][1]),
            ios=ios,
            warmup=ios // 5,
            mode="hold",
        )
        assert float(curve.iops[i]) == pytest.approx(sim["iops"], rel=0.05), qd
        assert float(curve.latency[i]) == pytest.approx(sim["mean"], rel=0.05), qd


def test_held_dies_match_simulation_quick():
    """The check above at three depths of the slowest channel (74 % utilization), with cache read too: the
    die-free network (cache read) against the cache-register simulation."""
    params = _back_end(8, 4, 75, 333e6, cache=0.0)
    t_ch = nand.channel_time(4096, 333e6, 0.11, 0.3 * US, 1)
    for cache, mode in ((0.0, "hold"), (1.0, "cache")):
        p = dataclasses.replace(params, cache_read=cache)
        curve = closedloop.queue_depth_curve(p, "read", (1, 32, 128), path=ZERO_HOST)
        delay, st, _ = closedloop.stations(p, "read", path=ZERO_HOST)
        for i, qd in enumerate((1, 32, 128)):
            sim = simulate(qd, float(delay), 32, 75 * US, 8, t_ch, float(st["link"][1]), 15_000, 3_000, mode=mode)
            assert float(curve.iops[i]) == pytest.approx(sim["iops"], rel=0.05), (mode, qd)
    # at depth holding costs throughput: QD 128 sits 15-20 % below the die-free curve
    held = closedloop.queue_depth_curve(params, "read", (128,), path=ZERO_HOST)
    free = closedloop.queue_depth_curve(dataclasses.replace(params, cache_read=1.0), "read", (128,), path=ZERO_HOST)
    assert 0.78 < float(held.iops[0]) / float(free.iops[0]) < 0.9


def test_held_dies_in_the_ceilings_and_the_tail():
    """The die ceiling counts the data out without cache read: dies / (tR + command + transfer); the tail's
    QD1 percentile is the QD1 latency (nothing queues), and at depth held dies lengthen it."""
    params = _back_end(8, 4, 75, 333e6, cache=0.0)
    t_ch = nand.channel_time(4096, 333e6, 0.11, 0.3 * US, 1)
    ds = drive.evaluate(params, drive.WORKLOADS["rand_read"])
    assert float(ds.ceiling_dies) == pytest.approx(32 / (75 * US + t_ch), rel=1e-12)
    ds1 = drive.evaluate(dataclasses.replace(params, cache_read=1.0), drive.WORKLOADS["rand_read"])
    assert float(ds1.ceiling_dies) == pytest.approx(32 / (75 * US), rel=1e-12)
    held = closedloop.queue_depth_curve(params, "read", (1, 128), path=ZERO_HOST)
    free = closedloop.queue_depth_curve(dataclasses.replace(params, cache_read=1.0), "read", (1, 128), path=ZERO_HOST)
    assert float(held.latency[0]) == pytest.approx(float(free.latency[0]), rel=1e-12)  # QD1 unchanged
    t_held, t_free = queueing.tail(held), queueing.tail(free)
    assert t_held[0] == pytest.approx(float(held.latency[0]), rel=1e-6)
    assert np.all(t_held[1] > t_free[1])


def test_many_dies_per_channel_hold_no_faster_than_free():
    """96 read servers per channel (the 9550 MAX's 256 dies x 6 planes on 16 channels, slowed to 400 MT/s): the
    holding simulation runs as fast as the die-free one (a held die is rarely wanted), and the held curve is never
    faster than the die-free network (hold <= free, queueing_blocking.md §4); the fixed point alone, which takes
    each channel's population at its mean, came out 7 % fast at QD 64."""
    from linkmodel import parts

    params, _ = parts.params_from_part(parts.load("micron-9550-max"))
    slow = dataclasses.replace(params, channel_rate=400e6, power_cap=500.0)
    held = closedloop.queue_depth_curve(dataclasses.replace(slow, cache_read=0.0), "read", (8, 64, 256))
    free = closedloop.queue_depth_curve(dataclasses.replace(slow, cache_read=1.0), "read", (8, 64, 256))
    assert np.all(held.iops.values <= free.iops.values * (1 + 1e-12))
    delay, st, _ = closedloop.stations(dataclasses.replace(slow, cache_read=1.0), "read")
    nd, td = (float(v) for v in st["dies"])
    nc, tc = (float(v) for v in st["channels"])
    sim = simulate(64, float(delay), int(nd), td, int(nc), tc, float(st["link"][1]), 20_000, 4_000, mode="hold")
    assert float(held.iops[1]) == pytest.approx(sim["iops"], rel=0.05)
    assert float(held.latency[1]) == pytest.approx(sim["mean"], rel=0.05)
    # the tail keeps the QD1 latency and counts the channel wait once (in the dies' residence)
    t = queueing.tail(held)
    assert np.all(np.isfinite(t)) and np.all(t[:, 0] >= held.latency.values * 0.99)


def test_a_sweep_over_cache_read_and_channel_rate_is_each_drive():
    """Broadcasting: a curve over cache_read x channel_rate equals the four drives one at a time (the QD1
    latency, which has no cache_read dim, was put on the wrong axis before)."""
    import xarray as xr

    from linkmodel import parts

    params, _ = parts.params_from_part(parts.load("kioxia-cm9-r"))
    cache = xr.DataArray([1.0, 0.0], dims="cache")
    rate = xr.DataArray([400e6, 1.6e9], dims="rate")
    swept = closedloop.queue_depth_curve(dataclasses.replace(params, cache_read=cache, channel_rate=rate), "read", QDS)
    for i, r in enumerate(rate.values):
        for j, c in enumerate(cache.values):
            one = closedloop.queue_depth_curve(dataclasses.replace(params, cache_read=c, channel_rate=r), "read", QDS)
            got = swept.iops.isel(rate=i, cache=j).values
            np.testing.assert_allclose(got, one.iops.values, rtol=1e-9)
