"""`python -m cjmetrics ...`: set up and look after the store without the dashboard.

Exit codes: 0 success, 1 a problem with the store or the input (explained in one sentence),
2 a usage error (argparse's own).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import config
from .errors import CjmetricsError


def _import_number(text: str) -> int:
    """An import's number as `imports` lists it; anything else is refused in a sentence."""
    try:
        return int(text.strip().lstrip("#"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not an import's number. `python -m cjmetrics imports` lists every "
            "import with its number in the first column.") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cjmetrics",
        description="cjmetrics: community justice metrics in one DuckDB file. The store is "
                    "CJMETRICS_DB if set, else "
                    f"{config.DEFAULT_DB.relative_to(config.PROJECT_ROOT)}.")
    parser.add_argument("--db", type=_store_location,
                        help="the store file, or a postgresql:// URL, to use (overrides "
                             "CJMETRICS_DB)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    init = commands.add_parser(
        "init", help="create the store, or upgrade it, and load the reference catalogue",
        description="Create the store if it does not exist, apply any schema migrations and add "
                    "catalogue rows it lacks. Running it twice changes nothing.")
    demo = init.add_mutually_exclusive_group()
    demo.add_argument("--demo", action="store_true", default=None,
                      help="load the illustrative demo data even into an existing store "
                           "(loading it twice changes nothing)")
    demo.add_argument("--no-demo", dest="demo", action="store_false",
                      help="never load demo data (by default a NEW store gets it, unless "
                           "CJMETRICS_DEMO=0)")
    imp = commands.add_parser(
        "import", help="import a filled-in template (CSV or XLSX): validate, preview, commit",
        description="Validate FILE against the upload templates (indicator values, targets, "
                    "notes), list every problem, and import it in one transaction when there are "
                    "no errors. Exit 0 when imported (or nothing needed importing), 1 when the "
                    "file has errors or cannot be read.")
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("--sheet", metavar="NAME", help="the XLSX sheet to read (default: the first "
                                                     "with data)")
    imp.add_argument("--dry-run", action="store_true",
                     help="validate and preview only; write nothing")
    imp.add_argument("--confirm-large-revisions", action="store_true",
                     help="import even when a revision moves a figure by more than the "
                          "revision_factor setting (default 2 times); without it such a file "
                          "is refused, naming the rows")
    # Tool exports (Mailchimp, X, Eventbrite, Google Analytics, statistics tables ...): the
    # answers the file cannot give.
    imp.add_argument("--area", metavar="CODE", help="for a tool export: the area its figures "
                                                    "are for (GSS code or name)")
    imp.add_argument("--event", metavar="NAME", help="for an Eventbrite report without event "
                                                     "names: the event's name")
    imp.add_argument("--period", metavar="PERIOD", help="for an export that does not say when: "
                                                        "the period (e.g. 'Mar 2024', 2017/18)")
    imp.add_argument("--map", action="append", metavar="'ROW=INDICATOR'", default=[],
                     help="for a statistics table: import the row (series) ROW as indicator "
                          "INDICATOR (repeatable; remembered for the table's next release)")
    # -- survey exports --
    imp.add_argument("--survey", metavar="ID", help="for a SurveyMonkey, Google Forms or "
                     "Microsoft Forms export: the survey definition its answers belong to (an id "
                     "from the Surveys page, or 'new' to create one from the export); proposed "
                     "from the question texts when not given")
    imp.add_argument("--survey-name", metavar="NAME",
                     help="with --survey new: the new survey's name (default: the file's name)")
    # (--map also corrects a survey export's mapping: 'EXPORT QUESTION=QUESTION_ID', or
    # 'QUESTION_ID:ANSWER TEXT=OPTION_ID'; remembered for the survey's next export.)
    # -- end survey exports --
    imp.add_argument("--who", default="local", metavar="PERSON",
                     help="the person the import is done on behalf of: the audit log records the "
                          "operating-system user running the command, and PERSON only as 'on "
                          "behalf of'")
    commands.add_parser("areas", help="list the areas an upload may name: name, GSS code and "
                                      "partnership",
                        description="Every area in the catalogue, as the Areas tab of the "
                                    "Frameworks page lists it: its name, its GSS code (or CJP- "
                                    "code for a partnership) and the partnership it is part of.")
    commands.add_parser("imports", help="list every import, newest first, with its id and status",
                        description="The import history: id, when, who, kind, file, rows new / "
                                    "revised / unchanged, and whether it was undone.")
    undo = commands.add_parser("undo", help="undo an import: its figures stop counting and the "
                                            "previous values come back",
                               description="Undo import IMPORT_ID (see `imports`). Nothing is "
                                           "deleted: the import is marked undone.")
    undo.add_argument("import_id", type=_import_number, metavar="IMPORT_ID")
    undo.add_argument("--who", default="local", metavar="PERSON",
                      help="the person the undo is done on behalf of (as for import)")
    exp = commands.add_parser(
        "export", help="write the current figures in the template's columns (CSV or XLSX)",
        description="Write the current indicator values as an indicator-values template, so they "
                    "can be edited in Excel and imported back (an unedited export imports as "
                    "'nothing changed').")
    exp.add_argument("--out", type=Path, required=True, metavar="FILE",
                     help="the file to write: .csv or .xlsx")
    exp.add_argument("--indicator", action="append", metavar="ID",
                     help="only this indicator (repeatable)")
    exp.add_argument("--area", action="append", metavar="CODE", help="only this area (repeatable)")
    # -- engagement --
    stmt = commands.add_parser(
        "statement", help="write a participation statement from the engagement plan (.docx or "
                          ".md)",
        description="Write the participation statement for AREA's engagement activities from "
                    "one period to another (in the layout of West Dunbartonshire's participation "
                    "statement: activity, who was involved, "
                    "learning points, with a summary). Exit 0 when written, 1 when the area, a "
                    "period or the file is not usable.")
    stmt.add_argument("--area", required=True, metavar="CODE",
                      help="area code or name, e.g. S12000049, Glasgow or CJP-AYR")
    stmt.add_argument("--from", dest="start", required=True, metavar="PERIOD",
                      help="first period, e.g. 2023/24, Apr 2023 or 01/04/2023")
    stmt.add_argument("--to", dest="end", required=True, metavar="PERIOD",
                      help="last period, e.g. 2024/25")
    stmt.add_argument("--out", type=Path, required=True, metavar="FILE",
                      help="the file to write: .docx (Word) or .md (Markdown)")
    # -- annual report --
    report = commands.add_parser(
        "report", help="write the first draft of an area's annual report (.docx or .md)",
        description="Write the draft annual progress report for AREA's financial YEAR: a "
                    "summary of the 9 national outcomes, Part 1 from the Improvement Tool "
                    "evidence and engagement activities, Part 2 with each national indicator's "
                    "figure, change, target status and chart, and the engagement figures. Exit "
                    "0 when written, 1 when the area, the year or the file is not usable.")
    report.add_argument("--area", required=True, metavar="CODE",
                        help="area code or name, e.g. S12000049, Glasgow or CJP-AYR")
    report.add_argument("--year", required=True, metavar="YEAR",
                        help="the financial year, e.g. 2024/25")
    report.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help="the file to write: .docx (Word) or .md (Markdown)")
    # -- end annual report --
    commands.add_parser("status", help="show the store's file, schema version and row counts",
                        description="Print the store's path, schema version, data version and "
                                    "the number of rows in each table.")
    # -- deck (Present) --
    deck = commands.add_parser(
        "deck", help="build the standard meeting pack for an area as PowerPoint, PDF or HTML",
        description="Every outcome indicator, the self-assessment scores and the headline "
                    "engagement figures held for AREA up to PERIOD, one chart per slide after a "
                    "title slide. .pptx and .pdf need Debian's chromium; .html does not.")
    deck.add_argument("--area", required=True, metavar="CODE",
                      help="the area's code, e.g. S12000049 (Glasgow City) or CJP-AYR")
    deck.add_argument("--period", required=True, metavar="PERIOD",
                      help="figures up to this period, e.g. 2024/25 or 'Mar 2025'")
    deck.add_argument("--out", type=Path, required=True, metavar="FILE",
                      help="the file to write: .pptx, .pdf or .html")
    deck.add_argument("--saved", metavar="NAME",
                      help="build this saved deck (from the Present page) instead of the pack")
    # -- end deck --
    # Looking after the store: backup, restore, check.
    backup = commands.add_parser(
        "backup",
        help="write a consistent copy of the store to FILE, even while the dashboard runs",
        description="Copy the whole store to the new file FILE (never overwritten). If the "
                    "dashboard has the store open, it is asked to make the copy itself; the "
                    "copy is one consistent snapshot either way.")
    backup.add_argument("file", type=Path, metavar="FILE")
    backup.add_argument("--wait", type=float, default=120, metavar="SECONDS",
                        help="how long to wait for a running dashboard to answer (default 120)")
    restore = commands.add_parser(
        "restore", help="replace the store by the backup FILE (stop the dashboard first)",
        description="Check FILE is a whole cjmetrics store this version can use, then make it "
                    "the store; the replaced store is kept beside it as "
                    "<store>.before-restore-<time>. Refused while the dashboard is running.")
    restore.add_argument("file", type=Path, metavar="FILE")
    check = commands.add_parser(
        "check", help="read the whole store (or a backup FILE) and say whether it is sound",
        description="Check every block of the file against DuckDB's checksum, read every row of "
                    "every table (against a backup's record of what it holds) and run the "
                    "store's integrity checks; nothing is changed. Exit 0 when sound, 1 when "
                    "not (with what is wrong). Stop the dashboard first, or check a backup.")
    check.add_argument("file", type=Path, nargs="?", metavar="FILE",
                       help="a backup file to check instead of the store")
    return parser


def _store_location(text: str) -> Path | str:
    """--db: a PostgreSQL URL or connection string as given, else a file's Path."""
    return text if config.is_postgres(text) else Path(text)


def _location(args) -> Path | str:
    return args.db or config.db_path()


def _backup(args) -> int:
    from .operations import backup

    print(backup(_location(args), args.file, wait=args.wait))
    return 0


def _restore(args) -> int:
    from .operations import restore

    print(restore(args.file, _location(args)))
    return 0


def _check(args) -> int:
    from .operations import check

    sound, sentence = check(args.file or _location(args),
                            backup=args.file is not None)
    print(sentence, file=sys.stdout if sound else sys.stderr)
    return 0 if sound else 1


def _init(args) -> int:
    from .bootstrap import initialise
    from .errors import StoreReadOnly
    from .store import SCHEMA_VERSION

    store = initialise(args.db, demo=args.demo)
    if store.read_only and args.demo:  # a read-only store is served as it is, and loads nothing
        raise StoreReadOnly(f"The store {store.label} is read-only (CJMETRICS_READ_ONLY=1), so "
                            "the demo data cannot be written to it. Unset CJMETRICS_READ_ONLY "
                            "and run `init --demo` again.")
    counts = store.table_counts()
    print(f"Store ready: {store.label} (schema {SCHEMA_VERSION}).")
    print(f"Catalogue: {counts['outcomes']} outcomes, {counts['indicators']} indicators, "
          f"{counts['areas']} areas. Figures held: {counts['observations']:,}.")
    if store.demo_import_ids():
        print("The store holds illustrative demo data (not official statistics).")
    return 0


def _status(args) -> int:
    from .store import open_store

    path = _location(args)
    if isinstance(path, Path) and not path.exists():
        print(f"No store at {path}: run `python -m cjmetrics init` to create it.")
        return 1
    store = open_store(path)
    print(f"Store: {store.label}\nSchema version: {store.schema_version()}\n"
          f"Data version: {store.data_version()}")
    for table, count in store.table_counts().items():
        print(f"  {table:<24} {count:>10,}")
    return 0


def _open(args):
    from .bootstrap import initialise

    return initialise(args.db)


def _import(args) -> int:
    from . import access
    from .ingest.service import open_upload, read_upload

    data = read_upload(args.file)  # the size limit first: a 1 GB file is never read
    store = _open(args)
    actor = access.Actor(args.who, access.current().role, local=True)
    upload = open_upload(store, data, args.file.name, sheet=args.sheet, actor=actor)
    if upload.is_export:
        print(f"Recognised: {upload.description}.")
        _print_tables(upload, args)
    if upload.is_survey:
        return _import_survey(store, upload, args)
    answers: dict = {}
    if upload.is_export:
        answers = _export_answers(upload, args)
        missing = upload.open_questions(answers)
        if missing:
            print("Nothing was imported: " + " ".join(_how_to_answer(q) for q in missing),
                  file=sys.stderr)
            return 1
        for series, indicator in (answers.get("mapping") or {}).items():
            if indicator:
                print(f"  row '{series}' -> indicator {indicator}")
    prepared = upload.prepare(answers)
    _print_problems(prepared)
    if not prepared.ok:
        print("Nothing was imported: fix the errors and run the import again.", file=sys.stderr)
        return 1
    return _finish(upload, prepared, answers, args)


def _print_tables(upload, args) -> None:
    """The service's question "which table?", answered by --sheet (else its suggestion)."""
    question = upload.table_question()
    if question is None:
        return
    how = "as --sheet asks" if args.sheet else "the first"
    print(f"This workbook holds {len(question.series)} tables; reading '{question.default}' "
          f"({how}); choose another with --sheet NAME:")
    for sheet, title in question.series.items():
        print(f"  --sheet {sheet!r}" + (f"  {title}" if title != sheet else ""))


def _print_problems(prepared) -> None:
    from .ingest.pipeline import problem_place

    print(prepared.summary)
    shown = prepared.problems
    for p in shown.itertuples():
        print(f"  {p.severity}: {problem_place(p.row, p.column)}: {p.problem} {p.fix}")
    total = prepared.error_count + prepared.warning_count
    if total > len(shown):
        print(f"  … and {total - len(shown):,} more.")


def _finish(upload, prepared, answers: dict, args) -> int:
    if prepared.preview is not None:
        print(prepared.preview.message)
    large = upload.large_revisions(prepared)
    if args.dry_run:
        if large:
            print(f"Warning: {large.sentence}")
        print("Dry run: nothing was written.")
        return 0
    if large and not args.confirm_large_revisions:
        print(f"Nothing was imported: {large.sentence} If they are right, run the import again "
              "with --confirm-large-revisions.", file=sys.stderr)
        return 1
    print(upload.commit(prepared, answers,
                        confirm_large_revisions=args.confirm_large_revisions).message)
    return 0


# -- survey exports --
def _import_survey(store, upload, args) -> int:
    """A survey tool's export: the survey proposed (or given), the mapping printed, then the
    same preview and commit as any import."""
    from . import survey_mapping as sm

    recognised = upload.recognised
    answers = dict(upload.suggested)
    answers.update({k: v for k, v in (("area", args.area), ("period", args.period),
                                      ("survey", args.survey), ("survey_name", args.survey_name))
                    if v})
    open_ = sm.missing(answers)
    if open_:
        flags = {"which area": "--area CODE",
                 "which survey": "--survey ID" + (" (or --survey new)"
                                                  if upload.may_create_survey else ""),
                 "when the survey": "--period PERIOD (e.g. --period 2019/20)"}
        hints = [f for k, f in flags.items() if any(o.startswith(k) for o in open_)]
        print(f"Nothing was imported: say {'; '.join(open_)}. Give {', '.join(hints)}.",
              file=sys.stderr)
        return 1
    if recognised.survey.dropped:
        print("Left out as personal data: " + "; ".join(recognised.survey.dropped) + ".")
    proposed = " (proposed from the question texts)" if not args.survey else ""
    print(f"Survey: {answers['survey']}{proposed}; area {answers['area']}; "
          f"period {answers['period']}.")
    if args.map:
        answers["mapping"] = _survey_map(store, recognised.survey, answers, args.map)
    prepared = upload.prepare(answers)
    plan = prepared.survey_plan
    if plan["new"] is not None:
        print(f"A new survey definition '{plan['survey_id']}' will be created from the export.")
    for field, target in plan["mapping"]["fields"].items():
        print(f"  {field[:70]!r} -> {target or 'left out'}")
    unmatched = [sm.split_key(k) for k, v in plan["mapping"]["answers"].items() if not v]
    for question, text in unmatched:
        print(f"  answer {text!r} to {question} matches no option: left out")
    _print_problems(prepared)
    if not prepared.ok:
        print("Nothing was imported: correct the mapping (--survey) or the export.",
              file=sys.stderr)
        return 1
    return _finish(upload, prepared, answers, args)


def _survey_map(store, export, answers: dict, items: list[str]) -> dict:
    """--map 'EXPORT QUESTION=QUESTION_ID' (or =QUESTION_ID/ITEM_ID for a matrix row; nothing
    after = to leave it out) and --map 'QUESTION_ID:ANSWER TEXT=OPTION_ID', over the suggested
    (or remembered) mapping."""
    from . import survey_mapping as sm

    mapping, _ = sm.mapping_for(store, export, answers["survey"], answers.get("survey_name", ""))
    keys = {f.key for f in export.fields}
    for item in items:
        left, _, right = item.rpartition("=")
        left, right = left.strip(), right.strip()
        if left in keys:
            mapping["fields"][left] = right
        elif ":" in left and answers["survey"] != sm.NEW:
            qid, _, text = left.partition(":")
            mapping["answers"][sm.answer_key(qid.strip(), text.strip())] = right
        else:
            raise CjmetricsError(f"'{left}' is neither a question of this export nor "
                                 "QUESTION_ID:ANSWER. The export's questions are: "
                                 + "; ".join(sorted(keys)[:20]) + ".",
                                 title="Nothing was imported")
    return mapping
# -- end survey exports --


def _export_answers(upload, args) -> dict:
    # Only a table's mapping is taken as suggested (remembered, or guessed from the row's words,
    # and printed); a guessed month or area is never used without being given.
    recognised, suggested = upload.recognised, upload.suggested
    answers = {"mapping": suggested["mapping"]} if "mapping" in suggested else {}
    for key in ("area", "event", "period"):
        if getattr(args, key, None):
            answers[key] = getattr(args, key)
    question = recognised.question("mapping")
    if question is not None:
        mapping = dict(answers.get("mapping") or {})
        for item in args.map:
            series, _, indicator = item.rpartition("=")
            if series.strip() not in question.series:
                raise CjmetricsError(f"This table has no row '{series.strip()}'. Its rows are: "
                                     + "; ".join(list(question.series)[:30]) + ".",
                                     title="Nothing was imported")
            mapping[series.strip()] = indicator.strip()
        answers["mapping"] = mapping
    return answers


def _how_to_answer(question) -> str:
    flags = {"area": "--area CODE (e.g. --area S12000049)", "event": "--event NAME",
             "period": "--period PERIOD (e.g. --period 'Mar 2024')"}
    if question.key == "mapping":
        rows = list(question.series)
        listed = "; ".join(rows[:20]) + (f" … and {len(rows) - 20} more" if len(rows) > 20 else "")
        return (f"{question.prompt} Give each with --map 'ROW=INDICATOR_ID' "
                f"(e.g. --map '{rows[0]}=cjpf_reconviction_rate'). Its rows: {listed}.")
    return f"{question.prompt} Give it with {flags[question.key]}."


def _areas(args) -> int:
    areas = _open(args).areas()
    print(f"{'Code':<10} {'Name':<45} Partnership")
    for row in areas.itertuples():
        part = row.parent_name if row.level == "council" and row.parent_code != "S92000003" \
            else ""
        print(f"{row.area_code:<10} {printable(row.name):<45} {printable(part or '')}")
    return 0


def _imports(args) -> int:
    store = _open(args)
    history = store.imports()
    if history.empty:
        print("No imports yet.")
        return 0
    for row in history.itertuples():
        when = row.committed_at.strftime("%Y-%m-%d %H:%M") if row.committed_at == row.committed_at \
            else ""
        status = "undone" if row.status == "undone" else "current"
        print(f"#{row.import_id:<5} {when}  {status:<7} {row.kind:<16} {row.who:<16} "
              f"{row.rows_new:>7,} new {row.rows_revised:>6,} revised  "
              f"{printable(row.file_name or '')}")
    return 0


def _undo(args) -> int:
    store = _open(args)
    store.undo_import(args.import_id, who=args.who)
    print(f"Import #{args.import_id} undone: its figures no longer count and earlier values "
          "are back.")
    return 0


def _export(args) -> int:
    from .export import indicator_values_table, table_bytes

    store = _open(args)
    table = indicator_values_table(store, args.indicator, args.area)
    if table.empty:
        chosen = [f"indicator {', '.join(args.indicator)}"] if args.indicator else []
        chosen += [f"area {', '.join(args.area)}"] if args.area else []
        raise CjmetricsError(
            "The store holds no figures" + (f" for {' and '.join(chosen)}" if chosen else "")
            + ", so there is nothing to export and no file was written. Import figures first"
            + (", or choose another indicator or area." if chosen else "."),
            title="Nothing was exported")
    _write_out(args.out, table_bytes(table, args.out), "Nothing was exported", "the figures")
    print(f"Wrote {len(table):,} figures to {args.out}.")
    return 0


def _statement(args) -> int:
    from .ingest.resolve import area_resolver
    from .participation import FORMATS, StatementNotWritten, build_statement, render

    suffix = args.out.suffix.lower()
    if suffix not in FORMATS:
        raise StatementNotWritten(
            f"Write the statement to a .docx or .md file, not '{args.out.name}'.")
    store = _open(args)
    resolver = area_resolver(store.areas())
    area = resolver.resolve(args.area)
    if area is None:
        raise StatementNotWritten(resolver.problem(args.area) + " " + resolver.fix)
    statement = build_statement(store, area, args.start, args.end)
    _write_out(args.out, render(statement, suffix), StatementNotWritten.title, "the statement")
    print(f"Wrote the participation statement for {statement.area_name}, "
          f"{statement.period_text} ({len(statement.rows)} activities) to {args.out}.")
    if not statement.rows:
        print("No engagement activities are recorded for that area and period.")
    return 0


def _report(args) -> int:
    from .annual_report import FORMATS, AnnualReportNotWritten, build_annual_report, render_report
    from .ingest.resolve import area_resolver

    if args.out.suffix.lower() not in FORMATS:
        raise AnnualReportNotWritten(f"Write the report to a .docx or .md file, not "
                                     f"'{args.out.name}'.")
    store = _open(args)
    resolver = area_resolver(store.areas())
    area = resolver.resolve(args.area)
    if area is None:
        raise AnnualReportNotWritten(resolver.problem(args.area) + " " + resolver.fix)
    report = build_annual_report(store, area, args.year)
    _write_out(args.out, render_report(store, report, args.out.suffix),
               AnnualReportNotWritten.title, "the report")
    print(f"Wrote the draft annual report for {report.area_name}, {report.year_label} to "
          f"{args.out}: {len(report.indicators) - len(report.gaps)} of "
          f"{len(report.indicators)} national indicators have a figure for the year.")
    return 0


def _deck(args) -> int:
    from . import deck, slides
    from .store import open_store

    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in slides.FORMATS:
        raise CjmetricsError(f"Cannot write '{args.out.name}': name a .pptx, .pdf or .html "
                             "file.", title="No deck was written")
    store = open_store(args.db or config.db_path())
    pack = deck.load(store, args.saved) if args.saved else \
        deck.standard_pack(store, args.area, args.period)
    if not pack.items:
        raise CjmetricsError(f"No figures are held for {args.area} up to {args.period}, so the "
                             "pack would be empty. Load figures first, or pick another area.",
                             title="No deck was written")
    _write_out(args.out, slides.export(store, pack, fmt), "No deck was written", "the deck")
    print(f"Wrote {len(pack.items) + 1} slides ({pack.heading}) to {args.out}.")
    return 0


def _write_out(out: Path, data: bytes, title: str, what: str) -> None:
    """Write a command's document. A folder that does not exist is refused rather than made, so
    a mistyped path does not leave the file somewhere nobody looks; a disk or permission problem
    is a sentence."""
    if not out.parent.is_dir():
        raise CjmetricsError(f"There is no folder {out.parent} to write {what} in. Create it "
                             "first or name another folder.", title=title)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise CjmetricsError(f"{out} could not be written ({exc.strerror or exc}). Check that "
                             "you may write to that folder and the disk has room.",
                             title=title) from exc


def printable(text: str) -> str:
    """A name from a file or the store on one line: control characters (a newline in a file
    name) shown as escapes, so a listing keeps one line per entry."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def main(argv: list[str] | None = None) -> int:
    try:
        code = _main(argv)
        sys.stdout.flush()  # here, where a closed pipe can still be answered quietly
        return code
    except BrokenPipeError:
        # `cjmetrics imports | head`: the reader has gone; nothing more to say, and Python must
        # not complain again when it flushes stdout on exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _main(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    commands = {"init": _init, "status": _status, "import": _import, "imports": _imports,
                "areas": _areas,
                "undo": _undo, "export": _export, "statement": _statement, "deck": _deck,
                "backup": _backup, "restore": _restore, "check": _check, "report": _report}
    from . import scratch

    scratch.claim()  # and remove what killed runs left in the temporary folder
    try:
        # A change from the shell is the operating-system user's; --who names who it was for.
        from . import access
        from .operations import command_line_actor

        actor = command_line_actor(getattr(args, "who", None))
        if hasattr(args, "who"):
            args.who = actor.name
        with access.acting(actor):
            return commands[args.command](args)
    except CjmetricsError as exc:
        print(f"{exc.title}: {exc.user_message}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise
    except (MemoryError, Exception) as exc:  # noqa: BLE001 - a sentence, never a traceback
        print(f"Something unexpected went wrong ({type(exc).__name__}). Please report what "
              "you ran to whoever looks after cjmetrics.",
              file=sys.stderr)
        return 1
