"""Frameworks: the outcomes, aims, quality indicators and standards the dashboard tracks, and
the areas an upload may name. Each tab has its own address (?tab=Areas), so an upload's
"unknown area" message can link straight to the list of areas."""

import streamlit as st

from cjmetrics import ui
from cjmetrics.catalogue import build_catalogue

ui.ensure_entrypoint()
TABS = ["Performance Framework", "National Strategy", "Care Inspectorate", "Community engagement",
        "All indicators", "2016 framework", "Areas"]


def table(frame) -> None:
    """Wording shown in full, wrapped: these tables are read, not sorted or scrolled."""
    ui.static_table(frame.set_index(frame.columns[0]))


with ui.guard():
    catalogue = ui.cached(build_catalogue)
    st.title("Frameworks")
    st.caption("The reference frameworks cjmetrics measures against, and the areas it knows. "
               "Rows whose wording could not be confirmed against the published text are "
               "marked; they are editable in the catalogue (data/catalogue).")
    tabs = dict(zip(TABS, st.tabs(TABS, key="tab", bind="query-params")))
    with tabs["Performance Framework"]:
        st.subheader("Community Justice Performance Framework: 9 national outcomes")
        table(catalogue.outcomes)
        st.markdown("**Community Justice Scotland Improvement Tool: local evidence items**")
        table(catalogue.improvement_items)
    with tabs["National Strategy"]:
        st.subheader("National Strategy for Community Justice: 4 aims")
        table(catalogue.aims)
        st.markdown(f"**{len(catalogue.priority_actions)} priority actions**, with the national "
                    "outcomes they serve")
        table(catalogue.priority_actions)
    with tabs["Care Inspectorate"]:
        st.subheader("Quality indicators and the six-point scale")
        left, right = st.columns([3, 1])
        with left:
            table(catalogue.quality_indicators[["number", "title", "description"]].rename(
                columns={"number": "QI", "title": "Quality indicator", "description": "Note"}))
        with right:
            table(catalogue.grade_scale)
    with tabs["Community engagement"]:
        st.subheader("National Standards for Community Engagement")
        table(catalogue.standards)
    with tabs["All indicators"]:
        table(catalogue.indicators)
    with tabs["2016 framework"]:
        st.subheader("2016 Outcomes, Performance and Improvement Framework")
        table(catalogue.opif)
    with tabs["Areas"]:
        st.subheader("Areas: the names and codes an upload's area column may hold")
        st.caption("A file may name an area by its name, its GSS code or another accepted "
                   "name, in any letter case. Partnerships have no GSS code: use the name or "
                   "the local code.")
        table(catalogue.areas)
