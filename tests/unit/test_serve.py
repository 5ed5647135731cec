"""`make run`'s server (scripts/serve.py) prepares the first visit before anyone asks for it, and
a visit that arrives while it is still creating a new store waits for the demo data."""

from __future__ import annotations

import threading
import time

from cjmetrics import bootstrap
from cjmetrics.bootstrap import initialise
from cjmetrics.store import close_all, open_store

from browser_support import streamlit_server


def _imports(path) -> list[tuple]:
    store = open_store(path)
    try:
        return [tuple(row) for row in store.query(
            "SELECT kind, file_name FROM imports ORDER BY import_id").itertuples(index=False)]
    finally:
        close_all()


def test_the_server_creates_the_store_with_demo_data_before_the_first_visit(tmp_path):
    path, log = tmp_path / "new.duckdb", tmp_path / "streamlit.log"
    with streamlit_server(path, log):  # no browser visits
        deadline = time.monotonic() + 60
        while "is open" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert f"the data store {path} is open" in log.read_text()
    imports = _imports(path)
    assert imports, "the new store should hold the illustrative demo imports"
    assert {kind for kind, _ in imports} == {"demo", "reference"}


def test_a_visit_during_the_warm_up_waits_for_the_demo_data(tmp_path, monkeypatch):
    """The warm-up creates a new store and loads the demo; a visit arriving meanwhile must not
    find the file, decide the store is not new, and show an empty dashboard."""
    alone = tmp_path / "alone.duckdb"
    initialise(alone)
    close_all()
    expected = _imports(alone)

    path = tmp_path / "raced.duckdb"
    real_load = bootstrap.load_demo

    def loading_slowly(store):  # a demo load long enough for the visit to arrive during it
        time.sleep(1.0)
        return real_load(store)

    monkeypatch.setattr(bootstrap, "load_demo", loading_slowly)
    warm_up = threading.Thread(target=initialise, args=(path,))
    warm_up.start()
    while not path.exists():
        time.sleep(0.01)
    visit = initialise(path)  # the first visit's own opening
    seen = [tuple(row) for row in visit.query(
        "SELECT kind, file_name FROM imports ORDER BY import_id").itertuples(index=False)]
    warm_up.join()
    close_all()
    assert seen == expected, "the visit saw the store before its demo data was loaded"


def test_no_full_collection_after_each_run_and_the_warm_up_is_frozen():
    """Streamlit's collection after every run held the server 60 to 200 ms a page on the
    national store; the project's config turns it off and the warm-up freezes what it loaded,
    so Python's own collections do not rescan the libraries either."""
    import gc
    import sys
    import tomllib

    from conftest import PROJECT_ROOT

    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False

    sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
    try:
        import serve
    finally:
        sys.path.remove(str(PROJECT_ROOT / "scripts"))
    assert gc.get_freeze_count() == 0
    try:
        serve.freeze_what_lasts()
        assert gc.get_freeze_count() > 10_000  # the modules loaded so far, and their objects
    finally:
        gc.unfreeze()
