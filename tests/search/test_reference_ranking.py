"""The engine's ranking against BM25F computed from scratch from the catalogue's text
(tests/search/reference.py), after the sequences of writes a site goes through: whatever the
order in which documents were indexed, the top 10 is the reference's."""

from __future__ import annotations

import json
import random
import uuid

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publications.models import Publication, PublicationPage
from search.index import blocks, statistics
from search.index.writes import index_publication, remove_publication
from search.ranking.scoring import impact_bounds, impact_sql
from tests.factories import PublicationFactory
from tests.search.indexed import run
from tests.search.reference import Reference, materialise, same_top, top_from_sql

WORDS = [f"w{n}" for n in range(40)]
QUERIES = ["w1", "w2 w7", "w3 w11 w19", "w0 w5", "w23", "w4 w8 w15 w16 w30", "w31 w2"]


def _text(rng: random.Random, words: int) -> str:
    # Zipf-like: low-numbered words are common, so lists are long and scores close.
    return " ".join(WORDS[min(int(rng.paretovariate(1.1)) - 1, 39)] for _ in range(words))


def _body(rng: random.Random, words: int) -> str:
    """A web body: text before any heading, then sections under headings, in the HTML the
    sanitiser stores (headings carry their anchors)."""
    parts = [f"<p>{_text(rng, words)}</p>"]
    for number in range(rng.randint(1, 3)):
        parts.append(f'<h2 id="part-{number}">{_text(rng, 2)}</h2>')
        parts.append(f"<ul><li>{_text(rng, words // 2)}</li><li>{_text(rng, 3)}</li></ul>")
    return "".join(parts)


def _assert_ranks_as_the_reference(queries=QUERIES) -> None:
    reference = Reference()
    for query in queries:
        found = [result.publication.pk for result in run(query, page_size=10).results]
        assert same_top(reference, query, found), (query, found, reference.top(query))


def _import(tmp_path, rows: list[dict]) -> None:
    path = tmp_path / "import.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    call_command("import_publications", str(path), "--quiet")


def _rows(rng: random.Random, count: int, *, words: int, start: int = 0) -> list[dict]:
    return [
        {
            "slug": f"doc-{start + n}",
            "title": _text(rng, 3),
            "abstract": _text(rng, words),
            "published": "2020-01-01",
            "type": "report",
            "authors": [],
            "topics": [],
        }
        for n in range(count)
    ]


@pytest.mark.django_db
def test_an_import_of_short_documents_then_long_ones_ranks_as_bm25f_from_scratch(tmp_path):
    # The averages the first rows are indexed with are far from the final ones: a score fixed
    # at write time would rank every short document against the wrong lengths.
    rng = random.Random(5)
    _import(tmp_path, _rows(rng, 40, words=6) + _rows(rng, 40, words=120, start=40))

    _assert_ranks_as_the_reference()


@pytest.mark.django_db
def test_an_import_into_a_large_index_ranks_as_bm25f_from_scratch(tmp_path):
    rng = random.Random(6)
    _import(tmp_path, _rows(rng, 60, words=100))
    _import(tmp_path, _rows(rng, 30, words=5, start=60))

    _assert_ranks_as_the_reference()


@pytest.mark.django_db
def test_documents_indexed_one_at_a_time_rank_as_bm25f_from_scratch(settings):
    # As the admin and extraction write: one document per transaction, no recount. With no
    # tolerance the scoring averages follow every write.
    settings.SEARCH_AVERAGES_TOLERANCE = 0.0
    rng = random.Random(7)
    for n in range(50):
        publication = PublicationFactory(
            slug=f"one-{n}", title=_text(rng, 3), abstract=_text(rng, 4 + 3 * n)
        )
        index_publication(publication.pk)
    blocks.compact()

    _assert_ranks_as_the_reference()


@pytest.mark.django_db
def test_documents_with_bodies_rank_as_bm25f_from_scratch(settings):
    # Some with a body only, some with pages only, some with both, some with neither: the body
    # is a field of its own, with its own average length.
    settings.SEARCH_AVERAGES_TOLERANCE = 0.0
    rng = random.Random(10)
    for n in range(40):
        publication = PublicationFactory(
            slug=f"body-{n}",
            title=_text(rng, 3),
            abstract=_text(rng, 6),
            body=_body(rng, 10 + 4 * n) if n % 4 < 2 else "",
        )
        if n % 2:
            PublicationPage.objects.create(publication=publication, number=1, text=_text(rng, 150))
        index_publication(publication.pk)
    blocks.compact()

    _assert_ranks_as_the_reference()


@pytest.mark.django_db
def test_within_the_tolerance_scores_stay_within_it_of_bm25f_from_scratch(settings):
    settings.SEARCH_AVERAGES_TOLERANCE = 0.05
    rng = random.Random(8)
    for n in range(40):
        publication = PublicationFactory(
            slug=f"near-{n}", title=_text(rng, 3), abstract=_text(rng, 5 + n)
        )
        index_publication(publication.pk)

    reference = Reference()
    for query in QUERIES:
        for result in run(query, page_size=10).results:
            exact = reference.score(result.publication.pk, reference.lexemes(query))
            assert result.score == pytest.approx(exact, rel=0.05, abs=1e-4)


# Random histories: documents added, edited (shorter or longer), deleted, the statistics
# recounted and the blocks compacted, in any order.
ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["add", "add", "edit", "delete", "recount", "compact"]),
        st.integers(min_value=0, max_value=10**6),
    ),
    min_size=5,
    max_size=25,
)


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=ACTIONS)
def test_after_any_history_block_bounds_hold_and_the_top_10_is_bm25f_from_scratch(actions):
    with transaction.atomic():
        _play(actions)
        # Bounds hold whatever the averages did since the blocks were built...
        _assert_block_bounds_hold()
        # ...and once the statistics are recounted, the ranking is the reference's.
        statistics.recount(exact=True)
        _assert_block_bounds_hold()
        _assert_ranks_as_the_reference(QUERIES[:4])
        transaction.set_rollback(True)


def _play(actions: list[tuple[str, int]]) -> None:
    live: list[int] = []
    for action, seed in actions:
        rng = random.Random(seed)
        if action == "add" or (action in ("edit", "delete") and not live):
            publication = PublicationFactory(
                slug=f"history-{uuid.uuid4().hex}",
                title=_text(rng, 3),
                abstract=_text(rng, rng.choice([3, 10, 60])),
            )
            if rng.random() < 0.3:
                PublicationPage.objects.create(
                    publication=publication, number=1, text=_text(rng, 200)
                )
            if rng.random() < 0.4:
                Publication.objects.filter(pk=publication.pk).update(body=_body(rng, 30))
            index_publication(publication.pk)
            live.append(publication.pk)
        elif action == "edit":
            pk = rng.choice(live)
            Publication.objects.filter(pk=pk).update(
                abstract=_text(rng, rng.choice([2, 40, 150])),
                body=rng.choice(["", _body(rng, rng.choice([5, 80]))]),
            )
            index_publication(pk)
        elif action == "delete":
            pk = live.pop(rng.randrange(len(live)))
            remove_publication(pk)
            Publication.objects.filter(pk=pk).delete()
        elif action == "recount":
            statistics.recount()
        else:
            blocks.compact()


BLOCK_BOUNDS_SQL = f"""
    SELECT b.term_id, b.floor, b.average_a, b.average_b, b.average_c, b.average_d,
           max({impact_sql()}) AS highest
      FROM search_searchblock b
      JOIN search_searchblock later ON later.term_id = b.term_id AND later.number > b.number
     CROSS JOIN LATERAL unnest(ARRAY(
           SELECT get_byte(later.documents, 8 * n + 4) * 16777216::bigint
                  + get_byte(later.documents, 8 * n + 5) * 65536
                  + get_byte(later.documents, 8 * n + 6) * 256
                  + get_byte(later.documents, 8 * n + 7)
             FROM generate_series(0, later.size - 1) AS n)) AS entry(doc)
      JOIN search_searchposting sp ON sp.term_id = b.term_id AND sp.document_id = entry.doc
      JOIN search_searchfilterrow l ON l.publication_id = sp.document_id
     WHERE entry.doc NOT IN (SELECT document_id FROM search_searchstaledocument)
     GROUP BY b.term_id, b.number, b.floor, b.average_a, b.average_b, b.average_c, b.average_d
"""  # noqa: S608 (the module's own constants)


def _assert_block_bounds_hold() -> None:
    """Every posting's impact with today's averages is at most the floor of each block before
    its own times the bound's factor (what a reader assumes of blocks it has not read); entries
    of documents changed since (stale) are ignored by readers, so not checked."""
    stats = statistics.current()
    with connection.cursor() as cursor:
        cursor.execute(BLOCK_BOUNDS_SQL, stats.averages())
        rows = cursor.fetchall()
    for term_id, floor, *built, highest in rows:
        _, high = impact_bounds(tuple(built), stats)
        assert highest <= floor * high * (1 + 1e-6) + 1e-12, term_id


@pytest.mark.django_db
def test_the_reference_in_sql_agrees_with_the_one_in_memory(tmp_path):
    rng = random.Random(9)
    _import(tmp_path, _rows(rng, 30, words=8) + _rows(rng, 20, words=80, start=30))
    reference = Reference()

    materialise()

    for query in QUERIES:
        from_sql = top_from_sql(query)
        assert same_top(reference, query, [pk for pk, _ in from_sql]), query
        expected = [score for _, score in reference.top(query)]
        assert [score for _, score in from_sql] == pytest.approx(expected, rel=1e-9)
