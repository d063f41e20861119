"""What-if over draws: common random numbers for the inputs two parts share (issue 16, item 3)."""

import numpy as np
import pytest
from spec_fixture import BASE, INLINE_NAND

from linkmodel import parts
from linkmodel.studies import drawn, whatif

#: part A: the fixture part with its power cap an author's assumption (uniform, 20-30 W); part B: the same with its
#: own inline NAND die (so only the controller, calibrated constants and shared defaults are common)
_ASSUMED_CAP = (
    '[assumed]\npower_cap = { value = "25 W", range = ["20 W", "30 W"], shape = "uniform", basis = "made up" }\n\n'
)
A = BASE.replace('power_cap = "25 W"\n', "").replace("[[published]]", _ASSUMED_CAP + "[[published]]")
B = A.replace('id = "test-part"', 'id = "test-part-b"').replace('"kioxia-bics8-tlc"', '"acme-tlc"') + INLINE_NAND


@pytest.fixture
def pair(tmp_path):
    (tmp_path / "test-part.toml").write_text(A)
    (tmp_path / "test-part-b.toml").write_text(B)
    return parts.part(tmp_path / "test-part.toml"), parts.part(tmp_path / "test-part-b.toml")


def test_shared_inputs_are_drawn_once_and_own_inputs_apart(pair):
    j = drawn.joint_draws(pair, 64, 1)
    # the catalogue controller both name, the calibrated constants and the shared defaults: one stream each
    for key in ("controller kioxia-gen5-16ch.active_power", "calibrated.program_power", "shared.reserve_fraction"):
        assert j.users[key] == (0, 1)
    # A's catalogue die is A's alone (B has its own inline die, a stream named by B's id)
    assert j.users["nand kioxia-bics8-tlc.t_prog"] == (0,)
    assert j.users["test-part-b/nand acme-tlc.t_erase"] == (1,)
    # each part's own power cap is its own stream: both inside the author's 20-30 W range, not the same draws
    a, b = j.params
    cap_a, cap_b = j.values["test-part/part.power_cap"], j.values["test-part-b/part.power_cap"]
    assert np.all((cap_a >= 20) & (cap_a <= 30)) and np.all((cap_b >= 20) & (cap_b <= 30))
    assert not np.allclose(cap_a, cap_b)
    np.testing.assert_array_equal(a.power_cap.values, cap_a)
    np.testing.assert_array_equal(b.power_cap.values, cap_b)
    # the controller power rests only on shared inputs (the controller's active power, the calibrated fixed
    # share): drawn once, the two parts' drawn controller powers are the same numbers, draw by draw
    assert a.controller_power.size == 64
    np.testing.assert_array_equal(a.controller_power.values, b.controller_power.values)


def test_a_part_against_itself_gives_ratios_of_exactly_one():
    p = parts.part("samsung-pm1763")
    r = whatif.compare_draws(p, p, 25.0, n=64, seed=3)
    assert r.ratio and r.draws == 64 and r.seed == 3
    for wl in r.ratio.values():
        for k in ("performance", "efficiency"):
            assert wl[k]["median"] == 1.0 and wl[k]["interval"] == [1.0, 1.0]
    new_spread = r.new["seq_write"]["throughput"]["interval"]
    assert new_spread[0] < new_spread[1]  # the figures themselves are spread: only the ratio is not


def test_collapsed_priors_give_the_point_comparison(pair):
    a, b = pair
    point = whatif.compare(a, b)
    r = whatif.compare_draws(a, b, n=4, seed=0, scale=0)
    for wl, ratio in point["ratio"].items():
        assert r.ratio[wl]["performance"]["interval"] == pytest.approx([ratio["performance"]] * 2, rel=1e-12)
        assert r.new[wl]["throughput"]["median"] == pytest.approx(point["new"][wl]["throughput"], rel=1e-12)
        assert r.old[wl]["power"]["interval"] == pytest.approx([point["old"][wl]["power"]] * 2, rel=1e-12)


def test_draws_refused_under_an_imposed_cap_are_refused_for_both(pair):
    # at 12 W some draws of either part make no drive (static power at the cap): every kept draw runs in both
    j = drawn.joint_draws(pair, 32, 0, power_cap=12.0)
    assert all(float(np.max(p.power_cap)) == 12.0 for p in j.params)
    assert len(j.values["calibrated.program_power"]) == 32
