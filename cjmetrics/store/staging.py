"""Staging: where an upload is read, mapped and checked before anything reaches the store.

`store.staging()` gives a `Stage`, a private cursor of the store's DuckDB connection whose tables
and views are all TEMP: they live in this process's memory, never in the store's file or its
PostgreSQL database, vanish with the stage, and are seen by no other cursor. Ingest builds every
intermediate table through the methods below (it composes the SELECTs and rule conditions, the
stage runs them) and names only objects this stage created, so the whole of an upload's SQL runs
in one place and the same code serves either engine.
"""

from __future__ import annotations

import threading
from typing import Sequence

import duckdb
import pandas as pd


class StagingError(Exception):
    """A statement on staged cells failed (an unreadable CSV, say): `str()` is DuckDB's text."""


def ident(name: str) -> str:
    """A column or table name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def free_name(name: str, taken) -> str:
    """`name`_1, or the first `name`_N not in `taken`: what DuckDB calls a repeated column."""
    n = 1
    while f"{name}_{n}" in taken:
        n += 1
    return f"{name}_{n}"


class Stage:
    """TEMP tables and views on a private cursor; see the module docstring."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection):
        self.cursor = cursor
        self._kinds: dict[str, str] = {}  # name -> "TABLE" or "VIEW"
        self._frames = 0
        self._lock = threading.Lock()

    # -- lifetime -------------------------------------------------------------------------
    def close(self) -> None:
        self.cursor.close()

    def __enter__(self) -> "Stage":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _own(self, name: str) -> str:
        if name not in self._kinds:
            raise KeyError(f"{name} was not created on this stage")
        return name

    def _run(self, sql: str, params: Sequence | None = None):
        try:
            return self.cursor.execute(sql, params or [])
        except duckdb.Error as exc:
            raise StagingError(str(exc)) from exc

    # -- creating ---------------------------------------------------------------------------
    def define(self, name: str, select: str, *, view: bool = False,
               params: Sequence | None = None) -> None:
        """TEMP table (or view) `name` AS `select`, replacing one of that name."""
        kind = "VIEW" if view else "TABLE"
        if self._kinds.get(name, kind) != kind:
            self.drop(name)
        self._run(f"CREATE OR REPLACE TEMP {kind} {name} AS {select}", params)
        self._kinds[name] = kind

    def create(self, name: str, columns: dict[str, str]) -> None:
        """An empty TEMP table with these columns (name -> SQL type)."""
        cols = ", ".join(f"{ident(c)} {t}" for c, t in columns.items())
        self._run(f"CREATE OR REPLACE TEMP TABLE {name} ({cols})")
        self._kinds[name] = "TABLE"

    def load_frame(self, name: str, frame: pd.DataFrame, *, as_text: bool = False) -> None:
        """A DataFrame as TEMP table `name` (every column text with `as_text`)."""
        with self._lock:
            self._frames += 1
            handle = f"stage_frame_{self._frames}"
        self.cursor.register(handle, frame)
        try:
            cols = "COLUMNS(*)::VARCHAR" if as_text else "*"
            self.define(name, f"SELECT {cols} FROM {handle}")
        finally:
            self.cursor.unregister(handle)

    def load_csv(self, name: str, path: str, row_column: str,
                 max_line_size: int) -> tuple[list[tuple], str | None]:
        """Every cell of a CSV file as text in TEMP table `name`, with `row_column` numbering
        the rows as a spreadsheet shows them (the header is row 1, rejected lines keep their
        numbers). Returns the rejected lines, (line, error type, message, the line's text), and
        the name a column of the file called `row_column` was given (None when it has none).
        `row_column` is the table's last column."""
        self.define(name, f"""SELECT * FROM read_csv(?, all_varchar = true, header = true,
            store_rejects = true, auto_detect = true, max_line_size = {int(max_line_size)})""",
                    params=[path])
        # A header of that name keeps its cells under another name, as DuckDB names a repeated
        # column (the upload then says why it is not read).
        taken = self.columns(name)
        renamed = free_name(row_column, taken) if row_column in taken else None
        if renamed:
            self.rename_column(name, row_column, renamed)
        # Numbered from the rowid of the new table (file order, as read), not by a window
        # over the read: row_number() OVER () made the read of a large file about half again
        # as long.
        self._run(f"ALTER TABLE {name} ADD COLUMN {ident(row_column)} BIGINT")
        self._run(f"UPDATE {name} SET {ident(row_column)} = rowid + 2")
        # DuckDB logs a rejected line once per surplus field: one row per line is enough.
        rejected = self._run(
            "SELECT line, any_value(error_type ORDER BY column_idx), "
            "any_value(error_message ORDER BY column_idx), any_value(csv_line) "
            "FROM reject_errors GROUP BY line ORDER BY line").fetchall()
        if rejected:
            # Rejected lines leave no row: number the rows that follow them by the line they
            # came from, not by their position among the accepted rows.
            self._run(f"""
                UPDATE {name} SET {row_column} = lines.line FROM (
                    SELECT l AS line, (row_number() OVER (ORDER BY l) + 1)::BIGINT AS seq
                    FROM range(2, ?) t(l)
                    WHERE l NOT IN (SELECT DISTINCT line FROM reject_errors)) lines
                WHERE {name}.{row_column} = lines.seq""",
                      [self.count(name) + len(rejected) + 2])
        return rejected, renamed

    def sniff_quote(self, path: str, max_line_size: int) -> str | None:
        """The quote character DuckDB's sniffer chose for a CSV file ("" for none), or None."""
        try:
            return self._run(f"SELECT Quote FROM sniff_csv(?, ignore_errors = true, "
                             f"max_line_size = {int(max_line_size)})", [path]).fetchone()[0]
        except StagingError:
            return None

    # -- changing ---------------------------------------------------------------------------
    def append(self, name: str, select: str, params: Sequence | None = None) -> None:
        """INSERT the rows of `select` into `name`."""
        self._run(f"INSERT INTO {self._own(name)} {select}", params)

    def append_row(self, name: str, values: Sequence) -> None:
        marks = ", ".join("?" for _ in values)
        self._run(f"INSERT INTO {self._own(name)} VALUES ({marks})", list(values))

    def update(self, name: str, sets: str, where: str | None = None, *,
               using: str | None = None, params: Sequence | None = None) -> None:
        """UPDATE `name` SET `sets` [FROM `using`] [WHERE `where`]."""
        if using is not None:
            self._own(using.split()[0])
        self._run(f"UPDATE {self._own(name)} SET {sets}"
                  + (f" FROM {using}" if using else "")
                  + (f" WHERE {where}" if where else ""), params)

    def delete(self, name: str, where: str) -> None:
        self._run(f"DELETE FROM {self._own(name)} WHERE {where}")

    def add_columns(self, name: str, columns: Sequence[str], sql_type: str = "VARCHAR") -> None:
        for column in columns:
            self._run(f"ALTER TABLE {self._own(name)} ADD COLUMN {ident(column)} {sql_type}")

    def rename_column(self, name: str, old: str, new: str) -> None:
        self._run(f"ALTER TABLE {self._own(name)} RENAME COLUMN {ident(old)} TO {ident(new)}")

    def drop(self, *names: str) -> None:
        """Drop tables or views of this stage (those already gone are ignored)."""
        for name in names:
            kind = self._kinds.pop(name, None)
            if kind is not None:
                self._run(f"DROP {kind} IF EXISTS {name}")

    # -- reading ----------------------------------------------------------------------------
    def columns(self, name: str) -> list[str]:
        return [r[0] for r in self._run(f"DESCRIBE {self._own(name)}").fetchall()]

    def count(self, name: str, where: str | None = None) -> int:
        return int(self._run(f"SELECT count(*) FROM {self._own(name)}"
                             + (f" WHERE {where}" if where else "")).fetchone()[0])

    def exists(self, name: str, where: str) -> bool:
        """Whether any row of `name` meets `where` (stops at the first)."""
        return bool(self._run(f"SELECT count(*) FROM (SELECT 1 FROM {self._own(name)} "
                              f"WHERE {where} LIMIT 1)").fetchone()[0])

    def rows(self, select: str, params: Sequence | None = None) -> list[tuple]:
        return self._run(select, params).fetchall()

    def frame(self, select: str, params: Sequence | None = None) -> pd.DataFrame:
        return self._run(select, params).df()


class StagingMixin:
    """`store.staging()`: a Stage on a private cursor of this store's connection."""

    def staging(self) -> Stage:
        return Stage(self._cursor())
