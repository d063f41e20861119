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


# --- issue 15: one form only, nothing evaluated, no absurd magnitudes ---------------------------


@pytest.mark.parametrize(
    "text, kind, expected",
    [
        ("3.4M IOPS", "frequency", 3.4e6),  # the form QUANTITY_KINDS shows as its example
        ("2.0M IOPS", "frequency", 2.0e6),
        ("540K IOPS", "frequency", 540e3),  # vendor sheets write K for kilo before IOPS
        ("3.4 MIOPS", "frequency", 3.4e6),
        ("540 kIOPS", "frequency", 540e3),
        ("1.5e3 us", "time", 1.5e-3),
        ("70%", "ratio", 0.7),
        ("70 %", "ratio", 0.7),
        ("608 MB/s/W", "efficiency", 608e6),
        ("5 pJ/bit", "energy_per_byte", 40e-12),
        ("1e30 B", "size", 1e30),
        ("0", "time", 0.0),
    ],
)
def test_the_one_form(text, kind, expected):
    assert parse_quantity(text, kind, "x") == pytest.approx(expected)


@pytest.mark.parametrize(
    "text, kind, msg",
    [
        ("9**9**9 B", "size", "--size: cannot read '9\\*\\*9\\*\\*9 B'; expected a number"),
        ("2*3", "ratio", "cannot read '2\\*3'"),
        ("2 ** 10 B", "size", "cannot read"),
        ("(1+1) B", "size", "has no number"),
        ("1 B**99", "size", "cannot read"),
        ("1e31 B", "size", "out of range: its magnitude must be 0 or between 1e-30 and 1e\\+30 B"),
        ("1e300 TB", "size", "out of range"),  # finite text, infinite in bytes
        ("1e-31 s", "time", "out of range"),
        ("1" * 101, "size", "value too long"),
        ("1e400", "size", "out of range"),
    ],
)
def test_no_expression_no_absurd_magnitude(text, kind, msg):
    with pytest.raises(ValueError, match=msg):
        parse_quantity(text, kind, "--size")


def test_refused_at_once():
    # '9**9**9 B' ran for minutes when the text was evaluated
    import time

    t0 = time.perf_counter()
    for text in ("9**9**9 B", "9**9**9**9", "1" * 5000):
        with pytest.raises(ValueError):
            parse_quantity(text, "size", "--size")
    assert time.perf_counter() - t0 < 1.0


@pytest.mark.parametrize("value", [10**400, float("inf"), float("nan"), 1e31])
def test_python_numbers_checked_too(value):
    with pytest.raises(ValueError, match="--size: "):
        parse_quantity(value, "size", "--size")


#: numbers a user types, and awkward ones: the lookup must round exactly as pint does
_NUMBERS = ("0", "1", "3", "100", "128", "0.1", "0.3", "2.5", "7.77", "1e-3", "123456.789", "4.2e5", "9.99e-7")


@pytest.mark.parametrize("unit", sorted(units._PLAIN))
def test_plain_unit_lookup_equals_pint(unit):
    ureg = units._registry()
    canonical = units._PLAIN[unit][1]
    kind = next(k for k, (unit, _) in units.QUANTITY_KINDS.items() if unit == canonical)
    for text in _NUMBERS:
        want = float(ureg.Quantity(float(text), ureg.parse_units(unit)).to(canonical).magnitude)
        if not (want == 0 or units.MIN_MAGNITUDE <= abs(want) <= units.MAX_MAGNITUDE):
            with pytest.raises(ValueError, match="out of range"):
                parse_quantity(f"{text}{unit}", kind, "x")
            continue
        got = parse_quantity(f"{text}{unit}", kind, "x")
        assert got == want, (text, unit)  # exactly: the lookup never moves a digit
        assert parse_quantity(f"{text} {unit}", kind, "x") == want


def test_common_command_line_units_are_read_without_pint():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    code = (
        "import sys\nfrom linkmodel.units import parse_quantity as p\n"
        "assert p('128KiB', 'bytes', 'x') == 131072 and p('100ns', 'time', 'x') == 100 * 1e-9\n"
        "assert p('1us', 'time', 'x') == 1e-6 and p('50%', 'ratio', 'x') == 0.5 and p('25 W', 'power', 'x') == 25\n"
        "assert p('14 GB/s', 'bandwidth', 'x') == 14e9 and p('540 kIOPS', 'frequency', 'x') == 540e3\n"
        "assert p('1 Tibit', 'size', 'x') == 2**37 and p('2.0M IOPS', 'frequency', 'x') == 2e6\n"
        "print('pint' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "text, kind, message",
    [
        ("4 KiB", "time", "is not a time"),  # a plain unit of the wrong kind still gets pint's message
        ("12 xB", "bytes", "unknown unit 'xB'"),
        ("8 Mbit", "bytes", "is in bits"),
    ],
)
def test_units_outside_the_lookup_still_go_to_pint(text, kind, message):
    with pytest.raises(ValueError, match=message):
        parse_quantity(text, kind, "x")
