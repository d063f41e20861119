"""Write-amplification models beyond the uniform closed form: oracles of ssd_modeling.md §9 (#2, #9-#16)
and the page-level simulator (tests/gcsim.py) as an independent check."""

import numpy as np
import pytest
import xarray as xr
from gcsim import simulate
from hypothesis import given, settings
from hypothesis import strategies as st

from linkmodel.ssd import meanfield, traffic, waf


@pytest.mark.parametrize(
    "alpha, b, d, expected, tol",
    [
        (1.07, 32, 100, 6.40, 0.05),  # #9 (greedy sim 6.41)
        (1.07, 64, 100, 7.03, 0.1),  # #10
        (1.28, 32, 100, 2.334, 0.02),  # #11
        (1.28, 64, 100, 2.405, 0.02),  # #11
        (1.07, 64, 10, 7.323, 0.02),  # #12
    ],
)
def test_mean_field_oracles(alpha, b, d, expected, tol):
    assert meanfield.waf_meanfield(alpha, b, d) == pytest.approx(expected, abs=tol)


def test_mean_field_approaches_lambert_w_for_large_units():
    # greedy -> FIFO -> Lambert-W as b grows (dossier §3.1): b = 1024 within 1 % of 2.481 at alpha 1.28
    assert meanfield.waf_meanfield(1.28, 1024) == pytest.approx(waf.waf_uniform(1.28), rel=0.01)
    assert meanfield.waf_meanfield(1.28, 32) < meanfield.waf_meanfield(1.28, 256) < waf.waf_uniform(1.28)


def test_mean_field_broadcasts():
    a = xr.DataArray([1.07, 1.28], dims="alpha")
    b = xr.DataArray([32, 64], dims="b")
    out = meanfield.waf_meanfield(a, b)
    assert out.dims == ("alpha", "b")
    assert float(out.sel(alpha=1.28, b=64) if "alpha" in out.coords else out[1, 1]) == pytest.approx(2.405, abs=0.02)
    with pytest.raises(ValueError, match="pages_per_block"):
        meanfield.waf_meanfield(1.2, 1)


def test_reserve_oracle():
    # #13: FIFO with 3 of 512 blocks reserved at alpha 1.07 measures Lambert-W at alpha_eff 1.0637: 8.52
    eff = waf.alpha_effective(1.07, 3 / 512)
    assert eff == pytest.approx(1.0637, abs=1e-4)
    assert waf.waf_uniform(eff) == pytest.approx(8.52, abs=0.02)
    with pytest.raises(ValueError, match="reserve_fraction: leaves no over-provisioning"):
        waf.alpha_effective(1.05, 0.1)


def test_agarwal():
    assert waf.waf_agarwal(1.3) == pytest.approx(2.17, abs=0.005)  # #2


@pytest.mark.parametrize(
    "rates, fractions, alpha, expected, tol",
    [
        ((0.8, 0.2), (0.2, 0.8), 1.28, 2.820, 0.01),  # #14
        ((0.9, 0.1), (0.1, 0.9), 1.28, 3.296, 0.02),  # #15
        ((0.8, 0.2), (0.2, 0.8), 1.07, 8.182, 0.01),  # dossier §3.3 table
    ],
)
def test_mixed_hot_cold(rates, fractions, alpha, expected, tol):
    assert traffic.waf_mixed(alpha, rates, fractions) == pytest.approx(expected, abs=tol)


def test_separated_optimal_split():
    # #16: 80/20 at 1.28 -> 1.866 with alpha_hot ~ 1.69, alpha_cold ~ 1.18; 90/10 -> 1.412; 80/20 at 1.07 -> 5.254
    a, pools = traffic.waf_separated(1.28, (0.8, 0.2), (0.2, 0.8))
    assert a == pytest.approx(1.866, abs=0.005)
    assert pools[0] == pytest.approx(1.69, abs=0.01) and pools[1] == pytest.approx(1.18, abs=0.01)
    assert 0.2 * pools[0] + 0.8 * pools[1] == pytest.approx(1.28, rel=1e-9)  # all the spare space is used
    assert traffic.waf_separated(1.28, (0.9, 0.1), (0.1, 0.9))[0] == pytest.approx(1.412, abs=0.005)
    assert traffic.waf_separated(1.07, (0.8, 0.2), (0.2, 0.8))[0] == pytest.approx(5.254, abs=0.005)


def test_jesd219_three_classes():
    # the dossier's JESD219 skew; separation (three pools) beats mixing, mixing is worse than uniform
    r, f = traffic.JESD219["rates"], traffic.JESD219["fractions"]
    mixed = traffic.waf_mixed(1.28, r, f)
    sep, pools = traffic.waf_separated(1.28, r, f)
    assert sep < waf.waf_uniform(1.28) < mixed
    assert float(np.dot(f, pools)) == pytest.approx(1.28, rel=1e-6)
    assert sum(traffic.JESD219["sizes"].values()) == pytest.approx(1.0)


def test_iu_factor():
    assert traffic.iu_factor({4096: 1.0}, 16384) == pytest.approx(4.0)
    assert traffic.iu_factor({6144: 1.0}, 4096) == pytest.approx(8192 / 6144)
    # JESD219 sizes on a 4 KiB unit: the sub-4 KiB writes (9 % of writes, 0.5-3.5 KiB) rewrite a whole unit
    sizes = traffic.JESD219["sizes"]
    host = sum(s * w for s, w in sizes.items())
    nand = sum(max(4096, -(-s // 4096) * 4096) * w for s, w in sizes.items())
    assert traffic.iu_factor(sizes, 4096) == pytest.approx(nand / host)


@settings(max_examples=40, deadline=None)
@given(st.floats(1.02, 3.0), st.floats(0.55, 0.95), st.floats(0.05, 0.45))
def test_properties(alpha, r_hot, f_hot):
    # WAF >= 1, decreasing in OP; separated pools never worse than mixed; uniform mixed == Lambert-W
    rates, fractions = (r_hot, 1 - r_hot), (f_hot, 1 - f_hot)
    mixed = traffic.waf_mixed(alpha, rates, fractions)
    sep = traffic.waf_separated(alpha, rates, fractions)[0]
    assert 1.0 <= sep <= mixed * (1 + 1e-9)
    assert traffic.waf_mixed(alpha + 0.1, rates, fractions) < mixed
    assert waf.waf_uniform(alpha + 0.1) < waf.waf_uniform(alpha)
    assert traffic.waf_mixed(alpha, (1.0,), (1.0,)) == pytest.approx(waf.waf_uniform(alpha), rel=1e-9)


@pytest.mark.slow
@pytest.mark.parametrize("b, alpha", [(32, 1.07), (64, 1.28)])
def test_mean_field_matches_greedy_simulation(b, alpha):
    sim = simulate(1024, b, alpha, "greedy", warm_turns=3, measure_turns=3)
    assert meanfield.waf_meanfield(sim["alpha_effective"], b) == pytest.approx(sim["waf"], rel=0.02)


@pytest.mark.slow
@pytest.mark.parametrize("b, alpha", [(64, 1.07), (32, 1.28)])
def test_lambert_w_matches_fifo_simulation(b, alpha):
    sim = simulate(512, b, alpha, "fifo", warm_turns=3, measure_turns=3)
    assert waf.waf_uniform(sim["alpha_effective"]) == pytest.approx(sim["waf"], rel=0.02)


def test_mixed_formula_matches_fifo_simulation_of_hot_cold_traffic():
    sim = simulate(512, 64, 1.28, "fifo", hot=(0.8, 0.2), warm_turns=3, measure_turns=3)
    assert traffic.waf_mixed(sim["alpha_effective"], (0.8, 0.2), (0.2, 0.8)) == pytest.approx(sim["waf"], rel=0.02)


@pytest.mark.parametrize(
    "kw,name",
    [
        ({"pages_per_block": 1e7}, "pages_per_block"),  # issue 15: ran for minutes (the solver is linear in b)
        ({"pages_per_block": 2**16 + 1}, "pages_per_block"),
        ({"choices": 1e300}, "choices"),  # x^d loses its precision: 7.82 where d = 1e4 gives 7.76
        ({"alpha": np.linspace(1.05, 1.5, 20), "pages_per_block": 2**16}, "pages_per_block"),  # 20 x 65,536 units
    ],
)
def test_mean_field_refuses_runaway_inputs_at_once(kw, name):
    import time

    args = {"alpha": 1.07, "pages_per_block": 1024, **kw}
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=rf"^{name}: "):
        meanfield.waf_meanfield(**args)
    assert time.perf_counter() - t0 < 1.0
