"""A part's QD1 host path: the one place every study takes it from.

The host and controller terms of :class:`linkmodel.ssd.hostpath.HostPath` are
shared assumptions (:data:`linkmodel.ssd.hostpath.DEFAULTS`) except the
controller's command handling, ``firmware_read`` / ``firmware_write``, which
the catalogue gives per controller (``data/catalogue/controllers.toml``: a
value and its plausible range, or the shared default). :func:`host_path`
builds a part's path from its controller entry; the latency report, the
validation, the edge read cost and the small-block study call it rather than
each building their own. Terms in seconds.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from linkmodel._array import check_choice
from linkmodel.parts.files import Part, catalogue
from linkmodel.parts.resolve import lookup
from linkmodel.ssd.hostpath import DEFAULT_PATH, HostPath

__all__ = ["CONTROLLER_TERMS", "ENDS", "host_path"]

#: the HostPath terms a controller entry may give
CONTROLLER_TERMS = ("firmware_read", "firmware_write")
#: which value of a controller term: its value, or the low / high end of its plausible range
ENDS = ("value", "low", "high")


def host_path(part: Part, end: str = "value", cat: dict[str, Any] | None = None, **overrides) -> HostPath:
    """The part's QD1 host path: the shared defaults with its controller's firmware times.

    Parameters
    ----------
    part : Part
    end : {"value", "low", "high"}
        The controller's value, or the low / high end of its plausible range (the value where it gives none).
    cat : dict, optional
        The catalogue (default :func:`linkmodel.parts.catalogue`).
    **overrides
        Further :class:`~linkmodel.ssd.hostpath.HostPath` fields (e.g. ``interrupts=False``,
        ``write_ack="through"``, ``mapping_miss``; times in s); a controller term given here wins.

    Returns
    -------
    HostPath
        Terms in seconds.
    """
    check_choice("end", end, ENDS)
    cat = catalogue() if cat is None else cat
    ctrl = lookup(cat["controller"], part.get("controller"), part, "controller")

    def term(name: str) -> float:
        v = ctrl.fields.get(name)
        if v is None:
            return float(getattr(DEFAULT_PATH, name))
        lo, hi = v.span or (v.value, v.value)
        return float({"value": v.value, "low": lo, "high": hi}[end])

    terms: dict[str, Any] = {name: term(name) for name in CONTROLLER_TERMS}
    terms.update(overrides)
    return replace(DEFAULT_PATH, **terms)
