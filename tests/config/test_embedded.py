"""The embedded PostgreSQL and Redis under a var/ of their own: `make services` and `make stop`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def embedded(action: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "config.embedded", action],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_start_and_stop_say_nothing_about_xdg_runtime_dir(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.pop("XDG_RUNTIME_DIR", None)
    env["VAR_DIR"] = str(tmp_path / "var")
    try:
        started = embedded("start", env)
        assert "embedded PostgreSQL: running" in started.stdout, started.stderr
    finally:
        stopped = embedded("stop", env)

    assert "embedded PostgreSQL: stopped" in stopped.stdout, stopped.stderr
    assert "XDG_RUNTIME_DIR" not in started.stderr + stopped.stderr
    assert "Warning" not in started.stderr + stopped.stderr
