"""Presenting without a hitch, below the page: saved decks belong to their author, the deck
being built is kept in the store as it changes, and text is escaped exactly once in every format
(plotly gets text it shows literally; HTML escapes once; PowerPoint gets plain text)."""

from __future__ import annotations

import io

import plotly.graph_objects as go
import pytest

from cjmetrics import deck as decks
from cjmetrics import slides
from cjmetrics.access import Actor, acting
from cjmetrics.charts import styled
from cjmetrics.errors import NotAllowed

GLASGOW = "S12000049"
ANN = Actor("ann@council.gov.uk", "viewer")
BOB = Actor("bob@council.gov.uk", "editor")
ADMIN = Actor("lead@council.gov.uk", "admin")


def a_deck(meeting: str = "June meeting") -> decks.Deck:
    return decks.Deck(meeting=meeting, area=GLASGOW, items=[decks.spec_item(
        "trend", {"indicator": "eng_social_reach", "areas": [GLASGOW]})])


# -- saved decks belong to their author ------------------------------------------------------
def test_only_the_author_or_an_admin_replaces_or_deletes_a_saved_deck(demo_store):
    with acting(ANN):
        decks.save(demo_store, a_deck(), "June meeting")
    assert demo_store.deck_owner("June meeting") == ANN.name
    with acting(BOB):
        # Bob may open (and so copy) Ann's deck, not replace or delete it.
        copy = decks.load(demo_store, "June meeting")
        with pytest.raises(NotAllowed, match="belongs to ann@council.gov.uk"):
            decks.save(demo_store, copy, "June meeting")
        with pytest.raises(NotAllowed, match="only they or an administrator"):
            decks.delete(demo_store, "June meeting")
        assert not decks.may_delete(demo_store, "June meeting", BOB)
        decks.save(demo_store, copy, "June meeting (Bob's copy)")
    assert set(decks.saved_names(demo_store)) == {"June meeting", "June meeting (Bob's copy)"}
    assert demo_store.deck_owner("June meeting") == ANN.name  # unchanged
    with acting(ADMIN):
        assert decks.may_delete(demo_store, "June meeting", ADMIN)
        decks.delete(demo_store, "June meeting")
    with acting(BOB):
        decks.delete(demo_store, "June meeting (Bob's copy)")
    assert decks.saved_names(demo_store) == []
    with pytest.raises(decks.DeckUnusable, match="No deck called 'gone'"):
        decks.delete(demo_store, "gone")


# -- the deck being built ------------------------------------------------------------------
def test_the_working_deck_is_kept_per_user_and_found_again(demo_store):
    with acting(ANN):
        deck = a_deck()
        decks.keep(demo_store, deck)
        deck.items[0].note = "Reach is up"
        decks.keep(demo_store, deck)
        again = decks.latest_working(demo_store, ANN.name)
    assert again.id == deck.id and again.area == GLASGOW
    assert [item.note for item in again.items] == ["Reach is up"]
    assert decks.working(demo_store, deck.id).meeting == "June meeting"
    assert decks.latest_working(demo_store, BOB.name) is None
    with acting(BOB), pytest.raises(NotAllowed, match="being built by ann"):
        decks.keep(demo_store, again)  # another user's deck is read (the slideshow), not written


def test_a_working_deck_survives_the_store_being_reopened(demo_db):
    from cjmetrics.store import Store

    first = Store(demo_db)
    first.migrate()
    deck = a_deck()
    decks.keep(first, deck)
    first.close()
    reopened = Store(demo_db)  # as after a server restart
    assert decks.working(reopened, deck.id).items[0].chart == "trend"


# -- text escaped exactly once --------------------------------------------------------------
TYPED = "Under <18s & <b>young</b> people"


def typed_slide() -> decks.DeckItem:
    """A chart whose title and subtitle carry what a user typed, built the way charts are."""
    fig = go.Figure(go.Bar(x=[TYPED], y=[3], name=TYPED))
    fig = styled(fig.update_layout(title=dict(text=TYPED, subtitle=dict(text=f"Source: {TYPED}"))))
    return decks.snapshot_item(fig, __import__("pandas").DataFrame({"Group": [TYPED]}))


def test_plotly_gets_text_it_shows_literally():
    fig = go.Figure(go.Bar(x=[TYPED], y=[3], name=TYPED,
                           hovertemplate="<b>%{x}</b><extra></extra>"))
    fig = styled(fig.update_layout(title=dict(text=f"<i>{TYPED}</i><br>line two")))
    strings = [fig.layout.title.text, fig.data[0].name, *fig.data[0].x]
    assert all("<b>" not in s and "<i>" not in s for s in strings)
    assert fig.layout.title.text == "&lt;i>Under &lt;18s & &lt;b>young&lt;/b> people&lt;/i>" \
        "<br>line two"  # the charts' own line break stays
    assert fig.data[0].hovertemplate == "<b>%{x}</b><extra></extra>"  # the charts' own tooltip


def test_a_users_markup_never_renders_in_the_demo_charts(demo_store):
    demo_store._conn.execute("UPDATE areas SET name = '<b>Glasgow</b> <i>City</i>' "
                             "WHERE area_code = ?", [GLASGOW])
    pack = decks.standard_pack(demo_store, GLASGOW, "2024/25")
    pack.add(decks.spec_item("ranked", {"indicator": "ndo1_diversion_completed",
                                        "areas": [GLASGOW, "S12000008"]}))
    pack.add(decks.spec_item("qi_grades", {"area": GLASGOW}))
    for item in pack.items:
        figure = decks.build_view(demo_store, item, large=True).figure.to_plotly_json()
        found = list(_strings(figure))
        assert any("Glasgow" in s for s in found), item.label
        assert not [s for s in found if "<b>Glasgow" in s or "<i>City" in s], item.label


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            if key != "template":
                yield from _strings(inner)
    elif isinstance(value, (list, tuple)) or hasattr(value, "tolist"):
        for inner in (value.tolist() if hasattr(value, "tolist") else value):
            yield from _strings(inner)


def test_html_and_powerpoint_show_typed_text_once_escaped(demo_store):
    from pptx import Presentation

    deck = decks.Deck(meeting=TYPED, items=[typed_slide()])
    built = slides.slides_for(demo_store, deck)
    assert built[0].view.title == TYPED and built[0].view.source == f"Source: {TYPED}"
    page = slides.html_bytes(deck, built).decode()
    outside_plotly = page.split(slides.PLOTLYJS_END)[1]
    assert "<h2>Under &lt;18s &amp; &lt;b&gt;young&lt;/b&gt; people</h2>" in outside_plotly
    assert "&amp;lt;" not in outside_plotly and "&amp;amp;" not in outside_plotly
    pytest.importorskip("kaleido")
    if not __import__("cjmetrics.render", fromlist=["available"]).available():
        pytest.skip("no chromium: PowerPoint pictures cannot be drawn")
    prs = Presentation(io.BytesIO(slides.pptx_bytes(deck, built)))
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles == [TYPED, TYPED]
    texts = [shape.text_frame.text for s in prs.slides for shape in s.shapes
             if shape.has_text_frame]
    assert not [t for t in texts if "&lt;" in t or "&amp;" in t]


def test_a_meeting_packs_self_assessment_holds_the_sessions_up_to_its_period(demo_store):
    """A pack "figures to 2023/24" shows the sessions held by 31 March 2024, not a later one;
    a pack for a period before any session leaves the slide out."""
    def sessions(period: str) -> list[str]:
        pack = decks.standard_pack(demo_store, GLASGOW, period)
        return [list(decks.build_view(demo_store, item).table["Session"].drop_duplicates())
                for item in pack.items if item.chart == "self_assessment"]

    latest, = sessions("2024/25")
    earlier, = sessions("2023/24")
    assert "11 Mar 2025" in latest and "11 Mar 2025" not in earlier
    assert earlier == [s for s in latest if s.endswith(("2023", "2024"))]
    assert sessions("2019/20") == []
    # a self-assessment added from the Performance Framework page holds every session
    everything = decks.build_view(demo_store, decks.spec_item("self_assessment", {"area": GLASGOW}))
    assert list(everything.table["Session"].drop_duplicates()) == latest
