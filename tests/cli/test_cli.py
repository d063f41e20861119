"""The linkmodel command line: JSON keys, examples, one-line errors."""

import json
import os
import subprocess
import sys

import pytest

from linkmodel.cli import main
from linkmodel.units import GB


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_issue_example_json(capsys):
    code, out, err = run(
        capsys,
        "link",
        "--gen",
        "6",
        "--lanes",
        "4",
        "--mps",
        "512",
        "--size",
        "128KiB",
        "--direction",
        "write",
        "--json",
    )
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["raw_bandwidth"] == pytest.approx(32 * GB)
    assert doc["effective_bandwidth"] > 28.4 * GB  # MPS 512 can carry 28.4 GB/s of writes
    for key in (
        "encoding_overhead",
        "flit_overhead",
        "framing_overhead",
        "dllp_overhead",
        "skp_overhead",
        "replay_overhead",
        "payload",
    ):
        assert key in doc["per_direction"]["upstream"]
    assert doc["efficiency"] == pytest.approx(doc["effective_bandwidth"] / doc["raw_bandwidth"])


def test_mps256_cannot(capsys):
    _code, out, _ = run(capsys, "link", "--gen", "6", "--lanes", "4", "--mps", "256", "--json")
    assert json.loads(out)["effective_bandwidth"] < 28.4 * GB


def test_gen5_x4_raw(capsys):
    _, out, _ = run(capsys, "link", "--gen", "5", "--lanes", "4", "--json")
    assert round(json.loads(out)["raw_bandwidth"] / GB, 3) == 15.754


def test_table_output(capsys):
    code, out, _ = run(capsys, "link", "--gen", "6", "--lanes", "16", "--mps", "512", "--direction", "read")
    assert code == 0
    assert "upstream" in out and "downstream" in out and "binding" in out
    assert "flit DLP + CRC + FEC" in out


def test_generations_table(capsys):
    code, out, _ = run(capsys, "generations")
    assert code == 0 and "PAM4" in out and "provisional" in out
    code, out, _ = run(capsys, "generations", "--json")
    doc = json.loads(out)
    gen6 = next(g for g in doc["generations"] if g["gen"] == 6)
    assert gen6["flit_tlp_bandwidth"]["x16"] == pytest.approx(118.0 * GB)


@pytest.mark.parametrize(
    "args, flag",
    [
        (["--gen", "9"], "--gen: 9 not allowed; allowed: 1, 2, 3, 4, 5, 6, 7 (8 is provisional)"),
        (["--lanes", "3"], "--lanes: 3 not allowed; allowed: 1, 2, 4, 8, 16"),
        (["--mps", "300"], "--mps: 300 not allowed; allowed: 128, 256, 512, 1024, 2048, 4096"),
        (["--size", "-1"], "--size: -1 B out of range"),
        (["--size", "12XB"], "--size: cannot read '12XB': unknown unit 'XB'"),
        (["--transfer", "up"], "--transfer: 'up' not allowed"),
        (["--direction", "up"], "--transfer: 'up' not allowed"),  # the older name of the flag
        (["--round-trip", "3 GB"], "--round-trip: '3 GB' is not a time"),
        (["--flit", "off", "--gen", "6"], "--flit: non-flit mode is not allowed"),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_bad_input_one_line_exit_2(capsys, args, flag):
    base = ["link", "--gen", "5", "--lanes", "4"]
    code, out, err = run(capsys, *base, *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and flag in err, err


def test_no_traceback_from_console_script():
    # the real entry point, in a subprocess: exit code 2, one line, no traceback
    cmd = [sys.executable, "-m", "linkmodel.cli", "link", "--gen", "9", "--lanes", "4"]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "linkmodel: error: --gen: 9 not allowed; allowed: 1, 2, 3, 4, 5, 6, 7 (8 is provisional)"
    ]


def test_missing_required(capsys):
    code, _, err = run(capsys, "link", "--lanes", "4")
    assert code == 2 and "--gen" in err and err.count("\n") == 1


def test_flit_error_rate_help_states_the_real_default(capsys):
    # D11: the default is the independent-error estimate, not the spec bound of 3e-5
    with pytest.raises(SystemExit):
        main(["link", "--help"])
    help_text = "".join(capsys.readouterr().out.split())  # whitespace out: argparse wraps by terminal width
    assert "default:independent-errorestimate" in help_text and "(default:specbound)" not in help_text
    # and behaves so: the spec bound replays more than the default at Gen6
    base = ["link", "--gen", "6", "--lanes", "4", "--json"]
    _, default, _ = run(capsys, *base)
    _, bound, _ = run(capsys, *base, "--flit-error-rate", "3e-5")
    up = "upstream"
    assert (
        json.loads(bound)["per_direction"][up]["replay_overhead"]
        > json.loads(default)["per_direction"][up]["replay_overhead"]
    )
