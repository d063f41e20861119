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

from typing import get_args

import numpy as np

from linkmodel._array import check_choice, pack, unpack
from linkmodel._typing import ArrayLike, Clocking
from linkmodel.pcie import phy
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


def _flit_interval(lanes, clk, enc_name):
    table = np.asarray(FLIT_SKP_INTERVAL[(clk, enc_name)], dtype=float)
    idx = np.select([lanes == 1, lanes == 2, lanes == 4, lanes == 8], [0, 1, 2, 3], 4)
    return table[idx]


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


def skp_fraction_kernel(g, lanes, flit, clk):
    """Element-wise SKP share of lane time [1] on validated arrays; `clk` from :func:`check_clocking`."""
    enc = phy.encoding_index_kernel(g)
    # non-flit
    nf_8b10b = SKP_8B10B_SYMBOLS / SKP_8B10B_INTERVAL[clk]
    # the 4-byte EDS token is one DW of the data stream, striped over all lanes: 4/N bytes per lane
    nf_128 = (SKP_128B130B_BYTES + EDS_BYTES / lanes) / (SKP_128B130B_INTERVAL[clk] * SKP_128B130B_BYTES)
    # flit mode: per-lane bytes between ordered sets = flits * 256 / lanes
    per_lane_128 = _flit_interval(lanes, clk, "128b/130b") * FLIT_BYTES / lanes
    per_lane_1b1b = _flit_interval(lanes, clk, "1b/1b") * FLIT_BYTES / lanes
    f_128 = SKP_128B130B_BYTES / (per_lane_128 + SKP_128B130B_BYTES)
    f_1b1b = SKP_1B1B_BYTES / (per_lane_1b1b + SKP_1B1B_BYTES)
    nonflit = np.where(enc == 0, nf_8b10b, np.where(enc == 1, nf_128, np.nan))
    flitm = np.where(enc == 0, nf_8b10b, np.where(enc == 1, f_128, f_1b1b))
    return np.where(flit, flitm, nonflit)
