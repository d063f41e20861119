"""What-if comparison and attribution."""

import json

import pytest

from linkmodel import parts
from linkmodel.cli import main
from linkmodel.studies import whatif


def test_pm1763_vs_pm1753_at_25w():
    new, old = parts.load("samsung-pm1763"), parts.load("samsung-pm1753")
    cmp = whatif.compare(new, old, 25.0)
    steps = whatif.attribute(new, old, 25.0)
    # sequential reads can gain at most the Gen6 x4 / Gen5 x4 link ratio at MPS 512 (the PM1753 is link-bound)
    # hand: (32 GB/s x 236/256 x 512/528) / (15.754 GB/s x 512/536), ~1.9 (both within 1 % of SKP/DLLP/NVMe)
    hand = (32e9 * 236 / 256 * 512 / 528) / (32e9 * 4 / 8 * 128 / 130 * 512 / 536)
    assert cmp["old"]["seq_read"]["binding"] == "link"
    assert cmp["ratio"]["seq_read"]["performance"] <= hand * 1.01
    if cmp["new"]["seq_read"]["binding"] == "link":
        assert cmp["ratio"]["seq_read"]["performance"] == pytest.approx(hand, rel=0.01)
    assert steps[0]["step"] == "PCIe link"
    last = steps[-1]["ratio"]
    for wl, r in cmp["ratio"].items():
        assert last[wl]["performance"] == pytest.approx(r["performance"], rel=1e-9)
        assert last[wl]["efficiency"] == pytest.approx(r["efficiency"], rel=1e-9)
    for side in ("new", "old"):
        for m in cmp[side].values():
            assert m["power"] <= 25.0 * (1 + 1e-12)


def test_cli_whatif(capsys):
    assert main(["whatif", "samsung-pm1763", "samsung-pm1753", "--power-cap", "25W", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["new_part"] == "samsung-pm1763" and doc["power_cap"] == 25.0
    assert [s["step"] for s in doc["steps"]] == ["PCIe link", "NAND", "controller", "capacity", "power cap"]
    assert main(["whatif", "nope", "samsung-pm1753"]) == 2
    assert "unknown part 'nope'" in capsys.readouterr().err


def test_steps_cover_every_drive_parameter_once():
    # the attribution swaps every drive parameter in exactly one step, so its last step is the new design
    from linkmodel.ssd import drive

    keys = [k for _, group in whatif.STEPS for k in group]
    assert sorted(keys) == sorted(drive.PARAMETERS) and len(keys) == len(set(keys))
