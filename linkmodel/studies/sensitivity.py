"""Which unknown inputs dominate a figure's spread: first-order Sobol' indices, and the drive at chosen input values.

:func:`first_order` estimates every input's first-order Sobol' index ``S1 = V(E[Y | X_i]) / V(Y)`` of
``ln Y`` from the draws already made for an interval (the *given-data* estimator, reference
uncertainty.md §5: sort the draws by ``X_i``, cut them into equal-count bins, and take the variance of the
bin means over the variance of ``Y``). It costs no model run beyond the draws, where Saltelli's estimator
costs ``N (k + 2)`` model runs (25,000 for 23 inputs at N = 1,024). The
between-bin variance of pure noise is not 0 but about ``(M - 1) / (n - M)`` of the within-bin variance;
that share is taken off (the analysis-of-variance epsilon-squared), so an input that does not move the
figure scores about 0, not ``M / n``. ``S1`` is the expected share of the variance removed by learning
the input exactly: "learn first" ranks by it. A test checks it against SALib's Saltelli-Jansen estimator
on the Ishigami function and on a part's figure.

:func:`params_at` resolves a part at given values of its uncertain inputs (every other input at its
value), for one broadcast call of the drive model over the rows: one-at-a-time swings (tornado charts),
the design with every input at the favourable end of its range (:mod:`linkmodel.studies.verdict`), or a
Sobol' design.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from linkmodel import parts as _parts
from linkmodel.parts import draws as _draws
from linkmodel.parts.priors import Input, priors
from linkmodel.parts.priorspec import Prior
from linkmodel.ssd import drive
from linkmodel.ssd.params import DriveParams
from linkmodel.studies import feasibility

__all__ = ["bins_for", "ends", "first_order", "groups", "noise_floor", "params_at", "ranked", "swings"]

#: the fewest and most equal-count bins of the given-data estimator (uncertainty.md §5 measured 32 bins at
#: n = 16,384 within 0.02 of the Ishigami indices); between them about sqrt(n) / 2 (16 at 1,000 draws), so
#: each bin holds at least about 2 sqrt(n) draws
MIN_BINS, MAX_BINS = 4, 32


def bins_for(n: int) -> int:
    """The number of equal-count bins for ``n`` draws: ``round(sqrt(n) / 2)`` within [4, 32] [1]."""
    return int(np.clip(round(np.sqrt(n) / 2.0), MIN_BINS, MAX_BINS))


def noise_floor(n: int, bins: int | None = None) -> float:
    """Three standard deviations of the estimate for an input that does not move the output [1].

    With no effect the between-bin sum of squares over the total is about chi-square with ``M - 1`` degrees
    of freedom over ``n``: its mean is what :func:`first_order` takes off, its standard deviation
    ``sqrt(2 (M - 1)) / n`` remains; three of them (0.016 at 1,000 draws and 16 bins, 0.052 at 200 draws)
    keep about 99 % of pure-noise estimates below the floor (chi-square is skewed: two keep about 97 %).
    """
    m = bins_for(n) if bins is None else int(bins)
    return 3.0 * float(np.sqrt(2.0 * (m - 1))) / n


def _groups(x: np.ndarray, m: int) -> np.ndarray:
    """A bin label per draw: the distinct value when there are at most ``m`` (a categorical or clipped input),
    else one of ``m`` equal-count bins of the ranks."""
    if x.dtype == object or np.unique(x).size <= m:
        _, labels = np.unique(x.astype(str) if x.dtype == object else x, return_inverse=True)
        return labels.ravel()
    order = np.argsort(x, kind="stable")
    labels = np.empty(x.size, dtype=int)
    labels[order] = (np.arange(x.size) * m) // x.size
    return labels


def _eta2(labels: np.ndarray, y: np.ndarray) -> float:
    """The bias-corrected share of ``y``'s variance between the groups (epsilon-squared), clipped to [0, 1]."""
    n = y.size
    counts = np.bincount(labels)
    used = counts > 0
    means = np.bincount(labels, weights=y)[used] / counts[used]
    ss_total = float(np.sum((y - y.mean()) ** 2))
    ss_between = float(np.sum(counts[used] * (means - y.mean()) ** 2))
    m = int(used.sum())
    if m < 2 or n <= m:
        return 0.0
    ms_within = (ss_total - ss_between) / (n - m)
    return float(np.clip((ss_between - (m - 1) * ms_within) / ss_total, 0.0, 1.0))


def groups(values: Mapping[str, np.ndarray], bins: int) -> dict[str, np.ndarray]:
    """Each input's bin label per draw for :func:`first_order` with ``bins`` bins (they rest on the inputs
    alone: computed once, they serve every output of the same draws) [1]."""
    return {name: _groups(np.asarray(x), bins) for name, x in values.items()}


def first_order(
    values: Mapping[str, np.ndarray], y, log: bool = True, bins: int | None = None, labels: Mapping | None = None
) -> dict[str, float]:
    """First-order Sobol' indices of ``y`` (of ``ln y`` when ``log``) on each input, from one sample.

    Parameters
    ----------
    values : mapping of str -> array
        Each input's ``n`` drawn values (any units; object arrays for a categorical input). The inputs must
        be drawn independently of each other (as :func:`linkmodel.parts.draws.draw_params` draws them).
    y : array
        The ``n`` outputs, one per draw (> 0 when ``log``).
    log : bool
        Analyse ``ln y`` (the figures span decades and their errors are multiplicative).
    bins : int, optional
        Equal-count bins per input (default :func:`bins_for`).
    labels : mapping, optional
        Inputs' bin labels from :func:`groups` with these bins, where already computed.

    Returns
    -------
    dict of str -> float
        ``S1`` per input [1], in [0, 1]; all 0 when ``y`` does not vary.

    Raises
    ------
    ValueError
        ``y`` and an input of different lengths, fewer than 8 draws, or ``y <= 0`` with ``log``.
    """
    y = np.asarray(y, dtype=float).ravel()
    if y.size < 8:
        raise ValueError(f"y: the given-data estimator needs at least 8 draws, got {y.size}")
    if log:
        if np.any(~(y > 0)):
            raise ValueError("y: log indices need outputs above 0")
        y = np.log(y)
    m = bins_for(y.size) if bins is None else int(bins)
    same = np.ptp(y) <= 1e-12 * max(abs(float(y.mean())), 1.0)
    out = {}
    for name, x in values.items():
        x = np.asarray(x)
        if x.shape != y.shape:
            raise ValueError(f"values[{name!r}]: {x.size} draws, y has {y.size}")
        out[name] = 0.0 if same else _eta2(labels[name] if labels and name in labels else _groups(x, m), y)
    return out


def ranked(s1: Mapping[str, float], floor: float = 0.0) -> list[tuple[str, float]]:
    """``(input, S1)`` pairs from the largest index down, those above ``floor`` [1]."""
    return sorted(((k, v) for k, v in s1.items() if v > floor), key=lambda kv: -kv[1])


def ends(prior: Prior, bounds: tuple[float, float] | None = None) -> tuple:
    """The values an input's range ends at [SI]: ``(lo, hi)`` (clipped to the input's hard bounds), or the
    alternatives of a categorical prior. A log-normal's ends are its 5th and 95th percentiles."""
    if prior.shape == "categorical":
        return tuple(c for c, _ in prior.alternatives)
    lo, hi = float(prior.lo), float(prior.hi)  # type: ignore[arg-type]
    if bounds is not None:
        lo, hi = float(np.clip(lo, *bounds)), float(np.clip(hi, *bounds))
    return lo, hi


def params_at(
    part,
    rows: Sequence[Mapping[str, object]],
    capacity: float | None = None,
    cat=None,
    inputs=None,
    labelled: bool = True,
) -> tuple[DriveParams, np.ndarray, dict[str, Input]]:
    """A SKU's drive parameters at given values of its uncertain inputs, along a ``draw`` dimension.

    Parameters
    ----------
    part : Part or str or pathlib.Path
    rows : sequence of mapping
        One mapping per row: input name (a key of :func:`linkmodel.parts.priors.priors`) -> value [SI];
        inputs a row does not name stay at their value. A controller limit its maker does not publish takes
        its peer prior's value when the row does not name it (as every draw does).
    capacity : float, optional
        The SKU's user capacity [B]; default the headline.
    cat : dict, optional
        The catalogue.
    inputs : dict, optional
        The SKU's priors, when already computed.
    labelled : bool
        Fields that vary as DataArrays along ``draw`` (False: numpy arrays, for a model call that needs no
        labels).

    Returns
    -------
    (DriveParams, feasible, inputs)
        The parameters of the feasible rows (fields that vary are DataArrays along ``draw``), a boolean per
        row (False: its static power reaches its power cap, so no I/O could run; the row is left out), and
        the priors.

    Raises
    ------
    ValueError
        A row naming an input the SKU does not have, or no feasible row.
    """
    part = _parts.part(part)
    cat = _parts.catalogue() if cat is None else cat
    inputs = priors(part, capacity, cat) if inputs is None else inputs
    for row in rows:
        unknown = sorted(set(row) - set(inputs))
        if unknown:
            raise ValueError(f"rows: {unknown[0]!r} is not an uncertain input of {part.id}")
    x = {}
    for name, inp in inputs.items():
        col = [row.get(name, inp.prior.value) for row in rows]
        x[name] = np.array(col, dtype=object if inp.prior.shape == "categorical" else float)
    with _parts.about(part, capacity):
        point, _ = _parts.params_from_part(part, capacity, cat)
        cols, ok = _draws.columns(part, capacity, cat, inputs, x)
    if not ok.any():
        raise ValueError(f"rows: none makes a drive of {part.id} that can run I/O (static power >= power cap)")
    return _draws._stack({k: c[ok] for k, c in cols.items()}, point, labelled), ok, inputs


def _outputs(part, rows, workload, quantity, capacity, power_cap, cat) -> np.ndarray:
    """``quantity`` of ``workload`` per row (NaN where the row makes no drive, at ``power_cap`` if given)."""
    inputs = priors(part, capacity, cat)
    rows = [{k: v for k, v in r.items() if k in inputs} for r in rows]
    params, ok, _ = params_at(part, rows, capacity, cat, inputs)
    if power_cap is not None:
        params = replace(params, power_cap=float(power_cap))
    runs, _ = feasibility.feasible(dict(params))
    runs = np.broadcast_to(np.asarray(runs, dtype=bool), (int(ok.sum()),))
    with _parts.about(part, capacity):
        y = np.broadcast_to(np.asarray(drive.evaluate(params, workload)[quantity].values, dtype=float), runs.shape)
    out = np.full(ok.size, np.nan)
    out[ok] = np.where(runs, y, np.nan)
    return out


def swings(
    parts, workload, quantity: str = "throughput", capacity=None, power_cap: float | None = None, cat=None
) -> dict[str, list[tuple[object, float]]]:
    """One-at-a-time swings (a tornado chart): each input at each end of its range, every other at its value.

    Parameters
    ----------
    parts : Part or str, or a pair (new, old)
        One part: its ``quantity``; a pair: the ratio new / old, with an input the two share (a calibrated
        constant, a shared default, a catalogue entry both use) moved in both at once.
    workload : Workload
    quantity : str
        An output of :func:`linkmodel.ssd.drive.evaluate` (``"throughput"`` [B/s], ``"iops"`` [1/s],
        ``"power"`` [W], ``"efficiency"`` [B/s/W]).
    capacity : float, optional
        The SKU's user capacity [B] (a pair: the same for both, default each headline).
    power_cap : float, optional
        Hold the drive(s) to this cap [W].
    cat : dict, optional
        The catalogue.

    Returns
    -------
    dict
        ``""`` -> ``[(None, point)]``, then each input -> ``[(end value [SI], output), ...]`` (NaN where that
        end makes no drive that can run).
    """
    cat = _parts.catalogue() if cat is None else cat
    pair = [_parts.part(p) for p in (parts if isinstance(parts, list | tuple) else [parts])]
    names: dict[str, Input] = {}
    for p in pair:
        names |= priors(p, capacity, cat)
    which = [("", None)] + [(k, v) for k, inp in names.items() for v in ends(inp.prior, inp.bounds)]
    rows = [{} if k == "" else {k: v} for k, v in which]
    y = _outputs(pair[0], rows, workload, quantity, capacity, power_cap, cat)
    if len(pair) == 2:
        y = y / _outputs(pair[1], rows, workload, quantity, capacity, power_cap, cat)
    out: dict[str, list[tuple[object, float]]] = {}
    for (k, v), yi in zip(which, y, strict=True):
        out.setdefault(k, []).append((v, float(yi)))
    return out
