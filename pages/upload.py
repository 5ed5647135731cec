"""Upload: templates, one file at a time, every problem listed, a preview, then Import."""

import json

import pandas as pd
import streamlit as st

from cjmetrics import ui

ui.ensure_entrypoint()

from cjmetrics.ingest import TEMPLATES, commit, formats, template_bytes  # noqa: E402
from cjmetrics.ingest.read import MAX_UPLOAD_MB  # noqa: E402
from cjmetrics.ingest.preview import LIMIT, change_table, first_indicator  # noqa: E402
from cjmetrics.store import file_sha256  # noqa: E402
from cjmetrics.ingest.templates import row_noun  # noqa: E402

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
            cache[key] = formats.prepare_template(store, data, name, sheet=sheet, kind=kind)
    return cache[key]


# -- tool exports (Mailchimp, X, Eventbrite, Google Analytics, statistics tables ...) --------
def recognised_for(data: bytes, name: str, sheet):
    """Which export format claims the file (None: a template), once per file and sheet."""
    key = (file_sha256(data), sheet)
    cache = st.session_state.setdefault("_recognised", {})
    if key not in cache:
        cache.clear()
        cache[key] = formats.recognise(data, name, sheet)
    return cache[key]


def export_prepared_for(data: bytes, name: str, recognised, answers: dict):
    store = ui.store()
    key = (file_sha256(data), recognised.sheet, json.dumps(answers, sort_keys=True),
           store.data_version())
    cache = st.session_state.setdefault("_prepared", {})
    if key not in cache:
        cache.clear()
        with st.spinner("Turning the export into figures…"):
            cache[key] = formats.prepare_export(store, data, name, recognised, answers)
    return cache[key]


def ask(recognised, sha: str) -> dict:
    """The questions only the user can answer, each with its best guess filled in."""
    store = ui.store()
    answers = formats.suggested_answers(store, recognised)
    for question in recognised.questions:
        key = f"export-{question.key}-{sha[:12]}-{recognised.sheet}"
        if question.key == "area":
            areas = store.areas()
            codes = list(areas["area_code"])
            names = dict(zip(areas["area_code"], areas["name"]))
            default = question.default or ui.chosen_area()
            answers["area"] = st.selectbox(
                question.prompt, codes, index=codes.index(default) if default in codes else 0,
                format_func=lambda c: names.get(c, c), key=key)
        elif question.key in ("event", "period"):
            answers[question.key] = st.text_input(question.prompt, value=question.default or "",
                                                  key=key).strip()
        elif question.key == "mapping":
            answers["mapping"] = ask_mapping(question, answers.get("mapping") or {}, key)
    return answers


def ask_mapping(question, suggested: dict, key: str) -> dict:
    indicators = ui.store().indicators()
    label = {i: f"{n} ({i})" for i, n in zip(indicators["indicator_id"], indicators["name"])}
    by_label = {v: k for k, v in label.items()}
    skip = "— not imported —"
    st.markdown(f"**{ui.plain(question.prompt)}**")
    st.caption("A row you leave as not imported is skipped. For a figure with no catalogue "
               "indicator, first add a local indicator with the Indicator edits template "
               "(step 1), then map the row onto it.")
    table = pd.DataFrame({
        "Row of the table": list(question.series),
        "Import as": [label.get(suggested.get(s, ""), skip) for s in question.series]})
    edited = st.data_editor(
        table, key=key, hide_index=True, width="stretch", disabled=["Row of the table"],
        column_config={"Import as": st.column_config.SelectboxColumn(
            "Import as", options=[skip, *label.values()], required=True)})
    return {row: by_label.get(choice, "") for row, choice in
            zip(edited["Row of the table"], edited["Import as"])}


def export_section(data: bytes, name: str, recognised) -> None:
    if recognised.format.key == formats.surveys.KEY:  # -- survey exports --
        survey_section(data, name, recognised)
        return
    st.info(f"Recognised: {ui.plain(recognised.description)}.", icon=":material/fact_check:")
    if len(recognised.sheets) > 1:
        st.selectbox("Table (sheet)", recognised.sheets, key="upload_sheet",
                     index=recognised.sheets.index(recognised.sheet)
                     if recognised.sheet in recognised.sheets else 0)
    answers = ask(recognised, file_sha256(data))
    missing = formats.missing_answers(recognised, answers)
    if missing:
        st.warning("To see the figures before importing, answer: "
                   + " ".join(ui.plain(q.prompt) for q in missing), icon=":material/help:")
        st.stop()
    prepared = export_prepared_for(data, name, recognised, answers)
    show_prepared(prepared, (recognised, answers))


def supported_section() -> None:
    with st.expander("Exports cjmetrics recognises (drop them as they are)"):
        groups: dict[str, list[str]] = {}
        for fmt in formats.FORMATS:
            groups.setdefault(fmt.group, []).append(fmt.title)
        for group, titles in groups.items():
            st.markdown(f"- **{group}**: " + "; ".join(ui.plain(t) for t in titles))
        st.caption("Survey tool exports (SurveyMonkey, Google Forms, Microsoft Forms) are mapped "
                   "onto a survey definition, new or existing, in a step you confirm.")


def do_import(prepared, export=None) -> None:
    """Button callback: runs once per click, before the rerun, so a rerun never imports again."""
    try:
        # A few seconds' wait for another session's import, then a sentence, not a hang.
        # -- survey exports: commit_export also writes a new survey definition first --
        result = formats.commit_export(ui.store(), prepared, who=ui.current_user(),
                                       lock_timeout=10)
        if export is not None and result.import_id is not None:
            formats.remember_mapping(ui.store(), *export, who=ui.current_user())
        st.session_state["_last_import"] = ("ok", result.message, first_indicator(prepared))
        if getattr(prepared, "survey_plan", None):  # -- survey exports --
            st.session_state["_survey_imported"] = True
            st.session_state["survey"] = prepared.survey_plan["survey_id"]
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
    table["Row"] = table["Row"].map(lambda r: "" if pd.isna(r) else f"{int(r)}")
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
    nouns = row_noun(prepared.template.kind, 2)
    new.metric(f"New {nouns}", f"{preview.rows_new:,}")
    revised.metric(f"Revised {nouns}", f"{preview.rows_revised:,}")
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


def show_prepared(prepared, export=None) -> None:
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
            st.button(f"Import {changed:,} {row_noun(prepared.template.kind, changed)}",
                      type="primary",
                      on_click=do_import, args=(prepared, export), icon=":material/upload:")
        elif preview.duplicate_of is None:
            st.info("Every row matches the store already: there is nothing to import.",
                    icon=":material/info:")


# -- survey exports (SurveyMonkey, Google Forms, Microsoft Forms) ------------------------------
LEFT_OUT = "— left out —"


def _labels(targets: dict) -> dict[str, str]:
    """target -> label, unique, with the left-out choice first."""
    out, seen = {"": LEFT_OUT}, {LEFT_OUT}
    for target, label in targets.items():
        label = label if len(label) <= 110 else label[:109].rstrip() + "…"
        if label in seen:
            label = f"{label} ({target})"
        out[target] = label
        seen.add(label)
    return out


def survey_section(data: bytes, name: str, recognised) -> None:
    """Which area, which survey (proposed), when; then the question and answer mapping to
    confirm; then the usual preview, Import and undo."""
    from cjmetrics import survey_mapping as sm
    from cjmetrics.surveys import survey_choices

    store = ui.store()
    export = recognised.survey
    sha = file_sha256(data)[:12]
    st.info(f"Recognised: {ui.plain(recognised.description)}.", icon=":material/fact_check:")
    if len(recognised.sheets) > 1:
        st.selectbox("Sheet", recognised.sheets, key="upload_sheet",
                     index=recognised.sheets.index(recognised.sheet)
                     if recognised.sheet in recognised.sheets else 0)
    dropped = "; ".join(export.dropped)
    st.caption("Names, e-mail addresses, IP addresses, phone numbers and postal addresses in the "
               "export are dropped and never stored; respondent ids are kept."
               + (f" Columns left out as personal data: {ui.plain(dropped)}." if dropped else ""))
    suggested = formats.suggested_answers(store, recognised)
    areas = store.areas()
    codes = list(areas["area_code"])
    names = dict(zip(areas["area_code"], areas["name"]))
    left, middle, right = st.columns([2, 3, 1])
    area = left.selectbox("Which area are these answers for?", codes,
                          index=codes.index(ui.chosen_area()) if ui.chosen_area() in codes else 0,
                          format_func=lambda c: names.get(c, c), key=f"survey-area-{sha}")
    choices = {**survey_choices(store), sm.NEW: "Create a new survey definition from this export"}
    ids = list(choices)
    proposed = suggested["survey"]
    survey = middle.selectbox("Which survey do these answers belong to?", ids,
                              index=ids.index(proposed) if proposed in ids else len(ids) - 1,
                              format_func=choices.get, key=f"survey-id-{sha}")
    if proposed != sm.NEW and survey == proposed:
        middle.caption("Proposed because its questions match the export's.")
    period = right.text_input("When did it run?", value=suggested.get("period") or "",
                              key=f"survey-period-{sha}",
                              help="A financial year (2019/20), a year or a month (Mar 2020).")
    survey_name = ""
    if survey == sm.NEW:
        survey_name = st.text_input("Name of the new survey",
                                    value=export.file_name.rsplit(".", 1)[0].replace("_", " "),
                                    key=f"survey-name-{sha}")
    mapping, new = sm.mapping_for(store, export, survey, survey_name)
    target_survey = new["survey_id"] if new else survey
    view = sm.mapping_view(store, export, target_survey, mapping, new)
    st.subheader("Check the question mapping")
    st.caption("Each question (or matrix row) of the export, and the survey question it becomes. "
               "Change any that are wrong; a question left out is not imported."
               + (" A new definition is created with these questions when you import."
                  if new else ""))
    labels = _labels(view.targets)
    by_label = {v: k for k, v in labels.items()}
    rows = {f.key: f.item for f in export.fields}
    table = pd.DataFrame({
        "Question in the export": view.fields["field"],
        "Row": view.fields["field"].map(rows),
        "Respondents": view.fields["respondents"],
        "Survey question": [labels.get(t, LEFT_OUT) for t in view.fields["target"]]})
    if not any(rows.values()):  # no matrix rows: no Row column
        table = table.drop(columns="Row")
    edited = st.data_editor(
        table, key=f"survey-fields-{sha}-{target_survey}", hide_index=True, width="stretch",
        disabled=["Question in the export", "Row", "Respondents"],
        column_config={"Question in the export": st.column_config.TextColumn(width="medium"),
                       "Row": st.column_config.TextColumn(width="medium"),
                       "Respondents": st.column_config.NumberColumn(width="small"),
                       "Survey question": st.column_config.SelectboxColumn(
                           "Survey question", options=list(labels.values()), required=True,
                           width="large")})
    mapping["fields"] = {f: by_label.get(choice, "") for f, choice in
                         zip(edited["Question in the export"], edited["Survey question"])}
    if new is None:
        mapping = survey_answers_step(sm, store, export, survey, mapping, sha)
    answers = {"area": area, "survey": survey, "period": period.strip(),
               "survey_name": survey_name, "mapping": mapping}
    missing = sm.missing(answers)
    if missing:
        st.warning("To see the answers before importing, say " + "; ".join(missing) + ".",
                   icon=":material/help:")
        st.stop()
    prepared = export_prepared_for(data, name, recognised, answers)
    show_prepared(prepared, (recognised, answers))


def survey_answers_step(sm, store, export, survey: str, mapping: dict, sha: str) -> dict:
    """Answer texts -> options of the mapped questions; unmatched answers flagged."""
    view = sm.mapping_view(store, export, survey, mapping)
    # Flagged answers first: they are what needs a decision.
    view.answers = view.answers.sort_values("matched", kind="stable").reset_index(drop=True)
    if view.answers.empty:
        return mapping
    numbers = dict(zip(view.answers["key"], view.answers["question"]))
    choices = {"": LEFT_OUT}
    for qid, options in view.options.items():
        number = next((n for k, n in numbers.items() if k.split(sm._SEP)[0] == qid), qid)
        for oid, label in options.items():
            choices[f"{qid}{sm._SEP}{oid}"] = f"{number} · {label}"
    by_label = {v: k for k, v in choices.items()}
    st.markdown("**Answers and the survey's options**")
    flag = st.empty()  # filled once the table's choices are known
    table = pd.DataFrame({
        "": ["⚠" if not m else "" for m in view.answers["matched"]],
        "Question": view.answers["question"], "Answer in the export": view.answers["answer"],
        "Respondents": view.answers["respondents"],
        "Survey option": [choices.get(k.split(sm._SEP)[0] + sm._SEP + o, LEFT_OUT) if o
                          else LEFT_OUT for k, o in zip(view.answers["key"],
                                                         view.answers["option"])]})
    edited = st.data_editor(
        table, key=f"survey-answers-{sha}-{survey}-{hash(json.dumps(mapping['fields']))}",
        hide_index=True, width="stretch",
        disabled=["", "Question", "Answer in the export", "Respondents"],
        column_config={"Survey option": st.column_config.SelectboxColumn(
            "Survey option", options=list(choices.values()), required=True, width="medium")})
    picked = {}
    for key, choice in zip(view.answers["key"], edited["Survey option"]):
        qid, _, oid = by_label.get(choice, "").partition(sm._SEP)
        picked[key] = oid if qid == key.split(sm._SEP)[0] else ""
    unmatched = sum(1 for v in picked.values() if not v)
    if unmatched:
        flag.warning(f"{unmatched} answer text{'s match' if unmatched != 1 else ' matches'} no "
                     "option of the survey (marked ⚠) and would be left out: pick the option "
                     "each means, or leave it out.", icon=":material/warning:")
    elif (~view.answers["matched"]).any():
        flag.info("Every answer now maps onto an option of the survey.",
                  icon=":material/check:")
    return {**mapping, "answers": picked}
# -- end survey exports --


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
        if st.session_state.pop("_survey_imported", None):  # -- survey exports --
            st.page_link("pages/surveys.py", label="See the answers on the Surveys page",
                         icon=":material/ballot:")
        st.page_link("pages/imports.py", label="See it in Imports & history (undo it there)",
                     icon=":material/history:")
    elif last:
        ui.show_error(last[1])
    kinds = [AUTO] + list(TEMPLATES)
    left, right = st.columns([3, 1])
    upload = left.file_uploader("CSV or Excel file, or a tool's export",
                                type=["csv", "xlsx", "xls", "tsv", "txt"],
                                key=f"upload-{st.session_state.get('_uploader', 0)}",
                                help=f"Up to {MAX_UPLOAD_MB} MB. A template, or an export from Mailchimp, X, "
                                     "Facebook, LinkedIn, Eventbrite, Google Analytics or a "
                                     "statistics table, as downloaded.")
    kind = right.selectbox("What is in it?", kinds,
                           format_func=lambda k: k if k == AUTO else TEMPLATES[k].title)
    supported_section()
    if upload is None:
        st.stop()
    data = upload.getvalue()
    if st.session_state.get("_upload_sha") != file_sha256(data):
        # A new file: forget the sheet chosen for the last one.
        st.session_state["_upload_sha"] = file_sha256(data)
        st.session_state.pop("upload_sheet", None)
    sheet = st.session_state.get("upload_sheet")
    try:
        recognised = recognised_for(data, upload.name, sheet) if kind == AUTO else None
    except formats.FormatBroken as exc:
        # A sheet that holds no table: say so, and keep the sheet choice on screen.
        ui.show_error(exc)
        sheets = st.session_state.get("_export_sheets") or []
        if sheet and sheet in sheets:
            st.selectbox("Table (sheet)", sheets, key="upload_sheet")
        st.stop()
    if recognised is not None:
        st.session_state["_export_sheets"] = recognised.sheets
        export_section(data, upload.name, recognised)
        st.stop()
    prepared = prepared_for(data, upload.name, sheet, None if kind == AUTO else kind)
    if len(prepared.sheets) > 1:
        st.selectbox("Sheet", prepared.sheets, key="upload_sheet",
                     index=prepared.sheets.index(prepared.sheet))
    show_prepared(prepared)
