"""Upload: the drop zone first, every problem listed, a preview, then Import; templates folded
below.

The upload service (cjmetrics.ingest.service) recognises the file, asks what it cannot tell,
prepares, previews and commits; this page renders its questions and answers."""

import json
import textwrap

import streamlit as st

from cjmetrics import ui
from cjmetrics.ingest import TEMPLATES, formats, template_bytes
from cjmetrics.ingest import answer_tables as tables
from cjmetrics.ingest.preview import LIMIT, first_indicator
from cjmetrics.ingest.read import MAX_UPLOAD_MB
from cjmetrics.ingest.service import NEW_SURVEY, fingerprint, open_upload
from cjmetrics.ingest.templates import row_noun

ui.ensure_entrypoint()

AUTO = "Recognise automatically"
AREAS_LINK = ("Areas and their GSS codes are listed in the [Areas tab of the Frameworks "
              "page](frameworks?tab=Areas).")


def templates_section() -> None:
    # A fold: its 30 example tables, sent on every visit though folded, took the browser most
    # of a second to lay out.
    with ui.fold("Templates: start from one (each shows an example row)",
                 key="upload-templates-open") as shown:
        if not shown:
            return
        st.caption("Fill a template in Excel and save it as CSV or .xlsx. Column names may be in "
                   "any order; areas may be written as names or GSS codes, periods as 2023/24, "
                   "Q1 2024/25, Mar 2024 or 01/04/2024, percentages as 64%, 64 or 0.64. The "
                   "example row is left out if you leave it in unchanged.")
        for template in TEMPLATES.values():
            with st.container(border=True, key=f"template-card-{template.kind}"):
                left, right = st.columns([4, 1], vertical_alignment="center")
                left.markdown(f"**{template.title}**: {ui.plain(template.description)}")
                right.download_button("Download template", template_bytes(template.kind),
                                      file_name=template.file_name, mime="text/csv",
                                      key=f"template-{template.kind}",
                                      icon=":material/download:")
                st.dataframe(tables.example_table(template), hide_index=True)
                with st.popover("What each column holds"):
                    st.dataframe(tables.template_columns(template), hide_index=True)


def supported_section() -> None:
    with st.expander("Exports cjmetrics recognises (drop them as they are)"):
        groups: dict[str, list[str]] = {}
        for fmt in formats.FORMATS:
            groups.setdefault(fmt.group, []).append(fmt.title)
        for group, titles in groups.items():
            st.markdown(f"- **{group}**: " + "; ".join(ui.plain(t) for t in titles))
        st.caption("Survey tool exports (SurveyMonkey, Google Forms, Microsoft Forms) are mapped "
                   "onto a survey definition, new or existing, in a step you confirm.")


def cached(name: str, key: tuple, make):
    """One result per key in the session (the last one only): reruns reuse it."""
    cache = st.session_state.setdefault(name, {})
    if key not in cache:
        cache.clear()
        cache[key] = make()
    return cache[key]


# Column widths of the mapping tables: every column inside the 768 px a laptop (1280 px) leaves
# the page; wider screens share out the rest. The caller sizes the column picked in.
MAPPING_WIDTHS = {"": 36, "Question": 76, "Row": 120, "Respondents": 96,
                  "Question in the export": 330, "Answer in the export": 250}


def wrapped_row_height(table, widths: dict) -> int:
    """Rows tall enough for the longest text of the sized columns, wrapped at about 6.5 px a
    character and 18 px a line; at least 3 lines (Streamlit wraps only rows over 64 px)."""
    lines = max([3] + [len(textwrap.wrap(str(text), int((widths[c] - 16) / 6.5)))
                       for c in table.columns if c in widths for text in table[c]])
    return 18 * lines + 14


def editor(spec: tables.EditableTable, key: str, width=None, fit: bool = False,
           wrapped: bool = False) -> dict:
    columns = {c: st.column_config.Column(width=MAPPING_WIDTHS[c])
               for c in spec.table.columns if fit and c in MAPPING_WIDTHS}
    columns[spec.pick] = st.column_config.SelectboxColumn(
        spec.pick, options=spec.choices, required=True, width=width)
    row = wrapped_row_height(spec.table, MAPPING_WIDTHS) if wrapped else None
    # Wrapped rows are tall: up to 600 px of them shown at once, not Streamlit's 400.
    height = min(36 + row * len(spec.table) + 2, 600) if wrapped else "auto"
    edited = st.data_editor(spec.table, key=key, hide_index=True, width="stretch",
                            disabled=spec.locked, column_config=columns, row_height=row,
                            height=height)
    return spec.read(edited)


def table_chooser(upload, prepared=None) -> None:
    """The service's "which table?" question: a choice re-opens the upload on that sheet."""
    question = upload.table_question(prepared)
    if question is not None:
        choices = list(question.series)
        st.session_state["_tables"] = choices
        st.selectbox(question.prompt, choices, key="upload_sheet",
                     index=choices.index(question.default),
                     format_func=lambda s: question.series[s] if question.series[s] == s
                     else f"{question.series[s]} (sheet {s})")


def prepared_for(upload, answers: dict):
    key = (fingerprint(upload.data), upload.sheet, upload.kind,
           json.dumps(answers, sort_keys=True, default=str), ui.store().data_version())
    with st.spinner("Checking the file…"):
        return cached("_prepared", key, lambda: upload.prepare(answers))


def area_choice(upload, prompt: str, default, key: str, where=st) -> str:
    names = upload.area_choices()
    codes, default = list(names), default or ui.chosen_area()
    return where.selectbox(prompt, codes, index=codes.index(default) if default in codes else 0,
                           format_func=lambda c: names.get(c, c), key=key)


# -- tool exports (Mailchimp, X, Eventbrite, Google Analytics, statistics tables ...) --------
def export_section(upload) -> None:
    st.info(f"Recognised: {ui.plain(upload.description)}.", icon=":material/fact_check:")
    table_chooser(upload)
    if upload.is_survey:
        survey_section(upload)
        return
    answers, sha = dict(upload.suggested), fingerprint(upload.data)[:12]
    for question in upload.questions:  # each with its best guess filled in
        key = f"export-{question.key}-{sha}-{upload.recognised.sheet}"
        if question.key == "area":
            answers["area"] = area_choice(upload, question.prompt, question.default, key)
        elif question.key in ("event", "period"):
            answers[question.key] = st.text_input(question.prompt, value=question.default or "",
                                                  key=key).strip()
        elif question.key == "mapping":
            st.markdown(f"**{ui.plain(question.prompt)}**")
            st.caption("A row you leave as not imported is skipped. For a figure with no "
                       "catalogue indicator, first add a local indicator with the Indicator "
                       "edits template (below), then map the row onto it.")
            answers["mapping"] = editor(upload.row_mapping(question, answers.get("mapping")
                                                           or {}), key)
    missing = upload.open_questions(answers)
    if missing:
        st.warning("To see the figures before importing, answer: "
                   + " ".join(ui.plain(q.prompt) for q in missing), icon=":material/help:")
        st.stop()
    show_prepared(upload, prepared_for(upload, answers), answers)


def do_import(upload, prepared, answers: dict) -> None:
    """Button callback: runs once per click, before the rerun, so a rerun never imports again."""
    try:
        # A few seconds' wait for another session's import, then a sentence, not a hang.
        result = upload.commit(prepared, answers, lock_timeout=10, confirm_large_revisions=bool(
            st.session_state.get("confirm_large_revisions")))
        st.session_state["_last_import"] = ("ok", result.message, first_indicator(prepared))
        if getattr(prepared, "survey_plan", None):
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
    errors, warnings = prepared.error_count, prepared.warning_count
    st.markdown(f"**Problems found: {errors:,} error{'s' if errors != 1 else ''} and "
                f"{warnings:,} warning{'s' if warnings != 1 else ''}**")
    if errors + warnings > len(prepared.problems):
        st.caption(f"Showing the first {len(prepared.problems)} of {errors + warnings:,} "
                   "problems, errors first. Fix these and upload again to see the rest.")
    # A static table wraps long sentences, so "what is wrong" and "what to do" read in full.
    ui.static_table(tables.problem_table(prepared.problems))  # cells stay text (no live links)
    if (prepared.problems["column"] == "area").any():
        st.markdown(AREAS_LINK)


def show_preview(upload, prepared) -> None:
    preview = prepared.preview
    if preview.duplicate_of is not None:
        st.info(f"This file was already imported as import #{preview.duplicate_of}; importing "
                "it again would change nothing.", icon=":material/info:")
        return
    nouns = row_noun(prepared.template.kind, 2)
    counts = {"new": preview.rows_new, "revised": preview.rows_revised,
              "unchanged": preview.rows_unchanged}
    for column, label, count in zip(st.columns(3), [f"New {nouns}", f"Revised {nouns}",
                                                    "Unchanged"], counts.values()):
        column.metric(label, f"{count:,}")
    for tab, change in zip(st.tabs(["New", "Revised (old → new)", "Unchanged"]), counts):
        with tab:
            st.dataframe(upload.change_table(prepared, change), hide_index=True,
                         width="stretch")
            if counts[change] > LIMIT:
                st.caption(f"First {LIMIT} of {counts[change]:,}.")


def show_prepared(upload, prepared, answers: dict | None = None) -> None:
    if prepared.ok:
        st.success(ui.plain(prepared.summary), icon=":material/task_alt:")
    else:
        st.error(f"{ui.plain(prepared.summary)} Nothing can be imported until the errors are "
                 "fixed: correct them in your file and upload it again.", icon=":material/error:")
    show_problems(prepared)
    if not prepared.ok or prepared.preview is None:
        return
    st.subheader("2. Check, then import")
    large = upload.large_revisions(prepared)
    if large and prepared.preview.duplicate_of is None:  # first: what most needs a look
        st.warning(ui.plain(large.sentence), icon=":material/warning:")
        ui.static_table(large.table.set_index("Indicator"))  # read in full, in the DOM
    show_preview(upload, prepared)
    preview = prepared.preview
    changed = preview.rows_new + preview.rows_revised
    if preview.duplicate_of is not None:
        return
    if not changed:
        st.info("Every row matches the store already: there is nothing to import.",
                icon=":material/info:")
        return
    if large:
        st.checkbox("I have checked: " + (f"these {len(large.table):,} large revisions are"
                    if len(large.table) != 1 else "this large revision is") + " right",
                    key="confirm_large_revisions")
    st.button(f"Import {changed:,} {row_noun(prepared.template.kind, changed)}",
              type="primary", on_click=do_import, args=(upload, prepared, answers or {}),
              icon=":material/upload:", disabled=bool(large) and not st.session_state.get(
                  "confirm_large_revisions"))


# -- survey exports (SurveyMonkey, Google Forms, Microsoft Forms) ------------------------------
def survey_section(upload) -> None:
    """Which area, which survey (proposed), when; then the question and answer mapping to
    confirm; then the usual preview, Import and undo."""
    export, sha = upload.recognised.survey, fingerprint(upload.data)[:12]
    dropped = "; ".join(export.dropped)
    st.caption("Names, e-mail addresses, IP addresses, phone numbers and postal addresses in the "
               "export are dropped and never stored; respondent ids are kept."
               + (f" Columns left out as personal data: {ui.plain(dropped)}." if dropped else ""))
    left, middle, right = st.columns([2, 3, 1])
    area = area_choice(upload, "Which area are these answers for?", None, f"survey-area-{sha}",
                       left)
    choices = upload.survey_choices()  # a new definition only for those who may create one
    ids, proposed = list(choices), upload.suggested.get("survey")
    survey = middle.selectbox("Which survey do these answers belong to?", ids,
                              index=ids.index(proposed) if proposed in ids else len(ids) - 1,
                              format_func=choices.get, key=f"survey-id-{sha}")
    if proposed != NEW_SURVEY and survey == proposed:
        middle.caption("Proposed because its questions match the export's.")
    period = right.text_input("When did it run?", value=upload.suggested.get("period") or "",
                              key=f"survey-period-{sha}",
                              help="A financial year (2019/20), a year or a month (Mar 2020).")
    survey_name = ""
    if survey == NEW_SURVEY:
        survey_name = st.text_input("Name of the new survey",
                                    value=export.file_name.rsplit(".", 1)[0].replace("_", " "),
                                    key=f"survey-name-{sha}")
    mapping, new, view = upload.survey_mapping(survey, survey_name)
    st.subheader("Check the question mapping")
    st.caption("Each question (or matrix row) of the export, and the survey question it becomes. "
               "Change any that are wrong; a question left out is not imported."
               + (" A new definition is created with these questions when you import."
                  if new else ""))
    target = new["survey_id"] if new else survey
    fields = tables.survey_fields(export, view)
    # long questions wrapped over three lines
    mapping["fields"] = editor(fields, f"survey-fields-{sha}-{target}", fit=True, wrapped=True,
                               width=340 if "Row" not in fields.table else 220)
    if new is None:
        mapping = survey_answers_step(upload, survey, mapping, sha)
    answers = {"area": area, "survey": survey, "period": period.strip(),
               "survey_name": survey_name, "mapping": mapping}
    missing = upload.open_survey_answers(answers)
    if missing:
        st.warning("To see the answers before importing, say " + "; ".join(missing) + ".",
                   icon=":material/help:")
        st.stop()
    show_prepared(upload, prepared_for(upload, answers), answers)


def survey_answers_step(upload, survey: str, mapping: dict, sha: str) -> dict:
    """Answer texts -> options of the mapped questions; unmatched answers flagged."""
    spec = tables.survey_answers(upload.survey_answer_view(survey, mapping))
    if spec is None:
        return mapping
    st.markdown("**Answers and the survey's options**")
    flag = st.empty()  # filled once the table's choices are known
    picked = editor(spec, f"survey-answers-{sha}-{survey}-{hash(json.dumps(mapping['fields']))}",
                    width=300, fit=True)
    unmatched = sum(1 for v in picked.values() if not v)
    if unmatched:
        flag.warning(f"{unmatched} answer text{'s match' if unmatched != 1 else ' matches'} no "
                     "option of the survey (marked ⚠) and would be left out: pick the option "
                     "each means, or leave it out.", icon=":material/warning:")
    elif (spec.table[""] == "⚠").any():
        flag.info("Every answer now maps onto an option of the survey.",
                  icon=":material/check:")
    return {**mapping, "answers": picked}


def last_import() -> None:
    last = st.session_state.pop("_last_import", None)
    if last and last[0] == "ok":
        st.success(ui.plain(last[1]), icon=":material/check_circle:")
        if last[2]:
            st.page_link("pages/trends.py", label="See the figures in Trends",
                         icon=":material/show_chart:", query_params={"indicator": last[2]})
        if st.session_state.pop("_survey_imported", None):
            st.page_link("pages/surveys.py", label="See the answers on the Surveys page",
                         icon=":material/ballot:")
        st.page_link("pages/imports.py", label="See it in Imports & history (undo it there)",
                     icon=":material/history:")
    elif last:
        ui.show_error(last[1])


with ui.guard():
    st.title("Upload figures")
    ui.store()  # a store that cannot be opened is reported before anyone fills a template
    if not ui.allowed("editor", "upload figures"):  # viewers and read-only servers: no controls
        st.stop()
    st.subheader("1. Upload your file")
    last_import()
    left, right = st.columns([2, 1])  # room for "Recognise automatically" in full at 1280 px
    file = left.file_uploader("CSV or Excel file, or a tool's export",
                              type=["csv", "xlsx", "xls", "tsv", "txt"],
                              key=f"upload-{st.session_state.get('_uploader', 0)}",
                              help=f"Up to {MAX_UPLOAD_MB} MB. A template, or an export from "
                                   "Mailchimp, X, Facebook, LinkedIn, Eventbrite, Google "
                                   "Analytics or a statistics table, as downloaded.")
    kind = right.selectbox("What is in it?", [AUTO] + list(TEMPLATES),
                           format_func=lambda k: k if k == AUTO else TEMPLATES[k].title)
    templates_section()
    supported_section()
    if file is None:
        st.stop()
    data = file.getvalue()
    if st.session_state.get("_upload_sha") != fingerprint(data):
        # A new file: forget the table and the confirmation chosen for the last one.
        st.session_state["_upload_sha"] = fingerprint(data)
        for stale in ("upload_sheet", "confirm_large_revisions"):
            st.session_state.pop(stale, None)
    sheet, chosen = st.session_state.get("upload_sheet"), None if kind == AUTO else kind
    try:
        upload = cached("_recognised", (fingerprint(data), sheet, chosen, ui.current_user()),
                        lambda: open_upload(ui.store(), data, file.name, sheet=sheet,
                                            kind=chosen, actor=ui.actor()))
    except formats.ExportIncomplete as exc:
        ui.show_error(exc)  # a sheet that holds no table, or an export lacking what it needs
        if sheet in st.session_state.get("_tables", {}):  # keep the choice, to choose again
            st.selectbox("Which table of the workbook?", st.session_state["_tables"],
                         key="upload_sheet")
        st.stop()
    if upload.is_export:
        export_section(upload)
        st.stop()
    prepared = prepared_for(upload, {})
    table_chooser(upload, prepared)
    show_prepared(upload, prepared)
