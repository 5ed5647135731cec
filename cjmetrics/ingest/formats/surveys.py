"""Survey tool exports: SurveyMonkey (expanded and condensed, old and new naming, CSV and XLSX),
Google Forms (CSV and XLSX) and Microsoft Forms, parsed into a tidy respondent x question frame.

Answers land per respondent in the survey tables, which another change is adding; until then a
survey export is recognised (so nobody is told it is unknown) and refused with that sentence.
Personal data (names, e-mail and IP addresses, phone numbers, postal addresses) is dropped here,
before anything else sees the answers; respondent ids are kept."""

from __future__ import annotations

import re

import pandas as pd

from .base import ExportFormat, FormatBroken, Grid, Source, norm, parse_date, plural

TIDY_COLUMNS = ["respondent_id", "submitted", "question", "item", "answer"]
_PERSONAL = re.compile(
    r"\b(e ?mail|email address|ip address|first name|last ?name|surname|full name|your name|"
    r"^name$|phone|mobile|telephone|address|postcode|post code|zip|custom data)\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(\+?\d[\d ()-]{8,}\d)")


def personal(header: str) -> bool:
    return bool(_PERSONAL.search(norm(header)))


def _scrub(answer: str) -> str:
    """Free text keeps its words, not an e-mail address or phone number someone typed."""
    return _PHONE.sub("[phone removed]", _EMAIL.sub("[e-mail removed]", answer))


def _tidy(records: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=TIDY_COLUMNS)
    return frame[frame["answer"].astype(str).str.strip() != ""].reset_index(drop=True)


# -- SurveyMonkey ------------------------------------------------------------------------------
_SM_ID = ("respondentid", "respondent id")
_SM_COLLECTOR = ("collectorid", "collector id")
_SM_META = {"respondentid", "respondent id", "collectorid", "collector id", "startdate",
            "start date", "enddate", "end date", "ip address", "email address", "first name",
            "lastname", "last name", "custom data", "custom data 1"}


def _is_surveymonkey(grid: Grid) -> bool:
    head = [norm(h) for h in grid[0]] if grid else []
    second = [norm(c) for c in grid[1]] if len(grid) > 1 else []
    return any(h in _SM_ID for h in head) and (
        any(h in _SM_COLLECTOR for h in head)
        or any(c in ("response", "open ended response") for c in second))


def parse_surveymonkey(grid: Grid) -> pd.DataFrame:
    header = grid[0]
    head = [norm(h) for h in header]
    second = grid[1] if len(grid) > 1 else []
    expanded = any(norm(c) in ("response", "open ended response") for c in second)
    id_col = next(i for i, h in enumerate(head) if h in _SM_ID)
    end_col = next((i for i, h in enumerate(head) if h in ("enddate", "end date")), None)
    questions, current = [], ""
    for i, h in enumerate(header):
        if head[i] in _SM_META or head[i].startswith("custom data") or personal(h):
            current = "" if h else current
            questions.append(None)
            continue
        current = h or current
        item = ""
        if expanded:
            option = second[i] if i < len(second) else ""
            item = "" if norm(option) in ("response", "open ended response") else option
        elif " - " in h:
            current, item = h.split(" - ", 1)
        questions.append((current, item) if current else None)
    body = grid[2:] if expanded else grid[1:]
    records = []
    for row in body:
        if not any(row) or len(row) <= id_col or not row[id_col]:
            continue
        submitted = parse_date(row[end_col]) if end_col is not None and end_col < len(row) \
            else None
        for i, q in enumerate(questions):
            if q is None or i >= len(row):
                continue
            records.append((row[id_col], submitted, q[0], q[1], _scrub(row[i])))
    return _tidy(records)


# -- Google Forms ----------------------------------------------------------------------------
_TIMESTAMP = ("timestamp", "marca temporal", "horodateur", "zeitstempel", "carimbo de data hora",
              "informazioni cronologiche")


def _is_google_forms(grid: Grid) -> bool:
    if len(grid) < 2 or not grid[0] or norm(grid[0][0]) not in _TIMESTAMP:
        return False
    firsts = [r[0] for r in grid[1:6] if r and r[0]]
    return bool(firsts) and all(parse_date(f.split(" ")[0]) or parse_date(f) for f in firsts)


def parse_google_forms(grid: Grid) -> pd.DataFrame:
    header = grid[0]
    records = []
    for n, row in enumerate(grid[1:], start=1):
        if not any(row):
            continue
        submitted = parse_date(row[0]) or parse_date(row[0].split(" ")[0])
        for i, h in enumerate(header[1:], start=1):
            if personal(h) or norm(h) == "score" or i >= len(row):
                continue
            question, item = (h.rsplit(" [", 1)[0], h.rsplit(" [", 1)[1].rstrip("]")) \
                if h.endswith("]") and " [" in h else (h, "")
            records.append((f"R{n}", submitted, question, item, _scrub(row[i])))
    return _tidy(records)


# -- Microsoft Forms ---------------------------------------------------------------------------
def _is_ms_forms(grid: Grid) -> bool:
    head = [norm(h) for h in grid[0]] if grid else []
    return len(head) >= 3 and head[0] == "id" and "start time" in head and \
        "completion time" in head


def parse_ms_forms(grid: Grid) -> pd.DataFrame:
    header = grid[0]
    head = [norm(h) for h in header]
    done = head.index("completion time")
    skip = {"id", "start time", "completion time", "last modified time", "email", "name",
            "total points", "quiz feedback"}
    records = []
    for row in grid[1:]:
        if not any(row):
            continue
        submitted = parse_date(row[done]) if done < len(row) else None
        for i, h in enumerate(header):
            if head[i] in skip or personal(h) or head[i].startswith(("points ", "feedback ")) \
                    or i >= len(row):
                continue
            records.append((row[0], submitted, h, "", _scrub(row[i])))
    return _tidy(records)


PARSERS = [("SurveyMonkey response export", _is_surveymonkey, parse_surveymonkey),
           ("Google Forms response export", _is_google_forms, parse_google_forms),
           ("Microsoft Forms response export", _is_ms_forms, parse_ms_forms)]


def parse_survey(source: Source) -> tuple[str, pd.DataFrame] | None:
    """(tool, tidy answers) for a survey export, else None."""
    for name, grid in source.sheets.items():
        for title, claims, parse in PARSERS:
            if claims(grid):
                return title, parse(grid)
    return None


def detect(source: Source, sheet: str | None):
    found = parse_survey(source)
    if found is None:
        return None
    title, tidy = found
    raise FormatBroken(
        f"'{source.name}' is a {title} ({plural(tidy['respondent_id'].nunique(), 'respondent')}"
        f", {plural(tidy['question'].nunique(), 'question')}). Importing survey answers arrives "
        "with the survey pages, which are not in this version yet; nothing was imported.",
        title="Survey answers cannot be imported yet")


SURVEYS = ExportFormat("survey_export", "Survey tools: SurveyMonkey, Google Forms, Microsoft "
                       "Forms (recognised; import arrives with the survey pages)", "Surveys",
                       detect)
FORMATS = [SURVEYS]
