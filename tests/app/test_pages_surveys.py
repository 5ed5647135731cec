"""AppTests of the Surveys page over the demo store and an empty store.

Each test runs the real entry point (dashboard.py), picks the area in the sidebar and switches to
the page as a user does, then checks what a person sees: the charts, the tables behind them
(with "<5" where counts are small), the free-text search, and the empty-store sentence.
Expected respondent counts are seed 001's (data/demo/generate_surveys.py keeps them).
"""

from __future__ import annotations

import json

import pandas as pd
from streamlit.testing.v1 import AppTest

from apptest_support import assert_clean, open_chart_cards, open_page, texts
from conftest import PROJECT_ROOT

PAGES_TESTED_HERE = ["pages/surveys.py"]

SURVEYS = "pages/surveys.py"
GLASGOW, AYRSHIRE, SOUTH = "S12000049", "CJP-AYR", "S12000028"


def run_app(*, area: str | None = None) -> AppTest:
    return open_page(SURVEYS, area=area)


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def figure_titles(at: AppTest) -> list[str]:
    return [f["layout"]["title"]["text"] for f in figures(at)]


def tables(at: AppTest) -> list[pd.DataFrame]:
    """The page's tables, its charts' "Data behind this chart" opened first."""
    open_chart_cards(at)
    return [frame.value for frame in at.dataframe]


def test_demo_partnership_shows_responses_answers_and_suppression(demo_db):
    at = run_app(area=AYRSHIRE)
    assert [t.value for t in at.title] == ["Surveys"]
    assert at.selectbox(key="survey").value == "statutory_partner"  # the first with answers
    warning = " ".join(texts(at.warning))
    assert "invented demo data" in warning
    assert "Strengthening Engagement Transition Project" in warning
    assert any("Counts below 5" in c for c in texts(at.caption))
    titles = figure_titles(at)
    assert titles[0].startswith("Statutory Partner Survey: responses by area")
    # The chart's title says what was asked, not only the question's number.
    assert titles[1].replace("<br>", " ") == (
        "Q1 Under the new model for community justice, the Community… – answers by area "
        "(share of those who answered)")
    responses, answers = tables(at)[:2]
    assert responses["Respondents"].tolist() == ["41", "15", "16", "10"]  # seed 001: 41
    assert responses["Area"].tolist() == ["Community Justice Ayrshire Partnership",
                                          "East Ayrshire", "North Ayrshire", "South Ayrshire"]
    assert "<5" in answers["Respondents"].tolist()
    small = answers[answers["Respondents"] == "<5"]
    assert (small["Per cent"].isna() | (small["Per cent"] == "")).all()
    assert not answers["Respondents"].isin(["1", "2", "3", "4"]).any()


def test_choosing_the_third_sector_matrix_shows_the_heatmap(demo_db):
    at = run_app(area=AYRSHIRE)
    at.selectbox(key="survey").set_value("third_sector").run()
    assert_clean(at)
    responses = tables(at)[0].set_index("Area")["Respondents"]
    assert responses["Community Justice Ayrshire Partnership"] == "16"  # seed 001
    assert responses["South Ayrshire"] == "<5"
    at.selectbox(key="question").set_value("q5").run()
    assert_clean(at)
    heatmap = figures(at)[1]
    assert heatmap["data"][0]["type"] == "heatmap"
    assert heatmap["data"][0]["x"] == ["Inform", "Consult", "Involve", "Collaborate", "None"]
    assert heatmap["data"][0]["y"][0] == "Local Authority"
    at.selectbox(key=f"survey-matrix-area-{AYRSHIRE}").set_value(SOUTH).run()
    assert_clean(at)
    south = figures(at)[1]
    # Fewer than 5 answered in every cell: no cell drawn, and the chart says why.
    assert not [t for t in south["data"] if t["type"] == "heatmap"]
    assert [a["text"] for a in south["layout"]["annotations"]] == [
        "Fewer than 5 answered for each partner and level, so no counts or shares are shown."]
    assert "South Ayrshire" in figures(at)[1]["layout"]["title"]["text"]
    assert any("fewer than 5 respondents answered" in c for c in texts(at.caption))
    # Another sidebar area: the matrix box offers that area's own choices, starting with it.
    at.selectbox(key="area").set_value(SOUTH).run()
    assert_clean(at)
    box = at.selectbox(key=f"survey-matrix-area-{SOUTH}")
    assert box.options == ["South Ayrshire"] and box.value == SOUTH


def test_likert_question_gets_a_diverging_chart(demo_db):
    at = run_app(area=AYRSHIRE)
    at.selectbox(key="survey").set_value("public_understanding").run()
    assert_clean(at)
    title = figure_titles(at)[1].replace("<br>", " ")
    assert title.startswith("Q1 People should help their community as… – disagree (left) and "
                            "agree (right)")
    bars = [t for t in figures(at)[1]["data"] if t["name"] == "Strongly disagree"]
    assert bars and all(x is None or x <= 0 for x in bars[0]["x"])  # disagree to the left
    assert any("example" in c.lower() for c in texts(at.caption))


def test_free_text_search(demo_db):
    at = run_app(area=GLASGOW)
    at.selectbox(key="survey").set_value("third_sector").run()
    at.selectbox(key="survey-text-question").set_value("q6").run()
    everything = tables(at)[-1]
    at.text_input(key="survey-text-search").input("networking").run()
    assert_clean(at)
    found = tables(at)[-1]
    assert 0 < len(found) < len(everything)
    assert found["Answer"].str.contains("networking", case=False).all()
    assert any(f'{len(found)} answer' in c and "networking" in c for c in texts(at.caption))


def test_free_text_is_never_rendered_as_markdown_or_html(demo_db):
    from cjmetrics.store import open_store
    from cjmetrics.surveys import import_answers

    hostile = "<b>bold</b> **strong** [link](http://example.org) <script>alert(1)</script>"
    answers = pd.DataFrame({"respondent": ["X1"], "question": ["Q9"], "answer": [hostile]})
    import_answers(open_store(demo_db), "third_sector", GLASGOW, "2015/16", answers,
                   file_name="hostile.csv")
    at = run_app(area=GLASGOW)
    at.selectbox(key="survey").set_value("third_sector").run()
    at.selectbox(key="survey-text-question").set_value("q9").run()
    assert_clean(at)
    assert hostile in tables(at)[-1]["Answer"].tolist()  # shown as the text it is
    assert not any("<script>" in m or "[link]" in m for m in [e.value for e in at.markdown])


def test_glasgow_statutory_survey(demo_db):
    at = run_app(area=GLASGOW)
    responses = tables(at)[0]
    assert responses["Respondents"].tolist() == ["12"]  # seed 001
    assert responses["Invited"].tolist() == ["30"]
    assert responses["Response rate (%)"].tolist() == [40.0]


def test_empty_store_says_what_to_do(empty_db):
    at = run_app()
    assert [t.value for t in at.title] == ["Surveys"]
    info = " ".join(texts(at.info))
    assert "No answers to the" in info and "survey answers template" in info
    assert not at.get("plotly_chart")
    with_questions = [e for e in at.expander if "questions" in e.label]
    assert with_questions  # the instrument itself is still there to read


def test_threshold_setting_changes_what_is_suppressed(demo_db):
    from cjmetrics.ingest import commit, prepare
    from cjmetrics.store import open_store

    store = open_store(demo_db)
    commit(store, prepare(store, b"key,value\nsmall_number_threshold,12\n", "s.csv",
                          kind="settings"))
    at = run_app(area=AYRSHIRE)
    [caption] = [c for c in texts(at.caption) if "Counts below" in c]
    # Says who changes the threshold and where, in words, not the setting's internal name.
    assert caption.endswith('Counts below 12 are shown as "<12", and no share, interval or bar '
                            'is given for them. An admin can change this number with the '
                            'Settings template on the Upload page.')
    assert "small_number_threshold" not in " ".join(texts(at.caption) + texts(at.markdown))
    responses = tables(at)[0]["Respondents"].tolist()
    # South Ayrshire's 10 is below 12, and East's 15 goes with it (41 - 16 - 15 = 10).
    assert responses == ["41", "hidden", "16", "<12"]


# -- the answers template through the Upload page -------------------------------------------------
def upload_page() -> AppTest:
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/upload.py").run()
    assert_clean(at)
    return at


def test_uploading_survey_answers_with_a_typo_then_fixed(demo_db):
    from cjmetrics.store import open_store

    store = open_store(demo_db)
    checksum = store.checksum()
    header = "survey,area,period,respondent,question,item,answer\n"
    bad = header + ("third_sector,Glasgow City,2024/25,N1,Q5,Polce Scotland,Consult\n"
                    "third_sector,Glasgow City,2024/25,N1,Q3,,Limted awareness\n")
    at = upload_page()
    at.file_uploader[0].set_value(("answers.csv", bad.encode(), "text/csv")).run()
    assert not at.exception
    [error] = texts(at.error)
    assert error.startswith("Survey answers: 2 rows read; 2 errors.")
    problems = " ".join(at.table[0].value.astype(str).to_numpy().ravel())
    assert "did you mean Police Scotland (police_scotland)?" in problems
    assert "did you mean Limited awareness (limited)?" in problems
    assert store.checksum() == checksum

    good = header + ("third_sector,Glasgow City,2024/25,N1,Q5,Police Scotland,Consult\n"
                     "third_sector,Glasgow City,2024/25,N1,Q3,,Limited awareness\n")
    at.file_uploader[0].set_value(("answers-fixed.csv", good.encode(), "text/csv")).run()
    assert_clean(at)
    # The preview speaks of answers, in the survey's own words, not option ids.
    # (the folded templates show each template's example row, survey answers' among them)
    [templates] = [e for e in at.expander if e.label.startswith("Templates")]
    examples = [t.value for t in templates.dataframe]
    [preview] = [d.value for d in at.dataframe if "Answer" in d.value and len(d.value)
                 and not any(d.value.equals(e) for e in examples)]
    assert preview.columns.tolist() == ["Survey", "Area", "Respondent", "Question", "Row",
                                        "Period", "Answer", "Source"]
    assert set(preview["Answer"]) == {"Consult", "Limited awareness"}
    # Questions by number and (shortened) wording, not "q5".
    assert sorted(preview["Question"]) == [
        "Q3 In your view, what level of awareness is there within the…",
        "Q5 Which of the 5 headings (Inform, Consult, Involve…"]
    assert set(preview["Row"]) == {"Police Scotland", ""}
    assert set(preview["Survey"]) == {"Third Sector Survey"}
    [button] = [b for b in at.button if b.label.startswith("Import")]
    assert button.label == "Import 2 answers"
    button.click().run()
    assert_clean(at)
    assert any(s.startswith("Import #") for s in texts(at.success))
    answers = store.survey_answers("third_sector", [GLASGOW])
    assert set(answers["period_label"]) == {"2015/16", "2024/25"}
    at.selectbox(key="area").set_value(GLASGOW).run()
    at.switch_page(SURVEYS).run()
    at.selectbox(key="survey").set_value("third_sector").run()
    assert_clean(at)
    # A second period for the survey: the page offers it, newest first chosen.
    when = at.selectbox(key="survey-period")
    assert when.options == ["2015/16", "2024/25"] and when.value == "2024/25"
    assert tables(at)[0]["Respondents"].tolist() == ["<5"]  # the one new respondent
    when.set_value("2015/16").run()
    assert_clean(at)
    assert tables(at)[0]["Respondents"].tolist() == ["19"]


def test_changing_area_moves_to_a_survey_it_has_answers_to(demo_db):
    at = run_app(area=AYRSHIRE)
    assert at.selectbox(key="survey").value == "statutory_partner"
    at.selectbox(key="area").set_value("S92000003").run()
    assert_clean(at)
    assert at.selectbox(key="survey").value == "national_scoping"
    assert tables(at)[0]["Respondents"].tolist() == ["21"]  # seed 001's national survey
    assert not [s for s in at.subheader if s.value == "Answers"]  # open questions only
    assert [s.value for s in at.subheader][-1] == "Free-text answers"


def test_every_statement_side_by_side_for_the_area(demo_db):
    at = run_app(area=AYRSHIRE)
    at.selectbox(key="survey").set_value("public_understanding").run()
    assert_clean(at)
    titles = figure_titles(at)
    assert titles[2].startswith("Every agree/disagree statement, Community Justice Ayrshire")
    statements = tables(at)[2]
    assert statements["Question"].unique().tolist() == ["Q1", "Q2", "Q3"]
    assert set(statements["Area"]) == {"Community Justice Ayrshire Partnership"}
    assert any(c.startswith("Community Justice Ayrshire Partnership: most agreement with Q")
               for c in texts(at.caption))
