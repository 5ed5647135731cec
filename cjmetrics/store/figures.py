"""Reads of figures: current rows of any revised table, indicator series (totalled from their
breakdowns where a count has no total), every figure for export, a figure's revision history,
targets and annotations."""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from .connection import StoreBase
from .tables import ANNOTATIONS, INDICATOR_EDITS, OBSERVATIONS, TARGETS, RevisedTable


class FiguresMixin(StoreBase):
    def current(self, spec: RevisedTable, area_codes: Sequence[str] | None = None) -> pd.DataFrame:
        """The current rows of any revised table, optionally for some areas."""
        where = "TRUE" if area_codes is None or "area_code" not in spec.columns else \
            "t.area_code IN (SELECT unnest($areas::VARCHAR[]))"
        params = {} if where == "TRUE" else {"areas": list(area_codes)}
        return self.query(self.current_sql(spec, where), params)

    def series(self, indicator_ids: Sequence[str], area_codes: Sequence[str],
               start=None, end=None) -> pd.DataFrame:
        """Current totals per indicator, area and period, oldest first.

        A period with no total row is totalled from its breakdown rows when the indicator is a
        count (channels add up; percentages do not). Local indicators (which exist only as
        indicator edits) are included, with their edited unit."""
        where = ("t.indicator_id IN (SELECT unnest($ids::VARCHAR[])) "
                 "AND t.area_code IN (SELECT unnest($areas::VARCHAR[])) "
                 "AND ($start::DATE IS NULL OR t.period_end >= $start::DATE) "
                 "AND ($end::DATE IS NULL OR t.period_start <= $end::DATE)")
        return self.query(f"""
            WITH c AS ({self.current_sql(OBSERVATIONS, where)}),
            e AS ({self.current_sql(INDICATOR_EDITS,
                                    "t.indicator_id IN (SELECT unnest($ids::VARCHAR[]))")}),
            units AS (SELECT indicator_id, coalesce(e.unit, i.unit) AS unit
                      FROM indicators i FULL OUTER JOIN e USING (indicator_id))
            SELECT c.indicator_id, c.area_code, c.period_start, c.period_end,
                   any_value(c.period_label) AS period_label,
                   any_value(c.period_type) AS period_type,
                   CASE WHEN bool_or(c.breakdown = '')
                          THEN max(c.value) FILTER (WHERE c.breakdown = '')
                        WHEN any_value(i.unit) = 'count' THEN sum(c.value) END AS value,
                   max(c.numerator) FILTER (WHERE c.breakdown = '') AS numerator,
                   max(c.denominator) FILTER (WHERE c.breakdown = '') AS denominator,
                   max(c.lower) FILTER (WHERE c.breakdown = '') AS lower,
                   max(c.upper) FILTER (WHERE c.breakdown = '') AS upper,
                   string_agg(DISTINCT c.note, '; ') FILTER (WHERE c.breakdown = '') AS note,
                   string_agg(DISTINCT c.source, '; ') AS source,
                   NOT bool_or(c.breakdown = '') AS from_breakdown
            FROM c LEFT JOIN units i USING (indicator_id)
            GROUP BY c.indicator_id, c.area_code, c.period_start, c.period_end
            HAVING value IS NOT NULL
            ORDER BY c.indicator_id, c.area_code, c.period_start, c.period_end""",
            {"ids": list(indicator_ids), "areas": list(area_codes), "start": start, "end": end})

    def current_observations(self, indicator_ids: Sequence[str] | None = None,
                             area_codes: Sequence[str] | None = None) -> pd.DataFrame:
        """Every current figure (breakdown rows included), for export and editing."""
        where = ("($ids::VARCHAR[] IS NULL OR t.indicator_id IN (SELECT unnest($ids::VARCHAR[]))) "
                 "AND ($areas::VARCHAR[] IS NULL OR "
                 "t.area_code IN (SELECT unnest($areas::VARCHAR[])))")
        return self.query(
            self.current_sql(OBSERVATIONS, where)
            + " ORDER BY indicator_id, area_code, period_start, period_end, breakdown",
            {"ids": None if indicator_ids is None else list(indicator_ids),
             "areas": None if area_codes is None else list(area_codes)})

    def areas_with_figures(self, indicator_id: str) -> list[str]:
        """The areas holding a current figure (total or breakdown) for one indicator, so an
        area picker can mark them."""
        where = "t.indicator_id = $id"
        return list(self.query(
            f"SELECT DISTINCT area_code FROM ({self.current_sql(OBSERVATIONS, where)}) "
            "WHERE value IS NOT NULL ORDER BY area_code", {"id": indicator_id})["area_code"])

    def figure_pairs(self) -> pd.DataFrame:
        """The (indicator, area) pairs that hold any figure, for history pickers."""
        return self.query("SELECT DISTINCT indicator_id, area_code FROM observations "
                          "ORDER BY indicator_id, area_code")

    def revisions(self, indicator_id: str, area_code: str) -> pd.DataFrame:
        """Every revision of every figure of one indicator in one area, newest import first,
        with its import and whether it is the value that counts now."""
        return self.query("""
            SELECT o.period_label, o.breakdown, o.value, o.import_id, i.file_name, i.who,
                   i.committed_at, i.status,
                   o.import_id = max(o.import_id) FILTER (WHERE i.status = 'committed') OVER (
                       PARTITION BY o.period_start, o.period_end, o.breakdown) AS is_current
            FROM observations o JOIN imports i USING (import_id)
            WHERE o.indicator_id = ? AND o.area_code = ?
            ORDER BY o.period_start, o.period_end, o.breakdown, o.import_id DESC""",
            [indicator_id, area_code])

    def targets(self, indicator_ids: Sequence[str], area_codes: Sequence[str]) -> pd.DataFrame:
        where = ("t.indicator_id IN (SELECT unnest($ids::VARCHAR[])) "
                 "AND t.area_code IN (SELECT unnest($areas::VARCHAR[]))")
        return self.query(self.current_sql(TARGETS, where) + " ORDER BY indicator_id, area_code",
                          {"ids": list(indicator_ids), "areas": list(area_codes)})

    def annotations(self, indicator_ids: Sequence[str], area_codes: Sequence[str]) -> pd.DataFrame:
        where = ("t.indicator_id IN (SELECT unnest($ids::VARCHAR[])) "
                 "AND t.area_code IN (SELECT unnest($areas::VARCHAR[]))")
        return self.query(self.current_sql(ANNOTATIONS, where) + " ORDER BY period_start",
                          {"ids": list(indicator_ids), "areas": list(area_codes)})
