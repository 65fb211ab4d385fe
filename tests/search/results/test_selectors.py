import datetime

import pytest
from django.utils import timezone

from publications.models import Status
from search.query import parse
from search.results.selectors import listed_publications, matching_authors, matching_topics
from tests.factories import AuthorFactory, PublicationFactory, TopicFactory

pytestmark = pytest.mark.django_db


def names(entries) -> list[str]:
    return [entry.name for entry in entries]


def public(**fields):
    return PublicationFactory(status=Status.PUBLISHED, **fields)


def test_authors_match_ignoring_accents_and_case_on_both_sides():
    zoe = AuthorFactory(name="Zoë Müller")
    public(authors=[zoe])

    assert names(matching_authors(parse("MULLER"))) == ["Zoë Müller"]
    assert names(matching_authors(parse("zoe"))) == ["Zoë Müller"]
    assert names(matching_authors(parse("müller"))) == ["Zoë Müller"]


def test_a_query_word_matches_the_start_of_a_name_word_only():
    public(authors=[AuthorFactory(name="Ana Ruiz")], topics=[TopicFactory(name="Security")])

    assert names(matching_authors(parse("rui"))) == ["Ana Ruiz"]
    assert names(matching_authors(parse("uiz"))) == []
    assert names(matching_topics(parse("secur"))) == ["Security"]
    assert names(matching_topics(parse("curity"))) == []


def test_only_authors_and_topics_of_public_publications_are_named():
    shown, hidden = AuthorFactory(name="Energy Writer"), AuthorFactory(name="Energy Ghost")
    live, secret = TopicFactory(name="Energy Markets"), TopicFactory(name="Energy Secrets")
    public(authors=[shown], topics=[live])
    PublicationFactory(status=Status.DRAFT, authors=[hidden], topics=[secret])
    PublicationFactory(
        status=Status.SCHEDULED,
        publication_date=timezone.localdate() + datetime.timedelta(days=3),
        authors=[hidden],
        topics=[secret],
    )
    AuthorFactory(name="Energy Nobody")

    assert names(matching_authors(parse("energy"))) == ["Energy Writer"]
    assert names(matching_topics(parse("energy"))) == ["Energy Markets"]


def test_at_most_five_of_each_and_those_matching_most_words_first():
    authors = [AuthorFactory(name=f"Chen Number{n}") for n in range(7)]
    best = AuthorFactory(name="Wei Chen")
    public(authors=[*authors, best])

    found = names(matching_authors(parse("wei chen")))

    assert len(found) == 5
    assert found[0] == "Wei Chen"


def test_short_and_common_words_name_nobody():
    public(
        authors=[AuthorFactory(name="Theodore Andrews")],
        topics=[TopicFactory(name="The Economy")],
    )

    assert names(matching_authors(parse("the and of"))) == []
    assert names(matching_topics(parse("the"))) == []


def test_phrase_words_count_and_excluded_words_do_not():
    public(authors=[AuthorFactory(name="Ana Ruiz")], topics=[TopicFactory(name="Trade")])

    assert names(matching_authors(parse('"ana ruiz"'))) == ["Ana Ruiz"]
    assert names(matching_topics(parse("ports -trade"))) == []


# The multiplication sign and "¿" become "*" and "?" under unaccent, "⁅" a bracket, "…" dots.
@pytest.mark.parametrize(
    "query",
    ["", "!!!", "a.b*c+d?", "[(", "能源", "\\m", "$^{2}", "\u00d7ray", "¿qué", "⁅ana", "ana…"],
)
def test_odd_words_never_break_the_pattern(query):
    public(authors=[AuthorFactory(name="Ana Ruiz")])

    assert names(matching_authors(parse(query))) == []


def test_a_symbol_unaccent_turns_into_an_operator_is_matched_literally():
    public(authors=[AuthorFactory(name="Ana Ruiz"), AuthorFactory(name="Ana*Ruiz Ltd")])

    assert names(matching_authors(parse("ana\u00d7ruiz"))) == ["Ana*Ruiz Ltd"]


def test_listed_publications_bring_byline_and_topics_in_one_query(django_assert_num_queries):
    first, second = AuthorFactory(name="Zed Last"), AuthorFactory(name="Amy First")
    shown = public(authors=[first, second], topics=[TopicFactory(name="Trade"),
                                                    TopicFactory(name="Energy")])  # fmt: skip
    bare = public()
    draft = PublicationFactory(status=Status.DRAFT, authors=[first])

    with django_assert_num_queries(1):
        listed = listed_publications([shown.pk, bare.pk, draft.pk])

    assert set(listed) == {shown.pk, bare.pk}
    entry = listed[shown.pk]
    assert entry.publication.title == shown.title
    # The byline in its order (not by name), topics by name; each links like the saved rows.
    assert [(a.name, a.get_absolute_url()) for a in entry.authors] == [
        ("Zed Last", first.get_absolute_url()),
        ("Amy First", second.get_absolute_url()),
    ]
    assert names(entry.topics) == ["Energy", "Trade"]
    assert listed[bare.pk].authors == []
    assert listed[bare.pk].topics == []
