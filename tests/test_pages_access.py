"""AppTests of access control and the Audit page, with Streamlit's own mocked user (AppTest.user)
and secrets ([auth] configured, roles by address and domain).

A viewer sees no upload, edit or undo controls; an editor can import; an admin sees the audit
log. Without an identity provider the app is the local user with every role and says so; under
CJMETRICS_READ_ONLY=1 nothing can be changed and the sidebar says so.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from apptest_support import assert_clean, texts

from cjmetrics.store import open_store
from demo_csv import GLASGOW

PAGES_TESTED_HERE = ["pages/audit.py"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OVERVIEW, TRENDS, UPLOAD = "pages/overview.py", "pages/trends.py", "pages/upload.py"
IMPORTS, AUDIT, FRAMEWORK = "pages/imports.py", "pages/audit.py", "pages/framework.py"
ROLES = {"admin": ["lead@council.gov.uk"], "editor": ["@council.gov.uk"],
         "viewer": ["board@elsewhere.org"]}
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-secret",
        "client_id": "cjmetrics", "client_secret": "secret",
        "server_metadata_url": "https://id.example.org/.well-known/openid-configuration"}


def app(email: str | None = None, *, signed_in: bool = True) -> AppTest:
    """dashboard.py as `email` would see it; email None: no identity provider (local user)."""
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["area"] = GLASGOW
    if email is not None or not signed_in:
        at.secrets["auth"] = AUTH
        at.secrets["cjmetrics"] = {"roles": ROLES}
        at.user = {"is_logged_in": signed_in, **({"email": email} if email else {})}
    return at


def visit(at: AppTest, page: str) -> AppTest:
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def sidebar_text(at: AppTest) -> str:
    """The sidebar's captions as read: markdown emphasis and icons removed."""
    return re.sub(r":material/[a-z_]+: |\*\*", "", " ".join(texts(at.sidebar.caption)))



def editing_controls(at: AppTest) -> list[str]:
    """Anything that changes the store: editors, save/import/undo buttons, file uploaders."""
    # AppTest reports st.data_editor as a dataframe; ui.edit_table keys it "<key>-editor".
    found = [f"editor:{d.key}" for d in at.dataframe if (d.key or "").endswith("-editor")]
    found += [b.label for b in at.button if b.label.split()[0] in ("Save", "Import", "Undo")]
    found += ["uploader" for _ in at.get("file_uploader")]
    return found


# -- no identity provider: the local user --------------------------------------------------
def test_local_user_has_every_role_and_the_sidebar_says_so(demo_db):
    at = visit(app(), OVERVIEW)
    assert_clean(at)
    assert "Local user: no sign-in is configured, so you have every role" in sidebar_text(at)
    at = visit(at, AUDIT)
    assert_clean(at)
    assert at.title[0].value == "Audit"
    log = at.dataframe[0].value
    assert set(log["Who"]) == {"cjmetrics demo"} and set(log["What"]) == {"Imported a file"}
    assert "Download CSV" in [b.label for b in at.get("download_button")]
    assert "Download a backup" in [b.label for b in at.get("download_button")]


def test_audit_page_over_an_empty_store(empty_db):
    at = visit(app(), AUDIT)
    assert_clean(at)
    assert any("Nothing has been recorded yet" in t for t in texts(at.info))


# -- signed in with a role -----------------------------------------------------------------
def test_a_viewer_sees_no_upload_edit_or_undo_controls(demo_db):
    at = app("board@elsewhere.org")
    for page in (OVERVIEW, TRENDS, FRAMEWORK, IMPORTS):
        visit(at, page)
        assert_clean(at)
        assert editing_controls(at) == [], page
    assert "Signed in as board@elsewhere.org (viewer)" in sidebar_text(at)
    # The Upload and Audit pages are not in the viewer's navigation at all.
    for page in (UPLOAD, AUDIT):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(page)
    # The sign-in was recorded, against the viewer.
    log = open_store(demo_db).audit_log(actions=["sign-in"])
    assert list(log["who"]) == ["board@elsewhere.org"] and list(log["role"]) == ["viewer"]


def test_an_editor_can_import_and_the_audit_log_names_them(demo_db):
    at = visit(app("officer@council.gov.uk"), UPLOAD)
    assert_clean(at)
    data = f"indicator,area,period,value\nndo1_diversion_completed,{GLASGOW},2031/32,7\n"
    at.file_uploader[0].set_value(("mine.csv", data.encode(), "text/csv")).run()
    [button] = [b for b in at.button if b.label.startswith("Import")]
    button.click().run()
    assert_clean(at)
    assert any("Import #" in t for t in texts(at.success))
    store = open_store(demo_db)
    latest = store.imports().iloc[0]
    assert latest["who"] == "officer@council.gov.uk" and latest["file_name"] == "mine.csv"
    # an editor has edit tables but may not read the audit log
    visit(at, TRENDS)
    assert any(k.startswith("editor:") for k in editing_controls(at))
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(AUDIT)


def test_an_admin_sees_the_audit_log_and_filters_it(demo_db):
    store = open_store(demo_db)
    from cjmetrics.access import Actor
    store.record("export", "chart data: trend.csv", actor=Actor("board@elsewhere.org", "viewer"))
    at = visit(app("lead@council.gov.uk"), AUDIT)
    assert_clean(at)
    log = at.dataframe[0].value
    assert {"board@elsewhere.org", "lead@council.gov.uk", "cjmetrics demo"} <= set(log["Who"])
    at.multiselect(key="audit_who").set_value(["board@elsewhere.org"]).run()
    log = at.dataframe[0].value
    assert list(log["What"]) == ["Downloaded"] and list(log["Detail"]) == [
        "chart data: trend.csv"]
    at.multiselect(key="audit_who").set_value([]).run()
    at.multiselect(key="audit_what").set_value(["sign-in"]).run()
    assert list(at.dataframe[0].value["Who"]) == ["lead@council.gov.uk"]
    roles = at.dataframe[1].value
    assert roles.set_index("Role").loc["editor", "E-mail addresses and domains"] == \
        "@council.gov.uk"


def test_someone_not_signed_in_sees_only_the_sign_in_button(demo_db):
    at = app(signed_in=False)
    at.run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.get("plotly_chart")


def test_someone_signed_in_without_a_role_is_told_to_ask(demo_db):
    at = app("stranger@example.com")
    at.run()
    assert any("has not given you a role" in t for t in texts(at.warning))
    assert [b.label for b in at.button] == ["Sign out"]
    assert not at.metric
    log = open_store(demo_db).audit_log(actions=["sign-in"])
    assert list(log["who"]) == ["stranger@example.com"]
    assert list(log["detail"]) == ["no role: refused"]


# -- read-only -------------------------------------------------------------------------------
def test_read_only_hides_every_editing_control(demo_db, monkeypatch):
    monkeypatch.setenv("CJMETRICS_READ_ONLY", "1")
    at = app()
    for page in (OVERVIEW, TRENDS, FRAMEWORK, IMPORTS):
        visit(at, page)
        assert not at.error, (page, texts(at.error))
        assert editing_controls(at) == [], page
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(UPLOAD)
    assert "Read-only: this dashboard shows the figures" in sidebar_text(at)
    visit(at, AUDIT)  # the local admin still reads the audit log
    assert_clean(at)
    assert at.dataframe[0].value.shape[0] > 0
