"""Engagement roll-ups: monthly engagement figures added up by quarter or year (a partnership
from its councils where it has none of its own), social media posts, engagement plan
activities, service stages and the distance-travelled scale."""

from __future__ import annotations

from typing import Sequence

import pandas as pd

from .connection import StoreBase
from .tables import ENGAGEMENT_ACTIVITIES, OBSERVATIONS, SERVICE_STAGES, SOCIAL_POSTS, STAGE_NAMES


class EngagementMixin(StoreBase):
    _BUCKETS = {
        "month": "m.period_start",
        "quarter": "CAST(date_trunc('quarter', m.period_start) AS DATE)",
        "year": "make_date(year(m.period_start) - CASE WHEN month(m.period_start) < 4 THEN 1 "
                "ELSE 0 END, 4, 1)",
    }

    def _engagement_where(self) -> str:
        """Rows of the area itself, or of its councils for the indicators a partnership holds
        no figures of its own for (its councils' figures add up to it)."""
        return ("t.indicator_id IN (SELECT unnest($ids::VARCHAR[])) AND t.period_type = 'month' "
                "AND (t.area_code = $area OR t.area_code IN (SELECT area_code FROM areas "
                "WHERE parent_code = $area AND $area IN (SELECT area_code FROM areas "
                "WHERE level = 'partnership')))")

    def engagement_rollup(self, indicator_ids: Sequence[str], area_code: str, grain: str,
                          by_breakdown: bool = False) -> pd.DataFrame:
        """Monthly engagement figures of an area added up by month, financial quarter or
        financial year, in one query.

        Counts are summed; percentages are recomputed as 100 x sum(numerator) /
        sum(denominator), and left blank when any month lacks its numerator or denominator
        (an average of monthly rates would weight a quiet month like a busy one). A partnership
        without its own figures for an indicator gets the sum of its councils
        (`from_councils`). `months` counts the months with figures in each period.
        With `by_breakdown`, one row per breakdown (channel:..., event:...) instead of totals."""
        bucket = self._BUCKETS[grain]
        if by_breakdown:
            monthly = """
                SELECT p.indicator_id, p.area_code, p.period_start, p.breakdown,
                       sum(p.value) AS value, sum(p.numerator) AS numerator,
                       sum(p.denominator) AS denominator, any_value(i.unit) AS unit,
                       string_agg(DISTINCT p.source, '; ') AS source
                FROM picked p JOIN indicators i USING (indicator_id)
                WHERE p.breakdown <> ''
                GROUP BY ALL"""
        else:
            # The total row where there is one, else the sum of a count's breakdown rows.
            monthly = """
                SELECT p.indicator_id, p.area_code, p.period_start, '' AS breakdown,
                       CASE WHEN bool_or(p.breakdown = '')
                              THEN max(p.value) FILTER (WHERE p.breakdown = '')
                            WHEN any_value(i.unit) = 'count' THEN sum(p.value) END AS value,
                       max(p.numerator) FILTER (WHERE p.breakdown = '') AS numerator,
                       max(p.denominator) FILTER (WHERE p.breakdown = '') AS denominator,
                       any_value(i.unit) AS unit, string_agg(DISTINCT p.source, '; ') AS source
                FROM picked p JOIN indicators i USING (indicator_id)
                GROUP BY p.indicator_id, p.area_code, p.period_start"""
        return self.query(f"""
            WITH c AS ({self.current_sql(OBSERVATIONS, self._engagement_where())}),
            own AS (SELECT DISTINCT indicator_id FROM c WHERE area_code = $area),
            picked AS (
                SELECT c.* FROM c
                WHERE (c.area_code = $area) = (c.indicator_id IN (SELECT indicator_id FROM own))),
            m AS ({monthly})
            SELECT m.indicator_id, m.breakdown, {bucket} AS period_start,
                   count(DISTINCT m.period_start) AS months,
                   CASE WHEN any_value(m.unit) = 'percent' THEN
                            CASE WHEN count(*) = count(m.numerator * m.denominator)
                                      AND sum(m.denominator) > 0
                                 THEN 100 * sum(m.numerator) / sum(m.denominator)
                                 -- one month of one area: its rate stands as given
                                 WHEN count(*) = 1 THEN any_value(m.value) END
                        ELSE sum(m.value) END AS value,
                   sum(m.numerator) AS numerator, sum(m.denominator) AS denominator,
                   bool_or(m.area_code <> $area) AS from_councils,
                   string_agg(DISTINCT m.area_code, ';') AS area_codes,
                   string_agg(DISTINCT m.source, '; ') AS source
            FROM m
            GROUP BY m.indicator_id, m.breakdown, {bucket}
            ORDER BY m.indicator_id, period_start, m.breakdown""",
            {"ids": list(indicator_ids), "area": area_code})

    def _engagement_areas_sql(self) -> str:
        """The area and, for a partnership, its councils (posts and activities are items, so
        a partnership's own and its councils' add up without double counting)."""
        return ("(t.area_code = $area OR t.area_code IN (SELECT area_code FROM areas "
                "WHERE parent_code = $area AND $area IN (SELECT area_code FROM areas "
                "WHERE level = 'partnership')))")

    def top_posts(self, area_code: str, start, end, limit: int = 10) -> pd.DataFrame:
        """The area's social media posts in a date range, most engaged-with first."""
        where = (self._engagement_areas_sql()
                 + " AND t.posted_start >= $start::DATE AND t.posted_start <= $end::DATE")
        return self.query(f"""
            SELECT * FROM ({self.current_sql(SOCIAL_POSTS, where)})
            ORDER BY engagements DESC NULLS LAST, impressions DESC NULLS LAST, posted_start,
                     channel, post_id
            LIMIT {int(limit)}""", {"area": area_code, "start": start, "end": end})

    def post_counts(self, area_code: str) -> pd.DataFrame:
        """Posts per channel and month for an area, for the posts' coverage note."""
        return self.query(f"""
            SELECT channel, CAST(date_trunc('month', posted_start) AS DATE) AS month,
                   count(*) AS posts, sum(engagements) AS engagements
            FROM ({self.current_sql(SOCIAL_POSTS, self._engagement_areas_sql())})
            GROUP BY ALL ORDER BY month, channel""", {"area": area_code})

    def engagement_activities(self, area_code: str | None, start=None, end=None
                              ) -> pd.DataFrame:
        """Current engagement plan activities of an area (and a partnership's councils), those
        overlapping [start, end] when given, oldest first. None: every area."""
        where = f"($area::VARCHAR IS NULL OR {self._engagement_areas_sql()})" + \
            (" AND ($start::DATE IS NULL OR coalesce(t.end_end, t.start_end, t.start_start) "
             ">= $start::DATE) AND ($end::DATE IS NULL OR t.start_start <= $end::DATE)")
        return self.query(
            f"SELECT * FROM ({self.current_sql(ENGAGEMENT_ACTIVITIES, where)}) "
            "ORDER BY start_start NULLS LAST, area_code, activity_id",
            {"area": area_code, "start": start, "end": end})

    def service_stages(self, area_code: str | None) -> pd.DataFrame:
        """Every current distance-travelled assessment of an area's services, oldest first."""
        where = f"($area::VARCHAR IS NULL OR {self._engagement_areas_sql()})"
        return self.query(
            f"SELECT * FROM ({self.current_sql(SERVICE_STAGES, where)}) "
            "ORDER BY area_code, service, period_start, period_end", {"area": area_code})

    def stage_names(self) -> pd.DataFrame:
        """The distance-travelled scale: catalogue labels overlaid by names edited in the app."""
        return self.query(f"""
            WITH e AS ({self.current_sql(STAGE_NAMES)})
            SELECT CAST(s.value AS INTEGER) AS stage, coalesce(e.name, s.label) AS name,
                   e.name IS NULL AS from_catalogue, s.description
            FROM scales s LEFT JOIN e ON e.stage = s.value
            WHERE s.scale_id = 'distance_travelled' ORDER BY s.value""")
