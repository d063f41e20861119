"""Flit layout, packing, errors and replay (oracles pcie.md §9 #20-#26, #31, #32)."""

import math

import numpy as np
import pytest

from linkmodel.pcie import flit, latency
from linkmodel.units import ns


def test_flit_layout():
    # #20: 256 = 236 TLP + 6 DLP + 8 CRC + 6 ECC; #23: 3 ECC groups of 2 B
    assert flit.TLP_BYTES + flit.DLP_BYTES + flit.CRC_BYTES + flit.FEC_BYTES == flit.FLIT_BYTES == 256
    assert (flit.TLP_BYTES, flit.DLP_BYTES, flit.CRC_BYTES, flit.FEC_BYTES) == (236, 6, 8, 6)
    assert flit.FEC_GROUPS * 2 == flit.FEC_BYTES


def test_flit_efficiencies():
    # #21: 236/256 = 0.921875; #22: 242/256 = 0.9453125
    assert flit.tlp_bandwidth(6, 1) / 8e9 == pytest.approx(0.921875)
    assert flit.data_link_bandwidth(6, 1) / 8e9 == pytest.approx(0.9453125)


def test_default_flit_error_rate():
    # default: independent-error estimate at the generation's error-rate target (FBER 1e-6 at 64 GT/s, #25);
    # hand: two or more symbol errors in one of the 3 codewords; C(86,2) q^2 + 2 C(85,2) q^2 with q = 8e-6
    q = 1 - (1 - 1e-6) ** 8
    approx = (86 * 85 / 2 + 2 * 85 * 84 / 2) * q**2  # leading term; higher orders lower it by ~0.05 %
    assert flit.default_flit_error_rate(6) == pytest.approx(approx, rel=1e-3)
    # #26: the spec guarantees < 3e-5 after FEC; the independent estimate sits far below that bound
    assert flit.default_flit_error_rate(6) < flit.FLIT_ERROR_BOUND_PAM4 == 3e-5
    assert flit.default_flit_error_rate(5) < 1e-17  # BER 1e-12 with FEC present at every flit-mode rate


def test_packing_limit_8_tlps_per_half():
    # #31: at most 8 TLPs per flit half (bytes 0-127, 128-235)
    assert flit.packing_efficiency(12) == pytest.approx((8 * 12 + 8 * 12) / 236)  # 3DW MRd: 192 of 236 bytes
    assert flit.packing_efficiency(16) == pytest.approx((128 + 108) / 236)  # 16-byte TLPs fill a flit exactly
    assert flit.packing_efficiency(4) == pytest.approx(64 / 236)  # 1-DW TLPs


def test_flit_time():
    # #32: 2048 bits / (64 Gb/s x lanes): Gen6 x16 2.0 ns, x1 32 ns
    assert latency.flit_time(6, 16) == pytest.approx(2.0 * ns)
    assert latency.flit_time(6, 1) == pytest.approx(32 * ns)
    assert latency.flit_time(7, 16) == pytest.approx(1.0 * ns)


def test_replay_efficiency_hand_derivations():
    # selective: only the failed flit is resent: 1 - p
    assert flit.replay_efficiency(3e-5, 12, "selective") == pytest.approx(1 - 3e-5)
    # go-back-N with a window of W flits: (1 - p) / (1 - p + p W)
    p, w = 3e-5, 100
    assert flit.replay_efficiency(p, w, "go_back_n") == pytest.approx((1 - p) / (1 - p + p * w))
    # pcie.md §3.3: even go-back-N over ~100 flits costs <= 0.3 %
    assert 1 - flit.replay_efficiency(p, w) <= 0.003


def test_flit_error_probability_independent_errors():
    # hand derivation: byte error q = 1-(1-FBER)^8; a codeword of n bytes fails with >= 2 errors
    fber = 1e-6
    q = 1 - (1 - fber) ** 8

    def fail(n):
        return 1 - (1 - q) ** n - n * q * (1 - q) ** (n - 1)

    expected = 1 - (1 - fail(86)) * (1 - fail(85)) ** 2
    got = flit.flit_error_probability(fber)
    assert got == pytest.approx(expected, rel=1e-6)
    assert got < 3e-5  # below the spec's bound, which also covers correlated errors
    assert math.isclose(flit.flit_error_probability(0.0), 0.0, abs_tol=0)


def test_nonflit_not_allowed_at_gen6():
    with pytest.raises(ValueError, match="flit: non-flit mode is not allowed at 64 GT/s"):
        flit.resolve_flit(np.array([6]), np.array([False]))


def test_sequence_number_and_fber_targets():
    from linkmodel.pcie import phy

    assert flit.FLIT_SEQUENCE_BITS == 10  # #24
    assert phy.GENERATIONS[6].bit_error_rate == 1e-6  # #25 FBER at 64 GT/s
    assert phy.GENERATIONS[5].bit_error_rate == 1e-12  # BER at 2.5-32 GT/s
