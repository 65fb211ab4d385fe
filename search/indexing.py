"""Keeping the index current. `index_publication` is the one function publications/ calls, inside
its own transaction, whenever a publication's text, metadata or status changes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.db.utils import OperationalError

from publications.models import Publication, PublicationPage, Status
from search import bm25
from search.models import SearchDocument, SearchPage, SearchStats
from search.vectors import MAX_BODY_CHARACTERS, MAX_PAGE_CHARACTERS

# PostgreSQL's "string is too long for tsvector": the text is cut further and flagged.
PROGRAM_LIMIT_EXCEEDED = "54000"


def index_publication(publication_id: int) -> None:
    """Bring the publication's search documents in line with the catalogue (or remove them)."""
    index_publications([publication_id])


def index_publications(publication_ids: Sequence[int]) -> None:
    """The same for many publications, set-based (the bulk path shares every statement)."""
    publications = list(
        Publication.objects.filter(pk__in=publication_ids)
        .exclude(status=Status.DRAFT)
        .prefetch_related("authorships__author", "topics")
    )
    listed = {publication.pk for publication in publications}
    with transaction.atomic():
        _remove([pk for pk in publication_ids if pk not in listed])
        if not publications:
            return
        ids = sorted(listed)
        stats = current_stats()
        _execute(bm25.DF_REMOVE_SQL, ids)
        _execute(bm25.DELETE_POSTINGS_SQL, ids)
        _execute(bm25.WORDS_REMOVE_SQL, ids)
        for publication in publications:
            _write_document(publication)
        _execute(bm25.WORDS_ADD_SQL, ids)
        _execute(bm25.TERMS_SQL, ids)
        _execute(bm25.POSTINGS_SQL, ids, averages(stats))
        _execute(bm25.DF_ADD_SQL, ids)


def remove_publication(publication_id: int) -> None:
    _remove([publication_id])


def _remove(ids: list[int]) -> None:
    if not ids:
        return
    _execute(bm25.DF_REMOVE_SQL, ids)
    _execute(bm25.WORDS_REMOVE_SQL, ids)
    SearchDocument.objects.filter(publication_id__in=ids).delete()


def _write_document(publication: Publication) -> None:
    pages = list(
        PublicationPage.objects.filter(publication=publication)
        .order_by("number")
        .values_list("number", "text")
    )
    body, truncated = _body(text for _, text in pages)
    fields = {
        "title": " ".join(filter(None, [publication.title, publication.subtitle])),
        "authors_text": " ".join(author.name for author in publication.ordered_authors),
        "topics_text": " ".join(topic.name for topic in publication.topics.all()),
        "abstract": publication.abstract,
        "status": publication.status,
        "publication_date": publication.publication_date,
        "type": publication.type,
        "topic_ids": sorted(topic.pk for topic in publication.topics.all()),
        "author_ids": [author.pk for author in publication.ordered_authors],
    }
    document = _save_within_limit(publication.pk, fields, body, truncated)
    SearchPage.objects.filter(document=document).delete()
    SearchPage.objects.bulk_create(
        SearchPage(document=document, number=number, text=text[:MAX_PAGE_CHARACTERS])
        for number, text in pages
    )


def _save_within_limit(pk: int, fields: dict, body: str, truncated: bool) -> SearchDocument:
    """Save the document; a body whose tsvector would pass 1 MB is halved until it fits."""
    while True:
        try:
            with transaction.atomic():
                document, _ = SearchDocument.objects.update_or_create(
                    publication_id=pk, defaults={**fields, "body": body, "truncated": truncated}
                )
                return document
        except OperationalError as error:
            if getattr(error.__cause__, "sqlstate", None) != PROGRAM_LIMIT_EXCEEDED or not body:
                raise
            body, truncated = body[: len(body) // 2], True


def _body(texts: Iterable[str]) -> tuple[str, bool]:
    body = "\n\n".join(texts)
    if len(body) <= MAX_BODY_CHARACTERS:
        return body, False
    return body[:MAX_BODY_CHARACTERS], True


def current_stats() -> bm25.CollectionStats:
    """The stored collection statistics, measured now if they were never measured."""
    stats = SearchStats.objects.filter(pk=1).first()
    if stats is None or stats.documents == 0:
        stats = refresh_stats()
    return bm25.CollectionStats(
        stats.documents, stats.average_length_a, stats.average_length_b, stats.average_length_c
    )


def refresh_stats() -> SearchStats:
    """Measure the collection again (document count, average field lengths)."""
    with connection.cursor() as cursor:
        cursor.execute(bm25.STATS_SQL)
        documents, average_a, average_b, average_c = cursor.fetchone()
    stats, _ = SearchStats.objects.update_or_create(
        pk=1,
        defaults={
            "documents": documents,
            "average_length_a": float(average_a) or 1.0,
            "average_length_b": float(average_b) or 1.0,
            "average_length_c": float(average_c) or 1.0,
        },
    )
    return stats


def averages(stats: bm25.CollectionStats) -> dict[str, float]:
    return {
        "average_a": stats.average_length_a,
        "average_b": stats.average_length_b,
        "average_c": stats.average_length_c,
    }


def _execute(sql: str, ids: list[int], params: dict | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"ids": ids, **(params or {})})
