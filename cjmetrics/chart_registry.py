"""The chart registry: every chart of every page, slideshow and export, by name + parameters.

A chart is `build(store, name, params, large=False) -> ChartView`: the figure, the table behind
it, a title naming area and period, a subtitle (area, period, source), the one-sentence summary
and the demo flag. Pages draw each chart through it (ui.chart_card), Add to deck stores the same
name and parameters, and the slideshow and every export (PNG, SVG, PPTX, PDF, HTML, CSV, XLSX)
rebuild from them, so all show the same chart. Page models (trends, comparison, surveys...)
give plain data; only this module and the figure builders (charts, survey_charts,
engagement_charts) know plotly.

Parameters are plain JSON (a deck saves them). A `period` of "latest" follows the newest period
held (like Trends' open-ended range): a deck saved while looking at the latest quarter or survey
wave shows next quarter's or next wave's figures. A named period stays that period. Survey
charts are built from the model's suppressed tables only (cjmetrics.surveys), so every page,
slide and file keeps small-number suppression.
"""

from __future__ import annotations

from typing import Callable

from . import memo

# The one record of a chart lives with the template every figure builder uses; it is named here
# too, as the registry's answer.
from .charts import SOURCE_MARK, ChartView, styled, view_from_figure, wrap  # noqa: F401
from .errors import CjmetricsError, DeckUnusable
from .store import Store

# -- the registry ---------------------------------------------------------------------------
CHARTS: dict[str, tuple[str, Callable[..., ChartView]]] = {}
LATEST = "latest"


def register(name: str, fn: Callable[..., ChartView], label: str | None = None) -> None:
    """`fn(store, *, large=False, **params) -> ChartView` as the chart NAME. `label` names the
    kind of chart in the deck list."""
    CHARTS[name] = (label or name.replace("_", " ").capitalize(), fn)


def build(store: Store, name: str, params: dict | None = None, *,
          large: bool = False) -> ChartView:
    """The chart NAME with PARAMS, built from the store's figures now. `large` is the
    slideshow's large-type variant."""
    if name not in CHARTS:
        raise DeckUnusable(f"'{name}' is not a chart this cjmetrics knows: remove the slide, "
                           "or update cjmetrics.")
    return CHARTS[name][1](store, large=large, **(params or {}))


def period_param(chosen: str, latest: str | None) -> str:
    """What a page passes as `period`: "latest" when the user is looking at the latest period,
    so the saved deck moves on with the data; the period's label otherwise."""
    return LATEST if chosen is not None and chosen == latest else chosen


def _model(store: Store, build_model: Callable, *args):
    """A page model through the one cache, so a page and its charts share one built model."""
    return memo.remembered(store, build_model, *args)


# -- trends, comparison, framework, Care Inspectorate -----------------------------------------
def _trend(store: Store, *, indicator: str, areas: list[str], start: str | None = None,
           end: str | None = None, compare: bool = True, period_type: str | None = None,
           large: bool = False) -> ChartView:
    from .charts import trend_figure
    from .trends import build_trend

    data = _model(store, build_trend, indicator, list(areas), start, end, compare, period_type)
    view = view_from_figure(trend_figure(data, large=large), data.table(),
                            summary=data.summary(), file_stem=f"{indicator}-trend")
    view.notes = [f"{n}. {note.period_label}, {note.area_name}: {note.text}"
                  for n, note in enumerate(data.annotations.itertuples(), start=1)]
    return view


def _comparison(store: Store, indicator: str, areas: list[str], scotland: bool,
                per_10000: bool, period_type: str | None):
    from .comparison import build_comparison

    return _model(store, build_comparison, indicator, list(areas), scotland, per_10000,
                  period_type)


def _ranked(store: Store, *, indicator: str, areas: list[str], scotland: bool = True,
            per_10000: bool = True, period_type: str | None = None,
            large: bool = False) -> ChartView:
    from .charts import ranked_bar_figure

    data = _comparison(store, indicator, areas, scotland, per_10000, period_type)
    return view_from_figure(ranked_bar_figure(data, large=large), data.table(),
                            summary=data.summary(), file_stem=f"{indicator}-ranked")


def _areas_over_time(store: Store, *, indicator: str, areas: list[str], scotland: bool = True,
                     per_10000: bool = True, period_type: str | None = None,
                     large: bool = False) -> ChartView:
    from .charts import trend_figure

    data = _comparison(store, indicator, areas, scotland, per_10000, period_type).trend
    return view_from_figure(trend_figure(data, large=large), data.table(),
                            summary=data.summary(), file_stem=f"{indicator}-areas-over-time")


def _self_assessment(store: Store, *, area: str, end: str | None = None,
                     large: bool = False) -> ChartView:
    """The area's self-assessment scores; with `end` (a period, as a meeting pack's "figures
    to"), only the sessions held by the end of that period."""
    from .charts import self_assessment_figure
    from .framework import build_scorecard
    from .periods import parse_period

    card = _model(store, build_scorecard, area)
    if end is not None:
        card = card.sessions_up_to(parse_period(end).end)
    return view_from_figure(self_assessment_figure(card, large=large),
                            card.self_assessment_table(), summary=card.self_assessment_summary(),
                            file_stem=f"self-assessment-{area}")


def _qi_grades(store: Store, *, area: str, large: bool = False) -> ChartView:
    from .care_inspectorate import build_quality
    from .charts import grade_heatmap_figure

    model = _model(store, build_quality, area)
    return view_from_figure(grade_heatmap_figure(model, large=large), model.table(),
                            summary=model.summary(), file_stem=f"{area}-quality-indicator-grades")


register("trend", _trend, "Trend")
register("ranked", _ranked, "Areas ranked")
register("areas_over_time", _areas_over_time, "Areas over time")
register("self_assessment", _self_assessment, "Self-assessment scores")
register("qi_grades", _qi_grades, "Care Inspectorate grades")


def _two_line_periods(fig) -> bool:
    """The x axis reads periods written over two lines ("Q1<br>2024/25")."""
    firsts = [trace.x[0] for trace in fig.data
              if getattr(trace, "x", None) is not None and len(trace.x)]
    return any(isinstance(x, str) and "<br>" in x for x in firsts)


def _large(fig, large: bool):
    """The large-type variant of a figure the page builds without one: bigger type, and the
    title and subtitle re-wrapped to fit it. At normal size, two-line period labels get the
    same care: level, and the legend below them, so on a 1280 px screen they are not turned
    on end, clipped and run into the legend."""
    if not large:
        if _two_line_periods(fig):
            fig.update_xaxes(tickangle=0, tickfont=dict(size=12))
            if any(trace.showlegend is not False for trace in fig.data) and len(fig.data) > 1:
                fig.update_layout(legend=dict(yref="container", y=0.01, yanchor="bottom"),
                                  margin=dict(b=110))
        return fig
    title = fig.layout.title
    flat = " ".join(str(title.text or "").replace("<br>", " ").split())
    sub = title.subtitle.text if title.subtitle else ""
    sub = " ".join(str(sub or "").replace("<br>", " ").split())
    fig.update_layout(title=dict(text=wrap(flat, 45), subtitle=dict(text=wrap(sub, 75))))
    styled(fig, large=True)
    # Period labels are already on two lines: kept level (not turned on end and clipped),
    # and the legend sits at the foot of the figure, below them.
    fig.update_xaxes(tickangle=0, tickfont=dict(size=17))
    if any(trace.showlegend is not False for trace in fig.data) and len(fig.data) > 1:
        fig.update_layout(legend=dict(yref="container", y=0.01, yanchor="bottom"),
                          margin=dict(b=150))
    elif fig.layout.xaxis.title.text:  # room for the axis title under the large tick labels
        fig.update_layout(margin=dict(b=120))
    return fig


def _view(chart, large: bool) -> ChartView:
    """A ChartView of an engagement_charts.Chart."""
    return view_from_figure(_large(chart.figure, large), chart.table, summary=chart.summary,
                            file_stem=chart.file_stem)


# -- engagement reach ------------------------------------------------------------------------
def _reach(store: Store, area: str, grain: str, period: str) -> tuple:
    from .engagement import build_engagement

    model = _model(store, build_engagement, area, grain)
    if period == LATEST or period is None:
        start = model.latest
        if start is None:
            raise DeckUnusable(f"No engagement figures are held for {model.area_name} now. "
                            "Remove the slide, or upload the figures on the Upload page.")
        return model, start
    for start, label in model.periods:
        if label == period:
            return model, start
    raise DeckUnusable(f"No engagement figures for {period} are held for {model.area_name} now. "
                    "Remove the slide and add the chart again from the Engagement reach page.")


def engagement_channels(store: Store, *, area: str, indicator: str = "eng_social_reach",
                        grain: str = "quarter", period: str = LATEST,
                        large: bool = False) -> ChartView:
    from .engagement_charts import channel_mix

    model, start = _reach(store, area, grain, period)
    return _view(channel_mix(model, indicator, start), large)


def engagement_measures(store: Store, *, area: str, indicators: list[str], title: str = "",
                        grain: str = "quarter", period: str = LATEST,
                        large: bool = False) -> ChartView:
    from .engagement_charts import measures_over_time

    model, start = _reach(store, area, grain, period)
    indicators = [i for i in indicators if i in model.indicators]
    title = title or " and ".join(model.indicators[i]["short_name"] for i in indicators)
    return _view(measures_over_time(model, indicators, start, title), large)


def engagement_attendance(store: Store, *, area: str, grain: str = "quarter",
                          period: str = LATEST, large: bool = False) -> ChartView:
    from .engagement_charts import attendance_over_time

    model, start = _reach(store, area, grain, period)
    return _view(attendance_over_time(model, start), large)


# -- engagement plan ---------------------------------------------------------------------------
def _plan_chart(builder: str, stages: bool = False):
    def build(store: Store, *, area: str, large: bool = False) -> ChartView:
        from . import engagement_charts
        from .engagement_plan import build_plan, build_stages

        model = _model(store, build_stages if stages else build_plan, area)
        figure = getattr(engagement_charts, builder)
        return _view(figure(model, large=large) if stages else figure(model), large)
    return build


# -- surveys -----------------------------------------------------------------------------------
def _survey(store: Store, survey: str, area: str, period: str | None):
    from .surveys import build_survey

    try:
        model = _model(store, build_survey, survey, area,
                       None if period in (None, LATEST) else period)
    except DeckUnusable:
        raise
    except CjmetricsError as exc:  # e.g. the survey's definition was removed
        raise DeckUnusable(exc.user_message) from exc
    if not model.has_answers:  # e.g. the answers were undone since the deck was saved
        raise DeckUnusable(f"No answers to the {model.survey.name} are held for "
                        f"{model.area_name} now. Remove the slide, or upload the answers.")
    if period not in (None, LATEST) and model.period_label != period:
        raise DeckUnusable(f"No answers to the {model.survey.name} for {period} are held for "
                        f"{model.area_name} now. Remove the slide and add the chart again from "
                        "the Surveys page.")
    return model


def _survey_view(fig, table, summary: str, stem: str) -> ChartView:
    from .export import safe_stem
    from .surveys import for_display

    # The table is the suppressed one the page shows and downloads (counts as "<5" text).
    return view_from_figure(fig, for_display(table), summary=summary, file_stem=safe_stem(stem))


def survey_responses(store: Store, *, survey: str, area: str, period: str = LATEST,
                     large: bool = False) -> ChartView:
    from .survey_charts import responses_figure

    model = _survey(store, survey, area, period)
    table = model.responses_table()
    fig = responses_figure(model, table, large=large)
    if large:  # room for the axis title under the large tick labels
        fig.update_layout(margin=dict(b=120))
    return _survey_view(fig, table,
                        model.responses_summary(), f"{area}-{survey}-responses")


def survey_answers(store: Store, *, survey: str, area: str, question: str,
                   period: str = LATEST, large: bool = False) -> ChartView:
    """One question's answers by area: diverging bars for agree/disagree statements, stacked
    bars for a single choice, side-by-side bars for a multiple choice."""
    from .survey_charts import distribution_figure, diverging_figure

    model = _survey(store, survey, area, period)
    kind = model.question(question)["type"]
    table = model.distribution(question)
    figure = diverging_figure if kind == "likert" else distribution_figure
    return _survey_view(figure(model, question, table, large=large), table,
                        model.distribution_summary(question, table),
                        f"{area}-{survey}-{question}")


def survey_matrix(store: Store, *, survey: str, area: str, question: str, matrix_area: str,
                  period: str = LATEST, large: bool = False) -> ChartView:
    from .survey_charts import matrix_figure

    model = _survey(store, survey, area, period)
    table = model.matrix(question, matrix_area)
    return _survey_view(matrix_figure(model, question, table, large=large), table,
                        model.distribution_summary(question, table),
                        f"{area}-{survey}-{question}-{matrix_area}")


def survey_statements(store: Store, *, survey: str, area: str, period: str = LATEST,
                      large: bool = False) -> ChartView:
    from .survey_charts import statements_figure

    model = _survey(store, survey, area, period)
    table = model.statements(area)
    return _survey_view(statements_figure(model, area, table, large=large), table,
                        model.statements_summary(area, table), f"{area}-{survey}-statements")


register("engagement_channels", engagement_channels, "Engagement: by channel")
register("engagement_measures", engagement_measures, "Engagement: measures over time")
register("engagement_attendance", engagement_attendance, "Engagement: event attendance")
register("plan_levels", _plan_chart("level_community_heatmap"),
         "Engagement plan: levels and communities")
register("plan_status", _plan_chart("status_over_time"), "Engagement plan: status")
register("plan_standards", _plan_chart("standards_coverage"),
         "Engagement plan: National Standards")
register("plan_stages", _plan_chart("stages_figure", stages=True),
         "Engagement plan: distance travelled")
register("survey_responses", survey_responses, "Survey: responses")
register("survey_answers", survey_answers, "Survey: answers")
register("survey_matrix", survey_matrix, "Survey: matrix")
register("survey_statements", survey_statements, "Survey: statements")
