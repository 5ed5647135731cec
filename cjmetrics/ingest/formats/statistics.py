"""Official statistics: statistics.gov.scot cube (tidy) and table downloads, and Scottish
Government published spreadsheets in the older layout (title with footnote digits, group rows,
-, *, **) and the accessible layout (title and note rows, periods as columns, [x] [z] [c] [ns]
[note N], proportions as fractions).

A table's rows ("series") mean nothing to cjmetrics until the user maps each onto a catalogue
indicator; that mapping is remembered under the table's key for its next release."""

from __future__ import annotations

import re
from collections import defaultdict

from ...periods import parse_period
from .base import (ExportFormat, FormatBroken, Grid, Question, Recognised, Source,
                   find_column, is_period, norm, number, plural, rows_frame)

SCOTLAND = "S92000003"
_NOTE = re.compile(r"\s*\[(note|Note)\s*\d+\]|\s*\[(x|z|c|ns|low|u|w|b|p|r|e)\]", re.I)
_MARKERS = {"-", "*", "**", "***", "..", ":", "x", "z", "c", "[x]", "[z]", "[c]", "[ns]", "[low]",
            "[u]", "[w]", "n/a", "na", "—", "–"}
_CI = re.compile(r"(lower|upper)\s*(95%?\s*)?(confidence|ci|limit|bound)|"
                 r"(95%?\s*)?(lower|upper)\s*confidence", re.I)
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


def mapping_question(series: dict[str, str]) -> Question:
    return Question("mapping", "Which catalogue indicator is each row of this table? Choose an "
                               "indicator for the rows to import (the choice is remembered for "
                               "the table's next release).", series=series)


def _rows_for(answers: dict, points, source: str) -> list[dict]:
    """points: (series, area or None, period, value, lower, upper, breakdown, note)."""
    mapping = answers.get("mapping") or {}
    out = []
    for series, area, period, value, lower, upper, breakdown, note in points:
        indicator = mapping.get(series)
        if not indicator:
            continue
        out.append({"indicator": indicator, "area": area or answers.get("area"),
                    "period": period, "value": value, "lower": lower, "upper": upper,
                    "breakdown": breakdown, "note": note, "source": source})
    return out


# -- statistics.gov.scot cube ----------------------------------------------------------------
def detect_cube(source: Source, sheet: str | None) -> Recognised | None:
    if source.kind != "csv":
        return None
    grid = source.first
    if not grid:
        return None
    header = grid[0]
    col = {k: find_column(header, k) for k in ("FeatureCode", "DateCode", "Measurement",
                                               "Units", "Value")}
    present = [k for k, v in col.items() if v is not None]
    if not {"FeatureCode", "DateCode"} <= set(present) or len(present) < 4:
        return None
    missing = [k for k, v in col.items() if v is None]
    if missing:
        raise FormatBroken(f"'{source.name}' looks like a statistics.gov.scot cube download, "
                           f"but it has no {', '.join(missing)} column. Download the cube "
                           "again from statistics.gov.scot without removing columns.")
    known = {col[k] for k in col} | {find_column(header, n) for n in ("FeatureName",
                                                                       "FeatureType")}
    dims = [i for i in range(len(header)) if i not in known]
    groups: dict = defaultdict(dict)
    units = set()
    for r in grid[1:]:
        if not any(r):
            continue
        r = r + [""] * (len(header) - len(r))
        measure = r[col["Measurement"]]
        key = (r[col["FeatureCode"]], r[col["DateCode"]], r[col["Units"]],
               tuple(r[i] for i in dims))
        groups[key][measure] = r[col["Value"]]
        units.add(r[col["Units"]])
    if not groups:
        raise FormatBroken(f"'{source.name}' is a statistics.gov.scot cube download with no "
                           "data rows: the file looks cut short.")
    points, series = [], {}
    for (feature, datecode, unit, dimvals), measures in groups.items():
        bounds = {m: v for m, v in measures.items() if _CI.search(m)}
        lower = next((_value(v) for m, v in bounds.items() if "lower" in m.lower()), None)
        upper = next((_value(v) for m, v in bounds.items() if "upper" in m.lower()), None)
        for measure, raw in measures.items():
            if measure in bounds:
                continue
            label = " | ".join([measure, unit, *dimvals])
            series.setdefault(label, suggest(label))
            with_ci = measure.lower() not in ("count",)
            points.append((label, feature, datecode, _value(raw),
                           lower if with_ci else None, upper if with_ci else None, "",
                           None if _value(raw) is not None or not raw else f"marked {raw}"))
    features = {p[1] for p in points}
    periods = sorted({p[2] for p in points})
    description = (f"statistics.gov.scot cube download: {plural(len(series), 'series', 'series')}"
                   f" for {plural(len(features), 'area')}, {periods[0]} to {periods[-1]}")
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
        raise FormatBroken(f"'{source.name}' looks like a statistics.gov.scot table download, "
                           "but it has no header row of periods above the areas. Download the "
                           "table again.")
    header = grid[first_data - 1]
    period_cols = {i: p for i, c in enumerate(header) if i > 0 and (p := _period_of(c))}
    if not period_cols:
        raise FormatBroken(f"'{source.name}' is a statistics.gov.scot table download whose "
                           "columns are not periods (years, financial years, quarters or "
                           "months). Put the reference period in the table's columns on "
                           "statistics.gov.scot and download it again.")
    locked = [clean_label(": ".join(c for c in r if c)) for r in grid[:first_data - 1]
              if any(r)]
    label = " | ".join(locked) or "value"
    points = []
    for r in grid[first_data:]:
        if not r or not _GEO.search(r[0]):
            continue
        area = _GEO.search(r[0]).group(1)
        for i, period in period_cols.items():
            if i < len(r) and _value(r[i]) is not None:
                points.append((label, area, period, _value(r[i]), None, None, "", None))
    areas = plural(len({p[1] for p in points}), "area")
    description = (f"statistics.gov.scot table download: {areas}"
                   f" by {plural(len(period_cols), 'period')} ({label})")
    key = "table:" + norm(label)

    def build(answers: dict):
        return rows_frame(_rows_for(answers, points, "statistics.gov.scot"))

    return Recognised(TABLE, description, [mapping_question({label: suggest(label)})], build,
                      table_key=key)


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
    """(title, header, data rows with their group label) of a published table, or None."""
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
            for x in rows[i + 1:]:
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
                body.append((group, x))
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
    period_cols = {i: p for i, h in enumerate(header) if i > 0 and (p := _period_of(h))}
    first_is_period = sum(bool(_period_of(x[0])) for _, x in body) * 2 >= len(body)
    points, series = [], {}
    title_periods = re.findall(r"\d{4}[-/]\d{2}(?:\d{2})?", shown)
    questions = [Question("area", "Which area are these figures for? (a national table is "
                                  "usually Scotland)", default=SCOTLAND)]
    if len(period_cols) >= 2:
        layout = "periods as columns"
        for group, x in body:
            label = clean_label(x[0]) or "value"
            key = f"{group}: {label}" if group else label
            series.setdefault(key, suggest(key))
            for i, period in period_cols.items():
                points.append((key, None, period, _value(x[i]), None, None, "", None))
    elif first_is_period:
        layout = "periods as rows"
        dim = norm(header[0]) or "group"
        for group, x in body:
            period = _period_of(x[0])
            if not period:
                continue
            for i, h in enumerate(header):
                if i == 0 or not h:
                    continue
                series.setdefault(h, suggest(h))
                points.append((h, None, period, _value(x[i]), None, None,
                               f"{dim}:{group}" if group else "", None))
    else:
        layout = "categories"
        dim = norm(header[0]) or "group"
        for group, x in body:
            label = clean_label(x[0])
            for i, h in enumerate(header):
                if i == 0 or not h:
                    continue
                series.setdefault(h, suggest(h))
                breakdown = f"{dim}:{group + ' - ' if group else ''}{label}" if label else ""
                # A row named after an area (Table 13: by local authority) becomes that area's
                # figure when the catalogue knows the name (resolved in build).
                points.append((h, label, None, _value(x[i]), None, None, breakdown, None))
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
        for s, a, p, v, lo, up, b, n in points:
            code = resolve(a) if layout == "categories" and a else None
            filled.append((s, code, p or period, v, lo, up, "" if code else b, n))
        return rows_frame(_rows_for(answers, filled, f"Scottish Government: {shown[:150]}"))

    return Recognised(SG_TABLES, description, [*questions, mapping_question(series)], build,
                      sheet=name, table_key=key)


def detect_sg(source: Source, sheet: str | None) -> Recognised | None:
    if source.kind == "csv":
        return None
    candidates = [sheet] if sheet else [s for s in source.sheets
                                        if s.strip().lower() not in _SKIP_SHEETS]
    tables = []
    first = None
    for name in candidates:
        if name not in source.sheets:
            raise FormatBroken(f"'{source.name}' has no sheet called '{name}'. Its sheets are: "
                               f"{', '.join(source.sheets)}.")
        parsed = parse_sg_sheet(source.sheets[name])
        found = _sg_recognised(source, name, parsed) if parsed else None
        if found is not None:
            tables.append(name)
            first = first or found
            if sheet:
                break
    if first is None:
        if sheet and any(parse_sg_sheet(g) for g in source.sheets.values()):
            raise FormatBroken(f"Sheet '{sheet}' of '{source.name}' holds no table of figures "
                               "(it may be the index or the notes). Choose one of the table "
                               "sheets.")
        return None
    first.sheets = [s for s in source.sheets if s.strip().lower() not in _SKIP_SHEETS]
    return first


CUBE = ExportFormat("statsgovscot_cube", "statistics.gov.scot cube download (CSV)",
                    "Official statistics", detect_cube)
TABLE = ExportFormat("statsgovscot_table", "statistics.gov.scot table download (CSV)",
                     "Official statistics", detect_table)
SG_TABLES = ExportFormat("scotgov_tables", "Scottish Government published tables (xlsx/xls, "
                         "older and accessible layouts)", "Official statistics", detect_sg)
FORMATS = [CUBE, TABLE, SG_TABLES]
