"""Social media exports: X/Twitter Analytics (tweet and daily activity, in any interface
language), Facebook Page Insights post level, Meta Business Suite post exports (Facebook and
Instagram), Facebook Ads Manager, X Ads campaign exports, and LinkedIn page analytics (content
export). Figures are summed per month onto eng_social_reach and eng_social_engagements with a
channel breakdown; each figure keeps the Excel row of the first record it sums."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

from .base import (
    ExportFormat,
    ExportIncomplete,
    Grid,
    Recognised,
    Source,
    area_question,
    distinct_records,
    find_column,
    guess_order,
    is_template_header,
    month_label,
    norm,
    number,
    parse_date,
    plural,
    rows_frame,
    span,
)

X_CHANNEL = "channel:X/Twitter"  # the label the demo and catalogue use


def monthly_rows(items: list[tuple[date, float | None, float | None, int]], channel: str,
                 source: str, answers: dict, *, reach_note: str, unit: str) -> list[dict]:
    """One reach and one engagements row per month (a month with no figure gets no row). An
    item is (day, reach, engagements, the Excel row number of its record)."""
    months: dict = defaultdict(lambda: [0.0, 0.0, 0, False, False, None, None, None])
    for day, reach, engaged, row in items:
        m = months[(day.year, day.month)]
        m[0] += reach or 0
        m[1] += engaged or 0
        m[2] += 1
        m[3] |= reach is not None
        m[4] |= engaged is not None
        m[5] = min(m[5] or day, day)
        m[6] = max(m[6] or day, day)
        m[7] = min(m[7] or row, row)
    rows = []
    for (year, month), (reach, engaged, n, has_reach, has_engaged, first, last, first_row) in \
            sorted(months.items()):
        note = f"{plural(n, unit)}, {first:%-d %b} to {last:%-d %b %Y}"
        base = {"area": answers["area"], "period": month_label(date(year, month, 1)),
                "breakdown": channel, "source": source, "source_row": first_row}
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
# X analytics since 2024 exports posts (account_analytics_content) and days
# (account_overview_analytics) under new names, dates as "Tue, Nov 26, 2024" and no promoted
# columns; its overview is told from other tools' daily tables by X's own metrics.
POST_ID = ("Post id",)
POST_LINK = ("Post Link",)
_X_OVERVIEW_ONLY = {"bookmarks", "create post", "new follows", "unfollows", "reposts",
                    "profile visits"}


def _x_post_links(header: list[str], body: Grid) -> bool:
    """The newer content export: a Post id column and a Post Link to an X status on every row
    that has one (Facebook's own exports also have a 'Post ID')."""
    post, link = find_column(header, *POST_ID), find_column(header, *POST_LINK)
    if post is None or link is None:
        return False
    links = [_cells(r, link + 1)[link] for r in body]
    return bool(links) and all(_STATUS_URL.match(u) for u in links if u) and any(links)


def _x_overview(header: list[str]) -> bool:
    return find_column(header, *DATE) is not None and \
        find_column(header, *IMPRESSIONS) is not None and \
        sum(norm(h) in _X_OVERVIEW_ONLY for h in header) >= 2


def _x_layout(grid: Grid) -> tuple[str, dict] | None:
    """('tweets'|'daily'|'posts'|'overview', column indexes) from the header names, or from
    positions when the data has the export's tell-tale shape."""
    if not grid:
        return None
    header, body = grid[0], [r for r in grid[1:] if any(r)][:50]
    if not body:
        if find_column(header, *TWEET_ID) is not None and find_column(header, *PERMALINK) \
                is not None or find_column(header, *DATE) is not None and \
                find_column(header, *PUBLISHED) is not None or \
                find_column(header, *POST_ID) is not None and \
                find_column(header, *POST_LINK) is not None and \
                find_column(header, *IMPRESSIONS) is not None or _x_overview(header):
            raise ExportIncomplete("This X/Twitter Analytics export has its header row but no rows "
                               "of figures: the file looks cut short. Download it again.")
        return None
    named = {"date": find_column(header, *DATE), "reach": find_column(header, *IMPRESSIONS),
             "engaged": find_column(header, *ENGAGEMENTS)}
    if named["date"] is not None and named["reach"] is not None:
        if _x_post_links(header, body):
            return "posts", named
        if _x_overview(header) and find_column(header, *PUBLISHED) is None:
            return "overview", named
    promoted = sum(1 for h in header if norm(h).startswith(("promoted", "promocionad",
                                                           "promovid", "sponsoris",
                                                           "beworben", "gesponsert")))
    ident, link = find_column(header, *TWEET_ID), find_column(header, *PERMALINK)
    if len(header) >= 20 and (ident is not None and link is not None
                              or all(_STATUS_URL.match(_cells(r, 2)[1]) for r in body)):
        return "tweets", {"date": find_column(header, *TIME) or 3,
                          "reach": find_column(header, *IMPRESSIONS) or 4,
                          "engaged": find_column(header, *ENGAGEMENTS) or 5}
    # By name the columns may stand in any order (moved about in Excel); by position only in
    # the export's own.
    by_name = named["date"] is not None and find_column(header, *PUBLISHED) is not None
    shaped = len(header) >= 30 and promoted >= 10 or len(header) in (38, 40) and all(
        _ISO_DAY.fullmatch(r[0]) and number(_cells(r, 4)[2]) is not None for r in body)
    if by_name and len(header) >= 4:
        return "daily", {"date": named["date"], "reach": _or(named["reach"], 2),
                         "engaged": _or(named["engaged"], 3)}
    if shaped and all(_ISO_DAY.fullmatch(r[0]) for r in body):
        return "daily", {"date": 0, "reach": _or(named["reach"], 2),
                         "engaged": _or(named["engaged"], 3)}
    return None


def _or(index: int | None, position: int) -> int:
    return position if index is None else index


def detect_x(source: Source, sheet: str | None) -> Recognised | None:
    if source.kind != "csv":
        return None
    grid = source.first
    layout = _x_layout(grid)
    if layout is None:
        return None
    kind, col = layout
    title = _X_TITLES[kind]
    width = len(grid[0])
    records, repeated = distinct_records(
        [(row, _cells(r, width)) for row, r in enumerate(grid[1:], start=2) if any(r)])
    # X writes ISO dates; slash dates come from a re-save in Excel, day first in Scotland.
    order = guess_order([cells[col["date"]] for _, cells in records], default="dmy")
    items, unread = [], 0
    for row, cells in records:
        written = cells[col["date"]].strip()
        # tweet times carry a zone in the interface's language ("+0000", "GMT"): the first 16
        # characters hold the date and time
        day = parse_date(written, order) or (parse_date(written[:16].strip(), order)
                                             if kind == "tweets" else None)
        if day is None:
            unread += 1
            continue
        engaged = number(cells[col["engaged"]]) if col["engaged"] is not None else None
        items.append((day, number(cells[col["reach"]]), engaged, row))
    if not items:
        raise ExportIncomplete(
            f"'{source.name}' looks like an {title} export, but none of its rows "
            "has a date cjmetrics can read. Download the export from X Analytics "
            "again.")
    unit = {"tweets": "tweet", "posts": "post"}.get(kind, "day")
    description = f"{title} export: {plural(len(items), unit)}, {span([i[0] for i in items])}"
    if unread:
        description += f" ({plural(unread, 'row')} without a readable date left out)"
    fmt = X_TWEETS if kind in ("tweets", "posts") else X_DAILY

    def build(answers: dict):
        return rows_frame(monthly_rows(items, X_CHANNEL, f"{title} export", answers,
                                       reach_note="impressions", unit=unit))

    return Recognised(fmt, description, [area_question()], build,
                      notes=[repeated] if repeated else [])


_X_TITLES = {"tweets": "X/Twitter tweet activity", "daily": "X/Twitter daily activity",
             "posts": "X/Twitter post analytics",
             "overview": "X/Twitter account overview"}


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
        if find_column(header, "Post ID") is None or is_template_header(header) or \
                _x_post_links(header, [r for r in grid[1:] if any(r)][:50]):
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
            raise ExportIncomplete(f"'{source.name}' looks like a {title} export, but it has no "
                               "'Posted' or 'Publish time' column, so the posts cannot be "
                               "placed in months. Export it again with the post dates.")
        body = list(enumerate(grid[1:], start=2))
        # Page Insights' second header row describes each metric ("Lifetime: The total ...").
        if body and body[0][1] and not body[0][1][0] and \
                any(c.startswith("Lifetime:") for c in body[0][1]):
            body = body[1:]
        width = len(header)
        parts = [find_column(header, *p) for p in IG_PARTS]
        order = guess_order([_cells(r, width)[col["date"]] for _, r in body[:200]])
        items = []
        for row, r in body:
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
            items.append((day, reach, engaged, row))
        if not items:
            raise ExportIncomplete(f"'{source.name}' looks like a {title} export, but no post has "
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
        body = list(enumerate(grid[1:], start=2))
        if body and body[0][1] and not body[0][1][0] and \
                any(c.startswith(("Daily:", "Lifetime:", "Weekly:")) for c in body[0][1]):
            body = body[1:]
        width = len(header)
        order = guess_order([_cells(r, width)[day_col] for _, r in body[:100]])
        items = []
        for row, r in body:
            cells = _cells(r, width)
            day = parse_date(cells[day_col], order)
            if day is not None:
                items.append((day, number(cells[reach]),
                              number(cells[engaged]) if engaged is not None else None, row))
        if not items:
            raise ExportIncomplete(
            f"'{source.name}' looks like a Facebook Page Insights page-level "
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
        if reach is None and engaged is None:
            raise ExportIncomplete(f"'{source.name}' looks like a Facebook Ads Manager export, but "
                               "it has neither a 'Reach' nor a 'Post engagement' column, so it "
                               "holds no figure cjmetrics tracks. Add Reach and Post engagement "
                               "to the report's columns and export again.")
        items, long_rows = [], 0
        width = len(header)
        # With Breakdown > By time > Month, a "Month" column holds "2024-02-01 - 2024-02-29"
        # while the reporting dates span the whole report.
        month = find_column(header, "Month", "Week", "Day")
        for row, r in enumerate(grid[1:], start=2):
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
            items.append((first, number(cells[reach]) if reach is not None else None,
                          number(cells[engaged]) if engaged is not None else None, row))
        if not items:
            raise ExportIncomplete(
                f"'{source.name}' is a Facebook Ads Manager export whose rows each span more "
                "than one month, so its figures cannot be given per month. In Ads Manager "
                "choose Breakdown > By time > Month, then export again.")
        description = (f"Facebook Ads Manager export: {plural(len(items), 'ad row')}, "
                       f"{span([i[0] for i in items])}")
        if long_rows:
            description += f" ({plural(long_rows, 'row')} spanning several months left out)"
        notes = []
        if reach is None:
            notes.append("The export has no 'Reach' column, so no reach is imported: its post "
                         "engagements are. To import reach too, add Reach to the report's "
                         "columns in Ads Manager and export again.")
        if engaged is None:
            notes.append("The export has no 'Post engagement' column, so no engagements are "
                         "imported: its reach is.")

        def build(answers: dict, items=items):
            return rows_frame(monthly_rows(items, "channel:Facebook ads",
                                           "Facebook Ads Manager export", answers,
                                           reach_note="sum of the ads' reach", unit="ad row"))

        return Recognised(FACEBOOK_ADS, description, [area_question()], build,
                          sheet=name or None, sheets=[s for s in source.sheets if s],
                          notes=notes)
    return None


# -- X Ads (Twitter Ads) campaign export ---------------------------------------------------------
X_ADS_PERIOD = ("Time period", "Time Period")
X_ADS_CAMPAIGN = ("Campaign name", "Campaign Name", "Ad group name", "Ad name", "Tweet text")


def _time_period(text: str) -> tuple[date, date] | None:
    """'Mar 01, 2024 - Mar 31, 2024', '03/01/2024 - 03/31/2024' or '2024-03-01 to 2024-03-31'."""
    parts = re.split(r"\s+(?:-|–|to)\s+", str(text or "").strip(), maxsplit=1)
    if len(parts) != 2:
        day = parse_date(parts[0]) if parts and parts[0] else None
        return (day, day) if day else None
    first, last = parse_date(parts[0]), parse_date(parts[1])
    return (first, last) if first and last else None


def detect_x_ads(source: Source, sheet: str | None) -> Recognised | None:
    for name, grid in source.sheets.items():
        if not grid or (sheet is not None and name != sheet):
            continue
        header = grid[0]
        period = find_column(header, *X_ADS_PERIOD)
        if period is None or find_column(header, *X_ADS_CAMPAIGN) is None:
            continue
        impressions = find_column(header, "Impressions")
        engaged = find_column(header, "Engagements")
        if impressions is None and engaged is None:
            raise ExportIncomplete(
                f"'{source.name}' looks like an X Ads campaign export, but it has "
                               "no 'Impressions' or 'Engagements' column. Export the campaigns "
                               "again with the Engagement metrics.")
        width = len(header)
        items, long_rows = [], 0
        for row, r in enumerate(grid[1:], start=2):
            cells = _cells(r, width)
            when = _time_period(cells[period])
            if when is None:
                continue
            reach = number(cells[impressions]) if impressions is not None else None
            engagements = number(cells[engaged]) if engaged is not None else None
            if reach is None and engagements is None:
                continue  # a campaign that did not run ('-' throughout)
            if (when[0].year, when[0].month) != (when[1].year, when[1].month):
                long_rows += 1
                continue
            items.append((when[0], reach, engagements, row))
        if not items and long_rows:
            raise ExportIncomplete(
                f"'{source.name}' is an X Ads campaign export whose time period spans more than "
                "one month, so its figures cannot be given per month. In X Ads Manager choose a "
                "one-month date range (or a monthly breakdown) and export again.")
        if not items:
            raise ExportIncomplete(f"'{source.name}' is an X Ads campaign export, but no campaign "
                               "in it has figures (every cell is '-'). Check the date range "
                               "and export again.")
        description = (f"X Ads campaign export: {plural(len(items), 'campaign row')}, "
                       f"{span([i[0] for i in items])}")
        if long_rows:
            description += f" ({plural(long_rows, 'row')} spanning several months left out)"

        def build(answers: dict, items=items):
            return rows_frame(monthly_rows(items, "channel:X/Twitter ads", "X Ads campaign export",
                                           answers, reach_note="impressions of the campaigns",
                                           unit="campaign row"))

        return Recognised(X_ADS, description, [area_question()], build, sheet=name or None,
                          sheets=[s for s in source.sheets if s])
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
            body = list(enumerate(grid[h + 1:], start=h + 2))
            order = guess_order([_cells(r, width)[date_col] for _, r in body[:100]])
            items = []
            for row, r in body:
                cells = _cells(r, width)
                day = parse_date(cells[date_col], order)
                if day is None:
                    continue
                items.append((day, sum(number(cells[i]) or 0 for i in reach),
                              sum(number(cells[i]) or 0 for i in engaged) if engaged else None,
                              row))
            if not items:
                raise ExportIncomplete(f"'{source.name}' looks like a LinkedIn page analytics "
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
            raise ExportIncomplete(f"Sheet '{sheet}' of the LinkedIn page analytics export "
                               f"'{source.name}' has no daily metrics: choose the sheet "
                               f"'{other.sheet}'.")
    if any(norm(c).startswith("impressions") for g in source.sheets.values() for r in g[:4]
           for c in r) and any("linkedin" in norm(c) for g in source.sheets.values()
                               for r in g[:3] for c in r):
        raise ExportIncomplete(f"'{source.name}' looks like a LinkedIn page analytics export, but "
                           "no sheet has a 'Date' column with daily impressions. Upload the "
                           "content (updates) export, or choose its metrics sheet.")
    return None


# X's exports since 2024 (post analytics, account overview) are read as the older two.
X_TWEETS = ExportFormat("x_tweet_activity", "X/Twitter tweet activity, or post analytics (since "
                        "2024)", "Social media", detect_x, short="X/Twitter tweet activity")
X_DAILY = ExportFormat("x_daily_activity", "X/Twitter daily activity, or account overview "
                       "(since 2024)", "Social media",
                       lambda s, sh: None,  # detected together with tweet activity
                       short="X/Twitter daily activity")
FACEBOOK_POSTS = ExportFormat("facebook_posts",
                              "Facebook Page Insights post level / Meta Business Suite posts "
                              "(Facebook and Instagram)", "Social media", detect_posts,
                              short="Facebook/Instagram posts")
FACEBOOK_PAGE = ExportFormat("facebook_page", "Facebook Page Insights page level (daily)",
                             "Social media", detect_page_level, short="Facebook page (daily)")
FACEBOOK_ADS = ExportFormat("facebook_ads", "Facebook Ads Manager", "Social media", detect_ads)
X_ADS = ExportFormat("x_ads", "X Ads (Twitter Ads) campaign export (xlsx/csv)", "Social media",
                     detect_x_ads, short="X Ads campaigns")
LINKEDIN = ExportFormat("linkedin", "LinkedIn page analytics (xls/xlsx)", "Social media",
                        detect_linkedin, short="LinkedIn page analytics")
FORMATS = [X_TWEETS, X_DAILY, FACEBOOK_POSTS, FACEBOOK_PAGE, FACEBOOK_ADS, X_ADS, LINKEDIN]
