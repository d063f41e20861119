"""``linkmodel ai edge --draws N --seed S``: JSON keys, the seed printed, one-line errors (issue 16 item 3)."""

import json

import pytest
from draw_flags import BAD_DRAW_FLAGS

from linkmodel.cli import main

BASE = ["ai", "edge", "opt-6.7b", "--device", "oneplus-12", "--sparsity", "0.9", "--target", "5"]


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_with_draws_keeps_the_point_and_adds_intervals(capsys):
    _, base, _ = run(capsys, *BASE, "--json")
    code, out, _ = run(capsys, *BASE, "--draws", "16", "--seed", "4", "--json")
    assert code == 0
    base, d = json.loads(base), json.loads(out)
    assert {k: d[k] for k in base} == base  # the point report is unchanged by the draws
    assert (d["draws"], d["seed"], d["drawn"]) == (16, 4, True)
    assert set(d["intervals"]) == {"tokens_per_second", "flash_time", "dram_needed"}
    for s in d["intervals"].values():
        lo, hi = s["interval"]
        assert lo <= s["median"] <= hi


def test_text_prints_the_seed_and_the_point_lines_unchanged(capsys):
    _, base, _ = run(capsys, *BASE)
    code, text, _ = run(capsys, *BASE, "--draws", "16", "--seed", "4")
    assert code == 0 and text.startswith(base)
    assert "Over 16 draws of samsung-ufs40's unpublished inputs" in text and "(seed 4)" in text
    assert "tokens/s: " in text and "DRAM for the target: " in text


def test_measured_storage_says_so_in_one_line(capsys):
    argv = ["ai", "edge", "opt-6.7b", "--device", "macbook-pro-m1-max", "--sparsity", "0.9"]
    _, base, _ = run(capsys, *argv)
    code, text, _ = run(capsys, *argv, "--draws", "16")
    assert code == 0 and text.startswith(base)
    extra = text[len(base) :].splitlines()
    assert len(extra) == 1 and "no drive priors" in extra[0]


@pytest.mark.parametrize(("argv", "flag"), BAD_DRAW_FLAGS)
def test_bad_draws_and_seed_are_one_line_errors(capsys, argv, flag):
    code, out, err = run(capsys, *BASE, *argv)
    assert code == 2 and not out
    assert err.startswith(f"linkmodel: error: {flag}: ") and err.count("\n") == 1


def test_knob_axes_get_one_interval_per_value(capsys):
    argv = ["ai", "edge", "opt-6.7b", "--device", "oneplus-12", "--sparsity", "0.9", "--bits", "4,16"]
    code, out, _ = run(capsys, *argv, "--draws", "16", "--seed", "4", "--json")
    assert code == 0
    st = json.loads(out)["intervals"]["tokens_per_second"]
    assert st["dims"] == ["bits"] and st["coords"] == {"bits": [4.0, 16.0]}
    lo, hi = st["interval"]
    assert all(a <= m <= b for a, m, b in zip(lo, st["median"], hi, strict=True))
    assert st["median"][0] > st["median"][1]  # 4-bit weights stream a quarter of the 16-bit bytes
    code, text, _ = run(capsys, *argv, "--draws", "16", "--seed", "4")
    assert code == 0 and "tokens/s [tokens/s], by bits:" in text
    assert "    bits 4: " in text and "    bits 16: " in text
