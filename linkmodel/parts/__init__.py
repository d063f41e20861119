"""Parts: the data files (published parts, the shared catalogue, calibration, AI models)
and their resolution into typed model parameters, each with its provenance.

Layer: above the models (:mod:`linkmodel.pcie`, :mod:`linkmodel.ssd`,
:mod:`linkmodel.ai`), below the studies. Modules: :mod:`~linkmodel.parts.files`
(spec and catalogue files: schema, SI conversion, one-line errors naming file
and field), :mod:`~linkmodel.parts.fields` (every field of those files, with
its plausible range and basis), :mod:`~linkmodel.parts.resolve` and :mod:`~linkmodel.parts.rules`
(a part's SKU -> drive parameters and where each came from, by a table of
resolvers), :mod:`~linkmodel.parts.shared` (shared defaults, provenance),
:mod:`~linkmodel.parts.calibration` (the shared calibrated constants),
:mod:`~linkmodel.parts.ai_models` (the AI model catalogue: :func:`model`, :func:`models`),
:mod:`~linkmodel.parts.hostpath` (a part's QD1 host path: :func:`host_path`).
"""

from linkmodel.parts.ai_models import AI_MODELS_SCHEMA, load_models, model, models
from linkmodel.parts.calibration import load_calibration, stored
from linkmodel.parts.files import (
    CatalogueEntry,
    Part,
    SpecError,
    Value,
    bundled_parts,
    catalogue,
    data_dir,
    load,
    load_catalogue_file,
    load_part,
    part,
    same_capacity,
    specs_dir,
)
from linkmodel.parts.hostpath import host_path
from linkmodel.parts.resolve import about, lookup, nand_id, power_states
from linkmodel.parts.rules import params_from_part
from linkmodel.parts.shared import SHARED, WARRANTY_YEARS_DEFAULT, Provenance, Shared

__all__ = [
    "AI_MODELS_SCHEMA",
    "SHARED",
    "WARRANTY_YEARS_DEFAULT",
    "CatalogueEntry",
    "Part",
    "Provenance",
    "Shared",
    "SpecError",
    "Value",
    "about",
    "bundled_parts",
    "catalogue",
    "data_dir",
    "host_path",
    "load",
    "load_calibration",
    "load_catalogue_file",
    "load_models",
    "load_part",
    "lookup",
    "model",
    "models",
    "nand_id",
    "params_from_part",
    "part",
    "power_states",
    "same_capacity",
    "specs_dir",
    "stored",
]
