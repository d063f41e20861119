# %% [markdown]
# # Which unknown matters most: tornado charts and Sobol' indices
#
# Every input a vendor does not publish (NAND timings, controller power, calibrated constants, shared
# defaults) carries a prior (docs/uncertainty.md). Two views of which one decides a figure:
#
# * a **tornado chart**: each input alone at the two ends of its range (a log-normal's 5th and 95th
#   percentiles), every other at its value (`linkmodel.studies.sensitivity.swings`);
# * **first-order Sobol' indices** over draws of all inputs at once: the share of the figure's variance
#   (of its logarithm) that learning the input exactly would remove ("learn first"), estimated from the
#   draws themselves (`linkmodel.studies.sensitivity.first_order`).
#
# First the Samsung PM1763's sequential write (published 21 GB/s at 25 W), then the PM1763-vs-PM1753
# what-if at 25 W (trade press: "2x the performance"). Draws are modest (512) to keep the notebook quick;
# `linkmodel check samsung-pm1763` uses 1,000.

# %%
from dataclasses import replace

import matplotlib.pyplot as plt
import numpy as np

from linkmodel.parts.draws import draw_params
from linkmodel.ssd import drive
from linkmodel.studies import sensitivity, uncertain

N, SEED = 512, 0
WL = drive.WORKLOADS["seq_write"]


def tornado(ax, sw, scale, label, top=8):
    """Horizontal bars from the point value to each end's output, the widest swing on top."""
    point = sw[""][0][1]
    rows = [(k, [y for _, y in v]) for k, v in sw.items() if k]
    rows = sorted(rows, key=lambda kv: np.nanmax(kv[1]) - np.nanmin(kv[1]), reverse=True)[:top][::-1]
    for i, (_, ys) in enumerate(rows):
        lo, hi = np.nanmin(ys) / scale, np.nanmax(ys) / scale
        ax.barh(i, hi - lo, left=lo, color="tab:blue", alpha=0.7)
    ax.axvline(point / scale, color="k", lw=1)
    ax.set_yticks(range(len(rows)), [k for k, _ in rows], fontsize=8)
    ax.set_xlabel(label)
    return rows


# %% [markdown]
# ## PM1763 sequential write
#
# The interval and the published figure's quantile, then the inputs that dominate the spread.

# %%
r = uncertain.intervals("samsung-pm1763", n=N, seed=SEED)
f = next(x for x in r.figures if x.metric == "seq_write" and x.capacity == 61.44e12)
print(
    f"seq_write at 61.44 TB: point {f.point / 1e9:.2f} GB/s, median {f.median / 1e9:.2f}, 80 % "
    f"{f.low / 1e9:.2f}-{f.high / 1e9:.2f} GB/s; published {f.published / 1e9:.1f} GB/s at quantile {f.quantile:.3f}"
)
print("learn first (S1 of ln throughput):")
for k, v in list(f.sensitivity.items())[:5]:
    print(f"  {k:45} {v:.2f}")

sw = sensitivity.swings("samsung-pm1763", WL, "throughput")
fig, ax = plt.subplots(figsize=(8, 4))
rows = tornado(ax, sw, 1e9, "sequential write [GB/s], one input at each end of its range")
ax.axvline(f.published / 1e9, color="tab:red", ls="--", lw=1, label="published 21 GB/s")
ax.legend(loc="lower right", fontsize=8)
ax.set_title("PM1763 sequential write (61.44 TB, 25 W)")
fig.tight_layout()
# the widest bars are the inputs with the largest indices: a power-bound write is decided by the energy
# per programmed byte (program power x program time) and the static power left under the cap
assert rows[-1][0] in list(f.sensitivity)[:3]

# %% [markdown]
# ## PM1763 vs PM1753 at 25 W: the ratio and what decides it
#
# Both drives are drawn with the same seed: an input they share (the calibrated constants, the shared
# defaults) takes the same value in both draws (common random numbers), so its uncertainty cancels in
# the ratio instead of widening it. In the tornado, a shared input moves both drives at once.

# %%
new, old = draw_params("samsung-pm1763", N, SEED), draw_params("samsung-pm1753", N, SEED)
a = drive.evaluate(replace(new.params, power_cap=25.0), WL).throughput.values
b = drive.evaluate(replace(old.params, power_cap=25.0), WL).throughput.values
ratio = np.asarray(a / b, dtype=float)
med, lo, hi = uncertain.summarize(ratio)
print(
    f"seq_write PM1763 / PM1753 at 25 W: median {med:.2f}x, 80 % {lo:.2f}-{hi:.2f}x; 2x at quantile "
    f"{uncertain.quantile_of(ratio, 2.0):.3f}"
)
shared = sorted(set(new.values) & set(old.values))
aligned = new.redrawn == 0 and old.redrawn == 0  # no draw refused: draw i is the same uniforms in both
print(f"{len(shared)} shared inputs, common random numbers {'kept' if aligned else 'partly lost (redraws)'}")
values = {f"{k} (PM1763)" if k in shared and not aligned else k: v for k, v in new.values.items()}
values |= {f"{k} (PM1753)" if k in shared and not aligned else k: v for k, v in old.values.items()}
s1 = sensitivity.ranked(sensitivity.first_order(values, ratio), sensitivity.noise_floor(N))
print("learn first (S1 of ln ratio):")
for k, v in s1[:5]:
    print(f"  {k:45} {v:.2f}")

sw2 = sensitivity.swings(("samsung-pm1763", "samsung-pm1753"), WL, "throughput", power_cap=25.0)
fig, ax = plt.subplots(figsize=(8, 4))
tornado(ax, sw2, 1.0, "throughput ratio PM1763 / PM1753, one input at each end of its range")
ax.axvline(2.0, color="tab:red", ls="--", lw=1, label="trade press: 2x")
ax.legend(loc="lower right", fontsize=8)
ax.set_title("What-if at 25 W: sequential write ratio")
fig.tight_layout()
