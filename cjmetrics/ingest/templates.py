"""Upload templates: the columns a kind of file has, and where its rows are stored.

A template is data, not code: the pipeline validates any template's columns by their kind
(indicator, area, period, number, text), so a later kind of upload (survey responses, activities,
quality-indicator grades) is added by registering a Template, without touching the pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..store import ANNOTATIONS, OBSERVATIONS, TARGETS, RevisedTable

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

    @property
    def prefix(self) -> str:
        """Periods fill <prefix>_start, _end, _label: 'period' or 'baseline' for baseline_period."""
        return self.name[: -len("_period")] if self.name.endswith("_period") else self.name

    def output(self) -> str:
        return {"indicator": "indicator_id", "area": "area_code"}.get(self.kind, self.name)


@dataclass(frozen=True)
class Template:
    kind: str  # also the import kind recorded in the history
    title: str
    description: str
    columns: tuple[Column, ...]
    table: RevisedTable
    skip_when_missing: str | None = None  # a row whose cell here is blank is skipped, with a warning
    allows_wide: bool = False  # one column per period may replace period + value

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
_AREA = Column("area", "area", True, "GSS code or area name (Glasgow, S12000049)", "Glasgow City",
               ("area code", "area name", "gss code", "council", "local authority",
                "featurecode", "feature code", "geography"))
_NOTE = Column("note", "text", False, "Anything a reader should know about the figure",
               "Includes late returns", ("notes", "comment", "comments"))
_SOURCE = Column("source", "text", False, "Where the figure comes from",
                 "Partnership records", ("data source",))

INDICATOR_VALUES = Template(
    "indicator_values", "Indicator values",
    "One row per figure: an indicator's value for an area and period. Percentages may be written "
    "64%, 64 or 0.64. A wide layout (one column per period) is also accepted.",
    (
        _INDICATOR, _AREA,
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
        _NOTE, _SOURCE,
    ),
    OBSERVATIONS, skip_when_missing="value", allows_wide=True,
)

TARGETS_TEMPLATE = Template(
    "targets", "Targets and baselines",
    "One row per indicator and area: where it started (baseline) and where it should be by when "
    "(target).",
    (
        _INDICATOR, _AREA,
        Column("baseline_period", "period", False, "Period of the baseline figure", "2019/20",
               ("baseline year",)),
        Column("baseline_value", "number", False, "The baseline figure", "260", ("baseline",),
               in_indicator_unit=True),
        Column("target_period", "period", True, "Period the target is for", "2025/26",
               ("target year", "by")),
        Column("target_value", "number", True, "The target figure", "300", ("target",),
               in_indicator_unit=True),
        _NOTE, _SOURCE,
    ),
    TARGETS,
)

ANNOTATIONS_TEMPLATE = Template(
    "annotations", "Notes on the charts",
    "The story behind the curve: a note pinned to an indicator, area and period.",
    (
        _INDICATOR, _AREA,
        Column("period", "period", True, "The period the note is about", "2020/21"),
        Column("text", "text", True, "The note", "Courts paused during Covid-19 restrictions",
               ("annotation", "story", "note", "notes")),
        _SOURCE,
    ),
    ANNOTATIONS,
)

TEMPLATES: dict[str, Template] = {}


def register(template: Template) -> Template:
    """Add a kind of upload. Later features call this with their own templates."""
    TEMPLATES[template.kind] = template
    return template


for _template in (INDICATOR_VALUES, TARGETS_TEMPLATE, ANNOTATIONS_TEMPLATE):
    register(_template)


def template_bytes(kind: str) -> bytes:
    """The downloadable template: the header row, as in data/templates/."""
    return TEMPLATES[kind].path.read_bytes()
