"""Chart images (PNG, SVG, PDF) from plotly figures with kaleido and Debian's chromium.

One long-lived kaleido browser per process, started on the first image asked for: starting a
browser costs seconds, rendering a chart in a running one a fraction of that. The browser lives
on its own thread with its own asyncio loop; callers from any thread (Streamlit script threads,
the CLI) hand it work and wait with a timeout, one figure at a time. kaleido's own
start_sync_server is not used because a browser that fails to start leaves its callers waiting
for ever, and it is not safe to call from several threads at once.

Nothing is downloaded: the browser is CJMETRICS_CHROMIUM, else BROWSER_PATH, else
/usr/bin/chromium or `chromium` on PATH; plotly.js is the copy inside the plotly package and
MathJax is off.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import shutil
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

import plotly.graph_objects as go

from .errors import ImagesUnavailable

log = logging.getLogger("cjmetrics")

START_TIMEOUT = 60  # seconds for the browser to start
RENDER_TIMEOUT = 90  # seconds for one image


def chromium_path() -> Path | None:
    """The chromium kaleido will drive, or None when there is none."""
    for candidate in (os.environ.get("CJMETRICS_CHROMIUM"), os.environ.get("BROWSER_PATH"),
                      "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


def available() -> bool:
    """Whether PNG, SVG, PDF and PowerPoint can be made (chromium and kaleido are installed)."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return False
    return chromium_path() is not None


UNAVAILABLE_TEXT = ("Chromium is not installed on this server, so PNG, SVG, PDF and PowerPoint "
                    "files cannot be made. The interactive HTML report, CSV and XLSX downloads "
                    "still work. Ask your administrator to install Debian's chromium package.")


class _Renderer:
    """The process's kaleido browser, on a thread of its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # one figure at a time; also guards start and stop
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self.starts = 0  # how many browsers this process has started (tests check it stays 1)

    def _start(self) -> None:
        from kaleido import Kaleido

        browser = chromium_path()
        if browser is None:
            raise ImagesUnavailable(UNAVAILABLE_TEXT)
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="cjmetrics-kaleido",
                                  daemon=True)
        thread.start()

        async def open_browser():
            # Sandbox off is choreographer's default (adds --no-sandbox), needed when run as root.
            k = Kaleido(n=1, mathjax=False, path=str(browser), timeout=RENDER_TIMEOUT)
            await k.open()
            return k

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(
                START_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - any failure means no images; say so
            loop.call_soon_threadsafe(loop.stop)
            log.exception("kaleido could not start chromium at %s", browser)
            raise ImagesUnavailable(
                f"Chromium at {browser} could not be started to draw the chart images "
                f"({type(exc).__name__}). The HTML report, CSV and XLSX downloads still work; "
                "ask your administrator to check the chromium installation.") from exc
        self._loop, self._thread = loop, thread
        self.starts += 1

    def image(self, fig: go.Figure | dict, fmt: str, width: int, height: int,
              scale: float = 1) -> bytes:
        spec = fig.to_plotly_json() if isinstance(fig, go.Figure) else fig
        opts = dict(format=fmt, width=width, height=height, scale=scale)
        with self._lock:
            for attempt in (1, 2):
                if self._kaleido is None:
                    self._start()
                future = asyncio.run_coroutine_threadsafe(
                    self._kaleido.calc_fig(spec, opts=opts), self._loop)
                try:
                    return future.result(RENDER_TIMEOUT + 5)
                except (FutureTimeout, Exception) as exc:  # noqa: BLE001
                    # A crashed or hung browser: start a fresh one once, then give up.
                    log.warning("chart image failed (attempt %s): %r", attempt, exc)
                    future.cancel()
                    self._stop_locked()
                    if attempt == 2:
                        raise ImagesUnavailable(
                            "The chart image could not be drawn (the chromium renderer "
                            "failed twice). Try again; the HTML report, CSV and XLSX "
                            "downloads still work.") from exc
        raise AssertionError("unreachable")

    def _stop_locked(self) -> None:
        if self._kaleido is not None and self._loop is not None:
            try:
                asyncio.run_coroutine_threadsafe(self._kaleido.close(), self._loop).result(15)
            except Exception:  # noqa: BLE001 - closing a broken browser may fail too
                log.debug("kaleido close failed", exc_info=True)
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._kaleido = self._loop = self._thread = None

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()

    @property
    def running(self) -> bool:
        return self._kaleido is not None


RENDERER = _Renderer()
atexit.register(RENDERER.stop)


def image(fig: go.Figure | dict, fmt: str = "png", *, width: int = 1100, height: int = 620,
          scale: float = 1) -> bytes:
    """The figure as PNG, SVG or PDF bytes, drawn by the process's one kaleido browser."""
    if fmt not in {"png", "svg", "pdf", "jpeg", "webp"}:
        raise ValueError(fmt)
    if not available():
        raise ImagesUnavailable(UNAVAILABLE_TEXT)
    return RENDERER.image(fig, fmt, width, height, scale)
