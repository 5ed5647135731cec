"""Creating or upgrading a store: schema, catalogue and (for a new store) demo data."""

from __future__ import annotations

from pathlib import Path

from . import access, config
from .demo import load_demo
from .store import Store, open_store


def initialise(path: Path | str | None = None, *, demo: bool | None = None) -> Store:
    """Open the store at `path`, apply migrations and add missing catalogue rows.

    demo=True loads the demo data, demo=False never does, and None (the app's default) loads it
    only when the file is being created, so a lead's first run shows something to explore."""
    path = Path(path or config.db_path())
    is_new = not path.exists()
    store = open_store(path)
    if store.read_only:  # CJMETRICS_READ_ONLY=1: serve the store exactly as it is
        return store
    # The catalogue and demo data are cjmetrics's own doing, whoever's visit opened the store.
    with access.acting(access.SYSTEM):
        store.load_catalogue()
        if demo or (demo is None and is_new and config.seed_demo_on_create()):
            load_demo(store)
    return store
