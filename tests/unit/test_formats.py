"""Tool exports: every detector against every file, a fixture of the project's own per format and
documented variant (tests/data/formats/, written by make_exports.py, make_xlsx.py and make_xls.py
there), broken exports refused with their own sentence (tests/data/bad/formats/), personal data
dropped, and the same preview / import / undo as a template.

An extra tier reads the real exports in ../shared/samples (conftest.SAMPLES) when that folder is
beside the project; without it those tests are reported as skipped, with the reason.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from cjmetrics.audit import audit_table
from cjmetrics.errors import ImportRefused
from cjmetrics.imports import import_log, kind_name
from cjmetrics.ingest import commit, formats
from cjmetrics.ingest.formats.base import number, parse_date, read_source, share
from cjmetrics.ingest.formats.surveys import parse_survey
from cjmetrics.store import Store

from conftest import PROJECT_ROOT, SAMPLES

DATA = Path(__file__).resolve().parent.parent / "data"
FIXTURES = DATA / "formats"
BAD = DATA / "bad" / "formats"
GLASGOW = "S12000049"

needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"extra tier: the real exports folder {SAMPLES} is absent "
                                 "(the project's own fixtures cover every format)")

# file -> the format that must claim it ("" for none)
SAMPLE_FORMATS = {
    "mailchimp_export_2.csv": "mailchimp",
    "twitter_tweet_activity_1.csv": "x_tweet_activity",
    "twitter_daily_activity_1.csv": "x_tweet_activity",  # one detector reads both X layouts
    "facebook_insights_post_level_1.csv": "facebook_posts",
    "eventbrite_attendees_1.csv": "eventbrite",
    "google_analytics_ua_export_1.csv": "google_analytics_ua",
    "google_analytics_ga4_export_1.csv": "google_analytics_ua",  # same reader, GA4 branch
    "statsgovscot_cube_recorded_crime_edinburgh_readr.csv": "statsgovscot_cube",
    "scotgov_reconviction_tables_2017_18.xlsx": "scotgov_tables",
    "surveymonkey_export_1.csv": "survey_export",
    "google_forms_export_1.csv": "survey_export",
}
FIXTURE_FORMATS = {
    "mailchimp_report_percent.csv": "mailchimp",
    "mailchimp_audience_fraction.csv": "mailchimp",
    "mailchimp_campaigns_account.csv": "mailchimp",
    "mailchimp_excel_resaved.csv": "mailchimp",
    "mailchimp_excel_day_month_words.csv": "mailchimp",
    "mailchimp_campaigns_recipients_only.csv": "mailchimp",
    "mailchimp_api_stats.csv": "mailchimp",
    "mailchimp_report_no_recipients.csv": "mailchimp",
    "twitter_tweets_en.csv": "x_tweet_activity",
    "twitter_daily_en.csv": "x_tweet_activity",
    "twitter_daily_apr2021.csv": "x_tweet_activity",  # the large-revision case
    "template_inline_strings.xlsx": "",  # a template, written with inline strings
    "facebook_insights_posts.csv": "facebook_posts",
    "facebook_ads_no_reach.csv": "facebook_ads",
    "x_ads_campaigns.xlsx": "x_ads",
    "eventbrite_us_custom_questions.csv": "eventbrite",
    "ua_users_by_day.csv": "google_analytics_ua",
    "statsgov_cube_financial_years.csv": "statsgovscot_cube",
    "statsgov_upload_layout.csv": "statsgovscot_cube",
    "statsgov_table_reference_period.csv": "statsgovscot_table",
    "scotgov_accessible_estimates.xlsx": "scotgov_tables",
    "surveymonkey_expanded_cp1252_cr.csv": "survey_export",
    "surveymonkey_condensed_other.csv": "survey_export",
    "google_forms_crlf_emoji.csv": "survey_export",
    "twitter_tweets_es.csv": "x_tweet_activity",
    "twitter_daily_de.csv": "x_tweet_activity",
    "twitter_tweets_pl_by_position.csv": "x_tweet_activity",
    "x_posts_content.csv": "x_tweet_activity",  # X analytics since 2024
    "x_account_overview.csv": "x_tweet_activity",
    "meta_facebook_posts.csv": "facebook_posts",
    "instagram_posts.csv": "facebook_posts",
    "facebook_ads_monthly.csv": "facebook_ads",
    "facebook_ads_month_breakdown.csv": "facebook_ads",
    "facebook_page_level.csv": "facebook_page",
    "linkedin_content.xlsx": "linkedin",
    "linkedin_page.xls": "linkedin",
    "eventbrite_uk_checkin.csv": "eventbrite",
    "eventbrite_us_event_date.csv": "eventbrite",
    "ua_german_two_tables.csv": "google_analytics_ua",
    "ua_month_of_year.csv": "google_analytics_ua",
    "ua_one_month_totals.csv": "google_analytics_ua",
    "ua_day_first_slashes.csv": "google_analytics_ua",
    "ga4_date_sessions.csv": "google_analytics_ua",
    "ga4_nth_day_users.csv": "google_analytics_ua",
    "statsgov_cube_ci.csv": "statsgovscot_cube",
    "statsgov_table_download.csv": "statsgovscot_table",
    "scotgov_accessible.xlsx": "scotgov_tables",
    "scotgov_older_layout.xlsx": "scotgov_tables",
    "google_forms_serial.xlsx": "survey_export",
}


def _matrix_files() -> list[tuple[Path, str]]:
    files = [(FIXTURES / n, f) for n, f in FIXTURE_FORMATS.items()]
    files += [(p, "") for p in sorted((PROJECT_ROOT / "data" / "templates").glob("*.csv"))]
    files += [(p, "") for p in sorted((DATA / "good").iterdir()) if p.suffix in (".csv", ".xlsx")]
    files += [(p, "") for p in sorted((DATA / "bad").glob("*.*")) if p.suffix in (".csv", ".xlsx")]
    if SAMPLES.is_dir():
        files += [(SAMPLES / n, f) for n, f in SAMPLE_FORMATS.items()]
    return files


MATRIX = _matrix_files()


def test_every_fixture_is_in_the_matrix():
    on_disk = {p.name for p in FIXTURES.iterdir() if p.suffix in (".csv", ".xlsx", ".xls")}
    assert on_disk == set(FIXTURE_FORMATS)


@pytest.mark.parametrize("path, expected", MATRIX, ids=[p.name for p, _ in MATRIX])
def test_detection_matrix_every_file_against_every_detector(path, expected):
    """Each detector claims its own exports and nothing else: no template, no good or bad
    template file, no other tool's export."""
    try:
        source = read_source(path.read_bytes(), path.name)
    except ImportRefused:
        assert expected == "", f"{path.name} could not be read"
        return  # not a table at all: refused before any detector runs
    claimed = []
    for fmt in formats.FORMATS:
        try:
            found = fmt.detect(source, None)
        except formats.ExportIncomplete:
            claimed.append(fmt.key)
            continue
        if found is not None:
            claimed.append(fmt.key)
    assert claimed == ([expected] if expected else []), f"{path.name} claimed by {claimed}"


# -- the real samples --------------------------------------------------------------------
@needs_samples
@pytest.mark.parametrize("name, phrase, answers, figures", [
    ("mailchimp_export_2.csv", "Mailchimp campaign report: 9 campaigns, Feb 2017 to Mar 2017",
     {"area": GLASGOW}, 8),
    ("twitter_tweet_activity_1.csv", "X/Twitter tweet activity export: 31 tweets, Apr 2021",
     {"area": GLASGOW}, 2),
    ("twitter_daily_activity_1.csv", "X/Twitter daily activity export: 30 days, Apr 2021",
     {"area": GLASGOW}, 2),
    ("facebook_insights_post_level_1.csv",
     "Facebook Page Insights post-level export: 1 post, Jan 2017", {"area": GLASGOW}, 2),
    ("eventbrite_attendees_1.csv", "Eventbrite attendee report: 3 registrations and no "
     "check-ins, so registrations will be counted as attendance",
     {"area": GLASGOW, "event": "Partnership talk", "period": "Dec 2024"}, 1),
    ("google_analytics_ua_export_1.csv", "Universal Analytics report: Users by day, Jan 2019",
     {"area": GLASGOW}, 1),
    ("statsgovscot_cube_recorded_crime_edinburgh_readr.csv",
     "statistics.gov.scot cube download: 115 series for City of Edinburgh, ",
     {"mapping": {"Count | Crimes Or Offences Recorded | All Offences":
                  "ndo1_diversion_commenced"}}, None),
    ("scotgov_reconviction_tables_2017_18.xlsx", "sheet 'Table 1', periods as rows): 3 series",
     {"area": "S92000003"}, 21),
])
def test_each_sample_is_recognised_and_imports(empty_store, name, phrase, answers, figures):
    data = (SAMPLES / name).read_bytes()
    recognised = formats.recognise(data, name)
    assert phrase in recognised.description
    prepared = formats.prepare_any(empty_store, data, name, answers=answers)
    assert prepared.ok, prepared.problems
    assert prepared.summary.startswith(recognised.description)
    if figures is not None:
        assert len(prepared.rows) == figures
    result = commit(empty_store, prepared)
    assert result.rows_new == len(prepared.rows)
    log = empty_store.imports()
    assert log["kind"].iloc[0] == recognised.format.key
    assert log["summary"].iloc[0].startswith(recognised.description)
    # Imports & history names the kind by its short name, which the list of supported exports
    # holds too, within its title.
    assert import_log(empty_store)["Kind"].iloc[0] == recognised.format.name


def test_imports_and_history_names_kinds_and_the_local_user(empty_store):
    """The stored codes ("x_daily_activity", "local") are shown in words."""
    data = (FIXTURES / "twitter_daily_en.csv").read_bytes()
    prepared = formats.prepare_any(empty_store, data, "daily.csv", answers={"area": GLASGOW})
    commit(empty_store, prepared)
    [row] = import_log(empty_store).to_dict("records")
    assert (row["Kind"], row["Who"], row["Status"]) == (
        "X/Twitter daily activity", "No sign-in (local use)", "Current")
    # what a lead scans for first fits a laptop's width: which, when, whether it counts, what
    assert list(import_log(empty_store).columns[:5]) == ["Import", "When", "Status", "Kind",
                                                         "File"]
    # the Audit page says the same
    [entry] = audit_table(empty_store).to_dict("records")
    assert entry["Who"] == "No sign-in (local use)"
    assert entry["Detail"] == f"X/Twitter daily activity: daily.csv ({row['New']:,} new, 0 revised)"
    assert kind_name("indicator_values") == "Indicator values"
    # a tool whose title lists its tools and layouts is named short in the log; the Upload
    # page's list of formats keeps the whole title
    assert kind_name("survey_export") == "Survey responses"
    assert kind_name("facebook_posts") == "Facebook/Instagram posts"
    assert all(len(kind_name(f.key)) <= 30 for f in formats.FORMATS)
    assert "Survey tools: SurveyMonkey (expanded or condensed), Google Forms, Microsoft Forms " \
        "response exports" in formats.supported_formats()
    assert (kind_name("demo"), kind_name("reference")) == (
        "Demo data", "Published reference figures")
    assert kind_name("some_new_kind") == "Some new kind"


@needs_samples
def test_mailchimp_sample_counts_ab_tests_once_and_recomputes_the_rate(empty_store):
    prepared = formats.prepare_any(empty_store, (SAMPLES / "mailchimp_export_2.csv").read_bytes(),
                                   "m.csv", answers={"area": GLASGOW})
    rows = prepared.rows.set_index(["indicator_id", "period_label"])
    # March: the combined A/B rows (not their Combo/Winner parts) plus the plain campaigns.
    opens = rows.loc[("eng_newsletter_opens", "Mar 2017"), "value"]
    rate = rows.loc[("eng_newsletter_open_rate", "Mar 2017")]
    assert opens == 38 + 26 + 22 + 72 + 19 + 50
    assert rate["numerator"] == opens and rate["denominator"] == 123 + 300 + 65 + 239 + 66 + 126
    assert rate["value"] == pytest.approx(100 * opens / rate["denominator"], abs=0.01)


@needs_samples
def test_ga4_pages_sample_names_what_is_missing(empty_store):
    before = empty_store.checksum()
    with pytest.raises(formats.ExportIncomplete, match="Google Analytics 4 report for 16 Dec 2023 "
                                                   "to 13 Jan 2026, but it has no table by day"):
        formats.prepare_any(empty_store,
                            (SAMPLES / "google_analytics_ga4_export_1.csv").read_bytes(), "g.csv",
                            answers={"area": GLASGOW})
    assert empty_store.checksum() == before


@needs_samples
@pytest.mark.parametrize("name, respondents, tool", [
    ("surveymonkey_export_1.csv", 300, "SurveyMonkey response export"),
    ("google_forms_export_1.csv", 64, "Google Forms response export")])
def test_survey_samples_parse_to_a_tidy_frame_and_ask_what_they_cannot_say(empty_store, name,
                                                                           respondents, tool):
    data = (SAMPLES / name).read_bytes()
    title, tidy = parse_survey(read_source(data, name))
    assert title == tool
    assert list(tidy.columns) == ["respondent_id", "submitted", "question", "item", "answer",
                                  "source_row"]
    assert tidy["respondent_id"].nunique() == respondents
    before = empty_store.checksum()
    # -- survey exports: imported through their mapping (tests/app/test_survey_exports.py) --
    with pytest.raises(ImportRefused, match="Before it can be imported, say which area"):
        formats.prepare_any(empty_store, data, name)
    assert empty_store.checksum() == before


def test_surveymonkey_condensed_new_naming_and_personal_data():
    text = ("Respondent ID,Collector ID,Start Date,End Date,IP Address,Email Address,First Name,"
            "Last Name,How safe do you feel?,Services used - Housing,Services used - Health\n"
            "114,9,04/01/2024 10:00,04/01/2024 10:05,203.0.113.9,x@example.org,Ann,Smith,"
            "Very safe,Yes,\n")
    title, tidy = parse_survey(read_source(text.encode(), "sm.csv"))
    assert title == "SurveyMonkey response export"
    assert set(tidy["question"]) == {"How safe do you feel?", "Services used"}
    assert tidy.loc[tidy["item"] == "Housing", "answer"].item() == "Yes"
    flat = tidy.to_csv()
    for personal in ("203.0.113.9", "x@example.org", "Ann", "Smith"):
        assert personal not in flat


def test_microsoft_forms_drops_email_and_name_and_keeps_the_id():
    text = ("Id,Start time,Completion time,Email,Name,What went well?\n"
            "7,4/1/24 10:00:00,4/1/24 10:03:00,anon@example.org,Ann Smith,"
            "Call me on 07700 900123 please\n")
    title, tidy = parse_survey(read_source(text.encode(), "ms.csv"))
    assert title == "Microsoft Forms response export"
    assert tidy[["respondent_id", "question"]].values.tolist() == [["7", "What went well?"]]
    assert "07700" not in tidy["answer"].item() and "[phone removed]" in tidy["answer"].item()


# -- documented variants ---------------------------------------------------------------------
def _figures(store, name: str, answers: dict, sheet: str | None = None) -> dict:
    prepared = formats.prepare_any(store, (FIXTURES / name).read_bytes(), name, sheet=sheet,
                                   answers=answers)
    assert prepared.ok, prepared.problems
    rows = prepared.rows
    return {(r.indicator_id, r.area_code, r.period_label, r.breakdown): r
            for r in rows.itertuples()}


def test_mailchimp_rates_as_percent_with_word_dates(empty_store):
    got = _figures(empty_store, "mailchimp_report_percent.csv", {"area": GLASGOW})
    march = got[("eng_newsletter_open_rate", GLASGOW, "Mar 2024", "")]
    assert (march.numerator, march.denominator) == (217, 790)
    assert march.value == pytest.approx(27.47, abs=0.01)
    assert got[("eng_newsletter_clicks", GLASGOW, "Apr 2024", "")].value == 45


def test_mailchimp_audience_header_and_fraction_rates_without_opens(empty_store):
    got = _figures(empty_store, "mailchimp_audience_fraction.csv", {"area": GLASGOW})
    # Opens worked out from the rate: 0.2778 x 100 + 0.25 x 200.
    assert got[("eng_newsletter_opens", GLASGOW, "Nov 2018", "")].value == 28 + 50
    assert got[("eng_newsletter_open_rate", GLASGOW, "Nov 2018", "")].value == 26


def test_mailchimp_account_export_skips_unsent_drafts(empty_store):
    recognised = formats.recognise((FIXTURES / "mailchimp_campaigns_account.csv").read_bytes(),
                                   "campaigns.csv")
    assert recognised.description == "Mailchimp campaign report: 2 campaigns, Jun 2019 to Jul 2019"
    got = _figures(empty_store, "mailchimp_campaigns_account.csv", {"area": GLASGOW})
    assert got[("eng_newsletter_opens", GLASGOW, "Jul 2019", "")].value == 96


@pytest.mark.parametrize("name, month, reach, engaged", [
    ("twitter_tweets_es.csv", "May 2022", 1500, 70),
    ("twitter_daily_de.csv", "Feb 2023", 2000, 60),
    ("twitter_tweets_pl_by_position.csv", "Mar 2023", 1000, 30),
])
def test_x_exports_in_other_languages(empty_store, name, month, reach, engaged):
    got = _figures(empty_store, name, {"area": GLASGOW})
    key = (GLASGOW, month, "channel:X/Twitter")
    assert got[("eng_social_reach", *key)].value == reach
    assert got[("eng_social_engagements", *key)].value == engaged


def test_x_analytics_since_2024_posts_and_overview(empty_store):
    """X's newer exports: posts with a Post Link to x.com and days as 'Tue, Nov 26, 2024'. A post
    pasted twice is counted once, and the preview says so."""
    posts = formats.recognise((FIXTURES / "x_posts_content.csv").read_bytes(), "content.csv")
    assert posts.description == "X/Twitter post analytics export: 4 posts, Nov 2024 to Dec 2024"
    assert posts.notes == ["1 row of the file is an exact copy of an earlier row (row 6 repeats "
                           "row 3), so each is counted once."]
    got = _figures(empty_store, "x_posts_content.csv", {"area": GLASGOW})
    nov, dec = [(GLASGOW, month, "channel:X/Twitter") for month in ("Nov 2024", "Dec 2024")]
    assert (got[("eng_social_reach", *nov)].value, got[("eng_social_engagements", *nov)].value) \
        == (1200 + 800 + 50, 40 + 25 + 2)
    assert got[("eng_social_reach", *dec)].value == 600
    overview = formats.recognise((FIXTURES / "x_account_overview.csv").read_bytes(), "o.csv")
    assert overview.description == "X/Twitter account overview export: 3 days, Nov 2024 to Dec 2024"
    got = _figures(empty_store, "x_account_overview.csv", {"area": GLASGOW})
    assert got[("eng_social_reach", *nov)].value == 500
    assert (got[("eng_social_reach", *dec)].value, got[("eng_social_engagements", *dec)].value) \
        == (900 + 300, 30 + 10)


def test_x_daily_resaved_in_british_excel_reads_slash_dates_day_first(empty_store, tmp_path):
    """X writes ISO dates, so slash dates come from a re-save in Excel: in Scotland, day first.
    01/05/2021 is 1 May, not 5 January."""
    text = (FIXTURES / "twitter_daily_en.csv").read_text()
    for iso, slashed in [("2021-04-29", "01/05/2021"), ("2021-04-30", "02/05/2021"),
                         ("2021-05-01", "03/05/2021")]:
        text = text.replace(iso, slashed)
    recognised = formats.recognise(text.encode(), "daily.csv")
    assert recognised.description == "X/Twitter daily activity export: 3 days, May 2021"


def test_x_channel_label_is_the_one_the_demo_uses():
    demo = (PROJECT_ROOT / "data" / "demo" / "observations.csv").read_text()
    assert "channel:X/Twitter" in demo


@pytest.mark.parametrize("name, channel, month, reach, engaged", [
    ("meta_facebook_posts.csv", "channel:Facebook", "Jan 2024", 1000, 60),
    ("instagram_posts.csv", "channel:Instagram", "Mar 2024", 950, 60 + 4 + 5 + 3 + 6 + 5 + 2 + 40),
    ("facebook_ads_monthly.csv", "channel:Facebook ads", "Mar 2024", 3500, 130),
    ("facebook_ads_month_breakdown.csv", "channel:Facebook ads", "Feb 2024", 3000, 120),
    ("facebook_page_level.csv", "channel:Facebook", "Jan 2024", 540, 25),
    ("linkedin_content.xlsx", "channel:LinkedIn", "Jun 2024", 400, 25 + 12 + 2 + 1),
])
def test_other_social_exports(empty_store, name, channel, month, reach, engaged):
    got = _figures(empty_store, name, {"area": GLASGOW})
    assert got[("eng_social_reach", GLASGOW, month, channel)].value == reach
    assert got[("eng_social_engagements", GLASGOW, month, channel)].value == engaged


def test_eventbrite_uk_counts_checked_in_per_event_and_registrations_in_the_note(empty_store):
    recognised = formats.recognise((FIXTURES / "eventbrite_uk_checkin.csv").read_bytes(), "e.csv")
    assert recognised.description == ("Eventbrite attendee report: 2 events, 3 attendees "
                                      "checked in of 4 registered")
    assert [q.key for q in recognised.questions] == ["area", "period"]
    assert recognised.question("period").default == "Mar 2024"
    got = _figures(empty_store, "eventbrite_uk_checkin.csv", {"area": GLASGOW,
                                                              "period": "Feb 2024"})
    conference = got[("eng_event_attendance", GLASGOW, "Feb 2024",
                      "event:Partnership conference 2024")]
    assert conference.value == 2 and conference.note == "2 checked in of 3 registered"


def test_eventbrite_us_with_event_dates_asks_only_the_area(empty_store):
    recognised = formats.recognise((FIXTURES / "eventbrite_us_event_date.csv").read_bytes(),
                                   "e.csv")
    assert [q.key for q in recognised.questions] == ["area"]
    got = _figures(empty_store, "eventbrite_us_event_date.csv", {"area": GLASGOW})
    assert got[("eng_event_attendance", GLASGOW, "Apr 2024", "event:Justice open day")].value == 2


@pytest.mark.parametrize("name, expected", [
    ("ua_german_two_tables.csv", {"Jan 2019": 1200 + 1346, "Feb 2019": 2546 + 854}),
    ("ua_month_of_year.csv", {"Jan 2019": 2800, "Feb 2019": 2500, "Mar 2019": 3100}),
    ("ua_one_month_totals.csv", {"Mar 2019": 2300}),  # a whole month's totals row
    ("ua_day_first_slashes.csv", {"Apr 2019": 60, "May 2019": 90}),
    ("ga4_date_sessions.csv", {"Jan 2024": 200, "Feb 2024": 165}),
    ("ga4_nth_day_users.csv", {"Mar 2024": 22, "Apr 2024": 30}),
])
def test_google_analytics_variants(empty_store, name, expected):
    got = _figures(empty_store, name, {"area": GLASGOW})
    assert {k[2]: r.value for k, r in got.items()} == expected
    assert all(k[0] == "eng_website_visits" for k in got)


def test_localised_numbers():
    # A German export's thousands point is known from the rest of the file (see web.py).
    assert number("2.546", decimal_comma=True) == 2546
    assert number("2,800") == 2800 and number("825.0") == 825
    assert number("99,88%") == pytest.approx(99.88) and number("1.234,5") == pytest.approx(1234.5)
    assert share("27.78%") == share("27.78") == pytest.approx(0.2778)
    assert share("0.2778") == pytest.approx(0.2778)


def test_iso_times_with_zones_are_read_as_written():
    """A tool's ISO time, with fractions and a zone, is its date as written, not the UTC one; a
    date that is not one is still unread."""
    assert parse_date("2026-12-03T10:00:00.000Z") == date(2026, 12, 3)
    assert parse_date("2025-01-15 23:53:05-05:00") == date(2025, 1, 15)
    assert parse_date("Tue, Nov 26, 2024") == date(2024, 11, 26)
    assert parse_date("2026-13-40T10:00") is None


def test_cube_confidence_limits_become_bounds_and_other_geographies_are_left_out(empty_store):
    name = "statsgov_cube_ci.csv"
    recognised = formats.recognise((FIXTURES / name).read_bytes(), name)
    [series] = recognised.question("mapping").series
    prepared = formats.prepare_any(empty_store, (FIXTURES / name).read_bytes(), name,
                                   answers={"mapping": {series: "ndo9_agree_community_sentence"}})
    assert prepared.ok
    rows = prepared.rows.set_index(["area_code", "period_label"])
    assert rows.loc[(GLASGOW, "2019"), ["value", "lower", "upper"]].tolist() == [74.1, 71.2, 77.0]
    assert "S08000031" not in set(prepared.rows["area_code"])
    assert prepared.problems["problem"].str.contains("not areas cjmetrics holds").any()


def test_a_cube_names_the_areas_it_holds(empty_store):
    """The description names the areas in the file's own words (FeatureName), a few of them and
    then how many more, where it once said only "for 3 areas"."""
    name = "statsgov_cube_ci.csv"
    recognised = formats.recognise((FIXTURES / name).read_bytes(), name)
    assert "1 series for Glasgow City, NHS Greater Glasgow and Clyde and Scotland, " in \
        recognised.description
    lines = (FIXTURES / name).read_text().splitlines()
    many = [lines[0]] + [line.replace("S12000049,Glasgow City", f"S1200099{i},Area {i}")
                         for i in range(6) for line in lines[1:] if "S12000049" in line]
    recognised = formats.recognise("\n".join(many).encode(), "many.csv")
    assert "for Area 0, Area 1, Area 2 and 3 more areas, " in recognised.description


def test_statistics_table_download_reads_geography_uris_and_period_uris(empty_store):
    name = "statsgov_table_download.csv"
    recognised = formats.recognise((FIXTURES / name).read_bytes(), name)
    [series] = recognised.question("mapping").series
    assert "Crime or Offence: All Crimes" in series
    got = _figures(empty_store, name, {"mapping": {series: "ndo1_diversion_commenced"}})
    assert got[("ndo1_diversion_commenced", GLASGOW, "2017/18", "")].value == 29800
    assert got[("ndo1_diversion_commenced", "S92000003", "2016/17", "")].value == 238651


def test_accessible_layout_markers_notes_and_fractions(empty_store):
    name = "scotgov_accessible.xlsx"
    recognised = formats.recognise((FIXTURES / name).read_bytes(), name)
    assert recognised.sheet == "Table_A1"  # cover, contents and notes skipped
    assert "periods as columns" in recognised.description
    series = list(recognised.question("mapping").series)
    assert series[0] == "Feel very or fairly safe walking alone after dark"  # [note 3] gone
    got = _figures(empty_store, name, {"area": "S92000003", "mapping": {
        series[0]: "ndo9_agree_community_sentence"}})
    values = {k[2]: r.value for k, r in got.items()}
    # Fractions scaled to percentages by the pipeline; [x] not imported; "[note 2]" left out.
    assert values == {"2008/09": 66, "2009/10": 67, "2021/22": 77, "2023/24": 78}


def test_older_layout_group_rows_markers_and_area_rows(empty_store):
    name = "scotgov_older_layout.xlsx"
    mapping = {"Orders imposed": "ndo1_diversion_commenced",
               "Completion rate": "ndo4_community_sentences_completed"}
    got = _figures(empty_store, name, {"area": "S92000003", "mapping": mapping}, sheet="Table 4")
    assert got[("ndo4_community_sentences_completed", "S92000003", "2016/17",
                "gender:Women")].value == 72.3
    assert ("ndo4_community_sentences_completed", "S92000003", "2017/18", "gender:Men") not in got
    by_area = _figures(empty_store, name, {"area": "S92000003", "mapping": mapping},
                       sheet="Table 3")
    assert by_area[("ndo1_diversion_commenced", GLASGOW, "2018/19", "")].value == 2500
    assert len(by_area) == 3  # Inverclyde's * and ** and Edinburgh's - are not figures


# -- the project's own fixture for each format the real samples show (runs without them) ----------
@pytest.mark.parametrize("name, phrase, answers, figures", [
    ("mailchimp_excel_resaved.csv", "Mailchimp campaign report: 3 campaigns, Feb 2017 to Mar 2017",
     {"area": GLASGOW}, 8),
    ("twitter_tweets_en.csv", "X/Twitter tweet activity export: 3 tweets, Apr 2021 to May 2021",
     {"area": GLASGOW}, 4),
    ("twitter_daily_en.csv", "X/Twitter daily activity export: 3 days, Apr 2021 to May 2021",
     {"area": GLASGOW}, 4),
    ("facebook_insights_posts.csv",
     "Facebook Page Insights post-level export: 3 posts, Jan 2017 to Feb 2017", {"area": GLASGOW},
     4),
    ("eventbrite_us_custom_questions.csv", "Eventbrite attendee report: 3 registrations",
     {"area": GLASGOW, "event": "Partnership talk", "period": "Dec 2024"}, 1),
    ("ua_users_by_day.csv", "Universal Analytics report: Users by day, Jan 2019",
     {"area": GLASGOW}, 1),
    ("statsgov_cube_financial_years.csv",
     "statistics.gov.scot cube download: 3 series for Glasgow City, 2015/2016 to 2016/2017",
     {"mapping": {"Count | Crimes Or Offences Recorded | All Crimes":
                  "ndo1_diversion_commenced"}}, 2),
    ("scotgov_older_layout.xlsx", "sheet 'Table 3', categories): 2 series",
     {"area": "S92000003", "mapping": {"Orders imposed": "ndo1_diversion_commenced"}}, 2),
])
def test_each_format_fixture_is_recognised_and_imports(empty_store, name, phrase, answers,
                                                       figures):
    data = (FIXTURES / name).read_bytes()
    recognised = formats.recognise(data, name)
    assert phrase in recognised.description
    prepared = formats.prepare_any(empty_store, data, name, answers=answers)
    assert prepared.ok, prepared.problems
    assert prepared.summary.startswith(recognised.description)
    assert len(prepared.rows) == figures
    result = commit(empty_store, prepared)
    assert result.rows_new == len(prepared.rows)
    log = empty_store.imports()
    assert log["kind"].iloc[0] == recognised.format.key
    assert log["summary"].iloc[0].startswith(recognised.description)


def test_mailchimp_resaved_counts_ab_tests_once_and_recomputes_the_rate(empty_store):
    got = _figures(empty_store, "mailchimp_excel_resaved.csv", {"area": GLASGOW})
    # March: the combined A/B row only (its Combo and Winner parts are inside it).
    march = got[("eng_newsletter_open_rate", GLASGOW, "Mar 2017", "")]
    assert got[("eng_newsletter_opens", GLASGOW, "Mar 2017", "")].value == 98
    assert (march.numerator, march.denominator) == (98, 297)
    assert march.value == pytest.approx(100 * 98 / 297, abs=0.01)
    assert got[("eng_newsletter_opens", GLASGOW, "Feb 2017", "")].value == 40 + 12


def test_the_real_layout_quirks_are_read():
    tweets = read_source((FIXTURES / "twitter_tweets_en.csv").read_bytes(), "t.csv").first
    assert tweets[1][0] == "1388063576700000001"  # 19-digit id kept as text
    assert "\n" in tweets[3][2]  # a newline inside a quoted tweet, one record
    survey = read_source((FIXTURES / "surveymonkey_expanded_cp1252_cr.csv").read_bytes(),
                         "s.csv").first
    assert len(survey) == 5  # CR-only line endings: two header rows and three respondents
    assert survey[2][-1] == "Le café is a good place to meet"  # Windows-1252 bytes decoded
    assert survey[2][13] == "£10,000 - £19,999"  # a quoted band with a comma stays one cell
    posts = read_source((FIXTURES / "facebook_insights_posts.csv").read_bytes(), "f.csv").first
    assert posts[0][0] == "Post ID"  # the BOM straight before the quoted header is gone


def test_ga4_pages_fixture_names_what_is_missing(empty_store):
    before = empty_store.checksum()
    with pytest.raises(formats.ExportIncomplete, match="Google Analytics 4 report for 1 Jan 2024 "
                                                   "to 30 Jun 2024, but it has no table by day"):
        formats.prepare_any(empty_store, (BAD / "ga4_pages_no_dates.csv").read_bytes(), "g.csv",
                            answers={"area": GLASGOW})
    assert empty_store.checksum() == before


@pytest.mark.parametrize("name, respondents, tool", [
    ("surveymonkey_expanded_cp1252_cr.csv", 3, "SurveyMonkey response export"),
    ("google_forms_crlf_emoji.csv", 3, "Google Forms response export")])
def test_survey_fixtures_parse_to_a_tidy_frame_and_ask_what_they_cannot_say(empty_store, name,
                                                                            respondents, tool):
    data = (FIXTURES / name).read_bytes()
    title, tidy = parse_survey(read_source(data, name))
    assert title == tool
    assert list(tidy.columns) == ["respondent_id", "submitted", "question", "item", "answer",
                                  "source_row"]
    assert tidy["respondent_id"].nunique() == respondents
    before = empty_store.checksum()
    with pytest.raises(ImportRefused, match="Before it can be imported, say which area"):
        formats.prepare_any(empty_store, data, name)
    assert empty_store.checksum() == before


def test_google_forms_answer_keeps_its_line_break_and_emoji():
    _, tidy = parse_survey(read_source((FIXTURES / "google_forms_crlf_emoji.csv").read_bytes(),
                                       "g.csv"))
    answers = set(tidy["answer"])
    assert "More support with housing\nand with work" in answers
    assert "Peer mentors 👍" in answers
    # Each respondent's Excel row, the quoted line break inside row 2 notwithstanding.
    assert sorted(set(tidy["source_row"])) == [2, 3, 4]


# -- real exports that used to fail ---------------------------------------------------------------
def test_mailchimp_resaved_by_excel_with_day_month_words_and_fraction_rates(empty_store):
    got = _figures(empty_store, "mailchimp_excel_day_month_words.csv", {"area": GLASGOW})
    # 9-Mar-17 is a send date; 0.3065 of 200 and 0.02 of 100 opened.
    assert got[("eng_newsletter_opens", GLASGOW, "Mar 2017", "")].value == 61 + 2
    assert got[("eng_newsletter_open_rate", GLASGOW, "Mar 2017", "")].value == 21
    assert got[("eng_newsletter_opens", GLASGOW, "Apr 2017", "")].value == 57


def test_mailchimp_account_campaigns_without_opens_import_recipients_and_say_no_rate(
        empty_store):
    name = "mailchimp_campaigns_recipients_only.csv"  # Title, Subject, Audience, Send Date ...
    recognised = formats.recognise((FIXTURES / name).read_bytes(), "campaigns.csv")
    assert recognised.description == "Mailchimp campaign report: 3 campaigns, Jun 2023 to " \
                                     "Aug 2023"
    prepared = formats.prepare_any(empty_store, (FIXTURES / name).read_bytes(), name,
                                   answers={"area": GLASGOW})
    assert prepared.ok, prepared.problems
    got = {(r.indicator_id, r.period_label): r.value for r in prepared.rows.itertuples()}
    # The unsent draft is not a campaign; no opens, so no open rate.
    assert got == {("eng_newsletter_recipients", "Jun 2023"): 412,
                   ("eng_newsletter_recipients", "Jul 2023"): 420,
                   ("eng_newsletter_recipients", "Aug 2023"): 418}
    warnings = " ".join(prepared.problems["problem"])
    assert "no opens or clicks, so it cannot give an open rate" in warnings
    assert "only the recipients are imported" in warnings


def test_mailchimp_reports_import_their_recipients_beside_the_rate(empty_store):
    got = _figures(empty_store, "mailchimp_campaigns_account.csv", {"area": GLASGOW})
    assert got[("eng_newsletter_recipients", GLASGOW, "Jul 2019", "")].value == 300
    assert got[("eng_newsletter_open_rate", GLASGOW, "Jul 2019", "")].denominator == 300


@pytest.mark.parametrize("name, expected", [
    ("mailchimp_api_stats.csv", {("eng_newsletter_opens", "Jun 2023"): 230,
                                 ("eng_newsletter_clicks", "Jun 2023"): 55,
                                 ("eng_newsletter_opens", "Jul 2023"): 210 + 90,
                                 ("eng_newsletter_clicks", "Jul 2023"): 48 + 20}),
    ("mailchimp_report_no_recipients.csv", {("eng_newsletter_opens", "Mar 2024"): 117,
                                            ("eng_newsletter_clicks", "Mar 2024"): 40}),
])
def test_mailchimp_stats_without_recipients_import_opens_and_clicks_and_say_no_rate(
        empty_store, name, expected):
    prepared = formats.prepare_any(empty_store, (FIXTURES / name).read_bytes(), name,
                                   answers={"area": GLASGOW})
    assert prepared.ok, prepared.problems
    got = {(r.indicator_id, r.period_label): r.value for r in prepared.rows.itertuples()}
    assert got == expected  # no open rate: there is nothing to divide by
    warning = prepared.problems[prepared.problems["severity"] == "warning"]["problem"]
    assert warning.str.contains("no recipients or deliveries column, so no open rate").any()
    assert prepared.warning_count >= 1


def test_facebook_ads_without_reach_imports_engagements_and_names_reach(empty_store):
    name = "facebook_ads_no_reach.csv"
    prepared = formats.prepare_any(empty_store, (FIXTURES / name).read_bytes(), name,
                                   answers={"area": GLASGOW})
    assert prepared.ok, prepared.problems
    assert prepared.rows[["indicator_id", "period_label", "value"]].values.tolist() == [
        ["eng_social_engagements", "Feb 2024", 120]]
    assert prepared.problems["problem"].str.contains("no 'Reach' column, so no reach").any()


def test_x_ads_workbook_with_inline_strings_and_dashes(empty_store):
    name = "x_ads_campaigns.xlsx"
    recognised = formats.recognise((FIXTURES / name).read_bytes(), name)
    # The draft with '-' throughout is not a campaign row.
    assert recognised.description == "X Ads campaign export: 2 campaign rows, Mar 2024"
    got = _figures(empty_store, name, {"area": GLASGOW})
    key = (GLASGOW, "Mar 2024", "channel:X/Twitter ads")
    assert got[("eng_social_reach", *key)].value == 12000 + 5000
    assert got[("eng_social_engagements", *key)].value == 310  # '-' is no figure, not 0


def test_surveymonkey_condensed_other_box_is_the_questions_free_text():
    data = (FIXTURES / "surveymonkey_condensed_other.csv").read_bytes()
    recognised = formats.recognise(data, "sm.csv")
    fields = {f.key: f for f in recognised.survey.fields}
    heard = "How did you hear about the partnership?"
    other = fields[f"{heard} [Other (please specify)]"]
    assert other.free_text and other.question.startswith(heard)
    assert "Other (please specify)" not in fields  # a box, not a question of its own
    answers = recognised.survey.answers
    # One answer per respondent and field: no second answer to the question itself.
    assert not answers.duplicated(["respondent_id", "field"]).any()
    typed = answers[answers["field"] == other.key]
    assert typed[["respondent_id", "answer", "source_row"]].values.tolist() == [
        ["5500002", "A colleague at work", 3]]


def test_surveymonkey_condensed_other_imports_as_a_new_survey(empty_store):
    from cjmetrics import survey_mapping
    name = "surveymonkey_condensed_other.csv"
    data = (FIXTURES / name).read_bytes()
    recognised = formats.recognise(data, name)
    answers = {**formats.suggested_answers(empty_store, recognised), "area": GLASGOW,
               "survey": survey_mapping.NEW, "survey_name": "Event feedback 2019",
               "period": "2019/20"}
    prepared = formats.prepare_export(empty_store, data, name, recognised, answers)
    assert prepared.ok, prepared.problems
    assert not prepared.problems["problem"].astype(str).str.contains("same figure").any()


@pytest.mark.parametrize("header", ["GeographyCode", "FeatureCode"])
def test_statistics_gov_scot_upload_layout(empty_store, header):
    text = (FIXTURES / "statsgov_upload_layout.csv").read_text().replace("GeographyCode", header)
    data = text.encode()
    recognised = formats.recognise(data, "upload.csv")
    assert recognised.format.key == "statsgovscot_cube"
    series = list(recognised.question("mapping").series)
    orders = next(s for s in series if "Community payback orders commenced" in s)
    prepared = formats.prepare_any(empty_store, data, "upload.csv",
                                   answers={"mapping": {orders: "ndo1_diversion_commenced"}})
    assert prepared.ok, prepared.problems
    got = {(r.area_code, r.period_label): r.value for r in prepared.rows.itertuples()}
    # '*' and 'N/A' are no figures; a data zone and a health board are left out, said once.
    assert got == {(GLASGOW, "2022"): 1520, (GLASGOW, "2023"): 1610}
    left_out = prepared.problems[prepared.problems["column"] == "area"]["value"].iloc[0]
    assert left_out == "S01010206, S08000031"


def test_statistics_table_download_with_its_reference_period_in_the_preamble(empty_store):
    name = "statsgov_table_reference_period.csv"
    recognised = formats.recognise((FIXTURES / name).read_bytes(), name)
    series = list(recognised.question("mapping").series)
    assert len(series) == 2 and series[0].endswith("| Count")
    got = _figures(empty_store, name, {"mapping": {series[0]: "ndo1_diversion_commenced"}})
    assert got[("ndo1_diversion_commenced", GLASGOW, "2018", "")].value == 49000
    assert len(got) == 3  # the Ratio column is not mapped


def test_accessible_workbook_lists_its_tables_and_takes_a_sheet(empty_store):
    name = "scotgov_accessible_estimates.xlsx"
    data = (FIXTURES / name).read_bytes()
    recognised = formats.recognise(data, name)
    assert [sheet for sheet, _ in recognised.tables] == ["Table_1", "Table_2"]
    assert recognised.tables[1][1].startswith("Table 2: Proportion of adults who were victims")
    assert recognised.sheet == "Table_1"
    assert formats.recognise(data, name, "Table_2").sheet == "Table_2"


def test_lower_and_upper_estimate_rows_are_the_interval_of_the_best_estimate(empty_store):
    name = "scotgov_accessible_estimates.xlsx"
    recognised = formats.recognise((FIXTURES / name).read_bytes(), name)
    series = list(recognised.question("mapping").series)
    # Two best estimates, not six series.
    assert series == ["Confident cases are dealt with promptly",
                      "Confident victims get the support they need"]
    got = _figures(empty_store, name, {"area": "S92000003", "mapping": {
        series[0]: "ndo9_agree_community_sentence"}})
    row = got[("ndo9_agree_community_sentence", "S92000003", "2021/22", "")]
    assert (row.value, row.lower, row.upper) == (44, 42, 46)  # fractions as percentages
    latest = got[("ndo9_agree_community_sentence", "S92000003", "2023/24", "")]
    assert latest.value == 46 and latest.lower != latest.lower  # [x]: no interval


def test_lower_and_upper_estimate_columns_are_the_interval_of_the_best_estimate(empty_store):
    name = "scotgov_accessible_estimates.xlsx"
    recognised = formats.recognise((FIXTURES / name).read_bytes(), name, "Table_2")
    assert list(recognised.question("mapping").series) == ["Best estimate", "Unweighted base"]
    got = _figures(empty_store, name, {"area": "S92000003", "mapping": {
        "Best estimate": "ndo9_agree_community_sentence"}}, sheet="Table_2")
    row = got[("ndo9_agree_community_sentence", "S92000003", "2023/24", "age group:16-24")]
    assert (row.value, row.lower, row.upper) == (16, 13, 19)


# -- row numbers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name, answers, sheet, expected", [
    # (indicator, period) -> the Excel row of the (first) record the figure comes from
    ("mailchimp_excel_resaved.csv", {"area": GLASGOW}, None,
     {("eng_newsletter_opens", "Feb 2017"): 6, ("eng_newsletter_opens", "Mar 2017"): 5}),
    ("twitter_tweets_en.csv", {"area": GLASGOW}, None,
     {("eng_social_reach", "Apr 2021"): 2, ("eng_social_reach", "May 2021"): 4}),
    ("facebook_insights_posts.csv", {"area": GLASGOW}, None,
     {("eng_social_reach", "Jan 2017"): 3, ("eng_social_reach", "Feb 2017"): 5}),
    ("ua_users_by_day.csv", {"area": GLASGOW}, None, {("eng_website_visits", "Jan 2019"): 8}),
    ("eventbrite_uk_checkin.csv", {"area": GLASGOW, "period": "Feb 2024"}, None, None),
    ("x_ads_campaigns.xlsx", {"area": GLASGOW}, None, {("eng_social_reach", "Mar 2024"): 2}),
    ("statsgov_upload_layout.csv", {"mapping": {
        "Count | People | Community payback orders commenced": "ndo1_diversion_commenced"}}, None,
     {("ndo1_diversion_commenced", "2022"): 2}),
    ("scotgov_accessible_estimates.xlsx", {"area": "S92000003", "mapping": {
        "Confident victims get the support they need": "ndo9_agree_community_sentence"}},
     None, {("ndo9_agree_community_sentence", "2019/20"): 8}),
])
def test_every_built_figure_carries_its_excel_row(empty_store, name, answers, sheet, expected):
    data = (FIXTURES / name).read_bytes()
    recognised = formats.recognise(data, name, sheet)
    built = recognised.build({**formats.suggested_answers(empty_store, recognised), **answers,
                              "_resolve_area": lambda text: None})
    assert str(built["source_row"].dtype) == "Int64" and built["source_row"].notna().all()
    if expected is None:
        assert built["source_row"].min() >= 2
        return
    got = {(r.indicator, r.period): r.source_row for r in built.itertuples()}
    for key, row in expected.items():
        assert got[key] == row, key
    # The pipeline is given the template's columns only: the import goes through.
    assert formats.prepare_any(empty_store, data, name, sheet=sheet, answers=answers).ok


def test_a_blank_line_counts_as_a_row_as_in_excel():
    grid = read_source(b"Date,Sessions\n\n2024-01-01,3\n", "x.csv").first
    assert grid == [["Date", "Sessions"], [], ["2024-01-01", "3"]]


# -- the pipeline: preview, import, undo, duplicates, remembered mappings ---------------------
def test_import_preview_undo_and_the_same_export_twice(demo_store):
    name = "mailchimp_report_percent.csv"
    data = (FIXTURES / name).read_bytes()
    before = demo_store.checksum()
    prepared = formats.prepare_any(demo_store, data, name, answers={"area": GLASGOW})
    assert demo_store.checksum() == before  # preview writes nothing
    result = commit(demo_store, prepared)
    assert result.rows_new + result.rows_revised == 8  # 4 measures x 2 months
    again = formats.prepare_any(demo_store, data, name, answers={"area": GLASGOW})
    assert again.preview.duplicate_of == result.import_id
    elsewhere = formats.prepare_any(demo_store, data, name, answers={"area": "S12000036"})
    assert elsewhere.preview.duplicate_of is None
    series = demo_store.series(["eng_newsletter_opens"], [GLASGOW])
    assert 217 in set(series["value"])
    demo_store.undo_import(result.import_id)
    assert 217 not in set(demo_store.series(["eng_newsletter_opens"], [GLASGOW])["value"])


def test_a_table_mapping_is_remembered_for_the_next_release(empty_store):
    name = "scotgov_older_layout.xlsx"
    data = (FIXTURES / name).read_bytes()
    recognised = formats.recognise(data, name, "Table 4")
    answers = {"area": "S92000003", "mapping": {
        "Orders imposed": "", "Completion rate": "ndo4_community_sentences_completed"}}
    prepared = formats.prepare_export(empty_store, data, name, recognised, answers)
    commit(empty_store, prepared)
    formats.remember_mapping(empty_store, recognised, answers)
    # The next release: other years in the title, same table.
    later = formats.recognise(data, name, "Table 4")
    suggested = formats.suggested_answers(empty_store, later)
    assert suggested["mapping"] == answers["mapping"]
    assert formats.missing_answers(later, suggested) == []


def test_questions_left_open_are_named(empty_store):
    data = (FIXTURES / "eventbrite_uk_checkin.csv").read_bytes()
    with pytest.raises(ImportRefused, match="In which month did the event take place"):
        formats.prepare_any(empty_store, data, "e.csv", answers={"area": GLASGOW, "period": ""})


def test_personal_data_never_reaches_the_rows_the_preview_or_the_store(empty_store):
    def everything_stored() -> str:
        return "".join(empty_store.query(f'SELECT * FROM "{t}"').to_csv()
                       for t in empty_store.table_counts())

    name = "eventbrite_uk_checkin.csv"
    # The catalogue and survey definitions use ordinary words ("Example instrument"), so what
    # counts is that the import adds no occurrence of the attendee's details.
    before = everything_stored()
    prepared = formats.prepare_any(empty_store, (FIXTURES / name).read_bytes(), name,
                                   answers={"area": GLASGOW, "period": "Feb 2024"})
    commit(empty_store, prepared)
    shown = prepared.rows.to_csv() + prepared.preview.changes.to_csv() + prepared.summary
    stored = everything_stored()
    for personal in ("ann@example.org", "Ann", "Surname", "Example", "0141 000 0000",
                     "07700 900000", "G1 1NQ", "City Halls"):
        assert personal not in shown, personal
        assert stored.count(personal) == before.count(personal), personal


def test_a_file_nobody_claims_is_not_recognised_with_the_list_and_the_templates(empty_store):
    with pytest.raises(ImportRefused) as caught:
        formats.prepare_any(empty_store, b"colour,size\nred,3\n", "mystery.csv")
    message = caught.value.user_message
    assert "'mystery.csv' is not recognised" in message
    assert "Mailchimp campaign report" in message and "Eventbrite attendee report" in message
    assert "download a template" in message


# -- broken exports: a sentence naming the format and what is missing, and nothing changed --
BAD_EXPORTS: list[tuple[str, str, dict]] = [
    ("mailchimp_no_send_dates.csv", "Mailchimp campaign report, but no row has a send date", {}),
    ("twitter_tweets_no_dates.csv", "X/Twitter tweet activity export, but none of its rows has "
                                    "a date", {}),
    ("twitter_daily_header_only.csv", "X/Twitter Analytics export has its header row but no "
                                      "rows", {}),
    ("facebook_posts_no_date_column.csv", "Facebook Page Insights post-level export, but it "
                                          "has no 'Posted'", {}),
    ("facebook_ads_whole_year.csv", "Facebook Ads Manager export whose rows each span more than "
                                    "one month", {}),
    ("eventbrite_no_status.csv", "Eventbrite attendee report, but it has no 'Attendee Status'",
     {}),
    ("eventbrite_no_attendees.csv", "Eventbrite attendee report with no attendees", {}),
    ("ga_ua_no_date_range.csv", "Google Analytics export, but its '#' heading has no date "
                                "range", {}),
    ("ga_ua_truncated.csv", "Universal Analytics report (1 Jan 2019 to 31 Jan 2019) with no "
                            "table", {}),
    ("ga4_pages_no_dates.csv", "Google Analytics 4 report for 1 Jan 2024 to 30 Jun 2024, but "
                               "it has no table by day or month", {}),
    ("ga_ua_unreadable_days.csv", "Universal Analytics report whose 'Day Index' column holds "
                                  "no dates", {}),
    ("cube_no_value_column.csv", "statistics.gov.scot cube download, but it has no Value "
                                 "column", {}),
    ("cube_header_only.csv", "statistics.gov.scot cube download with no data rows", {}),
    ("statsgov_table_no_periods.csv", "statistics.gov.scot table download whose columns are "
                                      "not periods", {}),
    ("linkedin_no_date_sheet.xlsx", "LinkedIn page analytics export, but no sheet has a 'Date' "
                                    "column", {}),
    ("linkedin_posts_sheet_chosen.xlsx", "has no daily metrics: choose the sheet 'Metrics'",
     {"sheet": "All posts"}),
    ("scotgov_wrong_sheet.xlsx", "Sheet 'Notes' of 'scotgov_wrong_sheet.xlsx' holds no table",
     {"sheet": "Notes"}),
]


def test_every_bad_export_has_its_expectation():
    on_disk = {p.name for p in BAD.iterdir() if p.suffix in (".csv", ".xlsx")}
    assert on_disk == {name for name, _, _ in BAD_EXPORTS}
    assert len(on_disk) >= 15


@pytest.fixture(scope="module")
def shared_store(_demo_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("bad-exports") / "demo.duckdb"
    shutil.copy(_demo_template, path)
    store = Store(path)
    yield store
    store.close()


@pytest.mark.parametrize("name, phrase, options", BAD_EXPORTS, ids=[b[0] for b in BAD_EXPORTS])
def test_bad_export_is_refused_with_its_message_and_changes_nothing(shared_store, name, phrase,
                                                                   options):
    before = shared_store.checksum()
    with pytest.raises(ImportRefused) as caught:
        formats.prepare_any(shared_store, (BAD / name).read_bytes(), name,
                            answers={"area": GLASGOW}, **options)
    assert phrase in caught.value.user_message, caught.value.user_message
    assert "Traceback" not in caught.value.user_message
    assert shared_store.checksum() == before


def test_an_old_excel_linkedin_export_is_read_through_xlrd(empty_store):
    """LinkedIn's older exports are .xls: a real BIFF8 file (tests/data/formats/make_xls.py) with
    a note row above the header and dates as Excel date cells, read by xlrd."""
    name = "linkedin_page.xls"
    data = (FIXTURES / name).read_bytes()
    recognised = formats.recognise(data, name)
    assert recognised.format.key == "linkedin"
    assert recognised.description == ("LinkedIn page analytics (sheet 'Metrics'): 3 days, "
                                      "May 2024 to Jun 2024")
    prepared = formats.prepare_export(empty_store, data, name, recognised, {"area": GLASGOW})
    rows_out = {(r.indicator_id, r.period_label): r.value for r in prepared.rows.itertuples()}
    # Reach is the unique impressions (a person who saw two updates counts once a day).
    assert rows_out[("eng_social_reach", "May 2024")] == 200
    assert rows_out[("eng_social_reach", "Jun 2024")] == 400 + 180
    assert rows_out[("eng_social_engagements", "May 2024")] == 10 + 8 + 1 + 1
    assert rows_out[("eng_social_engagements", "Jun 2024")] == 20 + 10 + 2 + 1 + 5 + 4


def test_a_row_mapped_onto_the_wrong_indicator_is_named_by_its_row_in_the_table(empty_store):
    name = "scotgov_older_layout.xlsx"
    prepared = formats.prepare_any(empty_store, (FIXTURES / name).read_bytes(), name,
                                   sheet="Table 4", answers={"area": "S92000003", "mapping": {
                                       "Orders imposed": "ndo4_community_sentences_completed"}})
    assert not prepared.ok
    first = prepared.problems.iloc[0]
    # The problem names the table's own row (as Excel shows it), not a row of built figures.
    assert first["problem"] == "A percentage cannot be more than 100."
    assert int(first["row"]) > 1 and first["column"] == "value"
    assert first["fix"] == ("Check which indicator this row of the table is mapped onto, and "
                            "change it.")


def test_surveymonkey_expanded_xlsx_with_new_naming(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
                  "Email Address", "First Name", "Last Name", "Custom Data 1",
                  "Which services did you use?", None, "Anything else?"])
    sheet.append([None, None, None, None, None, None, None, None, None, "Housing", "Health",
                  "Open-Ended Response"])
    sheet.append([11801, 4001, "2024-04-01 10:00:00", "2024-04-01 10:04:00", "198.51.100.7",
                  "p@example.org", "Pat", "Lee", "ref-9", "Housing", None,
                  "Write to me at p@example.org"])
    path = tmp_path / "sm.xlsx"
    book.save(path)
    title, tidy = parse_survey(read_source(path.read_bytes(), path.name))
    assert title == "SurveyMonkey response export"
    assert tidy[["respondent_id", "question", "item", "answer"]].values.tolist() == [
        ["11801", "Which services did you use?", "Housing", "Housing"],
        ["11801", "Anything else?", "", "Write to me at [e-mail removed]"]]
    assert str(tidy["submitted"].iloc[0]) == "2024-04-01"
