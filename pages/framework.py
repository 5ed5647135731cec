"""Performance Framework: the 9 national outcomes as a scorecard for the chosen area."""

import streamlit as st

from cjmetrics import ui
from cjmetrics.framework import build_scorecard

ui.ensure_entrypoint()

TRENDS = "pages/trends.py"
EDITORS = [
    ("Targets", "targets", True,
     "One row per indicator: baseline and target. Raise or lower a target and the status on the "
     "cards follows; add a row to set a target for another indicator."),
    ("Self-assessments", "self_assessments", True,
     "The partnership's score for each outcome at a session (outcome number, date, score). Add "
     "rows for a new session."),
    ("Priorities", "priority_outcomes", True,
     "Write yes against the outcomes the improvement plan names as priorities, no otherwise."),
    ("Evidence notes", "evidence_notes", True,
     "Local evidence for an Improvement Tool item (its number or wording), with the month it "
     "happened."),
    ("Indicator wording and bands", "indicator_edits", False,
     "Correct an indicator's wording, give it its own status bands (e.g. 95% and 85%), or add a "
     "local indicator with a new id. Applies to every area."),
    ("Default status bands", "settings", False,
     "rag_green and rag_amber: the share of target at which an indicator is on track or close "
     "(1.0 and 0.9 unless changed). Applies to every area."),
]


def note(text: str) -> str:
    """Markdown for a line in caption style, so one markdown element holds a whole block: the
    page drew about 80 markdown elements, which took the browser longer than anything else."""
    return f":gray[:small[{text}]]"


def indicator_line(t) -> None:
    """One indicator of an outcome card: figure, status, direction, change and a trend link."""
    if not t.has_data:
        # A parent's figure is named as theirs, with no status or direction of its own.
        st.markdown(f"{ui.plain(t.title)}  \n**–** &nbsp; {ui.rag_badge('none', 'No figures')}"
                    "  \n" + note(ui.plain(t.area_note) if t.reference is not None
                                   else "No figures yet for this area."))
    else:
        arrow = f"{t.direction.arrow}\u00a0{t.direction.word}" if t.direction else ""
        details = " · ".join(ui.plain(d) for d in (t.previous_text, t.target_text) if d)
        st.markdown(f"{ui.plain(t.title)}  \n**{ui.plain(t.latest_text)}** "
                    f"({ui.plain(t.latest_label)}) &nbsp; {ui.rag_badge(t.rag, t.rag_label)} "
                    f"&nbsp; {ui.plain(arrow)}" + (f"  \n{note(details)}" if details else ""))
    st.page_link(TRENDS, label="See the trend", icon=":material/show_chart:",
                 query_params={"indicator": t.indicator_id})


def outcome_card(card, scale) -> None:
    with st.container(border=True):
        badge = " &nbsp; :orange-badge[★ Priority]" if card.priority else ""
        lines = [note(ui.plain(card.title))]
        if card.priority and card.priority_note:
            lines.append(note(f"Improvement plan: {ui.plain(card.priority_note)}"))
        latest = card.latest_score
        if latest is None:
            score = "Self-assessment: no score yet"
        else:
            change = card.score_change_text()
            score = (f"Self-assessment: **{ui.plain(card.score_text(scale))}**  \n"
                     f"{ui.plain(latest.period_label)}"
                     + (f" · {ui.plain(change)}" if change else ""))
        st.markdown(f"#### {ui.plain(card.heading)}{badge}\n\n" + "  \n".join(lines)
                    + f"\n\n{score}")
        st.divider()
        for t in card.tiles:
            indicator_line(t)
        if not card.tiles:
            st.caption("No indicator is set for this outcome yet: add one under Edit.")


def higher_level_card(t) -> None:
    with st.container(border=True):
        st.markdown("#### Higher-level indicator")
        st.caption("The framework's indicator of its outcomes as a whole.")
        indicator_line(t)


def grid(items, render, columns: int = 3) -> None:
    for start in range(0, len(items), columns):
        for column, item in zip(st.columns(columns), items[start:start + columns]):
            with column:
                render(item)


with ui.guard():
    area = ui.chosen_area()
    scorecard = ui.cached(build_scorecard, area)
    st.title(f"Performance Framework: {ui.plain(scorecard.area_name)}")
    st.caption("The 9 nationally determined outcomes of the Community Justice Performance "
               f"Framework for {ui.plain(scorecard.area_name)}: where each indicator stands "
               "against the area's target, which way it is moving, how the partnership scored "
               "itself at its self-assessment sessions, and which outcomes its improvement "
               "plan prioritises (★).")
    if not scorecard.has_own_figures:
        st.info(f"No figures are held for {ui.plain(scorecard.area_name)} yet. Load them on "
                "the Upload page; national figures are shown where one is held, labelled as such.",
                icon=":material/info:")
    elif scorecard.illustrative:
        st.warning("These are **illustrative demo figures**, not official statistics.",
                   icon=":material/science:")
    st.markdown(f"**Status against target.** {ui.plain(scorecard.rag_legend)}")
    if scorecard.own_bands:
        st.caption("Indicators with their own bands: "
                   + " ".join(ui.plain(note) for note in scorecard.own_bands))

    st.subheader("National outcomes")
    grid(scorecard.outcomes, lambda c: outcome_card(c, scorecard.scale))
    if scorecard.higher_level:
        grid(scorecard.higher_level, higher_level_card)

    st.subheader("Self-assessment over time")
    if scorecard.has_scores:
        ui.chart_card("self_assessment", {"area": area}, key="self-assessment",
                      label=f"Self-assessment scores: {scorecard.area_name}")
    else:
        st.info(f"No self-assessment scores are held for {ui.plain(scorecard.area_name)} yet. "
                "Add them under Edit below, or upload the self-assessments template.",
                icon=":material/info:")

    st.subheader("National Strategy for Community Justice")
    st.caption("The strategy's 4 aims and 13 priority actions, with the national outcomes each "
               "action serves (★: a priority of this area's improvement plan). The mapping is "
               "editable in the catalogue.")
    for number, aim in enumerate(scorecard.aims, 1):
        with ui.fold(ui.plain(aim.label), key=f"framework-aim-{number}") as shown:
            if shown:
                st.markdown(ui.plain(aim.title))
                st.dataframe(aim.table(scorecard.priorities), hide_index=True, width="stretch")

    st.subheader("Improvement Tool: local evidence")
    for item in scorecard.evidence:  # each item with its notes as one block of text
        outcome = f" (outcome {item.outcome_number})" if item.outcome_number else ""
        lines = []
        for entry in item.notes.itertuples():
            line = f"- **{ui.plain(entry.Date)}** · {ui.plain(entry.Evidence)}"
            if isinstance(entry.Source, str) and entry.Source:
                line += f" :gray[({ui.plain(entry.Source)})]"
            lines.append(line)
        st.markdown("\n\n".join([f"**{item.number}\\.** {ui.plain(item.text)}{outcome}"]
                                  + (["\n".join(lines)] if lines else [note(
                                      f"No evidence notes for {ui.plain(scorecard.area_name)} "
                                      "yet.")])))

    st.subheader("Edit")
    # One editor at a time: only the open fold's chosen tab is drawn (six grids sent on every
    # visit took the browser about a second to lay out).
    with ui.fold("Edit targets, self-assessments, priorities, evidence and indicator wording",
                 icon=":material/edit:", key="framework-edit") as shown:
        if shown:
            st.caption("Each save is checked like an upload and recorded as an import: it "
                       "appears on the Imports & history page and can be undone there.")
            editors = {label: rest for label, *rest in EDITORS}
            with ui.tab_fold(list(editors), key="framework-edit-tab") as label:
                kind, per_area, help_text = editors[label]
                ui.edit_table(kind, [area] if per_area else None,
                              key=f"framework-{kind}", help=help_text)
