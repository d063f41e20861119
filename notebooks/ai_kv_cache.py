# %% [markdown]
# # AI inference storage: a 70B-class model's KV-cache tier, with and without compression
#
# Llama 3.1 70B served with a prefix cache on SSD. The traffic is Mooncake's
# conversation trace (FAST'25 Table 2: 12,035 input and 343 output tokens per
# request, 40 % of input tokens found in the cache) at 2 requests/s per node,
# and the tier keeps 50 M tokens (Mooncake: near the maximum hit rate). We
# ask what it needs from storage, how many drives of each bundled part meet
# it and which constraint binds, then switch KV compression on (FP8,
# TurboQuant 3.5 bits with a norm per vector) and change the engine's block
# layout. Everything comes from `linkmodel.ai`, the bundled model catalogue
# (`linkmodel.parts.model`) and the bundled spec files.

# %%
import xarray as xr

from linkmodel import parts
from linkmodel.ai import kvtier, models, weights
from linkmodel.studies import ai_drives, ai_smallblock
from linkmodel.units import GB, TB

model = parts.model("llama-3.1-70b")  # the catalogue's entry: geometry, parameter counts, source
for fmt in ("bf16", "fp8", "turboquant-3.5-norm"):
    print(
        f"{fmt:22} {models.kv_bytes_per_token(model, fmt) / 1024:8.2f} KiB per token "
        f"({models.compression(model, fmt):.2f}x smaller than BF16)"
    )

# %% [markdown]
# ## The tier's demand
#
# Reads load cached prefixes; writes save every newly prefilled token (all
# admitted, decode KV not saved). Compression divides bandwidth, capacity and
# bytes written alike.

# %%
scenario = dict(
    request_rate=2.0,
    input_tokens=12_035,
    prefix_hit=0.40,
    output_tokens=343,
    retention_tokens=50e6,
    tokens_per_block=kvtier.ENGINE_BLOCKS["lmcache"],
)
formats = ["bf16", "fp8", "turboquant-3.5-norm"]
demand = xr.concat([kvtier.demand(model, **scenario, fmt=f) for f in formats], dim=xr.DataArray(formats, dims="format"))
table = xr.Dataset(
    {
        "read GB/s": demand.read_bandwidth / GB,
        "write GB/s": demand.write_bandwidth / GB,
        "I/O MiB": demand.io_size / 2**20,
        "capacity TB": demand.capacity / TB,
        "written TB/day": demand.bytes_written_per_day / TB,
    }
)
table.to_pandas().round(3)

# %% [markdown]
# ## Drives of each part
#
# One row per bundled part (its headline SKU; DWPD as published): the drives
# each constraint needs and the one that binds. Writes dominate: at about
# 409 TB written per day in BF16, endurance decides, not bandwidth.

# %%
sized = {f: ai_drives.for_parts(demand.sel(format=f)) for f in formats}
per_part = xr.Dataset(
    {f"drives {f}": sized[f].drives for f in formats} | {f"binding {f}": sized[f].binding for f in formats}
)
per_part.to_pandas()

# %% [markdown]
# Admitting only KV worth keeping (e.g. a chunk seen twice: vLLM's reuse
# gating, Mooncake's offload on eviction) cuts the writes. With a quarter of
# new KV admitted and TurboQuant:

# %%
lean = kvtier.demand(model, **scenario, admit=0.25, fmt="turboquant-3.5-norm")
s = ai_drives.for_parts(lean)
s[["drives", "binding", "n_endurance", "n_capacity", "n_read_iops"]].to_pandas()

# %% [markdown]
# ## Block layout decides between bandwidth and IOPS
#
# The same reads as 16-token vLLM blocks split per layer and per TP-8 rank
# (K and V apart) are 4 KiB I/Os; as LMCache 256-token chunks they are
# 80 MiB. A read-only tier (nothing admitted) isolates the read side:

# %%
for name, layout in (
    ("LMCache chunk", dict(tokens_per_block=256)),
    ("vLLM block per layer, TP8 rank, K or V", dict(tokens_per_block=16, layout="layer_separate", tp=8, split_kv=True)),
):
    d = kvtier.demand(model, 20.0, 12_035, 0.9, admit=0.0, **layout)
    r = ai_drives.for_parts(d, parts=["micron-9650-pro", "samsung-pm1763", "micron-6600-ion"])
    print(
        f"{name}: {float(d.io_size) / 1024:.0f} KiB per I/O, {float(d.read_bandwidth) / GB:.1f} GB/s = "
        f"{float(d.read_iops):,.0f} IOPS"
    )
    for p in r.part.values:
        x = r.sel(part=p)
        print(
            f"    {p:18} {float(x.drives):3.0f} drives ({x.binding.item()}, inside the drive: "
            f"{x.drive_stage.item() or '-'})"
        )

# %% [markdown]
# ## Load or recompute?
#
# Mooncake's break-even bandwidth: loading a cached prefix beats recomputing
# it when the storage path delivers more than `B_min = G p B_tok / flops(p)`.
# For an 8 x H800 node (7.9 PFLOP/s peak) with Mooncake's constants:

# %%
p = xr.DataArray([1024, 4096, 8192, 32768], dims="prefix_tokens", coords={"prefix_tokens": [1024, 4096, 8192, 32768]})
be = xr.Dataset({f: kvtier.breakeven_bandwidth(model, p, 8 * 989e12, f, b=kvtier.MOONCAKE_B) / GB for f in formats})
be.to_pandas().round(2)

# %% [markdown]
# One Gen6 x4 drive reads about 28 GB/s sequentially, enough for every row in
# BF16; compression lowers the bar further.
#
# Sizing holds reads of 4 KiB or less to each part's own published 4 KiB
# random-read IOPS (the controllers' command rates are unpublished); the
# 4 KiB layout above therefore needs more drives than the 80 MiB one for the
# same bandwidth.
#
# ## GPU-initiated small-block reads
#
# How far a Gen6 x4 design is from NVIDIA's ~100 M small-block IOPS target,
# and what would close it. These are the model's ceilings (link, channels,
# dies, power); the controller's command rate is not among them, so "today"
# is an upper bound:

# %%
c = ai_smallblock.closing("micron-9650-pro", 100e6, 512)
print(f"today: {c['iops'] / 1e6:.1f} M IOPS at 512 B ({c['binding']} binds), {c['gap']:.1f}x short")
print(
    "links that carry it:",
    ", ".join(f"Gen{o['gen']} x{o['lanes']}" + ("*" if o["needs_batching"] else "") for o in c["links"][:5]),
    "... (* with GPU-side NVMe batching, assumed)",
)
print(
    f"channels needed {c['channels_needed']:.0f} (has {c['channels']:.0f}); dies {c['dies_needed']:.0f} "
    f"(has {c['dies']:.0f}); power {c['power_needed']:.0f} W (cap {c['power_cap']:g} W); "
    f"{c['outstanding_ios']:.0f} reads in flight"
)

# %% [markdown]
# ## Cold start

# %%
for mid, bits in (("llama-3.1-70b", 16), ("llama-3.1-405b", 8), ("deepseek-v3", 8)):
    w = models.weight_bytes(parts.model(mid), bits)
    t = weights.cold_start_time(w, xr.DataArray([1, 4], dims="drives"), 28e9)
    print(
        f"{mid:16} {w / GB:6.1f} GB: {float(t[0]):5.1f} s from one 28 GB/s drive, {float(t[1]):4.1f} s from four "
        "(ideal; measured loaders are several times slower)"
    )

# %%
try:
    import matplotlib.pyplot as plt
except ImportError:  # plotting is optional (pip install linkmodel[notebooks])
    plt = None
if plt is not None:
    fig, ax = plt.subplots(figsize=(10, 4))
    parts = list(sized["bf16"].part.values)
    width = 0.27
    for i, f in enumerate(formats):
        ax.bar([j + (i - 1) * width for j in range(len(parts))], sized[f].drives.values, width, label=f)
    ax.set_xticks(range(len(parts)), parts, rotation=60, ha="right")
    ax.set_ylabel("drives needed")
    ax.set_title("Llama 3.1 70B prefix-cache tier, 2 req/s, Mooncake chat trace (endurance binds)")
    ax.legend()
    fig.tight_layout()
    fig.savefig("ai_kv_cache_drives.png", dpi=90)
