"""Exports without collisions: every chart of the standard meeting pack of every demo area, at
the size of a PDF page and of a PowerPoint picture, drawn in Debian's chromium by plotly.js (the
engine and sizes kaleido draws PNG and PDF with). No text box may overlap another or leave the
canvas.

Layout source: the *rendered* layout, each <text> element's box as plotly.js draws it in one
chromium page (tests/layout_check.py), not plotly.py's estimate. Each figure is also drawn by the
process's one kaleido renderer, to PDF at the PDF page's size and to PNG at the PowerPoint
picture's, as the exports do."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from cjmetrics import deck as decks
from cjmetrics import render, slides

from layout_check import collisions, open_measurer, text_boxes

pytestmark = pytest.mark.browser


def demo_areas(store) -> list[str]:
    """Every area the demo data holds figures for."""
    held = store.series(list(store.indicators()["indicator_id"]), list(store.areas()["area_code"]))
    return sorted(set(held["area_code"]))


def test_no_text_collides_in_any_chart_of_any_demo_areas_pack(demo_store, browser):
    if not render.available():
        pytest.skip("no chromium: exports cannot be drawn here")
    measurer = open_measurer(browser)
    problems, drawn = [], 0
    for area in demo_areas(demo_store):
        latest = decks.latest_period(demo_store, area)
        if latest is None:
            continue
        pack = decks.standard_pack(demo_store, area, latest)
        for item in pack.items:
            view = decks.build_view(demo_store, item, large=True)
            for export, fig, (width, height) in (
                    ("PDF page", slides.sized(view.figure, *slides.SLIDE_PX, title=True),
                     slides.SLIDE_PX),
                    ("PowerPoint picture",
                     slides.sized(view.figure, *slides.PPTX_CHART_PX, title=False),
                     slides.PPTX_CHART_PX)):
                measured = text_boxes(measurer, fig)
                assert (round(measured["width"]), round(measured["height"])) == (width, height)
                assert len(measured["boxes"]) > 3, f"{area} {item.label}: no text drawn"
                problems += [f"{area}, {item.label}, {export}: {p}" for p in collisions(measured)]
                fmt = "pdf" if export == "PDF page" else "png"
                image = render.image(fig, fmt, width=width, height=height)
                assert image.startswith(b"%PDF" if fmt == "pdf" else b"\x89PNG")
                drawn += 1
    assert drawn >= 60  # six demo areas of about fifteen charts, at two sizes
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_collision(browser):
    """The checker itself: two labels drawn on top of each other and a title off the canvas."""
    import plotly.graph_objects as go

    fig = go.Figure(layout=dict(width=400, height=300))
    fig.add_annotation(text="Off", x=0.5, y=2.5, xref="paper", yref="paper", showarrow=False)
    fig.add_annotation(text="First label", x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False)
    fig.add_annotation(text="Second label", x=0.52, y=0.5, xref="paper", yref="paper",
                       showarrow=False)
    found = collisions(text_boxes(open_measurer(browser), fig))
    assert any("'First label' overlaps 'Second label'" in f for f in found)
    assert any("'Off' leaves the 400x300 canvas" in f for f in found)


# The chart column beside the sidebar on a 1280 px projector, and the width chart images
# (PNG, SVG) are made at.
SCREEN_WIDTHS = (770, 1100)


def test_no_text_collides_in_any_chart_of_a_pack_as_the_pages_draw_it(demo_store, browser):
    """The same charts at their on-screen size (normal type, each figure's own height): a
    two-line title or subtitle never runs into the plot, and no line runs off the side."""
    measurer = open_measurer(browser)
    problems, drawn = [], 0
    held = [(area, decks.latest_period(demo_store, area)) for area in demo_areas(demo_store)]
    for area, latest in [(area, latest) for area, latest in held if latest][:3]:
        pack = decks.standard_pack(demo_store, area, latest)
        for item in pack.items:
            view = decks.build_view(demo_store, item)
            for width in SCREEN_WIDTHS:
                fig = go.Figure(view.figure)
                fig.update_layout(width=width, height=fig.layout.height or 450)
                measured = text_boxes(measurer, fig)
                problems += [f"{area}, {item.label}, {width} px: {p}"
                             for p in collisions(measured)]
                drawn += 1
    assert drawn >= 30
    assert not problems, "\n".join(problems)


def test_no_text_collides_on_a_survey_slide_whose_title_holds_the_question(demo_store, browser):
    """Every answers chart of every demo survey as a slide (PDF page, PowerPoint picture): the
    title, which names the question's wording, leaves room for the plot; and as the page draws
    it, at the chart column's widths, where a subtitle of 120 characters a line ran past the
    770 px column. The matrix heatmap too, whose column labels are drawn above the plot, under
    the subtitle, and which names every partner down its side (plotly left out every other
    one on the PDF page)."""
    from cjmetrics.surveys import build_survey

    if not render.available():
        pytest.skip("no chromium: exports cannot be drawn here")
    measurer = open_measurer(browser)
    problems, drawn, matrices = [], 0, 0
    area = "CJP-AYR"
    for survey in ("statutory_partner", "third_sector", "public_understanding"):
        model = build_survey(demo_store, survey, area)
        for question in model.choice_questions():
            q = model.question(question)
            params = {"survey": survey, "area": area, "question": question, "period": "latest"}
            if q["type"] == "matrix":
                params["matrix_area"] = area
            item = decks.spec_item("survey_matrix" if q["type"] == "matrix"
                                   else "survey_answers", params)
            view = decks.build_view(demo_store, item, large=True)
            assert view.title.startswith(f"{q['number']} {q['text'].split()[0]}"), view.title
            page = decks.build_view(demo_store, item, large=False).figure
            for export, fig in (
                    ("PDF page", slides.sized(view.figure, *slides.SLIDE_PX, title=True)),
                    ("PowerPoint picture",
                     slides.sized(view.figure, *slides.PPTX_CHART_PX, title=False)),
                    *((f"the page at {width} px", go.Figure(page).update_layout(
                        width=width, height=page.layout.height or 450))
                      for width in SCREEN_WIDTHS)):
                measured = text_boxes(measurer, fig)
                problems += [f"{survey} {question}, {export}: {p}"
                             for p in collisions(measured)]
                if q["type"] == "matrix":
                    drawn_text = {b["text"] for b in measured["boxes"]}
                    problems += [f"{survey} {question}, {export}: no label for the row {row!r}"
                                 for row in view.figure.data[0].y
                                 if row not in drawn_text]
                    matrices += 1
                drawn += 1
    assert drawn >= 32 and matrices >= 4
    assert not problems, "\n".join(problems)


def test_two_areas_targets_at_one_period_do_not_collide_on_a_slide_or_a_screen(demo_store,
                                                                               browser):
    """North and South Ayrshire's newsletter open-rate targets fall in one month: their labels
    go either side of their points instead of onto each other."""
    from cjmetrics import chart_registry

    measurer = open_measurer(browser)
    params = {"indicator": "eng_newsletter_open_rate", "areas": ["S12000021", "S12000028"]}
    problems = []
    for large in (True, False):
        fig = chart_registry.build(demo_store, "trend", params, large=large).figure
        sized = slides.sized(fig, *slides.SLIDE_PX, title=True) if large else \
            go.Figure(fig).update_layout(width=SCREEN_WIDTHS[0], height=fig.layout.height or 450)
        measured = text_boxes(measurer, sized)
        targets = [b for b in measured["boxes"] if b["text"].startswith("Target")]
        assert len(targets) == 2, [b["text"] for b in measured["boxes"]]
        problems += [f"large={large}: {p}" for p in collisions(measured)]
    assert not problems, "\n".join(problems)


AYRSHIRE = ["CJP-AYR", "S12000008", "S12000021", "S12000028"]
# Every chart with a title under its x axis: on a slide its title block is tall.
X_TITLED = [
    ("ranked", {"indicator": "ndo4_community_sentences_completed", "areas": AYRSHIRE}, "Per cent"),
    ("ranked", {"indicator": "ndo1_diversion_assessments", "areas": AYRSHIRE}, "Rate"),
    ("plan_levels", {"area": "CJP-AYR"}, "Level of engagement"),
    ("plan_standards", {"area": "CJP-AYR"}, "Activities addressing the standard"),
    ("survey_responses", {"survey": "statutory_partner", "area": "CJP-AYR"}, "Respondents"),
]


@pytest.mark.parametrize("chart, params, axis_title", X_TITLED,
                         ids=[f"{c}-{t}" for c, _, t in X_TITLED])
def test_a_charts_axis_title_stays_on_a_slide(demo_store, browser, chart, params, axis_title):
    """A ranked chart's long title block (Scotland's line credited to its publication) left
    plotly too little height to make room below, and 'Per cent' ran off the PDF page."""
    from cjmetrics import chart_registry

    measurer = open_measurer(browser)
    fig = chart_registry.build(demo_store, chart, params, large=True).figure
    problems = []
    for export, sized in (
            ("PDF page", slides.sized(fig, *slides.SLIDE_PX, title=True)),
            ("PowerPoint picture", slides.sized(fig, *slides.PPTX_CHART_PX, title=False))):
        measured = text_boxes(measurer, sized)
        axis = [b for b in measured["boxes"] if b["text"] == axis_title]
        assert len(axis) == 1, [b["text"] for b in measured["boxes"]]
        # Not pressed against the page's edge, where the PDF cut it through.
        if axis[0]["y1"] > measured["height"] - 20:
            problems.append(f"{export}: the axis title ends at {axis[0]['y1']:.0f} of "
                            f"{measured['height']:.0f} px")
        problems += [f"{export}: {p}" for p in collisions(measured)]
    assert not problems, "\n".join(problems)
