"""Reporting periods: parse what people type into one canonical (start, end, label, type).

Partnership data arrives as financial years (2023/24), financial quarters (Q1 2024/25), calendar
quarters, months from engagement tools, survey years and plain dates. Everything downstream (the
store, the charts, "same period last year") works on `Period`, so parsing is strict: text that
could be misread is rejected with a sentence that says what to write instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from cjmetrics.errors import PeriodUnrecognised

PERIOD_TYPES = ("financial_year", "quarter", "calendar_quarter", "month", "calendar_year", "day")

# Years outside this range are far more likely typos (2203, 0224) than real reporting periods.
MIN_YEAR, MAX_YEAR = 1900, 2100

ACCEPTED_FORMS = (
    "write a financial year as 2023/24, a quarter as Q1 2024/25, "
    "a month as Mar 2024 or a date as 01/04/2024."
)

# English names are hard-coded: the `calendar` module follows the machine's locale.
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTH_FULL = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")
_MONTH_NUMBER = {name.upper(): i + 1 for names in (_MONTH_ABBR, _MONTH_FULL)
                 for i, name in enumerate(names)} | {"SEPT": 9}


@dataclass(frozen=True, order=False)
class Period:
    """A reporting period; `end` is inclusive. Periods sort by (start, end)."""

    start: date
    end: date
    label: str
    type: str

    def __post_init__(self) -> None:
        if self.type not in PERIOD_TYPES:
            raise ValueError(f"Unknown period type {self.type!r}; expected one of {PERIOD_TYPES}")
        if self.start > self.end:
            raise ValueError(f"Period {self.label!r} starts after it ends")

    @property
    def sort_key(self) -> tuple[date, date]:
        return (self.start, self.end)

    def __lt__(self, other: object) -> bool:
        return self.sort_key < other.sort_key if isinstance(other, Period) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self.sort_key <= other.sort_key if isinstance(other, Period) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self.sort_key > other.sort_key if isinstance(other, Period) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self.sort_key >= other.sort_key if isinstance(other, Period) else NotImplemented

    def __str__(self) -> str:
        return self.label


# --- constructors for each type (all labels are built here, so they are always canonical) ---

def _last_day_of_month(year: int, month: int) -> date:
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def _financial_year(start_year: int) -> Period:
    return Period(date(start_year, 4, 1), date(start_year + 1, 3, 31),
                  f"{start_year}/{(start_year + 1) % 100:02d}", "financial_year")


def _financial_quarter(start_year: int, quarter: int) -> Period:
    # Q1 = Apr-Jun of the first year ... Q4 = Jan-Mar of the second.
    first_month = 4 + 3 * (quarter - 1)
    year = start_year + (first_month - 1) // 12
    month = (first_month - 1) % 12 + 1
    return Period(date(year, month, 1), _last_day_of_month(year, month + 2),
                  f"Q{quarter} {_financial_year(start_year).label}", "quarter")


def _calendar_quarter(year: int, quarter: int) -> Period:
    month = 3 * (quarter - 1) + 1
    return Period(date(year, month, 1), _last_day_of_month(year, month + 2),
                  f"{year} Q{quarter}", "calendar_quarter")


def _month(year: int, month: int) -> Period:
    return Period(date(year, month, 1), _last_day_of_month(year, month),
                  f"{_MONTH_ABBR[month - 1]} {year}", "month")


def _calendar_year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year), "calendar_year")


def _day(d: date) -> Period:
    return Period(d, d, f"{d.day} {_MONTH_ABBR[d.month - 1]} {d.year}", "day")


def period_containing(d: date, period_type: str) -> Period:
    """The period of `period_type` that contains day `d` (e.g. the quarter of a date)."""
    fy_start = d.year if d.month >= 4 else d.year - 1
    if period_type == "financial_year":
        return _financial_year(fy_start)
    if period_type == "quarter":
        return _financial_quarter(fy_start, (d.month - 4) % 12 // 3 + 1)
    if period_type == "calendar_quarter":
        return _calendar_quarter(d.year, (d.month - 1) // 3 + 1)
    if period_type == "month":
        return _month(d.year, d.month)
    if period_type == "calendar_year":
        return _calendar_year(d.year)
    if period_type == "day":
        return _day(d)
    raise ValueError(f"Unknown period type {period_type!r}; expected one of {PERIOD_TYPES}")


def financial_year_of(d: date) -> Period:
    """The Scottish financial year (1 April to 31 March) containing `d`."""
    return period_containing(d, "financial_year")


def shift(period: Period, years: int = -1) -> Period:
    """The same period `years` years away; the default gives "same period last year".

    A day period on 29 February lands on 28 February in a non-leap year.
    """
    start = period.start
    year = start.year + years
    if start.month == 2 and start.day == 29 and not _is_leap(year):
        moved = date(year, 2, 28)
    else:
        moved = start.replace(year=year)
    return period_containing(moved, period.type)


def previous(period: Period) -> Period:
    """The period of the same type that ends the day before this one starts."""
    return period_containing(period.start - timedelta(days=1), period.type)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


# --- parsing ---

_Y4 = r"(\d{4})"
_FY = r"(?:FY ?)?(\d{4})[/-](\d{4}|\d{2})"  # 2023/24, 2023-2024, FY2023/24
# Exports often add a time (2024-04-01 00:00:00); a day period ignores it.
_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.ASCII)) for kind, pattern in (
        ("calendar_year", rf"{_Y4}"),
        ("fy_or_month", r"(\d{4})-(\d{2})"),  # 2023-24 or 2024-03: settled in _parse_text
        ("financial_year", rf"{_FY}"),
        ("quarter_first", rf"Q ?(\d) ?{_FY}"),
        ("quarter_last", rf"{_FY} ?Q ?(\d)"),
        ("calendar_quarter", rf"{_Y4} ?-?Q ?(\d)"),
        ("calendar_quarter_q_first", rf"Q ?(\d) ?-?{_Y4}"),
        ("month_name", r"([A-Z]+)\.? ?-?(\d{4}|\d{2})"),  # Mar 2024, March 2024, Mar-24
        ("month_number", r"(\d{1,2})/(\d{4})"),  # 03/2024
        ("month_code", rf"{_Y4}M(\d{{2}})"),  # 2024M03: statistics.gov.scot's DateCode
        ("iso_date", rf"(\d{{4}})-(\d{{1,2}})-(\d{{1,2}}){_TIME}"),
        # Day first, as written in the UK; two-digit years only with slashes (1/4/24), since
        # 24-03-01 could as well be year-month-day.
        ("uk_date", rf"(\d{{1,2}})/(\d{{1,2}})/(\d{{4}}|\d{{2}}){_TIME}"),
        ("uk_date", rf"(\d{{1,2}})[.-](\d{{1,2}})[.-](\d{{4}}){_TIME}"),
        ("day_month_name", r"(\d{1,2}) ?-?([A-Z]+)\.?,? ?-?(\d{4})"),  # 1 Apr 2024 (our label)
    )
)


def _normalise(text: str) -> str:
    text = text.replace("\u00a0", " ").strip().upper()
    text = re.sub(r"\s+", " ", text)
    return re.sub(r" ?([/\-.]) ?", r"\1", text)  # "2023 / 24" -> "2023/24"


def _reject(raw: object, reason: str = "") -> PeriodUnrecognised:
    reason = f"{reason}. Please " if reason else ""
    return PeriodUnrecognised(
        f"'{raw}' is not a period cjmetrics recognises: {reason}{ACCEPTED_FORMS}")


def _year(text: str, raw: object) -> int:
    year = int(text)
    if len(text) == 2:  # 1/4/24, Mar-24: same pivot as strptime's %y
        year += 2000 if year < 69 else 1900
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _reject(raw, f"the year {year} is outside {MIN_YEAR} to {MAX_YEAR}")
    return year


def _fy_start(first: str, second: str, raw: object) -> int:
    start = _year(first, raw)
    expected = start + 1 if len(second) == 4 else (start + 1) % 100
    if int(second) != expected:
        raise _reject(raw, "the two years of a financial year must be consecutive")
    return start


def _quarter(text: str, raw: object) -> int:
    quarter = int(text)
    if not 1 <= quarter <= 4:
        raise _reject(raw, "quarters run from Q1 to Q4")
    return quarter


def _month_number(text: str, raw: object) -> int:
    month = int(text)
    if not 1 <= month <= 12:
        raise _reject(raw, "months run from 1 to 12")
    return month


def _valid_date(year: int, month: int, day_of_month: int, raw: object) -> date:
    try:
        return date(year, month, day_of_month)
    except ValueError:
        raise _reject(raw, "there is no such day in the calendar") from None


def _parse_text(text: str, raw: object, hint: str | None) -> Period:
    for kind, pattern in _PATTERNS:
        match = pattern.fullmatch(text)
        if not match:
            continue
        g = match.groups()
        if kind == "calendar_year":
            return _calendar_year(_year(g[0], raw))
        if kind == "fy_or_month":
            # 2011-12 could be a financial year or December 2011: financial year unless the
            # caller expects months; a second part that is neither next year nor a month is wrong.
            start = _year(g[0], raw)
            is_fy = int(g[1]) == (start + 1) % 100
            is_month = 1 <= int(g[1]) <= 12
            if is_month and (hint == "month" or not is_fy):
                return _month(start, int(g[1]))
            if is_fy:
                return _financial_year(start)
            raise _reject(raw, "after the year write the next year (2023-24) or a month (2024-03)")
        if kind == "financial_year":
            return _financial_year(_fy_start(g[0], g[1], raw))
        if kind == "quarter_first":
            return _financial_quarter(_fy_start(g[1], g[2], raw), _quarter(g[0], raw))
        if kind == "quarter_last":
            return _financial_quarter(_fy_start(g[0], g[1], raw), _quarter(g[2], raw))
        if kind == "calendar_quarter":
            return _calendar_quarter(_year(g[0], raw), _quarter(g[1], raw))
        if kind == "calendar_quarter_q_first":
            return _calendar_quarter(_year(g[1], raw), _quarter(g[0], raw))
        if kind == "month_name":
            if g[0] not in _MONTH_NUMBER:
                break  # "FY 2023", "Week 12": not a month, so the general message fits best
            return _month(_year(g[1], raw), _MONTH_NUMBER[g[0]])
        if kind == "month_number":
            return _month(_year(g[1], raw), _month_number(g[0], raw))
        if kind == "month_code":
            return _month(_year(g[0], raw), _month_number(g[1], raw))
        if kind == "iso_date":
            return _day(_valid_date(_year(g[0], raw), int(g[1]), int(g[2]), raw))
        if kind == "uk_date":
            return _day(_valid_date(_year(g[2], raw), int(g[1]), int(g[0]), raw))
        if kind == "day_month_name":
            if g[1] not in _MONTH_NUMBER:
                break
            return _day(_valid_date(_year(g[2], raw), _MONTH_NUMBER[g[1]], int(g[0]), raw))
    raise _reject(raw)


def parse_period(text: object, hint: str | None = None) -> Period:
    """Read a period from what a person or a spreadsheet wrote; raise PeriodUnrecognised if unsure.

    Accepts text (see module docs and tests for the forms), date/datetime/Timestamp (a day),
    whole numbers (a calendar year, as a CSV reader may type "2023") and Period itself.
    `hint` is the period type the caller expects (e.g. the indicator's); it only settles text
    such as 2011-12, read as the financial year 2011/12 unless hint is "month".
    """
    if isinstance(text, Period):
        return text
    if not pd.api.types.is_scalar(text):
        raise _reject(text)
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        raise PeriodUnrecognised(f"The period is empty: {ACCEPTED_FORMS}")
    if isinstance(text, (datetime, np.datetime64)):
        text = pd.Timestamp(text).date()
    if isinstance(text, date):
        if not MIN_YEAR <= text.year <= MAX_YEAR:
            raise _reject(text, f"the year {text.year} is outside {MIN_YEAR} to {MAX_YEAR}")
        return _day(text)
    if isinstance(text, (int, np.integer)) or (isinstance(text, float) and text.is_integer()):
        text = str(int(text))
    if not isinstance(text, str):
        raise _reject(text)
    normalised = _normalise(text)
    if not normalised:
        raise PeriodUnrecognised(f"The period is empty: {ACCEPTED_FORMS}")
    return _parse_text(normalised, text.strip(), hint)


def parse_periods(values: pd.Series, hint: str | None = None) -> pd.DataFrame:
    """Parse a whole column: each distinct value once, mapped back to every row.

    Returns columns period_start, period_end (datetime64), period_label, period_type and error
    (None, or the PeriodUnrecognised message for that row), on the same index as `values`.
    """
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    n = len(distinct)
    # One extra slot at the end, for missing values (factorize code -1 picks it up).
    starts = np.full(n + 1, np.datetime64("NaT"), dtype="datetime64[D]")
    ends = starts.copy()
    labels = np.full(n + 1, None, dtype=object)
    types = np.full(n + 1, None, dtype=object)
    errors = np.full(n + 1, None, dtype=object)
    errors[n] = f"The period is empty: {ACCEPTED_FORMS}"
    for i, value in enumerate(distinct):
        try:
            period = parse_period(value, hint)
        except PeriodUnrecognised as exc:
            errors[i] = str(exc)
            continue
        starts[i], ends[i] = period.start, period.end
        labels[i], types[i] = period.label, period.type
    return pd.DataFrame(
        {
            "period_start": starts[codes].astype("datetime64[s]"),
            "period_end": ends[codes].astype("datetime64[s]"),
            "period_label": labels[codes],
            "period_type": types[codes],
            "error": pd.Series(errors[codes], index=values.index, dtype=object),
        },
        index=values.index,
    )


# -- one kind of period per line --------------------------------------------------------------
# An indicator can hold figures of more than one kind of period for an area: a partnership's
# monthly counts beside the financial-year totals of a national publication. Drawn on one line
# (or ranked, or compared with "the figure before"), they zigzag between a month and a year.
# So every chart, ranking and tile shows one kind, and says which when others are held.

KIND_NAMES = {"financial_year": "financial years", "quarter": "quarters",
              "calendar_quarter": "calendar quarters", "month": "months",
              "calendar_year": "calendar years", "survey_year": "survey years", "day": "days"}


def kind_name(kind: str) -> str:
    """A kind of period in words, plural: "financial years", "months"."""
    return KIND_NAMES.get(kind, str(kind).replace("_", " ") + "s")


def kinds_held(series: pd.DataFrame) -> list[str]:
    """The kinds of period a series holds, longest first (years, then quarters, then months),
    the order a lead reads them in."""
    if series.empty:
        return []
    spans = (pd.to_datetime(series["period_end"]) - pd.to_datetime(series["period_start"]))
    longest = spans.groupby(series["period_type"].to_numpy()).max()
    return list(longest.sort_values(ascending=False, kind="stable").index)


def shown_kind(series: pd.DataFrame, own: str | None, asked: str | None = None) -> str | None:
    """The kind of period to show from `series`: the one asked for when it is held; else the
    indicator's own reporting period (the catalogue's) when held; else the kind with the most
    figures (the longest of equals). None for an empty series."""
    held = kinds_held(series)
    if not held:
        return None
    for wanted in (asked, own):
        if wanted in held:
            return wanted
    counts = series["period_type"].value_counts()
    return max(held, key=lambda kind: (counts[kind], -held.index(kind)))


def of_kind(series: pd.DataFrame, kind: str | None) -> pd.DataFrame:
    """The rows of `series` for one kind of period (all of them when `kind` is None)."""
    if kind is None or series.empty:
        return series
    return series[series["period_type"] == kind]
