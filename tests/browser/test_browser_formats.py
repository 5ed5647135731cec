"""A tool export through the real Upload page in a real browser: a lead drops the
Mailchimp campaign report (the project's own fixture of one re-saved through Excel), sees what
was recognised, confirms the area, presses Import and finds the month's opens on Trends. Waits are
on rendered text, never on sleeps."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_browser_upload import glasgow_figures, metric_value

from browser_support import choose_area, expect_address, settled, title, wait_for_app
from conftest import PROJECT_ROOT

pytestmark = [pytest.mark.browser]
EXPORT = PROJECT_ROOT / "tests" / "data" / "formats" / "mailchimp_excel_resaved.csv"


def test_a_mailchimp_export_is_imported_and_its_figure_shown_on_trends(page, server):
    page.goto(f"{server}/upload")
    wait_for_app(page)
    expect(title(page)).to_have_text("Upload figures")
    choose_area(page, "Glasgow City")
    settled(page)
    page.get_by_test_id("stFileUploader").locator("input[type='file']").set_input_files(
        EXPORT)
    expect(page.get_by_test_id("stAlertContentInfo").filter(has_text="Recognised")).to_contain_text(
        "Recognised: Mailchimp campaign report: 3 campaigns, Feb 2017 to Mar 2017.")
    settled(page)
    expect(page.get_by_role("combobox", name="Which area are these figures for?")).to_have_value(
        "Glasgow City")
    expect(metric_value(page, "New figures")).to_have_text("8")

    page.get_by_role("button", name="Import 8 figures").click()
    done = page.get_by_test_id("stAlertContentSuccess").filter(has_text="Import #")
    expect(done).to_contain_text("8 new, 0 revised, 0 unchanged.")
    settled(page)
    expect(page.get_by_role("button", name=re.compile(r"^Import \d"))).to_have_count(0)

    page.get_by_role("link", name="See the figures in Trends").click()
    expect(title(page)).to_have_text("Trends")
    expect_address(page, server, "trends", indicator="eng_newsletter_opens")
    settled(page)
    figures = glasgow_figures(page)
    assert figures["Feb 2017"] == 52 and figures["Mar 2017"] == 98
