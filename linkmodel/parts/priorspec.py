"""An assumption's prior as written in a data file: a plausible range and shape, or weighted alternatives.

An ``[assumed]`` entry may say how sure its author is::

    t_prog = { value = "1.2 ms", range = ["0.9 ms", "1.6 ms"], basis = "..." }
    t_prog = { value = "1.2 ms", range = ["0.9 ms", "1.6 ms"], shape = "uniform", basis = "..." }
    nand = { value = "samsung-v8-tlc", alternatives = [["samsung-v8-tlc", 0.6], ["samsung-v9-tlc", 0.4]], basis = "" }

Shapes (:data:`SHAPES`; docs/uncertainty.md gives the reasons):

- ``lognormal`` (default): the range is the central 90 % interval (5th to 95th percentile) of a log-normal
  whose median is the value; a value off the range's geometric middle makes it a split log-normal (one
  log-sd each side). "About v, plausibly lo to hi" for a positive quantity with multiplicative errors.
- ``uniform``, ``loguniform``: the range is hard bounds, every value in it (or every decade) equally likely.
- ``triangular``: the range is hard bounds, the value the mode.

This module only reads and checks what is written; :mod:`linkmodel.parts.priors` gives every
unpublished input its prior and draws from it. Errors are one line naming the file and the field.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["PRIOR_KEYS", "SHAPES", "Prior", "read_prior"]

#: the keys an [assumed] entry may carry besides ``value`` and ``basis``
PRIOR_KEYS = ("range", "shape", "alternatives")

#: shape -> how its range is read
SHAPES = {
    "lognormal": "central 90 % interval (5th-95th percentile), median at the value (split when off-centre)",
    "uniform": "hard bounds, uniform between them",
    "loguniform": "hard bounds, uniform in the logarithm",
    "triangular": "hard bounds, the value the mode",
}

#: relative tolerance on the alternatives' weights summing to 1 (TOML decimals such as 0.1 + 0.2 are inexact)
WEIGHT_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Prior:
    """A distribution over one input, in SI units.

    Attributes
    ----------
    value : Any
        The point value (the median of a log-normal, the mode of a triangle, one of the alternatives).
    lo, hi : float or None
        The range [SI units]: a log-normal's 5th and 95th percentiles, or the bounds of the other shapes.
        None for a categorical prior.
    shape : str
        A key of :data:`SHAPES`, or ``"categorical"`` (``alternatives``).
    alternatives : tuple of (value, weight)
        The categorical choices and their probabilities (summing to 1).
    kind : str
        Where the spread comes from: ``"author"`` (written in the file) or a row of
        :data:`linkmodel.parts.priors.DEFAULT_SPREAD`.
    basis : str
        Why this spread.
    """

    value: Any
    lo: float | None = None
    hi: float | None = None
    shape: str = "lognormal"
    alternatives: tuple = ()
    kind: str = "author"
    basis: str = ""


def _range(where: str, raw, value, to_si: Callable[[str, Any], Any], written=None) -> tuple[float, float]:
    if not isinstance(raw, list) or len(raw) != 2:
        raise ValueError(f'{where}.range: expected two values [low, high], e.g. ["0.9 ms", "1.6 ms"], got {raw!r}')
    lo, hi = (to_si(f"{where}.range[{i}]", x) for i, x in enumerate(raw))
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where}.range: a range needs a numeric value; give alternatives for a choice")
    if not lo <= value <= hi:
        shown = written if written is not None else value
        raise ValueError(f"{where}.range: {raw[0]!r} to {raw[1]!r} does not contain the value {shown!r}")
    return float(lo), float(hi)


def _alternatives(where: str, raw, value, to_si: Callable[[str, Any], Any]) -> tuple:
    shape_msg = f'{where}.alternatives: expected [[choice, weight], ...], e.g. [["a", 0.6], ["b", 0.4]], got {raw!r}'
    if not isinstance(raw, list) or not raw:
        raise ValueError(shape_msg)
    out: list[tuple[Any, float]] = []
    for i, item in enumerate(raw):
        if not isinstance(item, list) or len(item) != 2:
            raise ValueError(shape_msg)
        choice, w = to_si(f"{where}.alternatives[{i}]", item[0]), item[1]
        if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w) or not 0 < w <= 1:
            raise ValueError(f"{where}.alternatives[{i}]: weight {w!r} must be a number above 0 and at most 1")
        if any(choice == c for c, _ in out):
            raise ValueError(f"{where}.alternatives[{i}]: {item[0]!r} listed twice")
        out.append((choice, float(w)))
    total = sum(w for _, w in out)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        raise ValueError(f"{where}.alternatives: weights sum to {total:g}; they must sum to 1")
    if not any(choice == value for choice, _ in out):
        raise ValueError(f"{where}.alternatives: the value {value!r} is not one of the alternatives")
    return tuple(out)


def read_prior(where: str, entry: dict, value, to_si: Callable[[str, Any], Any]) -> Prior | None:
    """The prior an [assumed] entry writes, or None when it gives only a value and a basis.

    Parameters
    ----------
    where : str
        ``<file>: assumed.<field>`` for the messages.
    entry : dict
        The raw entry (``value``, ``basis`` and any of :data:`PRIOR_KEYS`).
    value : Any
        The entry's value, already in SI units.
    to_si : callable
        ``to_si(where, raw)`` reads a raw value of the field's type to SI (the field's own checks: units,
        sign, plausible range), raising a one-line error.

    Raises
    ------
    ValueError
        One line naming the file and the field: a range that is not two values of the field's kind, does
        not contain the value or has a bound the field refuses (negative for a positive quantity); an
        unknown shape, or a shape without a range; a log-normal range starting at 0; alternatives whose
        weights do not sum to 1 or that do not include the value; a range beside alternatives.
    """
    if not any(k in entry for k in PRIOR_KEYS):
        return None
    if "range" in entry and "alternatives" in entry:
        raise ValueError(f"{where}: give a range or alternatives, not both")
    if "alternatives" in entry:
        if "shape" in entry:
            raise ValueError(f"{where}.shape: alternatives have weights, not a shape")
        return Prior(value, shape="categorical", alternatives=_alternatives(where, entry["alternatives"], value, to_si))
    shape = entry.get("shape", "lognormal")
    if shape not in SHAPES:
        raise ValueError(f"{where}.shape: {shape!r} not allowed; allowed: {', '.join(SHAPES)}")
    if "range" not in entry:
        raise ValueError(f'{where}.shape: a shape needs a range, e.g. range = ["0.9 ms", "1.6 ms"]')
    lo, hi = _range(where, entry["range"], value, to_si, entry.get("value"))
    if shape in ("lognormal", "loguniform") and lo <= 0:
        raise ValueError(f"{where}.range: a {shape} range must start above 0; use shape = 'uniform' or 'triangular'")
    return Prior(float(value), lo, hi, shape)
