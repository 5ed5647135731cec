"""Readers for the shipped CSVs, so tests derive what they expect from the files themselves
(data/demo/*.csv, data/catalogue/*.csv) rather than from numbers copied out of the code.

Also small builders for upload files in the demo CSV layout (docs/CONVENTIONS.md)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from conftest import PROJECT_ROOT

DEMO_DIR = PROJECT_ROOT / "data" / "demo"
CATALOGUE_DIR = PROJECT_ROOT / "data" / "catalogue"

GLASGOW, SCOTLAND = "S12000049", "S92000003"
EAST_AYRSHIRE, NORTH_AYRSHIRE, SOUTH_AYRSHIRE = "S12000008", "S12000021", "S12000028"
WEST_DUNBARTONSHIRE, AYRSHIRE = "S12000039", "CJP-AYR"

OBSERVATION_COLUMNS = ["indicator_id", "area_code", "period", "value", "numerator",
                       "denominator", "lower", "upper", "breakdown", "note", "source"]
TARGET_COLUMNS = ["indicator_id", "area_code", "baseline_period", "baseline_value",
                  "target_period", "target_value", "note", "source"]
ANNOTATION_COLUMNS = ["indicator_id", "area_code", "period", "text", "source"]


@lru_cache(maxsize=None)
def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def demo(name: str) -> pd.DataFrame:
    """A demo file as text columns ('' for blank), like the loader reads it."""
    frame = _read(DEMO_DIR / f"{name}.csv").copy()
    for column in ("value", "numerator", "denominator", "lower", "upper", "baseline_value",
                   "target_value"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column].replace("", None))
    return frame


def catalogue(name: str) -> pd.DataFrame:
    return _read(CATALOGUE_DIR / f"{name}.csv").copy()


def indicator(indicator_id: str) -> pd.Series:
    rows = catalogue("indicators")
    return rows[rows["indicator_id"] == indicator_id].iloc[0]


def reference() -> pd.DataFrame:
    """The published reference figures (data/reference/*.csv), loaded with the demo, as
    observation rows (total rows; value numeric)."""
    frames = [_read(path).copy() for path in sorted((DEMO_DIR.parent / "reference").glob("*.csv"))]
    frame = pd.concat(frames, ignore_index=True)
    frame["value"] = pd.to_numeric(frame["value"])
    frame["breakdown"] = ""
    return frame


def figures(indicator_id: str, area_code: str, breakdown: str | None = "") -> pd.DataFrame:
    """Demo and reference rows for one indicator and area (total rows by default), in file
    order: the store a demo run creates holds both."""
    rows = pd.concat([demo("observations"), reference()], ignore_index=True)
    rows = rows[(rows["indicator_id"] == indicator_id) & (rows["area_code"] == area_code)]
    if breakdown is not None:
        rows = rows[rows["breakdown"] == breakdown]
    return rows.reset_index(drop=True)


def _frame(columns: list[str], rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame([{c: str(row.get(c, "")) for c in columns} for row in rows],
                        columns=columns)


def observations_file(*rows: dict) -> pd.DataFrame:
    """An upload in the observations layout: give only the columns that matter."""
    return _frame(OBSERVATION_COLUMNS, list(rows))


def targets_file(*rows: dict) -> pd.DataFrame:
    return _frame(TARGET_COLUMNS, list(rows))


def annotations_file(*rows: dict) -> pd.DataFrame:
    return _frame(ANNOTATION_COLUMNS, list(rows))


def file_bytes(frame: pd.DataFrame, line_terminator: str = "\n") -> bytes:
    return frame.to_csv(index=False, lineterminator=line_terminator).encode("utf-8")
