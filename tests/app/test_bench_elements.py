"""bench/overview_elements.py draws what the demo store's Overview draws: the browser benchmark
quotes its full load as the part of the Overview's that is Streamlit drawing those elements, so
when the Overview gains or loses an element the script must follow, or the figure misleads."""

from __future__ import annotations

from collections import Counter

from streamlit.testing.v1 import AppTest

from apptest_support import assert_clean
from conftest import PROJECT_ROOT


def element_kinds(at: AppTest) -> Counter:
    """How many of each kind of element and block the run drew, sidebar included."""
    kinds: Counter = Counter()

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            kinds[child.type] += 1
            walk(child)

    for root in (at.main, at.sidebar):
        walk(root)
    return kinds


def test_the_elements_script_draws_what_the_demo_overview_draws(demo_db):
    overview = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    overview.run()
    assert_clean(overview)
    elements = AppTest.from_file(str(PROJECT_ROOT / "bench" / "overview_elements.py"),
                                 default_timeout=60)
    elements.run()
    assert_clean(elements)

    drawn = element_kinds(overview)
    assert drawn["metric"] == 14 and drawn["page_link"] > drawn["metric"]  # tiles, then changes
    assert element_kinds(elements) == drawn
