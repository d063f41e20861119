"""Speed benchmark: one broadcast call over many configurations vs a scalar loop.

Run ``python benchmarks/run.py``. The last line printed is one JSON object
with the measured figures (ratios are measured in this one run, on this
machine). Not a test: nothing here asserts a time.

Options: ``--n`` configurations in the broadcast call (default 1,000,000),
``--loop`` configurations in the scalar loop (default 300). The broadcast
call is repeated 5 times: the median is the headline figure and the first
(cold) call is reported too.
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np

from linkmodel.pcie import link


def _configs(n: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    return dict(
        gen=rng.integers(1, 8, n),
        lanes=rng.choice([1, 2, 4, 8, 16], n),
        size=rng.choice([512, 4096, 16384, 131072, 1 << 20], n),
        mps=rng.choice([128, 256, 512, 1024], n),
        write_fraction=rng.choice([0.0, 0.3, 0.5, 0.7, 1.0], n),
    )


def bench_link(n: int, n_loop: int, repeats: int = 5) -> dict:
    cfg = _configs(n)
    link(**{k: v[:1000] for k, v in cfg.items()})  # warm up imports and caches
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        ds = link(**cfg)
        times.append(time.perf_counter() - t0)
        assert ds.effective_bandwidth.size == n
        del ds
    # the first call pays the kernel's first-touch page faults on fresh memory (glibc hands
    # large arrays back to the OS); later calls reuse it. Report both; rates use the median.
    t_cold = times[0]
    t_vec = float(np.median(times))
    loop = {k: v[:n_loop].tolist() for k, v in cfg.items()}
    t0 = time.perf_counter()
    for i in range(n_loop):
        link(loop["gen"][i], loop["lanes"][i], loop["size"][i], mps=loop["mps"][i],
             write_fraction=loop["write_fraction"][i])
    t_loop = time.perf_counter() - t0
    vec_rate = n / t_vec
    loop_rate = n_loop / t_loop
    return {
        "link_configs": n,
        "link_broadcast_seconds": round(t_vec, 4),
        "link_broadcast_cold_seconds": round(t_cold, 4),
        "link_configs_per_s": round(vec_rate),
        "link_loop_configs_per_s": round(loop_rate, 1),
        "link_speedup_vs_loop": round(vec_rate / loop_rate, 1),
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--loop", type=int, default=300)
    args = parser.parse_args(argv)
    result = {"python": platform.python_version(), "numpy": np.__version__}
    result.update(bench_link(args.n, args.loop))
    print(f"link model: {args.n:,} configurations in one call: {result['link_broadcast_seconds']} s median, "
          f"{result['link_broadcast_cold_seconds']} s cold "
          f"({result['link_configs_per_s']:,}/s); scalar loop {result['link_loop_configs_per_s']}/s; "
          f"speedup {result['link_speedup_vs_loop']}x")
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
