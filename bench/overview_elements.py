"""The Overview's elements with nothing behind them: bench/browser.py serves this Streamlit script
beside the app to say how much of a full load is the drawing of what the page shows, whatever
computes it. It reads no store and computes nothing; it draws what the demo store's Overview
draws, in the same layout (tests/app/test_bench_elements.py checks the counts): the navigation
of sixteen pages in five sections, the sidebar's captions and area select box, ten outcome and
four engagement tiles in rows of three and four (a bordered card with the group's caption, a
metric with its help, a sparkline image, a status badge, a caption of details, and "See the
trend" and "Add to deck" in a row; one tile without figures has neither sparkline, badge nor
button), and the "What changed since the last meeting" list of twelve cards under its date input.

    .venv/bin/python -m streamlit run bench/overview_elements.py
"""

import datetime as dt

import streamlit as st

OUTCOME_TILES = 10
TILES = 14  # the outcome tiles, then four engagement tiles
CHANGED = 12
SPARK = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 28"><polyline fill="none" '
         'stroke="#0072B2" stroke-width="2" points="0,22 20,14 40,18 60,9 80,11 100,5 120,7"/>'
         '</svg>')


def trend_link_and_deck_button(key: str, with_button: bool = True) -> None:
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.page_link(PAGES["Progress"][1], label="See the trend", icon=":material/show_chart:")
        if with_button:
            st.button("Add to deck", key=key, icon=":material/add_to_queue:",
                      help="Add this indicator's trend to the deck")


def tile(i: int) -> None:
    has_data = i != TILES - 1
    with st.container(border=True):
        st.caption(f"Outcome {i % 9 + 1} · Community sentences")
        st.metric(f"Indicator {i}", f"{1000 + 37 * i:,}", delta=f"+{i % 5}% on 2023/24",
                  help="What the indicator counts and where it comes from")
        if has_data:
            st.image(SPARK, width="stretch")
            st.badge("On track", color="green", icon=":material/check_circle:")
            st.caption("Latest: 2024/25 · ↑ improving · Baseline 900 (2019/20) · Target 1,100")
        else:
            st.caption("No figures yet for this area.")
        trend_link_and_deck_button(f"deck-{i}", has_data)


def overview() -> None:
    st.title("Overview: Community Justice Ayrshire Partnership")  # the demo's first area
    st.caption("The latest figure for each national outcome indicator and headline engagement "
               "metric. Arrows and colours respect whether higher or lower is better.")
    st.caption("**Status against target.** On track: at or above 100% of target; Close to "
               "target: 90% to 100%; Off track: below 90%; No target: no target set.")
    st.warning("These are **illustrative figures**, drawn with no data.", icon=":material/science:")
    st.subheader("National outcomes (Community Justice Performance Framework)")
    for start in range(0, OUTCOME_TILES, 3):
        for column, i in zip(st.columns(3), range(start, min(start + 3, OUTCOME_TILES))):
            with column:
                tile(i)
    st.subheader("Engagement")
    for start in range(OUTCOME_TILES, TILES, 4):
        for column, i in zip(st.columns(4), range(start, min(start + 4, TILES))):
            with column:
                tile(i)
    st.subheader("What changed since the last meeting")
    st.date_input("Meeting date", value=dt.date(2025, 3, 31), format="DD/MM/YYYY",
                  help="Figures for periods ending after this date are compared.")
    for i in range(CHANGED):
        with st.container(border=True):
            st.markdown(f"**Indicator {i}** (2024/25): Close to target → **On track**")
            st.caption("Outcome 1 · Community sentences · up 4% on the year before")
            trend_link_and_deck_button(f"deck-changed-{i}")


def other_page() -> None:
    st.write("hello")


SECTIONS = {
    "Progress": ["Overview", "Trends", "Performance Framework", "Compare areas",
                 "Care Inspectorate", "Present"],
    "Engagement": ["Engagement reach", "Surveys", "Engagement plan"],
    "Reporting": ["Annual report", "Participation statement"],
    "Data": ["Upload", "Imports & history", "Audit"],
    "Reference": ["Frameworks", "Accessibility statement"],
}
PAGES = {section: [st.Page(overview if title == "Overview" else other_page, title=title,
                           icon=":material/dashboard:", default=title == "Overview",
                           url_path="".join(c if c.isalnum() else "_" for c in title.lower()))
                   for title in titles]
         for section, titles in SECTIONS.items()}
navigation = st.navigation(PAGES, expanded=True)
st.set_page_config(page_title=f"{navigation.title} · elements", layout="wide")
# The app's styles and scripts take no room on the page. With a script in it, this is an element
# on the page as the app's is (Streamlit sends HTML of styles alone elsewhere).
with st.container(key="cjm-accessibility"):
    st.html("<style>.st-key-cjm-accessibility { display: none; }</style>"
            "<script>window.cjmElementsOnly = true;</script>", unsafe_allow_javascript=True)
with st.sidebar:
    st.caption(":material/person: **Local user**: no sign-in is configured.")
    st.selectbox("Area", ["Community Justice Partnership", "Scotland"],
                 help="The partnership whose figures the pages show")
    st.caption(":material/info: Illustrative figures, drawn with no data.")
navigation.run()
