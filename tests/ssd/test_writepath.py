"""The write path in the drive model, ZNS/FDP placement, and the endurance command (oracles ssd_modeling.md §9
#4, #19, #45)."""

import json

import pytest

from linkmodel import parts
from linkmodel.cli import main
from linkmodel.ssd import drive, endurance, waf, writepath
from linkmodel.ssd.writepath import WritePath
from linkmodel.studies import endurance_view


def test_total_waf_is_the_product_of_its_factors():
    # 4 KiB writes on a 16 KiB unit (x4), Lambert-W 2.481 at alpha 1.28 (#4), 1/15 parity, 1 % metadata
    wp = WritePath(parity=1 / 15, metadata=0.01)
    assert writepath.waf_total(1.28, 4096, 16384, wp) == pytest.approx(2.481 * 4 * (16 / 15) * 1.01, abs=0.005)


def test_placements():
    hot = dict(rates=(0.8, 0.2), fractions=(0.2, 0.8))
    # #45: ideal ZNS / FDP placement -> device WAF about 1: ZNS exactly 1; FDP with one handle per class is the
    # separated-pool WAF (1.866 at 80/20, alpha 1.28), below the mixed stream's 2.820
    assert writepath.waf_gc(1.28, WritePath(placement="zns")) == 1.0
    assert writepath.waf_gc(1.28, WritePath(placement="fdp", **hot)) == pytest.approx(1.866, abs=0.005)
    assert writepath.waf_gc(1.28, WritePath(**hot)) == pytest.approx(2.820, abs=0.01)
    assert writepath.waf_total(1.28, 4096, 16384, WritePath(placement="zns")) == 1.0  # zone appends: no RMW
    # ZNS returns the over-provisioning as capacity: 64 TiB of NAND with a 2 % reserve exposes 68.96 TB
    assert writepath.zns_capacity(64 * 2**40, 0.02) == pytest.approx(64 * 2**40 * 0.98)


@pytest.mark.parametrize(
    "kw, msg",
    [
        (dict(placement="smr"), "placement: 'smr' not allowed"),
        (dict(gc_model="meanfield", rates=(0.5, 0.5), fractions=(0.1, 0.9)), "gc_model: 'meanfield' is for uniform"),
        (dict(host_waf=2.0), "host_waf: only a ZNS host"),
        (dict(rates=(0.5, 0.6), fractions=(0.5, 0.5)), "rates: class shares must sum to 1"),
    ],
)
def test_bad_write_paths(kw, msg):
    with pytest.raises(ValueError, match=msg):
        WritePath(**kw)


def test_drive_random_writes_follow_the_write_path():
    params, _ = parts.params_from_part(parts.load("kioxia-cm9-r"))
    wl = drive.WORKLOADS["rand_write"]
    conv = drive.evaluate(params, wl)
    zns = drive.evaluate(params, wl, WritePath(placement="zns"))
    seq = drive.evaluate(params, drive.Workload("seq4k", 4096, 0.0, False))
    # ZNS turns 4 KiB random writes into appends: the same NAND work as 4 KiB sequential writes
    assert float(zns.waf) == 1.0
    assert float(zns.energy_per_io) == pytest.approx(float(seq.energy_per_io), rel=1e-9)
    # conventional: WAF = Lambert-W at alpha_eff = 16 TiB x 0.98 / 15.36 TB
    alpha_eff = 16 * 2**40 * 0.98 / 15.36e12
    assert float(conv.waf) == pytest.approx(float(waf.waf_uniform(alpha_eff)), rel=1e-9)
    assert float(zns.iops) > float(conv.iops)
    # parity adds program work and takes spare space (tests/test_write_placement.py has the hand derivation)
    par = drive.evaluate(params, wl, WritePath(parity=1 / 15))
    assert float(par.waf) > float(conv.waf) * 16 / 15
    assert float(par.iops) < float(conv.iops)


def test_op_for_dwpd_round_trips():
    # #19 backwards: 0.848 DWPD at P/E 3000 over 5 years needs alpha 1.28
    assert endurance.alpha_for_dwpd(0.848, 3000) == pytest.approx(1.28, abs=0.001)
    # any rating is reachable with enough NAND: at large alpha WAF -> 1, so DWPD -> PE x alpha / (365 x 5);
    # 1000 DWPD on 100-cycle NAND needs alpha = 1000 x 1825 / 100 = 18,250 (WAF - 1 ~ 18250 e^-18250 = 0)
    assert endurance.alpha_for_dwpd(1000, 100) == pytest.approx(18250, rel=1e-9)
    # a 99.95 % reserve leaves 0.05 % of the NAND to the FTL: alpha must exceed 2000 before any GC can run;
    # 1 DWPD at 1500 cycles then needs alpha_eff with 1500 x alpha / (WAF(alpha_eff) x 1825) = 1 (no silent 1000)
    a = endurance.alpha_for_dwpd(1, 1500, reserve_fraction=0.9995)
    from linkmodel.ssd import waf as _w

    assert a > 2000
    assert 1500 * a / (float(_w.waf_uniform(a * 0.0005)) * 1825) == pytest.approx(1.0, rel=1e-9)


def test_pair_report_9650():
    r = endurance_view.pair_report(parts.load("micron-9650-pro"), parts.load("micron-9650-max"))
    assert r["rand_write"]["published"] == pytest.approx(570 / 900)  # both published at 4 KiB
    assert r["dwpd"]["published"] == pytest.approx(1 / 3)
    assert 0 < r["rand_write"]["predicted"] < 1


def test_endurance_cli(capsys):
    assert main(["endurance", "dapustor-r6060", "--hot", "0.8:0.2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    placements = doc["parts"][0]["placements"]
    assert set(placements) == {"conventional", "fdp", "fdp, no OP moved", "fdp, handle-aligned", "zns"}
    assert placements["zns"]["waf"] == 1.0 and placements["zns"]["capacity"] > placements["conventional"]["capacity"]
    assert placements["fdp"]["waf"] < placements["fdp, no OP moved"]["waf"] < placements["conventional"]["waf"]
    assert main(["endurance", "micron-9650-pro", "micron-9650-max"]) == 0
    assert "random-write IOPS  published  0.633" in capsys.readouterr().out
    for bad, msg in ((["--hot", "2:1"], "--hot: both shares"), (["--host-waf", "0.5"], "--host-waf")):
        assert main(["endurance", "dapustor-r6060", *bad]) == 2
        assert msg in capsys.readouterr().err


def test_slc_cache_by_hand():
    from linkmodel.ssd import slc_cache

    # 64 TiB of QLC holding 30 TB, 2 % reserve: (70.37 TB x 0.98 - 30 TB) / 4 bits = 9.74 TB of SLC burst
    assert slc_cache.burst_capacity(64 * 2**40, 4, 30e12, 0.02) == pytest.approx((64 * 2**40 * 0.98 - 30e12) / 4)
    # folding: an SLC program at 12 GB/s, an SLC read at 30 GB/s and a native program at 4 GB/s per byte
    assert slc_cache.folded_rate(12e9, 30e9, 4e9) == pytest.approx(1 / (1 / 12e9 + 1 / 30e9 + 1 / 4e9))
    assert slc_cache.burst_duration(9e12, 12e9) == pytest.approx(750.0)
    assert slc_cache.burst_duration(9e12, 12e9, 3e9) == pytest.approx(1000.0)
    with pytest.raises(ValueError, match="stored: more user data"):
        slc_cache.burst_capacity(1e12, 3, 2e12)
    with pytest.raises(ValueError, match="fold_rate"):
        slc_cache.burst_duration(1e12, 1e9, 2e9)


def test_slc_cache_in_the_endurance_view():
    c = endurance_view.part_report(parts.load("dapustor-r6060"))["slc_cache"]
    # SLC programs are faster than native QLC programs; folding costs more than writing natively
    assert c["burst_rate"] > c["native_rate"] > c["folded_rate"]
    assert c["burst_capacity"]["0"] > c["burst_capacity"]["0.5"] > c["burst_capacity"]["0.9"] > 0


def test_write_path_bounds_the_mean_field_unit():
    # issue 15: `endurance --gc-model meanfield --pages-per-block 1e7` ran for minutes
    with pytest.raises(ValueError, match=r"^pages_per_block: 10000000 out of range; must be >= 2 and <= 65536"):
        WritePath(gc_model="meanfield", pages_per_block=1e7)
    with pytest.raises(ValueError, match=r"^choices: "):
        WritePath(gc_model="meanfield", choices=1e9)
