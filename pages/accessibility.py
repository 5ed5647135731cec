"""Accessibility statement: how far cjmetrics meets WCAG 2.2 AA, what does not and why, and how
to report a problem (the Public Sector Bodies Accessibility Regulations 2018 ask for one)."""

import streamlit as st

from cjmetrics import ui
from cjmetrics.accessibility import STATEMENT

ui.ensure_entrypoint()

with ui.guard():
    st.title("Accessibility statement")
    st.caption(f"Last checked on {STATEMENT.checked}, against WCAG {STATEMENT.standard}.")
    for heading, body in STATEMENT.sections:
        st.subheader(heading)
        st.markdown(body)
