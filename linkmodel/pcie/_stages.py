"""The stages of the link budget (:func:`linkmodel.pcie.link`) for one configuration, for :mod:`linkmodel.pcie.budget`.

Each stage is a scalar kernel (plain floats in, floats out; see
:mod:`linkmodel.pcie._jit`) composing the phenomenon modules' scalar kernels;
none checks anything. :func:`link_element_kernel` is the whole budget of one
configuration: the scalar path calls it directly, arrays run it in a loop
(Python, or numba's compilation of :func:`_link_loop`). Inputs are the
budget's validated values: ``g`` generation, ``n`` lanes, ``size``, ``mps``,
``mrrs``, ``rcb``, ``offset`` [B], ``w`` write share [1], ``f`` flit mode,
``ecrc``, ``addressing`` [bit], ``ber``/``fer`` error rates [1],
``replay_rtt``/``rtt`` [s], ``tags`` [1], the ``command_*`` traffic per
transfer [1, B], and the option codes of :data:`OPTION_CODES`. A private
module: import-linter keeps it inside ``linkmodel.pcie`` (pyproject.toml).
"""

from __future__ import annotations

import math

from linkmodel.pcie import dllp as _dllp
from linkmodel.pcie import flit as _flit
from linkmodel.pcie import framing as _framing
from linkmodel.pcie import phy, skp
from linkmodel.pcie import transactions as _tx
from linkmodel.pcie._jit import fused_rows, jitable

__all__ = ["FIRST_PER_DIRECTION", "N_INPUTS", "OPTION_CODES", "OUTPUTS", "PER_DIRECTION", "link_elements"]

#: the string options as the kernel's codes: option -> its values in code order (0, 1, ...)
OPTION_CODES = {
    "dllp_policy": ("spec", "per_tlp", "none", "pcie_bench"),
    "completion_split": ("mps", "rcb"),
    "completion_credits": ("infinite", "finite"),
    "packing": ("continuous", "per_transfer"),
    "replay": ("go_back_n", "selective"),
}
#: the per-direction outputs, each as two values (upstream, downstream) in :data:`OUTPUTS`
PER_DIRECTION = (
    "replay_overhead",
    "dllp_overhead",
    "framing_overhead",
    "header_overhead",
    "command_overhead",
    "padding_overhead",
    "payload",
    "idle",
    "replay_efficiency",
    "tlps_per_transfer",
    "bytes_per_transfer",
)
#: the outputs of :func:`link_element_kernel`, in order (``binding`` as an index: 0 upstream, 1 downstream, 2 tags)
OUTPUTS = (
    "line_rate",
    "raw_bandwidth",
    "effective_bandwidth",
    "efficiency",
    "transfer_rate",
    "ceiling_link_upstream",
    "ceiling_link_downstream",
    "ceiling_tags",
    "binding",
    "encoding_overhead",
    "skp_overhead",
    "flit_overhead",
    "skp_fraction",
    *(f"{name}/{d}" for name in PER_DIRECTION for d in ("up", "down")),
)
#: index in :data:`OUTPUTS` of the first per-direction value
FIRST_PER_DIRECTION = OUTPUTS.index("replay_overhead/up")
N_INPUTS = 26

#: Relative size (of the line rate) below which a direction's idle capacity is round-off and reported as 0 [1]:
#: the breakdown sums about ten terms, each at most the line rate, in float64 (eps 2.2e-16), so its round-off is
#: a few 1e-16 of the line rate; 1e-12 is far above that and far below any printed digit.
_IDLE_ROUNDOFF = 1e-12


@jitable
def _ohc(f, n, part_first, part_last):
    """Flit mode: OHC-A1 bytes of a transfer's n memory requests [B] (1 DW per partial first / last DW)."""
    if not f:
        return 0.0
    if n == 1:
        return (1.0 if (part_first or part_last) else 0.0) * _framing.DW
    return (part_first * 1.0 + part_last * 1.0) * _framing.DW


@jitable
def _fill(x):
    """NOP fill of a transfer's last flit [B] (per-transfer packing)."""
    return math.ceil(x / _flit.TLP_BYTES) * _flit.TLP_BYTES - x if x > 0 else 0.0


@jitable
def _direction(f, tlps, payload, padding, headers, command, framing, nop):
    """Bytes per transfer of one direction [B], its mean TLP [B] and flit packing efficiency [1]."""
    nbytes = payload + padding + headers + command + framing + nop
    tlp_bytes = nbytes - nop
    mean = tlp_bytes / tlps if tlps > 0 else float(_flit.TLP_BYTES)
    pack = _flit.packing_efficiency_scalar_kernel(mean) if f else 1.0
    return nbytes, mean, pack


@jitable
def _replay(f, tlps, mean, log_ok_bit, fer, replay_rtt, after_skp, selective):
    """Goodput share left by replays in one direction [1]: flit mode one flit per unit, else one TLP of mean size
    (`log_ok_bit` = log(1 - bit error rate), the same for both directions: computed once)."""
    unit_bytes = float(_flit.FLIT_BYTES) if f else mean
    p = fer
    if not f:
        p = -math.expm1(8 * unit_bytes * log_ok_bit) if tlps > 0 else 0.0
    window = replay_rtt * after_skp / unit_bytes
    return _flit.replay_efficiency_scalar_kernel(p, window, f and selective)


@jitable
def stage_transactions_kernel(s, o, w, f, mps, mrrs, rcb, addressing, ecrc, cut, cub, cdt, cdb, split, packing):
    """Per average transfer: TLP counts and the bytes of each direction [1, B] (see :func:`link_element_kernel`)."""
    n_w = _tx.n_chunks_scalar_kernel(s, mps, o)
    n_r = _tx.n_chunks_scalar_kernel(s, mrrs, o)
    n_c = _tx.n_chunks_scalar_kernel(s, _tx.completion_unit_scalar_kernel(mps, mrrs, rcb, split), o)
    padded = _framing.dw_padded_scalar_kernel(s, o)
    h_req = _framing.request_header_scalar_kernel(addressing, ecrc)
    h_cpl = _framing.completion_header_scalar_kernel(ecrc)
    fr = _framing.framing_scalar_kernel(f)
    r = 1.0 - w
    # flit mode: a memory request whose first or last DW is partial carries 1 DW of OHC-A1 for its
    # byte enables [SPEC62 §2.2.1.2, §2.2.5]; only a transfer's first and last TLP can be partial
    part_first = (o % _framing.DW) != 0
    part_last = ((o + s) % _framing.DW) != 0
    ohc_w, ohc_r = _ohc(f, n_w, part_first, part_last), _ohc(f, n_r, part_first, part_last)
    up_tlps = w * n_w + r * n_r + cut
    down_tlps = r * n_c + cdt
    nop_up, nop_down = 0.0, 0.0
    if packing and f:  # per-transfer packing: each transfer NOP-fills its last flit
        write_up = padded + n_w * (h_req + fr) + ohc_w
        read_up = n_r * (h_req + fr) + ohc_r
        read_down = padded + n_c * (h_cpl + fr)
        nop_up = w * _fill(write_up) + r * _fill(read_up)
        nop_down = r * _fill(read_down)
    up = (up_tlps, w * s, w * (padded - s), w * (n_w * h_req + ohc_w) + r * (n_r * h_req + ohc_r), cub, up_tlps * fr)
    down = (down_tlps, r * s, r * (padded - s), r * n_c * h_cpl, cdb, down_tlps * fr)
    return n_w, n_r, n_c, up, down, nop_up, nop_down


@jitable
def stage_dllp_kernel(g, n, mps, w, f, n_w, n_r, n_c, up_tlps, down_tlps, policy, credits):
    """DLLP kinds per direction (t0, c0, t1, c1, t2, c2: TLPs answered per transfer [1], max DLLPs/s [1/s]) and the
    pcie_bench fixed fraction [1]."""
    limit = _dllp.latency_limit_scalar_kernel(g, n, mps)
    sym = phy.symbol_time_scalar_kernel(g)  # s per symbol per lane (8 or 10 UI)
    cap = 1.0 / (limit * sym)  # at most one DLLP of a kind per latency limit
    r = 1.0 - w
    down = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    up = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    if policy <= 1:  # "spec", "per_tlp"
        if policy == 1:
            cap = math.inf
        off = not f  # flit mode carries Acks and credits in the DLP
        # downstream DLLPs answer upstream MWr / MRd
        down = (up_tlps if off else 0.0, cap, w * n_w if off else 0.0, cap, r * n_r if off else 0.0, cap)
        # upstream DLLPs answer downstream CplD
        if credits:
            up = (down_tlps if off else 0.0, cap, r * n_c if off else 0.0, cap, 0.0, 0.0)
        else:
            up = (down_tlps if off else 0.0, cap, 0.0, 0.0, 0.0, 0.0)
    frac = 0.0
    if policy == 3 and not f:  # "pcie_bench"
        frac = 2 * _dllp.DLLP_BYTES / limit
    return up, down, frac


@jitable
def _breakdown(x, line, tlp_space, frac, d, nop, nbytes, pack, eff, kinds):
    """One direction's breakdown at transfer rate x [1/s]: replay, dllp, framing, header, command, padding,
    payload, idle [B/s]."""
    t0, c0, t1, c1, t2, c2 = kinds
    used = x * nbytes
    nop_pack = used * (1.0 / pack - 1.0)
    dl = _dllp.dllp_rate_scalar_kernel(x, t0, c0, t1, c1, t2, c2) + frac * tlp_space
    replayed = (used + nop_pack) * (1.0 / eff - 1.0)  # DLLPs are not replayed
    busy = used + nop_pack + dl
    idle = tlp_space - busy - replayed
    # a binding direction's idle is 0 up to round-off (a few 1e-16 of the line rate, once printed as
    # "idle -3.5e-06 B/s"): below _IDLE_ROUNDOFF of the line rate it is 0
    if abs(idle) < _IDLE_ROUNDOFF * line:
        idle = 0.0
    padding = x * (d[2] + nop) + nop_pack
    return replayed, dl, x * d[5], x * d[3], x * d[4], padding, x * d[1], idle


@jitable
def link_element_kernel(
    g, n, s, mps, mrrs, rcb, o, w, addressing, ecrc, f, ber, fer, replay_rtt, rtt, tags,
    cut, cub, cdt, cdb, clk, policy, split, credits, packing, replay,
):  # fmt: skip
    """The link budget of one configuration: the floats of :data:`OUTPUTS` [B/s, 1, 1/s, B]."""
    line = phy.line_rate_scalar_kernel(g, n)
    raw = phy.raw_bandwidth_scalar_kernel(g, n)
    skp_frac = skp.skp_fraction_scalar_kernel(g, n, f, clk)
    after_skp = raw * (1.0 - skp_frac)
    tlp_space = after_skp * _flit.TLP_BYTES / _flit.FLIT_BYTES if f else after_skp
    n_w, n_r, n_c, up, down, nop_up, nop_down = stage_transactions_kernel(
        s, o, w, f, mps, mrrs, rcb, addressing, ecrc, cut, cub, cdt, cdb, split, packing
    )
    b_up, mean_up, pack_up = _direction(f, up[0], up[1], up[2], up[3], up[4], up[5], nop_up)
    b_dn, mean_dn, pack_dn = _direction(f, down[0], down[1], down[2], down[3], down[4], down[5], nop_down)
    log_ok_bit = 0.0 if f else math.log1p(-ber)
    eff_up = _replay(f, up[0], mean_up, log_ok_bit, fer, replay_rtt, after_skp, replay)
    eff_dn = _replay(f, down[0], mean_dn, log_ok_bit, fer, replay_rtt, after_skp, replay)
    k_up, k_dn, frac = stage_dllp_kernel(g, n, mps, w, f, n_w, n_r, n_c, up[0], down[0], policy, credits)
    c = tlp_space * pack_up * eff_up * (1.0 - frac)
    x_up = _dllp.max_rate_under_dllps_scalar_kernel(c, b_up, k_up[0], k_up[1], k_up[2], k_up[3], k_up[4], k_up[5])
    c = tlp_space * pack_dn * eff_dn * (1.0 - frac)
    x_dn = _dllp.max_rate_under_dllps_scalar_kernel(c, b_dn, k_dn[0], k_dn[1], k_dn[2], k_dn[3], k_dn[4], k_dn[5])
    read_tlps = (1.0 - w) * n_r
    x_tags = tags / (rtt * read_tlps) if read_tlps > 0 and rtt > 0 else math.inf
    x, binding = x_up, 0.0
    if x_dn < x:
        x, binding = x_dn, 1.0
    if x_tags < x:
        x, binding = x_tags, 2.0
    scale = s * max(w, 1.0 - w)
    bu = _breakdown(x, line, tlp_space, frac, up, nop_up, b_up, pack_up, eff_up, k_up)
    bd = _breakdown(x, line, tlp_space, frac, down, nop_down, b_dn, pack_dn, eff_dn, k_dn)
    return (
        line, raw, x * scale, x * scale / raw, x, x_up * scale, x_dn * scale, x_tags * scale, binding,
        line - raw, raw * skp_frac, after_skp - tlp_space, skp_frac,
        bu[0], bd[0], bu[1], bd[1], bu[2], bd[2], bu[3], bd[3], bu[4], bd[4], bu[5], bd[5], bu[6], bd[6],
        bu[7], bd[7], eff_up, eff_dn, up[0], down[0], b_up, b_dn,
    )  # fmt: skip


def _link_loop(
    g, n, s, mps, mrrs, rcb, o, w, addressing, ecrc, f, ber, fer, replay_rtt, rtt, tags,
    cut, cub, cdt, cdb, clk, policy, split, credits, packing, replay, out,
):  # fmt: skip
    """numba's loop: :func:`link_element_kernel` of configuration i (1-d arrays) written into row i of `out`.

    The row is written by unpacking the kernel's tuple into its 35 elements (:data:`OUTPUTS`), each at a constant
    index: a loop ``out[i, j] = r[j]`` over j indexes the tuple at run time, which numba compiles to a branch per
    element (measured: ~10 ns of the loop's ~130 ns per configuration; ~30 ns in a loop around a trivial kernel).
    """
    for i in range(out.shape[0]):
        (
            out[i, 0], out[i, 1], out[i, 2], out[i, 3], out[i, 4], out[i, 5], out[i, 6], out[i, 7],
            out[i, 8], out[i, 9], out[i, 10], out[i, 11], out[i, 12], out[i, 13], out[i, 14], out[i, 15],
            out[i, 16], out[i, 17], out[i, 18], out[i, 19], out[i, 20], out[i, 21], out[i, 22], out[i, 23],
            out[i, 24], out[i, 25], out[i, 26], out[i, 27], out[i, 28], out[i, 29], out[i, 30], out[i, 31],
            out[i, 32], out[i, 33], out[i, 34],
        ) = link_element_kernel(
            g[i], n[i], s[i], mps[i], mrrs[i], rcb[i], o[i], w[i], addressing[i], ecrc[i], f[i], ber[i], fer[i],
            replay_rtt[i], rtt[i], tags[i], cut[i], cub[i], cdt[i], cdb[i],
            clk[i], policy[i], split[i], credits[i], packing[i], replay[i],
        )  # fmt: skip


#: :func:`link_element_kernel` over broadcast arrays of its :data:`N_INPUTS` inputs: fills (or allocates) an array
#: of shape ``broadcast shape + (len(OUTPUTS),)`` [units of each output].
link_elements = fused_rows(_link_loop, link_element_kernel, N_INPUTS, len(OUTPUTS))
