"""The drive's stages: each has a capacity and a demand per I/O, and so a ceiling in I/Os per second.

::

    stage                 capacity                         demand per I/O
    --------------------  -------------------------------  ---------------------------------------
    link                  PCIe budget incl. NVMe commands  (linkmodel.pcie.nvme / pcie.link)
    controller_iops       command-processing limit         1 command
    controller_bandwidth  data-path limit                  `size` bytes
    channels              N_ch channels (busy time)        bytes x (1 + spare) / rate + commands x t_cmd
    dies                  N_die dies (busy time)           array time: reads (with their data out where the
                                                           die has no cache read), programs (with the data-in
                                                           the cache latches cannot hide), GC reads, erases
    power                 power_cap - static power [W]     energy per I/O [J]

:data:`STAGES` is the ordered registry the drive model loops over; the
lowest ceiling binds. Each :class:`Stage` says which drive parameters its
ceiling rests on (:meth:`Stage.rests_on`), so studies ask the stage instead of
keeping their own table. A new stage (thermal throttling, say) is one function
and one registry entry.

Stage functions are kernels: plain numpy on checked inputs (``a``: the drive
parameters unpacked by :func:`linkmodel._array.unpack`; ``d``: the I/O's
back-end work from :func:`linkmodel.ssd.operations.demand`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from linkmodel import ufs
from linkmodel.pcie import nvme
from linkmodel.ssd import nand, power
from linkmodel.ssd.operations import Demand

__all__ = ["STAGES", "Stage", "StageResult", "on_distinct", "register"]


@dataclass(frozen=True)
class StageResult:
    """What a stage gives for one drive I/O.

    Attributes
    ----------
    ceiling : numpy.ndarray
        Drive I/Os per second the stage allows [1/s].
    busy_per_io : numpy.ndarray or None
        Resource-seconds one I/O holds the stage's resource (die-seconds,
        channel-seconds) [s]; None where the stage is not a busy resource.
    energy_per_io : numpy.ndarray or None
        Energy one I/O adds over the idle drive [J] (the power stage).
    outputs : dict
        Further named results (e.g. the link's own binding, the static power).
    """

    ceiling: Any
    busy_per_io: Any = None
    energy_per_io: Any = None
    outputs: dict = field(default_factory=dict)


#: a stage function: (unpacked parameters, the I/O's demand, earlier stages' results, link options) -> result
StageFunc = Callable[[Mapping[str, np.ndarray], Demand, Mapping[str, StageResult], Any], StageResult]


@dataclass(frozen=True)
class Stage:
    """One registered stage: its name, its function and the parameters its ceiling rests on.

    ``reads`` and ``writes`` list the drive parameters (keys of
    :data:`linkmodel.ssd.params.PARAMETERS`) that decide the ceiling for reads
    and for writes: the inputs whose provenance says whether a ceiling rests
    on published facts (:mod:`linkmodel.studies.validate`).
    """

    name: str
    func: StageFunc
    reads: tuple[str, ...]
    writes: tuple[str, ...]
    description: str

    def rests_on(self, reads: bool) -> tuple[str, ...]:
        """The drive parameters the ceiling rests on for a read (True) or write (False) workload."""
        return self.reads if reads else self.writes


#: the ordered registry: name -> Stage
STAGES: dict[str, Stage] = {}


def register(name: str, reads: tuple[str, ...], writes: tuple[str, ...], description: str):
    """Decorator: append a stage function to :data:`STAGES` under `name`."""

    def deco(func: StageFunc) -> StageFunc:
        if name in STAGES:
            raise ValueError(f"stage: {name!r} is registered already")
        STAGES[name] = Stage(name, func, reads, writes, description)
        return func

    return deco


#: stand-in link inputs where a drive is of the other family (valid for both budgets, never reported)
_PCIE_STANDIN = {"gen": 4.0, "lanes": 4.0}
_UFS_STANDIN = {"gen": 4.0, "lanes": 2.0}


@register("link", ("mps", "link_family"), ("mps", "link_family"), "IOPS the host link allows (PCIe+NVMe, or UFS)")
def link_stage(a, d: Demand, prior, options) -> StageResult:
    """The host link: I/Os per second of the I/O's size and read share.

    PCIe drives (``link_family`` 0): :func:`linkmodel.pcie.nvme.io_link_ceiling`,
    NVMe command traffic included. UFS drives (1): :func:`linkmodel.ufs.io_link_ceiling`,
    the byte-exact UPIU and UniPro budget of M-PHY gear ``gen`` on ``lanes``
    lanes per direction (its series-B rates, 32 KiB data UPIUs, the gear's
    UniPro frame size). Where both families broadcast together each budget
    runs on its own drives, the other's given stand-in inputs; a batch of one
    family runs one budget only. Each budget runs once per distinct link
    configuration of a large batch (:func:`on_distinct`). Ceilings [1/s].
    """
    fam = np.asarray(a["link_family"], dtype=float)
    ufs_ = fam == 1.0
    parts = []  # (where, ceiling [1/s], binding) of each family's budget
    if not np.all(ufs_):
        g, n = (np.where(ufs_, _PCIE_STANDIN[k], a[k]) if np.any(ufs_) else a[k] for k in ("gen", "lanes"))
        rate, binding = on_distinct(
            lambda g, n, s, mps, rf, mrrs: _values(
                nvme.io_link_ceiling(g, n, s, mps, read_fraction=rf, mrrs=mrrs, options=options)
            ),
            (g, n, d.size, a["mps"], d.read_share, a["mrrs"]),
        )
        parts.append((~ufs_, rate, binding))
    if np.any(ufs_):
        g, n = (np.where(ufs_, a[k], _UFS_STANDIN[k]) for k in ("gen", "lanes"))
        rate, binding = on_distinct(
            lambda g, n, s, rf: _values(ufs.io_link_ceiling(g, n, s, read_fraction=rf)), (g, n, d.size, d.read_share)
        )
        parts.append((ufs_, rate, binding))
    if len(parts) == 1:  # one family: its budget as it is
        _, rate, binding = parts[0]
        return StageResult(np.asarray(rate, dtype=float), outputs={"link_binding": np.asarray(binding)})
    (m0, r0, b0), (_, r1, b1) = parts
    rate = np.where(m0, np.asarray(r0, dtype=float), np.asarray(r1, dtype=float))
    return StageResult(rate, outputs={"link_binding": np.where(m0, b0, b1).astype(str)})


def _values(ds) -> tuple:
    """A link budget Dataset's ceiling [1/s] and binding as numpy arrays."""
    return ds.transfer_rate.values, ds.binding.values


#: :func:`on_distinct` looks for repeated configurations in batches of at least this many elements. Below, the
#: budget runs on every element: measured on the 2-core machine, the link budget costs ~130-220 ns per element in
#: numba's loop plus ~1 ms per call (validation, command traffic, its Dataset), the search ~1 ns per element and
#: varying input, so a small batch has little to save and the search would only add its fixed cost.
DISTINCT_MIN_ELEMENTS = 4096
#: ... and gives up when one input takes more than this many values (each value costs the search one pass over
#: the batch) ...
DISTINCT_MAX_VALUES = 64
#: ... or when the combinations of the inputs' values could exceed 1/8 of the batch (then the budget on the
#: combinations would save less than the search and the spreading back cost)
DISTINCT_MIN_SHARE = 8


def on_distinct(func, inputs: tuple) -> tuple:
    """``func(*inputs)`` (arrays of the inputs' broadcast shape) evaluated once per distinct configuration.

    `func` is element-wise: each output element depends on the inputs' elements at its position only. When
    the inputs broadcast to a large batch whose varying inputs take few values each (a design sweep's
    generations and widths), `func` runs on the distinct combinations present (identical by bit pattern:
    the same float inputs, hence the same outputs) and its outputs are spread back; otherwise on `inputs` as
    given. Returns `func`'s outputs (a tuple of arrays) in the broadcast shape [units of `func`].
    """
    arrs = [np.asarray(x, dtype=float) for x in inputs]
    shape = np.broadcast_shapes(*(x.shape for x in arrs))
    size = int(np.prod(shape))
    varying = [i for i, x in enumerate(arrs) if x.size > 1]
    if size < DISTINCT_MIN_ELEMENTS or not varying:
        return func(*arrs)
    code, radix, values = np.zeros(size, dtype=np.intp), 1, {}
    for i in varying:
        f = _factor(np.broadcast_to(arrs[i], shape).reshape(-1))
        if f is None or radix * len(f[1]) > size // DISTINCT_MIN_SHARE:
            return func(*arrs)
        code += f[0].astype(np.intp) * radix
        radix *= len(f[1])
        values[i] = f[1]
    present = np.bincount(code, minlength=radix) > 0
    combos = np.flatnonzero(present)  # the combinations present, each once
    where = (np.cumsum(present) - 1)[code]  # each element's row among them
    args = list(arrs)
    for i in varying:  # mixed radix: the first varying input is the lowest digit
        args[i] = values[i][combos % len(values[i])]
        combos = combos // len(values[i])
    return tuple(np.take(np.asarray(out), where).reshape(shape) for out in func(*args))


def _factor(x):
    """``(codes, values)`` with ``values[codes] == x`` bit for bit, or None when `x` (1-d float64) takes more than
    :data:`DISTINCT_MAX_VALUES` values."""
    bits = x.view(np.int64)
    found = np.unique(bits[:256])
    code = np.zeros(bits.shape, dtype=np.int8)  # int8: 64 values at most; 1/8 of the memory traffic of intp
    covered, done = 0, 0
    while found.size <= DISTINCT_MAX_VALUES:
        for j in range(done, found.size):
            at = bits == found[j]
            covered += int(np.count_nonzero(at))
            code += at.view(np.int8) * np.int8(j)
        done = found.size
        if covered == bits.size:
            return code, found.view(float)
        missing = np.ones(bits.shape, dtype=bool)
        for v in found:
            missing &= bits != v
        found = np.concatenate([found, np.unique(bits[missing][:256])])
    return None


@register("controller_iops", ("controller_iops",), ("controller_iops",), "IOPS the controller's processing allows")
def controller_iops_stage(a, d: Demand, prior, options) -> StageResult:
    """The controller's command-processing limit [1/s] (inf where none is published)."""
    return StageResult(np.asarray(a["controller_iops"], dtype=float))


@register(
    "controller_bandwidth",
    ("controller_bandwidth",),
    ("controller_bandwidth",),
    "IOPS the controller's data path allows",
)
def controller_bandwidth_stage(a, d: Demand, prior, options) -> StageResult:
    """The controller's data-path limit [B/s] over the I/O size [B]."""
    return StageResult(a["controller_bandwidth"] / d.size)


@register("channels", ("channels", "channel_rate"), ("channels", "channel_rate"), "IOPS the NAND channels allow")
def channel_stage(a, d: Demand, prior, options) -> StageResult:
    """Channel-seconds per I/O: data with its spare bytes at the channel rate, plus command cycles."""
    rate, sf, ct, page = a["channel_rate"], a["spare_fraction"], a["command_time"], a["page_size"]
    read_ch = d.read_ch  # command cycles and data out (operations.demand)
    commands = d.written / page + d.gc_senses + d.rmw_senses + 2.0 * d.slc_bytes / page
    write_ch = nand.channel_time(d.write_bytes_ch, rate, sf, ct, commands)
    ch_time = d.read_share * read_ch + d.write_share * write_ch
    with np.errstate(divide="ignore", invalid="ignore"):
        return StageResult(a["channels"] / ch_time, busy_per_io=ch_time)


@register(
    "dies",
    ("t_read", "independent_plane_reads", "cache_read"),
    ("t_prog", "program_cache_pages", "channel_rate"),
    "IOPS the NAND dies allow",
)
def die_stage(a, d: Demand, prior, options) -> StageResult:
    """Die-seconds per I/O: reads; programs with their one-shot data-in, GC and RMW reads, erases, SLC folding.

    A read (host, GC or read-modify-write) holds its die for :func:`linkmodel.ssd.nand.read_hold`: the sense,
    and without cache read its data out too.
    """
    p, page, bits, ct = a["planes"], a["page_size"], a["bits_per_cell"], a["command_time"]
    mp_page = p * page  # bytes sensed by a multi-plane read
    prog_unit = p * page * bits  # bytes written by a one-shot multi-plane program
    block_bytes = p * a["block_pages"] * page  # bytes erased by a multi-plane erase
    # SLC cache: one-bit programs of every plane, then multi-plane SLC reads when folding (its erases are
    # of SLC-mode blocks holding 1/bits of a native block: counted with the native erase per byte x bits)
    slc_die = d.slc_bytes / mp_page * (a["t_prog_slc"] + a["t_read_slc"]) + (
        d.slc_bytes * bits / block_bytes * a["t_erase"]
    )
    data_in = nand.program_data_in(bits, a["program_cache_pages"], p, page, a["spare_fraction"], a["channel_rate"])
    write_data_in = d.written / prog_unit * data_in
    # GC and RMW reads: single-plane senses on the read servers, each moving its data out (no copyback)
    bg_senses = d.gc_senses + d.rmw_senses
    bg_out = nand.channel_time(d.relocated + d.rmw_bytes, a["channel_rate"], a["spare_fraction"], ct, bg_senses)
    write_die = (
        d.written / prog_unit * a["t_prog"]
        + write_data_in
        + nand.read_hold(bg_senses * a["t_read"], bg_out, a["cache_read"]) / a["independent_plane_reads"]
        + d.written / block_bytes * a["t_erase"]
        + slc_die
    )
    die_time = d.read_share * d.read_die + d.write_share * write_die
    with np.errstate(divide="ignore", invalid="ignore"):
        return StageResult(
            a["dies"] / die_time, busy_per_io=die_time, outputs={"die_data_in": d.write_share * write_data_in}
        )


@register(
    "power",
    ("controller_energy", "command_energy", "read_power"),
    ("t_prog", "program_power", "command_energy"),
    "IOPS the power cap allows",
)
def power_stage(a, d: Demand, prior, options) -> StageResult:
    """(power cap - static power) / energy per I/O; the dies' busy time replaces their standby draw."""
    static = power.static_power(a["controller_power"], a["dram_power"], a["phy_power"], a["standby_power"], a["dies"])
    energy = power.io_energy(a, d, prior["dies"].busy_per_io)
    power.check_cap(a, static)
    with np.errstate(divide="ignore", invalid="ignore"):
        ceiling = np.where(energy > 0, (a["power_cap"] - static) / np.where(energy > 0, energy, 1.0), np.inf)
    return StageResult(ceiling, energy_per_io=energy, outputs={"static_power": static})


#: parameters the static power rests on (not a stage: it is drawn whatever the load)
STATIC_INPUTS = ("controller_power", "dram_power", "phy_power")
