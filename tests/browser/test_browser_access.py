"""Untrusted text stays text, in a real browser.

Script and markup payloads are put into the store the ways users put text there (an indicator
renamed in the app, a note on a figure, a chart annotation, quality-indicator answers, evidence
and self-assessment notes, an uploaded file's name, and an area name), then every page that
shows them is opened in Debian's chromium. Nothing may execute (no window.__pwned, no dialog,
no request to the payloads' address) and no <img>, <script> or javascript: link may be
injected; the payload text itself is shown literally.
"""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from cjmetrics.access import SYSTEM, acting
from cjmetrics.editing import editable, save
from cjmetrics.ingest import commit, prepare
from cjmetrics.store import close_all, open_store

from browser_support import settled, streamlit_server, wait_for_app
from demo_csv import GLASGOW

pytestmark = pytest.mark.browser

DIVERSION = "ndo1_diversion_completed"
TRAP = "127.0.0.1:9"  # nothing listens there; a request to it means markup became live
PAYLOADS = ['<img src=x onerror="window.__pwned=1">', "<script>window.__pwned=2</script>",
            "[click](javascript:window.__pwned=3)", f"![x](http://{TRAP}/pixel.png)",
            '<a href="javascript:window.__pwned=4">link</a>',
            f'<iframe src="http://{TRAP}/frame"></iframe>', f"[trap](http://{TRAP}/link)",
            f'<a href="http://{TRAP}/html-link">trap</a>']
PAYLOAD = " ".join(PAYLOADS)
FILE_NAME = '<img src=x onerror="window.__pwned=5">.csv'


def _edit(store, kind: str, column: str, text: str) -> None:
    frame = editable(store, kind, [GLASGOW])
    assert len(frame), kind
    frame.loc[frame.index[0], column] = text
    outcome = save(store, kind, frame)
    assert outcome.result is not None and outcome.result.import_id, outcome.prepared.problems


@pytest.fixture(scope="module")
def xss_server(_demo_template, tmp_path_factory):
    directory = tmp_path_factory.mktemp("xss")
    path = directory / "demo.duckdb"
    shutil.copy(_demo_template, path)
    store = open_store(path)
    with acting(SYSTEM):
        data = (f"indicator,area,period,value,note\n{DIVERSION},{GLASGOW},2024/25,41,"
                f"\"{PAYLOAD.replace(chr(34), chr(34) * 2)}\"\n").encode()
        prepared = prepare(store, data, FILE_NAME)
        assert prepared.ok, prepared.problems.to_dict("records")
        commit(store, prepared)
        names = editable(store, "indicator_edits")
        names.loc[names["indicator_id"] == DIVERSION, ["name", "short_name"]] = \
            [f"Diversion {PAYLOAD}", f"Diversion {PAYLOADS[0]}"]
        assert save(store, "indicator_edits", names).result.import_id
        _edit(store, "annotations", "text", PAYLOAD)
        _edit(store, "qi_evaluations", "how_are_we_doing", PAYLOAD)
        _edit(store, "evidence_notes", "note", PAYLOAD)
        _edit(store, "self_assessments", "note", PAYLOAD)
    # Area names come from the catalogue, which admins maintain: a hostile one all the same.
    store._conn.execute("UPDATE areas SET name = ? WHERE area_code = ?",
                        [f"Glasgow {PAYLOADS[0]}", GLASGOW])
    close_all()
    with streamlit_server(path, directory / "streamlit.log") as url:
        yield url


@pytest.fixture
def watched(page):
    """The page, with every dialog and every request to the trap address recorded."""
    seen = {"dialogs": [], "trap": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("request", lambda r: seen["trap"].append(r.url) if TRAP in r.url else None)
    page.on("console", lambda m: seen["dialogs"].append(m.text) if "__pwned" in m.text else None)
    return page, seen


def assert_inert(page, seen, where: str) -> None:
    assert page.evaluate("window.__pwned") is None, where
    assert seen["dialogs"] == [] and seen["trap"] == [], (where, seen)
    assert page.locator("img[src='x'], img[src*='127.0.0.1'], iframe[src*='127.0.0.1']") \
        .count() == 0, where
    live = page.locator("a[href^='javascript:' i], a[href*='127.0.0.1:9']")
    assert live.count() == 0, (where, [a.evaluate("a => a.parentElement.parentElement.outerHTML")
                                       for a in live.all()])
    assert page.evaluate("[...document.scripts].some(s => s.text.includes('__pwned'))") is False
    # Plotly draws titles and hover text as SVG: no live link or image there either.
    # (A heatmap is drawn as an SVG <image> of a data: URL; anything else would be injected.)
    assert page.locator("svg a[href], svg a[*|href]").count() == 0, where
    assert page.evaluate("""[...document.querySelectorAll('svg image')].every(i =>
        (i.getAttribute('href') || i.getAttribute('xlink:href') || '').startsWith('data:'))""")


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    settled(page)


@pytest.mark.parametrize("path, shown", [
    (f"/trends?indicator={DIVERSION}", "window.__pwned=2"),
    ("/", "onerror"),
    ("/framework", "window.__pwned"),
    ("/care_inspectorate", "window.__pwned"),
    ("/imports", "Imports & history"),
    ("/audit", "Audit"),
    (f"/comparison?indicator={DIVERSION}", "onerror"),
])
def test_payloads_are_shown_as_text_and_never_run(xss_server, watched, path, shown):
    page, seen = watched
    open_page(page, xss_server + path)
    # Pick Glasgow (its name holds a payload) so the page shows the edited rows.
    box = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Area")
    box.click()
    page.keyboard.type("Glasgow")
    page.get_by_role("option").filter(has_text="Glasgow").first.click()
    settled(page)
    for expander in page.get_by_test_id("stExpander").all():
        summary = expander.locator("summary")
        if expander.locator("details").get_attribute("open") is None:
            summary.click()
    settled(page)
    page.mouse.move(700, 400)  # hover over a chart: hover text is drawn too
    expect(page.get_by_test_id("stMain").get_by_text(shown, exact=False).first).to_be_attached()
    assert_inert(page, seen, path)


def test_an_uploaded_file_name_with_markup_stays_text(xss_server, watched, tmp_path):
    page, seen = watched
    open_page(page, xss_server + "/upload")
    data = f"indicator,area,period,value\n{DIVERSION},{GLASGOW},2031/32,3\n".encode()
    page.locator("input[type='file']").set_input_files(
        files=[{"name": '<img src=x onerror="window.__pwned=6">.csv', "mimeType": "text/csv",
                "buffer": data}])
    button = page.get_by_role("button", name="Import 1 figure")
    expect(button).to_be_visible()
    button.click()
    expect(page.get_by_text("Import #", exact=False).first).to_be_visible()
    settled(page)
    assert_inert(page, seen, "upload")
    open_page(page, xss_server + "/imports")
    # The log draws its grid after the run ends, which moves the chooser below it: wait for it,
    # then look the import up as a person does, by typing part of its name into the chooser.
    expect(page.locator(".st-key-import-log [data-testid='stDataFrame']")).to_be_visible()
    chooser = page.get_by_role("combobox", name="Import")
    chooser.click()
    page.keyboard.type("onerror")
    expect(page.get_by_role("option").filter(has_text="onerror").first).to_be_visible()
    assert_inert(page, seen, "imports")


def test_a_bad_cell_shown_in_the_problems_table_stays_text(xss_server, watched):
    """Problems are listed in a static table, whose cells Streamlit renders as markdown."""
    page, seen = watched
    open_page(page, xss_server + "/upload")
    cell = f"![x](http://{TRAP}/p.png) [trap](http://{TRAP}/l) http://{TRAP}/bare"
    data = f'indicator,area,period,value\n{DIVERSION},"{cell}",2031/32,3\n'.encode()
    page.locator("input[type='file']").set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": data}])
    table = page.get_by_test_id("stTable")
    expect(table).to_contain_text("[trap](http")  # shown literally (a word joiner follows ":")
    settled(page)
    assert_inert(page, seen, "problems table")
    assert table.locator("a, img").count() == 0
