"""The two calibrated shared constants are what the stated procedure gives, and plausible."""

import pytest

from linkmodel import calibrate


def test_stored_values_reproduce():
    s = calibrate.samples()
    pp, ce, rms = calibrate.fit(s)
    stored = calibrate.stored()
    assert stored["program_power"] == pytest.approx(pp, abs=0.0051)
    assert stored["controller_energy"] == pytest.approx(ce, abs=0.011e-9)
    assert len(s) >= 20 and len({x.part for x in s}) >= 8


def test_values_are_physically_plausible():
    stored = calibrate.stored()
    # a die programming draws tens of mA at 2.5-3.3 V: 0.05-0.4 W
    assert 0.05 <= stored["program_power"] <= 0.4
    # 0-100 pJ/bit for ECC + buffering + DMA in the controller's data path
    assert 0 <= stored["controller_energy"] * 1e12 / 8 <= 100


def test_leave_one_out_is_stable():
    rows = calibrate.leave_one_out(calibrate.samples())
    pps = {r["program_power"] for r in rows}
    ces = {r["controller_energy"] for r in rows}
    assert max(pps) - min(pps) <= 0.05
    assert max(ces) - min(ces) <= 0.3e-9
