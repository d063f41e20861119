"""The architecture rules, checked on the source: sizes, public names, imports.

- no module over 500 lines, no function over 80 lines of code (docstrings, blank and comment lines aside);
- every module declares ``__all__``;
- no ``linkmodel`` import inside a function (only optional heavy third-party extras are imported lazily);
- the layers themselves are import-linter's job (``lint-imports`` in ``.ci/run``).
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "linkmodel"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_MODULE_LINES = 500
MAX_FUNCTION_CODE_LINES = 80


def code_lines(node: ast.AST, lines: list[str]) -> int:
    """Lines of a function that are code: its docstring, blank lines and comment-only lines left out."""
    first = node.body[0] if node.body else None
    is_doc = (
        isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str)
    )
    doc = set(range(first.lineno, first.end_lineno + 1)) if is_doc else set()
    n = 0
    for i in range(node.lineno, node.end_lineno + 1):
        s = lines[i - 1].strip()
        if i not in doc and s and not s.startswith("#"):
            n += 1
    return n


def inner_linkmodel_imports(tree: ast.AST) -> list[int]:
    """Line numbers of ``linkmodel`` imports inside functions."""
    out = []
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom):
                    mods = [node.module or ""]
                elif isinstance(node, ast.Import):
                    mods = [a.name for a in node.names]
                else:
                    continue
                if any(m.split(".")[0] == "linkmodel" for m in mods):
                    out.append(node.lineno)
    return out


def _rel(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_module_size(path):
    n = len(path.read_text().splitlines())
    assert n <= MAX_MODULE_LINES, f"{_rel(path)}: {n} lines (at most {MAX_MODULE_LINES})"


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_function_size(path):
    src = path.read_text()
    lines = src.splitlines()
    long = [
        f"{node.name} (line {node.lineno}): {code_lines(node, lines)}"
        for node in ast.walk(ast.parse(src))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and code_lines(node, lines) > MAX_FUNCTION_CODE_LINES
    ]
    assert not long, f"{_rel(path)}: functions over {MAX_FUNCTION_CODE_LINES} lines of code: {'; '.join(long)}"


@pytest.mark.parametrize("path", [p for p in MODULES if p.name not in ("__main__.py",)], ids=_rel)
def test_module_declares_all(path):
    tree = ast.parse(path.read_text())
    names = {
        t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)
    }
    names |= {
        node.target.id for node in tree.body if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }
    assert "__all__" in names, f"{_rel(path)}: no __all__"


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_no_linkmodel_import_inside_functions(path):
    lines = inner_linkmodel_imports(ast.parse(path.read_text()))
    assert not lines, f"{_rel(path)}: linkmodel imported inside a function at line(s) {lines}"


def test_the_checks_can_fail():
    src = '''
def f():
    """doc
    string"""
    from linkmodel import parts
    # a comment

    return 1
'''
    tree = ast.parse(src)
    fn = tree.body[0]
    assert code_lines(fn, src.splitlines()) == 3  # def, import, return
    assert inner_linkmodel_imports(tree) == [5]


def test_no_import_cycles():
    grimp = pytest.importorskip("grimp")  # comes with import-linter (the test extra)
    graph = grimp.build_graph("linkmodel")
    cycles = [
        (a, b)
        for a in sorted(m for m in graph.modules if m.startswith("linkmodel"))
        for b in graph.find_modules_directly_imported_by(a)
        if b.startswith("linkmodel") and graph.chain_exists(importer=b, imported=a)
    ]
    assert not cycles, f"import cycles (module, module it imports that imports it back): {cycles[:5]}"
