"""Endurance over draws of a part's priors: DWPD and TBW intervals, a published rating's quantile.

The drive parameters come from :func:`linkmodel.parts.draws.draw_params` (the GC reserve, the SLC share and
every other drawn input the endurance rests on); the NAND's P/E cycles, an input of the endurance but not of
the drive parameters, are drawn here from their prior (:func:`linkmodel.parts.priors.value_prior`: the die's
author range, else the default spread of its provenance) as one more stream, ``"nand <id>.pe_cycles"``. The
write amplification is not drawn by itself: it follows from the drawn over-provisioning (raw capacity over
user capacity less the drawn reserve) through the GC model, so its spread is the reserve's. The endurance
figures are then one broadcast call of :func:`linkmodel.studies.endurance_view.figures` over every draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from linkmodel import parts as _parts
from linkmodel.parts import draws as _draws
from linkmodel.parts.fields import NAND_FIELDS
from linkmodel.parts.priors import value_prior
from linkmodel.ssd import writepath
from linkmodel.studies import drawn, endurance_view
from linkmodel.studies.figures import PREDICTED
from linkmodel.studies.report import Report
from linkmodel.studies.uncertain import INTERVAL, sensitivities

__all__ = ["DRAWN", "EnduranceDraws", "endurance_draws"]

#: the endurance figures given over draws (WAF [1], DWPD [1/day], TBW [B])
DRAWN = (
    "waf_random",
    "waf_sequential",
    "waf_jesd219",
    "dwpd_random",
    "dwpd_sequential",
    "dwpd_jesd219",
    "tbw_random",
    "tbw_sequential",
)


@dataclass(frozen=True, eq=False)
class EnduranceDraws(Report):
    """A SKU's endurance over draws (SI: DWPD 1/day, TBW B).

    ``figures``: per figure of :data:`DRAWN` ``{"median", "interval": [low, high]}``, with ``"published"`` and
    ``"quantile"`` where the part publishes it (a DWPD rating, a TBW figure at this SKU) and ``"sensitivity"``
    (input -> first-order Sobol' index, the largest first) for DWPD and TBW.
    """

    part: str
    capacity: float
    seed: int
    draws: int
    method: str
    interval: tuple
    figures: dict


def _published(part, capacity: float) -> dict[str, float]:
    """Endurance quantity (a key of :data:`DRAWN`) -> the part's published figure at this SKU [SI]."""
    out: dict[str, float] = {}
    for pub in part.published:
        wl, quantity = PREDICTED.get(pub.metric, (None, None))
        if wl == "endurance" and quantity is not None and not pub.sets and _parts.same_capacity(pub.capacity, capacity):
            out.setdefault(quantity, float(pub.value))
    if "dwpd" in part.fields and "dwpd_random" not in out:
        out["dwpd_random"] = float(part.get("dwpd"))
    return out


def _pe_draws(part, capacity, cat, n: int, seed: int, method: str, scale: float) -> tuple[str, np.ndarray]:
    """(input name, ``n`` drawn P/E cycles [1]) of the SKU's NAND die (every draw at its value when a fact)."""
    nand = _parts.lookup(cat["nand"], _parts.nand_id(part, capacity), part, "nand")
    if "pe_cycles" not in nand.fields:
        raise _parts.SpecError(f"{part.path}: nand {nand.id}: no pe_cycles in the catalogue")
    v, ft = nand.fields["pe_cycles"], NAND_FIELDS["pe_cycles"]
    name, prior = f"nand {nand.id}.pe_cycles", value_prior(v, ft)
    if prior is None:
        return name, np.full(n, float(v.value))
    x = _draws.sample(prior, _draws.uniforms([name], n, seed, method)[name], scale)
    return name, x if ft.span is None else np.clip(x, *ft.span)


def endurance_draws(
    part,
    n: int = 1000,
    seed: int = 0,
    capacity: float | None = None,
    cat=None,
    write_path=None,
    method: str = "mc",
    scale: float = 1.0,
) -> EnduranceDraws:
    """The endurance figures of :func:`linkmodel.studies.endurance_view.endurance` over ``n`` draws.

    Parameters
    ----------
    part : Part or str
    n : int
        Draws.
    seed : int
        Seed (>= 0).
    capacity : float, optional
        SKU user capacity [B] (default headline).
    cat : dict, optional
        The catalogue.
    write_path : WritePath, optional
        Default conventional, uniform, Lambert-W.
    method : {"mc", "sobol", "lhs"}
    scale : float
        Spread multiplier of every prior (0: every draw at the point values).

    Returns
    -------
    EnduranceDraws
    """
    part = _parts.part(part)
    cat = _parts.catalogue() if cat is None else cat
    wp = writepath.UNIFORM if write_path is None else write_path
    d = _draws.draw_params(part, n, seed, capacity, cat, method, scale)
    with _parts.about(part, capacity):
        pe_name, pe = _pe_draws(part, capacity, cat, n, seed, method, scale)
        pe_in = float(pe[0]) if np.all(pe == pe[0]) else xr.DataArray(pe, dims="draw")
        years = float(part.get("warranty_years", endurance_view.WARRANTY_YEARS_DEFAULT.value))
        f = endurance_view.figures(d.params, pe_in, years, wp)
    sku = float(d.point["user_capacity"])
    published = _published(part, sku)
    values = d.values | {pe_name: pe}
    out: dict[str, dict] = {}
    for key in DRAWN:
        x = drawn.per_draw(f[key].values if isinstance(f[key], xr.DataArray) else f[key], n)
        out[key] = drawn.stats(x, published.get(key))
        if key in published:
            out[key]["published"] = published[key]
        if key.startswith(("dwpd", "tbw")):
            out[key]["sensitivity"] = sensitivities(values, x)
    return EnduranceDraws(part.id, sku, d.seed, d.n, d.method, INTERVAL, out)
