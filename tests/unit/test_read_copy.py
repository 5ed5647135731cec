"""The read copy of a PostgreSQL store (cjmetrics/store/read_copy.py), on a real PostgreSQL.

What a partnership lead notices: an import, an undo, a restore or a deck saved on one server (or
from the command line) shows on every other server's next page; a page never shows a mixture
of before and after; and the figures read from the copy are the figures in PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd

# The figure both engines' tests import and read back.
from test_store_engines import ADMIN, COMPLETED, GLASGOW, _csv, _value

from cjmetrics import engagement, overview, surveys, trends
from cjmetrics.access import SYSTEM, acting
from cjmetrics.ingest.pipeline import commit, prepare
from cjmetrics.store import Store, pin_versions, release_versions

from demo_csv import PROJECT_ROOT


def _import(store: Store, value: int, name: str):
    with acting(ADMIN):
        return commit(store, prepare(store, _csv(value), name))


def _servers(url: str, n: int = 2) -> list[Store]:
    """Stores standing for servers, each with its read copy built (until it is, reads go to
    PostgreSQL, and these tests are about the copy)."""
    stores = [Store(url) for _ in range(n)]
    for store in stores:
        _built(store)
    return stores


def _built(store: Store) -> Store:
    store.start_read_copy()  # as the dashboard's store does
    assert store.read_copy.wait(120), "the read copy was not built"
    return store


def test_another_servers_import_and_undo_show_on_the_next_read(pg_demo_url):
    one, two = _servers(pg_demo_url)
    try:
        assert _value(two) is None
        assert two.read_copy.full_refreshes == 1
        first = _import(one, 7, "first.csv")
        assert _value(two) == 7
        second = _import(one, 9, "second.csv")
        assert _value(two) == 9
        with acting(ADMIN):
            one.undo_import(second.import_id)
        assert _value(two) == 7  # the earlier figure is current again
        # Followed by fetching the new imports' rows, never by copying the store again.
        assert two.read_copy.full_refreshes == 1 and two.read_copy.incremental_refreshes >= 3
        assert first.import_id in set(two.imports()["import_id"])
    finally:
        one.close()
        two.close()


def test_an_import_from_the_command_line_shows_on_a_running_server(pg_demo_url, tmp_path):
    server = _built(Store(pg_demo_url))
    try:
        assert _value(server) is None
        upload = tmp_path / "from-the-cli.csv"
        upload.write_bytes(_csv(12))
        # CJMETRICS_DB (set by the fixture) names the same database for the command.
        done = subprocess.run([sys.executable, "-m", "cjmetrics", "import", str(upload)],
                              cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert _value(server) == 12
    finally:
        server.close()


def test_a_restore_rebuilds_every_copy_even_when_import_ids_are_reused(pg_demo_url, tmp_path):
    """A restore puts back an older store and the id sequence with it, so the next import takes
    an id a copy already holds other rows under: only a full rebuild shows the right figures."""
    one, two = _servers(pg_demo_url)
    try:
        with acting(SYSTEM):
            backup = one.backup_to(tmp_path / "before.duckdb")
        gone = _import(one, 7, "after-the-backup.csv")
        assert _value(two) == 7
        before = two.read_copy.full_refreshes
        with acting(SYSTEM):
            one.restore_from(Path(backup))
        with acting(ADMIN):
            again = commit(one, prepare(one, _csv(9, "2032/33"), "after-the-restore.csv"))
        assert again.import_id == gone.import_id  # the same id, other rows
        assert _value(two) is None  # the backup's figures: the import after it is gone
        assert _value(two, "2032/33") == 9
        assert two.read_copy.wait(120) and two.read_copy.full_refreshes == before + 1
        assert _value(two) is None and _value(two, "2032/33") == 9  # from the new copy
    finally:
        one.close()
        two.close()


def test_any_write_not_declared_an_append_makes_the_next_refresh_full(pg_demo_url):
    """A maintenance write (here: deleting a survey's answers outright) says nothing about the
    copy, and every server still rebuilds its copy and shows the survey gone."""
    one, two = _servers(pg_demo_url)
    try:
        counts = two.survey_responses([GLASGOW])
        survey = counts["survey_id"].iloc[0]
        before = two.read_copy.full_refreshes
        with acting(ADMIN), one.transaction(doing="delete a survey's answers") as cur:
            cur.execute("DELETE FROM survey_answers WHERE survey_id = ?", [survey])
        for _ in range(2):  # read while the copy is rebuilt, then from the new copy
            after = two.survey_responses([GLASGOW])
            assert survey not in set(after.loc[after["respondents"] > 0, "survey_id"])
            assert two.read_copy.wait(120)
        assert two.read_copy.full_refreshes == before + 1
    finally:
        one.close()
        two.close()


def test_a_deck_saved_on_one_server_opens_on_another_and_keeps_the_figures(pg_demo_url):
    """A deck is a layout: another server opens it on its next read, without throwing away its
    cached figures (the data version stays) or copying the store again."""
    one, two = _servers(pg_demo_url)
    try:
        assert two.deck_body("Board, March") is None
        version = two.data_version()
        with acting(ADMIN):
            one.save_deck("Board, March", '{"items": []}', who=ADMIN.name)
        assert two.deck_body("Board, March") == '{"items": []}'
        assert "Board, March" in set(two.decks()["name"])
        with acting(ADMIN):
            one.delete_deck("Board, March")
        assert two.deck_body("Board, March") is None
        assert two.data_version() == version and two.read_copy.full_refreshes == 1
    finally:
        one.close()
        two.close()


def test_a_run_sees_one_version_and_its_own_writes(pg_demo_url):
    """Within one dashboard run (pinned) another server's import does not half-appear; the next
    run shows it; a write made by the run itself shows at once."""
    one, two = _servers(pg_demo_url)
    try:
        pin_versions()
        assert _value(two) is None
        _import(one, 7, "meanwhile.csv")
        assert _value(two) is None  # the same run: the version it began with
        release_versions()
        pin_versions()  # the next run
        assert _value(two) == 7
        _import(two, 8, "this-run.csv")
        assert _value(two) == 8
    finally:
        release_versions()
        one.close()
        two.close()


def _plain(value):
    """A model as plain, comparable values (frames by their rows, floats to 9 figures)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, pd.DataFrame):
        return [_plain(row) for row in value.astype(object).to_dict("records")]
    if isinstance(value, pd.Series):
        return _plain(value.astype(object).to_dict())
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return None if math.isnan(value) else float(f"{value:.9g}")
    if value is pd.NaT or value is pd.NA:
        return None
    return value


def test_a_store_not_serving_pages_reads_postgresql_itself(pg_demo_url):
    """A command or an import process keeps no copy (it would not live to use it)."""
    one, two = Store(pg_demo_url), _built(Store(pg_demo_url))
    try:
        _import(two, 7, "seen-by-both.csv")
        assert _value(one) == 7 and _value(two) == 7
        assert one.read_copy.versions is None and one.read_copy.full_refreshes == 0
    finally:
        one.close()
        two.close()


def test_the_copys_models_equal_those_read_through_postgresql(pg_demo_url):
    copied, direct = _built(Store(pg_demo_url)), Store(pg_demo_url, read_copy=False)
    try:
        assert direct.read_copy is None
        survey = surveys.surveys_with_answers(direct, GLASGOW)[0]
        builds = [
            lambda s: overview.build_overview(s, GLASGOW),
            lambda s: trends.build_trend(s, COMPLETED, [GLASGOW]),
            lambda s: engagement.build_engagement(s, GLASGOW),
            lambda s: surveys.build_survey(s, survey, GLASGOW),
        ]
        for build in builds:
            assert _plain(build(copied)) == _plain(build(direct))
        # Read from the copy throughout, never rebuilt (a rebuild would read PostgreSQL).
        assert copied.read_copy.full_refreshes == 1 and copied.read_copy.versions is not None
    finally:
        copied.close()
        direct.close()


def test_an_existing_store_gains_the_import_id_indexes_and_keeps_its_figures(pg_server):
    """A store made before the import-id indexes is migrated once; afterwards PostgreSQL finds
    an import's rows by that index, and servers still follow each other's imports."""
    from cjmetrics.store import MIGRATIONS, schema
    from cjmetrics.store.read_copy import APPENDED

    name = pg_server.new_database()
    url = pg_server.url(name)
    earlier = [m for m in MIGRATIONS if m[0] != 10]
    old = Store(url)
    original = schema.MIGRATIONS
    schema.MIGRATIONS = earlier  # what a store made by the previous release has
    try:
        old.migrate()
    finally:
        schema.MIGRATIONS = original
    with acting(SYSTEM):
        old.load_catalogue()
    _import(old, 5, "before-the-upgrade.csv")
    old.close()

    def indexed() -> set[str]:
        return set(pg_server.psql("SELECT tablename FROM pg_indexes WHERE indexdef LIKE "
                                  "'%USING brin (import_id)%'", name).split())

    assert indexed() == set()
    one, two = Store(url), Store(url)
    try:
        assert one.migrate() == [10]
        assert two.migrate() == []  # once, whichever server starts first
        assert indexed() == set(APPENDED)  # every table a read copy fetches by import id
        _built(two)
        assert _value(two) == 5
        _import(one, 8, "after-the-upgrade.csv")
        assert _value(two) == 8  # caught up by import id, not rebuilt
        assert two.read_copy.full_refreshes == 1 and two.read_copy.incremental_refreshes >= 1
        plan = pg_server.psql("SET enable_seqscan = off; EXPLAIN SELECT * FROM observations "
                              "WHERE import_id = 2", name)
        assert "observations_by_import" in plan
    finally:
        one.close()
        two.close()
