"""Serve the dashboard: `streamlit run dashboard.py`, with the first visit's work started early.

    .venv/bin/python scripts/serve.py [streamlit options, e.g. --server.port 8600]

This is what `make run` does. It is `streamlit run dashboard.py` plus one thing: as soon as the
server listens, a background thread imports what the pages need (pandas, plotly, cjmetrics),
opens the store (creating it with the demo data when it is new) and builds the default area's
Overview into the read cache. A browser's first visit spends
about a second loading Streamlit's own front end before it asks for the page; the warm-up uses
that second, so the Overview's first run no longer pays for it (bench/results/startup.md).
`streamlit run dashboard.py` still works; only its first visit is slower. When sign-in is
configured ([auth] in the secrets), the console also says whether it can work.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("cjmetrics.serve")


def warm_up() -> None:
    """Import the pages' libraries, open the store and build the default Overview, as the first
    visit would, into the caches that visit reads. Errors are left for the visit to report in a
    sentence (it repeats this work), so here they are only logged."""
    # Python hands the GIL between threads every 5 ms by default; while this thread imports, the
    # server's event loop (sending the browser Streamlit's front end) would wait that long each
    # time it needs it. A finer interval keeps it responsive; restored when done.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    # The caches are filled outside any visit, which Streamlit would warn about in the console.
    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        sys.path.insert(0, str(ROOT))
        from cjmetrics import config, ui  # pandas, plotly, the store module

        ui.prepare_first_visit()  # opens (or creates) the store the app serves
        print(f"  cjmetrics: the data store {config.db_path()} is open.", file=sys.stderr,
              flush=True)
        # Streamlit checks once per process, on the first element drawn, whether it runs in a
        # REPL, by inspecting the caller's stack (about 0.1 s with pandas loaded). From this
        # shallow thread the check is cheap and the first visit skips it.
        from streamlit import delta_generator

        getattr(delta_generator, "_maybe_print_use_warning", lambda: None)()
    except Exception as exc:  # noqa: BLE001 - the page reports it again, in the browser
        from cjmetrics.errors import CjmetricsError

        if isinstance(exc, CjmetricsError):  # e.g. the store is open in another program
            print(f"  cjmetrics: {exc.user_message}", file=sys.stderr, flush=True)
        else:
            log.warning("warm-up did not finish; the first visit will do this work",
                        exc_info=True)
    finally:
        sys.setswitchinterval(interval)
        quiet.setLevel(level)
    try:
        from cjmetrics import ui

        report_sign_in(ui)
    except Exception:  # noqa: BLE001 - the page checks again before it offers Sign in
        log.warning("could not check the sign-in settings", exc_info=True)


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
    from streamlit.web import bootstrap, cli

    started = getattr(bootstrap, "_on_server_start", None)
    if started is None:  # another Streamlit: warm up straight away instead of once listening
        threading.Thread(target=warm_up, name="cjmetrics-warm-up", daemon=True).start()
    else:
        def on_server_start(server) -> None:
            started(server)
            threading.Thread(target=warm_up, name="cjmetrics-warm-up", daemon=True).start()

        bootstrap._on_server_start = on_server_start
    cli.main(["run", str(ROOT / "dashboard.py"), *argv], prog_name="streamlit")  # exits


if __name__ == "__main__":
    main(sys.argv[1:])
