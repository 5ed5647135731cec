"""Page cost at demo scale and at national scale, written to bench/results/pages.md.

    .venv/bin/python bench/pages.py            # measure and write the results
    .venv/bin/python bench/pages.py --check    # the same; exit 1 when a target is missed

Every page of dashboard.py's navigation (found by reading dashboard.py) is run in AppTest with
realistic choices (area Glasgow City, indicator social-media reach, which has channel
breakdowns), over the demo store and over the national-scale store of bench/generate.py:
- rerun: the page's script run time, median of 7 reruns after a warm-up (what a user waits for
  after touching a widget; reads are cached per store data version);
- first: the same with every cached read cleared before each run (median of 5): what the first
  visitor after an import waits for.
Then, on the national store: cold start (launching `make run`'s server, scripts/serve.py, to
the Overview's tiles in Chromium, median of 3) and the server's peak RSS after a browser has
visited every page.

Targets: rerun at most 300 ms at national scale; national / demo rerun ratio at most 1.5 (times
under 50 ms count as 50 ms, so the ratio of two tiny numbers is not noise); cold start at most
3 s; peak RSS at most 2 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))

AREA = "S12000049"  # Glasgow City
INDICATOR = "eng_social_reach"
RERUN_TARGET_MS = 300
RATIO_TARGET = 1.5
RATIO_FLOOR_MS = 50
COLD_TARGET_S = 3.0
RSS_TARGET_MB = 2048


def discover_pages() -> list[tuple[str, str]]:
    """(script path, title) of every page in dashboard.py's navigation, in menu order."""
    text = (ROOT / "dashboard.py").read_text()
    return re.findall(r'st\.Page\(\s*"([^"]+)"\s*,\s*title="([^"]+)"', text)


def page_address(path: str) -> str:
    """The page's address as the navigation serves it: its url_path in dashboard.py when set
    (pages/catalogue.py is /frameworks), else the file's name; the default page is /."""
    if path == "pages/overview.py":
        return ""
    text = (ROOT / "dashboard.py").read_text()
    found = re.search(r'st\.Page\(\s*"' + re.escape(path) + r'"[^)]*?url_path="([^"]+)"', text)
    return found.group(1) if found else Path(path).stem


def _cpu() -> float:
    """CPU seconds of this process, every thread (the script's and DuckDB's) included: steadier
    than wall time when other work shares the cores."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- one scale, in its own process (Streamlit's caches are per process) ------------------------
def measure_scale(db: Path) -> dict:
    os.environ["CJMETRICS_DB"] = str(db)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from cjmetrics import ui

    results = {}
    for path, title in discover_pages():
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
        at.query_params["indicator"] = INDICATOR
        at.run()
        at.selectbox(key="area").set_value(AREA).run()
        if path != "pages/overview.py":
            at.switch_page(path).run()
        at.run()  # warm-up
        reruns, cpus = [], []
        for _ in range(7):
            t, c = time.perf_counter(), _cpu()
            at.run()
            reruns.append(time.perf_counter() - t)
            cpus.append(_cpu() - c)
        firsts, first_cpus = [], []
        for _ in range(5):
            st.cache_data.clear()
            ui.forget_shared()
            t, c = time.perf_counter(), _cpu()
            at.run()
            firsts.append(time.perf_counter() - t)
            first_cpus.append(_cpu() - c)
        errors = [str(e.value)[:200] for e in at.exception] + \
            [e.value[:200] for e in at.error]
        results[path] = {"title": title, "rerun_ms": statistics.median(reruns) * 1000,
                         "first_ms": statistics.median(firsts) * 1000,
                         "rerun_cpu_ms": statistics.median(cpus) * 1000,
                         "first_cpu_ms": statistics.median(first_cpus) * 1000,
                         "rerun_runs": [round(r * 1000) for r in reruns], "errors": errors}
    return results


def run_scale(db: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", str(db)], cwd=ROOT,
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"measuring {db} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- the real server -------------------------------------------------------------------------
def _vm_hwm_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss(db: Path) -> float:
    """Serve the store, visit every page in Chromium, return the server's peak RSS (MB)."""
    from playwright.sync_api import sync_playwright
    from screenshot import CHROMIUM_ARGS
    from startup import free_port, wait_healthy

    port = free_port()
    env = dict(os.environ, CJMETRICS_DB=str(db))
    server = subprocess.Popen(
        [sys.executable, "scripts/serve.py", "--server.port", str(port),
         "--server.headless", "true"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        wait_healthy(port, poll=0.1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for path, _ in discover_pages():
                page.goto(f"http://127.0.0.1:{port}/{page_address(path)}?indicator={INDICATOR}")
                page.locator("[data-testid='stMain'] h1").first.wait_for(timeout=120000)
                deadline = time.time() + 120
                while time.time() < deadline and (
                        page.locator("[data-stale='true']").count()
                        or page.get_by_test_id("stStatusWidget").count()):
                    time.sleep(0.2)
            browser.close()
        return _vm_hwm_mb(server.pid)
    finally:
        server.terminate()
        server.wait(10)


# -- report ----------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when any target is missed")
    parser.add_argument("--metric", choices=("wall", "cpu"), default="wall",
                        help="judge reruns on wall time (default) or on CPU time, which other "
                             "work on shared cores disturbs less")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--national", type=Path,
                        help="an existing national store (default: generate one)")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_scale(args.measure)))
        return

    from generate import generate
    from startup import cold_start

    from cjmetrics.bootstrap import initialise
    from cjmetrics.store import close_all

    load_before = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="cjmetrics-pages-"))
    demo = work / "demo.duckdb"
    initialise(demo, demo=True)
    close_all()
    national = args.national
    if national is None:
        national = work / "national.duckdb"
        print("generating the national store…", flush=True)
        print(generate(national), flush=True)
    print("measuring pages at demo scale…", flush=True)
    demo_pages = run_scale(demo)
    print("measuring pages at national scale…", flush=True)
    national_pages = run_scale(national)
    print("cold start and peak RSS…", flush=True)
    colds = [cold_start(national) for _ in range(3)]
    cold = statistics.median(colds)
    rss = peak_rss(national)

    missed = []
    rows = []
    for path, title in discover_pages():
        d, n = demo_pages[path], national_pages[path]
        key = "rerun_ms" if args.metric == "wall" else "rerun_cpu_ms"
        ratio = max(n[key], RATIO_FLOOR_MS) / max(d[key], RATIO_FLOOR_MS)
        cpu_ratio = max(n["rerun_cpu_ms"], RATIO_FLOOR_MS) / max(d["rerun_cpu_ms"],
                                                                 RATIO_FLOOR_MS)
        wall_ratio = max(n["rerun_ms"], RATIO_FLOOR_MS) / max(d["rerun_ms"], RATIO_FLOOR_MS)
        ok_time = n[key] <= RERUN_TARGET_MS
        ok_ratio = ratio <= RATIO_TARGET
        errors = d["errors"] + n["errors"]
        if not ok_time:
            missed.append(f"{title}: {n[key]:.0f} ms per rerun at national scale "
                          f"({args.metric}; target {RERUN_TARGET_MS} ms)")
        if not ok_ratio:
            missed.append(f"{title}: national/demo ratio {ratio:.2f} (target {RATIO_TARGET})")
        if errors:
            missed.append(f"{title}: the page showed an error: {errors[0]}")
        rows.append(f"| {title} (`{path}`) | {d['rerun_ms']:.0f} ({d['rerun_cpu_ms']:.0f}) | "
                    f"{n['rerun_ms']:.0f} ({n['rerun_cpu_ms']:.0f}) | {wall_ratio:.2f} "
                    f"({cpu_ratio:.2f}) | {d['first_ms']:.0f} ({d['first_cpu_ms']:.0f}) | "
                    f"{n['first_ms']:.0f} ({n['first_cpu_ms']:.0f}) | "
                    f"{'met' if ok_time and ok_ratio and not errors else '**missed**'} |")
    if cold > COLD_TARGET_S:
        missed.append(f"cold start {cold:.2f} s (target {COLD_TARGET_S} s)")
    if rss > RSS_TARGET_MB:
        missed.append(f"peak RSS {rss:,.0f} MB (target {RSS_TARGET_MB:,} MB)")

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    load = os.getloadavg()
    text = (
        "# Page benchmark\n\n"
        f"Machine: {machine}; load average {load_before:.1f} at the start and {load[0]:.1f} at "
        "the end (the two cores are shared with other work, so wall times are upper bounds). "
        f"Command: `.venv/bin/python bench/pages.py --metric {args.metric}` (`--check` exits 1 "
        "on a missed target). National store: `bench/generate.py`. Choices: "
        f"area {AREA} (Glasgow City), indicator `{INDICATOR}`.\n\n"
        "Times in ms, wall (CPU of the process, all threads, in brackets). *rerun*: AppTest "
        "script run, median of 7 after a warm-up (reads cached on the store's data version). "
        "*first*: the same with the read caches cleared before each run (median of 5): what "
        "the first visitor after an import waits for. Ratio: national / demo rerun (each at "
        f"least {RATIO_FLOOR_MS} ms). Targets judged on {args.metric} time.\n\n"
        "| page | demo rerun | national rerun | ratio | demo first | national first | "
        "targets |\n|---|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n\n"
        "| measure (national store) | result | target |\n|---|---|---|\n"
        f"| cold start, `make run` (scripts/serve.py) to the Overview tiles in Chromium "
        f"(median of 3) | "
        f"{cold:.2f} s (runs: {', '.join(f'{c:.2f}' for c in colds)}) | "
        f"at most {COLD_TARGET_S} s |\n"
        f"| server peak RSS after visiting every page | {rss:,.0f} MB | at most "
        f"{RSS_TARGET_MB:,} MB |\n\n"
        + ("All targets met.\n" if not missed else
           "Missed:\n" + "".join(f"- {m}\n" for m in missed))
        + "\nProfile of the slowest page: `bench/results/pages-profile.md`.\n")
    (ROOT / "bench" / "results" / "pages.md").write_text(text)
    print(text)
    if args.check and missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
