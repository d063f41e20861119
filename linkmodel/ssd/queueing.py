"""IOPS and mean latency vs queue depth: mean-value analysis of a closed queueing network.

A closed-loop benchmark (fio with a fixed ``iodepth``) keeps ``QD`` I/Os in
flight. Each I/O cycles through

* a *delay* ``Z`` that does not queue (host software, firmware, link
  latency: the part of the QD1 latency no other I/O can hold up), and
* queueing *station classes* ``k``: ``m_k`` identical FCFS servers (the dies,
  the channels, one link, one controller), each I/O visiting one server of
  the class, chosen uniformly, with service time ``S_k``.

This is the closed product-form network of the reference dossier
(ssd_modeling.md §5.3; Yamamoto et al., GCCE'21). *Exact* MVA (Reiser &
Lavenberg 1980) with per-server demand ``D_k = S_k / m_k``::

    R_k(n) = D_k (1 + Q_k(n-1))                 residence per I/O at one server
    X(n)   = n / (Z + sum_k m_k R_k(n))          I/Os per second (Little's law)
    Q_k(n) = X(n) R_k(n)

is exact for exponential service. NAND operations take fixed times, so the
default ``service="deterministic"`` uses the residual-service correction of
approximate MVA for FCFS servers with general service (an arriving I/O waits
for the queued ones in full and for the one in service by its residual
``S (1 + cv^2) / 2``, ``cv = 0`` here)::

    R_k(n) = D_k (1 + Q_k(n-1) - U_k(n-1)) + D_k U_k(n-1) (1 + cv^2) / 2,
    U_k(n-1) = X(n-1) D_k.

Work the station does besides these I/Os (*background*: a die's programs and
erases for writes running alongside reads) is served after the queued I/Os
(read priority) but never interrupted: an arriving I/O also waits for the
background operation in progress, ``W_b`` on average (the share of time a
server is busy with it times its mean residual). That wait is part of the
station's residence, so the I/Os arriving meanwhile queue behind the waiting
one, as in the non-preemptive priority queue, where the high class's wait is
``(W_b + its own residual) / (1 - its utilization)``::

    R_k(n) = [as above] + W_b,k / m_k

Dies that hold through their channel wait (no cache read) take the
holding-time fixed point of :mod:`linkmodel.ssd.blocking` at every population.
Mean latency at queue depth ``n`` is ``n / X(n)``. All inputs broadcast; the
recursion runs once up to the largest queue depth asked for. Tail latency
(:func:`tail`) convolves, per station class, an M/D/1 waiting-time shape whose
mean matches the network's (a closed-population shape near saturation), with
the waits behind background operations and page-type spreads; it reads the
station table the result of :func:`mva` carries. All SI (s, 1/s).
"""

from __future__ import annotations

from typing import get_args

import numpy as np

from linkmodel._array import check_choice, check_integer, check_range, dataset, pack, unpack
from linkmodel._typing import Service
from linkmodel.ssd import blocking
from linkmodel.ssd.limits import MAX_PAGE_TYPES, MAX_QUEUE_DEPTH, MAX_QUEUE_DEPTHS, PAGE_TYPE_RANGE, check_page_types

__all__ = ["MAX_PAGE_TYPES", "MAX_QUEUE_DEPTH", "MAX_QUEUE_DEPTHS", "PAGE_TYPE_RANGE", "SERVICES"]
__all__ += ["TAIL_BLEND_FROM", "TAIL_BLEND_WIDTH", "busy_dies", "check_page_types", "mva", "tail"]

SERVICES: tuple[str, ...] = get_args(Service)


def _recursion(qd, z, m, d, w_b, residual, hold, shape):
    """The recursion of :func:`mva` up to the largest queue depth (``d``, per-server demands [s], updated in place
    for the held classes): latency [s], IOPS [1/s], utilization [1], residence and hold wait [s] per depth."""
    names = list(m)
    s0 = {k: d[k] * m[k] for k in hold}  # the held classes' service at QD1 [s]
    w_h = {k: np.zeros(shape) for k in hold}
    n_max = int(qd.max())
    want = {int(q): i for i, q in enumerate(qd)}
    out_lat, out_x = np.empty((qd.size, *shape)), np.empty((qd.size, *shape))
    out_u, out_r = ({k: np.empty((qd.size, *shape)) for k in names} for _ in range(2))
    out_w = {k: np.empty((qd.size, *shape)) for k in hold}
    q, u = ({k: np.zeros(shape) for k in names} for _ in range(2))  # Q_k(n - 1), U_k(n - 1) = X(n - 1) D_k(n - 1)
    for n in range(1, n_max + 1):
        for _ in range(blocking.HOLD_ITERATIONS):  # one pass without holding
            for k, (share, *_) in hold.items():
                d[k] = (s0[k] + share * w_h[k]) / m[k]
            r = {k: d[k] * (1.0 + q[k] - u[k]) + d[k] * u[k] * residual + w_b[k] for k in names}
            total = z + sum(m[k] * r[k] for k in names)
            x = n / total
            new = {k: blocking.hold_wait(tab, x * d[k] * m[k] / c, tr) for k, (_, tr, c, tab) in hold.items()}
            moved = any(np.any(np.abs(new[k] - w_h[k]) > blocking.HOLD_TOLERANCE * (w_h[k] + s0[k])) for k in hold)
            w_h.update(new)
            if not moved:
                break
        for k in names:
            q[k] = x * r[k]
            u[k] = x * d[k]
        if n in want:
            i = want[n]
            out_lat[i] = total
            out_x[i] = x
            for k in names:
                out_u[k][i] = x * d[k]
                out_r[k][i] = m[k] * r[k]
            for k in hold:
                out_w[k][i] = w_h[k]
    return out_lat, out_x, out_u, out_r, out_w


def mva(queue_depths, delay, stations: dict, service: Service = "deterministic", background=None, holding=None):
    """Mean latency, IOPS and per-station load of a closed network at each queue depth.

    Parameters
    ----------
    queue_depths : int or sequence of int
        Queue depths (I/Os in flight) to report, >= 1; becomes the ``queue_depth`` dim.
    delay : float or array-like or xarray.DataArray
        Time per I/O outside every queue [s].
    stations : dict of str -> (count, service)
        Station classes: ``count`` identical servers [1] (>= 1) and the service time
        of one I/O at one of them [s] (>= 0; 0 removes the class). Each may be a
        scalar, array or DataArray.
    service : {"deterministic", "exponential"}
        Service-time distribution at every station (exact MVA for exponential).
    background : dict of str -> float or array-like or xarray.DataArray, optional
        Per station class: the mean wait [s] of an arriving I/O for background
        work in progress at its server (>= 0), e.g. ``{"dies": u_p tPROG / 2}``.
        The background work's share of server time is not taken off here (the
        caller caps throughput at what it leaves).
    holding : dict of str -> (share, transfer, channels, table), optional
        Per station class whose servers hold through a channel wait
        (:mod:`linkmodel.ssd.blocking`): its service rises by ``share x W_ch`` at every population,
        ``W_ch = hold_wait(table, X S / channels, transfer)`` solved to a fixed point (numpy arrays
        broadcasting with the inputs: ``share`` [1], ``transfer`` [s], ``channels`` [1], ``table`` [s]).

    Returns
    -------
    xarray.Dataset
        ``latency`` [s] (mean, delay included), ``iops`` [1/s], and per class
        ``utilization_<k>`` [1] (busy share of one server) and ``residence_<k>``
        [s] (queueing + service per I/O; ``hold_wait_<k>`` [s] with ``holding``),
        over ``queue_depth`` and the inputs' dims;
        and the network, per class ``servers_<k>`` [1] and ``service_<k>`` [s]
        (the inputs, over the inputs' dims only: :func:`tail` reads them).
        A QD1 latency of ``delay + sum_k S_k``.
    """
    check_choice("service", service, SERVICES)
    qd = np.atleast_1d(np.asarray(queue_depths))
    if qd.ndim != 1 or qd.size == 0:
        raise ValueError("queue_depths: one queue depth or a 1-D sequence of them")
    if qd.size > MAX_QUEUE_DEPTHS:
        raise ValueError(f"queue_depths: {qd.size} of them; at most {MAX_QUEUE_DEPTHS} per curve")
    check_integer("queue_depths", qd)
    check_range("queue_depths", qd, lo=1, hi=MAX_QUEUE_DEPTH)
    if not stations:
        raise ValueError("stations: at least one station class (name -> (count, service time))")
    inputs = {"delay": delay}
    for name, spec in stations.items():
        if not isinstance(spec, tuple) or len(spec) != 2:
            raise ValueError(f"stations: {name!r} must be (count, service time)")
        inputs[f"count_{name}"], inputs[f"service_{name}"] = spec
    background = dict(background or {})
    unknown = [k for k in background if k not in stations]
    if unknown:
        raise ValueError(f"background: {unknown[0]!r} is not a station class; classes: {', '.join(stations)}")
    for name, wait in background.items():
        inputs[f"background_{name}"] = wait
    a, kind = unpack(**inputs)
    check_range("delay", a["delay"], lo=0, unit="s")
    for name in background:
        check_range(f"background[{name!r}]", a[f"background_{name}"], lo=0, unit="s")
    names = list(stations)
    for name in names:
        check_range(f"stations[{name!r}] count", a[f"count_{name}"], lo=1)
        check_range(f"stations[{name!r}] service", a[f"service_{name}"], lo=0, unit="s")
    z = np.broadcast_to(np.asarray(a["delay"], dtype=float), shape := kind.shape)
    m = {k: np.broadcast_to(np.asarray(a[f"count_{k}"], dtype=float), shape) for k in names}
    d = {k: np.broadcast_to(np.asarray(a[f"service_{k}"], dtype=float), shape) / m[k] for k in names}
    residual = 0.5 if service == "deterministic" else 1.0  # (1 + cv^2) / 2
    w_b = {k: np.broadcast_to(np.asarray(a[f"background_{k}"], dtype=float), shape) / m[k] for k in background}
    w_b.update({k: 0.0 for k in names if k not in background})
    hold = {k: tuple(np.asarray(v, dtype=float) for v in spec) for k, spec in (holding or {}).items()}
    out_lat, out_x, out_u, out_r, out_w = _recursion(qd, z, m, d, w_b, residual, hold, shape)
    variables = {
        "latency": (out_lat, "s", "mean latency (delay included)", True),
        "iops": (out_x, "1/s", "I/Os per second", True),
    }
    for k in hold:
        variables[f"hold_wait_{k}"] = (out_w[k], "s", f"wait of a {k} server for its channel (held)", True)
    for k in names:
        variables[f"utilization_{k}"] = (out_u[k], "1", f"busy share of one {k} server", True)
        variables[f"residence_{k}"] = (out_r[k], "s", f"queueing + service at the {k} per I/O", True)
    for k in names:  # the network itself, so that tail() needs only the result
        variables[f"servers_{k}"] = (m[k], "1", f"{k} servers", False)
        variables[f"service_{k}"] = (a[f"service_{k}"], "s", f"service time of one I/O at one {k} server", False)
    return dataset(
        variables, kind, leading=("queue_depth", qd), attrs={"model": "linkmodel.ssd.queueing.mva", "service": service}
    )


def busy_dies(dies, queue_depth):
    """Expected number of distinct dies holding at least one of QD random reads [1] (balls in bins).

    ``N (1 - (1 - 1/N)^QD)``; quick, but ignores the queueing after a
    collision (dossier §5.3).

    Parameters
    ----------
    dies : float or array-like or xarray.DataArray
        Dies ``N`` [1], >= 1.
    queue_depth : float or array-like or xarray.DataArray
        I/Os in flight [1], >= 0.

    Returns
    -------
    busy : broadcast kind of the inputs
        [1]; 14.26 / 40.64 / 62.86 for N = 64 at QD 16 / 64 / 256.
    """
    a, k = unpack(dies=dies, queue_depth=queue_depth)
    check_range("dies", a["dies"], lo=1)
    check_range("queue_depth", a["queue_depth"], lo=0)
    n = np.asarray(a["dies"], dtype=float)
    return pack(n * -np.expm1(a["queue_depth"] * np.log1p(-1.0 / n)), k, "busy_dies", "1")


# ---------------------------------------------------------------------------
# latency percentiles of the closed network
# ---------------------------------------------------------------------------

#: Near saturation a class of several servers takes the closed network's queue shape instead of the M/D/1
#: one, blended in linearly from this utilization [1] over :data:`TAIL_BLEND_WIDTH`.
#: NUMERICAL CHOICE, checked against the discrete-event simulation (tests/qsim.py): the M/D/1 shape (an open
#: queue, unbounded) is close below about 85 % and too long at saturation, where a closed population bounds
#: every queue; blended from 85 % to 95 %, p99 stays within 15 % of the simulation on four configurations
#: over QD 1-256 (tests/ssd/test_closedloop.py) and continuous in the queue depth. Plausible range of the
#: start: 0.8-0.9.
TAIL_BLEND_FROM = 0.85
#: Width of the blend above [1] (NUMERICAL CHOICE, as :data:`TAIL_BLEND_FROM`; written as the width so that
#: the blend is exactly ``(utilization - 0.85) / 0.10``).
TAIL_BLEND_WIDTH = 0.10

# Numerical grid of the convolution (NUMERICAL CHOICES; accuracy, not model, constants): the grid spans at
# least _SPAN_MEAN_WAITS mean waits and the M/D/1 tail down to _TAIL_MASS, a closed class's whole population
# times _CLOSED_SPAN, operation times times _SPAN_MARGIN; the shortest service spans at least
# _POINTS_PER_SERVICE points; at most _MAX_GRID points. Waits below _NEGLIGIBLE_WAIT x the service, and
# Bose-Einstein terms below _NEGLIGIBLE_P, are dropped.
_SPAN_MEAN_WAITS = 30
_TAIL_MASS = 1e-7
_CLOSED_SPAN = 1.2
_SPAN_MARGIN = 1.05
_POINTS_PER_SERVICE = 4
_MAX_GRID = 2**22
_NEGLIGIBLE_WAIT = 1e-15
_NEGLIGIBLE_P = 1e-12
_RHO_MAX = 0.999  # a die's read utilization as used for the backlog behind a program (below 1)


def _closed_wait_cf(phi_residual, service_bins, population, servers, n_fft):
    """CF of the wait at one of `servers` symmetric FIFO servers sharing `population` I/Os (closed network).

    By the arrival theorem an arriving I/O sees the other ``population - 1``
    spread over the servers as in the product-form network: every split
    equally likely (Bose-Einstein), so it finds ``j`` at its server with
    probability proportional to ``C(N - 1 - j + m - 2, m - 2)``; it then
    waits for ``j - 1`` full services and the residual of the one in service.
    ``phi_residual`` is the residual's CF on the FFT grid, ``service_bins`` the
    service in grid steps (the grid is in seconds; the CF is dimensionless).
    """
    from scipy.special import gammaln

    n_other = max(population - 1, 0)
    j = np.arange(n_other + 1)
    if servers > 1:
        logp = gammaln(n_other - j + servers - 1) - gammaln(n_other - j + 1) - gammaln(servers - 1)
        p = np.exp(logp - logp.max())
    else:
        p = np.zeros(n_other + 1)
        p[-1] = 1.0
    p /= p.sum()
    delta = np.zeros(n_fft)
    delta[min(service_bins, n_fft - 1)] = 1.0
    phi_s = np.fft.rfft(delta)
    cf = np.full(phi_residual.shape, p[0], dtype=complex)
    term = phi_residual.astype(complex)
    for pj in p[1:]:
        if pj > _NEGLIGIBLE_P:
            cf += pj * term
        term = term * phi_s
    return cf


def _curve_stations(curve):
    """The station classes a curve was computed with (``servers_<k>``, ``service_<k>`` of :func:`mva`)."""
    names = [k[len("service_") :] for k in curve.data_vars if k.startswith("service_")]
    if not names:
        raise ValueError("curve: has no station table (servers_<k>, service_<k>); pass stations_")
    return {k: (curve[f"servers_{k}"].values, curve[f"service_{k}"].values) for k in names}


def _interference_ops(interference):
    """(share, operation time [s], suspend latency [s] or None) of the writes' die work, and the channel's."""
    ia = interference.attrs
    extra = [
        (float(interference.program_busy), float(ia["t_prog"]), ia.get("suspend_program")),
        (float(interference.erase_busy), float(ia["t_erase"]), ia.get("suspend_erase")),
        (float(interference.gc_read_busy), float(ia["t_read"]), None),
    ]
    return extra, (float(interference.channel_busy), float(interference.channel_transfer))


def _station_waits(curve, i, stations_, ctx):
    """The fixed part [s], the M/D/1 / closed-shape waits and the grid span [s] at queue depth index `i`."""
    extra, f, in_dies, in_channels, rho_die = ctx["extra"], ctx["f"], ctx["in_dies"], ctx["in_channels"], ctx["rho"]
    waits = []
    span = 0.0
    if extra is not None:
        span = max((t if s_ is None else s_) * _SPAN_MARGIN for _, t, s_ in extra)
    fixed = float(curve.latency[i]) - sum(float(curve[f"residence_{k}"][i]) for k in stations_) - ctx["in_delay"]
    for k, (m_k, s_k) in stations_.items():
        s_k = float(np.asarray(s_k))
        if k == "dies" and f is not None and ctx["adjust_dies"]:  # a curve with page types runs at the mean tR
            s_k += (float(f.mean()) - 1.0) * float(ctx["t_read"])
        fixed += s_k
        w = float(curve[f"residence_{k}"][i]) - s_k
        if k == "dies" and extra is not None:
            # the mean program/erase wait and the reads that queued during the operation's elapsed part
            # (see below) are held by the operation's distribution; the rest of the queue keeps its shape
            w -= in_dies + sum(u * t * rho_die[i] / 2 for u, t, s_ in extra if s_ is None and in_dies > 0)
            w = max(w, 0.0)
        if k == "channels" and extra is not None:
            w = max(w - in_channels, 0.0)  # held by the program-transfer distribution below
        if s_k <= 0 or w <= _NEGLIGIBLE_WAIT * s_k:
            continue
        if float(np.asarray(m_k)) == 1:
            # one server (link, controller): the I/Os in flight pass it in turn (a closed FIFO cycle); its
            # wait is taken at its mean (small below saturation, nearly fixed at it)
            fixed += w
            continue
        rho = 2 * w / (s_k + 2 * w)
        span = max(span, _SPAN_MEAN_WAITS * w, np.log(_TAIL_MASS) / np.log(rho) * s_k / 2)
        util = float(curve[f"utilization_{k}"][i])
        n_k = round(float(curve.iops[i]) * float(curve[f"residence_{k}"][i]))
        m_int = round(float(np.asarray(m_k)))
        # near saturation the class holds a bounded population: blend toward the closed-network shape
        blend = min(max((util - TAIL_BLEND_FROM) / TAIL_BLEND_WIDTH, 0.0), 1.0) if m_int > 1 and n_k > 1 else 0.0
        if blend > 0:
            span = max(span, _CLOSED_SPAN * n_k * s_k)
        waits.append((s_k, rho, blend, n_k, m_int))
    return fixed, waits, span


def _wait_cf(n, dt, i, waits, ctx):
    """The CF of the whole wait on a grid of `n` steps of `dt` [s]: operations, page types, station queues."""
    extra, offsets, rho_die = ctx["extra"], ctx["offsets"], ctx["rho"]
    total = np.ones(n + 1, dtype=complex)
    if extra is not None:
        v = np.zeros(2 * n)
        v[0] += 1.0 - sum(u for u, _, _ in extra)
        for u, t_op, t_sus in extra:
            if t_sus is None:  # residual of the operation in progress (and the backlog behind it)
                lo_ = round(float(rho_die[i] * t_op / dt))
                m = max(1, round(float(t_op / dt)) - lo_)
                v[lo_ : lo_ + m] += u / m
            else:  # suspended after t_sus
                v[min(round(float(t_sus / dt)), 2 * n - 1)] += u
        total *= np.fft.rfft(v)
        u_ch, t_ch = ctx["ch_extra"]
        if u_ch > 0 and t_ch > 0:  # a program's data on the read's channel: residual uniform on [0, t_ch]
            v = np.zeros(2 * n)
            v[0] += 1.0 - u_ch
            m = max(1, round(float(t_ch / dt)))
            v[:m] += u_ch / m
            total *= np.fft.rfft(v)
    if offsets is not None:
        v = np.zeros(2 * n)
        np.add.at(v, np.minimum(np.round(offsets / dt).astype(int), 2 * n - 1), 1.0 / offsets.size)
        total *= np.fft.rfft(v)
    for s_k, rho, blend, n_k, m_int in waits:
        m = max(1, round(float(s_k / dt)))
        u = np.zeros(2 * n)
        u[:m] = 1.0 / m
        phi = np.fft.rfft(u)
        cf = (1 - rho) / (1 - rho * phi)
        if blend > 0:
            cf = (1 - blend) * cf + blend * _closed_wait_cf(phi, m, n_k, m_int, 2 * n)
        total *= cf
    return total


def _tail_context(curve, stations_, interference, page_types, t_read):
    """What every queue depth of :func:`tail` shares (the writes' operations, page-type offsets, ...)."""
    ctx = {"extra": None, "ch_extra": None, "in_delay": 0.0, "offsets": None, "t_read": t_read}
    if interference is not None:
        ctx["extra"], ctx["ch_extra"] = _interference_ops(interference)
    # a curve built with the interference holds its mean wait in the dies' residence: the distribution below
    # replaces it (the reads queued behind a program stay in the dies' queueing wait)
    with_ops = ctx["extra"] is not None
    ctx["in_dies"] = float(curve.attrs.get("interference_mean_wait", 0.0)) if with_ops else 0.0
    ctx["in_channels"] = float(curve.attrs.get("interference_channel_wait", 0.0)) if with_ops else 0.0
    # a read that finds a program (erase) in progress, with residual R, also waits for the reads that reached
    # its server during the elapsed part t - R: about rho (t - R), rho the server's read utilization; so its
    # wait R + rho (t - R) is uniform on [rho t, t] (the residual and the backlog are not independent)
    ctx["rho"] = (
        np.clip(curve["utilization_dies"].values, 0.0, _RHO_MAX)
        if ctx["in_dies"] > 0 and "dies" in stations_
        else np.zeros(curve.sizes["queue_depth"])
    )
    f = ctx["f"] = check_page_types(page_types)
    if f is not None:
        if t_read is None:
            raise ValueError("t_read: needed with page_types")
        # the curve's reads take t_read; each page type takes f t_read: the fixed part drops to the fastest
        # type and the non-negative offsets from it are convolved in
        offsets = (f - f.min()) * float(t_read)
        ctx["offsets"] = offsets if np.any(offsets > 0) else None  # equal types (or one): no spread to convolve
        ctx["in_delay"] += (float(f.mean()) - float(f.min())) * float(t_read)
    return ctx


def tail(
    curve,
    stations_: dict | None = None,
    quantiles=(0.99, 0.999),
    grid=2**15,
    interference=None,
    page_types=None,
    t_read=None,
):
    """Latency percentiles at each queue depth of a queue-depth curve [s].

    Each station class adds its service and a waiting time: the waiting time
    of an M/D/1 queue (a geometric number of residual services, uniform on
    ``[0, S]``) whose utilization is set so its mean equals the MVA's mean
    wait there; the classes are taken as independent and convolved (FFT).
    Near saturation (utilization :data:`TAIL_BLEND_FROM` to 0.95, blended to
    stay continuous) a class of several servers takes the closed network's
    shape instead: its ``N`` I/Os (Little's law on its residence) spread over
    its servers as in the product-form network (:func:`_closed_wait_cf`), since
    a closed population bounds every queue. A single server (link, controller)
    holds the I/Os in flight in one FIFO cycle: its wait is taken at its mean.
    Checked against a discrete-event simulation (tests/qsim.py) on four
    configurations over QD 1-256: p99 within 15 % at every point (at QD 256
    the simulation pools eight replications: the die queues' imbalance
    decorrelates so slowly that one run's p99 wanders by +-15 %).

    Parameters
    ----------
    curve : xarray.Dataset
        From :func:`mva` or :func:`linkmodel.ssd.closedloop.queue_depth_curve`
        (scalar drive parameters); it carries its station table
        (``servers_<k>``, ``service_<k>``) and, from ``queue_depth_curve``, its
        ``page_types`` and ``t_read``.
    stations_ : dict, optional
        The station classes (name -> (count, service [s])) to use instead of the
        curve's, e.g. :func:`linkmodel.ssd.closedloop.stations` (dies at ``t_read``:
        with ``page_types`` the dies are moved to the mean tR here).
    quantiles : sequence of float
    grid : int
        FFT grid points (at least; raised so the shortest service spans 4 points).
    interference : xarray.Dataset, optional
        From :func:`linkmodel.ssd.interference.read_interference` (scalar): reads also
        wait behind programs and erases, convolved in as an independent term.
    page_types, t_read : optional
        tR multipliers per page type (equal shares, relative to ``t_read``, as in
        :func:`linkmodel.ssd.hostpath.qd1`) and the die's ``t_read`` [s]; default the
        curve's. The curve must have been built with the same ``page_types`` (its
        dies at the mean tR); each type's difference from the mean is convolved in.

    Returns
    -------
    numpy.ndarray
        Shape ``(queue_depth, quantile)`` [s].
    """
    q = np.asarray(quantiles, dtype=float)
    check_range("quantiles", q, lo=0, lo_open=True, hi=1, hi_open=True)
    if page_types is None:
        page_types = curve.attrs.get("page_types")
    if t_read is None:
        t_read = curve.attrs.get("t_read")
    adjust_dies = stations_ is not None  # the curve's own table holds the dies at the mean tR already
    if stations_ is None:
        stations_ = _curve_stations(curve)
    ctx = _tail_context(curve, stations_, interference, page_types, t_read)
    ctx["adjust_dies"] = adjust_dies
    out = np.empty((curve.sizes["queue_depth"], q.size))
    for i in range(curve.sizes["queue_depth"]):
        fixed, waits, span = _station_waits(curve, i, stations_, ctx)
        if ctx["offsets"] is not None:
            span = max(span, float(ctx["offsets"].max()) * _SPAN_MARGIN)
        if not waits and ctx["extra"] is None and ctx["offsets"] is None:
            out[i] = fixed
            continue
        services = [w_[0] for w_ in waits]
        n = grid
        if services:
            n = max(grid, int(2 ** np.ceil(np.log2(_POINTS_PER_SERVICE * span / min(services)))))
        n = min(n, _MAX_GRID)
        dt = span / n
        total = _wait_cf(n, dt, i, waits, ctx)
        cdf = np.cumsum(np.fft.irfft(total, 2 * n))
        out[i] = fixed + np.searchsorted(cdf, q) * dt
    return out
