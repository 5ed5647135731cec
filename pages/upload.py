"""Upload: templates, one file at a time, every problem listed, a preview, then Import."""

import pandas as pd
import streamlit as st

from cjmetrics import ui

ui.ensure_entrypoint()

from cjmetrics.ingest import TEMPLATES, commit, prepare, template_bytes  # noqa: E402
from cjmetrics.ingest.read import MAX_UPLOAD_MB  # noqa: E402
from cjmetrics.ingest.preview import LIMIT, change_table, first_indicator  # noqa: E402
from cjmetrics.store import file_sha256  # noqa: E402

AUTO = "Recognise automatically"


def template_section() -> None:
    st.subheader("1. Start from a template")
    st.caption("Fill a template in Excel and save it as CSV or .xlsx. Column names may be in any "
               "order; areas may be written as names or GSS codes, periods as 2023/24, Q1 "
               "2024/25, Mar 2024 or 01/04/2024, percentages as 64%, 64 or 0.64.")
    templates = list(TEMPLATES.values())
    for start in range(0, len(templates), 3):
        for column, template in zip(st.columns(3), templates[start:start + 3]):
            template_card(column, template)


def template_card(column, template) -> None:
    with column.container(border=True):
        st.markdown(f"**{template.title}**")
        st.caption(template.description)
        st.download_button("Download template", template_bytes(template.kind),
                           file_name=template.file_name, mime="text/csv",
                           key=f"template-{template.kind}", icon=":material/download:")
        with st.popover("Columns"):
            st.dataframe(pd.DataFrame(
                [(c.name, "required" if c.required else "optional", c.description, c.example)
                 for c in template.columns],
                columns=["Column", "", "What to write", "Example"]), hide_index=True)


def prepared_for(data: bytes, name: str, sheet, kind):
    """Validate once per file, sheet, kind and store version; reruns reuse the result."""
    store = ui.store()
    key = (file_sha256(data), sheet, kind, store.data_version())
    cache = st.session_state.setdefault("_prepared", {})
    if key not in cache:
        cache.clear()
        with st.spinner("Checking the file…"):
            cache[key] = prepare(store, data, name, sheet=sheet, kind=kind)
    return cache[key]


def do_import(prepared) -> None:
    """Button callback: runs once per click, before the rerun, so a rerun never imports again."""
    try:
        # A few seconds' wait for another session's import, then a sentence, not a hang.
        result = commit(ui.store(), prepared, who=ui.current_user(), lock_timeout=10)
        st.session_state["_last_import"] = ("ok", result.message, first_indicator(prepared))
        # A fresh uploader key clears the imported file, so the page does not go on to say
        # "already imported" under the success message.
        st.session_state["_uploader"] = st.session_state.get("_uploader", 0) + 1
    except Exception as exc:  # noqa: BLE001 - shown as a sentence on the rerun
        st.session_state["_last_import"] = ("error", exc, None)


def show_problems(prepared) -> None:
    if prepared.problems.empty:
        return
    total = prepared.error_count + prepared.warning_count
    label = (f"{prepared.error_count:,} error{'s' if prepared.error_count != 1 else ''} and "
             f"{prepared.warning_count:,} warning{'s' if prepared.warning_count != 1 else ''}")
    st.markdown(f"**Problems found: {label}**")
    if total > len(prepared.problems):
        st.caption(f"Showing the first {len(prepared.problems)} of {total:,} problems, errors "
                   "first. Fix these and upload again to see the rest.")
    table = prepared.problems.rename(columns={
        "severity": "", "row": "Row", "column": "Column", "value": "Value",
        "problem": "What is wrong", "fix": "What to do"})
    table[""] = table[""].map({"error": "Error", "warning": "Warning"})
    table["Row"] = table["Row"].map(lambda r: "" if r != r or r is None else f"{int(r)}")
    table = table.fillna("")
    # A static table wraps long sentences, so "what is wrong" and "what to do" read in full.
    ui.static_table(table.set_index(""))  # cells from the file stay text (no live links)


def show_preview(prepared) -> None:
    preview = prepared.preview
    if preview.duplicate_of is not None:
        st.info(f"This file was already imported as import #{preview.duplicate_of}; importing "
                "it again would change nothing.", icon=":material/info:")
        return
    new, revised, same = st.columns(3)
    new.metric("New figures", f"{preview.rows_new:,}")
    revised.metric("Revised figures", f"{preview.rows_revised:,}")
    same.metric("Unchanged", f"{preview.rows_unchanged:,}")
    tabs = st.tabs(["New", "Revised (old → new)", "Unchanged"])
    counts = {"new": preview.rows_new, "revised": preview.rows_revised,
              "unchanged": preview.rows_unchanged}
    for tab, change in zip(tabs, counts):
        with tab:
            st.dataframe(change_table(ui.store(), prepared, change), hide_index=True,
                         width="stretch")
            if counts[change] > LIMIT:
                st.caption(f"First {LIMIT} of {counts[change]:,}.")


with ui.guard():
    st.title("Upload figures")
    ui.store()  # a store that cannot be opened is reported before anyone fills a template
    if not ui.allowed("editor", "upload figures"):  # viewers and read-only servers: no controls
        st.stop()
    template_section()
    st.subheader("2. Upload your file")
    last = st.session_state.pop("_last_import", None)
    if last and last[0] == "ok":
        st.success(ui.plain(last[1]), icon=":material/check_circle:")
        if last[2]:
            st.page_link("pages/trends.py", label="See the figures in Trends",
                         icon=":material/show_chart:", query_params={"indicator": last[2]})
        st.page_link("pages/imports.py", label="See it in Imports & history (undo it there)",
                     icon=":material/history:")
    elif last:
        ui.show_error(last[1])
    kinds = [AUTO] + list(TEMPLATES)
    left, right = st.columns([3, 1])
    upload = left.file_uploader("CSV or Excel file", type=["csv", "xlsx", "tsv", "txt"],
                                key=f"upload-{st.session_state.get('_uploader', 0)}",
                                help=f"Up to {MAX_UPLOAD_MB} MB. The first row holds the column names.")
    kind = right.selectbox("What is in it?", kinds,
                           format_func=lambda k: k if k == AUTO else TEMPLATES[k].title)
    if upload is None:
        st.stop()
    data = upload.getvalue()
    if st.session_state.get("_upload_sha") != file_sha256(data):
        # A new file: forget the sheet chosen for the last one.
        st.session_state["_upload_sha"] = file_sha256(data)
        st.session_state.pop("upload_sheet", None)
    sheet = st.session_state.get("upload_sheet")
    prepared = prepared_for(data, upload.name, sheet, None if kind == AUTO else kind)
    if len(prepared.sheets) > 1:
        st.selectbox("Sheet", prepared.sheets, key="upload_sheet",
                     index=prepared.sheets.index(prepared.sheet))
    if prepared.ok:
        st.success(ui.plain(prepared.summary), icon=":material/task_alt:")
    else:
        st.error(f"{ui.plain(prepared.summary)} Nothing can be imported until the errors are "
                 "fixed: correct them in your file and upload it again.", icon=":material/error:")
    show_problems(prepared)
    if prepared.ok and prepared.preview is not None:
        st.subheader("3. Check, then import")
        show_preview(prepared)
        preview = prepared.preview
        changed = preview.rows_new + preview.rows_revised
        if preview.duplicate_of is None and changed:
            st.button(f"Import {changed:,} figure{'s' if changed != 1 else ''}", type="primary",
                      on_click=do_import, args=(prepared,), icon=":material/upload:")
        elif preview.duplicate_of is None:
            st.info("Every row matches the store already: there is nothing to import.",
                    icon=":material/info:")
