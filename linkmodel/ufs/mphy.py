"""MIPI M-PHY high-speed gears: rate per lane, line coding, lanes.

Each gear doubles the previous one's rate; series A and B are two rate sets
(B is 1457.6/1248 times A). G1-G3 rates A/B and the 8b/10b coding are printed
in an AC6 UFS training deck [S]; "23.32 Gbps per lane and per direction" for
HS-G5 is MIPI's UniPro v2.0 announcement [P]; the G4/G5 values here are
DERIVED by doubling (edge_inference.md §1.2, oracles E1-E3). HS-G5's coding is
not published: 8b/10b is ASSUMED (UNCONFIRMED), the only coding for which
the 4.2 GB/s UFS 4.0 figures sit at the same 90.05 % of the byte ceiling as
UFS 3.1's 2.1 GB/s on HS-G4 (§1.2). UFS 3.x/4.x use 2 lanes per direction
[S]; UniPro allows up to 4 (``PA_MAXDATALANES``) [P]. Links are full duplex:
each direction has its own lanes. Rates in bit/s per lane; byte rates in B/s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkmodel._array import check_choice, check_in, pack, unpack

__all__ = ["ALLOWED_LANES", "GEARS", "SERIES", "Gear", "byte_rate", "check_gear", "line_rate"]


@dataclass(frozen=True)
class Gear:
    """One M-PHY high-speed gear: rates per lane [bit/s] for series A and B, line coding, its source."""

    gear: int
    rate_a: float
    rate_b: float
    mphy_version: str
    coding: str
    coding_efficiency: float
    confirmed: bool
    source: str


_AC6 = "AC6 UFS training deck (G1-G3 rates A/B, 8b/10b) [S], edge_inference.md §1.2"
#: HS-G1..HS-G5 (HS-G6 is PAM4 with FEC: not modelled)
GEARS = {
    1: Gear(1, 1248e6, 1457.6e6, "<= 3.x", "8b/10b", 0.8, True, _AC6),
    2: Gear(2, 2496e6, 2915.2e6, "<= 3.x", "8b/10b", 0.8, True, _AC6),
    3: Gear(3, 4992e6, 5830.4e6, "<= 3.x", "8b/10b", 0.8, True, _AC6),
    4: Gear(4, 9984e6, 11660.8e6, "4.1", "8b/10b", 0.8, True, "DERIVED 2 x G3 (Synopsys: ~10 / 11.6 Gbps) [S]"),
    5: Gear(
        5,
        19968e6,
        23321.6e6,
        "5.0",
        "8b/10b",
        0.8,
        False,
        "DERIVED 2 x G4; MIPI UniPro v2.0: 23.32 Gbps per lane [P]; 8b/10b ASSUMED (UNCONFIRMED)",
    ),
}
SERIES = ("A", "B")
#: lanes per direction UniPro allows (UFS 3.x/4.x devices use 2)
ALLOWED_LANES = (1, 2, 3, 4)

_RATE = {s: np.array([0.0] + [getattr(GEARS[g], f"rate_{s.lower()}") for g in sorted(GEARS)]) for s in SERIES}
_EFF = np.array([0.0] + [GEARS[g].coding_efficiency for g in sorted(GEARS)])


def check_gear(gear) -> np.ndarray:
    """Raise a one-line ValueError unless every gear is 1-5; the gears as an int array."""
    check_in("gear", gear, tuple(GEARS), "1, 2, 3, 4, 5 (HS-G6, PAM4 with FEC, is not modelled)")
    return np.asarray(gear, dtype=int)


def line_rate(gear, lanes, series="B"):
    """Bits per second on the lanes of one direction [bit/s]: ``lanes x rate(gear, series)``.

    E.g. HS-G5 series B on 2 lanes: 46.6432 Gb/s (edge_inference.md E4).

    Parameters
    ----------
    gear : int or array-like or xarray.DataArray
        High-speed gear 1-5.
    lanes : int or array-like or xarray.DataArray
        Lanes per direction, 1-4.
    series : {"A", "B"}
        Rate series.
    """
    check_choice("series", series, SERIES)
    a, k = unpack(gear=gear, lanes=lanes)
    g = check_gear(a["gear"])
    check_in("lanes", a["lanes"], ALLOWED_LANES, "1, 2, 3, 4")
    return pack(_line_rate(a["lanes"], g, series), k, "line_rate", "bit/s")


def byte_rate(gear, lanes, series="B"):
    """Data bytes per second the line coding lets through in one direction [B/s].

    ``lanes x rate x coding efficiency / 8`` (8b/10b: one byte per 10 line
    bits). E.g. UFS 4.0 (HS-G5B x2): 4,664,320,000 B/s; UFS 3.1 (HS-G4B x2):
    2,332,160,000 B/s (edge_inference.md E5, E6).
    """
    check_choice("series", series, SERIES)
    a, k = unpack(gear=gear, lanes=lanes)
    g = check_gear(a["gear"])
    check_in("lanes", a["lanes"], ALLOWED_LANES, "1, 2, 3, 4")
    return pack(_line_rate(a["lanes"], g, series) * _EFF[g] / 8.0, k, "byte_rate", "B/s")


def _line_rate(lanes, g, series):
    """The one home of the line rate: ``lanes x rate(gear, series)`` [bit/s] (validated inputs)."""
    return lanes * _RATE[series][g]
