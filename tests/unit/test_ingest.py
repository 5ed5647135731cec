"""Uploads end to end: every malformed file in tests/data/bad/ is refused with its own sentence
and leaves the store exactly as it was; every forgiving file in tests/data/good/ imports with the
canonical values; preview and commit count new, revised and unchanged rows; the same file twice
changes nothing; undo brings the previous value back.

The files are readable fixtures: open them to see the mistake each one makes. The binary and
xlsx ones are written by tests/data/bad/make_xlsx.py.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from cjmetrics.errors import ImportRefused
from cjmetrics.ingest import commit, prepare
from cjmetrics.store import Store

from conftest import PROJECT_ROOT
from demo_csv import GLASGOW, figures

DATA = Path(__file__).resolve().parent.parent / "data"
BAD, GOOD = DATA / "bad", DATA / "good"
DEMO_SOURCE = "Illustrative demo data - not official statistics"
PERIOD_HINT = "Write a financial year as 2023/24"

# file -> the exact phrase its message must contain (in the refusal, or in a problem row), and
# the options it is uploaded with.
BAD_FILES: list[tuple[str, str, dict]] = [
    # Nothing to read
    ("empty.csv", "'empty.csv' is empty.", {}),
    ("header_only.csv", "has a header row but no data rows", {}),
    ("header_only_template.csv", "has a header row but no data rows", {}),
    ("blank_lines_only.csv", "holds no text", {}),
    ("separators_only.csv", "has a header row but no data rows", {}),
    # Not a table at all
    ("image_renamed.csv", "is a PNG image, not a table of figures", {}),
    ("photo_renamed.csv", "is a JPEG image, not a table of figures", {}),
    ("pdf_renamed.csv", "is a PDF document, not a table of figures", {}),
    ("xls_renamed.csv", "is an old-style Excel (.xls) or Word file", {}),
    ("random_binary.csv", "is not a text or Excel file", {}),
    ("zip_renamed.csv", "is a ZIP archive", {}),
    ("docx_renamed.xlsx", "is a ZIP archive", {}),
    ("truncated.xlsx", "is a ZIP archive (or a damaged or non-Excel Office file)", {}),
    ("gzip_renamed.csv", "is a gzip archive", {}),
    ("sqlite_renamed.csv", "is a database file", {}),
    # Workbooks
    ("empty_sheets.xlsx", "has no sheet with any data", {}),
    ("header_only.xlsx", "has a header row but no data rows", {}),
    ("wrong_sheet.xlsx", "has no sheet called 'Figures'. Its sheets are: Data.",
     {"sheet": "Figures"}),
    ("unknown_area.xlsx", "Unknown area 'Glasgw': did you mean Glasgow City (S12000049)?", {}),
    ("percent_over_100.xlsx", "A percentage cannot be more than 100.", {}),
    # Columns
    ("missing_value_column.csv",
     "does not have the column 'value' that an indicator values file needs", {}),
    ("missing_area_column.csv",
     "does not have the column 'area' that an indicator values file needs", {}),
    ("wrong_headers.csv", "does not have the columns 'indicator', 'area', 'period', 'value'", {}),
    ("single_column.csv", "(its columns are: figures)", {}),
    ("targets_missing_target_value.csv",
     "does not have the column 'target_value' that a targets and baselines file needs", {}),
    # Areas and indicators
    ("unknown_area.csv", "Unknown area 'Glasgw': did you mean Glasgow City (S12000049)?", {}),
    ("web_page_saved_as.csv", "is a web page, not a table of figures", {}),
    ("unknown_area_code.csv", "Unknown area 'S12999999'.", {}),
    ("unknown_indicator.csv", "Unknown indicator 'ndo1_diversion_complete': did you mean "
     "Diversion from prosecution: cases successfully completed (ndo1_diversion_completed)?", {}),
    ("indicator_in_area_column.csv", "Unknown area 'ndo1_diversion_completed'", {}),
    ("annotations_unknown_area.csv", "Unknown area 'Glasgo': did you mean Glasgow City", {}),
    ("semicolon_unknown_area.csv", "Unknown area 'West Dumbartonshire': did you mean "
     "West Dunbartonshire (S12000039)?", {}),
    ("tab_unknown_indicator.csv", "Unknown indicator 'eng_webiste_visits': did you mean "
     "Website visits (eng_website_visits)?", {}),
    ("cp1252_unknown_indicator.csv", "Unknown indicator 'Diversion cases completé'", {}),
    ("utf16le_no_bom_unknown_area.csv", "Unknown area 'Glasgow Cty': did you mean Glasgow City",
     {}),
    # Periods
    ("period_2023_25.csv", "'2023/25' is not a period cjmetrics recognises: the two years of a "
     "financial year must be consecutive.", {}),
    ("utf16_bad_period.csv", "'2023/2025' is not a period cjmetrics recognises: the two years "
     "of a financial year must be consecutive.", {}),
    ("period_13_2024.csv", "'13/2024' is not a period cjmetrics recognises: months run from 1 "
     "to 12.", {}),
    ("period_2024_13.csv", "after the year write the next year (2023-24) or a month (2024-03)",
     {}),
    ("period_q5.csv", "'Q5 2024' is not a period cjmetrics recognises: quarters run from Q1 to "
     "Q4.", {}),
    ("period_30_feb.csv", "'30/02/2024' is not a period cjmetrics recognises: there is no such "
     "day in the calendar.", {}),
    ("period_year_typo.csv", "the year 2203 is outside 1900 to 2100", {}),
    ("period_words.csv", "'last year' is not a period cjmetrics recognises.", {}),
    ("targets_bad_target_period.csv", "'by 2026' is not a period cjmetrics recognises.", {}),
    # Values
    ("value_abc.csv", "'abc' is not a number.", {}),
    ("value_with_words.csv", "'40 people' is not a number.", {}),
    ("value_excel_error.csv", "'#DIV/0!' is not a number.", {}),
    ("value_two_points.csv", "'1.234.5' is not a number.", {}),
    ("wide_bad_value.csv", "'tbc' is not a number.", {}),
    ("negative_count.csv", "A count cannot be negative.", {}),
    ("bom_crlf_negative.csv", "A count cannot be negative.", {}),
    ("negative_numerator.csv", "A count cannot be negative.", {}),
    ("percent_140.csv", "A percentage cannot be more than 100.", {}),
    ("percent_upper_over_100.csv", "A percentage cannot be more than 100.", {}),
    ("lower_above_upper.csv", "The lower bound is above the upper bound.", {}),
    # Same figure twice
    ("duplicate_rows.csv", "Rows 2, 3 give the same figure (ndo1_diversion_completed, "
     "S12000049, 2023/24) more than once.", {}),
    ("duplicate_by_other_names.csv", "Rows 2, 3 give the same figure (ndo1_diversion_completed,"
     " S12000049, 2023/24) more than once.", {}),
    ("duplicate_breakdown.csv", "Rows 2, 3 give the same figure (eng_social_reach, S12000049, "
     "Mar 2024) more than once.", {}),
    # Blank cells in required columns
    ("blank_area.csv", "No area given.", {}),
    ("blank_indicator.csv", "No indicator given.", {}),
    ("blank_period.csv", "No period given.", {}),
    ("targets_blank_target_value.csv", "No target value given.", {}),
    ("annotations_blank_text.csv", "No text given.", {}),
    # Broken lines
    ("too_many_fields.csv", "This line has too many fields for the header row.", {}),
    ("too_few_fields.csv", "This line has too few fields for the header row.", {}),
    ("unquoted_comma_in_name.csv", "This line has too many fields for the header row.", {}),
    ("unclosed_quote.csv", 'This line has an unclosed quote (").', {}),
]

# Where the problem must be reported (spreadsheet row: the header is row 1), for files whose
# mistake is on one known row.
BAD_ROWS = {
    "unknown_area.csv": 3, "unknown_area.xlsx": 3, "unknown_indicator.csv": 3,
    "blank_area.csv": 3, "blank_indicator.csv": 3, "blank_period.csv": 3,
    "too_many_fields.csv": 3, "too_few_fields.csv": 3, "unquoted_comma_in_name.csv": 4,
    "unclosed_quote.csv": 3, "semicolon_unknown_area.csv": 3, "value_abc.csv": 2,
}


@pytest.fixture(scope="module")
def shared_store(_demo_template, tmp_path_factory):
    """One copy of the demo store for every bad file: none of them may change it, so they share
    it (and its checksum) and the suite stays quick. Not registered with open_store, so the
    per-test close_all() leaves it open."""
    path = tmp_path_factory.mktemp("bad") / "demo.duckdb"
    shutil.copy(_demo_template, path)
    store = Store(path)
    yield store
    store.close()


@pytest.fixture(scope="module")
def baseline(shared_store) -> str:
    return shared_store.checksum()


def _messages(store: Store, data: bytes, name: str, options: dict) -> tuple[list[str], object]:
    """Every sentence a lead would see for this upload; commit is tried where there is
    something to commit."""
    try:
        prepared = prepare(store, data, name, **options)
    except ImportRefused as exc:
        assert exc.title and exc.user_message
        return [exc.user_message], None
    assert not prepared.ok, f"{name} was accepted"
    assert prepared.error_count >= 1
    assert len(prepared.problems) >= 1
    assert prepared.problems["problem"].notna().all(), prepared.problems
    assert prepared.problems["fix"].notna().all(), prepared.problems
    with pytest.raises(ImportRefused, match="Nothing was imported"):
        commit(store, prepared)
    errors = prepared.problems[prepared.problems["severity"] == "error"]
    return list(errors["problem"]), prepared


def test_there_are_at_least_40_bad_files_and_each_has_its_expectation():
    on_disk = {p.name for p in BAD.iterdir() if p.suffix in (".csv", ".xlsx")}
    listed = [name for name, _, _ in BAD_FILES]
    assert len(listed) == len(set(listed))
    assert on_disk == set(listed), "every bad file needs exactly one row in BAD_FILES"
    assert len(on_disk) >= 40


@pytest.mark.parametrize("name, phrase, options", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_refused_with_its_message_and_changes_nothing(shared_store, baseline, name,
                                                                   phrase, options):
    data = (BAD / name).read_bytes()
    messages, prepared = _messages(shared_store, data, name, options)
    assert any(phrase in m for m in messages), f"{phrase!r} not in {messages}"
    if name in BAD_ROWS:
        rows = prepared.problems
        assert BAD_ROWS[name] in set(rows.loc[rows["problem"].str.contains(phrase, regex=False),
                                              "row"])
    assert not any("Traceback" in m or "Error:" in m for m in messages)
    assert shared_store.checksum() == baseline


def test_the_problem_table_has_the_documented_columns(shared_store):
    prepared = prepare(shared_store, (BAD / "unknown_area.csv").read_bytes(), "unknown_area.csv")
    assert list(prepared.problems.columns) == ["severity", "row", "column", "value", "problem",
                                               "fix"]
    row = prepared.problems.iloc[0]
    assert (row["severity"], row["row"], row["column"], row["value"]) == \
        ("error", 3, "area", "Glasgw")
    assert row["fix"].startswith("Use the area's GSS code")


def test_every_problem_in_a_file_is_listed_at_once_with_its_line(shared_store, baseline):
    data = ("indicator,area,period,value\n"
            "ndo1_diversion_completed,Glasgow City,2022/23,250\n"
            "ndo1_diversion_completed,Glasgow City,2023/24,245,extra\n"  # row 3
            "ndo1_diversion_completed,Glasgw,2021/22,230\n"  # row 4
            "ndo1_diversion_completed,Glasgow City,2023/25,200\n"  # row 5
            "ndo1_diversion_completed,Glasgow City,2020/21,lots\n"  # row 6
            "ndo1_diversion_completed,Glasgow City,2019/20,-1\n").encode()  # row 7
    prepared = prepare(shared_store, data, "many.csv")
    assert prepared.error_count == 5
    found = {(int(r.row), r.problem.split(":")[0].split(" '")[0])
             for r in prepared.problems.itertuples()}
    assert found == {(3, "This line has too many fields for the header row."),
                     (4, "Unknown area"), (5, "'2023/25' is not a period cjmetrics recognises"),
                     (6, "'lots' is not a number."), (7, "A count cannot be negative.")}
    assert shared_store.checksum() == baseline


@pytest.fixture
def ten_thousand_errors(tmp_path) -> Path:
    """10,500 rows, each with exactly one mistake (a value that is not a number)."""
    start = date(2000, 1, 1).toordinal()
    lines = ["indicator,area,period,value"] + [
        f"eng_event_attendance,Glasgow City,{date.fromordinal(start + i):%d/%m/%Y},n{i}"
        for i in range(10_500)]
    path = tmp_path / "ten_thousand_errors.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_ten_thousand_errors_show_the_first_hundred_and_the_count(shared_store, baseline,
                                                                  ten_thousand_errors):
    prepared = prepare(shared_store, ten_thousand_errors.read_bytes(), "big.csv")
    assert prepared.error_count == 10_500
    assert len(prepared.problems) == 100
    assert list(prepared.problems["row"]) == list(range(2, 102))
    assert "10,500 errors" in prepared.summary
    with pytest.raises(ImportRefused, match="10,500 errors"):
        commit(shared_store, prepared)
    assert shared_store.checksum() == baseline


def test_an_upload_over_the_size_limit_is_refused(shared_store, baseline, monkeypatch):
    from cjmetrics.ingest import read

    monkeypatch.setattr(read, "MAX_UPLOAD_MB", 1)
    data = (GOOD / "lf.csv").read_bytes() + b"\n" * (1024 * 1024 + 1)
    with pytest.raises(ImportRefused, match="the limit is 1 MB"):
        prepare(shared_store, data, "huge.csv")
    assert shared_store.checksum() == baseline



def test_a_nul_byte_file_is_refused_with_a_sentence(shared_store, baseline):
    with pytest.raises(ImportRefused, match="NUL character in its header row"):
        prepare(shared_store, b"\x00", "upload.csv")
    assert shared_store.checksum() == baseline


def test_a_workbook_with_damaged_compressed_data_is_refused_with_a_sentence(shared_store,
                                                                             baseline):
    import io
    import zipfile

    book = io.BytesIO()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml",
                         "<worksheet>" + "<row/>" * 5000 + "</worksheet>")
    data = bytearray(book.getvalue())
    start = data.find(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")
    data[start + 10:start + 40] = bytes(range(30))  # the sheet's deflate stream, broken
    with pytest.raises(ImportRefused, match="could not be opened"):
        prepare(shared_store, bytes(data), "upload.xlsx")
    assert shared_store.checksum() == baseline

# -- forgiving input -------------------------------------------------------------------------
GOOD_FILES = sorted(p.name for p in GOOD.iterdir())


def _import(store: Store, name: str, **options):
    prepared = prepare(store, (GOOD / name).read_bytes(), name, **options)
    errors = prepared.problems[prepared.problems["severity"] == "error"]
    assert prepared.ok, errors.to_dict("records")
    return prepared


@pytest.mark.parametrize("name", GOOD_FILES)
def test_good_file_imports(demo_store, name):
    prepared = _import(demo_store, name)
    assert len(prepared.rows) >= 1
    result = commit(demo_store, prepared)
    assert result.import_id is not None
    assert result.rows_new + result.rows_revised == len(prepared.rows)
    imported = demo_store.query(
        f"SELECT count(*) AS n FROM {prepared.template.table.table} WHERE import_id = ?",
        [result.import_id])["n"].iloc[0]
    assert imported == result.rows_new + result.rows_revised


def test_a_lone_fraction_among_percentages_is_flagged(demo_store):
    prepared = _import(demo_store, "percent_slip_warning.csv")
    warnings = prepared.problems[prepared.problems["severity"] == "warning"]
    assert list(warnings["row"]) == [3]
    assert "0.61 is read as 0.61%" in warnings["problem"].iloc[0]
    assert list(prepared.rows["value"]) == [64.0, 0.61]


def test_areas_by_code_or_name_in_any_case(demo_store):
    rows = _import(demo_store, "areas_any_spelling.csv").rows
    assert len(rows) == 6
    assert set(rows["area_code"]) == {GLASGOW}


def test_indicator_by_id_name_or_short_name_in_any_case(demo_store):
    rows = _import(demo_store, "indicator_by_name.csv").rows
    assert list(rows["indicator_id"]) == ["ndo1_diversion_completed"] * 3


PERIOD_FORMS = {  # as typed -> (label, start, end, type)
    "2023": ("2023", date(2023, 1, 1), date(2023, 12, 31), "calendar_year"),
    "2023/24": ("2023/24", date(2023, 4, 1), date(2024, 3, 31), "financial_year"),
    "2023-24": ("2023/24", date(2023, 4, 1), date(2024, 3, 31), "financial_year"),
    "2023/2024": ("2023/24", date(2023, 4, 1), date(2024, 3, 31), "financial_year"),
    "Q1 2024/25": ("Q1 2024/25", date(2024, 4, 1), date(2024, 6, 30), "quarter"),
    "2024-Q1": ("2024 Q1", date(2024, 1, 1), date(2024, 3, 31), "calendar_quarter"),
    "Mar 2024": ("Mar 2024", date(2024, 3, 1), date(2024, 3, 31), "month"),
    "2024-03": ("Mar 2024", date(2024, 3, 1), date(2024, 3, 31), "month"),
    "01/04/2024": ("1 Apr 2024", date(2024, 4, 1), date(2024, 4, 1), "day"),  # 1 April
}


def test_every_period_form_in_the_issue(demo_store):
    rows = _import(demo_store, "period_forms.csv").rows
    assert set(rows["note"]) == set(PERIOD_FORMS)
    for row in rows.itertuples():
        label, start, end, kind = PERIOD_FORMS[row.note]
        assert (row.period_label, pd.Timestamp(row.period_start).date(),
                pd.Timestamp(row.period_end).date(), row.period_type) == (label, start, end, kind)


def test_uk_dates_are_day_first(demo_store):
    rows = _import(demo_store, "period_forms.csv").rows
    day = rows[rows["note"] == "01/04/2024"].iloc[0]
    assert pd.Timestamp(day["period_start"]).date() == date(2024, 4, 1)


def test_a_percentage_as_64_percent_0_64_or_64_is_stored_as_64(demo_store):
    prepared = _import(demo_store, "percent_forms.csv")
    assert list(prepared.rows["value"]) == [64.0, 64.0, 64.0]
    warnings = prepared.problems[prepared.problems["severity"] == "warning"]
    assert len(warnings) == 1
    assert "read as fractions (0.64 = 64%)" in warnings["problem"].iloc[0]
    assert warnings["value"].iloc[0] == "ndo5_release_health_continuity"


def test_a_percent_formatted_excel_cell_is_stored_as_64(demo_store):
    assert list(_import(demo_store, "percent_formatted.xlsx").rows["value"]) == [64.0]


def test_thousands_separators(demo_store):
    assert list(_import(demo_store, "thousands.csv").rows["value"]) == \
        [1234.0, 12_345_678.0, 1500.0]


def test_blank_dash_and_na_are_missing_and_skipped_with_a_warning(demo_store):
    prepared = _import(demo_store, "missing_values.csv")
    assert list(prepared.rows["period_label"]) == ["Apr 2024"]
    assert prepared.warning_count == 3
    assert set(prepared.problems["problem"]) == {"No value: this row is skipped."}
    assert list(prepared.problems["row"]) == [2, 3, 4]


def test_a_wide_table_is_turned_long(demo_store):
    prepared = _import(demo_store, "wide.csv")
    assert prepared.layout == "wide"
    got = {(r.indicator_id, r.period_label): r.value for r in prepared.rows.itertuples()}
    assert got == {("ndo1_diversion_completed", "2021/22"): 230,
                   ("ndo1_diversion_completed", "2022/23"): 250,
                   ("ndo1_diversion_completed", "2023/24"): 245,
                   ("ndo1_diversion_commenced", "2021/22"): 300,
                   ("ndo1_diversion_commenced", "2023/24"): 320}


def test_checks_on_figures_hold_when_the_file_has_only_some_figure_columns(demo_store):
    # No lower column: a value above the upper bound is still flagged; no denominator
    # column: a negative numerator is still an error.
    data = ("indicator,area,period,value,upper,numerator\n"
            "ndo9_agree_community_sentence,Scotland,2021/22,74,70,\n"
            "ndo1_diversion_completed,Glasgow City,2021/22,230,,-3\n").encode()
    prepared = prepare(demo_store, data, "some_figures.csv")
    said = {(r.row, r.severity, r.problem) for r in prepared.problems.itertuples()}
    assert (2, "warning", "The value lies outside its interval (lower to upper).") in said
    assert (3, "error", "A count cannot be negative.") in said
    assert prepared.error_count == 1


def test_a_column_headed_like_the_row_numbers_is_left_out_and_rows_keep_their_numbers(
        demo_store):
    data = ("indicator,area,period,value,_row\n"
            "ndo1_diversion_completed,Glasgow City,2021/22,230,x\n"
            "ndo1_diversion_completed,Glasgow City,2022/23,oops,y\n").encode()
    prepared = prepare(demo_store, data, "row_header.csv")
    problems = {(r.row, r.column): r.problem for r in prepared.problems.itertuples()}
    assert problems[(3, "value")] == "'oops' is not a number."
    # said once, naming the file's own header
    assert [p for p in problems.values() if "_row" in p] == [
        "The column name '_row' is the one cjmetrics gives the row numbers it reports, so the "
        "file's '_row' column (shown as '_row_1') is not read."]


def test_rows_from_a_tool_export_with_a_row_column_are_staged_and_said_once(demo_store):
    from cjmetrics.ingest.pipeline import prepare_rows

    rows = pd.DataFrame({"indicator": ["ndo1_diversion_completed"] * 2,
                         "area": ["Glasgow City"] * 2, "period": ["2021/22", "2022/23"],
                         "value": ["230", "oops"], "_row": ["x", "y"]})
    prepared = prepare_rows(demo_store, rows, "export.xlsx", b"export",
                            kind="indicator_values")
    problems = {(r.row, r.column): r.problem for r in prepared.problems.itertuples()}
    assert problems[(3, "value")] == "'oops' is not a number."
    assert [p for p in problems.values() if "_row" in p] == [
        "The column name '_row' is the one cjmetrics gives the row numbers it reports, so the "
        "file's '_row' column (shown as '_row_1') is not read."]

def test_semicolons_with_a_decimal_comma(demo_store):
    rows = _import(demo_store, "semicolon_decimal_comma.csv").rows
    assert list(rows["value"]) == [64.5, 1234.0]


@pytest.mark.parametrize("name", ["lf.csv", "crlf.csv", "cr.csv", "utf8_bom.csv", "utf16.csv",
                                  "tab.csv"])
def test_line_endings_encodings_and_separators_read_the_same(demo_store, name):
    rows = _import(demo_store, name).rows
    assert list(zip(rows["indicator_id"], rows["area_code"], rows["period_label"],
                    rows["value"])) == [("eng_website_visits", GLASGOW, "Jan 2024", 1200.0),
                                        ("eng_website_visits", GLASGOW, "Feb 2024", 1300.0)]


def test_windows_1252_text_keeps_its_accents_and_symbols(demo_store):
    rows = _import(demo_store, "cp1252.csv").rows
    assert rows["note"].iloc[0] == "Café event – £5 entry"


def test_excel_dates_and_the_first_sheet_with_data(demo_store):
    prepared = _import(demo_store, "dates_and_second_sheet.xlsx")
    assert prepared.sheet == "Figures"
    assert prepared.sheets == ["Notes", "Figures"]
    assert list(prepared.rows["period_label"]) == ["1 Apr 2024", "Mar 2024"]


def test_rows_excel_leaves_blank_are_ignored(demo_store):
    prepared = _import(demo_store, "excel_blank_rows.csv")
    assert len(prepared.rows) == 1
    assert prepared.problems.empty


def test_every_template_column_and_breakdowns(demo_store):
    rows = _import(demo_store, "template_columns.csv").rows
    survey = rows[rows["indicator_id"] == "ndo9_agree_community_sentence"].iloc[0]
    assert (survey["value"], survey["lower"], survey["upper"]) == (74, 71, 77)
    assert set(rows["breakdown"]) == {"", "channel:Facebook", "channel:X"}


def test_targets_and_annotations_are_recognised_by_their_headers(demo_store):
    assert _import(demo_store, "targets.csv").template.kind == "targets"
    assert _import(demo_store, "annotations.csv").template.kind == "annotations"


# -- preview, commit, history and undo ---------------------------------------------------------
def _upload(rows: list[tuple]) -> bytes:
    lines = ["indicator,area,period,value,source"] + [",".join(map(str, r)) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def _current(store: Store, indicator_id: str, area: str, label: str) -> float:
    series = store.series([indicator_id], [area])
    return float(series.loc[series["period_label"] == label, "value"].iloc[0])


def test_preview_counts_new_revised_and_unchanged_and_writes_nothing(demo_store):
    demo = figures("ndo1_diversion_assessments", GLASGOW)
    same, changed = demo.iloc[0], demo.iloc[1]
    data = _upload([
        ("ndo1_diversion_assessments", GLASGOW, same["period"], same["value"], DEMO_SOURCE),
        ("ndo1_diversion_assessments", GLASGOW, changed["period"], changed["value"] + 7,
         DEMO_SOURCE),
        ("ndo1_diversion_assessments", GLASGOW, "2031/32", 999, "Partnership records")])
    before = demo_store.checksum()
    prepared = prepare(demo_store, data, "mixed.csv")
    preview = prepared.preview
    assert (preview.rows_new, preview.rows_revised, preview.rows_unchanged) == (1, 1, 1)
    assert preview.import_id is None
    assert "nothing is written until you import" in preview.message
    revised = preview.changes[preview.changes["change"] == "revised"].iloc[0]
    assert (revised["old_value"], revised["value"]) == (changed["value"], changed["value"] + 7)
    assert demo_store.checksum() == before

    result = commit(demo_store, prepared)
    assert (result.rows_new, result.rows_revised, result.rows_unchanged) == (1, 1, 1)
    record = demo_store.imports().iloc[0]
    assert (record["import_id"], record["file_name"], record["status"], record["who"]) == \
        (result.import_id, "mixed.csv", "committed", "local")
    assert (record["rows_new"], record["rows_revised"], record["rows_unchanged"]) == (1, 1, 1)
    assert len(record["sha256"]) == 64
    # Only new and revised rows are written; the unchanged one is not stored again.
    written = demo_store.query("SELECT count(*) AS n FROM observations WHERE import_id = ?",
                               [result.import_id])["n"].iloc[0]
    assert written == 2
    assert _current(demo_store, "ndo1_diversion_assessments", GLASGOW, changed["period"]) == \
        changed["value"] + 7
    assert _current(demo_store, "ndo1_diversion_assessments", GLASGOW, "2031/32") == 999


def test_the_same_file_twice_changes_nothing_and_says_already_imported(demo_store):
    data = (GOOD / "wide.csv").read_bytes()
    first = commit(demo_store, prepare(demo_store, data, "wide.csv"))
    assert first.import_id is not None
    after_first = demo_store.checksum()

    again = prepare(demo_store, data, "wide (1).csv")
    assert again.preview.duplicate_of == first.import_id
    assert "already imported" in again.preview.message
    second = commit(demo_store, again)
    assert second.import_id is None
    assert second.duplicate_of == first.import_id
    assert f"already imported as import #{first.import_id}" in second.message
    assert "nothing was changed" in second.message
    assert demo_store.checksum() == after_first


def test_an_unedited_reupload_of_the_current_values_changes_nothing(demo_store):
    """The demo figures, uploaded back as they are: every row matches the store."""
    data = (PROJECT_ROOT / "data" / "demo" /
            "observations.csv").read_bytes()
    before = demo_store.checksum()
    prepared = prepare(demo_store, data, "observations.csv")
    assert prepared.ok
    preview = prepared.preview
    assert (preview.rows_new, preview.rows_revised) == (0, 0)
    assert preview.rows_unchanged == len(prepared.rows) > 1000
    assert "match the store already; nothing was changed" in preview.message
    result = commit(demo_store, prepared)
    assert result.import_id is None
    assert "nothing was changed" in result.message
    assert demo_store.checksum() == before


def test_undo_brings_back_the_previous_value(demo_store):
    demo = figures("ndo1_diversion_completed", GLASGOW)
    old = demo.iloc[-1]
    data = _upload([("ndo1_diversion_completed", GLASGOW, old["period"], old["value"] + 50,
                     "Partnership records")])
    before = demo_store.checksum()
    result = commit(demo_store, prepare(demo_store, data, "fix.csv"))
    assert result.rows_revised == 1
    assert _current(demo_store, "ndo1_diversion_completed", GLASGOW, old["period"]) == \
        old["value"] + 50

    demo_store.undo_import(result.import_id)
    assert _current(demo_store, "ndo1_diversion_completed", GLASGOW, old["period"]) == \
        old["value"]
    record = demo_store.imports().set_index("import_id").loc[result.import_id]
    assert record["status"] == "undone"
    # The revision is kept for the history: nothing is deleted, only the status changes.
    history = demo_store.query(
        "SELECT value, import_id FROM observations WHERE indicator_id = ? AND area_code = ? "
        "AND period_label = ? ORDER BY import_id",
        ["ndo1_diversion_completed", GLASGOW, old["period"]])
    assert list(history["value"]) == [old["value"], old["value"] + 50]
    assert demo_store.checksum() != before

    with pytest.raises(ImportRefused, match="already undone"):
        demo_store.undo_import(result.import_id)
    # After an undo the same file may be imported again: it is a revision once more.
    again = commit(demo_store, prepare(demo_store, data, "fix.csv"))
    assert again.import_id is not None and again.rows_revised == 1


def test_commit_of_a_file_with_errors_is_refused(demo_store):
    prepared = prepare(demo_store, (BAD / "unknown_area.csv").read_bytes(), "unknown_area.csv")
    before = demo_store.checksum()
    with pytest.raises(ImportRefused) as caught:
        commit(demo_store, prepared)
    assert caught.value.user_message == ("The file has 1 error; fix it and upload the file "
                                         "again. Nothing was imported.")
    assert demo_store.checksum() == before


def test_a_file_whose_rows_are_all_skipped_has_nothing_to_import(demo_store):
    data = b"indicator,area,period,value\neng_website_visits,Glasgow City,Mar 2024,n/a\n"
    prepared = prepare(demo_store, data, "nothing.csv")
    assert prepared.ok and prepared.rows.empty and prepared.warning_count == 1
    before = demo_store.checksum()
    with pytest.raises(ImportRefused, match="no figures to import"):
        commit(demo_store, prepared)
    assert demo_store.checksum() == before


WORST_INPUTS = {
    "zero bytes": b"\x00" * 10, "zip": b"PK\x03\x04" + b"\x00" * 100,
    "broken utf-16": b"\xff\xfe" + b"\x00\xd8" * 20, "lone quote": b'"',
    "unclosed quote": b"a\n\"", "only commas": b",,,\n,,,\n", "only carriage returns": b"\r\r\r",
    "utf-16 without rows": "é".encode("utf-16-le") * 50,
}


def test_the_worst_inputs_are_refused_in_a_sentence_naming_the_file(demo_store):
    """Binary junk, broken quoting and empty tables: each refused as an import, never a
    traceback, with a sentence that names the file and says what to do; the store is left as
    it was."""
    before = demo_store.checksum()
    said = {}
    for name, data in WORST_INPUTS.items():
        with pytest.raises(ImportRefused) as caught:
            prepare(demo_store, data, "odd.csv")
        said[name] = caught.value.user_message
    unclear = [n for n, m in said.items() if not (m.startswith("'odd.csv' ") and m.endswith("."))]
    assert unclear == []
    assert [n for n, m in said.items() if "Traceback" in m or "Error" in m] == []
    assert demo_store.checksum() == before
