"""The shared constants calibrated once for all parts (``data/catalogue/calibration.toml``)."""

from __future__ import annotations

import tomllib

from linkmodel.parts.files import data_dir

__all__ = ["stored"]


def stored() -> dict:
    """The calibrated values in ``data/catalogue/calibration.toml`` (SI floats)."""
    path = data_dir() / "catalogue" / "calibration.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        "program_power": float(data["program_power"]["value_w"]),
        "controller_fixed_fraction": float(data["controller_fixed_fraction"]["value"]),
        "controller_energy": float(data["controller_energy"]["value_j_per_byte"]),
        "command_energy": float(data["command_energy"]["value_j"]),
    }
