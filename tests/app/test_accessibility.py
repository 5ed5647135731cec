"""Accessibility that can be checked without a browser: the theme's text colours and the chart
palette against WCAG 2.2 AA contrast, each chart's accessible name, and the Accessibility
statement page. The pages as drawn are checked in tests/browser/test_browser_accessibility.py."""

from __future__ import annotations

import tomllib
from itertools import pairwise

import plotly.graph_objects as go
import pytest

from cjmetrics import charts, ui
from cjmetrics.accessibility import GRAPHIC_CONTRAST, STATEMENT, TEXT_CONTRAST, blend, contrast

from apptest_support import PROJECT_ROOT, assert_clean, open_page, texts

PAGES_TESTED_HERE = ["pages/accessibility.py"]  # the statement page's AppTest is below

THEME = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())["theme"]
# Streamlit 1.67's backgrounds (page, sidebar) in each theme, and the opacity it draws faded
# text (captions, help) at.
BACKGROUNDS = {"light": ["#ffffff", "#f8f8f7"], "dark": ["#171614", "#21201d"]}
FADED = 0.6


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_every_text_of_the_theme_reads_at_4_5_to_1(mode):
    colours = THEME[mode]
    for background in BACKGROUNDS[mode]:
        for name in ("textColor", "codeTextColor"):
            assert contrast(colours[name], background) >= TEXT_CONTRAST, (mode, name, background)
        # Captions and help text are the text colour faded, wherever the app's own styles
        # are not (yet) drawn.
        faded = blend(colours["textColor"], background, FADED)
        assert contrast(faded, background) >= TEXT_CONTRAST, (mode, faded, background)


def test_streamlits_default_faded_text_would_fail():
    """The reason the theme sets a text colour: the default's captions are 3.9:1."""
    assert contrast(blend("#2f2d2b", "#ffffff", FADED), "#ffffff") < TEXT_CONTRAST


def test_the_apps_secondary_text_and_focus_ring_contrast():
    css = (PROJECT_ROOT / "cjmetrics" / "assets" / "accessibility.css").read_text()
    for light, dark in (("#505a5f", "#b1b4b6"), ("#003078", "#ffdd00")):
        assert light in css and dark in css
        for background in BACKGROUNDS["light"]:
            assert contrast(light, background) >= TEXT_CONTRAST
        for background in BACKGROUNDS["dark"]:
            assert contrast(dark, background) >= TEXT_CONTRAST
    # The ring against the sidebar's current-page highlight (the text colour at 10%).
    highlight = blend(THEME["light"]["textColor"], "#f8f8f7", 0.1)
    assert contrast("#003078", highlight) >= GRAPHIC_CONTRAST


def test_adjacent_palette_colours_are_told_apart_on_the_chart_background():
    """Every series colour stands out from the white chart (3:1), and so do colours next to
    each other in the palette, which neighbouring series get (the Analysis Function's rule
    for its categorical palette)."""
    background = "#ffffff"
    for colour in charts.PALETTE:
        assert contrast(colour, background) >= GRAPHIC_CONTRAST, colour
    for first, second in pairwise(charts.PALETTE):
        assert contrast(first, second) >= GRAPHIC_CONTRAST, (first, second)
    assert contrast(charts.COMPARATOR_COLOUR, background) >= GRAPHIC_CONTRAST


def test_a_charts_accessible_name_is_its_title_and_subtitle_as_plain_text():
    fig = go.Figure(layout=dict(title=dict(
        text="Diversion<br><sup>Glasgow City &amp; Scotland</sup>",
        subtitle=dict(text="2019/20 to 2024/25"))))
    assert ui.chart_name(fig) == "Diversion · Glasgow City & Scotland · 2019/20 to 2024/25"
    assert ui.chart_name(go.Figure()) == ""


def test_the_baseline_to_target_line_is_labelled_on_the_chart(demo_store):
    from cjmetrics.trends import build_trend

    fig = charts.trend_figure(build_trend(demo_store, "ndo1_diversion_completed",
                                          ["S12000049"]))
    [line] = [t for t in fig.data if t.name.endswith("baseline to target")]
    # the words are drawn beside the points, not only shown on hover
    assert [a.text.split()[0] for a in fig.layout.annotations] == ["Baseline", "Target"]
    assert [(a.x, a.y) for a in fig.layout.annotations] == list(zip(line.x, line.y))


def test_the_plotly_toolbar_is_not_drawn():
    assert ui.PLOTLY_CONFIG["displayModeBar"] is False


def test_the_trends_chart_is_named_by_its_title(demo_db):
    at = open_page("pages/trends.py")
    chart = at.get("plotly_chart")[0]
    assert chart.proto.alt.startswith("Diversion from prosecution: assessments undertaken")


def test_accessibility_statement_page(demo_db):
    at = open_page("pages/accessibility.py")
    assert_clean(at)
    assert texts(at.title) == ["Accessibility statement"]
    assert "1 December 2026" in texts(at.caption)[0]
    headings = texts(at.subheader)
    assert headings == ["Using this dashboard", "How accessible this dashboard is",
                        "What does not conform, and why", "Reporting a problem",
                        "How this dashboard was tested"]
    body = "\n".join(texts(at.markdown))
    assert "partially compliant" in body
    assert "list markup" in body and "streamlit/streamlit/issues/8399" in body
    assert "tell the partnership officer" in body
    assert STATEMENT.checked == "1 December 2026"


def test_the_statement_is_in_the_navigations_reference_group():
    source = (PROJECT_ROOT / "dashboard.py").read_text()
    reference = source[source.index('"Reference": ['):]
    assert 'st.Page("pages/accessibility.py", title="Accessibility statement"' in reference
