"""Verdicts on published figures: consistent, optimistic, pessimistic or impossible, and the hard ceilings.

A published figure is

- **impossible** when it lies above a ceiling that no allowed value of the unknown inputs reaches
  (:func:`hard_ceilings`): the host link at its best MPS with data alone (no NVMe command traffic), the
  NAND channels at the fastest end of the channel-rate range, or the dies at the best end of every
  timing's range;
- **optimistic** when it lies above the 80 % interval of the model over draws of its priors (the vendor
  claims more than 90 % of the plausible drives reach), **pessimistic** when below it;
- **consistent** when inside the interval (ends included).

The hard ceilings are computed from the priors' range ends, not from draws: each uncertain input is set,
one at a time, to each end of its range (a log-normal's 5th and 95th percentiles, hard bounds for the
other shapes, every alternative of a choice), the end that raises the stage's ceiling most is kept, and
the stage's ceiling is evaluated with every input at its kept end (one broadcast call over all rows).
The channel and die ceilings rise monotonically with each input they rest on (rate, 1 / time, a choice),
so this design is their maximum over the box of range ends.
"""

from __future__ import annotations

import numpy as np

from linkmodel import parts as _parts
from linkmodel import ufs
from linkmodel.parts.priors import priors
from linkmodel.ssd import drive
from linkmodel.ssd.params import LINK_FAMILIES
from linkmodel.studies import sanity
from linkmodel.studies.figures import params_for
from linkmodel.studies.sensitivity import ends, params_at

__all__ = ["STAGES", "VERDICTS", "ceilings", "classify", "hard_ceilings"]

#: verdict -> meaning
VERDICTS = {
    "consistent": "inside the model's 80 % interval over its unknown inputs",
    "optimistic": "above the model's 80 % interval: fewer than 10 % of plausible drives reach it",
    "pessimistic": "below the model's 80 % interval: more than 90 % of plausible drives exceed it",
    "impossible": "above a ceiling no allowed value of the unknown inputs reaches",
}

#: the back-end stages whose ceilings bound a figure at the favourable ends of the priors -> what is favourable
STAGES = {
    "channels": "the NAND channels at the fastest end of the channel-rate range",
    "dies": "the dies at the best end of every timing's range",
}

#: a kept end must raise the stage's ceiling by more than this share (a tie keeps the value) [1]
_TIE = 1e-9


def classify(published: float, low: float | None, high: float | None, ceiling: float | None = None) -> str | None:
    """The verdict on a published figure (SI units): ``"impossible"`` above ``ceiling``, else
    ``"optimistic"`` above ``high``, ``"pessimistic"`` below ``low``, ``"consistent"`` between them (ends
    included); None without an interval and not above the ceiling."""
    if ceiling is not None and published > ceiling:
        return "impossible"
    if low is None or high is None:
        return None
    if low > high:
        raise ValueError(f"low, high: the interval's low end {low:g} is above its high end {high:g}")
    if published > high:
        return "optimistic"
    if published < low:
        return "pessimistic"
    return "consistent"


def _link_ceiling(params, wl) -> tuple[float, str]:
    """The host link's ceiling [1/s] with every choice at its best: PCIe data alone at the largest MPS."""
    gen, lanes = int(params["gen"]), int(params["lanes"])
    if params["link_family"] == LINK_FAMILIES["ufs"]:
        rate = float(ufs.io_link_ceiling(gen, lanes, wl.size, wl.read_fraction).transfer_rate)
        return rate, f"UFS HS-G{gen}B x{lanes}"
    _, data_only = sanity.link_ceilings(gen, lanes, wl.size, wl.read_fraction, mrrs=params["mrrs"])
    return float(data_only[-1]), f"PCIe Gen{gen} x{lanes}, data alone at MPS 4096 B"


def _stage_rows(inputs) -> tuple[list[dict], list[tuple[str, object]]]:
    """Rows: the point (``{}``), then one per (input, range end)."""
    rows: list[dict] = [{}]
    which: list[tuple[str, object]] = [("", None)]
    for name, inp in inputs.items():
        for v in ends(inp.prior, inp.bounds):
            rows.append({name: v})
            which.append((name, v))
    return rows, which


def _per_row(ds, var: str, ok: np.ndarray) -> np.ndarray:
    """A ceiling per row (NaN for an infeasible row, left out of the parameters)."""
    v = np.broadcast_to(np.asarray(ds[var].values, dtype=float), (int(ok.sum()),))
    out = np.full(ok.size, np.nan)
    out[ok] = v
    return out


def hard_ceilings(part, capacity: float | None, workload: drive.Workload, cat=None, state: str = "steady") -> dict:
    """The ceilings of one workload no allowed value of the unknown inputs exceeds [1/s].

    Parameters
    ----------
    part : Part or str
    capacity : float or None
        The SKU's user capacity [B] (None: the headline).
    workload : Workload
        The figure's workload (its I/O size [B] and read share).
    cat : dict, optional
        The catalogue.
    state : str
        The drive state of the figure (``[[published]].state``; ``"slc_burst"``: the dies in SLC mode,
        :func:`linkmodel.studies.figures.params_for`).

    Returns
    -------
    dict
        ``"link"``, ``"channels"``, ``"dies"`` -> ``{"ceiling": [1/s], "at": what it assumes}``, the
        back-end stages with ``"inputs"``: the inputs moved off their value, and the end each takes [SI].
    """
    return ceilings(part, capacity, [workload], cat, [state])[0]


def _best_row(ds, stage: str, ok: np.ndarray, which) -> dict:
    """The inputs at the range ends that raise a stage's ceiling above the point's (row 0), each at its best."""
    c = _per_row(ds, f"ceiling_{stage}", ok)
    best: dict[str, tuple[float, object]] = {}
    for (name, v), ci in zip(which[1:], c[1:], strict=True):
        if np.isfinite(ci) and ci > c[0] * (1 + _TIE) and (name not in best or ci > best[name][0]):
            best[name] = (ci, v)
    return {k: v for k, (_, v) in best.items()}


def ceilings(part, capacity: float | None, workloads, cat=None, states=None) -> list[dict]:
    """:func:`hard_ceilings` of several workloads of one SKU, resolved once at every range end for all of them;
    ``states``: each workload's drive state (default ``"steady"`` for all).

    Returns
    -------
    list of dict
        One per workload, as :func:`hard_ceilings` [1/s].
    """
    part = _parts.part(part)
    if not workloads:
        return []
    states = ["steady"] * len(workloads) if states is None else list(states)
    cat = _parts.catalogue() if cat is None else cat
    inputs = priors(part, capacity, cat)
    rows, which = _stage_rows(inputs)
    params, ok, _ = params_at(part, rows, capacity, cat, inputs, labelled=False)
    with _parts.about(part, capacity):
        firsts = [drive.evaluate(params_for(params, st), wl) for wl, st in zip(workloads, states, strict=True)]
        point, _ = _parts.params_from_part(part, capacity, cat)
    best_rows = [_best_row(ds, stage, ok, which) for ds in firsts for stage in STAGES]
    params2, ok2, _ = params_at(part, best_rows, capacity, cat, inputs, labelled=False)
    out = []
    for w, (wl, ds, st) in enumerate(zip(workloads, firsts, states, strict=True)):
        rate, where = _link_ceiling(point, wl)
        res: dict = {"link": {"ceiling": rate, "at": where, "inputs": {}}}
        with _parts.about(part, capacity):
            ds2 = drive.evaluate(params_for(params2, st), wl)
        for i, stage in enumerate(STAGES):
            row = w * len(STAGES) + i
            top = float(_per_row(ds2, f"ceiling_{stage}", ok2)[row])
            if not np.isfinite(top):  # the favourable design cannot run: take the best single move instead
                top = float(np.nanmax(_per_row(ds, f"ceiling_{stage}", ok)))
            res[stage] = {"ceiling": top, "at": STAGES[stage], "inputs": best_rows[row]}
        out.append(res)
    return out
