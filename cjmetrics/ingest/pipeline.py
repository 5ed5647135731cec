"""Upload pipeline: read -> recognise -> map to canonical rows -> validate -> preview -> commit.

The file's cells sit in a private in-memory DuckDB (see read.py) and every rule runs there as SQL
over whole columns, with Python only resolving each column's DISTINCT values (areas, indicators,
periods). Nothing touches the store until `commit`, which writes in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..errors import ImportRejected
from ..periods import ACCEPTED_FORMS, PeriodError, parse_period
from ..store import ImportResult, Store, file_sha256
from .read import ROW_COLUMN, StagedFile, stage_file
from .resolve import area_resolver, indicator_resolver, normalise
from .templates import TEMPLATES, Column, Template

SHOWN_PROBLEMS = 100  # a file with 10,000 errors shows the first hundred and the count
MISSING_TOKENS = ("", "-", "–", "—", "n/a", "na", "n.a.", "..", ":", "*", "x", "[x]", "[c]",
                  "[z]", "null", "none", "nan")
PROBLEM_COLUMNS = ["severity", "row", "column", "value", "problem", "fix"]
PERIOD_FIX = ACCEPTED_FORMS[0].upper() + ACCEPTED_FORMS[1:]


@dataclass
class Prepared:
    """A validated upload, ready to preview and commit."""

    template: Template
    file_name: str
    sha256: str
    rows_read: int
    rows: pd.DataFrame  # canonical rows that will be written (errors and skipped rows removed)
    problems: pd.DataFrame  # first SHOWN_PROBLEMS, errors first
    error_count: int
    warning_count: int
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    layout: str = "template"  # or "wide"
    preview: ImportResult | None = None

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def summary(self) -> str:
        parts = [f"{self.template.title}: {self.rows_read:,} row{'s' if self.rows_read != 1 else ''} read"]
        if self.layout == "wide":
            parts.append("wide layout (one column per period) turned into one row per figure")
        if self.error_count:
            parts.append(f"{self.error_count:,} error{'s' if self.error_count != 1 else ''}")
        if self.warning_count:
            parts.append(f"{self.warning_count:,} warning{'s' if self.warning_count != 1 else ''}")
        return "; ".join(parts) + "."


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -- recognising the layout ------------------------------------------------------------------
def _match_headers(template: Template, headers: list[str]) -> dict[str, str]:
    """template column -> the file's header that carries it."""
    by_norm = {}
    for header in headers:
        by_norm.setdefault(normalise(header), header)
    found = {}
    for column in template.columns:
        for spelling in (column.name, column.name.replace("_", " "), *column.aliases):
            header = by_norm.get(normalise(spelling))
            if header is not None and header not in found.values():
                found[column.name] = header
                break
    return found


def _period_headers(headers: list[str]) -> list[str]:
    result = []
    for header in headers:
        try:
            parse_period(header)
        except PeriodError:
            continue
        if not header.strip().isdigit() or 1990 <= int(header.strip()) <= 2100:
            result.append(header)
    return result


def recognise(staged: StagedFile, kind: str | None = None) -> tuple[Template, dict[str, str], list[str]]:
    """Choose the template the file's headers fit, and map its columns.

    Returns the template, column -> header, and the period headers of a wide layout (empty for
    a long one). Raises ImportRejected naming the missing columns when nothing fits."""
    candidates = [TEMPLATES[kind]] if kind else list(TEMPLATES.values())
    best = None
    for template in candidates:
        found = _match_headers(template, staged.columns)
        missing = [c.name for c in template.required if c.name not in found]
        wide: list[str] = []
        if missing and template.allows_wide and set(missing) <= {"period", "value"}:
            wide = [h for h in _period_headers(staged.columns) if h not in found.values()]
            if wide:
                missing = []
        score = (not missing, len(found) - len(missing))
        if best is None or score > best[0]:
            best = (score, template, found, missing, wide)
    _, template, found, missing, wide = best
    if missing:
        names = ", ".join(f"'{m}'" for m in missing)
        raise ImportRejected(
            f"'{staged.file_name}' does not have the column{'s' if len(missing) > 1 else ''} "
            f"{names} that a {template.title.lower()} file needs (its columns are: "
            f"{', '.join(staged.columns[:12])}{' …' if len(staged.columns) > 12 else ''}). "
            f"Use the headers of the template: {template.header_line()}.")
    return template, found, wide


# -- mapping distinct values -----------------------------------------------------------------
def _distinct(staged: StagedFile, expression: str) -> list[str]:
    return [r[0] for r in staged.con.execute(
        f"SELECT DISTINCT trim({expression}) FROM src WHERE {expression} IS NOT NULL "
        f"AND trim({expression}) <> ''").fetchall()]


def _period_map(values: list[str]) -> pd.DataFrame:
    rows = []
    for raw in values:
        try:
            p = parse_period(raw)
            rows.append((raw, p.start, p.end, p.label, p.type, None))
        except PeriodError as exc:
            message = exc.user_message
            cut = message.find(ACCEPTED_FORMS)
            problem = message[:cut].removesuffix(" ").removesuffix("Please").rstrip(": ") \
                if cut > 0 else message
            rows.append((raw, None, None, None, None, problem.rstrip(".") + "."))
    frame = pd.DataFrame(rows, columns=["raw", "start", "end", "label", "type", "problem"])
    frame["start"] = pd.to_datetime(frame["start"]).dt.date
    frame["end"] = pd.to_datetime(frame["end"]).dt.date
    return frame.astype({"raw": object, "label": object, "type": object, "problem": object})


def _register_maps(store: Store, staged: StagedFile, template: Template) -> None:
    con = staged.con
    for column in template.columns:
        if column.kind in ("indicator", "area"):
            resolver = indicator_resolver(store.indicators()) if column.kind == "indicator" \
                else area_resolver(store.areas())
            mapping = resolver.map_distinct(_distinct(staged, _ident(column.name)))
            con.register(f"map_{column.name}", mapping)
        elif column.kind == "period":
            con.register(f"map_{column.name}", _period_map(_distinct(staged, _ident(column.name))))
    units = store.indicators()[["indicator_id", "unit", "name"]]
    con.register("indicator_units", units)


# -- the rules, as SQL over the staged columns -----------------------------------------------
_MISSING_LIST = ", ".join(_sql_text(t) for t in MISSING_TOKENS)


def _missing(col: str) -> str:
    return f"({col} IS NULL OR lower(trim({col})) IN ({_MISSING_LIST}))"


def _number(col: str) -> str:
    """Text to a number: 1,234 and 1 234 are thousands; 0,65 or 12,5 (a comma not followed by
    exactly three digits) is a decimal comma, as European exports write it; % and £ dropped."""
    t = f"regexp_replace(trim({col}), '[\\s%£]', '', 'g')"
    return (f"TRY_CAST(CASE WHEN regexp_full_match({t}, '[-+]?[0-9]+,([0-9]{{1,2}}|[0-9]{{4,}})') "
            f"THEN replace({t}, ',', '.') ELSE replace({t}, ',', '') END AS DOUBLE)")


def _canonical_sql(template: Template) -> str:
    """SELECT the canonical columns (and per-cell flags) from src joined to the value maps."""
    select = [f"s.{ROW_COLUMN}"]
    joins = []
    indicator = next((c for c in template.columns if c.kind == "indicator"), None)
    for column in template.columns:
        q = f"s.{_ident(column.name)}"
        if column.kind in ("indicator", "area"):
            m = f"m_{column.name}"
            joins.append(f"LEFT JOIN map_{column.name} {m} ON {m}.raw = trim({q})")
            select.append(f"{m}.id AS {column.output()}")
        elif column.kind == "period":
            m = f"m_{column.name}"
            joins.append(f"LEFT JOIN map_{column.name} {m} ON {m}.raw = trim({q})")
            p = column.prefix
            select += [f"{m}.start AS {p}_start", f"{m}.\"end\" AS {p}_end",
                       f"{m}.label AS {p}_label"]
            if p == "period":
                select.append(f"{m}.type AS period_type")
        elif column.kind == "number":
            select.append(f"{_number(q)} AS {column.name}")
        else:
            select.append(f"NULLIF(trim({q}), '') AS {column.name}")
    if indicator is not None:
        joins.append(f"LEFT JOIN indicator_units u ON u.indicator_id = m_{indicator.name}.id")
        select.append("u.unit AS _unit")
    else:
        select.append("NULL AS _unit")
    return f"SELECT {', '.join(select)} FROM src s {' '.join(joins)}"


def _problems_sql(template: Template) -> list[str]:
    """One SELECT per rule, each giving (severity, row, column, value, problem, fix)."""
    rules = []
    for column in template.columns:
        q = f"s.{_ident(column.name)}"
        label = _sql_text(column.name)
        blank = _missing(q)
        if column.required and column.name != template.skip_when_missing:
            rules.append(
                f"SELECT 'error', s.{ROW_COLUMN}, {label}, {q}, "
                f"'No {column.name} given.', {_sql_text('Fill in the ' + column.name + ' (' + column.description + ').')} "
                f"FROM src s WHERE {blank}")
        if column.kind in ("indicator", "area", "period"):
            m = f"map_{column.name}"
            rules.append(
                f"SELECT 'error', s.{ROW_COLUMN}, {label}, {q}, m.problem, "
                f"{'m.fix' if column.kind != 'period' else _sql_text(PERIOD_FIX)} "
                f"FROM src s JOIN {m} m ON m.raw = trim({q}) WHERE m.problem IS NOT NULL")
        if column.kind == "number":
            rules.append(
                f"SELECT 'error', s.{ROW_COLUMN}, {label}, {q}, "
                f"'''' || trim({q}) || ''' is not a number.', "
                f"'Write a number such as 1234, 1,234 or 64%.' "
                f"FROM src s WHERE NOT {blank} AND {_number(q)} IS NULL")
    if template.skip_when_missing:
        col = template.skip_when_missing
        q = f"s.{_ident(col)}"
        rules.append(
            f"SELECT 'warning', s.{ROW_COLUMN}, {_sql_text(col)}, {q}, "
            f"'No {col}: this row is skipped.', "
            f"'Fill in the {col} if there is one; otherwise nothing needs doing.' "
            f"FROM src s WHERE {_missing(q)}")
    return rules


def _unit_rules(template: Template) -> list[str]:
    """Rules on canonical rows: counts not negative, percentages within 0-100, bounds ordered."""
    rules = []
    for column in template.columns:
        if column.kind != "number":
            continue
        name = _sql_text(column.name)
        rules.append(
            f"SELECT 'error', {ROW_COLUMN}, {name}, CAST({column.name} AS VARCHAR), "
            f"'A ' || _unit || ' cannot be negative.', 'Check the figure.' "
            f"FROM canon WHERE {column.name} < 0")
        if column.in_indicator_unit:
            rules.append(
                f"SELECT 'error', {ROW_COLUMN}, {name}, CAST({column.name} AS VARCHAR), "
                f"'A percentage cannot be more than 100.', "
                f"'Write percentages as 64%, 64 or 0.64.' "
                f"FROM canon WHERE _unit = 'percent' AND {column.name} > 100")
    names = {c.name for c in template.columns}
    if {"lower", "upper"} <= names:
        rules.append(
            f"SELECT 'error', {ROW_COLUMN}, 'lower', CAST(lower AS VARCHAR), "
            "'The lower bound is above the upper bound.', 'Swap or correct the bounds.' "
            "FROM canon WHERE lower > upper")
        rules.append(
            f"SELECT 'warning', {ROW_COLUMN}, 'value', CAST(value AS VARCHAR), "
            "'The value lies outside its interval (lower to upper).', 'Check the bounds.' "
            "FROM canon WHERE value < lower OR value > upper")
    if {"numerator", "denominator"} <= names:
        rules.append(
            f"SELECT 'warning', {ROW_COLUMN}, 'numerator', CAST(numerator AS VARCHAR), "
            "'The numerator is larger than the denominator.', 'Check the two counts.' "
            "FROM canon WHERE numerator > denominator")
    return rules


def _scale_fractions(staged: StagedFile, template: Template) -> list[str]:
    """Percent figures given as fractions (0.64) become 64, per indicator, with a warning.

    The choice is made per indicator across the file: a column of 0.55, 0.61, 0.64 is fractions;
    64% or a mix that includes values above 1 is taken as written."""
    scaled = [c.name for c in template.columns if c.kind == "number" and c.in_indicator_unit]
    if not scaled:
        return []
    indicator = next(c for c in template.columns if c.kind == "indicator")
    raw_value = f"s.{_ident(scaled[0])}"
    fractions = [r[0] for r in staged.con.execute(f"""
        SELECT c.indicator_id FROM canon c JOIN src s USING ({ROW_COLUMN})
        WHERE c._unit = 'percent' AND c.{scaled[0]} IS NOT NULL
        GROUP BY c.indicator_id
        HAVING bool_and(c.{scaled[0]} <= 1 AND NOT contains({raw_value}, '%'))
    """).fetchall()]
    if not fractions:
        return []
    ids = ", ".join(_sql_text(f) for f in fractions)
    sets = ", ".join(f"{c} = {c} * 100" for c in scaled)
    staged.con.execute(f"UPDATE canon SET {sets} WHERE indicator_id IN ({ids})")
    return [
        f"SELECT 'warning', min({ROW_COLUMN}), {_sql_text(indicator.name)}, "
        f"{_sql_text(f)}, 'Every {scaled[0]} for this percentage indicator is between 0 and 1, "
        f"so they were read as fractions (0.64 = 64%).', "
        f"'If they really are below 1%, write them with a % sign (0.5%).' "
        f"FROM canon WHERE indicator_id = {_sql_text(f)}"
        for f in fractions]


def _duplicate_sql(template: Template) -> str:
    keys = [k for k in template.table.key if k != "breakdown"]
    all_keys = list(template.table.key)
    # Name the figure as a lead would: indicator, area and the period's label.
    described = [f"coalesce(any_value({k.replace('_start', '_label')}), '')"
                 if k.endswith("_start") else f"coalesce(any_value({k}), '')"
                 for k in keys if not k.endswith("_end")]
    coalesced = ", ".join(f"coalesce(CAST({k} AS VARCHAR), '')" if k == "breakdown" else k
                          for k in all_keys)
    return f"""
        SELECT 'error', max({ROW_COLUMN}), NULL,
               string_agg(CAST({ROW_COLUMN} AS VARCHAR), ', ' ORDER BY {ROW_COLUMN}),
               'Rows ' || string_agg(CAST({ROW_COLUMN} AS VARCHAR), ', ' ORDER BY {ROW_COLUMN})
               || ' give the same figure (' || {" || ', ' || ".join(described)}
               || ') more than once.',
               'Keep one of these rows, or give them different breakdowns.'
        FROM canon WHERE {' AND '.join(f'{k} IS NOT NULL' for k in keys)}
        GROUP BY {coalesced} HAVING count(*) > 1"""


# -- the whole thing -------------------------------------------------------------------------
def prepare(store: Store, data: bytes, file_name: str, *, sheet: str | None = None,
            kind: str | None = None, preview: bool = True) -> Prepared:
    """Read, recognise, map and validate an upload; with preview, compare it to the store.

    Raises ImportRejected for a file that cannot be read or recognised at all; anything wrong
    inside a readable file is listed in `problems` (errors block the import)."""
    staged = stage_file(data, file_name, sheet)
    try:
        return _prepare_staged(store, staged, data, kind, preview)
    finally:
        staged.close()


def _prepare_staged(store: Store, staged: StagedFile, data: bytes, kind: str | None,
                    preview: bool) -> Prepared:
    con = staged.con
    template, found, wide = recognise(staged, kind)
    columns = []
    for column in template.columns:
        header = found.get(column.name)
        columns.append(f"{_ident(header)} AS {_ident(column.name)}" if header
                       else f"NULL::VARCHAR AS {_ident(column.name)}")
    if wide:
        kept = [c for c in columns if not c.endswith(('AS "period"', 'AS "value"'))]
        on = ", ".join(_ident(h) for h in wide)
        con.execute(f"""CREATE VIEW src AS SELECT {ROW_COLUMN}, {', '.join(kept)},
                        period, value FROM (UNPIVOT raw ON {on} INTO NAME period VALUE value)""")
    else:
        con.execute(f"CREATE VIEW src AS SELECT {ROW_COLUMN}, {', '.join(columns)} FROM raw")
    _register_maps(store, staged, template)
    con.execute(f"CREATE TABLE canon AS {_canonical_sql(template)}")
    rules = _problems_sql(template) + _scale_fractions(staged, template) + \
        _unit_rules(template) + [_duplicate_sql(template)]
    used = set(found.values()) | set(wide)
    unused = [h for h in staged.columns if h not in used]
    con.execute("CREATE TABLE problems (severity VARCHAR, row BIGINT, col VARCHAR, "
                "value VARCHAR, problem VARCHAR, fix VARCHAR)")
    for rule in rules:
        con.execute(f"INSERT INTO problems {rule}")
    for p in staged.problems:
        con.execute("INSERT INTO problems VALUES (?, ?, ?, ?, ?, ?)",
                    [p.severity, p.row, p.column, p.value, p.problem, p.fix])
    for header in unused:
        con.execute("INSERT INTO problems VALUES ('warning', NULL, ?, NULL, ?, ?)",
                    [header, f"The column '{header}' is not used.",
                     f"A {template.title.lower()} file uses: {template.header_line()}."])
    counts = dict(con.execute("SELECT severity, count(*) FROM problems GROUP BY ALL").fetchall())
    problems = con.execute(f"""
        SELECT severity, row, col AS "column", value, problem, fix FROM problems
        ORDER BY severity = 'warning', row NULLS FIRST LIMIT {SHOWN_PROBLEMS}""").df()
    skip = template.skip_when_missing
    keep = f"{ROW_COLUMN} NOT IN (SELECT row FROM problems WHERE severity = 'error' " \
           f"AND row IS NOT NULL)" + (f" AND {skip} IS NOT NULL" if skip else "")
    outputs = list(template.table.columns)
    available = {r[0] for r in con.execute("DESCRIBE canon").fetchall()}
    select = ", ".join(
        o if o in available else ("''" if o == "breakdown" else "NULL") + f" AS {o}"
        for o in outputs)
    rows = con.execute(f"SELECT {select} FROM canon WHERE {keep} ORDER BY {ROW_COLUMN}").df()
    if "breakdown" in rows:
        rows["breakdown"] = rows["breakdown"].fillna("")
    prepared = Prepared(
        template, staged.file_name, file_sha256(data), staged.rows, rows, problems,
        int(counts.get("error", 0)), int(counts.get("warning", 0)), staged.sheet, staged.sheets,
        "wide" if wide else "template")
    if preview and prepared.ok and not rows.empty:
        prepared.preview = store.preview_rows(template.table, rows, kind=template.kind,
                                               sha256=prepared.sha256)
    return prepared


def commit(store: Store, prepared: Prepared, who: str = "local") -> ImportResult:
    """Write a prepared upload in one transaction with its import record."""
    if not prepared.ok:
        raise ImportRejected(f"The file has {prepared.error_count:,} error"
                             f"{'s' if prepared.error_count != 1 else ''}; fix them and upload "
                             "it again. Nothing was imported.")
    if prepared.rows.empty:
        raise ImportRejected("The file has no figures to import (every row was skipped).")
    return store.commit_rows(prepared.template.table, prepared.rows, kind=prepared.template.kind,
                             file_name=prepared.file_name, sha256=prepared.sha256, who=who,
                             summary=prepared.summary)
