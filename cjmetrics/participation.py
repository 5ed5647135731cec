"""Participation statements, written from the engagement plan's activities.

The layout follows West Dunbartonshire's participation statement (2016-17 scoping work): a short
introduction, then each activity with who was involved and its learning points, here preceded by
a summary (activities by level and by focus community). Written as Word (.docx, python-docx) or
Markdown, from the page or `python -m cjmetrics statement`.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from .areas import AreaTree
from .config import is_illustrative
from .engagement_plan import activities_frame, list_values, split
from .errors import StatementNotWritten
from .periods import PeriodUnrecognised, parse_period
from .store import Store

FORMATS = {".docx": "Word", ".md": "Markdown"}


@dataclass
class StatementRow:
    activity: str
    details: list[str]  # level, dates, communities, purpose, attendance
    who: list[str]
    learning: list[str]


@dataclass
class Statement:
    area_code: str
    area_name: str
    period_text: str  # "Apr 2023 to Mar 2025"
    rows: list[StatementRow]
    level_counts: dict[str, int]
    community_counts: dict[str, int]
    council_names: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Participation statement: {self.area_name}"

    @property
    def illustrative(self) -> bool:
        return any(map(is_illustrative, self.sources))

    @property
    def introduction(self) -> str:
        councils = (" It includes the activities of its councils "
                    f"({', '.join(self.council_names)})." if self.council_names else "")
        return (f"This statement sets out the community engagement {self.area_name} carried out "
                f"from {self.period_text}: each activity, who was involved and what was learned. "
                "It is written from the partnership's engagement plan." + councils)

    @property
    def summary(self) -> str:
        if not self.rows:
            return f"No engagement activities are recorded for {self.period_text}."
        levels = ", ".join(f"{n} {level}" for level, n in self.level_counts.items())
        reached = [c for c, n in self.community_counts.items() if n]
        return (f"{len(self.rows)} engagement activit{'y' if len(self.rows) == 1 else 'ies'} "
                f"({levels}), reaching {len(reached)} of the "
                f"{len(self.community_counts)} focus communities.")


def _period(text: str, what: str):
    try:
        return parse_period(text)
    except PeriodUnrecognised as exc:
        raise StatementNotWritten(f"The {what} period '{text}' is not a period cjmetrics reads: "
                                  f"{exc.user_message}") from exc


def build_statement(store: Store, area_code: str, start_text: str, end_text: str) -> Statement:
    """The statement for an area's activities that overlap the periods from start to end."""
    tree = AreaTree(store.areas())
    if area_code not in tree:
        raise StatementNotWritten(f"There is no area '{area_code}'. Use an area's code as on the "
                                  "Frameworks page, e.g. S12000049 for Glasgow City or CJP-AYR.")
    first, last = _period(start_text, "from"), _period(end_text, "to")
    if last.end < first.start:
        raise StatementNotWritten(f"The period ends ({last.label}) before it starts "
                                  f"({first.label}). Swap the two periods.")
    activities = activities_frame(store, area_code, first.start, last.end)
    rows = []
    for a in activities.itertuples():
        details = [f"Level: {a.level}", f"When: {a.when}"]
        if a.communities:
            details.append("Focus communities: " + "; ".join(a.communities))
        if isinstance(a.purpose, str) and a.purpose:
            details.append(f"Purpose: {a.purpose}")
        if a.attendance == a.attendance and a.attendance is not None:
            details.append(f"Attendance: {a.attendance:,.0f}")
        if a.standards:
            details.append("National Standards: " + "; ".join(a.standards))
        if a.area_code != area_code:
            details.append(f"Area: {a.area_name}")
        who = split(a.who_involved) or list(a.communities) or ["Not recorded"]
        rows.append(StatementRow(a.activity, details, who, list(a.learning_points)))
    levels = list_values(store, "engagement_level")
    communities = list_values(store, "community")
    level_counts = {lv: int((activities["level"] == lv).sum()) for lv in levels}
    community_counts = {c: int(sum(c in cs for cs in activities["communities"]))
                        for c in communities}
    period_text = first.label if first == last else f"{first.label} to {last.label}"
    return Statement(area_code, tree.name(area_code), period_text, rows, level_counts,
                     community_counts, [tree.name(c) for c in tree.children(area_code)],
                     sorted(set(activities["source"].dropna())))


# -- Markdown ----------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#+!|<>~$])")


def _md(text: str) -> str:
    """Text from users shown literally: no links, emphasis, HTML or broken table cells."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def to_markdown(statement: Statement) -> str:
    lines = [f"# {_md(statement.title)}", "", f"**Period:** {_md(statement.period_text)}", "",
             _md(statement.introduction), "", "## Summary", "", _md(statement.summary), ""]
    if statement.rows:
        lines += ["| Level | Activities |", "|---|---:|"]
        lines += [f"| {_md(k)} | {v} |" for k, v in statement.level_counts.items()]
        lines += ["", "| Focus community | Activities |", "|---|---:|"]
        lines += [f"| {_md(k)} | {v} |" for k, v in statement.community_counts.items()]
        lines += ["", "## Activities", "", "| Activity | Who was involved | Learning points |",
                  "|---|---|---|"]
        for row in statement.rows:
            activity = "<br>".join([f"**{_md(row.activity)}**"] + [_md(d) for d in row.details])
            who = "<br>".join(_md(w) for w in row.who)
            learning = "<br>".join(f"• {_md(p)}" for p in row.learning) or "Not recorded"
            lines.append(f"| {activity} | {who} | {learning} |")
    lines += [""]
    if statement.sources:
        lines += [f"*Source: {_md('; '.join(statement.sources))}.*", ""]
    if statement.illustrative:
        lines += ["*Contains illustrative demo data: not a real record of engagement.*", ""]
    return "\n".join(lines)


# -- Word ----------------------------------------------------------------------------------------
def to_docx(statement: Statement) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.add_heading(statement.title, level=0)
    doc.add_paragraph().add_run(f"Period: {statement.period_text}").bold = True
    doc.add_paragraph(statement.introduction)
    doc.add_heading("Summary", level=1)
    doc.add_paragraph(statement.summary)
    if statement.rows:
        for heading, counts in (("Level", statement.level_counts),
                                ("Focus community", statement.community_counts)):
            table = doc.add_table(rows=1, cols=2)
            table.style = "Table Grid"
            table.rows[0].cells[0].text, table.rows[0].cells[1].text = heading, "Activities"
            for key, value in counts.items():
                cells = table.add_row().cells
                cells[0].text, cells[1].text = key, str(value)
            doc.add_paragraph()
        doc.add_heading("Activities", level=1)
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells,
                              ("Activity", "Who was involved", "Learning points")):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for row in statement.rows:
            cells = table.add_row().cells
            cells[0].paragraphs[0].add_run(row.activity).bold = True
            for detail in row.details:
                cells[0].add_paragraph(detail)
            cells[1].paragraphs[0].text = row.who[0]
            for who in row.who[1:]:
                cells[1].add_paragraph(who)
            points = row.learning or ["Not recorded"]
            cells[2].paragraphs[0].text = ("· " if row.learning else "") + points[0]
            for point in points[1:]:
                cells[2].add_paragraph("· " + point)
    if statement.sources:
        note = doc.add_paragraph()
        run = note.add_run(f"Source: {'; '.join(statement.sources)}.")
        run.italic, run.font.size = True, Pt(9)
    if statement.illustrative:
        run = doc.add_paragraph().add_run(
            "Contains illustrative demo data: not a real record of engagement.")
        run.italic, run.font.size = True, Pt(9)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render(statement: Statement, suffix: str) -> bytes:
    suffix = suffix.lower()
    if suffix == ".docx":
        return to_docx(statement)
    if suffix == ".md":
        return to_markdown(statement).encode("utf-8")
    raise StatementNotWritten(f"A statement is written as .docx (Word) or .md (Markdown), not "
                              f"'{suffix or 'no extension'}'. Change the output file's extension.")


def statement_file(store: Store, area_code: str, start_text: str, end_text: str,
                   suffix: str) -> bytes:
    """The statement as file bytes (pages cache this)."""
    return render(build_statement(store, area_code, start_text, end_text), suffix)


def statement_periods(store: Store, area_code: str) -> list[str]:
    """Every financial year from the area's first activity to its last, oldest first."""
    from .periods import financial_year_of, shift

    frame = activities_frame(store, area_code)
    if frame.empty:
        return []
    year = financial_year_of(min(frame["start"]))
    last = financial_year_of(max(frame["end"]))
    years = [year]
    while years[-1].start < last.start:
        years.append(shift(years[-1], 1))
    return [y.label for y in years]
