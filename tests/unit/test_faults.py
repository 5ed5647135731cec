"""Fault injection: damaged backups, a killed import and a full disk, as an administrator meets
them. Each is refused or survived with one sentence, and the store keeps everything committed.

- restore: backups with 64 bytes flipped at 10%, 30% and 90% of the file, cut short, not a
  DuckDB file, or a DuckDB file that is not a cjmetrics store, are refused with the live store
  byte-identical afterwards (and no file left beside it);
- SIGKILL during an import, in a real second process, while the upload copy is on disk, once
  the rows are staged, between writing the rows and committing them, and just after the commit:
  all of the import or none of it, and nothing left in the temporary folder after the next start;
- a full disk (a real small tmpfs) during a command-line import: a sentence, exit 1, and the
  import committed before it intact.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_operations import AREAS, MONTHS, PROJECT_ROOT, tmpfs

from cjmetrics import cli
from cjmetrics.store import Store, close_all


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def flipped(backup: Path, out: Path, at: float) -> Path:
    """A copy of `backup` with 64 bytes inverted at fraction `at` of the file."""
    data = bytearray(backup.read_bytes())
    offset = int(len(data) * at)
    data[offset:offset + 64] = bytes(b ^ 0xFF for b in data[offset:offset + 64])
    out.write_bytes(bytes(data))
    return out


@pytest.fixture(scope="module")
def good_backup(_demo_template, tmp_path_factory) -> Path:
    """A backup of the demo store, written (and verified) by the store itself."""
    folder = tmp_path_factory.mktemp("backup")
    shutil.copy(_demo_template, folder / "live.duckdb")
    store = Store(folder / "live.duckdb")
    try:
        return store.backup_to(folder / "good.duckdb")
    finally:
        store.close()


def refused_restore(backup: Path, live: Path, capsys) -> str:
    """Restore `backup` over `live` with the command line; assert it is refused in one
    sentence and that the live store is byte for byte as it was. The sentence."""
    before = sha256(live)
    capsys.readouterr()
    assert cli.main(["--db", str(live), "restore", str(backup)]) == 1
    said = capsys.readouterr()
    assert said.out == ""
    assert said.err.startswith("Nothing was restored: ") and said.err.count("\n") == 1
    assert "Traceback" not in said.err
    assert sha256(live) == before
    assert sorted(p.name for p in live.parent.iterdir() if p.name.startswith(live.name)) == \
        [live.name]  # no half-restored copy, nothing moved aside
    return said.err


@pytest.mark.parametrize("at", [0.1, 0.3, 0.9])
def test_a_bit_flipped_backup_is_refused_and_the_store_untouched(good_backup, demo_db, tmp_path,
                                                                 capsys, at):
    bad = flipped(good_backup, tmp_path / f"flipped-{at}.duckdb", at)
    said = refused_restore(bad, demo_db, capsys)
    assert "is damaged" in said and "does not match its checksum" in said
    assert "the store was not changed" in said
    # ... and the store still reads in full.
    assert cli.main(["--db", str(demo_db), "check"]) == 0


def test_a_truncated_backup_is_refused(good_backup, demo_db, tmp_path, capsys):
    cut = tmp_path / "cut.duckdb"
    data = good_backup.read_bytes()
    cut.write_bytes(data[:len(data) * 2 // 3])
    assert "the copy is incomplete" in refused_restore(cut, demo_db, capsys)
    cut.write_bytes(data[:5000])  # not even its headers
    assert "not a DuckDB file" in refused_restore(cut, demo_db, capsys)


def test_foreign_files_are_refused(demo_db, tmp_path, capsys):
    text = tmp_path / "notes.duckdb"
    text.write_text("minutes of the partnership board\n" * 500)
    assert "not a DuckDB file" in refused_restore(text, demo_db, capsys)
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE budget AS SELECT range AS line, range * 2.5 AS amount "
                "FROM range(1000)")
    con.close()
    assert "not a cjmetrics store" in refused_restore(other, demo_db, capsys)


def test_a_backup_that_does_not_hold_what_it_recorded_is_refused(good_backup, demo_db,
                                                                  tmp_path, capsys):
    # Every block is sound, but rows went missing after the backup was written.
    edited = tmp_path / "edited.duckdb"
    shutil.copy(good_backup, edited)
    con = duckdb.connect(str(edited))
    con.execute("DELETE FROM observations WHERE area_code = 'S12000049'")
    con.close()
    said = refused_restore(edited, demo_db, capsys)
    assert "does not hold what was written to it" in said and "observations" in said


def test_the_good_backup_restores(good_backup, demo_db, capsys):
    assert cli.main(["--db", str(demo_db), "restore", str(good_backup)]) == 0
    assert "Restored" in capsys.readouterr().out
    close_all()  # as the next command, in a process of its own, would find it
    assert cli.main(["--db", str(demo_db), "check"]) == 0


# -- SIGKILL during an import ----------------------------------------------------------------
# The importer announces each point and waits there to be killed. It patches only its own copy
# of the code (a separate process), so what it runs is the real upload path.
IMPORTER = r"""
import os, sys, tempfile, time
from cjmetrics import scratch
scratch.claim()  # as every cjmetrics process does on start
from cjmetrics.ingest import commit, prepare
from cjmetrics.store import Store, connection

point = sys.argv[2]

def wait_here(name):
    if name == point:
        print(name, flush=True)
        time.sleep(600)

real_mkstemp = tempfile.mkstemp
def mkstemp(*args, **kwargs):
    made = real_mkstemp(*args, **kwargs)
    if kwargs.get("prefix", "").startswith("cjmetrics-upload"):
        wait_here("copying the upload")
    return made
tempfile.mkstemp = mkstemp

real_bump = connection.bump_data_version
def bump(cur):  # inside the import's transaction, after its rows are written
    wait_here("writing")
    real_bump(cur)
connection.bump_data_version = bump

store = Store(sys.argv[1])
data = open(sys.argv[3], "rb").read()
prepared = prepare(store, data, "killed.csv")
wait_here("staged")
result = commit(store, prepared, who="importer")
wait_here("committed")
print("finished", result.import_id, flush=True)
"""


@pytest.mark.parametrize("point", ["copying the upload", "staged", "writing", "committed"])
def test_a_killed_import_leaves_all_or_nothing_and_no_temporary_files(empty_db, tmp_path, point):
    upload = tmp_path / "upload.csv"
    upload.write_text("indicator,area,period,value,breakdown\n" + "".join(
        f"ndo1_diversion_completed,{area},{MONTHS[m % 12]} {1990 + m // 12},{m},channel:c{m}\n"
        for area in AREAS for m in range(240)))
    temp = tmp_path / "temp"
    temp.mkdir()
    env = dict(os.environ, TMPDIR=str(temp))
    store = Store(empty_db)
    before, imports_before = store.checksum(), len(store.imports())
    store.close()

    importer = subprocess.Popen([sys.executable, "-c", IMPORTER, str(empty_db), point,
                                 str(upload)], cwd=PROJECT_ROOT, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        line = importer.stdout.readline().strip()
        assert line == point, importer.stderr.read()
        importer.send_signal(signal.SIGKILL)
    finally:
        importer.kill()
        importer.wait(timeout=60)
    assert os.listdir(temp), "the killed importer should have left its temporary folder"

    # The next start (any command) removes what the killed process left.
    status = subprocess.run([sys.executable, "-m", "cjmetrics", "--db", str(empty_db), "status"],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert status.returncode == 0, status.stderr
    assert os.listdir(temp) == []

    close_all()
    store = Store(empty_db)
    try:
        held = store.imports()
        if point == "committed":
            assert len(held) == imports_before + 1
            [import_id] = held["import_id"].head(1)
            assert store.scalar("SELECT count(*) FROM observations WHERE import_id = ?",
                                [int(import_id)]) == len(AREAS) * 240
        else:
            assert store.checksum() == before  # not a row, not an import record
        assert store.integrity_problems() == []
    finally:
        store.close()


# -- a full disk during an import ------------------------------------------------------------
def test_a_full_disk_during_a_command_line_import_keeps_what_was_committed(empty_db, tmp_path):
    size = os.path.getsize(empty_db)
    with tmpfs(tmp_path / "full", f"{size + 600_000}") as folder:
        path = folder / "store.duckdb"
        shutil.copy(empty_db, path)
        small = tmp_path / "small.csv"
        small.write_text("indicator,area,period,value\nndo1_diversion_completed,S12000049,"
                         "2023/24,5\n")
        big = tmp_path / "big.csv"
        big.write_text("indicator,area,period,value,breakdown\n" + "".join(
            f"ndo1_diversion_completed,{area},{MONTHS[m % 12]} {1990 + m // 12},{m},"
            f"channel:a-long-channel-name-{c:04d}\n"
            for area in AREAS for m in range(240) for c in range(20)))

        def run(*args):
            return subprocess.run([sys.executable, "-m", "cjmetrics", "--db", str(path), *args],
                                  cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300,
                                  env=dict(os.environ, TMPDIR=str(tmp_path)))

        assert run("import", str(small)).returncode == 0
        store = Store(path)
        before = store.checksum(exclude=("audit",))
        store.close()

        full = run("import", str(big))
        assert full.returncode == 1, full.stdout
        assert "is full" in full.stderr and "Traceback" not in full.stderr
        assert full.stderr.strip().count("\n") == 0  # one sentence (after its title)

        store = Store(path)
        try:
            assert store.checksum(exclude=("audit",)) == before  # the first import is whole
            assert store.integrity_problems() == []
            assert len(store.imports()) == 1
        finally:
            store.close()
