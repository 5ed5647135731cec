"""The catalogue: areas, frameworks, outcomes, indicators (overlaid by edits made in the app),
settings, and the remembered mappings of statistics-table rows onto indicators."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from .. import config
from ..errors import CatalogueUnreadable
from .connection import StoreBase, bump_data_version, now
from .schema import SCHEMA_VERSION
from .tables import CATALOGUE_FILES, DEFAULT_RAG, INDICATOR_EDITS, SETTINGS, SURVEY_FILES


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


class CatalogueMixin(StoreBase):
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
                    raise CatalogueUnreadable(
                        f"The catalogue file {path} is missing. Restore it from "
                        "the cjmetrics repository and run init again.")
                expected = [r[0] for r in cur.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND "
                    f"{self._tables_where()} ORDER BY column_index", [table]).fetchall()]
                rel = cur.read_csv(str(path), header=True, all_varchar=True)
                missing = sorted(set(expected) - set(rel.columns))
                if missing:
                    raise CatalogueUnreadable(f"The catalogue file {path.name} lacks the column(s) "
                                         f"{', '.join(missing)}.")
                before = cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                cols = ", ".join(expected)
                cur.register("catalogue_rows", rel.select(*expected))
                cur.execute(f"INSERT OR IGNORE INTO {table} ({cols}) "
                            f"SELECT {cols} FROM catalogue_rows")
                cur.unregister("catalogue_rows")
                added[table] = cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0] - before
            if any(added.values()):
                bump_data_version(cur)
            if fingerprint is not None:
                cur.execute("INSERT OR REPLACE INTO meta VALUES ('catalogue_fingerprint', ?)",
                            [fingerprint])
        return added

    def areas(self) -> pd.DataFrame:
        """Every area with whether it holds any figure, in display order. Reference figures
        (population estimates) do not count: every council has one, and none is a measure."""
        return self.query("""
            SELECT a.*, p.name AS parent_name,
                   a.area_code IN (SELECT DISTINCT area_code FROM observations
                                   WHERE import_id IN (SELECT import_id FROM imports
                                                       WHERE status = 'committed')
                                     AND indicator_id NOT IN (SELECT indicator_id FROM indicators
                                                              WHERE framework_id = 'reference')
                                   ) AS has_data
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

    # -- remembered statistics-table mappings ----------------------------------------------
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
        with self.transaction(bump=False, incremental=True) as cur:
            cur.executemany(
                "INSERT OR REPLACE INTO table_mappings VALUES (?, ?, ?, ?, ?)",
                [[table_key, series, indicator or None, who, now()]
                 for series, indicator in mapping.items()])
