# %% [markdown]
# # PCIe efficiency vs payload, Gen3-Gen7
#
# How much of each generation's raw bandwidth carries payload, for posted writes
# of a given size, flit mode vs non-flit, and where the link caps 4 KiB IOPS.
# Everything comes from `linkmodel.link`, one broadcast call per figure.

# %%
import numpy as np
import xarray as xr

from linkmodel import link
from linkmodel.units import GB, KiB

gen = xr.DataArray([3, 4, 5, 6, 7], dims="gen", coords={"gen": [3, 4, 5, 6, 7]})
size = xr.DataArray(2 ** np.arange(4, 18), dims="size", coords={"size": 2 ** np.arange(4, 18)})
ds = link(gen, 4, size, mps=512)
ds.efficiency.to_pandas().T.round(3)

# %% [markdown]
# Flit mode vs non-flit on the same 32 GT/s link (Gen5 rate), one TLP per transfer:
# flit mode wins below about 101.5 B of payload.

# %%
flit = xr.DataArray([False, True], dims="flit", coords={"flit": [False, True]})
cmp = link(5, 4, size, mps=4096, flit=flit, dllp_policy="none")
cmp.efficiency.to_pandas().T.round(4).head(6)

# %% [markdown]
# Link ceiling on 4 KiB transfers per second (an SSD's random-read IOPS ceiling
# before NVMe command traffic), x4, by generation and MPS.

# %%
mps = xr.DataArray([256, 512, 1024], dims="mps", coords={"mps": [256, 512, 1024]})
iops = link(gen, 4, 4 * KiB, mps=mps).transfer_rate
(iops / 1e6).to_pandas().round(3)

# %%
try:
    import matplotlib.pyplot as plt

    ds.efficiency.plot.line(x="size", xscale="log")
    plt.title("Payload share of raw bandwidth, 128 KiB-class writes, x4, MPS 512")
except ImportError:  # plotting is optional
    pass
print(f"Gen6 x4 128 KiB writes at MPS 512: {float(link(6, 4, 128 * KiB, 512).effective_bandwidth) / GB:.2f} GB/s")
