"""A 12-slide deck: total export time, and each chart's cost against a bare kaleido
`write_image` of the same figure in the same run. Written to bench/results/deck.md.

    .venv/bin/python bench/deck.py

The deck is the first 12 charts of Glasgow City's standard meeting pack over the demo store.
"Ours" is cjmetrics.render.image (the app's one long-lived kaleido browser); "bare" is plotly's
fig.write_image with kaleido's own sync server started once (mathjax off), both drawing the same
PowerPoint-sized PNG (1200 x 522 CSS px at scale 2.5). Calls alternate between the two (and
which goes first) so load from other processes hits both alike; each chart's time is the median
over ROUNDS rounds.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROUNDS = 3
SLIDES = 12


def main() -> None:
    import kaleido

    from cjmetrics import deck as decks
    from cjmetrics import render, slides
    from cjmetrics.bootstrap import initialise
    from cjmetrics.slides import PPTX_CHART_PX, PPTX_SCALE, sized

    tmp = Path(tempfile.mkdtemp(prefix="cjmetrics-bench-deck-"))
    store = initialise(tmp / "demo.duckdb", demo=True)
    pack = decks.standard_pack(store, "S12000049", "Mar 2025")
    pack.items = pack.items[:SLIDES]
    width, height = PPTX_CHART_PX

    t = time.perf_counter()
    render.image(decks.build_view(store, pack.items[0]).figure, "png", width=200, height=100)
    start_ours = time.perf_counter() - t
    t = time.perf_counter()
    kaleido.start_sync_server(mathjax=False, path=str(render.chromium_path()))
    import plotly.graph_objects as go
    go.Figure().write_image(tmp / "warm.png", width=200, height=100)
    start_bare = time.perf_counter() - t

    t = time.perf_counter()
    views = slides.slides_for(store, pack)
    build = time.perf_counter() - t
    figures = [sized(s.view.figure, width, height, title=False) for s in views]

    ours: list[list[float]] = [[] for _ in figures]
    bare: list[list[float]] = [[] for _ in figures]
    def time_ours(i, fig):
        t = time.perf_counter()
        render.image(fig, "png", width=width, height=height, scale=PPTX_SCALE)
        ours[i].append(time.perf_counter() - t)

    def time_bare(i, fig):
        t = time.perf_counter()
        fig.write_image(tmp / f"bare-{i}.png", width=width, height=height, scale=PPTX_SCALE)
        bare[i].append(time.perf_counter() - t)

    for round_ in range(ROUNDS):
        for i, fig in enumerate(figures):
            # Alternate which goes first, so neither always follows the other's work.
            first, second = (time_ours, time_bare) if (round_ + i) % 2 == 0 else \
                (time_bare, time_ours)
            first(i, fig)
            second(i, fig)

    totals = []
    for fmt in ("pptx", "pdf", "html"):
        t = time.perf_counter()
        data = slides.export(store, pack, fmt)
        totals.append((fmt, time.perf_counter() - t, len(data)))
    kaleido.stop_sync_server(silence_warnings=True)
    render.RENDERER.stop()
    store.close()
    shutil.rmtree(tmp, ignore_errors=True)

    med_ours = [statistics.median(x) for x in ours]
    med_bare = [statistics.median(x) for x in bare]
    ratios = [o / b for o, b in zip(med_ours, med_bare)]
    pptx_total = totals[0][1]
    per_slide_pptx = pptx_total / SLIDES
    bare_mean = statistics.mean(med_bare)
    load = os.getloadavg()
    lines = [
        "# Deck benchmark", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {load[0]:.2f} at the end. The cores are "
        "shared with other engineers' work, so timings are noisy. Command: "
        "`.venv/bin/python bench/deck.py`. Deck: the first 12 charts of Glasgow City's standard "
        "meeting pack (demo store), PNG at 1200 x 522 CSS px, scale 2.5.", "",
        "| measure | result |", "|---|---|",
        f"| browser start: cjmetrics renderer / kaleido sync server (once per process) | "
        f"{start_ours:.2f} s / {start_bare:.2f} s |",
        f"| build the 12 charts from the store (large type) | {build:.2f} s |",
        f"| per chart, cjmetrics `render.image` (median of {ROUNDS}, mean over charts) | "
        f"{statistics.mean(med_ours):.3f} s |",
        f"| per chart, bare kaleido `fig.write_image` (same figures, same run) | "
        f"{bare_mean:.3f} s |",
        f"| per-chart cost relative to bare write_image: all charts together / median chart / "
        f"worst chart | {sum(med_ours) / sum(med_bare):.2f}x / {statistics.median(ratios):.2f}x"
        f" / {max(ratios):.2f}x (target at most 1.2x) |",
    ]
    for fmt, seconds, size in totals:
        lines.append(f"| 12-slide deck, total export to {fmt.upper()} (charts rebuilt, "
                     f"images drawn, file assembled) | {seconds:.2f} s ({size / 1e6:.1f} MB) |")
    lines.append(f"| PPTX export per slide, relative to bare write_image per chart | "
                 f"{per_slide_pptx / bare_mean:.2f}x |")
    lines += ["", "Per chart (seconds, median of rounds): " + ", ".join(
        f"{o:.2f}/{b:.2f}" for o, b in zip(med_ours, med_bare)) + " (ours/bare).", ""]
    out = ROOT / "bench" / "results" / "deck.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
