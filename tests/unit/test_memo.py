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
