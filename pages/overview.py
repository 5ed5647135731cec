"""Overview: every headline indicator for the chosen area at a glance."""

import streamlit as st

from cjmetrics import ui
from cjmetrics.overview import build_overview, changes_since, meeting_default, newest_period_end

ui.ensure_entrypoint()


def tile(t) -> None:
    with st.container(border=True):
        st.caption(t.group)
        # The badge's colour and arrow follow the tile's one comparison: a change within half a
        # per cent is grey and level, as the words beside it say.
        if t.level:
            colour, arrow = "off", "off"
        else:
            colour, arrow = ("normal" if t.polarity == "higher" else "inverse"), "auto"
        st.metric(ui.label(t.title), t.latest_text, delta=t.previous_text, delta_color=colour,
                  delta_arrow=arrow, help=ui.label(t.summary))
        if t.spark_svg:
            st.image(t.spark_svg, width="stretch", alt=f"Trend of {t.title}: {t.summary}")
        if t.has_data:
            colour, icon = ui.RAG_BADGE[t.rag]
            arrow = f"{t.direction.arrow} {t.direction.word}" if t.direction else ""
            st.badge(t.rag_label, color=colour, icon=icon)
            details = [f"Latest: {t.latest_label}", arrow, t.baseline_text, t.target_text,
                       "Illustrative figures" if t.illustrative else None]
            st.caption(" · ".join(ui.plain(d) for d in details if d))
        elif t.reference is not None:  # a parent's figure, named as theirs and never judged
            st.caption(ui.plain(t.area_note))
        else:
            st.caption("No figures yet for this area.")
        with st.container(horizontal=True, gap="small", vertical_alignment="center"):
            st.page_link("pages/trends.py", label="See the trend",
                         icon=":material/show_chart:",
                         query_params={"indicator": t.indicator_id})
            if t.has_data:
                ui.deck_button("trend", {"indicator": t.indicator_id, "areas": [ui.chosen_area()]},
                               label=f"Trend: {t.title}", key=f"deck-{t.indicator_id}")


def grid(tiles, columns: int = 3) -> None:
    for start in range(0, len(tiles), columns):
        for column, t in zip(st.columns(columns), tiles[start:start + columns]):
            with column:
                tile(t)


def what_changed(area: str) -> None:
    """The indicators whose status or direction changed since the last meeting (by default the
    day the last deck was saved), newest figures first, each with its trend and "Add to deck"."""

    st.subheader("What changed since the last meeting")
    default, why = meeting_default(ui.store(), area, ui.cached(newest_period_end, area))
    since = st.date_input("Meeting date", value=default, format="DD/MM/YYYY",
                          key="changed-since",
                          help=f"Figures for periods ending after this date are compared with "
                               f"the picture before it. The default is {why}.")
    changed = ui.cached(changes_since, area, since)
    if not changed:
        st.caption(f"No indicator's status or direction has changed with figures for periods "
                   f"ending after {since:%d %B %Y}.")
        return
    for c in changed:
        with st.container(border=True):
            st.markdown(f"**{ui.plain(c.title)}** ({ui.plain(c.latest_label)}): "
                        f"{ui.plain(c.was)} → **{ui.plain(c.now)}**")
            st.caption(f"{ui.plain(c.group)} · {ui.plain(c.summary)}")
            with st.container(horizontal=True, gap="small", vertical_alignment="center"):
                st.page_link("pages/trends.py", label="See the trend",
                             icon=":material/show_chart:",
                             query_params={"indicator": c.indicator_id})
                ui.deck_button("trend", {"indicator": c.indicator_id, "areas": [area]},
                               label=f"Trend: {c.title}", key=f"deck-changed-{c.indicator_id}")


with ui.guard():
    overview = ui.cached(build_overview, ui.chosen_area())
    st.title(f"Overview: {ui.plain(overview.area_name)}")
    st.caption("The latest figure for each national outcome indicator and headline engagement "
               "metric. Arrows and colours respect whether higher or lower is better; status is "
               "measured against the area's target.")
    st.caption(f"**Status against target.** {ui.plain(overview.rag_legend)} "
               + " ".join(ui.plain(note) for note in overview.own_bands))
    if not overview.has_data:
        st.info(f"No figures are held for {ui.plain(overview.area_name)} yet. Load them on "
                "the Upload page, which has a template for each kind of figure. To explore "
                "first with illustrative demo data, whoever runs the dashboard can run "
                "`python -m cjmetrics init --demo`; then reload this page.",
                icon=":material/info:")
    elif any(t.illustrative for t in overview.tiles):
        st.warning("These are **illustrative demo figures**, not official statistics.",
                   icon=":material/science:")
    st.subheader("National outcomes (Community Justice Performance Framework)")
    grid(overview.outcome_tiles)
    st.subheader("Engagement")
    grid(overview.engagement_tiles, columns=4)
    what_changed(ui.chosen_area())
