"""A PCIe link budget as one study: where every byte of line rate goes, and one transfer's idle latency.

What ``linkmodel link`` and ``linkmodel generations`` print: :func:`report`
runs :func:`linkmodel.pcie.link` and :func:`linkmodel.pcie.latency.breakdown`
on one configuration; :func:`generations` tabulates Gen1-Gen8.

Vocabulary: ``transfer`` is what the device does on the link. ``"write"``:
posted memory writes (MWr) upstream, device to host, which is how an SSD
*read* delivers its data; ``"read"``: memory reads (MRd upstream, CplD
downstream), how an SSD *write* fetches its data; ``"both"``: equal amounts.
Storage I/O directions are ``io`` (:func:`linkmodel.pcie.nvme.io_link_ceiling`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from linkmodel.pcie import flit, latency, link, phy

__all__ = ["BREAKDOWN", "LinkReport", "generations", "report"]

#: the per-direction breakdown rows: variable -> label
BREAKDOWN = (
    ("encoding_overhead", "line encoding"),
    ("flit_overhead", "flit DLP + CRC + FEC"),
    ("skp_overhead", "SKP ordered sets"),
    ("replay_overhead", "replay"),
    ("dllp_overhead", "DLLPs (Ack, UpdateFC)"),
    ("framing_overhead", "TLP framing"),
    ("header_overhead", "TLP headers"),
    ("command_overhead", "command TLPs (NVMe)"),
    ("padding_overhead", "DW padding, NOP fill"),
    ("idle", "idle"),
    ("payload", "payload"),
)


_ASSUMPTIONS = ("clocking", "dllp_policy", "completion_split", "packing", "replay")
_UNITS = {"bandwidth": "B/s", "size": "B", "rate": "T/s", "time": "s", "transfer_rate": "1/s", "null": "no limit"}


@dataclass(frozen=True)
class LinkReport:
    """One configuration's budget (``budget``, a :func:`linkmodel.pcie.link` Dataset), idle latency and inputs."""

    inputs: dict
    budget: Any
    latency: Any

    def to_dict(self) -> dict:
        """JSON-ready dict in SI units (``linkmodel link --json``)."""
        ds, kw = self.budget, self.inputs
        gen = phy.GENERATIONS[kw["gen"]]
        per_dir = {}
        for d in ds.direction.values:
            sel = ds.sel(direction=d)
            per_dir[str(d)] = {
                "line_rate": float(sel.line_rate),
                "raw_bandwidth": float(sel.raw_bandwidth),
                "efficiency": float(sel.payload / sel.raw_bandwidth),
                **{name: float(sel[name]) for name, _ in BREAKDOWN},
                "tlps_per_transfer": float(sel.tlps_per_transfer),
                "bytes_per_transfer": float(sel.bytes_per_transfer),
            }
        return {
            "gen": kw["gen"],
            "lanes": kw["lanes"],
            "rate": gen.rate,
            "modulation": gen.modulation,
            "encoding": gen.encoding,
            "flit": bool(ds.flit),
            "provisional": bool(ds.provisional),
            "mps": kw["mps"],
            "mrrs": kw["mrrs"],
            "size": kw["size"],
            "transfer": kw["transfer"],
            "write_fraction": kw.get("write_fraction"),
            "line_rate": float(ds.line_rate),
            "raw_bandwidth": float(ds.raw_bandwidth),
            "effective_bandwidth": float(ds.effective_bandwidth),
            "efficiency": float(ds.efficiency),
            "transfer_rate": float(ds.transfer_rate),
            "binding": str(ds.binding.values),
            "ceilings": {
                "link_upstream": float(ds.ceiling_link_upstream),
                "link_downstream": float(ds.ceiling_link_downstream),
                "tags": float(ds.ceiling_tags),
            },
            "per_direction": per_dir,
            "latency": {k: float(self.latency[k]) for k in self.latency.data_vars},
            "assumptions": {k: ds.attrs[k] for k in _ASSUMPTIONS},
            "units": _UNITS,
        }


def report(**inputs) -> LinkReport:
    """The budget and idle latency of one link configuration.

    Parameters
    ----------
    **inputs
        The keywords of :func:`linkmodel.pcie.link` (``gen``, ``lanes``,
        ``size`` [B], ``mps`` [B], ``mrrs`` [B], ``transfer``, ...); the
        latency is of one transfer of the same kind (a read round trip when
        every transfer is a read, else a one-way posted write).
    """
    budget = link(**inputs)
    reads_only = inputs.get("write_fraction", 0.0 if inputs["transfer"] == "read" else 1.0) == 0.0
    lat = latency.breakdown(
        gen=inputs["gen"],
        lanes=inputs["lanes"],
        size=inputs["size"],
        mps=inputs["mps"],
        mrrs=inputs["mrrs"],
        flit=inputs.get("flit"),
        addressing=inputs.get("addressing", 64),
        transfer="read" if reads_only else "write",
    )
    return LinkReport(dict(inputs), budget, lat)


def generations() -> list[dict]:
    """Gen1-Gen8: rate [T/s], signalling, encoding, flit mode, per-direction raw bandwidth per width [B/s],
    flit TLP bandwidth, and 128 KiB posted writes on x4 at MPS 512 [B/s]."""
    lanes = np.array(phy.ALLOWED_LANES)
    rows = []
    for g, info in phy.GENERATIONS.items():
        raw = phy.raw_bandwidth(g, lanes)
        tlp = flit.tlp_bandwidth(g, lanes) if info.flit_mode == "mandatory" else None
        eff = link(g, 4, 128 * 1024, 512)
        rows.append(
            {
                "gen": g,
                "rate": info.rate,
                "modulation": info.modulation,
                "symbol_rate": info.rate / info.bits_per_symbol,
                "encoding": info.encoding,
                "flit_mode": info.flit_mode,
                "provisional": info.provisional,
                "raw_bandwidth": {f"x{n}": float(r) for n, r in zip(lanes, raw, strict=True)},
                "flit_tlp_bandwidth": None
                if tlp is None
                else {f"x{n}": float(t) for n, t in zip(lanes, tlp, strict=True)},
                "x4_128KiB_write_mps512": float(eff.effective_bandwidth),
                "source": info.source,
            }
        )
    return rows
