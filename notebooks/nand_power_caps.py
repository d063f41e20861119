# %% [markdown]
# # NAND parallelism and power caps
#
# How sequential and random throughput grow with dies, channels and channel
# speed (MT/s), and where a 15, 25 or 40 W power cap stops them. The base
# design is the Samsung PM1763 (PCIe 6.0 x4, its NAND and controller from the
# catalogue); every other number comes from the axes below. One
# `linkmodel.studies.sweep.run` call evaluates every combination; the binding stage
# is drawn as a map.

# %%
import numpy as np

from linkmodel.studies import sweep
from linkmodel.units import GB

axes = {
    "power_cap": [15.0, 25.0, 40.0],
    "channels": [8.0, 16.0],
    "channel_rate": [1.2e9, 1.6e9, 2.4e9, 3.2e9, 3.6e9, 4.8e9],
    "dies": [32.0, 64.0, 96.0, 128.0, 192.0, 256.0, 384.0, 512.0],
}
ds = sweep.run("samsung-pm1763", axes, workloads=["seq_read", "seq_write", "rand_read", "rand_write"])
print(f"{ds.iops.size:,} predictions; dims {dict(ds.sizes)}")

# %% [markdown]
# Sequential read throughput [GB/s] on 16 channels at 3.6 GT/s. Reads need few
# dies (a multi-plane read moves tens of KiB in tens of microseconds), so the
# power cap or the Gen6 x4 link binds from the smallest drive on.

# %%
sel = dict(channels=16.0, channel_rate=3.6e9)
(ds.throughput.sel(workload="seq_read", **sel) / GB).to_pandas().round(2)

# %%
sweep.stage_names(ds.binding.sel(workload="seq_read", **sel)).to_pandas()

# %% [markdown]
# Sequential writes need many more dies (a program takes about a millisecond),
# and each programming die draws power, so the cap decides how many can run:

# %%
(ds.throughput.sel(workload="seq_write", **sel) / GB).to_pandas().round(2)

# %%
w = ds.sel(workload="seq_write", **sel)
for cap in axes["power_cap"]:
    x = w.sel(power_cap=cap)
    enough = x.dies.values[(sweep.stage_names(x.binding) != "dies").values]
    print(
        f"{cap:4.0f} W: at most {float(x.throughput.max()) / GB:5.2f} GB/s with "
        f"{float(x.active_dies.max()):5.1f} dies programming on average; "
        f"the dies stop binding at {enough.min():g} dies"
    )

# %% [markdown]
# The binding stage over dies x channel speed, per power cap (16 channels).
# With few dies the dies bind (writes, and random reads at 40 W); with more,
# the power cap or the link, except on slow channels (1.2-1.6 GT/s), which
# bind on the larger drives once the dies no longer do.

# %%
try:
    import matplotlib.pyplot as plt
    from matplotlib.colors import BoundaryNorm, ListedColormap
except ImportError:  # plotting is optional (pip install linkmodel[notebooks])
    plt = None
if plt is not None:
    stages = list(sweep.STAGES)
    cmap = ListedColormap(["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948"])
    norm = BoundaryNorm(np.arange(len(stages) + 1) - 0.5, len(stages))
    wls = ["seq_read", "seq_write", "rand_read"]
    fig, axs = plt.subplots(len(wls), 3, figsize=(12, 9), sharex=True, sharey=True)
    for i, wl in enumerate(wls):
        for j, cap in enumerate(axes["power_cap"]):
            b = ds.binding.sel(workload=wl, power_cap=cap, channels=16.0)
            ax = axs[i, j]
            im = ax.pcolormesh(
                np.arange(len(axes["dies"])),
                np.array(axes["channel_rate"]) / 1e9,
                b.transpose("channel_rate", "dies").values,
                cmap=cmap,
                norm=norm,
                shading="nearest",
            )
            ax.set_title(f"{wl}, {cap:g} W")
            ax.set_xticks(np.arange(len(axes["dies"])), [f"{d:g}" for d in axes["dies"]], rotation=60)
            if i == len(wls) - 1:
                ax.set_xlabel("dies")
            if j == 0:
                ax.set_ylabel("channel rate [GT/s]")
    cbar = fig.colorbar(im, ax=axs, ticks=np.arange(len(stages)))
    cbar.ax.set_yticklabels(stages)
    fig.savefig("nand_power_caps_binding.png", dpi=90)

# %% [markdown]
# Throughput vs dies under each cap (16 channels at 3.6 GT/s):

# %%
if plt is not None:
    fig, axs = plt.subplots(1, 3, figsize=(13, 3.8))
    for ax, wl in zip(axs, ["seq_read", "seq_write", "rand_read"], strict=False):
        for cap in axes["power_cap"]:
            y = ds.throughput.sel(workload=wl, power_cap=cap, **sel) / GB
            ax.plot(axes["dies"], y, "o-", label=f"{cap:g} W")
        ax.set_xlabel("dies")
        ax.set_ylabel("GB/s")
        ax.set_title(wl)
        ax.legend()
    fig.tight_layout()
    fig.savefig("nand_power_caps_throughput.png", dpi=90)

# %% [markdown]
# ## A finer sweep, chunked, with a progress bar
#
# 26 power caps x 128 die counts x 16 channel rates x 16 program times
# (852 K designs) as a lazy, Dask-backed sweep: `sweep.compute` evaluates it
# chunk by chunk and shows Dask's progress bar (in a terminal and in a
# notebook). The reduction keeps only the best sequential-write throughput
# per power cap (over dies, channel rates and program times).

# %%
fine = {
    "power_cap": list(np.linspace(15.0, 40.0, 26)),
    "dies": list(np.arange(8.0, 1032.0, 8.0)),
    "channel_rate": list(np.linspace(1.2e9, 4.8e9, 16)),
    "t_prog": list(np.linspace(0.4e-3, 1.6e-3, 16)),
}
lazy = sweep.run("samsung-pm1763", fine, workloads=["seq_write"], chunks={"power_cap": 2})
best = sweep.compute(lazy.throughput.sel(workload="seq_write").max(["channel_rate", "t_prog"]))
top = best.max("dies")
print((top / GB).round(2).to_pandas().iloc[::5])
