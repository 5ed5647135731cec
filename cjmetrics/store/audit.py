"""The audit log: who imported, edited, undid, exported or signed in, and when. Changes write
their row inside their own transaction (audit_row), so the record commits with the change."""

from __future__ import annotations

import logging
from typing import Sequence

import duckdb
import pandas as pd

from .. import access
from .connection import StoreBase, now

_log = logging.getLogger("cjmetrics")


def who_for(who: str | None) -> str:
    """The name a change is recorded against: the caller's, else the acting user's."""
    return access.current().name if who in (None, "", "local") else str(who)


def audit_row(cur: duckdb.DuckDBPyConnection, action: str, detail: str | None, *,
              import_id: int | None = None, who: str | None = None) -> None:
    """One audit row, inside the caller's transaction (so it commits with the change)."""
    actor = access.current()
    cur.execute("INSERT INTO audit (happened_at, who, role, action, import_id, detail) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [now(), who or actor.name, actor.role, action, import_id, detail])


class AuditMixin(StoreBase):
    def record(self, action: str, detail: str | None = None,
               actor: access.Actor | None = None) -> bool:
        """Add an audit row for something that changes nothing else (an export, a sign-in, a
        backup). Anyone may be recorded; a read-only store cannot be written, so there the
        event goes to the server log instead and False is returned."""
        actor = actor or access.current()
        if self.read_only or access.read_only():
            _log.info("audit (read-only store, not saved): %s %s %s", actor.name, action, detail)
            return False
        with access.acting(actor), \
                self.transaction(bump=False, incremental=True, role=None) as cur:
            audit_row(cur, action, detail)
        return True

    def audit_log(self, who: Sequence[str] | None = None, actions: Sequence[str] | None = None,
                  start=None, end=None) -> pd.DataFrame:
        """Audit rows, newest first, filtered by who, what and the day range (inclusive)."""
        return self.query("""
            SELECT audit_id, happened_at, who, role, action, import_id, detail FROM audit
            WHERE ($who::VARCHAR[] IS NULL OR who IN (SELECT unnest($who::VARCHAR[])))
              AND ($actions::VARCHAR[] IS NULL OR action IN (SELECT unnest($actions::VARCHAR[])))
              AND ($start::DATE IS NULL OR happened_at >= $start::DATE)
              AND ($end::DATE IS NULL OR happened_at < $end::DATE + INTERVAL 1 DAY)
            ORDER BY audit_id DESC""",
            {"who": None if who is None else list(who),
             "actions": None if actions is None else list(actions), "start": start, "end": end})

    def audit_people_and_actions(self) -> tuple[list[str], list[str]]:
        people = self.query("SELECT DISTINCT who FROM audit ORDER BY who")["who"].tolist()
        actions = self.query("SELECT DISTINCT action FROM audit ORDER BY action")["action"].tolist()
        return people, actions
