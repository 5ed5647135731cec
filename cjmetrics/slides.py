"""A deck as a file: PowerPoint (16:9), PDF (one page per slide) and a standalone HTML report.

Every export draws the same large-type figures the slideshow shows. Images come from the
process's one kaleido browser (cjmetrics.render); the HTML report needs no browser at all, so
it still works where chromium is missing.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from typing import Callable, Iterable

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from . import render
from .charts import FONT, room_for_title, styled
from .deck import ChartView, Deck, DeckUnusable, build_view
from .store import Store

# Slides are laid out at a modest size in CSS pixels so large type stays large on the page, then
# drawn at a higher scale (PNG) or as vectors (PDF) so they stay sharp on a projector.
SLIDE_PX = (1200, 675)  # a PDF page: 16:9
PPTX_CHART_PX = (1200, 522)  # the picture area under a PowerPoint slide's title (12.9 x 5.6 in)
PPTX_SCALE = 2.5  # 3000 x 1305 pixels
FORMATS = {"pptx": "PowerPoint", "pdf": "PDF", "html": "HTML"}
MIME = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pdf": "application/pdf", "html": "text/html", "png": "image/png",
        "svg": "image/svg+xml", "csv": "text/csv",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# The embedded plotly.js sits between these two markers, so a test can look at everything else.
PLOTLYJS_BEGIN, PLOTLYJS_END = "<!-- plotly.js: embedded library -->", "<!-- end plotly.js -->"


@dataclass
class Slide:
    view: ChartView
    note: str


Progress = Callable[[int, int], None]  # told (slide n, of N) as a long job moves on


def slides_for(store: Store, deck: Deck, progress: Progress | None = None) -> list[Slide]:
    """Every slide's chart, rebuilt with today's figures in large type. A slide that cannot be
    built (its indicator was removed, or it comes from a newer cjmetrics) says so on the slide
    instead of stopping the whole file."""
    built = []
    for number, item in enumerate(deck.items, start=1):
        if progress:
            progress(number, len(deck.items))
        try:
            view = build_view(store, item, large=True)
        except DeckUnusable as exc:
            view = message_view(item.label or "Slide", exc.user_message)
        built.append(Slide(view, item.note))
    return built


def message_view(title: str, text: str) -> ChartView:
    fig = go.Figure()
    fig.add_annotation(text=html.escape(text), x=0.5, y=0.5, xref="paper", yref="paper",
                       showarrow=False, font=dict(size=24))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(title=dict(text=html.escape(title)))
    return ChartView(styled(fig, large=True), pd.DataFrame(), title, "", text)


# -- figures as slides ---------------------------------------------------------------------
def sized(fig: go.Figure, width: int, height: int, *, title: bool) -> go.Figure:
    """The figure at a slide's size. With its title, the top margin grows with the title's and
    subtitle's lines so neither runs into the plot; without, the slide's own title and source
    line replace them."""
    fig = go.Figure(fig)
    fig.update_layout(width=width, height=height)
    # Point labels and note numbers at the top of the plot stay whole.
    for trace in fig.data:
        if "text" in (getattr(trace, "mode", None) or ""):
            trace.cliponaxis = False
    if title:
        room_for_title(fig, height, large=True)
    else:
        fig.update_layout(title=dict(text="", subtitle=dict(text="")), margin=dict(t=30))
    return fig


DEMO_LABEL = "Illustrative demo data, not official statistics"


def source_line(view: ChartView) -> str:
    """The line under a slide: its source, and the demo label whenever the figures are
    illustrative (said even where a source names only the demo file)."""
    if view.demo and "official statistics" not in view.source.lower():
        return f"{view.source} ({DEMO_LABEL})"
    return view.source


def on_slide(fig: go.Figure) -> go.Figure:
    """The figure for the slideshow: the slide's own heading and source line replace its title
    and subtitle, and it takes the height the slide gives it (no fixed height)."""
    fig = go.Figure(fig)
    fig.update_layout(title=dict(text="", subtitle=dict(text="")), margin=dict(t=30),
                      height=None, autosize=True)
    return fig


def title_figure(deck: Deck, width: int = SLIDE_PX[0], height: int = SLIDE_PX[1]) -> go.Figure:
    """The title slide as a figure (for the PDF): meeting, partnership and date."""
    fig = go.Figure()
    lines = [(deck.heading, 52, 0.62), (deck.partnership, 32, 0.45), (deck.date, 28, 0.36)]
    for text, size, y in lines:
        if text:
            fig.add_annotation(text=html.escape(text), x=0.5, y=y, xref="paper", yref="paper",
                               showarrow=False, font=dict(size=size, family=FONT))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(width=width, height=height, margin=dict(l=40, r=40, t=40, b=40))
    return styled(fig)


# -- PowerPoint ----------------------------------------------------------------------------
def pptx_bytes(deck: Deck, slides: Iterable[Slide], progress: Progress | None = None) -> bytes:
    """16:9 slides: a title slide, then one chart per slide as a sharp PNG under its title,
    the source line below, the text alternative as the picture's alt text, and the lead's
    note (with the text alternative) as speaker notes."""
    from pptx import Presentation
    from pptx.util import Emu, Inches, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    width = prs.slide_width

    first = prs.slides.add_slide(prs.slide_layouts[0])
    first.shapes.title.text = deck.heading
    first.shapes.title.left, first.shapes.title.width = Inches(0.8), width - Inches(1.6)
    first.shapes.title.top, first.shapes.title.height = Inches(2.0), Inches(1.6)
    subtitle = first.placeholders[1]
    subtitle.left, subtitle.width = Inches(0.8), width - Inches(1.6)
    subtitle.top, subtitle.height = Inches(3.9), Inches(1.4)
    subtitle.text = "\n".join(t for t in (deck.partnership, deck.date) if t)

    slides = list(slides)
    for number, slide in enumerate(slides, start=1):
        if progress:
            progress(number, len(slides))
        view = slide.view
        page = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
        title = page.shapes.title
        title.left, title.top = Inches(0.4), Inches(0.2)
        title.width, title.height = width - Inches(0.8), Inches(1.0)
        title.text = view.title
        for paragraph in title.text_frame.paragraphs:
            paragraph.font.size = Pt(30)
        png = render.image(sized(view.figure, *PPTX_CHART_PX, title=False), "png",
                           width=PPTX_CHART_PX[0], height=PPTX_CHART_PX[1], scale=PPTX_SCALE)
        picture = page.shapes.add_picture(io.BytesIO(png), Inches(0.2), Inches(1.25),
                                          width=Inches(12.9))
        picture._element.nvPicPr.cNvPr.set("descr", view.summary or view.title)
        box = page.shapes.add_textbox(Inches(0.4), Emu(prs.slide_height - Inches(0.65)),
                                      width - Inches(0.8), Inches(0.5))
        box.text_frame.word_wrap = True
        box.text_frame.text = view.subtitle
        for paragraph in box.text_frame.paragraphs:
            paragraph.font.size = Pt(12)
        notes = [slide.note.strip(), view.summary]
        if view.notes:
            notes.append("Notes on the chart:\n" + "\n".join(view.notes))
        page.notes_slide.notes_text_frame.text = "\n\n".join(n for n in notes if n)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


# -- PDF -----------------------------------------------------------------------------------
def pdf_bytes(deck: Deck, slides: Iterable[Slide], progress: Progress | None = None) -> bytes:
    """One 16:9 page per slide, vector (text stays sharp at any zoom): the title page, then
    each chart with its title and subtitle as on screen."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    pages = [title_figure(deck)] + [sized(s.view.figure, *SLIDE_PX, title=True) for s in slides]
    for number, fig in enumerate(pages):
        if progress and number:
            progress(number, len(pages) - 1)
        pdf = render.image(fig, "pdf", width=SLIDE_PX[0], height=SLIDE_PX[1])
        writer.append(PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Title": deck.heading, "/Creator": "cjmetrics"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- HTML ----------------------------------------------------------------------------------
HTML_CONFIG = {"displaylogo": False, "responsive": True, "showSendToCloud": False,
               "modeBarButtonsToRemove": ["lasso2d", "select2d"]}

_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1a1a1a; margin: 0 auto;
       max-width: 1200px; padding: 1.5rem; line-height: 1.45; }
header { border-bottom: 3px solid #0072B2; margin-bottom: 2rem; padding-bottom: 1rem; }
h1 { font-size: 2.2rem; margin: 0 0 .4rem; } h2 { font-size: 1.6rem; margin: 0 0 .3rem; }
section { page-break-after: always; margin-bottom: 3rem; }
.sub, .meta { color: #444; } .alt { font-size: 1.1rem; }
.note { background: #f3f3f3; border-left: 4px solid #595959; padding: .6rem 1rem; }
table { border-collapse: collapse; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: left; }
"""


def html_bytes(deck: Deck, slides: Iterable[Slide], progress: Progress | None = None) -> bytes:
    """One HTML file with plotly.js inside it: interactive charts that open offline, with no
    reference to any other file or web address. Every text is escaped (notes are untrusted)."""
    from plotly.offline import get_plotlyjs

    e = html.escape
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             f"<title>{e(deck.heading)}</title>",
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<style>{_STYLE}</style>", PLOTLYJS_BEGIN,
             f'<script type="text/javascript">{get_plotlyjs()}</script>', PLOTLYJS_END,
             "</head><body>", "<header>", f"<h1>{e(deck.heading)}</h1>"]
    meta = " · ".join(t for t in (deck.partnership, deck.date) if t)
    if meta:
        parts.append(f'<p class="meta">{e(meta)}</p>')
    parts.append("</header>")
    for number, slide in enumerate(slides, start=1):
        view = slide.view
        fig = go.Figure(view.figure)
        fig.update_layout(title=dict(text="", subtitle=dict(text="")), margin=dict(t=30),
                          width=None, height=SLIDE_PX[1] * 0.7)
        chart = pio.to_html(fig, include_plotlyjs=False, full_html=False, config=HTML_CONFIG,
                            div_id=f"chart-{number}", default_width="100%")
        parts += [f'<section id="slide-{number}">', f"<h2>{e(view.title)}</h2>",
                  f'<p class="sub">{e(view.subtitle)}</p>',
                  f'<div role="img" aria-label="{e(view.summary or view.title)}">{chart}</div>']
        if view.summary:
            parts.append(f'<p class="alt">{e(view.summary)}</p>')
        if view.notes:
            parts.append('<p><strong>Notes on the chart</strong></p><ol class="chart-notes">'
                         + "".join(f"<li>{e(n.split('. ', 1)[1])}</li>" for n in view.notes)
                         + "</ol>")
        if slide.note.strip():
            parts.append(f'<p class="note"><strong>Note:</strong> {e(slide.note)}</p>')
        parts += ["<details><summary>Data behind this chart</summary>",
                  view.table.to_html(index=False, escape=True, na_rep=""), "</details>",
                  "</section>"]
    parts.append(f'<footer class="meta"><p>{e(_footer(deck))}</p></footer>')
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")


def _footer(deck: Deck) -> str:
    return f"Made with cjmetrics{f' from the deck {deck.name!r}' if deck.name else ''}."


# -- one call for the page and the CLI -----------------------------------------------------
WRITERS = {"pptx": pptx_bytes, "pdf": pdf_bytes, "html": html_bytes}


def export(store: Store, deck: Deck, fmt: str) -> bytes:
    """The deck as a PowerPoint, PDF or HTML file's bytes, with today's figures."""
    return WRITERS[fmt](deck, slides_for(store, deck))
