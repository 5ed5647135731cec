"""The one cache of what is built from the store's figures: models, charts, tables, files.

Everything is remembered per store file, per the store's data version and per arguments, so an
import or an undo (which moves the version on) makes every session build afresh on its next
rerun, and a page and its charts share one model: a first visit builds it once. Entries of an
older data version are dropped as soon as a newer one is seen.

What comes back is the one object every caller gets: read it, never change it (`private` gives
a copy to change)."""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections import OrderedDict
from decimal import Decimal
from pathlib import PurePath
from typing import Callable

MAX_ENTRIES = 512  # figures and models of a few dozen areas and pages

_lock = threading.Lock()
_entries: OrderedDict[tuple, object] = OrderedDict()
_versions: dict[str, int] = {}  # the newest data version seen per store file
_building: dict[tuple, threading.Event] = {}  # keys being built now, set once built


def remembered(store, fn: Callable, *args, **kwargs):
    """`fn(store, *args, **kwargs)`, built once per store file, data version and arguments.
    A caller asking while another thread builds the same waits for that build instead of
    repeating it: the server's warm-up and a first visit, or two people opening the same page
    after an import, would otherwise build it twice over, each at half speed on two cores."""
    path, version = store.label, store.data_version()
    key = (path, version, fn.__module__, fn.__qualname__, _frozen(args), _frozen(kwargs))
    while True:
        with _lock:
            if key in _entries:
                _entries.move_to_end(key)
                return _entries[key]
            building = _building.get(key)
            if building is None:
                building = _building[key] = threading.Event()
                break
        building.wait()  # then found, or (if that build failed) built here
    try:
        value = fn(store, *args, **kwargs)
        with _lock:
            if version > _versions.get(path, -1):
                _versions[path] = version
                for old in [k for k in _entries if k[0] == path and k[1] < version]:
                    del _entries[old]
            _entries[key] = value
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    finally:
        with _lock:
            del _building[key]
        building.set()
    return value


def private(store, fn: Callable, *args, **kwargs):
    """Like `remembered`, but a copy the caller may change."""
    return copy.deepcopy(remembered(store, fn, *args, **kwargs))


def per_data_version(build: Callable) -> Callable:
    """`build(store, *args)` as a function that goes through the cache."""

    def shared(store, *args, **kwargs):
        return remembered(store, build, *args, **kwargs)

    shared.__wrapped__ = build
    return shared


def clear() -> None:
    with _lock:
        _entries.clear()
        _versions.clear()


_PLAIN = (str, int, float, bool, bytes, type(None), dt.date, dt.datetime, dt.time, Decimal,
          PurePath)


def _frozen(value):
    """Arguments as a hashable key: lists and tuples alike, dicts by sorted items."""
    if isinstance(value, _PLAIN):
        return value
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((str(k), _frozen(v)) for k, v in value.items()))
    if isinstance(value, (set, frozenset)):
        return frozenset(_frozen(v) for v in value)
    raise TypeError(f"{type(value).__name__} cannot key the cache: pass plain values")
