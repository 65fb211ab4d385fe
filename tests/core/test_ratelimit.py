import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory

from core import ratelimit
from core.ratelimit import Rate, client_ip, limit_exceeded


@pytest.mark.parametrize(
    ("text", "rate"),
    [("10/h", Rate(10, 3600)), ("5/15m", Rate(5, 900)), ("100/d", Rate(100, 86400)),
     (" 3 / s ", Rate(3, 1))],
)  # fmt: skip
def test_rates_parse(text, rate):
    assert Rate.parse(text) == rate


@pytest.mark.parametrize("text", ["", "ten/h", "10/w", "10"])
def test_bad_rates_are_refused(text):
    with pytest.raises(ValueError, match="a rate looks like"):
        Rate.parse(text)


def request(remote="203.0.113.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


def test_x_forwarded_for_is_ignored_unless_behind_a_proxy(settings):
    settings.BEHIND_PROXY = False

    assert client_ip(request(forwarded="198.51.100.9")) == "203.0.113.1"


def test_behind_a_proxy_the_client_is_read_from_the_right(settings):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_COUNT = True, 1

    forged = request(remote="10.0.0.2", forwarded="1.2.3.4, 198.51.100.9")

    assert client_ip(forged) == "198.51.100.9"  # what our proxy saw, not what the client wrote


def test_two_trusted_proxies(settings):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_COUNT = True, 2

    assert client_ip(request(forwarded="1.2.3.4, 198.51.100.9, 10.0.0.3")) == "198.51.100.9"


def test_a_malformed_forwarded_address_falls_back_to_the_peer(settings):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_COUNT = True, 1

    assert client_ip(request(forwarded="not-an-ip")) == "203.0.113.1"


def test_ipv6_clients_are_counted_by_their_64_block():
    assert ratelimit.client_key("2001:db8::1") == ratelimit.client_key("2001:db8::ffff")
    assert ratelimit.client_key("2001:db8::1") != ratelimit.client_key("2001:db8:0:1::1")


def test_a_client_over_its_rate_is_limited_and_others_are_not(settings):
    settings.RATELIMIT_ENABLED = True

    results = [limit_exceeded(request(), scope="t", rate="2/h") for _ in range(3)]

    assert results == [False, False, True]
    assert limit_exceeded(request(remote="203.0.113.2"), scope="t", rate="2/h") is False
    assert limit_exceeded(request(), scope="other-scope", rate="2/h") is False


def test_limits_are_off_when_disabled(settings):
    settings.RATELIMIT_ENABLED = False

    assert not any(limit_exceeded(request(), scope="t", rate="1/h") for _ in range(5))


def test_a_new_window_starts_afresh(settings, monkeypatch):
    settings.RATELIMIT_ENABLED = True
    now = 1_000_000.0
    monkeypatch.setattr(ratelimit.time, "time", lambda: now)
    assert [limit_exceeded(request(), scope="w", rate="1/m") for _ in range(2)] == [False, True]

    now += 60
    assert limit_exceeded(request(), scope="w", rate="1/m") is False


def rate_limit_setting(**env) -> str:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    environment.pop("DATABASE_URL", None)
    environment.pop("RATELIMIT_ENABLED", None)
    environment.pop("DEBUG", None)
    environment.update(env)
    code = "from config import settings; print(settings.RATELIMIT_ENABLED)"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**environment, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_rate_limits_are_off_under_development_defaults_and_on_without_debug():
    assert rate_limit_setting() == "False"
    assert rate_limit_setting(DEBUG="0") == "True"
    assert rate_limit_setting(DEBUG="0", RATELIMIT_ENABLED="0") == "False"
    assert rate_limit_setting(RATELIMIT_ENABLED="1") == "True"
