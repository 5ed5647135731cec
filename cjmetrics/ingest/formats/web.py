"""Google Analytics CSV exports: Universal Analytics ('# ----' preamble with the date range,
totals rows, several tables in one file) and GA4 ('# Start date: YYYYMMDD'), in any interface
language, with localised numbers (2.546, "99,88%") and day-first dates. Visits per month go onto
eng_website_visits."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date, datetime, timedelta

from .base import (
    ExportFormat,
    ExportIncomplete,
    Recognised,
    Source,
    area_question,
    guess_order,
    month_label,
    norm,
    number,
    parse_date,
    rows_frame,
    span,
)

# Visits first; users only when the report has no sessions column.
SESSIONS = ("sessions", "visits", "sitzungen", "sesiones", "sessões", "sessoes", "sessioni",
            "sessies", "visites")
USERS = ("users", "total users", "active users", "nutzer", "aktive nutzer", "usuarios",
         "usuários", "utilisateurs", "utenti", "gebruikers", "benutzer", "new users")
DAY = ("day index", "date", "datum", "fecha", "data", "jour", "tag", "índice de días",
       "indice de días", "índice de dias", "indice des jours", "tagesindex", "giorno", "dag",
       "day")
MONTH = ("month of year", "month", "year month", "monat des jahres", "mes del año", "mois de "
         "l'année", "mês do ano")
NTH = {"nth day": "day", "nth week": "week", "nth month": "month"}
_RANGE = re.compile(r"^#\s*(\d{8})\s*-\s*(\d{8})\s*$")
_START = re.compile(r"^#\s*[^:]*(start|beginn|inicio|início|début|debut)[^:]*:\s*(\d{8})", re.I)
_END = re.compile(r"^#\s*[^:]*(end|ende|fin|final|término)[^:]*:\s*(\d{8})", re.I)


def _ymd(text: str) -> date:
    return datetime.strptime(text, "%Y%m%d").date()


def _tables(lines: list[list[str]]) -> list[list[list[str]]]:
    """Blocks of rows between comment and blank lines; each starts with its header. Every row
    ends with its Excel row number (an int, after the text cells)."""
    tables, current = [], []
    for number_, row in enumerate(lines, start=1):
        if not any(row) or row[0].startswith("#"):
            if current:
                tables.append(current)
            current = []
        else:
            current.append([*row, number_])
    if current:
        tables.append(current)
    return [t for t in tables if len(t) >= 2]


def _decimal_comma(tables) -> bool:
    cells = [c for t in tables for r in t[1:] for c in r[1:-1]]
    if any(re.fullmatch(r"-?\d+,\d{1,2}%?|-?\d+,\d{4,}%?", c) for c in cells):
        return True
    dotted_thousands = any(re.fullmatch(r"\d{1,3}(\.\d{3})+", c) for c in cells)
    decimals = any(re.fullmatch(r"-?\d+\.(\d{1,2}|\d{4,})%?", c) for c in cells)
    return dotted_thousands and not decimals


def detect(source: Source, sheet: str | None) -> Recognised | None:
    if source.kind != "csv":
        return None
    grid = source.first
    head = [r[0] for r in grid[:15] if r]
    if not head or not head[0].startswith("#"):
        return None
    start = end = None
    for line in head:
        if _RANGE.match(line):
            start, end = map(_ymd, _RANGE.match(line).groups())
        elif _START.match(line):
            start = _ymd(_START.match(line).group(2))
        elif _END.match(line):
            end = _ymd(_END.match(line).group(2))
    ga4 = any(_START.match(line) for line in head)
    if start is None and not (ga4 or any(line.startswith("# ----") for line in head)):
        return None
    if start is None or end is None:
        if not any(norm(line).startswith(("account", "property", "all web site data",
                                           "master view", "all users")) for line in head):
            return None
        raise ExportIncomplete(f"'{source.name}' looks like a Google Analytics export, but its "
                           "'#' heading has no date range. Export the report again without "
                           "editing the lines that start with #.")
    title = "Google Analytics 4 report" if ga4 else "Universal Analytics report"
    tables = _tables(grid)
    if not tables:
        raise ExportIncomplete(
            f"'{source.name}' is a {title} ({start:%-d %b %Y} to {end:%-d %b %Y}) "
            "with no table under its heading: the file looks cut short.")
    comma = _decimal_comma(tables)
    for table in tables:
        header = [norm(h) for h in table[0][:-1]]
        metric = next((i for i, h in enumerate(header) if h in SESSIONS), None)
        metric = metric if metric is not None else next(
            (i for i, h in enumerate(header) if h in USERS), None)
        if metric is None:
            continue
        metric_name = table[0][metric]
        first = header[0]
        items = _dated(table, first, metric, start, comma)
        if items is None:
            continue
        if not items:
            raise ExportIncomplete(f"'{source.name}' is a {title} whose '{table[0][0]}' column "
                               "holds no dates cjmetrics can read.")
        return _recognised(source, title, items, metric_name, start, end)
    # No table by date: a report of exactly one calendar month can still give its total.
    whole_month = start.day == 1 and (end + timedelta(days=1)).day == 1 and \
        (start.year, start.month) == (end.year, end.month)
    for table in tables:
        header = [norm(h) for h in table[0][:-1]]
        metric = next((i for i, h in enumerate(header) if h in SESSIONS + USERS), None)
        totals = [r for r in table[1:] if not r[0] and metric is not None and len(r) > metric + 1]
        if whole_month and totals:
            value = number(totals[0][metric], decimal_comma=comma)
            items = [(start, value, totals[0][-1])]
            return _recognised(source, title, items, table[0][metric], start, end)
    raise ExportIncomplete(
        f"'{source.name}' is a {title} for {start:%-d %b %Y} to {end:%-d %b %Y}, but it has no "
        "table by day or month with sessions or users, so the visits cannot be given per "
        "month. In Google Analytics, export a report with Date (or Month) as the dimension "
        "and Sessions or Users as a metric.")


def _dated(table, first: str, metric: int, start: date, comma: bool):
    """(day, value, Excel row) triples, or None when the table is not by date."""
    body = [r for r in table[1:] if r and r[0]]  # a totals row has an empty first field
    if first in NTH:
        step = NTH[first]
        out = []
        for r in body:
            if not r[0].isdigit():
                continue
            n = int(r[0])
            day = start + timedelta(days=n) if step == "day" else \
                start + timedelta(weeks=n) if step == "week" else \
                date(start.year + (start.month - 1 + n) // 12, (start.month - 1 + n) % 12 + 1, 1)
            out.append((day, number(r[metric], decimal_comma=comma), r[-1]))
        return out
    if first in MONTH:
        out = []
        for r in body:
            m = re.fullmatch(r"(\d{4})(\d{2})", r[0])
            if m:
                out.append((date(int(m.group(1)), int(m.group(2)), 1),
                            number(r[metric], decimal_comma=comma), r[-1]))
        return out
    if first in DAY:
        order = guess_order([r[0] for r in body])
        if order == "mdy" and any(re.match(r"\d{1,2}\.\d{1,2}\.\d{2,4}", r[0]) for r in body):
            order = "dmy"  # 01.02.19 is a European day-first date
        return [(d, number(r[metric], decimal_comma=comma), r[-1]) for r in body
                if (d := parse_date(r[0].replace(".", "/") if re.match(
                    r"\d{1,2}\.\d{1,2}\.\d{2,4}$", r[0]) else r[0], order)) is not None]
    return None


def _recognised(source: Source, title: str, items, metric_name: str, start: date,
                end: date) -> Recognised:
    days = [d for d, _, _ in items]
    by_month = len(days) > 1 and all(d.day == 1 for d in days) and \
        len({(d.year, d.month) for d in days}) == len(days)
    by = "month" if by_month else "day" if len(days) > 1 else "report period"
    description = f"{title}: {metric_name} by {by}, {span(days)}"
    is_users = norm(metric_name) not in SESSIONS
    fmt = GA4 if title.startswith("Google Analytics 4") else UA

    def build(answers: dict):
        months = defaultdict(lambda: [0.0, 0, None, None, None])
        for day, value, row in items:
            if value is None:
                continue
            m = months[(day.year, day.month)]
            m[0] += value
            m[1] += 1
            m[2] = min(m[2] or day, day)
            m[3] = max(m[3] or day, day)
            m[4] = min(m[4] or row, row)
        rows = []
        for (year, month), (total, n, first, last, first_row) in sorted(months.items()):
            note = f"{metric_name}, {first:%-d %b} to {last:%-d %b %Y}" if n > 1 else \
                f"{metric_name}, {start:%-d %b} to {end:%-d %b %Y}"
            if is_users and n > 1:
                note += " (sum of the daily figures: a returning visitor counts once a day)"
            rows.append({"indicator": "eng_website_visits", "area": answers["area"],
                         "period": month_label(date(year, month, 1)), "value": total,
                         "breakdown": "", "note": note, "source": title,
                         "source_row": first_row})
        return rows_frame(rows)

    return Recognised(fmt, description, [area_question()], build)


UA = ExportFormat("google_analytics_ua", "Google Analytics (Universal Analytics) CSV", "Web "
                  "analytics", detect,
                  short="Google Analytics (Universal)")
GA4 = ExportFormat("google_analytics_ga4", "Google Analytics 4 CSV", "Web analytics",
                   lambda s, sh: None)  # detected by the same reader as UA
FORMATS = [UA, GA4]
