"""Pure analysis helpers: trend direction, change, RAG against target, survey intervals,
small-number suppression and the wording/number formats the pages and exports share.

No database and no UI here, so every rule that decides what a partnership lead sees
(is this improving? is it on track? may this count be shown?) can be tested directly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from cjmetrics.periods import Period, PeriodUnrecognised, parse_period

POLARITIES = ("higher", "lower")

# Float division puts "exactly on the boundary" a hair either side (63/70 != 0.9 exactly);
# a figure that meets a threshold on paper should meet it here.
_EDGE = 1e-9

NO_VALUE = "–"  # en dash: what a table or tile shows for a missing figure

RAG_LABELS = {
    "green": "On track", "amber": "Close to target", "red": "Off track", "none": "No target",
}

_DEFAULT_DECIMALS = {"count": 0, "percent": 1, "rate": 1, "score": 1, "grade": 0}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, (float, np.floating)) and math.isnan(value)) or (
        value is pd.NA or value is pd.NaT)


def _check_polarity(polarity: str) -> None:
    if polarity not in POLARITIES:
        raise ValueError(f"polarity must be 'higher' or 'lower', not {polarity!r}")


# --- change and direction ---

def change(latest: float | None, reference: float | None) -> tuple[float | None, float | None]:
    """(latest - reference, relative change); relative is None when reference is 0 or missing.

    Relative change is against |reference| so that "up" always means a positive number.
    """
    if _missing(latest) or _missing(reference):
        return None, None
    absolute = float(latest) - float(reference)
    relative = absolute / abs(float(reference)) if reference != 0 else None
    return absolute, relative


@dataclass(frozen=True)
class Direction:
    """Which way an indicator moved between its two latest figures, and whether that is good.

    `arrow` shows the movement of the number (▲ up, ▼ down, ▶ level, – unknown); `word` says
    what it means given the indicator's polarity, so colour is never the only cue.
    """

    arrow: str
    word: str
    change: float | None = None  # latest minus previous, in the indicator's unit
    relative: float | None = None  # change as a share of the previous figure


NOT_ENOUGH_DATA = Direction("–", "not enough data")


def _sort_key(key: Any) -> Any:
    if isinstance(key, Period):
        return key.sort_key
    if isinstance(key, str):  # labels sort wrongly as text ("Apr 2024" < "Mar 2023")
        try:
            return parse_period(key).sort_key
        except PeriodUnrecognised:
            return key
    return key


def _ordered_values(values_by_period: pd.Series | Iterable[tuple[Any, float]]) -> list[float]:
    if isinstance(values_by_period, pd.Series):
        pairs = list(zip(values_by_period.index, values_by_period.to_numpy()))
    else:
        pairs = list(values_by_period)
    present = [(_sort_key(key), float(value)) for key, value in pairs if not _missing(value)]
    return [value for _, value in sorted(present, key=lambda pair: pair[0])]


# A change within half a per cent of the earlier figure is "no clear change": the one rule the
# badge, the arrow and the sentence of every tile, card and slide share.
LEVEL_TOLERANCE = 0.005


def is_level(latest: Any, reference: Any, tolerance: float = LEVEL_TOLERANCE) -> bool:
    """Whether moving from `reference` to `latest` is no clear change (0 -> 0 included)."""
    absolute, relative = change(latest, reference)
    if absolute is None:
        return False
    return absolute == 0 or (relative is not None and abs(relative) <= tolerance + _EDGE)


def direction(values_by_period: pd.Series | Iterable[tuple[Any, float]], polarity: str,
              tolerance: float = LEVEL_TOLERANCE) -> Direction:
    """Compare the latest figure with the one before it.

    `values_by_period` is a Series indexed by period (Period, label or sort key) or a list of
    (sort_key, value) pairs, in any order. Missing figures are skipped, so a gap compares the
    two latest figures that exist. A relative change within `tolerance` (0.5%) is
    "no clear change"; so is 0 -> 0.
    """
    _check_polarity(polarity)
    ordered = _ordered_values(values_by_period)
    if len(ordered) < 2:
        return NOT_ENOUGH_DATA
    absolute, relative = change(ordered[-1], ordered[-2])
    if is_level(ordered[-1], ordered[-2], tolerance):
        return Direction("▶", "no clear change", absolute, relative)
    went_up = absolute > 0
    good = went_up == (polarity == "higher")
    return Direction("▲" if went_up else "▼", "improving" if good else "worsening",
                     absolute, relative)


# --- RAG against target ---

def rag_status(value: float | None, target: float | None, polarity: str,
               green: float | None = 1.0, amber: float | None = 0.9) -> str:
    """'green' | 'amber' | 'red' | 'none' for a figure against its target.

    The score is the share of the target achieved: value/target when higher is better,
    target/value when lower is better; green at or above `green`, amber at or above `amber`.
    Missing value or target gives 'none'. Blank thresholds (NaN from the catalogue) fall back to
    1.0 and 0.9. Where a share makes no sense (target 0 or below, or a lower-is-better value of
    0 or below) the figure is green if it meets the target and red if not: e.g. target 0 with
    higher-is-better is green for any value >= 0; a lower-is-better value of 0 is green.
    """
    _check_polarity(polarity)
    if _missing(value) or _missing(target):
        return "none"
    green = 1.0 if _missing(green) else float(green)
    amber = 0.9 if _missing(amber) else float(amber)
    if amber > green:
        raise ValueError(f"the amber threshold ({amber}) is above the green one ({green})")
    value, target = float(value), float(target)
    higher = polarity == "higher"
    meets = value >= target if higher else value <= target
    if target <= 0 or (not higher and value <= 0):
        return "green" if meets else "red"
    share = value / target if higher else target / value
    if share >= green - _EDGE:
        return "green"
    if share >= amber - _EDGE:
        return "amber"
    return "red"


# --- survey proportions ---

def wilson_interval(successes: Any, n: Any, z: float = 1.959964) -> tuple[Any, Any]:
    """Wilson score interval for a proportion, as proportions (0-1); 95% by default.

    Preferred to p ± z·se because it stays inside 0-1 and behaves for small samples and for
    0% or 100%. Works on scalars or arrays; n = 0 gives (nan, nan).
    """
    k = np.asarray(successes, dtype=float)
    total = np.asarray(n, dtype=float)
    if np.any(k < 0) or np.any(k > total):
        raise ValueError("successes must be between 0 and n")
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / total
        z2 = z * z
        denominator = 1 + z2 / total
        centre = (p + z2 / (2 * total)) / denominator
        half = z * np.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / denominator
        # Rounding can leave 10 of 10 with an upper bound of 0.9999999999999999, below the
        # point itself; the interval must always contain the observed proportion.
        low = np.where(total > 0, np.clip(np.minimum(centre - half, p), 0.0, 1.0), np.nan)
        high = np.where(total > 0, np.clip(np.maximum(centre + half, p), 0.0, 1.0), np.nan)
    if low.ndim == 0:
        return float(low), float(high)
    return low, high


# --- small-number suppression ---

def suppress_small(count: float | None, threshold: int = 5) -> int | float | str | None:
    """A count fit to publish: 1 to threshold-1 becomes "<5" (for threshold 5).

    Zero is shown: a true zero identifies nobody and hiding it would hide good news (no one
    waiting, no breaches). Missing stays None; whole-number floats come back as int.
    """
    if _missing(count):
        return None
    if 0 < count < threshold:
        return f"<{threshold}"
    return int(count) if float(count).is_integer() else count


def suppress_counts(df: pd.DataFrame, count_cols: Sequence[str], pct_cols: Sequence[str] = (),
                    threshold: int = 5) -> pd.DataFrame:
    """A copy of `df` with small counts shown as "<5" and, in those rows, every percentage blank.

    Percentages are blanked for the whole row because a percentage with its denominator gives
    the hidden count back. Secondary suppression (hiding a second cell so a total cannot reveal
    the first) is not done here.
    """
    out = df.copy()
    small = pd.Series(False, index=df.index)
    for col in count_cols:
        numbers = pd.to_numeric(df[col], errors="coerce")
        small |= (numbers > 0) & (numbers < threshold)
        out[col] = pd.Series([suppress_small(v, threshold) for v in numbers], index=df.index,
                             dtype=object)
    for col in pct_cols:
        out[col] = pd.to_numeric(df[col], errors="coerce").mask(small)
    return out


# --- wording ---

def _decimals(unit: str, decimals: int | float | None) -> int:
    return _DEFAULT_DECIMALS.get(unit, 1) if _missing(decimals) else int(decimals)


def _number(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    # -0.04 to 1 decimal place is "-0.0": no one reads that as anything but zero.
    return text.lstrip("-") if float(text.replace(",", "")) == 0 else text


def format_value(value: Any, unit: str, decimals: int | float | None = None) -> str:
    """A figure as people read it: count "12,400", percent "64.0%" (stored 0-100), rate and
    score with thousands separators, grade as a whole number; missing "–".

    `decimals` defaults per unit (count 0, percent/rate/score 1, grade 0). Text (e.g. a
    suppressed "<5") is shown as it is; an unknown unit is formatted like a rate.
    """
    if isinstance(value, str):
        return value
    if _missing(value):
        return NO_VALUE
    value = float(value)
    if unit == "grade":
        return str(int(round(value)))
    text = _number(value, _decimals(unit, decimals))
    return f"{text}%" if unit == "percent" else text


def format_values(values: Iterable[Any], units: Iterable[str],
                  decimals: Iterable[int | float | None] | None = None) -> list[str]:
    """format_value down a table's column, each value in its own row's unit."""
    values, units = list(values), list(units)
    decimals = [None] * len(values) if decimals is None else list(decimals)
    return [format_value(v, u, d) for v, u, d in zip(values, units, decimals, strict=True)]


def shorten(text: str, width: int) -> str:
    """Text cut at a word to at most `width` characters, ending "…" when cut: a question's
    wording in a chart title, a preview or a drop-down."""
    text = " ".join(str(text).split())
    return text if len(text) <= width else \
        text[: width - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–") + "…"


def breakdown_label(key: Any) -> str:
    """A breakdown key as people read it: "" is the total, "channel:X/Twitter" is
    "Channel: X/Twitter", "event:Glasgow Collaborative Workshop" "Event: Glasgow ..."."""
    if _missing(key) or not str(key):
        return "Total"
    kind, sep, value = str(key).partition(":")
    return f"{kind.replace('_', ' ').capitalize()}: {value}" if sep else str(key)


def _relative_text(relative: float) -> str:
    percent = abs(relative) * 100
    if percent >= 0.95:
        return f"{percent:.0f}%"
    return f"{percent:.1f}%" if percent >= 0.05 else "less than 0.1%"


def describe_change(name: str, area_name: str | None, latest_label: str | None,
                    latest_value: Any, ref_label: str | None, ref_value: Any,
                    unit: str, decimals: int | float | None = None) -> str:
    """One plain sentence for a tile, alt text or a slide, e.g.
    "Glasgow City: social media reach 12,400 in Mar 2024, up 8% on Mar 2023."

    Counts and rates change in per cent of the earlier figure; percentages in percentage
    points (a rise from 50% to 55% is 5 points, not 10%); scores and grades in their own unit.
    """
    def sentence(text: str) -> str:  # without an area the indicator name opens the sentence
        return f"{area_name}: {text}" if area_name else text[:1].upper() + text[1:]

    if _missing(latest_value):
        when = f" in {latest_label}" if latest_label else " yet"
        return sentence(f"no figure for {name}{when}.")
    figure = sentence(f"{name} {format_value(latest_value, unit, decimals)}")
    if latest_label:
        figure += f" in {latest_label}"
    if _missing(ref_value) or not ref_label:
        return f"{figure}. No earlier figure to compare with."
    absolute, relative = change(latest_value, ref_value)
    if unit == "percent":
        points = _number(abs(absolute), _decimals(unit, decimals))
        amount = f"{points} percentage {'point' if points == '1' else 'points'}"
        level = float(points.replace(",", "")) == 0
    elif unit in ("count", "rate") and relative is not None:
        amount = _relative_text(relative)
        level = absolute == 0
    else:  # scores, grades, and a change from zero, where a percentage means nothing
        amount = format_value(abs(absolute), unit, decimals)
        level = float(amount.replace(",", "")) == 0
    if level:
        return f"{figure}, the same as in {ref_label}."
    moved = f"{'up' if absolute > 0 else 'down'} {amount} on {ref_label}"
    if is_level(latest_value, ref_value):  # what the tile's arrow and badge say too
        return f"{figure}: no clear change ({moved})."
    return f"{figure}, {moved}."
