"""Intervals on a part's figures: the drive model over draws of the part's priors, in one broadcast call.

:func:`intervals` draws the priors of every SKU a part publishes figures for
(:func:`linkmodel.parts.draws.draw_params`), evaluates each workload once over all draws, and gives per
published figure the point prediction (every input at its value, as ``validate`` prints it), the median
and the 80 % interval (10th to 90th percentile) over the draws, and the quantile at which the published
figure falls among them. The seed, number of draws and method are in the result: the same seed gives the
same numbers on the same numpy build.

Covered: the figures of the drive model (sequential and random throughput and IOPS, power, efficiency,
idle power) and the QD1 read and write latency figures (the sustained QD1 latency ``validate`` compares,
over the same draws and draws of the controller's firmware times:
:mod:`linkmodel.studies.latency_draws`); endurance figures are not drawn here (``linkmodel endurance
--draws``). Each figure also carries the inputs
that dominate its spread, first-order Sobol' indices from the same draws
(:func:`linkmodel.studies.sensitivity.first_order`). :func:`ratio_intervals` gives the interval of a
what-if ratio between two parts, drawn with common random numbers for the inputs they share.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkmodel import parts as _parts
from linkmodel._typing import StorageIo
from linkmodel.parts.draws import Draws, draw_params
from linkmodel.ssd import drive
from linkmodel.studies import latency_draws
from linkmodel.studies.figures import PREDICTED, params_for
from linkmodel.studies.report import Report
from linkmodel.studies.sensitivity import bins_for, first_order, groups, noise_floor, ranked

__all__ = [
    "INTERVAL",
    "LATENCY_METRICS",
    "SENSITIVITY_FLOOR",
    "FigureInterval",
    "Intervals",
    "intervals",
    "quantile_of",
    "sensitivities",
    "summarize",
]

#: the interval reported: its lower and upper percentile [1] (an 80 % central interval)
INTERVAL = (0.1, 0.9)
#: first-order indices at or below this are never reported [1]; with few draws the floor is higher, three
#: standard deviations of the estimator's noise (linkmodel.studies.sensitivity.noise_floor: 0.016 at 1,000)
SENSITIVITY_FLOOR = 0.01
#: fewer draws than this give no sensitivity (each of the estimator's 4 bins holds at least 2 draws)
MIN_SENSITIVITY_DRAWS = 8


@dataclass(frozen=True, eq=False)
class FigureInterval(Report):
    """One published figure against the model over draws (SI: B/s, 1/s, W, B/s/W).

    ``quantile`` is the share of draws below the published value (ties count half): 0.5 at the median,
    below 0.1 or above 0.9 outside the 80 % interval.
    """

    metric: str
    capacity: float
    published: float
    point: float
    median: float
    low: float
    high: float
    quantile: float
    block_size: float | None = None
    #: input -> first-order Sobol' index of ln(figure) [1], largest first, those above SENSITIVITY_FLOOR
    sensitivity: dict | None = None


@dataclass(frozen=True, eq=False)
class Intervals(Report):
    """A part's figures over draws: per figure the point, median, 80 % interval and the published quantile."""

    part: str
    seed: int
    draws: int
    method: str
    interval: tuple
    figures: tuple
    inputs: tuple


def quantile_of(samples, value: float) -> float:
    """The share of ``samples`` below ``value``, ties counted half (the mid-rank empirical CDF) [1]."""
    x = np.asarray(samples, dtype=float).ravel()
    return float((np.count_nonzero(x < value) + 0.5 * np.count_nonzero(x == value)) / x.size)


def summarize(samples) -> tuple[float, float, float]:
    """(median, 10th percentile, 90th percentile) of draws (numpy's linear interpolation) [units of the draws]."""
    lo, med, hi = np.quantile(np.asarray(samples, dtype=float).ravel(), [INTERVAL[0], 0.5, INTERVAL[1]])
    return float(med), float(lo), float(hi)


def sensitivities(values: dict, y, labels: dict | None = None) -> dict:
    """Input -> first-order Sobol' index of ``ln y`` over draws [1], largest first, those above the estimator's
    noise (:func:`linkmodel.studies.sensitivity.noise_floor`) and :data:`SENSITIVITY_FLOOR`; ``labels``: the
    inputs' bins where already computed (:func:`linkmodel.studies.sensitivity.groups` at ``bins_for(n)``)."""
    n = np.asarray(y).size
    if n < MIN_SENSITIVITY_DRAWS:
        return {}
    return dict(ranked(first_order(values, y, labels=labels), max(SENSITIVITY_FLOOR, noise_floor(n))))


def _per_draw(values, n: int) -> np.ndarray:
    """A model output as ``n`` values, one per draw (an output no draw moves is repeated)."""
    v = np.asarray(values, dtype=float)
    return np.broadcast_to(v, (n,)) if v.ndim == 0 else v.reshape(n)


class _Runs:
    """One SKU's draws and each workload evaluated once over them (point and drawn)."""

    def __init__(self, draws: Draws):
        self.draws = draws
        self._cache: dict[tuple, tuple] = {}
        self._labels: dict | None = None

    def labels(self) -> dict:
        """The drawn inputs' bins for the sensitivities (one sort per input for every figure of the SKU)."""
        if self._labels is None:
            self._labels = groups(self.draws.values, bins_for(self.draws.n))
        return self._labels

    def figure(self, metric: str, block: float, state: str = "steady") -> tuple[float, np.ndarray]:
        """(point prediction, the n drawn predictions) of a metric at an I/O size [B], of a figure measured in
        ``state`` (:func:`linkmodel.studies.figures.params_for`)."""
        wl_name, quantity = PREDICTED[metric]
        key = (wl_name, block, state)
        if key not in self._cache:
            d = self.draws
            # numpy draws (no labels needed, none built), in the figure's drive state
            point, arrays = params_for(d.point, state), params_for(d.arrays(), state)
            if wl_name is None:  # the highest average power over the standard workloads (drive.predict's)
                runs = [(drive.evaluate(point, wl), drive.evaluate(arrays, wl)) for wl in drive.WORKLOADS.values()]
                pt = np.nanmax([float(p_.power) for p_, _ in runs])  # NaN skipped, as xarray's max skips it
                self._cache[key] = (pt, np.nanmax([_per_draw(x.power.values, d.n) for _, x in runs], axis=0))
            else:
                base = drive.WORKLOADS[wl_name]
                wl = drive.Workload(wl_name, float(block), base.read_fraction, base.random)
                pt, ds = drive.evaluate(point, wl), drive.evaluate(arrays, wl)
                self._cache[key] = (pt, ds)
        pt, ds = self._cache[key]
        if wl_name is None:
            return float(pt), ds
        return float(pt[quantity]), _per_draw(ds[quantity].values, self.draws.n)


#: the QD1 latency figures drawn (metric -> I/O direction)
LATENCY_METRICS: dict[str, StorageIo] = {"read_latency": "read", "write_latency": "write"}


def _qd1(part, run: _Runs, pub, cat) -> tuple[float, np.ndarray, dict]:
    """(point, the n drawn values, the firmware terms' drawn values) of a QD1 latency figure [s], as
    validate's QD1 record computes it (sustained QD1 latency on the part's host path)."""
    io, d = LATENCY_METRICS[pub.metric], run.draws
    key = ("latency", io, pub.block_size)
    if key not in run._cache:
        path, fw = latency_draws.path_draws(part, d.n, d.seed, cat, d.method, d.scale)
        point_path = _parts.host_path(part, "value", _parts.catalogue() if cat is None else cat)
        pt = latency_draws.qd1_draws(part, d.point, io, pub.block_size, point_path)
        run._cache[key] = (float(pt[0]), latency_draws.qd1_draws(part, d.params, io, pub.block_size, path), fw)
    return run._cache[key]


def _drawn(part, pub) -> bool:
    """A figure of the drive model that is a check of it (not one of its inputs, as validate decides)."""
    if pub.metric in LATENCY_METRICS and not pub.sets:
        return True
    if pub.metric not in PREDICTED or PREDICTED[pub.metric][0] not in (*drive.WORKLOADS, None) or pub.sets:
        return False
    if pub.metric == "mixed_70_30":  # validate runs the closed loop at the vendor's depth, not the drive's ceiling
        return False
    cap = part.get("power_cap")
    return not (pub.metric == "active_power" and cap is not None and np.isclose(pub.value, cap))


def intervals(part, n: int = 1024, seed: int = 0, cat=None, method: str = "mc", scale: float = 1.0) -> Intervals:
    """Every drive-model figure a part publishes: point, median and 80 % interval over draws of its priors.

    Parameters
    ----------
    part : Part or str or pathlib.Path
        A Part, a bundled id or a spec-file path.
    n : int
        Draws per SKU.
    seed : int
        Seed (>= 0), reported in the result.
    cat : dict, optional
        The catalogue.
    method : {"mc", "sobol", "lhs"}
        See :func:`linkmodel.parts.draws.draw_params`.
    scale : float
        Spread multiplier of every prior (0: every input at its value, the point prediction).

    Returns
    -------
    Intervals
        ``figures``: one :class:`FigureInterval` per published figure of the drive model (SI units),
        ``inputs``: the names of the inputs drawn (of every SKU).
    """
    part = _parts.part(part)
    runs: dict = {}
    out = []
    for pub in part.published:
        if not _drawn(part, pub):
            continue
        if pub.capacity not in runs:
            runs[pub.capacity] = _Runs(draw_params(part, n, seed, pub.capacity, cat, method, scale))
        values = runs[pub.capacity].draws.values
        with _parts.about(part, pub.capacity):
            if pub.metric in LATENCY_METRICS:
                point, x, fw = _qd1(part, runs[pub.capacity], pub, cat)
                values = values | fw
            else:
                point, x = runs[pub.capacity].figure(pub.metric, pub.block_size, pub.state)
        med, lo, hi = summarize(x)
        q = quantile_of(x, pub.value)
        sens = sensitivities(values, x, runs[pub.capacity].labels())
        out.append(FigureInterval(pub.metric, pub.capacity, pub.value, point, med, lo, hi, q, pub.block_size, sens))
    drawn = {name for r in runs.values() for name in r.draws.inputs}
    drawn |= {k for r in runs.values() for key, v in r._cache.items() if key[0] == "latency" for k in v[2]}
    names = sorted(drawn)
    return Intervals(part.id, int(seed), int(n), method, INTERVAL, tuple(out), tuple(names))
