"""The normal quantile the log-normal priors draw through, against two independent implementations."""

import statistics

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import ndtri as scipy_ndtri

from linkmodel.parts.draws import ndtri


def test_equals_scipy_and_the_standard_library_over_the_unit_interval():
    u = np.concatenate([np.linspace(1e-12, 1 - 1e-12, 20001), np.logspace(-300, -1, 300), 1 - np.logspace(-16, -1, 50)])
    np.testing.assert_allclose(ndtri(u), scipy_ndtri(u), rtol=1e-14, atol=1e-15)
    std = statistics.NormalDist()
    np.testing.assert_allclose(ndtri(u[::97]), [std.inv_cdf(float(x)) for x in u[::97]], rtol=1e-15, atol=1e-15)


@given(st.floats(1e-6, 0.5, exclude_max=True))
def test_symmetric_and_monotone(p):
    assert float(ndtri(p)) == pytest.approx(-float(ndtri(1.0 - p)), rel=1e-9)  # 1 - p rounds: dz = 1e-16 / phi(z)
    assert float(ndtri(p)) <= float(ndtri(min(2 * p, 0.5)))


def test_hand_values():
    # the 5 % / 95 % points of the standard normal, 1.6448536269514722 (tables), and the median 0
    assert float(ndtri(0.95)) == pytest.approx(1.6448536269514722, rel=1e-15)
    assert float(ndtri(0.5)) == 0.0
    assert float(ndtri(0.1)) == pytest.approx(-1.2815515655446004, rel=1e-15)
