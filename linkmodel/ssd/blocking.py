"""Dies held through their channel wait: simultaneous resource possession on top of the closed network's MVA.

A die without cache read keeps a sensed page in its data register until the
page has crossed the channel (:func:`linkmodel.ssd.nand.read_hold`); when the
channel is busy the die waits, holding itself *and* queueing for the
channel. Product-form MVA cannot hold two resources at once (Jacobson &
Lazowska, "Analyzing queueing networks with simultaneous resource
possession", CACM 25(2), 1982: their method of surrogate delays replaces the
second resource by a delay whose mean comes from a model of it, iterated to
a fixed point). Here the channel's time moves inside the die's service,

    S_die = t_sense + t_channel + W_ch

(no channel station), and the channel's queueing wait ``W_ch`` comes from a
machine-repairman model of one channel: the ``K`` dies busy on it on average
(utilization law, ``K = X S_die / channels``) alternate between a sense
(delay ``t_sense``) and one FCFS transfer (``t_channel``); it is solved by
MVA at every whole population and interpolated at ``K`` (the *holding-time
fixed point* of queueing_blocking.md §2.4, a surrogate-delay method with the
channel population capped at the dies that can hold a page, §2.3).
:func:`linkmodel.ssd.queueing.mva` solves it at every population of its
recursion (the repairman's table once, :func:`hold_wait` at each step);
:func:`linkmodel.ssd.closedloop.queue_depth_curve` builds the table.

Accuracy: exact at QD1 (``K <= 1``, ``W_ch = 0``) and, for exponential
times, in saturation; in between within -0.4 to -3.9 % of the exact
(CTMC) holding model on 18 cases (queueing_blocking.md §2.6); with the
deterministic residual correction against a discrete-event simulation of
dies that hold through their channel wait (tests/qsim.py), -3.7 to +2.1 %
over QD 1-256 on 8-16 channels of 4-8 dies at 39-76 % channel utilization
(tests/ssd/test_blocking.py). With many dies per channel the channel's
population fluctuates about its mean and the fixed point is fast (+7 % at 96
read servers per channel); :func:`linkmodel.ssd.closedloop.queue_depth_curve`
then keeps the die-free network, never slower than the held one. All SI (s, 1/s).
"""

from __future__ import annotations

import numpy as np

__all__ = ["HOLD_ITERATIONS", "HOLD_TOLERANCE", "hold_wait"]

#: NUMERICAL CHOICE: at most this many fixed-point updates of ``W_ch`` per population (it starts from the
#: previous population's value; 1-3 updates reach 1e-9, queueing_blocking.md §2.4)
HOLD_ITERATIONS = 30
#: NUMERICAL CHOICE: relative change of ``W_ch`` [1] below which the fixed point has converged
HOLD_TOLERANCE = 1e-9


def hold_wait(table, busy, transfer):
    """A die's wait for its channel [s]: the repairman's queueing wait at ``busy`` dies, interpolated.

    Parameters
    ----------
    table : numpy.ndarray
        Shape ``(J + 1, ...)``: the channel's residence (wait + transfer) [s] in
        the repairman model at populations ``0 .. J`` (row 0 is the transfer
        alone: one die never waits).
    busy : numpy.ndarray
        Dies busy on one channel on average, ``K`` [1] (clipped to ``0 .. J``).
    transfer : numpy.ndarray
        The channel time of one read [s].

    Returns
    -------
    numpy.ndarray
        ``R(K) - transfer`` [s], linear between whole populations.
    """
    top = table.shape[0] - 1
    k = np.clip(busy, 0.0, float(top))
    i0 = np.minimum(np.floor(k), top - 1).astype(int)
    lo = np.take_along_axis(table, i0[None, ...], axis=0)[0]
    hi = np.take_along_axis(table, i0[None, ...] + 1, axis=0)[0]
    return np.maximum(lo + (k - i0) * (hi - lo) - transfer, 0.0)
