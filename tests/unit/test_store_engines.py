"""The same store on both engines: the embedded DuckDB file and PostgreSQL.

What a partnership (or Community Justice Scotland hosting every council) relies on when it moves
the store to PostgreSQL: an upload is checked, previewed, committed, revised and undone exactly
as on the file; a second server sees the import on its next rerun; a read-only role is told in a
sentence; the password never shows; backups are portable DuckDB files that restore into either.

The store-level and ingest paths run here on both engines (fixture `engine_*_store`); the rest of
the store's tests (faults, migrations of old files, locking) are about the file and run on it.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from cjmetrics import config
from cjmetrics import store as store_module
from cjmetrics.access import Actor, acting
from cjmetrics.errors import StoreReadOnly, StoreUnavailable
from cjmetrics.ingest.pipeline import commit, prepare
from cjmetrics.operations import backup, check, restore
from cjmetrics.store import MIGRATIONS, SCHEMA_VERSION, Store, check_file, open_store

from demo_csv import PROJECT_ROOT

COMPLETED = "ndo1_diversion_completed"
GLASGOW = "S12000049"
ADMIN = Actor("lead@council.gov.uk", "admin")


def _csv(value: int, period: str = "2031/32") -> bytes:
    return (f"indicator_id,area_code,period,value\n{COMPLETED},{GLASGOW},{period},{value}\n"
            ).encode()


def _value(store: Store, period: str = "2031/32"):
    series = store.series([COMPLETED], [GLASGOW])
    row = series[series["period_label"] == period]
    return None if row.empty else float(row["value"].iloc[0])


def test_an_upload_is_checked_committed_revised_and_undone(engine_demo_store):
    store = engine_demo_store
    with acting(ADMIN):
        first = prepare(store, _csv(41), "diversion.csv")
        assert first.ok and first.preview.rows_new == 1
        done = commit(store, first)
        assert _value(store) == 41
        revised = commit(store, prepare(store, _csv(44), "diversion-revised.csv"))
        assert revised.rows_revised == 1 and _value(store) == 44
        again = commit(store, prepare(store, _csv(44), "diversion-revised.csv"))
        assert again.duplicate_of == revised.import_id  # the same file twice changes nothing
        store.undo_import(revised.import_id)
        assert _value(store) == 41  # the earlier figure is current again
    assert done.import_id < revised.import_id
    actions = set(store.audit_log()["action"])
    assert {"import", "undo"} <= actions


def test_a_file_with_errors_changes_nothing(engine_demo_store):
    store = engine_demo_store
    before = store.checksum(exclude=("audit",))
    prepared = prepare(store, _csv(-5), "negative.csv")
    assert not prepared.ok and "cannot be negative" in " ".join(prepared.problems["problem"])
    assert store.checksum(exclude=("audit",)) == before


def test_decks_and_table_mappings_are_kept(engine_demo_store):
    store = engine_demo_store
    assert store.table_counts()["survey_answers"] > 0  # the demo's surveys arrived
    with acting(ADMIN):
        store.save_deck("Board, March", '{"items": []}', who=ADMIN.name)
        store.save_table_mapping("ssd-table-7", {"Row A": COMPLETED})
    assert store.deck_body("Board, March") == '{"items": []}'
    assert store.table_mapping("ssd-table-7") == {"Row A": COMPLETED}
    with acting(ADMIN):
        store.delete_deck("Board, March")
    assert store.deck_body("Board, March") is None


def test_the_catalogue_and_schema_are_the_same_on_both(engine_empty_store):
    store = engine_empty_store
    assert store.schema_version() == SCHEMA_VERSION
    counts = store.table_counts()
    assert counts["indicators"] > 0 and counts["areas"] == 34 and counts["observations"] == 0
    assert store.migrate() == []  # idempotent


# -- PostgreSQL only: several servers, roles, passwords, backups --------------------------
def test_a_second_server_sees_an_import_on_its_next_rerun(pg_demo_url):
    one, two = Store(pg_demo_url), Store(pg_demo_url)
    try:
        seen = two.data_version()
        with acting(ADMIN):
            commit(one, prepare(one, _csv(7), "from-server-one.csv"))
        assert two.data_version() > seen
        assert _value(two) == 7
    finally:
        one.close()
        two.close()


def test_two_servers_importing_the_same_figure_at_once_write_it_once(pg_demo_url,
                                                                      monkeypatch):
    """Server two has checked its file when server one commits the same figure, just before
    server two's write begins: two finds it already there and writes nothing."""
    one, two = Store(pg_demo_url), Store(pg_demo_url)
    try:
        with acting(ADMIN):
            checked = prepare(two, _csv(7), "from-server-two.csv")
            assert checked.preview.rows_new == 1
            begin = two.transaction

            def one_commits_first(**kwargs):
                commit(one, prepare(one, _csv(7) + b"\n", "from-server-one.csv"))
                return begin(**kwargs)

            monkeypatch.setattr(two, "transaction", one_commits_first)
            result = commit(two, checked)
        assert result.import_id is None and result.rows_new == 0  # nothing written twice
        revisions = two.scalar("SELECT count(*) FROM observations WHERE indicator_id = ? "
                               "AND area_code = ? AND period_label = '2031/32'",
                               [COMPLETED, GLASGOW])
        assert revisions == 1
        assert _value(two) == 7
    finally:
        one.close()
        two.close()


def test_migrations_run_once_when_servers_start_together(pg_server):
    url = pg_server.url(pg_server.new_database())
    code = ("import sys; from cjmetrics.store import Store; s = Store(sys.argv[1]); "
            "print(len(s.migrate())); s.close()")
    runs = [subprocess.Popen([sys.executable, "-c", code, url], cwd=PROJECT_ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert all(run.returncode == 0 for run in runs), [err for _, err in outputs]
    # Every migration applied by exactly one of them (the others waited, then found it done).
    assert sum(int(out.strip()) for out, _ in outputs) == len(MIGRATIONS)
    store = Store(url)
    try:
        assert store.schema_version() == SCHEMA_VERSION
    finally:
        store.close()


def test_a_read_only_role_is_told_in_a_sentence(pg_server, pg_demo_url):
    name = pg_demo_url.split("@/")[1].split("?")[0]
    pg_server.psql("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'reader') "
                   "THEN CREATE ROLE reader LOGIN; END IF; END$$")
    pg_server.psql("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader", name)
    reader = Store(pg_server.url(name, "reader"))
    try:
        assert reader.table_counts()["observations"] > 0  # reading works
        with acting(ADMIN):
            prepared = prepare(reader, _csv(9), "diversion.csv")
            with pytest.raises(StoreReadOnly) as refused:
                commit(reader, prepared)
        message = refused.value.user_message
        assert "may only read" in message and message.endswith(".")
        assert _value(reader) is None  # nothing was written
    finally:
        reader.close()


def test_the_password_never_appears_in_a_message():
    url = "postgresql://lead:S3cret-pw@127.0.0.1:1/cjmetrics"
    with pytest.raises(StoreUnavailable) as failed:
        Store(url)
    assert "S3cret-pw" not in failed.value.user_message
    assert "***" in failed.value.user_message and "could not reach" in failed.value.user_message
    assert "S3cret-pw" not in config.masked("host=db user=lead password=S3cret-pw dbname=x")


def test_the_database_can_be_named_in_the_secrets_file(tmp_path, monkeypatch):
    monkeypatch.delenv("CJMETRICS_DB")
    monkeypatch.setattr(config, "PROJECT_ROOT", tmp_path)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        '[cjmetrics]\ndb = "host=/run/postgresql dbname=cjmetrics user=cjm"\n')
    assert config.db_path() == "host=/run/postgresql dbname=cjmetrics user=cjm"


def test_backup_writes_a_portable_file_that_restores_into_postgresql(pg_demo_url, pg_server,
                                                                     tmp_path):
    source = open_store(pg_demo_url)
    with acting(ADMIN):
        commit(source, prepare(source, _csv(12), "before-backup.csv"))
    counts = source.table_counts()
    file = tmp_path / "backup.duckdb"
    assert "Backed up" in backup(pg_demo_url, file)
    found = check_file(file)
    assert found.problem is None and found.rows >= sum(counts.values())
    # The backup opens as a file store holding the same figures.
    as_file = Store(file)
    try:
        assert _value(as_file) == 12
        assert as_file.table_counts()["observations"] == counts["observations"]
    finally:
        as_file.close()
    # ... and restores into another PostgreSQL database, which a server then serves.
    target = pg_server.url(pg_server.new_database())
    open_store(target)
    assert "Restored" in restore(file, target)
    restored = open_store(target)
    assert _value(restored) == 12
    assert restored.table_counts()["observations"] == counts["observations"]
    held = set(restored.imports()["import_id"])
    with acting(ADMIN):  # the id sequences moved past the restored ids
        later = commit(restored, prepare(restored, _csv(13, "2032/33"), "after.csv"))
    assert later.import_id > max(held)
    sound, sentence = check(target)
    assert sound and "sound" in sentence and "S3cret" not in sentence


def test_check_reports_a_broken_rule_on_postgresql(pg_demo_url):
    store = open_store(pg_demo_url)
    store._conn.execute("DELETE FROM imports WHERE import_id = "
                        "(SELECT min(import_id) FROM observations)")
    sound, sentence = check(pg_demo_url)
    assert not sound and "belong to no recorded import" in sentence


def test_the_command_line_imports_into_postgresql(pg_demo_url, tmp_path):
    upload = tmp_path / "diversion.csv"
    upload.write_bytes(_csv(23))
    run = subprocess.run([sys.executable, "-m", "cjmetrics", "import", str(upload)],
                         cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    store_module.close_all()
    assert _value(open_store(pg_demo_url)) == 23

