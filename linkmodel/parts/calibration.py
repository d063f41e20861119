"""The shared constants calibrated once for all parts (``data/catalogue/calibration.toml``).

The file holds four tables, each with its value under a key that names the
unit (``value_w``, ``value``, ``value_j_per_byte``, ``value_j``), what it
means and its plausible range; :mod:`linkmodel.studies.calibrate` re-derives
them. The file is read once per process and checked: its schema, every table
and value present, each value a finite number in its plausible range. Errors
are one line naming the file and the field.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

from linkmodel.parts.locations import data_dir
from linkmodel.parts.schema import SpecError, read_toml

__all__ = ["CALIBRATION_SCHEMA", "CONSTANTS", "load_calibration", "stored"]

CALIBRATION_SCHEMA = "linkmodel-calibration/1"

#: constant -> (table key holding the value, plausible range (lo, hi) in SI units, unit). The ranges are wide
#: sanity bounds, an order of magnitude beyond the leave-one-out spread the file header reports
CONSTANTS = {
    "program_power": ("value_w", (0.01, 1.0), "W"),
    "controller_fixed_fraction": ("value", (0.0, 1.0), ""),
    "controller_energy": ("value_j_per_byte", (0.0, 10e-9), "J/B"),
    "command_energy": ("value_j", (0.0, 20e-6), "J"),
}


def load_calibration(path) -> dict[str, float]:
    """The calibrated constants of a calibration file (SI floats).

    Raises
    ------
    SpecError
        One line naming the file and the field: wrong schema, a missing table or value, a value that is not
        a finite number in its plausible range.
    """
    path = Path(path)
    data = read_toml(path)
    if data.get("schema") != CALIBRATION_SCHEMA:
        raise SpecError(f'{path}: schema: expected "{CALIBRATION_SCHEMA}", got {data.get("schema")!r}')
    out = {}
    for name, (key, (lo, hi), unit) in CONSTANTS.items():
        table = data.get(name)
        if not isinstance(table, dict):
            raise SpecError(f"{path}: {name}: missing table [{name}]")
        v = table.get(key)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise SpecError(f"{path}: {name}.{key}: expected a finite number, got {v!r}")
        if not lo <= v <= hi:
            u = f" {unit}" if unit else ""
            raise SpecError(f"{path}: {name}.{key}: {v:g}{u} out of its plausible range {lo:g}-{hi:g}{u}")
        out[name] = float(v)
    return out


@functools.lru_cache(maxsize=1)
def _bundled() -> tuple[tuple[str, float], ...]:
    return tuple(load_calibration(data_dir() / "catalogue" / "calibration.toml").items())


def stored() -> dict[str, float]:
    """The bundled calibrated values (SI floats), read once per process."""
    return dict(_bundled())
