"""A throwaway PostgreSQL server for the tests, from Debian's packages.

``initdb`` and ``postgres`` refuse to run as root, so as root (CI) they run as the ``postgres``
system user, in a folder it owns.  The server listens on a free loopback port and a Unix socket
in that folder, trusts local connections (it holds nothing but test data), and is stopped and
deleted by ``stop()``.  With a ``password``, connections over TCP need it (the hub test checks
that a participant's code, which can reach the port, finds no way in).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

from tests.helpers import free_port


def postgres_bindir() -> Path | None:
    """Debian's PostgreSQL programs (the newest installed version), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


class PostgresServer:
    """``start()`` a fresh cluster; ``database()`` makes an empty database and returns its URL."""

    superuser = "workshop"

    def __init__(self, bindir: Path, password: str | None = None):
        self.bindir = bindir
        self.password = password
        self.root = Path(tempfile.mkdtemp(prefix="workshop-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bindir / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            log = self.root / "server.log"
            server_log = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(
                f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n{server_log}"
            )

    def start(self) -> "PostgresServer":
        auth = ["--auth=trust"]
        if self.password:
            secret = self.root / "superuser-password"
            secret.write_text(self.password, encoding="utf-8")
            if self.as_postgres:
                os.chown(secret, self.root.stat().st_uid, self.root.stat().st_gid)
            auth = ["--auth-local=trust", "--auth-host=scram-sha-256", f"--pwfile={secret}"]
        self._run("initdb", "-D", str(self.data), "-U", self.superuser, *auth,
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions")
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"),
                  "-w", "-t", "60", "start")
        return self

    def url(self, database: str = "postgres") -> str:
        login = f"{self.superuser}:{self.password}" if self.password else self.superuser
        return f"postgresql+psycopg://{login}@127.0.0.1:{self.port}/{database}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=self.superuser, password=self.password,
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(statement)

    def database(self) -> str:
        """A new, empty database; returns its SQLAlchemy URL."""
        name = "t_" + uuid.uuid4().hex[:12]
        self._admin(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop(self, url: str) -> None:
        self._admin(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
