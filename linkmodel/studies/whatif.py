"""What-if comparisons between two parts, and what accounts for the difference.

:func:`compare` predicts two parts' standard workloads under one power cap
and returns the ratios (performance, efficiency). :func:`attribute` walks
from the first design to the second one change at a time (PCIe link, NAND,
controller, capacity) and reports the ratio after each step, so the
difference is split into the design changes that make it.

The PM1763 vs PM1753 question (CFMS|MemoryS 2026 trade press: under a 25 W
limit, 2x performance and 1.5x energy efficiency over the previous
generation) is ``linkmodel whatif samsung-pm1763 samsung-pm1753 --power-cap 25W``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from linkmodel import parts as _parts
from linkmodel.parts import Part, catalogue
from linkmodel.ssd import drive
from linkmodel.studies import drawn
from linkmodel.studies.report import Report
from linkmodel.studies.uncertain import INTERVAL

__all__ = [
    "DRAWN_QUANTITIES",
    "STEPS",
    "Comparison",
    "DrawnComparison",
    "Step",
    "attribute",
    "compare",
    "compare_draws",
]

#: the outputs of each workload given over draws (throughput [B/s], IOPS [1/s], power [W], efficiency [B/s/W])
DRAWN_QUANTITIES = ("throughput", "iops", "power", "efficiency")

#: parameter groups swapped one at a time, in this order
STEPS = (
    ("PCIe link", ("link_family", "gen", "lanes", "mps", "mrrs", "phy_power")),
    (
        "NAND",
        (
            "planes",
            "page_size",
            "spare_fraction",
            "bits_per_cell",
            "t_read",
            "t_prog",
            "t_erase",
            "block_pages",
            "independent_plane_reads",
            "program_cache_pages",
            "cache_read",
            "command_time",
            "read_power",
            "program_power",
            "erase_power",
            "standby_power",
            "io_energy",
            "channel_rate",
            "t_read_slc",
            "t_prog_slc",
        ),
    ),
    (
        "controller",
        (
            "channels",
            "controller_iops",
            "controller_bandwidth",
            "controller_power",
            "controller_energy",
            "command_energy",
            "slc_fraction",
            "mapping_cache",
        ),
    ),
    (
        "capacity",
        ("user_capacity", "raw_capacity", "dies", "dram_power", "indirection_unit", "reserve_fraction", "read_span"),
    ),
    ("power cap", ("power_cap",)),
)


def _params(part: Part, cap_w: float | None, capacity: float | None, cat):
    params, _ = _parts.params_from_part(part, capacity, cat)
    if cap_w is not None:
        params = replace(params, power_cap=float(cap_w))
    return params


def _metrics(params) -> dict:
    ds = drive.predict(params)
    out = {}
    for wl in ds.workload.values:
        sel = ds.sel(workload=wl)
        out[str(wl)] = {
            "throughput": float(sel.throughput),
            "iops": float(sel.iops),
            "power": float(sel.power),
            "efficiency": float(sel.efficiency),
            "binding": str(sel.binding.values),
        }
    return out


@dataclass(frozen=True, eq=False)
class Comparison(Report):
    """Two parts' predictions per workload (throughput [B/s], IOPS [1/s], power [W], efficiency [B/s/W],
    binding) and their ratios new / old (``performance``, ``efficiency``)."""

    new: dict
    old: dict
    ratio: dict


@dataclass(frozen=True, eq=False)
class Step(Report):
    """One step of :func:`attribute`: its name and the ratios to the old design after it."""

    step: str
    ratio: dict


def compare(
    new: Part, old: Part, power_cap: float | None = None, cat=None, new_capacity=None, old_capacity=None
) -> Comparison:
    """Predictions of two parts and their ratios (new / old) per workload.

    Parameters
    ----------
    new, old : Part
    power_cap : float, optional
        Hold both to this cap [W] (default: each part's own).
    cat : dict, optional
        The catalogue.
    new_capacity, old_capacity : float, optional
        SKU capacities [B] (default: headline).

    Returns
    -------
    Comparison
        ``new``, ``old`` and ``ratio`` (``{workload: {"performance", "efficiency"}}``).
    """
    cat = catalogue() if cat is None else cat
    with _parts.about(new, new_capacity):
        a = _metrics(_params(new, power_cap, new_capacity, cat))
    with _parts.about(old, old_capacity):
        b = _metrics(_params(old, power_cap, old_capacity, cat))
    ratio = {
        wl: {
            "performance": a[wl]["throughput"] / b[wl]["throughput"],
            "efficiency": a[wl]["efficiency"] / b[wl]["efficiency"],
        }
        for wl in a
    }
    return Comparison(new=a, old=b, ratio=ratio)


def attribute(
    new: Part, old: Part, power_cap: float | None = None, cat=None, new_capacity=None, old_capacity=None
) -> list[Step]:
    """Swap the old design toward the new one a step at a time; ratios after each step.

    Returns
    -------
    list of Step
        ``step`` (its name) and ``ratio`` (``{workload: {"performance", "efficiency", "binding"}}``), the
        last step equal to :func:`compare`'s ratios.
    """
    cat = catalogue() if cat is None else cat
    with _parts.about(new, new_capacity):
        p_new = _params(new, power_cap, new_capacity, cat)
    with _parts.about(old, old_capacity):
        p_old = _params(old, power_cap, old_capacity, cat)
        base = _metrics(p_old)
    current = p_old
    rows = []
    for name, keys in STEPS:
        current = replace(current, **{k: p_new[k] for k in keys})
        with _parts.about(new, new_capacity):
            m = _metrics(current)
        ratio = {
            wl: {
                "performance": m[wl]["throughput"] / base[wl]["throughput"],
                "efficiency": m[wl]["efficiency"] / base[wl]["efficiency"],
                "binding": m[wl]["binding"],
            }
            for wl in m
        }
        rows.append(Step(step=name, ratio=ratio))
    return rows


@dataclass(frozen=True, eq=False)
class DrawnComparison(Report):
    """:func:`compare` over draws of both parts' priors (SI units).

    ``new`` and ``old``: ``{workload: {quantity: {"median", "interval": [low, high]}}}`` for the quantities
    of :data:`DRAWN_QUANTITIES`; ``ratio``: ``{workload: {"performance", "efficiency": {"median",
    "interval"}}}``, the ratio new / old taken draw by draw; ``shared``: the inputs drawn once for both
    (common random numbers); ``interval``: its percentiles [1].
    """

    seed: int
    draws: int
    method: str
    interval: tuple
    new: dict
    old: dict
    ratio: dict
    shared: tuple
    redrawn: int = 0


def compare_draws(
    new: Part,
    old: Part,
    power_cap: float | None = None,
    n: int = 1000,
    seed: int = 0,
    cat=None,
    new_capacity=None,
    old_capacity=None,
    method: str = "mc",
    scale: float = 1.0,
) -> DrawnComparison:
    """:func:`compare` over ``n`` draws of both parts' priors, in one broadcast model call per part.

    The inputs the parts share (a catalogue die or controller both use, calibrated constants, shared
    defaults) are drawn once for both (:func:`linkmodel.studies.drawn.joint_draws`), so the ratios' spread is
    that of what differs; a part compared with itself gives ratios of exactly 1.

    Parameters
    ----------
    new, old : Part
    power_cap : float, optional
        Hold both to this cap [W] (draws whose static power reaches it are refused and drawn again).
    n : int
        Draws.
    seed : int
        Seed (>= 0).
    cat : dict, optional
        The catalogue.
    new_capacity, old_capacity : float, optional
        SKU capacities [B] (default: headline).
    method : {"mc", "sobol", "lhs"}
    scale : float
        Spread multiplier of every prior (0: every draw at the point values).

    Returns
    -------
    DrawnComparison
    """
    j = drawn.joint_draws([new, old], n, seed, [new_capacity, old_capacity], cat, method, scale, power_cap)
    with _parts.about(new, new_capacity):
        a = drive.predict(j.params[0])
    with _parts.about(old, old_capacity):
        b = drive.predict(j.params[1])
    out_new, out_old, ratio = {}, {}, {}
    for wl in a.workload.values:
        sa, sb = a.sel(workload=wl), b.sel(workload=wl)
        ya = {q: drawn.per_draw(sa[q].values, j.n) for q in DRAWN_QUANTITIES}
        yb = {q: drawn.per_draw(sb[q].values, j.n) for q in DRAWN_QUANTITIES}
        out_new[str(wl)] = {q: drawn.stats(v) for q, v in ya.items()}
        out_old[str(wl)] = {q: drawn.stats(v) for q, v in yb.items()}
        ratio[str(wl)] = {
            "performance": drawn.stats(ya["throughput"] / yb["throughput"]),
            "efficiency": drawn.stats(ya["efficiency"] / yb["efficiency"]),
        }
    shared = tuple(sorted(k for k, users in j.users.items() if len(users) > 1))
    return DrawnComparison(j.seed, j.n, j.method, INTERVAL, out_new, out_old, ratio, shared, j.redrawn)
