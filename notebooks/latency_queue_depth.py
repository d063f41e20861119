# %% [markdown]
# # Latency and queue depth
#
# What sits on the critical path of a QD1 read or write, how latency and IOPS
# grow with queue depth, and where the tail goes. Everything comes from
# `linkmodel.ssd.hostpath` (QD1 breakdown), `linkmodel.ssd.interference`
# (reads behind writes), `linkmodel.ssd.queueing` (mean-value analysis, tail)
# and the report `linkmodel latency` prints (`linkmodel.studies.latency.report`),
# on the bundled parts.

# %%
import dataclasses

import numpy as np
import xarray as xr

from linkmodel import parts as _parts
from linkmodel.ssd import closedloop, hostpath, interference, queueing
from linkmodel.studies import latency

part = _parts.load("micron-9550-max")
params, _ = _parts.params_from_part(part)
read = hostpath.qd1(params, "read")
write = hostpath.qd1(params, "write")
print(
    f"{part.id}: QD1 4 KiB read {float(read.total) * 1e6:.1f} us (published 60), "
    f"write {float(write.total) * 1e6:.1f} us (published 15)"
)
(read.to_array("step") * 1e6).to_pandas().round(3)

# %% [markdown]
# The read is the array time plus about 12 us of host, link, firmware and ECC;
# the write never waits for the NAND (acknowledged from the power-loss-protected
# buffer). Written through, it would pay a full program:

# %%
through = hostpath.qd1(params, "write", path=hostpath.HostPath(write_ack="through"))
print(f"written through: {float(through.total) * 1e6:.0f} us")

# %% [markdown]
# ## QD1 latency of every part that publishes one

# %%
for p in _parts.bundled_parts():
    pubs = {pub.metric: pub.value for pub in p.published if pub.metric in ("read_latency", "write_latency")}
    if not pubs:
        continue
    prm, _ = _parts.params_from_part(p)
    row = []
    for io in ("read", "write"):
        pred = float(hostpath.qd1(prm, io).total)
        pub = pubs.get(f"{io}_latency")
        row.append(f"{io} {pred * 1e6:5.1f} us" + (f" (published {pub * 1e6:.0f})" if pub else ""))
    print(f"{p.id:24} " + "   ".join(row))

# %% [markdown]
# ## IOPS and latency vs queue depth
#
# Mean-value analysis of dies (independent plane reads), channels, link and
# controller; the delay is the rest of the QD1 latency. Little's law ties the
# two curves together; the tail (p99, p99.9) convolves an M/D/1 waiting-time
# shape per station class whose mean matches the analysis.

# %%
qds = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]
curve = latency.report(part, qds=qds).curve  # as `linkmodel latency micron-9550-max --qd ...`
table = xr.Dataset(
    {
        "mean_us": curve.latency * 1e6,
        "kiops": curve.iops / 1e3,
        "p99_us": curve.p99 * 1e6,
        "p999_us": curve.p999 * 1e6,
    }
)
table.to_pandas().round(1)

# %% [markdown]
# A die without cache read holds its page until it has crossed the channel,
# and waits for a busy channel while holding it (the holding-time fixed
# point of `linkmodel.ssd.blocking`); at depth that costs throughput, the
# more the slower the channel. The same drive with `cache_read` 0, channels
# slowed to 400 MT/s:

# %%
slow = dataclasses.replace(params, channel_rate=400e6)
held = {
    c: closedloop.queue_depth_curve(dataclasses.replace(slow, cache_read=c), "read", (1, 64, 256)) for c in (1.0, 0.0)
}
print({f"cache_read {c:g}": [f"{x / 1e3:.0f} k" for x in v.iops.values] for c, v in held.items()})

# %% [markdown]
# The same analysis over a design axis: four NAND read times, one call.

# %%
t_read = xr.DataArray([30e-6, 45e-6, 60e-6, 90e-6], dims="t_read", coords={"t_read": [30, 45, 60, 90]})
sweep = queueing.mva(qds, 10e-6, {"dies": (256 * 6, t_read), "channels": (16, 1.9e-6), "link": (1, 0.28e-6)})
(sweep.latency * 1e6).to_pandas().round(1)

# %% [markdown]
# ## Reads behind programs and erases
#
# With random writes running alongside, a read that lands on a die in the
# middle of a program waits for it (read-priority scheduling, no suspend), or
# only for the suspend latency. The mean barely moves; the tail is the
# program time.

# %%
for rate in (50e3, 150e3, 300e3):
    plain = interference.read_interference(params, rate)
    sus = interference.read_interference(params, rate, suspend=hostpath.DEFAULT_SUSPEND)
    print(
        f"{rate / 1e3:5.0f} k writes/s: die programming {float(plain.program_busy):.1%}; added read wait mean "
        f"{float(plain.mean_wait) * 1e6:5.2f} us, p99 {float(plain['wait_q99']) * 1e6:6.1f} us, p99.9 "
        f"{float(plain['wait_q99.9']) * 1e6:6.1f} us; with 20 us suspend p99.9 {float(sus['wait_q99.9']) * 1e6:.0f} us"
    )

# %% [markdown]
# ## A 70/30 closed loop
#
# Reads and buffered writes share one queue depth; the reads wait behind the
# writes' programs. The spec sheet's mixed figure does not say at which depth
# it was measured.

# %%
mix = latency.report(part, capacity=3.2e12, qds=[1, 16, 64, 256], mix=0.7).mixed
(
    mix[["iops", "read_latency", "write_latency"]]
    * xr.Dataset({"iops": 1e-3, "read_latency": 1e6, "write_latency": 1e6})
).to_pandas().round(1)

# %%
try:
    import matplotlib.pyplot as plt
except ImportError:  # plotting is optional (pip install linkmodel[notebooks])
    plt = None
if plt is not None:
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(curve.iops / 1e6, curve.latency * 1e6, "o-", label="mean")
    ax1.plot(curve.iops / 1e6, curve.p99 * 1e6, "s--", label="p99")
    ax1.plot(curve.iops / 1e6, curve.p999 * 1e6, "^:", label="p99.9")
    ax1.set_xlabel("4 KiB random reads [M IOPS]")
    ax1.set_ylabel("latency [us]")
    ax1.set_title(f"{part.id}: latency vs throughput")
    ax1.legend()
    ax2.semilogx(qds, np.asarray(curve.iops) / 1e6, "o-")
    ax2.set_xlabel("queue depth")
    ax2.set_ylabel("M IOPS")
    ax2.set_title("IOPS vs queue depth")
    fig.tight_layout()
    fig.savefig("latency_queue_depth.png", dpi=100)

# %% [markdown]
# ## The tail with writes alongside
#
# p99 of 4 KiB reads vs queue depth, alone and with 300 k random writes/s
# running alongside, without and with program suspend (20 us, erases 100 us).
# Without suspend the tail sits at the program time from QD1 on; with
# suspend it stays within tens of microseconds of the read-only tail until
# the dies queue. (The model's mean and p99 are checked against a
# discrete-event simulation of the same reads with programs and erases in
# `tests/ssd/test_closedloop.py`.)

# %%
qd_tail = [1, 4, 16, 64, 256]
rep = latency.report(part, qds=qd_tail, write_iops=300e3)  # suspend: hostpath.DEFAULT_SUSPEND
p99 = {
    "reads only": rep.curve.p99.values,
    "300 k writes/s": rep.curve_writes.p99.values,
    "300 k writes/s, suspend": rep.curve_writes_suspend.p99.values,
}
xr.Dataset({k: ("queue_depth", v * 1e6) for k, v in p99.items()}, coords={"queue_depth": qd_tail}).to_pandas().round(1)

# %%
if plt is not None:
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, v in p99.items():
        ax.semilogx(qd_tail, v * 1e6, "o-", label=name)
    ax.set_xlabel("queue depth")
    ax.set_ylabel("p99 read latency [us]")
    ax.set_yscale("log")
    ax.set_title(f"{part.id}: p99 of 4 KiB reads")
    ax.legend()
    fig.tight_layout()
    fig.savefig("latency_tail_writes.png", dpi=100)
