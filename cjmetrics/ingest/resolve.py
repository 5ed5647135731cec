"""Forgiving lookups: what people type for an area or an indicator, mapped to catalogue ids.

Each resolver works on the DISTINCT values of a column (a million rows name a few dozen areas),
and says what it could not match with a did-you-mean suggestion.
"""

from __future__ import annotations

import difflib
import re

import pandas as pd

_NOISE = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, punctuation and spacing folded: 'Glasgow  City' == 'glasgow-city'."""
    return _NOISE.sub(" ", str(text).lower()).strip()


class Resolver:
    """Maps normalised names, codes and aliases to an id; unknown values get a suggestion."""

    def __init__(self, noun: str, entries: list[tuple[str, str, list[str]]], fix: str):
        # entries: (id, display name, other spellings)
        self.noun, self.fix = noun, fix
        self._lookup: dict[str, str] = {}
        self._display: dict[str, str] = {}
        for key, display, spellings in entries:
            self._display[key] = display
            for spelling in [key, display, *spellings]:
                if spelling:
                    self._lookup.setdefault(normalise(spelling), key)

    def display(self, key: str) -> str:
        return self._display.get(key, key)

    def resolve(self, text: str) -> str | None:
        return self._lookup.get(normalise(text)) if text is not None else None

    def suggestion(self, text: str) -> str | None:
        match = difflib.get_close_matches(normalise(text), list(self._lookup), n=1, cutoff=0.6)
        return self._lookup[match[0]] if match else None

    def problem(self, text: str) -> str:
        suggestion = self.suggestion(text)
        hint = f": did you mean {self.describe(suggestion)}?" if suggestion else "."
        shown = text if len(text) <= 60 else text[:60] + "…"  # a 10,000-character cell
        return f"Unknown {self.noun} '{shown}'{hint}"

    def describe(self, key: str) -> str:
        display = self.display(key)
        return display if display == key else f"{display} ({key})"

    def map_distinct(self, values: list[str]) -> pd.DataFrame:
        """raw -> id, or an error message and a fix, for each distinct raw value."""
        rows = []
        for raw in values:
            key = self.resolve(raw)
            rows.append((raw, key, None if key else self.problem(raw), None if key else self.fix))
        return pd.DataFrame(rows, columns=["raw", "id", "problem", "fix"], dtype=object)


def area_resolver(areas: pd.DataFrame) -> Resolver:
    entries = []
    for row in areas.itertuples():
        spellings = [a for a in str(row.aliases or "").split(";") if a.strip()]
        name = row.name
        # "Glasgow" for Glasgow City, "Edinburgh" for City of Edinburgh, "X Council" for X.
        short = re.sub(r"^(city of )|( city)$", "", name, flags=re.I)
        spellings += [short, f"{name} Council", f"{short} Council"]
        entries.append((row.area_code, name, spellings))
    return Resolver("area", entries,
                    AREA_LIST_FIX)


# Where a lead finds the areas: the Areas tab of Frameworks (name, GSS code, partnership).
AREAS_PAGE = "frameworks"
AREA_LIST_FIX = ("Use the area's GSS code (e.g. S12000049) or its name, as listed in the Areas "
                 "tab of the Frameworks page (or run: python -m cjmetrics areas).")


def indicator_resolver(indicators: pd.DataFrame) -> Resolver:
    entries = [(row.indicator_id, row.name, [row.short_name or ""])
               for row in indicators.itertuples()]
    return Resolver("indicator", entries,
                    "Use an indicator id or name as listed on the Frameworks page (All "
                    "indicators).")


# -- every kind of column whose cells name something in the catalogue ------------------------
def _outcome_resolver(store) -> Resolver:
    outcomes = store.outcomes("cjpf")
    entries = [(row.outcome_id, f"Outcome {row.number}: {row.title}",
                [str(row.number), f"ndo {row.number}", f"outcome {row.number}",
                 f"national outcome {row.number}", row.title, row.short_name or ""])
               for row in outcomes.itertuples()]
    return Resolver("national outcome", entries,
                    "Use the outcome's number (1 to 9), its id (ndo1) or its title.")


def _qi_resolver(store) -> Resolver:
    qis = store.catalogue_table("quality_indicators")
    entries = [(row.qi_id, f"QI {row.number} {row.title}",
                [row.number, f"qi {row.number}", f"qi{row.number}", row.title,
                 f"{row.number} {row.title}"])
               for row in qis.itertuples()]
    return Resolver("quality indicator", entries,
                    "Use the quality indicator's number (e.g. 4.1) or title, as on the "
                    "Frameworks page.")


def _item_resolver(store) -> Resolver:
    items = store.catalogue_table("improvement_tool_items")  # numbered in item_id order
    entries = [(row.item_id, row.text, [str(i + 1)]) for i, row in enumerate(items.itertuples())]
    return Resolver("Improvement Tool item", entries,
                    "Use the item's wording as on the Performance Framework page, or its "
                    "number (1, 2).")


def _grade_resolver(store) -> Resolver:
    scale = store.catalogue_table("scales").query("scale_id == 'ci_six_point'")
    entries = [(str(int(row.value)), f"{int(row.value)} {row.label}",
                [row.label, f"{int(row.value)} {row.label}", f"{int(row.value)} - {row.label}"])
               for row in scale.itertuples()]
    return Resolver("grade", entries,
                    "Use a grade from 6 Excellent to 1 Unsatisfactory (the number or the word).")


# -- surveys --
def survey_resolver(store) -> Resolver:
    surveys = store.survey_definitions()["surveys"]
    entries = [(row.survey_id, row.name, [row.short_name or ""]) for row in surveys.itertuples()]
    return Resolver("survey", entries,
                    "Use the survey's id or name as on the Surveys page (e.g. third_sector or "
                    "Third Sector Survey).")
# -- end surveys --


def _choice(noun: str, options: dict[str, list[str]], fix: str):
    return lambda store: Resolver(noun, [(k, k, v) for k, v in options.items()], fix)


LOOKUPS = {
    # kind: (how to build its resolver from the store, the canonical column it fills)
    "indicator": (lambda store: indicator_resolver(store.indicators()), "indicator_id"),
    "area": (lambda store: area_resolver(store.areas()), "area_code"),
    "outcome": (_outcome_resolver, "outcome_id"),
    "qi": (_qi_resolver, "qi_id"),
    "item": (_item_resolver, "item_id"),
    "grade": (_grade_resolver, None),
    "survey": (survey_resolver, "survey_id"),  # surveys
    "flag": (_choice("yes or no", {"yes": ["y", "true", "1", "priority", "x"],
                                    "no": ["n", "false", "0", "not a priority"]},
                     "Write yes or no."), None),
    "unit": (_choice("unit", {"count": ["number", "n"], "percent": ["%", "percentage"],
                              "rate": [], "score": [], "grade": []},
                     "Write count, percent, rate, score or grade."), None),
    "polarity": (_choice("direction", {"higher": ["higher is better", "up", "increase"],
                                       "lower": ["lower is better", "down", "decrease"]},
                         "Write higher (higher is better) or lower (lower is better)."), None),
    "period_type": (_choice("period type",
                            {"financial_year": ["financial year", "year", "annual"],
                             "quarter": ["quarterly"], "month": ["monthly"],
                             "calendar_year": ["calendar year"],
                             "survey_year": ["survey year", "survey"]},
                            "Write financial year, quarter, month, calendar year or survey "
                            "year."), None),
}
