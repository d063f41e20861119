"""QD1 latency, the queue-depth curve and endurance over draws (issue 16, item 3)."""

import pytest

from linkmodel.studies import endurance_draws, endurance_view, latency, uncertain
from linkmodel.studies.validate import validate_part

CM9 = "kioxia-cm9-r"


def test_intervals_cover_the_qd1_latency_figures_and_collapse_to_validate():
    printed = {(r.metric, r.capacity): r.predicted for r in validate_part(CM9)}
    r = uncertain.intervals(CM9, n=4, seed=0, scale=0)
    lat = [f for f in r.figures if f.metric in ("read_latency", "write_latency")]
    assert {f.metric for f in lat} == {"read_latency", "write_latency"}  # kioxia-cm9-r publishes both
    for f in lat:
        assert f.low == f.median == f.high == pytest.approx(printed[(f.metric, f.capacity)], rel=1e-12)


def test_qd1_latency_interval_draws_the_firmware_time():
    r = uncertain.intervals(CM9, n=64, seed=1)
    w = next(f for f in r.figures if f.metric == "write_latency")
    assert w.low < w.median < w.high
    # a buffered QD1 write is firmware + host + link terms, no NAND: the firmware time dominates its spread
    assert next(iter(w.sensitivity)) == "controller kioxia-gen5-16ch.firmware_write"
    assert "controller kioxia-gen5-16ch.firmware_write" in r.inputs


def test_latency_draws_collapse_to_the_point_report():
    point = latency.report(CM9, qds=(1, 8, 64))
    d = latency.report_draws(CM9, n=4, seed=0, qds=(1, 8, 64), scale=0, tail_draws=2)
    assert d.qd1["interval"] == [pytest.approx(point.sustained, rel=1e-12)] * 2
    for j, row in enumerate(d.curve):
        for key in ("latency", "p99", "p999", "iops"):
            want = float(point.curve[key][j])
            assert row[key]["median"] == pytest.approx(want, rel=1e-12), key
            assert row[key]["interval"] == [pytest.approx(want, rel=1e-12)] * 2, key
    # the published 65 us sits above every collapsed draw (61.9 us): quantile 1
    assert d.published == pytest.approx(65e-6) and d.qd1["quantile"] == 1.0


def test_latency_draws_spread_and_reproduce():
    a = latency.report_draws(CM9, n=32, seed=5, qds=(1, 64), tail_draws=8)
    b = latency.report_draws(CM9, n=32, seed=5, qds=(1, 64), tail_draws=8)
    assert a.to_dict() == b.to_dict() and a.tail_draws == 8
    lo, hi = a.curve[1]["iops"]["interval"]
    assert lo < hi
    # IOPS at QD 1 is 1 / latency draw by draw (Little's law, one I/O in flight): the 10th percentile of the
    # IOPS is 1 / the 90th percentile of the latency (monotone map; linear interpolation differs only slightly)
    assert a.curve[0]["iops"]["median"] == pytest.approx(1.0 / a.curve[0]["latency"]["median"], rel=2e-2)


def test_endurance_draws_collapse_to_the_point_and_place_the_rating():
    point = endurance_view.endurance(CM9)
    d = endurance_draws.endurance_draws(CM9, n=4, seed=0, scale=0)
    for key in endurance_draws.DRAWN:
        assert d.figures[key]["interval"] == [pytest.approx(point[key], rel=1e-12)] * 2, key
    # rated 1 DWPD, every collapsed draw predicts 1.12: the rating is below them all
    assert d.figures["dwpd_random"]["published"] == 1.0 and d.figures["dwpd_random"]["quantile"] == 0.0


def test_endurance_draws_dwpd_moves_with_the_drawn_pe_cycles():
    d = endurance_draws.endurance_draws(CM9, n=256, seed=2)
    f = d.figures["dwpd_sequential"]
    # sequential DWPD = P/E x alpha / (WAF 1 x 365 x years) moves only with the P/E cycles (the WAF is 1
    # whatever the reserve): its spread is the P/E prior's, its only sensitivity the P/E cycles
    assert list(f["sensitivity"]) == ["nand kioxia-bics8-tlc.pe_cycles"]
    assert d.figures["waf_sequential"]["interval"] == [1.0, 1.0]
    lo, hi = f["interval"]
    # the die's P/E cycles are a shared TLC value (8,500): log-normal, central 90 % within 2x either way, so the
    # 10th-90th percentile span is exp(2 x 1.2816 x ln 2 / 1.6449) = 2.95x
    assert hi / lo == pytest.approx(2.95, rel=0.25)


def test_latency_draws_with_writes_collapse_to_the_point_report():
    # scale 0: every draw is the point drive, so the drawn read curve with writes alongside must be the point
    # report's own curve_writes (without suspend) and curve_writes_suspend, built from scalars in report()
    point = latency.report(CM9, qds=(1, 8, 64), write_iops=50e3)
    d = latency.report_draws(CM9, n=4, seed=0, qds=(1, 8, 64), scale=0, tail_draws=3, write_iops=50e3)
    assert d.write_iops == 50e3 and d.writes_refused == 0 and len(d.writes) == 3
    for j, row in enumerate(d.writes):
        for key, curve, var in (
            ("latency", point.curve_writes, "latency"),
            ("p99", point.curve_writes, "p99"),
            ("p99_suspend", point.curve_writes_suspend, "p99"),
        ):
            want = float(curve[var][j])
            assert row[key]["interval"] == [pytest.approx(want, rel=1e-12)] * 2, key
    # writes alongside make reads wait: never faster than the read curve alone
    assert all(w["latency"]["median"] >= r["latency"]["median"] for w, r in zip(d.writes, d.curve, strict=True))


def test_latency_draws_refuse_the_mix_in_one_line():
    with pytest.raises(ValueError, match=r"^mix: not drawn"):
        latency.report_draws(CM9, n=4, seed=0, qds=(1,), mix=0.7)
