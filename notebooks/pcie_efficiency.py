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
# Flit mode vs non-flit on the same 32 GT/s link (Gen5 rate), one TLP per
# transfer, no DLLPs. Flit mode at this rate still pays 128b/130b, so it wins
# only on small payloads (the byte at which it stops winning is printed below;
# the symbolic break-even of `linkmodel.pcie.symbolic`, about 101.5 B, compares
# flit mode without 128b/130b against non-flit with it).

# %%
flit = xr.DataArray([False, True], dims="flit", coords={"flit": [False, True]})
cmp = link(5, 4, size, mps=4096, flit=flit, dllp_policy="none")
print(cmp.efficiency.transpose("size", "flit").to_pandas().round(4).head(6))
fine = xr.DataArray(np.arange(4, 257, 4), dims="size", coords={"size": np.arange(4, 257, 4)})
eff = link(5, 4, fine, mps=4096, flit=flit, dllp_policy="none").efficiency
wins = fine.where(eff.sel(flit=True) > eff.sel(flit=False), drop=True)
print(f"flit mode wins up to {int(wins.max())} B of payload (4-byte steps)")

# %% [markdown]
# Link ceiling on 4 KiB transfers per second (an SSD's random-read IOPS ceiling
# before NVMe command traffic), x4, by generation and MPS.

# %%
mps = xr.DataArray([256, 512, 1024], dims="mps", coords={"mps": [256, 512, 1024]})
iops = link(gen, 4, 4 * KiB, mps=mps).transfer_rate
(iops / 1e6).to_pandas().round(3)

# %% [markdown]
# With the NVMe command traffic riding along (doorbell, SQE fetch, PRP, CQE,
# MSI-X: `linkmodel.pcie.nvme.io_link_ceiling`), the ceiling on 4 KiB random reads
# an SSD can serve over x4 is lower: unbatched commands, and with SQE fetches
# batched by 8 and completions and interrupts coalesced by 8.

# %%
from linkmodel.pcie import nvme  # noqa: E402

plain = nvme.io_link_ceiling(gen, 4, 4 * KiB, 512).transfer_rate
batched = nvme.io_link_ceiling(
    gen, 4, 4 * KiB, 512, options=nvme.LinkOptions(sqe_batch=8, cqe_batch=8, irq_coalesce=8)
).transfer_rate
xr.Dataset(
    {
        "data only [M/s]": iops.sel(mps=512) / 1e6,
        "NVMe, unbatched [M/s]": plain / 1e6,
        "NVMe, batched by 8 [M/s]": batched / 1e6,
    }
).to_pandas().round(3)

# %%
try:
    import matplotlib.pyplot as plt
except ImportError:  # plotting is optional (pip install linkmodel[notebooks])
    plt = None
if plt is not None:
    fig, (ax0, ax1, ax2) = plt.subplots(1, 3, figsize=(15, 4))
    for g in ds.gen.values:
        ax0.loglog(ds["size"], ds.effective_bandwidth.sel(gen=g) / GB, "o-", ms=3, label=f"Gen{g}")
        ax1.semilogx(ds["size"], ds.efficiency.sel(gen=g), "o-", ms=3, label=f"Gen{g}")
    ax0.set_xlabel("payload per write [B]")
    ax0.set_ylabel("payload [GB/s]")
    ax0.set_title("Posted writes, x4, MPS 512")
    ax0.legend()
    ax1.set_xlabel("payload per write [B]")
    ax1.set_ylabel("payload share of raw bandwidth")
    ax1.set_title("Gen3-5 (128b/130b) and Gen6-7 (flit) overlap")
    ax1.legend()
    for f in cmp.flit.values:
        ax2.semilogx(cmp["size"], cmp.efficiency.sel(flit=f), "o-", ms=3, label="flit mode" if f else "non-flit")
    ax2.set_xlabel("payload per write [B]")
    ax2.set_title("32 GT/s: flit vs non-flit (MPS 4096, no DLLPs)")
    ax2.legend()
    fig.tight_layout()
    fig.savefig("pcie_efficiency.png", dpi=90)
print(f"Gen6 x4 128 KiB writes at MPS 512: {float(link(6, 4, 128 * KiB, 512).effective_bandwidth) / GB:.2f} GB/s")
