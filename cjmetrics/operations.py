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
import os
import shutil
import threading
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

from . import access
from .errors import NewerStoreError, StoreError, StoreLockedError
from .store import SCHEMA_VERSION, Store, open_store

POLL_SECONDS = 0.5


def requests_dir(db_path: Path) -> Path:
    return Path(str(Path(db_path).resolve()) + ".requests")


# -- backup ----------------------------------------------------------------------------------
def backup(db_path: Path, target: Path, *, wait: float = 120) -> str:
    """Write a consistent copy of the store at db_path to target; a sentence saying what was
    done. Works whether or not the dashboard is running."""
    db_path, target = Path(db_path).resolve(), Path(target).resolve()
    if not db_path.exists():
        raise StoreError(f"There is no store at {db_path}: nothing to back up.",
                         title="The backup was not written")
    if target.exists():
        raise StoreError(f"{target} already exists. Choose a new file name for the backup, so "
                         "an earlier backup is never overwritten.", title="The backup was not written")
    try:
        # Read-write only to add the audit row; a read-only server's store is copied as it is.
        store = Store(db_path, read_only=access.read_only())
    except StoreLockedError:
        return _ask_the_dashboard(db_path, target, wait)
    try:
        store.backup_to(target)
        if store._has_table("audit"):
            store.record("backup", f"command line: {target}",
                         actor=access.Actor(f"{_os_user()} (command line)", "admin", local=True))
        return f"Backed up {db_path} to {target} (schema {store.schema_version()})."
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
                raise StoreError(answer.get("message", "The dashboard could not write the backup."),
                                 title="The backup was not written")
            return answer["message"]
        time.sleep(POLL_SECONDS)
    request.unlink(missing_ok=True)
    raise StoreLockedError(
        f"The store {db_path} is held by another program, which did not answer the backup "
        f"request within {wait:.0f} seconds. If it is the dashboard, use \"Download a backup\" on "
        "its Audit page; otherwise stop the other program and run the backup again.")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "unknown"


_serving: dict[Path, threading.Thread] = {}
_serving_lock = threading.Lock()


def serve_requests(store: Store) -> None:
    """Answer backup requests from the command line for this (open, read-write) store, from a
    daemon thread; started once per store by the dashboard."""
    if store.read_only:  # others can open a read-only store themselves
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
            import logging
            logging.getLogger("cjmetrics").exception("backup request failed")
        time.sleep(POLL_SECONDS)


def handle_request(store: Store, request: Path) -> None:
    """Carry out one request file and write its answer (`.done`) beside it."""
    done = request.with_suffix(".done")
    try:
        asked = json.loads(request.read_text(encoding="utf-8"))
        if asked.get("action") != "backup":
            raise StoreError(f"Unknown request {asked.get('action')!r}.")
        target = store.backup_to(Path(asked["target"]))
        by = access.Actor(f"{asked.get('by') or 'unknown'} (command line)", "admin", local=True)
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
    """The schema version of a backup file, after checking it is a whole cjmetrics store this
    version can use."""
    source = Path(source).resolve()
    if not source.is_file():
        raise StoreError(f"There is no backup file {source}.", title="Nothing was restored")
    backup_store = Store(source, read_only=True)
    try:
        if not backup_store._has_table("imports"):
            raise StoreError(f"{source} is a DuckDB file but not a cjmetrics store.",
                             title="Nothing was restored")
        version = backup_store.schema_version()
        if version > SCHEMA_VERSION:
            raise NewerStoreError(
                f"{source} was written by a newer cjmetrics (schema {version}, this one knows "
                f"{SCHEMA_VERSION}). Update cjmetrics before restoring it.")
        problems = backup_store.integrity_problems()
        if problems:
            raise StoreError(f"{source} fails the store's checks: {' '.join(problems)}",
                             title="Nothing was restored")
        return version
    finally:
        backup_store.close()


def restore(source: Path, db_path: Path) -> str:
    """Replace the store at db_path by the backup `source`, keeping the replaced file beside
    it; refused while any program (the dashboard) has the store open."""
    source, db_path = Path(source).resolve(), Path(db_path).resolve()
    if access.read_only():
        raise access.ReadOnlyError("CJMETRICS_READ_ONLY=1 is set, so the store cannot be "
                                   "replaced. Unset it to restore a backup.")
    if source == db_path:
        raise StoreError("The backup and the store are the same file.", title="Nothing was restored")
    check_backup(source)
    kept = None
    if db_path.exists():
        try:
            probe = Store(db_path)
        except StoreLockedError as exc:
            raise StoreLockedError(
                f"The store {db_path} is open in another program, most likely the running "
                "dashboard. Stop the dashboard, run the restore again, then start it; nothing "
                "was changed.") from exc
        probe.close()
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        kept = db_path.with_name(f"{db_path.name}.before-restore-{stamp}")
    incoming = db_path.with_name(f"{db_path.name}.restoring")
    shutil.copyfile(source, incoming)
    with open(incoming, "rb+") as handle:
        os.fsync(handle.fileno())
    if kept is not None:
        os.replace(db_path, kept)
        wal = Path(str(db_path) + ".wal")
        if wal.exists():
            os.replace(wal, Path(str(kept) + ".wal"))
    os.replace(incoming, db_path)
    store = open_store(db_path)  # upgrades an older backup to this schema
    store.record("restore", f"from {source}" + (f"; the replaced store is {kept}" if kept else ""),
                 actor=access.Actor(f"{_os_user()} (command line)", "admin", local=True))
    return (f"Restored {db_path} from {source}."
            + (f" The store it replaced is kept as {kept}." if kept else ""))
