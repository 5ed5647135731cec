"""A partnership lead's way through the pages: figures in tables read in their indicator's
format, the Areas list an upload's area column is checked against, Trends offering the areas
that hold figures, and the Imports page's undo and history following what was chosen.

Library tests first (cheap), then AppTests of the pages over the demo store."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from cjmetrics.analysis import breakdown_label, format_values
from cjmetrics.areas import AreaTree
from cjmetrics.catalogue import build_catalogue
from cjmetrics.imports import history_of_figure, undo_preview
from cjmetrics.trends import areas_to_offer

from apptest_support import assert_clean, open_page, texts
from demo_csv import AYRSHIRE, EAST_AYRSHIRE, GLASGOW, NORTH_AYRSHIRE, SCOTLAND, SOUTH_AYRSHIRE

COMPLETED = "ndo1_diversion_completed"  # a count; the demo holds none for Aberdeen City
ABERDEEN = "S12000033"
OPEN_RATE = "eng_newsletter_open_rate"  # percent, monthly


# -- library ---------------------------------------------------------------------------------
def test_values_down_a_column_each_in_its_own_unit():
    assert format_values([4031, 32.88, None, "<5"], ["count", "percent", "count", "count"]) == \
        ["4,031", "32.9%", "–", "<5"]
    assert format_values([1234.5, 3.456], ["rate", "score"], [0, 2]) == ["1,234", "3.46"]


@pytest.mark.parametrize("key, text", [
    ("", "Total"), (None, "Total"), ("channel:X/Twitter", "Channel: X/Twitter"),
    ("event:Glasgow Collaborative Workshop", "Event: Glasgow Collaborative Workshop"),
    ("odd", "odd")])
def test_breakdowns_read_as_words(key, text):
    assert breakdown_label(key) == text


def test_areas_table_names_codes_and_partnerships(demo_store):
    areas = build_catalogue(demo_store).areas.set_index("Area")
    assert areas.loc["Glasgow City", "GSS code"] == GLASGOW
    assert areas.loc["East Ayrshire", "Partnership"] == "Community Justice Ayrshire Partnership"
    assert areas.loc["Glasgow City", "Partnership"] == "Glasgow City (its own)"
    assert areas.loc["Community Justice Ayrshire Partnership", "GSS code"].startswith("CJP-AYR")
    assert "Ayrshire" in areas.loc["Community Justice Ayrshire Partnership", "Also accepted"]
    assert len(areas) == 1 + 1 + 32  # Scotland, one multi-council partnership, 32 councils


def test_indicator_list_reads_in_words_not_codes(demo_store):
    indicators = build_catalogue(demo_store).indicators
    assert "financial_year" not in set(indicators["Period"])
    assert "Financial year" in set(indicators["Period"])
    assert set(indicators["Better when"]) <= {"Higher", "Lower"}


def test_trends_offers_the_nearest_areas_that_hold_figures(demo_store):
    tree = AreaTree(demo_store.areas())
    # Nearest first: a council's partnership; a partnership's councils before Scotland.
    holding = {SCOTLAND, AYRSHIRE, NORTH_AYRSHIRE, SOUTH_AYRSHIRE, GLASGOW}
    assert areas_to_offer(tree, [EAST_AYRSHIRE], holding)[:1] == [AYRSHIRE]
    assert areas_to_offer(tree, [AYRSHIRE], holding)[:2] == [NORTH_AYRSHIRE, SOUTH_AYRSHIRE]
    assert areas_to_offer(tree, [GLASGOW], {SCOTLAND}) == [SCOTLAND]
    assert areas_to_offer(tree, [GLASGOW], set()) == []
    assert len(areas_to_offer(tree, [GLASGOW], holding | {EAST_AYRSHIRE})) == 3


def test_undo_preview_and_history_show_values_in_their_format(demo_store):
    figures = demo_store.imports()
    import_id = int(figures.loc[figures["file_name"] == "demo/observations.csv",
                                "import_id"].iloc[0])
    effect = undo_preview(demo_store, import_id)
    assert list(effect.columns[:4]) == ["Area", "Period", "Value in this import",
                                        "Value after undo"]
    percents = effect[effect["Indicator"] == "Reconviction rate"]["Value in this import"]
    assert len(percents) and percents.str.fullmatch(r"\d+\.\d%").all()
    assert not effect["Value in this import"].str.contains(r"\d{4}").any()
    history = history_of_figure(demo_store, OPEN_RATE, GLASGOW)
    assert history["Value"].str.fullmatch(r"\d+\.\d%").all()
    reach = history_of_figure(demo_store, "eng_social_reach", GLASGOW)
    assert reach["Value"].str.fullmatch(r"\d{1,3}(,\d{3})+").any()  # reach in thousands
    assert "Channel: Facebook" in set(reach["Breakdown"])


def test_engagement_totals_in_their_units(demo_store):
    from cjmetrics.engagement import build_engagement

    model = build_engagement(demo_store, GLASGOW, "month")
    shown = model.totals_shown(model.latest).set_index("Measure")
    raw = model.totals_table(model.latest).set_index("Measure")
    assert shown.loc["Newsletter open rate", "Value"] == \
        f"{raw.loc['Newsletter open rate', 'Value']:.1f}%"
    assert shown.loc["Social media reach", "Value"] == \
        f"{raw.loc['Social media reach', 'Value']:,.0f}"
    assert shown.loc["Newsletter open rate", "Change"].endswith(" points")


def test_top_events_and_posts_read_like_every_other_table(demo_store):
    from cjmetrics.engagement import top_posts, top_shown

    posts = pd.DataFrame({"Channel": ["X/Twitter", "Facebook"], "Impressions": [64313, 900],
                          "Engagements": [4031, None], "Clicks": [12, 0],
                          "Post id": ["1790000000000000001", "p2"]})
    shown = top_shown(posts)
    assert shown["Impressions"].tolist() == ["64,313", "900"]
    assert shown["Engagements"].tolist() == ["4,031", "–"]
    assert shown["Post id"].tolist() == ["1790000000000000001", "p2"]  # an id is not a number
    assert posts["Impressions"].tolist() == [64313, 900]  # the CSV download keeps numbers
    events = top_shown(pd.DataFrame({"Event": ["Conference"], "Attendance": [1250]}))
    assert events["Attendance"].tolist() == ["1,250"]
    demo = top_shown(top_posts(demo_store, GLASGOW, date(2025, 1, 1), date(2025, 3, 31)))
    assert demo["Impressions"].str.fullmatch(r"\d{1,3}(,\d{3})+").all()


# -- pages -----------------------------------------------------------------------------------
def run(page: str, *, area: str | None = None, query: dict | None = None) -> AppTest:
    return open_page(page, area=area, query=query)


def test_frameworks_areas_tab_lists_every_area(demo_db):
    at = run("pages/catalogue.py", query={"tab": "Areas"})  # the link an upload's message gives
    tables = [t.value for t in at.table if "GSS code" in t.value.columns]
    assert len(tables) == 1
    areas = tables[0]
    assert areas.loc["Glasgow City", "GSS code"] == GLASGOW
    assert "Areas: the names and codes an upload's area column may hold" in texts(at.subheader)


def test_history_of_a_figure_follows_the_sidebar_area(demo_db):
    at = run("pages/imports.py", area=GLASGOW)
    assert at.selectbox(key="history_area").value == GLASGOW
    at.selectbox(key="area").set_value(AYRSHIRE).run()
    assert_clean(at)
    assert at.selectbox(key="history_area").value == AYRSHIRE
    at.selectbox(key="history_area").set_value(GLASGOW).run()  # another may still be chosen
    assert at.selectbox(key="history_area").value == GLASGOW


def test_after_an_undo_nothing_is_chosen_to_undo(demo_db):
    at = run("pages/imports.py")
    box = at.selectbox(key="undo_import")
    undone = box.options[0]
    box.set_value(int(undone.split(" ")[0].lstrip("#"))).run()
    [button] = [b for b in at.button if b.label.startswith("Undo import #")]
    button.click().run()
    assert_clean(at)
    box = at.selectbox(key="undo_import")
    assert box.value is None
    assert undone not in box.options


def test_engagement_tables_show_formatted_totals(demo_db):
    at = run("pages/engagement.py", area=GLASGOW)
    assert not [d for d in at.dataframe if "Value a year earlier" in d.value.columns]
    at.session_state["eng-totals-open"] = True  # the table is drawn once its fold is opened
    at.run()
    totals = [d.value for d in at.dataframe if "Value a year earlier" in d.value.columns]
    assert len(totals) == 1
    values = pd.Series(totals[0]["Value"])
    assert values.str.fullmatch(r"\d+\.\d%").sum() == 1  # the open rate
    assert values.str.contains(",").any()  # reach in thousands


def test_trends_offers_the_areas_holding_a_count_when_the_area_holds_none(demo_db):
    at = run("pages/trends.py", area=ABERDEEN, query={"indicator": COMPLETED})
    assert not at.get("plotly_chart")
    info = " ".join(texts(at.info))
    assert "Figures are held for Scotland, Community Justice Ayrshire Partnership, East " \
           "Ayrshire (and 4 more in the Areas box)" in info
    [offer] = [b for b in at.button if b.label.startswith("Show Scotland")]
    offer.click().run()
    assert_clean(at)
    assert at.multiselect(key="areas").value == [ABERDEEN, SCOTLAND, AYRSHIRE, EAST_AYRSHIRE]
    assert at.get("plotly_chart")
