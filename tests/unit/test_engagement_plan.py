"""The engagement plan: the activities template and in-app edits (validated, undoable), counts
by level and community, status over time, National Standards coverage, and the
distance-travelled scale with placeholder stage names that can be renamed."""

from __future__ import annotations

from datetime import date

import pytest

from cjmetrics.editing import editable, save
from cjmetrics.engagement_charts import (
    level_community_heatmap,
    stages_figure,
    standards_coverage,
    status_over_time,
)
from cjmetrics.engagement_plan import build_plan, build_stages
from cjmetrics.ingest import commit, prepare

GLASGOW, AYRSHIRE, NORTH = "S12000049", "CJP-AYR", "S12000021"

PLAN = """area,activity_id,activity,level,communities,status,lead,purpose,start_period,end_period,standards,attendance,who_involved,learning_points
Glasgow,G-1,Focus groups with people on orders,Consult,1; 6,Complete,Ann,Views on unpaid work,01/05/2023,30/09/2023,Inclusion; 2; Impact,34,Turning Point Scotland,Evening sessions worked; Travel was a barrier
Glasgow,G-2,Public meetings,inform,Local communities impacted by offending,In progress,Bob,Understanding,Jun 2024,Mar 2026,Communication,120,Elected members,
Glasgow,G-3,Lived experience panel,Engage,People who have committed offences; Third sector organisations,not started,Cat,Co-design,01/04/2026,,Inclusion;Working together,,Families,
"""  # noqa: E501 - a template file as a lead would write it, one row a line


def load(store, text: str, kind: str = "engagement_activities"):
    prepared = prepare(store, text.encode(), "plan.csv", kind=kind)
    assert prepared.ok, prepared.problems.to_dict("records")
    return commit(store, prepared)


@pytest.fixture
def store(empty_store):
    load(empty_store, PLAN)
    return empty_store


def test_activities_template_reads_numbers_names_and_any_case(store):
    plan = build_plan(store, GLASGOW)
    rows = plan.activities.set_index("activity_id")
    assert rows.loc["G-1", "communities"] == ["People who have committed offences",
                                              "Other communities of interest"]
    assert rows.loc["G-1", "standards"] == ["Inclusion", "Support", "Impact"]
    assert rows.loc["G-2", "level"] == "Inform" and rows.loc["G-3", "status"] == "Not started"
    assert rows.loc["G-1", "when"] == "1 May 2023 to 30 Sep 2023"
    assert rows.loc["G-2", "end"] == date(2026, 3, 31)
    assert rows.loc["G-1", "learning_points"] == ["Evening sessions worked", "Travel was a barrier"]


def test_activities_template_explains_what_is_wrong(empty_store):
    bad = PLAN.replace("Consult,1; 6", "Consultation,1; 9").replace(
        "01/05/2023,30/09/2023", "01/05/2023,30/09/2022")
    prepared = prepare(empty_store, bad.encode(), "plan.csv", kind="engagement_activities")
    assert not prepared.ok
    problems = " ".join(prepared.problems["problem"])
    assert "Unknown engagement level 'Consultation'" in problems
    assert "Unknown community '9'" in problems
    assert "ends before it starts" in problems
    assert empty_store.engagement_activities(None).empty


def test_a_file_without_the_optional_columns_is_read(empty_store):
    # Seen by the random-file property test: a missing end column must not break the checks.
    load(empty_store, "area,activity_id,activity,level,status,start_period\n"
                      "Glasgow,G-9,Drop-in,Inform,Complete,2023/24\n")
    assert build_plan(empty_store, GLASGOW).activities["end"].tolist() == [date(2024, 3, 31)]


def test_counts_by_level_and_community(store):
    plan = build_plan(store, GLASGOW)
    assert plan.level_counts() == {"Inform": 1, "Consult": 1, "Engage": 1}
    table = plan.by_level_and_community().set_index(["Level", "Community"])["Activities"]
    assert table[("Consult", "Other communities of interest")] == 1
    assert table[("Engage", "Third sector organisations")] == 1
    assert table[("Inform", "Victims of crime")] == 0
    assert table.sum() == 5  # an activity counts once per community it focuses on
    chart = level_community_heatmap(plan)
    assert "Victims of crime" in chart.summary


def test_status_over_time_follows_the_dates(store):
    plan = build_plan(store, GLASGOW)
    table = plan.status_over_time(today=date(2024, 8, 1))
    at = {q: dict(zip(g["Status"], g["Activities"])) for q, g in table.groupby("Quarter")}
    assert at["Q1 2023/24"] == {"Not started": 2, "In progress": 1, "Complete": 0}
    assert at["Q2 2023/24"] == {"Not started": 2, "In progress": 0, "Complete": 1}
    assert at["Q2 2024/25"] == {"Not started": 1, "In progress": 1, "Complete": 1}
    assert max(table["quarter_end"]) == date(2024, 9, 30)
    assert status_over_time(plan, date(2024, 8, 1)).summary == (
        "At the end of Q2 2024/25: 1 not started, 1 in progress, 1 complete.")


def test_standards_coverage_marks_the_thin_ones(store):
    coverage = build_plan(store, GLASGOW).standards_coverage().set_index("Standard")
    assert len(coverage) == 7
    assert coverage.loc["Inclusion", "Activities"] == 2
    assert not coverage.loc["Inclusion", "Thin"]
    assert coverage.loc["Planning", "Activities"] == 0 and coverage.loc["Planning", "Thin"]
    assert coverage.loc["Impact", "Thin"]  # one activity only
    chart = standards_coverage(build_plan(store, GLASGOW))
    assert chart.summary.startswith("Thin: Support, Planning, Working together, Methods")


def test_an_edit_in_the_app_is_validated_saved_and_undoable(store):
    frame = editable(store, "engagement_activities", [GLASGOW])
    assert list(frame["activity_id"]) == ["G-1", "G-2", "G-3"]
    frame.loc[frame["activity_id"] == "G-2", "status"] = "Complete"
    bad = frame.copy()
    bad.loc[0, "level"] = "Shout"
    before = store.checksum()
    outcome = save(store, "engagement_activities", bad)
    assert outcome.result is None and "Unknown engagement level 'Shout'" in " ".join(
        outcome.prepared.problems["problem"])
    assert store.checksum() == before
    outcome = save(store, "engagement_activities", frame)
    assert outcome.result.rows_revised == 1 and outcome.result.rows_new == 0
    assert build_plan(store, GLASGOW).activities.set_index("activity_id").loc[
        "G-2", "status"] == "Complete"
    store.undo_import(outcome.result.import_id)
    assert build_plan(store, GLASGOW).activities.set_index("activity_id").loc[
        "G-2", "status"] == "In progress"


STAGES = """area,service,period,stage,target_stage,target_period
Glasgow,Unpaid work,2022/23,2,6,2026/27
Glasgow,Unpaid work,2023/24,4,6,2026/27
Glasgow,Throughcare,2023/24,8,8,2026/27
"""


def test_service_stages_current_history_and_target(store):
    load(store, STAGES, kind="service_stages")
    stages = build_stages(store, GLASGOW)
    current = stages.current().set_index("Service")
    assert current.loc["Unpaid work", "Current stage"] == "Stage 4"
    # Both stages read the same way: "Stage 2", not a bare 2 beside "Stage 4".
    assert current.loc["Unpaid work", "Previous stage"] == "Stage 2"
    assert current.loc["Unpaid work", "Stages to go"] == 2
    assert current.loc["Throughcare", "Current stage"] == "Stage 8: Co-production"
    assert stages.placeholders == [1, 2, 3, 4, 5, 6, 7]
    assert "1 at co-production" in stages.summary()
    figure = stages_figure(stages).figure
    assert list(figure.layout.xaxis.ticktext)[-1].replace("<br>", "") == "Stage 8:Co-production"
    # A row per service: where it started, where it is, and its stretch target.
    assert list(figure.layout.yaxis.categoryarray) == ["Throughcare", "Unpaid work"]
    marks = {t.name: dict(zip(t.y, t.x)) for t in figure.data if t.name}
    assert marks["First assessment"] == {"Unpaid work": 2}  # Throughcare: assessed once
    assert marks["Latest assessment"] == {"Throughcare": 8, "Unpaid work": 4}
    assert marks["Stretch target"] == {"Throughcare": 8, "Unpaid work": 6}
    legend = [t.name for t in figure.data if t.showlegend is not False]
    assert legend == ["First assessment", "Latest assessment", "Stretch target"]


def test_service_stages_outside_the_scale_are_refused(empty_store):
    prepared = prepare(empty_store, STAGES.replace(",4,6,", ",9,6,").encode(), "s.csv",
                       kind="service_stages")
    assert not prepared.ok
    assert any("outside the scale 1 to 8" in p for p in prepared.problems["problem"])


def test_stage_names_can_be_renamed_in_the_app(store):
    load(store, STAGES, kind="service_stages")
    names = editable(store, "stage_names", None)
    assert list(names["name"])[-1] == "Stage 8: Co-production"
    names.loc[names["stage"] == 4, "name"] = "Involved in planning"
    outcome = save(store, "stage_names", names)
    assert outcome.result is not None
    stages = build_stages(store, GLASGOW)
    assert stages.current().set_index("Service").loc["Unpaid work", "Current stage"] == \
        "Stage 4: Involved in planning"
    assert 4 not in stages.placeholders and 3 in stages.placeholders


def test_a_partnership_plan_includes_its_councils(demo_store):
    plan = build_plan(demo_store, AYRSHIRE)
    assert {NORTH, AYRSHIRE} <= set(plan.activities["area_code"])
    assert plan.council_names == ["East Ayrshire", "North Ayrshire", "South Ayrshire"]
    workshop = plan.activities.set_index("activity_id").loc["CJAP-2016-W"]
    assert workshop["attendance"] == 41
    assert workshop["source"].startswith("Criminal Justice Voluntary Sector Forum")


def test_an_empty_store_has_an_empty_plan(empty_store):
    plan = build_plan(empty_store, GLASGOW)
    assert not plan.has_activities
    assert standards_coverage(plan).table["Activities"].sum() == 0
    assert status_over_time(plan).table.empty
    assert not build_stages(empty_store, GLASGOW).has_assessments


def test_upload_preview_of_a_plan_names_areas_and_shows_old_beside_new(store):
    from cjmetrics.ingest.preview import change_table, first_indicator

    edited = PLAN.replace("Public meetings", "Public meetings in sector partnerships")
    prepared = prepare(store, edited.encode(), "plan.csv")  # recognised from its columns
    assert prepared.template.kind == "engagement_activities"
    revised = change_table(store, prepared, "revised")
    assert list(revised["area"]) == ["Glasgow City"]
    assert revised["activity"].iloc[0] == "Public meetings in sector partnerships"
    assert revised["activity (old)"].iloc[0] == "Public meetings"
    assert len(change_table(store, prepared, "unchanged")) == 2
    assert first_indicator(prepared) is None


def test_the_heatmap_writes_each_count_in_its_cell_without_a_colour_scale(demo_store):
    """The counts say what the shades say; a colour scale beside them only took room, and on a
    slide its title ran into its top count."""
    model = build_plan(demo_store, "CJP-AYR")
    heat = level_community_heatmap(model).figure.data[0]
    assert heat.type == "heatmap" and heat.showscale is False
    assert heat.texttemplate == "%{z}"
    table = model.by_level_and_community()
    assert sum(map(sum, heat.z)) == table["Activities"].sum() > 0
    assert heat.zmin == 0 and heat.zmax == table["Activities"].max()
