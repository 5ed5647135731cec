"""The Imports & history page's model: the import log, undo previews and figure revisions."""

from __future__ import annotations

import pandas as pd

from .store import Store


def import_log(store: Store) -> pd.DataFrame:
    log = store.imports()
    return pd.DataFrame({
        "Import": log["import_id"], "When": log["committed_at"], "Who": log["who"],
        "Kind": log["kind"].str.replace("_", " "), "File": log["file_name"],
        "New": log["rows_new"], "Revised": log["rows_revised"], "Unchanged": log["rows_unchanged"],
        "Status": log["status"].map({"committed": "current", "undone": "undone"}),
        "Undone by": log["undone_by"], "Summary": log["summary"],
    })


def undo_preview(store: Store, import_id: int) -> pd.DataFrame:
    effect = store.undo_preview(import_id)
    indicators = store.indicators()
    effect["indicator_id"] = effect["indicator_id"].map(
        dict(zip(indicators["indicator_id"], indicators["name"]))).fillna(effect["indicator_id"])
    effect["area_code"] = effect["area_code"].map(
        dict(zip(store.areas()["area_code"], store.areas()["name"]))).fillna(effect["area_code"])
    return effect.rename(columns={
        "indicator_id": "Indicator", "area_code": "Area", "period_label": "Period",
        "breakdown": "Breakdown", "value_in_import": "Value in this import",
        "value_after_undo": "Value after undo", "effect": "Effect"})


def figure_choices(store: Store) -> dict:
    """Indicators that hold figures, and the areas each has figures for."""
    pairs = store.figure_pairs()
    names = dict(zip(store.indicators()["indicator_id"], store.indicators()["name"]))
    indicators = {i: names.get(i, i) for i in dict.fromkeys(pairs["indicator_id"])}
    areas = pairs.groupby("indicator_id")["area_code"].apply(list).to_dict()
    return {"indicators": indicators, "areas": areas}


def history_of_figure(store: Store, indicator_id: str, area_code: str) -> pd.DataFrame:
    """Every revision of every period of one indicator in one area, newest import first."""
    rows = store.revisions(indicator_id, area_code)
    return pd.DataFrame({
        "Period": rows["period_label"], "Breakdown": rows["breakdown"], "Value": rows["value"],
        "Import": rows["import_id"], "File": rows["file_name"], "Who": rows["who"],
        "When": rows["committed_at"],
        "Counts?": rows["status"].eq("committed") & rows["is_current"],
        "Import status": rows["status"].map({"committed": "current", "undone": "undone"}),
    })
