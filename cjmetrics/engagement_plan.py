"""The Engagement plan page's model: the action plan and distance-travelled scale of
Community Justice Glasgow's engagement strategy.

Activities (level Inform / Consult / Engage, focus communities, status, lead, purpose, dates,
National Standards addressed, attendance, who was involved, learning points) for an area, and a
partnership's councils; counts by level and community; the plan's status at each quarter end;
how well each of the 7 National Standards for Community Engagement is covered; and each
service's stage on the 8-stage distance-travelled scale towards co-production with its history
and stretch target. Plain data, so the page only renders it and tests check the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from .areas import AreaTree
from .config import is_illustrative, joined_sources
from .ingest.engagement_templates import JOIN, SEPARATORS
from .periods import period_containing
from .store import Store

# A standard is "thin" when fewer than THIN_MIN activities, or under THIN_SHARE of them, address it.
THIN_MIN = 2
THIN_SHARE = 0.25
QUARTERS_SHOWN = 12
CO_PRODUCTION = 8


def split(cell) -> list[str]:
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return []
    return [p.strip() for p in SEPARATORS.split(str(cell)) if p.strip()]


def _date(value) -> date | None:
    if value is None or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def list_values(store: Store, list_id: str) -> list[str]:
    """The values of a catalogue list (engagement levels, communities...) in the list's order."""
    lists = store.catalogue_table("lists")
    return list(lists[lists["list_id"] == list_id].sort_values("position")["value"])


@dataclass
class PlanModel:
    area_code: str
    area_name: str
    activities: pd.DataFrame  # one row per activity, lists already split
    levels: list[str]
    communities: list[str]
    statuses: list[str]
    standards: pd.DataFrame  # number, name, description
    council_names: list[str] = field(default_factory=list)

    @property
    def has_activities(self) -> bool:
        return not self.activities.empty

    @property
    def sources(self) -> str:
        return joined_sources(self.activities["source"])

    @property
    def illustrative(self) -> bool:
        return is_illustrative(self.sources)

    def by_level_and_community(self) -> pd.DataFrame:
        """Activities per level and focus community (an activity counts once for each of its
        communities), every combination listed so empty cells show as 0."""
        rows = [(level, community) for level, communities in
                zip(self.activities["level"], self.activities["communities"])
                for community in (communities or ["(none named)"])]
        counts = pd.DataFrame(rows, columns=["level", "community"]).value_counts()
        communities = self.communities + (["(none named)"] if any(
            not c for c in self.activities["communities"]) else [])
        grid = pd.MultiIndex.from_product([self.levels, communities],
                                          names=["level", "community"])
        table = counts.reindex(grid, fill_value=0).rename("activities").reset_index()
        return table.rename(columns={"level": "Level", "community": "Community",
                                     "activities": "Activities"})

    def level_counts(self) -> dict[str, int]:
        counts = self.activities["level"].value_counts()
        return {level: int(counts.get(level, 0)) for level in self.levels}

    def community_counts(self) -> dict[str, int]:
        counts = pd.Series([c for cs in self.activities["communities"] for c in cs],
                           dtype=object).value_counts()
        return {c: int(counts.get(c, 0)) for c in self.communities}

    def status_over_time(self, today: date | None = None) -> pd.DataFrame:
        """The plan at each financial quarter end, up to the current quarter: an activity not
        yet begun is Not started, one marked Complete counts as complete from its end date,
        and anything else begun is In progress (the store keeps the current status only)."""
        today = today or date.today()
        if not self.has_activities:
            return pd.DataFrame(columns=["Quarter", "quarter_end", "Status", "Activities"])
        first = min(self.activities["start"])
        last = period_containing(today, "quarter")
        quarters, current = [], last
        while current.end >= first and len(quarters) < QUARTERS_SHOWN:
            quarters.append(current)
            current = period_containing(current.start.replace(day=1) - pd.Timedelta(days=1),
                                        "quarter")
        rows = []
        for quarter in reversed(quarters):
            counts = dict.fromkeys(self.statuses, 0)
            for activity in self.activities.itertuples():
                if activity.start > quarter.end:
                    status = "Not started"
                elif activity.status == "Complete" and activity.end <= quarter.end:
                    status = "Complete"
                elif activity.status == "Not started":
                    status = "Not started"
                else:
                    status = "In progress"
                counts[status] = counts.get(status, 0) + 1
            rows += [(quarter.label, quarter.end, s, n) for s, n in counts.items()]
        return pd.DataFrame(rows, columns=["Quarter", "quarter_end", "Status", "Activities"])

    def standards_coverage(self) -> pd.DataFrame:
        """Each National Standard with the activities addressing it; `thin` marks the ones
        fewer than THIN_MIN activities (or under THIN_SHARE of them) address."""
        total = len(self.activities)
        counts = pd.Series([s for ss in self.activities["standards"] for s in ss],
                           dtype=object).value_counts()
        rows = []
        for standard in self.standards.itertuples():
            n = int(counts.get(standard.name, 0))
            share = n / total if total else 0.0
            rows.append({"Number": int(standard.number), "Standard": standard.name,
                         "Activities": n, "Share of activities (%)": round(100 * share, 1),
                         "Thin": bool(total) and (n < THIN_MIN or share < THIN_SHARE)})
        return pd.DataFrame(rows)

    def thin_standards(self) -> list[str]:
        coverage = self.standards_coverage()
        return list(coverage.loc[coverage["Thin"], "Standard"])

    def summary(self) -> str:
        levels = ", ".join(f"{n} {level}" for level, n in self.level_counts().items())
        return (f"{len(self.activities)} engagement activities for {self.area_name}: "
                f"{levels}.")

    def table(self) -> pd.DataFrame:
        """The plan as a lead reads it."""
        a = self.activities
        return pd.DataFrame({
            "Area": a["area_name"], "Ref": a["activity_id"], "Activity": a["activity"],
            "Level": a["level"], "Focus communities": a["communities"].map(JOIN.join),
            "Status": a["status"], "Lead": a["lead"], "When": a["when"],
            "National Standards": a["standards"].map(JOIN.join), "Attendance": a["attendance"],
            "Purpose": a["purpose"]})


def activities_frame(store: Store, area_code: str | None, start: date | None = None,
                     end: date | None = None) -> pd.DataFrame:
    """Current activities (of an area and a partnership's councils), lists split, dates as
    dates, and `when` in words ("1 May 2023 to 30 Sep 2023")."""
    tree = AreaTree(store.areas())
    rows = store.engagement_activities(area_code, start, end)
    frame = pd.DataFrame({
        "area_code": rows["area_code"], "area_name": rows["area_code"].map(tree.name),
        "activity_id": rows["activity_id"], "activity": rows["activity"],
        "level": rows["level"], "communities": rows["communities"].map(split),
        "status": rows["status"], "lead": rows["lead"], "purpose": rows["purpose"],
        "start": rows["start_start"].map(_date),
        "end": [_date(e) or _date(s) for e, s in zip(rows["end_end"], rows["start_end"])],
        "start_label": rows["start_label"], "end_label": rows["end_label"],
        "standards": rows["standards"].map(split), "attendance": rows["attendance"],
        "who_involved": rows["who_involved"], "learning_points": rows["learning_points"].map(split),
        "source": rows["source"]})
    frame["when"] = [s if not isinstance(e, str) or e == s else f"{s} to {e}"
                     for s, e in zip(frame["start_label"], frame["end_label"])]
    return frame


def build_plan(store: Store, area_code: str) -> PlanModel:
    tree = AreaTree(store.areas())
    standards = store.catalogue_table("standards").sort_values("number")
    return PlanModel(area_code, tree.name(area_code), activities_frame(store, area_code),
                     list_values(store, "engagement_level"), list_values(store, "community"),
                     list_values(store, "action_status"),
                     standards[["number", "name", "description"]].reset_index(drop=True),
                     [tree.name(c) for c in tree.children(area_code)])


# -- the distance-travelled scale ---------------------------------------------------------------
@dataclass
class StagesModel:
    area_code: str
    area_name: str
    names: dict[int, str]  # stage -> name
    placeholders: list[int]  # stages whose name is still the catalogue's placeholder
    history: pd.DataFrame  # area_name, service, period_start, period_label, stage, target...

    @property
    def has_assessments(self) -> bool:
        return not self.history.empty

    @property
    def sources(self) -> str:
        return joined_sources(self.history["source"])

    @property
    def illustrative(self) -> bool:
        return is_illustrative(self.sources)

    def stage_text(self, stage) -> str:
        """"Stage 8: Co-production"; "Stage 3" while stage 3 has only its placeholder name."""
        if stage is None or pd.isna(stage):
            return "–"
        prefix = f"Stage {int(stage)}"
        name = str(self.names.get(int(stage), "")).strip()
        if not name or name == prefix or name.startswith(prefix + ":"):
            return name or prefix
        return f"{prefix}: {name}"

    def current(self) -> pd.DataFrame:
        """Each service's latest stage, the one before, and its stretch target."""
        rows = []
        for (area, service), group in self.history.groupby(["area_name", "service"], sort=False):
            group = group.sort_values("period_start")
            latest = group.iloc[-1]
            before = group.iloc[-2] if len(group) > 1 else None
            target = latest["target_stage"]
            rows.append({
                "Area": area, "Service": service, "Assessed": latest["period_label"],
                "Current stage": self.stage_text(latest["stage"]),
                "Stage": int(latest["stage"]),
                "Previous stage": None if before is None else self.stage_text(before["stage"]),
                "Change": None if before is None else int(latest["stage"] - before["stage"]),
                "Stretch target": self.stage_text(target),
                "Target stage": None if pd.isna(target) else int(target),
                "Target by": latest["target_label"],
                "Stages to go": None if pd.isna(target) else max(0, int(target - latest["stage"])),
            })
        return pd.DataFrame(rows)

    def summary(self) -> str:
        current = self.current()
        if current.empty:
            return f"No service stage assessments for {self.area_name}."
        met = int((current["Stages to go"] == 0).sum())
        co = int((current["Stage"] >= CO_PRODUCTION).sum())
        return (f"{len(current)} services assessed for {self.area_name}: {co} at co-production "
                f"(stage {CO_PRODUCTION}), {met} at their stretch target; median stage "
                f"{current['Stage'].median():g}.")


def build_stages(store: Store, area_code: str) -> StagesModel:
    tree = AreaTree(store.areas())
    names_frame = store.stage_names()
    names = {int(s): n for s, n in zip(names_frame["stage"], names_frame["name"])}
    # The strategy names only stage 8 (co-production): a bare "Stage 3" is still a placeholder.
    placeholders = [s for s, n in names.items() if str(n).strip() == f"Stage {s}"]
    rows = store.service_stages(area_code)
    history = pd.DataFrame({
        "area_code": rows["area_code"], "area_name": rows["area_code"].map(tree.name),
        "service": rows["service"], "period_start": rows["period_start"].map(_date),
        "period_label": rows["period_label"], "stage": rows["stage"],
        "target_stage": rows["target_stage"], "target_start": rows["target_start"].map(_date),
        "target_label": rows["target_label"], "note": rows["note"], "source": rows["source"]})
    return StagesModel(area_code, tree.name(area_code), names, placeholders, history)


# -- the editable tables (editing.editable hands these kinds here) ---------------------------
def editable_rows(store: Store, kind: str, area_codes: list[str] | None) -> pd.DataFrame:
    """The current rows of an engagement kind in its template's columns, in a lead's words."""
    from .store import ENGAGEMENT_ACTIVITIES, SERVICE_STAGES, SOCIAL_POSTS

    names = dict(zip(store.areas()["area_code"], store.areas()["name"]))
    if kind == "engagement_activities":
        rows = store.current(ENGAGEMENT_ACTIVITIES, area_codes).sort_values(
            ["area_code", "start_start", "activity_id"])
        return pd.DataFrame({
            "area": rows["area_code"].map(names), "activity_id": rows["activity_id"],
            "activity": rows["activity"], "level": rows["level"],
            "communities": rows["communities"], "status": rows["status"],
            "lead": rows["lead"], "purpose": rows["purpose"],
            "start_period": rows["start_label"], "end_period": rows["end_label"],
            "standards": rows["standards"], "attendance": rows["attendance"],
            "who_involved": rows["who_involved"], "learning_points": rows["learning_points"],
            "source": rows["source"]})
    if kind == "service_stages":
        rows = store.current(SERVICE_STAGES, area_codes).sort_values(
            ["area_code", "service", "period_start"])
        return pd.DataFrame({
            "area": rows["area_code"].map(names), "service": rows["service"],
            "period": rows["period_label"], "stage": rows["stage"].astype("Int64"),
            "target_stage": rows["target_stage"].astype("Int64"),
            "target_period": rows["target_label"], "note": rows["note"],
            "source": rows["source"]})
    if kind == "stage_names":
        rows = store.stage_names()
        return pd.DataFrame({"stage": rows["stage"], "name": rows["name"]})
    if kind == "social_posts":
        rows = store.current(SOCIAL_POSTS, area_codes).sort_values(
            ["posted_start", "channel", "post_id"])
        return pd.DataFrame({
            "channel": rows["channel"], "post_id": rows["post_id"],
            "area": rows["area_code"].map(names), "posted": rows["posted_label"],
            "text": rows["text"], "impressions": rows["impressions"],
            "engagements": rows["engagements"], "clicks": rows["clicks"],
            "link": rows["link"], "source": rows["source"]})
    raise KeyError(kind)
