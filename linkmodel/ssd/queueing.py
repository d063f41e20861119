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

Mean latency at queue depth ``n`` is ``n / X(n)``. All inputs broadcast; the
recursion runs once up to the largest queue depth asked for.
"""

from __future__ import annotations

import numpy as np

from linkmodel._array import check_choice, check_integer, check_range, dataset, pack, unpack

SERVICES = ("deterministic", "exponential")


def mva(queue_depths, delay, stations: dict, service="deterministic", background=None):
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

    Returns
    -------
    xarray.Dataset
        ``latency`` [s] (mean, delay included), ``iops`` [1/s], and per class
        ``utilization_<k>`` [1] (busy share of one server) and ``residence_<k>``
        [s] (queueing + service per I/O), over ``queue_depth`` and the inputs' dims.
        A QD1 latency of ``delay + sum_k S_k``.
    """
    check_choice("service", service, SERVICES)
    qd = np.atleast_1d(np.asarray(queue_depths))
    if qd.ndim != 1 or qd.size == 0:
        raise ValueError("queue_depths: one queue depth or a 1-D sequence of them")
    check_integer("queue_depths", qd)
    check_range("queue_depths", qd, lo=1)
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
    shape = kind.shape
    z = np.broadcast_to(np.asarray(a["delay"], dtype=float), shape)
    m = {k: np.broadcast_to(np.asarray(a[f"count_{k}"], dtype=float), shape) for k in names}
    d = {k: np.broadcast_to(np.asarray(a[f"service_{k}"], dtype=float), shape) / m[k] for k in names}
    residual = 0.5 if service == "deterministic" else 1.0  # (1 + cv^2) / 2
    w_b = {
        k: np.broadcast_to(np.asarray(a[f"background_{k}"], dtype=float), shape) / m[k] if k in background else 0.0
        for k in names
    }

    n_max = int(qd.max())
    want = {int(q): i for i, q in enumerate(qd)}
    out_lat = np.empty((qd.size,) + shape)
    out_x = np.empty((qd.size,) + shape)
    out_u = {k: np.empty((qd.size,) + shape) for k in names}
    out_r = {k: np.empty((qd.size,) + shape) for k in names}
    q = {k: np.zeros(shape) for k in names}
    x = np.zeros(shape)
    for n in range(1, n_max + 1):
        r = {}
        for k in names:
            u_prev = x * d[k]
            r[k] = d[k] * (1.0 + q[k] - u_prev) + d[k] * u_prev * residual + w_b[k]
        total = z + sum(m[k] * r[k] for k in names)
        x = n / total
        for k in names:
            q[k] = x * r[k]
        if n in want:
            i = want[n]
            out_lat[i] = total
            out_x[i] = x
            for k in names:
                out_u[k][i] = x * d[k]
                out_r[k][i] = m[k] * r[k]
    variables = {
        "latency": (out_lat, "s", "mean latency (delay included)", True),
        "iops": (out_x, "1/s", "I/Os per second", True),
    }
    for k in names:
        variables[f"utilization_{k}"] = (out_u[k], "1", f"busy share of one {k} server", True)
        variables[f"residence_{k}"] = (out_r[k], "s", f"queueing + service at the {k} per I/O", True)
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
