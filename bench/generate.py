"""A deterministic national-scale store for the page benchmark.

    .venv/bin/python bench/generate.py OUT.duckdb [--years 10] [--scale 1.0]

What it holds (every figure invented, source "Illustrative benchmark data - not official
statistics"), for the 32 councils, the partnership(s) and Scotland of the catalogue:
- every catalogue indicator for every area, a monthly figure for each of the last `years`
  years, plus each non-monthly indicator's own periods (financial years, quarters), and channel
  breakdowns (5 channels) of the social-media counts;
- targets for every indicator and area, and a few annotations;
- 20 imports of figures: 12 loading them year by year, 8 revising about 5% of them, and 2 of
  the revising imports undone;
- 2,000,000 social media posts (Facebook, Instagram, LinkedIn, X/Twitter, YouTube), one a day
  period each, bigger areas posting more, heavy-tailed impressions;
- 20 surveys: the 4 shipped definitions (data/surveys/) and waves 2 to 5 of each (same
  questions, options and matrix rows; each wave over its own two financial years), 200,000
  respondents over them and the councils by size, each answering every question as an upload
  would store it (option ids, several joined by ';', one row per matrix row, free text from
  ~30%), and the number invited per survey, area and year;
- 2,000 engagement plan activities with the catalogue's levels, statuses, focus communities
  and National Standards, and 3 to 6 services per area with a yearly distance-travelled stage
  and stretch target (the stage names stay the catalogue's).
`--scale` multiplies the posts, respondents and activities (the tests use a tiny store).

Everything is written through the store's own write paths: `Store.commit_rows` (one
transaction with its import record and audit entry per load, as an upload) and `undo_import`.
The item-level rows are built in DuckDB (INSERT ... SELECT over range(n), choices from hash())
into a TEMP table that commit_rows writes, so the whole store takes well under a minute.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: cjmetrics comes from the project folder

from cjmetrics.bootstrap import initialise  # noqa: E402
from cjmetrics.periods import Period, period_containing  # noqa: E402
from cjmetrics.store import (  # noqa: E402
    ANNOTATIONS,
    ENGAGEMENT_ACTIVITIES,
    OBSERVATIONS,
    SERVICE_STAGES,
    SOCIAL_POSTS,
    SURVEY_ANSWERS,
    SURVEY_INVITATIONS,
    TARGETS,
    RevisedTable,
    StagedRows,
    Store,
    close_all,
)

SOURCE = "Illustrative benchmark data - not official statistics"
# As the social media templates store them (the catalogue's list; X is "X/Twitter").
CHANNELS = ("Facebook", "Instagram", "LinkedIn", "X/Twitter", "YouTube")
CHANNEL_INDICATORS = ("eng_social_reach", "eng_social_engagements")
LAST_YEAR_START = 2015  # financial years 2015/16 .. 2024/25 for years=10
WHO = "cjmetrics benchmark"

# Item-level rows at scale 1; --scale multiplies them (tests use a tiny scale).
BULK_ROWS = {"social_posts": 2_000_000, "survey_respondents": 200_000,
             "engagement_activities": 2_000}


def _periods(kind: str, years: int) -> list[Period]:
    first = dt.date(LAST_YEAR_START + 10 - years, 4, 1)
    kind = kind if kind in ("month", "quarter", "financial_year", "calendar_year",
                            "calendar_quarter") else "financial_year"
    out, day = [], first
    end = dt.date(LAST_YEAR_START + 10, 3, 31)
    while day <= end:
        p = period_containing(day, kind)
        out.append(p)
        day = p.end + dt.timedelta(days=1)
    return out


def _frame(rows: list[tuple], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


def observation_grid(store: Store, years: int) -> pd.DataFrame:
    """Every figure, with the financial year it belongs to (imports load a year at a time)."""
    rng = np.random.default_rng(20261122)
    indicators = store.indicators()
    tree = store.areas()[["area_code", "level", "parent_code"]]
    areas = list(tree["area_code"])
    frames = []
    for ind in indicators.itertuples():
        kinds = ["month"] + ([ind.period_type] if ind.period_type != "month" else [])
        for kind in kinds:
            periods = _periods(kind, years)
            breakdowns = [""] + ([f"channel:{c}" for c in CHANNELS]
                                 if ind.indicator_id in CHANNEL_INDICATORS and kind == "month"
                                 else [])
            n = len(areas) * len(periods) * len(breakdowns)
            grid = pd.MultiIndex.from_product(
                [areas, range(len(periods)), breakdowns],
                names=["area_code", "p", "breakdown"]).to_frame(index=False)
            base = rng.uniform(50, 5000, len(areas)) if ind.unit == "count" else \
                rng.uniform(40, 90, len(areas))
            level = np.repeat(base, len(periods) * len(breakdowns))
            trend = 1 + 0.002 * grid["p"].to_numpy()
            noise = rng.normal(1, 0.08, n)
            value = level * trend * noise
            if ind.unit == "percent":
                value = np.clip(value, 0, 100).round(1)
            else:
                value = np.maximum(value, 0).round(0)
                value[grid["breakdown"].to_numpy() != ""] = \
                    (value[grid["breakdown"].to_numpy() != ""] / len(CHANNELS)).round(0)
            grid["value"] = value
            _add_up(grid, tree, ind.unit, len(breakdowns) > 1)
            grid["indicator_id"] = ind.indicator_id
            grid["period_start"] = [periods[i].start for i in grid["p"]]
            grid["period_end"] = [periods[i].end for i in grid["p"]]
            grid["period_label"] = [periods[i].label for i in grid["p"]]
            grid["period_type"] = kind
            grid["year"] = [periods[i].start.year - (periods[i].start.month < 4)
                            for i in grid["p"]]
            frames.append(grid)
    rows = pd.concat(frames, ignore_index=True)
    for column in ("numerator", "denominator", "lower", "upper"):
        rows[column] = np.nan
    rows["note"] = None
    rows["source"] = SOURCE
    return rows


def _add_up(grid: pd.DataFrame, tree: pd.DataFrame, unit: str, channels: bool) -> None:
    """Make the figures add up as real ones do: a total is the sum of its channels, and a
    partnership's (Scotland's) count the sum of its (all) councils'; a percentage the mean."""
    if channels:
        parts = grid[grid["breakdown"] != ""].groupby(["area_code", "p"])["value"].sum()
        totals = grid["breakdown"] == ""
        grid.loc[totals, "value"] = grid.loc[totals, ["area_code", "p"]].merge(
            parts.reset_index(), on=["area_code", "p"], how="left")["value"].to_numpy()
    councils = tree[tree["level"] == "council"]
    how = "sum" if unit == "count" else "mean"
    for row in tree[tree["level"] != "council"].itertuples():
        members = list(councils["area_code"]) if row.level == "country" else \
            list(councils.loc[councils["parent_code"] == row.area_code, "area_code"])
        if not members:
            continue
        rolled = grid[grid["area_code"].isin(members)].groupby(["p", "breakdown"])["value"] \
            .agg(how).round(1 if unit != "count" else 0)
        mine = grid["area_code"] == row.area_code
        grid.loc[mine, "value"] = grid.loc[mine, ["p", "breakdown"]].merge(
            rolled.reset_index(), on=["p", "breakdown"], how="left")["value"].to_numpy()


def generate(path: Path, years: int = 10, scale: float = 1.0) -> dict[str, int]:
    started = time.perf_counter()
    path.unlink(missing_ok=True)
    store = initialise(path, demo=False)
    grid = observation_grid(store, years)
    cols = list(OBSERVATIONS.columns)
    first_years = sorted(grid["year"].unique())
    # 12 loading imports: the first years one at a time, the rest split in two halves each.
    batches = [grid[grid["year"] == y] for y in first_years]
    while len(batches) < 12:
        biggest = max(range(len(batches)), key=lambda i: len(batches[i]))
        b = batches.pop(biggest)
        half = len(b) // 2
        batches[biggest:biggest] = [b.iloc[:half], b.iloc[half:]]
    for i, batch in enumerate(batches, 1):
        store.commit_rows(OBSERVATIONS, batch[cols], kind="indicator_values",
                          file_name=f"national-load-{i:02d}.csv", sha256=None, who=WHO,
                          summary="Benchmark load")
    # 8 revising imports of ~5% of the figures each; two of them undone.
    rng = np.random.default_rng(8)
    revising = []
    for i in range(8):
        sample = grid.sample(frac=0.05, random_state=100 + i).copy()
        sample["value"] = (sample["value"] * rng.uniform(0.9, 1.1, len(sample))).round(1)
        result = store.commit_rows(OBSERVATIONS, sample[cols], kind="indicator_values",
                                   file_name=f"national-revision-{i + 1:02d}.csv", sha256=None,
                                   who=WHO, summary="Benchmark revision")
        revising.append(result.import_id)
    for import_id in (revising[2], revising[6]):
        store.undo_import(import_id, who=WHO)
    # Targets and annotations (in the 12th loading import's period range; their own imports
    # are not counted among the 20 figure imports).
    indicators = store.indicators()
    areas = list(store.areas()["area_code"])
    last = _periods("financial_year", years)
    # Baselines on the scale of each area's own first-year figures (monthly ones per month),
    # targets 10% better.
    first = grid[(grid["breakdown"] == "") & (grid["year"] == first_years[0])
                 & (grid["period_type"] == "month")]
    base = first.groupby(["indicator_id", "area_code"])["value"].mean().round(1).to_dict()
    targets = _frame([(i, a, last[0].label, last[0].start, last[0].end, base.get((i, a)),
                       "2025/26", dt.date(2025, 4, 1), dt.date(2026, 3, 31),
                       None if base.get((i, a)) is None else
                       round(base[(i, a)] * (1.1 if p == "higher" else 0.9), 1), None, SOURCE)
                      for i, p in zip(indicators["indicator_id"], indicators["polarity"])
                      for a in areas], TARGETS.columns)
    store.commit_rows(TARGETS, targets, kind="targets", file_name="national-targets.csv",
                      sha256=None, who=WHO)
    notes = _frame([(i, a, p.start, p.end, p.label, f"Benchmark note for {p.label}", SOURCE)
                    for i in indicators["indicator_id"][:6] for a in areas[:5]
                    for p in last[::3]], ANNOTATIONS.columns)
    store.commit_rows(ANNOTATIONS, notes, kind="annotations",
                      file_name="national-annotations.csv", sha256=None, who=WHO)
    counts = {"observations": int(store.scalar("SELECT count(*) FROM observations"))}
    # The item-level tables, each one import through Store.commit_rows.
    bulk = {name: max(1, round(rows * scale)) for name, rows in BULK_ROWS.items()}
    counts["social_posts"] = posts(store, years, bulk["social_posts"])
    counts.update(surveys(store, years, bulk["survey_respondents"]))
    counts["engagement_activities"] = activities(store, years, bulk["engagement_activities"])
    counts["service_stages"] = service_stages(store, years)
    close_all()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


# -- shared: areas weighted by size, day labels, staged commits ---------------------------------
# Approximate populations in thousands (mid-2021 estimates, rounded), only to make bigger areas
# post, answer surveys and run activities more. An area not listed weighs 100.
POPULATION = {
    "S12000033": 227, "S12000034": 262, "S12000041": 116, "S12000035": 86, "S12000036": 527,
    "S12000005": 52, "S12000006": 148, "S12000042": 148, "S12000008": 122, "S12000045": 109,
    "S12000010": 108, "S12000011": 96, "S12000014": 161, "S12000047": 374, "S12000049": 636,
    "S12000017": 238, "S12000018": 77, "S12000019": 94, "S12000020": 96, "S12000013": 26,
    "S12000021": 134, "S12000050": 341, "S12000023": 22, "S12000048": 153, "S12000038": 180,
    "S12000026": 116, "S12000027": 23, "S12000028": 112, "S12000029": 321, "S12000030": 94,
    "S12000039": 88, "S12000040": 184,
}
SLOTS = 1000  # an area is picked as slot hash % SLOTS, each area owning slots by its weight


def area_weights(store: Store, partnerships: bool) -> pd.DataFrame:
    """area_code, name, weight: the councils (and, when asked, the partnerships, which post and
    run activities on behalf of their councils: half their councils' weight)."""
    tree = store.areas()
    councils = tree[tree["level"] == "council"].copy()
    councils["weight"] = councils["area_code"].map(POPULATION).fillna(100.0)
    frames = [councils]
    if partnerships:
        parts = tree[tree["level"] == "partnership"].copy()
        parts["weight"] = [0.5 * councils.loc[councils["parent_code"] == code, "weight"].sum()
                           or 100.0 for code in parts["area_code"]]
        frames.append(parts)
    return pd.concat(frames, ignore_index=True)[["area_code", "name", "weight"]]


def area_slots(weights: pd.DataFrame) -> pd.DataFrame:
    """SLOTS rows (slot, area_code, name, weight): an equi-join on hash % SLOTS picks an area
    with probability proportional to its weight."""
    cumulative = weights["weight"].cumsum().to_numpy()
    points = (np.arange(SLOTS) + 0.5) / SLOTS * cumulative[-1]
    picked = weights.iloc[np.searchsorted(cumulative, points)].reset_index(drop=True)
    return picked.assign(slot=np.arange(SLOTS))


def _span(years: int) -> tuple[dt.date, dt.date]:
    return dt.date(LAST_YEAR_START + 10 - years, 4, 1), dt.date(LAST_YEAR_START + 10, 3, 31)


def _uniform(*parts: str) -> str:
    """SQL: a deterministic uniform number in (0, 1) from hash(parts)."""
    return f"((hash({', '.join(parts)}) % 1000003) + 0.5) / 1000003.0"


DAY_LABEL = "'%-d %b %Y'"  # strftime of a day period's label, "5 Mar 2024" (periods._day)


def _commit_sql(store: Store, spec: RevisedTable, sql: str, *, kind: str, name: str,
                tables: dict[str, pd.DataFrame] | None = None) -> int:
    """Build the rows with one SELECT into a TEMP table on a Stage and commit them
    through the store's own path (Store.commit_rows: one transaction, its import record and
    audit entry), as an upload is. `tables` are small frames the SELECT joins."""
    with store.staging() as stage:
        for table, frame in (tables or {}).items():
            stage.load_frame(table, frame)
        stage.define("bench_rows", f"SELECT {', '.join(spec.columns)} FROM ({sql})")
        rows = stage.count("bench_rows")
        store.commit_rows(spec, StagedRows(stage, "bench_rows", rows), kind=kind,
                          file_name=f"national-{name}.csv", sha256=None, who=WHO,
                          summary="Benchmark load")
        return rows


# -- social media posts -------------------------------------------------------------------------
# (channel, share of posts, post id prefix, typical impressions of a post)
POST_CHANNELS = (("Facebook", 0.30, "fb", 900), ("X/Twitter", 0.30, "x", 700),
                 ("Instagram", 0.15, "ig", 600), ("LinkedIn", 0.15, "li", 400),
                 ("YouTube", 0.10, "yt", 300))
POST_TOPICS = (
    "unpaid work in the community", "the Recovery Walk", "Community Justice Awareness Week",
    "our partnership meeting", "the community justice outcome improvement plan",
    "volunteering with justice services", "support for families of people in custody",
    "our annual report", "a survey: have your say", "diversion from prosecution",
    "housing advice on release from custody", "employability support", "victims' services",
    "the women's justice service", "a new community garden made by unpaid work",
    "our newsletter", "a training day for partners", "throughcare support",
)


def posts(store: Store, years: int, rows: int) -> int:
    """Post-level rows over 5 channels, bigger areas posting more, more posts in later years;
    impressions heavy-tailed (log-normal), engagements a small share of them, clicks of those."""
    slots = area_slots(area_weights(store, partnerships=True))
    first, last = _span(years)
    days = (last - first).days + 1
    shares = np.cumsum([share for _, share, _, _ in POST_CHANNELS])

    def pick(k: int) -> str:
        """SQL: field k of the channel u_channel falls on (the last one takes the rest)."""
        values = [f"'{c[k]}'" if isinstance(c[k], str) else str(c[k]) for c in
                  ((ch, prefix, typical) for ch, _, prefix, typical in POST_CHANNELS)]
        whens = " ".join(f"WHEN u_channel < {upper:.4f} THEN {v}"
                         for upper, v in zip(shares[:-1], values[:-1]))
        return f"CASE {whens} ELSE {values[-1]} END"
    topics = pd.DataFrame({"k": range(len(POST_TOPICS)), "topic": POST_TOPICS})
    sql = f"""
        WITH p AS (
            SELECT i, s.area_code, s.name, s.weight,
                   {_uniform('i', "'channel'")} AS u_channel,
                   DATE '{first}' + CAST(floor({days} * sqrt({_uniform('i', "'day'")}))
                                         AS INTEGER) AS posted,
                   sqrt(-2 * ln({_uniform('i', "'z1'")}))
                       * cos(2 * pi() * {_uniform('i', "'z2'")}) AS z,
                   {_uniform('i', "'rate'")} AS u_rate, {_uniform('i', "'click'")} AS u_click,
                   hash(i, 'topic') % {len(POST_TOPICS)} AS k
            FROM range({rows}) r(i) JOIN bench_slots s ON s.slot = hash(i, 'area') % {SLOTS}),
        q AS (
            SELECT p.*, {pick(0)} AS channel, {pick(1)} AS prefix,
                   round({pick(2)} * sqrt(weight / 100) * exp(1.1 * z)) AS impressions
            FROM p)
        SELECT channel, prefix || '-' || lpad(CAST(i AS VARCHAR), 7, '0') AS post_id,
               area_code, posted AS posted_start, posted AS posted_end,
               strftime(posted, {DAY_LABEL}) AS posted_label,
               'Post about ' || t.topic || ' in ' || name AS text,
               impressions,
               round(impressions * (0.005 + 0.08 * u_rate * u_rate)) AS engagements,
               round(round(impressions * (0.005 + 0.08 * u_rate * u_rate))
                     * (0.05 + 0.35 * u_click)) AS clicks,
               'https://example.org/' || lower(area_code) || '/posts/' || prefix || '-'
                   || lpad(CAST(i AS VARCHAR), 7, '0') AS link,
               '{SOURCE}' AS source
        FROM q JOIN bench_topics t USING (k)"""
    return _commit_sql(store, SOCIAL_POSTS, sql, kind="social_posts", name="social-posts",
                       tables={"bench_slots": slots, "bench_topics": topics})


# -- surveys --------------------------------------------------------------------------------------
WAVES = 5  # the shipped definitions are wave 1; waves 2..5 are benchmark copies of them
FREE_TEXT_SHARE = 30  # per cent of respondents who write something in a free-text box
SKIP_SHARE = 4  # per cent who leave a choice question unanswered
# Free-text boxes that follow an answer: (survey, question) -> (question, option) it follows.
FOLLOW_UPS = {("statutory_partner", "q2_barriers"): ("q2", "no"),
              ("third_sector", "q2_other"): ("q2", "other")}
FOLLOW_UP_SHARE = 80  # per cent of those who gave that answer who write something
FREE_TEXTS = (
    "More joint training with partners would help.", "Clearer information about local services.",
    "Regular meetings with the third sector interface.", "Earlier involvement in planning.",
    "Funding that lasts longer than a year.", "Better sharing of information between partners.",
    "A named contact in each organisation.", "More chances for people with lived experience "
    "to take part.", "Shorter surveys, please.", "Feedback on what changed after we took part.",
    "Community events in the evening, not only in working hours.",
    "Plain language in the plan and the reports.", "Support for families is hard to find.",
    "Unpaid work projects are visible and valued locally.", "Nothing to add.",
    "Transport to meetings is a barrier in rural areas.", "Co-location of services works well.",
    "The partnership newsletter is useful.",
)


def survey_definitions(store: Store) -> pd.DataFrame:
    """Add waves 2..5 of every shipped survey (same questions, options and matrix rows, ids
    `<survey>_w<n>`), so there are 20. Returns (idx, survey_id, model_id, wave) in order."""
    defs = store.survey_definitions()
    models = list(defs["surveys"]["survey_id"])
    waves = [(m, w) for m in models for w in range(1, WAVES + 1)]
    with store.transaction(role="admin", doing="add the benchmark's survey waves") as cur:
        for wave in range(2, WAVES + 1):
            suffix = f"_w{wave}"
            cur.execute(f"""
                INSERT OR IGNORE INTO surveys
                SELECT survey_id || '{suffix}', name || ', wave {wave} (benchmark)',
                       short_name || ', wave {wave}', audience, kind,
                       100 + 10 * sort_order + {wave}, source,
                       'Wave {wave} of the ' || name || ', invented for the national-scale '
                       || 'benchmark (same questions). ' || coalesce(description, '')
                FROM surveys WHERE survey_id IN (SELECT unnest($models::VARCHAR[]))""",
                {"models": models})
            for table in ("survey_questions", "survey_options", "survey_items"):
                cur.execute(f"""
                    INSERT OR IGNORE INTO {table}
                    SELECT * REPLACE (survey_id || '{suffix}' AS survey_id) FROM {table}
                    WHERE survey_id IN (SELECT unnest($models::VARCHAR[]))""",
                    {"models": models})
    return pd.DataFrame([(i, m if w == 1 else f"{m}_w{w}", m, w)
                         for i, (m, w) in enumerate(waves)],
                        columns=["idx", "survey_id", "model_id", "wave"])


def surveys(store: Store, years: int, respondents: int) -> dict[str, int]:
    """Respondents spread evenly over the 20 surveys, each wave over its own two financial
    years (of 10), over the councils by size. Every respondent answers every question: one
    option id (single, Likert, each matrix row; a few skip), several joined by ';' in the
    survey's order (multiple choice), a short text for ~30% (free text; the first question of
    an all-free-text survey always, so each respondent is counted). Answers lean differently
    in each area and question, so the charts differ. Invitations: 25% to 75% respond."""
    waves = survey_definitions(store)
    fys = _periods("financial_year", years)
    chunks = np.array_split(np.arange(len(fys)), WAVES)
    wave_years = pd.DataFrame(
        [(row.idx, k, len(chunk) or 1, fys[y].start, fys[y].end, fys[y].label)
         for row in waves.itertuples()
         for chunk in [chunks[row.wave - 1]]
         for k, y in enumerate(chunk if len(chunk) else [(row.wave - 1) % len(fys)])],
        columns=["idx", "k", "n", "period_start", "period_end", "period_label"])
    questions = store.query("""
        SELECT q.survey_id, q.question_id, q.type, coalesce(i.item_id, '') AS item_id,
               (SELECT count(*) FROM survey_options o WHERE o.survey_id = q.survey_id
                AND o.question_id = q.question_id) AS n_options,
               q.type = 'free_text' AND q.sort_order = min(q.sort_order) OVER (
                   PARTITION BY q.survey_id) AND bool_and(q.type = 'free_text') OVER (
                   PARTITION BY q.survey_id) AS required
        FROM survey_questions q LEFT JOIN survey_items i
            ON q.type = 'matrix' AND i.survey_id = q.survey_id AND i.question_id = q.question_id
        WHERE q.survey_id IN (SELECT unnest($ids::VARCHAR[]))""",
        {"ids": list(waves["survey_id"])})
    questions = questions.merge(waves[["survey_id", "model_id", "wave"]], on="survey_id")
    follows = [FOLLOW_UPS.get((m, q), (None, None))
               for m, q in zip(questions["model_id"], questions["question_id"])]
    questions["base_question"] = pd.Series([b for b, _ in follows], dtype=object)
    questions["base_option"] = pd.Series([o for _, o in follows], dtype=object)
    slots = area_slots(area_weights(store, partnerships=False))
    texts = pd.DataFrame({"k": range(len(FREE_TEXTS)), "text": FREE_TEXTS})
    n_surveys = len(waves)
    base = f"""
        WITH r AS (
            SELECT i, w.survey_id, y.period_start, y.period_end, y.period_label, s.area_code,
                   'R' || lpad(CAST(i AS VARCHAR), 7, '0') AS respondent_id
            FROM range({respondents}) t(i)
            JOIN bench_waves w ON w.idx = i % {n_surveys}
            JOIN bench_wave_years y ON y.idx = w.idx AND y.k = hash(i, 'year') % y.n
            JOIN bench_slots s ON s.slot = hash(i, 'area') % {SLOTS}),
        rq AS (
            SELECT r.*, q.question_id, q.item_id, q.type, q.n_options, q.required,
                   q.base_question, q.base_option,
                   -- how an area leans on this question: <1 towards later options, >1 earlier
                   0.5 + 1.5 * {_uniform('r.area_code', 'q.model_id', 'q.question_id',
                                         'q.item_id')} + 0.1 * q.wave AS lean
            FROM r JOIN bench_questions q USING (survey_id))"""
    one = f"""
        SELECT c.*, o.option_id AS answer FROM (
            SELECT *, least(n_options, 1 + CAST(floor(n_options * power(
                {_uniform('i', 'question_id', 'item_id')}, lean)) AS INTEGER)) AS position
            FROM rq WHERE type IN ('single', 'likert', 'matrix')
              AND hash(i, question_id, item_id, 'skip') % 100 >= {SKIP_SHARE}) c
        JOIN survey_options o USING (survey_id, question_id, position)"""
    several = f"""
        SELECT c.* EXCLUDE (option_id, position, chance), string_agg(option_id, ';'
               ORDER BY position) AS answer FROM (
            SELECT rq.*, o.option_id, o.position,
                   0.1 + 0.6 * {_uniform('rq.question_id', 'o.option_id', 'rq.area_code')}
                       AS chance
            FROM rq JOIN survey_options o USING (survey_id, question_id)
            WHERE rq.type = 'multiple') c
        WHERE {_uniform('i', 'question_id', 'option_id')} < chance
        GROUP BY ALL"""
    # A follow-up box ("Other: please specify", "If not, what are the barriers?") is written in
    # only by those who gave the answer it follows, most of them.
    free = f"""
        SELECT rq.*, x.text AS answer FROM rq
        JOIN bench_texts x ON x.k = hash(i, rq.question_id, 'text') % {len(FREE_TEXTS)}
        LEFT JOIN follow f ON f.respondent_id = rq.respondent_id
            AND f.question_id = rq.base_question AND f.option_id = rq.base_option
        WHERE type = 'free_text' AND CASE
            WHEN base_question IS NULL
                THEN required OR hash(i, rq.question_id, 'wrote') % 100 < {FREE_TEXT_SHARE}
            ELSE f.option_id IS NOT NULL
                AND hash(i, rq.question_id, 'wrote') % 100 < {FOLLOW_UP_SHARE} END"""
    cols = ("survey_id, area_code, period_start, period_end, period_label, respondent_id, "
            "question_id, item_id, answer, '" + SOURCE + "' AS source")
    sql = f"""{base},
        one_rows AS ({one}),
        several_rows AS ({several}),
        follow AS (
            SELECT respondent_id, question_id, unnest(string_split(answer, ';')) AS option_id
            FROM (SELECT respondent_id, question_id, answer FROM one_rows
                  UNION ALL SELECT respondent_id, question_id, answer FROM several_rows)
            WHERE question_id IN (SELECT base_question FROM bench_questions))
        SELECT {cols} FROM one_rows UNION ALL SELECT {cols} FROM several_rows
        UNION ALL SELECT {cols} FROM ({free})"""
    tables = {"bench_waves": waves, "bench_wave_years": wave_years,
              "bench_questions": questions, "bench_slots": slots, "bench_texts": texts}
    answers = _commit_sql(store, SURVEY_ANSWERS, sql, kind="survey_answers",
                          name="survey-answers", tables=tables)
    invitations = _commit_sql(store, SURVEY_INVITATIONS, f"""
        SELECT survey_id, area_code, period_start, period_end,
               any_value(period_label) AS period_label,
               ceil(count(DISTINCT respondent_id)
                    / (0.25 + 0.5 * {_uniform('survey_id', 'area_code', 'period_start')}))
                   AS invited,
               NULL AS note, '{SOURCE}' AS source
        FROM survey_answers WHERE source = '{SOURCE}'
        GROUP BY survey_id, area_code, period_start, period_end""",
        kind="survey_invitations", name="survey-invitations")
    return {"surveys": len(waves), "survey_respondents": respondents,
            "survey_answers": answers, "survey_invitations": invitations}


# -- the engagement plan ------------------------------------------------------------------------
# (activity, level, focus communities and National Standards by number, purpose, with people
# attending). Levels, communities and standards are the catalogue's (lists.csv, standards.csv).
ACTIVITIES = (
    ("Partnership forum on the community justice outcome improvement plan", "Engage", (4, 5),
     (1, 3, 4), "Shared priorities for the outcome improvement plan", True),
    ("Consultation on the draft outcome improvement plan", "Consult", (2, 4, 5, 6), (1, 3, 5, 6),
     "Partners' and communities' views shape the plan", True),
    ("Focus group with people with lived experience of the justice system", "Engage", (1,),
     (1, 2, 5), "Lived experience informs how services are designed", True),
    ("Community Justice Awareness Week stall", "Inform", (2,), (6,),
     "More local people know what community justice is", True),
    ("Partnership newsletter", "Inform", (4, 5), (6,), "Partners kept up to date", False),
    ("Survey of local people on community sentences", "Consult", (2,), (1, 5, 7),
     "A baseline of public understanding", False),
    ("Workshop with victims' organisations", "Consult", (3, 4), (1, 2, 4),
     "Victims' voices in the partnership's planning", True),
    ("Family support drop-in", "Engage", (6,), (1, 2, 4), "Families shape the support offered",
     True),
    ("Unpaid work open day", "Inform", (2, 1), (4, 6),
     "Local people see what unpaid work gives back", True),
    ("Co-production group for the throughcare service", "Engage", (1, 4, 5), (2, 3, 4, 7),
     "People leaving custody co-design throughcare", True),
    ("Elected members' briefing", "Inform", (2,), (6,),
     "Elected members understand the partnership's work", True),
    ("Recovery community walk", "Engage", (6, 1), (1, 4), "Recovery communities celebrated",
     True),
    ("Third sector interface round table", "Consult", (4,), (3, 4, 5),
     "The third sector's priorities gathered", True),
    ("Feedback session on the engagement plan", "Consult", (4, 5, 6), (3, 7),
     "Learn what worked and what to change", True),
)
LEADS = ("Engagement officer", "Partnership lead", "Justice social work manager",
         "Third sector interface officer", "Community justice coordinator")
PARTNERS = ("Police Scotland", "Justice social work", "Turning Point Scotland", "Sacro",
            "Victim Support Scotland", "NHS health board", "Skills Development Scotland",
            "Scottish Prison Service", "Third Sector Interface", "Housing options team",
            "Recovery community", "Families Outside")
LEARNING = ("Evening sessions reached more people", "Partners asked for plainer language",
            "Families want earlier information", "Rural venues need transport support",
            "Online sessions suited partners but not community members",
            "People with lived experience want to be paid for their time",
            "Feedback on what changed keeps people involved")


def activities(store: Store, years: int, count: int) -> int:
    """Engagement plan activities over councils and partnerships by size, from a list of
    typical activities, starting over the years (a few in the coming year, not started yet);
    events last a day (or a few weeks of sessions), newsletters and surveys months.
    Status follows the dates as of the end of the last year: finished ones Complete (a few
    still In progress, overrunning), running ones In progress."""
    rng = np.random.default_rng(2000)
    weights = area_weights(store, partnerships=True)
    lists = store.catalogue_table("lists")
    communities = list(lists[lists["list_id"] == "community"].sort_values("position")["value"])
    standards = list(store.catalogue_table("standards").sort_values("number")["name"])
    first, last = _span(years)
    days = (last - first).days + 366  # into the coming financial year
    areas = rng.choice(len(weights), count, p=weights["weight"] / weights["weight"].sum())
    rows = []
    for i, a in enumerate(areas):
        text, level, comms, stds, purpose, attended = ACTIVITIES[rng.integers(len(ACTIVITIES))]
        start = first + dt.timedelta(days=int(rng.integers(days)))
        # Events: mostly one day, else a short series of sessions; the rest run for months.
        end = (None if rng.random() < 0.7 else
               start + dt.timedelta(days=int(rng.integers(1, 60)))) if attended else \
            start + dt.timedelta(days=int(rng.integers(60, 366)))
        comms = set(comms) | ({int(rng.integers(1, 7))} if rng.random() < 0.2 else set())
        stds = set(stds) | ({7} if rng.random() < 0.3 else set())
        finished = end or start
        status = ("Not started" if start > last else
                  "In progress" if finished > last or rng.random() < 0.08 else "Complete")
        start_label = period_containing(start, "day").label
        end_label = None if end is None else period_containing(end, "day").label
        people = rng.choice(PARTNERS, int(rng.integers(2, 4)), replace=False)
        learned = rng.choice(LEARNING, int(rng.integers(1, 3)), replace=False) \
            if status == "Complete" else []
        size = float(np.sqrt(weights["weight"].iloc[a] / 100))
        rows.append((
            weights["area_code"].iloc[a], f"BEN-{i + 1:05d}", f"{text}, {start.year}", level,
            "; ".join(communities[c - 1] for c in sorted(comms)), status,
            LEADS[rng.integers(len(LEADS))], purpose, start, start, start_label,
            end, end, end_label, "; ".join(standards[s - 1] for s in sorted(stds)),
            float(round(rng.lognormal(np.log(25), 0.7) * size)) if attended and
            status != "Not started" else None,
            "; ".join(people), "; ".join(learned) or None, SOURCE))
    frame = _frame(rows, ENGAGEMENT_ACTIVITIES.columns)
    store.commit_rows(ENGAGEMENT_ACTIVITIES, frame, kind="engagement_activities",
                      file_name="national-engagement-activities.csv", sha256=None, who=WHO,
                      summary="Benchmark load")
    return len(frame)


SERVICES = ("Unpaid work", "Diversion from prosecution", "Structured deferred sentence",
            "Throughcare", "Bail supervision", "Employability support", "Housing on release",
            "Women's justice service")


def service_stages(store: Store, years: int) -> int:
    """3 to 6 services per council and partnership, assessed every financial year from a first
    year in the first half of the span, moving up the 8 stages a step at a time (a step in
    about 45% of years), with a stretch target 3 to 5 stages above the first, by two years
    after the last. The stage names stay the catalogue's."""
    rng = np.random.default_rng(8)
    fys = _periods("financial_year", years)
    target = period_containing(fys[-1].end + dt.timedelta(days=731), "financial_year")
    rows = []
    for area in area_weights(store, partnerships=True)["area_code"]:
        for service in rng.choice(SERVICES, int(rng.integers(3, 7)), replace=False):
            stage = int(rng.integers(1, 4))
            goal = min(8, stage + int(rng.integers(3, 6)))
            for fy in fys[int(rng.integers(0, max(1, len(fys) // 2))):]:
                rows.append((area, service, fy.start, fy.end, fy.label, float(stage),
                             float(goal), target.start, target.end, target.label, None, SOURCE))
                stage = min(8, stage + int(rng.random() < 0.45))
    frame = _frame(rows, SERVICE_STAGES.columns)
    store.commit_rows(SERVICE_STAGES, frame, kind="service_stages",
                      file_name="national-service-stages.csv", sha256=None, who=WHO,
                      summary="Benchmark load")
    return len(frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--years", type=int, default=10, help="years of figures (at most 10)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiplies the posts, respondents and activities (tests: 0.001)")
    args = parser.parse_args()
    counts = generate(args.out, args.years, args.scale)
    print(", ".join(f"{k}: {v:,}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
