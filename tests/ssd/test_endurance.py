"""Endurance oracles (ssd_modeling.md §9 #17-#20)."""

import pytest
import xarray as xr

from linkmodel.ssd import endurance, waf
from linkmodel.units import TB, TiB


def test_tbw_from_dwpd():
    # #17: Micron 9550 MAX 3.2 TB, 3 DWPD, 5 years: 17,520 TB (its spec)
    assert endurance.tbw(3.2 * TB, 3, 5) == pytest.approx(17_520 * TB)
    # #18: Micron 9650 PRO 30.72 TB at 1 DWPD and MAX 25.6 TB at 3 DWPD: 56,064 and 140,160 TB
    assert endurance.tbw(30.72 * TB, 1, 5) == pytest.approx(56_064 * TB)
    assert endurance.tbw(25.6 * TB, 3, 5) == pytest.approx(140_160 * TB)


def test_dwpd_from_pe_cycles():
    # #19: PE 3000, alpha 1.28, uniform 4 KiB random (WAF 2.481), 5 years: 0.848; sequential (WAF 1): 2.104
    assert endurance.dwpd(3000, 1.28, waf.waf_uniform(1.28), 5) == pytest.approx(0.848, abs=0.001)
    assert endurance.dwpd(3000, 1.28, 1.0, 5) == pytest.approx(2.104, abs=0.001)
    # the inverse
    assert endurance.pe_cycles_needed(0.848, 1.28, waf.waf_uniform(1.28), 5) == pytest.approx(3000, rel=1e-3)


def test_9550_max_sequential_to_random_tbw_ratio():
    # #20: 37,200 / 17,520 TB = 2.12 observed; the uniform-random WAF at alpha = 4 TiB / 3.2 TB is 2.04 (within 5 %)
    observed = 37_200 / 17_520
    assert observed == pytest.approx(2.12, abs=0.005)
    model = waf.waf_uniform(4 * TiB / (3.2 * TB))
    assert model == pytest.approx(2.04, abs=0.01)
    assert model == pytest.approx(observed, rel=0.05)


def test_broadcast_and_errors():
    years = xr.DataArray([3, 5], dims="years")
    assert endurance.tbw(1 * TB, 1, years).dims == ("years",)
    with pytest.raises(ValueError, match="wear_leveling"):
        endurance.dwpd(3000, 1.28, 2.0, 5, wear_leveling=1.5)
    with pytest.raises(ValueError, match="waf"):
        endurance.dwpd(3000, 1.28, 0.5)
