"""The README and docs/: the two commands, .ci/run running exactly the README's test command, every Python
example and command line still running, the README's printed outputs still what the tool prints, and every
module path and link they name still there."""

import importlib
import re
import shlex
from pathlib import Path

import pytest

from linkmodel.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]

#: the two commands a newcomer copies; .ci/run runs the second verbatim
MAIN_JOB = "python3 -m venv .venv && . .venv/bin/activate && pip install . && linkmodel validate"
TESTS = 'python3 -m venv .venv && . .venv/bin/activate && pip install -e ".[test]" && pytest'


def _blocks(path: Path, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", path.read_text(), flags=re.S)


def _readme_commands():
    blocks = _blocks(README, "sh") + _blocks(README, "bash")
    return [line.strip() for b in blocks for line in b.splitlines() if line.strip()]


def _console_examples(path: Path) -> list[tuple[str, str]]:
    """(command, shown output) for every ``$ linkmodel ...`` line of the page's console blocks; a trailing
    backslash continues the command on the next line; the output is every line up to the next ``$``."""
    out = []
    for block in _blocks(path, "console"):
        lines = block.splitlines()
        i = 0
        while i < len(lines):
            cmd = lines[i]
            i += 1
            if not cmd.startswith("$ "):
                continue
            while cmd.endswith("\\") and i < len(lines):
                cmd = cmd[:-1] + " " + lines[i].strip()
                i += 1
            shown = []
            while i < len(lines) and not lines[i].startswith("$ "):
                shown.append(lines[i])
                i += 1
            out.append((cmd[2:].strip(), "\n".join(shown).strip("\n")))
    return out


def _run(capsys, monkeypatch, cmd: str) -> tuple[int, str]:
    argv = shlex.split(cmd)
    assert argv[0] == "linkmodel", cmd
    monkeypatch.chdir(ROOT)  # spec-file paths in the examples are relative to the repository
    code = main(argv[1:])
    cap = capsys.readouterr()
    return code, cap.out + cap.err


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    test_cmd = re.search(r"^TEST_COMMAND='(.*)'$", ci, flags=re.M).group(1)
    assert test_cmd == TESTS
    assert test_cmd in _readme_commands()


def test_readme_has_main_job_command():
    assert MAIN_JOB in _readme_commands()


def test_readme_is_short():
    """A newcomer's page: what it is, the two commands, a tour, links; the rest lives in docs/."""
    assert len(README.read_text().splitlines()) < 200


@pytest.mark.parametrize("page", [p for p in PAGES if _blocks(p, "python")], ids=lambda p: p.name)
def test_python_examples_run(page, tmp_path, monkeypatch):
    """Every ```python block runs as written (in a scratch directory: one writes a file)."""
    monkeypatch.chdir(tmp_path)
    for block in _blocks(page, "python"):
        exec(compile(block, str(page.relative_to(ROOT)), "exec"), {})


def test_readme_has_python_examples():
    assert _blocks(README, "python")


def test_readme_outputs_are_what_the_tool_prints(capsys, monkeypatch):
    """Each README command shown with its output prints exactly that today."""
    shown = [(c, o) for c, o in _console_examples(README) if o]
    assert len(shown) >= 3
    for cmd, expected in shown:
        code, printed = _run(capsys, monkeypatch, cmd)
        assert code == (2 if expected.startswith("linkmodel: error") else 0), cmd
        assert [ln.rstrip() for ln in printed.strip("\n").splitlines()] == expected.splitlines(), cmd


@pytest.mark.slow
@pytest.mark.parametrize("page", [p for p in PAGES if _console_examples(p)], ids=lambda p: p.name)
def test_command_lines_in_docs_run(page, capsys, monkeypatch):
    """Every ``$ linkmodel ...`` line of a page still parses and runs (options renamed or removed fail here)."""
    for cmd, expected in _console_examples(page):
        code, printed = _run(capsys, monkeypatch, cmd)
        assert code == (2 if expected.startswith("linkmodel: error") else 0), f"{cmd}: {printed[-300:]}"


def _resolves(dotted: str) -> bool:
    names = dotted.split(".")
    for k in range(len(names), 0, -1):
        try:
            obj = importlib.import_module(".".join(names[:k]))
        except ModuleNotFoundError:
            continue
        for attr in names[k:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_module_paths_named_in_docs_exist(page):
    """Every ``linkmodel.x.y`` a page names in code spans is a module or an attribute of one."""
    names = set(re.findall(r"`(linkmodel(?:\.\w+)+)", page.read_text()))
    missing = sorted(n for n in names if not _resolves(n))
    assert not missing, f"{page.name} names what the package does not have: {missing}"


def test_module_path_check_can_fail():
    assert _resolves("linkmodel.studies.validate.summary_markdown")
    assert not _resolves("linkmodel.specs")  # the pre-layering path
    assert not _resolves("linkmodel.ssd.design")


@pytest.mark.parametrize("page", [*PAGES, ROOT / "notebooks" / "README.md"], ids=lambda p: p.parent.name + p.name)
def test_relative_links_exist(page):
    targets = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text())
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    missing = [t for t in local if not (page.parent / t).exists()]
    assert not missing, f"{page.name} links to missing files: {missing}"
