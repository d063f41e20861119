"""The catalogue's tR per die and firmware time per controller against the numbers their sources give.

Every number asserted here is written out with its source: a published tR, or the vendor's relative claim
applied by hand to a published baseline (../shared/reference/nand_dies.md, AnandTech 16491's ISSCC 2021
table). Assumptions carry a plausible range (``range = [lo, hi]`` in the catalogue); the ranges are checked
against the priors of nand_dies.md §3.2.
"""

import pytest

from linkmodel.parts import SpecError, catalogue
from linkmodel.parts.fields import NAND_FIELDS
from linkmodel.parts.schema import facts_and_assumptions

US = 1e-6

#: tR published for the die [us], with where
PUBLISHED_TR = {
    "samsung-v5-tlc": 50.0,  # Samsung V5 announcement, ~50 us (nand_dies.md [S16])
    "samsung-v6-tlc": 45.0,  # ISSCC 2019 512 Gb TLC, tR 45 us (AnandTech 16491 table); "<45 us" [S15]
    "samsung-v7-tlc": 40.0,  # ISSCC 2021 512 Gb TLC, tR 40 us (AnandTech 16491 table)
    "kioxia-bics5-tlc": 56.0,  # ISSCC 2019 128-WL 512 Gb TLC, tR 56 us (AnandTech 16491 table)
    "skhynix-v7-tlc": 50.0,  # ISSCC 2021 176L 512 Gb TLC, tR 50 us (AnandTech 16491 table)
    "kioxia-xlflash2-slc": 5.0,  # XL-FLASH gen 2: read under 5 us (B&F copy)
}


@pytest.fixture(scope="module")
def nand():
    return catalogue()["nand"]


@pytest.mark.parametrize("die", sorted(PUBLISHED_TR))
def test_published_tr_is_the_sources(nand, die):
    v = nand[die].fields["t_read"]
    assert not v.assumed and v.span is None
    assert v.value == pytest.approx(PUBLISHED_TR[die] * US)


def test_relative_claims_applied_by_hand(nand):
    tr = {k: e.get("t_read") / US for k, e in nand.items()}
    # SK hynix 238L: read +20 % vs its 176L (tR 50 us, ISSCC 2021) [S19b]: 50 / 1.2 = 41.7 us
    assert tr["skhynix-v8-tlc"] == pytest.approx(50 / 1.2, rel=0.01)
    # SK hynix 321L: read +13 % vs 238L [S20]: 41.7 / 1.13 = 36.9 us
    assert tr["skhynix-v9-tlc"] == pytest.approx(50 / 1.2 / 1.13, rel=0.01)
    # Kioxia BiCS9: read +12 % vs BiCS6 512 Gb [S29], BiCS6 tR 50 us (ISSCC 2021): 44.6 us
    assert tr["kioxia-bics9-tlc"] == pytest.approx(50 / 1.12, rel=0.01)
    # Micron B58R: > +75 % read bandwidth per die over a 4-plane 176L die at 50 us [P23], on 6 planes:
    # 6 x 16 KiB / (1.75 x 4 x 16 KiB / 50 us) = 42.9 us
    assert tr["micron-b58r-tlc"] == pytest.approx(6 / (1.75 * 4 / 50), rel=0.01)
    # Micron G9: +88 % over Samsung V7 (4 planes, 40 us) [S24], on 6 planes: 6 / (1.88 x 4 / 40) = 31.9 us
    assert tr["micron-b68s-tlc"] == pytest.approx(6 / (1.88 * 4 / 40), rel=0.01)
    # BiCS6's -10 % read latency vs BiCS5's 56 us [S26] is the 50 us BiCS8 keeps
    assert tr["kioxia-bics8-tlc"] == pytest.approx(56 * 0.9, rel=0.01)
    # no QLC tR is published: the unnamed QLC die takes the prior's central 85 us (nand_dies.md §3.2),
    # not 68 us read back from a bundled drive's QD1 latency
    assert tr["generic-qlc"] == pytest.approx(85.0)


def test_every_assumed_tr_has_a_basis_and_a_range_inside_the_priors(nand):
    # priors (nand_dies.md §3.2 and ssd_modeling.md §4.2): TLC 30-60 us, QLC 60-140 us
    prior = {"TLC": (30.0, 60.0), "QLC": (60.0, 140.0)}
    assumed = [(k, e) for k, e in nand.items() if e.fields["t_read"].assumed]
    assert len(assumed) >= 15
    for k, e in assumed:
        v = e.fields["t_read"]
        assert v.basis.strip() and v.span is not None, k
        lo, hi = (x / US for x in v.span)
        assert lo <= v.value / US <= hi, k
        plo, phi = prior[e.get("cell")]
        assert plo <= lo and hi <= phi, (k, lo, hi)
        assert "QD1" not in v.basis or "Not inferred" in v.basis, k  # no tR read back from a drive's latency


def test_firmware_time_per_controller():
    ctrl = catalogue()["controller"]
    for k, e in ctrl.items():
        for name in ("firmware_read", "firmware_write"):
            v = e.fields[name]
            assert v.assumed and v.span is not None, (k, name)
            assert v.span[0] <= v.value <= v.span[1]
    # nothing published per controller but the Zhenyue 510's claimed 4 us (secondary, mydrivers 943260)
    assert ctrl["alibaba-zhenyue510"].get("firmware_write") == pytest.approx(4 * US)
    # the shared assumption: 5 us (Optane P4800X's 10 us QD1 bounds host + link + controller, half of it
    # host and link), range 2-16 us (Micron 9200's 21 us QD1 write less ~5 us of host and link)
    v = ctrl["micron-gen5-ctrl"].fields["firmware_write"]
    assert v.value == pytest.approx(5 * US) and v.span == pytest.approx((2 * US, 16 * US))
    assert v.basis.startswith("shared all value")


def _read(entry):
    """One ``[assumed] t_read = {...}`` entry read as the catalogue reads it."""
    return facts_and_assumptions("f.toml", {"assumed": {"t_read": entry}}, {"t_read": NAND_FIELDS["t_read"]})["t_read"]


def test_range_is_read_in_si_and_checked():
    v = _read({"value": "45 us", "range": ["40 us", "50 us"], "basis": "b"})
    assert v.span == pytest.approx((40e-6, 50e-6)) and v.value == pytest.approx(45e-6)
    assert _read({"value": "45 us", "basis": "b"}).span is None
    with pytest.raises(SpecError, match=r"assumed\.t_read\.range: .*does not contain the value '55 us'"):
        _read({"value": "55 us", "range": ["40 us", "50 us"], "basis": "b"})
    with pytest.raises(SpecError, match=r"assumed\.t_read\.range: expected two values \[low, high\]"):
        _read({"value": "45 us", "range": ["40 us"], "basis": "b"})
    with pytest.raises(SpecError, match=r"optionally with range"):
        _read({"value": "45 us", "spread": 1, "basis": "b"})
