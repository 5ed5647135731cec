"""Models a page and its charts share, built once per store data version.

A page reads its model through `ui.cached_shared` and each of its charts is cached on its own,
so without this every chart would build the same model again on a first visit. Callers only
read what they get: it is one object for every caller until the next import or undo."""

from __future__ import annotations

from functools import lru_cache
from typing import Callable


def per_data_version(build: Callable) -> Callable:
    """`build(store, *args)`, remembered per store, data version and arguments."""

    @lru_cache(maxsize=16)
    def remembered(store, version: int, args: tuple):
        return build(store, *args)

    def shared(store, *args):
        return remembered(store, store.data_version(), args)

    return shared
