"""Draws from a part's priors: drive parameters with a ``draw`` dimension, for one broadcast model call.

:func:`draw_params` samples every uncertain input of one SKU (:func:`linkmodel.parts.priors.priors`),
resolves the SKU with the draws (:func:`columns`: once per distinct value of the inputs a resolver branches
on, a categorical choice say, so a different NAND die re-derives everything resting on it: dies, channels,
timings; the continuous inputs enter that one resolution as arrays along the draws) and gives one
:class:`~linkmodel.ssd.params.DriveParams` whose varying fields are DataArrays along ``draw``.
:func:`linkmodel.ssd.drive.evaluate` and :func:`~linkmodel.ssd.drive.predict` then broadcast over the draws
in one call.

The four calibrated constants are not drawn from their ``Input`` priors: each draw takes one joint row of the
posterior draws in use (:func:`linkmodel.parts.calibration.posterior_draws`, stored beside the catalogue).

Sampling: each input is drawn by its inverse CDF from uniforms. Plain Monte Carlo (``method="mc"``,
default) gives every input its own stream, ``numpy.random.default_rng([seed, crc32(name)])``, so adding an
input does not move the draws of the others; ``"sobol"`` (scrambled, n a power of 2) and ``"lhs"`` use
scipy's quasi-Monte Carlo over all inputs at once, in name order (uncertainty.md §3-4). Draws are
reproducible for a seed on one numpy build; they are not promised across builds.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, fields, replace

import numpy as np

from linkmodel.parts.calibration import posterior_draws
from linkmodel.parts.files import Part, SpecError, catalogue
from linkmodel.parts.files import part as _part
from linkmodel.parts.priors import Z90, Input, priors
from linkmodel.parts.priorspec import Prior
from linkmodel.parts.resolve import about, number
from linkmodel.parts.rules import BROADCAST_FIELDS, params_from_part
from linkmodel.parts.shared import SHARED
from linkmodel.ssd.params import DriveParams
from linkmodel.ssd.power import static_power

__all__ = ["METHODS", "Draws", "broadcasts", "columns", "draw_params", "resolved", "sample", "uniforms"]

#: sampling methods
METHODS = ("mc", "sobol", "lhs")
#: uniforms are kept this far from 0 and 1 so that an inverse CDF stays finite
_EPS = 1e-12

#: shared default -> the drive parameter it enters linearly (linkmodel.parts.rules: reserve_fraction is the
#: parameter; dram_power = DRAM bytes (raw capacity x dram_per_nand_byte unless the part gives its DRAM) x
#: dram_power_per_byte; phy_power = both directions' line bits x phy_energy_per_bit), so a draw scales the
#: resolved parameter by drawn / point value
_SHARED_TARGET = {
    "reserve_fraction": "reserve_fraction",
    "dram_per_nand_byte": "dram_power",
    "dram_power_per_byte": "dram_power",
    "phy_energy_per_bit": "phy_power",
}
_PEER_TARGET = {"iops_limit": "controller_iops", "bandwidth_limit": "controller_bandwidth"}


# Wichura's AS241 (PPND16), Applied Statistics 37(3):477-484 (1988): the standard normal quantile as three
# rational functions (|q| <= 0.425, then r = sqrt(-log(min(p, 1 - p))) <= 5 and beyond), each numerator and
# denominator of degree 7, coefficients as published (highest degree first, for numpy.polyval); relative
# error about 1e-16 over (0, 1).
_AS241 = (
    (
        (
            2509.0809287301226727,
            33430.575583588128105,
            67265.770927008700853,
            45921.953931549871457,
            13731.693765509461125,
            1971.5909503065514427,
            133.14166789178437745,
            3.387132872796366608,
        ),
        (
            5226.495278852854561,
            28729.085735721942674,
            39307.89580009271061,
            21213.794301586595867,
            5394.1960214247511077,
            687.1870074920579083,
            42.313330701600911252,
            1.0,
        ),
    ),
    (
        (
            7.7454501427834140764e-4,
            0.0227238449892691845833,
            0.24178072517745061177,
            1.27045825245236838258,
            3.64784832476320460504,
            5.7694972214606914055,
            4.6303378461565452959,
            1.42343711074968357734,
        ),
        (
            1.05075007164441684324e-9,
            5.475938084995344946e-4,
            0.0151986665636164571966,
            0.14810397642748007459,
            0.68976733498510000455,
            1.6763848301838038494,
            2.05319162663775882187,
            1.0,
        ),
    ),
    (
        (
            2.01033439929228813265e-7,
            2.71155556874348757815e-5,
            0.0012426609473880784386,
            0.026532189526576123093,
            0.29656057182850489123,
            1.7848265399172913358,
            5.4637849111641143699,
            6.6579046435011037772,
        ),
        (
            2.04426310338993978564e-15,
            1.4215117583164458887e-7,
            1.8463183175100546818e-5,
            7.868691311456132591e-4,
            0.0148753612908506148525,
            0.13692988092273580531,
            0.59983220655588793769,
            1.0,
        ),
    ),
)


def ndtri(u) -> np.ndarray:
    """The standard normal quantile of probabilities ``u`` in (0, 1) [1] (AS241; equal to
    ``scipy.special.ndtri`` to ~1e-15 relative, tested), without importing scipy (~0.2 s of a command's start)."""
    p = np.asarray(u, dtype=float)
    q = p - 0.5
    (cn, cd), (tn, td), (fn, fd) = _AS241
    r = 0.180625 - q * q
    central = q * np.polyval(cn, r) / np.polyval(cd, r)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.sqrt(-np.log(np.minimum(p, 1.0 - p)))
        tail = np.where(t <= 5.0, np.polyval(tn, t - 1.6) / np.polyval(td, t - 1.6), 0.0)
        tail = np.where(t > 5.0, np.polyval(fn, t - 5.0) / np.polyval(fd, t - 5.0), tail)
    return np.where(np.abs(q) <= 0.425, central, np.where(q < 0, -tail, tail))


def sample(prior: Prior, u, scale: float = 1.0) -> np.ndarray:
    """Values of a prior at uniforms ``u`` in (0, 1) (its inverse CDF), spread scaled by ``scale`` [SI].

    ``scale`` multiplies a log-normal's log-sds and pulls the other shapes' bounds toward the value: 0
    collapses every prior to its value (a categorical one to its value), 1 is the prior as written.
    """
    u = np.clip(np.asarray(u, dtype=float), _EPS, 1.0 - _EPS)
    v = prior.value
    if prior.shape == "categorical":
        if scale == 0:
            return np.full(u.shape, v, dtype=object)
        choices = np.array([c for c, _ in prior.alternatives], dtype=object)
        cum = np.cumsum([w for _, w in prior.alternatives])
        return choices[np.minimum(np.searchsorted(cum / cum[-1], u, side="right"), len(choices) - 1)]
    lo, hi = float(prior.lo), float(prior.hi)  # type: ignore[arg-type]
    if prior.shape == "lognormal":
        z = ndtri(u)
        sd = np.where(z < 0, np.log(v / lo), np.log(hi / v)) / Z90
        return v * np.exp(scale * sd * z)
    if prior.shape == "loguniform":
        a, b = np.log(v) - scale * np.log(v / lo), np.log(v) + scale * np.log(hi / v)
        return np.exp(a + u * (b - a))
    a, b = v - scale * (v - lo), v + scale * (hi - v)
    if prior.shape == "uniform":
        return a + u * (b - a)
    # triangular on [a, b], mode v: the inverse of its CDF
    if b == a:
        return np.full(u.shape, v)
    c = (v - a) / (b - a)
    return np.where(u < c, a + np.sqrt(u * (b - a) * (v - a)), b - np.sqrt((1.0 - u) * (b - a) * (b - v)))


def uniforms(names, n: int, seed: int, method: str = "mc", round_: int = 0) -> dict[str, np.ndarray]:
    """Uniforms in [0, 1) per input name: ``n`` draws, reproducible for ``seed`` (and ``round_``, the redraw
    round of :func:`draw_params`).

    Raises
    ------
    ValueError
        An unknown method, ``n`` below 1, or ``"sobol"`` with ``n`` not a power of 2 (its balance is lost).
    """
    if method not in METHODS:
        raise ValueError(f"method: {method!r} not allowed; allowed: {', '.join(METHODS)}")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"draws: expected a whole number of draws >= 1, got {n!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed: expected a whole number >= 0, got {seed!r}")
    names = sorted(names)
    if method == "mc":
        return {k: np.random.default_rng([int(seed), zlib.crc32(k.encode()), round_]).random(n) for k in names}
    from scipy.stats import qmc

    if method == "sobol" and n & (n - 1):
        raise ValueError(f"draws: the sobol method needs a power of 2 (e.g. 1024), got {n}")
    d = max(len(names), 1)
    rng = np.random.default_rng([int(seed), round_])
    gen = qmc.Sobol(d, scramble=True, rng=rng) if method == "sobol" else qmc.LatinHypercube(d, rng=rng)
    u = gen.random(n)
    return {k: u[:, i] for i, k in enumerate(names)}


@dataclass(frozen=True)
class Draws:
    """A SKU's drive parameters over draws of its priors.

    Attributes
    ----------
    params : DriveParams
        Fields that vary are DataArrays along ``draw`` (``n`` long); the others are the point values.
    point : DriveParams
        The point resolution (every input at its value), as :func:`linkmodel.parts.params_from_part`.
    provenance : dict
        The point resolution's provenance.
    inputs : dict of str -> Input
        The uncertain inputs and their priors.
    values : dict of str -> numpy.ndarray
        Each input's ``n`` drawn values [SI] (object arrays for categorical inputs).
    seed, n, method, scale
        How the draws were made (:func:`draw_params`).
    redrawn : int
        Draws refused and drawn again because they make no drive (static power at or above the power cap).
    """

    params: DriveParams
    point: DriveParams
    provenance: dict
    inputs: dict
    values: dict
    seed: int
    n: int
    method: str
    scale: float
    redrawn: int = 0

    def arrays(self) -> DriveParams:
        """:attr:`params` with numpy arrays (``n`` long) for the DataArrays: a drive-model call on them builds
        its result without xarray's alignment (its ``draw`` axis is then ``dim_0``) [SI]."""
        return DriveParams.from_mapping({k: getattr(v, "values", v) for k, v in self.params.items()})


def _swap(values: dict, name: str, x):
    """``values`` (a fields dict) with field ``name``'s value replaced by ``x`` (one value, or an array)."""
    v = values[name]
    return {**values, name: replace(v, value=x.item() if isinstance(x, np.generic) else x)}


def _substituted(part: Part, cat: dict, inputs: dict[str, Input], x: dict):
    """(part, catalogue, calibrated constants) with every file and calibrated input at its value in ``x``
    (input name -> one value, or an array of values) [SI]."""
    pfields, inline = dict(part.fields), {k: dict(v) for k, v in part.inline.items()}
    cat_i = {k: dict(v) for k, v in cat.items()}
    constants = {}
    for name, inp in inputs.items():
        xi = x[name]
        if inp.scope == "part":
            pfields = _swap(pfields, inp.key, xi)
        elif inp.scope in ("nand", "controller"):
            table = inline[inp.scope] if inp.own else cat_i[inp.scope]
            e = table[inp.entry]
            table[inp.entry] = replace(e, fields=_swap(e.fields, inp.key, xi))
        elif inp.scope == "calibrated":
            constants[inp.key] = number(xi)
    return replace(part, fields=pfields, inline=inline), cat_i, constants


def resolved(part: Part, capacity, cat, inputs: dict[str, Input], x: dict, peers: bool = True) -> dict:
    """The drive parameters of a SKU at given values of its uncertain inputs [SI].

    ``x`` maps every input name to one value, or (an input of :func:`broadcasts`) to an array of values,
    all of one length: the parameters are then arrays of that length (or one value where no array moves
    them). ``peers``: a controller limit its maker does not publish takes its peer input's value (else it
    stays "no limit", the point value). The static power is not checked here (:func:`columns` does).
    """
    p_i, cat_i, constants = _substituted(part, cat, inputs, x)
    params, _ = params_from_part(p_i, capacity, cat_i, constants)
    out = dict(params)
    ctrl = p_i.get("controller")
    for name, inp in inputs.items():
        if inp.scope == "shared" and not (inp.key == "dram_per_nand_byte" and "dram" in part.fields):
            target = _SHARED_TARGET[inp.key]
            out[target] = out[target] * number(x[name]) / SHARED[inp.key].value
        elif peers and inp.scope == "peer" and inp.entry == ctrl:
            target = _PEER_TARGET[inp.key]
            out[target] = np.where(np.isinf(out[target]), number(x[name]), out[target])
    return {k: float(v) if isinstance(v, np.ndarray) and v.ndim == 0 else v for k, v in out.items()}


def broadcasts(inp: Input) -> bool:
    """Whether the resolution takes an input's draws as one array (a calibrated constant, a shared default,
    a peer limit, a continuous file value in :data:`~linkmodel.parts.rules.BROADCAST_FIELDS`); the draws of
    any other input (a choice, a count, a size) are resolved value by value."""
    if inp.scope in ("calibrated", "shared", "peer"):
        return True
    return inp.prior.shape != "categorical" and (inp.scope, inp.key) in BROADCAST_FIELDS


def columns(part: Part, capacity, cat, inputs: dict[str, Input], x: dict, peers: bool = True):
    """Every drive parameter at each of ``n`` draws: (field -> ``n`` values [SI], a bool per draw: it makes a
    drive, its static power below its power cap).

    ``x`` maps every input name to its ``n`` drawn values. The SKU is resolved once per distinct combination
    of the inputs that do not broadcast (:func:`broadcasts`; usually one, a few with a choice of NAND die),
    with the others as arrays over that combination's draws (:func:`resolved`).
    """
    n = len(next(iter(x.values()))) if x else 1
    keyed = [k for k, inp in inputs.items() if not broadcasts(inp)]
    groups: dict[tuple, list[int]] = {}
    for i, key in enumerate(zip(*(x[k] for k in keyed), strict=True) if keyed else [()] * n):
        groups.setdefault(key, []).append(i)
    cols = {f.name: np.empty(n) for f in fields(DriveParams)}
    for idx_list in groups.values():
        idx = np.asarray(idx_list)
        at = {k: x[k][idx[0]] if k in keyed else np.asarray(x[k][idx], dtype=float) for k in inputs}
        for name, v in resolved(part, capacity, cat, inputs, at, peers).items():
            cols[name][idx] = v
    static = static_power(
        cols["controller_power"], cols["dram_power"], cols["phy_power"], cols["standby_power"], cols["dies"]
    )
    return cols, static < cols["power_cap"]


def _calibrated(inputs: dict[str, Input], u: dict, scale: float) -> dict[str, np.ndarray]:
    """The calibrated constants' draws from the posterior draws in use (linkmodel.parts.calibration).

    One joint posterior row per draw (the constants stay together), picked by the uniform of the first
    calibrated input; ``scale`` scales each draw's log ratio to the point value (0: the point, 1: the
    posterior draw as stored).
    """
    names = sorted(n for n, inp in inputs.items() if inp.scope == "calibrated")
    if not names:
        return {}
    post = posterior_draws()
    n_post = len(next(iter(post.values())))
    row = np.minimum((np.asarray(u[names[0]]) * n_post).astype(int), n_post - 1)
    out = {}
    for name in names:
        point = float(inputs[name].prior.value)
        drawn = post[inputs[name].key][row]
        out[name] = point * (drawn / point) ** scale if point > 0 else drawn * (scale > 0)
    return out


#: redraw rounds before giving up on priors that seldom make a drive
_ROUNDS = 20


def _feasible(part: Part, capacity, cat, inputs, n: int, seed: int, method: str, scale: float):
    """(parameter columns, drawn input values, draws refused): ``n`` draws that make a drive, refused ones
    drawn again.

    A draw whose static power reaches the power cap is no possible drive (the prior is truncated to drives
    that can run I/O); it is replaced by a draw of the next round (seeded ``[seed, round]``), in draw order.
    """
    got: list[tuple[dict, dict]] = []
    have = refused = 0
    for r in range(_ROUNDS):
        u = uniforms(inputs, n, seed, method, r)
        x = {}
        for name, inp in inputs.items():
            v = sample(inp.prior, u[name], scale)
            x[name] = v if inp.bounds is None else np.clip(v, *inp.bounds)
        x.update(_calibrated(inputs, u, scale))
        cols, ok = columns(part, capacity, cat, inputs, x, scale > 0)
        take = np.flatnonzero(ok)[: n - have]
        # the draws refused before the last one taken (a round that completes the n stops there)
        refused += int(take[-1]) + 1 - take.size if have + take.size == n else n - take.size
        have += take.size
        got.append(({k: c[take] for k, c in cols.items()}, {k: v[take] for k, v in x.items()}))
        if have == n:
            cols = {k: np.concatenate([c[k] for c, _ in got]) for k in cols}
            return cols, {k: np.concatenate([v[k] for _, v in got]) for k in inputs}, refused
    raise SpecError(f"{part.path}: priors: fewer than {n} of {_ROUNDS * n} draws make a drive that can run I/O")


def _draw_coords(n: int):
    """The ``draw`` coordinate (0 .. n - 1) as xarray Coordinates, built from its index: no probing of the
    array libraries xarray checks a plain array against (dask, pint, ...; their imports cost 0.3-0.5 s)."""
    import pandas as pd
    import xarray as xr

    return xr.Coordinates.from_xindex(xr.indexes.PandasIndex(pd.Index(np.arange(n)), "draw"))


def _stack(cols: dict, point: DriveParams, labelled: bool = True) -> DriveParams:
    """Drive parameters from per-draw columns [SI]: a field no draw moves off its point value is that value,
    the others DataArrays along ``draw`` (``labelled`` False: numpy arrays, for a model call that needs no
    labels)."""
    out: dict = {}
    coords = None
    for f in fields(DriveParams):
        col = np.asarray(cols[f.name], dtype=float)
        same = np.all(col == col[0]) or np.all(np.isnan(col))
        if same and col[0] == point[f.name]:
            out[f.name] = point[f.name]
        elif not labelled:
            out[f.name] = col
        else:
            import xarray as xr

            coords = _draw_coords(col.size) if coords is None else coords
            out[f.name] = xr.DataArray(xr.Variable(("draw",), col, fastpath=True), coords=coords)
    return DriveParams.from_mapping(out)


def draw_params(
    part, n: int = 1024, seed: int = 0, capacity: float | None = None, cat=None, method: str = "mc", scale: float = 1.0
) -> Draws:
    """A SKU's drive parameters over ``n`` draws of its priors, for one broadcast call of the drive model.

    Parameters
    ----------
    part : Part or str or pathlib.Path
        A Part, a bundled id or a spec-file path.
    n : int
        Number of draws (1,024 gives the 10th percentile of an output with log-sd 0.2 to about 1 %).
    seed : int
        Seed (>= 0); the same seed gives the same draws on the same numpy build.
    capacity : float, optional
        The SKU's user capacity [B]; default the headline.
    cat : dict, optional
        The catalogue.
    method : {"mc", "sobol", "lhs"}
        Plain Monte Carlo (one stream per input), scrambled Sobol' (n a power of 2) or Latin hypercube.
    scale : float
        Spread multiplier (:func:`sample`): 0 collapses every prior to its value, 1 is as written.

    Returns
    -------
    Draws

    Raises
    ------
    ValueError
        A bad method, number of draws, seed or scale; a SpecError naming the file when a draw makes no
        drive (e.g. a drawn power cap below the static power).
    """
    part = _part(part)
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 <= scale <= 10:
        raise ValueError(f"scale: expected a number from 0 to 10, got {scale!r}")
    cat = catalogue() if cat is None else cat
    inputs = priors(part, capacity, cat)
    with about(part, capacity):
        point, prov = params_from_part(part, capacity, cat)
        cols, x, redrawn = _feasible(part, capacity, cat, inputs, n, seed, method, scale)
    return Draws(_stack(cols, point), point, prov, inputs, x, int(seed), int(n), method, float(scale), redrawn)
