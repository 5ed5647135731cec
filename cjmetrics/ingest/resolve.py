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
        return f"Unknown {self.noun} '{text}'{hint}"

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
                    "Use the area's GSS code (e.g. S12000049) or its name as on the Frameworks "
                    "page.")


def indicator_resolver(indicators: pd.DataFrame) -> Resolver:
    entries = [(row.indicator_id, row.name, [row.short_name or ""])
               for row in indicators.itertuples()]
    return Resolver("indicator", entries,
                    "Use an indicator id or name as listed on the Frameworks page (All "
                    "indicators).")
