"""A name that starts with `_` stays in its module: no module of the project imports another's
private name or reaches for it as `module._name` (what two modules share is made public).
ruff's import-private-name rule does not look inside one package, so this test does."""

from __future__ import annotations

import ast

from conftest import PROJECT_ROOT

FOLDERS = ("cjmetrics", "pages", "scripts", "bench", "tests", "data")


def private_uses(source: str) -> list[str]:
    """`from M import _x` and `m._x` where M or m is one of the project's own modules."""
    tree = ast.parse(source)
    found, modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            own = node.level > 0 or (node.module or "").split(".")[0] == "cjmetrics"
            for alias in node.names:
                if own and alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"line {node.lineno}: from {node.module or '.'} import "
                                 f"{alias.name}")
                if own:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules |= {(a.asname or a.name).split(".")[0] for a in node.names
                        if a.name.split(".")[0] == "cjmetrics"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__"):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in modules:
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return sorted(found, key=lambda use: int(use.split()[1].rstrip(":")))


def test_no_private_name_crosses_a_module():
    crossing = {}
    for folder in FOLDERS:
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            if uses := private_uses(path.read_text(encoding="utf-8")):
                crossing[str(path.relative_to(PROJECT_ROOT))] = uses
    assert crossing == {}


def test_the_check_sees_both_ways_of_reaching_in():
    source = ("from .charts import _wrap, styled\nfrom cjmetrics import ui\n"
              "import cjmetrics.slides\nui._shared_call.clear()\ncjmetrics.slides._sized(1)\n"
              "from pandas import _libs\nself._conn.close()\n")
    assert private_uses(source) == ["line 1: from charts import _wrap",
                                    "line 4: ui._shared_call",
                                    "line 5: cjmetrics.slides._sized"]
