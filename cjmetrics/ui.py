"""Shared Streamlit pieces: the only cjmetrics module that imports streamlit.

Pages stay thin: they read filters with these widgets, ask cjmetrics for a model through
`cached`, and render it with `chart_card`, `notice` and friends.
"""

from __future__ import annotations

import logging
import re
import runpy
from contextlib import contextmanager
from typing import Callable, Iterator

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from . import config, export
from .areas import SCOTLAND, AreaTree
from .bootstrap import initialise
from .errors import CjmetricsError
from .store import Store

log = logging.getLogger("cjmetrics")

AREA_KEY = "area"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


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
    return initialise(path)


def store() -> Store:
    """The process's store, created with the catalogue (and demo data when new) on first use."""
    return _store(str(config.db_path()))


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_call(module: str, name: str, path: str, version: int, args: tuple, kwargs: tuple):
    import importlib

    fn = getattr(importlib.import_module(module), name)
    return fn(_store(path), *args, **dict(kwargs))


def cached(fn: Callable, *args, **kwargs):
    """Call fn(store, *args, **kwargs) once per store data version: after any import or undo the
    version moves on, so every session sees new figures on its next rerun."""
    current = store()
    return _cached_call(fn.__module__, fn.__name__, str(current.path), current.data_version(),
                        tuple(args), tuple(sorted(kwargs.items())))


@st.cache_resource(show_spinner=False, max_entries=64)
def _shared_call(module: str, name: str, path: str, version: int, args: tuple, kwargs: tuple):
    import importlib

    fn = getattr(importlib.import_module(module), name)
    return fn(_store(path), *args, **dict(kwargs))


def cached_shared(fn: Callable, *args, **kwargs):
    """Like `cached`, but every session gets the SAME object, not a copy: for figures, whose
    copy (plotly re-validates every trace) costs as much as building them. Never mutate what
    it returns."""
    current = store()
    return _shared_call(fn.__module__, fn.__name__, str(current.path), current.data_version(),
                        tuple(args), tuple(sorted(kwargs.items())))


def area_tree() -> AreaTree:
    return cached(_areas_tree)


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


def plain(text: object) -> str:
    """Text from users or files, escaped so markdown shows it literally (no links, images,
    emphasis or HTML)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


# -- shareable links ---------------------------------------------------------------------------
def sync_from_url(key: str, options: list[str]) -> None:
    """Let a link (?indicator=ID) choose a widget's value once, without overriding what the user
    picks afterwards. Streamlit's own binding puts display labels in the URL; this keeps ids."""
    wanted = st.query_params.get(key)
    applied = f"_url_applied_{key}"
    if wanted in options and st.session_state.get(applied) != wanted:
        st.session_state[key] = wanted
        st.session_state[applied] = wanted
    elif wanted is None and key not in st.session_state and \
            st.session_state.get(applied) in options:
        # Back on the page through the sidebar (no ?key=): keep what was chosen last time.
        st.session_state[key] = st.session_state[applied]


def sync_to_url(key: str, value: str) -> None:
    if st.query_params.get(key) != value:
        st.query_params[key] = value
    st.session_state[f"_url_applied_{key}"] = value


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
        help="Type to search. Grouped by framework and outcome.")
    sync_to_url("indicator", indicator_id)
    return indicator_id


# -- sidebar ---------------------------------------------------------------------------------
def sidebar() -> None:
    """The area picker every page shares, and the demo-data notice. If the store cannot be
    opened the sidebar stays empty: the page itself says what is wrong, once."""
    try:
        tree = area_tree()
    except Exception:  # noqa: BLE001 - reported by the page's own guard
        log.exception("sidebar: store unavailable")
        return
    options = tree.selectable()
    if not options:
        return
    if st.session_state.get(AREA_KEY) not in options:
        default = next((c for c in options if c != SCOTLAND), options[0])
        st.session_state[AREA_KEY] = default
    with st.sidebar:
        st.selectbox("Area", options, key=AREA_KEY, format_func=tree.label,
                     help="The partnership or council area the pages show. Councils of a "
                          "partnership are listed under it.")
        if cached(_demo_loaded):
            st.caption(":material/info: The store holds **illustrative demo data**: invented "
                       "figures to explore the dashboard, not official statistics. Undo the "
                       "demo imports on the Imports & history page once your own data is in.")


def _demo_loaded(current: Store) -> bool:
    return bool(current.demo_import_ids())


def current_user() -> str:
    """Who to record against a change: the signed-in user's e-mail, or "local"."""
    try:
        if st.user.is_logged_in:
            return str(st.user.get("email") or st.user.get("name") or "signed-in user")
    except Exception:  # noqa: BLE001 - no identity provider configured
        pass
    return "local"


def chosen_area() -> str:
    return st.session_state.get(AREA_KEY) or SCOTLAND


def illustrative_notice(source: str | None) -> None:
    if source and "illustrative" in source.lower():
        st.caption(":material/science: Illustrative demo figures, not official statistics.")


# -- status badges -------------------------------------------------------------------------
RAG_BADGE = {"green": ("green", ":material/check_circle:"), "amber": ("orange", ":material/error:"),
             "red": ("red", ":material/cancel:"), "none": ("gray", ":material/remove:")}


def rag_badge(rag: str, label: str) -> str:
    """Markdown for a status badge (colour, icon and word, so colour is never the only cue)."""
    colour, icon = RAG_BADGE.get(rag, RAG_BADGE["none"])
    return f":{colour}-badge[{icon} {plain(label)}]"


# -- charts ----------------------------------------------------------------------------------
def chart_card(fig: go.Figure, table: pd.DataFrame, *, key: str, summary: str,
               file_stem: str) -> None:
    """A chart with its one-sentence text alternative, the data behind it and downloads."""
    st.plotly_chart(fig, theme=None, key=f"{key}-chart", config=PLOTLY_CONFIG,
                    width="stretch")
    if summary:
        st.caption(plain(summary))
    with st.expander("Data behind this chart", icon=":material/table:"):
        st.dataframe(table, hide_index=True, width="stretch")
        # No rerun on click: a rerun re-registers the deferred CSV and races the browser's
        # request for it, which then fails silently (about one click in twenty).
        st.download_button("Download CSV", data=lambda: export.csv_bytes(table),
                           file_name=f"{export.safe_stem(file_stem)}.csv", mime="text/csv",
                           key=f"{key}-csv", icon=":material/download:", on_click="ignore")


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
            st.table(problems.set_index(""))
            return
        st.session_state[f"{key}-saved"] = outcome.message
        st.session_state.pop(f"{key}-editor", None)
        st.rerun()
    if feedback:
        st.success(plain(feedback), icon=":material/check_circle:")
