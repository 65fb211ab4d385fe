"""The SQL conditions a search applies to search documents (visibility, filters, constraints),
and the plain reads over what meets one: a capped count, some ids, the first k by date."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connections
from django.utils import timezone

from publications.models import public_sql
from search.index.vectors import CONFIG
from search.replica import search_db


@dataclass(frozen=True)
class Filters:
    """Topic and author ids (OR within each, AND across), type keys, a date range."""

    topic_ids: tuple[int, ...] = ()
    author_ids: tuple[int, ...] = ()
    types: tuple[str, ...] = ()
    published_after: datetime.date | None = None
    published_before: datetime.date | None = None
    # Unknown slugs were asked for: nothing can match.
    impossible: bool = False

    @property
    def active(self) -> bool:
        return bool(
            self.topic_ids
            or self.author_ids
            or self.types
            or self.published_after
            or self.published_before
            or self.impossible
        )


@dataclass
class Condition:
    """A WHERE clause over the documents as `d`, with its parameters. It reads the narrow filter
    rows unless a clause needs a document's own text (its vector or field lengths)."""

    sql: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)
    reads_document: bool = False

    def where(self) -> str:
        return " AND ".join(self.sql) if self.sql else "TRUE"

    @property
    def table(self) -> str:
        """The table to read as `d`: both hold the filter columns under the same names."""
        return "search_searchdocument" if self.reads_document else "search_searchfilterrow"

    def joined(self, other: Condition) -> Condition:
        return Condition(
            [*self.sql, *other.sql],
            {**self.params, **other.params},
            self.reads_document or other.reads_document,
        )

    def also(self, sql: str, **params) -> Condition:
        """This condition and one more clause (one that reads only filter columns or postings)."""
        return Condition([*self.sql, sql], {**self.params, **params}, self.reads_document)

    def within(self, ids: list[int]) -> Condition:
        """This condition, among these documents alone."""
        return self.also("d.publication_id = ANY(%(pool)s::int[])", pool=ids)


def capped_count(condition: Condition, cap: int) -> int:
    """How many documents meet the condition, counted up to `cap`."""
    sql = f"""SELECT count(*) FROM (SELECT 1 FROM {condition.table} d
                                     WHERE {condition.where()} LIMIT %(cap)s) capped"""
    with connections[search_db()].cursor() as cursor:
        cursor.execute(sql, {**condition.params, "cap": cap})
        return cursor.fetchone()[0]


def document_ids(condition: Condition, limit: int) -> list[int]:
    """Up to `limit` of the documents meeting the condition, in no order."""
    sql = f"""SELECT d.publication_id FROM {condition.table} d WHERE {condition.where()}
              LIMIT %(limit)s"""
    with connections[search_db()].cursor() as cursor:
        cursor.execute(sql, {**condition.params, "limit": limit})
        return [row[0] for row in cursor.fetchall()]


def by_date(condition: Condition, k: int, *, newest: bool) -> list[tuple[int, None]]:
    """The first k documents meeting the condition by date, newest or oldest first."""
    direction = "DESC" if newest else "ASC"
    sql = f"""SELECT d.publication_id FROM {condition.table} d WHERE {condition.where()}
              ORDER BY d.publication_date {direction}, d.publication_id {direction}
              LIMIT %(limit)s"""
    with connections[search_db()].cursor() as cursor:
        cursor.execute(sql, {**condition.params, "limit": k})
        return [(row[0], None) for row in cursor.fetchall()]


def document_condition(
    filters: Filters, phrases: list[str] | tuple[str, ...] = (), excluded: list[str] | tuple = ()
) -> Condition:
    """Visible to the public now, within the filters, and meeting the query's constraints. The
    condition's parameter `now` is the request's one clock."""
    date = _date_column(filters)
    condition = Condition([public_sql("d", VISIBLE_FROM)], {"now": timezone.now()})
    if filters.impossible:
        condition.sql.append("FALSE")
    if filters.topic_ids:
        condition.sql.append("d.topic_ids && %(topic_ids)s::int[]")
        condition.params["topic_ids"] = list(filters.topic_ids)
    if filters.author_ids:
        condition.sql.append("d.author_ids && %(author_ids)s::int[]")
        condition.params["author_ids"] = list(filters.author_ids)
    if filters.types:
        condition.sql.append("d.type = ANY(%(types)s)")
        condition.params["types"] = list(filters.types)
    if filters.published_after:
        condition.sql.append(f"{date} >= %(after)s")
        condition.params["after"] = filters.published_after
    if filters.published_before:
        condition.sql.append(f"{date} <= %(before)s")
        condition.params["before"] = filters.published_before
    if phrases:
        condition = condition.joined(phrase_condition(phrases, "phrase"))
    if excluded:
        condition = condition.joined(phrase_condition(excluded, "excluded", negate=True))
    return condition


# Nearly every document is visible: the check is made on rows other conditions found, never by the
# visible_from index (written as an expression, it cannot be offered), which serves the few not
# visible yet (search.ranking.lists.HIDDEN_SQL). Without statistics (a new or small index) the
# planner took that index for "visible by now" instead of the date index for a date range.
VISIBLE_FROM = "(d.visible_from + interval '0 s')"


def _date_column(filters: Filters) -> str:
    """The date as the condition compares it. Under a topic or author filter, the dates are
    checked on the rows that filter's index finds (as an expression, the date index cannot be
    offered): given both, PostgreSQL intersected the topic's few thousand rows with a bitmap of
    every publication in the date range, at 1,000,000 publications hundreds of thousands."""
    return (
        "(d.publication_date + 0)"
        if filters.topic_ids or filters.author_ids
        else "d.publication_date"
    )


def phrase_condition(
    phrases: list[str] | tuple[str, ...], prefix: str, *, negate: bool = False
) -> Condition:
    """Every phrase's words in order in the document, or with `negate` none of them there.
    A phrase of stop words alone constrains nothing. Reads the document's vector: meant for
    candidates, not for the whole index."""
    condition = Condition(reads_document=bool(phrases))
    for index, phrase in enumerate(phrases):
        name = f"{prefix}{index}"
        query = f"phraseto_tsquery('{CONFIG}', %({name})s)"
        # The document's vector holds its title, names, topics and abstract; the body is in its
        # sections' and the files' text in their pages' (a phrase across a heading or a page
        # break is not found).
        holds = f"""(d.vector @@ {query}
                 OR EXISTS (SELECT 1 FROM search_searchsection s
                             WHERE s.document_id = d.publication_id AND s.vector @@ {query})
                 OR EXISTS (SELECT 1 FROM search_searchpage p
                             WHERE p.document_id = d.publication_id AND p.vector @@ {query}))"""
        if negate:
            condition.sql.append(f"NOT (numnode({query}) > 0 AND {holds})")
        else:
            condition.sql.append(f"(numnode({query}) = 0 OR {holds})")
        condition.params[name] = phrase
    return condition
