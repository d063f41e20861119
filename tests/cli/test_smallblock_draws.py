"""``linkmodel ai smallblock --draws N --seed S``: JSON keys, the seed printed, one-line errors (issue 16)."""

import json

import pytest

from linkmodel.cli import main

BASE = ["ai", "smallblock", "micron-9650-pro"]


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_and_text_with_draws(capsys):
    _, base, _ = run(capsys, *BASE, "--json")
    code, out, _ = run(capsys, *BASE, "--draws", "16", "--seed", "4", "--json")
    assert code == 0
    base, d = json.loads(base), json.loads(out)
    assert {k: d[k] for k in base} == base
    assert (d["draws"], d["seed"]) == (16, 4)
    assert [r["size"] for r in d["intervals"]["iops"]] == [512.0, 1024.0, 2048.0, 4096.0]
    _, text0, _ = run(capsys, *BASE)
    code, text, _ = run(capsys, *BASE, "--draws", "16", "--seed", "4")
    assert code == 0 and text.startswith(text0) and "Over 16 draws" in text and "(seed 4)" in text


@pytest.mark.parametrize(
    ("argv", "flag"),
    [(["--draws", "0"], "--draws"), (["--draws", "1.5"], "--draws"), (["--seed=-1"], "--seed")],
)
def test_bad_draws_and_seed_are_one_line_errors(capsys, argv, flag):
    code, out, err = run(capsys, *BASE, *argv)
    assert code == 2 and not out
    assert err.startswith(f"linkmodel: error: {flag}: ") and err.count("\n") == 1
