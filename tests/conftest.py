"""Shared fixtures. Every test uses its own store file in tmp; the real data/ is never touched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cjmetrics import store as store_module
from cjmetrics.bootstrap import initialise

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLES = PROJECT_ROOT.parent / "shared" / "samples"


@pytest.fixture(autouse=True)
def _fresh_streamlit_caches():
    """st.cache_data / st.cache_resource and cjmetrics.memo are process-global: clear them
    around every test so no test is served a model (or a closed Store) cached for another
    CJMETRICS_DB."""
    import streamlit as st

    from cjmetrics import memo

    st.cache_data.clear()
    st.cache_resource.clear()
    memo.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
    memo.clear()


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    """No test may fall back to data/cjmetrics.duckdb, and open stores are closed after each."""
    monkeypatch.setenv("CJMETRICS_DB", str(tmp_path / "default.duckdb"))
    yield
    store_module.close_all()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.duckdb"
    initialise(path, demo=True)
    store_module.close_all()
    return path


@pytest.fixture(scope="session")
def _empty_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.duckdb"
    initialise(path, demo=False)
    store_module.close_all()
    return path


@pytest.fixture
def demo_db(_demo_template, tmp_path, monkeypatch) -> Path:
    """A fresh copy of a store holding the catalogue and the demo data; CJMETRICS_DB points at
    it."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(_demo_template, path)
    monkeypatch.setenv("CJMETRICS_DB", str(path))
    return path


@pytest.fixture
def empty_db(_empty_template, tmp_path, monkeypatch) -> Path:
    """A fresh copy of a store holding only the catalogue; CJMETRICS_DB points at it."""
    path = tmp_path / "empty.duckdb"
    shutil.copy(_empty_template, path)
    monkeypatch.setenv("CJMETRICS_DB", str(path))
    return path


@pytest.fixture
def demo_store(demo_db):
    return store_module.open_store(demo_db)


@pytest.fixture
def empty_store(empty_db):
    return store_module.open_store(empty_db)


# -- real browser tests (tests/test_browser*.py; machinery in tests/browser_support.py) -------
@pytest.fixture(scope="module")
def server(_demo_template, tmp_path_factory):
    """`streamlit run dashboard.py` over the module's own copy of the demo store: one server per
    test module, so a module that imports or undoes never disturbs another's figures."""
    from browser_support import streamlit_server

    directory = tmp_path_factory.mktemp("browser-server")
    path = directory / "demo.duckdb"
    shutil.copy(_demo_template, path)
    with streamlit_server(path, directory / "streamlit.log") as url:
        yield url


@pytest.fixture
def fresh_server(_demo_template, tmp_path):
    """A server no page has been requested from yet (for the first-visit-on-a-page quirk)."""
    from browser_support import streamlit_server

    path = tmp_path / "demo.duckdb"
    shutil.copy(_demo_template, path)
    with streamlit_server(path, tmp_path / "streamlit.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    import os

    from playwright.sync_api import expect, sync_playwright

    from browser_support import CHROMIUM, TIMEOUT_MS, chromium_args

    expect.set_options(timeout=TIMEOUT_MS)  # expect() waits as long as actions do, not 5 s

    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"The browser tests need Debian's chromium at {CHROMIUM}, which is missing. "
                    "Run `make test` (its chromium step installs it with apt-get), or "
                    "`apt-get install chromium`.", pytrace=False)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=chromium_args())
        yield launched
        launched.close()


@pytest.fixture
def page(browser, request):
    """A page in a fresh browser context (its own Streamlit session); screenshot on failure."""
    from browser_support import SCREENSHOT_DIR, TIMEOUT_MS

    failed_before = request.session.testsfailed
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    # The call phase's report is logged before teardown, so a failure has been counted by now.
    if request.session.testsfailed > failed_before:
        shot = SCREENSHOT_DIR / f"cjmetrics-{request.node.name}.png"
        try:
            tab.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the failure: {shot}")
        except Exception as exc:  # noqa: BLE001 - a screenshot must not hide the failure
            print(f"could not take a screenshot: {exc}")
    context.close()


# -- PostgreSQL (tests/pg_support.py): one server per session, a fresh database per test -------
@pytest.fixture(scope="session")
def pg_server():
    from pg_support import PostgresServer

    server = PostgresServer().start()
    yield server
    store_module.close_all()
    server.stop()


@pytest.fixture(scope="session")
def _pg_templates(pg_server, _demo_template, _empty_template) -> dict[str, str]:
    """Template databases: the catalogue alone, and the demo store restored from the file
    template (so the demo on PostgreSQL holds exactly what the file holds)."""
    from cjmetrics.access import SYSTEM, acting

    names = {"empty": pg_server.new_database(), "demo": pg_server.new_database()}
    initialise(pg_server.url(names["empty"]), demo=False)
    demo = store_module.open_store(pg_server.url(names["demo"]))
    with acting(SYSTEM):
        demo.restore_from(_demo_template)
    store_module.close_all()
    return names


def _pg_copy(server, template: str, monkeypatch) -> str:
    url = server.url(server.new_database(template))
    monkeypatch.setenv("CJMETRICS_DB", url)
    return url


@pytest.fixture
def pg_demo_url(pg_server, _pg_templates, monkeypatch) -> str:
    """A fresh database holding the demo store; CJMETRICS_DB points at it."""
    return _pg_copy(pg_server, _pg_templates["demo"], monkeypatch)


@pytest.fixture
def pg_empty_url(pg_server, _pg_templates, monkeypatch) -> str:
    """A fresh database holding the catalogue only; CJMETRICS_DB points at it."""
    return _pg_copy(pg_server, _pg_templates["empty"], monkeypatch)


@pytest.fixture(params=["file", "postgres"])
def engine_demo_store(request):
    """The demo store on each engine: the embedded file, then PostgreSQL."""
    location = request.getfixturevalue("demo_db" if request.param == "file" else "pg_demo_url")
    return store_module.open_store(location)


@pytest.fixture(params=["file", "postgres"])
def engine_empty_store(request):
    """The catalogue-only store on each engine."""
    location = request.getfixturevalue("empty_db" if request.param == "file" else "pg_empty_url")
    return store_module.open_store(location)
