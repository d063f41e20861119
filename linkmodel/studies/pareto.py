"""Pareto fronts over designs: which are not beaten on cost and value at once."""

from __future__ import annotations

import numpy as np

__all__ = ["pareto"]


def pareto(cost, value):
    """Which designs are Pareto-optimal: no other design has lower-or-equal cost and higher-or-equal value,
    one of them strictly (e.g. cost = power [W], value = throughput [B/s]).

    Parameters
    ----------
    cost, value : array-like or xarray.DataArray
        Same shape (any dims; flattened together). Finite.

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        Boolean, same shape and kind as ``value``: True on the front.
    """
    c = np.asarray(cost, dtype=float)
    v = np.asarray(value, dtype=float)
    if c.shape != v.shape:
        raise ValueError(f"cost, value: shapes differ ({c.shape} vs {v.shape})")
    if not (np.all(np.isfinite(c)) and np.all(np.isfinite(v))):
        raise ValueError("cost, value: finite numbers only")
    flat_c, flat_v = c.ravel(), v.ravel()
    order = np.lexsort((-flat_v, flat_c))  # by cost ascending, then value descending
    best = -np.inf
    front = np.zeros(flat_c.size, dtype=bool)
    for i in order:  # a design is on the front if it beats every cheaper-or-equal one
        if flat_v[i] > best:
            front[i] = True
            best = flat_v[i]
    # equal cost: only the best value there (lexsort put it first); of exact duplicates, one is marked
    out = front.reshape(c.shape)
    if hasattr(value, "dims"):
        return value.copy(data=out).rename("pareto")
    return out
