"""The edge-device catalogue file (``data/ai/devices.toml``): schema check, one-line errors, cache.

The file declares ``schema = "linkmodel-ai-devices/1"`` and holds one table
per device, keyed by its id: memory [B], memory bandwidth [B/s], compute
[FLOP/s], and its storage, either a part id (``data/specs``; its read cost
comes from the drive model) or, for storage with no part file, a measured
read bandwidth [B/s] and a first-byte latency [s]. The models layer
(:mod:`linkmodel.ai.edge`) takes the :class:`~linkmodel.ai.edge.Device`
objects this module builds.

Errors are one-line :class:`~linkmodel.parts.files.SpecError` (a ValueError)
messages naming the file, the device and the field.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from linkmodel.ai.edge import DEVICE_KINDS, Device
from linkmodel.parts.files import SpecError, data_dir
from linkmodel.parts.schema import read_toml

__all__ = ["DEVICES_SCHEMA", "device", "devices", "devices_path", "load_devices"]

#: The schema the catalogue file must declare.
DEVICES_SCHEMA = "linkmodel-ai-devices/1"

# field -> (type, lo, hi) with the plausible range of numbers in SI units
_FIELDS: dict[str, tuple[type, float, float]] = {
    "name": (str, 0, 0),
    "kind": (str, 0, 0),
    "dram": (float, 1e8, 1e13),  # 100 MB - 10 TB
    "memory_bandwidth": (float, 1e9, 1e14),  # 1 GB/s - 100 TB/s
    "compute": (float, 1e9, 1e18),  # 1 GFLOP/s - 1 EFLOP/s
    "storage": (str, 0, 0),
    "storage_bandwidth": (float, 1e7, 1e12),  # 10 MB/s - 1 TB/s
    "storage_latency": (float, 1e-7, 1e-1),  # 100 ns - 100 ms
    "overlap": (bool, 0, 0),
    "source": (str, 0, 0),
}
_REQUIRED = ("name", "kind", "dram", "memory_bandwidth", "compute", "overlap", "source")
_MEASURED = ("storage_bandwidth", "storage_latency")


def devices_path() -> Path:
    """The bundled catalogue file, ``data/ai/devices.toml``."""
    return data_dir() / "ai" / "devices.toml"


def _check(where: str, t: dict[str, Any]) -> None:
    """Known and required fields, types, ranges, kind, and exactly one way to give the storage."""
    for k in t:
        if k not in _FIELDS:
            raise SpecError(f"{where}: unknown field {k!r}; allowed: {', '.join(_FIELDS)}")
    for k in _REQUIRED:
        if k not in t:
            raise SpecError(f"{where}: missing field {k!r}")
    for k, v in t.items():
        want, lo, hi = _FIELDS[k]
        if want is float:
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise SpecError(f"{where}: {k}: {v!r} is not a number")
            if not lo <= v <= hi:
                raise SpecError(f"{where}: {k}: {v!r} outside {lo:g}-{hi:g} (SI units)")
        elif not isinstance(v, want):
            raise SpecError(f"{where}: {k}: {v!r} is not a {want.__name__}")
    if t["kind"] not in DEVICE_KINDS:
        raise SpecError(f"{where}: kind: {t['kind']!r} not allowed; allowed: {', '.join(DEVICE_KINDS)}")
    measured = [k for k in _MEASURED if k in t]
    if "storage" in t and measured:
        raise SpecError(f"{where}: storage: give a part id or {' and '.join(_MEASURED)}, not both")
    if "storage" not in t and len(measured) != len(_MEASURED):
        raise SpecError(f"{where}: storage: give a part id, or both {' and '.join(_MEASURED)}")


def _entry(where: str, did: str, t: object) -> Device:
    if not isinstance(t, dict):
        raise SpecError(f"{where}: a table of fields expected")
    _check(where, t)
    return Device(
        id=did,
        name=t["name"],
        kind=t["kind"],
        dram=float(t["dram"]),
        memory_bandwidth=float(t["memory_bandwidth"]),
        compute=float(t["compute"]),
        storage=t.get("storage", ""),
        storage_bandwidth=float(t.get("storage_bandwidth", 0.0)),
        storage_latency=float(t.get("storage_latency", 0.0)),
        overlap=t["overlap"],
        source=t["source"],
    )


def load_devices(path: str | Path | None = None) -> dict[str, Device]:
    """Read a device catalogue file (default the bundled ``data/ai/devices.toml``): id -> Device.

    Raises
    ------
    SpecError (a ValueError)
        One line naming the file (and the device and field where there is one).
    """
    path = devices_path() if path is None else path
    raw = read_toml(Path(path))
    schema = raw.pop("schema", None)
    if schema != DEVICES_SCHEMA:
        raise SpecError(f'{path}: schema: expected "{DEVICES_SCHEMA}", got {schema!r}')
    return {did: _entry(f"{path}: [{did}]", did, t) for did, t in raw.items()}


@lru_cache(maxsize=1)
def _bundled() -> dict[str, Device]:
    return load_devices()


def devices() -> dict[str, Device]:
    """The bundled device catalogue: id -> Device (a copy; the file is read once)."""
    return dict(_bundled())


def device(did) -> Device:
    """The bundled catalogue's Device of id ``did`` (a Device passes through).

    Raises
    ------
    ValueError
        ``device: unknown '<id>'; known: ...`` listing the catalogue's ids.
    """
    if isinstance(did, Device):
        return did
    if not isinstance(did, str):
        raise ValueError(f"device: a catalogue id (str) expected, got a {type(did).__name__}")
    cat = _bundled()
    if did not in cat:
        raise ValueError(f"device: unknown {did!r}; known: {', '.join(cat)}")
    return cat[did]
