"""``ai_smallblock.iops_draws``: small-block IOPS over draws of a part's priors (issue 16 item 3)."""

import pytest

from linkmodel.studies import ai_smallblock

PART = "micron-9650-pro"
SIZES = (512.0, 4096.0)


def test_collapsed_priors_reproduce_the_point_exactly():
    point = ai_smallblock.ceilings(PART, SIZES)
    d = ai_smallblock.iops_draws(PART, SIZES, 100e6, 512.0, 8, seed=3, scale=0)
    for r in d["iops"]:
        v = float(point.iops.sel(size=r["size"]))
        assert (r["median"], r["interval"]) == (v, [v, v])
    g = 100e6 / float(point.iops.sel(size=512.0))
    assert d["gap"] == {"median": g, "interval": [g, g]}


def test_gap_percentiles_mirror_the_iops_percentiles():
    # 11 draws: numpy's linear percentiles 10 %, 50 %, 90 % sit on the 2nd, 6th and 10th sorted draw (positions
    # 0.1 x 10, 0.5 x 10, 0.9 x 10), so gap = target / IOPS, decreasing, swaps the interval's ends exactly
    d = ai_smallblock.iops_draws(PART, SIZES, 100e6, 512.0, 11, seed=1)
    (r,) = [r for r in d["iops"] if r["size"] == 512.0]
    assert d["gap"]["median"] == pytest.approx(100e6 / r["median"], rel=1e-12)
    assert d["gap"]["interval"] == pytest.approx([100e6 / r["interval"][1], 100e6 / r["interval"][0]], rel=1e-12)
    assert r["interval"][0] < r["median"] < r["interval"][1]


def test_same_seed_same_draws():
    a, b = (ai_smallblock.iops_draws(PART, SIZES, 100e6, 512.0, 16, seed=7) for _ in range(2))
    c = ai_smallblock.iops_draws(PART, SIZES, 100e6, 512.0, 16, seed=8)
    assert a == b and a["iops"] != c["iops"]


def test_a_ufs_part_is_refused():
    with pytest.raises(ValueError, match=r"samsung-ufs40.toml: part: samsung-ufs40's host link is UFS"):
        ai_smallblock.iops_draws("samsung-ufs40", SIZES, 100e6, 512.0, 4)
