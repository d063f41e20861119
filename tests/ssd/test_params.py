"""DriveParams: the typed parameter record and its glossary."""

import dataclasses

import pytest
import reference_drive

from linkmodel.ssd import drive
from linkmodel.ssd.params import GLOSSARY, PARAMETERS, DriveParams


def test_from_mapping_names_missing_and_unknown():
    base = dict(reference_drive.BASE)
    del base["t_read"]
    with pytest.raises(ValueError, match=r"^params: missing t_read$"):
        DriveParams.from_mapping(base)
    with pytest.raises(ValueError, match=r"^params: unknown 'tread'; allowed: gen, "):
        DriveParams.from_mapping({**reference_drive.BASE, "tread": 1e-6})


def test_frozen_mapping_and_replace():
    p = DriveParams.from_mapping(reference_drive.BASE)
    assert p["t_read"] == 50e-6 and dict(p) == reference_drive.BASE and len(p) == len(reference_drive.BASE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.t_read = 1.0
    q = dataclasses.replace(p, t_read=60e-6)
    assert q.t_read == 60e-6 and p.t_read == 50e-6
    # a dict and the record give the same prediction
    a = drive.evaluate(reference_drive.BASE, drive.WORKLOADS["rand_read"])
    b = drive.evaluate(p, drive.WORKLOADS["rand_read"])
    assert float(a.iops) == float(b.iops)


def test_glossary_has_units_and_long_names():
    assert set(GLOSSARY) == set(PARAMETERS) == set(reference_drive.BASE)
    assert GLOSSARY["t_read"][0] == "s" and GLOSSARY["channel_rate"][0] == "T/s" and GLOSSARY["io_energy"][0] == "J/B"
    assert all(long for _, long in GLOSSARY.values())


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("t_read", 0.0, "t_read: 0 s out of range; must be > 0 s"),
        ("reserve_fraction", 1.0, "reserve_fraction: 1 out of range; must be >= 0 and < 1"),
        ("slc_fraction", 1.5, "slc_fraction: 1.5 out of range; must be >= 0 and <= 1"),
        ("read_power", -1.0, "read_power: -1 out of range; must be >= 0"),
        ("independent_plane_reads", 8.0, "independent_plane_reads: cannot exceed planes"),
    ],
)
def test_domains(field, value, message):
    p = dataclasses.replace(DriveParams.from_mapping(reference_drive.BASE), **{field: value})
    with pytest.raises(ValueError) as exc:
        drive.evaluate(p, drive.WORKLOADS["rand_read"])
    assert str(exc.value) == message
