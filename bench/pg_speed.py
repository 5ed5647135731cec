"""The store on PostgreSQL against the embedded file, side by side in one run; written to
bench/results/pg_speed.md.

    .venv/bin/python bench/pg_speed.py [--rounds 3] [--import-runs 3] [--rows 1000000]
                                       [--national FILE] [--parts pages,import,catchup] [--out FILE]
                                       [--check]

The national-scale store of bench/generate.py is made once as a DuckDB file and restored into a
PostgreSQL started by this script (Debian's server, in a temporary folder, as the tests start
one: tests/pg_support.py). Then, in fresh processes, alternating the engine that goes first:
- (a) rerun: every page of dashboard.py's navigation in AppTest, as bench/pages.py runs it (area
  Glasgow City, indicator social-media reach), median of 7 reruns after a warm-up, per round;
- (b) first visit after an import: the store's data version moved on (a committed, empty write
  transaction, as an import ends) before each run, so every cached read is built afresh from
  the store, median of 5 per round;
- (c) a 1,000,000-row valid indicator-values CSV (bench/ingest.py's file) imported end to end
  through cjmetrics (read, validate, preview, commit) into a fresh PostgreSQL store, against
  PostgreSQL's own COPY of the same file into a plain table in the same run: `COPY ... FROM
  STDIN` through psql (the client sends the file, as cjmetrics does) and the server reading the
  file itself; the ratio is judged against the faster of the two;
- (d) catch-up: a server's read copy taking in a one-row import another server made, on the
  national store, with the import-id indexes (schema migration 10) and with them dropped (as
  a store was before it), median of 5 each.
Targets: every page's rerun on PostgreSQL within 1.5x of the file, its first visit after an
import within 2x, the import within 3x of COPY. `--check` exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from pg_support import PostgresServer  # noqa: E402

from pages import AREA, INDICATOR, discover_pages  # noqa: E402

RERUN_TARGET = 1.5
FIRST_TARGET = 2.0
IMPORT_TARGET = 3.0
RERUNS, FIRSTS = 7, 5
CATCH_UPS = 5
DEFAULT_OUT = ROOT / "bench" / "results" / "pg_speed.md"
PLAIN_TABLE = ("CREATE TABLE plain_copy (indicator text, area text, period text, value integer, "
               "note text)")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- (a) and (b): one engine's pages, in its own process --------------------------------------
def measure_pages(location: str) -> dict:
    """Every page's rerun and first-visit-after-an-import times on the store at `location`."""
    os.environ["CJMETRICS_DB"] = location
    from streamlit.testing.v1 import AppTest

    from cjmetrics.store import open_store

    results = {}
    started = time.perf_counter()
    for path, title in discover_pages():
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
        at.query_params["indicator"] = INDICATOR
        at.run()
        at.selectbox(key="area").set_value(AREA).run()
        if path != "pages/overview.py":
            at.switch_page(path).run()
        store = open_store(location)  # the one the page uses (one per process and location)
        if store.read_copy is not None and "_read_copy" not in results:
            # A server builds its read copy in the background from its first read (the warm-up
            # of scripts/serve.py); reads go to PostgreSQL until then. Timed, then waited for.
            store.read_copy.wait()
            results["_read_copy"] = {"ready_after": time.perf_counter() - started,
                                     "build": store.read_copy.last_build_seconds}
        at.run()  # warm-up
        reruns, cpus = [], []
        for _ in range(RERUNS):
            t, c = time.perf_counter(), _cpu()
            at.run()
            reruns.append(time.perf_counter() - t)
            cpus.append(_cpu() - c)
        firsts = []
        for _ in range(FIRSTS):
            # What an import does last: commit and move the data version on.
            # (incremental: rows under a new import id, which a read copy follows by fetching)
            with store.transaction(role=None, incremental=True,
                                   doing="move the data version on"):
                pass
            t = time.perf_counter()
            at.run()
            firsts.append(time.perf_counter() - t)
        errors = [str(e.value)[:200] for e in at.exception] + [e.value[:200] for e in at.error]
        results[path] = {"title": title, "rerun": [r * 1000 for r in reruns],
                         "rerun_cpu": [c * 1000 for c in cpus],
                         "first": [f * 1000 for f in firsts], "errors": errors}
    return results


def run_pages(location: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", location], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"measuring the pages on {location} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- the national store on PostgreSQL ------------------------------------------------------------
def restore_into(url: str, national: Path) -> float:
    """The national file's rows into the PostgreSQL database at `url`: cjmetrics's restore."""
    from cjmetrics.access import SYSTEM, acting
    from cjmetrics.bootstrap import initialise
    from cjmetrics.store import close_all

    t = time.perf_counter()
    store = initialise(url, demo=False)
    with acting(SYSTEM):
        store.restore_from(national)
    close_all()
    return time.perf_counter() - t


# -- (c) a million rows: cjmetrics's import against COPY --------------------------------------
def import_once(url: str, csv: Path) -> dict:
    """One import end to end into the fresh store at `url`, in this (fresh) process."""
    from cjmetrics.ingest import commit, prepare
    from cjmetrics.store import open_store

    store = open_store(url)
    data = csv.read_bytes()
    t, c = time.perf_counter(), _cpu()
    prepared = prepare(store, data, csv.name)
    prepared_at = time.perf_counter() - t
    if not prepared.ok:
        raise SystemExit(f"the benchmark file did not validate: {prepared.problems.head()}")
    result = commit(store, prepared)
    return {"total": time.perf_counter() - t, "prepared": prepared_at,
            "cpu": _cpu() - c, "rows": int(result.rows_new)}


# -- (d) a server catching up after another server's import ------------------------------
def catch_up_times(url: str) -> list[float]:
    """Milliseconds for this process's read copy to take in each of CATCH_UPS one-row imports
    made by another server (a second store on the same database)."""
    from cjmetrics.access import Actor, acting
    from cjmetrics.ingest import commit, prepare
    from cjmetrics.store import Store

    server, other = Store(url), Store(url, read_copy=False)
    server.start_read_copy()
    if not server.read_copy.wait(600):
        raise SystemExit("the read copy was not built")
    times = []
    base = int(time.time())  # new values on every run, so each import changes something
    with acting(Actor("bench@council.gov.uk", "admin")):
        for i in range(CATCH_UPS):
            csv = (f"indicator,area,period,value\n{INDICATOR},{AREA},{2040 + i}/{41 + i},"
                   f"{base + i}\n").encode()
            assert commit(other, prepare(other, csv, f"catch-up-{i}.csv")).import_id
            t = time.perf_counter()
            assert server.read_copy.ensure(server.versions())
            times.append((time.perf_counter() - t) * 1000)
    assert server.read_copy.full_refreshes == 1, "a catch-up rebuilt the copy instead"
    server.close()
    other.close()
    return times


def copy_once(pg: PostgresServer, csv: Path, *, server_side: bool) -> tuple[float, int]:
    database = pg.new_database()
    pg.psql(PLAIN_TABLE, database)
    if server_side:  # the server reads the file itself
        sql = f"COPY plain_copy FROM '{csv}' (FORMAT csv, HEADER true)"
    else:  # psql sends it (COPY ... FROM STDIN), as a client does
        sql = f"\\copy plain_copy FROM '{csv}' (FORMAT csv, HEADER true)"
    t = time.perf_counter()
    pg.psql(sql, database)
    seconds = time.perf_counter() - t
    held = int(pg.psql("SELECT count(*) FROM plain_copy", database))
    pg.psql(f"DROP DATABASE {database}")
    return seconds, held


def shape_copy_once(pg: PostgresServer, database: str) -> float:
    """PostgreSQL's own part of writing the imported rows: the server's COPY of them, from a
    binary file it wrote itself, into an empty table of the store's shape (`observations`
    with its import-id index). No client, no CSV parsing: what the server alone spends on
    each row the import sends it."""
    rows = pg.data / "shape_rows.bin"
    pg.psql(f"COPY (SELECT * FROM observations) TO '{rows}' (FORMAT binary)", database)
    pg.psql("CREATE TABLE shape_copy (LIKE observations INCLUDING ALL)", database)
    t = time.perf_counter()
    pg.psql(f"COPY shape_copy FROM '{rows}' (FORMAT binary)", database)
    seconds = time.perf_counter() - t
    pg.psql("DROP TABLE shape_copy", database)
    rows.unlink()
    return seconds


# -- report ----------------------------------------------------------------------------------
def _median_range(values: list[float], fmt: str = ".0f") -> str:
    return (f"{format(statistics.median(values), fmt)} "
            f"({format(min(values), fmt)} to {format(max(values), fmt)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3,
                        help="page measurements per engine, each a fresh process")
    parser.add_argument("--import-runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--national", type=Path,
                        help="an existing national store file (default: generate one)")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--parts", default="pages,import",
                        help="what to measure: pages, import or both (comma-separated)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--import-into", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--catch-up", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_pages(args.measure)))
        return
    if args.catch_up:
        print(json.dumps(catch_up_times(args.catch_up)))
        return
    if args.import_into:
        print(json.dumps(import_once(args.import_into[0], Path(args.import_into[1]))))
        return

    import ingest
    from generate import generate

    from cjmetrics.bootstrap import initialise
    from cjmetrics.store import close_all

    parts = set(args.parts.split(","))
    started = time.perf_counter()
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="cjm-pgspeed-", dir="/tmp"))
    os.chmod(work, 0o755)  # the PostgreSQL server user reads the CSV for the server-side COPY
    national = args.national
    if national is None and parts & {"pages", "catchup"}:
        national = work / "national.duckdb"
        print("generating the national store…", flush=True)
        print(generate(national), flush=True)
    pg = PostgresServer().start()
    rounds = {"file": [], "postgres": []}
    imports, copies_stdin, copies_server, copies_shape = [], [], [], []
    load_pages = restore_seconds = size_mb = None
    catch_ups: dict[str, list[float]] = {}
    try:
        url = pg.url(pg.new_database())
        if parts & {"pages", "catchup"}:
            print("restoring it into PostgreSQL…", flush=True)
            restore_seconds = restore_into(url, national)
            print(f"  {restore_seconds:.1f} s", flush=True)
        for i in range(args.rounds if "pages" in parts else 0):
            order = ["file", "postgres"] if i % 2 == 0 else ["postgres", "file"]
            for engine in order:
                print(f"round {i + 1}: pages on {engine}…", flush=True)
                rounds[engine].append(run_pages(str(national) if engine == "file" else url))
        load_pages = os.getloadavg()
        if "catchup" in parts:
            from cjmetrics.store.read_copy import APPENDED

            name = url.split("@/")[1].split("?")[0]
            for indexed in ("with the import-id indexes", "without them"):
                if indexed == "without them":  # as a store was before migration 10
                    pg.psql("; ".join(f"DROP INDEX {t}_by_import" for t in APPENDED), name)
                print(f"catch-up {indexed}…", flush=True)
                out = subprocess.run([sys.executable, __file__, "--catch-up", url], cwd=ROOT,
                                     capture_output=True, text=True, check=False)
                if out.returncode != 0:
                    raise SystemExit(f"the catch-up failed:\n{out.stderr[-3000:]}")
                catch_ups[indexed] = json.loads(out.stdout.strip().splitlines()[-1])

        if "import" in parts:
            print("the import against COPY…", flush=True)
            csv = work / "values.csv"
            ingest.generate(csv, args.rows)
            os.chmod(csv, 0o644)
            size_mb = csv.stat().st_size / 1024 / 1024
            template = pg.new_database()
            initialise(pg.url(template), demo=False)  # the catalogue only, as a new store holds
            close_all()
        for i in range(args.import_runs if "import" in parts else 0):
            database = pg.new_database(template)
            fresh = pg.url(database)
            out = subprocess.run([sys.executable, __file__, "--import-into", fresh, str(csv)],
                                 cwd=ROOT, capture_output=True, text=True, check=False)
            if out.returncode != 0:
                raise SystemExit(f"the import failed:\n{out.stderr[-3000:]}")
            run = json.loads(out.stdout.strip().splitlines()[-1])
            assert run["rows"] == args.rows, run
            imports.append(run)
            for side, into in ((False, copies_stdin), (True, copies_server)):
                seconds, held = copy_once(pg, csv, server_side=side)
                assert held == args.rows, held
                into.append(seconds)
            copies_shape.append(shape_copy_once(pg, database))
            print(f"  import {run['total']:.2f} s, COPY FROM STDIN {copies_stdin[-1]:.2f} s, "
                  f"server COPY {copies_server[-1]:.2f} s, the store's rows "
                  f"{copies_shape[-1]:.2f} s", flush=True)
    finally:
        close_all()
        pg.stop()
    shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()

    # -- the pages table
    missed, rows = [], []
    for path, title in discover_pages() if "pages" in parts else ():
        pooled = {engine: {key: [v for r in rounds[engine] for v in r[path][key]]
                           for key in ("rerun", "rerun_cpu", "first")}
                  for engine in rounds}
        errors = [e for engine in rounds for r in rounds[engine] for e in r[path]["errors"]]
        f, p = pooled["file"], pooled["postgres"]
        rerun_ratio = statistics.median(p["rerun"]) / statistics.median(f["rerun"])
        first_ratio = statistics.median(p["first"]) / statistics.median(f["first"])
        # The ratio in each round (same minutes, same load), to show its spread.
        per_round = [statistics.median(rp[path]["rerun"]) / statistics.median(rf[path]["rerun"])
                     for rf, rp in zip(rounds["file"], rounds["postgres"])]
        ok = rerun_ratio <= RERUN_TARGET and first_ratio <= FIRST_TARGET and not errors
        if rerun_ratio > RERUN_TARGET:
            missed.append(f"{title}: rerun {rerun_ratio:.2f}x the file (target {RERUN_TARGET}x)")
        if first_ratio > FIRST_TARGET:
            missed.append(f"{title}: first visit after an import {first_ratio:.2f}x the file "
                          f"(target {FIRST_TARGET}x)")
        if errors:
            missed.append(f"{title}: the page showed an error: {errors[0]}")
        rows.append(
            f"| {title} | {_median_range(f['rerun'])} | {_median_range(p['rerun'])} | "
            f"**{rerun_ratio:.2f}** ({min(per_round):.2f} to {max(per_round):.2f}) | "
            f"{statistics.median(f['rerun_cpu']):.0f} / {statistics.median(p['rerun_cpu']):.0f} | "
            f"{_median_range(f['first'])} | {_median_range(p['first'])} | "
            f"**{first_ratio:.2f}** | {'met' if ok else '**missed**'} |")

    # -- the import
    ratios = [r["total"] / min(s, c) for r, s, c in zip(imports, copies_stdin, copies_server)]
    import_ratio = statistics.median(ratios) if ratios else 0.0
    if import_ratio > IMPORT_TARGET:
        missed.append(f"import: {import_ratio:.2f}x COPY (target {IMPORT_TARGET}x)")
    import_rows = "".join(
        f"| {i + 1} | {r['prepared']:.2f} s | {r['total']:.2f} s | {r['cpu']:.2f} s | "
        f"{s:.2f} s | {c:.2f} s | **{ratio:.2f}x** | {shape:.2f} s ({shape / min(s, c):.2f}x) |\n"
        for i, (r, s, c, ratio, shape) in enumerate(
            zip(imports, copies_stdin, copies_server, ratios, copies_shape)))
    shape_ratios = [shape / min(s, c) for s, c, shape in
                    zip(copies_stdin, copies_server, copies_shape)]

    machine = (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
               f"PostgreSQL {pg.bin.parent.name} (Debian's, started for the run: fsync off, "
               "unix socket)")
    command = (f".venv/bin/python bench/pg_speed.py --rounds {args.rounds} --import-runs "
               f"{args.import_runs} --rows {args.rows} --parts {args.parts}"
               + (f" --national {args.national}" if args.national else "")
               + (f" --out {args.out}" if args.out != DEFAULT_OUT else ""))
    n_rerun, n_first = RERUNS * args.rounds, FIRSTS * args.rounds
    loads = [(load_before, "at the start"), (load_pages, "after the pages"),
             (load_after, "at the end")]
    header = (
        "# PostgreSQL against the embedded file\n\n"
        f"Machine: {machine}. Load average (1, 5, 15 min): "
        + "; ".join(f"{', '.join(f'{x:.1f}' for x in load)} {when}"
                    for load, when in loads if load) +
        " (the two cores are shared with other work, so wall times are upper bounds). "
        f"Command: `{command}`; whole run {time.perf_counter() - started:.0f} s.\n\n")
    builds = [r["_read_copy"]["build"] for r in rounds["postgres"] if "_read_copy" in r]
    copy_text = (
        f"Read copy: built in the background in {_median_range(builds, '.1f')} s per "
        "process (from the first page's first read; PostgreSQL is read until it is ready, and "
        "the measurements below begin once it is).\n\n") if builds else ""
    pages_text = (
        f"National store (`bench/generate.py`) as a DuckDB file and restored into PostgreSQL "
        f"by `restore` ({restore_seconds:.0f} s). Area {AREA} (Glasgow City), indicator "
        f"`{INDICATOR}`.\n\n" + copy_text +
        "## Pages\n\n"
        f"Times in ms, wall: median (min to max) of {n_rerun} reruns ({RERUNS} after a warm-up "
        f"in each of {args.rounds} fresh processes per engine, alternating which engine goes "
        f"first) and of {n_first} first visits after an import (the data version moved on "
        "before each, so every read is built afresh). Ratio: PostgreSQL median / file median, "
        "with the spread of the per-round ratios in brackets. CPU: median ms of the page's "
        "process (all its threads; the PostgreSQL server's own CPU is not in it).\n\n"
        "| page | file rerun | PostgreSQL rerun | rerun ratio | CPU file / PG | "
        "file first | PostgreSQL first | first ratio | targets |\n"
        "|---|---|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        f"Targets: rerun at most {RERUN_TARGET}x the file, first visit after an import at "
        f"most {FIRST_TARGET}x.\n\n") if rows else ""
    import_text = (
        "## A million-row import against COPY\n\n"
        f"The file: {args.rows:,} valid indicator-values rows, {size_mb:.0f} MB "
        "(`bench/ingest.py`'s generator). cjmetrics: read, validate, preview and commit into a "
        "fresh PostgreSQL store holding the catalogue, each run a fresh process. COPY: into a "
        "plain table (five columns, no index) of a fresh database, once through psql "
        "(`\\copy`, COPY FROM STDIN) and once read by the server itself. The ratio is cjmetrics "
        "against the faster COPY of the same run. The store's rows: the server's own COPY of "
        "the rows the import wrote, from a binary file, into an empty table of the store's "
        "shape (the observations table's columns and its import-id index), against the same "
        "faster COPY: PostgreSQL's part of writing them, with no client and no CSV to parse, "
        "which the import cannot go below.\n\n"
        "| run | read + validate + preview | end to end | its CPU | COPY FROM STDIN | "
        "server COPY | ratio | the store's rows |\n|---|---|---|---|---|---|---|---|\n"
        + import_rows +
        f"\nMedian (min to max): end to end {_median_range([r['total'] for r in imports], '.2f')}"
        f" s, COPY FROM STDIN {_median_range(copies_stdin, '.2f')} s, server COPY "
        f"{_median_range(copies_server, '.2f')} s; ratio **{import_ratio:.2f}x** "
        f"({min(ratios):.2f} to {max(ratios):.2f}; target at most {IMPORT_TARGET}x). The "
        f"store's rows alone: {_median_range(copies_shape, '.2f')} s, "
        f"{statistics.median(shape_ratios):.2f}x the COPY.\n\n"
    ) if ratios else ""
    catch_up_text = (
        "## A server catching up after another's import\n\n"
        f"On the national store restored into PostgreSQL: a second store on the same database "
        f"imports one figure ({CATCH_UPS} times, each a new period), and the time is that of "
        "the first store's next read bringing its read copy up to date (fetching the new "
        "import's rows by import id, rereading imports). Times in ms: median (min to max).\n\n"
        "| PostgreSQL | catch-up |\n|---|---|\n"
        + "".join(f"| {k} | {_median_range(v)} |\n" for k, v in catch_ups.items()) + "\n"
    ) if catch_ups else ""
    text = (header + pages_text + import_text + catch_up_text
            + ("All targets met.\n" if not missed else
               "Missed:\n" + "".join(f"- {m}\n" for m in missed)))
    args.out.write_text(text)
    print(text)
    if args.check and missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
