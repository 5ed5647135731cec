"""Editing a target on the Performance Framework page in a real browser: `streamlit run
dashboard.py` over this module's own copy of the demo store (the `server` fixture in
tests/conftest.py), driven by Playwright with Debian's chromium.

A lead opens Glasgow City's scorecard, sees diversion completions on track, opens the Targets
editor, double-clicks the target cell, types a target far above the latest figure, presses Enter
and Save, and sees the card's status word turn to Off track. Waits are on rendered
text, never on sleeps; a failure leaves a screenshot in /tmp.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_support import choose_area, plotly_chart, settled, title, wait_for_app
from demo_csv import GLASGOW, demo, figures

pytestmark = pytest.mark.browser

DIVERSION = "ndo1_diversion_completed"
DIVERSION_NAME = "Diversion from prosecution: cases successfully completed"
DIVERSION_TILE = "Diversion cases completed"
HEADER_HEIGHT = ROW_HEIGHT = 35  # Streamlit's data editor rows, in CSS pixels
TYPING_DELAY_MS = 100  # between key presses, as a person types


def nav(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()


def status(page):
    """The line of an outcome card with the indicator's figure, status word and direction."""
    return page.get_by_test_id("stMarkdownContainer").filter(has_text=DIVERSION_TILE).filter(
        has_text="(2024/25)")


def edit_cell(page, grid, current: str, new: str) -> None:
    """Change the first row's cell that holds `current` to `new` the way a person does. The grid
    is drawn on a canvas, so the cell is found with the keyboard first: click the first cell,
    open its editor (Enter) and step right (Escape, Arrow) until the editor shows `current`; the
    editor sits on the cell, which gives its place on the canvas. Then double-click the cell,
    type the new value over the old and press Enter. Clicks go through the grid's locator, so
    Playwright waits for it to stand still and aims relative to where it is at that moment."""
    surface = grid.locator(".dvn-scroller")  # the layer over the canvas that takes the pointer
    surface.click(position={"x": 100, "y": HEADER_HEIGHT + ROW_HEIGHT / 2})
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
    surface.dblclick(position={"x": cell["x"] - origin["x"] + cell["width"] / 2,
                              "y": cell["y"] - origin["y"] + cell["height"] / 2})
    expect(editor).to_have_count(1)
    expect(editor.first).to_have_value(current)
    editor.first.select_text()
    # At a person's pace: typed with no pause before Enter, the grid's number editor sometimes
    # commits the old value (about one run in five here).
    page.keyboard.type(new, delay=TYPING_DELAY_MS)
    expect(editor.first).to_have_value(new)
    page.keyboard.press("Enter", delay=TYPING_DELAY_MS)
    expect(editor).to_have_count(0)
    expect(grid).to_contain_text(new)  # the grid holds the edit before Save is pressed


def test_editing_a_target_changes_the_status_on_the_card(page, server):
    targets = demo("targets")
    target = targets.loc[(targets["indicator_id"] == DIVERSION)
                         & (targets["area_code"] == GLASGOW), "target_value"].item()
    latest = figures(DIVERSION, GLASGOW).sort_values("period")["value"].iloc[-1]
    assert latest >= target  # the demo has Glasgow on track
    far_above = int(latest * 10)

    page.goto(f"{server}/")
    wait_for_app(page)
    choose_area(page, "Glasgow City")
    settled(page)
    nav(page, "Performance Framework")
    expect(title(page)).to_have_text("Performance Framework: Glasgow City")
    settled(page)
    expect(status(page)).to_contain_text("On track")
    # The self-assessment chart takes its full height once plotly has drawn it; wait for that,
    # so the editor below it no longer moves (a moving page closes the grid's cell editor).
    expect(plotly_chart(page).locator(".main-svg").first).to_be_visible()

    editing = page.get_by_test_id("stExpander").filter(has_text="Edit targets, self-assessments")
    editing.locator("summary").click()
    grid = editing.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    expect(grid).to_contain_text(DIVERSION_NAME)  # the first row: the editor lists in order
    grid.scroll_into_view_if_needed()
    edit_cell(page, grid, f"{target:g}", str(far_above))
    editing.get_by_role("button", name="Save targets and baselines").click()

    expect(editing.get_by_text("Saved as import #")).to_be_visible()
    expect(status(page)).to_contain_text("Off track")
    expect(status(page)).not_to_contain_text("On track")
    expect(page.get_by_text(f"Target {far_above:,} by 2025/26")).to_be_visible()
