"""Upload pipeline: read -> recognise -> map to canonical rows -> validate -> preview -> commit.

The file's cells sit in TEMP tables of a store's Stage (see read.py and store/staging.py) and
every rule runs there as SQL over whole columns, with Python only resolving each column's DISTINCT
values (areas, indicators, periods). Nothing touches the store until `commit`, which writes in
one transaction.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import pandas as pd

from ..errors import ImportRefused, PeriodUnrecognised
from ..periods import ACCEPTED_FORMS, parse_period
from ..store import ImportResult, Stage, StagedRows, Store, file_sha256, ident
from .read import ROW_COLUMN, ReadProblem, StagedFile, stage_file, stage_rows
from .resolve import LOOKUPS, normalise
from .templates import TEMPLATES, Rule, Template

SHOWN_PROBLEMS = 100  # a file with 10,000 errors shows the first hundred and the count
MISSING_TOKENS = ("", "-", "–", "—", "n/a", "na", "n.a.", "..", ":", "*", "x", "[x]", "[c]",
                  "[z]", "null", "none", "nan")
PROBLEM_COLUMNS = ["severity", "row", "column", "value", "problem", "fix"]
PERIOD_FIX = ACCEPTED_FORMS[0].upper() + ACCEPTED_FORMS[1:]
LARGEST_FIGURE = 1e15  # no count, rate or spend in community justice comes near this


@dataclass
class Prepared:
    """A validated upload, ready to preview and commit.

    Its canonical rows stay in a TEMP table of a Stage of the store until the Prepared
    is garbage-collected, so committing a large file never copies it through pandas."""

    template: Template
    file_name: str
    sha256: str
    rows_read: int
    staged: StagedRows  # canonical rows that will be written (errors and skipped rows removed)
    problems: pd.DataFrame  # first SHOWN_PROBLEMS, errors first
    error_count: int
    warning_count: int
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    layout: str = "template"  # or "wide"
    preview: ImportResult | None = None
    # Set when the rows were built from a tool's export (ingest/formats): the import is recorded
    # under the format's key, and the summary starts with what was recognised.
    import_kind: str | None = None
    origin: str | None = None

    _rows: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def rows(self) -> pd.DataFrame:
        """The canonical rows as a DataFrame (fetched once, on first use)."""
        if self._rows is None:
            self._rows = self.staged.stage.frame(
                f"SELECT * EXCLUDE ({ROW_COLUMN}) FROM {self.staged.table} "
                f"ORDER BY {ROW_COLUMN}")
            if "breakdown" in self._rows:
                self._rows["breakdown"] = self._rows["breakdown"].fillna("")
        return self._rows

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def summary(self) -> str:
        plural = "s" if self.rows_read != 1 else ""
        parts = [f"{self.template.title}: {self.rows_read:,} row{plural} read"]
        if self.origin:
            parts = [f"{self.origin}; {self.rows_read:,} figure{plural} built from it"]
        if self.layout == "wide":
            parts.append("wide layout (one column per period) turned into one row per figure")
        if self.error_count:
            parts.append(f"{self.error_count:,} error{'s' if self.error_count != 1 else ''}")
        if self.warning_count:
            parts.append(f"{self.warning_count:,} warning{'s' if self.warning_count != 1 else ''}")
        return "; ".join(parts) + "."


def _a(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _shown(raw: str) -> str:
    """SQL for a cell as quoted in a sentence: trimmed, and cut at 40 characters."""
    return (f"CASE WHEN length(trim({raw})) > 40 THEN left(trim({raw}), 40) || '…' "
            f"ELSE trim({raw}) END")


def plain_rows(rows: pd.Series) -> pd.Series:
    """Row numbers as Python ints, None where a problem is about the whole file (never pd.NA,
    whose truth value raises)."""
    return pd.Series([None if pd.isna(r) else int(r) for r in rows], index=rows.index,
                     dtype=object)


def problem_place(row, column) -> str:
    """Where a problem is, as the CLI and the page say it: "row 7, column value" or "file"."""
    where = "file" if row is None or pd.isna(row) else f"row {int(row)}"
    return where + (f", column {column}" if isinstance(column, str) and column else "")


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
        except PeriodUnrecognised:
            continue
        if not header.strip().isdigit() or 1990 <= int(header.strip()) <= 2100:
            result.append(header)
    return result


def recognise(staged: StagedFile,
              kind: str | None = None) -> tuple[Template, dict[str, str], list[str]]:
    """Choose the template the file's headers fit, and map its columns.

    Returns the template, column -> header, and the period headers of a wide layout (empty for
    a long one). Raises ImportRefused naming the missing columns when nothing fits."""
    candidates = [TEMPLATES[kind]] if kind else list(TEMPLATES.values())
    fits, near = [], []
    for order, template in enumerate(candidates):
        found = _match_headers(template, staged.columns)
        missing = [c.name for c in template.required if c.name not in found]
        wide: list[str] = []
        if missing and template.allows_wide and set(missing) <= {"period", "value"}:
            wide = [h for h in _period_headers(staged.columns) if h not in found.values()]
            if wide:
                missing = []
        used = len(found) + len(wide)
        # Recognised without being told: every required column present, and the template
        # explains at least half the file's columns (an "indicator" column alone is not enough
        # to call a file a list of indicator edits).
        if not missing and (kind or used * 2 >= len(staged.columns)):
            fits.append((used, -order, template, found, missing, wide))
        elif kind or template.primary:
            required_found = len(template.required) - len(missing)
            near.append((required_found, -len(missing) if required_found else 0, -order,
                         template, found, missing, wide))
    if fits:
        used, *_, template, found, missing, wide = max(fits, key=lambda f: f[:2])
        # A values file that lost its value column still fits "Notes on the charts" (indicator,
        # area, period, note): when another template explains more of the file's columns and
        # lacks only a required column or two, the file is that template's, with a gap.
        closer = [n for n in near if len(n[4]) > used and 0 < len(n[5]) <= 2]
        if closer and not kind:
            *_, template, found, missing, wide = max(closer, key=lambda n: len(n[4]))
    else:
        *_, template, found, missing, wide = max(near, key=lambda f: f[:3])
    if missing:
        names = ", ".join(f"'{m}'" for m in missing)
        raise ImportRefused(
            f"'{staged.file_name}' does not have the column{'s' if len(missing) > 1 else ''} "
            f"{names} that {_a(template.title.lower())} file needs (its columns are: "
            f"{', '.join(staged.columns[:12])}{' …' if len(staged.columns) > 12 else ''}). "
            f"Use the headers of the template: {template.header_line()}.")
    return template, found, wide


# -- mapping distinct values -----------------------------------------------------------------
def _period_map(values: list[str]) -> pd.DataFrame:
    rows = []
    for raw in values:
        try:
            p = parse_period(raw)
            rows.append((raw, p.start, p.end, p.label, p.type, None))
        except PeriodUnrecognised as exc:
            message = exc.user_message
            cut = message.find(ACCEPTED_FORMS)
            problem = message[:cut].removesuffix(" ").removesuffix("Please").rstrip(": ") \
                if cut > 0 else message
            rows.append((raw, None, None, None, None, problem.rstrip(".") + "."))
    frame = pd.DataFrame(rows, columns=["raw", "start", "end", "label", "type", "problem"])
    frame["start"] = pd.to_datetime(frame["start"]).dt.date
    frame["end"] = pd.to_datetime(frame["end"]).dt.date
    return frame.astype({"raw": object, "label": object, "type": object, "problem": object})


def _distinct_values(staged: StagedFile, names: list[str]) -> dict[str, list[str]]:
    """The distinct non-blank (trimmed) values of several columns."""
    if not names:
        return {}
    # One DISTINCT per column: each reads a single column of the staged table and hashes few
    # distinct strings, which is cheaper than one scan with GROUPING SETS over them all.
    # The cells as typed are kept (TEMP table written_<name>) so the maps can be keyed on them
    # and the big join needs no trim() per cell.
    values: dict[str, list[str]] = {}
    for name in names:
        staged.stage.define(f"written_{name}", f"SELECT DISTINCT {ident(name)} AS v FROM src "
                            f"WHERE {ident(name)} IS NOT NULL")
        values[name] = [r[0] for r in staged.stage.rows(
            f"SELECT DISTINCT trim(v) FROM written_{name} WHERE trim(v) <> ''")]
    return values


def _register_maps(store: Store, staged: StagedFile, template: Template) -> None:
    stage = staged.stage
    mapped = [c for c in template.columns if c.kind in LOOKUPS or c.kind == "period"]
    distinct = _distinct_values(staged, [c.name for c in mapped])
    for column in mapped:
        if column.kind in LOOKUPS:
            resolver = LOOKUPS[column.kind][0](store)
            _temp_table(stage, f"map_{column.name}",
                        resolver.map_distinct(distinct[column.name]), f"written_{column.name}")
        else:
            _temp_table(stage, f"map_{column.name}", _period_map(distinct[column.name]),
                        f"written_{column.name}")
    _temp_table(stage, "indicator_units", store.indicators()[["indicator_id", "unit", "name"]])


def _temp_table(stage: Stage, name: str, frame: pd.DataFrame, written: str | None = None) -> None:
    """Small lookup tables become DuckDB tables, so the joins against them run in parallel.
    With `written` (a table of cells as typed), the map is keyed on those cells, untrimmed."""
    # A column holding only None (every area in the file unknown, say) would be typed INTEGER
    # and then fail to join with text: such columns are made text.
    empty = [c for c in frame.columns if frame[c].dtype == object and frame[c].isna().all()]
    if empty:
        frame = frame.astype({c: "string" for c in empty})
    if written is None:
        stage.load_frame(name, frame)
    else:
        stage.load_frame("lookup_frame", frame)
        stage.define(name, f"SELECT w.v AS raw, m.* EXCLUDE (raw) FROM {written} w "
                     "JOIN lookup_frame m ON m.raw = trim(w.v)")
        stage.drop(written, "lookup_frame")


# -- the rules, as SQL over the staged columns -----------------------------------------------
_MISSING_LIST = ", ".join(_sql_text(t) for t in MISSING_TOKENS)


def _missing(col: str) -> str:
    # The length test first: it spares the string work for the cells that hold real values.
    # list_contains, not IN (...): the rules also run as one projection (kept._suspect), where
    # DuckDB turns a long IN list into a join per use.
    return (f"({col} IS NULL OR (length({col}) <= 12 AND "
            f"list_contains([{_MISSING_LIST}], lower(trim({col})))))")


def _number(col: str) -> str:
    """Text to a number: 1,234 and 1 234 are thousands; 0,65 or 12,5 (a comma not followed by
    exactly three digits) is a decimal comma, as European exports write it; % and £ dropped."""
    t = f"regexp_replace(trim({col}), '[\\s%£]', '', 'g')"
    # Plain numbers (nearly every cell) take the fast cast; only the rest meet the regexps.
    parsed = (f"CASE WHEN TRY_CAST({col} AS DOUBLE) IS NOT NULL THEN TRY_CAST({col} AS DOUBLE) "
              f"ELSE TRY_CAST(CASE WHEN regexp_full_match({t}, "
              f"'[-+]?[0-9]+,([0-9]{{1,2}}|[0-9]{{4,}})') THEN replace({t}, ',', '.') "
              f"ELSE replace({t}, ',', '') END AS DOUBLE) END")
    # inf, 1e309, a 5,000-digit number and NaN parse as doubles but are no figure: they become
    # NULL here (DuckDB orders NaN above every number), so "nan" reads as blank and the rest
    # meet the "not a figure" rule.
    return f"CASE WHEN abs({parsed}) < {LARGEST_FIGURE:.0f} THEN {parsed} END"


def _unneutralised(text: str) -> str:
    """A cell our exports wrote as '=... (an apostrophe so that spreadsheets show formula-like
    text instead of running it) reads back as the text itself, so an unedited export re-imports
    as "nothing changed"."""
    return (f"CASE WHEN starts_with({text}, chr(39)) AND regexp_matches({text}, "
            f"'^''[=+@-]') THEN substr({text}, 2) ELSE {text} END")


def _canonical_sql(template: Template) -> str:
    """SELECT the canonical columns from src joined to the value maps. Each column's text as
    typed (`_raw_<name>`) and, for mapped columns, the map's verdict (`_problem_<name>`,
    `_fix_<name>`) ride along, so every rule is a condition on this one table."""
    select = [f"s.{ROW_COLUMN}"]
    joins = []
    indicator = next((c for c in template.columns if c.kind == "indicator"), None)
    for column in template.columns:
        q = f"s.{ident(column.name)}"
        select.append(f"{q} AS _raw_{column.name}")
        if column.kind in LOOKUPS or column.kind == "period":
            m = f"m_{column.name}"
            joins.append(f"LEFT JOIN map_{column.name} {m} ON {m}.raw = {q}")
            select.append(f"{m}.problem AS _problem_{column.name}")
        if column.kind in LOOKUPS:
            value = f"CAST({m}.id AS DOUBLE)" if column.kind == "grade" else f"{m}.id"
            select += [f"{value} AS {column.output()}", f"{m}.fix AS _fix_{column.name}"]
        elif column.kind == "period":
            p = column.prefix
            # The period fix is the same sentence for every row: the rule carries it, not the
            # table (a constant text column costs as much as the whole join to materialise).
            select += [f"{m}.start AS {p}_start", f"{m}.\"end\" AS {p}_end",
                       f"{m}.label AS {p}_label"]
            if p == "period":
                select.append(f"{m}.type AS period_type")
        elif column.kind == "number" and column.share:
            number = _number(q)
            select.append(f"CASE WHEN {number} > 5 OR contains({q}, '%') THEN {number} / 100 "
                          f"ELSE {number} END AS {column.name}")
        elif column.kind == "number":
            select.append(f"{_number(q)} AS {column.name}")
        else:
            select.append(f"NULLIF({_unneutralised(f'trim({q})')}, '') AS {column.name}")
    if indicator is not None:
        joins.append(f"LEFT JOIN indicator_units u ON u.indicator_id = m_{indicator.name}.id")
        select.append("u.unit AS _unit")
    else:
        select.append("NULL::VARCHAR AS _unit")
    return f"SELECT {', '.join(select)} FROM src s {' '.join(joins)}"


def _scale_bounds(store: Store, scale_id: str) -> tuple[float, float]:
    values = store.catalogue_table("scales").query("scale_id == @scale_id")["value"]
    return (float(values.min()), float(values.max())) if len(values) else (0.0, 10.0)


def _row_rules(template: Template, bounds_of, absent: frozenset = frozenset()) -> list[Rule]:
    """The checks on each row. `bounds_of(scale_id)` gives a configurable scale's range.

    `absent`: the template's columns the file does not have. An absent figure column is blank
    in every row, and every check on a figure holds only for a figure (or a cell) that is
    there, so those checks are left out: each one costs a test per row of a large file."""
    rules = []
    for column in template.columns:
        name, raw = column.name, f"_raw_{column.name}"
        if name in absent and column.kind == "number" and not column.required:
            continue
        if column.required and name != template.skip_when_missing:
            words = name.replace("_", " ")
            # Cheap NULL tests first: only cells that failed to map meet the string checks.
            # A blank mapped cell maps to nothing and has no problem of its own.
            if column.kind in LOOKUPS:
                blank = f"{column.output()} IS NULL AND _problem_{name} IS NULL"
            else:
                # CASE, not AND, where the second test is costly: in a projection DuckDB
                # evaluates both sides of an AND for every row, but a CASE branch only where
                # its WHEN holds.
                blank = {"period": f"{column.prefix}_start IS NULL AND _problem_{name} IS NULL",
                         "number": f"CASE WHEN {name} IS NULL THEN {_missing(raw)} "
                                   "ELSE false END"}.get(
                    column.kind, f"{name} IS NULL")
            rules.append(Rule(
                "error", name, blank, raw, _sql_text(f"No {words} given."),
                _sql_text(f"Fill in the {words} ({column.description}).")))
        if column.kind in LOOKUPS or column.kind == "period":
            rules.append(Rule("error", name, f"_problem_{name} IS NOT NULL", raw,
                              f"_problem_{name}", _sql_text(PERIOD_FIX)
                              if column.kind == "period" else f"_fix_{name}"))
        if column.kind == "number":
            rules.append(Rule(
                "error", name, f"CASE WHEN {name} IS NULL THEN NOT {_missing(raw)} "
                "ELSE false END", raw,
                f"CASE WHEN TRY_CAST(trim({raw}) AS DOUBLE) IS NOT NULL THEN '''' || "
                f"{_shown(raw)} || ''' is not a figure that can be stored (it is infinite or "
                f"larger than {LARGEST_FIGURE:,.0f}).' ELSE '''' || {_shown(raw)} || "
                "''' is not a number.' END",
                _sql_text("Write a number such as 1234, 1,234 or 64%.")))
            # Numerators and denominators are counts; the other figures are in the indicator's
            # unit, which is unknown (NULL) when the indicator is: that row has its own error.
            what = ("CASE _unit WHEN 'percent' THEN 'percentage' ELSE _unit END"
                    if column.in_indicator_unit else "'count'")
            rules.append(Rule("error", name, f"{name} < 0 AND _unit IS NOT NULL", raw,
                              f"'A ' || {what} || ' cannot be negative.'",
                              _sql_text("Check the figure.")))
            if column.in_indicator_unit:
                rules.append(Rule("error", name, f"_unit = 'percent' AND {name} > 100", raw,
                                  _sql_text("A percentage cannot be more than 100."),
                                  _sql_text("Write percentages as 64%, 64 or 0.64.")))
                # Fractions are rescaled per indicator only when ALL its values are fractions;
                # a lone 0.61 among 64s is more likely a slip than 0.61%.
                rules.append(Rule(
                    "warning", name,
                    f"_unit = 'percent' AND {name} > 0 AND {name} < 1 "
                    f"AND NOT contains({raw}, '%')", raw,
                    f"trim({raw}) || ' is read as ' || trim({raw}) || "
                    f"'%, less than one per cent.'",
                    _sql_text("If you meant a fraction (0.61 = 61%), write 61 or 61%.")))
        if column.bounds is not None:
            low, high = (bounds_of(column.bounds) if isinstance(column.bounds, str)
                         else column.bounds)
            rules.append(Rule(
                "error", name, f"{name} < {low} OR {name} > {high}", raw,
                f"trim({raw}) || ' is outside the scale {low:g} to {high:g}.'",
                _sql_text(f"Give a {name.replace('_', ' ')} from {low:g} to {high:g}.")))
        if column.kind == "key":
            rules.append(Rule(
                "error", name, f"NOT regexp_full_match({name}, '[a-z][a-z0-9_]{{2,63}}')", raw,
                f"'''' || {raw} || ''' cannot be used as an id.'",
                _sql_text("Ids are 3 to 64 lower-case letters, digits and underscores, "
                          "starting with a letter (e.g. local_peer_mentors).")))
    for rule in template.rules:
        rules.append(rule)
    if template.skip_when_missing:
        col = template.skip_when_missing
        rules.append(Rule(
            "warning", col, f"CASE WHEN {col} IS NULL THEN {_missing(f'_raw_{col}')} "
            "ELSE false END", f"_raw_{col}",
            _sql_text(f"No {col}: this row is skipped."),
            _sql_text(f"Fill in the {col} if there is one; otherwise nothing needs doing.")))
    names = {c.name for c in template.columns}
    present = names - absent
    if {"lower", "upper"} <= present:
        rules.append(Rule("error", "lower", "lower > upper", "_raw_lower",
                          _sql_text("The lower bound is above the upper bound."),
                          _sql_text("Swap or correct the bounds.")))
    if {"lower", "upper"} <= names and {"lower", "upper"} & present:
        rules.append(Rule("warning", "value", "value < lower OR value > upper", "_raw_value",
                          _sql_text("The value lies outside its interval (lower to upper)."),
                          _sql_text("Check the bounds.")))
    if {"numerator", "denominator"} <= present:
        rules.append(Rule("warning", "numerator", "numerator > denominator", "_raw_numerator",
                          _sql_text("The numerator is larger than the denominator."),
                          _sql_text("Check the two counts.")))
    return rules


def _any_broken(rules: list[Rule]) -> str:
    return " OR ".join(f"({r.condition})" for r in rules) or "false"


def _check_rows(stage: Stage, rules: list[Rule]) -> None:
    """The rows that break any rule were flagged (`kept._suspect`) in the one pass that
    materialised the rows; each rule then reads only those rows."""
    if not stage.exists("kept", "_suspect"):
        return
    stage.define("suspects", f"SELECT * FROM canon "
                 f"WHERE {ROW_COLUMN} IN (SELECT {ROW_COLUMN} FROM kept WHERE _suspect)")
    for r in rules:
        stage.append("problems", f"SELECT {_sql_text(r.severity)}, {ROW_COLUMN}, "
                     f"{_sql_text(r.column)}, CAST({r.value} AS VARCHAR), {r.problem}, {r.fix} "
                     f"FROM suspects WHERE {r.condition}")


def _scale_fractions(staged: StagedFile, template: Template,
                     view_sql: str | None = None) -> list[str]:
    """Percent figures given as fractions (0.64) become 64, per indicator, with a warning.

    The choice is made per indicator across the file: a column of 0.55, 0.61, 0.64 is fractions;
    64% or a mix that includes values above 1 is taken as written."""
    scaled = [c.name for c in template.columns if c.kind == "number" and c.in_indicator_unit]
    if not scaled:
        return []
    indicator = next(c for c in template.columns if c.kind == "indicator")
    raw_value = f"c._raw_{scaled[0]}"
    # Most files hold no percentage indicator: ask the small maps before scanning the rows.
    stage = staged.stage
    if not stage.rows(f"SELECT count(*) FROM indicator_units u JOIN "
                      f"map_{indicator.name} m ON m.id = u.indicator_id "
                      "WHERE u.unit = 'percent'")[0][0]:
        return []
    fractions = [r[0] for r in stage.rows(f"""
        SELECT c.indicator_id FROM canon c
        WHERE c._unit = 'percent' AND c.{scaled[0]} IS NOT NULL
        GROUP BY c.indicator_id
        HAVING bool_and(c.{scaled[0]} <= 1 AND NOT contains({raw_value}, '%'))
    """)]
    if not fractions:
        return []
    # The ids are data: they travel as a TEMP table, never into SQL text.
    stage.load_frame("fraction_ids", pd.DataFrame({"indicator_id": pd.Series(fractions,
                                                                            dtype=object)}))
    if view_sql is None:
        sets = ", ".join(f"{c} = {c} * 100" for c in scaled)
        stage.update("canon", sets, "indicator_id IN (SELECT indicator_id FROM fraction_ids)")
    else:  # canon is a view: the same rescaling, as an expression
        sets = ", ".join(f"CASE WHEN indicator_id IN (SELECT indicator_id FROM fraction_ids) "
                         f"THEN {c} * 100 ELSE {c} END AS {c}" for c in scaled)
        stage.define("canon", f"SELECT * REPLACE ({sets}) FROM ({view_sql})", view=True)
    return [
        f"SELECT 'warning', min({ROW_COLUMN}), {_sql_text(indicator.name)}, "
        f"indicator_id, 'Every {scaled[0]} for this percentage indicator is between 0 and 1, "
        f"so they were read as fractions (0.64 = 64%).', "
        f"'If they really are below 1%, write them with a % sign (0.5%).' "
        f"FROM canon WHERE indicator_id IN (SELECT indicator_id FROM fraction_ids) "
        f"GROUP BY indicator_id ORDER BY indicator_id"]


def _duplicate_columns(template: Template) -> set[str]:
    """The columns the duplicate check reads."""
    return set(template.table.key) | {k.replace("_start", "_label") for k in template.table.key
                                      if k.endswith("_start")} | {ROW_COLUMN}


def _duplicate_sql(template: Template, table: str = "canon") -> str:
    keys = [k for k in template.table.key if k != "breakdown"]
    all_keys = list(template.table.key)
    # Name the figure as a lead would: indicator, area and the period's label.
    described = [f"coalesce(any_value({k.replace('_start', '_label')}), '')"
                 if k.endswith("_start") else f"coalesce(any_value({k}), '')"
                 for k in keys if not k.endswith("_end")]
    coalesced = ", ".join(f"coalesce(CAST({k} AS VARCHAR), '')" if k == "breakdown" else k
                          for k in all_keys)
    not_null = " AND ".join(f"{k} IS NOT NULL" for k in keys)
    # Find repeated keys with a cheap count of one hash per row first; only those groups build
    # their row lists. (No shared CTE: DuckDB would materialise every column of canon for it.)
    return f"""
        WITH repeated AS (SELECT hash({coalesced}) AS _key FROM {table} WHERE {not_null}
                          GROUP BY _key HAVING count(*) > 1)
        SELECT 'error', max({ROW_COLUMN}), NULL,
               string_agg(CAST({ROW_COLUMN} AS VARCHAR), ', ' ORDER BY {ROW_COLUMN}),
               'Rows ' || string_agg(CAST({ROW_COLUMN} AS VARCHAR), ', ' ORDER BY {ROW_COLUMN})
               || ' give the same figure (' || {" || ', ' || ".join(described)}
               || ') more than once.',
               'Keep one of these rows, or give them different breakdowns.'
        FROM {table} WHERE {not_null} AND hash({coalesced}) IN (SELECT _key FROM repeated)
        GROUP BY {coalesced} HAVING count(*) > 1"""


# -- the whole thing -------------------------------------------------------------------------
def prepare(store: Store, data: bytes, file_name: str, *, sheet: str | None = None,
            kind: str | None = None, preview: bool = True) -> Prepared:
    """Read, recognise, map and validate an upload; with preview, compare it to the store.

    Raises ImportRefused for a file that cannot be read or recognised at all; anything wrong
    inside a readable file is listed in `problems` (errors block the import)."""
    return _prepare_staged(store, stage_file(data, file_name, sheet, store.staging()), data,
                           kind, preview)


def prepare_rows(store: Store, rows: pd.DataFrame, file_name: str, data: bytes, *, kind: str,
                 preview: bool = True) -> Prepared:
    """`prepare` for rows a tool-format parser built from `data` (see read.stage_rows): with a
    `source_row` column, every problem names the row of the file the user holds."""
    return _prepare_staged(store, stage_rows(rows, file_name, store.staging()), data, kind,
                           preview)


def _leave_out_example(staged: StagedFile, template: Template, found: dict) -> None:
    """The downloaded template holds one example row: left in the file unchanged, it is left
    out with a warning, so a filled-in template never imports the example's figures."""
    cells = [f"coalesce(trim({ident(found[c.name])}), '') = {_sql_text(c.example)}"
             for c in template.columns if c.name in found]
    if not cells or any(c.example and c.name not in found for c in template.columns):
        return
    where = " AND ".join(cells)
    rows = [r[0] for r in staged.stage.rows(f"SELECT {ROW_COLUMN} FROM raw WHERE {where}")]
    if rows:
        staged.stage.delete("raw", where)
        staged.problems.extend(ReadProblem(
            row, None, None, "This is the template's example row: it is left out.",
            "Nothing to do (delete it from your file if you like).", severity="warning")
            for row in rows)


def _prepare_staged(store: Store, staged: StagedFile, data: bytes, kind: str | None,
                    preview: bool) -> Prepared:
    """The staged file prepared; the stage (and its TEMP tables) lives as long as the
    Prepared does, and is closed at once if preparing fails."""
    try:
        prepared = _prepare(store, staged, data, kind, preview)
    except BaseException:
        staged.close()
        raise
    weakref.finalize(prepared, staged.close)
    return prepared


def _prepare(store: Store, staged: StagedFile, data: bytes, kind: str | None,
             preview: bool) -> Prepared:
    stage = staged.stage
    template, found, wide = recognise(staged, kind)
    if not wide:
        _leave_out_example(staged, template, found)
    columns = []
    for column in template.columns:
        header = found.get(column.name)
        columns.append(f"{ident(header)} AS {ident(column.name)}" if header
                       else f"NULL::VARCHAR AS {ident(column.name)}")
    if wide:
        kept = [c for c in columns if not c.endswith(('AS "period"', 'AS "value"'))]
        on = ", ".join(ident(h) for h in wide)
        stage.define("src", f"""SELECT {ROW_COLUMN}, {', '.join(kept)}, period, value
                     FROM (UNPIVOT raw ON {on} INTO NAME period VALUE value)""", view=True)
    else:
        stage.define("src", f"SELECT {ROW_COLUMN}, {', '.join(columns)} FROM raw", view=True)
    _register_maps(store, staged, template)
    canonical = _canonical_sql(template)
    # Without a refine step (which updates canon in place) canon is a view over raw and the
    # maps: materialising its ~30 columns cost more than the joins themselves. The rules read
    # it where they fire; only the columns written are materialised, once (table `kept`).
    as_view = template.refine is None
    stage.define("canon", canonical, view=as_view)
    rules = _scale_fractions(staged, template, canonical if as_view else None)
    if template.refine is not None:  # checks against the store's definitions (surveys)
        rules += template.refine(store, stage)
    outputs = list(template.table.columns)
    available = set(stage.columns("canon"))
    select = ", ".join(
        "coalesce(breakdown, '') AS breakdown" if o == "breakdown" and o in available
        else o if o in available else ("''" if o == "breakdown" else "NULL") + f" AS {o}"
        for o in outputs)
    # Every row's written columns, materialised once: the duplicate check, the preview's
    # counts and sample and the commit's insert all read this narrow table.
    # Wide layouts have period and value from their period columns; a refine step may fill
    # columns of canon itself, so with one every check stays.
    absent = frozenset(c.name for c in template.columns if c.name not in found
                       and not (wide and c.name in ("period", "value"))
                       ) if template.refine is None else frozenset()
    row_rules = _row_rules(template, lambda scale: _scale_bounds(store, scale), absent)
    stage.define("kept", f"SELECT {select}, {ROW_COLUMN}, "
                 f"coalesce({_any_broken(row_rules)}, false) AS _suspect FROM canon")
    kept_has_keys = _duplicate_columns(template) <= {*outputs, ROW_COLUMN}
    rules.append(_duplicate_sql(template, "kept" if kept_has_keys else "canon"))
    used = set(found.values()) | set(wide)
    said = {p.column for p in staged.problems}  # a repeated header has its own warning
    unused = [h for h in staged.columns if h not in used and h not in said]
    stage.create("problems", {"severity": "VARCHAR", "row": "BIGINT", "col": "VARCHAR",
                              "value": "VARCHAR", "problem": "VARCHAR", "fix": "VARCHAR"})
    _check_rows(stage, row_rules)
    for rule in rules:
        stage.append("problems", rule)
    for p in staged.problems:
        stage.append_row("problems", [p.severity, p.row, p.column, p.value, p.problem, p.fix])
    if len(unused) > 10:
        # One warning for a file with hundreds of extra columns, not one each.
        shown = ", ".join(f"'{h}'" for h in unused[:10])
        stage.append_row("problems", ["warning", None, None, ", ".join(unused[:10]) + " …",
                                      f"{len(unused):,} columns are not used ({shown} …).",
                                      f"{_a(template.title.lower()).capitalize()} file uses: "
                                      f"{template.header_line()}."])
        unused = []
    for header in unused:
        stage.append_row("problems", ["warning", None, header, None,
                                      f"The column '{header}' is not used.",
                                      f"{_a(template.title.lower()).capitalize()} file uses: "
                                      f"{template.header_line()}."])
    counts = dict(stage.rows("SELECT severity, count(*) FROM problems GROUP BY ALL"))
    error_rows = stage.exists("problems", "severity = 'error' AND row IS NOT NULL")
    problems = stage.frame(f"""
        SELECT severity, row, col AS "column", value, problem, fix FROM problems
        ORDER BY severity = 'warning', row NULLS FIRST LIMIT {SHOWN_PROBLEMS}""")
    problems["row"] = plain_rows(problems["row"])
    skip = template.skip_when_missing
    # A file with errors is never committed, so it needs no filter that reads the problems.
    keep = " AND ".join(([f"{ROW_COLUMN} NOT IN (SELECT row FROM problems WHERE severity = "
                          "'error' AND row IS NOT NULL)"] if error_rows else [])
                        + ([f"{skip} IS NOT NULL"] if skip else [])) or "TRUE"
    # A view over kept, not a copy: the rows to write are kept minus the rows with errors.
    stage.define("canonical_rows", f"SELECT * EXCLUDE (_suspect) FROM kept WHERE {keep}",
                 view=True)
    stage.drop("canon", "src", "raw", "suspects", "fraction_ids", "indicator_units",
               *(f"map_{c.name}" for c in template.columns
                 if c.kind in LOOKUPS or c.kind == "period"))
    count = stage.count("canonical_rows")
    prepared = Prepared(
        template, staged.file_name, file_sha256(data), staged.rows,
        StagedRows(stage, "canonical_rows", int(count)), problems,
        int(counts.get("error", 0)), int(counts.get("warning", 0)), staged.sheet, staged.sheets,
        "wide" if wide else "template")
    if preview and prepared.ok and count:
        prepared.preview = store.preview_rows(template.table, prepared.staged,
                                              kind=template.kind, sha256=prepared.sha256)
    return prepared


def commit(store: Store, prepared: Prepared, who: str | None = None,
           lock_timeout: float | None = None, import_kind: str | None = None,
           action: str = "import", first=None) -> ImportResult:
    """Write a prepared upload in one transaction with its import record (and its audit row:
    `action` is "import", or "edit" for a table edited in the app)."""
    if not prepared.ok:
        many = prepared.error_count != 1
        raise ImportRefused(f"The file has {prepared.error_count:,} error{'s' if many else ''}; "
                             f"fix {'them' if many else 'it'} and upload the file again. Nothing "
                             "was imported.")
    if len(prepared.staged) == 0:
        raise ImportRefused("The file has no figures to import (every row was skipped).")
    return store.commit_rows(prepared.template.table, prepared.staged,
                             kind=import_kind or prepared.import_kind or prepared.template.kind,
                             file_name=prepared.file_name,
                             sha256=prepared.sha256, who=who, summary=prepared.summary,
                             previewed=prepared.preview, lock_timeout=lock_timeout,
                             action=action, first=first)
