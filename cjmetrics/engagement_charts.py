"""Figures for the Engagement pages, in the cjmetrics template (charts.styled).

Each builder returns a ChartView (charts.py's one record): the figure, the tidy table behind it,
its title, subtitle and one-sentence summary; the chart registry names them for the pages and
decks. Series differ by pattern, marker or dash as well as
colour (Okabe-Ito), so the charts read in greyscale.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from .charts import (
    DASHES,
    MARKERS,
    PALETTE,
    ChartView,
    literal,
    styled,
    view_from_figure,
    wrap,
)
from .config import joined_sources
from .engagement import CHANNELS, EVENTS, EngagementModel, format_value
from .engagement_plan import CO_PRODUCTION, PlanModel, StagesModel

PATTERNS = ["", "/", ".", "x", "\\", "+", "-"]
SLIDE_ROWS_PX = 360  # what a slide's plot keeps for a chart's rows, under its title and legend
STATUS_COLOURS = {"Not started": "#bdbdbd", "In progress": PALETTE[4], "Complete": PALETTE[2]}
THIN_COLOUR = PALETTE[1]


def _chart(fig: go.Figure, table: pd.DataFrame, summary: str, stem: str) -> ChartView:
    """A chart of these pages as the registry's one record."""
    return view_from_figure(fig, table, summary=summary, file_stem=stem)


def _title(fig: go.Figure, title: str, subtitle: str) -> None:
    wrapped = wrap(subtitle, 100)
    fig.update_layout(title=dict(text=wrap(title, 70), subtitle=dict(text=wrapped)),
                      margin=dict(t=80 + 18 * (wrapped.count("<br>") + 1)))


def _empty(fig: go.Figure, text: str) -> go.Figure:
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=300)
    return styled(fig)


def _tick(label: str) -> str:
    """"Q1 2024/25" over two lines, so a dozen periods fit under a chart unrotated."""
    return label.replace(" ", "<br>", 1)


def _sources(rows: pd.DataFrame) -> str:
    return joined_sources(rows["source"]) if "source" in rows else ""


def _subtitle(model, span: str, sources: str | None = None) -> str:
    sources = model.sources if sources is None else sources
    sources = f"Source: {sources}" if sources else ""
    return " · ".join(p for p in (model.area_name, span, sources) if p)


# -- reach ------------------------------------------------------------------------------------
def channel_mix(model: EngagementModel, indicator_id: str, start: date) -> ChartView:
    """Stacked bars of a social measure by channel over the recent periods up to `start`."""
    name = model.indicators[indicator_id]["name"]
    rows = model.channels[model.channels["indicator_id"] == indicator_id]
    rows = model.recent(rows, start)
    fig = go.Figure()
    span = f"{rows['label'].iloc[0]} to {rows['label'].iloc[-1]}" if len(rows) else ""
    _title(fig, f"{name} by channel", _subtitle(model, span, _sources(rows)))
    stem = f"{model.area_code}-{indicator_id}-by-channel"
    table = pd.DataFrame({"Period": rows["label"], "Channel": rows["channel"],
                          name: rows["value"]})
    if rows.empty:
        return _chart(_empty(fig, f"No {name.lower()} by channel held for {model.area_name}."),
                     table, "", stem)
    totals = rows.groupby("period_start")["value"].transform("sum")
    table["Share of period (%)"] = (100 * rows["value"] / totals).round(1).values
    labels = [_tick(x) for x in dict.fromkeys(rows.sort_values("period_start")["label"])]
    channels = [c for c in CHANNELS if c in set(rows["channel"])] + \
        sorted(set(rows["channel"]) - set(CHANNELS))
    for i, channel in enumerate(channels):
        part = rows[rows["channel"] == channel]
        share = (100 * part["value"] / totals[part.index]).round(1)
        fig.add_trace(go.Bar(
            x=part["label"].map(_tick), y=part["value"], name=channel,
            marker=dict(color=PALETTE[i % len(PALETTE)],
                        pattern=dict(shape=PATTERNS[i % len(PATTERNS)], fgcolor="white",
                                     fillmode="overlay")),
            customdata=list(zip(part["label"], share)),
            hovertemplate=f"<b>{literal(channel)}</b><br>%{{customdata[0]}}: %{{y:,.0f}} "
                          f"(%{{customdata[1]}}% of the period)<extra></extra>"))
    fig.update_layout(barmode="stack", height=480, yaxis_title="Number",
                      legend=dict(traceorder="normal", y=-0.22))
    fig.update_xaxes(categoryorder="array", categoryarray=labels, type="category")
    latest = rows[rows["period_start"] == max(rows["period_start"])]
    total = latest["value"].sum()
    top = latest.sort_values("value", ascending=False).iloc[0]
    summary = (f"{name} in {top['label']}: {total:,.0f}, of which {top['channel']} carried "
               f"{100 * top['value'] / total:.0f}%." if total else "")
    return _chart(styled(fig), table.reset_index(drop=True), summary, stem)


def measures_over_time(model: EngagementModel, indicator_ids: list[str], start: date,
                       title: str) -> ChartView:
    """Lines for several count measures (website visits, newsletter opens ...)."""
    rows = model.recent(model.totals[model.totals["indicator_id"].isin(indicator_ids)], start)
    fig = go.Figure()
    span = f"{rows['label'].iloc[0]} to {rows['label'].iloc[-1]}" if len(rows) else ""
    _title(fig, title, _subtitle(model, span, _sources(rows)))
    names = {i: model.indicators[i]["short_name"] for i in indicator_ids}
    table = pd.DataFrame({"Period": rows["label"], "Measure": rows["indicator_id"].map(names),
                          "Value": rows["value"], "Months with figures": rows["months"]})
    stem = f"{model.area_code}-{'-'.join(i.removeprefix('eng_') for i in indicator_ids)}"
    if rows.empty:
        return _chart(_empty(fig, f"No figures held for {model.area_name}."), table, "", stem)
    labels = [_tick(x) for x in dict.fromkeys(rows.sort_values("period_start")["label"])]
    sentences = []
    for i, indicator_id in enumerate(indicator_ids):
        part = rows[rows["indicator_id"] == indicator_id].sort_values("period_start")
        if part.empty:
            continue
        fig.add_trace(go.Scatter(
            x=part["label"].map(_tick), y=part["value"], name=names[indicator_id],
            mode="lines+markers",
            line=dict(color=PALETTE[i], dash=DASHES[i], width=2.5),
            marker=dict(symbol=MARKERS[i], size=8, color=PALETTE[i]),
            customdata=part["label"],
            hovertemplate=f"<b>{literal(names[indicator_id])}</b><br>%{{customdata}}: %{{y:,.0f}}"
                          "<extra></extra>"))
        last = part.iloc[-1]
        change = model.change(indicator_id, last["period_start"])
        sentences.append(f"{names[indicator_id]} {format_value(last['value'], 'count')} in "
                         f"{last['label']} ({change.text})")
    fig.update_layout(height=460, yaxis_title="Number", hovermode="x unified",
                      legend=dict(y=-0.25))
    # Level labels: plotly leaves some out rather than tilt them when the chart is narrow.
    fig.update_xaxes(categoryorder="array", categoryarray=labels, type="category", tickangle=0)
    return _chart(styled(fig), table.reset_index(drop=True), "; ".join(sentences) + ".", stem)


def attendance_over_time(model: EngagementModel, start: date) -> ChartView:
    rows = model.recent(model.totals[model.totals["indicator_id"] == EVENTS], start)
    fig = go.Figure()
    span = f"{rows['label'].iloc[0]} to {rows['label'].iloc[-1]}" if len(rows) else ""
    _title(fig, "Event attendance", _subtitle(model, span, _sources(rows)))
    table = pd.DataFrame({"Period": rows["label"], "Attendance": rows["value"]})
    stem = f"{model.area_code}-event-attendance"
    if rows.empty:
        return _chart(_empty(fig, f"No event attendance held for {model.area_name}."), table,
                     "", stem)
    fig.add_trace(go.Bar(x=rows["label"].map(_tick), y=rows["value"], name="Attendance",
                         marker_color=PALETTE[0], text=rows["value"].map("{:,.0f}".format),
                         textposition="outside",
                         customdata=rows["label"],
                         hovertemplate="%{customdata}: %{y:,.0f} attended<extra></extra>"))
    fig.update_layout(height=400, yaxis_title="People attending", showlegend=False)
    fig.update_xaxes(type="category", tickangle=0)
    last = rows.sort_values("period_start").iloc[-1]
    change = model.change(EVENTS, last["period_start"])
    summary = f"{last['value']:,.0f} people attended events in {last['label']} ({change.text})."
    return _chart(styled(fig), table.reset_index(drop=True), summary, stem)


# -- the engagement plan -------------------------------------------------------------------------
def level_community_heatmap(model: PlanModel) -> ChartView:
    table = model.by_level_and_community()
    fig = go.Figure()
    _title(fig, "Activities by level and focus community",
           _subtitle(model, "the whole plan"))
    stem = f"{model.area_code}-activities-by-level-and-community"
    if not model.has_activities:
        return _chart(_empty(fig, f"No engagement activities held for {model.area_name}."),
                     table, "", stem)
    levels = list(dict.fromkeys(table["Level"]))
    communities = list(dict.fromkeys(table["Community"]))
    z = [[int(table[(table["Level"] == lv) & (table["Community"] == c)]["Activities"].iloc[0])
          for lv in levels] for c in communities]
    top = max(max(r) for r in z) or 1
    fig.add_trace(go.Heatmap(
        x=levels, y=["<br>".join(wrap(c, 28).split("<br>")) for c in communities], z=z,
        colorscale=[[0, "#f7f7f7"], [1, PALETTE[0]]], zmin=0, zmax=top, xgap=3, ygap=3,
        # Each cell's count in its cell: the trace's own text, which Plotly draws in white or
        # black for contrast with the cell, in the figure's type size (an annotation per cell cost
        # the page a redraw each). With the counts written, a colour scale says nothing more,
        # and on a slide its title ran into its top count.
        showscale=False, texttemplate="%{z}",
        hovertemplate="%{y}<br>%{x}: %{z} activities<extra></extra>"))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(showgrid=False, title="Level of engagement")
    fig.update_layout(height=520)
    counts = model.community_counts()
    missing = [c for c, n in counts.items() if not n]
    summary = model.summary() + (f" No activity focuses on: {', '.join(missing)}."
                                 if missing else " Every focus community is reached.")
    return _chart(styled(fig), table, summary, stem)


def status_over_time(model: PlanModel, today: date | None = None) -> ChartView:
    table = model.status_over_time(today)
    fig = go.Figure()
    quarters = list(dict.fromkeys(table["Quarter"]))
    span = f"{quarters[0]} to {quarters[-1]}" if quarters else ""
    _title(fig, "The plan's status at each quarter end", _subtitle(model, span))
    stem = f"{model.area_code}-plan-status-over-time"
    if table.empty:
        return _chart(_empty(fig, f"No engagement activities held for {model.area_name}."),
                     table, "", stem)
    for i, status in enumerate(dict.fromkeys(table["Status"])):
        part = table[table["Status"] == status]
        fig.add_trace(go.Bar(
            x=part["Quarter"].map(_tick), y=part["Activities"], name=status,
            marker=dict(color=STATUS_COLOURS.get(status, PALETTE[i]),
                        pattern=dict(shape=PATTERNS[i], fgcolor="#444",
                                     fillmode="overlay")),
            customdata=part["Quarter"],
            hovertemplate=f"<b>{literal(status)}</b><br>%{{customdata}}: %{{y}} activities"
                          "<extra></extra>"))
    fig.update_layout(barmode="stack", height=440, yaxis_title="Activities",
                      legend=dict(traceorder="normal", y=-0.25))
    fig.update_xaxes(type="category", tickangle=0)
    last = table[table["Quarter"] == quarters[-1]].set_index("Status")["Activities"]
    summary = (f"At the end of {quarters[-1]}: " + ", ".join(
        f"{int(n)} {s.lower()}" for s, n in last.items()) + ".")
    return _chart(styled(fig), table.drop(columns="quarter_end"), summary, stem)


def standards_coverage(model: PlanModel) -> ChartView:
    from .engagement_plan import THIN_MIN, THIN_SHARE

    table = model.standards_coverage()
    fig = go.Figure()
    _title(fig, "Coverage of the National Standards for Community Engagement",
           _subtitle(model, f"thin: fewer than {THIN_MIN} activities or under "
                            f"{THIN_SHARE:.0%} of them"))
    stem = f"{model.area_code}-national-standards-coverage"
    if not model.has_activities:
        return _chart(_empty(fig, f"No engagement activities held for {model.area_name}."),
                     table, "", stem)
    labels = [f"{n}. {s}" for n, s in zip(table["Number"], table["Standard"])]
    thin = table["Thin"].tolist()
    fig.add_trace(go.Bar(
        y=labels, x=table["Activities"], orientation="h", showlegend=False,
        marker=dict(color=[THIN_COLOUR if t else PALETTE[0] for t in thin],
                    pattern=dict(shape=["/" if t else "" for t in thin], fgcolor="white",
                                fillmode="overlay")),
        text=[f"{n} · thin" if t else str(n) for n, t in zip(table["Activities"], thin)],
        textposition="outside",
        hovertemplate="%{y}: %{x} activities<extra></extra>"))
    fig.update_yaxes(autorange="reversed", showgrid=False)
    fig.update_xaxes(title="Activities addressing the standard", rangemode="tozero",
                     range=[0, max(table["Activities"].max() * 1.25, 1)])
    fig.update_layout(height=400)
    names = model.thin_standards()
    summary = (f"Thin: {', '.join(names)}." if names
               else "Every National Standard is addressed by several activities.")
    return _chart(styled(fig), table, summary, stem)


def stages_figure(model: StagesModel, *, large: bool = False) -> ChartView:
    """How far each service has come: a row per service on the 8-stage scale, a line from its
    first assessment (open circle) to its latest (filled), a dotted line on to its stretch target
    (a star), and co-production at stage 8 as a reference line. One row per service reads at
    any number of services, where a line per service over time became a tangle with a legend
    entry each (and cost the page a Plotly trace each, 34 for a partnership of 17 services).
    `large`: the service names sized so every row keeps its name on a slide's fixed height."""
    history = model.history.sort_values(["area_name", "service", "period_start"])
    fig = go.Figure()
    span = ""
    if len(history):
        periods = sorted(set(zip(history["period_start"], history["period_label"])))
        span = f"{periods[0][1]} to {periods[-1][1]}"
    _title(fig, "Distance travelled towards co-production",
           _subtitle(model, f"{span} · first assessment to latest, dotted on to a star: "
                            "the stretch target"))
    table = pd.DataFrame({
        "Area": history["area_name"], "Service": history["service"],
        "Assessed": history["period_label"], "Stage": history["stage"],
        "Stage name": history["stage"].map(model.stage_text),
        "Stretch target": history["target_stage"], "Target by": history["target_label"]})
    stem = f"{model.area_code}-distance-travelled"
    if history.empty:
        return _chart(_empty(fig, f"No service stage assessments held for {model.area_name}."),
                     table, "", stem)
    own = history["area_name"].nunique() == 1
    rows, travelled, to_target = [], [[], []], [[], []]
    first, latest, target = ([], [], []), ([], [], []), ([], [], [])  # stage, row, hover text
    for (area, service), part in history.groupby(["area_name", "service"], sort=False):
        # On a page, long names over two lines leave the stages room; a slide's rows have no
        # room for two lines, and its width has room for one.
        row = wrap(service if own or area == model.area_name else f"{service} ({area})",
                   48 if large else 30)
        rows.append(row)
        start, end = part.iloc[0], part.iloc[-1]
        travelled[0] += [start["stage"], end["stage"], None]
        travelled[1] += [row, row, None]
        moved = int(end["stage"] - start["stage"])
        if len(part) > 1:
            for points, value in zip(first, (start["stage"], row, (
                    f"First assessed {start['period_label']}: "
                    f"{model.stage_text(start['stage'])}"))):
                points.append(value)
        for points, value in zip(latest, (end["stage"], row, (
                f"{end['period_label']}: {model.stage_text(end['stage'])}"
                + (f" ({moved:+d} since {start['period_label']})" if len(part) > 1 else "")))):
            points.append(value)
        if pd.notna(end["target_stage"]):
            if end["target_stage"] > end["stage"]:  # still to go: dotted on to the star
                to_target[0] += [end["stage"], end["target_stage"], None]
                to_target[1] += [row, row, None]
            for points, value in zip(target, (end["target_stage"], row, (
                    f"Stretch target: {model.stage_text(end['target_stage'])}"
                    + (f" by {end['target_label']}" if isinstance(end["target_label"], str)
                       else "")))):
                points.append(value)
    fig.add_trace(go.Scatter(x=travelled[0], y=travelled[1], mode="lines", hoverinfo="skip",
                             showlegend=False, line=dict(color=PALETTE[0], width=3)))
    fig.add_trace(go.Scatter(x=to_target[0], y=to_target[1], mode="lines", hoverinfo="skip",
                             showlegend=False, line=dict(color=PALETTE[3], width=2, dash="dot")))
    for name, (x, y, text), marker in (
            ("First assessment", first, dict(symbol="circle-open", size=11, color=PALETTE[0],
                                             line=dict(width=2))),
            ("Latest assessment", latest, dict(symbol="circle", size=12, color=PALETTE[0])),
            ("Stretch target", target, dict(symbol="star", size=15, color=PALETTE[3]))):
        if x:
            fig.add_trace(go.Scatter(x=x, y=y, mode="markers", name=name, marker=marker,
                                     customdata=text,
                                     hovertemplate="<b>%{y}</b><br>%{customdata}<extra></extra>"))
    # Stage 8 (co-production) is where every service is heading: a reference line.
    fig.add_vline(x=CO_PRODUCTION, line=dict(color="#595959", dash="dot", width=1))
    stages = list(range(1, CO_PRODUCTION + 1))
    fig.update_xaxes(range=[0.5, CO_PRODUCTION + 0.5], tickvals=stages,
                     ticktext=[wrap(model.stage_text(s), 10) for s in stages], tickangle=0,
                     tickfont=dict(size=12), showgrid=True, gridcolor="#e0e0e0")
    # On a slide the plot keeps about 360 px of its height for the rows, whatever their number.
    names = dict(tickfont=dict(size=max(11, min(22, int(SLIDE_ROWS_PX / len(rows) / 1.4)))))
    # Every row named (Plotly would name every other one where the names crowd).
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=rows,
                     tickmode="array", tickvals=rows, ticktext=rows,
                     autorange="reversed", showgrid=False, **(names if large else {}))
    # The legend at the foot of the figure, below the stage names however many lines they take.
    row_px = 44 if any("<br>" in row for row in rows) else 34
    fig.update_layout(height=260 + row_px * len(rows), hovermode="closest", margin=dict(b=120),
                      legend=dict(yref="container", y=0.01, yanchor="bottom"))
    return _chart(styled(fig), table.reset_index(drop=True), model.summary(), stem)
