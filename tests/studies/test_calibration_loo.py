"""Leave-one-part-out scoring: the per-class scores on a hand example, and the table's shape."""

import pytest

from linkmodel.studies import loo


def pred(metric, published, median, low, high):
    return loo.Prediction("p", metric, 1e12, published, median, low, high)


def test_scores_by_hand():
    preds = [
        # sequential read: errors 10 % and 0 %, both inside, half-widths 20 % and 10 %
        pred("seq_read", 10.0, 11.0, 9.0, 13.4),
        pred("seq_read", 5.0, 5.0, 4.5, 5.5),
        # random read: error 50 %, outside (above its interval); error 20 %, inside
        pred("rand_read", 100.0, 150.0, 120.0, 180.0),
        pred("rand_read", 100.0, 80.0, 70.0, 100.0),
        pred("rand_read", 100.0, 100.0, 90.0, 110.0),
    ]
    s = {c.cls: c for c in loo.score(preds)}
    sr, rr, al = s["sequential read"], s["random read"], s["all"]
    assert (sr.n, sr.error, sr.coverage, sr.half_width) == (2, pytest.approx(0.05), 1.0, pytest.approx(0.15))
    # random read: errors 0.5, 0.2, 0 -> median 0.2; 2 of 3 inside (100 on the upper bound counts);
    # half-widths 60/300 = 0.2, 30/160 = 0.1875, 20/200 = 0.1 -> median 0.1875
    assert (rr.n, rr.error, rr.coverage, rr.half_width) == (
        3,
        pytest.approx(0.2),
        pytest.approx(2 / 3),
        pytest.approx(0.1875),
    )
    # all five: errors 0.1, 0, 0.5, 0.2, 0 -> 0.1; 4 of 5 inside; half-widths .2, .1, .2, .1875, .1 -> .1875
    assert (al.n, al.error, al.coverage, al.half_width) == (5, pytest.approx(0.1), 0.8, pytest.approx(0.1875))
    assert [c.cls for c in loo.score(preds)] == ["sequential read", "random read", "all"]


def test_markdown_table_shape():
    preds = (pred("seq_read", 10.0, 11.0, 9.0, 13.4),)
    s = loo.score(preds)
    table = loo.markdown(loo.Loo(preds, preds, s, s, 10, 0, 8))
    lines = table.splitlines()
    assert lines[0].count("|") == 9 and len(lines) == 2 + 2
    assert lines[2] == "| sequential read | 1 | 10.0 % | 100 % | 20.0 % | 10.0 % | 100 % | 20.0 % |"
