"""Saved meeting decks (the Present page). A deck is a layout, not data: saving one does not
bump the data version, so no page's cached figures are thrown away. Decks are read uncached
(they are a few KB)."""

from __future__ import annotations

import pandas as pd

from .. import access
from ..errors import NotAllowed
from .connection import StoreBase, now


class DecksMixin(StoreBase):
    def _layout_write(self, doing: str):
        """A deck write: a layout, so no data-version bump (pages' cached figures stay); every
        server's read copy rereads the decks alone."""
        return self.transaction(bump=False, incremental=True, layout=True, role="viewer",
                                doing=doing)

    def save_deck(self, name: str, body: str, who: str = "local") -> None:
        with self._layout_write("save a deck") as cur:
            cur.execute("INSERT OR REPLACE INTO decks VALUES (?, ?, ?, ?)",
                        [name, body, now(), who])

    def deck_body(self, name: str) -> str | None:
        return self.scalar("SELECT body FROM decks WHERE name = ?", [name])

    def decks(self) -> pd.DataFrame:
        """name, saved_at, saved_by of every saved deck, most recently saved first."""
        return self.query("SELECT name, saved_at, saved_by FROM decks "
                          "ORDER BY saved_at DESC, name")

    def delete_deck(self, name: str) -> None:
        with self._layout_write("delete a deck") as cur:
            cur.execute("DELETE FROM decks WHERE name = ?", [name])

    # A saved deck belongs to whoever saved it first: anyone may open (and so copy) it, but only
    # its author or an admin may replace or delete it. Checked here so no page can forget.
    def deck_owner(self, name: str) -> str | None:
        return self.scalar("SELECT saved_by FROM decks WHERE name = ?", [name])

    def _check_deck_owner(self, cur, name: str, doing: str) -> None:
        owner = cur.execute("SELECT saved_by FROM decks WHERE name = ?", [name]).fetchone()
        actor = access.current()
        if owner is not None and owner[0] != actor.name and not actor.can("admin"):
            raise NotAllowed(
                f"The deck '{name}' belongs to {owner[0]}, so only they or an administrator "
                f"can {doing} it. Open it and save your copy under another name.")

    def save_own_deck(self, name: str, body: str) -> None:
        """Save a deck under `name` for the acting user; refused when someone else's deck has
        that name."""
        who = access.current().name
        with self._layout_write("save a deck") as cur:
            self._check_deck_owner(cur, name, "replace")
            cur.execute("INSERT OR REPLACE INTO decks VALUES (?, ?, ?, ?)",
                        [name, body, now(), who])

    def delete_own_deck(self, name: str) -> bool:
        """Delete a saved deck if the acting user saved it or is an admin; False when there was
        no such deck."""
        with self._layout_write("delete a deck") as cur:
            self._check_deck_owner(cur, name, "delete")
            found = cur.execute("SELECT count(*) FROM decks WHERE name = ?", [name]).fetchone()
            cur.execute("DELETE FROM decks WHERE name = ?", [name])
            return bool(found[0])

    # The deck being built: a layout, not data (no data-version bump), one row per deck id.
    def put_working_deck(self, deck_id: str, body: str) -> None:
        """Keep the deck being built. A deck id kept for another user is not this user's to
        overwrite."""
        who = access.current().name
        with self._layout_write("keep a deck") as cur:
            owner = cur.execute("SELECT owner FROM working_decks WHERE deck_id = ?",
                                [deck_id]).fetchone()
            if owner is not None and owner[0] != who:
                raise NotAllowed(f"This deck is being built by {owner[0]}: start your own "
                                   "deck, or ask them to save theirs so you can open a copy.")
            cur.execute("INSERT OR REPLACE INTO working_decks VALUES (?, ?, ?, ?)",
                        [deck_id, who, body, now()])

    def working_deck(self, deck_id: str) -> str | None:
        return self.scalar("SELECT body FROM working_decks WHERE deck_id = ?", [deck_id])

    def latest_working_deck(self, owner: str) -> tuple[str, str] | None:
        """(deck_id, body) of the deck `owner` changed last, if any."""
        cur = self._cursor()
        try:
            row = cur.execute("SELECT deck_id, body FROM working_decks WHERE owner = ? "
                              "ORDER BY updated_at DESC LIMIT 1", [owner]).fetchone()
        finally:
            cur.close()
        return None if row is None else (row[0], row[1])
