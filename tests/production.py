"""Helpers for tests of the production profile: its environment, and processes run under it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
PRINT_SETTINGS = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({name: str(getattr(settings, name, None)) if name != 'STORAGES' "
    "else settings.STORAGES for name in %r}))"
)
PRODUCTION_SECRET = "test-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def database_url() -> str:
    """A DATABASE_URL for the database this test run uses (the test database once set up)."""
    from django.db import connection

    db = connection.settings_dict
    host = db["HOST"].replace("/", "%2F")
    port = f":{db['PORT']}" if db["PORT"] and not db["HOST"].startswith("/") else ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{host}{port}/{db['NAME']}"


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production deployment: DATABASE_URL, SECRET_KEY and ALLOWED_HOSTS
    set, DEBUG left to its production default; overrides may remove a variable with ""."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_"))
        and key not in {"DEBUG", "DATABASE_URL", "DATABASE_REPLICA_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url(),
        SECRET_KEY=PRODUCTION_SECRET,
        ALLOWED_HOSTS="publications.example.org",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value != ""}


def run_python(args: list[str], env: dict[str, str], timeout: float = 60):
    """Run `python ARGS` from the repository; returns the CompletedProcess (text output)."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def manage(*args: str, env: dict[str, str]):
    return run_python(["manage.py", *args], env)


def settings_under(env: dict[str, str], *names: str) -> dict:
    """These settings as config/settings.py computes them from this environment (STORAGES as
    it is, the others as strings)."""
    result = run_python(["-c", PRINT_SETTINGS % (names,)], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
