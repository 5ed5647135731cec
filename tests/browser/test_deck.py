"""Decks: the chart registry, saved decks, and the PowerPoint, PDF and HTML files a lead takes
to a meeting (opened the way a lead would: python-pptx, pdftoppm pages, an offline browser)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pandas as pd
import plotly.graph_objects as go
import pytest

from cjmetrics import deck as decks
from cjmetrics import export, render, slides
from cjmetrics import store as store_module
from cjmetrics.cli import main

GLASGOW = "S12000049"


@pytest.fixture(scope="module")
def pack_files(_demo_template, tmp_path_factory):
    """The standard Glasgow pack exported once to all three formats, with a note on slide 1
    and a snapshot slide at the end (a chart with no registry entry)."""
    directory = tmp_path_factory.mktemp("pack")
    path = directory / "demo.duckdb"
    shutil.copy(_demo_template, path)
    store = store_module.open_store(path)
    try:
        pack = decks.standard_pack(store, GLASGOW, "Mar 2025")
        pack.meeting, pack.partnership, pack.date = "June partnership meeting", \
            "Community Justice Glasgow", "12 June 2025"
        pack.items[0].note = "Diversion is up: thank the fiscal's team. =HYPERLINK(\"x\")"
        fig = go.Figure(go.Bar(x=["Yes", "No"], y=[40, 60]))
        fig.update_layout(title=dict(text="Survey: would you recommend us?",
                                     subtitle=dict(text="Glasgow City · 2025 · Source: survey")))
        pack.add(decks.snapshot_item(fig, pd.DataFrame({"Answer": ["Yes", "No"],
                                                         "Share": [40, 60]}),
                                     summary="40% would recommend us."))
        views = slides.slides_for(store, pack)
        files = {fmt: {"pptx": slides.pptx_bytes, "pdf": slides.pdf_bytes,
                       "html": slides.html_bytes}[fmt](pack, views) for fmt in slides.FORMATS}
    finally:
        store_module.close_all()
    return pack, views, files, directory


def test_the_standard_pack_has_every_outcome_and_headline_engagement_chart(demo_store):
    pack = decks.standard_pack(demo_store, GLASGOW, "Mar 2025")
    labels = [item.label for item in pack.items]
    assert pack.partnership == "Glasgow City"
    assert "Trend: Referrals from custody centres" in labels
    assert "Trend: Social media reach" in labels and "Trend: Event attendance" in labels
    assert "Self-assessment scores" in labels
    # Outcome indicators first, then the self-assessment, then engagement.
    assert labels.index("Self-assessment scores") < labels.index("Trend: Social media reach")
    assert all(item.params.get("end") == "Mar 2025" for item in pack.items
               if item.chart == "trend")
    assert len(pack.items) == 15  # with the social media reach by channel


def test_a_saved_deck_shows_fresh_figures_when_reopened(demo_store):
    pack = decks.Deck(meeting="Monthly meeting", items=[decks.spec_item(
        "trend", {"indicator": "eng_social_reach", "areas": [GLASGOW]})])
    decks.save(demo_store, pack, "  Monthly   meeting ")
    assert decks.saved_names(demo_store) == ["Monthly meeting"]
    before = decks.build_view(demo_store, decks.load(demo_store, "Monthly meeting").items[0])
    demo_store.save_deck("Other", pack.to_json())
    # A new month's figure arrives: the reopened deck's chart shows it.
    rows = pd.DataFrame({"indicator_id": ["eng_social_reach"], "area_code": [GLASGOW],
                         "period": ["Apr 2025"], "value": [70000]})
    _import_values(demo_store, rows)
    after = decks.build_view(demo_store, decks.load(demo_store, "Monthly meeting").items[0])
    assert "Apr 2025" in set(after.table["Period"]) - set(before.table["Period"])
    assert "Apr 2025" in after.summary
    demo_store.delete_deck("Other")
    assert decks.saved_names(demo_store) == ["Monthly meeting"]


def _import_values(store, rows: pd.DataFrame) -> None:
    from cjmetrics.ingest.pipeline import commit, prepare

    csv = rows.rename(columns={"indicator_id": "indicator", "area_code": "area"}).to_csv(
        index=False).encode()
    prepared = prepare(store, csv, "april.csv")
    assert prepared.error_count == 0, prepared.problems
    commit(store, prepared, who="test")


def test_a_deck_with_no_name_or_an_unknown_chart_says_what_to_do(demo_store):
    with pytest.raises(decks.DeckUnusable, match="Give the deck a name"):
        decks.save(demo_store, decks.Deck(), "   ")
    with pytest.raises(decks.DeckUnusable, match="not a chart the deck knows"):
        decks.spec_item("pie", {})
    odd = decks.DeckItem(chart="from-the-future", label="Future chart")
    with pytest.raises(decks.DeckUnusable, match="Remove the slide"):
        decks.build_view(demo_store, odd)
    with pytest.raises(decks.DeckUnusable, match="Unknown area"):
        decks.standard_pack(demo_store, "S12999999", "2024/25")


def test_deck_json_round_trips_notes_order_and_snapshots():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    fig.update_layout(title=dict(text="A chart"))
    pack = decks.Deck(name="d", meeting="m", items=[
        decks.spec_item("trend", {"indicator": "x", "areas": ["A"]}, note="first"),
        decks.snapshot_item(fig, pd.DataFrame({"a": [1]}), summary="s")])
    pack.move(pack.items[1].id, -1)
    again = decks.Deck.from_json(pack.to_json())
    assert [i.is_snapshot for i in again.items] == [True, False]
    assert again.items[1].note == "first"
    view = decks.build_view(None, again.items[0])
    assert view.title == "A chart" and view.summary == "s" and list(view.table["a"]) == [1]
    pack.remove(pack.items[0].id)
    assert len(pack.items) == 1


def test_the_pptx_has_a_title_slide_and_one_chart_per_slide_with_notes(pack_files):
    from pptx import Presentation
    from pptx.util import Inches

    pack, views, files, _ = pack_files
    prs = Presentation(io.BytesIO(files["pptx"]))
    assert (prs.slide_width, prs.slide_height) == (Inches(13.333), Inches(7.5))  # 16:9
    assert len(prs.slides) == len(pack.items) + 1
    first = prs.slides[0]
    assert first.shapes.title.text == "June partnership meeting"
    assert "Community Justice Glasgow" in first.placeholders[1].text
    for slide, view, item in zip(list(prs.slides)[1:], views, pack.items):
        assert slide.shapes.title.text == view.view.title
        pictures = [s for s in slide.shapes if s.shape_type == 13]
        assert len(pictures) == 1
        picture = pictures[0]
        assert picture.image.content_type == "image/png"
        width, height = picture.image.size
        assert width >= 2800  # sharp on a projector
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert any("Source:" in t for t in texts)  # the source line
        notes = slide.notes_slide.notes_text_frame.text
        assert view.view.summary in notes
        if item.note:
            assert item.note in notes
        for line in view.view.notes:  # the numbered notes on the chart are spoken too
            assert line in notes
    assert prs.slides[-1].shapes.title.text == "Survey: would you recommend us?"


def test_the_pdf_has_one_page_per_slide_that_pdftoppm_turns_into_images(pack_files):
    from PIL import Image
    from pypdf import PdfReader

    pack, views, files, directory = pack_files
    reader = PdfReader(io.BytesIO(files["pdf"]))
    assert len(reader.pages) == len(pack.items) + 1
    box = reader.pages[1].mediabox
    assert abs(float(box.width) / float(box.height) - 16 / 9) < 0.01
    assert "Referrals from custody centres" in "".join(
        page.extract_text() for page in reader.pages)
    pdf = directory / "pack.pdf"
    pdf.write_bytes(files["pdf"])
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(directory / "page")],
                   check=True)
    pages = sorted(directory.glob("page-*.png"))
    assert len(pages) == len(pack.items) + 1
    for page in pages:
        image = Image.open(page).convert("L")
        assert image.width > image.height  # landscape
        # Not blank: a chart page has dark ink (lines, text) on white.
        histogram = image.histogram()
        assert sum(histogram[:100]) > 500, page.name


def test_the_html_report_is_one_file_with_no_external_url(pack_files):
    pack, views, files, _ = pack_files
    text = files["html"].decode("utf-8")
    begin, end = text.index(slides.PLOTLYJS_BEGIN), text.index(slides.PLOTLYJS_END)
    ours = text[:begin] + text[end:]
    # Outside the embedded plotly.js library no address is something to load: a figure's
    # source may name its publication's address as text, never as an attribute or CSS url().
    assert not re.search(r"""(=\s*["']?|url\(\s*["']?|@import\s+["']?)(https?:)?//""", ours,
                         re.I), re.findall(r".{40}//.{40}", ours)[:3]
    assert not re.search(r"""<(script|link|img|iframe)[^>]+(src|href)=""", text, re.I)
    assert "Plotly.newPlot" in text and len(text[begin:end]) > 1_000_000  # plotly.js inside
    assert text.count('class="plotly-graph-div"') == len(pack.items)
    # The lead's note is escaped, never markup.
    assert "=HYPERLINK(&quot;x&quot;)" in text
    assert any(v.view.notes for v in views) and 'class="chart-notes"' in text


@pytest.mark.browser
def test_the_html_report_opens_offline_with_its_charts(pack_files, browser):
    _, _, files, directory = pack_files
    path = directory / "report.html"
    path.write_bytes(files["html"])
    context = browser.new_context()
    requests: list[str] = []

    def refuse(route):
        requests.append(route.request.url)
        route.abort()

    context.route(re.compile(r"^(?!file:).*"), refuse)  # no network at all
    page = context.new_page()
    page.goto(path.as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30_000)
    assert page.locator(".js-plotly-plot").count() >= 14
    assert requests == []
    context.close()


def test_csv_and_xlsx_neutralise_formula_cells():
    from openpyxl import load_workbook

    table = pd.DataFrame({"Note": ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "plain"],
                          "Value": [1, 2, 3, 4, 5]})
    csv = export.csv_bytes(table).decode("utf-8-sig")
    assert "'=1+1" in csv and "'+SUM(A1)" in csv and "'-2+3" in csv and "'@cmd" in csv
    sheet = load_workbook(io.BytesIO(export.xlsx_bytes(table))).active
    cells = [sheet.cell(row=r, column=1).value for r in range(2, 7)]
    assert cells == ["'=1+1", "'+SUM(A1)", "'-2+3", "'@cmd", "plain"]
    assert sheet.cell(row=2, column=2).value == 1  # numbers stay numbers


def test_one_kaleido_browser_serves_every_image():
    fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[2, 1, 3]))
    starts = render.RENDERER.starts
    png = render.image(fig, "png", width=400, height=300)
    svg = render.image(fig, "svg", width=400, height=300)
    assert png.startswith(b"\x89PNG") and b"<svg" in svg[:200]
    assert render.RENDERER.starts - starts <= 1
    render.image(fig, "png", width=400, height=300)
    assert render.RENDERER.starts - starts <= 1


def test_without_chromium_images_are_refused_with_a_sentence(monkeypatch):
    monkeypatch.setattr(render, "chromium_path", lambda: None)
    assert not render.available()
    with pytest.raises(render.ImagesUnavailable, match="HTML report, CSV and XLSX"):
        render.image(go.Figure(), "png")


def test_the_cli_writes_the_meeting_pack(demo_db, tmp_path, capsys):
    store_module.close_all()
    out = tmp_path / "pack.html"
    assert main(["--db", str(demo_db), "deck", "--area", GLASGOW, "--period", "2024/25",
                 "--out", str(out)]) == 0
    assert "Wrote 15 slides" in capsys.readouterr().out or out.exists()
    assert out.read_bytes().startswith(b"<!DOCTYPE html>")
    assert main(["--db", str(demo_db), "deck", "--area", GLASGOW, "--period", "2024/25",
                 "--out", str(tmp_path / "pack.docx")]) == 1
    assert "name a .pptx, .pdf or .html" in capsys.readouterr().err
    # A deck saved on the Present page, built from the shell with this month's figures.
    store = store_module.open_store(demo_db)
    decks.save(store, decks.Deck(meeting="Monthly", items=[decks.spec_item(
        "qi_grades", {"area": GLASGOW})]), "Monthly")
    store_module.close_all()
    out = tmp_path / "monthly.html"
    assert main(["--db", str(demo_db), "deck", "--area", GLASGOW, "--period", "2024/25",
                 "--saved", "Monthly", "--out", str(out)]) == 0
    assert "Quality-indicator self-evaluation grades" in out.read_text(encoding="utf-8")


def test_a_slide_that_cannot_be_built_says_so_and_the_rest_still_export(demo_store):
    pack = decks.Deck(meeting="m", items=[
        decks.DeckItem(chart="from-the-future", label="Future chart"),
        decks.spec_item("trend", {"indicator": "eng_social_reach", "areas": [GLASGOW]})])
    built = slides.slides_for(demo_store, pack)
    assert built[0].view.title == "Future chart"
    assert "Remove the slide" in built[0].view.summary
    assert built[1].view.title == "Social media reach"
    html = slides.html_bytes(pack, built).decode()
    assert "Remove the slide" in html and "Social media reach" in html
