"""Reading an uploaded file into a staging table of text cells.

CSV goes through DuckDB's reader (dialect sniffing, quoted newlines, rejected lines with their line
numbers); XLSX through openpyxl. Bytes are decoded here first, because Excel on Windows writes
Windows-1252 or UTF-16 and DuckDB's built-in decoders cover neither cp1252 nor a missing BOM.
Every cell stays text until validation, so "007", "1,234" and "64%" reach the rules as typed.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import ImportRefused
from ..store import Stage, StagingError
from ..store.staging import free_name

MAX_UPLOAD_MB = int(os.environ.get("CJMETRICS_MAX_UPLOAD_MB", "50"))
ROW_COLUMN = "_row"  # the spreadsheet row number each staged row came from
MAX_COLUMNS = 16384  # Excel's widest sheet

_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"\xd0\xcf\x11\xe0": "an old-style Excel (.xls) or Word file",
    b"\x1f\x8b": "a gzip archive",
    b"RIFF": "a media file",
    b"SQLite format 3": "a database file",
    b"DUCK": "a DuckDB database",
}


@dataclass
class ReadProblem:
    row: int | None
    column: str | None
    value: str | None
    problem: str
    fix: str
    severity: str = "error"


@dataclass
class StagedFile:
    """The file's cells in TEMP table `raw` of a store's Stage."""

    stage: Stage
    columns: list[str]  # header names as written (stripped), without the row column
    rows: int
    file_name: str
    kind: str  # "csv" or "xlsx"
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    problems: list[ReadProblem] = field(default_factory=list)

    def close(self) -> None:
        self.stage.close()


def check_size(size: int, file_name: str) -> None:
    """Refuse a file over the upload limit, from its size alone (before reading it)."""
    if size > MAX_UPLOAD_MB * 1024 * 1024:
        raise ImportRefused(
            f"'{file_name}' is {size / 1024 / 1024:.0f} MB; the limit is {MAX_UPLOAD_MB} MB. "
            "Split the file into smaller files (for example one per year) and upload each.")


def reject_binary(data: bytes, file_name: str) -> None:
    """Refuse what is not a table, naming what it looks like."""
    if not data:
        raise ImportRefused(f"'{file_name}' is empty. Choose the file again, or fill in a "
                             "template and save it before uploading.")
    check_size(len(data), file_name)
    if data[:512].lstrip().lower().startswith((b"<!doctype html", b"<html")):
        raise ImportRefused(f"'{file_name}' is a web page, not a table of figures. Download "
                             "the export as CSV or Excel from the tool instead of saving the "
                             "page.")
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            fix = ("Open it in Excel and save it as .xlsx or CSV." if "xls" in what
                   else "Upload the spreadsheet or CSV file with the figures instead.")
            raise ImportRefused(f"'{file_name}' is {what}, not a table of figures. {fix}")
    if is_xlsx(data):
        check_workbook_size(data, file_name)


# -- workbooks: bounded before any cell is read ---------------------------------------------
# An xlsx is a ZIP of XML: 0.7 MB can hold 3 million identical cells, which openpyxl takes
# minutes and gigabytes to read. The sheets' XML is streamed and its cells counted first.
MAX_SHEET_CELLS = int(os.environ.get("CJMETRICS_MAX_SHEET_CELLS", "2000000"))
MAX_SHEET_ROWS = int(os.environ.get("CJMETRICS_MAX_SHEET_ROWS", "500000"))
# any one part of the workbook once unpacked (a sheet, the shared strings)
MAX_PART_MB = int(os.environ.get("CJMETRICS_MAX_PART_MB", "512"))
_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_ROW = re.compile(rb"<(?:\w+:)?row[\s/>]")


def check_workbook_size(data: bytes, file_name: str) -> None:
    """Refuse a workbook whose sheets hold more cells or rows than an upload may, or whose parts
    unpack to more than MAX_PART_MB, in bounded time and memory."""
    too_big = ImportRefused(
        f"'{file_name}' unpacks to more than {MAX_PART_MB} MB of spreadsheet data, far more than "
        "a table of figures needs. Save only the sheet with the figures (as CSV or .xlsx) and "
        "upload that.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.file_size > MAX_PART_MB * 1024 * 1024:
                    raise too_big
            for info in archive.infolist():
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    _count_sheet(archive, info, file_name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError,
            EOFError, zlib.error) as exc:  # zlib.error: a part's compressed data is damaged
        raise ImportRefused(f"'{file_name}' looks like an Excel workbook but could not be "
                             "opened. Open it in Excel, save it again as .xlsx, and upload "
                             "that.") from exc


def _count_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file_name: str) -> None:
    cells = rows = 0
    carry = b""
    with archive.open(info) as part:
        while chunk := part.read(1 << 20):
            chunk = carry + chunk
            # Count only up to the last tag opening: a tag cut by the chunk's end is counted
            # with the next chunk.
            cut = chunk.rfind(b"<")
            if cut < 0:
                cut = len(chunk)
            body, carry = chunk[:cut], chunk[cut:]
            cells += len(_CELL.findall(body))
            rows += len(_ROW.findall(body))
            if cells > MAX_SHEET_CELLS or rows > MAX_SHEET_ROWS:
                sheet = info.filename.rsplit("/", 1)[-1].removesuffix(".xml")
                raise ImportRefused(
                    f"'{file_name}' has a sheet ({sheet}) with more than "
                    f"{MAX_SHEET_ROWS:,} rows or {MAX_SHEET_CELLS:,} cells, more than one "
                    "upload may hold. Delete the unused rows and columns (or split the figures "
                    "into several files, for example one per year) and upload each.")


def decode(data: bytes, file_name: str) -> str:
    """Bytes to text: BOMs first, then UTF-16 without a BOM, UTF-8, and Windows-1252."""
    return decode_noting(data, file_name)[0]


MIXED_ENCODING = ("Some lines of this file are written in UTF-8 and others in Windows-1252 "
                  "(as older Excel saves them); each character was read in the encoding it was "
                  "written in.")


def _cp1252_fallback(error: UnicodeDecodeError):
    """Bytes that are not UTF-8 are read as Windows-1252, one by one."""
    bad = error.object[error.start:error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("cjmetrics-cp1252", _cp1252_fallback)
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|"
                             rb"[\xf0-\xf4][\x80-\xbf]{3}")


def decode_noting(data: bytes, file_name: str) -> tuple[str, list[str]]:
    """`decode`, with what was done that the user should know (a file mixing encodings)."""
    notes: list[str] = []
    head = data[:4096]
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            text = data[3:].decode("utf-8")
        except UnicodeDecodeError:  # a UTF-8 file with lines pasted in from Windows-1252
            text = data[3:].decode("utf-8", errors="cjmetrics-cp1252")
            notes.append(MIXED_ENCODING)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif head.count(b"\x00") > len(head) // 4:
        # UTF-16 without a BOM has a NUL in every other byte; anything else is binary.
        even, odd = head[0::2].count(b"\x00"), head[1::2].count(b"\x00")
        if odd > len(head) // 3:
            text = data.decode("utf-16-le", errors="replace")
        elif even > len(head) // 3:
            text = data.decode("utf-16-be", errors="replace")
        else:
            raise ImportRefused(f"'{file_name}' is not a text or Excel file. Save the figures "
                                 "from Excel as CSV or .xlsx and upload that.")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            if _UTF8_MULTIBYTE.search(data):
                # "café" in UTF-8 beside "café" in Windows-1252: reading all of it as
                # Windows-1252 would turn the first into "cafÃ©".
                text = data.decode("utf-8", errors="cjmetrics-cp1252")
                notes.append(MIXED_ENCODING)
            else:
                text = data.decode("cp1252", errors="replace")
    # Every path is checked: zeros decoded as UTF-16 are NULs, and a NUL in a header cannot be
    # used as a column name.
    control = sum(1 for ch in text[:4096] if ord(ch) < 32 and ch not in "\r\n\t")
    if control > 8:
        raise ImportRefused(f"'{file_name}' is not a text or Excel file. Save the figures from "
                             "Excel as CSV or .xlsx and upload that.")
    if "\x00" in text:
        # A NUL inside a cell ("1<NUL>2") must not quietly become another figure (12).
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportRefused(
            f"'{file_name}' has a zero byte (NUL, a character spreadsheets never write) on line "
            f"{line}, so its figures cannot be trusted. Open the file in Excel, save it again "
            "as CSV or .xlsx, and upload that.")
    return text, notes


def is_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def _unique_headers(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for i, name in enumerate(names):
        name = (name or "").strip() or f"column {i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        result.append(name)
    return result


MAX_LINE = 1048576  # bytes: a longer CSV line is an unclosed quote or a whole document


def stage_csv(data: bytes, file_name: str, stage: Stage) -> StagedFile:
    text, notes = decode_noting(data, file_name)
    if not text or text.isspace():  # (strip() would copy a large file once more)
        raise ImportRefused(f"'{file_name}' holds no text. Fill in the template and upload it "
                             "again.")
    first_line = text[:text.find("\n")] if "\n" in text[:1 << 20] else text[:1 << 20]
    if max(first_line.count(sep) for sep in ",;\t") >= MAX_COLUMNS:
        raise ImportRefused(
            f"'{file_name}' has more than {MAX_COLUMNS:,} columns, more than a spreadsheet can "
            "hold. Keep only the columns with the figures (see the template) and upload it "
            "again.")
    # DuckDB reads files, not strings: a private temporary file whose name never comes from
    # the upload. It is deleted as soon as the staging table holds the cells.
    handle, tmp = tempfile.mkstemp(prefix="cjmetrics-upload-", suffix=".csv")
    try:
        with os.fdopen(handle, "wb") as out:
            # Plain ASCII that decoding left as it was (no BOM, no NUL) is written as uploaded,
            # without encoding a second copy of a large file.
            out.write(data if len(text) == len(data) and data.isascii()
                      else text.encode("utf-8"))
        try:
            # Row numbers as Excel shows them (the header is row 1); DuckDB keeps file order.
            rejected, renamed = stage.load_csv("raw", tmp, ROW_COLUMN, MAX_LINE)
        except StagingError as exc:
            if "maximum line size" in str(exc).lower():
                raise ImportRefused(
                    f"'{file_name}' has a line longer than 1 MB (a cell holding a whole "
                    "document, or an unclosed quote that runs to the end of the file). Shorten "
                    "that cell or close the quote, save the file again and upload it.") from exc
            raise ImportRefused(
                f"'{file_name}' could not be read as a table ({_first_line(exc)}). Open it in "
                "Excel and save it as 'CSV UTF-8 (comma delimited)' or .xlsx, then upload it "
                "again.") from exc
        unclosed = _unclosed_quotes(stage, tmp, text)
    finally:
        Path(tmp).unlink(missing_ok=True)
    headers = stage.columns("raw")[:-1]  # the last is the row number
    if any("\x00" in header for header in headers):  # no SQL can name such a column
        raise ImportRefused(f"'{file_name}' has a NUL character in its header row, so it is "
                             "not a CSV file a spreadsheet saved. Save the figures from Excel as "
                             "CSV or .xlsx and upload that.")
    clean = _unique_headers(headers)
    notes_as_problems = [ReadProblem(None, None, None, note, "Check the accented letters in the "
                                     "preview.", "warning") for note in notes]
    notes_as_problems += _repeated_headers(clean)
    if renamed:
        notes_as_problems.append(_row_column_kept_apart(renamed))
    for header, name in zip(headers, clean):
        if header != name:
            stage.rename_column("raw", header, name)
    if unclosed:
        # A stray quote makes the sniffer read quotes literally; then every correctly quoted
        # cell with a comma looks like an extra field. Report the cause, not those lines.
        rejected = [r for r in rejected if '"' not in (r[3] or "")]
    problems = [
        ReadProblem(int(line), None, (csv_line or "")[:120],
                    "This line has " + ("too few" if "MISSING" in etype else "too many")
                    + " fields for the header row." if "COLUMNS" in etype else message,
                    "Check for a missing or extra separator (comma, semicolon) or an unclosed "
                    "quote on this line.")
        for line, etype, message, csv_line in rejected]
    problems += [
        ReadProblem(line, None, csv_line[:120], 'This line has an unclosed quote (").',
                    'Add the closing " after the text it opens, or remove the quote.')
        for line, csv_line in unclosed]
    problems.sort(key=lambda p: p.row)
    problems = notes_as_problems + problems
    # Rows left blank (Excel writes ",,,," for them) are not figures; an xlsx drops them too.
    quoted = ['"' + c.replace('"', '""') + '"' for c in clean]
    # A cell starting with a printable ASCII character cannot trim to nothing: that test is
    # cheap and spares trim() for nearly every cell.
    blank = " AND ".join(f"({q} IS NULL OR (NOT (ascii({q}) BETWEEN 33 AND 126) "
                         f"AND trim({q}) = ''))" for q in quoted)
    if len(quoted) > 64:
        # Thousands of columns: one list test instead of an expression per column, which
        # DuckDB takes seconds to plan.
        blank = f"len(list_filter([{', '.join(quoted)}], x -> trim(x) <> '')) = 0"
    stage.delete("raw", blank)
    rows = stage.count("raw")
    if rows == 0 and rejected:
        first = problems[0] if problems else None
        raise ImportRefused(
            f"None of the {len(rejected):,} data line{'s' if len(rejected) != 1 else ''} of "
            f"'{file_name}' could be read: "
            + (f"line {first.row}: {first.problem[:1].lower()}{first.problem[1:]} "
               if first else "")
            + "Check that every line has as many separators (commas) as the header row, then "
              "upload the file again.")
    return StagedFile(stage, clean, rows, file_name, "csv", problems=problems)


def _apart_from_row_numbers(headers: list[str]) -> tuple[list[str], list[ReadProblem]]:
    """A file's own column named like the staged row numbers (ROW_COLUMN) renamed, as a CSV's
    is when DuckDB reads it, with the warning that says so."""
    if ROW_COLUMN not in headers:
        return headers, []
    renamed = free_name(ROW_COLUMN, headers)
    return ([renamed if h == ROW_COLUMN else h for h in headers],
            [_row_column_kept_apart(renamed)])


def _row_column_kept_apart(renamed: str) -> ReadProblem:
    return ReadProblem(
        None, renamed, None, f"The column name '{ROW_COLUMN}' is the one cjmetrics gives the "
        f"row numbers it reports, so the file's '{ROW_COLUMN}' column (shown as '{renamed}') is "
        "not read.", f"Rename the '{ROW_COLUMN}' column if it holds figures, or delete it.",
        "warning")


def _repeated_headers(headers: list[str]) -> list[ReadProblem]:
    """A column name written twice: DuckDB keeps both, naming the second value_1; say which
    one is used, so the second is not dropped unnoticed."""
    names = set(headers)
    problems = []
    for header in headers:
        match = re.fullmatch(r"(.+)_(\d+)", header)
        if match and match.group(1) in names:
            base = match.group(1)
            problems.append(ReadProblem(
                None, header, None, f"The column name '{base}' is written more than once; the "
                f"first '{base}' column is read and the later one (shown as '{header}') is not.",
                f"Delete or rename the extra '{base}' column if it holds other figures.",
                "warning"))
    return problems


def _unclosed_quotes(stage: Stage, path: str, text: str) -> list[tuple[int, str]]:
    """Lines with an odd number of double quotes, when they made DuckDB read quotes literally.

    Only looked for when the file has a quote and the sniffer chose none, so a normal file
    costs nothing."""
    if '"' not in text:
        return []
    quote = stage.sniff_quote(path, MAX_LINE)
    if quote is None or quote not in ("", "(empty)"):
        return []
    return [(number, line) for number, line in enumerate(re.split(r"\r\n|\r|\n", text), 1)
            if line.count('"') % 2]


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0].split(": ", 1)[-1][:160]


def _cell_text(value, number_format: str | None) -> str | None:
    """An Excel cell as the text a person sees, so the same rules apply as for CSV."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d") if not getattr(value, "hour", 0) and \
            not getattr(value, "minute", 0) else value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (int, float)):
        if number_format and "%" in number_format:
            return f"{value * 100:.10g}%"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    return str(value)


def stage_xlsx(data: bytes, file_name: str, sheet: str | None, stage: Stage) -> StagedFile:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise ImportRefused(f"'{file_name}' looks like an Excel workbook but could not be opened "
                             f"({_first_line(exc)}). Open it in Excel, save it again as .xlsx, "
                             "and upload that.") from exc
    try:
        names = list(book.sheetnames)
        if sheet is not None and sheet not in names:
            raise ImportRefused(f"'{file_name}' has no sheet called '{sheet}'. Its sheets are: "
                                 f"{', '.join(names)}.")
        candidates = [sheet] if sheet else names
        for name in candidates:
            ws = book[name]
            if hasattr(ws, "reset_dimensions"):
                # Tools that write inline strings often declare the used range as A1, which
                # read-only mode would believe (one cell). The cells were counted already.
                ws.reset_dimensions()
            rows = [[_cell_text(c.value, getattr(c, "number_format", None)) for c in row]
                    for row in ws.iter_rows()]
            rows = [r for r in rows if any(v not in (None, "") for v in r)]
            if len(rows) >= 1:
                break
        else:
            raise ImportRefused(f"'{file_name}' has no sheet with any data. Put the figures on "
                                 "the first sheet, with the column names in the first row.")
    finally:
        book.close()
    header, body = rows[0], rows[1:]
    width = max(len(r) for r in rows)
    header = _unique_headers([(h or "") for h in header] + [""] * (width - len(header)))
    header, problems = _apart_from_row_numbers(header)
    frame = pd.DataFrame([r + [None] * (width - len(r)) for r in body], columns=header,
                         dtype=object)
    frame.insert(0, ROW_COLUMN, range(2, len(frame) + 2))
    stage.load_frame("raw", frame.astype({c: "string" for c in header}))
    return StagedFile(stage, header, len(frame), file_name, "xlsx", sheet=name, sheets=names,
                      problems=problems)


SOURCE_ROW = "source_row"  # in rows built from a tool's export: the row of the file they came from


def stage_rows(frame: pd.DataFrame, file_name: str, stage: Stage) -> StagedFile:
    """Rows a tool-format parser built, staged as text cells without a round trip through CSV.
    A `source_row` column (the row the user sees in Excel, header counted) numbers them, so
    problems name the file's own rows; without it they are numbered 2, 3, ... as a template."""
    written = [c for c in frame.columns if c != SOURCE_ROW]
    columns, problems = _apart_from_row_numbers(written)
    cells = pd.DataFrame({name: [None if v is None or (isinstance(v, float) and v != v)
                                 else (str(int(v)) if isinstance(v, float) and v.is_integer()
                                       else str(v)) for v in frame[c]]
                          for c, name in zip(written, columns)}, dtype=object)
    rows = (pd.to_numeric(frame[SOURCE_ROW]).fillna(0).astype("int64") if SOURCE_ROW in frame
            else pd.Series(range(2, len(frame) + 2)))
    cells.insert(0, ROW_COLUMN, rows.to_numpy())
    stage.load_frame("raw", cells.astype({c: "string" for c in columns}))
    return StagedFile(stage, columns, len(frame), file_name, "rows", problems=problems)


def stage_file(data: bytes, file_name: str, sheet: str | None, stage: Stage) -> StagedFile:
    """Read an upload (CSV or XLSX) into TEMP table `raw` of `stage` (a store's Stage), or say
    why it cannot be read."""
    reject_binary(data, file_name)
    if data.startswith(b"PK\x03\x04") and not is_xlsx(data):
        raise ImportRefused(f"'{file_name}' is a ZIP archive (or a damaged or non-Excel Office "
                             "file), not a table of figures. If it holds a spreadsheet, open it in "
                             "Excel, save it as .xlsx or CSV, and upload that.")
    try:
        staged = stage_xlsx(data, file_name, sheet, stage) if is_xlsx(data) \
            else stage_csv(data, file_name, stage)
    except BaseException:
        stage.close()
        raise
    if staged.rows == 0:
        staged.close()
        raise ImportRefused(f"'{file_name}' has a header row but no data rows. Add a row per "
                             "figure under the column names and upload it again.")
    return staged
