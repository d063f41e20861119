"""``linkmodel ufs``: the UFS link budget on the command line (numbers derived in tests/ufs/test_link.py)."""

import json

import pytest

from linkmodel.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ufs4_512k_read_json(capsys):
    code, out, _ = run(capsys, "ufs", "--gear", "5", "--json")
    assert code == 0
    doc = json.loads(out)
    d2h = doc["per_direction"]["device_to_host"]
    # 16 x (32 + 32,768) + 32 UPIU bytes, 465 frames of 8 B overhead: 528,552 wire bytes (edge_inference.md E17)
    assert d2h["wire_bytes"] == 528_552 and d2h["frames"] == 465 and d2h["frame_overhead"] == 465 * 8
    assert d2h["upiu_headers_and_padding"] == 16 * 32 + 32
    assert doc["effective_bandwidth"] == pytest.approx(4.62669e9, rel=2e-6)
    assert doc["coding_confirmed"] is False  # HS-G5's 8b/10b is an assumption, and the output says so


def test_ufs_table(capsys):
    code, out, _ = run(capsys, "ufs", "--gear", "4", "--size", "512KiB")
    assert code == 0
    assert "539,560" in out and "2.26615 GB/s" in out  # E16, E18


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--gear", "6"], "--gear: 6 not allowed"),
        (["--gear", "5", "--lanes", "8"], "--lanes: 8 not allowed"),
        (["--gear", "5", "--transfer", "both"], "--transfer: 'both' not allowed"),
        (["--gear", "5", "--data-upiu", "1MiB"], "--data-upiu: 1048576 B out of range; must be >= 4 and <= 65535 B"),
        (["--gear", "5", "--size", "12XB"], "--size: cannot read '12XB'"),
    ],
)
def test_bad_input_one_line_exit_2(capsys, args, flag):
    code, out, err = run(capsys, "ufs", *args)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and flag in err, err
