"""Intervals on published figures over draws of the priors (issue 16, item 3's foundation)."""

import json

import numpy as np
import pytest

from linkmodel.studies import uncertain
from linkmodel.studies.validate import validate_part


def test_quantile_of_counts_ties_half():
    # 2 of 4 draws below 2.5; at 2 one draw below and two equal: (1 + 0.5 x 2) / 4
    assert uncertain.quantile_of([1, 2, 3, 4], 2.5) == 0.5
    assert uncertain.quantile_of([1, 2, 2, 3], 2) == 0.5
    assert uncertain.quantile_of([1, 2, 3, 4], 0.5) == 0.0 and uncertain.quantile_of([1, 2, 3, 4], 9) == 1.0


def test_summarize_is_median_and_80_percent_interval():
    # 0, 1, ..., 100 with linear interpolation: the 10th, 50th and 90th percentiles are 10, 50 and 90
    assert uncertain.summarize(np.arange(101.0)) == (50.0, 10.0, 90.0)


@pytest.mark.parametrize("part", ["micron-9550-max", "samsung-pm1763"])
def test_collapsed_priors_give_the_point_prediction_validate_prints(part):
    r = uncertain.intervals(part, n=4, seed=0, scale=0)
    printed = {(x.metric, x.capacity): x.predicted for x in validate_part(part) if x.predicted is not None}
    assert r.figures
    for f in r.figures:
        assert f.low == f.median == f.high == f.point
        assert f.point == pytest.approx(printed[(f.metric, f.capacity)], rel=1e-12), f.metric
        assert f.quantile in (0.0, 0.5, 1.0)


def test_intervals_reproducible_with_the_seed_in_the_result():
    a = uncertain.intervals("samsung-pm1763", n=32, seed=3)
    b = uncertain.intervals("samsung-pm1763", n=32, seed=3)
    assert a.to_dict() == b.to_dict()
    assert (a.seed, a.draws, a.method, a.interval) == (3, 32, "mc", (0.1, 0.9))
    json.dumps(a.to_dict())  # JSON-ready
    seq = next(f for f in a.figures if f.metric == "seq_read")
    assert seq.low < seq.median < seq.high  # its priors do move it
    assert "controller samsung-pm1763-ctrl.bandwidth_limit" in a.inputs
