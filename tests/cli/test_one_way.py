"""Issue 15, "one way to say things" on the command line: parts by id or path, shares with %, IOPS forms,
check's summary and wording, one JSON style, tables that keep their columns."""

import json
from pathlib import Path

import pytest

from linkmodel.cli import main
from linkmodel.cli._common import cell
from linkmodel.cli.ai_tables import print_kv_parts

SPEC = Path(__file__).resolve().parents[2] / "data" / "specs" / "micron-9550-max.toml"


def _out(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def test_check_takes_an_id_or_a_path(capsys):
    by_id = json.loads(_out(capsys, "check", "micron-9550-max", "--json"))
    by_path = json.loads(_out(capsys, "check", str(SPEC), "--json"))
    assert by_id == by_path and by_id["part"] == "micron-9550-max"


def test_check_prints_validates_summary_and_says_possible_for_what(capsys):
    out = _out(capsys, "check", "micron-9550-max")
    assert "metric class" in out and "median |err|" in out  # validate's per-class summary
    assert "within the link's ceiling" in out
    assert ": possible;" not in out  # the old word, which sat beside violated requirements


def test_check_json_on_an_invalid_file_is_a_json_error(capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('schema = "nope"\n')
    assert main(["check", str(bad), "--json"]) == 2
    out, err = capsys.readouterr()
    assert json.loads(out) == {"error": f"{bad}: schema: expected \"linkmodel-spec/1\", got 'nope'"}
    assert len(err.splitlines()) == 1 and "schema" in err


def test_validate_part_takes_ids_and_paths(capsys):
    a = json.loads(_out(capsys, "validate", "--part", "micron-9550-max", "--json"))
    b = json.loads(_out(capsys, "validate", "--part", str(SPEC), "--json"))
    assert a == b and {r["part"] for r in a} == {"micron-9550-max"}


def test_kv_part_and_parts_are_one_flag(capsys):
    base = ["ai", "kv", "--model", "llama-3.1-70b", "--rate", "2", "--input", "12035", "--hit", "40%", "--json"]
    old = json.loads(_out(capsys, *base, "--parts", "micron-9650-pro,micron-9550-max"))
    new = json.loads(_out(capsys, *base, "--part", "micron-9650-pro", "--part", str(SPEC)))
    assert (
        [r["part"] for r in old["parts"]]
        == [r["part"] for r in new["parts"]]
        == [
            "micron-9650-pro",
            "micron-9550-max",
        ]
    )
    assert old == new


def test_percent_wherever_a_share_is(capsys):
    # --mix 70% was refused; it is the read share 0.7
    a = _out(capsys, "latency", "micron-9550-max", "--mix", "70%", "--qd", "1,8", "--json")
    b = _out(capsys, "latency", "micron-9550-max", "--mix", "0.7", "--qd", "1,8", "--json")
    assert a == b and json.loads(a)["mixed"]
    base = ["ai", "coldstart", "--model", "llama-3.1-70b", "--drive-bw", "28 GB/s", "--json"]
    assert json.loads(_out(capsys, *base, "--efficiency", "80%"))["efficiency"] == pytest.approx(0.8)


@pytest.mark.parametrize("text, iops", [("2.0M IOPS", 2.0e6), ("3.4 MIOPS", 3.4e6), ("540K IOPS", 540e3), ("2M", 2e6)])
def test_iops_forms_read_as_iops(capsys, text, iops):
    # ai smallblock's error suggested 100M but refused '2.0M IOPS'; every vendor form reads as IOPS
    doc = json.loads(_out(capsys, "ai", "smallblock", "micron-9550-max", "--target", text, "--json"))
    assert doc["closing"]["target_iops"] == pytest.approx(iops)


def test_write_iops_reads_vendor_forms(capsys):
    base = ["latency", "micron-9550-max", "--qd", "1", "--json"]
    a = json.loads(_out(capsys, *base, "--write-iops", "50K IOPS"))
    b = json.loads(_out(capsys, *base, "--write-iops", "50000"))
    assert a == b and a["interference"]["write_iops"] == 50e3


def test_a_bare_zero_needs_no_unit(capsys):
    doc = json.loads(_out(capsys, "link", "--gen", "5", "--lanes", "4", "--round-trip", "0", "--json"))
    assert doc["effective_bandwidth"] > 0


@pytest.mark.parametrize(
    "argv",
    [
        ["generations", "--json"],
        ["link", "--gen", "5", "--lanes", "4", "--json"],
        ["ai", "models", "--json"],
        ["ai", "experts", "--model", "deepseek-v3", "--steps", "20", "--json"],
        ["ai", "breakeven", "--model", "llama-3.1-70b", "--prefix", "1024", "--gpu-flops", "8x312T", "--json"],
    ],
)
def test_every_json_is_formatted_alike(capsys, argv):
    out = _out(capsys, *argv)
    assert out == json.dumps(json.loads(out), indent=2) + "\n"


@pytest.mark.parametrize(
    "value, width, text",
    [
        (12.25, 8, "    12.2"),  # fixed point while it fits (12.25 rounds half to even)
        (1e9, 8, "      1G"),
        (1.23456789e9, 8, "1.23457G"),
        (1.5e9, 4, "1.5G"),
        (3.3e15, 6, "  3.3P"),
        (-1e12, 5, "  -1T"),
        (4e12, 4, "  4T"),
        (1e300, 8, "  1e+300"),
    ],
)
def test_cell_keeps_its_width(value, width, text):
    assert cell(value, width, 1 if width == 8 else 0) == text


def test_kv_table_keeps_its_columns_with_wide_numbers(capsys):
    row = {
        "part": "p",
        "capacity": 7.68e12,
        "dwpd": 1.0,
        "drives": 4.0,
        "binding": "endurance",
        "drive_stage": "",
        "fleet_power": 100.0,
        **{
            k: 2.0
            for k in (
                "n_read_bandwidth",
                "n_read_iops",
                "n_write_bandwidth",
                "n_write_iops",
                "n_read_write",
                "n_capacity",
                "n_endurance",
            )
        },
    }
    wide = {**row, "drives": 3.2e9, "n_read_iops": 1.5e9, "n_capacity": 4e12, "fleet_power": 9.9e12}
    print_kv_parts([row, wide])
    header, narrow_line, wide_line = capsys.readouterr().out.splitlines()[:3]
    assert len(header) == len(narrow_line) == len(wide_line)
