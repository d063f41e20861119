"""Link latency: serialization, flit alignment and accumulation, FEC, hops.

One-way latency of a transfer on an otherwise idle link, from the moment its
first TLP is ready at the transmitter to the moment its last byte has been
checked at the receiver::

    latency = flit_alignment + serialization + flit_accumulation + fec_decode
              + propagation + hops

* ``serialization``: the transfer's TLP bytes (headers, framing, payload) at
  the link's TLP byte rate (raw bandwidth, x 236/256 in flit mode).
* ``flit_alignment`` (flit mode): a TLP that becomes ready while a flit is
  being sent waits for the next flit boundary, half a flit time on average.
* ``flit_accumulation`` (flit mode): the receiver must hold a whole flit to
  check its CRC and FEC before releasing its TLP bytes [SPEC62 §4.2.3.3]; the
  rest of the last flit after the transfer's last byte. One flit takes
  ``256 x 8 / (rate x lanes)``: 2 ns at Gen6 x16, 32 ns at Gen6 x1 (x 130/128
  at 8-32 GT/s).
* ``fec_decode``: the spec gives no figure [SPEC62 §4.2.3.1.1: "lightweight"];
  the default is 0 and the value is the caller's to supply.
* ``propagation``: channel length / signal velocity. Default velocity
  c / sqrt(4.0) = 1.5e8 m/s (6.7 ns/m), the textbook value for an FR-4-class
  dielectric (ASSUMPTION, relative permittivity 4.0).
* ``hops``: switches and retimers, each a per-hop latency the caller gives
  (vendor figures vary; none is built in).

Non-flit links check each TLP's LCRC when it has fully arrived, which the
serialization term already covers.
"""

from __future__ import annotations

from typing import get_args

import numpy as np

from linkmodel._array import Kind, check_choice, check_integer, check_range, dataset, pack, unpack
from linkmodel._typing import ArrayLike, LatencyTransfer
from linkmodel.pcie import flit as _flit
from linkmodel.pcie import framing as _framing
from linkmodel.pcie import phy
from linkmodel.pcie import transactions as _tx

__all__ = [
    "BOUNDS",
    "DEFAULT_PERMITTIVITY",
    "DEFAULT_VELOCITY",
    "LATENCY_TRANSFERS",
    "SPEED_OF_LIGHT",
    "breakdown",
    "breakdown_values",
    "flit_time",
]

SPEED_OF_LIGHT = 299_792_458.0  # [m/s], exact (SI definition)
#: ASSUMPTION: relative permittivity of an FR-4-class PCB dielectric
DEFAULT_PERMITTIVITY = 4.0
DEFAULT_VELOCITY = SPEED_OF_LIGHT / np.sqrt(DEFAULT_PERMITTIVITY)
LATENCY_TRANSFERS: tuple[LatencyTransfer, ...] = get_args(LatencyTransfer)

#: Upper bounds of the caller-given latency inputs: (bound, unit, basis). They are plausibility
#: limits, wide enough for any real part and narrow enough to catch a unit slip (nanoseconds given
#: as seconds, millimetres as metres); only the completer's is a spec limit.
BOUNDS = {
    "channel_length": (
        100.0,
        "m",
        "copper PCIe cables reach 1 m inside a system and 2 m outside (PCI-SIG CopprLink internal and "
        "external cable specifications, 2024); optical PCIe links go further. 100 m: ASSUMPTION",
    ),
    "fec_decode": (
        1e-6,
        "s",
        "the spec gives no figure, only that the FEC is lightweight [SPEC62 §4.2.3.1.1]; quoted figures "
        "are 1-10 ns (UNCONFIRMED, reference dossier pcie.md §3.4). 1 us, 100x the largest: ASSUMPTION",
    ),
    "switch_latency": (
        10e-6,
        "s",
        "PCIe switches are quoted at about 100 ns port to port (115 ns, Broadcom PEX89048 as quoted by "
        "HighPoint). 10 us, 100x that: ASSUMPTION",
    ),
    "retimer_latency": (
        1e-6,
        "s",
        "retimers add tens of nanoseconds (Kandou, 'A short primer on PCIe latency', EDN Asia). 1 us: ASSUMPTION",
    ),
    "completer_latency": (
        64.0,
        "s",
        "a requester abandons a read after its Completion Timeout, at most 64 s (range D, 4-64 s; the "
        "default range is 50 us-50 ms) [PCIe Base Specification, Device Control 2]",
    ),
}


def flit_time(gen: ArrayLike, lanes: ArrayLike):
    """Time to send one 256-byte flit [s].

    ``256 x 8 / (rate x lanes x encoding_efficiency)``.

    Parameters
    ----------
    gen : int or array-like or xarray.DataArray
        PCIe generation.
    lanes : int or array-like or xarray.DataArray
        Link width.

    Returns
    -------
    flit_time : broadcast kind of the inputs
        [s]; Gen6 x16 2.0 ns, Gen6 x1 32 ns.
    """
    raw, k = phy.raw_bandwidth_and_kind(gen, lanes)
    return pack(_flit.FLIT_BYTES / raw, k, "flit_time", "s", "time to send one flit")


def breakdown(
    gen: ArrayLike,
    lanes: ArrayLike,
    size: ArrayLike,
    mps: ArrayLike = 256,
    *,
    transfer: LatencyTransfer = "write",
    flit: ArrayLike | None = None,
    addressing: ArrayLike = 64,
    channel_length: ArrayLike = 0.0,
    velocity: ArrayLike = DEFAULT_VELOCITY,
    fec_decode: ArrayLike = 0.0,
    switches: ArrayLike = 0,
    switch_latency: ArrayLike | None = None,
    retimers: ArrayLike = 0,
    retimer_latency: ArrayLike | None = None,
    mrrs: ArrayLike = 512,
    completer_latency: ArrayLike = 0.0,
):
    """Latency breakdown of one transfer on an idle link.

    Parameters
    ----------
    gen, lanes : int or array-like or xarray.DataArray
        PCIe generation and width.
    size : float or array-like or xarray.DataArray
        Transfer size [B].
    mps : int or array-like
        Max_Payload_Size [B].
    transfer : {"write", "read"}
        ``"write"``: one-way posted write. ``"read"``: MRd requests out,
        ``completer_latency`` at the completer, CplD back (a round trip).
    flit : bool or array-like, optional
        Flit mode; default the generation's rule.
    addressing : {32, 64}
        Address width of the requests [bit].
    channel_length : float or array-like
        One-way channel length [m], 0 to 100 (see :data:`BOUNDS`).
    velocity : float or array-like
        Signal velocity [m/s].
    fec_decode : float or array-like
        FEC decode latency per flit-mode link crossing [s] (no spec figure),
        0 to 1 us.
    switches, retimers : int or array-like
        Number of switches / retimers crossed one way (0-16).
    switch_latency, retimer_latency : float or array-like, optional
        Per-hop latency [s], port to port, including whatever flit
        accumulation and FEC the device does on the next link; required when
        the matching count is > 0. At most 10 us per switch and 1 us per
        retimer.
    mrrs : int or array-like
        Max_Read_Request_Size [B] (reads).
    completer_latency : float or array-like
        Time the completer takes to answer a read [s] (e.g. host memory),
        0 to 64 s.

    Returns
    -------
    xarray.Dataset
        Variables ``flit_alignment``, ``serialization``,
        ``flit_accumulation``, ``fec_decode``, ``propagation``, ``hops``,
        ``completer`` and ``total`` [s].

    Raises
    ------
    ValueError
        One line naming the parameter and what is allowed.
    """
    parts, kind = _parts(locals())
    return dataset(
        {k: (x, "s", _LONG[k], False) for k, x in parts.items()},
        kind,
        attrs={"model": "linkmodel.pcie.latency.breakdown", "transfer": transfer},
    )


def breakdown_values(
    gen: ArrayLike,
    lanes: ArrayLike,
    size: ArrayLike,
    mps: ArrayLike = 256,
    *,
    transfer: LatencyTransfer = "write",
    flit: ArrayLike | None = None,
    addressing: ArrayLike = 64,
    channel_length: ArrayLike = 0.0,
    velocity: ArrayLike = DEFAULT_VELOCITY,
    fec_decode: ArrayLike = 0.0,
    switches: ArrayLike = 0,
    switch_latency: ArrayLike | None = None,
    retimers: ArrayLike = 0,
    retimer_latency: ArrayLike | None = None,
    mrrs: ArrayLike = 512,
    completer_latency: ArrayLike = 0.0,
) -> dict:
    """The terms of :func:`breakdown` as numpy arrays [s], with no Dataset built.

    Same parameters, checks and numbers as :func:`breakdown` (whose
    variables they are): name -> array broadcastable to the inputs' shape
    (0-d for scalar inputs), ``total`` last.
    """
    return _parts(locals())[0]


def _parts(kw: dict) -> tuple[dict, Kind]:
    """The latency terms [s] of :func:`breakdown`'s keywords `kw`, and the inputs' layout."""
    transfer, flit = kw.pop("transfer"), kw.pop("flit")
    check_choice("transfer", transfer, LATENCY_TRANSFERS)
    for name, count in (("switch", "switches"), ("retimer", "retimers")):
        if kw[f"{name}_latency"] is None and np.any(np.asarray(kw[count]) > 0):
            raise ValueError(f"{name}_latency: required when {count} > 0 (no default per-hop latency is built in)")
        if kw[f"{name}_latency"] is None:
            kw[f"{name}_latency"] = 0.0
    # flit: a placeholder, unused when flit is None
    a, kind = unpack(**kw, flit=0.0 if flit is None else flit)
    v = _validate(a, given_flit=flit is not None)
    parts = _terms(v, a, transfer)
    parts["total"] = sum(np.asarray(x, dtype=float) for x in parts.values())
    return parts, kind


_LONG = {
    "flit_alignment": "wait for the next flit boundary",
    "serialization": "TLP bytes at the link's TLP rate",
    "flit_accumulation": "rest of the last flit before its CRC/FEC check",
    "fec_decode": "FEC decode",
    "propagation": "signal flight time",
    "hops": "switches and retimers",
    "completer": "completer response",
    "total": "total latency",
}


def _validate(a: dict, given_flit: bool) -> dict:
    """Check the unpacked inputs of :func:`breakdown`; return the validated arrays it computes on."""
    g, n = phy.check_gen(a["gen"]), phy.check_lanes(a["lanes"])
    v = {"g": g, "n": n, "s": _tx.check_size(a["size"]), "m": _tx.check_mps(a["mps"]), "r": _tx.check_mrrs(a["mrrs"])}
    _framing.check_addressing(a["addressing"])
    for name, (hi, unit, _basis) in BOUNDS.items():
        check_range(name, a[name], lo=0, hi=hi, unit=unit)
    for name in ("switches", "retimers"):
        check_range(name, a[name], lo=0, hi=16)
        check_integer(name, a[name])
    check_range("velocity", a["velocity"], lo=0, lo_open=True, hi=SPEED_OF_LIGHT, unit="m/s")
    v["f"] = _flit.resolve_flit(g, a["flit"] if given_flit else None)
    return v


def _terms(v: dict, a: dict, transfer: LatencyTransfer) -> dict:
    """The latency terms [s] of one transfer (validated inputs)."""
    g, n, s, m, r, f = v["g"], v["n"], v["s"], v["m"], v["r"], v["f"]
    raw = phy.raw_bandwidth_kernel(g, n)
    t_flit = _flit.FLIT_BYTES / raw
    tlp_rate = np.where(f, raw * _flit.TLP_BYTES / _flit.FLIT_BYTES, raw)
    fr = _framing.framing_kernel(f)
    h_req = _framing.request_header_kernel(a["addressing"], False)
    padded = _framing.DW * np.ceil(s / _framing.DW)
    ohc = np.where(f & (s % _framing.DW != 0), _framing.DW, 0.0)  # OHC-A1 on the partial last DW (flit mode)

    def one_way(nbytes):
        ser = nbytes / tlp_rate
        flits = np.ceil(nbytes / _flit.TLP_BYTES)
        acc = np.where(f, flits * t_flit - ser, 0.0)
        align = np.where(f, t_flit / 2, 0.0)
        return align, ser, acc

    if transfer == "write":
        nbytes = padded + _tx.n_chunks_kernel(s, m, 0) * (h_req + fr) + ohc
        align, ser, acc = one_way(nbytes)
        crossings = 1
        completer = np.zeros_like(ser)
    else:
        # the first read request starts the completions; later requests go out while completions
        # stream back, so only the first request's serialization is on the critical path
        req = h_req + fr + np.where(_tx.n_chunks_kernel(s, r, 0) == 1, ohc, 0.0)
        cpl = padded + _tx.n_chunks_kernel(s, np.minimum(m, r), 0) * (_framing.completion_header_kernel(False) + fr)
        a1, s1, c1 = one_way(req)
        a2, s2, c2 = one_way(cpl)
        align, ser, acc = a1 + a2, s1 + s2, c1 + c2
        crossings = 2
        completer = np.asarray(a["completer_latency"], dtype=float)
    return {
        "flit_alignment": align,
        "serialization": ser,
        "flit_accumulation": acc,
        "fec_decode": np.where(f, a["fec_decode"], 0.0) * crossings,
        "propagation": a["channel_length"] / a["velocity"] * crossings,
        "hops": (a["switches"] * a["switch_latency"] + a["retimers"] * a["retimer_latency"]) * crossings,
        "completer": completer,
    }
