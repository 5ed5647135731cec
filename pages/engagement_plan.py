"""Engagement plan: the action plan, the National Standards and distance travelled."""

import streamlit as st

from cjmetrics import ui
from cjmetrics.engagement_plan import build_plan, build_stages

ui.ensure_entrypoint()


def card(chart: str, key: str) -> None:
    ui.chart_card(chart, {"area": ui.chosen_area()}, key=key)


with ui.guard():
    area = ui.chosen_area()
    # Read only: the very models the charts are drawn from (the one cache).
    plan, stages = ui.cached_shared(build_plan, area), ui.cached_shared(build_stages, area)
    st.title(f"Engagement plan: {plan.area_name}")
    st.caption("The engagement action plan (Inform, Consult or Engage; which communities; "
               "status; the National Standards for Community Engagement each activity "
               "addresses) and how far each service has travelled towards co-production.")
    if plan.council_names:
        st.caption(ui.plain(f"Includes the activities and services of its councils: "
                            f"{', '.join(plan.council_names)}."))
    if not plan.has_activities:
        st.info(f"No engagement activities are held for {plan.area_name} yet. Add them in the "
                "table at the foot of this page, or upload the engagement plan activities "
                "template on the Upload page.", icon=":material/info:")
    else:
        if plan.illustrative:
            st.warning("The plan holds **illustrative demo activities** (rows from the CJVSF "
                       "Strengthening Engagement Transition Project final report and West "
                       "Dunbartonshire's participation statement name their source).",
                       icon=":material/science:")
        counts = plan.activities["status"].value_counts()
        columns = st.columns(1 + len(plan.statuses))
        columns[0].metric("Activities", len(plan.activities))
        for column, status in zip(columns[1:], plan.statuses):
            column.metric(status, int(counts.get(status, 0)))
        card("plan_levels", "plan-levels")
        card("plan_status", "plan-status")
        st.subheader("National Standards for Community Engagement")
        thin = plan.thin_standards()
        if thin:
            st.warning(ui.plain(f"Thin: {', '.join(thin)}. Few activities in the plan address "
                                f"{'this standard' if len(thin) == 1 else 'these standards'}."),
                       icon=":material/warning:")
        card("plan_standards", "plan-standards")
        # Folds: a national plan has thousands of rows, which the browser would otherwise be
        # sent on every visit (and the editors redrawn) though nobody opened them.
        with ui.fold("The plan as a table", icon=":material/table:",
                     key="plan-table-open") as shown:
            if shown:
                st.dataframe(plan.table(), hide_index=True, width="stretch")

    st.subheader("Distance travelled towards co-production")
    if stages.placeholders:
        st.caption(ui.plain(
            "Stage names: the strategy names only stage 8 (co-production). Stages "
            f"{', '.join(map(str, stages.placeholders))} carry placeholder names: edit them "
            "under 'Edit the stage names' below."))
    if not stages.has_assessments:
        st.info(f"No service stage assessments are held for {stages.area_name}. Add them below "
                "or upload the service stages template.", icon=":material/info:")
    else:
        st.dataframe(stages.current().drop(columns=["Stage", "Target stage"]),
                     hide_index=True, width="stretch")
        card("plan_stages", "plan-stages")

    st.subheader("Edit")
    with ui.fold("Edit the engagement plan", icon=":material/edit_note:",
                 key="plan-activities-open") as shown:
        if shown:
            ui.edit_table(
                "engagement_activities", [area] + ui.area_tree().children(area),
                key="plan-activities",
                help="One row per activity. Several communities or standards: separate them with "
                     "semicolons (or use their numbers). Saving checks the table like an upload "
                     "and records it as an import you can undo on the Imports & history page.",
                column_config={
                    "area": st.column_config.TextColumn("Area", default=plan.area_name,
                                                        required=True),
                    "activity_id": st.column_config.TextColumn("Ref", required=True),
                    "activity": st.column_config.TextColumn("Activity", required=True,
                                                            width="large"),
                    "level": st.column_config.SelectboxColumn("Level", options=plan.levels,
                                                              required=True),
                    "communities": st.column_config.TextColumn(
                        "Focus communities", help="; ".join(
                            f"{i} {c}" for i, c in enumerate(plan.communities, 1))),
                    "status": st.column_config.SelectboxColumn("Status", options=plan.statuses,
                                                               required=True),
                    "start_period": st.column_config.TextColumn("Start", required=True,
                                                                help="e.g. 01/04/2024 or Apr 2024"),
                    "end_period": st.column_config.TextColumn("End"),
                    "standards": st.column_config.TextColumn(
                        "National Standards", help="; ".join(
                            f"{n} {s}" for n, s in zip(plan.standards["number"],
                                                       plan.standards["name"]))),
                    "attendance": st.column_config.NumberColumn("Attendance", min_value=0),
                })
    with ui.fold("Edit service stage assessments", icon=":material/edit_note:",
                 key="plan-stages-edit-open") as shown:
        if shown:
            ui.edit_table(
                "service_stages", [area] + ui.area_tree().children(area), key="plan-stages-edit",
                help="One row per service and assessment: the stage (1 to 8), the stretch target "
                     "stage and when it should be met.",
                column_config={
                    "area": st.column_config.TextColumn("Area", default=stages.area_name,
                                                        required=True),
                    "stage": st.column_config.NumberColumn("Stage", min_value=1, max_value=8,
                                                           step=1, required=True),
                    "target_stage": st.column_config.NumberColumn("Stretch target", min_value=1,
                                                                  max_value=8, step=1)})
    with ui.fold("Edit the stage names", icon=":material/edit_note:",
                 key="plan-stage-names-open") as shown:
        if shown:
            ui.edit_table("stage_names", None, key="plan-stage-names",
                          help="The names of the 8 stages of the distance-travelled scale, for "
                               "every area. Stage 8 is co-production.",
                          column_config={"stage": st.column_config.NumberColumn(
                              "Stage", disabled=True)})
