"""Mailchimp campaign reports (the Reports page export and the account export campaigns.csv),
aggregated per month onto the newsletter indicators."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from .base import (ExportFormat, FormatBroken, Recognised, Source, area_question, find_column,
                   guess_order, header_row, month_label, number, parse_date, plural, rows_frame,
                   share, span)

SOURCE = "Mailchimp campaign report"
TITLE = ("Title", "Campaign Title", "Campaign Name", "Name")
AUDIENCE = ("List", "Audience", "List Name", "Audience Name")
SEND_DATE = ("Send Date", "Sent Date", "Date Sent", "Send Time", "Sent")
DELIVERED = ("Successful Deliveries", "Emails Delivered", "Delivered")
RECIPIENTS = ("Total Recipients", "Recipients", "Emails Sent", "Emails sent")
OPENS = ("Unique Opens", "Unique Opened", "Opens", "Opened")
OPEN_RATE = ("Open Rate", "Opens Rate", "Unique Open Rate")
CLICKS = ("Total Clicks", "Clicks", "Unique Clicks")
_AB = re.compile(r"\s*\|\s*(Winner|Combo \d+|Variant \w+|Test \w+)\s*$", re.I)


def detect(source: Source, sheet: str | None) -> Recognised | None:
    for name, grid in source.sheets.items():
        if sheet is not None and name != sheet:
            continue
        i = header_row(grid, [SEND_DATE, OPEN_RATE + OPENS], scan=5)
        if i is None:
            continue
        header = grid[i]
        if find_column(header, *TITLE) is None and \
                find_column(header, "Subject", *AUDIENCE) is None:
            continue
        return _recognised(source, name, grid[i + 1:], header)
    return None


def _recognised(source: Source, sheet: str, body, header) -> Recognised:
    col = {key: find_column(header, *names) for key, names in {
        "title": TITLE, "date": SEND_DATE, "delivered": DELIVERED, "recipients": RECIPIENTS,
        "opens": OPENS, "rate": OPEN_RATE, "clicks": CLICKS}.items()}
    if col["delivered"] is None and col["recipients"] is None:
        raise FormatBroken(f"'{source.name}' looks like a {SOURCE}, but it has no recipients "
                           "column ('Total Recipients' or 'Successful Deliveries'), so an open "
                           "rate cannot be worked out. Export the campaign report again with "
                           "all columns.")
    body = [r for r in body if any(r)]
    order = guess_order([r[col["date"]] for r in body if len(r) > col["date"]])
    campaigns = []
    for r in body:
        cells = r + [""] * (len(header) - len(r))
        sent = parse_date(cells[col["date"]], order)
        if sent is None:
            continue  # a never-sent draft, or a totals line
        delivered = number(cells[col["delivered"]]) if col["delivered"] is not None else None
        if delivered is None and col["recipients"] is not None:
            delivered = number(cells[col["recipients"]])
        opens = number(cells[col["opens"]]) if col["opens"] is not None else None
        if opens is None and col["rate"] is not None and delivered is not None:
            rate = share(cells[col["rate"]])
            opens = round(rate * delivered) if rate is not None else None
        clicks = number(cells[col["clicks"]]) if col["clicks"] is not None else None
        title = cells[col["title"]] if col["title"] is not None else ""
        campaigns.append((title, sent, delivered, opens, clicks))
    if not campaigns:
        raise FormatBroken(f"'{source.name}' looks like a {SOURCE}, but no row has a send date "
                           "it can read (such as 3/9/17 18:54). Check that the file is complete.")
    # An A/B test adds rows "Name | Combo 1", "Name | Winner" whose figures are already in the
    # row "Name": count those only when the combined row is missing.
    parents = {t for t, *_ in campaigns if not _AB.search(t)}
    campaigns = [c for c in campaigns if not (_AB.search(c[0]) and _AB.sub("", c[0]) in parents)]
    dates = [c[1] for c in campaigns]
    description = f"{SOURCE}: {plural(len(campaigns), 'campaign')}, {span(dates)}"

    def build(answers: dict):
        months = defaultdict(lambda: [0.0, 0.0, 0.0, 0, 0])
        for _, sent, delivered, opens, clicks in campaigns:
            m = months[(sent.year, sent.month)]
            m[0] += delivered or 0
            m[1] += opens or 0
            m[2] += clicks or 0
            m[3] += 1
            m[4] += clicks is not None
        rows = []
        for (year, month), (delivered, opens, clicks, n, has_clicks) in sorted(months.items()):
            label = month_label(date(year, month, 1))
            note = f"{plural(n, 'campaign')} sent"
            base = {"area": answers["area"], "period": label, "source": SOURCE, "note": note,
                    "breakdown": ""}
            rows.append({**base, "indicator": "eng_newsletter_opens", "value": opens})
            if delivered:
                rows.append({**base, "indicator": "eng_newsletter_open_rate",
                             "value": round(100 * opens / delivered, 2), "numerator": opens,
                             "denominator": delivered})
            if has_clicks:
                rows.append({**base, "indicator": "eng_newsletter_clicks", "value": clicks})
        return rows_frame(rows)

    return Recognised(MAILCHIMP, description, [area_question()], build, sheet=sheet or None,
                      sheets=[s for s in source.sheets if s])


MAILCHIMP = ExportFormat("mailchimp", SOURCE, "Newsletters", detect)
FORMATS = [MAILCHIMP]
