"""docs/parameters.md holds the generated glossary of the drive model's inputs and outputs."""

from pathlib import Path

from linkmodel.ssd import drive
from linkmodel.ssd.params import GLOSSARY
from linkmodel.studies import glossary

DOC = Path(__file__).resolve().parents[2] / "docs" / "parameters.md"


def test_docs_table_is_the_generated_one():
    text = DOC.read_text()
    start, end = "<!-- glossary:start -->\n", "<!-- glossary:end -->"
    held = text[text.index(start) + len(start) : text.index(end)]
    assert held == glossary.markdown(), "docs/parameters.md is stale: python -m linkmodel.studies.glossary"


def test_every_parameter_and_output_is_listed_with_its_units():
    md = glossary.markdown()
    for name, (units, _) in GLOSSARY.items():
        assert f"| `{name}` | {units} |" in md
    for name in drive.OUTPUTS:
        assert f"| `{name}` |" in md
    assert "| `t_read` | s | page read (array sense) time | > 0 |" in md
