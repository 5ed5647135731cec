"""The documentation keeps up with the code: every upload template and its columns, every
command-line command and option, and every setting is written up in docs/, or a test here
fails and names what is missing (after sqlite-utils' test_docs.py)."""

from __future__ import annotations

import argparse
import re

import pytest

from cjmetrics import cli
from cjmetrics.ingest import TEMPLATES
from cjmetrics.store import DEFAULT_RAG
from cjmetrics.surveys import THRESHOLD_KEY

from conftest import PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs"
ALL_DOCS = "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md")))
TEMPLATES_DOC = (DOCS / "templates.md").read_text(encoding="utf-8")
OPERATIONS_DOC = (DOCS / "operations.md").read_text(encoding="utf-8")


def commands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def long_options(parser: argparse.ArgumentParser) -> list[str]:
    return [o for action in parser._actions for o in action.option_strings
            if o.startswith("--") and o != "--help"]


def environment_variables() -> set[str]:
    """Every CJMETRICS_* variable the library or the server script reads."""
    found = set()
    sources = [*(PROJECT_ROOT / "cjmetrics").rglob("*.py"), PROJECT_ROOT / "scripts" / "serve.py"]
    for path in sources:
        found |= set(re.findall(r"\bCJMETRICS_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    return found


def template_row(file_name: str) -> str | None:
    """The templates table's row for a template file, or None."""
    return next((line for line in TEMPLATES_DOC.splitlines()
                 if line.startswith(f"| `{file_name}` |")), None)


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_every_template_has_its_row_with_every_column(kind):
    template = TEMPLATES[kind]
    row = template_row(template.file_name)
    assert row is not None, f"docs/templates.md has no row for {template.file_name}"
    named = set(re.findall(r"\b[a-z_]+\b", row))
    missing = [c.name for c in template.columns if c.name not in named]
    assert not missing, f"docs/templates.md's row for {template.file_name} lacks {missing}"
    required = [c.name for c in template.columns if c.required]
    assert all(f"**{name}**" in row for name in required), \
        f"the required columns of {template.file_name} are not all in bold: {required}"


def test_the_templates_table_lists_each_template_once():
    rows = re.findall(r"^\| `([a-z_]+\.csv)` \|", TEMPLATES_DOC, flags=re.MULTILINE)
    assert sorted(rows) == sorted(t.file_name for t in TEMPLATES.values())


@pytest.mark.parametrize("command", sorted(commands()))
def test_every_command_and_option_is_documented(command):
    assert re.search(rf"python -m cjmetrics {command}\b", ALL_DOCS), \
        f"`python -m cjmetrics {command}` is not in docs/"
    missing = [o for o in long_options(commands()[command])
               if not re.search(rf"{re.escape(o)}\b", ALL_DOCS)]
    assert not missing, f"the options {missing} of `{command}` are not in docs/"


def test_the_global_options_are_documented():
    missing = [o for o in long_options(cli.build_parser()) if o not in ALL_DOCS]
    assert not missing


@pytest.mark.parametrize("variable", sorted(environment_variables()))
def test_every_environment_variable_is_in_the_settings_table(variable):
    assert re.search(rf"^\| `{variable}` \|", OPERATIONS_DOC, flags=re.MULTILINE), \
        f"{variable} is missing from the Settings table in docs/operations.md"


@pytest.mark.parametrize("key", sorted({*DEFAULT_RAG, THRESHOLD_KEY}))
def test_every_store_setting_is_in_the_settings_table(key):
    assert re.search(rf"^\| `{key}` \|", OPERATIONS_DOC, flags=re.MULTILINE), \
        f"the setting {key} is missing from the Settings table in docs/operations.md"


def test_the_checks_see_what_the_code_has():
    # a check over nothing would pass whatever the docs said
    assert len(TEMPLATES) >= 15 and {"import", "backup", "deck"} <= set(commands())
    assert {"CJMETRICS_DB", "CJMETRICS_READ_ONLY"} <= environment_variables()
    assert {"rag_green", "rag_amber", "small_number_threshold"} <= {*DEFAULT_RAG, THRESHOLD_KEY}


def test_the_readme_stays_short_and_links_every_doc():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) <= 10_240, "README.md is for users: move detail into docs/"
    for command in ("make run", "make test"):
        assert command in readme
    for doc in ("pages", "templates", "tool-exports", "operations", "deploy", "development"):
        assert f"](docs/{doc}.md)" in readme
