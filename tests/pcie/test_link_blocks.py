"""The link budget's large calls: blocks evaluated on worker threads (``_jit.map_blocks``) give, for random
configurations, the figures of the plain-Python scalar path (each configuration alone) and of the serial block
loop, and raise the error the serial loop raises (that of the first block in order)."""

import numpy as np
import pytest

from linkmodel.pcie import _jit, budget, link_values

_OPTIONS = [
    {},
    dict(dllp_policy="per_tlp", completion_credits="finite", packing="per_transfer", replay="selective"),
    dict(dllp_policy="pcie_bench", completion_split="rcb", clocking="sris"),
]


def _random_configs(n: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    return dict(
        gen=rng.integers(1, 9, n),
        lanes=rng.choice([1, 2, 4, 8, 16], n),
        size=rng.integers(1, 1 << 21, n).astype(float),
        mps=rng.choice([128, 256, 512, 1024, 4096], n),
        mrrs=rng.choice([128, 512, 4096], n),
        offset=rng.integers(0, 4096, n),
        write_fraction=rng.random(n),
        ecrc=rng.random(n) < 0.3,
        bit_error_rate=np.where(rng.random(n) < 0.5, 1e-12, 1e-7),
        round_trip=rng.choice([0.0, 1e-6, 3e-6], n),
        command_upstream_tlps=rng.choice([0.0, 2.0], n),
        command_upstream_bytes=80.0,
    )


@pytest.mark.parametrize("options", _OPTIONS)
def test_threaded_blocks_give_the_scalar_paths_figures(options, monkeypatch):
    pytest.importorskip("numba")
    n = 2 * budget.BLOCK + 1234  # three blocks, a ragged last one
    cfg = _random_configs(n, seed=len(options))
    monkeypatch.setattr(_jit, "THREADS", 2)
    threaded = link_values(**cfg, **options)
    monkeypatch.setattr(_jit, "THREADS", 1)
    serial = link_values(**cfg, **options)
    for name, want in serial.values.items():  # the same kernel on the same floats: the same bits
        assert np.array_equal(threaded[name], want), name
    rng = np.random.default_rng(7)
    for i in rng.choice(n, 150, replace=False):  # the plain-Python kernel, one configuration at a time
        one = link_values(**{k: (v[i].item() if np.ndim(v) else v) for k, v in cfg.items()}, **options)
        for name, want in one.values.items():
            got = threaded[name][..., i]
            if np.asarray(want).dtype.kind == "f":
                np.testing.assert_allclose(got, want, rtol=1e-12, atol=0, err_msg=f"{name} [{i}]")
            else:
                assert np.array_equal(got, want), (name, i)


def test_threaded_blocks_raise_the_first_blocks_error(monkeypatch):
    n = 3 * budget.BLOCK
    gen, lanes = np.full(n, 5), np.full(n, 4)
    gen[-5:] = 9  # last block: a bad generation
    lanes[budget.BLOCK + 3] = 3  # second block: a bad width (the serial loop stops here first)
    monkeypatch.setattr(_jit, "THREADS", 2)
    with pytest.raises(ValueError, match=r"^lanes: 3 not allowed; allowed: "):
        link_values(gen, lanes, 4096)
    lanes[budget.BLOCK + 3] = 4
    with pytest.raises(ValueError, match=r"^gen: 9 not allowed; allowed: "):
        link_values(gen, lanes, 4096)


def test_blocks_run_serially_off_the_main_thread(monkeypatch):
    # a Dask worker (or any other thread) evaluates its blocks itself: no worker threads started from it
    import threading

    seen = []
    monkeypatch.setattr(_jit, "THREADS", 2)
    t = threading.Thread(target=lambda: seen.append(_jit.map_blocks(lambda x: threading.current_thread().name, [1, 2])))
    t.start()
    t.join()
    assert seen == [[t.name, t.name]]
    names = _jit.map_blocks(lambda x: threading.current_thread().name, [1, 2, 3])
    assert all(name.startswith("linkmodel") for name in names)


def _large_call_in_child(queue) -> None:
    from linkmodel.pcie import _jit, budget, link_values

    _jit.THREADS = 2
    v = link_values(np.full(2 * budget.BLOCK + 1, 5), 4, 4096)
    queue.put(float(v["effective_bandwidth"][-1]))


def test_a_process_forked_after_a_threaded_call_runs_its_own_threads(monkeypatch):
    # a forked child inherits the parent's pool object but not its threads: without a pool of its own, its blocks
    # would wait forever (a hang, caught here by the timeout)
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform")
    monkeypatch.setattr(_jit, "THREADS", 2)
    want = float(link_values(np.full(2 * budget.BLOCK + 1, 5), 4, 4096)["effective_bandwidth"][-1])
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_large_call_in_child, args=(queue,))
    child.start()
    child.join(timeout=120)
    if child.is_alive():
        child.kill()
        pytest.fail("the forked child's threaded call did not finish")
    assert child.exitcode == 0 and queue.get(timeout=5) == want
