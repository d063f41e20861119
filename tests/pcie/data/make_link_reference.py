"""Write ``link_reference.npz``: every variable of :func:`linkmodel.pcie.link` over 384 configurations (each of
the 192 combinations of the six string options twice, random numeric inputs and optional inputs), as computed
by the numpy implementation of 2026-11-30 (commit 854eafa, before the fused kernels). Run once, from the repo
root: ``python tests/pcie/data/make_link_reference.py``. ``tests/pcie/test_link_reference.py`` compares today's
link() with it to 1e-12 relative."""

import itertools
from pathlib import Path

import numpy as np

from linkmodel.pcie import link

OPTIONS = {
    "clocking": ["common", "srns", "sris"],
    "dllp_policy": ["spec", "per_tlp", "none", "pcie_bench"],
    "completion_split": ["mps", "rcb"],
    "completion_credits": ["infinite", "finite"],
    "packing": ["continuous", "per_transfer"],
    "replay": ["go_back_n", "selective"],
}


def draw(rng, n):
    gen = rng.integers(1, 9, n)
    flit_given = rng.random() < 0.3
    cfg = {
        "gen": gen,
        "lanes": rng.choice([1, 2, 4, 8, 16], n),
        "size": rng.choice([1, 3, 64, 100, 512, 4096, 5000, 131072, 1 << 20], n).astype(float),
        "mps": rng.choice([128, 256, 512, 1024, 4096], n),
        "mrrs": rng.choice([128, 512, 4096], n),
        "rcb": rng.choice([64, 128], n),
        "offset": rng.choice([0, 1, 62, 4095], n),
        "write_fraction": rng.choice([0.0, 0.25, 0.5, 1.0], n),
        "addressing": rng.choice([32, 64], n),
        "ecrc": rng.random(n) < 0.3,
        "replay_round_trip": rng.choice([0.0, 1e-7, 5e-7], n),
        "tag_bits": rng.choice([5, 8, 10], n),
        "round_trip": rng.choice([0.0, 1e-6, 3e-6], n),
    }
    for d, tlps in (("upstream", 2.0), ("downstream", 3.0)):  # n TLPs of 16 or 64 B each (0 TLPs of 0 B give NaN)
        cfg[f"command_{d}_tlps"] = rng.choice([0.0, tlps], n)
        cfg[f"command_{d}_bytes"] = cfg[f"command_{d}_tlps"] * rng.choice([16.0, 64.0], n)
    if flit_given:
        cfg["flit"] = np.where(gen >= 6, True, rng.random(n) < 0.5)
    which = rng.integers(0, 4)
    if which == 1:
        cfg["bit_error_rate"] = rng.choice([0.0, 1e-12, 1e-8, 1e-6], n)
    elif which == 2:
        cfg["flit_error_rate"] = rng.choice([0.0, 1e-6, 3e-5, 1e-2], n)
    if rng.random() < 0.3:
        cfg["outstanding"] = rng.choice([16.0, 64.0, 1000.0], n)
    return cfg


INPUTS = (
    "gen",
    "lanes",
    "size",
    "mps",
    "mrrs",
    "rcb",
    "offset",
    "write_fraction",
    "addressing",
    "ecrc",
    "replay_round_trip",
    "tag_bits",
    "round_trip",
    "command_upstream_tlps",
    "command_upstream_bytes",
    "command_downstream_tlps",
    "command_downstream_bytes",
)
OPTIONAL = ("flit", "bit_error_rate", "flit_error_rate", "outstanding")


def main() -> None:
    rng = np.random.default_rng(20261130)
    cols: dict = {}
    for combo in itertools.product(*OPTIONS.values()):
        options = dict(zip(OPTIONS, combo, strict=True))
        cfg = draw(rng, 2)
        ds = link(**cfg, **options)
        for k in (*INPUTS, *OPTIONAL):  # an optional input not given: NaN (flit: -1)
            v = cfg.get(k, np.full(2, -1 if k == "flit" else np.nan))
            cols.setdefault(f"in/{k}", []).append(np.asarray(v, dtype=float))
        for k, v in options.items():
            cols.setdefault(f"opt/{k}", []).append(np.array([v, v]))
        for name in ds.data_vars:
            cols.setdefault(f"out/{name}", []).append(ds[name].values)
    out = {k: np.concatenate(v, axis=-1) for k, v in cols.items()}
    np.savez_compressed(Path(__file__).with_name("link_reference.npz"), **out)


if __name__ == "__main__":
    main()
