"""The store on PostgreSQL: DuckDB's postgres extension attaches the database as catalog `store`
and makes it the default, so every query of the store package runs unchanged (one SQL dialect).

The extension comes from PyPI (duckdb-extension-postgres, the same version as duckdb) and is
loaded from the installed package: nothing is downloaded at run time. What PostgreSQL does not
take through the attachment (sequences) runs natively with postgres_execute. Staging tables stay
TEMP in this process's DuckDB memory; writes run in PostgreSQL transactions through the
attachment, serialised across every server by an advisory lock and read at READ COMMITTED, so a
write sees what other servers committed before it.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import duckdb

from ..config import masked
from ..errors import StoreReadOnly, StoreUnavailable

CATALOG = "store"
MIGRATION_LOCK = 0x636A6D01  # "cjm" 1: schema migrations
WRITE_LOCK = 0x636A6D02  # "cjm" 2: every write transaction


def _extension_file() -> Path:
    """The extension binary, under the name DuckDB expects (postgres_scanner)."""
    try:
        import duckdb_extension_postgres
    except ImportError as exc:
        raise StoreUnavailable("This installation cannot reach PostgreSQL: the Python package "
                         "duckdb-extension-postgres is missing. Run `make install` (or "
                         "`pip install -r requirements.txt`) and start again.") from exc
    shipped = (Path(duckdb_extension_postgres.__file__).parent / "extensions"
               / f"v{duckdb.__version__}" / "postgres.duckdb_extension")
    if not shipped.exists():
        raise StoreUnavailable(
            f"duckdb-extension-postgres does not match duckdb {duckdb.__version__}. "
            "Install the versions pinned in requirements.txt.")
    # The binary's entry point is named after postgres_scanner, and DuckDB derives the entry
    # point from the file name: a link under that name in a private folder.
    folder = Path(tempfile.gettempdir()) / f"cjmetrics-duckdb-{duckdb.__version__}-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    link = folder / "postgres_scanner.duckdb_extension"
    if not link.exists() or link.resolve() != shipped.resolve():
        tmp = folder / f"link-{os.getpid()}"
        tmp.unlink(missing_ok=True)
        tmp.symlink_to(shipped)
        tmp.replace(link)
    return link


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def connect(url: str, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with the PostgreSQL database attached as the default catalog."""
    conn = duckdb.connect(config={"autoinstall_known_extensions": False,
                                  "autoload_known_extensions": False})
    try:
        conn.execute(f"LOAD {_literal(str(_extension_file()))}")
        # One COPY per table scan, not several in parallel over ctid ranges (each with its own
        # connection and exported snapshot): the store's reads are small or filtered in
        # PostgreSQL, and that set-up was most of their cost (bench/results/pg_speed.md).
        conn.execute("SET GLOBAL pg_use_ctid_scan = false")
        options = "TYPE postgres" + (", READ_ONLY" if read_only else "")
        conn.execute(f"ATTACH {_literal(url)} AS {CATALOG} ({options})")
        conn.execute(f"USE {CATALOG}")
    except duckdb.Error as exc:
        conn.close()
        raise StoreUnavailable(_connect_sentence(url, exc)) from exc
    return conn


def _connect_sentence(url: str, exc: Exception) -> str:
    text = masked(str(exc)).splitlines()[0] if str(exc) else type(exc).__name__
    where = masked(url)
    low = text.lower()
    if "password authentication failed" in low or "no password supplied" in low:
        return (f"PostgreSQL refused the sign-in to {where}: the user name or password is wrong. "
                "Check CJMETRICS_DB (or [cjmetrics] db in the secrets) with the database's "
                "administrator.")
    if "does not exist" in low and "database" in low:
        return (f"The PostgreSQL database named in {where} does not exist. Create it (createdb) "
                "or correct CJMETRICS_DB.")
    if "connection refused" in low or "could not connect" in low or "no such file" in low \
            or "timeout" in low or "could not translate host" in low:
        return (f"cjmetrics could not reach PostgreSQL at {where}: the server is not running or "
                "not reachable from here. Start it, or correct CJMETRICS_DB, and try again.")
    return (f"cjmetrics could not open the PostgreSQL database {where} ({text}). Check "
            "CJMETRICS_DB with the database's administrator.")


def native(cur: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Run a statement in PostgreSQL itself (inside the cursor's transaction, if any)."""
    cur.execute(f"CALL postgres_execute({_literal(CATALOG)}, {_literal(sql)})")


def next_value(cur: duckdb.DuckDBPyConnection, sequence: str) -> int:
    return int(cur.execute(f"SELECT * FROM postgres_query({_literal(CATALOG)}, "
                           f"{_literal(f'SELECT nextval({_literal(sequence)}) AS n')})"
                           ).fetchone()[0])


def begin_write(cur: duckdb.DuckDBPyConnection, lock: int = WRITE_LOCK) -> None:
    """The first statements of a write transaction: READ COMMITTED (so reads after the lock see
    what other servers committed) and the advisory lock that serialises writers."""
    native(cur, "SET TRANSACTION ISOLATION LEVEL READ COMMITTED")
    native(cur, f"SELECT pg_advisory_xact_lock({int(lock)})")


_NATIVE_DDL = re.compile(r"\bSEQUENCE\b|\bnextval\(", re.IGNORECASE)


def runs_natively(statement: str) -> bool:
    """Migration statements the attachment cannot run (sequences and their defaults)."""
    return bool(_NATIVE_DDL.search(statement))


def refused_write(exc: Exception) -> bool:
    """PostgreSQL (or the read-only attachment) refused a write for want of privilege."""
    low = str(exc).lower()
    return "permission denied" in low or "read-only" in low or "read_only" in low \
        or "cannot execute" in low and "read-only transaction" in low


def read_only_error(where: str, doing: str) -> StoreReadOnly:
    return StoreReadOnly(
        f"This dashboard connects to PostgreSQL ({where}) as a role that may only read, so "
        f"nobody can {doing} here. Use the partnership's editing copy of cjmetrics, or ask the "
        "database's administrator for a role that may write.")
