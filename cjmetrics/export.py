"""Turning tables into files a lead can open in Excel.

Chart images: render.py; decks: slides.py."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from .errors import CjmetricsError

# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Prefix formula-like text with an apostrophe so Excel shows it instead of running it."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(table: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM (so Excel picks the encoding), formula-like text neutralised."""
    safe = table.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    return safe.to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(table: pd.DataFrame, sheet: str = "Data") -> bytes:
    """An Excel workbook of the table, formula-like text neutralised as in csv_bytes."""
    buffer = io.BytesIO()
    table.map(neutralise).to_excel(buffer, index=False, sheet_name=sheet[:31] or "Data")
    return buffer.getvalue()


def safe_stem(text: str) -> str:
    """A file name stem from a title: letters, digits and hyphens only."""
    stem = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return stem[:80] or "cjmetrics"


def _number_text(value: float | None) -> str:
    """Exact and short: 245 not 245.0, 64.25 as written."""
    if value is None or pd.isna(value):
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def indicator_values_table(store, indicator_ids=None, area_codes=None) -> pd.DataFrame:
    """Current figures in the indicator-values template's columns. Percentages carry a % sign so
    re-importing them can never be mistaken for fractions; re-importing changes nothing."""
    from .ingest.templates import INDICATOR_VALUES

    rows = store.current_observations(indicator_ids, area_codes)
    columns = [c.name for c in INDICATOR_VALUES.columns]
    if rows.empty:  # nothing held: the template's header alone (the caller says so)
        return pd.DataFrame(columns=columns)
    units = dict(zip(*store.indicators()[["indicator_id", "unit"]].T.values))
    table = pd.DataFrame({
        "indicator": rows["indicator_id"], "area": rows["area_code"],
        "period": rows["period_label"]})
    percent = rows["indicator_id"].map(units).eq("percent")
    for column in ("value", "numerator", "denominator", "lower", "upper"):
        text = rows[column].map(_number_text)
        if column in ("value", "lower", "upper"):
            text = text.where(~percent | text.eq(""), text + "%")
        table[column] = text
    for column in ("breakdown", "note", "source"):
        table[column] = rows[column].fillna("")
    return table[columns]


def table_bytes(table: pd.DataFrame, out: Path) -> bytes:
    """The table as the file `out` names: CSV or an Excel workbook."""
    suffix = Path(out).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise CjmetricsError(f"Cannot write '{Path(out).name}': name a .csv or .xlsx file.",
                             title="Nothing was exported")
    return csv_bytes(table) if suffix == ".csv" else xlsx_bytes(table)
