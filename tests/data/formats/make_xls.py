"""Write linkedin_page.xls, a real BIFF8 workbook in LinkedIn's older export layout (a note row,
then the header, dates as Excel date cells). Run once by a developer:

    pip install --target /tmp/xlwtlib xlwt==1.3.0
    PYTHONPATH=/tmp/xlwtlib python tests/data/formats/make_xls.py

xlwt is only needed to make this fixture; cjmetrics reads .xls with xlrd (requirements.txt).
"""

from datetime import date
from pathlib import Path

import xlwt

ROWS = [
    (date(2024, 5, 30), 300, 200, 10, 8, 1, 1),
    (date(2024, 6, 1), 500, 400, 20, 10, 2, 1),
    (date(2024, 6, 2), 250, 180, 5, 4, 0, 0),
]
HEADER = ["Date", "Impressions (organic)", "Unique impressions (organic)", "Clicks (organic)",
          "Reactions (organic)", "Comments (organic)", "Reposts (organic)"]

book = xlwt.Workbook()
sheet = book.add_sheet("Metrics")
sheet.write(0, 0, "Aggregated metrics for all updates.")
for column, name in enumerate(HEADER):
    sheet.write(1, column, name)
day = xlwt.easyxf(num_format_str="mm/dd/yyyy")
for r, row in enumerate(ROWS, start=2):
    sheet.write(r, 0, row[0], day)
    for column, value in enumerate(row[1:], start=1):
        sheet.write(r, column, value)
book.save(str(Path(__file__).with_name("linkedin_page.xls")))
