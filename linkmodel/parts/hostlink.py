"""The host link of a part: its family (PCIe or UFS) and the parameters that rest on it.

A part's ``link`` (``"pcie"`` unless given) decides what ``gen`` and
``lanes`` of :class:`~linkmodel.ssd.params.DriveParams` mean: the PCIe
generation and width, or on a UFS link the M-PHY high-speed gear and the
lanes per direction (``link_family`` 1). The resolvers here give
``link_family``, the link what-ifs, the PCIe-only ``mps``/``mrrs`` (not used
on UFS), the link's raw line rate that the controller's data-path energy and
the PHY power rest on, and the check that the link is no faster than the
controller's host interface. Rates in B/s, powers in W.
"""

from __future__ import annotations

from linkmodel.parts.files import SpecError
from linkmodel.parts.resolve import Context, Resolved, Resolver
from linkmodel.parts.schema import LINK_LANES
from linkmodel.parts.shared import Provenance
from linkmodel.pcie import phy
from linkmodel.ssd.params import LINK_FAMILIES
from linkmodel.ufs import mphy

__all__ = [
    "check_link_within_controller",
    "controller_interface",
    "family",
    "link_family",
    "pcie_only",
    "raw_line_rate",
    "whatif_link",
]


def family(entry_or_part) -> str:
    """``"pcie"`` or ``"ufs"``: the ``link`` of a part or catalogue entry (PCIe unless given)."""
    v = entry_or_part.fields.get("link")
    return "pcie" if v is None else str(v.value)


def link_family(ctx: Context, name: str) -> Resolved:
    """The part's link family as :data:`~linkmodel.ssd.params.LINK_FAMILIES` code (0 PCIe, 1 UFS)."""
    fam = family(ctx.part)
    v = ctx.part.fields.get("link")
    basis = "no link given: PCIe/NVMe (the schema's default)" if v is None else f"link = {fam!r}: {v.basis}"
    return LINK_FAMILIES[fam], Provenance("fact" if v is not None and not v.assumed else "shared", basis)


def raw_line_rate(fam: str, gen: float, lanes: float) -> float:
    """Bytes per second on one direction's lanes before line coding [B/s]: PCIe or M-PHY series B."""
    if fam == "ufs":
        return float(mphy.line_rate(int(gen), int(lanes))) / 8.0
    return float(phy.line_rate(int(gen), int(lanes)))


def whatif_link(key: str) -> Resolver:
    """A what-if ``gen`` or ``lanes``, checked like the part's link family checks it."""

    def res(ctx: Context, name: str) -> Resolved | None:
        if key not in ctx.whatif:
            return None
        v, fam = ctx.whatif[key], family(ctx.part)
        if fam == "ufs" and key == "gen":
            raise SpecError(
                f"{ctx.part.path}: what-if gen: {ctx.part.id} has a UFS link (M-PHY gear "
                f"{ctx.part.get('gear'):g}), not a PCIe generation"
            )
        try:
            if fam == "ufs":
                if isinstance(v, bool) or v not in LINK_LANES["ufs"]:
                    raise ValueError(f"lanes: {v!r} not allowed on a UFS link; allowed: 1, 2, 3, 4")
            else:
                (phy.check_gen if key == "gen" else phy.check_lanes)(v)
        except ValueError as e:
            raise SpecError(f"{ctx.part.path}: what-if {e}") from None
        return float(v), Provenance("assumed", f"what-if: {key} {v} instead of the part's {ctx.part.get(key):g}")

    return res


def pcie_only(ctx: Context, name: str) -> Resolved | None:
    """On a UFS link: ``mps``/``mrrs`` are not used; 256 B keeps the drive's inputs valid (never read)."""
    if family(ctx.part) != "ufs":
        return None
    return 256.0, Provenance("shared", "not used: a UFS link carries UPIUs in UniPro frames, not PCIe TLPs")


def check_link_within_controller(ctx: Context) -> None:
    """The link is of the controller's family, and no faster or wider than its host interface (unless a what-if)."""
    ctrl, fam = ctx.ctrl, family(ctx.part)
    if family(ctrl) != fam:
        raise SpecError(
            f"{ctx.part.path}: controller: {ctrl.id} has a {family(ctrl).upper()} host interface, "
            f"the part's link is {fam.upper()}"
        )
    for key, own in (("gen", "gear" if fam == "ufs" else "gen"), ("lanes", "lanes")):
        if own in ctrl.fields and ctx.values[key] > float(ctrl.get(own)) and key not in ctx.whatif:
            raise SpecError(
                f"{ctx.part.path}: {own}: {ctx.values[key]:g} exceeds controller {ctrl.id}'s {own} "
                f"{float(ctrl.get(own)):g}"
            )


def controller_interface(ctx: Context) -> tuple[str, float]:
    """The controller's host interface (a label) and its raw line rate [B/s], at which its data path reaches
    its full-load power.

    The controller's own interface (else the part's link); a what-if link faster than it is taken as the
    same design with that interface (ASSUMPTION).
    """
    c, v, fam = ctx.ctrl, ctx.values, family(ctx.part)
    key = "gear" if fam == "ufs" else "gen"
    c_gen = int(c.get(key)) if key in c.fields else int(v["gen"])
    c_lanes = int(c.get("lanes")) if "lanes" in c.fields else int(v["lanes"])
    link_whatif = "gen" in ctx.whatif or "lanes" in ctx.whatif
    if link_whatif and raw_line_rate(fam, v["gen"], v["lanes"]) > raw_line_rate(fam, c_gen, c_lanes):
        c_gen, c_lanes = int(v["gen"]), int(v["lanes"])
    label = f"HS-G{c_gen}B x{c_lanes}" if fam == "ufs" else f"Gen{c_gen} x{c_lanes}"
    return label, raw_line_rate(fam, c_gen, c_lanes)
