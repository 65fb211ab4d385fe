import datetime

import pytest
from django.db.models import prefetch_related_objects

from publications.models import Status, listing_prefetches
from publications.selectors import related_publications, suggest_authors, topic_and_descendant_ids
from tests.factories import AuthorFactory, PublicationFactory, TopicFactory
from tests.publications.pages import make_catalogue

pytestmark = pytest.mark.django_db


def test_related_publications_are_ranked_by_shared_topics_and_authors():
    trade, energy, korea = TopicFactory(), TopicFactory(), TopicFactory()
    ana = AuthorFactory()
    subject = PublicationFactory(topics=[trade, energy, korea], authors=[ana])
    PublicationFactory(
        title="One topic", topics=[korea], publication_date=datetime.date(2024, 9, 1)
    )
    PublicationFactory(title="Two topics and author", topics=[trade, energy], authors=[ana])
    PublicationFactory(
        title="Author only", authors=[ana], publication_date=datetime.date(2020, 1, 1)
    )
    PublicationFactory(title="Two topics", topics=[trade, energy])
    PublicationFactory(title="Nothing shared", topics=[TopicFactory()])

    titles = [p.title for p in related_publications(subject, limit=10)]

    assert titles == ["Two topics and author", "Two topics", "One topic", "Author only"]


def test_related_publications_leave_out_hidden_ones_and_itself():
    catalogue = make_catalogue()

    assert related_publications(catalogue.public) == []


def test_related_publications_respect_the_limit_newest_first_on_ties():
    topic = TopicFactory()
    subject = PublicationFactory(topics=[topic])
    for year in (2019, 2021, 2023, 2020, 2022):
        PublicationFactory(
            title=str(year), topics=[topic], publication_date=datetime.date(year, 1, 1)
        )

    assert [p.title for p in related_publications(subject, limit=3)] == ["2023", "2022", "2021"]


def test_related_publications_cost_a_fixed_number_of_queries(django_assert_max_num_queries):
    topics, authors = TopicFactory.create_batch(3), AuthorFactory.create_batch(3)
    subject = PublicationFactory(topics=topics, authors=authors)
    for _ in range(12):
        PublicationFactory(topics=topics, authors=authors)
    prefetch_related_objects([subject], *listing_prefetches())  # as the page does first

    with django_assert_max_num_queries(3):
        related = related_publications(subject)
        bylines = [p.ordered_authors for p in related]

    assert len(related) == 4
    assert all(len(byline) == 3 for byline in bylines)


def test_publication_with_no_topics_or_authors_has_no_related_ones():
    PublicationFactory(topics=[TopicFactory()])

    assert related_publications(PublicationFactory()) == []


def test_author_suggestions_match_any_part_of_the_name_starts_first():
    for name in ("Maria Chen", "Chen Wei", "Ann Other"):
        PublicationFactory(authors=[AuthorFactory(name=name)])

    assert suggest_authors("chen") == [
        {"name": "Chen Wei", "slug": "chen-wei"},
        {"name": "Maria Chen", "slug": "maria-chen"},
    ]


def test_author_suggestions_need_two_letters_and_stop_at_ten():
    for i in range(12):
        PublicationFactory(authors=[AuthorFactory(name=f"Writer {i:02}")])

    assert suggest_authors("w") == []
    assert len(suggest_authors("writer")) == 10


def test_author_suggestions_leave_out_authors_of_only_hidden_work():
    make_catalogue()
    draft_author = AuthorFactory(name="Jane Draft")
    PublicationFactory(authors=[draft_author], status=Status.DRAFT)

    assert [a["name"] for a in suggest_authors("ja")] == ["Jane Public"]
    assert suggest_authors("hidden") == []


def test_suggest_endpoint_answers_json(client):
    PublicationFactory(authors=[AuthorFactory(name="Jane Public")])

    response = client.get("/authors/suggest/?q=jan")

    assert response["Content-Type"] == "application/json"
    assert response.json() == [{"name": "Jane Public", "slug": "jane-public"}]


def test_topic_descendants_include_every_level_and_survive_a_parent_loop():
    root = TopicFactory()
    child = TopicFactory(parent=root)
    grandchild = TopicFactory(parent=child)
    TopicFactory()  # unrelated
    root.parent = grandchild  # a loop typed in the admin
    root.save()

    assert sorted(topic_and_descendant_ids(root)) == sorted([root.pk, child.pk, grandchild.pk])
