"""Exports people already have (Mailchimp, X/Twitter, Facebook, Eventbrite, Google Analytics,
statistics.gov.scot, Scottish Government tables ...), recognised and turned into indicator values.

`recognise(data, name)` asks every format in FORMATS whether the file is its export; the first
that claims it says what it found and which questions only the user can answer (which area,
which indicator for a statistics-table row). `prepare_export` builds indicator_values rows from
the answers and runs them through the template pipeline, so preview, import and undo are the
same as for a template. A file no format claims is left to the templates.
"""

from __future__ import annotations

import hashlib
import json
import re

import pandas as pd

from ...errors import ImportRefused
from ...store import Store
from ..pipeline import Prepared, prepare, prepare_rows
from ..resolve import area_resolver
from . import events, newsletters, social, statistics, surveys, web
from .base import (
    SOURCE_ROW,
    ExportFormat,
    ExportIncomplete,
    Question,
    Recognised,
    Source,
    is_template_header,
    read_source,
)

FORMATS: list[ExportFormat] = [
    *newsletters.FORMATS, *social.FORMATS, *events.FORMATS, *web.FORMATS, *statistics.FORMATS,
    *surveys.FORMATS,
]

__all__ = ["FORMATS", "ExportFormat", "ExportIncomplete", "Question", "Recognised", "Source",
           "recognise", "prepare_export", "supported_formats", "not_recognised_message",
           "missing_answers", "prepare_any", "prepare_template", "remember_mapping",
           "suggested_answers", "commit_export"]


def supported_formats() -> list[str]:
    return [f.title for f in FORMATS]


def not_recognised_message(name: str) -> str:
    return (f"'{name}' is not recognised: it is neither a filled-in cjmetrics template nor an "
            f"export cjmetrics knows. Supported exports: {'; '.join(supported_formats())}. "
            "For anything else, download a template (Upload page, step 1, or the files in "
            "data/templates/) and copy the figures into it.")


def recognise(data: bytes, name: str, sheet: str | None = None) -> Recognised | None:
    """The export format that claims this file, or None. Raises ExportIncomplete when a format
    recognises the file but it lacks what the import needs, ImportRefused for non-tables."""
    # The first rows decide which format claims the file; only then is the whole file read,
    # so a large template is not parsed twice.
    head = read_source(data, name, head=True)
    if _is_template(head):
        return None
    for fmt in FORMATS:
        try:
            found = fmt.detect(head, sheet)
        except ExportIncomplete:
            found = True
        if found is not None:
            return fmt.detect(read_source(data, name), sheet)
    return None


def _is_template(head: Source) -> bool:
    grid = head.first
    return bool(grid) and is_template_header(grid[0])


def missing_answers(recognised: Recognised, answers: dict) -> list[Question]:
    """The questions still open. A mapping question is answered once any row is mapped."""
    open_ = []
    for q in recognised.questions:
        if q.key == "mapping":
            mapping = answers.get("mapping") or {}
            if not any(mapping.get(s) for s in q.series):
                open_.append(q)
        elif not str(answers.get(q.key) or "").strip():
            open_.append(q)
    return open_


def prepare_export(store: Store, data: bytes, name: str, recognised: Recognised,
                   answers: dict, *, preview: bool = True) -> Prepared:
    """Indicator values built from the export and the answers, validated like a template."""
    # -- survey exports --
    if recognised.format.key == surveys.KEY:  # answers per respondent, through their mapping
        from ...survey_mapping import prepare_survey_export
        return prepare_survey_export(store, data, name, recognised, answers, preview=preview)
    # -- end survey exports --
    missing = missing_answers(recognised, answers)
    if missing:
        raise ImportRefused(f"{recognised.description}. Before it can be imported: "
                             + " ".join(q.prompt for q in missing))
    resolver = area_resolver(store.areas())
    rows = recognised.build({**answers, "_resolve_area": resolver.resolve})
    rows, left_out = _known_areas_only(store, rows)
    if rows.empty:
        raise ExportIncomplete(f"{recognised.description}, but it holds no figures cjmetrics can "
                           "import (no row maps onto an indicator).")
    # Rows that carry their source row go to the pipeline as they are, and their problems
    # name the export's own rows; older parsers' rows are numbered as a template and each
    # problem then names its figure.
    numbered = SOURCE_ROW in rows
    prepared = prepare_rows(store, rows, name, data, kind="indicator_values", preview=False)
    # The same export imported again with the same answers is "already imported"; the same
    # export for another area is not.
    digest = hashlib.sha256(data)
    digest.update(json.dumps({k: v for k, v in answers.items() if not k.startswith("_")},
                             sort_keys=True, default=str).encode())
    prepared.sha256 = digest.hexdigest()
    prepared.import_kind = recognised.format.key
    prepared.origin = recognised.description
    prepared.sheet, prepared.sheets = recognised.sheet, recognised.sheets
    if len(prepared.problems) and not numbered:
        prepared.problems = _name_the_figures(prepared.problems, rows)
    if len(prepared.problems):
        if recognised.question("mapping") is not None:
            # In a statistics table a figure that does not fit is a row mapped onto the wrong
            # indicator far more often than a wrong number.
            wrong = prepared.problems["column"].isin(["value", "lower", "upper"])
            prepared.problems.loc[wrong, "fix"] = ("Check which indicator this row of the table "
                                                   "is mapped onto, and change it.")
    if recognised.notes:
        lacks = pd.DataFrame([{"severity": "warning", "row": None, "column": "", "value": "",
                               "problem": note, "fix": "Nothing to do: the figures the file "
                                                       "holds are imported."}
                              for note in recognised.notes])
        prepared.problems = pd.concat([lacks, prepared.problems], ignore_index=True) \
            if len(prepared.problems) else lacks
        prepared.warning_count += len(recognised.notes)
    if left_out:
        warning = pd.DataFrame([{
            "severity": "warning", "row": None, "column": "area", "value": ", ".join(left_out[:8]),
            "problem": f"{len(left_out):,} area code{'s' if len(left_out) != 1 else ''} in the "
                       "file are not areas cjmetrics holds (such as data zones or health boards); "
                       "their figures are left out.",
            "fix": "Nothing to do, unless one of them should be an area here."}])
        prepared.problems = pd.concat([warning, prepared.problems], ignore_index=True) \
            if len(prepared.problems) else warning
        prepared.warning_count += 1
    if preview and prepared.ok and len(prepared.staged):
        prepared.preview = store.preview_rows(prepared.template.table, prepared.staged,
                                              kind=prepared.import_kind, sha256=prepared.sha256)
    return prepared


def remember_mapping(store: Store, recognised: Recognised, answers: dict,
                     who: str = "local") -> None:
    """After an import: the table's row mapping is kept for its next release."""
    if recognised.format.key == surveys.KEY:  # -- survey exports: see commit_export --
        return
    if recognised.table_key and answers.get("mapping"):
        store.save_table_mapping(recognised.table_key, dict(answers["mapping"]), who)


def suggested_answers(store: Store, recognised: Recognised) -> dict:
    """Defaults for the questions: remembered mappings, then each format's own suggestion."""
    answers: dict = {}
    # -- survey exports --
    if recognised.format.key == surveys.KEY:
        from ...survey_mapping import default_period, propose_survey
        return {"survey": propose_survey(store, recognised.survey),
                "period": default_period(recognised.survey)}
    # -- end survey exports --
    for q in recognised.questions:
        if q.key == "mapping":
            remembered = store.table_mapping(recognised.table_key) if recognised.table_key else {}
            answers["mapping"] = {s: remembered.get(s, guess) for s, guess in q.series.items()}
        elif q.default:
            answers[q.key] = q.default
    return answers


# -- survey exports --
def commit_export(store: Store, prepared: Prepared, who: str = "local",
                  lock_timeout: float | None = None):
    """Commit a prepared export: a survey export also writes its new survey definition first
    and remembers its mapping; anything else is an ordinary commit."""
    from ..pipeline import commit
    if getattr(prepared, "survey_plan", None) is not None:
        from ...survey_mapping import commit_survey_export
        return commit_survey_export(store, prepared, who=who, lock_timeout=lock_timeout)
    return commit(store, prepared, who=who, lock_timeout=lock_timeout)
# -- end survey exports --


def _known_areas_only(store: Store, rows: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Statistics downloads cover every geography (data zones, health boards ...): figures for
    areas the catalogue does not hold are left out with one warning, not a wall of errors."""
    if rows.empty:
        return rows, []
    resolver = area_resolver(store.areas())
    values = rows["area"].dropna().astype(str).unique()
    unknown = [v for v in values if v.strip() and resolver.resolve(v) is None
               and re.fullmatch(r"[A-Z]\d{8}", v.strip())]
    if not unknown:
        return rows, []
    return rows[~rows["area"].isin(unknown)].reset_index(drop=True), sorted(unknown)


def _not_recognised(exc: ImportRefused, name: str) -> ImportRefused:
    """A template refusal for a file that fits no template at all reads 'not recognised'."""
    message = exc.user_message
    head = message.split(" that ", 1)[0]
    if "does not have the column" in message and len(re.findall(r"'[a-z_ ]+'", head)) >= 3:
        return ImportRefused(not_recognised_message(name))
    return exc


def prepare_template(store: Store, data: bytes, name: str, *, sheet: str | None = None,
                     kind: str | None = None) -> Prepared:
    """A file no export format claims: the template pipeline, with 'not recognised' (and the
    list of supported exports) for a file that fits no template either."""
    try:
        return prepare(store, data, name, sheet=sheet, kind=kind)
    except ImportRefused as exc:
        if kind is None:
            raise _not_recognised(exc, name) from exc
        raise


def prepare_any(store: Store, data: bytes, name: str, *, sheet: str | None = None,
                answers: dict | None = None) -> Prepared:
    """What the Upload page and the CLI do with a dropped file, in one call: an export is
    recognised and built with the answers given (plus remembered mappings), anything else goes
    to the templates. Raises ImportRefused with the open questions when answers are missing."""
    recognised = recognise(data, name, sheet)
    if recognised is None:
        return prepare_template(store, data, name, sheet=sheet)
    given = {**suggested_answers(store, recognised), **(answers or {})}
    return prepare_export(store, data, name, recognised, given)


def _name_the_figures(problems: pd.DataFrame, rows: pd.DataFrame) -> pd.DataFrame:
    """Row numbers of the built figures mean nothing to someone holding the export: each problem
    names its figure (indicator, area, period, breakdown) and the export's own row it comes from
    (the first, for a month summed from several)."""
    problems = problems.copy()
    named, source_rows = [], []
    for row, problem in zip(problems["row"], problems["problem"]):
        if row is None or row != row or not 2 <= int(row) < len(rows) + 2:
            named.append(problem)
            source_rows.append(None)
            continue
        r = rows.iloc[int(row) - 2]
        what = ", ".join(str(v) for v in (r["indicator"], r["area"], r["period"], r["breakdown"])
                         if v not in (None, ""))
        named.append(f"{what}: {problem}")
        source = r.get(SOURCE_ROW)
        source_rows.append(None if source is None or pd.isna(source) else int(source))
    problems["problem"] = named
    problems["row"] = source_rows
    return problems
