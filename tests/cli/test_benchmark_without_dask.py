"""benchmarks/run.py without the sweep extra: one line naming the extra, exit 2, no traceback, nothing measured."""

import importlib.util
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"


def _load():
    spec = importlib.util.spec_from_file_location("bench_run", RUN)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_says_which_extra_instead_of_a_traceback(monkeypatch, capsys):
    mod = _load()
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "dask" else real(name, *a))
    monkeypatch.setattr(mod, "bench_link", lambda *a: pytest.fail("measured before refusing"))
    with pytest.raises(SystemExit) as info:
        mod.main(["--n", "10", "--loop", "2", "--ssd-n", "10", "--ssd-loop", "2"])
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        'benchmarks/run.py: error: the Dask sweep needs the sweep extra: pip install "linkmodel[sweep]" '
        "(or --sweep-n 0 to skip that part)"
    ]
