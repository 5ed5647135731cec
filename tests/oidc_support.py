"""A real OpenID Connect provider for the sign-in tests, on 127.0.0.1 in a thread of the test
process (PyPI's oidc-provider-mock, a Flask app built on Authlib), and the secrets that point the
dashboard at it.

The provider signs in whoever the test names on its "Authorize" page and puts the claims the test
set for that person (e-mail address, groups) into the ID token it issues, signed with its own key
and valid for `token_lifetime`, as Entra ID, Okta or Keycloak would.
"""

from __future__ import annotations

import json
import os
import threading
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import werkzeug.serving
from oidc_provider_mock import app as provider_app

COOKIE_SECRET = "sign-in-tests-cookie-secret-0123456789"
# Who may do what in the sign-in tests: by address, by domain and by the provider's groups.
ROLES = {"admin": ["lead@council.gov.uk"], "editor": ["@council.gov.uk"],
         "viewer": ["board@elsewhere.org"]}
CLAIM_ROLES = {"editor": ["cjmetrics-editors"], "viewer": ["cjmetrics-viewers"]}


@dataclass
class Provider:
    url: str  # http://127.0.0.1:PORT, the issuer

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def set_user(self, sub: str, **claims: object) -> None:
        """Give the person `sub` these claims (email, groups, ...) in the tokens issued next."""
        request = urllib.request.Request(f"{self.url}/users/{sub}", method="PUT",
                                         data=json.dumps(claims).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 204, response.status


@contextmanager
def identity_provider(token_lifetime: timedelta = timedelta(hours=1)) -> Iterator[Provider]:
    """An OpenID Connect provider on a free port of 127.0.0.1, stopped when the block ends."""
    # Authlib's provider refuses plain http unless told: the tests have no certificate.
    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")
    wsgi = provider_app(access_token_max_age=token_lifetime, issue_refresh_token=False)
    server = werkzeug.serving.make_server("127.0.0.1", 0, wsgi, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="oidc-provider", daemon=True)
    thread.start()
    try:
        yield Provider(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def auth_section(provider_metadata_url: str, app_url: str) -> dict:
    """The [auth] section a partnership would write, pointing at the test provider."""
    return {"redirect_uri": f"{app_url}/oauth2callback", "cookie_secret": COOKIE_SECRET,
            "client_id": "cjmetrics", "client_secret": "cjmetrics-test-secret",
            "server_metadata_url": provider_metadata_url}


def _toml_value(value: object) -> str:
    return json.dumps(value)  # strings and lists of strings: JSON and TOML agree


def write_secrets(path: Path, auth: dict, *, roles: dict = ROLES, roles_claim: str = "groups",
                  claim_roles: dict = CLAIM_ROLES) -> Path:
    """A secrets.toml with [auth] and the role rules, for `--secrets.files`."""
    lines = ["[auth]", *(f"{k} = {_toml_value(v)}" for k, v in auth.items()), "",
             "[cjmetrics]", f"roles_claim = {_toml_value(roles_claim)}", "",
             "[cjmetrics.roles]", *(f"{k} = {_toml_value(v)}" for k, v in roles.items()), "",
             "[cjmetrics.claim_roles]",
             *(f"{k} = {_toml_value(v)}" for k, v in claim_roles.items()), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
