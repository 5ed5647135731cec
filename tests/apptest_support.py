"""Helpers the AppTests share: a page rendered without errors, and text as a person reads it."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest


def assert_clean(at: AppTest) -> None:
    """No exception and no st.error on the page."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, texts(at.error)


def texts(elements) -> list[str]:
    """Element text as a person reads it: ui.plain's markdown escapes ("\\:") and invisible
    word joiners (which stop automatic links) removed."""
    return [re.sub(r"\\(.)", r"\1", e.value).replace("\u2060", "") for e in elements]
