"""The shared constants calibrated once for all parts (``data/catalogue/calibration.toml``): a posterior.

:mod:`linkmodel.studies.calibrate` samples the posterior of the four constants and of a log-error scale per
figure class and writes this file: per constant a table with its posterior median under a key that names
the unit (``value_w``, ``value``, ``value_j_per_byte``, ``value_j``), its 10th and 90th percentiles
(``p10``, ``p90``, same unit), its prior, meaning and plausibility; ``[discrepancy]``, the per-class scales;
``[run]``, how it was sampled and its convergence; ``[draws]``, thinned posterior draws, one array per
constant and scale (SI units, one column per name, row i of every array one joint draw).

The point value the model uses for a constant is its posterior **median** (:func:`stored`).
:func:`posterior_draws` gives the draws; :mod:`linkmodel.parts.draws` draws the constants from them (one
joint row per draw), and :func:`use_draws` swaps in other draws for a while (a leave-one-out fit).

The file is read once per process and checked: its schema, every table and value present, each value a
finite number in its plausible range, ``p10 <= value <= p90``, every draw column of one length. Errors are
one line naming the file and the field.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from linkmodel.parts.locations import data_dir
from linkmodel.parts.schema import SpecError, read_toml

__all__ = [
    "CALIBRATION_SCHEMA",
    "CONSTANTS",
    "MIN_DRAWS",
    "Posterior",
    "load_calibration",
    "load_posterior",
    "posterior_draws",
    "stored",
    "use_draws",
]

CALIBRATION_SCHEMA = "linkmodel-calibration/2"

#: constant -> (table key holding the value, plausible range (lo, hi) in SI units, unit). The ranges are wide
#: sanity bounds, an order of magnitude beyond the priors' 90 % ranges (linkmodel.studies.calibrate.PRIORS)
CONSTANTS = {
    "program_power": ("value_w", (0.01, 1.0), "W"),
    "controller_fixed_fraction": ("value", (0.0, 1.0), ""),
    "controller_energy": ("value_j_per_byte", (0.0, 10e-9), "J/B"),
    "command_energy": ("value_j", (0.0, 20e-6), "J"),
}
#: fewest draws a file may hold (fewer cannot give a 10th percentile)
MIN_DRAWS = 10


@dataclass(frozen=True)
class Posterior:
    """A calibration file's contents (SI units).

    Attributes
    ----------
    values : dict of str -> float
        Each constant's posterior median (the point value the model uses).
    bands : dict of str -> (float, float)
        Each constant's 10th and 90th percentile.
    discrepancy : dict of str -> (float, float, float)
        Figure class -> its log-error scale's 10th percentile, median, 90th percentile [1].
    draws : dict of str -> numpy.ndarray
        Thinned posterior draws, one array per constant and per ``sigma.<class>`` (equal lengths; row i of
        every array is one joint draw).
    run : dict
        How the posterior was sampled and its convergence (the file's ``[run]`` table, as written).
    """

    values: dict
    bands: dict
    discrepancy: dict
    draws: dict
    run: dict


def _number(path, field: str, v, lo: float = -math.inf, hi: float = math.inf, unit: str = "") -> float:
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        raise SpecError(f"{path}: {field}: expected a finite number, got {v!r}")
    if not lo <= v <= hi:
        u = f" {unit}" if unit else ""
        raise SpecError(f"{path}: {field}: {v:g}{u} out of its plausible range {lo:g}-{hi:g}{u}")
    return float(v)


def _table(path, data: Mapping, name: str) -> Mapping:
    table = data.get(name)
    if not isinstance(table, dict):
        raise SpecError(f"{path}: {name}: missing table [{name}]")
    return table


def _constants(path, data: Mapping) -> tuple[dict, dict]:
    values, bands = {}, {}
    for name, (key, (lo, hi), unit) in CONSTANTS.items():
        table = _table(path, data, name)
        v = _number(path, f"{name}.{key}", table.get(key), lo, hi, unit)
        p10 = _number(path, f"{name}.p10", table.get("p10"), lo, hi, unit)
        p90 = _number(path, f"{name}.p90", table.get("p90"), lo, hi, unit)
        if not p10 <= v <= p90:
            raise SpecError(f"{path}: {name}: expected p10 <= {key} <= p90, got {p10:g}, {v:g}, {p90:g}")
        values[name], bands[name] = v, (p10, p90)
    return values, bands


def _discrepancy(path, data: Mapping) -> dict:
    out = {}
    for cls, entry in _table(path, data, "discrepancy").items():
        if not isinstance(entry, dict):
            raise SpecError(f"{path}: discrepancy.{cls}: expected a table {{ p10, median, p90 }}, got {entry!r}")
        q = tuple(_number(path, f"discrepancy.{cls}.{k}", entry.get(k), 0.0, 10.0) for k in ("p10", "median", "p90"))
        if not q[0] <= q[1] <= q[2]:
            raise SpecError(f"{path}: discrepancy.{cls}: expected p10 <= median <= p90, got {q}")
        out[cls] = q
    if not out:
        raise SpecError(f"{path}: discrepancy: expected a scale per figure class, got none")
    return out


def _draws(path, data: Mapping, classes) -> dict:
    table = _table(path, data, "draws")
    out = {}
    for name in (*CONSTANTS, *(f"sigma.{c}" for c in classes)):
        lo, hi = CONSTANTS[name][1] if name in CONSTANTS else (0.0, 10.0)
        col = table.get(name)
        if not isinstance(col, list) or len(col) < MIN_DRAWS:
            raise SpecError(f"{path}: draws.{name}: expected a list of at least {MIN_DRAWS} numbers")
        out[name] = np.array([_number(path, f"draws.{name}[{i}]", x, lo, hi) for i, x in enumerate(col)])
    lengths = {len(v) for v in out.values()}
    if len(lengths) > 1:
        raise SpecError(f"{path}: draws: every column must hold the same number of draws, got {sorted(lengths)}")
    return out


def load_posterior(path) -> Posterior:
    """A calibration file: medians, bands, discrepancy scales, draws and run (SI units).

    Raises
    ------
    SpecError
        One line naming the file and the field: wrong schema, a missing table or value, a value that is not
        a finite number in its plausible range, percentiles out of order, draw columns of unequal length.
    """
    path = Path(path)
    data = read_toml(path)
    if data.get("schema") != CALIBRATION_SCHEMA:
        raise SpecError(f'{path}: schema: expected "{CALIBRATION_SCHEMA}", got {data.get("schema")!r}')
    values, bands = _constants(path, data)
    disc = _discrepancy(path, data)
    draws = _draws(path, data, disc)
    return Posterior(values, bands, disc, draws, dict(_table(path, data, "run")))


def load_calibration(path) -> dict[str, float]:
    """The calibrated constants of a calibration file: their posterior medians (SI floats).

    Raises
    ------
    SpecError
        As :func:`load_posterior`.
    """
    return dict(load_posterior(path).values)


@functools.lru_cache(maxsize=1)
def _bundled() -> Posterior:
    return load_posterior(data_dir() / "catalogue" / "calibration.toml")


def stored() -> dict[str, float]:
    """The bundled calibrated values, the posterior medians (SI floats), read once per process."""
    return dict(_bundled().values)


_override: list[dict] = []


def posterior_draws() -> dict[str, np.ndarray]:
    """The posterior draws of the constants in use (SI): the bundled ones, or those :func:`use_draws` set."""
    if _override:
        return _override[-1]
    return {k: _bundled().draws[k] for k in CONSTANTS}


@contextlib.contextmanager
def use_draws(draws: Mapping) -> Iterator[None]:
    """Within the block, :func:`posterior_draws` gives ``draws`` (constant -> equal-length arrays, SI).

    Raises
    ------
    ValueError
        A constant missing, or columns of unequal length.
    """
    missing = [k for k in CONSTANTS if k not in draws]
    if missing:
        raise ValueError(f"draws: missing {', '.join(missing)}; expected every calibrated constant")
    cols = {k: np.asarray(draws[k], dtype=float).ravel() for k in CONSTANTS}
    if len({v.size for v in cols.values()}) != 1:
        raise ValueError("draws: every constant needs the same number of draws")
    _override.append(cols)
    try:
        yield
    finally:
        _override.pop()
