"""The PCIe link model: a chain of named stages, one xarray Dataset out.

Stages, in order (each a small function in :mod:`linkmodel.pcie._stages`):

1. ``phy``        line rate = rate x lanes / 8; raw = line rate x encoding
2. ``skp``        SKP ordered sets take a share of every lane's time
3. ``flit``       flit mode: 20 of every 256 bytes are DLP + CRC + FEC
4. ``transactions`` the transfer becomes MWr / MRd / CplD TLPs per direction
5. ``packing``    flit mode: NOP fill (8-TLPs-per-half rule, per-transfer fill)
6. ``replay``     flits (or TLPs) that fail are replayed
7. ``dllp``       non-flit Ack / UpdateFC DLLPs, per the chosen policy
8. ``tags``       outstanding-read limit ``tags x request size / round trip``

The binding stage is whichever ceiling is lowest: the upstream link, the
downstream link, or the tags. Every byte of line rate is accounted for in
each direction::

    line_rate = encoding + skp + flit + replay + dllp + framing + headers
                + command + padding + payload + idle

All quantities are SI: bytes, seconds, B/s.
"""

from __future__ import annotations

import math
from typing import get_args

import numpy as np

from linkmodel._array import Kind, check_choice, check_memory, number, unpack
from linkmodel._typing import (
    ArrayLike,
    Clocking,
    CompletionCredits,
    CompletionSplit,
    DllpPolicy,
    Packing,
    Replay,
    Transfer,
)
from linkmodel.pcie import _jit, _stages, _validate, phy
from linkmodel.pcie import dllp as _dllp
from linkmodel.pcie import flit as _flit
from linkmodel.pcie import skp as _skp
from linkmodel.pcie import transactions as _tx
from linkmodel.pcie._result import BREAKDOWN, DIRECTIONS, LinkValues

__all__ = [
    "BINDINGS",
    "BREAKDOWN",
    "CREDIT_MODES",
    "DEFAULT_MPS",
    "DEFAULT_REPLAY_ROUND_TRIP",
    "DEFAULT_ROUND_TRIP",
    "DIRECTIONS",
    "LINK_BYTES_PER_ELEMENT",
    "LinkValues",
    "link",
    "link_values",
]

BINDINGS = np.array(["link_upstream", "link_downstream", "tags"])
CREDIT_MODES: tuple[CompletionCredits, ...] = get_args(CompletionCredits)

#: ASSUMPTION: time from sending a flit or TLP to learning it must be replayed
#: (error detection, Nak in the next flit or DLLP, both PHY pipelines, a short
#: channel). No published figure; a few flit times at Gen6. It only sets the
#: go-back-N window, worth < 0.05 % of bandwidth at the spec's error bounds.
DEFAULT_REPLAY_ROUND_TRIP = 100e-9
#: ASSUMPTION: non-posted read round trip seen by the device's DMA engine
#: (request out, host memory access, completions back). Idle PCIe latency is
#: quoted at 0.3-0.4 us and grows under load (reference dossier pcie.md §5.3,
#: order of magnitude only); 1 us is the dossier's worked-example value.
DEFAULT_ROUND_TRIP = 1e-6
#: ASSUMPTION: 256 B is the most common server setting (spec reset default is
#: 128 B; flit-capable functions must support >= 512 B [SPEC62 ch7]).
DEFAULT_MPS = 256


def link(
    gen: ArrayLike,
    lanes: ArrayLike,
    size: ArrayLike,
    mps: ArrayLike = DEFAULT_MPS,
    *,
    transfer: Transfer = "write",
    write_fraction: ArrayLike | None = None,
    mrrs: ArrayLike = 512,
    rcb: ArrayLike = 64,
    offset: ArrayLike = 0,
    addressing: ArrayLike = 64,
    ecrc: ArrayLike = False,
    flit: ArrayLike | None = None,
    clocking: Clocking = "common",
    dllp_policy: DllpPolicy = "spec",
    completion_split: CompletionSplit = "mps",
    completion_credits: CompletionCredits = "infinite",
    packing: Packing = "continuous",
    replay: Replay = "go_back_n",
    flit_error_rate: ArrayLike | None = None,
    bit_error_rate: ArrayLike | None = None,
    replay_round_trip: ArrayLike = DEFAULT_REPLAY_ROUND_TRIP,
    tag_bits: ArrayLike = 10,
    round_trip: ArrayLike = DEFAULT_ROUND_TRIP,
    outstanding: ArrayLike | None = None,
    command_upstream_tlps: ArrayLike = 0.0,
    command_upstream_bytes: ArrayLike = 0.0,
    command_downstream_tlps: ArrayLike = 0.0,
    command_downstream_bytes: ArrayLike = 0.0,
):
    """Per-direction bandwidth budget of a PCIe link for a stream of transfers.

    Back-to-back transfers of `size` bytes saturate the link (a bandwidth
    test, fio at high queue depth). The result says what each direction's
    line rate is spent on, the payload rate delivered, and which stage binds.

    Parameters
    ----------
    gen : int or array-like or xarray.DataArray
        PCIe generation 1..7 (8 provisional).
    lanes : int or array-like or xarray.DataArray
        Link width: 1, 2, 4, 8, 16.
    size : float or array-like or xarray.DataArray
        Bytes per transfer [B] (e.g. ``128 * KiB``).
    mps : int or array-like or xarray.DataArray
        Max_Payload_Size [B]: 128..4096. Default 256 (ASSUMPTION: common
        server setting).
    transfer : {"write", "read", "both"}
        Posted memory writes (MWr upstream), non-posted reads (MRd upstream,
        CplD downstream), or both at once in equal amounts. Ignored when
        `write_fraction` is given.
    write_fraction : float or array-like or xarray.DataArray, optional
        Share of transfers that are writes [1], 0..1 (the rest are reads).
    mrrs : int or array-like or xarray.DataArray
        Max_Read_Request_Size [B], default 512 (spec default).
    rcb : {64, 128} or array-like
        Read Completion Boundary [B] (root complex: 64 or 128).
    offset : float or array-like
        Start address modulo 4 KiB [B]; 0 = aligned.
    addressing : {32, 64} or array-like
        Address width [bit] of memory requests (4DW headers for 64).
    ecrc : bool or array-like
        Attach a 1-DW ECRC digest to every TLP.
    flit : bool or array-like, optional
        Flit mode. Default: the generation's rule (mandatory at 64 GT/s and
        above, off below; at 2.5-32 GT/s it is available between 6.x ports).
    clocking : {"common", "srns", "sris"}
        Reference-clock architecture (sets the SKP cadence).
    dllp_policy : {"spec", "per_tlp", "none", "pcie_bench"}
        How often Ack/UpdateFC DLLPs are sent (non-flit); see
        :mod:`linkmodel.pcie.dllp`.
    completion_split : {"mps", "rcb"}
        Completions as large as MPS, or one per RCB.
    completion_credits : {"infinite", "finite"}
        Whether the requester advertises infinite completion credits (all
        endpoints and non-P2P root complexes do [SPEC62 Table 2-50]) or
        returns UpdateFC-Cpl DLLPs.
    packing : {"continuous", "per_transfer"}
        Flit mode: TLPs of consecutive transfers share flits, or each transfer
        starts a new flit and NOP-fills its last one.
    replay : {"go_back_n", "selective"}
        Replay policy after a failed flit/TLP (non-flit links only do
        go-back-N).
    flit_error_rate : float or array-like, optional
        Probability a flit must be replayed [1], <= 0.1. Default
        :func:`linkmodel.pcie.flit.flit_error_probability` of `bit_error_rate`
        (independent errors; pass ``flit.FLIT_ERROR_BOUND_PAM4`` = 3e-5 for the
        spec's pessimistic bound at 64 GT/s).
    bit_error_rate : float or array-like, optional
        (First-)bit error rate per lane [1], <= 1e-6. Default the generation's
        target: 1e-12 at 2.5-32 GT/s, FBER 1e-6 at 64 GT/s and above.
    replay_round_trip : float or array-like
        Time to learn of a failed flit/TLP [s] (go-back-N window).
    tag_bits : {5, 8, 10, 14} or array-like
        Requester tag width (32 / 256 / 768 / 15,360 usable tags).
    round_trip : float or array-like
        Read request round trip [s]; 0 disables the tag ceiling.
    outstanding : float or array-like, optional
        Device limit on outstanding reads [1], below the tag count.
    command_upstream_tlps, command_downstream_tlps : float or array-like
        Side-band TLPs per transfer in each direction [1] (e.g. NVMe
        doorbells, SQE fetches, completions, interrupts; see
        :mod:`linkmodel.pcie.nvme`). They pay per-TLP framing and trigger Acks
        like any TLP.
    command_upstream_bytes, command_downstream_bytes : float or array-like
        Header + payload bytes of those TLPs per transfer [B] (framing is
        added here). Reported as ``command_overhead``.

    Returns
    -------
    xarray.Dataset
        Dimension ``direction`` (upstream, downstream) plus the inputs'
        dimensions (named dims of DataArrays; ``dim_0``... for numpy arrays).
        Variables: ``line_rate``, ``raw_bandwidth``, ``effective_bandwidth``,
        ``efficiency``, ``transfer_rate``, ``ceiling_*``, ``binding``, and per
        direction the breakdown ``encoding_overhead`` ... ``idle`` that sums
        to ``line_rate`` (an ``idle`` within 1e-12 of the line rate of 0 is
        round-off and given as 0 [B/s]). Units in each variable's ``attrs["units"]``.

    Raises
    ------
    ValueError
        One line naming the parameter and what is allowed.

    Examples
    --------
    >>> from linkmodel.units import KiB
    >>> ds = link(6, 4, 128 * KiB, mps=512)
    >>> round(float(ds.effective_bandwidth) / 1e9, 2)
    28.51
    """
    return link_values(**locals()).to_dataset()


def link_values(
    gen: ArrayLike,
    lanes: ArrayLike,
    size: ArrayLike,
    mps: ArrayLike = DEFAULT_MPS,
    *,
    transfer: Transfer = "write",
    write_fraction: ArrayLike | None = None,
    mrrs: ArrayLike = 512,
    rcb: ArrayLike = 64,
    offset: ArrayLike = 0,
    addressing: ArrayLike = 64,
    ecrc: ArrayLike = False,
    flit: ArrayLike | None = None,
    clocking: Clocking = "common",
    dllp_policy: DllpPolicy = "spec",
    completion_split: CompletionSplit = "mps",
    completion_credits: CompletionCredits = "infinite",
    packing: Packing = "continuous",
    replay: Replay = "go_back_n",
    flit_error_rate: ArrayLike | None = None,
    bit_error_rate: ArrayLike | None = None,
    replay_round_trip: ArrayLike = DEFAULT_REPLAY_ROUND_TRIP,
    tag_bits: ArrayLike = 10,
    round_trip: ArrayLike = DEFAULT_ROUND_TRIP,
    outstanding: ArrayLike | None = None,
    command_upstream_tlps: ArrayLike = 0.0,
    command_upstream_bytes: ArrayLike = 0.0,
    command_downstream_tlps: ArrayLike = 0.0,
    command_downstream_bytes: ArrayLike = 0.0,
) -> LinkValues:
    """The figures of :func:`link` as numpy arrays (:class:`LinkValues`), with no Dataset built.

    Same parameters, checks and numbers as :func:`link` (which returns
    ``link_values(...).to_dataset()``): for callers that read a few numbers
    of one configuration (the command line) or build their own result.
    Units as in :func:`link`'s Dataset [B/s, B, 1, 1/s].
    """
    options = dict(
        clocking=clocking,
        dllp_policy=dllp_policy,
        completion_split=completion_split,
        completion_credits=completion_credits,
        packing=packing,
        replay=replay,
    )
    codes = _checked_codes(options)
    if write_fraction is None:
        write_fraction = _tx.transfer_write_fraction(transfer)
    inputs = dict(
        gen=gen,
        lanes=lanes,
        size=size,
        mps=mps,
        write_fraction=write_fraction,
        mrrs=mrrs,
        rcb=rcb,
        offset=offset,
        addressing=addressing,
        ecrc=ecrc,
        replay_round_trip=replay_round_trip,
        tag_bits=tag_bits,
        round_trip=round_trip,
        command_upstream_tlps=command_upstream_tlps,
        command_upstream_bytes=command_upstream_bytes,
        command_downstream_tlps=command_downstream_tlps,
        command_downstream_bytes=command_downstream_bytes,
    )
    optional = dict(flit=flit, flit_error_rate=flit_error_rate, bit_error_rate=bit_error_rate, outstanding=outstanding)
    inputs.update({k: v for k, v in optional.items() if v is not None})
    given = {k for k, v in optional.items() if v is not None}
    x = {k: number(v) for k, v in inputs.items()}
    if None not in x.values():  # one configuration of plain numbers: no arrays until the result
        kin, f, g = _validate.validate_one(x, given)
        out = np.array(_stages.link_element_kernel(*kin, *codes))
        return LinkValues(_results(out, np.asarray(f), g), _SCALAR, options)
    a, kind = unpack(**inputs)
    check_memory(
        "link", np.prod(kind.shape, dtype=float), LINK_BYTES_PER_ELEMENT, "evaluate the inputs in smaller batches"
    )
    return LinkValues(_evaluate_blocked(a, kind, codes, given), kind, options)


_SCALAR = Kind("scalar", ())


#: the kernel's codes of each combination of string options checked so far (at most the 192 valid ones)
_CODES: dict = {}


def _checked_codes(options: dict) -> tuple:
    """:func:`_check_options`, then the options' kernel codes (:func:`_option_codes`), remembered per combination."""
    key = tuple(options.values())
    try:
        return _CODES[key]
    except (KeyError, TypeError):  # not seen yet, or an unhashable (wrong) value: checked below
        pass
    _check_options(options)
    codes = _CODES[key] = tuple(_option_codes(options))  # every value is one of the allowed strings
    return codes


def _option_codes(options: dict) -> list[float]:
    """The kernel's codes of the (checked) string options: clocking, then :data:`_stages.OPTION_CODES`' order."""
    clk = float(_skp.clocking_code(_skp.check_clocking(options["clocking"])))
    return [clk] + [float(values.index(options[k])) for k, values in _stages.OPTION_CODES.items()]


def _check_options(options: dict) -> None:
    """Validate the string options of :func:`link` (one-line errors naming the parameter)."""
    check_choice("clocking", options["clocking"], _skp.CLOCKINGS)
    _dllp.check_policy(options["dllp_policy"])
    check_choice("completion_split", options["completion_split"], _tx.COMPLETION_SPLITS)
    check_choice("completion_credits", options["completion_credits"], CREDIT_MODES)
    check_choice("packing", options["packing"], _flit.PACKINGS)
    check_choice("replay", options["replay"], _flit.REPLAY_MODES)


#: Peak working memory of :func:`link` per element of the broadcast inputs [B]: measured once with tracemalloc,
#: ``link(gen array, 4, size array)`` over 4e6 elements (numpy 2, the Dataset returned held): 355 B (the result's
#: ~ 25 per-direction and scalar float64 variables and its binding strings dominate; blocks keep the temporaries
#: small). A 2e7-element call needs ~ 7 GiB.
LINK_BYTES_PER_ELEMENT = 360

#: Elements evaluated per block: temporaries of 64 Ki float64 (512 KiB) stay in cache and reuse memory.
BLOCK = 1 << 16


def _slice_lead(v, ndim, sl):
    v = np.asarray(v)
    if v.ndim == ndim and v.shape[0] > 1:
        return v[sl]
    return v


def _evaluate_blocked(a, kind: Kind, codes: tuple, given: set):
    """Validate and evaluate in blocks of the leading axis (small temporaries), every block's kernel writing into
    one output array; the result's variables are views of it."""
    shape = kind.shape
    n = int(np.prod(shape)) if shape else 1
    out = np.empty((*shape, len(_stages.OUTPUTS)))
    if not shape or n <= BLOCK or shape[0] == 1:
        flit, g = _evaluate(a, out, codes, given)
        return _results(out, flit, g)
    lead = shape[0]
    step = max(1, BLOCK // max(1, n // lead))
    flit, g = np.empty(shape, dtype=bool), np.empty(shape, dtype=np.int64)
    binding, provisional = np.empty(shape, dtype=BINDINGS.dtype), np.empty(shape, dtype=bool)

    def block(start):  # validate and evaluate rows start.. of the leading axis into the shared arrays
        sl = slice(start, min(lead, start + step))
        sub_shape = (sl.stop - sl.start, *shape[1:])
        sub = {k: _slice_lead(v, len(shape), sl) for k, v in a.items()}
        f_sub, g_sub = _evaluate(sub, out[sl], codes, given)
        flit[sl] = np.broadcast_to(f_sub, sub_shape)
        g[sl] = np.broadcast_to(g_sub, sub_shape)
        np.take(BINDINGS, out[sl][..., _BINDING].astype(np.intp), out=binding[sl], mode="clip")
        provisional[sl] = phy.provisional_kernel(g[sl])

    _jit.map_blocks(block, range(0, lead, step))
    return _results(out, flit, g, binding, provisional)


def _evaluate(a, out, codes, given):
    """Validate inputs `a` and write the kernel's :data:`_stages.OUTPUTS` into `out` (shape ``inputs + (k,)``);
    return the flit mode and generation (validated arrays) for the result."""
    v = _validate.validate(a, given)
    _stages.link_elements(*(v[k] for k in _validate.KERNEL_INPUTS), *codes, out=out)
    return v["flit"], v["g"]


_TRANSFER_RATE, _BINDING = _stages.OUTPUTS.index("transfer_rate"), _stages.OUTPUTS.index("binding")


def _results(out, flit, g, binding=None, provisional=None):
    """The result's variables (views of the kernel's `out`), in the Dataset's order; `binding` and `provisional`
    when the blocks have filled them already."""
    rate = out[..., _TRANSFER_RATE]
    if not (math.isfinite(rate) if out.ndim == 1 else np.isfinite(rate).all()):  # never hand back inf silently
        raise ValueError("link: no finite ceiling for these inputs")
    res = {name: out[..., i] for i, name in enumerate(_stages.OUTPUTS[:8])}
    res["binding"] = BINDINGS[out[..., _BINDING].astype(np.intp)] if binding is None else binding
    res["flit"] = flit
    res["provisional"] = phy.provisional_kernel(g) if provisional is None else provisional
    res.update({name: out[..., i] for i, name in enumerate(_stages.OUTPUTS[: _stages.FIRST_PER_DIRECTION]) if i > 8})
    tail = out[..., _stages.FIRST_PER_DIRECTION :]
    per_dir = tail.transpose(tail.ndim - 1, *range(tail.ndim - 1))  # (upstream, downstream) pairs, leading axis
    for i, name in enumerate(_stages.PER_DIRECTION):
        res[name] = per_dir[2 * i : 2 * i + 2]
    return res
