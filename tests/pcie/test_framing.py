"""TLP sizes and non-flit framing (oracles pcie.md §9 #33-#36, #49, #60)."""

import numpy as np
import pytest

from linkmodel.pcie import dllp, framing, link


def test_per_tlp_overhead_3dw_4dw_ecrc():
    # #33 Intel AN 708: 5 / 6 / 7 DW of overhead (3DW header, 4DW header, 4DW + ECRC), non-flit
    nf = framing.framing_bytes(False)
    assert framing.request_header_bytes(32) + nf == 20
    assert framing.request_header_bytes(64) + nf == 24
    assert framing.request_header_bytes(64, ecrc=True) + nf == 28


def test_flit_mode_has_no_per_tlp_framing():
    # SPEC62 §4.2.3.4.1: no STP tokens, no per-TLP sequence number or LCRC in flit mode
    assert framing.framing_bytes(True) == 0
    assert framing.NONFLIT_FRAMING == 4 + 4  # #34 STP token (incl. 12-bit sequence) + LCRC


def test_header_sizes_table_2_5():
    # #49: MWr 64-bit 4 DW, MRd 32-bit 3 DW, CplD 3 DW; #60 pcie-bench MWr64/MRd64/CplD = 24/24/20 B with framing
    assert framing.request_header_bytes(64) == 16
    assert framing.request_header_bytes(32) == 12
    assert framing.completion_header_bytes() == 12
    assert framing.completion_header_bytes() + 8 == 20


def test_dllp_size():
    assert dllp.DLLP_BYTES == 8  # #35 MindShare p.416


def test_dw_padding():
    # a 1-byte write still moves one DW; 5 bytes at offset 2 touch DWs 0 and 1 (8 bytes)
    assert framing.dw_padded(1) == 4
    assert framing.dw_padded(5, offset=2) == 8
    assert framing.dw_padded(4096) == 4096
    # from offset 3: bytes 3-5, 3-6 and 3-8 touch 2, 2 and 3 DWs
    np.testing.assert_array_equal(framing.dw_padded(np.array([3, 4, 6]), 3), [8, 8, 12])


def test_intel_256_over_276():
    # #36 Intel AN 855: MPS 256, 3DW header, 20 B overhead -> 256/276 = 0.927536 at the TLP layer
    ds = link(3, 8, 256, mps=256, addressing=32, dllp_policy="none")
    up = ds.sel(direction="upstream")
    tlp_capacity = up.line_rate - up.encoding_overhead - up.skp_overhead - up.replay_overhead
    assert float(up.payload / tlp_capacity) == pytest.approx(256 / 276, rel=1e-6)
