"""Peak memory of a chunked sweep over draws: 10^4 designs x 200 draws of the priors (issue 16, item 3).

Runs the sweep in a child process (so its peak resident memory is its own, as ``benchmarks/run.py`` measures
the Dask sweep), reduces it to each design's median and 80 % interval of random-read IOPS over the draws,
and prints one JSON line: designs, draws, chunks, seconds, peak RSS [B]. Needs the ``sweep`` extra (dask)::

    python benchmarks/draw_sweep.py
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import numpy as np

__all__ = ["child", "main"]


def child(draws: int) -> dict:
    """In a fresh process: 10 x 10 x 10 x 10 designs x ``draws`` draws, chunked, reduced along ``draw``."""
    import resource

    import dask

    from linkmodel.studies import sweep

    axes = {
        "power_cap": list(np.linspace(15.0, 40.0, 10)),
        "dies": [float(d) for d in np.round(np.geomspace(32, 1024, 10))],
        "channel_rate": list(np.linspace(1.2e9, 4.8e9, 10)),
        "t_read": list(np.linspace(25e-6, 90e-6, 10)),
    }
    t0 = time.perf_counter()
    ds = sweep.run(
        "samsung-pm1763",
        axes,
        workloads=["rand_read"],
        chunks={"power_cap": 1, "dies": 1},
        draws=draws,
        seed=0,
        infeasible="mask",  # 1,024 dies at 15 W: some draws have no I/O left
    )
    q = ds.iops.quantile([0.1, 0.5, 0.9], dim="draw")
    with dask.config.set(scheduler="threads"):
        q = q.compute()
    seconds = time.perf_counter() - t0
    return {
        "designs": int(np.prod([len(v) for v in axes.values()])),
        "draws": draws,
        "chunks": int(ds.iops.data.npartitions),
        "seconds": round(seconds, 1),
        "peak_rss_bytes": int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024),  # Linux: KiB
        "median_rand_read_iops_range": [float(q.sel(quantile=0.5).min()), float(q.sel(quantile=0.5).max())],
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        out = child(args.draws)
    else:
        cmd = [sys.executable, __file__, "--child", "--draws", str(args.draws)]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, check=True)
        out = json.loads(proc.stdout.strip().splitlines()[-1])
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
