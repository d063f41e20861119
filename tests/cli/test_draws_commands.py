"""``whatif``, ``latency`` and ``endurance`` with draws: JSON keys, the seed printed, one-line errors (issue 16)."""

import json

import pytest
from draw_flags import BAD_DRAW_FLAGS

from linkmodel.cli import main

CM9 = "kioxia-cm9-r"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _is_stats(s, quantile=False):
    lo, hi = s["interval"]
    ok = lo <= s["median"] <= hi
    return ok and (not quantile or 0.0 <= s["quantile"] <= 1.0)


def test_whatif_json_and_text_with_draws(capsys):
    _, base, _ = run(capsys, "whatif", "micron-9650-pro", "micron-9550-max", "--json")
    code, out, _ = run(capsys, "whatif", "micron-9650-pro", "micron-9550-max", "--draws", "16", "--seed", "4", "--json")
    assert code == 0
    base, d = json.loads(base), json.loads(out)
    assert {k: d[k] for k in base} == base  # the point comparison is unchanged by the draws
    assert (d["draws"], d["seed"]) == (16, 4)
    iv = d["intervals"]
    for wl, r in iv["ratio"].items():
        assert _is_stats(r["performance"]) and _is_stats(r["efficiency"])
        assert _is_stats(iv["new"][wl]["throughput"]) and _is_stats(iv["old"][wl]["power"])
    assert "calibrated.program_power" in iv["shared"]
    code, text, _ = run(capsys, "whatif", "micron-9650-pro", "micron-9550-max", "--draws", "16", "--seed", "4")
    assert code == 0 and "Over 16 draws of both parts' unpublished inputs (seed 4;" in text


def test_latency_json_with_draws_carries_the_qd1_quantile(capsys):
    code, out, _ = run(capsys, "latency", CM9, "--qd", "1,32", "--draws", "16", "--seed", "2", "--json")
    assert code == 0
    d = json.loads(out)
    assert (d["draws"], d["seed"]) == (16, 2)
    iv = d["intervals"]
    # kioxia-cm9-r publishes a 65 us QD1 4 KiB random read: its quantile among the draws
    assert iv["published"] == pytest.approx(65e-6) and _is_stats(iv["qd1"], quantile=True)
    assert [r["queue_depth"] for r in iv["curve"]] == [1, 32]
    for r in iv["curve"]:
        assert all(_is_stats(r[k]) for k in ("latency", "p99", "p999", "iops"))
    assert iv["tail_draws"] == 16  # fewer draws than TAIL_DRAWS: every draw's tail
    code, text, _ = run(capsys, "latency", CM9, "--qd", "1,32", "--draws", "16", "--seed", "2")
    assert code == 0 and "Over 16 draws" in text and "(seed 2)" in text and "published 65 us at quantile" in text


def test_endurance_json_with_draws_carries_the_rating_quantile(capsys):
    code, out, _ = run(capsys, "endurance", CM9, "--draws", "16", "--seed", "1", "--json")
    assert code == 0
    d = json.loads(out)
    (e,) = d["intervals"]
    assert (d["draws"], d["seed"], e["seed"]) == (16, 1, 1)
    # kioxia-cm9-r is rated 1 DWPD (its spec file): the rating's quantile among the drawn DWPD
    assert e["figures"]["dwpd_random"]["published"] == 1.0 and _is_stats(e["figures"]["dwpd_random"], quantile=True)
    assert _is_stats(e["figures"]["tbw_random"])


@pytest.mark.parametrize(
    ("argv", "flag"),
    BAD_DRAW_FLAGS,
)
@pytest.mark.parametrize(
    "command", [["whatif", "micron-9650-pro", "micron-9550-max"], ["latency", CM9], ["endurance", CM9]]
)
def test_bad_draws_and_seed_are_one_line_errors(capsys, command, argv, flag):
    code, out, err = run(capsys, *command, *argv)
    assert code == 2 and not out
    assert err.startswith(f"linkmodel: error: {flag}: ") and err.count("\n") == 1
