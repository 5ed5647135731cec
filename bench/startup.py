"""Cold start and Overview rerun time, written to bench/results/startup.md.

    .venv/bin/python bench/startup.py

Cold start: from launching what `make run` launches (`scripts/serve.py`, venv already built,
store already created) to the Overview's tiles rendered in headless Chromium; the same for a
bare `streamlit run dashboard.py`, and for a one-line app (the floor: Streamlit and Chromium
alone). Rerun: the Overview script's run time in AppTest, median of 7 after a warm-up.
"""

from __future__ import annotations

import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from screenshot import CHROMIUM_ARGS  # noqa: E402


def wait_healthy(port: int, poll: float = 0.05) -> None:
    """Block until the Streamlit server on `port` answers its health check (part of what a
    cold start measures, so polled finely)."""
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                        timeout=1) as r:
                if r.read() == b"ok":
                    return
        except OSError:
            time.sleep(poll)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def trivial_start() -> float:
    """The floor: the same measurement for an app whose script only writes the awaited text."""
    app = Path(tempfile.mkdtemp()) / "app.py"
    app.write_text('import streamlit as st\nst.write("Social media reach")\n')
    try:
        return cold_start(None, f"-m streamlit run {app.name}", cwd=app.parent)
    finally:
        shutil.rmtree(app.parent, ignore_errors=True)


SERVE = "scripts/serve.py"  # what `make run` runs
BARE = "-m streamlit run dashboard.py"


def cold_start(db: Path | None, command: str = SERVE, cwd: Path = ROOT) -> float:
    """Seconds from launching `python <command>` to the Overview's tiles in Chromium."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = dict(os.environ, CJMETRICS_DB=str(db)) if db else dict(os.environ)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        started = time.perf_counter()
        server = subprocess.Popen(
            f"exec {sys.executable} {command} --server.port {port} --server.headless true "
            "--browser.gatherUsageStats false",
            shell=True, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        try:
            wait_healthy(port)
            page.goto(f"http://127.0.0.1:{port}/")
            page.get_by_text("Social media reach").first.wait_for(timeout=60000)
            return time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(10)
            browser.close()


def overview_rerun(db: Path) -> float:
    os.environ["CJMETRICS_DB"] = str(db)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()  # warm-up
    times = []
    for _ in range(7):
        t = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - t)
    assert not at.exception
    return statistics.median(times)


def main() -> None:
    from cjmetrics.bootstrap import initialise
    from cjmetrics.store import close_all

    work = Path(tempfile.mkdtemp())
    db = work / "bench.duckdb"
    initialise(db, demo=True)
    close_all()
    load_before = os.getloadavg()[0]
    colds, bares = [], []
    for _ in range(5):  # interleaved, so a busy spell hits both alike
        colds.append(cold_start(db))
        bares.append(cold_start(db, BARE))
    trivial = statistics.median(trivial_start() for _ in range(3))
    rerun = overview_rerun(db)
    shutil.rmtree(work, ignore_errors=True)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    text = (f"# Startup benchmark\n\nMachine: {machine}; load average {load_before:.1f} at the "
            f"start, {os.getloadavg()[0]:.1f} at the end (shared cores). Demo store. Command: "
            f"`.venv/bin/python bench/startup.py`.\n\n"
            f"| measure | result |\n|---|---|\n"
            f"| cold start, `make run` (`scripts/serve.py`) to Overview tiles in Chromium "
            f"(median of 5) | {statistics.median(colds):.2f} s (runs: "
            f"{', '.join(f'{c:.2f}' for c in colds)}) |\n"
            f"| the same, bare `streamlit run dashboard.py` (median of 5) | "
            f"{statistics.median(bares):.2f} s (runs: {', '.join(f'{c:.2f}' for c in bares)}) |\n"
            f"| the same for a trivial one-line Streamlit app (Streamlit and Chromium alone), "
            f"median of 3 | {trivial:.2f} s |\n"
            f"| Overview rerun, AppTest script time (median of 7 after warm-up) "
            f"| {rerun * 1000:.0f} ms |\n")
    (ROOT / "bench" / "results" / "startup.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
