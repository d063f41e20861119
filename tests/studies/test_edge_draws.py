"""``linkmodel.studies.edge`` over draws of the storage part's priors (issue 16 item 3): relations by hand."""

import numpy as np
import pytest
import xarray as xr

from linkmodel.ssd import hostpath
from linkmodel.studies import edge, edge_read

PHONE = "oneplus-12"  # storage: the samsung-ufs40 part file
MEASURED = "macbook-pro-m1-max"  # measured storage bandwidth and latency: no part, no priors
KNOBS = {"sparsity": 0.9, "target": 5.0}


@pytest.mark.parametrize("device", [PHONE, "pc-rtx4090"])
def test_collapsed_priors_reproduce_the_point_exactly(device):
    # scale 0 puts every input at its value: every draw is the point prediction, to the last bit
    point = edge.tokens("opt-6.7b", device, **KNOBS).result
    rep = edge.tokens("opt-6.7b", device, **KNOBS, draws=8, seed=5, scale=0)
    st = edge.draw_stats(rep)
    for name in ("tokens_per_second", "flash_time", "dram_needed"):
        v = float(point[name])
        assert st[name] == {"median": v, "interval": [v, v]}
    if device == PHONE:  # the point is the one `ai edge opt-6.7b --device oneplus-12 --sparsity 0.9` prints
        assert float(point.tokens_per_second) == pytest.approx(3.49, abs=0.005)


def test_same_seed_same_draws_another_seed_others():
    a, b, c = (edge.tokens("opt-6.7b", PHONE, **KNOBS, draws=16, seed=s) for s in (1, 1, 2))
    assert edge.draw_stats(a) == edge.draw_stats(b)
    assert edge.draw_stats(a) != edge.draw_stats(c)
    assert a.result.tokens_per_second.sizes["draw"] == 16
    lo, hi = edge.draw_stats(a)["tokens_per_second"]["interval"]
    assert lo < hi  # the priors do move a UFS drive's small reads


def test_one_read_at_a_time_costs_each_draws_qd1_latency():
    # depth 1: throughput = size / QD1 latency, draw by draw, with that draw's drive and firmware times
    n, seed = 12, 4
    curve = edge_read.read_curve("samsung-ufs40", (16384.0,), (1, 32), draws=n, seed=seed)
    params, path, _ = edge_read.drawn_params("samsung-ufs40", n, seed)
    l1 = hostpath.qd1(params, "read", 16384.0, path).total
    np.testing.assert_allclose(curve.throughput.sel(size=16384.0, depth=1).values, 16384.0 / l1.values, rtol=1e-9)
    assert curve.throughput.dims == ("size", "depth", "draw")
    # more reads in flight never deliver less, in any draw
    assert np.all(curve.throughput.sel(depth=32).values >= curve.throughput.sel(depth=1).values)


def test_measured_storage_has_no_priors():
    rep = edge.tokens("opt-6.7b", MEASURED, **KNOBS, draws=16, seed=0)
    point = edge.tokens("opt-6.7b", MEASURED, **KNOBS).result
    assert rep.inputs["drawn"] is False and "draw" not in rep.result.dims
    v = float(point.tokens_per_second)
    assert edge.draw_stats(rep)["tokens_per_second"] == {"median": v, "interval": [v, v]}


def test_out_of_reach_draws_rank_above_every_other():
    # ten draws of the DRAM a target needs: 1..9 GB and one out of reach (inf). numpy's linear percentiles at
    # positions 0.1 x 9 = 0.9, 0.5 x 9 = 4.5 and 0.9 x 9 = 8.1: 1.9, 5.5 and between 9 and inf, i.e. inf
    x = np.array([*range(1, 10), np.inf]) * 1e9
    ds = xr.Dataset({"dram_needed": ("draw", x), "tokens_per_second": ("draw", np.ones(10))})
    st = edge.draw_stats(edge.EdgeReport({"draws": 10}, ds))
    assert st["dram_needed"]["median"] == pytest.approx(5.5e9)
    assert st["dram_needed"]["interval"][0] == pytest.approx(1.9e9)
    assert st["dram_needed"]["interval"][1] == np.inf
    ds = ds.assign(dram_needed=("draw", np.full(10, np.inf)))
    assert edge.draw_stats(edge.EdgeReport({"draws": 10}, ds))["dram_needed"]["median"] == np.inf


def test_bad_draws_are_one_line_errors():
    with pytest.raises(ValueError, match=r"^draws: drive parameters given as numbers"):
        edge_read.read_curve({"planes": 4.0}, draws=4)
    with pytest.raises(ValueError, match=r"^scale: "):
        edge.tokens("opt-6.7b", PHONE, draws=4, scale=-1)


def test_knob_axes_give_each_combination_the_interval_of_its_own_call():
    # the draws are of the storage part's priors, not of the knobs: with one seed, each cell of a knob grid
    # must hold exactly the median and interval that a call with that one knob value gives
    sp = xr.DataArray([0.8, 0.9], dims="sparsity", coords={"sparsity": [0.8, 0.9]})
    depth = xr.DataArray([1, 32], dims="depth", coords={"depth": [1, 32]})
    grid = edge.draw_stats(edge.tokens("opt-6.7b", PHONE, sparsity=sp, depth=depth, target=5.0, draws=24, seed=3))
    assert grid["tokens_per_second"]["dims"] == ["sparsity", "depth"]
    assert grid["tokens_per_second"]["coords"] == {"sparsity": [0.8, 0.9], "depth": [1, 32]}
    for i, s in enumerate((0.8, 0.9)):
        for j, q in enumerate((1, 32)):
            one = edge.draw_stats(edge.tokens("opt-6.7b", PHONE, sparsity=s, depth=q, target=5.0, draws=24, seed=3))
            for name, st in one.items():
                assert grid[name]["median"][i][j] == pytest.approx(st["median"], rel=1e-12)
                for k in (0, 1):
                    assert grid[name]["interval"][k][i][j] == pytest.approx(st["interval"][k], rel=1e-12)
    # more reads in flight never give fewer tokens/s in any percentile
    assert all(row[1] >= row[0] for row in grid["tokens_per_second"]["median"])
