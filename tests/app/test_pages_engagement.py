"""AppTests for the Engagement pages (reach, plan, participation statement) over the demo store
and an empty store. Expected figures are computed here from data/demo/*.csv with pandas."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from apptest_support import assert_clean, open_page, texts
from conftest import PROJECT_ROOT

PAGES_TESTED_HERE = ["pages/engagement.py", "pages/engagement_plan.py", "pages/participation.py"]
REACH, PLAN, STATEMENT = PAGES_TESTED_HERE

DEMO_DIR = PROJECT_ROOT / "data" / "demo"
GLASGOW, AYRSHIRE, EAST = "S12000049", "CJP-AYR", "S12000008"
MONTHS = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6, "Jul": 7, "Aug": 8,
          "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12}


def run_page(page: str, area: str | None = None) -> AppTest:
    return open_page(page, area=area, timeout=90)


def metric(at: AppTest, label: str):
    found = [m for m in at.metric if m.label == label]
    assert len(found) == 1, [m.label for m in at.metric]
    return found[0]


def demo_sum(indicator: str, area: str, months: list[tuple[int, int]]) -> float:
    frame = pd.read_csv(DEMO_DIR / "observations.csv", dtype=str, keep_default_na=False)
    frame = frame[(frame["indicator_id"] == indicator) & (frame["area_code"] == area)]
    when = frame["period"].map(lambda p: (int(p.split()[1]), MONTHS[p.split()[0]]))
    return float(frame.loc[when.isin(months), "value"].astype(float).sum())


# -- Engagement reach -------------------------------------------------------------------------
def test_reach_demo_quarter_totals_change_and_top_posts(demo_db):
    at = run_page(REACH, GLASGOW)
    assert texts(at.title) == ["Engagement reach: Glasgow City"]
    assert at.selectbox(key=f"eng-period-quarter-{GLASGOW}").value == "Q4 2024/25"
    expected = demo_sum("eng_social_reach", GLASGOW, [(2025, 1), (2025, 2), (2025, 3)])
    earlier = demo_sum("eng_social_reach", GLASGOW, [(2024, 1), (2024, 2), (2024, 3)])
    reach = metric(at, "Social media reach")
    assert reach.value == f"{expected:,.0f}"
    assert reach.delta == f"{100 * (expected - earlier) / earlier:+.0f}% on Q4 2023/24"
    assert any("illustrative demo figures" in w for w in texts(at.warning))
    assert "Top posts, Q4 2024/25" in texts(at.subheader)
    posts = [d.value for d in at.dataframe if "Post id" in d.value.columns]
    assert len(posts) == 1 and len(posts[0]) == 10
    engagements = posts[0]["Engagements"]  # as read: "1,234"
    assert engagements.str.fullmatch(r"\d{1,3}(,\d{3})*").all()
    assert engagements.str.replace(",", "").astype(int).is_monotonic_decreasing
    assert len(at.get("plotly_chart")) == 5


def test_reach_first_period_says_there_is_no_earlier_figure(demo_db):
    at = run_page(REACH, GLASGOW)
    box = at.selectbox(key=f"eng-period-quarter-{GLASGOW}")
    box.set_value(box.options[-1]).run()  # the oldest quarter: nothing a year before it
    assert_clean(at)
    earlier = [c for c in texts(at.caption) if c.startswith("No figure for ")]
    assert earlier and all(c.split()[3].startswith("Q") for c in earlier), earlier  # not "q1"


def test_reach_demo_by_year_recomputes_the_open_rate(demo_db):
    at = run_page(REACH, EAST)
    at.segmented_control(key="eng-grain").set_value("year").run()
    assert_clean(at)
    assert at.selectbox(key=f"eng-period-year-{EAST}").value == "2024/25"
    frame = pd.read_csv(DEMO_DIR / "observations.csv", dtype={"breakdown": str})
    rows = frame[(frame["indicator_id"] == "eng_newsletter_open_rate")
                 & (frame["area_code"] == EAST)]
    year = rows["period"].map(lambda p: (int(p.split()[1]), MONTHS[p.split()[0]]))
    rows = rows[year.map(lambda ym: (2024, 4) <= ym <= (2025, 3))]
    assert len(rows) == 12
    rate = 100 * rows["numerator"].sum() / rows["denominator"].sum()
    assert metric(at, "Newsletter open rate").value == f"{rate:.1f}%"


def test_reach_partnership_without_own_figures_is_summed_from_councils(demo_db):
    from cjmetrics.store import close_all, open_store

    store = open_store(demo_db)
    # Take the partnership's own monthly reach away: its councils' figures must take over.
    store.query("DELETE FROM observations WHERE area_code = 'CJP-AYR' "
                "AND indicator_id = 'eng_social_reach' RETURNING 1")
    close_all()
    at = run_page(REACH, AYRSHIRE)
    months = [(2025, 1), (2025, 2), (2025, 3)]
    expected = sum(demo_sum("eng_social_reach", c, months)
                   for c in ("S12000008", "S12000021", "S12000028"))
    assert metric(at, "Social media reach").value == f"{expected:,.0f}"
    assert any("sum of its councils" in i for i in texts(at.info))


def test_reach_switching_area_keeps_a_period_that_exists(demo_db):
    at = run_page(REACH, AYRSHIRE)
    at.segmented_control(key="eng-grain").set_value("month").run()
    at.selectbox(key=f"eng-period-month-{AYRSHIRE}").set_value("Feb 2016").run()
    assert_clean(at)
    events = [d.value for d in at.dataframe if "Event" in d.value.columns]
    assert list(events[0]["Event"]) == ["Ayrshire Collaborative Workshop"]
    assert list(events[0]["Attendance"]) == ["41"]  # seed 001
    at.selectbox(key="area").set_value(EAST).run()
    assert_clean(at)
    assert at.selectbox(key=f"eng-period-month-{EAST}").value == "Mar 2025"


def test_reach_empty_store_says_what_to_upload(empty_db):
    at = run_page(REACH, GLASGOW)
    assert texts(at.title) == ["Engagement reach: Glasgow City"]
    [said] = [i for i in texts(at.info) if "No engagement figures are held for Glasgow City" in i]
    # what to upload, in the Upload page's words, not the store's ids
    assert "Indicator values template" in said and "Mailchimp" in said
    assert "eng_" not in said and "channel:" not in said
    assert not at.get("plotly_chart")


# -- Engagement plan --------------------------------------------------------------------------
def test_plan_demo_shows_counts_standards_and_stages(demo_db):
    at = run_page(PLAN, GLASGOW)
    assert texts(at.title) == ["Engagement plan: Glasgow City"]
    plan = pd.read_csv(DEMO_DIR / "engagement_activities.csv")
    glasgow = plan[plan["area"] == GLASGOW]
    assert metric(at, "Activities").value == str(len(glasgow))
    for status in ("Not started", "In progress", "Complete"):
        assert metric(at, status).value == str(int((glasgow["status"] == status).sum()))
    assert len(at.get("plotly_chart")) == 4
    assert "National Standards for Community Engagement" in texts(at.subheader)
    current = [d.value for d in at.dataframe if "Stages to go" in d.value.columns]
    stages = pd.read_csv(DEMO_DIR / "service_stages.csv")
    assert len(current) == 1
    assert set(current[0]["Service"]) == set(stages.loc[stages["area"] == GLASGOW, "service"])
    # The stage before reads like the current one: "Stage 3" beside "Stage 4", not a bare 3.
    unpaid = stages[(stages["area"] == GLASGOW) & (stages["service"] == "Unpaid work")]
    shown = current[0].set_index("Service").loc["Unpaid work"]
    assert shown["Current stage"] == f"Stage {unpaid['stage'].iloc[-1]}"
    assert shown["Previous stage"] == f"Stage {unpaid['stage'].iloc[-2]}"
    assert any("placeholder names" in c for c in texts(at.caption))
    assert [e.label for e in at.expander if e.label.startswith("Edit")] == [
        "Edit the engagement plan", "Edit service stage assessments", "Edit the stage names"]
    # The plan's rows and the editors are drawn only once their expander is opened.
    assert not [d for d in at.dataframe if "Activity" in d.value.columns]
    assert not [b for b in at.button if b.label.startswith("Save")]
    at.session_state["plan-table-open"] = True
    at.run()
    table = [d.value for d in at.dataframe if "Activity" in d.value.columns]
    assert len(table) == 1 and len(table[0]) == len(glasgow)


def open_editors(at: AppTest) -> None:
    for key in ("plan-activities-open", "plan-stages-edit-open", "plan-stage-names-open"):
        at.session_state[key] = True
    at.run()


def test_plan_empty_store_explains_how_to_start(empty_db):
    at = run_page(PLAN, GLASGOW)
    infos = texts(at.info)
    assert any("No engagement activities are held for Glasgow City" in i for i in infos)
    assert any("No service stage assessments are held" in i for i in infos)
    assert not at.get("plotly_chart")
    open_editors(at)
    assert [b.label for b in at.button if b.label.startswith("Save")] == [
        "Save engagement plan activities", "Save service stages (distance travelled)",
        "Save distance-travelled stage names"]


# -- Participation statement --------------------------------------------------------------------
def test_statement_demo_shows_the_layout_and_downloads(demo_db):
    at = run_page(STATEMENT, AYRSHIRE)
    assert texts(at.title) == ["Participation statement: Community Justice Ayrshire Partnership"]
    slider = at.select_slider(key=f"statement-years-{AYRSHIRE}")
    assert slider.value == ("2023/24", "2025/26")
    assert "Activities" in texts(at.subheader) and "Summary" in texts(at.subheader)
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Word (.docx)", "Markdown (.md)"]
    assert any("East Ayrshire" in m for m in texts(at.markdown))  # councils are included
    slider.set_value(("2015/16", "2015/16")).run()
    assert_clean(at)
    assert any("Ayrshire Collaborative Workshop" in m for m in texts(at.markdown))
    assert any("Attendance: 41" in m for m in texts(at.markdown))


def test_statement_empty_store_says_there_is_nothing_to_write_from(empty_db):
    at = run_page(STATEMENT, GLASGOW)
    assert any("nothing to write a statement from" in i for i in texts(at.info))
    assert not at.get("download_button")
