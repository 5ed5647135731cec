"""What every export format shares: the file as a grid of text cells, recognition results, the
questions only the user can answer, and forgiving readers for numbers and dates.

A format never writes to the store. It turns a tool's export into rows of the indicator_values
template (see convert.py), which then go through the same prepare -> preview -> commit pipeline
as a filled-in template, so preview, import and undo work unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable

import pandas as pd

from ...errors import ExportIncomplete, ImportRefused, PeriodUnrecognised
from ...periods import parse_period
from ..read import decode, is_xlsx, reject_binary

VALUE_COLUMNS = ["indicator", "area", "period", "value", "numerator", "denominator", "lower",
                 "upper", "breakdown", "note", "source"]
Grid = list[list[str]]


# -- the file as grids ----------------------------------------------------------------------
@dataclass
class Source:
    """An upload as text grids: one for a CSV, one per sheet for a workbook."""

    name: str
    data: bytes
    sheets: dict[str, Grid]
    kind: str  # csv | xlsx | xls

    @property
    def first(self) -> Grid:
        return next(iter(self.sheets.values()), [])

    def sheet(self, wanted: str | None) -> tuple[str, Grid]:
        if wanted is not None:
            if wanted not in self.sheets:
                raise ExportIncomplete(f"'{self.name}' has no sheet called '{wanted}'. Its sheets "
                                   f"are: {', '.join(self.sheets)}.")
            return wanted, self.sheets[wanted]
        name = next(iter(self.sheets), "")
        return name, self.sheets.get(name, [])


def _clean(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, datetime):
        return cell.strftime("%Y-%m-%d %H:%M:%S") if (cell.hour or cell.minute) \
            else cell.strftime("%Y-%m-%d")
    if isinstance(cell, date):
        return cell.strftime("%Y-%m-%d")
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    return str(cell).strip()


MAX_CELL = 10 * 1024 * 1024  # the longest cell an export is read with (10 MB)


def _csv_grid(text: str) -> Grid:
    """Every record's cells, whatever its width: exports mix '#' preambles, blank lines, two
    header rows and several tables of different widths in one file. Blank lines are kept as
    empty rows, so a row's index + 1 is the row number Excel shows for it."""
    sample = "\n".join(line for line in text.splitlines()[:60] if not line.startswith("#"))
    delimiter = ","
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    if counts[","] == 0 or counts[";"] > counts[","] * 1.5 or counts["\t"] > counts[","] * 1.5:
        delimiter = max(counts, key=counts.get)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    csv.field_size_limit(MAX_CELL)
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportRefused("The file has a cell longer than 10 MB, which no export holds: it "
                             "is probably not a table of figures. Check the file, or save it "
                             "again from the tool that made it.") from exc
    grid = [[(c or "").strip() for c in row] for row in rows]
    used = max((max((i for i, c in enumerate(r) if c), default=-1) for r in grid), default=-1)
    return [r[:used + 1] for r in grid]


HEAD_ROWS = 300  # enough of any export to recognise it (see formats.recognise)


def read_source(data: bytes, name: str, head: bool = False) -> Source:
    """The file's cells as text, or ImportRefused for what is not a table. With `head`, only
    the first HEAD_ROWS rows of each sheet: a million-row template is not read twice."""
    limit = HEAD_ROWS if head else None
    if data.startswith(b"\xd0\xcf\x11\xe0") and name.lower().endswith(".xls"):
        return Source(name, data, _xls_sheets(data, name, limit), "xls")
    reject_binary(data, name)
    if is_xlsx(data):
        return Source(name, data, _xlsx_sheets(data, name, limit), "xlsx")
    if data.startswith(b"PK\x03\x04"):
        raise ImportRefused(f"'{name}' is a ZIP archive, not a table of figures. If it holds "
                             "an export, unzip it and upload the CSV or Excel file inside.")
    if limit:
        cut = data[:200_000]
        data_head = cut[:cut.rfind(b"\n") + 1] if len(data) > len(cut) and b"\n" in cut else cut
        grid = _csv_grid(decode(data_head, name))[:limit]
        return Source(name, data, {"": grid}, "csv")
    return Source(name, data, {"": _csv_grid(decode(data, name))}, "csv")


def _xlsx_sheets(data: bytes, name: str, limit: int | None = None) -> dict[str, Grid]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ImportRefused(f"'{name}' looks like an Excel workbook but could not be opened. "
                             "Open it in Excel, save it again as .xlsx, and upload that.") from exc
    try:
        sheets = {}
        for sheet in book.sheetnames:
            ws = book[sheet]
            if hasattr(ws, "reset_dimensions"):
                # Tools that write inline strings (X Ads) often declare the used range as A1;
                # read-only mode would believe it and return one cell.
                ws.reset_dimensions()
            sheets[sheet] = [[_clean(c) for c in row]
                             for row in ws.iter_rows(values_only=True, max_row=limit)]
        return sheets
    finally:
        book.close()


def _xls_sheets(data: bytes, name: str, limit: int | None = None) -> dict[str, Grid]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data)
    except Exception as exc:  # xlrd raises its own and struct errors for damaged files
        raise ImportRefused(f"'{name}' looks like an old Excel (.xls) workbook but could not "
                             "be opened. Open it in Excel, save it as .xlsx, and upload that."
                             ) from exc
    sheets = {}
    for sheet in book.sheets():
        grid = []
        for r in range(min(sheet.nrows, limit or sheet.nrows)):
            row = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(_clean(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)))
                else:
                    row.append(_clean(cell.value))
            grid.append(row)
        sheets[sheet.name] = grid
    return sheets


# -- recognition results and questions -------------------------------------------------------
@dataclass
class Question:
    """Something only the user can tell: which area, which event, which indicator."""

    key: str  # "area", "event", "period", "mapping"
    prompt: str
    default: str | None = None
    # for "mapping": series label -> suggested indicator id ("" = not imported)
    series: dict[str, str] = field(default_factory=dict)


@dataclass
class Recognised:
    """A file a format claimed: what it holds, what must be asked, and how to build rows."""

    format: "ExportFormat"
    description: str  # "Mailchimp campaign report: 43 campaigns, Mar 2017 to Nov 2018"
    questions: list[Question]
    build: Callable[[dict], pd.DataFrame]  # answers -> indicator_values rows
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    table_key: str | None = None  # statistics tables: the mapping is remembered under it
    # What the export cannot give, said as warnings ("It has no Reach column, so ...").
    notes: list[str] = field(default_factory=list)
    # Statistics workbooks: every (sheet, table title) the format can read, to choose from.
    tables: list[tuple[str, str]] = field(default_factory=list)

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)


@dataclass(frozen=True)
class ExportFormat:
    """One tool's export. `detect` returns None for a file that is not this format (it never
    raises for a foreign file); ExportIncomplete for this format missing what it needs."""

    key: str  # recorded as the import's kind, e.g. "mailchimp"
    title: str  # "Mailchimp campaign report"
    group: str  # Newsletters, Social media, ...
    detect: Callable[[Source, str | None], Recognised | None]
    # the kind's name in the import history and audit, where the title's list of tools and
    # layouts would not fit: "Survey responses"
    short: str = ""

    @property
    def name(self) -> str:
        return self.short or self.title


# -- headers, numbers and dates ----------------------------------------------------------------
_NOISE = re.compile(r"[^0-9a-zà-ÿ]+")


def norm(text: str) -> str:
    """Headers compared loosely: 'Send_Date' == 'send date' == 'Send Date'."""
    return _NOISE.sub(" ", str(text).lower().replace("\ufeff", "")).strip()


def find_column(headers: list[str], *spellings: str) -> int | None:
    """Index of the first header matching any spelling (normalised), else None."""
    normed = [norm(h) for h in headers]
    for spelling in spellings:
        target = norm(spelling)
        if target in normed:
            return normed.index(target)
    return None


def header_row(grid: Grid, required: list[tuple[str, ...]], scan: int = 30) -> int | None:
    """The first row (within `scan`) holding one spelling of every required header."""
    for i, row in enumerate(grid[:scan]):
        if all(find_column(row, *names) is not None for names in required):
            return i
    return None


MISSING = {"", "-", "–", "—", "n/a", "na", "n.a.", "..", ":", "*", "**", "x", "[x]", "[c]",
           "[z]", "[ns]", "[low]", "null", "none", "nan", "(not set)", "#n/a", "z", "c"}


def number(text, *, decimal_comma: bool | None = None) -> float | None:
    """'2,800' / '2.546' (German thousands) / '99,88%' / '825.0' / '30.65' to a float.

    `decimal_comma` says which the file uses when known (a locale's export); otherwise a comma
    followed by exactly three digits is a thousands separator and any other comma a decimal."""
    if text is None:
        return None
    t = str(text).strip().replace("\u00a0", "").replace(" ", "").replace("%", "").replace("£", "")
    t = t.replace("$", "").replace("€", "")
    if t.lower() in MISSING:
        return None
    if decimal_comma is None:
        if "," in t and "." in t:
            decimal_comma = t.rfind(",") > t.rfind(".")
        elif "," in t:
            decimal_comma = not re.fullmatch(r"-?\d{1,3}(,\d{3})+", t)
        else:
            decimal_comma = False
    if decimal_comma:
        t = t.replace(".", "").replace(",", ".")
    else:
        t = t.replace(",", "")
    try:
        return float(t)
    except ValueError:
        return None


def share(text) -> float | None:
    """A rate as a fraction 0-1 from 27.78%, 27.78 or 0.2778."""
    raw = str(text or "")
    value = number(raw)
    if value is None:
        return None
    return value / 100 if "%" in raw or value > 1 else value


_DATE_FORMATS_MDY = ["%m/%d/%y %H:%M", "%m/%d/%Y %H:%M", "%m/%d/%y", "%m/%d/%Y",
                     "%m/%d/%Y %I:%M:%S %p", "%m/%d/%y %I:%M %p", "%m/%d/%Y %H:%M:%S",
                     "%m/%d/%Y %I:%M %p"]
_DATE_FORMATS_DMY = ["%d/%m/%y %H:%M", "%d/%m/%Y %H:%M", "%d/%m/%y", "%d/%m/%Y",
                     "%d.%m.%Y", "%d.%m.%y", "%d-%m-%Y", "%d/%m/%Y %H:%M:%S"]
_DATE_FORMATS_WORDS = ["%b %d, %Y %I:%M %p", "%b %d, %Y %H:%M", "%b %d, %Y", "%B %d, %Y",
                      "%d %b %Y", "%d %B %Y", "%d %b %Y %H:%M", "%a, %d %b %Y",
                      # Excel's own re-save of a date: 9-Mar-17, 9-Mar-2017 18:54
                      "%d-%b-%y", "%d-%b-%Y", "%d-%b-%y %H:%M", "%d-%b-%Y %H:%M",
                      "%b %d, %Y %I:%M:%S %p",
                      # X analytics since 2024: "Tue, Nov 26, 2024"
                      "%a, %b %d, %Y"]
_DATE_FORMATS_ISO = ["%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y%m%d",
                     "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M %z", "%Y-%m-%dT%H:%M:%S%z"]


def parse_date(text: str, order: str = "mdy") -> date | None:
    """A date in one of the exports' forms; `order` says how to read 03/04/2019."""
    t = str(text or "").strip()
    if not t:
        return None
    if re.fullmatch(r"\d{5}(\.\d+)?", t):  # an Excel serial number
        return (datetime(1899, 12, 30) + timedelta(days=float(t))).date()
    t = re.sub(r"\s*\+0000$", " +0000", t)
    slash = _DATE_FORMATS_MDY + _DATE_FORMATS_DMY if order == "mdy" \
        else _DATE_FORMATS_DMY + _DATE_FORMATS_MDY
    for fmt in _DATE_FORMATS_ISO + slash + _DATE_FORMATS_WORDS:
        try:
            return datetime.strptime(t, fmt).date()
        except ValueError:
            continue
    return _iso_date(t)


def _iso_date(text: str) -> date | None:
    """Any ISO 8601 time the standard library reads ("2026-12-03T10:00:00.000Z", with or
    without seconds, fractions or an offset), as written: its date, not the UTC one."""
    if not re.match(r"\d{4}-\d{2}-\d{2}[T ]", text):
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def guess_order(values: list[str], default: str = "mdy") -> str:
    """'dmy' when some slash date has a first part above 12, 'mdy' when some has a second part
    above 12, else `default`: 'mdy' for the US tools' own dates, 'dmy' for a tool that writes
    ISO dates, whose slash dates can only come from a re-save in (British) Excel."""
    for v in values:
        m = re.match(r"\s*(\d{1,2})[/.](\d{1,2})[/.]\d{2,4}", str(v))
        if m and int(m.group(1)) > 12:
            return "dmy"
        if m and int(m.group(2)) > 12:
            return "mdy"
    return default


def month_label(d: date) -> str:
    return d.strftime("%b %Y")


def span(dates: list[date]) -> str:
    """'Mar 2017 to Nov 2018' (or one month)."""
    first, last = month_label(min(dates)), month_label(max(dates))
    return first if first == last else f"{first} to {last}"


def is_period(text: str) -> bool:
    try:
        parse_period(text)
    except (PeriodUnrecognised, ValueError, TypeError):
        return False
    return True


SOURCE_ROW = "source_row"  # the row number Excel shows for the record a figure comes from


def rows_frame(rows: list[dict]) -> pd.DataFrame:
    """indicator_values rows, each with the `source_row` of the (first) record it comes from."""
    frame = pd.DataFrame(rows, columns=VALUE_COLUMNS + [SOURCE_ROW])
    source_row = frame[SOURCE_ROW].astype("Int64")
    frame = frame[VALUE_COLUMNS].astype(object).where(frame[VALUE_COLUMNS].notna(), None)
    frame[SOURCE_ROW] = source_row
    return frame


def distinct_records(records: list[tuple[int, list[str]]]) -> tuple[list[tuple[int, list[str]]],
                                                                    str | None]:
    """(Excel row, cells) records without exact copies of an earlier one, and a sentence
    naming the copies. A tool writes each post, day, attendee or campaign once; a copy is a
    block pasted twice, and summed it would count those figures twice."""
    first_of: dict[tuple, int] = {}
    kept, copies = [], []
    for row, cells in records:
        key = tuple(c.strip() for c in cells)
        if key in first_of:
            copies.append((row, first_of[key]))
            continue
        first_of[key] = row
        kept.append((row, cells))
    if not copies:
        return kept, None
    shown = "; ".join(f"row {row} repeats row {first}" for row, first in copies[:5])
    more = f" and {plural(len(copies) - 5, 'more')}" if len(copies) > 5 else ""
    copy = "is an exact copy" if len(copies) == 1 else "are exact copies"
    return kept, (f"{plural(len(copies), 'row')} of the file {copy} of an earlier row "
                  f"({shown}{more}), so each is counted once.")


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def area_question() -> Question:
    return Question("area", "Which area are these figures for?")


def is_template_header(header: list) -> bool:
    """A header made of a cjmetrics template's own column names belongs to that template, never
    to a tool's export (the social media posts template has post_id and impressions, as
    Facebook's post export does), so detectors leave such files to the templates."""
    from ..templates import TEMPLATES

    names = {str(cell).strip().lower() for cell in header if str(cell).strip()}
    for template in TEMPLATES.values():
        columns = {c.name for c in template.columns}
        if {c.name for c in template.required} <= names and len(names & columns) * 2 >= len(names):
            return True
    return False
