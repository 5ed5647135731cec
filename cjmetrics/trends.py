"""The Trends page's model: one indicator over time for several areas, with its context."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import analysis
from .areas import SCOTLAND, AreaTree
from .config import is_illustrative, joined_sources
from .periods import kind_name, kinds_held, of_kind, parse_period, shown_kind
from .store import Store


@dataclass
class TrendData:
    indicator: dict
    area_codes: list[str]  # the areas asked for, in order
    series: pd.DataFrame  # one row per area and period, oldest first, with area_name
    targets: pd.DataFrame
    annotations: pd.DataFrame
    comparator_code: str | None  # Scotland when it is drawn as a comparator
    comparator_note: str | None  # why Scotland is or is not drawn
    period_range: tuple[str, str] | None  # first and last period shown
    period_type: str | None = None  # the one kind of period drawn (financial_year, month...)
    kinds: list[str] = field(default_factory=list)  # every kind the chosen areas hold

    @property
    def title(self) -> str:
        return self.indicator["name"]

    @property
    def sources(self) -> str:
        return joined_sources(self.series["source"]) or self.indicator.get("source") or ""

    @property
    def illustrative(self) -> bool:
        return is_illustrative(self.sources)

    def table(self) -> pd.DataFrame:
        """The tidy table behind the chart, in the words a lead would use."""
        unit = self.indicator["unit"]
        frame = self.series.assign(
            Area=self.series["area_name"], Period=self.series["period_label"],
            Value=self.series["value"],
        )
        columns = ["Area", "Period", "Value"]
        if frame["lower"].notna().any():
            frame["Lower 95% bound"], frame["Upper 95% bound"] = frame["lower"], frame["upper"]
            columns += ["Lower 95% bound", "Upper 95% bound"]
        if unit == "percent" and frame["numerator"].notna().any():
            frame["Numerator"], frame["Denominator"] = frame["numerator"], frame["denominator"]
            columns += ["Numerator", "Denominator"]
        frame["Source"], frame["Note"] = frame["source"], frame["note"]
        return frame[columns + ["Source", "Note"]].reset_index(drop=True)

    def summary(self, tree: AreaTree | None = None) -> str:
        """One sentence per area asked for: the latest figure and its change, by the Overview
        tile's rule (a month against the same month a year earlier, else the period before)."""
        from .overview import comparison_row

        unit, decimals = self.indicator["unit"], int(self.indicator.get("decimals") or 0)
        sentences = []
        # The last thirteen periods of every area in one pass (a mask per area costs a scan of
        # the whole series each, which adds up with thirty areas of monthly figures): enough
        # for a month and the same month a year earlier.
        recent = dict(tuple(self.series.groupby("area_code", sort=False).tail(13)
                            .groupby("area_code", sort=False))) if len(self.series) else {}
        for code in self.area_codes:
            rows = recent.get(code)
            if rows is None or rows.empty:
                continue
            latest = rows.iloc[-1]
            previous = comparison_row(rows)
            sentences.append(analysis.describe_change(
                self.indicator["short_name"] or self.title, latest["area_name"],
                latest["period_label"], float(latest["value"]),
                None if previous is None else previous["period_label"],
                None if previous is None else float(previous["value"]), unit, decimals))
        return " ".join(sentences)


def own_kind(store: Store, indicator_id: str) -> str | None:
    """The indicator's own reporting period, as the catalogue gives it."""
    indicators = store.indicators()
    kind = indicators.loc[indicators["indicator_id"] == indicator_id, "period_type"]
    return kind.iloc[0] if len(kind) and pd.notna(kind.iloc[0]) else None


def choose_kind(series: pd.DataFrame, area_codes: list[str], own: str | None,
                asked: str | None) -> tuple[str | None, list[str]]:
    """The kind of period to draw and every kind held, judged on the chosen areas' own
    figures (Scotland's only when they hold none)."""
    mine = series[series["area_code"].isin(area_codes)]
    basis = mine if len(mine) else series
    return shown_kind(basis, own, asked), kinds_held(basis)


@dataclass(frozen=True)
class PeriodsHeld:
    """The periods the chosen areas (and Scotland) hold for an indicator, by kind: what the
    "Figures by" control offers and, for the kind chosen, the periods the slider offers."""
    kinds: list[str]  # every kind held, longest first
    default: str | None  # the kind shown unless another is chosen
    labels: dict[str, list[str]]  # kind -> its period labels, oldest first

    def options(self, kind: str | None) -> list[str]:
        """The period labels of `kind`, or of the default kind when `kind` is not held."""
        return self.labels.get(kind if kind in self.labels else self.default, [])


def periods_held(store: Store, indicator_id: str, area_codes: list[str]) -> PeriodsHeld:
    """One read of the indicator's series for the period controls of Trends and Compare."""
    series = store.series([indicator_id], list(dict.fromkeys(area_codes + [SCOTLAND])))
    default, kinds = choose_kind(series, area_codes, own_kind(store, indicator_id), None)
    ordered = series.drop_duplicates(["period_type", "period_start", "period_end"]).sort_values(
        ["period_start", "period_end"])
    labels = {kind: list(of_kind(ordered, kind)["period_label"]) for kind in kinds}
    return PeriodsHeld(kinds, default, labels)


def build_trend(store: Store, indicator_id: str, area_codes: list[str],
                start: str | None = None, end: str | None = None,
                compare_scotland: bool = True, period_type: str | None = None) -> TrendData:
    """Series, targets and annotations for an indicator, limited to a period range, of one
    kind of period: `period_type` when held, else the indicator's own (periods.shown_kind)."""
    indicators = store.indicators().set_index("indicator_id", drop=False)
    if indicator_id not in indicators.index:
        raise KeyError(indicator_id)
    indicator = indicators.loc[indicator_id].to_dict()
    tree = AreaTree(store.areas())
    # Scotland's counts dwarf a council's, so it is only a fair comparator for rates and shares.
    comparable = indicator["unit"] != "count"
    comparator = SCOTLAND if compare_scotland and comparable and SCOTLAND not in area_codes \
        else None
    if compare_scotland and not comparable:
        note = "Scotland is not drawn: its totals are not comparable with an area's counts."
    else:
        note = None
    wanted = list(area_codes) + ([comparator] if comparator else [])
    start_date = parse_period(start).start if start else None
    end_date = parse_period(end).end if end else None
    series = store.series([indicator_id], wanted, start_date, end_date)
    kind, kinds = choose_kind(series, list(area_codes), indicator.get("period_type"), period_type)
    series = of_kind(series, kind).copy()
    series["area_name"] = series["area_code"].map(tree.name)
    series["is_comparator"] = series["area_code"] == comparator
    if comparator and not series["is_comparator"].any():
        comparator, note = None, "No Scotland figure is held for this indicator." \
            if len(kinds) < 2 else f"No Scotland figure is held for {kind_name(kind)}."
    order = {code: i for i, code in enumerate(wanted)}
    series = series.sort_values(["area_code", "period_start", "period_end"],
                                key=lambda s: s.map(order) if s.name == "area_code" else s)
    period_range = None
    if not series.empty:
        ordered = series.sort_values(["period_start", "period_end"])
        period_range = (ordered.iloc[0]["period_label"], ordered.iloc[-1]["period_label"])
    targets = store.targets([indicator_id], list(area_codes))
    targets["area_name"] = targets["area_code"].map(tree.name)
    annotations = store.annotations([indicator_id], list(area_codes))
    annotations["area_name"] = annotations["area_code"].map(tree.name)
    if start_date is not None:
        annotations = annotations[annotations["period_end"] >= pd.Timestamp(start_date)]
    if end_date is not None:
        annotations = annotations[annotations["period_start"] <= pd.Timestamp(end_date)]
    return TrendData(indicator, list(area_codes), series.reset_index(drop=True), targets,
                     annotations.reset_index(drop=True), comparator, note, period_range,
                     kind, kinds)


def indicator_choices(store: Store) -> dict[str, str]:
    """indicator_id -> a label that carries its framework and outcome, in catalogue order, so
    a searchable selectbox reads as a grouped list ("Outcome 1 · Diversion: ...")."""
    choices = {}
    for row in store.indicators().itertuples():
        if pd.notna(row.outcome_number):
            group = f"Outcome {int(row.outcome_number)} · {row.outcome_short_name}"
        elif row.framework_id == "cjpf":
            group = "Performance Framework · Higher-level"
        else:
            group = row.framework_name or row.framework_id
        choices[row.indicator_id] = f"{group}: {row.name}"
    return choices


def areas_with_figures(store: Store, indicator_id: str) -> list[str]:
    """The areas holding figures for an indicator, for marking them in an area picker."""
    return store.areas_with_figures(indicator_id)


def indicator_unit(store: Store, indicator_id: str) -> str | None:
    indicators = store.indicators()
    unit = indicators.loc[indicators["indicator_id"] == indicator_id, "unit"]
    return unit.iloc[0] if len(unit) else None


def figures_label(tree: AreaTree, code: str, holding: set[str]) -> str:
    """An area as an area picker lists it for the chosen indicator: its name, and "no figures"
    when it holds none, so a lead does not pick two empty areas and get an empty chart."""
    name = tree.name(code)
    return name if code in holding else f"{name} · no figures"


OFFERED_AREAS = 3  # areas a Trends page with nothing to draw offers to add, nearest first


def areas_to_offer(tree: AreaTree, chosen: list[str], holding: set[str]) -> list[str]:
    """When none of the chosen areas holds figures for an indicator, the ones that do, in the
    area picker's order with the chosen areas' own first (a partnership's councils, a council's
    partnership, then Scotland), at most OFFERED_AREAS of them."""
    near = [code for area in chosen for code in (*tree.children(area), *tree.lineage(area)[1:])]
    order = list(dict.fromkeys([*near, *tree.selectable()]))
    return [code for code in order if code in holding and code not in chosen][:OFFERED_AREAS]
