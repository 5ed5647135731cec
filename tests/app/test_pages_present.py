"""AppTests of the Present page over the demo store and an empty store: collecting charts from
other pages, ordering, notes, saving and reopening a deck by name, the standard pack, the
slideshow (no sidebar, slide counter, next and previous) and the downloads on offer."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from apptest_support import PROJECT_ROOT, assert_clean, open_chart_cards, open_page, texts

PAGES_TESTED_HERE = ["pages/present.py"]
PRESENT, TRENDS, FRAMEWORK = "pages/present.py", "pages/trends.py", "pages/framework.py"
GLASGOW = "S12000049"


def run_app(page: str, area: str | None = GLASGOW) -> AppTest:
    return open_page(page, area=area or None, timeout=90)


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_an_empty_deck_says_how_to_fill_it(demo_db):
    at = run_app(PRESENT)
    assert at.title[0].value == "Present"
    assert any("Add to deck" in t for t in texts(at.info))
    assert "Start the slideshow" not in [b.label for b in at.button]


def test_charts_added_on_two_pages_become_ordered_slides_with_notes(demo_db):
    at = run_app(TRENDS)
    button(at, "Add to deck").click().run()
    assert_clean(at)
    at.switch_page(FRAMEWORK).run()
    button(at, "Add to deck").click().run()
    assert_clean(at)
    at.switch_page(PRESENT).run()
    assert_clean(at)
    assert "Slides (2)" in [s.value for s in at.subheader]
    labels = [m.value for m in at.markdown if m.value.startswith("**1") or
              m.value.startswith("**2")]
    assert labels[0].startswith("**1\\. Trend") and "Self" in labels[1]
    # Move the second slide up, write a note on it.
    second = at.session_state["deck"].items[1].id
    at.button(key=f"up-{second}").click().run()
    assert at.session_state["deck"].items[0].id == second
    at.text_area(key=f"note-{second}").input("Scores rose on 7 outcomes").run()
    assert at.session_state["deck"].items[0].note == "Scores rose on 7 outcomes"
    # Save by name, empty the deck, reopen it.
    at.text_input(key="deck-name").input("June meeting").run()
    button(at, "Save deck").click().run()
    assert_clean(at)
    assert any("June meeting" in s for s in texts(at.success))
    at.button(key=f"remove-{second}").click().run()
    assert "Slides (1)" in [s.value for s in at.subheader]
    at.selectbox(key="open-deck-name").set_value("June meeting")
    at.button(key="open-deck").click().run()
    assert_clean(at)
    assert "Slides (2)" in [s.value for s in at.subheader]
    assert at.text_area(key=f"note-{second}").value == "Scores rose on 7 outcomes"
    # Files are made on request, with a slide count, then offered.
    assert at.button(key="make-files").label == "Make the PowerPoint, PDF and HTML files"
    # Delete the saved deck (this failed with "Something unexpected went wrong").
    at.selectbox(key="open-deck-name").set_value("June meeting")
    at.button(key="delete-deck").click().run()
    assert_clean(at)
    assert any("Deleted the saved deck 'June meeting'" in s for s in texts(at.success))
    assert any("No decks saved yet" in c.value for c in at.caption)


def test_the_deck_survives_a_reload_and_the_slideshow_link_opens_it_elsewhere(demo_db):
    at = run_app(TRENDS)
    for _ in range(3):
        button(at, "Add to deck").click().run()
    assert_clean(at)
    # A reload is a new session: the deck is found in the store.
    again = run_app(PRESENT)
    assert "Slides (3)" in [s.value for s in again.subheader]
    again.button(key="start-slideshow").click().run()
    deck_id = again.session_state["deck"].id
    params = {k: again.query_params[k] for k in ("mode", "deck", "slide")}
    assert [v if isinstance(v, str) else v[0] for v in params.values()] == \
        ["slideshow", deck_id, "1"]
    # Another window on slide 3: the same deck and area, no sidebar area chosen first.
    elsewhere = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=90)
    elsewhere.query_params.update(mode="slideshow", deck=deck_id, slide="3")
    elsewhere.switch_page(PRESENT).run()
    assert_clean(elsewhere)
    assert any("Slide 3 of 4" in m.value for m in elsewhere.markdown)
    assert any(m.value == "Glasgow City · 2019/20 to 2024/25" for m in elsewhere.markdown)
    elsewhere.button(key="slide-previous").click().run()
    elsewhere.button(key="slide-previous").click().run()
    assert any(m.value == "Glasgow City" for m in elsewhere.markdown)  # the title slide
    assert "Slide 1 of 4" in " ".join(m.value for m in elsewhere.markdown)


def test_the_slideshow_has_no_sidebar_a_counter_and_next_previous(demo_db):
    at = run_app(PRESENT)
    at.button(key="pack").click().run()
    assert_clean(at)
    count = len(at.session_state["deck"].items)
    assert count == 15  # with the social media reach by channel
    at.button(key="start-slideshow").click().run()
    assert_clean(at)
    assert at.query_params["mode"] == ["slideshow"] or at.query_params["mode"] == "slideshow"
    assert not at.sidebar.selectbox  # no area picker: the sidebar is not drawn
    assert any(f"Slide 1 of {count + 1}" in m.value for m in at.markdown)
    at.button(key="slide-next").click().run()
    assert any(f"Slide 2 of {count + 1}" in m.value for m in at.markdown)
    assert at.markdown[0].value.startswith("# ")  # the chart's title in large type
    at.button(key="slide-previous").click().run()
    assert any(f"Slide 1 of {count + 1}" in m.value for m in at.markdown)
    at.button(key="slide-exit").click().run()
    assert_clean(at)
    assert at.title[0].value == "Present"


def test_without_chromium_the_page_says_so_and_offers_html(demo_db, monkeypatch):
    monkeypatch.setenv("CJMETRICS_CHROMIUM", "/nonexistent")
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent")
    from cjmetrics import render

    monkeypatch.setattr(render, "chromium_path", lambda: None)
    at = open_chart_cards(run_app(TRENDS), "downloads")
    assert "PNG" not in [d.proto.label for d in at.get("download_button")]
    assert {"Download CSV", "Download XLSX"} <= {d.proto.label
                                                for d in at.get("download_button")}
    assert any("PNG and SVG images need Chromium" in c.value for c in at.caption)
    button(at, "Add to deck").click().run()
    at.switch_page(PRESENT).run()
    assert any("Chromium is not installed" in w for w in texts(at.warning))
    at.button(key="make-files").click().run()
    downloads = [d.proto.label for d in at.get("download_button")]
    assert downloads == ["HTML report (offline, interactive)"]


def test_an_empty_store_gets_sentences_not_errors(empty_db):
    at = run_app(PRESENT)
    assert any("Add to deck" in t for t in texts(at.info))
    at.get("expander")  # the pack expander renders its own sentence
    assert any("No figures are held" in t for t in texts(at.info))


def test_pages_never_draw_images_unless_a_download_is_pressed(demo_db, monkeypatch):
    from cjmetrics import render

    drawn = []
    monkeypatch.setattr(render, "image", lambda *a, **k: drawn.append(a) or b"")
    at = open_chart_cards(run_app(TRENDS), "downloads")
    labels = [d.proto.label for d in at.get("download_button")]
    assert {"PNG", "SVG", "Download CSV", "Download XLSX"} <= set(labels)
    at.run()  # a rerun makes no file either
    at.switch_page(PRESENT).run()
    assert drawn == []


def test_an_overview_tile_adds_its_trend_to_the_deck(demo_db):
    at = run_app("pages/overview.py")
    at.button(key="deck-eng_social_reach").click().run()
    assert_clean(at)
    item = at.session_state["deck"].items[0]
    assert (item.chart, item.params) == ("trend", {"indicator": "eng_social_reach",
                                                   "areas": [GLASGOW]})


def test_a_broken_slide_in_the_slideshow_keeps_the_buttons(demo_db):
    from cjmetrics.deck import Deck, DeckItem

    at = run_app(PRESENT)
    at.session_state["deck"] = Deck(items=[DeckItem(chart="from-the-future", label="Future")])
    at.run()
    at.button(key="start-slideshow").click().run()
    at.button(key="slide-next").click().run()
    assert any("Remove the slide" in e for e in texts(at.error))
    assert any("Slide 2 of 2" in m.value for m in at.markdown)
    at.button(key="slide-previous").click().run()
    assert not at.exception
