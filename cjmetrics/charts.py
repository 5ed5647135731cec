"""Plotly figure builders, the one cjmetrics template and the one record of a chart (ChartView).

The palette is Okabe-Ito (safe for the common colour-vision deficiencies) and every series also
differs by marker and dash, so charts still read in greyscale or on a washed-out projector.
Pages render with theme=None so the screen and an exported image look the same.
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.subplots import make_subplots

from .config import each_source, is_illustrative
from .periods import kind_name
from .trends import TrendData

if TYPE_CHECKING:  # for annotations only
    from .care_inspectorate import QualityModel
    from .comparison import Comparison
    from .framework import Scorecard

# The Analysis Function's categorical palette (dark blue, turquoise, dark pink, orange, dark
# grey, light purple): each colour 3:1 or more against the white chart and against the colour
# next to it, so neighbouring series stay apart (tests/app/test_accessibility.py checks both).
PALETTE = ["#12436D", "#28A197", "#801650", "#F46A25", "#3D3D3D", "#A285D1"]
MARKERS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star"]
# "dot" is kept for the Scotland comparator, so no area's line can be mistaken for it.
DASHES = ["solid", "dash", "dashdot", "longdash", "longdashdot", "8px,3px,2px,3px,2px,3px",
          "solid"]
COMPARATOR_COLOUR = "#595959"
RAG_COLOURS = {"green": "#1b7837", "amber": "#b35806", "red": "#b2182b", "none": "#6b6b6b"}
FONT = "DejaVu Sans, Arial, sans-serif"

TEMPLATE_FONT_SIZE = 14  # px, of every chart's text on screen
pio.templates["cjmetrics"] = go.layout.Template(layout=go.Layout(
    font=dict(family=FONT, size=TEMPLATE_FONT_SIZE, color="#1a1a1a"),
    colorway=PALETTE,
    paper_bgcolor="white", plot_bgcolor="white",
    xaxis=dict(showgrid=False, linecolor="#444", ticks="outside", automargin=True),
    yaxis=dict(gridcolor="#e0e0e0", zeroline=False, linecolor="#444", automargin=True),
    legend=dict(orientation="h", yanchor="top", y=-0.15, xanchor="left", x=0),
    hoverlabel=dict(font=dict(family=FONT)),
    margin=dict(l=60, r=30, t=90, b=60),
    title=dict(x=0, xanchor="left", font=dict(size=18)),
))
LARGE_TYPE = go.layout.Template(layout=go.Layout(
    font=dict(size=22), title=dict(font=dict(size=30)), margin=dict(l=90, r=40, t=120, b=90)))


# -- the one record of a chart (what the registry returns) ---------------------------------
@dataclass
class ChartView:
    """A chart as its page, slide and every file show it: the figure, the tidy table behind
    it, a title, a subtitle (area, period, source) and the one-sentence text alternative."""

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
        return is_illustrative(self.source)


SOURCE_MARK = "Source:"


def _flat(text: object) -> str:
    """A figure's title text as plain text: line breaks joined, Plotly's entities decoded
    (charts write a user's "<" as "&lt;"), so each format escapes it once, its own way."""
    return " ".join(html.unescape(str(text or "").replace("<br>", " ")).split())


def view_from_figure(fig: go.Figure, table: pd.DataFrame, *, summary: str = "",
                     file_stem: str = "chart", title: str | None = None,
                     subtitle: str | None = None) -> ChartView:
    """A ChartView for a figure, its title and subtitle read from the
    figure itself unless given."""
    layout_title = fig.layout.title
    if title is None:
        title = _flat(layout_title.text) if layout_title and layout_title.text else "Chart"
    if subtitle is None:
        sub = getattr(layout_title, "subtitle", None)
        subtitle = _flat(sub.text) if sub is not None and sub.text else ""
    return ChartView(fig, table, title, subtitle, summary or "", file_stem)



def styled(fig: go.Figure, *, large: bool = False) -> go.Figure:
    fig.update_layout(template="cjmetrics")
    if large:
        fig.update_layout(LARGE_TYPE.layout)
        fig.update_traces(selector=dict(type="scatter"), line_width=4, marker_size=12)
        if fig.layout.xaxis.title.text:
            # Room below for the tick labels and the axis title in large type: on a slide a
            # long title block leaves plotly too little height to push the margin itself.
            fig.update_layout(margin=dict(b=max(fig.layout.margin.b or 0, X_TITLE_ROOM)))
    if fig.layout.title.text:
        room_for_title(fig, int(fig.layout.height or DEFAULT_HEIGHT), large=large)
    return inert(fig)


DEFAULT_HEIGHT = 450  # plotly's, when a figure does not set its own
X_TITLE_ROOM = 125  # px under a large-type plot: 22 px tick labels, then a 22 px axis title


def _lines(text: object) -> int:
    return str(text).count("<br>") + 1 if text else 0


def room_for_title(fig: go.Figure, height: int, *, large: bool = False) -> go.Figure:
    """Pin the title block near the top and make the top margin fit it, so a two-line title
    and a two-line subtitle never run into the plot (on screen, in images and on slides
    alike); subplot titles above the plot get room too. A figure's own larger margin stays."""
    heading = fig.layout.title
    size = heading.font.size if heading.font and heading.font.size else (30 if large else 18)
    sub = heading.subtitle.text if heading.subtitle else ""
    subplots = any(a.yref == "paper" and (a.y or 0) >= 1 for a in fig.layout.annotations)
    block = int(size * 1.3) * _lines(heading.text) + int(size * 0.8 if large else 19) * _lines(sub)
    # Plotly anchors a title's first line, so each further line pushes the block up.
    top = 24 + int(size * 1.3) * (_lines(heading.text) - 1)
    fig.update_layout(title=dict(yref="container", y=1 - top / height, yanchor="top"),
                      margin=dict(t=max(fig.layout.margin.t or 0,
                                        top + block + (70 if subplots else 40)
                                        + _tick_labels_above(fig))))
    return fig


def _tick_labels_above(fig: go.Figure) -> int:
    """The height of the tick labels an x axis draws above the plot (a heatmap's columns),
    which sit between the subtitle and the plot."""
    room = 0
    for name in (key for key in fig.layout if key.startswith("xaxis")):
        axis = fig.layout[name]
        if axis.side == "top" and axis.showticklabels is not False:
            labels = axis.ticktext if axis.ticktext else [
                x for trace in fig.data for x in (getattr(trace, "x", None) or ())]
            lines = max((_lines(label) for label in labels), default=0)
            size = axis.tickfont.size or fig.layout.font.size or TEMPLATE_FONT_SIZE
            room = max(room, int(size * 1.3) * lines + 8 if lines else 0)
    return room


# -- untrusted text in charts --
# Plotly reads titles, names, hover and tick text as a little HTML (<b>, <a href>, <span style>).
# Names, sources and notes come from users, so every "<" in them becomes "&lt;" (Plotly shows it
# as "<"): the text stays text. The only markup kept is the line break the charts wrap with, and
# in hover templates (which only the charts write, with user text put in through `literal`)
# the bold, italic and <extra> tags of the tooltip.
_LIVE_TAG = re.compile(r"<(?!br\s*/?>)", re.IGNORECASE)
_LIVE_TEMPLATE_TAG = re.compile(r"<(?!/?(?:b|i|extra)>|br\s*/?>)", re.IGNORECASE)
_TEMPLATES = ("hovertemplate", "texttemplate")


def literal(text: object) -> str:
    """User text to put inside a hover template: shown as typed, never as markup."""
    return str(text).replace("<", "&lt;")


def _inert(value, tag: re.Pattern = _LIVE_TAG):
    if isinstance(value, str):
        return tag.sub("&lt;", value) if "<" in value else value
    if isinstance(value, dict):
        return {k: v if k == "template" else _inert(v, _LIVE_TEMPLATE_TAG if k in _TEMPLATES
                                                    else tag)
                for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_inert(v, tag) for v in value)
    if isinstance(value, np.ndarray) and value.dtype.kind in "OUS":
        return np.array([_inert(v, tag) for v in value.ravel()],
                        dtype=object).reshape(value.shape)
    return value


_TRACE_TEXT = ("name", "text", "hovertext", "hovertemplate", "texttemplate", "customdata", "x",
               "y", "labels")


def inert(fig: go.Figure) -> go.Figure:
    """The figure, in place, with every text in it safe to draw (idempotent)."""
    for trace in fig.data:
        for attr in _TRACE_TEXT:
            value = getattr(trace, attr, None)
            if value is not None:
                cleaned = _inert(value, _LIVE_TEMPLATE_TAG if attr in _TEMPLATES else _LIVE_TAG)
                if cleaned is not value:
                    setattr(trace, attr, cleaned)
    layout = fig.layout.to_plotly_json()
    layout.pop("template", None)
    fig.update_layout(_inert(layout))
    return fig
# -- end untrusted text in charts --


def wrap(text: str, width: int = 90) -> str:
    """Text broken into lines of at most `width` characters, joined as Plotly breaks them."""
    return "<br>".join(textwrap.wrap(text, width)) if text else ""


# A subtitle's line: on screen, within the 770 px chart beside the sidebar on a 1280 px
# projector (120 characters ran past it); in large type, within a slide.
SUBTITLE_CHARS, LARGE_SUBTITLE_CHARS = 110, 75


def wrap_subtitle(text: str, *, large: bool) -> str:
    return wrap(text, LARGE_SUBTITLE_CHARS if large else SUBTITLE_CHARS)


def _axis_title(indicator: dict) -> str:
    return {"percent": "Per cent", "count": "Number", "rate": "Rate", "score": "Score",
            "grade": "Grade"}.get(indicator["unit"], "")


def _hover_value(indicator: dict) -> str:
    return "%{y:.1f}%" if indicator["unit"] == "percent" else "%{y:,.1f}" \
        if indicator["unit"] in ("rate", "score") else "%{y:,.0f}"


_EDITION_DATE = re.compile(r"\s*\([^()]*\)$")


def cited(sources: str) -> str:
    """A chart's "; "-separated sources with the editions of one series named once
    ("Scottish Government: Reconviction Rates in Scotland, 4 editions (2012-13 Offender Cohort
    to 2020-21 Offender Cohort)"), so a chart holding a decade of releases keeps its room for
    the plot. Each edition stays in the data behind the chart."""
    series: dict[str, list[str]] = {}  # "publisher: title" -> its sources
    for source in each_source(sources):
        publisher, _, rest = source.partition(": ")
        title, _, edition = rest.partition(": ")
        series.setdefault(f"{publisher}: {title}" if edition else source, []).append(source)
    named = []
    for key, editions in series.items():
        if len(editions) == 1:
            named.append(editions[0])
            continue
        names = sorted(_EDITION_DATE.sub("", e[len(key) + 2:]) for e in editions)
        named.append(f"{key}, {len(editions)} editions ({names[0]} to {names[-1]})")
    return "; ".join(named)


def subtitle(data: TrendData) -> str:
    areas = ", ".join(dict.fromkeys(data.series.loc[~data.series["is_comparator"], "area_name"]))
    if data.comparator_code is not None:
        areas = f"{areas} (Scotland for comparison)" if areas else "Scotland"
    span = f"{data.period_range[0]} to {data.period_range[1]}" if data.period_range else ""
    return " · ".join(p for p in (areas, span, kinds_note(data),
                                  f"Source: {cited(data.sources)}") if p)


def kinds_note(data: TrendData) -> str:
    """Which kind of period is drawn, when the areas hold figures of more than one: "Financial
    years (months also held)"."""
    if len(data.kinds) < 2 or data.period_type is None:
        return ""
    others = [kind_name(k) for k in data.kinds if k != data.period_type]
    return f"{kind_name(data.period_type).capitalize()} ({' and '.join(others)} also held)"


def _label_points(fig: go.Figure, labels: list[tuple]) -> None:
    """Write "Baseline 2019/20" and "Target 2025/26" beside their points, on a pale ground
    that masks any line running under them, so they read on a crowded chart and a projector.
    A baseline's words run right and a target's left, inside the plot; of two labels at one
    period, the lower goes under its point, so two areas' targets do not sit on each other."""
    at: dict[tuple, list] = {}
    for x, y, words, colour in labels:
        at.setdefault((x, words.split()[0]), []).append((y, words, colour))
    for (x, kind), points in at.items():
        points.sort(key=lambda p: p[0])
        for n, (y, words, colour) in enumerate(points):
            below = len(points) > 1 and n < len(points) - 1
            fig.add_annotation(
                x=x, y=y, text=words, showarrow=False, font=dict(color=colour),
                xanchor="left" if kind == "Baseline" else "right",
                xshift=8 if kind == "Baseline" else -8,
                yanchor="top" if below else "bottom", yshift=-8 if below else 8,
                bgcolor="rgba(255, 255, 255, 0.85)", borderpad=2)


def trend_figure(data: TrendData, *, large: bool = False) -> go.Figure:
    """Lines per area with interval bands, Scotland comparator, baseline, target and notes."""
    indicator = data.indicator
    fig = go.Figure()
    hover_value = _hover_value(indicator)
    series = data.series
    line_colour: dict[str, str] = {}  # so an area's baseline-to-target line matches its line
    # One pass over the areas (not a mask per area), and numpy arrays into plotly: handing it
    # pandas objects costs a conversion per trace that dominates at national scale (30 areas).
    by_area = dict(tuple(series.groupby("area_code", sort=False))) if len(series) else {}
    for i, code in enumerate(by_area):
        rows = by_area[code]
        name = rows["area_name"].iloc[0]
        comparator = bool(rows["is_comparator"].iloc[0])
        colour = COMPARATOR_COLOUR if comparator else PALETTE[i % len(PALETTE)]
        line_colour[code] = colour
        if rows["lower"].notna().any():
            band = rows.dropna(subset=["lower", "upper"])
            fig.add_trace(go.Scatter(
                x=list(band["period_start"]) + list(band["period_start"])[::-1],
                y=list(band["upper"]) + list(band["lower"])[::-1],
                fill="toself", fillcolor=_rgba(colour, 0.15), line=dict(width=0), mode="lines",
                hoverinfo="skip", name=f"{name}: 95% interval", legendgroup=code))
        fig.add_trace(go.Scatter(
            x=rows["period_start"].to_numpy(), y=rows["value"].to_numpy(), name=name,
            legendgroup=code,
            mode="lines+markers",
            line=dict(color=colour, width=2.5,
                      dash="dot" if comparator else DASHES[i % len(DASHES)]),
            marker=dict(symbol=MARKERS[i % len(MARKERS)], size=8, color=colour),
            customdata=rows[["period_label"]].to_numpy(),
            hovertemplate=f"<b>{literal(name)}</b><br>%{{customdata[0]}}: {hover_value}"
                          "<extra></extra>"))
    labels = []  # (x, y, words, colour) of each baseline and target, written after the lines
    for i, (_, target) in enumerate(data.targets.iterrows()):
        # An area with a target but no figures yet gets the next colour of the palette.
        colour = line_colour.setdefault(target["area_code"],
                                        PALETTE[len(line_colour) % len(PALETTE)])
        points = []
        if pd.notna(target["baseline_value"]):
            points.append((target["baseline_start"], target["baseline_value"],
                           f"Baseline {target['baseline_label']}"))
        if pd.notna(target["target_value"]):
            points.append((target["target_start"], target["target_value"],
                           f"Target {target['target_label']}"))
        if not points:
            continue
        fig.add_trace(go.Scatter(
            x=[p[0] for p in points], y=[p[1] for p in points],
            name=f"{target['area_name']}: baseline to target", mode="lines+markers",
            line=dict(color=colour, width=1.5, dash="longdash"),
            marker=dict(symbol=["diamond-open", "star"][:len(points)] if len(points) == 2
                        else ["star" if points[0][2].startswith("Target") else "diamond-open"],
                        size=13, color=colour, line=dict(width=2, color=colour)),
            text=[p[2] for p in points],
            hovertemplate=f"<b>{literal(target['area_name'])}</b><br>%{{text}}: {hover_value}"
                          "<extra></extra>"))
        labels += [(p[0], p[1], p[2], colour) for p in points]
    _label_points(fig, labels)
    if not data.annotations.empty:
        top = series["upper"].max() if series["upper"].notna().any() else series["value"].max()
        notes = data.annotations.reset_index(drop=True)
        fig.add_trace(go.Scatter(
            x=notes["period_start"], y=[top * 1.04 if pd.notna(top) else 0] * len(notes),
            mode="markers+text", name="Notes (see below the chart)", cliponaxis=False,
            text=[str(i + 1) for i in range(len(notes))], textposition="top center",
            marker=dict(symbol="triangle-down", size=12, color="#444"),
            customdata=notes[["period_label", "area_name", "text"]],
            hovertemplate="<b>Note %{text}</b> · %{customdata[1]}, %{customdata[0]}<br>"
                          "%{customdata[2]}<extra></extra>"))
    _period_axis(fig, series, data.targets)
    fig.update_layout(
        title=dict(text=wrap(data.title, 45 if large else 70),
                   subtitle=dict(text=wrap_subtitle(subtitle(data), large=large))),
        yaxis_title=_axis_title(indicator), hovermode="closest", height=520 if not large else 720)
    if indicator["unit"] == "percent":
        fig.update_yaxes(ticksuffix="%")
    if indicator["unit"] in ("count", "rate"):  # from zero, so a dip is not exaggerated
        fig.update_yaxes(rangemode="tozero")
    return styled(fig, large=large)


def _period_axis(fig: go.Figure, series: pd.DataFrame, targets: pd.DataFrame) -> None:
    """Label the x axis with the periods' own labels (2023/24, Q1 2024/25) unless they are
    months or days, which plotly's date axis already labels well. Target and baseline periods
    get a label too, so the target marker is not left floating past the last tick."""
    if series.empty:
        return
    kinds = set(series["period_type"])
    if kinds <= {"month", "day"}:
        fig.update_xaxes(tickformat="%b %Y")
        return
    marks = [series[["period_start", "period_label"]]]
    for prefix in ("baseline", "target"):
        if len(targets):
            marks.append(targets[[f"{prefix}_start", f"{prefix}_label"]].dropna().set_axis(
                ["period_start", "period_label"], axis=1))
    ticks = pd.concat(marks).assign(period_start=lambda f: pd.to_datetime(f["period_start"]))
    ticks = ticks.drop_duplicates("period_start").sort_values("period_start")
    # At most eight labels: a ten-year series of "2010/11" labels on a slide or PDF page would
    # otherwise be tilted by plotly into the legend below it.
    step = max(1, -(-len(ticks) // 8))
    ticks = ticks.iloc[::step]
    fig.update_xaxes(tickmode="array", tickvals=list(ticks["period_start"]),
                     ticktext=list(ticks["period_label"]))


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


# -- Care Inspectorate: quality-indicator grades (cjmetrics.care_inspectorate) ---------------

# ColorBrewer YlGnBu steps, CVD-safe and evenly spaced in lightness (L* 99, 82, 68, 56, 40, 22),
# so the six grades still read in greyscale: the darker the cell, the better the grade.
GRADE_COLOURS = {1: "#ffffcc", 2: "#a1dab4", 3: "#41b6c4", 4: "#1d91c0", 5: "#225ea8",
                 6: "#0c2c84"}
NOT_EVALUATED_COLOUR = "#ececec"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def text_colour_on(hex_colour: str) -> str:
    """Black or white, whichever contrasts more with the cell (WCAG contrast ratio)."""
    luminance = _luminance(hex_colour)
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


def grade_colour(grade: int, grades: list[int]) -> str:
    """The colour of a grade; a scale edited to other values spreads over the same steps."""
    if grades == list(GRADE_COLOURS):
        return GRADE_COLOURS[grade]
    steps = list(GRADE_COLOURS.values())
    position = grades.index(grade) / max(1, len(grades) - 1)
    return steps[round(position * (len(steps) - 1))]


def grade_heatmap_figure(model: "QualityModel", *, large: bool = False) -> go.Figure:
    """Quality indicator (rows, number order) x evaluation date (columns, oldest first), each
    cell coloured by grade and labelled with the grade's word and number; a blank grey cell is
    a date the indicator was not evaluated."""
    qis, dates = model.indicators, model.dates
    grades = sorted(model.scale)
    fig = go.Figure()
    span = f"{dates[0][2]} to {dates[-1][2]}" if len(dates) > 1 else dates[0][2] if dates else ""
    sources = f"Source: {cited(model.sources)}" if model.sources else ""
    subtitle_text = " · ".join(p for p in (model.area_name, span, "Care Inspectorate six-point "
                                           "scale", sources) if p)
    fig.update_layout(title=dict(text="Quality-indicator self-evaluation grades",
                                 subtitle=dict(text=wrap_subtitle(subtitle_text, large=large))))
    if not dates or not qis or not grades:
        fig.add_annotation(text=f"No quality-indicator self-evaluations held for "
                                f"{model.area_name}.", showarrow=False, x=0.5, y=0.5,
                           xref="paper", yref="paper")
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        fig.update_layout(height=300)
        return styled(fig, large=large)

    lookup = {(row.qi_id, row.evaluation_start, row.evaluation_end): row
              for row in model.heatmap.itertuples()}
    z, empty, hover, cells = [], [], [], []
    for y, qi in enumerate(qis):
        z_row, empty_row, hover_row = [], [], []
        for x, (start, end, label) in enumerate(dates):
            row = lookup.get((qi.qi_id, start, end))
            grade = None if row is None or pd.isna(row.grade) else int(row.grade)
            z_row.append(grade)
            empty_row.append(None if grade is not None else 0)
            word = model.scale.get(grade, "") if grade is not None else ""
            hover_row.append(f"{word} ({grade})" if grade is not None else "not evaluated")
            if grade is not None:
                cells.append((x, y, grade, word))
        z.append(z_row)
        empty.append(empty_row)
        hover.append(hover_row)
    xs, ys = list(range(len(dates))), list(range(len(qis)))
    labels = [qi.label for qi in qis]
    custom = [[[labels[y], dates[x][2], hover[y][x]] for x in xs] for y in ys]
    hovertemplate = "<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]}<extra></extra>"
    gap = 4
    fig.add_trace(go.Heatmap(
        x=xs, y=ys, z=empty, zmin=0, zmax=1, showscale=False, xgap=gap, ygap=gap,
        colorscale=[[0, NOT_EVALUATED_COLOUR], [1, NOT_EVALUATED_COLOUR]], customdata=custom,
        hovertemplate=hovertemplate, name="Not evaluated"))
    # Stepped scale: each grade owns one band of the colour bar, which is the legend.
    lo, hi = grades[0], grades[-1]
    n = hi - lo + 1
    stops = []
    for i, grade in enumerate(range(lo, hi + 1)):
        colour = grade_colour(grade, grades) if grade in grades else NOT_EVALUATED_COLOUR
        stops += [[i / n, colour], [(i + 1) / n, colour]]
    fig.add_trace(go.Heatmap(
        x=xs, y=ys, z=z, zmin=lo - 0.5, zmax=hi + 0.5, colorscale=stops, xgap=gap, ygap=gap,
        customdata=custom, hovertemplate=hovertemplate, name="Grade",
        colorbar=dict(title=dict(text="Grade"), tickvals=grades,
                      ticktext=[f"{g} {model.scale[g]}" for g in grades], ticks="",
                      outlinewidth=1, outlinecolor="#8c8c8c", thickness=20, len=1.0, y=0.5,
                      yanchor="middle")))
    # Word over number, so "Unsatisfactory" fits a column; smaller type when columns are many.
    size = (22 if large else 14) - (0 if len(dates) <= 4 else 2 if len(dates) <= 6 else 4)
    for x, y, grade, word in cells:
        fig.add_annotation(x=x, y=y, text=f"{word}<br>({grade})", showarrow=False,
                           font=dict(color=text_colour_on(grade_colour(grade, grades)),
                                     size=size))
    fig.update_xaxes(tickmode="array", tickvals=xs, ticktext=[d[2] for d in dates],
                     showgrid=False, showline=False, ticks="", zeroline=False,
                     title=dict(text="Evaluation date"))
    fig.update_yaxes(tickmode="array", tickvals=ys,
                     ticktext=["<br>".join(textwrap.wrap(label, 22 if large else 34))
                               for label in labels],
                     autorange="reversed", showgrid=False, showline=False, ticks="",
                     zeroline=False)
    row_height = 92 if large else 64
    fig.update_layout(height=(240 if large else 190) + row_height * len(qis),
                      plot_bgcolor="white", hovermode="closest")
    return styled(fig, large=large)



# -- Performance Framework and Compare areas (cjmetrics.framework, cjmetrics.comparison) -----

FOCUS_COLOUR = PALETTE[0]  # the area the page is about: dark blue, darkest bar in greyscale
OTHER_COLOUR = "#a6a6a6"  # other areas: mid grey
GROUPED_COLOUR = "#cfcfcf"  # a partnership's councils, grouped under it: light grey


def message_figure(fig: go.Figure, text: str, *, large: bool) -> go.Figure:
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font=dict(size=22 if large else 15))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=300)
    return styled(fig, large=large)


def ranked_bar_figure(comparison: "Comparison", *, large: bool = False) -> go.Figure:
    """Horizontal bars, best first: the chosen area in blue, other areas in grey, a
    partnership's councils in light grey under it; each bar labelled with its value, and
    Scotland as a dotted reference line for rates and shares."""
    indicator = comparison.indicator
    ranking = comparison.ranking
    when = comparison.period_label or "each area's latest figure"
    parts = [when, kinds_note(comparison.trend), f"ranked {comparison.order_text}",
             f"{comparison.focus_name} highlighted"]
    parts = [p for p in parts if p]
    if comparison.scotland is not None:  # its own source named with it, when not the bars'
        own = comparison.scotland_source
        parts.append(f"dotted line: Scotland ({cited(own)})" if own else "dotted line: Scotland")
    if comparison.area_sources:
        parts.append(f"Source: {cited(comparison.area_sources)}")
    fig = go.Figure()
    fig.update_layout(title=dict(
        text=wrap(f"{comparison.title}: areas ranked", 45 if large else 70),
        subtitle=dict(text=wrap_subtitle(" · ".join(parts), large=large))))
    if ranking.empty:
        return message_figure(fig, "No figures are held for the areas chosen.", large=large)
    # A partnership shown with its councils is their total, above them and never ranked.
    labels = [f"{'└ ' if row.grouped else ''}"
              + (f"{row.area_name} (total)" if pd.isna(row.rank) else
                 f"{row.rank}. {row.area_name}")
              + ("" if comparison.common_period else f" ({row.period_label})")
              for row in ranking.itertuples()]
    # The chosen area's bar has its own colour and a pointer, so colour is not the only cue.
    labels = [f"► {label}" if focus else label
              for label, focus in zip(labels, ranking["is_focus"])]
    colours = [FOCUS_COLOUR if row.is_focus else GROUPED_COLOUR if row.grouped else OTHER_COLOUR
               for row in ranking.itertuples()]
    fig.add_trace(go.Bar(
        x=ranking["value"].to_numpy(), y=labels, orientation="h", marker=dict(
            color=colours, line=dict(color="#333333", width=1)),
        text=ranking["value_text"], textposition="outside", cliponaxis=False,
        textfont=dict(size=20 if large else 14, color="#1a1a1a"),
        customdata=ranking[["area_name", "period_label", "value_text", "ranked_among"]].to_numpy(),
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}: %{customdata[2]}<br>"
                      "ranked among %{customdata[3]}<extra></extra>",
        name=comparison.title, showlegend=False))
    top = float(ranking["value"].max())
    if comparison.scotland is not None:
        top = max(top, comparison.scotland.value)
    low = min(0.0, float(ranking["value"].min()))
    end = top * 1.15 if top > 0 else 1
    if comparison.scotland is not None:
        fig.add_vline(x=comparison.scotland.value, line=dict(color=COMPARATOR_COLOUR, width=2,
                                                             dash="dot"))
        # The label runs from the line into the wider side, so it is not cut off at the edge.
        into_left = comparison.scotland.value > (low + end) / 2
        fig.add_annotation(x=comparison.scotland.value, y=1, yref="paper", yanchor="bottom",
                           showarrow=False, xanchor="right" if into_left else "left",
                           text=f"Scotland {comparison.scotland.value_text} "
                                f"({comparison.scotland.period_label})",
                           font=dict(color=COMPARATOR_COLOUR, size=18 if large else 13))
    fig.update_xaxes(range=[low, end], title=_axis_title(indicator),
                     showgrid=True, gridcolor="#e0e0e0", zeroline=True, zerolinecolor="#444")
    if indicator["unit"] == "percent":
        fig.update_xaxes(ticksuffix="%")
    fig.update_yaxes(autorange="reversed", showgrid=False, ticks="")
    bar = 56 if large else 40
    fig.update_layout(height=(280 if large else 210) + bar * len(ranking), bargap=0.25,
                      hovermode="closest", margin=dict(r=60, t=150 if large else 115))
    return styled(fig, large=large)


def self_assessment_figure(scorecard: "Scorecard", *, large: bool = False) -> go.Figure:
    """Small multiples: one panel per national outcome (number order), the partnership's
    self-assessment score at each session, every panel on the same axis fixed to the scale.
    A priority outcome of the improvement plan is starred in its panel title."""
    scale = scorecard.scale
    sessions = scorecard.sessions
    span = f"{sessions[0][1]} to {sessions[-1][1]}" if len(sessions) > 1 else \
        sessions[0][1] if sessions else ""
    parts = [scorecard.area_name, span, f"score {scale.minimum:g} to {scale.maximum:g}"]
    if scorecard.priorities:
        parts.append("★ priority in the improvement plan")
    parts.append(f"Source: {cited(scorecard.score_sources)}")
    title = dict(text="Self-assessment scores by national outcome",
                 subtitle=dict(text=wrap_subtitle(" · ".join(p for p in parts if p),
                                                   large=large)))
    if not scorecard.has_scores:
        fig = go.Figure()
        fig.update_layout(title=title)
        return message_figure(fig, f"No self-assessment scores are held for "
                                    f"{scorecard.area_name} yet.", large=large)
    cards = scorecard.outcomes
    columns = 3
    rows = -(-len(cards) // columns)
    titles = [("★ " if card.priority else "") + f"{card.number} · {card.short_name}"
              for card in cards]
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=titles, shared_xaxes="all",
                        vertical_spacing=0.16 if not large else 0.2, horizontal_spacing=0.06)
    ticks = [pd.Timestamp(start) for start, _ in sessions]
    tick_text = ["<br>".join(label.rsplit(" ", 1)) if label.count(" ") == 2 else label
                 for _, label in sessions]
    pad = (scale.maximum - scale.minimum) * 0.12
    for i, card in enumerate(cards):
        row, col = i // columns + 1, i % columns + 1
        points = card.scores
        fig.add_trace(go.Scatter(
            x=[pd.Timestamp(p.period_start) for p in points], y=[p.score for p in points],
            mode="lines+markers+text", text=[scale.text(p.score) for p in points],
            cliponaxis=False,
            textposition="top center", textfont=dict(size=16 if large else 13),
            line=dict(color=FOCUS_COLOUR, width=2.5),
            marker=dict(symbol="star" if card.priority else "circle", size=11,
                        color=FOCUS_COLOUR),
            customdata=[[p.period_label] for p in points], name=titles[i], showlegend=False,
            hovertemplate=f"<b>{literal(titles[i])}</b><br>%{{customdata[0]}}: %{{y:g}} "
                          f"({scale.out_of})<extra></extra>"), row=row, col=col)
        if not points:
            fig.add_annotation(text="not scored", showarrow=False, x=0.5, y=0.5,
                               xref=f"x{i + 1 if i else ''} domain",
                               yref=f"y{i + 1 if i else ''} domain",
                               font=dict(color="#595959"))
    width = scale.maximum - scale.minimum
    step = max(1.0, float(-(-width // 3)))  # at most four ticks, whole numbers
    levels = [scale.minimum + step * k for k in range(int(width // step) + 1)]
    levels = sorted(set(levels) | {scale.maximum})
    if large:
        # A slide's panels are short: the ends of the scale only, and room above the top score
        # for its label, so ticks, labels and panel titles never touch.
        levels = [scale.minimum, scale.maximum]
    fig.update_yaxes(range=[scale.minimum - pad, scale.maximum + pad * (3 if large else 1)],
                     tickmode="array", tickvals=levels, ticktext=[f"{v:g}" for v in levels],
                     gridcolor="#e0e0e0", tickfont=dict(size=16) if large else None)
    fig.update_xaxes(tickmode="array", tickvals=ticks, ticktext=tick_text, showgrid=False,
                     range=[ticks[0] - pd.Timedelta(days=120), ticks[-1] + pd.Timedelta(days=120)]
                     if ticks else None)
    for annotation in fig.layout.annotations[:len(titles)]:  # the panel titles
        annotation.update(font=dict(size=18 if large else 14))
    fig.update_layout(title=title, height=(1100 if large else 820), hovermode="closest",
                      margin=dict(t=170 if large else 130))
    return styled(fig, large=large)
