"""The Compare areas page's model: one indicator for the chosen area beside other areas.

The latest period the chosen areas have in common is ranked (best first, so descending when
higher is better and ascending when lower is better); when they share no period each area's own
latest figure is used and labelled with its period. A partnership's councils, when chosen with
it, are grouped under it and ranked among themselves: a partnership's count is the sum of its
councils', so ranking them together would mislead. Scotland is a reference, never ranked, and
is only shown for rates and shares (its totals dwarf an area's counts). Lines over time come
from trends.build_trend over the same areas.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import analysis
from .areas import SCOTLAND, AreaTree
from .config import each_source, is_illustrative, joined_sources
from .periods import of_kind, shown_kind
from .store import Store
from .trends import TrendData, build_trend, choose_kind

NOT_COMPARABLE = "Scotland is not shown: its totals are not comparable with an area's counts."
PER = 10_000  # counts compared as rates per 10,000 population
POPULATION = "population"  # the reference indicator holding mid-year population estimates
POPULATION_KIND = "calendar_year"
NO_SCOTLAND = "No Scotland figure is held for this indicator."

RANKING_COLUMNS = ["area_code", "area_name", "label", "parent_code", "parent_name", "grouped",
                   "rank", "ranked_among", "value", "value_text", "period_label",
                   "period_start", "is_focus", "source"]


@dataclass
class Reference:
    """Scotland's figure drawn as a reference line."""

    value: float
    value_text: str
    period_label: str
    source: str | None = None  # where Scotland's figure was published (or that it is a demo's)


@dataclass
class Comparison:
    indicator: dict
    focus_code: str  # the area the page is about (highlighted)
    area_codes: list[str]  # the areas asked for, Scotland excepted, in order
    ranking: pd.DataFrame  # display order: RANKING_COLUMNS
    period_label: str | None  # the period ranked, when the areas share one
    scotland: Reference | None
    scotland_note: str | None
    missing: list[str]  # names of chosen areas with no figure for the indicator
    trend: TrendData
    area_names: dict[str, str]
    per_population: bool = False  # counts shown as rates per 10,000 population
    population_note: str | None = None  # which population estimates the rates use
    no_population: list[str] = field(default_factory=list)  # areas left out: none held

    @property
    def title(self) -> str:
        return self.indicator["name"]

    @property
    def common_period(self) -> bool:
        return self.period_label is not None

    @property
    def ascending(self) -> bool:
        return self.indicator["polarity"] == "lower"

    @property
    def order_text(self) -> str:
        return "lowest first (lower is better)" if self.ascending else \
            "highest first (higher is better)"

    @property
    def focus_name(self) -> str:
        return self.area_names.get(self.focus_code, self.focus_code)

    @property
    def sources(self) -> str:
        """The sources of every figure the chart draws: the areas' bars and Scotland's line."""
        cells = list(self.ranking["source"])
        if self.scotland is not None:
            cells.append(self.scotland.source)
        return joined_sources(cells) or self.indicator.get("source") or ""

    @property
    def area_sources(self) -> str:
        """The sources of the areas' bars alone."""
        return joined_sources(self.ranking["source"]) or self.indicator.get("source") or ""

    @property
    def scotland_source(self) -> str | None:
        """Where Scotland's line comes from, when none of the bars comes from there too."""
        own = self.scotland.source if self.scotland is not None else None
        return own if own and own not in each_source(self.area_sources) else None

    @property
    def illustrative(self) -> bool:
        return is_illustrative(self.sources)

    def table(self) -> pd.DataFrame:
        """The tidy table behind the ranked bar chart, Scotland last when shown."""
        frame = pd.DataFrame({
            "Rank": self.ranking["rank"], "Area": self.ranking["area_name"],
            "Ranked among": self.ranking["ranked_among"],
            "Period": self.ranking["period_label"], "Value": self.ranking["value"],
            "Source": self.ranking["source"]})
        if self.per_population:
            frame = frame.rename(columns={"Value": f"Per {PER:,} population"})
            frame.insert(5, "Number", self.ranking["count"])
            frame.insert(6, "Population", self.ranking["population"])
            frame.insert(7, "Population estimate", self.ranking["population_label"])
        if self.scotland is not None:
            frame = pd.concat([frame, pd.DataFrame([{
                "Rank": None, "Area": "Scotland (reference, not ranked)",
                "Ranked among": "", "Period": self.scotland.period_label,
                "Value": self.scotland.value,
                f"Per {PER:,} population": self.scotland.value,
                "Source": self.scotland.source}])],
                ignore_index=True)
            if not self.per_population:
                frame = frame.drop(columns=[f"Per {PER:,} population"])
        frame["Rank"] = frame["Rank"].astype("Int64")
        return frame

    def summary(self) -> str:
        """One sentence for the chart's text alternative."""
        name = self.indicator["short_name"] or self.title
        if self.ranking.empty:
            return f"No figures are held for {name} in the areas chosen."
        focus = self.ranking[self.ranking["is_focus"]]
        when = f" in {self.period_label}" if self.common_period else \
            " (each area's latest figure)"
        if focus.empty:
            top = self.ranking.iloc[0]
            sentence = (f"{name}{when}: {top['area_name']} ranks first with "
                        f"{top['value_text']}.")
        else:
            row = focus.iloc[0]
            peers = int((self.ranking["ranked_among"] == row["ranked_among"]).sum())
            if peers > 1 and pd.notna(row["rank"]):
                sentence = (f"{name}{when}: {row['area_name']} ranks {int(row['rank'])} of "
                            f"{peers} {row['ranked_among']} with {row['value_text']}.")
            else:
                sentence = f"{name}{when}: {row['area_name']} {row['value_text']}."
            councils = self.ranking[self.ranking["grouped"]
                                    & (self.ranking["parent_code"] == self.focus_code)]
            if len(councils):
                listed = ", ".join(f"{c.area_name} {c.value_text}"
                                   for c in councils.itertuples())
                sentence += f" Its councils, best first: {listed}."
        if self.scotland is not None:
            sentence += f" Scotland: {self.scotland.value_text} in {self.scotland.period_label}."
        return sentence


def default_areas(store: Store, area_code: str) -> list[str]:
    """The chosen area and its partnership siblings: a partnership with its councils, a council
    with the other councils of its partnership, and an area directly under Scotland with the
    other areas under Scotland that hold figures."""
    tree = AreaTree(store.areas())
    has_data = dict(zip(tree.frame["area_code"], tree.frame.get("has_data", False)))
    children = [c for c in tree.selectable() if tree.parent(c) == area_code]
    if area_code != SCOTLAND and children:
        return [area_code] + children
    parent = tree.parent(area_code)
    if area_code == SCOTLAND:
        siblings = [c for c in children if has_data.get(c)]
        return siblings or [area_code]
    siblings = [c for c in tree.selectable() if tree.parent(c) == parent and c != area_code
                and c != SCOTLAND]
    if parent in (None, SCOTLAND):
        siblings = [c for c in siblings if has_data.get(c)]
    return [area_code] + siblings


def _rank(values: pd.Series, ascending: bool) -> pd.Series:
    return values.rank(method="min", ascending=ascending).astype(int)


def populations(store: Store, tree: AreaTree, codes: list[str]) -> pd.DataFrame:
    """Population estimates (area_code, period_start, period_label, value, source) for the
    areas: a council's as held, a partnership's the sum of its councils' for a year every one
    of them holds, Scotland's as held."""
    councils = {c: tree.children(c) for c in codes}
    wanted = sorted(set(codes) | {k for kids in councils.values() for k in kids})
    held = store.series([POPULATION], wanted)
    # Mid-year estimates: a figure of another kind of period is not a population to divide by.
    held = of_kind(held, shown_kind(held, POPULATION_KIND))
    frames = [held[held["area_code"].isin(codes)]]
    for code, kids in councils.items():
        if not kids or code == SCOTLAND or (held["area_code"] == code).any():
            continue
        own = held[held["area_code"].isin(kids)]
        years = own.groupby(["period_start", "period_label"]).agg(
            value=("value", "sum"), areas=("area_code", "nunique"),
            source=("source", "first")).reset_index()
        years = years[years["areas"] == len(kids)].drop(columns="areas")
        frames.append(years.assign(area_code=code))
    columns = ["area_code", "period_start", "period_label", "value", "source"]
    return pd.concat([f[columns] for f in frames], ignore_index=True)


def _instant(dates: pd.Series) -> pd.Series:
    """Dates as one datetime type, so an as-of join can compare them whatever their source."""
    return pd.to_datetime(dates).astype("datetime64[ns]")


def per_population(series: pd.DataFrame, pops: pd.DataFrame) -> pd.DataFrame:
    """Rows of `series` as rates per 10,000 population (value), keeping the count, the
    population and the estimate's year; rows for areas with no population are dropped. Each
    row uses the area's latest estimate dated on or before the row's period end (else its
    earliest), matched in one as-of join rather than a search per row."""
    columns = list(series.columns) + ["count", "population", "population_label"]
    if series.empty or pops.empty:
        return pd.DataFrame(columns=columns)
    estimates = pops.assign(_when=_instant(pops["period_start"]))[
        ["area_code", "_when", "value", "period_label"]].rename(
        columns={"value": "population", "period_label": "population_label"}).assign(
        _dated=True).sort_values("_when", kind="stable")
    rows = series.reset_index(drop=True).assign(
        _row=lambda f: range(len(f)), _when=_instant(series["period_end"]).to_numpy())
    matched = pd.merge_asof(rows.sort_values("_when", kind="stable"), estimates, on="_when",
                            by="area_code", direction="backward")
    earliest = estimates.drop_duplicates("area_code", keep="first").set_index("area_code")
    before = matched["_dated"].isna()  # no estimate dated on or before the period's end
    for column in ("population", "population_label"):
        matched[column] = matched[column].where(~before,
                                                matched["area_code"].map(earliest[column]))
    matched = matched[matched["area_code"].isin(earliest.index)
                      & (matched["population"] != 0)].sort_values("_row")
    out = matched.assign(count=matched["value"], population=matched["population"].astype(float))
    out["value"] = out["count"] / out["population"] * PER
    return out[columns].reset_index(drop=True)


def _population_note(pops: pd.DataFrame, used: pd.DataFrame) -> str | None:
    if used.empty:
        return None
    years = ", ".join(sorted(set(used["population_label"])))
    sources = "; ".join(sorted(set(pops["source"].dropna())))
    return (f"Rates per {PER:,} population use the mid-{years} population estimates "
            f"({sources}); a partnership's population is the sum of its councils'.")


def build_comparison(store: Store, indicator_id: str, area_codes: list[str],
                     include_scotland: bool = True,
                     per_10000: bool = True, period_type: str | None = None) -> Comparison:
    """Rank the chosen areas on one indicator and gather their lines over time, of one kind of
    period (`period_type` when held, else the indicator's own). The first area is the one the
    page is about. Counts are compared as rates per 10,000 population unless
    `per_10000` is False: a large council's count is not a better result than a small one's."""
    indicators = store.indicators().set_index("indicator_id", drop=False)
    if indicator_id not in indicators.index:
        raise KeyError(indicator_id)
    indicator = indicators.loc[indicator_id].to_dict()
    as_rates = indicator["unit"] == "count" and per_10000
    if as_rates:
        indicator = dict(indicator, unit="rate", decimals=1,
                         name=f"{indicator['name']} per {PER:,} population",
                         short_name=f"{indicator['short_name'] or indicator['name']} "
                                    f"per {PER:,} population")
    unit, decimals = indicator["unit"], indicator.get("decimals")
    ascending = indicator["polarity"] == "lower"
    tree = AreaTree(store.areas())
    chosen = list(dict.fromkeys(area_codes))
    include_scotland = include_scotland or SCOTLAND in chosen
    areas = [c for c in chosen if c != SCOTLAND]
    focus = areas[0] if areas else SCOTLAND

    series = store.series([indicator_id], areas + [SCOTLAND])
    kind, _ = choose_kind(series, areas, indicator.get("period_type"), period_type)
    series = of_kind(series, kind)
    pops, no_population = None, []
    if as_rates:
        pops = populations(store, tree, areas + [SCOTLAND])
        counted = set(series["area_code"])
        series = per_population(series, pops)
        no_population = [tree.name(c) for c in areas
                         if c in counted and c not in set(series["area_code"])]
    scotland_rows = series[series["area_code"] == SCOTLAND]
    series = series[series["area_code"].isin(areas)]
    held = [c for c in areas if (series["area_code"] == c).any()]
    missing = [tree.name(c) for c in areas if c not in held and tree.name(c) not in no_population]

    # The latest period every area holding figures has; otherwise each area's own latest.
    periods = [set(zip(g["period_start"], g["period_end"]))
               for _, g in series.groupby("area_code")]
    common = set.intersection(*periods) if periods else set()
    if common:
        start, end = max(common)
        latest = series[(series["period_start"] == start) & (series["period_end"] == end)]
    else:
        latest = series.sort_values(["period_start", "period_end"]).groupby("area_code").tail(1)
    period_label = latest["period_label"].iloc[0] if common else None

    rows = latest.set_index("area_code").reindex(held).reset_index()
    for column in ("count", "population", "population_label"):
        if column not in rows:
            rows[column] = None
    rows["area_name"] = rows["area_code"].map(tree.name)
    rows["parent_code"] = rows["area_code"].map(tree.parent)
    rows["parent_name"] = rows["parent_code"].map(lambda p: tree.name(p) if p else None)
    # A council is grouped under its partnership when that partnership is shown too.
    rows["grouped"] = rows["parent_code"].isin(held) & (rows["parent_code"] != SCOTLAND)
    rows["value_text"] = rows["value"].map(lambda v: analysis.format_value(v, unit, decimals))
    rows["is_focus"] = rows["area_code"] == focus
    rows["rank"] = pd.array([pd.NA] * len(rows), dtype="Int64")
    rows["ranked_among"] = ""
    top = ~rows["grouped"]
    # Top-level areas (partnerships, single-council partnerships) are ranked among themselves.
    # A partnership shown alone with its councils is their total: above them, never ranked.
    alone_with_councils = top.sum() == 1 and rows["grouped"].any()
    if alone_with_councils:
        rows.loc[top, "ranked_among"] = "total of its councils"
    elif top.any():
        rows.loc[top, "rank"] = _rank(rows.loc[top, "value"], ascending)
        rows.loc[top, "ranked_among"] = "areas compared"
    for parent, group in rows[rows["grouped"]].groupby("parent_code"):
        rows.loc[group.index, "rank"] = _rank(group["value"], ascending)
        rows.loc[group.index, "ranked_among"] = f"councils of {tree.name(parent)}"
    rows["label"] = rows["area_name"]
    if not common:
        rows["label"] = rows["area_name"] + " (" + rows["period_label"] + ")"
    rows.loc[rows["grouped"], "label"] = "└ " + rows.loc[rows["grouped"], "label"]

    ordered = []
    tops = rows[top].assign(_name=lambda f: f["area_name"],
                            _rank=lambda f: f["rank"].fillna(0)).sort_values(["_rank", "_name"])
    for row in tops.itertuples():
        ordered.append(row.Index)
        councils = rows[rows["grouped"] & (rows["parent_code"] == row.area_code)]
        ordered.extend(councils.assign(_name=councils["area_name"]).sort_values(
            ["rank", "_name"]).index)
    columns = RANKING_COLUMNS + ["count", "population", "population_label"]
    ranking = rows.loc[ordered, columns].reset_index(drop=True) if ordered else \
        pd.DataFrame(columns=columns)

    reference, note = None, None
    if include_scotland:
        if unit == "count":
            note = NOT_COMPARABLE
        elif scotland_rows.empty:
            note = NO_SCOTLAND
        else:
            same = scotland_rows[scotland_rows["period_label"] == period_label] \
                if common else scotland_rows.iloc[0:0]
            row = (same if len(same) else scotland_rows).iloc[-1]
            reference = Reference(float(row["value"]),
                                  analysis.format_value(row["value"], unit, decimals),
                                  row["period_label"],
                                  None if pd.isna(row["source"]) else str(row["source"]))
            if common and row["period_label"] != period_label:
                note = (f"Scotland's latest figure is for {row['period_label']}: none is held "
                        f"for {period_label}.")

    trend = build_trend(store, indicator_id, areas or [SCOTLAND],
                        compare_scotland=include_scotland and not as_rates, period_type=kind)
    if as_rates:  # the lines over time in the same rates as the bars
        trend.indicator = indicator
        trend.series = per_population(trend.series, pops).reset_index(drop=True)
        trend.comparator_note = None
    names = {c: tree.name(c) for c in chosen + [SCOTLAND]}
    return Comparison(indicator, focus, areas, ranking, period_label, reference, note, missing,
                      trend, names, as_rates,
                      _population_note(pops, ranking) if as_rates else None, no_population)
