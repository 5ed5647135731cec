"""Writes the tool-export fixtures that reproduce each format's real layout and quirks (run from
this folder; the files are kept in git, so this documents how they were made, byte for byte).

Written for the project: the campaigns, posts, people and figures are invented; only the
layouts (headers, preambles, encodings, line endings, date and number styles, placeholders) are
the tools' own. Names are placeholders (Jane Doe, Example); addresses use example.org."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent


def write(name: str, text: str, *, encoding: str = "utf-8", newline: str = "\n",
          bom: bool = False) -> None:
    data = text.replace("\n", newline).encode(encoding)
    (HERE / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def quoted(rows: list[list[str]]) -> str:
    """Every field quoted, as X/Twitter Analytics writes them."""
    return "".join(",".join('"' + c.replace('"', '""') + '"' for c in r) + "\n" for r in rows)


# -- Mailchimp -----------------------------------------------------------------------------------
def mailchimp() -> None:
    # A campaign report re-saved through Excel by its owner: spaces in headers became '_',
    # M/D/YY H:MM send dates, rates as plain numbers (30.65), A/B test rows, n/a cells.
    write("mailchimp_excel_resaved.csv", """\
Title,Subject,List,Send_Date,Send_Weekday,Total_Recipients,Successful_Deliveries,Soft_Bounces,Hard_Bounces,Total_Bounces,Unique_Opens,Open_Rate,Total_Opens,Unique_Clicks,Click_Rate,Total_Clicks,Unsubscribes,Abuse_Complaints,Analytics_ROI,Campaign_Cost
"Spring bulletin, partners | Combo 1",Spring news,Partners,3/9/17 18:54,Thursday,60,60,0,0,0,18,30,22,2,3.33,2,0,0,n/a,n/a
"Spring bulletin, partners | Combo 2",Spring news!,Partners,3/9/17 18:54,Thursday,60,59,1,0,1,20,33.9,25,3,5.08,4,0,0,n/a,n/a
"Spring bulletin, partners | Winner",Spring news!,Partners,3/10/17 9:00,Friday,180,178,1,1,2,60,33.71,70,6,3.37,7,1,0,n/a,n/a
"Spring bulletin, partners",Spring news,Partners,3/9/17 18:54,Thursday,300,297,2,1,3,98,33,117,11,3.7,13,1,0,n/a,n/a
Volunteer update,Volunteers wanted,Partners,2/14/17 10:00,Tuesday,120,118,1,1,2,40,33.9,52,5,4.24,6,0,0,n/a,n/a
Board papers,Board papers,Board,2/28/17 16:30,Tuesday,15,15,0,0,0,12,80,20,4,26.67,5,0,0,n/a,n/a
""", newline="\r\n")
    # Re-saved in a UK Excel: send dates as 9-Mar-17, rates as fractions, no opens column.
    write("mailchimp_excel_day_month_words.csv", """\
Title,Subject,List,Send Date,Total Recipients,Successful Deliveries,Open Rate,Click Rate,Total Clicks
March bulletin,News,Partners,9-Mar-17,200,200,0.3065,0.05,10
Late March,Reminder,Partners,28-Mar-17,100,100,0.02,0,0
April bulletin,News,Partners,4-Apr-17,210,205,0.28,0.04,8
""", newline="\r\n")
    # The account export's campaigns.csv: campaigns and recipients, no opens or clicks.
    write("mailchimp_campaigns_recipients_only.csv", """\
Title,Subject,Audience,Send Date,Total Recipients
June newsletter,Our June news,Community Justice Partnership,"Jun 01, 2023 09:46 pm",412
July newsletter,Our July news,Community Justice Partnership,"Jul 03, 2023 09:00 am",420
Draft for August,Our August news,Community Justice Partnership,,
August newsletter,Our August news,Community Justice Partnership,"Aug 07, 2023 10:15 am",418
""")
    # Campaign statistics as the Mailchimp API (and tools built on it) write them: snake_case,
    # ISO send times with a zone, opens and clicks but no recipients.
    write("mailchimp_api_stats.csv", """\
id,campaign_title,subject_line,send_time,opens,unique_opens,clicks,subscriber_clicks
4f1a2b3c4d,June newsletter,June news,2023-06-01T21:46:00+00:00,412,230,55,40
5e6f7a8b9c,July newsletter,July news,2023-07-03T09:00:00+00:00,380,210,48,35
6a7b8c9d0e,July extra,Event reminder,2023-07-20T12:30:00+00:00,150,90,20,15
""")


# -- X/Twitter -----------------------------------------------------------------------------------
TWEET_HEADER = [
    "Tweet id", "Tweet permalink", "Tweet text", "time", "impressions", "engagements",
    "engagement rate", "retweets", "replies", "likes", "user profile clicks", "url clicks",
    "hashtag clicks", "detail expands", "permalink clicks", "app opens", "app installs",
    "follows", "email tweet", "dial phone", "media views", "media engagements",
    "promoted impressions", "promoted engagements", "promoted engagement rate",
    "promoted retweets", "promoted replies", "promoted likes", "promoted user profile clicks",
    "promoted url clicks", "promoted hashtag clicks", "promoted detail expands",
    "promoted permalink clicks", "promoted app opens", "promoted app installs",
    "promoted follows", "promoted email tweet", "promoted dial phone", "promoted media views",
    "promoted media engagements"]


def _tweet(ident: str, text: str, when: str, impressions: int, engagements: int) -> list[str]:
    counts = [f"{float(impressions)}", f"{float(engagements)}", repr(engagements / impressions)]
    rest = [f"{float(n)}" for n in (1, 0, 3, 1, 2, 0, 1, 0, 0, 0, 0, 0, 0, 0)]
    return [ident, f"https://twitter.com/cjpartnership/status/{ident}", text, when,
            *counts, *rest, *["-"] * 18]


def twitter() -> None:
    # Tweet activity: every field quoted, 19-digit ids, counts as 825.0, the engagement rate
    # as a fraction, '-' in the promoted columns, a newline inside a tweet's text.
    write("twitter_tweets_en.csv", quoted([
        TWEET_HEADER,
        _tweet("1388063576700000001", "Our open day is on Saturday: all welcome",
               "2021-04-30 09:32 +0000", 825, 30),
        _tweet("1387934728000000002", "Thank you to the volunteers who joined us",
               "2021-04-12 17:00 +0000", 410, 12),
        _tweet("1390000000000000003", "New report out today.\nRead it on our website",
               "2021-05-03 08:15 +0000", 600, 20)]))
    # Daily activity: ISO dates, integer counts, '-' in the promoted columns.
    header = ["Date", "Tweets published", "impressions", "engagements", "engagement rate",
              "retweets", "replies", "likes", "user profile clicks", "url clicks",
              "hashtag clicks", "detail expands", "permalink clicks", "app opens",
              "app installs", "follows", "email tweet", "dial phone", "media views",
              "media engagements", *TWEET_HEADER[22:]]
    days = [("2021-04-29", 2, 1000, 40), ("2021-04-30", 1, 700, 30), ("2021-05-01", 0, 500, 10)]
    write("twitter_daily_en.csv", quoted([header] + [
        [day, str(n), str(imp), str(eng), repr(eng / imp), "1", "0", "5", "2", "3", "0", "4",
         "0", "0", "0", "0", "0", "0", "1", "1", *["-"] * 18] for day, n, imp, eng in days]))


def x_analytics() -> None:
    # X analytics since 2024: the content export (account_analytics_content_*.csv) has a Post id
    # and a Post Link to x.com, dates as "Tue, Nov 26, 2024", no promoted columns, a reply row
    # X writes with neither id nor link; the overview (account_overview_analytics_*.csv) has one
    # row a day, newest first. The content file holds one post pasted twice by its owner.
    header = ["Post id", "Date", "Post text", "Post Link", "Impressions", "Likes", "Engagements",
              "Bookmarks", "Shares", "New follows", "Replies", "Reposts", "Profile visits",
              "Detail Expands", "URL Clicks", "Hashtag Clicks", "Permalink Clicks"]

    def post(ident: str, when: str, text: str, impressions: int, engagements: int) -> list[str]:
        link = f"https://x.com/cjpartnership/status/{ident}" if ident else ""
        return [ident, when, text, link, str(impressions), "3", str(engagements), "0", "0", "0",
                "1", "1", "2", "4", "1", "0", "0"]

    posts = [post("1861000000000000001", "Tue, Nov 26, 2024", "Our open day, all welcome", 1200,
                  40),
             post("1861000000000000002", "Fri, Nov 29, 2024", "Thank you, volunteers", 800, 25),
             post("", "Sat, Nov 30, 2024", "@neighbour thanks for coming", 50, 2),
             post("1865000000000000003", "Mon, Dec 2, 2024", "New report out today", 600, 20)]
    write("x_posts_content.csv", "".join(
        ",".join(f'"{c}"' if "," in c else c for c in row) + "\n"
        for row in [header, *posts, posts[1]]))
    header = ["Date", "Impressions", "Likes", "Engagements", "Bookmarks", "Shares", "New follows",
              "Unfollows", "Replies", "Reposts", "Profile visits", "Create Post", "Video views",
              "Media views"]
    days = [("Mon, Dec 2, 2024", 900, 30), ("Sun, Dec 1, 2024", 300, 10),
            ("Sat, Nov 30, 2024", 500, 15)]
    write("x_account_overview.csv", "".join(
        ",".join(f'"{c}"' if "," in c else c for c in row) + "\n"
        for row in [header] + [[day, str(imp), "5", str(eng), "0", "0", "1", "0", "1", "1", "3",
                                "1", "0", "0"] for day, imp, eng in days]))


# -- Facebook Page Insights, post level ----------------------------------------------------------
def facebook_posts() -> None:
    # A UTF-8 BOM straight before a quoted header, a second header row of metric descriptions,
    # 12-hour US dates.
    write("facebook_insights_posts.csv", """\
"Post ID",Permalink,"Post Message",Type,Countries,Languages,Posted,"Audience Targeting","Lifetime Post Total Reach","Lifetime Post organic reach","Lifetime Post Paid Reach","Lifetime Post Total Impressions","Lifetime Engaged Users","Lifetime Post Consumers"
,,,,,,,,"Lifetime: The total number of people your Page post was served to. (Unique Users)","Lifetime: The number of people who saw your Page post in News Feed or ticker, or on your Page's timeline. (Unique Users)","Lifetime: The number of people your advertised Page post was served to. (Unique Users)","Lifetime: The number of impressions of your Page post. (Total Count)","Lifetime: The number of unique people who engaged in certain ways with your Page post, for example by commenting on, liking, sharing, or clicking upon particular elements of the post. (Unique Users)","Lifetime: The number of people who clicked anywhere in your post. (Unique Users)"
111000_222001,https://www.facebook.com/cjpartnership/posts/222001,"Come along to our open day, all welcome",Link,,,01/19/2017 09:03:47 AM, ,350,350,0,600,25,12
111000_222002,https://www.facebook.com/cjpartnership/posts/222002,Thank you to our volunteers,Photo,,,01/31/2017 05:40:00 PM, ,150,140,10,210,15,6
111000_222003,https://www.facebook.com/cjpartnership/posts/222003,February update,Status,,,02/02/2017 12:00:00 PM, ,90,90,0,120,5,1
""", bom=True, newline="\r\n")


# -- Eventbrite ----------------------------------------------------------------------------------
def eventbrite() -> None:
    # The attendee report: M/D/YY order dates, custom registration questions as extra columns,
    # placeholder names, no event name or date (one report per event).
    write("eventbrite_us_custom_questions.csv", """\
Order #,Order Date,First Name,Last Name,Email,Quantity,Price Tier,Ticket Type,Attendee #,Group,Order Type,Currency,Total Paid,Fees Paid,Eventbrite Fees,Eventbrite Payment Processing,Attendee Status,Home Address 1,Home City,Home Zip,How did you hear about this event?,Which organisation are you from?,Do you have any access needs?
11200000001,11/29/24 22:28,Jane,Doe,jane.doe@example.org,1,,General Admission,18400000001,,Free Order,GBP,0,0,0,0,Attending,,,,Newsletter,Third sector,
11200000002,11/29/24 22:54,John,Doe,john.doe@example.org,1,,General Admission,18400000002,,Free Order,GBP,0,0,0,0,Attending,,,,"Word of mouth, a colleague",Police Scotland,Step-free access
11200000003,12/2/24 6:24,Joe,Bloggs,joe.bloggs@example.org,1,,General Admission,18400000003,,Free Order,GBP,0,0,0,0,Not Attending,,,,X/Twitter,,
11200000004,12/3/24 9:10,Ann,Example,ann@example.org,1,,General Admission,18400000004,,Free Order,GBP,0,0,0,0,Attending,,,,Newsletter,NHS,
""")


# -- Google Analytics (Universal Analytics) -------------------------------------------------------
def universal_analytics() -> None:
    # The '# ----' preamble, a blank line, M/D/YY days, a totals row with an empty first field.
    days = [(d, 60 + (d * 7) % 50) for d in range(1, 32)]
    total = sum(v for _, v in days)
    body = "".join(f"1/{d}/19,{v}\n" for d, v in days)
    write("ua_users_by_day.csv", f"""\
# ----------------------------------------
# All Web Site Data
# Audience Overview
# 20190101-20190131
# ----------------------------------------

Day Index,Users
{body},"{total:,}"
""")


# -- statistics.gov.scot --------------------------------------------------------------------------
def statistics_gov_scot() -> None:
    # A cube download re-written by R: financial years 2015/2016, one row per measure.
    write("statsgov_cube_financial_years.csv", """\
FeatureCode,FeatureName,FeatureType,DateCode,Measurement,Units,Value,Crime or Offence
S12000049,Glasgow City,Council Area,2015/2016,Count,Crimes Or Offences Recorded,50210,All Crimes
S12000049,Glasgow City,Council Area,2015/2016,Ratio,Crimes Or Offences Recorded,84,All Crimes
S12000049,Glasgow City,Council Area,2016/2017,Count,Crimes Or Offences Recorded,48900,All Crimes
S12000049,Glasgow City,Council Area,2016/2017,Ratio,Crimes Or Offences Recorded,81,All Crimes
S12000049,Glasgow City,Council Area,2016/2017,Count,Crimes Or Offences Recorded,1200,Group 8: Dangerous and careless driving
""")
    # The layout statistics.gov.scot takes for uploads: GeographyCode, DateCode, Measurement,
    # Units, Value and one Variable column; '*' and 'N/A' for figures not given; codes of
    # geographies cjmetrics does not hold (a data zone, a health board).
    write("statsgov_upload_layout.csv", """\
GeographyCode,DateCode,Measurement,Units,Value,Variable
S12000049,2022,Count,People,1520,Community payback orders commenced
S12000049,2023,Count,People,1610,Community payback orders commenced
S12000036,2022,Count,People,*,Community payback orders commenced
S12000036,2023,Count,People,N/A,Community payback orders commenced
S01010206,2023,Count,People,12,Community payback orders commenced
S08000031,2023,Count,People,2400,Community payback orders commenced
S12000049,2023,Percent,Percent Of Orders,71.5,Orders completed successfully
""", newline="\r\n")
    # A table download whose reference period is fixed in the preamble: its columns are
    # measures, not periods.
    write("statsgov_table_reference_period.csv", """\
"Dataset","Recorded Crime"
"Reference Period","2018"
"Crime or Offence","All Crimes"
"Reference Area","","Count","Ratio"
"http://statistics.gov.scot/id/statistical-geography/S12000049","Glasgow City","49000","78"
"http://statistics.gov.scot/id/statistical-geography/S12000036","City of Edinburgh","31000","59"
"http://statistics.gov.scot/id/statistical-geography/S92000003","Scotland","244000","45"
""")


# -- Survey tools ---------------------------------------------------------------------------------
def surveys() -> None:
    # SurveyMonkey expanded export, older naming: two header rows (question text with blank
    # continuation cells, then 'Response' or the option), CR-only line endings, Windows-1252
    # bytes (é, ’), quoted income bands with commas.
    write("surveymonkey_expanded_cp1252_cr.csv", """\
RespondentID,CollectorID,StartDate,EndDate,IP Address,Email Address,First Name,LastName,Custom Data,How safe do you feel in your area?,Which services have you used? Please select all that apply.,,,What is your household income?,Anything else you’d like to tell us?
,,,,,,,,,Response,Housing,Health,Employability,Response,Open-Ended Response
4100000001,90001,03/03/2020 10:00,03/03/2020 10:10,203.0.113.10,,,,,Very safe,Housing,,Employability,"£10,000 - £19,999",Le café is a good place to meet
4100000002,90001,03/04/2020 11:00,03/04/2020 11:12,203.0.113.11,,,,,Fairly safe,,Health,,"£20,000 - £29,999",
4100000003,90001,03/05/2020 12:00,03/05/2020 12:09,203.0.113.12,,,,,Not very safe,Housing,Health,,"£0 - £9,999",Staff were kind
""", encoding="cp1252", newline="\r")
    # SurveyMonkey condensed export: one header row, a question whose "Other (please specify)"
    # and comment boxes are sub-columns (blank header, or the box's own name).
    write("surveymonkey_condensed_other.csv", """\
Respondent ID,Collector ID,Start Date,End Date,How did you hear about the partnership?,,How would you rate the event?,Other (please specify),Any other comments?
5500001,42,5/1/2019 14:00,5/1/2019 14:05,Newsletter,,Good,,Thanks
5500002,42,5/1/2019 15:00,5/1/2019 15:04,Other (please specify),A colleague at work,Very good,,
5500003,42,5/2/2019 09:00,5/2/2019 09:07,Website,,Other (please specify),Could not hear the speakers,
""", newline="\r\n")
    # Google Forms, downloaded from the Sheet as CSV: M/D/YYYY H:MM:SS timestamps without a
    # time zone, CRLF records with a bare LF inside a quoted answer, emoji.
    write("google_forms_crlf_emoji.csv",
          "Timestamp,How confident are you that community sentences work?,What would help?\r\n"
          "1/15/2025 21:53:05,Very confident,\"More support with housing\nand with work\"\r\n"
          "1/16/2025 8:02:44,Fairly confident,Peer mentors 👍\r\n"
          "2/3/2025 13:30:00,Not very confident,\r\n")


# -- X Ads (xlsx with inline strings) ---------------------------------------------------------------
def _col(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        name = chr(65 + rest) + name
    return name


def inline_xlsx(name: str, sheet: str, rows: list[list]) -> None:
    """An xlsx as X Ads writes it: every text cell an inline string, no shared strings, the
    used range declared as A1."""
    def cell(ref, value):
        if isinstance(value, (int, float)):
            return f'<c r="{ref}"><v>{value}</v></c>'
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    data = "".join(f'<row r="{r + 1}">' + "".join(cell(f"{_col(c)}{r + 1}", v)
                                                    for c, v in enumerate(row) if v is not None)
                   + "</row>" for r, row in enumerate(rows))
    ns = "http://schemas.openxmlformats.org"
    parts = {
        "[Content_Types].xml":
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            f'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            f'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            f'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels":
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
            f'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml":
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/'
            f'main" xmlns:r="{ns}/officeDocument/2006/relationships"><sheets><sheet '
            f'name="{escape(sheet)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels":
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{ns}/officeDocument/2006/'
            f'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml":
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}/spreadsheetml/2006/'
            f'main"><dimension ref="A1"/><sheetData>{data}</sheetData></worksheet>',
    }
    with zipfile.ZipFile(HERE / name, "w", zipfile.ZIP_DEFLATED) as z:
        for part, text in parts.items():
            z.writestr(part, text)


def x_ads() -> None:
    # X Ads campaign export: a text "Time period", '-' where a campaign has no figure, numbers
    # as text.
    header = ["Time period", "Campaign name", "Campaign ID", "Campaign Status", "Funding source",
              "Campaign start date", "Campaign end date", "Campaign objective", "Currency",
              "Spend", "Impressions", "Engagements", "Engagement rate", "Results",
              "Result type", "Cost per result", "Clicks", "Link clicks", "Retweets", "Likes"]
    inline_xlsx("x_ads_campaigns.xlsx", "Campaigns", [
        header,
        ["Mar 01, 2024 - Mar 31, 2024", "Open day", "abc12", "Completed", "Card", "Mar 01, 2024",
         "Mar 20, 2024", "Engagements", "GBP", "40.00", "12000", "310", "2.58%", "310",
         "Engagements", "0.13", "95", "60", "12", "140"],
        ["Mar 01, 2024 - Mar 31, 2024", "Recovery walk", "abc13", "Completed", "Card",
         "Mar 10, 2024", "Mar 31, 2024", "Reach", "GBP", "15.00", "5000", "-", "-", "5000",
         "Impressions", "0.003", "-", "-", "-", "-"],
        ["Mar 01, 2024 - Mar 31, 2024", "Draft", "abc14", "Draft", "Card", "-", "-",
         "Engagements", "GBP", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-"],
    ])


def template_inline() -> None:
    # A filled-in template saved by a tool that writes inline strings and declares A1 as the
    # used range (as X Ads does): read-only openpyxl must not stop at the first cell.
    inline_xlsx("template_inline_strings.xlsx", "Figures", [
        ["indicator", "area", "period", "value"],
        ["ndo1_diversion_completed", "Glasgow City", "2031/32", 41],
        ["ndo1_diversion_completed", "Glasgow City", "2032/33", 43],
    ])


if __name__ == "__main__":
    mailchimp()
    twitter()
    x_analytics()
    facebook_posts()
    eventbrite()
    universal_analytics()
    statistics_gov_scot()
    surveys()
    x_ads()
    template_inline()
