"""Decks for partnership meetings: the charts a lead collects, in order, with a note on each.

A deck item is a chart *spec*: the name of a chart in cjmetrics.chart_registry plus its plain
parameters (indicator, areas, period range...), the very call its page draws the chart with.
Opening a saved deck rebuilds every chart from the store, so next month's meeting reuses this
month's deck with next month's figures. A *snapshot* (a figure and table frozen as JSON, shown
exactly as captured) is still read, for decks saved before every page chart had a name.
"""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

# A deck item names a chart of the registry; the names are kept here for callers of
# cjmetrics.deck.
from .chart_registry import (  # noqa: F401
    CHARTS,
    SOURCE_MARK,
    ChartView,
    build,
    register,
    view_from_figure,
)
from .errors import DeckUnusable
from .store import Store


# -- a deck ---------------------------------------------------------------------------------
@dataclass
class DeckItem:
    """One slide: a registry spec (chart + params) or a frozen snapshot, and the speaker note."""

    chart: str | None = None
    params: dict = field(default_factory=dict)
    snapshot: dict | None = None  # {"figure": plotly JSON, "table": split JSON, "summary": ...}
    note: str = ""
    label: str = ""  # what the deck list calls it, fixed when added
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:10])

    @property
    def is_snapshot(self) -> bool:
        return self.chart is None


@dataclass
class Deck:
    name: str = ""
    partnership: str = ""
    meeting: str = ""
    date: str = ""  # as the lead writes it ("12 June 2025")
    items: list[DeckItem] = field(default_factory=list)
    area: str = ""  # the area code the deck was started for (the slideshow link shows it)
    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])  # the working deck's key

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "Deck":
        try:
            raw = json.loads(text)
            items = [DeckItem(**item) for item in raw.pop("items", [])]
            return cls(**raw, items=items)
        except (ValueError, TypeError) as exc:
            raise DeckUnusable("This saved deck could not be read: it may come from a newer "
                            "cjmetrics. Start a new deck, or update cjmetrics.") from exc

    # Editing: small operations the Present page calls, each returning nothing.
    def add(self, item: DeckItem) -> None:
        self.items.append(item)

    def move(self, item_id: str, step: int) -> None:
        i = self.index(item_id)
        j = max(0, min(len(self.items) - 1, i + step))
        self.items.insert(j, self.items.pop(i))

    def remove(self, item_id: str) -> None:
        self.items.pop(self.index(item_id))

    def index(self, item_id: str) -> int:
        for i, item in enumerate(self.items):
            if item.id == item_id:
                return i
        raise DeckUnusable("That slide is no longer in the deck (it may have been removed in "
                        "another tab). Reload the page.")

    @property
    def heading(self) -> str:
        return self.meeting or self.name or "Partnership meeting"


def spec_item(chart: str, params: dict, *, label: str = "", note: str = "") -> DeckItem:
    if chart not in CHARTS:
        raise DeckUnusable(f"'{chart}' is not a chart the deck knows.")
    json.dumps(params)  # a spec must be plain data, so it can be saved
    return DeckItem(chart=chart, params=dict(params), label=label or CHARTS[chart][0], note=note)


def snapshot_item(fig: go.Figure, table: pd.DataFrame, *, summary: str = "", label: str = "",
                  file_stem: str = "chart", note: str = "") -> DeckItem:
    """Freeze a chart that has no registry entry: it shows the figures as they were when added."""
    snapshot = {"figure": fig.to_json(), "summary": summary, "file_stem": file_stem,
                "table": table.to_json(orient="split", date_format="iso", index=False)}
    title = view_from_figure(fig, table).title
    return DeckItem(snapshot=snapshot, label=label or f"{title} (snapshot)", note=note)


def build_view(store: Store, item: DeckItem, *, large: bool = False) -> ChartView:
    """The chart a slide shows: rebuilt from the store for a spec, thawed for a snapshot."""
    if item.is_snapshot:
        snap = item.snapshot or {}
        fig = pio.from_json(snap["figure"])
        if large:
            from .charts import styled

            styled(fig, large=True)
        table = pd.read_json(io.StringIO(snap["table"]), orient="split")
        return view_from_figure(fig, table, summary=snap.get("summary", ""),
                                file_stem=snap.get("file_stem", "chart"))
    if item.chart not in CHARTS:
        raise DeckUnusable(f"This deck has a slide of a kind this cjmetrics does not know "
                        f"('{item.chart}'). Remove the slide, or update cjmetrics.")
    try:
        return build(store, item.chart, item.params, large=large)
    except KeyError as exc:
        raise DeckUnusable(f"A slide ({item.label}) asks for {exc} which the store no longer "
                        "holds. Remove the slide and add the chart again.") from exc


# -- the standard meeting pack --------------------------------------------------------------
def standard_pack(store: Store, area: str, period: str,
                  progress: Callable[[int, int, str], None] | None = None) -> Deck:
    """Every headline outcome indicator (with the higher-level indicator), the self-assessment
    scores and every headline engagement indicator (with the social media reach by channel)
    for an area, every period held up to PERIOD (so baselines and targets stay in view). Charts
    with no figures for the area are left out. `progress(n, total, name)` is told as each
    indicator is looked at."""
    from .areas import AreaTree
    from .periods import parse_period

    tree = AreaTree(store.areas())
    if area not in set(store.areas()["area_code"]):
        raise DeckUnusable(f"Unknown area '{area}': give an area code such as S12000049 "
                        "(Glasgow City) or CJP-AYR.")
    try:
        end = parse_period(period)
    except Exception as exc:  # noqa: BLE001 - periods raise their own kinds
        raise DeckUnusable(f"'{period}' is not a period cjmetrics can read: write it like "
                        "2024/25 or Mar 2025.") from exc
    indicators = store.indicators()
    headline = indicators[indicators["headline"].fillna(False).astype(bool)]
    deck = Deck(name=f"{tree.name(area)} meeting pack", partnership=tree.name(area),
                meeting=f"Partnership meeting: figures to {end.label}",
                date=date.today().strftime("%-d %B %Y"))
    held = set(store.series(list(headline["indicator_id"]), [area])["indicator_id"])
    total = len(headline) + 1  # and the self-assessment
    for done, row in enumerate(headline.itertuples(), start=1):
        if progress:
            progress(done, total, row.name)
        if row.indicator_id not in held:
            continue
        params = {"indicator": row.indicator_id, "areas": [area], "start": None,
                  "end": end.label, "compare": True}
        view = build(store, "trend", params)
        if view.table.empty:
            continue
        deck.add(spec_item("trend", params, label=f"Trend: {row.name}"))
        if row.indicator_id == "eng_social_reach":
            # Where the reach comes from: its channels, up to the same period.
            mix = channel_mix_spec(store, area, end.end)
            if mix:
                deck.add(spec_item("engagement_channels", mix,
                                   label="Social media reach by channel"))
    if progress:
        progress(total, total, "Self-assessment scores")
    # The sessions held by the pack's period end, like every other chart in it.
    scores = {"area": area, "end": end.label}
    card = build(store, "self_assessment", scores)
    if not card.table.empty:
        # After the outcome indicators, before engagement.
        position = sum(1 for item in deck.items
                       if not item.params.get("indicator", "").startswith("eng_"))
        deck.items.insert(position, spec_item("self_assessment", scores))
    return deck


def channel_mix_spec(store: Store, area: str, end: date) -> dict | None:
    """Params of the social media reach by channel for the quarters up to `end` (the pack's
    "figures to" date), or None when the area holds no channel figures by then."""
    from .engagement import build_engagement

    model = build_engagement(store, area, "quarter")
    held = model.channels[model.channels["indicator_id"] == "eng_social_reach"]
    starts = sorted(s for s in set(held["period_start"]) if s <= end)
    if not starts:
        return None
    return {"area": area, "indicator": "eng_social_reach", "grain": "quarter",
            "period": model.label(starts[-1])}


def item_from_json(text: str) -> DeckItem:
    return DeckItem(**json.loads(text))


def item_json(item: DeckItem) -> str:
    return json.dumps(asdict(item), sort_keys=True)


def view_of(store: Store, item_text: str, large: bool = False) -> ChartView:
    """build_view for an item given as JSON: a plain, hashable argument, so pages can cache it
    on the store's data version (ui.cached)."""
    return build_view(store, item_from_json(item_text), large=large)


# -- saved decks (the store keeps them by name) -----------------------------------------------
def save(store: Store, deck: Deck, name: str) -> None:
    """Save the deck under `name` for the acting user (another user's deck of that name is
    refused: save a copy under a new name)."""
    name = " ".join(name.split())
    if not name:
        raise DeckUnusable("Give the deck a name to save it under, e.g. 'Partnership meeting'.")
    if len(name) > 120:
        raise DeckUnusable("That name is too long: keep a deck's name under 120 characters.")
    deck.name = name
    store.save_own_deck(name, deck.to_json())


def load(store: Store, name: str) -> Deck:
    body = store.deck_body(name)
    if body is None:
        raise DeckUnusable(f"No deck called '{name}' is saved (it may have been deleted).")
    deck = Deck.from_json(body)
    deck.name = name
    return deck


def delete(store: Store, name: str) -> None:
    """Delete a saved deck: its author's or an admin's to delete (the store checks)."""
    if not store.delete_own_deck(name):
        raise DeckUnusable(f"No deck called '{name}' is saved (it may have been deleted "
                        "already).")


def may_delete(store: Store, name: str, actor) -> bool:
    """Whether `actor` (cjmetrics.access.Actor) may delete the saved deck, for the page's button."""
    owner = store.deck_owner(name)
    return owner is None or owner == actor.name or actor.can("admin")


# -- the deck being built (kept in the store as it changes) -----------------------------------
def keep(store: Store, deck: Deck) -> None:
    """Keep the working deck, so a reload, another window or a restart finds it."""
    store.put_working_deck(deck.id, deck.to_json())


def working(store: Store, deck_id: str) -> Deck | None:
    body = store.working_deck(deck_id)
    if body is None:
        return None
    deck = Deck.from_json(body)
    deck.id = deck_id
    return deck


def latest_working(store: Store, owner: str) -> Deck | None:
    """The deck `owner` changed last, if they have one."""
    found = store.latest_working_deck(owner)
    if found is None:
        return None
    deck = Deck.from_json(found[1])
    deck.id = found[0]
    return deck


def saved_names(store: Store) -> list[str]:
    return list(store.decks()["name"])


def latest_period(store: Store, area: str) -> str | None:
    """The latest period any headline indicator has a figure for in the area (the default
    "figures up to" of the standard pack)."""
    indicators = store.indicators()
    headline = indicators[indicators["headline"].fillna(False).astype(bool)]
    series = store.series(list(headline["indicator_id"]), [area])
    if series.empty:
        return None
    return str(series.sort_values(["period_end", "period_start"]).iloc[-1]["period_label"])
