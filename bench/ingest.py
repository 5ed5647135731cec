"""Ingest benchmark: a generated 1,000,000-row valid indicator-values CSV imported end to end.

    .venv/bin/python bench/ingest.py [--rows N]

Measures read + validate + preview + commit into a fresh store (rows per second, peak RSS of
this process) against DuckDB's bare `CREATE TABLE AS SELECT * FROM read_csv(...)` of the same
file in the same run, into a DuckDB file like the import (an in-memory read is shown too), and
writes bench/results/ingest.md. Target: at most 3x the bare read,
peak RSS under 1.5 GiB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def generate(path: Path, rows: int) -> None:
    """Valid rows: every count indicator x council x consecutive days (unique keys)."""
    from cjmetrics.bootstrap import initialise
    from cjmetrics.store import close_all

    tmp = path.parent / "catalogue.duckdb"
    store = initialise(tmp, demo=False)
    indicators = store.indicators()
    ids = list(indicators.loc[indicators["unit"] == "count", "indicator_id"])
    areas = list(store.areas().query("level == 'council'")["area_code"])
    close_all()
    days_needed = -(-rows // (len(ids) * len(areas)))
    days = [(dt.date(2015, 4, 1) + dt.timedelta(d)).strftime("%d/%m/%Y")
            for d in range(days_needed)]
    grid = pd.MultiIndex.from_product([ids, areas, days],
                                      names=["indicator", "area", "period"]).to_frame(index=False)
    grid = grid.iloc[:rows]
    rng = np.random.default_rng(7)
    grid["value"] = rng.integers(0, 5000, len(grid))
    grid["note"] = ""
    grid.to_csv(path, index=False)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    from cjmetrics.bootstrap import initialise
    from cjmetrics.ingest import commit, prepare

    work = Path(tempfile.mkdtemp())
    csv = work / "values.csv"
    generate(csv, args.rows)
    size_mb = csv.stat().st_size / 1024 / 1024

    # The bare read writes into a DuckDB file too, as the import does: like with like.
    con = duckdb.connect(str(work / "bare.duckdb"))
    t = time.perf_counter()
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(csv)])
    con.execute("CHECKPOINT")
    bare = time.perf_counter() - t
    con.close()
    memory = duckdb.connect()
    t = time.perf_counter()
    memory.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(csv)])
    bare_memory = time.perf_counter() - t
    memory.close()

    store = initialise(work / "store.duckdb", demo=False)
    data = csv.read_bytes()
    t = time.perf_counter()
    prepared = prepare(store, data, csv.name)
    prepared_at = time.perf_counter() - t
    assert prepared.ok, prepared.problems.head()
    result = commit(store, prepared)
    total = time.perf_counter() - t
    assert result.rows_new == args.rows, result
    rss = peak_rss_mb()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    text = (f"# Ingest benchmark\n\nMachine: {machine}. Command: `.venv/bin/python bench/ingest.py"
            f" --rows {args.rows}`. File: {args.rows:,} rows, {size_mb:.0f} MB.\n\n"
            "| measure | result |\n|---|---|\n"
            f"| bare DuckDB `CREATE TABLE AS SELECT * FROM read_csv` into a DuckDB file "
            f"(the baseline) | {bare:.2f} s |\n"
            f"| the same into an in-memory database, for reference | {bare_memory:.2f} s |\n"
            f"| read + validate + preview | {prepared_at:.2f} s |\n"
            f"| end to end (read, validate, preview, commit) | {total:.2f} s |\n"
            f"| rows per second, end to end | {args.rows / total:,.0f} |\n"
            f"| ratio to the bare read | {total / bare:.1f}x (target at most 3x) |\n"
            f"| peak RSS of the process | {rss:,.0f} MB (target under 1,536 MB) |\n")
    out = ROOT / "bench" / "results" / "ingest.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
