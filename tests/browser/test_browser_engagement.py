"""The engagement plan edited in a real browser, then written as a participation statement and
downloaded through the page's own buttons (Word opened with python-docx, Markdown read), over
this module's own copy of the demo store (`server` fixture), Playwright with Debian's chromium.

A lead opens Glasgow City's engagement plan, renames the 2016 collaborative workshop in the
plan's editor and saves; on the Participation statement page she widens the years to the start
and downloads the statement: both files carry the new name, with seed 001's 50 participants.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from browser_support import choose_area, edit_cell, settled, title, wait_for_app

pytestmark = pytest.mark.browser

OLD = "Glasgow Collaborative Workshop on the transition plan (Glasgow City Chambers)"
NEW = "Glasgow Collaborative Workshop, 19 April"


def nav(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()


def download(page, name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=name).click()
    return Path(info.value.path()).read_bytes()


def test_edit_the_plan_then_download_the_statement(page, server):
    page.goto(f"{server}/")
    wait_for_app(page)
    choose_area(page, "Glasgow City")
    settled(page)
    nav(page, "Engagement plan")
    expect(title(page)).to_have_text("Engagement plan: Glasgow City")
    settled(page)
    editing = page.get_by_test_id("stExpander").filter(has_text="Edit the engagement plan")
    editing.locator("summary").click()
    grid = editing.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible()
    grid.scroll_into_view_if_needed()
    edit_cell(page, grid, OLD, NEW)
    expect(grid).to_contain_text(NEW)
    editing.get_by_role("button", name="Save engagement plan activities").click()
    expect(editing.get_by_text("Saved as import #")).to_be_visible()
    expect(editing.get_by_text("0 new, 1 changed")).to_be_visible()

    nav(page, "Participation statement")
    expect(title(page)).to_have_text("Participation statement: Glasgow City")
    settled(page)
    # Widen the years to the first one: the workshop was in April 2016.
    thumb = page.get_by_role("slider").first
    thumb.focus()
    page.keyboard.press("Home")
    expect(page.get_by_text(NEW).first).to_be_visible()
    settled(page)

    doc = Document(io.BytesIO(download(page, "Word (.docx)")))
    assert doc.paragraphs[0].text == "Participation statement: Glasgow City"
    activities = doc.tables[-1]
    assert [c.text for c in activities.rows[0].cells] == [
        "Activity", "Who was involved", "Learning points"]
    workshop = activities.rows[1].cells[0]
    assert workshop.paragraphs[0].text == NEW
    assert "Attendance: 50" in workshop.text

    markdown = download(page, "Markdown (.md)").decode("utf-8")
    assert markdown.startswith("# Participation statement: Glasgow City")
    assert f"**{NEW}**" in markdown and OLD not in markdown
