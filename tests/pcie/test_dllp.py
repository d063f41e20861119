"""Ack / UpdateFC latency limits (SPEC62 Tables 3-10..3-12, 2-52..2-54; MindShare p.240; oracles pcie.md §9
#39-#41, #43)."""

import pytest

from linkmodel.pcie import dllp

# (gen standing for the rate class, MPS, {lanes: symbol times}) as printed in the spec tables
TABLES = [
    (1, 128, {1: 237, 2: 128, 4: 73, 8: 67, 16: 48}),
    (1, 256, {1: 416, 2: 217, 4: 118, 8: 107, 16: 72}),
    (3, 128, {1: 333, 2: 224, 4: 169, 8: 163, 16: 144}),
    (3, 256, {1: 512, 2: 313, 4: 214, 8: 203, 16: 168}),
    (3, 512, {1: 655, 2: 385, 4: 250, 8: 182, 16: 182}),
    (3, 4096, {1: 4239, 2: 2177, 4: 1146, 8: 630, 16: 630}),
]


@pytest.mark.parametrize("gen, mps, row", TABLES, ids=[f"gen{g}-mps{m}" for g, m, _ in TABLES])
def test_latency_limit_tables(gen, mps, row):
    for lanes, expected in row.items():
        assert dllp.latency_limit(gen, lanes, mps) == expected, (lanes, mps)


def test_oracles_39_40_41_43():
    assert dllp.latency_limit(3, 8, 256) == 203  # #39 Table 3-12
    assert dllp.latency_limit(5, 16, 128) == 144  # #40 Table 3-12 (8 GT/s and higher)
    assert dllp.latency_limit(1, 1, 128) == 237  # #41 Table 3-10
    # #43 MindShare's worked example: (256 + 28) x 2.5 / 8 + 19 = 107.75 -> 107
    assert dllp.latency_limit(1, 8, 256) == 107


def test_gen3_x4_2048_spec_value():
    # the spec lists 634 (MindShare's 643 is a typo): (2048 + 28) x 1.0 / 4 + 115 = 634
    assert dllp.latency_limit(3, 4, 2048) == 634


def test_gen2_uses_its_own_internal_delay():
    # 5 GT/s x32 4096 in the UpdateFC table is 327: (4096+28)*2/32 + 70 = 327.75; x16 gives the same factor
    assert dllp.latency_limit(2, 16, 4096) == int((4096 + 28) * 2.0 / 16 + 70)


def test_unknown_policy():
    with pytest.raises(ValueError, match="dllp_policy: 'sometimes' not allowed"):
        dllp.check_policy("sometimes")
