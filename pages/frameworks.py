"""Frameworks: the outcomes, aims, quality indicators and standards the dashboard tracks."""

import streamlit as st

from cjmetrics import ui
from cjmetrics.catalogue import build_catalogue

ui.ensure_entrypoint()


def table(frame) -> None:
    st.dataframe(frame, hide_index=True, width="stretch")


with ui.guard():
    catalogue = ui.cached(build_catalogue)
    st.title("Frameworks")
    st.caption("The reference frameworks cjmetrics measures against. Rows whose wording could "
               "not be confirmed against the published text are marked; they are editable in "
               "the catalogue (data/catalogue).")
    tabs = st.tabs(["Performance Framework", "National Strategy", "Care Inspectorate",
                    "Community engagement", "All indicators", "2016 framework"])
    with tabs[0]:
        st.subheader("Community Justice Performance Framework: 9 national outcomes")
        table(catalogue.outcomes)
        st.markdown("**Community Justice Scotland Improvement Tool: local evidence items**")
        table(catalogue.improvement_items)
    with tabs[1]:
        st.subheader("National Strategy for Community Justice: 4 aims")
        table(catalogue.aims)
        st.markdown(f"**{len(catalogue.priority_actions)} priority actions**, with the national "
                    "outcomes they serve")
        table(catalogue.priority_actions)
    with tabs[2]:
        st.subheader("Quality indicators and the six-point scale")
        left, right = st.columns([3, 1])
        with left:
            table(catalogue.quality_indicators[["number", "title", "description"]].rename(
                columns={"number": "QI", "title": "Quality indicator", "description": "Note"}))
        with right:
            table(catalogue.grade_scale)
    with tabs[3]:
        st.subheader("National Standards for Community Engagement")
        table(catalogue.standards)
    with tabs[4]:
        table(catalogue.indicators)
    with tabs[5]:
        st.subheader("2016 Outcomes, Performance and Improvement Framework")
        table(catalogue.opif)
