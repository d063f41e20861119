"""The isolated runner's worker: imports linkmodel once, then forks one child per case.

Reads one JSON request per line on stdin ({"id": case id, "dir": scratch folder}) and answers one JSON
``Result`` per line on stdout. Each child gets a 1 GiB address-space limit (``RLIMIT_AS``), stdout and
stderr redirected to files, and is killed after 10 s. Started by ``runner.Isolated`` with PYTHONPATH set
to the tree under test.
"""

import contextlib
import io
import json
import os
import resource
import signal
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]  # tests/: `robustness`, `reference_drive`

from robustness import cases, runner  # noqa: E402

import linkmodel.cli.main  # noqa: E402, F401 -- imported once, before forking


def _child(case, d: Path, out: Path, err: Path) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (runner.MEMORY_LIMIT, runner.MEMORY_LIMIT))
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 1)
        os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 2)
        code, exc_type = runner.execute(case, d)
        (d / ".exc").write_text(exc_type)
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:
        code = 1
        with contextlib.suppress(BaseException):
            os.write(2, b"Traceback: the child failed while reporting\n")
    os._exit(code)


def _warm(table) -> None:
    """Run the valid baselines once here, output discarded: the children inherit loaded parts and modules."""
    for c in table.values():
        if c.expect == "ok" and c.area == "cli" and "--mix" not in c.argv:
            sink = contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO())
            with sink[0], sink[1], contextlib.suppress(Exception):
                runner.execute(c, Path("/nonexistent"))


def serve() -> None:
    table = cases.by_id()
    _warm(table)
    for line in sys.stdin:
        req = json.loads(line)
        case, d = table[req["id"]], Path(req["dir"])
        out, err = d / ".stdout", d / ".stderr"
        t0 = time.monotonic()
        pid = os.fork()
        if pid == 0:
            _child(case, d, out, err)
        timed_out = False
        while True:
            done, status, usage = os.wait4(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() - t0 > runner.TIMEOUT:
                os.kill(pid, signal.SIGKILL)
                _, status, usage = os.wait4(pid, 0)
                timed_out = True
                break
            time.sleep(0.002)
        seconds = time.monotonic() - t0
        code = os.waitstatus_to_exitcode(status)
        exc = d / ".exc"
        res = {
            "code": None if timed_out else code,
            "out": out.read_text(errors="replace") if out.exists() else "",
            "err": err.read_text(errors="replace") if err.exists() else "",
            "seconds": seconds,
            "timed_out": timed_out,
            "max_rss": usage.ru_maxrss * 1024,
            "exc_type": exc.read_text() if exc.exists() else "",
        }
        print(json.dumps(res), flush=True)


if __name__ == "__main__":
    serve()
