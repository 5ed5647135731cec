"""Loading the illustrative demo data (data/demo/*.csv) as ordinary, undoable imports.

The demo files use the canonical ids and period labels, so they need no fuzzy matching; they go
through the same revision and audit path as any upload, under the import kind 'demo', which the
UI uses to label figures as illustrative.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import config
from .periods import parse_periods
from .store import ANNOTATIONS, OBSERVATIONS, TARGETS, ImportResult, Store, file_sha256

KIND = "demo"  # the import kind of the demo data
TITLE = "Demo data"  # the kind as Imports & history names it
_NUMBERS = ("value", "numerator", "denominator", "lower", "upper")


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _periods(values: pd.Series, prefix: str = "period") -> pd.DataFrame:
    parsed = parse_periods(values)
    bad = parsed["error"].notna()
    if bad.any():
        raise ValueError(f"demo data has unparseable periods: {sorted(set(values[bad]))[:5]}")
    return pd.DataFrame({
        f"{prefix}_start": pd.to_datetime(parsed["period_start"]).dt.date,
        f"{prefix}_end": pd.to_datetime(parsed["period_end"]).dt.date,
        f"{prefix}_label": parsed["period_label"],
        f"{prefix}_type": parsed["period_type"],
    }, index=values.index)


def _blank_to_none(frame: pd.DataFrame, columns) -> pd.DataFrame:
    for column in columns:
        frame[column] = frame[column].replace("", None)
    return frame


def observation_rows(raw: pd.DataFrame) -> pd.DataFrame:
    rows = pd.concat([raw, _periods(raw["period"])], axis=1)
    for column in _NUMBERS:
        rows[column] = pd.to_numeric(rows[column].replace("", None), errors="raise")
    rows["breakdown"] = rows["breakdown"].fillna("")
    return _blank_to_none(rows, ["note", "source"])[list(OBSERVATIONS.columns)]


def target_rows(raw: pd.DataFrame) -> pd.DataFrame:
    baseline = _periods(raw["baseline_period"], "baseline")
    target = _periods(raw["target_period"], "target")
    rows = pd.concat([raw, baseline.drop(columns="baseline_type"),
                      target.drop(columns="target_type")], axis=1)
    for column in ("baseline_value", "target_value"):
        rows[column] = pd.to_numeric(rows[column].replace("", None))
    return _blank_to_none(rows, ["note", "source"])[list(TARGETS.columns)]


def annotation_rows(raw: pd.DataFrame) -> pd.DataFrame:
    rows = pd.concat([raw, _periods(raw["period"])], axis=1)
    return _blank_to_none(rows, ["source"])[list(ANNOTATIONS.columns)]


# Demo files written in an upload template's columns go through the upload pipeline itself.
PIPELINE_FILES = {"self_assessments.csv": "self_assessments",
                  "qi_evaluations.csv": "qi_evaluations",
                  "priority_outcomes.csv": "priority_outcomes",
                  "evidence_notes.csv": "evidence_notes",
                  # surveys: respondent-level answers and numbers invited
                  "survey_answers.csv": "survey_answers",
                  "survey_invitations.csv": "survey_invitations",
                  # -- engagement: data/demo/generate_engagement.py --
                  "social_posts.csv": "social_posts",
                  "engagement_activities.csv": "engagement_activities",
                  "service_stages.csv": "service_stages"}


def load_demo(store: Store, directory: Path | None = None) -> list[ImportResult]:
    """Import the demo files. Loading them again changes nothing."""
    from .ingest import commit, prepare
    directory = Path(directory or config.DEMO_DIR)
    results = []
    for file_name, spec, to_rows in (("observations.csv", OBSERVATIONS, observation_rows),
                                     ("targets.csv", TARGETS, target_rows),
                                     ("annotations.csv", ANNOTATIONS, annotation_rows)):
        path = directory / file_name
        data = path.read_bytes()
        results.append(store.commit_rows(
            spec, to_rows(_read(path)), kind=KIND, file_name=f"demo/{file_name}",
            sha256=file_sha256(data), who="cjmetrics demo",
            summary="Illustrative demo data shipped with cjmetrics"))
    for file_name, kind in PIPELINE_FILES.items():
        path = directory / file_name
        prepared = prepare(store, path.read_bytes(), f"demo/{file_name}", kind=kind)
        if not prepared.ok:  # a broken demo file is a bug in cjmetrics, not the user's doing
            raise ValueError(f"demo file {file_name}: {prepared.problems.head(3).to_dict()}")
        results.append(commit(store, prepared, who="cjmetrics demo", import_kind=KIND))
    return results
