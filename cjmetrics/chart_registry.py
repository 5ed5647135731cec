"""The chart registry: a chart's name -> the function that builds it as a slide shows it.

`fn(store, *, large=False, **params) -> ChartView`; register one with `register(name, fn,
label)`. A deck stores only names and parameters, so it rebuilds each chart from the store.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd
import plotly.graph_objects as go


# -- what a slide shows ---------------------------------------------------------------------
@dataclass
class ChartView:
    """A chart as a slide shows it: the figure, the tidy table behind it, a title, a subtitle
    (area, period, source) and the one-sentence text alternative."""

    figure: go.Figure
    table: pd.DataFrame
    title: str
    subtitle: str
    summary: str
    file_stem: str = "chart"
    notes: list[str] = field(default_factory=list)  # the numbered notes on a trend chart

    # The subtitle reads "area · period ... · Source: publisher, title".
    @property
    def context(self) -> str:
        """What the chart covers: the area(s) and period(s), without the source."""
        return self.subtitle.partition(SOURCE_MARK)[0].strip(" ·") if SOURCE_MARK in \
            self.subtitle else self.subtitle

    @property
    def source(self) -> str:
        """The source line ("Source: ..."), or "" when the chart names none."""
        head, mark, tail = self.subtitle.partition(SOURCE_MARK)
        return f"Source: {tail.strip()}" if mark else ""

    @property
    def demo(self) -> bool:
        """Whether the figures are illustrative demo data, not the area's own."""
        return "illustrative" in self.source.lower()


SOURCE_MARK = "Source:"


def _flat(text: object) -> str:
    """A figure's title text as plain text: line breaks joined, Plotly's entities decoded
    (charts write a user's "<" as "&lt;"), so each format escapes it once, its own way."""
    return " ".join(html.unescape(str(text or "").replace("<br>", " ")).split())


def view_from_figure(fig: go.Figure, table: pd.DataFrame, *, summary: str = "",
                     file_stem: str = "chart", title: str | None = None,
                     subtitle: str | None = None) -> ChartView:
    """A ChartView for a figure built by charts.py, its title and subtitle read from the
    figure itself unless given."""
    layout_title = fig.layout.title
    if title is None:
        title = _flat(layout_title.text) if layout_title and layout_title.text else "Chart"
    if subtitle is None:
        sub = getattr(layout_title, "subtitle", None)
        subtitle = _flat(sub.text) if sub is not None and sub.text else ""
    return ChartView(fig, table, title, subtitle, summary or "", file_stem)


# -- the registry ---------------------------------------------------------------------------
CHARTS: dict[str, tuple[str, Callable[..., ChartView]]] = {}


def register(name: str, fn: Callable[..., ChartView], label: str | None = None) -> None:
    """Make a chart addable to decks by spec. `label` names the kind of chart in the deck list."""
    CHARTS[name] = (label or name.replace("_", " ").capitalize(), fn)
