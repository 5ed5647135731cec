"""Where a chart's text lands once drawn: every text box plotly.js lays out, measured in
Debian's chromium (the engine kaleido draws PNG, SVG and PDF with, at the same size), so a test
can check that no two text boxes overlap and none leaves the canvas."""

from __future__ import annotations

import json

import plotly.graph_objects as go

# Text boxes closer than this (CSS px) are not counted as touching: glyph boxes include some
# blank space above and below the letters.
SLACK = 2.0

MEASURE = """(spec) => {
  const div = document.getElementById('chart');
  return Plotly.newPlot(div, spec.data, spec.layout, {staticPlot: true}).then(() => {
    const canvas = div.querySelector('.main-svg').getBoundingClientRect();
    const boxes = [];
    for (const el of div.querySelectorAll('text')) {
      const text = el.textContent.trim();
      if (!text || el.closest('.hoverlayer')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      boxes.push({text, x0: r.left - canvas.left, y0: r.top - canvas.top,
                  x1: r.right - canvas.left, y1: r.bottom - canvas.top,
                  kind: el.getAttribute('class') || el.parentNode.getAttribute('class') || ''});
    }
    return {width: canvas.width, height: canvas.height, boxes};
  });
}"""


def open_measurer(browser):
    """A chromium page with plotly.js loaded (offline), ready to lay out figures."""
    from plotly.offline import get_plotlyjs

    page = browser.new_page()
    page.set_content("<html><body style='margin:0'><div id='chart'></div>"
                     f"<script>{get_plotlyjs()}</script></body></html>")
    return page


def text_boxes(page, fig: go.Figure) -> dict:
    spec = json.loads(fig.to_json())
    spec["layout"].pop("template", None)  # already applied into the layout by plotly.py
    full = json.loads(go.Figure(fig).to_json())
    spec["layout"] = full["layout"]
    return page.evaluate(MEASURE, spec)


def collisions(measured: dict) -> list[str]:
    """Sentences naming every text box that overlaps another or leaves the canvas."""
    found = []
    boxes = measured["boxes"]
    width, height = measured["width"], measured["height"]
    for box in boxes:
        if box["x0"] < -SLACK or box["y0"] < -SLACK or box["x1"] > width + SLACK or \
                box["y1"] > height + SLACK:
            found.append(f"'{box['text']}' leaves the {width:.0f}x{height:.0f} canvas "
                         f"({box['x0']:.0f},{box['y0']:.0f})-({box['x1']:.0f},{box['y1']:.0f})")
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > SLACK and \
                    min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > SLACK:
                found.append(f"'{a['text']}' overlaps '{b['text']}'")
    return found
