"""The preview a lead checks before pressing Import: names, not ids; old beside new; every
figure in its indicator's unit; revisions that move a figure a long way picked out."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..analysis import format_value, shorten
from ..store import Store
from .pipeline import Prepared

LIMIT = 500
# A revision that multiplies or divides a figure by more than this is flagged and must be
# confirmed (setting `revision_factor`): 17,750 -> 64,313 is more likely a wrong file or area
# than a correction.
REVISION_FACTOR_KEY = "revision_factor"
DEFAULT_REVISION_FACTOR = 2.0
VALUE_COLUMNS = ("value", "target_value", "baseline_value")
# A survey answer's columns as the preview heads them (its old answer: "Answer (old)").
ANSWER_COLUMNS = {"survey_id": "Survey", "area_code": "Area", "respondent_id": "Respondent",
                  "question_id": "Question", "item_id": "Row", "period_label": "Period",
                  "answer": "Answer", "source": "Source"}
QUESTION_WIDTH = 60  # a question's wording in the preview, shortened to this many characters


def readable_breakdown(key: object) -> str:
    """"channel:X/Twitter" as "Channel: X/Twitter"; a total (blank) stays blank."""
    if not isinstance(key, str) or not key:
        return ""
    kind, sep, value = key.partition(":")
    if not sep:
        return key
    return f"{kind.replace('_', ' ').capitalize()}: {value}"


def _units(store: Store) -> dict[str, tuple[str, object]]:
    indicators = store.indicators()
    return {i: (u, d) for i, u, d in zip(indicators["indicator_id"], indicators["unit"],
                                         indicators["decimals"])}


def _formatted(values: pd.Series, indicator_ids: pd.Series, units: dict) -> list[str]:
    return [format_value(v, *units.get(i, ("count", None))) for v, i in zip(values, indicator_ids)]


def change_table(store: Store, prepared: Prepared, change: str) -> pd.DataFrame:
    """Rows of one kind of change (new, revised, unchanged) in a lead's words."""
    changes = prepared.preview.changes
    rows = changes[changes["change"] == change]
    indicators = dict(zip(store.indicators()["indicator_id"], store.indicators()["name"]))
    areas = dict(zip(store.areas()["area_code"], store.areas()["name"]))
    if "indicator_id" in rows:
        rows = _in_reading_order(rows, list(indicators), list(areas))
    rows = rows.head(LIMIT)
    if "indicator_id" not in rows:
        if "survey_id" in rows and "answer" in rows:
            return _other_kind(_answer_labels(_survey_definitions(store, prepared), rows),
                               areas, ANSWER_COLUMNS)
        return _other_kind(rows, areas)
    table = _labels(rows, indicators, areas)
    value = next(c for c in ("value", "target_value", "text") if c in rows)
    shown = rows[value] if value == "text" else \
        pd.Series(_formatted(rows[value], rows["indicator_id"], _units(store)), index=rows.index)
    if change == "revised":
        old = rows[f"old_{value}"] if value == "text" else pd.Series(
            _formatted(rows[f"old_{value}"], rows["indicator_id"], _units(store)),
            index=rows.index)
        table["Old"] = old
        table["New"] = shown
    else:
        table["Value" if value != "text" else "Note"] = shown
    return table.reset_index(drop=True)


def _in_reading_order(rows: pd.DataFrame, indicators: list[str], areas: list[str]) -> pd.DataFrame:
    """Indicators and areas in catalogue order, each one's periods oldest first, the total
    before its breakdowns: a published table's years read in order, however the comparison with
    the store returned them."""
    rank = {"indicator_id": {i: n for n, i in enumerate(indicators)},
            "area_code": {a: n for n, a in enumerate(areas)}}
    by = [c for c in ("indicator_id", "area_code", "period_start", "period_end",
                      "target_start", "target_end", "breakdown") if c in rows]

    def key(column: pd.Series) -> pd.Series:
        if column.name in rank:
            return column.map(rank[column.name]).fillna(len(rank[column.name]))
        return column.fillna("") if column.name == "breakdown" else column

    return rows.sort_values(by, key=key, kind="stable", na_position="first")


def _labels(rows: pd.DataFrame, indicators: dict, areas: dict) -> pd.DataFrame:
    """Indicator, area, periods and breakdown of indicator rows, in words."""
    table = pd.DataFrame({"Indicator": rows["indicator_id"].map(indicators),
                          "Area": rows["area_code"].map(areas).fillna(rows["area_code"])})
    for column, title in (("period_label", "Period"), ("baseline_label", "Baseline period"),
                          ("target_label", "Target period")):
        if column in rows:
            table[title] = rows[column]
    if "breakdown" in rows:
        table["Breakdown"] = rows["breakdown"].map(readable_breakdown)
    return table


@dataclass
class LargeRevisions:
    """Revised figures that move by more than the factor, for the lead to confirm."""

    factor: float
    table: pd.DataFrame  # Indicator, Area, Period, Breakdown, Old, New (formatted), Factor
    checked: int  # revised rows compared (the preview's sample)
    revised: int  # revised rows in the upload

    def __bool__(self) -> bool:
        return not self.table.empty

    @property
    def sentence(self) -> str:
        """One sentence naming the rows (the first five)."""
        count = len(self.table)
        named = "; ".join(
            f"{r['Indicator']}, {r['Area']}, {r.get('Period', '')}"
            + (f" ({r['Breakdown']})" if r.get("Breakdown") else "")
            + f": {r['Old']} to {r['New']}" for _, r in self.table.head(5).iterrows())
        more = f" and {count - 5:,} more" if count > 5 else ""
        return (f"{count:,} revised figure{'s move' if count != 1 else ' moves'} by more than "
                f"{self.factor:g} times: {named}{more}. Check the file is for the right area "
                "and period before importing.")


def revision_factor(store: Store) -> float:
    """The setting `revision_factor` (a number above 1), else 2."""
    try:
        factor = float(store.settings().get(REVISION_FACTOR_KEY, DEFAULT_REVISION_FACTOR))
    except (TypeError, ValueError):
        return DEFAULT_REVISION_FACTOR
    return factor if factor > 1 else DEFAULT_REVISION_FACTOR


def large_revisions(store: Store, prepared: Prepared,
                    factor: float | None = None) -> LargeRevisions:
    """Revised figures whose new value is more than `factor` times the old one, or less than
    1/`factor` of it (a figure revised from or to zero counts as such a move)."""
    factor = revision_factor(store) if factor is None else factor
    preview = prepared.preview
    empty = LargeRevisions(factor, pd.DataFrame(), 0, 0)
    if preview is None or preview.changes.empty or "indicator_id" not in preview.changes:
        return empty
    changes = preview.changes
    rows = changes[changes["change"] == "revised"]
    value = next((c for c in VALUE_COLUMNS if c in rows and f"old_{c}" in rows), None)
    if value is None:
        return empty
    new = pd.to_numeric(rows[value], errors="coerce").abs()
    old = pd.to_numeric(rows[f"old_{value}"], errors="coerce").abs()
    both = new.notna() & old.notna() & ((new > 0) | (old > 0))
    low, high = pd.concat([new, old], axis=1).min(axis=1), pd.concat([new, old], axis=1).max(axis=1)
    moved = both & ((low == 0) | (high > factor * low))
    flagged = rows[moved]
    store_indicators = store.indicators()
    table = _labels(flagged, dict(zip(store_indicators["indicator_id"], store_indicators["name"])),
                    dict(zip(store.areas()["area_code"], store.areas()["name"])))
    units = _units(store)
    table["Old"] = _formatted(flagged[f"old_{value}"], flagged["indicator_id"], units)
    table["New"] = _formatted(flagged[value], flagged["indicator_id"], units)
    ratio = (high / low.where(low > 0))[moved]
    up = (new > old)[moved]
    table["Change"] = [("from or to zero" if pd.isna(r) else
                        f"{r:.1f} times {'higher' if u else 'lower'}") for r, u in zip(ratio, up)]
    return LargeRevisions(factor, table.reset_index(drop=True), len(rows), preview.rows_revised)


def _other_kind(rows: pd.DataFrame, areas: dict, words: dict | None = None) -> pd.DataFrame:
    """Kinds without an indicator (engagement plan, posts, stages ...): their own columns, areas
    by name, dates by label, and the old value beside each changed one. `words` heads the
    columns it names (survey answers); the others keep their own names, area_code as "area"."""
    shown = [c for c in rows.columns if c != "change" and not c.startswith("old_")
             and not c.endswith(("_start", "_end")) and c != "period_type"]
    table = rows[shown].copy()
    if "area_code" in table:
        table["area_code"] = table["area_code"].map(areas).fillna(table["area_code"])
    for column in shown:
        old = f"old_{column}"
        if old in rows and (rows[old].notna() & (rows[old] != rows[column])).any():
            table[f"{column} (old)"] = rows[old]
    words = words or {"area_code": "area"}
    table = table.rename(columns=lambda c: f"{words[c[:-6]]} (old)"
                         if c.endswith(" (old)") and c[:-6] in words else words.get(c, c))
    return table.reset_index(drop=True)


def _survey_definitions(store: Store, prepared: Prepared) -> dict:
    """The store's survey definitions, with the one an export would create (not yet written),
    so a new survey's answers preview by its name and its questions' wording too."""
    definitions = store.survey_definitions()
    new = (getattr(prepared, "survey_plan", None) or {}).get("new")
    if not new:
        return definitions
    return {k: pd.concat([definitions[k], new[k]], ignore_index=True) if len(new[k])
            else definitions[k] for k in ("surveys", "questions", "options", "items")}


def _answer_labels(definitions: dict, rows: pd.DataFrame) -> pd.DataFrame:
    """Survey answers as their options' words ("Yes, we have identified ...", several joined
    by "; "), questions by number and shortened wording ("Q1 How safe do you feel ..."),
    surveys by name: what the lead ticked, not the stored ids. Free text and answers without
    an option stay as they are."""
    options = {(o.survey_id, o.question_id, o.option_id): o.short_label or o.label
               for o in definitions["options"].itertuples()}
    numbers = {(q.survey_id, q.question_id): _question_words(q.number, q.text) or q.question_id
               for q in definitions["questions"].itertuples()}
    items = {(i.survey_id, i.question_id, i.item_id): i.label
             for i in definitions["items"].itertuples()}
    names = dict(zip(definitions["surveys"]["survey_id"], definitions["surveys"]["name"]))

    def words(survey: str, question: str, answer) -> object:
        if not isinstance(answer, str):
            return answer
        parts = answer.split(";")
        found = [options.get((survey, question, part)) for part in parts]
        return "; ".join(found) if all(found) else answer

    rows = rows.copy()
    for column in [c for c in ("answer", "old_answer") if c in rows]:
        rows[column] = [words(s, q, a) for s, q, a in
                        zip(rows["survey_id"], rows["question_id"], rows[column])]
    if "item_id" in rows:
        rows["item_id"] = [items.get((s, q, i), i) for s, q, i in
                           zip(rows["survey_id"], rows["question_id"], rows["item_id"])]
    rows["question_id"] = [numbers.get((s, q), q)
                           for s, q in zip(rows["survey_id"], rows["question_id"])]
    rows["survey_id"] = rows["survey_id"].map(names).fillna(rows["survey_id"])
    if "item_id" in rows and not rows["item_id"].fillna("").astype(str).str.strip().any():
        rows = rows.drop(columns="item_id")  # no matrix question: no Row column
    return rows


def _question_words(number: object, text: object) -> str:
    """"Q1 How safe do you feel in your area?", the wording shortened; either part may be
    missing."""
    parts = [str(p).strip() for p in (number, text) if isinstance(p, str) and p.strip()]
    return " ".join(parts[:1] + [shorten(p, QUESTION_WIDTH) for p in parts[1:]])


def first_indicator(prepared: Prepared) -> str | None:
    rows = prepared.rows
    return None if rows.empty or "indicator_id" not in rows else \
        str(rows["indicator_id"].iloc[0])
