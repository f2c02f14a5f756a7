"""The shape of the house, checked: small modules, no import cycles, a test file beside
every module with logic. (The layers and the engines' independence are import-linter
contracts in pyproject.toml, run by `make lint`.)"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("carriers", "routing", "api")
MAX_LINES = 400


def sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def test_no_source_module_is_over_400_lines() -> None:
    """A module past 400 lines is asking to be split along a line of the domain."""
    long = {
        str(p.relative_to(ROOT)): n
        for p in sources()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_import_cycle_between_modules() -> None:
    """No module imports, directly or through others, a module that imports it (a
    package's `__init__` counts as a module of its own)."""
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    imports = nx.DiGraph()
    for module in graph.modules:
        imports.add_node(module)
        for imported in graph.find_modules_directly_imported_by(module):
            imports.add_edge(module, imported)
    cycles = [sorted(c) for c in nx.strongly_connected_components(imports) if len(c) > 1]
    assert cycles == []


def has_logic(path: Path) -> bool:
    """A module that defines a function or a method (declarations alone need no test)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) for n in ast.walk(tree))


def test_every_module_with_logic_has_its_test_file_at_the_matching_path() -> None:
    """routing/quote/search.py is tested in tests/routing/quote/test_search.py, and so on
    for every module that holds logic (package faces and migrations aside)."""
    missing = [
        str(p.relative_to(ROOT))
        for p in sources()
        if p.name != "__init__.py"
        and "migrations" not in p.parts
        and has_logic(p)
        and not (ROOT / "tests" / p.relative_to(ROOT).parent / f"test_{p.stem}.py").exists()
    ]
    assert missing == []
