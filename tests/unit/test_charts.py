"""Trend charts: what a partnership sees on screen and on a slide.

One line per area, distinguishable without colour; the confidence band for the survey
indicator; baseline-to-target and notes; a title and subtitle that say what, where and from
which source; and a large-type variant for presenting."""

from __future__ import annotations

import itertools

import plotly.io as pio
import pytest

from cjmetrics.charts import COMPARATOR_COLOUR, trend_figure
from cjmetrics.trends import build_trend

from demo_csv import AYRSHIRE, GLASGOW, SCOTLAND, WEST_DUNBARTONSHIRE, demo, figures, indicator

COMPLETED = "ndo1_diversion_completed"  # count, with a target and a note for Glasgow
SENTENCES = "ndo4_community_sentences_completed"  # percent
NDO9 = "ndo9_agree_community_sentence"  # long name, intervals, Scotland only
ABERDEEN = "S12000033"  # a council with no demo figures


def area_lines(fig):
    return [t for t in fig.data if t.mode == "lines+markers" and "baseline to target"
            not in t.name]


def trace_named(fig, text):
    matches = [t for t in fig.data if text in t.name]
    assert len(matches) == 1, [t.name for t in fig.data]
    return matches[0]


def plain(text: str) -> str:
    return text.replace("<br>", " ")


def test_one_line_per_area_with_scotland_last(demo_store):
    trend = build_trend(demo_store, SENTENCES, [GLASGOW, AYRSHIRE, WEST_DUNBARTONSHIRE])
    fig = trend_figure(trend)

    lines = area_lines(fig)
    assert [t.name for t in lines] == ["Glasgow City", "Community Justice Ayrshire Partnership",
                                       "West Dunbartonshire", "Scotland"]
    glasgow = figures(SENTENCES, GLASGOW).sort_values("period")
    assert list(lines[0].y) == pytest.approx(list(glasgow["value"]))
    assert lines[-1].line.color == COMPARATOR_COLOUR


def test_areas_differ_in_colour_and_also_in_dash_and_marker(demo_store):
    trend = build_trend(demo_store, SENTENCES, [GLASGOW, AYRSHIRE, WEST_DUNBARTONSHIRE])
    lines = area_lines(trend_figure(trend))

    assert len(lines) == 4
    for a, b in itertools.combinations(lines, 2):
        assert a.line.color != b.line.color, (a.name, b.name)
        # in greyscale or on a washed-out projector the lines still differ
        assert a.line.dash != b.line.dash, (a.name, b.name)
        assert a.marker.symbol != b.marker.symbol, (a.name, b.name)


def test_ndo9_has_a_filled_band_between_the_interval_bounds(demo_store):
    fig = trend_figure(build_trend(demo_store, NDO9, [SCOTLAND]))
    rows = figures(NDO9, SCOTLAND).sort_values("period")

    band = trace_named(fig, "95% interval")
    assert band.fill == "toself"
    assert list(band.y) == pytest.approx(list(rows["upper"]) + list(rows["lower"])[::-1])
    [line] = [t for t in area_lines(fig) if t.name == "Scotland"]  # inside its band
    assert all(lo <= v <= hi for v, lo, hi in zip(line.y, rows["lower"], rows["upper"]))


def test_a_count_without_intervals_has_no_band(demo_store):
    fig = trend_figure(build_trend(demo_store, COMPLETED, [GLASGOW]))
    assert not [t for t in fig.data if t.fill == "toself"]


def test_the_target_is_drawn_from_baseline_to_target_in_the_area_colour(demo_store):
    targets = demo("targets").query("indicator_id == @COMPLETED and area_code == @GLASGOW")
    target = targets.iloc[0]

    # Aberdeen City (no figures) is picked first: Glasgow's target must still match its line
    fig = trend_figure(build_trend(demo_store, COMPLETED, [ABERDEEN, GLASGOW]))

    trace = trace_named(fig, "Glasgow City: baseline to target")
    assert list(trace.y) == pytest.approx([target["baseline_value"], target["target_value"]])
    assert list(trace.text) == [f"Baseline {target['baseline_period']}",
                                f"Target {target['target_period']}"]
    [glasgow_line] = [t for t in area_lines(fig) if t.name == "Glasgow City"]
    assert trace.line.color == glasgow_line.line.color


def test_baseline_and_target_labels_read_through_lines_and_do_not_stack(demo_store):
    """On a crowded chart a line running through "Baseline Mar 2020" made it unreadable, and
    two areas' targets at one period sat on each other."""
    areas = ["S12000021", "S12000028"]  # North and South Ayrshire: two open-rate targets
    fig = trend_figure(build_trend(demo_store, "eng_newsletter_open_rate", areas))
    labels = list(fig.layout.annotations)
    targets = sorted((a for a in labels if a.text.startswith("Target")), key=lambda a: a.y)
    assert len(targets) == 2 and targets[0].x == targets[1].x
    # each on a pale ground that masks the lines under it, in its area's colour
    assert len(labels) == 4
    assert all(a.bgcolor and "255, 255, 255" in a.bgcolor for a in labels)
    lines = {t.name: t.line.color for t in area_lines(fig)}
    assert {a.font.color for a in targets} == set(lines.values())
    # the lower target's words go under its point, the higher one's over it: apart
    assert (targets[0].yanchor, targets[0].yshift) == ("top", -8)
    assert (targets[1].yanchor, targets[1].yshift) == ("bottom", 8)
    # a baseline's words run right of its point, a target's left: inside the plot
    assert {a.xanchor for a in labels if a.text.startswith("Baseline")} == {"left"}
    assert {a.xanchor for a in targets} == {"right"}


def test_a_series_of_editions_is_cited_once_in_the_subtitle(demo_store):
    from cjmetrics.charts import cited, subtitle

    sources = ("Illustrative demo data - not official statistics; "
               "Scottish Government: Reconviction Rates in Scotland: 2012-13 Offender Cohort "
               "(31 March 2015); Scottish Government: Reconviction Rates in Scotland: 2020-21 "
               "Offender Cohort (2020-21 cohort edition); National Records of Scotland: Mid-2019 "
               "Population Estimates Scotland (30 April 2020)")
    assert cited(sources) == (
        "Illustrative demo data - not official statistics; Scottish Government: Reconviction "
        "Rates in Scotland, 2 editions (2012-13 Offender Cohort to 2020-21 Offender Cohort); "
        "National Records of Scotland: Mid-2019 Population Estimates Scotland (30 April 2020)")
    assert cited("Care Inspectorate") == "Care Inspectorate" and cited("") == ""
    # the demo store's reconviction chart holds four editions; its table keeps each one
    data = build_trend(demo_store, "cjpf_reconviction_rate", ["S12000008"])
    assert "Reconviction Rates in Scotland, 4 editions (2012-13 Offender Cohort to 2020-21 " \
        "Offender Cohort)" in subtitle(data)
    assert data.table()["Source"].str.contains("2015-16 Offender Cohort").any()


def test_no_target_trace_without_a_target(demo_store):
    targets = demo("targets")
    assert targets.query("indicator_id == 'ndo1_diversion_assessments'").empty
    fig = trend_figure(build_trend(demo_store, "ndo1_diversion_assessments", [GLASGOW]))
    assert not [t for t in fig.data if "baseline to target" in t.name]


def test_notes_are_marked_on_the_chart(demo_store):
    notes = demo("annotations").query("indicator_id == @COMPLETED and area_code == @GLASGOW")
    assert len(notes) >= 1

    fig = trend_figure(build_trend(demo_store, COMPLETED, [GLASGOW]))

    markers = trace_named(fig, "Notes")
    assert len(markers.x) == len(notes)
    assert list(markers.text) == [str(i + 1) for i in range(len(notes))]
    assert [row[2] for row in markers.customdata] == list(notes["text"])
    assert min(markers.y) > max(area_lines(fig)[0].y)  # above the line, not on it


def test_no_note_markers_without_notes(demo_store):
    assert demo("annotations").query(
        "indicator_id == @SENTENCES and area_code == @GLASGOW").empty
    fig = trend_figure(build_trend(demo_store, SENTENCES, [GLASGOW]))
    assert not [t for t in fig.data if t.name.startswith("Notes")]


@pytest.mark.parametrize("indicator_id", [COMPLETED, NDO9])
def test_the_title_is_the_indicator_name_and_the_subtitle_says_where_and_from_what(
        demo_store, indicator_id):
    area = SCOTLAND if indicator_id == NDO9 else GLASGOW
    fig = trend_figure(build_trend(demo_store, indicator_id, [area]))
    name = indicator(indicator_id)["name"]

    assert plain(fig.layout.title.text) == name
    subtitle = plain(fig.layout.title.subtitle.text)
    assert ("Scotland" if area == SCOTLAND else "Glasgow City") in subtitle
    sources = set(figures(indicator_id, area)["source"])
    assert all(f"Source: {s}" in subtitle or s in subtitle for s in sources)
    periods = sorted(figures(indicator_id, area)["period"])
    assert f"{periods[0]} to {periods[-1]}" in subtitle


def test_a_long_title_is_wrapped(demo_store):
    name = indicator(NDO9)["name"]
    assert len(name) > 70
    fig = trend_figure(build_trend(demo_store, NDO9, [SCOTLAND]))
    assert "<br>" in fig.layout.title.text
    assert all(len(part) <= 70 for part in fig.layout.title.text.split("<br>"))


def test_the_large_variant_uses_bigger_type_for_presenting(demo_store):
    trend = build_trend(demo_store, SENTENCES, [GLASGOW])
    normal, large = trend_figure(trend), trend_figure(trend, large=True)
    template = pio.templates["cjmetrics"].layout

    normal_font = normal.layout.font.size or template.font.size
    normal_title = normal.layout.title.font.size or template.title.font.size
    assert large.layout.font.size > normal_font
    assert large.layout.title.font.size > normal_title
    assert large.layout.height > normal.layout.height
    assert plain(large.layout.title.text) == plain(normal.layout.title.text)
    assert large.layout.title.subtitle.text  # the subtitle survives the large template
    assert all(t.line.width > 2.5 for t in area_lines(large))
