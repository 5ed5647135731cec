"""Present: the deck of charts collected for a meeting, its slideshow and its downloads."""

import streamlit as st

from cjmetrics import deck as decks
from cjmetrics import render, slides, ui
from cjmetrics.export import safe_stem

ui.ensure_entrypoint()

SLIDESHOW = "slideshow"  # ?mode=slideshow&deck=ID&slide=N: the full-screen slideshow
ERROR_KEY = "present-error"
PACK_KEY = "pack-requested"  # the area whose standard pack to build on this run
FILES_KEY = "deck-files"  # the downloads made for (deck, data version): {fmt: bytes}


def reset_widgets(deck) -> None:
    """After opening another deck, show its own title slide fields and notes."""
    for key in [k for k in st.session_state if str(k).startswith("note-")]:
        del st.session_state[key]
    st.session_state["deck-meeting"] = deck.meeting
    st.session_state["deck-partnership"] = deck.partnership
    st.session_state["deck-date"] = deck.date
    st.session_state["deck-name"] = deck.name


def use_deck(deck) -> None:
    reset_widgets(ui.change_deck(lambda _: None, replace=deck))


def guarded(action):
    """Run a callback's action; a failure is kept to be shown as a sentence on the page."""
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - shown as a sentence on the page
        st.session_state[ERROR_KEY] = exc


def open_saved() -> None:
    """Callback (runs before the widgets are drawn, so it may reset their values)."""
    guarded(lambda: use_deck(decks.load(ui.store(), st.session_state["open-deck-name"])))


def delete_saved() -> None:
    name = st.session_state["open-deck-name"]

    def delete() -> None:
        decks.delete(ui.store(), name)
        st.session_state["present-done"] = f"Deleted the saved deck '{name}'."
    guarded(delete)


def save_deck() -> None:
    name = st.session_state.get("deck-name", "")

    def save() -> None:
        deck = ui.working_deck()
        decks.save(ui.store(), deck, name)
        ui.change_deck(lambda d: setattr(d, "name", deck.name))
        st.session_state["present-done"] = f"Saved as '{deck.name}'."
    guarded(save)


def new_deck() -> None:
    """Empty the deck being built (saved decks are untouched)."""
    from datetime import date

    area = ui.chosen_area()
    guarded(lambda: use_deck(decks.Deck(partnership=ui.area_tree().name(area), area=area,
                                        date=date.today().strftime("%-d %B %Y"))))


def request_pack(area: str) -> None:
    st.session_state[PACK_KEY] = area


def build_pack(area: str) -> None:
    """The standard pack, built with a progress bar (about a second per indicator)."""
    bar = st.progress(0.0, text="Building the meeting pack...")

    def told(done: int, total: int, name: str) -> None:
        bar.progress(done / total, text=f"Building the meeting pack: {done} of {total} "
                                        f"({name})")
    try:
        use_deck(decks.standard_pack(ui.store(), area, st.session_state["pack-period"],
                                     progress=told))
    except Exception as exc:  # noqa: BLE001 - shown as a sentence on the page
        ui.show_error(exc)
    bar.empty()


def set_field(field: str) -> None:
    value = st.session_state[f"deck-{field}"]
    guarded(lambda: ui.change_deck(lambda deck: setattr(deck, field, value)))


def set_note(item_id: str) -> None:
    note = st.session_state[f"note-{item_id}"]

    def change(deck) -> None:
        deck.items[deck.index(item_id)].note = note
    guarded(lambda: ui.change_deck(change))


def move(item_id: str, step: int) -> None:
    guarded(lambda: ui.change_deck(lambda deck: deck.move(item_id, step)))


def remove(item_id: str) -> None:
    guarded(lambda: ui.change_deck(lambda deck: deck.remove(item_id)))
    st.session_state.pop(f"note-{item_id}", None)


def view(item, large: bool = False):
    return ui.cached(decks.view_of, decks.item_json(item), large)


# -- the slideshow --------------------------------------------------------------------------
# Constant CSS (no user text): hide Streamlit's chrome and plotly's toolbar, set large type, and
# give the chart what is left of the window's height, so a slide never scrolls.
SLIDESHOW_CSS = """<style>
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stDecoration"],
.st-key-slide-figure .modebar-container { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.8rem 2rem 0.6rem; max-width: 100%;
  height: 100vh; box-sizing: border-box; display: flex; flex-direction: column; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] { flex: 1 1 0;
  min-height: 0; gap: 0.4rem; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] > * { flex-shrink: 0; }
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"]
  > [data-testid="stLayoutWrapper"]:has(.st-key-slide-figure) { flex: 1 1 0; min-height: 160px; }
.st-key-slide-head, .st-key-slide-text, .st-key-slide-source, .st-key-slide-counter {
  flex: 0 0 auto !important; }
.st-key-slide-head *, .st-key-slide-text *, .st-key-slide-source *, .st-key-slide-counter * {
  margin-bottom: 0 !important; }
.st-key-slide-figure { height: 100%; }
.st-key-slide-figure [data-testid="stElementContainer"] { height: 100%; }
.st-key-slide-head h1 { font-size: clamp(1.6rem, 2.6vw, 3rem); line-height: 1.15;
  padding: 0; }
.st-key-slide-head p { font-size: clamp(1.2rem, 1.6vw, 2rem) !important; margin: 0;
  color: #333; }
.st-key-slide-text p { font-size: clamp(1.2rem, 1.6vw, 2rem) !important; margin: 0;
  line-height: 1.3; }
.st-key-slide-source p { font-size: clamp(1rem, 1.2vw, 1.5rem) !important; margin: 0;
  color: #333; }
.st-key-slide-counter p { font-size: clamp(1.2rem, 1.6vw, 2rem) !important;
  text-align: center; margin: 0; }
.st-key-title-slide h1 { font-size: clamp(2.4rem, 4vw, 4.4rem); }
.st-key-title-slide p { font-size: clamp(1.4rem, 2vw, 2.4rem); }
</style>"""
SLIDE_CONFIG = {**ui.PLOTLY_CONFIG, "displayModeBar": False}


def slide_number(total: int) -> int:
    """The slide the address bar names (1 is the title slide), kept within the deck."""
    try:
        wanted = int(st.query_params.get("slide", "1"))
    except ValueError:
        wanted = 1
    return min(max(1, wanted), total)


def go_to(number: int) -> None:
    st.query_params["slide"] = str(number)


def slideshow() -> None:
    st.html(SLIDESHOW_CSS)
    deck_id = st.query_params.get("deck")
    deck = ui.shown_deck(deck_id) if deck_id else ui.working_deck()
    if deck is None:
        st.error("This slideshow link names a deck that is no longer kept on this dashboard. "
                 "Open Present and start the slideshow again.", icon=":material/error:")
        end_button(st)
        return
    # The address bar always names the deck and the slide, so a reload, or the link opened in
    # another window (to drag it onto the projector), shows the same slide of the same deck.
    if deck_id != deck.id:
        st.query_params["deck"] = deck.id
    total = len(deck.items) + 1  # the title slide first
    number = slide_number(total)
    if st.query_params.get("slide") != str(number):
        st.query_params["slide"] = str(number)
    if number == 1:
        with st.container(key="title-slide"):
            st.space("large")
            st.markdown(f"# {ui.plain(deck.heading)}")
            for line in (deck.partnership, deck.date):
                if line:
                    st.markdown(ui.plain(line))
            st.space("large")
    else:
        try:
            chart_slide(deck.items[number - 2], number)
        except Exception as exc:  # noqa: BLE001 - the buttons below must still show
            ui.show_error(exc)
    navigation(number, total)


def chart_slide(item, number: int) -> None:
    shown = view(item, large=True)
    with st.container(key="slide-head"):
        st.markdown(f"# {ui.plain(shown.title)}")
        if shown.context:
            st.markdown(ui.plain(shown.context))
    fig = slides.on_slide(shown.figure)
    with st.container(key="slide-figure"):  # "-figure": an image to assistive technology
        st.plotly_chart(fig, theme=None, key=f"slide-chart-{number}", config=SLIDE_CONFIG,
                        width="stretch", height="stretch", alt=shown.title)
    with st.container(key="slide-text"):
        if shown.summary:
            st.markdown(ui.plain(shown.summary))
        for note in shown.notes:
            st.caption(ui.plain(note))
    if shown.source:
        with st.container(key="slide-source"):
            st.markdown(ui.plain(slides.source_line(shown)))


def end_button(where) -> None:
    if where.button("End slideshow", icon=":material/close:", key="slide-exit", shortcut="Esc"):
        st.query_params.clear()
        st.rerun()


def navigation(number: int, total: int) -> None:
    left, middle, right, end = st.columns([2, 2, 2, 2], vertical_alignment="center")
    left.button("Previous", icon=":material/arrow_back:", key="slide-previous",
                on_click=go_to, args=(number - 1,), disabled=number == 1, shortcut="Left",
                width="stretch")
    with middle.container(key="slide-counter"):
        st.markdown(f"Slide {number} of {total}")
    right.button("Next", icon=":material/arrow_forward:", key="slide-next",
                 on_click=go_to, args=(number + 1,), disabled=number == total,
                 shortcut="Right", width="stretch")
    end_button(end)


# -- the deck editor --------------------------------------------------------------------------
def title_slide(deck) -> None:
    st.subheader("Title slide")
    for field in ("meeting", "partnership", "date"):
        st.session_state.setdefault(f"deck-{field}", getattr(deck, field))
    # Room at 1280 px beside the sidebar for a partnership's full name and "30 September 2026".
    a, b, c = st.columns([3, 4, 2])
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
               "month and every chart shows that month's data. Anyone may open a saved deck "
               "and save a copy under a new name; only its author or an administrator may "
               "replace or delete it.")
    left, right = st.columns(2)
    with left.container(border=True):
        st.session_state.setdefault("deck-name", deck.name)
        st.text_input("Save this deck as", key="deck-name", placeholder="Partnership meeting")
        st.button("Save deck", icon=":material/save:", disabled=not deck.items,
                  on_click=save_deck)
    with right.container(border=True):
        names = decks.saved_names(store)
        if not names:
            st.caption("No decks saved yet.")
        else:
            chosen = st.selectbox("Open a saved deck", names, key="open-deck-name")
            owner = store.deck_owner(chosen)
            mine = decks.may_delete(store, chosen, ui.actor())
            a, b = st.columns(2)
            a.button("Open", icon=":material/folder_open:", key="open-deck",
                     on_click=open_saved)
            b.button("Delete", icon=":material/delete:", key="delete-deck",
                     on_click=delete_saved, disabled=not mine,
                     help=None if mine else f"Saved by {owner}: only they or an "
                                            "administrator can delete it.")
            st.caption(f"Saved by {ui.plain(owner)}.")
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
                  on_click=request_pack, args=(area,))


DOWNLOADS = (("pptx", "PowerPoint (.pptx)", ":material/slideshow:", True),
             ("pdf", "PDF", ":material/picture_as_pdf:", True),
             ("html", "HTML report (offline, interactive)", ":material/html:", False))


def downloads(deck, store) -> None:
    st.subheader("Download")
    if not deck.items:
        st.caption("Add slides to download the deck.")
        return
    stem = safe_stem(deck.name or deck.heading)
    images = render.available()
    if not images:
        st.warning(render.UNAVAILABLE_TEXT, icon=":material/warning:")
    wanted = [d for d in DOWNLOADS if images or not d[3]]
    # Files are made for this deck and these figures; a change to either makes them again.
    made_for = (deck.to_json(), store.data_version())
    files = st.session_state.get(FILES_KEY)
    if files is None or files[0] != made_for:
        files = (made_for, {})
    if len(files[1]) < len(wanted):
        if st.button("Make the PowerPoint, PDF and HTML files" if images else
                     "Make the HTML file", icon=":material/build:", key="make-files",
                     type="primary"):
            make_files(store, deck, wanted, files[1], stem)
            st.session_state[FILES_KEY] = files
            return
        st.caption("Each slide is drawn with today's figures; a file is offered as soon as it "
                   "is ready, with a count of slides while it is made.")
    else:
        offer(files[1], stem)
    st.caption("PowerPoint: 16:9, one chart per slide with its title, source line and your "
               "note as speaker notes. PDF: one page per slide. HTML: one file with interactive "
               "charts that opens without the internet.")


def make_files(store, deck, wanted, made: dict, stem: str) -> None:
    """Each file in turn, with the slide count shown, and offered the moment it is ready."""
    row = st.container(horizontal=True)
    bar = st.progress(0.0, text="Drawing the slides...")
    built = slides.slides_for(store, deck, progress=lambda n, total: bar.progress(
        n / total / (len(wanted) + 1), text=f"Drawing the slides: slide {n} of {total}"))
    for step, (fmt, label, _, _) in enumerate(wanted, start=1):
        def told(n: int, total: int, step=step, label=label) -> None:
            bar.progress((step + n / total) / (len(wanted) + 1),
                         text=f"Making the {label}: slide {n} of {total}")
        if fmt not in made:
            made[fmt] = slides.WRITERS[fmt](deck, built, progress=told)
        with row:
            offer_one(made, fmt, stem)
    bar.empty()


def offer(made: dict, stem: str) -> None:
    with st.container(horizontal=True):
        for fmt, *_ in DOWNLOADS:
            if fmt in made:
                offer_one(made, fmt, stem)


def offer_one(made: dict, fmt: str, stem: str) -> None:
    label, icon = next((d[1], d[2]) for d in DOWNLOADS if d[0] == fmt)
    ui.recorded_download(label, lambda: made[fmt], file_name=f"{stem}.{fmt}",
                         mime=slides.MIME[fmt], key=f"download-{fmt}", icon=icon, what="deck")


with ui.guard():
    if st.query_params.get("mode") == SLIDESHOW:
        slideshow()
        st.stop()
    st.title("Present")
    st.caption("The charts collected for a meeting: put them in order, add a note to each, then "
               "present them full screen or download them as PowerPoint, PDF or HTML. Slides "
               "show the latest figures whenever they are shown.")
    store = ui.store()
    if PACK_KEY in st.session_state:
        build_pack(st.session_state.pop(PACK_KEY))
    deck = ui.working_deck()
    if ERROR_KEY in st.session_state:
        ui.show_error(st.session_state.pop(ERROR_KEY))
    if "present-done" in st.session_state:
        st.success(ui.plain(st.session_state.pop("present-done")),
                   icon=":material/check_circle:")
    if st.session_state.get(ui.DECK_KEPT_KEY) is False:
        st.caption(":material/info: This dashboard is read-only, so the deck is kept only in "
                   "this browser tab: download it before you close the tab.")
    title_slide(deck)
    slide_list(deck)
    if deck.items:
        with st.container(horizontal=True):
            start = st.button("Start the slideshow", icon=":material/play_arrow:",
                              type="primary", key="start-slideshow")
            st.button("Start a new deck", icon=":material/note_add:", key="new-deck",
                      on_click=new_deck, help="Empty this deck and start again for the area "
                      "in the sidebar. Saved decks are kept.")
        if start:
            ui.change_deck(lambda _: None)  # kept, so the link opens it in another window
            st.query_params.update(mode=SLIDESHOW, deck=deck.id, slide="1")
            st.rerun()
        st.caption("In the slideshow, the ← and → keys move between slides; Esc ends it. "
                   "Press F11 for full screen. The slideshow's address opens the same deck "
                   "and slide in another window.")
    downloads(deck, store)
    saved_decks(deck, store)
