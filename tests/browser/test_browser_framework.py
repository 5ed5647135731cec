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

from browser_support import choose_area, edit_cell, plotly_chart, settled, title, wait_for_app
from demo_csv import GLASGOW, demo, figures

pytestmark = pytest.mark.browser

DIVERSION = "ndo1_diversion_completed"
DIVERSION_NAME = "Diversion from prosecution: cases successfully completed"
DIVERSION_TILE = "Diversion cases completed"


def nav(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()


def status(page):
    """The line of an outcome card with the indicator's figure, status word and direction."""
    return page.get_by_test_id("stMarkdownContainer").filter(has_text=DIVERSION_TILE).filter(
        has_text="(2024/25)")


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
