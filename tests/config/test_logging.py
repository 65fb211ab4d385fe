"""What the logs say once, and what they leave out."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

BASE_DIR = Path(__file__).resolve().parents[2]
LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct-horse-9"
LOG_A_404 = """
import django
django.setup()
import logging
logging.getLogger("django.request").warning("Not Found: /favicon.ico")
logging.getLogger("django.utils.autoreload").info("Watching for file changes")
logging.getLogger("django.server").info('"GET / HTTP/1.1" 200 5')
"""


def test_a_django_log_line_is_written_once_under_development_defaults():
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "LOG_LEVEL"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1")
    stderr = subprocess.run(
        [sys.executable, "-c", LOG_A_404],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    assert stderr.count("Not Found: /favicon.ico") == 1
    assert stderr.count("Watching for file changes") == 1
    assert stderr.count('"GET / HTTP/1.1" 200 5') == 1
    assert '] "GET / HTTP/1.1" 200 5' in stderr  # with runserver's timestamp


@pytest.fixture
def editor(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return get_user_model().objects.create_superuser("editor", "editor@example.org", PASSWORD)


def axes_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name.startswith("axes")]


@pytest.mark.django_db
def test_a_successful_admin_login_writes_no_lockout_lines(client, editor, caplog):
    caplog.set_level(logging.INFO)
    response = client.post(LOGIN, {"username": "editor", "password": PASSWORD})
    assert response.status_code == 302
    assert axes_lines(caplog) == []


@pytest.mark.django_db
def test_a_failed_admin_login_writes_one_warning(client, editor, caplog):
    caplog.set_level(logging.INFO)
    response = client.post(LOGIN, {"username": "editor", "password": "wrong"})
    assert response.status_code == 200
    assert [record.levelname for record in axes_lines(caplog)] == ["WARNING"]
