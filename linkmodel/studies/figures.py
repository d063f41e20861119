"""What validation compares: metrics, their classes and accuracy targets, causes of a miss, the record.

Shared by :mod:`~linkmodel.studies.validate` (which builds the records) and
:mod:`~linkmodel.studies.explain` (which says what a miss rests on).
:func:`params_for` is the one place a published figure's ``state`` maps to the
drive parameters it is predicted with (validate, check's sanity lines and hard
ceilings, the draws and the calibration all call it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from linkmodel.ssd import slc_cache

__all__ = ["CAUSES", "CLASSES", "PREDICTED", "TARGETS", "Record", "params_for"]

#: metric -> (workload name, predicted quantity)
PREDICTED = {
    "seq_read": ("seq_read", "throughput"),
    "seq_write": ("seq_write", "throughput"),
    "rand_read": ("rand_read", "iops"),
    "rand_write": ("rand_write", "iops"),
    "mixed_70_30": ("mixed_70_30", "iops"),
    "seq_read_power": ("seq_read", "power"),
    "seq_write_power": ("seq_write", "power"),
    "read_efficiency": ("seq_read", "efficiency"),
    "active_power": (None, "power"),  # the highest average power over the standard workloads
    "idle_power": ("seq_read", "static_power"),  # the drive's static power (link up, no I/O)
    # endurance (linkmodel.studies.endurance_view.endurance): random = uniform IU-aligned random writes
    "dwpd": ("endurance", "dwpd_random"),
    "tbw_random": ("endurance", "tbw_random"),
    "tbw_seq": ("endurance", "tbw_sequential"),
    # QD1 latency (linkmodel.ssd.latency.qd1, default host path, buffered writes)
    "read_latency": ("latency", "read"),
    "write_latency": ("latency", "write"),
}


def params_for(params: Mapping, state: str):
    """The drive parameters [SI] a figure measured in ``state`` (``[[published]].state``) is predicted with:
    ``params`` as they are for ``"steady"``, the SLC-cache burst drive for ``"slc_burst"``
    (:func:`linkmodel.ssd.slc_cache.burst_params`: dies in SLC mode, ``t_prog_slc`` [s], fresh drive)."""
    if state == "slc_burst":
        return slc_cache.burst_params(params)
    if state != "steady":
        raise ValueError(f"state: {state!r} not allowed; allowed: steady, slc_burst")
    return params


#: metric -> class used in the summary
CLASSES = {
    "seq_read": "sequential read",
    "seq_write": "sequential write",
    "rand_read": "random read",
    "rand_write": "random write",
    "mixed_70_30": "mixed read/write",
    "active_power": "power and efficiency",
    "seq_read_power": "power and efficiency",
    "seq_write_power": "power and efficiency",
    "read_efficiency": "power and efficiency",
    "idle_power": "power and efficiency",
    "dwpd": "endurance",
    "tbw_random": "endurance",
    "tbw_seq": "endurance",
    "read_latency": "QD1 latency",
    "write_latency": "QD1 latency",
}

#: accuracy targets per class (absolute error), from the issue
TARGETS = {
    "sequential read": 0.05,
    "random read": 0.05,
    "sequential write": 0.12,
    "random write": 0.25,
    "power and efficiency": 0.15,
    "QD1 latency": 0.15,
    "all vendor figures": 0.08,
}


#: why a prediction misses its class target, in four kinds (Record.cause)
CAUSES = {
    "unpublished limit": "published below a ceiling the model computes from published facts (the link, with no "
    "published controller limit): the part has a limit its vendor does not publish",
    "own figures disagree": "the part's own figures contradict each other under uniform full-span steady state "
    "(a random-write rate needing a lower WAF than its sequential write allows)",
    "unpublished inputs": "the binding stage rests on inputs no vendor publishes for this part (assumed NAND "
    "timings, calibrated power constants, shared defaults, the rating's workload)",
    "published inputs": "the binding stage rests on published facts only: the model's physics misses",
}


@dataclass(frozen=True)
class Record:
    """One published figure next to the model's prediction.

    ``error`` is the signed fraction predicted / published - 1 (None when the
    metric is not modelled yet, or when the figure is reported as a range only).
    ``predicted_low`` / ``predicted_high`` bound the prediction over inputs the vendor
    does not state (QD1 latency: tR and firmware time over their plausible ranges;
    a mixed figure with no stated queue depth: the depths of
    :data:`linkmodel.studies.spread.MIXED_DEPTHS`); ``queue_depth`` is the depth the
    figure was evaluated at, where the vendor states one. Values are SI (B/s, 1/s, W, B/s/W, s).
    """

    part: str
    capacity: float
    metric: str
    published: float
    predicted: float | None
    error: float | None
    binding: str
    kind: str
    confirmed: bool
    block_size: float
    source: str
    why: str = ""  # for a prediction outside its class target: what the miss rests on
    cause: str = ""  # for such a miss: one of CAUSES
    queue_depth: float | None = None  # the stated depth the figure was evaluated at
    predicted_low: float | None = None  # the prediction's range over unstated inputs (both or neither)
    predicted_high: float | None = None
    #: the drive state the figure was measured in (``[[published]].state``): ``steady`` or ``slc_burst``
    state: str = "steady"

    @property
    def in_range(self) -> bool | None:
        """The published figure lies inside [predicted_low, predicted_high] (None: no range)."""
        if self.predicted_low is None or self.predicted_high is None:
            return None
        return bool(self.predicted_low <= self.published <= self.predicted_high)

    def as_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)
