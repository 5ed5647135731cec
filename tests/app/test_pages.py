"""AppTests for every page registered in dashboard.py, over the demo store and an empty store.

Each test runs the real entry point (dashboard.py, with its navigation and sidebar) and switches
to a page the way a user would, then checks what a person sees: headings, notices and figures.
Expected figures are computed here from data/demo/*.csv with pandas, not through cjmetrics.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from apptest_support import assert_clean, open_chart_cards, texts
from conftest import PROJECT_ROOT

DEMO_DIR = PROJECT_ROOT / "data" / "demo"

SCOTLAND, AYRSHIRE = "S92000003", "CJP-AYR"
GLASGOW, WEST_DUNBARTONSHIRE = "S12000049", "S12000039"
AREA_NAMES = {SCOTLAND: "Scotland", AYRSHIRE: "Community Justice Ayrshire Partnership",
              GLASGOW: "Glasgow City", WEST_DUNBARTONSHIRE: "West Dunbartonshire"}

OVERVIEW, TRENDS, FRAMEWORKS = "pages/overview.py", "pages/trends.py", "pages/catalogue.py"
UPLOAD, IMPORTS = "pages/upload.py", "pages/imports.py"
CARE_INSPECTORATE = "pages/care_inspectorate.py"
# The Performance Framework and Compare areas pages' AppTests are in test_pages_framework.py.
FRAMEWORK, COMPARISON = "pages/framework.py", "pages/comparison.py"
PAGES = [OVERVIEW, TRENDS, UPLOAD, IMPORTS, FRAMEWORKS, CARE_INSPECTORATE, FRAMEWORK, COMPARISON]

OUTCOMES_HEADING = "National outcomes (Community Justice Performance Framework)"
CHANGED_HEADING = "What changed since the last meeting"
NO_FIGURES = "No figures are held"
DEMO_WARNING = "illustrative demo figures"

AGREE = "ndo9_agree_community_sentence"  # a national survey: Scotland figures only
COMPLETED_SENTENCES = "ndo4_community_sentences_completed"  # percent, every demo area
DIVERSION_COMPLETED = "ndo1_diversion_completed"  # count, every demo area


# -- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture(scope="module")
def observations() -> pd.DataFrame:
    """The demo and published reference figures as the CSVs hold them: totals only (no
    breakdown rows)."""
    frame = pd.read_csv(DEMO_DIR / "observations.csv", dtype={"breakdown": str})
    reference = [pd.read_csv(path)
                 for path in sorted((DEMO_DIR.parent / "reference").glob("*.csv"))]
    frame = pd.concat([frame, *reference], ignore_index=True)
    return frame[frame["breakdown"].isna()]


def series(observations: pd.DataFrame, indicator: str, area: str) -> pd.DataFrame:
    """One indicator's financial-year figures for one area, oldest first ("2019/20" sorts)."""
    rows = observations[(observations["indicator_id"] == indicator)
                        & (observations["area_code"] == area)]
    return rows.sort_values("period").reset_index(drop=True)


def run_app(page: str = OVERVIEW, *, area: str | None = None,
            query: dict[str, str] | None = None) -> AppTest:
    """Run dashboard.py as a first visit, optionally choose an area in the sidebar, then switch
    to `page` (the entry point runs first, exactly as the real server does)."""
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert_clean(at)
    if area is not None:
        at.selectbox(key="area").set_value(area).run()
        assert_clean(at)
    if page != OVERVIEW:
        at.switch_page(page).run()
    return at


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert len(found) == 1, f"expected one tile {label!r}, found {[m.label for m in at.metric]}"
    return found[0]


def dataframe_with(at: AppTest, column: str) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, f"expected one table with a {column!r} column, found {len(found)}"
    return found[0]


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The one static table (st.table) with `column`, its index as the first column."""
    found = [t.value.reset_index() for t in at.table if column in t.value.reset_index().columns]
    assert len(found) == 1, f"expected one table with a {column!r} column, found {len(found)}"
    return found[0]


def plotly_charts(at: AppTest) -> list:
    return list(at.get("plotly_chart"))


def trend_table(at: AppTest) -> pd.DataFrame:
    open_chart_cards(at)
    expanders = [e for e in at.expander if e.label == "Data behind this chart"]
    assert len(expanders) == 1, [e.label for e in at.expander]
    tables = expanders[0].dataframe
    assert len(tables) == 1
    return tables[0].value


def expected_rows(observations: pd.DataFrame, indicator: str, area: str) -> list[tuple]:
    rows = series(observations, indicator, area)
    return [(AREA_NAMES[area], r.period, pytest.approx(float(r.value))) for r in rows.itertuples()]


def table_rows(table: pd.DataFrame, area_name: str) -> list[tuple]:
    rows = table[table["Area"] == area_name]
    return [(r.Area, r.Period, float(r.Value)) for r in rows.itertuples()]


def pages_with_apptests() -> set[str]:
    """Every page some tests/app/test_pages*.py file declares it tests, in PAGES (this file) or in a
    module-level PAGES_TESTED_HERE = [...] list (any other test file)."""
    tested = set(PAGES)
    for path in PROJECT_ROOT.joinpath("tests").glob("*/test_*.py"):
        for listing in re.findall(r"^PAGES_TESTED_HERE\s*=\s*\[([^\]]*)\]", path.read_text(),
                                  flags=re.M):
            tested |= set(re.findall(r"[\"'](pages/[^\"']+\.py)[\"']", listing))
    return tested


def test_every_registered_page_is_tested():
    """A page added to dashboard.py must get AppTests: here (joining PAGES) or in its own
    tests/app/test_pages_<name>.py that lists it in PAGES_TESTED_HERE."""
    registered = set(re.findall(r"st\.Page\(\s*[\"'](pages/[^\"']+\.py)[\"']",
                                (PROJECT_ROOT / "dashboard.py").read_text()))
    assert registered == pages_with_apptests()


# -- Overview --------------------------------------------------------------------------------
def test_overview_demo_default_area(demo_db):
    at = run_app()
    assert_clean(at)
    area = at.selectbox(key="area").value
    assert texts(at.title) == [f"Overview: {AREA_NAMES[area]}"]
    assert texts(at.subheader) == [OUTCOMES_HEADING, "Engagement", CHANGED_HEADING]
    assert any(DEMO_WARNING in w for w in texts(at.warning))
    assert not any(NO_FIGURES in i for i in texts(at.info))
    # the sidebar says the store holds demo data
    assert any("illustrative demo data" in c for c in texts(at.sidebar.caption))
    # every tile links to its trend
    links = at.get("page_link")
    assert len(links) >= len(at.metric) > 0  # tiles, then the "what changed" items
    # every tile with figures draws its trend line
    assert len(at.get("image")) == sum(m.value not in ("–", "No figure") for m in at.metric) > 0
    assert all(link.proto.label == "See the trend" for link in links)
    assert all(link.proto.query_string.startswith("indicator=") for link in links)


def test_overview_demo_glasgow_tiles_show_latest_figures(demo_db, observations):
    at = run_app(area=GLASGOW)
    assert_clean(at)
    assert texts(at.title) == ["Overview: Glasgow City"]
    assert texts(at.subheader) == [OUTCOMES_HEADING, "Engagement", CHANGED_HEADING]
    assert any(DEMO_WARNING in w for w in texts(at.warning))

    diversion = series(observations, DIVERSION_COMPLETED, GLASGOW)
    latest, previous = diversion.iloc[-1], diversion.iloc[-2]
    tile = metric(at, "Diversion cases completed")
    assert tile.value == f"{int(latest.value):,}"
    assert previous.period in tile.delta  # e.g. "+12% on 2023/24"

    completed = series(observations, COMPLETED_SENTENCES, GLASGOW).iloc[-1]
    assert metric(at, "Community sentences completed").value == f"{completed.value:.1f}%"

    # A national survey has no Glasgow figure: the tile says so and names Scotland's as such.
    agree = series(observations, AGREE, SCOTLAND).iloc[-1]
    tile = metric(at, "Agree with community sentences")
    assert tile.value == "No figure" and not tile.delta
    assert f"No figure for Glasgow City · Scotland: {agree.value:.1f}% ({agree.period}, " \
        "illustrative demo figure)" in texts(at.caption)  # the demo's Scotland, said so

    links = {link.proto.query_string for link in at.get("page_link")}
    assert f"indicator={DIVERSION_COMPLETED}" in links


def test_overview_empty_store(empty_db):
    at = run_app()
    assert_clean(at)
    area = at.selectbox(key="area").value
    assert texts(at.title) == [f"Overview: {AREA_NAMES.get(area, area)}"]
    assert texts(at.subheader) == [OUTCOMES_HEADING, "Engagement", CHANGED_HEADING]
    infos = texts(at.info)
    assert any(NO_FIGURES in i for i in infos), infos
    # what a lead does about it comes first, in the app: the Upload page
    assert any("Load them on the Upload page" in i for i in infos), infos
    assert not at.warning
    assert not any("illustrative demo data" in c for c in texts(at.sidebar.caption))
    assert len(at.metric) > 0
    assert all(m.value == "–" for m in at.metric)
    assert not at.get("image")  # no trend line without figures
    assert any("No figures yet for this area." in c for c in texts(at.caption))


# -- Trends ----------------------------------------------------------------------------------
def test_trends_query_param_chooses_indicator(demo_db, observations):
    at = run_app(TRENDS, area=GLASGOW, query={"indicator": AGREE})
    assert_clean(at)
    assert texts(at.title) == ["Trends"]
    assert at.selectbox(key="indicator").value == AGREE
    assert at.multiselect(key="areas").value == [GLASGOW]
    assert at.query_params["indicator"] == [AGREE] or at.query_params["indicator"] == AGREE
    # no Glasgow figure for a national survey: the page says so and draws Scotland
    assert any("No figures held for Glasgow City" in i for i in texts(at.info))
    assert len(plotly_charts(at)) == 1
    table = trend_table(at)
    assert set(table["Area"]) == {"Scotland"}
    assert table_rows(table, "Scotland") == expected_rows(observations, AGREE, SCOTLAND)


def test_trends_table_and_adding_an_area(demo_db, observations):
    at = run_app(TRENDS, area=GLASGOW, query={"indicator": COMPLETED_SENTENCES})
    assert_clean(at)
    assert at.selectbox(key="indicator").value == COMPLETED_SENTENCES
    table = trend_table(at)
    assert set(table["Area"]) == {"Glasgow City", "Scotland"}  # Scotland as comparator
    assert table_rows(table, "Glasgow City") == expected_rows(
        observations, COMPLETED_SENTENCES, GLASGOW)
    assert table_rows(table, "Scotland") == expected_rows(
        observations, COMPLETED_SENTENCES, SCOTLAND)

    at.multiselect(key="areas").select(WEST_DUNBARTONSHIRE).run()
    assert_clean(at)
    assert at.multiselect(key="areas").value == [GLASGOW, WEST_DUNBARTONSHIRE]
    table = trend_table(at)
    assert set(table["Area"]) == {"Glasgow City", "West Dunbartonshire", "Scotland"}
    assert table_rows(table, "West Dunbartonshire") == expected_rows(
        observations, COMPLETED_SENTENCES, WEST_DUNBARTONSHIRE)
    assert len(plotly_charts(at)) == 1


def test_trends_follow_the_sidebar_area_and_keep_the_compared_ones(demo_db, observations):
    at = run_app(TRENDS, area=GLASGOW, query={"indicator": COMPLETED_SENTENCES})
    at.multiselect(key="areas").select(WEST_DUNBARTONSHIRE).run()
    at.selectbox(key="area").set_value(SCOTLAND).run()  # the sidebar, on the Trends page
    assert_clean(at)
    assert at.multiselect(key="areas").value == [SCOTLAND, WEST_DUNBARTONSHIRE]
    assert "Glasgow City" not in set(trend_table(at)["Area"])


def test_trends_choosing_an_indicator_updates_the_link(demo_db, observations):
    at = run_app(TRENDS, area=GLASGOW)
    assert_clean(at)
    at.selectbox(key="indicator").set_value(DIVERSION_COMPLETED).run()
    assert_clean(at)
    assert at.query_params["indicator"] in (DIVERSION_COMPLETED, [DIVERSION_COMPLETED])
    table = trend_table(at)
    # counts are not compared with Scotland's totals
    assert set(table["Area"]) == {"Glasgow City"}
    assert table_rows(table, "Glasgow City") == expected_rows(
        observations, DIVERSION_COMPLETED, GLASGOW)
    assert any("Scotland is not drawn" in c for c in texts(at.caption))


def test_the_indicator_chosen_follows_between_trends_and_compare_areas(demo_db):
    """The sidebar's links carry no ?indicator=: the one chosen on either page is kept, and a
    link that asks for one still chooses it."""
    at = run_app(TRENDS, area=GLASGOW, query={"indicator": AGREE})
    at.selectbox(key="indicator").set_value(DIVERSION_COMPLETED).run()
    at.run()  # a rerun with the old address must not bring back the linked indicator
    assert at.selectbox(key="indicator").value == DIVERSION_COMPLETED
    at.query_params.clear()
    at.switch_page(COMPARISON).run()
    assert_clean(at)
    assert at.selectbox(key="indicator").value == DIVERSION_COMPLETED
    at.selectbox(key="indicator").set_value(COMPLETED_SENTENCES).run()
    at.query_params.clear()
    at.switch_page(TRENDS).run()
    assert at.selectbox(key="indicator").value == COMPLETED_SENTENCES
    at.query_params["indicator"] = AGREE  # an Overview tile's link
    at.switch_page(TRENDS).run()
    assert at.selectbox(key="indicator").value == AGREE


def query_value(at: AppTest, key: str):
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def test_the_area_is_kept_in_the_address_so_a_reload_keeps_it(demo_db):
    at = run_app(TRENDS, area=GLASGOW)
    assert query_value(at, "area") == GLASGOW
    at.selectbox(key="area").set_value(WEST_DUNBARTONSHIRE).run()
    at.run()  # a rerun before the address has caught up keeps the area just chosen
    assert at.selectbox(key="area").value == WEST_DUNBARTONSHIRE
    assert query_value(at, "area") == WEST_DUNBARTONSHIRE

    # A reload (or a bookmark, or a link a colleague sent) is a new session with that address.
    again = run_app(TRENDS, query={"area": WEST_DUNBARTONSHIRE,
                                   "indicator": query_value(at, "indicator")})
    assert_clean(again)
    assert again.selectbox(key="area").value == WEST_DUNBARTONSHIRE
    assert "West Dunbartonshire" in set(trend_table(again)["Area"])
    # An address naming no known area opens the usual default, without a word of error.
    unknown = run_app(OVERVIEW, query={"area": "nowhere"})
    assert unknown.selectbox(key="area").value == AYRSHIRE


def test_an_unconfirmed_indicator_says_so_in_a_readers_words(demo_db):
    at = run_app(TRENDS, query={"indicator": "cjpf_reconviction_rate"})
    assert_clean(at)
    [note] = [c for c in texts(at.caption) if "Wording not confirmed" in c]
    assert "Wording not confirmed against the published framework: Placeholder" in note, note
    assert "edit this row" not in note


def test_a_chart_card_draws_its_downloads_and_data_only_once_opened(demo_db):
    at = run_app(TRENDS)
    [card] = [e for e in at.expander if e.label == "Data behind this chart"]
    assert not card.dataframe
    assert not at.get("download_button")
    assert [p.proto.popover.label for p in at.get("popover")] == ["Download"]
    open_chart_cards(at, "downloads")
    assert [d.proto.label for d in at.get("download_button")] == [
        "PNG", "SVG", "Download CSV", "Download XLSX"]
    open_chart_cards(at)
    [card] = [e for e in at.expander if e.label == "Data behind this chart"]
    assert {"Area", "Period", "Value"} <= set(card.dataframe[0].value.columns)


def test_trends_empty_store(empty_db):
    at = run_app(TRENDS, query={"indicator": AGREE})
    assert_clean(at)
    assert texts(at.title) == ["Trends"]
    assert at.selectbox(key="indicator").value == AGREE
    assert any(NO_FIGURES in i for i in texts(at.info)), texts(at.info)
    assert not plotly_charts(at)
    assert not [e for e in at.expander if e.label == "Data behind this chart"]


# -- Frameworks ------------------------------------------------------------------------------
@pytest.mark.parametrize("store", ["demo_db", "empty_db"])
def test_frameworks(store, request):
    request.getfixturevalue(store)
    at = run_app(FRAMEWORKS)
    assert_clean(at)
    assert texts(at.title) == ["Frameworks"]
    assert [t.label for t in at.tabs][:4] == ["Performance Framework", "National Strategy",
                                               "Care Inspectorate", "Community engagement"]
    # Wording is read in full: static tables (wrapped text), not scrolling grids.
    outcomes = table_with(at, "National outcome")
    assert len(outcomes) == 9
    assert list(outcomes["Outcome"]) == list(range(1, 10))
    # Only the open tab is drawn: the others' tables come when their tab is chosen.
    assert not [t for t in at.table if "Priority action" in t.value.reset_index().columns]
    at.session_state["tab"] = "National Strategy"
    at.run()
    actions = table_with(at, "Priority action")
    assert len(actions) == 13
    assert any(m.startswith("**13 priority actions**") for m in texts(at.markdown))
    at.session_state["tab"] = "Community engagement"
    at.run()
    standards = table_with(at, "Standard")
    assert len(standards) == 7
    assert list(standards["Standard"]) == list(range(1, 8))


# -- Upload ----------------------------------------------------------------------------------
@pytest.mark.parametrize("store", ["demo_db", "empty_db"])
def test_upload(store, request):
    request.getfixturevalue(store)
    at = run_app(UPLOAD)
    assert_clean(at)
    assert texts(at.title) == ["Upload figures"]
    assert texts(at.subheader) == ["1. Upload your file"]
    assert not at.get("download_button")  # the templates are drawn once their fold is opened
    at.session_state["upload-templates-open"] = True
    at.run()
    templates = at.get("download_button")
    from cjmetrics.ingest import TEMPLATES
    assert len(templates) == len(TEMPLATES)  # one download per kind of upload
    assert all(b.proto.label == "Download template" for b in templates)
    assert len(at.get("file_uploader")) == 1
    # nothing to check or import until a file is chosen
    assert "2. Check, then import" not in texts(at.subheader)
    assert not at.button


# -- Imports & history -----------------------------------------------------------------------
def test_imports_empty_store(empty_db):
    at = run_app(IMPORTS)
    assert_clean(at)
    assert texts(at.title) == ["Imports & history"]
    assert any("Nothing has been imported yet" in i for i in texts(at.info))
    assert not at.dataframe
    assert not at.button


def test_imports_demo_log_and_history_of_a_figure(demo_db, observations):
    at = run_app(IMPORTS)
    assert_clean(at)
    assert texts(at.title) == ["Imports & history"]
    assert texts(at.subheader) == ["Undo an import", "History of a figure"]
    log = dataframe_with(at, "Summary")
    demo_files = sorted(p.name for p in (PROJECT_ROOT / "data" / "demo").glob("*.csv"))
    published = sorted(p.name for p in (PROJECT_ROOT / "data" / "reference").glob("*.csv"))
    # one per demo file, and one per file of published reference figures
    assert sorted(log["Import"]) == list(range(1, len(demo_files) + len(published) + 1))
    # Kinds and statuses in words, as the Upload page names them, not the stored codes.
    assert set(log["Status"]) == {"Current"}
    assert set(log["Kind"]) == {"Demo data", "Published reference figures"}

    at.selectbox(key="history_indicator").set_value(DIVERSION_COMPLETED).run()
    at.selectbox(key="history_area").set_value(GLASGOW).run()
    assert_clean(at)
    latest = series(observations, DIVERSION_COMPLETED, GLASGOW).iloc[-1]
    assert at.selectbox(key="history_period").value == latest.period
    history = dataframe_with(at, "Counts?")
    assert list(history["Value"]) == [f"{float(latest.value):,.0f}"]  # a count, as people read it
    assert list(history["Counts?"]) == [True]
    assert list(history["Import status"]) == ["Current"]
    # Both tables show when an import was made the same way: "3 Dec 2026, 15:11".
    formats = [json.loads(d.proto.columns).get("When", {}).get("type_config", {}).get("format")
               for d in at.dataframe if "When" in d.value.columns]
    assert formats == ["D MMM YYYY, HH:mm"] * 2, formats


def test_undoing_the_demo_figures_empties_the_overview(demo_db, observations):
    """Undo on Imports moves the store's data version on, so every page's cached model is
    refreshed: the Overview must then say no figures are held."""
    at = run_app(IMPORTS, area=GLASGOW)
    log = dataframe_with(at, "Summary")
    figures_import = int(log.loc[log["File"] == "demo/observations.csv", "Import"].iloc[0])
    at.selectbox(key="undo_import").set_value(figures_import).run()
    assert_clean(at)
    effect = dataframe_with(at, "Value after undo")
    assert len(effect) > 0
    undo = [b for b in at.button if b.label == f"Undo import #{figures_import}"]
    assert len(undo) == 1, [b.label for b in at.button]
    undo[0].click().run()
    assert_clean(at)
    assert any(f"Import #{figures_import} undone" in s for s in texts(at.success))
    log = dataframe_with(at, "Summary")
    assert log.loc[log["Import"] == figures_import, "Status"].item() == "Undone"

    at.switch_page(OVERVIEW).run()
    assert_clean(at)
    assert texts(at.title) == ["Overview: Glasgow City"]
    assert any(NO_FIGURES in i for i in texts(at.info)), texts(at.info)
    assert metric(at, "Diversion cases completed").value == "–"


# -- a store that cannot be read ---------------------------------------------------------------
@pytest.fixture
def broken_db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "broken.duckdb"
    path.write_bytes(random.Random(7).randbytes(64 * 1024))
    monkeypatch.setenv("CJMETRICS_DB", str(path))
    return path


@pytest.mark.parametrize("page", PAGES)
def test_broken_store_shows_a_sentence_not_a_traceback(broken_db, page):
    at = run_app_allowing_errors(page)
    assert not at.exception, [e.value for e in at.exception]
    errors = texts(at.error)
    assert errors, "a broken store must be reported with st.error"
    for message in errors:
        assert "data store could not be used" in message
        assert "CJMETRICS_DB" in message  # what to do about it
        assert "Traceback" not in message and 'File "' not in message
    # the file is left as it was: nothing overwrote it
    assert broken_db.read_bytes() == random.Random(7).randbytes(64 * 1024)


def run_app_allowing_errors(page: str) -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    if page != OVERVIEW:
        at.switch_page(page).run()
    return at


# -- Care Inspectorate -----------------------------------------------------------------------
CARE_HEADINGS = ["Latest grade per quality indicator", "Grades over time",
                 "How are we doing? How do we know? What are we going to do next?",
                 "Edit evaluations"]
NO_EVALUATIONS = "No quality-indicator self-evaluations are held for"
IMPACT = "Impact on the community"  # QI 4.1's title, the label of its card


@pytest.fixture(scope="module")
def qi_evaluations() -> pd.DataFrame:
    """The demo self-evaluations with the grade split into number and word, oldest first."""
    frame = pd.read_csv(DEMO_DIR / "qi_evaluations.csv", dtype={"quality_indicator": str})
    frame["date"] = pd.to_datetime(frame["period"], format="%d/%m/%Y")
    frame["number"] = frame["grade"].str.split(" ", n=1).str[0].astype(int)
    frame["word"] = frame["grade"].str.split(" ", n=1).str[1]
    return frame.sort_values(["area", "quality_indicator", "date"]).reset_index(drop=True)


def qi_history(evaluations: pd.DataFrame, area: str, qi: str) -> pd.DataFrame:
    return evaluations[(evaluations["area"] == area)
                       & (evaluations["quality_indicator"] == qi)].reset_index(drop=True)


def day(date: pd.Timestamp) -> str:
    return f"{date.day} {date.strftime('%b')} {date.year}"


def grade(row) -> str:
    return f"{row.word} ({row.number})"


def labels(elements) -> list[str]:
    return [re.sub(r"\\(.)", r"\1", e.label) for e in elements]


def test_care_inspectorate_demo_glasgow(demo_db, qi_evaluations):
    at = run_app(CARE_INSPECTORATE, area=GLASGOW)
    assert_clean(at)
    assert texts(at.title) == ["Care Inspectorate self-evaluation: Glasgow City"]
    assert texts(at.subheader) == CARE_HEADINGS
    assert any("illustrative demo grades" in w for w in texts(at.warning))
    assert any("6 Excellent · 5 Very good · 4 Good · 3 Adequate · 2 Weak · 1 Unsatisfactory"
               in m for m in texts(at.markdown))
    assert not at.info

    # one card per quality indicator, with its latest grade and the change
    glasgow = qi_evaluations[qi_evaluations["area"] == GLASGOW]
    assert len(at.metric) == glasgow["quality_indicator"].nunique()
    history = qi_history(qi_evaluations, GLASGOW, "4.1")
    latest, before = history.iloc[-1], history.iloc[-2]
    tile = metric(at, IMPACT)
    assert tile.value == grade(latest)
    assert tile.delta == f"up from {grade(before)}"
    assert f"Evaluated {day(latest.date)} · previous {day(before.date)}" in texts(at.caption)

    # the heatmap with its text alternative and the numbers behind it
    assert len(plotly_charts(at)) == 1
    newest = day(glasgow["date"].max())
    good = sum(qi_history(qi_evaluations, GLASGOW, qi).iloc[-1].number >= 4
               for qi in glasgow["quality_indicator"].unique())
    assert any(c.startswith(f"Glasgow City: {good} of 6 quality indicators graded Good or "
                            f"better at the latest evaluation ({newest})")
               for c in texts(at.caption)), texts(at.caption)
    table = trend_table(at)
    assert len(table) == glasgow["quality_indicator"].nunique() * glasgow["date"].nunique()
    cell = table[(table["Quality indicator"] == f"4.1 {IMPACT}")
                 & (table["Evaluation"] == day(before.date))]
    assert (cell["Grade"].item(), cell["Grade word"].item()) == (before.number, before.word)

    # each evaluation's answers, newest first, in an expander per quality indicator
    expander = f"4.1 {IMPACT} · latest {grade(latest)}, {day(latest.date)}"
    assert expander in labels(at.expander)
    answers = [e for e in at.expander if labels([e]) == [expander]][0]
    # one block of text per quality indicator: its paragraphs, evaluations divided by a rule
    assert len(answers.markdown) == 1
    written = texts(answers.markdown)[0].split("\n\n")
    assert written.count("---") == len(history) - 1
    assert written[0] == f"**{day(latest.date)} · {grade(latest)}**"
    assert f"**How are we doing?** {latest.how_are_we_doing}" in written
    assert f"**How do we know?** {latest.how_do_we_know}" in written
    assert f"**What are we going to do next?** {latest.what_next}" in written
    assert f"**How are we doing?** {history.iloc[0].how_are_we_doing}" in written
    dates = [w for w in written if re.fullmatch(r"\*\*\d+ \w+ \d{4} · .*\*\*", w)]
    assert dates == [f"**{day(r.date)} · {grade(r)}**" for r in history.iloc[::-1].itertuples()]

    # the chart card's "Add to deck", then the edit section
    assert [b.label for b in at.button] == ["Add to deck", "Save quality-indicator evaluations"]


def test_care_inspectorate_shows_a_fall_in_ayrshire(demo_db, qi_evaluations):
    at = run_app(CARE_INSPECTORATE, area=AYRSHIRE)
    assert_clean(at)
    assert texts(at.title) == [f"Care Inspectorate self-evaluation: {AREA_NAMES[AYRSHIRE]}"]
    history = qi_history(qi_evaluations, AYRSHIRE, "8.1")
    latest, before = history.iloc[-1], history.iloc[-2]
    assert latest.number < before.number
    tile = metric(at, "Effective use and management of resources")
    assert (tile.value, tile.delta) == (grade(latest), f"down from {grade(before)}")


def test_care_inspectorate_area_without_evaluations(demo_db):
    at = run_app(CARE_INSPECTORATE, area="S12000033")  # Aberdeen City: no demo evaluations
    assert_clean(at)
    assert texts(at.title) == ["Care Inspectorate self-evaluation: Aberdeen City"]
    assert any(NO_EVALUATIONS in i for i in texts(at.info)), texts(at.info)
    assert texts(at.subheader) == ["Edit evaluations"]
    assert not at.metric and not plotly_charts(at)


def test_care_inspectorate_empty_store(empty_db):
    at = run_app(CARE_INSPECTORATE)
    assert_clean(at)
    area = at.selectbox(key="area").value
    assert texts(at.title) == [f"Care Inspectorate self-evaluation: "
                               f"{AREA_NAMES.get(area, area)}"]
    assert any(NO_EVALUATIONS in i for i in texts(at.info)), texts(at.info)
    assert not at.warning
    assert texts(at.subheader) == ["Edit evaluations"]
    assert not at.metric and not plotly_charts(at)
    assert [b.label for b in at.button] == ["Save quality-indicator evaluations"]


def test_care_inspectorate_edit_round_trip(demo_db, qi_evaluations):
    """An evaluation saved through the editing path becomes the latest grade on the page;
    undoing its import brings the previous latest grade back."""
    from cjmetrics.editing import save
    from cjmetrics.store import open_store

    at = run_app(CARE_INSPECTORATE, area=GLASGOW)
    assert_clean(at)
    history = qi_history(qi_evaluations, GLASGOW, "4.1")
    latest, before = history.iloc[-1], history.iloc[-2]
    assert metric(at, IMPACT).value == grade(latest)
    new_answer = "Fewer partners came to the spring sessions."
    assert not any(new_answer in m for m in texts(at.markdown))

    store = open_store(demo_db)
    edit = pd.DataFrame([{
        "quality_indicator": "4.1", "area": "Glasgow City", "period": "1 Jun 2026",
        "grade": "3 Adequate", "how_are_we_doing": new_answer,
        "how_do_we_know": "Attendance registers.", "what_next": "Move sessions to the evening.",
        "source": "Edited in a test"}])
    outcome = save(store, "qi_evaluations", edit)
    assert outcome.result is not None and outcome.result.import_id, outcome.message
    at.run()
    assert_clean(at)
    tile = metric(at, IMPACT)
    assert tile.value == "Adequate (3)"
    assert tile.delta == f"down from {grade(latest)}"
    assert f"Evaluated 1 Jun 2026 · previous {day(latest.date)}" in texts(at.caption)
    assert any(f"**How are we doing?** {new_answer}" in m for m in texts(at.markdown))
    assert f"4.1 {IMPACT} · latest Adequate (3), 1 Jun 2026" in labels(at.expander)
    glasgow = qi_evaluations[qi_evaluations["area"] == GLASGOW]
    qis, dates = glasgow["quality_indicator"].nunique(), glasgow["date"].nunique()
    assert len(trend_table(at)) == qis * (dates + 1)  # a new evaluation date: a new column

    store.undo_import(outcome.result.import_id)
    at.run()
    assert_clean(at)
    tile = metric(at, IMPACT)
    assert tile.value == grade(latest)
    assert tile.delta == f"up from {grade(before)}"
    assert not any(new_answer in m for m in texts(at.markdown))
    assert len(trend_table(at)) == qis * dates


def test_trends_marks_areas_without_figures_and_keeps_scotland_off_for_a_count(demo_db):
    at = run_app(TRENDS, area=GLASGOW, query={"indicator": "ndo1_diversion_completed"})
    assert_clean(at)
    picker = at.multiselect(key="areas")
    options = list(picker.options)
    assert "Glasgow City" in options  # it holds figures: its name alone
    assert "Aberdeen City · no figures" in options
    # a count is never drawn with Scotland, so the switch is off and cannot be turned on
    switch = at.toggle(key="compare-scotland-True")
    assert switch.value is False and switch.proto.disabled
    assert any("Scotland is not drawn" in c for c in texts(at.caption))
    # a percentage offers Scotland, switched on
    at.selectbox(key="indicator").set_value("ndo4_community_sentences_completed").run()
    assert at.toggle(key="compare-scotland-False").value is True


def test_trends_and_compare_draw_one_kind_of_period_and_offer_the_other(demo_db):
    """Glasgow's own monthly counts beside its financial-year totals: the pages draw the
    years (the indicator's own), offer "Figures by" months, and name an area holding none."""
    from cjmetrics.demo import observation_rows
    from cjmetrics.store import OBSERVATIONS, open_store

    months = ["Jan 2025", "Feb 2025", "Mar 2025"]
    raw = pd.DataFrame({"indicator_id": DIVERSION_COMPLETED, "area_code": GLASGOW,
                        "period": months, "value": ["7", "8", "9"]})
    for column in ("breakdown", "numerator", "denominator", "lower", "upper", "note", "source"):
        raw[column] = ""
    store = open_store(demo_db)
    store.commit_rows(OBSERVATIONS, observation_rows(raw), kind="upload", file_name="m.csv",
                      sha256="monthly-counts")
    kind_key = f"trend-kind-{DIVERSION_COMPLETED}-financial_year-month"

    at = run_app(TRENDS, area=GLASGOW, query={"indicator": DIVERSION_COMPLETED})
    assert_clean(at)
    picker = at.segmented_control(key=kind_key)
    assert picker.value == "financial_year"
    assert picker.options == ["Financial years", "Months"]
    years = trend_table(at)
    assert years["Period"].str.fullmatch(r"\d{4}/\d{2}").all(), list(years["Period"])
    picker.set_value("month").run()
    assert_clean(at)
    assert list(trend_table(at)["Period"]) == months
    at.multiselect(key="areas").select(WEST_DUNBARTONSHIRE).run()
    assert_clean(at)
    assert any("No figures held for West Dunbartonshire for months" in i
               for i in texts(at.info))

    at.switch_page(COMPARISON).run()
    assert_clean(at)
    at.selectbox(key="indicator").set_value(DIVERSION_COMPLETED).run()
    assert_clean(at)
    compare = at.segmented_control(key=f"compare-kind-{DIVERSION_COMPLETED}-financial_year-month")
    assert compare.value == "financial_year"
    compare.set_value("month").run()
    assert_clean(at)
    assert any("Mar 2025" in (chart.proto.spec or "") for chart in plotly_charts(at))
