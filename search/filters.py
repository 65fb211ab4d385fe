"""The SQL conditions a search applies to search documents: visibility, filters, constraints."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from search.vectors import CONFIG


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
    """A WHERE clause over `search_searchdocument d` with its parameters."""

    sql: list[str] = field(default_factory=list)
    params: dict = field(default_factory=dict)

    def where(self) -> str:
        return " AND ".join(self.sql) if self.sql else "TRUE"


def document_condition(
    filters: Filters, phrases: list[str] | tuple[str, ...] = (), excluded: list[str] | tuple = ()
) -> Condition:
    """Visible to the public, within the filters, and meeting the query's constraints."""
    condition = Condition(
        ["d.status <> 'draft'", "d.publication_date <= %(today)s"],
        {"today": timezone.localdate()},
    )
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
        condition.sql.append("d.publication_date >= %(after)s")
        condition.params["after"] = filters.published_after
    if filters.published_before:
        condition.sql.append("d.publication_date <= %(before)s")
        condition.params["before"] = filters.published_before
    for index, phrase in enumerate(phrases):
        # Checked on the pages too: a long document's own vector keeps word positions only up
        # to 16,383, so a late phrase is found on the page that holds it. A phrase of stop
        # words alone constrains nothing.
        query = f"phraseto_tsquery('{CONFIG}', %(phrase{index})s)"
        condition.sql.append(
            f"""(numnode({query}) = 0 OR d.vector @@ {query}
                 OR EXISTS (SELECT 1 FROM search_searchpage p
                             WHERE p.document_id = d.publication_id AND p.vector @@ {query}))"""
        )
        condition.params[f"phrase{index}"] = phrase
    for index, item in enumerate(excluded):
        # Whether a word occurs at all is exact in the document's vector, but for a phrase
        # (more than one lexeme) past the vector's position limit, or any word of a document
        # whose body was cut to fit, only the page that holds it knows (as ranking does).
        query = f"phraseto_tsquery('{CONFIG}', %(excluded{index})s)"
        condition.sql.append(
            f"""NOT (d.vector @@ {query}
                     OR ((numnode({query}) > 1 OR d.truncated) AND EXISTS (
                         SELECT 1 FROM search_searchpage p
                          WHERE p.document_id = d.publication_id AND p.vector @@ {query})))"""
        )
        condition.params[f"excluded{index}"] = item
    return condition
