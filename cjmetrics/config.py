"""Where things live. Environment variables override the defaults so tests and deployments
can point at their own store without touching code."""

import os
import re
import tomllib
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
CATALOGUE_DIR = DATA_DIR / "catalogue"
DEMO_DIR = DATA_DIR / "demo"
SURVEYS_DIR = DATA_DIR / "surveys"  # survey definitions
DEFAULT_DB = DATA_DIR / "cjmetrics.duckdb"

DEMO_SOURCE = "Illustrative demo data - not official statistics"


def is_illustrative(source: object) -> bool:
    """Whether a source (or a joined list of sources) marks its figures as illustrative:
    the demo data and any figure its uploader so marked, which no page may present as
    official."""
    return isinstance(source, str) and "illustrative" in source.casefold()


# Where figures come from is kept as text: the sources of many figures are one line of them,
# "a; b", each named once, in order. A cell may itself hold several, joined the same way.
SOURCE_SEPARATOR = "; "


def joined_sources(cells) -> str:
    """One line naming every source the cells hold (missing cells skipped)."""
    return SOURCE_SEPARATOR.join(sorted({s for cell in cells if isinstance(cell, str)
                                         for s in each_source(cell)}))


def each_source(sources: str | None) -> list[str]:
    """The sources a joined line names."""
    return [s for s in sources.split(SOURCE_SEPARATOR) if s] if sources else []


def db_path() -> Path | str:
    """The store: CJMETRICS_DB when set, else `db` of [cjmetrics] in .streamlit/secrets.toml,
    else data/cjmetrics.duckdb. A PostgreSQL database (a postgresql:// URL or a libpq
    connection string) is returned as the text given; a file as its Path."""
    given = os.environ.get("CJMETRICS_DB") or _secrets_db()
    if given and is_postgres(given):
        return given.strip()
    return Path(given or DEFAULT_DB)


def _secrets_db() -> str | None:
    path = PROJECT_ROOT / ".streamlit" / "secrets.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get("cjmetrics", {}).get("db")
    except (OSError, tomllib.TOMLDecodeError):
        return None


_LIBPQ_KEY = re.compile(r"(?:^|\s)(?:host|hostaddr|dbname|user|port|service)\s*=")


def is_postgres(location) -> bool:
    """Whether a store location names a PostgreSQL database rather than a DuckDB file."""
    text = str(location).strip()
    return text.startswith(("postgresql://", "postgres://")) or bool(_LIBPQ_KEY.search(text))


def masked(location) -> str:
    """A store location fit to show or log: any password replaced by ***."""
    text = str(location)
    text = re.sub(r"(postgres(?:ql)?://[^:/@?]*):[^@/?]*@", r"\1:***@", text)
    text = re.sub(r"(?i)([?&]password=)[^&]*", r"\1***", text)
    return re.sub(r"(?i)(?<![?&])(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", r"\1***", text)


def seed_demo_on_create() -> bool:
    """A brand-new store gets the demo data unless CJMETRICS_DEMO=0."""
    return os.environ.get("CJMETRICS_DEMO", "1") not in {"0", "false", "no"}
