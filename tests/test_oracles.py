"""The vendored oracle rows (tests/data/oracles.toml): each complete, every row a test cites vendored, every
vendored row cited; and the checks themselves shown to fail on samples."""

from pathlib import Path

import oracles

TESTS = Path(__file__).resolve().parent
#: the two files that talk about references rather than make them
SELF = {TESTS / "oracles.py", TESTS / "test_oracles.py"}

SAMPLE = '''"""Flit tests (oracles pcie.md §9 #20-#22)."""

x = 236 / 256  # #21; WAF 2.481 (ssd_modeling #4); ai_workloads.md #27; see MQSim issue #17
y = [("write", 64, "#54"), "ssd_modeling.md §9 #17-#18", "pcie#42"]
'''


def _cited() -> dict[str, list[oracles.Reference]]:
    out = {}
    for path in sorted(TESTS.rglob("*.py")):
        if path not in SELF:
            refs = oracles.references(path.read_text(encoding="utf-8"))
            if refs:
                out[str(path.relative_to(TESTS))] = refs
    return out


def test_every_row_is_complete():
    rows = oracles.load()
    assert set(rows) == {"pcie", "ssd_modeling", "ai_workloads"}
    assert not oracles.problems(rows)


def test_incomplete_rows_are_found():
    bad = {
        "pcie": {"21": {"statement": "flit TLP share", "value": " ", "source": "DERIVED from #20"}},
        "pcei": {"x": {"statement": "s", "value": "1", "source": "src", "unit": "B", "tag": 3}},
    }
    assert oracles.problems(bad) == [
        "[pcie.'21']: no value",
        "[pcei]: not a reference dossier; known: " + ", ".join(oracles.DOSSIERS),
        "[pcei.'x']: the key must be the dossier's row number",
        "[pcei.'x']: unknown field 'unit'",
        "[pcei.'x']: tag is not text",
    ]


def test_every_cited_row_is_vendored():
    rows = oracles.load()
    bad = [f"tests/{path}: {msg}" for path, refs in _cited().items() for msg in oracles.unresolved(refs, rows)]
    assert not bad, "\n".join(bad)


def test_every_vendored_row_is_cited():
    refs = [r for found in _cited().values() for r in found]
    extra = oracles.uncited(oracles.load(), refs)
    assert not extra, f"vendored rows no test cites (cite them or delete them): {extra}"


def test_references_are_read_as_the_tests_write_them():
    refs = oracles.references(SAMPLE)
    assert [(r.dossier, r.number) for r in refs] == [
        ("pcie", 20),
        ("pcie", 21),
        ("pcie", 22),  # the docstring's range, expanded
        ("pcie", 21),  # bare: the docstring's dossier
        ("ssd_modeling", 4),
        ("ai_workloads", 27),  # the issue number after it is no row
        ("pcie", 54),
        ("ssd_modeling", 17),
        ("ssd_modeling", 18),
        ("pcie", 42),
    ]
    assert [r.line for r in refs] == [1, 1, 1, 3, 3, 3, 4, 4, 4, 4]


def test_unvendored_and_unplaced_references_fail():
    rows: dict[str, dict[str, dict]] = {
        "pcie": {str(n): {} for n in (20, 21, 22, 54)},
        "ssd_modeling": {"4": {}, "17": {}, "18": {}},
    }
    assert oracles.unresolved(oracles.references(SAMPLE), rows) == [
        "line 3: ai_workloads#27 is not vendored in tests/data/oracles.toml",
        "line 4: pcie#42 is not vendored in tests/data/oracles.toml",
    ]
    # a bare #N in a file whose docstring names no dossier, or two
    for doc in ("Flit tests.", "pcie.md §9 and ssd_modeling.md §9"):
        refs = oracles.references(f'"""{doc}"""\n\nx = 0.921875  # #21\n')
        assert oracles.unresolved(refs, rows) == [
            "line 3: #21 names no dossier: write it as <dossier>#21 or name one dossier as '<dossier>.md §9' "
            "in the module docstring"
        ]


def test_uncited_rows_are_found():
    rows: dict[str, dict[str, dict]] = {"pcie": {"21": {}, "42": {}}, "ssd_modeling": {"4": {}}}
    assert oracles.uncited(rows, oracles.references(SAMPLE)) == []  # SAMPLE cites all three
    assert oracles.uncited(rows, oracles.references('"""pcie.md §9"""\n# #21\n')) == ["pcie#42", "ssd_modeling#4"]


def test_a_vendored_row_reads_back():
    assert oracles.row("pcie", 21)["value"] == "236/256 = 0.921875"
    assert oracles.row("ssd_modeling", 4)["tolerance"] == "±0.001"
