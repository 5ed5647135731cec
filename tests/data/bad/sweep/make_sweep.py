"""Writes the files of tests/data/bad/sweep/: uploads that once crashed, changed figures quietly or
misled, and others a first week of real use would bring. tests/app/test_bad_input.py says what each
must end in. Files too big to keep (a 1 GB sparse file, workbooks of millions of cells, a
5,000-column CSV, a 1 MB cell) are written by that test into its tmp folder instead.

Run from anywhere: `python tests/data/bad/sweep/make_sweep.py`. Output is deterministic.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
V = "indicator,area,period,value\n"
ROW = "ndo1_diversion_completed,Glasgow City,"
POSTS = "channel,post_id,area,posted,text,impressions,engagements,clicks,link\n"
ANSWERS = "survey,area,period,respondent,question,item,answer,source\n"


def values(*cells: str, header: str = V) -> bytes:
    """Indicator values for Glasgow City, one figure per financial year from 2023/24 back."""
    years = ["2023/24", "2022/23", "2021/22", "2020/21", "2019/20"]
    return (header + "".join(f"{ROW}{y},{c}\n" for y, c in zip(years, cells))).encode()


def workbook(rows: list[list[str]]) -> bytes:
    """A minimal xlsx with inline strings, written by hand so nothing varies between runs."""
    def cell(ref: str, text: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    sheet = "".join(
        f'<row r="{r}">' + "".join(cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(row))
        + "</row>" for r, row in enumerate(rows, 1))
    return zipped({
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats'
        '.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/'
        'worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.'
        'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxml'
        'formats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets>'
        '</workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target='
        '"worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet xmlns="http://schemas.'
        f'openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet}</sheetData></worksheet>',
    })


def zipped(members: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in members.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), body)
    return out.getvalue()


FILES: dict[str, bytes] = {
    # -- file-level warnings that once blocked the import or crashed it --
    "extra_comments_column.csv": (V.strip() + ",comments\n" + ROW
                                  + "2023/24,201,checked\n").encode(),
    "duplicate_headers.csv": (V.strip() + ",value\n" + ROW + "2023/24,201,199\n").encode(),
    # the name the staged row numbers go by, written as a header of the file's own
    "row_number_header.csv": (V.strip() + ",_row\n" + ROW + "2023/24,201,7\n").encode(),
    "sql_in_header.csv": (V.strip() + ',"x""); DROP TABLE observations; --"\n'
                          + ROW + "2023/24,201,1\n").encode(),
    "values_without_value.csv": (
        "indicator,area,period,numerator,denominator,lower,upper,breakdown,note,source\n"
        + ROW + "2023/24,,,,,,Checked,Partnership records\n").encode(),
    "unknown_columns_only.csv": b"foo,bar,baz\n1,2,3\n",
    # -- numbers that are no figure --
    "infinity.csv": values("Infinity", "201"),
    "inf_lower_case.csv": values("inf"),
    "minus_infinity.csv": values("-Infinity"),
    "e309.csv": values("1e309"),
    "digits_5000.csv": values("9" * 5000),
    "too_large.csv": values("1e20"),
    "inf_percent.csv": ("indicator,area,period,value\nndo4_community_sentences_completed,"
                        "Glasgow City,2023/24,inf%\n").encode(),
    "inf_numerator.csv": values("5,inf,10", header="indicator,area,period,value,numerator,"
                                                   "denominator\n"),
    "hex_number.csv": values("0x1F"),
    "formula_as_value.csv": values("=1+1"),
    "nan_values.csv": values("201", "nan", "NaN", "185"),
    "nan_only.csv": values("nan", "NaN"),
    # -- bytes and encodings --
    "nul_in_cell.csv": values("1\x002"),
    "nul_in_header.csv": b"indicator,ar\x00ea,period,value\n" + values("201")[len(V):],
    "mixed_utf8_cp1252.csv": (V.strip() + ",note\n").encode() + (ROW + "2023/24,201,caf").encode()
    + "é".encode("utf-8") + b"\n" + (ROW + "2022/23,190,caf").encode() + "é".encode("cp1252")
    + b"\n",
    "bom_mixed_encoding.csv": b"\xef\xbb\xbf" + (V.strip() + ",note\n").encode()
    + (ROW + "2023/24,201,caf").encode() + "é".encode("utf-8") + b"\n"
    + (ROW + "2022/23,190,caf").encode() + "é".encode("cp1252") + b"\n",
    "control_characters.csv": b"indicator,area\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c,period\n",
    "bom_only.csv": b"\xef\xbb\xbf",
    "newlines_only.csv": b"\n\n\n\r\n",
    "utf16_inf.csv": ("\ufeff" + V + ROW + "2023/24,inf\n").encode("utf-16-le"),
    # -- lines and quotes --
    "ragged_rows.csv": (V + ROW + "2023/24,201,1\n" + ROW + "2022/23,190,1,2\n").encode(),
    "unclosed_quote.csv": (V + ROW + '2023/24,"201\n' + ROW + "2022/23,190\n").encode(),
    "header_then_blank_cells.csv": (V + ",,,\n , , , \n").encode(),
    "json_renamed.csv": b'{"indicator": "ndo1_diversion_completed", "value": 201}\n',
    "html_export.csv": (b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table>"
                        b"</body></html>"),
    # -- values that look like attacks or slips --
    "sql_in_indicator.csv": (V + "x'); DROP TABLE observations; --,Glasgow City,2023/24,5\n"
                             ).encode(),
    "long_indicator.csv": (V + "x" * 10_000 + ",Glasgow City,2023/24,5\n").encode(),
    "emoji_area.csv": (V + "ndo1_diversion_completed,Glasgow 🏙️,2023/24,5\n").encode(),
    "unknown_gss_code.csv": (V + "ndo1_diversion_completed,S12999999,2023/24,5\n").encode(),
    "formula_in_note.csv": (V.strip() + ",note\n" + ROW + '2023/24,201,"=HYPERLINK(""http://x"")"\n'
                            ).encode(),
    "neutralised_note.csv": (V.strip() + ",note\n" + ROW
                             + "2023/24,201,'=1+1 was the sum\n").encode(),
    # -- post links --
    "javascript_link.csv": (POSTS + "Facebook,p1,Glasgow City,Mar 2024,Hello,10,2,1,"
                            "javascript:alert(1)\n").encode(),
    "data_link.csv": (POSTS + "Facebook,p1,Glasgow City,Mar 2024,Hello,10,2,1,"
                      "\"data:text/html;base64,PHNjcmlwdD4=\"\n").encode(),
    "file_link.csv": (POSTS + "Facebook,p1,Glasgow City,Mar 2024,Hello,10,2,1,"
                      "file:///etc/passwd\n").encode(),
    "https_link.csv": (POSTS + "Facebook,p1,Glasgow City,Mar 2024,Hello,10,2,1,"
                       "https://example.org/p1\n").encode(),
    # -- survey answers --
    "email_in_answer.csv": (ANSWERS + "third_sector,Glasgow City,2023/24,R1,Q6,,"
                            "Call me on jo@example.org,\n").encode(),
    "email_as_respondent.csv": (ANSWERS + "third_sector,Glasgow City,2023/24,jo@example.org,Q1,,"
                                "1,\n").encode(),
    # -- workbooks --
    "xlsx_inf_text.xlsx": workbook([["indicator", "area", "period", "value"],
                                    ["ndo1_diversion_completed", "Glasgow City", "2023/24",
                                     "Infinity"]]),
    "xlsx_nan_text.xlsx": workbook([["indicator", "area", "period", "value"],
                                    ["ndo1_diversion_completed", "Glasgow City", "2023/24", "201"],
                                    ["ndo1_diversion_completed", "Glasgow City", "2022/23",
                                     "nan"]]),
    "xlsx_row_number_header.xlsx": workbook([["indicator", "area", "period", "value", "_row"],
                                            ["ndo1_diversion_completed", "Glasgow City",
                                             "2023/24", "201", "7"]]),
    "xlsx_truncated.xlsx": workbook([["indicator", "area", "period", "value"]])[:300],
}


def main() -> None:
    for name, body in FILES.items():
        (HERE / name).write_bytes(body)
    print(f"Wrote {len(FILES)} files to {HERE}.")


if __name__ == "__main__":
    main()
