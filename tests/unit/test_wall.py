"""The wall (DESIGN.md): only cjmetrics.ui may import streamlit, so the store, the analysis, the
charts, the CLI and the exports work (and are tested) without a Streamlit runtime.

import-linter checks the imports as written (pyproject.toml); this test checks what importing
really loads. One fresh interpreter (this test process may have streamlit loaded by other tests)
imports every other module in turn, noting the first that brings streamlit in, and imports
cjmetrics.ui last, which must."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import pytest

import cjmetrics

from conftest import PROJECT_ROOT

PROBE = """
import json, sys

def streamlit_loaded():
    return sorted(m for m in sys.modules if m.split(".")[0] == "streamlit")[:5]

found = {}
for name in sys.argv[1:]:
    if name == "cjmetrics.__main__":  # runs the CLI on import: ask it for help and carry on
        sys.argv = ["cjmetrics", "--help"]
        try:
            import cjmetrics.__main__
        except SystemExit:
            pass
    else:
        __import__(name)
    found[name] = streamlit_loaded()
    if found[name]:
        break
print(json.dumps(found))
"""


def all_modules() -> list[str]:
    names = ["cjmetrics"] + [m.name for m in pkgutil.walk_packages(cjmetrics.__path__,
                                                                    "cjmetrics.")]
    return sorted(names)


MODULES = all_modules()
WALLED = [m for m in MODULES if m != "cjmetrics.ui"]


@pytest.fixture(scope="module")
def streamlit_loaded_by() -> dict[str, list[str]]:
    """module -> the streamlit modules loaded once it (and every module before it) was
    imported; the probe stops at the first module that loads any."""
    process = subprocess.run([sys.executable, "-c", PROBE, *WALLED, "cjmetrics.ui"],
                             cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert process.returncode == 0, f"importing the modules failed:\n{process.stderr}"
    return json.loads(process.stdout.strip().splitlines()[-1])


def test_the_walled_modules_include_the_core_of_cjmetrics():
    assert {"cjmetrics.store", "cjmetrics.analysis", "cjmetrics.charts", "cjmetrics.cli",
            "cjmetrics.export", "cjmetrics.overview", "cjmetrics.trends",
            "cjmetrics.__main__"} <= set(WALLED)
    assert "cjmetrics.ui" in MODULES


def test_no_module_but_ui_loads_streamlit(streamlit_loaded_by):
    pulled_in = {m: s for m, s in streamlit_loaded_by.items() if s and m != "cjmetrics.ui"}
    assert pulled_in == {}, f"{pulled_in}: only cjmetrics.ui may import streamlit"
    assert set(streamlit_loaded_by) == {*WALLED, "cjmetrics.ui"}  # every module was imported


def test_ui_is_where_streamlit_comes_in(streamlit_loaded_by):
    # also proves the probe would notice streamlit if a walled module imported it
    assert "streamlit" in streamlit_loaded_by["cjmetrics.ui"]
