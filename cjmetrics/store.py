"""The store: the only module that talks to DuckDB.

One DuckDB file holds the catalogue, every imported figure and the audit record of every import.
Nothing is overwritten in place: an upload adds rows tagged with its import id, the current value
of a figure is the row from the newest import that has not been undone, and undoing an import only
flips its status. One read-write connection per process; each query gets its own cursor (DuckDB
cursors are cheap and safe to use from Streamlit's script threads); a lock serialises writes.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Sequence

import duckdb
import pandas as pd

from . import access, config
from .errors import (AccessDenied, CatalogueError, DiskFullError, ImportRejected, NewerStoreError,
                     ReadOnlyError, StoreError, StoreLockedError)

_log = logging.getLogger("cjmetrics")

# --------------------------------------------------------------------------------------------
# Schema. Append a migration to change it; never edit one that has shipped.
# --------------------------------------------------------------------------------------------

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
                text VARCHAR NOT NULL, outcome_ids VARCHAR, confirmed BOOLEAN, description VARCHAR)""",
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
    ),    # -- decks (Present page) --
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
    # -- surveys (issue 5) --
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
    # -- export formats (issue 6) --------------------------------------------------------------
    (
        7,
        "remembered mappings of statistics-table rows onto indicators",
        [
            """CREATE TABLE table_mappings (
                table_key VARCHAR NOT NULL, series VARCHAR NOT NULL, indicator_id VARCHAR,
                who VARCHAR, saved_at TIMESTAMP, PRIMARY KEY (table_key, series))""",
        ],
    ),
    # -- end export formats ---------------------------------------------------------------------
    (
        4,
        "engagement: social media posts, engagement plan activities, service stages, stage names",
        [
            # -- engagement (issue 5) --
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
    # -- end decks --
    # -- working decks (Present page, migration 9) --
    (
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
    # -- end working decks --
    # -- access, audit and safe operation (migration 6) --
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
    # -- end access, audit and safe operation --
]
# Features add their migrations in their own blocks above; they are applied by number.
MIGRATIONS.sort(key=lambda migration: migration[0])
SCHEMA_VERSION = MIGRATIONS[-1][0]


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
# -- surveys (issue 5) --
SURVEY_ANSWERS = RevisedTable(
    "survey_answers",
    ("survey_id", "area_code", "period_start", "period_end", "respondent_id", "question_id",
     "item_id"),
    ("period_label", "answer", "source"))
SURVEY_INVITATIONS = RevisedTable(
    "survey_invitations", ("survey_id", "area_code", "period_start", "period_end"),
    ("period_label", "invited", "note", "source"))
SURVEY_TABLES = (SURVEY_ANSWERS, SURVEY_INVITATIONS)
# -- end surveys --
# -- engagement (issue 5) --
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
# -- end engagement --
REVISED_TABLES = (OBSERVATIONS, TARGETS, ANNOTATIONS, SELF_ASSESSMENTS, QI_EVALUATIONS,
                  PRIORITY_OUTCOMES, EVIDENCE_NOTES, INDICATOR_EDITS, SETTINGS) + SURVEY_TABLES \
    + ENGAGEMENT_TABLES

# Columns that decide whether a re-uploaded row is "unchanged" (labels are derived, not data).
_COMPARED = {spec.table: tuple(v for v in spec.values if v not in ("period_label",))
             for spec in REVISED_TABLES}
_COMPARED["observations"] = ("value", "numerator", "denominator", "lower", "upper", "note",
                             "source")
_COMPARED["annotations"] = ("text", "source")
_COMPARED["social_posts"] = tuple(
    v for v in SOCIAL_POSTS.values if v != "posted_label")
_COMPARED["engagement_activities"] = tuple(
    v for v in ENGAGEMENT_ACTIVITIES.values if v not in ("start_label", "end_label"))
_COMPARED["service_stages"] = tuple(v for v in SERVICE_STAGES.values if v != "target_label")

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
# -- surveys (issue 5): definitions in data/surveys/, loaded the same way --
SURVEY_FILES: dict[str, str] = {
    "surveys": "surveys.csv",
    "survey_questions": "survey_questions.csv",
    "survey_options": "survey_options.csv",
    "survey_items": "survey_items.csv",
}


@dataclass
class StagedRows:
    """Canonical rows held in a TEMP table on one of this store's cursors."""

    cursor: duckdb.DuckDBPyConnection
    table: str
    count: int

    def __len__(self) -> int:
        return self.count


@dataclass
class ImportResult:
    """What an import did (or would do, for a preview)."""

    import_id: int | None
    rows_read: int
    rows_new: int
    rows_revised: int
    rows_unchanged: int
    duplicate_of: int | None = None
    changes: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    data_version: int | None = None  # the store's version when a preview was made

    @property
    def message(self) -> str:
        if self.duplicate_of is not None:
            return (f"This file was already imported as import #{self.duplicate_of}; "
                    "nothing was changed.")
        if self.rows_new + self.rows_revised == 0:
            return f"All {self.rows_read:,} rows match the store already; nothing was changed."
        if self.import_id is None:
            return (f"{self.rows_new:,} new, {self.rows_revised:,} revised and "
                    f"{self.rows_unchanged:,} unchanged rows: nothing is written until you import.")
        return (f"Import #{self.import_id}: {self.rows_new:,} new, {self.rows_revised:,} revised, "
                f"{self.rows_unchanged:,} unchanged.")


def _bump_data_version(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")


def _catalogue_fingerprint(files: list[tuple[str, Path]]) -> int | None:
    """A digest of the catalogue files and the schema they load into (None if one is missing),
    as a BIGINT so it fits the meta table."""
    digest = hashlib.sha256(str(SCHEMA_VERSION).encode())
    for table, path in files:
        if not path.exists():
            return None
        digest.update(f"{table}:{path.name}:".encode())
        digest.update(path.read_bytes())
    return int(digest.hexdigest()[:15], 16)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- access, audit and safe operation: helpers --
_DISK_FULL = ("The disk holding the data store {path} is full, so the change could not be saved; "
              "nothing from it was written and everything saved before is intact. Free some space "
              "(or move the store to a larger disk) and try again.")


def _who(who: str | None) -> str:
    """The name a change is recorded against: the caller's, else the acting user's."""
    return access.current().name if who in (None, "", "local") else str(who)


def _audit(cur: duckdb.DuckDBPyConnection, action: str, detail: str | None, *,
           import_id: int | None = None, who: str | None = None) -> None:
    """One audit row, inside the caller's transaction (so it commits with the change)."""
    actor = access.current()
    cur.execute("INSERT INTO audit (happened_at, who, role, action, import_id, detail) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [_now(), who or actor.name, actor.role, action, import_id, detail])
# -- end access, audit and safe operation: helpers --


class Store:
    """A DuckDB file with the cjmetrics schema. Use `open_store()` to share one per process."""

    def __init__(self, path: Path | str, *, read_only: bool | None = None):
        self.path = Path(path)
        # CJMETRICS_READ_ONLY=1 opens the file read-only: DuckDB itself then refuses writes.
        self.read_only = access.read_only() if read_only is None else read_only
        if self.read_only and not self.path.exists():
            raise StoreError(
                f"There is no data store at {self.path}, and this dashboard is read-only "
                "(CJMETRICS_READ_ONLY=1), so it cannot create one. Point CJMETRICS_DB at an "
                "existing store, or run `python -m cjmetrics init` first.")
        if not self.read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = duckdb.connect(str(self.path), read_only=self.read_only)
        except duckdb.IOException as exc:
            text = str(exc).lower()
            if "permission denied" in text or "read-only file system" in text:
                raise StoreError(
                    f"The data store {self.path} cannot be written: the file or its folder is "
                    "read-only for this program. Give it write permission, or set "
                    "CJMETRICS_READ_ONLY=1 to browse it without changes.",
                    title="The data store is read-only") from exc
            if "no space left" in text:
                raise DiskFullError(_DISK_FULL.format(path=self.path)) from exc
            if "lock" in text:
                raise StoreLockedError(
                    f"The data store {self.path} is open in another program (perhaps the "
                    "dashboard or another cjmetrics command). Close it, or point CJMETRICS_DB "
                    "at another file, and try again.") from exc
            if "not a valid duckdb database" in text:
                # DuckDB reports a damaged or foreign file as an I/O error; say what to do.
                raise StoreError(
                    f"{self.path} is not a cjmetrics data store: it is not a DuckDB file, or it "
                    "is damaged. Point CJMETRICS_DB at another file, or move this one aside and "
                    "run `python -m cjmetrics init` to create a new store.") from exc
            raise StoreError(
                f"The data store {self.path} could not be opened ({exc}). Check that the folder "
                "exists and you may write to it, or point CJMETRICS_DB at another file.") from exc
        except duckdb.Error as exc:
            raise StoreError(
                f"{self.path} is not a cjmetrics data store DuckDB can read ({exc}). "
                "Point CJMETRICS_DB at another file, or move this one aside.") from exc
        self._write_lock = threading.RLock()

    # -- plumbing -----------------------------------------------------------------------------
    def close(self) -> None:
        self._conn.close()

    def query(self, sql: str, params: Sequence | dict | None = None) -> pd.DataFrame:
        """Run a read query on its own cursor and return a DataFrame."""
        cur = self._conn.cursor()
        try:
            return cur.execute(sql, params or []).df()
        finally:
            cur.close()

    def scalar(self, sql: str, params: Sequence | dict | None = None):
        cur = self._conn.cursor()
        try:
            row = cur.execute(sql, params or []).fetchone()
            return None if row is None else row[0]
        finally:
            cur.close()

    @contextmanager
    def transaction(self, *, bump: bool = True,
                    cur: duckdb.DuckDBPyConnection | None = None,
                    role: str | None = "editor", doing: str = "change the data store"
                    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """One write transaction under the process write lock; rolled back on any error, and
        the data version bumped on success so cached page data is refreshed everywhere.
        `cur` runs it on a given cursor (one holding staged TEMP tables). The acting user must
        hold `role` (None: anyone, for the audit log) and the store must not be read-only."""
        self._check_write(role, doing)
        with self._write_lock:
            own = cur is None
            cur = cur or self._conn.cursor()
            cur.begin()
            try:
                yield cur
                if bump:
                    _bump_data_version(cur)
                cur.commit()
            except BaseException as exc:
                try:
                    cur.rollback()
                except duckdb.Error:
                    pass  # a failed COMMIT has already ended the transaction
                if isinstance(exc, duckdb.Error) and "no space left" in str(exc).lower():
                    raise DiskFullError(_DISK_FULL.format(path=self.path)) from exc
                raise
            finally:
                if own:
                    cur.close()

    def _check_write(self, role: str | None, doing: str) -> None:
        if self.read_only or access.read_only():
            raise ReadOnlyError(
                f"This dashboard is running read-only (CJMETRICS_READ_ONLY=1 or a read-only "
                f"store), so nobody can {doing} here. Use the partnership's editing copy of "
                "cjmetrics to make changes.")
        if role is not None:
            access.require(role, doing)

    def data_version(self) -> int:
        """Bumped by every committed write; pages key their caches on it."""
        # Every cached read of every rerun asks, so one indexed lookup and no catalogue scan
        # (a duckdb_tables() check cost more than the lookup itself).
        try:
            return int(self.scalar("SELECT value FROM meta WHERE key = 'data_version'"))
        except duckdb.CatalogException:  # not migrated yet
            return 0

    def _has_table(self, name: str) -> bool:
        return bool(self.scalar(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main'",
            [name]))

    # -- schema -------------------------------------------------------------------------------
    def schema_version(self) -> int:
        if not self._has_table("schema_version"):
            return 0
        return int(self.scalar("SELECT coalesce(max(version), 0) FROM schema_version"))

    def _newer_store(self, current: int) -> NewerStoreError:
        return NewerStoreError(
            f"{self.path} was written by a newer cjmetrics (schema {current}, this one knows "
            f"{SCHEMA_VERSION}). Update cjmetrics, or restore a backup made with this version.")

    def migrate(self) -> list[int]:
        """Apply the migrations this file lacks, each in its own transaction. Idempotent."""
        if self.read_only:
            current = self.schema_version()
            if current > SCHEMA_VERSION:
                raise self._newer_store(current)
            if current < SCHEMA_VERSION:
                raise ReadOnlyError(
                    f"{self.path} needs upgrading to this version of cjmetrics (schema {current} "
                    f"to {SCHEMA_VERSION}), which a read-only dashboard cannot do. Run `python -m "
                    "cjmetrics init` once without CJMETRICS_READ_ONLY, then start it again.")
            return []
        with self._write_lock:
            cur = self._conn.cursor()
            try:
                cur.execute("""CREATE TABLE IF NOT EXISTS schema_version (
                    version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)""")
            finally:
                cur.close()
            current = self.schema_version()
            if current > SCHEMA_VERSION:
                raise self._newer_store(current)
            # By membership, not by "above the current version": features land in any order, so
            # a store may hold 7 but not yet 5.
            done = {row[0] for row in self.query("SELECT version FROM schema_version").itertuples(
                index=False)}
            applied = []
            for version, description, statements in MIGRATIONS:
                if version in done:
                    continue
                cur = self._conn.cursor()
                cur.begin()
                try:
                    for statement in statements:
                        cur.execute(statement)
                    cur.execute("INSERT INTO schema_version VALUES (?, ?, ?)",
                                [version, description, _now()])
                    cur.commit()
                except BaseException:
                    cur.rollback()
                    raise
                finally:
                    cur.close()
                applied.append(version)
            return applied

    # -- catalogue ----------------------------------------------------------------------------
    def load_catalogue(self, directory: Path | None = None,
                       survey_directory: Path | None = None) -> dict[str, int]:
        """Add catalogue rows the store lacks. Rows already present are left as they are, so
        edits made in the app survive an upgrade and running init twice changes nothing.
        The survey definitions (data/surveys/) are loaded the same way."""
        directory = Path(directory or config.CATALOGUE_DIR)
        survey_directory = Path(survey_directory or config.SURVEYS_DIR)
        files = [(table, directory / name) for table, name in CATALOGUE_FILES.items()] + \
            [(table, survey_directory / name) for table, name in SURVEY_FILES.items()]
        added: dict[str, int] = {table: 0 for table, _ in files}
        # Every app start runs this: when the files are the ones last loaded (same bytes, same
        # schema) nothing can be missing, so skip reading them (a fifth of a cold start).
        self._check_write("admin", "change the catalogue")  # even when nothing would change
        fingerprint = _catalogue_fingerprint(files)
        if fingerprint is not None and self._has_table("meta") and self.scalar(
                "SELECT value FROM meta WHERE key = 'catalogue_fingerprint'") == fingerprint:
            return added
        with self.transaction(bump=False, role="admin", doing="change the catalogue") as cur:
            for table, path in files:
                if not path.exists():
                    raise CatalogueError(f"The catalogue file {path} is missing. Restore it from "
                                         "the cjmetrics repository and run init again.")
                expected = [r[0] for r in cur.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                    "ORDER BY column_index", [table]).fetchall()]
                rel = cur.read_csv(str(path), header=True, all_varchar=True)
                missing = sorted(set(expected) - set(rel.columns))
                if missing:
                    raise CatalogueError(f"The catalogue file {path.name} lacks the column(s) "
                                         f"{', '.join(missing)}.")
                before = cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                cols = ", ".join(expected)
                cur.register("catalogue_rows", rel.select(*expected))
                cur.execute(f"INSERT OR IGNORE INTO {table} ({cols}) "
                            f"SELECT {cols} FROM catalogue_rows")
                cur.unregister("catalogue_rows")
                added[table] = cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0] - before
            if any(added.values()):
                _bump_data_version(cur)
            if fingerprint is not None:
                cur.execute("INSERT OR REPLACE INTO meta VALUES ('catalogue_fingerprint', ?)",
                            [fingerprint])
        return added

    # -- revisions ----------------------------------------------------------------------------
    @staticmethod
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

    def compare(self, spec: RevisedTable, rows: pd.DataFrame,
                cur: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
        """Classify incoming canonical rows against the store: `change` is new, revised or
        unchanged, with the old values alongside (`old_<column>`)."""
        own = cur is None
        cur = cur or self._conn.cursor()
        try:
            cur.register("incoming", rows[list(spec.columns)])
            join = " AND ".join(f"n.{k} IS NOT DISTINCT FROM c.{k}" for k in spec.key)
            same = " AND ".join(f"n.{v} IS NOT DISTINCT FROM c.{v}" for v in _COMPARED[spec.table])
            olds = ", ".join(f"c.{v} AS old_{v}" for v in _COMPARED[spec.table])
            first_key = spec.key[0]
            where = f"t.{first_key} IN (SELECT DISTINCT {first_key} FROM incoming)"
            result = cur.execute(f"""
                WITH c AS ({self.current_sql(spec, where)})
                SELECT n.*, {olds},
                       CASE WHEN c.{first_key} IS NULL THEN 'new'
                            WHEN {same} THEN 'unchanged' ELSE 'revised' END AS change
                FROM incoming n LEFT JOIN c ON {join}""").df()
            cur.unregister("incoming")
            return result
        finally:
            if own:
                cur.close()

    # -- classifying and committing rows ------------------------------------------------------
    # Rows arrive either as a DataFrame (demo data, edits, tests) or as a table already staged
    # on a cursor of this store (uploads: see ingest/), so a million-row file is compared and
    # written inside DuckDB without a trip through pandas.
    def staging_cursor(self) -> duckdb.DuckDBPyConnection:
        """A private cursor whose TEMP tables hold an upload while it is checked."""
        return self._conn.cursor()

    def _source(self, spec: RevisedTable, rows: pd.DataFrame | StagedRows,
                cur: duckdb.DuckDBPyConnection) -> str:
        if isinstance(rows, StagedRows):
            return rows.table
        cur.register("incoming_frame", rows[list(spec.columns)])
        return "incoming_frame"

    def _classify(self, spec: RevisedTable, source: str,
                  cur: duckdb.DuckDBPyConnection) -> dict[str, int]:
        """Define TEMP view _changes on `cur`: every incoming row with `change` (new, revised,
        unchanged) and the values it would replace (`old_<column>`). A view, not a table: the
        counts, the sample and the insert each stream through it, so a million-row upload is
        never copied once more."""
        compared = _COMPARED[spec.table]
        join = " AND ".join(f"n.{k} = c.{k}" for k in spec.key)
        same = " AND ".join(f"n.{v} IS NOT DISTINCT FROM c.{v}" for v in compared)
        olds = ", ".join(f"c.{v} AS old_{v}" for v in compared)
        first = spec.key[0]
        where = f"t.{first} IN (SELECT DISTINCT {first} FROM {source})"
        cur.execute(f"""
            CREATE OR REPLACE TEMP VIEW _changes AS
            WITH c AS ({self.current_sql(spec, where)})
            SELECT {', '.join(f'n.{c}' for c in spec.columns)}, {olds},
                   CASE WHEN c.{first} IS NULL THEN 'new'
                        WHEN {same} THEN 'unchanged' ELSE 'revised' END AS change
            FROM {source} n LEFT JOIN c ON {join}""")
        # Nothing stored yet under any of the incoming first keys (a first load, a new
        # indicator): every row is new, without joining a large upload to the store.
        if not cur.execute(f"SELECT count(*) FROM (SELECT 1 FROM {spec.table} WHERE {first} IN "
                           f"(SELECT DISTINCT {first} FROM {source}) LIMIT 1)").fetchone()[0]:
            return {"new": int(cur.execute(f"SELECT count(*) FROM {source}").fetchone()[0]),
                    "revised": 0, "unchanged": 0}
        counts = dict(cur.execute("SELECT change, count(*) FROM _changes GROUP BY ALL").fetchall())
        return {k: int(counts.get(k, 0)) for k in ("new", "revised", "unchanged")}

    @staticmethod
    def _change_sample(cur: duckdb.DuckDBPyConnection, per_kind: int = 1000,
                       counts: dict[str, int] | None = None, spec: RevisedTable | None = None,
                       source: str | None = None, ordered_by: str | None = None
                       ) -> pd.DataFrame:
        """Up to `per_kind` rows of each kind of change (LIMITs stop each scan early; a kind
        known to be absent is not searched for through the whole upload)."""
        kinds = [k for k in ("new", "revised", "unchanged") if counts is None or counts.get(k)]
        if kinds == ["new"] and source is not None:
            # All new: the first rows of the upload itself, without building the store's
            # current rows to join them to.
            # Typed NULLs (the column's own type), as the join would give.
            olds = ", ".join(f"(SELECT {v} FROM {spec.table} LIMIT 0) AS old_{v}"
                             for v in _COMPARED[spec.table])
            order = f"ORDER BY {ordered_by}" if ordered_by else ""
            return cur.execute(f"SELECT {', '.join(spec.columns)}, {olds}, 'new' AS change "
                               f"FROM {source} {order} LIMIT {per_kind}").df()
        return cur.execute(" UNION ALL ".join(
            f"(SELECT * FROM _changes WHERE change = '{kind}' LIMIT {per_kind})"
            for kind in kinds or ["new"])).df()

    def compare(self, spec: RevisedTable, rows: pd.DataFrame,
                cur: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
        """Classify canonical rows against the store: `change` is new, revised or unchanged,
        with the old values alongside (`old_<column>`). Every row, for small inputs."""
        own = cur is None
        cur = cur or self._conn.cursor()
        try:
            self._classify(spec, self._source(spec, rows, cur), cur)
            return cur.execute("SELECT * FROM _changes").df()
        finally:
            if own:
                cur.close()

    def preview_rows(self, spec: RevisedTable, rows: pd.DataFrame | StagedRows, *,
                     kind: str | None = None, sha256: str | None = None) -> ImportResult:
        """What committing these rows would do, without writing anything. `changes` holds up
        to 1,000 rows of each kind of change, for display."""
        earlier = self._committed_with_hash(sha256, kind)
        cur = rows.cursor if isinstance(rows, StagedRows) else self._conn.cursor()
        try:
            version = self.data_version()
            source = self._source(spec, rows, cur)
            counts = self._classify(spec, source, cur)
            return ImportResult(None, len(rows), counts["new"], counts["revised"],
                                counts["unchanged"], duplicate_of=earlier,
                                changes=self._change_sample(
                                    cur, counts=counts, spec=spec, source=source,
                                    # an upload's rows in file order, as the preview lists them
                                    ordered_by="_row" if isinstance(rows, StagedRows) else None),
                                data_version=version)
        finally:
            if not isinstance(rows, StagedRows):
                cur.close()

    def _committed_with_hash(self, sha256: str | None, kind: str | None) -> int | None:
        if not sha256:
            return None
        earlier = self.scalar("SELECT min(import_id) FROM imports WHERE sha256 = ? AND kind = ? "
                              "AND status = 'committed'", [sha256, kind])
        return None if earlier is None else int(earlier)

    def commit_rows(self, spec: RevisedTable, rows: pd.DataFrame | StagedRows, *, kind: str,
                    file_name: str | None, sha256: str | None, who: str | None = None,
                    summary: str | None = None, previewed: ImportResult | None = None,
                    lock_timeout: float | None = None, action: str = "import") -> ImportResult:
        """Write new and revised rows with their import record in ONE transaction.

        The same file (by SHA-256) already committed, or a file whose rows all match the store,
        changes nothing and says so. A preview made at the current data version is reused, so a
        checked upload is not compared twice."""
        if len(rows) == 0:
            raise ImportRejected("The file has no rows to import.")
        # Refused before any work: catalogue and settings changes need an admin.
        role = "admin" if spec.table in ("settings", "indicator_edits") else \
            access.role_for_kind(kind)
        self._check_write(role, "change the catalogue or settings" if role == "admin"
                          else "import or edit figures")
        who = _who(who)
        started = _now()
        if not self._write_lock.acquire(timeout=-1 if lock_timeout is None else lock_timeout):
            raise ImportRejected("Another import is being written to the store right now. Wait "
                                 "a moment and press Import again.",
                                 title="The store is busy")
        staged = isinstance(rows, StagedRows)
        cur = rows.cursor if staged else self._conn.cursor()
        try:
            earlier = self._committed_with_hash(sha256, kind)
            if earlier is not None:
                return ImportResult(None, len(rows), 0, 0, len(rows), duplicate_of=earlier)
            # Classified under the write lock, so no other writer can slip in before the commit.
            if staged and previewed is not None and \
                    previewed.data_version == self.data_version():
                counts = {"new": previewed.rows_new, "revised": previewed.rows_revised,
                          "unchanged": previewed.rows_unchanged}
            else:
                counts = self._classify(spec, self._source(spec, rows, cur), cur)
            n_new, n_rev, n_same = counts["new"], counts["revised"], counts["unchanged"]
            sample = previewed.changes if previewed is not None and staged \
                else self._change_sample(cur, counts=counts)
            if n_new + n_rev == 0:
                return ImportResult(None, len(rows), 0, 0, n_same, changes=sample)
            cols = ", ".join(spec.columns)
            with self.transaction(cur=cur) as tx:
                import_id = tx.execute("SELECT nextval('import_seq')").fetchone()[0]
                tx.execute(
                    "INSERT INTO imports VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'committed', "
                    "NULL, NULL, ?)",
                    [import_id, kind, file_name, sha256, len(rows), n_new, n_rev, n_same, who,
                     started, _now(), summary])
                # Every row new (a fresh month, a first load): write straight from the source
                # rather than joining it to the store's current rows once more.
                source = self._source(spec, rows, cur) if n_rev + n_same == 0 else \
                    "_changes WHERE change <> 'unchanged'"
                tx.execute(f"INSERT INTO {spec.table} ({cols}, import_id) "
                           f"SELECT {cols}, ? FROM {source}", [import_id])
                _audit(tx, action, f"{kind}: {file_name or ''} ({n_new} new, {n_rev} revised)",
                       import_id=int(import_id), who=who)
            return ImportResult(int(import_id), len(rows), n_new, n_rev, n_same, changes=sample)
        finally:
            if not staged:
                cur.close()
            self._write_lock.release()

    def undo_import(self, import_id: int, who: str | None = None) -> None:
        """Mark an import undone: its rows stop counting and the previous values come back."""
        who = _who(who)
        kind = self.scalar("SELECT kind FROM imports WHERE import_id = ?", [import_id])
        role = access.role_for_kind(kind)
        with self.transaction(role=role, doing="undo imports" if role == "editor" else
                              "undo catalogue or settings changes") as cur:
            status = cur.execute("SELECT status FROM imports WHERE import_id = ?",
                                 [import_id]).fetchone()
            if status is None:
                raise ImportRejected(f"There is no import #{import_id}. List imports with "
                                     "`python -m cjmetrics imports`.", title="Nothing was undone")
            if status[0] != "committed":
                raise ImportRejected(f"Import #{import_id} is already undone.",
                                     title="Nothing was undone")
            cur.execute("UPDATE imports SET status = 'undone', undone_at = ?, undone_by = ? "
                        "WHERE import_id = ?", [_now(), who, import_id])
            _audit(cur, "undo", f"import #{import_id} ({kind})", import_id=import_id, who=who)

    # -- decks (Present page) -------------------------------------------------------------------
    # A saved deck is a layout, not data: saving one does not bump the data version, so no
    # page's cached figures are thrown away. Decks are read uncached (they are a few KB).
    def save_deck(self, name: str, body: str, who: str = "local") -> None:
        with self.transaction(bump=False, role="viewer", doing="save a deck") as cur:
            cur.execute("INSERT OR REPLACE INTO decks VALUES (?, ?, ?, ?)",
                        [name, body, _now(), who])

    def deck_body(self, name: str) -> str | None:
        return self.scalar("SELECT body FROM decks WHERE name = ?", [name])

    def decks(self) -> pd.DataFrame:
        """name, saved_at, saved_by of every saved deck, most recently saved first."""
        return self.query("SELECT name, saved_at, saved_by FROM decks "
                          "ORDER BY saved_at DESC, name")

    def delete_deck(self, name: str) -> None:
        with self.transaction(bump=False, role="viewer", doing="delete a deck") as cur:
            cur.execute("DELETE FROM decks WHERE name = ?", [name])
    # -- end decks --
    # -- deck ownership and working decks (Present page) --
    # A saved deck belongs to whoever saved it first: anyone may open (and so copy) it, but only
    # its author or an admin may replace or delete it. Checked here so no page can forget.
    def deck_owner(self, name: str) -> str | None:
        return self.scalar("SELECT saved_by FROM decks WHERE name = ?", [name])

    def _check_deck_owner(self, cur, name: str, doing: str) -> None:
        owner = cur.execute("SELECT saved_by FROM decks WHERE name = ?", [name]).fetchone()
        actor = access.current()
        if owner is not None and owner[0] != actor.name and not actor.can("admin"):
            raise AccessDenied(
                f"The deck '{name}' belongs to {owner[0]}, so only they or an administrator "
                f"can {doing} it. Open it and save your copy under another name.")

    def save_own_deck(self, name: str, body: str) -> None:
        """Save a deck under `name` for the acting user; refused when someone else's deck has
        that name."""
        who = access.current().name
        with self.transaction(bump=False, role="viewer", doing="save a deck") as cur:
            self._check_deck_owner(cur, name, "replace")
            cur.execute("INSERT OR REPLACE INTO decks VALUES (?, ?, ?, ?)",
                        [name, body, _now(), who])

    def delete_own_deck(self, name: str) -> bool:
        """Delete a saved deck if the acting user saved it or is an admin; False when there was
        no such deck."""
        with self.transaction(bump=False, role="viewer", doing="delete a deck") as cur:
            self._check_deck_owner(cur, name, "delete")
            found = cur.execute("SELECT count(*) FROM decks WHERE name = ?", [name]).fetchone()
            cur.execute("DELETE FROM decks WHERE name = ?", [name])
            return bool(found[0])

    def put_working_deck(self, deck_id: str, body: str) -> None:
        """Keep the deck being built (a layout, not data: no data-version bump). A deck id kept
        for another user is not this user's to overwrite."""
        who = access.current().name
        with self.transaction(bump=False, role="viewer", doing="keep a deck") as cur:
            owner = cur.execute("SELECT owner FROM working_decks WHERE deck_id = ?",
                                [deck_id]).fetchone()
            if owner is not None and owner[0] != who:
                raise AccessDenied(f"This deck is being built by {owner[0]}: start your own "
                                   "deck, or ask them to save theirs so you can open a copy.")
            cur.execute("INSERT OR REPLACE INTO working_decks VALUES (?, ?, ?, ?)",
                        [deck_id, who, body, _now()])

    def working_deck(self, deck_id: str) -> str | None:
        return self.scalar("SELECT body FROM working_decks WHERE deck_id = ?", [deck_id])

    def latest_working_deck(self, owner: str) -> tuple[str, str] | None:
        """(deck_id, body) of the deck `owner` changed last, if any."""
        cur = self._conn.cursor()
        try:
            row = cur.execute("SELECT deck_id, body FROM working_decks WHERE owner = ? "
                              "ORDER BY updated_at DESC LIMIT 1", [owner]).fetchone()
        finally:
            cur.close()
        return None if row is None else (row[0], row[1])
    # -- end deck ownership and working decks --

    # -- reads --------------------------------------------------------------------------------
    def areas(self) -> pd.DataFrame:
        """Every area with whether it holds any figure, in display order."""
        return self.query("""
            SELECT a.*, p.name AS parent_name,
                   a.area_code IN (SELECT DISTINCT area_code FROM observations
                                   WHERE import_id IN (SELECT import_id FROM imports
                                                       WHERE status = 'committed')) AS has_data
            FROM areas a LEFT JOIN areas p ON p.area_code = a.parent_code
            ORDER BY a.sort_order, a.name""")

    def settings(self) -> dict[str, str]:
        """Current settings (key -> value), edited in the app and undoable like any import."""
        frame = self.query(self.current_sql(SETTINGS))
        return dict(zip(frame["key"], frame["value"]))

    def rag_defaults(self) -> dict[str, float]:
        """The global RAG bands (shares of target) that indicators without their own use."""
        settings = self.settings()
        return {band: float(settings.get(band, default)) for band, default in DEFAULT_RAG.items()}

    def indicators(self) -> pd.DataFrame:
        """Indicators with their framework and outcome, in catalogue order.

        A catalogue row is overlaid by its newest committed edit; indicators a partnership added
        exist only as edits (framework 'local'). `rag_green`/`rag_amber` fall back to the global
        defaults, and `rag_own` says whether the indicator sets its own bands."""
        defaults = self.rag_defaults()
        return self.query(f"""
            WITH e AS ({self.current_sql(INDICATOR_EDITS)}),
            merged AS (
                SELECT coalesce(i.indicator_id, e.indicator_id) AS indicator_id,
                       coalesce(e.name, i.name) AS name,
                       coalesce(e.short_name, i.short_name, e.name) AS short_name,
                       coalesce(i.framework_id, 'local') AS framework_id,
                       coalesce(e.outcome_id, i.outcome_id) AS outcome_id,
                       coalesce(e.unit, i.unit) AS unit,
                       coalesce(e.polarity, i.polarity) AS polarity,
                       coalesce(e.period_type, i.period_type) AS period_type,
                       coalesce(e.source, i.source) AS source,
                       coalesce(e.description, i.description) AS description,
                       coalesce(i.confirmed, true) OR e.indicator_id IS NOT NULL AS confirmed,
                       coalesce(i.headline, false) AS headline,
                       coalesce(e.rag_green, i.rag_green, $green) AS rag_green,
                       coalesce(e.rag_amber, i.rag_amber, $amber) AS rag_amber,
                       coalesce(e.rag_green, i.rag_green) IS NOT NULL AS rag_own,
                       coalesce(i.decimals, CASE coalesce(e.unit, i.unit)
                                WHEN 'count' THEN 0 ELSE 1 END) AS decimals,
                       coalesce(i.sort_order, 100000) AS sort_order,
                       i.indicator_id IS NULL AS local
                FROM indicators i FULL OUTER JOIN e USING (indicator_id))
            SELECT m.*, f.name AS framework_name, o.number AS outcome_number,
                   o.short_name AS outcome_short_name, o.title AS outcome_title
            FROM merged m
            LEFT JOIN frameworks f USING (framework_id)
            LEFT JOIN outcomes o USING (outcome_id)
            ORDER BY m.sort_order, m.indicator_id""", {"green": defaults["rag_green"],
                                                       "amber": defaults["rag_amber"]})

    def current(self, spec: RevisedTable, area_codes: Sequence[str] | None = None) -> pd.DataFrame:
        """The current rows of any revised table, optionally for some areas."""
        where = "TRUE" if area_codes is None or "area_code" not in spec.columns else \
            "t.area_code IN (SELECT unnest($areas::VARCHAR[]))"
        params = {} if where == "TRUE" else {"areas": list(area_codes)}
        return self.query(self.current_sql(spec, where), params)

    def outcomes(self, framework_id: str | None = None) -> pd.DataFrame:
        return self.query("SELECT * FROM outcomes WHERE ? IS NULL OR framework_id = ? "
                          "ORDER BY framework_id, number", [framework_id, framework_id])

    def catalogue_table(self, table: str) -> pd.DataFrame:
        if table not in CATALOGUE_FILES:
            raise ValueError(f"not a catalogue table: {table}")
        # Ordered by key (each table's first columns): INSERT OR IGNORE does not keep the file's
        # row order, and numbering that depends on it (Improvement Tool items 1, 2) must not
        # change from one store to the next.
        return self.query(f"SELECT * FROM {table} ORDER BY ALL")

    def series(self, indicator_ids: Sequence[str], area_codes: Sequence[str],
               start=None, end=None) -> pd.DataFrame:
        """Current totals per indicator, area and period, oldest first.

        A period with no total row is totalled from its breakdown rows when the indicator is a
        count (channels add up; percentages do not). Local indicators (which exist only as
        indicator edits) are included, with their edited unit."""
        where = ("t.indicator_id IN (SELECT unnest($ids::VARCHAR[])) "
                 "AND t.area_code IN (SELECT unnest($areas::VARCHAR[])) "
                 "AND ($start::DATE IS NULL OR t.period_end >= $start::DATE) "
                 "AND ($end::DATE IS NULL OR t.period_start <= $end::DATE)")
        return self.query(f"""
            WITH c AS ({self.current_sql(OBSERVATIONS, where)}),
            e AS ({self.current_sql(INDICATOR_EDITS,
                                    "t.indicator_id IN (SELECT unnest($ids::VARCHAR[]))")}),
            units AS (SELECT indicator_id, coalesce(e.unit, i.unit) AS unit
                      FROM indicators i FULL OUTER JOIN e USING (indicator_id))
            SELECT c.indicator_id, c.area_code, c.period_start, c.period_end,
                   any_value(c.period_label) AS period_label,
                   any_value(c.period_type) AS period_type,
                   CASE WHEN bool_or(c.breakdown = '')
                          THEN max(c.value) FILTER (WHERE c.breakdown = '')
                        WHEN any_value(i.unit) = 'count' THEN sum(c.value) END AS value,
                   max(c.numerator) FILTER (WHERE c.breakdown = '') AS numerator,
                   max(c.denominator) FILTER (WHERE c.breakdown = '') AS denominator,
                   max(c.lower) FILTER (WHERE c.breakdown = '') AS lower,
                   max(c.upper) FILTER (WHERE c.breakdown = '') AS upper,
                   string_agg(DISTINCT c.note, '; ') FILTER (WHERE c.breakdown = '') AS note,
                   string_agg(DISTINCT c.source, '; ') AS source,
                   NOT bool_or(c.breakdown = '') AS from_breakdown
            FROM c LEFT JOIN units i USING (indicator_id)
            GROUP BY c.indicator_id, c.area_code, c.period_start, c.period_end
            HAVING value IS NOT NULL
            ORDER BY c.indicator_id, c.area_code, c.period_start, c.period_end""",
            {"ids": list(indicator_ids), "areas": list(area_codes), "start": start, "end": end})

    def current_observations(self, indicator_ids: Sequence[str] | None = None,
                             area_codes: Sequence[str] | None = None) -> pd.DataFrame:
        """Every current figure (breakdown rows included), for export and editing."""
        where = ("($ids::VARCHAR[] IS NULL OR t.indicator_id IN (SELECT unnest($ids::VARCHAR[]))) "
                 "AND ($areas::VARCHAR[] IS NULL OR "
                 "t.area_code IN (SELECT unnest($areas::VARCHAR[])))")
        return self.query(
            self.current_sql(OBSERVATIONS, where)
            + " ORDER BY indicator_id, area_code, period_start, period_end, breakdown",
            {"ids": None if indicator_ids is None else list(indicator_ids),
             "areas": None if area_codes is None else list(area_codes)})

    def figure_pairs(self) -> pd.DataFrame:
        """The (indicator, area) pairs that hold any figure, for history pickers."""
        return self.query("SELECT DISTINCT indicator_id, area_code FROM observations "
                          "ORDER BY indicator_id, area_code")

    def revisions(self, indicator_id: str, area_code: str) -> pd.DataFrame:
        """Every revision of every figure of one indicator in one area, newest import first,
        with its import and whether it is the value that counts now."""
        return self.query("""
            SELECT o.period_label, o.breakdown, o.value, o.import_id, i.file_name, i.who,
                   i.committed_at, i.status,
                   o.import_id = max(o.import_id) FILTER (WHERE i.status = 'committed') OVER (
                       PARTITION BY o.period_start, o.period_end, o.breakdown) AS is_current
            FROM observations o JOIN imports i USING (import_id)
            WHERE o.indicator_id = ? AND o.area_code = ?
            ORDER BY o.period_start, o.period_end, o.breakdown, o.import_id DESC""",
            [indicator_id, area_code])

    def import_rows(self, import_id: int, limit: int = 1000) -> pd.DataFrame:
        """The rows an import wrote (observations, targets or annotations)."""
        frames = []
        for spec in (OBSERVATIONS, TARGETS, ANNOTATIONS):
            frame = self.query(f"SELECT * EXCLUDE (import_id) FROM {spec.table} "
                               f"WHERE import_id = ? LIMIT {int(limit)}", [import_id])
            if len(frame):
                frames.append(frame.assign(table=spec.table))
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def undo_preview(self, import_id: int, limit: int = 1000) -> pd.DataFrame:
        """What undoing an import would do to each of its figures: the value now and the value
        that comes back (blank when the figure disappears)."""
        return self.query(f"""
            WITH mine AS (SELECT * FROM observations WHERE import_id = $id),
            earlier AS (
                SELECT o.* FROM observations o JOIN mine m USING
                    (indicator_id, area_code, period_start, period_end, breakdown)
                WHERE o.import_id < $id
                  AND o.import_id IN (SELECT import_id FROM imports WHERE status = 'committed')
                QUALIFY row_number() OVER (PARTITION BY o.indicator_id, o.area_code,
                    o.period_start, o.period_end, o.breakdown ORDER BY o.import_id DESC) = 1),
            later AS (
                SELECT DISTINCT o.indicator_id, o.area_code, o.period_start, o.period_end,
                       o.breakdown
                FROM observations o JOIN mine m USING
                    (indicator_id, area_code, period_start, period_end, breakdown)
                WHERE o.import_id > $id
                  AND o.import_id IN (SELECT import_id FROM imports WHERE status = 'committed'))
            SELECT m.indicator_id, m.area_code, m.period_label, m.breakdown,
                   m.value AS value_in_import, e.value AS value_after_undo,
                   CASE WHEN l.indicator_id IS NOT NULL THEN 'kept: a later import revised it'
                        WHEN e.indicator_id IS NULL THEN 'removed'
                        ELSE 'previous value restored' END AS effect
            FROM mine m
            LEFT JOIN earlier e USING (indicator_id, area_code, period_start, period_end, breakdown)
            LEFT JOIN later l USING (indicator_id, area_code, period_start, period_end, breakdown)
            ORDER BY m.indicator_id, m.area_code, m.period_start
            LIMIT {int(limit)}""", {"id": import_id})

    def targets(self, indicator_ids: Sequence[str], area_codes: Sequence[str]) -> pd.DataFrame:
        where = ("t.indicator_id IN (SELECT unnest($ids::VARCHAR[])) "
                 "AND t.area_code IN (SELECT unnest($areas::VARCHAR[]))")
        return self.query(self.current_sql(TARGETS, where) + " ORDER BY indicator_id, area_code",
                          {"ids": list(indicator_ids), "areas": list(area_codes)})

    def annotations(self, indicator_ids: Sequence[str], area_codes: Sequence[str]) -> pd.DataFrame:
        where = ("t.indicator_id IN (SELECT unnest($ids::VARCHAR[])) "
                 "AND t.area_code IN (SELECT unnest($areas::VARCHAR[]))")
        return self.query(self.current_sql(ANNOTATIONS, where) + " ORDER BY period_start",
                          {"ids": list(indicator_ids), "areas": list(area_codes)})

    # -- engagement (issue 5) -------------------------------------------------------------------
    _BUCKETS = {
        "month": "m.period_start",
        "quarter": "CAST(date_trunc('quarter', m.period_start) AS DATE)",
        "year": "make_date(year(m.period_start) - CASE WHEN month(m.period_start) < 4 THEN 1 "
                "ELSE 0 END, 4, 1)",
    }

    def _engagement_where(self) -> str:
        """Rows of the area itself, or of its councils for the indicators a partnership holds
        no figures of its own for (its councils' figures add up to it)."""
        return ("t.indicator_id IN (SELECT unnest($ids::VARCHAR[])) AND t.period_type = 'month' "
                "AND (t.area_code = $area OR t.area_code IN (SELECT area_code FROM areas "
                "WHERE parent_code = $area AND $area IN (SELECT area_code FROM areas "
                "WHERE level = 'partnership')))")

    def engagement_rollup(self, indicator_ids: Sequence[str], area_code: str, grain: str,
                          by_breakdown: bool = False) -> pd.DataFrame:
        """Monthly engagement figures of an area added up by month, financial quarter or
        financial year, in one query.

        Counts are summed; percentages are recomputed as 100 x sum(numerator) /
        sum(denominator), and left blank when any month lacks its numerator or denominator
        (an average of monthly rates would weight a quiet month like a busy one). A partnership
        without its own figures for an indicator gets the sum of its councils
        (`from_councils`). `months` counts the months with figures in each period.
        With `by_breakdown`, one row per breakdown (channel:..., event:...) instead of totals."""
        bucket = self._BUCKETS[grain]
        if by_breakdown:
            monthly = """
                SELECT p.indicator_id, p.area_code, p.period_start, p.breakdown,
                       sum(p.value) AS value, sum(p.numerator) AS numerator,
                       sum(p.denominator) AS denominator, any_value(i.unit) AS unit,
                       string_agg(DISTINCT p.source, '; ') AS source
                FROM picked p JOIN indicators i USING (indicator_id)
                WHERE p.breakdown <> ''
                GROUP BY ALL"""
        else:
            # The total row where there is one, else the sum of a count's breakdown rows.
            monthly = """
                SELECT p.indicator_id, p.area_code, p.period_start, '' AS breakdown,
                       CASE WHEN bool_or(p.breakdown = '')
                              THEN max(p.value) FILTER (WHERE p.breakdown = '')
                            WHEN any_value(i.unit) = 'count' THEN sum(p.value) END AS value,
                       max(p.numerator) FILTER (WHERE p.breakdown = '') AS numerator,
                       max(p.denominator) FILTER (WHERE p.breakdown = '') AS denominator,
                       any_value(i.unit) AS unit, string_agg(DISTINCT p.source, '; ') AS source
                FROM picked p JOIN indicators i USING (indicator_id)
                GROUP BY p.indicator_id, p.area_code, p.period_start"""
        return self.query(f"""
            WITH c AS ({self.current_sql(OBSERVATIONS, self._engagement_where())}),
            own AS (SELECT DISTINCT indicator_id FROM c WHERE area_code = $area),
            picked AS (
                SELECT c.* FROM c
                WHERE (c.area_code = $area) = (c.indicator_id IN (SELECT indicator_id FROM own))),
            m AS ({monthly})
            SELECT m.indicator_id, m.breakdown, {bucket} AS period_start,
                   count(DISTINCT m.period_start) AS months,
                   CASE WHEN any_value(m.unit) = 'percent' THEN
                            CASE WHEN count(*) = count(m.numerator * m.denominator)
                                      AND sum(m.denominator) > 0
                                 THEN 100 * sum(m.numerator) / sum(m.denominator)
                                 -- one month of one area: its rate stands as given
                                 WHEN count(*) = 1 THEN any_value(m.value) END
                        ELSE sum(m.value) END AS value,
                   sum(m.numerator) AS numerator, sum(m.denominator) AS denominator,
                   bool_or(m.area_code <> $area) AS from_councils,
                   string_agg(DISTINCT m.area_code, ';') AS area_codes,
                   string_agg(DISTINCT m.source, '; ') AS source
            FROM m
            GROUP BY m.indicator_id, m.breakdown, {bucket}
            ORDER BY m.indicator_id, period_start, m.breakdown""",
            {"ids": list(indicator_ids), "area": area_code})

    def _engagement_areas_sql(self) -> str:
        """The area and, for a partnership, its councils (posts and activities are items, so
        a partnership's own and its councils' add up without double counting)."""
        return ("(t.area_code = $area OR t.area_code IN (SELECT area_code FROM areas "
                "WHERE parent_code = $area AND $area IN (SELECT area_code FROM areas "
                "WHERE level = 'partnership')))")

    def top_posts(self, area_code: str, start, end, limit: int = 10) -> pd.DataFrame:
        """The area's social media posts in a date range, most engaged-with first."""
        where = (self._engagement_areas_sql()
                 + " AND t.posted_start >= $start::DATE AND t.posted_start <= $end::DATE")
        return self.query(f"""
            SELECT * FROM ({self.current_sql(SOCIAL_POSTS, where)})
            ORDER BY engagements DESC NULLS LAST, impressions DESC NULLS LAST, posted_start,
                     channel, post_id
            LIMIT {int(limit)}""", {"area": area_code, "start": start, "end": end})

    def post_counts(self, area_code: str) -> pd.DataFrame:
        """Posts per channel and month for an area, for the posts' coverage note."""
        return self.query(f"""
            SELECT channel, CAST(date_trunc('month', posted_start) AS DATE) AS month,
                   count(*) AS posts, sum(engagements) AS engagements
            FROM ({self.current_sql(SOCIAL_POSTS, self._engagement_areas_sql())})
            GROUP BY ALL ORDER BY month, channel""", {"area": area_code})

    def engagement_activities(self, area_code: str | None, start=None, end=None
                              ) -> pd.DataFrame:
        """Current engagement plan activities of an area (and a partnership's councils), those
        overlapping [start, end] when given, oldest first. None: every area."""
        where = f"($area::VARCHAR IS NULL OR {self._engagement_areas_sql()})" + \
            (" AND ($start::DATE IS NULL OR coalesce(t.end_end, t.start_end, t.start_start) "
             ">= $start::DATE) AND ($end::DATE IS NULL OR t.start_start <= $end::DATE)")
        return self.query(
            f"SELECT * FROM ({self.current_sql(ENGAGEMENT_ACTIVITIES, where)}) "
            "ORDER BY start_start NULLS LAST, area_code, activity_id",
            {"area": area_code, "start": start, "end": end})

    def service_stages(self, area_code: str | None) -> pd.DataFrame:
        """Every current distance-travelled assessment of an area's services, oldest first."""
        where = f"($area::VARCHAR IS NULL OR {self._engagement_areas_sql()})"
        return self.query(
            f"SELECT * FROM ({self.current_sql(SERVICE_STAGES, where)}) "
            "ORDER BY area_code, service, period_start, period_end", {"area": area_code})

    def stage_names(self) -> pd.DataFrame:
        """The distance-travelled scale: catalogue labels overlaid by names edited in the app."""
        return self.query(f"""
            WITH e AS ({self.current_sql(STAGE_NAMES)})
            SELECT CAST(s.value AS INTEGER) AS stage, coalesce(e.name, s.label) AS name,
                   e.name IS NULL AS from_catalogue, s.description
            FROM scales s LEFT JOIN e ON e.stage = s.value
            WHERE s.scale_id = 'distance_travelled' ORDER BY s.value""")
    # -- end engagement --

    def imports(self) -> pd.DataFrame:
        return self.query("SELECT * FROM imports ORDER BY import_id DESC")

    def demo_import_ids(self) -> list[int]:
        """Committed imports of demo data: while any exists the UI labels figures illustrative."""
        return [int(x) for x in self.query(
            "SELECT import_id FROM imports WHERE kind = 'demo' AND status = 'committed'"
        )["import_id"]]

    # -- export formats: remembered statistics-table mappings (issue 6) -------------------------
    def table_mapping(self, table_key: str) -> dict[str, str]:
        """series label -> indicator id ('' = chosen not to import) saved for a table."""
        frame = self.query("SELECT series, indicator_id FROM table_mappings WHERE table_key = ?",
                           [table_key])
        return {s: i if isinstance(i, str) else "" for s, i in
                zip(frame["series"], frame["indicator_id"])}

    def save_table_mapping(self, table_key: str, mapping: dict[str, str],
                           who: str = "local") -> None:
        """Remember how a table's rows map onto indicators, for its next release."""
        if not mapping:
            return
        with self.transaction(bump=False) as cur:
            cur.executemany(
                "INSERT OR REPLACE INTO table_mappings VALUES (?, ?, ?, ?, ?)",
                [[table_key, series, indicator or None, who, _now()]
                 for series, indicator in mapping.items()])
    # -- end export formats ---------------------------------------------------------------------

    def table_counts(self) -> dict[str, int]:
        tables = self.query("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                            "ORDER BY table_name")["table_name"]
        return {t: int(self.scalar(f'SELECT count(*) FROM "{t}"')) for t in tables}

    def checksum(self, exclude: Sequence[str] = ()) -> str:
        """A digest of every table's content (but `exclude`), to prove a failed import changed
        nothing or a restored store equals its backup."""
        digest = hashlib.sha256()
        for table in self.table_counts():
            if table in exclude:
                continue
            frame = self.query(f'SELECT * FROM "{table}"')
            frame = frame.sort_values(list(frame.columns)).reset_index(drop=True) \
                if len(frame) else frame
            digest.update(table.encode())
            digest.update(frame.to_csv(index=False).encode())
        return digest.hexdigest()

    # -- surveys (issue 5) ----------------------------------------------------------------------
    # Definitions are catalogue-like tables; answers and invitations are revised tables, so
    # uploads, revisions, undo and history work as for any figure. Counts are made here, in SQL;
    # cjmetrics/surveys.py turns them into shares, intervals and suppressed displays.
    def survey_definitions(self) -> dict[str, pd.DataFrame]:
        """Every survey, question, answer option and matrix row, in display order."""
        return {
            "surveys": self.query("SELECT * FROM surveys ORDER BY sort_order, survey_id"),
            "questions": self.query("SELECT * FROM survey_questions "
                                    "ORDER BY survey_id, sort_order, question_id"),
            "options": self.query("SELECT * FROM survey_options "
                                  "ORDER BY survey_id, question_id, position"),
            "items": self.query("SELECT * FROM survey_items "
                                "ORDER BY survey_id, question_id, position"),
        }

    @staticmethod
    def _survey_where(prefix: str = "t") -> str:
        return (f"{prefix}.survey_id = $survey "
                f"AND {prefix}.area_code IN (SELECT unnest($areas::VARCHAR[])) "
                f"AND ($start::DATE IS NULL OR {prefix}.period_start = $start::DATE) "
                f"AND ($end::DATE IS NULL OR {prefix}.period_end = $end::DATE)")

    def survey_answers(self, survey_id: str, area_codes: Sequence[str], start=None,
                       end=None) -> pd.DataFrame:
        """The current answers of one survey for some areas (one period when start/end are
        given): one row per respondent, question and matrix row. Importers write through the
        survey_answers template; this is what they and the pages read back."""
        return self.query(
            self.current_sql(SURVEY_ANSWERS, self._survey_where())
            + " ORDER BY area_code, period_start, respondent_id, question_id, item_id",
            {"survey": survey_id, "areas": list(area_codes), "start": start, "end": end})

    def survey_responses(self, area_codes: Sequence[str],
                         survey_id: str | None = None) -> pd.DataFrame:
        """Respondents (distinct ids with any answer) and the number invited, per survey, area
        and period; invited is NULL where it is not known."""
        where = ("t.area_code IN (SELECT unnest($areas::VARCHAR[])) "
                 "AND ($survey::VARCHAR IS NULL OR t.survey_id = $survey::VARCHAR)")
        return self.query(f"""
            WITH a AS ({self.current_sql(SURVEY_ANSWERS, where)}),
            r AS (SELECT survey_id, area_code, period_start, period_end,
                         any_value(period_label) AS period_label,
                         count(DISTINCT respondent_id) AS respondents
                  FROM a GROUP BY ALL),
            i AS ({self.current_sql(SURVEY_INVITATIONS, where)})
            SELECT survey_id, area_code, period_start, period_end,
                   coalesce(r.period_label, i.period_label) AS period_label,
                   coalesce(r.respondents, 0) AS respondents, i.invited
            FROM r FULL OUTER JOIN i USING (survey_id, area_code, period_start, period_end)
            ORDER BY survey_id, period_start, period_end, area_code""",
            {"areas": list(area_codes), "survey": survey_id})

    def survey_answer_counts(self, survey_id: str, groups: Sequence[tuple[str, str]], start=None,
                             end=None) -> pd.DataFrame:
        """How many respondents chose each option of each choice question (each matrix row),
        per group of areas. `groups` pairs (group_code, member_area_code): a partnership is
        the group of its councils, a council the group of itself. `base` is the number of
        respondents in the group who answered that question (matrix row); every option of an
        answered question is listed, chosen by nobody or not."""
        pairs = list(groups)
        return self.query(f"""
            WITH g AS (SELECT unnest($groups::VARCHAR[]) AS group_code,
                              unnest($members::VARCHAR[]) AS area_code),
            a AS ({self.current_sql(SURVEY_ANSWERS, self._survey_where())}),
            q AS (SELECT question_id FROM survey_questions
                  WHERE survey_id = $survey AND type <> 'free_text'),
            picked AS (
                SELECT g.group_code, a.area_code || '|' || a.respondent_id AS who,
                       a.question_id, a.item_id,
                       trim(unnest(string_split(a.answer, ';'))) AS option_id
                FROM a JOIN g USING (area_code) JOIN q USING (question_id)),
            base AS (SELECT group_code, question_id, item_id, count(DISTINCT who) AS base
                     FROM picked GROUP BY ALL),
            counts AS (SELECT group_code, question_id, item_id, option_id,
                              count(DISTINCT who) AS n
                       FROM picked GROUP BY ALL)
            SELECT b.group_code AS area_code, b.question_id, b.item_id, o.option_id,
                   o.position, o.label, o.short_label, o.score,
                   coalesce(c.n, 0) AS n, b.base
            FROM base b
            JOIN survey_options o ON o.survey_id = $survey AND o.question_id = b.question_id
            LEFT JOIN counts c ON c.group_code = b.group_code AND c.question_id = b.question_id
                AND c.item_id = b.item_id AND c.option_id = o.option_id
            ORDER BY b.group_code, b.question_id, b.item_id, o.position""",
            {"survey": survey_id, "groups": [g for g, _ in pairs],
             "members": [m for _, m in pairs], "areas": [m for _, m in pairs],
             "start": start, "end": end})
    # -- end surveys --
    # -- access, audit and safe operation --------------------------------------------------
    def record(self, action: str, detail: str | None = None,
               actor: access.Actor | None = None) -> bool:
        """Add an audit row for something that changes nothing else (an export, a sign-in, a
        backup). Anyone may be recorded; a read-only store cannot be written, so there the
        event goes to the server log instead and False is returned."""
        actor = actor or access.current()
        if self.read_only or access.read_only():
            _log.info("audit (read-only store, not saved): %s %s %s", actor.name, action, detail)
            return False
        with access.acting(actor), self.transaction(bump=False, role=None) as cur:
            _audit(cur, action, detail)
        return True

    def audit_log(self, who: Sequence[str] | None = None, actions: Sequence[str] | None = None,
                  start=None, end=None) -> pd.DataFrame:
        """Audit rows, newest first, filtered by who, what and the day range (inclusive)."""
        return self.query("""
            SELECT audit_id, happened_at, who, role, action, import_id, detail FROM audit
            WHERE ($who::VARCHAR[] IS NULL OR who IN (SELECT unnest($who::VARCHAR[])))
              AND ($actions::VARCHAR[] IS NULL OR action IN (SELECT unnest($actions::VARCHAR[])))
              AND ($start::DATE IS NULL OR happened_at >= $start::DATE)
              AND ($end::DATE IS NULL OR happened_at < $end::DATE + INTERVAL 1 DAY)
            ORDER BY audit_id DESC""",
            {"who": None if who is None else list(who),
             "actions": None if actions is None else list(actions), "start": start, "end": end})

    def audit_people_and_actions(self) -> tuple[list[str], list[str]]:
        people = self.query("SELECT DISTINCT who FROM audit ORDER BY who")["who"].tolist()
        actions = self.query("SELECT DISTINCT action FROM audit ORDER BY action")["action"].tolist()
        return people, actions

    def integrity_problems(self) -> list[str]:
        """Sentences for anything that breaks the store's own rules (empty when all is well):
        every row belongs to a recorded import, every committed import that wrote figures still
        has them, and no import wrote the same key twice."""
        problems = []
        for spec in REVISED_TABLES:
            orphans = self.scalar(f"SELECT count(*) FROM {spec.table} WHERE import_id NOT IN "
                                  "(SELECT import_id FROM imports)")
            if orphans:
                problems.append(f"{orphans} {spec.table} rows belong to no recorded import.")
            keys = ", ".join(spec.key)
            doubled = self.scalar(f"SELECT count(*) FROM (SELECT {keys}, import_id FROM "
                                  f"{spec.table} GROUP BY ALL HAVING count(*) > 1)")
            if doubled:
                problems.append(f"{doubled} {spec.table} keys were written twice by one import.")
        written = " UNION ALL ".join(f"SELECT import_id FROM {spec.table}"
                                     for spec in REVISED_TABLES)
        empty = self.scalar(f"""
            SELECT count(*) FROM imports WHERE status = 'committed'
              AND rows_new + rows_revised > 0 AND import_id NOT IN ({written})""")
        if empty:
            problems.append(f"{empty} committed imports have lost the rows they wrote.")
        return problems

    def backup_to(self, target: Path | str) -> Path:
        """Copy the whole store into a new DuckDB file `target`, consistently: DuckDB copies one
        snapshot, so imports committing meanwhile are either wholly in the copy or not at all,
        and the dashboard keeps working while it runs."""
        target = Path(target).resolve()
        if target.exists():
            raise StoreError(f"{target} already exists. Choose a new file name for the backup, "
                             "so an earlier backup is never overwritten.",
                             title="The backup was not written")
        if target == self.path.resolve():
            raise StoreError("A backup must go to another file than the store itself.",
                             title="The backup was not written")
        target.parent.mkdir(parents=True, exist_ok=True)
        alias = "cjmetrics_backup"
        cur = self._conn.cursor()
        try:
            catalog = cur.execute("SELECT current_database()").fetchone()[0]
            # ATTACH takes a path as a string literal (it cannot be a bound parameter): quote it.
            cur.execute(f"ATTACH '{str(target).replace(chr(39), chr(39) * 2)}' AS {alias} "
                        "(READ_ONLY false)")  # writable even from a read-only store
            try:
                cur.execute(f'COPY FROM DATABASE "{catalog}" TO {alias}')
            finally:
                cur.execute(f"DETACH {alias}")
        except duckdb.Error as exc:
            target.unlink(missing_ok=True)
            Path(str(target) + ".wal").unlink(missing_ok=True)
            if "no space left" in str(exc).lower():
                raise DiskFullError(
                    f"The disk holding {target} is full, so the backup could not be written; the "
                    "store itself is unchanged. Free some space or choose another disk.") from exc
            raise StoreError(f"The backup to {target} failed ({str(exc).splitlines()[0]}). "
                             "The store itself is unchanged.",
                             title="The backup was not written") from exc
        finally:
            cur.close()
        return target
    # -- end access, audit and safe operation --


# --------------------------------------------------------------------------------------------
# One store per process and path.
# --------------------------------------------------------------------------------------------
_open: dict[Path, Store] = {}
_open_lock = threading.Lock()


def open_store(path: Path | str | None = None, *, migrate: bool = True) -> Store:
    """The process-wide Store for `path` (default: config.db_path()), migrated to this schema
    (read-only under CJMETRICS_READ_ONLY=1, which only checks the schema)."""
    resolved = Path(path or config.db_path()).resolve()
    with _open_lock:
        store = _open.get(resolved)
        if store is None:
            store = Store(resolved)
            if migrate:
                try:
                    store.migrate()
                except BaseException:
                    store.close()  # release the file lock: the caller cannot use this store
                    raise
            _open[resolved] = store
        return store


def close_all() -> None:
    """Close every open store (tests and the CLI use this before touching files)."""
    with _open_lock:
        for store in _open.values():
            store.close()
        _open.clear()
