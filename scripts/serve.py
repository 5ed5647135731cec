"""Serve the dashboard: `streamlit run dashboard.py`, with the first visit's work started early.

    .venv/bin/python scripts/serve.py [streamlit options, e.g. --server.port 8600]

This is what `make run` does. It is `streamlit run dashboard.py` plus one thing: while the
server starts, a background thread imports what the pages need (pandas, plotly, cjmetrics),
opens the store (creating it with the demo data when it is new) and builds the default area's
Overview into the read cache; once that first visit's run has ended, it imports what the other
pages import, so a first click on each does not wait for it. A browser's first visit spends
about a second loading Streamlit's own front end before it asks for the page; the warm-up uses
that second, so the Overview's first run no longer pays for it (bench/results/startup.md).
`streamlit run dashboard.py` still works; only its first visit is slower. When sign-in is
configured ([auth] in the secrets), the console also says whether it can work.
"""

from __future__ import annotations

import ast
import gc
import importlib
import logging
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("cjmetrics.serve")


@contextmanager
def in_background():
    """Work beside the server without holding it up: Python hands the GIL between threads every
    5 ms by default, so while this thread imports, the server's event loop (sending a browser
    Streamlit's front end, or a page's messages) would wait that long each time it needs it. A
    finer interval keeps it responsive. The caches are filled outside any visit, which Streamlit
    would warn about in the console: that warning is filtered out for this thread only (a
    filter, not a level, because Streamlit resets its loggers' levels as it starts, which now
    happens while the warm-up runs)."""
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    this_thread = threading.get_ident()

    def outside_a_run(record: logging.LogRecord) -> bool:
        return record.thread != this_thread or record.levelno >= logging.ERROR

    quiet.addFilter(outside_a_run)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)
        quiet.removeFilter(outside_a_run)


def warm_up() -> None:
    """Import the pages' libraries, open the store and build the default Overview, as the first
    visit would, into the caches that visit reads; then, once that visit's run has ended, what
    the other pages import. Errors are left for the visit to report in a sentence (it repeats
    this work), so here they are only logged."""
    sys.path.insert(0, str(ROOT))
    try:
        with in_background():
            # Streamlit checks once per process, on the first element drawn, whether it runs in
            # a REPL, by inspecting the caller's stack: from a run, with pandas loaded, that took
            # the first visit 0.3 to 0.6 s under load (a browser can ask for its first run before
            # this thread is done). From this shallow thread, first, the check is cheap.
            from streamlit import delta_generator

            getattr(delta_generator, "_maybe_print_use_warning", lambda: None)()
            # The page icon, the first thing a run draws, and every st.image (the Overview's
            # sparklines) import PIL inside the call: 0.1 to 0.2 s of the first run.
            import PIL.Image  # noqa: F401
            import PIL.ImageFile  # noqa: F401

            from cjmetrics import config, ui  # pandas, the store module

            ui.prepare_first_visit()  # opens (or creates) the store the app serves
            print(f"  cjmetrics: the data store {config.db_path()} is open.", file=sys.stderr,
                  flush=True)
    except Exception as exc:  # noqa: BLE001 - the page reports it again, in the browser
        from cjmetrics.errors import CjmetricsError

        if isinstance(exc, CjmetricsError):  # e.g. the store is open in another program
            print(f"  cjmetrics: {exc.user_message}", file=sys.stderr, flush=True)
        else:
            log.warning("warm-up did not finish; the first visit will do this work",
                        exc_info=True)
    try:
        from cjmetrics import ui

        report_sign_in(ui)
    except Exception:  # noqa: BLE001 - the page checks again before it offers Sign in
        log.warning("could not check the sign-in settings", exc_info=True)
    try:
        warm_other_pages()
    except Exception:  # noqa: BLE001 - each page imports what it needs on its first visit
        log.warning("could not prepare the other pages", exc_info=True)


def page_imports(folder: Path) -> list[str]:
    """The modules the page scripts in `folder` import at their top, in order, once each, with
    the submodules that `from cjmetrics import export, ui` names."""
    names: list[str] = []
    for script in sorted(folder.glob("*.py")):
        for node in ast.parse(script.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
                names += [f"{node.module}.{alias.name}" for alias in node.names]
    return list(dict.fromkeys(names))


def warm_other_pages(wait: float = 60) -> None:
    """After the first visit's run (so as not to slow it): import what every page imports and
    serialise a first plotly figure (plotly loads its validators on first use). A first click on
    the Performance Framework or the Annual report waited up to 2 s for these imports under
    load, Care Inspectorate and Compare areas about 0.5 s (bench/results/browser.md)."""
    from cjmetrics import ui

    ui.wait_for_a_run(wait)
    with in_background():
        for name in page_imports(ROOT / "pages"):
            try:
                importlib.import_module(name)
            except ImportError:  # a function or class named in `from x import y`
                continue
        import plotly.graph_objects as go
        import plotly.io

        plotly.io.to_json(go.Figure([go.Scatter(x=[0], y=[0]), go.Bar(x=[0], y=[0]),
                                     go.Heatmap(z=[[0]])]), validate=False)
    freeze_what_lasts()


def freeze_what_lasts() -> None:
    """What is loaded by now (the libraries' modules, the store, the first caches) lives as
    long as the server. Frozen, Python's collector no longer walks it on each full collection:
    Streamlit's own collection after every run is turned off (.streamlit/config.toml) because
    it held the server 60 to 200 ms a run, and Python's automatic ones would otherwise still
    rescan all of it. No collection first: one would hold the server for as long, just as the
    first visit's last messages and the browser's requests for Streamlit's code go out; what
    garbage the imports left is frozen with the rest, once."""
    gc.freeze()


def report_sign_in(ui) -> None:
    """Say in the console whether people can sign in, as soon as the server starts, rather than
    leave a broken [auth] section to the first person who presses Sign in."""
    if not ui.auth_configured():
        return
    problem = ui.sign_in_problem()
    if problem:
        print(f"  cjmetrics: {problem}", file=sys.stderr, flush=True)
    else:
        print("  cjmetrics: sign-in is on; the identity provider answered.", file=sys.stderr,
              flush=True)


def main(argv: list[str]) -> None:
    from streamlit.web import cli

    # Started beside Streamlit's own start-up, not once it listens: the imports and the store
    # then overlap the server's start as well as the browser's loading of the front end, and a
    # first visit waited up to a second for them (bench/results/browser.md, cold start).
    threading.Thread(target=warm_up, name="cjmetrics-warm-up", daemon=True).start()
    cli.main(["run", str(ROOT / "dashboard.py"), *argv], prog_name="streamlit")  # exits


if __name__ == "__main__":
    main(sys.argv[1:])
