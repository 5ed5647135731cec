"""The Overview page's model: one tile per headline indicator for an area.

Everything here is plain data so the page only renders it and tests can check the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import analysis
from .areas import AreaTree
from .store import Store

ILLUSTRATIVE_MARK = "Illustrative"


@dataclass
class Tile:
    indicator_id: str
    title: str
    group: str  # "Outcome 1 · Diversion" or "Engagement"
    unit: str
    polarity: str
    area_code: str | None = None  # the area the figure is for (may be an ancestor)
    area_note: str | None = None  # e.g. "Scotland figure: none published for Glasgow City"
    latest_label: str | None = None
    latest_value: float | None = None
    latest_text: str = "–"
    previous_text: str | None = None  # "+4.2% on 2022/23"
    previous_change: float | None = None
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
        return bool(self.source) and ILLUSTRATIVE_MARK.lower() in self.source.lower()

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


def build_tile(indicator: pd.Series, series: pd.DataFrame, target: pd.Series | None,
               area_code: str, area_name: str, figure_area: tuple[str, str] | None) -> Tile:
    """One tile from an indicator row, its series for one area (oldest first) and its target."""
    unit, decimals, polarity = indicator["unit"], int(indicator["decimals"] or 0), indicator["polarity"]
    if pd.notna(indicator.get("outcome_number")):
        group = f"Outcome {int(indicator['outcome_number'])} · {indicator['outcome_short_name']}"
    elif indicator["framework_id"] == "cjpf":
        group = "Higher-level indicator"
    else:
        group = "Engagement"
    tile = Tile(indicator["indicator_id"], indicator["short_name"] or indicator["name"], group,
                unit, polarity)
    if series.empty:
        tile.summary = f"{area_name}: no figures yet for {tile.title.lower()}."
        return tile
    shown_code, shown_name = figure_area or (area_code, area_name)
    tile.area_code = shown_code
    if shown_code != area_code:
        tile.area_note = f"{shown_name} figure: none held for {area_name}"
    latest = series.iloc[-1]
    tile.latest_label, tile.latest_value = latest["period_label"], float(latest["value"])
    tile.latest_text = analysis.format_value(tile.latest_value, unit, decimals)
    # A figure uploaded without a source reads back as a missing value (NaN under pandas 3).
    tile.source = latest["source"] if pd.notna(latest["source"]) else None
    tile.spark = [float(v) for v in series["value"]]
    tile.spark_labels = list(series["period_label"])
    tile.direction = analysis.direction(series.set_index("period_start")["value"], polarity)
    reference_label, reference_value = None, None
    if len(series) > 1:
        previous = series.iloc[-2]
        reference_label, reference_value = previous["period_label"], float(previous["value"])
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
        tile.title, shown_name, tile.latest_label, tile.latest_value, reference_label,
        reference_value, unit, decimals)
    return tile


def indicator_tiles(store: Store, indicators: pd.DataFrame, area_code: str,
                    tree: AreaTree | None = None) -> list[Tile]:
    """One tile per row of `indicators` (rows of Store.indicators()) for an area, in order.

    A national indicator with no local figure (e.g. the Scottish Crime and Justice Survey)
    shows the nearest parent's figure, labelled as such and never judged against the area's
    target; engagement metrics never fall back."""
    tree = tree or AreaTree(store.areas())
    area_name = tree.name(area_code)
    ids = list(indicators["indicator_id"])
    lineage = tree.lineage(area_code)  # the area, then its parents up to Scotland
    series = store.series(ids, lineage)
    targets = store.targets(ids, [area_code])
    tiles = []
    for _, indicator in indicators.iterrows():
        own = series[series["indicator_id"] == indicator["indicator_id"]]
        figure_area, rows = None, own.iloc[0:0]
        # A parent's rate or share stands in for a missing local one; its counts never do
        # (Scotland's total diversion cases are not a figure for Aberdeen City).
        fallback = indicator["framework_id"] == "cjpf" and indicator["unit"] != "count"
        candidates = lineage if fallback else lineage[:1]
        for code in candidates:
            rows = own[own["area_code"] == code]
            if not rows.empty:
                figure_area = (code, tree.name(code))
                break
        target_rows = targets[targets["indicator_id"] == indicator["indicator_id"]]
        target = target_rows.iloc[0] if len(target_rows) and figure_area and \
            figure_area[0] == area_code else None
        tiles.append(build_tile(indicator, rows.reset_index(drop=True), target, area_code,
                                area_name, figure_area))
    return tiles


def build_overview(store: Store, area_code: str) -> Overview:
    """Tiles for every headline indicator: outcomes first, then engagement."""
    tree = AreaTree(store.areas())
    indicators = store.indicators()
    headline = indicators[indicators["headline"].fillna(False).astype(bool)]
    outcome_tiles, engagement_tiles = [], []
    for tile in indicator_tiles(store, headline, area_code, tree):
        (engagement_tiles if tile.group == "Engagement" else outcome_tiles).append(tile)
    from .scorecard import own_band_notes, rag_legend  # scorecard builds on this module

    return Overview(area_code, tree.name(area_code), outcome_tiles, engagement_tiles,
                    rag_legend(store.rag_defaults()), own_band_notes(headline))
