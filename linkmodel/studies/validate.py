"""Validation: the drive model against every published figure of every part.

:func:`validate_part` predicts each SKU a part publishes figures for and
pairs every published figure with the model's prediction, the signed error
``predicted / published - 1`` and the stage that binds. :func:`summary`
reduces the records per metric class (median and worst absolute error).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np

from linkmodel import parts as _parts
from linkmodel.parts import Part, bundled_parts, catalogue
from linkmodel.ssd import drive, stages
from linkmodel.studies import endurance_view

#: metric -> (workload name, predicted quantity)
PREDICTED = {
    "seq_read": ("seq_read", "throughput"),
    "seq_write": ("seq_write", "throughput"),
    "rand_read": ("rand_read", "iops"),
    "rand_write": ("rand_write", "iops"),
    "mixed_70_30": ("mixed_70_30", "iops"),
    "seq_read_power": ("seq_read", "power"),
    "seq_write_power": ("seq_write", "power"),
    "read_efficiency": ("seq_read", "efficiency"),
    "active_power": (None, "power"),  # the highest average power over the standard workloads
    "idle_power": ("seq_read", "static_power"),  # the drive's static power (link up, no I/O)
    # endurance (linkmodel.parts.endurance): random = uniform IU-aligned random writes
    "dwpd": ("endurance", "dwpd_random"),
    "tbw_random": ("endurance", "tbw_random"),
    "tbw_seq": ("endurance", "tbw_sequential"),
    # QD1 latency (linkmodel.ssd.latency.qd1, default host path, buffered writes)
    "read_latency": ("latency", "read"),
    "write_latency": ("latency", "write"),
}

#: metric -> class used in the summary
CLASSES = {
    "seq_read": "sequential read",
    "seq_write": "sequential write",
    "rand_read": "random read",
    "rand_write": "random write",
    "mixed_70_30": "mixed read/write",
    "active_power": "power and efficiency",
    "seq_read_power": "power and efficiency",
    "seq_write_power": "power and efficiency",
    "read_efficiency": "power and efficiency",
    "idle_power": "power and efficiency",
    "dwpd": "endurance",
    "tbw_random": "endurance",
    "tbw_seq": "endurance",
    "read_latency": "QD1 latency",
    "write_latency": "QD1 latency",
}

#: accuracy targets per class (absolute error), from the issue
TARGETS = {
    "sequential read": 0.05,
    "random read": 0.05,
    "sequential write": 0.12,
    "random write": 0.25,
    "power and efficiency": 0.15,
    "QD1 latency": 0.15,
    "all vendor figures": 0.08,
}


#: why a prediction misses its class target, in four kinds (Record.cause)
CAUSES = {
    "unpublished limit": "published below a ceiling the model computes from published facts (the link, with no "
    "published controller limit): the part has a limit its vendor does not publish",
    "own figures disagree": "the part's own figures contradict each other under uniform full-span steady state "
    "(a random-write rate needing a lower WAF than its sequential write allows)",
    "unpublished inputs": "the binding stage rests on inputs no vendor publishes for this part (assumed NAND "
    "timings, calibrated power constants, shared defaults, the rating's workload)",
    "published inputs": "the binding stage rests on published facts only: the model's physics misses",
}


@dataclass(frozen=True)
class Record:
    """One published figure next to the model's prediction.

    ``error`` is the signed fraction predicted / published - 1 (None when the
    metric is not modelled yet). Values are SI (B/s, 1/s, W, B/s/W).
    """

    part: str
    capacity: float
    metric: str
    published: float
    predicted: float | None
    error: float | None
    binding: str
    kind: str
    confirmed: bool
    block_size: float
    source: str
    why: str = ""  # for a prediction outside its class target: what the miss rests on
    cause: str = ""  # for such a miss: one of CAUSES

    def as_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)


def _workload(name: str, block: float) -> drive.Workload:
    base = drive.WORKLOADS[name]
    return drive.Workload(name, float(block), base.read_fraction, base.random)


def predict_part(part: Part, capacity: float | None = None, cat=None, workloads=None):
    """Model predictions for one SKU of a part.

    Parameters
    ----------
    part : Part
    capacity : float, optional
        SKU user capacity [B]; default the headline capacity.
    cat : dict, optional
        The catalogue.
    workloads : iterable of Workload, optional
        Default: the standard five.

    Returns
    -------
    dataset : xarray.Dataset
        Predictions with a ``workload`` dimension (see :func:`linkmodel.ssd.drive.predict`).
    provenance : dict
        Where each parameter came from.
    """
    with _parts.about(part, capacity):
        params, prov = _parts.params_from_part(part, capacity, cat)
        return drive.predict(params, workloads), prov


def validate_part(part: Part, cat=None) -> list[Record]:
    """Every published figure of a part with the model's prediction.

    Returns
    -------
    list of Record
    """
    cat = catalogue() if cat is None else cat
    records = []
    cache: dict = {}
    provs: dict = {}
    for pub in part.published:
        if pub.metric not in PREDICTED:
            records.append(
                Record(
                    part.id,
                    pub.capacity,
                    pub.metric,
                    pub.value,
                    None,
                    None,
                    "not modelled yet",
                    pub.kind,
                    pub.confirmed,
                    pub.block_size,
                    pub.source,
                )
            )
            continue
        if pub.metric == "active_power" and "power_cap" in part.fields and np.isclose(pub.value, part.get("power_cap")):
            # the part's power cap *is* this figure: comparing the model's peak power with it would be circular
            records.append(
                Record(
                    part.id,
                    pub.capacity,
                    pub.metric,
                    pub.value,
                    None,
                    None,
                    "input: this figure is the model's power cap",
                    pub.kind,
                    pub.confirmed,
                    pub.block_size,
                    pub.source,
                )
            )
            continue
        if pub.sets:
            records.append(
                Record(
                    part.id,
                    pub.capacity,
                    pub.metric,
                    pub.value,
                    None,
                    None,
                    f"input: sets {pub.sets}",
                    pub.kind,
                    pub.confirmed,
                    pub.block_size,
                    pub.source,
                )
            )
            continue
        wl_name, quantity = PREDICTED[pub.metric]
        if wl_name == "latency":
            from linkmodel.ssd import latency as _lat

            with _parts.about(part, pub.capacity):
                if pub.capacity not in provs:
                    provs[pub.capacity] = _parts.params_from_part(part, pub.capacity, cat)
                params, prov = provs[pub.capacity]
                br = _lat.qd1(params, quantity, pub.block_size)
                lat, drain = _lat.sustained_qd1(params, quantity, pub.block_size)
            lat = float(lat)
            top = sorted(((float(br[k]), k) for k in br.data_vars if k != "total"), reverse=True)[:2]
            binding = (
                f"buffer drain (1 / sustained write IOPS; buffered path {float(br.total) * 1e6:.3g} us)"
                if bool(drain)
                else ", ".join(f"{k} {v * 1e6:.3g} us" for v, k in top)
            )
            rec = Record(
                part.id,
                pub.capacity,
                pub.metric,
                pub.value,
                lat,
                lat / pub.value - 1.0,
                binding,
                pub.kind,
                pub.confirmed,
                pub.block_size,
                pub.source,
            )
            why = _explain_latency(rec, prov, br)
            records.append(replace(rec, why=why, cause="unpublished inputs" if why else ""))
            continue
        if wl_name == "endurance":
            if ("endurance", pub.capacity) not in cache:
                cache[("endurance", pub.capacity)] = endurance_view.endurance(part, pub.capacity, cat)
            e = cache[("endurance", pub.capacity)]
            rec = Record(
                part.id,
                pub.capacity,
                pub.metric,
                pub.value,
                e[quantity],
                e[quantity] / pub.value - 1.0,
                f"P/E {e['pe_cycles']:.0f}, WAF "
                + (f"{e['waf_random']:.2f}" if "random" in quantity else f"{e['waf_sequential']:.2f}"),
                pub.kind,
                pub.confirmed,
                pub.block_size,
                pub.source,
            )
            if pub.capacity not in provs:
                provs[pub.capacity] = _parts.params_from_part(part, pub.capacity, cat)
            why = explain(rec, provs[pub.capacity][1])
            if why and pub.metric == "dwpd" and "pe_needed" in e:
                why += (
                    f"; the rating needs {e['pe_needed']:.0f} P/E cycles under that workload (catalogue "
                    f"{e['pe_cycles']:.0f}: {_short(e['provenance']['pe_cycles'])}), or the vendor rates a "
                    f"gentler workload (sequential writes: {e['dwpd_sequential']:.3g} DWPD, JESD219 mix: "
                    f"{e['dwpd_jesd219']:.3g})"
                )
            records.append(replace(rec, why=why, cause="unpublished inputs" if why else ""))
            continue
        key = (pub.capacity, wl_name, pub.block_size)
        if key not in cache:
            with _parts.about(part, pub.capacity):
                params, _ = _parts.params_from_part(part, pub.capacity, cat)
                if wl_name is None:
                    ds = drive.predict(params)
                    i = int(np.argmax(ds.power.values))
                    cache[key] = (float(ds.power.values[i]), f"{ds.workload.values[i]}: {ds.binding.values[i]}")
                else:
                    ds = drive.evaluate(params, _workload(wl_name, pub.block_size))
                    cache[key] = ds
        hit = cache[key]
        if isinstance(hit, tuple):
            predicted, binding = hit
        else:
            predicted = float(hit[quantity])
            binding = "static power" if quantity == "static_power" else str(hit.binding.values)
        cap = part.get("power_cap")
        if quantity == "power" and binding.endswith("power") and np.isclose(pub.value, cap):
            # power-bound prediction of a figure equal to the cap: equal by construction, not a check
            records.append(
                Record(
                    part.id,
                    pub.capacity,
                    pub.metric,
                    pub.value,
                    predicted,
                    None,
                    "power (= the power cap by construction)",
                    pub.kind,
                    pub.confirmed,
                    pub.block_size,
                    pub.source,
                )
            )
            continue
        rec = Record(
            part.id,
            pub.capacity,
            pub.metric,
            pub.value,
            predicted,
            predicted / pub.value - 1.0,
            binding,
            pub.kind,
            pub.confirmed,
            pub.block_size,
            pub.source,
        )
        if pub.capacity not in provs:
            provs[pub.capacity] = _parts.params_from_part(part, pub.capacity, cat)
        params, prov = provs[pub.capacity]
        cause, why = _explain(rec, prov)
        if why and pub.metric == "rand_write" and rec.error < 0:
            from linkmodel.studies import sanity

            b = sanity.random_write_waf_bound(part, pub.capacity, pub.value, pub.block_size, params)
            if b is not None and b["waf_max"] < b["waf_model"]:
                why += "; " + sanity.describe_waf_bound(b, params["raw_capacity"])
                cause = "own figures disagree"
        records.append(replace(rec, why=why, cause=cause))
    return records


#: for each binding stage: the inputs a prediction bound there rests on (for reads, for writes)
#: random writes also rest on the over-provisioning (WAF) and the mapping unit (read-modify-write)
_RANDOM_WRITE_INPUTS = ("raw_capacity", "reserve_fraction", "indirection_unit")
_SHORT = 60


def _short(text: str) -> str:
    return text if len(text) <= _SHORT else text[: _SHORT - 3] + "..."


def _explain_latency(record: Record, prov: dict, br) -> str:
    """Why a QD1 latency misses: its largest terms and where their inputs come from."""
    if record.error is None or abs(record.error) <= TARGETS["QD1 latency"]:
        return ""
    from linkmodel.ssd.latency import DEFAULTS

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
            f"rests on t_read {media * 1e6:.3g} us ({src.source}: {_short(src.detail)}) and the shared host and "
            f"controller terms ({_short(DEFAULTS['firmware_read'])}); {need}"
        )
    fw = DEFAULTS["firmware_write"]
    return (
        f"rests on the shared host and controller terms of a buffered write (firmware {_short(fw)}); vendors' "
        "write paths differ (published 5-25 us) and no breakdown is published; a figure below the link and "
        "host terms alone needs polling and a hardware write path"
    )


def explain(record: Record, prov: dict) -> str:
    """Why a prediction misses its class target, from the binding stage and the inputs' provenance.

    Over-predictions bound by the link or an unlimited controller point at a
    limit the model does not have (no published controller IOPS or bandwidth
    limit); otherwise the miss rests on the inputs of the binding stage, listed
    with where they come from.
    """
    return _explain(record, prov)[1]


def _explain(record: Record, prov: dict) -> tuple[str, str]:
    """(cause, text) of a miss: a key of :data:`CAUSES` and what it rests on; ("", "") within target."""
    if record.error is None:
        return "", ""
    target = TARGETS.get(CLASSES.get(record.metric, ""), TARGETS["all vendor figures"])
    if abs(record.error) <= target:
        return "", ""
    if CLASSES.get(record.metric) == "endurance":
        parts = [
            f"{k} ({prov[k].source}: {_short(prov[k].detail)})"
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
            + (f"{_short(limit.detail)})" if limit else "none published)")
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
    parts = []
    for k in keys:
        p = prov.get(k)
        if p is not None and _unpublished(p):
            detail = (
                p.detail.split(": ", 1)[1] if p.source in ("catalogue", "part file") and ": " in p.detail else p.detail
            )
            parts.append(f"{k} ({p.source}: {_short(detail)})")
    if record.metric == "mixed_70_30":
        parts.insert(
            0,
            "the throughput ceiling, while the spec's queue depth is unstated (at a given depth: "
            "linkmodel latency PART --mix 0.7, reads waiting behind programs)",
        )
    if parts:
        return "unpublished inputs", "rests on " + "; ".join(parts)
    return "published inputs", (
        f"{stage}-bound on published inputs only (" + ", ".join(k for k in keys if k in prov) + ")"
    )


def _unpublished(p) -> bool:
    """An input no vendor publishes: an assumption, a shared default, a calibrated constant, or a
    catalogue value marked as an assumption (catalogue facts, and values derived from facts, are published)."""
    return p.source in ("assumed", "shared", "calibrated") or "ASSUMPTION" in p.detail.upper()


def validate(parts=None, cat=None) -> list[Record]:
    """Records for every part (default: every bundled part)."""
    cat = catalogue() if cat is None else cat
    parts = bundled_parts() if parts is None else parts
    out = []
    for p in parts:
        out.extend(validate_part(p, cat))
    return out


def miss_causes(records) -> dict:
    """Vendor figures outside their class target, counted by :data:`CAUSES`.

    Returns
    -------
    dict
        cause -> {"n": misses, "unconfirmed": of them from secondary sources, "meaning": CAUSES text}
    """
    out = {c: {"n": 0, "unconfirmed": 0, "meaning": m} for c, m in CAUSES.items()}
    for r in records:
        if r.error is None or r.kind == "measured" or not r.cause:
            continue
        out[r.cause]["n"] += 1
        out[r.cause]["unconfirmed"] += int(not r.confirmed)
    return out


def summary(records) -> dict:
    """Median and worst absolute error per metric class, and overall.

    Vendor figures (``up_to``, ``typical``, ``max``, ``derived``) are scored
    against the targets; third-party ``measured`` figures (often at one job or
    a low queue depth) are summarised apart.

    Returns
    -------
    dict
        class -> {"n", "median_abs_error", "worst_abs_error", "worst", "target", "within_target"},
        plus "all vendor figures" and "measured (third-party)".
    """
    groups: dict[str, list[Record]] = {}
    for r in records:
        if r.error is None:
            continue
        if r.kind == "measured":  # third-party tests at stated queue depths: shown apart from the targets
            groups.setdefault("measured (third-party)", []).append(r)
            continue
        groups.setdefault(CLASSES.get(r.metric, r.metric), []).append(r)
        groups.setdefault("all vendor figures", []).append(r)
    out = {}
    for name, recs in groups.items():
        errs = np.array([abs(r.error) for r in recs])
        worst = recs[int(np.argmax(errs))]
        target = TARGETS.get(name)
        out[name] = {
            "n": len(recs),
            "median_abs_error": float(np.median(errs)),
            "worst_abs_error": float(errs.max()),
            "worst": f"{worst.part} {worst.capacity / 1e12:g} TB {worst.metric}",
            "target": target,
            "within_target": None if target is None else int(np.sum(errs <= target)),
        }
    return out


#: row order of :func:`summary_markdown` (classes not listed follow, sorted)
_MARKDOWN_ORDER = (
    "sequential read",
    "random read",
    "sequential write",
    "random write",
    "power and efficiency",
    "QD1 latency",
    "endurance",
    "mixed read/write",
    "all vendor figures",
    "measured (third-party)",
)


def summary_markdown(records) -> str:
    """:func:`summary` and :func:`miss_causes` as two Markdown tables (``linkmodel validate --markdown``).

    Errors are absolute, in percent of the published figure (one decimal); the target is the class's
    absolute-error target in percent (for "all vendor figures", a target for the median). The text is what
    ``docs/validation.md`` holds between its ``accuracy-table`` markers, and a test compares the two.
    """
    summ = summary(records)
    order = [c for c in _MARKDOWN_ORDER if c in summ] + sorted(set(summ) - set(_MARKDOWN_ORDER))
    lines = [
        "| metric class | n | median abs. error | worst abs. error | within target | target | worst case |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in order:
        s = summ[name]
        within = "" if s["within_target"] is None else f"{s['within_target']}/{s['n']}"
        target = "" if s["target"] is None else f"{100 * s['target']:.0f} %"
        lines.append(
            f"| {name} | {s['n']} | {100 * s['median_abs_error']:.1f} % | {100 * s['worst_abs_error']:.1f} % "
            f"| {within} | {target} | {s['worst']} |"
        )
    lines += ["", "| cause | misses | of them from secondary sources | what it means |", "|---|---|---|---|"]
    for name, c in miss_causes(records).items():
        lines.append(f"| {name} | {c['n']} | {c['unconfirmed']} | {c['meaning']} |")
    return "\n".join(lines) + "\n"
