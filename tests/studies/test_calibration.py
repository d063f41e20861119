"""The four calibrated shared constants are what the stated procedure gives, and plausible."""

import pytest

from linkmodel import parts as _parts
from linkmodel.studies import calibrate


@pytest.fixture(scope="module")
def samples():
    return calibrate.samples()


@pytest.mark.slow
def test_stored_values_reproduce(samples):
    best, _rms = calibrate.fit(samples)
    stored = _parts.stored()
    assert stored["program_power"] == pytest.approx(best["program_power"], abs=0.0051)
    assert stored["controller_fixed_fraction"] == pytest.approx(best["controller_fixed_fraction"], abs=0.011)
    assert stored["controller_energy"] == pytest.approx(best["controller_energy"], abs=0.011e-9)
    assert stored["command_energy"] == pytest.approx(best["command_energy"], abs=0.126e-6)
    assert len(samples) >= 20 and len({x.part for x in samples}) >= 8
    assert {x.metric for x in samples} >= {"seq_write", "idle_power", "read_efficiency", "rand_read"}


def test_values_are_physically_plausible():
    stored = _parts.stored()
    # a die programming draws tens of mA at 2.5-3.3 V: 0.05-0.4 W
    assert 0.05 <= stored["program_power"] <= 0.4
    # a controller idles at a fraction of its full-load power, neither none nor all of it
    assert 0.1 <= stored["controller_fixed_fraction"] <= 0.9
    # 0-100 pJ/bit for buffering, DRAM traffic and NAND I/O not itemised elsewhere
    assert 0 <= stored["controller_energy"] * 1e12 / 8 <= 100
    # per NVMe command: at a Gen5 x4 drive's 3.5 M random reads it must stay below a 7-10 W controller's
    # full-load power, i.e. under 2 uJ; a firmware core of ~0.3 W busy a few us per command is ~1 uJ
    assert 0 < stored["command_energy"] * 3.5e6 < 7.0


@pytest.mark.slow
def test_leave_one_out_is_stable(samples):
    rows = calibrate.leave_one_out(samples)
    for key, spread in (("program_power", 0.05), ("controller_fixed_fraction", 0.1), ("controller_energy", 0.3e-9)):
        values = {r[key] for r in rows}
        assert max(values) - min(values) <= spread, key
    # the per-command energy is needed whichever part is left out (never fitted to zero), and no single part
    # moves it by more than a factor of two from the fit on all of them
    fitted = calibrate.fit(samples)[0]["command_energy"]
    values = {r["command_energy"] for r in rows}
    assert min(values) > 0 and fitted / 2 <= min(values) and max(values) <= 2 * fitted
