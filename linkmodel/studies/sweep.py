"""Design-space sweeps: named axes in, one xarray Dataset out.

A sweep starts from a part (a spec file: its NAND, controller, link, power
cap and capacity, through :func:`linkmodel.parts.params_from_part`) and
varies named axes. Every combination of axis values is one drive design; the
drive model (:func:`linkmodel.ssd.drive.evaluate`) is evaluated for all of
them in one broadcast call per workload::

    from linkmodel.studies import sweep
    ds = sweep.run("samsung-pm1763", {"gen": [5, 6], "power_cap": [15, 25, 40],
                                      "nand": ["samsung-v8-tlc", "kioxia-bics8-tlc"]},
                   workloads=["seq_read", "rand_read"])
    ds.throughput.sel(workload="seq_read", power_cap=25)

Axes are of two kinds.

* *Design axes* (:data:`DESIGN_AXES`: ``nand``, ``controller``, ``capacity``,
  ``gen``, ``lanes``) change what the part is built from; each combination of
  their values is re-derived through ``params_from_part`` (dies from the raw
  capacity and the die density, the channel rate from controller and NAND,
  DRAM and PHY power, the default MPS ...). Catalogue ids for ``nand`` and
  ``controller``; ``capacity`` in bytes; a link beyond the controller's host
  interface is taken as the same controller design with that interface
  (ASSUMPTION, see ``params_from_part``).
* *Workload axes* (:data:`WORKLOAD_AXES`): ``size`` [B] and ``read_fraction``
  [1] replace every workload's I/O size or read share (``rand_read`` with a
  ``read_fraction`` axis is a random mix). Reach the ``size`` coordinate as
  ``ds["size"]``: ``ds.size`` is xarray's element count.
* *Parameter axes*: any other key of :data:`linkmodel.ssd.drive.PARAMETERS`
  (``power_cap``, ``dies``, ``channels``, ``channel_rate``, ``t_read`` ...),
  in its SI unit, replacing that one parameter as it is (nothing is
  re-derived from it).

The result has one dimension per axis (a coordinate holding its values, with
units) plus ``workload``; every output of the drive model with ``units`` and
``long_name`` in its attrs; and ``binding``, the binding stage as a small
integer code with CF ``flag_values``/``flag_meanings`` attrs (so a sweep of
10^8 designs does not hold 10^8 strings; :func:`stage_names` decodes it).

``draws=N`` adds a dimension ``draw`` (:func:`linkmodel.studies.drawn.over_draws`), chunked like any axis;
``ds.iops.quantile([0.1, 0.5, 0.9], "draw")`` gives each design's median and 80 % interval.

With ``chunks`` (a dict of axis -> chunk length) the Dataset is lazy and
Dask-backed: nothing is computed until asked, each chunk is evaluated by the
same broadcast call, so sweeps larger than memory run chunk by chunk (reduce
them, or write them with :func:`linkmodel.studies.io.save`), and they run
unchanged on a ``dask.distributed`` cluster. :func:`compute` shows a progress
bar. :mod:`linkmodel.studies.io` saves a sweep (NetCDF or Zarr, atomically)
and reads it back (:func:`~linkmodel.studies.io.open_results`).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from linkmodel import parts as _parts
from linkmodel._array import check_choice, check_range, is_choice, unpack
from linkmodel.parts import SpecError, catalogue
from linkmodel.ssd import drive, stages
from linkmodel.ssd.params import GLOSSARY
from linkmodel.studies import drawn, feasibility

__all__ = [
    "DESIGN_AXES",
    "DRAW",
    "INFEASIBLE",
    "INFEASIBLE_CHOICES",
    "STAGES",
    "SWEEP_BYTES_PER_ELEMENT",
    "WORKLOAD_AXES",
    "compute",
    "parameters",
    "run",
    "stage_names",
]

#: Axes re-derived through :func:`linkmodel.parts.params_from_part`, and their units.
DESIGN_AXES = {"nand": "", "controller": "", "capacity": "B", "gen": "1", "lanes": "1"}
#: Axes that replace every workload's I/O size [B] or read share [1].
WORKLOAD_AXES = {"size": "B", "read_fraction": "1"}
DRAW = "draw"  # the dimension of draws of the priors (run(draws=...))
#: Codes of the ``binding`` variable: index into this tuple.
STAGES = drive.STAGES  # as registered at import; a sweep's own binding attrs list the stages it ran

_P = "param_"  # prefix of the parameters' variables inside a lazy sweep's input Dataset
_DROP = ("link_binding",)  # strings inside the link model: per-design detail, not a sweep output


def _check_axes(axes: dict):
    if not isinstance(axes, dict) or not axes:
        raise ValueError("axes: a dict of axis name -> list of values, e.g. {'power_cap': [15, 25, 40]}")
    allowed = (
        list(DESIGN_AXES)
        + list(WORKLOAD_AXES)
        + [k for k in drive.PARAMETERS if k not in DESIGN_AXES and k != "user_capacity"]
    )
    for name, values in axes.items():
        if name not in allowed:
            raise ValueError(f"axes: unknown axis {name!r}; allowed: {', '.join(allowed)}")
        vals = np.asarray(values)
        if vals.ndim != 1 or vals.size == 0:
            raise ValueError(f"axes[{name!r}]: a non-empty 1-D list of values")
        if len(set(vals.tolist())) != vals.size:
            raise ValueError(f"axes[{name!r}]: values repeat; each value once")
        if name in ("nand", "controller"):
            if not all(isinstance(v, str) for v in values):
                raise ValueError(f"axes[{name!r}]: catalogue ids (strings)")
        elif name in ("gen", "lanes") and not (
            np.issubdtype(vals.dtype, np.number) and np.all(vals.astype(float) == np.round(vals.astype(float)))
        ):
            raise ValueError(f"axes[{name!r}]: whole numbers (PCIe {'generations' if name == 'gen' else 'lanes'})")
        elif not np.issubdtype(vals.dtype, np.number) or not np.all(np.isfinite(vals.astype(float))):
            unit = drive.PARAMETERS.get(name) or DESIGN_AXES.get(name) or WORKLOAD_AXES[name]
            raise ValueError(f"axes[{name!r}]: finite numbers in SI units ({unit})")


def parameters(part, axes: dict, capacity: float | None = None, cat=None):
    """The drive-model parameters of every design in a sweep, as DataArrays over the axes.

    Parameters
    ----------
    part : str or Part
        Part id (bundled) or :class:`linkmodel.parts.Part`: the base design.
    axes : dict
        Axis name -> values (see the module docstring).
    capacity : float, optional
        SKU capacity [B] of the base design (default the part's headline one).
    cat : dict, optional
        Catalogue (default the bundled one).

    Returns
    -------
    dict
        Every key of :data:`linkmodel.ssd.drive.PARAMETERS`: a float, or an
        ``xarray.DataArray`` over the design axes it depends on, or over its
        own parameter axis.
    """
    import xarray as xr

    _check_axes(axes)
    part = _parts.part(part)
    cat = catalogue() if cat is None else cat  # read once, not per design
    dnames = [k for k in axes if k in DESIGN_AXES]
    shape = tuple(len(axes[k]) for k in dnames)
    table: dict[str, np.ndarray] = {}
    for idx in itertools.product(*(range(n) for n in shape)):
        choice = {k: axes[k][i] for k, i in zip(dnames, idx, strict=True)}
        kw: dict[str, Any] = {k: (int(v) if k in ("gen", "lanes") else v) for k, v in choice.items() if k != "capacity"}
        cap = float(choice["capacity"]) if "capacity" in choice else capacity
        try:
            p, _ = _parts.params_from_part(part, cap, cat, **kw)
        except (SpecError, ValueError) as e:
            where = ", ".join(f"{k}={v}" for k, v in choice.items()) or "(the base design)"
            hint = ""
            if "exceeds controller" in str(e):
                hint = " (a controller axis keeps the part's link: add a gen or lanes axis the controllers allow)"
            raise ValueError(f"sweep: design {where}: {e}{hint}") from None
        for k, v in p.items():
            table.setdefault(k, np.empty(shape))[idx] = v
    coords = {k: _coord(k, axes[k]) for k in dnames}
    params: dict[str, Any] = {}
    for k, arr in table.items():
        if arr.size and np.all(arr == arr.flat[0]):
            params[k] = float(arr.flat[0])  # the same for every design: keep it a scalar
        else:
            params[k] = xr.DataArray(arr, dims=dnames, coords=coords)
    for k, values in axes.items():
        if k not in DESIGN_AXES:
            params[k] = xr.DataArray(np.asarray(values, dtype=float), dims=k, coords={k: _coord(k, values)})
    return params


def _coord(name, values):
    import xarray as xr

    units = DESIGN_AXES.get(name, WORKLOAD_AXES.get(name, drive.PARAMETERS.get(name, "")))
    vals = np.asarray(values) if name in ("nand", "controller") else np.asarray(values, dtype=float)
    long = {
        "nand": "NAND catalogue id",
        "controller": "controller catalogue id",
        "capacity": "user capacity",
        "gen": "PCIe generation",
        "lanes": "PCIe lanes",
        "size": "I/O size",
        "read_fraction": "share of I/Os that are reads",
        DRAW: "draw of the base part's priors (linkmodel.parts.draws)",
    }.get(name) or GLOSSARY[name][1]
    return xr.Variable(name, vals, {"units": units, "long_name": long})


def _workloads(workloads):
    if isinstance(workloads, str | drive.Workload):
        workloads = [workloads]
    workloads = list(workloads)
    if not workloads:
        raise ValueError(f"workloads: at least one; allowed: {', '.join(drive.WORKLOADS)} or a Workload")
    out = []
    for w in workloads:
        if isinstance(w, drive.Workload):
            out.append(w)
        elif is_choice(w, drive.WORKLOADS):
            out.append(drive.WORKLOADS[w])
        else:
            raise ValueError(f"workloads: unknown {w!r:.60}; allowed: {', '.join(drive.WORKLOADS)} or a Workload")
    if len({w.name for w in out}) != len(out):
        raise ValueError("workloads: names repeat; each workload once")
    return out


SWEEP_BYTES_PER_ELEMENT = feasibility.SWEEP_BYTES_PER_ELEMENT  # (measured: see feasibility)

INFEASIBLE = len(STAGES)  # binding code of a design masked out (infeasible="mask"), for the stages at import


def _stage_codes() -> tuple[str, ...]:
    """The stages now registered (codes index this tuple; a stage added after import is included)."""
    return tuple(stages.STAGES)


def _evaluate(params: dict, wls, grid, infeasible="error"):
    """Every workload on (in-memory) parameters: one Dataset over ('workload', *grid.dims).

    ``grid`` holds every axis as a dim with its coordinate (a design's outputs may not vary along some).
    """
    import xarray as xr

    ok, static = feasibility.feasible(params)
    masked = infeasible == "mask" and not (ok is True or (isinstance(ok, xr.DataArray) and bool(ok.all())))
    if masked:  # evaluate the masked designs at a dummy cap, then blank them
        params = dict(params, power_cap=xr.where(ok, params["power_cap"], static + 1.0))
    over = {k: params[k] for k in WORKLOAD_AXES if k in params}
    params = {k: v for k, v in params.items() if k not in WORKLOAD_AXES}
    parts = []
    for w in wls:
        w = drive.Workload(w.name, over.get("size", w.size), over.get("read_fraction", w.read_fraction), w.random)
        ds = drive.evaluate(params, w).drop_vars(_DROP, errors="ignore")
        codes = np.zeros(ds.binding.shape, dtype=np.int8)
        for i, s in enumerate(_stage_codes()):
            codes[ds.binding.values == s] = i
        ds["binding"] = (ds.binding.dims, codes)
        parts.append(ds.expand_dims(workload=[w.name]))
    out = xr.concat(parts, dim="workload", coords="minimal", compat="override", join="exact")
    if infeasible == "mask":
        feasible = ok if isinstance(ok, xr.DataArray) else xr.DataArray(ok)
        binding = out.binding.where(feasible, len(_stage_codes())).astype(np.int8)
        out = out.drop_vars("binding").where(feasible)
        out["binding"] = binding
    out = out.broadcast_like(grid)  # every output over every axis
    out = out.transpose("workload", *grid.dims)
    if infeasible == "mask":  # a design's, not a workload's: not over the workload axes
        g = grid.isel({d: 0 for d in WORKLOAD_AXES if d in grid.dims}, drop=True)
        out["feasible"] = feasible.broadcast_like(g).transpose(*g.dims)
    return out


def _grid_view(axes: dict, dims: list[str]):
    """A zero-byte DataArray spanning every axis (a broadcast view), with the axes' coordinates."""
    import xarray as xr

    coords = {k: _coord(k, axes[k]) for k in dims}
    shape = tuple(len(axes[k]) for k in dims)
    return xr.DataArray(np.broadcast_to(np.int8(0), shape), dims=dims, coords=coords)


def _attrs(ds, part, wls, axes):
    for k, (units, long) in drive.OUTPUTS.items():
        if k in ds:
            ds[k].attrs.update(units=units, long_name=long)
    ds["binding"].attrs = {
        "long_name": "stage whose ceiling binds",
        "units": "1",
        "flag_values": np.arange(len(_stage_codes()) + 1, dtype=np.int8),
        "flag_meanings": " ".join((*_stage_codes(), "infeasible")),
    }
    if "feasible" in ds:
        ds["feasible"].attrs = {"long_name": "power cap above the static power (some I/O can run)", "units": ""}
    ds["workload"].attrs = {"long_name": "workload", "units": ""}
    ds.attrs = {
        "model": "linkmodel.ssd.drive.evaluate via linkmodel.studies.sweep.run",
        "part": part.id,
        "axes": ", ".join(axes),
        "workloads": "; ".join(
            f"{w.name}: "
            + ("size from the size axis" if "size" in axes else f"{w.size:g} B")
            + ", read share "
            + ("from the read_fraction axis" if "read_fraction" in axes else f"{w.read_fraction:g}")
            + f", {'random' if w.random else 'sequential'}"
            for w in wls
        ),
        "assumptions": "design axes are re-derived through params_from_part (a link beyond the "
        "controller's host interface: the same controller design with that interface); "
        "parameter axes replace one drive parameter as it is",
    }
    return ds


INFEASIBLE_CHOICES = ("error", "mask")


def run(
    part,
    axes: dict,
    workloads=("seq_read", "seq_write", "rand_read", "rand_write"),
    capacity=None,
    chunks: dict | None = None,
    cat=None,
    infeasible="error",
    draws: int | None = None,
    seed: int = 0,
):
    """Evaluate the drive model over every combination of the axes' values (and draws of the priors).

    Parameters
    ----------
    part : str or Part
        Base design: a bundled part id or a loaded spec file.
    axes : dict
        Axis name -> 1-D values (order kept), design axes or drive parameters
        in SI units (see the module docstring).
    workloads : sequence of str or Workload
        Names in :data:`linkmodel.ssd.drive.WORKLOADS` or Workload objects.
    capacity : float, optional
        Base SKU capacity [B] (a ``capacity`` axis overrides it).
    chunks : dict, optional
        Axis -> chunk length: a lazy, Dask-backed result (needs ``dask``).
        Unlisted axes are one chunk.
    cat : dict, optional
        Catalogue (default the bundled one).
    infeasible : {"error", "mask"}
        Designs whose power cap is at or below their static power (no I/O
        could run): ``"error"`` (default) raises naming the first and how
        many; ``"mask"`` keeps them, marked: outputs NaN there, ``binding``
        code :data:`INFEASIBLE` ("infeasible") and a boolean ``feasible``
        variable.
    draws, seed : int, optional
        Draws of the base part's priors (a dimension ``draw``; not with design axes) and their seed (>= 0).

    Returns
    -------
    xarray.Dataset
        Dims ``workload`` and the axes; every drive-model output (``iops``
        [1/s], ``throughput`` [B/s], ``power`` [W], ``efficiency`` [B/s/W],
        ``iops_per_watt``, every ``ceiling_*`` [1/s], ``waf``, ``active_dies``,
        ``die_time``, ``static_power``, ``energy_per_io``) and ``binding``
        (stage codes, :func:`stage_names`).
    """
    check_choice("infeasible", infeasible, INFEASIBLE_CHOICES)
    wls = _workloads(workloads)
    part = _parts.part(part)
    _check_axes(axes)
    if draws is not None:
        drawn.check_sweep(axes, draws, seed, DESIGN_AXES)
        axes = {**axes, DRAW: list(range(int(draws)))}
    feasibility.check_memory_for(axes, chunks, len(wls))
    if capacity is not None:
        check_range("capacity", unpack(capacity=capacity)[0]["capacity"], lo=0, lo_open=True, hi=1e18, unit="B")
    params = parameters(part, {k: v for k, v in axes.items() if draws is None or k != DRAW}, capacity, cat)
    if draws is not None:
        params = drawn.over_draws(part, params, capacity, cat, int(draws), int(seed), _coord(DRAW, range(int(draws))))
    if infeasible == "error":
        feasibility.check(params, axes)
    dims = list(axes)
    try:
        if chunks is None:
            return _attrs(_evaluate(params, wls, _grid_view(axes, dims), infeasible), part, wls, axes)
        return _attrs(_lazy(params, wls, dims, axes, chunks, infeasible), part, wls, axes)
    except ValueError as exc:  # a model refusing a value some axis gave: name the axis
        name = str(exc).split(":", 1)[0]
        if name in axes and name not in DESIGN_AXES:
            raise ValueError(f"axes[{name!r}]: {str(exc).split(': ', 1)[1]}") from None
        raise


def _lazy(params, wls, dims, axes, chunks, infeasible):
    try:
        import dask.array as da
    except ImportError:  # pragma: no cover - dask is in the test extra
        raise ValueError("chunks: a chunked sweep needs dask (pip install 'linkmodel[sweep]')") from None
    import xarray as xr

    if not isinstance(chunks, dict):
        raise ValueError("chunks: a dict of axis name -> chunk length")
    for k, n in chunks.items():
        if k not in axes:
            raise ValueError(f"chunks: {k!r} is not an axis; axes: {', '.join(axes)}")
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise ValueError(f"chunks[{k!r}]: a whole number >= 1")
    sizes = {k: len(axes[k]) for k in dims}
    spec = {k: min(int(chunks.get(k, sizes[k])), sizes[k]) for k in dims}
    # the inputs, lazily: each block gets its slice of every parameter (scalars ride along as attrs)
    coords = {k: _coord(k, axes[k]) for k in dims}
    arrays = {k: v for k, v in params.items() if isinstance(v, xr.DataArray)}
    scalars = {k: v for k, v in params.items() if not isinstance(v, xr.DataArray)}
    driver = xr.Dataset({_P + k: v.variable for k, v in arrays.items()}, coords=coords)
    driver["_grid"] = xr.DataArray(
        da.zeros([sizes[k] for k in dims], chunks=[spec[k] for k in dims], dtype=np.int8), dims=dims
    )
    driver = driver.chunk(spec)
    # the template: one design's outputs and their dtypes, spread lazily over the whole grid
    probe = _evaluate(
        {**scalars, **{k: v.isel({d: [0] for d in v.dims}).load() for k, v in arrays.items()}},
        wls,
        _grid_view({k: [axes[k][0]] for k in dims}, dims),
        "mask" if infeasible == "mask" else "ignore",
    )
    full = dict(sizes, workload=len(wls))
    part_ = dict(spec, workload=len(wls))

    def lazy(v):
        return (v.dims, da.empty([full[d] for d in v.dims], chunks=[part_[d] for d in v.dims], dtype=v.dtype))

    template = xr.Dataset(
        {k: lazy(v) for k, v in probe.data_vars.items()}, coords={"workload": [w.name for w in wls], **coords}
    )
    return xr.map_blocks(
        _block, driver, kwargs={"scalars": scalars, "wls": wls, "infeasible": infeasible}, template=template
    )


def _block(block, scalars, wls, infeasible):
    params = dict(scalars)
    for k, v in block.data_vars.items():
        if k.startswith(_P):
            params[k[len(_P) :]] = v.load()
    grid = block["_grid"]
    return _evaluate(params, wls, grid.copy(data=np.broadcast_to(np.int8(0), grid.shape)), infeasible)


def stage_names(binding):
    """Decode ``binding`` codes into stage names (same shape, dtype str).

    Parameters
    ----------
    binding : xarray.DataArray
        The ``binding`` variable of a sweep (codes into :data:`STAGES`).
    """
    meanings = np.asarray(binding.attrs.get("flag_meanings", " ".join((*STAGES, "infeasible"))).split())

    def decode(codes):
        c = np.asarray(codes)
        if not np.issubdtype(c.dtype, np.integer):
            if not np.all(np.isfinite(c)) or np.any(c != np.round(c)):
                raise ValueError(
                    "binding: codes must be whole numbers (not NaN, not a mean): decode before "
                    "masking or reducing, or reduce with a count per code"
                )
            c = c.astype(np.int64)
        if c.size and (c.min() < 0 or c.max() >= meanings.size):
            raise ValueError(f"binding: codes must be 0-{meanings.size - 1} (flag_meanings: {' '.join(meanings)})")
        return meanings[c]

    data = binding.data
    try:
        import dask.array as da
    except ImportError:  # pragma: no cover
        return binding.copy(data=decode(data))
    if isinstance(data, da.Array):  # lazily, block by block  (dask types map_blocks as a method wrapper: ignored below)
        return binding.copy(data=data.map_blocks(decode, dtype=meanings.dtype))  # type: ignore[call-arg, arg-type]
    return binding.copy(data=decode(data))


def compute(ds, progress=True):
    """Compute a lazy sweep (or any Dask-backed object), with a progress bar.

    The bar is Dask's (text, so it shows in a terminal and in a notebook).
    With a ``dask.distributed`` Client active, the Client runs the graph and
    ``distributed.progress`` shows the bar instead.

    Parameters
    ----------
    ds : xarray.Dataset or xarray.DataArray
    progress : bool
    """
    try:
        import dask
    except ImportError:  # pragma: no cover
        return ds  # without dask nothing is lazy
    if not dask.is_dask_collection(ds):
        return ds  # already in memory
    try:
        from distributed import default_client
        from distributed import progress as dprogress

        client = default_client()
    except (ImportError, ValueError):
        client = None
    if client is not None:
        fut = client.compute(ds)
        if progress:
            dprogress(fut)
        return fut.result()
    if not progress:
        return ds.compute()
    from dask.diagnostics import ProgressBar

    with ProgressBar(dt=0.5):
        return ds.compute()
