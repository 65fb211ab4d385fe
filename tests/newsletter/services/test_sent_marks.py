import pytest
from django.db import DatabaseError, connection

from newsletter.models import Delivery, DeliveryStatus
from newsletter.services import campaigns, sent_marks
from tests.factories import PublicationFactory
from tests.servers import wait_until


def claimed_deliveries(confirmed, count: int) -> list[Delivery]:
    for n in range(count):
        confirmed(f"r{n}@example.org")
    campaign = campaigns.campaign_compose(
        subject="Digest", intro="", publications=[PublicationFactory()]
    )
    campaigns.campaign_queue(campaign=campaign)
    deliveries = Delivery.objects.filter(campaign=campaign).order_by("pk")
    deliveries.update(status=DeliveryStatus.SENDING, attempts=1)
    return list(deliveries)


@pytest.mark.django_db
def test_a_query_after_a_mark_waits_for_it_and_sees_it(confirmed):
    first, second = claimed_deliveries(confirmed, 2)

    with sent_marks.sent_marks() as marks:
        marks.mark(first.pk)
        # The connection still has the mark's reply to read: the ORM must not trip over it.
        after_one = Delivery.objects.get(pk=first.pk)
        marks.mark(second.pk)

    assert after_one.status == DeliveryStatus.SENT
    assert after_one.sent_at is not None
    assert after_one.lease_until is None
    assert Delivery.objects.get(pk=second.pk).status == DeliveryStatus.SENT


@pytest.mark.django_db
def test_a_mark_only_takes_a_delivery_still_being_sent(confirmed):
    (delivery,) = claimed_deliveries(confirmed, 1)
    Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.FAILED)

    with sent_marks.sent_marks() as marks:
        marks.mark(delivery.pk)

    assert Delivery.objects.get(pk=delivery.pk).status == DeliveryStatus.FAILED


@pytest.mark.django_db
def test_a_mark_the_database_refuses_is_raised(confirmed, monkeypatch):
    (delivery,) = claimed_deliveries(confirmed, 1)
    # attempts is a positive integer column: its check constraint refuses this.
    monkeypatch.setattr(
        sent_marks,
        "MARK_SENT",
        b"UPDATE newsletter_delivery SET status = $1, sent_at = $2, attempts = -1 WHERE id = $3",
    )

    marks = sent_marks.SentMarks()
    marks.mark(delivery.pk)

    with pytest.raises(DatabaseError, match="marking a delivery sent failed"):
        marks.collect()
    assert not marks.pending


@pytest.mark.django_db(transaction=True)
def test_a_mark_reaches_the_database_before_its_reply_is_read(confirmed):
    # What a worker killed right after a mark relies on: the statement has left, committed on
    # its own, even though nobody has read the answer.
    (delivery,) = claimed_deliveries(confirmed, 1)
    observer = connection.get_new_connection(connection.get_connection_params())
    observer.autocommit = True
    status = "SELECT status FROM newsletter_delivery WHERE id = %s"
    try:
        with sent_marks.sent_marks() as marks:
            marks.mark(delivery.pk)
            assert marks.pending

            wait_until(
                lambda: observer.execute(status, [delivery.pk]).fetchone()[0] == "sent",
                timeout=30,
                message="the mark never reached the database",
            )
            assert marks.pending  # still unread: the reply was not what made it happen
    finally:
        observer.close()
