"""The posterior machinery (linkmodel.studies.posterior) on a problem whose posterior is known in closed form."""

import numpy as np
import pytest

from linkmodel.studies import posterior

# a straight line y = a + b x with Gaussian noise of known sd s, and independent N(0, 10^2) priors on a and b:
# the posterior is Gaussian with precision  X'X / s^2 + I / 100  and mean  cov X'y / s^2  (conjugate normal
# linear regression; e.g. Gelman et al., Bayesian Data Analysis, §14.2)
X_OBS = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
Y_OBS = np.array([1.1, 2.9, 5.2, 7.1, 8.8])
S = 0.5
PRIOR_SD = 10.0


def analytic():
    x = np.column_stack([np.ones_like(X_OBS), X_OBS])
    precision = x.T @ x / S**2 + np.eye(2) / PRIOR_SD**2
    cov = np.linalg.inv(precision)
    return cov @ x.T @ Y_OBS / S**2, cov


def log_prob(p):
    assert p.ndim == 2 and p.shape[1] == 2  # vectorized: every walker (or half of them) in one call
    resid = Y_OBS[None, :] - (p[:, :1] + p[:, 1:] * X_OBS[None, :])
    return -0.5 * np.sum(resid**2, axis=1) / S**2 - 0.5 * np.sum(p**2, axis=1) / PRIOR_SD**2


@pytest.fixture(scope="module")
def chain():
    return posterior.run(log_prob, [0.0, 0.0], [0.1, 0.1], ("a", "b"), steps=3000, seed=7)


def test_linear_gaussian_posterior_matches_closed_form(chain):
    mean, cov = analytic()
    sd = np.sqrt(np.diag(cov))
    # by hand: X'X / s^2 + I / 100 = [[20.01, 40], [40, 120.01]], X'y / s^2 = [100.4, 279.2] (sum y = 25.1,
    # sum xy = 69.8); solving gives (1.0993, 1.9601), the least-squares line (1.1, 1.96) shrunk a little
    assert mean == pytest.approx([1.0993, 1.9601], abs=1e-4)
    est = chain.draws.mean(axis=0)
    # Monte Carlo error of a posterior mean: sd / sqrt(effective draws); 5 of them
    tol = 5 * sd / np.sqrt(chain.effective)
    assert np.all(np.abs(est - mean) < tol), (est, mean, tol)
    assert chain.draws.std(axis=0) == pytest.approx(sd, rel=0.1)
    # the correlation of a and b: -40 / sqrt(20.01 x 120.01) x (-1) in the inverse: -0.816 for these x
    r = np.corrcoef(chain.draws.T)[0, 1]
    assert r == pytest.approx(-0.816, abs=0.05)


def test_convergence_is_reported(chain):
    assert chain.walkers == 32 and chain.steps == 3000
    assert all(1 < t < 100 for t in chain.autocorr)
    assert chain.taus >= posterior.TRUSTED_TAUS
    assert 0.2 < chain.acceptance < 0.9 and chain.acceptance_range[0] <= chain.acceptance <= chain.acceptance_range[1]
    # burn-in 3 tau, thinned by tau / 2: rows kept per walker
    assert chain.discard == int(np.ceil(3 * max(chain.autocorr)))
    assert chain.draws.shape == (32 * ((3000 - chain.discard) // chain.thin), 2)


def test_same_seed_same_chain_other_seed_other_chain():
    a = posterior.run(log_prob, [0.0, 0.0], [0.1, 0.1], ("a", "b"), steps=50, seed=3)
    b = posterior.run(log_prob, [0.0, 0.0], [0.1, 0.1], ("a", "b"), steps=50, seed=3)
    c = posterior.run(log_prob, [0.0, 0.0], [0.1, 0.1], ("a", "b"), steps=50, seed=4)
    np.testing.assert_array_equal(a.draws, b.draws)
    assert a.draws.shape != c.draws.shape or not np.array_equal(a.draws, c.draws)


def test_calls_are_vectorized():
    # emcee's stretch move: one call with every walker, then two calls (one per half ensemble) per step
    # (uncertainty.md §2: 16 walkers, 5 steps -> 1 x (16, 3) + 10 x (8, 3))
    shapes = []

    def recording(p):
        shapes.append(p.shape)
        return log_prob(p)

    ch = posterior.run(recording, [0.0, 0.0], [0.1, 0.1], ("a", "b"), steps=20, seed=1, moves="stretch")
    assert ch.calls == 1 + 2 * 20 and shapes == [(32, 2)] + [(16, 2)] * 40
    # differential evolution updates halves too; its snooker variant quarters (emcee's DESnookerMove nsplits=4)
    shapes.clear()
    ch = posterior.run(recording, [0.0, 0.0], [0.1, 0.1], ("a", "b"), steps=20, seed=1)
    assert 1 + 2 * 20 <= ch.calls <= 1 + 4 * 20 and set(shapes) <= {(32, 2), (16, 2), (8, 2)}


def test_half_normal_log_sigma_by_hand():
    # ln of sigma's half-normal density exp(-sigma^2 / (2 c^2)) times the Jacobian sigma, at sigma = 0.5, c = 0.5
    assert posterior.half_normal_log_sigma(np.log(0.5), 0.5) == pytest.approx(-0.5 + np.log(0.5))
    assert posterior.half_normal_log_sigma(np.log(1.0), 0.5) == pytest.approx(-2.0)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"steps": 5}, "steps: expected a whole number >= 10"),
        ({"seed": -1}, "seed: expected"),
        ({"walkers": 2}, "walkers"),
    ],
)
def test_bad_arguments_one_line(kw, message):
    args = {"steps": 20, "seed": 0, **kw}
    with pytest.raises(ValueError, match=message):
        posterior.run(log_prob, [0.0, 0.0], [0.1, 0.1], ("a", "b"), **args)


def test_summary_quantiles():
    lo, med, hi = posterior.summary(np.arange(11.0))
    assert (lo, med, hi) == (1.0, 5.0, 9.0)
