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

from linkmodel.pcie import flit, latency, link, link_values, phy

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
    """One configuration's budget, idle latency and inputs.

    ``values``: the budget's numbers (:func:`linkmodel.pcie.link_values`);
    ``latency_values``: the idle latency's terms [s]
    (:func:`linkmodel.pcie.latency.breakdown_values`) of one transfer of kind
    ``latency_transfer`` ("write" or "read"). The Datasets of both
    (``budget``, ``latency``) are built only when asked for.
    """

    inputs: dict
    values: Any
    latency_values: dict
    latency_transfer: str

    @property
    def budget(self):
        """The :func:`linkmodel.pcie.link` Dataset of this configuration."""
        return self.values.to_dataset()

    @property
    def latency(self):
        """The :func:`linkmodel.pcie.latency.breakdown` Dataset of one transfer [s]."""
        return latency.breakdown(**_latency_inputs(self.inputs, self.latency_transfer))

    def to_dict(self) -> dict:
        """JSON-ready dict in SI units (``linkmodel link --json``)."""
        v, kw = self.values, self.inputs
        gen = phy.GENERATIONS[kw["gen"]]
        per_dir = {}
        for d in v.directions:
            per_dir[d] = {
                "line_rate": float(v["line_rate"]),
                "raw_bandwidth": float(v["raw_bandwidth"]),
                "efficiency": float(v.at("payload", d) / v["raw_bandwidth"]),
                **{name: float(v.at(name, d)) for name, _ in BREAKDOWN},
                "tlps_per_transfer": float(v.at("tlps_per_transfer", d)),
                "bytes_per_transfer": float(v.at("bytes_per_transfer", d)),
            }
        return {
            "gen": kw["gen"],
            "lanes": kw["lanes"],
            "rate": gen.rate,
            "modulation": gen.modulation,
            "encoding": gen.encoding,
            "flit": bool(v["flit"]),
            "provisional": bool(v["provisional"]),
            "mps": kw["mps"],
            "mrrs": kw["mrrs"],
            "size": kw["size"],
            "transfer": kw["transfer"],
            "write_fraction": kw.get("write_fraction"),
            "line_rate": float(v["line_rate"]),
            "raw_bandwidth": float(v["raw_bandwidth"]),
            "effective_bandwidth": float(v["effective_bandwidth"]),
            "efficiency": float(v["efficiency"]),
            "transfer_rate": float(v["transfer_rate"]),
            "binding": str(v["binding"]),
            "ceilings": {
                "link_upstream": float(v["ceiling_link_upstream"]),
                "link_downstream": float(v["ceiling_link_downstream"]),
                "tags": float(v["ceiling_tags"]),
            },
            "per_direction": per_dir,
            "latency": {k: float(x) for k, x in self.latency_values.items()},
            "assumptions": {k: v.options[k] for k in _ASSUMPTIONS},
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
    values = link_values(**inputs)
    reads_only = inputs.get("write_fraction", 0.0 if inputs["transfer"] == "read" else 1.0) == 0.0
    transfer = "read" if reads_only else "write"
    lat = latency.breakdown_values(**_latency_inputs(inputs, transfer))
    return LinkReport(dict(inputs), values, lat, transfer)


def _latency_inputs(inputs: dict, transfer: str) -> dict:
    """The keywords of :func:`linkmodel.pcie.latency.breakdown` for one transfer of a :func:`report` config."""
    return dict(
        gen=inputs["gen"],
        lanes=inputs["lanes"],
        size=inputs["size"],
        mps=inputs["mps"],
        mrrs=inputs["mrrs"],
        flit=inputs.get("flit"),
        addressing=inputs.get("addressing", 64),
        transfer=transfer,
    )


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
