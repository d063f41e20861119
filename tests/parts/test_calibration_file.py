"""The calibration file's loader (a posterior summary and draws): schema, fields, ranges and draw columns
checked, one-line errors naming file and field; the draws hook of linkmodel.parts.draws."""

import numpy as np
import pytest

from linkmodel import parts
from linkmodel.parts import SpecError, load_calibration
from linkmodel.parts.calibration import load_posterior, posterior_draws, use_draws
from linkmodel.parts.draws import draw_params

DRAWS = """[draws]
program_power = [0.2, 0.21, 0.22, 0.23, 0.24, 0.25, 0.26, 0.22, 0.23, 0.24]
controller_fixed_fraction = [0.28, 0.28, 0.28, 0.28, 0.28, 0.28, 0.28, 0.28, 0.28, 0.28]
controller_energy = [3e-10, 3e-10, 3e-10, 3e-10, 3e-10, 3e-10, 3e-10, 3e-10, 3e-10, 3e-10]
command_energy = [1e-6, 1e-6, 1e-6, 1e-6, 1e-6, 1e-6, 1e-6, 1e-6, 1e-6, 1e-6]
"sigma.random read" = [0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]
"""
GOOD = (
    """schema = "linkmodel-calibration/2"
[run]
seed = 1
[program_power]
value_w = 0.23
p10 = 0.21
p90 = 0.25
[controller_fixed_fraction]
value = 0.28
p10 = 0.27
p90 = 0.29
[controller_energy]
value_j_per_byte = 0.34e-9
p10 = 0.3e-9
p90 = 0.4e-9
[command_energy]
value_j = 1.0e-6
p10 = 0.8e-6
p90 = 1.2e-6
[discrepancy]
"random read" = { p10 = 0.15, median = 0.2, p90 = 0.25 }
"""
    + DRAWS
)


def test_bundled_file_loads_and_point_values_are_medians():
    post = load_posterior(parts.data_dir() / "catalogue" / "calibration.toml")
    assert parts.stored() == post.values
    for name, (lo, hi) in post.bands.items():
        assert lo <= post.values[name] <= hi
        # the stored value is the median of the posterior; the kept draws are a thinned subset, so their median
        # lies inside the 10-90 % band
        assert lo <= np.median(post.draws[name]) <= hi
    assert post.run["acceptance"] > 0.1 and min(post.run["autocorr_steps"].values()) > 1


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("linkmodel-calibration/2", "linkmodel-calibration/1", 'schema: expected "linkmodel-calibration/2"'),
        ("[command_energy]\nvalue_j = 1.0e-6\np10 = 0.8e-6\np90 = 1.2e-6\n", "", "command_energy: missing table"),
        ("value_w = 0.23", 'value_w = "0.23 W"', "program_power.value_w: expected a finite number"),
        ("value_w = 0.23", "value_w = nan", "program_power.value_w: expected a finite number"),
        ("value = 0.28", "value = 1.5", "controller_fixed_fraction.value: 1.5 out of its plausible range"),
        ("value_j = 1.0e-6", "value_j = -1.0e-6", "command_energy.value_j: -1e-06 J out of"),
        ("p10 = 0.21", "p10 = 0.24", "program_power: expected p10 <= value_w <= p90"),
        ("median = 0.2, p90 = 0.25", "median = 0.3, p90 = 0.25", "discrepancy.random read: expected p10 <= median"),
        ("command_energy = [1e-6, ", "command_energy = [1e-6, 1e-6, ", "draws: every column must hold the same number"),
        ("program_power = [0.2, ", "program_power = [-0.2, ", "draws.program_power[0]: -0.2 out of"),
        ('"sigma.random read" = ', '"sigma.seq" = ', "draws.sigma.random read: expected a list"),
        ("schema = ", "schema = = ", "not valid TOML"),
    ],
)
def test_bad_file_one_line(tmp_path, old, new, message):
    assert old in GOOD
    path = tmp_path / "calibration.toml"
    path.write_text(GOOD.replace(old, new, 1))
    with pytest.raises(SpecError) as exc:
        load_calibration(path)
    assert str(exc.value).startswith(f"{path}: ") and message in str(exc.value) and "\n" not in str(exc.value)


def test_good_file(tmp_path):
    path = tmp_path / "calibration.toml"
    path.write_text(GOOD)
    assert load_calibration(path)["command_energy"] == 1.0e-6
    post = load_posterior(path)
    assert post.discrepancy == {"random read": (0.15, 0.2, 0.25)}
    assert post.draws["program_power"][3] == 0.23 and len(post.draws["sigma.random read"]) == 10


def test_draws_take_joint_rows_of_the_posterior_in_use():
    # two joint rows: (0.1 W, 0.5 uJ) and (0.3 W, 1.5 uJ); each draw must take one whole row
    rows = {
        "program_power": [0.1, 0.3],
        "controller_fixed_fraction": [0.3, 0.3],
        "controller_energy": [0.3e-9, 0.3e-9],
        "command_energy": [0.5e-6, 1.5e-6],
    }
    with use_draws(rows):
        assert set(posterior_draws()["program_power"]) == {0.1, 0.3}
        d = draw_params("kioxia-cm9-r", 64, seed=3)
    pp, ce = d.params.program_power.values, d.params.command_energy.values
    pairs = set(zip(np.round(pp, 12), np.round(ce, 15), strict=True))
    assert pairs == {(0.1, 0.5e-6), (0.3, 1.5e-6)}
    # outside the block the stored draws are back
    assert len(posterior_draws()["program_power"]) > 2


def test_scale_zero_puts_the_constants_at_their_point_values():
    d = draw_params("kioxia-cm9-r", 8, seed=3, scale=0.0)
    assert np.all(np.asarray(d.params.program_power) == parts.stored()["program_power"])


def test_use_draws_refuses_incomplete_draws():
    with (
        pytest.raises(ValueError, match="draws: missing controller_fixed_fraction, controller_energy, command_energy"),
        use_draws({"program_power": [0.2]}),
    ):
        pass
