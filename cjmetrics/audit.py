"""The audit log as an administrator reads it: who did what, when, filterable."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from .access import shown_name
from .imports import kind_name
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
        "When": rows["happened_at"], "Who": rows["who"].map(shown_name),
        "Role": rows["role"].fillna(""),
        "What": rows["action"].map(lambda a: ACTIONS.get(a, a)),
        "Import": rows["import_id"].map(lambda i: "" if pd.isna(i) else f"#{int(i)}"),
        "Detail": rows["detail"].fillna("").map(detail_in_words)})


# An import's detail as the store records it: "<kind>: <file> (<n> new, <n> revised)".
_IMPORTED = re.compile(r"(?P<kind>[a-z0-9_]+): (?P<file>.*) \((?P<new>\d+) new, "
                       r"(?P<revised>\d+) revised\)")


def detail_in_words(detail: str) -> str:
    """An import's detail with its kind named as the Upload page names it and its counts in
    thousands ("Demo data: demo/social_posts.csv (1,104 new, 0 revised)"); others as recorded."""
    found = _IMPORTED.fullmatch(detail)
    if not found:
        return detail
    return (f"{kind_name(found['kind'])}: {found['file']} ({int(found['new']):,} new, "
            f"{int(found['revised']):,} revised)")


def action_label(action: str) -> str:
    return ACTIONS.get(action, action)
