"""Verdicts on published figures (issue 16, item 4): classification, hard ceilings from the priors' range ends."""

from dataclasses import replace

import pytest

from linkmodel.ssd import drive
from linkmodel.studies import check, sanity, verdict

GB = 1e9


@pytest.mark.parametrize(
    ("published", "low", "high", "ceiling", "expected"),
    [
        (10.0, 8.0, 12.0, 20.0, "consistent"),
        (8.0, 8.0, 12.0, 20.0, "consistent"),  # the ends belong to the interval
        (12.0, 8.0, 12.0, None, "consistent"),
        (13.0, 8.0, 12.0, 20.0, "optimistic"),
        (7.0, 8.0, 12.0, 20.0, "pessimistic"),
        (21.0, 8.0, 12.0, 20.0, "impossible"),  # beyond the ceiling, whatever the interval
        (21.0, None, None, 20.0, "impossible"),
        (19.0, None, None, 20.0, None),  # not drawn, not above the ceiling: no verdict
    ],
)
def test_classify_on_hand_built_intervals(published, low, high, ceiling, expected):
    assert verdict.classify(published, low, high, ceiling) == expected


def test_classify_refuses_a_reversed_interval():
    with pytest.raises(ValueError, match=r"^low, high: "):
        verdict.classify(1.0, 2.0, 1.0)


@pytest.fixture(scope="module")
def pm1763_seq_read():
    return verdict.hard_ceilings("samsung-pm1763", None, drive.WORKLOADS["seq_read"])


def test_nand_bus_ceiling_at_the_top_of_its_range(pm1763_seq_read):
    """PM1763 (16 channels, data/specs) with Samsung V9 TLC (data/catalogue/nand.toml: Toggle 5.1 at
    3200 MT/s, one byte per transfer, 16 KiB pages). The controller's max channel rate 3200 MT/s (assumed,
    range to 4800 MT/s) is capped by the die's published 3200 MT/s. The favourable ends: spare area
    0.10 (the low end of its written range 0.10-0.125, ssd_modeling.md §4.2's 10-12 %) and command cycles
    0.3 us / 2 = 0.15 us (the shared cell-type spread, factor 2). A 128 KiB read moves 131072 x 1.10 B at
    3.2e9 B/s plus 8 page commands: 131072 x 1.10 / 3.2e9 + 8 x 0.15e-6 = 46.256 us per I/O and channel,
    so 16 / 46.256e-6 x 131072 B = 45.34 GB/s."""
    c = pm1763_seq_read["channels"]
    assert c["ceiling"] * 131072 == pytest.approx(16 / (131072 * 1.10 / 3.2e9 + 8 * 0.15e-6) * 131072, rel=1e-6)
    assert c["ceiling"] * 131072 == pytest.approx(45.34 * GB, rel=1e-3)
    assert c["inputs"]["nand samsung-v9-tlc.spare_fraction"] == pytest.approx(0.10)


def test_die_ceiling_at_the_best_read_time():
    """PM1763 4 KiB random reads: 512 dies (61.44 TB raw / 1 Tibit dies), 4 independent plane reads, tR at
    the low end of its written range (30 us; cache read on, so the die is held for the sense alone):
    512 x 4 / 30e-6 = 68.27 M IOPS."""
    h = verdict.hard_ceilings("samsung-pm1763", None, drive.WORKLOADS["rand_read"])
    assert h["dies"]["ceiling"] == pytest.approx(512 * 4 / 30e-6, rel=1e-9)


def test_link_ceiling_is_data_alone_at_the_largest_mps(pm1763_seq_read):
    # at MPS 512 the data-only ceiling is below the one at MPS 4096 (fewer TLP headers per byte)
    link = pm1763_seq_read["link"]["ceiling"]
    at_512 = next(c for c in sanity.check_part("samsung-pm1763") if c.metric == "seq_read").link_ceiling_data_only
    assert link * 131072 > at_512
    assert link * 131072 < 6 * 64e9 / 8 * 4  # below Gen6 x4's raw line rate, 32 GB/s


def test_a_figure_above_the_link_is_impossible():
    rep = check.report("samsung-pm1763", draws=64, seed=0)
    c = next(c for c in rep.checks if c.metric == "seq_read")
    assert c.verdict in ("consistent", "optimistic", "pessimistic")
    # 40 GB/s over a Gen6 x4 link (32 GB/s raw) can be reached by no value of the unknowns
    bumped = check._with_verdict(rep.part, replace(c, published=40 * GB), 131072, None, {})
    assert bumped.verdict == "impossible"
    assert bumped.hard_ceiling == pytest.approx(c.hard_ceiling)
    assert "PCIe Gen6 x4" in bumped.hard_ceiling_at


def test_check_report_json_keys():
    d = check.report("samsung-pm1763", draws=64, seed=3).to_dict()
    assert (d["draws"], d["seed"]) == (64, 3)
    drawn = [r for r in d["records"] if "interval" in r]
    assert drawn and all({"median", "quantile", "sensitivity"} <= set(r) for r in drawn)
    assert all(r["interval"][0] <= r["median"] <= r["interval"][1] for r in drawn)
    assert all(c["verdict"] in verdict.VERDICTS for c in d["checks"])
