"""Admin login lockout (django-axes): per client address, honouring X-Forwarded-For only behind
a proxy we were told about (BEHIND_PROXY, TRUSTED_PROXY_COUNT)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db.models import F

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct-horse-9"


@pytest.fixture(autouse=True)
def editor(settings):
    # A fast hasher: these tests count login attempts, not hashing rounds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return get_user_model().objects.create_superuser("editor", "editor@example.org", PASSWORD)


def log_in(client, password: str, *, address: str = "192.0.2.1", forwarded: str | None = None):
    meta = {"REMOTE_ADDR": address}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(LOGIN, {"username": "editor", "password": password}, **meta)


def fail_until_locked(client, settings, **where) -> list[int]:
    return [
        log_in(client, "wrong", **where).status_code for _ in range(settings.AXES_FAILURE_LIMIT)
    ]


def test_repeated_bad_logins_lock_the_address_out(client, settings):
    statuses = fail_until_locked(client, settings)

    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form, with an error
    assert statuses[-1] == 429


def test_the_lockout_page_says_why_and_for_how_long(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    fail_until_locked(client, settings)

    response = log_in(client, PASSWORD)

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "0:15:00" in response.content.decode()


def test_the_right_password_is_refused_until_the_cool_off_has_passed(client, settings):
    fail_until_locked(client, settings)

    during = log_in(client, PASSWORD)
    # As if the cool-off had passed since the last failure.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    after = log_in(client, PASSWORD)

    assert during.status_code == 429
    assert "_auth_user_id" not in during.wsgi_request.session
    assert after.status_code == 302
    assert after["Location"] == "/admin/"


def test_a_lockout_leaves_other_addresses_alone(client, settings):
    fail_until_locked(client, settings, address="192.0.2.1")

    response = log_in(client, PASSWORD, address="192.0.2.2")

    assert response.status_code == 302


def test_behind_a_proxy_the_forwarded_client_address_is_locked_out(client, settings):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_COUNT = True, 1
    proxy = "10.0.0.2"

    statuses = fail_until_locked(client, settings, address=proxy, forwarded="198.51.100.7")
    other_client = log_in(client, PASSWORD, address=proxy, forwarded="198.51.100.8")

    assert statuses[-1] == 429
    assert other_client.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}


def test_behind_a_proxy_a_client_cannot_forge_its_address(client, settings):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_COUNT = True, 1
    proxy = "10.0.0.2"

    # The client writes its own X-Forwarded-For; the proxy appends the address it saw.
    forged = [f"203.0.113.{n}, 198.51.100.7" for n in range(settings.AXES_FAILURE_LIMIT)]
    statuses = [
        log_in(client, "wrong", address=proxy, forwarded=header).status_code for header in forged
    ]

    assert statuses[-1] == 429


def test_without_behind_proxy_x_forwarded_for_is_ignored(client, settings):
    settings.BEHIND_PROXY = False

    # An attacker rotating made-up X-Forwarded-For values is still one address.
    statuses = [
        log_in(client, "wrong", address="192.0.2.9", forwarded=f"203.0.113.{n}").status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]

    assert statuses[-1] == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.9"}


def test_a_successful_login_clears_the_earlier_failures(client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong")

    assert log_in(client, PASSWORD).status_code == 302
    assert log_in(client, "wrong").status_code == 200  # counting starts again
