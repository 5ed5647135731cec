"""Screenshot dashboard pages with Debian's chromium: python scripts/screenshot.py URL OUT.png

Used by developers to look at what they build; the browser tests use the same launch options.
"""

import sys

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def shoot(url: str, out: str, width: int = 1400, height: int = 1000, wait_text: str | None = None,
          full_page: bool = True) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(url)
        page.wait_for_selector("[data-testid='stApp']", timeout=30000)
        if wait_text:
            page.get_by_text(wait_text).first.wait_for(timeout=30000)
        page.wait_for_timeout(2500)
        page.screenshot(path=out, full_page=full_page)
        browser.close()


if __name__ == "__main__":
    shoot(sys.argv[1], sys.argv[2], wait_text=sys.argv[3] if len(sys.argv) > 3 else None)
