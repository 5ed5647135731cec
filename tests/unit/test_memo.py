"""The one cache: a figure built once per store data version, built afresh after an import."""

from __future__ import annotations

from cjmetrics import memo


class FakeStore:
    """What the cache reads of a store: its label (file path, or PostgreSQL address without
    the password) and its data version."""

    def __init__(self, label: str) -> None:
        self.label, self.version = label, 1

    def data_version(self) -> int:
        return self.version


def counted():
    calls = []

    def build(store, area, periods=None):
        calls.append((area, periods))
        return {"area": area, "version": store.version}
    return build, calls


def test_built_once_per_data_version_and_afresh_after_an_import():
    memo.clear()
    build, calls = counted()
    store = FakeStore("/tmp/a.duckdb")
    first = memo.remembered(store, build, "S12000049", periods=["2023/24"])
    assert memo.remembered(store, build, "S12000049", periods=["2023/24"]) is first
    assert len(calls) == 1
    store.version = 2  # an import or an undo
    fresh = memo.remembered(store, build, "S12000049", periods=["2023/24"])
    assert fresh == {"area": "S12000049", "version": 2} and len(calls) == 2


def test_other_arguments_and_other_stores_are_kept_apart():
    memo.clear()
    build, calls = counted()
    a, b = FakeStore("/tmp/a.duckdb"), FakeStore("/tmp/b.duckdb")
    memo.remembered(a, build, "S12000049")
    memo.remembered(a, build, "CJP-AYR")
    memo.remembered(b, build, "S12000049")
    assert len(calls) == 3


def test_a_private_copy_can_be_changed_without_touching_the_shared_one():
    memo.clear()
    build, _ = counted()
    store = FakeStore("/tmp/a.duckdb")
    mine = memo.private(store, build, "S12000049")
    mine["area"] = "changed"
    assert memo.remembered(store, build, "S12000049")["area"] == "S12000049"


def test_a_build_under_way_is_waited_for_not_repeated():
    """The server's warm-up builds the Overview while the first visit asks for it: one build."""
    import threading

    memo.clear()
    calls, started, release = [], threading.Event(), threading.Event()

    def slow(store, area):
        calls.append(area)
        started.set()
        release.wait(10)
        return {"area": area}

    store, results = FakeStore("/tmp/a.duckdb"), []
    first = threading.Thread(target=lambda: results.append(memo.remembered(store, slow, "S1")))
    first.start()
    started.wait(10)
    second = threading.Thread(target=lambda: results.append(memo.remembered(store, slow, "S1")))
    second.start()
    second.join(0.3)  # long enough for a second build to begin, had it not waited
    release.set()
    first.join(10)
    second.join(10)
    assert calls == ["S1"]
    assert len(results) == 2 and results[0] is results[1]


def test_a_failed_build_is_tried_again_by_the_next_caller():
    memo.clear()
    attempts = []

    def flaky(store):
        attempts.append(1)
        if len(attempts) == 1:
            raise OSError("the store was busy")
        return "built"

    store = FakeStore("/tmp/a.duckdb")
    try:
        memo.remembered(store, flaky)
    except OSError:
        pass
    assert memo.remembered(store, flaky) == "built" and len(attempts) == 2
