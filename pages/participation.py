"""Participation statement: written from the engagement plan, as Word or Markdown."""

import pandas as pd
import streamlit as st

from cjmetrics import export, ui
from cjmetrics.participation import build_statement, statement_file, statement_periods

ui.ensure_entrypoint()

def activity_text(row) -> str:
    """One activity as read in the statement: what it was, who was involved, what was learned."""
    learning = "\n".join(f"- {ui.plain(p)}" for p in row.learning) or "*Not recorded.*"
    return (f"**{ui.plain(row.activity)}**  \n" + "  \n".join(ui.plain(d) for d in row.details)
            + "\n\n*Who was involved:* " + "; ".join(ui.plain(w) for w in row.who)
            + "\n\n*Learning points:*\n\n" + learning)


with ui.guard():
    area = ui.chosen_area()
    tree = ui.area_tree()
    st.title(f"Participation statement: {tree.name(area)}")
    st.caption("The statement an improvement plan asks for: each engagement activity, who was "
               "involved and the learning points, as West Dunbartonshire's participation "
               "statement sets them out, with a summary by level and community. It is written "
               "from the activities on the Engagement plan page.")
    periods = ui.cached(statement_periods, area)
    if not periods:
        st.info(f"No engagement activities are held for {tree.name(area)}, so there is nothing "
                "to write a statement from. Add activities on the Engagement plan page or "
                "upload the engagement plan activities template.", icon=":material/info:")
        st.stop()
    if len(periods) > 1:
        default = (periods[max(0, len(periods) - 3)], periods[-1])
        first, last = st.select_slider("Financial years", periods, value=default,
                                       key=f"statement-years-{area}")
    else:
        first = last = periods[0]
    statement = ui.cached(build_statement, area, first, last)
    if statement.illustrative:
        st.warning("The statement is written from **illustrative demo activities** (rows from "
                   "the CJVSF Strengthening Engagement Transition Project final report and West "
                   "Dunbartonshire's participation statement name their source).",
                   icon=":material/science:")
    stem = export.safe_stem(f"participation-statement-{statement.area_name}-{first}-{last}")
    left, right, _ = st.columns([1, 1, 2])
    with left:
        ui.recorded_download("Word (.docx)",
                             lambda: ui.cached(statement_file, area, first, last, ".docx"),
                             file_name=f"{stem}.docx", key="statement-docx",
                             mime="application/vnd.openxmlformats-officedocument."
                                  "wordprocessingml.document",
                             what="participation statement", icon=":material/description:")
    with right:
        ui.recorded_download("Markdown (.md)",
                             lambda: ui.cached(statement_file, area, first, last, ".md"),
                             file_name=f"{stem}.md", mime="text/markdown", key="statement-md",
                             what="participation statement")
    with st.container(border=True):
        st.header(ui.plain(statement.title), divider="gray")
        st.markdown(f"**Period:** {ui.plain(statement.period_text)}")
        st.markdown(ui.plain(statement.introduction))
        st.subheader("Summary")
        st.markdown(ui.plain(statement.summary))
        if statement.rows:
            left, right = st.columns(2)
            left.dataframe(pd.DataFrame({"Level": list(statement.level_counts),
                                         "Activities": list(statement.level_counts.values())}),
                           hide_index=True, width="stretch")
            right.dataframe(pd.DataFrame(
                {"Focus community": list(statement.community_counts),
                 "Activities": list(statement.community_counts.values())}),
                hide_index=True, width="stretch")
            st.subheader("Activities")
            # Each activity with who was involved and its learning points (the layout of West
            # Dunbartonshire's statement in the downloads), all in one block of text divided by
            # rules: a block of columns per activity made hundreds of elements for the browser
            # to lay out on a national plan, and a three-column table is unreadable on a phone.
            st.markdown("\n\n---\n\n".join(activity_text(row) for row in statement.rows))
        if statement.sources:
            st.caption(ui.plain(f"Source: {'; '.join(statement.sources)}."))
