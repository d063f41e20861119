"""link() today equals the numpy implementation of 2026-11-30 (commit 854eafa, before the fused kernels) to
1e-12 relative, every variable, over 384 stored configurations: each of the 192 combinations of the six string
options twice, with random numeric and optional inputs (``data/make_link_reference.py`` wrote them). A
regression pin for the kernel rewrite of issue 17, whose figures must not move."""

from pathlib import Path

import numpy as np
import pytest

from linkmodel.pcie import link

REFERENCE = np.load(Path(__file__).with_name("data") / "link_reference.npz")
OPTIONS = ("clocking", "dllp_policy", "completion_split", "completion_credits", "packing", "replay")
N = REFERENCE["in/gen"].shape[-1]


def _call(i: int):
    kw = {k[3:]: REFERENCE[k][i : i + 2] for k in REFERENCE.files if k.startswith("in/")}
    kw = {k: v for k, v in kw.items() if not (np.isnan(v).all() or (k == "flit" and (v < 0).all()))}
    for k in ("gen", "lanes", "mps", "mrrs", "rcb", "addressing", "tag_bits"):
        kw[k] = kw[k].astype(int)
    kw["ecrc"] = kw["ecrc"].astype(bool)
    if "flit" in kw:
        kw["flit"] = kw["flit"].astype(bool)
    return link(**kw, **{k: str(REFERENCE[f"opt/{k}"][i]) for k in OPTIONS})


@pytest.mark.parametrize("i", range(0, N, 2))
def test_link_equals_the_stored_reference(i):
    ds = _call(i)
    names = {k[4:] for k in REFERENCE.files if k.startswith("out/")}
    assert set(ds.data_vars) == names
    for name in names:
        want, got = REFERENCE[f"out/{name}"][..., i : i + 2], ds[name].values
        if want.dtype.kind == "f":
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=0, err_msg=name)
        else:
            assert np.array_equal(got, want), name
