"""`python -m cjmetrics`: documented commands, init and status as a lead would run them, and
CSV exports that are safe to open in Excel."""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from cjmetrics import cli
from cjmetrics.export import csv_bytes
from cjmetrics.store import SCHEMA_VERSION, close_all, open_store

from demo_csv import PROJECT_ROOT, catalogue, demo, reference


def run(*args: str, db=None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if db is not None:
        env["CJMETRICS_DB"] = str(db)
    env.pop("CJMETRICS_DEMO", None)
    return subprocess.run([sys.executable, "-m", "cjmetrics", *args], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


def commands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def help_of(name: str) -> str:
    parser = cli.build_parser()
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
    figures = len(demo("observations")) + len(reference())  # the demo and the published figures

    first = run("init", db=db)
    assert first.returncode == 0, first.stderr
    assert db.exists()
    assert f"Figures held: {figures:,}." in first.stdout
    assert "illustrative demo data" in first.stdout

    store = open_store(db)
    imports = store.imports()
    assert set(imports["kind"]) == {"demo", "reference"}
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
    assert store.table_counts()["indicators"] == len(catalogue("indicators"))


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


# -- looking after the store: export, init, --who, check ---------------------------------------
def test_an_export_with_nothing_to_export_says_so_and_writes_no_file(empty_db, demo_db,
                                                                      tmp_path, capsys):
    out = tmp_path / "figures.csv"
    assert cli.main(["--db", str(empty_db), "export", "--out", str(out)]) == 1
    said = capsys.readouterr().err
    assert said.startswith("Nothing was exported: The store holds no figures, so there is "
                           "nothing to export")
    assert said.count("\n") == 1 and not out.exists()
    # an area the store holds no figures for (every council has a population figure in the
    # demo store, so the catalogue-only store)
    assert cli.main(["--db", str(empty_db), "export", "--area", "S12000005",
                     "--out", str(out)]) == 1
    said = capsys.readouterr().err
    assert "no figures for area S12000005" in said and "choose another" in said
    assert not out.exists()


def test_undo_of_something_that_is_not_an_import_number_is_a_sentence(demo_db, capsys):
    imports_before = open_store(demo_db).imports()
    close_all()
    with pytest.raises(SystemExit) as exited:
        cli.main(["--db", str(demo_db), "undo", "abc"])
    assert exited.value.code == 2
    said = capsys.readouterr().err
    assert "'abc' is not an import's number" in said and "invalid int value" not in said
    assert "`python -m cjmetrics imports` lists every import" in said
    assert cli.main(["--db", str(demo_db), "undo", "9999"]) == 1
    assert "There is no import #9999" in capsys.readouterr().err
    pd.testing.assert_frame_equal(open_store(demo_db).imports(), imports_before)


# Every command that writes a document, with the file it is asked for.
DOCUMENTS = {
    "export": ["export", "--out", "{out}.xlsx"],
    "deck": ["deck", "--area", "CJP-AYR", "--period", "2024/25", "--out", "{out}.pdf"],
    "report": ["report", "--area", "Glasgow", "--year", "2024/25", "--out", "{out}.md"],
    "statement": ["statement", "--area", "CJP-AYR", "--from", "2024-04", "--to", "2025-03",
                  "--out", "{out}.md"],
}


@pytest.mark.parametrize("command", sorted(DOCUMENTS))
def test_a_document_for_a_missing_folder_or_an_unwritable_path_is_a_sentence(
        command, demo_db, tmp_path, capsys):
    def ask(out):
        return cli.main(["--db", str(demo_db)]
                        + [a.format(out=out) for a in DOCUMENTS[command]])

    assert ask(tmp_path / "no such folder" / "pack") == 1
    said = capsys.readouterr().err
    assert f"There is no folder {tmp_path / 'no such folder'} to write" in said
    assert "Create it first" in said and said.count("\n") == 1
    assert not (tmp_path / "no such folder").exists()
    # the name of a folder that is already there: the operating system refuses the write
    suffix = DOCUMENTS[command][-1].rsplit(".", 1)[1]
    (tmp_path / f"taken.{suffix}").mkdir()
    assert ask(tmp_path / "taken") == 1
    said = capsys.readouterr().err
    assert "could not be written (Is a directory)" in said and "Traceback" not in said
    # and the same command to a folder that exists writes the file
    assert ask(tmp_path / "pack") == 0
    assert (tmp_path / f"pack.{suffix}").stat().st_size > 0


def test_a_backup_into_a_missing_folder_is_refused_and_no_folder_is_made(demo_db, tmp_path,
                                                                         capsys):
    missing = tmp_path / "no such folder"
    assert cli.main(["--db", str(demo_db), "backup", str(missing / "store.duckdb")]) == 1
    said = capsys.readouterr().err
    assert f"There is no folder {missing} to write the backup in" in said
    assert "Create it first" in said and "Traceback" not in said
    assert not missing.exists()
    assert cli.main(["--db", str(demo_db), "backup", str(tmp_path / "store.duckdb")]) == 0
    assert (tmp_path / "store.duckdb").stat().st_size > 0


def test_init_demo_on_a_read_only_store_says_it_cannot_write(empty_db, monkeypatch, capsys):
    before = empty_db.read_bytes()
    monkeypatch.setenv("CJMETRICS_READ_ONLY", "1")
    assert cli.main(["--db", str(empty_db), "init", "--demo"]) == 1
    said = capsys.readouterr()
    assert "Store ready" not in said.out
    assert "read-only" in said.err and "demo data cannot be written" in said.err
    close_all()
    assert empty_db.read_bytes() == before


def test_import_who_records_the_os_user_acting_on_behalf_of_that_person(empty_db, tmp_path):
    import getpass

    figures = tmp_path / "figures.csv"
    figures.write_text("indicator,area,period,value\nndo1_diversion_completed,S12000049,"
                       "2023/24,5\n")
    assert cli.main(["--db", str(empty_db), "import", str(figures),
                     "--who", "lead@council.gov.uk"]) == 0
    me = f"{getpass.getuser()} (command line)"
    store = open_store(empty_db)
    assert list(store.imports()["who"]) == [f"{me} on behalf of lead@council.gov.uk"]
    logged = store.audit_log(actions=["import"]).iloc[0]
    assert logged["who"] == f"{me} on behalf of lead@council.gov.uk"
    assert "lead@council.gov.uk" not in set(store.audit_log()["who"])  # never as the actor
    close_all()
    figures.write_text("indicator,area,period,value\nndo1_diversion_completed,S12000049,"
                       "2022/23,4\n")
    assert cli.main(["--db", str(empty_db), "import", str(figures)]) == 0
    assert open_store(empty_db).imports()["who"].iloc[0] == me


def test_check_says_the_store_is_sound_or_what_is_wrong(demo_db, tmp_path, capsys):
    assert cli.main(["--db", str(demo_db), "check"]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"The store {demo_db} is sound") and "rows of its" in said
    # a committed import whose figures are gone: the store's own rules are broken
    broken = tmp_path / "broken.duckdb"
    shutil.copy(demo_db, broken)
    store = open_store(broken)
    store.query("DELETE FROM observations WHERE import_id = (SELECT min(import_id) FROM imports "
                "WHERE rows_new > 0 AND kind = 'demo')")
    close_all()
    assert cli.main(["--db", str(broken), "check"]) == 1
    said = capsys.readouterr().err
    assert "is not sound: it breaks the store's own rules" in said
    assert "lost the rows they wrote" in said and said.count("\n") == 1
    # a damaged block
    data = bytearray(demo_db.read_bytes())
    data[len(data) // 2] ^= 0xFF
    broken.write_bytes(bytes(data))
    assert cli.main(["--db", str(broken), "check"]) == 1
    assert "does not match its checksum" in capsys.readouterr().err
    assert cli.main(["--db", str(tmp_path / "none.duckdb"), "check"]) == 1
    assert "There is no store at" in capsys.readouterr().err
