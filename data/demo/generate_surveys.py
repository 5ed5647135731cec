"""Write the illustrative survey demo files (survey_answers.csv, survey_invitations.csv).

The NUMBER of respondents per survey and area is real: the CJVSF Strengthening Engagement
Transition Project final report (Glasgow statutory 12, Glasgow third sector 19,
Ayrshire statutory 41, Ayrshire third sector 16, national scoping survey 21). How Ayrshire's
respondents split between its three councils, every answer, and every number invited are
invented. Standard library only, seeded, so two runs give byte-identical files.

    python data/demo/generate_surveys.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SURVEYS = HERE.parent / "surveys"
PERIOD = "2015/16"  # as the seed-001 response counts in observations.csv
REAL = ("Illustrative demo data - not official statistics (answers invented; response counts "
        "from Criminal Justice Voluntary Sector Forum: Strengthening Engagement Transition "
        "Project final report)")
INVENTED = "Illustrative demo data - not official statistics"

GLASGOW, EAST, NORTH, SOUTH, SCOTLAND = ("S12000049", "S12000008", "S12000021", "S12000028",
                                         "S92000003")
# (survey, area, respondents). Ayrshire's real totals (41, 16) split between its councils.
RESPONDENTS = [
    ("statutory_partner", GLASGOW, 12), ("third_sector", GLASGOW, 19),
    ("statutory_partner", EAST, 15), ("statutory_partner", NORTH, 16),
    ("statutory_partner", SOUTH, 10),
    ("third_sector", EAST, 7), ("third_sector", NORTH, 5), ("third_sector", SOUTH, 4),
    ("national_scoping", SCOTLAND, 21),
]
INVITED = [("statutory_partner", GLASGOW, 30), ("third_sector", GLASGOW, 58),
           ("statutory_partner", EAST, 38), ("statutory_partner", NORTH, 42),
           ("statutory_partner", SOUTH, 27), ("third_sector", EAST, 21),
           ("third_sector", NORTH, 19), ("third_sector", SOUTH, 16)]
# The example agree/disagree survey, invented throughout (a later year, Ayrshire only).
UNDERSTANDING = [(EAST, 46), (NORTH, 52), (SOUTH, 11)]
UNDERSTANDING_PERIOD = "2024/25"

# Option weights per question (in the order of survey_options.csv).
WEIGHTS = {
    ("statutory_partner", "q1"): [5, 4, 1, 2], ("statutory_partner", "q2"): [3, 2],
    ("statutory_partner", "q3"): [2, 6, 1, 1], ("statutory_partner", "q4"): [3, 5, 1, 1],
    ("third_sector", "q1"): [6, 4, 1], ("third_sector", "q3"): [1, 5, 3, 1],
    ("third_sector", "q4"): [2, 4, 4, 1],
    ("public_understanding", "q1"): [5, 8, 4, 2, 1],
    ("public_understanding", "q2"): [8, 7, 2, 1, 1],
    ("public_understanding", "q3"): [1, 3, 4, 6, 4],
}
MATRIX = {  # third sector Q5 rows: weights over Inform, Consult, Involve, Collaborate, None
    "local_authority": [3, 4, 3, 2, 1], "police_scotland": [4, 2, 1, 1, 3],
    "sfrs": [2, 1, 0, 0, 6], "scts": [2, 1, 0, 0, 5], "hscp_ijb": [3, 3, 2, 1, 2],
    "sds": [3, 2, 1, 1, 3], "sps": [3, 2, 2, 1, 3], "nhs_board": [3, 2, 2, 1, 3],
    "tsi": [3, 3, 3, 4, 1],
}
TEXT = {
    "q2_barriers": ["Meetings are held in working hours and we cannot always release staff.",
                    "Not clear who leads the redesign locally.",
                    "Information arrives late, after decisions are made."],
    "q5": ["Come to the CPP themed groups and bring evidence of outcomes.",
           "Work through the Third Sector Interface so there is one voice.",
           "Share a directory of services and key contacts."],
    "q6": ["Hold workshops early in the planning process.",
           "Involve the third sector as equal partners, not only as providers.",
           "Use the TSI to reach smaller organisations."],
    "q7": ["Through service user involvement groups and peer researchers.",
           "Questionnaires at service entry and exit.",
           "We have not yet decided how."],
    "q8": ["Health and social care integration gave the third sector a seat on the board.",
           "Locality planning groups include third sector members."],
    "q9": ["Resources for smaller organisations need to be considered.",
           "Keep what works from the CJA partnership."],
    "q2_other": ["Member of the local alcohol and drug partnership."],
}
TEXT_THIRD = {
    "q6": ["Hold networking events so we know what services exist.",
           "Involve us at the design stage, not after the plan is written.",
           "Clear objectives and areas of common interest."],
    "q7": ["Keep our directory entries up to date.",
           "Attend the community justice forum and share outcomes."],
    "q8": ["The TSI represents the sector on the integration joint board.",
           "Co-location worked well in the health and social care hub."],
    "q9": ["Continuity of funding affects how much we can engage."],
}
SCOPING = {
    "q1": ["A joint steering group planned a mentoring service with us.",
           "The CJA involved us in designing a throughcare pilot.",
           "Prison staff and our project co-delivered a family programme."],
    "q2": ["Positive relationships and open communication.",
           "Shared accountability and joint decision making.",
           "Knowing colleagues personally in a small area."],
    "q3": ["Establish partnership ground rules from the start.",
           "Partnership working needs working at."],
    "q4": ["Frequent changes of staff made engagement difficult.",
           "Contracts were set rather than negotiated."],
    "q5": ["Funding pressures and procurement based on cost.",
           "Change from local to national structures."],
    "q6": ["Include the third sector as equal partners.",
           "Build in flexibility for local differences."],
}
UNDERSTANDING_TEXT = ["What community sentences involve.", "How unpaid work helps my area.",
                      "Where to get help for a family member.", "Who runs community justice."]


def _options() -> dict[tuple[str, str], list[str]]:
    out: dict[tuple[str, str], list[str]] = {}
    with open(SURVEYS / "survey_options.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            out.setdefault((row["survey_id"], row["question_id"]), []).append(row["short_label"])
    return out


def _rows() -> list[list[str]]:
    rng = random.Random(20160419)  # the Glasgow workshop's date
    options = _options()
    rows = []

    def choose(survey: str, question: str) -> str:
        return rng.choices(options[(survey, question)], WEIGHTS[(survey, question)])[0]

    for survey, area, count in RESPONDENTS:
        for number in range(1, count + 1):
            respondent = f"{area[-3:]}-{survey[:2].upper()}{number:03d}"
            answers: list[tuple[str, str, str]] = []
            if survey == "statutory_partner":
                for q in ("q1", "q2", "q3", "q4"):
                    answers.append((q.upper(), "", choose(survey, q)))
                if answers[1][2].startswith("No") and rng.random() < 0.8:
                    answers.append(("Q2 (barriers)", "", rng.choice(TEXT["q2_barriers"])))
                for q in ("q5", "q6", "q7", "q8", "q9"):
                    if rng.random() < 0.55:
                        answers.append((q.upper(), "", rng.choice(TEXT[q])))
            elif survey == "third_sector":
                answers.append(("Q1", "", choose(survey, "q1")))
                picked = rng.sample(options[(survey, "q2")][:3], rng.choice([1, 1, 2]))
                if rng.random() < 0.1:
                    picked.append("Other")
                    answers.append(("Q2 (other)", "", TEXT["q2_other"][0]))
                answers.append(("Q2", "", "; ".join(picked)))
                answers.append(("Q3", "", choose(survey, "q3")))
                answers.append(("Q4", "", choose(survey, "q4")))
                levels = options[(survey, "q5")]
                for item, weights in MATRIX.items():
                    if rng.random() < 0.92:  # some leave a row blank
                        answers.append(("Q5", item, rng.choices(levels, weights)[0]))
                for q in ("q6", "q7", "q8", "q9"):
                    if rng.random() < 0.5:
                        answers.append((q.upper(), "", rng.choice(TEXT_THIRD[q])))
            else:
                for q, bank in SCOPING.items():
                    if rng.random() < 0.7 or q == "q1":
                        answers.append((q.upper(), "", rng.choice(bank)))
            rows += [[survey, area, PERIOD, respondent, q, item, answer, REAL]
                     for q, item, answer in answers]
    for area, count in UNDERSTANDING:
        survey = "public_understanding"
        for number in range(1, count + 1):
            respondent = f"{area[-3:]}-PU{number:03d}"
            for q in ("q1", "q2", "q3"):
                if rng.random() < 0.95:
                    rows.append([survey, area, UNDERSTANDING_PERIOD, respondent, q.upper(), "",
                                 choose(survey, q), INVENTED])
            if rng.random() < 0.3:
                rows.append([survey, area, UNDERSTANDING_PERIOD, respondent, "Q4", "",
                             rng.choice(UNDERSTANDING_TEXT), INVENTED])
    return rows


def main() -> None:
    rows = _rows()
    # Checks before writing: the real response counts survive the generation.
    seen: dict[tuple[str, str], set[str]] = {}
    for survey, area, _, respondent, *_ in rows:
        seen.setdefault((survey, area), set()).add(respondent)
    for survey, area, count in RESPONDENTS:
        assert len(seen[(survey, area)]) == count, (survey, area)
    ayrshire = {s: sum(len(seen[(s, a)]) for a in (EAST, NORTH, SOUTH))
                for s in ("statutory_partner", "third_sector")}
    assert ayrshire == {"statutory_partner": 41, "third_sector": 16}, ayrshire
    with open(HERE / "survey_answers.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["survey", "area", "period", "respondent", "question", "item", "answer",
                         "source"])
        writer.writerows(rows)
    with open(HERE / "survey_invitations.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["survey", "area", "period", "invited", "note", "source"])
        for survey, area, invited in INVITED:
            writer.writerow([survey, area, PERIOD, invited,
                             "The report does not give the number invited", INVENTED])
    print(f"wrote {len(rows)} survey answers and {len(INVITED)} invitation counts")


if __name__ == "__main__":
    main()
