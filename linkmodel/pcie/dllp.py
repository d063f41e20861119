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

import math
from typing import get_args

from linkmodel._array import check_choice, pack, unpack
from linkmodel._typing import ArrayLike, DllpPolicy
from linkmodel.pcie import phy
from linkmodel.pcie._jit import elementwise, jitable
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


_DELAY_T = (float(INTERNAL_DELAY[1]), float(INTERNAL_DELAY[2]), float(INTERNAL_DELAY[3]))


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


@jitable
def latency_limit_scalar_kernel(g, lanes, mps):
    """:func:`latency_limit` of one validated element [symbol times]: ``floor((MPS + 28) x factor / lanes + delay)``."""
    small = 1.4 if lanes <= 4 else (2.5 if lanes <= 8 else 3.0)  # MPS <= 256
    large = 1.0 if lanes <= 8 else 2.0  # MPS >= 512
    factor = small if mps <= 256 else large
    gi = int(g)
    delay = _DELAY_T[0] if gi == 1 else (_DELAY_T[1] if gi == 2 else _DELAY_T[2])
    return float(math.floor((mps + TLP_OVERHEAD_SYMBOLS) * factor / lanes + delay))


#: :func:`latency_limit_scalar_kernel` on validated arrays [symbol times].
latency_limit_kernel = elementwise(latency_limit_scalar_kernel)


@jitable
def max_rate_under_dllps_scalar_kernel(capacity, bytes_per_unit, t0, c0, t1, c1, t2, c2):
    """Largest rate X with ``X*b + 8*sum_k min(X*t_k, c_k) <= capacity``, for one element [units/s].

    Each kind k of DLLP (up to three; an absent kind has ``t = c = 0``, which
    adds exact zeros) is sent at ``min(X*t_k, c_k)`` per second: one per
    answered TLP (t_k TLPs per unit of work [1]) but at most c_k per second
    [1/s]. The left side is concave and increasing in X, so X* is the largest
    of the candidates obtained by fixing each min() to one branch (2**3
    combinations). `capacity` [B/s] is the direction's link-layer capacity,
    `bytes_per_unit` [B] its TLP bytes per unit of work.
    """
    best = 0.0
    s0, s1, s2 = DLLP_BYTES * t0, DLLP_BYTES * t1, DLLP_BYTES * t2
    k0, k1, k2 = DLLP_BYTES * c0, DLLP_BYTES * c1, DLLP_BYTES * c2
    for mask in range(8):
        # a kind with t = 0 (none sent, or carried in flits) adds 8*c >= 0 to the constant at the same slope when its
        # min() is fixed to c: a candidate no larger than the one with the kind's min() at 0, so skipping it leaves
        # the maximum unchanged (to the bit) and halves the work per absent kind
        if (mask & 1 and t0 == 0) or (mask & 2 and t1 == 0) or (mask & 4 and t2 == 0):
            continue
        slope = 1.0 * bytes_per_unit
        const = 0.0
        if mask & 1:
            const = const + k0
        else:
            slope = slope + s0
        if mask & 2:
            const = const + k1
        else:
            slope = slope + s1
        if mask & 4:
            const = const + k2
        else:
            slope = slope + s2
        x = (capacity - const) / slope if slope > 0 else (math.inf if capacity - const >= 0 else -math.inf)
        best = max(best, x)
    return best


@jitable
def dllp_rate_scalar_kernel(x, t0, c0, t1, c1, t2, c2):
    """DLLP bytes per second [B/s] at unit rate `x` [1/s] for up to three kinds (t [1], c [1/s]; absent: 0, 0)."""
    return DLLP_BYTES * min(x * t0, c0) + DLLP_BYTES * min(x * t1, c1) + DLLP_BYTES * min(x * t2, c2)
