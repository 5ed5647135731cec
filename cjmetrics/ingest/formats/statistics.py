"""Official statistics: statistics.gov.scot cube (tidy) downloads and its upload layout
(GeographyCode, DateCode, Measurement, Units, Value, Variable), its table downloads (periods as
columns, or one reference period fixed in the preamble), and Scottish Government published
spreadsheets in the older layout (title with footnote digits, group rows, -, *, **) and the
accessible layout (title and note rows, periods as columns, [x] [z] [c] [ns] [note N],
proportions as fractions). Rows or columns of lower and upper estimates (confidence limits)
become the interval of their best estimate, not series of their own.

A table's rows ("series") mean nothing to cjmetrics until the user maps each onto a catalogue
indicator; that mapping is remembered under the table's key for its next release."""

from __future__ import annotations

import re
from collections import defaultdict

from ...periods import parse_period
from .base import (
    ExportFormat,
    ExportIncomplete,
    Grid,
    Question,
    Recognised,
    Source,
    find_column,
    is_period,
    norm,
    number,
    plural,
    rows_frame,
)

SCOTLAND = "S92000003"
_NOTE = re.compile(r"\s*\[(note|Note)\s*\d+\]|\s*\[(x|z|c|ns|low|u|w|b|p|r|e)\]", re.I)
_MARKERS = {"-", "*", "**", "***", "..", ":", "x", "z", "c", "[x]", "[z]", "[c]", "[ns]", "[low]",
            "[u]", "[w]", "n/a", "na", "—", "–"}
# A lower or upper estimate: "95% Lower Confidence Limit", "Lower estimate", "Upper 95% CI",
# "Estimate (lower)", "LCL", or just "Lower".
_CI = re.compile(r"\b(lower|upper)\b.{0,30}?\b(estimates?|limits?|bounds?|ci|confidence|"
                 r"intervals?)\b|\b(estimates?|limits?|bounds?|ci)\b\W{0,3}(lower|upper)\b|"
                 r"^\W*(lower|upper|lcl|ucl)\W*$", re.I)
_BOUND_WORDS = re.compile(r"\b(lower|upper|lcl|ucl|best|central|estimates?|limits?|bounds?|ci|"
                          r"confidence|intervals?|95%?|of)\b|[()\[\]:,\-–]", re.I)


def bound_of(label: str) -> str | None:
    """'lower' or 'upper' for a label naming a confidence limit, else None."""
    if not _CI.search(str(label or "")):
        return None
    return "upper" if re.search(r"\b(upper|ucl)\b", label, re.I) else "lower"


def _stem(label: str) -> str:
    """A label without its estimate words: 'Feel safe - lower estimate' -> 'feel safe'."""
    return norm(_BOUND_WORDS.sub(" ", str(label or "")))


def _attach_bounds(labels: list[str]) -> dict[int, tuple[int, str]]:
    """For each bound among the labels (rows or columns, in order): (index of its best
    estimate, 'lower'|'upper'). A bound is matched to the best estimate with the same stem,
    else to the nearest best estimate before it."""
    out, best = {}, []
    for i, label in enumerate(labels):
        side = bound_of(label)
        if side is None:
            best.append(i)
            continue
        stem = _stem(label)
        match = next((b for b in reversed(best) if stem and _stem(labels[b]) == stem), None)
        if match is None and best:
            match = best[-1]
        if match is not None:
            out[i] = (match, side)
    return out
# Words in a series label that point at a catalogue indicator (a first guess the user confirms).
_SUGGEST = [("reconviction rate", "cjpf_reconviction_rate"),
            ("community payback order", "ndo4_community_sentences_completed"),
            ("diversion", "ndo1_diversion_commenced"),
            ("bail supervision", "ndo3_bail_supervision_commenced")]


def clean_label(text: str) -> str:
    """A label without [note N] markers or footnote digits glued on ('rate3,4' -> 'rate')."""
    t = re.sub(r"\s+", " ", _NOTE.sub("", str(text or ""))).strip()
    return re.sub(r"(?<=[a-z\)])\d{1,2}(,\d{1,2})*:?$", "", t).strip()


def suggest(series: str) -> str:
    low = series.lower()
    if "average number" in low or "number of" in low:
        return ""
    return next((ind for words, ind in _SUGGEST if words in low), "")


def _value(cell: str) -> float | None:
    t = _NOTE.sub("", str(cell or "")).strip()
    if t.lower() in _MARKERS:
        return None
    return number(t)


def _period_of(text: str) -> str | None:
    """A period label in a cell, a column header, or a statistics.gov.scot period URI."""
    t = clean_label(text)
    if "/" in t and t.startswith("http"):
        t = t.rstrip("/").rsplit("/", 1)[-1]
        t = re.sub(r"^(\d{4})-(\d{4})$", r"\1/\2", t)
    t = re.sub(r"(?<=\d)\s*cohorts?$", "", t, flags=re.I).strip()
    return t if t and re.search(r"\d{4}", t) and is_period(t) else None


def named_areas(names: list[str], shown: int = 3) -> str:
    """"City of Edinburgh"; "Fife and Glasgow City"; "Angus, Fife, Moray and 29 more areas"
    (a list one name longer than `shown` is named in full rather than end "and 1 more")."""
    if len(names) > shown + 1:
        return f"{', '.join(names[:shown])} and {plural(len(names) - shown, 'more area')}"
    return " and ".join(filter(None, [", ".join(names[:-1]), names[-1]])) if names else "no area"


def mapping_question(series: dict[str, str]) -> Question:
    return Question("mapping", "Which catalogue indicator is each row of this table? Choose an "
                               "indicator for the rows to import (the choice is remembered for "
                               "the table's next release).", series=series)


def _rows_for(answers: dict, points, source: str) -> list[dict]:
    """points: (series, area or None, period, value, lower, upper, breakdown, note, Excel row)."""
    mapping = answers.get("mapping") or {}
    out = []
    for series, area, period, value, lower, upper, breakdown, note, row in points:
        indicator = mapping.get(series)
        if not indicator:
            continue
        out.append({"indicator": indicator, "area": area or answers.get("area"),
                    "period": period, "value": value, "lower": lower, "upper": upper,
                    "breakdown": breakdown, "note": note, "source": source, "source_row": row})
    return out


# -- statistics.gov.scot cube and upload layout ----------------------------------------------
def detect_cube(source: Source, sheet: str | None) -> Recognised | None:
    if source.kind != "csv":
        return None
    grid = source.first
    if not grid:
        return None
    header = grid[0]
    col = {k: find_column(header, *names) for k, names in {
        "FeatureCode": ("FeatureCode", "GeographyCode"), "DateCode": ("DateCode",),
        "Measurement": ("Measurement",), "Units": ("Units",), "Value": ("Value",)}.items()}
    present = [k for k, v in col.items() if v is not None]
    if not {"FeatureCode", "DateCode"} <= set(present) or len(present) < 4:
        return None
    upload = find_column(header, "GeographyCode") is not None or \
        find_column(header, "Variable") is not None
    what = "upload-layout file" if upload else "cube download"
    missing = [k for k, v in col.items() if v is None]
    if missing:
        raise ExportIncomplete(f"'{source.name}' looks like a statistics.gov.scot {what}, "
                           f"but it has no {', '.join(missing)} column. Download it "
                           "again from statistics.gov.scot without removing columns.")
    name_col = find_column(header, "FeatureName")
    known = {col[k] for k in col} | {name_col, find_column(header, "FeatureType")}
    dims = [i for i in range(len(header)) if i not in known]
    groups: dict = defaultdict(dict)
    units = set()
    rows_of: dict = {}
    names: dict[str, str] = {}  # FeatureCode -> FeatureName, when the file names its areas
    for row, r in enumerate(grid[1:], start=2):
        if not any(r):
            continue
        r = r + [""] * (len(header) - len(r))
        if name_col is not None and r[name_col].strip():
            names.setdefault(r[col["FeatureCode"]], r[name_col].strip())
        measure = r[col["Measurement"]]
        key = (r[col["FeatureCode"]], r[col["DateCode"]], r[col["Units"]],
               tuple(r[i] for i in dims))
        groups[key][measure] = r[col["Value"]]
        rows_of.setdefault(key, {})[measure] = row
        units.add(r[col["Units"]])
    if not groups:
        raise ExportIncomplete(f"'{source.name}' is a statistics.gov.scot {what} with no "
                           "data rows: the file looks cut short.")
    points, series = [], {}
    for key, measures in groups.items():
        feature, datecode, unit, dimvals = key
        bounds = {m: v for m, v in measures.items() if bound_of(m)}
        lower = next((_value(v) for m, v in bounds.items() if bound_of(m) == "lower"), None)
        upper = next((_value(v) for m, v in bounds.items() if bound_of(m) == "upper"), None)
        for measure, raw in measures.items():
            if measure in bounds:
                continue
            label = " | ".join([measure, unit, *dimvals])
            series.setdefault(label, suggest(label))
            with_ci = measure.lower() not in ("count",)
            points.append((label, feature, _period_of(datecode) or datecode, _value(raw),
                           lower if with_ci else None, upper if with_ci else None, "",
                           None if _value(raw) is not None or not raw else f"marked {raw}",
                           rows_of[key][measure]))
    features = list(dict.fromkeys(p[1] for p in points))
    periods = sorted({p[2] for p in points})
    description = (f"statistics.gov.scot {what}: {plural(len(series), 'series', 'series')}"
                   f" for {named_areas([names.get(f, f) for f in features])}, "
                   f"{periods[0]} to {periods[-1]}")
    key = "cube:" + "|".join(norm(header[i]) for i in dims) + "|" + "|".join(sorted(units))

    def build(answers: dict):
        return rows_frame(_rows_for(answers, [p for p in points if p[3] is not None],
                                    "statistics.gov.scot"))

    return Recognised(CUBE, description, [mapping_question(series)], build, table_key=key)


# -- statistics.gov.scot table download ------------------------------------------------------
_GEO = re.compile(r"statistics\.gov\.scot/id/statistical-geography/([A-Z]\d{8})")


def detect_table(source: Source, sheet: str | None) -> Recognised | None:
    if source.kind != "csv":
        return None
    grid = source.first
    first_data = next((i for i, r in enumerate(grid[:200]) if r and _GEO.search(r[0])), None)
    if first_data is None:
        return None
    if first_data == 0:
        raise ExportIncomplete(f"'{source.name}' looks like a statistics.gov.scot table download, "
                           "but it has no header row of periods above the areas. Download the "
                           "table again.")
    header = grid[first_data - 1]
    preamble = [r for r in grid[:first_data - 1] if any(r)]
    # A period fixed in the preamble ("Reference Period","2018") holds for every column.
    fixed = next((_period_of(c) for r in preamble if norm(r[0]) in ("reference period",
                                                                    "period", "date")
                  for c in r[1:] if _period_of(c)), None)
    period_cols = {i: p for i, c in enumerate(header) if i > 0 and (p := _period_of(c))}
    locked = [clean_label(": ".join(c for c in r if c)) for r in preamble
              if not (fixed and norm(r[0]) in ("reference period", "period", "date"))]
    label = " | ".join(locked) or "value"
    if period_cols:
        columns = {i: (label, period) for i, period in period_cols.items()}
    elif fixed:
        # Columns are measures or categories ("Count", "Ratio"): a series each.
        columns = {i: (f"{label} | {clean_label(c)}", fixed) for i, c in enumerate(header)
                   if i > 1 and clean_label(c)}
    else:
        raise ExportIncomplete(f"'{source.name}' is a statistics.gov.scot table download whose "
                           "columns are not periods (years, financial years, quarters or "
                           "months) and whose heading names no reference period. Put the "
                           "reference period in the table's columns (or fix it to one period) "
                           "on statistics.gov.scot and download it again.")
    points = []
    for row, r in enumerate(grid[first_data:], start=first_data + 1):
        if not r or not _GEO.search(r[0]):
            continue
        area = _GEO.search(r[0]).group(1)
        for i, (series, period) in columns.items():
            if i < len(r) and _value(r[i]) is not None:
                points.append((series, area, period, _value(r[i]), None, None, "", None, row))
    areas = plural(len({p[1] for p in points}), "area")
    if period_cols:
        by = f"by {plural(len(period_cols), 'period')} ({label})"
    else:
        by = f"{plural(len(columns), 'column')} for {fixed} ({label})"
    description = f"statistics.gov.scot table download: {areas} {by}"
    key = "table:" + norm(label)
    series = {s: suggest(s) for s, _ in columns.values()}

    def build(answers: dict):
        return rows_frame(_rows_for(answers, points, "statistics.gov.scot"))

    return Recognised(TABLE, description, [mapping_question(series)], build, table_key=key)


# -- Scottish Government spreadsheets ----------------------------------------------------------
_SKIP_SHEETS = ("index", "contents", "notes", "cover", "cover sheet", "table of contents")
# What marks a published table (and not any workbook with a line above its header): a "Table 3:"
# title, the accessible layout's "This worksheet contains ..." note, or a producer's source line.
_TITLE = re.compile(r"^(Tables?|Chart|Figure|Annex table)\s+[A-Z]?\d+[a-z]?\b|"
                    r"This worksheet contains|^Source:.*(Scottish Government|Statistics|Survey)",
                    re.I)


def _numericish(cell: str) -> bool:
    return bool(cell) and (_value(cell) is not None or cell.strip().lower() in _MARKERS)


def parse_sg_sheet(grid: Grid):
    """(title, header, data rows as (group label, cells, Excel row)) of a published table, found
    under its title and note rows, or None."""
    rows = [[c.strip() for c in r] for r in grid]
    title, titled = None, False
    for i, r in enumerate(rows[:40]):
        cells = [c for c in r if c]
        if not cells:
            continue
        if len(cells) == 1 and _TITLE.search(cells[0]):
            titled = True
            if not cells[0].lower().startswith(("this worksheet", "source")):
                title = title or cells[0]
            continue
        if len(cells) == 1 and title is None and len(cells[0]) > 20 and \
                not cells[0].lower().startswith(("return to", "back to")):
            title = cells[0]
            continue
        if len(cells) >= 2 and not all(_numericish(c) for c in cells[1:]) or \
                len(cells) >= 3 and sum(bool(_period_of(c)) for c in r[1:]) >= 2:
            following = [x for x in rows[i + 1:i + 8] if any(x)]
            if not any(sum(_numericish(c) for c in x[1:]) >= 1 for x in following):
                continue
            if not titled:
                return None
            body, group, blank_run = [], None, 0
            for excel_row, x in enumerate(rows[i + 1:], start=i + 2):
                x = x + [""] * (len(r) - len(x))
                if not any(x):
                    blank_run += 1
                    if blank_run >= 2 and body:
                        break
                    continue
                blank_run = 0
                filled = [c for c in x[1:] if c]
                if not filled:
                    if re.match(r"^(\d+\.?\s|\*+\s|source|notes?\b|\[note)", x[0], re.I) or \
                            len(x[0]) > 80:
                        if body:
                            break
                        continue
                    group = clean_label(x[0])
                    continue
                body.append((group, x, excel_row))
            return title or "", r, body
    return None


def _title_key(title: str) -> str:
    t = clean_label(title)
    t = re.sub(r"(?<=[a-z\)])\d+(,\d+)*\s*$", "", t)  # footnote digits glued on
    t = re.sub(r"^(Table|Chart|Figure)\s+[A-Z]?\d+[a-z]?\s*[:\-–]?\s*", "", t, flags=re.I)
    t = re.sub(r"\d{4}([-/]\d{2,4})?", "", t)
    return norm(t)


def _sg_recognised(source: Source, name: str, parsed) -> Recognised | None:
    title, header, body = parsed
    header = [clean_label(h) for h in header]
    if not body or {"indicator", "area"} <= {norm(h) for h in header}:
        return None  # a template with a title line above it is not a published table
    shown = re.sub(r"(?<=[a-z\)])\d+(,\d+)*\s*$", "", clean_label(title))
    # Columns of lower and upper estimates belong to their best estimate's column.
    column_bounds = _attach_bounds(header[1:])
    column_bounds = {i + 1: (best + 1, side) for i, (best, side) in column_bounds.items()}
    period_cols = {i: p for i, h in enumerate(header) if i > 0 and (p := _period_of(h))
                   and i not in column_bounds}
    first_is_period = sum(bool(_period_of(x[0])) for _, x, _ in body) * 2 >= len(body)
    # So do rows of lower and upper estimates (periods as columns), matched within a group.
    row_bounds = _attach_bounds([x[0] for _, x, _ in body]) if len(period_cols) >= 2 else {}
    bounds_of: dict[int, dict[str, list[str]]] = defaultdict(dict)
    for i, (best, side) in row_bounds.items():
        bounds_of[best][side] = body[i][1]
    points, series = [], {}

    def interval(cells: list[str], i: int, best_row: int | None = None):
        """(lower, upper) of the figure in column i: from bound columns or bound rows."""
        lower = upper = None
        for j, (best, side) in column_bounds.items():
            if best == i and j < len(cells):
                lower, upper = (_value(cells[j]), upper) if side == "lower" \
                    else (lower, _value(cells[j]))
        if best_row is not None:
            rows_ = bounds_of.get(best_row, {})
            if "lower" in rows_:
                lower = _value(rows_["lower"][i])
            if "upper" in rows_:
                upper = _value(rows_["upper"][i])
        return lower, upper

    title_periods = re.findall(r"\d{4}[-/]\d{2}(?:\d{2})?", shown)
    questions = [Question("area", "Which area are these figures for? (a national table is "
                                  "usually Scotland)", default=SCOTLAND)]
    if len(period_cols) >= 2:
        layout = "periods as columns"
        for k, (group, x, row) in enumerate(body):
            if k in row_bounds:
                continue
            label = clean_label(x[0]) or "value"
            key = f"{group}: {label}" if group else label
            series.setdefault(key, suggest(key))
            for i, period in period_cols.items():
                points.append((key, None, period, _value(x[i]), *interval(x, i, k), "", None,
                               row))
    elif first_is_period:
        layout = "periods as rows"
        dim = norm(header[0]) or "group"
        for group, x, row in body:
            period = _period_of(x[0])
            if not period:
                continue
            for i, h in enumerate(header):
                if i == 0 or not h or i in column_bounds:
                    continue
                series.setdefault(h, suggest(h))
                points.append((h, None, period, _value(x[i]), *interval(x, i),
                               f"{dim}:{group}" if group else "", None, row))
    else:
        layout = "categories"
        dim = norm(header[0]) or "group"
        for group, x, row in body:
            label = clean_label(x[0])
            for i, h in enumerate(header):
                if i == 0 or not h or i in column_bounds:
                    continue
                series.setdefault(h, suggest(h))
                breakdown = f"{dim}:{group + ' - ' if group else ''}{label}" if label else ""
                # A row named after an area (Table 13: by local authority) becomes that area's
                # figure when the catalogue knows the name (resolved in build).
                points.append((h, label, None, _value(x[i]), *interval(x, i), breakdown, None,
                               row))
        if not title_periods:
            questions.append(Question("period", "Which period do these figures cover? (e.g. "
                                                "2017/18)"))
    points = [p for p in points if p[3] is not None]
    if not points:
        return None
    title_period = _period_of(title_periods[-1]) if title_periods else None
    periods = [q.label for q in sorted({parse_period(p[2]) for p in points if p[2]},
                                       key=lambda q: (q.start, q.end))]
    when = f", {periods[0]} to {periods[-1]}" if len(periods) > 1 else \
        (f", {periods[0]}" if periods else (f", {title_period}" if title_period else ""))
    description = (f"Scottish Government table '{shown[:120]}' (sheet '{name}', {layout}): "
                   f"{plural(len(series), 'series', 'series')}{when}")
    key = f"sg:{_title_key(title)}|{layout}"

    def build(answers: dict):
        period = title_period or str(answers.get("period") or "").strip()
        resolve = answers.get("_resolve_area") or (lambda text: None)
        filled = []
        for s, a, p, v, lo, up, b, n, row in points:
            code = resolve(a) if layout == "categories" and a else None
            filled.append((s, code, p or period, v, lo, up, "" if code else b, n, row))
        return rows_frame(_rows_for(answers, filled, f"Scottish Government: {shown[:150]}"))

    return Recognised(SG_TABLES, description, [*questions, mapping_question(series)], build,
                      sheet=name, table_key=key)


def detect_sg(source: Source, sheet: str | None) -> Recognised | None:
    if source.kind == "csv":
        return None
    candidates = [sheet] if sheet else [s for s in source.sheets
                                        if s.strip().lower() not in _SKIP_SHEETS]
    first = None
    for name in candidates:
        if name not in source.sheets:
            raise ExportIncomplete(f"'{source.name}' has no sheet called '{name}'. Its sheets are: "
                               f"{', '.join(source.sheets)}.")
        parsed = parse_sg_sheet(source.sheets[name])
        found = _sg_recognised(source, name, parsed) if parsed else None
        if found is not None:
            first = first or found
            if sheet:
                break
    if first is None:
        if sheet and any(parse_sg_sheet(g) for g in source.sheets.values()):
            raise ExportIncomplete(f"Sheet '{sheet}' of '{source.name}' holds no table of figures "
                               "(it may be the index or the notes). Choose one of the table "
                               "sheets.")
        return None
    first.sheets = [s for s in source.sheets if s.strip().lower() not in _SKIP_SHEETS]
    first.tables = list_tables(source)
    return first


def list_tables(source: Source) -> list[tuple[str, str]]:
    """(sheet, table title) of every sheet holding a published table cjmetrics can read, in
    the workbook's order: what a user chooses from when a workbook holds many tables."""
    tables = []
    for name, grid in source.sheets.items():
        if name.strip().lower() in _SKIP_SHEETS:
            continue
        parsed = parse_sg_sheet(grid)
        if parsed and _sg_recognised(source, name, parsed) is not None:
            title = re.sub(r"(?<=[a-z\)])\d+(,\d+)*\s*$", "", clean_label(parsed[0]))
            tables.append((name, title or name))
    return tables


CUBE = ExportFormat("statsgovscot_cube", "statistics.gov.scot cube download (CSV)",
                    "Official statistics", detect_cube, short="statistics.gov.scot cube")
TABLE = ExportFormat("statsgovscot_table", "statistics.gov.scot table download (CSV)",
                     "Official statistics", detect_table, short="statistics.gov.scot table")
SG_TABLES = ExportFormat("scotgov_tables", "Scottish Government published tables (xlsx/xls, "
                         "older and accessible layouts)", "Official statistics", detect_sg,
                         short="Scottish Government tables")
FORMATS = [CUBE, TABLE, SG_TABLES]
