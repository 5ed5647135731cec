"""Illustrative demo data for the Performance Framework and Care Inspectorate pages.

    python data/demo/generate_framework.py

Writes, in the upload templates' own columns (so the demo goes through the same pipeline as a
lead's files): self_assessments.csv, qi_evaluations.csv, priority_outcomes.csv and
evidence_notes.csv. Deterministic: a fixed seed, so re-running gives identical files. Every row
is invented and says so in its source column.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = "Illustrative demo data - not official statistics"
AREAS = {  # area code: (name, how it has been doing: -1 worse, 0 steady, 1 better)
    "S12000049": ("Glasgow City", 1),
    "CJP-AYR": ("Community Justice Ayrshire Partnership", 0),
    "S12000008": ("East Ayrshire", 1),
    "S12000021": ("North Ayrshire", -1),
    "S12000028": ("South Ayrshire", 0),
    "S12000039": ("West Dunbartonshire", 1),
}
SESSIONS = ["14/03/2023", "12/03/2024", "11/03/2025"]
QIS = ["4.1", "6.2", "6.4", "7.2", "8.1", "9.2"]
EVALUATIONS = ["05/06/2023", "03/06/2024", "02/06/2025"]
GRADE_WORDS = {6: "Excellent", 5: "Very good", 4: "Good", 3: "Adequate", 2: "Weak",
               1: "Unsatisfactory"}
ANSWERS = {
    "how_are_we_doing": [
        "Partners attend regularly and share data; engagement with people with lived "
        "experience is growing.",
        "Progress is uneven across services; some actions in the plan have slipped.",
        "Strong joint working on diversion and custody referrals this year.",
    ],
    "how_do_we_know": [
        "Partnership survey, case file audit and the annual performance report.",
        "Focus groups with people on community payback orders and staff feedback.",
        "Quarterly performance reports and the self-assessment session.",
    ],
    "what_next": [
        "Agree shared measures with housing and health partners by the autumn.",
        "Run two awareness sessions for elected members and publish a participation "
        "statement.",
        "Review the improvement plan's priorities with the board.",
    ],
}
PRIORITIES = {  # the outcomes each area's improvement plan names (illustrative)
    "S12000049": [1, 4, 6, 9], "CJP-AYR": [2, 3, 7, 9], "S12000008": [4, 6],
    "S12000021": [3, 4, 8], "S12000028": [1, 9], "S12000039": [2, 5, 6],
}
EVIDENCE = [
    ("1", "Joint stigma campaign with the alcohol and drug partnership; 3 partner "
          "organisations took part.", "Sep 2023"),
    ("2", "Awareness session for 40 staff; 82% said they understood community justice "
          "better afterwards.", "Feb 2024"),
    ("1", "Stigma charter signed by five statutory partners.", "Nov 2024"),
    ("2", "Community payback showcase visited by 120 members of the public.", "Jun 2025"),
]


def write(name: str, header: list[str], rows: list[list]) -> None:
    with open(HERE / name, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    rng = random.Random(2024)
    rows = []
    for code, (_, trend) in AREAS.items():
        for outcome in range(1, 10):
            score = rng.randint(4, 7)
            for session in SESSIONS:
                rows.append([outcome, code, session, score, "", SOURCE])
                score = max(1, min(10, score + max(-1, min(1, trend + rng.choice([-1, 0, 0, 1])))))
    write("self_assessments.csv", ["outcome", "area", "period", "score", "note", "source"], rows)

    rows = []
    for code, (_, trend) in AREAS.items():
        for qi in QIS:
            grade = rng.randint(3, 5)
            for i, date in enumerate(EVALUATIONS):
                answers = [ANSWERS[k][(i + QIS.index(qi)) % 3] for k in ANSWERS]
                rows.append([qi, code, date, f"{grade} {GRADE_WORDS[grade]}", *answers, SOURCE])
                grade = max(1, min(6, grade + max(-1, min(1, trend + rng.choice([-1, 0, 0, 1])))))
    write("qi_evaluations.csv", ["quality_indicator", "area", "period", "grade",
                                 "how_are_we_doing", "how_do_we_know", "what_next", "source"],
          rows)

    rows = [[code, outcome, "yes" if outcome in PRIORITIES[code] else "no", ""]
            for code in AREAS for outcome in range(1, 10)]
    write("priority_outcomes.csv", ["area", "outcome", "priority", "note"], rows)

    rows = [[item, code, period, text, SOURCE]
            for code in AREAS for item, text, period in EVIDENCE]
    write("evidence_notes.csv", ["item", "area", "period", "note", "source"], rows)


if __name__ == "__main__":
    main()
