"""`python -m cjmetrics`: documented commands, init and status as a lead would run them, and
CSV exports that are safe to open in Excel."""

from __future__ import annotations

import argparse
import csv
import io
import os
import subprocess
import sys

import pandas as pd
import pytest

from cjmetrics import cli
from cjmetrics.store import SCHEMA_VERSION
from cjmetrics.export import csv_bytes
from cjmetrics.store import close_all, open_store

from demo_csv import PROJECT_ROOT, demo


def run(*args: str, db=None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if db is not None:
        env["CJMETRICS_DB"] = str(db)
    env.pop("CJMETRICS_DEMO", None)
    return subprocess.run([sys.executable, "-m", "cjmetrics", *args], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def commands() -> dict[str, argparse.ArgumentParser]:
    parser = cli._parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def help_of(name: str) -> str:
    parser = cli._parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return next(a.help for a in sub._choices_actions if a.dest == name)


def flat(text: str) -> str:
    return " ".join(text.split())  # argparse wraps long help lines


def test_help_lists_every_command_with_what_it_does(tmp_path):
    result = run("--help", db=tmp_path / "s.duckdb")

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: python -m cjmetrics")
    assert "CJMETRICS_DB" in result.stdout
    names = commands()
    assert {"init", "status"} <= set(names)
    for name in names:
        assert name in result.stdout
        assert help_of(name), f"command {name} has no help text"
        assert flat(help_of(name)) in flat(result.stdout)


@pytest.mark.parametrize("name", sorted(commands()))
def test_each_command_explains_itself(tmp_path, name):
    result = run(name, "--help", db=tmp_path / "s.duckdb")

    assert result.returncode == 0, result.stderr
    assert flat(commands()[name].description) in flat(result.stdout)
    if name == "init":
        assert "--demo" in result.stdout and "--no-demo" in result.stdout
        assert "twice changes nothing" in flat(result.stdout)
    assert not (tmp_path / "s.duckdb").exists()  # asking for help creates nothing


def test_init_creates_a_store_with_the_demo_data_and_running_it_again_changes_nothing(
        tmp_path):
    db = tmp_path / "new" / "cjmetrics.duckdb"
    figures = len(demo("observations"))

    first = run("init", db=db)
    assert first.returncode == 0, first.stderr
    assert db.exists()
    assert f"Figures held: {figures:,}." in first.stdout
    assert "illustrative demo data" in first.stdout

    store = open_store(db)
    imports = store.imports()
    assert set(imports["kind"]) == {"demo"}
    demo_files = list((PROJECT_ROOT / "data" / "demo").glob("*.csv"))
    assert len(store.demo_import_ids()) == len(demo_files)  # one import per demo file
    checksum = store.checksum()
    close_all()

    second = run("init", db=db)
    assert second.returncode == 0, second.stderr
    assert second.stdout == first.stdout
    assert open_store(db).checksum() == checksum


def test_init_no_demo_gives_the_catalogue_only(tmp_path):
    db = tmp_path / "cjmetrics.duckdb"

    result = run("--db", str(db), "init", "--no-demo")

    assert result.returncode == 0, result.stderr
    assert "Figures held: 0." in result.stdout
    assert "illustrative" not in result.stdout
    store = open_store(db)
    assert store.demo_import_ids() == []
    assert store.table_counts()["observations"] == 0
    assert store.table_counts()["indicators"] == 24


def test_status_without_a_store_says_to_run_init(tmp_path):
    db = tmp_path / "missing.duckdb"

    result = run("status", db=db)

    assert result.returncode == 1
    message = result.stdout + result.stderr
    assert "No store at" in message and str(db) in message
    assert "python -m cjmetrics init" in message
    assert "Traceback" not in message
    assert not db.exists()  # status never creates a store


def test_status_reports_the_schema_and_counts(empty_db):
    result = run("status", db=empty_db)

    assert result.returncode == 0, result.stderr
    assert f"Schema version: {SCHEMA_VERSION}" in result.stdout
    assert "indicators" in result.stdout and "observations" in result.stdout


def test_a_broken_store_file_is_one_sentence_and_exit_1(tmp_path):
    db = tmp_path / "cjmetrics.duckdb"
    db.write_bytes(b"not a database\n" * 1000)

    result = run("status", db=db)

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().endswith(".")
    assert "CJMETRICS_DB" in result.stderr


def test_csv_export_neutralises_cells_that_spreadsheets_would_run():
    table = pd.DataFrame({
        "Area": ["=HYPERLINK(\"http://example.com\")", "+44 141", "-1+2", "@SUM(A1)",
                 "Glasgow City"],
        "Note": ["ok", "\tTab", "fine - really", "", None],
        "Value": [-5, 1, 2, 3, 4],  # real negative numbers stay numbers
    })

    data = csv_bytes(table)

    assert data.startswith("\ufeff".encode("utf-8"))  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["Area"] for r in rows] == ["'=HYPERLINK(\"http://example.com\")", "'+44 141",
                                         "'-1+2", "'@SUM(A1)", "Glasgow City"]
    assert [r["Note"] for r in rows] == ["ok", "'\tTab", "fine - really", "", ""]
    assert [r["Value"] for r in rows] == ["-5", "1", "2", "3", "4"]
    assert table.loc[0, "Area"].startswith("=")  # the caller's table is left alone
