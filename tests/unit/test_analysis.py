import math

import numpy as np
import pandas as pd
import pytest

from cjmetrics.analysis import (
    RAG_LABELS,
    change,
    describe_change,
    direction,
    format_value,
    rag_status,
    suppress_counts,
    suppress_small,
    wilson_interval,
)
from cjmetrics.periods import parse_period

# --- change ---

@pytest.mark.parametrize(
    "latest, reference, expected",
    [
        (110, 100, (10.0, 0.10)),
        (90, 100, (-10.0, -0.10)),
        (5, 0, (5.0, None)),
        (5, None, (None, None)),
        (None, 5, (None, None)),
        (5, float("nan"), (None, None)),
        (-5, -10, (5.0, 0.5)),  # less negative is "up"
    ],
)
def test_change_gives_absolute_and_relative(latest, reference, expected):
    absolute, relative = change(latest, reference)
    assert absolute == expected[0]
    assert relative == (pytest.approx(expected[1]) if expected[1] is not None else None)


# --- direction ---

@pytest.mark.parametrize(
    "latest, polarity, arrow, word",
    [
        (100.6, "higher", "▲", "improving"),
        (100.5, "higher", "▶", "no clear change"),  # exactly at the 0.5% tolerance
        (99.5, "higher", "▶", "no clear change"),
        (99.4, "higher", "▼", "worsening"),
        (100.6, "lower", "▲", "worsening"),
        (100.5, "lower", "▶", "no clear change"),
        (99.5, "lower", "▶", "no clear change"),
        (99.4, "lower", "▼", "improving"),
        (100, "higher", "▶", "no clear change"),
    ],
)
def test_direction_at_the_tolerance_edges_for_both_polarities(latest, polarity, arrow, word):
    result = direction([(1, 100), (2, latest)], polarity)
    assert (result.arrow, result.word) == (arrow, word)
    assert result.change == pytest.approx(latest - 100)


def test_direction_tolerance_can_be_widened():
    assert direction([(1, 100), (2, 104)], "higher", tolerance=0.05).word == "no clear change"
    assert direction([(1, 100), (2, 106)], "higher", tolerance=0.05).word == "improving"


@pytest.mark.parametrize(
    "values",
    [[], [(1, 5)], [(1, None), (2, 5)], [(1, float("nan")), (2, float("nan"))]],
)
def test_direction_needs_two_figures(values):
    result = direction(values, "higher")
    assert (result.arrow, result.word, result.change) == ("–", "not enough data", None)


def test_direction_uses_time_order_not_input_order():
    # latest (key 3) is 50, previous (key 2) is 80: a fall, whatever order they arrive in
    result = direction([(3, 50), (1, 10), (2, 80)], "higher")
    assert result.word == "worsening"
    assert result.change == -30
    assert result.relative == pytest.approx(-0.375)


def test_direction_sorts_period_labels_by_date_not_alphabetically():
    # Alphabetically "Apr 2024" < "Mar 2023", which would make this look like a fall.
    series = pd.Series({"Apr 2024": 120, "Mar 2023": 100})
    assert direction(series, "higher").word == "improving"


def test_direction_accepts_a_series_indexed_by_period():
    series = pd.Series([30, 20], index=[parse_period("Q1 2024/25"), parse_period("Q4 2023/24")])
    assert direction(series, "lower").word == "worsening"


def test_direction_skips_a_missing_latest_figure():
    result = direction(pd.Series([10, 12, None], index=[1, 2, 3]), "higher")
    assert result.word == "improving"
    assert result.change == 2


def test_direction_from_zero():
    assert direction([(1, 0), (2, 3)], "higher").word == "improving"
    assert direction([(1, 0), (2, 0)], "higher").word == "no clear change"


def test_direction_rejects_an_unknown_polarity():
    with pytest.raises(ValueError):
        direction([(1, 1), (2, 2)], "up")


# --- RAG ---

@pytest.mark.parametrize(
    "value, target, polarity, status",
    [
        (110, 100, "higher", "green"),
        (100, 100, "higher", "green"),
        (99.99, 100, "higher", "amber"),
        (90, 100, "higher", "amber"),
        (63, 70, "higher", "amber"),  # 63/70 is 0.9 on paper, a hair under in floating point
        (89.99, 100, "higher", "red"),
        (0, 100, "higher", "red"),
        (80, 100, "lower", "green"),
        (100, 100, "lower", "green"),
        (100, 90, "lower", "amber"),  # 90/100 = 0.9
        (100.01, 90, "lower", "red"),
        (100.5, 100, "lower", "amber"),
        (0, 10, "lower", "green"),
    ],
)
def test_rag_at_band_edges_for_both_polarities(value, target, polarity, status):
    assert rag_status(value, target, polarity) == status


@pytest.mark.parametrize(
    "value, target, polarity, status",
    [
        (0, 0, "higher", "green"),
        (5, 0, "higher", "green"),
        (-1, 0, "higher", "red"),
        (0, 0, "lower", "green"),
        (3, 0, "lower", "red"),
    ],
)
def test_rag_with_a_zero_target(value, target, polarity, status):
    assert rag_status(value, target, polarity) == status


def test_rag_uses_the_indicators_own_thresholds():
    assert rag_status(95, 100, "higher", green=0.95, amber=0.8) == "green"
    assert rag_status(80, 100, "higher", green=0.95, amber=0.8) == "amber"
    assert rag_status(79, 100, "higher", green=0.95, amber=0.8) == "red"
    # blank catalogue cells arrive as NaN and mean the defaults
    assert rag_status(92, 100, "higher", green=float("nan"), amber=float("nan")) == "amber"


@pytest.mark.parametrize(
    "value, target", [(None, 10), (10, None), (float("nan"), 10), (10, float("nan"))])
def test_rag_without_a_figure_or_a_target_is_none(value, target):
    assert rag_status(value, target, "higher") == "none"
    assert RAG_LABELS[rag_status(value, target, "lower")] == "No target"


def test_rag_labels_are_words_not_colours():
    assert RAG_LABELS == {"green": "On track", "amber": "Close to target",
                          "red": "Off track", "none": "No target"}


def test_rag_rejects_inconsistent_thresholds_and_polarity():
    with pytest.raises(ValueError):
        rag_status(1, 1, "higher", green=0.8, amber=0.9)
    with pytest.raises(ValueError):
        rag_status(1, 1, "better")


# --- Wilson interval ---

def reference_wilson(k, n, z=1.959964):
    """Textbook form: (2k + z² ± z·sqrt(z² + 4k(n-k)/n)) / (2(n + z²))."""
    spread = z * math.sqrt(z * z + 4 * k * (n - k) / n)
    denominator = 2 * (n + z * z)
    return (2 * k + z * z - spread) / denominator, (2 * k + z * z + spread) / denominator


@pytest.mark.parametrize("k, n", [(12, 41), (1, 3), (50, 100), (0, 10), (10, 10), (999, 1000)])
def test_wilson_matches_the_reference_formula(k, n):
    low, high = wilson_interval(k, n)
    expected_low, expected_high = reference_wilson(k, n)
    assert low == pytest.approx(expected_low, abs=1e-9)
    assert high == pytest.approx(expected_high, abs=1e-9)
    assert 0 <= low <= k / n <= high <= 1


def test_wilson_known_published_values():
    # Newcombe (1998), Statistics in Medicine 17:857, table I: 81/263 -> 0.2553 to 0.3662
    assert wilson_interval(81, 263) == pytest.approx((0.2553, 0.3662), abs=5e-5)
    assert wilson_interval(12, 41) == pytest.approx((0.1761, 0.4448), abs=5e-5)


def test_wilson_with_no_responses_is_unknown():
    low, high = wilson_interval(0, 0)
    assert math.isnan(low) and math.isnan(high)


def test_wilson_widens_with_a_higher_z():
    narrow = wilson_interval(12, 41, z=1.0)
    wide = wilson_interval(12, 41)
    assert wide[0] < narrow[0] < narrow[1] < wide[1]


def test_wilson_works_on_columns():
    low, high = wilson_interval(np.array([12, 0]), np.array([41, 0]))
    assert low[0] == pytest.approx(0.1761, abs=5e-5)
    assert np.isnan(low[1]) and np.isnan(high[1])


def test_wilson_rejects_more_successes_than_responses():
    with pytest.raises(ValueError):
        wilson_interval(5, 4)
    with pytest.raises(ValueError):
        wilson_interval(-1, 4)


# --- suppression ---

@pytest.mark.parametrize(
    "count, threshold, shown",
    [(0, 5, 0), (1, 5, "<5"), (4, 5, "<5"), (5, 5, 5), (12.0, 5, 12), (9, 10, "<10"), (10, 10, 10),
     (None, 5, None), (float("nan"), 5, None)],
)
def test_suppress_small_hides_one_to_threshold_minus_one(count, threshold, shown):
    result = suppress_small(count, threshold)
    assert result == shown and type(result) is type(shown)


def test_suppress_counts_hides_small_counts_and_their_percentages():
    table = pd.DataFrame({
        "group": ["A", "B", "C", "D"],
        "agree": [3, 0, 40, 12],
        "respondents": [20, 8, 50, 4],
        "pct_agree": [15.0, 0.0, 80.0, 300.0],
    })
    shown = suppress_counts(table, ["agree", "respondents"], ["pct_agree"])
    assert shown["agree"].tolist() == ["<5", 0, 40, 12]
    assert shown["respondents"].tolist() == [20, 8, 50, "<5"]
    assert shown["pct_agree"].isna().tolist() == [True, False, False, True]
    assert shown["pct_agree"][2] == 80.0
    assert shown["group"].tolist() == ["A", "B", "C", "D"]
    assert table["agree"].tolist() == [3, 0, 40, 12]  # the input is left alone


def test_suppress_counts_uses_the_threshold():
    shown = suppress_counts(pd.DataFrame({"n": [7, 12]}), ["n"], threshold=10)
    assert shown["n"].tolist() == ["<10", 12]


# --- formatting ---

@pytest.mark.parametrize(
    "value, unit, decimals, text",
    [
        (12400, "count", 0, "12,400"),
        (12400, "count", None, "12,400"),
        (1234567.0, "count", 0, "1,234,567"),
        (64, "percent", 1, "64.0%"),
        (64.04, "percent", None, "64.0%"),
        (7.25, "percent", 2, "7.25%"),
        (-0.01, "percent", 1, "0.0%"),
        (12.5, "rate", 1, "12.5"),
        (1234.56, "rate", 1, "1,234.6"),
        (3.25, "score", 2, "3.25"),
        (4.0, "grade", None, "4"),
        (4, "grade", 2, "4"),
        (None, "count", 0, "–"),
        (float("nan"), "percent", 1, "–"),
        (np.nan, "grade", 0, "–"),
        ("<5", "count", 0, "<5"),
        (12400, "count", float("nan"), "12,400"),
    ],
)
def test_format_value(value, unit, decimals, text):
    assert format_value(value, unit, decimals) == text


# --- describe_change ---

@pytest.mark.parametrize(
    "args, sentence",
    [
        (("social media reach", "Glasgow City", "Mar 2024", 12400, "Mar 2023", 11480, "count", 0),
         "Glasgow City: social media reach 12,400 in Mar 2024, up 8% on Mar 2023."),
        (("agreement with community sentences", "Scotland", "2023/24", 64.0, "2022/23", 61.9,
          "percent", 1),
         "Scotland: agreement with community sentences 64.0% in 2023/24, "
         "up 2.1 percentage points on 2022/23."),
        (("reconviction rate", "North Ayrshire", "2021/22", 26.0, "2020/21", 28.5, "percent", 1),
         "North Ayrshire: reconviction rate 26.0% in 2021/22, "
         "down 2.5 percentage points on 2020/21."),
        (("open rate", "Scotland", "Mar 2024", 41, "Feb 2024", 40, "percent", 0),
         "Scotland: open rate 41% in Mar 2024, up 1 percentage point on Feb 2024."),
        (("event attendance", "Glasgow City", "Q1 2024/25", 90, "Q1 2023/24", 120, "count", 0),
         "Glasgow City: event attendance 90 in Q1 2024/25, down 25% on Q1 2023/24."),
        (("website visits", "Scotland", "Mar 2024", 1004, "Mar 2023", 1000, "count", 0),
         "Scotland: website visits 1,004 in Mar 2024: no clear change (up 0.4% on Mar 2023)."),
        (("media coverage", "Scotland", "Mar 2024", 6, "Mar 2023", 0, "count", 0),
         "Scotland: media coverage 6 in Mar 2024, up 6 on Mar 2023."),
        (("self-evaluation grade", "West Dunbartonshire", "2023/24", 4, "2022/23", 3, "grade", 0),
         "West Dunbartonshire: self-evaluation grade 4 in 2023/24, up 1 on 2022/23."),
        (("mean score", "Scotland", "2023", 3.6, "2022", 3.8, "score", 1),
         "Scotland: mean score 3.6 in 2023, down 0.2 on 2022."),
        (("social media reach", "Glasgow City", "Mar 2024", 12400, "Mar 2023", 12400, "count", 0),
         "Glasgow City: social media reach 12,400 in Mar 2024, the same as in Mar 2023."),
        (("social media reach", "Glasgow City", "Mar 2024", 12400, None, None, "count", 0),
         "Glasgow City: social media reach 12,400 in Mar 2024. No earlier figure to compare with."),
        (("social media reach", "Glasgow City", "Mar 2024", 12400, "Mar 2023", float("nan"),
          "count", 0),
         "Glasgow City: social media reach 12,400 in Mar 2024. No earlier figure to compare with."),
        (("social media reach", "Glasgow City", "Mar 2024", None, "Mar 2023", 11480, "count", 0),
         "Glasgow City: no figure for social media reach in Mar 2024."),
        (("social media reach", None, "Mar 2024", 12400, "Mar 2023", 11480, "count", 0),
         "Social media reach 12,400 in Mar 2024, up 8% on Mar 2023."),
        (("social media reach", None, None, None, None, None, "count", 0),
         "No figure for social media reach yet."),
    ],
)
def test_describe_change_sentences(args, sentence):
    assert describe_change(*args) == sentence


@pytest.mark.parametrize("latest, reference, unit", [
    (65.8, 66.0, "percent"),  # -0.2 points on 66: within half a per cent
    (1004, 1000, "count"),  # +0.4%, which a tile rounds to "+0%"
])
def test_badge_arrow_and_words_agree_on_no_clear_change(latest, reference, unit):
    """One rule decides "no clear change": the arrow never points, and the sentence never
    says up or down alone, for a change the badge shows as level."""
    from cjmetrics.analysis import is_level
    assert is_level(latest, reference)
    assert direction([(1, reference), (2, latest)], "higher").word == "no clear change"
    sentence = describe_change("measure", "Scotland", "2023/24", latest, "2022/23", reference,
                               unit)
    assert "no clear change" in sentence


def test_a_clear_change_is_not_level():
    from cjmetrics.analysis import is_level
    assert not is_level(64.0, 61.9)
    assert "no clear change" not in describe_change("m", "Scotland", "2023/24", 64.0, "2022/23",
                                                    61.9, "percent")
