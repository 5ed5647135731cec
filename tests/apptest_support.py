"""Helpers the AppTests share: a page rendered without errors, and text as a person reads it."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from conftest import PROJECT_ROOT


def assert_clean(at: AppTest) -> None:
    """No exception and no st.error on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, texts(at.error)


def texts(elements) -> list[str]:
    """Element text as a person reads it: ui.plain's markdown escapes ("\\:") and invisible
    word joiners (which stop automatic links) removed."""
    return [re.sub(r"\\(.)", r"\1", e.value).replace("\u2060", "") for e in elements]




def open_page(page: str, *, area: str | None = None, query: dict[str, str] | None = None,
              timeout: float = 60) -> AppTest:
    """dashboard.py as a first visit (navigation and sidebar run, as on the real server) of an
    address with `query`, optionally an area chosen in the sidebar's Area box, then `page`;
    each run error-free."""
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert_clean(at)
    if area is not None:
        at.selectbox(key="area").set_value(area).run()
        assert_clean(at)
    at.switch_page(page).run()
    assert_clean(at)
    return at


def open_chart_cards(at: AppTest, part: str = "data") -> AppTest:
    """Open every chart card's "Data behind this chart" (part="data") or its Download menu
    (part="downloads") as a person clicking it does, and rerun: the card draws their contents
    only while they are open. A card's parts are keyed "<chart key>-data" and
    "<chart key>-downloads"; Streamlit's element id ends with that key."""
    blocks = at.expander if part == "data" else at.get("popover")
    keys = [b.proto.id.split("-", 2)[2] for b in blocks
            if b.proto.id and b.proto.id.endswith(f"-{part}")]
    assert keys, f"no chart card with a {part!r} part on the page"
    for key in keys:
        at.session_state[key] = True
    at.run()
    assert_clean(at)
    return at
