"""Parts: the data files (published parts, the shared catalogue, calibration, AI models)
and their resolution into typed model parameters, each with its provenance.

Layer: above the models (:mod:`linkmodel.pcie`, :mod:`linkmodel.ssd`,
:mod:`linkmodel.ai`), below the studies. Modules: :mod:`~linkmodel.parts.files`
(spec and catalogue files: schema, SI conversion, one-line errors naming file
and field), :mod:`~linkmodel.parts.resolve` (a part's SKU -> drive parameters
and where each came from), :mod:`~linkmodel.parts.calibration` (the shared
calibrated constants), :mod:`~linkmodel.parts.ai_models` (the AI model
catalogue: :func:`model` and :func:`models`).
"""

from linkmodel.parts.ai_models import AI_MODELS_SCHEMA, load_models, model, models
from linkmodel.parts.calibration import stored
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
    specs_dir,
)
from linkmodel.parts.resolve import (
    SHARED,
    Provenance,
    Shared,
    about,
    lookup,
    nand_id,
    params_from_part,
    power_states,
)

__all__ = [
    "AI_MODELS_SCHEMA",
    "SHARED",
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
    "load",
    "load_catalogue_file",
    "load_models",
    "load_part",
    "lookup",
    "model",
    "models",
    "nand_id",
    "params_from_part",
    "power_states",
    "specs_dir",
    "stored",
]
