"""The annual report downloaded in a real browser through the page's own buttons (Word opened with
python-docx, Markdown read), over this module's own copy of the demo store (`server` fixture),
Playwright with Debian's chromium.

A lead picks Glasgow City, opens Annual report under Reporting, keeps 2024/25 and downloads the
Word draft: 9 outcome sections, a chart with alt text per indicator held, the gap in words. Then
she picks 2023/24 and downloads the Markdown, which follows the year.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from browser_support import choose_area, settled, title, wait_for_app

pytestmark = pytest.mark.browser


def download(page, name: str, timeout: float = 30_000) -> tuple[str, bytes]:
    with page.expect_download(timeout=timeout) as info:
        page.get_by_role("button", name=name).click()
    return info.value.suggested_filename, Path(info.value.path()).read_bytes()


def test_download_the_annual_report_as_word_and_markdown(page, server):
    page.goto(f"{server}/")
    wait_for_app(page)
    choose_area(page, "Glasgow City")
    settled(page)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text("Reporting", exact=True)).to_be_visible()
    nav.get_by_role("link", name="Annual report", exact=True).click()
    expect(title(page)).to_have_text("Annual report: Glasgow City")
    settled(page)
    expect(page.get_by_text("No figure held for 2024/25: CPOs commenced, Agree with community "
                             "sentences")) \
        .to_be_visible()

    # Drawing thirteen charts takes a while on a busy machine.
    name, data = download(page, "Word (.docx)", timeout=240_000)
    assert name == "annual-report-glasgow-city-2024-25.docx"
    doc = Document(io.BytesIO(data))
    outline = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert len([t for t in outline if t.startswith("Outcome ")]) == 9
    alts = [s._inline.docPr.get("descr") for s in doc.inline_shapes]
    assert len(alts) == 13 and all(a.startswith("Line chart: ") for a in alts)
    assert any(p.text == "No figure held for 2024/25." for t in doc.tables
               for row in t.rows for c in row.cells for p in c.paragraphs)

    page.get_by_test_id("stSelectbox").filter(has_text="Financial year").click()
    page.get_by_role("option", name="2023/24", exact=True).click()
    # Glasgow holds no CPOs-commenced figure in any year (only Scotland's is published).
    expect(page.get_by_text("No figure held for 2023/24: CPOs commenced, Agree with community "
                             "sentences")).to_be_visible()
    settled(page)
    name, data = download(page, "Markdown (.md)")
    assert name.endswith("2023-24.md")
    text = data.decode("utf-8")
    assert text.startswith("# Community justice annual report 2023/24")
    assert "**Glasgow City** · **Draft**" in text
