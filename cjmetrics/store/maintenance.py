"""Maintenance: table counts and content digests, the store's integrity rules, verified
backups, clearing what a crash left of an unfinished write, and checking a store or backup file
reads in full (see verify.py)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import duckdb

from .. import access
from ..errors import DiskFull, StoreInUse, StoreUnavailable
from .audit import audit_row
from .connection import StoreBase
from .pg_maintenance import PostgresMaintenanceMixin
from .schema import SCHEMA_VERSION
from .tables import REVISED_TABLES
from .verify import file_damage, manifest_mismatch, table_digests, write_manifest

_log = logging.getLogger("cjmetrics")


@dataclass(frozen=True)
class FileCheck:
    """What reading a store file in full found. `problem` is a clause ("block 3 does not match
    its checksum") for the caller's sentence; None when the file is sound."""

    problem: str | None
    schema_version: int | None = None
    tables: int = 0
    rows: int = 0
    newer: bool = False  # written by a newer cjmetrics: sound, but not for this version


class MaintenanceMixin(PostgresMaintenanceMixin, StoreBase):
    def table_counts(self) -> dict[str, int]:
        tables = self.query(f"SELECT table_name FROM duckdb_tables() WHERE {self._tables_where()} "
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
        has them, and no import wrote the same key twice. Tables an older schema lacks (a backup
        from an earlier version) are skipped."""
        problems = []
        specs = [spec for spec in REVISED_TABLES if self._has_table(spec.table)]
        for spec in specs:
            orphans = self.scalar(f"SELECT count(*) FROM {spec.table} WHERE import_id NOT IN "
                                  "(SELECT import_id FROM imports)")
            if orphans:
                problems.append(f"{orphans} {spec.table} rows belong to no recorded import.")
            keys = ", ".join(spec.key)
            doubled = self.scalar(f"SELECT count(*) FROM (SELECT {keys}, import_id FROM "
                                  f"{spec.table} GROUP BY ALL HAVING count(*) > 1)")
            if doubled:
                problems.append(f"{doubled} {spec.table} keys were written twice by one import.")
        written = " UNION ALL ".join(f"SELECT import_id FROM {spec.table}" for spec in specs)
        empty = self.scalar(f"""
            SELECT count(*) FROM imports WHERE status = 'committed'
              AND rows_new + rows_revised > 0 AND import_id NOT IN ({written})""")
        if empty:
            problems.append(f"{empty} committed imports have lost the rows they wrote.")
        return problems

    def clear_interrupted_writes(self) -> int:
        """Remove rows no import records, left by a write that a crash cut short, and say so
        in the audit log; returns how many rows went. Every import writes its rows and its
        import record in one transaction, so such rows were never committed; but DuckDB 1.5.5,
        replaying a write-ahead log cut off mid-commit, can keep the first table's rows without
        the rest (duckdb/duckdb pull request 25931, "Fix uncommitted data recovered
        accidentally"). Their import id is above every recorded one (ids only grow), and the
        next import could be given it, so they go when the store is opened, before any write.
        The file engine only: PostgreSQL commits all or nothing itself."""
        if self.on_postgres or self.read_only or not self._has_table("imports"):
            return 0
        last = self.scalar("SELECT coalesce(max(import_id), 0) FROM imports")
        specs = [spec for spec in REVISED_TABLES if self._has_table(spec.table)]
        stray = {spec.table: int(self.scalar(
            f"SELECT count(*) FROM {spec.table} WHERE import_id > ?", [last])) for spec in specs}
        stray = {table: n for table, n in stray.items() if n}
        if not stray:
            return 0
        what = ", ".join(f"{n:,} {table} rows" for table, n in stray.items())
        with access.acting(access.SYSTEM), self.transaction(role=None) as cur:
            for table in stray:
                cur.execute(f"DELETE FROM {table} WHERE import_id > ?", [last])
            audit_row(cur, "recover", f"cleared {what} of an import a crash interrupted "
                                      "before it was recorded")
        _log.warning("%s: cleared %s of an import interrupted before it was recorded",
                     self.label, what)
        return sum(stray.values())

    def backup_to(self, target: Path | str) -> Path:
        """Copy the whole store into a new DuckDB file `target`, consistently: DuckDB copies one
        snapshot, so imports committing meanwhile are either wholly in the copy or not at all,
        and the dashboard keeps working while it runs. The copy carries a manifest of what it
        holds, written in the same transaction, and is read back in full before this returns;
        a copy that does not read back is deleted. Administrators only (a read-only server's
        store is copied too, so only the role is checked, not the store's writability)."""
        if not access.current().can("admin"):
            access.require("admin", "back up the store")  # raises the sentence for the role
        target = Path(target).resolve()
        if target.exists():
            raise StoreUnavailable(
                f"{target} already exists. Choose a new file name for the backup, "
                "so an earlier backup is never overwritten.",
                title="The backup was not written")
        if self.path is not None and target == self.path.resolve():
            raise StoreUnavailable("A backup must go to another file than the store itself.",
                             title="The backup was not written")
        target.parent.mkdir(parents=True, exist_ok=True)
        alias = "cjmetrics_backup"
        cur = self._cursor()
        try:
            if self.on_postgres:  # a file like any other, from one PostgreSQL snapshot
                self._backup_postgres(target)
            else:
                _copy_file_store(cur, target, alias)
        except duckdb.Error as exc:
            _discard(target)
            if "no space left" in str(exc).lower():
                raise DiskFull(
                    f"The disk holding {target} is full, so the backup could not be written; the "
                    "store itself is unchanged. Free some space or choose another disk.") from exc
            raise StoreUnavailable(f"The backup to {target} failed ({str(exc).splitlines()[0]}). "
                             "The store itself is unchanged.",
                             title="The backup was not written") from exc
        finally:
            cur.close()
        found = check_file(target)
        if found.problem:
            _discard(target)
            raise StoreUnavailable(f"The backup written to {target} did not read back in full "
                             f"({found.problem}), so it was deleted; the store itself is "
                             "unchanged. Try again, or write the backup to another disk.",
                             title="The backup was not written")
        return target


def _copy_file_store(cur: duckdb.DuckDBPyConnection, target: Path, alias: str) -> None:
    catalog = cur.execute("SELECT current_database()").fetchone()[0]
    # ATTACH takes a path as a string literal (it cannot be a bound parameter): quote it.
    cur.execute(f"ATTACH '{str(target).replace(chr(39), chr(39) * 2)}' AS {alias} "
                "(READ_ONLY false)")  # writable even from a read-only store
    try:
        # One transaction: the manifest describes exactly the snapshot copied.
        cur.begin()
        try:
            digests = table_digests(cur, catalog)
            cur.execute(f'COPY FROM DATABASE "{catalog}" TO {alias}')
            write_manifest(cur, alias, digests)
            cur.commit()
        except BaseException:
            cur.rollback()
            raise
    finally:
        cur.execute(f"DETACH {alias}")


def _discard(target: Path) -> None:
    target.unlink(missing_ok=True)
    Path(str(target) + ".wal").unlink(missing_ok=True)


def check_file(path: Path | str) -> FileCheck:
    """Read a store or backup file in full, without changing it: DuckDB's checksum of every
    block, every row of every table (compared with a backup's manifest), then the store's own
    integrity rules. The file must not be open read-write in another program."""
    path = Path(path)
    if not path.is_file():
        return FileCheck("there is no such file")
    try:
        damage = file_damage(path)
    except ValueError:
        return FileCheck("it is not a DuckDB file")
    except OSError as exc:
        return FileCheck(f"it cannot be read ({exc.strerror})")
    if damage:
        return FileCheck(f"it is damaged: {damage}")
    try:
        probe = MaintenanceMixin(path, read_only=True)
    except StoreInUse:
        raise  # in use: the caller says so, rather than calling the file damaged
    except StoreUnavailable as exc:
        return FileCheck(f"DuckDB cannot open it ({exc.user_message})")
    try:
        cur = probe._cursor()
        try:
            catalog = cur.execute("SELECT current_database()").fetchone()[0]
            if not (probe._has_table("imports") and probe._has_table("schema_version")):
                return FileCheck("it is a DuckDB file but not a cjmetrics store")
            digests = table_digests(cur, catalog)
            mismatch = manifest_mismatch(cur, catalog, digests)
        finally:
            cur.close()
        found = dict(schema_version=probe.schema_version(), tables=len(digests),
                     rows=sum(d.rows for d in digests.values()))
        if mismatch:
            return FileCheck(f"it does not hold what was written to it: {mismatch}", **found)
        if found["schema_version"] > SCHEMA_VERSION:
            return FileCheck(None, newer=True, **found)
        problems = probe.integrity_problems()
        if problems:
            rules = "; ".join(problem.rstrip(".") for problem in problems)
            return FileCheck(f"it breaks the store's own rules ({rules})", **found)
        return FileCheck(None, **found)
    except duckdb.Error as exc:
        return FileCheck(f"it is damaged: reading it failed ({str(exc).splitlines()[0]})")
    finally:
        probe.close()
