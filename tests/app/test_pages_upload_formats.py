"""AppTests of the Upload page with tool exports: the page says what it recognised,
asks only what the file cannot say, then shows the same preview and Import as for a template.

Runs the real entry point over a copy of the demo store; the store is read only to prove what
was written. Each test runs on the project's own fixtures (tests/data/formats/); the tests on the
real exports in ../shared/samples (conftest.SAMPLES) are an extra tier, skipped with the reason
when that folder is absent."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_pages_upload import UPLOAD, buttons, run_app, tiles, upload

from cjmetrics.store import open_store

from apptest_support import assert_clean, texts
from conftest import SAMPLES
from demo_csv import GLASGOW

PAGES_TESTED_HERE = ["pages/upload.py"]
FIXTURES = Path(__file__).resolve().parent.parent / "data" / "formats"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

BAD = Path(__file__).resolve().parent.parent / "data" / "bad" / "formats"

needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"extra tier: the real exports folder {SAMPLES} is absent "
                                 "(the project's own fixtures cover every format)")


# -- on the project's own fixtures -----------------------------------------------------------------
def test_a_mailchimp_fixture_is_recognised_and_imported(demo_db):
    store = open_store(demo_db)
    at = run_app(UPLOAD)
    upload(at, "campaigns.csv", (FIXTURES / "mailchimp_excel_resaved.csv").read_bytes())
    assert_clean(at)
    assert texts(at.info)[0] == ("Recognised: Mailchimp campaign report: 3 campaigns, Feb 2017 "
                                 "to Mar 2017.")
    question = [s for s in at.selectbox if s.label == "Which area are these figures for?"]
    assert len(question) == 1 and question[0].value == GLASGOW
    assert tiles(at) == {"New figures": "8", "Revised figures": "0", "Unchanged": "0"}
    [button] = buttons(at, "Import 8 figures")
    button.click().run()
    assert_clean(at)
    assert any(t.startswith("Import #") and "8 new" in t for t in texts(at.success))
    assert store.imports()["kind"].iloc[0] == "mailchimp"
    opens = store.series(["eng_newsletter_opens"], [GLASGOW])
    assert dict(zip(opens["period_label"], opens["value"]))["Mar 2017"] == 98


def test_an_eventbrite_fixture_asks_for_the_event_then_previews(demo_db):
    at = run_app(UPLOAD)
    upload(at, "attendees.csv", (FIXTURES / "eventbrite_us_custom_questions.csv").read_bytes())
    assert not at.exception
    assert any("Which event is this report for" in w for w in texts(at.warning))
    assert not buttons(at, "Import")
    event = next(t for t in at.text_input if t.label.startswith("Which event"))
    event.set_value("Partnership talk").run()
    assert_clean(at)
    assert tiles(at)["New figures"] == "1"
    new = at.tabs[0].dataframe[0].value
    assert new["Breakdown"].tolist() == ["Event: Partnership talk"]
    page_text = " ".join(texts(at.markdown) + texts(at.info) + texts(at.success)) + \
        new.to_csv()
    assert "jane.doe@example.org" not in page_text and "Doe" not in page_text


def test_a_statistics_workbook_offers_its_rows_and_its_other_tables(demo_db):
    at = run_app(UPLOAD)
    upload(at, "payback.xlsx", (FIXTURES / "scotgov_older_layout.xlsx").read_bytes(), XLSX)
    assert not at.exception
    assert texts(at.info)[0].startswith("Recognised: Scottish Government table 'Table 3:")
    [mapping] = [d.value for d in at.dataframe if "Row of the table" in d.value.columns]
    assert mapping["Row of the table"].tolist() == ["Orders imposed", "Completion rate"]
    sheet = next(s for s in at.selectbox if s.label == "Which table of the workbook?")
    assert "Index" not in sheet.options
    sheet.set_value("Table 4").run()
    assert not at.exception
    assert texts(at.info)[0].startswith("Recognised: Scottish Government table 'Table 4:")


def test_a_broken_export_fixture_gets_its_sentence(demo_db):
    at = run_app(UPLOAD)
    upload(at, "ga4.csv", (BAD / "ga4_pages_no_dates.csv").read_bytes())
    assert not at.exception
    assert any("Google Analytics 4 report" in e and "no table by day or month" in e
               for e in texts(at.error))
    at = run_app(UPLOAD)
    upload(at, "mystery.csv", b"colour,size\nred,3\n")
    assert any("'mystery.csv' is not recognised" in e and "X Ads" in e
               for e in texts(at.error))


# -- the extra tier: the real exports --------------------------------------------------------------


@needs_samples
def test_a_mailchimp_export_is_recognised_and_imported(demo_db):
    store = open_store(demo_db)
    at = run_app(UPLOAD)
    upload(at, "mailchimp_export_2.csv", (SAMPLES / "mailchimp_export_2.csv").read_bytes())
    assert_clean(at)
    assert texts(at.info)[0] == ("Recognised: Mailchimp campaign report: 9 campaigns, Feb 2017 "
                                 "to Mar 2017.")
    # The one question, answered from the sidebar's area and shown to confirm.
    question = [s for s in at.selectbox if s.label == "Which area are these figures for?"]
    assert len(question) == 1 and question[0].value == GLASGOW
    assert texts(at.success) == ["Mailchimp campaign report: 9 campaigns, Feb 2017 to Mar 2017; "
                                 "8 figures built from it."]
    assert tiles(at) == {"New figures": "8", "Revised figures": "0", "Unchanged": "0"}
    [button] = buttons(at, "Import 8 figures")
    button.click().run()
    assert_clean(at)
    assert any(t.startswith("Import #") and "8 new" in t for t in texts(at.success))
    log = store.imports()
    assert log["kind"].iloc[0] == "mailchimp"
    opens = store.series(["eng_newsletter_opens"], [GLASGOW])
    assert dict(zip(opens["period_label"], opens["value"]))["Mar 2017"] == 227


def test_the_area_question_can_be_changed(demo_db):
    at = run_app(UPLOAD)
    upload(at, "ga4.csv", (FIXTURES / "ga4_date_sessions.csv").read_bytes())
    question = next(s for s in at.selectbox if s.label == "Which area are these figures for?")
    question.set_value("S12000036").run()
    assert_clean(at)
    assert tiles(at)["New figures"] == "2"
    assert "City of Edinburgh" in at.tabs[0].dataframe[0].value["Area"].tolist()


@needs_samples
def test_an_eventbrite_report_asks_for_the_event_then_previews(demo_db):
    at = run_app(UPLOAD)
    upload(at, "attendees.csv", (SAMPLES / "eventbrite_attendees_1.csv").read_bytes())
    assert not at.exception
    assert any("Which event is this report for" in w for w in texts(at.warning))
    assert not buttons(at, "Import")
    event = next(t for t in at.text_input if t.label.startswith("Which event"))
    event.set_value("Partnership talk").run()
    assert_clean(at)
    assert tiles(at)["New figures"] == "1"
    new = at.tabs[0].dataframe[0].value
    assert new["Breakdown"].tolist() == ["Event: Partnership talk"]
    # Names and e-mail addresses in the report appear nowhere on the page.
    page_text = " ".join(texts(at.markdown) + texts(at.info) + texts(at.success)) + \
        new.to_csv()
    assert "jdoe1@test1mail.com" not in page_text and "Doe" not in page_text


@needs_samples
def test_a_statistics_table_offers_its_rows_for_mapping(demo_db):
    store = open_store(demo_db)
    at = run_app(UPLOAD)
    upload(at, "reconviction.xlsx",
           (SAMPLES / "scotgov_reconviction_tables_2017_18.xlsx").read_bytes(), XLSX)
    assert_clean(at)
    assert texts(at.info)[0].startswith("Recognised: Scottish Government table 'Table 1:")
    [mapping] = [d.value for d in at.dataframe if "Row of the table" in d.value.columns]
    assert mapping["Row of the table"].tolist() == [
        "Number of offenders", "Reconviction rate", "Average number of reconvictions per offender"]
    assert mapping["Import as"].tolist()[1].endswith("(cjpf_reconviction_rate)")
    tiles_shown = tiles(at)  # "Reconviction rate" suggested
    # Scotland's published rates are held for five of the years, from a later edition
    assert (tiles_shown["New figures"], tiles_shown["Revised figures"]) == ("16", "5")
    buttons(at, "Import 21 figures")[0].click().run()
    assert_clean(at)
    assert store.imports()["kind"].iloc[0] == "scotgov_tables"
    saved = store.query("SELECT series, indicator_id FROM table_mappings")
    assert dict(zip(saved["series"], saved["indicator_id"]))["Reconviction rate"] == \
        "cjpf_reconviction_rate"


@needs_samples
def test_a_statistics_table_preview_reads_in_period_order(demo_db):
    """New and revised figures of a published table are listed year by year, not in the order
    the comparison with the store happened to give (2013/14, 1999/00, 2009/10 ...)."""
    at = run_app(UPLOAD)
    upload(at, "reconviction.xlsx",
           (SAMPLES / "scotgov_reconviction_tables_2017_18.xlsx").read_bytes(), XLSX)
    assert_clean(at)
    for tab in at.tabs[:2]:  # New figures, Revised figures
        periods = tab.dataframe[0].value["Period"].tolist()
        assert len(periods) > 1
        assert periods == sorted(periods, key=lambda p: int(p[:4])), periods


@needs_samples
def test_a_statistics_cube_names_its_area(demo_db):
    at = run_app(UPLOAD)
    upload(at, "crime.csv",
           (SAMPLES / "statsgovscot_cube_recorded_crime_edinburgh_readr.csv").read_bytes())
    assert not at.exception
    assert texts(at.info)[0].startswith("Recognised: statistics.gov.scot cube download: 115 "
                                        "series for City of Edinburgh, 1996/1997 to 2017/2018")


@needs_samples
def test_another_table_of_the_workbook_is_chosen_by_its_sheet(demo_db):
    at = run_app(UPLOAD)
    upload(at, "reconviction.xlsx",
           (SAMPLES / "scotgov_reconviction_tables_2017_18.xlsx").read_bytes(), XLSX)
    sheet = next(s for s in at.selectbox if s.label == "Which table of the workbook?")
    assert "Index" not in sheet.options and "Notes" not in sheet.options
    sheet.set_value("Table 2").run()
    assert_clean(at)
    assert texts(at.info)[0].startswith("Recognised: Scottish Government table 'Table 2:")
    new = at.tabs[0].dataframe[0].value
    assert set(new["Breakdown"]) == {"Gender: Males", "Gender: Females"}


@needs_samples
def test_a_broken_export_gets_its_sentence_and_an_unknown_file_the_list(demo_db):
    at = run_app(UPLOAD)
    upload(at, "ga4.csv", (SAMPLES / "google_analytics_ga4_export_1.csv").read_bytes())
    assert not at.exception
    assert any("Google Analytics 4 report" in e and "no table by day or month" in e
               for e in texts(at.error))
    at = run_app(UPLOAD)
    upload(at, "mystery.csv", b"colour,size\nred,3\n")
    assert any("'mystery.csv' is not recognised" in e and "Mailchimp campaign report" in e
               for e in texts(at.error))
