"""The annual report's first draft: the Word document opened with python-docx (outline, summary
table, charts with alt text, honest gaps, demo marking), the Markdown, and
`python -m cjmetrics report`. Glasgow City's 2024/25 draft over the demo store is rendered once
for the module (its charts are the slow part); expected figures come from data/demo/*.csv."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest
from docx import Document
from docx.oxml.ns import qn

from cjmetrics import render
from cjmetrics.annual_report import (
    DEMO_NOTE,
    SUMMARY_COLUMNS,
    AnnualReportNotWritten,
    build_annual_report,
    report_file,
    report_years,
    to_markdown,
)
from cjmetrics.annual_report_docx import report_charts, to_docx
from cjmetrics.ingest import commit, prepare
from cjmetrics.store import close_all, open_store

from demo_csv import PROJECT_ROOT

GLASGOW, AYRSHIRE = "S12000049", "CJP-AYR"
DEMO = PROJECT_ROOT / "data" / "demo"


def demo_figure(indicator: str, area: str, period: str) -> float:
    frame = pd.read_csv(DEMO / "observations.csv", dtype=str, keep_default_na=False)
    row = frame[(frame["indicator_id"] == indicator) & (frame["area_code"] == area)
                & (frame["period"] == period) & (frame["breakdown"] == "")]
    assert len(row) == 1
    return float(row["value"].iloc[0])


@pytest.fixture(scope="module")
def glasgow(_demo_template, tmp_path_factory):
    """Glasgow City's 2024/25 draft: (report model, .docx bytes, charts), rendered once."""
    path = tmp_path_factory.mktemp("report") / "demo.duckdb"
    shutil.copy(_demo_template, path)
    store = open_store(path)
    report = build_annual_report(store, GLASGOW, "2024/25")
    charts = report_charts(store, report)
    data = to_docx(report, charts)
    close_all()
    return report, data, charts


@pytest.fixture(scope="module")
def doc(glasgow):
    return Document(io.BytesIO(glasgow[1]))


def headings(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs
            if p.style.name.startswith(("Heading", "Title"))]


def section(document, heading: str) -> list[str]:
    """The text of every paragraph and table cell from a heading to the next heading of the
    same or a higher level, in document order."""
    body = document.element.body
    texts, inside, level = [], False, None
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            style = child.find(qn("w:pPr"))
            name = style.find(qn("w:pStyle")).get(qn("w:val")) if style is not None and \
                style.find(qn("w:pStyle")) is not None else ""
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            if name.startswith("Heading"):
                if inside and int(name[-1]) <= level:
                    break
                if text == heading:
                    inside, level = True, int(name[-1])
                    continue
            if inside:
                texts.append(text)
        elif inside and child.tag == qn("w:tbl"):
            texts += ["".join(t.text or "" for t in cell.iter(qn("w:t")))
                      for cell in child.iter(qn("w:tc"))]
    assert inside, f"no heading {heading!r}"
    return texts


# -- the Word document ---------------------------------------------------------------------------
def test_the_outline_has_the_two_parts_and_the_9_outcomes(doc):
    found = headings(doc)
    assert found[0] == ("Title", "Community justice annual report 2024/25")
    assert [t for s, t in found if s == "Heading 1"] == [
        "Summary of the national outcomes", "Part 1: Progress on the improvement plan's actions",
        "Part 2: National outcomes", "Engagement"]
    outcomes = [t for s, t in found if s == "Heading 2" and t.startswith("Outcome ")]
    assert len(outcomes) == 9
    assert outcomes[0] == "Outcome 1: More people successfully complete diversion from prosecution"
    assert [int(t.split(":")[0].split()[1]) for t in outcomes] == list(range(1, 10))
    cover = [p.text for p in doc.paragraphs[:3]]
    assert "Glasgow City\nFinancial year 2024/25\nDraft" in cover


def test_the_summary_table_has_a_row_per_outcome_and_a_marked_header(doc):
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == SUMMARY_COLUMNS
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [r[0].split(" · ")[0] for r in rows] == [str(n) for n in range(1, 10)]
    custody = rows[1]
    # 1,593 referrals in 2024/25 against a target of 1,530: on track.
    assert demo_figure("ndo2_custody_referrals", GLASGOW, "2024/25") >= 1530
    assert custody[3] == "Custody referrals: On track"
    assert custody[4] == "1 improving"
    assert "(out of 10)" in custody[2]
    assert rows[8][3] == "Agree with community sentences: no figure"
    assert all(t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
               for t in doc.tables if len(t.columns) > 1)


def test_each_indicator_gives_its_figure_change_baseline_and_target(doc):
    text = section(doc, "Custody referrals")
    figure = demo_figure("ndo2_custody_referrals", GLASGOW, "2024/25")
    before = demo_figure("ndo2_custody_referrals", GLASGOW, "2023/24")
    assert f"{figure:,.0f} in 2024/25" in text
    assert f"{(figure - before) / before:+.0%} on 2023/24" in text
    assert "+11% since 2019/20 (baseline)" in text  # 1,440 in 2019/20
    assert "Target 1,530 by 2025/26" in text and "On track" in text
    assert "Illustrative demo data - not official statistics" in text


def test_a_charts_numbered_notes_are_written_under_it(doc):
    notes = pd.read_csv(DEMO / "annotations.csv", dtype=str)
    note = notes[(notes["indicator_id"] == "ndo1_diversion_completed")
                 & (notes["area_code"] == GLASGOW)].iloc[0]
    text = section(doc, "Diversion cases completed")
    assert f"Note 1, {note['period']}: {note['text']}" in text


def test_part_1_holds_the_years_evidence_notes_and_activities(doc):
    notes = pd.read_csv(DEMO / "evidence_notes.csv", dtype=str)
    own = notes[notes["area"] == GLASGOW]
    in_year = own[own["period"].str.contains("2024") & ~own["period"].str.startswith(
        ("Jan", "Feb", "Mar"))]
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Improvement Tool item")
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert [r[2] for r in rows] == list(in_year["note"])
    assert rows[0][0].endswith("(outcome 9)")
    # Activities running during 2024/25 are listed; one that ended in 2023/24 is not.
    activities = " ".join(section(doc, "Engagement activities"))
    assert "VOiCE train-the-trainer sessions for partner staff" in activities
    assert "Lived experience panel co-designing the throughcare pathway" in activities
    assert "Online survey through the Citizens' Panel" not in activities


def test_care_inspectorate_grades_are_the_latest_up_to_the_year(doc):
    grades = pd.read_csv(DEMO / "qi_evaluations.csv", dtype=str)
    own = grades[(grades["quality_indicator"] == "4.1") & (grades["area"] == GLASGOW)]
    assert "02/06/2025" in set(own["period"])  # graded again after 2024/25 ended
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Quality indicator")
    first = [c.text for c in table.rows[1].cells]
    assert first == ["4.1 Impact on the community", "3 Jun 2024",
                     "Very good (5), up from Good (4)"]


def test_an_image_with_alt_text_per_indicator_chart(glasgow, doc):
    report = glasgow[0]
    charted = [e for e in report.indicators if e.has_series]
    assert len(charted) == 13  # every national indicator but outcome 9's, held for Scotland only
    pictures = doc.inline_shapes
    assert len(pictures) == len(charted)
    alts = [p._inline.docPr.get("descr") for p in pictures]
    for entry, alt in zip(charted, alts):  # each says what it shows and the year's figure
        assert alt.startswith("Line chart: ") and "Glasgow City" in alt
        assert f"{entry.figure_text} in 2024/25" in alt
    assert all(glasgow[2][e.indicator_id].png.startswith(b"\x89PNG") for e in charted)


def test_a_gap_says_so_and_never_borrows_scotlands_figure(doc):
    text = section(doc, "Agree with community sentences")
    assert "No figure held for 2024/25." in text
    assert any(t.startswith("No chart: Glasgow City holds no figures") for t in text)
    scotland = demo_figure("ndo9_agree_community_sentence", "S92000003", "2023/24")
    assert not any(f"{scotland:.1f}" in t for t in text)
    outcome_9 = next(t for _, t in headings(doc) if t.startswith("Outcome 9: "))
    assert any(t.startswith("Our judgement") for t in section(doc, outcome_9))


def test_every_page_says_draft_and_demo(doc):
    for part in doc.sections:
        header = "\n".join(p.text for p in part.header.paragraphs)
        assert header.startswith("DRAFT · Glasgow City · annual report 2024/25")
        assert DEMO_NOTE in header
        assert DEMO_NOTE in "\n".join(p.text for p in part.footer.paragraphs)


def test_each_outcome_has_an_empty_judgement_box(doc):
    boxes = [t for t in doc.tables if t.rows[0].cells[0].paragraphs[0].text == "Our judgement"]
    assert len(boxes) == 9
    assert all(len(t.columns) == 1 for t in boxes)


def test_without_chromium_the_document_still_builds_with_a_sentence_per_chart(
        glasgow, demo_store, monkeypatch):
    monkeypatch.setattr(render, "available", lambda: False)
    report = glasgow[0]
    document = Document(io.BytesIO(report_file(demo_store, GLASGOW, "2024/25", ".docx")))
    assert len(document.inline_shapes) == 0
    notes = [p.text for p in document.paragraphs if p.text.startswith("The chart could not")]
    assert len(notes) == len([e for e in report.indicators if e.has_series])
    assert len([t for s, t in headings(document) if t.startswith("Outcome ")]) == 9


# -- an area's own figures only, and no demo mark on real ones ---------------------------------
REAL = """indicator,area,period,value,source
ndo2_custody_referrals,Glasgow,2023/24,1210,Police Scotland custody referral returns
ndo2_custody_referrals,Glasgow,2024/25,1302,Police Scotland custody referral returns
"""


def test_a_store_with_real_figures_is_not_marked_demo_and_reports_its_gaps(empty_store):
    prepared = prepare(empty_store, REAL.encode(), "custody.csv")
    assert prepared.ok, prepared.problems.to_dict("records")
    commit(empty_store, prepared)
    report = build_annual_report(empty_store, GLASGOW, "2024/25")
    assert not report.illustrative
    assert report_years(empty_store, GLASGOW) == ["2024/25", "2023/24"]
    document = Document(io.BytesIO(to_docx(report)))
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    assert "DRAFT" in header and DEMO_NOTE not in header
    assert DEMO_NOTE not in "\n".join(p.text for p in document.paragraphs)
    custody = section(document, "Custody referrals")
    assert "1,302 in 2024/25" in custody and "+8% on 2023/24" in custody
    assert "Police Scotland custody referral returns" in custody
    assert "No figure held for 2024/25." in section(document, "Diversion assessments")
    assert len(report.gaps) == len(report.indicators) - 1  # every indicator but custody referrals
    # 2023/24's draft has no year before to compare with, and says so.
    earlier = build_annual_report(empty_store, GLASGOW, "2023/24")
    entry = next(e for e in earlier.indicators if e.indicator_id == "ndo2_custody_referrals")
    assert entry.previous_text == "No figure held for 2022/23 to compare with."


# -- Markdown ------------------------------------------------------------------------------------
def test_markdown_carries_the_outline_gaps_and_demo_note(glasgow):
    text = to_markdown(glasgow[0])
    assert text.startswith("# Community justice annual report 2024/25\n")
    assert text.count("\n### Outcome ") == 9
    assert "| Figure | No figure held for 2024/25. |" in text
    assert f"*{DEMO_NOTE}*" in text
    assert "**Our judgement:**" in text


def test_survey_responses_are_suppressed_as_on_the_surveys_page(demo_store):
    report = build_annual_report(demo_store, AYRSHIRE, "2015/16")
    third = next(s for s in report.surveys if s.survey == "Third Sector Survey")
    rows = {area: shown for area, shown, _ in third.rows}
    assert rows["South Ayrshire"] == "<5" and rows["North Ayrshire"] == "hidden"
    text = to_markdown(report)
    assert "| South Ayrshire | \\<5 | Fewer than 5 respondents" in text


@pytest.mark.parametrize("area, year, message", [
    ("Nowhere", "2024/25", "There is no area 'Nowhere'"),
    (GLASGOW, "2024", "covers a financial year, and '2024' is a calendar year"),
    (GLASGOW, "someday", "'someday' is not a period"),
])
def test_bad_input_says_what_to_do(demo_store, area, year, message):
    with pytest.raises(AnnualReportNotWritten, match=message):
        build_annual_report(demo_store, area, year)


def test_another_file_type_is_refused(demo_store):
    with pytest.raises(AnnualReportNotWritten,
                       match=r"\.docx \(Word\) or \.md \(Markdown\), not '\.pdf'"):
        report_file(demo_store, GLASGOW, "2024/25", ".pdf")


# -- python -m cjmetrics report ------------------------------------------------------------------
def run(*args: str, db) -> subprocess.CompletedProcess:
    env = dict(os.environ, CJMETRICS_DB=str(db))
    return subprocess.run([sys.executable, "-m", "cjmetrics", "report", *args],
                          cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


def test_cli_writes_word_and_markdown(demo_db, tmp_path):
    close_all()
    md = tmp_path / "report.md"
    result = run("--area", "Glasgow", "--year", "2024/25", "--out", str(md), db=demo_db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Wrote the draft annual report for Glasgow City, 2024/25")
    assert "13 of 15 national indicators have a figure" in result.stdout
    assert md.read_text().count("\n### Outcome ") == 9
    # Ayrshire's 2015/16 holds no indicator figures, so its Word draft draws no chart.
    docx = tmp_path / "ayrshire.docx"
    result = run("--area", "CJP-AYR", "--year", "2015/16", "--out", str(docx), db=demo_db)
    assert result.returncode == 0, result.stderr
    document = Document(str(docx))
    assert len([t for s, t in headings(document) if t.startswith("Outcome ")]) == 9
    assert "No figure held for 2015/16." in section(document, "Custody referrals")


@pytest.mark.parametrize("args, code, message", [
    (["--area", "Glasgw", "--year", "2024/25", "--out", "x.md"], 1, "did you mean Glasgow City"),
    (["--area", "Glasgow", "--year", "2024", "--out", "x.md"], 1, "covers a financial year"),
    (["--area", "Glasgow", "--year", "2024/25", "--out", "x.pdf"], 1, "a .docx or .md file"),
    (["--area", "Glasgow", "--year", "2024/25", "--out", "missing/x.md"], 1,
     "There is no folder"),
    (["--area", "Glasgow", "--out", "x.md"], 2, "the following arguments are required: --year"),
])
def test_cli_bad_input_exits_with_a_sentence_and_writes_nothing(demo_db, tmp_path, args, code,
                                                                message):
    close_all()
    args = [str(tmp_path / a) if a.endswith((".md", ".pdf")) else a for a in args]
    result = run(*args, db=demo_db)
    assert result.returncode == code
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not list(tmp_path.glob("x.*"))
