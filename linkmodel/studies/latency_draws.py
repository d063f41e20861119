"""QD1 latency and the queue-depth curve over draws of a part's priors, the controller's firmware times included.

The drive parameters come from :func:`linkmodel.parts.draws.draw_params`; the host path's controller terms
(firmware read and write time, :data:`linkmodel.parts.hostpath.CONTROLLER_TERMS`) are inputs of the latency
that the drive parameters do not hold, so :func:`path_draws` draws them from their priors
(:func:`linkmodel.parts.priors.value_prior`: the controller's plausible range, else the default spread of its
provenance) as DataArrays along ``draw``, and the host path is built once with them
(:func:`linkmodel.parts.host_path`, its one home). :func:`qd1_draws` is then one broadcast call of
:func:`linkmodel.ssd.hostpath.sustained_qd1` over every draw, as ``validate`` computes a QD1 figure.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from linkmodel import parts as _parts
from linkmodel._typing import StorageIo
from linkmodel.parts import draws as _draws
from linkmodel.parts.fields import CONTROLLER_FIELDS
from linkmodel.parts.hostpath import CONTROLLER_TERMS
from linkmodel.parts.priors import value_prior
from linkmodel.ssd import latency as _lat

__all__ = ["path_draws", "qd1_draws"]


def path_draws(part, n: int, seed: int, cat=None, method: str = "mc", scale: float = 1.0, **overrides):
    """The part's host path with its controller's firmware terms drawn ``n`` times (terms in s).

    Parameters
    ----------
    part : Part
    n, seed, method, scale
        As :func:`linkmodel.parts.draws.draw_params` (one stream per input name: ``"controller <id>.<term>"``).
    cat : dict, optional
        The catalogue.
    **overrides
        Further host-path fields (``interrupts``, ``write_ack``, ``mapping_miss``, ...).

    Returns
    -------
    (HostPath, dict of str -> numpy.ndarray)
        The path (a drawn term a DataArray along ``draw``; a term that is a fact, or the shared default, at
        its value) and each drawn term's ``n`` values [s] by input name.
    """
    part = _parts.part(part)
    cat = _parts.catalogue() if cat is None else cat
    ctrl = _parts.lookup(cat["controller"], part.get("controller"), part, "controller")
    priors = {}
    for term in CONTROLLER_TERMS:
        v = ctrl.fields.get(term)
        p = None if v is None or term in overrides else value_prior(v, CONTROLLER_FIELDS[term])
        if p is not None:
            priors[f"controller {ctrl.id}.{term}"] = (term, p)
    u = _draws.uniforms(priors, n, seed, method)
    values = {}
    for name, (term, p) in priors.items():
        v, span = _draws.sample(p, u[name], scale), CONTROLLER_FIELDS[term].span
        values[name] = v if span is None else np.clip(v, *span)
    # a term no draw moves (every prior collapsed, scale 0) stays a number, as the drive parameters do
    drawn: dict[str, Any] = {}
    for name, (term, _) in priors.items():
        v = values[name]
        drawn[term] = float(v[0]) if np.all(v == v[0]) else xr.DataArray(v, dims="draw")
    return _parts.host_path(part, "value", cat, **drawn, **overrides), values


def qd1_draws(part, params, io: StorageIo, size: float, path, page_types=None) -> np.ndarray:
    """The sustained QD1 latency per draw [s] (:func:`linkmodel.ssd.hostpath.sustained_qd1`, the one ``validate``
    compares with a published QD1 figure), for drive parameters and a host path along ``draw`` (``page_types``:
    reads' tR multipliers per page type, as :func:`linkmodel.ssd.hostpath.qd1`).

    Returns
    -------
    numpy.ndarray
        One latency per draw (``n`` long) [s].
    """
    with _parts.about(_parts.part(part)):
        lat, _ = _lat.sustained_qd1(params, io, size, path, page_types)
    lat = lat.values if isinstance(lat, xr.DataArray) else np.asarray(lat, dtype=float)
    return np.asarray(lat, dtype=float).ravel()
