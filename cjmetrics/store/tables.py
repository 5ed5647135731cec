"""What the schema's tables mean to the code: which tables hold revisions (and their keys), which
columns decide that a re-uploaded row is unchanged, and which files fill the catalogue."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RevisedTable:
    """A table whose rows are revisions: the current row per key is the newest committed one."""

    table: str
    key: tuple[str, ...]
    values: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.key + self.values


OBSERVATIONS = RevisedTable(
    "observations",
    ("indicator_id", "area_code", "period_start", "period_end", "breakdown"),
    ("period_label", "period_type", "value", "numerator", "denominator", "lower", "upper", "note",
     "source"),
)
TARGETS = RevisedTable(
    "targets",
    ("indicator_id", "area_code"),
    ("baseline_label", "baseline_start", "baseline_end", "baseline_value", "target_label",
     "target_start", "target_end", "target_value", "note", "source"),
)
ANNOTATIONS = RevisedTable(
    "annotations",
    ("indicator_id", "area_code", "period_start", "period_end"),
    ("period_label", "text", "source"),
)
SELF_ASSESSMENTS = RevisedTable(
    "self_assessments", ("outcome_id", "area_code", "period_start", "period_end"),
    ("period_label", "score", "note", "source"))
QI_EVALUATIONS = RevisedTable(
    "qi_evaluations", ("qi_id", "area_code", "period_start", "period_end"),
    ("period_label", "grade", "how_are_we_doing", "how_do_we_know", "what_next", "source"))
PRIORITY_OUTCOMES = RevisedTable(
    "priority_outcomes", ("area_code", "outcome_id"), ("priority", "note"))
EVIDENCE_NOTES = RevisedTable(
    "evidence_notes", ("item_id", "area_code", "period_start", "period_end"),
    ("period_label", "note", "source"))
INDICATOR_EDITS = RevisedTable(
    "indicator_edits", ("indicator_id",),
    ("name", "short_name", "outcome_id", "unit", "polarity", "period_type", "source",
     "description", "rag_green", "rag_amber"))
SETTINGS = RevisedTable("settings", ("key",), ("value",))
# Survey answers and invitations: revised like any figure.
SURVEY_ANSWERS = RevisedTable(
    "survey_answers",
    ("survey_id", "area_code", "period_start", "period_end", "respondent_id", "question_id",
     "item_id"),
    ("period_label", "answer", "source"))
SURVEY_INVITATIONS = RevisedTable(
    "survey_invitations", ("survey_id", "area_code", "period_start", "period_end"),
    ("period_label", "invited", "note", "source"))
SURVEY_TABLES = (SURVEY_ANSWERS, SURVEY_INVITATIONS)
# Engagement: social media posts, engagement plan activities, service stages, stage names.
SOCIAL_POSTS = RevisedTable(
    "social_posts", ("channel", "post_id"),
    ("area_code", "posted_start", "posted_end", "posted_label", "text", "impressions",
     "engagements", "clicks", "link", "source"))
ENGAGEMENT_ACTIVITIES = RevisedTable(
    "engagement_activities", ("area_code", "activity_id"),
    ("activity", "level", "communities", "status", "lead", "purpose", "start_start",
     "start_end", "start_label", "end_start", "end_end", "end_label", "standards",
     "attendance", "who_involved", "learning_points", "source"))
SERVICE_STAGES = RevisedTable(
    "service_stages", ("area_code", "service", "period_start", "period_end"),
    ("period_label", "stage", "target_stage", "target_start", "target_end", "target_label",
     "note", "source"))
STAGE_NAMES = RevisedTable("stage_names", ("stage",), ("name",))
ENGAGEMENT_TABLES = (SOCIAL_POSTS, ENGAGEMENT_ACTIVITIES, SERVICE_STAGES, STAGE_NAMES)
REVISED_TABLES = (OBSERVATIONS, TARGETS, ANNOTATIONS, SELF_ASSESSMENTS, QI_EVALUATIONS,
                  PRIORITY_OUTCOMES, EVIDENCE_NOTES, INDICATOR_EDITS, SETTINGS) + SURVEY_TABLES \
    + ENGAGEMENT_TABLES

# Columns that decide whether a re-uploaded row is "unchanged" (labels are derived, not data).
COMPARED = {spec.table: tuple(v for v in spec.values if v not in ("period_label",))
             for spec in REVISED_TABLES}
COMPARED["observations"] = ("value", "numerator", "denominator", "lower", "upper", "note",
                             "source")
COMPARED["annotations"] = ("text", "source")
COMPARED["social_posts"] = tuple(
    v for v in SOCIAL_POSTS.values if v != "posted_label")
COMPARED["engagement_activities"] = tuple(
    v for v in ENGAGEMENT_ACTIVITIES.values if v not in ("start_label", "end_label"))
COMPARED["service_stages"] = tuple(v for v in SERVICE_STAGES.values if v != "target_label")

DEFAULT_RAG = {"rag_green": 1.0, "rag_amber": 0.9}

# Catalogue files and their tables; columns are checked against the table on load.
CATALOGUE_FILES: dict[str, str] = {
    "areas": "areas.csv",
    "frameworks": "frameworks.csv",
    "outcomes": "outcomes.csv",
    "indicators": "indicators.csv",
    "priority_actions": "priority_actions.csv",
    "quality_indicators": "quality_indicators.csv",
    "scales": "scales.csv",
    "standards": "standards.csv",
    "lists": "lists.csv",
    "improvement_tool_items": "improvement_tool_items.csv",
}
# Survey definitions: in data/surveys/, loaded the same way as the catalogue.
SURVEY_FILES: dict[str, str] = {
    "surveys": "surveys.csv",
    "survey_questions": "survey_questions.csv",
    "survey_options": "survey_options.csv",
    "survey_items": "survey_items.csv",
}


def current_sql(spec: RevisedTable, where: str = "TRUE") -> str:
    """SQL for the current rows of a revised table, with `where` applied before the window
    so only the rows a page asks for are ranked."""
    keys = ", ".join(f"t.{k}" for k in spec.key)
    return f"""
        SELECT * EXCLUDE (revision_rank) FROM (
            SELECT t.*, row_number() OVER (PARTITION BY {keys}
                                           ORDER BY t.import_id DESC) AS revision_rank
            FROM {spec.table} t
            WHERE t.import_id IN (SELECT import_id FROM imports WHERE status = 'committed')
              AND ({where})
        ) WHERE revision_rank = 1"""
