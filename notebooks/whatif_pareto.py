# %% [markdown]
# # What-if: a design-space sweep and its Pareto front
#
# Starting from the Samsung PM1763 (its controller, capacity and spec file),
# sweep PCIe generation x lanes x channels x NAND generation x power cap, and
# ask which designs give the most sequential-read throughput for their power
# (and the most random-read IOPS per watt). One `linkmodel.studies.sweep.run` call;
# NAND dies, channel rate, DRAM and PHY power are re-derived for each NAND and
# link from the catalogue. A link beyond the controller's Gen6 x4 host
# interface is taken as the same controller design with that interface
# (an assumption of the what-if, printed with the result).

# %%
import numpy as np

from linkmodel.studies import sweep
from linkmodel.studies.pareto import pareto
from linkmodel.units import GB

axes = {
    "gen": [4, 5, 6, 7],
    "lanes": [2, 4, 8],
    "channels": [8.0, 16.0],
    "nand": ["samsung-v7-tlc", "samsung-v8-tlc", "samsung-v9-tlc", "kioxia-bics8-tlc", "micron-b68s-tlc"],
    "power_cap": [15.0, 20.0, 25.0, 30.0, 40.0],
}
# infeasible="mask": a Gen7 x8 PHY alone draws about 10 W, so at 15 W some designs cannot run at all;
# they are kept and marked (feasible == False, outputs NaN) rather than stopping the sweep
ds = sweep.run("samsung-pm1763", axes, workloads=["seq_read", "rand_read", "seq_write"], infeasible="mask")
print(
    f"{ds.iops.size:,} predictions over {dict(ds.sizes)}; {int((~ds.feasible).sum())} of "
    f"{ds.feasible.size} designs infeasible (power cap at or below static power)"
)
print(ds.attrs["assumptions"])
designs = ds.stack(design=list(axes))
designs = designs.where(designs.feasible, drop=True)  # one row per feasible design

# %% [markdown]
# ## The Pareto front: sequential-read throughput vs power
#
# Every design is a point (average power, throughput); the front holds the
# designs no other design beats on both.

# %%
rd = designs.sel(workload="seq_read")
front = pareto(rd.power, rd.throughput)
pts = rd[["throughput", "power", "binding"]].isel(design=front.values)
table = pts.drop_vars("workload").to_dataframe()
table = table.assign(
    throughput_GBps=(table.throughput / GB).round(2),
    power_W=table.power.round(1),
    binding=[sweep.STAGES[int(b)] for b in table.binding],
).drop(columns=["throughput", "power"])
table.sort_values("power_W")

# %% [markdown]
# The best design under each cap, and what binds it. A faster or wider link
# costs PHY power whether or not it is used, so under a tight cap a slower
# link can win; the NAND with the cheapest bytes wins where the cap binds.

# %%
for cap in axes["power_cap"]:
    x = rd.where(rd.power_cap == cap, drop=True)
    best = x.isel(design=int(x.throughput.argmax("design")))
    print(
        f"{cap:4.0f} W cap: best {float(best.throughput) / GB:5.2f} GB/s at {float(best.power):4.1f} W: "
        f"Gen{int(best.gen)} "
        f"x{int(best.lanes)}, {int(best.channels)} ch, {best.nand.values!s} "
        f"({sweep.STAGES[int(best.binding)]} binds)"
    )

# %% [markdown]
# ## Random reads: IOPS per watt

# %%
rr = ds.sel(workload="rand_read")
eff = (rr.iops_per_watt / 1e3).max(["channels", "lanes"])  # NaN (infeasible) is skipped by max
eff.sel(power_cap=25.0).to_pandas().round(1)

# %%
try:
    import matplotlib.pyplot as plt
except ImportError:  # plotting is optional (pip install linkmodel[notebooks])
    plt = None
if plt is not None:
    fig, axs = plt.subplots(1, 2, figsize=(12, 4.5))
    for ax, wl, unit, scale in ((axs[0], "seq_read", "GB/s", GB), (axs[1], "rand_read", "M IOPS", 1e6)):
        x = designs.sel(workload=wl)
        y = (x.throughput if wl == "seq_read" else x.iops) / scale
        f = pareto(x.power, y)
        for g in axes["gen"]:
            m = (x.gen == g).values
            ax.scatter(x.power.values[m], y.values[m], s=6, alpha=0.4, label=f"Gen{g}")
        p, v = x.power.values[f.values], y.values[f.values]
        o = np.argsort(p)
        ax.step(p[o], v[o], "k-", where="post", lw=1.5, label="Pareto front")
        ax.set_xlabel("average power [W]")
        ax.set_ylabel(unit)
        ax.set_title(f"{wl}: {x.sizes['design']:,} feasible designs")
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig("whatif_pareto.png", dpi=90)
