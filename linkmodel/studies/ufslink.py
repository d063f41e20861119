"""A UFS link budget as one study (``linkmodel ufs``): where the wire bytes of a transfer go, per direction.

Runs :func:`linkmodel.ufs.link` on one configuration and breaks each
direction's wire bytes into data, UPIU headers, symbol padding and UniPro
frame overhead. SI units (B, B/s, s, 1/s).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from linkmodel.ufs import link, mphy, unipro
from linkmodel.ufs.budget import DIRECTIONS

__all__ = ["UfsReport", "report"]


@dataclass(frozen=True)
class UfsReport:
    """One UFS configuration's budget (``budget``: a :func:`linkmodel.ufs.link` Dataset) and its inputs."""

    inputs: dict
    budget: Any

    def to_dict(self) -> dict:
        """JSON-ready dict in SI units."""
        ds, kw = self.budget, self.inputs
        gear = mphy.GEARS[int(kw["gear"])]
        per_dir = {}
        for d in DIRECTIONS:
            sel = ds.sel(direction=d)
            frames = float(sel.frames)
            per_dir[d] = {
                "byte_rate": float(sel.byte_rate),
                "wire_bytes": float(sel.wire_bytes),
                "payload": float(sel.payload),
                "frames": frames,
                "frame_overhead": float(unipro.frame_overhead(frames)),
                "upiu_headers_and_padding": float(sel.wire_bytes)
                - float(sel.payload)
                - float(unipro.frame_overhead(frames)),
                "time_per_transfer": float(sel.time_per_transfer),
            }
        return {
            "family": "ufs",
            "gear": int(kw["gear"]),
            "series": kw["series"],
            "lanes": int(kw["lanes"]),
            "line_rate_per_lane": getattr(gear, f"rate_{kw['series'].lower()}"),
            "coding": gear.coding,
            "coding_confirmed": gear.confirmed,
            "size": kw["size"],
            "transfer": kw["transfer"],
            "data_upiu": kw["data_upiu"],
            "frame_payload": float(np.asarray(ds.attrs.get("frame_payload", np.nan))),
            "transfer_rate": float(ds.transfer_rate),
            "effective_bandwidth": float(ds.effective_bandwidth),
            "efficiency": float(ds.efficiency),
            "binding": str(ds.binding.values),
            "per_direction": per_dir,
            "units": {"bandwidth": "B/s", "size": "B", "rate": "bit/s", "time": "s", "transfer_rate": "1/s"},
        }


def report(gear, lanes, size, series="B", transfer="read", data_upiu=32768.0, frame_payload=None) -> UfsReport:
    """The budget of one UFS link configuration (see :func:`linkmodel.ufs.link` for the parameters)."""
    ds = link(gear, lanes, size, series, transfer, data_upiu, frame_payload)
    fp = float(unipro.default_frame_payload(gear)) if frame_payload is None else float(frame_payload)
    ds.attrs["frame_payload"] = fp
    inputs = {"gear": gear, "lanes": lanes, "size": float(size), "series": series, "transfer": transfer}
    inputs["data_upiu"] = float(data_upiu)
    return UfsReport(inputs, ds)
