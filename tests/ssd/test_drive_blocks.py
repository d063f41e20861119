"""The drive model's fast paths give what a small, plain evaluation gives.

- a large broadcast is evaluated in blocks (``drive.BLOCK`` elements) and its link budget once per distinct link
  configuration (``stages.on_distinct``): every output equals that of small evaluations (no blocks, the link run
  on every element) of the same designs, to 1e-12 relative;
- ``predict`` (every workload in one broadcast per access pattern) equals ``evaluate`` per workload;
- the blocks cover the broadcast shape once, in C order;
- the lowest ceiling and its stage equal ``np.min`` and ``np.argmin`` over the stacked ceilings.
"""

import numpy as np
import pytest
import reference_drive
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st

from linkmodel.ssd import drive, stages, writepath

BASE = reference_drive.BASE
WORKLOADS = list(drive.WORKLOADS.values())


def _designs(n, seed, ufs_share=0.0):
    """Random designs around the reference drive: discrete link choices (so that configurations repeat), the
    NAND and power inputs continuous; a share of UFS drives when asked."""
    rng = np.random.default_rng(seed)
    cfg = dict(BASE)
    cfg.update(
        gen=rng.choice([4.0, 5.0], n),
        lanes=rng.choice([1.0, 2.0], n),
        mps=rng.choice([128.0, 256.0, 512.0], n),
        channels=rng.choice([8.0, 16.0], n),
        channel_rate=rng.uniform(1.2e9, 3.6e9, n),
        dies=rng.choice([32.0, 64.0, 128.0], n),
        t_read=rng.uniform(30e-6, 80e-6, n),
        t_prog=rng.uniform(0.4e-3, 1.2e-3, n),
        read_power=rng.uniform(0.05, 0.2, n),
        program_power=rng.uniform(0.05, 0.2, n),
        standby_power=rng.uniform(0.0, 0.01, n),
        command_energy=rng.uniform(0.0, 2e-6, n),
        power_cap=rng.uniform(8.0, 40.0, n),
        cache_read=rng.choice([0.0, 1.0], n),
        slc_fraction=rng.choice([0.0, 0.3], n),
        link_family=(rng.random(n) < ufs_share).astype(float),
    )
    return cfg


def _subset(cfg, index):
    return {k: (v[index] if np.ndim(v) else v) for k, v in cfg.items()}


def _assert_same(big, small, rel=1e-12):
    """Every variable of `small` (a Dataset) equals `big`'s, floats to `rel` (inf and NaN where the other has
    them), strings exactly."""
    assert set(big.data_vars) == set(small.data_vars)
    for name in small.data_vars:
        x, y = np.asarray(big[name].values), np.asarray(small[name].values)
        if y.dtype.kind == "U":
            assert np.array_equal(x, y), name
        else:
            np.testing.assert_allclose(x, y, rtol=rel, atol=0, equal_nan=True, err_msg=name)


# 70,000 designs: two blocks (65,536 and 4,464), each large enough for the link's search for repeated
# configurations (its inputs here take 2 x 2 x 3 values: 12 configurations per workload)
N_BIG = 70_000


@pytest.mark.parametrize(
    "write_path, ufs_share",
    [(None, 0.0), (writepath.WritePath(placement="zns", host_waf=1.5), 0.0), (None, 0.3)],
    ids=["conventional", "zns_host_gc", "pcie_and_ufs"],
)
def test_a_large_broadcast_equals_small_evaluations_of_the_same_designs(write_path, ufs_share):
    assert N_BIG > drive.BLOCK
    cfg = _designs(N_BIG, seed=7, ufs_share=ufs_share)
    rng = np.random.default_rng(8)
    picks = [rng.choice(N_BIG, 40, replace=False), np.arange(N_BIG - 40, N_BIG), np.arange(65_520, 65_560)]
    for wl in WORKLOADS:
        big = drive.evaluate(cfg, wl, write_path)
        for index in picks:  # 40 designs: one block, the link budget run on each design
            small = drive.evaluate(_subset(cfg, index), wl, write_path)
            _assert_same(big.isel(dim_0=index), small)


def test_blocks_along_an_inner_axis_give_the_unblocked_values(monkeypatch):
    # a grid whose trailing axes exceed a (shrunken) block: blocks step the leading axis one index at a time and
    # cut the next into runs; compared with the same call unblocked
    cfg = dict(BASE)
    cfg["t_read"] = np.linspace(30e-6, 80e-6, 7)[:, None, None]
    cfg["dies"] = np.array([16.0, 32.0, 64.0, 128.0, 256.0])[None, :, None]
    cfg["power_cap"] = np.linspace(10.0, 40.0, 23)
    cfg["gen"] = np.array([4.0, 5.0, 6.0] * 7 + [4.0, 5.0])
    for wl in (drive.WORKLOADS["rand_write"], drive.WORKLOADS["seq_read"]):
        monkeypatch.setattr(drive, "BLOCK", 40)
        blocked = drive.evaluate(cfg, wl)
        monkeypatch.setattr(drive, "BLOCK", 10**9)
        whole = drive.evaluate(cfg, wl)
        assert blocked.iops.shape == (7, 5, 23)
        _assert_same(blocked, whole, rel=0.0)


def test_a_blocked_evaluation_with_named_dims_keeps_them(monkeypatch):
    monkeypatch.setattr(drive, "BLOCK", 16)
    cap = xr.DataArray(np.linspace(10.0, 40.0, 9), dims="power_cap")
    dies = xr.DataArray([16.0, 32.0, 64.0, 128.0], dims="dies")
    ds = drive.evaluate(dict(BASE, power_cap=cap, dies=dies), drive.WORKLOADS["mixed_70_30"])
    assert ds.iops.dims == ("dies", "power_cap")
    for i in (0, 4, 8):
        for j in (0, 3):
            one = drive.evaluate(dict(BASE, power_cap=float(cap[i]), dies=float(dies[j])), WORKLOADS[4])
            _assert_same(ds.isel(power_cap=i, dies=j), one)


@pytest.mark.parametrize("kind", ["scalar", "numpy", "xarray"])
def test_predict_equals_evaluate_for_each_workload(kind):
    if kind == "scalar":
        params = dict(BASE)
    elif kind == "numpy":
        params = _subset(_designs(300, seed=3), slice(None))
    else:
        params = dict(BASE, t_read=xr.DataArray([40e-6, 60e-6], dims="tr", coords={"tr": [1, 2]}))
    wls = [WORKLOADS[2], WORKLOADS[0], drive.Workload("w8k", 8192, 0.4, True), WORKLOADS[1]]
    ds = drive.predict(params, wls)
    assert list(ds.workload.values) == ["rand_read", "seq_read", "w8k", "seq_write"]
    assert list(ds["size"].values) == [4096, 131072, 8192, 131072]
    assert list(ds.read_fraction.values) == [1.0, 1.0, 0.4, 0.0]
    # attributes the workloads share stay; those that differ (name, pattern, size) are dropped
    assert ds.attrs == {"model": "linkmodel.ssd.drive", "placement": "conventional", "host_waf": 1.0}
    for i, wl in enumerate(wls):
        one = drive.evaluate(params, wl)
        row = ds.isel(workload=i).drop_vars(["workload", "size", "read_fraction"])
        assert row.iops.dims == one.iops.dims
        _assert_same(row, one, rel=0.0)
        assert all(row[v].attrs == one[v].attrs for v in one.data_vars)


def test_predict_refuses_what_evaluate_refuses():
    with pytest.raises(ValueError, match="workload: 'rand_read' is not a Workload"):
        drive.predict(BASE, ["rand_read"])
    with pytest.raises(ValueError, match="size: 0 B out of range"):
        drive.predict(BASE, [drive.Workload("empty", 0.0, 1.0, True)])
    with pytest.raises(ValueError, match="dies: 0 out of range"):
        drive.predict(dict(BASE, dies=0))
    with pytest.raises(ValueError, match="workloads: none given"):
        drive.predict(BASE, [])


@given(
    shape=st.lists(st.integers(1, 9), min_size=0, max_size=4).map(tuple),
    block=st.integers(1, 200),
)
@settings(max_examples=200, deadline=None)
def test_blocks_cover_the_shape_once_in_c_order(shape, block):
    ids = np.arange(int(np.prod(shape))).reshape(shape)
    seen = [ids[index].ravel() for index in drive._blocks(shape, block)]
    assert np.array_equal(np.concatenate(seen) if seen else np.array([], int), ids.ravel())
    assert all(s.size <= block for s in seen)


CEILING = st.sampled_from([0.0, -0.0, 1.0, 2.0, 3.5, np.inf, np.nan])


@given(
    st.lists(
        st.one_of(CEILING.map(np.float64), st.lists(CEILING, min_size=6, max_size=6).map(np.array)),
        min_size=1,
        max_size=7,
    )
)
@settings(max_examples=300, deadline=None)
def test_the_lowest_ceiling_and_its_stage_are_numpys_min_and_argmin(ceilings):
    stacked = np.stack(np.broadcast_arrays(*ceilings))
    low, first = drive._lowest(ceilings)
    assert np.array_equal(low, np.min(stacked, axis=0), equal_nan=True)
    assert np.array_equal(np.signbit(low), np.signbit(np.min(stacked, axis=0)))
    assert np.array_equal(first, np.argmin(stacked, axis=0))


def test_on_distinct_runs_each_configuration_once_and_spreads_bit_identical_outputs():
    rng = np.random.default_rng(5)
    n = 3 * stages.DISTINCT_MIN_ELEMENTS
    x = rng.choice([0.0, -0.0, 2.5, np.inf], (n // 4, 4))  # -0.0 is its own configuration (1 / x differs)
    y = rng.choice([1.0, 3.0, np.nan], 4)
    calls = []

    def func(x, y):
        calls.append(np.broadcast_shapes(np.shape(x), np.shape(y)))
        with np.errstate(all="ignore"):
            return 1.0 / x + y, np.where(x > y, "x", "y")

    got = stages.on_distinct(func, (x, y))
    want = func(x, y)
    assert calls[0][0] <= 4 * 3  # at most the combinations present
    assert np.array_equal(got[0].view(np.int64), want[0].view(np.int64))
    assert np.array_equal(got[1], want[1]) and got[1].dtype == want[1].dtype


def test_on_distinct_runs_every_element_when_values_do_not_repeat():
    rng = np.random.default_rng(6)
    n = 2 * stages.DISTINCT_MIN_ELEMENTS
    x = rng.uniform(size=n)
    shapes = []

    def func(x):
        shapes.append(np.shape(x))
        return (x * 2.0,)

    (got,) = stages.on_distinct(func, (x,))
    assert shapes == [(n,)] and np.array_equal(got, x * 2.0)
