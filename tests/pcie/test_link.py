"""The composed link budget: issue examples, §3.7 table, pcie-bench cross-check (oracles pcie.md §9 #50,
#53-#59, #62)."""

import numpy as np
import pytest
import xarray as xr

from linkmodel.pcie import link
from linkmodel.pcie.budget import BREAKDOWN
from linkmodel.units import GB, KiB, us

SKP_X4 = 40 / (187 * 256 / 4 + 40)  # SPEC62 Table 4-21: 187 flits between 40-byte SKP OS at x4


def _replay_loss(raw):
    """Go-back-N loss with the default 100 ns window at the default flit error rate (hand formulas):
    independent byte errors q = 8e-6 at FBER 1e-6; a flit fails with >= 2 symbol errors in a codeword."""
    q = 1 - (1 - 1e-6) ** 8
    ok = 1.0
    for n in (86, 85, 85):
        ok *= (1 - q) ** n + n * q * (1 - q) ** (n - 1)
    p = 1 - ok
    w = 100e-9 * raw / 256
    return 1 - (1 - p) / (1 - p + p * w)


# --------------------------------------------------------------------------
# issue examples
# --------------------------------------------------------------------------


def test_gen6_x4_mps256_cannot_carry_28_4_gbs_of_writes():
    # hand: 32 GB/s x (1 - SKP) x 236/256 x 256/(256 + 16) (4DW MWr header, no framing in flit mode)
    after_skp = 32 * GB * (1 - SKP_X4)
    expected = after_skp * 236 / 256 * 256 / 272 * (1 - _replay_loss(after_skp))
    ds = link(6, 4, 128 * KiB, mps=256)
    assert float(ds.effective_bandwidth) == pytest.approx(expected, rel=1e-4)
    assert float(ds.effective_bandwidth) < 28.4 * GB
    assert float(ds.effective_bandwidth) == pytest.approx(27.7 * GB, rel=0.005)  # issue 3: "about 27.7 GB/s"


def test_gen6_x4_mps512_can():
    after_skp = 32 * GB * (1 - SKP_X4)
    expected = after_skp * 236 / 256 * 512 / 528 * (1 - _replay_loss(after_skp))
    ds = link(6, 4, 128 * KiB, mps=512)
    assert float(ds.effective_bandwidth) == pytest.approx(expected, rel=1e-4)
    assert float(ds.effective_bandwidth) > 28.4 * GB
    assert str(ds.binding.values) == "link_upstream"


def test_gen6_x4_4k_writes_ceiling_6_96_million():
    # issue 3: 7.0 M random 4 KiB reads exceed the Gen6 x4 ceiling at MPS 512 (about 6.96 M before NVMe)
    # an SSD read is a device memory write: 8 MWr TLPs of 512 B + 16 B header per 4 KiB
    rate = float(link(6, 4, 4096, mps=512).transfer_rate)
    hand = 32 * GB * (1 - SKP_X4) * 236 / 256 / (4096 + 8 * 16)
    assert hand == pytest.approx(6.96e6, rel=1e-3)
    assert rate == pytest.approx(hand, rel=5e-4)
    assert rate < 7.0e6
    # MPS 1024: 4 TLPs, 64 B of headers: 29.4017 GB/s / 4160 B = 7.068 M > 7.0 M
    hand_1024 = 32 * GB * (1 - SKP_X4) * 236 / 256 / (4096 + 4 * 16)
    assert float(link(6, 4, 4096, mps=1024).transfer_rate) == pytest.approx(hand_1024, rel=5e-4)
    assert hand_1024 > 7.0e6


def test_gen5_x4_14_8_gbs_needs_mps_512():
    # issue 3: 14.8 GB/s on PCIe 5.0 x4 needs MPS >= 512; hand: 15.754 GB/s x 256/(256 + 24) = 14.40 < 14.8
    assert float(link(5, 4, 128 * KiB, mps=256).effective_bandwidth) < 15.754e9 * 256 / 280
    assert float(link(5, 4, 128 * KiB, mps=256).effective_bandwidth) < 14.8 * GB
    assert float(link(5, 4, 128 * KiB, mps=512).effective_bandwidth) > 14.8 * GB


def test_breakdown_sums_to_line_rate():
    ds = link(np.array([1, 3, 5, 6, 7]), 8, 4096, mps=256, transfer="both")
    total = sum(ds[name] for name in BREAKDOWN)
    xr.testing.assert_allclose(total, ds.line_rate.broadcast_like(total), rtol=1e-12)
    assert float(ds.idle.min()) >= -1e-9 * float(ds.line_rate.max())  # rounding only


# --------------------------------------------------------------------------
# pcie.md §3.7: payload efficiency, flit vs non-flit (before DLLP and SKP)
# --------------------------------------------------------------------------

SEC37 = [  # payload, NF 4DW, NF 3DW, flit 4DW, flit 3DW
    (4, 0.1407, 0.1641, 0.1844, 0.2305),
    (32, 0.5626, 0.6059, 0.6146, 0.6705),
    (64, 0.7161, 0.7502, 0.7375, 0.7763),
    (128, 0.8291, 0.8516, 0.8194, 0.8429),
    (256, 0.9002, 0.9133, 0.8676, 0.8806),
    (512, 0.9405, 0.9476, 0.8939, 0.9008),
    (4096, 0.9789, 0.9798, 0.9183, 0.9192),
]


def _line_efficiency(gen, payload, addressing, flit):
    # no DLLPs, no replays; SKP time removed: what is left is encoding (or flit) x P / (P + H [+ F])
    ds = link(
        gen,
        16,
        payload,
        mps=4096,
        addressing=addressing,
        flit=flit,
        dllp_policy="none",
        flit_error_rate=0.0,
        bit_error_rate=0.0,
    )
    up = ds.sel(direction="upstream")
    return float(up.payload / (up.line_rate * (1 - up.skp_fraction)))


@pytest.mark.parametrize("payload, nf4, nf3, f4, f3", SEC37)
def test_section_3_7_table(payload, nf4, nf3, f4, f3):
    # 4-byte payload: 3DW flit TLPs are 16 B, 3DW non-flit 20 B: no packing limit applies
    assert _line_efficiency(5, payload, 64, False) == pytest.approx(nf4, abs=6e-5)
    assert _line_efficiency(5, payload, 32, False) == pytest.approx(nf3, abs=6e-5)
    assert _line_efficiency(6, payload, 64, True) == pytest.approx(f4, abs=6e-5)
    assert _line_efficiency(6, payload, 32, True) == pytest.approx(f3, abs=6e-5)


def test_break_even_payload():
    # #50: flit mode is more byte-efficient below ~101.5 B (4DW)
    assert _line_efficiency(6, 100, 64, True) > _line_efficiency(5, 100, 64, False)
    assert _line_efficiency(6, 104, 64, True) < _line_efficiency(5, 104, 64, False)


# --------------------------------------------------------------------------
# pcie-bench cross-check (pcie.md §6.3; oracles #53-#59), Gb/s
# --------------------------------------------------------------------------

PB = dict(dllp_policy="pcie_bench", mrrs=512, rcb=64, round_trip=0)

PCIE_BENCH = [
    # gen, lanes, mps, transfer, size, Gb/s, oracle
    (3, 8, 256, "write", 64, 42.0980, "#54"),
    (3, 8, 256, "write", 256, 52.9232, "#54"),
    (3, 8, 256, "write", 1500, 52.8146, "#54"),
    (3, 8, 256, "write", 4096, 52.9232, "#54"),
    (3, 8, 256, "read", 64, 44.1027, "#55"),
    (3, 8, 256, "read", 256, 53.6902, "#55"),
    (3, 8, 256, "read", 1500, 53.5970, "#55"),
    (3, 8, 256, "read", 4096, 53.6902, "#55"),
    (3, 8, 256, "both", 64, 33.0770, "#56"),
    (3, 8, 256, "both", 1500, 50.5986, "#56"),
    (5, 4, 256, "write", 64, 84.5674, "#57"),
    (5, 4, 256, "write", 4096, 106.3133, "#57"),
    (5, 4, 256, "read", 64, 88.5944, "#57"),
    (5, 4, 256, "read", 4096, 107.8540, "#57"),
    (5, 4, 256, "write", 256, 106.3133, "pcie.md 6.3"),
    (5, 4, 256, "read", 1500, 107.6668, "pcie.md 6.3"),
    (3, 8, 128, "write", 4096, 47.7187, "#58"),
]


@pytest.mark.parametrize(
    "gen, lanes, mps, transfer, size, gbps, oracle",
    PCIE_BENCH,
    ids=[f"{r[6]}-gen{r[0]}x{r[1]}-{r[3]}-{r[4]}" for r in PCIE_BENCH],
)
def test_pcie_bench_reproduced(gen, lanes, mps, transfer, size, gbps, oracle):
    ds = link(gen, lanes, size, mps=mps, transfer=transfer, **PB)
    assert float(ds.effective_bandwidth) * 8 / 1e9 == pytest.approx(gbps, rel=0.005)


def test_pcie_bench_rcb_chunks():
    # #59: read 256 B with one completion per RCB (64 B)
    ds = link(3, 8, 256, mps=256, transfer="read", completion_split="rcb", **PB)
    assert float(ds.effective_bandwidth) * 8 / 1e9 == pytest.approx(44.1027, rel=0.005)


def test_pcie_bench_tlp_bandwidth():
    # #53: Raw 63.0154, TLP_bw 57.8848 Gb/s for Gen3 x8 MPS 256 (its DLLP + SKP charge)
    ds = link(3, 8, 1 << 20, mps=256, **PB).sel(direction="upstream")
    tlp_layer = ds.line_rate - ds.encoding_overhead - ds.skp_overhead - ds.replay_overhead - ds.dllp_overhead
    assert float(ds.raw_bandwidth) * 8 / 1e9 == pytest.approx(63.0154, rel=1e-5)
    assert float(tlp_layer) * 8 / 1e9 == pytest.approx(57.8848, rel=0.001)


def test_spec_policy_differs_from_pcie_bench_by_its_dllp_charge():
    """pcie-bench charges 8/T per Ack and per UpdateFC on *every* direction and does not divide by
    the lane count. Under the spec policy a write stream's Acks and UpdateFC-P travel downstream,
    one 8-byte DLLP per latency limit T (symbol times of 8 UI = 1 ns at 8 GT/s) striped over all N
    lanes: 2 x 8/(N T) symbol times of each lane's T, i.e. 2 x 8/(N T) x 130/128 of the downstream
    raw bandwidth (raw excludes the 128b/130b sync bits), and nothing upstream. So the spec's write
    bandwidth is higher by exactly 1/(1 - 16/T)."""
    t = 203  # SPEC62 Table 3-12, 8 GT/s+, x8, MPS 256
    kw = dict(mps=256, mrrs=512, rcb=64, round_trip=0)
    spec = link(3, 8, 4096, dllp_policy="spec", **kw)
    bench = link(3, 8, 4096, dllp_policy="pcie_bench", **kw)
    ratio = float(spec.effective_bandwidth / bench.effective_bandwidth)
    assert ratio == pytest.approx(1 / (1 - 16 / t), rel=1e-6)
    assert ratio > 1.08  # pcie-bench is ~7.9 % low for Gen3 x8 writes
    assert float(spec.dllp_overhead.sel(direction="upstream")) == 0.0
    down = spec.sel(direction="downstream")
    assert float(down.dllp_overhead / down.raw_bandwidth) == pytest.approx(2 * 8 / (8 * t) * 130 / 128, rel=1e-9)


# --------------------------------------------------------------------------
# transactions, tags, options
# --------------------------------------------------------------------------


def test_read_bytes_per_direction():
    # 4 KiB read, MPS 256, MRRS 512, non-flit, 4DW MRd: up 8 x (16 + 8) B, down 4096 + 16 x (12 + 8) B
    ds = link(5, 4, 4096, mps=256, transfer="read", dllp_policy="none")
    assert float(ds.bytes_per_transfer.sel(direction="upstream")) == 8 * 24
    assert float(ds.bytes_per_transfer.sel(direction="downstream")) == 4096 + 16 * 20
    assert str(ds.binding.values) == "link_downstream"


def test_tag_ceiling_binds():
    # 5-bit tags: 32 x 512 B / 1 us = 16.384 GB/s, below Gen6 x16 read bandwidth
    ds = link(6, 16, 128 * KiB, mps=512, transfer="read", tag_bits=5, round_trip=1 * us)
    assert float(ds.effective_bandwidth) == pytest.approx(32 * 512 / 1e-6)
    assert str(ds.binding.values) == "tags"
    ds8 = link(6, 16, 128 * KiB, mps=512, transfer="read", tag_bits=8, round_trip=1 * us)
    assert str(ds8.binding.values) == "link_downstream"
    assert float(ds8.ceiling_tags) == pytest.approx(256 * 512 / 1e-6)


def test_writes_have_no_tag_ceiling():
    assert np.isinf(float(link(5, 4, 4096, transfer="write").ceiling_tags))


def test_per_transfer_packing_nop_fill():
    # a 64-byte write alone in a flit: 80 TLP bytes, 156 NOP bytes, one flit per transfer
    cont = link(6, 4, 64, mps=512, packing="continuous")
    per = link(6, 4, 64, mps=512, packing="per_transfer")
    ratio = float(per.effective_bandwidth / cont.effective_bandwidth)
    assert ratio == pytest.approx(80 / 236, rel=1e-9)


def test_flit_mode_optional_below_gen6():
    nf = link(5, 4, 4096, mps=256, flit=False)
    f = link(5, 4, 4096, mps=256, flit=True)
    assert bool(f.flit) and not bool(nf.flit)
    assert float(f.dllp_overhead.sum()) == 0 and float(f.framing_overhead.sum()) == 0
    with pytest.raises(ValueError, match="flit: non-flit mode is not allowed"):
        link(6, 4, 4096, flit=False)


def test_finite_completion_credits_add_updatefc_upstream():
    inf = link(4, 4, 4096, transfer="read", completion_credits="infinite")
    fin = link(4, 4, 4096, transfer="read", completion_credits="finite")
    assert float(fin.dllp_overhead.sel(direction="upstream")) == pytest.approx(
        2 * float(inf.dllp_overhead.sel(direction="upstream")), rel=0.02
    )


def test_gen8_flagged_provisional():
    assert bool(link(8, 4, 4096).provisional) and not bool(link(7, 4, 4096).provisional)


def test_sweep_with_named_axes():
    gen = xr.DataArray([3, 4, 5, 6], dims="gen", coords={"gen": [3, 4, 5, 6]})
    mps = xr.DataArray([128, 256, 512], dims="mps", coords={"mps": [128, 256, 512]})
    ds = link(gen, 4, 128 * KiB, mps=mps)
    assert ds.effective_bandwidth.dims == ("gen", "mps")
    assert ds.payload.dims == ("direction", "gen", "mps")
    assert ds.effective_bandwidth.attrs["units"] == "B/s"
    assert float(ds.effective_bandwidth.sel(gen=6, mps=512)) == pytest.approx(
        float(link(6, 4, 128 * KiB, 512).effective_bandwidth)
    )


@pytest.mark.parametrize(
    "kw, msg",
    [
        (dict(gen=9), "gen: 9 not allowed"),
        (dict(lanes=3), "lanes: 3 not allowed"),
        (dict(mps=300), "mps: 300 not allowed"),
        (dict(size=-1), "size: -1 B out of range"),
        (dict(size=np.nan), "size: NaN is not a value"),
        (dict(transfer="sideways"), "transfer: 'sideways' not allowed"),  # D2: the library parameter is transfer
        (dict(dllp_policy="often"), "dllp_policy: 'often' not allowed"),
        (dict(tag_bits=9), "tag_bits: 9 not allowed"),
        (dict(write_fraction=1.5), "write_fraction: 1.5 out of range"),
        (dict(round_trip=-1e-6), "round_trip: -1e-06 s out of range"),
    ],
)
def test_bad_input_names_parameter(kw, msg):
    args = dict(gen=5, lanes=4, size=4096)
    args.update(kw)
    with pytest.raises(ValueError, match=msg):
        link(**args)


def test_blocked_evaluation_equals_unblocked(monkeypatch):
    import linkmodel.pcie.budget as budget

    rng = np.random.default_rng(1)
    n = 5000
    cfg = dict(
        gen=rng.integers(1, 8, n),
        lanes=rng.choice([1, 2, 4, 8, 16], n),
        size=rng.integers(1, 1 << 20, n),
        mps=rng.choice([128, 256, 512, 1024], n),
        write_fraction=rng.random(n),
    )
    whole = link(**cfg)
    monkeypatch.setattr(budget, "BLOCK", 97)
    blocked = link(**cfg)
    xr.testing.assert_identical(whole, blocked)


def test_gen6_x16_vs_pcie_bench_preliminary():
    # pcie.md §6.4: Gen6 x16, MPS 256, 4096-byte writes: 1024 Gb/s x 236/256 x (1 - SKP) x 256/272
    # = 885.5 Gb/s (derived), where pcie-bench's "preliminary" Gen6 (Gen5 model with 242/256) gives
    # 798.4 Gb/s, ~10 % low (#62: its TLP_bw 873.29 Gb/s already charges non-flit DLLPs and framing)
    ds = link(6, 16, 4096, mps=256, flit_error_rate=0.0)
    gbps = float(ds.effective_bandwidth) * 8 / 1e9
    assert gbps == pytest.approx(1024 * 236 / 256 * (1 - 40 / 12008) * 256 / 272, rel=1e-9)
    assert gbps == pytest.approx(885.5, abs=0.1)
    assert gbps / 798.4 > 1.10


# --------------------------------------------------------------------------
# hand-derived budgets for the options
# --------------------------------------------------------------------------


def test_spec_policy_read_dllps_both_directions():
    """Gen4 x8, MPS 256, 4 KiB reads, MRRS 512, spec DLLP policy, no errors.

    Downstream carries 16 CplD (256 B + 12 B header + 8 B framing = 4416 B per transfer) and the DLLPs
    answering upstream's 8 MRd per transfer: an Ack and an UpdateFC-NP, each at most once per
    latency limit T = 203 symbol times (Table 3-12, x8, MPS 256) of 8 UI = 0.5 ns: 2 x 8 B / 101.5 ns.
    Upstream carries the MRds (8 x 24 B) and the Acks for the CplDs (no UpdateFC: infinite Cpl credits)."""
    raw = 16e9 * 8 / 8 * 128 / 130
    skp = (16 + 4 / 8) / (375 * 16)
    cap_down = raw * (1 - skp)
    dllp_down = 2 * 8 / (203 * 0.5e-9)
    expected_rate = (cap_down - dllp_down) / 4416
    ds = link(4, 8, 4096, mps=256, transfer="read", bit_error_rate=0.0, round_trip=0)
    assert float(ds.transfer_rate) == pytest.approx(expected_rate, rel=1e-12)
    assert float(ds.dllp_overhead.sel(direction="downstream")) == pytest.approx(dllp_down, rel=1e-12)
    assert float(ds.dllp_overhead.sel(direction="upstream")) == pytest.approx(8 / (203 * 0.5e-9), rel=1e-12)


def test_per_tlp_policy_one_ack_and_updatefc_per_tlp():
    # Gen3 x8 posted writes, MPS 256, 4 KiB: 16 MWr per transfer, each answered by an Ack and an UpdateFC-P
    ds = link(3, 8, 4096, mps=256, dllp_policy="per_tlp", bit_error_rate=0.0)
    assert float(ds.dllp_overhead.sel(direction="downstream")) == pytest.approx(
        float(ds.transfer_rate) * 16 * 2 * 8, rel=1e-12
    )


def test_ecrc_and_offset_bytes():
    # ECRC: one DW per TLP; 4096 B in 16 MWr of 256 B: 4096 + 16 x (16 + 4 + 8) = 4544 B (non-flit)
    ds = link(5, 4, 4096, mps=256, ecrc=True)
    assert float(ds.bytes_per_transfer.sel(direction="upstream")) == 4544
    # starting 64 B past a 256-byte boundary, 4096 B touch 17 MPS-aligned pieces
    ds = link(5, 4, 4096, mps=256, offset=64)
    assert float(ds.tlps_per_transfer.sel(direction="upstream")) == 17


def test_flit_ohc_for_partial_dws():
    # flit mode: a 5-byte write is 2 DW of payload, a 4DW header and 1 DW of OHC-A1 (partial last DW):
    # 8 + 16 + 4 = 28 B; a whole-DW 8-byte write needs no OHC: 24 B
    assert float(link(6, 4, 5, 512).bytes_per_transfer.sel(direction="upstream")) == 28
    assert float(link(6, 4, 8, 512).bytes_per_transfer.sel(direction="upstream")) == 24
    # non-flit mode has byte enables in every header: no OHC, 8 + 16 + 8 framing = 32 B
    assert float(link(5, 4, 5, 512).bytes_per_transfer.sel(direction="upstream")) == 32


def test_sris_cadence_in_the_budget():
    # flit 1b/1b SRIS x4: a 40-byte SKP OS every 18 flits (Table 4-21): 40 / (18 x 64 + 40) of the lane time
    ds = link(6, 4, 1 << 20, mps=512, clocking="sris")
    assert float(ds.skp_overhead / ds.raw_bandwidth) == pytest.approx(40 / (18 * 64 + 40), rel=1e-12)


def test_selective_vs_go_back_n_replay():
    p = 1e-3
    sel = link(6, 4, 1 << 20, mps=512, flit_error_rate=p, replay="selective")
    gbn = link(6, 4, 1 << 20, mps=512, flit_error_rate=p, replay="go_back_n")
    assert float(sel.replay_efficiency.sel(direction="upstream")) == pytest.approx(1 - p, rel=1e-12)
    # window: 100 ns at 32 GB/s x (1 - SKP) / 256 B per flit
    w = 100e-9 * 32e9 * (1 - SKP_X4) / 256
    assert float(gbn.replay_efficiency.sel(direction="upstream")) == pytest.approx((1 - p) / (1 - p + p * w), rel=1e-12)
    assert float(gbn.effective_bandwidth) < float(sel.effective_bandwidth)


def test_fourteen_bit_tags_need_flit_mode():
    with pytest.raises(ValueError, match="tag_bits: 14-bit tags need flit mode"):
        link(5, 4, 4096, transfer="read", tag_bits=14)
    assert float(link(6, 4, 4096, transfer="read", tag_bits=14).ceiling_tags) > 0


def test_a_link_call_too_large_for_memory_is_refused_at_once():
    # issue 15: a 2*10^7-element link() ran out of memory without a word; the estimate (355 B per element,
    # measured) refuses it before any array of that size exists (a broadcast view of 2e7 sizes, no copy)
    import time

    sizes = np.broadcast_to(np.int64(4096), (20_000_000,))
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=r"^link: 2e\+07 elements need about [0-9.]+ GiB .*smaller batches") as e:
        link(5, 4, sizes)
    assert "\n" not in str(e.value) and time.perf_counter() - t0 < 1.0
