"""The store: schema and migrations, the reference catalogue, revisions, undo and failures.

What a partnership lead relies on: a new or upgraded store is set up the same way every time,
the frameworks it tracks are complete, an upload never overwrites history, the same file twice
changes nothing, an import can be undone, and a broken file or failed write leaves the store as
it was with a sentence saying what to do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date

import duckdb
import pytest

from cjmetrics import store as store_module
from cjmetrics.bootstrap import initialise
from cjmetrics.catalogue import build_catalogue
from cjmetrics.demo import annotation_rows, observation_rows, target_rows
from cjmetrics.errors import (
    CatalogueUnreadable,
    ImportRefused,
    StoreInUse,
    StoreTooNew,
    StoreUnavailable,
)
from cjmetrics.store import (
    ANNOTATIONS,
    OBSERVATIONS,
    SCHEMA_VERSION,
    TARGETS,
    Store,
    file_sha256,
    open_store,
)

from demo_csv import (
    AYRSHIRE,
    CATALOGUE_DIR,
    EAST_AYRSHIRE,
    GLASGOW,
    NORTH_AYRSHIRE,
    PROJECT_ROOT,
    SCOTLAND,
    SOUTH_AYRSHIRE,
    WEST_DUNBARTONSHIRE,
    annotations_file,
    demo,
    file_bytes,
    observations_file,
    targets_file,
)

COMPLETED = "ndo1_diversion_completed"  # a count, financial years
OPEN_RATE = "eng_newsletter_open_rate"  # a percent, months
REACH = "eng_social_reach"  # a count, months, by channel


def upload(store: Store, raw, *, spec=OBSERVATIONS, to_rows=observation_rows, data=None,
           file_name="upload.csv"):
    """Commit an upload file (in the demo CSV layout) the way an import does."""
    data = file_bytes(raw) if data is None else data
    return store.commit_rows(spec, to_rows(raw), kind="upload", file_name=file_name,
                             sha256=file_sha256(data), who="test")


def current_value(store: Store, indicator_id: str, area_code: str, label: str):
    series = store.series([indicator_id], [area_code])
    row = series[series["period_label"] == label]
    return None if row.empty else float(row["value"].iloc[0])


def is_sentence(text: str) -> bool:
    """Plain words ending in a full stop (a message may open with the file's path)."""
    return bool(text) and not text[0].isspace() and text.endswith(".") and \
        "Traceback" not in text and "Error:" not in text


# -- schema and migrations ---------------------------------------------------------------------

def test_a_new_store_gets_every_migration_in_order(tmp_path):
    store = Store(tmp_path / "new.duckdb")
    assert store.schema_version() == 0
    from cjmetrics.store import MIGRATIONS  # each feature branch appends its migration

    assert store.migrate() == [version for version, _, _ in MIGRATIONS]
    assert store.schema_version() == SCHEMA_VERSION == MIGRATIONS[-1][0]
    tables = set(store.table_counts())
    assert {"observations", "targets", "annotations", "imports", "indicators", "areas",
            "schema_version", "meta", "self_assessments", "qi_evaluations",
            "priority_outcomes", "evidence_notes", "indicator_edits", "settings"} <= tables
    store.close()


def test_a_version_1_store_is_upgraded_keeping_its_figures(tmp_path):
    from cjmetrics.store import MIGRATIONS, schema

    path = tmp_path / "old.duckdb"
    old = Store(path)
    original = schema.MIGRATIONS
    schema.MIGRATIONS = MIGRATIONS[:1]  # what a store written by the first release has
    try:
        old.migrate()
    finally:
        schema.MIGRATIONS = original
    old.query("SELECT 1")
    assert old.schema_version() == 1
    old.close()
    upgraded = Store(path)
    assert upgraded.migrate() == [version for version, _, _ in MIGRATIONS[1:]]
    assert upgraded.schema_version() == SCHEMA_VERSION
    assert upgraded.migrate() == []
    upgraded.close()


def test_migrating_and_initialising_again_changes_nothing(demo_db):
    store = open_store(demo_db)
    before, version = store.checksum(), store.data_version()

    assert store.migrate() == []
    initialise(demo_db)  # what the app does on every start
    initialise(demo_db, demo=True)  # and `init --demo` on a store that already has it

    assert store.checksum() == before
    assert store.data_version() == version
    assert store.schema_version() == SCHEMA_VERSION


def test_a_store_from_a_newer_cjmetrics_is_refused_with_a_sentence(empty_db):
    store = open_store(empty_db)
    store.query("INSERT INTO schema_version VALUES (999, 'from the future', NULL)")
    store_module.close_all()

    with pytest.raises(StoreTooNew) as raised:
        open_store(empty_db)
    message = raised.value.user_message
    assert is_sentence(message)
    assert "newer" in message and "999" in message
    assert "Update cjmetrics" in message  # says what to do
    with pytest.raises(StoreTooNew):
        initialise(empty_db)


def test_a_file_that_is_not_a_store_gives_a_sentence_not_a_duckdb_error(tmp_path):
    path = tmp_path / "cjmetrics.duckdb"
    path.write_bytes(os.urandom(16384))

    with pytest.raises(StoreUnavailable) as raised:
        open_store(path)
    error = raised.value
    assert not isinstance(error, duckdb.Error)
    assert is_sentence(error.user_message)
    assert str(path) in error.user_message
    assert "CJMETRICS_DB" in error.user_message  # what to do about it
    assert "IO Error" not in error.user_message  # DuckDB's own words stay out of it
    assert error.title


def test_a_store_open_in_another_program_is_reported_as_in_use(empty_db):
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, duckdb; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
         "sys.stdin.read()", str(empty_db)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreInUse) as raised:
            open_store(empty_db)
        assert isinstance(raised.value, StoreUnavailable)
        assert is_sentence(raised.value.user_message)
        assert "another program" in raised.value.user_message
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


# -- the reference catalogue -------------------------------------------------------------------

def test_the_performance_framework_has_nine_outcomes_and_the_strategy_four_aims(empty_store):
    outcomes = empty_store.outcomes()
    ndos = outcomes[outcomes["framework_id"] == "cjpf"]
    aims = outcomes[outcomes["framework_id"] == "nscj"]
    assert sorted(ndos["number"]) == list(range(1, 10))
    assert sorted(ndos["outcome_id"]) == sorted(f"ndo{n}" for n in range(1, 10))
    assert sorted(aims["number"]) == [1, 2, 3, 4]


def test_every_priority_action_belongs_to_an_aim_and_maps_to_real_outcomes(empty_store):
    actions = empty_store.catalogue_table("priority_actions")
    outcomes = empty_store.outcomes()
    aims = set(outcomes.loc[outcomes["framework_id"] == "nscj", "outcome_id"])
    ndos = set(outcomes.loc[outcomes["framework_id"] == "cjpf", "outcome_id"])
    assert sorted(actions["number"]) == list(range(1, 14))
    assert set(actions["aim_id"]) <= aims
    assert set(actions["aim_id"]) == aims  # every aim has at least one action
    for ids in actions["outcome_ids"].dropna():
        assert set(filter(None, ids.split(";"))) <= ndos, ids
    # the Frameworks page shows each action under its aim's number
    page = build_catalogue(empty_store).priority_actions
    assert page["Aim"].notna().all() and len(page) == 13


def test_the_seven_engagement_standards_and_the_six_point_scale(empty_store):
    standards = empty_store.catalogue_table("standards").sort_values("number")
    assert list(standards["name"]) == ["Inclusion", "Support", "Planning", "Working together",
                                       "Methods", "Communication", "Impact"]
    scale = build_catalogue(empty_store).grade_scale
    assert list(zip(scale["Grade"], scale["Meaning"])) == [
        (6, "Excellent"), (5, "Very good"), (4, "Good"), (3, "Adequate"), (2, "Weak"),
        (1, "Unsatisfactory")]


def test_areas_use_the_official_codes_with_ayrshire_under_its_partnership(empty_store):
    areas = empty_store.areas().set_index("area_code")
    expected_names = {SCOTLAND: "Scotland", GLASGOW: "Glasgow City",
                      EAST_AYRSHIRE: "East Ayrshire", NORTH_AYRSHIRE: "North Ayrshire",
                      SOUTH_AYRSHIRE: "South Ayrshire",
                      WEST_DUNBARTONSHIRE: "West Dunbartonshire"}
    for code, name in expected_names.items():
        assert areas.loc[code, "name"] == name
    for council in (EAST_AYRSHIRE, NORTH_AYRSHIRE, SOUTH_AYRSHIRE):
        assert areas.loc[council, "parent_code"] == AYRSHIRE
    assert areas.loc[AYRSHIRE, "parent_code"] == SCOTLAND
    assert areas.loc[AYRSHIRE, "level"] == "partnership"
    assert areas.loc[SCOTLAND, "level"] == "country"

    councils = areas[areas["level"] == "council"]
    assert len(councils) == 32
    assert all(code.startswith("S12") and len(code) == 9 for code in councils.index)
    assert set(councils["parent_code"]) <= set(areas.index)  # every parent exists


def test_indicators_match_the_conventions_and_resolve_to_their_framework(empty_store):
    # docs/CONVENTIONS.md pins the ids, units and period types other modules rely on
    pinned = {}
    for line in (PROJECT_ROOT / "docs" / "CONVENTIONS.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 4 and cells[1] in {
                "count", "percent", "rate", "score", "grade"}:
            pinned[cells[0].split()[0]] = (cells[1], cells[2], cells[3] == "true")
    # the population behind rates per 10,000 is reference data, not an indicator a page tracks
    indicators = empty_store.indicators().query("indicator_id != 'population'")
    assert len(pinned) == 26
    assert dict(zip(indicators["indicator_id"],
                    zip(indicators["unit"], indicators["period_type"],
                        indicators["confirmed"]))) == pinned

    frameworks = set(empty_store.catalogue_table("frameworks")["framework_id"])
    outcomes = set(empty_store.outcomes()["outcome_id"])
    assert set(indicators["framework_id"]) <= frameworks
    assert indicators["framework_name"].notna().all()
    linked = indicators[indicators["outcome_id"].notna()]
    assert set(linked["outcome_id"]) <= outcomes
    assert linked["outcome_number"].notna().all()
    assert set(linked["outcome_id"]) == {f"ndo{n}" for n in range(1, 10)}  # every NDO measured
    reconviction = indicators.set_index("indicator_id").loc["cjpf_reconviction_rate"]
    assert reconviction["polarity"] == "lower"


@pytest.mark.parametrize("table", ["indicators", "priority_actions"])
def test_unconfirmed_wording_says_so(empty_store, table):
    rows = empty_store.catalogue_table(table)
    unconfirmed = rows[~rows["confirmed"].astype(bool)]
    assert len(unconfirmed) > 0
    for description in unconfirmed["description"]:
        assert description.startswith("Wording not confirmed"), description
    for description in rows.loc[rows["confirmed"].astype(bool), "description"]:
        assert not description.startswith("Wording not confirmed"), description


def test_a_catalogue_edit_survives_loading_the_catalogue_again(empty_store):
    empty_store.query("UPDATE indicators SET name = 'Our partnership wording' "
                      "WHERE indicator_id = 'ndo7_employability_support'")
    version = empty_store.data_version()

    added = empty_store.load_catalogue()

    assert not any(added.values())
    name = empty_store.scalar("SELECT name FROM indicators "
                              "WHERE indicator_id = 'ndo7_employability_support'")
    assert name == "Our partnership wording"
    assert empty_store.data_version() == version


def test_a_changed_catalogue_file_is_loaded_and_an_unchanged_one_is_skipped(tmp_path):
    # App starts skip an unchanged catalogue (a fingerprint in meta); a release that adds a
    # row must still reach an existing store.
    directory = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, directory)
    store = Store(tmp_path / "store.duckdb")
    store.migrate()
    assert store.load_catalogue(directory)["areas"] > 0
    assert not any(store.load_catalogue(directory).values())

    with (directory / "areas.csv").open("a", encoding="utf-8") as f:
        f.write("S99999999,Test Council,council,S92000003,,999\n")
    added = store.load_catalogue(directory)

    assert added["areas"] == 1 and sum(added.values()) == 1
    assert store.scalar("SELECT name FROM areas WHERE area_code = 'S99999999'") == "Test Council"
    assert not any(store.load_catalogue(directory).values())
    store.close()


def test_a_missing_catalogue_file_is_a_catalogue_error_and_loads_nothing(tmp_path):
    directory = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, directory)
    (directory / "indicators.csv").unlink()
    store = Store(tmp_path / "new.duckdb")
    store.migrate()

    with pytest.raises(CatalogueUnreadable) as raised:
        store.load_catalogue(directory)
    assert "indicators.csv" in raised.value.user_message
    assert is_sentence(raised.value.user_message)
    # areas.csv comes before indicators.csv, but the load is one transaction
    assert store.scalar("SELECT count(*) FROM areas") == 0
    store.close()


# -- revisions ---------------------------------------------------------------------------------

def test_a_revision_changes_the_current_value_and_keeps_the_old_row(empty_store):
    first = upload(empty_store, observations_file(
        {"indicator_id": COMPLETED, "area_code": GLASGOW, "period": "2023/24", "value": 300},
        {"indicator_id": COMPLETED, "area_code": GLASGOW, "period": "2022/23", "value": 280}),
        file_name="march.csv")
    assert (first.rows_new, first.rows_revised, first.rows_unchanged) == (2, 0, 0)
    assert current_value(empty_store, COMPLETED, GLASGOW, "2023/24") == 300

    second = upload(empty_store, observations_file(
        {"indicator_id": COMPLETED, "area_code": GLASGOW, "period": "2023/24", "value": 312},
        {"indicator_id": COMPLETED, "area_code": GLASGOW, "period": "2022/23", "value": 280}),
        file_name="april.csv")

    assert second.import_id != first.import_id
    assert (second.rows_new, second.rows_revised, second.rows_unchanged) == (0, 1, 1)
    assert current_value(empty_store, COMPLETED, GLASGOW, "2023/24") == 312
    assert current_value(empty_store, COMPLETED, GLASGOW, "2022/23") == 280
    history = empty_store.query(
        "SELECT value, import_id FROM observations WHERE period_label = '2023/24' "
        "ORDER BY import_id")
    assert list(history["value"]) == [300, 312]  # nothing overwritten
    assert list(history["import_id"]) == [first.import_id, second.import_id]
    assert empty_store.table_counts()["observations"] == 3  # the unchanged row is not copied


def test_the_same_file_twice_changes_nothing(empty_store):
    raw = observations_file(
        {"indicator_id": COMPLETED, "area_code": GLASGOW, "period": "2023/24", "value": 300})
    first = upload(empty_store, raw)
    before, version = empty_store.checksum(), empty_store.data_version()

    again = upload(empty_store, raw)

    assert again.duplicate_of == first.import_id
    assert again.import_id is None
    assert "already imported" in again.message
    assert empty_store.checksum() == before
    assert empty_store.data_version() == version


def test_a_different_file_with_the_same_figures_changes_nothing(empty_store):
    raw = observations_file(
        {"indicator_id": COMPLETED, "area_code": GLASGOW, "period": "2023/24", "value": 300},
        {"indicator_id": COMPLETED, "area_code": GLASGOW, "period": "2022/23", "value": 280})
    upload(empty_store, raw)
    before, version = empty_store.checksum(), empty_store.data_version()
    # saved again from Excel: rows in another order, Windows line endings, so other bytes
    resaved = raw.iloc[::-1].reset_index(drop=True)
    data = file_bytes(resaved, "\r\n")
    assert file_sha256(data) != file_sha256(file_bytes(raw))

    result = upload(empty_store, resaved, data=data)

    assert result.import_id is None and result.duplicate_of is None
    assert result.rows_unchanged == 2 and result.rows_new == result.rows_revised == 0
    assert "match the store already" in result.message
    assert empty_store.checksum() == before
    assert empty_store.data_version() == version


def test_undoing_an_import_brings_back_the_previous_value(empty_store):
    first = upload(empty_store, observations_file(
        {"indicator_id": COMPLETED, "area_code": GLASGOW, "period": "2023/24", "value": 300}))
    second = upload(empty_store, observations_file(
        {"indicator_id": COMPLETED, "area_code": GLASGOW, "period": "2023/24", "value": 312}))
    version = empty_store.data_version()

    empty_store.undo_import(second.import_id, who="lead")

    assert current_value(empty_store, COMPLETED, GLASGOW, "2023/24") == 300
    assert empty_store.data_version() > version  # pages refresh their figures
    imports = empty_store.imports().set_index("import_id")
    assert imports.loc[second.import_id, "status"] == "undone"
    assert imports.loc[second.import_id, "undone_by"] == "lead"
    assert empty_store.table_counts()["observations"] == 2  # the undone row is kept for history

    empty_store.undo_import(first.import_id)
    assert current_value(empty_store, COMPLETED, GLASGOW, "2023/24") is None


def test_undoing_twice_or_an_unknown_import_is_refused(empty_store):
    result = upload(empty_store, observations_file(
        {"indicator_id": COMPLETED, "area_code": GLASGOW, "period": "2023/24", "value": 300}))
    empty_store.undo_import(result.import_id)
    before = empty_store.checksum()

    with pytest.raises(ImportRefused) as twice:
        empty_store.undo_import(result.import_id)
    assert "already undone" in twice.value.user_message
    with pytest.raises(ImportRefused) as unknown:
        empty_store.undo_import(4242)
    assert "#4242" in unknown.value.user_message
    assert empty_store.checksum() == before


def test_an_undone_file_can_be_imported_again(empty_store):
    raw = observations_file(
        {"indicator_id": COMPLETED, "area_code": GLASGOW, "period": "2023/24", "value": 300})
    first = upload(empty_store, raw)
    empty_store.undo_import(first.import_id)

    again = upload(empty_store, raw)

    assert again.duplicate_of is None and again.rows_new == 1
    assert current_value(empty_store, COMPLETED, GLASGOW, "2023/24") == 300


def test_an_empty_file_is_rejected(empty_store):
    with pytest.raises(ImportRefused):
        empty_store.commit_rows(OBSERVATIONS, observation_rows(observations_file()),
                                kind="upload", file_name="empty.csv", sha256=None)


# -- reading series ----------------------------------------------------------------------------

def test_channel_figures_add_up_for_a_count_without_a_total(empty_store):
    upload(empty_store, observations_file(
        {"indicator_id": REACH, "area_code": GLASGOW, "period": "Mar 2024", "value": 1200,
         "breakdown": "channel:Facebook"},
        {"indicator_id": REACH, "area_code": GLASGOW, "period": "Mar 2024", "value": 300,
         "breakdown": "channel:LinkedIn"},
        # April has a total row as well: the total is the figure, not total + channels
        {"indicator_id": REACH, "area_code": GLASGOW, "period": "Apr 2024", "value": 1000},
        {"indicator_id": REACH, "area_code": GLASGOW, "period": "Apr 2024", "value": 700,
         "breakdown": "channel:Facebook"}))

    series = empty_store.series([REACH], [GLASGOW]).set_index("period_label")

    assert series.loc["Mar 2024", "value"] == 1500
    assert bool(series.loc["Mar 2024", "from_breakdown"])
    assert series.loc["Apr 2024", "value"] == 1000
    assert not bool(series.loc["Apr 2024", "from_breakdown"])


def test_percentages_by_channel_are_never_added_up(empty_store):
    upload(empty_store, observations_file(
        {"indicator_id": OPEN_RATE, "area_code": GLASGOW, "period": "Mar 2024", "value": 40,
         "breakdown": "channel:Newsletter"},
        {"indicator_id": OPEN_RATE, "area_code": GLASGOW, "period": "Mar 2024", "value": 30,
         "breakdown": "channel:E-mail list"},
        {"indicator_id": OPEN_RATE, "area_code": GLASGOW, "period": "Apr 2024", "value": 35}))

    series = empty_store.series([OPEN_RATE], [GLASGOW])

    assert list(series["period_label"]) == ["Apr 2024"]  # no made-up 70% for March
    assert list(series["value"]) == [35]


def test_the_demo_social_reach_is_the_sum_of_its_channels(demo_store):
    rows = demo("observations")
    rows = rows[(rows["indicator_id"] == REACH) & (rows["area_code"] == GLASGOW)]
    assert (rows["breakdown"] != "").all()  # the demo has channel rows only
    expected = rows.groupby("period")["value"].sum()

    series = demo_store.series([REACH], [GLASGOW]).set_index("period_label")["value"]

    assert len(series) == len(expected)
    assert series.to_dict() == pytest.approx(expected.to_dict())


def test_series_start_and_end_limit_the_periods(demo_store):
    labels = sorted(demo("observations").query(
        "indicator_id == @COMPLETED and area_code == @GLASGOW")["period"])
    assert labels[0] == "2019/20" and len(labels) == 6
    series = demo_store.series([COMPLETED], [GLASGOW], start=date(2021, 4, 1),
                               end=date(2023, 3, 31))
    assert list(series["period_label"]) == ["2021/22", "2022/23"]
    assert list(demo_store.series([COMPLETED], [GLASGOW], start=date(2023, 4, 1))[
        "period_label"]) == [label for label in labels if label >= "2023/24"]
    assert list(demo_store.series([COMPLETED], [GLASGOW], end=date(2020, 3, 31))[
        "period_label"]) == ["2019/20"]


def test_targets_and_notes_give_the_newest_committed_revision(empty_store):
    target = {"indicator_id": COMPLETED, "area_code": GLASGOW, "baseline_period": "2019/20",
              "baseline_value": 278, "target_period": "2025/26", "target_value": 300}
    note = {"indicator_id": COMPLETED, "area_code": GLASGOW, "period": "2020/21",
            "text": "Courts paused"}
    upload(empty_store, targets_file(target), spec=TARGETS, to_rows=target_rows)
    upload(empty_store, annotations_file(note), spec=ANNOTATIONS, to_rows=annotation_rows)
    raised = upload(empty_store, targets_file(dict(target, target_value=320)), spec=TARGETS,
                    to_rows=target_rows)
    reworded = upload(empty_store, annotations_file(
        dict(note, text="Covid-19: courts and services paused")), spec=ANNOTATIONS,
        to_rows=annotation_rows)

    targets = empty_store.targets([COMPLETED], [GLASGOW])
    notes = empty_store.annotations([COMPLETED], [GLASGOW])
    assert list(targets["target_value"]) == [320]
    assert list(targets["baseline_value"]) == [278]
    assert list(notes["text"]) == ["Covid-19: courts and services paused"]

    empty_store.undo_import(raised.import_id)
    empty_store.undo_import(reworded.import_id)
    assert list(empty_store.targets([COMPLETED], [GLASGOW])["target_value"]) == [300]
    assert list(empty_store.annotations([COMPLETED], [GLASGOW])["text"]) == ["Courts paused"]


# -- failures ----------------------------------------------------------------------------------

def test_a_write_that_fails_part_way_leaves_the_store_as_it_was(empty_store, monkeypatch):
    raw = observations_file(
        {"indicator_id": COMPLETED, "area_code": GLASGOW, "period": "2023/24", "value": 300})
    before, version = empty_store.checksum(), empty_store.data_version()

    def disk_full(cur):  # runs after the import record and the rows are written
        raise OSError("No space left on device")

    monkeypatch.setattr(store_module.connection, "bump_data_version", disk_full)
    with pytest.raises(OSError):
        upload(empty_store, raw)
    monkeypatch.undo()

    assert empty_store.checksum() == before
    assert empty_store.data_version() == version
    assert empty_store.imports().empty
    # and the store still works: the same file goes in cleanly afterwards
    assert upload(empty_store, raw).rows_new == 1
    assert current_value(empty_store, COMPLETED, GLASGOW, "2023/24") == 300


# -- backups -----------------------------------------------------------------------------------
def test_only_an_administrator_may_back_up_the_store(demo_store, tmp_path):
    from cjmetrics import access
    from cjmetrics.errors import NotAllowed

    for role in ("viewer", "editor"):
        with access.acting(access.Actor(f"{role}@council.gov.uk", role)):
            with pytest.raises(NotAllowed, match="you need the admin role"):
                demo_store.backup_to(tmp_path / f"{role}.duckdb")
        assert not (tmp_path / f"{role}.duckdb").exists()
    with access.acting(access.Actor("admin@council.gov.uk", "admin")):
        assert demo_store.backup_to(tmp_path / "admin.duckdb").exists()


def test_a_backup_that_does_not_read_back_as_written_is_deleted(demo_store, tmp_path,
                                                                monkeypatch):
    from cjmetrics.store import maintenance, verify

    def miscounted(cur, catalog, digests):  # as if rows were lost on the way to the disk
        digests = dict(digests, observations=verify.TableDigest(
            digests["observations"].rows + 1, digests["observations"].digest))
        verify.write_manifest(cur, catalog, digests)

    monkeypatch.setattr(maintenance, "write_manifest", miscounted)
    with pytest.raises(StoreUnavailable, match="did not read back in full") as refused:
        demo_store.backup_to(tmp_path / "backup.duckdb")
    assert "observations" in refused.value.user_message
    assert not (tmp_path / "backup.duckdb").exists()
