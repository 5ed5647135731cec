"""The accessibility statement's text and the colour rules the app is checked against.

The statement is plain data so the page, the tests and any export read the same words. The
contrast helpers follow WCAG 2.2's definitions (relative luminance, contrast ratio)."""

from __future__ import annotations

from dataclasses import dataclass

CHECKED = "1 December 2026"
STANDARD = "2.2 level AA"
# The nearest upstream report: Streamlit's open request for basic accessibility features of the
# page it generates (names, structure, navigation markup).
STREAMLIT_ISSUE = "https://github.com/streamlit/streamlit/issues/8399"

TEXT_CONTRAST = 4.5  # WCAG 1.4.3: normal text
GRAPHIC_CONTRAST = 3.0  # WCAG 1.4.11: chart lines and markers, focus indicators


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    value = colour.lstrip("#")
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio between two #rrggbb colours (1 to 21)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def blend(colour: str, background: str, opacity: float) -> str:
    """The colour seen when `colour` is drawn at `opacity` over `background`."""
    top, bottom = colour.lstrip("#"), background.lstrip("#")
    mixed = [round(int(top[i:i + 2], 16) * opacity + int(bottom[i:i + 2], 16) * (1 - opacity))
             for i in (0, 2, 4)]
    return "#" + "".join(f"{c:02x}" for c in mixed)


@dataclass(frozen=True)
class Statement:
    checked: str
    standard: str
    sections: tuple[tuple[str, str], ...]


STATEMENT = Statement(CHECKED, STANDARD, (
    ("Using this dashboard",
     "cjmetrics is run by your community justice partnership. We want as many people as "
     "possible to be able to use it. You should be able to:\n\n"
     "- use every page with a keyboard alone: upload a file, check the preview, import, undo, "
     "collect charts for a deck and run the slideshow (← and → move between slides, Esc ends "
     "it)\n"
     "- zoom to 400% or use a phone 320 pixels wide, with each page in one column and no "
     "sideways scrolling of the page\n"
     "- use a screen reader: each chart is announced as an image named by its title and "
     "described by the one-sentence summary under it, and the figures behind every chart are "
     "one click away under **Data behind this chart**, as a table and as CSV and Excel "
     "downloads\n"
     "- read every text at a contrast of 4.5:1 or more, in the light theme and in the dark "
     "theme (which follows your device's setting)\n"
     "- see where the keyboard focus is: a dark blue ring (yellow in the dark theme)"),
    ("How accessible this dashboard is",
     f"This dashboard is **partially compliant** with the Web Content Accessibility Guidelines "
     f"(WCAG) version {STANDARD}, because of the exceptions listed below. Every page and the "
     "slideshow are checked by machine with axe-core (its WCAG 2.0, 2.1 and 2.2 A and AA "
     "rules) at 1400 and 320 pixels wide, and by a keyboard-only test of the upload and "
     "presenting tasks, each time the dashboard's tests run."),
    ("What does not conform, and why",
     "- **The page navigation's list markup** (WCAG 1.3.1 Info and relationships). The "
     "sidebar's list of pages is drawn by Streamlit, the framework cjmetrics is built on. When "
     "pages are grouped under headings (Progress, Engagement, Data, Reference), Streamlit "
     "wraps each group in an element a list may not contain, so a screen reader may count the "
     "pages in a group wrongly. The links themselves are named and reachable, and the current "
     "page is marked. cjmetrics could avoid this only by dropping the group headings, which "
     "help every reader find a page among sixteen, and kept them. Only Streamlit can fix the "
     f"markup; its open request for accessible page markup is {STREAMLIT_ISSUE}. It is the "
     "one thing the automatic check leaves out.\n"
     "- **Charts at 320 pixels wide** (WCAG 1.4.10 Reflow). A chart is drawn to the width of "
     "the screen, so on a phone a long title or area name can be cut at the edge. The title "
     "is the chart's accessible name, the summary under it says what it shows, and the table "
     "behind it holds every figure.\n"
     "- **Charts' own interactive features**. Zooming and hovering over points need a mouse. "
     "The same figures are in the table and downloads under each chart, which work with a "
     "keyboard. Plotly's toolbar is not shown, so it never takes keyboard focus.\n"
     "- **Exported files**. The PowerPoint, PDF and Word files the dashboard makes have not "
     "been checked against the accessibility requirements for documents."),
    ("Reporting a problem",
     "If you find a problem not listed here, or need a page's figures in another format, "
     "tell the partnership officer who runs this dashboard (your administrator). Say which "
     "page, what you were trying to do and what happened. If you are not happy with how we "
     "respond, contact the Equality Advisory and Support Service (EASS)."),
    ("How this dashboard was tested",
     f"Last checked on {CHECKED}: every page of the dashboard with its illustrative demo "
     "data, and the slideshow, with axe-core 4.14.1 in Chromium at 1400 and 320 pixels wide "
     "in the light theme and the dark theme; the upload, import, undo, add-to-deck and "
     "slideshow tasks with the keyboard alone; colour contrast of the theme and of the chart "
     "palette calculated by the dashboard's own tests."),
))
