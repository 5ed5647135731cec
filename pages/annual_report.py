"""Annual report: the first draft of a partnership's annual progress report, as Word or Markdown."""

import streamlit as st

from cjmetrics import export, render, ui
from cjmetrics.annual_report import build_annual_report, report_file, report_years

ui.ensure_entrypoint()

with ui.guard():
    area = ui.chosen_area()
    tree = ui.area_tree()
    st.title(f"Annual report: {tree.name(area)}")
    st.caption("The first draft of the annual progress report on the Community Justice Outcomes "
               "Improvement Plan: a summary of the 9 national outcomes; Part 1, progress on the "
               "plan's actions from the Improvement Tool evidence and the engagement "
               "activities; Part 2, each national indicator's figure, change, status against "
               "target and chart, with an empty \"Our judgement\" box per outcome; and the "
               "engagement figures. Download it, check it and write the judgements.")
    years = ui.cached(report_years, area)
    if not years:
        st.info(f"No national indicator figures are held for {tree.name(area)} or Scotland, so "
                "there is no year to report on. Upload the indicator figures first.",
                icon=":material/info:")
        st.stop()
    year = st.selectbox("Financial year", years, key=f"report-year-{area}",
                        help="The year the report covers: each indicator's figure for it, "
                             "compared with the year before and the baseline.")
    report = ui.cached(build_annual_report, area, year)
    if report.illustrative:
        st.warning("The draft is written from **illustrative demo figures**, not official "
                   "statistics; every page of the Word document says so.",
                   icon=":material/science:")
    stem = export.safe_stem(f"annual-report-{report.area_name}-{year}")
    left, right, _ = st.columns([1, 1, 2])
    with left:
        ui.recorded_download("Word (.docx)", lambda: ui.cached(report_file, area, year, ".docx"),
                             file_name=f"{stem}.docx", key="report-docx",
                             mime="application/vnd.openxmlformats-officedocument."
                                  "wordprocessingml.document",
                             what="annual report", icon=":material/description:",
                             help="With a chart per indicator; drawing them takes a few "
                                  "seconds.")
    with right:
        ui.recorded_download("Markdown (.md)", lambda: ui.cached(report_file, area, year, ".md"),
                             file_name=f"{stem}.md", mime="text/markdown", key="report-md",
                             what="annual report", help="The same text and tables, no charts.")
    if not render.available():
        st.caption(":material/info: Chromium is not installed on this server, so the Word "
                   "document has a sentence in place of each chart.")

    st.subheader("Summary of the national outcomes")
    # A static table: the cells are sentences, which a grid would cut off at the column edge.
    ui.static_table(report.summary_table())
    if report.gaps:
        st.markdown(ui.plain(f"No figure held for {year}: "
                             f"{', '.join(g.name for g in report.gaps)}. The draft says so "
                             "in words; no other area's figure stands in."))
    st.subheader("What the draft is written from")
    st.markdown("\n".join([
        f"- **Part 1**: {len(report.evidence)} Improvement Tool evidence "
        f"note{'s' if len(report.evidence) != 1 else ''} dated in {year}; "
        + ui.plain(report.activities.summary),
        f"- **Part 2**: {len(report.indicators) - len(report.gaps)} of "
        f"{len(report.indicators)} national indicators with a figure for {year}",
        f"- **Engagement**: {len(report.engagement)} reach measures, {len(report.events)} "
        f"events and {len(report.surveys)} survey"
        f"{'s' if len(report.surveys) != 1 else ''} with responses in {year} (small numbers "
        "suppressed as on the Surveys page)"]))
    if report.sources:
        st.caption(ui.plain(f"Sources: {'; '.join(report.sources)}."))
