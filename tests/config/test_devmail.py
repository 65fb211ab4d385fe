"""Development mail: caught on a local SMTP server, kept under var/mail/, read at /dev/mail/;
never in production."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives, get_connection

from config.devmail.catcher import catcher_start
from config.devmail.mailbox import mail_list, mail_store
from tests.helpers import free_port

BASE_DIR = Path(__file__).resolve().parents[2]
CONFIRM = "http://127.0.0.1:18101/newsletter/confirm/abc123/"
SHOW_MAIL_SETTINGS = (
    "import json; from config import settings as s; print(json.dumps([s.EMAIL_BACKEND, "
    "s.EMAIL_PORT if s.DEV_MAIL_DIR else None, str(s.DEV_MAIL_DIR) if s.DEV_MAIL_DIR else None]))"
)


def mail_settings(**env: str) -> list:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DEBUG", "EMAIL_HOST", "ANYMAIL_ESP", "PORT", "DEV_MAIL_PORT"}
    }
    shown = subprocess.run(
        [sys.executable, "-c", SHOW_MAIL_SETTINGS],
        cwd=BASE_DIR, env={**base, **env}, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return json.loads(shown)


def confirmation() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        "Confirm your subscription",
        f"Follow this link to confirm: {CONFIRM}\n",
        "updates@localhost",
        ["reader@example.org"],
    )
    message.attach_alternative(f'<p><a href="{CONFIRM}">Confirm</a></p>', "text/html")
    return message


@pytest.fixture
def mailbox(settings, tmp_path):
    settings.DEBUG = True
    settings.DEV_MAIL_DIR = tmp_path / "mail"
    return settings.DEV_MAIL_DIR


def test_development_defaults_send_mail_to_the_local_catcher():
    backend, port, directory = mail_settings(PORT="18101")
    assert backend == "django.core.mail.backends.smtp.EmailBackend"
    assert port == 18126
    assert directory.endswith("/mail")


def test_production_never_uses_the_catcher():
    backend, _, directory = mail_settings(
        DATABASE_URL="postgres://user@db.example.org/site", SECRET_KEY="x" * 50
    )
    assert directory is None
    assert backend == "django.core.mail.backends.console.EmailBackend"


def test_a_configured_mail_server_wins_over_the_catcher():
    backend, _, directory = mail_settings(EMAIL_HOST="smtp.example.org")
    assert directory is None
    assert backend == "django.core.mail.backends.smtp.EmailBackend"


def test_the_catcher_keeps_what_django_sends_it(tmp_path):
    announced = []
    port = free_port()
    catcher = catcher_start(port=port, directory=tmp_path, announce=announced.append)
    try:
        connection = get_connection(
            "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port
        )
        assert connection.send_messages([confirmation()]) == 1
    finally:
        catcher.stop()

    [mail] = mail_list(tmp_path)
    assert [m.id for m in announced] == [mail.id]
    assert mail.subject == "Confirm your subscription"
    assert mail.to == "reader@example.org"
    assert CONFIRM in mail.text
    assert f'href="{CONFIRM}"' in mail.html
    assert mail.links() == [CONFIRM]


@pytest.mark.django_db
def test_the_mail_page_lists_messages_with_clickable_links(client, mailbox):
    mail_id = mail_store(directory=mailbox, data=confirmation().message().as_bytes())

    listing = client.get("/dev/mail/").content.decode()
    detail = client.get(f"/dev/mail/{mail_id}/").content.decode()
    html = client.get(f"/dev/mail/{mail_id}/html/")

    assert "Confirm your subscription" in listing
    assert f"/dev/mail/{mail_id}/" in listing
    assert f'<a href="{CONFIRM}"' in detail
    assert f"/dev/mail/{mail_id}/html/" in detail
    assert html.status_code == 200
    assert f'href="{CONFIRM}"' in html.content.decode()
    assert "style-src 'unsafe-inline'" in html["Content-Security-Policy"]  # as a mail program
    assert "script-src" not in html["Content-Security-Policy"]  # default-src 'self' still rules


@pytest.mark.django_db
@pytest.mark.parametrize(("debug", "directory"), [(False, "mail"), (True, None)])
def test_the_mail_page_exists_only_under_development_defaults(
    client, settings, tmp_path, debug, directory
):
    settings.DEBUG = debug
    settings.DEV_MAIL_DIR = tmp_path / directory if directory else None
    assert client.get("/dev/mail/").status_code == 404


@pytest.mark.django_db
def test_a_made_up_message_id_is_not_found(client, mailbox):
    assert client.get("/dev/mail/..%2Fsecret_key/").status_code == 404
    assert client.get("/dev/mail/20260101-000000-00000000/").status_code == 404


@pytest.mark.django_db
def test_check_your_inbox_says_where_the_message_is_in_development(client, mailbox):
    page = client.post("/newsletter/", {"email": "reader@example.org"}).content.decode()
    assert "Check your inbox" in page
    assert 'href="/dev/mail/"' in page
    assert str(mailbox) in page


@pytest.mark.django_db
def test_check_your_inbox_says_nothing_of_it_in_production(client, settings):
    settings.DEBUG = False
    page = client.post("/newsletter/", {"email": "reader@example.org"}).content.decode()
    assert "Check your inbox" in page
    assert "/dev/mail/" not in page
