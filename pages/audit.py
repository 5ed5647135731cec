"""Audit: every import, edit, undo, download and sign-in with who and when (admins only), the
roles in force, and a backup of the store made while the dashboard keeps running."""

import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from cjmetrics import access, export, ui
from cjmetrics.audit import action_label, audit_filters, audit_table

ui.ensure_entrypoint()


def backup_bytes(current) -> bytes:
    """A consistent copy of the store, made on click (the download callable runs outside the
    script, so it is handed the store)."""
    with tempfile.TemporaryDirectory(prefix="cjmetrics-backup-") as directory:
        return current.backup_to(Path(directory) / "backup.duckdb").read_bytes()


def roles_section() -> None:
    st.subheader("Who has which role")
    if not ui.auth_configured():
        st.caption("No identity provider is configured, so everyone who opens this dashboard is "
                   "the local user, with every role. To have people sign in, add an [auth] "
                   "section and a [cjmetrics.roles] table to .streamlit/secrets.toml: "
                   "docs/deploy.md says how.")
        return
    rules = ui.role_rules()
    roles, claimed = rules.addresses, rules.claim_roles
    rows = [(role, ", ".join(str(e) for e in roles.get(role, [])) or "nobody",
             ", ".join(str(e) for e in claimed.get(role, [])) or "none", access.WHAT[role])
            for role in reversed(access.ROLES)]
    by_claim = f"Values of the provider's {rules.claim} claim" if rules.claim else "Claim values"
    st.dataframe(pd.DataFrame(rows, columns=["Role", "E-mail addresses and domains", by_claim,
                                             "May"]),
                 hide_index=True, width="stretch")
    st.caption("Roles are set in the [cjmetrics.roles] and [cjmetrics.claim_roles] tables of "
               "the server's secrets (or the file CJMETRICS_ROLES_FILE names); change them there "
               "and restart the dashboard. docs/deploy.md says how.")


with ui.guard():
    st.title("Audit")
    if not ui.can_read_audit():
        st.info("The audit log is for administrators of this dashboard.", icon=":material/lock:")
        st.stop()
    st.caption("Every import, edit in the app, undo, download and sign-in, with who did it and "
               "when (times in UTC).")
    if access.read_only():
        st.caption(":material/lock: This server is read-only: downloads and sign-ins here are "
                   "written to the server log, not to the store.")
    choices = ui.cached(audit_filters)
    who_col, what_col, when_col = st.columns([2, 2, 2])
    who = who_col.multiselect("Who", choices["people"], key="audit_who",
                              format_func=access.shown_name, placeholder="Everyone")
    what = what_col.multiselect("What", choices["actions"], key="audit_what",
                                format_func=action_label, placeholder="Everything")
    days = when_col.date_input("Between", value=(), key="audit_days", format="DD/MM/YYYY",
                               max_value=date.today())
    start = days[0] if len(days) >= 1 else None
    end = days[1] if len(days) == 2 else start
    table = ui.cached(audit_table, tuple(who), tuple(what), start, end)
    if table.empty:
        st.info("Nothing recorded matches these filters." if (who or what or start) else
                "Nothing has been recorded yet: imports, edits, undos, downloads and sign-ins "
                "will appear here.", icon=":material/info:")
    else:
        st.dataframe(table, hide_index=True, width="stretch", column_config={
            "When": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm:ss"),
            "Detail": st.column_config.TextColumn(width="large")})
        st.caption(f"{len(table):,} entr{'y' if len(table) == 1 else 'ies'}. A detail too long "
                   "for its cell reads in full when you double-click it, and in the CSV.")
        ui.recorded_download("Download CSV", lambda: export.csv_bytes(table),
                             file_name="cjmetrics-audit.csv", mime="text/csv",
                             key="audit-csv", what="audit log")
    roles_section()
    st.subheader("Back up the store")
    st.caption("A consistent copy of the whole store (a DuckDB file), made while the dashboard "
               "keeps running. Keep it somewhere safe; restore it with `python -m cjmetrics "
               "restore FILE` while the dashboard is stopped.")
    stamp = date.today().isoformat()
    current = ui.store()
    ui.recorded_download("Download a backup", lambda: backup_bytes(current),
                         file_name=f"cjmetrics-{stamp}.duckdb", mime="application/octet-stream",
                         key="audit-backup", what="backup", icon=":material/backup:",
                         action="backup")
