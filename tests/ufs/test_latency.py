"""A UPIU's time on the UFS link (linkmodel.ufs.latency), byte-exact by hand from edge_inference.md §1."""

import numpy as np
import pytest

from linkmodel.ufs import latency, utp


def test_one_4k_data_in_upiu_on_ufs40():
    # 32 B header + 4096 B = 4128 B; UniPro v2.0 frames carry 1142 user bytes: ceil(4128 / 1142) = 4 frames,
    # 8 B each (2 B L3/L4 + 6 B DL) -> 4160 wire bytes at 4,664,320,000 B/s (E5)
    assert latency.data_time(5, 2, 4096.0) == pytest.approx(4160 / 4_664_320_000, rel=1e-12)


def test_one_4k_data_in_upiu_on_ufs31():
    # HS-G4B x2: 2,332,160,000 B/s (E6); 288 B frames carry 286 user bytes: ceil(4128 / 286) = 15 frames
    # -> 4128 + 120 = 4248 wire bytes
    assert latency.data_time(4, 2, 4096.0) == pytest.approx(4248 / 2_332_160_000, rel=1e-12)


def test_512k_read_matches_the_dossier_link_time():
    # §1.6: 16 DATA IN UPIUs of 32 KiB, 528,552 wire bytes with the response (40 B) on UFS 4.0: 113.32 us
    t = latency.data_time(5, 2, 524288.0, data_upiu=32768.0) + latency.upiu_time(5, 2, utp.RESPONSE_UPIU)
    assert t == pytest.approx(528_552 / 4_664_320_000, rel=1e-12)
    assert t == pytest.approx(113.32e-6, abs=0.01e-6)


def test_command_upiu_is_one_frame_and_broadcasts():
    t = latency.upiu_time(np.array([4, 5]), 2, utp.COMMAND_UPIU)
    np.testing.assert_allclose(t, [40 / 2_332_160_000, 40 / 4_664_320_000], rtol=1e-12)


def test_bad_gear_is_one_line():
    with pytest.raises(ValueError, match="gear"):
        latency.upiu_time(6, 2, 32)
