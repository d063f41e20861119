"""Bad command lines: every flag of every subcommand (found by walking the parser) with bad values by kind.

A flag's kind (what values it takes) comes from ``KINDS``; a flag not listed there (a new one) gets the
kind its help text suggests, or "number", so it is covered without editing this file. Each case is the
subcommand's valid baseline (``BASELINES``) with one flag set to one bad value (``--flag=value``, so
that a value starting with '-' is a value) or one positional replaced (after ``--``).
"""

from __future__ import annotations

import argparse

from robustness.cases import Case

from linkmodel.cli.main import build_parser

__all__ = [
    "BASELINES",
    "EXTRA_BASELINES",
    "KINDS",
    "cases",
    "leaf_parsers",
    "special_cases",
    "value_actions",
    "with_value",
]

CM9 = "kioxia-cm9-r"

#: a valid command per leaf subcommand (read from --help and tests/cli); each must exit 0 with --json
BASELINES: dict[str, list[str]] = {
    "validate": ["validate", "--part", CM9, "--json"],
    "check": ["check", "data/specs/kioxia-cm9-r.toml", "--json"],
    "whatif": ["whatif", "micron-9650-pro", "micron-9550-max", "--json"],
    "generations": ["generations", "--json"],
    "endurance": ["endurance", CM9, "--json"],
    "latency": ["latency", CM9, "--json"],
    "link": ["link", "--gen", "5", "--lanes", "4", "--json"],
    "ai models": ["ai", "models", "--json"],
    "ai kv": [
        *("ai", "kv", "--model", "llama-3.1-70b", "--rate", "2", "--input", "12035", "--hit", "0.4"),
        *("--retention", "50M", "--parts", CM9, "--json"),
    ],
    "ai breakeven": [
        *("ai", "breakeven", "--model", "llama-3.1-70b", "--prefix", "1024,8192"),
        *("--gpu-flops", "8x312T", "--json"),
    ],
    "ai smallblock": ["ai", "smallblock", "micron-9650-pro", "--json"],
    "ai coldstart": ["ai", "coldstart", "--model", "llama-3.1-70b", "--drive-bw", "28 GB/s", "--json"],
    "ai experts": ["ai", "experts", "--model", "deepseek-v3", "--steps", "1", "--json"],
    "ufs": ["ufs", "--gear", "5", "--json"],
    "ai edge": ["ai", "edge", "opt-6.7b", "--device", "macbook-pro-m1-max", "--sparsity", "0.9", "--json"],
}

#: more valid baselines: flags that only act beside another one, and the other forms of the commands
EXTRA_BASELINES: dict[str, list[str]] = {
    "latency write": ["latency", CM9, "--io", "write", "--json"],
    "latency interference": ["latency", CM9, "--write-iops", "100k", "--json"],
    "latency mix": ["latency", CM9, "--mix", "0.7", "--json"],
    "endurance meanfield": ["endurance", CM9, "--gc-model", "meanfield", "--json"],
    "endurance hot": ["endurance", CM9, "--hot", "0.8:0.2", "--json"],
    "endurance pair": ["endurance", CM9, "micron-9550-max", "--json"],
    "link gen6 read": ["link", "--gen", "6", "--lanes", "16", "--mps", "512", "--transfer", "read", "--json"],
    "ai coldstart part": ["ai", "coldstart", "--model", "llama-3.1-70b", "--part", CM9, "--json"],
    "check id": ["check", CM9, "--json"],
    "check draws": ["check", CM9, "--draws", "64", "--seed", "7", "--json"],
    "validate draws": ["validate", "--part", CM9, "--draws", "16", "--json"],
    "whatif capped": ["whatif", "micron-9650-pro", "micron-9550-max", "--power-cap", "15W", "--json"],
    "whatif draws": ["whatif", "micron-9650-pro", "micron-9550-max", "--draws", "16", "--seed", "3", "--json"],
    "latency draws": ["latency", CM9, "--draws", "16", "--seed", "3", "--json"],
    "endurance draws": ["endurance", CM9, "--draws", "16", "--seed", "3", "--json"],
    "ai smallblock draws": ["ai", "smallblock", "micron-9650-pro", "--draws", "16", "--seed", "3", "--json"],
    "ai edge draws": [
        *("ai", "edge", "opt-6.7b", "--device", "oneplus-12", "--sparsity", "0.9", "--target", "5"),
        *("--draws", "16", "--seed", "3", "--json"),
    ],
}

#: (command, flag) -> (kind, zero allowed); kinds are the keys of VALUES
KINDS: dict[tuple[str, str], tuple[str, bool]] = {
    ("validate", "--part"): ("part", False),
    ("validate", "--draws"): ("int", False),
    ("validate", "--seed"): ("int", True),
    ("check", "path"): ("part", False),
    ("check", "--draws"): ("int", False),
    ("check", "--seed"): ("int", True),
    ("whatif", "new"): ("part", False),
    ("whatif", "old"): ("part", False),
    ("whatif", "--power-cap"): ("power", False),
    ("whatif", "--draws"): ("int", False),
    ("whatif", "--seed"): ("int", True),
    ("latency", "--draws"): ("int", False),
    ("latency", "--seed"): ("int", True),
    ("endurance", "--draws"): ("int", False),
    ("endurance", "--seed"): ("int", True),
    ("endurance", "parts"): ("part", False),
    ("endurance", "--hot"): ("split", False),
    ("endurance", "--host-waf"): ("factor", False),
    ("endurance", "--capacity"): ("capacity", False),
    ("endurance", "--pages-per-block"): ("int", False),
    ("endurance", "--choices"): ("int", False),
    ("endurance", "--parity"): ("share", True),
    ("endurance", "--metadata"): ("share", True),
    ("latency", "part"): ("part", False),
    ("latency", "--size"): ("size", False),
    ("latency", "--capacity"): ("capacity", False),
    ("latency", "--qd"): ("int_list", False),
    ("latency", "--mapping-miss"): ("share", True),
    ("latency", "--write-iops"): ("iops", True),
    ("latency", "--suspend"): ("time", True),
    ("latency", "--page-types"): ("number_list", False),
    ("latency", "--mix"): ("share", True),
    ("link", "--gen"): ("int", False),
    ("link", "--lanes"): ("int", False),
    ("link", "--size"): ("size", False),
    ("link", "--mps"): ("int", False),
    ("link", "--mrrs"): ("int", False),
    ("link", "--rcb"): ("int", False),
    ("link", "--offset"): ("size", True),
    ("link", "--transfer"): ("word", False),
    ("link", "--write-fraction"): ("share", True),
    ("link", "--addressing"): ("int", False),
    ("link", "--flit"): ("word", False),
    ("link", "--clocking"): ("word", False),
    ("link", "--dllp-policy"): ("word", False),
    ("link", "--completion-split"): ("word", False),
    ("link", "--packing"): ("word", False),
    ("link", "--replay"): ("word", False),
    ("link", "--flit-error-rate"): ("share", True),
    ("link", "--replay-round-trip"): ("time", True),
    ("link", "--tag-bits"): ("int", False),
    ("link", "--round-trip"): ("time", True),
    ("ai models", "--format"): ("word", False),
    ("ai kv", "--model"): ("word", False),
    ("ai kv", "--rate"): ("number", True),
    ("ai kv", "--input"): ("number", True),
    ("ai kv", "--hit"): ("share", True),
    ("ai kv", "--output"): ("number", True),
    ("ai kv", "--admit"): ("share", True),
    ("ai kv", "--retention"): ("number", True),
    ("ai kv", "--block"): ("int", False),
    ("ai kv", "--tp"): ("int", False),
    ("ai kv", "--format"): ("word", False),
    ("ai kv", "--waf"): ("factor", False),
    ("ai kv", "--utilization"): ("share", False),
    ("ai kv", "--power-cap"): ("power", False),
    ("ai kv", "--parts"): ("part", False),
    ("ai breakeven", "--model"): ("word", False),
    ("ai breakeven", "--prefix"): ("int_list", False),
    ("ai breakeven", "--gpu-flops"): ("flops", False),
    ("ai breakeven", "--format"): ("word", False),
    ("ai breakeven", "--b"): ("number", False),
    ("ai smallblock", "part"): ("part", False),
    ("ai smallblock", "--target"): ("iops", False),
    ("ai smallblock", "--size"): ("size", False),
    ("ai smallblock", "--draws"): ("int", False),
    ("ai smallblock", "--seed"): ("int", True),
    ("ai coldstart", "--model"): ("word", False),
    ("ai coldstart", "--bits"): ("number", False),
    ("ai coldstart", "--drives"): ("int_list", False),
    ("ai coldstart", "--part"): ("part", False),
    ("ai coldstart", "--drive-bw"): ("bandwidth", False),
    ("ai coldstart", "--host-bw"): ("bandwidth", False),
    ("ai coldstart", "--efficiency"): ("share", False),
    ("ai experts", "--model"): ("word", False),
    ("ai experts", "--steps"): ("number", True),
    ("ai experts", "--batch"): ("number", False),
    ("ai experts", "--hit"): ("share", True),
    ("ai experts", "--bits"): ("number", False),
    ("ai edge", "model"): ("word", False),
    ("ai edge", "--device"): ("word", False),
    ("ai edge", "--storage"): ("part", False),
    ("ai edge", "--sparsity"): ("share", True),
    ("ai edge", "--predictor-overhead"): ("share", True),
    ("ai edge", "--window"): ("int_list", False),
    ("ai edge", "--bundle"): ("word", False),
    ("ai edge", "--bits"): ("number_list", False),
    ("ai edge", "--hot"): ("share", True),
    ("ai edge", "--hit-rate"): ("share", True),
    ("ai edge", "--overlap"): ("word", False),
    ("ai edge", "--depth"): ("int_list", False),
    ("ai edge", "--experts"): ("int_list", False),
    ("ai edge", "--target"): ("number_list", False),
    ("ai edge", "--draws"): ("int", False),
    ("ai edge", "--seed"): ("int", True),
    ("ufs", "--gear"): ("int", False),
    ("ufs", "--lanes"): ("int", False),
    ("ufs", "--size"): ("size", False),
    ("ufs", "--series"): ("word", False),
    ("ufs", "--transfer"): ("word", False),
    ("ufs", "--data-upiu"): ("size", False),
    ("ufs", "--frame-payload"): ("size", False),
}

#: flags that act only beside another: the baseline their cases start from (a key of EXTRA_BASELINES)
CONTEXT: dict[tuple[str, str], str] = {
    ("endurance", "--pages-per-block"): "endurance meanfield",
    ("endurance", "--choices"): "endurance meanfield",
    ("latency", "--suspend"): "latency interference",
    ("ai coldstart", "--part"): "ai coldstart part",
}

#: a unit of the wrong kind, per kind
WRONG_UNIT = {
    "size": "1 us",
    "capacity": "1 us",
    "time": "3 GB",
    "power": "3 GB/s",
    "bandwidth": "25 W",
    "iops": "4 KiB",
    "flops": "25 W",
    "share": "4 KiB",
    "factor": "1 W",
    "number": "1 W",
    "int": "1 W",
}
UNIT = {"size": "B", "capacity": "TB", "time": "us", "power": "W", "bandwidth": "GB/s", "iops": "IOPS"}
HUGE = ",".join(["1"] * 20000)  # 40 kB: under Linux's 128 kB limit on one argument

#: bad values that no numeric flag may take
_NUMBERS = ["nan", "NaN", "inf", "-inf", "-1", "1e300", "1e400", "-1e400", "9**9**9", "", "abc", "0x10", "1,2"]


def _values(kind: str, zero_ok: bool) -> list[str]:
    """The bad values of one kind of flag."""
    if kind == "part":
        return [
            "nosuch-part",
            "/nonexistent/dir/x.toml",
            "{dir}",
            "/dev/null",
            "{dir}/empty.toml",
            "{dir}/binary.toml",
            "{dir}/syntax.toml",
            "/etc/hostname",
            "",
        ]
    if kind == "word":
        return ["bogus", "", "nan", "-1", "1e300"]
    if kind in ("int_list", "number_list"):
        return ["1,nan", "1,-1", "1,1e300", "1,inf", ",", "1,,2", "a,b", "0", "9**9**9", f"{HUGE},-1"]
    if kind == "split":
        return ["1.5:0.2", "0.8", "0.8:0.2:0.1", "nan:0.2", "0.8:-0.2", "0:0", "a:b", "inf:1", "1e300:0.5", ""]
    out = list(_NUMBERS)
    if kind in UNIT:
        u = UNIT[kind]
        out += [f"nan {u}", f"inf {u}", f"-1 {u}", f"1e300 {u}", f"9**9**9 {u}", f"1e400 {u}", f"12 X{u}"]
    if kind in ("capacity", "power", "bandwidth"):
        out.append("28")  # a bare number where a unit is needed
    if kind == "int":
        out += ["1.5", "2**3", "1e10"]
    if kind == "share":
        out += ["1.5", "200%", "-0.1"]
    if kind == "factor":
        out += ["0.5"]  # fewer writes than the host's
    if kind == "flops":
        out += ["0x312T", "8x", "x312T", "8x-1T", "-8x312T", "8xnanT"]
    if kind in WRONG_UNIT:
        out.append(WRONG_UNIT[kind])
    if not zero_ok:
        out += ["0"] + ([f"0 {UNIT[kind]}"] if kind in UNIT else [])
    return out


def _files_for(values: list[str]) -> tuple[tuple[str, object], ...]:
    files = []
    if any("{dir}/empty.toml" in v for v in values):
        files.append(("empty.toml", ""))
    if any("{dir}/binary.toml" in v for v in values):
        files.append(("binary.toml", bytes(range(256)) * 4))
    if any("{dir}/syntax.toml" in v for v in values):
        files.append(("syntax.toml", 'schema = "linkmodel-spec/1"\nid = [\n'))
    return tuple(files)


def _guess_kind(action: argparse.Action) -> tuple[str, bool]:
    """A kind for a flag not in KINDS, from its help text (a new flag is covered without editing)."""
    if action.choices:
        return "word", False
    text = (action.help or "").lower()
    for word, kind in (("part", "part"), ("share", "share"), ("gb/s", "bandwidth"), (" w)", "power")):
        if word in text:
            return kind, True
    if any(w in text for w in ("bytes", "size", "kib")):
        return "size", True
    if any(w in text for w in ("time", "latency", " us", "ns")):
        return "time", True
    return "number", True


def leaf_parsers() -> dict[str, argparse.ArgumentParser]:
    """Every leaf subcommand's parser, by its command words ("link", "ai kv")."""
    out: dict[str, argparse.ArgumentParser] = {}

    def walk(p: argparse.ArgumentParser, path: tuple[str, ...]) -> None:
        subs = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs and path:
            out[" ".join(path)] = p
        for s in subs:
            for name, sp in s.choices.items():
                walk(sp, (*path, name))

    walk(build_parser(), ())
    return out


def value_actions(p: argparse.ArgumentParser) -> list[argparse.Action]:
    """The actions of a parser that take a value (not --help, --json, switches)."""
    return [a for a in p._actions if a.nargs != 0 and not isinstance(a, argparse._SubParsersAction)]


def _split(words: int, base: list[str], p: argparse.ArgumentParser):
    """`base` as (command words, options as (flag, value or None) pairs, positionals)."""
    takes = {f: a.nargs != 0 for a in p._actions for f in a.option_strings}
    head, rest = base[:words], base[words:]
    opts, pos, j = [], [], 0
    while j < len(rest):
        if rest[j] in takes:
            opts.append((rest[j], rest[j + 1] if takes[rest[j]] else None))
            j += 2 if takes[rest[j]] else 1
        else:
            pos.append(rest[j])
            j += 1
    return head, opts, pos


def with_value(cmd: str, base: list[str], p: argparse.ArgumentParser, action: argparse.Action, value: str):
    """`base` with one option set to `value` (``--flag=value``, replacing it) or one positional replaced."""
    head, opts, pos = _split(len(cmd.split()), base, p)
    if action.option_strings:
        opts = [(f, v) for f, v in opts if f not in action.option_strings]
        opts.append((action.option_strings[0], value))
    else:
        names = [a.dest for a in value_actions(p) if not a.option_strings]
        i = names.index(action.dest)
        pos = [value] if action.nargs == "+" else [*pos[:i], value, *pos[i + 1 :]]
    flat = [f if v is None else f"{f}={v}" for f, v in opts]
    return [*head, *flat, "--", *pos] if pos else [*head, *flat]


def _case_id(cmd: str, flag: str, value: str) -> str:
    shown = value if len(value) <= 24 else f"{value[:10]}...{value[-6:]}({len(value)})"
    return f"cli:{cmd.replace(' ', '-')}:{flag}={shown!r}"


def cases() -> list[Case]:
    """The baselines (expect ok) and one case per (subcommand, flag, bad value)."""
    leaves = leaf_parsers()
    out = [Case(f"cli:ok:{k}", "cli", tuple(v), expect="ok") for k, v in {**BASELINES, **EXTRA_BASELINES}.items()]
    for cmd, p in leaves.items():
        if cmd not in BASELINES:
            continue  # test_every_subcommand_has_a_baseline fails for it
        for action in value_actions(p):
            flag = action.option_strings[0] if action.option_strings else action.dest
            kind, zero_ok = KINDS.get((cmd, flag)) or _guess_kind(action)
            values = _values(kind, zero_ok)
            if action.choices and kind == "word":
                values = ["bogus", "", "nan"]
            ctx = CONTEXT.get((cmd, flag))
            base = EXTRA_BASELINES[ctx] if ctx else BASELINES[cmd]
            names = tuple(action.option_strings) or (action.dest,)
            for v in values:
                argv = with_value(cmd, base, p, action, v)
                heavy = v.startswith(HUGE[:20]) or "**" in v
                named = (*names, v, v.rsplit("/", 1)[-1]) if kind == "part" and v else names
                out.append(
                    Case(_case_id(cmd, flag, v), "cli", tuple(argv), _files_for([v]), names=(named,), heavy=heavy)
                )
    return out + special_cases()


def _special(name: str, argv: list[str], names=(), expect="error", heavy=False, files=()) -> Case:
    return Case(f"cli:issue:{name}", "cli", tuple(argv), tuple(files), names=tuple(names), expect=expect, heavy=heavy)


def special_cases() -> list[Case]:
    """The inputs issue 15 names, as written there (and the forms it says must be accepted)."""
    lat, sb = ["latency", CM9], ["ai", "smallblock", "micron-9650-pro"]
    kv = list(BASELINES["ai kv"])
    return [
        _special("page-types-1e10", [*lat, "--page-types", "1e10"], [("--page-types",)]),
        _special(
            "size-9**9**9-B", ["link", "--gen", "5", "--lanes", "4", "--size", "9**9**9 B"], [("--size",)], heavy=True
        ),
        _special(
            "meanfield-pages-1e7",
            ["endurance", CM9, "--gc-model", "meanfield", "--pages-per-block", "1e7"],
            [("--pages-per-block",)],
            heavy=True,
        ),
        _special("kv-block-1e8", [*kv, "--block", "1e8"], [("--block",)]),
        _special("breakeven-b-1e300", [*BASELINES["ai breakeven"], "--b", "1e300"], [("--b",)]),
        _special(
            "whatif-power-cap-1mW",
            ["whatif", "micron-9650-pro", "micron-9550-max", "--power-cap", "0.001W"],
            [("--power-cap",)],
        ),
        _special(
            "coldstart-drive-bw-bare",
            ["ai", "coldstart", "--model", "llama-3.1-70b", "--drive-bw", "28"],
            [("--drive-bw",)],
        ),
        _special("coldstart-part-and-bw", [*BASELINES["ai coldstart"], "--part", CM9], [("--part",), ("--drive-bw",)]),
        _special("breakeven-0x", [*BASELINES["ai breakeven"][:-2], "0x312T"], [("--gpu-flops",)]),
        _special("write-iops-with-writes", [*lat, "--io", "write", "--write-iops", "100k"], [("--write-iops",)]),
        _special("flit-off-gen6", ["link", "--gen", "6", "--lanes", "4", "--flit", "off"], [("--flit",)]),
        _special("check-dev-zero", ["check", "/dev/zero"], [("/dev/zero",)], heavy=True),
        _special(
            "check-fifo", ["check", "{dir}/fifo.toml"], [("fifo.toml",)], heavy=True, files=[("fifo.toml", "FIFO")]
        ),
        _special("kv-parts-dev-zero", [*kv, "--parts", "/dev/zero"], [("/dev/zero", "--parts")], heavy=True),
        _special("no-command", [], [("command",)]),
        _special("ai-no-subcommand", ["ai"], [("subcommand",)]),
        _special("unknown-flag", ["link", "--gen", "5", "--lanes", "4", "--bogus"], [("--bogus",)]),
        _special("missing-required", ["link", "--lanes", "4"], [("--gen",)]),
        # the forms the issue says every command accepts (expect ok)
        _special("mix-70%", [*lat, "--mix", "70%", "--json"], expect="ok"),
        _special("target-2.0M-IOPS", [*sb, "--target", "2.0M IOPS", "--json"], expect="ok"),
        _special("target-540K-IOPS", [*sb, "--target", "540K IOPS", "--json"], expect="ok"),
        _special("target-3.4-MIOPS", [*sb, "--target", "3.4 MIOPS", "--json"], expect="ok"),
        _special("kv-parts-path", [*kv[:-3], "--parts", "data/specs/kioxia-cm9-r.toml", "--json"], expect="ok"),
        _special("validate-part-path", ["validate", "--part", "data/specs/kioxia-cm9-r.toml", "--json"], expect="ok"),
        _special(
            "coldstart-part-path",
            ["ai", "coldstart", "--model", "llama-3.1-70b", "--part", "data/specs/kioxia-cm9-r.toml", "--json"],
            expect="ok",
        ),
        _special("smallblock-path", ["ai", "smallblock", "data/specs/kioxia-cm9-r.toml", "--json"], expect="ok"),
        _special(
            "link-table", ["link", "--gen", "6", "--lanes", "16", "--mps", "512", "--direction", "read"], expect="ok"
        ),
    ]
