"""Imports that are interrupted or race each other.

(a) An import killed with SIGKILL at different moments (while it reads and checks the file,
    just as it starts writing, a little later, and not at all) leaves all of its rows or none,
    and the imports table agrees: no committed import without its rows, no rows without their
    committed import.
(b) Imports started at once from two threads both land, with no lost rows; the same file from
    two threads at once lands once; an import that cannot get the store says so in a sentence.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cjmetrics.errors import ImportRefused
from cjmetrics.ingest import commit, prepare
from cjmetrics.store import Store

from conftest import PROJECT_ROOT

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
AREAS = ("S12000049", "S12000008", "S12000021", "S12000028", "S12000039", "S92000003", "CJP-AYR")
BIG_ROWS = 200_000

CHILD = r"""
import sys
from cjmetrics.ingest import commit, prepare
from cjmetrics.store import Store

store = Store(sys.argv[1])
prepared = prepare(store, open(sys.argv[2], "rb").read(), "big.csv")
assert prepared.ok, prepared.problems.head().to_dict("records")
print("committing", flush=True)
result = commit(store, prepared)
print("committed", result.import_id, flush=True)
store.close()
"""


def values_file(path: Path, rows: int, indicators: tuple[str, ...]) -> Path:
    """A valid indicator-values CSV with `rows` distinct figures (month x area x channel)."""
    lines = ["indicator,area,period,value,breakdown"]
    for indicator in indicators:
        for area in AREAS:
            for month in range(240):  # 1990 to 2009
                period = f"{MONTHS[month % 12]} {1990 + month // 12}"
                for channel in range(24):
                    lines.append(f"{indicator},{area},{period},{len(lines)},channel:c{channel}")
                    if len(lines) > rows:
                        path.write_text("\n".join(lines) + "\n")
                        return path
    raise ValueError(f"only {len(lines) - 1} distinct figures available")


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    indicators = ("eng_social_reach", "eng_social_engagements", "eng_website_visits",
                  "eng_newsletter_opens", "eng_newsletter_clicks")
    return values_file(tmp_path_factory.mktemp("big") / "big.csv", BIG_ROWS, indicators)


def _state(path: Path) -> dict:
    """What the store holds after the child, opened as every cjmetrics program opens it
    (open_store), which first clears the rows of a write a crash cut short before its import
    was recorded (DuckDB can replay part of a cut-off commit): its imports, its rows, any
    orphans and how many rows the opening cleared."""
    store = Store(path)
    try:
        cleared = store.clear_interrupted_writes()
        imports = store.query("SELECT import_id, status, rows_new FROM imports "
                              "WHERE kind = 'indicator_values'")
        per_import = dict(store.query(
            "SELECT import_id, count(*) AS n FROM observations GROUP BY import_id"
        ).itertuples(index=False, name=None))
        orphans = store.scalar("SELECT count(*) FROM observations WHERE import_id NOT IN "
                               "(SELECT import_id FROM imports)")
        return {"imports": imports.to_dict("records"), "rows": per_import,
                "orphans": int(orphans), "checksum": store.checksum(), "cleared": cleared}
    finally:
        store.close()


def _run_child(store_path: Path, data_path: Path, moment: tuple[str, float | None]) -> str:
    """Start the import in a child process and SIGKILL it at `moment`:
    ("after", s): s seconds after it starts; ("writing", s): s seconds after it says it is
    committing; ("committed", 0): as soon as commit() has returned, before the store is closed;
    ("never", None): let it finish."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(store_path), str(data_path)], cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    kind, seconds = moment
    said = []  # the child's lines: "committing", "committed N"
    try:
        if kind == "after":
            try:
                child.wait(timeout=seconds)
            except subprocess.TimeoutExpired:
                child.send_signal(signal.SIGKILL)
        elif kind in ("writing", "committed"):
            # Wait for the child to say it is committing (or has committed), then kill it.
            wanted = "committing" if kind == "writing" else "committed"
            said.append(child.stdout.readline())
            while said[-1].startswith("committing") and wanted == "committed":
                said.append(child.stdout.readline())
            assert said[-1].startswith(wanted), (said, child.stderr.read())
            time.sleep(seconds)
            child.send_signal(signal.SIGKILL)
        out, err = child.communicate(timeout=120)
        said += out.splitlines()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    if kind == "never":
        assert child.returncode == 0, err
    ended = "finished" if child.returncode == 0 else f"killed ({child.returncode})"
    # What the child had said and which files it left, read before the store is reopened
    # (reopening replays and removes the write-ahead log): a failure can then be told apart
    # as a kill before the commit, during it, or during the checkpoint that follows.
    left = ", ".join(f"{f.name} {f.stat().st_size:,} B"
                     for f in sorted(store_path.parent.glob(store_path.name + "*")))
    lines = " / ".join(line.strip() for line in said if line.strip()) or "nothing"
    return f"{ended}; said {lines}; left {left}"


MOMENTS = [("after", 1.0), ("after", 2.0), ("writing", 0.0), ("writing", 0.05),
           ("writing", 0.15), ("writing", 0.25), ("committed", 0.0), ("never", None)]


def test_an_import_killed_midway_leaves_all_of_its_rows_or_none(_empty_template, tmp_path,
                                                               big_file):
    stores = []
    for i, moment in enumerate(MOMENTS):
        path = tmp_path / f"store{i}.duckdb"
        shutil.copy(_empty_template, path)
        stores.append((path, moment))
    # Two at a time: the machine has two cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda s: _run_child(s[0], big_file, s[1]), stores))

    report = []
    for (path, moment), outcome in zip(stores, outcomes):
        state = _state(path)
        imports, rows = state["imports"], state["rows"]
        report.append((moment, outcome, len(imports), sum(rows.values())))
        assert state["orphans"] == 0, (moment, outcome, state)
        if state["cleared"]:  # only ever what a kill mid-commit left, with no import recorded
            assert moment[0] == "writing" and not imports, (moment, outcome, state)
        if imports:
            # All: one committed import, with every one of its rows.
            assert len(imports) == 1, (moment, outcome, imports)
            record = imports[0]
            assert record["status"] == "committed"
            assert record["rows_new"] == BIG_ROWS
            assert rows == {record["import_id"]: BIG_ROWS}, (moment, outcome, rows)
        else:
            # None: no record, no rows.
            assert rows == {}, (moment, outcome, rows)
        if moment[0] == "never":
            assert outcome.startswith("finished") and imports, report
        if moment[0] == "committed":  # commit() returned: the import is durable
            assert imports, report
    print("\nkill outcomes (moment, child, imports, rows):", *report, sep="\n  ")
    # The store still works after a kill: it can be imported into at once.
    path = stores[3][0]  # killed while writing
    store = Store(path)
    try:
        small = values_file(tmp_path / "small.csv", 100, ("eng_media_coverage",))
        result = commit(store, prepare(store, small.read_bytes(), "small.csv"))
        assert result.rows_new == 100
    finally:
        store.close()
    # The first kill lands while the file is still being read, long before any write.
    assert report[0][2:] == (0, 0), report


def test_rows_a_crash_left_without_their_import_go_when_the_store_opens(_empty_template,
                                                                        tmp_path):
    """What DuckDB can replay of a commit cut off mid-way (one table's rows, no import
    record): the next opening of the store clears them and says so in the audit log, so the
    next import (which may be given their import id) holds exactly its own rows."""
    import duckdb

    from cjmetrics import store as store_module
    from cjmetrics.store import open_store

    path = tmp_path / "torn.duckdb"
    shutil.copy(_empty_template, path)
    raw = duckdb.connect(str(path))
    last = raw.execute("SELECT coalesce(max(import_id), 0) FROM imports").fetchone()[0]
    raw.execute("""INSERT INTO observations (indicator_id, area_code, period_start, period_end,
                       period_label, period_type, value, import_id)
                   SELECT 'eng_media_coverage', 'S12000049', DATE '2024-04-01' + i::INTEGER,
                          DATE '2024-04-01' + i::INTEGER, 'day ' || i, 'day', i, ?
                   FROM range(250) t(i)""", [last + 1])
    before = {t: raw.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("imports", "targets", "annotations")}
    raw.close()

    store = open_store(path)
    try:
        assert store.scalar("SELECT count(*) FROM observations WHERE import_id > ?",
                            [last]) == 0
        assert store.integrity_problems() == []
        assert {t: store.scalar(f"SELECT count(*) FROM {t}") for t in before} == before
        audit = store.query("SELECT action, detail FROM audit WHERE action = 'recover'")
        assert list(audit["detail"]) == ["cleared 250 observations rows of an import a crash "
                                         "interrupted before it was recorded"]
        small = values_file(tmp_path / "small.csv", 100, ("eng_media_coverage",))
        result = commit(store, prepare(store, small.read_bytes(), "small.csv"))
        assert store.scalar("SELECT count(*) FROM observations WHERE import_id = ?",
                            [result.import_id]) == result.rows_new == 100
    finally:
        store_module.close_all()
    # Opening again finds nothing more to clear.
    again = Store(path)
    try:
        assert again.clear_interrupted_writes() == 0
    finally:
        again.close()


def _in_threads(*jobs):
    """Run each job in its own thread, all released at once; return results or exceptions."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, job):
        try:
            results[i] = job(barrier)
        except BaseException as exc:  # reported by the test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _import_job(store: Store, data: bytes, name: str):
    def job(barrier):
        barrier.wait()
        prepared = prepare(store, data, name)
        assert prepared.ok
        barrier.wait()  # both commits race for the store
        return commit(store, prepared)
    return job


def test_two_imports_started_at_once_both_land(empty_store, tmp_path):
    first = values_file(tmp_path / "a.csv", 20_000, ("eng_social_reach",)).read_bytes()
    second = values_file(tmp_path / "b.csv", 15_000, ("eng_website_visits",)).read_bytes()
    results = _in_threads(_import_job(empty_store, first, "a.csv"),
                          _import_job(empty_store, second, "b.csv"))
    assert not any(isinstance(r, BaseException) for r in results), results
    ids = [r.import_id for r in results]
    assert None not in ids and ids[0] != ids[1]
    counts = dict(empty_store.query("SELECT import_id, count(*) AS n FROM observations "
                                    "GROUP BY import_id").itertuples(index=False, name=None))
    assert counts == {ids[0]: 20_000, ids[1]: 15_000}
    per_indicator = dict(empty_store.query(
        "SELECT indicator_id, count(*) AS n FROM observations GROUP BY indicator_id"
    ).itertuples(index=False, name=None))
    assert per_indicator == {"eng_social_reach": 20_000, "eng_website_visits": 15_000}
    imports = empty_store.imports()
    assert set(imports["status"]) == {"committed"}
    assert sorted(imports["rows_new"]) == [15_000, 20_000]


def test_the_same_file_from_two_threads_at_once_lands_once(empty_store, tmp_path):
    data = values_file(tmp_path / "a.csv", 5_000, ("eng_social_reach",)).read_bytes()
    results = _in_threads(_import_job(empty_store, data, "a.csv"),
                          _import_job(empty_store, data, "a.csv"))
    assert not any(isinstance(r, BaseException) for r in results), results
    landed = [r for r in results if r.import_id is not None]
    assert len(landed) == 1
    other = next(r for r in results if r.import_id is None)
    assert other.duplicate_of == landed[0].import_id
    assert "already imported" in other.message
    assert empty_store.scalar("SELECT count(*) FROM observations") == 5_000
    assert len(empty_store.imports()) == 1


def test_an_import_while_another_is_being_written_says_so(empty_store, tmp_path):
    data = values_file(tmp_path / "a.csv", 50, ("eng_social_reach",)).read_bytes()
    prepared = prepare(empty_store, data, "a.csv")
    before = empty_store.checksum()
    holding, release = threading.Event(), threading.Event()

    def writer():  # stands in for another import's transaction
        with empty_store._write_lock:
            holding.set()
            release.wait(10)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        holding.wait(10)
        with pytest.raises(ImportRefused) as caught:
            commit(empty_store, prepared, lock_timeout=0.2)
        assert "Another import is being written to the store right now" in \
            caught.value.user_message
    finally:
        release.set()
        thread.join()
    assert empty_store.checksum() == before
    assert commit(empty_store, prepared).rows_new == 50
