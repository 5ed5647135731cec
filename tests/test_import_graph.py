"""No import circles between cjmetrics modules: the module-level imports of the package form a
graph without cycles (imports inside functions, which run only when called, are listed in the
report below but not counted), so every module can be read and loaded on its own."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cjmetrics"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(path: Path) -> set[str]:
    """The cjmetrics modules `path` imports at module level."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else \
        module_name(path).rpartition(".")[0]
    found = set()
    for node in tree.body:  # module level only (also inside `if`/`try` at that level)
        for inner in ast.walk(node) if isinstance(node, (ast.If, ast.Try)) else [node]:
            if isinstance(inner, ast.Import):
                found |= {a.name for a in inner.names if a.name.startswith("cjmetrics")}
            elif isinstance(inner, ast.ImportFrom):
                if inner.level:
                    base = package.split(".")
                    base = base[:len(base) - inner.level + 1]
                    target = ".".join(base + ([inner.module] if inner.module else []))
                else:
                    target = inner.module or ""
                if not target.startswith("cjmetrics"):
                    continue
                # `from . import schema` needs the module schema; `from .x import name` the
                # module x itself.
                for alias in inner.names:
                    submodule = f"{target}.{alias.name}"
                    found.add(submodule if submodule in MODULES else target)
    return found


MODULES = {module_name(p) for p in PACKAGE.rglob("*.py")}


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in top_level_imports(path) if m in modules and m != name}
            for name, path in modules.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    found, state, stack = [], {}, []

    def visit(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node)
    return found


def test_the_package_has_no_import_circles():
    assert cycles(graph()) == []


def test_the_check_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]
