"""The Performance Framework page's model: the 9 national outcomes as a scorecard for an area.

For each outcome: its indicators as Overview tiles (latest figure, trend, status against target),
whether the area's improvement plan makes it a priority, and the partnership's own
self-assessment scores over time. Also the National Strategy's aims and priority actions with the
outcomes mapped to them, and the Improvement Tool items with the area's evidence notes.

Plain data only, so the page just renders it and tests can check every number.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from . import analysis
from .areas import AreaTree
from .config import is_illustrative, joined_sources
from .overview import Tile, indicator_tiles
from .store import EVIDENCE_NOTES, PRIORITY_OUTCOMES, SELF_ASSESSMENTS, Store

FRAMEWORK = "cjpf"
STRATEGY = "nscj"
SELF_ASSESSMENT_SCALE = "self_assessment"
DEFAULT_SCALE = (1.0, 10.0)


@dataclass
class ScorePoint:
    """One self-assessment session's score for an outcome."""

    period_label: str  # "12 Mar 2024"
    period_start: date
    score: float
    note: str | None = None
    source: str | None = None


@dataclass
class Scale:
    minimum: float
    maximum: float
    labels: dict[float, str] = field(default_factory=dict)  # score -> its label

    def text(self, score: float) -> str:
        """A score as people write it: 8, or 7.5."""
        return f"{score:g}"

    @property
    def out_of(self) -> str:
        return f"out of {self.maximum:g}" if self.minimum in (0, 1) else \
            f"on a {self.minimum:g} to {self.maximum:g} scale"


@dataclass
class OutcomeCard:
    outcome_id: str
    number: int
    title: str
    short_name: str
    tiles: list[Tile]
    priority: bool = False
    priority_note: str | None = None
    scores: list[ScorePoint] = field(default_factory=list)  # oldest session first
    action_numbers: list[int] = field(default_factory=list)  # strategy actions mapped to it

    @property
    def heading(self) -> str:
        return f"{self.number} · {self.short_name}"

    @property
    def latest_score(self) -> ScorePoint | None:
        return self.scores[-1] if self.scores else None

    @property
    def previous_score(self) -> ScorePoint | None:
        return self.scores[-2] if len(self.scores) > 1 else None

    @property
    def score_change(self) -> float | None:
        """Latest score minus the previous session's (None with fewer than two sessions)."""
        if self.previous_score is None:
            return None
        return self.latest_score.score - self.previous_score.score

    def score_text(self, scale: Scale) -> str:
        """"7 → 8 (out of 10)", or "8 (out of 10)" after a single session."""
        if self.latest_score is None:
            return "No self-assessment yet"
        latest = scale.text(self.latest_score.score)
        if self.previous_score is not None:
            latest = f"{scale.text(self.previous_score.score)} → {latest}"
        return f"{latest} ({scale.out_of})"

    def score_change_text(self) -> str | None:
        """"up 1 since 12 Mar 2024", "the same as 12 Mar 2024" or None."""
        change = self.score_change
        if change is None:
            return None
        since = self.previous_score.period_label
        if change == 0:
            return f"the same as {since}"
        return f"{'up' if change > 0 else 'down'} {abs(change):g} since {since}"

    @property
    def has_figures(self) -> bool:
        return any(t.has_data for t in self.tiles)


@dataclass
class PriorityAction:
    number: int
    text: str
    outcome_numbers: list[int]
    confirmed: bool


@dataclass
class StrategyAim:
    number: int
    short_name: str
    title: str
    actions: list[PriorityAction]

    @property
    def outcome_numbers(self) -> list[int]:
        return sorted({n for action in self.actions for n in action.outcome_numbers})

    @property
    def label(self) -> str:
        """"Aim 1 · Diversion and early intervention (outcomes 1, 2)"."""
        numbers = self.outcome_numbers
        mapped = f" (outcome{'s' if len(numbers) > 1 else ''} " \
            f"{', '.join(map(str, numbers))})" if numbers else ""
        return f"Aim {self.number} · {self.short_name}{mapped}"

    def table(self, priorities: list[int] | None = None) -> pd.DataFrame:
        """The aim's priority actions, with the national outcomes each serves (★ marks an
        outcome the area's improvement plan prioritises)."""
        starred = set(priorities or [])
        return pd.DataFrame({
            "Action": [a.number for a in self.actions],
            "Priority action": [a.text for a in self.actions],
            "National outcomes": [", ".join(f"{n}{' ★' if n in starred else ''}"
                                            for n in a.outcome_numbers) or "none mapped"
                                  for a in self.actions],
            "Wording confirmed": [a.confirmed for a in self.actions]})


@dataclass
class EvidenceItem:
    number: int
    item_id: str
    text: str
    outcome_number: int | None
    notes: pd.DataFrame  # Date, Evidence, Source: the area's notes, oldest first


@dataclass
class Scorecard:
    area_code: str
    area_name: str
    outcomes: list[OutcomeCard]
    higher_level: list[Tile]  # framework indicators tied to no single outcome
    scale: Scale
    aims: list[StrategyAim]
    evidence: list[EvidenceItem]
    rag_legend: str
    own_bands: list[str]  # one sentence per indicator that sets its own bands

    @property
    def tiles(self) -> list[Tile]:
        return [t for card in self.outcomes for t in card.tiles] + self.higher_level

    @property
    def has_figures(self) -> bool:
        return any(t.has_data for t in self.tiles)

    @property
    def has_own_figures(self) -> bool:
        """Whether the area holds any figure itself (not only a parent's, shown for it)."""
        return any(t.has_data and t.area_code == self.area_code for t in self.tiles)

    @property
    def has_scores(self) -> bool:
        return any(card.scores for card in self.outcomes)

    @property
    def priorities(self) -> list[int]:
        return [card.number for card in self.outcomes if card.priority]

    @property
    def sessions(self) -> list[tuple[date, str]]:
        """Every self-assessment session held, oldest first."""
        held = {(p.period_start, p.period_label) for card in self.outcomes for p in card.scores}
        return sorted(held)

    @property
    def score_sources(self) -> str:
        return joined_sources(p.source for card in self.outcomes for p in card.scores) \
            or "Partnership self-assessment"

    @property
    def illustrative(self) -> bool:
        return any(t.illustrative for t in self.tiles) or \
            is_illustrative(self.score_sources)

    def sessions_up_to(self, end: date) -> Scorecard:
        """The same scorecard with only the self-assessment sessions held on or before `end`: a
        meeting pack "figures to Mar 2025" shows the scores the partnership had by then."""
        return replace(self, outcomes=[
            replace(card, scores=[p for p in card.scores if p.period_start <= end])
            for card in self.outcomes])

    def self_assessment_table(self) -> pd.DataFrame:
        """The tidy table behind the self-assessment chart."""
        rows = [{"Outcome": card.number, "National outcome": card.short_name,
                 "Session": p.period_label, "Date": p.period_start, "Score": p.score,
                 "Out of": self.scale.maximum, "Priority": "yes" if card.priority else "no",
                 "Note": p.note, "Source": p.source}
                for card in self.outcomes for p in card.scores]
        columns = ["Outcome", "National outcome", "Session", "Date", "Score", "Out of",
                   "Priority", "Note", "Source"]
        return pd.DataFrame(rows, columns=columns)

    def self_assessment_summary(self) -> str:
        """One sentence for the chart's text alternative."""
        scored = [card for card in self.outcomes if card.scores]
        if not scored:
            return f"{self.area_name} has recorded no self-assessment scores yet."
        sessions = self.sessions
        latest = sessions[-1][1]
        up = [card.number for card in scored if (card.score_change or 0) > 0]
        down = [card.number for card in scored if (card.score_change or 0) < 0]
        parts = [f"{self.area_name}: self-assessment scores for {len(scored)} national "
                 f"outcome{'s' if len(scored) != 1 else ''} at {len(sessions)} session"
                 f"{'s' if len(sessions) != 1 else ''}, the latest on {latest}"]
        if len(sessions) > 1:
            parts.append(f"scores rose for {_numbers(up) or 'no outcome'} and fell for "
                         f"{_numbers(down) or 'no outcome'} since the session before")
        return "; ".join(parts) + "."


def _numbers(numbers: list[int]) -> str:
    if not numbers:
        return ""
    words = [str(n) for n in numbers]
    listed = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"outcome{'s' if len(words) > 1 else ''} {listed}"


def _share(band: float) -> str:
    return f"{band * 100:g}%"


def rag_legend(defaults: dict[str, float]) -> str:
    """The status bands in words, from the global default bands (shares of target)."""
    green, amber = _share(defaults["rag_green"]), _share(defaults["rag_amber"])
    return (f"{analysis.RAG_LABELS['green']}: at or above {green} of target; "
            f"{analysis.RAG_LABELS['amber']}: {amber} to {green}; "
            f"{analysis.RAG_LABELS['red']}: below {amber}; "
            f"{analysis.RAG_LABELS['none']}: no target set for the area. For lower-is-better "
            "indicators the share is target ÷ figure.")


def own_band_notes(indicators: pd.DataFrame) -> list[str]:
    """A sentence per indicator that sets its own bands instead of the defaults."""
    own = indicators[indicators["rag_own"].fillna(False).astype(bool)]
    return [f"{row.short_name or row.name}: {analysis.RAG_LABELS['green'].lower()} at "
            f"{_share(row.rag_green)}, {analysis.RAG_LABELS['amber'].lower()} at "
            f"{_share(row.rag_amber)} of target."
            for row in own.itertuples()]


def self_assessment_scale(store: Store) -> Scale:
    """The self-assessment scale from the catalogue (scales 'self_assessment'); 1 to 10 when
    the catalogue holds none."""
    rows = store.catalogue_table("scales")
    rows = rows[rows["scale_id"] == SELF_ASSESSMENT_SCALE]
    values = pd.to_numeric(rows["value"], errors="coerce")
    if values.notna().sum() == 0:
        return Scale(*DEFAULT_SCALE)
    return Scale(float(values.min()), float(values.max()),
                 {float(v): str(label) for v, label in zip(values, rows["label"]) if pd.notna(v)})


def _text(value) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) \
        else str(value)


def build_scorecard(store: Store, area_code: str) -> Scorecard:
    """The scorecard of the 9 national outcomes for one area."""
    tree = AreaTree(store.areas())
    area_name = tree.name(area_code)
    outcomes = store.outcomes()
    ndos = outcomes[outcomes["framework_id"] == FRAMEWORK].sort_values("number")
    number_of = {o: int(n) for o, n in zip(ndos["outcome_id"], ndos["number"])}

    indicators = store.indicators()
    in_outcome = indicators["outcome_id"].isin(list(number_of))
    framework = indicators[(indicators["framework_id"] == FRAMEWORK) | in_outcome]
    tiles = dict(zip(framework["indicator_id"],
                     indicator_tiles(store, framework, area_code, tree)))
    by_outcome = framework.groupby("outcome_id", sort=False)["indicator_id"].agg(list)

    priorities = store.current(PRIORITY_OUTCOMES, [area_code])
    flagged = {row.outcome_id: _text(row.note) for row in priorities.itertuples()
               if str(row.priority).strip().lower() == "yes"}

    scores = store.current(SELF_ASSESSMENTS, [area_code]).sort_values(
        ["outcome_id", "period_start", "period_end"])
    scores = scores[scores["score"].notna()]

    actions = store.catalogue_table("priority_actions").sort_values("number")
    mapped: dict[str, list[str]] = {}  # action -> the national outcomes it serves
    actions_for: dict[str, list[int]] = {}  # outcome -> the numbers of its actions
    for row in actions.itertuples():
        ids = [o.strip() for o in (_text(row.outcome_ids) or "").split(";")]
        mapped[row.action_id] = [o for o in ids if o in number_of]
        for outcome_id in mapped[row.action_id]:
            actions_for.setdefault(outcome_id, []).append(int(row.number))

    cards = []
    for row in ndos.itertuples():
        own_scores = scores[scores["outcome_id"] == row.outcome_id]
        cards.append(OutcomeCard(
            row.outcome_id, int(row.number), row.title, row.short_name or row.title,
            [tiles[i] for i in by_outcome.get(row.outcome_id, [])],
            priority=row.outcome_id in flagged, priority_note=flagged.get(row.outcome_id),
            scores=[ScorePoint(s.period_label, pd.Timestamp(s.period_start).date(),
                               float(s.score), _text(s.note), _text(s.source))
                    for s in own_scores.itertuples()],
            action_numbers=actions_for.get(row.outcome_id, [])))
    higher_level = [tiles[i] for i in framework.loc[~in_outcome[framework.index],
                                                     "indicator_id"]]

    aims = []
    for aim in outcomes[outcomes["framework_id"] == STRATEGY].sort_values("number").itertuples():
        own = actions[actions["aim_id"] == aim.outcome_id]
        aims.append(StrategyAim(int(aim.number), aim.short_name or aim.title, aim.title, [
            PriorityAction(int(a.number), a.text, [number_of[o] for o in mapped[a.action_id]],
                           bool(a.confirmed) if pd.notna(a.confirmed) else False)
            for a in own.itertuples()]))

    items = store.catalogue_table("improvement_tool_items")  # numbered in item_id order
    notes = store.current(EVIDENCE_NOTES, [area_code]).sort_values(
        ["period_start", "period_end"])
    evidence = []
    for number, item in enumerate(items.itertuples(), start=1):
        own = notes[notes["item_id"] == item.item_id]
        evidence.append(EvidenceItem(
            number, item.item_id, item.text, number_of.get(item.outcome_id),
            pd.DataFrame({"Date": own["period_label"], "Evidence": own["note"],
                          "Source": own["source"]}).reset_index(drop=True)))

    return Scorecard(area_code, area_name, cards, higher_level, self_assessment_scale(store),
                     aims, evidence, rag_legend(store.rag_defaults()), own_band_notes(framework))
