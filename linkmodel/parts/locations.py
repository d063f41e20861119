"""Where the bundled data lives: ``linkmodel/_data`` in a wheel, ``<repo>/data`` in a checkout."""

from __future__ import annotations

from pathlib import Path

from linkmodel.parts.schema import SpecError

__all__ = ["data_dir", "specs_dir"]


def data_dir() -> Path:
    """The bundled data folder: ``linkmodel/_data`` in a wheel, ``<repo>/data`` in a checkout."""
    here = Path(__file__).resolve().parent.parent  # linkmodel/
    for candidate in (here / "_data", here.parent / "data"):
        if (candidate / "specs").is_dir():
            return candidate
    raise SpecError(f"bundled data not found (looked in {here / '_data'} and {here.parent / 'data'})")


def specs_dir() -> Path:
    """Folder of the bundled part spec files."""
    return data_dir() / "specs"
