"""Reads behind writes (linkmodel.ssd.interference): against a simulation of one die and by hand."""

import numpy as np
import pytest

from linkmodel import parts
from linkmodel.ssd import interference


def _interference_sim(
    u_p, t_prog, u_e, t_erase, suspend=None, u_r=0.0, t_read=1.0, horizon=3000.0, reads=400_000, seed=5
):
    """Programs, erases and GC reads arrive at random (Poisson) and run one at a time (FIFO among
    themselves); a read arriving at a random moment waits for the operation in progress only (read
    priority), or for its suspend latency (GC reads are not suspended). Returns the sampled waits."""
    rng = np.random.default_rng(seed)
    lam_p, lam_e, lam_r = u_p / t_prog, u_e / t_erase, u_r / t_read
    n_p, n_e, n_r = rng.poisson(lam_p * horizon), rng.poisson(lam_e * horizon), rng.poisson(lam_r * horizon)
    arr = np.concatenate([rng.uniform(0, horizon, n) for n in (n_p, n_e, n_r)])
    dur = np.concatenate([np.full(n_p, t_prog), np.full(n_e, t_erase), np.full(n_r, t_read)])
    kind = np.concatenate([np.zeros(n_p), np.ones(n_e), np.full(n_r, 2)])
    order = np.argsort(arr)
    arr, dur, kind = arr[order], dur[order], kind[order]
    start = np.empty_like(arr)
    free = 0.0
    for i in range(arr.size):  # FIFO single server
        start[i] = max(arr[i], free)
        free = start[i] + dur[i]
    end = start + dur
    t = np.sort(rng.uniform(0.1 * horizon, 0.9 * horizon, reads))
    j = np.searchsorted(start, t, side="right") - 1  # the last operation started before t
    busy = (j >= 0) & (end[np.maximum(j, 0)] > t)
    resid = np.where(busy, end[np.maximum(j, 0)] - t, 0.0)
    if suspend is not None:
        k = kind[np.maximum(j, 0)]
        sus = np.where(k == 0, suspend[0], np.where(k == 1, suspend[1], np.inf))
        resid = np.where(busy, np.minimum(resid, sus), 0.0)
    return resid


@pytest.mark.slow
def test_read_interference_against_simulation():
    params, _ = parts.params_from_part(parts.load("micron-9550-max"))
    for rate in (50e3, 300e3):
        ds = interference.read_interference(params, rate)
        gc = {"u_r": float(ds.gc_read_busy), "t_read": params["t_read"]}
        sim = _interference_sim(float(ds.program_busy), params["t_prog"], float(ds.erase_busy), params["t_erase"], **gc)
        assert float(ds.mean_wait) == pytest.approx(sim.mean(), rel=0.05)
        assert float(ds["wait_q99.9"]) == pytest.approx(np.quantile(sim, 0.999), rel=0.05)
        sus = interference.read_interference(params, rate, suspend=(20e-6, 100e-6))
        sim_s = _interference_sim(
            float(ds.program_busy),
            params["t_prog"],
            float(ds.erase_busy),
            params["t_erase"],
            suspend=(20e-6, 100e-6),
            **gc,
        )
        assert float(sus.mean_wait) == pytest.approx(sim_s.mean(), rel=0.05)
        assert float(sus["wait_q99.9"]) == pytest.approx(np.quantile(sim_s, 0.999), rel=0.05)
        assert float(sus.mean_wait) < float(ds.mean_wait) / 10  # suspend cuts the wait by tPROG / (2 t_sus)


def test_read_interference_by_hand():
    # 9550 MAX 25.6 TB, 100 K random 4 KiB writes/s at the model's WAF: programs per die per second =
    # 100e3 x 4096 x WAF / (256 dies x 6 planes x 16 KiB x 3 bits); busy share = that x tPROG
    params, _ = parts.params_from_part(parts.load("micron-9550-max"))
    waf = 2.0
    ds = interference.read_interference(params, 100e3, waf=waf)
    per_die = 100e3 * 4096 * waf / params["dies"]
    u_p = per_die / (params["planes"] * params["page_size"] * 3) * params["t_prog"]
    assert float(ds.program_busy) == pytest.approx(u_p, rel=1e-12)
    u_e = per_die / (params["planes"] * params["page_size"] * params["block_pages"]) * params["t_erase"]
    # GC reads: a victim holds x = 1 - 1/WAF = 0.5 valid 4 KiB units, scattered; a 16 KiB page (u = 4 units) is
    # read if any is valid and yields x u / (1 - (1 - x)^4) = 2 / 0.9375 = 2.1333 units: 4096 x (WAF - 1)
    # relocated bytes per write = 1 unit take 1 / 2.1333 = 0.46875 page reads, 6 planes read at once
    u_r = 100e3 * 0.46875 * params["t_read"] / 6 / params["dies"]
    assert float(ds.gc_read_busy) == pytest.approx(u_r, rel=1e-12)
    assert float(ds.mean_wait) == pytest.approx(
        u_p * params["t_prog"] / 2 + u_e * params["t_erase"] / 2 + u_r * params["t_read"] / 2
    )
    with pytest.raises(ValueError, match="write_iops"):
        interference.read_interference(params, 1e9)


def test_gc_reads_exclude_the_one_shot_data_in():
    # the die time a write spends loading one-shot data (drive.program_data_in) is the die waiting on its
    # channel, not a background read: the GC/folding read share must not move with program_cache_pages,
    # with or without an SLC cache (whose one-page SLC programs have no data-in)
    base, _ = parts.params_from_part(parts.load("kioxia-cm9-r"))
    for slc in (0.0, 0.3):
        busy = [
            interference.read_interference(
                dict(base, slc_fraction=slc, program_cache_pages=c), 50e3
            ).gc_read_busy.item()
            for c in (0, 1, 3)
        ]
        assert busy[0] == pytest.approx(busy[1], rel=1e-12) and busy[1] == pytest.approx(busy[2], rel=1e-12)


def _cm9r_slow_channels():
    """The bundled CM9-R with its NAND bus at 200 MT/s (issue 15: 100k writes alongside gave a channel share of
    121.6 %, a negative QD1 mean and negative read IOPS)."""
    import dataclasses

    params, _ = parts.params_from_part(parts.load("kioxia-cm9-r"))
    return dataclasses.replace(params, channel_rate=200e6)


def test_write_load_is_checked_against_the_channels():
    params = _cm9r_slow_channels()
    with pytest.raises(ValueError, match=r"^write_iops: 100000 1/s .*NAND channels ceiling") as e:
        interference.read_interference(params, 100e3)
    assert "\n" not in str(e.value)
    # a 4 KiB page of data with its spare bytes takes > 20 us at 200 MT/s: 16 channels carry < 800k pages/s,
    # so well below that the load is accepted and its share is below 1
    ok = interference.read_interference(params, 20e3)
    assert 0 < float(ok.channel_busy) < 1


def test_write_load_is_checked_against_the_power_cap():
    # the bundled CM9-R: its power cap (25 W) holds sustained 4 KiB random writes below 500k/s (tens of uJ per
    # write, WAF included, over a static draw of a few W), while its 16 channels at 3200 MT/s carry > 1 M/s
    params, _ = parts.params_from_part(parts.load("kioxia-cm9-r"))
    with pytest.raises(ValueError, match=r"^write_iops: .*power cap ceiling"):
        interference.read_interference(params, 500e3)
