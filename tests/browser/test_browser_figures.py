"""Real browser tests for figures a board can trust: an Overview tile for an area that holds no
figure of its own never shows a parent's number as the area's."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from browser_support import choose_area, title, wait_for_app

pytestmark = pytest.mark.browser

AGREE_TILE = "Agree with community sentences"


def test_overview_for_an_area_without_an_outcome_9_figure_shows_no_bare_scotland_number(
        page, server):
    page.goto(f"{server}/")
    wait_for_app(page)
    choose_area(page, "West Dunbartonshire")
    expect(title(page)).to_have_text("Overview: West Dunbartonshire")
    tile = page.get_by_test_id("stColumn").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=AGREE_TILE))
    expect(tile).to_have_count(1)
    expect(tile.get_by_test_id("stMetricValue")).to_have_text("No figure")
    expect(tile).to_contain_text("No figure for West Dunbartonshire · Scotland: ")
    # No change badge, status badge or sparkline is derived from Scotland's figure.
    expect(tile.get_by_test_id("stMetricDelta")).to_have_count(0)
    expect(tile.get_by_test_id("stImage")).to_have_count(0)
    # Every percentage in the tile is introduced by "Scotland: ".
    text = tile.inner_text()
    for match in re.finditer(r"\d+(\.\d+)?%", text):
        assert text[:match.start()].rstrip().endswith("Scotland:"), text
