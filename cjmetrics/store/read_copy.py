"""The read copy: on PostgreSQL, what pages read, held in this process's DuckDB memory.

Every query through the postgres extension pays a round trip of a few ms and aggregates are not
pushed down, so pages built on the attachment ran several times slower than on a DuckDB file.
Reads outside write transactions therefore run on an in-memory catalog of the same DuckDB
connection, brought up to date whenever the versions stored in PostgreSQL's meta table have
moved (so several servers see each other's writes on their next read):

- the revised tables only ever grow (an import adds rows tagged with its id; an undo only flips
  the import's status), so a refresh fetches the rows of the imports the copy lacks, by the SET
  of import ids (ids may commit out of order), and rereads imports and meta whole;
- a write that does anything else (restore, the catalogue, maintenance) moves a second counter,
  `copy_rebuilds`, and the next refresh rebuilds the copy in full. Every write transaction moves
  it unless it says it only appends (connection.StoreBase.transaction), so it cannot be forgotten.

Tables written without moving the data version (decks, the audit log, remembered mappings) are
not copied: a read of one falls through to PostgreSQL by the search path.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import duckdb

from .tables import REVISED_TABLES

CATALOG = "read_copy"
STORE = "store"  # postgres.CATALOG (not imported: postgres imports nothing of the store)
REBUILDS = "copy_rebuilds"  # the meta key full-refresh writes move
# Read from PostgreSQL itself: written without a version bump, small, read a few times a run.
LIVE_TABLES = frozenset({"decks", "working_decks", "audit", "table_mappings"})
APPENDED = tuple(spec.table for spec in REVISED_TABLES)  # rows fetched by import id
EVERY_REFRESH = ("meta", "imports")  # an undo flips a status; every write moves meta
# What an appending write may also add: a new survey's definition, with its first answers.
WITH_NEW_IMPORTS = ("surveys", "survey_questions", "survey_options", "survey_items")


@dataclass(frozen=True)
class Versions:
    """What meta says of the store: `data` moves with every write pages must see, `rebuilds`
    with every write the copy cannot follow by appending."""

    data: int
    rebuilds: int
    migrated: bool = True  # False: the store has no meta table yet (nothing to copy)

    def covers(self, wanted: "Versions") -> bool:
        # Both only ever grow (a restore moves them past every version seen), so "at least".
        return self.data >= wanted.data and self.rebuilds >= wanted.rebuilds


def versions_of(rows) -> Versions:
    values = dict(rows)
    return Versions(int(values.get("data_version", 0)), int(values.get(REBUILDS, 0)))


VERSIONS_SQL = f"SELECT key, value FROM meta WHERE key IN ('data_version', '{REBUILDS}')"


class ReadCopy:
    """The in-memory copy of a store attached as catalog `store` on `conn`."""

    def __init__(self, conn: duckdb.DuckDBPyConnection):
        self._conn = conn
        conn.execute(f"ATTACH ':memory:' AS {CATALOG}")
        self._lock = threading.Lock()
        self.versions: Versions | None = None  # None: not built yet (or thrown away)
        self._held: set[int] = set()  # the imports whose rows the copy holds
        self.full_refreshes = self.incremental_refreshes = 0  # for tests and the benchmark

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor reading the copy, and PostgreSQL for the tables the copy leaves out."""
        cur = self._conn.cursor()
        cur.execute(f"USE {CATALOG}")
        cur.execute(f"SET search_path = '{CATALOG}.main,{STORE}.public'")
        return cur

    def forget(self) -> None:
        """Make the next refresh a full one (the schema changed under this process)."""
        with self._lock:
            self.versions = None

    def ensure(self, wanted: Versions) -> None:
        """Bring the copy up to at least `wanted` (what a read has just been told)."""
        current = self.versions
        if current is not None and current.covers(wanted):
            return
        with self._lock:
            if self.versions is not None and self.versions.covers(wanted):
                return  # another thread refreshed it meanwhile
            self._refresh()

    def _refresh(self) -> None:
        cur = self._conn.cursor()
        try:
            # One DuckDB transaction: one PostgreSQL snapshot for meta, imports and the rows,
            # and readers of the copy see all of the refresh or none of it.
            cur.begin()
            try:
                found = versions_of(cur.execute(
                    VERSIONS_SQL.replace("FROM meta", f"FROM {STORE}.public.meta")).fetchall())
                if self.versions is None or found.rebuilds != self.versions.rebuilds:
                    held = self._rebuild(cur)
                    self.full_refreshes += 1
                else:
                    held = self._catch_up(cur)
                    self.incremental_refreshes += 1
                cur.commit()
            except BaseException:
                cur.rollback()
                self.versions = None
                raise
            self._held, self.versions = held, found
        finally:
            cur.close()

    def _rebuild(self, cur: duckdb.DuckDBPyConnection) -> set[int]:
        tables = [row[0] for row in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = ? "
            "AND schema_name = 'public'", [STORE]).fetchall()]
        for stale in cur.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?",
                                 [CATALOG]).fetchall():
            cur.execute(f'DROP TABLE {CATALOG}.main."{stale[0]}"')
        for table in tables:
            if table not in LIVE_TABLES:
                _copy_whole(cur, table)
        return _import_ids(cur)

    def _catch_up(self, cur: duckdb.DuckDBPyConnection) -> set[int]:
        for table in EVERY_REFRESH:
            _copy_whole(cur, table)
        held = _import_ids(cur)
        if self._held - held:
            # An import the copy holds is gone: no append does that (a restore does, and moves
            # copy_rebuilds; this is the safety net), so start again.
            return self._rebuild(cur)
        new = sorted(held - self._held)
        if new:
            for table in WITH_NEW_IMPORTS:
                _copy_whole(cur, table)
            ids = ", ".join(str(int(i)) for i in new)
            present = _copied_tables(cur)
            for table in APPENDED:
                if table in present:
                    cur.execute(f'INSERT INTO {CATALOG}.main."{table}" SELECT * FROM '
                                f'{STORE}.public."{table}" WHERE import_id IN ({ids})')
        return held


def _copy_whole(cur: duckdb.DuckDBPyConnection, table: str) -> None:
    cur.execute(f'CREATE OR REPLACE TABLE {CATALOG}.main."{table}" AS '
                f'SELECT * FROM {STORE}.public."{table}"')


def _copied_tables(cur: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [CATALOG]).fetchall()}


def _import_ids(cur: duckdb.DuckDBPyConnection) -> set[int]:
    if "imports" not in _copied_tables(cur):
        return set()
    return {int(row[0]) for row in cur.execute(
        f"SELECT import_id FROM {CATALOG}.main.imports").fetchall()}
