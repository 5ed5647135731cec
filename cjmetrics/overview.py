"""The Overview page's model: one tile per headline indicator for an area.

Everything here is plain data so the page only renders it and tests can check the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from . import analysis
from .areas import AreaTree
from .config import is_illustrative
from .periods import of_kind, shown_kind
from .store import Store


@dataclass(frozen=True)
class Reference:
    """A parent area's figure shown on a tile for an area that holds none of its own."""

    area_name: str
    value_text: str
    period_label: str
    # Demo data stands in for Scotland's figures too: shown beside an area that has none, it
    # must say it is invented, or a board quotes it as Scotland's.
    illustrative: bool = False

    @property
    def text(self) -> str:
        demo = ", illustrative demo figure" if self.illustrative else ""
        return f"{self.area_name}: {self.value_text} ({self.period_label}{demo})"


@dataclass
class Tile:
    indicator_id: str
    title: str
    group: str  # "Outcome 1 · Diversion" or "Engagement"
    unit: str
    polarity: str
    area_code: str | None = None  # the area whose own figure the tile shows
    area_note: str | None = None  # e.g. "No figure for Glasgow City · Scotland: 65.8% (2023/24)"
    reference: Reference | None = None  # a parent's figure, shown beside "no figure", never judged
    latest_label: str | None = None
    latest_value: float | None = None
    latest_text: str = "–"
    previous_text: str | None = None  # "+4.2% on 2022/23", or "No clear change on 2022/23"
    previous_change: float | None = None
    level: bool = False  # the change on the comparison period is no clear change
    baseline_text: str | None = None  # "+12% since 2019/20 (baseline)"
    direction: analysis.Direction | None = None
    rag: str = "none"
    rag_label: str = analysis.RAG_LABELS["none"]
    target_text: str | None = None
    spark: list[float] = field(default_factory=list)
    spark_labels: list[str] = field(default_factory=list)
    source: str | None = None
    summary: str = ""  # one sentence, the tile's text alternative

    @property
    def has_data(self) -> bool:
        return self.latest_value is not None

    @property
    def illustrative(self) -> bool:
        """The tile shows demo figures: its own, or the parent's shown beside "No figure"."""
        if self.reference is not None:
            return self.reference.illustrative
        return is_illustrative(self.source)

    @property
    def spark_svg(self) -> str | None:
        """The tile's trend as a small SVG line (None with fewer than two figures), coloured as
        the change is judged: bluish green improving, vermilion worsening, grey otherwise. An
        image, not a chart: a chart library costs the first page load about 0.4 s."""
        word = self.direction.word if self.direction else ""
        colour = {"improving": "#009E73", "worsening": "#D55E00"}.get(word, "#6B6B6B")
        return sparkline_svg(self.spark, colour)


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 240, 44, 3


def sparkline_svg(values: list[float], colour: str) -> str | None:
    """A line through `values` (oldest first), scaled to fill a 240 x 44 box, with a dot on the
    latest figure. Built from numbers only, so it carries no text from the store."""
    if len(values) < 2:
        return None
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    step = (SPARK_WIDTH - 2 * SPARK_PAD) / (len(values) - 1)
    points = [(SPARK_PAD + i * step,
               SPARK_HEIGHT - SPARK_PAD - (v - low) / span * (SPARK_HEIGHT - 2 * SPARK_PAD))
              for i, v in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    x, y = points[-1]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{SPARK_WIDTH}" '
            f'height="{SPARK_HEIGHT}" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}">'
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" '
            f'stroke-linejoin="round" stroke-linecap="round"/>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/></svg>')


@dataclass
class Overview:
    area_code: str
    area_name: str
    outcome_tiles: list[Tile]
    engagement_tiles: list[Tile]
    rag_legend: str = ""  # the status bands in words, as configured
    own_bands: list[str] = field(default_factory=list)  # indicators with their own bands

    @property
    def tiles(self) -> list[Tile]:
        return self.outcome_tiles + self.engagement_tiles

    @property
    def has_data(self) -> bool:
        return any(t.has_data for t in self.tiles)


def _change_text(latest: float, reference: float, unit: str, reference_label: str,
                 suffix: str = "on") -> tuple[str, float | None]:
    absolute, relative = analysis.change(latest, reference)
    if absolute is None:
        return None, None
    if unit == "percent":
        return f"{absolute:+.1f} pts {suffix} {reference_label}", absolute
    if relative is None:
        return f"{absolute:+,.0f} {suffix} {reference_label}", absolute
    return f"{relative:+.0%} {suffix} {reference_label}", relative


def comparison_row(series: pd.DataFrame) -> pd.Series | None:
    """The figure the latest one is compared with: for monthly figures the same month a year
    earlier (as on the Engagement reach page, so seasons do not read as trends), otherwise the
    figure before it. None when there is nothing to compare with."""
    if len(series) < 2:
        return None
    latest = series.iloc[-1]
    if latest.get("period_type") == "month":
        start = pd.Timestamp(latest["period_start"])
        wanted = start.replace(year=start.year - 1)
        earlier = series[pd.to_datetime(series["period_start"]) == wanted]
        return earlier.iloc[-1] if len(earlier) else None
    return series.iloc[-2]


def _group(indicator: pd.Series) -> str:
    if pd.notna(indicator.get("outcome_number")):
        return f"Outcome {int(indicator['outcome_number'])} · {indicator['outcome_short_name']}"
    if indicator["framework_id"] == "cjpf":
        return "Higher-level indicator"
    return "Engagement"


def one_kind(rows: pd.DataFrame, indicator: pd.Series) -> pd.DataFrame:
    """An area's figures of one kind of period, the indicator's own when held: a tile's latest
    figure, its change and its sparkline compare a month with a month, a year with a year."""
    return of_kind(rows, shown_kind(rows, indicator.get("period_type")))


def build_tile(indicator: pd.Series, series: pd.DataFrame, target: pd.Series | None,
               area_code: str, area_name: str,
               reference: Reference | None = None) -> Tile:
    """One tile from an indicator row, the area's OWN series (oldest first) and its target.

    An area with no figure of its own gets a tile that says so; `reference` (a parent's
    figure) is shown beside it as that parent's, with no status, direction or change."""
    unit, polarity = indicator["unit"], indicator["polarity"]
    decimals = int(indicator["decimals"] or 0)
    tile = Tile(indicator["indicator_id"], indicator["short_name"] or indicator["name"],
                _group(indicator), unit, polarity)
    if series.empty:
        if reference is not None:
            tile.reference = reference
            tile.latest_text = "No figure"
            tile.area_note = f"No figure for {area_name} · {reference.text}"
            tile.summary = (f"No figure is held for {area_name} on {tile.title.lower()}. "
                            f"{reference.text}.")
        else:
            tile.summary = f"{area_name}: no figures yet for {tile.title.lower()}."
        return tile
    tile.area_code = area_code
    latest = series.iloc[-1]
    tile.latest_label, tile.latest_value = latest["period_label"], float(latest["value"])
    tile.latest_text = analysis.format_value(tile.latest_value, unit, decimals)
    # A figure uploaded without a source reads back as a missing value (NaN under pandas 3).
    tile.source = latest["source"] if pd.notna(latest["source"]) else None
    tile.spark = [float(v) for v in series["value"]]
    tile.spark_labels = list(series["period_label"])
    earlier = comparison_row(series)
    reference_label, reference_value = None, None
    if earlier is None:
        tile.direction = analysis.NOT_ENOUGH_DATA
    else:
        reference_label, reference_value = earlier["period_label"], float(earlier["value"])
        # Arrow, badge and words all come from this one pair and one rule (analysis.is_level).
        tile.direction = analysis.direction([(0, reference_value), (1, tile.latest_value)],
                                            polarity)
        tile.level = analysis.is_level(tile.latest_value, reference_value)
        if tile.level:
            tile.previous_text = f"No clear change on {reference_label}"
            tile.previous_change = 0.0
        else:
            tile.previous_text, tile.previous_change = _change_text(
                tile.latest_value, reference_value, unit, reference_label)
    has_target = target is not None and pd.notna(target.get("target_value"))
    if target is not None and pd.notna(target.get("baseline_value")):
        base_label, base_value = target["baseline_label"], float(target["baseline_value"])
        tile.baseline_text = _change_text(tile.latest_value, base_value, unit,
                                          f"{base_label} (baseline)", "since")[0]
    elif len(series) > 1:
        first = series.iloc[0]
        tile.baseline_text = _change_text(tile.latest_value, float(first["value"]), unit,
                                          first["period_label"], "since")[0]
    if has_target:
        target_value = float(target["target_value"])
        tile.rag = analysis.rag_status(tile.latest_value, target_value, polarity,
                                       float(indicator["rag_green"] or 1.0),
                                       float(indicator["rag_amber"] or 0.9))
        tile.target_text = (f"Target {analysis.format_value(target_value, unit, decimals)}"
                            f" by {target['target_label']}")
    tile.rag_label = analysis.RAG_LABELS[tile.rag]
    tile.summary = analysis.describe_change(
        tile.title, area_name, tile.latest_label, tile.latest_value, reference_label,
        reference_value, unit, decimals)
    return tile


def indicator_tiles(store: Store, indicators: pd.DataFrame, area_code: str,
                    tree: AreaTree | None = None) -> list[Tile]:
    """One tile per row of `indicators` (rows of Store.indicators()) for an area, in order.

    A tile shows the area's own figure or says it has none. For a national indicator with no
    local figure (e.g. the Scottish Crime and Justice Survey) the nearest parent's rate or
    share is shown beside "no figure", named as that parent's; its counts never are (Scotland's
    total diversion cases say nothing about Aberdeen City), nor are engagement metrics."""
    tree = tree or AreaTree(store.areas())
    area_name = tree.name(area_code)
    ids = list(indicators["indicator_id"])
    lineage = tree.lineage(area_code)  # the area, then its parents up to Scotland
    series = store.series(ids, lineage)
    targets = store.targets(ids, [area_code])
    tiles = []
    for _, indicator in indicators.iterrows():
        own = series[series["indicator_id"] == indicator["indicator_id"]]
        rows = one_kind(own[own["area_code"] == area_code], indicator)
        reference = None
        if rows.empty and indicator["framework_id"] == "cjpf" and indicator["unit"] != "count":
            for code in lineage[1:]:
                parent = one_kind(own[own["area_code"] == code], indicator)
                if not parent.empty:
                    last = parent.iloc[-1]
                    reference = Reference(tree.name(code), analysis.format_value(
                        last["value"], indicator["unit"], indicator["decimals"]),
                        last["period_label"], is_illustrative(last["source"]))
                    break
        target_rows = targets[targets["indicator_id"] == indicator["indicator_id"]]
        target = target_rows.iloc[0] if len(target_rows) and not rows.empty else None
        tiles.append(build_tile(indicator, rows.reset_index(drop=True), target, area_code,
                                area_name, reference))
    return tiles


def build_overview(store: Store, area_code: str) -> Overview:
    """Tiles for every headline indicator: outcomes first, then engagement."""
    tree = AreaTree(store.areas())
    indicators = store.indicators()
    headline = indicators[indicators["headline"].fillna(False).astype(bool)]
    outcome_tiles, engagement_tiles = [], []
    for tile in indicator_tiles(store, headline, area_code, tree):
        (engagement_tiles if tile.group == "Engagement" else outcome_tiles).append(tile)
    from .framework import own_band_notes, rag_legend  # scorecard builds on this module

    return Overview(area_code, tree.name(area_code), outcome_tiles, engagement_tiles,
                    rag_legend(store.rag_defaults()), own_band_notes(headline))


# -- what changed since the last meeting ----------------------------------------------------
@dataclass
class Changed:
    """A headline indicator whose status or direction is not what it was at a meeting."""

    indicator_id: str
    title: str
    group: str
    latest_label: str
    latest_start: object
    was: str  # "Off track · ▼ worsening"
    now: str
    summary: str  # the tile's sentence with the newest figure


def _standing(tile: Tile) -> str:
    direction = tile.direction.word if tile.direction else analysis.NOT_ENOUGH_DATA.word
    return f"{tile.rag_label} · {direction}"


def last_meeting(store: Store) -> date | None:
    """The default "last meeting": the day the most recent deck was saved."""
    decks = store.decks()
    if decks.empty or pd.isna(decks["saved_at"].iloc[0]):
        return None
    return pd.Timestamp(decks["saved_at"].iloc[0]).date()


def newest_period_end(store: Store, area_code: str) -> date | None:
    indicators = store.indicators()
    headline = indicators[indicators["headline"].fillna(False).astype(bool)]
    series = store.series(list(headline["indicator_id"]), [area_code])
    return None if series.empty else pd.Timestamp(series["period_end"].max()).date()


def meeting_default(store: Store, area_code: str, newest: date | None) -> tuple[date, str]:
    """The date "What changed" compares from, and why: the day the last deck was saved, else
    (no deck saved yet) a year before NEWEST, the area's newest period end."""
    meeting = last_meeting(store)  # saving a deck does not move the data version
    if meeting is None and newest is not None:
        return newest - timedelta(days=365), "no deck has been saved yet"
    return meeting or date.today(), "the day the last deck was saved"


def changes_since(store: Store, area_code: str, since: date) -> list[Changed]:
    """The headline indicators whose status against target or direction of travel changed with
    the figures for periods ending after `since`, newest figures first. Both judgements come
    from the area's own figures only, by the same rules as the tiles."""
    tree = AreaTree(store.areas())
    area_name = tree.name(area_code)
    indicators = store.indicators()
    headline = indicators[indicators["headline"].fillna(False).astype(bool)]
    ids = list(headline["indicator_id"])
    series = store.series(ids, [area_code])
    targets = store.targets(ids, [area_code])
    cutoff = pd.Timestamp(since)
    changed = []
    for _, indicator in headline.iterrows():
        rows = one_kind(series[series["indicator_id"] == indicator["indicator_id"]],
                        indicator).reset_index(drop=True)
        before = rows[pd.to_datetime(rows["period_end"]) <= cutoff].reset_index(drop=True)
        if rows.empty or len(before) == len(rows):
            continue  # no figure since the meeting
        target_rows = targets[targets["indicator_id"] == indicator["indicator_id"]]
        target = target_rows.iloc[0] if len(target_rows) else None
        then = build_tile(indicator, before, target if len(before) else None, area_code,
                          area_name)
        now = build_tile(indicator, rows, target, area_code, area_name)
        was, is_now = _standing(then) if then.has_data else "No figure", _standing(now)
        if was != is_now:
            changed.append(Changed(now.indicator_id, now.title, now.group, now.latest_label,
                                   rows["period_start"].iloc[-1], was, is_now, now.summary))
    return sorted(changed, key=lambda c: (pd.Timestamp(c.latest_start), c.title), reverse=True)
