"""Safe operation: backup while the dashboard imports, restore, crashes and clear sentences
when the store is locked, on a read-only disk, from a newer version, or the disk is full.

The "dashboard" here is a real second process holding the store read-write, importing in a loop
and answering backup requests exactly as the app does (operations.serve_requests); the backup
and restore run as `python -m cjmetrics ...` in yet another process, as an administrator would.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from cjmetrics.errors import DiskFull, StoreUnavailable
from cjmetrics.ingest import commit, prepare
from cjmetrics.store import SCHEMA_VERSION, Store, open_store

from conftest import PROJECT_ROOT

AREAS = ("S12000049", "S12000008", "S12000021", "S12000028", "S12000039", "S92000003", "CJP-AYR")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# A stand-in for the running dashboard: holds the store, imports batch after batch (each a new
# file of 1,680 figures) and answers backup requests from its background thread.
APP = r"""
import sys
from cjmetrics.ingest import commit, prepare
from cjmetrics.operations import serve_requests
from cjmetrics.store import Store

AREAS = %r
MONTHS = %r
store = Store(sys.argv[1])
serve_requests(store)
print("ready", flush=True)
batch = 0
while batch < int(sys.argv[2]):
    lines = ["indicator,area,period,value,breakdown"]
    for area in AREAS:
        for month in range(240):
            lines.append(f"ndo1_diversion_completed,{area},{MONTHS[month %% 12]} "
                         f"{1990 + month // 12},{batch * 10000 + month},batch:b{batch}")
    prepared = prepare(store, ("\n".join(lines) + "\n").encode(), f"batch-{batch}.csv")
    result = commit(store, prepared, who="importer")
    print("committed", result.import_id, flush=True)
    batch += 1
print("done", flush=True)
import time
time.sleep(3600)
""" % (AREAS, MONTHS)


def cli(*args, db: Path, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cjmetrics", "--db", str(db), *args],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout)


@contextmanager
def running_app(db: Path, batches: int = 1000):
    """The stand-in dashboard process; yields it with the import ids it reported."""
    proc = subprocess.Popen([sys.executable, "-c", APP, str(db), str(batches)], cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    committed: list[int] = []
    try:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        yield proc, committed
    finally:
        proc.kill()
        proc.wait(timeout=30)
        out = proc.stdout.read()  # through the same buffer readline() used
        committed.extend(int(line.split()[1]) for line in out.splitlines()
                         if line.startswith("committed"))


def wait_for_commits(proc, committed: list[int], count: int) -> None:
    while len(committed) < count:
        line = proc.stdout.readline()
        assert line, f"the importer stopped: {proc.stderr.read()}"
        if line.startswith("committed"):
            committed.append(int(line.split()[1]))


# -- backup and restore ---------------------------------------------------------------------
def test_backup_while_importing_then_restore_and_compare(demo_db, tmp_path):
    backup = tmp_path / "backup.duckdb"
    with running_app(demo_db) as (proc, committed):
        wait_for_commits(proc, committed, 2)
        # The dashboard holds the store: no other process can open it ...
        assert "in use" in cli("status", db=demo_db).stderr
        # ... but the backup command asks it for a copy, while it goes on importing.
        done = cli("backup", str(backup), db=demo_db)
        assert done.returncode == 0, done.stderr
        assert "The running dashboard backed up" in done.stdout
        wait_for_commits(proc, committed, len(committed) + 1)  # it kept importing
    copy = Store(backup, read_only=True)
    try:
        assert copy.schema_version() == SCHEMA_VERSION
        assert copy.integrity_problems() == []  # every import in it is whole
        held = copy.imports()
        batches = held[held["file_name"].str.startswith("batch-")]
        # A consistent snapshot: the first n batches, each with all of its figures.
        assert len(batches) >= 2
        assert sorted(batches["import_id"]) == sorted(committed)[:len(batches)]
        counts = copy.query("SELECT import_id, count(*) AS n FROM observations GROUP BY ALL")
        assert set(counts.set_index("import_id").loc[list(batches["import_id"]), "n"]) == {1680}
        backup_sum = copy.checksum(exclude=("audit",))
        backup_audit = len(copy.audit_log())
        assert "backup" in set(copy.audit_log()["action"]) or backup_audit > 0
    finally:
        copy.close()
    # The live store has more imports than the backup; restoring brings back the backup exactly.
    restored = cli("restore", str(backup), db=demo_db)
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout and "before-restore" in restored.stdout
    kept = next(demo_db.parent.glob(f"{demo_db.name}.before-restore-*"))
    store = open_store(demo_db)
    assert store.checksum(exclude=("audit",)) == backup_sum
    assert store.audit_log()["action"].iloc[0] == "restore"
    assert len(store.audit_log()) == backup_audit + 1
    old = Store(kept, read_only=True)
    assert len(old.imports()) > len(store.imports())  # the replaced store is kept, whole
    old.close()


def test_backup_without_the_dashboard_and_restore_refusals(demo_db, tmp_path):
    backup = tmp_path / "b.duckdb"
    done = cli("backup", str(backup), db=demo_db)
    assert done.returncode == 0 and done.stdout.startswith("Backed up"), done.stderr
    again = cli("backup", str(backup), db=demo_db)
    assert again.returncode == 1 and "already exists" in again.stderr
    not_a_store = tmp_path / "notes.duckdb"
    not_a_store.write_text("hello")
    refused = cli("restore", str(not_a_store), db=demo_db)
    assert refused.returncode == 1 and "not a DuckDB file" in refused.stderr
    # restoring under a running dashboard is refused and changes nothing
    with running_app(demo_db, batches=0):
        refused = cli("restore", str(backup), db=demo_db)
    assert refused.returncode == 1
    assert "Stop the dashboard" in refused.stderr and "nothing was changed" in refused.stderr
    assert not list(demo_db.parent.glob("*.before-restore-*"))
    # a backup from a newer cjmetrics is refused with a sentence
    newer = Store(backup)
    newer._conn.execute("INSERT INTO schema_version VALUES (99, 'future', now())")
    newer._conn.execute("DROP SCHEMA cjmetrics_backup CASCADE")  # its manifest is another's
    newer.close()
    refused = cli("restore", str(backup), db=demo_db)
    assert refused.returncode == 1 and "newer cjmetrics" in refused.stderr


# -- crashes ---------------------------------------------------------------------------------
def test_a_crash_during_an_import_loses_nothing_committed_before_it(empty_db):
    with running_app(empty_db) as (proc, committed):
        wait_for_commits(proc, committed, 3)
        time.sleep(0.3)  # well into the next import
        proc.send_signal(signal.SIGKILL)
    store = open_store(empty_db)
    held = store.imports().set_index("import_id")
    assert set(committed) <= set(held.index)  # every import reported committed survived
    for import_id in committed:
        assert held.loc[import_id, "status"] == "committed"
    counts = store.query("SELECT import_id, count(*) AS n FROM observations GROUP BY ALL")
    assert set(counts["n"]) == {1680}  # whole imports only, none half-written
    assert store.integrity_problems() == []
    assert set(store.audit_log(actions=["import"])["import_id"]) == set(held.index)


# -- clear sentences -------------------------------------------------------------------------
def test_a_locked_store_is_explained(demo_db):
    with running_app(demo_db, batches=0):
        result = cli("import", str(PROJECT_ROOT / "data" / "templates" / "targets.csv"),
                     db=demo_db)
        checked = cli("check", db=demo_db)
    assert result.returncode == 1
    assert "is open in another program" in result.stderr and "Traceback" not in result.stderr
    assert checked.returncode == 1 and "Traceback" not in checked.stderr
    assert "open in another program" in checked.stderr and "check the backup" in checked.stderr


def test_a_store_from_a_newer_version_is_explained(demo_db):
    store = Store(demo_db)
    store._conn.execute("INSERT INTO schema_version VALUES (99, 'future', now())")
    store.close()
    result = cli("status", db=demo_db)
    assert result.returncode == 1
    assert "written by a newer cjmetrics" in result.stderr and "Traceback" not in result.stderr


@contextmanager
def tmpfs(path: Path, size: str):
    """A real small filesystem (root only: containers and CI runners here run as root)."""
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()}); not run")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_store_on_a_read_only_disk_is_explained(empty_db, tmp_path):
    with tmpfs(tmp_path / "ro", "20m") as folder:
        shutil.copy(empty_db, folder / "store.duckdb")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        result = cli("status", db=folder / "store.duckdb")
        assert result.returncode == 1, result.stdout
        assert "cannot be written" in result.stderr and "CJMETRICS_READ_ONLY=1" in result.stderr
        # ... and read-only mode serves it as it is.
        env = dict(os.environ, CJMETRICS_READ_ONLY="1")
        status = subprocess.run([sys.executable, "-m", "cjmetrics", "--db",
                                 str(folder / "store.duckdb"), "status"], cwd=PROJECT_ROOT,
                                capture_output=True, text=True, env=env, timeout=60)
        assert status.returncode == 0, status.stderr
        assert f"Schema version: {SCHEMA_VERSION}" in status.stdout


def test_a_full_disk_is_explained_and_loses_nothing(empty_db, tmp_path):
    size = os.path.getsize(empty_db)
    with tmpfs(tmp_path / "full", f"{size + 600_000}") as folder:
        path = folder / "store.duckdb"
        shutil.copy(empty_db, path)
        store = Store(path)
        small = prepare(store, b"indicator,area,period,value\nndo1_diversion_completed,"
                               b"S12000049,2023/24,5\n", "small.csv")
        kept = commit(store, small).import_id
        before = store.checksum()
        lines = ["indicator,area,period,value,breakdown"] + [
            f"ndo1_diversion_completed,{area},{MONTHS[m % 12]} {1990 + m // 12},{m},"
            f"channel:a-long-channel-name-{c:04d}"
            for area in AREAS for m in range(240) for c in range(20)]
        big = prepare(store, ("\n".join(lines) + "\n").encode(), "big.csv")
        assert big.ok
        with pytest.raises(DiskFull) as full:
            commit(store, big)
        message = full.value.user_message
        assert "disk holding the data store" in message and "is full" in message
        assert "nothing from it was written" in message
        store.close()
        reopened = Store(path)
        assert reopened.checksum() == before  # the failed import left no trace
        assert kept in set(reopened.imports()["import_id"])
        assert reopened.integrity_problems() == []
        reopened.close()


def test_an_unknown_store_error_reaches_nobody_as_a_traceback(tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_text("not a database")
    with pytest.raises(StoreUnavailable):
        Store(bad)
