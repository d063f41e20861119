"""Element-wise kernels of :mod:`linkmodel.pcie`: one scalar function per formula, looped by Python or numba.

Every per-element formula of the link model is a plain Python function of
floats (``*_scalar_kernel`` in its phenomenon module, marked with
:func:`jitable`). The scalar path calls it directly: no numba import, no
compilation. Arrays go through :func:`elementwise` (one output) or the
link budget's fused row kernel (:func:`fused_rows`): below
:data:`NUMBA_MIN_ELEMENTS` elements, or when numba is not installed, a Python
loop over the same function (about 1 us per element and formula; the whole
link budget ~20 us per element); above it, the function compiled by numba
(``nopython``, ``cache=True``), imported and compiled the first time it is
needed. numba compiles the *same* function objects (each :func:`jitable`
function is registered with ``numba.extending.register_jitable`` then), so
there is one copy of each formula; numba only changes how the loop over
elements runs.

Large calls of the link budget are cut into blocks (:data:`linkmodel.pcie.budget.BLOCK`
configurations) that :func:`map_blocks` evaluates on :data:`THREADS` worker threads (the
cores the process may use): each block's validation (numpy loops, which release the GIL),
kernel (numba, ``nogil``) and its share of the result arrays' first-touch page faults run in
parallel. Chosen over numba's ``parallel=True``/``prange`` in the kernel because the kernel is
~55-65 % of a 10^6-configuration call's CPU time (validation ~10 %, page faults of the 280 MB
result ~15 %, binding labels ~8 %): threads over whole blocks parallelize all of it, keep
one compiled loop (no parfors compilation, same cache) and give bit-identical results (the
same loop over the same rows). Off the main thread (a Dask worker) blocks run serially: no
threads within threads.

numba's on-disk cache checks only the source file of the top-level function,
not those of the functions it calls, so the cache lives in a directory named
after a hash of this package's sources (``$XDG_CACHE_HOME/linkmodel/numba/<hash>``,
unless ``NUMBA_CACHE_DIR`` is set): an edit to any module starts a fresh
cache. A private module of :mod:`linkmodel.pcie`.
"""

from __future__ import annotations

import concurrent.futures
import functools
import hashlib
import importlib.util
import inspect
import os
import threading
from pathlib import Path

import numpy as np

__all__ = ["NUMBA_MIN_ELEMENTS", "THREADS", "elementwise", "fused_rows", "jitable", "map_blocks", "numba_available"]

#: Arrays with at least this many elements are evaluated by numba (when installed); smaller ones loop over the
#: plain Python functions. Measured on the 2-core machine: numba's import and the cached kernels' load take
#: ~0.3-0.5 s once per process, the Python loop over the link budget ~20 us per element; 64 elements keep a
#: small call (the hypothesis tests, a notebook's few configurations) off numba and a sweep on it.
NUMBA_MIN_ELEMENTS = 64

_REGISTRY: list = []
#: held while numba is set up or a kernel compiled: Dask's threads may ask for the same kernel at once
_LOCK = threading.RLock()

# Why numba's loops run under ``np.errstate(all="ignore")`` : LLVM may compute both sides of a guarded
# ``a / b if b > 0 else c`` and keep one (a float division has no side effect for it), which raises the
# processor's divide-by-zero flag that numpy reports as a warning, although no result uses that value. The plain
# Python loop over the same functions evaluates only the taken branch and would raise ZeroDivisionError on a
# real division by zero.


def jitable(fn):
    """Mark a scalar kernel (plain floats in, float(s) out) as compilable by numba; returns `fn` unchanged."""
    _REGISTRY.append(fn)
    return fn


@functools.lru_cache(maxsize=1)
def numba_available() -> bool:
    """True if numba can be imported (it is not imported here)."""
    return importlib.util.find_spec("numba") is not None


def _source_hash() -> str:
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def _numba():
    """Import numba, point its cache at this source version, register every :func:`jitable` function (once)."""
    with _LOCK:
        return _setup_numba()


@functools.lru_cache(maxsize=1)
def _setup_numba():
    import numba
    from numba.extending import register_jitable

    if not os.environ.get("NUMBA_CACHE_DIR"):
        root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        cache = os.path.join(root, "linkmodel", "numba", _source_hash())
        numba.config.CACHE_DIR = cache  # type: ignore[attr-defined]
    for fn in _REGISTRY:
        # not inlined at numba's IR level: inlining the stages cut the fused loop's CPU time by ~12 % (121 vs
        # 138 ns per configuration, measured) but tripled its first compilation (16 s vs 5 s on the 2-core machine)
        register_jitable(fn)
    return numba


def _floats(args):
    return [np.asarray(a, dtype=float) for a in args]


def elementwise(fn):
    """A broadcasting array version of the scalar kernel `fn` [units of `fn`]: float64 arrays in, one out.

    0-d inputs give a 0-d array. Large inputs run numba's ``vectorize`` of `fn`;
    small ones (or without numba) a Python loop over `fn`.
    """
    nin = len(inspect.signature(fn).parameters)

    def compiled():
        with _LOCK:
            return _compiled()

    @functools.lru_cache(maxsize=1)
    def _compiled():
        numba = _numba()
        return numba.vectorize([f"float64({', '.join(['float64'] * nin)})"], cache=True)(fn)

    def array_kernel(*args):
        arrs = _floats(args)
        scalar = all(a.ndim == 0 for a in arrs)
        shape = () if scalar else np.broadcast_shapes(*(a.shape for a in arrs))
        size = 1 if scalar else int(np.prod(shape))
        if size >= NUMBA_MIN_ELEMENTS and numba_available():
            with np.errstate(all="ignore"):  # see the note above (speculated divisions)
                return np.asarray(compiled()(*arrs))
        cols = [np.broadcast_to(a, shape).ravel().tolist() for a in arrs]
        return np.array([fn(*row) for row in zip(*cols, strict=True)], dtype=float).reshape(shape)

    array_kernel.__name__ = fn.__name__.replace("_scalar_kernel", "_kernel")
    array_kernel.__doc__ = f"Broadcasting array version of ``{fn.__name__}`` (validated float arrays in) [its units]."
    return array_kernel


def fused_rows(loop, element, nin: int, nout: int):
    """Evaluate the fused scalar kernel `element` (`nin` floats in, a tuple of `nout` floats out) over arrays.

    `loop` is a plain function ``loop(a0, ..., a{nin-1}, out)`` that writes
    ``element(a0[i], ...)`` into ``out[i, 0:nout]`` for every row i (numba
    compiles it, ``nogil``, for 1-d float64 arrays of any stride). Returns a
    function ``evaluate(*arrays, out=None)`` that fills (or allocates) `out`,
    a C-contiguous float64 array of shape ``broadcast shape + (nout,)``, and
    returns it [units of each output].
    """

    def compiled():
        with _LOCK:
            return _compiled()

    @functools.lru_cache(maxsize=1)
    def _compiled():
        numba = _numba()
        t = numba.types
        column = t.Array(t.float64, 1, "A", readonly=True)  # np.broadcast_to's views: read-only, any stride
        return numba.njit(t.void(*[column] * nin, t.Array(t.float64, 2, "C")), cache=True, nogil=True)(loop)

    def evaluate(*args, out=None):
        arrs = _floats(args)
        scalar = all(a.ndim == 0 for a in arrs)
        shape = () if scalar else np.broadcast_shapes(*(a.shape for a in arrs))
        size = 1 if scalar else int(np.prod(shape))
        if out is None:
            out = np.empty((*shape, nout))
        flat = out.reshape(size, nout)  # a view: `out` is C-contiguous
        if size >= NUMBA_MIN_ELEMENTS and numba_available():
            cols = [
                np.broadcast_to(a, (size,)) if a.ndim == 0 else np.broadcast_to(a, shape).reshape(size) for a in arrs
            ]
            with np.errstate(all="ignore"):  # see the note above (speculated divisions)
                compiled()(*cols, flat)
            return out
        if size == 1:  # one configuration (the scalar call): no per-input broadcasting
            flat[0] = element(*(a.item(0) for a in arrs))
            return out
        rows = [np.broadcast_to(a, shape).ravel().tolist() for a in arrs]
        for i, row in enumerate(zip(*rows, strict=True)):
            flat[i] = element(*row)
        return out

    return evaluate


#: Worker threads for the blocks of one large call (:func:`map_blocks`): the processor cores this process may run
#: on. numba's loops release the GIL (``nogil``) and numpy's element loops do too, so blocks evaluate in parallel;
#: 1 evaluates them one after the other.
THREADS = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@functools.lru_cache(maxsize=4)
def _pool(workers: int, pid: int) -> concurrent.futures.ThreadPoolExecutor:
    # one pool per process: a child forked after a large call inherits the parent's pool without its threads (its
    # work would wait forever), so the pool is keyed by the process id
    return concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="linkmodel")


def map_blocks(fn, items) -> list:
    """``[fn(x) for x in items]``, on :data:`THREADS` worker threads when there are several items and the caller is
    the main thread (a Dask worker or any other thread evaluates its blocks itself: no threads within threads).

    `fn` writes its block's results into arrays shared by the blocks (disjoint parts). An exception is raised as
    the serial loop raises it: that of the first item (in order) that raises, once every started block has
    finished (the others are cancelled). Returns the results in order [units of `fn`].
    """
    items = list(items)
    if THREADS < 2 or len(items) < 2 or threading.current_thread() is not threading.main_thread():
        return [fn(x) for x in items]
    pool = _pool(THREADS, os.getpid())
    futures = [pool.submit(fn, x) for x in items]
    try:
        return [f.result() for f in futures]
    finally:
        for f in futures:
            f.cancel()
        concurrent.futures.wait(futures)
