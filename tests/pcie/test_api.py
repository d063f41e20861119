"""The PCIe package's API: public names in __all__, kernels for the package's own use, one home per constant.

Each phenomenon module of linkmodel.pcie has public functions (in ``__all__``) and a section of kernels
(``*_kernel``: validated inputs, no checks) that the link budget composes. import-linter sees modules, not
names, so these tests hold the line name by name: outside linkmodel.pcie (the rest of the package, the
notebooks, the tests of other packages) only ``__all__`` names of pcie modules are used.
"""

import ast
import importlib
import pkgutil
from pathlib import Path
from typing import get_args

import pytest

import linkmodel.pcie
from linkmodel import _typing

ROOT = Path(__file__).resolve().parents[2]
PCIE_DIR = ROOT / "linkmodel" / "pcie"
MODULES = sorted(m.name for m in pkgutil.iter_modules(linkmodel.pcie.__path__))
#: checked helpers for the package's own use: not kernels (they validate), not public API
OWN_USE = {"flit": {"resolve_flit"}, "phy": {"raw_bandwidth_and_kind"}}


def _module(name):
    return importlib.import_module(f"linkmodel.pcie.{name}")


@pytest.mark.parametrize("name", MODULES)
def test_every_module_declares_its_public_names(name):
    mod = _module(name)
    assert hasattr(mod, "__all__"), name
    for public in mod.__all__:
        assert hasattr(mod, public), f"{name}.{public} is in __all__ but not defined"
        assert not public.startswith("_") and not public.endswith("_kernel"), f"{name}.{public}"
    # every function the module defines is public, a kernel, private to the module, or a listed own-use helper
    tree = ast.parse((PCIE_DIR / f"{name}.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            f = node.name
            kind_ok = f in mod.__all__ or f.endswith("_kernel") or f.startswith("_") or f in OWN_USE.get(name, ())
            assert kind_ok, f"{name}.{f}: public name missing from __all__ (or a kernel without the _kernel suffix)"


def test_no_pcie_module_uses_a_private_name_of_another():
    # the link budget used to call fourteen _private functions of its siblings
    aliases = {m for m in MODULES} | {f"_{m}" for m in MODULES} | {"_tx", "_pl"}
    for path in PCIE_DIR.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
                assert not node.attr.startswith("_"), f"{path.name}:{node.lineno} uses {node.value.id}.{node.attr}"


def _outside_files():
    for sub in ("linkmodel", "notebooks", "tests"):
        for path in sorted((ROOT / sub).rglob("*.py")):
            if PCIE_DIR in path.parents or (ROOT / "tests" / "pcie") in path.parents:
                continue
            yield path


def _imports(node, aliases, uses):
    """Record a pcie import: a module alias in `aliases`, or a (line, module, name) use."""
    if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("linkmodel"):
        sub = (
            node.module.removeprefix("linkmodel.pcie").lstrip(".") if node.module.startswith("linkmodel.pcie") else None
        )
        for a in node.names:
            local = a.asname or a.name
            if sub is None:  # another package's module or name under this local name
                aliases.pop(local, None)
            elif not sub and a.name in MODULES:  # from linkmodel.pcie import nvme
                aliases[local] = a.name
            else:  # from linkmodel.pcie import link / from linkmodel.pcie.phy import GENERATIONS
                aliases.pop(local, None)
                uses.append((node.lineno, sub or "__init__", a.name))
    elif isinstance(node, ast.Import):
        for a in node.names:
            parts = a.name.split(".")
            if parts[:2] == ["linkmodel", "pcie"] and len(parts) == 3 and a.asname:
                aliases[a.asname] = parts[2]


def _scope(body, aliases, uses):
    """Walk one scope (module or function body): its imports shadow the enclosing scope's."""
    aliases = dict(aliases)
    nested = []
    todo = list(body)
    while todo:
        node = todo.pop(0)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            nested.append(node)
            continue
        _imports(node, aliases, uses)
        todo.extend(ast.iter_child_nodes(node))
    for node in ast.walk(ast.Module(body=[n for n in body if not isinstance(n, ast.FunctionDef)], type_ignores=[])):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases:
            uses.append((node.lineno, aliases[node.value.id], node.attr))
    for fn in nested:
        _scope(fn.body if isinstance(fn.body, list) else [ast.Expr(fn.body)], aliases, uses)


def _pcie_uses(tree):
    """(line, module, name) for each name of a pcie module a file uses, import scopes respected."""
    uses = []
    _scope(tree.body, {}, uses)
    return uses


def test_outside_the_package_only_public_names_are_used():
    bad = []
    for path in _outside_files():
        for line, mod, name in _pcie_uses(ast.parse(path.read_text())):
            module = linkmodel.pcie if mod == "__init__" else _module(mod)
            if name not in module.__all__:
                bad.append(f"{path.relative_to(ROOT)}:{line} linkmodel.pcie.{mod}.{name}")
    assert not bad, "not in the module's __all__ (kernels are for linkmodel.pcie's own use): " + "; ".join(bad)


def test_the_checker_sees_a_kernel_used_outside():
    # the test above must be able to fail: module-level and in-function imports are seen, and a module of
    # another package imported under the same local name is not taken for the pcie one
    src = (
        "from linkmodel.pcie import phy as p\n"
        "x = p.rate_kernel(g)\n"
        "from linkmodel.pcie.flit import TLP_BYTES\n"
        "def f():\n"
        "    from linkmodel.pcie import flit\n"
        "    return flit.resolve_flit(g, None)\n"
        "def h():\n"
        "    from linkmodel.ssd import latency\n"
        "    return latency.qd1\n"
    )
    uses = sorted(_pcie_uses(ast.parse(src)))
    assert uses == [(2, "phy", "rate_kernel"), (3, "flit", "TLP_BYTES"), (6, "flit", "resolve_flit")]


def test_each_constant_has_one_home():
    # D26: skp.py re-declared flit's FLIT_BYTES = 256. A module-level name is assigned in one pcie module only
    # (others import it)
    homes = {}
    for path in sorted(PCIE_DIR.glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            for t in targets:
                if isinstance(t, ast.Name) and t.id.isupper() and t.id not in ("__all__",):
                    homes.setdefault(t.id, []).append(path.name)
    twice = {k: v for k, v in homes.items() if len(v) > 1}
    assert not twice, twice


def test_no_linkmodel_import_inside_a_function():
    # D28: budget re-imported check_in inside a function; house rule: linkmodel imports at the top
    for path in sorted(PCIE_DIR.glob("*.py")):
        for fn in ast.walk(ast.parse(path.read_text())):
            if isinstance(fn, ast.FunctionDef):
                for node in ast.walk(fn):
                    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("linkmodel"):
                        pytest.fail(f"{path.name}:{node.lineno} imports {node.module} inside {fn.name}")
                    if isinstance(node, ast.Import) and any(a.name.startswith("linkmodel") for a in node.names):
                        pytest.fail(f"{path.name}:{node.lineno} imports linkmodel inside {fn.name}")


def test_string_options_are_the_literal_types():
    # the run-time tuples of allowed values and the Literal types of linkmodel._typing are one vocabulary
    from linkmodel.pcie import budget, dllp, flit, latency, nvme, skp, transactions

    pairs = [
        (_typing.Transfer, tuple(transactions.TRANSFERS)),
        (_typing.LatencyTransfer, latency.LATENCY_TRANSFERS),
        (_typing.NvmeIo, nvme.IOS),
        (_typing.Clocking, skp.CLOCKINGS),
        (_typing.DllpPolicy, dllp.POLICIES),
        (_typing.CompletionSplit, transactions.COMPLETION_SPLITS),
        (_typing.CompletionCredits, budget.CREDIT_MODES),
        (_typing.Packing, flit.PACKINGS),
        (_typing.Replay, flit.REPLAY_MODES),
        (_typing.DataPointer, nvme.DATA_POINTERS),
    ]
    for alias, allowed in pairs:
        assert get_args(alias) == allowed


@pytest.mark.parametrize("option", ["transfer", "clocking", "dllp_policy", "packing", "replay", "completion_split"])
@pytest.mark.parametrize("bad", [["write"], {"common": 1}, {"a"}, 3.5])
def test_scalar_options_of_a_wrong_type_are_named(option, bad):
    # issue 15: a list given for a scalar option reached a dict or set lookup ("unhashable type: 'list'"),
    # naming no parameter
    with pytest.raises(ValueError, match=rf"^{option}: .* not allowed; allowed: ") as e:
        linkmodel.pcie.link(5, 4, 4096, **{option: bad})
    assert "\n" not in str(e.value)
