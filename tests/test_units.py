"""Multiplier constants and edge parsing."""

import pytest

from linkmodel import units
from linkmodel.units import GB, KiB, parse_quantity


def test_constants():
    assert units.KiB == 1024 and units.kB == 1000
    assert units.GiB == 2**30 and units.GB == 10**9
    assert units.us == pytest.approx(1e-6) and units.ns == pytest.approx(1e-9)
    assert units.GTps == 1e9
    assert units.bit == 1 / 8


@pytest.mark.parametrize(
    "text, kind, expected",
    [
        ("128KiB", "size", 128 * KiB),
        ("128 KiB", "size", 128 * KiB),
        ("4096", "size", 4096),
        ("2MB", "size", 2e6),
        ("1 GiB", "size", 2**30),
        ("8 bit", "size", 1),
        ("14 GB/s", "bandwidth", 14 * GB),
        ("28400 MB/s", "bandwidth", 28.4e9),
        ("112 Gbit/s", "bandwidth", 14e9),
        ("50 us", "time", 50e-6),
        ("50 µs", "time", 50e-6),
        ("1.2 ms", "time", 1.2e-3),
        ("32 GT/s", "rate", 32e9),
        ("25 W", "power", 25.0),
        ("800 mW", "power", 0.8),
        ("5 pJ", "energy", 5e-12),
        ("28%", "ratio", 0.28),
        (4096, "size", 4096.0),
    ],
)
def test_parse(text, kind, expected):
    assert parse_quantity(text, kind, "x") == pytest.approx(expected)


@pytest.mark.parametrize(
    "text, kind, msg",
    [
        ("12XB", "size", "--size: cannot read '12XB': unknown unit 'XB'"),
        ("4Kib", "bytes", "is in bits; sizes are in bytes"),  # a typo of KiB: 512 B would be silently wrong
        ("KiB", "size", "has no number"),
        ("1 KB", "size", "unknown unit 'KB'"),  # ambiguous: write kB (1000) or KiB (1024)
        ("5 GB", "time", "is not a time"),
        ("50 us", "size", "is not a size"),
        ("", "size", "empty value"),
        ("nan", "size", "not a finite number"),
        ("inf", "size", "not a finite number"),
    ],
)
def test_parse_errors(text, kind, msg):
    with pytest.raises(ValueError, match=msg):
        parse_quantity(text, kind, "--size")


def test_error_is_one_line():
    with pytest.raises(ValueError) as info:
        parse_quantity("12XB", "size", "--size")
    assert "\n" not in str(info.value)


def test_glossary_units():
    assert units.GLOSSARY["raw_bandwidth"][0] == "B/s"
    assert units.GLOSSARY["mps"][0] == "B"


def test_format():
    assert units.format_bytes(128 * KiB) == "128 KiB"
    assert units.format_si(15.754e9, "B/s") == "15.75 GB/s"
