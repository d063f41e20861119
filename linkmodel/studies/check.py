"""Check one spec file: its figures against the model, what must be true to reach each, and its inputs.

What ``linkmodel check PATH`` prints, as one study: :func:`report` gives the
validation records, the sanity checks, the model's inputs with their
provenance, and the predictions at each NVMe power state. With draws (default
1,000) each drive-model figure also gets the model's median, 80 % interval and
the published figure's quantile (:func:`linkmodel.studies.uncertain.intervals`),
the inputs that dominate its spread, and each sanity check a verdict
(:mod:`linkmodel.studies.verdict`): consistent, optimistic, pessimistic or
impossible.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from linkmodel import parts as _parts
from linkmodel.parts import Part
from linkmodel.ssd import drive
from linkmodel.studies import sanity, uncertain, validate, verdict
from linkmodel.studies.figures import Record

__all__ = ["DEFAULT_DRAWS", "POWER_STATE_WORKLOADS", "CheckReport", "figure_key", "power_state_rows", "report"]

#: draws per SKU by default: the 10th percentile of a figure with log-sd 0.2 to about 1 % (uncertainty.md §4)
DEFAULT_DRAWS = 1000

#: the workloads predicted at each NVMe power state
POWER_STATE_WORKLOADS = ("seq_read", "seq_write", "rand_read", "rand_write")


@dataclass(frozen=True)
class CheckReport:
    """One part checked: records (published vs predicted), sanity checks, inputs, power states (SI units)."""

    part: Part
    records: list[Record]
    checks: list[sanity.Check]
    inputs: list[dict] = field(default_factory=list)
    power_states: list[dict] = field(default_factory=list)
    #: the figures over draws (None: not drawn), by :func:`figure_key`
    intervals: uncertain.Intervals | None = None

    def interval_of(self, rec) -> uncertain.FigureInterval | None:
        """The drawn interval of a record or check (None: not a drive-model figure, or not drawn)."""
        if self.intervals is None:
            return None
        return next((f for f in self.intervals.figures if figure_key(f) == figure_key(rec)), None)

    def to_dict(self) -> dict:
        """JSON-ready dict (``linkmodel check --json``): a drawn record adds ``median``, ``interval`` [low,
        high], ``quantile`` and ``sensitivity``; the draws' ``seed`` and number are at the top."""
        records = []
        for r in self.records:
            d = r.as_dict()
            f = self.interval_of(r)
            if f is not None:
                d |= {
                    "median": f.median,
                    "interval": [f.low, f.high],
                    "quantile": f.quantile,
                    "sensitivity": f.sensitivity,
                }
            records.append(d)
        out: dict[str, object] = {
            "part": self.part.id,
            "records": records,
            "checks": [c.as_dict() for c in self.checks],
            "inputs": self.inputs,
            "power_states": self.power_states,
        }
        if self.intervals is not None:
            out |= {"draws": self.intervals.draws, "seed": self.intervals.seed, "method": self.intervals.method}
        return out


def figure_key(x) -> tuple:
    """What pairs a record, a check and a drawn figure: metric, capacity [B] and published value."""
    return (x.metric, x.capacity, x.published)


def power_state_rows(part: Part) -> list[dict]:
    """Predictions at each NVMe power state of a part: throughput [B/s] or IOPS [1/s], power [W], binding."""
    rows = []
    for i, cap in enumerate(part.get("power_states") or ()):
        row: dict = {"state": f"PS{i}", "power_cap": cap, "error": None}
        try:
            params, _ = _parts.params_from_part(part, power_state=i)
            # one workload at a time, as drive.predict evaluates them (without stacking them on an axis)
            runs = {wl: drive.evaluate(params, drive.WORKLOADS[wl]) for wl in POWER_STATE_WORKLOADS}
        except ValueError as exc:
            row["error"] = str(exc)
            rows.append(row)
            continue
        for wl, sel in runs.items():
            value = float(sel.throughput) if wl.startswith("seq") else float(sel.iops)
            row[wl] = {"value": value, "power": float(sel.power), "binding": str(sel.binding.values)}
        rows.append(row)
    return rows


def _workload(c: sanity.Check, block: float) -> drive.Workload:
    """The workload of a sanity check's figure at I/O size ``block`` [B]."""
    base = drive.WORKLOADS[c.metric]
    return drive.Workload(c.metric, block, base.read_fraction, base.random)


def _hard_ceilings(part: Part, checks, blocks, states) -> dict:
    """(capacity, metric, I/O size, drive state) -> the hard ceilings of each check's figure
    (:func:`verdict.ceilings`, one call per SKU) [1/s]."""
    wanted: dict = {}
    for c, b, st in zip(checks, blocks, states, strict=True):
        wanted.setdefault(c.capacity, {}).setdefault((c.capacity, c.metric, b, st), _workload(c, b))
    out: dict = {}
    for capacity, wls in wanted.items():
        tops = verdict.ceilings(part, capacity, list(wls.values()), states=[k[3] for k in wls])
        out |= dict(zip(wls, tops, strict=True))
    return out


def _with_verdict(part: Part, c: sanity.Check, block: float, f, ceilings: dict, state: str = "steady") -> sanity.Check:
    """A sanity check (of a figure at I/O size ``block`` [B], measured in drive ``state``) with its hard
    ceiling, and (when drawn) its interval and verdict; ``ceilings`` from :func:`_hard_ceilings`."""
    wl = _workload(c, block)
    key = (c.capacity, c.metric, block, state)
    if key not in ceilings:
        ceilings[key] = verdict.hard_ceilings(part, c.capacity, wl, state=state)
    at, rate = min(((v["at"], v["ceiling"]) for v in ceilings[key].values()), key=lambda x: x[1])
    ceiling = sanity.as_metric(c.metric, rate, wl.size)
    low, high = (None, None) if f is None else (f.low, f.high)
    out = replace(
        c, hard_ceiling=ceiling, hard_ceiling_at=at, verdict=verdict.classify(c.published, low, high, ceiling)
    )
    if f is not None:
        out = replace(out, median=f.median, interval=(f.low, f.high), quantile=f.quantile)
    return out


def report(part: Part, draws: int = DEFAULT_DRAWS, seed: int = 0) -> CheckReport:
    """Validate and sanity-check one part, with its inputs at the headline capacity and its power states.

    ``draws`` (>= 1, or 0 for the point predictions alone) draws of every SKU's priors, seeded with ``seed``
    (>= 0), give each drive-model figure its interval and sensitivity, and each sanity check its verdict.
    """
    part = _parts.part(part)  # an id, a spec-file path or a Part; anything else: one line naming part
    records = validate.validate_part(part)
    checks = sanity.check_part(part)
    iv = uncertain.intervals(part, draws, seed) if draws else None
    rep = CheckReport(part, records, checks, intervals=iv)
    pubs = [p for p in part.published if p.metric in sanity.PERF_METRICS]  # check_part's order
    blocks, states = [p.block_size for p in pubs], [p.state for p in pubs]
    ceilings = _hard_ceilings(part, checks, blocks, states)
    checks = [
        _with_verdict(part, c, b, rep.interval_of(c), ceilings, st)
        for c, b, st in zip(checks, blocks, states, strict=True)
    ]
    with _parts.about(part):
        params, prov = _parts.params_from_part(part)
    inputs = [
        {
            "parameter": k,
            "value": params[k],
            "unit": drive.PARAMETERS[k],
            "source": prov[k].source,
            "basis": prov[k].detail,
        }
        for k in drive.PARAMETERS
    ]
    return CheckReport(part, records, checks, inputs, power_state_rows(part), iv)
