"""Help text: every flag of every command has help, without reStructuredText markup, and defaults are true."""

import argparse
import re

import pytest

from linkmodel.cli.main import build_parser

#: markup that reads as noise in a terminal: ``literal``, :mod:`x`, :func:`x`, :class:`x`, :data:`x`
_MARKUP = re.compile(r"``|:(mod|func|class|data|meth|attr):`")


def _parsers(parser, path=("linkmodel",)):
    """(command path, parser) for the parser and every subparser under it."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, name))


def _walk():
    return list(_parsers(build_parser()))


def test_walks_every_command():
    names = {" ".join(p) for p, _ in _walk()}
    for cmd in ("validate", "check", "whatif", "link", "generations", "endurance", "latency", "ai"):
        assert f"linkmodel {cmd}" in names
    for sub in ("models", "kv", "breakeven", "smallblock", "coldstart", "experts"):
        assert f"linkmodel ai {sub}" in names


@pytest.mark.parametrize("path, parser", _walk(), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_action_has_plain_help(path, parser):
    for action in parser._actions:
        if isinstance(action, (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)):
            continue
        name = "/".join(action.option_strings) or action.dest
        assert action.help and action.help.strip(), f"{' '.join(path)} {name}: no help text"
        assert not _MARKUP.search(action.help), f"{' '.join(path)} {name}: markup in {action.help!r}"
    for text in (parser.description or "", parser.epilog or ""):
        assert not _MARKUP.search(text), f"{' '.join(path)}: markup in description {text!r}"


@pytest.mark.parametrize("path, parser", _walk(), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_stated_defaults_are_the_defaults(path, parser):
    # a help text saying "(default X)" for a flag whose default is a string must name that string
    for action in parser._actions:
        m = re.search(r"\(default ([^ ;:)]+)", action.help or "")
        if m and isinstance(action.default, str):
            assert m.group(1).rstrip(".,") == action.default, f"{' '.join(path)} {action.option_strings}: {action.help}"


def test_ai_description_has_no_sphinx_role(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["ai", "--help"])
    assert ":mod:" not in capsys.readouterr().out
