"""Pages as a person waits for them in Chromium, written to bench/results/browser.md.

    .venv/bin/python bench/browser.py                     # demo and national stores
    .venv/bin/python bench/browser.py --repeat 5 --check  # exit 1 when a target is missed
    .venv/bin/python bench/browser.py --stores demo --pages Trends,Surveys

For each store (the demo store, and the national-scale store of bench/generate.py), the app is
served as `make run` serves it (scripts/serve.py) beside a one-line Streamlit app
(`st.write("hello")`, the floor: Streamlit and Chromium alone) and a two-page one-line app
(the floor for clicking between pages); for reference, the one-line app with one small Plotly
chart (what Plotly's own code costs a page) and bench/overview_elements.py, the Overview's
elements drawn by a script that reads and computes nothing (what drawing them costs a full
load). Headless Chromium (/usr/bin/chromium) then times:
- first visit: clicking each sidebar link in turn in a fresh server and browser session,
  after reading the Overview for READING_MS;
- warm: the same clicks again, median of --repeat rounds;
- full load: opening each page by its address (a bookmark, a slide's link), median of --repeat;
- cold start: from launching scripts/serve.py to the Overview's tiles, median of --repeat.
Each time runs from the action to the end of the script run it caused: the script state
`notRunning`, no element still a placeholder (Streamlit draws a skeleton while it loads an
element's code) and every plotly chart drawn. Streamlit's websocket messages are decoded to say
what each page sends: bytes, script runs, figures, tables.

Targets (each store): warm in-app navigation at most 500 ms, first visit at most 1.5 s, full
load at most 2x the one-line app's, cold start at most 1.5x the one-line app's.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "scripts"))

from screenshot import CHROMIUM_ARGS  # noqa: E402
from startup import free_port, wait_healthy  # noqa: E402

WARM_TARGET_MS = 500
FIRST_TARGET_MS = 1500
LOAD_RATIO_TARGET = 2.0
COLD_RATIO_TARGET = 1.5
TIMEOUT_MS = 90_000
READING_MS = 3_000  # the Overview is read for this long before the first click
TILE_TEXT = "Social media reach"  # an Overview tile: the page a lead opens first is drawn

FLOOR_APP = 'import streamlit as st\n\nst.write("hello")\n'
# For reference, not a target: the one-line app with one small Plotly chart, i.e. what
# loading and running Plotly's code costs a page by itself.
FLOOR_CHART_APP = """import plotly.graph_objects as go
import streamlit as st

st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2])), theme=None)
"""
FLOOR_NAV_APP = """import streamlit as st

st.navigation([st.Page(lambda: st.write("hello"), title="One", url_path="one", default=True),
               st.Page(lambda: st.write("hello"), title="Two", url_path="two")]).run()
"""

# Installed in every document before Streamlit's own scripts: reads the top-level fields of each
# forward message on Streamlit's websocket, to know when a script run starts (new_session, field
# 4) and when it has finished (script_finished, field 6, other than "finished early for a
# rerun"). A fast run can start and finish within one frame, so the script-state attribute
# alone may never show "running".
WATCH_JS = """
window.__cjb = {runs: 0, finished: 0, pending: false, finishedAt: null};
(() => {
  const Native = window.WebSocket;
  function varint(bytes, at) {
    let value = 0, shift = 0, byte;
    do { byte = bytes[at++]; value += (byte & 127) * 2 ** shift; shift += 7; } while (byte & 128);
    return [value, at];
  }
  function read(data) {
    if (!(data instanceof ArrayBuffer)) return;
    const bytes = new Uint8Array(data);
    let at = 0;
    while (at < bytes.length) {
      let tag, value;
      [tag, at] = varint(bytes, at);
      const wire = tag & 7, number = Math.floor(tag / 8);
      if (wire === 0) {
        [value, at] = varint(bytes, at);
        if (number === 6 && value !== 2) {
          window.__cjb.finished += 1; window.__cjb.pending = false;
          window.__cjb.finishedAt = performance.now();
        }
      } else if (wire === 2) {
        [value, at] = varint(bytes, at);
        if (number === 4) { window.__cjb.runs += 1; window.__cjb.pending = true; }
        at += value;
      } else if (wire === 1) { at += 8; } else if (wire === 5) { at += 4; } else { return; }
    }
  }
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => read(event.data));
    }
  };
})();
"""

# Polled every frame: performance.now() once a run has finished, none is under way, the app
# shows it has stopped, no element is still a placeholder and every chart is drawn. Streamlit
# loads the code of charts and tables on first use and shows a skeleton (stSkeleton) in their
# place meanwhile: without that check the clock stopped before a page's first chart existed.
DONE_JS = """([title, text]) => {
  const watch = window.__cjb;
  if (!watch || !watch.finished || watch.pending) return false;
  if (!document.querySelector(
      '[data-testid="stApp"][data-test-script-state="notRunning"]')) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!chart.querySelector('.js-plotly-plot .main-svg')) return false;
  }
  if (title && !document.title.startsWith(title)) return false;
  if (text && !document.body.innerText.includes(text)) return false;
  return performance.now();
}"""

# A sidebar link's name is its label (its text also holds the icon's ligature name).
LINK_NAME = "(a) => (a.querySelector('span[label]') || a).getAttribute('label') || a.innerText"

CLICK_JS = """(title) => {
  const name = %s;
  const link = [...document.querySelectorAll('[data-testid="stSidebarNav"] a')]
    .find((a) => name(a).trim() === title);
  if (!link) return null;
  Object.assign(window.__cjb, {runs: 0, finished: 0, pending: false, finishedAt: null});
  const started = performance.now();
  link.click();
  return started;
}""" % LINK_NAME

LINKS_JS = """() => {
  const name = %s;
  return [...document.querySelectorAll('[data-testid="stSidebarNav"] a')]
    .map((a) => [name(a).trim(), a.getAttribute('href')]);
}""" % LINK_NAME

COUNTS_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]') || document;
  const n = (sel) => main.querySelectorAll(sel).length;
  return {charts: n('[data-testid="stPlotlyChart"]'),
          tables: n('[data-testid="stDataFrame"], [data-testid="stTable"]'),
          widgets: n('[data-testid="stSelectbox"], [data-testid="stMultiSelect"], '
                     + '[data-testid="stButton"], [data-testid="stDownloadButton"], '
                     + '[data-testid="stRadio"], [data-testid="stSlider"], '
                     + '[data-testid="stDateInput"], [data-testid="stTextInput"], '
                     + '[data-testid="stCheckbox"], [data-testid="stDataFrameResizable"]'),
          nodes: main.querySelectorAll('*').length,
          finishedAt: window.__cjb.finishedAt};
}"""


# -- what the server sends -------------------------------------------------------------------
@dataclass
class Traffic:
    """The forward messages received since the last reset, decoded."""

    frames: int = 0
    bytes: int = 0
    runs: int = 0  # new_session messages: one per script run
    by_element: Counter = field(default_factory=Counter)  # bytes per element type
    count_element: Counter = field(default_factory=Counter)
    cached_refs: int = 0  # elements the browser already had (sent as a hash)

    def add(self, payload: bytes | str) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        data = payload.encode() if isinstance(payload, str) else payload
        self.frames += 1
        self.bytes += len(data)
        msg = ForwardMsg()
        try:
            msg.ParseFromString(data)
        except Exception:  # noqa: BLE001 - a frame this Streamlit's schema cannot read
            return
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.runs += 1
        elif kind == "ref_hash":
            self.cached_refs += 1
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element.WhichOneof("type")
            self.by_element[element] += len(data)
            self.count_element[element] += 1

    def snapshot(self) -> dict:
        return {"frames": self.frames, "bytes": self.bytes, "runs": self.runs,
                "cached_refs": self.cached_refs, "by_element": dict(self.by_element),
                "count_element": dict(self.count_element)}


class Browser:
    """One Chromium page with the run watcher installed and the websocket decoded."""

    def __init__(self, playwright, width: int = 1280, height: int = 720) -> None:
        self.browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                  args=CHROMIUM_ARGS)
        self.context = self.browser.new_context(viewport={"width": width, "height": height})
        self.context.add_init_script(WATCH_JS)
        self.page = self.context.new_page()
        self.traffic = Traffic()
        # Looked up on each frame, so a new Traffic() starts a new count on the same socket.
        self.page.on("websocket",
                     lambda ws: ws.on("framereceived", lambda data: self.traffic.add(data)))

    def done(self, title: str | None = None, text: str | None = None) -> float:
        """performance.now() when the page has finished (see DONE_JS)."""
        handle = self.page.wait_for_function(DONE_JS, arg=[title, text], polling="raf",
                                             timeout=TIMEOUT_MS)
        return float(handle.json_value())

    def load(self, url: str, title: str | None = None, text: str | None = None) -> float:
        """ms from navigation start to the page finished, opened by its address."""
        self.traffic = Traffic()
        self.page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        return self.done(title, text)

    def click(self, title: str, expect_title: str | None = None) -> float:
        """ms from clicking the sidebar link `title` to the page finished."""
        self.traffic = Traffic()
        started = self.page.evaluate(CLICK_JS, title)
        if started is None:
            raise LookupError(f"no sidebar link {title!r}")
        ended = self.done(expect_title)
        # How much of the wait was the server's run (to its script_finished message).
        finished = self.page.evaluate("window.__cjb.finishedAt")
        self.run_ms = float(finished) - float(started)
        return ended - float(started)

    def links(self) -> list[tuple[str, str]]:
        return [tuple(x) for x in self.page.evaluate(LINKS_JS)]

    def showing(self) -> str:
        """The title of the page shown (the browser tab reads "Trends · cjmetrics")."""
        return self.page.title().split(" · ")[0]

    def counts(self) -> dict:
        return self.page.evaluate(COUNTS_JS)

    def close(self) -> None:
        self.browser.close()


# -- servers ---------------------------------------------------------------------------------
@contextmanager
def serving(command: list[str], *, cwd: Path, db: Path | None = None):
    """A Streamlit server on a free port; yields its base URL once healthy."""
    port = free_port()
    env = dict(os.environ)
    if db:
        env["CJMETRICS_DB"] = str(db)
    server = subprocess.Popen(
        [sys.executable, *command, "--server.port", str(port), "--server.headless", "true",
         "--browser.gatherUsageStats", "false"], cwd=cwd, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(10)


APP = ["scripts/serve.py"]  # what `make run` runs


def floor_apps() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="cjmetrics-floor-"))
    (folder / "hello.py").write_text(FLOOR_APP)
    (folder / "nav.py").write_text(FLOOR_NAV_APP)
    (folder / "chart.py").write_text(FLOOR_CHART_APP)
    shutil.copyfile(ROOT / "bench" / "overview_elements.py", folder / "elements.py")
    return folder


def cold_start(playwright, command: list[str], cwd: Path, db: Path | None, text: str,
               title: str | None = None) -> float:
    """ms from launching the server to its first page finished in a fresh browser."""
    browser = Browser(playwright)
    try:
        started = time.perf_counter()
        with serving(command, cwd=cwd, db=db) as url:
            browser.page.goto(url + "/", wait_until="commit", timeout=TIMEOUT_MS)
            browser.done(title, text)
            return (time.perf_counter() - started) * 1000
    finally:
        browser.close()


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def timed(action) -> tuple[float | None, str | None]:
    """(ms, None), or (None, why) when the page never finished."""
    try:
        return action(), None
    except Exception as exc:  # noqa: BLE001 - reported in the results, the run goes on
        return None, f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"


# -- one store -------------------------------------------------------------------------------
def measure_store(playwright, db: Path, floors: Path, repeat: int,
                  only: list[str] | None, log) -> dict:
    result: dict = {"pages": {}, "errors": []}
    with serving(APP, cwd=ROOT, db=db) as app, \
            serving(["-m", "streamlit", "run", "hello.py"], cwd=floors) as hello, \
            serving(["-m", "streamlit", "run", "nav.py"], cwd=floors) as nav, \
            serving(["-m", "streamlit", "run", "chart.py"], cwd=floors) as chart, \
            serving(["-m", "streamlit", "run", "elements.py"], cwd=floors) as elements:
        browser = Browser(playwright)
        try:
            first_load, why = timed(lambda: browser.load(app + "/", text=TILE_TEXT))
            if why:
                raise SystemExit(f"the Overview never finished in the browser: {why}")
            result["first_overview_ms"] = first_load
            # A lead reads the Overview before going on; the app loads the chart code then.
            browser.page.wait_for_timeout(READING_MS)
            links = browser.links()
            titles = [t for t, _ in links if not only or t in only]
            pages = result["pages"]
            for title in titles:
                pages[title] = {"first": None, "warm": [], "warm_run": [], "load": [],
                                "load_run": [], "errors": []}
            # First visits, in menu order from the page before; the Overview, which the
            # load above showed, last.
            home = links[0][0]
            titles = [t for t in titles if t != home] + [t for t in titles if t == home]
            for title in titles:
                _away(browser, links, title)
                ms, why = timed(lambda t=title: browser.click(t, t))
                browser.page.wait_for_timeout(300)  # a second run started after the first
                entry = pages[title]
                entry["first"] = ms
                entry["first_run"] = browser.run_ms if ms else None
                entry["first_traffic"] = browser.traffic.snapshot()
                entry["counts"] = browser.counts()
                if why:
                    entry["errors"].append(f"first visit: {why}")
                log(f"  first {title}: {_ms(ms)} ms, {_kb(browser.traffic.bytes)} KB, "
                    f"{browser.traffic.runs} run(s)")
            for _ in range(repeat):
                for title in titles:
                    _away(browser, links, title)
                    ms, why = timed(lambda t=title: browser.click(t, t))
                    pages[title]["warm"].append(ms)
                    pages[title]["warm_run"].append(browser.run_ms if ms else None)
                    pages[title]["warm_traffic"] = browser.traffic.snapshot()
                    if why:
                        pages[title]["errors"].append(f"warm: {why}")
                log(f"  warm round: {', '.join(_ms(pages[t]['warm'][-1]) for t in titles)}")
            hrefs = dict(links)
            floor_browser = Browser(playwright)
            try:
                floor_browser.load(hello + "/", text="hello")  # the browser's cache filled
                floor_browser.load(nav + "/", text="hello")
                floor_browser.load(chart + "/")
                floor_browser.load(elements + "/")
                floor_loads, floor_navs, chart_loads, element_loads = [], [], [], []
                for _ in range(repeat):
                    floor_loads.append(floor_browser.load(hello + "/", text="hello"))
                for title in titles:
                    for _ in range(repeat):
                        ms, why = timed(lambda t=title: browser.load(
                            _absolute(app, hrefs[t]), t))
                        pages[title]["load"].append(ms)
                        # A new document: its clock starts at navigation, so the run's end is
                        # the time from the address being opened to the script_finished message.
                        pages[title]["load_run"].append(
                            browser.page.evaluate("window.__cjb.finishedAt") if ms else None)
                        if why:
                            pages[title]["errors"].append(f"full load: {why}")
                    # The floor is measured between the pages, so a busy spell hits both.
                    floor_loads.append(floor_browser.load(hello + "/", text="hello"))
                    chart_loads.append(floor_browser.load(chart + "/"))
                    element_loads.append(floor_browser.load(elements + "/"))
                floor_browser.load(nav + "/", text="hello")
                for i in range(2 * repeat + 1):
                    ms = floor_browser.click("Two" if i % 2 == 0 else "One")
                    if i:  # the first click is this session's first visit to "Two"
                        floor_navs.append(ms)
                result["floor_load"] = floor_loads
                result["floor_chart_load"] = chart_loads
                result["floor_elements_load"] = element_loads
                result["floor_nav"] = floor_navs
            finally:
                floor_browser.close()
        finally:
            browser.close()
    colds, floor_colds = [], []
    for _ in range(repeat):  # interleaved, so a busy spell hits both alike
        ms, why = timed(lambda: cold_start(playwright, APP, ROOT, db, TILE_TEXT))
        colds.append(ms)
        if why:
            result["errors"].append(f"cold start: {why}")
        floor_colds.append(cold_start(playwright, ["-m", "streamlit", "run", "hello.py"],
                                      floors, None, "hello"))
    result["cold"], result["floor_cold"] = colds, floor_colds
    return result


def _away(browser: Browser, links: list[tuple[str, str]], title: str) -> None:
    """Leave the page `title` when it is the one shown, so that clicking it navigates."""
    if browser.showing() == title:
        other = links[1][0] if title == links[0][0] else links[0][0]
        browser.click(other, other)


def _absolute(base: str, href: str) -> str:
    if href.startswith("http"):
        return href
    return base + "/" + href.lstrip("/")


# -- the report ------------------------------------------------------------------------------
def verdicts(result: dict) -> tuple[list[dict], list[str]]:
    """Per page: medians, ratios and whether each target is met; and the missed targets."""
    floor_load = median(result["floor_load"])
    floor_nav = median(result["floor_nav"])
    rows, missed = [], []
    for title, p in result["pages"].items():
        warm, load = median(p["warm"]), median(p["load"])
        row = {"title": title, "first": p["first"], "warm": warm, "load": load,
               "first_run": p.get("first_run"), "warm_run": median(p["warm_run"]),
               "load_run": median(p.get("load_run", [])),
               "warm_ratio": warm / floor_nav if warm and floor_nav else None,
               "load_ratio": load / floor_load if load and floor_load else None,
               "errors": p["errors"], "counts": p.get("counts", {}),
               "traffic": p.get("first_traffic", {}), "warm_traffic": p.get("warm_traffic", {})}
        checks = [("first visit", row["first"], FIRST_TARGET_MS, "ms"),
                  ("warm navigation", warm, WARM_TARGET_MS, "ms"),
                  ("full load", row["load_ratio"], LOAD_RATIO_TARGET, "x")]
        row["met"] = not p["errors"]
        for name, value, target, unit in checks:
            if value is None or value > target:
                row["met"] = False
                shown = "never finished" if value is None else (
                    f"{value:.0f} ms" if unit == "ms" else f"{value:.2f}x")
                missed.append(f"{title}: {name} {shown} (target {target:g} {unit})")
        rows.append(row)
    cold, floor_cold = median(result["cold"]), median(result["floor_cold"])
    ratio = cold / floor_cold if cold and floor_cold else None
    result["cold_ratio"] = ratio
    if ratio is None or ratio > COLD_RATIO_TARGET:
        missed.append(f"cold start {'never finished' if ratio is None else f'{ratio:.2f}x'} "
                      f"(target {COLD_RATIO_TARGET}x)")
    return rows, missed


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def _x(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def _kb(n: int) -> str:
    return f"{n / 1024:,.1f}" if n < 10 * 1024 else f"{n / 1024:,.0f}"


def _reference_floor(result: dict, key: str) -> str:
    """A reference app's median full load, and its ratio to the one-line app's."""
    loads, floor = result.get(key) or [], median(result["floor_load"])
    value = median(loads)
    if value is None or not floor:
        return "not measured"
    return f"{_ms(value)} ms, {value / floor:.2f}x the one-line app's"


def store_section(name: str, result: dict, repeat: int) -> tuple[str, list[str]]:
    rows, missed = verdicts(result)
    lines = [
        f"## {name} store\n",
        f"Load average {result['load_before']:.1f} before, {result['load_after']:.1f} after. "
        f"Floor (one-line app, same run): full load {_ms(median(result['floor_load']))} ms "
        f"(runs {', '.join(_ms(v) for v in result['floor_load'])}), click between its two "
        f"pages {_ms(median(result['floor_nav']))} ms, cold start "
        f"{_ms(median(result['floor_cold']))} ms "
        f"(runs {', '.join(_ms(v) for v in result['floor_cold'])}). For reference, the same "
        f"app with one small Plotly chart: full load "
        f"{_reference_floor(result, 'floor_chart_load')}; the Overview's elements drawn by a "
        f"script that reads and computes nothing (bench/overview_elements.py): full load "
        f"{_reference_floor(result, 'floor_elements_load')}.\n",
        "| page | first visit (run) | warm, median of %d (run) | full load, median of %d (run) "
        "| load / floor | sent on first visit, KB (figures) | runs | charts, tables, widgets "
        "| targets |" % (repeat, repeat),
        "|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        t, c = r["traffic"], r["counts"]
        figures = t.get("by_element", {}).get("plotly_chart", 0)
        lines.append(
            f"| {r['title']} | {_ms(r['first'])} ({_ms(r['first_run'])}) | {_ms(r['warm'])} "
            f"({_ms(r['warm_run'])}) | {_ms(r['load'])} ({_ms(r['load_run'])}) | "
            f"{_x(r['load_ratio'])} | {_kb(t.get('bytes', 0))} ({_kb(figures)}) | "
            f"{t.get('runs', 0)} | {c.get('charts', 0)}, {c.get('tables', 0)}, "
            f"{c.get('widgets', 0)} | {'met' if r['met'] else '**missed**'} |")
    lines += ["", "What each page's first visit sent, by element (count, KB), largest first:\n",
              "| page | elements |", "|---|---|"]
    for r in rows:
        t = r["traffic"]
        kinds = sorted(t.get("by_element", {}), key=lambda k: -t["by_element"][k])
        lines.append(f"| {r['title']} | " + ", ".join(
            f"{k} {t['count_element'][k]} ({_kb(t['by_element'][k])})" for k in kinds) + " |")
    cold = median(result["cold"])
    lines += ["", f"Cold start, `make run`'s command (scripts/serve.py) to the Overview's tiles: "
              f"{_ms(cold)} ms (runs {', '.join(_ms(v) for v in result['cold'])}), "
              f"{_x(result['cold_ratio'])} the one-line app's (target at most "
              f"{COLD_RATIO_TARGET}x).\n"]
    errors = result["errors"] + [f"{r['title']}: {e}" for r in rows for e in r["errors"]]
    if errors:
        lines += ["Errors:"] + [f"- {e}" for e in errors] + [""]
    return "\n".join(lines), [f"{name}: {m}" for m in missed]


def write_report(results: dict, repeat: int, command: str) -> tuple[str, list[str]]:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    sections, missed = [], []
    for name, result in results.items():
        text, miss = store_section(name, result, repeat)
        sections.append(text)
        missed += miss
    text = (
        "# Browser benchmark\n\n"
        f"Machine: {machine}, headless Chromium at 1280x720; "
        "the cores are shared with other work, so each store's load average is given. "
        f"Command: `{command}`.\n\n"
        "Times in ms, measured in the page (performance.now()) from the action (a click on "
        "the sidebar link; navigation start for a full load by address) to the end of the "
        "script run it caused, the script state `notRunning`, no element still a placeholder "
        "(a skeleton while Streamlit loads an element's code) and every plotly chart drawn. "
        "First visit: each page clicked once, in menu order, in a fresh server and browser "
        "session (the server's warm-up has built only the Overview), the first click "
        f"{READING_MS / 1000:g} s after the Overview has drawn, as a person reads it. "
        "(run): of that, the time until the run's script_finished message reached the "
        "page; the rest is drawing. Sent: the websocket's bytes on the first visit, of "
        "which plotly figures; "
        "runs: script runs the visit caused. Targets: first visit at most "
        f"{FIRST_TARGET_MS:,} ms, warm at most {WARM_TARGET_MS} ms, full load at most "
        f"{LOAD_RATIO_TARGET:g}x the one-line app's, cold start at most "
        f"{COLD_RATIO_TARGET:g}x.\n\n" + "\n".join(sections) + "\n"
        + ("All targets met.\n" if not missed else
           "Missed:\n" + "".join(f"- {m}\n" for m in missed)))
    return text, missed


def copy_store(source: Path, target: Path) -> None:
    """A DuckDB store file and its write-ahead log, if it has one."""
    shutil.copyfile(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, target.with_name(target.name + ".wal"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="warm rounds, loads, cold starts")
    parser.add_argument("--stores", default="demo,national",
                        help="which stores: demo, national or both (default)")
    parser.add_argument("--national", type=Path,
                        help="an existing national store, served from a copy (default: "
                             "generate one)")
    parser.add_argument("--pages", help="only these sidebar titles, comma-separated")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "browser.md")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    unknown = set(stores) - {"demo", "national"}
    if unknown:
        parser.error(f"unknown store {', '.join(sorted(unknown))}: use demo and/or national")
    only = [t.strip() for t in args.pages.split(",")] if args.pages else None

    from playwright.sync_api import sync_playwright

    from cjmetrics.bootstrap import initialise
    from cjmetrics.store import close_all

    work = Path(tempfile.mkdtemp(prefix="cjmetrics-browser-"))
    floors = floor_apps()
    paths = {}
    if "demo" in stores:
        paths["demo"] = work / "demo.duckdb"
        initialise(paths["demo"], demo=True)
        close_all()
    if "national" in stores:
        paths["national"] = work / "national.duckdb"
        if args.national is None:
            from generate import generate

            print("generating the national store…", flush=True)
            generate(paths["national"])
            close_all()
        else:  # a copy: the app writes to its store, and others may be serving the original
            copy_store(args.national, paths["national"])
    results: dict = {}
    try:
        with sync_playwright() as p:
            for name, db in paths.items():
                print(f"{name} store…", flush=True)
                load_before = os.getloadavg()[0]
                result = measure_store(p, db, floors, args.repeat, only,
                                       lambda m: print(m, flush=True))
                result["load_before"], result["load_after"] = load_before, os.getloadavg()[0]
                results[name] = result
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(floors, ignore_errors=True)
    command = " ".join(["bench/browser.py", *sys.argv[1:]])
    text, missed = write_report(results, args.repeat, f".venv/bin/python {command}")
    args.out.write_text(text)
    print(text)
    if args.check and missed:
        sys.exit(1)


if __name__ == "__main__":
    main()
