"""linkmodel._array.dataset: the direct construction (scalar and numpy inputs) gives the Dataset that xarray's
own constructor gives, identical in every variable, attribute, coordinate, index, order and dtype."""

import numpy as np
import pytest
import xarray as xr

from linkmodel import _array
from linkmodel._array import Kind
from linkmodel.pcie import latency, link_values


def _general(variables, kind, leading=None, attrs=None):
    _array._DIRECT = False  # xarray's constructor
    try:
        return _array.dataset(variables, kind, leading=leading, attrs=attrs)
    finally:
        _array._DIRECT = True


def _same(a: xr.Dataset, b: xr.Dataset) -> None:
    xr.testing.assert_identical(a, b)
    assert list(a.variables) == list(b.variables) and list(a.data_vars) == list(b.data_vars)
    assert dict(a.sizes) == dict(b.sizes) and list(a.sizes) == list(b.sizes)
    assert list(a.indexes) == list(b.indexes) and list(a.coords) == list(b.coords)
    for name in a.variables:
        assert a[name].dtype == b[name].dtype and type(a[name].variable) is type(b[name].variable), name
        assert a[name].attrs == b[name].attrs


@pytest.mark.parametrize("shape, kind", [((), "scalar"), ((3,), "numpy"), ((2, 5), "numpy"), ((1, 4, 2), "numpy")])
def test_direct_dataset_is_identical_to_xarrays(shape, kind):
    rng = np.random.default_rng(0)
    variables = {
        "a": (rng.random(shape), "B/s", "a rate", False),
        "b": (rng.random((2, *shape)), "B", "per direction", True),
        "c": (np.asarray(rng.random(shape) > 0.5), "", "a flag", False),
        "d": (np.asarray(np.array(["x", "yy"])[rng.integers(0, 2, shape)]), "", "a label", False),
        "e": (np.float64(3.0), "1", "a scalar broadcast", False),
    }
    k = Kind(kind, shape)
    lead = ("direction", ("upstream", "downstream"))
    _same(_array.dataset(variables, k, leading=lead, attrs={"m": "x"}), _general(variables, k, lead, {"m": "x"}))
    no_lead = {n: v for n, v in variables.items() if not v[3]}
    _same(_array.dataset(no_lead, k), _general(no_lead, k))


def test_model_datasets_are_identical_to_xarrays():
    v = link_values(np.array([4, 6]), 4, np.array([[4096], [131072]]), transfer="read")
    lat = dict(gen=5, lanes=4, size=np.array([64, 4096]), transfer="read")
    fast = v.to_dataset(), latency.breakdown(**lat)
    _array._DIRECT = False
    try:
        slow = v.to_dataset(), latency.breakdown(**lat)
    finally:
        _array._DIRECT = True
    for a, b in zip(fast, slow, strict=True):
        _same(a, b)
