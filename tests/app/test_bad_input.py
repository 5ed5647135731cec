"""The bad-input sweep: every file of tests/data/bad/sweep/ (and the huge ones written here into
tmp) ends in one sentence and an unchanged store, or in a clean import, in bounded time and
memory; through the upload service and through `cjmetrics import`.

The fixtures are written by tests/data/bad/sweep/make_sweep.py; SWEEP says what each must end in.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from cjmetrics.errors import ImportRefused
from cjmetrics.ingest.service import open_upload
from cjmetrics.store import Store

from conftest import PROJECT_ROOT

SWEEP_DIR = PROJECT_ROOT / "tests" / "data" / "bad" / "sweep"
REFUSED, IMPORTED = "refused", "imported"

# name -> (what it ends in, a phrase the user is shown)
SWEEP = {
    "extra_comments_column.csv": (IMPORTED, "1 row read"),
    "duplicate_headers.csv": (IMPORTED, "The column name 'value' is written more than once"),
    "row_number_header.csv": (IMPORTED, "the file's '_row' column (shown as '_row_1') is not read"),
    "sql_in_header.csv": (IMPORTED, "DROP TABLE observations; --' is not used"),
    "values_without_value.csv": (REFUSED, "does not have the column 'value' that an indicator "
                                          "values file needs"),
    "unknown_columns_only.csv": (REFUSED, "is not recognised"),
    "infinity.csv": (REFUSED, "'Infinity' is not a figure that can be stored"),
    "inf_lower_case.csv": (REFUSED, "'inf' is not a figure that can be stored"),
    "minus_infinity.csv": (REFUSED, "'-Infinity' is not a figure that can be stored"),
    "e309.csv": (REFUSED, "'1e309' is not a figure that can be stored"),
    "digits_5000.csv": (REFUSED, "999…' is not a figure that can be stored"),
    "too_large.csv": (REFUSED, "larger than 1,000,000,000,000,000"),
    "inf_percent.csv": (REFUSED, "'inf%' is not a number"),
    "inf_numerator.csv": (REFUSED, "'inf' is not a figure that can be stored"),
    "hex_number.csv": (REFUSED, "'0x1F' is not a number"),
    "formula_as_value.csv": (REFUSED, "'=1+1' is not a number"),
    "nan_values.csv": (IMPORTED, "No value: this row is skipped"),
    "nan_only.csv": (REFUSED, "no figures to import"),
    "nul_in_cell.csv": (REFUSED, "has a zero byte (NUL"),
    "nul_in_header.csv": (REFUSED, "on line 1"),
    "mixed_utf8_cp1252.csv": (IMPORTED, "each character was read in the encoding it was written"),
    "bom_mixed_encoding.csv": (IMPORTED, "each character was read in the encoding it was "
                                         "written"),
    "control_characters.csv": (REFUSED, "is not a text or Excel file"),
    "bom_only.csv": (REFUSED, "holds no text"),
    "newlines_only.csv": (REFUSED, "holds no text"),
    "utf16_inf.csv": (REFUSED, "'inf' is not a figure that can be stored"),
    "ragged_rows.csv": (REFUSED, "None of the 2 data lines of 'ragged_rows.csv' could be read"),
    "unclosed_quote.csv": (REFUSED, "unclosed quote"),
    "header_then_blank_cells.csv": (REFUSED, "has a header row but no data rows"),
    "json_renamed.csv": (REFUSED, "no data rows"),
    "html_export.csv": (REFUSED, "is a web page"),
    "sql_in_indicator.csv": (REFUSED, "Unknown indicator 'x'); DROP TABLE observations; --'"),
    "long_indicator.csv": (REFUSED, "Unknown indicator '" + "x" * 60 + "…'"),
    "emoji_area.csv": (IMPORTED, "1 row read"),  # "Glasgow" is an alias of Glasgow City
    "unknown_gss_code.csv": (REFUSED, "Unknown area 'S12999999'"),
    "formula_in_note.csv": (IMPORTED, "1 row read"),
    "neutralised_note.csv": (IMPORTED, "1 row read"),
    "javascript_link.csv": (REFUSED, "This link is not a web address"),
    "data_link.csv": (REFUSED, "This link is not a web address"),
    "file_link.csv": (REFUSED, "This link is not a web address"),
    "https_link.csv": (IMPORTED, "Social media posts: 1 row read"),
    "email_in_answer.csv": (REFUSED, "This answer contains an e-mail address"),
    "email_as_respondent.csv": (REFUSED, "The respondent id looks like an e-mail address"),
    "xlsx_inf_text.xlsx": (REFUSED, "'Infinity' is not a figure that can be stored"),
    "xlsx_nan_text.xlsx": (IMPORTED, "No value: this row is skipped"),
    "xlsx_row_number_header.xlsx": (IMPORTED, "the file's '_row' column (shown as '_row_1') "
                                              "is not read"),
    "xlsx_truncated.xlsx": (REFUSED, "not a table of figures"),
}


def test_the_sweep_has_at_least_40_files_and_each_its_expectation():
    on_disk = {p.name for p in SWEEP_DIR.iterdir() if p.suffix in (".csv", ".xlsx")}
    assert on_disk == set(SWEEP), "every sweep file needs exactly one entry in SWEEP"
    assert len(on_disk) + len(HUGE) >= 40


# -- through the upload service ----------------------------------------------------------------
@pytest.fixture(scope="module")
def shared_store(_empty_template, tmp_path_factory):
    """One store for the refused files: none may change it, so they share it and its checksum."""
    path = tmp_path_factory.mktemp("sweep") / "empty.duckdb"
    shutil.copy(_empty_template, path)
    store = Store(path)
    yield store
    store.close()


@pytest.fixture(scope="module")
def baseline(shared_store) -> str:
    return shared_store.checksum()


def _through_service(store: Store, name: str) -> tuple[list[str], object]:
    """What a lead is shown for the file: the refusal, or the summary and every problem."""
    try:
        upload = open_upload(store, (SWEEP_DIR / name).read_bytes(), name)
        prepared = upload.prepare({})
    except ImportRefused as exc:
        return [exc.user_message], None
    return [prepared.summary, *prepared.problems["problem"]], (upload, prepared)


@pytest.mark.parametrize("name", [n for n, (end, _) in SWEEP.items() if end == REFUSED])
def test_service_refuses_with_a_sentence_and_changes_nothing(shared_store, baseline, name):
    phrase = SWEEP[name][1]
    messages, outcome = _through_service(shared_store, name)
    if outcome is not None:
        upload, prepared = outcome
        with pytest.raises(ImportRefused, match="Nothing was imported|no figures to import") \
                as refused:
            upload.commit(prepared)
        messages.append(refused.value.user_message)
    assert any(phrase in m for m in messages), f"{phrase!r} not in {messages}"
    assert not any("Traceback" in m for m in messages)
    assert shared_store.checksum() == baseline


@pytest.mark.parametrize("name", [n for n, (end, _) in SWEEP.items() if end == IMPORTED])
def test_service_imports_cleanly(empty_store, name):
    phrase = SWEEP[name][1]
    messages, outcome = _through_service(empty_store, name)
    assert outcome is not None, messages
    upload, prepared = outcome
    assert prepared.ok and any(phrase in m for m in messages), messages
    result = upload.commit(prepared)
    assert result.import_id is not None and result.rows_new >= 1


def test_nan_is_skipped_not_stored_as_a_figure(empty_store):
    upload = open_upload(empty_store, (SWEEP_DIR / "nan_values.csv").read_bytes(), "nan.csv")
    upload.commit(upload.prepare({}))
    values = empty_store.query("SELECT value FROM observations")["value"]
    assert sorted(values) == [185.0, 201.0]


def test_a_note_in_two_encodings_keeps_both_accents(empty_store):
    upload = open_upload(empty_store, (SWEEP_DIR / "mixed_utf8_cp1252.csv").read_bytes(), "m.csv")
    prepared = upload.prepare({})
    assert list(prepared.rows["note"]) == ["café", "café"]


# -- through the command line ---------------------------------------------------------------------
DRIVER = r"""
import contextlib, io, json, shutil, sys
from pathlib import Path
from cjmetrics.cli import main
from cjmetrics.store import Store

template, folder, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
results = {}
for name in sys.argv[4:]:
    db = folder / (name + ".duckdb")
    shutil.copy(template, db)
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            rc = main(["--db", str(db), "import", str(folder.parent / "sweep" / name)])
    except BaseException as exc:  # the test fails on this: a traceback would have reached the user
        rc = f"raised {type(exc).__name__}: {exc}"
    store = Store(db)
    results[name] = {"rc": rc, "out": stdout.getvalue(), "err": stderr.getvalue(),
                     "checksum": store.checksum()}
    store.close()
out.write_text(json.dumps(results))
"""


def test_cli_sweep_exit_codes_sentences_and_unchanged_stores(_empty_template, tmp_path):
    """Every sweep file through `cjmetrics import` in one child process: exit 1 with a sentence
    on stderr and the store's checksum unchanged, or exit 0 and an import."""
    folder = tmp_path / "stores"
    folder.mkdir()
    shutil.copytree(SWEEP_DIR, tmp_path / "sweep")
    out = tmp_path / "results.json"
    subprocess.run([sys.executable, "-c", DRIVER, str(_empty_template), str(folder), str(out),
                    *SWEEP], cwd=PROJECT_ROOT, check=True, timeout=1200)
    results = json.loads(out.read_text())
    template = Store(_empty_template)
    baseline = template.checksum()
    template.close()
    wrong = []
    for name, (end, phrase) in SWEEP.items():
        r = results[name]
        said = r["out"] + r["err"]
        if end == REFUSED:
            ok = (r["rc"] == 1 and r["err"].strip() and phrase in said
                  and r["checksum"] == baseline)
        else:
            ok = r["rc"] == 0 and "Import #" in r["out"] and r["checksum"] != baseline
        if not ok or "Traceback" in said:
            wrong.append((name, r["rc"], said[-400:]))
    assert not wrong, wrong


# -- huge and hostile files, each in its own process: time and peak memory measured -------------
def run_measured(args: list[str], db: Path, env: dict | None = None,
                 timeout: float = 300) -> tuple[int, str, str, float, float]:
    """`cjmetrics ARGS` in a child: exit code, stdout, stderr, seconds, peak RSS in MB.
    The peak is the child's own high-water mark (VmHWM, which starts afresh at exec), written
    as it exits: the rusage of a waited-for child also counts the pages it shared with this
    test process when it was forked, so a large test process would be measured instead."""
    out, err = db.with_suffix(".out"), db.with_suffix(".err")
    hwm = db.with_suffix(".hwm")
    started = time.monotonic()
    with open(out, "wb") as o, open(err, "wb") as e:
        child = subprocess.Popen([sys.executable, "-c", _MEASURED, str(hwm), "--db", str(db),
                                  *args],
                                 cwd=PROJECT_ROOT, stdout=o, stderr=e,
                                 env={**os.environ, **(env or {})})
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                child.kill()
                os.wait4(child.pid, 0)
                pytest.fail(f"cjmetrics {' '.join(args)} ran over {timeout} s")
            time.sleep(0.2)
    child.returncode = os.waitstatus_to_exitcode(status)
    peak_kb = int(hwm.read_text().split()[1]) if hwm.exists() else usage.ru_maxrss
    return (child.returncode, out.read_text(errors="replace"), err.read_text(errors="replace"),
            time.monotonic() - started, peak_kb / 1024)


# `python -m cjmetrics ARGS...` that writes its peak resident memory ("VmHWM: N kB") on exit.
_MEASURED = r"""
import atexit, runpy, sys
hwm = sys.argv.pop(1)
def peak():
    with open("/proc/self/status") as status, open(hwm, "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM")))
atexit.register(peak)
sys.argv[0] = "cjmetrics"
runpy.run_module("cjmetrics", run_name="__main__", alter_sys=True)
"""


def _sheet_xml_cells(path: Path, cells: int, columns: int = 10) -> None:
    """An xlsx of `cells` identical numeric cells, streamed so the test itself stays small."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="Data" sheetId="1" '
                                         'r:id="rId1"/></sheets></workbook>')
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b"<worksheet><sheetData>")
            row = b"<row>" + b"<c><v>1</v></c>" * columns + b"</row>"
            block = row * 1000
            for _ in range(cells // columns // 1000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")


def _sparse(path: Path, size: int, start: bytes) -> None:
    with open(path, "wb") as f:
        f.write(start)
        f.truncate(size)


# Bounds are generous for a loaded shared machine (an idle one takes a few seconds and ~150 MB);
# before the bounds, the 3-million-cell workbook ran 200 s and took 1.1 GB, and the sparse 1 GB
# file 7.9 s and 1.2 GB.
HUGE = {
    # name -> (writer, expected exit, phrase, max seconds, max MB, env)
    "sparse_1gb.csv": (lambda p: _sparse(p, 1 << 30, b"indicator,area,period,value\n"),
                       1, "the limit is", 150, 400, None),
    "sparse_60mb.xls": (lambda p: _sparse(p, 60 << 20, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
                        1, "the limit is", 150, 400, None),
    "three_million_cells.xlsx": (lambda p: _sheet_xml_cells(p, 3_000_000),
                                 1, "cells, more than one upload may hold", 150, 400, None),
    "one_big_part.xlsx": (lambda p: _sheet_xml_cells(p, 200_000),
                          1, "unpacks to more than 1 MB", 120, 600,
                          {"CJMETRICS_MAX_PART_MB": "1"}),
    "many_rows.xlsx": (lambda p: _sheet_xml_cells(p, 20_000, columns=1),
                       1, "more than 10,000 rows", 120, 600,
                       {"CJMETRICS_MAX_SHEET_ROWS": "10000"}),
    "cell_over_1mb.csv": (lambda p: p.write_text("indicator,area,period,value,note\n"
                                                 "ndo1_diversion_completed,Glasgow City,2023/24,"
                                                 "5," + "x" * 1_100_000 + "\n"),
                          1, "has a line longer than 1 MB", 120, 600, None),
    "columns_5000.csv": (lambda p: p.write_text(
        ",".join(["indicator", "area", "period", "value"] + [f"extra{i}" for i in range(4996)])
        + "\n" + ",".join(["ndo1_diversion_completed", "Glasgow City", "2023/24", "5"]
                          + ["1"] * 4996) + "\n"),
        0, "4,996 columns are not used", 180, 800, None),
}


@pytest.mark.parametrize("name", list(HUGE))
def test_huge_files_end_in_bounded_time_and_memory(_empty_template, tmp_path, name):
    writer, code, phrase, seconds, megabytes, env = HUGE[name]
    path = tmp_path / name
    writer(path)
    db = tmp_path / "store.duckdb"
    shutil.copy(_empty_template, db)
    rc, out, err, took, peak = run_measured(["import", str(path)], db, env)
    assert rc == code, (out, err)
    assert phrase in out + err
    assert "Traceback" not in err
    assert took < seconds and peak < megabytes, f"{took:.1f} s, {peak:.0f} MB"
    if code == 1:
        store = Store(db)
        template = Store(_empty_template)
        try:
            assert store.checksum() == template.checksum()
        finally:
            store.close()
            template.close()


def test_a_newline_in_a_file_name_keeps_the_imports_listing_one_line_each(_empty_template,
                                                                          tmp_path):
    db = tmp_path / "store.duckdb"
    shutil.copy(_empty_template, db)
    path = tmp_path / "march\nfigures.csv"
    path.write_bytes((SWEEP_DIR / "extra_comments_column.csv").read_bytes())
    rc, out, err, _, _ = run_measured(["import", str(path)], db)
    assert rc == 0, err
    rc, out, err, _, _ = run_measured(["imports"], db)
    lines = [line for line in out.splitlines() if line.startswith("#")]
    assert rc == 0 and len(lines) == 1 and "march figures.csv" in lines[0], out


def test_a_listing_whose_reader_has_gone_ends_quietly(demo_db):
    """`cjmetrics imports | head`: the pipe's reader closes before the listing is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        listing = subprocess.run([sys.executable, "-m", "cjmetrics", "--db", str(demo_db),
                                  "imports"], cwd=PROJECT_ROOT, stdout=write_end,
                                 stderr=subprocess.PIPE, text=True, timeout=300)
    finally:
        os.close(write_end)
    assert listing.returncode == 0
    assert "Traceback" not in listing.stderr and "BrokenPipe" not in listing.stderr, \
        listing.stderr


# -- the service's role checks, before any question is asked --------------------------------------
SURVEY_EXPORT = PROJECT_ROOT / "tests" / "data" / "formats" / "surveys" / "sm_condensed_old.csv"


def test_a_viewer_is_refused_before_the_file_is_read(empty_store):
    from cjmetrics.access import Actor
    from cjmetrics.errors import NotAllowed

    with pytest.raises(NotAllowed, match="to upload figures you need the editor role"):
        open_upload(empty_store, b"\x00not even read", "x.csv",
                    actor=Actor("viewer@council.gov.uk", "viewer"))


def test_an_editor_is_never_offered_a_new_survey_definition(empty_store):
    from cjmetrics.access import Actor
    from cjmetrics.errors import NotAllowed

    data = SURVEY_EXPORT.read_bytes()
    editor = open_upload(empty_store, data, SURVEY_EXPORT.name,
                         actor=Actor("ed@council.gov.uk", "editor"))
    admin = open_upload(empty_store, data, SURVEY_EXPORT.name,
                        actor=Actor("lead@council.gov.uk", "admin"))
    assert editor.is_survey and not editor.may_create_survey
    assert "new" not in editor.survey_choices() and editor.suggested.get("survey") != "new"
    assert "new" in admin.survey_choices()
    before = empty_store.checksum()
    with pytest.raises(NotAllowed, match="create a new survey definition"):
        editor.prepare({"area": "S12000049", "survey": "new", "period": "2023/24",
                        "survey_name": "x"})
    assert empty_store.checksum() == before


# -- the Upload page: a file-level warning no longer hides the Import button ---------------------
def test_upload_page_imports_a_file_with_a_repeated_header(demo_db):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=120)
    at.switch_page("pages/upload.py").run()
    data = (SWEEP_DIR / "duplicate_headers.csv").read_bytes().replace(b"2023/24", b"2025/26")
    at.file_uploader[0].set_value(("duplicate_headers.csv", data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(e.value for e in at.error) + " ".join(m.value for m in at.markdown)
    assert "Something unexpected went wrong" not in shown
    button = [b for b in at.button if b.label.startswith("Import 1")]
    assert button, [b.label for b in at.button]
    button[0].click().run()
    assert any("1 new, 0 revised" in s.value for s in at.success), [s.value for s in at.success]


# -- an unedited export imports as "nothing changed" ---------------------------------------------
@pytest.mark.parametrize("write", ["csv", "xlsx"])
def test_an_unedited_export_with_formula_like_notes_changes_nothing(empty_store, write):
    from cjmetrics.export import csv_bytes, indicator_values_table, xlsx_bytes

    notes = ["=1+1 was the sum", "+5 on last year", "-2 after the review", "@team to check"]
    body = "".join(f'{ROW_FIGURE}{year},{n + 10},"{note}"\n'
                   for n, (year, note) in enumerate(zip(YEARS, notes)))
    first = open_upload(empty_store, ("indicator,area,period,value,note\n" + body).encode(),
                        "notes.csv")
    first.commit(first.prepare({}))
    table = indicator_values_table(empty_store, ["ndo1_diversion_completed"])
    data = csv_bytes(table) if write == "csv" else xlsx_bytes(table)
    assert b"'=1+1" in data or write == "xlsx"  # the export neutralised the formula-like note
    again = open_upload(empty_store, data, f"export.{write}")
    prepared = again.prepare({})
    assert prepared.ok, prepared.problems
    assert (prepared.preview.rows_new, prepared.preview.rows_revised) == (0, 0)
    assert sorted(prepared.rows["note"]) == sorted(notes)


ROW_FIGURE = "ndo1_diversion_completed,Glasgow City,"
YEARS = ["2023/24", "2022/23", "2021/22", "2020/21"]


# -- rows built from a tool's export carry the file's own row numbers ----------------------------
def test_problems_name_the_source_row_a_parser_gives(empty_store):
    import pandas as pd

    from cjmetrics.ingest.pipeline import prepare_rows

    rows = pd.DataFrame({"indicator": ["eng_newsletter_opens"] * 2,
                         "area": ["Glasgow City", "Glasgw"], "period": ["Mar 2024"] * 2,
                         "value": [120.0, 130.0], "source_row": [7, 12]})
    prepared = prepare_rows(empty_store, rows, "report.csv", b"report", kind="indicator_values")
    errors = prepared.problems[prepared.problems["severity"] == "error"]
    assert list(errors["row"]) == [12] and list(errors["column"]) == ["area"]
    assert errors.iloc[0]["problem"].startswith("Unknown area 'Glasgw'")


# -- a new survey definition is written in its answers' transaction ------------------------------
NEW_SURVEY_ANSWERS = {"area": "S12000049", "survey": "new", "period": "2023/24",
                      "survey_name": "Sweep survey"}


def test_a_new_survey_definition_and_its_answers_are_committed_together(empty_store):
    upload = open_upload(empty_store, SURVEY_EXPORT.read_bytes(), SURVEY_EXPORT.name)
    prepared = upload.prepare(dict(NEW_SURVEY_ANSWERS))
    survey_id = prepared.survey_plan["survey_id"]
    result = upload.commit(prepared, dict(NEW_SURVEY_ANSWERS))
    assert result.import_id is not None
    assert survey_id in set(empty_store.survey_definitions()["surveys"]["survey_id"])
    assert empty_store.scalar("SELECT count(*) FROM survey_answers WHERE survey_id = ?",
                              [survey_id]) > 0


def test_a_failed_answers_commit_leaves_no_survey_definition_behind(empty_store, monkeypatch):
    from cjmetrics.store import revisions

    upload = open_upload(empty_store, SURVEY_EXPORT.read_bytes(), SURVEY_EXPORT.name)
    prepared = upload.prepare(dict(NEW_SURVEY_ANSWERS))
    before = empty_store.checksum()

    def fail(*args, **kwargs):
        raise RuntimeError("the disk went away")
    monkeypatch.setattr(revisions, "audit_row", fail)  # the last write of the transaction
    with pytest.raises(RuntimeError):
        upload.commit(prepared, dict(NEW_SURVEY_ANSWERS))
    assert empty_store.checksum() == before
