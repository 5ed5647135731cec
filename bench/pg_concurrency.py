"""Two dashboard servers, a command-line importer and a command-line undoer on one PostgreSQL
store at once; some imports SIGKILLed mid-way. Written to bench/results/pg_concurrency.md.

    .venv/bin/python bench/pg_concurrency.py [--seconds 60]

Each import file holds one new financial year of one indicator for every council (so its rows
are known and no two files share a figure); every fourth import is killed with SIGKILL after a
random delay (while it starts, checks or commits). Two Chromium pages browse the two servers
throughout. Afterwards: every file's figures are in the store in full or not at all, no figure
is held twice, every committed import and every undo is in the audit log, and no traceback
reached a page or the command line.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

from pg_support import PostgresServer  # noqa: E402
from screenshot import CHROMIUM_ARGS  # noqa: E402
from startup import free_port, wait_healthy  # noqa: E402

from cjmetrics.store import Store  # noqa: E402

INDICATOR = "ndo1_diversion_completed"
PAGES = ["", "trends", "framework", "imports"]
BROKEN = ("Traceback", "Something unexpected went wrong")


def councils() -> list[str]:
    areas = pd.read_csv(ROOT / "data" / "catalogue" / "areas.csv")
    return list(areas.loc[areas["level"] == "council", "area_code"])


def year_label(start: int) -> str:
    return f"{start}/{str(start + 1)[-2:]}"


def write_file(folder: Path, n: int) -> tuple[Path, list[str]]:
    """A file of one new financial year (its own, far from the demo's) for every council."""
    periods = [year_label(2030 + n)]
    rows = [f"{INDICATOR},{code},{period},{random.randint(10, 90)}"
            for period in periods for code in councils()]
    path = folder / f"bench-{n:04d}.csv"
    path.write_text("indicator_id,area_code,period,value\n" + "\n".join(rows) + "\n")
    return path, periods


def cli(*args: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cjmetrics", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    seconds = parser.parse_args().seconds
    pg = PostgresServer().start()
    work = Path(tempfile.mkdtemp(prefix="cjm-bench-"))
    servers: list[subprocess.Popen] = []
    try:
        url = pg.url(pg.new_database())
        env = dict(os.environ, CJMETRICS_DB=url)
        subprocess.run([sys.executable, "-m", "cjmetrics", "init"], cwd=ROOT, env=env,
                       check=True, capture_output=True)
        ports = [free_port(), free_port()]
        for port in ports:
            servers.append(subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port",
                 str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for port in ports:
            wait_healthy(port)
        load_before = os.getloadavg()[0]
        deadline = time.monotonic() + seconds
        files: dict[str, list[str]] = {}  # file name -> its periods
        outcomes: list[tuple[str, int | None, str]] = []  # file, exit code (None: killed), output
        undos: list[tuple[int, int, str]] = []  # import id, exit code, output
        visits: list[tuple[int, str]] = []  # (server, page) visits that showed an error
        visit_count = [0]

        def browse(port: int) -> None:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                            args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 720})
                while time.monotonic() < deadline:
                    name = random.choice(PAGES)
                    page.goto(f"http://127.0.0.1:{port}/{name}")
                    page.locator("[data-testid='stMain'] h1").first.wait_for(timeout=60000)
                    page.wait_for_timeout(500)
                    page.locator("[data-stale='true']").first.wait_for(state="detached",
                                                                       timeout=60000)
                    visit_count[0] += 1
                    text = page.inner_text("body")
                    if any(b in text for b in BROKEN):
                        visits.append((port, name))
                browser.close()

        def importer() -> None:
            n = 0
            while time.monotonic() < deadline and n < 69:
                n += 1
                kill = n % 4 == 0
                path, periods = write_file(work, n)
                files[path.name] = periods
                proc = cli("import", str(path), env=env)
                if kill:
                    time.sleep(random.uniform(0.5, 4.0))
                    proc.send_signal(signal.SIGKILL)
                    out, err = proc.communicate()
                    outcomes.append((path.name, None if proc.returncode < 0 else proc.returncode,
                                     out + err))
                else:
                    out, err = proc.communicate()
                    outcomes.append((path.name, proc.returncode, out + err))

        def undoer() -> None:
            store = Store(url)
            try:
                while time.monotonic() < deadline:
                    time.sleep(2.5)
                    log = store.imports()
                    mine = log[(log["status"] == "committed")
                               & log["file_name"].fillna("").str.startswith("bench-")]
                    if mine.empty:
                        continue
                    import_id = int(mine["import_id"].sample(1).iloc[0])
                    proc = cli("undo", str(import_id), env=env)
                    out, err = proc.communicate()
                    undos.append((import_id, proc.returncode, out + err))
            finally:
                store.close()

        threads = [threading.Thread(target=browse, args=(p,)) for p in ports]
        threads += [threading.Thread(target=importer), threading.Thread(target=undoer)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        load_after = os.getloadavg()[0]

        store = Store(url)
        log = store.imports()
        held = store.query(
            "SELECT o.period_label, count(*) AS n, count(DISTINCT o.area_code) AS areas "
            "FROM observations o JOIN imports i USING (import_id) "
            "WHERE o.indicator_id = ? AND i.file_name LIKE 'bench-%' GROUP BY o.period_label",
            [INDICATOR])
        per_period = dict(zip(held["period_label"], held["n"]))
        n_councils = len(councils())
        partial = []  # files whose figures are neither all there nor all absent
        for name, periods in files.items():
            counts = {per_period.get(p, 0) for p in periods}
            if not (counts == {0} or counts == {n_councils}):
                partial.append(name)
        twice = int((held["n"] > held["areas"]).sum())  # a figure written twice for an area
        audit = store.audit_log()
        committed = log[log["file_name"].fillna("").str.startswith("bench-")]
        audited_imports = set(audit.loc[audit["action"] == "import", "import_id"].dropna()
                              .astype(int))
        missing_audit = sorted(set(committed["import_id"].astype(int)) - audited_imports)
        undone_ok = [u for u in undos if u[1] == 0]
        audited_undos = int((audit["action"] == "undo").sum())
        tracebacks = [o for o in outcomes if "Traceback" in o[2]] + \
            [u for u in undos if "Traceback" in u[2]]
        store.close()
        killed = [o for o in outcomes if o[1] is None]
        ok = [o for o in outcomes if o[1] == 0]
        refused = [o for o in outcomes if o[1] not in (None, 0)]
        verdict = all([not partial, not twice, not missing_audit, not tracebacks, not visits,
                       audited_undos >= len(undone_ok)])
        text = (
            "# PostgreSQL concurrency benchmark\n\n"
            f"Command: `.venv/bin/python bench/pg_concurrency.py --seconds {seconds:g}`. "
            f"{os.cpu_count()} cores, load average {load_before:.1f} at the start and "
            f"{load_after:.1f} at the end. One PostgreSQL server (Debian's, started for the "
            "run), two dashboard servers on it, each browsed by a Chromium page; a command-line "
            "importer and a command-line undoer, all at once.\n\n"
            "| measure | result |\n|---|---|\n"
            f"| run time | {elapsed:.0f} s |\n"
            f"| page visits (two servers) | {visit_count[0]}, of which showed an error: "
            f"{len(visits)} |\n"
            f"| command-line imports | {len(outcomes)}: {len(ok)} committed, {len(refused)} "
            f"refused with a sentence, {len(killed)} killed with SIGKILL mid-way |\n"
            f"| undos | {len(undos)}: {len(undone_ok)} done |\n"
            f"| files held in part (neither all nor none of their rows) | {len(partial)} |\n"
            f"| figures held twice for one area and period | {twice} |\n"
            f"| committed imports missing from the audit log | {len(missing_audit)} |\n"
            f"| undos in the audit log / undos done | {audited_undos} / {len(undone_ok)} |\n"
            f"| tracebacks on the command line | {len(tracebacks)} |\n"
            f"| verdict | {'all or nothing, nothing lost or doubled' if verdict else 'FAILED'} |\n")
        if refused:
            text += "\nRefusals, as the command line said them:\n\n" + "".join(
                f"- {o[0]}: {o[2].strip().splitlines()[-1] if o[2].strip() else '(no output)'}\n"
                for o in refused[:5])
        (ROOT / "bench" / "results" / "pg_concurrency.md").write_text(text)
        print(text)
        sys.exit(0 if verdict else 1)
    finally:
        for s in servers:
            s.terminate()
            try:
                s.wait(10)
            except subprocess.TimeoutExpired:
                s.kill()
        pg.stop()


if __name__ == "__main__":
    main()
