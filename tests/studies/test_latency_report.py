"""The latency report (linkmodel.studies.latency.report) against the command that prints it."""

import json

import pytest

from linkmodel import parts
from linkmodel.cli import main
from linkmodel.studies import latency


def test_latency_cli(capsys):
    assert main(["latency", "micron-9550-max"]) == 0
    out = capsys.readouterr().out
    assert "media" in out and "queue depth" in out
    assert main(["latency", "micron-9550-max", "--json", "--io", "write"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["breakdown"]["total"] > 0 and len(doc["curve"]) > 3
    assert main(["latency", "micron-9550-max", "--qd", "0"]) == 2
    assert "--qd" in capsys.readouterr().err
    assert (
        main(
            [
                "latency",
                "micron-9550-max",
                "--capacity",
                "3.2 TB",
                "--mix",
                "0.7",
                "--qd",
                "1,64",
                "--write-iops",
                "100k",
                "--page-types",
                "0.6,1,1.4",
                "--mapping-miss",
                "0.1",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "closed-loop mix" in out and "writes alongside" in out and "mapping" in out
    for bad, msg in (
        (["--suspend", "5s,1ms", "--write-iops", "1k"], "--suspend"),
        (["--io", "write", "--mix", "0.7"], "--mix: applies to reads"),
        (["--page-types", "0,1"], "--page-types"),
        (["--mix", "1.5"], "--mix"),
        (["--mapping-miss", "2"], "--mapping-miss"),
        (["--write-iops", "x"], "--write-iops"),
    ):
        assert main(["latency", "micron-9550-max", *bad]) == 2, bad
        err = capsys.readouterr().err
        assert msg in err and "Traceback" not in err, (bad, err)


def _cli_json(capsys, *argv):
    assert main(["latency", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_report_is_what_the_command_prints(capsys):
    part = parts.load("micron-9550-max")
    doc = _cli_json(capsys, "micron-9550-max", "--qd", "1,8,64", "--write-iops", "100k", "--page-types", "0.6,1,1.4")
    rep = latency.report(part, qds=(64, 1, 8, 8), write_iops=100e3, page_types=(0.6, 1.0, 1.4))
    assert json.loads(json.dumps(rep.to_dict())) == doc
    # the pieces: the QD1 row of the curve is the breakdown's total; the p99 never below the mean
    assert [r["queue_depth"] for r in doc["curve"]] == [1, 8, 64]
    assert doc["curve"][0]["latency"] == pytest.approx(doc["breakdown"]["total"], rel=1e-9)
    assert all(r["p99"] >= r["latency"] * 0.99 for r in doc["curve"])
    # the suspend shown beside none is the named default (hostpath.DEFAULT_SUSPEND: 20 us program, 100 us erase)
    assert doc["interference"]["suspend"] == pytest.approx([20e-6, 100e-6])
    assert rep.curve_writes_suspend.p99.values.tolist() == doc["interference"]["p99_suspend"]


def test_report_writes_and_mix(capsys):
    doc = _cli_json(capsys, "kioxia-cm9-r", "--io", "write", "--polling", "--write-ack", "through", "--qd", "1,4")
    rep = latency.report("kioxia-cm9-r", io="write", polling=True, write_ack="through", qds=(1, 4))
    assert rep.to_dict() == doc
    # polling: no MSI-X on the QD1 path, the host completes in 0.3 us (hostpath.POLLING_HOST_COMPLETE)
    assert doc["breakdown"]["interrupt"] == 0.0 and doc["breakdown"]["host_complete"] == pytest.approx(0.3e-6)
    doc = _cli_json(capsys, "kioxia-cm9-r", "--mix", "0.7", "--qd", "1,16", "--suspend", "50us,200us")
    rep = latency.report("kioxia-cm9-r", mix=0.7, qds=(1, 16), suspend=(50e-6, 200e-6))
    assert [r["queue_depth"] for r in doc["mixed"]] == [1, 16] and rep.mix_suspend
    for got, want in zip(rep.to_dict()["mixed"], doc["mixed"], strict=True):
        assert got == pytest.approx(want, rel=1e-12)
    with pytest.raises(ValueError, match="mix: applies to reads"):
        latency.report("kioxia-cm9-r", io="write", mix=0.7)


def test_write_load_beyond_the_channels_is_refused(tmp_path):
    # issue 15: the bundled CM9-R with channel_rate = "200 MT/s" and 100k writes alongside printed "each
    # channel carries write data 121.6 %", a negative QD1 mean and negative read IOPS
    from pathlib import Path

    src = (Path(__file__).parents[2] / "data" / "specs" / "kioxia-cm9-r.toml").read_text()
    slow = src.replace("[assumed]\n", '[assumed]\nchannel_rate = { value = "200 MT/s", basis = "test" }\n', 1)
    f = tmp_path / "kioxia-cm9-r.toml"
    f.write_text(slow)
    part = parts.load_part(f)
    with pytest.raises(ValueError, match=r"^write_iops: .*NAND channels ceiling") as e:
        latency.report(part, write_iops=100e3, qds=(1, 8))
    assert "\n" not in str(e.value)
    rep = latency.report(part, write_iops=20e3, qds=(1, 8))  # below it: a physical report
    assert all(v > 0 for v in rep.curve_writes.latency.values) and all(v > 0 for v in rep.curve_writes.iops.values)
