"""The tables a person edits to answer an upload's questions, and how each edited table is read
back into answers. The Upload page only renders them (st.data_editor)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from .. import survey_mapping as sm

NOT_IMPORTED = "— not imported —"
LEFT_OUT = "— left out —"


@dataclass
class EditableTable:
    """A table to show, the column the user picks in (with its choices), the columns they may
    not edit, and how the edited table becomes an answer."""

    table: pd.DataFrame
    pick: str
    choices: list[str]
    locked: list[str]
    read: Callable[[pd.DataFrame], dict]


def template_columns(template) -> pd.DataFrame:
    return pd.DataFrame(
        [(c.name, "required" if c.required else "optional", c.description, c.example)
         for c in template.columns], columns=["Column", "", "What to write", "Example"])


def example_table(template) -> pd.DataFrame:
    """The template's one example row, as the downloaded file holds it."""
    return pd.DataFrame([{c.name: c.example for c in template.columns}])


def row_mapping(question, suggested: dict, indicators: pd.DataFrame) -> EditableTable:
    """A statistics table's rows, each with the catalogue indicator it is imported as."""
    label = {i: f"{n} ({i})" for i, n in zip(indicators["indicator_id"], indicators["name"])}
    by_label = {v: k for k, v in label.items()}
    table = pd.DataFrame({
        "Row of the table": list(question.series),
        "Import as": [label.get(suggested.get(s, ""), NOT_IMPORTED) for s in question.series]})
    return EditableTable(
        table, "Import as", [NOT_IMPORTED, *label.values()], ["Row of the table"],
        lambda edited: {row: by_label.get(choice, "") for row, choice in
                        zip(edited["Row of the table"], edited["Import as"])})


def _labels(targets: dict) -> dict[str, str]:
    """target -> label, unique, with the left-out choice first."""
    out, seen = {"": LEFT_OUT}, {LEFT_OUT}
    for target, label in targets.items():
        label = label if len(label) <= 110 else label[:109].rstrip() + "…"
        if label in seen:
            label = f"{label} ({target})"
        out[target] = label
        seen.add(label)
    return out


def survey_fields(export, view: sm.MappingView) -> EditableTable:
    """Each question (or matrix row) of a survey export and the survey question it becomes."""
    labels = _labels(view.targets)
    by_label = {v: k for k, v in labels.items()}
    rows = {f.key: f.item for f in export.fields}
    table = pd.DataFrame({
        "Question in the export": view.fields["field"],
        "Row": view.fields["field"].map(rows),
        "Respondents": view.fields["respondents"],
        "Survey question": [labels.get(t, LEFT_OUT) for t in view.fields["target"]]})
    if not any(rows.values()):  # no matrix rows: no Row column
        table = table.drop(columns="Row")
    return EditableTable(
        table, "Survey question", list(labels.values()),
        [c for c in ("Question in the export", "Row", "Respondents") if c in table],
        lambda edited: {f: by_label.get(choice, "") for f, choice in
                        zip(edited["Question in the export"], edited["Survey question"])})


def survey_answers(view: sm.MappingView) -> EditableTable | None:
    """Answer texts of the mapped questions and the option each becomes; unmatched ones first
    (marked ⚠), as they are what needs a decision. None when there are no answer texts."""
    answers = view.answers.sort_values("matched", kind="stable").reset_index(drop=True)
    if answers.empty:
        return None
    numbers = dict(zip(answers["key"], answers["question"]))
    choices = {"": LEFT_OUT}
    for qid, options in view.options.items():
        number = next((n for k, n in numbers.items() if sm.split_key(k)[0] == qid), qid)
        for oid, label in options.items():
            choices[sm.answer_key(qid, oid)] = f"{number} · {label}"
    by_label = {v: k for k, v in choices.items()}
    table = pd.DataFrame({
        "": ["⚠" if not m else "" for m in answers["matched"]],
        "Question": answers["question"], "Answer in the export": answers["answer"],
        "Respondents": answers["respondents"],
        "Survey option": [choices.get(sm.answer_key(sm.split_key(k)[0], o), LEFT_OUT) if o
                          else LEFT_OUT for k, o in zip(answers["key"], answers["option"])]})

    def read(edited: pd.DataFrame) -> dict:
        picked = {}
        for key, choice in zip(answers["key"], edited["Survey option"]):
            qid, oid = sm.split_key(by_label.get(choice, ""))
            picked[key] = oid if qid == sm.split_key(key)[0] else ""
        return picked
    return EditableTable(table, "Survey option", list(choices.values()),
                         ["", "Question", "Answer in the export", "Respondents"], read)


def problem_table(problems: pd.DataFrame) -> pd.DataFrame:
    """The problems as the page lists them: Error/Warning, row, column, value, sentences."""
    table = problems.rename(columns={
        "severity": "", "row": "Row", "column": "Column", "value": "Value",
        "problem": "What is wrong", "fix": "What to do"})
    table[""] = table[""].map({"error": "Error", "warning": "Warning"})
    table["Row"] = table["Row"].map(lambda r: "" if pd.isna(r) else f"{int(r)}")
    return table.fillna("").set_index("")
