"""Saved meeting decks (the Present page). A deck is a layout, not data: saving one does not
bump the data version, so no page's cached figures are thrown away. Decks are read uncached
(they are a few KB)."""

from __future__ import annotations

import pandas as pd

from .connection import StoreBase, now


class DecksMixin(StoreBase):
    def save_deck(self, name: str, body: str, who: str = "local") -> None:
        with self.transaction(bump=False, role="viewer", doing="save a deck") as cur:
            cur.execute("INSERT OR REPLACE INTO decks VALUES (?, ?, ?, ?)",
                        [name, body, now(), who])

    def deck_body(self, name: str) -> str | None:
        return self.scalar("SELECT body FROM decks WHERE name = ?", [name])

    def decks(self) -> pd.DataFrame:
        """name, saved_at, saved_by of every saved deck, most recently saved first."""
        return self.query("SELECT name, saved_at, saved_by FROM decks "
                          "ORDER BY saved_at DESC, name")

    def delete_deck(self, name: str) -> None:
        with self.transaction(bump=False, role="viewer", doing="delete a deck") as cur:
            cur.execute("DELETE FROM decks WHERE name = ?", [name])
