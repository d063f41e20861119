"""Write amplification oracles (ssd_modeling.md §9 #1-#8)."""

import numpy as np
import pytest
import xarray as xr

from linkmodel.ssd import waf


def test_xiang_kurkoski_30_percent_op():
    # #1: 2.36 at rho = (T-U)/U = 0.30 (formula 2.364, simulation 2.35)
    assert waf.waf_uniform(waf.alpha_from_op(0.30)) == pytest.approx(2.364, abs=0.001)
    assert waf.waf_uniform(1.30) == pytest.approx(2.36, abs=0.01)


def test_agarwal_is_more_optimistic():
    # #2: Agarwal-Marrow (1 + rho) / (2 rho) = 2.17 at rho = 0.3, below the Lambert-W value
    assert waf.waf_agarwal(1.3) == pytest.approx(2.17, abs=0.005)
    assert waf.waf_uniform(1.3) > waf.waf_agarwal(1.3)


@pytest.mark.parametrize("alpha, expected", [(1.07, 7.817), (1.28, 2.481), (1.50, 1.716), (2.0, 1.255)])
def test_lambert_w_table(alpha, expected):
    # #3-#6
    assert waf.waf_uniform(alpha) == pytest.approx(expected, abs=0.001)


def test_mqsim_convention():
    # #7: sf = (T-U)/T = 0.07 -> alpha = 1/0.93 = 1.07527 -> 7.318 (+-0.001)
    alpha = waf.alpha_from_op(0.07, "physical")
    assert alpha == pytest.approx(1 / 0.93, rel=1e-12)
    assert waf.waf_uniform(alpha) == pytest.approx(7.318, abs=0.001)


def test_victim_valid_fraction():
    assert waf.victim_valid_fraction(1.28) == pytest.approx(0.597, abs=0.001)  # #8


def test_kinds_and_errors():
    a = xr.DataArray([1.1, 1.3], dims="alpha")
    assert isinstance(waf.waf_uniform(a), xr.DataArray)
    assert np.all(np.diff(waf.waf_uniform(np.array([1.05, 1.1, 1.5, 3.0]))) < 0)
    with pytest.raises(ValueError, match="alpha: 1 out of range; must be > 1"):
        waf.waf_uniform(1.0)
    with pytest.raises(ValueError, match="convention: 'gross' not allowed"):
        waf.alpha_from_op(0.1, "gross")
