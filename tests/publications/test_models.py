import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from publications.models import Publication, Status
from tests.factories import AuthorFactory, PublicationFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_published_excludes_drafts_and_future_scheduled_items():
    today = timezone.localdate()
    visible = PublicationFactory(status=Status.PUBLISHED, publication_date=today)
    due = PublicationFactory(status=Status.SCHEDULED, publication_date=today)
    PublicationFactory(status=Status.DRAFT, publication_date=today)
    PublicationFactory(status=Status.SCHEDULED, publication_date=today + datetime.timedelta(days=1))

    assert set(Publication.objects.published()) == {visible, due}


def test_due_lists_only_scheduled_items_whose_date_has_come():
    today = timezone.localdate()
    due = PublicationFactory(status=Status.SCHEDULED, publication_date=today)
    PublicationFactory(status=Status.SCHEDULED, publication_date=today + datetime.timedelta(days=3))
    PublicationFactory(status=Status.PUBLISHED, publication_date=today)

    assert list(Publication.objects.due()) == [due]


def test_ordered_authors_follow_position_not_name():
    zed, abe = AuthorFactory(name="Zed Zulu"), AuthorFactory(name="Abe Alpha")
    publication = PublicationFactory(authors=[zed, abe])

    assert publication.ordered_authors == [zed, abe]


def test_author_names_are_unique_ignoring_case():
    AuthorFactory(name="Jane Doe", slug="jane-doe")
    with pytest.raises(IntegrityError):
        AuthorFactory(name="JANE DOE", slug="jane-doe-2")


def test_topic_names_are_unique_ignoring_case():
    TopicFactory(name="Trade", slug="trade")
    with pytest.raises(IntegrityError):
        TopicFactory(name="trade", slug="trade-2")


def test_for_listing_loads_authors_and_topics_in_fixed_queries(django_assert_num_queries):
    topics = [TopicFactory(), TopicFactory()]
    for _ in range(5):
        PublicationFactory(authors=[AuthorFactory(), AuthorFactory()], topics=topics)

    with django_assert_num_queries(3):
        rows = list(Publication.objects.for_listing())
        names = [
            [a.name for a in p.ordered_authors] + [t.name for t in p.topics.all()] for p in rows
        ]

    assert all(len(row) == 4 for row in names)
