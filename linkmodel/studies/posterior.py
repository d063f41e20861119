"""An ensemble MCMC run (emcee) over a vectorized log posterior, its convergence, and a summary of its draws.

The machinery behind :mod:`linkmodel.studies.calibrate`, kept free of the drive model so that it can be
checked on a problem whose posterior is known (tests/studies/test_calibration_posterior.py: a
linear-Gaussian model). The log posterior takes an array ``(k, ndim)`` of walker positions and returns
``k`` log densities (``-inf`` outside the prior's support): emcee's ``vectorize=True`` calls it once with
every walker, then with each half of the ensemble in turn, twice per step (uncertainty.md §2).

Seeding: the walkers start in a ball drawn with ``numpy.random.default_rng(seed)``; the sampler's own
(legacy) random state is set from ``numpy.random.RandomState(seed)``. The same seed gives the same chain on
the same numpy build.

Convergence: the integrated autocorrelation time tau of every parameter (emcee's estimator, in steps), the
chain length in units of the largest tau (emcee trusts tau only at 50 or more), and the acceptance fraction
(0.2-0.5 is the usual range; emcee's own quickstart gives 0.55). Burn-in discarded: 3 tau; thinning: tau / 2.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from linkmodel.studies.report import Report

__all__ = ["MOVES", "QUANTILES", "Chain", "half_normal_log_sigma", "run", "summary"]

#: the summary's quantiles: 10th percentile, median, 90th percentile [1]
QUANTILES = (0.1, 0.5, 0.9)
#: the ensemble moves offered (:func:`run`)
MOVES = ("de", "stretch")
#: burn-in discarded, in units of the largest autocorrelation time [1]
BURN_TAUS = 3.0
#: chain length, in autocorrelation times, from which emcee trusts its estimate of tau (its default ``tol``)
TRUSTED_TAUS = 50.0


@dataclass(frozen=True, eq=False)
class Chain(Report):
    """An ensemble run and its convergence.

    Attributes
    ----------
    names : tuple of str
        Parameter names (the columns of ``draws``).
    draws : numpy.ndarray
        ``(n, ndim)`` draws after burn-in, thinned, walkers pooled (units of the sampled coordinates).
    autocorr : tuple of float
        Integrated autocorrelation time per parameter [steps].
    acceptance : float
        Mean acceptance fraction over walkers [1].
    acceptance_range : tuple of float
        Lowest and highest acceptance fraction of a walker [1].
    steps, walkers, discard, thin, seed : int
        Steps run, walkers, steps discarded as burn-in, thinning [steps], seed.
    calls : int
        Calls of the log posterior (each with ``walkers`` or ``walkers / 2`` rows).
    """

    names: tuple
    draws: np.ndarray
    autocorr: tuple
    acceptance: float
    acceptance_range: tuple
    steps: int
    walkers: int
    discard: int
    thin: int
    seed: int
    calls: int

    @property
    def taus(self) -> float:
        """The chain length in units of the largest autocorrelation time [1] (trusted from 50)."""
        return self.steps / max(self.autocorr)

    @property
    def effective(self) -> float:
        """Effective sample size of the worst-mixing parameter, walkers x (steps - burn-in) / tau [1]."""
        return self.walkers * (self.steps - self.discard) / max(self.autocorr)


def half_normal_log_sigma(log_sigma, scale: float) -> np.ndarray:
    """Log density of ``ln sigma`` when sigma is half-normal with scale ``scale`` (up to a constant) [1].

    The half-normal density ``exp(-sigma^2 / (2 scale^2))`` times the Jacobian ``d sigma / d ln sigma =
    sigma`` (uncertainty.md §1.2: half-normal(0.5) on each class's log-error sigma, "typically within +-50 %").
    """
    s = np.exp(np.asarray(log_sigma, dtype=float))
    return -0.5 * (s / scale) ** 2 + np.log(s)


def run(
    log_prob: Callable[[np.ndarray], np.ndarray],
    start,
    spread,
    names,
    steps: int,
    seed: int,
    walkers: int | None = None,
    moves: str = "de",
) -> Chain:
    """Sample a vectorized log posterior with emcee's stretch move.

    Parameters
    ----------
    log_prob : callable
        ``(k, ndim)`` positions -> ``k`` log densities (``-inf`` outside the support, never NaN).
    start, spread : array-like
        Centre and per-parameter width of the starting ball (``ndim`` each; sampled coordinates).
    names : sequence of str
        Parameter names.
    steps : int
        Steps to run (each moves every walker once).
    seed : int
        Seed of the starting ball and the sampler (>= 0).
    walkers : int, optional
        Ensemble size; default ``max(32, 4 ndim)`` rounded up to even (uncertainty.md §2 defaults).
    moves : {"de", "stretch"}
        ``"de"``: differential evolution (80 %) mixed with its snooker variant (20 %), the mix emcee's
        moves tutorial shows mixing faster than the stretch move on correlated posteriors; ``"stretch"``:
        emcee's default stretch move (a = 2).

    Returns
    -------
    Chain

    Raises
    ------
    ValueError
        ``steps`` below 10, a negative seed, or fewer walkers than 2 ndim.
    """
    import emcee

    start, spread = np.asarray(start, dtype=float), np.asarray(spread, dtype=float)
    ndim = start.size
    walkers = max(32, 4 * ndim) if walkers is None else int(walkers)
    walkers += walkers % 2
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 10:
        raise ValueError(f"steps: expected a whole number >= 10, got {steps!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed: expected a whole number >= 0, got {seed!r}")
    if walkers < 2 * ndim:
        raise ValueError(f"walkers: expected at least 2 x {ndim} parameters = {2 * ndim}, got {walkers}")
    calls = [0]

    def counted(p):
        calls[0] += 1
        out = np.asarray(log_prob(p), dtype=float)
        return np.where(np.isnan(out), -np.inf, out)

    rng = np.random.default_rng(seed)
    p0 = start + spread * rng.normal(size=(walkers, ndim))
    if moves not in MOVES:
        raise ValueError(f"moves: {moves!r} not allowed; allowed: {', '.join(MOVES)}")
    mix = [(emcee.moves.DEMove(), 0.8), (emcee.moves.DESnookerMove(), 0.2)] if moves == "de" else None
    sampler = emcee.EnsembleSampler(walkers, ndim, counted, moves=mix, vectorize=True)
    sampler.random_state = np.random.RandomState(seed).get_state()
    sampler.run_mcmc(p0, steps, progress=False)
    tau = np.asarray(sampler.get_autocorr_time(tol=0), dtype=float)
    tmax = float(np.nanmax(tau)) if np.all(np.isfinite(tau)) else float(steps)
    discard = min(math.ceil(BURN_TAUS * tmax), steps // 2)
    thin = max(1, int(tmax // 2))
    acc = sampler.acceptance_fraction
    return Chain(
        tuple(names),
        sampler.get_chain(discard=discard, thin=thin, flat=True),
        tuple(float(t) for t in tau),
        float(np.mean(acc)),
        (float(np.min(acc)), float(np.max(acc))),
        steps,
        walkers,
        discard,
        thin,
        seed,
        calls[0],
    )


def summary(draws) -> tuple[float, float, float]:
    """(10th percentile, median, 90th percentile) of draws (numpy's linear interpolation) [units of draws]."""
    lo, med, hi = np.quantile(np.asarray(draws, dtype=float).ravel(), QUANTILES)
    return float(lo), float(med), float(hi)
