"""Revisions, imports and undo: classifying incoming rows against the store (new, revised,
unchanged), previewing, committing them with their import record in one transaction, undoing an
import, and reading back what an import wrote.

Nothing is overwritten in place: an upload adds rows tagged with its import id, the current value
of a figure is the row from the newest import that has not been undone, and undoing an import only
flips its status.
"""

from __future__ import annotations

import hashlib
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from .. import access
from ..errors import ImportRefused
from .audit import audit_row, who_for
from .connection import StoreBase, now
from .staging import Stage
from .tables import ANNOTATIONS, COMPARED, OBSERVATIONS, TARGETS, RevisedTable


@dataclass
class StagedRows:
    """Canonical rows held in a TEMP table of a Stage (see staging)."""

    stage: Stage
    table: str
    count: int

    @property
    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.stage.cursor

    def __len__(self) -> int:
        return self.count


@dataclass
class ImportResult:
    """What an import did (or would do, for a preview)."""

    import_id: int | None
    rows_read: int
    rows_new: int
    rows_revised: int
    rows_unchanged: int
    duplicate_of: int | None = None
    changes: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    data_version: int | None = None  # the store's version when a preview was made

    @property
    def message(self) -> str:
        if self.duplicate_of is not None:
            return (f"This file was already imported as import #{self.duplicate_of}; "
                    "nothing was changed.")
        if self.rows_new + self.rows_revised == 0:
            return f"All {self.rows_read:,} rows match the store already; nothing was changed."
        if self.import_id is None:
            return (f"{self.rows_new:,} new, {self.rows_revised:,} revised and "
                    f"{self.rows_unchanged:,} unchanged rows: nothing is written until you import.")
        return (f"Import #{self.import_id}: {self.rows_new:,} new, {self.rows_revised:,} revised, "
                f"{self.rows_unchanged:,} unchanged.")


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class RevisionsMixin(StoreBase):
    # -- classifying and committing rows ------------------------------------------------------
    # Rows arrive either as a DataFrame (demo data, edits, tests) or as a table already staged
    # on a Stage of this store (uploads: see staging and ingest/), so a million-row file is
    # compared and written inside DuckDB without a trip through pandas.
    def _source(self, spec: RevisedTable, rows: pd.DataFrame | StagedRows,
                cur: duckdb.DuckDBPyConnection) -> str:
        if isinstance(rows, StagedRows):
            return rows.table
        cur.register("incoming_frame", rows[list(spec.columns)])
        return "incoming_frame"

    def _classify(self, spec: RevisedTable, source: str,
                  cur: duckdb.DuckDBPyConnection) -> dict[str, int]:
        """Define TEMP view _changes on `cur`: every incoming row with `change` (new, revised,
        unchanged) and the values it would replace (`old_<column>`). A view, not a table: the
        counts, the sample and the insert each stream through it, so a million-row upload is
        never copied once more."""
        compared = COMPARED[spec.table]
        join = " AND ".join(f"n.{k} = c.{k}" for k in spec.key)
        same = " AND ".join(f"n.{v} IS NOT DISTINCT FROM c.{v}" for v in compared)
        olds = ", ".join(f"c.{v} AS old_{v}" for v in compared)
        first = spec.key[0]
        where = f"t.{first} IN (SELECT DISTINCT {first} FROM {source})"
        cur.execute(f"""
            CREATE OR REPLACE TEMP VIEW _changes AS
            WITH c AS ({self.current_sql(spec, where)})
            SELECT {', '.join(f'n.{c}' for c in spec.columns)}, {olds},
                   CASE WHEN c.{first} IS NULL THEN 'new'
                        WHEN {same} THEN 'unchanged' ELSE 'revised' END AS change
            FROM {source} n LEFT JOIN c ON {join}""")
        # Nothing stored yet under any of the incoming first keys (a first load, a new
        # indicator): every row is new, without joining a large upload to the store.
        if not cur.execute(f"SELECT count(*) FROM (SELECT 1 FROM {spec.table} WHERE {first} IN "
                           f"(SELECT DISTINCT {first} FROM {source}) LIMIT 1)").fetchone()[0]:
            return {"new": int(cur.execute(f"SELECT count(*) FROM {source}").fetchone()[0]),
                    "revised": 0, "unchanged": 0}
        counts = dict(cur.execute("SELECT change, count(*) FROM _changes GROUP BY ALL").fetchall())
        return {k: int(counts.get(k, 0)) for k in ("new", "revised", "unchanged")}

    @staticmethod
    def _change_sample(cur: duckdb.DuckDBPyConnection, per_kind: int = 1000,
                       counts: dict[str, int] | None = None, spec: RevisedTable | None = None,
                       source: str | None = None, ordered_by: str | None = None
                       ) -> pd.DataFrame:
        """Up to `per_kind` rows of each kind of change (LIMITs stop each scan early; a kind
        known to be absent is not searched for through the whole upload)."""
        kinds = [k for k in ("new", "revised", "unchanged") if counts is None or counts.get(k)]
        if kinds == ["new"] and source is not None:
            # All new: the first rows of the upload itself, without building the store's
            # current rows to join them to.
            # Typed NULLs (the column's own type), as the join would give.
            olds = ", ".join(f"(SELECT {v} FROM {spec.table} LIMIT 0) AS old_{v}"
                             for v in COMPARED[spec.table])
            order = f"ORDER BY {ordered_by}" if ordered_by else ""
            return cur.execute(f"SELECT {', '.join(spec.columns)}, {olds}, 'new' AS change "
                               f"FROM {source} {order} LIMIT {per_kind}").df()
        return cur.execute(" UNION ALL ".join(
            f"(SELECT * FROM _changes WHERE change = '{kind}' LIMIT {per_kind})"
            for kind in kinds or ["new"])).df()

    def compare(self, spec: RevisedTable, rows: pd.DataFrame,
                cur: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
        """Classify canonical rows against the store: `change` is new, revised or unchanged,
        with the old values alongside (`old_<column>`). Every row, for small inputs."""
        own = cur is None
        cur = cur or self._cursor()
        try:
            self._classify(spec, self._source(spec, rows, cur), cur)
            return cur.execute("SELECT * FROM _changes").df()
        finally:
            if own:
                cur.close()

    def preview_rows(self, spec: RevisedTable, rows: pd.DataFrame | StagedRows, *,
                     kind: str | None = None, sha256: str | None = None) -> ImportResult:
        """What committing these rows would do, without writing anything. `changes` holds up
        to 1,000 rows of each kind of change, for display."""
        earlier = self._committed_with_hash(sha256, kind)
        cur = rows.cursor if isinstance(rows, StagedRows) else self._cursor()
        try:
            version = self.data_version()
            source = self._source(spec, rows, cur)
            counts = self._classify(spec, source, cur)
            return ImportResult(None, len(rows), counts["new"], counts["revised"],
                                counts["unchanged"], duplicate_of=earlier,
                                changes=self._change_sample(
                                    cur, counts=counts, spec=spec, source=source,
                                    # an upload's rows in file order, as the preview lists them
                                    ordered_by="_row" if isinstance(rows, StagedRows) else None),
                                data_version=version)
        finally:
            if not isinstance(rows, StagedRows):
                cur.close()

    def _committed_with_hash(self, sha256: str | None, kind: str | None) -> int | None:
        if not sha256:
            return None
        earlier = self.scalar(_SAME_FILE_COMMITTED, [sha256, kind])
        return None if earlier is None else int(earlier)

    def commit_rows(self, spec: RevisedTable, rows: pd.DataFrame | StagedRows, *, kind: str,
                    file_name: str | None, sha256: str | None, who: str | None = None,
                    summary: str | None = None, previewed: ImportResult | None = None,
                    lock_timeout: float | None = None, action: str = "import",
                    first=None) -> ImportResult:
        """Write new and revised rows with their import record in ONE transaction.
        `first(cursor)`, if given, writes what the rows need inside that same transaction
        (a new survey definition for its first answers).

        The same file (by SHA-256) already committed, or a file whose rows all match the store,
        changes nothing and says so. A preview made at the current data version is reused, so a
        checked upload is not compared twice."""
        if len(rows) == 0:
            raise ImportRefused("The file has no rows to import.")
        # Refused before any work: catalogue and settings changes need an admin.
        role = "admin" if spec.table in ("settings", "indicator_edits") else \
            access.role_for_kind(kind)
        self._check_write(role, "change the catalogue or settings" if role == "admin"
                          else "import or edit figures")
        who = who_for(who)
        started = now()
        if not self._write_lock.acquire(timeout=-1 if lock_timeout is None else lock_timeout):
            raise ImportRefused("Another import is being written to the store right now. Wait "
                                 "a moment and press Import again.",
                                 title="The store is busy")
        staged = isinstance(rows, StagedRows)
        cur = rows.cursor if staged else self._cursor()
        try:
            seen = self.data_version()
            earlier = self._committed_with_hash(sha256, kind)
            if earlier is not None:
                return ImportResult(None, len(rows), 0, 0, len(rows), duplicate_of=earlier)
            # Classified under the write lock, so no other writer in this process can slip in
            # before the commit; other servers on PostgreSQL are checked for again below.
            if staged and previewed is not None and previewed.data_version == seen:
                counts = {"new": previewed.rows_new, "revised": previewed.rows_revised,
                          "unchanged": previewed.rows_unchanged}
            else:
                counts = self._classify(spec, self._source(spec, rows, cur), cur)
            sample = previewed.changes if previewed is not None and staged \
                else self._change_sample(cur, counts=counts)
            if counts["new"] + counts["revised"] == 0:
                return ImportResult(None, len(rows), 0, 0, counts["unchanged"], changes=sample)
            cols = ", ".join(spec.columns)
            try:
                # Rows under a new import id: the read copy fetches them by that id.
                with self.transaction(cur=cur, incremental=True) as tx:
                    if self.on_postgres and _version_in(tx) != seen:
                        # Another server wrote between the check above and the advisory lock
                        # this transaction holds: check and classify again, now that nobody can.
                        earlier = _committed_in(tx, sha256, kind)
                        if earlier is not None:
                            raise _NothingToWrite(ImportResult(
                                None, len(rows), 0, 0, len(rows), duplicate_of=earlier))
                        counts = self._classify(spec, self._source(spec, rows, tx), tx)
                        sample = self._change_sample(tx, counts=counts)
                        if counts["new"] + counts["revised"] == 0:
                            raise _NothingToWrite(ImportResult(
                                None, len(rows), 0, 0, counts["unchanged"], changes=sample))
                    n_new, n_rev, n_same = counts["new"], counts["revised"], counts["unchanged"]
                    if first is not None:
                        first(tx)
                    import_id = self._next_id(tx, "import_seq")
                    tx.execute(
                        "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                        "'committed', NULL, NULL, ?)",
                        [import_id, kind, file_name, sha256, len(rows), n_new, n_rev, n_same,
                         who, started, now(), summary])
                    # Every row new (a fresh month, a first load): write straight from the
                    # source rather than joining it to the store's current rows once more.
                    straight = n_rev + n_same == 0
                    if straight:
                        source = self._source(spec, rows, cur)
                        if staged and self.on_postgres:
                            cols = ", ".join(_holding_values(spec, source, tx))
                    else:
                        source = "_changes WHERE change <> 'unchanged'"
                    streamed = straight and self.on_postgres
                    with _one_thread(self._conn) if streamed else nullcontext():
                        tx.execute(f"INSERT INTO {spec.table} ({cols}, import_id) "
                                   f"SELECT {cols}, ? FROM {source}", [import_id])
                    audit_row(tx, action,
                              f"{kind}: {file_name or ''} ({n_new} new, {n_rev} revised)",
                              import_id=int(import_id), who=who)
            except _NothingToWrite as nothing:
                return nothing.result
            return ImportResult(int(import_id), len(rows), n_new, n_rev, n_same, changes=sample)
        finally:
            if not staged:
                cur.close()
            self._write_lock.release()

    def undo_import(self, import_id: int, who: str | None = None) -> None:
        """Mark an import undone: its rows stop counting and the previous values come back."""
        who = who_for(who)
        kind = self.scalar("SELECT kind FROM imports WHERE import_id = ?", [import_id])
        role = access.role_for_kind(kind)
        # Only a status flips: the read copy rereads imports and follows.
        with self.transaction(role=role, incremental=True,
                              doing="undo imports" if role == "editor" else
                              "undo catalogue or settings changes") as cur:
            status = cur.execute("SELECT status FROM imports WHERE import_id = ?",
                                 [import_id]).fetchone()
            if status is None:
                raise ImportRefused(f"There is no import #{import_id}. List imports with "
                                     "`python -m cjmetrics imports`.", title="Nothing was undone")
            if status[0] != "committed":
                raise ImportRefused(f"Import #{import_id} is already undone.",
                                     title="Nothing was undone")
            cur.execute("UPDATE imports SET status = 'undone', undone_at = ?, undone_by = ? "
                        "WHERE import_id = ?", [now(), who, import_id])
            audit_row(cur, "undo", f"import #{import_id} ({kind})", import_id=import_id, who=who)

    # -- what imports did -------------------------------------------------------------------
    def imports(self) -> pd.DataFrame:
        return self.query("SELECT * FROM imports ORDER BY import_id DESC")

    def demo_import_ids(self) -> list[int]:
        """Committed imports of demo data: while any exists the UI labels figures illustrative."""
        return [int(x) for x in self.query(
            "SELECT import_id FROM imports WHERE kind = 'demo' AND status = 'committed'"
        )["import_id"]]

    def import_rows(self, import_id: int, limit: int = 1000) -> pd.DataFrame:
        """The rows an import wrote (observations, targets or annotations)."""
        frames = []
        for spec in (OBSERVATIONS, TARGETS, ANNOTATIONS):
            frame = self.query(f"SELECT * EXCLUDE (import_id) FROM {spec.table} "
                               f"WHERE import_id = ? LIMIT {int(limit)}", [import_id])
            if len(frame):
                frames.append(frame.assign(table=spec.table))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def undo_preview(self, import_id: int, limit: int = 1000) -> pd.DataFrame:
        """What undoing an import would do to each of its figures: the value now and the value
        that comes back (blank when the figure disappears)."""
        return self.query(f"""
            WITH mine AS (SELECT * FROM observations WHERE import_id = $id),
            earlier AS (
                SELECT o.* FROM observations o JOIN mine m USING
                    (indicator_id, area_code, period_start, period_end, breakdown)
                WHERE o.import_id < $id
                  AND o.import_id IN (SELECT import_id FROM imports WHERE status = 'committed')
                QUALIFY row_number() OVER (PARTITION BY o.indicator_id, o.area_code,
                    o.period_start, o.period_end, o.breakdown ORDER BY o.import_id DESC) = 1),
            later AS (
                SELECT DISTINCT o.indicator_id, o.area_code, o.period_start, o.period_end,
                       o.breakdown
                FROM observations o JOIN mine m USING
                    (indicator_id, area_code, period_start, period_end, breakdown)
                WHERE o.import_id > $id
                  AND o.import_id IN (SELECT import_id FROM imports WHERE status = 'committed'))
            SELECT m.indicator_id, m.area_code, m.period_label, m.breakdown,
                   m.value AS value_in_import, e.value AS value_after_undo,
                   CASE WHEN l.indicator_id IS NOT NULL THEN 'kept: a later import revised it'
                        WHEN e.indicator_id IS NULL THEN 'removed'
                        ELSE 'previous value restored' END AS effect
            FROM mine m
            LEFT JOIN earlier e USING (indicator_id, area_code, period_start, period_end, breakdown)
            LEFT JOIN later l USING (indicator_id, area_code, period_start, period_end, breakdown)
            ORDER BY m.indicator_id, m.area_code, m.period_start
            LIMIT {int(limit)}""", {"id": import_id})


_SAME_FILE_COMMITTED = ("SELECT min(import_id) FROM imports WHERE sha256 = ? AND kind = ? "
                        "AND status = 'committed'")


class _NothingToWrite(Exception):
    """Raised inside a write transaction to end it unwritten (rolled back, version unmoved)."""

    def __init__(self, result: ImportResult):
        super().__init__("nothing to write")
        self.result = result


def _holding_values(spec: RevisedTable, source: str, cur) -> list[str]:
    """The columns of `source` that hold a value in some row. A column left out of an INSERT
    is NULL all the same (only key columns have defaults, and they are always written), but
    it is not sent: each empty column of a million-row upload (numerator, note...) would
    otherwise be a field in every row of the binary COPY to PostgreSQL."""
    optional = [c for c in spec.columns if c not in spec.key]
    if not optional:
        return list(spec.columns)
    held = cur.execute("SELECT " + ", ".join(f"count({c}) > 0" for c in optional)
                       + f" FROM {source}").fetchone()
    empty = {c for c, has in zip(optional, held) if not has}
    return [c for c in spec.columns if c not in empty]


@contextmanager
def _one_thread(conn: duckdb.DuckDBPyConnection):
    """DuckDB on one thread while rows stream into PostgreSQL's COPY. That write is a single
    pipeline: when one of DuckDB's worker threads runs it, the calling thread waits for the
    end of the query by polling without pause, a core taken from the PostgreSQL server that
    is receiving the rows (a million-row import used a third more CPU and took about 0.1 s
    longer). The setting is the whole connection's, so it is put back at once, through a
    cursor of its own: a failed write leaves the transaction's cursor refusing statements."""
    with conn.cursor() as own:
        before = int(own.execute("SELECT current_setting('threads')").fetchone()[0])
        own.execute("SET threads = 1")
        try:
            yield
        finally:
            own.execute(f"SET threads = {before}")


def _version_in(cur) -> int:
    return int(cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0])


def _committed_in(cur, sha256: str | None, kind: str | None) -> int | None:
    if not sha256:
        return None
    earlier = cur.execute(_SAME_FILE_COMMITTED, [sha256, kind]).fetchone()[0]
    return None if earlier is None else int(earlier)
