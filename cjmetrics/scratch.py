"""A private temporary folder per process, so what a killed process leaves behind is removed on
the next start.

An upload is copied to a temporary file for DuckDB to read, and a process killed meanwhile (out
of memory, SIGKILL, a power cut) never deletes it: a 40 MB upload copy stays in /tmp for good.
So each dashboard or command-line process makes its temporary files in a folder of its own,
named `cjmetrics-scratch-*` and holding a lock on its `.owner` file for as long as it runs. The
kernel drops the lock when the process dies, however it dies; every start removes the folders
whose lock is free, which are exactly those whose process is gone.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # not Linux or macOS: temporary files stay where Python puts them
    fcntl = None

PREFIX = "cjmetrics-scratch-"
_CLAIMING = "cjmetrics-claiming-"  # a folder not yet locked: never swept while young
# Temporary files cjmetrics wrote loose in the temporary folder before it had a folder of its
# own: nobody still uses one an hour old.
_LOOSE = ("cjmetrics-upload-*", "cjmetrics-export-*", "cjmetrics-survey-*", "cjmetrics-backup-*")
_LOOSE_AGE = 3600

_claimed: Path | None = None
_owner = None  # the open, locked .owner file of this process's folder


def claim() -> Path:
    """Sweep what dead processes left, then make this process's own folder the temporary
    folder (tempfile's default) until it exits. Idempotent."""
    global _claimed, _owner
    if _claimed is not None or fcntl is None:
        return Path(tempfile.gettempdir())
    base = Path(tempfile.gettempdir())
    sweep(base)
    pending = Path(tempfile.mkdtemp(prefix=_CLAIMING, dir=base))
    owner = open(pending / ".owner", "w")
    fcntl.flock(owner, fcntl.LOCK_EX | fcntl.LOCK_NB)
    # Locked before it takes the name a sweep looks for, so no sweep can take it for dead.
    folder = pending.with_name(PREFIX + pending.name[len(_CLAIMING):])
    pending.rename(folder)
    _claimed, _owner = folder, owner
    tempfile.tempdir = str(folder)
    atexit.register(_release)
    return folder


def sweep(base: Path) -> list[Path]:
    """Remove the folders (and old loose files) of cjmetrics processes that are no longer
    running from the temporary folder `base`; the paths removed."""
    if fcntl is None:
        return []
    removed = []
    for folder in base.glob(PREFIX + "*"):
        if folder == _claimed:
            continue
        try:
            with open(folder / ".owner", "a") as owner:
                fcntl.flock(owner, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while its owner runs
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
        except OSError:  # held (its process runs), or already gone
            continue
    now = time.time()
    for folder in base.glob(_CLAIMING + "*"):  # killed between making and locking its folder
        if _age(folder, now) > 60:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    for pattern in _LOOSE:
        for path in base.glob(pattern):
            if _age(path, now) > _LOOSE_AGE:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def _age(path: Path, now: float) -> float:
    try:
        return now - path.stat().st_mtime
    except OSError:
        return 0.0


def _release() -> None:
    global _claimed, _owner
    if _claimed is None:
        return
    if tempfile.tempdir == str(_claimed):
        tempfile.tempdir = None
    shutil.rmtree(_claimed, ignore_errors=True)
    _owner.close()
    _claimed = _owner = None
