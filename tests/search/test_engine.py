"""The engine end to end: the ranking rules of the search issue, each on a corpus made to show
it, then the top 10 against full BM25F on a corpus large enough that pruning matters."""

from __future__ import annotations

import datetime

import pytest

from search.filters import Filters
from tests.factories import AuthorFactory
from tests.search.corpus import assert_same_top, exact_top
from tests.search.indexed import (
    indexed,
    reindex_everything,
    run,
    titles,
)

pytestmark = pytest.mark.django_db


FILLER = "Notes on budgets, staffing and the annual plan of the institute."


PAGE = " ".join(["The committee met in spring and again in autumn to review the accounts."] * 20)


def test_a_rare_word_weighs_more_than_a_common_one():
    for n in range(12):
        indexed(title=f"Tariffs review {n}", abstract=FILLER)
    indexed(title="Tariffs in the Baltic", abstract=FILLER)
    indexed(title="Lighthouses in the Baltic", abstract=FILLER)
    reindex_everything()

    assert titles("tariffs lighthouses")[0] == "Lighthouses in the Baltic"
    assert titles("lighthouses tariffs")[0] == "Lighthouses in the Baltic"


@pytest.mark.parametrize(
    ("stronger", "weaker"),
    [("title", "abstract"), ("abstract", "body"), ("title", "body"), ("author", "body")],
)
def test_a_match_in_a_weightier_field_ranks_first(stronger, weaker):
    def placed(field: str, name: str):
        word = "shipbuilding"
        if field == "author":
            author = AuthorFactory(name="Shipbuilding Jones")
            publication = indexed(title=name, abstract=FILLER, pages=[PAGE], authors=[author])
            return publication
        return indexed(
            title=f"{name} {word}" if field == "title" else name,
            abstract=f"{FILLER} {word}" if field == "abstract" else FILLER,
            pages=[f"{PAGE} {word}" if field == "body" else PAGE],
        )

    # The weaker match first, so that a tie would put it ahead.
    placed(weaker, "Weaker match")
    placed(stronger, "Stronger match")
    for n in range(5):
        indexed(title=f"Unrelated note {n}", abstract=FILLER, pages=[PAGE])
    reindex_everything()

    assert [title.split(" shipbuilding")[0] for title in titles("shipbuilding")] == [
        "Stronger match",
        "Weaker match",
    ]


def test_several_matched_words_outrank_one():
    indexed(title="Tariffs policy note", abstract=FILLER)
    indexed(title="Subsidies policy note", abstract=FILLER)
    indexed(title="Tariffs and subsidies policy", abstract=FILLER)
    indexed(title="Tariffs, subsidies and shipbuilding", abstract=FILLER)
    reindex_everything()

    found = titles("tariffs subsidies shipbuilding")

    assert found[:2] == ["Tariffs, subsidies and shipbuilding", "Tariffs and subsidies policy"]
    assert sorted(found[2:]) == ["Subsidies policy note", "Tariffs policy note"]


def test_plain_words_are_optional_so_a_long_question_finds_what_matches_most_of_it():
    indexed(title="Shipbuilding yards", abstract=FILLER)
    indexed(title="Museum attendance", abstract=FILLER)
    indexed(title="Tariffs and shipbuilding subsidies in the Baltic", abstract=FILLER)
    question = (
        "what are the effects of tariffs on shipbuilding subsidies in the baltic region today"
    )

    outcome = run(question)

    assert [result.publication.title for result in outcome.results] == [
        "Tariffs and shipbuilding subsidies in the Baltic",
        "Shipbuilding yards",
    ]
    assert outcome.count == 2


def test_a_quoted_phrase_matches_only_its_words_adjacent_and_in_order():
    indexed(title="Export controls on chips", abstract=FILLER)
    indexed(title="Controls on export licences", abstract=FILLER)
    indexed(title="Export credit and capital controls", abstract=FILLER)

    assert titles('"export controls"') == ["Export controls on chips"]


def test_a_phrase_constrains_while_the_plain_words_beside_it_only_rank():
    indexed(title="Export controls in Korea", abstract=FILLER)
    indexed(title="Export controls on chips", abstract=FILLER)
    indexed(title="Korea and its export of controls", abstract=FILLER)

    assert titles('"export controls" korea') == [
        "Export controls in Korea",
        "Export controls on chips",
    ]


LONG_PAGES = [" ".join(f"filler{n % 40}word" for n in range(900))] * 20  # 18,000 words


def test_a_phrase_deep_in_a_long_document_is_found_on_its_page():
    # Past 16,383 words a document's own vector keeps no real positions.
    deep = indexed(
        title="Annual accounts",
        pages=[*LONG_PAGES, "In closing, the export controls regime is reviewed."],
    )
    indexed(
        title="Annual accounts, apart",
        pages=[*LONG_PAGES, f"The controls of trade. {LONG_PAGES[0][:2000]} Then export."],
    )

    outcome = run('"export controls"')

    assert [result.publication.pk for result in outcome.results] == [deep.pk]
    assert outcome.results[0].pages == [21]


def test_a_minus_word_excludes_every_document_holding_it_anywhere():
    indexed(title="Tariffs in Korea", abstract=FILLER)
    indexed(title="Tariffs in Japan", abstract=FILLER)
    indexed(title="Tariffs in Asia", abstract=FILLER, pages=[f"{PAGE} Japan."])

    assert titles("tariffs -japan") == ["Tariffs in Korea"]
    assert titles("-japan") == ["Tariffs in Korea"]


def test_a_minus_phrase_excludes_the_phrase_but_not_its_words_apart():
    indexed(title="Tariffs and export controls", abstract=FILLER)
    indexed(title="Tariffs, export credit and capital controls", abstract=FILLER)

    assert titles('tariffs -"export controls"') == ["Tariffs, export credit and capital controls"]


def test_a_minus_phrase_deep_in_a_long_document_excludes_it():
    indexed(title="Regime review", pages=[*LONG_PAGES, "The export controls regime."])
    indexed(title="Regime overview", pages=[PAGE, "The regime."])

    assert titles('regime -"export controls"') == ["Regime overview"]


def test_relevance_newest_and_oldest_orders():
    for year, title in [(2020, "Ports, 2020"), (2022, "Ports and port dues, 2022"), (2024, "2024")]:
        indexed(
            title=title,
            abstract=f"{FILLER} ports" if year == 2024 else FILLER,
            publication_date=datetime.date(year, 5, 1),
        )
    reindex_everything()

    relevance = run("ports")
    newest = run("ports", sort="newest")
    oldest = run("ports", sort="oldest")

    assert [r.publication.title for r in relevance.results] == [
        "Ports and port dues, 2022",
        "Ports, 2020",
        "2024",
    ]
    scores = [r.score for r in relevance.results]
    assert scores == sorted(scores, reverse=True)
    assert [r.publication.publication_date.year for r in newest.results] == [2024, 2022, 2020]
    assert [r.publication.publication_date.year for r in oldest.results] == [2020, 2022, 2024]
    assert {r.score for r in newest.results + oldest.results} == {None}


# The top 10 against full BM25F on a corpus large enough that pruning matters.


def test_the_top_10_equals_full_bm25_on_a_large_index(large_corpus):
    for query in large_corpus["queries"]:
        outcome = run(query, page_size=10)
        found = [(r.publication.pk, r.score) for r in outcome.results]

        assert_same_top(found, exact_top(query, Filters(), 10), query)


@pytest.mark.parametrize("filtered", ["broad topic", "narrow topic", "type", "years"])
def test_the_top_10_equals_full_bm25_under_filters(large_corpus, filtered):
    filters = {
        "broad topic": Filters(topic_ids=(large_corpus["broad"].pk,)),
        "narrow topic": Filters(topic_ids=(large_corpus["narrow"].pk,)),
        "type": Filters(types=("report",)),
        "years": Filters(published_after=datetime.date(2006, 1, 1)),
    }[filtered]

    for query in large_corpus["queries"][::3]:
        outcome = run(query, page_size=10, filters=filters)
        found = [(r.publication.pk, r.score) for r in outcome.results]

        assert_same_top(found, exact_top(query, filters, 10), query)
