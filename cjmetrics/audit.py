"""The audit log as an administrator reads it: who did what, when, filterable."""

from __future__ import annotations

from datetime import date

import pandas as pd

from .store import Store

ACTIONS = {"import": "Imported a file", "edit": "Edited in the app", "undo": "Undid an import",
           "export": "Downloaded", "sign-in": "Signed in", "sign-out": "Signed out",
           "backup": "Backed up the store",
           "restore": "Restored the store",
           "recover": "Cleared an interrupted import"}


def audit_filters(store: Store) -> dict:
    """The people and actions the log holds, for the filter boxes."""
    people, actions = store.audit_people_and_actions()
    return {"people": people, "actions": actions}


def audit_table(store: Store, who: tuple[str, ...] = (), actions: tuple[str, ...] = (),
                start: date | None = None, end: date | None = None) -> pd.DataFrame:
    """Audit rows newest first in words: When, Who, Role, What, Import, Detail. Empty filters
    mean everyone / everything; start and end are days, both included."""
    rows = store.audit_log(who or None, actions or None, start, end)
    return pd.DataFrame({
        "When": rows["happened_at"], "Who": rows["who"], "Role": rows["role"].fillna(""),
        "What": rows["action"].map(lambda a: ACTIONS.get(a, a)),
        "Import": rows["import_id"].map(lambda i: "" if pd.isna(i) else f"#{int(i)}"),
        "Detail": rows["detail"].fillna("")})


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)
