"""Plotly figure builders and the one cjmetrics template.

The palette is Okabe-Ito (safe for the common colour-vision deficiencies) and every series also
differs by marker and dash, so charts still read in greyscale or on a washed-out projector.
Pages render with theme=None so the screen and an exported image look the same.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from .trends import TrendData

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
MARKERS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star"]
# "dot" is kept for the Scotland comparator, so no area's line can be mistaken for it.
DASHES = ["solid", "dash", "dashdot", "longdash", "longdashdot", "8px,3px,2px,3px,2px,3px",
          "solid"]
COMPARATOR_COLOUR = "#595959"
RAG_COLOURS = {"green": "#1b7837", "amber": "#b35806", "red": "#b2182b", "none": "#6b6b6b"}
FONT = "DejaVu Sans, Arial, sans-serif"

pio.templates["cjmetrics"] = go.layout.Template(layout=go.Layout(
    font=dict(family=FONT, size=14, color="#1a1a1a"),
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


def styled(fig: go.Figure, *, large: bool = False) -> go.Figure:
    fig.update_layout(template="cjmetrics")
    if large:
        fig.update_layout(LARGE_TYPE.layout)
        fig.update_traces(selector=dict(type="scatter"), line_width=4, marker_size=12)
    return fig


def _wrap(text: str, width: int = 90) -> str:
    return "<br>".join(textwrap.wrap(text, width)) if text else ""


def _axis_title(indicator: dict) -> str:
    return {"percent": "Per cent", "count": "Number", "rate": "Rate", "score": "Score",
            "grade": "Grade"}.get(indicator["unit"], "")


def _hover_value(indicator: dict) -> str:
    return "%{y:.1f}%" if indicator["unit"] == "percent" else "%{y:,.1f}" \
        if indicator["unit"] in ("rate", "score") else "%{y:,.0f}"


def subtitle(data: TrendData) -> str:
    areas = ", ".join(dict.fromkeys(data.series.loc[~data.series["is_comparator"], "area_name"]))
    if data.comparator_code is not None:
        areas = f"{areas} (Scotland for comparison)" if areas else "Scotland"
    span = f"{data.period_range[0]} to {data.period_range[1]}" if data.period_range else ""
    return " · ".join(p for p in (areas, span, f"Source: {data.sources}") if p)


def trend_figure(data: TrendData, *, large: bool = False) -> go.Figure:
    """Lines per area with interval bands, Scotland comparator, baseline, target and notes."""
    indicator = data.indicator
    fig = go.Figure()
    hover_value = _hover_value(indicator)
    series = data.series
    line_colour: dict[str, str] = {}  # so an area's baseline-to-target line matches its line
    for i, code in enumerate(dict.fromkeys(series["area_code"])):
        rows = series[series["area_code"] == code]
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
            x=rows["period_start"], y=rows["value"], name=name, legendgroup=code,
            mode="lines+markers",
            line=dict(color=colour, width=2.5,
                      dash="dot" if comparator else DASHES[i % len(DASHES)]),
            marker=dict(symbol=MARKERS[i % len(MARKERS)], size=8, color=colour),
            customdata=rows[["period_label"]],
            hovertemplate=f"<b>{name}</b><br>%{{customdata[0]}}: {hover_value}<extra></extra>"))
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
            hovertemplate=f"<b>{target['area_name']}</b><br>%{{text}}: {hover_value}"
                          "<extra></extra>"))
    if not data.annotations.empty:
        top = series["upper"].max() if series["upper"].notna().any() else series["value"].max()
        notes = data.annotations.reset_index(drop=True)
        fig.add_trace(go.Scatter(
            x=notes["period_start"], y=[top * 1.04 if pd.notna(top) else 0] * len(notes),
            mode="markers+text", name="Notes (see below the chart)",
            text=[str(i + 1) for i in range(len(notes))], textposition="top center",
            marker=dict(symbol="triangle-down", size=12, color="#444"),
            customdata=notes[["period_label", "area_name", "text"]],
            hovertemplate="<b>Note %{text}</b> · %{customdata[1]}, %{customdata[0]}<br>"
                          "%{customdata[2]}<extra></extra>"))
    _period_axis(fig, series, data.targets)
    fig.update_layout(
        title=dict(text=_wrap(data.title, 45 if large else 70),
                   subtitle=dict(text=_wrap(subtitle(data), 75 if large else 110))),
        yaxis_title=_axis_title(indicator), hovermode="closest", height=520 if not large else 720)
    if indicator["unit"] == "percent":
        fig.update_yaxes(ticksuffix="%")
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
    step = max(1, len(ticks) // 12)
    ticks = ticks.iloc[::step]
    fig.update_xaxes(tickmode="array", tickvals=list(ticks["period_start"]),
                     ticktext=list(ticks["period_label"]))


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"
