"""The Engagement page's model: how far the partnership's communication reaches.

Social media reach and engagements by channel, website visits, newsletter opens, open rate and
clicks, media coverage and event attendance (the eng_* indicators, monthly), added up by month,
financial quarter or financial year in the store (`Store.engagement_rollup`), with each period's
change on the same period a year earlier, the top events and the top posts. A partnership
without its own figures for a measure gets the sum of its councils, and the model says so.
Plain data, so the page only renders it and tests can check the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import pandas as pd

from .analysis import format_value, format_values
from .areas import AreaTree
from .config import is_illustrative, joined_sources
from .periods import period_containing, shift
from .store import Store

GRAINS = {"month": "Monthly", "quarter": "Quarterly", "year": "Yearly"}
PERIOD_TYPE = {"month": "month", "quarter": "quarter", "year": "financial_year"}
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}
MEASURES = ["eng_social_reach", "eng_social_engagements", "eng_website_visits",
            "eng_newsletter_opens", "eng_newsletter_open_rate", "eng_newsletter_clicks",
            "eng_media_coverage", "eng_event_attendance"]
SOCIAL = ["eng_social_reach", "eng_social_engagements"]
CHANNELS = ["X/Twitter", "Facebook", "LinkedIn", "Instagram", "YouTube"]
EVENTS = "eng_event_attendance"
OPEN_RATE = "eng_newsletter_open_rate"
# Months without an event hold no row: a quarter with events in two months is complete.
SPORADIC = {EVENTS}
SHOWN_PERIODS = {"month": 13, "quarter": 12, "year": 8}  # back to the same period a year ago


# The Engagement reach page's two measures-over-time charts: the indicators each draws, its title.
REACH_MEASURES = {
    "web-newsletter": (["eng_website_visits", "eng_newsletter_opens"],
                       "Website visits and newsletter opens"),
    "clicks-media": (["eng_newsletter_clicks", "eng_media_coverage"],
                     "Newsletter clicks and media coverage"),
}


def period_label(start: date, grain: str) -> str:
    return period_containing(start, PERIOD_TYPE[grain]).label


@dataclass(frozen=True)
class Change:
    """A figure beside the same period a year earlier."""

    value: float | None
    previous: float | None
    previous_label: str
    unit: str
    comparable: bool = True  # False when either period is missing months of figures

    @property
    def difference(self) -> float | None:
        if self.value is None or self.previous is None or pd.isna(self.value) \
                or pd.isna(self.previous):
            return None
        return self.value - self.previous

    @property
    def percent(self) -> float | None:
        diff = self.difference
        if diff is None or self.unit == "percent" or not self.previous:
            return None
        return 100 * diff / self.previous

    @property
    def text(self) -> str:
        """"+12% on Q1 2023/24" (counts) or "+2.1 points on Mar 2024" (rates)."""
        diff = self.difference
        if diff is None:
            return f"no figure for {self.previous_label}"
        if self.unit == "percent":
            words = f"{diff:+.1f} points on {self.previous_label}"
        elif self.percent is None:
            words = f"{diff:+,.0f} on {self.previous_label}"
        else:
            words = f"{self.percent:+.0f}% on {self.previous_label}"
        return words


@dataclass
class Tile:
    indicator_id: str
    name: str
    unit: str
    value: float | None
    months: int
    months_expected: int
    change: Change

    @property
    def value_text(self) -> str:
        return format_value(self.value, self.unit)

    @property
    def partial(self) -> bool:
        return self.value is not None and self.months < self.months_expected


@dataclass
class EngagementModel:
    area_code: str
    area_name: str
    grain: str
    indicators: dict[str, dict]  # indicator_id -> name, unit, short_name
    totals: pd.DataFrame  # indicator_id, period_start, label, months, value, numerator, ...
    channels: pd.DataFrame  # indicator_id, channel, period_start, label, value
    events: pd.DataFrame  # monthly event rows: event, period_start, label, attendance
    from_councils: list[str] = field(default_factory=list)  # measures summed from councils
    council_names: list[str] = field(default_factory=list)
    sources: str = ""

    @property
    def has_figures(self) -> bool:
        return not self.totals.empty

    @property
    def illustrative(self) -> bool:
        return is_illustrative(self.sources)

    @property
    def periods(self) -> list[tuple[date, str]]:
        """(start, label) of every period holding a figure, newest first."""
        frame = self.totals.drop_duplicates("period_start").sort_values(
            "period_start", ascending=False)
        return list(zip(frame["period_start"], frame["label"]))

    @property
    def latest(self) -> date | None:
        periods = self.periods
        return periods[0][0] if periods else None

    def label(self, start: date) -> str:
        return period_label(start, self.grain)

    @cached_property
    def _by_period(self) -> dict[tuple[str, date], tuple[float | None, int]]:
        """(indicator, period start) -> (value, months): one pass over the totals, where a
        mask per lookup cost a page about 70 ms at national scale."""
        first = self.totals.drop_duplicates(["indicator_id", "period_start"])
        return {(i, s): (None if pd.isna(v) else float(v), int(m)) for i, s, v, m in zip(
            first["indicator_id"], first["period_start"], first["value"], first["months"])}

    def _value(self, indicator_id: str, start: date) -> tuple[float | None, int]:
        return self._by_period.get((indicator_id, start), (None, 0))

    def change(self, indicator_id: str, start: date) -> Change:
        unit = self.indicators[indicator_id]["unit"]
        earlier = shift(period_containing(start, PERIOD_TYPE[self.grain]), -1)
        value, months = self._value(indicator_id, start)
        previous, previous_months = self._value(indicator_id, earlier.start)
        expected = MONTHS_IN[self.grain]
        comparable = indicator_id in SPORADIC or (months == expected
                                                  and previous_months == expected)
        return Change(value, previous, earlier.label, unit, comparable=comparable)

    def tiles(self, start: date) -> list[Tile]:
        tiles = []
        for indicator_id in MEASURES:
            info = self.indicators[indicator_id]
            value, months = self._value(indicator_id, start)
            expected = months if indicator_id in SPORADIC else MONTHS_IN[self.grain]
            tiles.append(Tile(indicator_id, info["short_name"], info["unit"], value, months,
                              expected, self.change(indicator_id, start)))
        return tiles

    def totals_table(self, start: date) -> pd.DataFrame:
        """Every measure for the period, the same period a year earlier and the change."""
        rows = []
        for tile in self.tiles(start):
            change = tile.change
            rows.append({
                "Measure": tile.name, "Period": self.label(start), "Value": tile.value,
                "Months with figures": tile.months,
                "Same period a year earlier": change.previous_label,
                "Value a year earlier": change.previous, "Change": change.difference,
                "Change (%)": None if change.percent is None else round(change.percent, 1),
                "Unit": "per cent" if tile.unit == "percent" else "number"})
        return pd.DataFrame(rows)

    def totals_shown(self, start: date) -> pd.DataFrame:
        """totals_table as people read it: each figure in its measure's unit and format
        ("4,031", "32.9%"), changes signed ("+120", "+1.2 points", "-3.0%"); the CSV download
        keeps totals_table's plain numbers."""
        def signed(value: float | None, unit: str, suffix: str = "") -> str:
            text = format_value(value, unit)
            return ("+" if value is not None and value > 0 else "") + text + \
                (suffix if value is not None else "")

        rows = []
        for tile in self.tiles(start):
            change = tile.change
            percent = tile.unit == "percent"
            rows.append({
                "Measure": tile.name, "Period": self.label(start),
                "Value": format_value(tile.value, tile.unit),
                "Same period a year earlier": change.previous_label,
                "Value a year earlier": format_value(change.previous, tile.unit),
                "Change": signed(change.difference, "score" if percent else tile.unit,
                                 " points" if percent else ""),
                "Change (%)": signed(change.percent, "percent"),
                "Months with figures": tile.months})
        return pd.DataFrame(rows)

    def recent(self, frame: pd.DataFrame, start: date | None = None) -> pd.DataFrame:
        """Rows of the last SHOWN_PERIODS periods up to `start` (default: the latest)."""
        end = start or self.latest
        starts = sorted({s for s in frame["period_start"] if s <= end})[-SHOWN_PERIODS[self.grain]:]
        return frame[frame["period_start"].isin(starts)]

    def top_events(self, start: date, limit: int = 10) -> pd.DataFrame:
        """The best-attended events in the period (an event held in several months is one row
        per month)."""
        period = period_containing(start, PERIOD_TYPE[self.grain])
        rows = self.events[(self.events["period_start"] >= period.start)
                           & (self.events["period_start"] <= period.end)]
        rows = rows.sort_values(["attendance", "period_start", "event"],
                                ascending=[False, True, True]).head(limit)
        return pd.DataFrame({"Event": rows["event"], "Month": rows["label"],
                             "Attendance": rows["attendance"]}).reset_index(drop=True)

    def source_note(self) -> str | None:
        if not self.from_councils:
            return None
        names = ", ".join(self.indicators[i]["short_name"].lower() for i in self.from_councils)
        return (f"{self.area_name} holds no figures of its own for {names}: they are the sum "
                f"of its councils ({', '.join(self.council_names)}); rates are recomputed from "
                "their summed counts.")


def _indicator_info(store: Store) -> dict[str, dict]:
    frame = store.indicators()
    frame = frame[frame["indicator_id"].isin(MEASURES)]
    return {row.indicator_id: {"name": row.name, "short_name": row.short_name or row.name,
                               "unit": row.unit, "source": row.source}
            for row in frame.itertuples()}


def build_engagement(store: Store, area_code: str, grain: str = "quarter") -> EngagementModel:
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {list(GRAINS)}")
    tree = AreaTree(store.areas())
    info = _indicator_info(store)
    totals = store.engagement_rollup(MEASURES, area_code, grain)
    split = store.engagement_rollup(SOCIAL + [EVENTS], area_code, grain, by_breakdown=True)
    months = store.engagement_rollup([EVENTS], area_code, "month", by_breakdown=True)
    for frame in (totals, split, months):
        frame["period_start"] = pd.to_datetime(frame["period_start"]).dt.date
    totals = totals[totals["value"].notna() | (totals["indicator_id"] == OPEN_RATE)]
    labels = {s: period_label(s, grain) for s in set(totals["period_start"])
              | set(split["period_start"])}
    totals = totals.assign(label=totals["period_start"].map(labels))
    social = split[split["indicator_id"].isin(SOCIAL)
                   & split["breakdown"].str.startswith("channel:")]
    channels = pd.DataFrame({
        "indicator_id": social["indicator_id"],
        "channel": social["breakdown"].str.slice(len("channel:")),
        "period_start": social["period_start"],
        "label": social["period_start"].map(labels), "value": social["value"],
        "source": social["source"]})
    events = months[months["breakdown"].str.startswith("event:")]
    events = pd.DataFrame({
        "event": events["breakdown"].str.slice(len("event:")),
        "period_start": events["period_start"],
        "label": events["period_start"].map(lambda s: period_label(s, "month")),
        "attendance": events["value"]})
    from_councils = [i for i in MEASURES
                     if totals.loc[totals["indicator_id"] == i, "from_councils"].any()]
    return EngagementModel(
        area_code, tree.name(area_code), grain, info, totals.reset_index(drop=True),
        channels.reset_index(drop=True), events.reset_index(drop=True), from_councils,
        [tree.name(c) for c in tree.children(area_code)], joined_sources(totals["source"]))


TOP_COUNTS = ("Attendance", "Impressions", "Engagements", "Clicks")  # of the top tables


def top_shown(table: pd.DataFrame) -> pd.DataFrame:
    """A top events or top posts table as people read it, like every other table: each count
    in format_value's form ("4,031", missing "–"). The CSV download keeps the numbers."""
    return table.assign(**{column: format_values(table[column], ["count"] * len(table))
                           for column in TOP_COUNTS if column in table})


def top_posts(store: Store, area_code: str, start: date, end: date,
              limit: int = 10) -> pd.DataFrame:
    """The period's most engaged-with posts, in a lead's words."""
    rows = store.top_posts(area_code, start, end, limit)
    return pd.DataFrame({
        "Channel": rows["channel"], "Posted": rows["posted_label"],
        "Impressions": rows["impressions"], "Engagements": rows["engagements"],
        "Clicks": rows["clicks"], "Post": rows["text"], "Post id": rows["post_id"],
        "Link": rows["link"].where(
            rows["link"].fillna("").str.match(r"(?i)https?://"), None)})  # only web links live
