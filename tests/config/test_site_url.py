"""Absolute links follow the port `make run` serves on, unless SITE_URL says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from config import devserver

BASE_DIR = Path(__file__).resolve().parents[2]


def site_url_in_a_new_process(env: dict[str, str]) -> str:
    # A new process, as the web server, worker and beat are: settings are read once, at start.
    return subprocess.run(
        [sys.executable, "-c", "from config import settings; print(settings.SITE_URL)"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip


def environment(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "PORT"}}
    return {**env, **values}


def test_site_url_follows_port_when_unset():
    assert site_url_in_a_new_process(environment(PORT="18101")) == "http://127.0.0.1:18101"


def test_site_url_wins_over_port_when_set():
    env = environment(PORT="18101", SITE_URL="https://research.example.org/")
    assert site_url_in_a_new_process(env) == "https://research.example.org"


def test_processes_the_devserver_starts_link_to_its_port(monkeypatch):
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setenv("PORT", "8000")  # restored afterwards, whatever use_port writes
    devserver.use_port(18102)
    assert site_url_in_a_new_process(dict(os.environ)) == "http://127.0.0.1:18102"
