"""AppTests of access control and the Audit page, with Streamlit's own mocked user (AppTest.user)
and secrets ([auth] configured, roles by address and domain).

A viewer sees no upload, edit or undo controls; an editor can import; an admin sees the audit
log. Without an identity provider the app is the local user with every role and says so; under
CJMETRICS_READ_ONLY=1 nothing can be changed and the sidebar says so.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from streamlit.testing.v1 import AppTest

from cjmetrics.store import open_store

from apptest_support import assert_clean, texts
from conftest import PROJECT_ROOT
from demo_csv import GLASGOW
from oidc_support import identity_provider

PAGES_TESTED_HERE = ["pages/audit.py"]

OVERVIEW, TRENDS, UPLOAD = "pages/overview.py", "pages/trends.py", "pages/upload.py"
IMPORTS, AUDIT, FRAMEWORK = "pages/imports.py", "pages/audit.py", "pages/framework.py"
ROLES = {"admin": ["lead@council.gov.uk"], "editor": ["@council.gov.uk"],
         "viewer": ["board@elsewhere.org"]}
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-secret",
        "client_id": "cjmetrics", "client_secret": "secret",
        "server_metadata_url": "https://id.example.org/.well-known/openid-configuration"}


def app(email: str | None = None, *, signed_in: bool = True, auth: dict = AUTH,
        token_left: timedelta = timedelta(hours=1), **claims) -> AppTest:
    """dashboard.py as `email` would see it, signed in with an ID token that has `token_left`
    to run and carries `claims`; email None: no identity provider (local user)."""
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.session_state["area"] = GLASGOW
    if email is not None or not signed_in:
        at.secrets["auth"] = auth
        at.secrets["cjmetrics"] = {"roles": ROLES, "roles_claim": "groups",
                                   "claim_roles": {"editor": ["cjmetrics-editors"]}}
        exp = int((datetime.now(timezone.utc) + token_left).timestamp())
        at.user = {"is_logged_in": signed_in, **({"email": email, "exp": exp} if email else {}),
                   **claims}
    return at


# The folds whose editors are drawn only once opened: open, so a page's controls are all seen.
EDITING_FOLDS = ["trend-notes-open", "framework-edit", "plan-activities-open",
                 "plan-stages-edit-open", "plan-stage-names-open"]


def visit(at: AppTest, page: str) -> AppTest:
    for fold in EDITING_FOLDS:
        at.session_state[fold] = True
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
    # the demo and the published reference figures, loaded with the new store
    assert set(log["Who"]) == {"cjmetrics demo", "cjmetrics"}
    assert set(log["What"]) == {"Imported a file"}
    # each import's detail names its kind as the Upload page does, its counts in thousands
    assert "Demo data: demo/social_posts.csv (1,104 new, 0 revised)" in set(log["Detail"])
    assert not log["Detail"].str.startswith("demo:").any()
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
    # a detail wider than a 1280 px screen's table is cut; the page says how to read it all
    assert any(c.startswith(f"{len(log)} entries. A detail too long for its cell reads in full "
                            "when you double-click it") for c in texts(at.caption))
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
    with identity_provider() as provider:
        at = app(signed_in=False, auth=dict(AUTH, server_metadata_url=provider.metadata_url))
        at.run()
    assert not at.exception and not at.error
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.get("plotly_chart")


def test_an_identity_provider_nobody_answers_at_is_said_instead_of_a_sign_in_button(demo_db):
    at = app(signed_in=False)  # AUTH's provider is at id.example.org, which is not reachable
    at.run()
    assert not at.exception
    [sentence] = texts(at.error)
    assert sentence.startswith("Sign-in cannot work: the identity provider's address "
                               "https://id.example.org/.well-known/openid-configuration")
    assert [b.label for b in at.button] == []
    assert not at.metric and not at.get("plotly_chart")


def test_an_incomplete_auth_section_is_said_before_anyone_presses_sign_in(demo_db):
    at = app(signed_in=False, auth={k: v for k, v in AUTH.items() if k != "client_secret"})
    at.run()
    assert not at.exception
    [sentence] = texts(at.error)
    assert sentence.startswith("Sign-in is switched on but the [auth] section of the server's "
                               "secrets (.streamlit/secrets.toml) has no client_secret. Add it")
    assert [b.label for b in at.button] == []


def test_a_role_from_the_providers_groups_claim(demo_db):
    at = visit(app("analyst@partner.org", groups=["staff", "cjmetrics-editors"]), UPLOAD)
    assert_clean(at)
    assert "Signed in as analyst@partner.org (editor)" in sidebar_text(at)
    assert at.get("file_uploader")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(AUDIT)


def test_an_expired_id_token_ends_the_sign_in_with_a_sentence(demo_db):
    at = app("lead@council.gov.uk", token_left=timedelta(seconds=-5))
    at.run()
    assert not at.exception
    [sentence] = texts(at.warning)
    assert sentence.startswith("Your sign-in as lead@council.gov.uk ended at ")
    assert sentence.endswith("so you have been signed out of this dashboard. Sign in again to "
                             "carry on.")
    assert [b.label for b in at.button] == ["Sign in again"]
    assert not at.metric and not at.get("plotly_chart") and not at.sidebar.caption
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(AUDIT)
    log = open_store(demo_db).audit_log(actions=["sign-in", "sign-out"])
    assert [(r.who, r.action, r.detail) for r in log.itertuples()] == [
        ("lead@council.gov.uk", "sign-out", "sign-in ended")]


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
