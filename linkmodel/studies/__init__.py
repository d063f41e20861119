"""Studies: what users ask of the models, built on parts.

:mod:`~linkmodel.studies.validate` (published vs predicted),
:mod:`~linkmodel.studies.sanity` (is a spec sheet possible, and what must be
true), :mod:`~linkmodel.studies.whatif` (two parts compared and the ratio
attributed), :mod:`~linkmodel.studies.endurance_view` (endurance and write
placement), :mod:`~linkmodel.studies.calibrate` (the shared constants),
:mod:`~linkmodel.studies.sweep` (design-space sweeps), and AI sizing
(:mod:`~linkmodel.studies.ai_drives`, :mod:`~linkmodel.studies.ai_smallblock`).
The command line and the notebooks call these same functions.
"""

__all__ = [
    "ai_drives",
    "ai_smallblock",
    "calibrate",
    "endurance_view",
    "explain",
    "feasibility",
    "figures",
    "io",
    "pareto",
    "sanity",
    "sweep",
    "validate",
    "whatif",
]
