"""Physical layer: rates, encoding, raw bandwidth (oracles pcie.md §9 #1-#19)."""

import numpy as np
import pytest
import xarray as xr

from linkmodel.pcie import flit, phy
from linkmodel.units import GB, Gbit, ns

# (gen, lanes, expected per-direction GB/s after line encoding, source)
DATA_BW = [
    (1, 1, 0.250, "#1 Wikipedia; Intel 683111 gives 2 Gb/s"),
    (2, 16, 8.000, "#2 Intel 683111 gives 64 Gb/s"),
    (3, 1, 8 * 128 / 130 / 8, "#3 8 GT/s x 128/130 / 8"),
    (3, 8, 63.0154 / 8, "#4 pcie-bench Raw 63.0154 Gb/s"),
    (3, 16, 15.753846, "#5 Intel 683111 gives 126 Gb/s"),
    (4, 4, 7.876923, "#6 16 x 128/130 x 4 / 8"),
    (4, 16, 31.507692, "#7 Wikipedia 31.508"),
    (5, 4, 126.0308 / 8, "#8 pcie-bench Raw['gen5']['x4'] 126.0308 Gb/s"),
    (5, 16, 63.015385, "#9 Wikipedia 63.015"),
]


@pytest.mark.parametrize("gen, lanes, expected, source", DATA_BW, ids=[r[3].split()[0] for r in DATA_BW])
def test_raw_bandwidth_oracles(gen, lanes, expected, source):
    assert phy.raw_bandwidth(gen, lanes) == pytest.approx(expected * GB, rel=2e-6)


def test_intel_gbps_table():
    # Intel 683111: per-direction Gb/s, Gen1 2/4/8/16/32, Gen2 4/8/16/32/64, Gen3 7.87/15.75/31.5/63/126
    lanes = np.array([1, 2, 4, 8, 16])
    np.testing.assert_allclose(phy.raw_bandwidth(1, lanes) / Gbit, [2, 4, 8, 16, 32])
    np.testing.assert_allclose(phy.raw_bandwidth(2, lanes) / Gbit, [4, 8, 16, 32, 64])
    np.testing.assert_allclose(phy.raw_bandwidth(3, lanes) / Gbit, [7.87, 15.75, 31.5, 63, 126], rtol=2e-3)


def test_gen5_x4_issue_example():
    # issue: "Gen5 x4 raw is 15.754 GB/s per direction"
    assert round(phy.raw_bandwidth(5, 4) / GB, 3) == 15.754


@pytest.mark.parametrize("gen, lanes, expected", [(6, 1, 7.5625), (6, 16, 121.0), (7, 16, 242.0)])
def test_flit_data_link_bandwidth_242_of_256(gen, lanes, expected):
    # #10, #11, #13: the "242B/256B" convention (Wikipedia) counts TLP + DLP bytes
    assert flit.data_link_bandwidth(gen, lanes) == pytest.approx(expected * GB)


def test_flit_tlp_ceiling_gen6_x16():
    # #12 and the issue: Gen6 x16 carries at most 118.0 GB/s of TLP bytes per direction
    assert flit.tlp_bandwidth(6, 16) == pytest.approx(118.0 * GB)
    assert flit.tlp_bandwidth(7, 16) == pytest.approx(236.0 * GB)


@pytest.mark.parametrize("gen, expected_gbs", [(6, 256), (7, 512), (8, 1024)])
def test_pci_sig_headline_bidirectional_x16(gen, expected_gbs):
    # #14-#16: PCI-SIG headline = raw line rate, both directions, x16
    assert 2 * phy.line_rate(gen, 16) == pytest.approx(expected_gbs * GB)


def test_linux_speed2mbs():
    # #17, #18: Linux PCIE_SPEED2MBS_ENC (Mb/s per lane after encoding, C integer arithmetic)
    assert phy.raw_bandwidth(6, 1) * 8 / 1e6 == pytest.approx(64000)
    assert int(phy.raw_bandwidth(5, 1) * 8 / 1e6) == 31507


def test_pam4_symbol_rate_and_nyquist():
    # #19: Gen6 64 GT/s PAM4 signals at 32 GBd, Nyquist 16 GHz, same as Gen5 NRZ
    assert phy.symbol_rate(6) == pytest.approx(32e9)
    assert phy.nyquist_frequency(6) == pytest.approx(16e9)
    assert phy.nyquist_frequency(5) == pytest.approx(16e9)
    assert phy.symbol_rate(7) == pytest.approx(64e9)


def test_symbol_times_mindshare():
    # MindShare p.240: symbol time Gen1 4 ns, Gen2 2 ns, Gen3 1 ns
    assert phy.symbol_time(1) == pytest.approx(4 * ns)
    assert phy.symbol_time(2) == pytest.approx(2 * ns)
    assert phy.symbol_time(3) == pytest.approx(1 * ns)  # 8 UI at 8 GT/s (MindShare: 1 ns)
    assert phy.symbol_time(6) == pytest.approx(0.125 * ns)


def test_gen8_is_provisional():
    assert phy.is_provisional(8) is True
    assert phy.is_provisional(7) is False
    assert phy.GENERATIONS[8].provisional


@pytest.mark.parametrize(
    "bad, message", [(9, "gen: 9 not allowed"), (0, "gen: 0"), (2.5, "gen: 2.5"), (np.nan, "gen: NaN is not a value")]
)
def test_bad_generation(bad, message):
    with pytest.raises(ValueError, match=message):
        phy.raw_bandwidth(bad, 4)


@pytest.mark.parametrize("bad", [3, 0, 32, 12, -4])
def test_bad_lanes(bad):
    with pytest.raises(ValueError, match=r"lanes: .* not allowed; allowed: 1, 2, 4, 8, 16"):
        phy.raw_bandwidth(5, bad)


def test_kinds_are_preserved():
    assert isinstance(phy.raw_bandwidth(5, 4), float)
    arr = phy.raw_bandwidth(np.array([3, 4, 5]), 4)
    assert isinstance(arr, np.ndarray) and arr.shape == (3,)
    gen = xr.DataArray([3, 4, 5], dims="gen", coords={"gen": [3, 4, 5]})
    lanes = xr.DataArray([1, 16], dims="lanes", coords={"lanes": [1, 16]})
    da = phy.raw_bandwidth(gen, lanes)
    assert isinstance(da, xr.DataArray)
    assert da.dims == ("gen", "lanes")
    assert da.attrs["units"] == "B/s"
    assert float(da.sel(gen=5, lanes=16)) == pytest.approx(63.015385e9)
