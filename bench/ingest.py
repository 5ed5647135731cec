"""Ingest benchmark: a generated 1,000,000-row valid indicator-values CSV imported end to end.

    .venv/bin/python bench/ingest.py [--rows N] [--runs 5]

Measures read + validate + preview + commit into a fresh store (rows per second, peak RSS of
this process) against DuckDB's bare `CREATE TABLE AS SELECT * FROM read_csv(...)` of the same
file in the same run, into a DuckDB file like the import (an in-memory read is shown too), and
writes bench/results/ingest.md. Target: at most 3x the bare read,
peak RSS under 1.5 GiB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # cjmetrics, imported by the functions below


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


def cpu_seconds() -> float:
    """CPU time of this process, all threads: steadier than wall time on shared cores."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def one_run(csv: Path) -> dict:
    """One measurement in this (fresh) process: the bare reads, then the import."""
    from cjmetrics.bootstrap import initialise
    from cjmetrics.ingest import commit, prepare

    work = Path(tempfile.mkdtemp())
    # The bare read writes into a DuckDB file too, as the import does: like with like.
    con = duckdb.connect(str(work / "bare.duckdb"))
    t, c = time.perf_counter(), cpu_seconds()
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(csv)])
    con.execute("CHECKPOINT")
    bare, bare_cpu = time.perf_counter() - t, cpu_seconds() - c
    con.close()
    memory = duckdb.connect()
    t = time.perf_counter()
    memory.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(csv)])
    bare_memory = time.perf_counter() - t
    memory.close()

    store = initialise(work / "store.duckdb", demo=False)
    data = csv.read_bytes()
    t, c = time.perf_counter(), cpu_seconds()
    prepared = prepare(store, data, csv.name)
    prepared_at = time.perf_counter() - t
    assert prepared.ok, prepared.problems.head()
    result = commit(store, prepared)
    total, total_cpu = time.perf_counter() - t, cpu_seconds() - c
    rows = int(result.rows_new)
    shutil.rmtree(work, ignore_errors=True)
    return {"bare": bare, "bare_memory": bare_memory, "prepared": prepared_at, "total": total,
            "bare_cpu": bare_cpu, "total_cpu": total_cpu, "rows": rows, "rss": peak_rss_mb()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one)))
        return

    work = Path(tempfile.mkdtemp())
    csv = work / "values.csv"
    generate(csv, args.rows)
    size_mb = csv.stat().st_size / 1024 / 1024
    runs = []
    for i in range(args.runs):
        # Each run in a fresh process: its own peak RSS, no warm caches from the last run.
        out = subprocess.run([sys.executable, __file__, "--one", str(csv)], capture_output=True,
                             text=True, check=True)
        run = json.loads(out.stdout.strip().splitlines()[-1])
        assert run["rows"] == args.rows, run
        run["ratio"] = run["total"] / run["bare"]
        run["cpu_ratio"] = run["total_cpu"] / run["bare_cpu"]
        runs.append(run)
        print(f"run {i + 1}: bare {run['bare']:.2f} s, end to end {run['total']:.2f} s, "
              f"ratio {run['ratio']:.1f}x (CPU {run['cpu_ratio']:.1f}x), "
              f"RSS {run['rss']:,.0f} MB", flush=True)
    shutil.rmtree(work, ignore_errors=True)

    def stat(key: str, fmt: str) -> str:
        values = [r[key] for r in runs]
        return (f"{format(statistics.median(values), fmt)} "
                f"({format(min(values), fmt)} to {format(max(values), fmt)})")

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    load = os.getloadavg()[0]
    table = "".join(
        f"| {i + 1} | {r['bare']:.2f} s | {r['bare_memory']:.2f} s | {r['prepared']:.2f} s | "
        f"{r['total']:.2f} s | {r['rows'] / r['total']:,.0f} | **{r['ratio']:.1f}x** | "
        f"{r['cpu_ratio']:.1f}x | {r['rss']:,.0f} MB |\n" for i, r in enumerate(runs))
    text = (f"# Ingest benchmark\n\nMachine: {machine}; load average {load:.1f} at the end "
            "(the cores are shared, so times move with other work). Command: "
            f"`.venv/bin/python bench/ingest.py --rows {args.rows} --runs {args.runs}`. File: "
            f"{args.rows:,} rows, {size_mb:.0f} MB. Each run is a fresh process: the bare "
            "DuckDB `CREATE TABLE AS SELECT * FROM read_csv` into a DuckDB file (the baseline, "
            "with CHECKPOINT), the same into memory (reference), then the import end to end "
            "(read, validate, preview, commit) into a fresh store. The ratio is end to end / "
            "baseline of the same run; the CPU ratio compares CPU seconds (all threads), which "
            "other work on the cores disturbs less.\n\n"
            "| run | baseline | into memory | read + validate + preview | end to end | rows/s "
            "| ratio | CPU ratio | peak RSS |\n|---|---|---|---|---|---|---|---|---|\n"
            + table +
            f"\nMedian (min to max) over {args.runs} runs: ratio {stat('ratio', '.1f')}x "
            f"(target at most 3x, aim 2x); CPU ratio {stat('cpu_ratio', '.1f')}x; end to end "
            f"{stat('total', '.2f')} s; baseline {stat('bare', '.2f')} s; peak RSS "
            f"{stat('rss', ',.0f')} MB (target under 1,536 MB).\n")
    out = ROOT / "bench" / "results" / "ingest.md"
    out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
