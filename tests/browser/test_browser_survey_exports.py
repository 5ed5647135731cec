"""A survey export on the Upload page in a real browser (Debian's chromium, this module's own
server over a copy of the demo store): a Google Forms export is proposed onto the example
understanding survey, the one answer no option matches is flagged, the lead picks its option in
the mapping table, imports, and follows the link to the Surveys page."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from browser_support import TYPING_DELAY_MS, choose_area, settled, title, wait_for_app

pytestmark = pytest.mark.browser

FIXTURE = (Path(__file__).resolve().parent.parent / "data" / "formats" / "surveys"
           / "gf_understanding.csv")


def test_correct_a_flagged_answer_then_import_and_see_it_on_surveys(page, server):
    page.set_viewport_size({"width": 1400, "height": 3000})
    page.goto(f"{server}/")
    wait_for_app(page)
    choose_area(page, "Glasgow City")
    settled(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Upload", exact=True).click()
    expect(title(page)).to_have_text("Upload figures")
    page.locator("input[type=file]").set_input_files(str(FIXTURE))
    expect(page.get_by_text("Recognised: Google Forms responses: 6 respondents")).to_be_visible()
    expect(page.get_by_text("1 answer text matches no option")).to_be_visible()
    expect(page.get_by_text("23 answers built from it")).to_be_visible()
    settled(page)

    # The answers table: the flagged answer is its first row; its last column is the option.
    # (Found by its text: the folded templates above hold tables of their own.)
    grid = page.get_by_test_id("stDataFrame").filter(has_text="Agree strongly")
    expect(grid).to_have_count(1)
    box = grid.bounding_box()
    grid.dblclick(position={"x": box["width"] - 120, "y": 52})
    # Type only once the cell's editor is open, at a person's pace: keys sent before it opens
    # are lost (about one run in ten on a loaded machine).
    editor = page.locator("#portal input, #portal textarea")
    expect(editor).to_have_count(1)
    page.keyboard.type("Q3 · Strongly agree", delay=TYPING_DELAY_MS)
    page.keyboard.press("Enter", delay=TYPING_DELAY_MS)
    expect(editor).to_have_count(0)
    page.get_by_text("Answers and the survey's options").click()  # leave the cell: a rerun
    expect(page.get_by_text("24 answers built from it")).to_be_visible()
    expect(page.get_by_text("Every answer now maps onto an option of the survey.")).to_be_visible()
    settled(page)

    page.get_by_role("button", name="Import 24 answers").click()
    expect(page.get_by_text("24 new, 0 revised")).to_be_visible()
    page.get_by_text("See the answers on the Surveys page").click()
    expect(title(page)).to_have_text("Surveys")
    expect(page.get_by_text("Glasgow City: 6 respondents to the Community justice "
                            "understanding survey (example) in 2019/20")).to_be_visible()
