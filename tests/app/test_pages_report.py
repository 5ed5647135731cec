"""AppTests for the Annual report page over the demo store and an empty store."""

from __future__ import annotations

from apptest_support import assert_clean, open_page, texts

PAGES_TESTED_HERE = ["pages/annual_report.py"]
(REPORT,) = PAGES_TESTED_HERE
GLASGOW, AYRSHIRE = "S12000049", "CJP-AYR"


def test_report_page_offers_the_years_the_summary_and_downloads(demo_db):
    at = open_page(REPORT, area=GLASGOW, timeout=120)
    assert texts(at.title) == ["Annual report: Glasgow City"]
    year = at.selectbox(key=f"report-year-{GLASGOW}")
    assert year.value == "2024/25" and year.options == sorted(year.options, reverse=True)
    assert [b.label for b in at.get("download_button")] == ["Word (.docx)", "Markdown (.md)"]
    assert any("illustrative demo figures" in w for w in texts(at.warning))
    summary = at.table[0].value
    assert len(summary) == 9
    assert (summary.index[1], summary.iloc[1]["Priority"]) == ("2 · Custody support", "–")
    assert "Custody referrals: On track" in summary.iloc[1]["Indicators against target"]
    gaps = [m for m in texts(at.markdown) if m.startswith("No figure held for 2024/25")]
    assert gaps == ["No figure held for 2024/25: CPOs commenced, Agree with community sentences. "
                    "The draft says so in words; no other area's figure stands in."]
    # An earlier year: the summary follows it.
    year.set_value("2020/21").run()
    assert_clean(at)
    assert any(m.startswith("No figure held for 2020/21: CPOs commenced, Agree with community "
                            "sentences")
               for m in texts(at.markdown))


def test_report_page_for_a_partnership_shows_its_priorities(demo_db):
    at = open_page(REPORT, area=AYRSHIRE, timeout=120)
    assert texts(at.title) == ["Annual report: Community Justice Ayrshire Partnership"]
    summary = at.table[0].value
    starred = list(summary.index[summary["Priority"] == "★ Priority"])
    assert starred == ["2 · Custody support", "3 · Bail supervision", "7 · Employability",
                       "9 · Understanding and confidence"]


def test_report_page_on_an_empty_store_says_there_is_no_year(empty_db):
    at = open_page(REPORT, area=GLASGOW, timeout=120)
    assert any("no year to report on" in i for i in texts(at.info))
    assert not at.get("download_button")
