"""The machinery the real browser tests share: `streamlit run dashboard.py` on a free port over
a given store, Debian's chromium launch options, and locators for what Streamlit renders.

The fixtures built on it (server, fresh_server, browser, page) live in tests/conftest.py.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import pytest
from playwright.sync_api import expect

from conftest import PROJECT_ROOT

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
def free_port() -> int:
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
def streamlit_server(db_path: Path, log_path: Path, *, port: int | None = None,
                     args: Sequence[str] = ()) -> Iterator[str]:
    """`make run`'s server (scripts/serve.py: `streamlit run dashboard.py` with the first visit
    prepared) on a free port (or `port`) over db_path, with extra streamlit `args` (e.g.
    --secrets.files); yields the base URL."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, CJMETRICS_DB=str(db_path), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    command = [sys.executable, "scripts/serve.py",
               "--server.port", str(port), "--server.headless", "true",
               "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false", *args]
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
    """The script run has finished and the page is connected: Streamlit marks its root with the
    run's state (`data-test-script-state`: running, rerunRequested, notRunning...) and keeps the
    previous run's elements on screen, marked stale, until the run that replaces them ends. Call
    it after waiting for something the new run renders, so the run is known to have started."""
    expect(page.locator("[data-testid='stApp'][data-test-script-state='notRunning']"
                        "[data-test-connection-state='CONNECTED']")).to_have_count(1)
    expect(page.locator("[data-stale='true']")).to_have_count(0)


def first_screen_shortfall(locator, screen_height: int, need_px: float | None = None,
                           timeout_s: float = 10) -> float | None:
    """None once `locator`'s first element shows at least `need_px` of itself (all of it when
    None) inside the first `screen_height` pixels; else, after `timeout_s`, its top. Read again
    until then, not once: Streamlit marks a run finished before React has necessarily drawn all
    of its elements, and under load a first visit was measured with the top row of tiles not yet
    in the page (its first figure 460 px lower, in the second row)."""
    deadline = time.monotonic() + timeout_s
    while True:
        box = locator.first.bounding_box()
        if box:
            need = box["height"] if need_px is None else min(box["height"], need_px)
            shown = min(box["y"] + box["height"], screen_height) - max(box["y"], 0)
            if box["y"] >= 0 and shown >= need:
                return None
        if time.monotonic() > deadline:
            return box["y"] if box else float("nan")
        time.sleep(0.1)


# -- Streamlit's data editor ------------------------------------------------------------------
GRID_ROW_HEIGHT = 35  # header and rows of Streamlit's data editor, in CSS pixels
TYPING_DELAY_MS = 100  # between key presses, as a person types


def edit_cell(page, grid, current: str, new: str) -> None:
    """Change the first row's cell that holds `current` to `new` the way a person does. The grid
    is drawn on a canvas, so the cell is found with the keyboard first: click the first cell,
    open its editor (Enter) and step right (Escape, Arrow) until the editor shows `current`; the
    editor sits on the cell, which gives its place on the canvas. Then double-click the cell,
    type the new value over the old and press Enter. Clicks go through the grid's locator, so
    Playwright waits for it to stand still and aims relative to where it is at that moment."""
    surface = grid.locator(".dvn-scroller")  # the layer over the canvas that takes the pointer
    surface.click(position={"x": 60, "y": GRID_ROW_HEIGHT * 1.5})
    editor = page.locator("#portal input, #portal textarea")
    for _ in range(8):
        page.keyboard.press("Enter")
        expect(editor).to_have_count(1)
        value, cell, origin = (editor.first.input_value(), editor.first.bounding_box(),
                               surface.bounding_box())
        page.keyboard.press("Escape")
        expect(editor).to_have_count(0)
        if value == current:
            break
        page.keyboard.press("ArrowRight")
    else:
        pytest.fail(f"no cell of the first row holds {current!r}")
    # Near the cell's left end: a wide text cell's middle may lie beyond the visible grid.
    surface.dblclick(position={"x": cell["x"] - origin["x"] + min(cell["width"] / 2, 80),
                              "y": cell["y"] - origin["y"] + cell["height"] / 2})
    expect(editor).to_have_count(1)
    expect(editor.first).to_have_value(current)
    editor.first.select_text()
    page.keyboard.press("Control+a")
    # At a person's pace: typed with no pause before Enter, the grid's number editor sometimes
    # commits the old value (about one run in five here).
    page.keyboard.type(new, delay=TYPING_DELAY_MS)
    expect(editor.first).to_have_value(new)
    page.keyboard.press("Enter", delay=TYPING_DELAY_MS)
    expect(editor).to_have_count(0)
    # A person's pause before the next action (Save): a click within milliseconds of the
    # commit can land while Streamlit replaces the run the edit started, and be dropped.
    page.wait_for_timeout(300)
    settled(page)


# -- a chart card ----------------------------------------------------------------------------
def chart_card_download(page, name: str, index: int = 0):
    """Press `name` ("PNG", "SVG", "Download CSV", "Download XLSX") in the index-th chart
    card's Download menu with the keyboard alone (focus, Enter), and return the download.
    Opening the menu draws its buttons (a rerun) and moves the focus to the first of them.
    By its role: Streamlit also draws a hidden copy of each menu's button, to measure it."""
    menu = page.get_by_role("button", name="Download", exact=True).nth(index)
    if menu.get_attribute("aria-expanded") != "true":
        menu.focus()
        page.keyboard.press("Enter")
    button = page.get_by_test_id("stPopoverBody").get_by_role("button", name=name, exact=True)
    expect(button).to_be_visible()
    expect(page.get_by_test_id("stPopoverBody").get_by_role("button").first).to_be_focused()
    with page.expect_download(timeout=120_000) as download:
        button.focus()
        page.keyboard.press("Enter")
    page.keyboard.press("Escape")  # the menu closed, the focus back on its button
    return download.value


def chart_card_csv(page, index: int = 0) -> list[dict[str, str]]:
    """The index-th chart card's data, read through its Download menu's CSV: the table is drawn
    on a canvas, so its cells are not in the DOM."""
    download = chart_card_download(page, "Download CSV", index)
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def expect_address(page, base: str, path: str, **params: str) -> None:
    """The page's address is `base`/`path` and carries `params` (in any order; the address also
    names the sidebar's area, ?area=CODE, which a reload and a bookmark keep)."""
    start = rf"^{re.escape(base)}/{re.escape(path)}"
    if not params:
        expect(page).to_have_url(re.compile(start + r"(?:\?.*)?$"))
        return
    carries = "".join(rf"(?=(?:.*&)?{re.escape(k)}={re.escape(v)}(?:&|$))"
                      for k, v in params.items())
    expect(page).to_have_url(re.compile(start + rf"\?{carries}.*$"))
