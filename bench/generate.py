"""A deterministic national-scale store for the page benchmark (issue 8).

    .venv/bin/python bench/generate.py OUT.duckdb [--years 10] [--scale 1.0]

What it holds (every figure invented, source "Illustrative benchmark data - not official
statistics"):
- every catalogue indicator for every area in the catalogue (32 councils, the partnership(s),
  Scotland), with a monthly figure for each of the last `years` years, plus each non-monthly
  indicator's own periods (financial years, quarters), and channel breakdowns (5 channels) of
  the social-media counts;
- targets for every indicator and area, and a few annotations;
- 20 imports: 12 loading the figures year by year, 8 revising about 5% of them, and 2 of the
  revising imports undone;
- the tables other branches add, each generated only when the store has it (so this script
  runs before and after they are merged): 2,000,000 post-level social rows over 5 channels,
  200,000 survey respondents over 20 surveys, 2,000 engagement activities. Their columns are
  filled from their names and types (see `_column_sql`), so a new column needs no change here.

Everything goes through the store's own write paths (`commit_rows`, `undo_import`), except the
bulk tables of other branches, written with one INSERT ... SELECT each inside a store
transaction with their import record.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from cjmetrics.bootstrap import initialise  # noqa: E402
from cjmetrics.periods import Period, period_containing  # noqa: E402
from cjmetrics.store import ANNOTATIONS, OBSERVATIONS, TARGETS, Store, close_all  # noqa: E402

SOURCE = "Illustrative benchmark data - not official statistics"
CHANNELS = ("Facebook", "Instagram", "LinkedIn", "X", "YouTube")
CHANNEL_INDICATORS = ("eng_social_reach", "eng_social_engagements")
LAST_YEAR_START = 2015  # financial years 2015/16 .. 2024/25 for years=10
WHO = "cjmetrics benchmark"

# Tables other branches add: (candidate table names, rows). The first that exists is filled.
BULK_TABLES = [
    (("social_posts", "posts", "social_media_posts", "channel_posts"), 2_000_000),
    (("survey_respondents", "survey_responses", "survey_answers", "responses"), 200_000),
    (("activities", "engagement_activities", "engagement_log"), 2_000),
]
BULK_DISTINCT = {"channel": len(CHANNELS), "survey": 20, "question": 12, "respondent": 200_000}


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


def generate(path: Path, years: int = 10) -> dict[str, int]:
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
    for names, rows in BULK_TABLES:
        table = next((n for n in names if store._has_table(n)), None)
        if table is not None:
            counts[table] = bulk_fill(store, table, rows)
    close_all()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


# -- tables of other branches: filled by column name and type --------------------------------
def _column_sql(name: str, dtype: str, rows: int, import_id: int, areas: list[str]) -> str:
    """A deterministic SQL expression of `i` (0..rows-1) for one column."""
    n = name.lower()
    h = f"hash(i, '{n}')"
    if n == "import_id":
        return str(import_id)
    if n == "area_code" or n.endswith("_area"):
        quoted = ", ".join("'" + a + "'" for a in areas)
        return f"([{quoted}])[1 + (i % {len(areas)})]"
    if "channel" in n and dtype == "VARCHAR":
        quoted = ", ".join("'" + c + "'" for c in CHANNELS)
        return f"([{quoted}])[1 + (i % {len(CHANNELS)})]"
    for word, distinct in BULK_DISTINCT.items():
        if word in n and (n.endswith("_id") or n == word):
            expr = f"(i % {min(distinct, rows)})"
            return f"'{word}_' || {expr}" if dtype == "VARCHAR" else expr
    if dtype == "DATE" or n.endswith(("_date", "_start", "_end", "_on")) and dtype == "DATE":
        return f"DATE '{LAST_YEAR_START}-04-01' + CAST(i % 3650 AS INTEGER)"
    if dtype.startswith("TIMESTAMP"):
        return f"TIMESTAMP '{LAST_YEAR_START}-04-01' + to_seconds(CAST(i * 157 AS BIGINT))"
    if dtype == "BOOLEAN":
        return f"({h} % 2 = 0)"
    if dtype in ("INTEGER", "BIGINT", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT"):
        if n.endswith("_id") or n in ("id", "number", "position"):
            return "i"
        return f"CAST({h} % 1000 AS {dtype})"
    if dtype in ("DOUBLE", "FLOAT", "REAL") or dtype.startswith("DECIMAL"):
        return f"CAST(({h} % 100000) / 100.0 AS {dtype})"
    if n.endswith("_id") or n in ("id", "key"):
        return f"'{n.removesuffix('_id')}_' || i"
    if n.endswith("_label"):
        return "'Benchmark ' || (i % 120)"
    if n == "source":
        return f"'{SOURCE}'"
    return f"'benchmark text ' || ({h} % 5000)"


def bulk_fill(store: Store, table: str, rows: int) -> int:
    """Fill a table of another branch with `rows` generated rows under one import record."""
    columns = store.query("SELECT column_name, data_type FROM duckdb_columns() "
                          "WHERE table_name = ? AND schema_name = 'main' ORDER BY column_index",
                          [table])
    areas = list(store.areas().query("level != 'country'")["area_code"])
    with store.transaction() as cur:
        import_id = cur.execute("SELECT nextval('import_seq')").fetchone()[0]
        cur.execute("INSERT INTO imports (import_id, kind, file_name, rows_read, rows_new, "
                    "rows_revised, rows_unchanged, who, started_at, committed_at, status) "
                    "VALUES (?, ?, ?, ?, ?, 0, 0, ?, now(), now(), 'committed')",
                    [import_id, table, f"benchmark-{table}.csv", rows, rows, WHO])
        exprs = [_column_sql(n, t, rows, import_id, areas)
                 for n, t in columns.itertuples(index=False)]
        names = ", ".join(f'"{n}"' for n in columns["column_name"])
        cur.execute(f'INSERT INTO "{table}" ({names}) SELECT {", ".join(exprs)} '
                    f"FROM range({rows}) t(i)")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--years", type=int, default=10)
    args = parser.parse_args()
    counts = generate(args.out, args.years)
    print(", ".join(f"{k}: {v:,}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
