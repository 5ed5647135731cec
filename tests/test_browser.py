"""Real browser tests: `streamlit run dashboard.py` served over a copy of the demo store and
driven by Playwright with Debian's chromium (/usr/bin/chromium; `make test` installs it).

They cover the flows people use: read the Overview, pick an area in the sidebar, follow a tile to
its trend, and open a shared Trends link on a server nobody has visited yet. Waits are on rendered
text and elements (Streamlit renders asynchronously), never on sleeps. A failing test leaves a
screenshot in /tmp (its path is printed in the test report).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import expect, sync_playwright

pytestmark = pytest.mark.browser

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SERVER_START_TIMEOUT = 60  # seconds for /_stcore/health to answer "ok"
TIMEOUT_MS = 30_000  # for anything to render
SCREENSHOT_DIR = Path("/tmp")

AGREE = "ndo9_agree_community_sentence"
AGREE_NAME = "Agree people should help their community"  # the chart title's first words
DIVERSION_COMPLETED = "ndo1_diversion_completed"
DIVERSION_NAME = "Diversion from prosecution: cases successfully completed"


def _chromium_args() -> list[str]:
    """The launch options scripts/screenshot.py uses (known to work in this container)."""
    spec = importlib.util.spec_from_file_location("cjmetrics_screenshot",
                                                  PROJECT_ROOT / "scripts" / "screenshot.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.CHROMIUM_ARGS)


# -- the server ------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


@contextmanager
def streamlit_server(db_path: Path, log_path: Path) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free port over db_path; yields the base URL."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, CJMETRICS_DB=str(db_path), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py",
               "--server.port", str(port), "--server.headless", "true",
               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _healthy(url):
            if server.poll() is not None:
                pytest.fail(f"streamlit exited with code {server.returncode} before answering; "
                            f"its log:\n{log_path.read_text(errors='replace')}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer {url}/_stcore/health within "
                            f"{SERVER_START_TIMEOUT} s; its log:\n"
                            f"{log_path.read_text(errors='replace')}", pytrace=False)
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _demo_copy(template: Path, directory: Path) -> Path:
    path = directory / "demo.duckdb"
    shutil.copy(template, path)
    return path


@pytest.fixture(scope="module")
def server(_demo_template, tmp_path_factory) -> Iterator[str]:
    """One server for the module, over its own copy of the demo store."""
    directory = tmp_path_factory.mktemp("browser-server")
    with streamlit_server(_demo_copy(_demo_template, directory), directory / "streamlit.log") as url:
        yield url


@pytest.fixture
def fresh_server(_demo_template, tmp_path) -> Iterator[str]:
    """A server no page has been requested from yet (for the first-visit-on-a-page quirk)."""
    with streamlit_server(_demo_copy(_demo_template, tmp_path), tmp_path / "streamlit.log") as url:
        yield url


# -- the browser -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"The browser tests need Debian's chromium at {CHROMIUM}, which is missing. "
                    "Run `make test` (its chromium step installs it with apt-get), or "
                    "`apt-get install chromium`.", pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                             args=_chromium_args())
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A page in a fresh browser context (its own Streamlit session); screenshot on failure."""
    failed_before = request.session.testsfailed
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    # The call phase's report is logged before teardown, so a failure has been counted by now.
    if request.session.testsfailed > failed_before:
        shot = SCREENSHOT_DIR / f"cjmetrics-{request.node.name}.png"
        try:
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot of the failure: {shot}")
        except Exception as exc:  # noqa: BLE001 - a screenshot must not hide the failure
            print(f"could not take a screenshot: {exc}")
    context.close()


def wait_for_app(page) -> None:
    """The app has rendered its first page: the sidebar navigation and a title are showing."""
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
    expect(page.locator("h1").first).to_be_visible()


def title(page):
    return page.locator("[data-testid='stMain'] h1").first


def plotly_chart(page):
    return page.locator("[data-testid='stPlotlyChart'] .js-plotly-plot").first


def chart_title(page):
    return page.locator("[data-testid='stPlotlyChart'] .gtitle").first


# -- the flows -------------------------------------------------------------------------------
def test_overview_renders(page, server):
    page.goto(f"{server}/")
    wait_for_app(page)
    expect(title(page)).to_have_text("Overview: Community Justice Ayrshire Partnership")
    expect(page.get_by_role("heading", name="National outcomes")).to_be_visible()
    expect(page.get_by_test_id("stMetricLabel").filter(
        has_text="Diversion cases completed")).to_be_visible()
    expect(page.get_by_test_id("stAlertContentWarning")).to_contain_text(
        "illustrative demo figures")
    expect(page.get_by_test_id("stSidebar")).to_contain_text("illustrative demo data")


def choose_area(page, typed: str) -> None:
    """Pick an area in the sidebar's Area box the way a person does: click, type, Enter."""
    box = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Area")
    box.click()
    page.keyboard.type(typed)
    expect(page.get_by_role("option", name=typed)).to_be_visible()
    page.keyboard.press("Enter")


def test_choosing_an_area_in_the_sidebar(page, server):
    page.goto(f"{server}/")
    wait_for_app(page)
    expect(title(page)).to_have_text("Overview: Community Justice Ayrshire Partnership")
    choose_area(page, "Glasgow City")
    expect(title(page)).to_have_text("Overview: Glasgow City")
    expect(page.get_by_test_id("stSidebar").get_by_role("combobox", name="Area")).to_have_value(
        "Glasgow City")


def test_tile_link_opens_its_trend(page, server):
    page.goto(f"{server}/")
    wait_for_app(page)
    choose_area(page, "Glasgow City")
    expect(title(page)).to_have_text("Overview: Glasgow City")
    tile = page.get_by_test_id("stColumn").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text="Diversion cases completed"))
    expect(tile).to_have_count(1)
    tile.get_by_role("link", name="See the trend").click()

    expect(title(page)).to_have_text("Trends")
    expect(page).to_have_url(f"{server}/trends?indicator={DIVERSION_COMPLETED}")
    expect(page.get_by_role("combobox", name="Indicator")).to_have_value(
        f"Outcome 1 · Diversion: {DIVERSION_NAME}")
    # the area chosen on the Overview carries over
    expect(page.get_by_test_id("stMultiSelect")).to_contain_text("Glasgow City")
    expect(plotly_chart(page)).to_be_visible()
    expect(chart_title(page)).to_contain_text("Diversion from prosecution")


def test_shared_trends_link_on_a_fresh_server(page, fresh_server):
    """The first request a server gets is a Trends link: without ui.ensure_entrypoint Streamlit
    would run the page alone, with no navigation or area picker."""
    page.goto(f"{fresh_server}/trends?indicator={AGREE}")
    expect(title(page)).to_have_text("Trends")
    expect(plotly_chart(page)).to_be_visible()
    expect(chart_title(page)).to_contain_text(AGREE_NAME)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_be_visible()
    # dashboard.py's navigation (sections and titles), not the legacy pages/ folder listing
    expect(nav).to_contain_text("Progress")
    expect(nav).to_contain_text("Reference")
    for name in ("Overview", "Trends", "Frameworks"):
        expect(nav.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_role("combobox", name="Area")).to_be_visible()
    expect(page).to_have_url(f"{fresh_server}/trends?indicator={AGREE}")
