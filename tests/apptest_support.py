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
