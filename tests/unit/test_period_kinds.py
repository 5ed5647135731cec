"""One kind of period per line: when an area holds monthly figures beside the financial-year
figures of the same indicator, a chart, a ranking, a tile and a report draw one kind at a time
(the indicator's own unless another is chosen), never a month beside a year."""

from __future__ import annotations

import pandas as pd
import pytest

from cjmetrics import chart_registry
from cjmetrics.annual_report import build_annual_report
from cjmetrics.areas import AreaTree
from cjmetrics.comparison import build_comparison, populations
from cjmetrics.demo import observation_rows
from cjmetrics.overview import build_overview
from cjmetrics.periods import kinds_held, shown_kind
from cjmetrics.store import OBSERVATIONS, file_sha256
from cjmetrics.trends import build_trend, periods_held

from demo_csv import GLASGOW, WEST_DUNBARTONSHIRE, figures, file_bytes, observations_file

COMPLETED = "ndo1_diversion_completed"  # a count reported by financial year
MONTHS = [f"{m} {y}" for y, ms in ((2024, "Apr May Jun Jul Aug Sep Oct Nov Dec"),
                                    (2025, "Jan Feb Mar")) for m in ms.split()]


def upload(store, *rows: dict) -> None:
    raw = observations_file(*rows)
    store.commit_rows(OBSERVATIONS, observation_rows(raw), kind="upload",
                      file_name="monthly.csv", sha256=file_sha256(file_bytes(raw)))


def monthly(store, area: str = GLASGOW, indicator: str = COMPLETED, value: float = 7) -> None:
    """A partnership's own monthly counts for 2024/25, small beside its yearly totals."""
    upload(store, *({"indicator_id": indicator, "area_code": area, "period": month,
                     "value": value + i} for i, month in enumerate(MONTHS)))


def yearly(area: str = GLASGOW) -> pd.DataFrame:
    return figures(COMPLETED, area).sort_values("period").reset_index(drop=True)


def test_the_kinds_held_longest_first_and_which_is_shown():
    series = pd.DataFrame({
        "period_start": pd.to_datetime(["2024-04-01", "2024-04-01", "2024-05-01", "2024-06-01"]),
        "period_end": pd.to_datetime(["2025-03-31", "2024-04-30", "2024-05-31", "2024-06-30"]),
        "period_type": ["financial_year", "month", "month", "month"]})

    assert kinds_held(series) == ["financial_year", "month"]
    assert shown_kind(series, own="financial_year") == "financial_year"
    assert shown_kind(series, own="financial_year", asked="month") == "month"
    assert shown_kind(series, own="quarter") == "month"  # not held: the commonest
    assert shown_kind(series, own="financial_year", asked="quarter") == "financial_year"
    assert shown_kind(series.iloc[0:0], own="month") is None


def test_a_trend_draws_the_indicators_own_periods_and_says_months_are_held(demo_store):
    monthly(demo_store)

    trend = build_trend(demo_store, COMPLETED, [GLASGOW])

    assert trend.kinds == ["financial_year", "month"]
    assert trend.period_type == "financial_year"
    assert list(trend.series["period_label"]) == list(yearly()["period"])
    assert set(trend.series["period_type"]) == {"financial_year"}
    latest = yearly().iloc[-1]
    assert f"{latest['period']}" in trend.summary() and "Apr 2024" not in trend.summary()
    view = chart_registry.build(demo_store, "trend", {"indicator": COMPLETED,
                                                      "areas": [GLASGOW]})
    assert "Financial years (months also held)" in view.figure.layout.title.subtitle.text
    assert list(view.figure.data[0].customdata[:, 0]) == list(yearly()["period"])
    held = periods_held(demo_store, COMPLETED, [GLASGOW])
    assert (held.kinds, held.default) == (["financial_year", "month"], "financial_year")
    assert held.options(None) == held.options("quarter") == list(yearly()["period"])


def test_a_trend_of_months_when_they_are_chosen_and_the_deck_keeps_the_choice(demo_store):
    monthly(demo_store)

    trend = build_trend(demo_store, COMPLETED, [GLASGOW], period_type="month")

    assert list(trend.series["period_label"]) == MONTHS
    assert list(trend.series["value"]) == [7 + i for i in range(12)]
    assert periods_held(demo_store, COMPLETED, [GLASGOW]).options("month") == MONTHS
    # The summary compares a month with the same month a year earlier, as the tiles do: none
    # is held, so no change is claimed (and never one against a year, or against Feb 2025).
    assert "18 in Mar 2025" in trend.summary() and " on " not in trend.summary()
    upload(demo_store, {"indicator_id": COMPLETED, "area_code": GLASGOW, "period": "Mar 2024",
                        "value": 12})
    trend = build_trend(demo_store, COMPLETED, [GLASGOW], period_type="month")
    assert "18 in Mar 2025, up 50% on Mar 2024" in trend.summary(), trend.summary()
    view = chart_registry.build(demo_store, "trend", {
        "indicator": COMPLETED, "areas": [GLASGOW], "period_type": "month"})
    assert list(view.figure.data[0].customdata[:, 0]) == ["Mar 2024", *MONTHS]
    assert "Months (financial years also held)" in view.figure.layout.title.subtitle.text


def test_one_kind_alone_is_drawn_without_a_word_about_kinds(demo_store):
    trend = build_trend(demo_store, COMPLETED, [GLASGOW])

    assert trend.kinds == ["financial_year"]
    view = chart_registry.build(demo_store, "trend", {"indicator": COMPLETED,
                                                      "areas": [GLASGOW]})
    assert "also held" not in view.figure.layout.title.subtitle.text


def test_areas_are_ranked_on_the_same_kind_of_period(demo_store):
    """Glasgow's months must not make the latest period the areas share a month: West
    Dunbartonshire holds none."""
    monthly(demo_store)
    areas = [GLASGOW, WEST_DUNBARTONSHIRE]

    data = build_comparison(demo_store, COMPLETED, areas, per_10000=False)

    assert data.period_label == yearly().iloc[-1]["period"]
    values = dict(zip(data.ranking["area_code"], data.ranking["value"]))
    assert values[GLASGOW] == pytest.approx(float(yearly().iloc[-1]["value"]))
    assert set(data.trend.series["period_type"]) == {"financial_year"}

    by_month = build_comparison(demo_store, COMPLETED, areas, per_10000=False,
                                period_type="month")
    # Only Glasgow holds months: West Dunbartonshire is named as holding none of them.
    assert by_month.period_label == "Mar 2025"
    assert list(by_month.ranking["area_code"]) == [GLASGOW]
    assert by_month.missing == ["West Dunbartonshire"]
    assert set(by_month.trend.series.loc[by_month.trend.series["area_code"] == GLASGOW,
                                         "period_type"]) == {"month"}


def test_rates_divide_by_mid_year_estimates_only(demo_store):
    before = populations(demo_store, AreaTree(demo_store.areas()), [GLASGOW])
    monthly(demo_store, indicator="population", value=5)

    after = populations(demo_store, AreaTree(demo_store.areas()), [GLASGOW])

    pd.testing.assert_frame_equal(after.reset_index(drop=True), before.reset_index(drop=True))


def test_a_tile_and_the_annual_report_keep_to_the_indicators_own_periods(demo_store):
    monthly(demo_store)

    tile = next(t for t in build_overview(demo_store, GLASGOW).tiles
                if t.indicator_id == COMPLETED)

    assert tile.latest_label == yearly().iloc[-1]["period"]
    assert tile.latest_value == pytest.approx(float(yearly().iloc[-1]["value"]))
    assert tile.spark_labels == list(yearly()["period"])
    report = build_annual_report(demo_store, GLASGOW, yearly().iloc[-1]["period"])
    entry = next(e for o in report.outcomes for e in o.indicators
                 if e.indicator_id == COMPLETED)
    assert entry.figure_text.replace(",", "") == f"{yearly().iloc[-1]['value']:.0f}"


def test_an_area_with_months_alone_gets_a_tile_of_months(demo_store):
    monthly(demo_store, area=WEST_DUNBARTONSHIRE, indicator="ndo9_agree_community_sentence")

    tile = next(t for t in build_overview(demo_store, WEST_DUNBARTONSHIRE).tiles
                if t.indicator_id == "ndo9_agree_community_sentence")

    assert tile.latest_label == "Mar 2025"
    assert tile.spark_labels == MONTHS


def test_the_annual_report_never_gives_a_months_figure_as_the_years(demo_store):
    """An area holding only its own monthly figures for a yearly indicator: the report names
    the latest month as a month's figure, and claims no change, status or trend for the year."""
    agree = "ndo9_agree_community_sentence"  # a survey-year indicator; the area holds none
    monthly(demo_store, area=WEST_DUNBARTONSHIRE, indicator=agree)

    report = build_annual_report(demo_store, WEST_DUNBARTONSHIRE, "2024/25")
    entry = next(e for o in report.outcomes for e in o.indicators if e.indicator_id == agree)

    assert not entry.has_figure and entry.has_series
    assert entry.figure_sentence == (
        "No figure held for 2024/25. The latest figure held is 18.0% in Mar 2025 (figures are "
        "held for months only)."), entry.figure_sentence
