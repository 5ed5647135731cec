"""`python -m cjmetrics ...`: set up and look after the store without the dashboard.

Exit codes: 0 success, 1 a problem with the store or the input (explained in one sentence),
2 a usage error (argparse's own).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import config
from .errors import CjmetricsError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cjmetrics",
        description="cjmetrics: community justice metrics in one DuckDB file. The store is "
                    f"CJMETRICS_DB if set, else {config.DEFAULT_DB.relative_to(config.PROJECT_ROOT)}.")
    parser.add_argument("--db", type=Path, help="the store file to use (overrides CJMETRICS_DB)")
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
    commands.add_parser("status", help="show the store's file, schema version and row counts",
                        description="Print the store's path, schema version, data version and "
                                    "the number of rows in each table.")
    return parser


def _init(args) -> int:
    from .bootstrap import initialise
    from .store import SCHEMA_VERSION

    store = initialise(args.db, demo=args.demo)
    counts = store.table_counts()
    print(f"Store ready: {store.path} (schema {SCHEMA_VERSION}).")
    print(f"Catalogue: {counts['outcomes']} outcomes, {counts['indicators']} indicators, "
          f"{counts['areas']} areas. Figures held: {counts['observations']:,}.")
    if store.demo_import_ids():
        print("The store holds illustrative demo data (not official statistics).")
    return 0


def _status(args) -> int:
    from .store import open_store

    path = Path(args.db or config.db_path())
    if not path.exists():
        print(f"No store at {path}: run `python -m cjmetrics init` to create it.")
        return 1
    store = open_store(path)
    print(f"Store: {store.path}\nSchema version: {store.schema_version()}\n"
          f"Data version: {store.data_version()}")
    for table, count in store.table_counts().items():
        print(f"  {table:<24} {count:>10,}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"init": _init, "status": _status}[args.command](args)
    except CjmetricsError as exc:
        print(f"{exc.title}: {exc.user_message}", file=sys.stderr)
        return 1
