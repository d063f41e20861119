"""Spec-sheet sanity checks (issue: cases derived by hand)."""

import pytest

from linkmodel import parts
from linkmodel.parts import load_part
from linkmodel.studies import sanity
from linkmodel.studies.sanity import check_part

SKP_X4 = 40 / (187 * 256 / 4 + 40)  # SPEC62 Table 4-21, Gen6 x4


def _part(tmp_path, gen, metric, value, nand="samsung-v9-tlc", ctrl="samsung-pm1763-ctrl"):
    text = f"""schema = "linkmodel-spec/1"
id = "t"
vendor = "T"
model = "T"
source = "test"
[facts]
gen = {gen}
lanes = 4
capacity = "15.36 TB"
power_cap = "25 W"
nand = "{nand}"
controller = "{ctrl}"
[[published]]
metric = "{metric}"
value = "{value}"
kind = "up_to"
source = "test"
"""
    path = tmp_path / "t.toml"
    path.write_text(text)
    return load_part(path)


def test_gen6_x4_28_4_gbs_needs_mps_512(tmp_path):
    # hand: 32 GB/s x (1 - SKP) x 236/256 x 256/272 = 27.67 GB/s at MPS 256 < 28.4; x 512/528 = 28.51 at MPS 512
    (c,) = check_part(_part(tmp_path, 6, "seq_read", "28.4 GB/s"))
    assert c.min_mps_data_only == 512
    assert c.possible
    hand_256 = 32e9 * (1 - SKP_X4) * 236 / 256 * 256 / 272
    assert hand_256 == pytest.approx(27.67e9, rel=1e-3)
    assert any("MPS >= 512 B" in r and "27.6" in r for r in c.requirements), c.requirements


def test_gen5_x4_14_8_gbs_needs_mps_512(tmp_path):
    # hand: 15.754 GB/s x 256/(256 + 24) = 14.40 GB/s at MPS 256 (before DLLP and SKP) < 14.8
    (c,) = check_part(_part(tmp_path, 5, "seq_read", "14.8 GB/s", "kioxia-bics8-tlc", "kioxia-gen5-16ch"))
    assert 15.754e9 * 256 / 280 < 14.8e9
    assert c.min_mps_data_only == 512
    # the model's MPS-256 data-only ceiling: raw x (1 - one SKP block per 375 data blocks) x 256/280 = 14.365 GB/s,
    # less the EDS token before each SKP and the replay allowance (< 0.05 %)
    from linkmodel.studies.sanity import link_ceilings

    _, data_only = link_ceilings(5, 4, 131072, 1.0, mrrs=512)
    assert data_only[1] * 131072 == pytest.approx(15.754e9 * (1 - 1 / 376) * 256 / 280, rel=5e-4)
    assert data_only[1] * 131072 == pytest.approx(14.36e9, abs=0.01e9)
    assert any("MPS >= 512 B" in r for r in c.requirements)


def test_gen6_x4_7m_4k_reads_exceed_mps_512(tmp_path):
    # hand: at MPS 512 a 4 KiB read is 8 MWr TLPs with 16-byte headers:
    # 32 GB/s x (1 - SKP) x 236/256 / 4224 B = 6.96 M < 7.0 M; MPS 1024: / 4160 B = 7.07 M
    (c,) = check_part(_part(tmp_path, 6, "rand_read", "7.0 MIOPS"))
    hand_512 = 32e9 * (1 - SKP_X4) * 236 / 256 / 4224
    assert hand_512 == pytest.approx(6.96e6, rel=1e-3)
    assert c.link_ceiling_data_only < 7.0e6
    assert c.link_ceiling_data_only == pytest.approx(hand_512, rel=1e-3)  # replay loss < 0.05 %
    assert c.min_mps_data_only == 1024
    assert c.link_ceiling < c.link_ceiling_data_only  # NVMe command traffic lowers it further
    assert c.possible  # a larger MPS makes it physically possible


def test_beyond_any_mps_is_impossible(tmp_path):
    (c,) = check_part(_part(tmp_path, 5, "seq_read", "16 GB/s", "kioxia-bics8-tlc", "kioxia-gen5-16ch"))
    assert not c.possible
    assert any("more than PCIe Gen5 x4 can carry" in r for r in c.requirements)


def test_random_write_waf_bound_by_hand():

    part = parts.load("kioxia-cd9p-r")
    params, _ = parts.params_from_part(part, 7.68e12)
    b = sanity.random_write_waf_bound(part, 7.68e12, 450e3, 4096, params)
    # its own sequential write, 7.0 GB/s, programs at most 7.0e9 / (450e3 x 4096) = 3.798 NAND bytes per host byte
    assert b["seq_write"] == 7.0e9
    assert b["waf_max"] == pytest.approx(7.0e9 / (450e3 * 4096), rel=1e-12)
    # uniform random (1/A = u, alpha = -ln(1 - u)/u) needs alpha_eff >= -3.7977 ln(1 - 1/3.7977) = 1.16057
    assert b["alpha_eff_min"] == pytest.approx(1.16057, abs=1e-5)
    assert b["raw_min"] == pytest.approx(1.16057 * 7.68e12 / 0.98, rel=1e-4)
    # it is reported where the figure exceeds what the model's NAND allows
    text = " ".join(
        r for c in sanity.check_part(part) if c.metric == "rand_write" and c.capacity == 7.68e12 for r in c.requirements
    )
    assert "WAF <= 3.80" in text
