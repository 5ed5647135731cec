"""bench/generate.py at a tiny scale (1 year, 2% of the rows): the national store's item-level
rows are what the pages and the upload templates understand. Survey answers name the real
question, option and matrix-row ids of 20 surveys; the engagement plan uses the catalogue's
levels, statuses, communities and standards; and the posts, activities, stages and answers
read back through the upload pipeline come out unchanged, so they are exactly what an upload of
the same rows would have written."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from cjmetrics.engagement_plan import build_plan, build_stages, editable_rows
from cjmetrics.export import csv_bytes
from cjmetrics.ingest import prepare
from cjmetrics.store import close_all, open_store
from cjmetrics.surveys import answers_csv, build_survey

ROOT = Path(__file__).resolve().parents[2]
SCALE = 0.02
SOURCE = "Illustrative benchmark data - not official statistics"


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> tuple[Path, dict]:
    spec = importlib.util.spec_from_file_location("bench_generate",
                                                  ROOT / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path_factory.mktemp("national") / "national.duckdb"
    counts = module.generate(path, years=1, scale=SCALE)
    close_all()
    return path, counts


@pytest.fixture
def store(national):
    yield open_store(national[0])
    close_all()


def test_counts_and_imports(national, store):
    _, counts = national
    assert counts["social_posts"] == 40_000
    assert counts["survey_respondents"] == 4_000
    assert counts["surveys"] == 20
    assert counts["engagement_activities"] == 40
    assert counts["service_stages"] > 0
    imports = store.imports()
    figures = imports[imports["kind"] == "indicator_values"]
    assert len(figures) == 20 and (figures["status"] == "undone").sum() == 2
    for kind in ("social_posts", "survey_answers", "survey_invitations",
                 "engagement_activities", "service_stages"):
        assert (imports["kind"] == kind).sum() == 1, kind
    assert store.scalar("SELECT count(*) FROM stage_names") == 0  # the catalogue's names stay


def test_posts_are_days_with_unique_ids_per_channel(store):
    posts = store.query("SELECT * FROM social_posts")
    assert set(posts["channel"]) == {"Facebook", "Instagram", "LinkedIn", "X/Twitter", "YouTube"}
    assert not posts.duplicated(["channel", "post_id"]).any()
    assert (posts["posted_start"] == posts["posted_end"]).all()
    assert set(posts["area_code"]) <= set(store.areas().query("level != 'country'")["area_code"])
    glasgow, orkney = (posts["area_code"] == "S12000049").sum(), \
        (posts["area_code"] == "S12000023").sum()
    assert glasgow > 10 * orkney  # bigger areas post more
    assert (posts["engagements"] <= posts["impressions"]).all()
    assert (posts["clicks"] <= posts["engagements"]).all()
    # heavy-tailed: the top 1% of posts hold far more than 1% of the impressions
    top = posts["impressions"].nlargest(len(posts) // 100).sum()
    assert top > 0.05 * posts["impressions"].sum()


def test_survey_answers_name_real_questions_options_and_rows(store):
    defs = store.survey_definitions()
    assert len(defs["surveys"]) == 20
    answers = store.query("SELECT * FROM survey_answers")
    assert set(answers["survey_id"]) == set(defs["surveys"]["survey_id"])
    types = answers.merge(defs["questions"][["survey_id", "question_id", "type"]],
                          on=["survey_id", "question_id"], how="left")["type"]
    assert types.notna().all()
    options = defs["options"].set_index(["survey_id", "question_id", "option_id"])["position"]
    items = set(map(tuple, defs["items"][["survey_id", "question_id", "item_id"]].to_numpy()))
    for row, kind in zip(answers.itertuples(), types):
        if kind == "free_text":
            assert row.answer and row.item_id == ""
            continue
        if kind == "matrix":
            assert (row.survey_id, row.question_id, row.item_id) in items
        else:
            assert row.item_id == ""
        parts = row.answer.split(";")
        assert kind == "multiple" or len(parts) == 1
        positions = [options[(row.survey_id, row.question_id, p)] for p in parts]
        assert positions == sorted(positions)  # in the survey's order, as uploads store them
    # "Other: please specify" is written in only by those who ticked Other
    chosen = answers[answers["question_id"] == "q2"].set_index(["survey_id", "respondent_id"])
    others = answers[(answers["question_id"] == "q2_other")
                     & answers["survey_id"].str.startswith("third_sector")]
    assert len(others) > 0
    assert all("other" in chosen.loc[(s, r), "answer"].split(";")
               for s, r in zip(others["survey_id"], others["respondent_id"]))
    # each respondent answers one survey, in one area and period
    assert (answers.groupby("respondent_id")[["survey_id", "area_code", "period_start"]]
            .nunique() == 1).all().all()
    # invitations cover every respondent group, never fewer than responded
    responses = store.survey_responses(list(store.areas()["area_code"]))
    assert responses["invited"].notna().all()
    assert (responses["invited"] >= responses["respondents"]).all()


def test_surveys_page_model_shows_realistic_answers(store):
    model = build_survey(store, "third_sector_w5", "S12000049")
    assert model.has_answers
    responses = model.responses_table().iloc[0]
    assert 20 <= responses["response_rate_percent"] <= 80
    table = model.distribution("q1")
    assert table["percent"].notna().any()  # shares shown (small cells suppressed)
    assert len(model.matrix("q5", "S12000049")) == 9 * 5  # 9 partners x 5 levels
    assert len(model.free_text("q9")) > 0


def test_plan_uses_the_catalogues_values(store):
    lists = store.catalogue_table("lists")
    allowed = {name: set(lists.loc[lists["list_id"] == name, "value"])
               for name in ("engagement_level", "action_status", "community")}
    standards = set(store.catalogue_table("standards")["name"])
    plan = store.query("SELECT * FROM engagement_activities")
    assert set(plan["level"]) <= allowed["engagement_level"]
    assert set(plan["status"]) <= allowed["action_status"]
    for cell in plan["communities"]:
        assert set(cell.split("; ")) <= allowed["community"]
    for cell in plan["standards"]:
        assert set(cell.split("; ")) <= standards
    ends = plan["end_start"].notna()
    assert (plan.loc[ends, "end_start"] >= plan.loc[ends, "start_start"]).all()
    area = plan["area_code"].iloc[0]
    assert build_plan(store, area).has_activities
    assert not build_stages(store, "S12000049").current().empty


@pytest.mark.parametrize("kind", ["engagement_activities", "service_stages", "social_posts"])
def test_engagement_rows_read_back_unchanged_through_the_upload_pipeline(store, kind):
    rows = editable_rows(store, kind, None)
    if kind == "social_posts":
        assert "YouTube" in set(rows["channel"])  # the fifth channel uploads like the others
        rows = rows.groupby("channel").head(400)
    prepared = prepare(store, csv_bytes(rows), f"{kind}.csv", kind=kind)
    assert prepared.ok, prepared.problems.to_dict("records")[:3]
    assert prepared.warning_count == 0, prepared.problems.to_dict("records")[:3]
    assert prepared.preview.rows_unchanged == len(rows)


def test_survey_answers_read_back_unchanged_through_the_upload_pipeline(store):
    group = store.query("""SELECT survey_id, area_code, period_label FROM survey_answers
                           WHERE survey_id = 'third_sector_w2' GROUP BY ALL
                           ORDER BY count(*) DESC LIMIT 1""").iloc[0]
    answers = store.query("SELECT respondent_id AS respondent, question_id AS question, "
                          "item_id AS item, answer FROM survey_answers WHERE survey_id = ? "
                          "AND area_code = ? AND period_label = ?", list(group))
    data = answers_csv(group["survey_id"], group["area_code"], group["period_label"],
                       answers, source=SOURCE)
    prepared = prepare(store, data, "answers.csv", kind="survey_answers")
    assert prepared.ok, prepared.problems.to_dict("records")[:3]
    assert prepared.preview.rows_unchanged == len(answers) > 0
    assert isinstance(prepared.rows, pd.DataFrame)
