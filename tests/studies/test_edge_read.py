"""Read cost vs read size and depth (linkmodel.studies.edge_read): relations derived by hand from the models."""

import math

import numpy as np
import pytest

from linkmodel import parts
from linkmodel.ssd import hostpath
from linkmodel.studies import edge_read

PART = "kioxia-cm9-r"  # a bundled datacentre part: the study does not care which


@pytest.fixture(scope="module")
def curve():
    return edge_read.read_curve(PART, (4096.0, 16384.0, 7077888.0), (1, 4, 32, 256))


def test_one_read_at_a_time_costs_its_qd1_latency(curve):
    # depth 1: a read completes before the next starts, so throughput = size / (QD1 latency)
    params, _ = parts.params_from_part(parts.part(PART))
    for s in (4096.0, 16384.0):
        l1 = float(hostpath.qd1(params, "read", s).total)
        assert float(curve.throughput.sel(size=s, depth=1)) == pytest.approx(s / l1, rel=1e-9)
        assert float(curve.latency.sel(size=s, depth=1)) == pytest.approx(l1, rel=1e-9)


def test_depth_hides_latency_up_to_the_ceiling_never_beyond(curve):
    thr = curve.throughput.sel(size=16384.0).values
    assert np.all(np.diff(thr) >= 0)
    # four reads in flight on a drive with many idle dies: nearly four times one (within the queueing waits)
    assert thr[1] / thr[0] == pytest.approx(4.0, rel=0.05)
    assert np.all(curve.throughput.values <= curve.ceiling.values[:, None] * (1 + 1e-12))


def test_a_large_read_is_split_into_die_sized_pieces(curve):
    params, _ = parts.params_from_part(parts.part(PART))
    chunk = params["planes"] * params["page_size"]
    assert float(curve.pieces.sel(size=7077888.0, depth=1)) == math.ceil(7077888.0 / chunk)
    # 7 MB read one at a time keeps ~108 pieces in flight: the drive's ceiling, not one die's latency
    assert float(curve.throughput.sel(size=7077888.0, depth=1)) == pytest.approx(
        float(curve.ceiling.sel(size=7077888.0)), rel=0.02
    )


def test_small_reads_lose_to_first_byte_latency(curve):
    # at depth 4, 4 KiB reads deliver a quarter or less of what 16 KiB reads do per read-byte
    small, big = (float(curve.throughput.sel(size=s, depth=4)) for s in (4096.0, 16384.0))
    assert small < big / 3


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"sizes": (100.0,)}, "sizes"),
        ({"depths": (0,)}, "depths"),
        ({"depths": (1.5,)}, "depths"),
        ({"sizes": ()}, "sizes"),
    ],
)
def test_bad_input_is_one_line_naming_it(kw, match):
    with pytest.raises(ValueError, match=match):
        edge_read.read_curve(PART, **kw)


def test_the_span_read_decides_the_mapping_misses_of_a_dramless_drive():
    # 990 EVO Plus 4 TB: an assumed 64 MiB host memory buffer holds 2^24 mapping entries of 4 B, covering
    # 2^24 x 4 KiB = 64 GiB; a span inside it never misses, the whole 4 TB misses 1 - 2^36 / 4e12 = 0.982820 of the
    # time, and a miss is one more 4 KiB mapping read: 0.3 us command + 40 us tR + 4096 x 1.11 B / 2.4 GB/s on the
    # channel + 1 us ECC = 43.1944 us (tests/ssd/test_mapping.py derives both)
    kw = dict(sizes=[4096.0], depths=[1], capacity=4e12)
    inside = edge_read.read_curve("samsung-990-evo-plus-2tb", span=32 * 2.0**30, **kw)
    whole = edge_read.read_curve("samsung-990-evo-plus-2tb", **kw)
    extra = float(whole.qd1_latency[0]) - float(inside.qd1_latency[0])
    assert extra == pytest.approx(0.982820130816 * (0.3e-6 + 40e-6 + 4096 * 1.11 / 2.4e9 + 1e-6), rel=1e-6)
    with pytest.raises(ValueError, match=r"^span: "):
        edge_read.read_curve("samsung-990-evo-plus-2tb", span=0.0, **kw)
