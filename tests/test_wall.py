"""The wall (DESIGN.md): only cjmetrics.ui may import streamlit, so the store, the analysis, the
charts, the CLI and the exports work (and are tested) without a Streamlit runtime.

Each module is imported in a fresh interpreter, because this test process may already have
streamlit loaded by other tests. The interpreters run one per core to keep the test quick."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

import cjmetrics

from demo_csv import PROJECT_ROOT

PROBE = """
import json, sys
name = sys.argv[1]
if name == "cjmetrics.__main__":  # runs the CLI on import: ask it for help and carry on
    sys.argv = ["cjmetrics", "--help"]
    try:
        import cjmetrics.__main__
    except SystemExit:
        pass
else:
    __import__(name)
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == "streamlit")[:5]))
"""


def all_modules() -> list[str]:
    names = ["cjmetrics"] + [m.name for m in pkgutil.walk_packages(cjmetrics.__path__,
                                                                    "cjmetrics.")]
    return sorted(names)


MODULES = all_modules()
WALLED = [m for m in MODULES if m != "cjmetrics.ui"]


@pytest.fixture(scope="module")
def streamlit_loaded_by() -> dict[str, list[str]]:
    """module -> the streamlit modules that importing it (alone) loaded."""
    def probe(name: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", PROBE, name], cwd=PROJECT_ROOT,
                              capture_output=True, text=True, timeout=180)

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        finished = dict(zip(MODULES, pool.map(probe, MODULES)))
    results = {}
    for name, process in finished.items():
        assert process.returncode == 0, f"importing {name} failed:\n{process.stderr}"
        results[name] = json.loads(process.stdout.strip().splitlines()[-1])
    return results


def test_the_walled_modules_include_the_core_of_cjmetrics():
    assert {"cjmetrics.store", "cjmetrics.analysis", "cjmetrics.charts", "cjmetrics.cli",
            "cjmetrics.export", "cjmetrics.overview", "cjmetrics.trends",
            "cjmetrics.__main__"} <= set(WALLED)
    assert "cjmetrics.ui" in MODULES


@pytest.mark.parametrize("module", WALLED)
def test_module_does_not_import_streamlit(streamlit_loaded_by, module):
    assert streamlit_loaded_by[module] == [], \
        f"{module} pulls in streamlit; only cjmetrics.ui may import it"


def test_ui_is_where_streamlit_comes_in(streamlit_loaded_by):
    # also proves the probe would notice streamlit if a walled module imported it
    assert "streamlit" in streamlit_loaded_by["cjmetrics.ui"]
