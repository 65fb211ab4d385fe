"""A signup storm: 1,000 signups for 200 addresses, in mixed case and from every state, sent at
once over real HTTP to a live threaded server (each request its own thread and database
connection, each committing for real). It ends as 200 rows, one confirmation email queued at
most per address, and the same answer to every request."""

from __future__ import annotations

import base64
import json
import random
import re
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from django.utils import timezone
from tqdm import tqdm

from newsletter.models import Subscriber, SubscriberStatus
from tests.factories import TopicFactory

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

ADDRESSES = 200
SIGNUPS_PER_ADDRESS = 5
CLIENT_THREADS = 24
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
CONFIRMATION_TASK = "newsletter.tasks.send_confirmation"


def variants(n: int) -> list[str]:
    """Five spellings of one mailbox: the domain's case is the mailer's business, the local
    part's the owner's, and the list matches both case-insensitively."""
    return [
        f"reader{n}@example.org",
        f"Reader{n}@Example.org",
        f"READER{n}@EXAMPLE.ORG",
        f"  rEaDeR{n}@example.ORG ",
        f"reader{n}@EXAMPLE.org",
    ]


def prepare_states(now) -> dict[str, list[int]]:
    """Rows for most addresses beforehand; the storm's expected effect on each group."""
    groups = {
        "new": range(0, 40),
        "pending, asked long ago": range(40, 80),
        "pending, asked a moment ago": range(80, 100),
        "confirmed": range(100, 150),
        "unsubscribed": range(150, 200),
    }
    rows = []
    for n in groups["pending, asked long ago"]:
        sent = [now - timedelta(hours=30), now - timedelta(hours=2)]
        rows.append(Subscriber(email=f"reader{n}@example.org", confirmations_sent=sent))
    for n in groups["pending, asked a moment ago"]:
        sent = [now - timedelta(seconds=5)]
        rows.append(Subscriber(email=f"Reader{n}@example.org", confirmations_sent=sent))
    for n in groups["confirmed"]:
        rows.append(
            Subscriber(
                email=f"reader{n}@example.org",
                status=SubscriberStatus.CONFIRMED,
                confirmed_at=now - timedelta(days=3),
            )
        )
    for n in groups["unsubscribed"]:
        rows.append(
            Subscriber(
                email=f"READER{n}@example.org",
                status=SubscriberStatus.UNSUBSCRIBED,
                unsubscribed_at=now - timedelta(days=1),
                confirmations_sent=[now - timedelta(days=2)],
            )
        )
    Subscriber.objects.bulk_create(rows)
    return {name: list(numbers) for name, numbers in groups.items()}


def queued_confirmations(redis_client) -> list[int]:
    """Subscriber ids of the confirmation tasks waiting in the test broker's email queue."""
    ids = []
    for raw in redis_client.lrange("email", 0, -1):
        message = json.loads(raw)
        if message["headers"]["task"] == CONFIRMATION_TASK:
            args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
            ids.append(args[0])
    return ids


class Browser:
    """A visitor with the CSRF cookie and form token of one page view, as the footer form has."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        with urllib.request.urlopen(f"{base_url}/newsletter/", timeout=30) as response:  # noqa: S310 - loopback
            cookie = SimpleCookie(response.headers["Set-Cookie"])
            html = response.read().decode()
        self.cookie = f"csrftoken={cookie['csrftoken'].value}"
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def signup(self, email: str, topics: list[int]) -> tuple[int, str]:
        fields = [("csrfmiddlewaretoken", self.token), ("email", email)]
        fields += [("topics", str(pk)) for pk in topics]
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{self.base_url}/newsletter/",
            data=urllib.parse.urlencode(fields).encode(),
            headers={"Cookie": self.cookie},
        )
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
            return response.status, CSRF.sub("", response.read().decode())


@pytest.fixture
def storm_settings(settings):
    settings.RATELIMIT_ENABLED = False  # the storm comes from one address: no 429s here
    # Ten minutes between two confirmations, so the storm lies inside one window however slow.
    settings.NEWSLETTER_CONFIRMATION_INTERVAL = 600
    settings.NEWSLETTER_CONFIRMATIONS_PER_DAY = 3
    return settings


def test_a_thousand_concurrent_signups_for_two_hundred_addresses(live_server, storm_settings):
    from tests import conftest

    if conftest.TEST_REDIS is None:
        pytest.skip("reads the queue of the suite's private Redis broker; REDIS_URL is set")
    redis_client = conftest.TEST_REDIS.client()
    redis_client.delete("email")
    topic = TopicFactory(name="Trade")
    start = timezone.now()
    groups = prepare_states(start)
    signups = [
        (email, [topic.pk] if k % 2 else [])
        for n in range(ADDRESSES)
        for k, email in enumerate(variants(n))
    ]
    random.Random(1000).shuffle(signups)
    browser = Browser(live_server.url)

    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        futures = [pool.submit(browser.signup, email, topics) for email, topics in signups]
        answers = [future.result() for future in tqdm(futures, desc="signups", leave=False)]

    assert len(answers) == ADDRESSES * SIGNUPS_PER_ADDRESS
    assert set(answers) == {answers[0]}, Counter(status for status, _ in answers)
    assert answers[0][0] == 200
    assert "Check your inbox" in answers[0][1]

    rows = {s.email.lower(): s for s in Subscriber.objects.prefetch_related("topics")}
    assert sorted(rows) == sorted(f"reader{n}@example.org" for n in range(ADDRESSES))

    queued = Counter(queued_confirmations(redis_client))
    by_number = {int(email[6:].split("@")[0]): s for email, s in rows.items()}
    expected = {
        by_number[n].pk
        for name in ("new", "pending, asked long ago", "unsubscribed")
        for n in groups[name]
    }
    assert max(queued.values()) == 1  # never two confirmations for one address
    assert set(queued) == expected
    for name, numbers in groups.items():
        for n in numbers:
            subscriber = by_number[n]
            if name == "confirmed":
                assert subscriber.status == SubscriberStatus.CONFIRMED
                assert list(subscriber.topics.all()) == []  # a signup never changes them
                assert subscriber.consents.count() == 0
            else:
                assert subscriber.status == SubscriberStatus.PENDING, (name, n)
            sent_in_storm = [moment for moment in subscriber.confirmations_sent if moment > start]
            assert len(sent_in_storm) == (subscriber.pk in expected), (name, n)
