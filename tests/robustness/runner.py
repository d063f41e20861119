"""Running a case and judging what it produced.

Two ways to run: ``run_inprocess`` (the fast sample: ``main(argv)`` or the library call in this process,
with stdout/stderr captured and a SIGALRM timeout) and ``Isolated`` (every case, each in its own child
process with a 1 GiB address-space limit and a 10 s timeout: a worker process imports linkmodel once
and forks one child per case, so that 1,500 cases do not each pay the ~1 s interpreter start).
``problems(case, result)`` lists what is wrong with a result (empty: the case passes).
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import signal
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from robustness.cases import Case

__all__ = [
    "MEMORY_LIMIT",
    "ROOT",
    "STDOUT_ON_ERROR",
    "TIMEOUT",
    "Isolated",
    "Result",
    "execute",
    "materialize",
    "problems",
    "run_inprocess",
    "subprocess_env",
]

#: the root of the tree under test (tests/robustness/runner.py -> the repository root)
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 10.0  # seconds per case
MEMORY_LIMIT = 1 << 30  # bytes of address space per case
#: what stdout holds when a command fails: "empty" today; "json" if the --json error-object
#: convention lands (then a command run with --json prints {"error": ...} on stdout)
STDOUT_ON_ERROR = "json"
#: JSON keys whose values may be negative: signed relative errors and differences, not quantities
SIGNED_KEYS = {"error", "errors", "delta", "change", "difference", "log_ratio", "offset_error"}


@dataclass
class Result:
    code: int | None
    out: str
    err: str
    seconds: float
    timed_out: bool = False
    max_rss: int = 0  # bytes (isolated runs)
    exc_type: str = ""  # library cases: the exception's class and its bases, space-separated


def subprocess_env() -> dict[str, str]:
    """The environment for child interpreters: this tree's linkmodel, one BLAS thread."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'tests'}"}
    env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return env


def materialize(case: Case, d: Path) -> list[str]:
    """Write the case's files into `d`; its argv with ``{dir}`` replaced by `d`."""
    for name, content in case.files:
        target = d / name
        if target.exists() or target.is_symlink():
            continue
        if content == "FIFO":
            os.mkfifo(target)
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    return [a.replace("{dir}", str(d)) for a in case.argv]


def execute(case: Case, d: Path) -> tuple[int, str]:
    """Run the case in this process; (exit code, exception class names). Output goes to sys.stdout/err.

    A CLI case behaves as ``python -m linkmodel``: an exception that escapes ``main`` prints its
    traceback and exits 1. A library case exits 0 when the call returns, 2 with the message on stderr
    when it raises a ValueError, 1 with the traceback for anything else.
    """
    if case.area in ("cli", "spec"):
        from linkmodel.cli.main import main

        argv = materialize(case, d)
        try:
            return int(main(argv) or 0), ""
        except SystemExit as exc:  # --help, --version
            return (exc.code if isinstance(exc.code, int) else 1), ""
        except BaseException:
            traceback.print_exc()
            return 1, ""
    func, args, kwargs = case.call()
    try:
        value = func(*args, **kwargs)
    except ValueError as exc:
        print(str(exc), file=sys.stderr, end="")
        return 2, " ".join(c.__name__ for c in type(exc).__mro__)
    except BaseException as exc:
        traceback.print_exc()
        return 1, " ".join(c.__name__ for c in type(exc).__mro__)
    print(_summary(value))
    return 0, ""


def _summary(value) -> str:
    """A returned value as JSON-able text (for the NaN/negative walk), or its repr."""
    try:
        import numpy as np

        if hasattr(value, "to_dict") and hasattr(value, "data_vars"):
            value = {k: np.asarray(v).tolist() for k, v in value.data_vars.items()}
        elif hasattr(value, "_asdict"):
            value = value._asdict()
        elif hasattr(value, "__dataclass_fields__"):
            value = {k: getattr(value, k) for k in value.__dataclass_fields__}
        return json.dumps(value, default=lambda x: np.asarray(x).tolist())
    except (TypeError, ValueError):
        return repr(value)[:2000]


class _Alarm(Exception):
    pass


def _on_alarm(signum, frame):
    raise _Alarm


def run_inprocess(case: Case, d: Path) -> Result:
    """Run in this process with stdout/stderr captured and a SIGALRM timeout (no memory limit)."""
    out, err = io.StringIO(), io.StringIO()
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, TIMEOUT)
    t0 = time.monotonic()
    timed_out, exc_type = False, ""
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code, exc_type = execute(case, d)
            except _Alarm:
                code, timed_out = None, True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        os.chdir(cwd)
    return Result(code, out.getvalue(), err.getvalue(), time.monotonic() - t0, timed_out, 0, exc_type)


class Isolated:
    """A worker process that runs each case in a forked child under the time and memory limits."""

    def __init__(self):
        worker = Path(__file__).with_name("_worker.py")
        self.proc = subprocess.Popen(
            [sys.executable, str(worker)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=subprocess_env(),
        )

    def run(self, case: Case, d: Path) -> Result:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"id": case.id, "dir": str(d)}) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the robustness worker died (exit {self.proc.poll()})")
        return Result(**json.loads(line))

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


_NAN_WORD = re.compile(r"(?<![\w.])[-+]?(nan|inf|infinity)(?![\w])", re.IGNORECASE)


def _walk(x, key: str, path: str, found: list[str], allow_inf: bool) -> None:
    if isinstance(x, dict):
        for k, v in x.items():
            _walk(v, str(k), f"{path}.{k}", found, allow_inf)
    elif isinstance(x, list):
        for i, v in enumerate(x):
            _walk(v, key, f"{path}[{i}]", found, allow_inf)
    elif isinstance(x, float) and not math.isfinite(x) and not (allow_inf and x == math.inf):
        found.append(f"{path} = {x}")
    elif isinstance(x, (int, float)) and not isinstance(x, bool) and x < 0 and key not in SIGNED_KEYS:
        found.append(f"{path} = {x} (negative)")


def output_problems(out: str, is_json: bool, allow_inf: bool = False) -> list[str]:
    """NaN, infinity or a negative quantity in what a command printed.

    `allow_inf`: library results, where +inf is a ceiling that does not bind ("no limit"); JSON
    cannot hold it (the CLI writes null), so a CLI output never may.
    """
    if is_json:
        try:
            doc = json.loads(out)
        except ValueError:
            return [f"stdout is not JSON: {out[:120]!r}"]
        found: list[str] = []
        _walk(doc, "", "$", found, allow_inf)
        return [f"output: {f}" for f in found[:5]]
    m = _NAN_WORD.search(out)
    return [f"output prints {m.group(0)!r}: ...{out[max(0, m.start() - 60) : m.end() + 20]!r}"] if m else []


def _is_json(case: Case, r: Result) -> bool:
    return "--json" in case.argv if case.area != "lib" else r.out.lstrip().startswith(("{", "["))


def problems(case: Case, r: Result, d: Path) -> list[str]:
    """What is wrong with `r` for `case` (empty: it passes)."""
    p: list[str] = []
    if r.timed_out or r.seconds > TIMEOUT:
        return [f"took more than {TIMEOUT:g} s (killed)"]
    if r.max_rss > MEMORY_LIMIT:
        p.append(f"used {r.max_rss / 2**20:.0f} MiB")
    if "Traceback" in r.err or "Traceback" in r.out:
        last = [x for x in r.err.strip().splitlines() if x.strip()][-1:] or [""]
        return [*p, f"traceback: {last[0][:200]}"]
    if case.expect == "ok":
        if r.code != 0:
            return [*p, f"exit {r.code}, expected 0: {r.err.strip()[:200]}"]
        if r.err:
            p.append(f"stderr not empty: {r.err.strip()[:200]}")
        return p + output_problems(r.out, _is_json(case, r), case.area == "lib")
    if r.code != 2:
        p.append(f"exit {r.code}, expected 2")
        if r.code == 0:
            p += output_problems(r.out, _is_json(case, r), case.area == "lib")[:2]
            return p
    if case.area == "lib":
        if "ValueError" not in r.exc_type.split():
            p.append(f"raised {r.exc_type.split()[:1]}, not a ValueError")
        line = r.err
        if "\n" in line.strip():
            p.append(f"message is {line.count(chr(10)) + 1} lines")
    else:
        if STDOUT_ON_ERROR == "empty" and r.out:
            p.append(f"stdout not empty: {r.out[:80]!r}")
        elif STDOUT_ON_ERROR == "json" and "--json" in case.argv:
            p += _error_object_problems(r.out)
        lines = r.err.splitlines()
        if len(lines) != 1 or not r.err.endswith("\n"):
            p.append(f"stderr is {len(lines)} lines: {r.err[:160]!r}")
        line = lines[0] if lines else ""
        if not line.startswith("linkmodel: error:"):
            p.append(f"stderr does not start with 'linkmodel: error:': {line[:120]!r}")
    for group in case.names:
        wanted = [s.replace("{dir}", str(d)) for s in group if s]
        if wanted and not any(s in line for s in wanted):
            p.append(f"message names none of {wanted}: {line[:200]!r}")
    return p


def _error_object_problems(out: str) -> list[str]:
    try:
        doc = json.loads(out)
    except ValueError:
        return [f"stdout is not a JSON error object: {out[:80]!r}"]
    return [] if isinstance(doc, dict) and "error" in doc else [f"stdout has no 'error' key: {out[:80]!r}"]
