"""Survey tool exports: SurveyMonkey (expanded and condensed, old and new naming, CSV and XLSX),
Google Forms (CSV and XLSX) and Microsoft Forms, parsed into a tidy respondent x question frame.

A recognised export becomes a `SurveyExport`: one field per question (a matrix question has one
field per row; a multiple-choice question spread over one column per option is gathered into
one field whose answer lists the options ticked, joined by ';'). cjmetrics/survey_mapping.py maps
the fields onto a survey definition and lands the answers per respondent. Personal data (names,
e-mail and IP addresses, phone numbers, postal addresses) is dropped here, before anything else
sees the answers; respondent ids are kept."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

from .base import (
    ExportFormat,
    ExportIncomplete,
    Grid,
    Question,
    Recognised,
    Source,
    guess_order,
    norm,
    parse_date,
    plural,
)

# source_row: the row number Excel shows for the respondent's record (header rows counted).
TIDY_COLUMNS = ["respondent_id", "submitted", "question", "item", "answer", "source_row"]
_PERSONAL = re.compile(
    r"\b(e ?mail|email address|ip address|first name|last ?name|surname|full name|your name|"
    r"^name$|phone|mobile|telephone|address|postcode|post code|zip|custom data)\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE = re.compile(r"(\+?\d[\d ()-]{8,}\d)")


def personal(header: str) -> bool:
    """A column asking who someone is or how to reach them. Only short headers count: a
    question such as "Which e-mail newsletter do you read?" is a question, not an address."""
    text = norm(header)
    return bool(_PERSONAL.search(text)) and len(text.split()) <= 6


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


# A condensed export's sub-column of a question: its "Other (please specify)" or comment box.
_SUB_COLUMNS = {"other please specify", "other", "please specify", "other specify",
                "comment", "comments", "comment box", "other comments please specify"}


def _sub_column_item(header: str, previous_answers: list[str]) -> str:
    """The item name of a condensed export's sub-column: its own header when it has one, else
    'Other (please specify)' after a question answered 'Other ...', else 'Comment'."""
    if header:
        return header
    if any(norm(a).startswith("other") for a in previous_answers):
        return "Other (please specify)"
    return "Comment"


def parse_surveymonkey(grid: Grid) -> pd.DataFrame:
    header = grid[0]
    head = [norm(h) for h in header]
    second = grid[1] if len(grid) > 1 else []
    expanded = any(norm(c) in ("response", "open ended response") for c in second)
    id_col = next(i for i, h in enumerate(head) if h in _SM_ID)
    end_col = next((i for i, h in enumerate(head) if h in ("enddate", "end date")), None)
    body = grid[2:] if expanded else grid[1:]
    first_row = 3 if expanded else 2
    questions, current = [], ""
    for i, h in enumerate(header):
        if head[i] in _SM_META or head[i].startswith("custom data") or personal(h):
            current = "" if h else current
            questions.append(None)
            continue
        item = ""
        if expanded:
            current = h or current
            option = second[i] if i < len(second) else ""
            item = "" if norm(option) in ("response", "open ended response") else option
        elif current and (not h or head[i] in _SUB_COLUMNS):
            # The question's own free text, not a question (nor a second answer) of its own.
            previous = [r[i - 1] for r in body[:200] if i - 1 < len(r)]
            item = _sub_column_item(h, previous)
        elif " - " in h:
            current, item = h.split(" - ", 1)
        else:
            current = h or current
        questions.append((current, item) if current else None)
    records = []
    for excel_row, row in enumerate(body, start=first_row):
        if not any(row) or len(row) <= id_col or not row[id_col]:
            continue
        submitted = parse_date(row[end_col]) if end_col is not None and end_col < len(row) \
            else None
        for i, q in enumerate(questions):
            if q is None or i >= len(row):
                continue
            records.append((row[id_col], submitted, q[0], q[1], _scrub(row[i]), excel_row))
    return _tidy(records)


# -- Google Forms ----------------------------------------------------------------------------
_TIMESTAMP = ("timestamp", "marca temporal", "horodateur", "zeitstempel", "carimbo de data hora",
              "informazioni cronologiche")


def _is_google_forms(grid: Grid) -> bool:
    if len(grid) < 2 or not grid[0] or norm(grid[0][0]) not in _TIMESTAMP:
        return False
    firsts = [r[0] for r in grid[1:6] if r and r[0]]
    return bool(firsts) and all(parse_date(f.split(" ")[0]) or parse_date(f) for f in firsts)


_STAMPS = ["%m/%d/%Y %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S",
           "%Y/%m/%d %I:%M:%S %p", "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M", "%d.%m.%Y %H:%M:%S"]


def _stamp(text: str, order: str) -> str | None:
    """A submission time as 20200303-093000, the same from the CSV's text and the workbook's
    Excel serial number: Google Forms has no response id, so its time is the respondent's id."""
    t = re.sub(r"\s+(GMT|UTC|[A-Z]{3,4})([+-]\d+(:\d+)?)?$", "", str(text).strip())
    if re.fullmatch(r"\d{5}(\.\d+)?", t):
        when = datetime(1899, 12, 30) + timedelta(days=float(t))
        return (when + timedelta(milliseconds=500)).strftime("%Y%m%d-%H%M%S")
    stamps = _STAMPS if order == "mdy" else [_STAMPS[1], _STAMPS[0], *_STAMPS[2:]]
    for fmt in stamps:
        try:
            return datetime.strptime(t, fmt).strftime("%Y%m%d-%H%M%S")
        except ValueError:
            continue
    try:  # a sheet re-saved with ISO times: 2025-01-15T21:53:05.000Z
        return datetime.fromisoformat(t).strftime("%Y%m%d-%H%M%S")
    except ValueError:
        return None


def _respondent_ids(stamps: list[str]) -> list[str]:
    """R + submission time (R20200303-093000; -2, -3 for the same second), or R1, R2 ... in the
    sheet's order when a time cannot be read."""
    order = guess_order(stamps)
    read = [_stamp(s, order) for s in stamps]
    if not all(read):
        return [f"R{n}" for n in range(1, len(stamps) + 1)]
    seen: Counter = Counter()
    ids = []
    for r in read:
        seen[r] += 1
        ids.append(f"R{r}" + (f"-{seen[r]}" if seen[r] > 1 else ""))
    return ids


def parse_google_forms(grid: Grid) -> pd.DataFrame:
    header = grid[0]
    records = []
    numbered = [(n, row) for n, row in enumerate(grid[1:], start=2) if any(row)]
    rows = [row for _, row in numbered]
    ids = _respondent_ids([row[0] for row in rows])
    for rid, (excel_row, row) in zip(ids, numbered):
        submitted = parse_date(row[0]) or parse_date(row[0].split(" ")[0])
        for i, h in enumerate(header[1:], start=1):
            if personal(h) or norm(h) == "score" or i >= len(row):
                continue
            question, item = (h.rsplit(" [", 1)[0], h.rsplit(" [", 1)[1].rstrip("]")) \
                if h.endswith("]") and " [" in h else (h, "")
            records.append((rid, submitted, question, item, _scrub(row[i]), excel_row))
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
    for excel_row, row in enumerate(grid[1:], start=2):
        if not any(row):
            continue
        submitted = parse_date(row[done]) if done < len(row) else None
        for i, h in enumerate(header):
            if head[i] in skip or personal(h) or head[i].startswith(("points ", "feedback ")) \
                    or i >= len(row):
                continue
            records.append((row[0], submitted, h, "", _scrub(row[i]), excel_row))
    return _tidy(records)


# -- broken exports: recognised by their other columns, missing what the import needs --------
_SM_SIGNS = {"collectorid", "collector id", "startdate", "start date", "enddate", "end date"}


def _broken(grid: Grid) -> str | None:
    """A sentence for an export that is clearly one tool's but cannot be read, else None."""
    if not grid:
        return None
    if any({"answer choices", "responses"} <= {norm(c) for c in row} for row in grid[:12]):
        return ("This is a SurveyMonkey summary (answer choices with their shares), not the "
                "responses: it has no respondents to import. In SurveyMonkey, export "
                "'All individual responses' instead.")
    head = [norm(h) for h in grid[0]]
    second = [norm(c) for c in grid[1]] if len(grid) > 1 else []
    if sum(h in _SM_SIGNS for h in head) >= 2 and not any(h in _SM_ID for h in head):
        return ("This looks like a SurveyMonkey response export (it has Collector ID and Start "
                "Date columns), but it has no Respondent ID column, so answers cannot be kept "
                "per respondent. Export the responses again from SurveyMonkey with all columns.")
    if head and head[0] == "" and any(c in ("response", "open ended response") for c in second):
        return ("This looks like a SurveyMonkey response export (expanded), but its first "
                "column is not Respondent ID. Export the responses again with all columns.")
    if "start time" in head and "completion time" in head and "id" not in head:
        return ("This looks like a Microsoft Forms response export, but it has no Id column, "
                "so answers cannot be kept per respondent. Download the responses again from "
                "Microsoft Forms (Open in Excel) without deleting columns.")
    if head and head[0] in _TIMESTAMP and len(head) > 1 and not any(any(r) for r in grid[1:]):
        return ("This is a Google Forms response export, but it holds no responses: only its "
                "header row. It looks cut short; download it again.")
    if head and head[0] in _TIMESTAMP and len(grid) > 1:
        firsts = [r[0] for r in grid[1:6] if r and any(r)]
        if firsts and not all(r for r in firsts):
            return ("This looks like a Google Forms response export, but its Timestamp column "
                    "is empty, so responses cannot be told apart. Download the responses again "
                    "from the form (Responses, Download responses) or its Sheet.")
    return None


def _only_headers(title: str, grid: Grid, expanded: bool) -> str | None:
    body = grid[2:] if expanded else grid[1:]
    if any(any(r) for r in body):
        return None
    return (f"This is a {title}, but it holds no responses: only its header "
            f"row{'s' if expanded else ''}. It looks cut short; download it again.")


PARSERS = [("SurveyMonkey response export", _is_surveymonkey, parse_surveymonkey),
           ("Google Forms response export", _is_google_forms, parse_google_forms),
           ("Microsoft Forms response export", _is_ms_forms, parse_ms_forms)]


def _claims(grid: Grid):
    for title, claims, parse in PARSERS:
        if claims(grid):
            return title, parse
    return None


def parse_survey(source: Source, sheet: str | None = None) -> tuple[str, pd.DataFrame] | None:
    """(tool, tidy answers) for a survey export, else None."""
    found = _find_sheet(source, sheet)
    if found is None:
        return None
    _, title, tidy = found
    return title, tidy


def _find_sheet(source: Source, sheet: str | None):
    """(sheet, tool, tidy) of the sheet holding responses. A named sheet that holds none while
    another does is a wrong sheet, said as such."""
    names = [sheet] if sheet is not None and sheet in source.sheets else list(source.sheets)
    for name in names:
        grid = source.sheets[name]
        claimed = _claims(grid)
        if claimed is None:
            problem = _broken(grid)
            if problem:
                raise ExportIncomplete(f"'{source.name}'{_on(source, name)}: {problem}")
            continue
        title, parse = claimed
        expanded = title.startswith("SurveyMonkey") and _expanded(grid)
        problem = _only_headers(title, grid, expanded)
        tidy = parse(grid) if problem is None else None
        if problem is None and tidy.empty:
            problem = (f"This is a {title}, but none of its responses holds an answer to a "
                       "question (only ids, dates or personal details). Download it again with "
                       "the question columns.")
        if problem:
            raise ExportIncomplete(f"'{source.name}'{_on(source, name)}: {problem}")
        return name, title, tidy
    if sheet is not None and sheet in source.sheets:
        others = [n for n in source.sheets if n != sheet and _claims(source.sheets[n])]
        if others:
            title = _claims(source.sheets[others[0]])[0]
            raise ExportIncomplete(
                f"'{source.name}' is a {title} workbook, but the sheet '{sheet}' holds no "
                f"responses: they are on the sheet '{others[0]}'. Choose that sheet.")
    return None


def _on(source: Source, name: str) -> str:
    return f" (sheet '{name}')" if source.kind != "csv" and len(source.sheets) > 1 else ""


def _expanded(grid: Grid) -> bool:
    return len(grid) > 1 and any(norm(c) in ("response", "open ended response") for c in grid[1])


# -- fields: what the mapping step maps ----------------------------------------------------------
@dataclass
class Field:
    """One column (or group of option columns) of the export: a question, or a matrix row."""

    key: str  # shown and remembered: "Question" or "Question [row]"
    question: str
    item: str = ""
    multiple: bool = False  # answers are several options joined by ';'
    options: list[str] = field(default_factory=list)  # option columns, in the export's order
    free_text: bool = False  # an "Other (please specify)" box


@dataclass
class SurveyExport:
    """A survey tool's export as fields and per-respondent answers (no personal data)."""

    tool: str  # SurveyMonkey | Google Forms | Microsoft Forms
    variant: str  # expanded | condensed | ""
    fields: list[Field]
    answers: pd.DataFrame  # respondent_id, submitted, field, answer, source_row
    file_name: str
    sheet: str | None = None
    dropped: list[str] = field(default_factory=list)  # personal-data headers left out

    @property
    def respondents(self) -> int:
        return int(self.answers["respondent_id"].nunique())

    @property
    def questions(self) -> int:
        return len(dict.fromkeys(f.question for f in self.fields))

    @property
    def dates(self) -> list:
        return sorted(d for d in self.answers["submitted"].dropna().unique())

    @property
    def description(self) -> str:
        kind = f"{self.tool} responses" + (f" ({self.variant})" if self.variant else "")
        text = (f"{kind}: {plural(self.respondents, 'respondent')}, "
                f"{plural(self.questions, 'question')}")
        dates = self.dates
        if dates:
            first, last = (f"{d.day} {d:%b %Y}" for d in (dates[0], dates[-1]))
            text += f", {first}" + ("" if first == last else f" to {last}")
        return text

    def signature(self) -> str:
        """Stays the same for the next export of the same survey (the questions, not answers)."""
        import hashlib
        return hashlib.sha1("\n".join(sorted(f.key for f in self.fields)).encode()).hexdigest()[:16]


_TOOLS = {"SurveyMonkey response export": "SurveyMonkey",
          "Google Forms response export": "Google Forms",
          "Microsoft Forms response export": "Microsoft Forms"}


def _joined(value: str) -> bool:
    return ";" in value


def _fields(tool: str, tidy: pd.DataFrame) -> tuple[list[Field], pd.DataFrame]:
    """Group the tidy answers into fields (see the module's docstring)."""
    fields: list[Field] = []
    rows = []
    for question, block in tidy.groupby("question", sort=False):
        items = list(dict.fromkeys(block["item"]))
        if items != [""]:
            ticked = block["answer"].map(norm) == block["item"].map(norm)
            by_item = ticked.groupby(block["item"], sort=False).mean()
            options = [i for i in items if by_item.get(i, 0) >= 0.99]
            if options:  # one column per option, the option's text when ticked
                f = Field(question, question, multiple=True, options=options)
                fields.append(f)
                chosen = block[block["item"].isin(options)]
                for rid, picks in chosen.groupby("respondent_id", sort=False):
                    rows.append((rid, picks["submitted"].iloc[0], f.key,
                                 ";".join(picks["answer"]), picks["source_row"].iloc[0]))
            for item in items:
                if item in options:
                    continue
                f = Field(f"{question} [{item}]" if item else question, question, item)
                if (options or "" in items) and item:
                    # The "Other (please specify)" box of a choice question: its own free text.
                    f = Field(f"{question} [{item}]", f"{question} ({item})", free_text=True)
                fields.append(f)
                for r in block[block["item"] == item].itertuples():
                    rows.append((r.respondent_id, r.submitted, f.key, r.answer, r.source_row))
            continue
        answers = block["answer"].astype(str)
        multiple = False
        if tool == "Microsoft Forms" and answers.str.endswith(";").mean() > 0.5:
            multiple, answers = True, answers.str.rstrip(";")
        elif tool == "Google Forms" and _checkboxes(answers):
            multiple = True
            answers = answers.map(lambda a: ";".join(p.strip() for p in a.split(", ")))
        f = Field(question, question, multiple=multiple)
        fields.append(f)
        rows.extend(zip(block["respondent_id"], block["submitted"], [f.key] * len(block),
                        answers, block["source_row"]))
    frame = pd.DataFrame(rows, columns=["respondent_id", "submitted", "field", "answer",
                                        "source_row"])
    frame["source_row"] = frame["source_row"].astype("Int64")
    return fields, frame


def _checkboxes(answers: pd.Series) -> bool:
    """Google Forms joins the boxes ticked with ', ': a question is checkboxes when answers with
    a comma are made of parts that recur (free text with a comma is not)."""
    several = answers[answers.str.contains(", ", regex=False)]
    if several.empty:
        return False
    parts = Counter(p.strip() for a in answers for p in a.split(", "))
    return len(parts) <= 20 and all(parts[p.strip()] >= 2 for a in several for p in a.split(", "))


def export_from(source: Source, sheet: str | None) -> SurveyExport | None:
    found = _find_sheet(source, sheet)
    if found is None:
        return None
    name, title, tidy = found
    tool = _TOOLS[title]
    variant = ""
    if tool == "SurveyMonkey":
        variant = "expanded" if _expanded(source.sheets[name]) else "condensed"
    fields, answers = _fields(tool, tidy)
    dropped = [h for h in source.sheets[name][0] if h and personal(h)]
    return SurveyExport(tool, variant, fields, answers, source.name,
                        name if source.kind != "csv" else None, dropped)


def detect(source: Source, sheet: str | None):
    export = export_from(source, sheet)
    if export is None:
        return None

    def build(answers):  # survey answers are built by cjmetrics.survey_mapping, not here
        raise ExportIncomplete("A survey export is imported through its question mapping.")

    recognised = Recognised(
        SURVEYS, export.description,
        [Question("area", "Which area are these answers for?"),
         Question("survey", "Which survey definition do these answers belong to?"),
         Question("period", "When did the survey run (e.g. 2019/20 or Mar 2020)?")],
        build, export.sheet, [n for n in source.sheets] if source.kind != "csv" else [],
        table_key=None)
    recognised.survey = export  # the parsed export, for the mapping step
    return recognised


KEY = "survey_export"
SURVEYS = ExportFormat(KEY, "Survey tools: SurveyMonkey (expanded or condensed), Google Forms, "
                       "Microsoft Forms response exports", "Surveys", detect,
                       short="Survey responses")
FORMATS = [SURVEYS]
