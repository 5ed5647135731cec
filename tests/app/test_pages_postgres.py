"""Every page on a store held in PostgreSQL: a partnership that moves its store to its council's
PostgreSQL server sees the same pages, with the same figures, as on the embedded file."""

from __future__ import annotations

import re

import pytest

from apptest_support import assert_clean, open_page, texts
from conftest import PROJECT_ROOT
from demo_csv import GLASGOW

PAGES = re.findall(r"st\.Page\(\s*[\"'](pages/[^\"']+\.py)[\"']",
                   (PROJECT_ROOT / "dashboard.py").read_text())


def test_every_page_is_registered_here():
    assert len(PAGES) >= 15 and "pages/overview.py" in PAGES


@pytest.mark.parametrize("page", PAGES)
def test_each_page_opens_on_postgresql(pg_demo_url, page):
    at = open_page(page, area=GLASGOW, timeout=120)
    assert_clean(at)
    assert texts(at.title), f"{page} drew no title on PostgreSQL"


def tiles(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_the_overview_shows_the_same_figures_on_both_engines(request):
    shown = {}
    for location in ("demo_db", "pg_demo_url"):
        request.getfixturevalue(location)  # CJMETRICS_DB now points at that engine's demo store
        at = open_page("pages/overview.py", area=GLASGOW, timeout=120)
        assert_clean(at)
        shown[location] = tiles(at)
    assert len(shown["demo_db"]) > 5
    assert shown["pg_demo_url"] == shown["demo_db"]
