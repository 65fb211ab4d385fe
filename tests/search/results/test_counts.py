"""Counts: exact under the limit and an estimate flagged as such past it; from the blocks' whole
lists, with their facets, equal to those of the matches."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from publications.models import (
    Publication,
    PublicationPage,
    PublicationType,
    Status,
    start_of_day,
    visible_from_for,
)
from search.filters import Condition, Filters, document_condition
from search.index import statistics
from search.index.writes import index_publications
from search.ranking import lists as block_lists
from search.ranking import words
from search.results import counts
from search.results.facets import count_facets
from search.tuning import site_tuning
from tests.factories import PublicationFactory
from tests.search.corpus import exact_top, retitled
from tests.search.indexed import (
    answers_recorded,
    run,
)

pytestmark = pytest.mark.django_db

FILLER = "Notes on budgets, staffing and the annual plan of the institute."


# Counts on a corpus of their own, exact up to the limit and estimated beyond (the limits shrunk
# to the corpus). First in the module: the large corpus, once built, stays until the module ends.


@pytest.fixture
def harbours(tuned):
    """150 publications: 'harbour' in 120 of them, 'crane' in 15; ten are issue briefs."""
    tuned(exact_count_limit=20, countable_postings=100)  # five times the limit, as 50k/10k
    publications = [
        PublicationFactory(
            title=" ".join(
                ["Harbour" if n < 120 else "Airport", "crane" if n % 10 == 0 else "study"]
            ),
            slug=f"harbours-{n}",
            abstract=FILLER,
            type=PublicationType.ISSUE_BRIEF if n % 15 == 0 else PublicationType.REPORT,
        )
        for n in range(150)
    ]
    index_publications([publication.pk for publication in publications])
    statistics.recount(exact=True)


def test_a_count_under_the_limit_is_exact(harbours):
    outcome = run("crane")

    assert (outcome.count, outcome.count_is_estimate) == (15, False)


def test_a_count_past_the_limit_is_an_estimate_flagged_as_such(harbours):
    outcome = run("harbour")

    assert outcome.count_is_estimate
    assert outcome.count > site_tuning().exact_count_limit
    assert 60 <= outcome.count <= 240  # 120 really
    assert len(outcome.results) == 20


def test_a_filtered_count_under_the_limit_is_exact_even_for_a_common_word(harbours):
    outcome = run("harbour", filters=Filters(types=(PublicationType.ISSUE_BRIEF,)))

    assert (outcome.count, outcome.count_is_estimate) == (8, False)


# Counts from the blocks on the large corpus.


def _matches(query: str, filters: Filters) -> list[int]:
    """Every document the query matches under the filters, by full BM25F with no limit."""
    return [doc for doc, _ in exact_top(query, filters, 10**6)]


@pytest.mark.parametrize("filtered", ["none", "broad topic", "narrow topic", "years"])
def test_a_count_and_its_facets_from_the_blocks_equal_those_of_the_matches(
    compacted, monkeypatch, filtered
):
    counted_from_blocks = answers_recorded(monkeypatch, block_lists, "holding_any")
    filters = {
        "none": Filters(),
        "broad topic": Filters(topic_ids=(compacted["broad"].pk,)),
        "narrow topic": Filters(topic_ids=(compacted["narrow"].pk,)),
        "years": Filters(published_after=datetime.date(2016, 1, 1)),
    }[filtered]
    word = compacted["queries"][3]
    # Changed since the blocks were built, both inside the filter: one gains the word, one
    # loses it.
    holders = set(_matches(word, Filters()))
    listed = [result.publication for result in run("", page_size=50, filters=filters).results]
    gaining = next(publication for publication in listed if publication.pk not in holders)
    losing = run(word, page_size=1, filters=filters).results[0].publication
    Publication.objects.filter(pk=losing.pk).update(abstract="")
    PublicationPage.objects.filter(publication=losing).delete()
    retitled([gaining], f"{word} gained")
    retitled([losing], "Lost it")
    # Scheduled: indexed, not shown until its date.
    hidden = run(word, page_size=2, filters=filters).results[1].publication
    later = datetime.date.today() + datetime.timedelta(days=30)
    Publication.objects.filter(pk=hidden.pk).update(
        publication_date=later, visible_from=visible_from_for(Status.SCHEDULED, start_of_day(later))
    )
    index_publications([hidden.pk])
    assert hidden.pk not in _matches(word, filters)
    assert losing.pk not in _matches(word, Filters())

    for query in [word, *(q for q in compacted["queries"][::3] if '"' not in q and "-" not in q)]:
        outcome = run(query, page_size=10, filters=filters)
        matches = _matches(query, filters)

        assert outcome.count == len(matches), query
        assert not outcome.count_is_estimate, query
        if len(matches) <= site_tuning().facet_exact_limit:
            expected = count_facets(
                Condition(["d.publication_id = ANY(%(ids)s)"], {"ids": matches}),
                limit=len(matches) or 1,
                estimated=False,
            )
            assert outcome.facets.as_dict() == expected.as_dict(), query
    assert counted_from_blocks
    assert all(counted_from_blocks)


@pytest.mark.parametrize("exact_limit", [10_000, 3])
def test_a_listed_filter_is_not_counted_again_for_words_too_common_to_count(
    tuned, compacted, monkeypatch, exact_limit
):
    # Too common for the blocks' count: counted in SQL over the filter (few enough documents)
    # or estimated from the filter's size, which the listing already knows.
    tuned(countable_postings=0, narrow_filter=0, exact_count_limit=exact_limit)
    filters = Filters(topic_ids=(compacted["broad"].pk,))
    listed = len(_matches_filter(filters))
    counted = answers_recorded(monkeypatch, counts, "capped_count")
    counted += answers_recorded(monkeypatch, words, "capped_count")
    word = compacted["queries"][3]

    outcome = run(word, page_size=10, filters=filters)

    assert counted == []
    matches = _matches(word, filters)
    if exact_limit >= len(matches):
        assert (outcome.count, outcome.count_is_estimate) == (len(matches), False)
    else:
        assert outcome.count_is_estimate
        assert 0 < outcome.count <= listed


def _matches_filter(filters: Filters) -> list[int]:
    condition = document_condition(filters)
    with connection.cursor() as cursor:
        listing = "SELECT d.publication_id FROM search_searchdocument d WHERE {where}"
        cursor.execute(listing.format(where=condition.where()), condition.params)
        return [row[0] for row in cursor.fetchall()]
