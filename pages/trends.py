"""Trends: one indicator over time for one or more areas, with target, baseline and notes."""

import streamlit as st

from cjmetrics import ui
from cjmetrics.catalogue import readers_note
from cjmetrics.trends import (
    areas_to_offer,
    areas_with_figures,
    build_trend,
    figures_label,
    indicator_unit,
    periods_held,
)

ui.ensure_entrypoint()


def period_slider_key(indicator_id: str, periods: list[str]) -> str:
    """The Periods slider's key. A range left at every period must keep covering every period
    when an import or undo (in this or any session) adds or removes one; a keyed slider would
    keep its old ends and hide a new period. So when the periods on offer change and the range
    still spans the old first to last, the slider gets a new key and starts at the full range.
    A range the user narrowed is kept."""
    memo = st.session_state.setdefault(f"_periods-{indicator_id}",
                                       {"options": periods, "generation": 0})
    old = memo["options"]
    if old != periods:
        chosen = st.session_state.get(f"periods-{indicator_id}-{memo['generation']}")
        if chosen is None or tuple(chosen) == (old[0], old[-1]):
            memo["generation"] += 1
        memo["options"] = periods
    return f"periods-{indicator_id}-{memo['generation']}"


def add_areas(codes: list[str]) -> None:
    st.session_state["areas"] = [*st.session_state.get("areas", []), *codes]


def offer_areas(title: str, areas: list[str], offer: list[str], holding: set[str],
                note: str) -> None:
    """None of the chosen areas holds figures: say which do, and add them with one click."""
    offered = ", ".join(ui.plain(tree.name(a)) for a in offer)
    more = len(holding - set(areas)) - len(offer)
    others = f" (and {more} more in the Areas box)" if more > 0 else ""
    st.info(f"No figures are held for {ui.plain(title)} in "
            f"{', '.join(ui.plain(tree.name(a)) for a in areas)}. Figures are held for "
            f"{offered}{others}.{note}", icon=":material/info:")
    st.button(f"Show {offered}", icon=":material/add:", on_click=add_areas, args=(offer,),
              key="offer-areas")


def follow_sidebar_area() -> None:
    """When the sidebar's area changes on this page, the chart follows: the old area is
    swapped for the new one, and areas added for comparison stay."""
    area, before = ui.chosen_area(), st.session_state.get("_trends_area")
    st.session_state["_trends_area"] = area
    shown = st.session_state.get("areas")
    if before not in (None, area) and shown is not None:
        st.session_state["areas"] = [area] + [a for a in shown if a not in (before, area)]


with ui.guard():
    st.title("Trends")
    tree = ui.area_tree()
    left, right = st.columns([3, 2])
    indicator_id = ui.indicator_picker(left)
    if indicator_id is None:
        st.stop()
    follow_sidebar_area()
    holding = set(ui.cached(areas_with_figures, indicator_id))
    areas = right.multiselect("Areas", tree.selectable(), default=[ui.chosen_area()],
                              key="areas",
                              format_func=lambda code: figures_label(tree, code, holding),
                              help="Add areas to compare them on one chart. Areas marked "
                                   "\"no figures\" hold none for this indicator.")
    if not areas:
        st.info("Choose at least one area to draw the trend.")
        st.stop()
    kind = ui.period_kind_picker(st, indicator_id, areas, key="trend-kind")
    periods = ui.cached(periods_held, indicator_id, areas).options(kind)  # the picker's read
    start, end = None, None
    if len(periods) > 1:
        start, end = st.select_slider("Periods", periods, value=(periods[0], periods[-1]),
                                      key=period_slider_key(indicator_id, periods))
    # Scotland is drawn for rates and shares only: on a count the switch is off and disabled,
    # so it never reads "on" beside a chart that has no Scotland line.
    is_count = ui.cached(indicator_unit, indicator_id) == "count"
    compare = st.toggle("Compare with Scotland", value=not is_count,
                        key=f"compare-scotland-{is_count}",
                        disabled=is_count,
                        help="Scotland's totals are not comparable with an area's counts, so "
                             "Scotland is drawn for rates and percentages only." if is_count
                        else "Draw Scotland's figures as a dashed line for comparison.")
    data = ui.cached(build_trend, indicator_id, areas, start, end, compare, kind)
    shown = set(data.series.loc[~data.series["is_comparator"], "area_code"])
    missing = [tree.name(a) for a in areas if a not in shown]
    nothing_chosen_holds = not holding & set(areas)
    # Scotland drawn for reference is not offered again as an area.
    offer = areas_to_offer(tree, areas, holding - {data.comparator_code}) \
        if nothing_chosen_holds else []
    if data.series.empty and not offer:
        st.info(f"No figures are held for {ui.plain(data.title)} in "
                f"{', '.join(ui.plain(tree.name(a)) for a in areas)}"
                + (", nor in any other area. Load figures for it on the Upload page." if not holding
                   else ". Choose another area, or load figures for it."), icon=":material/info:")
        st.stop()
    if offer:
        offer_areas(data.title, areas, offer, holding - {data.comparator_code},
                    " Scotland's figures are shown for reference." if data.comparator_code else "")
        if data.series.empty:
            st.stop()
    elif missing:
        shown_instead = " Scotland's figures are shown for reference." \
            if data.comparator_code else ""
        names = ", ".join(ui.plain(m) for m in missing)
        st.info(f"No figures held for {names} {ui.held_words(data.kinds, data.period_type)}."
                f"{shown_instead}",
                icon=":material/info:")
    if data.comparator_note:
        st.caption(data.comparator_note)
    elif is_count:
        st.caption("Scotland is not drawn: its totals are not comparable with an area's counts. "
                   "Compare areas shows counts per 10,000 population.")
    # A range left open at either end stays open in a deck, so next month's deck shows the
    # new periods too.
    deck_params = {"indicator": indicator_id, "areas": list(areas),
                   "start": None if not periods or start == periods[0] else start,
                   "end": None if not periods or end == periods[-1] else end,
                   "compare": compare}
    if len(data.kinds) > 1:  # the kind chosen; otherwise whichever the figures come to hold
        deck_params["period_type"] = data.period_type
    ui.chart_card("trend", deck_params, key="trend", label=f"Trend: {data.title}")
    if not data.annotations.empty:  # one numbered list: an element per note adds up
        st.markdown("**Notes on the chart**\n\n" + "\n".join(
            f"{number}. **{ui.plain(note.period_label)}, {ui.plain(note.area_name)}**: "
            f"{ui.plain(note.text)}"
            for number, note in enumerate(data.annotations.itertuples(), start=1)))
    if not data.indicator.get("confirmed", True):
        st.caption(f":material/edit_note: {ui.plain(readers_note(data.indicator['description']))}")
    ui.illustrative_notice(data.sources)
    with ui.fold("Edit the notes on this chart", icon=":material/edit_note:",
                 key="trend-notes-open") as shown:
        if shown:
            ui.edit_table("annotations", areas, key="trend-notes",
                          help="Add a row to pin a note to an indicator, area and period; "
                               "change a note's text to revise it. Saved notes are an import "
                               "you can undo.")
