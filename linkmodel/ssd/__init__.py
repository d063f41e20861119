"""SSD models, one module per phenomenon.

:mod:`~linkmodel.ssd.nand` (dies, channels, one-shot data-in),
:mod:`~linkmodel.ssd.waf`, :mod:`~linkmodel.ssd.meanfield` and
:mod:`~linkmodel.ssd.traffic` (write amplification: Lambert-W, mean-field
greedy GC, hot/cold traffic and mapping-unit read-modify-write),
:mod:`~linkmodel.ssd.writepath` (placement: conventional, FDP, ZNS; parity,
metadata), :mod:`~linkmodel.ssd.slc_cache`, :mod:`~linkmodel.ssd.endurance`
(P/E cycles, DWPD, TBW), :mod:`~linkmodel.ssd.operations` (the back-end work
of one host I/O), :mod:`~linkmodel.ssd.power` (static power and energy per
I/O), :mod:`~linkmodel.ssd.stages` (the stage registry),
:mod:`~linkmodel.ssd.params` (the typed drive parameters and their glossary),
:mod:`~linkmodel.ssd.drive` (the end-to-end model: the stages over a
workload), :mod:`~linkmodel.ssd.queueing` and :mod:`~linkmodel.ssd.latency`
(queueing networks, latency and tails).
"""

__all__ = [
    "drive",
    "endurance",
    "latency",
    "meanfield",
    "nand",
    "operations",
    "params",
    "power",
    "queueing",
    "slc_cache",
    "stages",
    "traffic",
    "waf",
    "writepath",
]
