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

or from a claim of the ID token the identity provider gives (Entra ID app roles, Okta or
Keycloak groups), each value of the claim mapped onto a role:

    [cjmetrics]
    roles_claim = "groups"         # a dotted name reaches inside: "realm_access.roles"
    [cjmetrics.claim_roles]
    admin = ["cjmetrics-admins"]
    editor = ["cjmetrics-editors"]

A person has the highest role any of these gives them.
"""

from __future__ import annotations

import os
import tomllib
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, Mapping

from .errors import CjmetricsError, NotAllowed, StoreReadOnly

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
# How the local user is named where people read who did something (Imports & history).
LOCAL_WORDS = "No sign-in (local use)"
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


def shown_name(who: object) -> str:
    """The name recorded against a change, as a person reads it: the local user (no identity
    provider, or the command line) in words, anyone else as recorded."""
    if who is None or (isinstance(who, float) and who != who):
        return ""
    return LOCAL_WORDS if who == LOCAL.name else str(who)


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
        raise StoreReadOnly(
            f"This dashboard is running read-only (CJMETRICS_READ_ONLY=1), so nobody can {doing} "
            "here. Use the partnership's editing copy of cjmetrics to make changes.")
    if not actor.can(role):
        held = f"the {actor.role} role" if actor.role else "no role"
        raise NotAllowed(
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


def _entries(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else []


def role_from_claim(claims: Mapping[str, object], claim: str | None,
                    values_by_role: Mapping[str, object]) -> str | None:
    """The highest role the values of the ID token's `claim` are mapped onto. A claim holds a
    list of values (groups, app roles) or one; a dotted name ("realm_access.roles") reaches
    into a nested claim. None when the claim is absent or no value is mapped."""
    if not claim:
        return None
    value: object = claims
    for part in claim.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    held = {v.strip().lower() for v in _entries(value)}
    for role in reversed(ROLES):
        if held & {e.strip().lower() for e in _entries(values_by_role.get(role))}:
            return role
    return None


def highest(*roles: str | None) -> str | None:
    given = [role for role in roles if role in ROLES]
    return max(given, key=ROLES.index) if given else None


@dataclass(frozen=True)
class RoleRules:
    """Who has which role: by e-mail address or domain, and by the values of one claim."""

    addresses: Mapping[str, list[str]] = field(default_factory=dict)
    claim: str | None = None
    claim_roles: Mapping[str, list[str]] = field(default_factory=dict)

    def role(self, claims: Mapping[str, object]) -> str | None:
        """The role of the person the ID token's `claims` describe."""
        email = claims.get("email")
        return highest(role_for(email if isinstance(email, str) else None, self.addresses),
                       role_from_claim(claims, self.claim, self.claim_roles))

    def problem(self) -> str | None:
        """A sentence for a role table that names no role cjmetrics has, or a claim mapping
        without a claim (either would silently give nobody a role)."""
        for table, roles in (("[cjmetrics.roles]", self.addresses),
                             ("[cjmetrics.claim_roles]", self.claim_roles)):
            unknown = sorted(set(roles) - set(ROLES))
            if unknown:
                return (f"The {table} table names {', '.join(repr(r) for r in unknown)}, which "
                        f"is not a role; use {', '.join(ROLES)}.")
        if self.claim_roles and not self.claim:
            return ("The [cjmetrics.claim_roles] table maps claim values onto roles but no "
                    "roles_claim names the claim; add roles_claim = \"groups\" (or the claim "
                    "your identity provider uses) to [cjmetrics].")
        return None


def merged(*tables: Mapping[str, object]) -> dict[str, list[str]]:
    """Role tables added together: each role's entries from every table."""
    out: dict[str, list[str]] = {}
    for table in tables:
        for role, entries in table.items():
            out.setdefault(str(role), []).extend(_entries(entries))
    return out


def rules_from(*sections: Mapping[str, object]) -> RoleRules:
    """The rules of [cjmetrics] sections (secrets, then the roles file): tables are added
    together, the first roles_claim given is used."""
    claim = next((str(s["roles_claim"]) for s in sections if s.get("roles_claim")), None)
    return RoleRules(merged(*(dict(s.get("roles") or {}) for s in sections)), claim,
                     merged(*(dict(s.get("claim_roles") or {}) for s in sections)))


def settings_from_file() -> dict:
    """The [cjmetrics] table of the TOML file CJMETRICS_ROLES_FILE names, if any (a file
    holding only a top-level [roles] table counts as that table)."""
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
    return dict(data.get("cjmetrics", {"roles": data.get("roles", {})}))


def roles_from_file() -> dict[str, list[str]]:
    """The [cjmetrics.roles] table of the TOML file CJMETRICS_ROLES_FILE names, if any."""
    return dict(settings_from_file().get("roles", {}))


# -- how long a sign-in lasts ----------------------------------------------------------------
def sign_in_ends(claims: Mapping[str, object]) -> datetime | None:
    """When the identity provider's ID token stops being valid (its `exp` claim), in UTC."""
    exp = claims.get("exp")
    if isinstance(exp, bool) or not isinstance(exp, (int, float)):
        return None
    return datetime.fromtimestamp(exp, tz=timezone.utc)


def sign_in_expired(claims: Mapping[str, object], now: datetime | None = None) -> bool:
    """Whether the sign-in `claims` describe has ended. Streamlit keeps a person signed in for
    as long as its cookie lasts (30 days) whatever the provider said; the provider's `exp` is
    what the organisation decided. A token without `exp` cannot be checked: ended."""
    ends = sign_in_ends(claims)
    return ends is None or ends <= (now or datetime.now(timezone.utc))
