"""``linkmodel ai edge``: every flag documented, bad input one line with exit 2, JSON in SI units."""

import json

import pytest

from linkmodel.cli.main import main

FLAGS = (
    "--device", "--storage", "--sparsity", "--predictor-overhead", "--window", "--bundle", "--bits", "--hot",
    "--hit-rate", "--overlap", "--depth", "--experts", "--target", "--json",
)  # fmt: skip


def test_help_documents_every_flag(capsys):
    with pytest.raises(SystemExit):
        main(["ai", "edge", "--help"])
    out = capsys.readouterr().out
    for f in FLAGS:
        assert f in out


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["--sparsity", "-0.1"], "--sparsity"),
        (["--sparsity", "1"], "--sparsity"),
        (["--window", "0"], "--window"),
        (["--bits", "0"], "--bits"),
        (["--depth", "0"], "--depth"),
        (["--device", "nope"], "--device"),
    ],
)
def test_bad_input_is_one_line_exit_2(argv, flag, capsys):
    args = ["ai", "edge", "opt-6.7b", "--device", "macbook-pro-m1-max", *argv]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and flag in err[0]


def test_model_whose_resident_part_does_not_fit(capsys):
    assert main(["ai", "edge", "qwen3.5-397b-a17b", "--device", "oneplus-ace-2", "--bits", "16"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("linkmodel: error: MODEL:") and "16.0 GB of DRAM" in err


def test_json_flash_moe(capsys):
    argv = ["ai", "edge", "qwen3.5-397b-a17b", "--device", "macbook-pro-m3-max", "--bits", "4.5"]
    assert main([*argv, "--experts", "4", "--hit-rate", "0.71", "--depth", "4", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["streamed_bytes"] == pytest.approx(492_621_004.8)  # E38
    assert doc["read_size"] == 7_077_888  # E36
    assert doc["binding"] == "flash" and doc["overlap"] is False


def test_comma_separated_knob_is_an_axis(capsys):
    argv = ["ai", "edge", "opt-6.7b", "--device", "macbook-pro-m1-max", "--sparsity", "0.9,0.97", "--json"]
    assert main(argv) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["tokens_per_second"]["dims"] == ["sparsity"]
    assert doc["coords"]["sparsity"] == [0.9, 0.97]


def test_a_working_set_larger_than_the_device_dram_is_said(capsys):
    # Qwen3.5-397B-A17B activates ~17 B parameters per token: at 16 bits that is ~34 GB held at once, more than the
    # OnePlus 12's 24 GB of DRAM; at 4 bits ~8.5 GB fits
    assert main(["ai", "edge", "qwen3.5-397b-a17b", "--device", "oneplus-12"]) == 0
    out = capsys.readouterr().out
    assert "does not fit:" in out and "the device has 24.0 GB of DRAM" in out
    assert main(["ai", "edge", "qwen3.5-397b-a17b", "--device", "oneplus-12", "--bits", "4"]) == 0
    assert "does not fit" not in capsys.readouterr().out
