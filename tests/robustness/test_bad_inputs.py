"""Issue 15, "Done when": thousands of bad inputs, each a one-line error naming it, exit 2, no traceback.

The cases come from ``cases.py`` (CLI flags of every subcommand, mutated spec files, public functions);
``runner.py`` runs and judges them. The full run (``-m slow``) runs every case in its own child process
under a 10 s timeout and a 1 GiB address-space limit; the inner loop runs an in-process sample of ~100.
Failures print the command line (or the call) and what was wrong.
"""

import resource
import subprocess
import sys

import pytest
from robustness import cases, cli_cases, runner
from robustness.cases import Case

from linkmodel.parts.catalogue import CONTROLLER_FIELDS, NAND_FIELDS
from linkmodel.parts.files import PART_FIELDS

ALL = cases.all_cases()
FAST = cases.fast_sample(100)


def _id(c: Case) -> str:
    return c.id


def _assert_ok(case: Case, r: runner.Result, d) -> None:
    found = runner.problems(case, r, d)
    shown = " ".join(repr(a) if (" " in a or not a) else a for a in case.argv) if case.argv else case.id
    assert not found, f"linkmodel {shown}: " + "; ".join(found) if case.argv else f"{shown}: " + "; ".join(found)


@pytest.fixture(scope="module")
def isolated():
    iso = runner.Isolated()
    yield iso
    iso.close()


# ---------------------------------------------------------------------------
# the generator itself
# ---------------------------------------------------------------------------


def test_at_least_500_cases_in_every_area():
    n = cases.counts()
    print(n)
    for area in ("cli", "spec", "lib"):
        assert n.get(f"{area}/error", 0) >= 100, n
    assert sum(n.values()) >= 500


def test_every_subcommand_has_a_baseline():
    # a new subcommand needs a valid command line in BASELINES for its flags to be mutated
    missing = sorted(set(cli_cases.leaf_parsers()) - set(cli_cases.BASELINES))
    assert not missing, f"add a baseline to tests/robustness/cli_cases.py BASELINES for: {missing}"


def test_every_flag_and_field_is_mutated():
    argvs = [" ".join(c.argv) for c in ALL if c.area == "cli" and c.expect == "error"]
    for cmd, p in cli_cases.leaf_parsers().items():
        for action in cli_cases.value_actions(p):
            flag = action.option_strings[0] if action.option_strings else "-- "
            assert any(a.startswith(cmd) and flag in a for a in argvs), (cmd, flag)
    ids = {c.id for c in ALL if c.area == "spec"}
    for table, fields in (("facts", PART_FIELDS), ("nand", NAND_FIELDS), ("controller", CONTROLLER_FIELDS)):
        for key in fields:
            assert any(i.startswith(f"spec:{table}.{key}") for i in ids), (table, key)


def test_the_judge_fails_what_it_should(tmp_path):
    # the checks can fail: a traceback, two lines, the wrong exit code, a message naming nothing,
    # NaN or a negative quantity in JSON, a timeout, too much memory
    bad = Case("x", "cli", ("link", "--size=-1", "--json"), names=(("--size",),))
    ok = Case("y", "cli", ("link", "--json"), expect="ok")
    line = "linkmodel: error: --size: -1 B out of range\n"
    obj = '{\n  "error": "--size: -1 B out of range"\n}\n'  # --json errors also print a JSON error object
    assert runner.problems(bad, runner.Result(2, obj, line, 0.1), tmp_path) == []
    for r in (
        runner.Result(1, obj, "Traceback (most recent call last):\n  ...\nIndexError: x\n", 0.1),
        runner.Result(2, obj, line + "usage: ...\n", 0.1),
        runner.Result(0, "{}", "", 0.1),
        runner.Result(2, obj, "linkmodel: error: out of range\n", 0.1),
        runner.Result(2, obj, "--size: out of range\n", 0.1),
        runner.Result(2, "x", line, 0.1),  # --json errors print a JSON error object, not text
        runner.Result(None, "", "", 10.0, timed_out=True),
        runner.Result(2, obj, line, 0.1, max_rss=2 << 30),
    ):
        assert runner.problems(bad, r, tmp_path), r
    assert runner.problems(ok, runner.Result(0, '{"a": [1.0, 2]}', "", 0.1), tmp_path) == []
    for out in ('{"a": NaN}', '{"a": {"b": -1e-6}}', '{"a": Infinity}', "not json"):
        assert runner.problems(ok, runner.Result(0, out, "", 0.1), tmp_path), out
    assert runner.output_problems("idle   nan B/s", is_json=False)


# ---------------------------------------------------------------------------
# the cases
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", FAST, ids=_id)
def test_bad_input_sample(case, tmp_path):
    """~100 cases spread over all areas, in this process (SIGALRM timeout, no memory limit)."""
    _assert_ok(case, runner.run_inprocess(case, tmp_path), tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("case", ALL, ids=_id)
def test_bad_input(case, tmp_path, isolated):
    """Every case in its own child process: 10 s, 1 GiB address space."""
    _assert_ok(case, isolated.run(case, tmp_path), tmp_path)


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (runner.MEMORY_LIMIT, runner.MEMORY_LIMIT))


ENTRY_POINT = [c for c in ALL if c.area == "cli" and (c.expect == "ok" or c.heavy)][:40]


@pytest.mark.slow
@pytest.mark.parametrize("case", ENTRY_POINT, ids=_id)
def test_console_entry_point(case, tmp_path):
    """The baselines and the hang/memory cases through the real ``python -m linkmodel``, limits applied."""
    argv = runner.materialize(case, tmp_path)
    cmd = [sys.executable, "-m", "linkmodel", *argv]
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=runner.TIMEOUT + 5,  # + the interpreter's start
            cwd=runner.ROOT,
            env=runner.subprocess_env(),
            preexec_fn=_limit_memory,
            stdin=subprocess.DEVNULL,
        )
        r = runner.Result(proc.returncode, proc.stdout, proc.stderr, 0.0)
    except subprocess.TimeoutExpired:
        r = runner.Result(None, "", "", runner.TIMEOUT, timed_out=True)
    _assert_ok(case, r, tmp_path)


def test_children_import_this_tree():
    # the child interpreters import the linkmodel of the tree under test, not /work/main's or an installed one
    code = "import linkmodel; print(linkmodel.__file__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=runner.subprocess_env())
    assert out.stdout.strip() == str(runner.ROOT / "linkmodel" / "__init__.py"), out
