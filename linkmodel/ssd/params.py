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
from dataclasses import MISSING, dataclass, field, fields
from typing import Any

import numpy as np

from linkmodel._array import check_range

__all__ = ["GLOSSARY", "LINK_FAMILIES", "PARAMETERS", "DriveParams", "check_arrays", "check_link_family"]

#: domains: "positive" (> 0), "positive_or_inf" (> 0, inf = no limit), "nonnegative" (>= 0),
#: "fraction" (0-1), "fraction_below_one" (0 <= x < 1), "link" (checked by the link model, which knows the
#: allowed generations, lanes and sizes). Each field also has an upper bound ``hi``: a plausible limit, an
#: order of magnitude or more beyond every bundled part and catalogue entry (e.g. tR <= 100 ms where dies
#: read in 20-100 us, 1 EB of NAND), so that a typo or 1e300 is refused instead of giving inf or NaN.
_DOMAINS = ("positive", "positive_or_inf", "nonnegative", "fraction", "fraction_below_one", "link")


def _f(units: str, long_name: str, domain: str = "positive", hi: float = np.inf, **kw) -> Any:
    assert domain in _DOMAINS
    return field(metadata={"units": units, "long_name": long_name, "domain": domain, "hi": hi}, **kw)


#: codes of the host-link family (:attr:`DriveParams.link_family`)
LINK_FAMILIES = {"pcie": 0.0, "ufs": 1.0}


@dataclass(frozen=True, eq=False)
class DriveParams(Mapping):
    """Every input of the drive model, SI units; each field a float, array or DataArray.

    :func:`linkmodel.parts.params_from_part` builds one from a spec file,
    with the provenance of every field.

    The host link's family is ``link_family``, a numeric code
    (:data:`LINK_FAMILIES`: 0 PCIe/NVMe, 1 UFS), not a string: every field
    must broadcast like the others (a sweep can put PCIe and UFS drives on one
    axis, :func:`linkmodel._array.unpack` takes numbers only), and a code keeps
    ``gen`` and ``lanes`` meaningful for both families instead of adding
    fields that are NaN for one of them. On a UFS link ``gen`` is the M-PHY
    high-speed gear (1-5) and ``lanes`` the lanes per direction (1-4); ``mps``
    and ``mrrs`` are not used there. The field defaults to 0 (PCIe) so that
    parameter sets written before it existed keep their meaning and numbers.
    """

    # host link
    gen: Any = _f("1", "PCIe generation (a UFS link: M-PHY high-speed gear)", "link")
    lanes: Any = _f("1", "PCIe lanes (a UFS link: M-PHY lanes per direction)", "link")
    mps: Any = _f("B", "PCIe Max_Payload_Size", "link")
    mrrs: Any = _f("B", "PCIe Max_Read_Request_Size", "link")
    # NAND channels and dies
    channels: Any = _f("1", "NAND channels", hi=256)
    channel_rate: Any = _f("T/s", "NAND channel transfer rate (one byte per transfer)", hi=100000000000.0)
    dies: Any = _f("1", "NAND dies", hi=1000000.0)
    planes: Any = _f("1", "planes per die", hi=64)
    page_size: Any = _f("B", "NAND page (data bytes)", hi=1048576)
    spare_fraction: Any = _f("1", "ECC/spare bytes per data byte", "nonnegative", hi=1.0)
    bits_per_cell: Any = _f("1", "bits per cell", hi=8)
    t_read: Any = _f("s", "page read (array sense) time", hi=0.1)
    t_prog: Any = _f("s", "one-shot program time", hi=1.0)
    t_erase: Any = _f("s", "block erase time", hi=10.0)
    block_pages: Any = _f("1", "pages per block per plane", hi=1000000.0)
    independent_plane_reads: Any = _f("1", "single-plane reads a die runs at once", hi=64)
    program_cache_pages: Any = _f("1", "pages per plane the cache latches take during a program", "nonnegative", hi=64)
    t_read_slc: Any = _f("s", "page read time in SLC mode", hi=0.1)
    t_prog_slc: Any = _f("s", "page program time in SLC mode", hi=1.0)
    slc_fraction: Any = _f("1", "share of host writes through an SLC cache", "fraction")
    command_time: Any = _f("s", "channel time per NAND command", "nonnegative", hi=0.001)
    # NAND power
    read_power: Any = _f("W", "die power during a multi-plane read", "nonnegative", hi=100.0)
    program_power: Any = _f("W", "die power during a program", "nonnegative", hi=100.0)
    erase_power: Any = _f("W", "die power during an erase", "nonnegative", hi=100.0)
    standby_power: Any = _f("W", "die standby power", "nonnegative", hi=10.0)
    io_energy: Any = _f("J/B", "NAND interface energy per byte", "nonnegative", hi=1e-06)
    # controller
    controller_iops: Any = _f("1/s", "controller command-processing limit", "positive_or_inf", hi=1e10)
    controller_bandwidth: Any = _f("B/s", "controller data-path limit", "positive_or_inf", hi=1e13)
    controller_power: Any = _f("W", "controller fixed power", "nonnegative", hi=1000.0)
    controller_energy: Any = _f("J/B", "controller data-path energy per NAND-interface byte", "nonnegative", hi=1e-06)
    command_energy: Any = _f("J", "controller energy per NVMe command", "nonnegative", hi=0.01)
    dram_power: Any = _f("W", "DRAM power", "nonnegative", hi=1000.0)
    phy_power: Any = _f("W", "PCIe PHY power", "nonnegative", hi=1000.0)
    power_cap: Any = _f("W", "power cap", hi=10000.0)
    # capacity and mapping
    user_capacity: Any = _f("B", "user capacity", hi=1e18)
    raw_capacity: Any = _f("B", "NAND capacity", hi=1e18)
    reserve_fraction: Any = _f("1", "NAND held back from the FTL", "fraction_below_one")
    indirection_unit: Any = _f("B", "mapping unit", hi=16777216)
    # last because they have defaults (every other field is required): a parameter set written before they existed
    # keeps its meaning. The host-link family: PCIe/NVMe unless said. Cache read: off unless said, the plain ONFI
    # READ (00h-30h) every die supports, in which the page stays in the page register until it has crossed the
    # channel (what a generic back end such as MQSim does, queueing_blocking.md §1); a part's NAND entry says
    # whether its die and controller read through a cache register (data/catalogue/nand.toml)
    link_family: Any = _f("1", "host-link family code: 0 PCIe/NVMe, 1 UFS (M-PHY, UniPro, UTP)", "link", default=0.0)
    cache_read: Any = _f(
        "1",
        "cache read: 1 the die senses on while its page crosses the channel, 0 it holds the page",
        "fraction",
        default=0.0,
    )
    # The mapping cache and the span of the reads (linkmodel.ssd.mapping): with the defaults (the whole table
    # held, as in a drive with DRAM) no read misses, so parameter sets written before them keep their numbers
    mapping_cache: Any = _f(
        "B",
        "L2P entries the controller holds (DRAM, HMB or SRAM); inf: the whole table",
        "positive_or_inf",
        hi=1e15,
        default=np.inf,
    )
    read_span: Any = _f(
        "B",
        "bytes the random reads spread over; inf: the whole user capacity",
        "positive_or_inf",
        hi=1e18,
        default=np.inf,
    )

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
        missing = [k for k in PARAMETERS if k not in values and k not in _DEFAULTS]
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
_HI = {f.name: f.metadata["hi"] for f in fields(DriveParams)}
_DEFAULTS = {f.name for f in fields(DriveParams) if f.default is not MISSING}


def check_link_family(value) -> None:
    """Raise a one-line ValueError unless every ``link_family`` is a code of :data:`LINK_FAMILIES` (0, 1)."""
    v = np.asarray(value, dtype=float)
    if np.any(~np.isin(v, tuple(LINK_FAMILIES.values()))):
        bad = v[~np.isin(v, tuple(LINK_FAMILIES.values()))].flat[0]
        raise ValueError(f"link_family: {bad:g} not allowed; allowed: 0 (PCIe/NVMe), 1 (UFS)")


def check_arrays(a: Mapping[str, np.ndarray]) -> None:
    """Check unpacked parameter arrays against each field's domain and the cross-field rules.

    Raises
    ------
    ValueError
        One line naming the parameter and what is allowed.
    """
    check_link_family(a["link_family"])
    for name, domain in _DOMAIN.items():
        unit = PARAMETERS[name] if PARAMETERS[name] != "1" else ""
        if domain == "link":
            continue
        hi = _HI[name] if np.isfinite(_HI[name]) else None
        if (
            hi is not None
            and np.any(np.asarray(a[name]) > hi)
            and not (domain == "positive_or_inf" and np.all(np.isinf(np.asarray(a[name])[np.asarray(a[name]) > hi])))
        ):
            check_range(name, a[name], lo=0, hi=hi, unit=unit, allow_inf=domain == "positive_or_inf")
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
