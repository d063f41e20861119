"""AI-inference storage what-ifs: the oracles of ai_workloads.md §9 (#1-#20, #23-#30, #32, #37-#40), by hand."""

import math

import numpy as np
import pytest
import xarray as xr

from linkmodel.ai import kvtier, models, weights
from linkmodel.studies import ai_drives, ai_smallblock

KiB, MiB, GiB = 2**10, 2**20, 2**30


@pytest.mark.parametrize(
    "mid,expected",
    [
        ("llama-3.1-8b", 131_072),  # 1: 2 x 32 layers x 8 KV heads x 128 x 2 B
        ("llama-3.1-70b", 327_680),  # 2: Mooncake's "320 KB" per token
        ("llama-3.1-405b", 516_096),  # 4
        ("qwen3-8b", 147_456),  # 5
        ("qwen3-32b", 262_144),  # 6
        ("qwen3-30b-a3b", 98_304),  # 7
        ("qwen3-235b-a22b", 192_512),  # 8
        ("qwen2.5-7b", 57_344),  # 9
        ("qwen2.5-72b", 327_680),  # 10
        ("deepseek-v3", 70_272),  # 11: MLA, 61 x (512 + 64) x 2 B
        ("glm-4.5", 376_832),  # dossier §1.3 table
    ],
)
def test_kv_bytes_per_token_bf16(mid, expected):
    assert models.kv_bytes_per_token(mid) == expected


def test_kv_formats():
    assert models.kv_bytes_per_token("llama-3.1-70b", "fp8") == 163_840  # 3
    # 12: DeepSeek-V3.2 FlashMLA record: 512 B FP8 latent + 4 FP32 scales (16 B) + 64 BF16 RoPE values (128 B)
    assert models.kv_bytes_per_token("deepseek-v3", "fp8-mla") == 656 * 61 == 40_016
    # 28: compression vs BF16
    for fmt, c in (("fp8", 2.0), ("turboquant-3.5", 16 / 3.5), ("turboquant-3", 16 / 3), ("turboquant-2.5", 6.4)):
        assert models.compression("llama-3.1-70b", fmt) == pytest.approx(c, rel=1e-12)
    assert models.compression("llama-3.1-70b", "turboquant-3.5") == pytest.approx(4.571, abs=5e-4)
    # 29: one FP32 norm per 128-value vector: 2048 / (448 + 32) bits
    assert models.compression("llama-3.1-70b", "turboquant-3.5-norm") == pytest.approx(4.267, abs=5e-4)
    # 30: 1,152 B (BF16 MLA, 576 values) vs 656 B per layer-token
    assert models.compression("deepseek-v3", "fp8-mla") == pytest.approx(1152 / 656) == pytest.approx(1.756, abs=5e-4)
    custom = models.KVFormat("mine", 4.0, group=64, group_overhead_bits=16.0)
    assert models.kv_bytes_per_token("llama-3.1-8b", custom) == 32 * (2 * 8 * 128) * (4 + 16 / 64) / 8


def test_kv_totals():
    assert float(models.kv_bytes("llama-3.1-70b", 131_072)) == 42_949_672_960 == 40 * GiB  # 13
    assert float(models.kv_bytes("qwen3-8b", 32_768)) == 4_831_838_208  # 14: Mooncake's "4.50 GB" (GiB)
    assert float(models.kv_bytes("llama-3.1-70b", 3e6)) / 1e12 == pytest.approx(0.983, abs=5e-4)  # 19
    assert float(models.kv_bytes("llama-3.1-70b", 50e6)) / 1e12 == pytest.approx(16.384, abs=5e-4)  # 20
    tokens = xr.DataArray([1e3, 1e6], dims="tokens")
    assert models.kv_bytes("llama-3.1-8b", tokens).dims == ("tokens",)


def test_mooncake_breakeven():
    # 18: flops(8192) = 80 x (4 x 8192^2 x 8192 + 22 x 8192 x 8192^2) = 80 x 26 x 8192^3
    f = float(kvtier.prefill_flops(8192, 80, 8192))
    assert f == 80 * 26 * 8192**3 == pytest.approx(1.1435e15, rel=1e-4)
    assert f / (8 * 312e12) == pytest.approx(0.458, abs=1e-3)
    # 15-17: B_min = G p B_tok / flops(p) with Mooncake's b = 22
    a800, h800 = 8 * 312e12, 8 * 989e12
    b = kvtier.breakeven_bandwidth
    assert float(b("llama-3.1-70b", 8192, a800, b=22)) / 1e9 == pytest.approx(5.859, abs=1e-3)
    assert float(b("llama-3.1-70b", 8192, h800, b=22)) / 1e9 == pytest.approx(18.57, abs=1e-2)
    assert float(b("llama-3.1-70b", 32768, a800, b=22)) / 1e9 == pytest.approx(4.009, abs=1e-3)
    # the requirement falls as the prefix grows (the attention term grows as p^2)
    p = xr.DataArray([1024, 8192, 32768], dims="p")
    bw = b("llama-3.1-70b", p, a800, b=22)
    assert float(bw[0]) / 1e9 == pytest.approx(6.77, abs=0.01) and np.all(np.diff(bw.values) < 0)
    # compressed KV loads fewer bytes: the break-even bandwidth falls by the compression factor
    assert float(b("llama-3.1-70b", 8192, a800, "fp8", b=22)) == pytest.approx(5.859375e9 / 2)


def test_io_sizes():
    # 23: a 16-token vLLM block of Llama 3.1 70B: one layer K+V; all layers; one layer, one TP8 rank, K only
    assert float(kvtier.io_size("llama-3.1-70b", 16, "layer_separate")) == 65_536
    assert float(kvtier.io_size("llama-3.1-70b", 16)) == 5_242_880
    assert float(kvtier.io_size("llama-3.1-70b", 16, "layer_separate", tp=8, split_kv=True)) == 4_096
    # 24: LMCache 256-token chunks
    assert float(kvtier.io_size("llama-3.1-8b", kvtier.ENGINE_BLOCKS["lmcache"])) == 32 * MiB
    assert float(kvtier.io_size("llama-3.1-70b", 256)) == 80 * MiB
    # MLA: one latent KV head, replicated under TP (no split)
    assert float(kvtier.io_size("deepseek-v3", 16, tp=8)) == 16 * 70_272
    with pytest.raises(ValueError, match="layout"):
        kvtier.io_size("llama-3.1-70b", 16, "per_layer")
    with pytest.raises(ValueError, match="split_kv"):
        kvtier.io_size("deepseek-v3", 16, split_kv=True)


def test_iops_for_bandwidth_and_drive_count():
    # 25: 19 GB/s at 512 B / 4 KiB / 1 MiB
    got = ai_drives.iops_for_bandwidth(19e9, np.array([512, 4 * KiB, MiB]))
    assert got / np.array([1e6, 1e6, 1e3]) == pytest.approx([37.11, 4.64, 18.1], rel=2e-3)  # as rounded there
    # 26: Gen6 x4 drives of 28 GB/s and 5.5 M IOPS for 19 GB/s at 512 B / 4 KiB
    for io, n in ((512, 7), (4 * KiB, 1)):
        c = ai_drives.count(19e9, 0.0, io, 0.0, 0.0, 28e9, 14e9, 5.5e6, 1e6, 30.72e12, 1.0)
        assert int(c.drives) == n and str(c.binding.values) == "read IOPS"


def test_worked_example_chat_tier():
    # 27: lambda 2/s, 12,035 input tokens, 40 % prefix hits (Mooncake conversation trace), Llama 3.1 70B, BF16
    d = kvtier.demand("llama-3.1-70b", 2.0, 12_035, 0.4, retention_tokens=50e6)
    assert float(d.read_bandwidth) / 1e9 == pytest.approx(3.155, abs=1e-3)
    assert float(d.write_bandwidth) / 1e9 == pytest.approx(4.732, abs=1e-3)
    assert float(d.bytes_written_per_day) / 1e12 == pytest.approx(408.9, abs=0.05)
    assert float(d.capacity) / 1e12 == pytest.approx(16.384, abs=1e-3)
    # on 30.72 TB 1-DWPD drives (28 GB/s, 14 GB/s, 5.5 M IOPS): endurance binds at 14 drives
    n = ai_drives.count(
        d.read_bandwidth,
        d.write_bandwidth,
        d.io_size,
        d.capacity,
        d.bytes_written_per_day,
        28e9,
        14e9,
        5.5e6,
        1e6,
        30.72e12,
        1.0,
    )
    assert int(n.n_endurance) == int(n.drives) == 14 and str(n.binding.values) == "endurance"
    assert int(n.n_capacity) == 1 and int(n.n_read_bandwidth) == 1
    # compression divides bandwidth, capacity and writes alike; FP8 halves the endurance need
    d8 = kvtier.demand("llama-3.1-70b", 2.0, 12_035, 0.4, retention_tokens=50e6, fmt="fp8")
    assert float(d8.bytes_written_per_day) == pytest.approx(float(d.bytes_written_per_day) / 2)
    # admission halves the writes; decode KV adds output tokens
    assert float(kvtier.demand("llama-3.1-70b", 2.0, 12_035, 0.4, admit=0.5).write_bandwidth) == pytest.approx(
        float(d.write_bandwidth) / 2
    )
    dd = kvtier.demand("llama-3.1-70b", 2.0, 12_035, 0.4, output_tokens=343, save_decode=True)
    assert float(dd.write_bandwidth) == pytest.approx(2 * (0.6 * 12_035 + 343) * 327_680)
    with pytest.raises(ValueError, match="prefix_hit"):
        kvtier.demand("llama-3.1-70b", 2.0, 12_035, 1.4)


def test_fleet_arithmetic():
    assert pytest.approx(5.5e6) == 528e6 / 96  # 37: the Wiwynn SCADA box, per SSD
    assert pytest.approx(2.949, abs=5e-4) == 96 * 30.72e12 / 1e15
    # 38: bandwidth of 100 M and 200 M 512 B IOPS
    assert pytest.approx(51.2) == 100e6 * 512 / 1e9 and pytest.approx(102.4) == 200e6 * 512 / 1e9
    assert float(ai_drives.iops_for_bandwidth(51.2e9, 512)) == pytest.approx(100e6)
    # 39: Little's law
    assert float(ai_drives.outstanding_ios(100e6, 50e-6)) == pytest.approx(5000)


def test_cold_start_and_experts():
    # 40: Llama 3.1 70B in BF16 (70.6 B parameters: 141.2 GB) from one 28 GB/s drive
    w = models.weight_bytes("llama-3.1-70b")
    assert w == pytest.approx(141.2e9)
    assert float(weights.cold_start_time(w, 1, 28e9)) == pytest.approx(5.04, abs=0.01)
    assert float(weights.cold_start_time(w, 4, 28e9)) == pytest.approx(1.26, abs=0.01)
    assert float(weights.cold_start_time(w, 4, 28e9, host_bandwidth=50e9)) == pytest.approx(141.2 / 50)
    # 32: DeepSeek-V3 routed experts: 3 x 7168 x 2048 parameters each; 58 MoE layers x top-8 = 464 reads/token
    assert float(weights.expert_bytes(7168, 2048, 8)) == 44_040_192
    ds = weights.expert_stream("deepseek-v3", 1.0, bits_per_param=8)
    assert float(ds.experts_per_step) == pytest.approx(464) and float(ds.read_bandwidth) / 1e9 == pytest.approx(
        20.4, abs=0.05
    )
    # 33: Qwen3.5-397B expert at MLX 4-bit, group 64 (FP16 scale + bias per group): 6.75 MiB
    assert float(weights.expert_bytes(4096, 1024, 4, group=64, group_overhead_bits=32)) == 7_077_888
    # distinct experts: one token touches top_k; a large batch touches nearly all
    assert float(weights.distinct_experts(256, 8, 1)) == pytest.approx(8)
    assert float(weights.distinct_experts(256, 8, 1000)) == pytest.approx(256, rel=1e-3)
    with pytest.raises(ValueError, match="not a mixture-of-experts"):
        weights.expert_stream("llama-3.1-70b", 1.0)


def test_catalogue_errors(tmp_path):
    bad = tmp_path / "m.toml"
    bad.write_text(
        '["x"]\nname = "X"\nattention = "gqa"\nlayers = 2\nhidden = 8\nq_heads = 2\nkv_heads = 4\n'
        'head_dim = 4\nparams = 1e6\nsource = "s"\n'
    )
    with pytest.raises(ValueError, match=r"m.toml: \[x\]: kv_heads: 4 exceeds q_heads 2"):
        models.load_models(bad)
    bad.write_text('["x"]\nname = "X"\nattention = "gqa"\nlayer = 2\n')
    with pytest.raises(ValueError, match=r"\[x\]: unknown field 'layer'"):
        models.load_models(bad)
    bad.write_text('["x"\n')
    with pytest.raises(ValueError, match="m.toml"):
        models.load_models(bad)
    with pytest.raises(ValueError, match="model: unknown 'llama-4'"):
        models.kv_bytes_per_token("llama-4")
    with pytest.raises(ValueError, match="kv format: unknown 'fp4'"):
        models.kv_bytes_per_token("llama-3.1-8b", "fp4")
    with pytest.raises(ValueError, match="bits"):
        models.KVFormat("x", 0.0)


def test_drives_for_every_part():
    d = kvtier.demand("llama-3.1-70b", 2.0, 12_035, 0.4, retention_tokens=50e6)
    ds = ai_drives.for_parts(d, parts=["micron-9650-pro", "kioxia-cm9-25tb-kvcache", "micron-6600-ion"])
    assert list(ds.part.values) == ["micron-9650-pro", "kioxia-cm9-25tb-kvcache", "micron-6600-ion"]
    # every part: the most drives any constraint needs; this tier is write-heavy, so endurance binds
    for p in ds.part.values:
        x = ds.sel(part=p)
        assert float(x.drives) == max(float(x[k]) for k in ai_drives._KEYS)
    assert set(ds.binding.values) == {"endurance"}
    # a rated DWPD drive: ceil(408.9 TB/day / (capacity x DWPD))
    x = ds.sel(part="kioxia-cm9-25tb-kvcache")
    assert float(x.drives) == math.ceil(4.0889e14 / (float(x.capacity) * float(x.dwpd)) - 1e-9)
    # a read-only small-block tier (nothing admitted) binds on IOPS (or on the power cap holding the drive's IOPS)
    small = kvtier.demand(
        "llama-3.1-70b", 50.0, 12_035, 0.9, admit=0.0, tokens_per_block=16, layout="layer_separate", tp=8, split_kv=True
    )
    s = ai_drives.for_parts(small, parts=["micron-9650-pro"])
    assert str(s.binding.values[0]) in ("read IOPS", "power")


def test_small_block_ceilings_and_closing():
    ds = ai_smallblock.ceilings("micron-9650-pro")
    assert list(ds["size"].values) == [512, 1024, 2048, 4096]
    # IOPS fall with size; every ceiling bounds the result; the data-only link ceiling is above the NVMe one
    assert np.all(np.diff(ds.iops.values) < 0)
    assert np.all(ds.iops <= ds.ceiling_link * (1 + 1e-12))
    assert np.all(ds.link_data_only >= ds.ceiling_link)
    c = ai_smallblock.closing("micron-9650-pro", 100e6)
    # a Gen6 x4 link cannot carry 100 M 512 B reads (51.2 GB/s of payload > 32 GB/s raw); Gen7 x4 can
    assert c["link"]["ceiling"] < 100e6
    assert {"gen": 7, "lanes": 4} in [{k: o[k] for k in ("gen", "lanes")} for o in c["links"]]
    assert not any(o["gen"] == 6 and o["lanes"] == 4 for o in c["links"])
    # MPS: 512 B reads split into 4 TLPs at MPS 128, 2 at 256; from 512 on one TLP, so the ceiling stops growing
    m = c["mps_ceilings"]
    assert m[128] < m[256] < m[512] == m[4096]
    # Little's law at the QD1 latency
    assert c["outstanding_ios"] == pytest.approx(100e6 * c["qd1_latency"])
    assert c["gap"] > 1


def test_review_fixes():
    # block size and TP pair with the other inputs by dimension name
    r = xr.DataArray([1.0, 2.0], dims="r")
    tp = xr.DataArray([1, 2, 4], dims="tp")
    d = kvtier.demand("llama-3.1-70b", r, 12_035, 0.4, tp=tp, layout="layer_separate")
    assert set(d.read_iops.dims) == {"r", "tp"}
    assert float(d.io_size.isel(tp=2, r=0)) == 65_536 / 4  # tp = 4
    # overflow is an error naming the inputs, not a NaN
    with pytest.raises(ValueError, match="too large"):
        kvtier.demand("llama-3.1-70b", 1e300, 1e300, 0.4)
    with pytest.raises(ValueError, match="too large"):
        kvtier.breakeven_bandwidth("llama-3.1-70b", 1e200, 1e15)
    # the attention term spans the query heads: Llama's H_q d_h = d; DeepSeek-V3's MLA: 128 x (128 + 64 + 128) / 2
    assert models.model("llama-3.1-70b").attention_width() == 8192
    assert models.model("qwen3-235b-a22b").attention_width() == 64 * 128
    assert models.model("deepseek-v3").attention_width() == 128 * 160
    # GLM-4.5 is a MoE model: 3 x 5120 x 1536 parameters per expert
    assert float(weights.expert_stream("glm-4.5", 1.0).io_size) == 3 * 5120 * 1536 * 2
    # zero demand needs no drives
    z = ai_drives.count(0.0, 0.0, 4096, 0.0, 0.0, 28e9, 14e9, 5.5e6, 1e6, 30.72e12, 1.0)
    assert int(z.drives) == 0 and str(z.binding.values) == "none"
    # one drive serving reads and writes: its time shares add up (0.6 + 0.6 of a drive -> 2 drives)
    rw = ai_drives.count(0.6 * 5.5e6 * 4096, 0.6 * 1e6 * 4096, 4096, 0.0, 0.0, 28e9, 14e9, 5.5e6, 1e6, 30.72e12, 100.0)
    assert int(rw.drives) == 2 and str(rw.binding.values) == "read+write"
    # small reads are held to the part's published 4 KiB random-read IOPS (the controller's rate is unpublished):
    # #26 again, now from the 9650 Pro's own spec file (5.5 M published): 19 GB/s of 512 B reads need 7 drives
    d = {
        "read_bandwidth": 19e9,
        "write_bandwidth": 0.0,
        "io_size": 512.0,
        "capacity": 0.0,
        "bytes_written_per_day": 0.0,
    }
    s = ai_drives.for_parts(d, parts=["micron-9650-pro"])
    assert float(s.read_iops[0]) == 5.5e6 and float(s.drives[0]) == 7
    assert str(s.drive_stage.values[0]) == "published 4 KiB IOPS"
    # a power-held fleet stays within its drives' caps
    heavy = kvtier.demand(
        "llama-3.1-70b", 50.0, 12_035, 0.5, tokens_per_block=16, layout="layer_separate", tp=8, split_kv=True
    )
    f = ai_drives.for_parts(heavy, parts=["micron-9650-pro", "dapustor-r6060"], published_bound=False)
    assert np.all(f.fleet_power <= f.drives * f.power_cap * (1 + 1e-9))
    with pytest.raises(ValueError, match="demand: one scalar demand"):
        ai_drives.for_parts(kvtier.demand("llama-3.1-70b", r, 12_035, 0.4))
    wb = models.weight_bytes("llama-3.1-70b", xr.DataArray([8.0, 16.0], dims="bits"))
    assert wb.dims == ("bits",) and float(wb[1]) == pytest.approx(141.2e9)
    # the link options say which need the assumed GPU-side batching
    c = ai_smallblock.closing("micron-9650-pro", 100e6)
    assert c["channels_needed"] > c["channels"]
    assert any(o["needs_batching"] for o in c["links"]) and not all(o["needs_batching"] for o in c["links"])
