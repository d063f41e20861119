"""Honest scoring: leave-one-part-out calibration and prediction, scored per figure class.

For each bundled part: the calibration is sampled again without the part's figures (a shorter chain,
:data:`LOO_STEPS`; a part with no calibration figure uses the full posterior, which never saw it), then its
vendor figures are predicted with intervals (:func:`linkmodel.studies.uncertain.intervals`: draws of the
part's priors, the calibrated constants drawn from the held-out posterior). In-sample: the same, with the
stored posterior (fitted on every part). Per class (:func:`score`): the median absolute error of the
median prediction, the coverage of the 80 % interval (10th-90th percentile) and the median relative
half-width ``(p90 - p10) / (2 median)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkmodel import parts as _parts
from linkmodel.parts.calibration import CONSTANTS, load_posterior, use_draws
from linkmodel.parts.locations import data_dir
from linkmodel.studies import calibrate
from linkmodel.studies.figures import CLASSES
from linkmodel.studies.report import Report
from linkmodel.studies.uncertain import intervals

__all__ = [
    "DRAWS",
    "LOO_STEPS",
    "ClassScore",
    "Loo",
    "Prediction",
    "in_sample",
    "leave_one_out",
    "markdown",
    "predict",
    "predict_discrepancy",
    "score",
]

#: steps of each leave-one-out calibration: about 15 autocorrelation times, burn-in 3 of them discarded
LOO_STEPS = 500
#: draws of a part's priors per SKU (the 10th percentile of an output with log-sd 0.2 to about 2 %)
DRAWS = 256
#: the classes reported, in validate's order
ORDER = ("sequential read", "random read", "sequential write", "random write", "power and efficiency")


@dataclass(frozen=True, eq=False)
class Prediction(Report):
    """One vendor figure and its predicted median and 80 % interval (SI units)."""

    part: str
    metric: str
    capacity: float
    published: float
    median: float
    low: float
    high: float

    @property
    def cls(self) -> str:
        """The figure's class (validate's)."""
        return CLASSES[self.metric]


@dataclass(frozen=True, eq=False)
class ClassScore(Report):
    """Scores of one class: ``n`` figures, median abs. error of the median, 80 % coverage, median half-width."""

    cls: str
    n: int
    error: float
    coverage: float
    half_width: float


@dataclass(frozen=True, eq=False)
class Loo(Report):
    """In-sample and leave-one-part-out predictions and their scores per class: ``*_in``/``*_out`` from
    :func:`predict` (intervals over the part's priors), ``disc_*`` from :func:`predict_discrepancy`."""

    in_sample: tuple
    held_out: tuple
    scores_in: tuple
    scores_out: tuple
    steps: int
    seed: int
    draws: int
    disc_in: tuple = ()
    disc_out: tuple = ()
    disc_scores_in: tuple = ()
    disc_scores_out: tuple = ()


def score(preds) -> tuple[ClassScore, ...]:
    """Per class (and ``"all"``): n, median |median / published - 1|, share inside [low, high], median
    (high - low) / (2 median) [1]."""
    out = []
    groups: dict[str, list] = {}
    for p in preds:
        groups.setdefault(p.cls, []).append(p)
    for cls in (*(c for c in ORDER if c in groups), *sorted(set(groups) - set(ORDER)), "all"):
        ps = list(preds) if cls == "all" else groups[cls]
        if not ps:
            continue
        err = np.median([abs(p.median / p.published - 1) for p in ps])
        cov = np.mean([p.low <= p.published <= p.high for p in ps])
        hw = np.median([(p.high - p.low) / (2 * p.median) for p in ps])
        out.append(ClassScore(cls, len(ps), float(err), float(cov), float(hw)))
    return tuple(out)


def predict(part, draws=None, n: int = DRAWS, seed: int = 0) -> list[Prediction]:
    """A part's vendor figures of the classes in :data:`ORDER` with intervals, the constants drawn from
    ``draws`` (default: the stored ones). QD1 latency figures, which :func:`~linkmodel.studies.uncertain.intervals`
    also draws, are left out: the calibration fits none, and validate scores them against their range."""
    part = _parts.part(part)
    vendor = {(p.metric, p.capacity, p.value) for p in part.published if p.kind in calibrate.VENDOR_KINDS}
    if draws is None:
        r = intervals(part, n, seed)
    else:
        with use_draws(draws):
            r = intervals(part, n, seed)
    return [
        Prediction(part.id, f.metric, f.capacity, f.published, f.median, f.low, f.high)
        for f in r.figures
        if (f.metric, f.capacity, f.published) in vendor and CLASSES.get(f.metric) in ORDER
    ]


def predict_discrepancy(figs, draws: dict, n: int = DRAWS, seed: int = 0) -> list[Prediction]:
    """The calibration's own predictive of calibration figures (uncertainty.md §1.4): per posterior draw k,
    the point model (every other input at its value) at the constants of draw k times
    ``exp(sigma_c,k z_k)``, ``z_k ~ N(0, 1)`` (seeded), over ``n`` draws evenly spaced in ``draws`` (constant
    and ``sigma.<class>`` -> array, SI)."""
    figs = list(figs)
    if not figs:
        return []
    prob = calibrate.Problem(figs)
    size = len(draws["program_power"])
    rows = np.linspace(0, size - 1, min(n, size)).round().astype(int)
    m = prob.predict(np.column_stack([np.asarray(draws[k])[rows] for k in CONSTANTS]))
    sig = np.column_stack([np.asarray(draws[f"sigma.{f.cls}"])[rows] for f in figs])
    y = m * np.exp(sig * np.random.default_rng(seed).standard_normal(m.shape))
    lo, med, hi = np.quantile(y, [0.1, 0.5, 0.9], axis=0)
    return [
        Prediction(f.part, f.metric, f.capacity, f.published, float(med[j]), float(lo[j]), float(hi[j]))
        for j, f in enumerate(figs)
    ]


def in_sample(seed: int = calibrate.DEFAULT_SEED, n: int = DRAWS, parts=None) -> tuple[ClassScore, ...]:
    """The in-sample scores of the prior intervals alone (:func:`predict` with the stored posterior, every
    bundled part): the first table's left half, in seconds instead of the minutes of :func:`leave_one_out`
    (which differs from it by 0-2 points per class), for iterating on priors."""
    ids = [p.id for p in _parts.bundled_parts()] if parts is None else list(parts)
    return score([q for pid in ids for q in predict(pid, None, n, seed)])


def leave_one_out(steps: int = LOO_STEPS, seed: int = calibrate.DEFAULT_SEED, n: int = DRAWS, parts=None) -> Loo:
    """Leave-one-part-out and in-sample predictions of every bundled part's vendor figures, scored."""
    figs = calibrate.figures()
    fitted = {f.part for f in figs}
    ids = [p.id for p in _parts.bundled_parts()] if parts is None else list(parts)
    stored = load_posterior(data_dir() / "catalogue" / "calibration.toml").draws
    ins, outs, dins, douts = [], [], [], []
    for pid in ids:
        here = predict(pid, None, n, seed)
        if not here:
            continue
        ins += here
        own = [f for f in figs if f.part == pid]
        dins += predict_discrepancy(own, stored, n, seed)
        if pid in fitted:
            prob, chain = calibrate.calibrate(steps=steps, seed=seed, exclude=pid, figs=figs)
            d = prob.si_draws(chain.draws)
            outs += predict(pid, {k: d[k] for k in CONSTANTS}, n, seed)
            douts += predict_discrepancy(own, d, n, seed)
        else:
            outs += here
    return Loo(
        tuple(ins),
        tuple(outs),
        score(ins),
        score(outs),
        steps,
        seed,
        n,
        tuple(dins),
        tuple(douts),
        score(dins),
        score(douts),
    )


def markdown(result: Loo) -> str:
    """The in-sample and leave-one-out scores side by side: a markdown table for :func:`predict`, and when
    the result has them a second one, after a blank line, for :func:`predict_discrepancy`."""
    text = _table(result.scores_in, result.scores_out)
    if result.disc_scores_in:
        text += "\n\n" + _table(result.disc_scores_in, result.disc_scores_out)
    return text


def _table(scores_in, scores_out) -> str:
    rows = [
        "| metric class | n | in-sample: median error | coverage of 80 % | median half-width "
        "| leave-one-out: median error | coverage of 80 % | median half-width |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for a, b in zip(scores_in, scores_out, strict=True):
        rows.append(
            f"| {a.cls} | {a.n} | {100 * a.error:.1f} % | {100 * a.coverage:.0f} % | {100 * a.half_width:.1f} % "
            f"| {100 * b.error:.1f} % | {100 * b.coverage:.0f} % | {100 * b.half_width:.1f} % |"
        )
    return "\n".join(rows)


def main(argv=None) -> None:  # pragma: no cover - a reporting script
    """Print the in-sample scores of the prior intervals (:func:`in_sample`)."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m linkmodel.studies.loo", description=main.__doc__)
    ap.add_argument("--seed", type=int, default=calibrate.DEFAULT_SEED)
    ap.add_argument("--draws", type=int, default=DRAWS)
    args = ap.parse_args(argv)
    for s in in_sample(args.seed, args.draws):
        print(
            f"{s.cls:22s} n={s.n:3d}  error {100 * s.error:5.1f} %  coverage {100 * s.coverage:3.0f} %  "
            f"half-width {100 * s.half_width:5.1f} %"
        )


if __name__ == "__main__":  # pragma: no cover
    main()
