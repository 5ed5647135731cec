"""Checks on a survey-answers upload that need the survey's definition.

The pipeline maps each column on its own (area, survey, period); whether 'Q5' is a question, or
'Consult' an answer, depends on the survey and the question of the same row. These checks run on
the staged upload once it is canonical: Python resolves each DISTINCT (survey, question) and
(survey, question, answer) with did-you-mean suggestions, and SQL applies the verdicts to every
row. Answers are stored as option ids (several joined by ';' in the survey's order), so a
re-worded option label never changes what was recorded.
"""

from __future__ import annotations

import pandas as pd

from ..store import Stage
from .read import ROW_COLUMN
from .resolve import Resolver

CHOICE_TYPES = ("single", "multiple", "matrix", "likert")
_EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _question_resolver(questions: pd.DataFrame, survey_name: str) -> Resolver:
    entries = []
    for q in questions.itertuples():
        number = str(q.number or "")
        spellings = [number, number.lstrip("Qq"), f"q{number.lstrip('Qq')}", q.text]
        entries.append((q.question_id, f"{number} {_short(q.text)}", spellings))
    return Resolver(f"question of the {survey_name}", entries,
                    "Use the question's number as printed on the survey (Q1, Q5), its id or its "
                    "wording; the Surveys page lists them.")


def _option_resolver(options: pd.DataFrame, label: str) -> Resolver:
    entries = [(o.option_id, o.short_label or o.label, [str(o.position), o.label])
               for o in options.itertuples()]
    listed = "; ".join(f"{o.position} {o.short_label or o.label}" for o in options.itertuples())
    return Resolver(f"answer to {label}", entries,
                    f"Use one of its options (wording, number or id): {listed}.")


def _item_resolver(items: pd.DataFrame, label: str) -> Resolver:
    entries = [(i.item_id, i.label, [str(i.position)]) for i in items.itertuples()]
    listed = "; ".join(i.label for i in items.itertuples())
    return Resolver(f"row of {label}", entries, f"Use one of its rows: {listed}.")


def _table(stage: Stage, name: str, frame: pd.DataFrame, columns: list[str]) -> None:
    # Every column text: a column of None alone would otherwise be typed INTEGER.
    frame = pd.DataFrame(frame.values if len(frame) else None, columns=columns).astype(object)
    stage.load_frame(name, frame, as_text=True)


def _problems(column: str, prefix: str) -> str:
    return (f"SELECT 'error', {ROW_COLUMN}, '{column}', _raw_{column}, _{prefix}_problem, "
            f"_{prefix}_fix FROM canon WHERE _{prefix}_problem IS NOT NULL")


def refine_survey_answers(store, stage: Stage) -> list[str]:
    """Resolve question, matrix row and answer against the survey's definition; return the
    SELECTs that list what could not be resolved (each a sentence with what to do)."""
    defs = store.survey_definitions()
    surveys = defs["surveys"].set_index("survey_id")
    questions, options, items = defs["questions"], defs["options"], defs["items"]
    stage.add_columns("canon", ("respondent_id", "question_id", "item_id", "_type", "_q_problem",
                                "_q_fix", "_i_problem", "_i_fix", "_a_problem", "_a_fix",
                                "_r_problem", "_r_fix"))
    stage.update("canon", "respondent_id = respondent")

    # Questions, per survey.
    rows = []
    for survey_id, raw in stage.rows(
            "SELECT DISTINCT survey_id, question FROM canon "
            "WHERE survey_id IS NOT NULL AND question IS NOT NULL"):
        mine = questions[questions["survey_id"] == survey_id]
        resolver = _question_resolver(mine, str(surveys.loc[survey_id, "name"]))
        key = resolver.resolve(raw)
        kind = mine.set_index("question_id")["type"].get(key) if key else None
        rows.append((survey_id, raw, key, kind, None if key else resolver.problem(raw),
                     None if key else resolver.fix))
    _table(stage, "survey_qmap", pd.DataFrame(rows), ["survey_id", "raw", "id", "type", "problem",
                                                      "fix"])
    stage.update("canon", "question_id = m.id, _type = m.type, _q_problem = m.problem, "
                 "_q_fix = m.fix", "canon.survey_id = m.survey_id AND canon.question = m.raw",
                 using="survey_qmap m")

    # Matrix rows: required for a matrix question, blank for any other.
    rows = []
    for survey_id, question_id, kind, raw in stage.rows(
            "SELECT DISTINCT survey_id, question_id, _type, item FROM canon "
            "WHERE question_id IS NOT NULL"):
        number = questions.query("survey_id == @survey_id and question_id == @question_id")[
            "number"].iloc[0]
        if kind != "matrix":
            problem = (None if raw is None else
                       f"{number} is not a matrix question, so it has no row '{raw}'.")
            rows.append((survey_id, question_id, raw, "" if raw is None else None, problem,
                         None if raw is None else "Leave the item blank for this question."))
            continue
        mine = items.query("survey_id == @survey_id and question_id == @question_id")
        resolver = _item_resolver(mine, number)
        key = resolver.resolve(raw) if raw is not None else None
        problem = None if key else (f"{number} is a matrix question: each row needs its item "
                                    "(the organisation the answer is about)." if raw is None
                                    else resolver.problem(raw))
        rows.append((survey_id, question_id, raw, key, problem, None if key else resolver.fix))
    _table(stage, "survey_imap", pd.DataFrame(rows), ["survey_id", "question_id", "raw", "id",
                                                      "problem", "fix"])
    stage.update("canon", "item_id = m.id, _i_problem = m.problem, _i_fix = m.fix",
                 "canon.survey_id = m.survey_id AND canon.question_id = m.question_id "
                 "AND canon.item IS NOT DISTINCT FROM m.raw", using="survey_imap m")
    stage.update("canon", "item_id = ''", "item_id IS NULL AND _i_problem IS NULL")

    # Answers to choice questions become option ids.
    rows = []
    for survey_id, question_id, kind, raw in stage.rows(
            "SELECT DISTINCT survey_id, question_id, _type, answer FROM canon "
            f"WHERE question_id IS NOT NULL AND answer IS NOT NULL "
            f"AND _type IN {CHOICE_TYPES}"):
        mine = options.query("survey_id == @survey_id and question_id == @question_id")
        number = questions.query("survey_id == @survey_id and question_id == @question_id")[
            "number"].iloc[0]
        resolver = _option_resolver(mine, number)
        whole = resolver.resolve(raw)
        parts = [whole] if whole else [p.strip() for p in str(raw).split(";") if p.strip()]
        keys = [resolver.resolve(p) for p in parts] if not whole else [whole]
        problem = fix = canonical = None
        if not all(keys):
            bad = next(p for p, k in zip(parts, keys) if not k)
            problem, fix = resolver.problem(bad), resolver.fix
        elif len(set(keys)) > 1 and kind != "multiple":
            problem = f"{number} takes one answer, and this row gives {len(set(keys))}."
            fix = "Keep the one option the respondent chose."
        else:
            order = dict(zip(mine["option_id"], mine["position"]))
            canonical = ";".join(sorted(set(keys), key=order.get))
        rows.append((survey_id, question_id, raw, canonical, problem, fix))
    _table(stage, "survey_amap", pd.DataFrame(rows), ["survey_id", "question_id", "raw", "id",
                                                      "problem", "fix"])
    stage.update("canon", "answer = m.id, _a_problem = m.problem, _a_fix = m.fix",
                 "canon.survey_id = m.survey_id AND canon.question_id = m.question_id "
                 "AND canon.answer = m.raw", using="survey_amap m")

    # Respondents are ids, never people: no e-mail addresses anywhere, and ids of sane length.
    stage.update("canon", f"""
        _r_problem = CASE
            WHEN regexp_matches(respondent, '{_EMAIL}')
              THEN 'The respondent id looks like an e-mail address; cjmetrics stores no '
                   || 'names or e-mail addresses.'
            WHEN length(respondent) > 64 THEN 'The respondent id is longer than 64 characters.'
            WHEN _type = 'free_text' AND regexp_matches(answer, '{_EMAIL}')
              THEN 'This answer contains an e-mail address; cjmetrics stores none.' END,
        _r_fix = CASE
            WHEN _type = 'free_text' AND regexp_matches(coalesce(answer, ''), '{_EMAIL}')
                 AND NOT regexp_matches(respondent, '{_EMAIL}')
              THEN 'Remove the address from the answer (e.g. write [e-mail removed]).'
            ELSE 'Use an anonymous id such as the survey tool''s response number (R017).' END""",
                 "respondent IS NOT NULL")
    stage.update("canon", "_r_fix = NULL", "_r_problem IS NULL")
    stage.drop("survey_qmap", "survey_imap", "survey_amap")
    return [_problems("question", "q"), _problems("item", "i"), _problems("answer", "a"),
            # An address in a free-text answer is the answer's problem, not the respondent's.
            f"SELECT 'error', {ROW_COLUMN}, CASE WHEN starts_with(_r_problem, 'This answer') "
            f"THEN 'answer' ELSE 'respondent' END, CASE WHEN starts_with(_r_problem, "
            f"'This answer') THEN _raw_answer ELSE _raw_respondent END, _r_problem, _r_fix "
            f"FROM canon WHERE _r_problem IS NOT NULL"]

