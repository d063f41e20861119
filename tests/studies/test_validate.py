"""linkmodel validate: records, JSON keys, summary."""

import json

import numpy as np
import pytest

from linkmodel.cli import main
from linkmodel.parts import Provenance
from linkmodel.studies import explain, validate

#: every test here compares the model with published figures
pytestmark = pytest.mark.validation


def test_validate_json_records(capsys):
    assert main(["validate", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records
    for r in records:
        assert {"part", "metric", "published", "predicted", "error", "binding"} <= set(r)
    # the JSON is the library's records, value for value (inf and NaN would not survive: none may appear)
    lib = [r.as_dict() for r in validate.validate()]
    assert records == lib
    metrics = {r["metric"] for r in records}
    assert {"seq_read", "seq_write", "rand_read", "rand_write"} <= metrics
    parts = {r["part"] for r in records}
    assert {"samsung-pm1763", "kioxia-cm9-r", "ymtc-pe522"} <= parts


def test_validate_table_and_summary(capsys):
    assert main(["validate", "--part", "kioxia-cm9-r"]) == 0
    out = capsys.readouterr().out
    assert "kioxia-cm9-r" in out and "median |err|" in out


def test_unknown_part_flag(capsys):
    assert main(["validate", "--part", "nope"]) == 2
    assert "--part: unknown part 'nope'" in capsys.readouterr().err


def test_summary_classes():
    recs = validate.validate()
    summ = validate.summary(recs)
    assert "sequential read" in summ and "all vendor figures" in summ


def _rec(metric, error, kind="up_to"):
    return validate.Record("p", 1e12, metric, 1.0, 1.0 + error, error, "dies", kind, True, 4096.0, "s")


def test_summary_by_hand():
    # three random reads off by +10 %, -30 % and +2 %: median |err| 10 %, worst 30 %, 1 of 3 within 5 %;
    # a measured (third-party) figure is kept apart and a figure with no prediction is left out
    recs = [_rec("rand_read", 0.10), _rec("rand_read", -0.30), _rec("rand_read", 0.02), _rec("seq_read", 0.04)]
    recs += [
        _rec("rand_read", 0.5, kind="measured"),
        validate.Record("p", 1e12, "x", 1.0, None, None, "-", "up_to", True, 0, "s"),
    ]
    s = validate.summary(recs)
    rr = s["random read"]
    assert (
        rr["n"] == 3 and rr["median_abs_error"] == pytest.approx(0.10) and rr["worst_abs_error"] == pytest.approx(0.30)
    )
    assert rr["within_target"] == 1 and rr["target"] == 0.05
    assert s["sequential read"]["within_target"] == 1
    # all vendor figures: |err| 0.02, 0.04, 0.10, 0.30 -> median 0.07
    assert s["all vendor figures"]["n"] == 4 and s["all vendor figures"]["median_abs_error"] == pytest.approx(0.07)
    assert s["measured (third-party)"]["n"] == 1


def test_every_miss_says_why():
    # a prediction outside its class target carries an explanation; one inside carries none
    for r in validate.validate():
        if r.error is None:
            assert r.why == ""
            continue
        target = validate.TARGETS.get(validate.CLASSES.get(r.metric, ""), validate.TARGETS["all vendor figures"])
        assert bool(r.why) == (abs(r.error) > target), (r.part, r.metric, r.why)
        # and a cause from the fixed list exactly when it has an explanation
        assert (r.cause in validate.CAUSES) == bool(r.why) and (r.cause == "") == (not r.why)


def test_miss_causes_count_the_misses():
    recs = validate.validate()
    causes = validate.miss_causes(recs)
    assert set(causes) == set(validate.CAUSES)
    misses = [r for r in recs if r.why and r.kind != "measured"]
    assert sum(c["n"] for c in causes.values()) == len(misses)
    assert sum(c["unconfirmed"] for c in causes.values()) == sum(not r.confirmed for r in misses)
    # a random write needing a lower WAF than the part's own sequential write allows is filed as such.
    # PM1753 30.72 TB by hand: 32 TiB of NAND (the next power of two) less the 2 % reserve over 30.72 TB is
    # alpha = 1.1224; uniform random writes then amplify alpha / (alpha + W0(-alpha e^-alpha)) = 4.764
    # (ssd_modeling.md §3.1), so 600 K x 4 KiB programs 11.7 GB/s, above its own 11 GB/s sequential write
    from scipy.special import lambertw

    alpha = 32 * 2**40 * 0.98 / 30.72e12
    waf = alpha / (alpha + lambertw(-alpha * np.exp(-alpha)).real)
    assert waf == pytest.approx(4.764, abs=1e-3) and 600e3 * 4096 * waf > 11e9
    pm = [r for r in recs if r.part == "samsung-pm1753" and r.metric == "rand_write" and r.confirmed]
    assert pm and all(r.cause == "own figures disagree" for r in pm)


def test_over_prediction_at_the_link_points_at_an_unmodelled_limit():
    rec = validate.Record("x", 1e12, "rand_read", 2.0e6, 3.5e6, 0.75, "link", "up_to", True, 4096, "s")
    prov = {"controller_iops": Provenance("catalogue", "controller c: no published limit")}
    assert "a limit the model lacks" in explain.explain(rec, prov)
    assert "no published limit" in explain.explain(rec, prov)
    assert explain.explain_miss(rec, prov)[0] == "unpublished limit"
