"""The upload flow in a real browser: `streamlit run dashboard.py` over this module's own copy of
the demo store (the `server` fixture in tests/conftest.py), driven by Playwright with Debian's
chromium.

A lead downloads the indicator-values template through the page's real download button, fills
in one new figure, drops the file on the real file input, checks the preview, presses Import,
follows the link to Trends and finds the new period in the chart and the data behind it, then
undoes the import from Imports & history and sees the period gone from Trends. Waits are on
rendered text, never on sleeps; a failure leaves a screenshot in /tmp.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from cjmetrics.ingest import TEMPLATES

from browser_support import (
    chart_card_csv,
    chart_title,
    choose_area,
    expect_address,
    plotly_chart,
    settled,
    title,
    wait_for_app,
)
from demo_csv import GLASGOW, figures

pytestmark = pytest.mark.browser

DIVERSION = "ndo1_diversion_completed"
DIVERSION_LABEL = "Outcome 1 · Diversion: Diversion from prosecution: cases successfully completed"
NEW_PERIOD, NEW_VALUE = "2025/26", 333  # after the last demo period


def nav(page, name: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()


def metric_value(page, label: str):
    tile = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=label))
    return tile.get_by_test_id("stMetricValue")


def chart_period_range(page, first: str, last: str) -> None:
    """The chart's subtitle names the periods drawn ("Glasgow City · 2019/20 to 2025/26 · …").
    (The x axis is no guide: it runs to the target's period whether or not a figure does.)"""
    chart = page.get_by_test_id("stPlotlyChart").filter(
        has_text=f"Glasgow City · {first} to {last} ·")
    expect(chart).to_be_visible()


def glasgow_figures(page) -> dict[str, float]:
    return {r["Period"]: float(r["Value"]) for r in chart_card_csv(page)
            if r["Area"] == "Glasgow City"}


def choose_indicator(page, typed: str, label: str) -> None:
    box = page.get_by_role("combobox", name="Indicator")
    box.click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=label, exact=True).click()
    expect(box).to_have_value(label)


def test_template_upload_import_trends_and_undo(page, server, tmp_path):
    demo = figures(DIVERSION, GLASGOW)
    demo_values = dict(zip(demo["period"], demo["value"].astype(float)))
    assert NEW_PERIOD not in demo_values

    page.goto(f"{server}/")
    wait_for_app(page)
    choose_area(page, "Glasgow City")
    expect(title(page)).to_have_text("Overview: Glasgow City")
    nav(page, "Upload")
    expect(title(page)).to_have_text("Upload figures")
    expect_address(page, server, "upload")

    # 1. The template, through the page's real download button (templates fold below the drop
    # zone).
    page.get_by_test_id("stExpander").filter(has_text="Templates: start from one").locator(
        "summary").click()
    card = page.locator(".st-key-template-card-indicator_values")
    expect(card).to_have_count(1)
    with page.expect_download() as download:
        card.get_by_role("button", name="Download template").click()
    assert download.value.suggested_filename == "indicator_values.csv"
    template = Path(download.value.path()).read_text(encoding="utf-8-sig")
    header, example = template.splitlines()
    assert example.startswith("ndo1_diversion_completed,Glasgow City,2023/24,245,")
    assert header == ("indicator,area,period,value,numerator,denominator,lower,upper,breakdown,"
                      "note,source")
    assert header == TEMPLATES["indicator_values"].header_line()

    # 2. One new figure written under the template's header, through the real file input.
    columns = header.split(",")
    row = dict.fromkeys(columns, "") | {"indicator": DIVERSION, "area": "Glasgow City",
                                        "period": NEW_PERIOD, "value": str(NEW_VALUE)}
    upload = tmp_path / "glasgow-2025-26.csv"
    upload.write_text(template.rstrip("\r\n") + "\n" + ",".join(row[c] for c in columns) + "\n",
                      encoding="utf-8")
    page.get_by_test_id("stFileUploader").locator("input[type='file']").set_input_files(upload)
    # The example row, left in, is left out with a warning.
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        "Indicator values: 2 rows read; 1 warning.")
    expect(page.get_by_text("This is the template's example row: it is left out.")).to_be_visible()
    settled(page)
    expect(page.get_by_role("heading", name="2. Check, then import")).to_be_visible()
    expect(metric_value(page, "New figures")).to_have_text("1")
    expect(metric_value(page, "Revised figures")).to_have_text("0")
    expect(metric_value(page, "Unchanged")).to_have_text("0")

    # 3. Import, once.
    page.get_by_role("button", name="Import 1 figure").click()
    done = page.get_by_test_id("stAlertContentSuccess").filter(has_text="Import #")
    expect(done).to_contain_text("1 new, 0 revised, 0 unchanged.")
    import_id = int(re.search(r"Import #(\d+)", done.inner_text()).group(1))
    # After the click the uploader is cleared: no second Import, no contradicting message.
    settled(page)
    expect(page.get_by_text("already imported")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile(r"^Import \d"))).to_have_count(0)

    # 4. The link to Trends, and the new period in the chart and the data behind it.
    page.get_by_role("link", name="See the figures in Trends").click()
    expect(title(page)).to_have_text("Trends")
    expect_address(page, server, "trends", indicator=DIVERSION)
    expect(page.get_by_role("combobox", name="Indicator")).to_have_value(DIVERSION_LABEL)
    expect(page.get_by_test_id("stMultiSelect")).to_contain_text("Glasgow City")
    expect(plotly_chart(page)).to_be_visible()
    expect(chart_title(page)).to_contain_text("Diversion from prosecution")
    expect(page.get_by_test_id("stCaptionContainer").filter(
        has_text=f"{NEW_VALUE} in {NEW_PERIOD}")).to_be_visible()
    settled(page)
    chart_period_range(page, demo["period"].iloc[0], NEW_PERIOD)
    assert glasgow_figures(page) == demo_values | {NEW_PERIOD: NEW_VALUE}

    # 5. Undo it from Imports & history.
    nav(page, "Imports & history")
    expect(title(page)).to_have_text("Imports & history")
    expect(page.get_by_role("heading", name="Undo an import")).to_be_visible()
    settled(page)
    # Nothing is preselected (so a stray click cannot undo anything): choose the import.
    chooser = page.get_by_role("combobox", name="Import")
    chooser.click()
    chooser.fill(f"#{import_id}")
    page.keyboard.press("Enter")
    expect(chooser).to_have_value(re.compile(rf"^#{import_id} · {upload.name} · "))
    page.get_by_role("button", name=f"Undo import #{import_id}").click()
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
        f"Import #{import_id} undone")

    # 6. Back on Trends the new period is gone and the demo figures are as they were.
    nav(page, "Trends")
    expect(title(page)).to_have_text("Trends")
    # The sidebar link opens Trends without the indicator: choose it again, as a person would.
    choose_indicator(page, "Diversion from prosecution: cases", DIVERSION_LABEL)
    expect(chart_title(page)).to_contain_text("Diversion from prosecution")
    last = demo["period"].iloc[-1]
    expect(page.get_by_test_id("stCaptionContainer").filter(
        has_text=f"{int(demo_values[last])} in {last}")).to_be_visible()
    settled(page)
    chart_period_range(page, demo["period"].iloc[0], last)
    assert glasgow_figures(page) == demo_values


# -- the first screen, the revision warning and formatted values -------------------------------
X_APRIL = Path(__file__).resolve().parent.parent / "data" / "formats" / "twitter_daily_apr2021.csv"


def test_the_drop_zone_is_in_the_first_screen_at_1280x720(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        page.goto(f"{server}/upload")
        wait_for_app(page)
        expect(title(page)).to_have_text("Upload figures")
        zone = page.get_by_test_id("stFileUploaderDropzone")
        expect(zone).to_be_visible()
        settled(page)
        box = zone.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 720, box
        # The templates are folded below it.
        templates = page.get_by_test_id("stExpander").filter(has_text="Templates: start from one")
        assert templates.bounding_box()["y"] > box["y"] + box["height"]
        expect(page.get_by_role("button", name="Download template")).to_have_count(0)
    finally:
        context.close()


def test_a_large_revision_must_be_confirmed_before_import(page, server):
    """The X/Twitter case: Ayrshire's April 2021 reach revised from 17,750 to 64,313 (3.6x)."""
    page.goto(f"{server}/upload")
    wait_for_app(page)
    page.get_by_test_id("stFileUploader").locator("input[type='file']").set_input_files(X_APRIL)
    expect(page.get_by_test_id("stAlertContentInfo").first).to_contain_text(
        "Recognised: X/Twitter daily activity export")
    area = page.get_by_role("combobox", name="Which area are these figures for?")
    area.click()
    page.keyboard.type("Community Justice Ayrshire")
    page.get_by_role("option", name="Community Justice Ayrshire Partnership").click()
    warning = page.get_by_test_id("stAlertContentWarning").filter(has_text="revised figure")
    expect(warning).to_contain_text(
        "1 revised figure moves by more than 2 times: Social media reach, Community Justice "
        "Ayrshire Partnership, Apr 2021 (Channel: X/Twitter): 17,750 to 64,313.")
    # Formatted values in the preview: thousands separators and readable breakdown keys.
    flagged = page.get_by_test_id("stTable")
    for cell in ("17,750", "64,313", "Channel: X/Twitter", "3.6 times higher"):
        expect(flagged.get_by_text(cell, exact=True)).to_be_visible()
    expect(flagged.get_by_text("channel:X/Twitter")).to_have_count(0)
    button = page.get_by_role("button", name="Import 2 figures")
    expect(button).to_be_disabled()
    page.get_by_text("I have checked: this large revision is right").click()
    expect(button).to_be_enabled()
    button.click()
    done = page.get_by_test_id("stAlertContentSuccess").filter(has_text="Import #")
    expect(done).to_contain_text("0 new, 2 revised, 0 unchanged.")
