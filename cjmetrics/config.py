"""Where things live. Environment variables override the defaults so tests and deployments
can point at their own store without touching code."""

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
CATALOGUE_DIR = DATA_DIR / "catalogue"
DEMO_DIR = DATA_DIR / "demo"
SURVEYS_DIR = DATA_DIR / "surveys"  # survey definitions
DEFAULT_DB = DATA_DIR / "cjmetrics.duckdb"

DEMO_SOURCE = "Illustrative demo data - not official statistics"


def db_path() -> Path:
    """The store file: CJMETRICS_DB when set, else data/cjmetrics.duckdb."""
    return Path(os.environ.get("CJMETRICS_DB") or DEFAULT_DB)


def seed_demo_on_create() -> bool:
    """A brand-new store gets the demo data unless CJMETRICS_DEMO=0."""
    return os.environ.get("CJMETRICS_DEMO", "1") not in {"0", "false", "no"}
