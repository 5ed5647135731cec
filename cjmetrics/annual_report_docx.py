"""The annual report's draft as a Word document (python-docx).

Built to be read with a screen reader and navigated as an outline: headings are Word's own
Heading styles, every chart is an image with alt text (docPr descr), and every table's header
row is marked to repeat (w:tblHeader), so assistive technology reads each cell with its column.
"Draft", and for demo data the illustrative-data warning, sit in the page header so every
printed page carries them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt, RGBColor

from . import memo, render
from .annual_report import (
    DEMO_NOTE,
    DRAFT_NOTE,
    EVIDENCE_COLUMNS,
    QUALITY_COLUMNS,
    SUMMARY_COLUMNS,
    AnnualReport,
    IndicatorEntry,
    financial_year,
    indicator_rows,
    suppression_note,
)
from .areas import AreaTree
from .chart_registry import build
from .store import Store
from .trends import build_trend

GREY = RGBColor(0x59, 0x59, 0x59)


# -- the charts, as pictures ---------------------------------------------------------------
@dataclass
class Picture:
    """An indicator's chart for the report: a PNG with its alt text, or a sentence saying why
    there is none."""

    png: bytes | None
    alt: str
    note: str | None = None  # shown in place of the image
    annotations: list[str] = field(default_factory=list)  # the numbered notes on the chart


CHART_WIDTH, CHART_HEIGHT = 900, 460


def report_charts(store: Store, report: AnnualReport) -> dict[str, Picture]:
    """Each indicator's trend up to the report's year: the registry's trend chart (the Trends
    page's), drawn by the process's kaleido browser. Without chromium each gets a sentence."""

    tree = AreaTree(store.areas())
    year = financial_year(report.year_label)
    can_draw = render.available()
    charts = {}
    for entry in report.indicators:
        if not entry.has_series:
            charts[entry.indicator_id] = Picture(None, "", f"No chart: {report.area_name} holds "
                                                         f"no figures for {entry.name.lower()} "
                                                         f"up to {report.year_label}.")
            continue
        spec = {"indicator": entry.indicator_id, "areas": [report.area_code], "start": None,
                "end": year.label, "compare": False}
        data = memo.remembered(store, build_trend, *spec.values())  # the chart's own model
        span = f"{data.period_range[0]} to {data.period_range[1]}" if data.period_range else ""
        alt = (f"Line chart: {data.title}, {report.area_name}, {span}. "
               f"{data.summary(tree)}").strip()
        if not data.targets.empty:
            alt += f" {entry.target_text}."
        notes = [f"Note {i}, {row.period_label}: {row.text}"
                 for i, row in enumerate(data.annotations.itertuples(), start=1)]
        if not can_draw:
            charts[entry.indicator_id] = Picture(None, alt, "The chart could not be drawn on this "
                                                          "computer (chromium is not installed); "
                                                          "the figures are in the table above.",
                                               notes)
            continue
        try:
            png = render.image(build(store, "trend", spec).figure, "png", width=CHART_WIDTH,
                               height=CHART_HEIGHT, scale=1.5)
        except render.ImagesUnavailable as exc:
            charts[entry.indicator_id] = Picture(None, alt, f"The chart could not be drawn: "
                                                          f"{exc.user_message}", notes)
            can_draw = False
            continue
        charts[entry.indicator_id] = Picture(png, alt, annotations=notes)
    return charts



def _mark_header_row(table) -> None:
    """The first row is the table's header: Word repeats it on each page and screen readers
    announce it with every cell."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _table(doc, header: list[str], rows: list[list[str]], widths: list[float] | None = None):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = str(text)
    if widths:
        table.autofit = False
        for column, width in zip(table.columns, widths):
            column.width = Inches(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Inches(width)
    _mark_header_row(table)
    doc.add_paragraph()
    return table


def _note(doc, text: str) -> None:
    run = doc.add_paragraph().add_run(text)
    run.italic, run.font.size, run.font.color.rgb = True, Pt(9), GREY


def _header_and_footer(doc, report: AnnualReport) -> None:
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.text = f"DRAFT · {report.area_name} · annual report {report.year_label}"
    if report.illustrative:
        run = section.header.add_paragraph().add_run(DEMO_NOTE)
        run.bold = True
    footer = section.footer.paragraphs[0]
    footer.text = ("Draft for checking: figures as held by cjmetrics on "
                   f"{date.today():%-d %B %Y}.")
    if report.illustrative:
        footer.add_run(" " + DEMO_NOTE)


def _picture(doc, chart: Picture) -> None:
    doc.add_picture(io.BytesIO(chart.png), width=Inches(6.0))
    picture = doc.inline_shapes[-1]._inline
    picture.docPr.set("descr", chart.alt)
    picture.docPr.set("title", chart.alt.split(".")[0])


def _judgement_box(doc) -> None:
    box = doc.add_table(rows=1, cols=1)
    box.style = "Table Grid"
    cell = box.rows[0].cells[0]
    cell.paragraphs[0].add_run("Our judgement").bold = True
    prompt = cell.add_paragraph().add_run(
        "To be written by the partnership: how far has this outcome moved, and why?")
    prompt.italic, prompt.font.color.rgb = True, GREY
    for _ in range(3):
        cell.add_paragraph()
    doc.add_paragraph()


def _indicator(doc, entry: IndicatorEntry, chart: Picture | None) -> None:
    doc.add_heading(entry.name, level=3)
    _table(doc, ["", entry.year_label], indicator_rows(entry), widths=[2.0, 4.3])
    if chart is None:
        return
    if chart.png is not None:
        _picture(doc, chart)
    elif chart.note:
        _note(doc, chart.note)
    for annotation in chart.annotations:
        _note(doc, annotation)


def to_docx(report: AnnualReport, charts: dict[str, Picture] | None = None) -> bytes:
    charts = charts or {}
    doc = Document()
    doc.core_properties.title = f"{report.title}: {report.area_name} (draft)"
    doc.core_properties.language = "en-GB"
    _header_and_footer(doc, report)

    # Cover
    doc.add_heading(report.title, level=0)
    cover = doc.add_paragraph()
    cover.add_run(report.area_name).bold = True
    cover.add_run(f"\nFinancial year {report.year_label}\nDraft")
    doc.add_paragraph(DRAFT_NOTE)
    if report.illustrative:
        doc.add_paragraph().add_run(DEMO_NOTE).bold = True
    doc.add_paragraph(report.introduction)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    doc.add_heading("Summary of the national outcomes", level=1)
    _table(doc, SUMMARY_COLUMNS, report.summary_rows("\n"), widths=[1.3, 0.8, 1.3, 2.2, 1.1])
    if report.gaps:
        _note(doc, f"{len(report.gaps)} indicator{'s' if len(report.gaps) != 1 else ''} "
                   f"with no figure held for {report.year_label}: "
                   f"{', '.join(g.name for g in report.gaps)}.")

    doc.add_heading("Part 1: Progress on the improvement plan's actions", level=1)
    doc.add_heading("Improvement Tool local evidence", level=2)
    if report.evidence:
        _table(doc, EVIDENCE_COLUMNS, [e.row for e in report.evidence],
               widths=[1.8, 0.8, 2.6, 1.3])
    else:
        doc.add_paragraph(f"No Improvement Tool evidence notes are held for "
                          f"{report.year_label}.")
    doc.add_heading("Care Inspectorate self-evaluation", level=2)
    if report.quality:
        _table(doc, QUALITY_COLUMNS, [[q.quality_indicator, q.when, q.grade]
                                      for q in report.quality], widths=[2.6, 1.2, 2.7])
    else:
        doc.add_paragraph(f"No quality-indicator self-evaluations are held up to "
                          f"{report.year_label}.")
    doc.add_heading("Engagement activities", level=2)
    doc.add_paragraph(report.activities.summary)
    if report.activities.rows:
        _table(doc, ["Activity", "Who was involved", "Learning points"],
               [["\n".join([row.activity] + row.details), "\n".join(row.who),
                 "\n".join(f"· {p}" for p in row.learning) or "Not recorded"]
                for row in report.activities.rows], widths=[2.6, 1.6, 2.3])

    doc.add_section(WD_SECTION.NEW_PAGE)
    doc.add_heading("Part 2: National outcomes", level=1)
    for outcome in report.outcomes:
        doc.add_heading(outcome.heading, level=2)
        facts = doc.add_paragraph()
        facts.add_run("Priority in the improvement plan: ").bold = True
        facts.add_run(("Yes" if outcome.priority else "No")
                      + (f" ({outcome.priority_note})" if outcome.priority_note else ""))
        facts.add_run("\nSelf-assessment: ").bold = True
        facts.add_run(outcome.score_text
                      + (f", {outcome.score_change}" if outcome.score_change else ""))
        for entry in outcome.indicators:
            _indicator(doc, entry, charts.get(entry.indicator_id))
        _judgement_box(doc)
    if report.higher_level:
        doc.add_heading("Higher-level indicator", level=2)
        for entry in report.higher_level:
            _indicator(doc, entry, charts.get(entry.indicator_id))

    doc.add_heading("Engagement", level=1)
    _engagement(doc, report)
    if report.sources:
        _note(doc, f"Sources: {'; '.join(report.sources)}.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _engagement(doc, report: AnnualReport) -> None:
    doc.add_heading("Reach", level=2)
    if report.engagement:
        _table(doc, ["Measure", report.year_label, "Change"],
               [[f.measure, f.value_text, f.change_text] for f in report.engagement])
    else:
        doc.add_paragraph(f"No engagement figures are held for {report.year_label}.")
    if report.engagement_note:
        _note(doc, report.engagement_note)
    doc.add_heading("Events", level=2)
    doc.add_paragraph(f"{len(report.events)} event{'s' if len(report.events) != 1 else ''} "
                      f"with attendance recorded in {report.year_label}.")
    if report.events:
        _table(doc, ["Event", "Month", "Attendance"], [list(e) for e in report.events])
    doc.add_heading("Survey responses", level=2)
    if not report.surveys:
        doc.add_paragraph(f"No survey responses are held for {report.year_label}.")
        return
    for survey in report.surveys:
        doc.add_paragraph().add_run(f"{survey.survey}, {survey.period}").bold = True
        _table(doc, ["Area", "Respondents", "Note"], [list(r) for r in survey.rows],
               widths=[2.2, 1.1, 3.2])
    _note(doc, suppression_note(report))
