"""Real browser tests: `streamlit run dashboard.py` served over a copy of the demo store and
driven by Playwright with Debian's chromium (/usr/bin/chromium; `make test` installs it).

They cover the flows people use: read the Overview, pick an area in the sidebar, follow a tile to
its trend, and open a shared Trends link on a server nobody has visited yet. Waits are on rendered
text and elements (Streamlit renders asynchronously), never on sleeps. A failing test leaves a
screenshot in /tmp (its path is printed in the test report).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from browser_support import (
    chart_title,
    choose_area,
    expect_address,
    plotly_chart,
    title,
    wait_for_app,
)

pytestmark = pytest.mark.browser

GLASGOW = "S12000049"
AGREE = "ndo9_agree_community_sentence"
AGREE_NAME = "Agree people should help their community"  # the chart title's first words
DIVERSION_COMPLETED = "ndo1_diversion_completed"
DIVERSION_NAME = "Diversion from prosecution: cases successfully completed"


# The server, fresh_server, browser and page fixtures are in tests/conftest.py.


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
    # The address names the indicator and the area, so a reload or a bookmark shows the same.
    expect_address(page, server, "trends", indicator=DIVERSION_COMPLETED, area=GLASGOW)
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
    expect_address(page, fresh_server, "trends", indicator=AGREE)


CHART_CODE = """() => performance.getEntriesByType('resource').map((r) => r.name)
  .filter((name) => /\\/static\\/js\\/(PlotlyChart|DataFrame)\\./.test(name))"""


def test_the_chart_code_loads_while_the_overview_is_read(page, fresh_server):
    """Streamlit fetches Plotly's 4.7 MB of code the first time a page shows a chart: the
    first chart page of a visit waited about a second for it. The app loads it once the
    Overview has drawn, so the chart of the first Trends visit draws with the page."""
    page.goto(f"{fresh_server}/")
    wait_for_app(page)
    expect(title(page)).to_have_text("Overview: Community Justice Ayrshire Partnership")
    page.wait_for_function(f"({CHART_CODE})().length === 2", timeout=30_000)
    loaded = page.evaluate(CHART_CODE)
    assert any("PlotlyChart." in name for name in loaded)
    assert any("DataFrame." in name for name in loaded)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Trends", exact=True).click()
    expect(title(page)).to_have_text("Trends")
    expect(plotly_chart(page)).to_be_visible()
    # Fetched once: Streamlit's own import of the chart code found the module loaded.
    assert len(page.evaluate(CHART_CODE)) == 2
