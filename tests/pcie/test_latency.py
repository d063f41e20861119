"""Idle-link latency of a transfer: hand derivations."""

import numpy as np
import pytest
import xarray as xr

from linkmodel.pcie import latency
from linkmodel.units import KiB, ns


def test_gen5_write_serialization_only():
    # non-flit Gen5 x4, 4 KiB posted write, MPS 256: 16 TLPs x (256 + 16 header + 8 framing) = 4480 B
    # at 15.754 GB/s = 284.4 ns; no flit wait or accumulation, no FEC
    ds = latency.breakdown(5, 4, 4 * KiB, 256)
    raw = 32e9 * 4 / 8 * 128 / 130
    assert float(ds.serialization) == pytest.approx(4480 / raw, rel=1e-12)
    assert float(ds.flit_alignment) == 0 and float(ds.flit_accumulation) == 0
    assert float(ds.total) == pytest.approx(4480 / raw, rel=1e-12)


def test_gen6_write_flit_terms():
    # flit Gen6 x16, 64 B write (80 TLP bytes): TLP rate = 128 GB/s x 236/256; the TLP sits in one flit:
    # wait half a flit (1 ns), serialize 80 B, then the rest of the flit (2 ns flit) before the CRC check
    ds = latency.breakdown(6, 16, 64, 512)
    t_flit = 256 / 128e9
    ser = 80 / (128e9 * 236 / 256)
    assert float(ds.flit_alignment) == pytest.approx(t_flit / 2)
    assert float(ds.serialization) == pytest.approx(ser)
    assert float(ds.flit_accumulation) == pytest.approx(t_flit - ser)
    assert float(ds.total) == pytest.approx(1.5 * t_flit)


def test_read_round_trip_overlaps_requests():
    # 128 KiB read, Gen5 x4, MRRS 512, MPS 256: only the first MRd (16 + 8 B) is on the critical path,
    # then 300 ns at the completer and 512 CplDs of 256 + 12 + 8 B
    ds = latency.breakdown(5, 4, 128 * KiB, 256, transfer="read", completer_latency=300 * ns)
    raw = 32e9 * 4 / 8 * 128 / 130
    expected = 24 / raw + 300e-9 + 512 * 276 / raw
    assert float(ds.total) == pytest.approx(expected, rel=1e-12)


def test_propagation_and_hops():
    # 0.3 m at c/2 = 2 ns; two retimers at 10 ns each; write: one crossing
    ds = latency.breakdown(5, 4, 4096, 256, channel_length=0.3, retimers=2, retimer_latency=10 * ns)
    assert float(ds.propagation) == pytest.approx(0.3 / (299_792_458 / 2))
    assert float(ds.hops) == pytest.approx(20 * ns)


def test_kinds():
    gen = xr.DataArray([5, 6], dims="gen", coords={"gen": [5, 6]})
    ds = latency.breakdown(gen, 4, 4096, 512)
    assert ds.total.dims == ("gen",)
    arr = latency.breakdown(np.array([5, 6]), 4, 4096, 512)
    assert arr.total.shape == (2,)


@pytest.mark.parametrize(
    "kw, msg",
    [
        (dict(switches=1), "switch_latency: required when switches > 0"),
        (dict(switches=1.5, switch_latency=1e-7), "switches: must be a whole number"),
        (dict(addressing=48), "addressing: 48 not allowed"),
        (dict(transfer="both"), "transfer: 'both' not allowed"),
        (dict(channel_length=-1), "channel_length: -1 m out of range"),
        # D5: each input has its own bound (latency.BOUNDS); these are unit slips
        (dict(channel_length=300), "channel_length: 300 m out of range; must be >= 0 and <= 100 m"),
        (dict(fec_decode=0.5), "fec_decode: 0.5 s out of range"),
        (dict(switches=1, switch_latency=0.1), "switch_latency: 0.1 s out of range"),
        (dict(retimers=1, retimer_latency=5e-6), "retimer_latency: 5e-06 s out of range"),
        (dict(transfer="read", completer_latency=100.0), "completer_latency: 100 s out of range"),
    ],
)
def test_bad_input(kw, msg):
    with pytest.raises(ValueError, match=msg):
        latency.breakdown(5, 4, 4096, 256, **kw)


def test_two_metre_cable():
    # D5: a 2 m external copper cable (PCI-SIG CopprLink) was refused by a 1.0 bound meant for seconds.
    # Flight time one way at the default c / sqrt(4) = 1.499e8 m/s: 2 m / 1.499e8 m/s = 13.34 ns
    ds = latency.breakdown(5, 4, 4096, 256, channel_length=2.0)
    assert float(ds.propagation) == pytest.approx(2.0 / (299_792_458.0 / 2.0), rel=1e-12)
    assert float(ds.propagation) == pytest.approx(13.34e-9, rel=1e-3)
