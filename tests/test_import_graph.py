"""The import graph of our packages: no cycles, and imports flow one way (DESIGN.md §2).

``tax`` <- ``agencies`` <- ``catalog`` <- ``commerce`` <- ``payouts``. Module-level imports
(those run when a module is loaded: top level and class bodies, not function bodies nor
``if TYPE_CHECKING``) must form no cycle. No import at all, anywhere in a module, goes
from ``commerce`` (the project's settings and urls included) to ``payouts``: the project
reaches payouts by dotted strings only.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("tax", "agencies", "catalog", "commerce", "payouts")
# Which of our packages each may import (besides itself).
ALLOWED = {
    "tax": set(),
    "agencies": {"tax"},
    "catalog": {"agencies", "tax"},
    "commerce": {"catalog", "agencies", "tax"},
    "payouts": {"commerce", "catalog", "agencies", "tax"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.Module, *, module: str, is_package: bool, top_only: bool):
    """(imported module name) for each import statement, resolved to absolute names."""

    def walk(nodes):
        for node in nodes:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                if top_only:
                    continue
            if isinstance(node, ast.If) and _is_type_checking(node):
                continue
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield alias.name, ()
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    package = module if is_package else module.rpartition(".")[0]
                    for _ in range(node.level - 1):
                        package = package.rpartition(".")[0]
                    base = f"{package}.{base}" if base else package
                yield base, tuple(alias.name for alias in node.names)
            yield from walk(ast.iter_child_nodes(node))

    yield from walk(tree.body)


def _graph(*, top_only: bool) -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        is_package = path.name == "__init__.py"
        for base, names in _imports(tree, module=name, is_package=is_package, top_only=top_only):
            targets = [f"{base}.{n}" for n in names if f"{base}.{n}" in modules]
            if base in modules and len(targets) < len(names or (None,)):
                targets.append(base)
            graph[name].update(t for t in targets if t != name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_module_level_import_graph_has_no_cycle():
    assert _cycles(_graph(top_only=True)) == []


def test_commerce_never_imports_payouts():
    arrows = [
        f"{source} -> {target}"
        for source, targets in _graph(top_only=False).items()
        if source.split(".")[0] == "commerce"
        for target in targets
        if target.split(".")[0] == "payouts"
    ]
    assert arrows == []


def test_packages_import_only_downwards():
    arrows = [
        f"{source} -> {target}"
        for source, targets in _graph(top_only=True).items()
        for target in targets
        if target.split(".")[0] != source.split(".")[0]
        and target.split(".")[0] not in ALLOWED[source.split(".")[0]]
    ]
    assert arrows == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
