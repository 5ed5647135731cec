"""Published reference figures (data/reference/*.csv): real national series and population
estimates, each value with its publisher, publication, edition, source address and whether it
is provisional. Each file is loaded as its own ordinary import, undoable like any other and kept
apart from the illustrative demo import, so a lead can tell a published figure from an invented
one and remove either.

A file's columns: indicator_id, area_code, period, value, note, publisher, publication, edition,
source_url, provisional. A new edition is a new file (or an edited one): its rows become
revisions of the figures they replace, and the edition travels with each value in its source.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import config
from .demo import observation_rows
from .store import OBSERVATIONS, ImportResult, Store, file_sha256

REFERENCE_DIR = config.DATA_DIR / "reference"
KIND = "reference"
TITLE = "Published reference figures"  # the kind as Imports & history names it
COLUMNS = ["indicator_id", "area_code", "period", "value", "note", "publisher", "publication",
           "edition", "source_url", "provisional"]
# The name each file's import carries in the import log.
SUMMARIES = {"scotland.csv": "Published reference figures (Scottish Government)",
             "population.csv": "Population estimates (National Records of Scotland)"}


def source_text(row: pd.Series) -> str:
    """The source line a chart and its table show: publisher, publication and edition."""
    return f"{row['publisher']}: {row['publication']} ({row['edition']})"


def note_text(row: pd.Series) -> str:
    provisional = str(row["provisional"]).strip().lower() == "true"
    parts = [row["note"].strip(), "Provisional figure." if provisional else "",
             f"Source: {row['source_url']}"]
    return " ".join(p for p in parts if p)


def reference_rows(raw: pd.DataFrame) -> pd.DataFrame:
    """A reference file as rows of the observations table."""
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"reference file lacks columns {missing}")
    frame = pd.DataFrame({
        "indicator_id": raw["indicator_id"], "area_code": raw["area_code"],
        "period": raw["period"], "value": raw["value"], "numerator": "", "denominator": "",
        "lower": "", "upper": "", "breakdown": "",
        "note": raw.apply(note_text, axis=1), "source": raw.apply(source_text, axis=1)})
    return observation_rows(frame)


def load_reference(store: Store, directory: Path | None = None) -> list[ImportResult]:
    """Import every reference file not imported before. A file once imported is never loaded
    again, even after its import is undone: undoing it is the lead's decision."""
    directory = Path(directory or REFERENCE_DIR)
    seen = set(store.imports().query("kind == @KIND")["sha256"].dropna())
    results = []
    for path in sorted(directory.glob("*.csv")):
        data = path.read_bytes()
        sha = file_sha256(data)
        if sha in seen:
            continue
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        results.append(store.commit_rows(
            OBSERVATIONS, reference_rows(raw), kind=KIND, file_name=f"reference/{path.name}",
            sha256=sha, who="cjmetrics",
            summary=SUMMARIES.get(path.name, f"Published reference figures ({path.stem})")))
    return results
