"""Deck specs of the Engagement reach, Engagement plan and Surveys charts: each rebuilds from
its plain parameters, a saved deck moves on to a newly imported period, and a survey slide keeps
small-number suppression in every file a lead takes to a meeting."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
from test_surveys import carries, crafted_store, secret_texts

from cjmetrics import chart_registry, render, slides
from cjmetrics import deck as decks
from cjmetrics.engagement import build_engagement
from cjmetrics.surveys import build_survey

GLASGOW = "S12000049"
AYRSHIRE = "CJP-AYR"

SPECS = {
    "engagement_channels": {"area": GLASGOW, "indicator": "eng_social_reach",
                            "grain": "quarter", "period": "latest"},
    "engagement_measures": {"area": GLASGOW, "grain": "month", "period": "latest",
                            "indicators": ["eng_website_visits", "eng_newsletter_opens"],
                            "title": "Website visits and newsletter opens"},
    "engagement_attendance": {"area": GLASGOW, "grain": "year", "period": "latest"},
    "plan_levels": {"area": GLASGOW},
    "plan_status": {"area": GLASGOW},
    "plan_standards": {"area": GLASGOW},
    "plan_stages": {"area": GLASGOW},
    "survey_responses": {"survey": "third_sector", "area": AYRSHIRE, "period": "latest"},
    "survey_answers": {"survey": "third_sector", "area": AYRSHIRE, "question": "q3",
                       "period": "latest"},
    "survey_statements": {"survey": "public_understanding", "area": AYRSHIRE,
                          "period": "latest"},
}


def _matrix_spec(store) -> dict:
    for survey in ("statutory_partner", "third_sector", "public_understanding"):
        model = build_survey(store, survey, GLASGOW)
        for question in model.choice_questions():
            if model.question(question)["type"] == "matrix" and model.has_answers:
                return {"survey": survey, "area": GLASGOW, "question": question,
                        "matrix_area": GLASGOW, "period": "latest"}
    raise AssertionError("the demo holds no matrix question")


def test_every_page_chart_is_registered():
    for name in [*SPECS, "survey_matrix"]:
        assert name in decks.CHARTS


@pytest.mark.parametrize("name", [*SPECS, "survey_matrix"])
def test_each_chart_rebuilds_from_its_saved_spec(demo_store, name):
    params = _matrix_spec(demo_store) if name == "survey_matrix" else SPECS[name]
    item = decks.spec_item(name, params)
    # Saved and reopened, as next month's meeting does.
    pack = decks.Deck(name="Monthly", items=[item])
    decks.save(demo_store, pack, "Monthly")
    again = decks.load(demo_store, "Monthly").items[0]
    assert (again.chart, again.params) == (name, params)
    for large in (False, True):
        view = decks.build_view(demo_store, again, large=large)
        assert view.title and view.title != "Chart", name
        assert view.subtitle and view.summary, name
        assert not view.table.empty, name
        assert view.figure.data, name
    # The slide's title is the page's (not a snapshot's), in the large type of the slideshow.
    assert decks.build_view(demo_store, again, large=True).figure.layout.font.size == 22


def test_a_named_period_stays_and_latest_follows_the_newest(demo_store):
    model = build_engagement(demo_store, GLASGOW, "quarter")
    (latest_start, latest), (_, earlier) = model.periods[:2]
    assert chart_registry.period_param(latest, latest) == "latest"
    assert chart_registry.period_param(earlier, latest) == earlier
    fixed = decks.build_view(demo_store, decks.spec_item(
        "engagement_channels", {**SPECS["engagement_channels"], "period": earlier}))
    assert fixed.table["Period"].iloc[-1] == earlier
    gone = decks.spec_item("engagement_channels",
                           {**SPECS["engagement_channels"], "period": "Q1 1999/00"})
    with pytest.raises(decks.DeckUnusable, match="Remove the slide"):
        decks.build_view(demo_store, gone)
    # An export says so on that slide rather than failing the whole file.
    built = slides.slides_for(demo_store, decks.Deck(items=[gone]))
    assert "Q1 1999/00" in built[0].view.summary


def _import_values(store, rows: pd.DataFrame) -> None:
    from cjmetrics.ingest.pipeline import commit, prepare

    prepared = prepare(store, rows.to_csv(index=False).encode(), "april.csv")
    assert prepared.error_count == 0, prepared.problems
    commit(store, prepared, who="test")


def test_a_saved_deck_picks_up_a_newly_imported_month(demo_store):
    pack = decks.Deck(name="Monthly", items=[
        decks.spec_item("engagement_channels", {**SPECS["engagement_channels"],
                                                "grain": "month"}),
        decks.spec_item("engagement_attendance", {"area": GLASGOW, "grain": "month",
                                                  "period": "latest"})])
    decks.save(demo_store, pack, "Monthly")
    before = [decks.build_view(demo_store, i) for i in decks.load(demo_store, "Monthly").items]
    assert "Apr 2025" not in set(before[0].table["Period"])
    _import_values(demo_store, pd.DataFrame({
        "indicator": ["eng_social_reach", "eng_social_reach", "eng_event_attendance"],
        "area": [GLASGOW] * 3, "period": ["Apr 2025"] * 3,
        "breakdown": ["channel:Facebook", "channel:LinkedIn", "event:Spring open day"],
        "value": [41000, 9000, 137]}))
    after = [decks.build_view(demo_store, i) for i in decks.load(demo_store, "Monthly").items]
    channels = after[0].table
    assert channels["Period"].iloc[-1] == "Apr 2025"
    april = channels[channels["Period"] == "Apr 2025"].set_index("Channel")
    assert april.loc["Facebook", "Social media reach"] == 41000
    assert "Apr 2025: 50,000" in after[0].summary and "Facebook carried 82%" in after[0].summary
    assert after[1].table["Period"].iloc[-1] == "Apr 2025"
    assert "137 people attended events in Apr 2025" in after[1].summary


def test_the_standard_pack_shows_the_reach_by_channel_after_the_reach(demo_store):
    pack = decks.standard_pack(demo_store, GLASGOW, "Mar 2025")
    labels = [item.label for item in pack.items]
    at = labels.index("Social media reach by channel")
    assert labels[at - 1] == "Trend: Social media reach"
    item = pack.items[at]
    assert item.params["period"] == "Q4 2024/25"
    view = decks.build_view(demo_store, item)
    assert view.table["Period"].iloc[-1] == "Q4 2024/25"
    # A pack "to" an earlier month stops at the quarter holding it.
    earlier = decks.standard_pack(demo_store, GLASGOW, "Nov 2024")
    mix = [i for i in earlier.items if i.chart == "engagement_channels"]
    assert mix and mix[0].params["period"] == "Q3 2024/25"


# -- suppression in every file ------------------------------------------------------------
def _survey_deck(store) -> decks.Deck:
    spec = {"survey": "third_sector", "area": GLASGOW, "period": "latest"}
    return decks.Deck(name="Survey", meeting="Survey meeting", items=[
        decks.spec_item("survey_answers", {**spec, "question": "q3"}, note="Small numbers."),
        decks.spec_item("survey_answers", {**spec, "question": "q4"}),
        decks.spec_item("survey_responses", spec)])


def _html_text(data: bytes) -> str:
    text = data.decode()
    start, end = text.index(slides.PLOTLYJS_BEGIN), text.index(slides.PLOTLYJS_END)
    return text[:start] + text[end:]


def test_a_survey_slide_keeps_suppression_in_the_html_report(empty_store):
    store = crafted_store(empty_store)
    deck = _survey_deck(store)
    views = slides.slides_for(store, deck)
    text = _html_text(slides.html_bytes(deck, views))
    for secret in secret_texts():
        assert not carries(text, secret), secret
    # The data table shows "<5" (escaped) where the counts were 3 and 4, and a count of 1 to 4
    # never appears as a cell of its own.
    assert "&lt;5" in text and "hidden" in text
    assert not re.search(r"<td>[1-4]</td>", text)
    # The interactive charts' data: a suppressed cell has no bar and no share in its hover.
    figures = re.findall(r"Plotly\.newPlot\(\s*\"chart-\d+\",\s*(\[.*?\]),\s*\{", text,
                         flags=re.S)
    assert len(figures) == 3
    suppressed = 0
    for figure in figures:
        for trace in json.loads(figure):
            for i, custom in enumerate(trace.get("customdata") or []):
                if len(custom) > 2 and custom[2] in ("<5", "&lt;5", "hidden"):
                    suppressed += 1
                    assert trace["x"][i] in (None, 0)
                    assert custom[4:6] == ["not shown", "not shown"]
    assert suppressed >= 4  # q3's two cells and q4's two


@pytest.mark.skipif(not render.available(), reason="needs chromium for the slide images")
def test_a_survey_slide_keeps_suppression_in_the_pptx_and_pdf(empty_store):
    from pptx import Presentation
    from pypdf import PdfReader

    store = crafted_store(empty_store)
    deck = _survey_deck(store)
    views = slides.slides_for(store, deck)
    prs = Presentation(io.BytesIO(slides.pptx_bytes(deck, views)))
    assert len(prs.slides) == 4
    texts = []
    for slide in list(prs.slides)[1:]:
        texts += [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
        texts += [shape._element.nvPicPr.cNvPr.get("descr") for shape in slide.shapes
                  if shape.shape_type == 13]
        texts.append(slide.notes_slide.notes_text_frame.text)
    blob = "\n".join(t or "" for t in texts)
    assert "Q3" in blob and "Small numbers." in blob
    for secret in secret_texts():
        assert not carries(blob, secret), secret
    pdf = PdfReader(io.BytesIO(slides.pdf_bytes(deck, views)))
    assert len(pdf.pages) == 4
    words = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Not shown (small numbers)" in words
    for secret in secret_texts():
        assert not carries(words, secret), secret


# -- question wording on the slides ---------------------------------------------------------
def _question_deck(store) -> tuple[decks.Deck, list[str]]:
    """One slide per choice question of the Third Sector Survey (a matrix among them), with
    the first words of each question's wording."""
    model = build_survey(store, "third_sector", AYRSHIRE)
    spec = {"survey": "third_sector", "area": AYRSHIRE, "period": "latest"}
    items, starts = [], []
    for question in model.choice_questions():
        q = model.question(question)
        chart = "survey_matrix" if q["type"] == "matrix" else "survey_answers"
        extra = {"matrix_area": AYRSHIRE} if chart == "survey_matrix" else {}
        items.append(decks.spec_item(chart, {**spec, "question": question, **extra}))
        starts.append(f"{q['number']} {' '.join(q['text'].split()[:4])}")
    return decks.Deck(name="Questions", meeting="Survey meeting", items=items), starts


def test_a_survey_slide_says_what_was_asked_in_a_title_that_fits(demo_store):
    from pptx import Presentation

    from cjmetrics.survey_charts import TITLE_WIDTH

    deck, starts = _question_deck(demo_store)
    views = slides.slides_for(demo_store, deck)
    titles = [s.view.title for s in views]
    assert len(titles) >= 4
    for title, start in zip(titles, starts):
        assert title.startswith(start), title  # "Q3 In your view, what ...", not "Q3:"
        assert len(title) <= TITLE_WIDTH, title  # two lines of a PowerPoint slide's title
    assert "Q3 In your view, what level of awareness is there within the… – answers by area " \
           "(share of those who answered)" in titles
    assert any(t.startswith("Q5 Which of the 5 headings") and t.endswith(
        "engagement level with each partner, Community Justice Ayrshire Partnership")
        for t in titles)
    prs = Presentation(io.BytesIO(slides.pptx_bytes(deck, views)))
    assert [s.shapes.title.text for s in list(prs.slides)[1:]] == titles
    html = _html_text(slides.html_bytes(deck, views))
    for title in titles:
        assert f"<h2>{title}</h2>" in html


# -- from the pages ------------------------------------------------------------------------
def test_add_to_deck_on_the_three_pages_saves_specs_that_present_shows(demo_db):
    from test_pages_present import PRESENT, run_app

    from apptest_support import assert_clean, texts

    at = run_app("pages/engagement.py")
    at.button(key="eng-reach-channels-deck").click().run()
    assert_clean(at)
    at.switch_page("pages/engagement_plan.py").run()
    at.button(key="plan-standards-deck").click().run()
    assert_clean(at)
    at.selectbox(key="area").set_value(AYRSHIRE).run()
    at.switch_page("pages/surveys.py").run()
    at.selectbox(key="survey").set_value("third_sector").run()
    at.button(key="survey-distribution-deck").click().run()
    assert_clean(at)
    items = at.session_state["deck"].items
    assert [(i.chart, i.is_snapshot) for i in items] == [
        ("engagement_channels", False), ("plan_standards", False), ("survey_answers", False)]
    assert items[0].params == {"area": GLASGOW, "grain": "quarter", "period": "latest",
                               "indicator": "eng_social_reach"}
    assert items[1].params == {"area": GLASGOW}
    assert items[2].params == {"survey": "third_sector", "area": AYRSHIRE, "period": "latest",
                               "question": "q1"}
    at.switch_page(PRESENT).run()
    assert_clean(at)
    shown = " ".join(texts(at.markdown) + texts(at.caption))
    assert "(snapshot)" not in shown


def test_the_slideshow_of_a_survey_slide_keeps_suppression(empty_store):
    from test_pages_present import PRESENT, run_app

    from apptest_support import assert_clean, texts

    store = crafted_store(empty_store)
    at = run_app(PRESENT)
    at.session_state["deck"] = _survey_deck(store)
    at.run()
    at.button(key="start-slideshow").click().run()
    for number in (2, 3, 4):
        at.button(key="slide-next").click().run()
        assert_clean(at)
        assert any(f"Slide {number} of 4" in m.value for m in at.markdown)
        shown = "\n".join(texts(at.markdown) + texts(at.caption))
        for secret in secret_texts():
            assert not carries(shown, secret), secret
        figure = at.get("plotly_chart")[0].proto.spec
        for secret in secret_texts():
            assert not carries(figure, secret), secret
    assert "Q4" in texts(at.markdown)[0] or "responses" in texts(at.markdown)[0]


# Every chart card of every page (with the sidebar area that shows it), by its key.
PAGE_CHARTS = {
    "pages/trends.py": (GLASGOW, ["trend"]),
    "pages/comparison.py": (GLASGOW, ["compare-ranked", "compare-trend"]),
    "pages/framework.py": (GLASGOW, ["self-assessment"]),
    "pages/care_inspectorate.py": (GLASGOW, ["qi-grades"]),
    "pages/engagement.py": (GLASGOW, [
        "eng-reach-channels", "eng-engagements-channels", "eng-web-newsletter",
        "eng-clicks-media", "eng-attendance"]),
    "pages/engagement_plan.py": (GLASGOW, [
        "plan-levels", "plan-status", "plan-standards", "plan-stages"]),
    "pages/surveys.py": (AYRSHIRE, ["survey-responses", "survey-distribution"]),
}


@pytest.mark.parametrize("page", list(PAGE_CHARTS))
def test_each_page_draws_the_very_chart_its_slide_and_files_show(demo_db, page):
    """What a page draws is the registry's chart for the name and parameters Add to deck
    stores: the same figure, summary and table as the slide and every file made from it."""
    from test_pages_present import run_app

    from cjmetrics.store import open_store

    from apptest_support import assert_clean, open_chart_cards, texts

    area, keys = PAGE_CHARTS[page]
    at = run_app(page, area=area)
    assert_clean(at)
    drawn = {c.key.removesuffix("-chart"): json.loads(c.proto.spec)
             for c in at.get("plotly_chart")}
    assert set(keys) <= set(drawn), page
    for key in keys:
        at.button(key=f"{key}-deck").click().run()
        assert_clean(at)
    items = at.session_state["deck"].items
    assert len(items) == len(keys) and not any(i.is_snapshot for i in items)
    open_chart_cards(at)  # the tables are drawn once their "Data behind this chart" is open
    captions = texts(at.caption)
    store = open_store(demo_db)
    for key, item in zip(keys, items):
        view = decks.build_view(store, item)
        assert drawn[key]["data"] == json.loads(view.figure.to_json())["data"], key
        assert drawn[key]["layout"]["title"] == json.loads(view.figure.to_json())["layout"][
            "title"], key
        assert view.summary and view.summary in captions, key
        # The table as its CSV download reads (the page's dataframe comes back through Arrow).
        assert view.table.to_csv(index=False) in [t.value.to_csv(index=False)
                                                  for t in at.dataframe], key
