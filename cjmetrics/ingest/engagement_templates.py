"""Upload templates for engagement: social media posts, the engagement plan's
activities, services' distance-travelled stages and the names of those stages.

Registered on import (cjmetrics/ingest/__init__.py), with the lookups their columns need:
engagement levels, plan statuses and channels from the catalogue's lists, and the two
several-values columns (focus communities, National Standards) whose cells hold `;`-separated
names or numbers.
"""

from __future__ import annotations

import re

import pandas as pd

from ..store import ENGAGEMENT_ACTIVITIES, SERVICE_STAGES, SOCIAL_POSTS, STAGE_NAMES
from .resolve import LOOKUPS, Resolver
from .templates import AREA_COLUMN, NOTE_COLUMN, SOURCE_COLUMN, Column, Rule, Template, register

SEPARATORS = re.compile(r"[;\n]+")
JOIN = "; "  # how several values are stored and shown


def _list(store, list_id: str) -> pd.DataFrame:
    lists = store.catalogue_table("lists")
    return lists[lists["list_id"] == list_id].sort_values("position")


def _list_resolver(list_id: str, noun: str):
    def build(store) -> Resolver:
        rows = _list(store, list_id)
        values = list(rows["value"])
        # "X" or "Twitter" for X/Twitter, as platform exports name it.
        entries = [(v, v, [str(int(p)), *v.split("/")])
                   for v, p in zip(rows["value"], rows["position"])]
        return Resolver(noun, entries, f"Write one of: {', '.join(values)}.")
    return build


class MultiResolver:
    """Cells naming several values ("People who have committed offences; 4"): each part is
    resolved on its own, and the cell becomes the values in list order, joined by "; "."""

    def __init__(self, resolver: Resolver, order: list[str]):
        self.resolver, self.order = resolver, order

    def map_distinct(self, values: list[str]) -> pd.DataFrame:
        rows = []
        for raw in values:
            parts = [p.strip() for p in SEPARATORS.split(str(raw)) if p.strip()]
            found, problems = [], []
            for part in parts:
                key = self.resolver.resolve(part)
                if key is None:
                    problems.append(self.resolver.problem(part))
                elif key not in found:
                    found.append(key)
            if problems:
                rows.append((raw, None, " ".join(problems), self.resolver.fix))
            else:
                found.sort(key=lambda k: self.order.index(k) if k in self.order else 99)
                rows.append((raw, JOIN.join(found) if found else None, None, None))
        return pd.DataFrame(rows, columns=["raw", "id", "problem", "fix"], dtype=object)


def _communities(store) -> MultiResolver:
    rows = _list(store, "community")
    names = list(rows["value"])
    entries = [(v, v, [str(int(p)), v.split(" ")[0] if v.startswith("Victims") else ""])
               for v, p in zip(rows["value"], rows["position"])]
    return MultiResolver(Resolver(
        "community", entries,
        "Name focus communities as on the Engagement plan page (or their numbers 1 to 6), "
        f"separated by semicolons: {'; '.join(names)}."), names)


def _standards(store) -> MultiResolver:
    rows = store.catalogue_table("standards").sort_values("number")
    names = list(rows["name"])
    entries = [(name, name, [str(int(n)), sid, f"standard {int(n)}"])
               for sid, n, name in zip(rows["standard_id"], rows["number"], rows["name"])]
    return MultiResolver(Resolver(
        "National Standard", entries,
        "Name National Standards for Community Engagement by name or number (1 to 7), "
        f"separated by semicolons: {'; '.join(names)}."), names)


LOOKUPS.update({
    "engagement_level": (_list_resolver("engagement_level", "engagement level"), None),
    "action_status": (_list_resolver("action_status", "status"), None),
    "channel": (_list_resolver("channel", "channel"), None),
    "communities": (_communities, None),
    "standards": (_standards, None),
})


def _not_negative(*names: str) -> tuple[Rule, ...]:
    return tuple(Rule("error", n, f"{n} < 0", f"_raw_{n}",
                      f"'{n.replace('_', ' ').capitalize()} cannot be negative.'",
                      "'Check the figure.'") for n in names)


SOCIAL_POSTS_TEMPLATE = register(Template(
    "social_posts", "Social media posts",
    "One row per post: its channel and id (as the platform's export gives it), the date, the "
    "area, its text, and its impressions or reach, engagements and link clicks. The top posts "
    "on the Engagement page come from here.",
    (
        Column("channel", "channel", True, "X/Twitter, Facebook, LinkedIn or Instagram",
               "Facebook", ("platform", "network")),
        Column("post_id", "text", True, "The post's id or its link's last part", "1029384756",
               ("post id", "id", "tweet id")),
        AREA_COLUMN,
        Column("posted", "period", True, "Date posted, e.g. 12/03/2024", "12/03/2024",
               ("posted date", "date", "posted on", "published", "date posted")),
        Column("text", "text", False, "The post's text (first words are enough)",
               "Join us at the Recovery Walk", ("post", "post text", "message", "content")),
        Column("impressions", "number", False, "Impressions or reach", "1200",
               ("reach", "views")),
        Column("engagements", "number", False, "Likes, shares, replies and clicks", "85",
               ("engagement", "interactions")),
        Column("clicks", "number", False, "Link clicks", "14", ("link clicks",)),
        Column("link", "text", False, "The post's address", "", ("url", "permalink")),
        SOURCE_COLUMN,
    ),
    SOCIAL_POSTS, primary=True,
    rules=_not_negative("impressions", "engagements", "clicks") + (
        Rule("warning", "engagements", "engagements > impressions AND impressions > 0",
             "_raw_engagements", "'More engagements than impressions.'",
             "'Check the two columns are not swapped.'"),
        # Only web addresses become live links: a javascript: or file: "link" would run or
        # open something on the viewer's machine when clicked.
        Rule("error", "link", "link IS NOT NULL AND NOT regexp_full_match(link, "
             "'(?i)https?://[^\\s]+')", "_raw_link",
             "'This link is not a web address (http:// or https://).'",
             "'Copy the post''s address from the browser (it starts with https://), or leave "
             "the link blank.'"),),
))

ACTIVITIES_TEMPLATE = register(Template(
    "engagement_activities", "Engagement plan activities",
    "The engagement action plan (as in Community Justice Glasgow's engagement strategy): "
    "one row per activity, with its level (Inform, "
    "Consult, Engage), focus communities and National Standards (several, separated by "
    "semicolons), status, lead, purpose, dates, attendance, who was involved and learning "
    "points. The participation statement is written from these rows.",
    (
        AREA_COLUMN,
        Column("activity_id", "text", True, "Your short reference for the activity; keep it "
               "when you update the row", "GCJ-01", ("ref", "reference", "activity ref", "id")),
        Column("activity", "text", True, "What is the engagement activity (brief description)",
               "Third sector forum on the CJOIP", ("engagement activity", "description")),
        Column("level", "engagement_level", True, "Inform, Consult or Engage", "Consult",
               ("engagement level", "level of engagement")),
        Column("communities", "communities", False,
               "Focus communities (Community Justice Glasgow's engagement strategy), separated "
               "by semicolons, or their numbers 1 to 6",
               "Third sector organisations; Public sector organisations",
               ("focus communities", "community", "focus of engagement", "who")),
        Column("status", "action_status", True, "Not started, In progress or Complete",
               "In progress", ("status of plan", "progress")),
        Column("lead", "text", False, "Lead person", "Engagement officer",
               ("lead person", "owner")),
        Column("purpose", "text", False, "What is expected to be achieved",
               "Increased participation of third sector organisations",
               ("expected achievement", "purpose and expected achievement", "achievement")),
        Column("start_period", "period", True, "When it starts or took place: a date, month or "
               "year", "01/04/2024", ("start", "start date", "from", "date")),
        Column("end_period", "period", False, "When it ends (blank: the same as the start)",
               "31/03/2025", ("end", "end date", "to", "until")),
        Column("standards", "standards", False,
               "National Standards for Community Engagement addressed, by name or number (1 "
               "to 7), separated by semicolons", "Inclusion; Working together; Impact",
               ("national standards", "standards addressed", "nsce")),
        Column("attendance", "number", False, "How many people took part", "41",
               ("attended", "participants", "attendees")),
        Column("who_involved", "text", False, "Who was involved (organisations, groups)",
               "Police Scotland; Turning Point Scotland", ("who was involved", "partners")),
        Column("learning_points", "text", False, "Learning points, separated by semicolons",
               "Identified a gap in information for families",
               ("learning", "learning point", "lessons", "what we learned")),
        SOURCE_COLUMN,
    ),
    ENGAGEMENT_ACTIVITIES,
    rules=_not_negative("attendance") + (
        # Cast: a file without an end column maps it to text, and text and dates do not compare.
        Rule("error", "end_period", "TRY_CAST(end_end AS DATE) < TRY_CAST(start_start AS DATE)",
             "_raw_end_period",
             "'The activity ends before it starts.'", "'Check the start and end dates.'"),),
))

SERVICE_STAGES_TEMPLATE = register(Template(
    "service_stages", "Service stages (distance travelled)",
    "Where a service stands on the distance-travelled scale towards co-production (stage 1 to "
    "8, from Community Justice Glasgow's engagement strategy) at an assessment, with its "
    "stretch target stage and when it should be met.",
    (
        AREA_COLUMN,
        Column("service", "text", True, "The service assessed", "Unpaid work",
               ("service name",)),
        Column("period", "period", True, "When it was assessed: a date, month or year",
               "2024/25", ("assessed", "assessment date", "date", "year")),
        Column("stage", "number", True, "Stage 1 to 8 (8 = co-production)", "4",
               ("current stage", "distance travelled"), bounds="distance_travelled"),
        Column("target_stage", "number", False, "The stretch target stage", "6",
               ("stretch target", "target"), bounds="distance_travelled"),
        Column("target_period", "period", False, "When the target should be met", "2026/27",
               ("target year", "by")),
        NOTE_COLUMN, SOURCE_COLUMN,
    ),
    SERVICE_STAGES,
    rules=(
        Rule("error", "stage", "stage <> round(stage)", "_raw_stage",
             "'A stage is a whole number.'", "'Write a stage from 1 to 8.'"),
        Rule("error", "target_stage", "target_stage <> round(target_stage)", "_raw_target_stage",
             "'A target stage is a whole number.'", "'Write a stage from 1 to 8.'"),
        Rule("warning", "target_stage", "target_stage < stage", "_raw_target_stage",
             "'The target stage is below the current stage.'",
             "'Check the target: a stretch target is usually above where the service is.'"),
    ),
))

STAGE_NAMES_TEMPLATE = register(Template(
    "stage_names", "Distance-travelled stage names",
    "The names of the 8 stages of the distance-travelled scale (stage 8 = co-production). The "
    "strategy does not name stages 1 to 7, so the names shipped are placeholders to replace.",
    (
        Column("stage", "number", True, "1 to 8", "8", (), bounds="distance_travelled"),
        Column("name", "text", True, "The stage's name", "Co-production", ("stage name",)),
    ),
    STAGE_NAMES, primary=False,
    rules=(Rule("error", "stage", "stage <> round(stage)", "_raw_stage",
                "'A stage is a whole number.'", "'Write a stage from 1 to 8.'"),),
))

ENGAGEMENT_KINDS = ("social_posts", "engagement_activities", "service_stages", "stage_names")
