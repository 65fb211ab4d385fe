"""Rebuilding the search index beside the live one (search/rebuild.py): readers keep the old index
until the switch, writes made meanwhile reach the new one, and a failed rebuild changes nothing."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from publications.models import Publication, PublicationPage
from publications.services import publications_delete
from search.index import rebuild
from search.index import writes as indexing
from search.models import SearchFilterRow, SearchPosting, SearchStats, SearchTerm, SearchWord
from tests.factories import PublicationFactory
from tests.search.indexed import indexed, run, titles
from tests.search.reference import Reference, same_top

pytestmark = pytest.mark.django_db(transaction=True)

STRUCTURE_SQL = """
    SELECT 'index', tablename, indexname FROM pg_indexes
     WHERE schemaname = 'public' AND tablename LIKE 'search\\_%%'
    UNION ALL
    SELECT 'constraint', conrelid::regclass::text, conname FROM pg_constraint
     WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text LIKE 'search\\_%%'
    ORDER BY 1, 2, 3
"""


def _structure() -> list[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(STRUCTURE_SQL)
        return cursor.fetchall()


def _in_another_connection(work):
    """Run `work` in a thread of its own, with its own database connection; its result."""
    outcome = {}

    def target():
        try:
            outcome["value"] = work()
        except Exception as error:  # noqa: BLE001 (re-raised in the test's thread)
            outcome["error"] = error
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _catalogue() -> None:
    for n in range(12):
        indexed(
            title=f"Harbour report {n}",
            abstract="ships and tides " * (n + 1),
            pages=["harbour pilots " * (2 * n + 1)],
            slug=f"harbour-{n}",
        )


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_rebuild_yields_the_index_the_writes_built_with_the_same_tables(jobs):
    _catalogue()
    before = _structure()
    postings = sorted(_postings())
    lengths = _lengths()
    words = sorted(SearchWord.objects.values_list("word", "df"))

    # Batches of 4: with two loaders, both meet new terms and words side by side.
    call_command("rebuild_search_index", "--batch-size", "4", "--jobs", str(jobs), stdout=None)

    assert _structure() == before  # names as migrations left them
    assert sorted(_postings()) == postings
    assert _lengths() == lengths
    assert sorted(SearchWord.objects.values_list("word", "df")) == words
    stats = SearchStats.objects.get(pk=1)
    assert (stats.documents, stats.blocks_built_at is not None) == (12, True)
    reference = Reference()
    for query in ("harbour", "ships tides", "pilots report"):
        assert same_top(reference, query, [p.pk for p in _found(query)]), query
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname = %s", [rebuild.SCHEMA])
        assert cursor.fetchone()[0] == 0


def _postings() -> list[tuple[int, str, int, int, int, int]]:
    lexemes = dict(SearchTerm.objects.values_list("pk", "lexeme"))
    return [
        (doc, lexemes[term], *frequencies)
        for doc, term, *frequencies in SearchPosting.objects.values_list(
            "document_id", "term_id", "tf_a", "tf_b", "tf_c", "tf_d"
        )
    ]


def _lengths() -> list[tuple[int, int, int, int]]:
    return sorted(
        SearchFilterRow.objects.values_list("pk", "length_a", "length_b", "length_c", "length_d")
    )


def _found(query: str) -> list[Publication]:
    return [result.publication for result in run(query, page_size=10).results]


def test_readers_keep_the_old_index_during_a_rebuild_and_writes_meanwhile_reach_the_new_one():
    _catalogue()
    old = titles("harbour")
    seen_during: list[list[str]] = []

    def write_meanwhile() -> None:
        publication = PublicationFactory(title="Lighthouse keepers", slug="lighthouse")
        PublicationPage.objects.create(publication=publication, number=1, text="harbour lamps")
        indexing.index_publication(publication.pk)
        publications_delete(publications=Publication.objects.filter(slug="harbour-0"))

    def during(done: int) -> None:
        seen_during.append(_in_another_connection(lambda: titles("harbour")))
        if len(seen_during) == 1:
            _in_another_connection(write_meanwhile)

    indexing.rebuild(batch_size=4, progress=during)

    # Every search during the build found the old index whole, never a half-built one.
    assert seen_during[0] == old
    assert all(found for found in seen_during)
    after = titles("harbour")
    assert "Lighthouse keepers" in after
    assert "Harbour report 0" not in after
    reference = Reference()
    assert same_top(reference, "harbour", [p.pk for p in _found("harbour")])


def test_a_rebuild_that_fails_leaves_the_live_index_as_it_was(monkeypatch):
    _catalogue()
    before, structure = titles("harbour"), _structure()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(indexing, "write_texts", broken)

    with pytest.raises(RuntimeError):
        indexing.rebuild(batch_size=4)

    assert titles("harbour") == before
    assert _structure() == structure
    with connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        assert rebuild.SCHEMA not in cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname = %s", [rebuild.SCHEMA])
        assert cursor.fetchone()[0] == 0
