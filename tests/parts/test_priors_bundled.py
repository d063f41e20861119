"""The priors the bundled data writes on power caps and die cache reads (issue 16, item 1).

Expected values are read off the sources the data files cite, written out here: the ranges each part's
power-cap basis states, the published active ratings of the Gen5/Gen6 U.2/E3.S drives (23-25 W), and the
catalogue's cache-read weights.
"""

import pytest

from linkmodel.parts import catalogue, part

#: part -> (value, lo, hi) of its assumed power cap [W]: the client drives' "plausible" ranges from their own
#: bases; the parts assumed at the 25 W U.2/E3.S class: the lowest published class rating 23 W / 1.2 = 19.2 W
#: (written 19 W) to the class's 25 W; the Micron 9550's published 18 W average in its heaviest workloads
#: (a lower bound on what it is allowed) to 25 W
POWER_CAPS = {
    "crucial-t705-2tb": (10.0, 8.0, 12.0),
    "samsung-990-evo-plus-2tb": (5.5, 4.0, 8.0),
    "samsung-990-pro-2tb": (8.49, 6.0, 9.0),
    "wd-black-sn850x-2tb": (8.49, 6.0, 9.0),
    "phison-pascari-x200p": (25.0, 19.0, 25.0),
    "samsung-pm1753": (25.0, 19.0, 25.0),
    "ymtc-pe522": (25.0, 19.0, 25.0),
    "kioxia-cm9-25tb-kvcache": (25.0, 19.0, 25.0),
    "micron-9550-max": (18.0, 18.0, 25.0),
}


@pytest.mark.parametrize("pid", sorted(POWER_CAPS))
def test_assumed_power_cap_ranges(pid):
    p = part(pid).fields["power_cap"]
    assert p.assumed
    assert (p.prior.value, p.prior.lo, p.prior.hi, p.prior.shape) == (*POWER_CAPS[pid], "lognormal")


def test_class_power_caps_stay_within_the_published_class_ratings():
    """The published active ratings the class range rests on: 23 W (CD9P-R, D7-PS1030) and 25 W (CM9-R,
    R6060, PM1763, 9650 MAX)."""
    ratings = {pid: part(pid).get("power_cap") for pid in ("kioxia-cd9p-r", "solidigm-d7-ps1030", "kioxia-cm9-r")}
    assert ratings == {"kioxia-cd9p-r": 23.0, "solidigm-d7-ps1030": 23.0, "kioxia-cm9-r": 25.0}
    for pid in ("dapustor-r6060", "samsung-pm1763", "micron-9650-max"):
        assert part(pid).get("power_cap") == 25.0
    assert min(ratings.values()) / 1.2 == pytest.approx(19.17, abs=0.01)


def test_cache_read_value_is_the_mode():
    """Every die inherits the shared cache-read assumption: true 3 to 1 over false."""
    seen = 0
    for die in catalogue()["nand"].values():
        v = die.fields.get("cache_read")
        if v is not None and v.prior is not None:
            assert v.prior.alternatives == ((True, 0.75), (False, 0.25)), die.id
            seen += 1
    assert seen >= 10  # the shared assumption reaches the dies (more than 10 TLC and QLC dies in the catalogue)
