"""Write amplification with finite GC units: Van Houdt's mean-field model.

With ``b`` mapping units per GC unit (block or superblock) and d-choices
garbage collection (sample ``d`` blocks, clean the one with fewest valid
units; d of about 100 behaves like greedy), Van Houdt (SIGMETRICS'13,
QUESTA'14) describes the fraction ``x_i`` of blocks holding at least ``i``
valid units (``x_0 = 1``, ``x_{b+1} = 0``) by

    dx_i/dt = 1 - x_i^d - (b - sum_j x_j^d) * i * (x_i - x_{i+1}) / (b * rho)

with load ``rho = U / T = 1 / alpha``. At the fixed point the victim holds
``sum_j x_j^d`` valid units on average, so

    A = b / (b - sum_j x_j^d).

As ``b`` grows, greedy and FIFO both approach the Lambert-W closed form of
:func:`linkmodel.ssd.waf.waf_uniform`; for small ``b`` greedy does better
(reference dossier ssd_modeling.md §3.2: b = 32, alpha = 1.07 gives 6.40
against 7.82).

The fixed point is solved directly rather than by integrating the ODE.
Summing the fixed-point equations gives ``b - S = c sum_i x_i`` with
``c = (b - S) / (b rho)``, i.e. ``sum_i x_i = rho b`` (valid units are
conserved). For a trial ``c`` the equations are a downward recursion from
``x_{b+1} = 0``: each ``x_i`` is the unique root in ``[x_{i+1}, 1]`` of the
convex increasing ``c i (x - x_{i+1}) + x^d - 1`` (Newton from above);
``sum_i x_i`` falls as ``c`` grows, so one bracketed root find on ``c``
(``0 < c <= alpha``) closes the system. The cost is linear in ``b``
(tens of ms at b = 4096, under a second at 65,536), where integrating the ODE took
minutes at b = 4096; both agree to 1e-12 on the dossier's cases.
``alpha`` should be the *effective* alpha (after the GC free-block reserve,
:func:`linkmodel.ssd.waf.alpha_effective`).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from linkmodel._array import check_range, pack, unpack

__all__ = [
    "MAX_CHOICES",
    "MAX_PAGES_PER_BLOCK",
    "MAX_WORK",
    "waf_meanfield",
]

#: Largest GC unit ``b`` [mapping units]. ASSUMPTION: a NAND block holds a few thousand mapping units (e.g.
#: 1,536 pages of 16 KiB at a 4 KiB unit: 6,144) and a multi-plane block 4-8 times that; 65,536 leaves room.
#: Larger units (superblocks) are near the large-b limit there (alpha 1.07: 7.8187 at 65,536 against the
#: Lambert-W closed form's 7.8172, 2e-4 apart), which ``gc_model="lambertw"`` gives at once, while the solver's
#: cost grows linearly in b (10-20 us per unit: 1e7 took minutes).
MAX_PAGES_PER_BLOCK = 2**16
#: Most GC-victim samples ``d`` [1]. ASSUMPTION: d of about 100 already behaves as greedy (Van Houdt); 1e4
#: leaves room, and far beyond it ``x^d`` loses its precision in float64 (d = 1e300 gave 7.82 where 1e4 and
#: 1e6 give 7.76 at alpha 1.07, b 1024).
MAX_CHOICES = 1e4
#: Most mapping units one call solves for (the sum of ``b`` over its distinct points) [1]: about 10-20 s at
#: 10-20 us per unit; a larger sweep is split by the caller.
MAX_WORK = 2**20


def _sums(c: float, b: int, d: float) -> tuple[float, float]:
    """``(sum_i x_i, sum_i x_i^d)`` of the fixed point for a trial ``c`` (downward recursion)."""
    x_next = 0.0
    total = 0.0
    s_d = 0.0
    for i in range(b, 0, -1):
        ci = c * i
        # upper bound of the root (x^d >= x_next^d): Newton from above converges monotonically on a convex F
        x = min(1.0, x_next + (1.0 - x_next**d) / ci)
        for _ in range(200):
            xd1 = x ** (d - 1.0)
            step = (ci * (x - x_next) + xd1 * x - 1.0) / (ci + d * xd1)
            x -= step
            if step <= 1e-15 * x:
                break
        total += x
        s_d += x**d
        x_next = x
    return total, s_d


@functools.lru_cache(maxsize=4096)
def _solve(alpha: float, b: int, d: float) -> float:
    from scipy.optimize import brentq

    rho = 1.0 / alpha

    def excess(lc):
        return _sums(math.exp(lc), b, d)[0] - rho * b

    # at c = alpha, sum x = rho (b - S) <= rho b; equality (to rounding) when victims hold no valid units
    log_c = math.log(alpha)
    if excess(log_c) < 0.0:
        log_c = brentq(excess, math.log(1e-300), log_c, xtol=1e-15, rtol=8.9e-16, maxiter=500)
    _, s_d = _sums(math.exp(log_c), b, d)
    if not s_d < b:  # pragma: no cover - only at alpha within rounding of 1, which check_range rejects
        raise ValueError(f"alpha: {alpha!r} leaves no room for garbage collection at b={b}")
    return float(b / (b - s_d))


def waf_meanfield(alpha, pages_per_block, choices=100):
    """Write amplification of uniform random writes with finite GC units [1].

    Parameters
    ----------
    alpha : float or array-like or xarray.DataArray
        Effective physical / user capacity ratio [1], > 1.
    pages_per_block : int or array-like or xarray.DataArray
        Mapping units per GC unit ``b`` [1], a whole number 2 to
        :data:`MAX_PAGES_PER_BLOCK` (cost grows linearly: about 10 us per unit;
        at most :data:`MAX_WORK` units per call over the distinct points).
    choices : float or array-like or xarray.DataArray
        Blocks sampled per GC decision ``d`` [1], 1 to :data:`MAX_CHOICES` (1 = random
        victim, about 100 = greedy).

    Returns
    -------
    waf : broadcast kind of the inputs
        [1]; 6.40 at alpha 1.07, b 32, d 100 (greedy simulation 6.41).
    """
    a, k = unpack(alpha=alpha, pages_per_block=pages_per_block, choices=choices)
    check_range("alpha", a["alpha"], lo=1, lo_open=True)
    check_range("pages_per_block", a["pages_per_block"], lo=2, hi=MAX_PAGES_PER_BLOCK)
    check_range("choices", a["choices"], lo=1, hi=MAX_CHOICES)
    b = np.asarray(a["pages_per_block"])
    if np.any(b != np.round(b)):
        raise ValueError("pages_per_block: must be a whole number of mapping units")
    al, bb, dd = np.broadcast_arrays(
        np.asarray(a["alpha"], dtype=float), b.astype(float), np.asarray(a["choices"], dtype=float)
    )
    work = float(np.unique(np.stack([al.ravel(), bb.ravel(), dd.ravel()], axis=1), axis=0)[:, 1].sum())
    if work > MAX_WORK:
        raise ValueError(
            f"pages_per_block: {work:.3g} mapping units over the distinct points of one call, more than "
            f"{MAX_WORK} (about 10 s); split the sweep"
        )
    out = np.empty(al.shape)
    for idx in np.ndindex(al.shape):
        out[idx] = _solve(float(al[idx]), int(bb[idx]), float(dd[idx]))
    return pack(out if out.ndim else float(out), k, "waf", "1", "write amplification, finite GC units (mean field)")
