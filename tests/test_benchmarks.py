"""benchmarks/run.py runs and prints its figures as one JSON object on its last line (small sizes here: the
figures themselves are measured by running it, not asserted)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


@pytest.mark.slow
def test_benchmark_prints_json_last():
    proc = subprocess.run(
        [
            sys.executable,
            str(RUN),
            "--n",
            "2000",
            "--loop",
            "5",
            "--ssd-n",
            "2000",
            "--ssd-loop",
            "3",
            "--sweep-n",
            "20000",
            "--cli-runs",
            "1",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    last = json.loads(proc.stdout.strip().splitlines()[-1])
    for key in (
        "link_configs_per_s",
        "link_speedup_vs_loop",
        "link_scalar_call_seconds",
        "link_values_scalar_call_seconds",
        "cli_link_seconds",
        "cli_check_seconds",
        "ssd_configs_per_s",
        "ssd_speedup_vs_loop",
        "predict_part_seconds",
        "dask_sweep_peak_rss_bytes",
        "dask_sweep_configs",
    ):
        assert last[key] > 0, key
    # the sweep's binding counts cover every configuration
    assert sum(last["dask_sweep_binding_counts"].values()) == last["dask_sweep_configs"]
    assert "Completed" in proc.stderr  # the sweep's progress bar
