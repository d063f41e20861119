"""Closed forms of the link model's efficiency formulas, in sympy.

sympy is imported lazily (only when a function here is called), so
``import linkmodel`` stays light. ``tests/test_symbolic.py`` lambdifies each
expression and checks it against the numeric model.

Symbols (all SI): ``P`` payload per TLP [B], ``H`` header bytes [B], ``F``
per-TLP framing [B], ``eta`` line-encoding efficiency [1], ``S`` transfer size
[B], ``M`` MPS [B], ``N`` lanes [1], ``T`` Ack/UpdateFC latency limit [symbol
times], ``K`` flits between SKP ordered sets [1], ``L`` SKP ordered-set length
[B], ``R`` raw bandwidth [B/s], ``n_tags`` outstanding requests [1], ``rtt``
round trip [s].
"""

from __future__ import annotations

import functools

__all__ = [
    "break_even_payload",
    "dllp_fraction_spec",
    "flit_tlp_efficiency",
    "lambdify",
    "line_efficiency_nonflit",
    "nonflit_tlp_efficiency",
    "skp_fraction_flit",
    "symbols",
    "tag_limited_bandwidth",
    "write_stream_efficiency",
]


@functools.lru_cache(maxsize=1)
def symbols():
    """The model's sympy symbols, all positive reals.

    Returns
    -------
    dict of str -> sympy.Symbol
    """
    import sympy as sp

    names = "P H F eta S M N T K L R n_tags rtt sigma"
    return {str(s): s for s in sp.symbols(names, positive=True, real=True)}


def nonflit_tlp_efficiency():
    """Share of raw bandwidth carrying payload, non-flit, one TLP size.

    ``P / (P + H + F)`` (line encoding already removed by ``R``).
    """
    s = symbols()
    return s["P"] / (s["P"] + s["H"] + s["F"])


def flit_tlp_efficiency():
    """Share of raw bandwidth carrying payload in flit mode: 236/256 x P/(P+H)."""
    import sympy as sp

    s = symbols()
    return sp.Rational(236, 256) * s["P"] / (s["P"] + s["H"])


def line_efficiency_nonflit():
    """Payload share of the line rate, non-flit: eta x P / (P + H + F)."""
    s = symbols()
    return s["eta"] * nonflit_tlp_efficiency()


def break_even_payload(header=16, framing=8, encoding="128/130"):
    """Payload at which flit mode and non-flit mode carry payload equally well.

    Solves ``eta P/(P+H+F) = 236/256 P/(P+H)`` for P (flit and 128b/130b rates
    compared on the same line rate, before DLLP and SKP).

    Parameters
    ----------
    header : int
        Header bytes H [B] (16 for 4DW, 12 for 3DW).
    framing : int
        Non-flit per-TLP framing F [B].
    encoding : str
        Non-flit line encoding as a ratio string.

    Returns
    -------
    sympy.Expr
        Exact rational payload [B]; about 101.5 B for 4DW at 128b/130b.
    """
    import sympy as sp

    s = symbols()
    P = s["P"]
    eta = sp.Rational(encoding)
    eq = sp.Eq(eta * P / (P + header + framing), sp.Rational(236, 256) * P / (P + header))
    sol = sp.solve(eq, P)
    return next(x for x in sol if x.is_positive)


def write_stream_efficiency():
    """Payload share of the TLP-layer capacity for S-byte writes split by MPS.

    ``S / (S + ceiling(S/M) (H + F))`` (aligned transfers, whole DWs).
    """
    import sympy as sp

    s = symbols()
    return s["S"] / (s["S"] + sp.ceiling(s["S"] / s["M"]) * (s["H"] + s["F"]))


def dllp_fraction_spec():
    """Share of a direction's raw bandwidth taken by one DLLP kind at its latency-limit cadence.

    ``8 / (N T sigma)``: an 8-byte DLLP striped over N lanes every T symbol
    times, where ``sigma`` is the raw (post-encoding) bytes one lane carries
    per symbol time: 1 for 8b/10b (a symbol time is 10 UI), 128/130 for
    128b/130b (a symbol time is 8 UI, of which 2/130 go to sync bits).
    """
    s = symbols()
    return 8 / (s["N"] * s["T"] * s["sigma"])


def skp_fraction_flit():
    """SKP share in flit mode: ``L / (K x 256 / N + L)``."""
    s = symbols()
    return s["L"] / (s["K"] * 256 / s["N"] + s["L"])


def tag_limited_bandwidth():
    """Outstanding-request ceiling ``S x n_tags / rtt`` [B/s] (S bytes per request)."""
    s = symbols()
    return s["S"] * s["n_tags"] / s["rtt"]


def lambdify(expr, *names):
    """numpy function of `expr` taking the named symbols in order.

    Parameters
    ----------
    expr : sympy.Expr
    *names : str
        Symbol names (keys of :func:`symbols`).

    Returns
    -------
    callable
    """
    import sympy as sp

    s = symbols()
    return sp.lambdify([s[n] for n in names], expr, modules="numpy")
