"""NVMe command traffic per I/O, derived by hand from the NVMe and PCIe structure sizes.

Sizes: SQE 64 B, CQE 16 B, doorbell 4 B, MSI-X message 4 B (1 DW), PRP entry 8 B,
host pages 4 KiB [NVMe Base Spec §4.1, §4.2, §4.6]; memory request header 16 B
(4DW, 64-bit addresses) or 12 B (3DW), completion header 12 B, ECRC 4 B
[PCIe §2.2]. A read request carries at most MRRS bytes; completions come in
pieces of at most the completion unit (MPS or RCB).
"""

import numpy as np
import pytest
import xarray as xr

from linkmodel.pcie import nvme
from linkmodel.units import KiB, MiB


def test_4k_io_defaults():
    # up: SQE MRd (16) + CQE MWr (16 + 16) + MSI-X MWr (16 + 4) = 68 B in 3 TLPs
    # down: SQE CplD (12 + 64) + SQ-tail and CQ-head doorbell MWr (2 x (16 + 4)) = 116 B in 3 TLPs
    assert nvme.command_traffic(4 * KiB) == (3.0, 68.0, 3.0, 116.0)


def test_128k_io_reads_one_prp_list():
    # 32 pages: PRP1 + a list of 31 entries = 248 B, one MRd (16 B) up, one CplD (12 + 248) down
    assert nvme.command_traffic(128 * KiB) == (4.0, 68.0 + 16, 4.0, 116.0 + 12 + 248)


def test_1m_io_prp_list_split_by_mrrs():
    # 256 pages: 255 entries = 2040 B; MRRS 512 -> 4 MRds; completions of <= 256 B -> 8 CplDs
    up_t, up_b, down_t, down_b = nvme.command_traffic(1 * MiB, mrrs=512, completion_unit=256)
    assert (up_t, up_b) == (3 + 4, 68 + 4 * 16)
    assert (down_t, down_b) == (3 + 8, 116 + 2040 + 8 * 12)
    # MRRS 4096: one MRd (a 4 KiB list page never crosses a 4 KiB boundary)
    assert nvme.command_traffic(1 * MiB, mrrs=4096, completion_unit=256)[0] == 3 + 1


def test_sqe_batch_larger_than_mrrs_takes_several_reads():
    # 16 SQEs = 1024 B: two 512-B MRds and four 256-B CplDs per 16 commands
    up_t, up_b, down_t, down_b = nvme.command_traffic(4 * KiB, sqe_batch=16, mrrs=512)
    assert up_t == pytest.approx(2 / 16 + 2)
    assert up_b == pytest.approx(2 / 16 * 16 + 32 + 20)
    assert down_t == pytest.approx(4 / 16 + 2)
    assert down_b == pytest.approx(64 + 4 / 16 * 12 + 40)


def test_ecrc_adds_a_dword_per_tlp():
    base = nvme.command_traffic(4 * KiB)
    ecrc = nvme.command_traffic(4 * KiB, ecrc=True)
    assert ecrc[1] - base[1] == 3 * 4 and ecrc[3] - base[3] == 3 * 4


def test_polling_and_coalescing():
    polled = nvme.command_traffic(4 * KiB, irq_coalesce=0)
    assert polled[:2] == (2.0, 48.0)
    coalesced = nvme.command_traffic(4 * KiB, irq_coalesce=8, cqe_batch=4, doorbell_batch=8)
    assert coalesced[0] == pytest.approx(1 + 1 / 4 + 1 / 8)
    assert coalesced[2] == pytest.approx(1 + 2 / 8)


def test_32_bit_addressing_uses_3dw_headers():
    assert nvme.command_traffic(4 * KiB, addressing=32)[1] == 68 - 3 * 4


def test_sgl_descriptors():
    # 128 KiB = 32 pages -> one segment of 32 x 16 B descriptors
    up_t, _, _, down_b = nvme.command_traffic(128 * KiB, data_pointer="sgl", completion_unit=512)
    assert up_t == 4.0 and down_b == 116 + 512 + 12


@pytest.mark.parametrize(
    "kw, msg",
    [
        (dict(irq_coalesce=0.5), "irq_coalesce: 0.5 not allowed"),
        (dict(sqe_batch=0), "sqe_batch"),
        (dict(mrrs=300), "mrrs: 300 not allowed"),
        (dict(data_pointer="iov"), "data_pointer"),
        # D4: addressing was never checked here; 48 silently gave 3DW headers, the same as 32
        (dict(addressing=48), "addressing: 48 not allowed; allowed: 32, 64"),
    ],
)
def test_bad_input(kw, msg):
    with pytest.raises(ValueError, match=msg):
        nvme.command_traffic(4 * KiB, **kw)


def test_broadcasts_over_dataarrays():
    size = xr.DataArray([4 * KiB, 128 * KiB, 1 * MiB], dims="size")
    up_t, *_ = nvme.command_traffic(size)
    assert isinstance(up_t, xr.DataArray) and up_t.dims == ("size",)
    assert list(up_t.values) == [3.0, 4.0, 7.0]


def test_io_ceiling_below_the_data_only_link_ceiling():
    # command traffic can only cost: 4 KiB reads on Gen5 x4 at MPS 512
    from linkmodel.pcie import link

    with_cmds = float(nvme.io_link_ceiling(5, 4, 4 * KiB, 512, io="read").transfer_rate)
    data_only = float(link(5, 4, 4 * KiB, 512, write_fraction=1.0).transfer_rate)
    assert with_cmds < data_only
    # without DLLPs the gap is the command bytes upstream: 68 B + 3 x 8 B framing = 92 B per read, next to
    # the data's 4096 B + 8 MWr x (16 B header + 8 B framing) = 4288 B: 92 / (4288 + 92) = 2.1 %
    a = float(
        nvme.io_link_ceiling(5, 4, 4 * KiB, 512, io="read", options=nvme.LinkOptions(dllp_policy="none")).transfer_rate
    )
    b = float(link(5, 4, 4 * KiB, 512, write_fraction=1.0, dllp_policy="none").transfer_rate)
    assert 1 - a / b == pytest.approx(92 / (4288 + 92), rel=1e-9)
    assert np.isfinite(with_cmds)


def test_mixed_io_needs_a_read_fraction():
    # D3: io="mixed" is documented ("needs read_fraction") and now accepted; a 70/30 mix carries 0.7 read I/Os
    # (device MWr) and 0.3 write I/Os per I/O, the same as giving the read share alone
    mixed = nvme.io_link_ceiling(5, 4, 4 * KiB, 512, io="mixed", read_fraction=0.7)
    share = nvme.io_link_ceiling(5, 4, 4 * KiB, 512, read_fraction=0.7)
    assert float(mixed.transfer_rate) == float(share.transfer_rate)
    # 100 % reads is io="read"
    all_reads = nvme.io_link_ceiling(5, 4, 4 * KiB, 512, io="mixed", read_fraction=1.0)
    assert float(all_reads.transfer_rate) == float(nvme.io_link_ceiling(5, 4, 4 * KiB, 512, io="read").transfer_rate)
    with pytest.raises(ValueError, match="read_fraction: required with io='mixed'"):
        nvme.io_link_ceiling(5, 4, 4 * KiB, 512, io="mixed")
    with pytest.raises(ValueError, match="io: 'sideways' not allowed; allowed: 'read', 'write', 'mixed'"):
        nvme.io_link_ceiling(5, 4, 4 * KiB, 512, io="sideways")


def test_link_options_defaults_are_the_functions_defaults():
    # LinkOptions replaces **link_kw: each field must default to what link() / command_traffic() default to,
    # so that LinkOptions() changes nothing
    import dataclasses
    import inspect

    from linkmodel.pcie import link

    defaults = {}
    for fn in (link, nvme.command_traffic):
        defaults.update({k: p.default for k, p in inspect.signature(fn).parameters.items()})
    for f in dataclasses.fields(nvme.LinkOptions):
        assert f.default == defaults[f.name], f.name
    # and every option link() has (besides the transfer, sizes and the command traffic it is given) is a field
    given = {"gen", "lanes", "size", "mps", "mrrs", "transfer", "write_fraction"}
    link_options = {k for k in inspect.signature(link).parameters if k not in given and not k.startswith("command_")}
    assert link_options <= {f.name for f in dataclasses.fields(nvme.LinkOptions)}


def test_link_options_batching_raises_the_ceiling_and_keywords_are_gone():
    from linkmodel.pcie import LinkOptions

    batching = dict(sqe_batch=8, cqe_batch=8, irq_coalesce=8, doorbell_batch=8)
    tags = dict(tag_bits=8, round_trip=4e-6)
    by_object = nvme.io_link_ceiling(5, 4, 4 * KiB, 512, io="write", options=LinkOptions(**batching, **tags))
    # batching lowers the command traffic, so it can only raise the ceiling
    unbatched = nvme.io_link_ceiling(5, 4, 4 * KiB, 512, io="write", options=LinkOptions(**tags))
    assert float(by_object.transfer_rate) > float(unbatched.transfer_rate)
    # the options travel in one object: a stray keyword is refused by Python itself
    with pytest.raises(TypeError, match="tag_bits"):
        nvme.io_link_ceiling(5, 4, 4 * KiB, 512, tag_bits=8)
