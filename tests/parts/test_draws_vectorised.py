"""The draws' one resolution over arrays equals resolving every draw on its own (issue 17: check in < 0.8 s).

:func:`linkmodel.parts.draws.draw_params` resolves a SKU once per distinct value of the inputs a resolver
branches on, with every other drawn input as an array along the draws (:func:`~linkmodel.parts.draws.columns`).
The reference here is the scalar path: each draw's input values, one number each, through the same resolvers
(:func:`~linkmodel.parts.draws.resolved` with scalars, i.e. :func:`linkmodel.parts.params_from_part` of the
part and catalogue with that draw's values written in). The two must agree exactly: the broadcast resolution
does the same IEEE operations element by element, so any difference is a resolver that does not broadcast.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import spec_fixture
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linkmodel.parts import bundled_parts, catalogue, load, load_part
from linkmodel.parts.draws import broadcasts, draw_params, resolved
from linkmodel.parts.priors import priors
from linkmodel.parts.rules import BROADCAST_FIELDS
from linkmodel.ssd.params import DriveParams
from linkmodel.ssd.power import static_power
from linkmodel.studies import drawn
from linkmodel.studies.sensitivity import params_at


def _column(v, n: int) -> np.ndarray:
    """A DriveParams field as ``n`` values (a field no draw moves is its point value)."""
    return np.asarray(v.values) if hasattr(v, "dims") else np.full(n, float(v))


def _per_draw(part, capacity, d, i: int) -> DriveParams:
    """Draw ``i`` resolved on its own: every input one number (or one choice)."""
    at = {k: v[i] for k, v in d.values.items()}
    return DriveParams.from_mapping(resolved(part, capacity, catalogue(), d.inputs, at, d.scale > 0))


def _assert_draws_resolve_alone(part, capacity, d) -> None:
    for i in range(d.n):
        one = _per_draw(part, capacity, d, i)
        for k in one:
            got = _column(d.params[k], d.n)[i]
            assert got == float(one[k]) or (np.isnan(got) and np.isnan(one[k])), (part.id, capacity, i, k)
        static = static_power(one.controller_power, one.dram_power, one.phy_power, one.standby_power, one.dies)
        assert static < one.power_cap  # every kept draw makes a drive


@pytest.mark.parametrize("pid", sorted(p.id for p in bundled_parts()))
def test_every_bundled_sku_draws_equal_each_draw_resolved_alone(pid):
    part = load(pid)
    for capacity in sorted({p.capacity for p in part.published}):
        d = draw_params(part, 24, seed=7, capacity=capacity)
        _assert_draws_resolve_alone(part, capacity, d)


def test_a_drawn_size_is_resolved_value_by_value(tmp_path):
    """A range on the DRAM size (not a broadcast field: a resolver may branch on a size) and a choice of die:
    each distinct value resolved alone, and equal to the scalar path."""
    facts = "\n".join(ln for ln in spec_fixture.BASE.splitlines() if not ln.startswith("nand ="))
    assumed = (
        "[assumed]\n"
        'nand = { value = "kioxia-bics8-tlc", alternatives = [["kioxia-bics8-tlc", 0.5], ["samsung-v9-tlc", 0.5]], '
        'basis = "x" }\n'
        'dram = { value = "4 GiB", range = ["2 GiB", "8 GiB"], basis = "x" }\n\n'
    )
    p = tmp_path / "test-part.toml"
    p.write_text(facts.replace("[[published]]", assumed + "[[published]]", 1) + "\n")
    part = load_part(p)
    d = draw_params(part, 16, seed=3)
    assert not broadcasts(d.inputs["part.dram"]) and not broadcasts(d.inputs["part.nand"])
    assert len(set(d.values["part.dram"])) == 16  # every draw its own resolution
    assert len(set(d.values["part.nand"])) == 2
    _assert_draws_resolve_alone(part, None, d)


def test_broadcast_fields_are_continuous_file_values():
    """Only continuous values broadcast: no identifier, count or size (what the resolvers branch on)."""
    keys = {k for _, k in BROADCAST_FIELDS}
    for fixed in ("nand", "controller", "channels", "die_capacity", "capacity", "raw_capacity", "dram", "gen"):
        assert fixed not in keys
    assert {("part", "power_cap"), ("nand", "t_prog"), ("controller", "active_power")} <= BROADCAST_FIELDS


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(1, 12),
    seed=st.integers(0, 2**16),
    scale=st.sampled_from([0.0, 0.5, 1.0, 2.5]),
    pid=st.sampled_from(["samsung-pm1753", "micron-ufs40", "samsung-990-evo-plus-2tb"]),
)
def test_property_draws_equal_each_draw_resolved_alone(n, seed, scale, pid):
    part = load(pid)
    d = draw_params(part, n, seed=seed, scale=scale)
    assert all(np.size(v) == n for v in d.values.values())
    _assert_draws_resolve_alone(part, None, d)


def test_joint_draws_equal_each_part_resolved_alone():
    """Common draws of two parts (shared inputs one stream): each part's draw i resolved alone with the
    values of its own inputs at draw i."""
    j = drawn.joint_draws(["samsung-pm1763", "samsung-pm1753"], 12, 5)
    for k, pid in enumerate(("samsung-pm1763", "samsung-pm1753")):
        part = load(pid)
        names = {drawn.stream_key(pid, inp): name for name, inp in _inputs(part).items()}
        own = {names[key]: inp for key, inp in j.inputs.items() if key in names and j.users[key].count(k)}
        for i in range(12):
            one = resolved(part, None, catalogue(), own, {names[key]: j.values[key][i] for key in names})
            for f, v in one.items():
                assert _column(j.params[k][f], 12)[i] == float(v), (pid, i, f)


def _inputs(part):
    return priors(part, None, catalogue())


def test_params_at_rows_equal_each_row_resolved_alone():
    """One-at-a-time rows (a tornado's, a verdict's): each row resolved alone, every other input at its value."""
    part = load("samsung-pm1753")
    inputs = _inputs(part)
    rows = [
        {},
        {"part.nand": "samsung-v9-tlc"},
        {"nand samsung-v8-tlc.t_prog": 2e-3},
        {"calibrated.program_power": 0.3},
    ]
    params, ok, _ = params_at(part, rows, inputs=inputs)
    assert ok.all()
    for i, row in enumerate(rows):
        at = {k: row.get(k, inp.prior.value) for k, inp in inputs.items()}
        one = resolved(part, None, catalogue(), inputs, at)
        for f, v in one.items():
            assert _column(params[f], len(rows))[i] == float(v), (i, f)


def test_draws_and_intervals_build_no_probing_arrays():
    """The draws' DataArrays and the drive over numpy draws never make xarray probe for dask or pint (their
    imports cost 0.3-0.5 s of a ``linkmodel check``): neither module is imported after an interval."""
    code = (
        "import sys; from linkmodel.studies import uncertain; uncertain.intervals('samsung-pm1763', 50); "
        "print(sorted(m for m in ('dask', 'pint') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]"


def test_every_broadcast_part_field_drawn_at_once(tmp_path):
    """The part's own broadcast fields (power cap, channel rate, SLC-cache share) drawn from author ranges of
    every shape: one resolution over the arrays equals each draw resolved alone."""
    assumed = (
        "[assumed]\n"
        'power_cap = { value = "25 W", range = ["20 W", "28 W"], shape = "uniform", basis = "x" }\n'
        'channel_rate = { value = "2000 MT/s", range = ["1600 MT/s", "2400 MT/s"], shape = "triangular", '
        'basis = "x" }\n'
        'slc_cache = { value = 0.3, range = [0.1, 0.5], shape = "loguniform", basis = "x" }\n\n'
    )
    facts = "\n".join(ln for ln in spec_fixture.BASE.splitlines() if not ln.startswith("power_cap ="))
    p = tmp_path / "test-part.toml"
    p.write_text(facts.replace("[[published]]", assumed + "[[published]]", 1) + "\n")
    part = load_part(p)
    d = draw_params(part, 40, seed=11)
    for name in ("part.power_cap", "part.channel_rate", "part.slc_cache"):
        assert broadcasts(d.inputs[name]) and len(set(d.values[name])) == 40
    assert hasattr(d.params.slc_fraction, "dims") and hasattr(d.params.channel_rate, "dims")
    _assert_draws_resolve_alone(part, None, d)
