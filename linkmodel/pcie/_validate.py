"""The link budget's input checks (:func:`linkmodel.pcie.link`), for :mod:`linkmodel.pcie.budget` only.

:func:`validate` checks broadcast numpy inputs (any shape) and returns the
kernel's validated arrays; :func:`validate_one` checks one configuration of
plain Python numbers (what :func:`linkmodel._array.number` passes: int,
float, bool) and returns the kernel's floats directly, with no numpy array
per input (the scalar call: ~10 us instead of ~40 us). Both run the same
checks (the phenomenon modules' ``check_*`` functions, which have a
scalar fast path themselves, and the cross-checks below) in the same order,
so they raise the same first error with the same message;
``tests/pcie/test_link_scalar_path.py`` compares them on random valid and
invalid configurations. Units: sizes [B], times [s], rates [1].
"""

from __future__ import annotations

import numpy as np

from linkmodel._array import check_bool, check_range
from linkmodel.pcie import flit as _flit
from linkmodel.pcie import framing as _framing
from linkmodel.pcie import phy
from linkmodel.pcie import transactions as _tx

__all__ = ["KERNEL_INPUTS", "validate", "validate_one"]

#: the smallest TLP: a 3-DW header with no payload [B] (PCIe Base spec, TLP header formats; framing is added apart)
_MIN_TLP_BYTES = 12

#: the validated values in the order of :func:`linkmodel.pcie._stages.link_element_kernel`'s inputs (before the
#: option codes)
KERNEL_INPUTS = (
    *("g", "n", "size", "mps", "mrrs", "rcb", "offset", "w", "addressing", "ecrc", "flit"),
    *("ber", "fer", "replay_rtt", "rtt", "tags"),
    *(f"command_{d}_{q}" for d in ("upstream", "downstream") for q in ("tlps", "bytes")),
)

#: the command-traffic inputs with their checks' upper limit and unit (NVMe: a few TLPs, < 1 KiB per transfer)
_COMMANDS = tuple(
    (d, f"command_{d}_{q}", 1e6 if q == "tlps" else 1e9, "" if q == "tlps" else "B")
    for d in ("upstream", "downstream")
    for q in ("tlps", "bytes")
)


def _command_bytes_error(d: str) -> ValueError:
    # every TLP has at least a 3-DW (12 B) header (PCIe Base spec, TLP header formats): fewer bytes than that per
    # TLP is no TLP (and zero bytes made the packing ratio 0/0 downstream)
    return ValueError(
        f"command_{d}_bytes: at least {_MIN_TLP_BYTES} B (a 3-DW header) per TLP of command_{d}_tlps; "
        "give the TLPs' header + payload bytes"
    )


def _tag14_error() -> ValueError:
    return ValueError(
        "tag_bits: 14-bit tags need flit mode (non-flit headers carry at most 10 tag bits); "
        "allowed without flit mode: 5, 8, 10"
    )


def validate(a: dict, given: set) -> dict:
    """Check the broadcast input arrays `a` (``given``: the optional inputs passed); the kernel's validated arrays
    by the names of :data:`KERNEL_INPUTS` [SI units of each input]."""
    v = {}
    v["g"] = phy.check_gen(a["gen"])
    v["n"] = phy.check_lanes(a["lanes"]).astype(float)
    v["size"] = _tx.check_size(a["size"])
    v["mps"] = _tx.check_mps(a["mps"])
    v["mrrs"] = _tx.check_mrrs(a["mrrs"])
    v["rcb"] = _tx.check_rcb(a["rcb"])
    v["offset"] = _tx.check_offset(a["offset"])
    check_range("write_fraction", a["write_fraction"], lo=0, hi=1)
    v["w"] = np.asarray(a["write_fraction"], dtype=float)
    _framing.check_addressing(a["addressing"])
    v["ecrc"] = check_bool("ecrc", a["ecrc"])
    check_range("replay_round_trip", a["replay_round_trip"], lo=0, hi=1e-3, unit="s")
    check_range("round_trip", a["round_trip"], lo=0, hi=1.0, unit="s")
    v["tags"] = _tx.check_tag_bits(a["tag_bits"])
    if "outstanding" in given:
        check_range("outstanding", a["outstanding"], lo=1, hi=2**20)  # beyond 14-bit tags (16,384) by 64x
        v["tags"] = np.minimum(v["tags"], np.asarray(a["outstanding"], dtype=float))
    for d, name, hi, unit in _COMMANDS:
        check_range(name, a[name], lo=0, hi=hi, unit=unit)
        v[name] = np.asarray(a[name], dtype=float)
        if name.endswith("bytes") and (v[name] < _MIN_TLP_BYTES * v[f"command_{d}_tlps"]).any():
            raise _command_bytes_error(d)
    v["flit"] = _flit.resolve_flit(v["g"], a["flit"] if "flit" in given else None)
    if ((np.asarray(a["tag_bits"]) == 14) & ~v["flit"]).any():
        raise _tag14_error()
    if "bit_error_rate" in given:
        check_range("bit_error_rate", a["bit_error_rate"], lo=0, hi=1e-6)
        v["ber"] = np.asarray(a["bit_error_rate"], dtype=float)
    else:
        v["ber"] = phy.bit_error_rate_kernel(v["g"])
    if "flit_error_rate" in given:
        check_range("flit_error_rate", a["flit_error_rate"], lo=0, hi=0.1)
        v["fer"] = np.asarray(a["flit_error_rate"], dtype=float)
    elif "bit_error_rate" in given:
        v["fer"] = _flit.flit_error_probability_kernel(v["ber"])
    else:  # the generation's target rate: a table
        v["fer"] = _flit.default_flit_error_rate_kernel(v["g"])
    v["addressing"] = np.asarray(a["addressing"])
    v["replay_rtt"] = np.asarray(a["replay_round_trip"], dtype=float)
    v["rtt"] = np.asarray(a["round_trip"], dtype=float)
    return v


def validate_one(x: dict, given: set) -> tuple[list, bool, int]:
    """:func:`validate` of one configuration of Python numbers `x`: the kernel's inputs as floats in the order of
    :data:`KERNEL_INPUTS`, the flit mode and the generation [SI units of each input]."""
    g = phy.check_gen(x["gen"])  # the checks return Python numbers for Python numbers
    n = float(phy.check_lanes(x["lanes"]))
    size = _tx.check_size(x["size"])
    mps, mrrs, rcb = _tx.check_mps(x["mps"]), _tx.check_mrrs(x["mrrs"]), _tx.check_rcb(x["rcb"])
    offset = _tx.check_offset(x["offset"])
    check_range("write_fraction", x["write_fraction"], lo=0, hi=1)
    _framing.check_addressing(x["addressing"])
    ecrc = float(check_bool("ecrc", x["ecrc"]))
    check_range("replay_round_trip", x["replay_round_trip"], lo=0, hi=1e-3, unit="s")
    check_range("round_trip", x["round_trip"], lo=0, hi=1.0, unit="s")
    tags = _tx.check_tag_bits(x["tag_bits"])
    if "outstanding" in given:
        check_range("outstanding", x["outstanding"], lo=1, hi=2**20)
        tags = min(tags, float(x["outstanding"]))
    command = []
    for d, name, hi, unit in _COMMANDS:
        check_range(name, x[name], lo=0, hi=hi, unit=unit)
        command.append(float(x[name]))
        if name.endswith("bytes") and command[-1] < _MIN_TLP_BYTES * command[-2]:
            raise _command_bytes_error(d)
    f = bool(_flit.resolve_flit(g, x["flit"] if "flit" in given else None))
    if x["tag_bits"] == 14 and not f:
        raise _tag14_error()
    if "bit_error_rate" in given:
        check_range("bit_error_rate", x["bit_error_rate"], lo=0, hi=1e-6)
        ber = float(x["bit_error_rate"])
    else:
        ber = float(phy.bit_error_rate_kernel(g))
    if "flit_error_rate" in given:
        check_range("flit_error_rate", x["flit_error_rate"], lo=0, hi=0.1)
        fer = float(x["flit_error_rate"])
    elif "bit_error_rate" in given:
        fer = _flit.flit_error_probability_scalar_kernel(ber)
    else:
        fer = float(_flit.default_flit_error_rate_kernel(g))
    head = [float(g), n, size, mps, mrrs, rcb, offset, float(x["write_fraction"])]
    rest = [float(x["addressing"]), ecrc, float(f), ber, fer, float(x["replay_round_trip"]), float(x["round_trip"])]
    return [*head, *rest, tags, *command], f, g
