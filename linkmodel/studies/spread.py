"""What a published figure depends on that its vendor does not state: the controller terms and the queue depth.

Two helpers of :mod:`~linkmodel.studies.validate`:

* QD1 latency rests on the part's NAND tR and its controller's command-handling
  time (``firmware_read`` / ``firmware_write`` of ``data/catalogue/controllers.toml``).
  :func:`host_path` is the part's :class:`~linkmodel.ssd.hostpath.HostPath` with its
  controller's terms (:func:`linkmodel.parts.host_path`, the one place it is built), and
  :func:`latency_spread` the QD1 latency at both ends of
  the plausible ranges (``range = [lo, hi]``) the catalogue gives for those inputs.
* A mixed 70/30 figure is a closed loop at some queue depth. :func:`mixed_at_depth`
  evaluates it at the depth the vendor states (the figure's ``queue_depth``);
  where none is stated, :func:`mixed_spread` gives the model's IOPS over
  :data:`MIXED_DEPTHS`.

All SI (s, 1/s).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from linkmodel import parts as _parts
from linkmodel._typing import StorageIo
from linkmodel.parts import Part, lookup, nand_id
from linkmodel.ssd import closedloop
from linkmodel.ssd import latency as _lat

__all__ = ["MIXED_DEPTHS", "host_path", "latency_spread", "mixed_at_depth", "mixed_spread"]

#: Queue depths over which a mixed figure with no stated depth is reported (lowest, highest) [1].
#: ASSUMPTION: 32 to 256. Basis: Micron describes data-center spec sheets as quoting 4 KiB random read, write
#: and 70/30 at QD 256 (Micron blog "Micron 7500: mainstream NVMe for the real world", R. Meredith, Oct 2023,
#: https://www.micron.com/about/blog/storage/innovations/micron-7500-mainstream-nvme-for-the-real-world), and
#: calls QD 32 "a drive working at a normal stress level" (same page); StorageReview's 4 KiB random tests run
#: 8 threads x QD 32 = 256 (published_parts.toml measured notes). Closed-loop IOPS rises with depth, so the
#: model's figures at the two ends bound it over the span.
MIXED_DEPTHS = (32, 256)


def host_path(part: Part, cat: Mapping[str, Any], end: str = "value") -> _lat.HostPath:
    """The part's QD1 host path (:func:`linkmodel.parts.host_path`, its one home) [s].

    ``end``: the controller's firmware value, or the low / high end of its plausible range.
    """
    return _parts.host_path(part, end, dict(cat))


def latency_spread(
    part: Part, cat, params: Mapping[str, Any], io: StorageIo, size: float, capacity: float | None = None
) -> tuple[float, float]:
    """Sustained QD1 latency [s] with tR and the firmware time both at the low, then both at the high, end.

    tR's range comes from the SKU's NAND entry (reads only; a fact has none), the firmware's from its controller.
    ``capacity`` [B] picks the SKU (default: the headline one).
    """
    nand = lookup(cat["nand"], nand_id(part, capacity), part, "nand") if io == "read" else None
    span = nand.fields["t_read"].span if nand is not None else None
    out = []
    for i, end in enumerate(("low", "high")):
        p = dict(params)
        if span is not None:
            p["t_read"] = float(span[i])
        lat, _ = _lat.sustained_qd1(p, io, size, host_path(part, cat, end))
        out.append(float(lat))
    return out[0], out[1]


def mixed_at_depth(params: Mapping[str, Any], depths, size: float, read_fraction: float = 0.7):
    """Closed-loop mixed IOPS [1/s] at each queue depth (:func:`linkmodel.ssd.closedloop.mixed_curve`)."""
    c = closedloop.mixed_curve(params, read_fraction, list(depths), size)
    return [float(x) for x in c.iops.values], float(c.attrs["ceiling"])


def mixed_spread(params: Mapping[str, Any], size: float, read_fraction: float = 0.7) -> tuple[float, float]:
    """The model's mixed IOPS [1/s] at the lowest and highest of :data:`MIXED_DEPTHS`."""
    iops, _ = mixed_at_depth(params, MIXED_DEPTHS, size, read_fraction)
    return min(iops), max(iops)
