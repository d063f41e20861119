"""``linkmodel latency --draws`` with ``--write-iops`` (drawn) and ``--mix`` (refused in one line)."""

import json

from linkmodel.cli import main

CM9 = "kioxia-cm9-r"


def test_write_iops_with_draws_adds_the_curve_with_writes(capsys):
    argv = ["latency", CM9, "--qd", "1,16", "--write-iops", "50k", "--draws", "8", "--seed", "2"]
    assert main([*argv, "--json"]) == 0
    d = json.loads(capsys.readouterr().out)["intervals"]
    assert d["write_iops"] == 50e3 and [r["queue_depth"] for r in d["writes"]] == [1, 16]
    for r in d["writes"]:
        lo, hi = r["p99"]["interval"]
        assert lo <= r["p99"]["median"] <= hi
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "with 50 k writes/s alongside, over the first 8 draws:" in text


def test_mix_with_draws_is_a_one_line_error(capsys):
    code = main(["latency", CM9, "--mix", "0.7", "--draws", "8"])
    out = capsys.readouterr()
    assert code == 2 and not out.out
    assert out.err.startswith("linkmodel: error: --draws: not with --mix") and out.err.count("\n") == 1
