"""The change pipeline: what follows a catalogue write reaches the other apps through signals,
in the writer's transaction (the index) or after it commits (the announcement)."""

import pytest
from django.db import transaction

from publications import changes, services, signals
from publications.models import Publication, Status
from search.models import SearchDocument
from tests.factories import PublicationFactory

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def test_an_index_write_rolls_back_with_the_catalogue_write():
    publication = PublicationFactory.build(status=Status.PUBLISHED)
    indexed = []

    def save_then_fail():
        with transaction.atomic():
            services.publication_save(publication=publication)
            indexed.append(SearchDocument.objects.filter(publication=publication).exists())
            raise Rollback

    with pytest.raises(Rollback):
        save_then_fail()

    assert indexed == [True]

    assert not Publication.objects.exists()
    assert not SearchDocument.objects.exists()


def test_the_announcement_waits_for_commit_and_a_bulk_announces_once(
    django_capture_on_commit_callbacks,
):
    heard = []

    def receiver(sender, **kwargs):
        heard.append(sender)

    signals.publications_released.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.publication_save(publication=PublicationFactory.build())
            assert heard == []
        assert len(heard) == 1

        with django_capture_on_commit_callbacks(execute=True), changes.bulk(announce=True):
            for _ in range(3):
                with changes.step():
                    services.publication_save(publication=PublicationFactory.build())
        assert len(heard) == 2
    finally:
        signals.publications_released.disconnect(receiver)


def test_a_step_indexes_its_publication_once_with_its_links_in_place(monkeypatch):
    delivered = []
    original = signals.publications_changed.send

    def send(sender, **kwargs):
        delivered.append(kwargs["ids"])
        return original(sender, **kwargs)

    monkeypatch.setattr(signals.publications_changed, "send", send)
    with changes.step():
        publication = services.publication_save(publication=PublicationFactory.build())
        services.publication_save(publication=publication)
        assert delivered == []

    assert delivered == [[publication.pk]]
    assert SearchDocument.objects.filter(publication=publication).exists()
