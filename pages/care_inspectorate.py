"""Care Inspectorate: the chosen area's quality-indicator self-evaluations over time."""

import streamlit as st

from cjmetrics import ui
from cjmetrics.care_inspectorate import build_quality

ui.ensure_entrypoint()

# The arrow and the words carry the change; colour only repeats it.
DELTA = {"up": ("up", "green"), "down": ("down", "red")}


def card(qi) -> None:
    # The title is written above the metric so a long one wraps instead of being cut short.
    with st.container(border=True, height="stretch"):
        st.markdown(f"**{ui.plain(qi.number)}** {ui.plain(qi.title)}")
        latest = qi.latest
        if latest is None:
            st.metric(ui.label(qi.title), "Not evaluated yet", label_visibility="collapsed")
            st.caption("No self-evaluation held for this quality indicator.")
            return
        arrow, colour = DELTA.get(qi.change, ("off", "gray"))
        st.metric(ui.label(qi.title), latest.grade_text, delta=qi.delta_text, delta_arrow=arrow,
                  delta_color=colour, label_visibility="collapsed")
        previous = f" · previous {qi.previous.date_label}" if qi.previous else ""
        st.caption(ui.plain(f"Evaluated {latest.date_label}{previous}"))


def grid(items, columns: int = 3) -> None:
    for start in range(0, len(items), columns):
        for column, item in zip(st.columns(columns), items[start:start + columns]):
            with column:
                card(item)


def answers(qi) -> None:
    latest = qi.latest
    label = f"{qi.label} · latest {latest.grade_text}, {latest.date_label}"
    # One block of text per quality indicator, evaluations divided by a rule: an element per
    # answer made a hundred elements for the browser to lay out.
    evaluations = ["\n\n".join(
        [f"**{ui.plain(evaluation.date_label)} · {ui.plain(evaluation.grade_text)}**"]
        + [f"**{ui.plain(question)}** {ui.plain(answer) if answer else '*Not recorded.*'}"
           for question, answer in evaluation.answers]) for evaluation in qi.newest_first]
    with st.expander(ui.plain(label), icon=":material/forum:"):
        st.markdown("\n\n---\n\n".join(evaluations))


with ui.guard():
    area = ui.chosen_area()
    model = ui.cached(build_quality, area)
    st.title(f"Care Inspectorate self-evaluation: {ui.plain(model.area_name)}")
    st.caption("The partnership grades itself on the Care Inspectorate's quality indicators, "
               "answering three questions each time: *How are we doing? How do we know? What "
               "are we going to do next?*")
    st.markdown(f"**The six-point scale:** {ui.plain(model.scale_text)}")
    if not model.has_evaluations:
        st.info("No quality-indicator self-evaluations are held for "
                f"{ui.plain(model.area_name)} yet. "
                "Add one in the table below, or upload the quality-indicator evaluations "
                "template on the Upload page.", icon=":material/info:")
    else:
        if model.illustrative:
            st.warning("These are **illustrative demo grades**, not real self-evaluations.",
                       icon=":material/science:")
        st.subheader("Latest grade per quality indicator")
        grid(model.indicators)
        st.subheader("Grades over time")
        ui.chart_card("qi_grades", {"area": area}, key="qi-grades",
                      label=f"Care Inspectorate grades: {model.area_name}")
        st.subheader("How are we doing? How do we know? What are we going to do next?")
        st.caption("Each evaluation's answers, newest first.")
        for qi in model.evaluated:
            answers(qi)
        if model.not_evaluated:
            st.caption("Not evaluated yet: " + "; ".join(ui.plain(qi.label)
                                                          for qi in model.not_evaluated))

    st.subheader("Edit evaluations")
    grades = [f"{grade} {word}" for grade, word in sorted(model.scale.items(), reverse=True)]
    ui.edit_table(
        "qi_evaluations", [area], key="qi-evaluations",
        help="Add a row for a new evaluation (quality indicator number, area, date, grade and "
             "the three answers) or correct one, then save: it is checked like an upload and "
             "can be undone on the Imports & history page.",
        column_config={
            "quality_indicator": st.column_config.SelectboxColumn(
                "Quality indicator", options=[qi.number for qi in model.indicators],
                required=True),
            "area": st.column_config.TextColumn("Area", default=model.area_name,
                                                required=True),
            "period": st.column_config.TextColumn(
                "Date", required=True, help="When the evaluation took place, e.g. 2 Jun 2025"),
            "grade": st.column_config.SelectboxColumn("Grade", options=grades, required=True),
            "how_are_we_doing": st.column_config.TextColumn("How are we doing?"),
            "how_do_we_know": st.column_config.TextColumn("How do we know?"),
            "what_next": st.column_config.TextColumn("What are we going to do next?"),
            "source": st.column_config.TextColumn("Source"),
        })
