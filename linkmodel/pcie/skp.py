"""SKP ordered sets (clock compensation): the share of lane time they take.

Cadence and lengths, per encoding and mode:

=====================  ======================================  =====================================
mode / encoding        SKP ordered set (per lane)              interval (common clock or SRNS / SRIS)
=====================  ======================================  =====================================
non-flit 8b/10b        COM + 3 SKP = 4 symbols                 1180-1538 / < 154 symbol times [SPEC62 §4.2.8.4]
non-flit 128b/130b     16 symbols (one block) + 4 B EDS token  370-375 / < 38 blocks [SPEC62 §4.2.8.4; MS3 pp.412-441]
                       (the EDS DW is striped over the lanes)
flit, 8b/10b           4 symbols, placed on a flit boundary    1180-1538 / < 154 symbol times [SPEC62 §4.2.3.4.5]
flit, 128b/130b        16 symbols (one block)                  Table 4-21, flits between ordered sets
flit, 1b/1b            40 bytes (transmit)                     Table 4-21 [SPEC62 §4.2.3.1.5, §4.2.3.4.5]
=====================  ======================================  =====================================

Where the spec gives a range of intervals this model takes the longest (the
least overhead an efficient transmitter may use; pcie-bench uses the same
1538): an ASSUMPTION, worth < 0.01 % of bandwidth. Nominal 16-symbol SKP OS
are assumed for 128b/130b (retimers may add or remove 4 symbols).
"""

from __future__ import annotations

import math
from typing import get_args

from linkmodel._array import check_choice, pack, unpack
from linkmodel._typing import ArrayLike, Clocking
from linkmodel.pcie import phy
from linkmodel.pcie._jit import elementwise, jitable
from linkmodel.pcie.flit import FLIT_BYTES, resolve_flit

__all__ = [
    "CLOCKINGS",
    "EDS_BYTES",
    "FLIT_SKP_INTERVAL",
    "SKP_1B1B_BYTES",
    "SKP_8B10B_INTERVAL",
    "SKP_8B10B_SYMBOLS",
    "SKP_128B130B_BYTES",
    "SKP_128B130B_INTERVAL",
    "check_clocking",
    "clocking_code",
    "skp_fraction",
]

CLOCKINGS: tuple[Clocking, ...] = get_args(Clocking)

SKP_8B10B_SYMBOLS = 4  # COM + 3 SKP [SPEC62 §4.2.8.4]
SKP_8B10B_INTERVAL = {"srns": 1538, "sris": 153}  # symbol times, longest allowed (SRIS: < 154)
SKP_128B130B_BYTES = 16  # nominal SKP OS, one block [MS3 p.412]
EDS_BYTES = 4  # EDS token before each SKP OS in a non-flit data stream [MS3 pp.413-418]
SKP_128B130B_INTERVAL = {"srns": 375, "sris": 37}  # blocks, longest allowed (< 38 for SRIS)
SKP_1B1B_BYTES = 40  # transmitted 1b/1b SKP OS [SPEC62 §4.2.3.1.5]

#: [SPEC62] Table 4-21: flits between ordered sets, by (clocking, encoding),
#: columns x1, x2, x4, x8, x16.
FLIT_SKP_INTERVAL = {
    ("srns", "1b/1b"): (46, 93, 187, 374, 748),
    ("srns", "128b/130b"): (23, 46, 93, 187, 374),
    ("sris", "1b/1b"): (4, 9, 18, 37, 74),
    ("sris", "128b/130b"): (2, 4, 9, 18, 37),
}
_LANE_INDEX = {1: 0, 2: 1, 4: 2, 8: 3, 16: 4}


def check_clocking(clocking: Clocking) -> Clocking:
    """Validate the reference-clock architecture; ``common`` behaves as SRNS."""
    check_choice("clocking", clocking, CLOCKINGS)
    return "srns" if clocking == "common" else clocking


#: the clocking codes of the scalar kernel (0 SRNS or common clock, 1 SRIS) and its tables by code
_CLK_CODES = ("srns", "sris")
_8B10B_INTERVAL_T = tuple(float(SKP_8B10B_INTERVAL[c]) for c in _CLK_CODES)
_128B130B_INTERVAL_T = tuple(float(SKP_128B130B_INTERVAL[c]) for c in _CLK_CODES)
_FLIT_128_T = tuple(tuple(float(x) for x in FLIT_SKP_INTERVAL[(c, "128b/130b")]) for c in _CLK_CODES)
_FLIT_1B1B_T = tuple(tuple(float(x) for x in FLIT_SKP_INTERVAL[(c, "1b/1b")]) for c in _CLK_CODES)


def clocking_code(clk: Clocking) -> int:
    """The scalar kernel's code of a clocking from :func:`check_clocking` (0 SRNS, 1 SRIS)."""
    return _CLK_CODES.index(clk)


def skp_fraction(gen: ArrayLike, lanes: ArrayLike, flit: ArrayLike | None = None, clocking: Clocking = "common"):
    """Share of each lane's time taken by SKP ordered sets [1].

    Parameters
    ----------
    gen : int or array-like or xarray.DataArray
        PCIe generation.
    lanes : int or array-like or xarray.DataArray
        Link width.
    flit : bool or array-like or None
        Flit mode; None means the generation's default (flit at 64 GT/s and
        above, non-flit below).
    clocking : {"common", "srns", "sris"}
        Reference clock architecture; common clock uses the SRNS cadence.

    Returns
    -------
    fraction : broadcast kind of the inputs
        [1]; e.g. 40/12008 = 0.333 % for Gen6 x16 (1b/1b, SRNS).
    """
    clk = check_clocking(clocking)
    a, k = unpack(gen=gen, lanes=lanes, flit=0.0 if flit is None else flit)  # 0.0: a placeholder, unused when None
    g, n = phy.check_gen(a["gen"]), phy.check_lanes(a["lanes"])
    f = resolve_flit(g, None if flit is None else a["flit"])
    return pack(skp_fraction_kernel(g, n, f, clk), k, "skp_fraction", "1", "share of lane time in SKP ordered sets")


# -- Kernels (validated inputs, no checks; for linkmodel.pcie's own use) ---------------


@jitable
def skp_fraction_scalar_kernel(g, lanes, flit, clk):
    """SKP share of lane time [1] of one validated element; `clk` from :func:`clocking_code` (0 SRNS, 1 SRIS)."""
    enc = phy.encoding_index_scalar_kernel(g)
    c = int(clk)
    if enc == 0:  # 8b/10b, flit or not
        return SKP_8B10B_SYMBOLS / _8B10B_INTERVAL_T[c]
    if not flit:
        if enc != 1:
            return math.nan
        # the 4-byte EDS token is one DW of the data stream, striped over all lanes: 4/N bytes per lane
        return (SKP_128B130B_BYTES + EDS_BYTES / lanes) / (_128B130B_INTERVAL_T[c] * SKP_128B130B_BYTES)
    # flit mode: per-lane bytes between ordered sets = flits * 256 / lanes (Table 4-21 columns x1 .. x16)
    col = 0 if lanes == 1 else (1 if lanes == 2 else (2 if lanes == 4 else (3 if lanes == 8 else 4)))
    if enc == 1:
        per_lane = _FLIT_128_T[c][col] * FLIT_BYTES / lanes
        return SKP_128B130B_BYTES / (per_lane + SKP_128B130B_BYTES)
    per_lane = _FLIT_1B1B_T[c][col] * FLIT_BYTES / lanes
    return SKP_1B1B_BYTES / (per_lane + SKP_1B1B_BYTES)


_skp_fraction = elementwise(skp_fraction_scalar_kernel)


def skp_fraction_kernel(g, lanes, flit, clk):
    """Element-wise SKP share of lane time [1] on validated arrays; `clk` from :func:`check_clocking`."""
    return _skp_fraction(g, lanes, flit, float(clocking_code(clk)))
