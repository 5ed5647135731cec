"""The preview a lead checks before pressing Import: names, not ids; old beside new."""

from __future__ import annotations

import pandas as pd

from ..store import Store
from .pipeline import Prepared

LIMIT = 500


def change_table(store: Store, prepared: Prepared, change: str) -> pd.DataFrame:
    """Rows of one kind of change (new, revised, unchanged) in a lead's words."""
    changes = prepared.preview.changes
    rows = changes[changes["change"] == change].head(LIMIT)
    indicators = dict(zip(store.indicators()["indicator_id"], store.indicators()["name"]))
    areas = dict(zip(store.areas()["area_code"], store.areas()["name"]))
    if "indicator_id" not in rows:
        if "survey_id" in rows and "answer" in rows:
            rows = _answer_labels(store, rows)
        return _other_kind(rows, areas)
    table = pd.DataFrame({"Indicator": rows["indicator_id"].map(indicators),
                          "Area": rows["area_code"].map(areas)})
    for column, title in (("period_label", "Period"), ("baseline_label", "Baseline period"),
                          ("target_label", "Target period"), ("breakdown", "Breakdown")):
        if column in rows:
            table[title] = rows[column]
    value = next(c for c in ("value", "target_value", "text") if c in rows)
    if change == "revised":
        table["Old"] = rows[f"old_{value}"]
        table["New"] = rows[value]
    else:
        table["Value" if value != "text" else "Note"] = rows[value]
    return table.reset_index(drop=True)


def _other_kind(rows: pd.DataFrame, areas: dict) -> pd.DataFrame:
    """Kinds without an indicator (engagement plan, posts, stages ...): their own columns, areas
    by name, dates by label, and the old value beside each changed one."""
    shown = [c for c in rows.columns if c != "change" and not c.startswith("old_")
             and not c.endswith(("_start", "_end")) and c != "period_type"]
    table = rows[shown].copy()
    if "area_code" in table:
        table["area_code"] = table["area_code"].map(areas).fillna(table["area_code"])
    for column in shown:
        old = f"old_{column}"
        if old in rows and (rows[old].notna() & (rows[old] != rows[column])).any():
            table[f"{column} (old)"] = rows[old]
    return table.rename(columns={"area_code": "area"}).reset_index(drop=True)


def _answer_labels(store: Store, rows: pd.DataFrame) -> pd.DataFrame:
    """Survey answers as their options' words ("Yes, we have identified ...", several joined
    by "; "), questions by number: what the lead ticked, not the stored option ids. Free text
    and answers without an option stay as they are."""
    definitions = store.survey_definitions()
    options = {(o.survey_id, o.question_id, o.option_id): o.short_label or o.label
               for o in definitions["options"].itertuples()}
    numbers = {(q.survey_id, q.question_id): q.number or q.question_id
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
    return rows.rename(columns={"survey_id": "survey", "question_id": "question",
                                "item_id": "row", "respondent_id": "respondent"})


def first_indicator(prepared: Prepared) -> str | None:
    rows = prepared.rows
    return None if rows.empty or "indicator_id" not in rows else \
        str(rows["indicator_id"].iloc[0])
