"""Shared Streamlit pieces: the only cjmetrics module that imports streamlit.

Pages stay thin: they read filters with these widgets, ask cjmetrics for a model through
`cached`, and render it with `chart_card`, `notice` and friends.
"""

from __future__ import annotations

import functools
import html
import json
import logging
import re
import runpy
import threading
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from . import access, config, export, memo
from .areas import SCOTLAND, AreaTree
from .bootstrap import initialise
from .errors import CjmetricsError, StoreReadOnly
from .store import Store, pin_versions, release_versions

log = logging.getLogger("cjmetrics")

AREA_KEY = "area"
# No Plotly toolbar: its dozen icon buttons per chart sat in the tab order (39 Tab presses from
# the top of Trends to "Add to deck") and inside a chart that is an image to a screen reader;
# every chart offers its downloads as buttons instead.
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}


# -- entry point -------------------------------------------------------------------------------
def ensure_entrypoint() -> None:
    """Run the entry point when a fresh server's first visit lands straight on a page URL.

    Streamlit treats a top-level pages/ folder as a legacy multipage app until dashboard.py has
    called st.navigation once in the process, so a first request for /trends would run the page
    alone, without the navigation and area picker. Running dashboard.py registers the real
    navigation, which then routes back to the page asked for."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        runpy.run_path(str(config.PROJECT_ROOT / "dashboard.py"), run_name="__main__")
        st.stop()


# -- the store and caching -------------------------------------------------------------------
@st.cache_resource(show_spinner="Opening the data store…")
def _store(path: str) -> Store:
    from .operations import serve_requests

    opened = initialise(path)
    serve_requests(opened)  # `python -m cjmetrics backup` asks the running dashboard for a copy
    opened.start_read_copy()  # on PostgreSQL: pages read an in-memory copy, once it is built
    return opened


def store() -> Store:
    """The process's store, created with the catalogue (and demo data when new) on first use.
    Every call also makes this session's user the acting user, whom the store checks and
    records on every write, so no page can write as someone else or forget the check."""
    access.set_current(actor())
    return _store(str(config.db_path()))


def cached(fn: Callable, *args, **kwargs):
    """Call fn(store, *args, **kwargs) once per store data version (cjmetrics.memo, the one
    cache): after any import or undo the version moves on, so every session sees new figures on
    its next rerun. The caller gets its own copy, which it may change."""
    return memo.private(store(), fn, *args, **kwargs)


def cached_shared(fn: Callable, *args, **kwargs):
    """Like `cached`, but every session gets the SAME object, not a copy: for figures, whose
    copy (plotly re-validates every trace) costs as much as building them. Never mutate what
    it returns."""
    return memo.remembered(store(), fn, *args, **kwargs)


def forget_shared() -> None:
    """Drop every result the one cache holds (the page benchmark times first visits)."""
    memo.clear()


def area_tree() -> AreaTree:
    """The areas, shared by every session (read only): every run of every page asks for it,
    and a copy of it took 10 ms a run."""
    return cached_shared(_areas_tree)


def _areas_tree(current: Store) -> AreaTree:
    return AreaTree(current.areas())


# -- errors and text -------------------------------------------------------------------------
def show_error(exc: BaseException) -> None:
    if isinstance(exc, CjmetricsError):
        st.error(f"**{exc.title}.** {plain(exc.user_message)}", icon=":material/error:")
    else:
        log.exception("unexpected error", exc_info=exc)
        st.error("**Something unexpected went wrong.** Nothing was changed in the store. "
                 "Try again; if it keeps happening, tell your administrator what you were doing "
                 "(the details are in the server log).", icon=":material/error:")


@contextmanager
def guard() -> Iterator[None]:
    """Run a page body so that no traceback ever reaches a user."""
    # st.stop() and reruns raise BaseException subclasses, so they pass through untouched.
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - the user gets a sentence, the log the details
        show_error(exc)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


# Streamlit turns bare URLs, www. names and e-mail addresses into live links even when escaped;
# an invisible word joiner (U+2060) after "scheme:" (before "//") and "www" and before "@" stops
# it. Only there: a joiner after every colon would ride along into copied text and searches.
_AUTOLINK = re.compile(r"(\\:(?=//)|(?i:www)(?=\\\.))")


def plain(text: object) -> str:
    """Text from users or files, escaped so markdown shows it literally (no links, images,
    emphasis or HTML, and no automatic links from URLs or e-mail addresses)."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", "" if text is None else str(text))
    return _AUTOLINK.sub("\\1\u2060", escaped).replace("@", "\u2060@")


_LABEL_SPECIAL = re.compile(r"([\\\[\]<>])")
_LABEL_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)")


def label(text: object) -> str:
    """Untrusted text for a widget or metric label (which Streamlit reads as markdown): only
    what could make a link, an image or HTML is escaped, so ordinary names read unchanged."""
    escaped = _LABEL_SPECIAL.sub(r"\\\1", "" if text is None else str(text))
    return _LABEL_AUTOLINK.sub("\u2060", escaped)


def static_table(frame: pd.DataFrame) -> None:
    """st.table, whose cells Streamlit renders as markdown (live links and images), with
    every text cell, index entry and header shown literally."""
    def text(value):  # label(): ordinary sentences read unchanged, links and images do not form
        return label(value) if isinstance(value, str) else value
    safe = frame.map(text).rename(columns=text)
    safe.index = safe.index.map(text)
    st.table(safe)


# -- shareable links ---------------------------------------------------------------------------
def sync_from_url(key: str, options: list[str]) -> None:
    """Give widget `key` its value before it is drawn: the one a link (?key=ID) asks for,
    once, without overriding what the user picks afterwards; else the one chosen last, on this
    page or another (Trends and Compare share the indicator). Streamlit keeps a widget's value
    per page, and its own URL binding puts display labels in the address; this keeps ids.
    The widget passes `remember(key)` as its on_change."""
    wanted = st.query_params.get(key)
    seen, chosen = f"_url_seen_{key}", f"_chosen_{key}"
    # A value still in the address after the user picked another is not asked for again.
    if wanted in options and st.session_state.get(seen) != wanted:
        st.session_state[chosen] = wanted
        st.session_state[seen] = wanted
    if st.session_state.get(chosen) in options:
        st.session_state[key] = st.session_state[chosen]


def remember(key: str):
    """The on_change of a widget kept by sync_from_url: its pick is the one to keep."""
    def keep() -> None:
        st.session_state[f"_chosen_{key}"] = st.session_state[key]
    return keep


def sync_to_url(key: str, value: str) -> None:
    if st.query_params.get(key) != value:
        st.query_params[key] = value
    st.session_state[f"_url_seen_{key}"] = value
    st.session_state[f"_chosen_{key}"] = value


def indicator_picker(container) -> str | None:
    """The searchable indicator selectbox that Trends and Compare share, kept in the URL
    (?indicator=ID). None, with a sentence, when the catalogue holds no indicators."""
    from .trends import indicator_choices

    choices = cached(indicator_choices)
    if not choices:
        st.info("The catalogue holds no indicators yet: run `python -m cjmetrics init`.")
        return None
    ids = list(choices)
    sync_from_url("indicator", ids)
    indicator_id = container.selectbox(
        "Indicator", ids, key="indicator", format_func=choices.get,
        on_change=remember("indicator"),
        help="Type to search. Grouped by framework and outcome.")
    sync_to_url("indicator", indicator_id)
    return indicator_id


def period_kind_picker(container, indicator_id: str, areas: list[str],
                       key: str) -> str | None:
    """The kind of period a chart draws (financial years, quarters, months), chosen only when
    the areas hold more than one: lines of one kind, never a month beside a year."""
    from .periods import kind_name
    from .trends import periods_held

    held = cached(periods_held, indicator_id, list(areas))
    kinds, default = held.kinds, held.default
    if len(kinds) < 2:
        return default
    # Keyed on the kinds on offer, so another indicator or area starts from its own default.
    chosen = container.segmented_control(
        "Figures by", kinds, default=default, format_func=lambda k: kind_name(k).capitalize(),
        key=f"{key}-{indicator_id}-{'-'.join(kinds)}",
        help="The areas hold figures for more than one kind of period. One kind is drawn at a "
             "time, so a month is never read against a year.")
    return chosen or default


def held_words(kinds: list[str], kind: str | None) -> str:
    """How "no figures held for X ..." ends: "on this indicator", or, when the areas hold
    more than one kind of period, which kind X holds none of and where to choose another."""
    from .periods import kind_name

    if len(kinds) < 2 or kind is None:
        return "on this indicator"
    return f"for {kind_name(kind)}: choose another kind under \"Figures by\""


# -- sidebar ---------------------------------------------------------------------------------
def sidebar() -> None:
    """The area picker every page shares, and the demo-data notice. If the store cannot be
    opened the sidebar stays empty: the page itself says what is wrong, once."""
    access_gate()
    try:
        tree = area_tree()
    except Exception:  # noqa: BLE001 - reported by the page's own guard
        log.exception("sidebar: store unavailable")
        return
    options = tree.selectable()
    if not options:
        return
    # Kept in the address (?area=CODE), so a reload, a bookmark or a shared link shows the
    # same area.
    sync_from_url(AREA_KEY, options)
    if st.session_state.get(AREA_KEY) not in options:
        st.session_state[AREA_KEY] = _default_area(options)
    with st.sidebar:
        area = st.selectbox("Area", options, key=AREA_KEY, format_func=tree.label,
                            on_change=remember(AREA_KEY),
                            help="The partnership or council area the pages show. Councils "
                                 "of a partnership are listed under it.")
        sync_to_url(AREA_KEY, area)
        if cached(_demo_loaded):
            st.caption(":material/info: The store holds **illustrative demo data**: invented "
                       "figures to explore the dashboard, not official statistics. Undo the "
                       "demo imports on the Imports & history page once your own data is in.")


def _default_area(options: list[str]) -> str:
    """A new session's area: the first partnership or council, else Scotland."""
    return next((c for c in options if c != SCOTLAND), options[0])


def prepare_first_visit() -> None:
    """Open the store and fill the caches a first visit to the default page reads (the area
    tree, the demo notice, the default area's Overview and what changed since the last
    meeting), through the same cached calls the pages make. scripts/serve.py runs this while
    a browser loads Streamlit's front end."""
    from .overview import build_overview, changes_since, meeting_default, newest_period_end

    current = _store(str(config.db_path()))

    def fill(fn: Callable, *args) -> object:
        return memo.remembered(current, fn, *args)

    fill(_demo_loaded)
    options = fill(_areas_tree).selectable()
    if options:
        area = _default_area(options)
        fill(build_overview, area)
        # "What changed since the last meeting", below the tiles, ends the same first run.
        since, _ = meeting_default(current, area, fill(newest_period_end, area))
        fill(changes_since, area, since)


# A run of the dashboard has ended: scripts/serve.py warms the other pages after the first one,
# so that work does not compete with the first visit for the two cores.
_a_run_ended = threading.Event()


def run_ended() -> None:
    release_versions()
    _a_run_ended.set()


def wait_for_a_run(timeout: float) -> bool:
    """Block until a run of the dashboard has ended (True), or `timeout` seconds (False)."""
    return _a_run_ended.wait(timeout)


def keep_sidebar_state() -> None:
    """While the sidebar is not drawn (the slideshow), keep the chosen area: Streamlit forgets
    the state of a widget that a run does not draw."""
    if AREA_KEY in st.session_state:
        st.session_state[AREA_KEY] = st.session_state[AREA_KEY]


def _demo_loaded(current: Store) -> bool:
    return bool(current.demo_import_ids())


def current_user() -> str:
    """Who to record against a change: the signed-in user's e-mail, or "local"."""
    return actor().name


# -- access, audit and safe operation ------------------------------------------------------------
def _unattributed() -> access.Actor | None:
    """On a script thread whose user was never set, fail closed (see access.current)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    return access.NOBODY if get_script_run_ctx(suppress_warning=True) is not None else None


access.set_fallback(_unattributed)


# What the secrets say, read once per run. With no secrets file Streamlit looks for one again on
# every access (two files tried, an error raised), and a run asks 20 to 30 times (each download
# button checks who is acting): 5 to 20 ms a run. dashboard.py starts each run with new_run().
_this_run = threading.local()


def new_run() -> None:
    """Forget what the previous run of this script thread read (dashboard.py, every run); the
    store's data version is read once in this run, on its first cached read."""
    _this_run.secrets = {}
    pin_versions()


def _secret(name: str):
    seen = getattr(_this_run, "secrets", None)  # None outside a dashboard run: read each time
    if seen is not None and name in seen:
        return seen[name]
    try:
        value = st.secrets.get(name)
    except Exception:  # noqa: BLE001 - no secrets.toml at all: nothing configured
        value = None
    if seen is not None:
        seen[name] = value
    return value


def auth_configured() -> bool:
    """An identity provider is configured ([auth] in secrets): people sign in with st.login."""
    return bool(_secret("auth"))


def _provider() -> tuple:
    """st.login's argument: none for one provider set in [auth] itself, else the first named
    provider ([auth.microsoft] -> "microsoft")."""
    auth = _secret("auth") or {}
    if "client_id" in auth:
        return ()
    named = [name for name, value in auth.items() if hasattr(value, "get")]
    return (named[0],) if named else ()


def role_rules() -> access.RoleRules:
    """Who has which role: the [cjmetrics] table of secrets, then the file CJMETRICS_ROLES_FILE
    names (its entries are added)."""
    section = _secret("cjmetrics") or {}
    return access.rules_from(_plain_dict(section), access.settings_from_file())


def roles_config() -> dict:
    """E-mail addresses and domains per role (see role_rules)."""
    return dict(role_rules().addresses)


def _plain_dict(section) -> dict:
    return section.to_dict() if hasattr(section, "to_dict") else dict(section)


@st.cache_data(ttl=60, show_spinner=False)
def _provider_problem(url: str) -> str | None:
    from . import sign_in

    return sign_in.provider_problem(url)


def sign_in_problem() -> str | None:
    """Why nobody can sign in (a sentence), or None; checked again after a minute so a provider
    that comes back is noticed. The server's console says it at start-up (scripts/serve.py)."""
    auth = _secret("auth")
    if not auth:
        return None
    try:
        rules = role_rules()
    except CjmetricsError as exc:
        return exc.user_message
    from . import sign_in

    return sign_in.problem(_plain_dict(auth), rules, reach=_provider_problem)


def _user() -> dict:
    return _plain_dict(st.user)


def actor() -> access.Actor:
    """This session's user: the local user when no identity provider is configured, else the
    signed-in person with the role the rules give them (NOBODY if not signed in or if the
    provider's sign-in has ended)."""
    if not auth_configured():
        return access.LOCAL
    user = _user()
    if not user.get("is_logged_in") or access.sign_in_expired(user):
        return access.NOBODY
    email = user.get("email")
    name = str(email or user.get("name") or "signed-in user")
    return access.Actor(name, role_rules().role(user))


def can(role: str) -> bool:
    """Whether this session may do what `role` allows. Writing roles (editor, admin changes)
    are off on a read-only server; use can_read_audit for the admin's audit view."""
    return not access.read_only() and actor().can(role)


def can_read_audit() -> bool:
    return actor().can("admin")


def allowed(role: str, doing: str) -> bool:
    """True if this session may `doing` ("upload figures"); otherwise says why, once."""
    if can(role):
        return True
    if access.read_only():
        st.info(f"This dashboard is read-only, so nobody can {doing} here. Use the "
                "partnership's editing copy of cjmetrics to make changes.",
                icon=":material/lock:")
    else:
        me = actor()
        st.info(f"You are signed in as {plain(me.name)} with the {me.role} role; to {doing} you "
                f"need the {role} role. Ask an administrator of this dashboard.",
                icon=":material/lock:")
    return False


# Pages shown only to those who may use them: url path -> (role, needs writing).
PAGE_ROLES = {"upload": ("editor", True), "audit": ("admin", False)}


def pages_for_role(pages: dict[str, list]) -> dict[str, list]:
    """The navigation without the pages this session may not use (the pages check too)."""
    me = actor()
    if me.role is None:  # not signed in: only the default page, which access_gate replaces
        return {"": [p for entries in pages.values() for p in entries if p._default][:1]}

    def visible(page) -> bool:
        role, writes = PAGE_ROLES.get(page.url_path, ("viewer", False))
        return can(role) if writes else me.can(role)
    shown = {group: [p for p in entries if visible(p)] for group, entries in pages.items()}
    return {group: entries for group, entries in shown.items() if entries}


def access_gate() -> None:
    """Before any page: sign-in when a provider is configured, the sign-in audit record, and
    who-am-I in the sidebar. Stops the run for someone not signed in, whose sign-in has ended
    or who has no role."""
    me = actor()
    access.set_current(me)
    if auth_configured() and me.role is None:
        st.title("cjmetrics")
        user = _user()
        who = str(user.get("email") or user.get("name") or "signed-in user")
        name = plain(who)
        if not user.get("is_logged_in"):
            _sign_in_prompt()
        elif access.sign_in_expired(user):
            _record_once(access.Actor(who, None), "sign-out", "sign-in ended", "_ended")
            ends = access.sign_in_ends(user)
            when = f" at {ends:%H:%M} UTC on {ends:%-d %b %Y}" if ends else ""
            st.warning(f"Your sign-in as {name} ended{when}, so you have been signed out of "
                       "this dashboard. Sign in again to carry on.", icon=":material/timer_off:")
            _sign_in_button("Sign in again")
        else:
            _record_once(me, "sign-in", "no role: refused")
            st.warning(f"You are signed in as {name}, but this dashboard has not given you a "
                       "role yet. Ask an administrator to add your e-mail address or domain to "
                       "its roles.", icon=":material/lock:")
            st.button("Sign out", on_click=_sign_out, icon=":material/logout:")
        st.stop()
    if not me.local:
        _record_once(me, "sign-in", f"role {me.role}")
    with st.sidebar:
        if me.local and access.read_only():
            st.caption(":material/person: **Local user**: no sign-in is configured; everyone "
                       "may view and download.")
        elif me.local:
            st.caption(":material/person: **Local user**: no sign-in is configured, so you have "
                       "every role (view, edit, administer).")
        else:
            st.caption(f":material/person: Signed in as **{plain(me.name)}** ({me.role}).")
            st.button("Sign out", on_click=_sign_out, icon=":material/logout:", key="_sign_out")
        if access.read_only():
            st.caption(":material/lock: **Read-only**: this dashboard shows the figures but "
                       "nothing can be uploaded, edited or undone here.")


def _sign_in_prompt() -> None:
    """The Sign in button, or the sentence saying why nobody can sign in."""
    problem = sign_in_problem()
    if problem:
        st.error(problem, icon=":material/error:")
        return
    st.markdown("Sign in with your organisation's account to see the partnership's "
                "community justice figures.")
    _sign_in_button("Sign in")


def _sign_in_button(label: str) -> None:
    st.button(label, type="primary", on_click=st.login, args=_provider(),
              icon=":material/login:")


def _sign_out() -> None:
    """Record the sign-out, then end the session with Streamlit (and the provider's, where it
    offers an end-session address)."""
    me = actor()
    if not me.local and me.role is not None:
        _record(me, "sign-out", f"role {me.role}")
    st.session_state.pop("_signed_in_as", None)
    st.logout()


def _record_once(me: access.Actor, action: str, detail: str, key: str = "_signed_in_as") -> None:
    """One audit row per person per browser session."""
    if st.session_state.get(key) == me.name:
        return
    st.session_state[key] = me.name
    _record(me, action, detail)


def _record(me: access.Actor, action: str, detail: str) -> None:
    try:
        _store(str(config.db_path())).record(action, detail, actor=me)
    except Exception:  # noqa: BLE001 - a page reports an unusable store itself
        log.exception("could not record a %s", action)


def recorded_download(label: str, data: Callable[[], bytes], *, file_name: str, mime: str,
                      key: str, what: str, icon: str = ":material/download:",
                      action: str = "export", help: str | None = None) -> None:
    """A download button whose file is made on click and recorded in the audit log as an
    export by this session's user."""
    me, current = actor(), store()

    def produce() -> bytes:
        payload = data()
        try:
            current.record(action, f"{what}: {file_name}", actor=me)
        except Exception:  # noqa: BLE001 - the file still downloads; the log says why
            log.exception("could not record an export")
        return payload

    # No rerun on click: a rerun re-registers the deferred file and races the browser's request.
    st.download_button(label, data=produce, file_name=file_name, mime=mime, key=key, icon=icon,
                       on_click="ignore", help=help)


def chosen_area() -> str:
    return st.session_state.get(AREA_KEY) or SCOTLAND


def illustrative_notice(source: str | None) -> None:
    if config.is_illustrative(source):
        st.caption(":material/science: Illustrative demo figures, not official statistics.")


# -- status badges -------------------------------------------------------------------------
RAG_BADGE = {"green": ("green", ":material/check_circle:"), "amber": ("orange", ":material/error:"),
             "red": ("red", ":material/cancel:"), "none": ("gray", ":material/remove:")}


def rag_badge(rag: str, label: str) -> str:
    """Markdown for a status badge (colour, icon and word, so colour is never the only cue)."""
    colour, icon = RAG_BADGE.get(rag, RAG_BADGE["none"])
    return f":{colour}-badge[{icon} {plain(label)}]"


# -- folds -----------------------------------------------------------------------------------
# What is inside a closed expander, menu or tab is still sent to the browser and laid out on
# every run: thirty example tables, six editors or a national plan of thousands of rows took
# the browser most of a second on each visit though nobody had opened them. A fold therefore
# reruns the page when it opens or closes and draws its content only while open; an unsaved
# edit inside it is lost when it closes (docs/pages.md says so).
@contextmanager
def fold(label: str, *, key: str, icon: str | None = None, help: str | None = None,
         menu: bool = False) -> Iterator[bool]:
    """An expander (a popover with MENU, which alone takes HELP) keyed KEY: inside the block
    the fold is the container, and the block's value says whether it is open, so the content
    is drawn only then (`with ui.fold(...) as shown: if shown: ...`)."""
    if menu:
        box = st.popover(label, icon=icon, help=help, key=key, on_change="rerun")
    else:
        box = st.expander(label, icon=icon, key=key, on_change="rerun")
    if not box.open:
        yield False
        return
    with box:
        yield True


@contextmanager
def tab_fold(labels: list[str], *, key: str, bind: str | None = None) -> Iterator[str]:
    """Tabs keyed KEY of which only the open one is drawn (choosing another reruns the page):
    inside the block the open tab is the container and the block's value is its label. BIND
    "query-params" keeps the open tab in the page's address."""
    tabs = dict(zip(labels, st.tabs(labels, key=key, bind=bind, on_change="rerun")))
    shown = next((label for label, tab in tabs.items() if tab.open), labels[0])
    with tabs[shown]:
        yield shown


# -- charts ----------------------------------------------------------------------------------
DECK_KEY = "deck"  # the working deck of this browser session (cjmetrics.deck.Deck)


def chart_card(chart: str, params: dict, *, key: str, label: str | None = None):
    """The registry's chart CHART with PARAMS (cjmetrics.chart_registry), as every page draws
    its charts: the figure with its one-sentence text alternative, "Add to deck" (which stores
    the same name and parameters, so the slideshow and every export rebuild this very chart),
    one Download menu (PNG, SVG, CSV, XLSX) and the data behind it. `label` names the slide in
    the deck list. Returns the ChartView (read only: shared by every session).

    The menu's buttons and the data table are folds, drawn only while a person has them open
    (Engagement reach drew 22 download buttons and 8 tables on each click that nobody had
    opened); opening either reruns the page, which reads the figures from the cache."""
    view = cached_shared(_chart_of_the_day, chart, params, date.today())
    accessible_chart(view.figure, view.summary, key=key)
    with st.container(horizontal=True, gap="small"):
        # "Add to deck" first: the task a keyboard user comes for is the next Tab stop.
        st.button("Add to deck", key=f"{key}-deck", icon=":material/add_to_queue:",
                  on_click=_add_spec, args=(chart, params, label or view.title),
                  help="Collect this chart for a meeting: order, annotate, present and "
                       "download the deck on the Present page.")
        with fold("Download", icon=":material/download:", key=f"{key}-downloads", menu=True,
                  help="The chart as an image (PNG, SVG) or its data (CSV, XLSX)") as shown:
            if shown:
                _chart_downloads(view, key)
    with fold("Data behind this chart", icon=":material/table:", key=f"{key}-data") as shown:
        if shown:
            st.dataframe(view.table, hide_index=True, width="stretch")
    return view


def _chart_downloads(view, key: str) -> None:
    """The chart's files, each made only when its button is pressed (a callable), never on a
    rerun; no rerun on click either: a rerun re-registers the deferred file and races the
    browser's request for it, which then fails silently (about one click in twenty)."""
    from . import render

    fig, table, stem = view.figure, view.table, export.safe_stem(view.file_stem)
    if render.available():
        for fmt, kind in (("png", "PNG"), ("svg", "SVG")):
            recorded_download(kind, _image_maker(fig, fmt), file_name=f"{stem}.{fmt}",
                              mime=_MIME[fmt], key=f"{key}-{fmt}", what="chart image",
                              icon=":material/image:", help=f"The chart as a {kind} image")
    else:
        st.caption(":material/info: PNG and SVG images need Chromium, which is not installed "
                   "on this server; the data downloads (CSV, XLSX) still work.")
    recorded_download("Download CSV", lambda: export.csv_bytes(table), file_name=f"{stem}.csv",
                      mime="text/csv", key=f"{key}-csv", what="chart data")
    recorded_download("Download XLSX", lambda: export.xlsx_bytes(table),
                      file_name=f"{stem}.xlsx", mime=_MIME["xlsx"], key=f"{key}-xlsx",
                      what="chart data")


def _chart_of_the_day(current: Store, chart: str, params: dict, day: date):
    """The chart, cached per data version and per DAY too: the plan's status chart runs to
    the current quarter."""
    from .chart_registry import build

    return build(current, chart, params)


_MIME = {"png": "image/png", "svg": "image/svg+xml",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _image_maker(fig: go.Figure, fmt: str) -> Callable[[], bytes]:
    from . import render

    def make() -> bytes:
        height = int(fig.layout.height or 520)
        return render.image(fig, fmt, width=1100, height=height, scale=2 if fmt == "png" else 1)
    return make


def deck_button(chart: str, params: dict, *, label: str, key: str) -> None:
    """"Add to deck" for a chart the page does not draw itself (an Overview tile's trend)."""
    st.button("Add to deck", key=key, icon=":material/add_to_queue:", on_click=_add_spec,
              args=(chart, params, label), help="Add this indicator's trend to the deck")


def _add_spec(chart: str, params: dict, label: str) -> None:
    from .deck import spec_item

    deck = change_deck(lambda deck: deck.add(spec_item(chart, params, label=label)))
    st.toast(f"Added to the deck as slide {len(deck.items)}: {plain(label)}. See Present.",
             icon=":material/add_to_queue:")


# -- the working deck: kept in the store, so a reload, another window or a restart finds it --
DECK_ID_KEY = "deck-id"  # which kept deck this session is building
DECK_KEPT_KEY = "deck-kept"  # False when the store could not keep it (a read-only server)


def working_deck():
    """This user's deck being built (cjmetrics.deck.Deck), read fresh from the store on each
    call so two windows show the same deck: the session's deck, else the one this user changed
    last, else a new deck for the area in the sidebar."""
    from . import deck as decks

    current = store()
    deck = None
    if DECK_ID_KEY in st.session_state:
        deck = decks.working(current, st.session_state[DECK_ID_KEY])
    if deck is None and DECK_ID_KEY not in st.session_state:
        deck = decks.latest_working(current, current_user())
    if deck is None:
        deck = st.session_state.get(DECK_KEY)  # kept only here (read-only server)
    if deck is None:

        area = chosen_area()
        deck = decks.Deck(partnership=area_tree().name(area), area=area,
                          date=date.today().strftime("%-d %B %Y"))
    st.session_state[DECK_ID_KEY] = deck.id
    st.session_state[DECK_KEY] = deck
    return deck


def shown_deck(deck_id: str):
    """The deck a slideshow link names (anyone's: presenting only reads it), or None."""
    from . import deck as decks

    if deck_id == st.session_state.get(DECK_ID_KEY):
        return working_deck()
    deck = decks.working(store(), deck_id)
    if deck is not None and deck.area and AREA_KEY not in st.session_state:
        st.session_state[AREA_KEY] = deck.area  # back from the slideshow, the deck's area
    return deck


def change_deck(change: Callable, replace=None):
    """Apply `change(deck)` to the working deck (or put `replace` in its place, under the same
    id) and keep the result in the store at once. Returns the deck."""
    from . import deck as decks

    deck = working_deck()
    if replace is not None:
        replace.id = deck.id
        deck = replace
    change(deck)
    st.session_state[DECK_KEY] = deck
    try:
        decks.keep(store(), deck)
        st.session_state[DECK_KEPT_KEY] = True
    except StoreReadOnly:
        st.session_state[DECK_KEPT_KEY] = False
    return deck


# -- accessibility ---------------------------------------------------------------------------
_ASSETS = Path(__file__).with_name("assets")
# The browser tab's icon, served by this app: a material-icon favicon is fetched from a font CDN,
# which fails offline and tells a third party about every page visited.
FAVICON = str(_ASSETS / "favicon.png")
_TAG = re.compile(r"<[^>]*>")
_LINE_BREAK = re.compile(r"\s*<br\s*/?>\s*", re.IGNORECASE)


# The element code chart_code.js loads ahead of need, by the file names of Streamlit's build.
_CHART_CODE = ("PlotlyChart", "DataFrame")


def _chart_code_chunks() -> list[str]:
    """The file names of Streamlit's Plotly chart and data frame code, e.g.
    "PlotlyChart.D9Z0_fxz.js" (hashed by its build); none when this Streamlit has no such
    files, and then nothing is loaded ahead."""
    folder = Path(st.__file__).parent / "static" / "static" / "js"
    found = []
    for element in _CHART_CODE:
        names = sorted(p.name for p in folder.glob(f"{element}.*.js"))
        if len(names) == 1:
            found.append(names[0])
    return found


@functools.cache
def _accessibility_markup() -> str:
    css = (_ASSETS / "accessibility.css").read_text(encoding="utf-8")
    script = (_ASSETS / "accessibility.js").read_text(encoding="utf-8")
    chart_code = (_ASSETS / "chart_code.js").read_text(encoding="utf-8")
    chunks = json.dumps(_chart_code_chunks())
    return (f"<style>{css}</style><script>{script}</script>"
            f"<script>window.cjmChartCode = {chunks};\n{chart_code}</script>")


def accessibility_support() -> None:
    """The app's own styles (focus ring, reflow at 320 px), the script that gives each chart
    its role and description and takes Plotly's toolbar out of the tab order, and the one that
    loads the chart and table code while the first page is read (chart_code.js). dashboard.py
    draws it on every page, the slideshow included; it takes no room on the page."""
    with st.container(key="cjm-accessibility"):
        st.html(_accessibility_markup(), unsafe_allow_javascript=True)


def page_config(page) -> None:
    """The wide layout, the app's icon and a distinct browser title for each page ("Trends ·
    cjmetrics"), read out first by a screen reader and shown in the tab and the history: in
    one call a run, since the browser acts on each call's message."""
    st.set_page_config(page_title=f"{page.title} · cjmetrics", page_icon=FAVICON, layout="wide")


def chart_name(fig: go.Figure) -> str:
    """A chart's accessible name: its title and subtitle as plain text."""
    title = fig.layout.title
    parts = [title.text or "", (title.subtitle.text if title.subtitle else None) or ""]
    text = " · ".join(p for p in (_LINE_BREAK.sub(" · ", part) for part in parts) if p)
    return html.unescape(_TAG.sub("", text)).strip(" ·")


def accessible_chart(fig: go.Figure, summary: str | None, *, key: str,
                     name: str | None = None) -> None:
    """A Plotly chart as an image to assistive technology: role="img", named by its title
    (or `name`), described by the one-sentence summary drawn under it (the script of
    accessibility_support() ties the two together on the page)."""
    with st.container(key=f"{key}-figure"):
        st.plotly_chart(fig, theme=None, key=f"{key}-chart", config=PLOTLY_CONFIG,
                        width="stretch", alt=name or chart_name(fig) or None)
        if summary:
            st.caption(plain(summary))


# -- editing in the app ----------------------------------------------------------------------
def edit_table(kind: str, area_codes: list[str] | None, *, key: str,
               column_config: dict | None = None, help: str | None = None) -> None:
    """An editable table of a kind's current rows. Saving runs the upload pipeline on it, so
    the edit is validated like a file and recorded as an undoable import."""
    from .editing import editable, save
    from .ingest import TEMPLATES

    template = TEMPLATES[kind]
    if help:
        st.caption(help)
    frame = cached(editable, kind, tuple(area_codes) if area_codes else None)
    role = access.role_for_kind(kind)
    if not can(role):  # viewers, and everyone on a read-only server, see the table only
        st.dataframe(frame, hide_index=True, width="stretch", key=f"{key}-readonly",
                     column_config=column_config)
        st.caption(":material/lock: Read-only here: " + (
            "this dashboard does not allow changes." if access.read_only() else
            f"changing {template.title.lower()} needs the {role} role."))
        return
    edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, width="stretch",
                            key=f"{key}-editor", column_config=column_config)
    feedback = st.session_state.pop(f"{key}-saved", None)
    if st.button(f"Save {template.title.lower()}", key=f"{key}-save", icon=":material/save:"):
        try:
            outcome = save(store(), kind, edited, who=current_user())
        except Exception as exc:  # noqa: BLE001 - shown as a sentence
            show_error(exc)
            return
        if outcome.result is None:
            st.error(plain(outcome.message), icon=":material/error:")
            problems = outcome.prepared.problems.copy()
            # Pipeline rows count the header as row 1; the editor's first row is row 1.
            problems["row"] = problems["row"].map(lambda r: "" if r != r else f"{int(r) - 1}")
            problems = problems.rename(columns={
                "severity": "", "row": "Row", "column": "Column", "value": "Value",
                "problem": "What is wrong", "fix": "What to do"}).fillna("")
            static_table(problems.set_index(""))
            return
        st.session_state[f"{key}-saved"] = outcome.message
        st.session_state.pop(f"{key}-editor", None)
        st.rerun()
    if feedback:
        st.success(plain(feedback), icon=":material/check_circle:")
