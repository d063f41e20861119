"""The calibration file's loader: schema, fields and ranges checked, one-line errors naming file and field."""

import pytest

from linkmodel import parts
from linkmodel.parts import SpecError, load_calibration

GOOD = """schema = "linkmodel-calibration/1"
[program_power]
value_w = 0.23
[controller_fixed_fraction]
value = 0.28
[controller_energy]
value_j_per_byte = 0.34e-9
[command_energy]
value_j = 1.0e-6
"""


def test_bundled_values():
    # the values the file states (data/catalogue/calibration.toml), in SI units
    assert parts.stored() == {
        "program_power": 0.23,
        "controller_fixed_fraction": 0.28,
        "controller_energy": 0.34e-9,
        "command_energy": 1.0e-6,
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            GOOD.replace("linkmodel-calibration/1", "linkmodel-calibration/2"),
            'schema: expected "linkmodel-calibration/1"',
        ),
        (GOOD.replace("[command_energy]\nvalue_j = 1.0e-6\n", ""), "command_energy: missing table"),
        (GOOD.replace("value_w = 0.23", 'value_w = "0.23 W"'), "program_power.value_w: expected a finite number"),
        (GOOD.replace("value_w = 0.23", "value_w = nan"), "program_power.value_w: expected a finite number"),
        (
            GOOD.replace("value = 0.28", "value = 1.5"),
            "controller_fixed_fraction.value: 1.5 out of its plausible range",
        ),
        (GOOD.replace("value_j = 1.0e-6", "value_j = -1.0e-6"), "command_energy.value_j: -1e-06 J out of"),
        ("schema = ", "not valid TOML"),
    ],
)
def test_bad_file_one_line(tmp_path, text, message):
    path = tmp_path / "calibration.toml"
    path.write_text(text)
    with pytest.raises(SpecError) as exc:
        load_calibration(path)
    assert str(exc.value).startswith(f"{path}: ") and message in str(exc.value) and "\n" not in str(exc.value)


def test_good_file(tmp_path):
    path = tmp_path / "calibration.toml"
    path.write_text(GOOD)
    assert load_calibration(path)["command_energy"] == 1.0e-6
