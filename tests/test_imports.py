"""Imports in winsession/ run one way: no circle, not even through a function-level import.

Every ``import`` and ``from ... import`` statement of every module is read with ``ast`` --
at module level, inside functions and methods, under ``if TYPE_CHECKING:`` alike (a deferred
import is still an arrow a reader must follow) -- relative ones resolved against the module's
package. ``from pkg import name`` is an arrow to ``pkg.name`` when that is a module, else to
``pkg``. A package's ``__init__`` running first when one of its modules is imported is
Python's mechanics, not a written arrow, and is not counted. Dynamic imports
(``importlib.import_module`` of a computed name) are invisible here.

``python -m pytest tests/test_imports.py -s`` prints the base's graph (the layers DESIGN.md
draws: loader, error numbers, exceptions, raw declarations).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "winsession"

BASE = (
    "winsession._dll",
    "winsession._winerror",
    "winsession._args",
    "winsession.codes",
    "winsession.errors",
    "winsession.raw",
    "winsession.raw._types",
    "winsession.raw.kernel32",
)
"""The base of the package: what every API module stands on."""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """``(imported winsession module, line)`` for every import statement in ``path``."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "winsession":
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "winsession":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield (sub if sub in known else target), node.lineno


def graph() -> dict[str, dict[str, int]]:
    """module -> {imported module: first line}, winsession's modules only."""
    found = modules()
    known = set(found)
    edges: dict[str, dict[str, int]] = {}
    for name, path in found.items():
        out = edges.setdefault(name, {})
        for target, line in imports_of(name, path, known):
            assert target in known, f"{name}:{line} imports {target}, which is not a module"
            if target != name:
                out.setdefault(target, line)
    return edges


def cycles(edges: dict[str, dict[str, int]]) -> list[list[str]]:
    """One circle for each strongly connected group of modules (Tarjan), as a path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return [circle(edges, set(group)) for group in groups]


def circle(edges: dict[str, dict[str, int]], group: set[str]) -> list[str]:
    """A path ``a -> b -> ... -> a`` inside ``group`` (breadth-first from its first module)."""
    start = min(group)
    came: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in edges[v]:
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(came[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if w in group and w not in came:
                    came[w] = v
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"no circle in {group}")


def describe(edges: dict[str, dict[str, int]], path: list[str]) -> str:
    return (
        " -> ".join(f"{a} (line {edges[a][b]})" for a, b in zip(path, path[1:])) + f" -> {path[-1]}"
    )


def test_no_import_circle_anywhere() -> None:
    edges = graph()
    found = cycles(edges)
    assert not found, "import circles:\n" + "\n".join(describe(edges, c) for c in found)


def test_the_finder_sees_circles_and_function_level_imports(tmp_path: Path) -> None:
    # The walker itself: a circle closed by a function-level relative import is found.
    pkg = tmp_path / "winsession"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from . import b\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "c.py").write_text("from ..a import x\n")
    (pkg / "b.py").write_text("def f():\n    from .sub import c\n")
    known = {"winsession", "winsession.a", "winsession.b", "winsession.sub", "winsession.sub.c"}
    edges = {
        name: dict(imports_of(name, path, known))
        for name, path in {
            "winsession.a": pkg / "a.py",
            "winsession.b": pkg / "b.py",
            "winsession.sub.c": pkg / "sub" / "c.py",
            "winsession": pkg / "__init__.py",
            "winsession.sub": pkg / "sub" / "__init__.py",
        }.items()
    }
    assert edges["winsession.b"] == {"winsession.sub.c": 2}
    assert cycles(edges) == [["winsession.a", "winsession.b", "winsession.sub.c", "winsession.a"]]


@pytest.mark.parametrize(
    ("module", "allowed"),
    [
        ("winsession._dll", set()),
        ("winsession._winerror", set()),
        ("winsession._args", set()),
        ("winsession.raw._types", set()),
        ("winsession.raw.kernel32", {"winsession._dll", "winsession.raw._types"}),
        ("winsession.codes", {"winsession._dll", "winsession.raw.kernel32"}),
        ("winsession.errors", {"winsession._dll", "winsession._winerror", "winsession.codes"}),
    ],
)
def test_the_base_imports_only_what_lies_below_it(module: str, allowed: set[str]) -> None:
    # DESIGN.md's direction: _dll knows no exception, codes no exception class, and the raw
    # declarations no exception either (their errchecks are attached by errors, from above).
    assert set(graph()[module]) <= allowed, graph()[module]


def test_raw_declarations_import_no_exception() -> None:
    edges = graph()
    for name, out in edges.items():
        if name.startswith("winsession.raw"):
            assert set(out) <= {"winsession._dll", "winsession.raw._types"} | {
                m for m in edges if m.startswith("winsession.raw.")
            }, (name, out)


def test_print_the_base_graph() -> None:
    edges = graph()
    lines = [f"{m}: {', '.join(sorted(edges[m])) or '(nothing of winsession)'}" for m in BASE]
    print("\nThe base of winsession, one line per module -- what it imports:")
    print("\n".join("  " + line for line in lines))
    assert all(m in edges for m in BASE)
