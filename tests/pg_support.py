"""A real PostgreSQL server for the tests: Debian's postgresql, started in a temporary folder.

One server per test session (initdb + pg_ctl on a unix socket in that folder, a random port,
trust authentication for the local socket only), a fresh database per test, stopped at the end.
As root (CI), the server runs as the `postgres` user, as PostgreSQL requires.
"""

from __future__ import annotations

import glob
import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder, or None when there is none."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name))
    return Path(found[-1]).parent if found else None


def _as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


class PostgresServer:
    """initdb, pg_ctl start/stop, and databases on demand."""

    def __init__(self):
        bin_dir = pg_bin()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed: run `make test` (it installs the "
                               "postgresql package) or `apt-get install -y postgresql`.")
        self.bin = bin_dir
        # In /tmp itself: a test may point TMPDIR at a private folder the server user cannot
        # enter.
        self.dir = Path(tempfile.mkdtemp(prefix="cjmetrics-pg-", dir="/tmp"))
        self.data = self.dir / "data"
        self.port = random.randint(20000, 60000)
        self.user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
        self._databases = 0
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *argv: str) -> None:
        subprocess.run(_as_server_user([str(self.bin / argv[0]), *argv[1:]]), check=True,
                       capture_output=True, timeout=120)

    def start(self) -> "PostgresServer":
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", self.user,
                  "--no-sync", "-E", "UTF8")
        options = (f"-k {self.dir} -p {self.port} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l",
                  str(self.dir / "server.log"), "-w", "start")
        return self

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run(
            [str(self.bin / "psql"), "-h", str(self.dir), "-p", str(self.port), "-U", self.user,
             "-d", database, "-v", "ON_ERROR_STOP=1", "-Atc", sql],
            check=True, capture_output=True, text=True, timeout=60)
        return result.stdout

    def new_database(self, template: str | None = None) -> str:
        """A new empty database (or a copy of `template`, which nobody may be connected to)."""
        self._databases += 1
        name = f"cjm_{os.getpid()}_{self._databases}"
        self.psql(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return name

    def url(self, database: str, user: str | None = None) -> str:
        """A libpq connection string (the socket folder as host)."""
        return (f"postgresql://{user or self.user}@/{database}?host={self.dir}"
                f"&port={self.port}")
