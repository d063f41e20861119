"""Published figures measured in the SLC cache (``[[published]].state = "slc_burst"``): parsed, checked, and
predicted by the burst drive in validate, check, the draws and the calibration; other figures unchanged."""

from pathlib import Path

import pytest
import spec_fixture

from linkmodel import parts as _parts
from linkmodel.parts import SpecError, load_part
from linkmodel.ssd import drive
from linkmodel.studies import calibrate, check, uncertain, validate, verdict

GB = 1e9

#: a sequential write the test file publishes, then its state line (or none)
_SEQ_WRITE = """
[[published]]
metric = "seq_write"
value = "10 GB/s"
kind = "up_to"
source = "made up"
"""


def _part(tmp_path, text: str):
    path = tmp_path / "test-part.toml"
    path.write_text(text)
    return load_part(path)


def test_state_is_parsed_and_defaults_to_steady(tmp_path):
    p = _part(tmp_path, spec_fixture.BASE + _SEQ_WRITE + 'state = "slc_burst"\n')
    assert [x.state for x in p.published] == ["steady", "slc_burst"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (_SEQ_WRITE + 'state = "burst"\n', "published[1].state: 'burst' not allowed; allowed: steady, slc_burst"),
        (_SEQ_WRITE + "state = 1\n", "published[1].state: 1 not allowed; allowed: steady, slc_burst"),
        (
            _SEQ_WRITE.replace("seq_write", "rand_read").replace("10 GB/s", "1 MIOPS") + 'state = "slc_burst"\n',
            "published[1].state: an SLC-cache burst is modelled for seq_write, seq_write_power only, not rand_read",
        ),
    ],
)
def test_bad_state_is_a_one_line_error_naming_file_and_field(tmp_path, extra, message):
    with pytest.raises(SpecError) as e:
        _part(tmp_path, spec_fixture.BASE + extra)
    text = str(e.value)
    assert "\n" not in text
    assert text.startswith(str(tmp_path / "test-part.toml") + ": ")
    assert message in text


def test_micron_ufs40_burst_by_hand():
    # Micron UFS 4.0 1 TB: 8 dies of B58R TLC, 6 planes x 16 KiB, SLC-mode program 250 us (catalogue shared
    # value), erase 4 ms per SLC block of 1536 / 3 = 512 pages per plane; 4 channels at 2400 MT/s (8.6 GB/s
    # of data with 11 % spare) and the HS-G5 x2 link (4.63 GB/s) bind later. The dies:
    # 8 / (250e-6 / (6 x 16384) + 4e-3 / (6 x 512 x 16384)) = 3.050 GB/s; natively (tPROG 880 us, 3 bits
    # per program, the same die-bound stage) 2.41 GB/s
    per_byte = 250e-6 / (6 * 16384) + 4e-3 / (6 * 512 * 16384)
    (rec,) = [r for r in validate.validate_part("micron-ufs40") if r.metric == "seq_write"]
    assert rec.binding == "dies"
    assert rec.predicted == pytest.approx(8 / per_byte, rel=1e-9)
    assert rec.predicted == pytest.approx(3.050 * GB, rel=1e-3)
    assert rec.why.startswith("SLC-cache burst: t_prog_slc 250 us") and rec.state == "slc_burst"


def _without_states(part_id: str, tmp_path) -> Path:
    text = Path(_parts.load(part_id).path).read_text().replace('state = "slc_burst"\n', "")
    out = tmp_path / f"{part_id}.toml"
    out.write_text(text)
    return out


def test_non_burst_figures_unchanged(tmp_path):
    """The 990 PRO's read figures are the same with and without the burst state on its write; its write
    without the state is the native drive's (the steady state, as before)."""
    burst = {r.metric: r for r in validate.validate_part("samsung-990-pro-2tb")}
    plain = {r.metric: r for r in validate.validate_part(_without_states("samsung-990-pro-2tb", tmp_path))}
    for m in ("seq_read", "rand_read"):
        assert (burst[m].predicted, burst[m].binding, burst[m].why) == (
            plain[m].predicted,
            plain[m].binding,
            plain[m].why,
        )
    assert plain["seq_write"].predicted < burst["seq_write"].predicted
    assert "SLC-cache burst" not in plain["seq_write"].why
    # an explicit "steady" is the default
    text = Path(_parts.load("samsung-990-pro-2tb").path).read_text().replace('"slc_burst"', '"steady"')
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "samsung-990-pro-2tb.toml").write_text(text)
    steady = {r.metric: r for r in validate.validate_part(tmp_path / "s" / "samsung-990-pro-2tb.toml")}
    assert steady["seq_write"].predicted == plain["seq_write"].predicted


def test_draws_check_and_calibration_use_the_burst_prediction():
    (rec,) = [r for r in validate.validate_part("micron-ufs40") if r.metric == "seq_write"]
    iv = uncertain.intervals("micron-ufs40", n=64, seed=1)
    (f,) = [x for x in iv.figures if x.metric == "seq_write"]
    assert f.point == pytest.approx(rec.predicted, rel=1e-12)
    assert "nand micron-b58r-tlc.t_prog_slc" in iv.inputs  # the SLC program time is drawn
    rep = check.report("micron-ufs40", draws=64, seed=1)
    (c,) = [x for x in rep.checks if x.metric == "seq_write"]
    # what must be true: 4 GB/s x 2.6226e-9 die-seconds per byte (above) = 10.5 SLC-mode dies of the 8
    assert "10 NAND dies busy at once with micron-b58r-tlc timing in SLC mode (the SKU has 8)" in c.requirements
    # the hard ceiling: the dies at the best ends of the catalogue's ranges, SLC program 100 us and erase 3 ms,
    # 8 / (100e-6 / (6 x 16384) + 3e-3 / (6 x 512 x 16384)) = 7.43 GB/s, above the HS-G5 x2 link's 4.63 GB/s;
    # natively (tPROG at its best end, 587 us) the dies top out at 3.46 GB/s, below the published 4 GB/s
    h = verdict.hard_ceilings("micron-ufs40", None, drive.WORKLOADS["seq_write"], state="slc_burst")
    assert h["dies"]["ceiling"] * 131072 == pytest.approx(8 / (100e-6 / (6 * 16384) + 3e-3 / (6 * 512 * 16384)))
    assert c.hard_ceiling == pytest.approx(4.626 * GB, rel=1e-3) and c.hard_ceiling_at.startswith("UFS HS-G5B x2")
    assert c.verdict != "impossible"
    (fig,) = [x for x in calibrate.figures() if x.part == "micron-ufs40" and x.metric == "seq_write"]
    assert fig.state == "slc_burst"
    prob = calibrate.Problem([fig])
    consts = [[_parts.calibration.stored()[n] for n in _parts.calibration.CONSTANTS]]
    assert prob.predict(consts)[0, 0] == pytest.approx(rec.predicted, rel=1e-9)
