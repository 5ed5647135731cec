"""The store's staging interface: an upload is checked in TEMP tables that no one else sees.

What a lead relies on: a file being checked never appears in the store (nor to another person
checking theirs) until Import is pressed, and nothing of it is left behind afterwards.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from cjmetrics.ingest.pipeline import prepare
from cjmetrics.store import StagingError

from demo_csv import PROJECT_ROOT

CSV = (b"indicator_id,area_code,period,value\n"
       b"ndo1_diversion_completed,S12000008,2023/24,41\n"
       b"ndo1_diversion_completed,S12000021,2023/24,17\n")


def test_a_prepared_upload_lives_in_temp_tables_private_to_its_stage(demo_store):
    prepared = prepare(demo_store, CSV, "diversion.csv")
    assert prepared.ok and len(prepared.staged) == 2
    # The store's own schema holds none of the staged tables, and another stage sees none.
    stored = set(demo_store.query("SELECT table_name FROM duckdb_tables() "
                                  "WHERE NOT temporary")["table_name"])
    assert not {"raw", "kept", "problems", "canonical_rows"} & stored
    with demo_store.staging() as other:
        with pytest.raises(StagingError):
            other.frame("SELECT * FROM kept")
    assert len(prepared.rows) == 2


def test_a_stage_refuses_to_change_what_it_did_not_create(demo_store):
    with demo_store.staging() as stage:
        with pytest.raises(KeyError):
            stage.update("observations", "value = 0")
        with pytest.raises(KeyError):
            stage.append("imports", "SELECT 1")
        stage.define("mine", "SELECT 1 AS x")
        stage.update("mine", "x = 2")
        assert stage.frame("SELECT x FROM mine")["x"].tolist() == [2]
        stage.drop("mine")
    assert demo_store.scalar("SELECT count(*) FROM observations") > 0


def test_a_closed_stage_leaves_nothing_behind(demo_store):
    with demo_store.staging() as stage:
        stage.define("scratch", "SELECT 1 AS x")
    with demo_store.staging() as later:
        with pytest.raises(StagingError):
            later.rows("SELECT * FROM scratch")


def _runs_sql_or_imports_duckdb(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
            if any(n.split(".")[0] == "duckdb" for n in names):
                found.append(f"{path.name}:{node.lineno} imports duckdb")
        if isinstance(node, ast.Attribute) and node.attr in ("execute", "sql", "register"):
            found.append(f"{path.name}:{node.lineno} calls .{node.attr}")
    return found


def test_ingest_runs_no_sql_of_its_own():
    ingest = PROJECT_ROOT / "cjmetrics" / "ingest"
    found = [hit for path in sorted(ingest.rglob("*.py"))
             for hit in _runs_sql_or_imports_duckdb(path)]
    assert found == []
