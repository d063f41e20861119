"""The units glossary as Markdown: the drive model's inputs and outputs, from their one home.

The inputs' units, long names and domains are the field metadata of
:class:`linkmodel.ssd.params.DriveParams`; the outputs' are
:data:`linkmodel.ssd.drive.OUTPUTS` and the stage registry. ``docs/parameters.md``
holds :func:`markdown`'s text (a test keeps them equal); regenerate it with
``python -m linkmodel.studies.glossary``.
"""

from __future__ import annotations

from dataclasses import fields

from linkmodel.ssd import drive, stages
from linkmodel.ssd.params import DriveParams

__all__ = ["markdown"]

_DOMAIN_TEXT = {
    "positive": "> 0",
    "positive_or_inf": "> 0 (inf: no limit)",
    "nonnegative": ">= 0",
    "fraction": "0 to 1",
    "fraction_below_one": "0 to < 1",
    "link": "as the host-link model allows (PCIe, or UFS by `link_family`)",
}


def markdown() -> str:
    """The inputs and outputs of the drive model as two Markdown tables (SI units)."""
    rows = ["| parameter | units | meaning | allowed |", "|---|---|---|---|"]
    for f in fields(DriveParams):
        m = f.metadata
        rows.append(f"| `{f.name}` | {m['units']} | {m['long_name']} | {_DOMAIN_TEXT[m['domain']]} |")
    out = ["", "| output | units | meaning |", "|---|---|---|"]
    glossary = {**drive.OUTPUTS, **{f"ceiling_{n}": ("1/s", st.description) for n, st in stages.STAGES.items()}}
    for name, (units, long) in glossary.items():
        out.append(f"| `{name}` | {units or '-'} | {long} |")
    return "\n".join(rows + out) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")
