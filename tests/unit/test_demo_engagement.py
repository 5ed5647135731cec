"""The engagement demo files are what data/demo/generate_engagement.py writes (deterministic),
labelled illustrative except the seed rows, and consistent with the monthly channel figures."""

from __future__ import annotations

import csv
import importlib.util

import pandas as pd

from demo_csv import DEMO_DIR

ILLUSTRATIVE = "Illustrative demo data - not official statistics"


def generator():
    spec = importlib.util.spec_from_file_location("generate_engagement",
                                                  DEMO_DIR / "generate_engagement.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def rows(name: str) -> list[dict]:
    with open(DEMO_DIR / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def as_text(made: list[dict]) -> list[dict]:
    return [{k: str(v) for k, v in row.items()} for row in made]


def test_the_files_are_what_the_generator_writes():
    module = generator()
    assert as_text(module.posts()) == rows("social_posts.csv")
    assert as_text(module.activities()) == rows("engagement_activities.csv")
    assert as_text(module.stages()) == rows("service_stages.csv")


def test_sources_say_illustrative_or_name_their_seed():
    plan = pd.DataFrame(rows("engagement_activities.csv"))
    seeds = plan[plan["source"] != ILLUSTRATIVE]
    assert set(seeds["source"].str.split(":").str[0]) == {
        "Criminal Justice Voluntary Sector Forum",
        "West Dunbartonshire community justice partnership"}
    workshops = seeds[seeds["source"].str.startswith(
        "Criminal Justice Voluntary Sector Forum")].set_index("activity_id")
    assert workshops.loc["GCJ-2016-W", "attendance"] == "50"
    assert workshops.loc["CJAP-2016-W", "attendance"] == "41"
    for name in ("social_posts.csv", "service_stages.csv"):
        assert {r["source"] for r in rows(name)} == {ILLUSTRATIVE}


def test_no_post_outdoes_its_channel_that_month():
    obs = pd.read_csv(DEMO_DIR / "observations.csv", dtype=str, keep_default_na=False)
    obs = obs[obs["indicator_id"] == "eng_social_engagements"]
    month = {(r.area_code, r.period, r.breakdown[len("channel:"):]): float(r.value)
             for r in obs.itertuples()}
    names = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    for post in rows("social_posts.csv"):
        day, m, year = post["posted"].split("/")
        key = (post["area"], f"{names[int(m) - 1]} {year}", post["channel"])
        assert float(post["engagements"]) <= month[key]
        assert float(post["engagements"]) <= float(post["impressions"])
