"""Writes the .xlsx fixtures of tests/data/formats/ (run from this folder; the files are kept
in git, so this only documents how they were made)."""

from datetime import datetime

from openpyxl import Workbook


def linkedin() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Metrics"
    sheet.append(["Aggregated metrics for all updates posted by the page. Data for sponsored "
                  "updates may differ from Campaign Manager."])
    sheet.append(["Date", "Impressions (organic)", "Impressions (sponsored)",
                  "Impressions (total)", "Unique impressions (organic)", "Clicks (organic)",
                  "Clicks (sponsored)", "Clicks (total)", "Reactions (organic)",
                  "Reactions (sponsored)", "Reactions (total)", "Comments (organic)",
                  "Comments (sponsored)", "Comments (total)", "Reposts (organic)",
                  "Reposts (sponsored)", "Reposts (total)", "Engagement rate (organic)"])
    sheet.append(["05/30/2024", 300, 0, 300, 200, 10, 0, 10, 8, 0, 8, 1, 0, 1, 1, 0, 1, 0.066])
    sheet.append(["05/31/2024", 200, 0, 200, 150, 5, 0, 5, 4, 0, 4, 0, 0, 0, 0, 0, 0, 0.045])
    sheet.append(["06/01/2024", 500, 100, 600, 400, 20, 5, 25, 10, 2, 12, 2, 0, 2, 1, 0, 1, 0.066])
    posts = book.create_sheet("All posts")
    posts.append(["All posts published by the page."])
    posts.append(["Post title", "Post link", "Posted by", "Created date", "Impressions"])
    posts.append(["Open day", "https://www.linkedin.com/feed/update/urn:li:activity:1/",
                  "Page admin", "05/30/2024", 300])
    book.save("linkedin_content.xlsx")


def accessible() -> None:
    book = Workbook()
    cover = book.active
    cover.title = "Cover"
    cover.append(["Scottish Crime and Justice Survey 2023/24: annex tables"])
    cover.append(["This spreadsheet contains the annex tables."])
    contents = book.create_sheet("Contents")
    contents.append(["Table of contents"])
    contents.append(["Worksheet", "Title"])
    contents.append(["Table_A1", "Confidence in the police"])
    notes = book.create_sheet("Notes")
    notes.append(["Notes"])
    notes.append(["Note number", "Note text"])
    notes.append(["[note 1]", "Proportions are fractions of adults."])
    table = book.create_sheet("Table_A1")
    table.append(["Table A1: Perceptions of the local crime rate and feeling safe [note 1]"])
    table.append(["This worksheet contains one table. Some cells refer to notes which can be "
                  "found in the notes worksheet."])
    table.append(["Shorthand: [x] not available, [z] not applicable, [c] confidential, "
                  "[ns] not significant."])
    table.append(["Source: Scottish Crime and Justice Survey"])
    table.append(["Measure", "2008/09", "2009/10", "2010/11", "2021/22", "2023/24 [note 2]"])
    table.append(["Feel very or fairly safe walking alone after dark [note 3]", 0.66, 0.67,
                  "[x]", 0.77, 0.78])
    table.append(["Crime rate stayed the same or reduced", 0.64, "[z]", 0.7, 0.76, "[c]"])
    table.append(["Unweighted base", 16000, 13010, 13250, 5516, "[ns]"])
    book.save("scotgov_accessible.xlsx")


def older() -> None:
    book = Workbook()
    index = book.active
    index.title = "Index"
    index.append(["Table 1 - Community payback orders"])
    table = book.create_sheet("Table 3")
    table.append(["Return to Index"])
    table.append(["Table 3: Community payback orders by local authority, 2016-17 to 2018-19 "
                  "cohorts1,2"])
    table.append([])
    table.append(["Local authority", "Orders imposed", "Completion rate3"])
    table.append(["West of Scotland"])
    table.append(["Glasgow City", 2500, 71.2])
    table.append(["Inverclyde", "*", "**"])
    table.append(["East"])
    table.append(["City of Edinburgh", 1800, "-"])
    table.append([])
    table.append(["1. Local authority of the court."])
    table.append(["* Fewer than 5 orders."])
    by_year = book.create_sheet("Table 4")
    by_year.append(["Table 4: Community payback orders, by gender: 2016-17 to 2018-19 cohorts1"])
    by_year.append([])
    by_year.append(["Gender", "Orders imposed", "Completion rate"])
    by_year.append(["Men"])
    by_year.append(["2016-17", 10000, 70.1])
    by_year.append(["2017-18", 9800, "-"])
    by_year.append(["Women"])
    by_year.append(["2016-17", 2000, 72.3])
    by_year.append(["2017-18", "*", 73.0])
    book.save("scotgov_older_layout.xlsx")


def google_forms_serial() -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Form responses 1"
    sheet.append(["Timestamp", "Email address", "How satisfied are you with the service?",
                  "Any comments?"])
    sheet.append([45383.4375, "a@example.org", "Very satisfied", "Great"])
    sheet.append([datetime(2024, 4, 2, 9, 30), "b@example.org", "Satisfied", ""])
    book.save("google_forms_serial.xlsx")


def accessible_estimates() -> None:
    """The accessible layout with several tables (a sheet each) and confidence intervals: rows
    of lower and upper estimates under their best estimate, and columns of them."""
    book = Workbook()
    cover = book.active
    cover.title = "Cover"
    cover.append(["Scottish Crime and Justice Survey 2021/22 and 2023/24: annex tables"])
    contents = book.create_sheet("Contents")
    contents.append(["Table of contents"])
    contents.append(["Worksheet", "Title"])
    contents.append(["Table_1", "Confidence in the justice system"])
    contents.append(["Table_2", "Victimisation by age"])
    table = book.create_sheet("Table_1")
    table.append(["Table 1: Confidence that the justice system deals with cases promptly "
                  "[note 1]"])
    table.append(["This worksheet contains one table. Estimates are proportions of adults, "
                  "with their 95% confidence intervals."])
    table.append(["Source: Scottish Crime and Justice Survey"])
    table.append(["Measure", "2019/20", "2021/22", "2023/24"])
    table.append(["Confident cases are dealt with promptly", 0.41, 0.44, 0.46])
    table.append(["Lower estimate", 0.39, 0.42, "[x]"])
    table.append(["Upper estimate", 0.43, 0.46, "[x]"])
    table.append(["Confident victims get the support they need", 0.52, 0.55, "[c]"])
    table.append(["Confident victims get the support they need - lower estimate", 0.5, 0.53,
                  "[c]"])
    table.append(["Confident victims get the support they need - upper estimate", 0.54, 0.57,
                  "[c]"])
    by_age = book.create_sheet("Table_2")
    by_age.append(["Table 2: Proportion of adults who were victims of crime, by age, 2023/24"])
    by_age.append(["This worksheet contains one table."])
    by_age.append(["Age group", "Best estimate", "Lower 95% confidence limit",
                   "Upper 95% confidence limit", "Unweighted base"])
    by_age.append(["16-24", 0.16, 0.13, 0.19, 510])
    by_age.append(["25-44", 0.12, 0.1, 0.14, 1620])
    by_age.append(["45 and over [note 2]", 0.07, 0.06, 0.08, "[z]"])
    book.save("scotgov_accessible_estimates.xlsx")


if __name__ == "__main__":
    accessible_estimates()
    linkedin()
    accessible()
    older()
    google_forms_serial()
