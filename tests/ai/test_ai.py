"""AI-inference storage what-ifs: the oracles of ai_workloads.md §9 (#1-#20, #23-#30, #32, #33, #37-#40), by hand."""

import math

import numpy as np
import pytest
import xarray as xr

from linkmodel import parts
from linkmodel.ai import kvtier, models, weights
from linkmodel.studies import ai_drives, ai_smallblock

KiB, MiB, GiB = 2**10, 2**20, 2**30
LLAMA_8B, LLAMA_70B, DEEPSEEK_V3 = (parts.model(m) for m in ("llama-3.1-8b", "llama-3.1-70b", "deepseek-v3"))


@pytest.mark.parametrize(
    "mid,expected",
    [
        ("llama-3.1-8b", 131_072),  # #1: 2 x 32 layers x 8 KV heads x 128 x 2 B
        ("llama-3.1-70b", 327_680),  # #2: Mooncake's "320 KB" per token
        ("llama-3.1-405b", 516_096),  # #4
        ("qwen3-8b", 147_456),  # #5
        ("qwen3-32b", 262_144),  # #6
        ("qwen3-30b-a3b", 98_304),  # #7
        ("qwen3-235b-a22b", 192_512),  # #8
        ("qwen2.5-7b", 57_344),  # #9
        ("qwen2.5-72b", 327_680),  # #10
        ("deepseek-v3", 70_272),  # #11: MLA, 61 x (512 + 64) x 2 B
        ("glm-4.5", 376_832),  # dossier §1.3 table
    ],
)
def test_kv_bytes_per_token_bf16(mid, expected):
    assert models.kv_bytes_per_token(parts.model(mid)) == expected


def test_kv_formats():
    assert models.kv_bytes_per_token(LLAMA_70B, "fp8") == 163_840  # #3
    # #12: DeepSeek-V3.2 FlashMLA record: 512 B FP8 latent + 4 FP32 scales (16 B) + 64 BF16 RoPE values (128 B)
    assert models.kv_bytes_per_token(DEEPSEEK_V3, "fp8-mla") == 656 * 61 == 40_016
    # #28: compression vs BF16
    for fmt, c in (("fp8", 2.0), ("turboquant-3.5", 16 / 3.5), ("turboquant-3", 16 / 3), ("turboquant-2.5", 6.4)):
        assert models.compression(LLAMA_70B, fmt) == pytest.approx(c, rel=1e-12)
    assert models.compression(LLAMA_70B, "turboquant-3.5") == pytest.approx(4.571, abs=5e-4)
    # #29: one FP32 norm per 128-value vector: 2048 / (448 + 32) bits
    assert models.compression(LLAMA_70B, "turboquant-3.5-norm") == pytest.approx(4.267, abs=5e-4)
    # #30: 1,152 B (BF16 MLA, 576 values) vs 656 B per layer-token
    assert models.compression(DEEPSEEK_V3, "fp8-mla") == pytest.approx(1152 / 656) == pytest.approx(1.756, abs=5e-4)
    custom = models.KVFormat("mine", 4.0, group=64, group_overhead_bits=16.0)
    assert models.kv_bytes_per_token(LLAMA_8B, custom) == 32 * (2 * 8 * 128) * (4 + 16 / 64) / 8


def test_kv_totals():
    assert float(models.kv_bytes(LLAMA_70B, 131_072)) == 42_949_672_960 == 40 * GiB  # #13
    assert float(models.kv_bytes(parts.model("qwen3-8b"), 32_768)) == 4_831_838_208  # #14: Mooncake's "4.50 GB" (GiB)
    assert float(models.kv_bytes(LLAMA_70B, 3e6)) / 1e12 == pytest.approx(0.983, abs=5e-4)  # #19
    assert float(models.kv_bytes(LLAMA_70B, 50e6)) / 1e12 == pytest.approx(16.384, abs=5e-4)  # #20
    tokens = xr.DataArray([1e3, 1e6], dims="tokens")
    assert models.kv_bytes(LLAMA_8B, tokens).dims == ("tokens",)


def test_mooncake_breakeven():
    # #18: flops(8192) = 80 x (4 x 8192^2 x 8192 + 22 x 8192 x 8192^2) = 80 x 26 x 8192^3
    f = float(kvtier.prefill_flops(8192, 80, 8192))
    assert f == 80 * 26 * 8192**3 == pytest.approx(1.1435e15, rel=1e-4)
    assert f / (8 * 312e12) == pytest.approx(0.458, abs=1e-3)
    # #15-#17: B_min = G p B_tok / flops(p) with Mooncake's b = 22
    a800, h800 = 8 * 312e12, 8 * 989e12
    b = kvtier.breakeven_bandwidth
    assert float(b(LLAMA_70B, 8192, a800, b=22)) / 1e9 == pytest.approx(5.859, abs=1e-3)
    assert float(b(LLAMA_70B, 8192, h800, b=22)) / 1e9 == pytest.approx(18.57, abs=1e-2)
    assert float(b(LLAMA_70B, 32768, a800, b=22)) / 1e9 == pytest.approx(4.009, abs=1e-3)
    # the requirement falls as the prefix grows (the attention term grows as p^2)
    p = xr.DataArray([1024, 8192, 32768], dims="p")
    bw = b(LLAMA_70B, p, a800, b=22)
    assert float(bw[0]) / 1e9 == pytest.approx(6.77, abs=0.01) and np.all(np.diff(bw.values) < 0)
    # compressed KV loads fewer bytes: the break-even bandwidth falls by the compression factor
    assert float(b(LLAMA_70B, 8192, a800, "fp8", b=22)) == pytest.approx(5.859375e9 / 2)


def test_io_sizes():
    # #23: a 16-token vLLM block of Llama 3.1 70B: one layer K+V; all layers; one layer, one TP8 rank, K only
    assert float(kvtier.io_size(LLAMA_70B, 16, "layer_separate")) == 65_536
    assert float(kvtier.io_size(LLAMA_70B, 16)) == 5_242_880
    assert float(kvtier.io_size(LLAMA_70B, 16, "layer_separate", tp=8, split_kv=True)) == 4_096
    # #24: LMCache 256-token chunks
    assert float(kvtier.io_size(LLAMA_8B, kvtier.ENGINE_BLOCKS["lmcache"])) == 32 * MiB
    assert float(kvtier.io_size(LLAMA_70B, 256)) == 80 * MiB
    # MLA: one latent KV head, replicated under TP (no split)
    assert float(kvtier.io_size(DEEPSEEK_V3, 16, tp=8)) == 16 * 70_272
    with pytest.raises(ValueError, match="layout"):
        kvtier.io_size(LLAMA_70B, 16, "per_layer")
    with pytest.raises(ValueError, match="split_kv"):
        kvtier.io_size(DEEPSEEK_V3, 16, split_kv=True)


def test_iops_for_bandwidth_and_drive_count():
    # #25: 19 GB/s at 512 B / 4 KiB / 1 MiB
    got = ai_drives.iops_for_bandwidth(19e9, np.array([512, 4 * KiB, MiB]))
    assert got / np.array([1e6, 1e6, 1e3]) == pytest.approx([37.11, 4.64, 18.1], rel=2e-3)  # as rounded there
    # #26: Gen6 x4 drives of 28 GB/s and 5.5 M IOPS for 19 GB/s at 512 B / 4 KiB
    for io, n in ((512, 7), (4 * KiB, 1)):
        c = ai_drives.count(19e9, 0.0, io, 0.0, 0.0, 28e9, 14e9, 5.5e6, 1e6, 30.72e12, 1.0)
        assert int(c.drives) == n and str(c.binding.values) == "read IOPS"


def test_worked_example_chat_tier():
    # #27: lambda 2/s, 12,035 input tokens, 40 % prefix hits (Mooncake conversation trace), Llama 3.1 70B, BF16
    d = kvtier.demand(LLAMA_70B, 2.0, 12_035, 0.4, retention_tokens=50e6)
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
    d8 = kvtier.demand(LLAMA_70B, 2.0, 12_035, 0.4, retention_tokens=50e6, fmt="fp8")
    assert float(d8.bytes_written_per_day) == pytest.approx(float(d.bytes_written_per_day) / 2)
    # admission halves the writes; decode KV adds output tokens
    assert float(kvtier.demand(LLAMA_70B, 2.0, 12_035, 0.4, admit=0.5).write_bandwidth) == pytest.approx(
        float(d.write_bandwidth) / 2
    )
    dd = kvtier.demand(LLAMA_70B, 2.0, 12_035, 0.4, output_tokens=343, save_decode=True)
    assert float(dd.write_bandwidth) == pytest.approx(2 * (0.6 * 12_035 + 343) * 327_680)
    with pytest.raises(ValueError, match="prefix_hit"):
        kvtier.demand(LLAMA_70B, 2.0, 12_035, 1.4)


def test_fleet_sizing_wiwynn_box():
    # #37: the Wiwynn SCADA box: 528 M 4K random-read IOPS from 96 Micron 9650 Pro (5.5 M IOPS each, 30.72 TB)
    iops = ai_drives.count(528e6 * 4096, 0.0, 4096, 0.0, 0.0, 28e9, 14e9, 5.5e6, 1e6, 30.72e12, 1.0)
    assert int(iops.drives) == 96 and str(iops.binding.values) == "read IOPS"
    # ... and the 96 drives hold 96 x 30.72 TB = 2.949 PB
    cap = ai_drives.count(0.0, 0.0, 4096, 2.949e15, 0.0, 28e9, 14e9, 5.5e6, 1e6, 30.72e12, 1.0)
    assert int(cap.drives) == 96 and str(cap.binding.values) == "capacity"


def test_iops_for_bandwidth_at_512_bytes():
    # #38: 100 M and 200 M IOPS of 512 B are 51.2 and 102.4 GB/s
    assert float(ai_drives.iops_for_bandwidth(51.2e9, 512)) == pytest.approx(100e6)
    assert float(ai_drives.iops_for_bandwidth(102.4e9, 512)) == pytest.approx(200e6)


def test_outstanding_ios_littles_law():
    # #39: 100 M IOPS at 50 us
    assert float(ai_drives.outstanding_ios(100e6, 50e-6)) == pytest.approx(5000)


def test_cold_start_and_experts():
    # #40: Llama 3.1 70B in BF16 (70.6 B parameters: 141.2 GB) from one 28 GB/s drive
    w = models.weight_bytes(LLAMA_70B)
    assert w == pytest.approx(141.2e9)
    assert float(weights.cold_start_time(w, 1, 28e9)) == pytest.approx(5.04, abs=0.01)
    assert float(weights.cold_start_time(w, 4, 28e9)) == pytest.approx(1.26, abs=0.01)
    assert float(weights.cold_start_time(w, 4, 28e9, host_bandwidth=50e9)) == pytest.approx(141.2 / 50)
    # #32: DeepSeek-V3 routed experts: 3 x 7168 x 2048 parameters each; 58 MoE layers x top-8 = 464 reads/token
    assert float(weights.expert_bytes(7168, 2048, 8)) == 44_040_192
    ds = weights.expert_stream(DEEPSEEK_V3, 1.0, bits_per_param=8)
    assert float(ds.experts_per_step) == pytest.approx(464) and float(ds.read_bandwidth) / 1e9 == pytest.approx(
        20.4, abs=0.05
    )
    # #33: Qwen3.5-397B expert at MLX 4-bit, group 64 (FP16 scale + bias per group): 6.75 MiB
    assert float(weights.expert_bytes(4096, 1024, 4, group=64, group_overhead_bits=32)) == 7_077_888
    # distinct experts: one token touches top_k; a large batch touches nearly all
    assert float(weights.distinct_experts(256, 8, 1)) == pytest.approx(8)
    assert float(weights.distinct_experts(256, 8, 1000)) == pytest.approx(256, rel=1e-3)
    with pytest.raises(ValueError, match="not a mixture-of-experts"):
        weights.expert_stream(LLAMA_70B, 1.0)


_TOML_HEAD = 'schema = "linkmodel-ai-models/1"\n'


def test_catalogue_file_errors_name_file_model_and_field(tmp_path):
    bad = tmp_path / "m.toml"
    bad.write_text(
        _TOML_HEAD + '["x"]\nname = "X"\nattention = "gqa"\nlayers = 2\nhidden = 8\nq_heads = 2\nkv_heads = 4\n'
        'head_dim = 4\nparams = 1e6\nsource = "s"\n'
    )
    with pytest.raises(ValueError, match=r"m\.toml: \[x\]: kv_heads: 4 exceeds q_heads 2"):
        parts.load_models(bad)
    bad.write_text(_TOML_HEAD + '["x"]\nname = "X"\nattention = "gqa"\nlayer = 2\n')
    with pytest.raises(ValueError, match=r"\[x\]: unknown field 'layer'"):
        parts.load_models(bad)
    bad.write_text('["x"\n')
    with pytest.raises(ValueError, match=r"m\.toml"):
        parts.load_models(bad)


def test_catalogue_file_schema_is_checked(tmp_path):
    # review D6: the declared schema was popped and never checked
    bad = tmp_path / "m.toml"
    bad.write_text('["x"]\nname = "X"\n')
    with pytest.raises(ValueError, match=r'm\.toml: schema: expected "linkmodel-ai-models/1", got None'):
        parts.load_models(bad)
    bad.write_text('schema = "linkmodel-ai-models/2"\n')
    with pytest.raises(ValueError, match=r"m\.toml: schema: .* got 'linkmodel-ai-models/2'"):
        parts.load_models(bad)
    assert parts.load_models(parts.ai_models.models_path()) == parts.models()


def test_unknown_model_id_lists_known_ids():
    with pytest.raises(ValueError, match=r"model: unknown 'llama-4'; known: llama-3\.1-8b, llama-3\.1-70b, "):
        parts.model("llama-4")


def test_models_layer_takes_a_model_not_an_id():
    for f in (models.kv_bytes_per_token, models.weight_bytes, kvtier.dense_flops_constant):
        with pytest.raises(
            ValueError, match=r"^m: pass a Model, not the id 'llama-3\.1-70b' \(linkmodel\.parts\.model"
        ):
            f("llama-3.1-70b")
    with pytest.raises(ValueError, match=r"^m: pass a Model"):
        kvtier.demand("llama-3.1-70b", 2.0, 12_035, 0.4)
    with pytest.raises(ValueError, match=r"^m: pass a Model"):
        weights.expert_stream("deepseek-v3", 1.0)


def test_kv_format_and_bits_errors():
    with pytest.raises(ValueError, match="fmt: unknown kv format 'fp4'"):
        models.kv_bytes_per_token(LLAMA_8B, "fp4")
    with pytest.raises(ValueError, match="bits"):
        models.KVFormat("x", 0.0)


def test_drives_for_every_part():
    d = kvtier.demand(LLAMA_70B, 2.0, 12_035, 0.4, retention_tokens=50e6)
    ds = ai_drives.for_parts(d, parts=["micron-9650-pro", "kioxia-cm9-25tb-kvcache", "micron-6600-ion"])
    assert list(ds.part.values) == ["micron-9650-pro", "kioxia-cm9-25tb-kvcache", "micron-6600-ion"]
    # this tier is write-heavy, so endurance binds on every part: ceil(bytes per day / (capacity x DWPD)) drives,
    # with 2 x 0.6 x 12,035 tokens/s x 327,680 B x 86,400 s = 408.9 TB written per day
    per_day = 2 * 0.6 * 12_035 * 327_680 * 86_400
    assert set(ds.binding.values) == {"endurance"}
    for p in ds.part.values:
        x = ds.sel(part=p)
        assert float(x.drives) == float(x.n_endurance) == math.ceil(per_day / (float(x.capacity) * float(x.dwpd)))
    # a read-only small-block tier (nothing admitted) binds on IOPS (or on the power cap holding the drive's IOPS)
    small = kvtier.demand(
        LLAMA_70B, 50.0, 12_035, 0.9, admit=0.0, tokens_per_block=16, layout="layer_separate", tp=8, split_kv=True
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


def test_demand_pairs_block_size_and_tp_with_other_inputs_by_dimension_name():
    r = xr.DataArray([1.0, 2.0], dims="r")
    tp = xr.DataArray([1, 2, 4], dims="tp")
    d = kvtier.demand(LLAMA_70B, r, 12_035, 0.4, tp=tp, layout="layer_separate")
    assert set(d.read_iops.dims) == {"r", "tp"}
    assert float(d.io_size.isel(tp=2, r=0)) == 65_536 / 4  # tp = 4


def test_overflow_is_an_error_not_a_nan():
    with pytest.raises(ValueError, match="too large"):
        kvtier.demand(LLAMA_70B, 1e300, 1e300, 0.4)
    with pytest.raises(ValueError, match="prefix_tokens: 1e\\+200 out of range"):  # refused by its range first
        kvtier.breakeven_bandwidth(LLAMA_70B, 1e200, 1e15)


def test_attention_width_spans_the_query_heads():
    # Llama: H_q d_h = d; Qwen3 235B: 64 x 128; DeepSeek-V3's MLA: 128 x (128 + 64 + 128) / 2
    assert parts.model("llama-3.1-70b").attention_width() == 8192
    assert parts.model("qwen3-235b-a22b").attention_width() == 64 * 128
    assert parts.model("deepseek-v3").attention_width() == 128 * 160


def test_glm_expert_size():
    # GLM-4.5 is a MoE model: 3 x 5120 x 1536 parameters per expert, 2 B each in BF16
    assert float(weights.expert_stream(parts.model("glm-4.5"), 1.0).io_size) == 3 * 5120 * 1536 * 2


def test_weight_bytes_broadcasts_over_bits():
    wb = models.weight_bytes(LLAMA_70B, xr.DataArray([8.0, 16.0], dims="bits"))
    assert wb.dims == ("bits",) and float(wb[0]) == pytest.approx(70.6e9) and float(wb[1]) == pytest.approx(141.2e9)


def test_zero_demand_needs_no_drives():
    z = ai_drives.count(0.0, 0.0, 4096, 0.0, 0.0, 28e9, 14e9, 5.5e6, 1e6, 30.72e12, 1.0)
    assert int(z.drives) == 0 and str(z.binding.values) == "none"


def test_one_drive_serving_reads_and_writes_adds_their_time_shares():
    # 0.6 of a drive's read IOPS and 0.6 of its write IOPS: 1.2 drives -> 2
    rw = ai_drives.count(0.6 * 5.5e6 * 4096, 0.6 * 1e6 * 4096, 4096, 0.0, 0.0, 28e9, 14e9, 5.5e6, 1e6, 30.72e12, 100.0)
    assert int(rw.drives) == 2 and str(rw.binding.values) == "read+write"


def test_small_reads_held_to_the_published_4k_iops():
    # the controller's rate is unpublished: #26 again, now from the 9650 Pro's own spec file (5.5 M published):
    # 19 GB/s of 512 B reads need ceil(37.11 M / 5.5 M) = 7 drives
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


def test_power_held_fleet_stays_within_its_drives_caps():
    heavy = kvtier.demand(
        LLAMA_70B, 50.0, 12_035, 0.5, tokens_per_block=16, layout="layer_separate", tp=8, split_kv=True
    )
    f = ai_drives.for_parts(heavy, parts=["micron-9650-pro", "dapustor-r6060"], published_bound=False)
    assert np.all(f.fleet_power <= f.drives * f.power_cap * (1 + 1e-9))


def test_for_parts_takes_one_scalar_demand():
    r = xr.DataArray([1.0, 2.0], dims="r")
    with pytest.raises(ValueError, match="demand: one scalar demand"):
        ai_drives.for_parts(kvtier.demand(LLAMA_70B, r, 12_035, 0.4))


def test_closing_says_which_links_need_the_assumed_gpu_batching():
    c = ai_smallblock.closing("micron-9650-pro", 100e6)
    assert any(o["needs_batching"] for o in c["links"]) and not all(o["needs_batching"] for o in c["links"])
    # 100 M reads/s is beyond the 9650 Pro's 16 channels at their modelled rate
    assert c["channels_needed"] > c["channels"] == 16


def test_for_parts_refuses_an_empty_or_wrong_parts_list():
    # issue 15: drives.for_parts(d, parts=[]) ended in an IndexError
    d = kvtier.demand(LLAMA_70B, 2, 8192, 0.5)
    with pytest.raises(ValueError, match=r"^parts: empty"):
        ai_drives.for_parts(d, parts=[])
    with pytest.raises(ValueError, match=r"^part: \['x'\] is not a part id"):
        ai_drives.for_parts(d, parts=[["x"]])
    one = ai_drives.for_parts(d, parts="micron-9550-max")  # one part given alone: a list of one
    assert one.part.values.tolist() == ["micron-9550-max"]


@pytest.mark.parametrize("bad", [["bf16"], {"bf16": 1}, {"bf16"}])
def test_kv_format_of_a_wrong_type_is_named(bad):
    # a list, dict or set reaching the format lookup raised "unhashable type" and named no parameter
    with pytest.raises(ValueError, match=r"^fmt: unknown kv format"):
        kvtier.io_size(LLAMA_70B, fmt=bad)


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda: weights.expert_stream(DEEPSEEK_V3, 1e300), "steps_per_second"),  # was inf B/s
        (lambda: weights.expert_stream(DEEPSEEK_V3, 10, bits_per_param=1e300), "bits_per_param"),
        (lambda: weights.cold_start_time(1e300, 1, 1e-300), "weight_bytes"),  # was inf s
        (lambda: ai_drives.for_parts(kvtier.demand(LLAMA_70B, 2, 8192, 0.5), "kioxia-cm9-r", waf=1e300), "waf"),
    ],
)
def test_huge_inputs_give_one_line_errors_not_inf(call, name):
    # issue 15: values of 1e30-1e300 passed through as inf
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        call()
