"""``check`` and ``validate`` with draws: JSON keys, the seed printed, one-line errors (issue 16, items 3-5)."""

import json

import pytest
from draw_flags import BAD_DRAW_FLAGS

from linkmodel.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_check_json_carries_intervals_quantiles_sensitivity_and_verdicts(capsys):
    code, out, _ = run(capsys, "check", "samsung-pm1763", "--draws", "64", "--seed", "5", "--json")
    assert code == 0
    d = json.loads(out)
    assert (d["draws"], d["seed"], d["method"]) == (64, 5, "mc")
    seq = next(r for r in d["records"] if r["metric"] == "seq_read")
    assert {"interval", "quantile", "median", "sensitivity", "predicted", "error", "binding"} <= set(seq)
    assert len(seq["interval"]) == 2 and 0.0 <= seq["quantile"] <= 1.0
    for c in d["checks"]:
        assert c["verdict"] in ("consistent", "optimistic", "pessimistic", "impossible")
        assert {"interval", "quantile", "hard_ceiling", "hard_ceiling_at", "requirements"} <= set(c)


def test_check_prints_the_seed_verdicts_and_what_to_learn_first(capsys):
    code, out, _ = run(capsys, "check", "samsung-pm1763", "--draws", "128", "--seed", "2")
    assert code == 0
    assert "Over 128 draws of every unpublished input per SKU (seed 2)" in out
    assert "learn first: " in out and "(S1 " in out
    assert "    verdict: optimistic: above the model's 80 % interval" in out  # 21 GB/s seq write at 25 W


def test_validate_with_draws_keeps_every_key(capsys):
    _, base, _ = run(capsys, "validate", "--part", "samsung-pm1763", "--json")
    code, drawn, _ = run(capsys, "validate", "--part", "samsung-pm1763", "--draws", "32", "--json")
    assert code == 0
    base, drawn = json.loads(base), json.loads(drawn)
    assert len(base) == len(drawn)
    for a, b in zip(base, drawn, strict=True):
        assert {k: b[k] for k in a} == a  # every existing key, with the same value: the point stays
    assert any({"interval", "quantile", "seed", "draws"} <= set(b) for b in drawn)


@pytest.mark.parametrize(
    ("argv", "flag"),
    BAD_DRAW_FLAGS,
)
@pytest.mark.parametrize("command", [["check", "samsung-pm1763"], ["validate", "--part", "samsung-pm1763"]])
def test_bad_draws_and_seed_are_one_line_errors(capsys, command, argv, flag):
    code, out, err = run(capsys, *command, *argv)
    assert code == 2 and not out
    assert err.startswith(f"linkmodel: error: {flag}: ") and err.count("\n") == 1
