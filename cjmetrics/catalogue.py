"""The reference frameworks as the Frameworks page shows them."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .store import Store

UNCONFIRMED = "Wording not confirmed"
# The catalogue's own instruction to whoever maintains it, which a chart's reader has no use for.
_MAINTAINERS_WORDS = re.compile(r"^Wording not confirmed: edit this row to match the published "
                                r"(\w+)\.\s*")


def readers_note(description: str) -> str:
    """An unconfirmed indicator's description as a chart's reader needs it: "Wording not
    confirmed against the published framework: ..." without the catalogue's "edit this row"."""
    return _MAINTAINERS_WORDS.sub(
        lambda m: f"Wording not confirmed against the published {m.group(1)}: ", description)


@dataclass
class Catalogue:
    outcomes: pd.DataFrame  # the 9 national outcomes with their indicators listed
    aims: pd.DataFrame
    priority_actions: pd.DataFrame  # with aim title and mapped outcome numbers
    quality_indicators: pd.DataFrame
    grade_scale: pd.DataFrame
    standards: pd.DataFrame
    indicators: pd.DataFrame
    improvement_items: pd.DataFrame
    opif: pd.DataFrame
    areas: pd.DataFrame  # what an upload's area column may hold: name, GSS code, partnership


PERIOD_TYPES = {"financial_year": "Financial year", "month": "Month", "quarter": "Quarter",
                "calendar_year": "Calendar year", "survey_year": "Survey year"}
POLARITY = {"higher": "Higher", "lower": "Lower"}


def area_table(areas: pd.DataFrame) -> pd.DataFrame:
    """Every area an upload may name: its name, its GSS code (partnerships have none, only a
    local CJP- code, which uploads accept too), the partnership it belongs to, and other names."""
    names = dict(zip(areas["area_code"], areas["name"]))
    levels = dict(zip(areas["area_code"], areas["level"]))

    def partnership(row) -> str:
        if row.level == "partnership":
            return row.name
        if row.level == "council":  # a council parented to Scotland is a partnership of its own
            parent = row.parent_code
            return names[parent] if levels.get(parent) == "partnership" else f"{row.name} (its own)"
        return ""

    areas = areas.sort_values(["sort_order", "name"])
    return pd.DataFrame({
        "Area": areas["name"],
        "GSS code": [code if not code.startswith("CJP-") else f"{code} (local, no GSS code)"
                     for code in areas["area_code"]],
        "Partnership": [partnership(r) for r in areas.itertuples()],
        "Also accepted": areas["aliases"].fillna("").str.replace(";", "; "),
    })


def build_catalogue(store: Store) -> Catalogue:
    outcomes = store.outcomes()
    indicators = store.indicators()
    ndo = outcomes[outcomes["framework_id"] == "cjpf"].copy()
    names = indicators.groupby("outcome_id")["name"].agg(lambda s: "; ".join(s))
    ndo["Indicators"] = ndo["outcome_id"].map(names).fillna("")
    aims = outcomes[outcomes["framework_id"] == "nscj"]
    actions = store.catalogue_table("priority_actions").sort_values("number")
    number_of = dict(zip(outcomes["outcome_id"], outcomes["number"]))
    actions["Outcomes"] = actions["outcome_ids"].fillna("").map(
        lambda ids: ", ".join(str(number_of.get(i, i)) for i in ids.split(";") if i))
    actions["Aim"] = actions["aim_id"].map(dict(zip(aims["outcome_id"], aims["number"])))
    scales = store.catalogue_table("scales")
    return Catalogue(
        outcomes=ndo.rename(columns={"number": "Outcome", "title": "National outcome"})[
            ["Outcome", "National outcome", "Indicators"]],
        aims=aims.rename(columns={"number": "Aim", "title": "National aim"})[
            ["Aim", "National aim"]],
        priority_actions=actions.rename(columns={"number": "Action", "text": "Priority action",
                                                 "confirmed": "Wording confirmed"})[
            ["Aim", "Action", "Priority action", "Outcomes", "Wording confirmed"]],
        quality_indicators=store.catalogue_table("quality_indicators").sort_values("number"),
        grade_scale=scales[scales["scale_id"] == "ci_six_point"].sort_values(
            "value", ascending=False)[["value", "label"]].rename(
            columns={"value": "Grade", "label": "Meaning"}),
        standards=store.catalogue_table("standards").sort_values("number")[
            ["number", "name", "description"]].rename(
            columns={"number": "Standard", "name": "Name", "description": "Statement"}),
        indicators=indicators.rename(columns={
            "name": "Indicator", "framework_name": "Framework", "unit": "Unit",
            "polarity": "Better when", "period_type": "Period", "source": "Source",
            "confirmed": "Wording confirmed"}).assign(
            Period=lambda f: f["Period"].map(PERIOD_TYPES).fillna(f["Period"]),
            **{"Better when": lambda f: f["Better when"].map(POLARITY).fillna(f["Better when"])})[
            ["Indicator", "Framework", "Unit", "Better when", "Period", "Source",
             "Wording confirmed"]],
        improvement_items=store.catalogue_table("improvement_tool_items")[["text"]].rename(
            columns={"text": "Local evidence item"}),
        opif=outcomes[outcomes["framework_id"] == "opif"].rename(
            columns={"title": "Outcome", "kind": "Kind"})[["Kind", "Outcome"]],
        areas=area_table(store.areas()),
    )
