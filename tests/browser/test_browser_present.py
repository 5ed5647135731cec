"""The Present page in a real browser (Debian's chromium): collect two charts from two pages,
download the PowerPoint, and move through the slideshow with the arrow keys."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from browser_support import chart_card_download, settled, wait_for_app

pytestmark = pytest.mark.browser


def nav(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()


def test_two_charts_from_two_pages_download_as_a_pptx_and_present(server, page):
    from pptx import Presentation

    start_afresh(page, server)
    page.goto(f"{server}/trends")
    wait_for_app(page)
    settled(page)
    download = chart_card_download(page, "PNG")
    assert download.path().read_bytes().startswith(b"\x89PNG")
    assert download.suggested_filename.endswith("-trend.png")
    add = page.get_by_role("button", name="Add to deck").first
    add.click()
    expect(page.get_by_text("Added to the deck").first).to_be_visible()
    nav(page, "Compare areas")
    expect(page.locator("[data-testid='stMain'] h1").first).to_have_text("Compare areas")
    settled(page)
    page.get_by_role("button", name="Add to deck").first.click()
    expect(page.get_by_text("as slide 2").first).to_be_visible()
    nav(page, "Present")
    expect(page.get_by_text("Slides (2)")).to_be_visible()
    settled(page)
    page.get_by_role("button", name="Make the PowerPoint, PDF and HTML files").click()
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="PowerPoint (.pptx)").click(timeout=180_000)
    data = download.value.path().read_bytes()
    prs = Presentation(io.BytesIO(data))
    titles = [slide.shapes.title.text for slide in prs.slides]
    assert len(titles) == 3
    assert titles[1] == "Diversion from prosecution: assessments undertaken"
    assert titles[2].startswith("Diversion from prosecution: assessments undertaken")
    assert all(any(s.shape_type == 13 for s in slide.shapes) for slide in list(prs.slides)[1:])

    page.get_by_role("button", name="Start the slideshow").click()
    expect(page.get_by_text("Slide 1 of 3")).to_be_visible()
    # No navigation chrome: no sidebar, navigation or Streamlit header on screen.
    for chrome in ("stSidebar", "stSidebarNav", "stHeader", "stToolbar"):
        expect(page.get_by_test_id(chrome)).to_be_hidden()
    expect(page.get_by_role("link", name="Trends")).to_have_count(0)
    page.keyboard.press("ArrowRight")
    expect(page.get_by_text("Slide 2 of 3")).to_be_visible()
    expect(page.locator("[data-testid='stMain'] h1").first).to_have_text(titles[1])
    settled(page)
    page.keyboard.press("ArrowRight")
    expect(page.get_by_text("Slide 3 of 3")).to_be_visible()
    settled(page)
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_text("Slide 2 of 3")).to_be_visible()
    page.get_by_role("button", name="End slideshow").click()
    expect(page.get_by_text("Slides (2)")).to_be_visible()


SLOW_MS = 120_000  # the shared machine can take a while to draw a page


def seen(locator) -> None:
    expect(locator).to_be_visible(timeout=SLOW_MS)


def start_afresh(page, server: str) -> None:
    """The deck is kept in the store (one local user here), so begin with an empty one."""
    page.set_default_timeout(SLOW_MS)
    page.goto(f"{server}/present")
    wait_for_app(page)
    seen(page.get_by_role("heading", name="Saved decks"))  # drawn after the slide list
    settled(page)
    if page.get_by_role("button", name="Start a new deck").count():
        page.get_by_role("button", name="Start a new deck").click()
    seen(page.get_by_text("Slides (0)"))


def test_three_charts_survive_a_reload_and_the_slideshow_link_opens_in_another_window(
        fresh_server, page, browser):
    server = fresh_server  # its own store: no deck from the tests above
    start_afresh(page, server)
    page.goto(f"{server}/trends")
    wait_for_app(page)
    for number in (1, 2, 3):
        page.get_by_role("button", name="Add to deck").first.click()
        seen(page.get_by_text(f"as slide {number}").first)
        settled(page)
    page.reload()
    wait_for_app(page)
    nav(page, "Present")
    seen(page.get_by_text("Slides (3)"))
    settled(page)
    page.get_by_role("button", name="Start the slideshow").click()
    seen(page.get_by_text("Slide 1 of 4"))
    partnership = page.locator(".st-key-title-slide p").first.inner_text()
    page.keyboard.press("ArrowRight")
    seen(page.get_by_text("Slide 2 of 4"))
    settled(page)
    heading = page.locator(".st-key-slide-head h1").first.inner_text()
    context = page.locator(".st-key-slide-head p").first.inner_text()
    assert context.startswith(partnership)  # the slide names the deck's area and period
    link = page.url
    assert "deck=" in link and "slide=2" in link

    # The link in a second browser (another session, as on the projector's window) at 1280x720.
    other = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        projector = other.new_page()
        projector.set_default_timeout(SLOW_MS)
        projector.goto(link)
        counter = projector.get_by_text("Slide 2 of 4")
        seen(counter)
        expect(projector.locator(".st-key-slide-head h1").first).to_have_text(heading)
        expect(projector.locator(".st-key-slide-head p").first).to_have_text(context)
        source = projector.get_by_text("Source: Illustrative demo data").first
        seen(source)
        projector.wait_for_selector(".js-plotly-plot .main-svg")
        settled(projector)
        for shown in (counter, source):
            box = shown.bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= 720, box
        assert projector.evaluate("document.scrollingElement.scrollHeight") <= 720
        expect(projector.locator(".modebar-container")).to_be_hidden()  # no plotly toolbar
        projector.keyboard.press("ArrowLeft")
        seen(projector.get_by_text("Slide 1 of 4"))
        expect(projector.locator(".st-key-title-slide p").first).to_have_text(partnership)
    finally:
        other.close()


def test_a_saved_deck_can_be_deleted(fresh_server, page):
    server = fresh_server  # its own store: no deck from the tests above
    page.set_default_timeout(SLOW_MS)
    page.goto(f"{server}/trends")
    wait_for_app(page)
    page.get_by_role("button", name="Add to deck").first.click()
    seen(page.get_by_text("as slide 1").first)
    nav(page, "Present")
    seen(page.get_by_text("Slides (1)"))
    settled(page)
    page.get_by_label("Save this deck as").fill("Board, June")
    page.get_by_label("Save this deck as").press("Enter")
    settled(page)
    page.get_by_role("button", name="Save deck").click()
    seen(page.get_by_text("Saved as 'Board, June'."))
    settled(page)
    page.get_by_role("button", name="Delete").last.click()
    seen(page.get_by_text("Deleted the saved deck 'Board, June'."))
    seen(page.get_by_text("No decks saved yet."))


def test_start_a_new_deck_clicked_the_moment_it_shows_empties_the_deck(fresh_server, page):
    """A click made while the page's first run is still drawing (before it looks settled) is
    not dropped: Streamlit runs it once that run ends. The emptied deck stays empty on reload."""
    server = fresh_server  # its own store: no deck from the tests above
    page.set_default_timeout(SLOW_MS)
    page.goto(f"{server}/trends")
    wait_for_app(page)
    page.get_by_role("button", name="Add to deck").first.click()
    seen(page.get_by_text("as slide 1").first)
    for attempt in range(2):  # a fresh load of the page each time
        page.goto(f"{server}/present")
        new_deck = page.get_by_role("button", name="Start a new deck")
        if attempt:  # the second time, wait until the run has drawn the whole page first
            seen(page.get_by_role("heading", name="Saved decks"))
            settled(page)
        new_deck.click()  # no wait for the run to end: as a person clicks
        seen(page.get_by_text("Slides (0)"))
        page.reload()
        wait_for_app(page)
        seen(page.get_by_text("Slides (0)"))
        page.goto(f"{server}/trends")
        wait_for_app(page)
        page.get_by_role("button", name="Add to deck").first.click()
        seen(page.get_by_text("as slide 1").first)

