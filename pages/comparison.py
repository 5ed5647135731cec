"""Compare areas: one indicator for the chosen area beside other areas and Scotland."""

import streamlit as st

from cjmetrics import ui
from cjmetrics.comparison import build_comparison, default_areas
from cjmetrics.trends import areas_with_figures, figures_label, indicator_unit

ui.ensure_entrypoint()

with ui.guard():
    st.title("Compare areas")
    st.caption("One indicator for the chosen area beside other areas: ranked for the latest "
               "period they have in common, and over time. A partnership's councils are "
               "grouped under their partnership's total and ranked among themselves; counts "
               "are compared per 10,000 population; Scotland is a reference, not ranked.")
    tree = ui.area_tree()
    area = ui.chosen_area()
    left, right = st.columns([3, 2])
    indicator_id = ui.indicator_picker(left)
    if indicator_id is None:
        st.stop()
    # Keyed on the sidebar's area, so choosing another area starts from its own neighbours.
    holding = set(ui.cached(areas_with_figures, indicator_id))
    areas = right.multiselect("Areas", tree.selectable(),
                              default=ui.cached(default_areas, area),
                              key=f"compare-areas-{area}",
                              format_func=lambda code: figures_label(tree, code, holding),
                              help="The first area is highlighted. Add or remove areas to "
                                   "compare.")
    kind = ui.period_kind_picker(st, indicator_id, areas, key="compare-kind")
    is_count = ui.cached(indicator_unit, indicator_id) == "count"
    # One above the other under the indicator: side by side, the switches are too close to
    # touch apart on a phone; beside the areas, they keep the chart in the first screen while
    # the Areas box grows to show a partnership and all its councils.
    toggles = [left.container()]
    left.space("small")  # room to touch one switch without the other (WCAG 2.2 target size)
    toggles.append(left.container())
    # Counts are compared per 10,000 people, so a large council's total does not outrank a
    # small one's; the switch shows the raw counts instead.
    per_10000 = toggles[0].toggle("Per 10,000 population", value=True, key="compare-per-10000",
                                  help="Show counts as rates per 10,000 population (National "
                                       "Records of Scotland estimates). Switch off to compare "
                                       "the counts themselves.") if is_count else False
    include_scotland = toggles[1].toggle("Show Scotland for reference", value=True,
                                         key="compare-scotland",
                                         disabled=is_count and not per_10000)
    if is_count and not per_10000:  # said in words beside the switch, not in a small "?"
        toggles[1].caption("Scotland's totals are not comparable with an area's counts: it is "
                           "shown for rates and shares only.")
    if not areas:
        st.info("Choose at least one area to compare.")
        st.stop()
    # Read only, and the very model the two charts are drawn from (the one cache).
    data = ui.cached_shared(build_comparison, indicator_id, areas, include_scotland, per_10000,
                            kind)
    if data.ranking.empty:
        st.info(f"No figures are held for {ui.plain(data.title)} in "
                f"{', '.join(ui.plain(tree.name(a)) for a in areas)}"
                + (", nor in any other area. Load figures for it on the Upload page, or choose "
                   "another indicator." if not holding else ". Choose other areas or another "
                   "indicator, or load figures for them."), icon=":material/info:")
        st.stop()
    if data.missing:
        st.info(f"No figures held for {', '.join(ui.plain(m) for m in data.missing)} "
                f"{ui.held_words(data.trend.kinds, data.trend.period_type)}.",
                icon=":material/info:")
    if data.no_population:
        st.info(f"No population estimate is held for "
                f"{', '.join(ui.plain(m) for m in data.no_population)}, so no rate per 10,000 "
                "can be shown for it. Switch off \"Per 10,000 population\" to see the counts, or "
                "import the National Records of Scotland estimates (indicator `population`).",
                icon=":material/info:")
    if data.population_note:
        st.caption(ui.plain(data.population_note))
    if not data.common_period:
        st.caption("The areas share no period, so each area's latest figure is shown with its "
                   "period.")
    if data.scotland_note:
        st.caption(ui.plain(data.scotland_note))
    deck_params = {"indicator": indicator_id, "areas": list(areas),
                   "scotland": include_scotland, "per_10000": per_10000}
    if len(data.trend.kinds) > 1:
        deck_params["period_type"] = data.trend.period_type
    ui.chart_card("ranked", deck_params, key="compare-ranked",
                  label=f"Areas ranked: {data.title}")
    st.subheader("Over time")
    ui.chart_card("areas_over_time", deck_params, key="compare-trend",
                  label=f"Areas over time: {data.title}")
    ui.illustrative_notice(data.sources)
