"""cjmetrics: the entry point `streamlit run dashboard.py` serves."""

import streamlit as st

from cjmetrics import scratch, ui

ui.new_run()
scratch.claim()  # this server's temporary files in a folder of its own; dead runs' removed
# The app's own icon before the navigation is drawn: otherwise the browser fetches each page's
# material icon from Google's font server as the tab's icon (offline: fails, and tells a third
# party every page visited). ui.page_config then names the page.
st.set_page_config(page_icon=ui.FAVICON, layout="wide")

PAGES = {
    "Progress": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/trends.py", title="Trends", icon=":material/show_chart:"),
        st.Page("pages/framework.py", title="Performance Framework", icon=":material/flag:"),
        st.Page("pages/comparison.py", title="Compare areas", icon=":material/leaderboard:"),
        st.Page("pages/care_inspectorate.py", title="Care Inspectorate", icon=":material/grading:"),
        st.Page("pages/present.py", title="Present", icon=":material/slideshow:"),
    ],
    "Engagement": [
        st.Page("pages/engagement.py", title="Engagement reach", icon=":material/campaign:"),
        st.Page("pages/surveys.py", title="Surveys", icon=":material/ballot:"),
        st.Page("pages/engagement_plan.py", title="Engagement plan", icon=":material/groups:"),
    ],
    "Reporting": [
        st.Page("pages/annual_report.py", title="Annual report", icon=":material/summarize:"),
        st.Page("pages/participation.py", title="Participation statement",
                icon=":material/description:"),
    ],
    "Data": [
        st.Page("pages/upload.py", title="Upload", icon=":material/upload_file:"),
        st.Page("pages/imports.py", title="Imports & history", icon=":material/history:"),
        st.Page("pages/audit.py", title="Audit", icon=":material/policy:"),
    ],
    "Reference": [
        st.Page("pages/catalogue.py", title="Frameworks", url_path="frameworks",
                icon=":material/account_tree:"),
        st.Page("pages/accessibility.py", title="Accessibility statement",
                icon=":material/accessibility_new:"),
    ],
}

# The Present page's slideshow (?mode=slideshow) shows no navigation and no sidebar. Pages a
# session may not use are left out (upload for viewers, audit for non-admins). Expanded: with
# seventeen pages the default folds the Data and Reference groups under "View more".
presenting = st.query_params.get("mode") == "slideshow"
navigation = st.navigation(ui.pages_for_role(PAGES), expanded=True,
                           position="hidden" if presenting else "sidebar")
ui.page_config(navigation)
ui.accessibility_support()
if presenting:
    ui.keep_sidebar_state()
else:
    ui.sidebar()
try:
    navigation.run()
finally:
    ui.run_ended()
