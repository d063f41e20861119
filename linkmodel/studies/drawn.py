"""Draws of several parts at once, with common random numbers for the inputs they share; summaries over draws.

:func:`joint_draws` draws the priors of one or more SKUs (a what-if's new and old part) from one set of
uniforms: an input the parts share -- a catalogue NAND die or controller both use, a calibrated constant, a
shared default, a peer-controller prior -- is one stream, drawn once and entered into every part that uses
it (common random numbers), so a ratio between the parts moves only with what differs between them. A
part's own inputs (its file's fields, an entry its file holds inline) are streams of their own, named by the
part's id: a part compared with itself is drawn identically on both sides and every ratio is exactly 1.

Sampling is :func:`linkmodel.parts.draws.uniforms` and :func:`~linkmodel.parts.draws.sample` (one stream per
input name, reproducible for the seed), each SKU resolved with the draws as
:func:`~linkmodel.parts.draws.draw_params` resolves it (:func:`~linkmodel.parts.draws.columns`). A draw that
makes no drive of any of the parts (static power at or above the power cap, ``power_cap`` when one is imposed)
is refused for all of them and drawn again in the next round, so the draws stay paired.

:func:`stats` gives the median, the 80 % interval and (for a published figure) its quantile of one output
over draws, as ``--json`` carries them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from linkmodel import parts as _parts
from linkmodel.parts import draws as _draws
from linkmodel.parts.files import SpecError
from linkmodel.parts.priors import Input, priors
from linkmodel.ssd.power import static_power
from linkmodel.studies.uncertain import _per_draw as per_draw
from linkmodel.studies.uncertain import quantile_of, summarize

__all__ = ["Joint", "check_sweep", "joint_draws", "over_draws", "per_draw", "stats", "stats_ranked", "stream_key"]

#: redraw rounds before giving up (as linkmodel.parts.draws: priors that seldom make a drive)
_ROUNDS = 20


def stream_key(part_id: str, inp: Input) -> str:
    """The name of an input's random stream: its own name when parts can share it, else prefixed by the part."""
    return f"{part_id}/{inp.name}" if inp.scope == "part" or inp.own else inp.name


@dataclass(frozen=True)
class Joint:
    """Several SKUs' drive parameters over the same draws.

    Attributes
    ----------
    params : tuple of DriveParams
        Per part, fields that vary are DataArrays along ``draw`` (``n`` long), draw ``i`` of every part made
        from the same uniforms.
    points : tuple of DriveParams
        Per part, the point resolution (every input at its value; ``power_cap`` imposed when given).
    inputs : dict of str -> Input
        The drawn inputs by stream (:func:`stream_key`): a shared input once.
    values : dict of str -> numpy.ndarray
        Each stream's ``n`` drawn values [SI].
    users : dict of str -> tuple of int
        Each stream's parts (indices into ``params``): more than one for a shared input.
    seed, n, method, scale, redrawn
        As :class:`linkmodel.parts.draws.Draws`.
    """

    params: tuple
    points: tuple
    inputs: dict
    values: dict
    users: dict
    seed: int
    n: int
    method: str
    scale: float
    redrawn: int = 0


def _round(skus, cat, keys, inputs, x, peers: bool, power_cap) -> tuple[list[dict], np.ndarray]:
    """Per part, the parameter columns of one round's draws, and a bool per draw: it makes a drive of every
    part (static power below its power cap, and below ``power_cap`` [W] when given)."""
    out: list[dict] = []
    ok = np.ones(x[next(iter(x))].size if x else 1, dtype=bool)
    for (part, capacity), names in zip(skus, keys, strict=True):
        own = {name: inputs[key] for key, name in names.items()}
        xs = {name: x[key] for key, name in names.items()}
        with _parts.about(part, capacity):
            cols, good = _draws.columns(part, capacity, cat, own, xs, peers)
        if power_cap is not None:
            cols["power_cap"] = np.full(good.size, float(power_cap))
            static = static_power(
                cols["controller_power"], cols["dram_power"], cols["phy_power"], cols["standby_power"], cols["dies"]
            )
            good = good & (static < power_cap)
        out.append(cols)
        ok &= good
    return out, ok


def joint_draws(
    parts,
    n: int = 1000,
    seed: int = 0,
    capacities=None,
    cat=None,
    method: str = "mc",
    scale: float = 1.0,
    power_cap: float | None = None,
) -> Joint:
    """Several SKUs' drive parameters over ``n`` common draws of their priors.

    Parameters
    ----------
    parts : sequence of Part or str
        Parts (ids, spec-file paths or Parts); the same part twice is drawn identically twice.
    n : int
        Number of draws.
    seed : int
        Seed (>= 0).
    capacities : sequence of float or None, optional
        Each SKU's user capacity [B] (default each headline).
    cat : dict, optional
        The catalogue.
    method : {"mc", "sobol", "lhs"}
        As :func:`linkmodel.parts.draws.draw_params`.
    scale : float
        Spread multiplier of every prior (0: every draw at the point values).
    power_cap : float, optional
        Hold every part to this cap [W] (a draw whose static power reaches it is refused).

    Returns
    -------
    Joint

    Raises
    ------
    ValueError
        A bad method, number of draws, seed or scale; a SpecError when too few draws make drives.
    """
    parts = [_parts.part(p) for p in parts]
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 <= scale <= 10:
        raise ValueError(f"scale: expected a number from 0 to 10, got {scale!r}")
    cat = _parts.catalogue() if cat is None else cat
    caps = [None] * len(parts) if capacities is None else list(capacities)
    skus = list(zip(parts, caps, strict=True))
    inputs: dict[str, Input] = {}
    keys: list[dict] = []
    users: dict[str, tuple] = {}
    points = []
    for j, (p, c) in enumerate(skus):
        own = priors(p, c, cat)
        keys.append({stream_key(p.id, inp): name for name, inp in own.items()})
        for key, name in keys[-1].items():
            inputs.setdefault(key, own[name])
            users[key] = (*users.get(key, ()), j)
        with _parts.about(p, c):
            point, _ = _parts.params_from_part(p, c, cat)
        points.append(point if power_cap is None else replace(point, power_cap=float(power_cap)))
    got: list[tuple[list[dict], dict]] = []
    have = refused = 0
    for r in range(_ROUNDS):
        u = _draws.uniforms(inputs, n, seed, method, r)
        x = {}
        for key, inp in inputs.items():
            v = _draws.sample(inp.prior, u[key], scale)
            x[key] = v if inp.bounds is None else np.clip(v, *inp.bounds)
        cols, ok = _round(skus, cat, keys, inputs, x, scale > 0, power_cap)
        take = np.flatnonzero(ok)[: n - have]
        refused += int(take[-1]) + 1 - take.size if have + take.size == n else n - take.size  # as draw_params
        have += take.size
        got.append(([{k: c[take] for k, c in cp.items()} for cp in cols], {k: v[take] for k, v in x.items()}))
        if have == n:
            values = {k: np.concatenate([v[k] for _, v in got]) for k in inputs}
            params = tuple(
                _draws._stack({k: np.concatenate([c[j][k] for c, _ in got]) for k in cols[j]}, pt)
                for j, pt in enumerate(points)
            )
            made = (int(seed), int(n), method, float(scale), refused)
            return Joint(params, tuple(points), inputs, values, users, *made)
    names = " and ".join(p.id for p in parts)
    raise SpecError(f"priors: fewer than {n} of {_ROUNDS * n} draws make drives of {names} that can run I/O")


def stats(samples, published: float | None = None) -> dict:
    """``{"median", "interval": [low, high]}`` of draws (10th-90th percentile), with ``"quantile"`` of a
    published value among them when given [units of the draws; quantile 1]."""
    med, lo, hi = summarize(samples)
    out: dict = {"median": med, "interval": [lo, hi]}
    if published is not None:
        out["quantile"] = quantile_of(samples, published)
    return out


def stats_ranked(samples) -> dict:
    """As :func:`stats`, where a draw may be out of reach (``inf``: a target no design reaches, a load the
    drive cannot carry): such draws rank above every other, and a percentile that falls at or beyond one is
    ``inf`` [units of the draws]."""
    x = np.asarray(samples, dtype=float)
    finite = np.isfinite(x)
    if finite.all():
        return stats(x)
    if not finite.any():  # out of reach in every draw
        return {"median": np.inf, "interval": [np.inf, np.inf]}
    top = float(x[finite].max())
    st = stats(np.where(finite, x, 2.0 * top + 1.0))  # ranked above every finite draw
    return {"median": _inf_above(st["median"], top), "interval": [_inf_above(v, top) for v in st["interval"]]}


def _inf_above(v: float, top: float) -> float:
    return float("inf") if v > top else float(v)


def over_draws(part, params: dict, capacity, cat, n: int, seed: int, coord) -> dict:
    """A design's parameters (floats, or DataArrays over parameter axes) with every parameter the part's
    priors move replaced by its ``n`` draws along ``draw`` (a parameter given as an axis keeps the axis).

    ``coord`` is the ``draw`` coordinate (an ``xarray.Variable``); units as the parameters' (SI).
    """
    import xarray as xr

    d = _draws.draw_params(part, n, seed, capacity, cat)
    out = dict(params)
    for k, v in params.items():
        new = d.params[k]
        if not isinstance(v, xr.DataArray) and isinstance(new, xr.DataArray):
            out[k] = xr.DataArray(new.values, dims="draw", coords={"draw": coord})
    return out


def check_sweep(axes: dict, draws, seed, design_axes) -> None:
    """Refuse draws beside a design axis (each design would be resolved once per draw), a bad number of draws
    or a bad seed, in one line naming it."""
    design = [k for k in axes if k in design_axes]
    if design:
        raise ValueError(
            f"draws: not with design axes ({', '.join(design)}): each design would be resolved once per draw; "
            "sweep their parameters instead"
        )
    _draws.uniforms([], draws, seed)  # checks the number of draws and the seed
