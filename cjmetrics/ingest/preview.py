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
    if "indicator_id" not in rows:  # survey answers, self-assessments and other kinds
        return _generic_table(store, prepared, rows, change)
    indicators = dict(zip(store.indicators()["indicator_id"], store.indicators()["name"]))
    areas = dict(zip(store.areas()["area_code"], store.areas()["name"]))
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


def _generic_table(store: Store, prepared: Prepared, rows: pd.DataFrame,
                   change: str) -> pd.DataFrame:
    """Any kind without an indicator: its own columns in words, old beside new when revised."""
    spec = prepared.template.table
    areas = dict(zip(store.areas()["area_code"], store.areas()["name"]))
    shown = [c for c in spec.columns if not c.endswith(("_start", "_end"))]
    table = pd.DataFrame(index=rows.index)
    for column in shown:
        title = column.removesuffix("_id").removesuffix("_code").replace("_", " ").capitalize()
        values = rows[column].map(areas).fillna(rows[column]) if column == "area_code" \
            else rows[column]
        table[title] = values
        if change == "revised" and f"old_{column}" in rows:
            table[f"{title} (old)"] = rows[f"old_{column}"]
    return table.reset_index(drop=True)


def first_indicator(prepared: Prepared) -> str | None:
    rows = prepared.rows
    if rows.empty or "indicator_id" not in rows:
        return None
    return str(rows["indicator_id"].iloc[0])
