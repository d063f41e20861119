"""SKP ordered-set overhead (oracles pcie.md §9 #27-#30, #37, #38)."""

import pytest

from linkmodel.pcie import skp


def test_flit_1b1b_x16_srns():
    # #27, #29, #30: 748 flits between SKPs at x16, 40-byte SKP OS: 748 x 256 / 16 = 11,968 B per lane
    assert skp.skp_fraction(6, 16) == pytest.approx(40 / 12008)


@pytest.mark.parametrize("lanes, flits", [(16, 748), (8, 374), (4, 187), (2, 93), (1, 46)])
def test_flit_1b1b_srns_table(lanes, flits):
    per_lane = flits * 256 / lanes
    assert skp.skp_fraction(6, lanes) == pytest.approx(40 / (per_lane + 40))


def test_flit_sris_128b130b_x1():
    # #28: SRIS, 128b/130b, x1: an ordered set every 2 flits (= 32 data blocks), 16-byte SKP OS
    assert skp.skp_fraction(5, 1, flit=True, clocking="sris") == pytest.approx(16 / (2 * 256 + 16))


def test_flit_128b130b_x16_srns():
    # pcie.md §3.5: 374 blocks + one 16-B SKP -> 0.267 %
    assert skp.skp_fraction(4, 16, flit=True) == pytest.approx(1 / 375)


def test_nonflit_8b10b():
    # #37: 4-symbol SKP OS every 1180-1538 symbol times (longest used), SRIS < 154 (153 used)
    assert skp.skp_fraction(1, 4) == pytest.approx(4 / 1538)
    assert skp.skp_fraction(2, 4, clocking="sris") == pytest.approx(4 / 153)


def test_nonflit_128b130b():
    # #38: one 16-symbol SKP block per lane every 370-375 blocks (longest used), plus the 4-byte EDS token
    # that precedes it in the data stream (one DW striped over the N lanes: 4/N bytes per lane).
    # pcie.md §2.3's estimate: ~1/372 = 0.27 %; x16: (16 + 0.25) / 6000 = 0.271 %
    assert skp.skp_fraction(3, 16) == pytest.approx((16 + 4 / 16) / (375 * 16))
    assert skp.skp_fraction(3, 16) == pytest.approx(1 / 372, rel=0.01)
    assert skp.skp_fraction(5, 1, clocking="sris") == pytest.approx((16 + 4) / (37 * 16))


def test_common_clock_equals_srns():
    assert skp.skp_fraction(6, 4, clocking="common") == skp.skp_fraction(6, 4, clocking="srns")


def test_bad_clocking():
    with pytest.raises(ValueError, match="clocking: 'spread' not allowed"):
        skp.skp_fraction(5, 4, clocking="spread")
