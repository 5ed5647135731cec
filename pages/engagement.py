"""Engagement reach: social media, website, newsletter, media coverage and events."""

import streamlit as st

from cjmetrics import export, ui
from cjmetrics.chart_registry import period_param
from cjmetrics.engagement import GRAINS, REACH_MEASURES, build_engagement, top_posts, top_shown
from cjmetrics.periods import period_containing

ui.ensure_entrypoint()

PERIOD_TYPE = {"month": "month", "quarter": "quarter", "year": "financial_year"}


def tiles(model, start) -> None:
    items = model.tiles(start)
    for row in range(0, len(items), 4):
        for column, tile in zip(st.columns(4), items[row:row + 4]):
            with column.container(border=True):
                change = tile.change
                diff = change.difference
                arrow = "off" if diff is None or diff == 0 else "up" if diff > 0 else "down"
                st.metric(tile.name, tile.value_text,
                          delta=change.text if diff is not None else None,
                          delta_arrow=arrow, delta_color="normal" if diff else "off")
                notes = []
                if diff is None:
                    notes.append(change.text[:1].upper() + change.text[1:])  # keeps "Q4"
                if tile.partial:
                    notes.append(f"{tile.months} of {tile.months_expected} months with figures")
                if diff is not None and not change.comparable:
                    notes.append("a year earlier had missing months too: compare with care"
                                 if tile.partial else "a year earlier has missing months")
                if notes:
                    st.caption(ui.plain("; ".join(notes)))


def table_download(table, *, label: str, file_stem: str, key: str) -> None:
    ui.recorded_download(label, lambda: export.csv_bytes(table),
                         file_name=f"{export.safe_stem(file_stem)}.csv", mime="text/csv",
                         key=key, what="engagement table")


def card(chart: str, key: str, **params) -> None:
    ui.chart_card(chart, params, key=key)


with ui.guard():
    area = ui.chosen_area()
    grain = st.session_state.get("eng-grain") or "quarter"
    # Read only: the very model the charts are drawn from (the one cache).
    model = ui.cached_shared(build_engagement, area, grain)
    st.title(f"Engagement reach: {model.area_name}")
    st.caption("How far the partnership's communication reaches: social media, website, "
               "newsletter, media coverage and events (the measures of the communication and "
               "engagement strategy). Months are added up into financial quarters and years; "
               "the open rate is recomputed from opens and recipients, never averaged.")
    left, right = st.columns([2, 3])
    left.segmented_control("Figures by", list(GRAINS), format_func=GRAINS.get,
                           default="quarter", key="eng-grain")
    if not model.has_figures:
        st.info(f"No engagement figures are held for {model.area_name}. On the Upload page, "
                "load a tool's own export (Mailchimp, X/Twitter, Facebook, Instagram, LinkedIn, "
                "Google Analytics, Eventbrite) as it comes, or monthly figures in the Indicator "
                "values template (social media reach by channel, website visits, newsletter "
                "opens) and posts in the Social media posts template.", icon=":material/info:")
        st.stop()
    periods = model.periods
    labels = {label: start for start, label in periods}
    # Keyed by area too: another area may not hold the period chosen here.
    chosen = right.selectbox("Period", list(labels), key=f"eng-period-{grain}-{area}",
                             help="Each period is compared with the same period a year "
                                  "earlier.")
    start = labels[chosen]
    # The deck rebuilds these charts: "latest" when the latest period is shown, so a saved
    # deck shows next quarter's figures.
    spec = dict(area=area, grain=grain, period=period_param(chosen, periods[0][1]))
    if model.illustrative:
        st.warning("These are **illustrative demo figures**, not official statistics.",
                   icon=":material/science:")
    note = model.source_note()
    if note:
        st.info(ui.plain(note), icon=":material/functions:")

    st.subheader(f"Totals for {chosen}")
    tiles(model, start)
    # A fold: the tiles above say the same.
    with ui.fold("Totals as a table", icon=":material/table:", key="eng-totals-open") as shown:
        if shown:
            st.dataframe(model.totals_shown(start), hide_index=True, width="stretch",
                         column_config={c: st.column_config.TextColumn(alignment="right")
                                        for c in ("Value", "Value a year earlier", "Change",
                                                  "Change (%)")})
            table_download(model.totals_table(start), label="Download CSV",
                           key="eng-totals-csv", file_stem=f"{area}-engagement-totals-{chosen}")

    st.subheader("Social media by channel")
    for indicator in ("eng_social_reach", "eng_social_engagements"):
        card("engagement_channels", f"eng-{indicator.removeprefix('eng_social_')}-channels",
             indicator=indicator, **spec)

    st.subheader("Website, newsletter and media")
    for key, (indicators, title) in REACH_MEASURES.items():
        card("engagement_measures", f"eng-{key}", indicators=indicators, title=title, **spec)

    st.subheader("Events")
    card("engagement_attendance", "eng-attendance", **spec)
    st.markdown(f"**Top events, {ui.plain(chosen)}**")
    events = model.top_events(start)
    if events.empty:
        st.caption(f"No events with attendance recorded in {ui.plain(chosen)}.")
    else:
        st.dataframe(top_shown(events), hide_index=True, column_config={
            "Attendance": st.column_config.TextColumn(alignment="right")})

    st.subheader(f"Top posts, {chosen}")
    period = period_containing(start, PERIOD_TYPE[grain])
    posts = ui.cached(top_posts, area, period.start, period.end)
    if posts.empty:
        st.info(f"No social media posts are held for {model.area_name} in {ui.plain(chosen)}. "
                "Upload them with the social media posts template on the Upload page "
                "(channel, post id, date, area, text, impressions, engagements, clicks, link).",
                icon=":material/info:")
    else:
        if model.council_names:
            st.caption(ui.plain(f"Posts of {model.area_name} and of its councils "
                                f"({', '.join(model.council_names)}), most engagements first."))
        # Figures first, then the post's text wrapped over four lines, its id and link: every
        # column inside the 768 px a laptop (1280 px) leaves the page; wider screens share out
        # the rest.
        text = st.column_config.TextColumn
        figure = {"alignment": "right"}
        st.dataframe(top_shown(posts), hide_index=True, width="stretch", row_height=88,
                     column_config={
                         "Channel": text(width=78), "Posted": text(width=86),
                         "Impressions": text(width=88, **figure),
                         "Engagements": text(width=96, **figure),
                         "Clicks": text(width=50, **figure), "Post": text(width=186),
                         "Post id": text(width=128),
                         "Link": st.column_config.LinkColumn("Link", display_text="open",
                                                             width=52)})
        table_download(posts, label="Download top posts (CSV)", key="eng-posts-csv",
                       file_stem=f"{area}-top-posts-{chosen}")
    ui.illustrative_notice(model.sources)
