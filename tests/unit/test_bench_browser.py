"""bench/browser.py's own logic, without a browser: what it reads off Streamlit's websocket (script
runs, the bytes of each kind of element, elements the browser already had) and how it judges a
run against the targets, as ratios to the one-line app measured beside it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_browser", ROOT / "bench" / "browser.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up by name
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


def _frames() -> list[bytes]:
    start = ForwardMsg()
    start.new_session.page_script_hash = "page-1"
    chart = ForwardMsg()
    chart.delta.new_element.plotly_chart.spec = '{"data": [{"y": [1, 2, 3]}]}' * 100
    text = ForwardMsg()
    text.delta.new_element.markdown.body = "Social media reach"
    known = ForwardMsg()
    known.ref_hash = "abc123"
    done = ForwardMsg()
    done.script_finished = ForwardMsg.FINISHED_SUCCESSFULLY
    return [m.SerializeToString() for m in (start, chart, text, known, done)]


def test_traffic_counts_runs_figure_bytes_and_cached_elements(bench):
    frames = _frames()
    traffic = bench.Traffic()
    for frame in frames:
        traffic.add(frame)
    traffic.add(b"\xff\xff not a forward message")  # counted as bytes, never a crash
    seen = traffic.snapshot()
    assert seen["runs"] == 1
    assert seen["frames"] == 6
    assert seen["bytes"] == sum(map(len, frames)) + len(b"\xff\xff not a forward message")
    assert seen["by_element"]["plotly_chart"] == len(frames[1]) > 2500
    assert seen["count_element"] == {"plotly_chart": 1, "markdown": 1}
    assert seen["cached_refs"] == 1


def _result(**pages) -> dict:
    return {"floor_load": [400.0, 500.0, 600.0], "floor_nav": [100.0, 120.0],
            "floor_cold": [2000.0, 2100.0], "cold": [2800.0, 3000.0], "errors": [],
            "pages": {title: {"first": first, "warm": warm, "warm_run": [], "load": load,
                              "errors": []}
                      for title, (first, warm, load) in pages.items()}}


def test_targets_are_judged_against_the_floor_of_the_same_run(bench):
    result = _result(Overview=(900.0, [300.0, 320.0, 900.0], [700.0, 800.0, 1200.0]),
                     Trends=(1800.0, [450.0, 600.0, 650.0], [900.0, 1100.0, 1300.0]))
    rows, missed = bench.verdicts(result)
    overview, trends = rows
    assert overview["warm"] == 320.0  # the median: one slow click does not decide
    assert overview["load_ratio"] == pytest.approx(800.0 / 500.0)
    assert overview["met"]
    assert trends["load_ratio"] == pytest.approx(1100.0 / 500.0)
    assert not trends["met"]
    assert missed == ["Trends: first visit 1800 ms (target 1500 ms)",
                      "Trends: warm navigation 600 ms (target 500 ms)",
                      "Trends: full load 2.20x (target 2 x)"]
    assert result["cold_ratio"] == pytest.approx(2900.0 / 2050.0)  # within 1.5x: not missed


def test_a_page_that_never_finished_is_a_missed_target_not_a_crash(bench):
    result = _result(Surveys=(None, [None, None], [None]))
    result["cold"] = [None, None]
    rows, missed = bench.verdicts(result)
    assert not rows[0]["met"]
    assert "Surveys: first visit never finished (target 1500 ms)" in missed
    assert "cold start never finished (target 1.5x)" in missed
    result["load_before"], result["load_after"] = 2.0, 2.5
    text, _ = bench.store_section("demo", result, repeat=2)
    assert "| Surveys | — (—) | — (—) | — (—) | — |" in text
    assert "**missed**" in text


def test_a_given_national_store_is_served_from_a_copy_with_its_log(bench, tmp_path):
    source = tmp_path / "given" / "national.duckdb"
    source.parent.mkdir()
    source.write_bytes(b"store")
    source.with_name("national.duckdb.wal").write_bytes(b"log")
    target = tmp_path / "work" / "national.duckdb"
    target.parent.mkdir()
    bench.copy_store(source, target)
    assert target.read_bytes() == b"store"
    assert target.with_name("national.duckdb.wal").read_bytes() == b"log"
    target.write_bytes(b"written by the app")
    assert source.read_bytes() == b"store"
