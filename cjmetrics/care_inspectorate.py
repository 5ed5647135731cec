"""The Care Inspectorate page's model: an area's quality-indicator self-evaluations over time.

Every quality indicator in the catalogue (in number order, 4.1 before 6.2 before 10.1) with the
area's evaluations oldest first: the grade on the six-point scale (words from the catalogue's
`ci_six_point` scale, so an edited label shows everywhere), the answers to the three questions,
the latest grade with its change since the evaluation before, and a tidy QI x date table for the
heatmap. Plain data, so the page only renders it and tests can check the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from .areas import AreaTree
from .config import is_illustrative
from .store import QI_EVALUATIONS, Store

SCALE_ID = "ci_six_point"
# Used only when the catalogue lacks the scale's rows (DOMAIN.md: the Care Inspectorate scale).
DEFAULT_SCALE = {6: "Excellent", 5: "Very good", 4: "Good", 3: "Adequate", 2: "Weak",
                 1: "Unsatisfactory"}
GOOD = 4  # "Good or better" in the page's summary
QUESTIONS = (("how_are_we_doing", "How are we doing?"),
             ("how_do_we_know", "How do we know?"),
             ("what_next", "What are we going to do next?"))
HEATMAP_COLUMNS = ["qi_id", "quality_indicator", "evaluation_start", "evaluation_end",
                   "evaluation", "grade", "grade_word"]


def grade_text(grade: int | None, scale: dict[int, str]) -> str:
    """"Good (4)"; "Not graded" for a missing grade."""
    if grade is None:
        return "Not graded"
    return f"{scale.get(grade, 'Grade')} ({grade})"


@dataclass(frozen=True)
class Evaluation:
    """One self-evaluation of one quality indicator."""

    qi_id: str
    start: date
    end: date
    date_label: str  # the period's label, e.g. "2 Jun 2025"
    grade: int | None
    grade_word: str
    how_are_we_doing: str = ""
    how_do_we_know: str = ""
    what_next: str = ""
    source: str = ""

    @property
    def grade_text(self) -> str:
        return f"{self.grade_word} ({self.grade})" if self.grade is not None else "Not graded"

    @property
    def answers(self) -> list[tuple[str, str]]:
        """(question, answer) for the three questions, in the guide's order."""
        return [(question, getattr(self, column)) for column, question in QUESTIONS]


@dataclass
class QualityIndicator:
    """A catalogue quality indicator with one area's evaluations, oldest first."""

    qi_id: str
    number: str
    title: str
    evaluations: list[Evaluation] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def evaluated(self) -> bool:
        return bool(self.evaluations)

    @property
    def latest(self) -> Evaluation | None:
        return self.evaluations[-1] if self.evaluations else None

    @property
    def previous(self) -> Evaluation | None:
        return self.evaluations[-2] if len(self.evaluations) > 1 else None

    @property
    def newest_first(self) -> list[Evaluation]:
        return self.evaluations[::-1]

    @property
    def change(self) -> str | None:
        """'up', 'down' or 'same' against the previous evaluation; 'first' for a first
        evaluation; None when never evaluated (or a grade is missing)."""
        latest, previous = self.latest, self.previous
        if latest is None or latest.grade is None:
            return None
        if previous is None:
            return "first"
        if previous.grade is None:
            return None
        return "up" if latest.grade > previous.grade else \
            "down" if latest.grade < previous.grade else "same"

    @property
    def delta_text(self) -> str | None:
        """The change in words, without the latest grade: "up from Adequate (3)"."""
        change, previous = self.change, self.previous
        if change in ("up", "down"):
            return f"{change} from {previous.grade_text}"
        if change == "same":
            return f"no change since {previous.date_label}"
        if change == "first":
            return "first evaluation"
        return None

    @property
    def change_text(self) -> str:
        """The latest grade and its change: "Good (4), up from Adequate (3)"."""
        latest = self.latest
        if latest is None:
            return "Not evaluated yet"
        change = self.change
        if change in ("up", "down"):
            return f"{latest.grade_text}, {self.delta_text}"
        if change == "same":
            return f"{latest.grade_text}, the same as at the previous evaluation"
        if change == "first":
            return f"{latest.grade_text}, the first evaluation"
        return latest.grade_text


@dataclass
class QualityModel:
    area_code: str
    area_name: str
    scale: dict[int, str]  # grade -> word, 6 Excellent ... 1 Unsatisfactory
    indicators: list[QualityIndicator]
    dates: list[tuple[date, date, str]]  # every evaluation date of the area, oldest first
    heatmap: pd.DataFrame  # tidy: one row per quality indicator x evaluation date
    sources: str = ""

    @property
    def has_evaluations(self) -> bool:
        return any(qi.evaluated for qi in self.indicators)

    @property
    def evaluated(self) -> list[QualityIndicator]:
        return [qi for qi in self.indicators if qi.evaluated]

    @property
    def not_evaluated(self) -> list[QualityIndicator]:
        return [qi for qi in self.indicators if not qi.evaluated]

    @property
    def illustrative(self) -> bool:
        return is_illustrative(self.sources)

    @property
    def period_range(self) -> tuple[str, str] | None:
        return (self.dates[0][2], self.dates[-1][2]) if self.dates else None

    @property
    def scale_text(self) -> str:
        """"6 Excellent · 5 Very good · ... · 1 Unsatisfactory"."""
        return " · ".join(f"{grade} {word}" for grade, word in
                          sorted(self.scale.items(), reverse=True))

    def summary(self) -> str:
        """The heatmap's one-sentence text alternative."""
        total = len(self.indicators)
        noun = "quality indicator" if total == 1 else "quality indicators"
        if not self.has_evaluations:
            return (f"{self.area_name}: no quality-indicator self-evaluations held yet "
                    f"({total} {noun} in the catalogue).")
        evaluated = self.evaluated
        good_word = self.scale.get(GOOD, "Good")
        good = sum(1 for qi in evaluated if qi.latest.grade is not None
                   and qi.latest.grade >= GOOD)
        latest_dates = sorted({(qi.latest.start, qi.latest.date_label) for qi in evaluated})
        when = (f"at the latest evaluation ({latest_dates[0][1]})" if len(latest_dates) == 1
                else f"at their latest evaluations ({latest_dates[0][1]} to "
                     f"{latest_dates[-1][1]})")
        text = f"{self.area_name}: {good} of {total} {noun} graded {good_word} or better {when}"
        changes = [qi.change for qi in evaluated]
        moves = [f"{changes.count(kind)} {word}" for kind, word in
                 (("up", "up"), ("down", "down"), ("same", "unchanged")) if changes.count(kind)]
        if moves:
            text += f"; against the evaluation before, {', '.join(moves)}"
        missing = len(self.not_evaluated)
        if missing:
            text += f"; {missing} not evaluated yet"
        return text + "."

    def table(self) -> pd.DataFrame:
        """The numbers behind the heatmap, in words a lead reads."""
        return pd.DataFrame({
            "Quality indicator": self.heatmap["quality_indicator"],
            "Evaluation": self.heatmap["evaluation"],
            "Grade": self.heatmap["grade"],
            "Grade word": self.heatmap["grade_word"].where(self.heatmap["grade"].notna(),
                                                           "Not evaluated"),
        })


def number_key(number: str) -> tuple:
    """QI numbers sort as numbers: 4.1 < 6.2 < 10.1; anything unexpected goes last, by text."""
    parts = str(number).split(".")
    if all(p.isdigit() for p in parts):
        return (0, tuple(int(p) for p in parts), "")
    return (1, (), str(number))


def _text(value) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def grade_scale(store: Store) -> dict[int, str]:
    """The six-point scale's words from the catalogue (grade -> word)."""
    rows = store.catalogue_table("scales")
    rows = rows[rows["scale_id"] == SCALE_ID]
    scale = {int(value): str(label) for value, label in zip(rows["value"], rows["label"])}
    return scale or dict(DEFAULT_SCALE)


def build_quality(store: Store, area_code: str) -> QualityModel:
    """Every quality indicator with the area's self-evaluations, latest grades and heatmap."""
    tree = AreaTree(store.areas())
    scale = grade_scale(store)
    catalogue = store.catalogue_table("quality_indicators")
    catalogue = catalogue.assign(order=catalogue["number"].map(number_key)) \
        .sort_values(["order", "qi_id"])
    rows = store.current(QI_EVALUATIONS, [area_code])
    rows = rows.sort_values(["period_start", "period_end"]).reset_index(drop=True)

    indicators: dict[str, QualityIndicator] = {
        r.qi_id: QualityIndicator(r.qi_id, _text(r.number), _text(r.title))
        for r in catalogue.itertuples()}
    for r in rows.itertuples():
        qi = indicators.get(r.qi_id)
        if qi is None:  # an evaluation of a QI since removed from the catalogue: still shown
            qi = indicators[r.qi_id] = QualityIndicator(r.qi_id, r.qi_id, "")
        grade = None if pd.isna(r.grade) else int(round(float(r.grade)))
        qi.evaluations.append(Evaluation(
            r.qi_id, pd.Timestamp(r.period_start).date(), pd.Timestamp(r.period_end).date(),
            _text(r.period_label), grade, scale.get(grade, "") if grade is not None else "",
            _text(r.how_are_we_doing), _text(r.how_do_we_know), _text(r.what_next),
            _text(r.source)))

    dates = sorted({(e.start, e.end, e.date_label)
                    for qi in indicators.values() for e in qi.evaluations},
                   key=lambda d: (d[0], d[1]))
    # One column per (start, end): a relabelled period keeps a single column.
    dates = list({(d[0], d[1]): d for d in dates}.values())
    cells = []
    for qi in indicators.values():
        by_date = {(e.start, e.end): e for e in qi.evaluations}
        for start, end, label in dates:
            e = by_date.get((start, end))
            cells.append((qi.qi_id, qi.label, start, end, label,
                          None if e is None else e.grade, "" if e is None else e.grade_word))
    heatmap = pd.DataFrame(cells, columns=HEATMAP_COLUMNS)
    heatmap["grade"] = heatmap["grade"].astype("Int64")
    sources = "; ".join(dict.fromkeys(e.source for qi in indicators.values()
                                      for e in qi.evaluations if e.source))
    return QualityModel(area_code, tree.name(area_code), scale, list(indicators.values()),
                        dates, heatmap, sources)
