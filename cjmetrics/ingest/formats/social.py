"""Social media exports: X/Twitter Analytics (tweet and daily activity, in any interface
language), Facebook Page Insights post level, Meta Business Suite post exports (Facebook and
Instagram), Facebook Ads Manager, and LinkedIn page analytics (content export). Figures are
summed per month onto eng_social_reach and eng_social_engagements with a channel breakdown."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from .base import (ExportFormat, FormatBroken, Grid, Recognised, Source, area_question,
                   find_column, guess_order, month_label, norm, number, parse_date, plural,
                   rows_frame, span)

X_CHANNEL = "channel:X/Twitter"  # the label the demo and catalogue use


def monthly_rows(items: list[tuple[date, float | None, float | None]], channel: str,
                 source: str, answers: dict, *, reach_note: str, unit: str) -> list[dict]:
    """One reach and one engagements row per month (a month with no figure gets no row)."""
    months: dict = defaultdict(lambda: [0.0, 0.0, 0, False, False, None, None])
    for day, reach, engaged in items:
        m = months[(day.year, day.month)]
        m[0] += reach or 0
        m[1] += engaged or 0
        m[2] += 1
        m[3] |= reach is not None
        m[4] |= engaged is not None
        m[5] = min(m[5] or day, day)
        m[6] = max(m[6] or day, day)
    rows = []
    for (year, month), (reach, engaged, n, has_reach, has_engaged, first, last) in \
            sorted(months.items()):
        note = f"{plural(n, unit)}, {first:%-d %b} to {last:%-d %b %Y}"
        base = {"area": answers["area"], "period": month_label(date(year, month, 1)),
                "breakdown": channel, "source": source}
        if has_reach:
            rows.append({**base, "indicator": "eng_social_reach", "value": reach,
                         "note": f"{reach_note}; {note}"})
        if has_engaged:
            rows.append({**base, "indicator": "eng_social_engagements", "value": engaged,
                         "note": note})
    return rows


def _cells(row: list[str], width: int) -> list[str]:
    return row + [""] * (width - len(row))


# -- X/Twitter ---------------------------------------------------------------------------------
# Known translations of the columns used; other languages fall back to column position (the
# export's column order is the same in every language).
TWEET_ID = ("Tweet id", "ID del Tweet", "ID do Tweet", "identifiant du Tweet", "Tweet-ID",
            "ID Tweet", "ツイートID", "Tweet ID")
PERMALINK = ("Tweet permalink", "enlace permanente al Tweet", "link permanente do Tweet",
             "permalien du Tweet", "Permalink des Tweets", "permalink Tweet", "Tweet-permalink")
TIME = ("time", "hora", "heure", "Zeit", "ora", "tijd", "時間")
DATE = ("Date", "Fecha", "Data", "Datum", "日付")
PUBLISHED = ("Tweets published", "Tweets publicados", "Tweets publiés", "Veröffentlichte Tweets",
             "Tweet pubblicati", "Gepubliceerde Tweets")
IMPRESSIONS = ("impressions", "impresiones", "impressões", "Impressionen", "visualizzazioni",
               "vertoningen", "インプレッション")
ENGAGEMENTS = ("engagements", "interacciones", "engajamentos", "Interaktionen", "interazioni",
               "エンゲージメント")
_STATUS_URL = re.compile(r"https?://(www\.|mobile\.)?(twitter|x)\.com/[^/]+/status/\d+")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _x_layout(grid: Grid) -> tuple[str, dict] | None:
    """('tweets'|'daily', column indexes) from the header names, or from positions when the
    data has the export's tell-tale shape."""
    if not grid:
        return None
    header, body = grid[0], [r for r in grid[1:] if any(r)][:50]
    if not body:
        if find_column(header, *TWEET_ID) is not None and find_column(header, *PERMALINK) \
                is not None or find_column(header, *DATE) == 0 and \
                find_column(header, *PUBLISHED) == 1:
            raise FormatBroken("This X/Twitter Analytics export has its header row but no rows "
                               "of figures: the file looks cut short. Download it again.")
        return None
    promoted = sum(1 for h in header if norm(h).startswith(("promoted", "promocionad",
                                                           "promovid", "sponsoris",
                                                           "beworben", "gesponsert")))
    ident, link = find_column(header, *TWEET_ID), find_column(header, *PERMALINK)
    if len(header) >= 20 and (ident is not None and link is not None
                              or all(_STATUS_URL.match(_cells(r, 2)[1]) for r in body)):
        return "tweets", {"date": find_column(header, *TIME) or 3,
                          "reach": find_column(header, *IMPRESSIONS) or 4,
                          "engaged": find_column(header, *ENGAGEMENTS) or 5}
    named = find_column(header, *DATE) == 0 and find_column(header, *PUBLISHED) == 1
    shaped = len(header) >= 30 and promoted >= 10 or len(header) in (38, 40) and all(
        _ISO_DAY.fullmatch(r[0]) and number(_cells(r, 4)[2]) is not None for r in body)
    if (named and len(header) >= 4) or (shaped and all(_ISO_DAY.fullmatch(r[0]) for r in body)):
        return "daily", {"date": 0, "reach": find_column(header, *IMPRESSIONS) or 2,
                         "engaged": find_column(header, *ENGAGEMENTS) or 3}
    return None


def detect_x(source: Source, sheet: str | None) -> Recognised | None:
    if source.kind != "csv":
        return None
    grid = source.first
    layout = _x_layout(grid)
    if layout is None:
        return None
    kind, col = layout
    title = "X/Twitter tweet activity" if kind == "tweets" else "X/Twitter daily activity"
    width = len(grid[0])
    items, unread = [], 0
    for r in grid[1:]:
        if not any(r):
            continue
        cells = _cells(r, width)
        day = parse_date(cells[col["date"]][:16].strip() if kind == "tweets"
                         else cells[col["date"]])
        if day is None:
            unread += 1
            continue
        items.append((day, number(cells[col["reach"]]), number(cells[col["engaged"]])))
    if not items:
        raise FormatBroken(f"'{source.name}' looks like an {title} export, but none of its rows "
                           "has a date cjmetrics can read. Download the export from X Analytics "
                           "again.")
    unit = "tweet" if kind == "tweets" else "day"
    description = f"{title} export: {plural(len(items), unit)}, {span([i[0] for i in items])}"
    if unread:
        description += f" ({plural(unread, 'row')} without a readable date left out)"
    fmt = X_TWEETS if kind == "tweets" else X_DAILY

    def build(answers: dict):
        return rows_frame(monthly_rows(items, X_CHANNEL, f"{title} export", answers,
                                       reach_note="impressions", unit=unit))

    return Recognised(fmt, description, [area_question()], build)


# -- Facebook / Instagram post exports --------------------------------------------------------
FB_DATE = ("Posted", "Publish time", "Created", "Date posted", "Created time")
FB_REACH = ("Lifetime Post Total Reach", "Reach", "Post reach", "Lifetime Post reach")
FB_ENGAGED = ("Lifetime Engaged Users", "Reactions, comments and shares", "Engagements",
              "Post engagements", "Lifetime Post Engaged Users")
# Instagram has no engagements column: likes, comments, shares and saves add up to it.
IG_PARTS = (("Likes",), ("Comments",), ("Shares",), ("Saves", "Saved"))


def detect_posts(source: Source, sheet: str | None) -> Recognised | None:
    for name, grid in source.sheets.items():
        if not grid or (sheet is not None and name != sheet):
            continue
        header = grid[0]
        if find_column(header, "Post ID") is None:
            continue
        col = {"date": find_column(header, *FB_DATE), "reach": find_column(header, *FB_REACH),
               "engaged": find_column(header, *FB_ENGAGED),
               "link": find_column(header, "Permalink", "Post link")}
        instagram = find_column(header, "Account username") is not None or any(
            "instagram.com" in _cells(r, len(header))[col["link"]] for r in grid[1:20]
            if col["link"] is not None)
        if col["reach"] is None and col["engaged"] is None:
            continue  # a list of posts without figures is not this export
        channel = "Instagram" if instagram else "Facebook"
        title = (f"{channel} post insights" if find_column(header, "Publish time") is not None
                 else "Facebook Page Insights post-level")
        if col["date"] is None:
            raise FormatBroken(f"'{source.name}' looks like a {title} export, but it has no "
                               "'Posted' or 'Publish time' column, so the posts cannot be "
                               "placed in months. Export it again with the post dates.")
        body = grid[1:]
        # Page Insights' second header row describes each metric ("Lifetime: The total ...").
        if body and not body[0][0] and any(c.startswith("Lifetime:") for c in body[0]):
            body = body[1:]
        width = len(header)
        parts = [find_column(header, *p) for p in IG_PARTS]
        order = guess_order([_cells(r, width)[col["date"]] for r in body[:200]])
        items = []
        for r in body:
            cells = _cells(r, width)
            day = parse_date(cells[col["date"]], order)
            if day is None:
                continue
            reach = number(cells[col["reach"]]) if col["reach"] is not None else None
            if col["engaged"] is not None:
                engaged = number(cells[col["engaged"]])
            elif any(p is not None for p in parts):
                engaged = sum(number(cells[p]) or 0 for p in parts if p is not None)
            else:
                engaged = None
            items.append((day, reach, engaged))
        if not items:
            raise FormatBroken(f"'{source.name}' looks like a {title} export, but no post has "
                               "a date cjmetrics can read. Export it again.")
        description = f"{title} export: {plural(len(items), 'post')}, " \
                      f"{span([i[0] for i in items])}"

        def build(answers: dict, items=items, channel=channel, title=title):
            return rows_frame(monthly_rows(
                items, f"channel:{channel}", f"{title} export", answers,
                reach_note="sum of each post's reach (a person reached by two posts counts "
                           "twice)", unit="post"))

        return Recognised(FACEBOOK_POSTS, description, [area_question()], build,
                          sheet=name or None, sheets=[s for s in source.sheets if s])
    return None


# -- Facebook Page Insights, page level (daily) ------------------------------------------------
def detect_page_level(source: Source, sheet: str | None) -> Recognised | None:
    """Page Insights 'Page data' export: a row per day, a second header row of descriptions."""
    for name, grid in source.sheets.items():
        if not grid or (sheet is not None and name != sheet):
            continue
        header = grid[0]
        day_col = find_column(header, "Date")
        reach = find_column(header, "Daily Total Reach", "Daily Page Reach")
        engaged = find_column(header, "Daily Page Engaged Users", "Daily Engaged Users")
        if day_col is None or reach is None:
            continue
        body = grid[1:]
        if body and not body[0][0] and any(c.startswith(("Daily:", "Lifetime:", "Weekly:"))
                                            for c in body[0]):
            body = body[1:]
        width = len(header)
        order = guess_order([_cells(r, width)[day_col] for r in body[:100]])
        items = []
        for r in body:
            cells = _cells(r, width)
            day = parse_date(cells[day_col], order)
            if day is not None:
                items.append((day, number(cells[reach]),
                              number(cells[engaged]) if engaged is not None else None))
        if not items:
            raise FormatBroken(f"'{source.name}' looks like a Facebook Page Insights page-level "
                               "export, but no row has a date cjmetrics can read.")
        description = (f"Facebook Page Insights page-level export: {plural(len(items), 'day')}, "
                       f"{span([i[0] for i in items])}")

        def build(answers: dict, items=items):
            return rows_frame(monthly_rows(
                items, "channel:Facebook", "Facebook Page Insights page-level export", answers,
                reach_note="sum of daily reach (a person reached on two days counts twice)",
                unit="day"))

        return Recognised(FACEBOOK_PAGE, description, [area_question()], build,
                          sheet=name or None)
    return None


# -- Facebook Ads Manager ----------------------------------------------------------------------
def detect_ads(source: Source, sheet: str | None) -> Recognised | None:
    for name, grid in source.sheets.items():
        if not grid or (sheet is not None and name != sheet):
            continue
        header = grid[0]
        start, end = find_column(header, "Reporting starts"), find_column(header, "Reporting ends")
        if start is None or end is None:
            continue
        reach = find_column(header, "Reach")
        engaged = find_column(header, "Post engagement", "Post engagements", "Engagements",
                              "Page engagement")
        if reach is None:
            raise FormatBroken(f"'{source.name}' looks like a Facebook Ads Manager export, but "
                               "it has no 'Reach' column. Add Reach to the report's columns "
                               "and export again.")
        items, long_rows = [], 0
        width = len(header)
        # With Breakdown > By time > Month, a "Month" column holds "2024-02-01 - 2024-02-29"
        # while the reporting dates span the whole report.
        month = find_column(header, "Month", "Week", "Day")
        for r in grid[1:]:
            cells = _cells(r, width)
            first, last = parse_date(cells[start], "dmy"), parse_date(cells[end], "dmy")
            if month is not None and " - " in cells[month]:
                first, last = (parse_date(part.strip(), "dmy")
                               for part in cells[month].split(" - ", 1))
            elif month is not None and parse_date(cells[month], "dmy"):
                first = last = parse_date(cells[month], "dmy")
            if first is None or last is None:
                continue
            if (first.year, first.month) != (last.year, last.month):
                long_rows += 1
                continue
            items.append((first, number(cells[reach]),
                          number(cells[engaged]) if engaged is not None else None))
        if not items:
            raise FormatBroken(
                f"'{source.name}' is a Facebook Ads Manager export whose rows each span more "
                "than one month, so its reach cannot be given per month. In Ads Manager choose "
                "Breakdown > By time > Month, then export again.")
        description = (f"Facebook Ads Manager export: {plural(len(items), 'ad row')}, "
                       f"{span([i[0] for i in items])}")
        if long_rows:
            description += f" ({plural(long_rows, 'row')} spanning several months left out)"

        def build(answers: dict, items=items):
            return rows_frame(monthly_rows(items, "channel:Facebook ads",
                                           "Facebook Ads Manager export", answers,
                                           reach_note="sum of the ads' reach", unit="ad row"))

        return Recognised(FACEBOOK_ADS, description, [area_question()], build,
                          sheet=name or None, sheets=[s for s in source.sheets if s])
    return None


# -- LinkedIn ----------------------------------------------------------------------------------
def _linkedin_metric(header: list[str], name: str) -> list[int]:
    """Columns of one metric: the total if there is one, else organic plus sponsored."""
    total = find_column(header, f"{name} (total)", name)
    if total is not None:
        return [total]
    return [i for i in (find_column(header, f"{name} (organic)"),
                        find_column(header, f"{name} (sponsored)")) if i is not None]


def detect_linkedin(source: Source, sheet: str | None) -> Recognised | None:
    if source.kind == "csv":
        return None
    for name, grid in source.sheets.items():
        if sheet is not None and name != sheet:
            continue
        # A note row sits above the header ("Aggregated metrics for all updates ...").
        for h in range(min(4, len(grid))):
            header = grid[h]
            if find_column(header, "Date") is None or not any(
                    norm(c).startswith("impressions") for c in header):
                continue
            if not any("(organic)" in c or "(sponsored)" in c for c in header):
                continue
            reach = _linkedin_metric(header, "Unique impressions") or \
                _linkedin_metric(header, "Impressions")
            engaged = [i for m in ("Clicks", "Reactions", "Comments", "Reposts", "Shares")
                       for i in _linkedin_metric(header, m)]
            date_col = find_column(header, "Date")
            width = len(header)
            body = grid[h + 1:]
            order = guess_order([_cells(r, width)[date_col] for r in body[:100]])
            items = []
            for r in body:
                cells = _cells(r, width)
                day = parse_date(cells[date_col], order)
                if day is None:
                    continue
                items.append((day, sum(number(cells[i]) or 0 for i in reach),
                              sum(number(cells[i]) or 0 for i in engaged) if engaged else None))
            if not items:
                raise FormatBroken(f"'{source.name}' looks like a LinkedIn page analytics "
                                   f"export, but sheet '{name}' has no row with a date. Export "
                                   "the content analytics again.")
            description = (f"LinkedIn page analytics (sheet '{name}'): "
                           f"{plural(len(items), 'day')}, {span([i[0] for i in items])}")

            def build(answers: dict, items=items):
                return rows_frame(monthly_rows(
                    items, "channel:LinkedIn", "LinkedIn page analytics export", answers,
                    reach_note="sum of daily unique impressions", unit="day"))

            return Recognised(LINKEDIN, description, [area_question()], build, sheet=name,
                              sheets=[name])
    if sheet is not None:
        other = detect_linkedin(source, None)
        if other is not None:
            raise FormatBroken(f"Sheet '{sheet}' of the LinkedIn page analytics export "
                               f"'{source.name}' has no daily metrics: choose the sheet "
                               f"'{other.sheet}'.")
    if any(norm(c).startswith("impressions") for g in source.sheets.values() for r in g[:4]
           for c in r) and any("linkedin" in norm(c) for g in source.sheets.values()
                               for r in g[:3] for c in r):
        raise FormatBroken(f"'{source.name}' looks like a LinkedIn page analytics export, but "
                           "no sheet has a 'Date' column with daily impressions. Upload the "
                           "content (updates) export, or choose its metrics sheet.")
    return None


X_TWEETS = ExportFormat("x_tweet_activity", "X/Twitter tweet activity", "Social media", detect_x)
X_DAILY = ExportFormat("x_daily_activity", "X/Twitter daily activity", "Social media",
                       lambda s, sh: None)  # detected together with tweet activity
FACEBOOK_POSTS = ExportFormat("facebook_posts",
                              "Facebook Page Insights post level / Meta Business Suite posts "
                              "(Facebook and Instagram)", "Social media", detect_posts)
FACEBOOK_PAGE = ExportFormat("facebook_page", "Facebook Page Insights page level (daily)",
                             "Social media", detect_page_level)
FACEBOOK_ADS = ExportFormat("facebook_ads", "Facebook Ads Manager", "Social media", detect_ads)
LINKEDIN = ExportFormat("linkedin", "LinkedIn page analytics (xls/xlsx)", "Social media",
                        detect_linkedin)
FORMATS = [X_TWEETS, X_DAILY, FACEBOOK_POSTS, FACEBOOK_PAGE, FACEBOOK_ADS, LINKEDIN]
