"""Care Inspectorate self-evaluations: latest grades, changes, the heatmap table and figure.

Expected values are worked out here from data/demo/qi_evaluations.csv and the catalogue with
pandas (the files a lead could open in Excel), not through cjmetrics."""

from __future__ import annotations

import pandas as pd
import pytest

from cjmetrics.care_inspectorate import build_quality
from cjmetrics.charts import GRADE_COLOURS, grade_heatmap_figure
from cjmetrics.editing import editable, save

from demo_csv import AYRSHIRE, GLASGOW, catalogue, demo

ABERDEEN = "S12000033"  # a council with no demo evaluations
GLASGOW_NAME = "Glasgow City"
QUESTIONS = ("how_are_we_doing", "how_do_we_know", "what_next")


# -- expectations from the CSV files --------------------------------------------------------
def scale() -> dict[int, str]:
    rows = catalogue("scales")
    rows = rows[rows["scale_id"] == "ci_six_point"]
    return {int(v): label for v, label in zip(rows["value"], rows["label"])}


def qi_catalogue() -> pd.DataFrame:
    """The catalogue's quality indicators in number order (4.1 < 6.2 < ... < 10.1)."""
    rows = catalogue("quality_indicators")
    key = rows["number"].map(lambda n: tuple(int(p) for p in n.split(".")))
    return rows.assign(key=key).sort_values("key").reset_index(drop=True)


def day_label(day: pd.Timestamp) -> str:
    return f"{day.day} {day.strftime('%b')} {day.year}"


def evaluations(area: str) -> pd.DataFrame:
    """The demo evaluations of one area: date, grade number and word, oldest first per QI."""
    rows = demo("qi_evaluations")
    rows = rows[rows["area"] == area].copy()
    rows["date"] = pd.to_datetime(rows["period"], format="%d/%m/%Y")
    rows["grade_number"] = rows["grade"].str.split(" ", n=1).str[0].astype(int)
    rows["word"] = rows["grade"].str.split(" ", n=1).str[1]
    return rows.sort_values(["quality_indicator", "date"]).reset_index(drop=True)


def expected_latest(area: str) -> dict[str, dict]:
    """QI number -> latest grade, word, date and the change since the evaluation before."""
    out = {}
    for number, rows in evaluations(area).groupby("quality_indicator"):
        latest = rows.iloc[-1]
        text = f"{latest.word} ({latest.grade_number})"
        if len(rows) == 1:
            change, full = "first", f"{text}, the first evaluation"
        else:
            before = rows.iloc[-2]
            change = ("up" if latest.grade_number > before.grade_number else
                      "down" if latest.grade_number < before.grade_number else "same")
            full = (f"{text}, {change} from {before.word} ({before.grade_number})"
                    if change != "same" else f"{text}, the same as at the previous evaluation")
        out[number] = {"grade": latest.grade_number, "word": latest.word, "text": text,
                       "date": day_label(latest.date), "change": change, "change_text": full,
                       "answers": [latest[q] for q in QUESTIONS]}
    return out


def by_number(model) -> dict:
    return {qi.number: qi for qi in model.indicators}


# -- the model ------------------------------------------------------------------------------
def test_glasgow_latest_grade_and_change_per_quality_indicator(demo_store):
    model = build_quality(demo_store, GLASGOW)
    expected = expected_latest(GLASGOW)

    assert model.area_name == GLASGOW_NAME
    assert model.scale == scale()
    # every catalogue QI, in number order, labelled "4.1 Impact on the community"
    qis = qi_catalogue()
    assert [qi.number for qi in model.indicators] == list(qis["number"])
    assert [qi.label for qi in model.indicators] == [f"{n} {t}" for n, t in
                                                     zip(qis["number"], qis["title"])]
    assert set(expected) == set(qis["number"])  # the demo grades every QI for Glasgow
    for number, want in expected.items():
        qi = by_number(model)[number]
        assert qi.latest.grade == want["grade"], number
        assert qi.latest.grade_word == want["word"], number
        assert qi.latest.grade_text == want["text"], number
        assert qi.latest.date_label == want["date"], number
        assert qi.change == want["change"], number
        assert qi.change_text == want["change_text"], number
        assert [answer for _, answer in qi.latest.answers] == want["answers"], number
    # the brief's own example: a QI that moved up reads "Very good (5), up from Good (4)"
    assert by_number(model)["7.2"].change_text == "Very good (5), up from Good (4)"


def test_evaluations_are_kept_oldest_first_and_listed_newest_first(demo_store):
    model = build_quality(demo_store, GLASGOW)
    rows = evaluations(GLASGOW)
    for qi in model.indicators:
        mine = rows[rows["quality_indicator"] == qi.number]
        assert [e.date_label for e in qi.evaluations] == [day_label(d) for d in mine["date"]]
        assert [e.grade for e in qi.evaluations] == list(mine["grade_number"])
        assert [e.date_label for e in qi.newest_first] == \
            [day_label(d) for d in mine["date"]][::-1]
        for evaluation, row in zip(qi.evaluations, mine.itertuples()):
            assert [q for q, _ in evaluation.answers] == [
                "How are we doing?", "How do we know?", "What are we going to do next?"]
            assert [a for _, a in evaluation.answers] == [getattr(row, q) for q in QUESTIONS]


@pytest.mark.parametrize("area", sorted(set(demo("qi_evaluations")["area"])))
def test_changes_in_every_demo_area(demo_store, area):
    """Up, down and unchanged grades (Ayrshire has all three kinds), checked for every area."""
    model = build_quality(demo_store, area)
    for number, want in expected_latest(area).items():
        qi = by_number(model)[number]
        assert (qi.latest.grade, qi.change, qi.change_text) == \
            (want["grade"], want["change"], want["change_text"]), (area, number)


def test_ayrshire_has_a_fall_and_an_unchanged_grade(demo_store):
    changes = {qi.number: qi.change for qi in build_quality(demo_store, AYRSHIRE).indicators}
    assert "down" in changes.values() and "same" in changes.values()
    qi = by_number(build_quality(demo_store, AYRSHIRE))["8.1"]
    rows = evaluations(AYRSHIRE).query("quality_indicator == '8.1'")
    before, latest = rows.iloc[-2], rows.iloc[-1]
    assert qi.change_text == (f"{latest.word} ({latest.grade_number}), down from "
                              f"{before.word} ({before.grade_number})")
    assert qi.delta_text == f"down from {before.word} ({before.grade_number})"


def test_heatmap_table_is_every_quality_indicator_by_every_evaluation_date(demo_store):
    model = build_quality(demo_store, GLASGOW)
    rows = evaluations(GLASGOW)
    dates = sorted(rows["date"].unique())
    qis = qi_catalogue()

    assert [d[2] for d in model.dates] == [day_label(pd.Timestamp(d)) for d in dates]
    assert model.heatmap.shape[0] == len(qis) * len(dates)
    assert {"quality_indicator", "evaluation", "grade", "grade_word"} <= set(model.heatmap)
    for row in rows.itertuples():
        label = f"{row.quality_indicator} " + \
            qis.loc[qis["number"] == row.quality_indicator, "title"].item()
        cell = model.heatmap[(model.heatmap["quality_indicator"] == label)
                             & (model.heatmap["evaluation"] == day_label(row.date))]
        assert len(cell) == 1
        assert cell["grade"].item() == row.grade_number
        assert cell["grade_word"].item() == row.word
    table = model.table()
    assert list(table.columns) == ["Quality indicator", "Evaluation", "Grade", "Grade word"]
    assert len(table) == len(qis) * len(dates)


def test_summary_counts_good_or_better_at_the_latest_evaluation(demo_store):
    expected = expected_latest(GLASGOW)
    good = sum(1 for want in expected.values() if want["grade"] >= 4)
    latest = max(evaluations(GLASGOW)["date"])
    summary = build_quality(demo_store, GLASGOW).summary()
    assert summary.startswith(
        f"Glasgow City: {good} of {len(qi_catalogue())} quality indicators graded Good or "
        f"better at the latest evaluation ({day_label(latest)})")
    ups = sum(1 for want in expected.values() if want["change"] == "up")
    assert f"{ups} up" in summary


def test_an_area_with_no_evaluations(demo_store):
    model = build_quality(demo_store, ABERDEEN)
    assert model.area_name == "Aberdeen City"
    assert not model.has_evaluations
    assert len(model.indicators) == len(qi_catalogue())
    assert all(qi.latest is None and qi.change is None for qi in model.indicators)
    assert all(qi.change_text == "Not evaluated yet" for qi in model.indicators)
    assert model.heatmap.empty and model.dates == []
    assert "no quality-indicator self-evaluations held yet" in model.summary()
    fig = grade_heatmap_figure(model)  # draws a sentence, not an error
    assert not fig.data
    assert "No quality-indicator self-evaluations held for Aberdeen City" in \
        fig.layout.annotations[0].text


def test_empty_store(empty_store):
    model = build_quality(empty_store, GLASGOW)
    assert model.area_name == GLASGOW_NAME
    assert not model.has_evaluations
    assert [qi.number for qi in model.indicators] == list(qi_catalogue()["number"])
    assert model.heatmap.empty and model.table().empty
    assert model.sources == "" and not model.illustrative
    assert grade_heatmap_figure(model).layout.title.text == \
        "Quality-indicator self-evaluation grades"


def evaluation_rows(*rows: dict) -> pd.DataFrame:
    base = {"area": GLASGOW_NAME, "how_are_we_doing": "", "how_do_we_know": "",
            "what_next": "", "source": "test"}
    return pd.DataFrame([{**base, **row} for row in rows])


def test_quality_indicators_never_evaluated_leave_empty_cells(empty_store):
    result = save(empty_store, "qi_evaluations", evaluation_rows(
        {"quality_indicator": "4.1", "period": "5 Jun 2023", "grade": "3 Adequate"},
        {"quality_indicator": "4.1", "period": "3 Jun 2024", "grade": "Good",
         "how_are_we_doing": "Better", "how_do_we_know": "Survey", "what_next": "More"},
        {"quality_indicator": "7.2", "period": "3 Jun 2024", "grade": "2"}))
    assert result.result is not None and result.result.import_id, result.message

    model = build_quality(empty_store, GLASGOW)
    qis = by_number(model)
    assert qis["4.1"].change_text == "Good (4), up from Adequate (3)"
    assert qis["7.2"].change == "first"
    assert qis["7.2"].change_text == "Weak (2), the first evaluation"
    assert [qi.number for qi in model.not_evaluated] == ["6.2", "6.4", "8.1", "9.2"]
    assert model.heatmap.shape[0] == len(qi_catalogue()) * 2
    assert model.heatmap["grade"].notna().sum() == 3
    blank = model.heatmap[model.heatmap["grade"].isna()]
    assert set(blank["grade_word"]) == {""}
    assert set(model.table().loc[model.table()["Grade"].isna(), "Grade word"]) == \
        {"Not evaluated"}
    assert model.summary() == (
        "Glasgow City: 1 of 6 quality indicators graded Good or better at the latest "
        "evaluation (3 Jun 2024); against the evaluation before, 1 up; 4 not evaluated yet.")

    fig = grade_heatmap_figure(model)
    cell_texts = [a.text for a in fig.layout.annotations]
    assert sorted(cell_texts) == sorted(["Adequate<br>(3)", "Good<br>(4)",
                                         "Weak<br>(2)"])  # nothing in an empty cell


# -- the figure -----------------------------------------------------------------------------
def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        c = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_heatmap_figure_writes_the_grade_word_and_number_in_every_cell(demo_store):
    model = build_quality(demo_store, GLASGOW)
    fig = grade_heatmap_figure(model)
    rows = evaluations(GLASGOW)
    qis = qi_catalogue()
    dates = [day_label(pd.Timestamp(d)) for d in sorted(rows["date"].unique())]

    assert fig.layout.title.text == "Quality-indicator self-evaluation grades"
    subtitle = fig.layout.title.subtitle.text.replace("<br>", " ")
    assert "Glasgow City" in subtitle
    assert f"{dates[0]} to {dates[-1]}" in subtitle
    assert "Illustrative demo data" in subtitle
    assert fig.layout.template.layout.font.family.startswith("DejaVu Sans")  # the template
    # rows: quality indicators in number order, top to bottom; columns: dates in order
    assert [t.replace("<br>", " ") for t in fig.layout.yaxis.ticktext] == \
        [f"{n} {t}" for n, t in zip(qis["number"], qis["title"])]
    assert fig.layout.yaxis.autorange == "reversed"
    assert list(fig.layout.xaxis.ticktext) == dates
    # the colour bar is the legend: 1 Unsatisfactory ... 6 Excellent
    grades = [t for t in fig.data if t.name == "Grade"][0]
    assert list(grades.colorbar.ticktext) == [f"{g} {w}" for g, w in sorted(scale().items())]
    # every evaluated cell carries its word and number, at its row and column
    cells = {(a.x, a.y): a for a in fig.layout.annotations}
    assert len(cells) == len(rows)
    for row in rows.itertuples():
        y = list(qis["number"]).index(row.quality_indicator)
        x = dates.index(day_label(row.date))
        annotation = cells[(x, y)]
        assert annotation.text == f"{row.word}<br>({row.grade_number})"
        assert grades.z[y][x] == row.grade_number
        # text readable against its cell (WCAG AA for normal text)
        assert contrast(annotation.font.color, GRADE_COLOURS[row.grade_number]) >= 4.5


def test_grade_colours_get_darker_as_grades_get_better():
    """Colour-blind-safe and greyscale-safe: lightness falls steadily from 1 to 6."""
    white = "#ffffff"
    ratios = [contrast(GRADE_COLOURS[g], white) for g in sorted(GRADE_COLOURS)]
    assert ratios == sorted(ratios)
    assert all(b / a > 1.3 for a, b in zip(ratios, ratios[1:]))  # distinct steps in grey


def test_large_type_variant(demo_store):
    model = build_quality(demo_store, GLASGOW)
    normal, large = grade_heatmap_figure(model), grade_heatmap_figure(model, large=True)
    assert large.layout.annotations[0].font.size > normal.layout.annotations[0].font.size
    assert large.layout.height > normal.layout.height


# -- editing in the app -------------------------------------------------------------------
def test_the_evaluations_edit_table_saves_back_unchanged(demo_store):
    """The editor shows grades as the template writes them ("4 Good"), so saving the table
    untouched is accepted and changes nothing."""
    frame = editable(demo_store, "qi_evaluations", [GLASGOW])
    rows = evaluations(GLASGOW)
    assert len(frame) == len(rows)
    assert sorted(frame["grade"]) == sorted(rows["grade"])
    assert list(frame["quality_indicator"]) == sorted(frame["quality_indicator"],
                                                      key=lambda n: tuple(map(int,
                                                                              n.split("."))))
    result = save(demo_store, "qi_evaluations", frame)
    assert result.result is not None, result.prepared.problems.to_dict("records")
    assert result.result.import_id is None  # nothing new
    assert result.message == "No changes to save."
