"""Spec files: every bundled part loads; broken files give clear one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spec_fixture

from linkmodel import parts as _parts
from linkmodel.cli import main
from linkmodel.parts import SpecError, load_part

SPECS = sorted(_parts.specs_dir().glob("*.toml"))


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.stem)
def test_bundled_part_loads_and_resolves(path):
    part = load_part(path)
    assert part.id == path.stem
    cat = _parts.catalogue()
    for cap in part.capacities():
        params, prov = _parts.params_from_part(part, cap, cat)
        assert set(prov) == set(params)


def test_required_parts_present():
    ids = {p.id for p in _parts.bundled_parts()}
    must = {
        "samsung-pm1763",
        "samsung-pm1753",
        "samsung-pm1743",
        "kioxia-cm9-r",
        "kioxia-cm9-25tb-kvcache",
        "ymtc-pe522",
    }
    assert must <= ids
    assert len(ids - must) >= 6
    cells = {_parts.catalogue()["nand"][p.get("nand")].get("cell") for p in _parts.bundled_parts()}
    assert {"TLC", "QLC"} <= cells
    gens = {p.get("gen") for p in _parts.bundled_parts()}
    assert {5, 6} <= gens


def test_a_value_without_source_or_basis_is_refused(tmp_path):
    # the loader is what keeps every value sourced (a check on the loaded values could not fail: D20)
    blank = BASE.replace('source = "made up for a test"', 'source = "  "')
    bad = tmp_path / "test-part.toml"
    bad.write_text(blank)
    with pytest.raises(SpecError, match="source"):
        load_part(bad)


BASE = spec_fixture.BASE

BROKEN = [
    ("missing required", BASE.replace("gen = 5\n", ""), "facts.gen: required field missing"),
    ("wrong type", BASE.replace("gen = 5", 'gen = "five"'), "facts.gen: expected a whole number"),
    ("bad generation", BASE.replace("gen = 5", "gen = 9"), "facts.gen: 9 not allowed"),
    ("negative", BASE.replace('"15.36 TB"', '"-1 TB"'), "facts.capacity: must be positive"),
    ("unknown unit", BASE.replace('"15.36 TB"', '"15.36 XB"'), "facts.capacity: cannot read '15.36 XB': unknown unit"),
    ("ambiguous unit", BASE.replace('"15.36 TB"', '"15.36 KB"'), "unknown unit 'KB'"),
    ("wrong dimension", BASE.replace('"25 W"', '"25 GB"'), "facts.power_cap: '25 GB' is not a power"),
    ("unknown key", BASE.replace("lanes = 4", "lanes = 4\nflux = 3"), "facts.flux: unknown key"),
    ("unknown top key", BASE + "\ncolour = 'red'\n", "colour: unknown key"),
    ("bad TOML", BASE.replace("gen = 5", "gen = = 5"), "not valid TOML"),
    ("no source", BASE.replace('source = "made up for a test"\n', ""), "facts.source.gen: missing"),
    (
        "fact and assumption",
        BASE + '\n[assumed]\ngen = { value = 5, basis = "x" }\n',
        "assumed.gen: also given as a fact",
    ),
    ("assumption without basis", BASE + '\n[assumed]\nmps = { value = "512 B" }\n', "assumed.mps: expected"),
    (
        "unknown metric",
        BASE.replace('metric = "seq_read"', 'metric = "speed"'),
        "published[0].metric: 'speed' not allowed",
    ),
    (
        "published wrong unit",
        BASE.replace('"14.8 GB/s"', '"14.8 GB"'),
        "published[0].value: '14.8 GB' is not a bandwidth",
    ),
    (
        "published missing value",
        BASE.replace('value = "14.8 GB/s"\n', ""),
        "published[0].value: required field missing",
    ),
    ("bad kind", BASE.replace('kind = "up_to"', 'kind = "maybe"'), "published[0].kind: 'maybe' not allowed"),
    ("wrong schema", BASE.replace("linkmodel-spec/1", "other/2"), "schema: expected"),
    ("bad mps", BASE.replace("lanes = 4", 'lanes = 4\nmps = "300 B"'), "facts.mps: '300 B' not allowed"),
    ("number without unit", BASE.replace('"25 W"', "25"), 'facts.power_cap: a power needs a unit, e.g. "25 W"'),
    ("string without unit", BASE.replace('"15.36 TB"', '"15.36"'), "facts.capacity: a size needs a unit"),
]

# Files that load, field by field, but describe no drive the model can run: the error names the file
# (and the SKU when the model, not the loader, finds the problem).
UNRUNNABLE = [
    (
        "cap below static power",
        BASE.replace('"25 W"', '"4 W"'),
        "(15.36 TB SKU): power_cap: 4 W does not exceed the drive's static power",
    ),
    (
        "capacity below one die",
        BASE.replace('"15.36 TB"', '"60 GB"\nraw_capacity = "64 GB"'),
        "less than one 1024 Gibit die of kioxia-bics8-tlc",
    ),
    (
        "more channels than dies",
        BASE.replace('"15.36 TB"', '"0.96 TB"').replace("lanes = 4", "lanes = 4\nchannels = 16"),
        "channels: 16 channels but capacity 0.96 TB has only 8 dies",
    ),
    (
        "capacity too large for the cap",
        # 5 PB of NAND wants ~5 TB of DRAM: 4,657 GiB x 0.054 W/GiB = 251 W of DRAM alone
        BASE.replace('"15.36 TB"', '"5 PB"'),
        "does not exceed the drive's static power",
    ),
    ("raw below user", BASE.replace("lanes = 4", 'lanes = 4\nraw_capacity = "10 TB"'), "raw_capacity: usable NAND"),
    (
        "link faster than the controller",
        BASE.replace("gen = 5", "gen = 6"),
        "gen: 6 exceeds controller kioxia-gen5-16ch",
    ),
    ("link wider than the controller", BASE.replace("lanes = 4", "lanes = 8"), "lanes: 8 exceeds controller"),
]


def test_check_lists_model_inputs_with_provenance(tmp_path, capsys):
    path = tmp_path / "test-part.toml"
    path.write_text(
        BASE.replace("lanes = 4", "lanes = 4\nchannels = 8")
        + '\n[facts.source]\nchannels = "secondary: a forum post"\n'
    )
    assert main(["check", str(path), "--json"]) == 0
    rows = {r["parameter"]: r for r in json.loads(capsys.readouterr().out)["inputs"]}
    assert rows["channels"]["source"] == "fact (secondary source)" and rows["channels"]["value"] == 8
    assert rows["gen"]["source"] == "fact"
    assert rows["program_power"]["source"] == "calibrated"
    assert rows["controller_power"]["source"] == "calibrated"  # a calibrated share of the catalogue figure


@pytest.mark.parametrize("name, text, message", UNRUNNABLE, ids=[u[0] for u in UNRUNNABLE])
def test_cli_check_unrunnable_file_exit_2_one_line(tmp_path, name, text, message):
    path = tmp_path / "test-part.toml"
    path.write_text(text)
    for cmd in (["check", str(path)], ["check", str(path), "--json"]):
        proc = subprocess.run([sys.executable, "-W", "error", "-m", "linkmodel", *cmd], capture_output=True, text=True)
        assert proc.returncode == 2, proc.stdout
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and message in lines[0] and str(path) in lines[0], proc.stderr


@pytest.mark.parametrize("name, text, message", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_spec_files(tmp_path, name, text, message):
    path = tmp_path / "test-part.toml"
    path.write_text(text)
    with pytest.raises(SpecError) as info:
        load_part(path)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(str(path)), msg
    assert message in msg, msg


@pytest.mark.parametrize("name, text, message", BROKEN[:6], ids=[b[0] for b in BROKEN[:6]])
def test_cli_check_broken_file_exit_2_no_traceback(tmp_path, name, text, message):
    path = tmp_path / "test-part.toml"
    path.write_text(text)
    proc = subprocess.run([sys.executable, "-m", "linkmodel", "check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(path) in lines[0]


def test_unknown_catalogue_id(tmp_path, capsys):
    path = tmp_path / "test-part.toml"
    path.write_text(BASE.replace('"kioxia-bics8-tlc"', '"no-such-nand"'))
    code = main(["check", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and "nand: unknown catalogue id 'no-such-nand'" in err


def test_spec_outside_repository_works(tmp_path, capsys):
    path = tmp_path / "test-part.toml"
    path.write_text(BASE)
    assert main(["check", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["part"] == "test-part"
    assert doc["records"][0]["metric"] == "seq_read"


def test_missing_file(capsys):
    code = main(["check", "/nonexistent/part.toml"])
    assert code == 2 and "no such file" in capsys.readouterr().err


def test_unknown_bundled_part():
    with pytest.raises(KeyError, match="unknown part 'nope'; known:"):
        _parts.load("nope")
    assert Path(_parts.specs_dir()).is_dir()


def test_nand_by_capacity(tmp_path):
    part = _parts.load("kioxia-cd9p-r")
    # the source: BiCS8 for 7.68 TB and above, BiCS5 for the 1.92 and 3.84 TB SKUs
    assert _parts.nand_id(part, 1.92e12) == "kioxia-bics5-tlc"
    assert _parts.nand_id(part, 7.68e12) == "kioxia-bics8-tlc"
    assert _parts.nand_id(part) == "kioxia-bics8-tlc"
    small, _ = _parts.params_from_part(part, 1.92e12)
    assert small["t_read"] == pytest.approx(56e-6)  # BiCS5's ISSCC tR
    text = Path(part.path).read_text().replace('"1.92 TB" = "kioxia-bics5-tlc"', '"1.92" = "kioxia-bics5-tlc"')
    bad = tmp_path / "kioxia-cd9p-r.toml"
    bad.write_text(text)
    with pytest.raises(SpecError, match=r"nand_by_capacity.*needs a unit"):
        load_part(bad)


def test_every_catalogue_entry_builds_a_drive():
    # each NAND and controller of the shared catalogue, swapped into a bundled part (what-if), gives finite
    # predictions of every standard workload; a controller older than the part's link is refused by name
    import numpy as np

    from linkmodel import parts as _parts
    from linkmodel.ssd import drive

    cat = _parts.catalogue()
    part = next(p for p in _parts.bundled_parts() if p.id == "kioxia-cm9-r")
    for nid in cat["nand"]:
        params, _ = _parts.params_from_part(part, None, cat, nand=nid)
        ds = drive.predict(params)
        assert np.all(np.isfinite(ds.iops.values)) and np.all(ds.iops.values > 0), nid
    for cid, entry in cat["controller"].items():
        if "gear" in entry.fields:  # a UFS device controller: refused by a PCIe part, by name
            with pytest.raises(_parts.SpecError, match=f"controller: {cid} has a UFS host interface"):
                _parts.params_from_part(part, None, cat, controller=cid)
            continue
        if int(entry.get("gen")) < 5:
            with pytest.raises(_parts.SpecError, match=f"exceeds controller {cid}'s gen"):
                _parts.params_from_part(part, None, cat, controller=cid)
            continue
        params, _ = _parts.params_from_part(part, None, cat, controller=cid)
        ds = drive.predict(params)
        assert np.all(np.isfinite(ds.iops.values)) and np.all(ds.iops.values > 0), cid


INLINE_NAND = spec_fixture.INLINE_NAND


def test_inline_nand_and_controller(tmp_path, capsys):
    # a part file may carry its own die and controller, laid out as catalogue entries; the catalogue's shared
    # values fill what it leaves out (16 KiB pages, 11 % spare, TLC erase time)
    text = (
        BASE.replace('nand = "kioxia-bics8-tlc"', 'nand = "acme-tlc"').replace(
            'controller = "kioxia-gen5-16ch"', 'controller = "acme-ctrl"'
        )
        + INLINE_NAND
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
    path = tmp_path / "test-part.toml"
    path.write_text(text)
    params, prov = _parts.params_from_part(load_part(path))
    assert params["t_read"] == pytest.approx(45e-6) and params["t_prog"] == pytest.approx(1e-3)
    assert params["page_size"] == 16384
    assert params["channels"] == 8 and params["channel_rate"] == 1.6e9  # min(1600, 2400) MT/s
    # 15.36 TB on 1 Tibit dies: raw 17.59 TB (16 TiB) / 137.4 GB per die = 128 dies
    assert params["dies"] == 128
    assert prov["t_read"].source == "part file" and prov["t_erase"].source == "part file"
    assert "shared TLC value (nand.toml)" in prov["t_erase"].detail
    assert main(["check", str(path)]) == 0 and "part file" in capsys.readouterr().out


@pytest.mark.parametrize(
    "name, extra, message",
    [
        (
            "catalogue id reused",
            INLINE_NAND.replace('id = "acme-tlc"', 'id = "kioxia-bics8-tlc"'),
            "nand: the file's own entry 'kioxia-bics8-tlc' has a catalogue id",
        ),
        (
            "inline missing field",
            INLINE_NAND.replace('t_read = "45 us"\n', ""),
            "nand[0].facts.t_read: required field missing",
        ),
        (
            "inline unknown key",
            INLINE_NAND.replace("planes = 4", "planes = 4\nwarp = 9"),
            "nand[0].facts.warp: unknown key",
        ),
        ("inline bad unit", INLINE_NAND.replace('"45 us"', '"45 uss"'), "nand[0].facts.t_read: cannot read '45 uss'"),
    ],
)
def test_inline_entry_errors_name_the_file_and_field(tmp_path, capsys, name, extra, message):
    nand_id = "kioxia-bics8-tlc" if name == "catalogue id reused" else "acme-tlc"
    path = tmp_path / "test-part.toml"
    path.write_text(BASE.replace('nand = "kioxia-bics8-tlc"', f'nand = "{nand_id}"') + extra)
    code = main(["check", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and message in err and str(path) in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_read_efficiency_defaults_to_sequential_blocks(tmp_path):
    # read efficiency is sequential-read bandwidth per watt (the 9650 PRO's 1,120 MB/s/W is its 28,000 MB/s
    # over 25 W): without a block size it is a 128 KiB figure, like seq_read; random metrics stay at 4 KiB
    path = tmp_path / "test-part.toml"
    path.write_text(
        BASE + '\n[[published]]\nmetric = "read_efficiency"\nvalue = "600 MB/s/W"\nkind = "up_to"\n'
        'source = "made up"\n\n[[published]]\nmetric = "rand_read"\nvalue = "2 MIOPS"\nkind = "up_to"\n'
        'source = "made up"\n'
    )
    blocks = {p.metric: p.block_size for p in load_part(path).published}
    assert blocks == {"seq_read": 131072.0, "read_efficiency": 131072.0, "rand_read": 4096.0}


def test_small_sku_populates_fewer_channels(tmp_path):
    # 0.96 TB on 1 Tibit dies: 1 TiB of NAND = 8 dies, so a 16-channel controller has 8 channels in use, each
    # with one die: the channel ceiling is 8 x 3.2 GT/s, not 16 x
    path = tmp_path / "test-part.toml"
    path.write_text(BASE.replace('"15.36 TB"', '"0.96 TB"'))
    params, prov = _parts.params_from_part(load_part(path))
    assert params["dies"] == 8 and params["channels"] == 8
    assert prov["channels"].source == "derived"
    assert "8 of controller kioxia-gen5-16ch's 16 channels" in prov["channels"].detail


def test_one_part_by_id_reads_its_file_alone_and_equals_the_bundled_one():
    # a part's id is its file's name: `load(id)` reads only that file (a command's start), and gives the
    # same Part as the full bundle; an unknown id lists every bundled id from the file names
    from linkmodel.parts import files

    one = files._load_one("kioxia-cm9-r")
    assert one == {p.id: p for p in _parts.bundled_parts()}["kioxia-cm9-r"]
    assert one.path.endswith("kioxia-cm9-r.toml")
    with pytest.raises(KeyError, match=r"unknown part 'nope'; known: .*samsung-pm1763"):
        files.load("nope")
    assert list(files._bundled_ids()) == sorted(p.stem for p in SPECS)
