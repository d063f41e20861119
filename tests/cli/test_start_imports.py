"""The command line starts without the heavy modules a command does not need (a sys.modules check in a fresh
process; not timed: ``benchmarks/run.py`` measures ``cli_link_seconds`` and ``cli_check_seconds``)."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: third-party packages that take 0.1-1 s each to import on the 2-core machine (pint, xarray with pandas and,
#: once a Dataset is built, dask; scipy; matplotlib; sympy; numba, which the link model loads only for large
#: arrays), and the model layers `link` does not use
HEAVY = ("xarray", "pandas", "scipy", "pint", "dask", "matplotlib", "sympy", "numba")


def _loaded_after(code: str) -> dict:
    probe = "import importlib, json, sys\n" + code + "\nprint(json.dumps({m: m in sys.modules for m in sys.argv[1:]}))"
    names = [*HEAVY, "linkmodel.ssd", "linkmodel.parts", "linkmodel.ai", "linkmodel.cli.ai"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", probe, *names], capture_output=True, text=True, check=True, env=env, cwd=ROOT
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_link_command_parses_without_heavy_modules():
    loaded = _loaded_after(
        "main = importlib.import_module('linkmodel.cli.main')\n"
        "args = main.build_parser(main._command(['link', '--gen', '5', '--lanes', '4']))"
        ".parse_args(['link', '--gen', '5', '--lanes', '4'])\n"
        "assert args.command == 'link'"
    )
    assert [m for m, on in loaded.items() if on] == []


def test_check_command_does_not_load_the_other_commands():
    loaded = _loaded_after(
        "main = importlib.import_module('linkmodel.cli.main')\n"
        "main.build_parser(main._command(['check', 'samsung-pm1763']))"
    )
    assert not loaded["linkmodel.cli.ai"]
    assert not loaded["linkmodel.ai"] or loaded["linkmodel.parts"]  # the parts catalogue may carry AI models


def test_whole_parser_still_has_every_command():
    main = sys.modules.get("linkmodel.cli.main") or __import__("importlib").import_module("linkmodel.cli.main")
    parser = main.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) == {
        "validate",
        "check",
        "whatif",
        "generations",
        "endurance",
        "latency",
        "link",
        "ufs",
        "ai",
    }


def test_link_command_runs_without_xarray_or_pint():
    # the study renders from link_values / breakdown_values (no Dataset), and 128KiB / 100ns / 1us are read by
    # the plain-unit lookup (no pint); --flit-error-rate 3e-5 and --write-fraction 70% take the same paths
    loaded = _loaded_after(
        "import contextlib, io\n"
        "main = importlib.import_module('linkmodel.cli.main')\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    main.main(['link', '--gen', '6', '--lanes', '4', '--write-fraction', '70%', '--json'])\n"
        "assert json.loads(out.getvalue())['latency']['total'] > 0"
    )
    assert [m for m, on in loaded.items() if on] == []


def test_version_is_read_only_when_asked(capsys):
    # --version prints the installed distribution's version (pyproject.toml, via importlib.metadata) ...
    from importlib import metadata

    from linkmodel.cli import main

    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code in (0, None)
    assert capsys.readouterr().out == f"linkmodel {metadata.version('linkmodel')}\n"
    # ... and a command's start does not read it (importlib.metadata: ~40 ms of every start)
    probe = "import linkmodel.cli.main, sys\nprint('importlib.metadata' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env, cwd=ROOT)
    assert out.stdout.strip() == "False"
