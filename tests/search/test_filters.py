"""How the filters' conditions reach PostgreSQL's indexes (what the benchmarks measure at scale
depends on it, so the shape is asserted here on a small index)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from search.filters import Filters, document_condition
from search.query import parse

pytestmark = pytest.mark.django_db

SINCE = datetime.date(2010, 1, 1)


def _plan(filters: Filters) -> str:
    """The plan of listing a filter's documents with only the date index to choose from (no
    sequential scan, no bitmap scan, which the topic and author indexes need)."""
    condition = document_condition(filters)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        listing = "EXPLAIN SELECT d.publication_id FROM {table} d WHERE {where}"
        cursor.execute(
            listing.format(table=condition.table, where=condition.where()), condition.params
        )
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_date_range_alone_is_found_by_the_date_index():
    assert "search_filter_date_idx" in _plan(Filters(published_after=SINCE))


@pytest.mark.parametrize(
    "filters",
    [
        Filters(topic_ids=(1,), published_after=SINCE),
        Filters(author_ids=(1,), published_before=SINCE),
        Filters(topic_ids=(1,)),
    ],
)
def test_under_a_topic_or_author_filter_the_dates_are_checked_on_its_rows(filters):
    assert "search_filter_date_idx" not in _plan(filters)


def test_filters_alone_read_the_narrow_rows():
    condition = document_condition(Filters(topic_ids=(1,), types=("report",)))
    within = condition.also("d.publication_id = ANY(%(pool)s::int[])", pool=[1])

    assert condition.table == within.table == "search_searchfilterrow"
    assert "search_searchfilterrow" in _plan(Filters(topic_ids=(1,)))


@pytest.mark.parametrize("query", ['"harbour pilots"', 'harbour -"sea pilots"'])
def test_a_condition_that_reads_a_documents_text_reads_the_documents(query):
    parsed = parse(query)
    condition = document_condition(Filters(topic_ids=(1,)), parsed.phrases, parsed.excluded)
    joined = document_condition(Filters()).joined(condition)

    assert condition.table == joined.table == "search_searchdocument"
    assert joined.also("TRUE").table == "search_searchdocument"
