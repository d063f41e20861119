"""linkmodel.studies.sweep: named axes -> one Dataset; lazy (Dask) == eager; a LocalCluster; NetCDF/Zarr round trips."""

import numpy as np
import pytest
import xarray as xr

from linkmodel import parts
from linkmodel.ssd import drive
from linkmodel.studies import io, sweep

AXES = {
    "gen": [5, 6],
    "power_cap": [15.0, 25.0, 40.0],
    "nand": ["samsung-v8-tlc", "kioxia-bics8-tlc"],
    "dies": [64.0, 128.0, 256.0],
}
WLS = ["seq_read", "rand_read", "rand_write"]


@pytest.fixture(scope="module")
def eager():
    return sweep.run("samsung-pm1763", AXES, workloads=WLS)


def test_dims_coords_units_and_binding(eager):
    assert dict(eager.sizes) == {"workload": 3, "gen": 2, "power_cap": 3, "nand": 2, "dies": 3}
    assert list(eager.workload.values) == WLS
    assert eager.power_cap.attrs["units"] == "W" and eager.dies.attrs["units"] == "1"
    assert eager.throughput.attrs["units"] == "B/s" and eager.power.attrs["units"] == "W"
    for v in eager.data_vars.values():
        assert v.dims == ("workload", "gen", "power_cap", "nand", "dies")
        assert "long_name" in v.attrs
    names = sweep.stage_names(eager.binding)
    assert set(np.unique(names.values)) <= set(drive.STAGES)
    assert eager.binding.dtype == np.int8


def test_each_design_is_the_drive_model_of_that_design(eager):
    """A sweep point is exactly the model of the part built with those choices."""
    part = parts.load("samsung-pm1763")
    p, _ = parts.params_from_part(part, nand="kioxia-bics8-tlc", gen=5)
    p = dict(p, power_cap=25.0, dies=128.0)
    for w in WLS:
        ref = drive.evaluate(p, drive.WORKLOADS[w])
        got = eager.sel(workload=w, gen=5, power_cap=25.0, nand="kioxia-bics8-tlc", dies=128.0)
        for k in ("iops", "throughput", "power", "ceiling_link", "ceiling_dies", "waf"):
            assert float(got[k]) == pytest.approx(float(ref[k]), rel=1e-12), (w, k)
        assert str(sweep.stage_names(got.binding).values) == str(ref.binding.values)


def test_invariants(eager):
    # more power or more dies never lower throughput; power never above the cap
    assert np.all(eager.throughput.diff("power_cap") >= -1e-6 * eager.throughput.isel(power_cap=slice(1, None)))
    # (more dies: never lower unless the power cap binds, where each idle die's standby takes a hair off the
    # budget: tests/test_drive.py bounds that)
    more = eager.throughput.diff("dies", label="upper")
    power_bound = (eager.binding == drive.STAGES.index("power")).isel(dies=slice(1, None))
    assert np.all((more >= 0) | power_bound)
    assert np.all(eager.power <= eager.power_cap * (1 + 1e-9))
    # the Gen6 link carries more than Gen5 (Gen5 x4 sequential reads are link-bound near 14.5 GB/s)
    rd = eager.throughput.sel(workload="seq_read", power_cap=40.0, dies=256.0)
    assert np.all(rd.sel(gen=6) > rd.sel(gen=5))
    assert 14.0e9 < float(rd.sel(gen=5, nand="samsung-v8-tlc")) < 15.0e9


def test_lazy_equals_eager_and_is_dask_backed(eager):
    lazy = sweep.run("samsung-pm1763", AXES, workloads=WLS, chunks={"power_cap": 2, "dies": 1})
    assert lazy.throughput.chunks is not None
    assert lazy.throughput.data.npartitions == 2 * 3
    got = sweep.compute(lazy, progress=False)
    xr.testing.assert_identical(got, eager)


@pytest.mark.slow
def test_local_cluster(eager):
    distributed = pytest.importorskip("distributed")
    lazy = sweep.run("samsung-pm1763", AXES, workloads=WLS, chunks={"dies": 1})
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c,
        distributed.Client(c),
    ):
        got = sweep.compute(lazy, progress=False)
    xr.testing.assert_identical(got, eager)


@pytest.mark.parametrize("suffix", [".nc", ".zarr"])
def test_round_trip(eager, tmp_path, suffix):
    path = tmp_path / f"sweep{suffix}"
    io.save(eager, path)
    xr.testing.assert_identical(io.open_results(path), eager)
    # a lazy sweep is written chunk by chunk and reads back the same (tests/studies/test_io.py: data safety)
    lazy = sweep.run("samsung-pm1763", AXES, workloads=WLS, chunks={"dies": 1})
    path2 = tmp_path / f"lazy{suffix}"
    io.save(lazy, path2)
    xr.testing.assert_identical(io.open_results(path2), eager)


def test_progress_bar(capsys):
    lazy = sweep.run("samsung-pm1763", {"power_cap": [15.0, 25.0]}, workloads=["seq_read"], chunks={"power_cap": 1})
    sweep.compute(lazy)
    assert "100% Completed" in capsys.readouterr().out


def test_errors():
    with pytest.raises(ValueError, match="axes: unknown axis 'lane'; allowed: nand, controller, capacity, gen, lanes"):
        sweep.run("samsung-pm1763", {"lane": [4]})
    with pytest.raises(ValueError, match=r"axes\['power_cap'\]: finite numbers"):
        sweep.run("samsung-pm1763", {"power_cap": ["25 W"]})
    with pytest.raises(ValueError, match=r"axes\['nand'\]: catalogue ids"):
        sweep.run("samsung-pm1763", {"nand": [3]})
    with pytest.raises(ValueError, match=r"sweep: design nand=nosuch: .*unknown catalogue id 'nosuch'"):
        sweep.run("samsung-pm1763", {"nand": ["nosuch"]})
    with pytest.raises(ValueError, match=r"sweep: design lanes=3: .*lanes"):
        sweep.run("samsung-pm1763", {"lanes": [3]})
    with pytest.raises(ValueError, match="values repeat"):
        sweep.run("samsung-pm1763", {"power_cap": [25, 25]})
    with pytest.raises(ValueError, match="workloads: unknown 'seqread'"):
        sweep.run("samsung-pm1763", {"power_cap": [25]}, workloads=["seqread"])
    with pytest.raises(ValueError, match="chunks: 'dies' is not an axis"):
        sweep.run("samsung-pm1763", {"power_cap": [25]}, chunks={"dies": 1})
    with pytest.raises(ValueError, match=r"chunks\['power_cap'\]: a whole number"):
        sweep.run("samsung-pm1763", {"power_cap": [25]}, chunks={"power_cap": 0})
    with pytest.raises(ValueError, match=r"path: 'x.csv' must end in .nc"):
        io.save(xr.Dataset(), "x.csv")
    with pytest.raises(ValueError, match="power_cap"):  # a drive-model range check names the parameter
        sweep.run("samsung-pm1763", {"power_cap": [-5.0]})


def test_infeasible_designs_error_or_masked():
    # Gen7 x8: the PHY alone draws 2 x 128 GT/s x 8 lanes x 5 pJ/b = 10.24 W; with the controller's fixed
    # 0.3016 x 7 W = 2.11 W (the calibrated fixed share's posterior median, data/catalogue/calibration.toml),
    # 65.5 GiB of DRAM (1 B per kB of 64 TiB NAND) x 0.054 W/GiB = 3.54 W and 512 dies' standby 0.05 W:
    # 15.94 W, so a 15 W cap leaves nothing for I/O
    axes = {"gen": [6, 7], "lanes": [4, 8], "power_cap": [15.0, 25.0]}
    with pytest.raises(
        ValueError,
        match=r"axes: 1 of 8 designs .* \(e.g. gen=7, lanes=8, power_cap=15: 15 W "
        r"vs 15\.94 W\).*infeasible='mask'",
    ):
        sweep.run("samsung-pm1763", axes, workloads=["seq_read"])
    ds = sweep.run("samsung-pm1763", axes, workloads=["seq_read"], infeasible="mask")
    bad = dict(gen=7, lanes=8, power_cap=15.0)
    assert not bool(ds.feasible.sel(bad)) and int(ds.feasible.sum()) == 7
    assert np.isnan(float(ds.throughput.sel(workload="seq_read", **bad)))
    assert str(sweep.stage_names(ds.binding).sel(workload="seq_read", **bad).values) == "infeasible"
    assert np.all(np.isfinite(ds.throughput.where(ds.feasible, 0.0)))
    lazy = sweep.run("samsung-pm1763", axes, workloads=["seq_read"], infeasible="mask", chunks={"gen": 1})
    xr.testing.assert_identical(sweep.compute(lazy, progress=False), ds)
    with pytest.raises(ValueError, match="infeasible"):
        sweep.run("samsung-pm1763", axes, infeasible="nan")


def test_workload_axes():
    """size and read_fraction axes replace the workloads' own; each point is that workload evaluated alone."""
    p, _ = parts.params_from_part(parts.load("micron-9550-max"))
    ds = sweep.run(
        "micron-9550-max",
        {"size": [512.0, 4096.0, 131072.0], "read_fraction": [0.0, 0.7, 1.0]},
        workloads=["rand_read"],
    )
    assert ds.size.attrs["units"] == "B" and ds.read_fraction.attrs["units"] == "1"
    for sz in (512.0, 131072.0):
        for rf in (0.0, 0.7):
            ref = drive.evaluate(p, drive.Workload("x", sz, rf, True))
            got = ds.sel(workload="rand_read", size=sz, read_fraction=rf)
            assert float(got.iops) == pytest.approx(float(ref.iops), rel=1e-12)
            assert float(got.waf) == pytest.approx(float(ref.waf), rel=1e-12)
    lazy = sweep.run(
        "micron-9550-max",
        {"size": [512.0, 4096.0, 131072.0], "read_fraction": [0.0, 0.7, 1.0]},
        workloads=["rand_read"],
        chunks={"size": 1},
    )
    xr.testing.assert_identical(sweep.compute(lazy, progress=False), ds)
    with pytest.raises(ValueError, match="read_fraction"):
        sweep.run("micron-9550-max", {"read_fraction": [1.5]}, workloads=["rand_read"])


def test_review_fixes(tmp_path):
    # a what-if link slower than the controller's own keeps the controller's data-path energy
    part = parts.load("samsung-pm1763")
    base, _ = parts.params_from_part(part)
    slow, _ = parts.params_from_part(part, gen=4, lanes=8)
    fast, _ = parts.params_from_part(part, gen=7, lanes=8)
    assert slow["controller_energy"] == base["controller_energy"] > fast["controller_energy"]
    # a what-if controller brings its own channels
    p, _ = parts.params_from_part(parts.load("samsung-pm1753"), controller="kioxia-gen5-8ch")
    assert p["channels"] == 8
    # non-integral PCIe generations or lanes are refused, not truncated
    with pytest.raises(ValueError, match=r"axes\['gen'\]: whole numbers"):
        sweep.run("samsung-pm1763", {"gen": [5.5, 6]})
    # a spec file path (str or Path) works like a bundled id; an unknown id is a ValueError
    path = parts.specs_dir() / "samsung-pm1763.toml"
    a = sweep.run(path, {"power_cap": [25.0]}, workloads=["seq_read"])
    b = sweep.run(str(path), {"power_cap": [25.0]}, workloads=["seq_read"])
    xr.testing.assert_identical(a, b)
    with pytest.raises(ValueError, match="part: unknown part 'nosuch'"):
        sweep.run("nosuch", {"power_cap": [25.0]})
    with pytest.raises(ValueError, match="workloads: at least one"):
        sweep.run("samsung-pm1763", {"power_cap": [25.0]}, workloads=[])
    # compute() on an in-memory Dataset returns it
    assert sweep.compute(a, progress=False) is a
    # stage_names refuses NaN or reduced codes, decodes lazily
    with pytest.raises(ValueError, match="binding: codes must be whole numbers"):
        sweep.stage_names(a.binding.where(a.binding > 100))
    lazy = sweep.run("samsung-pm1763", {"power_cap": [15.0, 25.0]}, workloads=["seq_read"], chunks={"power_cap": 1})
    names = sweep.stage_names(lazy.binding)
    assert names.chunks is not None
    assert (
        names.compute().values.tolist()
        == sweep.stage_names(sweep.compute(lazy, progress=False).binding).values.tolist()
    )
    # the feasibility check of a huge lazy sweep looks at the static power and the cap, not the grid
    big = {
        "power_cap": list(np.linspace(5.0, 40.0, 2000)),
        "dies": list(np.arange(16.0, 16.0 + 4000)),
        "t_read": [40e-6, 50e-6],
    }
    with pytest.raises(ValueError, match=r"axes: \d+ of 16000000 designs"):
        sweep.run("samsung-pm1763", big, workloads=["rand_read"], chunks={"power_cap": 10, "dies": 100})
    # feasible is a design's property: not over the workload axes
    m = sweep.run(
        "samsung-pm1763",
        {"power_cap": [5.0, 25.0], "size": [512.0, 4096.0]},
        workloads=["rand_read"],
        infeasible="mask",
    )
    assert m.feasible.dims == ("power_cap",)
    assert "size from the size axis" in m.attrs["workloads"]


def test_unhashable_workload_is_named():
    with pytest.raises(ValueError, match=r"^workloads: unknown \['seq_read'\]"):
        sweep.run("micron-9550-max", {"gen": [5, 6]}, workloads=[["seq_read"]])
    with pytest.raises(ValueError, match=r"^workload: .* is not a Workload"):
        drive.evaluate(parts.params_from_part(parts.load("micron-9550-max"))[0], "seq_read")


def test_an_eager_sweep_too_large_for_memory_points_to_chunks():
    # issue 15: an eager 10^8-design sweep ran out of memory without a word
    axes = {"dies": list(range(1, 10_001)), "t_read": list(np.linspace(30e-6, 90e-6, 10_000))}
    with pytest.raises(ValueError, match=r"^axes: 1e\+08 designs x 4 workloads need about .* pass chunks="):
        sweep.run("micron-9550-max", axes)
    with pytest.raises(ValueError, match=r"^chunks: blocks of 1e\+08 designs .*smaller chunks"):
        sweep.run("micron-9550-max", axes, chunks={"dies": 10_000})
    lazy = sweep.run("micron-9550-max", axes, chunks={"dies": 10})  # small blocks: accepted, lazily
    assert lazy.iops.shape == (4, 10_000, 10_000)


def test_a_stage_registered_after_import_is_coded():
    # the registry's promise: a new stage is one function and one entry, sweeps included
    import numpy as np_

    from linkmodel.ssd import stages as stages_

    @stages_.register("thermal_test", ("power_cap",), ("power_cap",), "IOPS a thermal limit allows")
    def thermal(a, d, prior, options):
        return stages_.StageResult(np_.full(np_.shape(d.size), 1000.0))

    try:
        ds = sweep.run("samsung-pm1763", {"power_cap": [25.0]}, workloads=["rand_read"])
        assert "thermal_test" in ds.binding.attrs["flag_meanings"].split()
        assert set(sweep.stage_names(ds.binding).values.ravel()) == {"thermal_test"}
    finally:
        del stages_.STAGES["thermal_test"]
