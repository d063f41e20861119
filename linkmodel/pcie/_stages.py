"""The stages of the link budget (:func:`linkmodel.pcie.link`), for :mod:`linkmodel.pcie.budget` only.

Each stage takes the budget's validated inputs ``v`` (numpy arrays: ``g``
generation, ``n`` lanes, ``size``, ``mps``, ``mrrs``, ``rcb`` and ``offset``
[B], ``w`` write share [1], ``flit``, ``ecrc``, ``addressing`` [bit],
``ber``/``fer`` error rates [1], ``replay_rtt`` [s], the ``command_*``
traffic per transfer) and composes the phenomenon modules' kernels; none
checks anything. A private module: import-linter keeps it inside
``linkmodel.pcie`` (pyproject.toml).
"""

from __future__ import annotations

import numpy as np

from linkmodel.pcie import dllp as _dllp
from linkmodel.pcie import flit as _flit
from linkmodel.pcie import framing as _framing
from linkmodel.pcie import phy
from linkmodel.pcie import transactions as _tx

__all__ = ["stage_dllp", "stage_packing", "stage_phy", "stage_replay", "stage_transactions"]


def stage_phy(v):
    """Line rate and raw bandwidth per direction [B/s]: rate x lanes / 8, then line encoding."""
    g, n = v["g"], v["n"]
    line = phy.rate_kernel(g) * n / 8.0
    raw = line * phy.encoding_efficiency_kernel(g)
    return line, raw


def stage_transactions(v, completion_split):
    """Per average transfer: TLPs and bytes in each direction."""
    s, o, w, f = v["size"], v["offset"], v["w"], v["flit"]
    n_w = _tx.n_chunks_kernel(s, v["mps"], o)
    n_r = _tx.n_chunks_kernel(s, v["mrrs"], o)
    n_c = _tx.n_chunks_kernel(s, _tx.completion_unit_kernel(v["mps"], v["mrrs"], v["rcb"], completion_split), o)
    padded = _framing.DW * (np.ceil((o + s) / _framing.DW) - np.floor(o / _framing.DW))
    h_req = _framing.request_header_kernel(v["addressing"], v["ecrc"])
    h_cpl = _framing.HEADER_CPL + _framing.ECRC * v["ecrc"]
    fr = np.where(f, 0, _framing.NONFLIT_FRAMING)
    r = 1.0 - w
    # flit mode: a memory request whose first or last DW is partial carries 1 DW of OHC-A1 for its
    # byte enables [SPEC62 §2.2.1.2, §2.2.5]; only a transfer's first and last TLP can be partial
    part_first = (o % _framing.DW) != 0
    part_last = ((o + s) % _framing.DW) != 0

    def ohc(n):
        return (
            np.where(f, np.where(n == 1, part_first | part_last, part_first * 1.0 + part_last * 1.0), 0.0) * _framing.DW
        )

    ohc_w, ohc_r = ohc(n_w), ohc(n_r)
    t = {
        "n_w": n_w,
        "n_r": n_r,
        "n_c": n_c,
        # per write transfer / per read transfer, TLP bytes in each direction
        "write_up": padded + n_w * (h_req + fr) + ohc_w,
        "read_up": n_r * (h_req + fr) + ohc_r,
        "read_down": padded + n_c * (h_cpl + fr),
        "up": {
            "tlps": w * n_w + r * n_r + v["command_upstream_tlps"],
            "payload": w * s,
            "padding": w * (padded - s),
            "headers": w * (n_w * h_req + ohc_w) + r * (n_r * h_req + ohc_r),
            "command": v["command_upstream_bytes"],
            "framing": (w * n_w + r * n_r + v["command_upstream_tlps"]) * fr,
        },
        "down": {
            "tlps": r * n_c + v["command_downstream_tlps"],
            "payload": r * s,
            "padding": r * (padded - s),
            "headers": r * n_c * h_cpl,
            "command": v["command_downstream_bytes"],
            "framing": (r * n_c + v["command_downstream_tlps"]) * fr,
        },
    }
    return t


def stage_packing(v, t, packing):
    """Flit NOP fill: per-transfer flit padding and the 8-TLPs-per-half rule."""
    f, w = v["flit"], v["w"]
    r = 1.0 - w
    tb = _flit.TLP_BYTES
    for d in ("up", "down"):
        t[d]["nop"] = np.zeros_like(t[d]["payload"])
    if packing == "per_transfer":

        def fill(x):
            return np.where(x > 0, np.ceil(x / tb) * tb - x, 0.0)

        t["up"]["nop"] = np.where(f, w * fill(t["write_up"]) + r * fill(t["read_up"]), 0.0)
        t["down"]["nop"] = np.where(f, r * fill(t["read_down"]), 0.0)
    for d in ("up", "down"):
        x = t[d]
        x["bytes"] = x["payload"] + x["padding"] + x["headers"] + x["command"] + x["framing"] + x["nop"]
        tlp_bytes = x["bytes"] - x["nop"]
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(x["tlps"] > 0, tlp_bytes / np.where(x["tlps"] > 0, x["tlps"], 1.0), tb)
        x["mean_tlp"] = mean
        x["pack"] = np.where(f, _flit.packing_efficiency_kernel(mean), 1.0)


def stage_replay(v, t, raw_after_skp, replay):
    """Goodput share left by replays, per direction."""
    f = v["flit"]
    for d in ("up", "down"):
        x = t[d]
        # flit mode: unit = one flit; non-flit: unit = one TLP of mean size
        unit_bytes = np.where(f, _flit.FLIT_BYTES, x["mean_tlp"])
        p_tlp = -np.expm1(8 * unit_bytes * np.log1p(-v["ber"]))
        p = np.where(f, v["fer"], np.where(x["tlps"] > 0, p_tlp, 0.0))
        window = v["replay_rtt"] * raw_after_skp / unit_bytes
        mode = np.where(f, replay == "selective", False)
        selective = _flit.replay_efficiency_kernel(p, window, "selective")
        x["replay_eff"] = np.where(mode, selective, _flit.replay_efficiency_kernel(p, window, "go_back_n"))


def stage_dllp(v, t, policy, credits):
    """DLLP kinds per direction: [(TLPs answered per transfer, max DLLPs/s)]."""
    g, n, f = v["g"], v["n"], v["flit"]
    limit = _dllp.latency_limit_kernel(g, n, v["mps"])
    sym = phy.symbol_time_kernel(g)  # s per symbol per lane (8 or 10 UI)
    cap = 1.0 / (limit * sym)  # at most one DLLP of a kind per latency limit
    w, r = v["w"], 1.0 - v["w"]
    none = np.zeros_like(cap)
    kinds: dict[str, list[tuple[np.ndarray, np.ndarray]]]
    if policy in ("none", "pcie_bench"):
        kinds = {"up": [], "down": []}
    else:
        if policy == "per_tlp":
            cap = np.full_like(cap, np.inf)
        off = ~f  # flit mode carries Acks and credits in the DLP
        up_tlps = np.where(off, t["up"]["tlps"], 0.0)
        down_tlps = np.where(off, t["down"]["tlps"], 0.0)
        kinds = {
            # downstream DLLPs answer upstream MWr / MRd
            "down": [(up_tlps, cap), (np.where(off, w * t["n_w"], 0.0), cap), (np.where(off, r * t["n_r"], 0.0), cap)],
            # upstream DLLPs answer downstream CplD
            "up": [(down_tlps, cap)] + ([(np.where(off, r * t["n_c"], 0.0), cap)] if credits == "finite" else []),
        }
    frac = np.where(f, 0.0, 2 * _dllp.DLLP_BYTES / limit) if policy == "pcie_bench" else none
    return kinds, frac
