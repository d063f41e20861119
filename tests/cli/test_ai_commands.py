"""linkmodel ai: every subcommand's --json against the library's oracles, and one-line errors."""

import json

import pytest

from linkmodel.cli import main


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_models(capsys):
    out = _json(capsys, ["ai", "models", "--json"])
    by = {m["id"]: m for m in out["models"]}
    assert by["llama-3.1-70b"]["kv_bytes_per_token"] == 327_680
    assert by["deepseek-v3"]["kv_bytes_per_token"] == 70_272
    fp8 = _json(capsys, ["ai", "models", "--format", "fp8", "--json"])
    assert {m["id"]: m for m in fp8["models"]}["llama-3.1-70b"]["compression"] == 2.0


def test_kv_worked_example(capsys):
    # ai_workloads.md #27 on the 9650 Pro (30.72 TB, 1 DWPD published): 14 drives, endurance
    out = _json(
        capsys,
        [
            "ai",
            "kv",
            "--model",
            "llama-3.1-70b",
            "--rate",
            "2",
            "--input",
            "12035",
            "--hit",
            "40%",
            "--retention",
            "50M",
            "--parts",
            "micron-9650-pro",
            "--json",
        ],
    )
    assert out["demand"]["read_bandwidth"] == pytest.approx(3.155e9, rel=1e-3)
    assert out["demand"]["bytes_written_per_day"] == pytest.approx(408.9e12, rel=1e-3)
    row = out["parts"][0]
    assert row["part"] == "micron-9650-pro" and row["drives"] == 14 and row["binding"] == "endurance"
    assert (
        main(
            [
                "ai",
                "kv",
                "--model",
                "llama-3.1-70b",
                "--rate",
                "2",
                "--input",
                "12035",
                "--hit",
                "0.4",
                "--block",
                "vllm",
                "--layout",
                "layer_separate",
                "--tp",
                "8",
                "--split-kv",
            ]
        )
        == 0
    )
    assert "4 KiB per I/O" in capsys.readouterr().out


def test_breakeven_smallblock_coldstart_experts(capsys):
    be = _json(
        capsys,
        [
            "ai",
            "breakeven",
            "--model",
            "llama-3.1-70b",
            "--prefix",
            "8192",
            "--gpu-flops",
            "8x312T",
            "--b",
            "22",
            "--json",
        ],
    )
    assert be["rows"][0]["breakeven_bandwidth"] == pytest.approx(5.859e9, rel=1e-3)
    sb = _json(capsys, ["ai", "smallblock", "micron-9650-pro", "--target", "100M", "--json"])
    assert [r["size"] for r in sb["sizes"]] == [512, 1024, 2048, 4096]
    assert sb["closing"]["target_iops"] == 100e6 and sb["closing"]["gap"] > 1
    cs = _json(
        capsys, ["ai", "coldstart", "--model", "llama-3.1-70b", "--drive-bw", "28 GB/s", "--drives", "1", "--json"]
    )
    assert cs["rows"][0]["seconds"] == pytest.approx(5.04, abs=0.01)
    ex = _json(capsys, ["ai", "experts", "--model", "deepseek-v3", "--steps", "1", "--bits", "8", "--json"])
    assert ex["experts_per_step"] == pytest.approx(464)


@pytest.mark.parametrize(
    "argv,msg",
    [
        (["ai"], "a subcommand is required"),
        (
            ["ai", "kv", "--model", "llama-4", "--rate", "1", "--input", "1", "--hit", "0.1"],
            "--model: unknown 'llama-4'",
        ),
        (
            ["ai", "kv", "--model", "llama-3.1-70b", "--rate", "1", "--input", "1", "--hit", "1.4"],
            "--hit: expected a share",
        ),
        (
            ["ai", "kv", "--model", "llama-3.1-70b", "--rate", "1", "--input", "1", "--hit", "0.1", "--tp", "2.5"],
            "--tp",
        ),
        (
            [
                "ai",
                "kv",
                "--model",
                "llama-3.1-70b",
                "--rate",
                "1",
                "--input",
                "1",
                "--hit",
                "0.1",
                "--power-cap",
                "0 W",
            ],
            "--power-cap: expected a power between 1 W and 100 W",
        ),
        (
            ["ai", "kv", "--model", "deepseek-v3", "--rate", "1", "--input", "1", "--hit", "0.1", "--split-kv"],
            "split_kv",
        ),
        (["ai", "breakeven", "--model", "llama-3.1-70b", "--prefix", "0", "--gpu-flops", "1T"], "--prefix"),
        (["ai", "smallblock", "nosuch"], "unknown part 'nosuch'"),
        (["ai", "smallblock", "micron-9650-pro", "--size", "12XB"], "--size"),
        (["ai", "coldstart", "--model", "llama-3.1-70b"], "--part / --drive-bw: give exactly one"),
        (["ai", "experts", "--model", "llama-3.1-70b", "--steps", "1"], "not a mixture-of-experts"),
        (["ai", "models", "--format", "fp4"], "--format: unknown kv format 'fp4'"),
    ],
)
def test_errors_are_one_line(capsys, argv, msg):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert msg in err and "\n" not in err and "Traceback" not in err
