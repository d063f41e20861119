"""A sweep with draws of the priors as one more named dimension, ``draw`` (issue 16, item 3)."""

from dataclasses import replace

import numpy as np
import pytest

from linkmodel.parts.draws import draw_params
from linkmodel.ssd import drive
from linkmodel.studies import sweep


def test_the_draw_dimension_is_the_drive_over_the_parts_draws():
    ds = sweep.run("samsung-pm1763", {"power_cap": [15.0, 25.0]}, workloads=["seq_read"], draws=32, seed=1)
    assert dict(ds.sizes) == {"workload": 1, "power_cap": 2, "draw": 32}
    # the same draws evaluated directly, the power cap replaced as the parameter axis replaces it
    d = draw_params("samsung-pm1763", 32, 1)
    for cap in (15.0, 25.0):
        ref = drive.evaluate(replace(d.params, power_cap=cap), drive.WORKLOADS["seq_read"]).throughput.values
        np.testing.assert_allclose(ds.throughput.sel(workload="seq_read", power_cap=cap).values, ref, rtol=1e-12)
    assert float(ds.throughput.std("draw").max()) > 0  # the draws do move it


def test_draws_chunk_like_any_axis():
    pytest.importorskip("dask")
    axes = {"power_cap": [20.0, 25.0]}
    eager = sweep.run("samsung-pm1763", axes, workloads=["rand_read"], draws=16, seed=2)
    lazy = sweep.run("samsung-pm1763", axes, workloads=["rand_read"], draws=16, seed=2, chunks={"draw": 4})
    assert lazy.iops.data.npartitions == 4
    np.testing.assert_array_equal(lazy.iops.compute().values, eager.iops.values)


@pytest.mark.parametrize(
    ("kw", "start"),
    [
        ({"axes": {"gen": [5, 6]}, "draws": 4}, "draws: not with design axes (gen)"),
        ({"axes": {"power_cap": [25.0]}, "draws": 0}, "draws: expected a whole number of draws >= 1"),
        ({"axes": {"power_cap": [25.0]}, "draws": 4, "seed": -1}, "seed: expected a whole number >= 0"),
        ({"axes": {"draw": [0, 1]}}, "axes: unknown axis 'draw'"),
    ],
)
def test_bad_draws_are_one_line_errors(kw, start):
    with pytest.raises(ValueError) as e:
        sweep.run("samsung-pm1763", **kw)
    assert str(e.value).startswith(start) and "\n" not in str(e.value)
