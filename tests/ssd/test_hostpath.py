"""The QD1 latency of one I/O (linkmodel.ssd.hostpath): the breakdown of the bundled parts by hand, the named
host-path constants, and the steady-state QD1 of writes."""

import dataclasses

import pytest

from linkmodel import parts
from linkmodel.ssd import closedloop, hostpath, mapping
from linkmodel.studies import validate


def test_qd1_breakdown_of_a_part_by_hand():
    part = parts.load("kioxia-cm9-r")
    params, _ = parts.params_from_part(part)
    br = hostpath.qd1(params, "read")
    # BiCS8 (catalogue): tR 50 us, 16 KiB pages, 11 % spare; Gen5 controller channels at 2400 MT/s x 8 bit
    assert float(br.media) == pytest.approx(50e-6)
    assert float(br.channel) == pytest.approx(4096 * 1.11 / params["channel_rate"])
    assert float(br.total) == pytest.approx(sum(float(br[k]) for k in br.data_vars if k != "total"))
    # a buffered write never waits for the NAND; written through it pays tPROG
    w = hostpath.qd1(params, "write")
    assert float(w.media) == 0.0
    through = hostpath.qd1(params, "write", path=hostpath.HostPath(write_ack="through"))
    assert float(through.total) - float(w.total) == pytest.approx(
        params["t_prog"] + params["command_time"] + 4096 * 1.11 / params["channel_rate"]
    )


def test_pe522_five_microsecond_write():
    # "as low as 5 us": the link terms of a Gen5 x4 write (doorbell, SQE fetch, data fetch, CQE) are about 2 us
    # with host memory answering in 0.5 us; 5 us then leaves about 3 us for host software and the controller:
    # only a buffered write with polling and a hardware write path fits; a program (tPROG ~1 ms) is ruled out
    params, _ = parts.params_from_part(parts.load("ymtc-pe522"))
    fast = hostpath.HostPath(host_submit=0.5e-6, host_complete=0.3e-6, interrupts=False, firmware_write=1.0e-6)
    br = hostpath.qd1(params, "write", path=fast)
    link = float(br.doorbell + br.sqe_fetch + br.data_transfer + br.cqe)
    assert 1e-6 < link < 3e-6
    assert float(br.total) <= 5e-6
    assert float(hostpath.qd1(params, "write").total) > 5e-6  # default host path: interrupts, 5 us firmware
    through = hostpath.qd1(params, "write", path=hostpath.HostPath(write_ack="through"))
    assert float(through.total) > 100 * 5e-6


def test_validate_scores_qd1_latency():
    recs = [r for r in validate.validate([parts.load("micron-9550-max")]) if r.metric.endswith("latency")]
    assert {r.metric for r in recs} == {"read_latency", "write_latency"}
    read = next(r for r in recs if r.metric == "read_latency")
    assert read.published == pytest.approx(60e-6) and read.predicted is not None
    assert read.error == pytest.approx(read.predicted / 60e-6 - 1)


def test_sustained_qd1_write_is_drain_bound():
    # R6060 (QLC, 16 KiB unit): 4 KiB random writes drain at the drive's write ceiling; a QD1 loop at steady
    # state completes one write per 1 / ceiling when that exceeds the buffered path
    from linkmodel.ssd import drive

    params, _ = parts.params_from_part(parts.load("dapustor-r6060"))
    ceiling = float(drive.evaluate(params, drive.WORKLOADS["rand_write"]).iops)
    buffered = float(hostpath.qd1(params, "write").total)
    lat, bound = hostpath.sustained_qd1(params, "write")
    assert float(lat) == pytest.approx(max(buffered, 1 / ceiling)) and bool(bound) == (1 / ceiling > buffered)
    c = closedloop.queue_depth_curve(params, "write", (1, 64))
    assert float(c.latency[0]) == pytest.approx(float(lat), rel=1e-9)
    assert float(c.latency[1]) == pytest.approx(64 / ceiling, rel=1e-9)


def test_mapping_miss_by_hand():
    # a mapping-table miss reads one 4 KiB codeword of the mapping page first (hostpath.MAPPING_READ_BYTES):
    # command + tR + 4096 B x (1 + spare) over the channel + ECC decode, for the share of reads that miss
    params, _ = parts.params_from_part(parts.load("kioxia-cm9-r"))
    base = hostpath.qd1(params, "read")
    miss = hostpath.qd1(params, "read", path=hostpath.HostPath(mapping_miss=0.25))
    one = params["command_time"] + params["t_read"] + 4096 * 1.11 / params["channel_rate"] + 1e-6
    assert float(miss.mapping) == pytest.approx(0.25 * one, rel=1e-9)
    assert float(miss.total) - float(base.total) == pytest.approx(0.25 * one, rel=1e-9)


def test_named_constants_and_their_bases():
    # MQSim's defaults (ssd_modeling.md §1.1: suspend program 100 us, erase 700 us) bound the assumed suspend
    assert pytest.approx((100e-6, 700e-6)) == hostpath.MQSIM_SUSPEND
    assert pytest.approx((20e-6, 100e-6)) == hostpath.DEFAULT_SUSPEND
    assert all(d <= m for d, m in zip(hostpath.DEFAULT_SUSPEND, hostpath.MQSIM_SUSPEND, strict=True))
    # polling drops the MSI-X crossing and the interrupt-to-application path for 0.3 us (both assumptions)
    params, _ = parts.params_from_part(parts.load("micron-9550-max"))
    irq = hostpath.qd1(params, "read")
    poll = hostpath.qd1(
        params, "read", path=hostpath.HostPath(interrupts=False, host_complete=hostpath.POLLING_HOST_COMPLETE)
    )
    assert float(poll.interrupt) == 0.0 and float(poll.host_complete) == pytest.approx(0.3e-6)
    assert float(irq.total) - float(poll.total) == pytest.approx(float(irq.interrupt) + 1.5e-6 - 0.3e-6, rel=1e-9)
    # every default of HostPath, and every named constant, states its basis
    for name in ("host_submit", "host_complete", "port_latency", "host_memory", "firmware_read", "ecc_decode"):
        assert hostpath.DEFAULTS[name].startswith("ASSUMPTION")
    for const in ("POLLING_HOST_COMPLETE", "DEFAULT_SUSPEND", "MAPPING_READ_BYTES"):
        home = mapping if const == "MAPPING_READ_BYTES" else hostpath  # the mapping read's home: ssd.mapping
        with open(home.__file__, encoding="utf-8") as fh:
            src = fh.read()
        block = src.split(f"\n{const} = ")[0].rsplit("\n\n", 1)[-1]
        assert "ASSUMPTION" in block and "Plausible range" in block, const


# ---------------------------------------------------------------- UFS host path (linkmodel.ssd.ufspath)

#: UFS 4.0 = M-PHY HS-G5 series B x 2 lanes: 2 x 23,321.6 Mb/s x 8/10 / 8 = 4,664,320,000 B/s (edge_inference.md E5)
UFS40_BYTES_PER_S = 2 * 23_321.6e6 * 0.8 / 8


def _ufs40():
    with parts.about(parts.load("samsung-ufs40"), None):
        params, _ = parts.params_from_part(parts.load("samsung-ufs40"))
    return params


def test_ufs_qd1_4k_read_by_hand():
    # over 128 MiB every entry is in the controller's 256 KiB of SRAM: no mapping read (tests/ssd/test_mapping.py
    # has the reads that miss)
    params = dataclasses.replace(_ufs40(), read_span=128 * 2**20)
    br = hostpath.qd1(params, "read")
    us = 1e-6
    port = 0.5 * us  # DEFAULTS["ufs_port_latency"] (ASSUMPTION) per link crossing
    # COMMAND and RESPONSE UPIU: 32 B (E11; scsi_bsg_ufs.h) in one UniPro frame + 2 B L3/L4 + 6 B DL = 40 B
    upiu = 40 / UFS40_BYTES_PER_S + port
    # 4 KiB in one DATA IN UPIU: 32 B header + 4096 B = 4128 B; ceil(4128 / 1142) = 4 frames of 1144 B payload
    # (UniPro v2.0, E9) -> 4128 + 4 x 8 = 4160 wire bytes
    data = 4160 / UFS40_BYTES_PER_S + port
    expected = {
        "host_submit": 2.0 * us,  # DEFAULTS["ufs_host_submit"] (ASSUMPTION, bound by edge_inference.md §2.1)
        "sqe_fetch": 2 * 0.5 * us,  # the host controller's UTRD then command-UPIU read from DRAM, 0.5 us each
        "command": upiu,
        "firmware": 5.0 * us,  # controllers.toml shared firmware_read (samsung-ufs40-ctrl gives none)
        "nand_command": 0.3 * us,  # one page's command cycles (params command_time)
        "media": 40.0 * us,  # samsung-v7-tlc tR (catalogue)
        "channel": 4096 * (1 + params["spare_fraction"]) / 2.0e9,  # data out at 2000 MT/s x 8 bit
        "ecc": 1.0 * us,
        "data_transfer": data,
        "response": upiu,
        "host_complete": 2.0 * us,  # DEFAULTS["ufs_host_complete"], interrupt delivery included
    }
    for k, v in expected.items():
        assert float(br[k]) == pytest.approx(v, rel=1e-9), k
    for k in ("doorbell", "cqe", "interrupt", "mapping", "buffer", "ready_to_transfer"):
        assert float(br[k]) == 0.0, k  # NVMe-only steps, and what a hit buffered read does not do
    assert float(br.total) == pytest.approx(sum(expected.values()), rel=1e-12)
    assert float(br.total) == pytest.approx(55.9823e-6, abs=1e-10)  # the sum written out


def test_ufs_qd1_write_by_hand():
    params = _ufs40()
    br = hostpath.qd1(params, "write")
    port = 0.5e-6
    upiu = 40 / UFS40_BYTES_PER_S + port
    # RTT (32 B, one frame) device to host, then the host controller reads the data (0.5 us) and sends 4160 B
    assert float(br.ready_to_transfer) == pytest.approx(upiu)
    assert float(br.data_transfer) == pytest.approx(4160 / UFS40_BYTES_PER_S + port + 0.5e-6)
    assert float(br.total) == pytest.approx(
        2e-6 + 1e-6 + upiu + 5e-6 + upiu + float(br.data_transfer) + 0.5e-6 + upiu + 2e-6
    )


def test_qd1_broadcasts_over_mixed_link_families():
    import xarray as xr

    ufs = _ufs40()
    pcie, _ = parts.params_from_part(parts.load("kioxia-cm9-r"))
    keys = sorted(set(ufs) & set(pcie))
    both = {k: xr.DataArray([pcie[k], ufs[k]], dims="drive") for k in keys}
    for io in ("read", "write"):
        mixed = hostpath.qd1(both, io)
        for i, single in enumerate((pcie, ufs)):
            one = hostpath.qd1({k: single[k] for k in keys}, io)
            for k in one.data_vars:
                assert float(mixed[k][i]) == pytest.approx(float(one[k]), rel=1e-12, abs=1e-15), (io, i, k)


def test_ufs_closed_loop_holds_deeper_queues_in_the_host():
    from linkmodel.ssd import ufspath

    assert ufspath.QUEUE_DEPTH == 32  # legacy doorbell slots (E14), the assumed device queue
    c = closedloop.queue_depth_curve(_ufs40(), "read", [16, 32, 64, 256])
    x = c.iops.values
    assert x[0] < x[1]  # below the device queue more in flight still helps
    assert x[2] == pytest.approx(x[1]) and x[3] == pytest.approx(x[1])  # above it the device runs at 32
    assert c.latency.values[3] == pytest.approx(256 / x[1])  # the other 224 wait in the host (Little's law)
    # a PCIe drive is not held at 32
    pcie, _ = parts.params_from_part(parts.load("kioxia-cm9-r"))
    p = closedloop.queue_depth_curve(pcie, "read", [32, 64]).iops.values
    assert p[1] > p[0] * 1.2
