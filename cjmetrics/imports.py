"""The Imports & history page's model: the import log, undo previews and figure revisions.

Figures are shown as text in their indicator's unit and format ("4,031", "32.9%"), the way every
other page shows them."""

from __future__ import annotations

from functools import cache

import pandas as pd

from . import demo, reference
from .access import shown_name
from .analysis import breakdown_label, format_value, format_values
from .ingest import TEMPLATES
from .ingest.formats import FORMATS
from .store import Store

# An import's status in words: its figures count, or it was undone.
STATUS_WORDS = {"committed": "Current", "undone": "Undone"}
CURRENT = STATUS_WORDS["committed"]


def kind_name(kind: object) -> str:
    """An import's kind as the Upload page names it: the tool export's or template's title
    ("Eventbrite attendee report", "Indicator values"), or the demo's and reference figures'."""
    if not isinstance(kind, str) or not kind:
        return ""
    return _kind_titles().get(kind) or kind.replace("_", " ").capitalize()


@cache
def _kind_titles() -> dict[str, str]:
    """Every import kind's title, built once."""
    return {f.key: f.name for f in FORMATS} | {k: t.title for k, t in TEMPLATES.items()} | \
        {demo.KIND: demo.TITLE, reference.KIND: reference.TITLE}


def import_log(store: Store) -> pd.DataFrame:
    log = store.imports()
    # What a lead scans for first (which import, when, does it still count, what it was) comes
    # first, so it fits a laptop's width; who and the summary follow.
    return pd.DataFrame({
        "Import": log["import_id"], "When": log["committed_at"],
        "Status": log["status"].map(STATUS_WORDS), "Kind": log["kind"].map(kind_name),
        "File": log["file_name"], "New": log["rows_new"], "Revised": log["rows_revised"],
        "Unchanged": log["rows_unchanged"], "Who": log["who"].map(shown_name),
        "Undone by": log["undone_by"].map(shown_name), "Summary": log["summary"],
    })


def undo_import(store: Store, import_id: int, who: str | None) -> None:
    """Undo an import as `who`: its figures stop counting and the earlier values come back on
    every page (the store checks the role and says in a sentence what it refuses)."""
    store.undo_import(import_id, who=who)


def undo_preview(store: Store, import_id: int) -> pd.DataFrame:
    """What undoing an import does to each figure it wrote: where the figure is and its two
    values first, the indicator's (long) name last."""
    effect = store.undo_preview(import_id)
    indicators = store.indicators().set_index("indicator_id")
    ids = effect["indicator_id"]
    units = ids.map(indicators["unit"]).fillna("count")
    decimals = ids.map(indicators["decimals"])
    areas = dict(zip(store.areas()["area_code"], store.areas()["name"]))
    return pd.DataFrame({
        "Area": effect["area_code"].map(areas).fillna(effect["area_code"]),
        "Period": effect["period_label"],
        "Value in this import": format_values(effect["value_in_import"], units, decimals),
        "Value after undo": format_values(effect["value_after_undo"], units, decimals),
        "Effect": effect["effect"],
        "Indicator": ids.map(indicators["name"]).fillna(ids),
        "Breakdown": effect["breakdown"].map(breakdown_label),
    })


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
    indicator = store.indicators().set_index("indicator_id").reindex([indicator_id]).iloc[0]
    unit = indicator["unit"] if isinstance(indicator["unit"], str) else "count"
    return pd.DataFrame({
        "Period": rows["period_label"], "Breakdown": rows["breakdown"].map(breakdown_label),
        "Value": [format_value(v, unit, indicator["decimals"]) for v in rows["value"]],
        "Import": rows["import_id"], "File": rows["file_name"], "Who": rows["who"].map(shown_name),
        "When": rows["committed_at"],
        "Counts?": rows["status"].eq("committed") & rows["is_current"],
        "Import status": rows["status"].map(STATUS_WORDS),
    })
