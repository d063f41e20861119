"""The drive model's parameters: one typed, frozen record, and the units glossary.

:class:`DriveParams` holds every input of :func:`linkmodel.ssd.drive.evaluate`
in SI units. Each field may be a float, a numpy array or an xarray DataArray
(they broadcast together). Its dataclass metadata carries the units, a long
name and the allowed domain: :data:`GLOSSARY` is read from it, and so are the
sweep's coordinates, the CLI's parameter tables and the range checks.

A :class:`DriveParams` is also a read-only mapping (``p["t_read"]``,
``dict(p)``), so code written against the older plain-dict parameters keeps
working; what-ifs use :func:`dataclasses.replace`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np

from linkmodel._array import check_range

__all__ = ["GLOSSARY", "PARAMETERS", "DriveParams", "check_arrays"]

#: domains: "positive" (> 0), "positive_or_inf" (> 0, inf = no limit), "nonnegative" (>= 0),
#: "fraction" (0-1), "fraction_below_one" (0 <= x < 1), "link" (checked by the link model, which knows the
#: allowed generations, lanes and sizes)
_DOMAINS = ("positive", "positive_or_inf", "nonnegative", "fraction", "fraction_below_one", "link")


def _f(units: str, long_name: str, domain: str = "positive") -> Any:
    assert domain in _DOMAINS
    return field(metadata={"units": units, "long_name": long_name, "domain": domain})


@dataclass(frozen=True, eq=False)
class DriveParams(Mapping):
    """Every input of the drive model, SI units; each field a float, array or DataArray.

    :func:`linkmodel.parts.params_from_part` builds one from a spec file,
    with the provenance of every field.
    """

    # host link
    gen: Any = _f("1", "PCIe generation", "link")
    lanes: Any = _f("1", "PCIe lanes", "link")
    mps: Any = _f("B", "PCIe Max_Payload_Size", "link")
    mrrs: Any = _f("B", "PCIe Max_Read_Request_Size", "link")
    # NAND channels and dies
    channels: Any = _f("1", "NAND channels")
    channel_rate: Any = _f("T/s", "NAND channel transfer rate (one byte per transfer)")
    dies: Any = _f("1", "NAND dies")
    planes: Any = _f("1", "planes per die")
    page_size: Any = _f("B", "NAND page (data bytes)")
    spare_fraction: Any = _f("1", "ECC/spare bytes per data byte", "nonnegative")
    bits_per_cell: Any = _f("1", "bits per cell")
    t_read: Any = _f("s", "page read (array sense) time")
    t_prog: Any = _f("s", "one-shot program time")
    t_erase: Any = _f("s", "block erase time")
    block_pages: Any = _f("1", "pages per block per plane")
    independent_plane_reads: Any = _f("1", "single-plane reads a die runs at once")
    program_cache_pages: Any = _f("1", "pages per plane the cache latches take during a program", "nonnegative")
    t_read_slc: Any = _f("s", "page read time in SLC mode")
    t_prog_slc: Any = _f("s", "page program time in SLC mode")
    slc_fraction: Any = _f("1", "share of host writes through an SLC cache", "fraction")
    command_time: Any = _f("s", "channel time per NAND command", "nonnegative")
    # NAND power
    read_power: Any = _f("W", "die power during a multi-plane read", "nonnegative")
    program_power: Any = _f("W", "die power during a program", "nonnegative")
    erase_power: Any = _f("W", "die power during an erase", "nonnegative")
    standby_power: Any = _f("W", "die standby power", "nonnegative")
    io_energy: Any = _f("J/B", "NAND interface energy per byte", "nonnegative")
    # controller
    controller_iops: Any = _f("1/s", "controller command-processing limit", "positive_or_inf")
    controller_bandwidth: Any = _f("B/s", "controller data-path limit", "positive_or_inf")
    controller_power: Any = _f("W", "controller fixed power", "nonnegative")
    controller_energy: Any = _f("J/B", "controller data-path energy per NAND-interface byte", "nonnegative")
    command_energy: Any = _f("J", "controller energy per NVMe command", "nonnegative")
    dram_power: Any = _f("W", "DRAM power", "nonnegative")
    phy_power: Any = _f("W", "PCIe PHY power", "nonnegative")
    power_cap: Any = _f("W", "power cap")
    # capacity and mapping
    user_capacity: Any = _f("B", "user capacity")
    raw_capacity: Any = _f("B", "NAND capacity")
    reserve_fraction: Any = _f("1", "NAND held back from the FTL", "fraction_below_one")
    indirection_unit: Any = _f("B", "mapping unit")

    # -- the mapping protocol (read-only) --
    def __getitem__(self, key: str) -> Any:
        if key not in PARAMETERS:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(PARAMETERS)

    def __len__(self) -> int:
        return len(PARAMETERS)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> DriveParams:
        """A DriveParams from a mapping holding exactly its fields.

        Raises
        ------
        ValueError
            ``params: missing ...`` or ``params: unknown ...; allowed: ...``.
        """
        if isinstance(values, DriveParams):
            return values
        missing = [k for k in PARAMETERS if k not in values]
        if missing:
            raise ValueError(f"params: missing {', '.join(missing)}")
        unknown = [k for k in values if k not in PARAMETERS]
        if unknown:
            raise ValueError(f"params: unknown {unknown[0]!r}; allowed: {', '.join(PARAMETERS)}")
        return cls(**values)


#: parameter -> (units, long name): the one units glossary of the drive model's inputs
GLOSSARY: dict[str, tuple[str, str]] = {
    f.name: (f.metadata["units"], f.metadata["long_name"]) for f in fields(DriveParams)
}
#: parameter -> units
PARAMETERS: dict[str, str] = {k: u for k, (u, _) in GLOSSARY.items()}
_DOMAIN = {f.name: f.metadata["domain"] for f in fields(DriveParams)}


def check_arrays(a: Mapping[str, np.ndarray]) -> None:
    """Check unpacked parameter arrays against each field's domain and the cross-field rules.

    Raises
    ------
    ValueError
        One line naming the parameter and what is allowed.
    """
    for name, domain in _DOMAIN.items():
        unit = PARAMETERS[name] if PARAMETERS[name] != "1" else ""
        if domain == "link":
            continue
        if domain in ("positive", "positive_or_inf"):
            check_range(name, a[name], lo=0, lo_open=True, unit=unit, allow_inf=domain == "positive_or_inf")
        elif domain == "nonnegative":
            check_range(name, a[name], lo=0)
        elif domain == "fraction":
            check_range(name, a[name], lo=0, hi=1)
        else:
            check_range(name, a[name], lo=0, hi=1, hi_open=True)
    alpha = a["raw_capacity"] * (1.0 - a["reserve_fraction"]) / a["user_capacity"]
    if np.any(alpha <= 1.0):
        raise ValueError("raw_capacity: usable NAND (raw x (1 - reserve_fraction)) must exceed the user capacity")
    if np.any(np.asarray(a["independent_plane_reads"]) > np.asarray(a["planes"])):
        raise ValueError("independent_plane_reads: cannot exceed planes")
