"""bench/pages.py's own logic, without a server: the addresses it opens for peak RSS are the
ones the navigation serves, so every page is really visited (not a "page not found")."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_pages", ROOT / "bench" / "pages.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_every_page_is_opened_at_the_address_the_navigation_serves():
    bench = load_bench()
    addresses = {path: bench.page_address(path) for path, _ in bench.discover_pages()}
    assert addresses["pages/overview.py"] == ""
    assert addresses["pages/catalogue.py"] == "frameworks"  # its url_path, not the file name
    assert addresses["pages/trends.py"] == "trends"
    assert len(set(addresses.values())) == len(addresses) >= 16
