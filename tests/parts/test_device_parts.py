"""Issue 18 item 1: device storage parts (UFS 4.0 phones, client NVMe) and the host-link family.

The UFS parts' link ceilings are derived by hand from edge_inference.md §1.6: HS-G5B x2 carries
4,664,320,000 B/s after 8b/10b (E5); a 128 KiB read is 4 DATA IN UPIUs of 32 B + 32,768 B, each in 29 UniPro
v2.0 frames of 8 B overhead (33,032 B), plus a 40 B response: 132,168 B device to host.
"""

import numpy as np
import pytest
import spec_fixture
import xarray as xr

from linkmodel import parts
from linkmodel.parts import SpecError, load_part
from linkmodel.ssd import drive, latency
from linkmodel.ssd.params import DriveParams
from linkmodel.studies import sanity

UFS = ("samsung-ufs40", "micron-ufs40")
CLIENT = ("samsung-990-pro-2tb", "samsung-990-evo-plus-2tb", "wd-black-sn850x-2tb", "crucial-t705-2tb")
SEQ_READ_128K_UFS40 = 4_664_320_000 / 132_168  # 35,290.8 I/Os per second, 4.6256 GB/s


@pytest.mark.parametrize("pid", UFS + CLIENT)
def test_parts_load_and_check_cleanly(pid):
    part = parts.load(pid)
    for c in sanity.check_part(part):
        assert c.possible, (pid, c.metric)  # every figure fits its link
    _, prov = parts.params_from_part(part)
    assert prov["power_cap"].source in ("fact", "assumed")


@pytest.mark.parametrize("pid", UFS)
def test_ufs_part_link_ceiling_is_the_ufs_budget(pid):
    params, prov = parts.params_from_part(parts.load(pid))
    assert params["link_family"] == 1.0 and params["gen"] == 5 and params["lanes"] == 2
    ds = drive.evaluate(params, drive.WORKLOADS["seq_read"])
    assert float(ds.ceiling_link) == pytest.approx(SEQ_READ_128K_UFS40)
    assert str(ds.link_binding.values) == "device_to_host"
    # the vendors' 4.2-4.3 GB/s sit at 0.91-0.93 of it: the link binds a little above them
    assert float(ds.throughput) == pytest.approx(SEQ_READ_128K_UFS40 * 131072)
    assert "UFS" in prov["mps"].detail or "not used" in prov["mps"].detail


def test_link_stage_broadcasts_over_families():
    # one PCIe Gen4 x4 and one UFS HS-G5 x2 drive on an axis: each gets its own family's ceiling
    base, _ = parts.params_from_part(parts.load("samsung-990-pro-2tb"))
    ufs_p, _ = parts.params_from_part(parts.load("samsung-ufs40"))
    fam = xr.DataArray([0.0, 1.0], dims="drive")
    both = DriveParams.from_mapping(
        {
            **dict(base),
            "link_family": fam,
            "gen": xr.DataArray([4, 5], dims="drive"),
            "lanes": xr.DataArray([4, 2], dims="drive"),
        }
    )
    ds = drive.evaluate(both, drive.WORKLOADS["seq_read"])
    alone = drive.evaluate(base, drive.WORKLOADS["seq_read"])
    assert float(ds.ceiling_link[0]) == pytest.approx(float(alone.ceiling_link))
    assert float(ds.ceiling_link[1]) == pytest.approx(SEQ_READ_128K_UFS40)
    assert list(ds.link_binding.values)[1] == "device_to_host"
    with pytest.raises(ValueError, match="link_family"):
        drive.evaluate(DriveParams.from_mapping({**dict(ufs_p), "link_family": 2.0}), drive.WORKLOADS["seq_read"])


def test_dramless_part_has_no_dram_power():
    params, _ = parts.params_from_part(parts.load("samsung-990-evo-plus-2tb"))
    assert params["dram_power"] == 0.0
    with_dram, _ = parts.params_from_part(parts.load("samsung-990-pro-2tb"))
    assert with_dram["dram_power"] > 0.0  # 1 B per 1 KB of NAND at 0.054 W/GiB


def test_whatifs_and_latency_on_a_ufs_part():
    part = parts.load("samsung-ufs40")
    with pytest.raises(SpecError, match=r"samsung-ufs40\.toml: what-if gen: .*UFS"):
        parts.params_from_part(part, gen=6)
    with pytest.raises(SpecError, match="what-if lanes: 8 not allowed on a UFS link"):
        parts.params_from_part(part, lanes=8)
    one_lane, _ = parts.params_from_part(part, lanes=1)
    ds = drive.evaluate(one_lane, drive.WORKLOADS["seq_read"])
    assert float(ds.ceiling_link) == pytest.approx(SEQ_READ_128K_UFS40 / 2)  # half the byte rate, same wire bytes
    params, _ = parts.params_from_part(part)
    # the QD1 latency runs on the UFS host path (linkmodel.ssd.ufspath; by hand in tests/ssd/test_hostpath.py)
    br = latency.qd1(params)
    assert float(br.response) > 0 and float(br.doorbell) == 0.0 and float(br.cqe) == 0.0


UFS_FACTS = spec_fixture.BASE.replace("gen = 5\nlanes = 4", 'link = "ufs"\ngear = 5\nlanes = 2').replace(
    'controller = "kioxia-gen5-16ch"', 'controller = "samsung-ufs40-ctrl"'
)


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("gear = 5\n", "", "facts.gear: required field missing"),
        ("gear = 5\n", "gear = 5\ngen = 4\n", "facts.gen: not allowed on a UFS link"),
        ("lanes = 2", "lanes = 8", "facts.lanes: 8 not allowed on a UFS link"),
        ("gear = 5\n", "gear = 6\n", "facts.gear: 6 not allowed"),
        ('link = "ufs"', 'link = "sata"', "facts.link: 'sata' not allowed"),
        ("lanes = 2\n", 'lanes = 2\nmps = "512 B"\n', "facts.mps: not allowed on a UFS link"),
        ('link = "ufs"\ngear = 5\n', "gear = 5\n", 'facts.gen: required field missing (link = "pcie", the default)'),
        ("lanes = 2\n", 'lanes = 2\nhmb = "64 MiB"\n', "facts.hmb: not allowed on a UFS link"),
    ],
)
def test_bad_link_family_input_is_one_line_naming_file_and_field(tmp_path, old, new, field):
    p = tmp_path / "test-part.toml"
    p.write_text(UFS_FACTS.replace(old, new, 1))
    with pytest.raises(SpecError) as e:
        load_part(p)
    msg = str(e.value)
    assert "\n" not in msg and msg.startswith(str(p)) and field in msg, msg


def test_ufs_part_with_a_pcie_controller_is_refused(tmp_path):
    p = tmp_path / "test-part.toml"
    p.write_text(UFS_FACTS.replace('controller = "samsung-ufs40-ctrl"', 'controller = "kioxia-gen5-16ch"'))
    with pytest.raises(SpecError, match=r"test-part\.toml: controller: kioxia-gen5-16ch has a PCIE host interface"):
        parts.params_from_part(load_part(p))
    ok = tmp_path / "ok" / "test-part.toml"
    ok.parent.mkdir()
    ok.write_text(UFS_FACTS)
    params, _ = parts.params_from_part(load_part(ok))
    assert params["link_family"] == 1.0 and np.isfinite(params["phy_power"])


@pytest.mark.parametrize(
    ("extra", "field"),
    [('dramless = true\ndram = "16 GB"\n', "facts.dram: a DRAM-less part"), ('hmb = "64 MiB"\n', "facts.hmb")],
)
def test_dram_and_hmb_contradictions(tmp_path, extra, field):
    p = tmp_path / "test-part.toml"
    p.write_text(spec_fixture.BASE.replace("lanes = 4\n", "lanes = 4\n" + extra))
    with pytest.raises(SpecError, match=field):
        load_part(p)


def test_parameter_sets_without_a_link_family_are_pcie():
    import reference_drive

    old = {k: v for k, v in reference_drive.BASE.items() if k != "link_family"}
    assert DriveParams.from_mapping(old)["link_family"] == 0.0


def test_mapping_cache_needs_a_dramless_part_and_wins_over_the_hmb(tmp_path):
    # a drive with DRAM holds its whole table: a mapping_cache there contradicts it
    p = tmp_path / "test-part.toml"
    p.write_text(spec_fixture.BASE.replace("lanes = 4\n", 'lanes = 4\nmapping_cache = "1 MiB"\n'))
    with pytest.raises(SpecError, match=r"test-part\.toml: mapping_cache: a drive with DRAM"):
        parts.params_from_part(load_part(p))
    # DRAM-less: the hmb is the cache (64 MiB), an explicit mapping_cache wins over it (1 MiB), neither: 256 KiB
    for extra, held in (
        ('dramless = true\nhmb = "64 MiB"\n', 64 * 2**20),
        ('dramless = true\nhmb = "64 MiB"\nmapping_cache = "1 MiB"\n', 2**20),
        ("dramless = true\n", 256 * 1024),
    ):
        p.write_text(spec_fixture.BASE.replace("lanes = 4\n", "lanes = 4\n" + extra))
        params, prov = parts.params_from_part(load_part(p))
        assert params["mapping_cache"] == held and params["dram_power"] == 0.0, extra
        assert "whole table" in prov["mapping_cache"].detail
