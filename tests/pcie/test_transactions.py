"""MPS / MRRS / RCB splitting, 4 KiB boundaries, tags (oracles pcie.md §9 #44-#48)."""

import numpy as np
import pytest

from linkmodel.pcie import transactions as tx
from linkmodel.units import GB, KiB, us


def test_allowed_sizes():
    # #44, #45: MPS and MRRS 128..4096; RCB 64 or 128
    assert tx.ALLOWED_MPS == (128, 256, 512, 1024, 2048, 4096)
    assert tx.ALLOWED_RCB == (64, 128)


def test_aligned_split():
    assert tx.n_chunks(128 * KiB, 512) == 256
    assert tx.n_chunks(4096, 256) == 16
    assert tx.n_chunks(1, 128) == 1


def test_4k_boundary():
    # 200 bytes from offset 4000 cross the 4 KiB boundary at 4096: two requests even with MRRS 4096
    assert tx.n_chunks(200, 4096, offset=4000) == 2
    # an unaligned 512-byte write with MPS 256 touches three 256-byte-aligned pieces
    assert tx.n_chunks(512, 256, offset=64) == 3


def test_tlp_counts_read():
    w, r, c = tx.tlp_counts(4096, mps=256, mrrs=512, rcb=64)
    assert (w, r, c) == (16, 8, 16)
    # one completion per RCB (pcie-bench rcb_chunks): 4096 / 64
    assert tx.tlp_counts(4096, 256, 512, 64, completion_split="rcb")[2] == 64


def test_usable_tags():
    # #47: 10-bit 768 usable, 14-bit 15,360; 5-bit 32, 8-bit 256
    np.testing.assert_array_equal(tx.check_tag_bits(np.array([5, 8, 10, 14])), [32, 256, 768, 15360])


def test_tag_counts_have_one_home(monkeypatch):
    # D26: check_tag_bits re-typed the counts of TAGS; it now reads them, so a change to TAGS is the only change
    monkeypatch.setitem(tx.TAGS, 10, 512)
    assert float(tx.check_tag_bits(10)) == 512.0


def test_transfer_error_names_the_transfer_parameter():
    # D2: the library parameter is `transfer` (link(transfer=...)); the message named "direction"
    with pytest.raises(ValueError, match=r"^transfer: 'up' not allowed; allowed: 'write', 'read', 'both'$"):
        tx.transfer_write_fraction("up")


def test_outstanding_reads_gen5_x16():
    # #48: Gen5 x16 (63.015 GB/s), RTT 1 us, 512 B requests -> 123.1 outstanding
    needed = 63.015385 * GB * 1 * us / 512
    assert needed == pytest.approx(123.1, abs=0.05)
    assert tx.tag_limited_bandwidth(512, 8, 1 * us, outstanding=needed) == pytest.approx(63.015385 * GB)


def test_tag_limit_formula():
    # S x N / RTT: 256 tags x 512 B / 1 us = 131.072 GB/s
    assert tx.tag_limited_bandwidth(512, 8, 1 * us) == pytest.approx(131.072e9)
    assert tx.tag_limited_bandwidth(512, 8, 0.0) == np.inf


@pytest.mark.parametrize(
    "kw, msg",
    [
        (dict(size=0, chunk=128), "size: 0 B out of range"),
        (dict(size=100, chunk=128, offset=4096), "offset: 4096 B out of range"),
        (dict(size=1.5, chunk=128), "size: must be a whole number"),
    ],
)
def test_bad_input(kw, msg):
    with pytest.raises(ValueError, match=msg):
        tx.n_chunks(**kw)


@pytest.mark.parametrize("mps", [300, 64, 8192])
def test_bad_mps(mps):
    with pytest.raises(ValueError, match=r"mps: \d+ not allowed; allowed: 128, 256, 512, 1024, 2048, 4096"):
        tx.tlp_counts(4096, mps=mps)


def test_spec_defaults_and_credit_unit():
    # #44 MPS default 128 B / MRRS default 512 B; #46 one data credit = 16 B
    import inspect

    from linkmodel.pcie import link

    assert tx.SPEC_DEFAULT_MPS == 128 and tx.SPEC_DEFAULT_MRRS == 512
    assert inspect.signature(link).parameters["mrrs"].default == 512
    assert tx.FC_DATA_CREDIT_BYTES == 16
    assert tx.FLIT_MIN_MPS_SUPPORTED == 512
