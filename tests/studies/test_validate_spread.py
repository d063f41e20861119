"""validate: QD1 latency over the unstated inputs' ranges, mixed figures at the vendor's queue depth or over a range."""

from pathlib import Path

import pytest

from linkmodel import parts
from linkmodel.parts import load_part
from linkmodel.ssd import drive
from linkmodel.studies import spread, validate

pytestmark = pytest.mark.validation

US = 1e-6


@pytest.fixture(scope="module")
def records():
    return validate.validate()


def _one(records, part, metric, capacity=None):
    hits = [
        r for r in records if r.part == part and r.metric == metric and (capacity is None or r.capacity == capacity)
    ]
    assert len(hits) == 1
    return hits[0]


def test_latency_range_is_the_firmware_and_tr_ranges_by_hand(records):
    # CM9-R on BiCS8 (tR 50 us, range 40-56) and a controller with the shared firmware time (5 us, range
    # 2-16): the QD1 read spans -3 - 10 = -13 us to +11 + 6 = +17 us around the prediction
    r = _one(records, "kioxia-cm9-r", "read_latency")
    assert r.predicted - r.predicted_low == pytest.approx(13 * US)
    assert r.predicted_high - r.predicted == pytest.approx(17 * US)
    # a buffered write moves with the firmware time only: -3 us, +11 us
    w = _one(records, "kioxia-cm9-r", "write_latency")
    assert w.predicted - w.predicted_low == pytest.approx(3 * US)
    assert w.predicted_high - w.predicted == pytest.approx(11 * US)
    # a die whose tR is published (X200P: SK hynix 176L, 50 us) has no tR range: firmware only
    x = _one(records, "phison-pascari-x200p", "read_latency")
    assert x.predicted - x.predicted_low == pytest.approx(3 * US)
    assert x.predicted_high - x.predicted == pytest.approx(11 * US)


def test_r6060_read_latency_is_a_check_now(records):
    # its tR is no longer read back from this figure (generic-qlc: 85 us, the QLC prior), so it is scored
    r = _one(records, "dapustor-r6060", "read_latency")
    assert r.error is not None and not r.binding.startswith("input")
    assert r.binding.startswith("media 85 us")


def test_micron_mixed_figures_at_their_stated_depth(records):
    part = parts.part("micron-9550-max")
    mixed = [r for r in records if r.part == part.id and r.metric == "mixed_70_30"]
    assert len(mixed) == 4
    for r in mixed:
        # Micron: data-center spec sheets quote 70/30 at QD 256 (its 7500 blog, cited in the figure's note)
        assert r.queue_depth == 256 and r.predicted is not None and r.predicted_low is None
        assert "stated QD 256" in r.binding
        # a closed loop never beats the open-loop ceiling of the mix
        with parts.about(part, r.capacity):
            params, _ = parts.params_from_part(part, r.capacity)
            ceiling = float(drive.evaluate(params, drive.WORKLOADS["mixed_70_30"]).iops)
        assert r.predicted <= ceiling * (1 + 1e-9)


def test_mixed_figure_with_no_depth_is_a_range(tmp_path):
    # the 9550 MAX's file without its stated depth: each mixed figure becomes the model's QD 32-256 span,
    # no single prediction, scored inside / outside
    text = Path(parts.part("micron-9550-max").path).read_text()
    assert text.count("queue_depth = 256\n") == 4
    text = text.replace("queue_depth = 256\n", "")
    p = tmp_path / "micron-9550-max.toml"
    p.write_text(text)
    recs = [r for r in validate.validate_part(load_part(p)) if r.metric == "mixed_70_30"]
    assert len(recs) == 4
    for r in recs:
        assert r.predicted is None and r.error is None and r.queue_depth is None
        assert r.predicted_low < r.predicted_high
        assert ("(inside)" in r.binding) == r.in_range
        assert "QD 32-256" in r.binding
    s = validate.range_summary(recs)
    assert s["mixed read/write"]["range_only"] == 4


def test_in_range_and_range_summary_by_hand():
    def rec(metric, published, lo, hi, predicted=1.0, kind="up_to"):
        return validate.Record(
            "p", 1e12, metric, published, predicted, None, "b", kind, True, 4096.0, "s",
            predicted_low=lo, predicted_high=hi,
        )  # fmt: skip

    recs = [
        rec("read_latency", 60e-6, 50e-6, 70e-6),  # inside
        rec("read_latency", 80e-6, 50e-6, 70e-6),  # above
        rec("write_latency", 5e-6, 7e-6, 21e-6),  # below
        rec("mixed_70_30", 640e3, 411e3, 1378e3, predicted=None),  # inside, range only
        rec("mixed_70_30", 640e3, 700e3, 900e3, kind="measured"),  # third-party: left out
        validate.Record("p", 1e12, "seq_read", 1.0, 1.0, 0.0, "link", "up_to", True, 4096.0, "s"),  # no range
    ]
    assert [r.in_range for r in recs] == [True, False, False, True, False, None]
    s = validate.range_summary(recs)
    assert s == {
        "QD1 latency": {"n": 3, "inside": 1, "range_only": 0},
        "mixed read/write": {"n": 1, "inside": 1, "range_only": 1},
    }
    md = validate.summary_markdown(recs)
    assert "| QD1 latency | 3 | 1/3 | 0 |" in md and "| mixed read/write | 1 | 1/1 | 1 |" in md


def test_mixed_depths_are_the_documented_span():
    # Micron's blog: QD 256 on spec sheets, QD 32 "a normal stress level"
    assert spread.MIXED_DEPTHS == (32, 256)


def test_host_path_ends_and_a_bad_end():
    cat = parts.catalogue()
    p = parts.part("kioxia-cm9-r")  # shared firmware time: 5 us, range 2-16 us (controllers.toml)
    assert spread.host_path(p, cat).firmware_write == pytest.approx(5 * US)
    assert spread.host_path(p, cat, "low").firmware_read == pytest.approx(2 * US)
    assert spread.host_path(p, cat, "high").firmware_write == pytest.approx(16 * US)
    with pytest.raises(ValueError, match="end"):
        spread.host_path(p, cat, "middle")
