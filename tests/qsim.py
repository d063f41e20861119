"""A small discrete-event simulator of a closed-loop SSD: the oracle for the queueing models.

Not part of the package, and sharing no code with it: ``qd`` I/Os circulate;
each spends a fixed ``delay`` outside every queue, then is served FCFS by a
die chosen uniformly at random, then by that die's channel (die ``i`` hangs
on channel ``i mod channels``, as in MQSim's geometry), then by the link, and
is resubmitted at once (fio with a fixed iodepth). Service times are fixed
(``"deterministic"``) or exponential with the same mean.
"""

from __future__ import annotations

import heapq

import numpy as np


def simulate(qd: int, delay: float, dies: int, t_die: float, channels: int, t_channel: float, t_link: float,
             ios: int = 100_000, warmup: int = 10_000, service: str = "deterministic", seed: int = 1,
             runs: int = 1) -> dict:
    """Simulate ``ios`` completions after ``warmup`` in each of ``runs`` independent replications (seeds
    ``seed``, ``seed + 1``, ...); return mean and percentile latency of the pooled completions, and IOPS.

    Near saturation the die queues' imbalance persists for thousands of service times (a closed random
    walk), so one run's p99 wanders by +-15 % even at 500,000 I/Os; replications average that out.

    Returns
    -------
    dict
        ``mean``, ``p99``, ``p999`` [s], ``iops`` [1/s] (mean over the runs).
    """
    out = [_run(qd, delay, dies, t_die, channels, t_channel, t_link, ios, warmup, service, seed + k)
           for k in range(runs)]
    lat = np.concatenate([o[0] for o in out])
    return {"mean": float(lat.mean()), "p99": float(np.quantile(lat, 0.99)),
            "p999": float(np.quantile(lat, 0.999)), "iops": float(np.mean([o[1] for o in out]))}


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
