"""Maintenance: table counts and content digests, the store's integrity rules, and backups."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Sequence

import duckdb

from ..errors import DiskFullError, StoreError
from .connection import StoreBase
from .tables import REVISED_TABLES


class MaintenanceMixin(StoreBase):
    def table_counts(self) -> dict[str, int]:
        tables = self.query("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                            "ORDER BY table_name")["table_name"]
        return {t: int(self.scalar(f'SELECT count(*) FROM "{t}"')) for t in tables}

    def checksum(self, exclude: Sequence[str] = ()) -> str:
        """A digest of every table's content (but `exclude`), to prove a failed import changed
        nothing or a restored store equals its backup."""
        digest = hashlib.sha256()
        for table in self.table_counts():
            if table in exclude:
                continue
            frame = self.query(f'SELECT * FROM "{table}"')
            frame = frame.sort_values(list(frame.columns)).reset_index(drop=True) \
                if len(frame) else frame
            digest.update(table.encode())
            digest.update(frame.to_csv(index=False).encode())
        return digest.hexdigest()

    def integrity_problems(self) -> list[str]:
        """Sentences for anything that breaks the store's own rules (empty when all is well):
        every row belongs to a recorded import, every committed import that wrote figures still
        has them, and no import wrote the same key twice."""
        problems = []
        for spec in REVISED_TABLES:
            orphans = self.scalar(f"SELECT count(*) FROM {spec.table} WHERE import_id NOT IN "
                                  "(SELECT import_id FROM imports)")
            if orphans:
                problems.append(f"{orphans} {spec.table} rows belong to no recorded import.")
            keys = ", ".join(spec.key)
            doubled = self.scalar(f"SELECT count(*) FROM (SELECT {keys}, import_id FROM "
                                  f"{spec.table} GROUP BY ALL HAVING count(*) > 1)")
            if doubled:
                problems.append(f"{doubled} {spec.table} keys were written twice by one import.")
        written = " UNION ALL ".join(f"SELECT import_id FROM {spec.table}"
                                     for spec in REVISED_TABLES)
        empty = self.scalar(f"""
            SELECT count(*) FROM imports WHERE status = 'committed'
              AND rows_new + rows_revised > 0 AND import_id NOT IN ({written})""")
        if empty:
            problems.append(f"{empty} committed imports have lost the rows they wrote.")
        return problems

    def backup_to(self, target: Path | str) -> Path:
        """Copy the whole store into a new DuckDB file `target`, consistently: DuckDB copies one
        snapshot, so imports committing meanwhile are either wholly in the copy or not at all,
        and the dashboard keeps working while it runs."""
        target = Path(target).resolve()
        if target.exists():
            raise StoreError(f"{target} already exists. Choose a new file name for the backup, "
                             "so an earlier backup is never overwritten.",
                             title="The backup was not written")
        if target == self.path.resolve():
            raise StoreError("A backup must go to another file than the store itself.",
                             title="The backup was not written")
        target.parent.mkdir(parents=True, exist_ok=True)
        alias = "cjmetrics_backup"
        cur = self._conn.cursor()
        try:
            catalog = cur.execute("SELECT current_database()").fetchone()[0]
            # ATTACH takes a path as a string literal (it cannot be a bound parameter): quote it.
            cur.execute(f"ATTACH '{str(target).replace(chr(39), chr(39) * 2)}' AS {alias} "
                        "(READ_ONLY false)")  # writable even from a read-only store
            try:
                cur.execute(f'COPY FROM DATABASE "{catalog}" TO {alias}')
            finally:
                cur.execute(f"DETACH {alias}")
        except duckdb.Error as exc:
            target.unlink(missing_ok=True)
            Path(str(target) + ".wal").unlink(missing_ok=True)
            if "no space left" in str(exc).lower():
                raise DiskFullError(
                    f"The disk holding {target} is full, so the backup could not be written; the "
                    "store itself is unchanged. Free some space or choose another disk.") from exc
            raise StoreError(f"The backup to {target} failed ({str(exc).splitlines()[0]}). "
                             "The store itself is unchanged.",
                             title="The backup was not written") from exc
        finally:
            cur.close()
        return target
