"""Edits made in the app go through the upload pipeline.

An edited table is written out as the kind's template (CSV) and prepared exactly like an upload,
so it meets the same validation and messages, and it is committed as an import: it appears in
the history and can be undone like any file.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .care_inspectorate import number_key
from .ingest import TEMPLATES, Prepared, commit, prepare
from .store import (
    ANNOTATIONS,
    EVIDENCE_NOTES,
    PRIORITY_OUTCOMES,
    QI_EVALUATIONS,
    SELF_ASSESSMENTS,
    TARGETS,
    ImportResult,
    Store,
)


@dataclass
class EditResult:
    prepared: Prepared
    result: ImportResult | None  # None when the edit had errors and nothing was written

    @property
    def message(self) -> str:
        if self.result is None:
            return (f"Nothing was saved: {self.prepared.error_count} problem"
                    f"{'s' if self.prepared.error_count != 1 else ''} to fix first.")
        if self.result.import_id is None:
            return "No changes to save."
        return (f"Saved as import #{self.result.import_id}: {self.result.rows_new} new, "
                f"{self.result.rows_revised} changed. Undo it on the Imports & history page.")


def _names(store: Store) -> tuple[dict, dict]:
    indicators = store.indicators()
    return (dict(zip(indicators["indicator_id"], indicators["name"])),
            dict(zip(store.areas()["area_code"], store.areas()["name"])))


def _outcome_numbers(store: Store) -> dict:
    outcomes = store.outcomes("cjpf")
    return dict(zip(outcomes["outcome_id"], outcomes["number"].astype("Int64").astype(str)))


def _grade_labels(store: Store) -> dict:
    """Six-point grades as the template and the editor write them ("4 Good"): a bare 4.0 from
    the store would not be read back as a grade."""
    scale = store.catalogue_table("scales").query("scale_id == 'ci_six_point'")
    return {float(value): f"{int(value)} {label}"
            for value, label in zip(scale["value"], scale["label"])}


def editable(store: Store, kind: str, area_codes: list[str] | None = None) -> pd.DataFrame:
    """The current rows of a kind, in its template's columns and in words a lead reads
    (indicator and area names, period labels, percentages with a % sign)."""
    template = TEMPLATES[kind]
    columns = [c.name for c in template.columns]
    indicator_names, area_names = _names(store)
    if kind == "targets":
        rows = store.current(TARGETS, area_codes)
        order = {i: n for n, i in enumerate(indicator_names)}  # catalogue order, stable rows
        rows = rows.assign(order=rows["indicator_id"].map(order)).sort_values(
            ["area_code", "order", "indicator_id"])
        frame = pd.DataFrame({
            "indicator": rows["indicator_id"].map(indicator_names),
            "area": rows["area_code"].map(area_names),
            "baseline_period": rows["baseline_label"], "baseline_value": rows["baseline_value"],
            "target_period": rows["target_label"], "target_value": rows["target_value"],
            "note": rows["note"], "source": rows["source"]})
    elif kind == "annotations":
        rows = store.current(ANNOTATIONS, area_codes)
        frame = pd.DataFrame({
            "indicator": rows["indicator_id"].map(indicator_names),
            "area": rows["area_code"].map(area_names), "period": rows["period_label"],
            "text": rows["text"], "source": rows["source"]})
    elif kind == "self_assessments":
        rows = store.current(SELF_ASSESSMENTS, area_codes).sort_values(
            ["area_code", "outcome_id", "period_start", "period_end"])
        frame = pd.DataFrame({
            "outcome": rows["outcome_id"].map(_outcome_numbers(store)),
            "area": rows["area_code"].map(area_names), "period": rows["period_label"],
            "score": rows["score"], "note": rows["note"], "source": rows["source"]})
    elif kind == "qi_evaluations":
        rows = store.current(QI_EVALUATIONS, area_codes)
        qis = store.catalogue_table("quality_indicators")
        order = {qi_id: i for i, qi_id in enumerate(
            qis.assign(key=qis["number"].map(number_key)).sort_values("key")["qi_id"])}
        rows = rows.assign(order=rows["qi_id"].map(order).fillna(len(order))).sort_values(
            ["area_code", "order", "period_start", "period_end"])
        frame = pd.DataFrame({
            "quality_indicator": rows["qi_id"].map(dict(zip(qis["qi_id"], qis["number"]))),
            "area": rows["area_code"].map(area_names), "period": rows["period_label"],
            "grade": rows["grade"].map(_grade_labels(store)),
            "how_are_we_doing": rows["how_are_we_doing"],
            "how_do_we_know": rows["how_do_we_know"], "what_next": rows["what_next"],
            "source": rows["source"]})
    elif kind == "priority_outcomes":
        rows = store.current(PRIORITY_OUTCOMES, area_codes).sort_values(
            ["area_code", "outcome_id"])
        frame = pd.DataFrame({
            "area": rows["area_code"].map(area_names),
            "outcome": rows["outcome_id"].map(_outcome_numbers(store)),
            "priority": rows["priority"], "note": rows["note"]})
    elif kind == "evidence_notes":
        rows = store.current(EVIDENCE_NOTES, area_codes).sort_values(
            ["area_code", "item_id", "period_start", "period_end"])
        items = store.catalogue_table("improvement_tool_items")
        frame = pd.DataFrame({
            "item": rows["item_id"].map(dict(zip(items["item_id"], items["text"]))),
            "area": rows["area_code"].map(area_names), "period": rows["period_label"],
            "note": rows["note"], "source": rows["source"]})
    elif kind == "indicator_edits":
        rows = store.indicators()
        frame = pd.DataFrame({
            "indicator_id": rows["indicator_id"], "name": rows["name"],
            "short_name": rows["short_name"],
            "outcome": rows["outcome_id"].map(_outcome_numbers(store)),
            "unit": rows["unit"], "polarity": rows["polarity"],
            "period_type": rows["period_type"], "source": rows["source"],
            "description": rows["description"],
            "rag_green": rows["rag_green"].where(rows["rag_own"]) * 100,
            "rag_amber": rows["rag_amber"].where(rows["rag_own"]) * 100})
    elif kind == "settings":
        current = store.settings()
        defaults = store.rag_defaults()
        frame = pd.DataFrame({"key": list(defaults),
                              "value": [current.get(k, str(v)) for k, v in defaults.items()]})
    elif kind in ("social_posts", "engagement_activities", "service_stages", "stage_names"):
        # -- engagement --
        from .engagement_plan import editable_rows
        frame = editable_rows(store, kind, area_codes)
    else:
        raise KeyError(kind)
    return frame[columns].reset_index(drop=True)


def save(store: Store, kind: str, frame: pd.DataFrame, who: str | None = None) -> EditResult:
    """Validate an edited table like an upload of the kind's template and commit it."""
    template = TEMPLATES[kind]
    frame = frame.dropna(how="all")
    text = frame.reindex(columns=[c.name for c in template.columns]).to_csv(index=False)
    prepared = prepare(store, text.encode("utf-8"), f"Edited in the app: {template.title}",
                       kind=kind)
    if not prepared.ok or len(prepared.staged) == 0:
        return EditResult(prepared, None)
    return EditResult(prepared, commit(store, prepared, who=who, lock_timeout=10, action="edit"))
