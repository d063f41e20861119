"""The result of the link budget (:func:`linkmodel.pcie.link`), for :mod:`linkmodel.pcie.budget` only: the
named numpy values (:class:`LinkValues`, what :func:`linkmodel.pcie.link_values` returns) and the xarray
Dataset built from them, with each variable's units [SI] and long name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from linkmodel._array import Kind, dataset
from linkmodel.pcie import _stages

__all__ = ["BREAKDOWN", "DIRECTIONS", "LinkValues"]

DIRECTIONS = ("upstream", "downstream")

BREAKDOWN = (
    "encoding_overhead",
    "skp_overhead",
    "flit_overhead",
    "replay_overhead",
    "dllp_overhead",
    "framing_overhead",
    "header_overhead",
    "command_overhead",
    "padding_overhead",
    "payload",
    "idle",
)

UNITS = {
    "line_rate": ("B/s", "bytes per second on the wire per direction, before line encoding"),
    "raw_bandwidth": ("B/s", "per-direction bandwidth after line encoding"),
    "effective_bandwidth": ("B/s", "payload bytes per second of the requested transfer, busiest data direction"),
    "efficiency": ("1", "effective_bandwidth / raw_bandwidth"),
    "transfer_rate": ("1/s", "transfers completed per second"),
    "ceiling_link_upstream": ("B/s", "effective_bandwidth the upstream direction allows"),
    "ceiling_link_downstream": ("B/s", "effective_bandwidth the downstream direction allows"),
    "ceiling_tags": ("B/s", "effective_bandwidth the outstanding-read limit allows (inf: no reads)"),
    "binding": ("", "stage whose ceiling binds"),
    "flit": ("", "link runs in flit mode"),
    "provisional": ("", "figures rest on assumptions (Gen8)"),
    "skp_fraction": ("1", "share of lane time in SKP ordered sets"),
    "replay_efficiency": ("1", "goodput share left by replays"),
    "payload": ("B/s", "payload bytes per second in this direction"),
    "encoding_overhead": ("B/s", "line encoding (8b/10b, 128b/130b)"),
    "skp_overhead": ("B/s", "SKP ordered sets (and EDS tokens)"),
    "flit_overhead": ("B/s", "flit DLP + CRC + FEC bytes"),
    "replay_overhead": ("B/s", "replayed flits / TLPs"),
    "dllp_overhead": ("B/s", "Ack / UpdateFC DLLPs (non-flit)"),
    "framing_overhead": ("B/s", "per-TLP STP/sequence/LCRC/END (non-flit)"),
    "header_overhead": ("B/s", "TLP headers (and ECRC), including read requests"),
    "command_overhead": ("B/s", "side-band command TLPs (e.g. NVMe doorbells, SQEs, CQEs, interrupts)"),
    "padding_overhead": ("B/s", "DW padding and NOP fill"),
    "idle": ("B/s", "capacity left unused in this direction"),
    "tlps_per_transfer": ("1", "TLPs per transfer in this direction"),
    "bytes_per_transfer": ("B", "TLP-layer bytes per transfer in this direction"),
}
#: the variables with no direction dimension: every output but the per-direction ones of the kernel
_SCALAR_VARS = frozenset(UNITS) - frozenset(_stages.PER_DIRECTION)
#: each variable's units, long name and whether it has the direction axis (for :func:`linkmodel._array.dataset`)
_META = {name: (units, long_name, name not in _SCALAR_VARS) for name, (units, long_name) in UNITS.items()}
_LEADING = ("direction", DIRECTIONS)
_BREAKDOWN_ATTR = "line_rate = " + " + ".join(BREAKDOWN)


@dataclass(frozen=True)
class LinkValues:
    """The figures of one :func:`linkmodel.pcie.link` call as numpy arrays, before any Dataset is built.

    ``values`` maps each variable of the Dataset to its array: the
    per-direction ones (the breakdown, ``replay_efficiency``,
    ``tlps_per_transfer``, ``bytes_per_transfer``) carry a leading axis of
    2 (upstream, downstream); each broadcasts to the inputs' shape (0-d
    arrays for scalar inputs). Units as in the Dataset [B/s, B, 1, 1/s]. ``options``
    holds the string options; ``kind`` the inputs' layout; ``directions``
    the labels of the per-direction axis.
    """

    values: dict
    kind: Kind
    options: dict
    #: the labels of the leading axis of the per-direction values
    directions: ClassVar[tuple[str, str]] = DIRECTIONS

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]

    def at(self, name: str, direction: str) -> np.ndarray:
        """Variable `name` in one direction ("upstream" or "downstream"), as ``Dataset.sel(direction=...)`` gives
        it (variables without a direction axis are the same in both) [units of the variable]."""
        if name in _SCALAR_VARS:
            return self.values[name]
        return self.values[name][DIRECTIONS.index(direction)]

    def to_dataset(self):
        """The :func:`linkmodel.pcie.link` Dataset of these values (dims and coords of the inputs)."""
        variables = {name: (arr, *_META[name]) for name, arr in self.values.items()}
        attrs = {"model": "linkmodel.pcie.budget", **self.options, "breakdown": _BREAKDOWN_ATTR}
        return dataset(variables, self.kind, leading=_LEADING, attrs=attrs)
