"""Every source a lead can see names its publisher and title: never a "seed" number, which
means nothing outside the project."""

from __future__ import annotations

import re

import pytest

from cjmetrics.store import OBSERVATIONS

SEED = re.compile(r"\bseeds?\b(?! ?=)", re.IGNORECASE)


def test_no_figure_in_the_demo_store_names_a_seed_as_its_source(demo_store):
    sources = set(demo_store.current(OBSERVATIONS)["source"].dropna())
    for table in ("engagement_activities", "social_posts", "service_stages", "survey_answers"):
        sources |= set(demo_store.query(f"SELECT DISTINCT source FROM {table}")["source"]
                       .dropna())
    assert sources
    assert not [s for s in sources if SEED.search(s)]
    # the real figures name their publisher and title
    assert any(s.startswith("Criminal Justice Voluntary Sector Forum: Strengthening "
                            "Engagement Transition Project") for s in sources)


@pytest.mark.parametrize("table, column", [
    ("surveys", "source"), ("surveys", "description"), ("indicators", "source"),
    ("indicators", "description"), ("frameworks", "description"),
    ("quality_indicators", "description"), ("scales", "description"),
    ("outcomes", "description"), ("priority_actions", "description"),
    ("lists", "description"), ("improvement_tool_items", "description"),
])
def test_no_catalogue_text_shown_on_a_page_names_a_seed(demo_store, table, column):
    texts = demo_store.query(f"SELECT {column} FROM {table}")[column].dropna().astype(str)
    assert len(texts)
    assert not [t for t in texts if SEED.search(t)]
