"""Trends: one indicator over time for the areas a lead picks, with Scotland for comparison
where that is fair, a period range, the table behind the chart and the selectors' order."""

from __future__ import annotations

import pandas as pd
import pytest

from cjmetrics.areas import AreaTree
from cjmetrics.trends import build_trend, indicator_choices, periods_held

from demo_csv import (
    AYRSHIRE,
    EAST_AYRSHIRE,
    GLASGOW,
    NORTH_AYRSHIRE,
    SCOTLAND,
    SOUTH_AYRSHIRE,
    WEST_DUNBARTONSHIRE,
    catalogue,
    demo,
    figures,
)

COMPLETED = "ndo1_diversion_completed"  # count
SENTENCES = "ndo4_community_sentences_completed"  # percent
NDO9 = "ndo9_agree_community_sentence"  # percent with confidence intervals, Scotland only


def test_a_percentage_is_drawn_with_scotland_for_comparison(demo_store):
    trend = build_trend(demo_store, SENTENCES, [GLASGOW])

    assert trend.comparator_code == SCOTLAND
    assert trend.comparator_note is None
    scotland = trend.series[trend.series["is_comparator"]]
    assert set(scotland["area_code"]) == {SCOTLAND}
    expected = figures(SENTENCES, SCOTLAND).sort_values("period")
    assert list(scotland["period_label"]) == list(expected["period"])
    assert list(scotland["value"]) == pytest.approx(list(expected["value"]))
    assert set(trend.series.loc[~trend.series["is_comparator"], "area_code"]) == {GLASGOW}
    # areas asked for come first, Scotland last
    assert list(dict.fromkeys(trend.series["area_code"])) == [GLASGOW, SCOTLAND]


def test_a_count_is_not_compared_with_scotland_and_says_why(demo_store):
    assert not figures(COMPLETED, SCOTLAND).empty  # Scotland does have a figure

    trend = build_trend(demo_store, COMPLETED, [GLASGOW])

    assert trend.comparator_code is None
    assert "Scotland" in trend.comparator_note and "not comparable" in trend.comparator_note
    assert set(trend.series["area_code"]) == {GLASGOW}


def test_the_comparison_can_be_switched_off(demo_store):
    trend = build_trend(demo_store, SENTENCES, [GLASGOW], compare_scotland=False)
    assert trend.comparator_code is None and trend.comparator_note is None
    assert set(trend.series["area_code"]) == {GLASGOW}


def test_a_period_range_limits_the_rows_and_the_notes(demo_store):
    labels = sorted(figures(COMPLETED, GLASGOW)["period"])
    notes = demo("annotations").query("indicator_id == @COMPLETED and area_code == @GLASGOW")
    assert list(notes["period"]) == ["2020/21"]

    trend = build_trend(demo_store, COMPLETED, [GLASGOW], start="2021/22", end="2023/24")

    assert list(trend.series["period_label"]) == [p for p in labels if "2021/22" <= p <= "2023/24"]
    assert trend.period_range == ("2021/22", "2023/24")
    assert trend.annotations.empty  # the 2020/21 note is outside the range

    whole = build_trend(demo_store, COMPLETED, [GLASGOW])
    assert list(whole.series["period_label"]) == labels
    assert whole.period_range == (labels[0], labels[-1])
    assert list(whole.annotations["text"]) == list(notes["text"])


def test_the_table_behind_the_chart_for_a_count(demo_store):
    table = build_trend(demo_store, COMPLETED, [GLASGOW, WEST_DUNBARTONSHIRE]).table()

    assert list(table.columns[:3]) == ["Area", "Period", "Value"]
    assert "Lower 95% bound" not in table.columns
    assert set(table["Area"]) == {"Glasgow City", "West Dunbartonshire"}
    glasgow = table[table["Area"] == "Glasgow City"]
    expected = figures(COMPLETED, GLASGOW).sort_values("period")
    assert list(glasgow["Period"]) == list(expected["period"])
    assert list(glasgow["Value"]) == pytest.approx(list(expected["value"]))


def test_the_table_for_ndo9_has_the_interval_columns(demo_store):
    table = build_trend(demo_store, NDO9, [SCOTLAND]).table()
    expected = figures(NDO9, SCOTLAND).sort_values("period")

    assert list(table.columns[:5]) == ["Area", "Period", "Value", "Lower 95% bound",
                                       "Upper 95% bound"]
    assert list(table["Period"]) == list(expected["period"])
    assert list(table["Lower 95% bound"]) == pytest.approx(list(expected["lower"]))
    assert list(table["Upper 95% bound"]) == pytest.approx(list(expected["upper"]))
    assert (table["Area"] == "Scotland").all()


def test_financial_years_are_offered_in_order_with_gaps_kept(demo_store):
    expected = sorted(set(figures(NDO9, SCOTLAND)["period"]))
    assert "2020/21" not in expected  # the survey skipped a year

    assert periods_held(demo_store, NDO9, [GLASGOW]).options(None) == expected  # via Scotland
    assert periods_held(demo_store, COMPLETED, [GLASGOW]).options(None) == \
        [f"{y}/{str(y + 1)[2:]}" for y in range(2019, 2025)]


def test_months_are_offered_in_calendar_order(demo_store):
    labels = figures("eng_website_visits", GLASGOW)["period"].drop_duplicates()
    expected = list(labels.iloc[pd.to_datetime(labels, format="%b %Y").argsort()])
    assert expected != sorted(expected)  # as text, "Apr 2019" would come before "Jan 2019"

    options = periods_held(demo_store, "eng_website_visits", [GLASGOW]).options(None)

    assert options == expected
    assert options[:3] == ["Apr 2019", "May 2019", "Jun 2019"]
    assert options[-1] == "Mar 2025"


def test_indicator_choices_read_as_a_list_grouped_by_outcome(demo_store):
    choices = indicator_choices(demo_store)
    indicators = catalogue("indicators")
    indicators = indicators.assign(order=indicators["sort_order"].astype(int)).sort_values(
        ["order", "indicator_id"])
    outcomes = catalogue("outcomes").set_index("outcome_id")
    frameworks = catalogue("frameworks").set_index("framework_id")

    assert list(choices) == list(indicators["indicator_id"])  # catalogue order
    for row in indicators.itertuples():
        label = choices[row.indicator_id]
        assert label.endswith(f": {row.name}")
        if row.outcome_id:
            outcome = outcomes.loc[row.outcome_id]
            assert label.startswith(f"Outcome {outcome['number']} · {outcome['short_name']}: ")
        elif row.framework_id == "cjpf":
            assert label.startswith("Performance Framework · Higher-level: ")
        else:
            assert label.startswith(f"{frameworks.loc[row.framework_id, 'name']}: ")
    assert choices[COMPLETED] == \
        "Outcome 1 · Diversion: Diversion from prosecution: cases successfully completed"


def test_the_area_tree_walks_from_council_to_scotland(demo_store):
    tree = AreaTree(demo_store.areas())

    assert tree.lineage(EAST_AYRSHIRE) == [EAST_AYRSHIRE, AYRSHIRE, SCOTLAND]
    assert tree.lineage(GLASGOW) == [GLASGOW, SCOTLAND]
    assert tree.lineage(AYRSHIRE) == [AYRSHIRE, SCOTLAND]
    assert tree.lineage(SCOTLAND) == [SCOTLAND]
    assert sorted(tree.children(AYRSHIRE)) == sorted([EAST_AYRSHIRE, NORTH_AYRSHIRE,
                                                      SOUTH_AYRSHIRE])
    assert tree.name(GLASGOW) == "Glasgow City"
    assert tree.label(EAST_AYRSHIRE).strip().endswith("East Ayrshire")
    assert tree.label(EAST_AYRSHIRE) != "East Ayrshire"  # indented under its partnership
    assert tree.label(GLASGOW) == "Glasgow City"


@pytest.mark.parametrize("store_fixture", ["demo_store", "empty_store"])
def test_the_area_selector_lists_every_area_once_partnerships_before_their_councils(
        request, store_fixture):
    store = request.getfixturevalue(store_fixture)
    areas = store.areas()
    tree = AreaTree(areas)

    order = tree.selectable()

    assert sorted(order) == sorted(areas["area_code"])
    ayr = order.index(AYRSHIRE)
    assert order[ayr + 1:ayr + 4] == [EAST_AYRSHIRE, NORTH_AYRSHIRE, SOUTH_AYRSHIRE]
    if store_fixture == "empty_store":
        assert order[0] == SCOTLAND
    else:  # areas holding figures come before the empty ones
        with_data = set(demo("observations")["area_code"])
        assert set(order[:len(with_data)]) == with_data
        assert order[0] == SCOTLAND
