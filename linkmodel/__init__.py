"""linkmodel: analytical performance models for PCIe links and SSDs.

The core works in SI floats (bytes, seconds, B/s, W, J); see
:mod:`linkmodel.units` for the multiplier constants and the glossary.

The short facade: ``link`` (a PCIe link budget), ``evaluate``/``predict``
(the drive model), ``DriveParams``, ``load_part`` (a part by id or path),
``params_from_part``, ``sweep`` (design-space sweeps) and ``validate``
(published vs predicted). Layers, one way down: foundation (``units``,
``_array``, ``_typing``) <- models (``pcie``, ``ssd``, ``ai``) <- ``parts`` <-
``studies`` <- ``cli``.
"""

from linkmodel import units
from linkmodel.pcie import link

#: the short facade: name -> (module, attribute or None for the module itself), imported on first use
_FACADE = {
    "evaluate": ("linkmodel.ssd.drive", "evaluate"),
    "predict": ("linkmodel.ssd.drive", "predict"),
    "DriveParams": ("linkmodel.ssd.params", "DriveParams"),
    "Workload": ("linkmodel.ssd.drive", "Workload"),
    "WORKLOADS": ("linkmodel.ssd.drive", "WORKLOADS"),
    "load_part": ("linkmodel.parts", "part"),
    "params_from_part": ("linkmodel.parts", "params_from_part"),
    "sweep": ("linkmodel.studies.sweep", None),
    "validate": ("linkmodel.studies.validate", None),
}

__all__ = ["__version__", "link", "units", *_FACADE]


def _version() -> str:
    """The installed distribution's version, stated once in pyproject.toml (D31); read on first use, since
    importlib.metadata costs ~40 ms of every command's start."""
    from importlib import metadata

    try:
        return metadata.version("linkmodel")
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str):
    if name == "__version__":
        return _version()
    if name in _FACADE:
        import importlib

        module, attr = _FACADE[name]
        mod = importlib.import_module(module)
        return mod if attr is None else getattr(mod, attr)
    raise AttributeError(f"module 'linkmodel' has no attribute {name!r}")
