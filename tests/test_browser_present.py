"""The Present page in a real browser (Debian's chromium): collect two charts from two pages,
download the PowerPoint, and move through the slideshow with the arrow keys."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from browser_support import settled, wait_for_app

pytestmark = pytest.mark.browser


def nav(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name).click()


def test_two_charts_from_two_pages_download_as_a_pptx_and_present(server, page):
    from pptx import Presentation

    page.goto(f"{server}/trends")
    wait_for_app(page)
    settled(page)
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="PNG", exact=True).click()
    assert download.value.path().read_bytes().startswith(b"\x89PNG")
    assert download.value.suggested_filename.endswith("-trend.png")
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
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="PowerPoint (.pptx)").click()
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
