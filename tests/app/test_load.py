"""Load: 8 sessions browsing and 2 importing at once for 60 seconds, on one store, as one
dashboard process serves them (one DuckDB connection, each session on its own thread, exactly
like Streamlit's script threads).

Each browsing session builds what its pages show (Overview, Trends and its charts, Compare,
Performance Framework, Care Inspectorate, Imports & history, the audit log) for random areas
and indicators, with the caches off, and downloads now and then (an audit row written by a
viewer). Each importing session validates and commits a new file every round, as an editor.
Afterwards: no session met an error, every import is present and whole, and the store's
integrity checks pass. CJMETRICS_LOAD_SECONDS shortens it for a quick local run.
"""

from __future__ import annotations

import os
import random
import threading
import time

import pytest

from cjmetrics.access import Actor, acting
from cjmetrics.audit import audit_table
from cjmetrics.care_inspectorate import build_quality
from cjmetrics.charts import grade_heatmap_figure, ranked_bar_figure, trend_figure
from cjmetrics.comparison import build_comparison
from cjmetrics.framework import build_scorecard
from cjmetrics.imports import figure_choices, history_of_figure, import_log
from cjmetrics.ingest import commit, prepare
from cjmetrics.overview import build_overview
from cjmetrics.trends import build_trend, indicator_choices

from demo_csv import AYRSHIRE, EAST_AYRSHIRE, GLASGOW, NORTH_AYRSHIRE, SCOTLAND

pytestmark = pytest.mark.load

SECONDS = float(os.environ.get("CJMETRICS_LOAD_SECONDS", "60"))
BROWSERS, IMPORTERS = 8, 2
AREAS = [GLASGOW, EAST_AYRSHIRE, NORTH_AYRSHIRE, AYRSHIRE, SCOTLAND]
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def browse(store, rng: random.Random, me: Actor, counts: dict) -> None:
    indicators = list(indicator_choices(store))
    area = rng.choice(AREAS)
    indicator = rng.choice(indicators)
    build_overview(store, area)
    trend = build_trend(store, indicator, [area], None, None, True)
    trend_figure(trend)
    comparison = build_comparison(store, indicator, [GLASGOW, EAST_AYRSHIRE, NORTH_AYRSHIRE], True)
    ranked_bar_figure(comparison)
    build_scorecard(store, area)
    grade_heatmap_figure(build_quality(store, area))
    import_log(store)
    choices = figure_choices(store)
    if choices["areas"].get(indicator):
        history_of_figure(store, indicator, choices["areas"][indicator][0])
    audit_table(store)
    if rng.random() < 0.2:
        store.record("export", f"chart data: {indicator}-trend.csv", actor=me)
    counts["pages"] += 1


def batch_file(session: int, batch: int) -> bytes:
    lines = ["indicator,area,period,value,breakdown"]
    for area in AREAS:
        for month in range(60):
            lines.append(f"ndo1_diversion_completed,{area},{MONTHS[month % 12]} "
                         f"{2000 + month // 12},{batch * 100 + month},load:s{session}b{batch}")
    return ("\n".join(lines) + "\n").encode()


def test_eight_sessions_browse_while_two_import(demo_store):
    stop = time.monotonic() + SECONDS
    errors: list[str] = []
    imported: list[int] = []
    counts = {"pages": 0}
    lock = threading.Lock()

    def browser(n: int) -> None:
        rng = random.Random(n)
        me = Actor(f"viewer{n}@board.example.org", "viewer")
        with acting(me):
            while time.monotonic() < stop:
                try:
                    browse(demo_store, rng, me, counts)
                except Exception as exc:  # noqa: BLE001 - collected and reported below
                    errors.append(f"browser {n}: {exc!r}")
                    return

    def importer(n: int) -> None:
        with acting(Actor(f"editor{n}@council.gov.uk", "editor")):
            batch = 0
            while time.monotonic() < stop:
                try:
                    prepared = prepare(demo_store, batch_file(n, batch), f"load-{n}-{batch}.csv")
                    assert prepared.ok, prepared.problems.head().to_dict("records")
                    result = commit(demo_store, prepared, lock_timeout=30)
                    assert result.import_id is not None, result.message
                    with lock:
                        imported.append(result.import_id)
                    batch += 1
                except Exception as exc:  # noqa: BLE001
                    errors.append(f"importer {n}: {exc!r}")
                    return

    threads = [threading.Thread(target=browser, args=(n,)) for n in range(BROWSERS)]
    threads += [threading.Thread(target=importer, args=(n,)) for n in range(IMPORTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 120)
    assert not any(t.is_alive() for t in threads), "a session hung"
    assert errors == []
    assert counts["pages"] >= BROWSERS and len(imported) >= IMPORTERS, (counts, imported)
    held = demo_store.imports().set_index("import_id")
    assert set(imported) <= set(held.index)
    assert set(held.loc[imported, "status"]) == {"committed"}
    rows = demo_store.query("SELECT import_id, count(*) AS n FROM observations "
                            "WHERE breakdown LIKE 'load:%' GROUP BY ALL").set_index("import_id")
    assert set(rows.index) == set(imported) and set(rows["n"]) == {len(AREAS) * 60}
    audited = set(demo_store.audit_log(actions=["import"])["import_id"])
    assert set(imported) <= audited
    assert demo_store.integrity_problems() == []
    print(f"{counts['pages']} page rounds and {len(imported)} imports in {SECONDS:.0f} s")
