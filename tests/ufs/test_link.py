"""The UFS link budget against the dossier's derivations (edge_inference.md §1.2-§1.6, oracles E1-E18).

Every expected number is derived by hand below from the dossier's facts: rates per lane, 8b/10b, the
32 B UPIUs, 288 B (UniPro v1.x) and 1144 B (v2.0) frames with 2 B of L3/L4 headers and 6 B of data-link
overhead each.
"""

import numpy as np
import pytest
import xarray as xr

from linkmodel import ufs
from linkmodel.ufs import mphy, unipro, utp

KiB = 1024


def test_gear_rates():
    # E1-E3: each gear doubles the previous; G1 rates A/B 1248 / 1457.6 Mb/s
    assert float(mphy.line_rate(4, 1)) == pytest.approx(1457.6e6 * 2**3)  # 11,660.8 Mb/s
    assert float(mphy.line_rate(5, 1)) == pytest.approx(23321.6e6)
    assert float(mphy.line_rate(5, 1, "A")) == pytest.approx(1248e6 * 2**4)  # 19,968 Mb/s
    assert float(mphy.line_rate(5, 2)) == pytest.approx(46.6432e9)  # E4


def test_byte_ceilings_after_8b10b():
    assert float(mphy.byte_rate(5, 2)) == pytest.approx(4_664_320_000)  # E5: 46.6432e9 / 10
    assert float(mphy.byte_rate(4, 2)) == pytest.approx(2_332_160_000)  # E6
    # the dossier's table: HS-G1B on 2 lanes is 2.9152 Gb/s raw, x 4/5 x 1/8 = 291.52 MB/s
    assert float(mphy.byte_rate(1, 2)) == pytest.approx(291.52e6)


def test_frame_efficiency():
    assert float(unipro.frame_efficiency(288)) == pytest.approx(286 / 294)  # E8 0.972789
    assert float(unipro.frame_efficiency(1144)) == pytest.approx(1142 / 1150)  # E9 0.993043


def test_upiu_sizes():
    assert utp.UPIU_HEADER == 12 and utp.COMMAND_UPIU == 12 + 4 + 16  # E10, E11


@pytest.mark.parametrize(
    ("gear", "frame_user_bytes", "frames_per_upiu", "wire", "ceiling", "link_time"),
    [
        # 16 DATA IN UPIUs of 32 B + 32,768 B = 32,800 B each, cut into frames of 286 / 1142 user bytes, plus a
        # 32 B response in one frame; 8 B per frame: E16, E17, E18
        (4, 286, 115, 524_832 + (16 * 115 + 1) * 8, 2.26615e9, 231.36e-6),
        (5, 1142, 29, 524_832 + (16 * 29 + 1) * 8, 4.62669e9, 113.32e-6),
    ],
)
def test_512k_read_byte_exact(gear, frame_user_bytes, frames_per_upiu, wire, ceiling, link_time):
    assert frames_per_upiu == -(-32_800 // frame_user_bytes)
    ds = ufs.link(gear, 2, 512 * KiB)
    assert float(ds.wire_bytes.sel(direction="device_to_host")) == wire  # 539,560 / 528,552
    assert float(ds.frames.sel(direction="device_to_host")) == 16 * frames_per_upiu + 1
    assert float(ds.effective_bandwidth) == pytest.approx(ceiling, rel=2e-6)
    assert float(ds.time_per_transfer.sel(direction="device_to_host")) == pytest.approx(link_time, rel=5e-5)
    # the command UPIU goes the other way: 32 B in one frame, 40 B on the wire
    assert float(ds.wire_bytes.sel(direction="host_to_device")) == 40
    assert str(ds.binding.values) == "device_to_host"


def test_512k_write_mirrors_the_read():
    # host to device: command (40 B) + the same 16 DATA OUT UPIUs (16 x (32,800 + 29 x 8)); device to host:
    # one RTT per DATA OUT UPIU and the response, 40 B each: 17 x 40 = 680 B
    ds = ufs.link(5, 2, 512 * KiB, transfer="write")
    assert float(ds.wire_bytes.sel(direction="host_to_device")) == 40 + 16 * (32_800 + 29 * 8)
    assert float(ds.wire_bytes.sel(direction="device_to_host")) == 17 * 40
    assert float(ds.payload.sel(direction="host_to_device")) == 512 * KiB
    assert str(ds.binding.values) == "host_to_device"


def test_small_read_by_hand():
    # 4 KiB on UFS 4.0: one DATA IN UPIU of 32 + 4096 = 4128 B, ceil(4128 / 1142) = 4 frames: 4128 + 32 wire
    # bytes, plus the response's 40: 4200 B; 4,664,320,000 / 4200 transfers per second
    ds = ufs.link(5, 2, 4 * KiB)
    assert float(ds.wire_bytes.sel(direction="device_to_host")) == 4128 + 4 * 8 + 40
    assert float(ds.transfer_rate) == pytest.approx(4_664_320_000 / 4200)


def test_odd_sizes_pad_to_symbols():
    # 4095 B: a 4127 B UPIU padded to 4128, the same frames as 4096
    a = ufs.link(5, 2, 4095)
    b = ufs.link(5, 2, 4096)
    assert float(a.wire_bytes.sel(direction="device_to_host")) == float(b.wire_bytes.sel(direction="device_to_host"))


def test_broadcasts_over_named_axes():
    gear = xr.DataArray([3, 4, 5], dims="gear", coords={"gear": [3, 4, 5]})
    size = xr.DataArray([4096.0, 131072.0], dims="size")
    ds = ufs.link(gear, 2, size)
    assert set(ds.effective_bandwidth.dims) == {"gear", "size"}
    assert ds.effective_bandwidth.attrs["units"] == "B/s"
    # a higher gear never lowers the ceiling; larger transfers never lower the efficiency
    eff = ds.efficiency.transpose("gear", "size").values
    bw = ds.effective_bandwidth.transpose("gear", "size").values
    assert np.all(np.diff(bw, axis=0) > 0) and np.all(np.diff(eff, axis=1) > 0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"gear": 6}, "gear: 6 not allowed; allowed: 1, 2, 3, 4, 5"),
        ({"lanes": 8}, "lanes: 8 not allowed"),
        ({"size": 0}, "size: 0 B out of range"),
        ({"size": 0.5}, "size: must be a whole number"),
        ({"transfer": "both"}, "transfer: 'both' not allowed"),
        ({"data_upiu": 70000}, "data_upiu: 70000 B out of range"),
        ({"series": "C"}, "series: 'C' not allowed"),
        ({"frame_payload": 8}, "frame_payload: 8 B out of range"),
    ],
)
def test_bad_input_one_line(kwargs, message):
    args = {"gear": 5, "lanes": 2, "size": 4096, **kwargs}
    with pytest.raises(ValueError) as exc:
        ufs.link(**args)
    assert str(exc.value).startswith(message) and "\n" not in str(exc.value)


# --- the I/O ceiling a UFS link sets (ufs.io_link_ceiling), derived by hand from §1.6 -------------------------
# A 512 KiB read on UFS 4.0 (HS-G5B x2, 1144 B frames, 32 KiB DATA IN UPIUs): device to host 16 x (32 + 32,768
# + 29 frames x 8) + (32 + 8) response = 528,552 B (E17) at 4,664,320,000 B/s (E5); host to device one
# 40 B command. A write mirrors it: 528,552 B host to device (data UPIUs + command), and 16 RTT UPIUs + the
# response device to host, 17 x 40 = 680 B.


def test_io_ceiling_512k_reads_ufs40():
    ds = ufs.io_link_ceiling(5, 2, 512 * KiB)
    assert float(ds.transfer_rate) == pytest.approx(4_664_320_000 / 528_552)  # 8,824.7 I/Os per second
    assert float(ds.effective_bandwidth) == pytest.approx(4.62669e9, rel=1e-5)  # E18
    assert str(ds.binding.values) == "device_to_host"


def test_io_ceiling_512k_reads_ufs31():
    # HS-G4B x2, 288 B frames: 16 x (32,800 + 115 x 8) + 40 = 539,560 B (E16) at 2,332,160,000 B/s (E6)
    ds = ufs.io_link_ceiling(4, 2, 512 * KiB)
    assert float(ds.transfer_rate) == pytest.approx(2_332_160_000 / 539_560)
    assert float(ds.effective_bandwidth) == pytest.approx(2.26615e9, rel=1e-5)  # E18


def test_io_ceiling_mixed_reads_and_writes_use_both_directions():
    # half reads, half writes: device to host 0.5 x 528,552 + 0.5 x 680 = 264,616 B per I/O; host to
    # device 0.5 x 40 + 0.5 x 528,552 = 264,296 B: device to host binds, at about twice the read-only rate
    ds = ufs.io_link_ceiling(5, 2, 512 * KiB, read_fraction=0.5)
    assert float(ds.transfer_rate) == pytest.approx(4_664_320_000 / 264_616)
    assert np.asarray(ds.time_per_io.values) == pytest.approx([264_616 / 4_664_320_000, 264_296 / 4_664_320_000])
    writes = ufs.io_link_ceiling(5, 2, 512 * KiB, read_fraction=0.0)
    assert float(writes.transfer_rate) == pytest.approx(4_664_320_000 / 528_552)
    assert str(writes.binding.values) == "host_to_device"


def test_io_ceiling_broadcasts_and_refuses_bad_input():
    g = xr.DataArray([4, 5], dims="gear")
    rf = xr.DataArray([1.0, 0.5], dims="rf")
    ds = ufs.io_link_ceiling(g, 2, 512 * KiB, read_fraction=rf)
    assert ds.transfer_rate.dims == ("gear", "rf")
    assert float(ds.transfer_rate.isel(gear=1, rf=0)) == pytest.approx(4_664_320_000 / 528_552)
    for kw, name in (({"read_fraction": 1.5}, "read_fraction"), ({"series": "C"}, "series")):
        with pytest.raises(ValueError, match=name):
            ufs.io_link_ceiling(5, 2, 4096, **kw)
    with pytest.raises(ValueError, match="gear"):
        ufs.io_link_ceiling(6, 2, 4096)
