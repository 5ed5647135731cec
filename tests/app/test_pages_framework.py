"""AppTests of the Performance Framework and Compare areas pages (registered in test_pages.PAGES,
whose guard and broken-store test cover them too), over the demo store and an empty store.

Each test runs the real entry point (dashboard.py) and switches pages the way a user does, then
checks what a person sees. Expected figures come from data/demo/*.csv with pandas, not from
cjmetrics; the store is opened directly only to undo an import, as the Imports page would.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from apptest_support import assert_clean, open_chart_cards, open_page, texts
from demo_csv import AYRSHIRE, GLASGOW, SCOTLAND, WEST_DUNBARTONSHIRE, catalogue, demo, figures

FRAMEWORK, COMPARISON = "pages/framework.py", "pages/comparison.py"
ABERDEEN = "S12000033"
DIVERSION = "ndo1_diversion_completed"
DIVERSION_NAME = "Diversion from prosecution: cases successfully completed"
SENTENCES = "ndo4_community_sentences_completed"
FRAMEWORK_HEADINGS = ["National outcomes", "Self-assessment over time",
                      "National Strategy for Community Justice",
                      "Improvement Tool: local evidence", "Edit"]
SAVE_BUTTONS = ["Save targets and baselines", "Save outcome self-assessments",
                "Save improvement plan priorities", "Save improvement tool evidence",
                "Save indicator wording and bands", "Save settings"]
EDITOR_TABS = ["Targets", "Self-assessments", "Priorities", "Evidence notes",
               "Indicator wording and bands", "Default status bands"]
PRIORITY = ":orange-badge[★ Priority]"




def run_app(page: str, *, area: str | None = None) -> AppTest:
    return open_page(page, area=area)


def open_editor(at: AppTest, tab: str = "Targets") -> None:
    at.session_state["framework-edit"] = True
    at.session_state["framework-edit-tab"] = tab
    at.run()


def editors_by_tab(at: AppTest) -> list[str]:
    """The Save button of each editor tab, opened in turn; one editor is drawn at a time."""
    saves = []
    for tab in EDITOR_TABS:
        open_editor(at, tab)
        assert len(at.data_editor) == 1, tab
        saves += [b.label for b in at.button if b.label.startswith("Save")]
    return saves


def latest(indicator_id: str, area: str) -> pd.Series:
    return figures(indicator_id, area).sort_values("period").iloc[-1]  # 2019/20 ... sorts


def flagged(area: str) -> list[int]:
    plan = demo("priority_outcomes")
    return sorted(int(o) for o in plan.loc[(plan["area"] == area) & (plan["priority"] == "yes"),
                                           "outcome"])


def scores(area: str, outcome: int) -> pd.DataFrame:
    rows = demo("self_assessments")
    rows = rows[(rows["area"] == area) & (rows["outcome"] == str(outcome))].copy()
    rows["date"] = pd.to_datetime(rows["period"], format="%d/%m/%Y")
    return rows.sort_values("date")


def day(date: pd.Timestamp) -> str:
    return f"{date.day} {date:%b %Y}"


def status_line(at: AppTest, title: str) -> str:
    """The markdown under an indicator of an outcome card: figure, status badge, direction."""
    found = [t for t in texts(at.markdown) if t.startswith(f"{title}  \n")]
    assert len(found) == 1, [t for t in texts(at.markdown) if title in t]
    return found[0]


def headings(at: AppTest) -> list[str]:
    return [t for t in texts(at.markdown) if t.startswith("#### ")]


def charts(at: AppTest) -> list:
    return list(at.get("plotly_chart"))


def chart_tables(at: AppTest) -> list[pd.DataFrame]:
    open_chart_cards(at)
    return [e.dataframe[0].value for e in at.expander if e.label == "Data behind this chart"]


# -- Performance Framework -------------------------------------------------------------------
def test_framework_demo_glasgow(demo_db):
    at = run_app(FRAMEWORK, area=GLASGOW)
    assert texts(at.title) == ["Performance Framework: Glasgow City"]
    assert texts(at.subheader) == FRAMEWORK_HEADINGS
    assert any("illustrative demo figures" in w for w in texts(at.warning))
    assert not at.info
    assert any(t.startswith("**Status against target.** On track: at or above 100% of target")
               for t in texts(at.markdown))

    # nine outcome cards in number order, priorities of the improvement plan badged
    outcomes = catalogue("outcomes").query("framework_id == 'cjpf'")
    cards = headings(at)
    assert len(cards) == 9 + 1  # and the higher-level indicator
    priorities = flagged(GLASGOW)
    assert 1 in priorities and 2 not in priorities
    for number, short_name, card in zip(range(1, 10), outcomes["short_name"], cards):
        assert card.startswith(f"#### {number} · {short_name}")
        assert (PRIORITY in card) == (number in priorities), card
    assert cards[-1] == "#### Higher-level indicator"

    # an indicator's figure, status and direction
    figure = latest(DIVERSION, GLASGOW)
    line = status_line(at, "Diversion cases completed")
    assert f"**{int(figure.value):,}** ({figure.period})" in line
    targets = demo("targets")
    target = targets.loc[(targets["indicator_id"] == DIVERSION)
                         & (targets["area_code"] == GLASGOW), "target_value"].item()
    assert (":green-badge[" in line and "On track" in line) == (figure.value >= target)
    assert "▲\u00a0improving" in line or "▼\u00a0worsening" in line or "no clear change" in line
    links = {link.proto.query_string for link in at.get("page_link")}
    assert f"indicator={DIVERSION}" in links

    # the latest self-assessment score, with the one before and the session date
    sessions = scores(GLASGOW, 1)
    previous, last = sessions.iloc[-2], sessions.iloc[-1]
    expected = (f"Self-assessment: **{int(previous.score)} → {int(last.score)} (out of 10)**  \n"
                f"{day(last.date)}")
    assert any(expected in t for t in headings(at)), headings(at)[:2]

    # the self-assessment chart and the numbers behind it
    assert len(charts(at)) == 1
    table = chart_tables(at)[0]
    glasgow = demo("self_assessments").query("area == @GLASGOW")
    assert len(table) == len(glasgow)
    assert sorted(table["Score"]) == sorted(glasgow["score"].astype(float))

    # the strategy's aims, and the Improvement Tool evidence
    aims = [e.label for e in at.expander if e.label.startswith("Aim ")]
    assert [a.split(" · ")[0] for a in aims] == ["Aim 1", "Aim 2", "Aim 3", "Aim 4"]
    evidence = demo("evidence_notes").query("area == @GLASGOW")
    for row in evidence.itertuples():
        assert any(f"\n- **{row.period}** · {row.note}" in t for t in texts(at.markdown))

    # the aims' tables and the editors are drawn only once their fold is opened
    assert not at.data_editor
    at.session_state["framework-aim-1"] = True
    at.run()
    assert len([d for d in at.dataframe if "Priority action" in d.value.columns]) == 1
    # every editor, one tab at a time, with its Save button
    assert editors_by_tab(at) == SAVE_BUTTONS


def test_framework_area_without_figures(demo_db):
    at = run_app(FRAMEWORK, area=ABERDEEN)
    assert texts(at.title) == ["Performance Framework: Aberdeen City"]
    infos = texts(at.info)
    assert any("No figures are held for Aberdeen City" in i for i in infos), infos
    assert any("No self-assessment scores are held for Aberdeen City" in i for i in infos)
    assert not any(PRIORITY in h for h in headings(at))
    assert not charts(at)
    # the national survey figure is Scotland's, labelled as such
    assert any(":small[No figure for Aberdeen City · Scotland: " in t
               for t in texts(at.markdown))


def test_framework_empty_store(empty_db):
    at = run_app(FRAMEWORK)
    area = at.selectbox(key="area").value
    assert texts(at.title)[0].startswith("Performance Framework: ")
    assert texts(at.subheader) == FRAMEWORK_HEADINGS
    assert any("No figures are held" in i for i in texts(at.info)), texts(at.info)
    assert not at.warning
    assert len(headings(at)) == 10
    assert not any(PRIORITY in h for h in headings(at))
    assert any("\n\nSelf-assessment: no score yet" in t for t in headings(at))
    assert status_line(at, "Diversion cases completed").startswith(
        "Diversion cases completed  \n**–**")
    assert not charts(at)
    assert not at.button  # the editors are folded and drawn only when opened
    assert editors_by_tab(at) == SAVE_BUTTONS
    assert area


def test_framework_edit_round_trip_changes_the_status_and_undo_restores_it(demo_db):
    """Raise Glasgow's diversion target far above its latest figure in the Targets editor and
    save: the card's status becomes Off track. Undo the import: On track comes back."""
    from cjmetrics.store import open_store

    at = run_app(FRAMEWORK, area=GLASGOW)
    before = status_line(at, "Diversion cases completed")
    assert "On track" in before and "Off track" not in before

    open_editor(at)
    editor = at.data_editor(key="framework-targets-editor")
    rows = editor.value
    row = rows.index[rows["indicator"] == DIVERSION_NAME].item()
    assert rows.at[row, "area"] == "Glasgow City"
    far_above = float(latest(DIVERSION, GLASGOW).value) * 10
    at.session_state["framework-targets-editor"] = {
        "edited_rows": {row: {"target_value": far_above}}, "added_rows": [],
        "deleted_rows": []}
    at.button(key="framework-targets-save").click().run()
    assert_clean(at)
    saved = [s for s in texts(at.success) if s.startswith("Saved as import #")]
    assert len(saved) == 1, texts(at.success)
    import_id = int(re.match(r"Saved as import #(\d+)", saved[0]).group(1))
    after = status_line(at, "Diversion cases completed")
    assert "Off track" in after and ":red-badge[" in after
    assert f"Target {far_above:,.0f} by" in status_line(at, "Diversion cases completed")

    open_store(demo_db).undo_import(import_id)
    at.run()
    assert_clean(at)
    assert status_line(at, "Diversion cases completed") == before


# -- Compare areas ---------------------------------------------------------------------------
def test_compare_demo_glasgow(demo_db):
    at = run_app(COMPARISON, area=GLASGOW)
    assert texts(at.title) == ["Compare areas"]
    areas = at.multiselect(key=f"compare-areas-{GLASGOW}").value
    assert areas[0] == GLASGOW and set(areas) == {GLASGOW, AYRSHIRE, WEST_DUNBARTONSHIRE}
    at.selectbox(key="indicator").set_value(SENTENCES).run()
    assert_clean(at)
    assert len(charts(at)) == 2
    ranked, over_time = chart_tables(at)
    values = {code: float(latest(SENTENCES, code).value)
              for code in (GLASGOW, AYRSHIRE, WEST_DUNBARTONSHIRE)}
    names = dict(zip(catalogue("areas")["area_code"], catalogue("areas")["name"]))
    best_first = sorted(values, key=values.get, reverse=True)
    assert list(ranked["Area"][:3]) == [names[c] for c in best_first]
    assert list(ranked["Value"][:3]) == pytest.approx([values[c] for c in best_first])
    assert list(ranked["Rank"][:3]) == [1, 2, 3]
    scotland = latest(SENTENCES, SCOTLAND)
    assert ranked["Area"].iloc[-1] == "Scotland (reference, not ranked)"
    assert ranked["Value"].iloc[-1] == pytest.approx(scotland.value)
    assert set(over_time["Area"]) == {names[c] for c in values} | {"Scotland"}
    rank = best_first.index(GLASGOW) + 1
    assert any(c.startswith(f"Community sentences completed in {scotland.period}: Glasgow City "
                            f"ranks {rank} of 3") for c in texts(at.caption))


def test_compare_a_count_per_10000_then_as_counts_without_scotland(demo_db):
    at = run_app(COMPARISON, area=AYRSHIRE)
    assert at.multiselect(key=f"compare-areas-{AYRSHIRE}").value[0] == AYRSHIRE
    at.selectbox(key="indicator").set_value(DIVERSION).run()
    assert_clean(at)
    # counts are compared per 10,000 population by default, the partnership as their total
    assert at.toggle(key="compare-per-10000").value is True
    ranked = chart_tables(at)[0]
    assert "Per 10,000 population" in ranked.columns and "Population" in ranked.columns
    assert ranked["Area"].iloc[0] == "Community Justice Ayrshire Partnership"
    assert ranked["Ranked among"].iloc[0] == "total of its councils"
    assert pd.isna(ranked["Rank"].iloc[0])
    assert ranked["Ranked among"].iloc[1] == \
        "councils of Community Justice Ayrshire Partnership"
    assert any("National Records of Scotland" in c for c in texts(at.caption))
    # switched to counts, Scotland is left out and the switch for it cannot be on
    at.toggle(key="compare-per-10000").set_value(False).run()
    assert_clean(at)
    assert any("Scotland is not shown" in c for c in texts(at.caption))
    assert at.toggle(key="compare-scotland").proto.disabled
    ranked = chart_tables(at)[0]
    assert "Scotland (reference, not ranked)" not in set(ranked["Area"])
    assert "Value" in ranked.columns


def test_compare_empty_store(empty_db):
    at = run_app(COMPARISON)
    assert texts(at.title) == ["Compare areas"]
    # Said to be held nowhere, with where to load them: not "choose other areas", which
    # would hold none either.
    assert any("No figures are held" in i and "nor in any other area. Load figures for it on "
               "the Upload page" in i for i in texts(at.info)), texts(at.info)
    assert not any("Choose other areas" in i for i in texts(at.info))
    assert not charts(at)


def test_compare_areas_holding_none_of_an_indicator_other_areas_hold(demo_db):
    """Aberdeen City on its own holds no demo figures; other areas do: choose others."""
    at = run_app(COMPARISON, area=ABERDEEN)
    at.multiselect(key=f"compare-areas-{ABERDEEN}").set_value([ABERDEEN]).run()
    infos = texts(at.info)
    assert any("No figures are held" in i and "Choose other areas" in i for i in infos), infos
    assert not any("nor in any other area" in i for i in infos)


def test_framework_shows_text_from_users_literally(demo_db):
    """Notes typed by users are escaped: no link, emphasis or HTML of theirs is rendered."""
    from cjmetrics.editing import save
    from cjmetrics.store import open_store

    store = open_store(demo_db)
    sneaky = "<b>Charter</b> [signed](http://example.com) **now** :red[alarm]"
    for kind, row in (("evidence_notes", {"item": "1", "area": GLASGOW, "period": "Jan 2026",
                                          "note": sneaky}),
                      ("priority_outcomes", {"area": GLASGOW, "outcome": "1", "priority": "yes",
                                             "note": sneaky})):
        outcome = save(store, kind, pd.DataFrame([row]))
        assert outcome.result is not None and outcome.result.import_id, outcome.message

    at = run_app(FRAMEWORK, area=GLASGOW)
    raw = [e.value for e in at.markdown] + [e.value for e in at.caption]
    shown = [r for r in raw if "Charter" in r]
    assert len(shown) == 2, shown  # the evidence line and the priority note on card 1
    for value in shown:
        assert "[signed](" not in value and "<b>" not in value and "**now**" not in value
        assert ":red[" not in value
    assert any(t.endswith(f"· {sneaky}") or f"· {sneaky} " in t for t in texts(at.markdown))
    assert any(f":small[Improvement plan: {sneaky}]" in t for t in headings(at))
