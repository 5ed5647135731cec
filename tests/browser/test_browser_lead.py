"""Real browser tests of a lead's way through the pages at a laptop's 1280x720: the Area picker
in the first screen and readable in full, every page's headline in the first screen, every page
served without a request leaving the app, the Areas list by link, figures in tables in their
format, the undo preview readable in full, and the undo chooser emptied after an undo (this
module's last test: it changes the store)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser_support import (
    TIMEOUT_MS,
    choose_area,
    first_screen_shortfall,
    settled,
    title,
    wait_for_app,
)

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 720}
APP_HOSTS = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
SURVEY_EXPORT = (Path(__file__).resolve().parent.parent / "data" / "formats" / "surveys"
                 / "gf_understanding.csv")  # a Google Forms export


@pytest.fixture
def laptop(browser):
    context = browser.new_context(viewport=LAPTOP)
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def fits_sideways(page, grid) -> None:
    """Wait until the grid has nothing to scroll sideways: every column in view (it sizes its
    columns after it first draws)."""
    page.wait_for_function("s => s.scrollWidth <= s.clientWidth",
                           arg=grid.locator(".dvn-scroller").element_handle())


def area_box(page):
    return page.get_by_test_id("stSidebar").get_by_role("combobox", name="Area")


def test_the_area_picker_is_first_in_the_sidebar_and_in_the_first_screen(laptop, server):
    laptop.goto(f"{server}/")
    wait_for_app(laptop)
    box = area_box(laptop)
    expect(box).to_have_value("Community Justice Ayrshire Partnership")
    # A new server's first page may draw before the app's styles arrive: measure after them.
    expect(title(laptop)).to_have_css("font-size", "36px")
    settled(laptop)
    where = box.bounding_box()
    assert where["y"] + where["height"] <= LAPTOP["height"], where
    first_link = laptop.get_by_test_id("stSidebarNav").get_by_role("link").first.bounding_box()
    assert where["y"] < first_link["y"], "the Area box is above the page links"
    # readable in full: the name fits the box, nothing scrolled out of sight
    assert box.evaluate("input => input.scrollWidth <= input.clientWidth")
    # and the page's headline figure is in the first screen too
    tile = laptop.get_by_test_id("stMetricValue").first
    expect(tile).to_be_visible()
    below = first_screen_shortfall(tile, LAPTOP["height"])
    assert below is None, f"the first figure's top is at {below} px"


CUT_OFF = """() => [...document.querySelectorAll(
    '[data-testid="stMetricLabel"] *, [data-testid="stMetricDelta"] *')]
    .filter(e => e.scrollWidth > e.clientWidth + 1 && e.innerText.trim())
    .map(e => e.innerText)"""


@pytest.mark.parametrize("path", ["", "engagement"])
def test_tiles_names_and_changes_are_read_in_full_on_a_projector(laptop, server, path):
    """At 1280 px a three-column tile is narrower than "Agree with community sentences": the
    name and its change wrap rather than end in "..."."""
    laptop.goto(f"{server}/{path}")
    wait_for_app(laptop)
    expect(laptop.get_by_test_id("stMetricLabel").first).to_be_visible()
    expect(title(laptop)).to_have_css("font-size", "36px")  # the app's styles have arrived
    settled(laptop)
    assert laptop.get_by_test_id("stMetricLabel").count() >= 4
    assert laptop.evaluate(CUT_OFF) == []


def test_a_reload_keeps_the_area_chosen(laptop, server):
    laptop.goto(f"{server}/trends")
    wait_for_app(laptop)
    choose_area(laptop, "West Dunbartonshire")
    expect(laptop).to_have_url(re.compile(r"area=S12000039"))
    settled(laptop)
    laptop.reload()
    wait_for_app(laptop)
    expect(area_box(laptop)).to_have_value("West Dunbartonshire")
    expect(laptop.get_by_test_id("stMain").get_by_text("West Dunbartonshire").first
           ).to_be_visible()


def test_no_request_leaves_the_app_on_any_page(laptop, server):
    outside: list[str] = []
    laptop.on("request", lambda request: outside.append(request.url)
              if not request.url.startswith(APP_HOSTS) else None)
    laptop.goto(f"{server}/")
    wait_for_app(laptop)
    links = laptop.get_by_test_id("stSidebarNav").get_by_role("link")
    expect(links).to_have_count(16)
    paths = [link.get_attribute("href") for link in links.all()]
    for path in paths:
        laptop.goto(path if path.startswith("http") else f"{server}/{path.lstrip('/')}")
        wait_for_app(laptop)
        expect(title(laptop)).to_be_visible()
        laptop.wait_for_load_state("networkidle")
    icon = laptop.locator("link[rel~='icon']").first.get_attribute("href")
    assert icon and not re.match(r"https?://(?!127\.0\.0\.1)", icon), icon
    assert outside == [], f"requests left 127.0.0.1: {sorted(set(outside))}"


# Each page's headline, the thing a lead opens it for: a figure, a chart, the drop zone, the
# first table or the downloads. Keyed by the page's address.
MAIN = "[data-testid='stMain'] "
HEADLINES = {
    "": MAIN + "[data-testid='stMetric']",
    "trends": MAIN + "[data-testid='stPlotlyChart']",
    "framework": MAIN + "p:has-text('Self-assessment:')",
    "comparison": MAIN + "[data-testid='stPlotlyChart']",
    "care_inspectorate": MAIN + "[data-testid='stMetric']",
    "present": MAIN + "h3:has-text('Slides (')",
    "engagement": MAIN + "[data-testid='stMetric']",
    "surveys": MAIN + "[data-testid='stPlotlyChart']",
    "engagement_plan": MAIN + "[data-testid='stMetric']",
    "annual_report": MAIN + "[data-testid='stDownloadButton']",
    "participation": MAIN + "[data-testid='stDownloadButton']",
    "upload": MAIN + "[data-testid='stFileUploaderDropzone']",
    # the log by its key: the history table below is a data frame too
    "imports": MAIN + ".st-key-import-log [data-testid='stDataFrame']",
    "audit": MAIN + "[data-testid='stDataFrame']",
    "frameworks": MAIN + "[data-testid='stTable']",
    "accessibility": MAIN + "[data-testid='stMarkdownContainer'] p",
}
SHOWN_PX = 140  # of a chart or table taller than that: its title and first rows or bars


def test_every_page_shows_its_headline_in_the_first_screen(laptop, server):
    laptop.goto(f"{server}/")
    wait_for_app(laptop)
    paths = [link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1]
             for link in laptop.get_by_test_id("stSidebarNav").get_by_role("link").all()]
    paths = ["" if server.endswith(p) else p for p in paths]
    assert set(paths) == set(HEADLINES), "a page without a headline to look for"
    missed = {}
    for path in paths:
        laptop.goto(f"{server}/{path}")
        wait_for_app(laptop)
        headline = laptop.locator(HEADLINES[path]).first
        expect(headline).to_be_visible()
        settled(laptop)
        below = first_screen_shortfall(headline, LAPTOP["height"], SHOWN_PX)
        if below is not None:
            missed[path or "overview"] = round(below)
    assert missed == {}, f"headlines below the first screen (their top, in px): {missed}"
    # The page title is smaller than Streamlit's 44 px, and still the largest text on a page.
    sizes = title(laptop).evaluate("h1 => [parseFloat(getComputedStyle(h1).fontSize),"
                                   " ...[...document.querySelectorAll('[data-testid=stMain] h2,"
                                   " [data-testid=stMain] h3')].map(h =>"
                                   " parseFloat(getComputedStyle(h).fontSize))]")
    assert sizes[0] == 36 and all(size < sizes[0] for size in sizes[1:]), sizes
    # ... but not the slideshow's titles, which size themselves to the screen.
    for key in ("slide-head", "title-slide"):
        slide_title = title(laptop).evaluate(
            "(h1, key) => { const box = document.createElement('div');"
            " box.className = 'st-key-' + key; box.innerHTML = '<h1>Slide</h1>';"
            " h1.parentElement.append(box);"
            " const size = getComputedStyle(box.firstChild).fontSize; box.remove();"
            " return parseFloat(size); }", key)
        assert slide_title != 36, key


def test_upload_says_what_it_recognises_in_full(laptop, server):
    laptop.goto(f"{server}/upload")
    wait_for_app(laptop)
    kind = laptop.get_by_role("combobox", name="What is in it?")
    expect(kind).to_have_value("Recognise automatically")
    assert kind.evaluate("input => input.scrollWidth <= input.clientWidth"), "text cut off"


def test_a_survey_exports_mapping_fits_a_laptop_screen(laptop, server):
    laptop.goto(f"{server}/upload")
    wait_for_app(laptop)
    laptop.locator("input[type=file]").set_input_files(str(SURVEY_EXPORT))
    expect(laptop.get_by_text("1 answer text matches no option")).to_be_visible()
    settled(laptop)
    questions = laptop.get_by_test_id("stDataFrame").filter(has_text="Question in the export")
    answers = laptop.get_by_test_id("stDataFrame").filter(has_text="Answer in the export")
    for grid in (questions, answers):
        grid.scroll_into_view_if_needed()
        expect(grid.locator("th[role='columnheader']").last).to_contain_text("Survey")
        fits_sideways(laptop, grid)
    # The export's 4 questions wrap in rows tall enough for the longest (five lines of 18 px),
    # all in view: the table is as tall as its rows.
    assert questions.bounding_box()["height"] >= 35 + 4 * 5 * 18, questions.bounding_box()


def test_the_areas_list_opens_by_link(laptop, server):
    laptop.goto(f"{server}/frameworks?tab=Areas")
    wait_for_app(laptop)
    expect(laptop.get_by_role("tab", name="Areas")).to_have_attribute("aria-selected", "true")
    glasgow = laptop.get_by_role("row").filter(has_text="Glasgow City").first
    expect(glasgow).to_contain_text("S12000049")
    expect(laptop.get_by_role("row").filter(has_text="East Ayrshire").first).to_contain_text(
        "Community Justice Ayrshire Partnership")


def test_history_of_a_figure_shows_the_sidebar_area_in_its_format(page, server):
    page.goto(f"{server}/imports")
    wait_for_app(page)
    choose_area(page, "Glasgow City")
    settled(page)
    history = page.get_by_role("combobox", name="Area of the figure")
    expect(history).to_have_value("Glasgow City")
    expect(page.get_by_role("combobox", name="Indicator of the figure")).to_have_value(
        "Reconviction rate")  # a percent
    grid = page.get_by_test_id("stDataFrame").last
    values = grid.locator("td[role='gridcell'][aria-colindex='2']")
    expect(values.first).to_have_text(re.compile(r"^\d+\.\d%$"))


def test_top_posts_read_like_every_other_table_and_fit_a_laptop(laptop, server):
    laptop.goto(f"{server}/engagement")
    wait_for_app(laptop)
    expect(laptop.get_by_role("heading", name=re.compile(r"^Top posts, "))).to_be_visible()
    settled(laptop)
    posts = laptop.get_by_test_id("stDataFrame").last  # the page's last table
    posts.scroll_into_view_if_needed()  # the grid draws its cells once in view
    # every column drawn: none beyond the edge
    expect(posts.locator("th[role='columnheader']")).to_have_text(
        ["Channel", "Posted", "Impressions", "Engagements", "Clicks", "Post", "Post id", "Link"])
    fits_sideways(laptop, posts)
    impressions = posts.locator("td[role='gridcell'][aria-colindex='3']")
    expect(impressions.first).to_have_text(re.compile(r"^\d{1,3}(,\d{3})+$"))  # "4,031"


def test_the_undo_preview_fits_a_laptop_screen(laptop, server):
    laptop.goto(f"{server}/imports")
    wait_for_app(laptop)
    # The log draws its grid after the run, which moves the chooser: wait for it, then look the
    # import up by typing part of its name, as a person does.
    expect(laptop.locator(".st-key-import-log [data-testid='stDataFrame']")).to_be_visible()
    chooser = laptop.get_by_role("combobox", name="Import")
    chooser.click()
    laptop.keyboard.type("scotland.csv")
    laptop.get_by_role("option").filter(has_text="reference/scotland.csv").click()
    button = laptop.get_by_role("button", name=re.compile(r"^Undo import #"))
    expect(button).to_be_visible()
    settled(laptop)
    # The preview is the grid with an "After undo" column (found by it, not by its place: the
    # history grid above may still be redrawing).
    preview = laptop.get_by_test_id("stDataFrame").filter(
        has=laptop.locator("th[role='columnheader']", has_text="After undo"))
    expect(preview.locator("th[role='columnheader']")).to_have_text(
        ["Area", "Period", "In this import", "After undo", "Effect", "Indicator"])
    # (a "Breakdown" of only "Total" is left out); every column in view once the grid has
    # sized its columns, nothing to scroll sideways, the longest name wrapped in its row.
    fits_sideways(laptop, preview)
    preview.scroll_into_view_if_needed()
    box = preview.bounding_box()
    assert box["x"] + box["width"] <= LAPTOP["width"], box
    # The choice, what it would change and the button, all in one screen.
    top = chooser.bounding_box()["y"]
    bottom = button.bounding_box()["y"] + button.bounding_box()["height"]
    assert bottom - top <= LAPTOP["height"], (top, bottom)


def test_after_an_undo_the_chooser_is_empty(page, server):
    page.goto(f"{server}/imports")
    wait_for_app(page)
    expect(page.locator(".st-key-import-log [data-testid='stDataFrame']")).to_be_visible()
    settled(page)
    chooser = page.get_by_role("combobox", name="Import")
    chooser.click()
    option = page.get_by_role("option").first
    undone = option.inner_text()
    option.click()
    page.get_by_role("button", name=re.compile(r"^Undo import #")).click()
    expect(page.get_by_text("undone: its figures no longer count")).to_be_visible()
    settled(page)
    expect(chooser).to_have_value("")
    chooser.click()
    expect(page.get_by_role("option").first).to_be_visible()
    assert undone not in [o.inner_text() for o in page.get_by_role("option").all()]
