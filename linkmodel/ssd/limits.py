"""Plausible ranges of the queueing models' inputs: page types and queue depths (each with its basis).

Kept apart from :mod:`linkmodel.ssd.queueing` (which re-exports them) so the
checks are one import for every model that takes these inputs. Dimensionless.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MAX_PAGE_TYPES", "MAX_QUEUE_DEPTH", "MAX_QUEUE_DEPTHS", "PAGE_TYPE_RANGE", "check_page_types"]

#: Plausible tR multipliers of a page type over the die's ``t_read`` [1]. ASSUMPTION: the page types of one
#: word line (LSB/CSB/MSB of TLC, four of QLC) sense in 1 to 4 reference levels each, so their tR differ from
#: the mean by well under 3x (QLC: up to 8 levels); 0.1-10 is generous either side (beyond it the tail
#: grid loses its resolution).
PAGE_TYPE_RANGE = (0.1, 10.0)
#: Largest queue depth (I/Os in flight) [1]: NVMe's largest queue, 65,536 entries (MQES is a 16-bit field);
#: the MVA steps through every population up to it (about 1 s at 65,536).
MAX_QUEUE_DEPTH = 2**16
#: Most queue depths per curve [1]. ASSUMPTION: a curve is read at tens of points (9 by default); each takes a
#: tail (an FFT, ms each), so 256 keeps a report's tails to seconds.
MAX_QUEUE_DEPTHS = 256
#: At most one page type per bit of a cell [1]: PLC (5 bits) has 5; 8 leaves room (a physical bound of
#: today's cells with margin).
MAX_PAGE_TYPES = 8


def check_page_types(page_types):
    """Validated service multipliers of equal-share page types (e.g. tR of LSB/CSB/MSB over ``t_read``) [1].

    Returns None for None, else a 1-D float array of positive finite values;
    a one-line ValueError naming ``page_types`` otherwise.
    """
    if page_types is None:
        return None
    try:
        f = np.asarray(page_types, dtype=float)
    except (TypeError, ValueError):
        f = np.asarray(np.nan)
    lo, hi = PAGE_TYPE_RANGE
    if f.ndim != 1 or not 1 <= f.size <= MAX_PAGE_TYPES or not np.all(np.isfinite(f)) or np.any((f < lo) | (f > hi)):
        raise ValueError(
            f"page_types: 1 to {MAX_PAGE_TYPES} tR multipliers, one per page type, each {lo:g} to {hi:g} "
            "(e.g. (0.6, 1.0, 1.4) for LSB, CSB, MSB)"
        )
    return f
