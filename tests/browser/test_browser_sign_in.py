"""Signing in for real: an OpenID Connect provider on 127.0.0.1 (tests/oidc_support.py), the
dashboard started with a secrets file whose [auth] points at it, and Debian's chromium going
through the provider's own sign-in page and back, as a partnership's staff would with Entra ID,
Okta or Keycloak.

A viewer, an editor and an admin each see exactly the navigation and controls of their role; a
role may come from the provider's groups claim; someone with no role sees one sentence and
nothing else; signing out ends the session; the Audit page's log names each person by the
address the provider gave; a sign-in whose ID token has expired is ended with a sentence.
"""

from __future__ import annotations

import csv
import io
import shutil
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from cjmetrics.store import open_store

from browser_support import free_port, settled, streamlit_server, title, wait_for_app
from oidc_support import auth_section, identity_provider, write_secrets

pytestmark = pytest.mark.browser

# The navigation of each role, in the sidebar's order (dashboard.py's PAGES).
EVERY_PAGE = ["Overview", "Trends", "Performance Framework", "Compare areas", "Care Inspectorate",
              "Present", "Engagement reach", "Surveys", "Engagement plan", "Annual report",
              "Participation statement", "Upload", "Imports & history", "Audit", "Frameworks",
              "Accessibility statement"]
NAVIGATION = {"viewer": [p for p in EVERY_PAGE if p not in ("Upload", "Audit")],
              "editor": [p for p in EVERY_PAGE if p != "Audit"],
              "admin": EVERY_PAGE}
PEOPLE = {  # the provider's subject -> the claims it puts in that person's ID token
    "board": {"email": "board@elsewhere.org"},                        # viewer by address
    "officer": {"email": "officer@council.gov.uk"},                   # editor by domain
    "lead": {"email": "lead@council.gov.uk"},                         # admin by address
    "partner": {"email": "analyst@partner.org", "groups": ["staff", "cjmetrics-editors"]},
    "stranger": {"email": "stranger@example.com", "groups": ["staff"]},  # no role
}


@pytest.fixture(scope="module")
def provider():
    with identity_provider() as running:
        for sub, claims in PEOPLE.items():
            running.set_user(sub, **claims)
        yield running


def _signed_in_server(template, provider, directory):
    """The dashboard over a copy of the demo store, with secrets pointing at `provider`."""
    path = directory / "demo.duckdb"
    shutil.copy(template, path)
    port = free_port()
    secrets = write_secrets(directory / "secrets.toml",
                            auth_section(provider.metadata_url, f"http://127.0.0.1:{port}"))
    return path, streamlit_server(path, directory / "streamlit.log", port=port,
                                  args=["--secrets.files", str(secrets)])


@pytest.fixture(scope="module")
def signed_in_app(_demo_template, provider, tmp_path_factory):
    """The module's one dashboard server: its URL and its console log."""
    directory = tmp_path_factory.mktemp("sign-in")
    _, server = _signed_in_server(_demo_template, provider, directory)
    with server as url:
        yield url, directory / "streamlit.log"


@pytest.fixture(scope="module")
def app_url(signed_in_app):
    return signed_in_app[0]


def test_the_console_says_sign_in_works_when_the_server_starts(signed_in_app):
    _, log = signed_in_app
    deadline = time.monotonic() + 60
    while "sign-in is on" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "cjmetrics: sign-in is on; the identity provider answered." in log.read_text()


def sign_in(page, url: str, sub: str) -> None:
    """Open the dashboard, press Sign in, and sign in as `sub` on the provider's own page."""
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    assert page.url.startswith(url.rsplit(":", 1)[0]) and "/oauth2/authorize" in page.url
    page.locator("input[name='sub']").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**")


def sign_out(page) -> None:
    """Press Sign out; the provider offers to end its own session too, then sends the browser
    back to the dashboard's sign-in page."""
    page.get_by_test_id("stSidebar").get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def navigation(page) -> list[str]:
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_be_visible()
    # Each link reads "icon name\n\nTitle"; the title is its last line.
    return [link.inner_text().strip().splitlines()[-1]
            for link in nav.get_by_test_id("stSidebarNavLink").all()]


def who(page):
    return page.get_by_test_id("stSidebar").get_by_text("Signed in as", exact=False)


def assert_signed_in(page, email: str, role: str) -> None:
    """The sidebar names the person by the provider's address, with their role."""
    expect(who(page)).to_be_visible()
    assert f"Signed in as {email} ({role})." in shown(who(page))


def shown(locator) -> str:
    """The text as read: without the word joiners that keep an "@" from becoming a link."""
    return locator.inner_text().replace("\u2060", "")


def open_page(page, url: str, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
    expect(title(page)).to_contain_text(name)
    settled(page)


# -- each role sees its own dashboard ---------------------------------------------------------
def test_a_viewer_browses_but_has_no_upload_audit_or_undo(app_url, page):
    sign_in(page, app_url, "board")
    wait_for_app(page)
    assert_signed_in(page, "board@elsewhere.org", "viewer")
    assert navigation(page) == NAVIGATION["viewer"]
    open_page(page, app_url, "Imports & history")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text("with the viewer role", exact=False).first).to_be_visible()
    expect(main.get_by_role("combobox", name="Import", exact=True)).to_have_count(0)
    # Typing the address of a page the role may not use does not open it.
    page.goto(f"{app_url}/upload")
    wait_for_app(page)
    expect(page.locator("input[type='file']")).to_have_count(0)
    assert navigation(page) == NAVIGATION["viewer"]


def test_an_editor_by_domain_may_upload_but_not_read_the_audit_log(app_url, page):
    sign_in(page, app_url, "officer")
    wait_for_app(page)
    assert_signed_in(page, "officer@council.gov.uk", "editor")
    assert navigation(page) == NAVIGATION["editor"]
    open_page(page, app_url, "Upload")
    expect(page.locator("input[type='file']")).to_have_count(1)
    open_page(page, app_url, "Imports & history")
    # The import to undo is chosen here; a viewer has no such box.
    expect(page.get_by_test_id("stMain").get_by_role("combobox", name="Import", exact=True)) \
        .to_be_visible()


def test_a_role_from_the_providers_groups_claim(app_url, page):
    """analyst@partner.org is in no address or domain list; the provider's groups claim holds
    cjmetrics-editors, which [cjmetrics.claim_roles] maps onto the editor role."""
    sign_in(page, app_url, "partner")
    wait_for_app(page)
    assert_signed_in(page, "analyst@partner.org", "editor")
    assert navigation(page) == NAVIGATION["editor"]


def test_someone_the_provider_knows_but_no_role_covers_sees_one_sentence(app_url, page):
    sign_in(page, app_url, "stranger")
    main = page.get_by_test_id("stMain")
    sentence = main.get_by_test_id("stAlertContentWarning")
    expect(sentence).to_contain_text("but this dashboard has not given you a role yet.")
    assert "You are signed in as stranger@example.com," in shown(sentence)
    expect(main.get_by_role("button", name="Sign out")).to_be_visible()  # the run's last element
    settled(page)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect(page.locator("[data-testid='stPlotlyChart'], [data-testid='stMetric'], "
                        "[data-testid='stDataFrame'], [data-testid='stSelectbox']")
           ).to_have_count(0)
    buttons = [b.inner_text().strip().splitlines()[-1] for b in main.get_by_role("button").all()]
    assert buttons == ["Sign out"]  # the icon's name reads first


def test_an_admin_reads_who_signed_in_by_the_providers_address(app_url, page, browser):
    # Someone else signs in and out first, in their own browser.
    other = browser.new_context()
    try:
        viewer = other.new_page()
        sign_in(viewer, app_url, "board")
        wait_for_app(viewer)
        sign_out(viewer)
    finally:
        other.close()
    sign_in(page, app_url, "lead")
    wait_for_app(page)
    assert_signed_in(page, "lead@council.gov.uk", "admin")
    assert navigation(page) == NAVIGATION["admin"]
    open_page(page, app_url, "Audit")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    events = {(row["Who"], row["Role"], row["What"], row["Detail"]) for row in rows}
    assert ("board@elsewhere.org", "viewer", "Signed in", "role viewer") in events
    assert ("board@elsewhere.org", "viewer", "Signed out", "role viewer") in events
    assert ("lead@council.gov.uk", "admin", "Signed in", "role admin") in events


def test_signing_out_ends_the_session(app_url, page):
    sign_in(page, app_url, "officer")
    wait_for_app(page)
    sign_out(page)
    assert page.url.rstrip("/") == app_url
    # The session is over in this browser: no page opens without signing in again.
    for path in ("/", "/trends", "/upload"):
        page.goto(app_url + path)
        expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        settled(page)
        expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
        expect(who(page)).to_have_count(0)


# -- an expired sign-in -----------------------------------------------------------------------
TOKEN_LIFETIME_S = 12


def test_a_sign_in_whose_id_token_has_expired_is_ended_with_a_sentence(
        _demo_template, tmp_path, page):
    """Streamlit would keep the person signed in for 30 days; the provider's token said
    TOKEN_LIFETIME_S seconds, and the dashboard holds to that."""
    with identity_provider(token_lifetime=timedelta(seconds=TOKEN_LIFETIME_S)) as short:
        short.set_user("board", **PEOPLE["board"])
        path, server = _signed_in_server(_demo_template, short, tmp_path)
        with server as url:
            sign_in(page, url, "board")
            signed_in_at = time.monotonic()
            wait_for_app(page)
            assert_signed_in(page, "board@elsewhere.org", "viewer")
            time.sleep(max(0.0, signed_in_at + TOKEN_LIFETIME_S + 1 - time.monotonic()))
            # The next thing the person does finds the sign-in over.
            page.get_by_test_id("stSidebarNav").get_by_role("link", name="Trends").click()
            sentence = page.get_by_test_id("stMain").get_by_test_id("stAlertContentWarning")
            expect(sentence).to_contain_text("so you have been signed out of this dashboard. "
                                             "Sign in again to carry on.")
            assert "Your sign-in as board@elsewhere.org ended at " in shown(sentence)
            settled(page)
            expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
            expect(page.locator("[data-testid='stPlotlyChart']")).to_have_count(0)
            # Signing in again gives a fresh token and the dashboard back.
            page.get_by_role("button", name="Sign in again").click()
            page.locator("input[name='sub']").fill("board")
            page.get_by_role("button", name="Authorize").click()
            wait_for_app(page)
            assert_signed_in(page, "board@elsewhere.org", "viewer")
    log = open_store(path).audit_log()
    events = [(row.who, row.action, row.detail) for row in log.itertuples()][::-1]
    events = [e for e in events if e[1] in ("sign-in", "sign-out")]
    assert events == [("board@elsewhere.org", "sign-in", "role viewer"),
                      ("board@elsewhere.org", "sign-out", "sign-in ended"),
                      ("board@elsewhere.org", "sign-in", "role viewer")]
