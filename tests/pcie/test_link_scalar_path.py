"""The link budget's scalar path (one configuration of plain Python numbers: ``_validate.validate_one`` and the
kernel called directly) gives the array path's outcome: the same first error with the same message, or every
variable with the same value, dtype and shape. The array path is what ``np.asarray`` of each input takes
(``_array._SCALAR_FAST = False`` turns every fast path off)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linkmodel import _array
from linkmodel.pcie import budget, link_values

#: plain numbers around each input's allowed values: valid ones, the edges, and wrong ones (bools, fractions,
#: infinities, out of range)
_ODD = [True, False, -1, 0, 0.5, 1e300, math.inf, -math.inf]
_INPUTS = {
    "gen": [1, 3, 5, 6, 8, 5.0, 9, 2.5, *_ODD],
    "lanes": [1, 4, 16, 4.0, 3, *_ODD],
    "size": [1, 3, 4096, 131072.0, 2.0**40, 2.0**40 + 1, 4096.5, *_ODD],
    "mps": [128, 256, 4096, 256.0, 100, *_ODD],
    "mrrs": [128, 512, 4096, 300, *_ODD],
    "rcb": [64, 128, 64.0, 32, *_ODD],
    "offset": [0, 1, 62, 4095, 4096, 0.5, *_ODD],
    "write_fraction": [0.0, 0.25, 1, 1.5, *_ODD],
    "addressing": [32, 64, 48, *_ODD],
    "ecrc": [True, False, 0, 1, 1.0, 2, 0.5],
    "replay_round_trip": [0.0, 1e-7, 1e-3, 2e-3, *_ODD],
    "tag_bits": [5, 8, 10, 14, 14.0, 12, *_ODD],
    "round_trip": [0, 1e-6, 1.0, 2.0, *_ODD],
    "command_upstream_tlps": [0.0, 2, 3.5, 2e6, *_ODD],
    "command_upstream_bytes": [0.0, 23.0, 24, 80.0, 2e9, *_ODD],
    "command_downstream_tlps": [0.0, 1, *_ODD],
    "command_downstream_bytes": [0.0, 11, 12.0, 64, *_ODD],
}
_OPTIONAL = {
    "flit": [True, False, 0, 1, 0.5, 2],
    "bit_error_rate": [0.0, 1e-12, 1e-7, 1e-6, 2e-6, *_ODD],
    "flit_error_rate": [0.0, 3e-5, 0.1, 0.2, *_ODD],
    "outstanding": [1, 64, 2.5, 2**20, 2**21, *_ODD],
}
#: how many of each list's first values are valid
_VALID = dict.fromkeys(_INPUTS, 3) | {"gen": 6, "ecrc": 5, "tag_bits": 4} | dict.fromkeys(_OPTIONAL, 2)


@st.composite
def _configs(draw):
    """A valid configuration (each input drawn from its valid values), with 0, 1 or 2 inputs drawn from all their
    values (valid or not): two wrong inputs show which check comes first."""
    cfg = {k: draw(st.sampled_from(v[: _VALID[k]])) for k, v in _INPUTS.items()}
    cfg.update({k: draw(st.sampled_from(v[: _VALID[k]])) for k, v in _OPTIONAL.items() if draw(st.booleans())})
    for _ in range(draw(st.integers(0, 2))):
        name = draw(st.sampled_from(sorted({**_INPUTS, **_OPTIONAL})))
        cfg[name] = draw(st.sampled_from({**_INPUTS, **_OPTIONAL}[name]))
    return cfg


_CONFIG = _configs()
_OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "dllp_policy": st.sampled_from(["spec", "per_tlp", "none", "pcie_bench"]),
        "completion_credits": st.sampled_from(["infinite", "finite"]),
        "packing": st.sampled_from(["continuous", "per_transfer"]),
        "replay": st.sampled_from(["go_back_n", "selective"]),
        "clocking": st.sampled_from(["common", "sris"]),
    },
)


def _outcome(cfg: dict, options: dict, fast: bool):
    _array._SCALAR_FAST = fast
    try:
        v = link_values(**cfg, **options)
    except Exception as exc:  # the same exception type and message either way
        return ("raises", type(exc), str(exc))
    finally:
        _array._SCALAR_FAST = True
    out = {}
    for name, a in v.values.items():
        a = np.asarray(a)
        out[name] = (a.dtype, a.shape, a.tolist())
    return ("ok", v.kind, out)


@settings(max_examples=600, deadline=None)
@given(cfg=_CONFIG, options=_OPTIONS)
def test_the_scalar_path_gives_the_array_paths_outcome(cfg, options):
    fast, slow = _outcome(cfg, options, True), _outcome(cfg, options, False)
    assert fast == slow  # values compared exactly: the same kernel on the same floats


def test_the_scalar_path_is_taken_for_plain_numbers(monkeypatch):
    # the scalar path never builds the input arrays: with unpack unavailable it still answers, and gives the
    # figure of hand derivation 1 in tests/pcie/test_link_kernels.py (Gen6 x16, MPS 256, 4 KiB posted writes, no
    # flit errors: 128 GB/s x (1 - 40/12008) x 236/256 x 256/272)
    def no_unpack(**_):
        raise AssertionError("the array path was taken")

    monkeypatch.setattr(budget, "unpack", no_unpack)
    v = link_values(6, 16, 4096, flit_error_rate=0.0)
    want = 128e9 * (1 - 40 / 12008) * 236 / 256 * 256 / 272
    assert float(v["effective_bandwidth"]) == pytest.approx(want, rel=1e-12)
    assert v["payload"].shape == (2,) and v["line_rate"].shape == ()
    with pytest.raises(AssertionError, match="array path"):
        link_values(np.array([6]), 16, 4096)
