"""Priors on unpublished inputs (issue 16, item 1) and draws with a draw dimension (item 3's foundation).

Expected values are written out by hand: SI conversions, log-normal parameters from uncertainty.md §9
(oracles 1-4), the default-spread factors of the documented table, and the peer-controller spans read off
data/catalogue/controllers.toml.
"""

import math
import tomllib

import numpy as np
import pytest
import spec_fixture
from scipy import stats

from linkmodel.parts import SpecError, catalogue, data_dir, load, load_part, params_from_part
from linkmodel.parts import shared as _shared
from linkmodel.parts.draws import draw_params, sample, uniforms
from linkmodel.parts.priors import DEFAULT_SPREAD, Spread, peer_limit_prior, priors, value_prior
from linkmodel.parts.priorspec import Prior
from linkmodel.parts.schema import FieldType, Value
from linkmodel.ssd import drive
from linkmodel.ssd.params import DriveParams

BASE = spec_fixture.BASE


def write(tmp_path, text: str):
    p = tmp_path / "test-part.toml"
    p.write_text(text)
    return p


def with_assumed(*lines: str, drop=("power_cap",)) -> str:
    """BASE with facts `drop` removed and an [assumed] table of `lines`."""
    text = BASE
    for key in drop:
        text = "\n".join(ln for ln in text.splitlines() if not ln.startswith(f"{key} =")) + "\n"
    return text.replace("[[published]]", "[assumed]\n" + "\n".join(lines) + "\n\n[[published]]", 1)


def nand_alts(a: str, wa: float, b: str, wb: float) -> str:
    """An assumed `nand` line choosing between dies a and b with weights wa and wb."""
    return f'nand = {{ value = "{a}", alternatives = [["{a}", {wa}], ["{b}", {wb}]], basis = "x" }}'


CAP = 'power_cap = { value = "25 W", range = ["20 W", "28 W"], shape = "uniform", basis = "E3.S power class" }'
TPROG = 't_prog = { value = "1.2 ms", range = ["0.9 ms", "1.6 ms"], basis = "made up" }'


# ---------------------------------------------------------------------------- reading priors


def test_priors_parse_and_convert_to_si(tmp_path):
    nand = spec_fixture.INLINE_NAND.replace('t_prog = "1.0 ms"\n', "").replace(
        "[nand.assumed]\n", "[nand.assumed]\n" + TPROG + "\n"
    )
    text = with_assumed(CAP).replace('nand = "kioxia-bics8-tlc"', 'nand = "acme-tlc"') + nand
    part = load_part(write(tmp_path, text))
    assert part.fields["power_cap"].prior == Prior(25.0, 20.0, 28.0, "uniform")
    p = part.inline["nand"]["acme-tlc"].fields["t_prog"].prior
    assert (p.value, p.lo, p.hi, p.shape) == (
        pytest.approx(1.2e-3),
        pytest.approx(0.9e-3),
        pytest.approx(1.6e-3),
        "lognormal",
    )


def test_alternatives_parse(tmp_path):
    alt = nand_alts("kioxia-bics8-tlc", 0.7, "samsung-v9-tlc", 0.3)
    part = load_part(write(tmp_path, with_assumed(alt, drop=("nand",))))
    p = part.fields["nand"].prior
    assert p.shape == "categorical"
    assert p.alternatives == (("kioxia-bics8-tlc", 0.7), ("samsung-v9-tlc", 0.3))


BAD = [
    ('power_cap = { value = "25 W", range = ["26 W", "30 W"], basis = "x" }', "does not contain the value"),
    ('power_cap = { value = "25 W", range = ["-1 W", "30 W"], shape = "uniform", basis = "x" }', "must be positive"),
    ('power_cap = { value = "25 W", range = ["20 W", "30 W"], shape = "gauss", basis = "x" }', "'gauss' not allowed"),
    ('power_cap = { value = "25 W", shape = "uniform", basis = "x" }', "a shape needs a range"),
    ('power_cap = { value = "25 W", range = ["20 W"], basis = "x" }', "expected two values"),
    ('power_cap = { value = "25 W", range = ["20 GB", "30 W"], basis = "x" }', "power_cap.range[0]"),
    ('power_cap = { value = "25 W", alternatives = [["25 W", 0.5], ["20 W", 0.4]], basis = "x" }', "sum to 0.9"),
    ('power_cap = { value = "25 W", alternatives = [["20 W", 0.5], ["15 W", 0.5]], basis = "x" }', "not one of"),
    ('power_cap = { value = "25 W", alternatives = [["25 W", 1.5]], basis = "x" }', "weight 1.5"),
    ('power_cap = { value = "25 W", range = ["20 W", "30 W"], alternatives = [["25 W", 1]], basis = "x" }', "not both"),
    ('power_cap = { value = "25 W", sigma = 2, basis = "x" }', "optionally with range, shape, alternatives"),
]


@pytest.mark.parametrize(("line", "says"), BAD, ids=[s for _, s in BAD])
def test_bad_prior_is_one_line_naming_file_and_field(tmp_path, line, says):
    path = write(tmp_path, with_assumed(line))
    with pytest.raises(SpecError) as e:
        load_part(path)
    msg = str(e.value)
    assert "\n" not in msg and str(path) in msg and "assumed.power_cap" in msg and says in msg, msg


def test_range_on_a_fact_is_refused(tmp_path):
    text = BASE.replace('power_cap = "25 W"', 'power_cap = { value = "25 W", range = ["20 W", "30 W"] }')
    with pytest.raises(
        SpecError, match=r"test-part.toml: facts.power_cap: a fact has no range; move it to \[assumed\]"
    ):
        load_part(write(tmp_path, text))


def test_lognormal_range_from_zero_refused(tmp_path):
    nand = spec_fixture.INLINE_NAND.replace(
        "[nand.assumed]\n",
        '[nand.assumed]\nstandby_power = { value = "0.1 mW", range = ["0 mW", "1 mW"], basis = "x" }\n',
    )
    text = BASE.replace('nand = "kioxia-bics8-tlc"', 'nand = "acme-tlc"') + nand
    with pytest.raises(
        SpecError, match=r"nand\[0\]\.assumed\.standby_power\.range: a lognormal range must start above 0"
    ):
        load_part(write(tmp_path, text))


def test_unknown_alternative_is_refused_naming_the_id(tmp_path):
    alt = nand_alts("kioxia-bics8-tlc", 0.5, "no-such-die", 0.5)
    part = load_part(write(tmp_path, with_assumed(alt, drop=("nand",))))
    with pytest.raises(SpecError, match="unknown catalogue id 'no-such-die'"):
        priors(part)


# ---------------------------------------------------------------------------- default spreads by kind


@pytest.mark.parametrize(
    ("value", "kind", "factor"),
    [
        (Value(40e-6, False, "ISSCC 2021"), None, None),  # a primary fact: fixed
        (Value(40e-6, False, "secondary: compiled notes"), "secondary-source fact", 1.2),
        (Value(40e-6, True, "as V7"), "assumption by analogy", 1.5),
        (Value(0.15, True, "shared all value: ASSUMPTION"), "shared cell-type value", 2.0),
    ],
)
def test_default_spread_by_provenance_kind(value, kind, factor):
    p = value_prior(value, FieldType("time"))
    if kind is None:
        assert p is None
        return
    assert (p.kind, p.shape) == (kind, "lognormal")
    assert p.lo == pytest.approx(value.value / factor) and p.hi == pytest.approx(value.value * factor)
    assert DEFAULT_SPREAD[kind].factor == factor


def test_counts_and_sizes_stay_fixed_without_alternatives():
    assert value_prior(Value(4, True, "as V7"), FieldType("int")) is None
    assert value_prior(Value(16384.0, True, "x"), FieldType("size", pow2=True)) is None


def test_bundled_part_priors_by_kind():
    ins = priors(load("samsung-pm1763"))
    # samsung-v9-tlc's tR is assumed with its author's range (40 us in 30-45 us, nand.toml); its program time
    # an assumption by analogy with no range written (1.07 ms, x/ 1.5, the default spread of its kind)
    t_read = ins["nand samsung-v9-tlc.t_read"].prior
    assert t_read.kind == "author"
    assert (t_read.lo, t_read.value, t_read.hi) == pytest.approx((30e-6, 40e-6, 45e-6))
    t_prog = ins["nand samsung-v9-tlc.t_prog"].prior
    assert (t_prog.kind, t_prog.lo, t_prog.hi) == (
        "assumption by analogy",
        pytest.approx(1.07e-3 / 1.5),
        pytest.approx(1.07e-3 * 1.5),
    )
    # the TLC [shared] erase time carries the reference's working range, 3-5 ms (ssd_modeling.md §4.2); the
    # shared read power none: 0.15 W x/ 2, the default of a shared cell-type value
    erase = ins["nand samsung-v9-tlc.t_erase"].prior
    assert (erase.kind, erase.lo, erase.value, erase.hi) == ("author", 3e-3, 4e-3, 5e-3)
    rp = ins["nand samsung-v9-tlc.read_power"].prior
    assert (rp.kind, rp.lo, rp.hi) == ("shared cell-type value", pytest.approx(0.075), pytest.approx(0.3))
    # calibrated program power: the posterior median stored in calibration.toml, between the 5th and 95th
    # percentiles of the 400 posterior draws stored there (read here from the file itself; draws take joint rows
    # of them); reserve 2 %, x/ 2; PHY 4-8 pJ/bit as published
    stored = tomllib.loads((data_dir() / "catalogue" / "calibration.toml").read_text())
    lo, hi = np.percentile(np.asarray(stored["draws"]["program_power"]), [5, 95])
    prog = ins["calibrated.program_power"].prior
    assert (prog.lo, prog.value, prog.hi) == pytest.approx((lo, stored["program_power"]["value_w"], hi), rel=1e-3)
    assert ins["shared.reserve_fraction"].prior.hi == pytest.approx(0.04)
    phy = ins["shared.phy_energy_per_bit"].prior
    assert (phy.lo, phy.value, phy.hi) == (4e-12, 5e-12, 8e-12)
    # facts stay fixed: the die's interface rate and capacity, the part's link
    assert not any(k.endswith((".interface_rate", ".die_capacity", ".gen")) for k in ins)


def test_controller_generation_prior_from_published_peers():
    """Gen6 16-channel controllers publishing limits as facts (controllers.toml): Phison PS5303-X3 6.8 MIOPS and
    28 GB/s, SMI SM8466 7 MIOPS and 28 GB/s (InnoGrit IG5686's 28 GB/s is left out: its 16 channels are
    assumed). A published limit is a lower bound on the silicon, so the median is the highest peer and the
    central 90 % runs from the lowest / 1.2 to the highest x 1.2: IOPS 6.8 M / 1.2 = 5.667 M, median 7 M,
    7 M x 1.2 = 8.4 M; bandwidth 23.33 GB/s, 28 GB/s, 33.6 GB/s."""
    ctrls = catalogue()["controller"]
    c = ctrls["samsung-pm1763-ctrl"]
    iops = peer_limit_prior(c, "iops_limit", ctrls)
    assert (iops.lo, iops.value, iops.hi) == (pytest.approx(5.6667e6, rel=1e-4), 7e6, pytest.approx(8.4e6))
    bw = peer_limit_prior(c, "bandwidth_limit", ctrls)
    assert (bw.lo, bw.value, bw.hi) == (pytest.approx(23.333e9, rel=1e-4), pytest.approx(28e9), pytest.approx(33.6e9))
    # Gen5 16-channel: Marvell MV-SS1333 2 MIOPS, SMI SM8366 3 MIOPS (Alibaba Zhenyue 510: channels assumed):
    # median 3 M (was the geometric mean 2.449 M), 2 M / 1.2 = 1.667 M to 3 M x 1.2 = 3.6 M
    g5 = peer_limit_prior(ctrls["micron-gen5-ctrl"], "iops_limit", ctrls)
    assert (g5.lo, g5.value, g5.hi) == (pytest.approx(2e6 / 1.2), 3e6, pytest.approx(3.6e6))
    assert "marvell-bravera-sc5-16 2e+06, smi-sm8366 3e+06" in g5.basis
    # drawn: the split log-normal's median is the highest peer, its 5th and 95th percentiles the range ends
    d = draw_params("micron-9550-max", 2000, seed=3)
    x = d.values["controller micron-gen5-ctrl.iops_limit"]
    assert np.quantile(x, [0.05, 0.5, 0.95]) == pytest.approx([2e6 / 1.2, 3e6, 3.6e6], rel=0.04)
    # Gen5 8-channel: Phison E28 3 MIOPS alone (E26 publishes a bandwidth only): 2.5 M, 3 M, 3.6 M
    g5_8 = peer_limit_prior(ctrls["kioxia-gen5-8ch"], "iops_limit", ctrls)
    assert (g5_8.lo, g5_8.value, g5_8.hi) == (pytest.approx(2.5e6), 3e6, pytest.approx(3.6e6))
    # a controller that publishes its limit keeps it
    assert peer_limit_prior(ctrls["smi-sm8366"], "iops_limit", ctrls) is None


def test_peer_limit_prior_bad_values_are_one_line_errors():
    ctrls = catalogue()["controller"]
    with pytest.raises(ValueError, match=r"^key: 'power_cap' not allowed; allowed: iops_limit, bandwidth_limit$"):
        peer_limit_prior(ctrls["micron-gen5-ctrl"], "power_cap", ctrls)
    for bad in (1.0, 0.5, float("inf"), True):
        with pytest.raises(ValueError, match=r"^factor: expected a finite number above 1") as e:
            Spread(bad, "x")
        assert "\n" not in str(e.value)


# ---------------------------------------------------------------------------- sampling


def test_lognormal_inverse_cdf_matches_uncertainty_oracles():
    # oracle 2: v = 1.2, [0.9, 1.6] -> sigma 0.1748983 (symmetric in log: sqrt(0.9 x 1.6) = 1.2)
    p = Prior(1.2, 0.9, 1.6)
    x = sample(p, [0.05, 0.5, 0.95])
    np.testing.assert_allclose(x, [0.9, 1.2, 1.6], rtol=1e-9)
    z1 = stats.norm.cdf(1.0)
    assert sample(p, [z1])[0] == pytest.approx(1.2 * math.exp(0.1748983), rel=1e-6)
    # oracle 4: split log-normal v = 1.0, [0.9, 1.6]: sigma_L 0.0640546, sigma_R 0.2857419
    s = Prior(1.0, 0.9, 1.6)
    np.testing.assert_allclose(sample(s, [1 - z1, z1]), [math.exp(-0.0640546), math.exp(0.2857419)], rtol=1e-6)


def test_uniform_draws_quantiles_within_sampling_error():
    """n = 4000 uniform draws on [20, 28]: the 10th/90th percentiles are 20.8 and 27.2; their standard error
    is sqrt(0.1 x 0.9 / 4000) x 8 = 0.038 (uncertainty.md §4); allow 4 SE."""
    u = uniforms(["part.power_cap"], 4000, seed=7)["part.power_cap"]
    x = sample(Prior(25.0, 20.0, 28.0, "uniform"), u)
    q10, q90 = np.quantile(x, [0.1, 0.9])
    se = math.sqrt(0.09 / 4000) * 8
    assert abs(q10 - 20.8) < 4 * se and abs(q90 - 27.2) < 4 * se
    assert x.min() >= 20 and x.max() <= 28


def test_lognormal_draws_log_sd_within_sampling_error():
    """The log-sd of 4000 draws of oracle 2's prior is 0.1748983, standard error sigma / sqrt(2n) = 0.0020."""
    x = sample(Prior(1.2, 0.9, 1.6), uniforms(["a"], 4000, seed=3)["a"])
    assert abs(np.std(np.log(x)) - 0.1748983) < 4 * 0.1748983 / math.sqrt(8000)


def test_triangular_and_categorical_draws():
    tri = Prior(1.0, 0.0, 4.0, "triangular")  # mode 1 at a quarter of [0, 4]: CDF(1) = 0.25
    assert sample(tri, [0.25])[0] == pytest.approx(1.0)
    assert sample(tri, [0.0])[0] == pytest.approx(0.0, abs=1e-5) and sample(tri, [1.0])[0] == pytest.approx(
        4.0, abs=1e-5
    )
    cat = Prior("a", shape="categorical", alternatives=(("a", 0.7), ("b", 0.3)))
    x = sample(cat, uniforms(["c"], 4000, seed=1)["c"])
    share = np.mean(x == "b")
    assert abs(share - 0.3) < 4 * math.sqrt(0.21 / 4000)


def test_draws_are_reproducible_and_seeded():
    a = draw_params("samsung-pm1763", 6, seed=11)
    b = draw_params("samsung-pm1763", 6, seed=11)
    c = draw_params("samsung-pm1763", 6, seed=12)
    np.testing.assert_array_equal(a.params.t_prog.values, b.params.t_prog.values)
    assert not np.array_equal(a.params.t_prog.values, c.params.t_prog.values)
    assert (a.seed, a.n, a.method) == (11, 6, "mc")


def test_sobol_needs_a_power_of_two():
    with pytest.raises(ValueError, match="power of 2"):
        draw_params("samsung-pm1763", 6, method="sobol")
    assert draw_params("samsung-pm1763", 8, method="sobol").params.t_prog.sizes == {"draw": 8}


# ---------------------------------------------------------------------------- draws through the model


def _draw(params: DriveParams, i: int) -> DriveParams:
    return DriveParams.from_mapping(
        {k: (v.isel(draw=i).item() if hasattr(v, "isel") else v) for k, v in params.items()}
    )


def test_one_broadcast_call_equals_a_loop_over_draws():
    d = draw_params("samsung-pm1763", 5, seed=2)
    ds = drive.predict(d.params)
    assert ds.throughput.sizes["draw"] == 5
    for i in range(5):
        one = drive.predict(_draw(d.params, i))
        for q in ("throughput", "power", "iops", "static_power"):
            np.testing.assert_allclose(ds[q].isel(draw=i).values, one[q].values, rtol=1e-12)


def test_collapsed_draws_equal_the_point_resolution():
    d = draw_params("micron-9550-max", 4, seed=0, scale=0)
    point, _ = params_from_part(load("micron-9550-max"))
    for k in point:
        assert np.all(np.asarray(d.params[k]) == point[k]), k


def test_missing_controller_limit_drawn_from_peers():
    d = draw_params("samsung-pm1763", 200, seed=5)
    assert np.isinf(d.point.controller_iops)  # the point prediction keeps "no limit"
    x = d.params.controller_iops.values
    assert np.all(np.isfinite(x))
    np.testing.assert_array_equal(x, d.values["controller samsung-pm1763-ctrl.iops_limit"])


def test_shared_default_draw_equals_resolution_with_that_default(monkeypatch):
    """A drawn shared default scales the parameter it enters; resolving with that default gives the same value."""
    d = draw_params("kioxia-cm9-r", 3, seed=4)
    for i in range(3):
        for key in ("dram_power_per_byte", "phy_energy_per_bit"):
            monkeypatch.setitem(_shared.SHARED, key, _shared.Shared(float(d.values[f"shared.{key}"][i]), "drawn"))
        consts = {k.split(".", 1)[1]: float(v[i]) for k, v in d.values.items() if k.startswith("calibrated.")}
        part = load("kioxia-cm9-r")
        p_i, _ = params_from_part(part, None, None, consts)
        # the NAND and controller draws do not move DRAM or PHY power: compare those two
        for q in ("dram_power", "phy_power"):
            assert d.params[q].isel(draw=i).item() == pytest.approx(p_i[q], rel=1e-12)


def test_categorical_nand_resolved_per_draw(tmp_path):
    alt = nand_alts("kioxia-bics8-tlc", 0.5, "samsung-v9-tlc", 0.5)
    part = load_part(write(tmp_path, with_assumed(alt, drop=("nand",))))
    d = draw_params(part, 40, seed=9)
    choice = d.values["part.nand"]
    assert {"kioxia-bics8-tlc", "samsung-v9-tlc"} == set(choice)
    t_read = d.params.t_read.values
    for i, die in enumerate(choice):
        assert t_read[i] == d.values[f"nand {die}.t_read"][i]


def test_bundled_pm1753_die_is_v8_or_v9():
    """data/specs/samsung-pm1753.toml: V8 (weight 0.6) or V9 (0.4); its point resolution stays on V8."""
    part = load("samsung-pm1753")
    assert part.fields["nand"].prior.alternatives == (("samsung-v8-tlc", 0.6), ("samsung-v9-tlc", 0.4))
    d = draw_params(part, 400, seed=1)
    share_v9 = np.mean(d.values["part.nand"] == "samsung-v9-tlc")
    assert abs(share_v9 - 0.4) < 4 * math.sqrt(0.24 / 400)
    assert d.provenance["t_read"].detail.startswith("nand samsung-v8-tlc")


def test_draws_that_make_no_drive_are_drawn_again(tmp_path):
    """At an 8 W cap the test part's point static power (controller 0.28 x 9.8 W = 2.7 W, PHY 3.7 W, DRAM
    ~0.9 W) leaves little room: draws with more static power than the cap are refused and drawn again."""
    part = load_part(write(tmp_path, BASE.replace('power_cap = "25 W"', 'power_cap = "8 W"')))
    d = draw_params(part, 64, seed=0)
    p = d.params
    static = p.controller_power + p.dram_power + p.phy_power + p.standby_power * p.dies
    assert d.redrawn > 0
    assert static.sizes == {"draw": 64} and bool((static < p.power_cap).all())
    drive.predict(d.params)  # every kept draw runs
