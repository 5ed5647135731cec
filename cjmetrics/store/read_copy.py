"""The read copy: on PostgreSQL, what pages read, held in this process's DuckDB memory.

Every query through the postgres extension pays a round trip of a few ms and aggregates are not
pushed down, so pages built on the attachment ran several times slower than on a DuckDB file.
Reads outside write transactions therefore run on an in-memory catalog of the same DuckDB
connection, brought up to date whenever the versions stored in PostgreSQL's meta table have
moved (so several servers see each other's writes on their next read):

- the revised tables only ever grow (an import adds rows tagged with its id; an undo only flips
  the import's status), so a refresh fetches the rows of the imports the copy lacks, by the SET
  of import ids (ids may commit out of order), and rereads imports whole;
- a write that does anything else (restore, the catalogue, maintenance) moves a second counter,
  `copy_rebuilds`, and the next refresh rebuilds the copy in full. Every write transaction moves
  it unless it declares itself `incremental` (connection.StoreBase.transaction), so it cannot be
  forgotten.

Decks are layouts, not data: saving one moves a third counter, `layout_version`, and the next
refresh rereads the decks alone (pages' cached figures stay). The audit log and remembered
mappings are not copied: a read of one falls through to PostgreSQL by the search path.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import duckdb

from .tables import REVISED_TABLES

_log = logging.getLogger(__name__)

CATALOG = "read_copy"
STORE = "store"  # postgres.CATALOG (not imported: postgres imports nothing of the store)
REBUILDS = "copy_rebuilds"  # the meta key full-refresh writes move
LAYOUTS = "layout_version"  # the meta key deck writes move
LAYOUT_TABLES = ("decks", "working_decks")
# Read from PostgreSQL itself: written without a version bump, small, read a few times a run.
# meta: the versions are read from PostgreSQL anyway, and a read of meta wants them current.
LIVE_TABLES = frozenset({"audit", "table_mappings", "meta"})
APPENDED = tuple(spec.table for spec in REVISED_TABLES)  # rows fetched by import id
# What an appending write may also add: a new survey's definition, with its first answers.
WITH_NEW_IMPORTS = ("surveys", "survey_questions", "survey_options", "survey_items")


@dataclass(frozen=True)
class Versions:
    """What meta says of the store: `data` moves with every write pages must see, `rebuilds`
    with every write the copy cannot follow by appending."""

    data: int
    rebuilds: int
    layouts: int = 0
    migrated: bool = True  # False: the store has no meta table yet (nothing to copy)

    def covers(self, wanted: "Versions") -> bool:
        # Each only ever grows (a restore moves them past every version seen), so "at least".
        return self.data >= wanted.data and self.rebuilds >= wanted.rebuilds \
            and self.layouts >= wanted.layouts


def versions_of(rows) -> Versions:
    values = dict(rows)
    return Versions(int(values.get("data_version", 0)), int(values.get(REBUILDS, 0)),
                    int(values.get(LAYOUTS, 0)))


VERSIONS_SQL = ("SELECT key, value FROM meta WHERE key IN "
                f"('data_version', '{REBUILDS}', '{LAYOUTS}')")


class ReadCopy:
    """The in-memory copy of a store attached as catalog `store` on `conn`.

    Kept only once `start()` is called (the dashboard's store: a command or an import reads
    PostgreSQL, and is gone before a copy would pay). A full build (the first, or after a
    write the copy cannot follow) runs in a thread of its own, and reads go to PostgreSQL
    until it is done: a national store takes seconds to copy, and the first page must not
    wait for it. Catching up with appends runs in the read that
    finds the versions moved (a few round trips, plus the new imports' rows)."""

    def __init__(self, conn: duckdb.DuckDBPyConnection):
        self._conn = conn
        # COMPRESS: once built, a checkpoint packs the copy (a national store ~0.6 GB -> 0.1).
        conn.execute(f"ATTACH ':memory:' AS {CATALOG} (COMPRESS)")
        self._lock = threading.RLock()  # rebuild() may be called while catching up
        self.versions: Versions | None = None  # None: not built (or being rebuilt)
        self._held: set[int] = set()  # the imports whose rows the copy holds
        self._builder: threading.Thread | None = None
        self._building: duckdb.DuckDBPyConnection | None = None
        self._closing = False
        self.started = False
        self.full_refreshes = self.incremental_refreshes = 0  # for tests and the benchmark
        self.last_build_seconds: float | None = None

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor reading the copy, and PostgreSQL for the tables the copy leaves out (set up
        once per thread by the caller: USE and SET cost a round trip under load)."""
        cur = self._conn.cursor()
        cur.execute(f"USE {CATALOG}")
        cur.execute(f"SET search_path = '{CATALOG}.main,{STORE}.public'")
        return cur

    def ensure(self, wanted: Versions) -> bool:
        """Bring the copy up to at least `wanted` (what a read has just been told); False when
        it is being built, and the read must go to PostgreSQL."""
        current = self.versions
        if current is not None and current.covers(wanted):
            return True
        if not self.started:
            return False
        if current is None or wanted.rebuilds > current.rebuilds:
            self.rebuild()
            return False
        with self._lock:
            if self.versions is None:
                return False  # a rebuild began meanwhile
            if self.versions.covers(wanted):
                return True  # another thread caught up meanwhile
            return self._catch_up()

    def start(self) -> None:
        """Keep the copy from now on: build it (in the background)."""
        self.started = True
        self.rebuild()

    def rebuild(self) -> None:
        """Start building the copy afresh in the background (unless that is under way)."""
        with self._lock:
            if self._closing or not self.started or \
                    self._builder is not None and self._builder.is_alive():
                return
            self.versions = None
            self._builder = threading.Thread(target=self._build, name="cjmetrics-read-copy",
                                             daemon=True)
            self._builder.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a build under way; True when the copy is ready."""
        builder = self._builder
        if builder is not None:
            builder.join(timeout)
        return self.versions is not None

    def close(self) -> None:
        self._closing = True
        building = self._building
        if building is not None:
            try:
                building.interrupt()
            except duckdb.Error:
                pass
        if self._builder is not None:
            self._builder.join(60)

    def _build(self) -> None:
        started = time.perf_counter()
        cur = self._building = self._conn.cursor()
        try:
            # One DuckDB transaction: one PostgreSQL snapshot for meta, imports and the rows.
            cur.begin()
            try:
                found = _stored_versions(cur)
                held = _rebuild(cur)
                cur.commit()
            except BaseException:
                cur.rollback()
                raise
            try:
                cur.execute(f"CHECKPOINT {CATALOG}")  # compresses it; nobody reads it yet
            except duckdb.Error:
                pass  # only memory is at stake
            with self._lock:
                self._held, self.versions = held, found
                self.full_refreshes += 1
                self.last_build_seconds = time.perf_counter() - started
        except Exception:  # noqa: BLE001 - reads go to PostgreSQL, and the next one retries
            if not self._closing:
                _log.warning("the read copy could not be built; reading PostgreSQL meanwhile",
                             exc_info=True)
        finally:
            self._building = None
            cur.close()

    def _catch_up(self) -> bool:
        """The rows of imports the copy lacks, and imports afresh (under the lock)."""
        cur = self._conn.cursor()
        try:
            cur.begin()
            try:
                found = _stored_versions(cur)
                if found.rebuilds != self.versions.rebuilds:
                    cur.rollback()
                    return self._rebuild_instead()
                if found.layouts != self.versions.layouts:
                    for table in LAYOUT_TABLES:
                        _copy_whole(cur, table)
                held = self._held
                if found.data != self.versions.data:
                    _copy_whole(cur, "imports")
                    held = _import_ids(cur)
                if self._held - held:
                    # An import the copy holds is gone: no append does that (a restore does,
                    # and moves copy_rebuilds; this is the safety net).
                    cur.rollback()
                    return self._rebuild_instead()
                new = sorted(held - self._held)
                if new:
                    for table in WITH_NEW_IMPORTS:
                        _copy_whole(cur, table)
                    ids = ", ".join(str(int(i)) for i in new)
                    present = _copied_tables(cur)
                    # By the import-id index (schema migration 10) whatever the planner's
                    # statistics say: right after a restore or a large import they predict
                    # thousands of rows for a new id, and it then read every table whole.
                    cur.execute(f"CALL postgres_execute('{STORE}', "
                                "'SET LOCAL enable_seqscan = off')")
                    for table in APPENDED:
                        if table in present:
                            cur.execute(f'INSERT INTO {CATALOG}.main."{table}" SELECT * FROM '
                                        f'{STORE}.public."{table}" WHERE import_id IN ({ids})')
                cur.commit()
            except BaseException:
                cur.rollback()
                self.versions = None  # rebuilt on the next read
                raise
            self._held, self.versions = held, found
            self.incremental_refreshes += 1
            return True
        finally:
            cur.close()

    def _rebuild_instead(self) -> bool:
        self.rebuild()
        return False


def _stored_versions(cur: duckdb.DuckDBPyConnection) -> Versions:
    return versions_of(cur.execute(
        VERSIONS_SQL.replace("FROM meta", f"FROM {STORE}.public.meta")).fetchall())


def _rebuild(cur: duckdb.DuckDBPyConnection) -> set[int]:
    tables = [row[0] for row in cur.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = ? "
        "AND schema_name = 'public'", [STORE]).fetchall()]
    for stale in _copied_tables(cur):
        cur.execute(f'DROP TABLE {CATALOG}.main."{stale}"')
    for table in tables:
        if table not in LIVE_TABLES:
            _copy_whole(cur, table)
    return _import_ids(cur)


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
