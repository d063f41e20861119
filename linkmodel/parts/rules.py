"""The resolution rules: for every drive parameter, in order, the resolvers tried in turn.

Each resolver takes the :class:`~linkmodel.parts.resolve.Context` and answers
``(value, Provenance)`` or None (not mine to give). The kinds, in the order a
rule lists them: a mode or what-if override, the part's own fact or
assumption, the catalogue (the SKU's NAND or controller entry), a shared
default, a calibrated constant, or a value derived from parameters resolved
before it (``ctx.values``). Rules run in the order of :data:`RULES`, so a
derived parameter comes after what it rests on. A resolver reading a field of
:data:`BROADCAST_FIELDS` takes an array of its values as well as one value
(the draws resolve a SKU once with them; tests/parts/test_draws_vectorised.py).
"""

from __future__ import annotations

import numpy as np

from linkmodel._typing import CellMode
from linkmodel.parts import hostlink
from linkmodel.parts.files import Part, SpecError, catalogue, same_capacity
from linkmodel.parts.resolve import (
    Context,
    Resolved,
    Resolver,
    context,
    from_entry,
    g,
    number,
    resolve,
    shared,
    value_kind,
)
from linkmodel.parts.shared import SHARED, Provenance
from linkmodel.ssd import mapping as _mapping
from linkmodel.ssd import nand as _nand
from linkmodel.ssd.params import DriveParams

__all__ = ["BROADCAST_FIELDS", "NAND_PARAMS", "RULES", "params_from_part"]


# ---------------------------------------------------------------------------
# resolver kinds
# ---------------------------------------------------------------------------


def fact(key: str | None = None, unless: tuple[str, ...] = ()) -> Resolver:
    """The part's own value of ``key`` (default: the parameter's name), unless one of the what-ifs ``unless`` is set."""

    def res(ctx: Context, name: str) -> Resolved | None:
        k = key or name
        if k not in ctx.part.fields or any(w in ctx.whatif for w in unless):
            return None
        v = ctx.part.fields[k]
        return number(v.value), Provenance(value_kind(v), v.basis)

    return res


def entry(kind: str, key: str | None = None) -> Resolver:
    """The SKU's NAND or controller entry's ``key`` (default: the parameter's name), where it has one."""

    def res(ctx: Context, name: str) -> Resolved | None:
        e = ctx.entry(kind)
        k = key or name
        return from_entry(ctx, e, k) if k in e.fields else None

    return res


def default(shared_key) -> Resolver:
    """A shared default; ``shared_key`` is a key of :data:`~linkmodel.parts.shared.SHARED` or picks one."""

    def res(ctx: Context, name: str) -> Resolved | None:
        return shared(shared_key(ctx) if callable(shared_key) else shared_key)

    return res


def derived(func) -> Resolver:
    """A value computed by ``func(ctx)`` from the context and the parameters resolved so far."""

    def res(ctx: Context, name: str) -> Resolved | None:
        return func(ctx)

    return res


# ---------------------------------------------------------------------------
# overrides, derivations and checks
# ---------------------------------------------------------------------------


def _channel_rate(ctx: Context) -> Resolved:
    ctrl, nand = ctx.ctrl, ctx.nand
    most, interface = number(ctrl.get("max_channel_rate")), number(nand.get("interface_rate"))
    rate = min(most, interface) if np.ndim(most) == np.ndim(interface) == 0 else np.minimum(most, interface)
    assumed_in = [
        f"{e.kind} {e.id}'s {k}"
        for e, k in ((ctrl, "max_channel_rate"), (nand, "interface_rate"))
        if ctx.entry_assumed(e, k)
    ]
    return rate, Provenance(
        "derived",
        f"min(controller {ctrl.id} max {g(most / 1e6)} MT/s, NAND {nand.id} interface {g(interface / 1e6)} MT/s)"
        + (f"; ASSUMPTION: {', '.join(assumed_in)} assumed" if assumed_in else ""),
    )


def _sku(ctx: Context) -> tuple[float, float]:
    """(SKU user capacity, headline capacity) [B]."""
    headline = ctx.part.get("capacity")
    return (headline if ctx.capacity is None else float(ctx.capacity)), headline


def _slc(ctx: Context) -> bool:
    return ctx.cell_mode == "slc" and ctx.bits > 1


def _user_capacity(ctx: Context) -> Resolved:
    cap, headline = _sku(ctx)
    if _slc(ctx):
        b = ctx.bits
        return cap / b, Provenance(
            "derived", f"SKU capacity / {b}: the same dies in SLC mode, same over-provisioning ratio"
        )
    if ctx.capacity is None or same_capacity(cap, headline):
        v = ctx.part.fields["capacity"]
        return cap, Provenance(value_kind(v), v.basis)
    return cap, Provenance("fact", "SKU capacity of a published figure")


def _native_raw(ctx: Context) -> Resolved:
    cap, headline = _sku(ctx)
    f = ctx.part.fields
    if "raw_capacity" in f and same_capacity(cap, headline):
        return float(f["raw_capacity"].value), Provenance(value_kind(f["raw_capacity"]), f["raw_capacity"].basis)
    if "raw_capacity" in f:
        return ctx.part.get("raw_capacity") * cap / headline, Provenance(
            "derived", "the part's raw/user ratio applied to this SKU"
        )
    return float(_nand.raw_capacity_rule(cap)), Provenance("shared", _nand.RAW_CAPACITY_RULE_BASIS)


def _raw_capacity(ctx: Context) -> Resolved:
    raw, prov = _native_raw(ctx)
    if _slc(ctx):
        b = ctx.bits
        return raw / b, Provenance("derived", f"native raw capacity / {b} bits per cell (SLC mode)")
    return raw, prov


def _dies(ctx: Context) -> Resolved:
    """Whole dies of the SKU's NAND for its native raw capacity; refuses a capacity below one die."""
    raw, _ = _native_raw(ctx)
    nand, die_cap = ctx.nand, ctx.nand.get("die_capacity")
    if raw < die_cap * (1.0 - 1e-9):
        cap, _ = _sku(ctx)
        raise SpecError(
            f"{ctx.part.path}: capacity {cap / 1e12:g} TB needs {raw / 1e12:.4g} TB of NAND, "
            f"less than one {die_cap * 8 / 2**30:g} Gibit die of {nand.id}"
        )
    return float(_nand.dies(raw, die_cap)), Provenance(
        "derived", f"raw capacity / {die_cap * 8 / 2**30:g} Gibit dies ({nand.id})"
    )


def _channels(ctx: Context) -> Resolved:
    """The part's channels (unless a what-if controller brings its own), else the controller's; a small SKU
    populates only as many channels as it has dies."""
    value, prov = fact(unless=("controller",))(ctx, "channels") or from_entry(ctx, ctx.ctrl, "channels")
    own = prov.source.startswith(("fact", "assumed"))  # the part's own figure, not its controller's
    most = float(ctx.ctrl.get("channels"))
    if own and value > most:
        raise SpecError(
            f"{ctx.part.path}: channels: {value:g} exceeds controller {ctx.ctrl.id}'s {most:g} channels "
            "(a drive uses at most its controller's channels)"
        )
    dies = ctx.values["dies"]
    if dies >= value:
        return value, prov
    if own:
        cap, _ = _sku(ctx)
        raise SpecError(
            f"{ctx.part.path}: channels: {value:g} channels but capacity {cap / 1e12:g} TB "
            f"has only {dies + 0.0:g} dies of {ctx.nand.id} (at least one die per channel)"
        )
    return dies, Provenance(
        "derived",
        f"{dies + 0.0:g} dies of {ctx.nand.id} populate {dies + 0.0:g} of controller {ctx.ctrl.id}'s {value:g} "
        "channels (one die per channel)",
    )


def slc_mode(key: str) -> Resolver:
    """In SLC mode, the NAND entry's SLC-mode time ``key`` (``t_read_slc``, ``t_prog_slc``)."""

    def res(ctx: Context, name: str) -> Resolved | None:
        return from_entry(ctx, ctx.nand, key) if _slc(ctx) else None

    return res


def _bits(ctx: Context) -> Resolved:
    cell = ctx.nand.get("cell")
    if _slc(ctx):
        return 1.0, Provenance("derived", f"SLC mode of {cell} nand {ctx.nand.id}")
    return float(ctx.bits), Provenance(ctx.entry_source(ctx.nand), f"nand {ctx.nand.id}: {cell}")


def _program_power(ctx: Context) -> Resolved:
    return ctx.calibrated["program_power"], Provenance(
        "calibrated", "shared die program power, calibrated once for all parts (data/catalogue/calibration.toml)"
    )


def no_limit(ctx: Context, name: str) -> Resolved:
    """No published controller limit: not modelled as binding (inf)."""
    c = ctx.ctrl
    return np.inf, Provenance(ctx.entry_source(c), f"controller {c.id}: no published limit, not modelled as binding")


# The catalogue's controller power is its power at full load moving data (sequential transfers at its line
# rate); the work per NVMe command (command_energy, calibrated) comes on top of it at small-block rates,
# where commands per byte are 32x those of 128 KiB transfers. A shared fraction f of it is fixed (cores,
# clocks, SRAM, leakage: drawn at idle too); the rest, (1 - f) x P, is its data path (ECC, buffers, DMA),
# spent per byte crossing its NAND interface and reaching P at its host interface's line rate in one
# direction (the controller's gen and lanes, else the part's). A second shared constant, e, is the
# per-byte energy the model does not itemise elsewhere (DRAM buffer traffic, NAND I/O beyond io_energy).
# f and e are calibrated once for all parts: f against published idle power, e (with the die program
# power) against published power-sensitive figures (data/catalogue/calibration.toml).


def _controller_power(ctx: Context) -> Resolved:
    hostlink.check_link_within_controller(ctx)
    p_full = number(ctx.ctrl.get("active_power"))
    basis = ctx.ctrl.fields["active_power"]
    src = f"controller {ctx.ctrl.id}: " + ("ASSUMPTION: " if basis.assumed else "") + basis.basis
    return ctx.calibrated["controller_fixed_fraction"] * p_full, Provenance(
        "calibrated",
        f"fixed share f of its {g(p_full)} W full-load power ({src}); "
        "f shared by all parts, calibrated on published idle power",
    )


def _controller_energy(ctx: Context) -> Resolved:
    p_full = number(ctx.ctrl.get("active_power"))
    label, b_full = hostlink.controller_interface(ctx)
    f = ctx.calibrated["controller_fixed_fraction"]
    return (1.0 - f) * p_full / b_full + ctx.calibrated["controller_energy"], Provenance(
        "calibrated",
        f"(1 - f) x {g(p_full)} W / {b_full / 1e9:.4g} GB/s ({label} "
        f"line rate: full load, ASSUMPTION) + the shared un-itemised "
        "data-path energy per byte (calibrated)",
    )


def _command_energy(ctx: Context) -> Resolved:
    return ctx.calibrated["command_energy"], Provenance(
        "calibrated",
        "the controller's energy per NVMe command (command fetch, "
        "FTL lookup, completion, interrupt), shared by all parts, calibrated on "
        "published random-read and power figures",
    )


def _dram_power(ctx: Context) -> Resolved:
    if ctx.part.get("dramless"):
        v = ctx.part.fields["dramless"]
        hmb = ctx.part.get("hmb")
        host = f"; its mapping cache is {hmb / 2**20:g} MiB of host memory (HMB)" if hmb else ""
        return 0.0, Provenance(value_kind(v), f"no DRAM on the drive ({v.basis}){host}")
    if "dram" in ctx.part.fields:
        dram, dram_basis = ctx.part.get("dram"), "part"
    else:
        per = SHARED["dram_per_nand_byte"]
        dram = ctx.values["raw_capacity"] * per.value * 4096.0 / ctx.values["indirection_unit"]
        dram_basis = per.basis
    w = SHARED["dram_power_per_byte"]
    return dram * w.value, Provenance("shared", f"{dram / 2**30:.1f} GiB DRAM ({dram_basis}) x " + w.basis)


def _mapping_cache(ctx: Context) -> Resolved:
    """Bytes of L2P entries the controller holds [B] (:mod:`linkmodel.ssd.mapping`): inf with DRAM (the whole
    table), else the part's ``mapping_cache``, its ``hmb``, or the shared SRAM assumption."""
    if not ctx.part.get("dramless"):
        if "mapping_cache" in ctx.part.fields:
            raise SpecError(
                f"{ctx.part.path}: mapping_cache: a drive with DRAM holds its whole mapping table; "
                "set dramless = true with it"
            )
        return np.inf, Provenance(
            "derived", "the whole mapping table in the drive's DRAM (sized 1 B per 1 KB of NAND for it): no misses"
        )
    f = ctx.part.fields
    table = float(_mapping.table_bytes(ctx.values["user_capacity"], ctx.values["indirection_unit"]))
    whole = f"; the whole table is {table / 2**20:.4g} MiB (4 B per {ctx.values['indirection_unit'] / 1024:g} KiB)"
    for key, what in (("mapping_cache", "mapping entries held"), ("hmb", "host memory buffer (HMB) as map cache")):
        if key in f:
            return float(f[key].value), Provenance(value_kind(f[key]), f"{what}: {f[key].basis}{whole}")
    return _mapping.SRAM_MAPPING_CACHE, Provenance(
        "shared",
        f"{_mapping.SRAM_MAPPING_CACHE / 1024:g} KiB of controller SRAM (linkmodel.ssd.mapping.SRAM_MAPPING_CACHE, "
        f"ASSUMPTION: no size published; plausible 128 KiB - 2 MiB){whole}",
    )


def _read_span(ctx: Context) -> Resolved:
    return np.inf, Provenance(
        "shared",
        "random reads over the whole user capacity, as vendors test (full span); a study sets the "
        "workload's own span (e.g. the weights an edge model reads)",
    )


def _phy_power(ctx: Context) -> Resolved:
    fam = hostlink.family(ctx.part)
    line_bits = hostlink.raw_line_rate(fam, ctx.values["gen"], ctx.values["lanes"]) * 8
    e = SHARED["phy_energy_per_bit"]
    ufs = "; ASSUMPTION: the PCIe PHY's energy per bit applied to M-PHY (no M-PHY figure)" if fam == "ufs" else ""
    return 2 * line_bits * e.value, Provenance("shared", "both directions at the line rate x " + e.basis + ufs)


def _power_state(ctx: Context) -> Resolved | None:
    ps, part = ctx.power_state, ctx.part
    if ps is None:
        return None
    states = part.get("power_states")
    if not states:
        raise SpecError(f"{part.path}: power_state: the part lists no power_states")
    if isinstance(ps, bool) or not isinstance(ps, int) or not 0 <= ps < len(states):
        raise SpecError(
            f"{part.path}: power_state: {ps!r} not allowed; allowed: 0-{len(states) - 1} (PS0-PS{len(states) - 1})"
        )
    v = part.fields["power_states"]
    return float(states[ps]), Provenance(value_kind(v), f"NVMe power state PS{ps}: {v.basis}")


def _slc_fraction(ctx: Context) -> Resolved | None:
    if ctx.cell_mode == "slc":
        return 0.0, Provenance("derived", "SLC mode: every write is already an SLC program")
    got = fact("slc_cache")(ctx, "slc_fraction")
    if got is not None and np.any((got[0] < 0.0) | (got[0] > 1.0) | np.isnan(got[0])):
        raise SpecError(
            f"{ctx.part.path}: slc_cache: {g(got[0])} out of range; must be a share of host writes between 0 and 1"
        )
    return got


#: Catalogue NAND fields that are drive parameters of the same name.
NAND_PARAMS = (
    "planes",
    "page_size",
    "spare_fraction",
    "t_read",
    "t_prog",
    "t_erase",
    "block_pages",
    "independent_plane_reads",
    "program_cache_pages",
    "cache_read",
    "command_time",
    "read_power",
    "erase_power",
    "standby_power",
    "io_energy",
    "t_read_slc",
    "t_prog_slc",
)


#: the file fields, as (``"part"``, ``"nand"`` or ``"controller"``, key), that every resolver reading them takes
#: as an array of values as well as one value (read with :func:`~linkmodel.parts.resolve.number`, used in
#: arithmetic only, shown with :func:`~linkmodel.parts.resolve.g`): :func:`linkmodel.parts.draws.draw_params`
#: resolves a SKU once with their draws as arrays; a drawn value of any other field (a count, a size, an
#: identifier: what a resolver branches on) is resolved value by value
BROADCAST_FIELDS: frozenset[tuple[str, str]] = frozenset(
    {
        ("part", "channel_rate"),
        ("part", "power_cap"),
        ("part", "slc_cache"),
        *(("nand", k) for k in (*NAND_PARAMS, "program_power", "interface_rate")),
        *(("controller", k) for k in ("max_channel_rate", "iops_limit", "bandwidth_limit", "active_power")),
    }
)


def _mps_default(ctx: Context) -> str:
    return "mps_gen5_plus" if ctx.values["gen"] >= 5 else "mps_older"


def _iu_default(ctx: Context) -> str:
    return "indirection_unit_qlc" if ctx.bits >= 4 else "indirection_unit_tlc"


_SLC_TIMES = {"t_read": "t_read_slc", "t_prog": "t_prog_slc"}

#: parameter -> resolvers tried in turn, in resolution order
RULES: tuple[tuple[str, tuple[Resolver, ...]], ...] = (
    ("link_family", (hostlink.link_family,)),
    ("gen", (hostlink.whatif_link("gen"), fact(), fact("gear"))),
    ("lanes", (hostlink.whatif_link("lanes"), fact())),
    ("mps", (hostlink.pcie_only, fact(), default(_mps_default))),
    ("mrrs", (hostlink.pcie_only, fact(), default("mrrs"))),
    ("user_capacity", (derived(_user_capacity),)),
    ("raw_capacity", (derived(_raw_capacity),)),
    ("dies", (derived(_dies),)),
    ("channels", (derived(_channels),)),
    ("channel_rate", (fact(unless=("controller", "nand")), derived(_channel_rate))),
    *((k, (*((slc_mode(_SLC_TIMES[k]),) if k in _SLC_TIMES else ()), entry("nand"))) for k in NAND_PARAMS),
    ("program_power", (entry("nand"), derived(_program_power))),
    ("bits_per_cell", (derived(_bits),)),
    ("controller_iops", (entry("controller", "iops_limit"), no_limit)),
    ("controller_bandwidth", (entry("controller", "bandwidth_limit"), no_limit)),
    ("controller_power", (derived(_controller_power),)),
    ("controller_energy", (derived(_controller_energy),)),
    ("command_energy", (derived(_command_energy),)),
    ("indirection_unit", (fact(), default(_iu_default))),
    ("dram_power", (derived(_dram_power),)),
    ("mapping_cache", (derived(_mapping_cache),)),
    ("read_span", (derived(_read_span),)),
    ("phy_power", (derived(_phy_power),)),
    ("power_cap", (derived(_power_state), fact())),
    ("reserve_fraction", (default("reserve_fraction"),)),
    ("slc_fraction", (derived(_slc_fraction), default("slc_fraction"))),
)


def params_from_part(
    part: Part,
    capacity: float | None = None,
    cat=None,
    constants: dict | None = None,
    cell_mode: CellMode = "native",
    power_state: int | None = None,
    *,
    nand: str | None = None,
    controller: str | None = None,
    gen: int | None = None,
    lanes: int | None = None,
) -> tuple[DriveParams, dict[str, Provenance]]:
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
    cell_mode : {"native", "slc"}
        ``"slc"`` runs every die in SLC mode (one bit per cell, the catalogue's
        ``t_read_slc`` and ``t_prog_slc``) on the SKU's own dies: NAND and
        user capacity are a third (TLC) or a quarter (QLC) of native, with the
        same over-provisioning ratio. The write ceilings are then those of an
        SLC-mode drive or the burst ceiling of an SLC cache.
    power_state : int, optional
        Hold the drive to NVMe power state ``PS<power_state>`` of the part's
        ``power_states`` list instead of its ``power_cap``.
    nand, controller : str, optional
        What-if: build the SKU from this NAND or controller catalogue id
        instead of the part's (dies re-derived from the raw capacity).
    gen, lanes : int, optional
        What-if: give the SKU this PCIe link (a UFS part: these M-PHY lanes;
        a ``gen`` is refused there) instead of the part's. A link
        beyond the controller's host interface is taken as the same
        controller design with that interface (ASSUMPTION): its data-path
        power then reaches its full-load figure at the new link's line rate.

    Returns
    -------
    params : DriveParams
        SI values (floats; arrays where ``constants`` holds arrays).
    provenance : dict
        Parameter -> :class:`~linkmodel.parts.shared.Provenance`.
    """
    cat = catalogue() if cat is None else cat
    whatif = {"nand": nand, "controller": controller, "gen": gen, "lanes": lanes}
    ctx = context(part, capacity, cat, constants, cell_mode, power_state, whatif)
    prov = {name: p for name, (_, p) in resolve(ctx, RULES)}
    return DriveParams.from_mapping(ctx.values), prov
