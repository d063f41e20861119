# %% [markdown]
# # Interactive exploration
#
# Sliders over a drive design, starting from the Samsung PM1763: PCIe
# generation and lanes, channels, NAND generation (catalogue), power cap and
# capacity. Every change re-runs the drive model for the four standard
# workloads (`linkmodel.studies.sweep.run` on one design: milliseconds) and shows
# throughput, IOPS, power, efficiency and the binding stage. Run it in
# JupyterLab (`pip install -e ".[notebooks]"`); as a script it prints the
# starting design.

# %%
import ipywidgets as widgets

from linkmodel import parts
from linkmodel.parts import catalogue
from linkmodel.studies import sweep

base = parts.load("samsung-pm1763")
tlc = sorted(k for k, v in catalogue()["nand"].items() if v.get("cell") == "TLC")


def design(gen=6, lanes=4, channels=16, nand="samsung-v9-tlc", power_cap=25.0, capacity_tb=15.36):
    """Predict one design; print a table (throughput GB/s, kIOPS, W, MB/s/W, binding stage)."""
    ds = sweep.run(
        base,
        {
            "gen": [gen],
            "lanes": [lanes],
            "channels": [float(channels)],
            "nand": [nand],
            "power_cap": [float(power_cap)],
            "capacity": [capacity_tb * 1e12],
        },
        workloads=["seq_read", "seq_write", "rand_read", "rand_write"],
        infeasible="mask",
    )
    one = ds.squeeze(drop=True)
    if not bool(one.feasible):
        print(
            f"infeasible: {power_cap:g} W does not cover the static power of this design "
            f"(PCIe PHY, controller, DRAM, NAND standby)"
        )
        return one
    names = sweep.stage_names(one.binding).values
    print(f"Gen{gen} x{lanes}, {channels} channels, {nand}, {capacity_tb:g} TB, {power_cap:g} W cap")
    print(f"{'workload':12} {'GB/s':>8} {'kIOPS':>9} {'W':>6} {'MB/s/W':>8}  binding")
    for i, w in enumerate(one.workload.values):
        x = one.sel(workload=w)
        print(
            f"{w:12} {float(x.throughput) / 1e9:8.2f} {float(x.iops) / 1e3:9.1f} {float(x.power):6.1f} "
            f"{float(x.efficiency) / 1e6:8.0f}  {names[i]}"
        )
    return one


_ = design()

# %% [markdown]
# The sliders (in JupyterLab they redraw the table on every change):

# %%
ui = widgets.interactive(
    design,
    gen=widgets.IntSlider(value=6, min=3, max=7, description="PCIe gen"),
    lanes=widgets.Dropdown(options=[1, 2, 4, 8, 16], value=4, description="lanes"),
    channels=widgets.Dropdown(options=[4, 8, 16], value=16, description="channels"),
    nand=widgets.Dropdown(options=tlc, value="samsung-v9-tlc", description="NAND"),
    power_cap=widgets.FloatSlider(value=25.0, min=10.0, max=50.0, step=2.5, description="power cap [W]"),
    capacity_tb=widgets.Dropdown(options=[3.84, 7.68, 15.36, 30.72, 61.44], value=15.36, description="TB"),
)
ui  # noqa: B018  (the notebook displays the widgets)

# %% [markdown]
# Or call it directly: the same design at Gen5 and at a 15 W cap.

# %%
_ = design(gen=5)
_ = design(power_cap=15.0)
