"""Sign-in rules without a browser: roles from the identity provider's claims, the ID token's
expiry, and the start-up check that says in one sentence why nobody could sign in."""

from __future__ import annotations

import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from cjmetrics import access, sign_in
from cjmetrics.access import RoleRules, role_from_claim, rules_from, sign_in_expired

from browser_support import free_port
from oidc_support import auth_section, identity_provider

NOW = datetime(2026, 12, 1, 21, 0, tzinfo=timezone.utc)
ADDRESSES = {"admin": ["lead@council.gov.uk"], "editor": ["@council.gov.uk"]}


# -- roles from a claim ----------------------------------------------------------------------
def test_a_role_comes_from_a_groups_claim_entra_app_roles_or_keycloak_realm_roles():
    mapping = {"admin": ["CJ-Admins"], "editor": ["cjmetrics-editors"], "viewer": ["staff"]}
    groups = {"groups": ["staff", "cjmetrics-editors"]}
    assert role_from_claim(groups, "groups", mapping) == "editor"
    assert role_from_claim({"groups": "cj-admins"}, "groups", mapping) == "admin"  # one value
    assert role_from_claim({"roles": ["staff"]}, "roles", mapping) == "viewer"  # Entra app roles
    keycloak = {"realm_access": {"roles": ["offline_access", "cjmetrics-editors"]}}
    assert role_from_claim(keycloak, "realm_access.roles", mapping) == "editor"
    assert role_from_claim({"groups": ["other"]}, "groups", mapping) is None
    assert role_from_claim({}, "groups", mapping) is None
    assert role_from_claim({"groups": ["staff"]}, None, mapping) is None  # no claim configured


def test_the_highest_role_from_address_domain_or_claim_wins():
    rules = RoleRules(ADDRESSES, "groups", {"admin": ["cj-admins"], "viewer": ["staff"]})
    assert rules.role({"email": "officer@council.gov.uk", "groups": ["staff"]}) == "editor"
    assert rules.role({"email": "officer@council.gov.uk", "groups": ["cj-admins"]}) == "admin"
    assert rules.role({"email": "someone@partner.org", "groups": ["staff"]}) == "viewer"
    assert rules.role({"email": "someone@partner.org", "groups": ["nothing"]}) is None
    assert rules.role({"groups": ["staff"]}) == "viewer"  # no e-mail claim at all


def test_role_rules_from_secrets_and_the_roles_file_are_added_together():
    secrets = {"roles": {"admin": ["lead@council.gov.uk"]}, "roles_claim": "groups",
               "claim_roles": {"editor": ["cj-editors"]}}
    from_file = {"roles": {"admin": "second@council.gov.uk"}, "roles_claim": "ignored",
                 "claim_roles": {"editor": ["other-editors"]}}
    rules = rules_from(secrets, from_file)
    assert rules.addresses == {"admin": ["lead@council.gov.uk", "second@council.gov.uk"]}
    assert rules.claim == "groups"
    assert rules.claim_roles == {"editor": ["cj-editors", "other-editors"]}


def test_the_roles_file_may_hold_the_claim_and_its_mapping(tmp_path, monkeypatch):
    path = tmp_path / "roles.toml"
    path.write_text('[cjmetrics]\nroles_claim = "groups"\n[cjmetrics.roles]\nadmin = ["a@x.org"]\n'
                    '[cjmetrics.claim_roles]\neditor = ["cj-editors"]\n')
    monkeypatch.setenv("CJMETRICS_ROLES_FILE", str(path))
    rules = rules_from({}, access.settings_from_file())
    assert rules.role({"email": "b@y.org", "groups": ["cj-editors"]}) == "editor"
    assert access.roles_from_file() == {"admin": ["a@x.org"]}


def test_a_role_table_that_would_silently_give_nobody_a_role_is_named():
    assert "'editors', which is not a role" in RoleRules({"editors": ["@x.org"]}).problem()
    assert "[cjmetrics.claim_roles] table names 'boss'" in \
        RoleRules({}, "groups", {"boss": ["g"]}).problem()
    assert "no roles_claim names the claim" in RoleRules({}, None, {"editor": ["g"]}).problem()
    assert RoleRules(ADDRESSES, "groups", {"viewer": ["g"]}).problem() is None


# -- the ID token's expiry -------------------------------------------------------------------
def test_a_sign_in_ends_when_the_id_token_expires():
    soon = (NOW + timedelta(minutes=5)).timestamp()
    assert not sign_in_expired({"exp": soon}, now=NOW)
    assert sign_in_expired({"exp": soon}, now=NOW + timedelta(minutes=5))
    assert sign_in_expired({"exp": (NOW - timedelta(seconds=1)).timestamp()}, now=NOW)
    assert sign_in_expired({}, now=NOW)  # no exp: cannot be checked, so not trusted
    assert sign_in_expired({"exp": "tomorrow"}, now=NOW)
    assert access.sign_in_ends({"exp": soon}) == NOW + timedelta(minutes=5)


# -- the start-up check ----------------------------------------------------------------------
AUTH = auth_section("https://login.example.org/.well-known/openid-configuration",
                    "https://cjmetrics.example.org")


def test_a_complete_auth_section_has_no_configuration_problem():
    assert sign_in.configuration_problem(AUTH) is None
    named = {k: AUTH[k] for k in ("redirect_uri", "cookie_secret")}
    named["microsoft"] = {k: AUTH[k] for k in sign_in.PROVIDER_KEYS}
    assert sign_in.configuration_problem(named) is None


def test_missing_settings_are_named_in_one_sentence():
    without = {k: v for k, v in AUTH.items() if k not in ("cookie_secret", "client_secret")}
    sentence = sign_in.configuration_problem(without)
    assert sentence.startswith("Sign-in is switched on but the [auth] section of the server's "
                               "secrets (.streamlit/secrets.toml) has no cookie_secret, "
                               "client_secret. Add them")
    assert "remove the [auth] section to run without sign-in" in sentence
    named = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": "x" * 32,
             "okta": {"client_id": "cjmetrics"}}
    assert "client_secret (in [auth.okta]), server_metadata_url (in [auth.okta])" in \
        sign_in.configuration_problem(named)
    assert "has no client_id, client_secret, server_metadata_url" in \
        sign_in.configuration_problem({"redirect_uri": AUTH["redirect_uri"], "cookie_secret": "x"})


def test_a_redirect_uri_that_is_not_the_callback_is_named():
    sentence = sign_in.configuration_problem(dict(AUTH, redirect_uri="https://cjmetrics.example.org/"))
    assert "redirect_uri" in sentence and "followed by /oauth2callback" in sentence


def test_without_authlib_the_sentence_says_how_to_install_it(monkeypatch):
    assert sign_in.packages_problem() is None
    monkeypatch.setitem(sys.modules, "authlib", None)  # as if it were not installed
    sentence = sign_in.packages_problem()
    assert sentence.startswith("Sign-in is switched on ([auth] in the server's secrets) but the "
                               "package it needs is not installed (authlib)")
    assert "pip install -r requirements.txt" in sentence


def test_a_provider_nobody_answers_at_is_named_with_its_address():
    url = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"  # nothing listens
    sentence = sign_in.provider_problem(url)
    assert sentence.startswith(f"Sign-in cannot work: the identity provider's address {url} "
                               "(server_metadata_url in [auth]) could not be reached (Connection "
                               "refused)")
    assert sentence.endswith("until then nobody can sign in.")


class _Answer(BaseHTTPRequestHandler):
    replies = {"/missing": (404, b"not here"), "/html": (200, b"<html>login</html>"),
               "/thin": (200, b'{"issuer": "http://127.0.0.1"}')}

    def do_GET(self):  # noqa: N802 - http.server's name
        status, body = self.replies[self.path]
        self.send_response(status)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def wrong_server():
    server = HTTPServer(("127.0.0.1", 0), _Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_an_address_that_is_not_a_discovery_document_is_named(wrong_server):
    assert "answered 404" in sign_in.provider_problem(wrong_server + "/missing")
    assert "could not be read (not a discovery document)" in \
        sign_in.provider_problem(wrong_server + "/html")
    assert ("gave a discovery document without authorization_endpoint, token_endpoint, "
            "jwks_uri") in sign_in.provider_problem(wrong_server + "/thin")


def test_a_real_provider_passes_the_whole_check():
    with identity_provider() as provider:
        auth = auth_section(provider.metadata_url, "http://127.0.0.1:8501")
        assert sign_in.problem(auth, RoleRules(ADDRESSES)) is None
        # the first problem found is the one reported
        assert "is not a role" in sign_in.problem(auth, RoleRules({"owner": ["x"]}))
    assert "could not be reached" in sign_in.problem(auth, RoleRules(ADDRESSES))


def test_the_console_names_what_stops_sign_in_as_the_server_starts(_empty_template, tmp_path):
    """`make run` with an [auth] whose provider is down: the sentence is in the console before
    anyone visits, not at the first click."""
    import shutil

    from browser_support import streamlit_server
    from oidc_support import write_secrets

    path = tmp_path / "store.duckdb"
    shutil.copy(_empty_template, path)
    closed = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    port = free_port()
    secrets = write_secrets(tmp_path / "secrets.toml",
                            auth_section(closed, f"http://127.0.0.1:{port}"))
    log = tmp_path / "streamlit.log"
    with streamlit_server(path, log, port=port, args=["--secrets.files", str(secrets)]):
        deadline = time.monotonic() + 60
        while "Sign-in cannot work" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
    console = log.read_text()
    assert (f"cjmetrics: Sign-in cannot work: the identity provider's address {closed} "
            "(server_metadata_url in [auth]) could not be reached (") in console
    assert "Traceback" not in console
