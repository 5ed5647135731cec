"""Present: the deck of charts collected for a meeting, its slideshow and its downloads."""

import streamlit as st

from cjmetrics import ui

ui.ensure_entrypoint()
from cjmetrics import deck as decks  # noqa: E402
from cjmetrics import render, slides  # noqa: E402
from cjmetrics.export import safe_stem  # noqa: E402

SLIDESHOW = "slideshow"  # ?mode=slideshow: the full-screen slideshow, no sidebar or navigation
INDEX_KEY = "slide-index"


def reset_widgets(deck) -> None:
    """After opening another deck, show its own title slide fields and notes."""
    for key in [k for k in st.session_state if str(k).startswith("note-")]:
        del st.session_state[key]
    st.session_state["deck-meeting"] = deck.meeting
    st.session_state["deck-partnership"] = deck.partnership
    st.session_state["deck-date"] = deck.date
    st.session_state["deck-name"] = deck.name
    st.session_state[INDEX_KEY] = 0


def use_deck(deck) -> None:
    st.session_state[ui.DECK_KEY] = deck
    reset_widgets(deck)


ERROR_KEY = "present-error"


def open_saved() -> None:
    """Callback (runs before the widgets are drawn, so it may reset their values)."""
    try:
        use_deck(decks.load(ui.store(), st.session_state["open-deck-name"]))
    except Exception as exc:  # noqa: BLE001 - shown as a sentence on the page
        st.session_state[ERROR_KEY] = exc


def build_pack(area: str) -> None:
    try:
        use_deck(decks.standard_pack(ui.store(), area, st.session_state["pack-period"]))
    except Exception as exc:  # noqa: BLE001 - shown as a sentence on the page
        st.session_state[ERROR_KEY] = exc


def set_field(field: str) -> None:
    setattr(ui.working_deck(), field, st.session_state[f"deck-{field}"])


def set_note(item_id: str) -> None:
    deck = ui.working_deck()
    deck.items[deck.index(item_id)].note = st.session_state[f"note-{item_id}"]


def move(item_id: str, step: int) -> None:
    ui.working_deck().move(item_id, step)


def remove(item_id: str) -> None:
    ui.working_deck().remove(item_id)
    st.session_state.pop(f"note-{item_id}", None)


def view(item, large: bool = False):
    return ui.cached(decks.view_of, decks.item_json(item), large)


# -- the slideshow --------------------------------------------------------------------------
# Constant CSS (no user text): hide Streamlit's header and toolbar, and set large type.
SLIDESHOW_CSS = """<style>
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stDecoration"] { display: none; }
[data-testid="stMainBlockContainer"] { padding-top: 1.2rem; padding-bottom: 0.5rem;
  max-width: 100%; }
[data-testid="stMain"] h1 { font-size: 2.6rem; line-height: 1.15; }
.st-key-slide-text p { font-size: 1.35rem; }
.st-key-title-slide h1 { font-size: 3.6rem; }
.st-key-title-slide p { font-size: 2rem; }
</style>"""


def go_to(index: int) -> None:
    st.session_state[INDEX_KEY] = index


def slideshow(deck) -> None:
    # Keep the mode in the address bar on every rerun (a button press would otherwise drop it),
    # so a reload stays in the slideshow.
    if st.query_params.get("mode") != SLIDESHOW:
        st.query_params["mode"] = SLIDESHOW
    st.html(SLIDESHOW_CSS)
    total = len(deck.items) + 1  # the title slide first
    index = min(max(0, st.session_state.get(INDEX_KEY, 0)), total - 1)
    st.session_state[INDEX_KEY] = index
    if index == 0:
        with st.container(key="title-slide"):
            st.space("large")
            st.markdown(f"# {ui.plain(deck.heading)}")
            for line in (deck.partnership, deck.date):
                if line:
                    st.markdown(ui.plain(line))
            st.space("large")
    else:
        try:
            chart_slide(deck.items[index - 1], index)
        except Exception as exc:  # noqa: BLE001 - the buttons below must still show
            ui.show_error(exc)
    navigation(index, total)


def chart_slide(item, index: int) -> None:
    shown = view(item, large=True)
    st.markdown(f"# {ui.plain(shown.title)}")
    fig = shown.figure
    fig.update_layout(title=dict(text="", subtitle=dict(text="")), margin=dict(t=40),
                      height=600)
    ui.accessible_chart(fig, None, key=f"slide-{index}", name=shown.title)
    with st.container(key="slide-text"):
        if shown.summary:
            st.markdown(ui.plain(shown.summary))
        for note in shown.notes:
            st.caption(ui.plain(note))
        st.caption(ui.plain(shown.subtitle))


def navigation(index: int, total: int) -> None:
    left, middle, right, end = st.columns([2, 2, 2, 2], vertical_alignment="center")
    left.button("Previous", icon=":material/arrow_back:", key="slide-previous",
                on_click=go_to, args=(index - 1,), disabled=index == 0, shortcut="Left",
                width="stretch")
    middle.markdown(f"<div style='text-align:center;font-size:1.5rem'>"
                    f"Slide {index + 1} of {total}</div>", unsafe_allow_html=True)
    right.button("Next", icon=":material/arrow_forward:", key="slide-next",
                 on_click=go_to, args=(index + 1,), disabled=index == total - 1,
                 shortcut="Right", width="stretch")
    if end.button("End slideshow", icon=":material/close:", key="slide-exit", shortcut="Esc"):
        st.query_params.clear()
        st.rerun()


# -- the deck editor --------------------------------------------------------------------------
def title_slide(deck) -> None:
    st.subheader("Title slide")
    for field in ("meeting", "partnership", "date"):
        st.session_state.setdefault(f"deck-{field}", getattr(deck, field))
    a, b, c = st.columns([3, 2, 1])
    a.text_input("Meeting", key="deck-meeting", on_change=set_field, args=("meeting",),
                 placeholder="Partnership meeting")
    b.text_input("Partnership", key="deck-partnership", on_change=set_field,
                 args=("partnership",))
    c.text_input("Date", key="deck-date", on_change=set_field, args=("date",),
                 placeholder="12 June 2025")


def slide_list(deck) -> None:
    st.subheader(f"Slides ({len(deck.items)})")
    if not deck.items:
        st.info("The deck is empty. Press **Add to deck** under any chart (Trends, Compare "
                "areas, Performance Framework, Care Inspectorate...), start from the standard "
                "meeting pack, or open a saved deck below.", icon=":material/info:")
        return
    for number, item in enumerate(deck.items, start=1):
        with st.container(border=True, key=f"slide-{item.id}"):
            head, buttons = st.columns([5, 2], vertical_alignment="top")
            kind = " · snapshot (figures as they were when added)" if item.is_snapshot else ""
            head.markdown(f"**{number}\\. {ui.plain(item.label)}**")
            try:
                shown = view(item)
                head.caption(ui.plain(shown.subtitle) + kind)
            except Exception as exc:  # noqa: BLE001 - one broken slide must not hide the rest
                ui.show_error(exc)
            with buttons.container(horizontal=True, gap="small"):
                st.button("Up", key=f"up-{item.id}", icon=":material/arrow_upward:",
                          on_click=move, args=(item.id, -1), disabled=number == 1,
                          help="Move this slide earlier")
                st.button("Down", key=f"down-{item.id}", icon=":material/arrow_downward:",
                          on_click=move, args=(item.id, 1), disabled=number == len(deck.items),
                          help="Move this slide later")
                st.button("Remove", key=f"remove-{item.id}", icon=":material/delete:",
                          on_click=remove, args=(item.id,))
            st.session_state.setdefault(f"note-{item.id}", item.note)
            st.text_area("Note for this slide (speaker notes)", key=f"note-{item.id}",
                         on_change=set_note, args=(item.id,), height=68,
                         placeholder="What to say about this chart")


def saved_decks(deck, store) -> None:
    st.subheader("Saved decks")
    st.caption("A saved deck keeps its charts, order and notes, not its figures: open it next "
               "month and every chart shows that month's data.")
    left, right = st.columns(2)
    with left.container(border=True):
        st.session_state.setdefault("deck-name", deck.name)
        name = st.text_input("Save this deck as", key="deck-name",
                             placeholder="Partnership meeting")
        if st.button("Save deck", icon=":material/save:", disabled=not deck.items):
            decks.save(store, deck, name, ui.current_user())
            st.success(f"Saved as '{ui.plain(deck.name)}'.", icon=":material/check_circle:")
    with right.container(border=True):
        names = decks.saved_names(store)
        if not names:
            st.caption("No decks saved yet.")
        else:
            st.selectbox("Open a saved deck", names, key="open-deck-name")
            a, b = st.columns(2)
            a.button("Open", icon=":material/folder_open:", key="open-deck",
                     on_click=open_saved)
            if b.button("Delete", icon=":material/delete:", key="delete-deck"):
                store.delete_deck(chosen)
                st.rerun()
    with st.expander("Start from the standard meeting pack", icon=":material/auto_awesome:"):
        area = ui.chosen_area()
        tree = ui.area_tree()
        latest = decks.latest_period(store, area)
        st.caption(f"Every outcome indicator, the self-assessment scores and the headline "
                   f"engagement figures held for {ui.plain(tree.name(area))} (the area in the "
                   "sidebar). This replaces the slides above.")
        if latest is None:
            st.info(f"No figures are held for {ui.plain(tree.name(area))} yet.")
            return
        st.text_input("Figures up to", value=latest, key="pack-period",
                               help="A period such as 2024/25 or Mar 2025")
        st.button("Build the meeting pack", icon=":material/auto_awesome:", key="pack",
                  on_click=build_pack, args=(area,))


def downloads(deck, store) -> None:
    st.subheader("Download")
    if not deck.items:
        st.caption("Add slides to download the deck.")
        return
    stem = safe_stem(deck.name or deck.heading)
    images = render.available()
    if not images:
        st.warning(render.UNAVAILABLE_TEXT, icon=":material/warning:")
    # Made only when pressed (a callable), with today's figures; never on a rerun.
    with st.container(horizontal=True):
        for fmt, label, icon, needs_images in (
                ("pptx", "PowerPoint (.pptx)", ":material/slideshow:", True),
                ("pdf", "PDF", ":material/picture_as_pdf:", True),
                ("html", "HTML report (offline, interactive)", ":material/html:", False)):
            if needs_images and not images:
                continue
            ui.recorded_download(label, lambda fmt=fmt: slides.export(store, deck, fmt),
                                 file_name=f"{stem}.{fmt}", mime=slides.MIME[fmt],
                                 key=f"download-{fmt}", icon=icon, what="deck")
    st.caption("PowerPoint: 16:9, one chart per slide with its title, source line and your "
               "note as speaker notes. PDF: one page per slide. HTML: one file with interactive "
               "charts that opens without the internet.")


with ui.guard():
    deck = ui.working_deck()
    if st.query_params.get("mode") == SLIDESHOW:
        slideshow(deck)
        st.stop()
    st.title("Present")
    st.caption("The charts collected for a meeting: put them in order, add a note to each, then "
               "present them full screen or download them as PowerPoint, PDF or HTML. Slides "
               "show the latest figures whenever they are shown.")
    store = ui.store()
    if ERROR_KEY in st.session_state:
        ui.show_error(st.session_state.pop(ERROR_KEY))
    title_slide(deck)
    slide_list(deck)
    if deck.items:
        if st.button("Start the slideshow", icon=":material/play_arrow:", type="primary",
                     key="start-slideshow"):
            st.session_state[INDEX_KEY] = 0
            st.query_params["mode"] = SLIDESHOW
            st.rerun()
        st.caption("In the slideshow, the ← and → keys move between slides; Esc ends it. "
                   "Press F11 for full screen.")
    downloads(deck, store)
    saved_decks(deck, store)
