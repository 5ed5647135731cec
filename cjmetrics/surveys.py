"""The Surveys page's model: one survey's responses and answers for an area and its councils.

The store counts (SQL); this module turns counts into shares with Wilson 95% intervals and
applies small-number suppression BEFORE anything leaves it: every table a page, chart or
download receives is already suppressed. A count from 1 to threshold-1 is shown as "<5" (the
threshold is the `small_number_threshold` setting, 5 by default) and every share or interval
derived from it is blank. In a distribution whose answers add up to its base (one answer per
respondent), a lone suppressed cell would be given away by the base minus the others, so the
next smallest cell is hidden too ("hidden"). Raw counts stay in private fields.

A partnership shown with its councils is protected as a table: a council's cell that would be
the partnership's minus the other councils' is hidden as well (see `protect`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .analysis import wilson_interval
from .areas import SCOTLAND, AreaTree
from .config import is_illustrative, joined_sources
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
        return is_illustrative(self.sources)

    @property
    def subtitle(self) -> str:
        return self.subtitle_for([name for _, name in self.areas])

    def subtitle_for(self, area_names: list[str]) -> str:
        parts = [", ".join(area_names), self.period_label or "",
                 f"Source: {self.sources}" if self.sources else ""]
        return " · ".join(p for p in parts if p)

    @cached_property
    def _question_rows(self) -> dict[str, dict]:
        """question id -> its row: the page's question boxes look a label up per option."""
        return {row["question_id"]: row for row in self.questions.to_dict("records")}

    def question(self, question_id: str) -> dict:
        return dict(self._question_rows[question_id])  # KeyError for an unknown question

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
        held = self._responses.set_index("area_code")
        codes = [c for c in names if c in held.index] or list(names)
        counts = np.array([float(held["respondents"].get(c, 0.0)) for c in codes])
        # The partnership is the sum of its councils: protect the councils' counts as a column.
        small, hidden, _, _ = protect(counts[:, None], counts, self.threshold, rows_add_up=False,
                                      total_row=self._total_row(codes))
        for i, code in enumerate(codes):
            n = counts[i]
            value = held["invited"].get(code) if code in held.index else None
            invited = float(value) if value is not None and pd.notna(value) else None
            is_small, is_hidden = bool(small[i, 0]), bool(hidden[i, 0])
            rate = lo = hi = None
            if invited and not (is_small or is_hidden) and n <= invited:
                rate = 100 * n / invited
                lo, hi = (100 * v for v in wilson_interval(n, invited))
            note = ""
            if is_small:
                note = f"Fewer than {self.threshold} respondents: the number is not shown."
            elif is_hidden:
                note = (f"Hidden so an area with fewer than {self.threshold} respondents cannot "
                        "be worked out from the partnership's total.")
            elif invited is None:
                note = "Number invited not known."
            elif n > invited:
                note = "More respondents than invitations: check the number invited."
            rows.append({"area": names[code], "period": self.period_label or "",
                         "respondents": HIDDEN if is_hidden else shown(n, self.threshold),
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
        frames = [self._block(cells, q["type"]).assign(row=items.get(item, ""), item_id=item)
                  for item, cells in counts.groupby("item_id", sort=False)]
        if not frames:
            return pd.DataFrame(columns=DISTRIBUTION_COLUMNS + ["area_code", "item_id",
                                                                "option_id", "score"])
        out = pd.concat(frames, ignore_index=True)
        out["question"] = q["number"]
        return out[DISTRIBUTION_COLUMNS + ["area_code", "item_id", "option_id", "score"]]

    def _total_row(self, codes: list[str]) -> int | None:
        """The row of a partnership whose councils are the other rows, if shown together."""
        return 0 if len(codes) > 1 and codes[0] == self.area_code else None

    def _block(self, cells: pd.DataFrame, kind: str) -> pd.DataFrame:
        """One question (matrix row) for every area shown, suppressed as a whole table."""
        t = self.threshold
        names = dict(self.areas)
        codes = [c for c in names if c in set(cells["area_code"])]
        options = cells.drop_duplicates("option_id")[["option_id", "short_label", "label",
                                                      "score"]]
        grid = cells.pivot_table(index="area_code", columns="option_id", values="n",
                                 aggfunc="sum").reindex(index=codes,
                                                        columns=options["option_id"])
        n = grid.fillna(0).to_numpy(dtype=float)
        base = cells.groupby("area_code")["base"].first().reindex(codes).fillna(0).to_numpy(
            dtype=float)
        small, hidden, base_small, base_hidden = protect(
            n, base, t, rows_add_up=kind in ONE_ANSWER, total_row=self._total_row(codes))
        frames = []
        for r, code in enumerate(codes):
            masked = small[r] | hidden[r] | base_small[r] | base_hidden[r]
            b = base[r]
            lo, hi = wilson_interval(n[r], np.full(len(n[r]), b)) if b > 0 else \
                (n[r] * np.nan,) * 2
            pct = 100 * n[r] / b if b > 0 else n[r] * np.nan
            if base_small[r] or base_hidden[r]:
                notes = [f"Fewer than {t} answered: shares not shown" if base_small[r] else
                         f"Hidden so an area with fewer than {t} cannot be worked out"] * len(n[r])
            else:
                notes = [f"Fewer than {t}: not shown" if s else
                         f"Hidden so a cell with fewer than {t} cannot be worked out" if h else ""
                         for s, h in zip(small[r], hidden[r])]
            frames.append(pd.DataFrame({
                "area": names[code], "area_code": code,
                "answer": list(options["short_label"].fillna(options["label"])),
                "option_id": list(options["option_id"]), "score": list(options["score"]),
                "respondents": [f"<{t}" if s else HIDDEN if h else int(v)
                                for v, s, h in zip(n[r], small[r], hidden[r])],
                "answered": f"<{t}" if base_small[r] else HIDDEN if base_hidden[r] else int(b),
                "percent": [None if m else _round(v) for v, m in zip(pct, masked)],
                "ci_lower": [None if m else _round(100 * v) for v, m in zip(lo, masked)],
                "ci_upper": [None if m else _round(100 * v) for v, m in zip(hi, masked)],
                "note": notes}))
        return pd.concat(frames, ignore_index=True)

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

    def likert_questions(self) -> list[str]:
        return list(self.questions.loc[self.questions["type"] == "likert", "question_id"])

    def statements(self, area_code: str) -> pd.DataFrame:
        """Every Likert question for one area (each suppressed within its own table)."""
        frames = [self.distribution(q) for q in self.likert_questions()]
        frames = [f[f["area_code"] == area_code] for f in frames if len(f)]
        if not frames:
            return pd.DataFrame(columns=DISTRIBUTION_COLUMNS + ["area_code", "item_id",
                                                                "option_id", "score"])
        return pd.concat(frames, ignore_index=True)

    def statements_summary(self, area_code: str, table: pd.DataFrame) -> str:
        """The statement most agreed with, counting only statements whose agree shares are all
        shown (a suppressed share would make the sum a guess)."""
        name = dict(self.areas).get(area_code, self.area_name)
        agree = table[table["score"].astype(float) > 0]
        totals = {q: float(rows["percent"].astype(float).sum())
                  for q, rows in agree.groupby("question", sort=False)
                  if rows["percent"].notna().all()}
        if not totals:
            return (f"{name}: every statement has an agree share based on fewer than "
                    f"{self.threshold} respondents, so none is compared.")
        best = max(totals, key=totals.get)
        return (f"{name}: most agreement with {best}, {totals[best]:.0f}% agreeing or strongly "
                "agreeing.")

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


def _smallest(values: np.ndarray, allowed: np.ndarray) -> int | None:
    """Index of the smallest non-zero value where allowed, or None."""
    choices = np.where(allowed & (values > 0), values, np.inf)
    return int(np.argmin(choices)) if np.isfinite(choices.min()) else None


def protect(n: np.ndarray, base: np.ndarray, threshold: int, *, rows_add_up: bool,
            total_row: int | None = None):
    """Which cells of an areas x answers table to suppress.

    Primary: a count from 1 to threshold-1 ("<5"), and every non-zero cell of an area where
    fewer than `threshold` answered. Secondary ("hidden"), repeated until nothing changes:
    - `rows_add_up` (one answer per respondent): an area with exactly one suppressed cell would
      give it away as its base minus the others, so its smallest other non-zero cell is hidden;
    - `total_row` (a partnership over its councils): an answer, or the base, suppressed for
      exactly one council while the partnership's is shown would be the partnership minus the
      other councils, so the smallest other council's is hidden (or the partnership's when
      there is none); an area whose base is hidden has all its shares hidden.
    Every line with a suppressed cell ends up with at least two: the usual rule, not a proof
    against every combination of tables. Returns (small, hidden, base_small, base_hidden)."""
    n = np.asarray(n, dtype=float)
    base = np.asarray(base, dtype=float)
    base_small = (base > 0) & (base < threshold)
    small = ((n > 0) & (n < threshold)) | (base_small[:, None] & (n > 0))
    hidden = np.zeros_like(small)
    base_hidden = np.zeros_like(base_small)
    members = [r for r in range(len(base)) if r != total_row]
    for _ in range(4 * n.size + 4):  # each pass hides at least one more cell, or stops
        masked = small | hidden
        changed = False
        if rows_add_up:
            for r in range(len(base)):
                if not (base_small[r] or base_hidden[r]) and masked[r].sum() == 1:
                    pick = _smallest(n[r], ~masked[r])
                    if pick is not None:
                        hidden[r, pick] = changed = True
        if total_row is not None and members:
            rows_out = base_small | base_hidden
            if not rows_out[total_row] and rows_out[members].sum() == 1:
                pick = _smallest(base[members], ~rows_out[members])
                if pick is not None:
                    base_hidden[members[pick]] = changed = True
                else:
                    base_hidden[total_row] = changed = True
            for r in np.flatnonzero(base_hidden):
                newly = (n[r] > 0) & ~masked[r]
                if newly.any():
                    hidden[r] |= newly
                    changed = True
            masked = small | hidden
            for c in range(n.shape[1]):
                if masked[total_row, c] or masked[members, c].sum() != 1:
                    continue
                pick = _smallest(n[members, c], ~masked[members, c])
                if pick is not None:
                    hidden[members[pick], c] = changed = True
                else:
                    hidden[total_row, c] = changed = True
                masked = small | hidden
        if not changed:
            break
    return small, hidden & ~small, base_small, base_hidden


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
    periods = _periods(responses)
    label = period_label if period_label in periods else (periods[-1] if periods else None)
    chosen = responses[responses["period_label"] == label]
    start = chosen["period_start"].iloc[0] if len(chosen) else None
    end = chosen["period_end"].iloc[0] if len(chosen) else None
    grouped = _grouped_responses(chosen, order, pairs)
    counts = pd.DataFrame()
    free = pd.DataFrame(columns=["area", "respondent_id", "question_id", "answer"])
    sources = ""
    if label is not None:
        counts = store.survey_answer_counts(survey_id, pairs, start, end)
        answers = store.survey_answers(survey_id, members, start, end)
        sources = joined_sources(answers["source"])
        text_ids = defs["questions"].query(
            "survey_id == @survey_id and type == 'free_text'")["question_id"]
        free = answers[answers["question_id"].isin(text_ids)].assign(
            area=lambda f: f["area_code"].map(tree.name))[
            ["area", "respondent_id", "question_id", "answer"]]
    keep = [code for code in order if code in set(grouped["area_code"])] or [area_code]
    return SurveyModel(
        survey=Survey(survey_id, str(info["name"]), str(info["source"] or ""),
                      str(info["description"] or ""), str(info["kind"] or "")),
        area_code=area_code, area_name=tree.name(area_code),
        areas=[(c, tree.name(c)) for c in keep], period_label=label, periods=periods,
        threshold=small_number_threshold(store),
        questions=defs["questions"].query("survey_id == @survey_id").reset_index(drop=True),
        options=defs["options"].query("survey_id == @survey_id").reset_index(drop=True),
        items=defs["items"].query("survey_id == @survey_id").reset_index(drop=True),
        sources=sources, _responses=grouped, _counts=counts,
        _free_text=free.reset_index(drop=True))


def _periods(responses: pd.DataFrame) -> list[str]:
    """A survey's period labels, oldest first."""
    return (responses.sort_values(["period_start", "period_end"])
            .drop_duplicates("period_label")["period_label"].tolist())


def _grouped_responses(chosen: pd.DataFrame, order: list[str],
                       pairs: list[tuple[str, str]]) -> pd.DataFrame:
    """One period's respondents and invitations of the member areas, summed into the areas
    shown (area_code, respondents, invited; invited None unless known for every member)."""
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
    return pd.DataFrame(grouped, columns=["area_code", "respondents", "invited"])


def wave_responses(store: Store, area_code: str, pick) -> list[SurveyModel]:
    """Every survey with answers for the area or its councils, at the period `pick` chooses
    from its period labels (oldest first; None leaves the survey out): respondents and
    invitations only, no answer counts. What a report lists, from two queries however many
    surveys and waves the store holds, where building each survey would read every answer."""
    tree = AreaTree(store.areas())
    order, pairs = area_groups(tree, area_code)
    members = sorted({m for _, m in pairs})
    responses = store.survey_responses(members)
    held = set(responses.loc[responses["respondents"] > 0, "survey_id"])
    waves = {}
    for survey_id, rows in responses[responses["survey_id"].isin(held)].groupby("survey_id"):
        periods = _periods(rows)
        label = pick(periods)
        if label is not None:
            waves[survey_id] = (periods, label, rows[rows["period_label"] == label])
    if not waves:
        return []
    sources = store.survey_sources(members)
    surveys = store.survey_definitions()["surveys"].set_index("survey_id")
    empty = pd.DataFrame()
    models = []
    for survey_id in [s for s in surveys.index if s in waves]:
        periods, label, chosen = waves[survey_id]
        grouped = _grouped_responses(chosen, order, pairs)
        start, end = chosen["period_start"].iloc[0], chosen["period_end"].iloc[0]
        wave = sources[(sources["survey_id"] == survey_id) & (sources["period_start"] == start)
                       & (sources["period_end"] == end)]
        keep = [c for c in order if c in set(grouped["area_code"])] or [area_code]
        info = surveys.loc[survey_id]
        models.append(SurveyModel(
            survey=Survey(survey_id, str(info["name"]), str(info["source"] or ""),
                          str(info["description"] or ""), str(info["kind"] or "")),
            area_code=area_code, area_name=tree.name(area_code),
            areas=[(c, tree.name(c)) for c in keep], period_label=label, periods=periods,
            threshold=small_number_threshold(store), questions=empty, options=empty,
            items=empty, sources=joined_sources(wave["source"]), _responses=grouped))
    return models


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
