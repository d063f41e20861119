"""The AI model catalogue file (``data/ai/models.toml``): schema check, one-line errors, cache.

The file declares ``schema = "linkmodel-ai-models/1"`` and holds one table per
model, keyed by its id. Each table gives the attention geometry (layers,
widths, heads: dimensionless counts), the parameter counts [1] and, for a
mixture-of-experts model, a ``moe`` table; the models layer
(:mod:`linkmodel.ai`) takes the :class:`~linkmodel.ai.models.Model` objects
this module builds, never ids.

Errors are one-line :class:`~linkmodel.parts.files.SpecError` (a ValueError)
messages naming the file, the model and the field.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from linkmodel.ai.models import ATTENTION, Model, MoE
from linkmodel.parts.files import SpecError, data_dir
from linkmodel.parts.schema import read_toml

__all__ = ["AI_MODELS_SCHEMA", "load_models", "model", "models", "models_path"]

#: The schema the catalogue file must declare.
AI_MODELS_SCHEMA = "linkmodel-ai-models/1"

_FIELDS: dict[str, type] = {
    "name": str,
    "attention": str,
    "layers": int,
    "hidden": int,
    "q_heads": int,
    "kv_heads": int,
    "head_dim": int,
    "kv_lora_rank": int,
    "qk_rope_head_dim": int,
    "qk_nope_head_dim": int,
    "v_head_dim": int,
    "params": float,
    "active_params": float,
    "moe": dict,
    "ffn": int,
    "blocks": int,
    "source": str,
}
_MLA = ("kv_lora_rank", "qk_rope_head_dim", "qk_nope_head_dim", "v_head_dim")
_REQUIRED = ("name", "attention", "layers", "hidden", "q_heads", "kv_heads", "params", "source")
_MOE_KEYS = ("expert_ffn", "experts", "top_k", "moe_layers")


def models_path() -> Path:
    """The bundled catalogue file, ``data/ai/models.toml``."""
    return data_dir() / "ai" / "models.toml"


def _check_fields(where: str, t: dict[str, Any]) -> None:
    """Known and required fields, their types and ranges, the attention kind and what it needs."""
    unknown = [k for k in t if k not in _FIELDS]
    if unknown:
        raise SpecError(f"{where}: unknown field {unknown[0]!r}; allowed: {', '.join(_FIELDS)}")
    missing = [k for k in _REQUIRED if k not in t]
    if missing:
        raise SpecError(f"{where}: missing field {missing[0]!r}")
    for k, v in t.items():
        want = _FIELDS[k]
        ok = isinstance(v, want) if want is not float else isinstance(v, int | float)
        if not ok or isinstance(v, bool):
            raise SpecError(f"{where}: {k}: {v!r} is not a {want.__name__}")
        if want in (int, float) and not v > 0 and not (k in (*_MLA, "head_dim") and v == 0):
            raise SpecError(f"{where}: {k}: {v!r} must be > 0")
    if t["attention"] not in ATTENTION:
        raise SpecError(f"{where}: attention: {t['attention']!r} not allowed; allowed: {', '.join(ATTENTION)}")
    if t["attention"] == "mla" and not all(t.get(k, 0) > 0 for k in _MLA):
        raise SpecError(f"{where}: an MLA model needs {', '.join(_MLA)}")
    if t["attention"] == "gqa" and not t.get("head_dim", 0) > 0:
        raise SpecError(f"{where}: a GQA model needs head_dim")
    if t["kv_heads"] > t["q_heads"]:
        raise SpecError(f"{where}: kv_heads: {t['kv_heads']} exceeds q_heads {t['q_heads']}")


def _moe(where: str, m: dict[str, Any], layers: int) -> MoE:
    """The ``moe`` table: exactly the four whole-number fields, ``top_k <= experts``, ``moe_layers <= layers``
    (``layers``: the transformer blocks, ``blocks`` where the file gives it)."""
    bad = [k for k in m if k not in _MOE_KEYS] + [k for k in _MOE_KEYS if k not in m]
    if bad:
        raise SpecError(f"{where}: moe: needs exactly {', '.join(_MOE_KEYS)} (problem: {bad[0]!r})")
    if any(isinstance(m[k], bool) or not isinstance(m[k], int) or m[k] < 1 for k in _MOE_KEYS):
        raise SpecError(f"{where}: moe: whole numbers >= 1")
    if m["top_k"] > m["experts"] or m["moe_layers"] > layers:
        raise SpecError(f"{where}: moe: top_k <= experts and moe_layers <= blocks (default layers)")
    return MoE(**m)


def _entry(where: str, mid: str, t: object) -> Model:
    """One checked table -> a Model (absent MLA widths, ``head_dim`` and ``ffn`` are 0; ``active_params``
    defaults to ``params``, ``blocks`` to ``layers``)."""
    if not isinstance(t, dict):
        raise SpecError(f"{where}: a table of fields expected")
    _check_fields(where, t)
    blocks: int = t["blocks"] if "blocks" in t else t["layers"]
    if blocks < t["layers"]:
        raise SpecError(f"{where}: blocks: {t['blocks']} below layers {t['layers']} (blocks count every layer)")
    return Model(
        id=mid,
        name=t["name"],
        attention=t["attention"],
        layers=t["layers"],
        hidden=t["hidden"],
        q_heads=t["q_heads"],
        kv_heads=t["kv_heads"],
        head_dim=t.get("head_dim", 0),
        kv_lora_rank=t.get("kv_lora_rank", 0),
        qk_rope_head_dim=t.get("qk_rope_head_dim", 0),
        qk_nope_head_dim=t.get("qk_nope_head_dim", 0),
        v_head_dim=t.get("v_head_dim", 0),
        params=float(t["params"]),
        active_params=float(t["active_params"] if "active_params" in t else t["params"]),
        moe=_moe(where, t["moe"], blocks) if "moe" in t else None,
        source=t["source"],
        ffn=t.get("ffn", 0),
        blocks=blocks,
    )


def load_models(path: str | Path | None = None) -> dict[str, Model]:
    """Read a model catalogue file (default the bundled ``data/ai/models.toml``): id -> Model.

    Raises
    ------
    SpecError (a ValueError)
        One line naming the file (and the model and field where there is one), for bad TOML, a missing or
        wrong ``schema``, unknown or missing fields, wrong types or out-of-range values.
    """
    path = models_path() if path is None else path
    raw = read_toml(Path(path))  # one reader for every data file: small regular files only, one-line errors
    schema = raw.pop("schema", None)
    if schema != AI_MODELS_SCHEMA:
        raise SpecError(f'{path}: schema: expected "{AI_MODELS_SCHEMA}", got {schema!r}')
    return {mid: _entry(f"{path}: [{mid}]", mid, t) for mid, t in raw.items()}


@lru_cache(maxsize=1)
def _bundled() -> dict[str, Model]:
    return load_models()


def models() -> dict[str, Model]:
    """The bundled model catalogue: id -> Model (a copy; the file is read once)."""
    return dict(_bundled())


def model(mid: str) -> Model:
    """The bundled catalogue's Model of id ``mid`` (e.g. ``"llama-3.1-70b"``).

    Raises
    ------
    ValueError
        ``model: unknown '<id>'; known: ...`` listing the catalogue's ids.
    """
    if not isinstance(mid, str):
        raise ValueError(f"model: a catalogue id (str) expected, got a {type(mid).__name__}")
    cat = _bundled()
    if mid not in cat:
        raise ValueError(f"model: unknown {mid!r}; known: {', '.join(cat)}")
    return cat[mid]
