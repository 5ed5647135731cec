"""Roles, the read-only switch, the audit log and safe SQL, at the store layer (no UI).

Pages cannot bypass these: every write goes through Store.transaction / commit_rows, which check
the acting user (cjmetrics.access) and the read-only switch themselves.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import duckdb
import pytest

from cjmetrics import access
from cjmetrics.access import Actor, acting, role_for
from cjmetrics.editing import save
from cjmetrics.errors import NotAllowed, StoreReadOnly, StoreUnavailable
from cjmetrics.ingest import commit, prepare
from cjmetrics.ingest.read import MAX_UPLOAD_MB
from cjmetrics.store import MIGRATIONS, Store, open_store

from conftest import PROJECT_ROOT
from demo_csv import GLASGOW

DIVERSION = "ndo1_diversion_completed"
VIEWER = Actor("viewer@council.gov.uk", "viewer")
EDITOR = Actor("editor@council.gov.uk", "editor")
ADMIN = Actor("admin@council.gov.uk", "admin")


def values_csv(*rows) -> bytes:
    """A CSV written the way Excel writes it (quotes doubled inside quoted cells)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["indicator", "area", "period", "value", "note"])
    writer.writerows(rows)
    return out.getvalue().encode()


def import_values(store, rows, name="figures.csv", **kw):
    prepared = prepare(store, values_csv(*rows), name)
    assert prepared.ok, prepared.problems.to_dict("records")
    return commit(store, prepared, **kw)


# -- roles -----------------------------------------------------------------------------------
def test_roles_come_from_addresses_domains_and_a_wildcard():
    roles = {"admin": ["Lead@Council.gov.uk"], "editor": ["@council.gov.uk"], "viewer": "*"}
    assert role_for("lead@council.gov.uk", roles) == "admin"
    assert role_for("officer@COUNCIL.gov.uk", roles) == "editor"
    assert role_for("board@elsewhere.org", roles) == "viewer"
    assert role_for("board@elsewhere.org", {"editor": ["@council.gov.uk"]}) is None
    assert role_for(None, roles) is None
    assert role_for("x@council.gov.uk.evil.org", {"editor": ["@council.gov.uk"]}) is None


def test_roles_file(tmp_path, monkeypatch):
    path = tmp_path / "roles.toml"
    path.write_text('[cjmetrics.roles]\nadmin = ["a@x.org"]\neditor = ["@x.org"]\n')
    monkeypatch.setenv("CJMETRICS_ROLES_FILE", str(path))
    assert access.roles_from_file() == {"admin": ["a@x.org"], "editor": ["@x.org"]}


def test_a_viewer_cannot_import_edit_or_undo_at_the_store_layer(demo_store):
    before = demo_store.checksum()
    undo_id = int(demo_store.imports()["import_id"].iloc[0])
    with acting(VIEWER):
        prepared = prepare(demo_store, values_csv((DIVERSION, GLASGOW, "2030/31", 5, "x")), "f.csv")
        assert prepared.ok  # checking a file is reading: allowed
        with pytest.raises(NotAllowed) as refused:
            commit(demo_store, prepared)
        assert "viewer@council.gov.uk has the viewer role" in refused.value.user_message
        assert "editor role" in refused.value.user_message
        with pytest.raises(NotAllowed):
            demo_store.undo_import(undo_id)
        with pytest.raises(NotAllowed):
            demo_store.load_catalogue()
    with acting(access.NOBODY), pytest.raises(NotAllowed):
        import_values(demo_store, [(DIVERSION, GLASGOW, "2030/31", 5, "")])
    assert demo_store.checksum() == before


def test_an_editor_imports_and_undoes_figures_but_only_an_admin_changes_settings(demo_store):
    with acting(EDITOR):
        result = import_values(demo_store, [(DIVERSION, GLASGOW, "2030/31", 5, "")])
        demo_store.undo_import(result.import_id)
        with pytest.raises(NotAllowed) as refused:
            save(demo_store, "settings", __import__("pandas").DataFrame(
                {"key": ["rag_green"], "value": ["0.95"]}))
        assert "admin role" in refused.value.user_message
    with acting(ADMIN):
        outcome = save(demo_store, "settings", __import__("pandas").DataFrame(
            {"key": ["rag_green"], "value": ["0.95"]}))
        assert outcome.result.import_id is not None
    assert demo_store.settings()["rag_green"] == "0.95"
    with acting(EDITOR), pytest.raises(NotAllowed):  # undoing a settings change is admin's too
        demo_store.undo_import(outcome.result.import_id)
    imports = demo_store.imports().set_index("import_id")
    assert imports.loc[result.import_id, "who"] == "editor@council.gov.uk"
    assert imports.loc[result.import_id, "undone_by"] == "editor@council.gov.uk"


# -- read-only -------------------------------------------------------------------------------
def test_read_only_refuses_writes_in_the_store_and_in_duckdb(demo_db, monkeypatch):
    monkeypatch.setenv("CJMETRICS_READ_ONLY", "1")
    store = open_store(demo_db)
    assert store.read_only
    before = store.checksum()
    with pytest.raises(StoreReadOnly) as refused:
        import_values(store, [(DIVERSION, GLASGOW, "2030/31", 5, "")])
    assert "read-only" in refused.value.user_message and refused.value.user_message.endswith(".")
    with pytest.raises(StoreReadOnly):
        store.undo_import(1)
    assert store.record("export", "chart data") is False  # logged, not written
    # Even SQL that skipped the checks is refused by DuckDB: the file is open read-only.
    with pytest.raises(duckdb.Error, match="read-only"):
        store._conn.execute("DELETE FROM observations")
    assert store.checksum() == before
    # And another process may read the store at the same time.
    other = duckdb.connect(str(demo_db), read_only=True)
    assert other.execute("SELECT count(*) FROM imports").fetchone()[0] > 0
    other.close()


def test_read_only_cannot_create_or_upgrade_a_store(tmp_path, monkeypatch):
    monkeypatch.setenv("CJMETRICS_READ_ONLY", "1")
    with pytest.raises(StoreUnavailable, match="cannot create one"):
        open_store(tmp_path / "missing.duckdb")
    monkeypatch.delenv("CJMETRICS_READ_ONLY")
    old = Store(tmp_path / "old.duckdb")
    import cjmetrics.store.schema as store_module
    original = store_module.MIGRATIONS
    store_module.MIGRATIONS = MIGRATIONS[:1]
    try:
        old.migrate()
    finally:
        store_module.MIGRATIONS = original
    old.close()
    monkeypatch.setenv("CJMETRICS_READ_ONLY", "1")
    with pytest.raises(StoreReadOnly, match="needs upgrading"):
        open_store(tmp_path / "old.duckdb")


# -- audit -----------------------------------------------------------------------------------
def test_imports_edits_undos_exports_and_sign_ins_are_audited(demo_store):
    with acting(EDITOR):
        result = import_values(demo_store, [(DIVERSION, GLASGOW, "2030/31", 5, "")], "mine.csv")
        demo_store.undo_import(result.import_id)
        edited = save(demo_store, "annotations", __import__("pandas").DataFrame(
            {"indicator": [DIVERSION], "area": ["Glasgow City"], "period": ["2023/24"],
             "text": ["New team started"], "source": [""]}))
        assert edited.result.import_id is not None
    demo_store.record("export", "chart data: trend.csv", actor=VIEWER)
    demo_store.record("sign-in", "role viewer", actor=VIEWER)
    log = demo_store.audit_log()
    # not the loaded demo and reference figures
    mine = log[~log["who"].isin(["cjmetrics demo", "cjmetrics"])]
    assert list(mine["action"]) == ["sign-in", "export", "edit", "undo", "import"]
    assert set(mine["who"]) == {"editor@council.gov.uk", "viewer@council.gov.uk"}
    row = mine[mine["action"] == "import"].iloc[0]
    assert row["import_id"] == result.import_id and "mine.csv" in row["detail"]
    assert row["role"] == "editor"
    # filters: who, what, days
    assert list(demo_store.audit_log(who=["viewer@council.gov.uk"])["action"]) == \
        ["sign-in", "export"]
    assert list(demo_store.audit_log(actions=["undo"])["import_id"]) == [result.import_id]
    today = date.today()
    assert len(demo_store.audit_log(start=today, end=today)) == len(log)
    assert demo_store.audit_log(end=today - timedelta(days=1)).empty


def test_a_failed_import_writes_no_audit_row(demo_store):
    before = len(demo_store.audit_log())
    with acting(VIEWER), pytest.raises(NotAllowed):
        import_values(demo_store, [(DIVERSION, GLASGOW, "2030/31", 5, "")])
    assert len(demo_store.audit_log()) == before


# -- safe SQL: quotes and semicolons in every input ----------------------------------------
NASTY = "O'Brien\"; DROP TABLE observations; --"


def test_quotes_and_semicolons_in_every_input_stay_data(demo_store):
    tables = set(demo_store.table_counts())
    # a note, a file name and (below) an annotation text, an indicator name and an area name
    note = f"Note with {NASTY}"
    result = import_values(demo_store, [(DIVERSION, GLASGOW, "2030/31", 5, note)],
                           name=f"{NASTY}.csv")
    row = demo_store.current_observations([DIVERSION], [GLASGOW]).query(
        "period_label == '2030/31'").iloc[0]
    assert row["note"] == note
    assert demo_store.imports().set_index("import_id").loc[result.import_id, "file_name"] == \
        f"{NASTY}.csv"
    # an unknown area or indicator written as SQL is a problem in the file, not SQL
    prepared = prepare(demo_store, values_csv((DIVERSION, NASTY, "2030/31", 5, "")),
                       "f.csv")
    assert not prepared.ok and NASTY in " ".join(prepared.problems["value"].astype(str))
    prepared = prepare(demo_store, values_csv((NASTY, GLASGOW, "2030/31", 5, "")),
                       "f.csv")
    assert not prepared.ok
    # ids in reads are parameters
    assert demo_store.current_observations([NASTY], [NASTY]).empty
    assert demo_store.series([NASTY], [GLASGOW]).empty
    assert demo_store.revisions(NASTY, NASTY).empty
    assert demo_store.audit_log(who=[NASTY], actions=[NASTY]).empty
    # an indicator name and an annotation edited in the app
    frame = __import__("pandas").DataFrame(
        {"indicator_id": [DIVERSION], "name": [NASTY], "short_name": [NASTY]})
    from cjmetrics.editing import editable
    edits = editable(demo_store, "indicator_edits")
    edits.loc[edits["indicator_id"] == DIVERSION, ["name", "short_name"]] = [NASTY, NASTY]
    assert save(demo_store, "indicator_edits", edits).result.import_id is not None
    assert demo_store.indicators().set_index("indicator_id").loc[DIVERSION, "name"] == NASTY
    del frame
    saved = save(demo_store, "annotations", __import__("pandas").DataFrame(
        {"indicator": [DIVERSION], "area": ["Glasgow City"], "period": ["2023/24"],
         "text": [NASTY], "source": [NASTY]}))
    assert saved.result.import_id is not None
    assert NASTY in set(demo_store.annotations([DIVERSION], [GLASGOW])["text"])
    # an area name holding SQL is just a name (areas come from the catalogue)
    demo_store._conn.execute("UPDATE areas SET name = ? WHERE area_code = ?", [NASTY, GLASGOW])
    assert NASTY in set(demo_store.areas()["name"])
    assert set(demo_store.table_counts()) == tables  # nothing dropped
    assert demo_store.integrity_problems() == []


def test_a_backup_path_with_quotes_and_semicolons(demo_store, tmp_path):
    target = demo_store.backup_to(tmp_path / "it's; DROP TABLE x; --.duckdb")
    copy = Store(target, read_only=True)
    assert copy.checksum() == demo_store.checksum()
    copy.close()


# -- files -----------------------------------------------------------------------------------
def test_the_upload_limit_is_the_same_in_the_app_and_in_streamlits_config():
    import tomllib
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == MAX_UPLOAD_MB


def test_an_upload_name_is_never_used_as_a_path(demo_store, tmp_path, monkeypatch):
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    victim = folder / "victim.txt"
    victim.write_text("keep me")
    for name in ("../victim.txt", str(victim), "/etc/passwd", "..\\..\\victim.txt"):
        prepared = prepare(demo_store, values_csv((DIVERSION, GLASGOW, "2031/32", 1, "")), name)
        assert prepared.ok and prepared.file_name == name
    assert victim.read_text() == "keep me"
    assert sorted(p.name for p in folder.iterdir()) == ["victim.txt"]



# -- untrusted text helpers (the browser test proves them in chromium) ------------------------
def test_chart_text_keeps_its_own_markup_but_not_a_users():
    import plotly.graph_objects as go

    from cjmetrics.charts import inert
    fig = go.Figure(go.Scatter(x=["a<img src=x>"], y=[1], name='<a href="http://x">n</a>',
                               hovertemplate="<b>%{x}</b><br>v<extra></extra>"))
    fig.update_layout(title=dict(text="<script>t</script> <b>bold</b>"))
    fig = inert(inert(fig))  # idempotent
    assert fig.layout.title.text == "&lt;script>t&lt;/script> &lt;b>bold&lt;/b>"  # typed text
    assert fig.data[0].name == '&lt;a href="http://x">n&lt;/a>'
    assert fig.data[0].hovertemplate == "<b>%{x}</b><br>v<extra></extra>"
    assert list(fig.data[0].x) == ["a&lt;img src=x>"]


def test_labels_and_plain_text_never_form_links():
    from cjmetrics.ui import label, plain
    for escape in (plain, label):
        text = escape("[x](http://a.org) ![i](https://b.org/i.png) www.c.org d@e.org <b>")
        assert "[x]" not in text and "![" not in text and "<b>" not in text
        assert "://" not in text and "www." not in text and "d@" not in text
    assert label("Diversion cases completed (CPO): 64%") == "Diversion cases completed (CPO): 64%"
