"""Priors on every input of a part that is not a published fact: the default spreads and where each applies.

Every numeric input of one SKU's resolution (:func:`linkmodel.parts.params_from_part`) is either a published
fact, fixed, or carries a :class:`~linkmodel.parts.priorspec.Prior`:

- an assumption whose file writes a ``range`` (and ``shape``) or ``alternatives`` uses them (kind
  ``"author"``);
- any other gets the default spread of its provenance kind from :data:`DEFAULT_SPREAD` (one table, each row
  with its basis; docs/uncertainty.md): a log-normal with median at the value and central 90 % interval
  ``[value / k, value x k]``;
- a controller that publishes no IOPS or bandwidth limit gets one from the published limits of the
  controllers of its generation and channel count (:func:`peer_limit_prior`) instead of "no limit".

Fixed: facts from a primary source, identifiers, counts and sizes (channels, planes, capacities, page and
mapping sizes: structural, a choice among alternatives when uncertain), the PCIe settings. Only the fields
the resolution reads are listed, so every input listed moves some drive parameter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from linkmodel.parts.calibration import CONSTANTS, posterior_draws, stored
from linkmodel.parts.fields import CONTROLLER_FIELDS, NAND_FIELDS, PART_FIELDS
from linkmodel.parts.files import CatalogueEntry, Part, SpecError, Value, catalogue
from linkmodel.parts.priorspec import Prior
from linkmodel.parts.resolve import lookup, nand_id
from linkmodel.parts.rules import NAND_PARAMS
from linkmodel.parts.schema import FieldType
from linkmodel.parts.shared import SHARED

__all__ = [
    "DEFAULT_SPREAD",
    "PEER_LIMITS",
    "SHARED_PRIORS",
    "Input",
    "Spread",
    "default_prior",
    "peer_limit_prior",
    "priors",
    "value_prior",
]

#: z of the 95th percentile, Phi^-1(0.95) (uncertainty.md §3, oracle 1): a log-normal range is its central 90 %
Z90 = 1.6448536269514722


@dataclass(frozen=True)
class Spread:
    """A default spread: the central 90 % interval ``[value / factor, value x factor]`` of a log-normal."""

    factor: float
    basis: str

    def __post_init__(self):
        f = self.factor
        if isinstance(f, bool) or not isinstance(f, int | float) or not math.isfinite(f) or f <= 1:
            raise ValueError(f"factor: expected a finite number above 1 (a spread either way), got {f!r}")

    @property
    def log_sd(self) -> float:
        """The log-normal's sigma, ln(factor) / Phi^-1(0.95) [1]."""
        return math.log(self.factor) / Z90


#: provenance kind -> default spread (docs/uncertainty.md shows this table with its reasons)
DEFAULT_SPREAD: dict[str, Spread] = {
    "secondary-source fact": Spread(
        1.2,
        "a published figure seen only in secondary sources: reporting noise of log-sd 0.1-0.2 (uncertainty.md "
        "§1.3); the low end, the figure being a copied spec value, not a measurement (log-sd 0.11)",
    ),
    "assumption by analogy": Spread(
        1.5,
        "a value taken from a similar part or die: the derived prior ranges for unpublished NAND generations "
        "span about 1.4-1.6x either side of their centre (nand_dies.md §3.2: TLC tR 30-60 us around 45, "
        "one-shot tPROG 0.6-1.6 ms around 1.0, QLC tR 60-140 us around 85)",
    ),
    "shared cell-type value": Spread(
        2.0,
        "a catalogue [shared] value given to every die of a cell type (power, bus energy, erase time, spare "
        "area): simulator defaults, none published for a current die; they differ by up to about 2x (die power "
        "0.15 W here vs 83 mW in SimpleSSD and SSDSim; erase 3.8 ms MQSim vs 5 ms SimpleSSD)",
    ),
    "shared default": Spread(
        2.0,
        "an assumption applied to every part alike (linkmodel.parts.shared) with no published figure for any "
        "part: a factor of 2 either way, as for the shared cell-type values",
    ),
    "calibrated constant": Spread(
        1.5,
        "a constant fitted once for all parts (data/catalogue/calibration.toml); used only where no posterior "
        "draws are stored: the calibration's posterior gives each constant's own range "
        "(:func:`calibrated_prior`)",
    ),
    "peer controllers": Spread(
        1.2,
        "a merchant controller's published 'up to' limit is what its reference drive reached, a lower bound "
        "on the silicon: SMI rates the SM8366 at 3.0 M random reads and a drive on it showed 3.4 M (Kioxia, "
        "OCP 2022; published_parts.toml smi-sm8366), 13 % above; 1.2x above the best peer covers that, and "
        "1.2x below the lowest the spread of a class that two or three peers understate",
    ),
}

#: shared defaults with a published range instead of the table's factor: key -> (lo, hi, basis) [SI]
SHARED_PRIORS: dict[str, tuple[float, float, str]] = {
    "phy_energy_per_bit": (4e-12, 8e-12, "the 4-8 pJ/bit PHY budget range (ssd_modeling.md §6.3)"),
}

#: the shared defaults a draw varies (the others are PCIe settings, mapping sizes, "no SLC cache", and the
#: DRAM per NAND byte, which is arithmetic: a 4-byte entry per 4 KiB mapping unit)
SHARED_DRAWN = ("reserve_fraction", "dram_power_per_byte", "phy_energy_per_bit")

#: the fields each file's resolution reads (others do not move a drive parameter)
PART_READ = tuple(k for k in PART_FIELDS if k not in ("nand_by_capacity", "dwpd", "warranty_years", "form_factor"))
NAND_READ = (*NAND_PARAMS, "program_power", "interface_rate", "die_capacity")
CONTROLLER_READ = ("gen", "lanes", "channels", "max_channel_rate", "iops_limit", "bandwidth_limit", "active_power")

#: the controller limits a controller that publishes none gets a peer prior on (:func:`peer_limit_prior`)
PEER_LIMITS = ("iops_limit", "bandwidth_limit")

#: hard limits of drawn shares (the field's span where it has none) [1]
SHARE_BOUNDS = {"slc_cache": (0.0, 1.0), "reserve_fraction": (0.0, 0.5)}


@dataclass(frozen=True)
class Input:
    """One uncertain input of a SKU's resolution.

    ``scope`` is ``"part"`` (a field of the part file), ``"nand"`` or ``"controller"`` (a field of the entry
    ``entry``; ``own`` when the part file holds it), ``"calibrated"``, ``"shared"`` or ``"peer"`` (a
    controller limit from its peers); ``key`` the field or constant; ``bounds`` the hard limits draws are
    clipped to [SI], e.g. a field's plausible span.
    """

    name: str
    scope: str
    key: str
    prior: Prior
    entry: str = ""
    own: bool = False
    bounds: tuple[float, float] | None = None


def _spreadable(ft: FieldType) -> bool:
    """A continuous quantity (not a count, size, identifier or one of listed choices)."""
    kinds = ("time", "power", "rate", "bandwidth", "frequency", "energy_per_byte", "ratio", "number")
    return ft.kind in kinds and not ft.choices and not ft.pow2


def default_prior(value: float, kind: str) -> Prior:
    """The default-spread prior of a value of provenance ``kind`` (a key of :data:`DEFAULT_SPREAD`) [SI]."""
    s = DEFAULT_SPREAD[kind]
    return Prior(float(value), float(value) / s.factor, float(value) * s.factor, "lognormal", (), kind, s.basis)


def calibrated_prior(name: str, value: float) -> Prior:
    """A calibrated constant's prior [SI]: the 5th and 95th percentiles of the calibration's posterior draws
    (:func:`linkmodel.parts.calibration.posterior_draws`) around its point value, read as a log-normal's central
    90 % like every range here. Draws take joint posterior rows instead (:mod:`linkmodel.parts.draws`); this
    marginal serves what reads a range: the hard ceilings of a verdict, tornado swings, independent-input
    sensitivity estimators."""
    drawn = np.asarray(posterior_draws()[name], dtype=float)
    lo, hi = (float(x) for x in np.percentile(drawn, [5.0, 95.0]))
    lo, hi = min(lo, float(value)), max(hi, float(value))
    basis = "the calibration's posterior (data/catalogue/calibration.toml): 5th-95th percentile of its draws"
    return Prior(float(value), lo, hi, "lognormal", (), "calibrated constant", basis)


def value_prior(v: Value, ft: FieldType) -> Prior | None:
    """A file value's prior: the author's, else the default spread of its kind; None for a fixed value.

    Kinds: a fact is fixed unless seen only in secondary sources (``"secondary-source fact"``); an
    assumption is ``"shared cell-type value"`` when a catalogue [shared] table gives it, else ``"assumption
    by analogy"``. Identifiers, counts and sizes are fixed unless the author lists alternatives.
    """
    if v.prior is not None:
        return v.prior
    if not _spreadable(ft) or isinstance(v.value, tuple | str | bool) or v.value <= 0:
        return None
    if not v.assumed:
        return default_prior(v.value, "secondary-source fact") if v.secondary else None
    return default_prior(
        v.value, "shared cell-type value" if v.basis.startswith("shared ") else "assumption by analogy"
    )


def peer_limit_prior(ctrl: CatalogueEntry, key: str, controllers: dict[str, CatalogueEntry]) -> Prior | None:
    """A prior on a limit (``iops_limit`` [1/s] or ``bandwidth_limit`` [B/s]) the controller does not publish.

    Peers: the other controllers whose limit is a published fact and whose PCIe generation and channel count
    are published facts equal to this controller's (its own may be assumed). A peer's published limit is
    what its maker's reference drive reached, a lower bound on what its silicon allows, not an estimate of
    it; so the prior's median is the highest peer limit (the generation's silicon reaches at least that), its
    central 90 % interval runs from the lowest peer limit / k to the highest x k, k the ``"peer
    controllers"`` factor of :data:`DEFAULT_SPREAD` (a split log-normal: the lower side's log-sd spans from
    the lowest peer to the highest). None when the controller publishes the limit, or no controller of its
    generation and channel count publishes one.

    Raises
    ------
    ValueError
        ``key`` not ``"iops_limit"`` or ``"bandwidth_limit"``.
    """
    if key not in PEER_LIMITS:
        raise ValueError(f"key: {key!r} not allowed; allowed: {', '.join(PEER_LIMITS)}")
    if key in ctrl.fields or "gen" not in ctrl.fields or "channels" not in ctrl.fields:
        return None

    def published(c: CatalogueEntry, k: str) -> bool:
        return k in c.fields and not c.fields[k].assumed

    gen, channels = ctrl.get("gen"), ctrl.get("channels")
    peers = sorted(
        (c.get(key), c.id)
        for c in controllers.values()
        if c.id != ctrl.id
        and all(published(c, k) for k in (key, "gen", "channels"))
        and (c.get("gen"), c.get("channels")) == (gen, channels)
    )
    if not peers:
        return None
    lo, hi = peers[0][0], peers[-1][0]
    s = DEFAULT_SPREAD["peer controllers"]
    named = ", ".join(f"{cid} {x:.4g}" for x, cid in peers)
    basis = (
        f"controller {ctrl.id} publishes no {key}; the published {key} of Gen{gen:g} {channels:g}-channel "
        f"controllers ({named}); median the highest, central 90 % from the lowest / {s.factor:g} to the highest x "
        f"{s.factor:g}: {s.basis}"
    )
    return Prior(hi, lo / s.factor, hi * s.factor, "lognormal", (), "peer controllers", basis)


def _span(ft: FieldType, key: str) -> tuple[float, float] | None:
    return SHARE_BOUNDS.get(key, ft.span)


def _file_inputs(scope: str, where: CatalogueEntry | Part, read, fields, own: bool) -> list[Input]:
    out = []
    entry = "" if scope == "part" else where.id
    for key in read:
        if key not in where.fields:
            continue
        ft = fields[key]
        if ft.kind.endswith("_list"):  # power states: each state is a part of the part's own listing
            continue
        p = value_prior(where.fields[key], ft)
        if p is not None:
            prefix = "part" if scope == "part" else f"{scope} {entry}"
            out.append(Input(f"{prefix}.{key}", scope, key, p, entry, own, _span(ft, key)))
    return out


def _candidates(part: Part, capacity: float | None, kind: str) -> list[str]:
    """The NAND or controller ids a draw may use: the SKU's, and the alternatives the part lists."""
    first = nand_id(part, capacity) if kind == "nand" else part.get("controller")
    v = part.fields[kind]
    alts = [c for c, _ in v.prior.alternatives] if v.prior is not None and first == v.value else []
    return [first, *(a for a in alts if a != first)]


def priors(part: Part, capacity: float | None = None, cat=None) -> dict[str, Input]:
    """Every uncertain input of one SKU's resolution, by name (e.g. ``"nand samsung-v9-tlc.t_prog"``).

    Parameters
    ----------
    part : Part
    capacity : float, optional
        The SKU's user capacity [B]; default the headline.
    cat : dict, optional
        The catalogue (default :func:`linkmodel.parts.catalogue`).

    Returns
    -------
    dict of str -> Input
        The part's own fields, the fields of every NAND die and controller a draw may use (the SKU's and the
        alternatives its file lists), the calibrated constants, the shared defaults a draw varies, and a
        peer prior on each limit a candidate controller does not publish.

    Raises
    ------
    SpecError
        An alternative naming no catalogue (or the file's own) entry.
    """
    cat = catalogue() if cat is None else cat
    out = _file_inputs("part", part, PART_READ, PART_FIELDS, True)
    for kind, read, fields in (("nand", NAND_READ, NAND_FIELDS), ("controller", CONTROLLER_READ, CONTROLLER_FIELDS)):
        for eid in _candidates(part, capacity, kind):
            e = lookup(cat[kind], eid, part, kind)
            out += _file_inputs(kind, e, read, fields, e.path == part.path)
            if kind == "controller":
                for key in PEER_LIMITS:
                    p = peer_limit_prior(e, key, cat["controller"])
                    if p is not None:
                        out.append(Input(f"controller {eid}.{key}", "peer", key, p, eid))
    constants = stored()
    for name, (_, bounds, _) in CONSTANTS.items():
        out.append(
            Input(
                f"calibrated.{name}",
                "calibrated",
                name,
                calibrated_prior(name, constants[name]),
                bounds=bounds,
            )
        )
    for key in SHARED_DRAWN:
        v = SHARED[key].value
        if key in SHARED_PRIORS:
            lo, hi, basis = SHARED_PRIORS[key]
            p = Prior(v, lo, hi, "lognormal", (), "author", basis)
        else:
            p = default_prior(v, "shared default")
        out.append(Input(f"shared.{key}", "shared", key, p, bounds=SHARE_BOUNDS.get(key)))
    names = [i.name for i in out]
    if len(set(names)) != len(names):  # an entry listed twice would be drawn twice
        raise SpecError(f"{part.path}: priors: {sorted(n for n in names if names.count(n) > 1)[0]} listed twice")
    return {i.name: i for i in out}
