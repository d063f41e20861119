"""Drive power by component: static power and the energy each I/O adds.

Static power: controller (its fixed share), DRAM, PCIe PHY and NAND standby,
drawn whatever the load. Energy per I/O: array reads, programs, erases, NAND
bus I/O, and the controller's data path per byte crossing its NAND interface
(ECC decoding and encoding, buffering, DMA; GC relocation and
read-modify-write bytes included), plus the controller's work per NVMe
command. A die busy with an operation draws that operation's power instead
of standby, so an I/O adds its operation energy less the standby energy of
its die time. The power cap then bounds how many I/Os run per second:
``(cap - static) / energy``.

Kernels: plain numpy on checked inputs. Units: W, J, s, B.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from linkmodel.ssd.operations import Demand

__all__ = ["check_cap", "io_energy", "static_power"]


def static_power(controller_power, dram_power, phy_power, standby_power, dies):
    """Static power: controller + DRAM + PHY + NAND standby of every die [W].

    ``controller_power``, ``dram_power``, ``phy_power``, ``standby_power`` (per die) [W]; ``dies`` [1].
    The single home of this sum (the drive model and the sweep's feasibility check use it).
    """
    return controller_power + dram_power + phy_power + standby_power * dies


def check_cap(a: Mapping[str, np.ndarray], static) -> None:
    """Raise when the power cap does not exceed the static power (no I/O could run), naming the parts [W]."""
    short = np.asarray(a["power_cap"] - static <= 0.0)
    if not np.any(short):
        return
    i = np.unravel_index(np.argmax(short), short.shape) if short.ndim else ()
    terms = (
        ("cap", a["power_cap"]),
        ("static", static),
        ("controller", a["controller_power"]),
        ("DRAM", a["dram_power"]),
        ("PHY", a["phy_power"]),
        ("standby", a["standby_power"] * a["dies"]),
    )
    v = {k: np.broadcast_to(np.asarray(x, dtype=float), short.shape)[i] for k, x in terms}
    raise ValueError(
        f"power_cap: {v['cap']:.4g} W does not exceed the drive's static power "
        f"{v['static']:.4g} W (controller {v['controller']:.3g} + DRAM {v['DRAM']:.3g} + "
        f"PHY {v['PHY']:.3g} + NAND standby {v['standby']:.3g} W); no I/O could run"
    )


def io_energy(a: Mapping[str, np.ndarray], d: Demand, die_time):
    """Energy one drive I/O adds over the idle drive [J].

    Parameters
    ----------
    a : mapping of numpy arrays
        Drive parameters (SI), unpacked and checked.
    d : Demand
        The I/O's back-end work (:func:`linkmodel.ssd.operations.demand`).
    die_time : numpy array
        Die busy time of the I/O [s] (its standby energy is not drawn).

    Returns
    -------
    numpy.ndarray
        [J]; may be below zero only if standby power exceeds the operations' (then the power stage
        does not bind).
    """
    p, page, bits = a["planes"], a["page_size"], a["bits_per_cell"]
    mp_page = p * page  # bytes sensed by a multi-plane read
    prog_unit = p * page * bits  # bytes written by a one-shot multi-plane program
    block_bytes = p * a["block_pages"] * page  # bytes erased by a multi-plane erase
    spare = 1.0 + a["spare_fraction"]
    s, slc_bytes = d.size, d.slc_bytes
    # ASSUMPTION: read_power is a die's power during a multi-plane read; sensing one plane costs 1/p of
    # it (sensing and bit-line precharge scale with the planes sensed; datasheets quote one ICC figure)
    e_sense = a["read_power"] * a["t_read"] / p  # one plane sensing one page
    e_prog_byte = a["program_power"] * a["t_prog"] / prog_unit
    e_erase_byte = a["erase_power"] * a["t_erase"] / block_bytes
    e_read = d.read_senses * e_sense + s * spare * a["io_energy"]
    e_slc = (
        slc_bytes / mp_page * (a["program_power"] * a["t_prog_slc"] + a["read_power"] * a["t_read_slc"])
        + slc_bytes * bits * e_erase_byte
    )
    e_write = (
        d.written * (e_prog_byte + e_erase_byte)
        + (d.gc_senses + d.rmw_senses) * e_sense
        + e_slc
        + d.write_bytes_ch * spare * a["io_energy"]
    )
    r, w = d.read_share, d.write_share
    # controller data path (ECC decode/encode, buffers, DMA) per byte crossing its NAND interface: a read's
    # data; a write's programmed bytes plus the GC-relocated and read-modify-write bytes it reads back
    ctrl_bytes = r * s + w * d.write_bytes_ch
    # plus the controller's work per NVMe command whatever its size (SQE fetch and parsing, FTL lookup or
    # update, CQE, interrupt): one command per drive I/O
    energy_op = r * e_read + w * e_write + ctrl_bytes * a["controller_energy"] + a["command_energy"]
    # a die busy with an operation draws that operation's power instead of standby: the energy an I/O adds
    # over an idle drive is its operation energy less the standby energy of its die time
    return energy_op - a["standby_power"] * die_time
