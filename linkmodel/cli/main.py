"""The ``linkmodel`` command line: the parser and the entry point.

Every subcommand prints a readable table by default and, with ``--json``,
one JSON document with values in SI units (bytes, seconds, B/s). Bad input
gives one line on stderr naming the option and what is allowed, and exit
code 2; no traceback. With ``--json`` the same message also goes to stdout
as ``{"error": "..."}``, so that a script reading stdout always gets JSON.
Each command lives in its own module (``link``, ``parts``, ``endurance``,
``latency``, ``ai``): it parses, calls one study function, and renders.
"""

from __future__ import annotations

import argparse
import importlib
import sys

import linkmodel
from linkmodel.cli._common import Parser, UsageError, print_json

__all__ = ["COMMANDS", "build_parser", "main"]

#: command -> (its module in linkmodel.cli, the function there that registers it), in the order of ``--help``.
#: A command's module (and the models and studies it imports) is imported only when that command runs, or
#: when the whole parser is built (``--help``, an unknown command): ``linkmodel link`` never loads the drive
#: model, the parts catalogue or the AI tables.
COMMANDS = {
    "validate": ("parts", "add_validate_parser"),
    "check": ("parts", "add_check_parser"),
    "whatif": ("parts", "add_whatif_parser"),
    "generations": ("link", "add_generations_parser"),
    "endurance": ("endurance", "add_endurance_parser"),
    "latency": ("latency", "add_parser"),
    "link": ("link", "add_link_parser"),
    "ufs": ("ufs", "add_ufs_parser"),
    "ai": ("ai", "add_parser"),
}


class _Version(argparse.Action):
    """``--version``: the installed version, read only when asked (importlib.metadata costs ~40 ms of a start)."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"linkmodel {linkmodel.__version__}")
        parser.exit()


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests); with `only` a known command, just that one."""
    parser = Parser(prog="linkmodel", description="Analytical performance models for PCIe links and SSDs.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name, (module, register) in COMMANDS.items():
        if only in (None, name):
            getattr(importlib.import_module(f"linkmodel.cli.{module}"), register)(sub)
    return parser


def _command(argv: list) -> str | None:
    """The command `argv` names, if it is a known one and comes first (else None: build the whole parser)."""
    return argv[0] if argv and argv[0] in COMMANDS else None


def main(argv=None) -> int:
    """Entry point of the ``linkmodel`` console script; returns the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(_command(argv))
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return _fail(
                "linkmodel: error: a command is required: validate, check, whatif, endurance, latency, ai, "
                "generations, link, ufs",
                False,
            )
        return int(args.func(args) or 0)
    except UsageError as exc:
        msg = str(exc)
        return _fail(msg if msg.startswith("linkmodel") else f"linkmodel: error: {msg}", "--json" in argv)
    except KeyError as exc:  # unknown catalogue/part ids
        return _fail(f"linkmodel: error: {exc.args[0] if exc.args else exc}", "--json" in argv)
    except ValueError as exc:  # a library error not mapped to a flag (SpecError included)
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return _fail(f"linkmodel: error: {msg}", "--json" in argv)
    except BrokenPipeError:
        return 0


def _fail(line: str, as_json: bool) -> int:
    """Print one error line on stderr (and, with --json, ``{"error": ...}`` on stdout); exit code 2."""
    if as_json:
        print_json({"error": line.removeprefix("linkmodel: error: ")})
    print(line, file=sys.stderr)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
