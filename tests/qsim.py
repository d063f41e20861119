"""A small discrete-event simulator of a closed-loop SSD: the oracle for the queueing models.

Not part of the package, and sharing no code with it: ``qd`` I/Os circulate;
each spends a fixed ``delay`` outside every queue, then is served FCFS by a
die chosen uniformly at random, then by that die's channel (die ``i`` hangs
on channel ``i mod channels``, as in MQSim's geometry), then by the link, and
is resubmitted at once (fio with a fixed iodepth). Service times are fixed
(``"deterministic"``) or exponential with the same mean.

What a die does while its page waits for the channel (``mode``, the oracle of
queueing_blocking.md §4): ``"free"`` (the product-form assumption: the die
senses its next page at once), ``"hold"`` (no cache read: the die holds the
page in its data register, and senses nothing, until the page has crossed the
channel) or ``"cache"`` (one cache register: the sensed page moves to it and
the die senses the next; a sense that finishes while the cache register still
holds an untransferred page blocks the die until it is free).
"""

from __future__ import annotations

import heapq

import numpy as np


def simulate(
    qd: int,
    delay: float,
    dies: int,
    t_die: float,
    channels: int,
    t_channel: float,
    t_link: float,
    ios: int = 100_000,
    warmup: int = 10_000,
    service: str = "deterministic",
    seed: int = 1,
    runs: int = 1,
    mode: str = "free",
    stripe: bool = False,
) -> dict:
    """Simulate ``ios`` completions after ``warmup`` in each of ``runs`` independent replications (seeds
    ``seed``, ``seed + 1``, ...); return mean and percentile latency of the pooled completions, and IOPS.
    ``mode``: ``"free"``, ``"hold"`` or ``"cache"`` (module docstring). ``stripe=True`` (hold and cache modes):
    the I/Os go to the dies in turn (a sequential read striped over the dies) instead of at random.

    Near saturation the die queues' imbalance persists for thousands of service times (a closed random
    walk), so one run's p99 wanders by +-15 % even at 500,000 I/Os; replications average that out.

    Returns
    -------
    dict
        ``mean``, ``p99``, ``p999`` [s], ``iops`` [1/s] (mean over the runs).
    """
    if mode not in ("free", "hold", "cache"):
        raise ValueError(f"mode: {mode!r}; allowed: free, hold, cache")
    run = _run if mode == "free" else _run_blocking
    extra = () if mode == "free" else (mode, stripe)
    out = [
        run(qd, delay, dies, t_die, channels, t_channel, t_link, ios, warmup, service, seed + k, *extra)
        for k in range(runs)
    ]
    lat = np.concatenate([o[0] for o in out])
    return {
        "mean": float(lat.mean()),
        "p99": float(np.quantile(lat, 0.99)),
        "p999": float(np.quantile(lat, 0.999)),
        "iops": float(np.mean([o[1] for o in out])),
    }


def _run_blocking(qd, delay, dies, t_die, channels, t_channel, t_link, ios, warmup, service, seed, mode, stripe):
    """One replication with dies that keep their page until it has crossed the channel (hold / cache modes)."""
    from collections import deque
    from itertools import cycle

    rng = np.random.default_rng(seed)
    draws = cycle(range(dies)) if stripe else iter(rng.integers(0, dies, size=ios + warmup + qd + 10))
    expo = iter(rng.exponential(1.0, size=3 * (ios + warmup + qd + 10)))

    def svc(mean):
        return mean if service == "deterministic" else mean * next(expo)

    waiting = [deque() for _ in range(dies)]  # submission times of reads not yet sensed, per die
    sensing = [False] * dies
    dreg: list = [None] * dies  # hold: the page awaiting or in transfer; cache: a sensed page blocked behind creg
    creg: list = [None] * dies  # cache: the page in the cache register (awaiting or in transfer)
    ch_queue = [deque() for _ in range(channels)]  # (die, submission time) FIFO per channel
    ch_busy = [False] * channels
    link_free = 0.0
    events = _Events()

    def try_sense(t, d):
        if not sensing[d] and dreg[d] is None and waiting[d]:
            sensing[d] = True
            events.push(t + svc(t_die), "sensed", d, waiting[d].popleft())

    def try_channel(t, c):
        if not ch_busy[c] and ch_queue[c]:
            ch_busy[c] = True
            d, start = ch_queue[c].popleft()
            events.push(t + svc(t_channel), "sent", d, start)

    for _ in range(qd):
        events.push(delay, "arrive", int(next(draws)), 0.0)
    done = 0
    lat = []
    t_first = t_last = None
    while done < ios + warmup:
        t, kind, (d, start) = events.pop()
        if kind == "arrive":
            waiting[d].append(start)
            try_sense(t, d)
        elif kind == "sensed":
            sensing[d] = False
            if mode == "cache" and creg[d] is not None:
                dreg[d] = start  # blocked behind the untransferred page in the cache register
                continue
            if mode == "hold":
                dreg[d] = start  # kept in the data register till it has crossed the channel
            else:
                creg[d] = start  # into the cache register: the die senses its next page meanwhile
                try_sense(t, d)
            ch_queue[d % channels].append((d, start))
            try_channel(t, d % channels)
        elif kind == "sent":
            c = d % channels
            ch_busy[c] = False
            if mode == "hold":
                dreg[d] = None
            else:
                creg[d], dreg[d] = dreg[d], None  # a blocked page moves up and queues for the channel
                if creg[d] is not None:
                    ch_queue[c].append((d, creg[d]))
            try_sense(t, d)
            try_channel(t, c)
            link_free = max(t, link_free) + svc(t_link)
            events.push(link_free, "end", d, start)
        else:  # completion: record, resubmit
            done += 1
            if done == warmup:
                t_first = t
            elif done > warmup:
                lat.append(t - start)
                t_last = t
            events.push(t + delay, "arrive", int(next(draws)), t)
    return np.asarray(lat), ios / (t_last - t_first)


def _run(qd, delay, dies, t_die, channels, t_channel, t_link, ios, warmup, service, seed):
    rng = np.random.default_rng(seed)
    draws = iter(rng.integers(0, dies, size=ios + warmup + qd + 10))
    expo = iter(rng.exponential(1.0, size=3 * (ios + warmup + qd + 10)))

    def svc(mean):
        return mean if service == "deterministic" else mean * next(expo)

    die_free = [0.0] * dies
    ch_free = [0.0] * channels
    link_free = 0.0
    events: list = []  # (time, seq, stage, start, die)
    seq = 0
    for _ in range(qd):
        heapq.heappush(events, (delay, seq, "die", 0.0, next(draws)))
        seq += 1
    done = 0
    lat = []
    t_first = t_last = None
    while done < ios + warmup:
        t, _, stage, start, die = heapq.heappop(events)
        if stage == "die":
            s = max(t, die_free[die])
            die_free[die] = s + svc(t_die)
            heapq.heappush(events, (die_free[die], seq, "channel", start, die))
        elif stage == "channel":
            c = die % channels
            s = max(t, ch_free[c])
            ch_free[c] = s + svc(t_channel)
            heapq.heappush(events, (ch_free[c], seq, "link", start, die))
        elif stage == "link":
            s = max(t, link_free)
            link_free = s + svc(t_link)
            heapq.heappush(events, (link_free, seq, "end", start, die))
        else:  # completion: record, resubmit
            done += 1
            if done == warmup:
                t_first = t
            elif done > warmup:
                lat.append(t - start)
                t_last = t
            heapq.heappush(events, (t + delay, seq, "die", t, next(draws)))
        seq += 1
    return np.asarray(lat), ios / (t_last - t_first)


class _Events:
    """A time-ordered event queue (ties in insertion order) for the simulators below."""

    def __init__(self):
        self._heap: list = []
        self._seq = 0

    def push(self, t, kind, *data):
        heapq.heappush(self._heap, (t, self._seq, kind, data))
        self._seq += 1

    def pop(self):
        t, _, kind, data = heapq.heappop(self._heap)
        return t, kind, data


def simulate_with_writes(
    qd: int,
    delay: float,
    dies: int,
    t_die: float,
    channels: int,
    t_channel: float,
    t_link: float,
    program_rate: float,
    t_prog: float,
    channel_busy: float = 0.0,
    t_channel_chunk: float = 0.0,
    erase_rate: float = 0.0,
    t_erase: float = 0.0,
    gc_read_rate: float = 0.0,
    suspend: float | None = None,
    ios: int = 50_000,
    warmup: int = 10_000,
    seed: int = 1,
    runs: int = 1,
) -> dict:
    """Closed-loop reads as :func:`simulate` (fixed services), with programs and erases arriving at every die
    as Poisson streams (``program_rate``, ``erase_rate`` per die [1/s]) from writes running alongside.

    The writes' data keeps each channel busy a share ``channel_busy``, as transfers of ``t_channel_chunk``
    seconds arriving at random (FIFO with the reads' transfers). A die serves reads before waiting programs and
    erases (read priority)
    but never interrupts the operation in progress, unless ``suspend`` [s] is given: then a read arriving
    at a programming or erasing die starts after ``suspend`` seconds and the operation resumes after the
    read (its remaining time kept). Garbage collection's reads (``gc_read_rate`` per die [1/s], ``t_die``
    each) queue with the programs and are never suspended. Returns the reads' ``mean``, ``p99``, ``p999`` [s] and
    ``iops`` [1/s].
    """
    out = [
        _run_writes(
            qd,
            delay,
            dies,
            t_die,
            channels,
            t_channel,
            t_link,
            program_rate,
            t_prog,
            channel_busy,
            t_channel_chunk,
            erase_rate,
            t_erase,
            gc_read_rate,
            suspend,
            ios,
            warmup,
            seed + k,
        )
        for k in range(runs)
    ]
    lat = np.concatenate([o[0] for o in out])
    return {
        "mean": float(lat.mean()),
        "p99": float(np.quantile(lat, 0.99)),
        "p999": float(np.quantile(lat, 0.999)),
        "iops": float(np.mean([o[1] for o in out])),
        "backlog": float(np.mean([o[2] for o in out])),
    }


def _run_writes(
    qd,
    delay,
    dies,
    t_die,
    channels,
    t_channel,
    t_link,
    program_rate,
    t_prog,
    channel_busy,
    t_channel_chunk,
    erase_rate,
    t_erase,
    gc_read_rate,
    suspend,
    ios,
    warmup,
    seed,
):
    from collections import deque

    rng = np.random.default_rng(seed)
    reads_q = [deque() for _ in range(dies)]  # submission times of reads waiting at each die
    ops_q = [deque() for _ in range(dies)]  # durations of programs/erases waiting at each die
    busy = [None] * dies  # None, ("read", start, end) or ("op", end, remaining-if-suspended)
    ch_free = [0.0] * channels
    link_free = 0.0
    events = _Events()
    push = events.push

    def start_next(t, d):
        if reads_q[d]:
            start = reads_q[d].popleft()
            busy[d] = ("read", start, t + t_die)
            push(t + t_die, "die_done", d)
        elif ops_q[d]:
            dur, can_suspend = ops_q[d].popleft()
            busy[d] = ("op", t + dur, None, can_suspend)
            push(t + dur, "die_done", d)
        else:
            busy[d] = None

    total_rate = dies * (program_rate + erase_rate + gc_read_rate)
    if total_rate > 0:
        push(rng.exponential(1.0 / total_rate), "write_op")
    if channel_busy > 0:
        chunk_gap = t_channel_chunk / (channel_busy * channels)  # mean time between chunks, all channels
        push(rng.exponential(chunk_gap), "chunk")
    for _ in range(qd):
        push(delay, "read_at_die", 0.0)
    done = 0
    lat = []
    t_first = t_last = None
    stale = set()  # die_done events cancelled by a suspend: (die, end time)
    while done < ios + warmup:
        t, kind, data = events.pop()
        if kind == "write_op":
            d = int(rng.integers(dies))
            x = rng.random() * (program_rate + erase_rate + gc_read_rate)
            if x < program_rate:
                push(t, "op_at_die", d, t_prog, True)
            elif x < program_rate + erase_rate:
                push(t, "op_at_die", d, t_erase, True)
            else:
                push(t, "op_at_die", d, t_die, False)
            push(t + rng.exponential(1.0 / total_rate), "write_op")
        elif kind == "chunk":  # write data on a channel
            c = int(rng.integers(channels))
            ch_free[c] = max(t, ch_free[c]) + t_channel_chunk
            push(t + rng.exponential(chunk_gap), "chunk")
        elif kind == "op_at_die":
            d, dur, can_suspend = data
            ops_q[d].append((dur, can_suspend))
            if busy[d] is None:
                start_next(t, d)
        elif kind == "read_at_die":
            (start,) = data
            d = int(rng.integers(dies))
            if busy[d] is None:
                reads_q[d].append(start)
                start_next(t, d)
            elif suspend is not None and busy[d][0] == "op" and busy[d][3]:
                remaining = busy[d][1] - t
                stale.add((d, busy[d][1]))
                ops_q[d].appendleft((remaining, True))  # resumes after the read(s)
                reads_q[d].append(start)
                busy[d] = ("suspending", t + suspend)
                push(t + suspend, "die_done", d)
            else:
                reads_q[d].append(start)
        elif kind == "die_done":
            (d,) = data
            if (d, t) in stale:
                stale.discard((d, t))
                continue
            if busy[d][0] == "read":
                c = d % channels
                s = max(t, ch_free[c])
                ch_free[c] = s + t_channel
                push(ch_free[c], "at_link", busy[d][1])
            start_next(t, d)
        elif kind == "at_link":
            (start,) = data
            s = max(t, link_free)
            link_free = s + t_link
            push(link_free, "end", start)
        else:  # a read completes: record, resubmit
            (start,) = data
            done += 1
            if done == warmup:
                t_first = t
            elif done > warmup:
                lat.append(t - start)
                t_last = t
            push(t + delay, "read_at_die", t)
    backlog = sum(len(o) for o in ops_q)  # programs/erases/GC reads still waiting at the end
    return np.asarray(lat), ios / (t_last - t_first), backlog


def simulate_mix(
    qd: int,
    read_fraction: float,
    delay: float,
    dies: int,
    t_die: float,
    channels: int,
    t_channel: float,
    t_link: float,
    write_latency: float,
    per_write: dict,
    t_prog: float,
    t_erase: float,
    t_channel_chunk: float,
    buffer_programs: int,
    ios: int = 50_000,
    warmup: int = 10_000,
    seed: int = 1,
) -> dict:
    """A closed loop of ``qd`` I/Os, each a read with probability ``read_fraction``, else a buffered write.

    Reads run as in :func:`simulate_with_writes`. A write completes ``write_latency`` seconds after it is
    issued if the buffer has room (fewer than ``buffer_programs`` programs issued and not finished), else
    when a program finishes and frees room (FIFO). Each acknowledged write leaves the back end work: per
    write ``per_write["programs"]``, ``["erases"]``, ``["gc_reads"]`` operations on random dies (credits
    accumulate; an operation is issued when one is due) and ``["chunks"]`` transfers of ``t_channel_chunk``
    on random channels. Dies serve reads before background operations and never interrupt one.

    Returns
    -------
    dict
        ``iops`` [1/s], ``mean``, ``read_mean``, ``write_mean``, ``read_p99`` [s].
    """
    from collections import deque

    rng = np.random.default_rng(seed)
    reads_q = [deque() for _ in range(dies)]
    ops_q = [deque() for _ in range(dies)]
    busy: list = [None] * dies
    ch_free = [0.0] * channels
    link_free = 0.0
    events = _Events()
    push = events.push
    credit = {k: 0.0 for k in ("programs", "erases", "gc_reads", "chunks")}
    pending = 0  # programs issued, not finished
    blocked: deque = deque()  # writes waiting for buffer room: their submission times

    def start_next(t, d):
        if reads_q[d]:
            start = reads_q[d].popleft()
            busy[d] = ("read", start)
            push(t + t_die, "die_done", d)
        elif ops_q[d]:
            dur, kind = ops_q[d].popleft()
            busy[d] = (kind, None)
            push(t + dur, "die_done", d)
        else:
            busy[d] = None

    def op(t, d, dur, kind):
        ops_q[d].append((dur, kind))
        if busy[d] is None:
            start_next(t, d)

    def acknowledge(t, start):
        """The write's data is in the buffer: leave its back-end work, complete after write_latency."""
        nonlocal pending
        for k in credit:
            credit[k] += per_write[k]
        while credit["programs"] >= 1:
            credit["programs"] -= 1
            pending += 1
            op(t, int(rng.integers(dies)), t_prog, "program")
        while credit["erases"] >= 1:
            credit["erases"] -= 1
            op(t, int(rng.integers(dies)), t_erase, "erase")
        while credit["gc_reads"] >= 1:
            credit["gc_reads"] -= 1
            op(t, int(rng.integers(dies)), t_die, "gc_read")
        while credit["chunks"] >= 1:
            credit["chunks"] -= 1
            c = int(rng.integers(channels))
            ch_free[c] = max(t, ch_free[c]) + t_channel_chunk

    def submit(t):
        if rng.random() < read_fraction:
            push(t + delay, "read_at_die", t)
        elif pending < buffer_programs and not blocked:
            acknowledge(t, t)
            push(t + write_latency, "end", t, "w")
        else:
            blocked.append(t)

    for _ in range(qd):
        submit(0.0)
    done = 0
    lat = {"r": [], "w": []}
    t_first = t_last = None
    while done < ios + warmup:
        t, kind, data = events.pop()
        if kind == "read_at_die":
            (start,) = data
            d = int(rng.integers(dies))
            reads_q[d].append(start)
            if busy[d] is None:
                start_next(t, d)
        elif kind == "die_done":
            (d,) = data
            what, start = busy[d]
            if what == "read":
                c = d % channels
                ch_free[c] = max(t, ch_free[c]) + t_channel
                push(ch_free[c], "at_link", start)
            elif what == "program":
                pending -= 1
                while blocked and pending < buffer_programs:
                    s0 = blocked.popleft()
                    acknowledge(t, s0)
                    push(t + write_latency, "end", s0, "w")
            start_next(t, d)
        elif kind == "at_link":
            (start,) = data
            link_free = max(t, link_free) + t_link
            push(link_free, "end", start, "r")
        else:
            start, io = data
            done += 1
            if done == warmup:
                t_first = t
            elif done > warmup:
                lat[io].append(t - start)
                t_last = t
            submit(t)
    r, w = np.asarray(lat["r"]), np.asarray(lat["w"])
    both = np.concatenate([r, w])
    return {
        "iops": ios / (t_last - t_first),
        "mean": float(both.mean()),
        "read_mean": float(r.mean()),
        "write_mean": float(w.mean()) if w.size else 0.0,
        "read_p99": float(np.quantile(r, 0.99)),
    }
