"""Writes the survey-export fixtures (CSV and XLSX) of tests/app/test_survey_exports.py.

Small, made-up exports in each tool's documented layouts; every name, e-mail address, IP address
and phone number in them is invented and must never reach the store. Run from this folder."""

import csv
from datetime import datetime
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
Q1 = ("People should help their community as part of a community sentence rather than spend "
      "a few months in prison for a minor offence.")
Q2 = ("People serving community sentences should be given support such as help with addiction "
      "or mental health problems, or numeracy or literacy difficulties, to reduce the "
      "likelihood of them committing more crime in the future.")
Q3 = "I am aware of community justice services and projects in my local community"
Q4 = "What would you like to know about community justice?"
PEOPLE = [("Ann Quixley", "ann.quixley@example.org"), ("Bob Zarnowski", "bobz@example.net"),
          ("Cat Pennyworth", "cat.pennyworth@example.com"), ("Dan Vellacott", "dan.v@example.org"),
          ("Eve Madeupson", "eve.madeupson@example.com"), ("Fay Inventina", "fay@example.net")]
LIKERT = ["Strongly agree", "Agree", "Agree", "Neither agree nor disagree", "Disagree",
          "Strongly agree"]


def write_csv(name, rows):
    with open(HERE / name, "w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(rows)


def write_xlsx(name, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(HERE / name)


def google_rows(serial=False):
    rows = [["Timestamp", "Email Address", "What is your name?", Q1, Q2, Q3, Q4,
             "Phone number"]]
    for i, ((name, email), answer) in enumerate(zip(PEOPLE, LIKERT)):
        when = datetime(2020, 3, 3 + 4 * i, 9, 30 + i)
        stamp = ((when - datetime(1899, 12, 30)).total_seconds() / 86400 if serial
                 else when.strftime("%-m/%-d/%Y %H:%M:%S"))
        q3 = "Agree strongly" if i == 3 else answer  # matches no option: flagged
        text = ("How to volunteer" if i != 2 else
                f"Ask me at {email} or 07700 900{i}12 about unpaid work")
        rows.append([stamp, email, name, answer, LIKERT[-1 - i], q3, text, f"0131 496 00{i}0"])
    return rows


def surveymonkey_expanded(new_naming=True):
    if new_naming:
        meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
                "Email Address", "First Name", "Last Name", "Custom Data 1"]
    else:
        meta = ["RespondentID", "CollectorID", "StartDate", "EndDate", "IP Address",
                "Email Address", "First Name", "LastName", "Custom Data"]
    head = meta + ["How safe do you feel in your area?",
                   "Which services have you used? (tick all that apply)", "", "", "",
                   "How would you rate each service?", ""]
    second = [""] * len(meta) + ["Response", "Housing", "Health", "Employability",
                                 "Other (please specify)", "Housing", "Health"]
    rows = [head, second]
    safe = ["Very safe", "Fairly safe", "Very safe", "Not very safe", "Fairly safe", "Very safe"]
    for i, (name, email) in enumerate(PEOPLE):
        first, last = name.split(" ")
        services = ["Housing" if i % 2 == 0 else "", "Health" if i % 3 != 2 else "",
                    "Employability" if i == 4 else "", "Peer mentoring" if i == 1 else ""]
        rows.append([str(11400000000 + i), "98765", f"03/0{3 + i}/2020 10:0{i}:00 AM",
                     f"03/{3 + 4 * i:02d}/2020 10:1{i}:00 AM", f"203.0.113.{10 + i}", email,
                     first, last, "cohort-7731" if i == 0 else "", safe[i], *services,
                     ["Good", "Fair", "Poor"][i % 3], ["Fair", "Good", "Good"][i % 3]])
    return rows


def surveymonkey_condensed_old():
    rows = [["RespondentID", "CollectorID", "StartDate", "EndDate", "IP Address",
             "Email Address", "First Name", "LastName", "Custom Data",
             "How safe do you feel in your area?", "How would you rate each service? - Housing",
             "How would you rate each service? - Health", "Any other comments?"]]
    safe = ["Very safe", "Fairly safe", "Very safe", "Not very safe", "Fairly safe", "Very safe"]
    for i, (name, email) in enumerate(PEOPLE):
        first, last = name.split(" ")
        rows.append([str(5500 + i), "42", f"5/{1 + i}/2019 14:00", f"5/{1 + i}/2019 14:05",
                     f"198.51.100.{i}", email, first, last, "", safe[i],
                     ["Good", "Fair", "Poor"][i % 3], ["Fair", "Good", "Good"][i % 3],
                     "Thanks" if i % 2 else ""])
    return rows


def ms_forms():
    rows = [["Id", "Start time", "Completion time", "Email", "Name", "Last modified time",
             "How safe do you feel in your area?", "Which services have you used?",
             "Any other comments?"]]
    safe = ["Very safe", "Fairly safe", "Very safe", "Not very safe", "Fairly safe", "Very safe"]
    for i, (name, email) in enumerate(PEOPLE):
        rows.append([str(i + 1), f"6/{1 + i}/2021 9:00:00", f"6/{1 + i}/2021 9:04:00", email,
                     name, "", safe[i], ["Housing;Health;", "Health;", "Housing;"][i % 3],
                     "Good service" if i % 2 else ""])
    return rows


if __name__ == "__main__":
    write_csv("gf_understanding.csv", google_rows())
    write_xlsx("gf_understanding_serial.xlsx", {"Form responses 1": google_rows(serial=True)})
    write_csv("sm_expanded_new.csv", surveymonkey_expanded())
    write_xlsx("sm_expanded_old.xlsx", {"Sheet": surveymonkey_expanded(new_naming=False)})
    write_csv("sm_condensed_old.csv", surveymonkey_condensed_old())
    write_csv("ms_forms.csv", ms_forms())
    # Broken exports: each must give its own sentence and change nothing.
    no_id = surveymonkey_expanded()
    write_csv("bad_sm_no_respondent_id.csv", [r[1:] for r in no_id])
    write_csv("bad_sm_headers_only.csv", surveymonkey_expanded()[:2])
    write_csv("bad_ms_no_id.csv", [r[1:] for r in ms_forms()])
    gf = google_rows()
    write_csv("bad_gf_no_timestamps.csv", [gf[0]] + [[""] + r[1:] for r in gf[1:]])
    write_csv("bad_gf_headers_only.csv", gf[:1])
    write_csv("bad_sm_summary.csv", [["How safe do you feel in your area?"],
                                     ["Answer Choices", "Responses", ""],
                                     ["Very safe", "50.00%", "3"],
                                     ["Fairly safe", "33.33%", "2"],
                                     ["", "Answered", "6"], ["", "Skipped", "0"]])
    write_xlsx("bad_wrong_sheet.xlsx", {"Summary": [["Question", "Share"], ["Q1", "50%"]],
                                        "Form responses 1": google_rows()})
