"""Upload templates: the columns a kind of file has, and where its rows are stored.

A template is data, not code: the pipeline validates any template's columns by their kind
(indicator, area, period, number, text), so a later kind of upload (survey responses, activities,
quality-indicator grades) is added by registering a Template, without touching the pipeline.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .. import config
from ..store import (
    ANNOTATIONS,
    EVIDENCE_NOTES,
    INDICATOR_EDITS,
    OBSERVATIONS,
    PRIORITY_OUTCOMES,
    QI_EVALUATIONS,
    SELF_ASSESSMENTS,
    SETTINGS,
    SURVEY_ANSWERS,
    SURVEY_INVITATIONS,
    TARGETS,
    RevisedTable,
)

TEMPLATE_DIR = config.DATA_DIR / "templates"


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # indicator | area | period | number | text
    required: bool
    description: str
    example: str = ""
    aliases: tuple[str, ...] = ()
    in_indicator_unit: bool = False  # a figure in the indicator's unit (64%, 0.64 or 64)
    bounds: tuple[float, float] | str | None = None  # allowed range, or a scale id in scales.csv
    share: bool = False  # a share of target: 90% or 90 or 0.9 are all stored as 0.9

    @property
    def prefix(self) -> str:
        """Periods fill <prefix>_start, _end, _label: 'period' or 'baseline' for baseline_period."""
        return self.name[: -len("_period")] if self.name.endswith("_period") else self.name

    def output(self) -> str:
        from .resolve import LOOKUPS

        return (LOOKUPS.get(self.kind, (None, None))[1]) or self.name


@dataclass(frozen=True)
class Rule:
    """A check on one canonical row: where `condition` holds, a problem is reported."""

    severity: str
    column: str
    condition: str
    value: str  # SQL for the cell shown
    problem: str  # SQL for the sentence
    fix: str  # SQL for what to do


@dataclass(frozen=True)
class Template:
    kind: str  # also the import kind recorded in the history
    title: str
    description: str
    columns: tuple[Column, ...]
    table: RevisedTable
    # A row whose cell in this column is blank is skipped, with a warning.
    skip_when_missing: str | None = None
    allows_wide: bool = False  # one column per period may replace period + value
    rules: tuple = ()  # extra pipeline.Rule checks particular to this kind of file
    primary: bool = True  # offered in "does not have the columns" messages when not named
    # Checks that need the store's definitions (surveys: which options a question has): called
    # with (store, staging cursor) once `canon` exists; may update it, returns problem SELECTs.
    refine: Callable | None = None

    @property
    def file_name(self) -> str:
        return f"{self.kind}.csv"

    @property
    def path(self) -> Path:
        return TEMPLATE_DIR / self.file_name

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def header_line(self) -> str:
        return ",".join(c.name for c in self.columns)


_INDICATOR = Column("indicator", "indicator", True,
                    "Indicator id or name, as on the Frameworks page",
                    "ndo1_diversion_completed", ("indicator id", "indicator name", "measure"))
AREA_COLUMN = Column("area", "area", True, "GSS code or area name (Glasgow, S12000049)",
                     "Glasgow City", ("area code", "area name", "gss code", "council",
                                      "local authority", "featurecode", "feature code",
                                      "geography"))
NOTE_COLUMN = Column("note", "text", False, "Anything a reader should know about the figure",
                     "Includes late returns", ("notes", "comment", "comments"))
SOURCE_COLUMN = Column("source", "text", False, "Where the figure comes from",
                       "Partnership records", ("data source",))

INDICATOR_VALUES = Template(
    "indicator_values", "Indicator values",
    "One row per figure: an indicator's value for an area and period. Percentages may be written "
    "64%, 64 or 0.64. A wide layout (one column per period) is also accepted.",
    (
        _INDICATOR, AREA_COLUMN,
        Column("period", "period", True,
               "2023/24, Q1 2024/25, Mar 2024, 2024-03 or a date such as 01/04/2024", "2023/24",
               ("year", "financial year", "date", "month", "quarter", "datecode", "date code")),
        Column("value", "number", True, "The figure", "245", ("figure", "amount", "count"),
               in_indicator_unit=True),
        Column("numerator", "number", False, "For a percentage: the count it is of", ""),
        Column("denominator", "number", False, "For a percentage: the total it is out of", ""),
        Column("lower", "number", False, "Lower bound of a confidence interval", "",
               ("lower bound", "lower ci", "lower confidence limit", "lci"),
               in_indicator_unit=True),
        Column("upper", "number", False, "Upper bound of a confidence interval", "",
               ("upper bound", "upper ci", "upper confidence limit", "uci"),
               in_indicator_unit=True),
        Column("breakdown", "text", False,
               "Blank for the total, or a part of it such as channel:Facebook", "",
               ("channel", "group", "category")),
        NOTE_COLUMN, SOURCE_COLUMN,
    ),
    OBSERVATIONS, skip_when_missing="value", allows_wide=True,
)

TARGETS_TEMPLATE = Template(
    "targets", "Targets and baselines",
    "One row per indicator and area: where it started (baseline) and where it should be by when "
    "(target).",
    (
        _INDICATOR, AREA_COLUMN,
        Column("baseline_period", "period", False, "Period of the baseline figure", "2019/20",
               ("baseline year",)),
        Column("baseline_value", "number", False, "The baseline figure", "260", ("baseline",),
               in_indicator_unit=True),
        Column("target_period", "period", True, "Period the target is for", "2025/26",
               ("target year", "by")),
        Column("target_value", "number", True, "The target figure", "300", ("target",),
               in_indicator_unit=True),
        NOTE_COLUMN, SOURCE_COLUMN,
    ),
    TARGETS,
)

ANNOTATIONS_TEMPLATE = Template(
    "annotations", "Notes on the charts",
    "The story behind the curve: a note pinned to an indicator, area and period.",
    (
        _INDICATOR, AREA_COLUMN,
        Column("period", "period", True, "The period the note is about", "2020/21"),
        Column("text", "text", True, "The note", "Courts paused during Covid-19 restrictions",
               ("annotation", "story", "note", "notes")),
        SOURCE_COLUMN,
    ),
    ANNOTATIONS,
)

_OUTCOME = Column("outcome", "outcome", True, "National outcome number (1 to 9), id or title",
                  "4", ("national outcome", "ndo", "outcome number"))
_SESSION = Column("period", "period", True,
                  "When the session or evaluation took place: a date, month or year",
                  "12/03/2024", ("date", "session", "session date", "evaluation date", "when"))

SELF_ASSESSMENTS_TEMPLATE = Template(
    "self_assessments", "Outcome self-assessments",
    "The partnership's own score for a national outcome at a self-assessment session (e.g. 7, "
    "then 8 a year later). The scale is set in the catalogue (self_assessment, 1 to 10).",
    (
        _OUTCOME, AREA_COLUMN, _SESSION,
        Column("score", "number", True, "The score the partnership gave itself", "7",
               ("self assessment", "self-assessment score", "rating"), bounds="self_assessment"),
        NOTE_COLUMN, SOURCE_COLUMN,
    ),
    SELF_ASSESSMENTS,
)

QI_EVALUATIONS_TEMPLATE = Template(
    "qi_evaluations", "Quality-indicator evaluations",
    "A self-evaluation against a Care Inspectorate quality indicator: its grade on the six-point "
    "scale and the answers to the three questions.",
    (
        Column("quality_indicator", "qi", True, "Quality indicator number or title", "4.1",
               ("qi", "quality indicator number")),
        AREA_COLUMN, _SESSION,
        Column("grade", "grade", True, "6 Excellent, 5 Very good, 4 Good, 3 Adequate, 2 Weak, "
               "1 Unsatisfactory (number or word)", "4", ("evaluation", "grade awarded")),
        Column("how_are_we_doing", "text", False, "How are we doing?", "",
               ("how are we doing?",)),
        Column("how_do_we_know", "text", False, "How do we know?", "", ("how do we know?",)),
        Column("what_next", "text", False, "What are we going to do next?", "",
               ("what are we going to do next", "what are we going to do next?", "next steps")),
        SOURCE_COLUMN,
    ),
    QI_EVALUATIONS,
)

PRIORITIES_TEMPLATE = Template(
    "priority_outcomes", "Improvement plan priorities",
    "Which national outcomes the area's improvement plan (CJOIP) names as priorities.",
    (
        AREA_COLUMN, _OUTCOME,
        Column("priority", "flag", True, "yes or no", "yes", ("is priority", "cjoip priority")),
        NOTE_COLUMN,
    ),
    PRIORITY_OUTCOMES,
)

EVIDENCE_TEMPLATE = Template(
    "evidence_notes", "Improvement Tool evidence",
    "The partnership's local evidence for an Improvement Tool item, with its date.",
    (
        Column("item", "item", True, "The Improvement Tool item (its wording or number)", "1",
               ("improvement tool item", "evidence item")),
        AREA_COLUMN, _SESSION,
        Column("note", "text", True, "The evidence", "Joint stigma campaign with ADP",
               ("evidence", "notes")),
        SOURCE_COLUMN,
    ),
    EVIDENCE_NOTES,
)

INDICATOR_EDITS_TEMPLATE = Template(
    "indicator_edits", "Indicator wording and bands",
    "Correct the wording of a catalogue indicator, set its own status bands, or add a local "
    "indicator (a new id with its name, unit, direction and period type).",
    (
        Column("indicator_id", "key", True, "The indicator's id: an existing one to edit, or a "
               "new one for a local indicator", "local_peer_mentors", ("id",)),
        Column("name", "text", False, "Full name", "People supported by peer mentors"),
        Column("short_name", "text", False, "Name on tiles (about 30 characters)",
               "Peer mentoring"),
        Column("outcome", "outcome", False, "National outcome it serves (1 to 9)", "4"),
        Column("unit", "unit", False, "count, percent, rate, score or grade", "count"),
        Column("polarity", "polarity", False, "higher or lower (which is better)", "higher",
               ("better when", "direction")),
        Column("period_type", "period_type", False,
               "financial year, quarter, month, calendar year or survey year", "financial year"),
        Column("source", "text", False, "Where its figures come from", "Partnership records"),
        Column("description", "text", False, "What it measures", ""),
        Column("rag_green", "number", False,
               "On track at this share of target or better (e.g. 100%)", "100%",
               ("green from", "green"), bounds=(0, 5), share=True),
        Column("rag_amber", "number", False,
               "Close to target at this share or better (e.g. 90%)", "90%",
               ("amber from", "amber"), bounds=(0, 5), share=True),
    ),
    INDICATOR_EDITS,
    primary=False,
    rules=(
        Rule("error", "name",
             "indicator_id NOT IN (SELECT indicator_id FROM indicator_units) AND "
             "(name IS NULL OR unit IS NULL OR polarity IS NULL OR period_type IS NULL)",
             "_raw_indicator_id",
             "'''' || indicator_id || ''' is a new indicator: it needs a name, unit, "
             "polarity and period type.'",
             "'Fill those in, or use the id of an existing indicator to edit it.'"),
        Rule("error", "rag_amber", "rag_amber > rag_green", "_raw_rag_amber",
             "'The amber band starts above the green one.'",
             "'Amber (close to target) must start at or below green (on track).'"),
    ),
)

SETTINGS_TEMPLATE = Template(
    "settings", "Settings",
    "Partnership-wide settings, e.g. rag_green and rag_amber: the default status bands as a "
    "share of target; revision_factor: a revision moving a figure by more than this many times "
    "(default 2) must be confirmed before import; small_number_threshold: survey counts below "
    "it (default 5) are shown as \"<5\", never as the number.",
    (
        Column("key", "text", True, "The setting", "rag_green", ("setting",)),
        Column("value", "text", True, "Its value", "1.0"),
    ),
    SETTINGS,
    primary=False,
    rules=(  # surveys: the small-number threshold is a whole number of people
        Rule("error", "value",
             "key = 'small_number_threshold' AND coalesce(TRY_CAST(value AS DOUBLE) < 1 OR "
             "TRY_CAST(value AS DOUBLE) <> floor(TRY_CAST(value AS DOUBLE)), true)",
             "_raw_value",
             "'''' || coalesce(_raw_value, '') || ''' is not a whole number of people.'",
             "'Give the small-number threshold as a whole number such as 5 or 10.'"),
        Rule("error", "value",
             "key = 'revision_factor' AND coalesce(TRY_CAST(value AS DOUBLE) <= 1, true)",
             "_raw_value",
             "'''' || coalesce(_raw_value, '') || ''' is not a factor above 1.'",
             "'Give the revision factor as a number above 1, such as 2 (a figure doubled or "
             "halved).'"),
    ),

)

# -- surveys --
from .survey_rules import refine_survey_answers  # noqa: E402 - needs Column and Rule above

_SURVEY = Column("survey", "survey", True, "Survey id or name, as on the Surveys page",
                 "third_sector", ("survey id", "survey name", "questionnaire"))
_SURVEY_PERIOD = Column("period", "period", True,
                        "When the survey ran: a year, financial year, month or date", "2015/16",
                        ("survey period", "year", "date", "wave"))

SURVEY_ANSWERS_TEMPLATE = Template(
    "survey_answers", "Survey answers",
    "One row per respondent and question (and per row of a matrix question): the respondent's "
    "anonymous id, never a name or e-mail address; the answer as the option's wording, its "
    "number in the list or its id; several options of a multiple-choice question separated "
    "by ';'.",
    (
        _SURVEY, AREA_COLUMN, _SURVEY_PERIOD,
        Column("respondent", "text", True,
               "An anonymous respondent id, the same on each of the respondent's rows "
               "(e.g. the survey tool's response number)", "R017",
               ("respondent id", "respondent_id", "response id", "response number")),
        Column("question", "text", True, "Question number (Q5), id or wording", "Q5",
               ("question id", "question number", "question text")),
        Column("item", "text", False,
               "For a matrix question, its row (e.g. Police Scotland); blank otherwise",
               "Police Scotland", ("matrix row", "sub item", "sub-item", "row", "partner")),
        Column("answer", "text", True,
               "The option chosen (wording, number or id), several separated by ';', or the "
               "text of a free-text answer", "Consult", ("response", "value", "choice")),
        SOURCE_COLUMN,
    ),
    SURVEY_ANSWERS, skip_when_missing="answer", refine=refine_survey_answers,
)

SURVEY_INVITATIONS_TEMPLATE = Template(
    "survey_invitations", "Survey invitations",
    "How many people or organisations were invited to a survey in an area, so the Surveys page "
    "can show response rates.",
    (
        _SURVEY, AREA_COLUMN, _SURVEY_PERIOD,
        Column("invited", "number", True, "The number invited", "40",
               ("number invited", "invitations", "sent", "sample size")),
        NOTE_COLUMN, SOURCE_COLUMN,
    ),
    SURVEY_INVITATIONS,
    rules=(
        Rule("error", "invited", "invited < 0 OR invited <> floor(invited)", "_raw_invited",
             "'''' || trim(_raw_invited) || ''' is not a whole number of people.'",
             "'Write the number invited as a whole number, e.g. 40.'"),
    ),
)
SURVEY_TEMPLATES = (SURVEY_ANSWERS_TEMPLATE, SURVEY_INVITATIONS_TEMPLATE)
# -- end surveys --

TEMPLATES: dict[str, Template] = {}


# What one row of each kind is, for the Upload page's counts and button ("Import 40 answers").
ROW_NOUNS = {
    "targets": ("target", "targets"), "annotations": ("note", "notes"),
    "self_assessments": ("rating", "ratings"), "qi_evaluations": ("evaluation", "evaluations"),
    "priority_outcomes": ("priority", "priorities"),
    "evidence_notes": ("evidence note", "evidence notes"),
    "indicator_edits": ("indicator", "indicators"), "settings": ("setting", "settings"),
    "survey_answers": ("answer", "answers"),
    "survey_invitations": ("invitation count", "invitation counts"),
    "social_posts": ("post", "posts"), "engagement_activities": ("activity", "activities"),
    "service_stages": ("stage assessment", "stage assessments"),
    "stage_names": ("stage name", "stage names"),
}


def row_noun(kind: str, count: int) -> str:
    """'figure' or 'figures' (or the kind's own word) for `count` rows."""
    one, many = ROW_NOUNS.get(kind, ("figure", "figures"))
    return one if count == 1 else many


def register(template: Template) -> Template:
    """Add a kind of upload. Later features call this with their own templates."""
    TEMPLATES[template.kind] = template
    return template


for _template in (INDICATOR_VALUES, TARGETS_TEMPLATE, ANNOTATIONS_TEMPLATE,
                  SELF_ASSESSMENTS_TEMPLATE, QI_EVALUATIONS_TEMPLATE, PRIORITIES_TEMPLATE,
                  EVIDENCE_TEMPLATE, INDICATOR_EDITS_TEMPLATE, SETTINGS_TEMPLATE,
                  *SURVEY_TEMPLATES):
    register(_template)


def example_row(kind: str) -> dict[str, str]:
    """The template's example row: column -> what a filled-in cell looks like."""
    return {c.name: c.example for c in TEMPLATES[kind].columns}


def template_bytes(kind: str) -> bytes:
    """The downloadable template: the header row (as in data/templates/) and one example row,
    which an upload leaves out if it is still there unchanged."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(example_row(kind).values())
    return TEMPLATES[kind].path.read_bytes().rstrip(b"\r\n") + b"\n" + buffer.getvalue().encode()
