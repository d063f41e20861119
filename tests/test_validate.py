"""linkmodel validate: records, JSON keys, summary."""

import json

import pytest

from linkmodel import validate
from linkmodel.cli import main


def test_validate_json_records(capsys):
    assert main(["validate", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records
    for r in records:
        assert {"part", "metric", "published", "predicted", "error", "binding"} <= set(r)
        if r["error"] is not None:
            assert r["error"] == pytest.approx(r["predicted"] / r["published"] - 1)
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
    for s in summ.values():
        assert 0 <= s["median_abs_error"] <= s["worst_abs_error"]


def test_every_miss_says_why():
    # a prediction outside its class target carries an explanation; one inside carries none
    for r in validate.validate():
        if r.error is None:
            assert r.why == ""
            continue
        target = validate.TARGETS.get(validate.CLASSES.get(r.metric, ""), validate.TARGETS["all vendor figures"])
        assert bool(r.why) == (abs(r.error) > target), (r.part, r.metric, r.why)


def test_over_prediction_at_the_link_points_at_an_unmodelled_limit():
    rec = validate.Record("x", 1e12, "rand_read", 2.0e6, 3.5e6, 0.75, "link", "up_to", True, 4096, "s")
    prov = {"controller_iops": validate.design.Provenance("catalogue", "controller c: no published limit")}
    assert "a limit the model lacks" in validate.explain(rec, prov)
    assert "no published limit" in validate.explain(rec, prov)
