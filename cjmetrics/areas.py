"""The area hierarchy: Scotland, partnerships, council areas (GSS codes)."""

from __future__ import annotations

import pandas as pd

SCOTLAND = "S92000003"


class AreaTree:
    """Lookups over the areas table (as returned by Store.areas()). Read only: one tree is
    shared by every session (cjmetrics.ui.area_tree)."""

    def __init__(self, areas: pd.DataFrame):
        self.frame = areas
        self._selectable: list[str] | None = None
        self._name = dict(zip(areas["area_code"], areas["name"]))
        self._parent = {code: parent for code, parent in zip(areas["area_code"],
                                                             areas["parent_code"])
                        if isinstance(parent, str) and parent}
        self._has_data = dict(zip(areas["area_code"], areas.get("has_data", False)))

    def __contains__(self, code: str) -> bool:
        return code in self._name

    def name(self, code: str) -> str:
        return self._name.get(code, code)

    def parent(self, code: str) -> str | None:
        return self._parent.get(code)

    def lineage(self, code: str) -> list[str]:
        """The area and its ancestors, nearest first: [council, partnership, Scotland]."""
        chain, seen = [code], {code}
        while (parent := self._parent.get(chain[-1])) and parent not in seen:
            chain.append(parent)
            seen.add(parent)
        return chain

    def children(self, code: str) -> list[str]:
        return [c for c, p in self._parent.items() if p == code]

    def label(self, code: str) -> str:
        """How an area reads in a selector: councils of a partnership are indented under it."""
        parent = self._parent.get(code)
        if parent and parent != SCOTLAND:
            return f"  └ {self.name(code)}"
        return self.name(code)

    def selectable(self) -> list[str]:
        """Areas in selector order: Scotland, then each partnership followed by its councils,
        then single-council partnerships; areas holding figures come before empty ones."""
        if self._selectable is None:  # asked on every run, by the sidebar's area picker
            self._selectable = self._in_selector_order()
        return list(self._selectable)

    def _in_selector_order(self) -> list[str]:
        codes = list(self.frame["area_code"])
        ordered: list[str] = []
        for code in codes:
            if code in ordered or (self._parent.get(code) not in (None, SCOTLAND)):
                continue
            ordered.append(code)
            ordered.extend(c for c in codes if self._parent.get(c) == code and c != SCOTLAND
                           and code != SCOTLAND)
        with_data = [c for c in ordered if self._has_data.get(c)]
        return with_data + [c for c in ordered if c not in with_data] if with_data else ordered
