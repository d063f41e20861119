"""sympy closed forms == the numeric model (oracles pcie.md §9 #50-#52)."""

import numpy as np
import pytest
import sympy as sp

from linkmodel.pcie import link, symbolic, transactions


def test_break_even_payload():
    # #50: ~101.5 B for 4DW headers, ~105.5 B for 3DW (pcie.md §3.7)
    assert float(symbolic.break_even_payload(16)) == pytest.approx(101.5, abs=0.05)
    assert float(symbolic.break_even_payload(12)) == pytest.approx(105.5, abs=0.05)
    # exact rational: (24 b - 16 a) / (a - b) with a = 128/130, b = 236/256
    a, b = sp.Rational(128, 130), sp.Rational(236, 256)
    assert symbolic.break_even_payload(16) == sp.simplify((24 * b - 16 * a) / (a - b))


def test_flit_efficiency_oracles():
    f = symbolic.lambdify(symbolic.flit_tlp_efficiency(), "P", "H")
    assert f(64, 16) == pytest.approx(0.7375, abs=5e-5)  # #51
    g = symbolic.lambdify(symbolic.line_efficiency_nonflit(), "eta", "P", "H", "F")
    assert g(128 / 130, 64, 16, 8) == pytest.approx(0.7161, abs=5e-5)  # #52


@pytest.mark.parametrize("gen, flit", [(3, False), (5, False), (5, True), (6, True), (7, True)])
def test_write_stream_symbolic_equals_numeric(gen, flit):
    sizes = np.array([64, 100, 512, 1500, 4096, 131072])
    mps = np.array([128, 256, 512, 1024])[:, None]
    ds = link(gen, 8, sizes, mps=mps, flit=flit, dllp_policy="none", flit_error_rate=0.0, bit_error_rate=0.0)
    up = ds.sel(direction="upstream")
    capacity = (
        up.line_rate
        * (1 - up.skp_fraction)
        * (236 / 256 if flit else 1.0)
        * (1.0 if gen >= 6 else (0.8 if gen <= 2 else 128 / 130))
    )
    numeric = (up.payload / capacity).values
    expr = symbolic.write_stream_efficiency()
    fn = symbolic.lambdify(expr, "S", "M", "H", "F")
    # sizes not a multiple of 4 are padded to whole DWs in the model: use DW-padded payload
    padded = 4 * np.ceil(sizes / 4)
    sym = fn(padded, mps, 16, 0 if flit else 8) * sizes / padded
    np.testing.assert_allclose(numeric, sym, rtol=1e-12)


def test_dllp_fraction_symbolic_equals_numeric():
    frac = symbolic.lambdify(symbolic.dllp_fraction_spec(), "N", "T", "sigma")
    for lanes, t in [(1, 512), (4, 214), (8, 203), (16, 168)]:
        ds = link(3, lanes, 1 << 20, mps=256).sel(direction="downstream")
        # Ack + UpdateFC-P for a saturated upstream write stream: two kinds at the T cadence (Table 3-12)
        assert float(ds.dllp_overhead / ds.raw_bandwidth) == pytest.approx(2 * frac(lanes, t, 128 / 130), rel=1e-12)
    # 8b/10b: a symbol time is one raw byte per lane (Gen1 x8, MPS 256: T = 107, Table 3-10)
    ds = link(1, 8, 1 << 20, mps=256).sel(direction="downstream")
    assert float(ds.dllp_overhead / ds.raw_bandwidth) == pytest.approx(2 * frac(8, 107, 1.0), rel=1e-12)


def test_skp_symbolic_equals_numeric():
    from linkmodel.pcie import skp

    f = symbolic.lambdify(symbolic.skp_fraction_flit(), "L", "K", "N")
    for lanes, k in [(1, 46), (2, 93), (4, 187), (8, 374), (16, 748)]:
        assert skp.skp_fraction(6, lanes) == pytest.approx(f(40, k, lanes), rel=1e-12)


def test_tag_limit_symbolic_equals_numeric():
    f = symbolic.lambdify(symbolic.tag_limited_bandwidth(), "S", "n_tags", "rtt")
    assert transactions.tag_limited_bandwidth(512, 10, 2e-6) == pytest.approx(f(512, 768, 2e-6), rel=1e-12)
