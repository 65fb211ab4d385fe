"""Phrases without the blocks: the exact top 10 whichever way word order is checked, and by date."""

from __future__ import annotations

import pytest

from publications.models import Publication
from search.filters import Filters
from tests.search.corpus import LARGE, assert_same_top, exact_top
from tests.search.indexed import run

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("check_all", [True, False], ids=["every candidate", "in rank order"])
def test_a_phrase_finds_the_exact_top_10_whichever_way_its_word_order_is_checked(
    tuned, large_corpus, check_all
):
    # Word order is checked on every candidate when the rarest word is rare enough, otherwise
    # on candidates in rank order until a page is full: both must give the exact top 10.
    tuned(phrase_intersection_check_all=LARGE if check_all else 0)
    phrases = [query for query in large_corpus["queries"] if '"' in query]

    for query in phrases:
        outcome = run(query, page_size=10)

        found = [(r.publication.pk, r.score) for r in outcome.results]
        assert_same_top(found, exact_top(query, Filters(), 10), query)
        assert outcome.exact_ranking, query
        every = exact_top(query, Filters(), LARGE)
        if check_all:
            assert (outcome.count, outcome.count_is_estimate) == (len(every), False), query
        else:
            assert outcome.count >= len(found), query


@pytest.mark.parametrize("check_all", [True, False], ids=["every candidate", "in rank order"])
def test_a_phrase_sorted_by_date_lists_the_newest_that_hold_it(tuned, large_corpus, check_all):
    tuned(phrase_intersection_check_all=LARGE if check_all else 0)
    query = next(query for query in large_corpus["queries"] if '"' in query)
    holding = {doc for doc, _ in exact_top(query, Filters(), LARGE)}
    newest = sorted(
        Publication.objects.filter(pk__in=holding).values_list("publication_date", "pk"),
        reverse=True,
    )

    outcome = run(query, page_size=5, sort="newest")

    assert [r.publication.pk for r in outcome.results] == [pk for _, pk in newest[:5]]
