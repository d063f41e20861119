"""``python -m linkmodel.studies.calibrate``: sample the posterior, report convergence, write the calibration file.

Options: ``--seed S``, ``--steps N`` (default :data:`linkmodel.studies.calibrate.DEFAULT_STEPS`), ``--out
PATH`` (default ``data/catalogue/calibration.toml``; ``--out -`` prints it), ``--loo`` (print the
leave-one-part-out table of :mod:`linkmodel.studies.loo` instead; ``--loo-steps`` per fold). The run prints
the figures, each parameter's median and 10-90 % band, its integrated autocorrelation time, the chain
length in autocorrelation times, the acceptance fraction, the wall time and the peak memory (resident set,
``resource.getrusage``).
"""

from __future__ import annotations

import argparse
import datetime
import resource
import sys
import time
from pathlib import Path

import numpy as np

from linkmodel.parts.calibration import CONSTANTS
from linkmodel.parts.locations import data_dir
from linkmodel.studies import calibrate, loo, posterior

__all__ = ["KEEP", "MEANING", "main", "render"]

#: thinned posterior draws kept in the file (the summary uses every thinned draw)
KEEP = 400

#: constant -> (meaning, plausibility), written beside each value
MEANING = {
    "program_power": (
        "NAND die power while programming (multi-plane one-shot program), every TLC and QLC die",
        "VCC x ICC of a few tens of mA at 2.5-3.3 V; planar-era simulators use 25 mA x 3.3 V = 83 mW per "
        "operation (ssd_modeling.md §6.1)",
    ),
    "controller_fixed_fraction": (
        "share of a controller's full-load power (catalogue active_power) drawn whatever the load: cores, "
        "clocks, SRAM, leakage. The rest is its data path, charged per byte crossing its NAND interface and "
        "reaching the full-load figure at its host line rate",
        "a share: pinned by the published idle figures",
    ),
    "controller_energy": (
        "data-path energy per byte crossing the controller's NAND interface (host data, programmed bytes, GC "
        "relocation and read-modify-write bytes) that the model does not itemise elsewhere: DRAM buffer "
        "traffic, NAND I/O and ECC work beyond the controller's own full-load figure and the NAND bus energy",
        "LDPC decoders, DRAM buffer accesses and NAND I/O are each of order 10 pJ/bit",
    ),
    "command_energy": (
        "controller energy per NVMe command whatever its size: SQE fetch and parsing, FTL lookup or update, "
        "CQE, interrupt (firmware cores and command logic)",
        "one embedded core of ~0.3 W busy ~3 us per command is 1 uJ; at 3.5 M random reads it must stay "
        "below a Gen5 controller's 7-10 W",
    ),
}


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _floats(xs, digits: int = 5) -> str:
    return "[" + ", ".join(f"{float(x):.{digits}g}" for x in xs) + "]"


def render(prob: calibrate.Problem, chain: posterior.Chain, seconds: float, peak_mb: float, date: str) -> str:
    """The calibration file's TOML text (schema linkmodel-calibration/2) for a run."""
    draws = prob.si_draws(chain.draws)
    taus = [f"{_q(n)} = {t:.1f}" for n, t in zip(prob.names, chain.autocorr, strict=True)]
    keep = np.linspace(0, len(chain.draws) - 1, min(KEEP, len(chain.draws))).round().astype(int)
    lines = [
        "# Shared constants calibrated once for all parts: a posterior (linkmodel/studies/calibrate.py).",
        "# Written by `python -m linkmodel.studies.calibrate`; do not edit by hand. The model uses each",
        "# constant's posterior median (value_*); p10/p90 are its 10th and 90th percentiles; [draws] holds",
        f"# {len(keep)} thinned joint draws (SI units) that linkmodel.parts.draws samples the constants from.",
        "",
        'schema = "linkmodel-calibration/2"',
        "",
        "[run]",
        f"date = {_q(date)}",
        f'command = "python -m linkmodel.studies.calibrate --seed {chain.seed} --steps {chain.steps}"',
        f"seed = {chain.seed}",
        f"steps = {chain.steps}",
        f"walkers = {chain.walkers}",
        f"discard = {chain.discard}",
        f"thin = {chain.thin}",
        f"figures = {len(prob.figs)}",
        f"parts = {len(prob.parts)}",
        f"figures_moved = {len(prob.active)}",
        f"acceptance = {chain.acceptance:.3f}",
        f"acceptance_range = {_floats(chain.acceptance_range, 3)}",
        f"autocorr_steps = {{ {', '.join(taus)} }}",
        f"chain_autocorr_times = {chain.taus:.1f}",
        f"effective_draws = {chain.effective:.0f}",
        f"thinned_draws = {len(chain.draws)}",
        f"seconds = {seconds:.0f}",
        f"peak_memory_mb = {peak_mb:.0f}",
    ]
    for name, (key, _, unit) in CONSTANTS.items():
        lo, med, hi = posterior.summary(draws[name])
        p = calibrate.PRIORS[name]
        prior = f"{p.shape} {p.lo:g}-{p.hi:g} {unit}".rstrip() + (" (central 90 %)" if p.shape == "lognormal" else "")
        lines += ["", f"[{name}]", f"{key} = {med:.4g}", f"p10 = {lo:.4g}", f"p90 = {hi:.4g}"]
        lines += [f"prior = {_q(prior + ': ' + p.basis)}", f"meaning = {_q(MEANING[name][0])}"]
        lines += [f"plausibility = {_q(MEANING[name][1])}"]
    lines += ["", "[discrepancy]  # log-error scale sigma per figure class: p10, median, p90 [1]"]
    for cls in calibrate.CLASSES:
        lo, med, hi = posterior.summary(draws[f"sigma.{cls}"])
        lines.append(f"{_q(cls)} = {{ p10 = {lo:.3g}, median = {med:.3g}, p90 = {hi:.3g} }}")
    lines += ["", "[draws]"]
    lines += [f"{_q(n)} = {_floats(draws[n][keep])}" for n in (*CONSTANTS, *(f"sigma.{c}" for c in calibrate.CLASSES))]
    return "\n".join(lines) + "\n"


def _report(prob: calibrate.Problem, chain: posterior.Chain, seconds: float, peak_mb: float) -> None:
    draws = prob.si_draws(chain.draws)
    print(f"{len(prob.figs)} vendor figures from {len(prob.parts)} parts ({len(prob.active)} moved by the constants)")
    print(
        f"{chain.walkers} walkers x {chain.steps} steps, seed {chain.seed}; burn-in {chain.discard}, thin {chain.thin}"
    )
    print("| parameter | median | 10 % | 90 % | autocorr. time [steps] |")
    print("|---|---|---|---|---|")
    for n, t in zip(prob.names, chain.autocorr, strict=True):
        lo, med, hi = posterior.summary(draws[n])
        print(f"| {n} | {med:.4g} | {lo:.4g} | {hi:.4g} | {t:.1f} |")
    ok = "converged" if chain.taus >= posterior.TRUSTED_TAUS else "SHORT: fewer than 50 autocorrelation times"
    print(f"chain length {chain.taus:.0f} autocorrelation times ({ok}); effective draws {chain.effective:.0f}")
    lo, hi = chain.acceptance_range
    print(f"acceptance fraction {chain.acceptance:.3f} (walkers {lo:.3f}-{hi:.3f})")
    print(f"wall time {seconds:.0f} s, peak memory {peak_mb:.0f} MB")


def main(argv=None) -> None:  # pragma: no cover - a reporting script
    """Sample and write the calibration file, or print the leave-one-part-out table (``--loo``)."""
    ap = argparse.ArgumentParser(prog="python -m linkmodel.studies.calibrate", description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=calibrate.DEFAULT_SEED)
    ap.add_argument("--steps", type=int, default=calibrate.DEFAULT_STEPS)
    ap.add_argument("--out", default=str(data_dir() / "catalogue" / "calibration.toml"))
    ap.add_argument("--loo", action="store_true", help="print the leave-one-part-out table instead")
    ap.add_argument("--loo-steps", type=int, default=loo.LOO_STEPS)
    args = ap.parse_args(argv)
    if args.loo:
        result = loo.leave_one_out(steps=args.loo_steps, seed=args.seed)
        print(loo.markdown(result))
        return
    t0 = time.perf_counter()
    prob, chain = calibrate.calibrate(steps=args.steps, seed=args.seed)
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    _report(prob, chain, seconds, peak_mb)
    text = render(prob, chain, seconds, peak_mb, datetime.date.today().isoformat())
    if args.out == "-":
        sys.stdout.write(text)
    else:
        Path(args.out).write_text(text)
        print(f"wrote {args.out}")
