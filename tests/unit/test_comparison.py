"""Compare areas: ranking one indicator across areas, with Scotland as a reference.

Expected values are computed here from data/demo/*.csv with pandas (tests/demo_csv.py), not
through cjmetrics.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from cjmetrics.charts import (
    COMPARATOR_COLOUR,
    FOCUS_COLOUR,
    ranked_bar_figure,
    self_assessment_figure,
)
from cjmetrics.comparison import (
    NO_SCOTLAND,
    NOT_COMPARABLE,
    build_comparison,
    default_areas,
    per_population,
)
from cjmetrics.demo import observation_rows
from cjmetrics.framework import build_scorecard
from cjmetrics.store import OBSERVATIONS, file_sha256

from demo_csv import (
    AYRSHIRE,
    DEMO_DIR,
    EAST_AYRSHIRE,
    GLASGOW,
    NORTH_AYRSHIRE,
    SCOTLAND,
    SOUTH_AYRSHIRE,
    WEST_DUNBARTONSHIRE,
    catalogue,
    figures,
    file_bytes,
    observations_file,
)

ABERDEEN = "S12000033"
SENTENCES = "ndo4_community_sentences_completed"  # percent, higher is better
DIVERSION = "ndo1_diversion_completed"  # count, higher is better
RECONVICTION = "cjpf_reconviction_rate"  # percent, lower is better
AGREE = "ndo9_agree_community_sentence"  # Scotland only
AYRSHIRE_COUNCILS = [EAST_AYRSHIRE, NORTH_AYRSHIRE, SOUTH_AYRSHIRE]


def name(code: str) -> str:
    areas = catalogue("areas")
    return areas.loc[areas["area_code"] == code, "name"].iloc[0]


def latest(indicator_id: str, area: str) -> pd.Series:
    """The area's figure for the latest financial year (labels sort as text: 2019/20 ...)."""
    return figures(indicator_id, area).sort_values("period").iloc[-1]


def expected_ranks(values: dict[str, float], ascending: bool) -> dict[str, int]:
    series = pd.Series(values)
    return series.rank(method="min", ascending=ascending).astype(int).to_dict()


def upload(store, raw):
    return store.commit_rows(OBSERVATIONS, observation_rows(raw), kind="upload",
                             file_name="test.csv", sha256=file_sha256(file_bytes(raw)))


def test_a_percentage_is_ranked_best_first_with_councils_grouped_under_their_partnership(
        demo_store):
    areas = [GLASGOW, WEST_DUNBARTONSHIRE, AYRSHIRE] + AYRSHIRE_COUNCILS
    values = {a: latest(SENTENCES, a)["value"] for a in areas}
    period = latest(SENTENCES, GLASGOW)["period"]
    top = expected_ranks({a: values[a] for a in (GLASGOW, WEST_DUNBARTONSHIRE, AYRSHIRE)}, False)
    councils = expected_ranks({a: values[a] for a in AYRSHIRE_COUNCILS}, False)

    data = build_comparison(demo_store, SENTENCES, areas, True)

    assert data.period_label == period and data.common_period
    ranking = data.ranking.set_index("area_code")
    assert ranking["value"].to_dict() == pytest.approx(values)
    for code, rank in top.items():
        assert ranking.at[code, "rank"] == rank and not ranking.at[code, "grouped"]
        assert ranking.at[code, "ranked_among"] == "areas compared"
    for code, rank in councils.items():
        assert ranking.at[code, "rank"] == rank and ranking.at[code, "grouped"]
        assert ranking.at[code, "ranked_among"] == f"councils of {name(AYRSHIRE)}"
        assert ranking.at[code, "label"] == f"└ {name(code)}"
    # display order: partnerships best first, each followed by its councils best first
    order = list(data.ranking["area_code"])
    tops = sorted(top, key=lambda c: (top[c], name(c)))
    expected_order = []
    for code in tops:
        expected_order.append(code)
        if code == AYRSHIRE:
            expected_order += sorted(AYRSHIRE_COUNCILS, key=lambda c: (councils[c], name(c)))
    assert order == expected_order
    assert data.ranking["is_focus"].tolist() == [c == GLASGOW for c in order]
    # Scotland is a reference for a percentage, in the same period
    scotland = latest(SENTENCES, SCOTLAND)
    assert data.scotland.value == pytest.approx(scotland["value"])
    assert data.scotland.period_label == scotland["period"] == period
    assert data.scotland_note is None
    table = data.table()
    assert table["Area"].iloc[-1] == "Scotland (reference, not ranked)"
    assert pd.isna(table["Rank"].iloc[-1])
    assert data.summary().startswith(f"Community sentences completed in {period}: Glasgow City "
                                     f"ranks {top[GLASGOW]} of 3 areas compared")


def test_a_count_is_never_compared_with_scotland(demo_store):
    areas = [EAST_AYRSHIRE, NORTH_AYRSHIRE, SOUTH_AYRSHIRE]
    values = {a: latest(DIVERSION, a)["value"] for a in areas}

    data = build_comparison(demo_store, DIVERSION, areas, True, per_10000=False)

    assert data.scotland is None and data.scotland_note == NOT_COMPARABLE
    # councils whose partnership is not chosen are ranked among themselves, not grouped
    ranks = expected_ranks(values, False)
    assert dict(zip(data.ranking["area_code"], data.ranking["rank"])) == ranks
    assert not data.ranking["grouped"].any()
    assert data.trend.comparator_code is None


def test_lower_is_better_ranks_the_lowest_first(demo_store):
    areas = [WEST_DUNBARTONSHIRE, GLASGOW, AYRSHIRE]
    values = {a: latest(RECONVICTION, a)["value"] for a in areas}

    data = build_comparison(demo_store, RECONVICTION, areas, True)

    assert data.ascending and "lowest first" in data.order_text
    assert list(data.ranking["area_code"]) == sorted(areas, key=values.get)
    assert list(data.ranking["rank"]) == [1, 2, 3]
    assert data.ranking["value"].is_monotonic_increasing
    assert data.focus_code == WEST_DUNBARTONSHIRE


def test_ties_share_a_rank(empty_store):
    rows = [{"indicator_id": SENTENCES, "area_code": a, "period": "2024/25", "value": v}
            for a, v in ((GLASGOW, 70), (WEST_DUNBARTONSHIRE, 70), (ABERDEEN, 60))]
    upload(empty_store, observations_file(*rows))

    data = build_comparison(empty_store, SENTENCES, [GLASGOW, WEST_DUNBARTONSHIRE, ABERDEEN])

    assert list(data.ranking["rank"]) == [1, 1, 3]


def test_the_latest_common_period_is_ranked_when_one_area_has_a_newer_figure(demo_store):
    upload(demo_store, observations_file({"indicator_id": SENTENCES, "area_code": GLASGOW,
                                          "period": "2025/26", "value": 99.0}))
    common = latest(SENTENCES, WEST_DUNBARTONSHIRE)

    data = build_comparison(demo_store, SENTENCES, [GLASGOW, WEST_DUNBARTONSHIRE], False)

    assert data.period_label == common["period"]
    glasgow = data.ranking.set_index("area_code").loc[GLASGOW]
    assert glasgow["value"] == pytest.approx(latest(SENTENCES, GLASGOW)["value"])
    assert data.scotland is None and data.scotland_note is None  # switched off


def test_without_a_common_period_each_area_shows_its_own_latest(empty_store):
    upload(empty_store, observations_file(
        {"indicator_id": SENTENCES, "area_code": GLASGOW, "period": "2023/24", "value": 60},
        {"indicator_id": SENTENCES, "area_code": WEST_DUNBARTONSHIRE, "period": "2022/23",
         "value": 65},
        {"indicator_id": SENTENCES, "area_code": SCOTLAND, "period": "2022/23", "value": 62}))

    data = build_comparison(empty_store, SENTENCES, [GLASGOW, WEST_DUNBARTONSHIRE], True)

    assert data.period_label is None and not data.common_period
    ranking = data.ranking.set_index("area_code")
    assert ranking.at[GLASGOW, "period_label"] == "2023/24"
    assert ranking.at[WEST_DUNBARTONSHIRE, "label"] == "West Dunbartonshire (2022/23)"
    assert list(data.ranking["area_code"]) == [WEST_DUNBARTONSHIRE, GLASGOW]
    assert data.scotland.value == 62 and data.scotland.period_label == "2022/23"
    assert "each area's latest figure" in data.summary()


def test_areas_without_figures_are_listed_not_ranked(demo_store):
    data = build_comparison(demo_store, SENTENCES, [GLASGOW, ABERDEEN], True)

    assert list(data.ranking["area_code"]) == [GLASGOW]
    assert data.missing == ["Aberdeen City"]


def test_a_national_survey_has_only_scotland(demo_store):
    data = build_comparison(demo_store, AGREE, [GLASGOW, WEST_DUNBARTONSHIRE], True)

    assert data.ranking.empty
    assert data.missing == ["Glasgow City", "West Dunbartonshire"]
    assert data.scotland.value == pytest.approx(latest(AGREE, SCOTLAND)["value"])
    assert data.summary().startswith("No figures are held")


def test_choosing_scotland_makes_it_the_reference_not_a_ranked_area(demo_store):
    data = build_comparison(demo_store, SENTENCES, [GLASGOW, SCOTLAND], False)

    assert SCOTLAND not in set(data.ranking["area_code"])
    assert data.scotland is not None


def test_the_lines_over_time_are_the_trend_of_the_same_areas(demo_store):
    areas = [GLASGOW, WEST_DUNBARTONSHIRE]

    data = build_comparison(demo_store, SENTENCES, areas, True)

    assert data.trend.area_codes == areas
    assert data.trend.comparator_code == SCOTLAND
    glasgow = data.trend.series[data.trend.series["area_code"] == GLASGOW]
    assert list(glasgow["value"]) == pytest.approx(
        list(figures(SENTENCES, GLASGOW).sort_values("period")["value"]))


def test_an_empty_store_compares_nothing_without_an_error(empty_store):
    data = build_comparison(empty_store, SENTENCES, [GLASGOW, WEST_DUNBARTONSHIRE], True)

    assert data.ranking.empty and data.scotland is None and data.scotland_note == NO_SCOTLAND
    assert data.missing == ["Glasgow City", "West Dunbartonshire"]
    assert data.trend.series.empty
    assert data.table().empty
    fig = ranked_bar_figure(data)
    assert "No figures" in fig.layout.annotations[0].text


def test_an_unknown_indicator_is_an_error(demo_store):
    with pytest.raises(KeyError):
        build_comparison(demo_store, "no_such_indicator", [GLASGOW], True)


@pytest.mark.parametrize("area, expected", [
    (AYRSHIRE, [AYRSHIRE] + AYRSHIRE_COUNCILS),
    (EAST_AYRSHIRE, [EAST_AYRSHIRE, NORTH_AYRSHIRE, SOUTH_AYRSHIRE]),
])
def test_the_default_areas_are_the_partnership_and_its_councils(demo_store, area, expected):
    assert sorted(default_areas(demo_store, area)) == sorted(expected)
    assert default_areas(demo_store, area)[0] == area


def test_a_single_council_partnership_defaults_to_the_other_areas_holding_figures(demo_store):
    areas = default_areas(demo_store, GLASGOW)
    held = set(pd.read_csv(DEMO_DIR / "observations.csv")["area_code"])
    top_level = {c for c in held if c not in AYRSHIRE_COUNCILS and c != SCOTLAND}
    assert areas[0] == GLASGOW and set(areas) == top_level


# -- the figures ------------------------------------------------------------------------------
def test_the_ranked_bars_highlight_the_chosen_area_and_label_values(demo_store):
    areas = [WEST_DUNBARTONSHIRE, GLASGOW, AYRSHIRE]
    data = build_comparison(demo_store, SENTENCES, areas, True)

    fig = ranked_bar_figure(data)

    bars = fig.data[0]
    assert bars.orientation == "h" and len(bars.y) == 3
    focus = list(data.ranking["area_code"]).index(WEST_DUNBARTONSHIRE)
    assert bars.marker.color[focus] == FOCUS_COLOUR
    assert sum(c == FOCUS_COLOUR for c in bars.marker.color) == 1
    assert list(bars.text) == list(data.ranking["value_text"])
    assert bars.y[focus].startswith("► ") and "West Dunbartonshire" in bars.y[focus]
    assert fig.layout.yaxis.autorange == "reversed"  # best at the top
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(lines) == 1 and lines[0].x0 == pytest.approx(data.scotland.value)
    assert lines[0].line.color == COMPARATOR_COLOUR and lines[0].line.dash == "dot"
    # Its label runs into the wider side of the line, not off the figure's edge.
    label = next(a for a in fig.layout.annotations if a.text.startswith("Scotland"))
    low, end = fig.layout.xaxis.range
    assert data.scotland.value > (low + end) / 2  # in the right half: the label runs left
    assert label.xanchor == "right"
    assert fig.layout.title.text.startswith("Community sentences successfully completed")
    subtitle = fig.layout.title.subtitle.text.replace("<br>", " ")
    assert data.period_label in subtitle and "Source:" in subtitle
    assert fig.layout.template.layout.font.family.startswith("DejaVu Sans")


def test_no_scotland_line_for_a_count(demo_store):
    data = build_comparison(demo_store, DIVERSION, [GLASGOW, AYRSHIRE], True, per_10000=False)
    assert not ranked_bar_figure(data).layout.shapes


def test_the_self_assessment_chart_has_a_panel_per_outcome_on_the_scale(demo_store):
    scorecard = build_scorecard(demo_store, GLASGOW)

    fig = self_assessment_figure(scorecard)

    assert len(fig.data) == 9
    titles = [a.text for a in fig.layout.annotations][:9]
    assert titles[0] == "★ 1 · Diversion"  # Glasgow prioritises outcome 1
    assert titles[1] == "2 · Custody support"
    for axis in ("yaxis", "yaxis5", "yaxis9"):
        low, high = fig.layout[axis].range
        assert low < scorecard.scale.minimum and high > scorecard.scale.maximum
        assert low > scorecard.scale.minimum - 2 and high < scorecard.scale.maximum + 2
    assert [p.score for p in scorecard.outcomes[0].scores] == list(fig.data[0].y)
    assert "Glasgow City" in fig.layout.title.subtitle.text


def test_the_self_assessment_chart_says_when_there_are_no_scores(empty_store):
    fig = self_assessment_figure(build_scorecard(empty_store, GLASGOW))
    assert "No self-assessment scores" in fig.layout.annotations[0].text


def test_a_partnership_is_summarised_with_its_councils_best_first(demo_store):
    councils = {c: latest(DIVERSION, c)["value"] for c in AYRSHIRE_COUNCILS}
    best_first = sorted(councils, key=councils.get, reverse=True)

    data = build_comparison(demo_store, DIVERSION, [AYRSHIRE] + AYRSHIRE_COUNCILS, True,
                            per_10000=False)

    total = latest(DIVERSION, AYRSHIRE)
    listed = ", ".join(f"{name(c)} {int(councils[c])}" for c in best_first)
    assert data.summary() == (f"Diversion cases completed in {total['period']}: {name(AYRSHIRE)} "
                              f"{int(total['value'])}. Its councils, best first: {listed}.")


# -- fair comparisons: rates per 10,000 population, a partnership as its councils' total ------
def population(code: str) -> float:
    """The area's population in data/reference/population.csv (a partnership: its councils')."""
    rows = figures("population", code)
    if len(rows):
        return float(rows["value"].iloc[-1])
    areas = catalogue("areas")
    return sum(population(c) for c in areas.loc[areas["parent_code"] == code, "area_code"])


def test_counts_are_compared_per_10000_population_from_the_stored_estimates(demo_store):
    values = {c: latest(DIVERSION, c)["value"] for c in AYRSHIRE_COUNCILS}
    rates = {c: values[c] / population(c) * 10_000 for c in AYRSHIRE_COUNCILS}

    data = build_comparison(demo_store, DIVERSION, AYRSHIRE_COUNCILS, True)

    assert data.per_population and data.indicator["unit"] == "rate"
    assert data.title.endswith("per 10,000 population")
    ranking = data.ranking.set_index("area_code")
    assert ranking["value"].to_dict() == pytest.approx(rates)
    assert ranking["count"].to_dict() == pytest.approx(values)
    # ranked on the rate, not the count: the smallest council is not worst for being small
    assert dict(zip(data.ranking["area_code"], data.ranking["rank"])) == \
        expected_ranks(rates, False)
    assert "National Records of Scotland" in data.population_note
    table = data.table()
    assert {"Per 10,000 population", "Number", "Population"} <= set(table.columns)
    # Scotland's published count becomes a fair reference as a rate
    assert data.scotland is not None
    scotland = figures(DIVERSION, SCOTLAND).sort_values("period")
    same = scotland[scotland["period"] == data.period_label]
    if len(same):
        assert data.scotland.value == pytest.approx(
            same["value"].iloc[-1] / population(SCOTLAND) * 10_000)
    # the lines over time are in the same rates
    over_time = data.trend.series.set_index(["area_code", "period_label"])["value"]
    assert over_time[(EAST_AYRSHIRE, data.period_label)] == pytest.approx(rates[EAST_AYRSHIRE])


def test_scotlands_published_reference_is_credited_beside_the_areas_demo_figures(demo_store):
    """The bars are the demo's, Scotland's line a Scottish Government release: the subtitle
    and the table behind the chart name both, so the line is not taken for invented."""
    data = build_comparison(demo_store, "ndo1_diversion_assessments", AYRSHIRE_COUNCILS, True)
    scotland = figures("ndo1_diversion_assessments", SCOTLAND)
    release = scotland[scotland["period"] == data.scotland.period_label].iloc[-1]
    published = data.scotland.source
    assert release["publisher"] in published and release["publication"] in published
    assert data.illustrative  # the areas' bars still are

    assert published in data.sources.split("; ")
    table = data.table()
    assert table["Source"].iloc[-1] == published
    assert set(table["Source"].iloc[:-1]) == {"Illustrative demo data - not official statistics"}
    subtitle = ranked_bar_figure(data).layout.title.subtitle.text.replace("<br>", " ")
    assert "dotted line: Scotland (Scottish Government: Justice Social Work Statistics in " \
        "Scotland: 2022-23" in subtitle
    assert subtitle.endswith("Source: Illustrative demo data - not official statistics")


def test_a_partnership_is_its_councils_total_above_them_never_ranked_among_them(demo_store):
    data = build_comparison(demo_store, DIVERSION, [AYRSHIRE] + AYRSHIRE_COUNCILS, True)

    first = data.ranking.iloc[0]
    assert first["area_code"] == AYRSHIRE and pd.isna(first["rank"])
    assert first["ranked_among"] == "total of its councils"
    assert first["population"] == pytest.approx(sum(population(c) for c in AYRSHIRE_COUNCILS))
    councils = data.ranking.iloc[1:]
    assert councils["grouped"].all() and sorted(councils["rank"]) == [1, 2, 3]
    labels = list(ranked_bar_figure(data).data[0].y)
    assert labels[0].removeprefix("► ") == "Community Justice Ayrshire Partnership (total)"
    assert not labels[0].startswith("1.")


def test_an_area_without_a_population_is_named_not_ranked(demo_store):
    demo_store.query("UPDATE observations SET value = NULL WHERE indicator_id = 'population' "
                     "AND area_code = ?", [EAST_AYRSHIRE])
    data = build_comparison(demo_store, DIVERSION, AYRSHIRE_COUNCILS, True)
    assert data.no_population == ["East Ayrshire"]
    assert EAST_AYRSHIRE not in set(data.ranking["area_code"])
    assert "East Ayrshire" not in data.missing  # it holds counts, just no population


def test_each_rate_uses_the_estimate_of_its_year_or_else_the_earliest():
    """A month's rate divides by the latest estimate dated on or before its end; a month before
    every estimate uses the earliest; an area with no estimate, or a zero one, is left out."""
    months = pd.DataFrame({
        "area_code": ["A", "A", "A", "B", "C"],
        "period_start": pd.to_datetime(["2019-01-01", "2021-03-01", "2023-05-01",
                                        "2023-05-01", "2023-05-01"]),
        "period_end": pd.to_datetime(["2019-01-31", "2021-03-31", "2023-05-31",
                                      "2023-05-31", "2023-05-31"]),
        "value": [10.0, 20.0, 30.0, 40.0, 50.0]})
    pops = pd.DataFrame({
        "area_code": ["A", "A", "C"],
        "period_start": [date(2020, 1, 1), date(2022, 1, 1), date(2022, 1, 1)],
        "period_label": ["2020", "2022", "2022"], "value": [1000.0, 2000.0, 0.0],
        "source": ["NRS"] * 3})
    rates = per_population(months, pops)
    assert list(rates["area_code"]) == ["A", "A", "A"]  # B has no estimate, C a zero one
    assert list(rates["population_label"]) == ["2020", "2020", "2022"]
    assert list(rates["count"]) == [10.0, 20.0, 30.0]
    assert list(rates["value"]) == [100.0, 200.0, 150.0]  # per 10,000
