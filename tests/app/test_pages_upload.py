"""AppTests of the Upload and Imports & history pages over a copy of the demo store.

Each test runs the real entry point (dashboard.py) and switches pages the way a user does, then
checks what a person sees: the summary, the problems table, the preview tiles, the Import and
Undo buttons, and the figures on Trends and the Overview afterwards. The store is read directly
(cjmetrics.store.open_store on CJMETRICS_DB) only to prove what was, or was not, written.
Expected demo figures come from data/demo/*.csv (tests/demo_csv.py), not from cjmetrics.
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from openpyxl import Workbook
from streamlit.testing.v1 import AppTest

from cjmetrics.store import open_store

from apptest_support import assert_clean, open_chart_cards, texts
from conftest import PROJECT_ROOT
from demo_csv import AYRSHIRE, GLASGOW, demo, figures

OVERVIEW, TRENDS = "pages/overview.py", "pages/trends.py"
UPLOAD, IMPORTS = "pages/upload.py", "pages/imports.py"
DIVERSION = "ndo1_diversion_completed"  # a count, with a demo target for Glasgow
DIVERSION_TILE = "Diversion cases completed"
NEW_PERIOD = "2025/26"  # after the last demo period
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture
def store(demo_db):
    """The same process-wide Store the app opens for CJMETRICS_DB."""
    return open_store(demo_db)


def run_app(page: str, *, area: str | None = GLASGOW) -> AppTest:
    """A first visit that lands on `page` of dashboard.py (its navigation and sidebar run too,
    as on the real server), with `area` already chosen in the sidebar's Area box."""
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    if area is not None:
        at.session_state["area"] = area
    at.switch_page(page).run()
    assert_clean(at)
    if area is not None:
        assert at.selectbox(key="area").value == area
    return at


def upload(at: AppTest, name: str, data: bytes, mime: str = CSV) -> AppTest:
    at.file_uploader[0].set_value((name, data, mime)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def buttons(at: AppTest, prefix: str) -> list:
    return [b for b in at.button if b.label.startswith(prefix)]


def dataframe_with(at: AppTest, column: str) -> pd.DataFrame:
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, f"expected one table with a {column!r} column, found {len(found)}"
    return found[0]


def preview_table(at: AppTest, tab: str) -> pd.DataFrame:
    """The table under one of the preview's tabs: "New", "Revised (old → new)", "Unchanged"."""
    found = [t for t in at.tabs if t.label == tab]
    assert len(found) == 1, [t.label for t in at.tabs]
    return found[0].dataframe[0].value


def trend_rows(at: AppTest, area_name: str) -> dict[str, float]:
    """Period -> value in the Trends page's "Data behind this chart" table."""
    open_chart_cards(at)
    expanders = [e for e in at.expander if e.label == "Data behind this chart"]
    assert len(expanders) == 1, [e.label for e in at.expander]
    table = expanders[0].dataframe[0].value
    rows = table[table["Area"] == area_name]
    return dict(zip(rows["Period"], rows["Value"].astype(float)))


def open_trends(at: AppTest, indicator: str) -> AppTest:
    at.switch_page(TRENDS).run()
    at.selectbox(key="indicator").set_value(indicator).run()
    assert_clean(at)
    assert at.multiselect(key="areas").value == [GLASGOW]
    return at


def csv_bytes(*rows: tuple, header: str = "indicator,area,period,value") -> bytes:
    lines = [header] + [",".join(str(c) for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def demo_value(period: str) -> float:
    rows = figures(DIVERSION, GLASGOW)
    return float(rows.loc[rows["period"] == period, "value"].item())


def demo_periods() -> list[str]:
    return list(figures(DIVERSION, GLASGOW)["period"])


def import_count(store) -> int:
    return len(store.imports())


# -- (a) upload, preview, import once, see it on Trends, undo it ----------------------------
def test_upload_import_trends_and_undo(store):
    last = demo_periods()[-1]
    assert NEW_PERIOD not in demo_periods()
    revised = demo_value(last) + 1
    # The area written two ways a lead might: both are Glasgow City (S12000049).
    data = csv_bytes((DIVERSION, "Glasgow", NEW_PERIOD, 333),
                     (DIVERSION, "glasgow city", last, int(revised)))
    before = import_count(store)

    at = run_app(UPLOAD)
    upload(at, "glasgow-diversion.csv", data)
    assert_clean(at)
    assert texts(at.success) == ["Indicator values: 2 rows read."]
    assert "2. Check, then import" in texts(at.subheader)
    assert tiles(at) == {"New figures": "1", "Revised figures": "1", "Unchanged": "0"}
    new = preview_table(at, "New")
    assert new[["Area", "Period", "Value"]].values.tolist() == [["Glasgow City", NEW_PERIOD, "333"]]
    revision = preview_table(at, "Revised (old → new)")
    # In the indicator's unit, with thousands separators, as the charts show them.
    assert revision[["Period", "Old", "New"]].values.tolist() == [
        [last, f"{demo_value(last):,.0f}", f"{revised:,.0f}"]]
    assert import_count(store) == before, "nothing is written before Import is pressed"
    [button] = buttons(at, "Import")
    assert button.label == "Import 2 figures"

    button.click().run()
    assert_clean(at)
    done = [s for s in texts(at.success) if s.startswith("Import #")]
    assert len(done) == 1, texts(at.success)
    import_id = int(re.match(r"Import #(\d+): 1 new, 1 revised, 0 unchanged\.", done[0]).group(1))
    assert import_count(store) == before + 1
    links = {link.proto.label: link.proto.query_string for link in at.get("page_link")}
    assert links["See the figures in Trends"] == f"indicator={DIVERSION}"
    assert "See it in Imports & history (undo it there)" in links
    assert not buttons(at, "Import"), "the page must not offer to import the same file again"

    # A rerun (any widget, a reconnect) must never import again.
    at.run()
    assert_clean(at)
    at.run()
    assert_clean(at)
    assert import_count(store) == before + 1
    assert not buttons(at, "Import")
    # The imported file is cleared from the uploader, so the page does not go on to
    # contradict its own success message with "already imported".
    assert not any("already imported" in i for i in texts(at.info))
    assert "2. Check, then import" not in texts(at.subheader)

    open_trends(at, DIVERSION)
    shown = trend_rows(at, "Glasgow City")
    assert shown[NEW_PERIOD] == 333
    assert shown[last] == revised

    # The Overview's tile now leads with the new figure (uploaded without a source).
    at.switch_page(OVERVIEW).run()
    assert_clean(at)
    [tile] = [m for m in at.metric if m.label == DIVERSION_TILE]
    assert tile.value == "333"
    assert last in tile.delta

    at.switch_page(IMPORTS).run()
    assert_clean(at)
    log = dataframe_with(at, "Summary")
    row = log[log["Import"] == import_id].iloc[0]
    assert (row["File"], row["New"], row["Revised"], row["Status"], row["Who"]) == (
        "glasgow-diversion.csv", 1, 1, "Current", "No sign-in (local use)")
    assert row["Kind"] == "Indicator values"  # the template's title, as on the Upload page
    at.selectbox(key="undo_import").set_value(import_id).run()
    assert_clean(at)
    effect = dataframe_with(at, "Value after undo").set_index("Period")
    # Values as the indicator shows them: thousands separated, "–" where none is left.
    assert effect.loc[NEW_PERIOD, "Value in this import"] == "333"
    assert effect.loc[NEW_PERIOD, "Value after undo"] == "–"
    assert effect.loc[last, "Value in this import"] == f"{revised:,.0f}"
    assert effect.loc[last, "Value after undo"] == f"{demo_value(last):,.0f}"
    [undo] = [b for b in at.button if b.label == f"Undo import #{import_id}"]
    undo.click().run()
    assert_clean(at)
    assert any(s.startswith(f"Import #{import_id} undone") for s in texts(at.success))
    log = dataframe_with(at, "Summary")
    assert log.loc[log["Import"] == import_id, "Status"].item() == "Undone"

    open_trends(at, DIVERSION)
    shown = trend_rows(at, "Glasgow City")
    assert NEW_PERIOD not in shown
    assert shown == {p: demo_value(p) for p in demo_periods()}


def test_a_trends_session_already_open_sees_an_import_and_its_undo(store):
    """Every open session shows new data on its next rerun: a Trends page left at every period
    must take in a period an import adds (and drop it again on undo)."""
    reader = run_app(TRENDS)
    reader.selectbox(key="indicator").set_value(DIVERSION).run()
    assert_clean(reader)
    assert NEW_PERIOD not in trend_rows(reader, "Glasgow City")

    writer = run_app(UPLOAD)
    upload(writer, "new-period.csv", csv_bytes((DIVERSION, GLASGOW, NEW_PERIOD, 333)))
    [button] = buttons(writer, "Import")
    button.click().run()
    assert_clean(writer)
    import_id = int(re.search(r"Import #(\d+)", " ".join(texts(writer.success))).group(1))

    reader.run()
    assert_clean(reader)
    assert trend_rows(reader, "Glasgow City")[NEW_PERIOD] == 333

    writer.switch_page(IMPORTS).run()
    writer.selectbox(key="undo_import").set_value(import_id).run()
    [undo] = [b for b in writer.button if b.label == f"Undo import #{import_id}"]
    undo.click().run()
    assert_clean(writer)

    reader.run()
    assert_clean(reader)
    assert trend_rows(reader, "Glasgow City") == {p: demo_value(p) for p in demo_periods()}


def test_a_narrowed_period_range_is_kept_after_an_import(store):
    reader = run_app(TRENDS)
    reader.selectbox(key="indicator").set_value(DIVERSION).run()
    periods = demo_periods()
    [slider] = reader.select_slider
    slider.set_range(periods[1], periods[3]).run()
    assert_clean(reader)
    assert list(trend_rows(reader, "Glasgow City")) == periods[1:4]

    writer = run_app(UPLOAD)
    upload(writer, "new-period.csv", csv_bytes((DIVERSION, GLASGOW, NEW_PERIOD, 333)))
    buttons(writer, "Import")[0].click().run()
    assert_clean(writer)

    reader.run()
    assert_clean(reader)
    assert reader.select_slider[0].value == (periods[1], periods[3])
    assert list(trend_rows(reader, "Glasgow City")) == periods[1:4]


# -- (b) a file with errors -----------------------------------------------------------------
def test_unknown_area_lists_the_problem_and_blocks_the_import(store):
    checksum = store.checksum()
    before = import_count(store)
    at = run_app(UPLOAD, area=None)
    upload(at, "typo.csv", csv_bytes((DIVERSION, "Glasgow City", NEW_PERIOD, 333),
                                     (DIVERSION, "Glasgw", NEW_PERIOD, 334)))
    assert not at.success
    [error] = texts(at.error)
    assert error.startswith("Indicator values: 2 rows read; 1 error.")
    assert "Nothing can be imported until the errors are fixed" in error
    assert any("Problems found: 1 error and 0 warnings" in m for m in texts(at.markdown))
    assert len(at.table) == 1
    problems = at.table[0].value
    assert list(problems.columns) == ["Row", "Column", "Value", "What is wrong", "What to do"]
    assert problems.index.tolist() == ["Error"]
    row = problems.iloc[0]
    assert (row["Row"], row["Column"], row["Value"]) == ("3", "area", "Glasgw")
    assert "did you mean Glasgow City (S12000049)?" in " ".join(problems.iloc[0].astype(str))
    # Where the list of areas is: the Areas tab of Frameworks, linked.
    assert "Areas tab of the Frameworks page" in row["What to do"]
    link = "[Areas tab of the Frameworks page](frameworks?tab=Areas)"
    assert any(link in m for m in texts(at.markdown))
    assert not at.button
    assert not at.metric
    assert "2. Check, then import" not in texts(at.subheader)
    assert store.checksum() == checksum
    assert import_count(store) == before


# -- (c) the same file twice ----------------------------------------------------------------
def test_the_same_file_twice_is_imported_once(store):
    data = csv_bytes((DIVERSION, "Glasgow", NEW_PERIOD, 333))
    at = run_app(UPLOAD, area=None)
    upload(at, "once.csv", data)
    buttons(at, "Import")[0].click().run()
    assert_clean(at)
    import_id = int(re.search(r"Import #(\d+)", " ".join(texts(at.success))).group(1))
    checksum = store.checksum()

    # Later, in another session, the same file is chosen again (under another name).
    again = run_app(UPLOAD, area=None)
    upload(again, "once (1).csv", data)
    assert_clean(again)
    assert texts(again.success) == ["Indicator values: 1 row read."]
    assert texts(again.info) == [f"This file was already imported as import #{import_id}; "
                                 "importing it again would change nothing."]
    assert not again.button
    assert not again.metric
    assert store.checksum() == checksum


# -- (d) an XLSX with two sheets ------------------------------------------------------------
def two_sheet_workbook() -> bytes:
    book = Workbook()
    first = book.active
    first.title = "Glasgow"
    first.append(["indicator", "area", "period", "value"])
    first.append([DIVERSION, "Glasgow City", NEW_PERIOD, 333])
    second = book.create_sheet("Ayrshire")
    second.append(["indicator", "area", "period", "value"])
    second.append([DIVERSION, "Community Justice Ayrshire Partnership", NEW_PERIOD, 150])
    second.append([DIVERSION, AYRSHIRE, "2026/27", 155])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_sheet_picker_validates_the_chosen_sheet(store):
    at = run_app(UPLOAD, area=None)
    upload(at, "two-sheets.xlsx", two_sheet_workbook(), XLSX)
    assert_clean(at)
    sheet = at.selectbox(key="upload_sheet")
    assert sheet.label == "Which table of the workbook?"
    assert sheet.options == ["Glasgow", "Ayrshire"]
    assert sheet.value == "Glasgow"
    assert texts(at.success) == ["Indicator values: 1 row read."]
    assert tiles(at)["New figures"] == "1"
    assert preview_table(at, "New")["Area"].tolist() == ["Glasgow City"]

    sheet.set_value("Ayrshire").run()
    assert_clean(at)
    assert at.selectbox(key="upload_sheet").value == "Ayrshire"
    assert texts(at.success) == ["Indicator values: 2 rows read."]
    assert tiles(at) == {"New figures": "2", "Revised figures": "0", "Unchanged": "0"}
    new = preview_table(at, "New")
    assert new[["Area", "Period", "Value"]].values.tolist() == [
        ["Community Justice Ayrshire Partnership", NEW_PERIOD, "150"],
        ["Community Justice Ayrshire Partnership", "2026/27", "155"]]
    assert [b.label for b in buttons(at, "Import")] == ["Import 2 figures"]


def test_xlsx_sheet_with_an_error_is_reported_for_that_sheet(store):
    book = Workbook()
    book.active.title = "Good"
    book.active.append(["indicator", "area", "period", "value"])
    book.active.append([DIVERSION, "Glasgow City", NEW_PERIOD, 333])
    bad = book.create_sheet("Bad")
    bad.append(["indicator", "area", "period", "value"])
    bad.append([DIVERSION, "Glasgw", NEW_PERIOD, 333])
    buffer = io.BytesIO()
    book.save(buffer)
    at = run_app(UPLOAD, area=None)
    upload(at, "good-and-bad.xlsx", buffer.getvalue(), XLSX)
    assert_clean(at)
    at.selectbox(key="upload_sheet").set_value("Bad").run()
    assert not at.exception
    assert len(texts(at.error)) == 1
    assert "did you mean Glasgow City (S12000049)?" in " ".join(
        at.table[0].value.astype(str).values.ravel())
    assert not at.button


# -- (e) a targets file and the Overview tile -----------------------------------------------
def tile_caption(at: AppTest, label: str) -> str:
    """The details line under one Overview tile (the column holding its metric)."""
    found = [c for c in at.columns if [m.label for m in c.metric] == [label]]
    assert len(found) == 1, f"expected one tile {label!r}"
    captions = [t for t in texts(found[0].caption) if t.startswith("Latest:")]
    assert len(captions) == 1, texts(found[0].caption)
    return captions[0]


def test_targets_upload_changes_the_overview_tile(store):
    targets = demo("targets")
    demo_target = targets[(targets["indicator_id"] == DIVERSION)
                          & (targets["area_code"] == GLASGOW)].iloc[0]
    at = run_app(OVERVIEW)
    old_text = f"Target {int(demo_target['target_value'])} by {demo_target['target_period']}"
    assert old_text in tile_caption(at, DIVERSION_TILE)

    at.switch_page(UPLOAD).run()
    data = csv_bytes(
        (DIVERSION, "Glasgow", demo_target["baseline_period"], int(demo_target["baseline_value"]),
         "2026/27", 350),
        header="indicator,area,baseline_period,baseline_value,target_period,target_value")
    upload(at, "glasgow-target.csv", data)
    assert_clean(at)
    assert texts(at.success) == ["Targets and baselines: 1 row read."]
    assert tiles(at) == {"New targets": "0", "Revised targets": "1", "Unchanged": "0"}
    revision = preview_table(at, "Revised (old → new)")
    assert revision[["Area", "Target period", "Old", "New"]].values.tolist() == [
        ["Glasgow City", "2026/27", f'{float(demo_target["target_value"]):,.0f}', "350"]]
    [button] = buttons(at, "Import")
    assert button.label == "Import 1 target"
    button.click().run()
    assert_clean(at)
    assert any(s.startswith("Import #") for s in texts(at.success))

    at.switch_page(OVERVIEW).run()
    assert_clean(at)
    caption = tile_caption(at, DIVERSION_TILE)
    assert "Target 350 by 2026/27" in caption
    assert old_text not in caption
