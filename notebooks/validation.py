# %% [markdown]
# # Validation: predicted vs published, every bundled part
#
# The same records `linkmodel validate` prints: for each published figure of
# each part in `data/specs/`, the model's prediction with one set of shared
# constants (no per-part knobs), the signed error and the binding stage. A
# parity plot per metric class, then the error table and the misses with
# what they rest on.

# %%
import numpy as np
import xarray as xr

from linkmodel.studies import validate

records = [r for r in validate.validate() if r.error is not None]


def stage(binding: str) -> str:
    """The binding stage, coarsely: endurance and latency records name their terms instead of a stage."""
    if binding.startswith("P/E"):
        return "P/E cycles x WAF"
    if " us" in binding or "drain" in binding:
        return "latency terms"
    return binding.split(": ")[-1]


ds = xr.Dataset(
    {
        "published": ("figure", [r.published for r in records]),
        "predicted": ("figure", [r.predicted for r in records]),
        "error": ("figure", [r.error for r in records]),
        "binding": ("figure", [stage(r.binding) for r in records]),
        "kind": ("figure", [r.kind for r in records]),
        "metric_class": ("figure", [validate.CLASSES.get(r.metric, r.metric) for r in records]),
    },
    coords={
        "part": ("figure", [r.part for r in records]),
        "capacity_tb": ("figure", [r.capacity / 1e12 for r in records]),
        "metric": ("figure", [r.metric for r in records]),
    },
)
print(f"{ds.sizes['figure']} scored figures from {len(set(ds.part.values))} parts")

# %% [markdown]
# ## Summary per metric class (vendor figures; third-party measurements apart)

# %%
summary = validate.summary(records)
rows = {
    k: {
        "n": v["n"],
        "median |err| %": round(100 * v["median_abs_error"], 1),
        "worst |err| %": round(100 * v["worst_abs_error"], 1),
        "target %": None if v["target"] is None else round(100 * v["target"]),
        "within": v["within_target"],
        "worst": v["worst"],
    }
    for k, v in summary.items()
}
import pandas as pd  # noqa: E402  (xarray's dependency; only for the table)

pd.DataFrame(rows).T  # noqa: B018  (the notebook displays the table)

# %% [markdown]
# ## Parity plots
#
# One panel per quantity, in readable units, log-log; the grey band is the
# class's accuracy target. Marker colour: the binding stage.

# %%
PANELS = {  # metric -> (panel, scale, unit)
    "seq_read": ("sequential read", 1e9, "GB/s"),
    "seq_write": ("sequential write", 1e9, "GB/s"),
    "rand_read": ("random read", 1e3, "kIOPS"),
    "rand_write": ("random write", 1e3, "kIOPS"),
    "mixed_70_30": ("mixed 70/30", 1e3, "kIOPS"),
    "read_latency": ("QD1 latency", 1e-6, "us"),
    "write_latency": ("QD1 latency", 1e-6, "us"),
    "active_power": ("power", 1.0, "W"),
    "seq_read_power": ("power", 1.0, "W"),
    "seq_write_power": ("power", 1.0, "W"),
    "idle_power": ("power", 1.0, "W"),
    "read_efficiency": ("read efficiency", 1e6, "MB/s/W"),
    "dwpd": ("DWPD", 1.0, "drive writes per day"),
    "tbw_random": ("TBW", 1e15, "PB"),
    "tbw_seq": ("TBW", 1e15, "PB"),
}
try:
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter
except ImportError:  # plotting is optional (pip install linkmodel[notebooks])
    plt = None
if plt is not None:
    panels = list(dict.fromkeys(PANELS[m][0] for m in ds.metric.values if m in PANELS))
    cols = 4
    rows_ = int(np.ceil(len(panels) / cols))
    fig, axs = plt.subplots(rows_, cols, figsize=(4 * cols, 3.8 * rows_))
    stages = sorted(set(ds.binding.values.tolist()))
    colours = dict(zip(stages, plt.cm.tab10.colors, strict=False))
    for ax, panel in zip(axs.ravel(), panels, strict=False):
        metrics = [m for m, v in PANELS.items() if v[0] == panel]
        sub = ds.where(ds.metric.isin(metrics), drop=True)
        scale, unit = PANELS[metrics[0]][1:]
        pub, pred = sub.published / scale, sub.predicted / scale
        lo = float(min(pub.min(), pred.min())) * 0.7
        hi = float(max(pub.max(), pred.max())) * 1.4
        x = np.geomspace(lo, hi, 50)
        target = validate.TARGETS.get(validate.CLASSES.get(metrics[0], ""))
        if target:
            ax.fill_between(x, x * (1 - target), x * (1 + target), color="0.9")
        ax.plot(x, x, "k-", lw=0.8)
        for st_ in stages:
            m = sub.binding == st_
            if bool(m.any()):
                ax.scatter(pub.where(m, drop=True), pred.where(m, drop=True), s=18, color=colours[st_], label=st_)
        ax.set_xscale("log")
        ax.set_yscale("log")
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_minor_formatter(NullFormatter())  # minor log labels overlap
        ax.set_title(panel)
        ax.set_xlabel(f"published [{unit}]")
        ax.set_ylabel(f"predicted [{unit}]")
        ax.legend(fontsize=7)
    for ax in axs.ravel()[len(panels) :]:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig("validation_parity.png", dpi=80)

# %% [markdown]
# ## Every figure, worst first

# %%
table = ds.to_dataframe()[["part", "capacity_tb", "metric", "published", "predicted", "error", "binding", "kind"]]
table["error %"] = (100 * table.pop("error")).round(1)
table.reindex(table["error %"].abs().sort_values(ascending=False).index).head(25)

# %% [markdown]
# ## What the misses rest on
#
# `validate` attaches a `why` to every figure outside its class target: the
# binding stage's assumed or calibrated inputs with their bases, or a limit
# the model lacks.

# %%
for r in sorted(records, key=lambda r: -abs(r.error))[:10]:
    print(f"{r.part} {r.capacity / 1e12:g} TB {r.metric}: {r.error:+.1%} ({r.binding})\n    {r.why[:300]}\n")

# %% [markdown]
# ## The misses by cause
#
# Each miss also carries a `cause` from a fixed list: a limit the vendor does
# not publish (the figure sits below a ceiling computed from published facts),
# the part's own figures disagreeing, inputs no vendor publishes, or a stage
# resting on published facts only (a miss of the model's physics).

# %%
for name, c in validate.miss_causes(records).items():
    print(f"{c['n']:3d}  {name} ({c['unconfirmed']} from secondary sources)")
