"""cjmetrics: the entry point `streamlit run dashboard.py` serves."""

import streamlit as st

from cjmetrics import ui

st.set_page_config(page_title="cjmetrics · community justice metrics", page_icon=":material/insights:",
                   layout="wide")

PAGES = {
    "Progress": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/trends.py", title="Trends", icon=":material/show_chart:"),
        st.Page("pages/framework.py", title="Performance Framework", icon=":material/flag:"),
        st.Page("pages/comparison.py", title="Compare areas", icon=":material/leaderboard:"),
        st.Page("pages/care_inspectorate.py", title="Care Inspectorate", icon=":material/grading:"),
    ],
    "Data": [
        st.Page("pages/upload.py", title="Upload", icon=":material/upload_file:"),
        st.Page("pages/imports.py", title="Imports & history", icon=":material/history:"),
        st.Page("pages/audit.py", title="Audit", icon=":material/policy:"),
    ],
    "Reference": [
        st.Page("pages/frameworks.py", title="Frameworks", icon=":material/account_tree:"),
    ],
}

# Pages a session may not use are left out (upload for viewers, audit for non-admins).
navigation = st.navigation(ui.pages_for_role(PAGES))
ui.sidebar()
navigation.run()
