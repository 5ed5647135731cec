"""Surveys: definitions, the answers template, counts, Wilson intervals and small-number
suppression in every output (model tables, figures, CSV downloads).

Expected values are worked out here from the published references or from the rows the test
itself imports, never from cjmetrics.
"""

from __future__ import annotations

import io
import json
import math
import re
from statistics import NormalDist

import pandas as pd
import pytest

from cjmetrics import export
from cjmetrics.analysis import wilson_interval
from cjmetrics.ingest import commit, prepare
from cjmetrics.store import SCHEMA_VERSION
from cjmetrics.survey_charts import (
    distribution_figure,
    diverging_figure,
    matrix_figure,
    responses_figure,
    statements_figure,
)
from cjmetrics.surveys import (
    build_survey,
    for_display,
    import_answers,
    protect,
    small_number_threshold,
)

from conftest import PROJECT_ROOT

GLASGOW, AYRSHIRE, SCOTLAND = "S12000049", "CJP-AYR", "S92000003"
EAST, NORTH, SOUTH = "S12000008", "S12000021", "S12000028"


# -- Wilson 95% interval against published values ----------------------------------------------
def independent_wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson's score interval written out from the formula, with z from the normal
    distribution, as a check on the published figures below."""
    z = NormalDist().inv_cdf(0.975)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


# Newcombe (1998), Statistics in Medicine 17:857-872, Table I, method 3 (Wilson score, no
# continuity correction).
NEWCOMBE = [((81, 263), (0.2553, 0.3662)), ((15, 148), (0.0624, 0.1605)),
            ((0, 20), (0.0000, 0.1611)), ((1, 29), (0.0061, 0.1718))]


@pytest.mark.parametrize("counts, published", NEWCOMBE)
def test_wilson_matches_newcombe_1998(counts, published):
    assert independent_wilson(*counts) == pytest.approx(published, abs=5e-5)  # the reference
    assert wilson_interval(*counts) == pytest.approx(published, abs=5e-5)


def test_survey_shares_carry_the_wilson_interval(empty_store):
    answers = pd.DataFrame({"respondent": [f"R{i:02d}" for i in range(20)],
                            "question": "Q2", "answer": ["Yes: involved"] * 13 + ["2"] * 7})
    import_answers(empty_store, "statutory_partner", GLASGOW, "2023/24", answers,
                   file_name="q2.csv")
    table = build_survey(empty_store, "statutory_partner", GLASGOW).distribution("q2")
    yes = table[table["option_id"] == "yes"].iloc[0]
    low, high = independent_wilson(13, 20)
    assert (yes["respondents"], yes["answered"], yes["percent"]) == (13, 20, 65.0)
    assert (yes["ci_lower"], yes["ci_upper"]) == (round(100 * low, 1), round(100 * high, 1))


# -- definitions ---------------------------------------------------------------------------------
# The published instruments, as printed in the Criminal Justice Voluntary Sector Forum's
# "Strengthening Engagement Transition Project: Final Report" (the statutory partner and third
# sector surveys of its appendices, and its National Scoping Survey section). The texts are facts
# of those instruments; the project's definitions in data/surveys/ must say the same.
PUBLISHED_QUESTIONS = {
    "statutory_partner": {
        "Q1": ("Under the new model for community justice, the Community Planning Partnership "
               "will need to involve and engage third sector providers delivering community "
               "justice services locally. Has the CPP identified key third sector contacts?"),
        "Q2": "Do you feel involved in the community redesign process?",
        "Q2 (barriers)": ("If not, what are the main barriers to your involvement as a "
                          "Community Justice Partner?"),
        "Q3": ("How would you rate awareness and understanding within the Community Planning "
               "Partnership of community justice services delivered locally by third sector "
               "organisations?"),
        "Q4": ("To what extent has the Community Planning Partnership engaged third sector "
               "providers in planning for the new community justice model?"),
        "Q5": ("In your view, what do third sector providers need to do to effectively engage "
               "with the CPP around community justice service planning? What would be the "
               "best mechanism for engagement?"),
        "Q6": ("In your view, what can the CPP do to effectively engage with third sector "
               "providers around community justice service planning?"),
        "Q7": ("How does the CPP intend to involve service-users and wider communities in the "
               "planning and design of community justice services?"),
        "Q8": ("How does the CPP currently involve third sector organisations in other policy "
               "areas? (Health and Social Care Integration) What lessons, or examples of best "
               "practice, can be transferred to the new community justice model?"),
        "Q9": "Do you have any other comments to add?",
    },
    "third_sector": {
        "Q1": ("Does your organisation provide services within a specific community justice "
               "remit?"),
        "Q2": "How are you currently involved with other community justice partners?",
        "Q2 (other)": "Other: Please specify",
        "Q3": ("In your view, what level of awareness is there within the Community Planning "
               "Partnership of community justice services being delivered locally?"),
        "Q4": ("To what extent has the Community Planning Partnership involved your "
               "organisation in discussions around the new community justice arrangements?"),
        "Q5": ("Which of the 5 headings (Inform, Consult, Involve, Collaborate, None of the "
               "previous) most accurately describes current engagement levels between your "
               "organisation and each of the listed community justice partners in"),
        "Q6": ("In your view, what can statutory partners do to facilitate third sector "
               "engagement around community justice? What would be the most effective "
               "mechanism for engagement?"),
        "Q7": ("In relation to community justice services, what can third sector providers do "
               "to facilitate engagement with statutory partners?"),
        "Q8": ("How does the CPP involve third sector organisations in other policy areas? "
               "(Health and Social Care Integration) What lessons, or examples of good "
               "practice, can be transferred to the new community justice model?"),
        "Q9": "Do you have any other comments to add?",
    },
    "national_scoping": {
        "Q1": ("Can you provide an example where a Community Justice Authority or a statutory "
               "partner was successful in engaging your organisation? (i.e. There was "
               "effective partnership working in all aspects of the decision making process. "
               "Your organisation was included in the development of alternatives and the "
               "identification of the preferred solution.)"),
        "Q2": ("Please identify any factors that enabled this successful engagement (positive "
               "relationships, structures, processes etc.)"),
        "Q3": ("Are there any lessons from the example of successful engagement given above "
               "that could be transferred to the new community justice model?"),
        "Q4": ("Can you provide an example where a Community Justice Authority or statutory "
               "partner was unsuccessful in engaging your organisation?"),
        "Q5": ("Please identify any factors that contributed to this unsuccessful engagement "
               "(negative relationships, structures, processes etc.)"),
        "Q6": ("Are there any lessons from this unsuccessful engagement that could be brought "
               "into the new model for community justice?"),
    },
}
PUBLISHED_OPTIONS = {
    ("statutory_partner", "Q1"): [
        "Yes, we have identified key contacts within the third sector",
        ("We are in the process of identifying key contacts within the third sector via our "
         "Third Sector Interface (TSI)"),
        ("No, we have yet to identify key contacts within the third sector and would like "
         "support in doing this"),
        "Don't know",
    ],
    ("statutory_partner", "Q2"): [
        "Yes, I feel involved in the community redesign process",
        ("No, I don't feel involved in the community redesign process (Please identify "
         "barriers below)"),
    ],
    ("statutory_partner", "Q3"): [
        ("The CPP has a strong understanding of what services are being delivered by third "
         "sector providers in the area."),
        ("The CPP has some idea of service provision but there remains a lack of engagement "
         "with third sector providers."),
        ("The CPP is unaware of what services are being delivered by third sector providers "
         "and would like some support in identifying what is happening locally."),
        "Don't know.",
    ],
    ("statutory_partner", "Q4"): [
        ("The CPP has successfully contacted third sector providers and involved them in "
         "discussions over arrangements for the new community justice model"),
        ("The CPP has contacted third sector providers but has not yet involved them in "
         "discussions over arrangements for the new community justice model"),
        ("The CPP has made no contact with key third sector partners and would like some "
         "support in this area"),
        "Don't know",
    ],
    ("third_sector", "Q1"): [
        ("Yes, we provide services for those affected by the criminal justice system in a "
         "direct way e.g. people with convictions, families, victims and witnesses"),
        ("Yes, we provide services to those affected by the criminal justice system but in an "
         "indirect way e.g. housing, employment, advocacy"),
        "No (Option to opt out)",
    ],
    ("third_sector", "Q2"): [
        ("We meet the 100k service provision threshold are partners of the Community Justice "
         "Authority"),
        ("We do not meet the 100k service provision threshold but we attend Community Justice "
         "Authority run events and meetings"),
        "We sit on local Community Justice related forums",
        "Other: Please specify",
    ],
    ("third_sector", "Q3"): [
        ("The CPP has sufficient awareness of the community justice services being delivered "
         "by third sector providers in the local area."),
        "The CPP has limited awareness of the community justice services being delivered.",
        ("There is little awareness within the CPP of the community justice services being "
         "delivered by third sector providers."),
        "Don't know.",
    ],
    ("third_sector", "Q4"): [
        ("The CPP has contacted my organisation directly and we are involved in discussions "
         "over arrangements for the new community justice model."),
        ("The CPP has contacted a third sector intermediary/umbrella body but we are not "
         "directly involved in discussions over arrangements for the new community justice "
         "model"),
        ("The CPP has made no contact with my organisation. We would like some support in "
         "contacting and establishing a relationship with our CPP."),
        "Don't know.",
    ],
    ("third_sector", "Q5"): [
        "Inform",
        "Consult",
        "Involve",
        "Collaborate",
        "None of the previous",
    ],
}
PUBLISHED_PARTNERS = [
    "Local Authority",
    "Police Scotland",
    "Scottish Fire and Rescue Service",
    "Scottish Courts and Tribunal Service",
    "Health and Social Care Integration Joint Board",
    "Skills Development Scotland",
    "Scottish Prison Service",
    "NHS Board",
    "Third Sector Interface (TSI)",
]


def test_the_engagement_transition_project_instruments_are_defined(empty_store):
    defs = empty_store.survey_definitions()
    assert SCHEMA_VERSION >= 3
    questions, options = defs["questions"], defs["options"]
    for survey, published in PUBLISHED_QUESTIONS.items():
        held = questions[questions["survey_id"] == survey].set_index("number")["text"]
        assert held.to_dict() == published, survey
    for survey in ("statutory_partner", "third_sector"):
        numbered = questions[(questions["survey_id"] == survey)
                             & questions["number"].str.fullmatch(r"Q\d")]
        assert list(numbered["number"]) == [f"Q{i}" for i in range(1, 10)]  # 9 questions
    ids = questions.set_index(["survey_id", "number"])["question_id"]
    for (survey, number), labels in PUBLISHED_OPTIONS.items():
        held = options[(options["survey_id"] == survey)
                       & (options["question_id"] == ids[(survey, number)])]
        assert list(held["label"]) == labels, (survey, number)
    # No option of the three instruments is missing from the published ones.
    published = {(s, ids[(s, n)]) for s, n in PUBLISHED_OPTIONS}
    instruments = options[options["survey_id"].isin(list(PUBLISHED_QUESTIONS))]
    assert set(zip(instruments["survey_id"], instruments["question_id"])) == published
    partners = defs["items"].query("survey_id == 'third_sector' and question_id == 'q5'")
    assert list(partners["label"]) == PUBLISHED_PARTNERS
    kinds = questions.set_index(["survey_id", "question_id"])["type"]
    assert kinds[("third_sector", "q5")] == "matrix"
    assert kinds[("statutory_partner", "q1")] == "single"
    assert kinds[("public_understanding", "q1")] == "likert"


# -- the demo: real response counts (seed 001), invented answers --------------------------------
def test_demo_respondents_match_the_seed_001_counts(demo_store):
    def respondents(survey, area):
        return build_survey(demo_store, survey, area).responses_table().iloc[0]["respondents"]

    assert respondents("statutory_partner", GLASGOW) == 12
    assert respondents("third_sector", GLASGOW) == 19
    assert respondents("statutory_partner", AYRSHIRE) == 41
    assert respondents("third_sector", AYRSHIRE) == 16
    assert respondents("national_scoping", SCOTLAND) == 21
    model = build_survey(demo_store, "third_sector", AYRSHIRE)
    assert model.illustrative and "Strengthening Engagement Transition Project" in model.sources
    # South Ayrshire's share of the 16 is small, so the page shows suppression.
    table = model.responses_table().set_index("area")
    south = table.loc["South Ayrshire"]
    assert south["respondents"] == "<5" and pd.isna(south["response_rate_percent"])
    # 16 - 7 - 5 would give South's 4 back, so North's 5 is hidden with it.
    assert table.loc["North Ayrshire", "respondents"] == "hidden"


def test_response_rate_is_responses_over_invited(demo_store):
    invited = pd.read_csv(PROJECT_ROOT / "data" / "demo" / "survey_invitations.csv")
    glasgow = invited.query("survey == 'third_sector' and area == @GLASGOW")["invited"].item()
    row = build_survey(demo_store, "third_sector", GLASGOW).responses_table().iloc[0]
    low, high = independent_wilson(19, glasgow)
    assert row["invited"] == glasgow
    assert row["response_rate_percent"] == round(100 * 19 / glasgow, 1)
    assert (row["ci_lower"], row["ci_upper"]) == (round(100 * low, 1), round(100 * high, 1))
    # The national scoping survey went out by newsletter and Twitter: nobody knows how many.
    scoping = build_survey(demo_store, "national_scoping", SCOTLAND).responses_table().iloc[0]
    assert scoping["invited"] is None and scoping["note"] == "Number invited not known."


# -- small-number suppression in every output ----------------------------------------------------
# Glasgow, Q3 of the third sector survey: 3 + 4 + 16 = 23 respondents. 3 and 4 are below 5.
# Q4: 3 + 9 + 11 = 23; 3 is below 5 and alone, so 9 (the next smallest) is hidden as well,
# or 23 - 11 - 9 would give the 3 back.
CRAFTED = ([("Q3", "1")] * 3 + [("Q3", "2")] * 4 + [("Q3", "3")] * 16
           + [("Q4", "1")] * 3 + [("Q4", "2")] * 9 + [("Q4", "3")] * 11)
SECRET_SHARES = [3 / 23, 4 / 23, 9 / 23]  # the shares no output may carry


def crafted_store(store):
    rows = []
    counters = {}
    for question, answer in CRAFTED:
        counters[question] = counters.get(question, 0) + 1
        rows.append({"respondent": f"R{counters[question]:02d}", "question": question,
                     "answer": answer})
    result = import_answers(store, "third_sector", GLASGOW, "2023/24", pd.DataFrame(rows),
                            file_name="crafted.csv")
    assert result.import_id is not None
    return store


def secret_texts() -> list[str]:
    """Every way the suppressed shares and their intervals could be written out."""
    out = []
    for share in SECRET_SHARES:
        k = round(share * 23)
        low, high = independent_wilson(k, 23)
        for value in (100 * share, 100 * low, 100 * high):
            out += [f"{value:.1f}", f"{value:.0f}%", repr(round(value, 1))]
        out.append(repr(share))
    return out


def carries(text: str, secret: str) -> bool:
    """`secret` written as a number of its own in `text` (not the 5% of 95%)."""
    return re.search(rf"(?<![\d.]){re.escape(secret)}(?!\d)", text) is not None


def test_model_tables_never_show_a_count_below_the_threshold(empty_store):
    model = build_survey(crafted_store(empty_store), "third_sector", GLASGOW)
    q3 = model.distribution("q3").set_index("option_id")
    assert list(q3["respondents"]) == ["<5", "<5", 16, 0]
    assert q3.loc[["sufficient", "limited"], ["percent", "ci_lower", "ci_upper"]].isna().all(
        axis=None)
    assert q3.loc["little", "percent"] == round(100 * 16 / 23, 1)
    q4 = model.distribution("q4").set_index("option_id")
    assert list(q4["respondents"]) == ["<5", "hidden", 11, 0]
    assert q4.loc[["involved", "intermediary"], "percent"].isna().all()


def test_no_output_carries_a_suppressed_count(empty_store):
    model = build_survey(crafted_store(empty_store), "third_sector", GLASGOW)
    secrets = secret_texts()
    for question in ("q3", "q4"):
        table = model.distribution(question)
        fig = distribution_figure(model, question, table)
        blob = fig.to_json()
        for secret in secrets:
            assert not carries(blob, secret), (question, secret)
        # Point by point: a suppressed cell has no width, no label and no share in its hover.
        for trace in json.loads(blob)["data"]:
            for i, custom in enumerate(trace.get("customdata") or []):
                if len(custom) > 2 and custom[2] in ("<5", "hidden"):
                    assert trace["x"][i] is None
                    assert trace["text"][i] == ""
                    assert custom[4:6] == ["not shown", "not shown"]
        csv = export.csv_bytes(for_display(table)).decode()
        for secret in secrets:
            assert not carries(csv, secret), (question, secret)
        frame = pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False)
        hidden = frame[frame["Respondents"].isin(["<5", "hidden"])]
        assert len(hidden) == 2
        assert (hidden[["Per cent", "95% interval: lower (%)",
                        "95% interval: upper (%)"]] == "").all(axis=None)
        assert not frame["Respondents"].isin(["1", "2", "3", "4"]).any()


def test_suppression_holds_in_every_demo_figure_and_table(demo_store):
    """Every question of every survey for every demo area: no count from 1 to 4 in any table,
    and no suppressed point drawn, labelled or described with a number."""
    for survey in ("statutory_partner", "third_sector", "public_understanding"):
        for area in (GLASGOW, AYRSHIRE):
            model = build_survey(demo_store, survey, area)
            if not model.has_answers:
                continue
            tables = [model.responses_table()]
            figures = [responses_figure(model, tables[0])]
            for question in model.choice_questions():
                kind = model.question(question)["type"]
                if kind == "matrix":
                    for code, _ in model.areas:
                        table = model.matrix(question, code)
                        tables.append(table)
                        figures.append(matrix_figure(model, question, table))
                else:
                    table = model.distribution(question)
                    tables.append(table)
                    build = diverging_figure if kind == "likert" else distribution_figure
                    figures.append(build(model, question, table))
            if model.likert_questions():
                for code, _ in model.areas:
                    table = model.statements(code)
                    tables.append(table)
                    figures.append(statements_figure(model, code, table))
            for table in tables:
                csv = export.csv_bytes(for_display(table)).decode()
                frame = pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False)
                counts = [c for c in ("Respondents", "Answered") if c in frame]
                assert not frame[counts].isin(["1", "2", "3", "4"]).any(axis=None), \
                    (survey, area)
            for fig in figures:
                for trace in json.loads(fig.to_json())["data"]:
                    if trace["type"] == "heatmap":
                        for z_row, text_row in zip(trace["z"], trace["text"]):
                            for z, text in zip(z_row, text_row):
                                if text.startswith(("<5", "hidden")):
                                    assert z is None
                                assert not re.fullmatch(r"[1-4]( \(.*\))?", text)
                        continue
                    for i, custom in enumerate(trace.get("customdata") or []):
                        if len(custom) > 2 and custom[2] in ("<5", "hidden"):
                            # No bar (or, for a multiple-choice answer, a bar of nothing
                            # labelled "<5"), and no share in the hover text.
                            assert trace["x"][i] in (None, 0)
                            assert custom[4:6] == ["not shown", "not shown"]
                    for text in trace.get("text") or []:
                        assert not re.fullmatch(r"[1-4]\b.*", str(text or "")), (survey, text)


def test_the_threshold_is_a_setting(empty_store):
    crafted_store(empty_store)
    assert small_number_threshold(empty_store) == 5
    settings = b"key,value\nsmall_number_threshold,10\n"
    prepared = prepare(empty_store, settings, "settings.csv", kind="settings")
    result = commit(empty_store, prepared)
    model = build_survey(empty_store, "third_sector", GLASGOW)
    assert model.threshold == 10
    q4 = model.distribution("q4").set_index("option_id")
    assert list(q4["respondents"]) == ["<10", "<10", 11, 0]  # 9 is now below the threshold
    assert "<10" in export.csv_bytes(for_display(model.distribution("q4"))).decode()
    empty_store.undo_import(result.import_id)
    assert build_survey(empty_store, "third_sector", GLASGOW).threshold == 5


# -- the answers template -------------------------------------------------------------------------
HEADER = "survey,area,period,respondent,question,item,answer\n"


def problems(store, body: str) -> pd.DataFrame:
    prepared = prepare(store, (HEADER + body).encode(), "answers.csv")
    assert prepared.template.kind == "survey_answers"
    return prepared.problems


@pytest.mark.parametrize("row, column, expected", [
    ("Third sectr survey,Glasgow,2023/24,R1,Q1,,1",
     "survey", "Unknown survey 'Third sectr survey': did you mean Third Sector Survey"),
    ("third_sector,Glasgow,2023/24,R1,Q55,,1",
     "question", "Unknown question of the Third Sector Survey 'Q55': did you mean Q5"),
    ("third_sector,Glasgow,2023/24,R1,Q3,,Limted awareness",
     "answer", "Unknown answer to Q3 'Limted awareness': did you mean Limited awareness"),
    ("third_sector,Glasgow,2023/24,R1,Q5,Polce Scotland,Consult",
     "item", "Unknown row of Q5 'Polce Scotland': did you mean Police Scotland"),
    ("third_sector,Glasgow,2023/24,R1,Q5,,Consult", "item", "Q5 is a matrix question"),
    ("third_sector,Glasgow,2023/24,R1,Q1,Police Scotland,1", "item",
     "Q1 is not a matrix question"),
    ("third_sector,Glasgow,2023/24,R1,Q3,,1;2", "answer", "Q3 takes one answer"),
    ("third_sector,Glasgow,2023/24,jo.bloggs@example.org,Q1,,1", "respondent",
     "looks like an e-mail address"),
    ("third_sector,Glasgow,2023/24,R1,Q6,,Call me on jo@example.org", "answer",
     "contains an e-mail address"),
    ("third_sector,Glasgw,2023/24,R1,Q1,,1", "area", "did you mean Glasgow City"),
])
def test_bad_answers_get_a_sentence_with_a_fix(empty_store, row, column, expected):
    before = empty_store.checksum()
    found = problems(empty_store, row + "\n")
    errors = found[found["severity"] == "error"]
    assert len(errors) == 1, errors.to_dict("records")
    assert errors.iloc[0]["column"] == column
    assert expected in errors.iloc[0]["problem"]
    assert errors.iloc[0]["fix"]
    assert empty_store.checksum() == before


def test_answers_commit_preview_and_undo(empty_store):
    body = ("third_sector,Glasgow City,2023/24,R1,Q1,,Yes: direct\n"
            "third_sector,Glasgow City,2023/24,R1,Q2,,1; Local forums\n"
            "third_sector,Glasgow City,2023/24,R1,Q5,Police Scotland,consult\n"
            "third_sector,Glasgow City,2023/24,R1,Q6,,Hold networking events\n"
            "third_sector,Glasgow City,2023/24,R2,Q1,,\n")
    prepared = prepare(empty_store, (HEADER + body).encode(), "answers.csv")
    assert prepared.ok and prepared.warning_count == 1  # the blank answer is skipped
    assert prepared.preview.rows_new == 4
    rows = prepared.rows.set_index("question_id")
    assert rows.loc["q2", "answer"] == "cja_partner;local_forums"
    assert rows.loc["q5", ["item_id", "answer"]].tolist() == ["police_scotland", "consult"]
    result = commit(empty_store, prepared)
    assert len(empty_store.survey_answers("third_sector", [GLASGOW])) == 4
    again = prepare(empty_store, (HEADER + body).encode(), "answers.csv")
    assert commit(empty_store, again).duplicate_of == result.import_id
    empty_store.undo_import(result.import_id)
    assert empty_store.survey_answers("third_sector", [GLASGOW]).empty
    assert not build_survey(empty_store, "third_sector", GLASGOW).has_answers


def test_a_revised_answer_replaces_the_old_one(empty_store):
    first = pd.DataFrame({"respondent": ["R1"], "question": ["Q3"], "answer": ["1"]})
    import_answers(empty_store, "third_sector", GLASGOW, "2023/24", first, file_name="a.csv")
    second = first.assign(answer="Little awareness")
    import_answers(empty_store, "third_sector", GLASGOW, "2023/24", second, file_name="b.csv")
    answers = empty_store.survey_answers("third_sector", [GLASGOW])
    assert answers["answer"].tolist() == ["little"]


def test_invitations_template(empty_store):
    bad = prepare(empty_store, b"survey,area,period,invited\nthird_sector,Glasgow,2023/24,12.5\n",
                  "invited.csv")
    assert bad.template.kind == "survey_invitations"
    assert "not a whole number" in bad.problems.iloc[0]["problem"]
    good = prepare(empty_store, b"survey,area,period,invited\nthird_sector,Glasgow,2023/24,40\n",
                   "invited.csv")
    commit(empty_store, good)
    answers = pd.DataFrame({"respondent": [f"R{i}" for i in range(10)], "question": "Q1",
                            "answer": "1"})
    import_answers(empty_store, "third_sector", GLASGOW, "2023/24", answers, file_name="a.csv")
    row = build_survey(empty_store, "third_sector", GLASGOW).responses_table().iloc[0]
    assert (row["respondents"], row["invited"], row["response_rate_percent"]) == (10, 40, 25.0)


def test_a_partnership_is_the_sum_of_its_councils(empty_store):
    for area, count in ((EAST, 6), (NORTH, 3)):
        answers = pd.DataFrame({"respondent": [f"R{i}" for i in range(count)],
                                "question": "Q1", "answer": "1"})
        import_answers(empty_store, "third_sector", area, "2023/24", answers,
                       file_name=f"{area}.csv")
    model = build_survey(empty_store, "third_sector", AYRSHIRE)
    table = model.responses_table().set_index("area")["respondents"]
    # North's 3 is below 5, and 9 - 6 would give it back, so East's 6 is hidden too.
    assert table.to_dict() == {"Community Justice Ayrshire Partnership": 9,
                               "East Ayrshire": "hidden", "North Ayrshire": "<5"}


def test_free_text_search_is_plain_text(demo_store):
    model = build_survey(demo_store, "third_sector", GLASGOW)
    everything = model.free_text("q6")
    found = model.free_text("q6", "NETWORKING")
    assert 0 < len(found) < len(everything)
    assert found["answer"].str.lower().str.contains("networking").all()
    assert model.free_text("q6", "(.*[").empty  # a pattern character is just a character


# -- secondary suppression -----------------------------------------------------------------------
def test_a_lone_small_cell_takes_its_smallest_neighbour_with_it():
    small, hidden, _, _ = protect([[3, 9, 11, 0]], [23], 5, rows_add_up=True)
    assert small.tolist() == [[True, False, False, False]]
    assert hidden.tolist() == [[False, True, False, False]]
    # Multiple choice: answers do not add up to the base, so nothing more is needed.
    _, hidden, _, _ = protect([[3, 9, 11, 0]], [23], 5, rows_add_up=False)
    assert not hidden.any()


def test_a_council_cannot_be_worked_out_from_its_partnership():
    # Rows: partnership, then three councils. Column 0: South's 2 is the only small council cell.
    n = [[12, 20], [6, 8], [4 + 0, 6], [2, 6]]
    n[0] = [n[1][0] + n[2][0] + n[3][0], n[1][1] + n[2][1] + n[3][1]]
    base = [sum(row) for row in n]
    small, hidden, base_small, base_hidden = protect(n, base, 5, rows_add_up=True, total_row=0)
    masked = small | hidden
    assert masked[3, 0] and masked[:, 0][1:].sum() >= 2  # another council hidden with it
    assert not masked[0, 0]  # the partnership's own figure stays


def test_every_line_with_a_suppressed_cell_has_at_least_two():
    """Random partnership tables: after protection, no row of a one-answer question and no
    council column has exactly one suppressed cell while its total is shown."""
    import numpy as np

    rng = np.random.default_rng(7)
    for _ in range(300):
        councils = rng.integers(0, 9, size=(rng.integers(2, 5), rng.integers(2, 6)))
        n = np.vstack([councils.sum(axis=0), councils])
        base = n.sum(axis=1)
        small, hidden, base_small, base_hidden = protect(n, base, 5, rows_add_up=True,
                                                         total_row=0)
        masked = small | hidden
        assert not (hidden & small).any()
        assert (masked | (n == 0) | ((n >= 5) & ~hidden)).all()
        for r in range(len(n)):
            if not (base_small[r] or base_hidden[r]) and masked[r].sum() == 1:
                # Only a cell hidden for its column, alone beside zeros, may stand alone: it is
                # not small itself, and its column still has two cells suppressed.
                assert not small[r].any() and (n[r][~masked[r]] == 0).all(), (n, masked)
        for c in range(n.shape[1]):
            if not masked[0, c]:
                assert masked[1:, c].sum() != 1, (n, masked)
        out = base_small | base_hidden
        if not out[0]:
            assert out[1:].sum() != 1


@pytest.mark.parametrize("value", ["five", "0", "2.5"])
def test_a_threshold_that_is_not_a_whole_number_is_refused(empty_store, value):
    prepared = prepare(empty_store, f"key,value\nsmall_number_threshold,{value}\n".encode(),
                       "settings.csv", kind="settings")
    assert not prepared.ok
    assert "is not a whole number of people" in prepared.problems.iloc[0]["problem"]
    ok = prepare(empty_store, b"key,value\nsmall_number_threshold,10\nrag_green,1.0\n",
                 "settings.csv", kind="settings")
    assert ok.ok


def test_a_matrix_whose_every_cell_is_suppressed_says_so_instead_of_an_empty_box(demo_store):
    """South Ayrshire's third sector respondents are too few in every cell of the matrix: the
    chart says why nothing is shown (it was a blank grey box), and draws no cell."""
    south_ayrshire = "S12000028"
    model = build_survey(demo_store, "third_sector", AYRSHIRE)
    table = model.matrix("q5", south_ayrshire)
    assert len(table) and table["percent"].isna().all()  # the case: every share withheld
    fig = matrix_figure(model, "q5", table)
    assert not [t for t in fig.data if t.type == "heatmap"]
    assert [a.text for a in fig.layout.annotations] == [
        f"Fewer than {model.threshold} answered for each partner and level, so no counts or "
        "shares are shown."]
    shown = matrix_figure(model, "q5", model.matrix("q5", AYRSHIRE))  # the partnership's own
    assert [t.type for t in shown.data] == ["heatmap"]
