"""The Bayesian calibration of the four shared constants: its figures, its vectorized model and prior, and the
stored posterior (data/catalogue/calibration.toml) reproduces."""

import math

import numpy as np
import pytest

from linkmodel import parts as _parts
from linkmodel.parts.calibration import load_posterior
from linkmodel.ssd import drive
from linkmodel.studies import calibrate


@pytest.fixture(scope="module")
def figs():
    return calibrate.figures()


def test_figures_are_confirmed_vendor_figures_of_the_drive_model(figs):
    assert len(figs) >= 60 and len({f.part for f in figs}) >= 10
    assert {f.cls for f in figs} == set(calibrate.CLASSES)
    for f in figs:
        part = _parts.part(f.part)
        pub = next(p for p in part.published if (p.metric, p.capacity, p.value) == (f.metric, f.capacity, f.published))
        assert pub.confirmed and pub.kind in ("up_to", "typical", "max", "derived") and not pub.sets
        if f.metric in ("seq_read_power", "seq_write_power") and "power_cap" in part.fields:
            assert not np.isclose(f.published, part.get("power_cap"))  # circular: a power-bound figure equals it


def test_one_vectorized_call_equals_one_model_call_per_figure(figs):
    # a figure of each workload; two walkers with different constants
    pick = [next(f for f in figs if f.metric == m) for m in ("seq_write", "rand_read", "idle_power", "rand_write")]
    prob = calibrate.Problem(pick)
    consts = np.array([[0.2, 0.3, 0.3e-9, 0.8e-6], [0.1, 0.5, 0.6e-9, 1.5e-6]])
    got = prob.predict(consts)
    for w in range(2):
        given = dict(
            zip(
                ("program_power", "controller_fixed_fraction", "controller_energy", "command_energy"),
                consts[w],
                strict=True,
            )
        )
        for j, f in enumerate(pick):
            part = _parts.part(f.part)
            params, _ = _parts.params_from_part(part, f.capacity, None, given)
            wl_name, q = calibrate.PREDICTED[f.metric]
            base = drive.WORKLOADS[wl_name]
            want = float(drive.evaluate(params, drive.Workload(wl_name, f.block, base.read_fraction, base.random))[q])
            assert got[w, j] == pytest.approx(want, rel=1e-12), (f, w)


def test_log_prior_by_hand(figs):
    prob = calibrate.Problem(figs[:3])
    p = calibrate.PRIORS
    # every log-normal constant at its median (ln of the geometric middle of its 90 % range), the share inside
    # its uniform bounds, every sigma at 0.5: the log-normal terms vanish and each sigma adds
    # -sigma^2 / (2 x 0.5^2) + ln sigma = -0.5 + ln 0.5
    coords = [
        math.log(math.sqrt(0.05 * 0.4)),
        0.3,
        math.log(math.sqrt(0.08e-9 * 0.8e-9)),
        math.log(math.sqrt(0.2e-6 * 2e-6)),
    ]
    coords += [math.log(0.5)] * len(calibrate.CLASSES)
    lp = prob.log_prior(np.array([coords]))
    assert lp[0] == pytest.approx(len(calibrate.CLASSES) * (-0.5 + math.log(0.5)))
    # one 90 % bound of the program power is z = 1.645 log-sds away: -z^2 / 2 = -1.3528
    edge = list(coords)
    edge[0] = math.log(p["program_power"].hi)
    assert prob.log_prior(np.array([edge]))[0] - lp[0] == pytest.approx(-(1.6448536**2) / 2, rel=1e-6)
    outside = list(coords)
    outside[1] = 1.2  # a share above 1
    assert prob.log_prior(np.array([outside]))[0] == -np.inf
    assert prob.log_posterior(np.array([outside]))[0] == -np.inf


def test_values_are_physically_plausible():
    stored = _parts.stored()
    # a die programming draws tens of mA at 2.5-3.3 V: 0.05-0.4 W
    assert 0.05 <= stored["program_power"] <= 0.4
    # a controller idles at a fraction of its full-load power, neither none nor all of it
    assert 0.1 <= stored["controller_fixed_fraction"] <= 0.9
    # 0-100 pJ/bit for buffering, DRAM traffic and NAND I/O not itemised elsewhere
    assert 0 <= stored["controller_energy"] * 1e12 / 8 <= 100
    # per NVMe command: at a Gen5 x4 drive's 3.5 M random reads it must stay below a 7-10 W controller's
    # full-load power, i.e. under 2 uJ; a firmware core of ~0.3 W busy a few us per command is ~1 uJ
    assert 0 < stored["command_energy"] * 3.5e6 < 7.0


@pytest.mark.slow
def test_stored_summary_reproduces(figs):
    """Re-sampling with the stored seed and steps gives the stored summary within its Monte Carlo error.

    Tolerances (uncertainty.md §4): with n effective draws and sd ~ (p90 - p10) / 2.563, the standard error of
    the median is 1.2533 sd / sqrt(n) and of a 10th or 90th percentile 1.7094 sd / sqrt(n); 4 of them, plus
    the file's rounding to 4 significant digits. The same numpy build gives the identical chain.
    """
    stored = load_posterior(_parts.data_dir() / "catalogue" / "calibration.toml")
    run = stored.run
    prob, chain = calibrate.calibrate(steps=int(run["steps"]), seed=int(run["seed"]), figs=figs)
    assert len(prob.figs) == run["figures"] and chain.walkers == run["walkers"]
    draws = prob.si_draws(chain.draws)
    n = run["effective_draws"]
    for name, value in stored.values.items():
        lo, hi = stored.bands[name]
        sd = (hi - lo) / 2.563
        got = np.quantile(draws[name], [0.1, 0.5, 0.9])
        assert got[1] == pytest.approx(value, abs=4 * 1.2533 * sd / math.sqrt(n), rel=5e-4), name
        assert got[0] == pytest.approx(lo, abs=4 * 1.7094 * sd / math.sqrt(n), rel=5e-4), name
        assert got[2] == pytest.approx(hi, abs=4 * 1.7094 * sd / math.sqrt(n), rel=5e-4), name
    assert chain.taus >= 50  # the stored run is long enough for emcee to trust its autocorrelation times
