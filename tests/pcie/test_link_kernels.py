"""The link kernels: one broadcast call over many blocks gives the hand-derived figures to 1e-12, every
variable of a broadcast call equals the scalar calls', and the flit error probability equals exact
(rational) binomial arithmetic."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkmodel.pcie import budget, flit, link

#: hand derivation 1 (pcie.md §6.4): Gen6 x16, MPS 256, 4096-byte posted writes, no flit errors:
#: 128 GB/s x (1 - SKP 40/12008) x 236/256 flit TLP bytes x 256/272 (4DW MWr header) [B/s]
GEN6_X16_WRITES = 128e9 * (1 - 40 / 12008) * 236 / 256 * 256 / 272
#: hand derivation 2 (SPEC62 Table 3-12, tests/pcie/test_link.py): Gen4 x8, MPS 256, 4 KiB reads, spec DLLPs,
#: no bit errors: downstream capacity after SKP minus an Ack and an UpdateFC-NP per 203 symbol times of
#: 0.5 ns, over 16 CplD of 256 + 12 + 8 B per transfer [transfers/s]
GEN4_X8_READ_RATE = (16e9 * 128 / 130 * (1 - (16 + 4 / 8) / (375 * 16)) - 2 * 8 / (203 * 0.5e-9)) / 4416


def test_one_broadcast_call_over_many_blocks_gives_the_hand_figures():
    n = budget.BLOCK + 4463  # more than one block, and a ragged last one
    gen6 = np.arange(n) % 3 == 0  # interleaved: every block holds both configurations
    ds = link(
        np.where(gen6, 6, 4),
        np.where(gen6, 16, 8),
        4096,
        mps=256,
        write_fraction=np.where(gen6, 1.0, 0.0),
        flit_error_rate=0.0,
        bit_error_rate=0.0,
        round_trip=0,
    )
    eff = ds.effective_bandwidth.values
    np.testing.assert_allclose(eff[gen6], GEN6_X16_WRITES, rtol=1e-12, atol=0)
    np.testing.assert_allclose(ds.transfer_rate.values[~gen6], GEN4_X8_READ_RATE, rtol=1e-12, atol=0)
    np.testing.assert_allclose(eff[~gen6], GEN4_X8_READ_RATE * 4096, rtol=1e-12, atol=0)
    assert set(ds.binding.values[gen6]) == {"link_upstream"}
    assert set(ds.binding.values[~gen6]) == {"link_downstream"}


_CONFIG = st.fixed_dictionaries(
    {
        "gen": st.integers(1, 8),
        "lanes": st.sampled_from([1, 2, 4, 8, 16]),
        "size": st.sampled_from([1, 3, 64, 512, 4096, 5000, 131072, 1 << 20]),
        "mps": st.sampled_from([128, 256, 512, 4096]),
        "mrrs": st.sampled_from([128, 512, 4096]),
        "offset": st.sampled_from([0, 1, 62, 4095]),
        "write_fraction": st.sampled_from([0.0, 0.25, 1.0]),
        "ecrc": st.booleans(),
        "addressing": st.sampled_from([32, 64]),
        "round_trip": st.sampled_from([0.0, 1e-6]),
        "command_upstream_tlps": st.sampled_from([0.0, 2.0]),
        "command_upstream_bytes": st.sampled_from([24.0, 80.0]),  # >= 12 B per TLP (0 B was a silent NaN)
        "command_downstream_bytes": st.sampled_from([0.0, 64.0]),
    }
)
_OPTIONS = st.fixed_dictionaries(
    {
        "clocking": st.sampled_from(["common", "srns", "sris"]),
        "dllp_policy": st.sampled_from(["spec", "per_tlp", "none", "pcie_bench"]),
        "completion_split": st.sampled_from(["mps", "rcb"]),
        "completion_credits": st.sampled_from(["infinite", "finite"]),
        "packing": st.sampled_from(["continuous", "per_transfer"]),
        "replay": st.sampled_from(["go_back_n", "selective"]),
    }
)


@settings(max_examples=25, deadline=None)
@given(st.lists(_CONFIG, min_size=2, max_size=9), _OPTIONS)
def test_every_variable_of_a_broadcast_call_equals_the_scalar_calls(configs, options):
    arrays = {k: np.array([c[k] for c in configs]) for k in configs[0]}
    saved = budget.BLOCK
    budget.BLOCK = 2  # blocks of 2 elements: the blocked path, not one small call
    try:
        vec = link(**arrays, **options)
    finally:
        budget.BLOCK = saved
    for i, c in enumerate(configs):
        one = link(**c, **options)
        for name in one.data_vars:
            a, b = np.asarray(one[name].values), vec[name].values[..., i]
            if a.dtype.kind == "f":
                np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-12 * float(one.line_rate), err_msg=name)
            else:
                assert np.array_equal(a, b), name


def _exact_flit_error(fber: Fraction) -> Fraction:
    """1 - prod over the 86/85/85-byte codewords of P(at most one byte hit), in exact rational arithmetic."""
    q = 1 - (1 - fber) ** 8
    ok = Fraction(1)
    for n in (86, 85, 85):
        ok *= (1 - q) ** n + n * q * (1 - q) ** (n - 1)
    return 1 - ok


@pytest.mark.parametrize("fber", ["1e-12", "1e-9", "1e-6", "3e-4", "1e-2", "0.2"])
def test_flit_error_probability_equals_exact_binomial_arithmetic(fber):
    exact = float(_exact_flit_error(Fraction(fber)))
    assert flit.flit_error_probability(float(fber)) == pytest.approx(exact, rel=1e-12)


def test_link_values_are_the_datasets_numbers_and_take_the_same_inputs():
    import inspect

    from linkmodel.pcie import latency, link_values

    assert inspect.signature(link_values).parameters == inspect.signature(link).parameters
    assert inspect.signature(latency.breakdown_values).parameters == inspect.signature(latency.breakdown).parameters
    kw = dict(mps=512, transfer="read", bit_error_rate=1e-7, command_downstream_tlps=2, command_downstream_bytes=80)
    v, ds = link_values(6, 4, 128 * 1024, **kw), link(6, 4, 128 * 1024, **kw)
    assert set(v.values) == set(ds.data_vars)
    for name in ds.data_vars:
        for d in v.directions:
            var = ds[name]
            want = (var.sel(direction=d) if "direction" in var.dims else var).values
            assert np.array_equal(v.at(name, d), want), (name, d)
    lat, lat_ds = latency.breakdown_values(5, 8, 4096, transfer="read"), latency.breakdown(5, 8, 4096, transfer="read")
    assert list(lat) == list(lat_ds.data_vars)
    assert all(float(lat[k]) == float(lat_ds[k]) for k in lat)


@pytest.mark.parametrize("direction", ["upstream", "downstream"])
def test_command_tlps_need_their_header_bytes(direction):
    # every TLP carries at least a 3-DW (12 B) header (PCIe Base spec); 2 TLPs of 0 or 23 B made the packing ratio
    # 0/0 (a silent NaN) or described no real TLP; 24 B (two bare 3-DW headers) is the least allowed
    for nbytes in (0.0, 23.0):
        with pytest.raises(ValueError, match=rf"^command_{direction}_bytes: at least 12 B"):
            link(5, 4, 4096, **{f"command_{direction}_tlps": 2, f"command_{direction}_bytes": nbytes})
    ds = link(5, 4, 4096, **{f"command_{direction}_tlps": 2, f"command_{direction}_bytes": 24.0})
    assert np.all(np.isfinite(ds.effective_bandwidth.values))


_OPTION_SETS = [
    {},
    dict(dllp_policy="per_tlp", completion_credits="finite", packing="per_transfer", replay="selective"),
    dict(dllp_policy="pcie_bench", completion_split="rcb", clocking="sris"),
    dict(dllp_policy="none", transfer="read", ecrc=True, addressing=32),
]


@pytest.mark.parametrize("options", _OPTION_SETS)
def test_numba_and_the_plain_python_loop_give_the_same_numbers(options, monkeypatch):
    # one scalar kernel, two ways of looping over it: numba (large arrays) and plain Python (small arrays, or
    # numba not installed); both must give every variable to 1e-12 (they give the same bits where measured)
    from linkmodel.pcie import _jit, link_values

    pytest.importorskip("numba")
    rng = np.random.default_rng(17)
    n = 600
    gen = rng.integers(1, 9, n)
    cfg = dict(
        gen=gen,
        lanes=rng.choice([1, 2, 4, 8, 16], n),
        size=rng.integers(1, 1 << 20, n).astype(float),
        mps=rng.choice([128, 256, 512, 1024], n),
        offset=rng.integers(0, 4096, n),
        bit_error_rate=np.where(rng.random(n) < 0.5, 1e-12, 1e-7),
        command_upstream_tlps=2.0,
        command_upstream_bytes=80.0,
    )
    if "transfer" not in options:
        cfg["write_fraction"] = rng.random(n)
    monkeypatch.setattr(_jit, "NUMBA_MIN_ELEMENTS", 1)
    fast = link_values(**cfg, **options)
    monkeypatch.setattr(_jit, "NUMBA_MIN_ELEMENTS", 10**9)
    slow = link_values(**cfg, **options)
    for name, want in slow.values.items():
        got = fast[name]
        if want.dtype.kind == "f":
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=0, err_msg=name)
        else:
            assert np.array_equal(got, want), name
    # and a public per-phenomenon function through numba's vectorize equals its plain loop
    fber = np.geomspace(1e-15, 0.5, 400)
    monkeypatch.setattr(_jit, "NUMBA_MIN_ELEMENTS", 1)
    fast_fer = flit.flit_error_probability(fber)
    monkeypatch.setattr(_jit, "NUMBA_MIN_ELEMENTS", 10**9)
    np.testing.assert_allclose(fast_fer, flit.flit_error_probability(fber), rtol=1e-12, atol=0)
