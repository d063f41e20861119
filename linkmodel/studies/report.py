"""The base of the studies' results: frozen dataclasses that read like the dicts they replace.

A study returns a frozen dataclass with named, documented fields. It is also
a read-only mapping over those fields (``r["dwpd_random"]``, ``r.items()``),
leaving out the optional fields that are None, so code and JSON written
against the earlier dict results keep working; :meth:`Report.to_dict` gives
the JSON-ready dict.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from typing import Any

__all__ = ["Report"]


@dataclass(frozen=True, eq=False)
class Report(Mapping):
    """Read-only mapping over a frozen dataclass's fields (None-valued optional fields left out)."""

    def __getitem__(self, key: str) -> Any:
        if key not in self._names() or getattr(self, key) is None:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return (name for name in self._names() if getattr(self, name) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def _names(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self))

    def to_dict(self) -> dict:
        """A plain dict (nested reports and lists of them too), e.g. for JSON."""
        return {k: _plain(v) for k, v in self.items()}


def _plain(v):
    if isinstance(v, Report):
        return v.to_dict()
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    return v
