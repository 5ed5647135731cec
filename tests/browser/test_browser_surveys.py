"""The Surveys page in a real browser: `streamlit run dashboard.py` over this module's own copy of
the demo store (the `server` fixture), driven by Playwright with Debian's chromium.

A lead picks Glasgow City in the sidebar, opens Surveys, chooses the Third Sector Survey and its
question 3, opens the data behind the answers chart and downloads it. The CSV holds Glasgow's
answers to Q3 with every count below 5 written "<5" and no share for it; the shown counts are
the ones in data/demo/survey_answers.csv. Waits are on rendered text, never on sleeps.
"""

from __future__ import annotations

import pandas as pd
import pytest
from playwright.sync_api import expect

from browser_support import (
    chart_card_csv,
    choose_area,
    expect_address,
    settled,
    title,
    wait_for_app,
)
from conftest import PROJECT_ROOT

pytestmark = pytest.mark.browser

GLASGOW = "S12000049"
LABELS = {"1": "Sufficient awareness", "2": "Limited awareness", "3": "Little awareness",
          "4": "Don't know"}


def expected_q3() -> tuple[dict[str, int], int]:
    """Glasgow's third sector Q3 answers counted straight from the demo file."""
    answers = pd.read_csv(PROJECT_ROOT / "data" / "demo" / "survey_answers.csv", dtype=str)
    q3 = answers.query("survey == 'third_sector' and area == @GLASGOW and question == 'Q3'")
    counts = q3["answer"].value_counts().to_dict()
    return {label: counts.get(label, 0) for label in LABELS.values()}, len(q3)


def choose(page, label: str, typed: str, option: str) -> None:
    """Pick in a selectbox of the page body the way a person does: click, type, choose."""
    box = page.get_by_test_id("stMain").get_by_role("combobox", name=label).first
    box.click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=option).first.click()


def download_card(page, index: int) -> list[dict[str, str]]:
    """Open the index-th "Data behind this chart" (its table is drawn once open) and read the
    card's CSV download."""
    card = page.get_by_test_id("stExpander").filter(has_text="Data behind this chart").nth(index)
    if card.locator("details").get_attribute("open") is None:
        card.locator("summary").focus()
        page.keyboard.press("Enter")
    expect(card.get_by_test_id("stDataFrame")).to_be_visible()
    return chart_card_csv(page, index)


def test_filter_the_surveys_page_and_download_a_chart(page, server):
    counts, answered = expected_q3()
    assert any(0 < n < 5 for n in counts.values())  # the demo makes suppression visible

    page.goto(f"{server}/")
    wait_for_app(page)
    choose_area(page, "Glasgow City")
    settled(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Surveys", exact=True).click()
    expect(title(page)).to_have_text("Surveys")
    settled(page)

    choose(page, "Survey", "Third Sector", "Third Sector Survey")
    expect(page.get_by_text("Third Sector Survey: responses by area")).to_be_visible()
    settled(page)
    choose(page, "Question", "Q3", "Q3 In your view, what level of awareness")
    # The chart's title (its first line) names the question's wording.
    expect(page.get_by_text("Q3 In your view, what level of awareness is there within the… – "
                            "answers by area")).to_be_visible()
    settled(page)
    expect_address(page, server, "surveys", survey="third_sector", question="q3")

    rows = download_card(page, 1)
    assert {r["Area"] for r in rows} == {"Glasgow City"}
    assert {r["Question"] for r in rows} == {"Q3"}
    assert [r["Answer"] for r in rows] == list(LABELS.values())
    assert {r["Answered"] for r in rows} == {str(answered)}
    for row in rows:
        true = counts[row["Answer"]]
        if 0 < true < 5:
            assert row["Respondents"] == "<5"
            assert row["Per cent"] == row["95% interval: lower (%)"] == ""
        elif row["Respondents"] != "hidden":
            assert row["Respondents"] == str(true)
            assert float(row["Per cent"]) == round(100 * true / answered, 1)
    assert any(r["Respondents"] == "<5" for r in rows)
    assert not any(r["Respondents"] in {"1", "2", "3", "4"} for r in rows)

    responses = download_card(page, 0)
    assert [(r["Area"], r["Respondents"]) for r in responses] == [("Glasgow City", "19")]
