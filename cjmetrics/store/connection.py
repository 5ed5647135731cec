"""The connection: opening the DuckDB file (or a PostgreSQL database, see postgres), cursors,
write transactions under one lock, the data version pages cache on, and applying the schema's
migrations.

One read-write connection per process; each query gets its own cursor (DuckDB cursors are cheap
and safe to use from Streamlit's script threads); a lock serialises writes (on PostgreSQL an
advisory lock too, across every server). On PostgreSQL, reads outside write transactions run on
a read copy in this process's memory (read_copy), brought up to date when the versions in meta
move. A dashboard run reads those versions once (`pin_versions`), not on every cached read.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Sequence

import duckdb
import pandas as pd

from .. import access, config
from ..errors import DiskFull, StoreInUse, StoreReadOnly, StoreTooNew, StoreUnavailable
from . import postgres, schema
from .read_copy import LAYOUTS, REBUILDS, VERSIONS_SQL, ReadCopy, Versions, versions_of
from .schema import SCHEMA_VERSION
from .tables import current_sql

DISK_FULL = ("The disk holding the data store {path} is full, so the change could not be saved; "
             "nothing from it was written and everything saved before is intact. Free some space "
             "(or move the store to a larger disk) and try again.")


def now() -> datetime:
    """The time recorded against a change: UTC, without a zone (DuckDB TIMESTAMP)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def bump_data_version(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")


def _move_past(cur: duckdb.DuckDBPyConnection, key: str, seen: int) -> None:
    """Counter `key` of meta to one past both what it holds and `seen` (what it held when the
    transaction began: a restore may have put back an older value), created if missing."""
    cur.execute("UPDATE meta SET value = greatest(value, ?) + 1 WHERE key = ?", [seen, key])
    cur.execute("INSERT INTO meta SELECT ?, ? WHERE NOT EXISTS "
                "(SELECT 1 FROM meta WHERE key = ?)", [key, seen + 1, key])


# Per thread: the versions a dashboard run has read, per store (None: not pinned, read each
# time), and the stores it is writing to (whose reads then stay on the store itself).
_this_thread = threading.local()


def pin_versions() -> None:
    """Until `release_versions()`, this thread reads each store's versions once (the first read
    of a dashboard run) instead of on every cached read; a write it makes reads them afresh."""
    _this_thread.pins = {}


def release_versions() -> None:
    _this_thread.pins = None


def _pins() -> dict | None:
    return getattr(_this_thread, "pins", None)


def _writing() -> set:
    writing = getattr(_this_thread, "writing", None)
    if writing is None:
        writing = _this_thread.writing = set()
    return writing


class StoreBase:
    """A DuckDB file (or PostgreSQL database) with the cjmetrics schema: the plumbing every part
    of the store uses."""

    def __init__(self, path: Path | str, *, read_only: bool | None = None,
                 read_copy: bool = True):
        # CJMETRICS_READ_ONLY=1 opens the store read-only: DuckDB itself then refuses writes.
        self.read_only = access.read_only() if read_only is None else read_only
        self._write_lock = threading.RLock()
        self.read_copy: ReadCopy | None = None
        self._versions_lock, self._versions_cursor = threading.Lock(), None
        if config.is_postgres(path):
            self.engine, self.url, self.path = "postgres", str(path).strip(), None
            self.label = config.masked(self.url)  # what messages may show: no password
            self._conn = postgres.connect(self.url, read_only=self.read_only)
            if read_copy:  # False: every read through the attachment (tests compare the two)
                self.read_copy = ReadCopy(self._conn)
            self._reusable = threading.local()  # per thread: cursors set up once (_reused)
            return
        self.engine, self.url, self.path = "duckdb", None, Path(path)
        self.label = str(self.path)
        self._reusable = threading.local()
        if self.read_only and not self.path.exists():
            raise StoreUnavailable(
                f"There is no data store at {self.path}, and this dashboard is read-only "
                "(CJMETRICS_READ_ONLY=1), so it cannot create one. Point CJMETRICS_DB at an "
                "existing store, or run `python -m cjmetrics init` first.")
        if not self.read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = duckdb.connect(str(self.path), read_only=self.read_only)
        except duckdb.IOException as exc:
            text = str(exc).lower()
            if "permission denied" in text or "read-only file system" in text:
                raise StoreUnavailable(
                    f"The data store {self.path} cannot be written: the file or its folder is "
                    "read-only for this program. Give it write permission, or set "
                    "CJMETRICS_READ_ONLY=1 to browse it without changes.",
                    title="The data store is read-only") from exc
            if "no space left" in text:
                raise DiskFull(DISK_FULL.format(path=self.path)) from exc
            if "lock" in text:
                raise StoreInUse(
                    f"The data store {self.path} is open in another program (perhaps the "
                    "dashboard or another cjmetrics command). Close it, or point CJMETRICS_DB "
                    "at another file, and try again.") from exc
            if "not a valid duckdb database" in text:
                # DuckDB reports a damaged or foreign file as an I/O error; say what to do.
                raise StoreUnavailable(
                    f"{self.path} is not a cjmetrics data store: it is not a DuckDB file, or it "
                    "is damaged. Point CJMETRICS_DB at another file, or move this one aside and "
                    "run `python -m cjmetrics init` to create a new store.") from exc
            raise StoreUnavailable(
                f"The data store {self.path} could not be opened ({exc}). Check that the folder "
                "exists and you may write to it, or point CJMETRICS_DB at another file.") from exc
        except duckdb.Error as exc:
            raise StoreUnavailable(
                f"{self.path} is not a cjmetrics data store DuckDB can read ({exc}). "
                "Point CJMETRICS_DB at another file, or move this one aside.") from exc

    # The SQL of a revised table's current rows, for every read of one.
    current_sql = staticmethod(current_sql)

    # -- queries and transactions -------------------------------------------------------------
    def close(self) -> None:
        if self.read_copy is not None:
            self.read_copy.close()
        self._conn.close()

    @property
    def on_postgres(self) -> bool:
        return self.engine == "postgres"

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor whose default catalog is the store (each cursor has its own)."""
        cur = self._conn.cursor()
        if self.on_postgres:
            cur.execute(f"USE {postgres.CATALOG}")
        return cur

    def _next_id(self, cur: duckdb.DuckDBPyConnection, sequence: str) -> int:
        if self.on_postgres:
            return postgres.next_value(cur, sequence)
        return int(cur.execute(f"SELECT nextval('{sequence}')").fetchone()[0])

    def _tables_where(self) -> str:
        """duckdb_tables()/duckdb_columns() condition for the store's own tables."""
        return (f"database_name = '{postgres.CATALOG}' AND schema_name = 'public'"
                if self.on_postgres else
                "database_name = current_database() AND schema_name = 'main'")

    def _read_cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for a read: on the read copy, brought up to the versions this read is told
        of, unless there is none or this thread is writing (a write reads what it changes)."""
        if self.read_copy is None or self in _writing():
            return self._cursor()
        wanted = self.versions()
        if not wanted.migrated or not self.read_copy.ensure(wanted):
            return self._cursor()  # nothing to copy yet, or the copy is being built
        return self._reused("copy", self.read_copy.cursor)

    def start_read_copy(self) -> None:
        """On PostgreSQL, keep the read copy from now on (the dashboard's store: it reads the
        same tables run after run); it is built in the background. Nothing on a file."""
        if self.read_copy is not None:
            self.read_copy.start()

    def _reused(self, kind: str, make) -> duckdb.DuckDBPyConnection:
        """This thread's cursor of `kind`, made once (a thread's reads run one at a time)."""
        cur = getattr(self._reusable, kind, None)
        if cur is None:
            cur = make()
            setattr(self._reusable, kind, cur)
        return cur

    @contextmanager
    def _reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._read_cursor()
        try:
            yield cur
        finally:
            if cur is not getattr(self._reusable, "copy", None):
                cur.close()

    def query(self, sql: str, params: Sequence | dict | None = None) -> pd.DataFrame:
        """Run a read query on its own cursor and return a DataFrame."""
        with self._reading() as cur:
            return cur.execute(sql, params or []).df()

    def scalar(self, sql: str, params: Sequence | dict | None = None):
        with self._reading() as cur:
            row = cur.execute(sql, params or []).fetchone()
            return None if row is None else row[0]

    @contextmanager
    def transaction(self, *, bump: bool = True, incremental: bool = False, layout: bool = False,
                    cur: duckdb.DuckDBPyConnection | None = None,
                    role: str | None = "editor", doing: str = "change the data store"
                    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write transaction under the process write lock; rolled back on any error, and
        the data version bumped on success so cached page data is refreshed everywhere.
        `incremental`: the writer only adds rows under a new import id, flips an import's
        status, writes decks (with `layout`: every server's read copy rereads them) or tables
        the read copy leaves out (read_copy); any other write on PostgreSQL makes every
        server's next read rebuild its read copy in full.
        `cur` runs it on a given cursor (one holding staged TEMP tables). The acting user must
        hold `role` (None: anyone, for the audit log) and the store must not be read-only."""
        self._check_write(role, doing)
        with self._write_lock:
            own = cur is None
            cur = cur or self._cursor()
            cur.begin()
            writing = _writing()
            writing.add(self)
            try:
                if self.on_postgres:
                    postgres.begin_write(cur)
                    seen = versions_of(cur.execute(VERSIONS_SQL).fetchall())
                yield cur
                if bump:
                    bump_data_version(cur)
                if self.on_postgres and not incremental:
                    _move_past(cur, REBUILDS, seen.rebuilds)
                if self.on_postgres and (layout or not incremental):
                    # (a restore may put back older decks and counters: both move past them)
                    _move_past(cur, LAYOUTS, seen.layouts)
                cur.commit()
            except BaseException as exc:
                try:
                    cur.rollback()
                except duckdb.Error:
                    pass  # a failed COMMIT has already ended the transaction
                if isinstance(exc, duckdb.Error) and "no space left" in str(exc).lower():
                    raise DiskFull(DISK_FULL.format(path=self.label)) from exc
                if self.on_postgres and isinstance(exc, duckdb.Error) and \
                        postgres.refused_write(exc):
                    raise postgres.read_only_error(self.label, doing) from exc
                raise
            finally:
                writing.discard(self)
                self._unpin()  # this thread's next read sees what it wrote
                if own:
                    cur.close()

    def _unpin(self) -> None:
        pins = _pins()
        if pins is not None:
            pins.pop(self, None)

    def _check_write(self, role: str | None, doing: str) -> None:
        if self.read_only or access.read_only():
            raise StoreReadOnly(
                f"This dashboard is running read-only (CJMETRICS_READ_ONLY=1 or a read-only "
                f"store), so nobody can {doing} here. Use the partnership's editing copy of "
                "cjmetrics to make changes.")
        if role is not None:
            access.require(role, doing)

    def data_version(self) -> int:
        """Bumped by every committed write; pages key their caches on it."""
        return self.versions().data

    def versions(self) -> Versions:
        """The data version and the read copy's rebuild counter, as meta holds them: read from
        the store itself, once per dashboard run when the thread has pinned them."""
        pins = _pins()
        if pins is not None and self in pins:
            return pins[self]
        # One indexed lookup and no catalogue scan (a duckdb_tables() check cost more than the
        # lookup itself), on one cursor kept for it: a new one's USE of the PostgreSQL catalog
        # took up to 90 ms under load, more than the lookup.
        with self._versions_lock:
            if self._versions_cursor is None:
                self._versions_cursor = self._cursor()
            try:
                found = versions_of(self._versions_cursor.execute(VERSIONS_SQL).fetchall())
            except duckdb.CatalogException:  # not migrated yet
                found = Versions(0, 0, migrated=False)
        if pins is not None:
            pins[self] = found
        return found

    def _has_table(self, name: str) -> bool:
        return bool(self.scalar(
            f"SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND {self._tables_where()}",
            [name]))

    # -- schema and migrations ----------------------------------------------------------------
    def schema_version(self) -> int:
        if not self._has_table("schema_version"):
            return 0
        return int(self.scalar("SELECT coalesce(max(version), 0) FROM schema_version"))

    def _newer_store(self, current: int) -> StoreTooNew:
        return StoreTooNew(
            f"{self.label} was written by a newer cjmetrics (schema {current}, this one knows "
            f"{SCHEMA_VERSION}). Update cjmetrics, or restore a backup made with this version.")

    def migrate(self) -> list[int]:
        """Apply the migrations this file lacks, each in its own transaction. Idempotent."""
        if self.read_only:
            current = self.schema_version()
            if current > SCHEMA_VERSION:
                raise self._newer_store(current)
            if current < SCHEMA_VERSION:
                raise StoreReadOnly(
                    f"{self.label} needs upgrading to this version of cjmetrics (schema {current} "
                    f"to {SCHEMA_VERSION}), which a read-only dashboard cannot do. Run `python -m "
                    "cjmetrics init` once without CJMETRICS_READ_ONLY, then start it again.")
            return []
        writing = _writing()
        writing.add(self)  # the schema is read from the store itself, not a read copy
        try:
            applied = self._apply_migrations()
        finally:
            writing.discard(self)
            self._unpin()
        if applied and self.read_copy is not None:
            self.read_copy.rebuild()
        return applied

    def _apply_migrations(self) -> list[int]:
        with self._write_lock:
            cur = self._cursor()
            try:
                if self.on_postgres:  # another server may have migrated since the attach
                    cur.execute("CALL pg_clear_cache()")
                    cur.begin()
                    postgres.begin_write(cur, postgres.MIGRATION_LOCK)
                cur.execute("""CREATE TABLE IF NOT EXISTS schema_version (
                    version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)""")
                if self.on_postgres:
                    cur.commit()
            finally:
                cur.close()
            current = self.schema_version()
            if current > SCHEMA_VERSION:
                raise self._newer_store(current)
            # By membership, not by "above the current version": features land in any order, so
            # a store may hold 7 but not yet 5.
            done = {row[0] for row in self.query("SELECT version FROM schema_version").itertuples(
                index=False)}
            applied = []
            # Looked up at call time, so a test can stand in an older schema.
            for version, description, statements in schema.MIGRATIONS:
                if version in done:
                    continue
                cur = self._cursor()
                cur.begin()
                try:
                    if self.on_postgres:
                        # Once, whichever server starts first: the others wait here, then
                        # find the version applied.
                        postgres.begin_write(cur, postgres.MIGRATION_LOCK)
                        if cur.execute("SELECT count(*) FROM schema_version WHERE version = ?",
                                       [version]).fetchone()[0]:
                            cur.commit()
                            continue
                    for statement in statements:
                        if isinstance(statement, schema.PostgresOnly) and not self.on_postgres:
                            continue
                        if self.on_postgres and (isinstance(statement, schema.PostgresOnly)
                                                 or postgres.runs_natively(statement)):
                            postgres.native(cur, statement)
                            cur.execute("CALL pg_clear_cache()")
                        else:
                            cur.execute(statement)
                    cur.execute("INSERT INTO schema_version VALUES (?, ?, ?)",
                                [version, description, now()])
                    cur.commit()
                except BaseException:
                    cur.rollback()
                    raise
                finally:
                    cur.close()
                applied.append(version)
            return applied
