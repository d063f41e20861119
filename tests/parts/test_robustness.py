"""Spec and catalogue files: no silent nonsense (plausible ranges, contradictions), no hang or blow-up reading.

Issue 15: values of 1e30-1e300 were accepted, as were contradictions (500 % spare area, idle power above
active power, a capacity in bits divided by 8, ...); `check /dev/zero` grew past 6 GiB, `check` on a FIFO
blocked, a deeply nested file raised RecursionError. Every case here is refused with one line naming the
file and the field.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import spec_fixture

from linkmodel import parts as _parts
from linkmodel.parts import SpecError, load_part
from linkmodel.parts.fields import CONTROLLER_FIELDS, METRICS, NAND_FIELDS, PART_FIELDS, PUBLISHED_KEYS

ROOT = Path(__file__).resolve().parents[2]

BASE = spec_fixture.BASE

# the file's own die and controller (catalogue layout), named by the part: 4 planes, tR 45 us, 8 W controller
OWN = (
    spec_fixture.INLINE_NAND
    + """
[[controller]]
id = "acme-ctrl"
[controller.facts]
vendor = "Acme"
name = "C1"
gen = 5
channels = 8
max_channel_rate = "1600 MT/s"
active_power = "8 W"
"""
)

OWN_BASE = (
    BASE.replace('nand = "kioxia-bics8-tlc"', 'nand = "acme-tlc"').replace(
        'controller = "kioxia-gen5-16ch"', 'controller = "acme-ctrl"'
    )
    + OWN
)


def fact(line: str) -> str:
    """BASE with one more fact."""
    return BASE.replace("lanes = 4\n", f"lanes = 4\n{line}\n")


def figure(metric: str, value: str, extra: str = "") -> str:
    """BASE with one more published figure."""
    return BASE + f'\n[[published]]\nmetric = "{metric}"\nvalue = {value}\nkind = "up_to"\n{extra}'


def nand(line: str) -> str:
    """OWN_BASE with one more fact of its own die."""
    return OWN_BASE.replace('t_prog = "1.0 ms"\n', f't_prog = "1.0 ms"\n{line}\n')


def controller(line: str) -> str:
    """OWN_BASE with one more fact of its own controller."""
    return OWN_BASE.replace('active_power = "8 W"\n', f'active_power = "8 W"\n{line}\n')


def refused(tmp_path, text: str, message: str, name: str = "test-part") -> str:
    path = tmp_path / f"{name}.toml"
    path.write_text(text)
    with pytest.raises(SpecError) as info:
        _parts.params_from_part(load_part(path))  # some contradictions need the catalogue: found on resolving
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith(str(path)), msg
    assert message in msg, msg
    return msg


# --- item 1: every physical input has a plausible range -------------------------------------------------------

OUT_OF_RANGE = [
    # (case, file text, field named in the one-line error)
    ("dwpd", fact("dwpd = 1e30"), "facts.dwpd: 1e+30 is outside the plausible range"),
    ("warranty", fact("warranty_years = 1e300"), "facts.warranty_years: 1e+300 is outside"),
    ("power cap", BASE.replace('"25 W"', '"1e12 W"'), "facts.power_cap: '1e12 W' is outside"),
    ("power state", fact('power_states = ["25 W", "1e12 W"]'), "facts.power_states[1]: '1e12 W' is outside"),
    ("capacity", BASE.replace('"15.36 TB"', '"1e12 TB"'), "facts.capacity: '1e12 TB' is outside"),
    ("capacity low", BASE.replace('"15.36 TB"', '"1 MB"'), "facts.capacity: '1 MB' is outside"),
    ("raw capacity", fact('raw_capacity = "1e12 TB"'), "facts.raw_capacity: '1e12 TB' is outside"),
    ("channel rate", fact('channel_rate = "1e12 MT/s"'), "facts.channel_rate: '1e12 MT/s' is outside"),
    ("channels", fact("channels = 1000000"), "facts.channels: 1000000 is outside"),
    ("dram", fact('dram = "1e12 GB"'), "facts.dram: '1e12 GB' is outside"),
    ("indirection unit", fact('indirection_unit = "1 GiB"'), "facts.indirection_unit: '1 GiB' is outside"),
    ("nand by capacity", fact('nand_by_capacity = { "1e12 TB" = "kioxia-bics5-tlc" }'), "is outside"),
    ("seq read", figure("seq_read", '"1e12 GB/s"'), "published[1].value: '1e12 GB/s' is outside"),
    ("rand read", figure("rand_read", '"1e12 IOPS"'), "published[1].value: '1e12 IOPS' is outside"),
    ("idle power", figure("idle_power", '"1e12 W"'), "published[1].value: '1e12 W' is outside"),
    ("latency", figure("read_latency", '"1e12 s"'), "published[1].value: '1e12 s' is outside"),
    ("efficiency", figure("read_efficiency", '"1e12 MB/s/W"'), "published[1].value: '1e12 MB/s/W' is outside"),
    ("published dwpd", figure("dwpd", "1e30"), "published[1].value: 1e+30 is outside"),
    ("tbw", figure("tbw_seq", '"1e12 TB"'), "published[1].value: '1e12 TB' is outside"),
    (
        "queue depth",
        figure("rand_read", '"1 MIOPS"', "queue_depth = 10000000000\n"),
        "published[1].queue_depth: 10000000000",
    ),
    ("block size", figure("seq_read", '"1 GB/s"', 'block_size = "1e12 KiB"\n'), "published[1].block_size:"),
    ("figure capacity", figure("seq_read", '"1 GB/s"', 'capacity = "1e12 TB"\n'), "published[1].capacity:"),
    ("t_read", nand('t_erase = "4 ms"').replace('"45 us"', '"1e12 us"'), "nand[0].facts.t_read: '1e12 us'"),
    ("t_erase", nand('t_erase = "1e12 ms"'), "nand[0].facts.t_erase: '1e12 ms' is outside"),
    ("pe cycles", nand("pe_cycles = 1e30"), "nand[0].facts.pe_cycles: 1e+30 is outside"),
    ("spare 500 %", nand("spare_fraction = 5"), "nand[0].facts.spare_fraction: 5 is outside"),
    ("spare 500 % as %", nand('spare_fraction = "500%"'), "nand[0].facts.spare_fraction: '500%' is outside"),
    ("die capacity", OWN_BASE.replace('"1 Tibit"', '"1e12 Tibit"'), "nand[0].facts.die_capacity: '1e12 Tibit'"),
    ("planes", OWN_BASE.replace("planes = 4", "planes = 100000"), "nand[0].facts.planes: 100000 is outside"),
    ("die power", nand('read_power = "1e12 W"'), "nand[0].facts.read_power: '1e12 W' is outside"),
    ("io energy", nand('io_energy = "1e12 pJ/bit"'), "nand[0].facts.io_energy: '1e12 pJ/bit' is outside"),
    ("block pages", nand("block_pages = 10000000"), "nand[0].facts.block_pages: 10000000 is outside"),
    ("layers", nand("layers = 100000"), "nand[0].facts.layers: 100000 is outside"),
    ("controller power", controller('idle_power = "1e12 W"'), "controller[0].facts.idle_power: '1e12 W'"),
    ("controller iops", controller('iops_limit = "1e12 IOPS"'), "controller[0].facts.iops_limit: '1e12 IOPS'"),
    ("controller bw", controller('bandwidth_limit = "1e12 GB/s"'), "controller[0].facts.bandwidth_limit:"),
    ("controller nm", controller("process_nm = 1e30"), "controller[0].facts.process_nm: 1e+30 is outside"),
]


@pytest.mark.parametrize("name, text, message", OUT_OF_RANGE, ids=[c[0] for c in OUT_OF_RANGE])
def test_values_outside_their_plausible_range_are_refused(tmp_path, name, text, message):
    msg = refused(tmp_path, text, message)
    assert "plausible range" in msg


def test_range_message_states_the_range_in_units():
    # hand: CAPACITY is 1 GB to 10 PB; the message shows both ends with their units
    path = Path("test-part.toml")
    with pytest.raises(SpecError, match=r"facts.capacity: '1 MB' is outside the plausible range 1 GB to 10 PB$"):
        _parts.files.convert(str(path), "facts.capacity", "1 MB", PART_FIELDS["capacity"])


# slc_cache's 0-1 range is checked where it is resolved (rules.py names the field); strings, flags and ids
# are not quantities
_NOT_QUANTITIES = {"str", "bool", "choice"}


def test_every_physical_field_has_a_range_or_a_fixed_list():
    tables = {"part": PART_FIELDS, "nand": NAND_FIELDS, "controller": CONTROLLER_FIELDS}
    tables["published"] = {k: v for k, v in PUBLISHED_KEYS.items() if v is not None}
    missing = [
        f"{t}.{k}"
        for t, fields in tables.items()
        for k, ft in fields.items()
        if ft.kind not in _NOT_QUANTITIES and ft.span is None and not ft.choices and k != "slc_cache"
    ]
    assert missing == []
    assert all(lo < hi for _, (lo, hi), _ in METRICS.values())


# --- item 2: contradictions ------------------------------------------------------------------------------------

CONTRADICTIONS = [
    (
        "idle above power cap",
        figure("idle_power", '"30 W"'),
        "published[1].value: idle_power 30 W above facts.power_cap",
    ),
    (
        "idle above active power",
        figure("active_power", '"20 W"') + '\n[[published]]\nmetric = "idle_power"\nvalue = "21 W"\nkind = "typical"\n',
        "published[2].value: idle_power 21 W above the active power 20 W of published[1]",
    ),
    ("controller idle above active", controller('idle_power = "9 W"'), "idle_power 9 W is above active_power 8 W"),
    ("t_read_slc above t_read", nand('t_read_slc = "50 us"'), "nand[0].t_read_slc: t_read_slc 50 us is above t_read"),
    (
        # a die faster than the shared SLC read time must give its own: the error says the value is a shared one
        "shared t_read_slc above t_read",
        OWN_BASE.replace('"45 us"', '"20 us"'),
        "t_read_slc 25 us (a [shared] value) is above t_read 20 us",
    ),
    ("t_prog_slc above t_prog", nand('t_prog_slc = "2 ms"'), "nand[0].t_prog_slc: t_prog_slc 2 ms is above t_prog"),
    (
        "independent plane reads above planes",
        OWN_BASE.replace("independent_plane_reads = { value = 4", "independent_plane_reads = { value = 8"),
        "independent_plane_reads 8 is above planes 4",
    ),
    ("iu not a power of two", fact('indirection_unit = "12 KiB"'), "facts.indirection_unit: '12 KiB' is not a power"),
    (
        "capacity in bits",
        BASE.replace('"15.36 TB"', '"122.88 Tb"'),
        "facts.capacity: '122.88 Tb' is in bits; give bytes",
    ),
    ("raw in Gbit", fact('raw_capacity = "140737 Gbit"'), "facts.raw_capacity: '140737 Gbit' is in bits"),
    ("sku in bits", fact('nand_by_capacity = { "15.36 Tb" = "kioxia-bics5-tlc" }'), "is in bits; give bytes"),
    ("figure capacity in bits", figure("seq_read", '"1 GB/s"', 'capacity = "30.72 Tbit"\n'), "is in bits"),
    ("tbw in bits", figure("tbw_seq", '"1000 Tb"'), "published[1].value: '1000 Tb' is in bits"),
    (
        "unknown nand in nand_by_capacity",
        fact('nand_by_capacity = { "1.92 TB" = "no-such-nand" }'),
        "nand_by_capacity: unknown NAND id 'no-such-nand' (the 1.92 TB SKU); known:",
    ),
    (
        "channels above the controller's",
        fact("channels = 24"),
        "channels: 24 exceeds controller kioxia-gen5-16ch's 16 channels",
    ),
    ("block size on dwpd", figure("dwpd", "1", 'block_size = "4 KiB"\n'), "published[1].block_size: an endurance"),
    ("block size on tbw", figure("tbw_random", '"10 PB"', 'block_size = "4 KiB"\n'), "published[1].block_size"),
    ("queue depth on dwpd", figure("dwpd", "1", "queue_depth = 32\n"), "published[1].queue_depth: an endurance"),
]


@pytest.mark.parametrize("name, text, message", CONTRADICTIONS, ids=[c[0] for c in CONTRADICTIONS])
def test_contradictions_are_refused(tmp_path, name, text, message):
    refused(tmp_path, text, message)


def test_id_must_be_the_file_name(tmp_path):
    msg = refused(tmp_path, BASE, "id: 'test-part' is not the file name 'other'", name="other")
    assert "rename the file test-part.toml" in msg


def test_bundled_files_are_consistent():
    # every bundled part's id is its file name, and its own SKUs resolve (the checks above pass on real data)
    for p in _parts.bundled_parts():
        assert Path(p.path).stem == p.id
        for cap in p.capacities():
            _parts.params_from_part(p, cap)


def test_a_die_capacity_may_be_given_in_bits(tmp_path):
    # 1 Tibit = 2**40 / 8 B: dies are published in bits, so die_capacity alone takes them
    path = tmp_path / "test-part.toml"
    path.write_text(OWN_BASE)
    die = load_part(path).inline["nand"]["acme-tlc"].get("die_capacity")
    assert die == 2**40 / 8


# --- item 3: published figures take the file-wide source; the README documents every field ---------------------


def test_published_figure_falls_back_to_the_file_wide_source(tmp_path):
    path = tmp_path / "test-part.toml"
    path.write_text(BASE.replace('source = "made up"\n', ""))
    assert [p.source for p in load_part(path).published] == ["made up for a test"]
    facts_sourced = "\n".join(
        f'{k} = "made up"' for k in ("gen", "lanes", "capacity", "power_cap", "nand", "controller")
    )
    no_file_source = BASE.replace('source = "made up for a test"\n', "").replace(
        "\n[[published]]", f"\n[facts.source]\n{facts_sourced}\n\n[[published]]"
    )
    path.write_text(no_file_source)
    assert load_part(path).published[0].source == "made up"
    path.write_text(no_file_source.replace('source = "made up"\n', ""))
    with pytest.raises(SpecError, match=r"published\[0\]\.source: required field missing"):
        load_part(path)


def _documented(readme: str) -> set[str]:
    """Names in the first column of the README's tables: `a`, `b` -> {a, b}."""
    names = set()
    for line in readme.splitlines():
        cells = line.split("|")
        if line.startswith("|") and len(cells) > 2:
            names |= set(re.findall(r"`([a-z_0-9]+)`", cells[1]))
    return names


def test_spec_readme_documents_every_field():
    documented = _documented((ROOT / "data" / "specs" / "README.md").read_text())
    known = {"part": PART_FIELDS, "published": PUBLISHED_KEYS, "metric": METRICS}
    known |= {"nand": NAND_FIELDS, "controller": CONTROLLER_FIELDS}
    missing = sorted(f"{t}.{k}" for t, fields in known.items() for k in fields if k not in documented)
    assert missing == []


# --- item 4: reading never hangs or blows up ------------------------------------------------------------------


def _check(path: str, timeout: float = 30) -> subprocess.CompletedProcess:
    """`linkmodel check PATH` on this tree; a hang fails the test instead of blocking it."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [sys.executable, "-m", "linkmodel", "check", path]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def _one_line_exit_2(proc: subprocess.CompletedProcess, path: str, message: str) -> None:
    assert proc.returncode == 2, proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and path in lines[0] and message in lines[0], proc.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_check_dev_zero_is_refused_before_reading():
    _one_line_exit_2(_check("/dev/zero"), "/dev/zero", "not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_check_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    _one_line_exit_2(_check(str(fifo)), str(fifo), "not a regular file")


def test_oversized_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.toml"
    with big.open("wb") as f:
        f.truncate(64 << 20)  # sparse: 64 MiB of NUL, which the loader read whole
    with pytest.raises(SpecError, match=r"big\.toml: larger than 1024 KiB"):
        load_part(big)


def test_deeply_nested_toml_is_one_line(tmp_path):
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 50_000 + "]" * 50_000 + "\n")
    proc = _check(str(deep))
    assert "Traceback" not in proc.stderr
    _one_line_exit_2(proc, str(deep), "nested too deeply")


def test_directory_is_refused(tmp_path):
    with pytest.raises(SpecError, match="a directory"):
        load_part(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_every_loader_refuses_a_fifo(tmp_path):
    # in a subprocess with a timeout: a loader that opens the FIFO blocks for ever
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    code = (
        "import sys\n"
        "from linkmodel import parts\n"
        "for load in (lambda p: parts.load_catalogue_file(p, 'nand'), parts.load_calibration, parts.load_models):\n"
        "    try:\n"
        "        load(sys.argv[1])\n"
        "    except parts.SpecError as e:\n"
        "        print(e)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", code, str(fifo)], capture_output=True, text=True, env=env, timeout=30)
    assert proc.stdout.splitlines() == [f"{fifo}: not a regular file; expected a .toml file"] * 3, proc.stderr


# --- item 5: python -OO --------------------------------------------------------------------------------------------


def test_bundled_parts_resolve_under_python_OO():
    # -OO strips docstrings: provenance once read from one, and every part without raw_capacity failed
    code = (
        "from linkmodel import parts\n"
        "n = 0\n"
        "for p in parts.bundled_parts():\n"
        "    for c in p.capacities():\n"
        "        params, prov = parts.params_from_part(p, c)\n"
        "        assert set(prov) == set(params) and all(v.detail for v in prov.values())\n"
        "        n += 1\n"
        "print(n)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-OO", "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    skus = sum(len(p.capacities()) for p in _parts.bundled_parts())
    assert int(proc.stdout) == skus > 14


def test_beyond_any_magnitude_the_parser_refuses_first(tmp_path):
    # 1e300 ms is beyond the unit parser's 1e30 of any SI unit: refused there, still naming the field
    msg = refused(tmp_path, nand('t_erase = "1e300 ms"'), "nand[0].facts.t_erase: '1e300 ms' is out of range")
    assert "\n" not in msg
