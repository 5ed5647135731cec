"""Engagement reach: months added up to quarters and years in the store (counts summed, rates
recomputed from numerators and denominators), a partnership as the sum of its councils,
year-on-year change, top events and top posts, and the posts template."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from cjmetrics.engagement import build_engagement, top_posts
from cjmetrics.engagement_charts import channel_mix, measures_over_time
from cjmetrics.ingest import commit, prepare

EAST, NORTH, AYRSHIRE, GLASGOW = "S12000008", "S12000021", "CJP-AYR", "S12000049"


def load(store, text: str, kind: str = "indicator_values", name: str = "figures.csv"):
    prepared = prepare(store, text.encode(), name, kind=kind)
    assert prepared.ok, prepared.problems.to_dict("records")
    return commit(store, prepared)


# Two councils, three months in each of two years; open rates with opens / recipients.
FIGURES = "\n".join([
    "indicator,area,period,value,numerator,denominator,breakdown",
    *[f"eng_social_reach,{area},{month} {year},{value},,,channel:{channel}"
      for area, scale in ((EAST, 1), (NORTH, 2))
      for year, grow in ((2023, 0), (2024, 10))
      for month, base in (("Apr", 100), ("May", 200), ("Jun", 300))
      for channel, value in (("Facebook", (base + grow) * scale),
                             ("X/Twitter", (base // 2 + grow) * scale))],
    # Open rate: a quiet month at 50% and a busy one at 10%: averaging would say 30%.
    f"eng_newsletter_open_rate,{EAST},Apr 2024,50,10,20,",
    f"eng_newsletter_open_rate,{EAST},May 2024,10,20,200,",
    f"eng_newsletter_open_rate,{EAST},Jun 2024,20,40,200,",
    f"eng_newsletter_open_rate,{NORTH},Apr 2024,40,40,100,",
    f"eng_newsletter_open_rate,{NORTH},May 2024,40,40,100,",
    # June: North gave a rate without its counts, so its quarter cannot be recomputed.
    f"eng_newsletter_open_rate,{NORTH},Jun 2024,45,,,",
    f"eng_event_attendance,{EAST},May 2024,30,,,event:Recovery Walk stall",
    f"eng_event_attendance,{EAST},Jun 2024,80,,,event:Partnership conference",
    f"eng_event_attendance,{NORTH},Jun 2024,20,,,event:Partnership conference",
])


@pytest.fixture
def store(empty_store):
    load(empty_store, FIGURES)
    return empty_store


def value(model, indicator, label):
    rows = model.totals[(model.totals["indicator_id"] == indicator)
                        & (model.totals["label"] == label)]
    assert len(rows) == 1, (indicator, label, model.totals)
    return rows["value"].iloc[0]


def test_months_add_up_to_quarters_and_years_with_channels_summed(store):
    months = build_engagement(store, EAST, "month")
    assert value(months, "eng_social_reach", "Apr 2024") == 110 + 60
    quarter = build_engagement(store, EAST, "quarter")
    assert value(quarter, "eng_social_reach", "Q1 2024/25") == 110 + 60 + 210 + 110 + 310 + 160
    year = build_engagement(store, EAST, "year")
    assert value(year, "eng_social_reach", "2024/25") == 960
    assert [label for _, label in year.periods] == ["2024/25", "2023/24"]
    channels = year.channels[(year.channels["label"] == "2024/25")
                             & (year.channels["indicator_id"] == "eng_social_reach")]
    assert dict(zip(channels["channel"], channels["value"])) == {"Facebook": 630,
                                                                 "X/Twitter": 330}


def test_rates_are_recomputed_from_counts_never_averaged(store):
    quarter = build_engagement(store, EAST, "quarter")
    # (10 + 20 + 40) / (20 + 200 + 200) = 16.7%, not the mean of 50, 10, 20 (26.7%).
    assert value(quarter, "eng_newsletter_open_rate", "Q1 2024/25") == pytest.approx(
        100 * 70 / 420)
    north = build_engagement(store, NORTH, "quarter")
    assert pd.isna(value(north, "eng_newsletter_open_rate", "Q1 2024/25"))
    assert value(build_engagement(store, NORTH, "month"), "eng_newsletter_open_rate",
                 "Jun 2024") == 45  # a single month keeps its own rate


def test_a_partnership_without_figures_is_the_sum_of_its_councils_and_says_so(store):
    model = build_engagement(store, AYRSHIRE, "quarter")
    assert value(model, "eng_social_reach", "Q1 2024/25") == 960 + 2 * 960
    assert value(model, "eng_event_attendance", "Q1 2024/25") == 130
    assert "eng_social_reach" in model.from_councils
    note = model.source_note()
    assert "sum of its councils" in note and "East Ayrshire" in note
    # A council's own page never borrows figures.
    assert build_engagement(store, EAST, "quarter").source_note() is None


def test_change_on_the_same_period_a_year_earlier(store):
    model = build_engagement(store, EAST, "quarter")
    start = date(2024, 4, 1)
    change = model.change("eng_social_reach", start)
    assert change.previous == 900 and change.value == 960
    assert change.text == "+7% on Q1 2023/24"
    assert change.comparable
    tiles = {t.indicator_id: t for t in model.tiles(start)}
    assert tiles["eng_social_reach"].value_text == "960"
    assert tiles["eng_website_visits"].value_text == "–"
    assert tiles["eng_newsletter_open_rate"].change.text == "no figure for Q1 2023/24"
    table = model.totals_table(start).set_index("Measure")
    assert table.loc["Social media reach", "Change"] == 60
    assert table.loc["Social media reach", "Change (%)"] == pytest.approx(6.7)


def test_partial_periods_are_flagged(store):
    load(store, f"indicator,area,period,value\neng_website_visits,{EAST},Jul 2024,500\n",
         name="july.csv")
    model = build_engagement(store, EAST, "quarter")
    tile = {t.indicator_id: t for t in model.tiles(date(2024, 7, 1))}["eng_website_visits"]
    assert tile.partial and (tile.months, tile.months_expected) == (1, 3)


def test_top_events_and_the_charts_behind_the_page(store):
    model = build_engagement(store, AYRSHIRE, "quarter")
    start = date(2024, 4, 1)
    events = model.top_events(start)
    assert list(events["Event"]) == ["Partnership conference", "Recovery Walk stall"]
    assert list(events["Attendance"]) == [100, 30]
    chart = channel_mix(model, "eng_social_reach", start)
    assert {t.name for t in chart.figure.data} == {"Facebook", "X/Twitter"}
    assert "Q1 2024/25" in chart.summary and "2,880" in chart.summary
    shares = chart.table[chart.table["Period"] == "Q1 2024/25"]["Share of period (%)"]
    assert shares.sum() == pytest.approx(100)
    lines = measures_over_time(model, ["eng_social_reach"], start, "Reach")
    assert "+7% on Q1 2023/24" in lines.summary


POSTS = "\n".join([
    "channel,post_id,area,posted,text,impressions,engagements,clicks,link",
    f"Facebook,p1,{EAST},03/05/2024,Recovery Walk,900,40,4,https://example.org/p1",
    f"X,p2,{NORTH},10/05/2024,Unpaid work garden,700,90,9,",
    f"LinkedIn,p3,{EAST},10/05/2023,Last year,5000,500,50,",
    f"instagram,p4,{GLASGOW},10/05/2024,Glasgow post,100,99,1,",
])


def test_posts_template_and_top_posts(store):
    load(store, POSTS, kind="social_posts", name="posts.csv")  # "X" and "instagram" resolve
    posts = top_posts(store, AYRSHIRE, date(2024, 4, 1), date(2024, 6, 30))
    assert list(posts["Post id"]) == ["p2", "p1"]  # engagements 90, then 40; 2023 and Glasgow out
    assert list(posts["Channel"]) == ["X/Twitter", "Facebook"]
    assert posts["Posted"].iloc[0] == "10 May 2024"


def test_posts_template_rejects_unknown_channels_and_negative_figures(store):
    bad = POSTS.replace("X,p2", "Myspace,p2").replace("900,40", "-900,40")
    prepared = prepare(store, bad.encode(), "posts.csv", kind="social_posts")
    problems = prepared.problems
    assert not prepared.ok
    assert any("Unknown channel 'Myspace'" in p for p in problems["problem"])
    assert any("cannot be negative" in p for p in problems["problem"])


def test_demo_store_holds_posts_and_the_seed_workshops(demo_store):
    model = build_engagement(demo_store, GLASGOW, "month")
    april = model.top_events(date(2016, 4, 1))
    assert list(april["Attendance"]) == [50]
    assert april["Event"].iloc[0] == "Glasgow Collaborative Workshop"
    ayrshire = build_engagement(demo_store, AYRSHIRE, "month").top_events(date(2016, 2, 1))
    assert list(ayrshire["Attendance"]) == [41]
    posts = top_posts(demo_store, GLASGOW, date(2024, 4, 1), date(2025, 3, 31))
    assert len(posts) == 10 and posts["Engagements"].is_monotonic_decreasing
    assert model.illustrative


def test_an_area_without_figures_has_an_empty_model(empty_store):
    model = build_engagement(empty_store, GLASGOW, "year")
    assert not model.has_figures and model.periods == []
