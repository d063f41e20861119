"""From spec file + catalogue to drive parameters: provenance, SKUs, SLC mode."""

import pytest

from linkmodel import parts as _parts
from linkmodel.ssd import drive


def test_slc_mode_uses_the_slc_timings_on_the_same_dies():
    part = _parts.load("kioxia-cm9-r")
    native, _ = _parts.params_from_part(part)
    slc, prov = _parts.params_from_part(part, cell_mode="slc")
    assert slc["dies"] == native["dies"] == 128  # 16 TiB of 1 Tbit BiCS8 dies
    assert slc["bits_per_cell"] == 1 and slc["user_capacity"] == pytest.approx(15.36e12 / 3)
    # shared SLC-mode timings: 25 us read, 250 us program of one page per plane (HP white paper, Table 1)
    assert slc["t_read"] == pytest.approx(25e-6) and slc["t_prog"] == pytest.approx(250e-6)
    assert "SLC" in prov["bits_per_cell"].detail
    # die ceiling for sequential writes: 128 dies x 4 planes x 16 KiB / 250 us = 33.55 GB/s (+ erase time)
    ds = drive.evaluate(slc, drive.WORKLOADS["seq_write"])
    per_byte = 250e-6 / (4 * 16384) + 4e-3 / (4 * 1536 * 16384)
    assert float(ds.ceiling_dies) * 131072 == pytest.approx(128 / per_byte, rel=1e-9)
    with pytest.raises(ValueError, match="cell_mode: 'mlc' not allowed"):
        _parts.params_from_part(part, cell_mode="mlc")


def test_smaller_skus_have_fewer_dies():
    # CM9-R raw capacity rule: next power-of-two TiB -> 1.92 TB: 2 TiB = 16 dies of 1 Tbit; 15.36 TB: 128
    part = _parts.load("kioxia-cm9-r")
    assert _parts.params_from_part(part, 1.92e12)[0]["dies"] == 16
    assert _parts.params_from_part(part, 15.36e12)[0]["dies"] == 128


def test_every_parameter_has_provenance():
    for part in _parts.bundled_parts():
        params, prov = _parts.params_from_part(part)
        assert set(params) == set(drive.PARAMETERS) == set(prov)
        for k, p in prov.items():
            assert p.detail.strip(), (part.id, k)
