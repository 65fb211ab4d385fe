import pytest

from newsletter.models import Subscriber, address_hash, normalise_email

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Reader@Example.ORG ", "Reader@example.org"),
        ("MiXeD.Case@Sub.Domain.COM", "MiXeD.Case@sub.domain.com"),
        ("plain@example.org", "plain@example.org"),
    ],
)
def test_addresses_are_trimmed_with_the_domain_lower_cased(typed, stored):
    assert normalise_email(typed) == stored


def test_the_suppression_hash_ignores_case_and_spaces():
    assert address_hash(" Reader@Example.org") == address_hash("reader@example.ORG")
    assert len(address_hash("reader@example.org")) == 64


def test_each_subscriber_gets_an_unguessable_token_of_their_own():
    first = Subscriber.objects.create(email="a@example.org")
    second = Subscriber.objects.create(email="b@example.org")

    assert first.token != second.token
    assert len(first.token) >= 40


def test_by_email_finds_the_row_whatever_the_case():
    subscriber = Subscriber.objects.create(email="Reader@example.org")

    assert Subscriber.objects.by_email("READER@EXAMPLE.ORG").get() == subscriber
