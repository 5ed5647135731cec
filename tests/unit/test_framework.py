"""The Performance Framework scorecard: the 9 national outcomes for an area.

Expected values are computed here from data/demo/*.csv and data/catalogue/*.csv with pandas (via
tests/demo_csv.py), not through cjmetrics, so the scorecard is checked against the files a lead
could open in Excel.
"""

from __future__ import annotations

import pandas as pd
import pytest

from cjmetrics.demo import observation_rows
from cjmetrics.editing import save
from cjmetrics.framework import build_scorecard
from cjmetrics.store import OBSERVATIONS, file_sha256

from demo_csv import (
    AYRSHIRE,
    GLASGOW,
    SCOTLAND,
    WEST_DUNBARTONSHIRE,
    catalogue,
    demo,
    figures,
    file_bytes,
    indicator,
    observations_file,
)

ABERDEEN = "S12000033"  # a council the demo holds no figures for
DIVERSION = "ndo1_diversion_completed"


def expected_rag(value: float, target: float, polarity: str, green=1.0, amber=0.9) -> str:
    share = value / target if polarity == "higher" else target / value
    return "green" if share >= green else "amber" if share >= amber else "red"


def ndos() -> pd.DataFrame:
    outcomes = catalogue("outcomes")
    outcomes = outcomes[outcomes["framework_id"] == "cjpf"]
    return outcomes.assign(number=outcomes["number"].astype(int)).sort_values("number")


def tiles_by_id(scorecard) -> dict:
    return {t.indicator_id: t for t in scorecard.tiles}


def upload(store, raw, spec=OBSERVATIONS, to_rows=observation_rows):
    return store.commit_rows(spec, to_rows(raw), kind="upload", file_name="test.csv",
                             sha256=file_sha256(file_bytes(raw)))


def edit(store, kind: str, rows: list[dict]):
    outcome = save(store, kind, pd.DataFrame(rows))
    assert outcome.result is not None and outcome.result.import_id, \
        outcome.prepared.problems.to_dict("records")
    return outcome.result.import_id


def sessions(area: str) -> pd.DataFrame:
    """The demo self-assessments of an area, with the date read as a day (dd/mm/yyyy)."""
    rows = demo("self_assessments")
    rows = rows[rows["area"] == area].copy()
    rows["date"] = pd.to_datetime(rows["period"], format="%d/%m/%Y")
    rows["label"] = rows["date"].map(lambda d: f"{d.day} {d:%b %Y}")
    rows["score"] = rows["score"].astype(float)
    rows["outcome"] = rows["outcome"].astype(int)
    return rows.sort_values(["outcome", "date"])


# -- the outcomes and their indicators -------------------------------------------------------
def test_nine_outcomes_in_number_order_with_their_indicators(demo_store):
    scorecard = build_scorecard(demo_store, GLASGOW)

    expected = ndos()
    assert [c.number for c in scorecard.outcomes] == list(range(1, 10))
    assert [c.title for c in scorecard.outcomes] == list(expected["title"])
    assert [c.short_name for c in scorecard.outcomes] == list(expected["short_name"])
    assert scorecard.outcomes[0].heading == f"1 · {expected['short_name'].iloc[0]}"
    indicators = catalogue("indicators")
    indicators = indicators.assign(order=indicators["sort_order"].astype(int)).sort_values("order")
    for card in scorecard.outcomes:
        own = indicators[indicators["outcome_id"] == card.outcome_id]
        assert [t.indicator_id for t in card.tiles] == list(own["indicator_id"])
    # the framework's higher-level indicator belongs to no single outcome
    higher = indicators[(indicators["framework_id"] == "cjpf") & (indicators["outcome_id"] == "")]
    assert [t.indicator_id for t in scorecard.higher_level] == list(higher["indicator_id"])


def glasgow_indicators_with_figures() -> list[str]:
    rows = catalogue("indicators")
    return [i for i in rows.loc[rows["outcome_id"].str.startswith("ndo"), "indicator_id"]
            if not figures(i, GLASGOW).empty]


@pytest.mark.parametrize("indicator_id", glasgow_indicators_with_figures())
def test_each_tile_shows_the_latest_figure_its_trend_and_status_from_the_demo_files(
        demo_store, indicator_id):
    meta = indicator(indicator_id)
    rows = figures(indicator_id, GLASGOW).sort_values("period")  # 2019/20 ... sorts as text
    latest, previous = rows.iloc[-1], rows.iloc[-2]
    targets = demo("targets")
    target = targets[(targets["indicator_id"] == indicator_id) & (targets["area_code"] == GLASGOW)]

    tile = tiles_by_id(build_scorecard(demo_store, GLASGOW))[indicator_id]

    assert tile.latest_label == latest["period"]
    assert tile.latest_value == pytest.approx(latest["value"])
    assert previous["period"] in tile.previous_text
    went_up = latest["value"] > previous["value"]
    if abs(latest["value"] - previous["value"]) / previous["value"] > 0.005:
        assert tile.direction.arrow == ("▲" if went_up else "▼")
        assert tile.direction.word == ("improving" if went_up == (meta["polarity"] == "higher")
                                       else "worsening")
    if target.empty:  # a missing target: no status, and it says so
        assert tile.rag == "none" and tile.rag_label == "No target" and tile.target_text is None
    else:
        target = target.iloc[0]
        assert tile.rag == expected_rag(latest["value"], target["target_value"], meta["polarity"])
        assert target["target_period"] in tile.target_text


def test_a_national_survey_shows_the_scotland_figure_labelled_and_without_status(demo_store):
    scotland = figures("ndo9_agree_community_sentence", SCOTLAND).sort_values("period")

    tile = tiles_by_id(build_scorecard(demo_store, GLASGOW))["ndo9_agree_community_sentence"]

    assert not tile.has_data and tile.latest_value is None  # never Glasgow's own figure
    assert tile.area_note == (f"No figure for Glasgow City · Scotland: "
                              f"{scotland['value'].iloc[-1]:.1f}% ({scotland['period'].iloc[-1]}, "
                              "illustrative demo figure)")  # the demo's, and it says so
    assert tile.rag == "none" and tile.direction is None


def test_the_higher_level_reconviction_rate_is_lower_is_better(demo_store):
    rows = figures("cjpf_reconviction_rate", GLASGOW).sort_values("period")
    latest, previous = rows["value"].iloc[-1], rows["value"].iloc[-2]
    targets = demo("targets")
    target = targets.loc[(targets["indicator_id"] == "cjpf_reconviction_rate")
                         & (targets["area_code"] == GLASGOW), "target_value"].iloc[0]

    tile = build_scorecard(demo_store, GLASGOW).higher_level[0]

    assert tile.polarity == "lower"
    assert tile.rag == expected_rag(latest, target, "lower")
    assert tile.direction.word == ("improving" if latest < previous else "worsening")


# -- priorities, self-assessments ------------------------------------------------------------
@pytest.mark.parametrize("area", [GLASGOW, AYRSHIRE, WEST_DUNBARTONSHIRE])
def test_priorities_follow_the_improvement_plan_file(demo_store, area):
    plan = demo("priority_outcomes")
    flagged = sorted(int(o) for o in plan.loc[(plan["area"] == area)
                                              & (plan["priority"] == "yes"), "outcome"])

    scorecard = build_scorecard(demo_store, area)

    assert flagged, "the demo flags some outcomes for every area"
    assert [c.number for c in scorecard.outcomes if c.priority] == flagged == scorecard.priorities


@pytest.mark.parametrize("area", [GLASGOW, AYRSHIRE])
def test_self_assessment_scores_over_time_with_the_latest_and_its_change(demo_store, area):
    expected = sessions(area)
    scale = catalogue("scales").query("scale_id == 'self_assessment'")["value"].astype(int)

    scorecard = build_scorecard(demo_store, area)

    assert (scorecard.scale.minimum, scorecard.scale.maximum) == (scale.min(), scale.max())
    for card in scorecard.outcomes:
        rows = expected[expected["outcome"] == card.number]
        assert [(p.period_label, p.score) for p in card.scores] == \
            list(zip(rows["label"], rows["score"]))
        latest, previous = rows.iloc[-1], rows.iloc[-2]
        assert card.latest_score.score == latest["score"]
        assert card.score_change == latest["score"] - previous["score"]
        assert card.score_text(scorecard.scale) == \
            f"{previous['score']:g} → {latest['score']:g} (out of {scale.max()})"
        change = card.score_change_text()
        if latest["score"] == previous["score"]:
            assert change == f"the same as {previous['label']}"
        else:
            word = "up" if latest["score"] > previous["score"] else "down"
            assert change == f"{word} {abs(latest['score'] - previous['score']):g} since " \
                             f"{previous['label']}"
    table = scorecard.self_assessment_table()
    assert len(table) == len(expected)
    assert sorted(table["Score"]) == sorted(expected["score"])
    assert scorecard.sessions[-1][1] == expected.sort_values("date")["label"].iloc[-1]


def test_the_self_assessment_scale_comes_from_the_catalogue(demo_store):
    # A partnership that scores 0 to 5 edits the catalogue's scale rows.
    demo_store.query("DELETE FROM scales WHERE scale_id = 'self_assessment' AND value > 5")
    demo_store.query("INSERT INTO scales VALUES ('self_assessment', 0, '0', 'none')")

    scorecard = build_scorecard(demo_store, WEST_DUNBARTONSHIRE)

    assert (scorecard.scale.minimum, scorecard.scale.maximum) == (0, 5)
    card = next(c for c in scorecard.outcomes if c.scores)
    assert card.score_text(scorecard.scale).endswith("(out of 5)")


def test_a_single_session_has_no_change(empty_store):
    edit(empty_store, "self_assessments",
         [{"outcome": "3", "area": GLASGOW, "period": "12/03/2024", "score": 6}])

    card = build_scorecard(empty_store, GLASGOW).outcomes[2]

    assert [p.score for p in card.scores] == [6]
    assert card.score_change is None and card.score_change_text() is None
    assert card.score_text(build_scorecard(empty_store, GLASGOW).scale) == "6 (out of 10)"


# -- the National Strategy and the Improvement Tool ------------------------------------------
def test_the_strategy_aims_with_their_actions_and_mapped_outcomes(demo_store):
    actions = catalogue("priority_actions")
    actions = actions.assign(number=actions["number"].astype(int)).sort_values("number")
    aims = catalogue("outcomes").query("framework_id == 'nscj'")
    ndo_number = dict(zip(ndos()["outcome_id"], ndos()["number"]))

    scorecard = build_scorecard(demo_store, GLASGOW)

    assert [a.number for a in scorecard.aims] == [1, 2, 3, 4]
    assert [a.title for a in scorecard.aims] == list(aims["title"])
    assert sum(len(a.actions) for a in scorecard.aims) == len(actions) == 13
    for aim, aim_id in zip(scorecard.aims, aims["outcome_id"]):
        own = actions[actions["aim_id"] == aim_id]
        assert [a.number for a in aim.actions] == list(own["number"])
        assert [a.outcome_numbers for a in aim.actions] == [
            [ndo_number[o] for o in ids.split(";") if o] for ids in own["outcome_ids"]]
        table = aim.table(scorecard.priorities)
        assert list(table["Action"]) == list(own["number"])
    # outcome 1 is served by action 1; Glasgow prioritises it, so the table stars it
    assert scorecard.outcomes[0].action_numbers == [1]
    assert scorecard.aims[0].table([1])["National outcomes"].iloc[0] == "1 ★"
    assert scorecard.aims[0].label == "Aim 1 · Diversion and early intervention (outcomes 1, 2)"


@pytest.mark.parametrize("area", [GLASGOW, AYRSHIRE])
def test_evidence_notes_sit_under_their_improvement_tool_item(demo_store, area):
    items = catalogue("improvement_tool_items")  # numbered 1, 2 in the file's order
    notes = demo("evidence_notes")
    notes = notes[notes["area"] == area].assign(
        month=lambda f: pd.to_datetime(f["period"], format="%b %Y")).sort_values("month")

    scorecard = build_scorecard(demo_store, area)

    assert [e.text for e in scorecard.evidence] == list(items["text"])
    for number, item in enumerate(scorecard.evidence, start=1):
        own = notes[notes["item"] == str(number)]
        assert list(item.notes["Date"]) == list(own["period"])
        assert list(item.notes["Evidence"]) == list(own["note"])
        assert item.outcome_number == 9


# -- status bands ----------------------------------------------------------------------------
def test_the_legend_states_the_default_bands_and_polarity(demo_store):
    scorecard = build_scorecard(demo_store, GLASGOW)
    assert scorecard.rag_legend.startswith("On track: at or above 100% of target; "
                                           "Close to target: 90% to 100%; Off track: below 90%")
    assert "lower-is-better indicators the share is target ÷ figure" in scorecard.rag_legend
    assert scorecard.own_bands == []


def test_changed_default_bands_and_an_indicators_own_bands(demo_store):
    value = figures(DIVERSION, GLASGOW).sort_values("period")["value"].iloc[-1]
    target = value / 0.93  # 93% of target: close with the defaults
    edit(demo_store, "targets", [{"indicator": DIVERSION, "area": GLASGOW,
                                  "target_period": "2025/26", "target_value": target}])
    assert tiles_by_id(build_scorecard(demo_store, GLASGOW))[DIVERSION].rag == "amber"

    edit(demo_store, "settings", [{"key": "rag_green", "value": "1.0"},
                                  {"key": "rag_amber", "value": "0.95"}])
    scorecard = build_scorecard(demo_store, GLASGOW)
    assert "Close to target: 95% to 100%" in scorecard.rag_legend
    assert tiles_by_id(scorecard)[DIVERSION].rag == "red"

    edit(demo_store, "indicator_edits", [{"indicator_id": DIVERSION, "rag_green": "92%",
                                          "rag_amber": "80%"}])
    scorecard = build_scorecard(demo_store, GLASGOW)
    assert tiles_by_id(scorecard)[DIVERSION].rag == "green"
    assert len(scorecard.own_bands) == 1
    assert scorecard.own_bands[0].startswith("Diversion cases completed: on track at 92%")


# -- missing targets, missing periods, lower is better, no data ------------------------------
def test_missing_target_then_one_set(empty_store):
    row = {"indicator_id": DIVERSION, "area_code": GLASGOW}
    upload(empty_store, observations_file(dict(row, period="2023/24", value=100),
                                          dict(row, period="2024/25", value=120)))
    tile = tiles_by_id(build_scorecard(empty_store, GLASGOW))[DIVERSION]
    assert tile.has_data and tile.rag == "none" and tile.target_text is None

    edit(empty_store, "targets", [{"indicator": DIVERSION, "area": GLASGOW,
                                   "target_period": "2025/26", "target_value": 150}])
    tile = tiles_by_id(build_scorecard(empty_store, GLASGOW))[DIVERSION]
    assert tile.rag == expected_rag(120, 150, "higher") == "red"
    assert tile.target_text == "Target 150 by 2025/26"


def test_a_missing_period_compares_the_two_latest_figures_held(empty_store):
    row = {"indicator_id": DIVERSION, "area_code": GLASGOW}
    upload(empty_store, observations_file(dict(row, period="2020/21", value=90),
                                          dict(row, period="2022/23", value=100),
                                          dict(row, period="2024/25", value=95)))

    tile = tiles_by_id(build_scorecard(empty_store, GLASGOW))[DIVERSION]

    assert tile.latest_label == "2024/25" and tile.latest_value == 95
    assert "2022/23" in tile.previous_text  # the gap years 2021/22 and 2023/24 are skipped
    assert tile.direction.arrow == "▼" and tile.direction.word == "worsening"
    assert tile.spark == [90, 100, 95]


def test_a_local_lower_is_better_indicator_on_an_outcome(empty_store):
    """A partnership adds its own indicator to outcome 6 where lower is better (days people
    wait for accommodation after release): falling is improving, and below target is on track."""
    edit(empty_store, "indicator_edits", [{
        "indicator_id": "local_days_to_housing", "name": "Days to settled accommodation",
        "short_name": "Days to housing", "outcome": "6", "unit": "count", "polarity": "lower",
        "period_type": "financial year"}])
    row = {"indicator_id": "local_days_to_housing", "area_code": GLASGOW}
    upload(empty_store, observations_file(dict(row, period="2023/24", value=40),
                                          dict(row, period="2024/25", value=33)))
    edit(empty_store, "targets", [{"indicator": "local_days_to_housing", "area": GLASGOW,
                                   "target_period": "2025/26", "target_value": 30}])

    card = build_scorecard(empty_store, GLASGOW).outcomes[5]
    tile = next(t for t in card.tiles if t.indicator_id == "local_days_to_housing")

    assert tile.polarity == "lower" and tile.latest_value == 33
    assert tile.direction.arrow == "▼" and tile.direction.word == "improving"
    assert tile.rag == expected_rag(33, 30, "lower") == "amber"  # 30/33 = 91% of target

    upload(empty_store, observations_file(dict(row, period="2024/25", value=29)))
    tile = next(t for t in build_scorecard(empty_store, GLASGOW).outcomes[5].tiles
                if t.indicator_id == "local_days_to_housing")
    assert tile.rag == "green"


def test_an_edited_polarity_turns_the_status_round(demo_store):
    rows = figures("ndo6_release_accommodation", GLASGOW).sort_values("period")
    latest = rows["value"].iloc[-1]
    targets = demo("targets")
    target = targets.loc[(targets["indicator_id"] == "ndo6_release_accommodation")
                         & (targets["area_code"] == GLASGOW), "target_value"].iloc[0]
    edit(demo_store, "indicator_edits", [{"indicator_id": "ndo6_release_accommodation",
                                          "polarity": "lower"}])

    tile = tiles_by_id(build_scorecard(demo_store, GLASGOW))["ndo6_release_accommodation"]

    assert tile.polarity == "lower"
    assert tile.rag == expected_rag(latest, target, "lower")


def test_an_area_with_no_figures_of_its_own(demo_store):
    scorecard = build_scorecard(demo_store, ABERDEEN)

    assert scorecard.area_name == "Aberdeen City"
    assert not scorecard.has_own_figures
    assert not scorecard.has_scores and scorecard.priorities == []
    # national figures are shown, labelled, and never judged against a target
    assert not any(tile.has_data for tile in scorecard.tiles)
    for tile in scorecard.tiles:
        if tile.reference is not None:
            assert tile.area_note.startswith("No figure for Aberdeen City · Scotland: ")
            assert tile.rag == "none" and tile.direction is None
    assert all(item.notes.empty for item in scorecard.evidence)
    assert scorecard.self_assessment_table().empty
    assert "no self-assessment scores" in scorecard.self_assessment_summary()


def test_an_empty_store_gives_an_empty_scorecard_not_an_error(empty_store):
    scorecard = build_scorecard(empty_store, GLASGOW)

    assert len(scorecard.outcomes) == 9
    assert not scorecard.has_figures and not scorecard.has_scores
    for card in scorecard.outcomes:
        assert not card.priority and card.scores == []
        assert card.score_text(scorecard.scale) == "No self-assessment yet"
        assert all(not t.has_data and t.latest_text == "–" and t.rag == "none"
                   for t in card.tiles)
    assert len(scorecard.aims) == 4 and sum(len(a.actions) for a in scorecard.aims) == 13
    assert len(scorecard.evidence) == 2 and all(e.notes.empty for e in scorecard.evidence)
    assert not scorecard.illustrative


def test_the_demo_scorecard_is_labelled_illustrative(demo_store):
    assert build_scorecard(demo_store, GLASGOW).illustrative
