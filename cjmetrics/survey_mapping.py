"""A survey tool's export mapped onto a survey definition, then imported per respondent.

The export's fields (cjmetrics/ingest/formats/surveys.py) map onto an existing definition's
questions (and matrix rows), proposed by matching question texts, or onto a new definition built
from the export itself. Answer texts map onto options; an answer no option matches is flagged and
left out unless the user picks an option. The answers then go through the survey-answers
template's validation (`surveys.answers_csv` -> pipeline), so preview, import and undo are the
same as for any upload.

A new definition is validated with the answers before anything is written, and written to the
store (like data/surveys/ rows) just before the answers are committed. Definitions carry no
import id (the surveys design loads them like the catalogue), so undoing the import removes the
answers and leaves the empty definition listed. The confirmed mapping is remembered (the
table_mappings store of statistics tables) for the next export of the same survey.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from .errors import ImportRefused
from .ingest.formats.surveys import SurveyExport
from .ingest.pipeline import Prepared, commit, prepare
from .store import Store
from .surveys import answers_csv

NEW = "new"  # answers["survey"] for "create a new survey definition from this export"
SKIP = ""  # a field or answer left out
CHOICE = ("single", "multiple", "likert", "matrix")
_LIKERT = {"strongly agree": 2, "agree": 1, "neither agree nor disagree": 0, "neither": 0,
           "neutral": 0, "disagree": -1, "strongly disagree": -2}
SEP = "\x1f"  # joins a question id to an answer text in a mapping's keys


def answer_key(question_id: str, text: str) -> str:
    return f"{question_id}{SEP}{text}"


def split_key(key: str) -> tuple[str, str]:
    """(question id, answer text or option id) of a mapping key."""
    question, _, rest = key.partition(SEP)
    return question, rest


def _norm(text) -> str:
    return re.sub(r"[^0-9a-z]+", " ", str(text).lower()).strip()


def _similar(a: str, b: str) -> float:
    a, b = _norm(a), _norm(b)
    if not a or not b:
        return 0.0
    return 1.0 if a == b else difflib.SequenceMatcher(None, a, b).ratio()


def slug(text: str, width: int = 40) -> str:
    return re.sub(r"_+", "_", _norm(text).replace(" ", "_"))[:width].strip("_") or "x"


# -- which survey ---------------------------------------------------------------------------
def _targets(defs: dict, survey_id: str) -> dict[str, str]:
    """target -> label: every question of a survey, and every row of its matrix questions."""
    questions = defs["questions"][defs["questions"]["survey_id"] == survey_id]
    items = defs["items"][defs["items"]["survey_id"] == survey_id]
    out = {}
    for q in questions.itertuples():
        if q.type == "matrix":
            for i in items[items["question_id"] == q.question_id].itertuples():
                # The row first: a long question's rows differ only at its end.
                out[f"{q.question_id}/{i.item_id}"] = f"{q.number} [{i.label}] {q.text}"
        else:
            out[q.question_id] = f"{q.number} {q.text} ({_KIND_WORDS.get(q.type, q.type)})"
    return out


_KIND_WORDS = {"single": "one answer", "multiple": "tick all that apply",
               "likert": "agree/disagree", "free_text": "free text"}


def _match_field(field, defs: dict, survey_id: str) -> tuple[str, float]:
    questions = defs["questions"][defs["questions"]["survey_id"] == survey_id]
    items = defs["items"][defs["items"]["survey_id"] == survey_id]
    best, score = SKIP, 0.0
    for q in questions.itertuples():
        s = max(_similar(field.question, q.text),
                1.0 if _norm(field.question).split(" ")[:1] == [_norm(q.number)] else 0.0)
        if q.type == "matrix":
            rows = items[items["question_id"] == q.question_id]
            row = max(rows.itertuples(), key=lambda i: _similar(field.item, i.label),
                      default=None)
            if row is None or not field.item or _similar(field.item, row.label) < 0.6:
                continue
            target = f"{q.question_id}/{row.item_id}"
        elif field.item and not field.multiple:
            continue
        else:
            target = q.question_id
        if s > score:
            best, score = target, s
    return (best, score) if score >= 0.6 else (SKIP, score)


def propose_survey(store: Store, export: SurveyExport) -> str:
    """The remembered survey for this export's questions, else the existing definition whose
    question texts match most of its fields, else NEW."""
    remembered = store.table_mapping(_signature_key(export)).get("survey")
    defs = store.survey_definitions()
    ids = list(defs["surveys"]["survey_id"])
    if remembered in ids:
        return remembered
    scores = {s: sum(_match_field(f, defs, s)[0] != SKIP for f in export.fields) for s in ids}
    best = max(scores, key=scores.get, default=None)
    if best is not None and scores[best] >= max(1, len(export.fields) / 2):
        return best
    return NEW


# -- the mapping ------------------------------------------------------------------------------
def _parts(answer: str, multiple: bool) -> list[str]:
    if not multiple:
        return [answer]
    return [p.strip() for p in str(answer).split(";") if p.strip()]


def _match_option(text: str, options: pd.DataFrame) -> str:
    norm = _norm(text)
    for o in options.itertuples():
        if norm in (_norm(o.label), _norm(o.short_label or ""), _norm(o.option_id),
                    _norm(o.position)):
            return o.option_id
    scored = [(_similar(text, o.label), o.option_id) for o in options.itertuples()]
    best = max(scored, default=(0, SKIP))
    return best[1] if best[0] >= 0.85 else SKIP


def suggest(store: Store, export: SurveyExport, survey_id: str) -> dict:
    """{"fields": {field key: target}, "answers": {question_id \\x1f text: option id}}: the
    remembered mapping where there is one, else the best matches (SKIP where none)."""
    if survey_id == NEW:
        return {"fields": {f.key: f.key for f in export.fields}, "answers": {}}
    defs = store.survey_definitions()
    remembered = store.table_mapping(_survey_key(survey_id))
    valid = _targets(defs, survey_id)
    fields = {}
    for f in export.fields:
        kept = remembered.get("q" + SEP + f.key)
        fields[f.key] = kept if kept is not None and (kept in valid or kept == SKIP) \
            else _match_field(f, defs, survey_id)[0]
    answers = {}
    for key, (qid, text) in _answer_texts(export, defs, survey_id, fields).items():
        kept = remembered.get("a" + SEP + key)
        options = defs["options"].query("survey_id == @survey_id and question_id == @qid")
        answers[key] = kept if kept is not None and (kept in set(options["option_id"]) or
                                                     kept == SKIP) \
            else _match_option(text, options)
    return {"fields": fields, "answers": answers}


def _question_of(target: str) -> tuple[str, str]:
    qid, _, item = target.partition("/")
    return qid, item


def _answer_texts(export: SurveyExport, defs: dict, survey_id: str,
                  fields: dict) -> dict[str, tuple[str, str]]:
    """question_id \\x1f answer text -> (question_id, text), for every mapped choice question."""
    kinds = defs["questions"].query("survey_id == @survey_id").set_index("question_id")["type"]
    out: dict[str, tuple[str, str]] = {}
    for f in export.fields:
        target = fields.get(f.key) or SKIP
        qid = _question_of(target)[0]
        if not target or kinds.get(qid) not in CHOICE:
            continue
        texts = export.answers.loc[export.answers["field"] == f.key, "answer"]
        for answer in dict.fromkeys(texts):
            for part in _parts(answer, f.multiple):
                out.setdefault(qid + SEP + part, (qid, part))
    return out


@dataclass
class MappingView:
    """The mapping as the user confirms it: one table of fields, one of answers."""

    fields: pd.DataFrame  # field, respondents, target, matched
    answers: pd.DataFrame  # question, answer, respondents, option, matched
    targets: dict[str, str]  # target -> label ("" = left out)
    options: dict[str, dict[str, str]]  # question_id -> option id -> label


def mapping_view(store: Store, export: SurveyExport, survey_id: str, mapping: dict,
                 new_definition: dict | None = None) -> MappingView:
    defs = _definitions(store, new_definition)
    counts = export.answers.groupby("field")["respondent_id"].nunique()
    targets = _targets(defs, survey_id)
    fields = pd.DataFrame({
        "field": [f.key for f in export.fields],
        "respondents": [int(counts.get(f.key, 0)) for f in export.fields],
        "target": [mapping["fields"].get(f.key, SKIP) for f in export.fields]})
    fields["matched"] = fields["target"] != SKIP
    numbers = defs["questions"].query("survey_id == @survey_id").set_index("question_id")["number"]
    rows = []
    by_field = {f.key: f for f in export.fields}
    for key, (qid, text) in _answer_texts(export, defs, survey_id, mapping["fields"]).items():
        keys = [k for k, t in mapping["fields"].items() if _question_of(t or "")[0] == qid]
        answered = export.answers[export.answers["field"].isin(keys)]
        n = sum(text in _parts(a, by_field[k].multiple)
                for k, a in zip(answered["field"], answered["answer"]))
        option = mapping["answers"].get(key, SKIP)
        rows.append({"key": key, "question": str(numbers.get(qid, qid)), "answer": text,
                     "respondents": n, "option": option, "matched": option != SKIP})
    answers = pd.DataFrame(rows, columns=["key", "question", "answer", "respondents", "option",
                                          "matched"])
    options = {qid: dict(zip(g["option_id"], g["label"]))
               for qid, g in defs["options"].query("survey_id == @survey_id").groupby(
                   "question_id")}
    return MappingView(fields, answers, targets, options)


# -- a new definition from the export -----------------------------------------------------------
def _natural(text: str):
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", _norm(text))]


def _kind(field, texts: pd.Series) -> tuple[str, list[str]]:
    """(type, options in order) inferred from a field's answers."""
    if field.multiple:
        options = field.options or sorted(
            dict.fromkeys(p for a in texts for p in _parts(a, True)), key=_natural)
        return "multiple", options
    distinct = list(dict.fromkeys(texts))
    if field.free_text or len(texts) < 2:
        return "free_text", []
    # Options repeat; free text rarely does. A small export's short, repeated answers count too.
    short = len(texts) <= 20 and max((len(str(d)) for d in distinct), default=0) <= 30
    if distinct and len(distinct) <= 12 and (len(distinct) * 2 <= max(len(texts), 2) or
                                             (short and len(distinct) < len(texts))):
        if all(_norm(d) in _LIKERT for d in distinct):
            return "likert", sorted(distinct, key=lambda d: -_LIKERT[_norm(d)])
        return "single", sorted(distinct, key=_natural)
    return "free_text", []


def new_definition(export: SurveyExport, name: str, existing: list[str]) -> dict:
    """Frames for the surveys, survey_questions, survey_options and survey_items tables."""
    base = slug(name or Path(export.file_name).stem, 30)
    survey_id, n = base, 2
    while survey_id in existing:
        survey_id, n = f"{base}_{n}", n + 1
    questions, options, items = [], [], []
    grouped: dict[str, list] = {}
    for f in export.fields:
        grouped.setdefault(f.question, []).append(f)
    fields_map = {}
    for number, (text, fields) in enumerate(grouped.items(), start=1):
        qid = f"q{number}"
        matrix = len(fields) > 1 or bool(fields[0].item and not fields[0].multiple)
        texts = export.answers[export.answers["field"].isin([f.key for f in fields])]["answer"]
        if matrix:
            kind, labels = _kind(fields[0], texts)
            kind = "matrix" if kind != "free_text" else "free_text"
            if kind == "free_text":  # rows of free text: one question per row
                for sub, f in enumerate(fields, start=1):
                    questions.append((survey_id, f"{qid}_{sub}", f"Q{number}.{sub}",
                                      f"{text} [{f.item}]", "free_text", number * 10 + sub,
                                      f"From the export's column '{f.key}'."))
                    fields_map[f.key] = f"{qid}_{sub}"
                continue
            for position, f in enumerate(fields, start=1):
                items.append((survey_id, qid, f"i{position}", position, f.item))
                fields_map[f.key] = f"{qid}/i{position}"
        else:
            kind, labels = _kind(fields[0], texts)
            fields_map[fields[0].key] = qid
        questions.append((survey_id, qid, f"Q{number}", text, kind, number * 10,
                          f"From the {export.tool} export {export.file_name}."))
        used = set()
        for position, label in enumerate(labels, start=1):
            oid = slug(label, 30)
            oid = oid if oid not in used else f"{oid}_{position}"
            used.add(oid)
            score = _LIKERT.get(_norm(label)) if kind == "likert" else None
            options.append((survey_id, qid, oid, position, label, label[:40], score, None))
    survey = (survey_id, name or base, (name or base)[:40], None, "instrument", 100,
              f"Created from the {export.tool} export {export.file_name}", "")
    return {
        "survey_id": survey_id,
        "surveys": pd.DataFrame([survey], columns=["survey_id", "name", "short_name",
                                                   "audience", "kind", "sort_order", "source",
                                                   "description"]),
        "questions": pd.DataFrame(questions, columns=["survey_id", "question_id", "number",
                                                      "text", "type", "sort_order", "note"]),
        "options": pd.DataFrame(options, columns=["survey_id", "question_id", "option_id",
                                                  "position", "label", "short_label", "score",
                                                  "description"]),
        "items": pd.DataFrame(items, columns=["survey_id", "question_id", "item_id", "position",
                                              "label"]),
        "fields": fields_map,
    }


def _definitions(store: Store, new: dict | None) -> dict:
    defs = store.survey_definitions()
    if not new:
        return defs
    return {k: pd.concat([defs[k], new[k]], ignore_index=True) if len(new[k]) else defs[k]
            for k in ("surveys", "questions", "options", "items")}


class _WithNewDefinition:
    """The store as the pipeline sees it while a new definition is only proposed: its survey
    definitions include the new one, so the answers are validated against it before anything
    is written. Everything else is the store itself."""

    def __init__(self, store: Store, new: dict):
        self._store, self._new = store, new

    def survey_definitions(self):
        return _definitions(self._store, self._new)

    def __getattr__(self, name):
        return getattr(self._store, name)


def mapping_for(store: Store, export: SurveyExport, survey_id: str,
                survey_name: str = "") -> tuple[dict, dict | None]:
    """The suggested mapping and, for NEW, the definition it would create (nothing written)."""
    if survey_id != NEW:
        return suggest(store, export, survey_id), None
    existing = list(store.survey_definitions()["surveys"]["survey_id"])
    new = new_definition(export, survey_name, existing)
    return _new_mapping(store, export, new, None), new


def _new_mapping(store: Store, export: SurveyExport, new: dict, chosen: dict) -> dict:
    """For a new definition the mapping is the export itself; a field the user left out stays
    out."""
    fields = {k: (t if (chosen or {}).get(k, k) != SKIP else SKIP)
              for k, t in new["fields"].items()}
    view_defs = _definitions(store, new)
    answers = {}
    sid = new["survey_id"]
    for key, (qid, text) in _answer_texts(export, view_defs, sid, fields).items():
        options = view_defs["options"].query("survey_id == @sid and question_id == @qid")
        answers[key] = _match_option(text, options)
    return {"fields": fields, "answers": answers}


class SurveyPrepared(Prepared):
    """A prepared survey export: its summary counts answers, not figures."""

    @property
    def summary(self) -> str:
        n = self.rows_read
        parts = [f"{self.origin}; {n:,} answer{'s' if n != 1 else ''} built from it"]
        if self.error_count:
            parts.append(f"{self.error_count:,} error{'s' if self.error_count != 1 else ''}")
        if self.warning_count:
            parts.append(f"{self.warning_count:,} warning{'s' if self.warning_count != 1 else ''}")
        return "; ".join(parts) + "."


# -- answers, validated like an upload ------------------------------------------------------------
def default_period(export: SurveyExport) -> str:
    """The financial year of the last response (blank when the export has no dates)."""
    dates = export.dates
    if not dates:
        return ""
    last: date = dates[-1]
    start = last.year if last.month >= 4 else last.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def answer_rows(export: SurveyExport, mapping: dict, defs: dict,
                survey_id: str) -> pd.DataFrame:
    """respondent, question, item, answer rows (option ids) for the survey-answers template."""
    kinds = defs["questions"].query("survey_id == @survey_id").set_index("question_id")["type"]
    positions = defs["options"].query("survey_id == @survey_id").set_index(
        ["question_id", "option_id"])["position"].to_dict()
    by_field = {f.key: f for f in export.fields}
    rows = []
    for r in export.answers.itertuples():
        target = mapping["fields"].get(r.field) or SKIP
        if not target:
            continue
        qid, item = _question_of(target)
        if qid not in kinds:
            continue
        if kinds[qid] in CHOICE:
            picked = [mapping["answers"].get(qid + SEP + p, SKIP)
                      for p in _parts(r.answer, by_field[r.field].multiple)]
            picked = sorted({p for p in picked if p}, key=lambda o: positions.get((qid, o), 0))
            if not picked:
                continue
            answer = ";".join(picked)
        else:
            answer = r.answer
        rows.append((str(r.respondent_id), qid, item, answer))
    return pd.DataFrame(rows, columns=["respondent", "question", "item", "answer"])


def missing(answers: dict) -> list[str]:
    """What is still to be answered before the answers can be previewed."""
    out = []
    if not str(answers.get("area") or "").strip():
        out.append("which area the answers are for")
    if not str(answers.get("survey") or "").strip():
        out.append("which survey definition they belong to")
    if not str(answers.get("period") or "").strip():
        out.append("when the survey ran (the period, e.g. 2019/20)")
    return out


def prepare_survey_export(store: Store, data: bytes, name: str, recognised,
                          answers: dict, *, preview: bool = True) -> Prepared:
    """The export's answers, mapped and validated like a survey-answers upload (nothing is
    written). answers: area, survey (an id or NEW), period, survey_name (for NEW), mapping
    ({"fields": ..., "answers": ...}, else suggested)."""
    export: SurveyExport = recognised.survey
    open_ = missing(answers)
    if open_:
        raise ImportRefused(f"{recognised.description}. Before it can be imported, say "
                            + "; ".join(open_) + ".")
    survey_id = answers["survey"]
    new = None
    defs = store.survey_definitions()
    if survey_id == NEW:
        new = new_definition(export, answers.get("survey_name") or "",
                             list(defs["surveys"]["survey_id"]))
        mapping = _new_mapping(store, export, new, (answers.get("mapping") or {}).get("fields"))
        survey_id = new["survey_id"]
    else:
        if survey_id not in set(defs["surveys"]["survey_id"]):
            raise ImportRefused(f"There is no survey definition '{survey_id}'. Choose one on "
                                "the Surveys page, or create a new one from this export.")
        mapping = answers.get("mapping") or suggest(store, export, survey_id)
    rows = answer_rows(export, mapping, _definitions(store, new), survey_id)
    if rows.empty:
        raise ImportRefused(f"{recognised.description}, but no answer is mapped onto a question "
                            "of the survey: map at least one question in the mapping step.")
    staging = _WithNewDefinition(store, new) if new else store
    csv = answers_csv(survey_id, answers["area"], answers["period"], rows,
                      source=f"{export.tool} export")  # the file name is in the import log
    prepared = prepare(staging, csv, name, kind="survey_answers", preview=False)
    digest = hashlib.sha256(data)
    digest.update(json.dumps({"area": answers["area"], "period": answers["period"],
                              "survey": survey_id, "mapping": mapping}, sort_keys=True,
                             default=str).encode())
    prepared.__class__ = SurveyPrepared  # the same object, worded for answers
    prepared.sha256 = digest.hexdigest()
    prepared.import_kind = "survey_export"
    prepared.origin = recognised.description
    prepared.survey_plan = {"survey_id": survey_id, "new": new, "mapping": mapping,
                            "signature": _signature_key(export)}
    left_out = [f.key for f in export.fields if not mapping["fields"].get(f.key)]
    unmatched = [k for k, v in mapping["answers"].items() if not v]
    notes = []
    if left_out:
        notes.append(f"{len(left_out)} question{'s' if len(left_out) != 1 else ''} of the export "
                     "not mapped (left out)")
    if unmatched:
        notes.append(f"{len(unmatched)} answer text{'s' if len(unmatched) != 1 else ''} matching "
                     "no option (left out)")
    if notes:
        prepared.origin += "; " + "; ".join(notes)
    if preview and prepared.ok and len(prepared.staged):
        prepared.preview = store.preview_rows(prepared.template.table, prepared.staged,
                                              kind="survey_export", sha256=prepared.sha256)
    return prepared


def commit_survey_export(store: Store, prepared: Prepared, who: str = "local",
                         lock_timeout: float | None = None):
    """Write a new definition (if any), the answers (one undoable import), then remember the
    mapping for the next export of the same survey."""
    plan = prepared.survey_plan
    new = plan["new"]
    # The definition goes in the answers' own transaction: both are written, or neither.
    result = commit(store, prepared, who=who, lock_timeout=lock_timeout,
                    first=None if new is None else
                    (lambda cur: store.write_survey_definition(cur, new)))
    if result.import_id is not None:
        remember(store, plan, who)
    return result


def remember(store: Store, plan: dict, who: str) -> None:
    mapping = plan["mapping"]
    saved = {"q" + SEP + k: v for k, v in mapping["fields"].items()}
    saved.update({"a" + SEP + k: v for k, v in mapping["answers"].items()})
    store.save_table_mapping(_survey_key(plan["survey_id"]), saved, who)
    store.save_table_mapping(plan["signature"], {"survey": plan["survey_id"]}, who)


def _survey_key(survey_id: str) -> str:
    return f"survey-export:{survey_id}"


def _signature_key(export: SurveyExport) -> str:
    return f"survey-export-questions:{export.signature()}"
