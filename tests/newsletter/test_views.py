import re

import pytest
from django.core import mail, signing
from django.test import Client

from newsletter import tokens
from newsletter.models import ConsentRecord, Subscriber, SubscriberStatus
from newsletter.services import subscribers as services
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def signup(client, email="reader@example.org", **data):
    return client.post("/newsletter/", {"email": email, **data})


def confirm_path(subscriber):
    token = tokens.confirm_token_make(subscriber_id=subscriber.pk, nonce=subscriber.confirm_nonce)
    return f"/newsletter/confirm/{token}/"


def without_csrf(response) -> str:
    return CSRF.sub("", response.content.decode())


@pytest.fixture
def queued(monkeypatch):
    """Subscriber ids whose confirmation email was queued; the task itself is not run, and
    on-commit callbacks run at once (the test's transaction never commits)."""
    from django.db import transaction

    from newsletter import tasks

    ids = []
    monkeypatch.setattr(tasks.send_confirmation, "delay", ids.append)
    monkeypatch.setattr(transaction, "on_commit", lambda func, *args, **kwargs: func())
    return ids


def test_signup_page_shows_the_form_with_topics_and_consent_wording(client):
    TopicFactory(name="Trade Policy")

    html = client.get("/newsletter/").content.decode()

    assert 'name="email"' in html
    assert "Trade Policy" in html
    assert "By signing up you agree that" in html
    assert 'name="website"' in html  # the honeypot
    assert "Subscribe to our Mailing List!" not in html  # no second form on its own page


def test_every_page_has_the_mailing_list_block_posting_to_signup(client):
    html = client.get("/").content.decode()

    form = html.split('<form class="mailing-list__form"')[1].split("</form>")[0]
    assert 'method="post" action="/newsletter/"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="website"' in form
    assert "By signing up you agree that" in form


def test_a_signup_creates_a_pending_subscriber_with_consent_and_queues_one_email(client, queued):
    topic = TopicFactory()

    with_headers = {"HTTP_USER_AGENT": "Browser/1.0", "REMOTE_ADDR": "198.51.100.7"}
    response = client.post(
        "/newsletter/", {"email": " Reader@Example.ORG ", "topics": [topic.pk]}, **with_headers
    )

    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "Reader@example.org"
    assert subscriber.status == SubscriberStatus.PENDING
    assert list(subscriber.topics.all()) == [topic]
    consent = ConsentRecord.objects.get(subscriber=subscriber)
    assert consent.ip_address == "198.51.100.7"
    assert consent.user_agent == "Browser/1.0"
    assert consent.wording.startswith("By signing up you agree that")
    assert consent.form_version
    assert queued == [subscriber.pk]
    assert mail.outbox == []  # the web request sends nothing itself


def test_the_confirmation_email_is_queued_only_once_the_signup_commits(
    client, django_capture_on_commit_callbacks, monkeypatch
):
    from newsletter import tasks

    sent = []
    monkeypatch.setattr(tasks.send_confirmation, "delay", sent.append)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        signup(client, "reader@example.org")
        assert sent == []

    assert len(callbacks) == 1
    assert sent == [Subscriber.objects.get().pk]


def test_the_response_is_identical_whatever_state_the_address_was_in(client, queued, confirmed):
    Subscriber.objects.create(email="pending@example.org")
    confirmed("confirmed@example.org")
    Subscriber.objects.create(email="gone@example.org", status=SubscriberStatus.UNSUBSCRIBED)

    responses = [
        signup(client, address)
        for address in ["new@example.org", "pending@example.org", "confirmed@example.org",
                        "gone@example.org"]
    ]  # fmt: skip

    assert {response.status_code for response in responses} == {200}
    assert len({without_csrf(response) for response in responses}) == 1


def test_a_signup_never_changes_a_confirmed_subscriber(client, queued, confirmed):
    kept = TopicFactory()
    subscriber = confirmed("confirmed@example.org", topics=[kept])

    signup(client, "CONFIRMED@example.org", topics=[TopicFactory().pk])

    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert list(subscriber.topics.all()) == [kept]
    assert queued == []
    assert Subscriber.objects.count() == 1


def test_an_unsubscribed_address_signing_up_again_is_pending_with_a_new_email(client, queued):
    subscriber = Subscriber.objects.create(
        email="gone@example.org", status=SubscriberStatus.UNSUBSCRIBED
    )

    signup(client, "gone@example.org")

    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING
    assert queued == [subscriber.pk]


def test_the_honeypot_answers_the_same_and_stores_nothing(client, queued):
    normal = signup(client, "person@example.org")
    bot = signup(client, "bot@example.org", website="http://spam.example")

    assert bot.status_code == normal.status_code == 200
    assert without_csrf(bot) == without_csrf(normal)
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["person@example.org"]


@pytest.mark.parametrize(
    "typed",
    [
        "not-an-address",
        "reader@example.org\r\nBcc: victim@example.org",
        "reader@example.org\nSubject: hi",
        "Reader <reader@example.org>",
        "reader@exa mple.org",
        "reader@example.org\x00",
        "a" * 250 + "@example.org",
        "",
    ],
)
def test_an_invalid_address_is_a_form_error_that_keeps_what_was_typed(client, queued, typed):
    response = signup(client, typed)
    html = response.content.decode()

    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert '<ul class="errorlist' in html
    assert Subscriber.objects.count() == 0
    assert queued == []
    if typed.strip() and "\x00" not in typed:
        form = response.context["form"]
        assert form["email"].value() == typed


def test_a_bad_form_keeps_the_chosen_topics(client, queued):
    topic = TopicFactory()

    response = signup(client, "nope", topics=[topic.pk])

    assert response.context["form"]["topics"].value() == [str(topic.pk)]
    assert f'value="{topic.pk}" id="id_topics_0" checked' in response.content.decode()


def test_over_the_signup_rate_limit_a_client_gets_429(client, queued, settings):
    settings.RATELIMIT_ENABLED = True
    settings.SIGNUP_RATE_LIMIT = "3/h"

    statuses = [signup(client, f"r{n}@example.org").status_code for n in range(4)]
    other = Client(REMOTE_ADDR="203.0.113.9")

    assert statuses == [200, 200, 200, 429]
    last = signup(client, "r9@example.org")
    assert "Please try again later" in last.content.decode()
    assert last["Retry-After"]
    assert signup(other, "other@example.org").status_code == 200
    assert client.get("/newsletter/").status_code == 200  # reading the page is not limited


def test_the_per_address_cap_limits_confirmation_emails(client, queued, settings):
    settings.NEWSLETTER_CONFIRMATIONS_PER_DAY = 3

    for case in ["a@example.org", "A@example.org", "a@EXAMPLE.org", "a@example.org"]:
        assert signup(client, case).status_code == 200

    subscriber = Subscriber.objects.get()
    assert queued == [subscriber.pk] * 3
    assert len(subscriber.confirmations_sent) == 3
    assert subscriber.consents.count() == 3


def test_a_second_signup_within_the_interval_sends_no_second_email(client, queued, settings):
    settings.NEWSLETTER_CONFIRMATION_INTERVAL = 60

    signup(client, "a@example.org")
    signup(client, "a@example.org")

    assert len(queued) == 1


def test_the_confirmation_link_asks_before_it_confirms(client):
    subscriber = Subscriber.objects.create(email="r@example.org")

    page = client.get(confirm_path(subscriber))

    assert "Confirm my subscription" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING


def test_confirming_makes_the_subscriber_confirmed_and_twice_is_harmless(client):
    subscriber = Subscriber.objects.create(email="r@example.org")
    path = confirm_path(subscriber)

    first = client.post(path)
    second = client.post(path)

    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED
    assert subscriber.confirmed_at is not None
    assert first.status_code == second.status_code == 200
    assert "You are subscribed" in second.content.decode()


def test_a_used_link_does_not_subscribe_again_after_unsubscribing(client):
    subscriber = Subscriber.objects.create(email="r@example.org")
    path = confirm_path(subscriber)
    client.post(path)
    services.subscriber_unsubscribe(subscriber=subscriber)

    response = client.post(path)

    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert "already been used" in response.content.decode()
    assert "Send me a new link" in response.content.decode()


def test_an_expired_link_confirms_nobody_and_offers_a_new_one(client, settings, monkeypatch):
    subscriber = Subscriber.objects.create(email="r@example.org")
    settings.NEWSLETTER_CONFIRM_MAX_AGE = 7 * 86400
    # Signed eight days ago: the signer's clock is moved back, the check runs at today's time.
    eight_days_ago = signing.time.time() - 8 * 86400
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_ago)
    path = confirm_path(subscriber)
    monkeypatch.undo()

    page = client.get(path)
    response = client.post(path)

    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.PENDING
    html = response.content.decode()
    assert "That confirmation link has expired" in html
    assert "Send me a new link" in html
    assert 'value="r@example.org"' in html
    assert "That confirmation link has expired" in page.content.decode()


def test_a_link_just_inside_its_lifetime_still_works(client, settings, monkeypatch):
    subscriber = Subscriber.objects.create(email="r@example.org")
    six_days_ago = signing.time.time() - 6 * 86400
    monkeypatch.setattr(signing.time, "time", lambda: six_days_ago)
    path = confirm_path(subscriber)
    monkeypatch.undo()

    client.post(path)

    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


@pytest.mark.parametrize("tamper", ["flip", "other-subscriber", "garbage"])
def test_a_tampered_link_confirms_nobody(client, tamper):
    subscriber = Subscriber.objects.create(email="r@example.org")
    other = Subscriber.objects.create(email="other@example.org")
    token = confirm_path(subscriber).split("/")[3]
    if tamper == "flip":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif tamper == "other-subscriber":
        _payload, rest = token.split(":", 1)
        forged = signing.dumps({"s": other.pk, "n": other.confirm_nonce}, salt="another.salt")
        token = forged.split(":", 1)[0] + ":" + rest
    else:
        token = "not-a-token"

    response = client.post(f"/newsletter/confirm/{token}/")

    assert response.status_code == 200
    assert "That confirmation link is not valid" in response.content.decode()
    assert not Subscriber.objects.filter(status=SubscriberStatus.CONFIRMED).exists()


def test_unsubscribe_get_shows_a_button_and_changes_nothing(client, confirmed):
    subscriber = confirmed("r@example.org")

    html = client.get(f"/newsletter/unsubscribe/{subscriber.token}/").content.decode()

    assert "<button" in html
    assert f"/newsletter/preferences/{subscriber.token}/" in html
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.CONFIRMED


def test_one_click_unsubscribe_works_without_session_or_csrf_and_is_idempotent(confirmed):
    subscriber = confirmed("r@example.org")
    client = Client(enforce_csrf_checks=True)
    url = f"/newsletter/unsubscribe/{subscriber.token}/"

    responses = [
        client.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        for _ in range(2)
    ]

    assert [response.status_code for response in responses] == [200, 200]
    subscriber.refresh_from_db()
    assert subscriber.status == SubscriberStatus.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None


def test_an_unknown_unsubscribe_token_is_not_found(client):
    assert client.post("/newsletter/unsubscribe/not-a-token/").status_code == 404


def test_the_signup_form_still_requires_a_csrf_token():
    response = Client(enforce_csrf_checks=True).post("/newsletter/", {"email": "r@example.org"})

    assert response.status_code == 403


def test_preferences_change_topics(client, confirmed):
    subscriber = confirmed("r@example.org")
    topic = TopicFactory()
    url = f"/newsletter/preferences/{subscriber.token}/"

    assert "r@example.org" in client.get(url).content.decode()
    response = client.post(url, {"topics": [topic.pk]})

    assert "Your topics are saved." in response.content.decode()
    assert list(subscriber.topics.all()) == [topic]
    client.post(url, {})
    assert list(subscriber.topics.all()) == []  # none: every topic


def test_preferences_offer_unsubscribing_from_everything(client, confirmed):
    subscriber = confirmed("r@example.org")

    html = client.get(f"/newsletter/preferences/{subscriber.token}/").content.decode()

    assert f'action="/newsletter/unsubscribe/{subscriber.token}/"' in html
