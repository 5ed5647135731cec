"""The Surveys page's model: one survey's responses and answers for an area and its councils.

The store counts (SQL); this module turns counts into shares with Wilson 95% intervals and
applies small-number suppression BEFORE anything leaves it: every table a page, chart or
download receives is already suppressed. A count from 1 to threshold-1 is shown as "<5" (the
threshold is the `small_number_threshold` setting, 5 by default) and every share or interval
derived from it is blank. In a distribution whose answers add up to its base (one answer per
respondent), a lone suppressed cell would be given away by the base minus the others, so the
next smallest cell is hidden too ("hidden"). Raw counts stay in private fields.

Differencing across areas (a partnership's total minus its other councils) is not prevented.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .analysis import wilson_interval
from .areas import SCOTLAND, AreaTree
from .store import Store

DEFAULT_THRESHOLD = 5
THRESHOLD_KEY = "small_number_threshold"
HIDDEN = "hidden"  # a cell hidden so a suppressed neighbour cannot be worked out
TYPE_WORDS = {"single": "single choice", "multiple": "multiple choice (tick all that apply)",
              "matrix": "matrix (one answer per row)", "likert": "agree/disagree scale",
              "free_text": "free text"}
ONE_ANSWER = ("single", "likert", "matrix")

DISTRIBUTION_COLUMNS = ["area", "question", "row", "answer", "respondents", "answered",
                        "percent", "ci_lower", "ci_upper", "note"]


def small_number_threshold(store: Store) -> int:
    """The suppression threshold from the settings (key small_number_threshold), default 5."""
    raw = store.settings().get(THRESHOLD_KEY)
    try:
        value = int(float(raw))
    except (TypeError, ValueError):
        return DEFAULT_THRESHOLD
    return value if value >= 1 else DEFAULT_THRESHOLD


def shown(count: float | None, threshold: int) -> object:
    """A count fit to show: "<5" below the threshold (zero is shown: it identifies nobody)."""
    if count is None or (isinstance(count, float) and np.isnan(count)):
        return None
    if 0 < count < threshold:
        return f"<{threshold}"
    return int(count)


def area_groups(tree: AreaTree, area_code: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The areas to show for a chosen area (a partnership first, then its councils) and the
    (group, member) pairs that make each: a partnership is the sum of its councils."""
    children = [c for c in tree.children(area_code) if area_code != SCOTLAND]
    if not children:
        return [area_code], [(area_code, area_code)]
    # A partnership's own rows (if any were uploaded for it) count towards it as well.
    pairs = [(area_code, area_code)] + [(area_code, c) for c in children] + \
        [(c, c) for c in children]
    return [area_code, *children], pairs


@dataclass
class Survey:
    survey_id: str
    name: str
    source: str
    description: str
    kind: str  # instrument | example


@dataclass
class SurveyModel:
    """One survey for one area (and its councils) in one period, suppressed for display."""

    survey: Survey
    area_code: str
    area_name: str
    areas: list[tuple[str, str]]  # (code, name) in display order
    period_label: str | None
    periods: list[str]
    threshold: int
    questions: pd.DataFrame  # survey_questions rows, in order
    options: pd.DataFrame
    items: pd.DataFrame
    sources: str
    _responses: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    _counts: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)
    _free_text: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)

    # -- what there is ------------------------------------------------------------------------
    @property
    def has_answers(self) -> bool:
        return bool(len(self._responses)) and bool(self._responses["respondents"].sum())

    @property
    def illustrative(self) -> bool:
        return "illustrative" in self.sources.lower()

    @property
    def subtitle(self) -> str:
        return self.subtitle_for([name for _, name in self.areas])

    def subtitle_for(self, area_names: list[str]) -> str:
        parts = [", ".join(area_names), self.period_label or "",
                 f"Source: {self.sources}" if self.sources else ""]
        return " · ".join(p for p in parts if p)

    def question(self, question_id: str) -> dict:
        row = self.questions[self.questions["question_id"] == question_id]
        if row.empty:
            raise KeyError(question_id)
        return row.iloc[0].to_dict()

    def question_label(self, question_id: str) -> str:
        q = self.question(question_id)
        return f"{q['number']} {q['text']}"

    def choice_questions(self) -> list[str]:
        return list(self.questions.loc[self.questions["type"] != "free_text", "question_id"])

    def free_text_questions(self) -> list[str]:
        return list(self.questions.loc[self.questions["type"] == "free_text", "question_id"])

    # -- responses ----------------------------------------------------------------------------
    def responses_table(self) -> pd.DataFrame:
        """Per area: respondents, invited, response rate with its Wilson 95% interval."""
        rows = []
        names = dict(self.areas)
        for code, name in self.areas:
            r = self._responses[self._responses["area_code"] == code]
            n = float(r["respondents"].sum()) if len(r) else 0.0
            invited = float(r["invited"].iloc[0]) if len(r) and pd.notna(r["invited"].iloc[0]) \
                else None
            small = 0 < n < self.threshold
            rate = lo = hi = None
            if invited and not small and n <= invited:
                rate = 100 * n / invited
                lo, hi = (100 * v for v in wilson_interval(n, invited))
            note = ""
            if small:
                note = f"Fewer than {self.threshold} respondents: the number is not shown."
            elif invited is None:
                note = "Number invited not known."
            elif n > invited:
                note = "More respondents than invitations: check the number invited."
            rows.append({"area": names[code], "period": self.period_label or "",
                         "respondents": shown(n, self.threshold),
                         "invited": None if invited is None else int(invited),
                         "response_rate_percent": _round(rate), "ci_lower": _round(lo),
                         "ci_upper": _round(hi), "note": note})
        return pd.DataFrame(rows, columns=["area", "period", "respondents", "invited",
                                           "response_rate_percent", "ci_lower", "ci_upper",
                                           "note"])

    def responses_summary(self) -> str:
        table = self.responses_table()
        if table.empty:
            return ""
        first = table.iloc[0]
        text = (f"{first['area']}: {first['respondents']} respondents to the "
                f"{self.survey.name}" + (f" in {self.period_label}" if self.period_label else ""))
        if first["response_rate_percent"] is not None and pd.notna(first["response_rate_percent"]):
            text += (f", a response rate of {first['response_rate_percent']:.0f}% of "
                     f"{first['invited']} invited (95% interval {first['ci_lower']:.0f}% to "
                     f"{first['ci_upper']:.0f}%)")
        return text + "."

    # -- distributions ------------------------------------------------------------------------
    def distribution(self, question_id: str, item_id: str | None = None) -> pd.DataFrame:
        """Per area and option (and matrix row): respondents ("<5" when small), those who
        answered, the share with its Wilson 95% interval (blank when suppressed)."""
        q = self.question(question_id)
        counts = self._counts[self._counts["question_id"] == question_id]
        if item_id is not None:
            counts = counts[counts["item_id"] == item_id]
        items = dict(zip(self.items["item_id"], self.items["label"]))
        order = dict(zip(self.items["item_id"], self.items["position"]))
        counts = counts.assign(_order=counts["item_id"].map(order).fillna(0)).sort_values(
            ["_order", "position"], kind="stable")
        frames = []
        for code, name in self.areas:
            mine = counts[counts["area_code"] == code]
            for item, cells in mine.groupby("item_id", sort=False):
                frames.append(self._suppress(cells, q["type"]).assign(
                    area=name, row=items.get(item, ""), area_code=code, item_id=item))
        if not frames:
            return pd.DataFrame(columns=DISTRIBUTION_COLUMNS + ["area_code", "item_id",
                                                                "option_id", "score"])
        out = pd.concat(frames, ignore_index=True)
        out["question"] = q["number"]
        return out[DISTRIBUTION_COLUMNS + ["area_code", "item_id", "option_id", "score"]]

    def _suppress(self, cells: pd.DataFrame, kind: str) -> pd.DataFrame:
        t = self.threshold
        n = cells["n"].astype(float).to_numpy()
        base = float(cells["base"].iloc[0])
        small = (n > 0) & (n < t)
        hidden = np.zeros(len(n), dtype=bool)
        base_small = 0 < base < t
        if base_small:
            small = n > 0
        elif kind in ONE_ANSWER and small.sum() == 1:
            # Base minus the others would give the suppressed cell back: hide one more.
            others = np.where(~small & (n > 0), n, np.inf)
            if np.isfinite(others.min()):
                hidden[int(np.argmin(others))] = True
        masked = small | hidden | base_small
        lo, hi = wilson_interval(n, np.full(len(n), base)) if base > 0 else (n * np.nan,) * 2
        pct = np.where(base > 0, 100 * n / max(base, 1), np.nan)
        notes = np.where(small, f"Fewer than {t}: not shown", np.where(
            hidden, f"Hidden so the cell with fewer than {t} cannot be worked out", ""))
        if base_small:
            notes = np.full(len(n), f"Fewer than {t} answered: shares not shown")
        return pd.DataFrame({
            "answer": list(cells["short_label"].fillna(cells["label"])),
            "option_id": list(cells["option_id"]),
            "score": list(cells["score"]),
            "respondents": [f"<{t}" if s else HIDDEN if h else int(v)
                            for v, s, h in zip(n, small, hidden)],
            "answered": shown(base, t),
            "percent": [None if m else _round(p) for p, m in zip(pct, masked)],
            "ci_lower": [None if m else _round(100 * v) for v, m in zip(lo, masked)],
            "ci_upper": [None if m else _round(100 * v) for v, m in zip(hi, masked)],
            "note": list(notes),
        })

    def distribution_summary(self, question_id: str, table: pd.DataFrame) -> str:
        """The most chosen answer in the first area, with its share and interval."""
        if table.empty:
            return "No answers to this question are held."
        first = table[table["area"] == table["area"].iloc[0]]
        known = first.dropna(subset=["percent"])
        if known.empty:
            return (f"{first['area'].iloc[0]}: fewer than {self.threshold} respondents answered "
                    "or every answer is suppressed, so no shares are shown.")
        top = known.loc[known["percent"].astype(float).idxmax()]
        about = f" for {top['row']}" if top["row"] else ""
        return (f"{top['area']}: the most chosen answer to {top['question']}{about} was "
                f"'{top['answer']}', {top['percent']:.0f}% of {top['answered']} who answered "
                f"(95% interval {top['ci_lower']:.0f}% to {top['ci_upper']:.0f}%).")

    def matrix(self, question_id: str, area_code: str) -> pd.DataFrame:
        """A matrix question for one area: one row per matrix row and option."""
        table = self.distribution(question_id)
        return table[table["area_code"] == area_code].reset_index(drop=True)

    # -- free text ----------------------------------------------------------------------------
    def free_text(self, question_id: str, search: str = "") -> pd.DataFrame:
        """The free-text answers to a question, optionally those containing `search` (any
        case, plain text: no patterns)."""
        rows = self._free_text[self._free_text["question_id"] == question_id]
        if search.strip():
            rows = rows[rows["answer"].str.contains(search.strip(), case=False, regex=False,
                                                    na=False)]
        return rows[["area", "respondent_id", "answer"]].rename(
            columns={"respondent_id": "respondent"}).reset_index(drop=True)


DISPLAY_NAMES = {"area": "Area", "period": "Period", "question": "Question",
                 "row": "Partner (matrix row)", "answer": "Answer",
                 "respondents": "Respondents", "answered": "Answered", "invited": "Invited",
                 "percent": "Per cent", "response_rate_percent": "Response rate (%)",
                 "ci_lower": "95% interval: lower (%)", "ci_upper": "95% interval: upper (%)",
                 "note": "Note", "respondent": "Respondent"}


def for_display(table: pd.DataFrame) -> pd.DataFrame:
    """A suppressed table as people read it (and as it is downloaded): readable headers,
    counts as text ("12", "<5"), internal ids dropped, blanks for what is not shown."""
    out = table[[c for c in table.columns if c in DISPLAY_NAMES]].copy()
    if "row" in out and not out["row"].astype(bool).any():
        out = out.drop(columns="row")
    for column in ("respondents", "answered", "invited"):
        if column in out:
            out[column] = out[column].map(lambda v: "" if v is None or
                                          (isinstance(v, float) and np.isnan(v)) else str(v))
    return out.rename(columns=DISPLAY_NAMES)


def _round(value, digits: int = 1):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return round(float(value), digits)


def survey_choices(store: Store) -> dict[str, str]:
    """survey id -> name, in display order."""
    surveys = store.survey_definitions()["surveys"]
    return dict(zip(surveys["survey_id"], surveys["name"]))


def surveys_with_answers(store: Store, area_code: str) -> list[str]:
    """The surveys holding answers for the area or its councils, for a sensible default."""
    _, pairs = area_groups(AreaTree(store.areas()), area_code)
    responses = store.survey_responses(sorted({m for _, m in pairs}))
    held = set(responses.loc[responses["respondents"] > 0, "survey_id"])
    return [s for s in survey_choices(store) if s in held]


def build_survey(store: Store, survey_id: str, area_code: str,
                 period_label: str | None = None) -> SurveyModel:
    """The model of one survey for an area (a partnership with its councils) and period
    (the latest with answers when not given)."""
    tree = AreaTree(store.areas())
    defs = store.survey_definitions()
    surveys = defs["surveys"].set_index("survey_id")
    if survey_id not in surveys.index:
        from .errors import CjmetricsError
        raise CjmetricsError(f"There is no survey '{survey_id}'. Choose one from the list.")
    info = surveys.loc[survey_id]
    order, pairs = area_groups(tree, area_code)
    members = sorted({m for _, m in pairs})
    responses = store.survey_responses(members, survey_id)
    periods = (responses.sort_values(["period_start", "period_end"])
               .drop_duplicates("period_label")["period_label"].tolist())
    label = period_label if period_label in periods else (periods[-1] if periods else None)
    chosen = responses[responses["period_label"] == label]
    start = chosen["period_start"].iloc[0] if len(chosen) else None
    end = chosen["period_end"].iloc[0] if len(chosen) else None
    # Group the members' respondents and invitations into the areas shown.
    grouped = []
    for code in order:
        mine = chosen[chosen["area_code"].isin([m for g, m in pairs if g == code])]
        if mine.empty:
            continue
        invited = mine["invited"]
        with_people = mine[(mine["respondents"] > 0) | invited.notna()]
        known = invited.notna().all() and len(with_people) > 0
        grouped.append({"area_code": code, "respondents": int(mine["respondents"].sum()),
                        "invited": float(invited.sum()) if known else None})
    counts = pd.DataFrame()
    free = pd.DataFrame(columns=["area", "respondent_id", "question_id", "answer"])
    sources = ""
    if label is not None:
        counts = store.survey_answer_counts(survey_id, pairs, start, end)
        answers = store.survey_answers(survey_id, members, start, end)
        sources = "; ".join(sorted({s for s in answers["source"].dropna() if s}))
        text_ids = defs["questions"].query(
            "survey_id == @survey_id and type == 'free_text'")["question_id"]
        free = answers[answers["question_id"].isin(text_ids)].assign(
            area=lambda f: f["area_code"].map(tree.name))[
            ["area", "respondent_id", "question_id", "answer"]]
    keep = [code for code in order if code in {g["area_code"] for g in grouped}] or [area_code]
    return SurveyModel(
        survey=Survey(survey_id, str(info["name"]), str(info["source"] or ""),
                      str(info["description"] or ""), str(info["kind"] or "")),
        area_code=area_code, area_name=tree.name(area_code),
        areas=[(c, tree.name(c)) for c in keep], period_label=label, periods=periods,
        threshold=small_number_threshold(store),
        questions=defs["questions"].query("survey_id == @survey_id").reset_index(drop=True),
        options=defs["options"].query("survey_id == @survey_id").reset_index(drop=True),
        items=defs["items"].query("survey_id == @survey_id").reset_index(drop=True),
        sources=sources,
        _responses=pd.DataFrame(grouped, columns=["area_code", "respondents", "invited"]),
        _counts=counts, _free_text=free.reset_index(drop=True))


# -- feeding answers in: the one door for uploads and, later, survey-tool importers ----------
def answers_csv(survey_id: str, area: str, period: str, answers: pd.DataFrame,
                source: str = "") -> bytes:
    """The survey-answers template for one survey, area and period, from a frame with columns
    respondent, question, item (optional) and answer. An importer of SurveyMonkey, Google
    Forms or Microsoft Forms exports reshapes to this and calls `import_answers`, so its rows
    are validated exactly like an upload."""
    frame = answers.copy()
    if "item" not in frame:
        frame["item"] = ""
    frame = frame.assign(survey=survey_id, area=area, period=period, source=source)
    out = io.StringIO()
    frame[["survey", "area", "period", "respondent", "question", "item", "answer",
           "source"]].to_csv(out, index=False)
    return out.getvalue().encode("utf-8")


def import_answers(store: Store, survey_id: str, area: str, period: str,
                   answers: pd.DataFrame, *, file_name: str, who: str = "local",
                   source: str = ""):
    """Validate and import one survey's answers for one area and period (an undoable import).
    Returns the pipeline's Prepared when it has errors (nothing written), else the result."""
    from .ingest import commit, prepare

    prepared = prepare(store, answers_csv(survey_id, area, period, answers, source), file_name,
                       kind="survey_answers")
    if not prepared.ok:
        return prepared
    return commit(store, prepared, who=who)
