"""Validation: the drive model against every published figure of every part.

:func:`validate_part` predicts each SKU a part publishes figures for and
pairs every published figure with the model's prediction, the signed error
``predicted / published - 1`` and the stage that binds. :func:`summary`
reduces the records per metric class (median and worst absolute error).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from linkmodel import parts as _parts
from linkmodel._typing import StorageIo
from linkmodel.parts import Part, bundled_parts, catalogue
from linkmodel.ssd import drive
from linkmodel.ssd import latency as _lat
from linkmodel.studies import endurance_view, explain, sanity, spread
from linkmodel.studies.figures import CAUSES, CLASSES, PREDICTED, TARGETS, Record, params_for

__all__ = [
    "CAUSES",
    "CLASSES",
    "PREDICTED",
    "TARGETS",
    "Record",
    "miss_causes",
    "predict_part",
    "range_summary",
    "summary",
    "summary_markdown",
    "validate",
    "validate_part",
]


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
    part = _parts.part(part)  # an id, a spec-file path or a Part; anything else: one line naming part
    with _parts.about(part, capacity):
        params, prov = _parts.params_from_part(part, capacity, cat)
        return drive.predict(params, workloads), prov


class _Predictions:
    """One part's predictions, evaluated once per SKU and workload (a cache for :func:`validate_part`)."""

    def __init__(self, part: Part, cat):
        self.part, self.cat = part, cat
        self._params: dict = {}
        self._runs: dict = {}

    def params(self, capacity):
        """(DriveParams, provenance) of the SKU."""
        if capacity not in self._params:
            with _parts.about(self.part, capacity):
                self._params[capacity] = _parts.params_from_part(self.part, capacity, self.cat)
        return self._params[capacity]

    def endurance(self, capacity) -> dict:
        """The SKU's endurance (:func:`linkmodel.studies.endurance_view.endurance`)."""
        key = ("endurance", capacity)
        if key not in self._runs:
            self._runs[key] = endurance_view.endurance(self.part, capacity, self.cat)
        return self._runs[key]

    def drive(self, capacity, wl_name, block, quantity, state="steady") -> tuple[float, str]:
        """(predicted quantity, binding) of one workload; ``wl_name`` None: the highest power of the standard ones;
        ``state``: the drive state of the figure (:func:`linkmodel.studies.figures.params_for`)."""
        key = (capacity, wl_name, block, state)
        if key not in self._runs:
            params = params_for(self.params(capacity)[0], state)
            with _parts.about(self.part, capacity):
                if wl_name is None:
                    ds = drive.predict(params)
                    i = int(np.argmax(ds.power.values))
                    self._runs[key] = (float(ds.power.values[i]), f"{ds.workload.values[i]}: {ds.binding.values[i]}")
                else:
                    self._runs[key] = drive.evaluate(params, _workload(wl_name, block))
        hit = self._runs[key]
        if isinstance(hit, tuple):
            return hit
        return float(hit[quantity]), "static power" if quantity == "static_power" else str(hit.binding.values)


def _record(part: Part, pub, predicted, binding: str, error=None) -> Record:
    if error is None and predicted is not None and binding and not binding.startswith("power (="):
        error = predicted / pub.value - 1.0
    return Record(
        part.id,
        pub.capacity,
        pub.metric,
        pub.value,
        predicted,
        error,
        binding,
        pub.kind,
        pub.confirmed,
        pub.block_size,
        pub.source,
        state=pub.state,
    )


def _not_compared(part: Part, pub) -> Record | None:
    """A record for a figure that is not a check of the model (not modelled, or an input), else None."""
    if pub.metric not in PREDICTED:
        return _record(part, pub, None, "not modelled yet")
    if pub.metric == "active_power" and "power_cap" in part.fields and np.isclose(pub.value, part.get("power_cap")):
        # the part's power cap *is* this figure: comparing the model's peak power with it would be circular
        return _record(part, pub, None, "input: this figure is the model's power cap")
    if pub.sets:
        return _record(part, pub, None, f"input: sets {pub.sets}")
    return None


def _latency_record(part: Part, pub, quantity: str, run: _Predictions) -> Record:
    params, prov = run.params(pub.capacity)
    io: StorageIo = "read" if quantity == "read" else "write"
    with _parts.about(part, pub.capacity):
        path = spread.host_path(part, run.cat)
        br = _lat.qd1(params, io, pub.block_size, path)
        lat, drain = _lat.sustained_qd1(params, io, pub.block_size, path)
        low, high = spread.latency_spread(part, run.cat, params, io, pub.block_size, pub.capacity)
    lat = float(lat)
    top = sorted(((float(br[k]), k) for k in br.data_vars if k != "total"), reverse=True)[:2]
    binding = (
        f"buffer drain (1 / sustained write IOPS; buffered path {float(br.total) * 1e6:.3g} us)"
        if bool(drain)
        else ", ".join(f"{k} {v * 1e6:.3g} us" for v, k in top)
    )
    rec = replace(_record(part, pub, lat, binding), predicted_low=low, predicted_high=high)
    why = explain.explain_latency(rec, prov, br)
    return replace(rec, why=why, cause="unpublished inputs" if why else "")


def _mixed_record(part: Part, pub, run: _Predictions) -> Record:
    """A mixed read/write figure: the closed loop at the vendor's stated depth, else a range over depths."""
    params, prov = run.params(pub.capacity)
    with _parts.about(part, pub.capacity):
        if pub.queue_depth is None:
            low, high = spread.mixed_spread(params, pub.block_size)
            lo_d, hi_d = spread.MIXED_DEPTHS
            rec = _record(part, pub, None, f"queue depth not stated: model over QD {lo_d}-{hi_d}")
            rec = replace(rec, predicted_low=low, predicted_high=high)
            inside = "inside" if rec.in_range else "outside"
            return replace(rec, binding=f"{rec.binding} {low / 1e3:.0f}-{high / 1e3:.0f} kIOPS ({inside})")
        (iops,), ceiling = spread.mixed_at_depth(params, [pub.queue_depth], pub.block_size)
    _, stage = run.drive(pub.capacity, "mixed_70_30", pub.block_size, "iops")
    where = "at" if iops >= ceiling * (1 - 1e-6) else "below"
    binding = f"closed loop at the stated QD {pub.queue_depth:g}, {where} the mix ceiling: {stage}"
    rec = replace(_record(part, pub, iops, binding), queue_depth=pub.queue_depth)
    cause, why = explain.explain_miss(rec, prov)
    return replace(rec, why=why, cause=cause)


def _endurance_record(part: Part, pub, quantity: str, run: _Predictions) -> Record:
    e = run.endurance(pub.capacity)
    waf = f"{e['waf_random']:.2f}" if "random" in quantity else f"{e['waf_sequential']:.2f}"
    rec = _record(part, pub, e[quantity], f"P/E {e['pe_cycles']:.0f}, WAF " + waf)
    why = explain.explain(rec, run.params(pub.capacity)[1])
    if why and pub.metric == "dwpd" and "pe_needed" in e:
        why += (
            f"; the rating needs {e['pe_needed']:.0f} P/E cycles under that workload (catalogue "
            f"{e['pe_cycles']:.0f}: {explain.short(e['provenance']['pe_cycles'])}), or the vendor rates a "
            f"gentler workload (sequential writes: {e['dwpd_sequential']:.3g} DWPD, JESD219 mix: "
            f"{e['dwpd_jesd219']:.3g})"
        )
    return replace(rec, why=why, cause="unpublished inputs" if why else "")


def _drive_record(part: Part, pub, wl_name, quantity: str, run: _Predictions) -> Record:
    predicted, binding = run.drive(pub.capacity, wl_name, pub.block_size, quantity, pub.state)
    if quantity == "power" and binding.endswith("power") and np.isclose(pub.value, part.get("power_cap")):
        # power-bound prediction of a figure equal to the cap: equal by construction, not a check
        return _record(part, pub, predicted, "power (= the power cap by construction)")
    rec = _record(part, pub, predicted, binding)
    params, prov = run.params(pub.capacity)
    cause, why = explain.explain_miss(rec, prov, pub.state)
    if pub.state == "slc_burst":
        burst = explain.burst_why(params, prov, predicted if quantity == "throughput" else None, source=not why)
        why = burst + ("; " + why if why else "")
    if why and pub.metric == "rand_write" and rec.error is not None and rec.error < 0:
        b = sanity.random_write_waf_bound(part, pub.capacity, pub.value, pub.block_size, params)
        if b is not None and b["waf_max"] < b["waf_model"]:
            why += "; " + sanity.describe_waf_bound(b, params["raw_capacity"])
            cause = "own figures disagree"
    return replace(rec, why=why, cause=cause)


def validate_part(part: Part, cat=None) -> list[Record]:
    """Every published figure of a part with the model's prediction.

    Returns
    -------
    list of Record
    """
    part = _parts.part(part)  # an id, a spec-file path or a Part; anything else: one line naming part
    run = _Predictions(part, catalogue() if cat is None else cat)
    records = []
    for pub in part.published:
        rec = _not_compared(part, pub)
        if rec is None:
            wl_name, quantity = PREDICTED[pub.metric]
            if wl_name == "latency":
                rec = _latency_record(part, pub, quantity, run)
            elif wl_name == "endurance":
                rec = _endurance_record(part, pub, quantity, run)
            elif pub.metric == "mixed_70_30":
                rec = _mixed_record(part, pub, run)
            else:
                rec = _drive_record(part, pub, wl_name, quantity, run)
        records.append(rec)
    return records


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
    out: dict[str, dict[str, Any]] = {c: {"n": 0, "unconfirmed": 0, "meaning": m} for c, m in CAUSES.items()}
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
        errs = np.array([abs(r.error) for r in recs if r.error is not None])
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


def range_summary(records) -> dict:
    """Vendor figures with a predicted range (:attr:`Record.in_range`), counted per metric class.

    A QD1 latency's range spans its unstated inputs (tR, firmware time); a mixed figure with no stated queue
    depth has only a range. Third-party (``measured``) figures are left out, as in :func:`summary`.

    Returns
    -------
    dict
        class -> {"n": figures with a range, "inside": of them inside it, "range_only": of them with no single
        prediction}
    """
    out: dict[str, dict[str, int]] = {}
    for r in records:
        if r.in_range is None or r.kind == "measured":
            continue
        c = out.setdefault(CLASSES.get(r.metric, r.metric), {"n": 0, "inside": 0, "range_only": 0})
        c["n"] += 1
        c["inside"] += int(r.in_range)
        c["range_only"] += int(r.predicted is None)
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
    """:func:`summary`, :func:`miss_causes` and (where any figure has one) :func:`range_summary` as Markdown tables
    (``linkmodel validate --markdown``).

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
    ranges = range_summary(records)
    if ranges:
        lines += [
            "",
            "| metric class | figures with a predicted range | published inside it "
            "| range only (no single prediction) |",
            "|---|---|---|---|",
        ]
        for name in [c for c in _MARKDOWN_ORDER if c in ranges] + sorted(set(ranges) - set(_MARKDOWN_ORDER)):
            c = ranges[name]
            lines.append(f"| {name} | {c['n']} | {c['inside']}/{c['n']} | {c['range_only']} |")
    return "\n".join(lines) + "\n"
