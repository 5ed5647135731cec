"""Backup and restore, including while the dashboard runs.

DuckDB lets one process hold a store read-write, and then no other process may open it at all,
not even read-only. So `python -m cjmetrics backup FILE` first tries to open the store itself
(read-only: the dashboard is not running) and, when the store is locked, asks the running
dashboard to make the copy: it drops a request file in `<store>.requests/`, and the dashboard,
which watches that folder from a background thread, copies its own open store with
Store.backup_to (one DuckDB snapshot: consistent even while imports commit) and answers in a
`.done` file. Opening a connection per operation instead would let the CLI in between page
loads, but costs every page a reconnect and still fails whenever a page or import holds the
file; see the README.

Restoring replaces the store file, which must not happen under a running dashboard: restore
refuses while the store is locked, and keeps the replaced file beside it.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import shutil
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from . import access, config
from .errors import BackupCorrupt, StoreInUse, StoreTooNew, StoreUnavailable
from .store import SCHEMA_VERSION, Store, check_file, open_store
from .store.verify import drop_manifest

POLL_SECONDS = 0.5


def requests_dir(db_path: Path) -> Path:
    return Path(str(Path(db_path).resolve()) + ".requests")


# -- backup ----------------------------------------------------------------------------------
def backup(db_path: Path, target: Path, *, wait: float = 120) -> str:
    """Write a consistent copy of the store at db_path to target; a sentence saying what was
    done. Works whether or not the dashboard is running. A folder that does not exist is
    refused rather than made, as for every document the command line writes."""
    folder = Path(target).resolve().parent
    if not folder.is_dir():
        raise StoreUnavailable(f"There is no folder {folder} to write the backup in. Create it "
                               "first or name another folder.", title="The backup was not written")
    if config.is_postgres(db_path):
        return _backup_postgres(str(db_path), Path(target).resolve())
    db_path, target = Path(db_path).resolve(), Path(target).resolve()
    if not db_path.exists():
        raise StoreUnavailable(f"There is no store at {db_path}: nothing to back up.",
                               title="The backup was not written")
    if target.exists():
        raise StoreUnavailable(
            f"{target} already exists. Choose a new file name for the backup, so "
            "an earlier backup is never overwritten.",
            title="The backup was not written")
    try:
        # Read-write only to add the audit row; a read-only server's store is copied as it is.
        store = Store(db_path, read_only=access.read_only())
    except StoreInUse:
        return _ask_the_dashboard(db_path, target, wait)
    try:
        with access.acting(_command_line_admin()):
            store.backup_to(target)
        if store._has_table("audit"):
            store.record("backup", f"command line: {target}", actor=_command_line_admin())
        return f"Backed up {db_path} to {target} (schema {store.schema_version()})."
    finally:
        store.close()


def _backup_postgres(url: str, target: Path) -> str:
    """PostgreSQL serves every program at once: the command line copies it itself."""
    store = Store(url, read_only=access.read_only())
    try:
        with access.acting(_command_line_admin()):
            store.backup_to(target)
        if not store.read_only:
            store.record("backup", f"command line: {target}", actor=_command_line_admin())
        return f"Backed up {store.label} to {target} (schema {store.schema_version()})."
    finally:
        store.close()


def _ask_the_dashboard(db_path: Path, target: Path, wait: float) -> str:
    folder = requests_dir(db_path)
    folder.mkdir(exist_ok=True)
    name = uuid.uuid4().hex
    request = folder / f"{name}.json"
    done = folder / f"{name}.done"
    partial = folder / f"{name}.tmp"
    partial.write_text(json.dumps({"action": "backup", "target": str(target),
                                   "by": _os_user()}), encoding="utf-8")
    partial.replace(request)  # the dashboard never sees a half-written request
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if done.exists():
            answer = json.loads(done.read_text(encoding="utf-8"))
            done.unlink(missing_ok=True)
            if not answer.get("ok"):
                raise StoreUnavailable(
                    answer.get("message", "The dashboard could not write the backup."),
                    title="The backup was not written")
            return answer["message"]
        time.sleep(POLL_SECONDS)
    request.unlink(missing_ok=True)
    raise StoreInUse(
        f"The store {db_path} is held by another program, which did not answer the backup "
        f"request within {wait:.0f} seconds. If it is the dashboard, use \"Download a backup\" on "
        "its Audit page; otherwise stop the other program and run the backup again.")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "unknown"


def _command_line_admin() -> access.Actor:
    """The operating-system user running a command: whoever may open the store's file from a
    shell may do anything to it, so an administrator."""
    return access.Actor(f"{_os_user()} (command line)", "admin", local=True)


def command_line_actor(on_behalf_of: str | None = None) -> access.Actor:
    """The actor a command-line change is recorded against: the operating-system user, naming
    anyone else given (`--who`) only as the person it was done on behalf of."""
    actor = _command_line_admin()
    other = (on_behalf_of or "").strip()
    if other and other not in ("local", _os_user()):
        actor = access.Actor(f"{actor.name} on behalf of {other}", actor.role, local=True)
    return actor


_serving: dict[Path, threading.Thread] = {}
_serving_lock = threading.Lock()


def serve_requests(store: Store) -> None:
    """Answer backup requests from the command line for this (open, read-write) store, from a
    daemon thread; started once per store by the dashboard."""
    if store.read_only or store.on_postgres:  # others can open these stores themselves
        return
    with _serving_lock:
        if store.path in _serving and _serving[store.path].is_alive():
            return
        thread = threading.Thread(target=_serve, args=(store,), daemon=True,
                                  name=f"cjmetrics-requests-{store.path.name}")
        _serving[store.path] = thread
        thread.start()


def _serve(store: Store) -> None:
    folder = requests_dir(store.path)
    while True:
        try:
            if folder.is_dir():
                for request in sorted(folder.glob("*.json")):
                    handle_request(store, request)
        except Exception:  # noqa: BLE001 - keep serving; the log has the details
            logging.getLogger("cjmetrics").exception("backup request failed")
        time.sleep(POLL_SECONDS)


def handle_request(store: Store, request: Path) -> None:
    """Carry out one request file and write its answer (`.done`) beside it."""
    done = request.with_suffix(".done")
    try:
        asked = json.loads(request.read_text(encoding="utf-8"))
        if asked.get("action") != "backup":
            raise StoreUnavailable(f"Unknown request {asked.get('action')!r}.")
        # Whoever can drop a request beside the store can copy the file itself: an administrator.
        by = access.Actor(f"{asked.get('by') or 'unknown'} (command line)", "admin", local=True)
        with access.acting(by):
            target = store.backup_to(Path(asked["target"]))
        store.record("backup", f"command line: {target}", actor=by)
        answer = {"ok": True, "message": f"The running dashboard backed up {store.path} to "
                                         f"{target} (schema {store.schema_version()})."}
    except Exception as exc:  # noqa: BLE001 - the CLI prints the sentence
        answer = {"ok": False, "message": getattr(exc, "user_message", None) or
                  f"The dashboard could not write the backup ({exc})."}
    partial = done.with_suffix(".part")
    partial.write_text(json.dumps(answer), encoding="utf-8")
    partial.replace(done)
    request.unlink(missing_ok=True)


# -- restore ---------------------------------------------------------------------------------
def check_backup(source: Path) -> int:
    """The schema version of a backup file, after reading it in full (every block against its
    checksum, every row of every table against the manifest it carries, the store's integrity
    rules) and checking it is a cjmetrics store this version can use."""
    source = Path(source).resolve()
    if not source.is_file():
        raise StoreUnavailable(f"There is no backup file {source}.", title="Nothing was restored")
    found = check_file(source)
    if found.problem:
        raise BackupCorrupt(f"{source} cannot be restored because {found.problem}; the store "
                            "was not changed. Choose another backup.", title="Nothing was restored")
    if found.newer:
        raise StoreTooNew(
            f"{source} was written by a newer cjmetrics (schema {found.schema_version}, this one "
            f"knows {SCHEMA_VERSION}). Update cjmetrics before restoring it.")
    return found.schema_version


def restore(source: Path, db_path: Path) -> str:
    """Replace the store at db_path by the backup `source`, keeping the replaced file beside
    it; refused while any program (the dashboard) has the store open. The backup, and then its
    copy beside the store, are read in full before anything is replaced: a backup that does not
    read leaves the store exactly as it was."""
    if access.read_only():
        raise access.StoreReadOnly("CJMETRICS_READ_ONLY=1 is set, so the store cannot be "
                                   "replaced. Unset it to restore a backup.")
    if config.is_postgres(db_path):
        return _restore_postgres(Path(source).resolve(), str(db_path))
    source, db_path = Path(source).resolve(), Path(db_path).resolve()
    if source == db_path:
        raise StoreUnavailable("The backup and the store are the same file.",
                               title="Nothing was restored")
    check_backup(source)
    kept = None
    if db_path.exists():
        try:
            probe = Store(db_path)
        except StoreInUse as exc:
            raise StoreInUse(
                f"The store {db_path} is open in another program, most likely the running "
                "dashboard. Stop the dashboard, run the restore again, then start it; nothing "
                "was changed.") from exc
        probe.close()
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
    incoming = db_path.with_name(f"{db_path.name}.restoring")
    ready = False
    try:
        shutil.copyfile(source, incoming)
        with open(incoming, "rb+") as handle:
            os.fsync(handle.fileno())
        copied = check_file(incoming)
        if copied.problem:
            raise StoreUnavailable(
                f"The copy of {source} made beside the store did not read back in "
                f"full ({copied.problem}), so nothing was restored and the store "
                "is unchanged. Check the disk holding the store and try again.",
                title="Nothing was restored")
        drop_manifest(incoming)
        ready = True
    except OSError as exc:
        raise StoreUnavailable(
            f"{source} could not be copied beside the store ({exc.strerror}), so "
            "nothing was restored and the store is unchanged. Free some space on "
            "its disk and try again.", title="Nothing was restored") from exc
    finally:
        if not ready:
            incoming.unlink(missing_ok=True)
            Path(str(incoming) + ".wal").unlink(missing_ok=True)
    if kept is not None:
        os.replace(db_path, kept)
        wal = Path(str(db_path) + ".wal")
        if wal.exists():
            os.replace(wal, Path(str(kept) + ".wal"))
    os.replace(incoming, db_path)
    store = open_store(db_path)  # upgrades an older backup to this schema
    store.record("restore", f"from {source}" + (f"; the replaced store is {kept}" if kept else ""),
                 actor=_command_line_admin())
    return (f"Restored {db_path} from {source}."
            + (f" The store it replaced is kept as {kept}." if kept else ""))


def _restore_postgres(source: Path, url: str) -> str:
    """Into PostgreSQL in one transaction, while the dashboards keep running: they reread the
    restored figures on their next rerun (the data version moves past theirs)."""
    check_backup(source)
    store = open_store(url)
    with access.acting(_command_line_admin()):
        store.restore_from(source)
    store.migrate()  # an older backup is upgraded to this schema
    store.record("restore", f"from {source}", actor=_command_line_admin())
    return f"Restored {store.label} from {source}."


# -- check -----------------------------------------------------------------------------------
def check(path: Path, *, backup: bool = False) -> tuple[bool, str]:
    """Read the store (or, with `backup`, a backup file) in full and say in a sentence whether
    it is sound: (True, sentence) or (False, sentence). Nothing is changed."""
    if config.is_postgres(path) and not backup:
        return _check_postgres(str(path))
    path = Path(path).resolve()
    what = "The backup" if backup else "The store"
    if not path.is_file():
        raise StoreUnavailable(
            f"There is no {'backup file' if backup else 'store'} at {path}."
            + ("" if backup else " Run `python -m cjmetrics init` to create one."),
            title="Nothing was checked")
    try:
        # Held by the dashboard, the file's blocks may change as they are read: ask first.
        try:
            Store(path, read_only=True).close()
        except StoreInUse:
            raise
        except StoreUnavailable:
            pass  # unreadable: check_file says how
        found = check_file(path)
    except StoreInUse as exc:
        raise StoreInUse(
            f"{path} is open in another program, most likely the running dashboard, so it cannot "
            "be checked as it is. Back it up (`python -m cjmetrics backup FILE`, which verifies "
            "the copy) and check the backup, or stop the dashboard and check again.") from exc
    if found.problem:
        advice = "Choose another backup." if backup else ("Restore the latest backup that "
                                                         "`check` finds sound (`python -m "
                                                         "cjmetrics restore FILE`).")
        return False, f"{what} {path} is not sound: {found.problem}. {advice}"
    newer = (f" It was written by a newer cjmetrics (schema {found.schema_version}); update "
             "cjmetrics to use it.") if found.newer else ""
    return True, (f"{what} {path} is sound: every block matches its checksum, all "
                  f"{found.rows:,} rows of its {found.tables} tables read in full, and the "
                  f"integrity checks pass.{newer}")


def _check_postgres(url: str) -> tuple[bool, str]:
    """Every row of every table read through PostgreSQL, then the store's integrity rules.
    (PostgreSQL checks its own pages; a file's block checksums have no counterpart here.)"""
    store = Store(url, read_only=True)
    try:
        digests = store.postgres_digests()
        if "imports" not in digests or "schema_version" not in digests:
            return False, (f"The store {store.label} is not sound: the database holds no "
                           "cjmetrics store. Run `python -m cjmetrics init` to create one.")
        problems = store.integrity_problems()
    finally:
        store.close()
    rows = sum(d.rows for d in digests.values())
    if problems:
        rules = "; ".join(problem.rstrip(".") for problem in problems)
        return False, (f"The store {store.label} is not sound: it breaks the store's own rules "
                       f"({rules}). Restore the latest backup that `check` finds sound "
                       "(`python -m cjmetrics restore FILE`).")
    return True, (f"The store {store.label} is sound: all {rows:,} rows of its {len(digests)} "
                  "tables read in full, and the integrity checks pass.")
