"""Surveys: responses, answers and free text of one survey for the chosen area and its councils."""

import streamlit as st

from cjmetrics import export, ui
from cjmetrics.analysis import shorten
from cjmetrics.chart_registry import period_param
from cjmetrics.surveys import (
    TYPE_WORDS,
    build_survey,
    for_display,
    survey_choices,
    surveys_with_answers,
)

ui.ensure_entrypoint()


def keep_valid(key: str, options: list) -> None:
    """A choice left over from another survey or area is dropped, so the first option shows."""
    if key in st.session_state and st.session_state[key] not in options:
        del st.session_state[key]


with ui.guard():
    area = ui.chosen_area()
    choices = ui.cached(survey_choices)
    st.title("Surveys")
    if not choices:
        st.info("No survey definitions are held: run `python -m cjmetrics init` to load them.",
                icon=":material/info:")
        st.stop()
    answered = ui.cached(surveys_with_answers, area)
    ids = list(choices)
    ui.sync_from_url("survey", ids)  # links keep the survey: /surveys?survey=third_sector
    moved = st.session_state.get("_survey_area") not in (None, area)
    st.session_state["_survey_area"] = area
    if st.session_state.get("survey") not in ids or (
            moved and answered and st.session_state["survey"] not in answered):
        # A new area without answers to the survey shown: show one it has answers to.
        st.session_state["survey"] = answered[0] if answered else ids[0]
    left, right = st.columns([3, 1])
    survey_id = left.selectbox(
        "Survey", ids, key="survey", on_change=ui.remember("survey"),
        format_func=lambda s: choices[s] + ("" if s in answered else " (no answers here)"))
    ui.sync_to_url("survey", survey_id)
    # Read only: the very model the charts are drawn from (the one cache).
    model = ui.cached_shared(build_survey, survey_id, area, None)
    period = None  # the latest
    if len(model.periods) > 1:
        keep_valid("survey-period", model.periods)
        period = right.selectbox("When", model.periods, index=len(model.periods) - 1,
                                 key="survey-period")
        model = ui.cached_shared(build_survey, survey_id, area, period)
    elif model.period_label:
        right.markdown(f"**When**  \n{ui.plain(model.period_label)}")
    # The charts' parameters, which Add to deck stores: "latest" when the latest wave is
    # shown, so a saved deck shows the next wave's answers.
    spec = {"survey": survey_id, "area": area,
            "period": period_param(model.period_label, (model.periods or [None])[-1])}

    st.caption(ui.plain(f"{model.area_name}" + (
        " and its councils" if len(model.areas) > 1 else "")
        + f" · {model.survey.name} · source of the questions: {model.survey.source}"))
    if model.illustrative:
        st.warning(
            "**Illustrative answers.** Every answer here is invented demo data. "
            + ("The numbers of respondents are the real counts of the CJVSF *Strengthening "
               "Engagement Transition Project* final report; how Ayrshire's "
               "respondents split between its councils is invented, as is every number invited."
               if "strengthening engagement transition project" in model.sources.lower() else ""),
            icon=":material/science:")
    st.caption(f":material/visibility_off: Counts below {model.threshold} are shown as "
               f"\"<{model.threshold}\", and no share, interval or bar is given for them. "
               "An admin can change this number with the Settings template on the Upload "
               "page.")

    with st.expander("The survey's questions", icon=":material/list_alt:"):
        # One block of text: an element per question adds up for the browser.
        st.markdown("\n\n".join([ui.plain(model.survey.description)] + [
            f"**{ui.plain(q.number)}** {ui.plain(q.text)} "
            f"*({ui.plain(TYPE_WORDS.get(q.type, q.type))})*"
            for q in model.questions.itertuples()]))

    if not model.has_answers:
        st.info(f"No answers to the {model.survey.name} are held for {model.area_name}. "
                "Upload them with the survey answers template on the Upload page (one row per "
                "respondent and question), and the number invited with the survey invitations "
                "template.", icon=":material/info:")
        st.stop()

    st.subheader("Responses")
    ui.chart_card("survey_responses", spec, key="survey-responses")

    questions = model.choice_questions()
    if questions:
        st.subheader("Answers")
        keep_valid("question", questions)
        ui.sync_from_url("question", questions)
        question_id = st.selectbox(
            "Question", questions, key="question", on_change=ui.remember("question"),
            format_func=lambda q: shorten(model.question_label(q), 90))
        ui.sync_to_url("question", question_id)
        q = model.question(question_id)
        st.markdown(f"**{ui.plain(q['number'])}** {ui.plain(q['text'])} "
                    f"*({ui.plain(TYPE_WORDS.get(q['type'], q['type']))})*")
        if q["type"] == "matrix":
            names = dict(model.areas)
            # Keyed by the sidebar area: another area's box would keep showing its own choice.
            matrix_key = f"survey-matrix-area-{area}"
            keep_valid(matrix_key, list(names))
            shown_area = st.selectbox("Area for the matrix", list(names), format_func=names.get,
                                      key=matrix_key)
            ui.chart_card("survey_matrix", {**spec, "question": question_id,
                                            "matrix_area": shown_area}, key="survey-matrix")
        else:
            ui.chart_card("survey_answers", {**spec, "question": question_id},
                          key="survey-distribution")
        if q["type"] == "likert" and len(model.likert_questions()) > 1:
            ui.chart_card("survey_statements", spec, key="survey-statements")
        if q["type"] == "multiple":
            st.caption("Respondents could tick more than one answer, so the shares add up to "
                       "more than 100%; each bar shows the share who ticked each answer.")

    texts = model.free_text_questions()
    if texts:
        st.subheader("Free-text answers")
        keep_valid("survey-text-question", texts)
        text_id = st.selectbox("Free-text question", texts, key="survey-text-question",
                               format_func=lambda q: shorten(model.question_label(q), 90))
        search = st.text_input("Search the answers", key="survey-text-search",
                               placeholder="a word or phrase, e.g. funding")
        answers = model.free_text(text_id, search)
        st.caption(f"{len(answers)} answer{'s' if len(answers) != 1 else ''}"
                   + (f" containing \"{ui.plain(search.strip())}\"" if search.strip() else ""))
        # A dataframe shows every cell as plain text: no markdown, links or HTML.
        st.dataframe(for_display(answers), hide_index=True, width="stretch",
                     column_config={"Answer": st.column_config.TextColumn(width="large")})
        shown = for_display(answers)
        ui.recorded_download("Download these answers (CSV)", lambda: export.csv_bytes(shown),
                             file_name=f"{export.safe_stem(f'{area}-{survey_id}-{text_id}')}"
                                       "-answers.csv",
                             mime="text/csv", key="survey-text-csv", what="free-text answers")
