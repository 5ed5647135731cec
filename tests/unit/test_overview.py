"""Overview tiles: one per headline indicator, with the numbers a lead would check by hand.

Expected figures come from data/demo/*.csv and data/catalogue/indicators.csv with pandas, so the
tiles are checked against the files a lead could open in Excel, not against the code itself.
"""

from __future__ import annotations

import pandas as pd
import pytest

from cjmetrics.demo import observation_rows, target_rows
from cjmetrics.overview import build_overview
from cjmetrics.store import OBSERVATIONS, TARGETS, file_sha256

from demo_csv import (
    AYRSHIRE,
    EAST_AYRSHIRE,
    GLASGOW,
    SCOTLAND,
    WEST_DUNBARTONSHIRE,
    catalogue,
    demo,
    figures,
    file_bytes,
    indicator,
    observations_file,
    targets_file,
)

DEMO_AREAS = [GLASGOW, WEST_DUNBARTONSHIRE, AYRSHIRE, EAST_AYRSHIRE, SCOTLAND]


def area_name(code: str) -> str:
    areas = catalogue("areas")
    return areas.loc[areas["area_code"] == code, "name"].iloc[0]


def headline(framework: str) -> pd.DataFrame:
    rows = catalogue("indicators")
    rows = rows[(rows["headline"] == "true") & (rows["framework_id"] == framework)]
    return rows.assign(order=rows["sort_order"].astype(int)).sort_values("order")


def tiles_by_id(overview) -> dict:
    return {tile.indicator_id: tile for tile in overview.tiles}


def upload(store, raw, spec=OBSERVATIONS, to_rows=observation_rows):
    return store.commit_rows(spec, to_rows(raw), kind="upload", file_name="test.csv",
                             sha256=file_sha256(file_bytes(raw)))


def expected_rag(value: float, target: float, polarity: str, green: float, amber: float) -> str:
    share = value / target if polarity == "higher" else target / value
    return "green" if share >= green else "amber" if share >= amber else "red"


# Financial-year outcome indicators that Glasgow holds itself and has a target for.
LOCAL_OUTCOMES = [i for i in headline("cjpf")["indicator_id"]
                  if not figures(i, GLASGOW).empty]


def test_glasgow_gets_a_tile_per_outcome_then_the_engagement_tiles(demo_store):
    overview = build_overview(demo_store, GLASGOW)

    assert overview.area_name == "Glasgow City"
    cjpf = headline("cjpf")
    assert [t.indicator_id for t in overview.outcome_tiles] == list(cjpf["indicator_id"])
    outcome_groups = [t.group for t in overview.outcome_tiles if t.group.startswith("Outcome")]
    outcomes = catalogue("outcomes").query("framework_id == 'cjpf'")
    assert outcome_groups == [f"Outcome {n} · {name}" for n, name in
                              zip(outcomes["number"], outcomes["short_name"])]
    assert len(outcome_groups) == 9
    # the higher-level indicator has a tile only if the catalogue marks it as headline
    higher = [t for t in overview.outcome_tiles if t.group == "Higher-level indicator"]
    assert len(higher) == int((cjpf["outcome_id"] == "").sum())
    assert [t.indicator_id for t in overview.engagement_tiles] == \
        list(headline("engagement")["indicator_id"])
    assert all(t.group == "Engagement" for t in overview.engagement_tiles)
    # Glasgow holds every headline figure but the survey's (Scotland-level only)
    assert [t.indicator_id for t in overview.tiles if not t.has_data] == \
        ["ndo9_agree_community_sentence"]


@pytest.mark.parametrize("indicator_id", LOCAL_OUTCOMES)
def test_a_tile_shows_the_latest_figure_its_change_and_rag_from_the_demo_files(
        demo_store, indicator_id):
    meta = indicator(indicator_id)
    rows = figures(indicator_id, GLASGOW).sort_values("period")  # 2019/20 .. sorts as text
    latest, previous = rows.iloc[-1], rows.iloc[-2]
    targets = demo("targets")
    target = targets[(targets["indicator_id"] == indicator_id)
                     & (targets["area_code"] == GLASGOW)].iloc[0]

    tile = tiles_by_id(build_overview(demo_store, GLASGOW))[indicator_id]

    assert tile.area_code == GLASGOW and tile.area_note is None
    assert tile.latest_label == latest["period"]
    assert tile.latest_value == pytest.approx(latest["value"])
    assert tile.spark == pytest.approx(list(rows["value"]))
    assert previous["period"] in tile.previous_text
    if tile.level:  # within half a per cent: the badge says so rather than "+0%"
        assert tile.previous_text == f"No clear change on {previous['period']}"
        assert tile.direction.word == "no clear change"
    elif meta["unit"] == "percent":  # percentages move in points
        assert tile.previous_change == pytest.approx(latest["value"] - previous["value"])
        assert "pts" in tile.previous_text
    else:  # counts move in per cent of the earlier figure
        assert tile.previous_change == pytest.approx(
            (latest["value"] - previous["value"]) / previous["value"])
    assert tile.rag == expected_rag(latest["value"], target["target_value"], meta["polarity"],
                                    float(meta["rag_green"] or 1.0),
                                    float(meta["rag_amber"] or 0.9))
    assert target["target_period"] in tile.target_text
    assert tile.illustrative


def test_the_demo_shows_every_rag_status_somewhere(demo_store):
    tiles = [t for code in (GLASGOW, WEST_DUNBARTONSHIRE)
             for t in build_overview(demo_store, code).tiles]
    assert {t.rag for t in tiles} >= {"green", "amber", "red"}
    assert all(t.rag_label for t in tiles)


def test_social_reach_tile_adds_up_the_channels(demo_store):
    rows = figures("eng_social_reach", GLASGOW, breakdown=None)
    months = pd.to_datetime(rows["period"], format="%b %Y")
    last = rows[months == months.max()]

    tile = tiles_by_id(build_overview(demo_store, GLASGOW))["eng_social_reach"]

    assert tile.latest_label == last["period"].iloc[0]
    assert tile.latest_value == pytest.approx(last["value"].sum())
    assert len(tile.spark) == months.nunique()


@pytest.mark.parametrize("area_code", [GLASGOW, EAST_AYRSHIRE, WEST_DUNBARTONSHIRE])
def test_ndo9_for_a_council_says_it_has_no_figure_and_names_scotlands(demo_store, area_code):
    """A borrowed figure is never the area's own: the tile says "No figure for <area>" and
    shows Scotland's as Scotland's, with no status, direction, change or sparkline."""
    scotland = figures("ndo9_agree_community_sentence", SCOTLAND).sort_values("period")
    assert figures("ndo9_agree_community_sentence", area_code).empty

    tile = tiles_by_id(build_overview(demo_store, area_code))["ndo9_agree_community_sentence"]

    latest = f"{scotland['value'].iloc[-1]:.1f}%"
    assert not tile.has_data and tile.latest_value is None
    assert tile.latest_text == "No figure"
    # the demo's Scotland figure says it is invented, as the area's own would
    assert tile.area_note == (f"No figure for {area_name(area_code)} · Scotland: {latest} "
                              f"({scotland['period'].iloc[-1]}, illustrative demo figure)")
    assert tile.rag == "none" and tile.direction is None and tile.previous_text is None
    assert tile.spark == [] and tile.spark_svg is None and tile.baseline_text is None
    assert latest in tile.summary and tile.summary.startswith("No figure is held for")


def test_ndo9_uses_a_council_figure_once_one_is_held(demo_store):
    upload(demo_store, observations_file(
        {"indicator_id": "ndo9_agree_community_sentence", "area_code": GLASGOW,
         "period": "2023/24", "value": 71.5, "source": "Local survey"}))

    tile = tiles_by_id(build_overview(demo_store, GLASGOW))["ndo9_agree_community_sentence"]

    assert tile.area_code == GLASGOW and tile.area_note is None
    assert tile.latest_value == 71.5


def test_a_lower_is_better_indicator_improves_when_it_falls(empty_store):
    # A lead who puts the reconviction rate on the Overview (a catalogue edit)
    empty_store.query("UPDATE indicators SET headline = true "
                      "WHERE indicator_id = 'cjpf_reconviction_rate'")
    row = {"indicator_id": "cjpf_reconviction_rate", "area_code": GLASGOW}
    upload(empty_store, observations_file(dict(row, period="2023/24", value=30.0),
                                          dict(row, period="2024/25", value=28.5)))
    upload(empty_store, targets_file(dict(row, baseline_period="2019/20", baseline_value=31,
                                          target_period="2025/26", target_value=29)),
           TARGETS, target_rows)

    tile = tiles_by_id(build_overview(empty_store, GLASGOW))["cjpf_reconviction_rate"]
    assert tile.group == "Higher-level indicator"
    assert tile.direction.arrow == "▼" and tile.direction.word == "improving"
    assert tile.rag == "green"  # 28.5% is below the 29% target

    upload(empty_store, observations_file(dict(row, period="2024/25", value=31.0)))
    tile = tiles_by_id(build_overview(empty_store, GLASGOW))["cjpf_reconviction_rate"]
    assert tile.direction.arrow == "▲" and tile.direction.word == "worsening"
    assert tile.rag == expected_rag(31.0, 29.0, "lower", 1.0, 0.9) == "amber"


def test_an_empty_store_gives_empty_tiles_not_an_error(empty_store, demo_store):
    overview = build_overview(empty_store, GLASGOW)

    assert not overview.has_data
    assert len(overview.tiles) == len(build_overview(demo_store, GLASGOW).tiles)
    for tile in overview.tiles:
        assert not tile.has_data
        assert tile.latest_text == "–" and tile.rag == "none" and tile.spark == []
        assert tile.summary.startswith("Glasgow City: no figures yet")


@pytest.mark.parametrize("area_code", DEMO_AREAS)
def test_every_tile_with_data_has_a_one_sentence_summary_naming_its_area(demo_store,
                                                                           area_code):
    overview = build_overview(demo_store, area_code)
    assert overview.has_data
    for tile in overview.tiles:
        if not tile.has_data:
            assert area_name(area_code) in tile.summary
            continue
        assert tile.summary.startswith(f"{area_name(tile.area_code)}: "), tile.summary
        assert tile.summary.endswith(".") and ". " not in tile.summary, tile.summary
        assert tile.latest_label in tile.summary
        assert tile.latest_text.replace("%", "") in tile.summary


def test_an_area_without_figures_never_borrows_a_parents_counts(demo_store):
    from cjmetrics.overview import build_overview

    aberdeen = build_overview(demo_store, "S12000033")  # no demo figures at all
    counts = [t for t in aberdeen.tiles if t.unit == "count"]
    assert counts and all(not t.has_data for t in counts)
    agree = next(t for t in aberdeen.tiles if t.indicator_id == "ndo9_agree_community_sentence")
    assert not agree.has_data and agree.reference.area_name == "Scotland"  # named, not judged
    assert agree.area_note.startswith("No figure for Aberdeen City · Scotland: ")
    # Scotland's figure here is the demo's, so the tile says it is invented; the published one
    # (the reconviction rate, from the reference figures) says nothing of the kind
    assert agree.illustrative and agree.area_note.endswith(", illustrative demo figure)")
    published = next(t for t in aberdeen.tiles if t.indicator_id == "cjpf_reconviction_rate")
    assert published.reference is not None and not published.illustrative
    assert "illustrative" not in published.area_note


def test_monthly_tiles_compare_with_the_same_month_a_year_earlier(demo_store):
    """Engagement tiles use the Engagement reach page's comparison: the same period a year
    earlier, named on the tile."""
    rows = figures("eng_website_visits", GLASGOW)
    months = pd.to_datetime(rows["period"], format="%b %Y")
    latest = rows[months == months.max()].iloc[0]
    year_before = rows[months == months.max() - pd.DateOffset(years=1)].iloc[0]

    tile = tiles_by_id(build_overview(demo_store, GLASGOW))["eng_website_visits"]

    assert year_before["period"] in tile.previous_text
    if not tile.level:
        assert tile.previous_change == pytest.approx(
            (latest["value"] - year_before["value"]) / year_before["value"])
    assert f"on {year_before['period']}" in tile.summary


def test_a_change_within_half_a_per_cent_is_level_on_badge_arrow_and_words(empty_store):
    row = {"indicator_id": "eng_website_visits", "area_code": GLASGOW}
    upload(empty_store, observations_file(dict(row, period="Mar 2023", value=1000),
                                          dict(row, period="Mar 2024", value=1004)))

    tile = tiles_by_id(build_overview(empty_store, GLASGOW))["eng_website_visits"]

    assert tile.level and tile.previous_text == "No clear change on Mar 2023"
    assert tile.direction.arrow == "▶" and tile.direction.word == "no clear change"
    assert "no clear change" in tile.summary


def test_a_tile_draws_its_trend_as_a_small_line_coloured_by_whether_it_improved():
    from cjmetrics.analysis import Direction
    from cjmetrics.overview import Tile, sparkline_svg

    tile = Tile("ind", "Diversion cases", "Outcome 1", "count", "higher", spark=[10, 30, 20],
                direction=Direction("▼", "worsening", -10, -0.33))
    svg = tile.spark_svg
    assert svg.startswith("<svg") and 'stroke="#D55E00"' in svg
    points = svg.split('points="')[1].split('"')[0].split()
    ys = [float(p.split(",")[1]) for p in points]
    assert len(points) == 3 and ys[1] < ys[2] < ys[0]  # SVG y grows downwards: 30 highest
    tile.direction = Direction("▲", "improving", 10, 0.5)
    assert 'stroke="#009E73"' in tile.spark_svg
    assert sparkline_svg([5.0], "#000") is None
    assert Tile("i", "t", "g", "count", "higher").spark_svg is None
    assert "nan" not in sparkline_svg([3.0, 3.0, 3.0], "#000")  # a flat line, not a division by 0


# -- what changed since the last meeting ------------------------------------------------------
def test_what_changed_lists_indicators_whose_status_or_direction_moved(empty_store):
    from datetime import date

    from cjmetrics.overview import changes_since

    row = {"indicator_id": "ndo1_diversion_completed", "area_code": GLASGOW}
    upload(empty_store, observations_file(dict(row, period="2022/23", value=100),
                                          dict(row, period="2023/24", value=120)))
    steady = {"indicator_id": "ndo2_custody_referrals", "area_code": GLASGOW}
    upload(empty_store, observations_file(dict(steady, period="2022/23", value=100),
                                          dict(steady, period="2023/24", value=110),
                                          dict(steady, period="2024/25", value=130)))
    meeting = date(2024, 6, 1)  # after 2023/24 ended, before 2024/25 did
    assert changes_since(empty_store, GLASGOW, meeting) == []  # no new figure for diversion

    upload(empty_store, observations_file(dict(row, period="2024/25", value=90)))
    changed = changes_since(empty_store, GLASGOW, meeting)

    # diversion turned from improving to worsening; custody referrals kept improving
    assert [c.indicator_id for c in changed] == ["ndo1_diversion_completed"]
    assert changed[0].was.endswith("improving") and changed[0].now.endswith("worsening")
    assert changed[0].latest_label == "2024/25"


def test_the_last_meeting_defaults_to_the_last_deck_saved(empty_store):
    from cjmetrics.overview import last_meeting

    assert last_meeting(empty_store) is None
    empty_store.save_deck("Board, March", '{"items": []}')
    assert last_meeting(empty_store) is not None
