"""linkmodel._array.dataset: the direct construction (scalar and numpy inputs) gives the Dataset that xarray's
own constructor gives, identical in every variable, attribute, coordinate, index, order and dtype."""

import math

import numpy as np
import pytest
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

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


# ---------------------------------------------------------------------------------------------------------------
# the scalar fast path of the checks (issue 17): the same outcome as the array path for every one-number input
# ---------------------------------------------------------------------------------------------------------------

_PY_NUMBERS = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, 0.5, 2.5, 4.0, 64, 128, 4096, 1e-3, 1e6, 1e9, 2**20, 1e300, math.nan, -math.inf]),
)
_ONE_VALUE = st.one_of(
    _PY_NUMBERS,
    _PY_NUMBERS.map(np.asarray),  # 0-d arrays (int64, uint64, float64, bool, object for huge ints)
    st.floats(allow_nan=True, width=32).map(np.float32),  # not taken by the fast path: must agree anyway
    st.integers(-5, 5).map(np.int8),
    st.text(max_size=4),
    st.sampled_from(["4", "nan", "", None, [4], (1, 2), {"a": 1}, 1 + 2j]),
)

_CHECKS = [
    lambda v: _array.check_finite("x", v),
    lambda v: _array.check_in("gen", v, (1, 2, 3, 4, 5, 6, 7, 8), "1..7 (8 provisional)"),
    lambda v: _array.check_in("lanes", v, (1, 2, 4, 8, 16)),
    lambda v: _array.check_range("size", v, lo=1, unit="B"),
    lambda v: _array.check_range("offset", v, lo=0, hi=4096, hi_open=True, unit="B"),
    lambda v: _array.check_range("rate", v, lo=0, lo_open=True, hi=1e-6),
    lambda v: _array.check_range("limit", v, lo=0, allow_inf=True, unit="B/s"),
    lambda v: _array.check_range("limit", v, hi=10, allow_inf=True),
    lambda v: _array.check_integer("count", v),
    lambda v: _array.check_count("depth", v, lo=1, hi=65536),
    lambda v: _array.check_bool("ecrc", v),
    lambda v: _array.unpack(a=v, b=4)[0]["a"],
]


def _outcome(check, value, fast: bool):
    _array._SCALAR_FAST = fast
    try:
        r = check(value)
    except Exception as exc:  # the same exception type and message either way
        return ("raises", type(exc), str(exc))
    finally:
        _array._SCALAR_FAST = True
    if r is None:
        return ("ok",)
    r = np.asarray(r)
    return ("ok", r.dtype, r.shape, r.tolist() if not (r.dtype.kind == "f" and np.isnan(r).any()) else "nan")


@settings(max_examples=400, deadline=None)
@given(value=_ONE_VALUE, which=st.integers(0, len(_CHECKS) - 1))
def test_the_scalar_fast_path_gives_the_array_paths_outcome(value, which):
    check = _CHECKS[which]
    assert _outcome(check, value, fast=True) == _outcome(check, value, fast=False)


@pytest.mark.parametrize(
    "call, message",
    [  # the one-line messages, written out by hand
        (lambda: _array.check_range("size", float("nan"), lo=1, unit="B"), "size: must be finite, got nan"),
        (lambda: _array.check_range("size", -3, lo=1, unit="B"), "size: -3 B out of range; must be >= 1 B"),
        (lambda: _array.check_range("size", True, lo=1), "size: must be a number, got True"),
        (
            lambda: _array.check_range("t", 2e-3, lo=0, hi=1e-3, unit="s"),
            "t: 0.002 s out of range; must be >= 0 and <= 0.001 s",
        ),
        (lambda: _array.check_range("x", -math.inf, lo=0, allow_inf=True), "x: must be finite, got -inf"),
        (lambda: _array.check_range("x", math.nan, lo=0, allow_inf=True), "x: must not be NaN"),
        (lambda: _array.check_in("lanes", 3, (1, 2, 4)), "lanes: 3 not allowed; allowed: 1, 2, 4"),
        (lambda: _array.check_in("lanes", 3.5, (1, 2, 4)), "lanes: 3.5 not allowed; allowed: 1, 2, 4"),
        (lambda: _array.check_in("lanes", math.inf, (1, 2, 4)), "lanes: must be finite, got inf"),
        (lambda: _array.check_bool("ecrc", 2), "ecrc: must be true or false, got 2"),
        (lambda: _array.check_integer("n", 2.5), "n: must be a whole number, got 2.5"),
        (lambda: _array.unpack(a=math.nan), "a: NaN is not a value"),
    ],
)
def test_scalar_messages(call, message):
    with pytest.raises(ValueError) as exc:
        call()
    assert str(exc.value) == message


def test_scalar_inputs_pass_the_checks_unchanged():
    # allowed values pass, and +inf passes where it means "no limit"
    _array.check_in("lanes", 4.0, (1, 2, 4))
    _array.check_range("limit", math.inf, lo=0, allow_inf=True)
    _array.check_range("limit", True, lo=0, allow_inf=True)  # the array path converts first: True is 1
    assert _array.check_bool("ecrc", 1).dtype == bool and bool(_array.check_bool("ecrc", 1))
    args, kind = _array.unpack(a=5, b=np.float64(2.5), c=np.asarray(True))
    assert kind.kind == "scalar" and [args[k].dtype.kind for k in "abc"] == ["i", "f", "b"]
