"""I/O latency of a drive (facade): the QD1 breakdown, latency and IOPS vs queue depth, tails, reads behind writes.

The models live by phenomenon; this module re-exports their public names so
that ``from linkmodel.ssd import latency; latency.qd1(...)`` keeps working:

* :mod:`linkmodel.ssd.hostpath`: :class:`HostPath`, :data:`DEFAULTS`,
  :func:`qd1`, :func:`sustained_qd1` and the named host-path constants;
* :mod:`linkmodel.ssd.interference`: :func:`read_interference`;
* :mod:`linkmodel.ssd.closedloop`: :func:`stations`, :func:`queue_depth_curve`,
  :func:`mixed_curve`;
* :mod:`linkmodel.ssd.queueing`: :func:`tail` (the curve carries its stations:
  ``tail(queue_depth_curve(...))``).

The whole report the ``linkmodel latency`` command prints is
:func:`linkmodel.studies.latency.report`. All SI (s, B, 1/s).
"""

from __future__ import annotations

from linkmodel.ssd.closedloop import mixed_curve, queue_depth_curve, stations
from linkmodel.ssd.hostpath import (
    DEFAULT_PATH,
    DEFAULT_SUSPEND,
    DEFAULTS,
    IOS,
    MAPPING_READ_BYTES,
    MQSIM_SUSPEND,
    POLLING_HOST_COMPLETE,
    HostPath,
    qd1,
    sustained_qd1,
)
from linkmodel.ssd.interference import read_interference
from linkmodel.ssd.queueing import tail

__all__ = [
    "DEFAULTS",
    "DEFAULT_PATH",
    "DEFAULT_SUSPEND",
    "IOS",
    "MAPPING_READ_BYTES",
    "MQSIM_SUSPEND",
    "POLLING_HOST_COMPLETE",
    "HostPath",
    "mixed_curve",
    "qd1",
    "queue_depth_curve",
    "read_interference",
    "stations",
    "sustained_qd1",
    "tail",
]
