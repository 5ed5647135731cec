"""The machinery the real browser tests share: `streamlit run dashboard.py` on a free port over
a given store, Debian's chromium launch options, and locators for what Streamlit renders.

The fixtures built on it (server, fresh_server, browser, page) live in tests/conftest.py.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import expect

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SERVER_START_TIMEOUT = 60  # seconds for /_stcore/health to answer "ok"
TIMEOUT_MS = 30_000  # for anything to render
SCREENSHOT_DIR = Path("/tmp")


def chromium_args() -> list[str]:
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


# -- what Streamlit renders ------------------------------------------------------------------
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


def choose_area(page, typed: str) -> None:
    """Pick an area in the sidebar's Area box the way a person does: click, type, Enter."""
    box = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Area")
    box.click()
    page.keyboard.type(typed)
    expect(page.get_by_role("option", name=typed)).to_be_visible()
    page.keyboard.press("Enter")


def settled(page) -> None:
    """The script run has finished: Streamlit keeps the previous run's elements on screen, marked
    stale, until the run that replaces them ends. Call it after waiting for something the new run
    renders, so the run is known to have started."""
    expect(page.locator("[data-stale='true']")).to_have_count(0)
