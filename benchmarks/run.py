"""Speed benchmark: one broadcast call over many configurations vs a scalar loop.

Run ``python benchmarks/run.py``. The last line printed is one JSON object
with the measured figures (ratios are measured in this one run, on this
machine). Not a test: nothing here asserts a time.

Three parts:

* the PCIe link model: ``--n`` configurations in one broadcast call (default
  1,000,000, median of 5 calls, the first (cold) one reported too, and the
  median CPU time of a call over all its threads, ``link_broadcast_cpu_seconds``)
  vs a scalar loop over ``--loop`` of them (default 300);
* the full SSD model (link with NVMe traffic, controller, channels, dies,
  power; all five standard workloads per configuration): ``--ssd-n``
  configurations (default 1,000,000) in one broadcast call per workload
  (median of 3 passes over the five workloads, the first pass reported too)
  vs a scalar loop over ``--ssd-loop`` of them (default 100);
* one part's predictions (``predict_part`` of the PM1763, five workloads;
  ``predict_part_seconds``, best of 7 means of 10 calls);
* one scalar ``link()`` call (``link_scalar_call_seconds``, best of
  repeats of 20 calls), the same call without its Dataset
  (``link_values()``, ``link_values_scalar_call_seconds``) and the start
  of the command line, ``linkmodel link --gen 5 --lanes 4`` and ``linkmodel check samsung-pm1763`` as whole
  processes (``cli_link_seconds``, ``cli_check_seconds``, median of
  ``--cli-runs``, default 5; 0 skips);
* a chunked Dask sweep (:mod:`linkmodel.studies.sweep`) of ``--sweep-n``
  configurations (default 10^8) reduced to per-power-cap maxima and binding
  counts, in a child process so its peak resident memory is its own
  (``dask_sweep_peak_rss_bytes``); a progress bar on stderr. ``--sweep-n 0``
  skips it. It needs the ``sweep`` extra (``pip install "linkmodel[sweep]"``:
  dask and friends); without it the script says so in one line and stops
  before measuring anything.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

import numpy as np

from linkmodel.pcie import link, link_values


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
    times, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        ds = link(**cfg)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        assert ds.effective_bandwidth.size == n
        del ds
    # the first call pays the kernel's first-touch page faults on fresh memory (glibc hands
    # large arrays back to the OS); later calls reuse it. Report both; rates use the median.
    # The call runs its blocks on every core it may use: its CPU time (all threads) beside the
    # wall time shows the work apart from how busy the machine was.
    t_cold = times[0]
    t_vec = float(np.median(times))
    loop = {k: v[:n_loop].tolist() for k, v in cfg.items()}
    t0 = time.perf_counter()
    for i in range(n_loop):
        link(
            loop["gen"][i],
            loop["lanes"][i],
            loop["size"][i],
            mps=loop["mps"][i],
            write_fraction=loop["write_fraction"][i],
        )
    t_loop = time.perf_counter() - t0
    vec_rate = n / t_vec
    loop_rate = n_loop / t_loop
    one = {k: v[0] for k, v in loop.items()}
    reps = max(3, min(15, n_loop // 20))
    t_one = timeit.repeat(lambda: link(**one), number=20, repeat=reps)
    t_values = timeit.repeat(lambda: link_values(**one), number=20, repeat=reps)
    return {
        "link_configs": n,
        "link_scalar_call_seconds": round(min(t_one) / 20, 7),
        "link_values_scalar_call_seconds": round(min(t_values) / 20, 7),
        "link_broadcast_seconds": round(t_vec, 4),
        "link_broadcast_cold_seconds": round(t_cold, 4),
        "link_broadcast_cpu_seconds": round(float(np.median(cpu)), 4),
        "link_configs_per_s": round(vec_rate),
        "link_loop_configs_per_s": round(loop_rate, 1),
        "link_speedup_vs_loop": round(vec_rate / loop_rate, 1),
    }


#: the commands whose start-up is timed, as whole processes (``cli_link_seconds``, ``cli_check_seconds``)
CLI_COMMANDS = {
    "cli_link_seconds": ["link", "--gen", "5", "--lanes", "4"],
    "cli_check_seconds": ["check", "samsung-pm1763"],
}


def bench_cli(runs: int) -> dict:
    """Wall time of whole ``python -m linkmodel ...`` processes [s], median of `runs` (the package imported here).

    As an installed package runs: with its bytecode compiled (pip compiles at install). One untimed run per
    command first writes the bytecode, into a temporary ``PYTHONPYCACHEPREFIX`` (the source tree is left as it
    is, and ``PYTHONDONTWRITEBYTECODE`` in the caller's environment would otherwise recompile every module in
    every process, ~0.1 s)."""
    root = str(Path(sys.modules[link.__module__].__file__).resolve().parents[2])  # the package benchmarked here
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = cache
        for key, argv in CLI_COMMANDS.items():
            cmd = [sys.executable, "-m", "linkmodel", *argv]
            subprocess.run(cmd, cwd=root, stdout=subprocess.DEVNULL, check=True, env=env)  # writes the bytecode
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                subprocess.run(cmd, cwd=root, stdout=subprocess.DEVNULL, check=True, env=env)
                times.append(time.perf_counter() - t0)
            out[key] = round(statistics.median(times), 3)
    return out


def _ssd_configs(n: int, seed: int = 1) -> dict:
    """Random drive designs around the PM1763 (its catalogue NAND and controller constants)."""
    from linkmodel import parts as _parts

    base, _ = _parts.params_from_part(_parts.load("samsung-pm1763"))
    rng = np.random.default_rng(seed)
    cfg = dict(base)
    cfg.update(
        gen=rng.choice([4.0, 5.0, 6.0], n),
        lanes=rng.choice([2.0, 4.0, 8.0], n),
        channels=rng.choice([8.0, 16.0], n),
        channel_rate=rng.choice([1.6e9, 2.4e9, 3.6e9], n),
        dies=rng.choice([64.0, 128.0, 256.0, 512.0], n),
        power_cap=rng.uniform(15.0, 40.0, n),
        t_read=rng.uniform(30e-6, 80e-6, n),
        t_prog=rng.uniform(0.4e-3, 1.2e-3, n),
    )
    return cfg


def bench_ssd(n: int, n_loop: int, repeats: int = 3) -> dict:
    from linkmodel.ssd import drive

    cfg = _ssd_configs(n)
    wls = list(drive.WORKLOADS.values())
    for w in wls:  # warm up
        drive.evaluate({k: v[:1000] if np.ndim(v) else v for k, v in cfg.items()}, w)
    times = []
    for _ in range(repeats):  # all five workloads per pass; the first pass pays fresh pages (as the link's)
        t0 = time.perf_counter()
        for w in wls:
            ds = drive.evaluate(cfg, w)
            assert ds.iops.size == n
            del ds
        times.append(time.perf_counter() - t0)
    t_vec = float(np.median(times))
    t0 = time.perf_counter()
    for i in range(n_loop):
        one = {k: (float(v[i]) if np.ndim(v) else v) for k, v in cfg.items()}
        for w in wls:
            drive.evaluate(one, w)
    t_loop = time.perf_counter() - t0
    vec_rate, loop_rate = n / t_vec, n_loop / t_loop
    return {
        "ssd_configs": n,
        "ssd_workloads_per_config": len(wls),
        "ssd_broadcast_seconds": round(t_vec, 3),
        "ssd_broadcast_cold_seconds": round(times[0], 3),
        "ssd_configs_per_s": round(vec_rate),
        "ssd_loop_configs_per_s": round(loop_rate, 1),
        "ssd_speedup_vs_loop": round(vec_rate / loop_rate, 1),
    }


def bench_predict_part(repeats: int = 7, number: int = 10) -> dict:
    """One part's predictions, every standard workload (``linkmodel.studies.validate.predict_part`` of the
    PM1763, its part file read once): best of `repeats` means of `number` calls [s]."""
    from linkmodel.parts import load
    from linkmodel.studies.validate import predict_part

    part = load("samsung-pm1763")
    predict_part(part)  # warm up
    t = timeit.repeat(lambda: predict_part(part), number=number, repeat=repeats)
    return {"predict_part_seconds": round(min(t) / number, 6)}


def _sweep_axes(n: int) -> dict:
    """Axes whose product is about n configurations: power cap x dies x channel rate x tR x tPROG."""
    k = max(1, round((n / 10) ** 0.25))
    return {
        "power_cap": list(np.linspace(15.0, 40.0, 10)),
        "dies": [float(d) for d in np.unique(np.round(np.geomspace(32, 1024, k)))] if k > 1 else [256.0],
        "channel_rate": list(np.linspace(1.2e9, 4.8e9, k)),
        "t_read": list(np.linspace(25e-6, 90e-6, k)),
        "t_prog": list(np.linspace(0.3e-3, 1.5e-3, max(1, round(n / (10 * k**3))))),
    }


def dask_sweep_child(n: int) -> dict:
    """Run in a fresh process: a lazy sweep of ~n configurations, reduced, with a progress bar on stderr."""
    import resource
    import sys

    import dask
    from dask.diagnostics import ProgressBar

    from linkmodel.studies import sweep

    axes = _sweep_axes(n)
    size = int(np.prod([len(v) for v in axes.values()]))
    per_chunk = 250_000
    inner = len(axes["t_prog"]) * len(axes["t_read"])
    chunks = {"power_cap": 1, "dies": 1, "channel_rate": max(1, per_chunk // inner)}
    ds = sweep.run("samsung-pm1763", axes, workloads=["rand_read"], chunks=chunks)
    best = ds.iops.max(["dies", "channel_rate", "t_read", "t_prog"])
    counts = [(ds.binding == i).sum() for i in range(len(sweep.STAGES))]
    t0 = time.perf_counter()
    with dask.config.set(scheduler="threads"), ProgressBar(dt=2.0, out=sys.stderr):
        best, *counts = dask.compute(best, *counts)
    seconds = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB
    return {
        "dask_sweep_configs": size,
        "dask_sweep_chunks": int(ds.iops.data.npartitions),
        "dask_sweep_seconds": round(seconds, 1),
        "dask_sweep_configs_per_s": round(size / seconds),
        "dask_sweep_peak_rss_bytes": int(rss),
        "dask_sweep_binding_counts": {s: int(c) for s, c in zip(sweep.STAGES, counts, strict=False)},
        "dask_sweep_best_rand_read_iops": [round(float(v)) for v in best.values.ravel()],
    }


def bench_dask_sweep(n: int) -> dict:
    proc = subprocess.run(
        [sys.executable, __file__, "--dask-child", str(n)], stdout=subprocess.PIPE, text=True, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--loop", type=int, default=300)
    parser.add_argument("--ssd-n", type=int, default=1_000_000)
    parser.add_argument("--ssd-loop", type=int, default=100)
    parser.add_argument("--sweep-n", type=int, default=100_000_000)
    parser.add_argument("--cli-runs", type=int, default=5, help="processes per timed command (0 skips)")
    parser.add_argument("--dask-child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.dask_child is not None:
        print(json.dumps(dask_sweep_child(args.dask_child)))
        return {}
    if args.sweep_n > 0 and importlib.util.find_spec("dask") is None:
        print(
            'benchmarks/run.py: error: the Dask sweep needs the sweep extra: pip install "linkmodel[sweep]" '
            "(or --sweep-n 0 to skip that part)",
            file=sys.stderr,
        )
        raise SystemExit(2)
    result = {"python": platform.python_version(), "numpy": np.__version__}
    result.update(bench_link(args.n, args.loop))
    print(
        f"link model: {args.n:,} configurations in one call: {result['link_broadcast_seconds']} s median, "
        f"{result['link_broadcast_cold_seconds']} s cold "
        f"({result['link_configs_per_s']:,}/s); scalar loop {result['link_loop_configs_per_s']}/s; "
        f"speedup {result['link_speedup_vs_loop']}x",
        flush=True,
    )
    print(
        f"link model: one scalar call {result['link_scalar_call_seconds'] * 1e6:.0f} us "
        f"({result['link_values_scalar_call_seconds'] * 1e6:.0f} us without the Dataset)",
        flush=True,
    )
    if args.cli_runs > 0:
        result.update(bench_cli(args.cli_runs))
        print(
            f"command line, whole process, median of {args.cli_runs}: link {result['cli_link_seconds']} s, "
            f"check {result['cli_check_seconds']} s",
            flush=True,
        )
    result.update(bench_ssd(args.ssd_n, args.ssd_loop))
    print(
        f"SSD model: {args.ssd_n:,} configurations x {result['ssd_workloads_per_config']} workloads in "
        f"{result['ssd_broadcast_seconds']} s median of 3 ({result['ssd_configs_per_s']:,} configurations/s; "
        f"first pass {result['ssd_broadcast_cold_seconds']} s); scalar loop "
        f"{result['ssd_loop_configs_per_s']}/s; speedup {result['ssd_speedup_vs_loop']}x",
        flush=True,
    )
    result.update(bench_predict_part())
    print(f"one part's predict (PM1763, five workloads): {result['predict_part_seconds'] * 1e3:.2f} ms", flush=True)
    if args.sweep_n > 0:
        result.update(bench_dask_sweep(args.sweep_n))
        print(
            f"Dask sweep: {result['dask_sweep_configs']:,} configurations in {result['dask_sweep_chunks']} chunks, "
            f"{result['dask_sweep_seconds']} s ({result['dask_sweep_configs_per_s']:,}/s), peak RSS "
            f"{result['dask_sweep_peak_rss_bytes'] / 2**30:.2f} GiB",
            flush=True,
        )
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
