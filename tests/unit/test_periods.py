from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cjmetrics import periods
from cjmetrics.errors import CjmetricsError
from cjmetrics.periods import (
    Period,
    PeriodUnrecognised,
    financial_year_of,
    parse_period,
    parse_periods,
    period_containing,
    previous,
    shift,
)

FY_2023 = ("2023/24", "financial_year", date(2023, 4, 1), date(2024, 3, 31))
FQ1_2024 = ("Q1 2024/25", "quarter", date(2024, 4, 1), date(2024, 6, 30))
CQ1_2024 = ("2024 Q1", "calendar_quarter", date(2024, 1, 1), date(2024, 3, 31))
MAR_2024 = ("Mar 2024", "month", date(2024, 3, 1), date(2024, 3, 31))
DAY_1_APR_2024 = ("1 Apr 2024", "day", date(2024, 4, 1), date(2024, 4, 1))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2023", ("2023", "calendar_year", date(2023, 1, 1), date(2023, 12, 31))),
        ("2023/24", FY_2023),
        ("2023-24", FY_2023),
        ("2023/2024", FY_2023),
        ("2023-2024", FY_2023),
        ("FY2023/24", FY_2023),
        ("fy 2023/24", FY_2023),
        ("  2023 / 24 ", FY_2023),
        ("1999/00", ("1999/00", "financial_year", date(1999, 4, 1), date(2000, 3, 31))),
        ("Q1 2024/25", FQ1_2024),
        ("2024/25 Q1", FQ1_2024),
        ("q1  2024-25", FQ1_2024),
        ("Q1 FY2024/25", FQ1_2024),
        ("Q2 2024/25", ("Q2 2024/25", "quarter", date(2024, 7, 1), date(2024, 9, 30))),
        ("Q3 2024/25", ("Q3 2024/25", "quarter", date(2024, 10, 1), date(2024, 12, 31))),
        ("Q4 2023/24", ("Q4 2023/24", "quarter", date(2024, 1, 1), date(2024, 3, 31))),
        ("2024-Q1", CQ1_2024),
        ("2024 Q1", CQ1_2024),
        ("Q1 2024", CQ1_2024),
        ("2024q1", CQ1_2024),
        ("2024 Q4", ("2024 Q4", "calendar_quarter", date(2024, 10, 1), date(2024, 12, 31))),
        ("Mar 2024", MAR_2024),
        ("March 2024", MAR_2024),
        ("MARCH 2024", MAR_2024),
        ("mar-24", MAR_2024),
        ("2024-03", MAR_2024),
        ("03/2024", MAR_2024),
        ("3/2024", MAR_2024),
        ("Feb 2024", ("Feb 2024", "month", date(2024, 2, 1), date(2024, 2, 29))),
        ("Sept 2023", ("Sep 2023", "month", date(2023, 9, 1), date(2023, 9, 30))),
        ("Dec 2023", ("Dec 2023", "month", date(2023, 12, 1), date(2023, 12, 31))),
        ("2024-04-01", DAY_1_APR_2024),
        ("2024-04-01 00:00:00", DAY_1_APR_2024),
        ("2024-04-01T00:00:00", DAY_1_APR_2024),
        ("01/04/2024", DAY_1_APR_2024),
        ("1/4/2024", DAY_1_APR_2024),
        ("1/4/24", DAY_1_APR_2024),
        ("01-04-2024", DAY_1_APR_2024),
        ("01.04.2024", DAY_1_APR_2024),
        ("1 Apr 2024", DAY_1_APR_2024),
        ("1 April 2024", DAY_1_APR_2024),
        ("29/02/2024", ("29 Feb 2024", "day", date(2024, 2, 29), date(2024, 2, 29))),
    ],
)
def test_accepted_text_forms_give_canonical_periods(text, expected):
    period = parse_period(text)
    assert (period.label, period.type, period.start, period.end) == expected


@pytest.mark.parametrize(
    "value",
    [date(2024, 4, 1), datetime(2024, 4, 1, 15, 30), pd.Timestamp("2024-04-01 09:00"),
     np.datetime64("2024-04-01")],
)
def test_date_objects_are_day_periods(value):
    assert parse_period(value) == Period(date(2024, 4, 1), date(2024, 4, 1), "1 Apr 2024", "day")


def test_a_year_typed_as_a_number_by_a_csv_reader_is_a_calendar_year():
    assert parse_period(2023).label == "2023"
    assert parse_period(2023.0).label == "2023"


def test_ambiguous_year_dash_two_digits_is_a_financial_year_unless_months_are_expected():
    assert parse_period("2011-12").label == "2011/12"
    assert parse_period("2011-12", hint="month").label == "Dec 2011"
    # a hint never turns an unambiguous financial year into something else
    assert parse_period("2023-24", hint="month").label == "2023/24"


@pytest.mark.parametrize(
    "text, reason",
    [
        ("2023/25", "consecutive"),
        ("2023-2025", "consecutive"),
        ("2024/03", "consecutive"),
        ("Q1 2024/26", "consecutive"),
        ("13/2024", "months run from 1 to 12"),
        ("00/2024", "months run from 1 to 12"),
        ("2024-13", "next year"),
        ("32/01/2024", "no such day"),
        ("31/02/2024", "no such day"),
        ("29/02/2023", "no such day"),
        ("2024-02-30", "no such day"),
        ("Q5 2024", "Q1 to Q4"),
        ("Q0 2024/25", "Q1 to Q4"),
        ("2024 Q5", "Q1 to Q4"),
        ("0224", "outside 1900 to 2100"),
        ("Mar 2230", "outside 1900 to 2100"),
    ],
)
def test_nonsense_is_rejected_with_the_reason_and_the_accepted_forms(text, reason):
    with pytest.raises(PeriodUnrecognised) as caught:
        parse_period(text)
    message = str(caught.value)
    assert message.startswith(f"'{text}' is not a period cjmetrics recognises")
    assert reason in message
    assert "2023/24" in message and "Q1 2024/25" in message and "Mar 2024" in message
    assert "01/04/2024" in message


@pytest.mark.parametrize("text", ["hello", "FY2023", "Marchember 2024", "2023/24/25", "Q1", "24"])
def test_unrecognised_text_gets_the_general_message(text):
    with pytest.raises(PeriodUnrecognised, match="write a financial year as 2023/24"):
        parse_period(text)


@pytest.mark.parametrize("value", ["", "   ", None, float("nan"), pd.NaT])
def test_empty_period_says_it_is_empty(value):
    with pytest.raises(PeriodUnrecognised, match="The period is empty"):
        parse_period(value)


def test_period_error_is_a_value_error_and_a_cjmetrics_error_with_a_title():
    with pytest.raises(PeriodUnrecognised) as caught:
        parse_period("2023/25")
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, CjmetricsError)
    assert caught.value.title
    assert caught.value.user_message == str(caught.value)


def test_error_message_has_the_example_sentence():
    with pytest.raises(PeriodUnrecognised) as caught:
        parse_period("hello")
    assert str(caught.value) == (
        "'hello' is not a period cjmetrics recognises: write a financial year as 2023/24, "
        "a quarter as Q1 2024/25, a month as Mar 2024 or a date as 01/04/2024."
    )


# --- ordering ---

def test_mixed_periods_sort_by_start_then_end():
    labels = ["Q1 2024/25", "2023/24", "Mar 2024", "2023", "2024 Q1", "1 Apr 2024"]
    ordered = sorted((parse_period(text) for text in labels), key=lambda p: p.sort_key)
    assert [p.label for p in ordered] == [
        "2023", "2023/24", "2024 Q1", "Mar 2024", "1 Apr 2024", "Q1 2024/25"]
    # the ordering methods agree with sort_key
    assert sorted(parse_period(text) for text in labels) == ordered


def test_earlier_start_sorts_first_and_on_the_same_start_the_shorter_period():
    labels = ["2023 Q4", "2024 Q1", "Jan 2024", "2023/24"]
    ordered = sorted(parse_period(text) for text in labels)
    assert [p.label for p in ordered] == ["2023/24", "2023 Q4", "Jan 2024", "2024 Q1"]


def test_quarter_four_comes_before_the_next_years_quarter_one():
    assert parse_period("Q4 2023/24") < parse_period("Q1 2024/25")
    assert parse_period("Q1 2024/25") > parse_period("Q4 2023/24")
    assert parse_period("Q4 2023/24") <= parse_period("Q4 2023/24")
    assert parse_period("Q4 2023/24") >= parse_period("Q4 2023/24")


def test_months_sort_in_time_not_alphabetically():
    months = [parse_period(m) for m in ["Apr 2024", "Mar 2023", "Jan 2024", "Dec 2023"]]
    assert [m.label for m in sorted(months)] == ["Mar 2023", "Dec 2023", "Jan 2024", "Apr 2024"]


def test_period_refuses_comparison_with_other_types():
    with pytest.raises(TypeError):
        _ = parse_period("2023/24") < "2024/25"


def test_period_cannot_end_before_it_starts_or_have_an_unknown_type():
    with pytest.raises(ValueError):
        Period(date(2024, 4, 2), date(2024, 4, 1), "bad", "day")
    with pytest.raises(ValueError):
        Period(date(2024, 4, 1), date(2024, 4, 1), "bad", "fortnight")


def test_periods_are_hashable_and_equal_by_value():
    assert {parse_period("2023-24"), parse_period("FY2023/24")} == {parse_period("2023/24")}
    assert str(parse_period("q1 2024")) == "2024 Q1"


# --- financial year, shift, previous ---

@pytest.mark.parametrize(
    "day, label",
    [(date(2024, 3, 31), "2023/24"), (date(2024, 4, 1), "2024/25"), (date(2025, 1, 15), "2024/25")],
)
def test_financial_year_of_a_date(day, label):
    assert financial_year_of(day).label == label


@pytest.mark.parametrize(
    "day, period_type, label",
    [
        (date(2024, 5, 15), "quarter", "Q1 2024/25"),
        (date(2025, 2, 1), "quarter", "Q4 2024/25"),
        (date(2024, 5, 15), "calendar_quarter", "2024 Q2"),
        (date(2024, 5, 15), "month", "May 2024"),
        (date(2024, 5, 15), "calendar_year", "2024"),
        (date(2024, 5, 15), "day", "15 May 2024"),
    ],
)
def test_period_containing_a_date(day, period_type, label):
    assert period_containing(day, period_type).label == label


@pytest.mark.parametrize(
    "label, last_year",
    [
        ("2023/24", "2022/23"),
        ("Q4 2023/24", "Q4 2022/23"),
        ("2024 Q1", "2023 Q1"),
        ("Mar 2024", "Mar 2023"),
        ("2024", "2023"),
        ("1 Apr 2024", "1 Apr 2023"),
        ("29 Feb 2024", "28 Feb 2023"),
    ],
)
def test_shift_gives_the_same_period_last_year(label, last_year):
    assert shift(parse_period(label)).label == last_year
    assert shift(parse_period(label), years=-1).label == last_year


def test_shift_forward_and_by_several_years():
    assert shift(parse_period("Feb 2023"), years=1) == parse_period("Feb 2024")
    assert shift(parse_period("Feb 2023"), years=1).end == date(2024, 2, 29)
    assert shift(parse_period("Q2 2024/25"), years=-3).label == "Q2 2021/22"


@pytest.mark.parametrize(
    "label, before",
    [
        ("2023/24", "2022/23"),
        ("Q1 2024/25", "Q4 2023/24"),
        ("Q2 2024/25", "Q1 2024/25"),
        ("2024 Q1", "2023 Q4"),
        ("Jan 2024", "Dec 2023"),
        ("Mar 2024", "Feb 2024"),
        ("2024", "2023"),
        ("1 Mar 2024", "29 Feb 2024"),
    ],
)
def test_previous_is_the_period_just_before(label, before):
    period = parse_period(label)
    assert previous(period).label == before
    assert previous(period).end == period.start - timedelta(days=1)


# --- whole columns ---

def test_parse_periods_maps_each_row_and_reports_errors_per_row():
    values = pd.Series(["2023/24", "Mar 2024", None, "2023/25", "2023-24"],
                       index=[10, 11, 12, 13, 14])
    parsed = parse_periods(values)
    assert list(parsed.columns) == [
        "period_start", "period_end", "period_label", "period_type", "error"]
    assert list(parsed.index) == [10, 11, 12, 13, 14]
    assert parsed.loc[10, "period_label"] == parsed.loc[14, "period_label"] == "2023/24"
    assert parsed.loc[11, "period_type"] == "month"
    assert parsed.loc[11, "period_start"] == pd.Timestamp("2024-03-01")
    assert parsed.loc[11, "period_end"] == pd.Timestamp("2024-03-31")
    assert parsed.loc[10, "error"] is None
    assert "empty" in parsed.loc[12, "error"]
    assert "consecutive" in parsed.loc[13, "error"]
    assert pd.isna(parsed.loc[13, "period_start"]) and pd.isna(parsed.loc[13, "period_label"])


def test_parse_periods_handles_date_columns():
    values = pd.Series(pd.to_datetime(["2024-04-01", "2024-04-02", None]))
    parsed = parse_periods(values)
    assert list(parsed["period_label"][:2]) == ["1 Apr 2024", "2 Apr 2024"]
    assert parsed["error"].notna().tolist() == [False, False, True]


def test_parse_periods_parses_each_distinct_value_once(monkeypatch):
    labels = [f"{m} {y}" for y in range(2019, 2024) for m in
              ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")]
    values = pd.Series(np.random.default_rng(1).choice(labels, 200_000))
    calls = []
    real = periods.parse_period
    monkeypatch.setattr(periods, "parse_period",
                        lambda v, hint=None: calls.append(v) or real(v, hint))
    parsed = parse_periods(values)
    assert len(calls) == 60
    assert parsed["error"].isna().all()
    assert (parsed["period_label"] == values).all()


def test_parse_periods_passes_the_hint_on():
    parsed = parse_periods(pd.Series(["2011-12"]), hint="month")
    assert parsed.loc[0, "period_label"] == "Dec 2011"


# --- properties ---

_PLAUSIBLE = st.one_of(
    st.text(),
    st.from_regex(r"\A(FY ?|Q\d ?)?\d{1,4}[/\- ]{0,3}\d{1,4}( ?Q\d)?\Z"),
    st.from_regex(r"\A\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\Z"),
    st.from_regex(r"\A(\d{1,2} )?(Jan|Feb|Sept?|Dec|March|Foo)\.? ?\d{2,4}\Z"),
)


@settings(max_examples=600, deadline=None)
@given(_PLAUSIBLE)
def test_any_text_gives_a_valid_period_or_a_period_error(text):
    try:
        period = parse_period(text)
    except PeriodUnrecognised as error:
        assert str(error)
        return
    assert period.start <= period.end
    # a canonical label always reads back as the same period
    assert parse_period(period.label) == period


@settings(deadline=None)
@given(st.dates(min_value=date(1900, 4, 1), max_value=date(2100, 12, 31)),
       st.sampled_from(periods.PERIOD_TYPES))
def test_period_containing_contains_the_date_and_previous_touches_it(day, period_type):
    period = period_containing(day, period_type)
    assert period.start <= day <= period.end
    assert parse_period(period.label) == period
    assert previous(period).end == period.start - timedelta(days=1)


def test_statistics_gov_scot_month_codes():
    """statistics.gov.scot writes months as DateCode 2016M08."""
    period = parse_period("2016M08")
    assert (period.label, period.type) == ("Aug 2016", "month")
    assert (period.start, period.end) == (date(2016, 8, 1), date(2016, 8, 31))
    with pytest.raises(PeriodUnrecognised, match="months run from 1 to 12"):
        parse_period("2016M13")
