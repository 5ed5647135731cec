"""Mailchimp campaign reports (the Reports page export, re-saved through Excel or not), the
account export's campaigns.csv and API-style campaign statistics, aggregated per month onto the
newsletter indicators (recipients, opens, open rate, clicks). What an export cannot give (an
open rate without recipients, or without opens) is said."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from .base import (
    ExportFormat,
    ExportIncomplete,
    Recognised,
    Source,
    area_question,
    find_column,
    guess_order,
    header_row,
    month_label,
    number,
    parse_date,
    plural,
    rows_frame,
    span,
)

SOURCE = "Mailchimp campaign report"
TITLE = ("Title", "Campaign Title", "Campaign Name", "Name", "Campaign ID", "Subject Line")
AUDIENCE = ("List", "Audience", "List Name", "Audience Name")
SEND_DATE = ("Send Date", "Sent Date", "Date Sent", "Send Time", "Sent")
DELIVERED = ("Successful Deliveries", "Emails Delivered", "Delivered")
RECIPIENTS = ("Total Recipients", "Recipients", "Emails Sent", "Emails sent")
OPENS = ("Unique Opens", "Unique Opened", "Opens", "Opened")
OPEN_RATE = ("Open Rate", "Opens Rate", "Unique Open Rate")
CLICKS = ("Total Clicks", "Clicks", "Unique Clicks", "Subscriber Clicks")
_AB = re.compile(r"\s*\|\s*(Winner|Combo \d+|Variant \w+|Test \w+)\s*$", re.I)


def detect(source: Source, sheet: str | None) -> Recognised | None:
    """Three layouts: the Reports page export (and the account export with its figures), the
    account export's bare campaigns.csv (recipients, no opens) and API-style statistics (opens,
    unique_opens, clicks, no recipients)."""
    for name, grid in source.sheets.items():
        if sheet is not None and name != sheet:
            continue
        i = header_row(grid, [SEND_DATE, OPEN_RATE + OPENS + CLICKS + RECIPIENTS], scan=5)
        if i is None:
            continue
        header = grid[i]
        if find_column(header, *TITLE) is None and \
                find_column(header, "Subject", *AUDIENCE) is None:
            continue
        return _recognised(source, name, grid, i)
    return None


def _rate_is_fraction(cells: list[str]) -> bool:
    """Excel re-saves a report's rates as fractions (0.3065); the report itself writes 30.65%
    or 30.65. Decided for the whole file, so that a 1% open rate is not read as 100%."""
    values = [number(c) for c in cells if number(c) is not None]
    return bool(values) and not any("%" in c for c in cells) and max(values) <= 1


def _recognised(source: Source, sheet: str, grid, i: int) -> Recognised:
    header = grid[i]
    col = {key: find_column(header, *names) for key, names in {
        "title": TITLE, "date": SEND_DATE, "delivered": DELIVERED, "recipients": RECIPIENTS,
        "opens": OPENS, "rate": OPEN_RATE, "clicks": CLICKS}.items()}
    # (Excel row number, cells) of every record below the header.
    body = [(i + 2 + k, r + [""] * (len(header) - len(r)))
            for k, r in enumerate(grid[i + 1:]) if any(r)]
    order = guess_order([r[col["date"]] for _, r in body])
    fraction = col["rate"] is not None and _rate_is_fraction([r[col["rate"]] for _, r in body])
    campaigns = []
    for row, cells in body:
        sent = parse_date(cells[col["date"]], order)
        if sent is None:
            continue  # a never-sent draft, or a totals line
        delivered = number(cells[col["delivered"]]) if col["delivered"] is not None else None
        if delivered is None and col["recipients"] is not None:
            delivered = number(cells[col["recipients"]])
        opens = number(cells[col["opens"]]) if col["opens"] is not None else None
        if opens is None and col["rate"] is not None and delivered is not None:
            rate = number(cells[col["rate"]])
            if rate is not None:
                opens = round(rate * delivered / (1 if fraction else 100))
        clicks = number(cells[col["clicks"]]) if col["clicks"] is not None else None
        title = cells[col["title"]] if col["title"] is not None else ""
        campaigns.append((title, sent, delivered, opens, clicks, row))
    if not campaigns:
        raise ExportIncomplete(f"'{source.name}' looks like a {SOURCE}, but no row has a send date "
                           "it can read (such as 3/9/17 18:54). Check that the file is complete.")
    # An A/B test adds rows "Name | Combo 1", "Name | Winner" whose figures are already in the
    # row "Name": count those only when the combined row is missing.
    parents = {t for t, *_ in campaigns if not _AB.search(t)}
    campaigns = [c for c in campaigns if not (_AB.search(c[0]) and _AB.sub("", c[0]) in parents)]
    dates = [c[1] for c in campaigns]
    has_recipients = col["delivered"] is not None or col["recipients"] is not None
    has_opens = col["opens"] is not None or (col["rate"] is not None and has_recipients)
    description = f"{SOURCE}: {plural(len(campaigns), 'campaign')}, {span(dates)}"
    notes = []
    if not has_recipients:
        notes.append("The export has no recipients or deliveries column, so no open rate is "
                     "imported: opens and clicks are.")
    if not has_opens and col["clicks"] is None:
        # The account export's bare campaigns.csv: who it reached, and nothing on opens.
        notes.append("The export has recipients but no opens or clicks, so it cannot give an "
                     "open rate (nor opens or clicks): only the recipients are imported. For "
                     "those figures, export the campaign reports from Mailchimp (Analytics, "
                     "Reports, Export as CSV) and upload that file.")
    elif not has_opens:
        notes.append("The export has no opens or open rate column, so only clicks and "
                     "recipients are imported.")

    def build(answers: dict):
        months = defaultdict(lambda: [0.0, 0.0, 0.0, 0, 0, None])
        for _, sent, delivered, opens, clicks, row in campaigns:
            m = months[(sent.year, sent.month)]
            m[0] += delivered or 0
            m[1] += opens or 0
            m[2] += clicks or 0
            m[3] += 1
            m[4] += clicks is not None
            m[5] = min(m[5] or row, row)
        rows = []
        for (year, month), (delivered, opens, clicks, n, has_clicks, first_row) in \
                sorted(months.items()):
            label = month_label(date(year, month, 1))
            note = f"{plural(n, 'campaign')} sent"
            base = {"area": answers["area"], "period": label, "source": SOURCE, "note": note,
                    "breakdown": "", "source_row": first_row}
            if has_opens:
                rows.append({**base, "indicator": "eng_newsletter_opens", "value": opens})
                if delivered:
                    rows.append({**base, "indicator": "eng_newsletter_open_rate",
                                 "value": round(100 * opens / delivered, 2), "numerator": opens,
                                 "denominator": delivered})
            if has_clicks:
                rows.append({**base, "indicator": "eng_newsletter_clicks", "value": clicks})
            # Last: the figures a lead looks for first (opens) lead the preview and the link.
            if has_recipients and delivered:
                rows.append({**base, "indicator": "eng_newsletter_recipients",
                             "value": delivered})
        return rows_frame(rows)

    return Recognised(MAILCHIMP, description, [area_question()], build, sheet=sheet or None,
                      sheets=[s for s in source.sheets if s], notes=notes)


MAILCHIMP = ExportFormat("mailchimp", SOURCE, "Newsletters", detect)
FORMATS = [MAILCHIMP]
