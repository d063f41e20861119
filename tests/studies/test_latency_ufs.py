"""QD1 and queue-depth latency of UFS parts (phones): the report and command, the one home of a part's host
path, and the model's 4 KiB random-read rate against the one published phone measurement."""

import json

import numpy as np
import pytest

from linkmodel import parts
from linkmodel.cli import main
from linkmodel.ssd import closedloop, hostpath
from linkmodel.studies import ai_smallblock, edge_read, latency


def test_latency_command_on_a_ufs_part(capsys):
    assert main(["latency", "samsung-ufs40", "--qd", "1,8,32"]) == 0
    out = capsys.readouterr().out
    assert "response" in out and "command" in out and "doorbell" not in out
    assert main(["latency", "micron-ufs40", "--json", "--io", "write", "--qd", "1,64"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["breakdown"]["ready_to_transfer"] > 0
    # QD 64 on a device that holds 32: the same IOPS as QD 32 would give, twice the latency of a full device
    assert doc["curve"][1]["latency"] == pytest.approx(64 / doc["curve"][1]["iops"])


def test_every_qd1_user_takes_the_parts_host_path(monkeypatch):
    # one home: a controller firmware time set there reaches the report, the edge read cost and ai smallblock
    slow = 16e-6  # the high end of the shared firmware range (controllers.toml)
    real = parts.host_path
    monkeypatch.setattr(parts, "host_path", lambda part, *a, **k: real(part, "high", *a[1:], **k))
    rep = latency.report("samsung-ufs40", qds=[1])
    assert float(rep.breakdown.firmware) == pytest.approx(slow)
    curve = edge_read.read_curve("samsung-ufs40", sizes=[4096.0], depths=[1])
    assert float(curve.qd1_latency[0]) == pytest.approx(float(rep.breakdown.total))
    c = ai_smallblock.closing("kioxia-cm9-r", 1e6, size=4096.0)
    params, _ = parts.params_from_part(parts.load("kioxia-cm9-r"))
    assert c["qd1_latency"] == pytest.approx(float(hostpath.qd1(params, "read").total) + slow - 5e-6)


def _rate(part, miss, depths):
    """The model's 4 KiB random-read throughput [B/s] at each depth, every read's map entry cached (0) or not (1)."""
    p = parts.load(part)
    with parts.about(p, None):
        params, _ = parts.params_from_part(p)
        path = parts.host_path(p, mapping_miss=miss)
    return closedloop.queue_depth_curve(params, "read", depths, 4096.0, path).iops.values * 4096.0


@pytest.mark.parametrize("part", ["samsung-ufs40", "micron-ufs40"])
def test_4k_random_reads_against_the_measured_phone_band(part):
    # edge_inference.md §2.1 [S] (PowerInfer-2 via a secondary summary, UNCONFIRMED; Snapdragon 8 Gen 3 phone, an
    # unnamed UFS 4.0 part): 4 KiB random reads reach ~1 GB/s over a 128 MiB span and ~450 MB/s over a large one;
    # neither the depth nor the device is stated. Mechanism for the span: both parts are DRAM-less (spec files);
    # the map of a 128 MiB span is 128 KiB (4 B per 4 KiB, ssd_modeling.md §3.4), held in the controller's SRAM
    # (every read hits: mapping_miss 0), that of a large span is not (every read first reads its map page:
    # mapping_miss 1). Tolerance +-25 %: "~" figures read off a plot through a secondary summary.
    depths = list(range(1, 33))
    hit, miss = _rate(part, 0.0, depths), _rate(part, 1.0, depths)
    assert hit[0] < 450e6 / 4  # one read at a time is far below the band: the measurement had reads in flight
    assert hit[-1] >= 1.0e9  # within its 32-command queue the device allows the band's top
    # one depth explains both ends of the band: the model at that depth, map cached vs not
    both = [
        q for q, h, m in zip(depths, hit, miss, strict=True) if abs(h / 1e9 - 1) <= 0.25 and abs(m / 450e6 - 1) <= 0.25
    ]
    assert both, f"no depth 1-32 gives ~1 GB/s with the map cached and ~450 MB/s without: {hit / 1e6}, {miss / 1e6}"
    assert np.all(miss < hit)


def test_ai_smallblock_refuses_a_ufs_part_in_one_line(capsys):
    # GPU-initiated reads are NVMe over PCIe (BaM, SCADA): no counterpart on a UFS device
    assert main(["ai", "smallblock", "samsung-ufs40"]) == 2
    err = capsys.readouterr().err.strip()
    assert "UFS" in err and "\n" not in err
    with pytest.raises(ValueError, match="host link is UFS"):
        ai_smallblock.ceilings("micron-ufs40")


def test_ai_edge_on_a_phone_runs(capsys):
    args = ["ai", "edge", "turbosparse-mixtral-47b", "--device", "oneplus-12", "--sparsity", "0.88", "--bits", "4"]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert 0 < doc["tokens_per_second"] < 11.68 / 2  # no neuron cache: under half PowerInfer-2's rate (§5.5)
