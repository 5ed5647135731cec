"""Writes the binary fixtures of tests/data/bad/ (and the xlsx ones of tests/data/good/).

The CSV fixtures are plain files edited by hand; these cannot be, so they are generated here.
Run from anywhere: `python tests/data/bad/make_xlsx.py`. Output is deterministic except for the
timestamps openpyxl writes into an xlsx.
"""

from __future__ import annotations

import gzip
import io
import random
import struct
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

import openpyxl

BAD = Path(__file__).resolve().parent
GOOD = BAD.parent / "good"
HEADER = ["indicator", "area", "period", "value"]


def png() -> bytes:
    """A real 1x1 PNG."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
            + chunk(b"IEND", b""))


def jpeg() -> bytes:
    """The start of a JFIF file, as a phone photo renamed .csv begins."""
    return (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            + random.Random(2).randbytes(300) + b"\xff\xd9")


def pdf() -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
            b"trailer << /Root 1 0 R >>\n%%EOF\n")


def xls() -> bytes:
    """An OLE2 compound file header: what a .xls (Excel 97-2003) starts with."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff" \
        + b"\x00" * 482


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in members.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), body)
    return out.getvalue()


def book(sheets: dict[str, list[list]], formats: dict[tuple[str, str], str] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    for (title, cell), number_format in (formats or {}).items():
        wb[title][cell].number_format = number_format
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    csv = b"indicator,area,period,value\nndo1_diversion_completed,Glasgow City,2023/24,245\n"
    binaries = {
        "image_renamed.csv": png(),
        "photo_renamed.csv": jpeg(),
        "pdf_renamed.csv": pdf(),
        "xls_renamed.csv": xls(),
        "random_binary.csv": random.Random(1).randbytes(2048),
        "zip_renamed.csv": zipped({"figures.csv": csv}),
        "docx_renamed.xlsx": zipped({"[Content_Types].xml": b"<Types/>",
                                     "word/document.xml": b"<w:document/>"}),
        "gzip_renamed.csv": gzip.compress(csv, mtime=0),
        "sqlite_renamed.csv": b"SQLite format 3\x00" + b"\x00" * 496,
        "empty_sheets.xlsx": book({"Sheet1": [], "Sheet2": []}),
        "header_only.xlsx": book({"Figures": [HEADER]}),
        "unknown_area.xlsx": book({"Figures": [
            HEADER, ["ndo1_diversion_completed", "Glasgow City", "2022/23", 250],
            ["ndo1_diversion_completed", "Glasgw", "2023/24", 245]]}),
        "wrong_sheet.xlsx": book({"Data": [
            HEADER, ["ndo1_diversion_completed", "Glasgow City", "2023/24", 245]]}),
        "percent_over_100.xlsx": book(
            {"Figures": [HEADER, ["ndo4_community_sentences_completed", "Glasgow City",
                                  "2023/24", 1.4]]},
            {("Figures", "D2"): "0%"}),
    }
    # A workbook cut short in transfer: a ZIP header, but not a readable workbook.
    binaries["truncated.xlsx"] = binaries["unknown_area.xlsx"][:300]
    for name, body in binaries.items():
        (BAD / name).write_bytes(body)

    GOOD.mkdir(exist_ok=True)
    (GOOD / "percent_formatted.xlsx").write_bytes(book(
        {"Figures": [HEADER, ["ndo4_community_sentences_completed", "Glasgow City", "2023/24",
                              0.64]]},
        {("Figures", "D2"): "0%"}))
    (GOOD / "dates_and_second_sheet.xlsx").write_bytes(book({
        "Notes": [],
        "Figures": [HEADER,
                    ["eng_event_attendance", "Glasgow City", datetime(2024, 4, 1), 40],
                    ["eng_event_attendance", "Glasgow City", "Mar 2024", 35.0]]}))


if __name__ == "__main__":
    main()
