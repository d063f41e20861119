"""From a part spec file (+ the shared catalogue) to drive-model parameters.

Every parameter the drive model needs comes from exactly one place, and
:func:`params_from_part` says which: a fact of the part, an assumption of the
part (with its basis), a catalogue value (shared by every part using that
NAND or controller), or a shared default of this module (an assumption
applied to every part alike, with its basis). There are no per-part tuning
knobs.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np

from linkmodel.parts.files import CatalogueEntry, Part, SpecError, catalogue, same_capacity
from linkmodel.ssd import nand as _nand
from linkmodel.ssd.params import DriveParams


@dataclass(frozen=True)
class Shared:
    """A shared default: its value (SI) and basis."""

    value: float
    basis: str


#: Shared defaults, applied to every part that does not give the value itself.
SHARED = {
    "mps_gen5_plus": Shared(
        512.0,
        "ASSUMPTION: vendors' benchmark hosts run MPS >= 512 B on Gen5/Gen6 (published "
        "Gen5 x4 figures of 14.5-14.8 GB/s and Gen6 x4 figures of 28-28.4 GB/s exceed the "
        "MPS-256 ceilings of 14.36 and 27.66 GB/s; flit-capable ports support >= 512 B). "
        "Inferred from published sequential-read figures, so agreement on those figures "
        "is not independent evidence for the link model",
    ),
    "mps_older": Shared(256.0, "ASSUMPTION: common server setting below Gen5"),
    "mrrs": Shared(512.0, "PCIe Device Control reset value [SPEC62 ch7]"),
    "reserve_fraction": Shared(
        0.02,
        "ASSUMPTION: NAND held back from the FTL (bad-block spares, parity, metadata, "
        "GC free blocks); basis: the Micron 9550 MAX 3.2 TB sequential/random TBW "
        "ratio 2.12 implies uniform-random WAF at alpha_eff = 1.352 vs alpha = 1.374 "
        "(1.6 % held back), rounded up. One SKU's ratio only: uncertain by about its "
        "own size",
    ),
    "dram_per_nand_byte": Shared(
        1 / 1000,
        "~1 B of DRAM per 1 KB of NAND at a 4 KiB indirection unit (4-byte "
        "entry per 4 KiB; Micron IU blog, reference ssd_modeling.md §3.4)",
    ),
    "dram_power_per_byte": Shared(
        0.054 / 2**30,
        "ASSUMPTION: 0.054 W per GiB of DRAM: SimpleSSD's DDR IDD0 of 40 mA "
        "at 1.35 V per 8 Gb (1 GiB) device (ssd_modeling.md §6.1); an SSD's "
        "mapping-table traffic keeps DRAM near activate/precharge current",
    ),
    "phy_energy_per_bit": Shared(
        5e-12,
        "ASSUMPTION: 5 pJ/bit for a complete PCIe Gen5/Gen6 PHY lane-direction "
        "(TX+RX+CDR+PLL), mid of the 4-8 pJ/b budget range in ssd_modeling.md §6.3; "
        "an L0 link burns it at full rate whatever the traffic",
    ),
    "indirection_unit_tlc": Shared(
        4096.0,
        "ASSUMPTION: 4 KiB mapping unit on TLC enterprise drives (4 KiB random "
        "write figures without read-modify-write)",
    ),
    "slc_fraction": Shared(
        0.0,
        "no SLC write cache: enterprise drives publish steady-state write figures with "
        "none, and a part with one says so in its spec file (slc_cache)",
    ),
    "indirection_unit_qlc": Shared(
        16384.0,
        "large QLC drives map 16 KiB or more to bound DRAM (Micron IU blog; QLC random-write figures quoted at 16 KiB)",
    ),
}

#: Catalogue NAND field -> drive parameter name (same name unless listed).
_NAND_PARAMS = (
    "planes",
    "page_size",
    "spare_fraction",
    "t_read",
    "t_prog",
    "t_erase",
    "block_pages",
    "independent_plane_reads",
    "program_cache_pages",
    "command_time",
    "read_power",
    "erase_power",
    "standby_power",
    "io_energy",
    "t_read_slc",
    "t_prog_slc",
)


@dataclass(frozen=True)
class Provenance:
    """Where one drive parameter came from."""

    source: str  # "fact", "fact (secondary source)", "assumed", "catalogue", "part file" (its own [[nand]] or
    #              [[controller]]), "shared", "derived", "calibrated"
    detail: str


def lookup(table: dict[str, CatalogueEntry], key: str, part: Part, kind: str) -> CatalogueEntry:
    """The part file's own ``[[nand]]``/``[[controller]]`` entry of that id, else the catalogue's."""
    own = part.inline.get(kind, {})
    if key in own:
        if key in table:
            raise SpecError(
                f"{part.path}: {kind}: the file's own entry {key!r} has a catalogue id; give it another "
                f"id, or drop it to use the catalogue's"
            )
        return own[key]
    if key not in table:
        extra = f"; the file's own: {', '.join(sorted(own))}" if own else ""
        raise SpecError(f"{part.path}: {kind}: unknown catalogue id {key!r}; known: {', '.join(sorted(table))}" + extra)
    return table[key]


CELL_MODES = ("native", "slc")


def nand_id(part: Part, capacity: float | None = None) -> str:
    """The NAND catalogue id of one SKU: ``nand_by_capacity`` where it lists the SKU, else ``nand``."""
    cap = part.get("capacity") if capacity is None else float(capacity)
    by_cap = part.get("nand_by_capacity") if "nand_by_capacity" in part.fields else {}
    for c, nid in by_cap.items():
        if same_capacity(c, cap):
            return nid
    return part.get("nand")


def power_states(part: Part):
    """The part's NVMe operational power states as a ``power_state`` DataArray [W].

    Pass it as ``power_cap`` to :func:`linkmodel.ssd.drive.predict` to get every
    prediction per power state. Without a ``power_states`` field, the part's
    ``power_cap`` is its only state (PS0).

    Returns
    -------
    xarray.DataArray
        Dimension ``power_state`` with coordinates ``"PS0"``, ``"PS1"``, ... [W].
    """
    import xarray as xr

    caps = part.get("power_states") or (part.get("power_cap"),)
    return xr.DataArray(
        list(caps),
        dims="power_state",
        coords={"power_state": [f"PS{i}" for i in range(len(caps))]},
        attrs={"units": "W", "long_name": "maximum power of the NVMe power state"},
    )


def params_from_part(
    part: Part,
    capacity: float | None = None,
    cat=None,
    constants: dict | None = None,
    cell_mode: str = "native",
    power_state: int | None = None,
    *,
    nand: str | None = None,
    controller: str | None = None,
    gen: int | None = None,
    lanes: int | None = None,
):
    """Drive-model parameters for one SKU of a part, and their provenance.

    Parameters
    ----------
    part : Part
        From :func:`linkmodel.parts.load_part`.
    capacity : float, optional
        User capacity of the SKU [B]; default the part's headline capacity.
    cat : dict, optional
        Catalogue (default :func:`linkmodel.parts.catalogue`).
    constants : dict, optional
        Override the calibrated shared constants ``program_power`` [W],
        ``controller_fixed_fraction`` [1], ``controller_energy`` (the
        un-itemised data-path energy) [J/B] and ``command_energy`` [J per
        NVMe command] (scalars or DataArrays; used by
        :mod:`linkmodel.studies.calibrate` to evaluate its grid).
    power_state : int, optional
        Hold the drive to NVMe power state ``PS<power_state>`` of the part's
        ``power_states`` list instead of its ``power_cap``.
    cell_mode : {"native", "slc"}
        ``"slc"`` runs every die in SLC mode (one bit per cell, the catalogue's
        ``t_read_slc`` and ``t_prog_slc``) on the SKU's own dies: NAND and
        user capacity are a third (TLC) or a quarter (QLC) of native, with the
        same over-provisioning ratio. The write ceilings are then those of an
        SLC-mode drive or the burst ceiling of an SLC cache.
    nand, controller : str, optional
        What-if: build the SKU from this NAND or controller catalogue id
        instead of the part's (dies re-derived from the raw capacity).
    gen, lanes : int, optional
        What-if: give the SKU this PCIe link instead of the part's. A link
        beyond the controller's host interface is taken as the same
        controller design with that interface (ASSUMPTION): its data-path
        power then reaches its full-load figure at the new link's line rate.

    Returns
    -------
    params : dict
        Keys of :data:`linkmodel.ssd.drive.PARAMETERS`, SI floats.
    provenance : dict
        Parameter -> :class:`Provenance`.
    """
    cat = catalogue() if cat is None else cat
    whatif_link = {k: v for k, v in (("gen", gen), ("lanes", lanes)) if v is not None}
    nand_override = nand
    nand = lookup(cat["nand"], nand_id(part, capacity) if nand is None else nand, part, "nand")
    ctrl = lookup(cat["controller"], part.get("controller") if controller is None else controller, part, "controller")
    prov: dict[str, Provenance] = {}
    params: dict[str, float] = {}

    def from_part(key, name=None):
        v = part.fields[key]
        params[name or key] = float(v.value)
        prov[name or key] = Provenance(_kind(v), v.basis)

    # the part's choice of NAND or controller may itself be an assumption (or a what-if): then so is every
    # value it brings, whatever the catalogue says of the entry
    chosen_assumed = {
        "nand": nand_override is not None
        or part.fields["nand"].assumed
        or ("nand_by_capacity" in part.fields and part.fields["nand_by_capacity"].assumed),
        "controller": controller is not None or part.fields["controller"].assumed,
    }

    def entry_assumed(entry: CatalogueEntry, key) -> bool:
        return chosen_assumed[entry.kind] or entry.fields[key].assumed

    def cat_source(entry: CatalogueEntry) -> str:  # the file's own [[nand]] / [[controller]], or the catalogue's
        return "part file" if entry.path == part.path else "catalogue"

    def from_cat(entry: CatalogueEntry, key, name=None):
        v = entry.fields[key]
        params[name or key] = float(v.value)
        marked = not entry_assumed(entry, key) or "ASSUMPTION" in v.basis.upper()
        why = (
            f"ASSUMPTION: the part's {entry.kind} is assumed; "
            if chosen_assumed[entry.kind] and "ASSUMPTION" not in v.basis.upper()
            else ""
            if marked
            else "ASSUMPTION: "
        )
        prov[name or key] = Provenance(cat_source(entry), f"{entry.kind} {entry.id}: " + why + v.basis)

    def _kind(v):
        return "assumed" if v.assumed else ("fact (secondary source)" if v.secondary else "fact")

    def shared(name, key):
        params[name] = SHARED[key].value
        prov[name] = Provenance("shared", SHARED[key].basis)

    from_part("gen")
    from_part("lanes")
    for key, v in whatif_link.items():
        from linkmodel.pcie import phy as _phy

        try:
            (_phy.check_gen if key == "gen" else _phy.check_lanes)(v)
        except ValueError as e:
            raise SpecError(f"{part.path}: what-if {e}") from None
        params[key] = float(v)
        prov[key] = Provenance("assumed", f"what-if: {key} {v} instead of the part's {part.get(key):g}")
    if "mps" in part.fields:
        from_part("mps")
    else:
        shared("mps", "mps_gen5_plus" if params["gen"] >= 5 else "mps_older")
    if "mrrs" in part.fields:
        from_part("mrrs")
    else:
        shared("mrrs", "mrrs")

    # channels and their rate (a what-if controller brings its own channels and channel rate)
    if "channels" in part.fields and controller is None:
        from_part("channels")
    else:
        from_cat(ctrl, "channels")
    if "channel_rate" in part.fields and controller is None and nand_override is None:
        from_part("channel_rate")
    else:
        rate = min(ctrl.get("max_channel_rate"), nand.get("interface_rate"))
        params["channel_rate"] = rate
        assumed_in = [
            f"{e.kind} {e.id}'s {k}"
            for e, k in ((ctrl, "max_channel_rate"), (nand, "interface_rate"))
            if entry_assumed(e, k)
        ]
        prov["channel_rate"] = Provenance(
            "derived",
            f"min(controller {ctrl.id} max {ctrl.get('max_channel_rate') / 1e6:g} "
            f"MT/s, NAND {nand.id} interface {nand.get('interface_rate') / 1e6:g} MT/s)"
            + (f"; ASSUMPTION: {', '.join(assumed_in)} assumed" if assumed_in else ""),
        )

    # capacity, raw capacity, dies
    headline = part.get("capacity")
    cap = headline if capacity is None else float(capacity)
    params["user_capacity"] = cap
    if capacity is None or same_capacity(cap, headline):
        prov["user_capacity"] = Provenance(_kind(part.fields["capacity"]), part.fields["capacity"].basis)
    else:
        prov["user_capacity"] = Provenance("fact", "SKU capacity of a published figure")
    if "raw_capacity" in part.fields and same_capacity(cap, headline):
        from_part("raw_capacity")
    elif "raw_capacity" in part.fields:
        params["raw_capacity"] = part.get("raw_capacity") * cap / headline
        prov["raw_capacity"] = Provenance("derived", "the part's raw/user ratio applied to this SKU")
    else:
        params["raw_capacity"] = float(_nand.raw_capacity_rule(cap))
        prov["raw_capacity"] = Provenance("shared", _nand.RAW_CAPACITY_RULE_BASIS)
    die_cap = nand.get("die_capacity")
    params["dies"] = float(_nand.dies(params["raw_capacity"], die_cap))
    prov["dies"] = Provenance("derived", f"raw capacity / {die_cap * 8 / 2**30:g} Gibit dies ({nand.id})")
    if params["raw_capacity"] < die_cap * (1.0 - 1e-9):
        raise SpecError(
            f"{part.path}: capacity {cap / 1e12:g} TB needs {params['raw_capacity'] / 1e12:.4g} TB of NAND, "
            f"less than one {die_cap * 8 / 2**30:g} Gibit die of {nand.id}"
        )
    if params["dies"] < params["channels"]:
        if prov["channels"].source.startswith(("fact", "assumed")):
            raise SpecError(
                f"{part.path}: channels: {params['channels']:g} channels but capacity {cap / 1e12:g} TB "
                f"has only {params['dies'] + 0.0:g} dies of {nand.id} (at least one die per channel)"
            )
        # a small SKU populates only as many of the controller's channels as it has dies
        prov["channels"] = Provenance(
            "derived",
            f"{params['dies'] + 0.0:g} dies of {nand.id} populate "
            f"{params['dies'] + 0.0:g} of controller {ctrl.id}'s {params['channels']:g} "
            "channels (one die per channel)",
        )
        params["channels"] = params["dies"]

    # the link cannot be faster or wider than the controller's host interface
    for key in ("gen", "lanes"):
        if key in ctrl.fields and params[key] > float(ctrl.get(key)) and key not in whatif_link:
            raise SpecError(
                f"{part.path}: {key}: {params[key]:g} exceeds controller {ctrl.id}'s {key} {float(ctrl.get(key)):g}"
            )

    # NAND die parameters
    for key in _NAND_PARAMS:
        from_cat(nand, key)
    from linkmodel.parts.calibration import stored

    calibrated = dict(stored(), **(constants or {}))
    if "program_power" in nand.fields:
        from_cat(nand, "program_power")
    else:
        params["program_power"] = calibrated["program_power"]
        prov["program_power"] = Provenance(
            "calibrated", "shared die program power, calibrated once for all parts (data/catalogue/calibration.toml)"
        )
    bits = _nand.BITS_PER_CELL[nand.get("cell")]
    params["bits_per_cell"] = float(bits)
    prov["bits_per_cell"] = Provenance(cat_source(nand), f"nand {nand.id}: {nand.get('cell')}")
    if cell_mode not in CELL_MODES:
        raise ValueError(f"cell_mode: {cell_mode!r} not allowed; allowed: {', '.join(CELL_MODES)}")
    if cell_mode == "slc" and bits > 1:
        for key, name in (("t_read_slc", "t_read"), ("t_prog_slc", "t_prog")):
            from_cat(nand, key, name)
        params["bits_per_cell"] = 1.0
        prov["bits_per_cell"] = Provenance("derived", f"SLC mode of {nand.get('cell')} nand {nand.id}")
        params["raw_capacity"] = params["raw_capacity"] / bits
        prov["raw_capacity"] = Provenance("derived", f"native raw capacity / {bits} bits per cell (SLC mode)")
        params["user_capacity"] = params["user_capacity"] / bits
        prov["user_capacity"] = Provenance(
            "derived", f"SKU capacity / {bits}: the same dies in SLC mode, same over-provisioning ratio"
        )

    # controller
    for key, name, default in (
        ("iops_limit", "controller_iops", np.inf),
        ("bandwidth_limit", "controller_bandwidth", np.inf),
    ):
        if key in ctrl.fields:
            from_cat(ctrl, key, name)
        else:
            params[name] = default
            prov[name] = Provenance(
                cat_source(ctrl), f"controller {ctrl.id}: no published limit, not modelled as binding"
            )
    # The catalogue's controller power is its power at full load moving data (sequential transfers at its line
    # rate); the work per NVMe command (command_energy, calibrated) comes on top of it at small-block rates,
    # where commands per byte are 32x those of 128 KiB transfers. A shared fraction f of it is fixed (cores,
    # clocks, SRAM, leakage: drawn at idle too); the rest, (1 - f) x P, is its data path (ECC, buffers, DMA),
    # spent per byte crossing its NAND interface and reaching P at its host interface's line rate in one
    # direction (the controller's gen and lanes, else the part's). A second shared constant, e, is the
    # per-byte energy the model does not itemise elsewhere (DRAM buffer traffic, NAND I/O beyond io_energy).
    # f and e are calibrated once for all parts: f against published idle power, e (with the die program
    # power) against published power-sensitive figures (data/catalogue/calibration.toml).
    from linkmodel.pcie import phy

    p_full = float(ctrl.get("active_power"))
    c_gen = int(ctrl.get("gen")) if "gen" in ctrl.fields else int(params["gen"])
    c_lanes = int(ctrl.get("lanes")) if "lanes" in ctrl.fields else int(params["lanes"])
    b_full = float(phy.line_rate(c_gen, c_lanes))
    if whatif_link and float(phy.line_rate(int(params["gen"]), int(params["lanes"]))) > b_full:
        # a what-if link faster than the controller's host interface: the same design with that interface
        c_gen, c_lanes = int(params["gen"]), int(params["lanes"])
        b_full = float(phy.line_rate(c_gen, c_lanes))
    f = calibrated["controller_fixed_fraction"]
    params["controller_power"] = f * p_full
    params["controller_energy"] = (1.0 - f) * p_full / b_full + calibrated["controller_energy"]
    basis = ctrl.fields["active_power"]
    src = f"controller {ctrl.id}: " + ("ASSUMPTION: " if basis.assumed else "") + basis.basis
    prov["controller_power"] = Provenance(
        "calibrated",
        f"fixed share f of its {p_full:g} W full-load power ({src}); "
        "f shared by all parts, calibrated on published idle power",
    )
    params["command_energy"] = calibrated["command_energy"]
    prov["command_energy"] = Provenance(
        "calibrated",
        "the controller's energy per NVMe command (command fetch, "
        "FTL lookup, completion, interrupt), shared by all parts, calibrated on "
        "published random-read and power figures",
    )
    prov["controller_energy"] = Provenance(
        "calibrated",
        f"(1 - f) x {p_full:g} W / {b_full / 1e9:.4g} GB/s (Gen{c_gen} "
        f"x{c_lanes} line rate: full load, ASSUMPTION) + the shared un-itemised "
        "data-path energy per byte (calibrated)",
    )

    # DRAM, PHY, power cap, reserve, IU
    if "indirection_unit" in part.fields:
        from_part("indirection_unit")
    else:
        shared("indirection_unit", "indirection_unit_qlc" if bits >= 4 else "indirection_unit_tlc")
    if "dram" in part.fields:
        dram = part.get("dram")
        dram_basis = "part"
    else:
        dram = params["raw_capacity"] * SHARED["dram_per_nand_byte"].value * 4096.0 / params["indirection_unit"]
        dram_basis = SHARED["dram_per_nand_byte"].basis
    params["dram_power"] = dram * SHARED["dram_power_per_byte"].value
    prov["dram_power"] = Provenance(
        "shared", f"{dram / 2**30:.1f} GiB DRAM ({dram_basis}) x " + SHARED["dram_power_per_byte"].basis
    )
    line_bits = float(phy.line_rate(int(params["gen"]), int(params["lanes"]))) * 8
    params["phy_power"] = 2 * line_bits * SHARED["phy_energy_per_bit"].value
    prov["phy_power"] = Provenance("shared", "both directions at the line rate x " + SHARED["phy_energy_per_bit"].basis)
    from_part("power_cap")
    if power_state is not None:
        states = part.get("power_states")
        if not states:
            raise SpecError(f"{part.path}: power_state: the part lists no power_states")
        if isinstance(power_state, bool) or not isinstance(power_state, int) or not 0 <= power_state < len(states):
            raise SpecError(
                f"{part.path}: power_state: {power_state!r} not allowed; allowed: 0-{len(states) - 1} "
                f"(PS0-PS{len(states) - 1})"
            )
        params["power_cap"] = float(states[power_state])
        v = part.fields["power_states"]
        prov["power_cap"] = Provenance(_kind(v), f"NVMe power state PS{power_state}: {v.basis}")
    shared("reserve_fraction", "reserve_fraction")
    if cell_mode == "slc":
        params["slc_fraction"] = 0.0
        prov["slc_fraction"] = Provenance("derived", "SLC mode: every write is already an SLC program")
    elif "slc_cache" in part.fields:
        from_part("slc_cache", "slc_fraction")
        if not 0.0 <= params["slc_fraction"] <= 1.0:
            raise SpecError(
                f"{part.path}: slc_cache: {params['slc_fraction']:g} out of range; must be a share of "
                "host writes between 0 and 1"
            )
    else:
        shared("slc_fraction", "slc_fraction")
    return DriveParams.from_mapping(params), prov


@contextlib.contextmanager
def about(part: Part, capacity: float | None = None):
    """Re-raise a model's ValueError as a SpecError naming the part's file and SKU.

    A spec file can hold values that load fine one by one but make no drive
    together (a power cap below the static power, say); the user then needs to
    know which file and capacity it was.
    """
    try:
        yield
    except SpecError:
        raise
    except ValueError as exc:
        sku = f" ({capacity / 1e12:g} TB SKU)" if capacity is not None else ""
        raise SpecError(f"{part.path}{sku}: {exc}") from None
