"""Helpers for the tests of the search core: publications indexed as the catalogue indexes them,
searches by title, and the index's statistics recounted from scratch."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

import numpy as np
import pytest
from django.db import connection

from publications.models import Publication, PublicationPage, Status
from search.engine import SearchOutcome, SearchRequest, search
from search.index import blocks, statistics
from search.index.writes import index_publication, index_publications
from search.models import SearchBlock
from search.ranking.scoring import impact_sql
from search.tuning import site_tuning
from tests.factories import PublicationFactory, PublicationFileFactory


def indexed(*, title: str, abstract: str = "", pages: Sequence[str] = (), **fields) -> Publication:
    """A published publication with these PDF pages (and any other fields, a `body` among them),
    indexed as extraction indexes it."""
    publication = PublicationFactory(title=title, abstract=abstract, **fields)
    file = PublicationFileFactory(publication=publication) if pages else None
    PublicationPage.objects.bulk_create(
        PublicationPage(publication=publication, file=file, number=number, text=text)
        for number, text in enumerate(pages, start=1)
    )
    index_publication(publication.pk)
    return publication


def reindex_everything() -> None:
    """Measure the collection, then write every posting again with those statistics (what
    `rebuild_search_index` and the periodic refresh converge to)."""
    statistics.recount(exact=True)
    index_publications(
        list(Publication.objects.exclude(status=Status.DRAFT).values_list("pk", flat=True))
    )


def run(query: str, **request) -> SearchOutcome:
    return search(SearchRequest(query=query, **request))


def titles(query: str, **request) -> list[str]:
    """The titles found, best first."""
    return [result.publication.title for result in run(query, **request).results]


TERM_DF_MISMATCHES_SQL = """
    SELECT t.lexeme, t.df, coalesce(c.n, 0)
      FROM search_searchterm t
      LEFT JOIN (SELECT term_id, count(*) AS n FROM search_searchposting GROUP BY term_id) c
        ON c.term_id = t.id
     WHERE t.df <> coalesce(c.n, 0)
"""

# The vocabulary "did you mean" reads: surface words (3 to 40 letters) of the titles, names,
# topics and abstracts of the search documents, counted per document.
WORD_DF_MISMATCHES_SQL = """
    WITH counted AS (
        SELECT u.lexeme AS word, count(*) AS n
          FROM search_searchdocument d CROSS JOIN LATERAL unnest(to_tsvector(
               'simple_unaccent', d.title || ' ' || d.authors_text || ' ' || d.topics_text
               || ' ' || d.abstract)) u
         WHERE length(u.lexeme) BETWEEN 3 AND 40 AND u.lexeme ~ '^[[:alpha:]]+$'
         GROUP BY u.lexeme
    )
    SELECT coalesce(w.word, counted.word), coalesce(w.df, 0), coalesce(counted.n, 0)
      FROM search_searchword w FULL JOIN counted USING (word)
     WHERE coalesce(w.df, 0) <> coalesce(counted.n, 0)
"""


def frequency_mismatches() -> dict[str, list[tuple[str, int, int]]]:
    """Terms and words whose stored document frequency differs from a fresh recount, as
    (lexeme or word, stored, recounted); empty lists when the index is consistent."""
    with connection.cursor() as cursor:
        cursor.execute(TERM_DF_MISMATCHES_SQL)
        terms = cursor.fetchall()
        cursor.execute(WORD_DF_MISMATCHES_SQL)
        words = cursor.fetchall()
    return {"terms": sorted(terms), "words": sorted(words)}


# Documents whose narrow filter row is missing, left over, or differs from the document's own
# filter columns.
FILTER_ROW_MISMATCHES_SQL = """
    SELECT coalesce(d.publication_id, f.publication_id)
      FROM search_searchdocument d
      FULL JOIN search_searchfilterrow f ON f.publication_id = d.publication_id
     WHERE (d.visible_from, d.publication_date, d.type, d.topic_ids, d.author_ids)
           IS DISTINCT FROM (f.visible_from, f.publication_date, f.type, f.topic_ids, f.author_ids)
"""


def filter_row_mismatches() -> list[int]:
    """Publications whose filter row disagrees with their search document; empty when none."""
    with connection.cursor() as cursor:
        cursor.execute(FILTER_ROW_MISMATCHES_SQL)
        return sorted(row[0] for row in cursor.fetchall())


def postings_of(publication_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM search_searchposting WHERE document_id = %s", [publication_id]
        )
        return cursor.fetchone()[0]


SEARCH_TABLES = (
    "search_searchdocument, search_searchfilterrow, search_searchpage, search_searchterm, "
    "search_searchposting, search_searchword"
)


@contextlib.contextmanager
def bulk_indexing() -> Iterator[None]:
    """For a test that indexes a lot in one long transaction: plans that do not hang on table
    statistics while it indexes, then statistics that count what it wrote.

    Autovacuum cannot see uncommitted rows, and earlier tests' rollbacks leave dead pages, so the
    statistics may say "no rows in many pages". The document-frequency updates of a large batch
    then run as nested loops over the whole postings table, for minutes (measured: 143 s instead
    of 0.1 s for 1,000 small documents; a document of 60,000 distinct words did not finish in 15
    minutes). Without nested loops they take the hash joins they take with true statistics;
    afterwards ANALYZE counts this transaction's rows, and holding SHARE UPDATE EXCLUSIVE keeps
    autovacuum from measuring the tables again until the transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_nestloop = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_nestloop = on")
            cursor.execute(f"LOCK TABLE {SEARCH_TABLES} IN SHARE UPDATE EXCLUSIVE MODE")
            cursor.execute(f"ANALYZE {SEARCH_TABLES}")


def index_in_batches(ids: Sequence[int], batch: int = 1_000) -> None:
    """Index many publications, a batch at a time, inside the test's transaction."""
    ids = list(ids)
    with bulk_indexing():
        for start in range(0, len(ids), batch):
            index_publications(ids[start : start + batch])


def answers_recorded(monkeypatch, module, name: str) -> list[bool]:
    """Whether each call of module.name answered (returned something other than None)."""
    calls: list[bool] = []
    original = getattr(module, name)

    def recording(*args, **kwargs):
        result = original(*args, **kwargs)
        calls.append(result is not None)
        return result

    monkeypatch.setattr(module, name, recording)
    return calls


IMPACTS_SQL = f"""SELECT sp.document_id, {impact_sql()} AS impact FROM search_searchposting sp
                    JOIN search_searchfilterrow l ON l.publication_id = sp.document_id
                   WHERE sp.term_id = %(term)s ORDER BY impact DESC"""  # noqa: S608 (constants)


def _postings_best_first(term_id: int) -> list[tuple[int, float]]:
    """A term's postings with their impacts under today's averages, best first."""
    with connection.cursor() as cursor:
        cursor.execute(
            IMPACTS_SQL,
            {"term": term_id, **statistics.current().averages()},
        )
        return cursor.fetchall()


def _blocks_of(term_id: int) -> list[SearchBlock]:
    return list(SearchBlock.objects.filter(term_id=term_id).order_by("number"))


def _decoded(block: SearchBlock) -> list[tuple[int, float]]:
    documents = np.frombuffer(bytes(block.documents), dtype=">i8").tolist()
    impacts = np.frombuffer(bytes(block.impacts), dtype=">f4").tolist()
    return list(zip(documents, impacts, strict=True))


def assert_blocks_match_postings(term_id: int) -> None:
    postings = _postings_best_first(term_id)
    stored = _blocks_of(term_id)
    ends = blocks.block_ends(len(postings), site_tuning())
    assert [block.number for block in stored] == list(range(len(stored)))
    assert [block.size for block in stored] == [
        min(end, len(postings)) - start
        for start, end in zip([0, *ends], ends, strict=False)
        if start < len(postings)
    ]
    decoded = [row for block in stored for row in _decoded(block)]
    assert [impact for _, impact in decoded] == pytest.approx(
        [impact for _, impact in postings], rel=1e-6
    )
    by_document = dict(postings)
    assert sorted(dict(decoded)) == sorted(by_document)
    assert [impact for _, impact in decoded] == pytest.approx(
        [by_document[document] for document, _ in decoded], rel=1e-6
    )
    for block in stored:
        assert block.floor == pytest.approx(min(impact for _, impact in _decoded(block)), rel=1e-6)
