"""Why a prediction misses its class target: the binding stage, the inputs it rests on and their provenance.

Each miss gets a cause from :data:`~linkmodel.studies.figures.CAUSES` and a
line naming the unpublished inputs of the binding stage (the stage says which
parameters it rests on: :meth:`linkmodel.ssd.stages.Stage.rests_on`).
"""

from __future__ import annotations

from linkmodel.ssd import slc_cache, stages
from linkmodel.ssd.latency import DEFAULTS
from linkmodel.studies.figures import CLASSES, TARGETS, Record

__all__ = ["burst_why", "explain", "explain_latency", "explain_miss", "short", "unpublished"]

#: for each binding stage: the inputs a prediction bound there rests on (for reads, for writes)
#: random writes also rest on the over-provisioning (WAF) and the mapping unit (read-modify-write)
_RANDOM_WRITE_INPUTS = ("raw_capacity", "reserve_fraction", "indirection_unit")
_SHORT = 60


def short(text: str) -> str:
    """`text` cut to 60 characters with an ellipsis."""
    return text if len(text) <= _SHORT else text[: _SHORT - 3] + "..."


def explain_latency(record: Record, prov: dict, br) -> str:
    """Why a QD1 latency misses: its largest terms and where their inputs come from."""
    if record.error is None or abs(record.error) <= TARGETS["QD1 latency"]:
        return ""
    if record.metric == "read_latency":
        media = float(br.media)
        room = record.published - (float(br.total) - media)
        src = prov["t_read"]
        need = (
            f"matching it needs tR = {room * 1e6:.3g} us with the other terms as they are"
            if room > 0
            else "the other terms alone exceed it"
        )
        return (
            f"rests on t_read {media * 1e6:.3g} us ({src.source}: {short(src.detail)}), the shared host terms "
            f"and the controller's firmware time (controllers.toml; {short(DEFAULTS['firmware_read'])}); {need}"
        )
    fw = DEFAULTS["firmware_write"]
    return (
        f"rests on the shared host terms and the controller's firmware time of a buffered write "
        f"(controllers.toml; {short(fw)}); vendors' "
        "write paths differ (published 5-25 us) and no breakdown is published; a figure below the link and "
        "host terms alone needs polling and a hardware write path"
    )


def _detail(p) -> str:
    """A provenance's detail without the catalogue entry's name."""
    return p.detail.split(": ", 1)[1] if p.source in ("catalogue", "part file") and ": " in p.detail else p.detail


def burst_why(native, prov: dict, rate: float | None = None, source: bool = True) -> str:
    """What an SLC-cache burst prediction rests on (a figure with ``state = "slc_burst"``).

    ``native``: the SKU's own drive parameters (SI); ``prov``: their provenance; ``rate``: the predicted burst
    write rate [B/s] (None: not a throughput figure), which with :func:`linkmodel.ssd.slc_cache.burst_capacity`
    of a fresh drive (every free byte of NAND [B] in SLC mode) gives how long the burst can last [s];
    ``source``: name where ``t_prog_slc`` comes from (False when the miss's own text names it).
    """
    slc, src = float(native["t_prog_slc"]), prov["t_prog_slc"]
    where = f" ({src.source}: {short(_detail(src))})" if source else ""
    text = (
        f"SLC-cache burst: t_prog_slc {slc * 1e6:.4g} us{where} in place of t_prog "
        f"{float(native['t_prog']) * 1e6:.4g} us, one bit per cell, fresh drive (no GC, no folding)"
    )
    if rate:
        cap = float(
            slc_cache.burst_capacity(native["raw_capacity"], native["bits_per_cell"], 0.0, native["reserve_fraction"])
        )
        text += f"; an empty drive's cache holds at most {cap / 1e9:.0f} GB, {cap / rate:.0f} s at this rate"
    return text


def explain(record: Record, prov: dict) -> str:
    """Why a prediction misses its class target, from the binding stage and the inputs' provenance.

    Over-predictions bound by the link or an unlimited controller point at a
    limit the model does not have (no published controller IOPS or bandwidth
    limit); otherwise the miss rests on the inputs of the binding stage, listed
    with where they come from.
    """
    return explain_miss(record, prov)[1]


def explain_miss(record: Record, prov: dict, state: str = "steady") -> tuple[str, str]:
    """(cause, text) of a miss: a key of :data:`~linkmodel.studies.figures.CAUSES` and what it rests on.

    ("", "") for a prediction within its class target. ``state``: the figure's ``[[published]].state``; in an
    ``slc_burst`` the die times a stage rests on are the SLC-mode ones (``t_prog_slc``, ``t_read_slc``).
    """
    if record.error is None:
        return "", ""
    target = TARGETS.get(CLASSES.get(record.metric, ""), TARGETS["all vendor figures"])
    if abs(record.error) <= target:
        return "", ""
    if CLASSES.get(record.metric) == "endurance":
        parts = [
            f"{k} ({prov[k].source}: {short(prov[k].detail)})"
            for k in ("raw_capacity", "reserve_fraction")
            if k in prov
        ]
        return "unpublished inputs", (
            "rests on the NAND's P/E cycles (catalogue: the die's own where published, else one value per cell type), "
            "the workload the rating assumes (model: uniform random writes of one mapping unit) and " + "; ".join(parts)
        )
    stage = record.binding.split(": ")[-1].split(" ")[0]
    if record.error > 0 and stage == "link":
        limit = prov.get("controller_iops")
        return "unpublished limit", (
            "published below the link ceiling: a limit the model lacks (controller processing or firmware; "
            + (f"{short(limit.detail)})" if limit else "none published)")
        )
    reads = record.metric.startswith(("seq_read", "rand_read", "read_")) or record.metric == "idle_power"
    if stage in stages.STAGES:
        keys = stages.STAGES[stage].rests_on(reads)
    elif stage == "static":
        keys = stages.STATIC_INPUTS if reads else ()
    else:
        keys = ()
    if record.metric in ("rand_write", "mixed_70_30"):
        keys = keys + _RANDOM_WRITE_INPUTS
    if state == "slc_burst":
        keys = tuple(slc_cache.SLC_TIMES.get(k, k) for k in keys)
    parts = []
    for k in keys:
        p = prov.get(k)
        if p is not None and unpublished(p):
            parts.append(f"{k} ({p.source}: {short(_detail(p))})")
    if record.metric == "mixed_70_30":
        parts.insert(
            0,
            f"the closed loop at the vendor's queue depth ({record.queue_depth:g}; reads waiting behind programs)"
            if record.queue_depth is not None
            else "the throughput ceiling, while the spec's queue depth is unstated (at a given depth: "
            "linkmodel latency PART --mix 0.7, reads waiting behind programs)",
        )
    if parts:
        return "unpublished inputs", "rests on " + "; ".join(parts)
    return "published inputs", (
        f"{stage}-bound on published inputs only (" + ", ".join(k for k in keys if k in prov) + ")"
    )


def unpublished(p) -> bool:
    """An input no vendor publishes: an assumption, a shared default, a calibrated constant, or a
    catalogue value marked as an assumption (catalogue facts, and values derived from facts, are published)."""
    return p.source in ("assumed", "shared", "calibrated") or "ASSUMPTION" in p.detail.upper()
