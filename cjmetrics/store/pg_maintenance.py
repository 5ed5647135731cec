"""Backup, restore and check for a store on PostgreSQL, without pg_dump.

A backup is the same portable DuckDB file a file store writes: a new file given this schema by
the migrations, filled from ONE PostgreSQL snapshot, with the manifest of what it holds. A
restore reads such a file (checked in full first, by the caller) into PostgreSQL in one
transaction: every table emptied and refilled, the id sequences moved past the restored ids and
the data version moved past every version any server has cached.
"""

from __future__ import annotations

from pathlib import Path

from . import postgres
from .connection import StoreBase
from .verify import TableDigest, table_digests, write_manifest

BACKUP, SOURCE = "cjmetrics_backup", "cjmetrics_restore"
SEQUENCES = (("import_seq", "imports", "import_id"), ("audit_seq", "audit", "audit_id"))
SUMMARISE_BRIN = ("SELECT brin_summarize_new_values(i.indexrelid) FROM pg_index i "
                  "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                  "WHERE a.amname = 'brin' AND c.relnamespace = 'public'::regnamespace")


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


class PostgresMaintenanceMixin(StoreBase):
    def postgres_digests(self) -> dict[str, TableDigest]:
        """Every table of the database read in full: its rows and their digest."""
        cur = self._cursor()
        try:
            return table_digests(cur, postgres.CATALOG, "public")
        finally:
            cur.close()

    def _backup_postgres(self, target: Path) -> None:
        blank = StoreBase(target, read_only=False)
        try:
            blank.migrate()  # this schema, sequences included
        finally:
            blank.close()
        cur = self._cursor()
        try:
            cur.execute(f"ATTACH {_quoted(target)} AS {BACKUP}")
            try:
                cur.begin()  # one PostgreSQL snapshot for every table
                try:
                    digests = table_digests(cur, postgres.CATALOG, "public")
                    for table in digests:
                        cur.execute(f'DELETE FROM {BACKUP}.main."{table}"')
                        cur.execute(f'INSERT INTO {BACKUP}.main."{table}" BY NAME '
                                    f'SELECT * FROM {postgres.CATALOG}.public."{table}"')
                    for sequence, table, column in SEQUENCES:
                        # DuckDB cannot set a sequence: draw it up to the highest id held.
                        cur.execute(f"SELECT max(nextval('{BACKUP}.main.{sequence}')) FROM "
                                    f"range((SELECT coalesce(max({column}), 0) "
                                    f"FROM {BACKUP}.main.{table}))")
                    write_manifest(cur, BACKUP, digests)
                    cur.commit()
                except BaseException:
                    cur.rollback()
                    raise
            finally:
                cur.execute(f"DETACH {BACKUP}")
        finally:
            cur.close()

    def restore_from(self, source: Path) -> None:
        """Replace every table's rows by those of the backup file `source` (already checked),
        in one PostgreSQL transaction: a failure leaves the database as it was."""
        cur = self._cursor()
        try:
            cur.execute(f"ATTACH {_quoted(Path(source))} AS {SOURCE} (READ_ONLY)")
            try:
                held = set(self.table_counts())
                incoming = [r[0] for r in cur.execute(
                    "SELECT table_name FROM duckdb_tables() WHERE database_name = ? "
                    "AND schema_name = 'main'", [SOURCE]).fetchall()]
                with self.transaction(cur=cur, bump=False, role="admin",
                                      doing="restore a backup") as tx:
                    before = int(tx.execute("SELECT value FROM meta "
                                            "WHERE key = 'data_version'").fetchone()[0])
                    for table in sorted(held):
                        tx.execute(f'DELETE FROM "{table}"')
                    for table in incoming:
                        if table in held:
                            tx.execute(f'INSERT INTO "{table}" BY NAME '
                                       f'SELECT * FROM {SOURCE}.main."{table}"')
                    # The import-id indexes (BRIN) summarise the restored rows now, not when
                    # autovacuum comes by: until then every server's catch-up after an import
                    # would read the whole of each table.
                    postgres.native(tx, SUMMARISE_BRIN)
                    for sequence, table, column in SEQUENCES:
                        top = tx.execute(f"SELECT coalesce(max({column}), 0) "
                                         f"FROM {table}").fetchone()[0]
                        postgres.native(tx, f"SELECT setval('{sequence}', {int(top) + 1}, "
                                            "false)")
                    # Past every version a server has cached, so each one rereads.
                    tx.execute("UPDATE meta SET value = greatest(value, ?) + 1 "
                               "WHERE key = 'data_version'", [before])
            finally:
                cur.execute(f"DETACH {SOURCE}")
        finally:
            cur.close()
