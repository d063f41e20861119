"""Broadcasting and validation helpers shared by every model function.

Model functions accept scalars, numpy arrays or xarray DataArrays and return
the same kind. The pattern is::

    args, kind = unpack(gen=gen, lanes=lanes)      # numpy arrays, broadcast
    ... pure numpy on args ...
    return pack(result, kind)                       # back to the caller's kind

With DataArray inputs the arrays are aligned and broadcast by dimension name
(xarray's rules), so sweeps are plain broadcasting over named axes.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "PLAIN_NUMBERS",
    "Kind",
    "check_bool",
    "check_choice",
    "check_count",
    "check_finite",
    "check_in",
    "check_integer",
    "check_memory",
    "check_range",
    "dataset",
    "is_choice",
    "number",
    "pack",
    "unpack",
]


@dataclass(frozen=True)
class Kind:
    """How to rebuild outputs in the caller's array type."""

    kind: str  # "scalar", "numpy" or "xarray"
    shape: tuple
    dims: tuple = ()
    coords: Any = None


def _is_dataarray(x) -> bool:
    return type(x).__name__ == "DataArray" and hasattr(x, "dims")


#: Checks take the scalar fast path (:func:`_one`; False: always the array path, for tests/test_array.py).
_SCALAR_FAST = True
_FAST_DTYPES = (np.dtype(np.float64), np.dtype(np.int64), np.dtype(np.bool_))
_NO = object()  # from _one: input left to the array path


def _one(a):
    """`a` as one Python number if the scalar fast path takes it (Python int within int64, float, bool; 0-d or
    numpy scalars of float64, int64, bool), else ``_NO``: the array path, whose messages stay as they are."""
    if not _SCALAR_FAST:
        return _NO
    t = type(a)
    if t is float or t is bool:
        return a
    if t is int:
        return a if -(2**63) <= a < 2**63 else _NO
    if (t is np.ndarray and a.ndim == 0) or isinstance(a, np.generic):
        return a.item() if a.dtype in _FAST_DTYPES else _NO
    return _NO


#: the types of one plain Python number: a check given one of these may return a Python number (not a 0-d array)
PLAIN_NUMBERS = (int, float, bool)


def number(a):
    """`a` as one Python number (int, float or bool) if the checks' scalar fast path takes it and it is not NaN,
    else None [units of `a`]. Through the checks, it gives the outcome :func:`unpack` and the checks give for
    ``np.asarray(a)`` (a model's scalar path; None: the array path decides, with its messages)."""
    x = _one(a)
    if x is _NO or x != x:
        return None
    return x


def _numeric(name: str, value) -> np.ndarray:
    """`value` as a numeric numpy array, or a one-line ValueError naming `name`.

    Refused: text, ragged or nested lists, other objects, and NaN (a NaN input is never a value: it would
    come back as a silent NaN result). Infinity passes here; the model's own checks say where it means
    "no limit" and where it is out of range.
    """
    try:
        a = np.asarray(value)
    except (ValueError, TypeError):
        a = None
    if a is not None and a.dtype.kind == "O":
        try:
            a = a.astype(float)
        except (ValueError, TypeError):
            a = None
    if a is None or a.dtype.kind not in "biuf":
        shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
        raise ValueError(f"{name}: expected a number or an array of numbers, got {shown}")
    if a.dtype.kind == "f" and np.isnan(a).any():
        raise ValueError(f"{name}: NaN is not a value")
    return a


def _numeric_fast(name: str, value) -> np.ndarray:
    """:func:`_numeric`, with the scalar fast path (the same result and message) [units of `value`]."""
    x = _one(value)
    if x is _NO or x != x:  # NaN: _numeric's error
        return _numeric(name, value)
    return value if type(value) is np.ndarray else np.asarray(x)


def unpack(**inputs):
    """Turn named inputs into numpy arrays that broadcast to one shape: ``(dict of arrays, Kind)`` [units of each].

    Inputs keep their own shapes (a scalar stays 0-d), so arithmetic on them only materializes full-size arrays
    where the inputs actually vary; the common shape is recorded in the returned :class:`Kind`. Inputs are
    scalars, array-likes or DataArrays: DataArrays are aligned (exactly) and broadcast by dimension name; numpy
    arrays and scalars broadcast against the trailing dimensions as numpy would. ValueError (one line) if the
    inputs do not broadcast together.
    """
    das = {k: v for k, v in inputs.items() if _is_dataarray(v)}
    if das:
        import xarray as xr

        try:
            aligned = xr.align(*das.values(), join="exact")
        except ValueError as exc:
            raise ValueError(f"inputs {', '.join(das)}: coordinates do not match ({exc})") from None
        dims: list = []
        sizes: dict = {}
        coords: dict = {}
        for da in aligned:
            for d, n in zip(da.dims, da.shape, strict=True):
                if d not in sizes:
                    dims.append(d)
                    sizes[d] = n
            for name, c in da.coords.items():
                coords.setdefault(name, c)
        shape = tuple(sizes[d] for d in dims)
        out = {}
        for k, da in zip(das, aligned, strict=True):
            order = [d for d in dims if d in da.dims]
            vals = _numeric(k, da.transpose(*order).values)
            out[k] = vals.reshape([sizes[d] if d in da.dims else 1 for d in dims])
        for k, v in inputs.items():
            if k in out:
                continue
            a = _numeric(k, v)
            if a.ndim > 0:
                raise ValueError(
                    f"{k}: an unnamed array cannot be combined with DataArray inputs (which axis would "
                    f"it follow?); wrap it in a DataArray with named dims"
                )
            out[k] = a
        return out, Kind("xarray", shape, tuple(dims), coords)
    arrays = {k: _numeric_fast(k, v) for k, v in inputs.items()}
    if all(a.ndim == 0 for a in arrays.values()):
        return arrays, Kind("scalar", ())
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays.values())) if arrays else ()
    except ValueError:
        shapes = ", ".join(f"{k}{np.shape(v)}" for k, v in arrays.items())
        raise ValueError(f"inputs do not broadcast together: {shapes}") from None
    if shape == ():
        return arrays, Kind("scalar", ())
    return arrays, Kind("numpy", shape)


def pack(value, kind: Kind, name: str | None = None, units: str | None = None, long_name: str | None = None):
    """Return `value` (a numpy array with the broadcast shape, or broadcastable to it) as the caller's kind of array
    (`kind` from :func:`unpack`): a Python number, a numpy array or an xarray DataArray, on which `name`, `units`
    and `long_name` are set (``attrs["units"]``, ``attrs["long_name"]``) [units of `value`]."""
    value = np.asarray(value)
    if kind.kind == "scalar":
        v = value.reshape(())[()]
        if isinstance(v, (np.floating, np.integer, np.bool_, np.str_)):
            return v.item()
        return v
    value = np.broadcast_to(value, kind.shape)
    if kind.kind == "numpy":
        return np.array(value)
    import xarray as xr

    attrs = {}
    if units is not None:
        attrs["units"] = units
    if long_name is not None:
        attrs["long_name"] = long_name
    return xr.DataArray(np.array(value), dims=kind.dims, coords=kind.coords, name=name, attrs=attrs)


# ---------------------------------------------------------------------------
# validation: one-line ValueErrors naming the parameter and what is allowed
# ---------------------------------------------------------------------------


def _fmt(v) -> str:
    v = v.item() if hasattr(v, "item") else v
    if isinstance(v, float) and np.isfinite(v) and v == int(v) and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, float):
        return f"{v:g}"
    return repr(v)


def _show(values) -> str:
    vals = np.unique(np.asarray(values).ravel())
    shown = ", ".join(_fmt(v) for v in vals[:5])
    return shown + (", ..." if vals.size > 5 else "")


def _finite_one(name: str, x) -> None:
    """:func:`check_finite` of one Python number `x` (from :func:`_one`)."""
    if type(x) is bool:
        raise ValueError(f"{name}: must be a number, got {_fmt(x)}")
    if type(x) is float and not math.isfinite(x):
        raise ValueError(f"{name}: must be finite, got {_fmt(x)}")


def check_finite(name: str, a) -> None:
    """Raise ValueError if `a` holds NaN or infinity, or is not numeric (bools included)."""
    x = _one(a)
    if x is not _NO:
        _finite_one(name, x)
        return
    a = np.asarray(a)
    if a.dtype.kind == "b":
        raise ValueError(f"{name}: must be a number, got {_show(a)}")
    if a.dtype.kind in "fc" and not np.all(np.isfinite(a)):
        raise ValueError(f"{name}: must be finite, got {_show(a[~np.isfinite(a)])}")
    if a.dtype.kind not in "biuf":
        raise ValueError(f"{name}: must be a number, got {_show(a)}")


def check_in(name: str, a, allowed, describe: str | None = None) -> None:
    """Raise ValueError unless every element of `a` is one of `allowed`."""
    x = _one(a)
    if x is not _NO:
        _finite_one(name, x)
        xf = float(x)  # as the array path compares: in float64
        for v in allowed:
            if xf == float(v):
                return
        raise ValueError(f"{name}: {_fmt(x)} not allowed; allowed: {describe or ', '.join(str(v) for v in allowed)}")
    a = np.asarray(a)
    if a.dtype.kind not in "biuf" and not all(isinstance(x, (int, float)) for x in allowed):
        bad = ~np.isin(a, list(allowed))
    else:
        check_finite(name, a)
        ok = np.zeros(a.shape, dtype=bool)
        for x in allowed:  # what np.isin does for a short list, without its set-up (~ 25 us a call)
            ok |= a == float(x)
        bad = ~ok
    if np.any(bad):
        allowed_s = describe or ", ".join(str(x) for x in allowed)
        raise ValueError(f"{name}: {_show(a[bad])} not allowed; allowed: {allowed_s}")


def check_range(
    name: str, a, lo=None, hi=None, lo_open=False, hi_open=False, unit: str = "", allow_inf: bool = False
) -> None:
    """Raise ValueError unless `lo <= a <= hi` (or strict, per the flags).

    NaN is always an error; +inf only with ``allow_inf`` (e.g. "no limit").
    """
    x = _one(a)
    if x is not _NO:
        _range_one(name, x, lo, hi, lo_open, hi_open, unit, allow_inf)
        return
    if allow_inf:
        b = np.asarray(a, dtype=float)
        if np.any(np.isnan(b)):
            raise ValueError(f"{name}: must not be NaN")
        a = np.where(np.isposinf(b), np.finfo(float).max, b)
    check_finite(name, a)
    a = np.asarray(a, dtype=float)
    bad = np.zeros(a.shape, dtype=bool)
    if lo is not None:
        bad |= (a <= lo) if lo_open else (a < lo)
    if hi is not None:
        bad |= (a >= hi) if hi_open else (a > hi)
    if np.any(bad):
        _out_of_range(name, _show(a[bad]), lo, hi, lo_open, hi_open, unit)


def _out_of_range(name: str, shown: str, lo, hi, lo_open, hi_open, unit) -> None:
    """Raise :func:`check_range`'s one-line error for the offending values `shown`."""
    lo_s = "" if lo is None else (f"> {lo:g}" if lo_open else f">= {lo:g}")
    hi_s = "" if hi is None else (f"< {hi:g}" if hi_open else f"<= {hi:g}")
    rng = " and ".join(x for x in (lo_s, hi_s) if x)
    u = f" {unit}" if unit else ""
    raise ValueError(f"{name}: {shown}{u} out of range; must be {rng}{u}")


def _range_one(name: str, x, lo, hi, lo_open, hi_open, unit, allow_inf) -> None:
    """:func:`check_range` of one Python number `x` (from :func:`_one`): the same checks in the same order."""
    if allow_inf:
        x = float(x)  # the array path converts first: a bool passes as 0 or 1
        if x != x:
            raise ValueError(f"{name}: must not be NaN")
        x = _FLOAT_MAX if x == math.inf else x
    _finite_one(name, x)
    x = float(x)
    below = lo is not None and ((x <= lo) if lo_open else (x < lo))
    if below or (hi is not None and ((x >= hi) if hi_open else (x > hi))):
        _out_of_range(name, _fmt(x), lo, hi, lo_open, hi_open, unit)


_FLOAT_MAX = float(np.finfo(float).max)


#: Working memory a single model call may claim before it is refused [B]. ASSUMPTION: 2 GiB, a quarter of a
#: small (8 GiB) machine: a call that needs more is better split (``chunks=`` for a sweep, batches for
#: arrays) than left to run out of memory without a word.
MEMORY_LIMIT = 2 * 2**30


def check_memory(name: str, elements: float, bytes_per_element: float, hint: str, what: str = "") -> None:
    """Raise a one-line ValueError if ``elements x bytes_per_element`` [B] exceeds :data:`MEMORY_LIMIT`.

    ``bytes_per_element`` is the caller's measured peak working memory per
    output element [B] (the result and its intermediates); ``hint`` says
    what to do instead (e.g. pass ``chunks=``); ``what`` how the elements
    count (default "elements").
    """
    need = float(elements) * float(bytes_per_element)
    if need > MEMORY_LIMIT:
        raise ValueError(
            f"{name}: {what or f'{float(elements):.3g} elements'} need about {need / 2**30:.3g} GiB of working memory, "
            f"over the {MEMORY_LIMIT / 2**30:g} GiB limit; {hint}"
        )


def check_integer(name: str, a) -> None:
    """Raise ValueError unless every element of `a` is a whole number."""
    x = _one(a)
    if x is not _NO:
        _finite_one(name, x)
        if float(x) != round(float(x)):
            raise ValueError(f"{name}: must be a whole number, got {_fmt(float(x))}")
        return
    check_finite(name, a)
    a = np.asarray(a, dtype=float)
    bad = a != np.round(a)
    if np.any(bad):
        raise ValueError(f"{name}: must be a whole number, got {_show(a[bad])}")


def is_choice(value, allowed) -> bool:
    """Whether the scalar option `value` is one of `allowed` (False, not TypeError, for a list, dict or array)."""
    if isinstance(value, (list, dict, set, np.ndarray)):
        return False  # unhashable, or compared elementwise: never one option
    try:
        return bool(value in allowed)
    except (TypeError, ValueError):
        return False


def check_count(name: str, a, lo: float = 1, hi: float = 1e9, unit: str = "") -> None:
    """Raise ValueError unless every element of `a` is a whole number in ``lo..hi`` (counts, widths, depths)."""
    check_integer(name, a)
    check_range(name, a, lo=lo, hi=hi, unit=unit)


def check_choice(name: str, value, allowed) -> None:
    """Raise ValueError unless the scalar option `value` is one of `allowed` (any value: a list is named too)."""
    if not is_choice(value, allowed):
        shown = repr(value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise ValueError(f"{name}: {shown} not allowed; allowed: {', '.join(map(repr, allowed))}")


def dataset(variables: dict, kind: Kind, leading: tuple | None = None, attrs: dict | None = None):
    """Build an xarray Dataset from numpy results in the caller's layout [units in each variable's attrs].

    `variables` maps ``name -> (array, units, long_name, leading)``; with ``leading`` True the array has an extra
    first axis, the dimension `leading` = ``(name, labels)`` (e.g. ``("direction", ["upstream", "downstream"])``).
    `kind` (from :func:`unpack`) gives the other dims: DataArray inputs' dims and coords, ``dim_0, dim_1, ...`` for
    numpy inputs, none for scalars. `attrs`: the Dataset's attributes.
    """
    import xarray as xr

    if kind.kind == "xarray":
        dims, coords = kind.dims, dict(kind.coords)
    elif kind.kind == "numpy":
        dims, coords = tuple(f"dim_{i}" for i in range(len(kind.shape))), {}
    else:
        dims, coords = (), {}
    shape = kind.shape
    if leading is not None:  # one dims tuple and one shape for every variable with the leading axis
        lead_dims, lead_shape = (leading[0], *dims), (len(leading[1]), *shape)
    direct = _DIRECT and kind.kind != "xarray" and _direct_available()
    variable = xr.Variable
    data_vars: dict = {}
    for name, (arr, units, long_name, lead) in variables.items():
        if name in coords:
            continue  # an input swept under this name: its coordinate already holds the values
        if type(arr) is not np.ndarray:
            arr = np.asarray(arr)
        if lead:
            assert leading is not None, "a variable with a leading axis needs `leading`"
            target, d = lead_shape, lead_dims
        else:
            target, d = shape, dims
        if arr.shape != target or not arr.flags.writeable:
            arr = np.array(np.broadcast_to(arr, target))  # a real, writable array of the full shape
        a = {"long_name": long_name}
        if units:
            a["units"] = units
        # direct: xarray's Variable without its input conversion (`arr` is a numpy array of the right shape)
        data_vars[name] = variable(d, arr, a, fastpath=True) if direct else (d, arr, a)
    if direct:  # no coordinates here: the first variable is the first of `variables`
        first_lead = bool(next(iter(variables.values()))[3]) if variables else False
        return _dataset_direct(data_vars, dims, shape, leading, attrs, first_lead)
    if leading is not None:
        coords[leading[0]] = (leading[0], list(leading[1]))
    ds = xr.Dataset(data_vars, coords=coords)
    ds.attrs.update(attrs or {})
    return ds


#: Build scalar and numpy results with :func:`_dataset_direct` (False: xarray's constructor, for the test that
#: compares the two).
_DIRECT = True


def _dataset_direct(variables: dict, dims: tuple, shape: tuple, leading: tuple | None, attrs, first_lead: bool):
    """The Dataset :func:`dataset` builds for scalar or numpy inputs (no input coordinates) from its `variables`
    (``xarray.Variable``s; `first_lead`: the first has the leading axis, whose dims then come first) and the leading
    index, without xarray's merge and alignment (~45 us, not 0.5-1 ms, for the link budget; tests/test_array.py)."""
    import xarray as xr

    sizes: dict = {}
    indexes: dict = {}
    if leading is not None and first_lead:
        sizes[leading[0]] = len(leading[1])
    if variables:
        sizes.update(zip(dims, shape, strict=True))
    if leading is not None:
        index, coord = _leading_index(leading[0], tuple(leading[1]))
        variables[leading[0]] = coord.copy(deep=False)  # its own attrs; the index data is immutable
        indexes[leading[0]] = index
        sizes[leading[0]] = len(leading[1])
    return xr.Dataset._construct_direct(variables, set(indexes), sizes, dict(attrs or {}), indexes)


@functools.lru_cache(maxsize=1)
def _direct_available() -> bool:
    """Whether the installed xarray has what :func:`_dataset_direct` uses (else the public constructor)."""
    import inspect

    import xarray as xr

    return hasattr(xr.Dataset, "_construct_direct") and "fastpath" in inspect.signature(xr.Variable).parameters


@functools.lru_cache(maxsize=16)
def _leading_index(name: str, labels: tuple):
    """The (immutable, shared) xarray index of a leading dimension `name` with `labels` and its coordinate variable
    (each Dataset takes a shallow copy), built once."""
    import pandas as pd
    from xarray.core.indexes import PandasIndex

    arr = np.array(list(labels))
    index = PandasIndex(pd.Index(arr), name, coord_dtype=arr.dtype)
    return index, index.create_variables()[name]


def check_bool(name: str, a) -> np.ndarray:
    """Validate a boolean option (True/False, or 0/1); return a bool array."""
    x = _one(a)
    if x is not _NO:
        if type(x) is not bool and x != 0 and x != 1:  # NaN is neither
            raise ValueError(f"{name}: must be true or false, got {_fmt(x)}")
        return np.asarray(bool(x))
    arr = np.asarray(a)
    if arr.dtype.kind == "b":
        return arr
    if arr.dtype.kind in "iuf":
        if np.any(np.isnan(arr.astype(float))) or not np.all(np.isin(arr, (0, 1))):
            raise ValueError(f"{name}: must be true or false, got {_show(arr)}")
        return arr.astype(bool)
    raise ValueError(f"{name}: must be true or false, got {_show(arr)}")
