# %% [markdown]
# # Edge inference with weights in flash: which model runs how fast on which device
#
# A phone or a laptop whose DRAM cannot hold a model keeps the weights in flash and reads, per token,
# only what the token uses (LLM in a Flash, PowerInfer-2, flash-moe; the dossier's §4-§5). Everything
# comes from `linkmodel.studies.edge` (bytes per token, read size and count, memory/flash/compute time,
# what binds, DRAM for a target rate) and `linkmodel.studies.edge_read` (read cost vs read size and
# depth from the drive and closed-loop models), with the model catalogue (`data/ai/models.toml`) and
# the device catalogue (`data/ai/devices.toml`).

# %%
import xarray as xr

from linkmodel.parts import devices
from linkmodel.studies import edge, edge_read

for d in devices.devices().values():
    where = d.storage or f"measured {d.storage_bandwidth / 1e9:.1f} GB/s"
    print(f"{d.id:24} {d.kind:8} {d.dram / 1e9:5.0f} GB  {d.memory_bandwidth / 1e9:6.1f} GB/s  storage {where}")

# %% [markdown]
# ## Three published runs
#
# OPT-6.7B with LLM in a Flash's knobs (10 % of the FFN selected, a 5-token window, 32 threads), and
# the 397B MoE of flash-moe (4 experts per layer, 4.5 bits with scales, the page cache's 71 % hits).

# %%
runs = {
    "OPT-6.7B FP32, M1 Max": ("opt-6.7b", "macbook-pro-m1-max", dict(sparsity=0.9, window=5, bits=32)),
    "OPT-6.7B FP16, M1 Max": ("opt-6.7b", "macbook-pro-m1-max", dict(sparsity=0.9, window=5, bits=16)),
    "Qwen3.5-397B, M3 Max": (
        "qwen3.5-397b-a17b",
        "macbook-pro-m3-max",
        dict(bits=4.5, experts=4, hit_rate=0.71, depth=4),
    ),
}
for label, (m, d, kw) in runs.items():
    r = edge.tokens(m, d, **kw).result
    print(
        f"{label:24} {float(r.streamed_bytes) / 1e6:7.1f} MB/token in {float(r.read_size) / 1024:7.0f} KiB reads "
        f"at {float(r.read_bandwidth) / 1e9:5.2f} GB/s: {float(r.tokens_per_second):5.2f} tok/s, {r.binding.values}"
    )

# %% [markdown]
# The model is a bound: flash-moe measures 4.36 tok/s, where its own per-layer timings show the GPU at
# about a fifth of the memory-bandwidth bound and pread moving page-cache hits too
# (tests/ai/test_edge_oracles.py has the numbers).
#
# ## Read size is the lever: the bundle and the window
#
# Bundling a neuron's row and column doubles the read size; a wider window reuses more.

# %%
w = xr.DataArray([1, 2, 5, 10], dims="window", coords={"window": [1, 2, 5, 10]})
for bundle in (False, True):
    r = edge.tokens("opt-6.7b", "macbook-pro-m1-max", sparsity=0.9, window=w, bits=16, bundle=bundle).result
    print("bundled" if bundle else "unbundled", r.tokens_per_second.round(2).values)

# %% [markdown]
# ## More DRAM, or faster storage?
#
# The DRAM a target rate needs (hot neurons pinned, uniform popularity), and what a storage twice or
# four times as fast (a newer UFS gear or PCIe generation) gives. A storage part's read cost comes from
# the drive model (`edge_read.read_curve`): here a bundled drive for scale.

# %%
r = edge.tokens("opt-6.7b", "macbook-pro-m1-max", sparsity=0.9, window=5, bits=16, target=[5.0, 10.0, 20.0]).result
print("DRAM needed [GB] for 5, 10, 20 tok/s:", (r.dram_needed / 1e9).round(1).values)
curve = edge_read.read_curve("kioxia-cm9-r", (4096, 16384, 65536, 7077888), (1, 4, 32))
print((curve.throughput / 1e9).round(2).to_pandas())
for part in ("kioxia-cm9-r", "samsung-pm1743"):
    r = edge.tokens("opt-6.7b", "pc-rtx4090", storage=part, sparsity=0.9, window=5, bits=16).result
    print(f"OPT-6.7B on an RTX 4090 with {part}: {float(r.tokens_per_second):.1f} tok/s ({r.binding.values})")

# %% [markdown]
# ## Where a faster link or more DRAM moves tokens per second
#
# The same parts with only the host link changed: the UFS 4.0 part on M-PHY HS-G4 (UFS 3.1's gear) and
# on its own HS-G5, and two client NVMe drives on PCIe Gen4 and Gen5 x4. A UFS read's cost is its QD1
# host path (`linkmodel.ssd.ufspath`: driver, host controller, COMMAND / DATA IN / RESPONSE UPIUs
# byte-exact on the link, firmware, tR) and, at depth, the closed loop with at most 32 commands in the
# device. DRAM enters as the share of the activated bytes served from it (`hit_rate`: hot neurons and
# the neuron cache), and as the DRAM a target rate needs.

# %%
params, _, _ = edge_read.storage_params("samsung-ufs40")
hit = xr.DataArray([0.0, 0.5, 0.7], dims="hit_rate", coords={"hit_rate": [0.0, 0.5, 0.7]})
for gear in (4.0, 5.0):
    ufs = dict(params, gen=gear)
    kw = dict(storage=ufs, sparsity=0.88, bits=4)
    r = edge.tokens("turbosparse-mixtral-47b", "oneplus-12", hit_rate=hit, **kw).result
    need = edge.tokens("turbosparse-mixtral-47b", "oneplus-12", target=11.68, **kw).result
    print(
        f"HS-G{gear:.0f} x2: {float(r.read_bandwidth) / 1e9:.2f} GB/s of "
        f"{float(r.read_size) / 1024:.0f} KiB reads; tok/s at DRAM hit 0 / 0.5 / 0.7: "
        f"{r.tokens_per_second.round(2).values}; 11.68 tok/s needs {float(need.dram_needed) / 1e9:.1f} GB of DRAM"
    )

# %% [markdown]
# On the phone the link matters: on HS-G4 the link itself binds the 6 KiB reads (2.24 GB/s), on HS-G5
# the device's 32 commands in flight do (2.90 GB/s); the slower gear costs about a fifth of the tokens
# per second, and PowerInfer-2's rate then needs 1.5 GB more of the model in DRAM. Without the neuron
# cache neither gear comes near 11.68 tok/s.

# %%
for part in ("samsung-990-pro-2tb", "crucial-t705-2tb"):
    p, _, _ = edge_read.storage_params(part)
    for gen in (4.0, 5.0):
        r = edge.tokens("opt-6.7b", "pc-rtx4090", storage=dict(p, gen=gen), sparsity=0.9, window=5, bits=16).result
        print(
            f"OPT-6.7B, RTX 4090, {part} on Gen{gen:.0f} x4: {float(r.read_bandwidth) / 1e9:.2f} GB/s of 16 KiB "
            f"reads, {float(r.tokens_per_second):.1f} tok/s ({r.binding.values})"
        )

# %% [markdown]
# On the PC a Gen5 link adds little: on Gen4 both drives sit at the link's ceiling for 16 KiB reads
# (6.91 GB/s); Gen5 lifts it, and the drives then stop at their own dies and reads in flight (+7 % and
# +1 % tokens/s). DRAM (a wider window, more resident neurons) is the larger lever.
