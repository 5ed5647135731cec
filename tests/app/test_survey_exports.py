"""Survey-tool exports: SurveyMonkey expanded and condensed, old and
new naming, CSV and XLSX; Google Forms CSV and XLSX (Excel-serial timestamps); Microsoft Forms.
Recognised with a sentence saying what they hold, mapped onto a survey definition (proposed
from the question texts, or new), imported per respondent, undoable; personal data never
stored; broken exports refused with a sentence naming the format and what is missing.

Fixtures: tests/data/formats/surveys/ (written by make_fixtures.py there); shared samples by
path (conftest.SAMPLES)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from test_pages_upload import UPLOAD, buttons, preview_table, run_app, tiles, upload

from cjmetrics import survey_mapping as sm
from cjmetrics.ingest import formats
from cjmetrics.ingest.preview import change_table
from cjmetrics.store import open_store

from apptest_support import assert_clean, texts
from conftest import PROJECT_ROOT, SAMPLES

PAGES_TESTED_HERE = ["pages/upload.py", "pages/surveys.py"]
HERE = Path(__file__).resolve().parent.parent / "data" / "formats" / "surveys"
GLASGOW = "S12000049"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Every piece of personal data in the fixtures (see make_fixtures.py).
PERSONAL = ["ann.quixley@example.org", "bobz@example.net", "cat.pennyworth@example.com",
            "fay@example.net", "Ann Quixley", "Quixley", "Zarnowski", "Pennyworth", "Vellacott",
            "Madeupson", "Inventina", "203.0.113.10", "198.51.100.1", "0131 496", "07700 900",
            "cohort-7731"]

needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(),
                                   reason=f"the shared samples folder {SAMPLES} is absent")


def _import(store, name: str, **answers):
    data = (HERE / name).read_bytes() if "/" not in name else Path(name).read_bytes()
    file_name = Path(name).name
    recognised = formats.recognise(data, file_name, answers.pop("sheet", None))
    given = {**formats.suggested_answers(store, recognised), "area": GLASGOW, **answers}
    prepared = formats.prepare_export(store, data, file_name, recognised, given)
    return recognised, prepared


def _everything(store) -> str:
    """Every cell of every table of the store, as one text."""
    out = []
    for table in store.table_counts():
        out.append(store.query(f'SELECT * FROM "{table}"').to_csv(index=False))
    return "\n".join(out)


# -- recognition: each documented variant --------------------------------------------------------
@pytest.mark.parametrize("name, description", [
    ("sm_expanded_new.csv",
     "SurveyMonkey responses (expanded): 6 respondents, 4 questions, 3 Mar 2020 to 23 Mar 2020"),
    ("sm_expanded_old.xlsx",
     "SurveyMonkey responses (expanded): 6 respondents, 4 questions, 3 Mar 2020 to 23 Mar 2020"),
    ("sm_condensed_old.csv",
     "SurveyMonkey responses (condensed): 6 respondents, 3 questions, 1 May 2019 to 6 May 2019"),
    ("gf_understanding.csv",
     "Google Forms responses: 6 respondents, 4 questions, 3 Mar 2020 to 23 Mar 2020"),
    ("gf_understanding_serial.xlsx",
     "Google Forms responses: 6 respondents, 4 questions, 3 Mar 2020 to 23 Mar 2020"),
    ("ms_forms.csv",
     "Microsoft Forms responses: 6 respondents, 3 questions, 1 Jun 2021 to 6 Jun 2021"),
])
def test_each_variant_says_what_it_holds(name, description):
    recognised = formats.recognise((HERE / name).read_bytes(), name)
    assert recognised.format.key == "survey_export"
    assert recognised.description == description


def test_expanded_multiple_choice_and_matrix_become_fields():
    recognised = formats.recognise((HERE / "sm_expanded_new.csv").read_bytes(), "sm.csv")
    fields = {f.key: f for f in recognised.survey.fields}
    services = fields["Which services have you used? (tick all that apply)"]
    assert services.multiple and services.options == ["Housing", "Health", "Employability"]
    # The "Other (please specify)" box is its own free-text field, not an option.
    assert "Which services have you used? (tick all that apply) [Other (please specify)]" in fields
    assert fields["How would you rate each service? [Housing]"].item == "Housing"
    ann = recognised.survey.answers.query("respondent_id == '11400000000'")
    assert dict(zip(ann["field"], ann["answer"]))[services.key] == "Housing;Health"


@needs_samples
@pytest.mark.parametrize("name, start", [
    ("surveymonkey_export_1.csv", "SurveyMonkey responses (expanded): 300 respondents, "),
    ("google_forms_export_1.csv", "Google Forms responses: 64 respondents, 8 questions, "
                                  "15 Jan 2025 to 16 Jan 2025")])
def test_shared_samples_are_recognised(name, start):
    recognised = formats.recognise((SAMPLES / name).read_bytes(), name)
    assert recognised.description.startswith(start)



FORMATS_DIR = HERE.parent  # tests/data/formats: fixtures of each tool's real layout


@pytest.mark.parametrize("name, description", [
    ("surveymonkey_expanded_cp1252_cr.csv",
     "SurveyMonkey responses (expanded): 3 respondents, 4 questions, 3 Mar 2020 to 5 Mar 2020"),
    ("google_forms_crlf_emoji.csv",
     "Google Forms responses: 3 respondents, 2 questions, 15 Jan 2025 to 3 Feb 2025")])
def test_real_layout_fixtures_are_recognised(name, description):
    recognised = formats.recognise((FORMATS_DIR / name).read_bytes(), name)
    assert recognised.description == description


def test_a_windows_1252_surveymonkey_export_imports_as_a_new_survey(empty_store):
    _, prepared = _import(empty_store, str(FORMATS_DIR / "surveymonkey_expanded_cp1252_cr.csv"),
                          survey=sm.NEW, survey_name="Community survey 2020", period="2019/20")
    assert prepared.ok, prepared.problems
    formats.commit_export(empty_store, prepared)
    held = empty_store.survey_responses([GLASGOW], prepared.survey_plan["survey_id"])
    assert int(held["respondents"].sum()) == 3
    answers = empty_store.survey_answers(prepared.survey_plan["survey_id"], [GLASGOW])
    assert "Le café is a good place to meet" in set(answers["answer"])

# -- mapping onto an existing survey -------------------------------------------------------------
def test_google_forms_maps_onto_the_matching_survey_and_flags_an_unknown_answer(empty_store):
    recognised, prepared = _import(empty_store, "gf_understanding.csv")
    assert formats.suggested_answers(empty_store, recognised)["survey"] == "public_understanding"
    plan = prepared.survey_plan
    assert list(plan["mapping"]["fields"].values()) == ["q1", "q2", "q3", "q4"]
    assert plan["mapping"]["answers"]["q3\x1fAgree strongly"] == ""  # flagged, left out
    view = sm.mapping_view(empty_store, recognised.survey, "public_understanding",
                           plan["mapping"])
    flagged = view.answers[~view.answers["matched"]]
    assert flagged[["question", "answer", "respondents"]].values.tolist() == [
        ["Q3", "Agree strongly", 1]]
    assert prepared.ok and prepared.preview.rows_new == 23
    assert prepared.summary.startswith("Google Forms responses: 6 respondents")
    assert "1 answer text matching no option (left out); 23 answers built from it." in \
        prepared.summary
    result = formats.commit_export(empty_store, prepared)
    held = empty_store.survey_answers("public_understanding", [GLASGOW])
    assert held["respondent_id"].nunique() == 6
    assert set(held.loc[held["question_id"] == "q1", "answer"]) <= {
        "strongly_agree", "agree", "neither", "disagree", "strongly_disagree"}
    assert empty_store.imports()["kind"].iloc[0] == "survey_export"
    # Undo: the answers stop counting.
    empty_store.undo_import(result.import_id)
    assert empty_store.survey_answers("public_understanding", [GLASGOW]).empty


def test_a_corrected_answer_is_imported_and_remembered_for_the_next_export(empty_store):
    recognised, prepared = _import(empty_store, "gf_understanding.csv")
    mapping = prepared.survey_plan["mapping"]
    mapping["answers"]["q3\x1fAgree strongly"] = "strongly_agree"
    _, corrected = _import(empty_store, "gf_understanding.csv", mapping=mapping)
    assert corrected.preview.rows_new == 24
    formats.commit_export(empty_store, corrected)
    # The XLSX export of the same form (Excel serial timestamps) arrives: the survey and the
    # corrected answer are remembered, and every answer is already held.
    recognised, again = _import(empty_store, "gf_understanding_serial.xlsx")
    assert again.survey_plan["mapping"]["answers"]["q3\x1fAgree strongly"] == "strongly_agree"
    assert again.preview.rows_new == 0 and again.preview.rows_unchanged == 24


# -- a new definition from the export ------------------------------------------------------------
@pytest.mark.parametrize("name", ["sm_expanded_new.csv", "sm_expanded_old.xlsx"])
def test_a_new_definition_is_created_with_the_import(empty_store, name):
    recognised, prepared = _import(empty_store, name, survey=sm.NEW,
                                   survey_name="Service users 2020")
    assert prepared.ok, prepared.problems
    new = prepared.survey_plan["new"]
    assert new["survey_id"] == "service_users_2020"
    kinds = dict(zip(new["questions"]["text"], new["questions"]["type"]))
    assert kinds["How safe do you feel in your area?"] == "single"
    assert kinds["Which services have you used? (tick all that apply)"] == "multiple"
    assert kinds["How would you rate each service?"] == "matrix"
    # Nothing is written before the import ...
    assert "service_users_2020" not in set(empty_store.survey_definitions()["surveys"]["survey_id"])
    formats.commit_export(empty_store, prepared)
    assert "service_users_2020" in set(empty_store.survey_definitions()["surveys"]["survey_id"])
    held = empty_store.survey_answers("service_users_2020", [GLASGOW])
    assert held["respondent_id"].nunique() == 6
    multiple = held[held["question_id"] == "q2"].set_index("respondent_id")["answer"]
    assert multiple["11400000000"] == "housing;health"
    # ... and the next export of the same survey is proposed onto it.
    again, _ = _import(empty_store, "sm_expanded_new.csv")
    assert formats.suggested_answers(empty_store, again)["survey"] == "service_users_2020"


def test_the_preview_of_a_new_surveys_answers_reads_in_words(empty_store):
    # Before anything is written, the preview names the survey to be created and its
    # questions' wording, not survey_id / q1 and the stored column names.
    _, prepared = _import(empty_store, "sm_expanded_new.csv", survey=sm.NEW,
                          survey_name="Service users 2020")
    table = change_table(empty_store, prepared, "new")
    assert table.columns.tolist() == ["Survey", "Area", "Respondent", "Question", "Row",
                                      "Period", "Answer", "Source"]
    assert set(table["Survey"]) == {"Service users 2020"}
    first = table.iloc[0]
    assert (first["Area"], first["Question"], first["Period"], first["Answer"]) == (
        "Glasgow City", "Q1 How safe do you feel in your area?", "2019/20", "Very safe")
    assert "Q4 How would you rate each service?" in set(table.loc[table["Row"] == "Housing",
                                                                  "Question"])
    long = next(q for q in table["Question"] if q.startswith("Q3 "))
    assert len(long) <= 63 and long.endswith("…")  # a long question's wording is shortened


def test_the_preview_of_answers_to_a_held_survey_reads_in_words(empty_store):
    _, prepared = _import(empty_store, "gf_understanding.csv")
    table = change_table(empty_store, prepared, "new")
    assert "Row" not in table  # no matrix question, no empty Row column
    assert set(table["Survey"]) == {"Community justice understanding survey (example)"}
    assert table["Question"].iloc[0].startswith("Q1 People should help their community")


def test_condensed_old_naming_and_microsoft_forms_map_onto_it(empty_store):
    _, first = _import(empty_store, "sm_expanded_new.csv", survey=sm.NEW, survey_name="Safety")
    formats.commit_export(empty_store, first)
    recognised, condensed = _import(empty_store, "sm_condensed_old.csv", period="2019/20")
    assert condensed.survey_plan["survey_id"] == "safety"
    fields = condensed.survey_plan["mapping"]["fields"]
    assert fields["How would you rate each service? [Health]"] == "q4/i2"  # q3: "Other"
    assert fields["Any other comments?"] == ""  # no such question: left out
    assert condensed.ok and condensed.preview.rows_new == 18
    _, ms = _import(empty_store, "ms_forms.csv")
    assert ms.survey_plan["mapping"]["fields"]["Which services have you used?"] == "q2"
    assert ms.ok and ms.preview.rows_new == 12


@needs_samples
def test_the_surveymonkey_sample_imports_as_a_new_survey(empty_store):
    _, prepared = _import(empty_store, str(SAMPLES / "surveymonkey_export_1.csv"),
                          survey=sm.NEW, period="2014/15")
    assert prepared.ok
    formats.commit_export(empty_store, prepared)
    held = empty_store.survey_responses([GLASGOW], prepared.survey_plan["survey_id"])
    assert int(held["respondents"].sum()) == 300


# -- personal data ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["gf_understanding.csv", "sm_expanded_new.csv",
                                  "sm_condensed_old.csv", "ms_forms.csv",
                                  "gf_understanding_serial.xlsx"])
def test_personal_data_never_reaches_the_store(empty_store, name):
    recognised, prepared = _import(empty_store, name, survey=sm.NEW, period="2019/20")
    shown = prepared.preview.changes.to_csv() + prepared.summary + recognised.description
    formats.commit_export(empty_store, prepared)
    stored = _everything(empty_store)
    for value in PERSONAL:
        assert value not in stored, value
        assert value not in shown, value
    assert "[e-mail removed]" in stored or "gf_" not in name


# -- broken exports: a sentence naming the format and what is missing; nothing changes ---------
@pytest.mark.parametrize("name, sheet, message", [
    ("bad_sm_no_respondent_id.csv", None,
     "looks like a SurveyMonkey response export (it has Collector ID and Start Date columns), "
     "but it has no Respondent ID column"),
    ("bad_sm_headers_only.csv", None,
     "is a SurveyMonkey response export, but it holds no responses: only its header rows. It "
     "looks cut short"),
    ("bad_gf_headers_only.csv", None,
     "is a Google Forms response export, but it holds no responses: only its header row"),
    ("bad_gf_no_timestamps.csv", None,
     "looks like a Google Forms response export, but its Timestamp column is empty"),
    ("bad_ms_no_id.csv", None,
     "looks like a Microsoft Forms response export, but it has no Id column"),
    ("bad_sm_summary.csv", None,
     "is a SurveyMonkey summary (answer choices with their shares), not the responses"),
    ("bad_wrong_sheet.xlsx", "Summary",
     "is a Google Forms response export workbook, but the sheet 'Summary' holds no responses: "
     "they are on the sheet 'Form responses 1'"),
])
def test_a_broken_export_is_named_and_changes_nothing(demo_store, name, sheet, message):
    before = demo_store.checksum()
    with pytest.raises(formats.ExportIncomplete) as caught:
        formats.prepare_any(demo_store, (HERE / name).read_bytes(), name, sheet=sheet,
                            answers={"area": GLASGOW})
    assert message in caught.value.user_message
    assert demo_store.checksum() == before


def test_cli_imports_a_google_forms_export_and_refuses_a_broken_one(empty_db):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "cjmetrics", "--db", str(empty_db),
                               "import", *args], capture_output=True, text=True,
                              cwd=PROJECT_ROOT)
    ok = run(str(HERE / "gf_understanding.csv"), "--area", GLASGOW)
    assert ok.returncode == 0, ok.stderr
    assert "Recognised: Google Forms responses: 6 respondents" in ok.stdout
    assert "Survey: public_understanding (proposed from the question texts)" in ok.stdout
    assert "answer 'Agree strongly' to q3 matches no option: left out" in ok.stdout
    assert "Import #" in ok.stdout
    new = run(str(HERE / "ms_forms.csv"), "--area", GLASGOW, "--survey", "new",
              "--survey-name", "Safety check")
    assert new.returncode == 0, new.stderr
    assert "A new survey definition 'safety_check' will be created" in new.stdout
    bad = run(str(HERE / "bad_ms_no_id.csv"), "--area", GLASGOW)
    assert bad.returncode == 1 and "Microsoft Forms" in bad.stderr and "Id column" in bad.stderr
    store = open_store(empty_db)
    assert set(store.survey_answers("safety_check", [GLASGOW])["respondent_id"]) == \
        {"1", "2", "3", "4", "5", "6"}


# -- the Upload page, then the Surveys page ------------------------------------------------------
def test_upload_page_imports_google_forms_onto_an_existing_survey(demo_db):
    store = open_store(demo_db)
    at = run_app(UPLOAD)
    upload(at, "responses.csv", (HERE / "gf_understanding.csv").read_bytes())
    assert_clean(at)
    assert texts(at.info)[0] == ("Recognised: Google Forms responses: 6 respondents, 4 "
                                 "questions, 3 Mar 2020 to 23 Mar 2020.")
    survey = next(s for s in at.selectbox if s.label.startswith("Which survey"))
    assert survey.value == "public_understanding"
    fields = next(d.value for d in at.dataframe if "Survey question" in d.value.columns)
    assert fields["Survey question"].str[:3].tolist() == ["Q1 ", "Q2 ", "Q3 ", "Q4 "]
    answers = next(d.value for d in at.dataframe if "Survey option" in d.value.columns)
    flagged = answers[answers[""] == "⚠"]
    assert flagged["Answer in the export"].tolist() == ["Agree strongly"]
    assert any("1 answer text matches no option" in w for w in texts(at.warning))
    assert tiles(at)["New answers"] == "23"
    page_text = " ".join(texts(at.markdown) + texts(at.info) + texts(at.success)) + \
        " ".join(d.value.to_csv() for d in at.dataframe)
    for value in PERSONAL:
        assert value not in page_text, value
    [button] = buttons(at, "Import 23")
    button.click().run()
    assert_clean(at)
    assert any(t.startswith("Import #") and "23 new" in t for t in texts(at.success))
    assert store.survey_answers("public_understanding", [GLASGOW])["respondent_id"].nunique() == 6
    # The Surveys page shows the answers for the area.
    at.switch_page("pages/surveys.py").run()
    assert_clean(at)
    assert at.selectbox(key="survey").value == "public_understanding"
    shown = " ".join(texts(at.markdown) + texts(at.caption)) + \
        " ".join(d.value.to_csv() for d in at.dataframe)
    assert "Glasgow City: 6 respondents to the Community justice understanding survey " \
           "(example) in 2019/20" in shown


@needs_samples
@pytest.mark.parametrize("name, survey, question", [
    ("google_forms_export_1.csv", "google forms export 1",
     "Q1 Do you believe that a hotdog falls under the category of a…"),
    ("surveymonkey_export_1.csv", "surveymonkey export 1",
     "Q1 Have you seen any of the 6 films in the Star Wars franchise?")])
def test_upload_page_previews_a_new_surveys_answers_in_words(empty_db, name, survey, question):
    at = run_app(UPLOAD)
    upload(at, name, (SAMPLES / name).read_bytes())
    assert_clean(at)
    [when] = [t for t in at.text_input if t.label == "When did it run?"]
    if not when.value:  # SurveyMonkey's export here has no dates
        when.set_value("2024/25").run()
        assert_clean(at)
    new = preview_table(at, "New")
    assert new.columns.tolist()[:4] == ["Survey", "Area", "Respondent", "Question"]
    assert {"Period", "Answer"} <= set(new.columns)
    assert set(new["Survey"]) == {survey}  # the name in the box, not the survey id
    assert new["Question"].iloc[0] == question
    assert new["Area"].iloc[0] == "Glasgow City"


def test_personal_columns_are_named_but_a_question_mentioning_email_is_kept():
    text = ("Timestamp,Email Address,Your postcode,Which e-mail newsletter do you read most "
            "often?\n3/3/2020 9:00:00,a.person@example.org,G1 1AA,Weekly bulletin\n"
            "3/4/2020 9:00:00,b.person@example.org,G2 2BB,Monthly digest\n")
    recognised = formats.recognise(text.encode(), "gf.csv")
    assert recognised.survey.dropped == ["Email Address", "Your postcode"]
    assert [f.key for f in recognised.survey.fields] == [
        "Which e-mail newsletter do you read most often?"]


def test_a_single_choice_with_an_other_box_is_not_a_matrix(empty_store):
    text = ("Respondent ID,Collector ID,How did you hear about us?,\n"
            ",,Response,Other (please specify)\n"
            "101,7,Leaflet,\n102,7,Friend,\n103,7,Leaflet,\n104,7,,At the library\n")
    recognised = formats.recognise(text.encode(), "sm.csv")
    assert [(f.key, f.question, f.item) for f in recognised.survey.fields] == [
        ("How did you hear about us?", "How did you hear about us?", ""),
        ("How did you hear about us? [Other (please specify)]",
         "How did you hear about us? (Other (please specify))", "")]
    prepared = formats.prepare_export(empty_store, text.encode(), "sm.csv", recognised,
                                      {"area": GLASGOW, "survey": sm.NEW, "period": "2020/21"})
    kinds = prepared.survey_plan["new"]["questions"]["type"].tolist()
    assert kinds == ["single", "free_text"]


def test_upload_page_creates_a_new_survey_from_a_surveymonkey_workbook(empty_db):
    store = open_store(empty_db)
    at = run_app(UPLOAD)
    upload(at, "responses.xlsx", (HERE / "sm_expanded_old.xlsx").read_bytes(), XLSX)
    assert_clean(at)
    survey = next(s for s in at.selectbox if s.label.startswith("Which survey"))
    assert survey.value == sm.NEW  # no held survey asks these questions
    assert any("Columns left out as personal data: IP Address; Email Address; First Name; "
               "LastName" in c for c in texts(at.caption))
    name = next(t for t in at.text_input if t.label == "Name of the new survey")
    name.set_value("Service users 2020").run()
    assert_clean(at)
    fields = next(d.value for d in at.dataframe if "Survey question" in d.value.columns)
    assert fields["Survey question"].iloc[0] == "Q1 How safe do you feel in your area? (one answer)"
    [button] = buttons(at, "Import 24")
    button.click().run()
    assert_clean(at)
    assert "service_users_2020" in set(store.survey_definitions()["surveys"]["survey_id"])
    at.switch_page("pages/surveys.py").run()
    assert_clean(at)
    assert at.selectbox(key="survey").value == "service_users_2020"


def test_upload_page_names_a_broken_export_and_offers_no_import(demo_db):
    store = open_store(demo_db)
    before = store.checksum()
    at = run_app(UPLOAD)
    upload(at, "responses.csv", (HERE / "bad_sm_no_respondent_id.csv").read_bytes())
    assert not at.exception
    shown = " ".join(texts(at.error))
    assert "looks like a SurveyMonkey response export" in shown and "no Respondent ID" in shown
    assert not buttons(at, "Import")
    assert store.checksum() == before


def test_google_forms_respondents_are_their_submission_times_in_csv_and_xlsx():
    ids = []
    for name in ("gf_understanding.csv", "gf_understanding_serial.xlsx"):
        recognised = formats.recognise((HERE / name).read_bytes(), name)
        ids.append(list(dict.fromkeys(recognised.survey.answers["respondent_id"])))
    assert ids[0] == ids[1]
    assert ids[0][:2] == ["R20200303-093000", "R20200307-093100"]


def test_google_forms_grid_and_checkboxes_become_a_matrix_and_a_multiple_choice(empty_store):
    text = ("Timestamp,Rate each service [Housing],Rate each service [Health],"
            "Which did you use?\n"
            "3/3/2020 9:00:00,Good,Fair,\"Housing, Health\"\n"
            "3/4/2020 9:00:00,Fair,Good,Housing\n"
            "3/5/2020 9:00:00,Good,Good,Health\n"
            "3/6/2020 9:00:00,Poor,Fair,\"Housing, Health\"\n")
    data = text.encode()
    recognised = formats.recognise(data, "gf.csv")
    fields = {f.key: f for f in recognised.survey.fields}
    assert fields["Rate each service [Health]"].item == "Health"
    assert fields["Which did you use?"].multiple
    prepared = formats.prepare_export(empty_store, data, "gf.csv", recognised,
                                      {"area": GLASGOW, "survey": sm.NEW, "period": "2019/20"})
    assert prepared.ok, prepared.problems
    questions = prepared.survey_plan["new"]["questions"]
    assert dict(zip(questions["text"], questions["type"])) == {
        "Rate each service": "matrix", "Which did you use?": "multiple"}
    formats.commit_export(empty_store, prepared)
    held = empty_store.survey_answers(prepared.survey_plan["survey_id"], [GLASGOW])
    both = held[(held["question_id"] == "q2") & (held["respondent_id"] == "R20200303-090000")]
    assert both["answer"].tolist() == ["health;housing"]


def test_microsoft_forms_workbook_with_real_dates(empty_store, tmp_path):
    from datetime import datetime

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Id", "Start time", "Completion time", "Email", "Name", "How safe do you feel?"])
    for i, answer in enumerate(["Very safe", "Fairly safe", "Very safe"], start=1):
        sheet.append([i, datetime(2021, 6, i, 9, 0), datetime(2021, 6, i, 9, 4),
                      f"person{i}@example.org", f"Person Number{i}", answer])
    path = tmp_path / "ms.xlsx"
    book.save(path)
    recognised = formats.recognise(path.read_bytes(), "ms.xlsx")
    assert recognised.description == ("Microsoft Forms responses: 3 respondents, 1 question, "
                                      "1 Jun 2021 to 3 Jun 2021")
    assert recognised.survey.dropped == ["Email", "Name"]
    prepared = formats.prepare_export(empty_store, path.read_bytes(), "ms.xlsx", recognised,
                                      {"area": GLASGOW, "survey": sm.NEW, "period": "2021/22"})
    formats.commit_export(empty_store, prepared)
    assert "person1@example.org" not in _everything(empty_store)
    assert "Number1" not in _everything(empty_store)


def test_an_imported_survey_export_is_undone_on_the_imports_page(demo_db):
    store = open_store(demo_db)
    at = run_app(UPLOAD)
    upload(at, "responses.csv", (HERE / "gf_understanding.csv").read_bytes())
    buttons(at, "Import 23")[0].click().run()
    assert_clean(at)
    import_id = int(store.imports()["import_id"].iloc[0])
    at.switch_page("pages/imports.py").run()
    assert_clean(at)
    at.selectbox(key="undo_import").set_value(import_id).run()
    assert_clean(at)
    buttons(at, f"Undo import #{import_id}")[0].click().run()
    assert_clean(at)
    assert any(f"Import #{import_id} undone" in t for t in texts(at.success))
    assert store.survey_answers("public_understanding", [GLASGOW]).empty


def test_cli_map_corrects_an_answer_and_leaves_a_question_out(empty_db):
    done = subprocess.run(
        [sys.executable, "-m", "cjmetrics", "--db", str(empty_db), "import",
         str(HERE / "gf_understanding.csv"), "--area", GLASGOW,
         "--map", "q3:Agree strongly=strongly_agree",
         "--map", "What would you like to know about community justice?="],
        capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert done.returncode == 0, done.stderr
    assert "'What would you like to know about community justice?' -> left out" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "cjmetrics", "--db", str(empty_db), "import",
         str(HERE / "gf_understanding.csv"), "--area", GLASGOW, "--map", "Nonsense=q1"],
        capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert bad.returncode == 1 and "'Nonsense' is neither a question of this export" in bad.stderr
    held = open_store(empty_db).survey_answers("public_understanding", [GLASGOW])
    assert len(held) == 18 and "q4" not in set(held["question_id"])


@pytest.mark.parametrize("name", sorted(p.name for p in HERE.iterdir()
                                        if p.suffix in (".csv", ".xlsx")))
def test_no_other_format_claims_a_survey_export(name):
    from cjmetrics.ingest.formats.base import read_source

    source = read_source((HERE / name).read_bytes(), name)
    for fmt in formats.FORMATS:
        if fmt.key == "survey_export":
            continue
        try:
            claimed = fmt.detect(source, None)
        except formats.ExportIncomplete as exc:
            raise AssertionError(f"{fmt.key} claims {name}: {exc.user_message}") from exc
        assert claimed is None, (fmt.key, name)
