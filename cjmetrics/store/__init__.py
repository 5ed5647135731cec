"""The store: the only package that talks to DuckDB.

One DuckDB file (or one PostgreSQL database, attached through DuckDB: see postgres) holds the
catalogue, every imported figure and the audit record of every change.
`Store` is the one front callers use; it is composed of one part per concern, each in its own
module:

- connection: opening the file, cursors, write transactions, the data version, migrations
  (postgres: the same on a PostgreSQL database; read_copy: what pages read from it, in memory)
  (the schema itself is in schema, what its tables mean in tables);
- staging: the TEMP tables an upload is read, mapped and checked in (all of ingest's SQL runs
  through a Stage);
- revisions: classifying, previewing, committing and undoing imports;
- catalogue: areas, indicators, settings, remembered statistics-table mappings;
- figures: series, targets, annotations and revision history;
- engagement: engagement roll-ups, posts, activities, service stages;
- surveys: survey definitions, answers and counts;
- decks: saved meeting decks;
- audit: the audit log;
- maintenance: counts, digests, integrity rules, verified backups, checking a file in full
  (verify: DuckDB's block checksums and the manifest a backup carries).
"""

from __future__ import annotations

import threading
from pathlib import Path

from .. import config
from .audit import AuditMixin
from .catalogue import CatalogueMixin
from .connection import StoreBase, pin_versions, release_versions
from .decks import DecksMixin
from .engagement import EngagementMixin
from .figures import FiguresMixin
from .maintenance import FileCheck, MaintenanceMixin, check_file
from .revisions import ImportResult, RevisionsMixin, StagedRows, file_sha256
from .schema import MIGRATIONS, SCHEMA_VERSION
from .staging import Stage, StagingError, StagingMixin, ident
from .surveys import SurveysMixin
from .tables import (
    ANNOTATIONS,
    CATALOGUE_FILES,
    DEFAULT_RAG,
    ENGAGEMENT_ACTIVITIES,
    ENGAGEMENT_TABLES,
    EVIDENCE_NOTES,
    INDICATOR_EDITS,
    OBSERVATIONS,
    PRIORITY_OUTCOMES,
    QI_EVALUATIONS,
    REVISED_TABLES,
    SELF_ASSESSMENTS,
    SERVICE_STAGES,
    SETTINGS,
    SOCIAL_POSTS,
    STAGE_NAMES,
    SURVEY_ANSWERS,
    SURVEY_FILES,
    SURVEY_INVITATIONS,
    SURVEY_TABLES,
    TARGETS,
    RevisedTable,
)

__all__ = [
    "ANNOTATIONS", "CATALOGUE_FILES", "DEFAULT_RAG", "ENGAGEMENT_ACTIVITIES", "ENGAGEMENT_TABLES",
    "EVIDENCE_NOTES", "INDICATOR_EDITS", "MIGRATIONS", "OBSERVATIONS", "PRIORITY_OUTCOMES",
    "QI_EVALUATIONS", "REVISED_TABLES", "SCHEMA_VERSION", "SELF_ASSESSMENTS", "SERVICE_STAGES",
    "SETTINGS", "SOCIAL_POSTS", "STAGE_NAMES", "SURVEY_ANSWERS", "SURVEY_FILES",
    "SURVEY_INVITATIONS", "SURVEY_TABLES", "TARGETS", "ImportResult", "RevisedTable",
    "Stage", "StagedRows", "StagingError", "Store", "close_all", "file_sha256", "open_store",
    "FileCheck", "check_file", "ident", "pin_versions", "release_versions",
]


class Store(RevisionsMixin, CatalogueMixin, FiguresMixin, EngagementMixin, SurveysMixin,
            DecksMixin, AuditMixin, MaintenanceMixin, StagingMixin, StoreBase):
    """A DuckDB file with the cjmetrics schema. Use `open_store()` to share one per process."""


# One store per process and path.
_open: dict[Path | str, Store] = {}
_open_lock = threading.Lock()


def open_store(path: Path | str | None = None, *, migrate: bool = True) -> Store:
    """The process-wide Store for `path` (default: config.db_path(); a PostgreSQL URL or libpq
    connection string opens that database), migrated to this schema (read-only under
    CJMETRICS_READ_ONLY=1, which only checks the schema)."""
    given = path or config.db_path()
    resolved = str(given).strip() if config.is_postgres(given) else Path(given).resolve()
    with _open_lock:
        store = _open.get(resolved)
        if store is None:
            store = Store(resolved)
            if migrate:
                try:
                    store.migrate()
                    store.clear_interrupted_writes()
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
