"""A small page-level garbage-collection simulator: the oracle for the WAF models.

Not part of the package: an independent implementation, written from the
textbook FTL (log-structured writes into one open block, a free-block
reserve that triggers garbage collection, greedy or FIFO victim selection,
valid units relocated into the same write stream), so that the analytical
models are checked against something they share no code with.
"""

from __future__ import annotations

import numpy as np


def simulate(
    blocks: int,
    pages_per_block: int,
    alpha: float,
    policy: str = "greedy",
    reserve_blocks: int = 2,
    warm_turns: float = 8.0,
    measure_turns: float = 8.0,
    hot=None,
    seed: int = 1,
) -> dict:
    """Simulate random single-unit writes; return the measured write amplification.

    Parameters
    ----------
    blocks, pages_per_block : int
        Physical geometry: ``blocks x pages_per_block`` mapping units.
    alpha : float
        Physical / user units: the user space is ``floor(T / alpha)`` units.
    policy : {"greedy", "fifo"}
        Victim selection.
    reserve_blocks : int
        Free blocks kept back: GC runs whenever fewer are free. One more block is
        always open for writing.
    warm_turns, measure_turns : float
        Host writes before / during measurement, in multiples of the user space.
    hot : (float, float), optional
        ``(r, f)``: a share r of writes goes to the first share f of the user
        space (uniform within each class). Default uniform.
    seed : int
        Random seed.

    Returns
    -------
    dict
        ``waf`` (NAND writes / host writes while measuring) and
        ``alpha_effective`` (units outside the free-block reserve over user
        units; the open block is part of the log).
    """
    b = pages_per_block
    total = blocks * b
    user = int(total / alpha)
    rng = np.random.default_rng(seed)
    owner = np.full(total, -1, dtype=np.int64)  # slot -> logical unit
    loc = np.full(user, -1, dtype=np.int64)  # logical unit -> slot
    valid = np.zeros(blocks, dtype=np.int64)
    closed = np.zeros(blocks, dtype=bool)
    order: list[int] = []  # closed blocks, oldest first (FIFO)
    free = list(range(1, blocks))
    state = {"open": 0, "wp": 0, "nand": 0}

    def place(lpn: int) -> None:
        old = loc[lpn]
        if old >= 0:
            owner[old] = -1
            valid[old // b] -= 1
        blk = state["open"]
        slot = blk * b + state["wp"]
        owner[slot] = lpn
        loc[lpn] = slot
        valid[blk] += 1
        state["wp"] += 1
        state["nand"] += 1
        if state["wp"] == b:
            closed[blk] = True
            order.append(blk)
            state["open"] = free.pop()
            state["wp"] = 0

    def collect() -> None:
        if policy == "greedy":
            victim = int(np.argmin(np.where(closed, valid, b + 1)))
            order.remove(victim)
        else:
            victim = order.pop(0)
        closed[victim] = False
        for slot in range(victim * b, victim * b + b):
            lpn = owner[slot]
            if lpn >= 0:
                place(int(lpn))
        free.append(victim)

    def write(lpn: int) -> None:
        place(lpn)
        while len(free) < reserve_blocks:
            collect()

    for lpn in range(user):  # fill sequentially
        write(lpn)

    def draw(n: int) -> np.ndarray:
        if hot is None:
            return rng.integers(0, user, n)
        r, f = hot
        n_hot = max(1, round(f * user))
        is_hot = rng.random(n) < r
        return np.where(is_hot, rng.integers(0, n_hot, n), rng.integers(n_hot, user, n))

    for lpn in draw(int(warm_turns * user)):
        write(int(lpn))
    start = state["nand"]
    n = int(measure_turns * user)
    for lpn in draw(n):
        write(int(lpn))
    usable = total - reserve_blocks * b  # the free blocks held back; the open block is part of the log
    return {"waf": (state["nand"] - start) / n, "alpha_effective": usable / user}
