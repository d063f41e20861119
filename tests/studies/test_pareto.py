"""Pareto fronts, checked by hand."""

import numpy as np
import pytest
import xarray as xr

from linkmodel.studies.pareto import pareto


def test_pareto_by_hand():
    # (cost, value): (1, 1) front; (2, 1) dominated by (1, 1); (2, 3) front; (3, 2) dominated by (2, 3);
    # (4, 5) front; (4, 4) dominated at equal cost
    cost = np.array([1, 2, 2, 3, 4, 4])
    value = np.array([1, 1, 3, 2, 5, 4])
    assert pareto(cost, value).tolist() == [True, False, True, False, True, False]
    da = xr.DataArray(value.reshape(2, 3), dims=("a", "b"))
    got = pareto(xr.DataArray(cost.reshape(2, 3), dims=("a", "b")), da)
    assert got.dims == ("a", "b") and got.values.ravel().tolist() == [True, False, True, False, True, False]
    with pytest.raises(ValueError, match="shapes differ"):
        pareto([1, 2], [1])
