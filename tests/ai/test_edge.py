"""The on-device cost model against the dossier's derivations (edge_inference.md §5, oracles E20-E26, E36-E39).

Each expected number is written out by hand from the dossier's facts (OPT-6.7B: 32 layers, d_model 4096,
d_ff 16384; flash-moe: 60 layers, K = 4 experts of 3 x 4096 x 1024 weights at 4 bits with an FP32 scale per 64).
"""

import numpy as np
import pytest
import xarray as xr

from linkmodel.ai import edge

OPT = dict(layers=32, d_model=4096, d_ff=16384)


def test_bundle():
    assert float(edge.bundle_bytes(4096, 16)) == 16_384  # E23, FP16
    assert float(edge.bundle_bytes(4096, 32)) == 32_768  # E23, FP32 (the paper's 32 KiB)


def test_opt_streamed_bytes():
    # E20-E22: all FFN weights 32 x 2 x 4096 x 16384 in FP16 = 8 GiB; at s = 0.97 a token reads 3 % of them
    full, _ = edge.streamed_bytes_dense(**OPT, bits=16, sparsity=0.0)
    assert float(full) == 32 * 2 * 4096 * 16384 * 2 == 8_589_934_592
    b, n = edge.streamed_bytes_dense(**OPT, bits=16, sparsity=0.97)
    assert float(b) == pytest.approx(257_698_037.76)  # E24
    assert float(n) == pytest.approx(15_728.64)
    b, _ = edge.streamed_bytes_dense(**OPT, bits=16, sparsity=0.97, reuse=0.5)
    assert float(b) == pytest.approx(128_849_018.88)  # E25
    # E26: the paper's 2.4 % fresh per token (windowing) is 0.024 x 8 GiB
    b, n = edge.streamed_bytes_dense(**OPT, bits=16, sparsity=0.976)
    assert float(b) == pytest.approx(206_158_430.208) and float(n) == pytest.approx(12_582.912)


def test_flash_moe_bytes():
    expert = 3 * 4096 * 1024 * (0.5 + 4 / 64)  # 4-bit weights + an FP32 scale per 64: 7,077,888 B (E36)
    assert expert == 7_077_888
    assert float(edge.streamed_bytes_moe(60, 4, expert)) == 1_698_693_120  # E37
    assert float(edge.streamed_bytes_moe(60, 4, expert, 0.71)) == pytest.approx(492_621_004.8)  # E38


def test_read_throughput_fit():
    # E39: lumped t0/Q fitted on UFS 4.0's 4 KiB at 1.0 GB/s with a 4.0 GB/s peak: 4.096 - 1.024 = 3.072 us
    tau = 4096 / 1.0e9 - 4096 / 4.0e9
    assert tau == pytest.approx(3.072e-6)
    assert float(edge.read_throughput(4096, tau, 4.0e9)) == pytest.approx(1.0e9)
    assert float(edge.read_throughput(524_288, tau, 4.0e9)) == pytest.approx(3.908e9, rel=2e-4)
    # the link caps it (UFS 4.0's framing-aware ceiling, edge_inference.md E18)
    assert float(edge.read_throughput(524_288, 0.0, 4.8e9, 8, link_bandwidth=4.62669e9)) == 4.62669e9
    # Little's law, §5.3: 1 GB/s of 4 KiB reads at 100 us each needs 24.4 in flight
    q = 1.0e9 / 4096 * 100e-6
    assert q == pytest.approx(24.414, rel=1e-4)
    # (a 1 TB/s peak leaves 4 ns of transfer beside the 100 us: 4e-5 relative)
    assert float(edge.read_throughput(4096, 100e-6, 1e12, q)) == pytest.approx(1.0e9, rel=1e-4)


def test_token_time_overlap_and_serial():
    # 50 ms of DRAM reads, 100 ms of flash, 30 ms of compute: overlapped 150 ms (flash binds), serial 180 ms
    ds = edge.token_time(5e9, 100e9, 1e9, 10e9, 3e12, 100e12)
    assert float(ds.token_time) == pytest.approx(0.150) and str(ds.binding.values) == "flash"
    ds = edge.token_time(5e9, 100e9, 1e9, 10e9, 3e12, 100e12, overlap=False)
    assert float(ds.token_time) == pytest.approx(0.180) and float(ds.tokens_per_second) == pytest.approx(1 / 0.18)


def test_flash_moe_io_floor():
    # §5.5: with no cache at the 17.5 GB/s peak the pure-I/O floor is 97.07 ms per token
    ds = edge.token_time(0.0, 400e9, 1_698_693_120, 17.5e9, 0.0, 1e12, overlap=False)
    assert float(ds.flash_time) == pytest.approx(0.09707, rel=1e-4)


def test_broadcasts():
    sparsity = xr.DataArray([0.9, 0.95, 0.97], dims="sparsity")
    b, _ = edge.streamed_bytes_dense(**OPT, bits=xr.DataArray([4, 16], dims="bits"), sparsity=sparsity)
    assert set(b.dims) == {"bits", "sparsity"}
    assert np.all(b.diff("sparsity") < 0)  # sparser reads less


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: edge.streamed_bytes_dense(**OPT, bits=16, sparsity=-0.1), "sparsity: -0.1 out of range"),
        (lambda: edge.streamed_bytes_dense(**OPT, bits=16, sparsity=1.0), "sparsity: 1 out of range"),
        (lambda: edge.streamed_bytes_moe(60, 4, 0.0), "expert_bytes: 0 B out of range"),
        (lambda: edge.read_throughput(4096, 1e-6, 4e9, 0.5), "in_flight: 0.5 out of range"),
        (lambda: edge.token_time(1e9, 0.0, 1e9, 1e9, 1e9, 1e9), "memory_bandwidth: 0 B/s out of range"),
    ],
)
def test_bad_input_one_line(call, message):
    with pytest.raises(ValueError) as exc:
        call()
    assert str(exc.value).startswith(message) and "\n" not in str(exc.value)


def test_depth_hides_latency_not_the_peak():
    # 8 reads of 512 KiB in flight on a 4 GB/s device with a 3.072 us first byte: each alone would reach
    # 524,288 / (3.072 + 131.072) us = 3.908 GB/s, so 8 of them are held to the 4 GB/s peak
    assert float(edge.read_throughput(524_288, 3.072e-6, 4.0e9, 8)) == 4.0e9
    # 4 KiB reads: 1.0 GB/s each (E39's fit), 3 in flight 3.0 GB/s, below the peak
    assert float(edge.read_throughput(4096, 3.072e-6, 4.0e9, 3)) == pytest.approx(3.0e9)


def test_token_time_refuses_a_free_token_and_a_vague_overlap():
    with pytest.raises(ValueError, match="all zero"):
        edge.token_time(0.0, 1e11, 0.0, 1e9, 0.0, 1e12)
    with pytest.raises(ValueError, match=r"^overlap: 'no' not allowed"):
        edge.token_time(1e9, 1e11, 1e9, 1e9, 1e9, 1e12, overlap="no")
