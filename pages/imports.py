"""Imports & history: every import, undo with a preview, and the revisions of any figure."""

import streamlit as st

from cjmetrics import ui
from cjmetrics.imports import (
    CURRENT,
    figure_choices,
    history_of_figure,
    import_log,
    undo_import,
    undo_preview,
)

ui.ensure_entrypoint()

# When an import was made, the same way in the log and in a figure's history: 3 Dec 2026, 15:11.
WHEN = st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm", width=130)


def undo(import_id: int) -> None:
    try:
        undo_import(ui.store(), import_id, who=ui.current_user())
        st.session_state["_undo_done"] = import_id
        # Nothing stays chosen after an undo, so a second click cannot undo another import.
        # Set to None, not removed: a removed key leaves the undone import's name in the box.
        st.session_state["undo_import"] = None
    except Exception as exc:  # noqa: BLE001 - shown as a sentence on the rerun
        st.session_state["_undo_error"] = exc


def show_undo(chosen: int) -> None:
    effect = ui.cached(undo_preview, chosen)
    if effect.empty:
        st.caption("This import changed targets, notes or other settings, not figures; undoing "
                   "it restores the previous ones.")
    else:
        st.caption("What undoing it would do to each figure it wrote:")
        # Every column inside the 768 px a laptop (1280 px) leaves the page, long names wrapped
        # (Streamlit wraps text only in rows taller than 64 px); wider screens share out the rest.
        text = st.column_config.TextColumn
        columns = {
            "Area": text(width=140), "Period": text(width=76),
            "Value in this import": text("In this import", width=100, alignment="right"),
            "Value after undo": text("After undo", width=86, alignment="right"),
            "Effect": text(width=96), "Indicator": text(width=180),
            # a column of "Total" only says nothing: it gives its room to the indicator
            "Breakdown": text(width=86) if set(effect["Breakdown"]) != {"Total"} else None}
        # Rows tall enough for the longest indicator name, at about 24 characters a line.
        lines = max(3, -(-max(len(name) for name in effect["Indicator"]) // 24))
        st.dataframe(effect, hide_index=True, width="stretch", row_height=20 * lines + 8,
                     column_config=columns)
    st.button(f"Undo import #{chosen}", on_click=undo, args=(chosen,), type="primary",
              icon=":material/undo:")


with ui.guard():
    st.title("Imports & history")
    if (done := st.session_state.pop("_undo_done", None)) is not None:
        st.success(f"Import #{done} undone: its figures no longer count, and the values before "
                   "it are back on every page.", icon=":material/undo:")
    if (error := st.session_state.pop("_undo_error", None)) is not None:
        ui.show_error(error)
    log = ui.cached(import_log)
    if log.empty:
        st.info("Nothing has been imported yet. Upload a file on the Upload page.",
                icon=":material/info:")
        st.stop()
    with st.container(key="import-log"):  # the page's headline: browser tests find it by key
        count = st.column_config.NumberColumn(format="localized", width=70)
        text = st.column_config.TextColumn
        st.dataframe(log, hide_index=True, width="stretch", column_config={
            "Import": st.column_config.NumberColumn(width=60), "When": WHEN,
            "Status": text(width=70), "Kind": text(width=150), "File": text(width=210),
            "New": count, "Revised": count, "Unchanged": count})

    st.subheader("Undo an import")
    committed = log[log["Status"] == CURRENT]
    if not ui.allowed("editor", "undo imports"):
        pass  # viewers and read-only servers see the log and histories, not the undo controls
    elif committed.empty:
        st.caption("Every import has been undone.")
    else:
        labels = {int(r.Import): f"#{int(r.Import)} · {r.File or r.Kind} · {r.Who}"
                  for r in committed.itertuples()}
        chosen = st.selectbox("Import", list(labels), format_func=labels.get, key="undo_import",
                              index=None, placeholder="Choose the import to undo")
        if chosen is None:
            st.caption("Choose an import to see what undoing it would change.")
        else:
            show_undo(chosen)

    st.subheader("History of a figure")
    tree = ui.area_tree()
    choices = ui.cached(figure_choices)
    left, middle, right = st.columns(3)
    indicator = left.selectbox("Indicator of the figure", list(choices["indicators"]),
                               format_func=choices["indicators"].get, key="history_indicator")
    areas = choices["areas"].get(indicator, [])
    # The sidebar's area when it holds this figure: on arrival, and whenever the sidebar's
    # area changes; another may still be chosen here.
    sidebar_area = ui.chosen_area()
    if sidebar_area in areas and (st.session_state.get("_history_follows") != sidebar_area
                                  or st.session_state.get("history_area") not in areas):
        st.session_state["history_area"] = sidebar_area
    st.session_state["_history_follows"] = sidebar_area
    area = middle.selectbox("Area of the figure", areas, format_func=tree.name, key="history_area")
    history = ui.cached(history_of_figure, indicator, area) if area else None
    if history is None or history.empty:
        st.caption("No figures held for this indicator and area.")
    else:
        periods = list(dict.fromkeys(history["Period"]))
        period = right.selectbox("Period of the figure", periods, index=len(periods) - 1,
                                 key="history_period")
        st.dataframe(history[history["Period"] == period].drop(columns=["Period"]),
                     hide_index=True, width="stretch",
                     column_config={"Value": st.column_config.TextColumn(alignment="right"),
                                    "When": WHEN})
