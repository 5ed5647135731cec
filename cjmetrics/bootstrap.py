"""Creating or upgrading a store: schema, catalogue and (for a new store) demo data."""

from __future__ import annotations

import threading
from pathlib import Path

from . import access, config
from .demo import load_demo
from .reference import load_reference
from .store import Store, open_store

# One initialisation at a time per process: the server's warm-up (scripts/serve.py) and a first
# visit may both open a new store, and only the first may decide it is new and load the demo.
_initialising = threading.Lock()


def initialise(path: Path | str | None = None, *, demo: bool | None = None) -> Store:
    """Open the store at `path`, apply migrations and add missing catalogue rows.

    demo=True loads the demo data, demo=False never does, and None (the app's default) loads it
    only when the file is being created, so a lead's first run shows something to explore."""
    with _initialising:
        given = path or config.db_path()
        return _initialise(given if config.is_postgres(given) else Path(given), demo)


def _initialise(path: Path | str, demo: bool | None) -> Store:
    if isinstance(path, Path):
        is_new = not path.exists()
        store = open_store(path)
    else:  # a PostgreSQL database is new while it has no schema yet
        store = open_store(path, migrate=False)
        is_new = store.schema_version() == 0
        store.migrate()
    if store.read_only:  # CJMETRICS_READ_ONLY=1: serve the store exactly as it is
        return store
    # The catalogue and demo data are cjmetrics's own doing, whoever's visit opened the store.
    with access.acting(access.SYSTEM):
        store.load_catalogue()
        # Published figures (Scotland's series, population estimates) are real: a new store
        # gets them even without the demo, as their own undoable imports; `demo=False` (an
        # empty store on purpose) gets neither.
        if demo or (demo is None and is_new):
            load_reference(store)
        if demo or (demo is None and is_new and config.seed_demo_on_create()):
            load_demo(store)
    return store
