"""The schema: every migration, in order. Append a migration to change the schema; never edit one
that has shipped. They are applied by number (a store may hold 7 but not yet 5, since features
land in any order), so a new one takes the number assigned to it."""

from __future__ import annotations


class PostgresOnly(str):
    """A migration statement that PostgreSQL runs natively and a DuckDB file skips (the file
    has its own equivalent built in, or needs none)."""


# The tables whose rows arrive tagged with an import id (migration 10 indexes them).
_APPENDED_BY_MIGRATION_10 = (
    "observations", "targets", "annotations", "self_assessments", "qi_evaluations",
    "priority_outcomes", "evidence_notes", "indicator_edits", "settings", "survey_answers",
    "survey_invitations", "social_posts", "engagement_activities", "service_stages",
    "stage_names")

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "catalogue, observations, targets, annotations and imports",
        [
            """CREATE TABLE meta (key VARCHAR PRIMARY KEY, value BIGINT NOT NULL)""",
            """INSERT INTO meta VALUES ('data_version', 0)""",
            """CREATE TABLE areas (
                area_code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, level VARCHAR NOT NULL,
                parent_code VARCHAR, aliases VARCHAR, sort_order INTEGER)""",
            """CREATE TABLE frameworks (
                framework_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, publisher VARCHAR,
                published VARCHAR, description VARCHAR)""",
            """CREATE TABLE outcomes (
                outcome_id VARCHAR PRIMARY KEY, framework_id VARCHAR NOT NULL, number INTEGER,
                short_name VARCHAR, title VARCHAR NOT NULL, kind VARCHAR, description VARCHAR)""",
            """CREATE TABLE indicators (
                indicator_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, short_name VARCHAR,
                framework_id VARCHAR NOT NULL, outcome_id VARCHAR,
                unit VARCHAR NOT NULL CHECK (unit IN ('count','percent','rate','score','grade')),
                polarity VARCHAR NOT NULL CHECK (polarity IN ('higher','lower')),
                period_type VARCHAR NOT NULL, source VARCHAR, description VARCHAR,
                confirmed BOOLEAN DEFAULT true, headline BOOLEAN DEFAULT false,
                rag_green DOUBLE DEFAULT 1.0, rag_amber DOUBLE DEFAULT 0.9,
                decimals INTEGER DEFAULT 0, sort_order INTEGER)""",
            """CREATE TABLE priority_actions (
                action_id VARCHAR PRIMARY KEY, aim_id VARCHAR NOT NULL, number INTEGER NOT NULL,
                text VARCHAR NOT NULL, outcome_ids VARCHAR, confirmed BOOLEAN,
                description VARCHAR)""",
            """CREATE TABLE quality_indicators (
                qi_id VARCHAR PRIMARY KEY, number VARCHAR NOT NULL, title VARCHAR NOT NULL,
                framework_id VARCHAR, description VARCHAR, in_use BOOLEAN)""",
            """CREATE TABLE scales (
                scale_id VARCHAR, value INTEGER, label VARCHAR NOT NULL, description VARCHAR,
                PRIMARY KEY (scale_id, value))""",
            """CREATE TABLE standards (
                standard_id VARCHAR PRIMARY KEY, number INTEGER, name VARCHAR NOT NULL,
                description VARCHAR)""",
            """CREATE TABLE lists (
                list_id VARCHAR, position INTEGER, value VARCHAR, description VARCHAR,
                PRIMARY KEY (list_id, value))""",
            """CREATE TABLE improvement_tool_items (
                item_id VARCHAR PRIMARY KEY, outcome_id VARCHAR, text VARCHAR NOT NULL,
                description VARCHAR)""",
            """CREATE SEQUENCE import_seq START 1""",
            """CREATE TABLE imports (
                import_id INTEGER PRIMARY KEY, kind VARCHAR NOT NULL, file_name VARCHAR,
                sha256 VARCHAR, rows_read INTEGER, rows_new INTEGER, rows_revised INTEGER,
                rows_unchanged INTEGER, who VARCHAR NOT NULL, started_at TIMESTAMP,
                committed_at TIMESTAMP, status VARCHAR NOT NULL, undone_at TIMESTAMP,
                undone_by VARCHAR, summary VARCHAR)""",
            """CREATE TABLE observations (
                indicator_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL,
                period_start DATE NOT NULL, period_end DATE NOT NULL,
                period_label VARCHAR NOT NULL, period_type VARCHAR NOT NULL,
                breakdown VARCHAR NOT NULL DEFAULT '', value DOUBLE, numerator DOUBLE,
                denominator DOUBLE, lower DOUBLE, upper DOUBLE, note VARCHAR, source VARCHAR,
                import_id INTEGER NOT NULL)""",
            """CREATE TABLE targets (
                indicator_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL,
                baseline_label VARCHAR, baseline_start DATE, baseline_end DATE,
                baseline_value DOUBLE, target_label VARCHAR, target_start DATE, target_end DATE,
                target_value DOUBLE, note VARCHAR, source VARCHAR, import_id INTEGER NOT NULL)""",
            """CREATE TABLE annotations (
                indicator_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL,
                period_label VARCHAR NOT NULL, period_start DATE NOT NULL,
                period_end DATE NOT NULL, text VARCHAR NOT NULL, source VARCHAR,
                import_id INTEGER NOT NULL)""",
        ],
    ),
    (
        2,
        "self-assessments, quality-indicator evaluations, priorities, evidence notes, "
        "indicator edits and settings",
        [
            """CREATE TABLE self_assessments (
                outcome_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL,
                period_start DATE NOT NULL, period_end DATE NOT NULL, period_label VARCHAR NOT NULL,
                score DOUBLE, note VARCHAR, source VARCHAR, import_id INTEGER NOT NULL)""",
            """CREATE TABLE qi_evaluations (
                qi_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL,
                period_start DATE NOT NULL, period_end DATE NOT NULL, period_label VARCHAR NOT NULL,
                grade DOUBLE, how_are_we_doing VARCHAR, how_do_we_know VARCHAR,
                what_next VARCHAR, source VARCHAR, import_id INTEGER NOT NULL)""",
            """CREATE TABLE priority_outcomes (
                area_code VARCHAR NOT NULL, outcome_id VARCHAR NOT NULL, priority VARCHAR,
                note VARCHAR, import_id INTEGER NOT NULL)""",
            """CREATE TABLE evidence_notes (
                item_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL,
                period_start DATE NOT NULL, period_end DATE NOT NULL, period_label VARCHAR NOT NULL,
                note VARCHAR, source VARCHAR, import_id INTEGER NOT NULL)""",
            # An edited or partnership-added indicator: overlays the catalogue row of the same id.
            """CREATE TABLE indicator_edits (
                indicator_id VARCHAR NOT NULL, name VARCHAR, short_name VARCHAR,
                outcome_id VARCHAR, unit VARCHAR, polarity VARCHAR, period_type VARCHAR,
                source VARCHAR, description VARCHAR, rag_green DOUBLE, rag_amber DOUBLE,
                import_id INTEGER NOT NULL)""",
            """CREATE TABLE settings (
                key VARCHAR NOT NULL, value VARCHAR, import_id INTEGER NOT NULL)""",
        ],
    ),
    (
        3,
        "survey definitions, respondent-level survey answers and invitations",
        [
            # Definitions: loaded from data/surveys/ like the catalogue (added, never overwritten).
            """CREATE TABLE surveys (
                survey_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, short_name VARCHAR,
                audience VARCHAR, kind VARCHAR, sort_order INTEGER, source VARCHAR,
                description VARCHAR)""",
            """CREATE TABLE survey_questions (
                survey_id VARCHAR NOT NULL, question_id VARCHAR NOT NULL, number VARCHAR,
                text VARCHAR NOT NULL,
                type VARCHAR NOT NULL CHECK (type IN ('single','multiple','matrix','likert',
                                                      'free_text')),
                sort_order INTEGER, note VARCHAR, PRIMARY KEY (survey_id, question_id))""",
            """CREATE TABLE survey_options (
                survey_id VARCHAR NOT NULL, question_id VARCHAR NOT NULL,
                option_id VARCHAR NOT NULL, position INTEGER NOT NULL, label VARCHAR NOT NULL,
                short_label VARCHAR, score DOUBLE, description VARCHAR,
                PRIMARY KEY (survey_id, question_id, option_id))""",
            """CREATE TABLE survey_items (
                survey_id VARCHAR NOT NULL, question_id VARCHAR NOT NULL,
                item_id VARCHAR NOT NULL, position INTEGER NOT NULL, label VARCHAR NOT NULL,
                PRIMARY KEY (survey_id, question_id, item_id))""",
            # One row per respondent, question and matrix row ('' for other questions). The
            # answer is the option id (several joined by ';' for multiple choice) or the text of
            # a free-text answer. Respondents are ids only: no names or e-mail addresses.
            """CREATE TABLE survey_answers (
                survey_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL,
                period_start DATE NOT NULL, period_end DATE NOT NULL, period_label VARCHAR,
                respondent_id VARCHAR NOT NULL, question_id VARCHAR NOT NULL,
                item_id VARCHAR NOT NULL DEFAULT '', answer VARCHAR, source VARCHAR,
                import_id INTEGER NOT NULL)""",
            """CREATE TABLE survey_invitations (
                survey_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL,
                period_start DATE NOT NULL, period_end DATE NOT NULL, period_label VARCHAR,
                invited DOUBLE, note VARCHAR, source VARCHAR, import_id INTEGER NOT NULL)""",
        ],
    ),
    (
        4,
        "engagement: social media posts, engagement plan activities, service stages, stage names",
        [
            """CREATE TABLE social_posts (
                channel VARCHAR NOT NULL, post_id VARCHAR NOT NULL, area_code VARCHAR NOT NULL,
                posted_start DATE, posted_end DATE, posted_label VARCHAR, text VARCHAR,
                impressions DOUBLE, engagements DOUBLE, clicks DOUBLE, link VARCHAR,
                source VARCHAR, import_id INTEGER NOT NULL)""",
            """CREATE TABLE engagement_activities (
                area_code VARCHAR NOT NULL, activity_id VARCHAR NOT NULL, activity VARCHAR,
                level VARCHAR, communities VARCHAR, status VARCHAR, lead VARCHAR,
                purpose VARCHAR, start_start DATE, start_end DATE, start_label VARCHAR,
                end_start DATE, end_end DATE, end_label VARCHAR, standards VARCHAR,
                attendance DOUBLE, who_involved VARCHAR, learning_points VARCHAR,
                source VARCHAR, import_id INTEGER NOT NULL)""",
            """CREATE TABLE service_stages (
                area_code VARCHAR NOT NULL, service VARCHAR NOT NULL,
                period_start DATE NOT NULL, period_end DATE NOT NULL, period_label VARCHAR,
                stage DOUBLE, target_stage DOUBLE, target_start DATE, target_end DATE,
                target_label VARCHAR, note VARCHAR, source VARCHAR,
                import_id INTEGER NOT NULL)""",
            """CREATE TABLE stage_names (
                stage DOUBLE NOT NULL, name VARCHAR, import_id INTEGER NOT NULL)""",
        ],
    ),
    (
        5,
        "decks: saved meeting decks, by name",
        [
            # A deck is a list of chart specs, not figures, so reopening it shows fresh data.
            """CREATE TABLE decks (
                name VARCHAR PRIMARY KEY, body VARCHAR NOT NULL, saved_at TIMESTAMP,
                saved_by VARCHAR)""",
        ],
    ),
    (
        6,
        "audit log: who imported, edited, undid, exported or signed in, and when",
        [
            """CREATE SEQUENCE audit_seq START 1""",
            """CREATE TABLE audit (
                audit_id BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
                happened_at TIMESTAMP NOT NULL, who VARCHAR NOT NULL, role VARCHAR,
                action VARCHAR NOT NULL, import_id INTEGER, detail VARCHAR)""",
        ],
    ),
    (
        7,
        "remembered mappings of statistics-table rows onto indicators",
        [
            """CREATE TABLE table_mappings (
                table_key VARCHAR NOT NULL, series VARCHAR NOT NULL, indicator_id VARCHAR,
                who VARCHAR, saved_at TIMESTAMP, PRIMARY KEY (table_key, series))""",
        ],
    ),    (
        9,
        "working decks: the deck each user is building, kept as it changes",
        [
            # One row per deck being built; the slideshow link names it by deck_id, so another
            # window (or the same one after a restart) opens the same deck.
            """CREATE TABLE working_decks (
                deck_id VARCHAR PRIMARY KEY, owner VARCHAR NOT NULL, body VARCHAR NOT NULL,
                updated_at TIMESTAMP NOT NULL)""",
        ],
    ),
    (
        10,
        "an index on the import id of every table imports add rows to (PostgreSQL)",
        # A read copy catches up after an import by fetching that import's rows by id; without
        # an index PostgreSQL read every row of every such table for it. BRIN, not B-tree:
        # rows are appended import by import, so a block range's smallest and largest id
        # find them, and a million-row import pays a fraction of what a B-tree's per-row
        # upkeep costs. A DuckDB file keeps the same smallest and largest per row group
        # (zone maps) by itself.
        [PostgresOnly(f"CREATE INDEX IF NOT EXISTS {table}_by_import ON {table} "
                      "USING brin (import_id) WITH (autosummarize = on)")
         for table in _APPENDED_BY_MIGRATION_10],
    ),
]
MIGRATIONS.sort(key=lambda migration: migration[0])
SCHEMA_VERSION = MIGRATIONS[-1][0]
