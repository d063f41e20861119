"""Reads behind writes: the extra read wait from programs, erases and background reads on the same die.

A read that reaches a die busy with a program or an erase waits for it (or
for its suspend), and one that reaches a channel carrying write data waits
for the page in transfer. :func:`read_interference` gives the shares of die
and channel time the writes take and the distribution of the added wait;
:func:`linkmodel.ssd.closedloop.queue_depth_curve` and
:func:`linkmodel.ssd.queueing.tail` take it in. All SI (s, B, 1/s, W).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from linkmodel._array import check_range, dataset, unpack
from linkmodel.ssd import drive, nand

__all__ = ["read_interference"]

_INPUTS = (
    "dies",
    "planes",
    "page_size",
    "bits_per_cell",
    "t_prog",
    "t_erase",
    "block_pages",
    "channel_rate",
    "spare_fraction",
)
_BISECTIONS = 60  # halvings of [0, longest operation] per quantile: far below any printed digit


def _background_die(params, a, wds, write_size, waf_given, prog_die, erase_die):
    """Die-seconds of background reads per host write [s] (GC relocation, read-modify-write, SLC folding)."""
    # background reads: with the drive's own WAF, the rest of a write's die time in the drive model (GC
    # relocation reads, read-modify-write reads, SLC folding); with a WAF given, GC relocation reads for it;
    # page reads of tR each on one read server (a die reads k planes at once, so die time is senses tR / k)
    if waf_given:
        senses = drive.gc_page_reads(
            float(write_size) * (a["waf"] - 1.0),
            a["waf"],
            a["page_size"],
            np.asarray(params["indirection_unit"], dtype=float),
        )
        return (
            senses
            * np.asarray(params["t_read"], dtype=float)
            / np.asarray(params["independent_plane_reads"], dtype=float)
        )
    # (less the one-shot data-in the cache latches cannot hide: the die waits on its channel then, and a
    # read can be sensed in the meantime)
    return np.maximum(
        np.asarray(wds.die_time, dtype=float) - np.asarray(wds.die_data_in, dtype=float) - prog_die - erase_die, 0.0
    )


def _wait_quantiles(u_r, t_r, u_p, t_p, u_e, t_e, suspend, q):
    """Quantiles of the added wait [s]: ``P(wait > t)`` summed over the operations, inverted by bisection."""
    # P(wait > t) = sum over the operations of share x (1 - t / T)+ for a residual uniform on [0, T], or
    # share x [t < t_suspend] for a suspended one: decreasing in t; each quantile by bisection
    ops = [(u_r, t_r, False)]
    if suspend is None:
        ops += [(u_p, t_p, False), (u_e, t_e, False)]
    else:
        ops += [(u_p, float(suspend[0]), True), (u_e, float(suspend[1]), True)]
    shape = np.broadcast_shapes(*(np.shape(u) for u, _, _ in ops), *(np.shape(t) for _, t, _ in ops))
    ops = [
        (np.broadcast_to(np.asarray(u, dtype=float), shape), np.broadcast_to(np.asarray(t, dtype=float), shape), point)
        for u, t, point in ops
    ]

    def exceed(t):
        return sum(u * ((t < t_op) if point else np.clip(1.0 - t / t_op, 0.0, None)) for u, t_op, point in ops)

    out = {}
    for qq in q:
        lo_t = np.zeros(shape)
        hi_t = np.max([t_op for _, t_op, _ in ops], axis=0) * np.ones(shape)
        for _ in range(_BISECTIONS):
            mid = 0.5 * (lo_t + hi_t)
            above = exceed(mid) > 1.0 - qq
            lo_t, hi_t = np.where(above, mid, lo_t), np.where(above, hi_t, mid)
        out[qq] = np.where(exceed(np.zeros(shape)) <= 1.0 - qq, 0.0, hi_t)
    return out


def _check(a, quantiles, suspend):
    check_range("write_iops", a["write_iops"], lo=0, unit="1/s")
    check_range("waf", a["waf"], lo=1)
    q = np.asarray(quantiles, dtype=float)
    check_range("quantiles", q, lo=0, lo_open=True, hi=1, hi_open=True)
    if suspend is not None:
        if len(suspend) != 2:
            raise ValueError("suspend: (program suspend latency, erase suspend latency) in seconds")
        check_range("suspend", np.asarray(suspend, dtype=float), lo=0, hi=1.0, unit="s")
    return q


# the stages a write load alongside the reads shares with them, beside the dies (checked by their shares
# above): each must leave the reads some of its capacity, or their ceiling comes out zero or negative
_SHARED_STAGES = {
    "channels": "NAND channels",
    "power": "power cap",
    "link": "PCIe link",
    "controller_iops": "controller command rate",
    "controller_bandwidth": "controller data path",
}


def _check_stages(write_iops, wds, write_size) -> None:
    """Raise a one-line ValueError if the write load reaches the write ceiling of a stage it shares [1/s]."""
    for stage, what in _SHARED_STAGES.items():
        ceiling = np.asarray(wds[f"ceiling_{stage}"], dtype=float)
        bad = write_iops >= ceiling
        if np.any(bad):
            rate = float(np.max(np.broadcast_to(write_iops, bad.shape)[bad]))
            ceil = float(np.min(np.broadcast_to(ceiling, bad.shape)[bad]))
            raise ValueError(
                f"write_iops: {rate:.6g} 1/s is at or above the {what} ceiling for {float(write_size):g} B random "
                f"writes ({ceil:.6g} 1/s, the whole {stage} stage); lower the write rate"
            )


def read_interference(
    params: Mapping[str, Any], write_iops, write_size=4096.0, quantiles=(0.99, 0.999), suspend=None, waf=None
):
    """Extra read latency from programs and erases on the same die, with and without suspend [s].

    Host writes of ``write_size`` bytes at ``write_iops`` (random, so each
    programs ``write_size x WAF`` bytes, garbage collection included) keep
    each die programming a share ``U_p = rate x WAF x size / (dies x one-shot
    program bytes) x tPROG`` of the time and erasing ``U_e`` (same with the
    block bytes and tBERS), and reads for garbage collection (relocation,
    read-modify-write, SLC folding: the rest of the drive model's die time per
    write, page reads of tR each) a share ``U_r``. Reads go ahead of queued programs (read-priority
    scheduling) but not of the operation in progress, so a read arriving at a
    random moment (Poisson arrivals see time averages) waits

    * without suspend: the residual of the program (uniform on [0, tPROG])
      with probability U_p, of the erase with probability U_e:
      mean ``U_p tPROG / 2 + U_e tBERS / 2 + U_r tR / 2``,
      ``P(wait > t) = U_p (1 - t/tPROG)+ + U_e (1 - t/tBERS)+ + U_r (1 - t/tR)+``;
    * with suspend: the time to suspend instead, ``suspend = (program,
      erase)`` seconds (MQSim's defaults: 100 us and 700 us, ssd_modeling.md
      §1.1, :data:`linkmodel.ssd.hostpath.MQSIM_SUSPEND`; the CLI shows
      :data:`linkmodel.ssd.hostpath.DEFAULT_SUSPEND`): mean
      ``U_p t_sp + U_e t_se + U_r tR / 2`` (a background read is not suspended).

    Parameters
    ----------
    params : dict
        Drive parameters.
    write_iops : float or array-like or xarray.DataArray
        Host write rate [1/s].
    write_size : float
        Host write size [B].
    quantiles : sequence of float
        Percentiles of the added wait to report.
    suspend : (float, float), optional
        Program and erase suspend latency [s]; None: no suspend.
    waf : float or array-like, optional
        Write amplification of the writes [1]; default the drive model's for
        uniform random writes of `write_size` (1 for writes of a whole IU or more
        that are sequential is the caller's to pass).

    Returns
    -------
    xarray.Dataset
        ``program_busy``, ``erase_busy``, ``gc_read_busy`` [1] (per read server), ``channel_busy`` [1],
        ``channel_transfer`` [s] (one page on a channel: the unit write data moves in),
        ``write_power`` [W] (the writes' power over idle), ``mean_wait`` [s]
        (at the die) and ``wait_q<percent>`` [s] for each quantile (at the die).

    Raises
    ------
    ValueError
        Naming ``write_iops`` when the load reaches a ceiling it shares with the reads: the dies' time
        (program + erase + GC-read share >= 1), or the channels', power cap's, link's or controller's write
        ceiling (the drive model's for `write_size` random writes) [1/s].
    """
    wds = drive.evaluate(params, drive.Workload("w", float(write_size), 0.0, True))
    waf_given = waf is not None
    if not waf_given:
        waf = np.asarray(wds.waf, dtype=float)
    a, kind = unpack(write_iops=write_iops, waf=waf, **{k: params[k] for k in _INPUTS})
    q = _check(a, quantiles, suspend)
    # die-seconds of programs and erases per host write, then the share of a die's time at the write rate
    written = float(write_size) * a["waf"]  # bytes programmed per host write
    prog_die = written / (a["planes"] * a["page_size"] * a["bits_per_cell"]) * a["t_prog"]
    erase_die = written / (a["planes"] * a["page_size"] * a["block_pages"]) * a["t_erase"]
    u_p = a["write_iops"] * prog_die / a["dies"]
    u_e = a["write_iops"] * erase_die / a["dies"]
    bg_die = _background_die(params, a, wds, write_size, waf_given, prog_die, erase_die)
    u_r = bg_die * a["write_iops"] / a["dies"]
    if np.any(u_p + u_e + u_r >= 1.0):
        raise ValueError(
            "write_iops: the dies would be busy programming and erasing all the time (program + "
            "erase share >= 1); lower the write rate"
        )
    _check_stages(a["write_iops"], wds, write_size)
    t_p, t_e = a["t_prog"], a["t_erase"]
    # the writes' channel share (program data in, GC relocation data out, commands), moved a page at a time
    # (the controller interleaves reads' transfers between pages): a read's transfer may wait for one page
    ch_busy = a["write_iops"] / np.asarray(wds.ceiling_channels, dtype=float)
    page_transfer = nand.channel_time(a["page_size"], a["channel_rate"], a["spare_fraction"], 0.0, 0.0)
    t_r = np.asarray(params["t_read"], dtype=float)
    mean = u_p * t_p / 2 + u_e * t_e / 2 if suspend is None else u_p * suspend[0] + u_e * suspend[1]
    mean = mean + u_r * t_r / 2  # a background read is short and not suspended
    out = _wait_quantiles(u_r, t_r, u_p, t_p, u_e, t_e, suspend, q)
    variables = {
        "write_power": (
            a["write_iops"] * np.asarray(wds.energy_per_io, dtype=float),
            "W",
            "power the writes add over the idle drive",
            False,
        ),
        "channel_busy": (ch_busy, "1", "share of channel time the writes take", False),
        "program_busy": (u_p, "1", "share of time a die programs", False),
        "erase_busy": (u_e, "1", "share of time a die erases", False),
        "gc_read_busy": (
            u_r,
            "1",
            "share of time a read server senses for garbage collection, read-modify-write or SLC folding",
            False,
        ),
        "mean_wait": (mean, "s", "mean added read wait", False),
        "channel_transfer": (
            page_transfer,
            "s",
            "one page's transfer on a channel, the unit the writes' data moves in (a read's transfer may wait for one)",
            False,
        ),
    }
    for qq, t in out.items():
        variables[f"wait_q{qq * 100:g}"] = (t, "s", f"{qq:.4g} quantile of the added read wait", False)
    attrs: dict[str, object] = {
        "model": "linkmodel.ssd.interference.read_interference",
        "suspend": "none" if suspend is None else f"{suspend[0]:g} s, {suspend[1]:g} s",
    }
    if np.ndim(t_p) == 0 and np.ndim(t_e) == 0 and np.ndim(t_r) == 0:  # for tail(): the operation times
        attrs.update(t_prog=float(t_p), t_erase=float(t_e), t_read=float(t_r))
        if suspend is not None:
            attrs.update(suspend_program=float(suspend[0]), suspend_erase=float(suspend[1]))
    return dataset(variables, kind, attrs=attrs)
