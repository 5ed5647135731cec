"""`python -m cjmetrics import` with tool exports: what was recognised, a clear exit-1
sentence when an answer is missing, --dry-run writing nothing, and a remembered table mapping."""

from __future__ import annotations

from pathlib import Path

from test_cli import run

from cjmetrics.store import close_all, open_store

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "formats"


def test_an_export_without_its_area_exits_1_naming_the_option(empty_db):
    close_all()
    result = run("import", str(FIXTURES / "mailchimp_report_percent.csv"), db=empty_db)
    assert result.returncode == 1
    assert "Recognised: Mailchimp campaign report: 3 campaigns, Mar 2024 to Apr 2024." in \
        result.stdout
    assert "Nothing was imported: Which area are these figures for? Give it with --area CODE" \
        in result.stderr
    assert "Traceback" not in result.stderr


def test_dry_run_then_import_records_the_format(empty_db):
    close_all()
    path = str(FIXTURES / "mailchimp_report_percent.csv")
    dry = run("import", path, "--area", "Glasgow", "--dry-run", db=empty_db)
    assert dry.returncode == 0, dry.stderr
    assert "8 new, 0 revised and 0 unchanged rows" in dry.stdout
    assert "Dry run: nothing was written." in dry.stdout
    done = run("import", path, "--area", "Glasgow", db=empty_db)
    assert done.returncode == 0, done.stderr
    log = run("imports", db=empty_db)
    assert "mailchimp" in log.stdout and "mailchimp_report_percent.csv" in log.stdout
    store = open_store(empty_db)
    assert len(store.series(["eng_newsletter_open_rate"], ["S12000049"])) == 2


def test_eventbrite_needs_the_month_and_a_statistics_table_its_mapping(empty_db):
    close_all()
    result = run("import", str(FIXTURES / "eventbrite_uk_checkin.csv"), "--area", "S12000049",
                 "--period", "", db=empty_db)
    assert result.returncode == 1
    assert "In which month did the event take place?" in result.stderr
    assert "--period PERIOD" in result.stderr
    table = str(FIXTURES / "statsgov_table_download.csv")
    unmapped = run("import", table, db=empty_db)
    assert unmapped.returncode == 1
    assert "--map 'ROW=INDICATOR_ID'" in unmapped.stderr
    assert "Dataset: Recorded Crime | Measure Type: Count | Crime or Offence: All Crimes" in \
        unmapped.stderr
    row = "Dataset: Recorded Crime | Measure Type: Count | Crime or Offence: All Crimes"
    mapped = run("import", table, "--map", f"{row}=ndo1_diversion_commenced", db=empty_db)
    assert mapped.returncode == 0, mapped.stderr
    assert "Import #" in mapped.stdout
    # The next release of the same table needs no --map.
    again = run("import", table, "--dry-run", db=empty_db)
    assert again.returncode == 0, again.stderr
    assert "already imported" in again.stdout


def test_an_unknown_row_in_map_is_named(empty_db):
    close_all()
    result = run("import", str(FIXTURES / "statsgov_table_download.csv"), "--map",
                 "Nonsense=ndo1_diversion_commenced", db=empty_db)
    assert result.returncode == 1
    assert "This table has no row 'Nonsense'" in result.stderr
