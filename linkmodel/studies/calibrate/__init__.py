"""Bayesian calibration of the four shared constants no vendor publishes, with a per-class model discrepancy.

Die program power (W per die while programming), the fixed share of a controller's full-load power (drawn at
idle too), the data-path energy per byte the model does not itemise and the controller's energy per NVMe
command are not published for any current part, yet they set every power-capped figure. They are
calibrated *once, for all parts*: figure i of part g, published y_i, predicted m_i(theta) with every other
input at its value, is read as (uncertainty.md §1.2, Kennedy-O'Hagan's discrepancy with a white-noise
kernel on the log scale)::

    ln y_i = ln m_i(theta) + delta_i,   delta_i ~ N(0, sigma_c(i)^2)

one sigma per figure class c (sequential read, sequential write, random read, random write, power and
efficiency), sampled with theta. Priors (:data:`PRIORS`): log-normal or uniform from each constant's
plausible range, the basis written beside it; half-normal(0.5) on each sigma. The posterior is sampled with
emcee (:mod:`linkmodel.studies.posterior`, differential-evolution moves), every walker of a call evaluated
by two drive-model calls (sequential and random figures): the SKUs' parameters, one row per walker, are
stacked one column per figure, with each figure's I/O size and read share. The constants enter a SKU's
parameters affinely; the affine map is measured from one resolution per SKU and checked (``_linearize``).

Figures: the confirmed vendor figures (``up_to``, ``typical``, ``max``, ``derived``) of the drive model's
workloads, not those that set an input, no power figure equal to the part's power cap (a power-bound
prediction equals it by construction), no mixed or highest-average-power figure. A figure measured in the SLC
cache (``state = "slc_burst"``) is predicted as validate predicts it, by the burst drive
(:func:`linkmodel.studies.figures.params_for`). A figure that no draw of
the priors moves (bound by dies, channels or the link) is evaluated once; it still informs its class's
sigma.

``python -m linkmodel.studies.calibrate [--seed S] [--steps N]`` samples it and writes
``data/catalogue/calibration.toml`` (:func:`linkmodel.parts.calibration.load_posterior` reads it); ``--loo``
prints the leave-one-part-out table instead (:mod:`linkmodel.studies.loo`). The point value the model
uses is each constant's posterior median.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from linkmodel import parts as _parts
from linkmodel.parts.calibration import CONSTANTS
from linkmodel.parts.priorspec import Prior
from linkmodel.ssd import drive
from linkmodel.ssd.params import PARAMETERS, DriveParams
from linkmodel.studies import posterior
from linkmodel.studies.figures import CLASSES as FIGURE_CLASSES
from linkmodel.studies.figures import PREDICTED, params_for

__all__ = [
    "CLASSES",
    "DEFAULT_SEED",
    "DEFAULT_STEPS",
    "METRICS",
    "PRIORS",
    "SIGMA_SCALE",
    "VENDOR_KINDS",
    "Figure",
    "Problem",
    "calibrate",
    "figures",
]

#: the metrics calibrated on: the drive model's workload figures (a mixed rate runs the closed loop at the
#: vendor's depth and the highest average power needs every workload: neither is a single-workload figure)
METRICS = tuple(
    m for m, (wl, _) in PREDICTED.items() if wl in drive.WORKLOADS and m != "mixed_70_30" and m in FIGURE_CLASSES
)
#: the discrepancy classes: validate's metric classes of those metrics
CLASSES = tuple(dict.fromkeys(FIGURE_CLASSES[m] for m in METRICS))
VENDOR_KINDS = ("up_to", "typical", "max", "derived")
#: half-normal scale of every class's log-error sigma [1] (uncertainty.md §1.2: "typically within +-50 %",
#: a judgement)
SIGMA_SCALE = 0.5
DEFAULT_STEPS = 2500
DEFAULT_SEED = 2026

#: priors of the constants (SI): a log-normal's range is its central 90 % interval (median at the value), a
#: uniform's its bounds (docs/uncertainty.md "Calibration")
PRIORS = {
    "program_power": Prior(
        math.sqrt(0.05 * 0.4),
        0.05,
        0.4,
        "lognormal",
        basis="a die programming draws a few tens of mA (ICC) at 2.5-3.3 V (VCC): 0.05-0.4 W; planar-era "
        "simulators use 25 mA x 3.3 V = 83 mW per operation (ssd_modeling.md §6.1)",
    ),
    "controller_fixed_fraction": Prior(
        0.5,
        0.0,
        1.0,
        "uniform",
        basis="a share of the controller's full-load power drawn whatever the load (cores, clocks, SRAM, "
        "leakage): nothing published, any share from none to all",
    ),
    "controller_energy": Prior(
        math.sqrt(0.08e-9 * 0.8e-9),
        0.08e-9,
        0.8e-9,
        "lognormal",
        basis="10-100 pJ/bit (0.08-0.8 nJ/B): LDPC decoding, DRAM buffer accesses and NAND I/O are each of "
        "order 10 pJ/bit",
    ),
    "command_energy": Prior(
        math.sqrt(0.2e-6 * 2e-6),
        0.2e-6,
        2e-6,
        "lognormal",
        basis="one embedded core of ~0.3 W busy ~3 us per command is ~1 uJ; at a Gen5 drive's 3.5 M random "
        "reads it must stay below a 7-10 W controller's full-load power, under 2 uJ",
    ),
}
#: z of the 95th percentile, Phi^-1(0.95) (uncertainty.md oracle 1)
_Z90 = 1.6448536269514722
#: metric -> its standard workload (I/O size replaced by the figure's, read share and access pattern kept)
_WORKLOAD = {m: drive.WORKLOADS[str(PREDICTED[m][0])] for m in METRICS}


def _log_sd(p: Prior) -> float:
    """A log-normal prior's log-sd: its range is the central 90 % interval [1]."""
    return math.log(float(p.hi or 1.0) / float(p.lo or 1.0)) / (2 * _Z90)


@dataclass(frozen=True)
class Figure:
    """One published figure the calibration fits (SI units: B/s, 1/s, W, B/s/W)."""

    part: str
    metric: str
    capacity: float
    block: float
    published: float
    #: the drive state it was measured in (``[[published]].state``): an SLC-cache burst is predicted so
    state: str = "steady"

    @property
    def cls(self) -> str:
        """The figure's discrepancy class."""
        return FIGURE_CLASSES[self.metric]


def figures(parts=None) -> list[Figure]:
    """The figures the calibration fits (module docstring), in part order."""
    out = []
    for part in _parts.bundled_parts() if parts is None else parts:
        cap = part.get("power_cap") if "power_cap" in part.fields else None
        for pub in part.published:
            if pub.metric not in METRICS or pub.kind not in VENDOR_KINDS or not pub.confirmed or pub.sets:
                continue
            power = pub.metric != "idle_power" and pub.metric.endswith("_power")
            if power and cap is not None and np.isclose(pub.value, cap):
                continue
            out.append(Figure(part.id, pub.metric, pub.capacity, pub.block_size, pub.value, pub.state))
    return out


def _stack(items: list[Mapping], k: int, static: dict) -> DriveParams:
    """One DriveParams over figures (axis 1) and walkers (axis 0, where a field varies with the constants).

    ``static`` caches the fields no constant moves (the same at every call for these items).
    """
    if not static:
        for name in PARAMETERS:
            vals = [it[name] for it in items]
            if all(np.ndim(v) == 0 for v in vals):
                a = np.array(vals, dtype=float)
                static[name] = a[0] if np.all(a == a[0]) or np.all(np.isnan(a)) else a[None, :]
    out = dict(static)
    for name in PARAMETERS:
        if name not in static:
            out[name] = np.stack([np.broadcast_to(np.asarray(it[name], dtype=float), (k,)) for it in items], axis=1)
    return DriveParams.from_mapping(out)


class Problem:
    """The figures' predictions as a function of the constants, and the log posterior (vectorized).

    Sampled coordinates: ``ln x`` of a log-normal constant, ``x`` of a uniform one, ``ln sigma`` per class.
    """

    def __init__(self, figs: list[Figure], cat=None):
        if not figs:
            raise ValueError("figures: none to calibrate on")
        self.figs = figs
        self.cat = _parts.catalogue() if cat is None else cat
        self.parts = {f.part: _parts.part(f.part) for f in figs}
        self.names = (*CONSTANTS, *(f"sigma.{c}" for c in CLASSES))
        self.log_y = np.log([f.published for f in figs])
        self.cls = np.array([CLASSES.index(f.cls) for f in figs])
        self.groups: dict[bool, list[int]] = {}  # random access or not -> figures (one drive-model call each)
        self._static: dict[tuple, dict] = {}
        self._lin: dict[tuple, tuple | None] = {}
        for i, f in enumerate(figs):
            self.groups.setdefault(_WORKLOAD[f.metric].random, []).append(i)
        self.active = np.arange(len(figs))
        self.fixed = np.full(len(figs), np.nan)
        probe = self.to_si(self.prior_draws(np.random.default_rng(0), 16))
        m = self.predict(probe)
        moved = np.any(m != m[0], axis=0)
        self.fixed[~moved], self.active = m[0, ~moved], np.flatnonzero(moved)

    # --- coordinates and prior ---------------------------------------------------------------------
    def to_si(self, coords) -> np.ndarray:
        """Constants [SI] ``(k, 4)`` from sampled coordinates ``(k, >= 4)``."""
        c = np.asarray(coords, dtype=float)[:, : len(CONSTANTS)]
        return np.column_stack(
            [np.exp(c[:, j]) if PRIORS[n].shape == "lognormal" else c[:, j] for j, n in enumerate(CONSTANTS)]
        )

    def log_prior(self, coords) -> np.ndarray:
        """Log prior density of sampled coordinates ``(k, ndim)`` (up to a constant; -inf off the support)."""
        c = np.asarray(coords, dtype=float)
        lp = np.zeros(c.shape[0])
        for j, name in enumerate(CONSTANTS):
            p = PRIORS[name]
            if p.shape == "lognormal":
                sd = _log_sd(p)
                lp += -0.5 * ((c[:, j] - math.log(p.value)) / sd) ** 2
            else:
                lp += np.where((c[:, j] >= p.lo) & (c[:, j] <= p.hi), 0.0, -np.inf)
        return lp + posterior.half_normal_log_sigma(c[:, len(CONSTANTS) :], SIGMA_SCALE).sum(axis=1)

    def prior_draws(self, rng, n: int) -> np.ndarray:
        """``n`` draws of the sampled coordinates from the constants' priors (sigmas at 0.2) ``(n, ndim)``."""
        cols = []
        for name in CONSTANTS:
            p = PRIORS[name]
            if p.shape == "lognormal":
                cols.append(rng.normal(math.log(p.value), _log_sd(p), n))
            else:
                cols.append(rng.uniform(float(p.lo or 0.0), float(p.hi or 0.0), n))
        return np.column_stack([*cols, np.full((n, len(CLASSES)), math.log(0.2))])

    def start(self) -> tuple[np.ndarray, np.ndarray]:
        """Centre and width of the walkers' starting ball: the priors' medians, sigmas at 0.2."""
        centre = self.prior_draws(np.random.default_rng(0), 1)[0]
        for j, name in enumerate(CONSTANTS):
            p = PRIORS[name]
            centre[j] = math.log(p.value) if p.shape == "lognormal" else p.value
        return centre, np.full(centre.size, 0.05)

    # --- the model ---------------------------------------------------------------------------------
    def predict(self, consts) -> np.ndarray:
        """Predictions ``(k, n_figures)`` [SI] at constants ``(k, 4)`` [SI]: one drive-model call for the
        sequential figures and one for the random ones (read share and I/O size per figure)."""
        consts = np.asarray(consts, dtype=float)
        k = consts.shape[0]
        out = np.tile(self.fixed, (k, 1))
        active = set(self.active.tolist())
        resolved: dict[tuple, Mapping] = {}
        for random, idx in self.groups.items():
            idx = [i for i in idx if i in active]
            if not idx:
                continue
            for i in idx:
                key = (self.figs[i].part, self.figs[i].capacity)
                if key not in resolved:
                    resolved[key] = self._params(key, consts)
            static = self._static.setdefault((random, *idx), {})
            figs = [self.figs[i] for i in idx]
            params = _stack([params_for(resolved[f.part, f.capacity], f.state) for f in figs], k, static)
            size = np.array([[self.figs[i].block for i in idx]])
            reads = np.array([[_WORKLOAD[self.figs[i].metric].read_fraction for i in idx]])
            ds = drive.evaluate(params, drive.Workload("calibration", size, reads, random))
            for q in {PREDICTED[self.figs[i].metric][1] for i in idx}:
                vals = np.broadcast_to(np.asarray(ds[q].values, dtype=float), (k, len(idx)))
                cols = [j for j, i in enumerate(idx) if PREDICTED[self.figs[i].metric][1] == q]
                out[:, [idx[j] for j in cols]] = vals[:, cols]
        return out

    def _resolve(self, key: tuple, consts) -> DriveParams:
        part = self.parts[key[0]]
        given = {n: consts[:, j] for j, n in enumerate(CONSTANTS)}
        with _parts.about(part, key[1]):
            return _parts.params_from_part(part, key[1], self.cat, given)[0]

    def _params(self, key: tuple, consts) -> Mapping:
        """A SKU's drive parameters at constants ``(k, 4)`` [SI]: from its affine map when it has one."""
        if key not in self._lin:
            self._lin[key] = self._linearize(key)
        lin = self._lin[key]
        if lin is None:
            return self._resolve(key, consts)
        theta0, base, slopes = lin
        d = consts - theta0
        return {**base, **{n: base[n] + d @ slope for n, slope in slopes.items()}}

    def _linearize(self, key: tuple):
        """(theta0, parameters at theta0, slope per parameter the constants move), or None.

        The resolution (linkmodel.parts.rules) enters the constants affinely (program power as is; the fixed
        share times the full-load power; the data-path energy plus the rest of it per byte; the command
        energy as is); the map is measured from one resolution at 7 points (the priors' medians, a step in
        each constant, two far points) and used only when the two far points lie on it to 1e-9, else every
        call resolves the SKU.
        """
        theta0 = np.array([PRIORS[n].value for n in CONSTANTS])
        deltas = 0.1 * theta0
        far = theta0 * np.array([[0.5, 0.3, 1.8, 2.5], [1.7, 1.6, 0.4, 0.3]])
        pts = np.vstack([theta0, theta0 + np.diag(deltas), far])
        p = self._resolve(key, pts)
        base, slopes = {}, {}
        for name in PARAMETERS:
            v = np.broadcast_to(np.asarray(p[name], dtype=float), (len(pts),))
            if np.all(v == v[0]) or np.all(np.isnan(v)):
                base[name] = float(v[0])
                continue
            if not np.all(np.isfinite(v)):
                return None
            slope = (v[1:5] - v[0]) / deltas
            if not np.allclose(v[0] + (far - theta0) @ slope, v[5:], rtol=1e-9, atol=0):
                return None
            base[name], slopes[name] = float(v[0]), slope
        return theta0, base, slopes

    def log_posterior(self, coords) -> np.ndarray:
        """Log posterior ``(k,)`` of sampled coordinates ``(k, ndim)`` (up to a constant; -inf off support)."""
        c = np.asarray(coords, dtype=float)
        lp = self.log_prior(c)
        out = np.full(c.shape[0], -np.inf)
        ok = np.isfinite(lp)
        if not ok.any():
            return out
        m = self.predict(self.to_si(c[ok]))
        with np.errstate(divide="ignore", invalid="ignore"):
            r = self.log_y - np.log(m)
            sig = np.exp(c[ok, len(CONSTANTS) :])[:, self.cls]
            ll = np.sum(-np.log(sig) - 0.5 * (r / sig) ** 2, axis=1)
        out[ok] = np.where(np.isfinite(ll), lp[ok] + ll, -np.inf)
        return out

    def si_draws(self, coords) -> dict[str, np.ndarray]:
        """Draws of the sampled coordinates as SI values: constant or ``sigma.<class>`` -> array."""
        c = np.asarray(coords, dtype=float)
        si = self.to_si(c)
        out = {n: si[:, j] for j, n in enumerate(CONSTANTS)}
        out.update({n: np.exp(c[:, len(CONSTANTS) + j]) for j, n in enumerate(self.names[len(CONSTANTS) :])})
        return out


def calibrate(
    steps: int = DEFAULT_STEPS, seed: int = DEFAULT_SEED, exclude: str | None = None, figs=None, walkers=None
) -> tuple[Problem, posterior.Chain]:
    """Sample the posterior of the constants and the class sigmas.

    Parameters
    ----------
    steps : int
        Ensemble steps.
    seed : int
        Seed (the same seed gives the same chain on the same numpy build).
    exclude : str, optional
        A part id whose figures are left out (leave-one-part-out).
    figs : list of Figure, optional
        Default :func:`figures`.
    walkers : int, optional
        Default ``max(32, 4 ndim)``.

    Returns
    -------
    (Problem, Chain)
    """
    figs = figures() if figs is None else figs
    prob = Problem([f for f in figs if f.part != exclude])
    centre, spread = prob.start()
    chain = posterior.run(prob.log_posterior, centre, spread, prob.names, steps, seed, walkers)
    return prob, chain
