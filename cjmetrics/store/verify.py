"""Proving a store file reads in full: DuckDB's own block checksums over every byte of the file,
then every row of every column of every table, compared with the manifest a backup carries.

DuckDB only checks a block's checksum when it reads that block, and a query reads only the blocks
it needs (an index block, a free block or a column nobody selects is never looked at), so a
damaged file can open and answer queries and fail later, on the first write. Here the whole file
is checked at once, the way DuckDB checks each block: the file is a 4 KB main header, two 4 KB
database headers and then fixed-size blocks, each starting with the 8-byte checksum of the rest.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np

# A backup carries what it holds (per table: rows and a digest of every value) in this schema,
# written in the same transaction as the copy; a restore drops it once it has been checked.
MANIFEST_SCHEMA = "cjmetrics_backup"

_HEADER = 4096                      # main header, then two database headers of this size
_BLOCKS_START = 3 * _HEADER
_CHECKSUM_SEED = np.uint64(5381)
_CHECKSUM_FACTOR = np.uint64(0xbf58476d1ce4e5b9)
_CHUNK_BLOCKS = 64                  # blocks read at a time (16 MB at the default block size)


@dataclass(frozen=True)
class TableDigest:
    rows: int
    digest: int  # sum of the row hashes: independent of row order


def _checksum(buffer: bytes) -> int:
    """DuckDB's block checksum (common/checksum.cpp): the XOR of every 8-byte word times a
    constant, seeded with 5381. Headers and blocks are whole words long."""
    words = np.frombuffer(buffer, dtype="<u8")
    with np.errstate(over="ignore"):
        return int(np.bitwise_xor.reduce(words * _CHECKSUM_FACTOR) ^ _CHECKSUM_SEED)


def file_damage(path: Path) -> str | None:
    """What is wrong with the bytes of a DuckDB file (None: every header and every block
    matches its checksum). Raises ValueError when the file is not a DuckDB file at all."""
    size = path.stat().st_size
    with open(path, "rb") as handle:
        headers = handle.read(_BLOCKS_START)
        if len(headers) < _BLOCKS_START or headers[8:12] != b"DUCK":
            raise ValueError("not a DuckDB file")
        for offset in (0, _HEADER, 2 * _HEADER):
            stored = struct.unpack_from("<Q", headers, offset)[0]
            if stored != _checksum(headers[offset + 8:offset + _HEADER]):
                return "a header of the file does not match its checksum"
        # The database header with the higher iteration is the one in use.
        active = max((struct.unpack_from("<8Q", headers, offset)
                      for offset in (_HEADER, 2 * _HEADER)), key=lambda fields: fields[1])
        block_count, block_size = active[4], active[5]
        if block_size < 4096 or block_size % 8 or block_count > size:
            return "its header describes no valid layout"
        if size < _BLOCKS_START + block_count * block_size:
            return (f"it ends part-way (it should hold {block_count} blocks): the copy is "
                    "incomplete")
        handle.seek(_BLOCKS_START)
        for first in range(0, block_count, _CHUNK_BLOCKS):
            count = min(_CHUNK_BLOCKS, block_count - first)
            chunk = handle.read(count * block_size)
            for i in range(count):
                block = chunk[i * block_size:(i + 1) * block_size]
                if struct.unpack_from("<Q", block)[0] != _checksum(block[8:]):
                    return f"block {first + i} does not match its checksum"
    return None


def _tables(cur: duckdb.DuckDBPyConnection, catalog: str,
            schema: str = "main") -> dict[str, list[str]]:
    rows = cur.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = ? "
        "AND schema_name = ? ORDER BY table_name, column_index", [catalog, schema]).fetchall()
    tables: dict[str, list[str]] = {}
    for table, column in rows:
        tables.setdefault(table, []).append(column)
    return tables


def table_digests(cur: duckdb.DuckDBPyConnection, catalog: str,
                  schema: str = "main") -> dict[str, TableDigest]:
    """Every table of the store, every row and every value read: its rows and their digest."""
    digests = {}
    for table, columns in _tables(cur, catalog, schema).items():
        values = ", ".join(f'"{c}"' for c in columns)
        rows, digest = cur.execute(
            f'SELECT count(*), coalesce(sum(hash({values})::HUGEINT), 0) '
            f'FROM "{catalog}".{schema}."{table}"').fetchone()
        digests[table] = TableDigest(int(rows), int(digest))
    return digests


def write_manifest(cur: duckdb.DuckDBPyConnection, catalog: str,
                   digests: dict[str, TableDigest]) -> None:
    """Record in the backup `catalog` what it should hold (inside the copy's transaction)."""
    cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{catalog}".{MANIFEST_SCHEMA}')
    cur.execute(f'CREATE OR REPLACE TABLE "{catalog}".{MANIFEST_SCHEMA}.manifest '
                "(table_name VARCHAR PRIMARY KEY, row_count BIGINT NOT NULL, "
                "digest HUGEINT NOT NULL, duckdb_version VARCHAR NOT NULL)")
    cur.executemany(f'INSERT INTO "{catalog}".{MANIFEST_SCHEMA}.manifest VALUES (?, ?, ?, ?)',
                    [[t, d.rows, d.digest, duckdb.__version__] for t, d in digests.items()])


def manifest_mismatch(cur: duckdb.DuckDBPyConnection, catalog: str,
                      digests: dict[str, TableDigest]) -> str | None:
    """How the tables differ from the file's manifest (None: they match, or there is none, as
    in a backup written before backups carried one)."""
    if MANIFEST_SCHEMA not in [r[0] for r in cur.execute(
            "SELECT schema_name FROM duckdb_schemas() WHERE database_name = ?",
            [catalog]).fetchall()]:
        return None
    recorded = cur.execute(f'SELECT table_name, row_count, digest, duckdb_version '
                           f'FROM "{catalog}".{MANIFEST_SCHEMA}.manifest').fetchall()
    for table, rows, digest, version in recorded:
        held = digests.get(table)
        if held is None:
            return f"the table {table} it recorded is missing"
        if held.rows != rows:
            return f"the table {table} has {held.rows:,} rows where {rows:,} were written"
        # Row hashes are DuckDB's own: comparable only under the version that wrote them.
        if version == duckdb.__version__ and held.digest != int(digest):
            return f"the values in the table {table} differ from those written"
    extra = sorted(set(digests) - {r[0] for r in recorded})
    if extra:
        return f"it holds table(s) it did not record: {', '.join(extra)}"
    return None


def drop_manifest(path: Path) -> None:
    """Remove a backup's manifest from a file about to become the store (it describes the
    backup, not what the store will hold once it changes)."""
    con = duckdb.connect(str(path))
    try:
        con.execute(f"DROP SCHEMA IF EXISTS {MANIFEST_SCHEMA} CASCADE")
    finally:
        con.close()
