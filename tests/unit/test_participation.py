"""Participation statements: seed 004's layout (activity, who was involved, learning points)
with a summary, as Word (opened here with python-docx) and Markdown, from the page's library
calls and from `python -m cjmetrics statement`."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

import pytest
from docx import Document

from cjmetrics.ingest import commit, prepare
from cjmetrics.participation import (
    StatementNotWritten,
    build_statement,
    statement_periods,
    to_docx,
    to_markdown,
)
from cjmetrics.store import close_all

from demo_csv import PROJECT_ROOT

GLASGOW = "S12000049"
PLAN = """area,activity_id,activity,level,communities,status,start_period,end_period,standards,attendance,who_involved,learning_points
Glasgow,G-1,Focus groups with people on orders,Consult,1; 6,Complete,01/05/2023,30/09/2023,Inclusion,34,Turning Point Scotland; Justice social work,Evening sessions worked; Travel was a barrier
Glasgow,G-2,[Click me](http://evil.example) <b>meeting</b>,Inform,2,In progress,Jun 2024,Mar 2026,Communication,120,Elected members | councillors,
Glasgow,G-3,Next year's panel,Engage,1,Not started,01/04/2026,,Inclusion,,Families,
"""  # noqa: E501 - a template file as a lead would write it, one row a line


@pytest.fixture
def store(empty_store):
    prepared = prepare(empty_store, PLAN.encode(), "plan.csv", kind="engagement_activities")
    assert prepared.ok, prepared.problems.to_dict("records")
    commit(empty_store, prepared)
    return empty_store


def test_statement_covers_the_activities_overlapping_the_periods(store):
    statement = build_statement(store, GLASGOW, "2023/24", "2024/25")
    assert [r.activity.split(" ")[0] for r in statement.rows] == ["Focus", "[Click"]
    assert statement.period_text == "2023/24 to 2024/25"
    assert statement.level_counts == {"Inform": 1, "Consult": 1, "Engage": 0}
    assert statement.community_counts["People who have committed offences"] == 1
    assert statement.summary == ("2 engagement activities (1 Inform, 1 Consult, 0 Engage), "
                                 "reaching 3 of the 6 focus communities.")
    first = statement.rows[0]
    assert first.who == ["Turning Point Scotland", "Justice social work"]
    assert first.learning == ["Evening sessions worked", "Travel was a barrier"]
    assert "Attendance: 34" in first.details and "Level: Consult" in first.details
    assert statement_periods(store, GLASGOW) == ["2023/24", "2024/25", "2025/26", "2026/27"]


def test_word_statement_has_the_seed_004_table(store):
    data = to_docx(build_statement(store, GLASGOW, "2023/24", "2024/25"))
    doc = Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings == ["Participation statement: Glasgow City", "Summary", "Activities"]
    level, community, activities = doc.tables
    assert [c.text for c in level.rows[0].cells] == ["Level", "Activities"]
    assert [[c.text for c in r.cells] for r in level.rows[1:]] == [
        ["Inform", "1"], ["Consult", "1"], ["Engage", "0"]]
    assert len(community.rows) == 7
    assert [c.text for c in activities.rows[0].cells] == [
        "Activity", "Who was involved", "Learning points"]
    assert len(activities.rows) == 3
    activity, who, learning = activities.rows[1].cells
    assert activity.paragraphs[0].text == "Focus groups with people on orders"
    assert activity.paragraphs[0].runs[0].bold
    assert "When: 1 May 2023 to 30 Sep 2023" in activity.text
    assert [p.text for p in who.paragraphs] == ["Turning Point Scotland", "Justice social work"]
    assert [p.text for p in learning.paragraphs] == ["· Evening sessions worked",
                                                     "· Travel was a barrier"]
    assert activities.rows[2].cells[2].text == "Not recorded"


def test_markdown_statement_shows_user_text_literally(store):
    text = to_markdown(build_statement(store, GLASGOW, "2023/24", "2024/25"))
    assert text.startswith("# Participation statement: Glasgow City\n")
    assert "## Summary" in text and "## Activities" in text
    assert "| Activity | Who was involved | Learning points |" in text
    assert "• Evening sessions worked<br>• Travel was a barrier" in text
    # A link, HTML and a pipe from a cell cannot become a link, a tag or a new table column.
    assert "\\[Click me\\]" in text and "\\<b\\>" in text
    assert text.count("](http") == text.count("\\](http") == 1
    assert "Elected members \\| councillors" in text
    row = next(line for line in text.splitlines() if "Click me" in line)
    assert len(re.findall(r"(?<!\\)\|", row)) == 4  # three cells: the pipe is escaped


def test_a_period_without_activities_still_gives_a_statement(store):
    statement = build_statement(store, GLASGOW, "2019/20", "2019/20")
    assert statement.rows == []
    assert "No engagement activities are recorded for 2019/20" in to_markdown(statement)
    doc = Document(io.BytesIO(to_docx(statement)))
    assert doc.tables == []


@pytest.mark.parametrize("area, start, end, message", [
    ("Nowhere", "2023/24", "2024/25", "There is no area"),
    (GLASGOW, "2025/26", "2023/24", "ends (2023/24) before it starts (2025/26)"),
    (GLASGOW, "someday", "2023/24", "'someday' is not a period"),
])
def test_bad_input_says_what_to_do(store, area, start, end, message):
    with pytest.raises(StatementNotWritten, match=message.replace("(", r"\(").replace(")", r"\)")):
        build_statement(store, area, start, end)


# -- python -m cjmetrics statement ---------------------------------------------------------------
def run(*args: str, db) -> subprocess.CompletedProcess:
    env = dict(os.environ, CJMETRICS_DB=str(db))
    return subprocess.run([sys.executable, "-m", "cjmetrics", *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=180)


def test_cli_writes_word_and_markdown(demo_db, tmp_path):
    close_all()
    out = tmp_path / "statement.docx"
    result = run("statement", "--area", "Glasgow", "--from", "2023/24", "--to", "2024/25",
                 "--out", str(out), db=demo_db)
    assert result.returncode == 0, result.stderr
    assert "Wrote the participation statement for Glasgow City, 2023/24 to 2024/25" in \
        result.stdout
    doc = Document(str(out))
    assert doc.paragraphs[0].text == "Participation statement: Glasgow City"
    assert doc.tables[-1].rows[0].cells[1].text == "Who was involved"
    md = tmp_path / "statement.md"
    result = run("statement", "--area", "CJP-AYR", "--from", "Feb 2016", "--to", "Feb 2016",
                 "--out", str(md), db=demo_db)
    assert result.returncode == 0, result.stderr
    text = md.read_text()
    assert "Ayrshire Collaborative Workshop" in text and "Attendance: 41" in text
    assert "Criminal Justice Voluntary Sector Forum" in text


@pytest.mark.parametrize("args, message", [
    (["--area", "Glasgw", "--from", "2023/24", "--to", "2024/25", "--out", "x.md"],
     "did you mean Glasgow City"),
    (["--area", "Glasgow", "--from", "2025/26", "--to", "2023/24", "--out", "x.md"],
     "before it starts"),
    (["--area", "Glasgow", "--from", "2023/24", "--to", "2024/25", "--out", "x.pdf"],
     "a .docx or .md file"),
])
def test_cli_invalid_input_exits_1_with_a_sentence(demo_db, tmp_path, args, message):
    close_all()
    args = [str(tmp_path / a) if a.startswith("x.") else a for a in args]
    result = run("statement", *args, db=demo_db)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not any(tmp_path.glob("x.*"))


def test_cli_usage_error_exits_2(demo_db):
    result = run("statement", "--area", "Glasgow", db=demo_db)
    assert result.returncode == 2 and "--from" in result.stderr
