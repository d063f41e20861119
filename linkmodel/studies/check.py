"""Check one spec file: its figures against the model, what must be true to reach each, and its inputs.

What ``linkmodel check PATH`` prints, as one study: :func:`report` gives the
validation records, the sanity checks, the model's inputs with their
provenance, and the predictions at each NVMe power state.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from linkmodel import parts as _parts
from linkmodel.parts import Part
from linkmodel.ssd import drive
from linkmodel.studies import sanity, validate
from linkmodel.studies.figures import Record

__all__ = ["POWER_STATE_WORKLOADS", "CheckReport", "power_state_rows", "report"]

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

    def to_dict(self) -> dict:
        """JSON-ready dict (``linkmodel check --json``)."""
        return {
            "part": self.part.id,
            "records": [r.as_dict() for r in self.records],
            "checks": [c.as_dict() for c in self.checks],
            "inputs": self.inputs,
            "power_states": self.power_states,
        }


def power_state_rows(part: Part) -> list[dict]:
    """Predictions at each NVMe power state of a part: throughput [B/s] or IOPS [1/s], power [W], binding."""
    rows = []
    for i, cap in enumerate(part.get("power_states") or ()):
        row: dict = {"state": f"PS{i}", "power_cap": cap, "error": None}
        try:
            params, _ = _parts.params_from_part(part, power_state=i)
            ds = drive.predict(params, [drive.WORKLOADS[w] for w in POWER_STATE_WORKLOADS])
        except ValueError as exc:
            row["error"] = str(exc)
            rows.append(row)
            continue
        for wl in POWER_STATE_WORKLOADS:
            sel = ds.sel(workload=wl)
            value = float(sel.throughput) if wl.startswith("seq") else float(sel.iops)
            row[wl] = {"value": value, "power": float(sel.power), "binding": str(sel.binding.values)}
        rows.append(row)
    return rows


def report(part: Part) -> CheckReport:
    """Validate and sanity-check one part, with its inputs at the headline capacity and its power states."""
    part = _parts.part(part)  # an id, a spec-file path or a Part; anything else: one line naming part
    records = validate.validate_part(part)
    checks = sanity.check_part(part)
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
    return CheckReport(part, records, checks, inputs, power_state_rows(part))
