"""Survey figures, in cjmetrics/charts.py's style (one template, Okabe-Ito, patterns so the
segments read in greyscale).

Every builder takes the model's SUPPRESSED table, never raw counts: a suppressed cell has no
width, no colour value and no number in its label, hover text or customdata, only "<5" (or
"hidden"). Where a stacked bar has suppressed cells, their share is drawn as one grey
"not shown" segment, so the other segments keep their true widths without revealing any
suppressed cell on its own.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from .analysis import shorten
from .charts import (
    FONT,
    PALETTE,
    message_figure,
    styled,
    text_colour_on,
    wrap,
    wrap_subtitle,
)
from .surveys import SurveyModel

PATTERNS = ["", "/", "\\", "x", "-", "|", "+", "."]
SUPPRESSED_COLOUR = "#d9d9d9"
# Disagree (vermillion, orange), neutral grey, agree (sky blue, blue): safe for colour-blindness.
LIKERT_COLOURS = {-2: "#D55E00", -1: "#E69F00", 0: "#9e9e9e", 1: "#56B4E9", 2: "#0072B2"}
LIKERT_PATTERNS = {-2: "x", -1: "/", 0: "", 1: "\\", 2: "+"}
# A question chart's title, at most: two lines of a PowerPoint slide's title (30 pt), three of
# the PDF's and the slideshow's large type; the question's wording gets what the rest leaves,
# at least QUESTION_MIN_WIDTH characters.
TITLE_WIDTH = 110
QUESTION_MIN_WIDTH = 30


def _pattern(shape: str, colour: str) -> dict:
    """A light pattern over the solid colour: segments differ in greyscale, labels stay legible."""
    return dict(shape=shape, fillmode="overlay", fgcolor=text_colour_on(colour), fgopacity=0.35,
                solidity=0.15)


def _title(fig: go.Figure, title: str, subtitle: str, *, large: bool) -> None:
    fig.update_layout(title=dict(text=wrap(title, 45 if large else 80),
                                 subtitle=dict(text=wrap_subtitle(subtitle, large=large))))


def question_title(q, what: str) -> str:
    """"Q3 How would you rate awareness ... – answers by area": the question's number and its
    wording, cut short so the whole title stays within TITLE_WIDTH characters (two lines of a
    slide's title), so a meeting can tell what was asked."""
    number = str(q["number"] or "").strip()
    text = " ".join(str(q["text"] or "").split())
    if not text:
        return f"{number}: {what}"
    room = max(QUESTION_MIN_WIDTH, TITLE_WIDTH - len(number) - len(what) - 4)
    return f"{number} {shorten(text, room)} – {what}"


def _num(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(number) else number


def _pct(value) -> str:
    number = _num(value)
    return "" if number is None else f"{number:.0f}%"


def _interval(row) -> str:
    low, high = _num(row["ci_lower"]), _num(row["ci_upper"])
    if low is None or high is None:
        return "not shown"
    return f"{low:.0f}% to {high:.0f}%"


def _custom(rows: pd.DataFrame) -> list[list[str]]:
    """Hover text fields, all already suppressed: area, answer, respondents, answered, share,
    interval, note."""
    def text(value) -> str:
        return "" if value is None or (isinstance(value, float) and pd.isna(value)) \
            else str(value)

    return [[text(r["area"]), text(r["answer"]), text(r["respondents"]), text(r["answered"]),
             _pct(r["percent"]) or "not shown", _interval(r), text(r["note"])]
            for _, r in rows.iterrows()]


HOVER = ("<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
         "Respondents: %{customdata[2]} of %{customdata[3]} who answered<br>"
         "Share: %{customdata[4]} (95% interval %{customdata[5]})<br>%{customdata[6]}"
         "<extra></extra>")


def _not_shown(table: pd.DataFrame, areas: list[str]) -> list[float | None]:
    """Per area, the share the suppressed cells take together (None when nothing is)."""
    out = []
    for area in areas:
        rows = table[table["area"] == area]
        shown = pd.to_numeric(rows["percent"], errors="coerce")
        if shown.notna().all():
            out.append(None)
        else:
            out.append(max(0.0, 100.0 - float(shown.sum())))
    return out


def _suppressed_trace(table: pd.DataFrame, areas: list[str], threshold: int,
                      *, base: float = 0.0) -> go.Bar | None:
    widths = _not_shown(table, areas)
    if all(w is None for w in widths):
        return None
    return go.Bar(
        y=areas, x=widths, base=base if base else None, orientation="h",
        name="Not shown (small numbers)", legendrank=1000,
        marker=dict(color=SUPPRESSED_COLOUR, pattern=_pattern(".", SUPPRESSED_COLOUR),
                    line=dict(color="#444", width=0.5)),
        customdata=[[a] for a in areas],
        hovertemplate=(f"<b>%{{customdata[0]}}</b><br>Answers given by fewer than {threshold} "
                       "respondents are not shown,<br>nor one more where the others would give "
                       "them away<extra></extra>"))


def distribution_figure(model: SurveyModel, question_id: str, table: pd.DataFrame, *,
                        large: bool = False) -> go.Figure:
    """Stacked 100% bars: one bar per area, one segment per answer option. A multiple-choice
    question's shares add up to more than 100%, so it gets side-by-side bars instead."""
    q = model.question(question_id)
    if q["type"] == "multiple":
        return ticked_figure(model, question_id, table, large=large)
    fig = go.Figure()
    _title(fig, question_title(q, "answers by area (share of those who answered)"),
           model.subtitle, large=large)
    if table.empty:
        return message_figure(fig, "No answers to this question are held.", large=large)
    areas = list(dict.fromkeys(table["area"]))
    for i, (answer, rows) in enumerate(table.groupby("answer", sort=False)):
        rows = rows.set_index("area").reindex(areas).reset_index()
        x = [None if pd.isna(p) else float(p) for p in pd.to_numeric(rows["percent"],
                                                                       errors="coerce")]
        fig.add_trace(go.Bar(
            y=areas, x=x, orientation="h", name=str(answer),
            marker=dict(color=PALETTE[i % len(PALETTE)],
                        pattern=_pattern(PATTERNS[i % len(PATTERNS)], PALETTE[i % len(PALETTE)]),
                        line=dict(color="#333", width=0.5)),
            text=[_pct(p) if p is not None and p >= 8 else "" for p in x],
            textposition="inside", insidetextanchor="middle",
            insidetextfont=dict(color=text_colour_on(PALETTE[i % len(PALETTE)])),
            customdata=_custom(rows), hovertemplate=HOVER))
    extra = _suppressed_trace(table, areas, model.threshold)
    if extra is not None:
        fig.add_trace(extra)
    _bar_layout(fig, areas, large=large)
    fig.update_xaxes(range=[0, 100], ticksuffix="%")
    return styled(fig, large=large)


def ticked_figure(model: SurveyModel, question_id: str, table: pd.DataFrame, *,
                  large: bool = False) -> go.Figure:
    """A multiple-choice question: for each answer, the share of respondents who ticked it,
    one bar per area. A suppressed cell gets no bar, only its "<5" (or "hidden") label."""
    q = model.question(question_id)
    fig = go.Figure()
    _title(fig, question_title(q, "share of those who answered who ticked each answer"),
           model.subtitle, large=large)
    if table.empty:
        return message_figure(fig, "No answers to this question are held.", large=large)
    answers = list(dict.fromkeys(table["answer"]))
    for i, (area, rows) in enumerate(table.groupby("area", sort=False)):
        rows = rows.set_index("answer").reindex(answers).reset_index()
        pct = [_num(p) for p in rows["percent"]]
        colour = PALETTE[i % len(PALETTE)]
        fig.add_trace(go.Bar(
            y=answers, x=[0 if p is None else p for p in pct], orientation="h", name=area,
            marker=dict(color=colour, pattern=_pattern(PATTERNS[i % len(PATTERNS)], colour),
                        line=dict(color="#333", width=0.5)),
            text=[_pct(p) if p is not None else str(c) for p, c in
                  zip(pct, rows["respondents"])],
            textposition="outside", cliponaxis=False,
            customdata=_custom(rows), hovertemplate=HOVER))
    fig.update_layout(barmode="group", bargap=0.25, hovermode="closest",
                      height=(300 if large else 220) + 28 * len(answers) * max(1, len(
                          fig.data)),
                      legend=dict(yref="container", y=0.01, yanchor="bottom"),
                      margin=dict(t=130 if large else 110, b=90 if large else 70))
    fig.update_yaxes(autorange="reversed", showgrid=False, ticks="")
    fig.update_xaxes(range=[0, 110], showgrid=True, gridcolor="#e0e0e0",
                     tickvals=[0, 20, 40, 60, 80, 100],
                     ticktext=["0%", "20%", "40%", "60%", "80%", "100%"])
    return styled(fig, large=large)


def _bar_layout(fig: go.Figure, areas: list[str], *, large: bool) -> None:
    # The legend sits at the foot of the figure (not of the plot), below the axis labels.
    fig.update_layout(barmode="stack", height=(360 if large else 290) + 60 * len(areas),
                      legend=dict(traceorder="normal", yref="container", y=0.01,
                                  yanchor="bottom"), hovermode="closest",
                      margin=dict(t=130 if large else 110, b=120 if large else 100),
                      uniformtext=dict(minsize=10, mode="hide"))
    fig.update_yaxes(autorange="reversed", showgrid=False, ticks="")
    fig.update_xaxes(showgrid=True, gridcolor="#e0e0e0")


def diverging_figure(model: SurveyModel, question_id: str, table: pd.DataFrame, *,
                     large: bool = False) -> go.Figure:
    """Agree to the right of zero, disagree to the left, the neutral answer split across it."""
    q = model.question(question_id)
    fig = go.Figure()
    _title(fig, question_title(q, "disagree (left) and agree (right), share of those who "
                                  "answered"), model.subtitle, large=large)
    if table.empty:
        return message_figure(fig, "No answers to this question are held.", large=large)
    return _diverging(fig, model, table, large=large)


def statements_figure(model: SurveyModel, area_code: str, table: pd.DataFrame, *,
                      large: bool = False) -> go.Figure:
    """Every agree/disagree statement of the survey for one area, one bar per statement."""
    area = dict(model.areas).get(area_code, model.area_name)
    fig = go.Figure()
    _title(fig, f"Every agree/disagree statement, {area}: disagree (left) and agree (right)",
           model.subtitle_for([area]), large=large)
    if table.empty:
        return message_figure(fig, "No answers to these statements are held.", large=large)
    texts = dict(zip(model.questions["number"], model.questions["text"]))
    # Two short lines per statement (the full wording is in the table and the hover).
    labels = {n: wrap(shorten(f"{n} {texts.get(n, '')}", 64), 34)
              for n in table["question"].unique()}
    fig = _diverging(fig, model, table.assign(area=table["question"].map(labels)), large=large)
    fig.update_layout(height=(360 if large else 290) + 80 * len(labels))
    return fig


def _diverging(fig: go.Figure, model: SurveyModel, table: pd.DataFrame, *,
               large: bool) -> go.Figure:
    """The diverging bars, one per distinct value of table["area"] (an area or a statement)."""
    areas = list(dict.fromkeys(table["area"]))
    options = table.drop_duplicates("option_id").sort_values("score", ascending=True)
    # Neutral first so it straddles zero, then outwards on each side.
    order = sorted(options.itertuples(), key=lambda o: (abs(o.score), -o.score))
    for o in order:
        rows = table[table["option_id"] == o.option_id].set_index("area").reindex(
            areas).reset_index()
        pct = pd.to_numeric(rows["percent"], errors="coerce")
        score = int(o.score)
        colour = LIKERT_COLOURS.get(score, "#9e9e9e")
        halves = [("left", -0.5), ("right", 0.5)] if score == 0 else \
            [("", -1.0 if score < 0 else 1.0)]
        for side, factor in halves:
            x = [None if pd.isna(p) else float(p) * factor for p in pct]
            fig.add_trace(go.Bar(
                y=areas, x=x, orientation="h", name=str(o.answer),
                legendgroup=o.option_id, showlegend=side != "right",
                legendrank=10 + score,  # the legend reads from disagree to agree
                marker=dict(color=colour, pattern=_pattern(LIKERT_PATTERNS.get(score, ""), colour),
                            line=dict(color="#333", width=0.5)),
                text=[_pct(p) if pd.notna(p) and p >= 8 and side != "right" else ""
                      for p in pct],
                textposition="inside", insidetextanchor="middle",
                insidetextfont=dict(color=text_colour_on(colour)),
                customdata=_custom(rows), hovertemplate=HOVER))
    # Suppressed shares go beyond the agree side, so the zero line stays where it belongs.
    agree = []
    for area in areas:
        rows = table[(table["area"] == area) & (table["score"] >= 0)]
        pct = pd.to_numeric(rows["percent"], errors="coerce").fillna(0.0)
        score = rows["score"].astype(float)
        agree.append(float((pct * score.map(lambda s: 0.5 if s == 0 else 1.0)).sum()))
    extra = _suppressed_trace(table, areas, model.threshold)
    if extra is not None:
        extra.base = agree
        fig.add_trace(extra)
    _bar_layout(fig, areas, large=large)
    fig.update_layout(barmode="relative")
    fig.add_vline(x=0, line=dict(color="#444", width=1.5))
    fig.update_xaxes(range=[-100, 100], tickvals=[-100, -50, 0, 50, 100],
                     ticktext=["100%", "50%", "0", "50%", "100%"],
                     title=None)
    return styled(fig, large=large)


def matrix_figure(model: SurveyModel, question_id: str, table: pd.DataFrame, *,
                  large: bool = False) -> go.Figure:
    """Partner organisation x engagement level: the share of respondents in colour, the
    count (or "<5") written in every cell."""
    q = model.question(question_id)
    fig = go.Figure()
    area = table["area"].iloc[0] if len(table) else model.area_name
    _title(fig, question_title(q, f"engagement level with each partner, {area}"),
           model.subtitle_for([area]), large=large)
    if table.empty:
        return message_figure(fig, "No answers to this question are held.", large=large)
    rows = list(dict.fromkeys(table["row"]))
    columns = list(dict.fromkeys(table["answer"]))
    z, text, custom = [], [], []
    for row in rows:
        cells = table[table["row"] == row].set_index("answer").reindex(columns)
        z.append([None if pd.isna(p) else float(p)
                  for p in pd.to_numeric(cells["percent"], errors="coerce")])
        text.append([f"{c}" + (f" ({_pct(p)})" if pd.notna(p) else "")
                     for c, p in zip(cells["respondents"], pd.to_numeric(cells["percent"],
                                                                          errors="coerce"))])
        custom.append([[row, answer, *values[2:]] for answer, values in
                       zip(columns, _custom(cells.reset_index()))])
    if all(share is None for shares in z for share in shares):
        # Every cell suppressed: plotly would draw an empty grey box.
        return message_figure(fig, f"Fewer than {model.threshold} answered for each partner "
                                   "and level, so no counts or shares are shown.", large=large)
    fig.add_trace(go.Heatmap(
        z=z, x=columns, y=rows, text=text, texttemplate="%{text}",
        textfont=dict(family=FONT, size=18 if large else 13),
        colorscale=[[0, "#f7fbff"], [0.5, "#6baed6"], [1, "#08306b"]], zmin=0, zmax=100,
        # Each cell's share is written in it, so a colour scale says nothing more; on a slide
        # its title ran into its top figure.
        xgap=2, ygap=2, customdata=custom, showscale=False,
        hovertemplate=HOVER.replace("customdata[0]}</b>", "customdata[0]}</b> ·")))
    # Every row and column named, even where plotly would leave out every other label to
    # keep them apart (a slide's short plot): a row with no name cannot be read. The columns
    # stay level, wrapped onto lines, so they do not slant up into the subtitle.
    fig.update_yaxes(autorange="reversed", showgrid=False, ticks="", tickmode="array",
                     tickvals=rows, ticktext=rows,
                     tickfont=dict(size=18) if large else None)
    fig.update_xaxes(side="top", showgrid=False, ticks="", tickmode="array", tickvals=columns,
                     ticktext=[wrap(str(c), 12) for c in columns],
                     tickangle=0)
    # The room above the plot for the title and the column labels is room_for_title's.
    fig.update_layout(height=(320 if large else 240) + 44 * len(rows), plot_bgcolor="#f0f0f0")
    # Nothing is drawn under the plot: no room kept there for tick labels or an axis title
    # (large type keeps 90 px by default, 13% of a PDF page's height).
    return styled(fig, large=large).update_layout(margin_b=30)


def responses_figure(model: SurveyModel, table: pd.DataFrame, *,
                     large: bool = False) -> go.Figure:
    """Respondents per area, labelled with the response rate where the number invited is
    known; an area with fewer than the threshold shows "<5" and no bar."""
    fig = go.Figure()
    _title(fig, f"{model.survey.name}: responses by area", model.subtitle, large=large)
    if table.empty or not model.has_answers:
        return message_figure(fig, "No responses to this survey are held for this area.",
                               large=large)
    numbers = [r if isinstance(r, int) else None for r in table["respondents"]]
    labels = []
    for row, n in zip(table.itertuples(), numbers):
        rate = row.response_rate_percent
        label = str(row.respondents)
        if rate is not None and pd.notna(rate):
            label += f" ({rate:.0f}% of {row.invited} invited)"
        labels.append(label)
    custom = [[row.area, str(row.respondents),
               "not known" if row.invited is None or pd.isna(row.invited) else str(row.invited),
               _pct(row.response_rate_percent) or "not shown",
               "not shown" if row.ci_lower is None or pd.isna(row.ci_lower)
               else f"{row.ci_lower:.0f}% to {row.ci_upper:.0f}%", row.note or ""]
              for row in table.itertuples()]
    fig.add_trace(go.Bar(
        y=list(table["area"]), x=numbers, orientation="h", name="Respondents",
        marker=dict(color=PALETTE[0], line=dict(color="#333", width=0.5)),
        text=[lab if n is not None else "" for lab, n in zip(labels, numbers)],
        textposition="outside", cliponaxis=False, showlegend=False, customdata=custom,
        hovertemplate="<b>%{customdata[0]}</b><br>Respondents: %{customdata[1]}<br>"
                      "Invited: %{customdata[2]}<br>Response rate: %{customdata[3]} "
                      "(95% interval %{customdata[4]})<br>%{customdata[5]}<extra></extra>"))
    for area, n, label in zip(table["area"], numbers, labels):
        if n is None:  # suppressed: a word where the bar would be
            fig.add_annotation(x=0, y=area, text=label, showarrow=False, xanchor="left",
                               font=dict(size=18 if large else 13))
    top = max([n for n in numbers if n is not None] or [1])
    fig.update_xaxes(range=[0, top * 1.6], title="Respondents", showgrid=True,
                     gridcolor="#e0e0e0")
    fig.update_yaxes(autorange="reversed", showgrid=False, ticks="")
    fig.update_layout(height=(280 if large else 200) + 50 * len(table), hovermode="closest",
                      margin=dict(t=120 if large else 100))
    return styled(fig, large=large)
