"""Surveys: definitions (catalogue-like tables) and answers and invitations (revised tables, so
uploads, revisions, undo and history work as for any figure). Counts are made here, in SQL;
cjmetrics/surveys.py turns them into shares, intervals and suppressed displays."""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from .connection import StoreBase
from .tables import SURVEY_ANSWERS, SURVEY_INVITATIONS


class SurveysMixin(StoreBase):
    # -- a new survey definition, written with its first answers -------------------------------
    def write_survey_definition(self, cur, definition: dict[str, pd.DataFrame]) -> None:
        """Add a survey definition (frames "surveys", "questions", "options", "items") on `cur`,
        inside the caller's transaction, so it is committed together with its answers."""
        self._check_write("admin", "create a survey definition")
        for key, table in (("surveys", "surveys"), ("questions", "survey_questions"),
                           ("options", "survey_options"), ("items", "survey_items")):
            frame = definition.get(key)
            if frame is None or frame.empty:
                continue
            cols = ", ".join(frame.columns)
            cur.register("definition_rows", frame)
            try:
                cur.execute(f"INSERT OR IGNORE INTO {table} ({cols}) "
                            f"SELECT {cols} FROM definition_rows")
            finally:
                cur.unregister("definition_rows")

    def survey_definitions(self) -> dict[str, pd.DataFrame]:
        """Every survey, question, answer option and matrix row, in display order."""
        return {
            "surveys": self.query("SELECT * FROM surveys ORDER BY sort_order, survey_id"),
            "questions": self.query("SELECT * FROM survey_questions "
                                    "ORDER BY survey_id, sort_order, question_id"),
            "options": self.query("SELECT * FROM survey_options "
                                  "ORDER BY survey_id, question_id, position"),
            "items": self.query("SELECT * FROM survey_items "
                                "ORDER BY survey_id, question_id, position"),
        }

    @staticmethod
    def _survey_where(prefix: str = "t") -> str:
        return (f"{prefix}.survey_id = $survey "
                f"AND {prefix}.area_code IN (SELECT unnest($areas::VARCHAR[])) "
                f"AND ($start::DATE IS NULL OR {prefix}.period_start = $start::DATE) "
                f"AND ($end::DATE IS NULL OR {prefix}.period_end = $end::DATE)")

    def survey_answers(self, survey_id: str, area_codes: Sequence[str], start=None,
                       end=None) -> pd.DataFrame:
        """The current answers of one survey for some areas (one period when start/end are
        given): one row per respondent, question and matrix row. Importers write through the
        survey_answers template; this is what they and the pages read back."""
        return self.query(
            self.current_sql(SURVEY_ANSWERS, self._survey_where())
            + " ORDER BY area_code, period_start, respondent_id, question_id, item_id",
            {"survey": survey_id, "areas": list(area_codes), "start": start, "end": end})

    def survey_sources(self, area_codes: Sequence[str]) -> pd.DataFrame:
        """The distinct sources of the current answers per survey and period, for some areas
        (survey_id, period_start, period_end, source)."""
        where = "t.area_code IN (SELECT unnest($areas::VARCHAR[]))"
        return self.query(f"""
            SELECT DISTINCT survey_id, period_start, period_end, source
            FROM ({self.current_sql(SURVEY_ANSWERS, where)})
            WHERE source IS NOT NULL AND source <> ''
            ORDER BY ALL""", {"areas": list(area_codes)})

    def survey_responses(self, area_codes: Sequence[str],
                         survey_id: str | None = None) -> pd.DataFrame:
        """Respondents (distinct ids with any answer) and the number invited, per survey, area
        and period; invited is NULL where it is not known."""
        where = ("t.area_code IN (SELECT unnest($areas::VARCHAR[])) "
                 "AND ($survey::VARCHAR IS NULL OR t.survey_id = $survey::VARCHAR)")
        return self.query(f"""
            WITH a AS ({self.current_sql(SURVEY_ANSWERS, where)}),
            r AS (SELECT survey_id, area_code, period_start, period_end,
                         any_value(period_label) AS period_label,
                         count(DISTINCT respondent_id) AS respondents
                  FROM a GROUP BY ALL),
            i AS ({self.current_sql(SURVEY_INVITATIONS, where)})
            SELECT survey_id, area_code, period_start, period_end,
                   coalesce(r.period_label, i.period_label) AS period_label,
                   coalesce(r.respondents, 0) AS respondents, i.invited
            FROM r FULL OUTER JOIN i USING (survey_id, area_code, period_start, period_end)
            ORDER BY survey_id, period_start, period_end, area_code""",
            {"areas": list(area_codes), "survey": survey_id})

    def survey_answer_counts(self, survey_id: str, groups: Sequence[tuple[str, str]], start=None,
                             end=None) -> pd.DataFrame:
        """How many respondents chose each option of each choice question (each matrix row),
        per group of areas. `groups` pairs (group_code, member_area_code): a partnership is
        the group of its councils, a council the group of itself. `base` is the number of
        respondents in the group who answered that question (matrix row); every option of an
        answered question is listed, chosen by nobody or not."""
        pairs = list(groups)
        return self.query(f"""
            WITH g AS (SELECT unnest($groups::VARCHAR[]) AS group_code,
                              unnest($members::VARCHAR[]) AS area_code),
            a AS ({self.current_sql(SURVEY_ANSWERS, self._survey_where())}),
            q AS (SELECT question_id FROM survey_questions
                  WHERE survey_id = $survey AND type <> 'free_text'),
            picked AS (
                SELECT g.group_code, a.area_code || '|' || a.respondent_id AS who,
                       a.question_id, a.item_id,
                       trim(unnest(string_split(a.answer, ';'))) AS option_id
                FROM a JOIN g USING (area_code) JOIN q USING (question_id)),
            base AS (SELECT group_code, question_id, item_id, count(DISTINCT who) AS base
                     FROM picked GROUP BY ALL),
            counts AS (SELECT group_code, question_id, item_id, option_id,
                              count(DISTINCT who) AS n
                       FROM picked GROUP BY ALL)
            SELECT b.group_code AS area_code, b.question_id, b.item_id, o.option_id,
                   o.position, o.label, o.short_label, o.score,
                   coalesce(c.n, 0) AS n, b.base
            FROM base b
            JOIN survey_options o ON o.survey_id = $survey AND o.question_id = b.question_id
            LEFT JOIN counts c ON c.group_code = b.group_code AND c.question_id = b.question_id
                AND c.item_id = b.item_id AND c.option_id = o.option_id
            ORDER BY b.group_code, b.question_id, b.item_id, o.position""",
            {"survey": survey_id, "groups": [g for g, _ in pairs],
             "members": [m for _, m in pairs], "areas": [m for _, m in pairs],
             "start": start, "end": end})
