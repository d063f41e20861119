"""Issue 15 on the command line: each bad value gives exit 2 and one line naming its flag; no traceback.

Every case here failed before the fix in one of three ways: a wrong answer
(exit 0: ``--drive-bw 28`` read as 28 B/s), an error blaming something else
(a bundled spec file, ``--prefix``), or a hang/traceback.
"""

import json
import time

import pytest

from linkmodel.cli import main

P = "micron-9550-max"
KV = ["ai", "kv", "--model", "llama-3.1-70b", "--rate", "2", "--input", "1000", "--hit", "0.4", "--part", P]
BE = ["ai", "breakeven", "--model", "llama-3.1-70b", "--prefix", "1024", "--gpu-flops", "8x312T"]
CS = ["ai", "coldstart", "--model", "llama-3.1-70b"]
LINK = ["link", "--gen", "5", "--lanes", "4"]

CASES = [
    # the unit parser evaluated expressions: 9**9**9 ran for minutes
    (["link", "--gen", "5", "--lanes", "4", "--size", "9**9**9 B"], "--size: cannot read '9**9**9 B'"),
    ([*LINK, "--size", "2*3"], "--size: cannot read '2*3'"),
    ([*LINK, "--size", "1e31 B"], "--size: '1e31 B' is out of range"),
    ([*LINK, "--size", "1e300 TB"], "--size: '1e300 TB' is out of range"),
    (["latency", P, "--size", "9**9**9 B"], "--size: cannot read"),
    # a bare number where a unit is needed
    ([*CS, "--drive-bw", "28"], "--drive-bw: give a unit, e.g. '28 GB/s'"),
    ([*CS, "--drive-bw", "28 GB/s", "--host-bw", "64"], "--host-bw: give a unit"),
    ([*LINK, "--round-trip", "1"], "--round-trip: give a unit"),
    ([*LINK, "--replay-round-trip", "100"], "--replay-round-trip: give a unit"),
    ([*KV, "--power-cap", "15"], "--power-cap: give a unit"),
    (["whatif", P, "micron-9650-pro", "--power-cap", "25"], "--power-cap: give a unit"),
    # NxM multipliers refuse 0 (and fractions of a GPU)
    (
        ["ai", "breakeven", "--model", "llama-3.1-70b", "--prefix", "1024", "--gpu-flops", "0x312T"],
        "--gpu-flops: the N",
    ),
    ([*KV[:5], "0x2", *KV[6:]], "--rate: the N in NxM must be a whole number >= 1"),
    ([*BE[:-1], "0.5x312T"], "--gpu-flops: the N in NxM"),
    # errors that blamed the wrong thing
    ([*KV, "--block", "1e8"], "--block: expected a whole number between 1 and 65536"),
    ([*BE, "--b", "1e300"], "--b: expected a number between 0 and 1000 (not 0)"),
    (["whatif", P, "micron-9650-pro", "--power-cap", "0.001W"], "--power-cap: expected a power between 1 W and 100 W"),
    (["whatif", P, "micron-9650-pro", "--power-cap", "3W"], "--power-cap: 3 W does not exceed the drive's static"),
    ([*KV, "--power-cap", "0.001W"], "--power-cap: expected a power between 1 W and 100 W"),
    # shares
    (["latency", P, "--mix", "170%"], "--mix: expected a share above 0 up to 1"),
    (["latency", P, "--mix", "0"], "--mix: expected a share above 0 up to 1"),
    (["latency", P, "--mapping-miss", "2"], "--mapping-miss: expected a share from 0 up to 1"),
    ([*KV[:-2], "--hit", "140%"], "--hit: expected a share"),
    (["endurance", P, "--hot", "80%:120%"], "--hot: both shares must be between 0 and 1"),
    # ranges with a basis, before the library
    (["latency", P, "--page-types", "1e10"], "--page-types: expected up to 8 comma-separated multipliers"),
    (["latency", P, "--page-types", ",".join(["1"] * 9)], "--page-types: expected up to 8"),
    (["latency", P, "--qd", "1000000"], "--qd: expected a whole number between 1 and 65536"),
    (["latency", P, "--write-iops", "1e30"], "--write-iops: expected a rate between 0 IOPS and 1e+08 IOPS"),
    (["endurance", P, "--gc-model", "meanfield", "--pages-per-block", "1e7"], "--pages-per-block: expected a whole"),
    (["endurance", P, "--host-waf", "1e300"], "--host-waf: expected a number between 1 and 100"),
    ([*KV, "--retention", "1e300"], "--retention: expected a number between 0 and 1e+12"),
    ([*KV, "--waf", "1e9"], "--waf: expected a number between 1 and 100"),
    (["ai", "experts", "--model", "deepseek-v3", "--steps", "1e30"], "--steps: expected a number between 0 and"),
    (["ai", "smallblock", P, "--target", "1e30"], "--target: expected a rate between 0 IOPS and 1e+10 IOPS"),
    (["ai", "smallblock", P, "--target", "2.0M IOPZ"], "--target: expected a rate such as 100000, 100k, 2.0M IOPS"),
    ([*CS, "--drive-bw", "1e300 GB/s"], "--drive-bw: '1e300 GB/s' is out of range"),
    ([*CS, "--drive-bw", "1e13 B/s"], "--drive-bw: expected a bandwidth between 1 B/s and 1e+12 B/s"),
    # parts by id or path, under the flag that takes them
    ([*KV[:-2], "--part", "no-such-part"], "--part: unknown part 'no-such-part'"),
    (["validate", "--part", "no-such-part"], "--part: unknown part"),
    (["check", "no-such-part"], "unknown part 'no-such-part'"),
]


def _ids(case):
    return " ".join(case[0])[:60] if isinstance(case, tuple) else ""


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_bad_value_one_line_naming_the_flag(capsys, case):
    argv, expected = case
    t0 = time.perf_counter()
    code = main(argv)
    elapsed = time.perf_counter() - t0
    out, err = capsys.readouterr()
    assert code == 2, out
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and expected in lines[0], err
    assert "Traceback" not in err and "site-packages" not in err and "data/specs" not in err
    assert elapsed < 10


@pytest.mark.parametrize("case", CASES[:6] + CASES[14:20], ids=_ids)
def test_with_json_the_error_is_a_json_object_too(capsys, case):
    argv, expected = case
    assert main([*argv, "--json"]) == 2
    out, err = capsys.readouterr()
    assert len(err.splitlines()) == 1 and expected in err
    doc = json.loads(out)
    assert list(doc) == ["error"] and expected in doc["error"]
