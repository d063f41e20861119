"""The uniform-random WAF kernel against scipy's Lambert W0 (an independent implementation).

``A = alpha / (alpha + W0(-alpha e^-alpha))`` (greedy GC under uniform random writes, the closed form of
ssd_modeling.md); the kernel finds the same root by Newton without evaluating W0, so the two agree where
W0 is well conditioned (alpha >= 1.01: ``alpha + W`` keeps at least ~2 digits of 16)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import lambertw

from linkmodel.ssd.waf import lambertw_kernel


def _closed_form(alpha):
    return alpha / (alpha + lambertw(-alpha * np.exp(-alpha)).real)


def test_matches_w0_over_the_working_range():
    alpha = np.linspace(1.01, 30.0, 20001)
    np.testing.assert_allclose(lambertw_kernel(alpha), _closed_form(alpha), rtol=1e-11)


@given(st.floats(1.01, 30.0))
def test_matches_w0_at_any_scalar(alpha):
    assert float(lambertw_kernel(alpha)) == pytest.approx(float(_closed_form(alpha)), rel=1e-11)


def test_hand_values():
    # alpha = 2 (100 % over-provisioning): W0(-2 e^-2) = -0.40637573995996... (scipy, 16 digits), so
    # A = 2 / 1.59362426004004 = 1.255 (the textbook ~1.25 at 100 % OP)
    assert float(lambertw_kernel(2.0)) == pytest.approx(2.0 / (2.0 - 0.40637573995996), rel=1e-12)
    # near alpha = 1 the series u = 2e - 8e^2/3: A = 1 / u = 4.9999996e8 at e = 1e-9 (W0 itself loses half
    # its digits here)
    assert float(lambertw_kernel(1.0 + 1e-9)) == pytest.approx(1.0 / (2e-9 - 8.0 / 3.0 * 1e-18), rel=1e-6)
