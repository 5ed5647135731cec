"""Shared fixtures. Every test uses its own store file in tmp; the real data/ is never touched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cjmetrics import store as store_module
from cjmetrics.bootstrap import initialise

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLES = PROJECT_ROOT.parent / "shared" / "samples"


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    """No test may fall back to data/cjmetrics.duckdb, and open stores are closed after each."""
    monkeypatch.setenv("CJMETRICS_DB", str(tmp_path / "default.duckdb"))
    yield
    store_module.close_all()


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.duckdb"
    initialise(path, demo=True)
    store_module.close_all()
    return path


@pytest.fixture(scope="session")
def _empty_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "empty.duckdb"
    initialise(path, demo=False)
    store_module.close_all()
    return path


@pytest.fixture
def demo_db(_demo_template, tmp_path, monkeypatch) -> Path:
    """A fresh copy of a store holding the catalogue and the demo data; CJMETRICS_DB points at it."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(_demo_template, path)
    monkeypatch.setenv("CJMETRICS_DB", str(path))
    return path


@pytest.fixture
def empty_db(_empty_template, tmp_path, monkeypatch) -> Path:
    """A fresh copy of a store holding only the catalogue; CJMETRICS_DB points at it."""
    path = tmp_path / "empty.duckdb"
    shutil.copy(_empty_template, path)
    monkeypatch.setenv("CJMETRICS_DB", str(path))
    return path


@pytest.fixture
def demo_store(demo_db):
    return store_module.open_store(demo_db)


@pytest.fixture
def empty_store(empty_db):
    return store_module.open_store(empty_db)
