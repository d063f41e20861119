"""End-to-end SSD model: a chain of named stages over one workload.

Each stage has a *capacity* and a *demand per I/O*; its ceiling is
``capacity / demand`` I/Os per second, and the drive runs at the lowest
ceiling (the binding stage)::

    stage        capacity                         demand per I/O
    -----------  -------------------------------  ---------------------------------------
    link         PCIe budget incl. NVMe commands  (computed by linkmodel.pcie.nvme / pcie.link)
    controller   IOPS limit, bandwidth limit      1 command, `size` bytes
    channels     N_ch channels (busy time)        bytes x (1 + spare) / rate + commands x t_cmd
    dies         N_die dies (busy time)           array time: reads, programs (with the data-in the
                                                  cache latches cannot hide), GC reads, erases
    power        power_cap - static power [W]     energy per I/O [J]

Writes carry their write amplification (WAF): the dies program ``WAF x
size`` bytes and relocate ``(WAF - 1) x size`` bytes of valid data for
garbage collection, read as scattered units with single-plane page reads and
crossing the channels twice (no copyback). Sequential writes have WAF 1.
Random writes smaller than the indirection unit (IU) read-modify-write a whole
IU. A drive with an SLC cache (``slc_fraction`` of host writes pass through
it) programs that share once in SLC mode, reads it back and programs it again
natively (folding). Under ZNS with host-side garbage collection (``host_waf``
h > 1) each application write costs the drive h writes and h - 1 reads of the
same size (the host reads back still-valid data and rewrites it); IOPS,
throughput and efficiency are then per *application* I/O.

Power: static power (controller, DRAM, PCIe PHY, NAND standby) plus the
energy of each I/O (array reads, programs, erases, NAND bus I/O, and the
controller's data path per byte crossing its NAND interface: ECC decoding
and encoding, buffering, DMA; GC relocation and read-modify-write bytes
included). The power
cap therefore bounds how many die operations can run at once
(``active_dies``); average power at the operating point never exceeds it.

All inputs broadcast (scalars, numpy arrays, xarray DataArrays).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from linkmodel._array import check_range, dataset, unpack

STAGES = ("link", "controller_iops", "controller_bandwidth", "channels", "dies", "power")


@dataclass(frozen=True)
class Workload:
    """A workload: I/O size, read share, access pattern.

    Attributes
    ----------
    name : str
    size : float or array-like or xarray.DataArray
        Bytes per I/O [B]; broadcasts with the drive parameters.
    read_fraction : float or array-like or xarray.DataArray
        Share of I/Os that are reads [1]; broadcasts likewise.
    random : bool
        Random (True) or sequential access.
    """

    name: str
    size: float
    read_fraction: float
    random: bool


KiB = 1024
WORKLOADS = {
    "seq_read": Workload("seq_read", 128 * KiB, 1.0, False),
    "seq_write": Workload("seq_write", 128 * KiB, 0.0, False),
    "rand_read": Workload("rand_read", 4 * KiB, 1.0, True),
    "rand_write": Workload("rand_write", 4 * KiB, 0.0, True),
    "mixed_70_30": Workload("mixed_70_30", 4 * KiB, 0.7, True),
}

#: Drive parameters (all SI, all broadcastable) and their units.
PARAMETERS = {
    "gen": "1",
    "lanes": "1",
    "mps": "B",
    "mrrs": "B",
    "channels": "1",
    "channel_rate": "T/s",
    "dies": "1",
    "planes": "1",
    "page_size": "B",
    "spare_fraction": "1",
    "bits_per_cell": "1",
    "t_read": "s",
    "t_prog": "s",
    "t_erase": "s",
    "block_pages": "1",
    "independent_plane_reads": "1",
    "program_cache_pages": "1",
    "t_read_slc": "s",
    "t_prog_slc": "s",
    "slc_fraction": "1",
    "command_time": "s",
    "read_power": "W",
    "program_power": "W",
    "erase_power": "W",
    "standby_power": "W",
    "io_energy": "J/B",
    "controller_iops": "1/s",
    "controller_bandwidth": "B/s",
    "controller_power": "W",
    "controller_energy": "J/B",
    "command_energy": "J",
    "dram_power": "W",
    "phy_power": "W",
    "power_cap": "W",
    "user_capacity": "B",
    "raw_capacity": "B",
    "reserve_fraction": "1",
    "indirection_unit": "B",
}

_OUT = {
    "iops": ("1/s", "I/Os per second at the binding stage"),
    "throughput": ("B/s", "data bytes per second"),
    "power": ("W", "average power at the operating point"),
    "efficiency": ("B/s/W", "throughput per watt"),
    "iops_per_watt": ("1/s/W", "I/Os per second per watt"),
    "binding": ("", "stage whose ceiling binds"),
    "waf": ("1", "write amplification of the workload's writes (1 for read-only workloads)"),
    "active_dies": ("1", "dies busy on average (Little's law)"),
    "die_time": ("s", "die busy time per I/O (array reads, programs, GC reads, erases, one-shot data-in)"),
    "die_data_in": ("s", "part of die_time spent loading one-shot program data the cache latches could not take early"),
    "static_power": ("W", "controller + DRAM + PHY + NAND standby"),
    "energy_per_io": ("J", "energy an I/O adds over the idle drive (operations less the standby they replace)"),
    "ceiling_link": ("1/s", "IOPS the PCIe link allows (with NVMe command traffic)"),
    "ceiling_controller_iops": ("1/s", "IOPS the controller's processing allows"),
    "ceiling_controller_bandwidth": ("1/s", "IOPS the controller's data path allows"),
    "ceiling_channels": ("1/s", "IOPS the NAND channels allow"),
    "ceiling_dies": ("1/s", "IOPS the NAND dies allow"),
    "ceiling_power": ("1/s", "IOPS the power cap allows"),
    "link_binding": ("", "what binds inside the link model"),
}


def program_data_in(bits_per_cell, program_cache_pages, planes, page_size, spare_fraction, channel_rate):
    """Die time per one-shot program spent loading data the cache latches could not take early [s].

    A one-shot program needs all ``bits_per_cell`` pages of every plane in
    the die's data latches before it starts. While the previous program runs,
    only ``program_cache_pages`` pages per plane can wait in the cache
    latches; the rest cross the channel after it ends, so their transfer
    adds to the die's busy time: ``max(bits - cached, 0) x planes x page x
    (1 + spare) / channel_rate``. E.g. TLC, 1 cached page, 4 x 16 KiB planes,
    11 % spare, 1.6 GT/s: 90.9 us.

    Parameters
    ----------
    bits_per_cell, program_cache_pages, planes : float or array-like
        [1].
    page_size : float or array-like
        [B].
    spare_fraction : float or array-like
        ECC/spare bytes per data byte [1].
    channel_rate : float or array-like
        [T/s] (one byte per transfer).
    """
    left = np.maximum(np.asarray(bits_per_cell, dtype=float) - program_cache_pages, 0.0)
    return left * planes * page_size * (1.0 + spare_fraction) / channel_rate


def gc_page_reads(relocated, waf_gc, page, iu):
    """Pages sensed to relocate ``relocated`` bytes of valid data [1].

    A victim block holds a share ``x = 1 - 1/WAF_GC`` of valid mapping units,
    scattered; a page of ``u = page / iu`` units is read if any is valid and
    yields ``x u / (1 - (1 - x)^u)`` units' worth of them.

    Parameters
    ----------
    relocated : float or array-like
        Valid bytes relocated [B].
    waf_gc : float or array-like
        Garbage-collection write amplification [1], >= 1.
    page, iu : float or array-like
        Page size and mapping unit [B].
    """
    x = 1.0 - 1.0 / waf_gc
    u = np.maximum(1.0, page / iu)
    with np.errstate(divide="ignore", invalid="ignore"):
        yield_frac = np.where(x > 0, x / -np.expm1(u * np.log1p(-np.minimum(x, 1 - 1e-12))), 1.0)
    return relocated / (page * yield_frac)


def evaluate(params: dict, workload: Workload, write_path=None, **link_kw):
    """Predict one workload for drives described by broadcastable parameters.

    Parameters
    ----------
    params : dict
        Every key of :data:`PARAMETERS` (SI units), scalars or arrays or
        DataArrays. :func:`linkmodel.parts.params_from_part` builds it from a
        spec file.
    workload : Workload
        The workload.
    write_path : linkmodel.ssd.writepath.WritePath, optional
        Placement (conventional, FDP, ZNS), GC model, traffic classes, parity
        and metadata of random writes; default conventional, uniform traffic,
        Lambert-W, no parity.
    **link_kw
        Passed to :func:`linkmodel.pcie.nvme.io_link_ceiling` (NVMe batching,
        ``round_trip``, ``tag_bits`` ...).

    Returns
    -------
    xarray.Dataset
        ``iops`` [1/s], ``throughput`` [B/s], ``power`` [W], ``efficiency``
        [B/s/W], ``iops_per_watt``, ``binding``, every stage's
        ``ceiling_*`` [1/s], ``waf``, ``active_dies``, ``static_power``,
        ``energy_per_io``. Units in attrs.
    """
    from linkmodel.pcie import nvme

    missing = [k for k in PARAMETERS if k not in params]
    if missing:
        raise ValueError(f"params: missing {', '.join(missing)}")
    unknown = [k for k in params if k not in PARAMETERS]
    if unknown:
        raise ValueError(f"params: unknown {unknown[0]!r}; allowed: {', '.join(PARAMETERS)}")
    a, kind = unpack(**params, size=workload.size, read_fraction=workload.read_fraction)
    _validate(a)
    check_range("size", a["size"], lo=0, lo_open=True, unit="B")
    check_range("read_fraction", a["read_fraction"], lo=0, hi=1)
    from linkmodel.ssd import writepath as _wp

    wp = _wp.UNIFORM if write_path is None else write_path
    s = a["size"]  # the workload's size and read share broadcast like every other input
    r_app = a["read_fraction"]
    w_app = 1.0 - r_app
    # ZNS host GC: per application I/O the drive serves the application's own I/O plus, per write, h - 1
    # relocation reads and h - 1 relocation writes of the same size (h = 1: nothing extra)
    h = float(wp.host_waf)
    n_io = r_app + w_app * (2.0 * h - 1.0)  # drive I/Os per application I/O
    r = (r_app + w_app * (h - 1.0)) / n_io
    w = 1.0 - r

    # ---- link (with NVMe command traffic) ----
    # inputs keep their own (broadcastable) shapes; the link model broadcasts them the same way
    link_ds = nvme.io_link_ceiling(a["gen"], a["lanes"], s, a["mps"], read_fraction=r, mrrs=a["mrrs"], **link_kw)
    c_link = np.asarray(link_ds.transfer_rate.values, dtype=float)
    link_binding = np.asarray(link_ds.binding.values)

    # ---- write amplification ----
    usable = a["raw_capacity"] * (1.0 - a["reserve_fraction"])
    alpha = usable / a["user_capacity"]
    iu = a["indirection_unit"]
    # a random write touches ceil(s / IU) whole mapping units (aligned start) and rewrites them all:
    # read-modify-write of whatever part of them it does not cover
    # (ZNS: the host appends to zones sequentially, whatever its own access pattern: no device mapping units)
    iu_factor = np.ceil(s / iu - 1e-12) * iu / s if workload.random and wp.placement != "zns" else 1.0
    extra = _wp.multiplier(wp)  # parity and metadata bytes per data byte
    # parity and metadata given in the write path also occupy NAND: garbage collection works on what is left
    # for data (the shared reserve_fraction already stands for a drive's unpublished parity and metadata)
    alpha_data = alpha / extra
    if np.any(alpha_data <= 1.0):
        raise ValueError("parity, metadata: with them the NAND no longer exceeds the user capacity")
    waf_gc = (
        np.asarray(_wp.waf_gc(alpha_data, wp), dtype=float)
        if workload.random
        else np.ones_like(np.asarray(alpha, dtype=float))
    )
    slc = a["slc_fraction"]
    waf = iu_factor * extra * (waf_gc + slc)  # NAND bytes programmed per host byte (writepath.waf_total)

    p, page, bits = a["planes"], a["page_size"], a["bits_per_cell"]
    k = a["independent_plane_reads"]
    mp_page = p * page  # bytes sensed by a multi-plane read
    prog_unit = p * page * bits  # bytes written by a one-shot multi-plane program
    block_bytes = p * a["block_pages"] * page  # bytes erased by a multi-plane erase

    # ---- die time per I/O [die-seconds] ----
    if workload.random:
        pages = np.ceil(s / page)
        # k single-plane reads at a time, or multi-plane reads of p pages, whichever is quicker
        read_die = np.minimum(pages / k, np.ceil(pages / p)) * a["t_read"]
        read_senses = pages  # pages sensed (one plane each)
    else:
        read_die = s / mp_page * a["t_read"]
        read_senses = s / page
    written = s * iu_factor * extra * waf_gc  # bytes programmed natively per host write
    slc_bytes = s * iu_factor * extra * slc  # bytes through the SLC cache: programmed in SLC mode, read back
    # garbage collection relocates the victim's valid units, scattered over its pages: a victim holds a
    # fraction x = 1 - 1/WAF of valid units; a page with u units is read if any is valid and then
    # yields x u / (1 - (1 - x)^u) of them (single-plane page reads, k at a time per die)
    # (data only: parity is recomputed for the new stripe, not relocated)
    relocated = s * iu_factor * (1.0 + wp.metadata) * (waf_gc - 1.0)
    gc_senses = gc_page_reads(relocated, waf_gc, page, iu)
    rmw_bytes = s * (iu_factor - 1.0)  # rest of the IU(s) read back for a read-modify-write
    rmw_senses = np.ceil(rmw_bytes / page - 1e-12) if workload.random else 0.0
    # SLC cache: one-bit programs of every plane, then multi-plane SLC reads when folding (its erases are
    # of SLC-mode blocks holding 1/bits of a native block: counted with the native erase per byte x bits)
    slc_die = slc_bytes / mp_page * (a["t_prog_slc"] + a["t_read_slc"]) + slc_bytes * bits / block_bytes * a["t_erase"]
    data_in = program_data_in(bits, a["program_cache_pages"], p, page, a["spare_fraction"], a["channel_rate"])
    write_data_in = written / prog_unit * data_in
    write_die = (
        written / prog_unit * a["t_prog"]
        + write_data_in
        + (gc_senses + rmw_senses) * a["t_read"] / k
        + written / block_bytes * a["t_erase"]
        + slc_die
    )
    die_time = r * read_die + w * write_die
    die_data_in = w * write_data_in

    # ---- channel time per I/O [channel-seconds] ----
    spare = 1.0 + a["spare_fraction"]
    read_ch = s * spare / a["channel_rate"] + np.ceil(s / page) * a["command_time"]
    # data in, GC and RMW data out (no copyback); SLC-cached data in twice (SLC, then native) and out once
    write_bytes_ch = written + relocated + rmw_bytes + 2.0 * slc_bytes
    write_ch = (
        write_bytes_ch * spare / a["channel_rate"]
        + (written / page + gc_senses + rmw_senses + 2.0 * slc_bytes / page) * a["command_time"]
    )
    ch_time = r * read_ch + w * write_ch

    # ---- energy per I/O [J] ----
    # ASSUMPTION: read_power is a die's power during a multi-plane read; sensing one plane costs 1/p of
    # it (sensing and bit-line precharge scale with the planes sensed; datasheets quote one ICC figure)
    e_sense = a["read_power"] * a["t_read"] / p  # one plane sensing one page
    e_prog_byte = a["program_power"] * a["t_prog"] / prog_unit
    e_erase_byte = a["erase_power"] * a["t_erase"] / block_bytes
    e_read = read_senses * e_sense + s * spare * a["io_energy"]
    e_slc = (
        slc_bytes / mp_page * (a["program_power"] * a["t_prog_slc"] + a["read_power"] * a["t_read_slc"])
        + slc_bytes * bits * e_erase_byte
    )
    e_write = (
        written * (e_prog_byte + e_erase_byte)
        + (gc_senses + rmw_senses) * e_sense
        + e_slc
        + write_bytes_ch * spare * a["io_energy"]
    )
    # controller data path (ECC decode/encode, buffers, DMA) per byte crossing its NAND interface: a read's
    # data; a write's programmed bytes plus the GC-relocated and read-modify-write bytes it reads back
    ctrl_bytes = r * s + w * write_bytes_ch
    # plus the controller's work per NVMe command whatever its size (SQE fetch and parsing, FTL lookup or
    # update, CQE, interrupt): one command per drive I/O
    energy_op = r * e_read + w * e_write + ctrl_bytes * a["controller_energy"] + a["command_energy"]
    static = a["controller_power"] + a["dram_power"] + a["phy_power"] + a["standby_power"] * a["dies"]
    # a die busy with an operation draws that operation's power instead of standby: the energy an I/O adds
    # over an idle drive is its operation energy less the standby energy of its die time
    energy = energy_op - a["standby_power"] * die_time
    short = np.asarray(a["power_cap"] - static <= 0.0)
    if np.any(short):
        i = np.unravel_index(np.argmax(short), short.shape) if short.ndim else ()
        parts = {
            k: np.broadcast_to(np.asarray(v, dtype=float), short.shape)[i]
            for k, v in (
                ("cap", a["power_cap"]),
                ("static", static),
                ("controller", a["controller_power"]),
                ("DRAM", a["dram_power"]),
                ("PHY", a["phy_power"]),
                ("standby", a["standby_power"] * a["dies"]),
            )
        }
        raise ValueError(
            f"power_cap: {parts['cap']:.4g} W does not exceed the drive's static power "
            f"{parts['static']:.4g} W (controller {parts['controller']:.3g} + DRAM {parts['DRAM']:.3g} + "
            f"PHY {parts['PHY']:.3g} + NAND standby {parts['standby']:.3g} W); no I/O could run"
        )

    # ---- ceilings [I/Os per second] ----
    with np.errstate(divide="ignore", invalid="ignore"):
        ceilings = {
            "link": c_link,
            "controller_iops": a["controller_iops"] + 0.0 * c_link,
            "controller_bandwidth": a["controller_bandwidth"] / s + 0.0 * c_link,
            "channels": a["channels"] / ch_time,
            "dies": a["dies"] / die_time,
            "power": np.where(energy > 0, (a["power_cap"] - static) / np.where(energy > 0, energy, 1.0), np.inf),
        }
    if np.any(n_io != 1.0):  # drive I/Os -> application I/Os (ZNS host GC)
        ceilings = {key: np.asarray(v, dtype=float) / n_io for key, v in ceilings.items()}
        energy = energy * n_io
        die_time = die_time * n_io
        die_data_in = die_data_in * n_io
    stack = np.stack(np.broadcast_arrays(*[np.asarray(ceilings[k], dtype=float) for k in STAGES]))
    idx = np.argmin(stack, axis=0)
    iops = np.min(stack, axis=0)
    power = static + iops * energy
    res = {
        "iops": iops,
        "throughput": iops * s,
        "power": power,
        "efficiency": iops * s / power,
        "iops_per_watt": iops / power,
        "binding": np.array(STAGES)[idx],
        "waf": np.where(w_app > 0, waf, 1.0) + 0.0 * c_link,
        "active_dies": iops * die_time,
        "die_time": die_time + 0.0 * iops,
        "die_data_in": die_data_in + 0.0 * iops,
        "static_power": static,
        "energy_per_io": energy,
        "link_binding": link_binding,
    }
    for k in STAGES:
        res[f"ceiling_{k}"] = ceilings[k]
    variables = {k: (v, *_OUT[k], False) for k, v in res.items()}
    attrs = {
        "model": "linkmodel.ssd.drive",
        "workload": workload.name,
        "random": int(workload.random),
        "placement": wp.placement,
        "host_waf": h,
    }
    for k, v in (("size", s), ("read_fraction", r_app)):
        if np.ndim(v) == 0:
            attrs[k] = float(v)
    ds = dataset(variables, kind, attrs=attrs)
    return ds


def _validate(a):
    for name in (
        "channels",
        "channel_rate",
        "dies",
        "planes",
        "page_size",
        "bits_per_cell",
        "t_read",
        "t_prog",
        "t_erase",
        "t_read_slc",
        "t_prog_slc",
        "block_pages",
        "independent_plane_reads",
        "controller_iops",
        "controller_bandwidth",
        "power_cap",
        "user_capacity",
        "raw_capacity",
        "indirection_unit",
    ):
        check_range(
            name,
            a[name],
            lo=0,
            lo_open=True,
            unit=PARAMETERS[name] if PARAMETERS[name] != "1" else "",
            allow_inf=name.startswith("controller_"),
        )
    for name in (
        "spare_fraction",
        "command_time",
        "read_power",
        "program_power",
        "erase_power",
        "standby_power",
        "io_energy",
        "controller_power",
        "controller_energy",
        "command_energy",
        "dram_power",
        "phy_power",
    ):
        check_range(name, a[name], lo=0)
    check_range("reserve_fraction", a["reserve_fraction"], lo=0, hi=1, hi_open=True)
    check_range("slc_fraction", a["slc_fraction"], lo=0, hi=1)
    check_range("program_cache_pages", a["program_cache_pages"], lo=0)
    alpha = a["raw_capacity"] * (1.0 - a["reserve_fraction"]) / a["user_capacity"]
    if np.any(alpha <= 1.0):
        raise ValueError("raw_capacity: usable NAND (raw x (1 - reserve_fraction)) must exceed the user capacity")
    if np.any(np.asarray(a["independent_plane_reads"]) > np.asarray(a["planes"])):
        raise ValueError("independent_plane_reads: cannot exceed planes")


def predict(params: dict, workloads=None, write_path=None, **link_kw):
    """Every workload for one set of drive parameters, stacked on a ``workload`` axis.

    Parameters
    ----------
    params : dict
        See :func:`evaluate`.
    workloads : iterable of Workload, optional
        Default: :data:`WORKLOADS` (seq read/write 128 KiB, random read/write
        4 KiB, 70/30 mix).
    write_path : WritePath, optional
        See :func:`evaluate`.
    **link_kw
        Passed to the link stage.

    Returns
    -------
    xarray.Dataset
        As :func:`evaluate`, with a ``workload`` dimension.
    """
    import xarray as xr

    wls = list(WORKLOADS.values()) if workloads is None else list(workloads)
    if any(np.ndim(wl.size) or np.ndim(wl.read_fraction) for wl in wls):
        raise ValueError(
            "workloads: predict() stacks scalar workloads; for a size or read-share axis call "
            "evaluate() with that Workload (or linkmodel.studies.sweep.run)"
        )
    parts = [evaluate(params, wl, write_path, **link_kw) for wl in wls]
    ds = xr.concat(parts, dim="workload", combine_attrs="drop_conflicts")
    ds = ds.assign_coords(workload=[wl.name for wl in wls])
    ds = ds.assign_coords(
        size=("workload", [wl.size for wl in wls]), read_fraction=("workload", [wl.read_fraction for wl in wls])
    )
    ds.attrs["model"] = "linkmodel.ssd.drive"
    return ds
