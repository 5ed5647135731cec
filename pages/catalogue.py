"""Frameworks: the outcomes, aims, quality indicators and standards the dashboard tracks, and
the areas an upload may name. Each tab has its own address (?tab=Areas), so an upload's
"unknown area" message can link straight to the list of areas."""

import streamlit as st

from cjmetrics import ui
from cjmetrics.catalogue import build_catalogue

ui.ensure_entrypoint()

def table(frame) -> None:
    """Wording shown in full, wrapped: these tables are read, not sorted or scrolled."""
    ui.static_table(frame.set_index(frame.columns[0]))


def performance_framework(catalogue) -> None:
    st.subheader("Community Justice Performance Framework: 9 national outcomes")
    table(catalogue.outcomes)
    st.markdown("**Community Justice Scotland Improvement Tool: local evidence items**")
    table(catalogue.improvement_items)


def national_strategy(catalogue) -> None:
    st.subheader("National Strategy for Community Justice: 4 aims")
    table(catalogue.aims)
    st.markdown(f"**{len(catalogue.priority_actions)} priority actions**, with the national "
                "outcomes they serve")
    table(catalogue.priority_actions)


def care_inspectorate(catalogue) -> None:
    st.subheader("Quality indicators and the six-point scale")
    left, right = st.columns([3, 1])
    with left:
        table(catalogue.quality_indicators[["number", "title", "description"]].rename(
            columns={"number": "QI", "title": "Quality indicator", "description": "Note"}))
    with right:
        table(catalogue.grade_scale)


def community_engagement(catalogue) -> None:
    st.subheader("National Standards for Community Engagement")
    table(catalogue.standards)


def all_indicators(catalogue) -> None:
    table(catalogue.indicators)


def framework_2016(catalogue) -> None:
    st.subheader("2016 Outcomes, Performance and Improvement Framework")
    table(catalogue.opif)


def areas(catalogue) -> None:
    st.subheader("Areas: the names and codes an upload's area column may hold")
    st.caption("A file may name an area by its name, its GSS code or another accepted "
               "name, in any letter case. Partnerships have no GSS code: use the name or "
               "the local code.")
    table(catalogue.areas)


TABS = {"Performance Framework": performance_framework, "National Strategy": national_strategy,
        "Care Inspectorate": care_inspectorate, "Community engagement": community_engagement,
        "All indicators": all_indicators, "2016 framework": framework_2016, "Areas": areas}

with ui.guard():
    catalogue = ui.cached(build_catalogue)
    st.title("Frameworks")
    st.caption("The reference frameworks cjmetrics measures against, and the areas it knows. "
               "Rows whose wording could not be confirmed against the published text are "
               "marked; they are editable in the catalogue (data/catalogue).")
    # One tab at a time: ten tables of wording sent on every visit took the browser about a
    # second to lay out.
    with ui.tab_fold(list(TABS), key="tab", bind="query-params") as shown:
        TABS[shown](catalogue)
