"""Whether sign-in can work, checked when the server starts rather than at someone's first click.

Streamlit's st.login reports a missing setting, a missing Authlib or an unreachable identity
provider only when a person presses "Sign in", and then as an error page. cjmetrics checks the
[auth] section, the packages and the provider's discovery document (server_metadata_url) up
front and says in one sentence what is wrong and what to do, in the server's console and on
the page in place of the Sign in button.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Callable, Mapping

from .access import RoleRules

WHERE = "the [auth] section of the server's secrets (.streamlit/secrets.toml)"
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")
# A discovery document without these cannot sign anyone in (OpenID Connect Discovery 1.0).
DISCOVERY_KEYS = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
CALLBACK = "/oauth2callback"  # the path Streamlit answers the provider's redirect on
TIMEOUT_S = 3.0


def providers(auth: Mapping[str, object]) -> dict[str, Mapping[str, object]]:
    """The providers [auth] configures: the section itself when it holds client_id, else each
    named subsection ([auth.microsoft] -> "microsoft")."""
    if any(key in auth for key in PROVIDER_KEYS):
        return {"default": auth}
    return {name: value for name, value in auth.items() if isinstance(value, Mapping)}


def configuration_problem(auth: Mapping[str, object]) -> str | None:
    """A sentence for an [auth] section Streamlit could not sign anyone in with."""
    missing = [key for key in ("redirect_uri", "cookie_secret") if not auth.get(key)]
    configured = providers(auth)
    if not configured:
        missing += list(PROVIDER_KEYS)
    for name, provider in configured.items():
        where = "" if name == "default" else f" (in [auth.{name}])"
        missing += [f"{key}{where}" for key in PROVIDER_KEYS if not provider.get(key)]
    if missing:
        return (f"Sign-in is switched on but {WHERE} has no {', '.join(missing)}. Add "
                f"{'it' if len(missing) == 1 else 'them'} (see docs/deploy.md), or remove the "
                "[auth] section to run without sign-in; until then nobody can sign in.")
    redirect = str(auth["redirect_uri"])
    if not redirect.rstrip("/").endswith(CALLBACK):
        return (f"Sign-in is switched on but redirect_uri in {WHERE} is {redirect}; it must be "
                f"this dashboard's own address followed by {CALLBACK} (and registered with the "
                "identity provider as such); until then nobody can sign in.")
    return None


def packages_problem() -> str | None:
    """A sentence when the packages st.login needs (Authlib and its web client) are missing."""
    try:
        import authlib
        from authlib.integrations import starlette_client  # noqa: F401 - needs httpx too
    except ImportError as exc:
        return ("Sign-in is switched on ([auth] in the server's secrets) but the package it "
                f"needs is not installed ({exc.name or exc}). Run `.venv/bin/pip install -r "
                "requirements.txt` and restart the dashboard.")
    version = tuple(int(part) for part in authlib.__version__.split(".")[:3] if part.isdigit())
    if version < (1, 3, 2):
        return (f"Sign-in needs Authlib 1.3.2 or later and this server has {authlib.__version__}. "
                "Run `.venv/bin/pip install -r requirements.txt` and restart the dashboard.")
    return None


def provider_problem(url: str, timeout: float = TIMEOUT_S) -> str | None:
    """A sentence when the identity provider's discovery document at `url` cannot be read."""
    unreachable = (f"Sign-in cannot work: the identity provider's address {url} "
                   "(server_metadata_url in [auth]) ")
    advice = (". Check the address and that this server can reach the provider; until then "
              "nobody can sign in.")
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - the admin's URL
            document = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        return f"{unreachable}answered {exc.code} {exc.reason}{advice}"
    except urllib.error.URLError as exc:
        reason = getattr(exc.reason, "strerror", None) or exc.reason  # without "[Errno 111]"
        return f"{unreachable}could not be reached ({reason}){advice}"
    except (OSError, ValueError) as exc:  # a timeout, or not a JSON document
        reason = ("no answer in time" if isinstance(exc, TimeoutError)
                  else "not a discovery document")
        return f"{unreachable}could not be read ({reason}){advice}"
    lacking = [key for key in DISCOVERY_KEYS
               if not (isinstance(document, dict) and document.get(key))]
    if lacking:
        return f"{unreachable}gave a discovery document without {', '.join(lacking)}{advice}"
    return None


def problem(auth: Mapping[str, object], rules: RoleRules,
            reach: Callable[[str], str | None] = provider_problem) -> str | None:
    """The first thing that stops sign-in working for an [auth] section and role rules, as
    one sentence; None when people can sign in. `reach` checks a provider's address (the app
    passes one that remembers the answer for a minute)."""
    found = configuration_problem(auth) or packages_problem() or rules.problem()
    if found:
        return found
    for provider in providers(auth).values():
        found = reach(str(provider["server_metadata_url"]))
        if found:
            return found
    return None
