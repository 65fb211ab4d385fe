import datetime

import pytest
from django.utils import timezone

from publications import services
from publications.models import Publication, PublicationAuthor, SlugRedirect, Status
from publications.workflow import services as workflow_services
from tests.factories import AuthorFactory, PublicationFactory, TopicFactory
from tests.workflow import publish as workflow_publish
from tests.workflow import withdraw as workflow_withdraw

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def test_slug_change_keeps_the_old_slug_as_a_redirect():
    publication = PublicationFactory(slug="old-name")
    publication.slug = "new-name"
    publication.save()

    services.publication_record_slug_change(publication=publication, old_slug="old-name")

    assert SlugRedirect.objects.get(old_slug="old-name").publication == publication


def test_slug_taken_back_drops_its_redirect():
    publication = PublicationFactory(slug="second")
    SlugRedirect.objects.create(old_slug="first", publication=publication)
    publication.slug = "first"
    publication.save()

    services.publication_record_slug_change(publication=publication, old_slug="second")

    assert list(SlugRedirect.objects.values_list("old_slug", flat=True)) == ["second"]


def test_slug_unchanged_records_nothing():
    publication = PublicationFactory(slug="same")

    services.publication_record_slug_change(publication=publication, old_slug="same")

    assert not SlugRedirect.objects.exists()


def test_set_authors_keeps_the_given_order():
    zed, abe, may = AuthorFactory(name="Zed"), AuthorFactory(name="Abe"), AuthorFactory(name="May")
    publication = PublicationFactory(authors=[abe, may])

    services.publication_set_authors(publication=publication, authors=[zed, abe, may])

    assert Publication.objects.get(pk=publication.pk).ordered_authors == [zed, abe, may]


def test_set_authors_in_the_same_order_leaves_the_rows_alone():
    abe, may = AuthorFactory(), AuthorFactory()
    publication = PublicationFactory(authors=[abe, may])
    ids = list(publication.authorships.values_list("id", flat=True))

    services.publication_set_authors(publication=publication, authors=[abe, may])

    assert list(publication.authorships.values_list("id", flat=True)) == ids


def test_set_topics_replaces_them():
    old, new = TopicFactory(), TopicFactory()
    publication = PublicationFactory(topics=[old])

    services.publication_set_topics(publication=publication, topics=[new])

    assert list(publication.topics.all()) == [new]


def test_renumber_authors_closes_gaps_and_breaks_ties_by_row_order():
    first, second, third = AuthorFactory(), AuthorFactory(), AuthorFactory()
    publication = PublicationFactory()
    for author, position in [(third, 7), (first, 2), (second, 2)]:
        PublicationAuthor.objects.create(publication=publication, author=author, position=position)

    services.publication_renumber_authors(publication=publication)

    links = publication.authorships.order_by("position")
    assert [(link.author, link.position) for link in links] == [
        (first, 0),
        (second, 1),
        (third, 2),
    ]


def test_save_turns_a_future_published_item_into_a_scheduled_one():
    publication = PublicationFactory.build(
        slug="later", status=Status.PUBLISHED, publication_date=TODAY() + DAY
    )

    services.publication_save(publication=publication)

    publication.refresh_from_db()
    assert publication.status == Status.SCHEDULED
    assert publication.first_published_at is None


def test_save_publishes_a_scheduled_item_whose_date_has_come():
    publication = PublicationFactory.build(status=Status.SCHEDULED, publication_date=TODAY())

    services.publication_save(publication=publication)

    assert publication.status == Status.PUBLISHED
    assert publication.first_published_at is not None
    assert publication.publish_batch is not None


def test_save_keeps_a_draft_a_draft_and_unstamped():
    publication = PublicationFactory.build(status=Status.DRAFT, publication_date=TODAY() - DAY)

    services.publication_save(publication=publication)

    assert publication.status == Status.DRAFT
    assert publication.first_published_at is None


def test_save_never_restamps_the_first_publication():
    publication = PublicationFactory.build(status=Status.PUBLISHED)
    services.publication_save(publication=publication)
    first = (publication.first_published_at, publication.publish_batch)

    publication.status = Status.DRAFT
    services.publication_save(publication=publication)
    publication.status = Status.PUBLISHED
    services.publication_save(publication=publication)

    publication.refresh_from_db()
    assert (publication.first_published_at, publication.publish_batch) == first


def test_save_refreshes_the_total_index_on_commit(django_capture_on_commit_callbacks):
    assert services.total_index_count() == 0
    publication = PublicationFactory.build(status=Status.PUBLISHED)

    with django_capture_on_commit_callbacks(execute=True):
        services.publication_save(publication=publication)

    assert services.total_index_count() == 1


def test_publish_publishes_now_and_a_date_ahead_becomes_today():
    past = PublicationFactory(status=Status.DRAFT, publication_date=TODAY() - DAY)
    future = PublicationFactory(status=Status.DRAFT, publication_date=TODAY() + DAY)
    already = PublicationFactory(status=Status.PUBLISHED)

    changed = workflow_publish(Publication.objects.all())

    past.refresh_from_db()
    future.refresh_from_db()
    already.refresh_from_db()
    assert changed == 2
    assert (past.status, future.status) == (Status.PUBLISHED, Status.PUBLISHED)
    assert (past.publication_date, future.publication_date) == (TODAY() - DAY, TODAY())
    assert past.first_published_at is not None
    assert future.is_public
    assert already.first_published_at is None


def test_publish_gives_one_action_one_batch():
    first, second = PublicationFactory(status=Status.DRAFT), PublicationFactory(status=Status.DRAFT)

    workflow_publish(Publication.objects.all())

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.publish_batch is not None
    assert first.publish_batch == second.publish_batch


def test_publish_leaves_scheduled_future_items_alone():
    PublicationFactory(status=Status.SCHEDULED, publication_date=TODAY() + DAY)

    assert workflow_publish(Publication.objects.all()) == 0


def test_publish_accepts_a_distinct_queryset_with_joins():
    author = AuthorFactory(name="Grace Hopper")
    PublicationFactory(status=Status.DRAFT, authors=[author])
    PublicationFactory(status=Status.DRAFT, authors=[author, AuthorFactory(name="Grace Kelly")])
    queryset = (
        Publication.objects.filter(authors__name__icontains="grace")
        .select_related("series")
        .distinct()
    )

    assert workflow_publish(queryset) == 2


def test_unpublish_returns_items_to_draft_and_keeps_their_first_publication():
    publication = PublicationFactory(status=Status.DRAFT)
    workflow_publish(Publication.objects.all())
    publication.refresh_from_db()
    stamp = publication.first_published_at
    PublicationFactory(status=Status.DRAFT)

    changed = workflow_withdraw(Publication.objects.all())
    workflow_publish(Publication.objects.filter(pk=publication.pk))

    publication.refresh_from_db()
    assert changed == 1
    assert publication.first_published_at == stamp


def test_publish_due_flips_only_scheduled_items_whose_date_has_come():
    due = PublicationFactory(status=Status.SCHEDULED, publication_date=TODAY())
    later = PublicationFactory(status=Status.SCHEDULED, publication_date=TODAY() + DAY)
    draft = PublicationFactory(status=Status.DRAFT, publication_date=TODAY())

    assert workflow_services.publications_release_due() == 1

    statuses = dict(Publication.objects.values_list("pk", "status"))
    assert statuses == {
        due.pk: Status.PUBLISHED,
        later.pk: Status.SCHEDULED,
        draft.pk: Status.DRAFT,
    }


def test_total_index_count_is_cached_until_invalidated():
    PublicationFactory(status=Status.PUBLISHED)
    PublicationFactory(status=Status.DRAFT)
    assert services.total_index_count() == 1

    PublicationFactory(status=Status.PUBLISHED)
    assert services.total_index_count() == 1  # still the cached figure

    services.total_index_invalidate()
    assert services.total_index_count() == 2


def test_total_index_count_queries_once_while_cached(django_assert_num_queries):
    PublicationFactory(status=Status.PUBLISHED)
    services.total_index_count()

    with django_assert_num_queries(0):
        assert services.total_index_count() == 1


def test_publish_and_unpublish_invalidate_the_count_on_commit(django_capture_on_commit_callbacks):
    publication = PublicationFactory(status=Status.DRAFT)
    assert services.total_index_count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        workflow_publish(Publication.objects.all())
    assert services.total_index_count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        workflow_withdraw(Publication.objects.filter(pk=publication.pk))
    assert services.total_index_count() == 0
