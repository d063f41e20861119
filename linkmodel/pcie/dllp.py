"""Data-link-layer packets (Ack, UpdateFC) in non-flit mode.

Every DLLP is 8 bytes on the wire: 2.5/5 GT/s SDP + 4 B body + 2 B CRC16 +
END; 8 GT/s and above a 2-byte SDP token + 4 B + 2 B CRC [MS3 p.416;
INTEL-683390]. A DLLP is striped across all lanes, so on an xN link it takes
8/N symbol times.

How often they are sent
-----------------------
A receiver must acknowledge received TLPs before its AckNak latency timer
reaches the *Ack latency limit* of [SPEC62] Tables 3-10 (2.5 GT/s), 3-11
(5 GT/s) and 3-12 (8 GT/s and higher), in symbol times; the recommended
maximum UpdateFC latencies ([SPEC62] Tables 2-52..2-54) hold the same
numbers. MindShare [MS3 p.240] gives the formula behind both tables::

    limit = floor((MPS + 28) x factor / lanes + internal_delay)

with TLP overhead 28 symbols, internal delay 19 / 70 / 115 symbol times at
2.5 / 5 / >= 8 GT/s, and factor 1.4 (x1-x4, MPS <= 256), 2.5 (x8, MPS <=
256), 3.0 (x12-x32, MPS <= 256), 1.0 (x1-x8, MPS >= 512), 2.0 (x12-x32, MPS
>= 512). :func:`latency_limit` evaluates it; ``tests/test_dllp.py`` checks it
against every table value quoted in the reference dossier.

Policies (``dllp_policy``)
--------------------------
``"spec"`` (default)
    The receiver of a TLP stream returns one Ack per Ack latency limit while
    TLPs keep arriving, but never more than one per TLP; likewise one UpdateFC
    per credit type the stream consumes (posted for MWr, non-posted for MRd;
    none for completions, whose credits endpoints and root complexes
    advertise as infinite [SPEC62 §2.6.1, Table 2-50]). DLLPs are charged to
    the direction they travel in, at a rate set by the TLP rate of the other
    direction, and occupy 8/N symbol times on an xN link.
``"per_tlp"``
    One Ack and one UpdateFC per received TLP (PLX PEX8532 "100 % DLLP"
    column; Xilinx UG962 assumes one Ack per TLP).
``"none"``
    No DLLP overhead (Intel's throughput formula, INTEL-683504).
``"pcie_bench"``
    pcie-bench/pcie-model's assumption: a fixed fraction
    ``8/ack_limit + 8/updatefc_limit`` of every direction, whatever the
    traffic, not scaled by link width (its Gen3 tables reused for Gen4+).

The 30 us minimum UpdateFC refresh [SPEC62 §2.6.1] costs 8 B per 30 us per
credit type (< 0.001 % of a x1 Gen1 link) and is not modelled.
"""

from __future__ import annotations

from typing import get_args

import numpy as np

from linkmodel._array import check_choice, pack, unpack
from linkmodel._typing import ArrayLike, DllpPolicy
from linkmodel.pcie import phy
from linkmodel.pcie.transactions import check_mps

__all__ = [
    "DLLP_BYTES",
    "INTERNAL_DELAY",
    "POLICIES",
    "TLP_OVERHEAD_SYMBOLS",
    "check_policy",
    "latency_limit",
]

DLLP_BYTES = 8  # [MS3 p.416]
TLP_OVERHEAD_SYMBOLS = 28  # [MS3 p.240]
#: internal delay in symbol times by rate class 2.5 / 5 / >= 8 GT/s [MS3 p.240; matches SPEC62 Tables 3-10..3-12]
INTERNAL_DELAY = {1: 19, 2: 70, 3: 115}
POLICIES: tuple[DllpPolicy, ...] = get_args(DllpPolicy)


def _factor(lanes, mps):
    small = np.where(lanes <= 4, 1.4, np.where(lanes <= 8, 2.5, 3.0))
    large = np.where(lanes <= 8, 1.0, 2.0)
    return np.where(mps <= 256, small, large)


def _internal_delay(g):
    return np.where(g == 1, INTERNAL_DELAY[1], np.where(g == 2, INTERNAL_DELAY[2], INTERNAL_DELAY[3]))


def latency_limit(gen: ArrayLike, lanes: ArrayLike, mps: ArrayLike):
    """Ack latency limit (= recommended max UpdateFC latency) in symbol times.

    Parameters
    ----------
    gen : int or array-like or xarray.DataArray
        PCIe generation (Gen3 and later share the 8 GT/s table).
    lanes : int or array-like or xarray.DataArray
        Link width.
    mps : int or array-like or xarray.DataArray
        Max_Payload_Size of the receiver [B].

    Returns
    -------
    limit : broadcast kind of the inputs
        [symbol times]; e.g. 203 for Gen3 x8 MPS 256 (SPEC62 Table 3-12).
    """
    a, k = unpack(gen=gen, lanes=lanes, mps=mps)
    g, n = phy.check_gen(a["gen"]), phy.check_lanes(a["lanes"])
    m = check_mps(a["mps"])
    return pack(latency_limit_kernel(g, n, m), k, "latency_limit", "symbol times", "Ack / UpdateFC latency limit")


def check_policy(policy: DllpPolicy) -> DllpPolicy:
    """Validate a DLLP policy name."""
    check_choice("dllp_policy", policy, POLICIES)
    return policy


# -- Kernels (validated inputs, no checks; for linkmodel.pcie's own use) ---------------


def latency_limit_kernel(g, lanes, mps):
    """:func:`latency_limit` on validated arrays [symbol times]."""
    return np.floor((mps + TLP_OVERHEAD_SYMBOLS) * _factor(lanes, mps) / lanes + _internal_delay(g))


def max_rate_under_dllps_kernel(capacity, bytes_per_unit, kinds):
    """Largest rate X with ``X*b + 8*sum_k min(X*t_k, c_k) <= capacity``.

    Each kind k of DLLP is sent at ``min(X*t_k, c_k)`` per second: one per
    answered TLP (t_k TLPs per unit) but at most c_k per second. The left side
    is concave and increasing in X, so X* is the largest of the candidates
    obtained by fixing each min() to one branch (2**K combinations).

    Parameters
    ----------
    capacity : ndarray
        Link-layer capacity of the direction [B/s].
    bytes_per_unit : ndarray
        TLP bytes per unit of work in this direction [B].
    kinds : list of (t, c)
        Per DLLP kind: TLPs answered per unit of work [1] and cap [1/s].

    Returns
    -------
    ndarray
        X* [units/s].
    """
    best = np.zeros(np.broadcast(capacity, bytes_per_unit).shape)
    n = len(kinds)
    for mask in range(2**n):
        slope = np.asarray(bytes_per_unit, dtype=float)
        const = np.zeros_like(best)
        for i, (t, c) in enumerate(kinds):
            if mask >> i & 1:
                const = const + DLLP_BYTES * c
            else:
                slope = slope + DLLP_BYTES * t
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.where(
                slope > 0,
                (capacity - const) / np.where(slope > 0, slope, 1.0),
                np.where(capacity - const >= 0, np.inf, -np.inf),
            )
        best = np.maximum(best, x)
    return best


def dllp_rate_kernel(x, kinds):
    """DLLP bytes per second at unit rate x, for kinds [(t, c), ...]."""
    total = np.zeros(np.shape(x))
    for t, c in kinds:
        total = total + DLLP_BYTES * np.minimum(x * t, c)
    return total
