"""The annual progress report's first draft, written from what the store holds.

Each partnership reports yearly on its Community Justice Outcomes Improvement Plan, in two parts
(East Dunbartonshire's 2023-24 report is an example): Part 1, progress on the plan's actions
(the Improvement Tool's local evidence notes and the engagement activities); Part 2, the national
indicators of each of the 9 nationally determined outcomes, with the partnership's judgement.
Here that draft is built for one area and financial year, as plain data, then written as Word
(python-docx, in `annual_report_docx`) or Markdown. Every figure is the area's own: a year with
no figure says so in words, and no parent's or neighbour's figure stands in for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

import pandas as pd

from . import analysis
from .areas import AreaTree
from .care_inspectorate import build_quality
from .config import each_source, is_illustrative
from .engagement import build_engagement
from .errors import AnnualReportNotWritten
from .framework import FRAMEWORK, Scale, build_scorecard
from .overview import build_tile, one_kind
from .participation import Statement, build_statement
from .periods import PeriodUnrecognised, financial_year_of, kind_name, parse_period, shift
from .store import Store
from .surveys import small_number_threshold, wave_responses

FORMATS = {".docx": "Word", ".md": "Markdown"}
YEAR_DAYS = 360  # a period this long or longer is a year's (a year's end is 364 days on)
DEMO_NOTE = "Contains illustrative demo figures: not official statistics."
DRAFT_NOTE = ("Draft written by cjmetrics from the figures it holds. Check every figure and "
              "write each outcome's judgement before it is shared.")


@dataclass
class IndicatorEntry:
    """One national indicator for the report's year, in a lead's words."""

    indicator_id: str
    name: str
    unit: str
    year_label: str
    figure_text: str | None  # "1,593", or None when no figure is held for the year
    latest_before: str | None = None  # "1,543 in 2023/24" when the year has no figure
    previous_text: str = ""  # "+3% on 2023/24" or a sentence saying there is nothing to compare
    baseline_text: str = ""
    target_text: str = "No target set"
    status: str = analysis.RAG_LABELS["none"]
    rag: str = "none"
    direction: str = "not enough data"
    arrow: str = "–"
    source: str | None = None
    defined_in: str | None = None  # the framework the indicator comes from
    note: str | None = None
    has_series: bool = False  # any figure up to the year: a chart can be drawn

    @property
    def has_figure(self) -> bool:
        return self.figure_text is not None

    @property
    def gap_text(self) -> str:
        return f"No figure held for {self.year_label}."

    @property
    def figure_sentence(self) -> str:
        if self.has_figure:
            return f"{self.figure_text} in {self.year_label}"
        before = f" The latest figure held is {self.latest_before}." if self.latest_before else ""
        return self.gap_text + before

    @property
    def illustrative(self) -> bool:
        return is_illustrative(self.source)

    @property
    def status_line(self) -> str:
        """"Diversion cases completed: On track" for the summary table."""
        if not self.has_figure:
            return f"{self.name}: no figure"
        return f"{self.name}: {self.status}"


@dataclass
class OutcomeSection:
    number: int
    short_name: str
    title: str
    priority: bool
    priority_note: str | None
    score_text: str  # "7 → 8 (out of 10)" or "No self-assessment yet"
    score_change: str | None  # "up 1 since 12 Mar 2024"
    indicators: list[IndicatorEntry]

    @property
    def heading(self) -> str:
        return f"Outcome {self.number}: {self.title}"

    @property
    def direction_text(self) -> str:
        """The indicators' directions of travel, counted: "2 improving, 1 worsening"."""
        words = [i.direction for i in self.indicators if i.has_figure]
        if not words:
            return "No figures for the year"
        counts = {w: words.count(w) for w in dict.fromkeys(words)}
        return ", ".join(f"{n} {w}" for w, n in counts.items())

    def status_text(self, separator: str = "; ") -> str:
        return separator.join(i.status_line for i in self.indicators) or "No indicator"


@dataclass
class EvidenceNote:
    item: str  # the Improvement Tool item
    outcome_number: int | None
    when: str
    text: str
    source: str | None

    @property
    def row(self) -> list[str]:
        """Item (with the outcome it is evidence for), when, evidence, source."""
        item = f"{self.item} (outcome {self.outcome_number})" if self.outcome_number else \
            self.item
        return [item, self.when, self.text, self.source or ""]


EVIDENCE_COLUMNS = ["Improvement Tool item", "When", "Evidence", "Source"]


@dataclass
class QualityGrade:
    """A Care Inspectorate quality indicator's latest self-evaluation up to the year's end."""

    quality_indicator: str  # "4.1 Impact on the community"
    when: str
    grade: str  # "Good (4), up from Adequate (3)"


@dataclass
class EngagementFigure:
    measure: str
    value_text: str
    change_text: str


@dataclass
class SurveyResponses:
    survey: str
    period: str
    rows: list[tuple[str, str, str]]  # area, respondents ("<5" when small), note
    sources: list[str] = field(default_factory=list)


@dataclass
class AnnualReport:
    area_code: str
    area_name: str
    year_label: str
    outcomes: list[OutcomeSection]
    higher_level: list[IndicatorEntry]
    evidence: list[EvidenceNote]
    activities: Statement
    engagement: list[EngagementFigure]
    events: list[tuple[str, str, str]]  # event, month, attendance
    surveys: list[SurveyResponses]
    scale: Scale
    sources: list[str] = field(default_factory=list)
    quality: list[QualityGrade] = field(default_factory=list)
    engagement_note: str | None = None
    small_number_threshold: int = 5

    @property
    def title(self) -> str:
        return f"Community justice annual report {self.year_label}"

    @property
    def illustrative(self) -> bool:
        return any(map(is_illustrative, self.sources))

    @property
    def indicators(self) -> list[IndicatorEntry]:
        return [i for o in self.outcomes for i in o.indicators] + self.higher_level

    @property
    def gaps(self) -> list[IndicatorEntry]:
        return [i for i in self.indicators if not i.has_figure]

    @property
    def introduction(self) -> str:
        return (f"This is {self.area_name}'s annual progress report on its Community Justice "
                f"Outcomes Improvement Plan for {self.year_label}. Part 1 sets out progress on "
                "the plan's actions from the Improvement Tool's local evidence and the "
                "engagement activities; Part 2 gives the national indicators for each of the "
                "9 nationally determined outcomes, with space for the partnership's judgement.")

    def summary_table(self) -> pd.DataFrame:
        """The summary as the page shows it, indexed by national outcome."""
        return pd.DataFrame(self.summary_rows(), columns=SUMMARY_COLUMNS).set_index(
            SUMMARY_COLUMNS[0])

    def summary_rows(self, separator: str = "; ") -> list[list[str]]:
        """One row per national outcome: outcome, priority, self-assessment, status against
        target of each indicator (one after another, joined by `separator`), direction."""
        rows = []
        for o in self.outcomes:
            score = o.score_text + (f", {o.score_change}" if o.score_change else "")
            rows.append([f"{o.number} · {o.short_name}", "★ Priority" if o.priority else "–",
                         score, o.status_text(separator), o.direction_text])
        return rows


QUALITY_COLUMNS = ["Quality indicator", "Latest evaluation", "Grade"]
SUMMARY_COLUMNS = ["National outcome", "Priority", "Latest self-assessment",
                   "Indicators against target", "Direction of travel"]


# -- building the model ------------------------------------------------------------------------
def financial_year(text: str):
    """The financial year named by `text` ("2024/25"), or a one-sentence error."""
    try:
        period = parse_period(text)
    except PeriodUnrecognised as exc:
        raise AnnualReportNotWritten(f"{exc.user_message} The report needs a financial year such "
                                     "as 2024/25.") from exc
    if period.type != "financial_year":
        raise AnnualReportNotWritten(f"The annual report covers a financial year, and '{text}' is "
                                     f"a {period.type.replace('_', ' ')}. Name a financial year "
                                     "such as 2024/25.")
    return period


def _text(value) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) \
        else str(value)


def _indicator_entry(indicator: pd.Series, series: pd.DataFrame, target: pd.Series | None,
                     area_code: str, area_name: str, year) -> IndicatorEntry:
    """The indicator's figure for the year, with the same change, status and direction wording
    as its Overview tile (built by the same function, from the figures up to the year's end)."""
    held = series[pd.to_datetime(series["period_end"]).dt.date <= year.end]
    held = one_kind(held, indicator).reset_index(drop=True)
    name = indicator["short_name"] or indicator["name"]
    entry = IndicatorEntry(indicator["indicator_id"], name, indicator["unit"], year.label, None,
                           defined_in=_text(indicator.get("source")),
                           has_series=not held.empty)
    if held.empty:
        return entry
    tile = build_tile(indicator, held, target, area_code, area_name, None)
    last = held.iloc[-1]
    in_year = pd.Timestamp(last["period_start"]).date() >= year.start
    # A month's or a quarter's figure is not the year's: with no yearly figure held, the
    # report names the latest one as what it is rather than give it as the year's figure.
    part_of_year = pd.Timestamp(last["period_end"]) - pd.Timestamp(last["period_start"]) \
        < pd.Timedelta(days=YEAR_DAYS)
    if not in_year or part_of_year:
        entry.latest_before = f"{tile.latest_text} in {tile.latest_label}" + (
            f" (figures are held for {kind_name(last['period_type'])} only)"
            if part_of_year else "")
        entry.source = tile.source
        return entry
    entry.figure_text = tile.latest_text
    entry.source, entry.note = tile.source, _text(last.get("note"))
    year_before = shift(year, -1)
    previous = held.iloc[-2] if len(held) > 1 else None
    if previous is not None and pd.Timestamp(previous["period_start"]).date() >= year_before.start:
        entry.previous_text = tile.previous_text
    else:
        entry.previous_text = f"No figure held for {year_before.label} to compare with."
    has_baseline = target is not None and pd.notna(target.get("baseline_value"))
    if tile.baseline_text and not has_baseline:  # the tile compares with the first figure
        entry.baseline_text = f"{tile.baseline_text}, the first figure held (no baseline set)"
    else:
        entry.baseline_text = tile.baseline_text or "No baseline set."
    entry.target_text = tile.target_text or "No target set"
    entry.status, entry.rag = tile.rag_label, tile.rag
    if tile.direction is not None:
        entry.direction, entry.arrow = tile.direction.word, tile.direction.arrow
    return entry


def _indicators(store: Store, area_code: str, area_name: str, year) -> dict[str, IndicatorEntry]:
    indicators = store.indicators()
    framework = indicators[indicators["framework_id"] == FRAMEWORK]
    ids = list(framework["indicator_id"])
    series = store.series(ids, [area_code], end=year.end)
    targets = store.targets(ids, [area_code])
    entries = {}
    for _, indicator in framework.iterrows():
        own = series[series["indicator_id"] == indicator["indicator_id"]]
        target_rows = targets[targets["indicator_id"] == indicator["indicator_id"]]
        target = target_rows.iloc[0] if len(target_rows) else None
        entries[indicator["indicator_id"]] = _indicator_entry(indicator, own, target, area_code,
                                                              area_name, year)
    return entries


def _overlaps(label: str, year) -> bool:
    try:
        period = parse_period(label)
    except PeriodUnrecognised:
        return False
    return period.start <= year.end and period.end >= year.start


def _surveys(store: Store, area_code: str, year) -> list[SurveyResponses]:
    """Each survey's responses for its latest wave in the year, suppressed as on the Surveys
    page."""
    def latest_in_year(periods: list[str]) -> str | None:
        waves = [p for p in periods if _overlaps(p, year)]
        return waves[-1] if waves else None

    return [SurveyResponses(model.survey.name, model.period_label, [
        (r.area, str(r.respondents), r.note or "") for r in model.responses_table().itertuples()],
        each_source(model.sources))
        for model in wave_responses(store, area_code, latest_in_year)]


def build_annual_report(store: Store, area_code: str, year_text: str) -> AnnualReport:
    """The draft for an area's financial year."""
    tree = AreaTree(store.areas())
    if area_code not in tree:
        raise AnnualReportNotWritten(
            f"There is no area '{area_code}'. Use an area's code as on the "
            "Frameworks page, e.g. S12000049 for Glasgow City or CJP-AYR.")
    year = financial_year(year_text)
    area_name = tree.name(area_code)
    scorecard = build_scorecard(store, area_code)
    entries = _indicators(store, area_code, area_name, year)
    sources: set[str] = set()

    outcomes = []
    for card in scorecard.outcomes:
        held = [p for p in card.scores if p.period_start <= year.end]
        as_of_year = replace(card, scores=held)
        sources |= {p.source for p in held if p.source}
        outcomes.append(OutcomeSection(
            card.number, card.short_name, card.title, card.priority, card.priority_note,
            as_of_year.score_text(scorecard.scale), as_of_year.score_change_text(),
            [entries[t.indicator_id] for t in card.tiles]))
    in_outcomes = {t.indicator_id for card in scorecard.outcomes for t in card.tiles}
    higher_level = [e for i, e in entries.items() if i not in in_outcomes]
    sources |= {e.source for e in entries.values() if e.source and e.has_figure}

    evidence = []
    for item in scorecard.evidence:
        for note in item.notes.itertuples():
            if _overlaps(note.Date, year):
                evidence.append(EvidenceNote(item.text, item.outcome_number, note.Date,
                                             note.Evidence, _text(note.Source)))
                if _text(note.Source):
                    sources.add(note.Source)

    activities = build_statement(store, area_code, year.label, year.label)
    sources |= set(activities.sources)

    engagement = build_engagement(store, area_code, "year")
    figures, events, note = [], [], None
    if any(start == year.start for start, _ in engagement.periods):
        for tile in engagement.tiles(year.start):
            if tile.value is None:
                continue
            change = tile.change.text if tile.change.comparable else \
                "not compared: a year with months missing"
            figures.append(EngagementFigure(tile.name, tile.value_text + (
                f" ({tile.months} of 12 months)" if tile.partial else ""), change))
        events = [(e.Event, e.Month, analysis.format_value(e.Attendance, "count"))
                  for e in engagement.top_events(year.start, limit=50).itertuples()]
        note = engagement.source_note()
        sources |= set(each_source(engagement.sources))
    surveys = _surveys(store, area_code, year)
    sources |= {s for survey in surveys for s in survey.sources}
    quality = build_quality(store, area_code)
    grades = []
    for qi in quality.indicators:
        held = replace(qi, evaluations=[e for e in qi.evaluations if e.start <= year.end])
        if held.latest is not None:
            grades.append(QualityGrade(held.label, held.latest.date_label, held.change_text))
            if held.latest.source:
                sources.add(held.latest.source)
    return AnnualReport(area_code, area_name, year.label, outcomes, higher_level, evidence,
                        activities, figures, events, surveys, scorecard.scale, sorted(sources),
                        grades, note, small_number_threshold(store))


def report_years(store: Store, area_code: str) -> list[str]:
    """Financial years from the first national indicator figure held for the area (or, when it
    holds none, for its partnership or Scotland) to the latest, newest first: the years a
    report can be written for. A year with gaps is still offered; the report names them."""
    indicators = store.indicators()
    ids = list(indicators.loc[indicators["framework_id"] == FRAMEWORK, "indicator_id"])
    held = store.series(ids, AreaTree(store.areas()).lineage(area_code))
    if held.empty:
        return []
    first = financial_year_of(pd.Timestamp(held["period_start"].min()).date())
    last = financial_year_of(pd.Timestamp(held["period_end"].max()).date())
    years = [first]
    while years[-1].start < last.start:
        years.append(shift(years[-1], 1))
    return [y.label for y in reversed(years)]


# -- Markdown ----------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#+!|<>~$])")


def _md(text: object) -> str:
    """Text from users shown literally: no links, emphasis, HTML or broken table cells."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_md(h) for h in header) + " |",
             "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in rows]
    return lines + [""]


def indicator_rows(entry: IndicatorEntry) -> list[list[str]]:
    """The indicator's facts as (label, text) rows, shared by Word and Markdown."""
    rows = [["Figure", entry.figure_sentence]]
    if entry.has_figure:
        rows += [["Change on the year before", entry.previous_text],
                 ["Change from the baseline", entry.baseline_text],
                 ["Target", entry.target_text],
                 ["Status against target", entry.status],
                 ["Direction of travel", f"{entry.arrow} {entry.direction}"]]
    if entry.has_figure or entry.latest_before:
        source = entry.source or "Not recorded"
        rows.append(["Source", source + (f" ({entry.note})" if entry.note else "")])
    if entry.defined_in:
        rows.append(["Indicator defined in", entry.defined_in])
    return rows


def to_markdown(report: AnnualReport) -> str:
    """The draft as Markdown: the Word document's text and tables, without the charts."""
    demo = [f"*{DEMO_NOTE}*", ""] if report.illustrative else []
    lines = [f"# {_md(report.title)}", "", f"**{_md(report.area_name)}** · **Draft**", "",
             f"*{_md(DRAFT_NOTE)}*", "", *demo, _md(report.introduction), "",
             "## Summary of the national outcomes", ""]
    lines += _md_table(SUMMARY_COLUMNS, report.summary_rows())
    lines += ["## Part 1: Progress on the improvement plan's actions", "", *demo,
              "### Improvement Tool local evidence", ""]
    if report.evidence:
        lines += _md_table(EVIDENCE_COLUMNS, [e.row for e in report.evidence])
    else:
        lines += [f"No Improvement Tool evidence notes are held for {report.year_label}.", ""]
    lines += ["### Care Inspectorate self-evaluation", ""]
    if report.quality:
        lines += _md_table(QUALITY_COLUMNS, [[q.quality_indicator, q.when, q.grade]
                                             for q in report.quality])
    else:
        lines += [f"No quality-indicator self-evaluations are held up to {report.year_label}.",
                  ""]
    lines += ["### Engagement activities", "", _md(report.activities.summary), ""]
    for row in report.activities.rows:
        lines += [f"- **{_md(row.activity)}** ({_md('; '.join(row.details))}). Who was "
                  f"involved: {_md('; '.join(row.who))}." + (
                      f" Learning: {_md('; '.join(row.learning))}." if row.learning else "")]
    lines += ["", "## Part 2: National outcomes", "", *demo]
    for outcome in report.outcomes:
        lines += [f"### {_md(outcome.heading)}", ""]
        lines += [f"**Priority in the improvement plan:** {'yes' if outcome.priority else 'no'}"
                  + (f" ({_md(outcome.priority_note)})" if outcome.priority_note else ""), "",
                  f"**Self-assessment:** {_md(outcome.score_text)}"
                  + (f", {_md(outcome.score_change)}" if outcome.score_change else ""), ""]
        for entry in outcome.indicators:
            lines += _md_indicator(entry)
        lines += ["**Our judgement:** _to be written by the partnership._", ""]
    if report.higher_level:
        lines += ["### Higher-level indicator", ""]
        for entry in report.higher_level:
            lines += _md_indicator(entry)
    lines += ["## Engagement", "", *demo]
    lines += _md_engagement(report)
    if report.sources:
        lines += [f"*Sources: {_md('; '.join(report.sources))}.*", ""]
    return "\n".join(lines)


def _md_indicator(entry: IndicatorEntry) -> list[str]:
    return [f"#### {_md(entry.name)}", "", *_md_table(["", entry.year_label],
                                                      indicator_rows(entry))]


def _md_engagement(report: AnnualReport) -> list[str]:
    lines = []
    if report.engagement:
        lines += _md_table(["Measure", report.year_label, "Change"],
                           [[f.measure, f.value_text, f.change_text] for f in report.engagement])
    else:
        lines += [f"No engagement figures are held for {report.year_label}.", ""]
    if report.engagement_note:
        lines += [_md(report.engagement_note), ""]
    lines += [f"**Events:** {len(report.events)} with attendance recorded.", ""]
    if report.events:
        lines += _md_table(["Event", "Month", "Attendance"], [list(e) for e in report.events])
    lines += ["**Survey responses**", ""]
    if report.surveys:
        for survey in report.surveys:
            lines += [f"*{_md(survey.survey)}, {_md(survey.period)}*", ""]
            lines += _md_table(["Area", "Respondents", "Note"], [list(r) for r in survey.rows])
        lines += [_md(suppression_note(report)), ""]
    else:
        lines += [f"No survey responses are held for {report.year_label}.", ""]
    return lines


def suppression_note(report: AnnualReport) -> str:
    n = report.small_number_threshold
    return (f"Counts from 1 to {n - 1} are shown as <{n} and a count that would give one away "
            "is hidden, as on the Surveys page.")


# -- files ----------------------------------------------------------------------------------------
def render_report(store: Store, report: AnnualReport, suffix: str) -> bytes:
    suffix = suffix.lower()
    if suffix == ".docx":
        from .annual_report_docx import report_charts, to_docx

        return to_docx(report, report_charts(store, report))
    if suffix == ".md":
        return to_markdown(report).encode("utf-8")
    raise AnnualReportNotWritten(f"An annual report is written as .docx (Word) or .md (Markdown), "
                                 f"not '{suffix or 'no extension'}'. Change the output file's "
                                 "extension.")


def report_file(store: Store, area_code: str, year_text: str, suffix: str) -> bytes:
    """The report as file bytes (the page caches this)."""
    return render_report(store, build_annual_report(store, area_code, year_text), suffix)
