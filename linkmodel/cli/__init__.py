"""The ``linkmodel`` command line: each command parses, calls a study, renders."""

from linkmodel.cli.main import main

__all__ = ["main"]
