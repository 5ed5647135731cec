"""Who is acting, and what they may do: roles, the read-only switch and the acting user.

Roles nest: a viewer browses, presents and exports; an editor also uploads, edits and undoes;
an admin also manages the catalogue, settings and users and reads the audit log. The store
checks the acting user on every write (see Store.transaction), so a page cannot forget: the app
sets the acting user once per script run in ui.store(), and the CLI and tests act as the local
user, who has every role.

Roles come from e-mail addresses or whole domains, in a `[cjmetrics.roles]` table of Streamlit's
secrets or in the TOML file CJMETRICS_ROLES_FILE names:

    [cjmetrics.roles]
    admin = ["lead@council.gov.uk"]
    editor = ["@council.gov.uk"]   # everyone at the domain
    viewer = ["*"]                 # anyone the identity provider signs in
"""

from __future__ import annotations

import os
import tomllib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Mapping

from .errors import AccessDenied, CjmetricsError, ReadOnlyError

ROLES = ("viewer", "editor", "admin")  # each role can do everything the ones before it can
WHAT = {"viewer": "browse, present and export", "editor": "upload, edit and undo imports",
        "admin": "manage the catalogue and settings and read the audit log"}
# Import kinds that change the catalogue or settings, not figures: admins only.
ADMIN_KINDS = frozenset({"settings", "indicator_edits"})


@dataclass(frozen=True)
class Actor:
    """The person a change is recorded against, and their role (None: signed in, no role)."""

    name: str
    role: str | None
    local: bool = False  # no identity provider: the one local user, with every role

    def can(self, role: str) -> bool:
        return self.role is not None and ROLES.index(self.role) >= ROLES.index(role)


LOCAL = Actor("local", "admin", local=True)
NOBODY = Actor("not signed in", None)
# cjmetrics itself, for the catalogue and demo data it loads when a store is created or upgraded.
SYSTEM = Actor("cjmetrics", "admin", local=True)

_acting: ContextVar[Actor] = ContextVar("cjmetrics_actor")
# Who acts when nobody was set: the local user for the CLI and tests; ui.py installs a hook that
# answers NOBODY on a Streamlit script thread, so a write the app forgot to attribute fails.
_fallback_hook: Callable[[], Actor | None] | None = None


def current() -> Actor:
    """The acting user of this thread (the local user unless the app or a test set another)."""
    actor = _acting.get(None)
    if actor is None and _fallback_hook is not None:
        actor = _fallback_hook()
    return actor or LOCAL


def set_fallback(hook: Callable[[], Actor | None] | None) -> None:
    global _fallback_hook
    _fallback_hook = hook


def set_current(actor: Actor) -> None:
    """Make `actor` the acting user of this thread (the app calls it once per script run)."""
    _acting.set(actor)


@contextmanager
def acting(actor: Actor) -> Iterator[Actor]:
    token = _acting.set(actor)
    try:
        yield actor
    finally:
        _acting.reset(token)


def read_only() -> bool:
    """CJMETRICS_READ_ONLY=1: a meeting-room or public server that nobody may change."""
    return os.environ.get("CJMETRICS_READ_ONLY", "0").strip().lower() in {"1", "true", "yes", "on"}


def role_for_kind(kind: str | None) -> str:
    return "admin" if kind in ADMIN_KINDS else "editor"


def require(role: str, doing: str, actor: Actor | None = None) -> Actor:
    """Raise unless writes are allowed and the acting user has `role`; `doing` is a phrase
    ("import figures") for the sentence."""
    actor = actor or current()
    if read_only():
        raise ReadOnlyError(
            f"This dashboard is running read-only (CJMETRICS_READ_ONLY=1), so nobody can {doing} "
            "here. Use the partnership's editing copy of cjmetrics to make changes.")
    if not actor.can(role):
        held = f"the {actor.role} role" if actor.role else "no role"
        raise AccessDenied(
            f"{actor.name} has {held}; to {doing} you need the {role} role. Ask an "
            "administrator of this dashboard to give it to you.")
    return actor


# -- roles from configuration ----------------------------------------------------------------
def role_for(email: str | None, roles: Mapping[str, object]) -> str | None:
    """The highest role `roles` gives an e-mail address: by the exact address, then its domain
    ("@council.gov.uk"), then "*" (anyone signed in). None when nothing matches."""
    if not email:
        return None
    email = email.strip().lower()
    domain = "@" + email.rpartition("@")[2]
    for role in reversed(ROLES):
        entries = roles.get(role) or []
        if isinstance(entries, str):
            entries = [entries]
        entries = {str(e).strip().lower() for e in entries}
        if email in entries or domain in entries or "*" in entries:
            return role
    return None


def roles_from_file() -> dict[str, list[str]]:
    """The [cjmetrics.roles] table of the TOML file CJMETRICS_ROLES_FILE names, if any."""
    name = os.environ.get("CJMETRICS_ROLES_FILE")
    if not name:
        return {}
    path = Path(name)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CjmetricsError(
            f"The roles file {path} (CJMETRICS_ROLES_FILE) could not be read ({exc}). Fix it, "
            "or unset CJMETRICS_ROLES_FILE.", title="The roles could not be loaded") from exc
    return dict(data.get("cjmetrics", {}).get("roles", data.get("roles", {})))
